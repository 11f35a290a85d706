//! The helpers' validation and exact JSON, and, for a table of cases, the
//! JSON the Docker CLI sent for the same flags
//! (`tests/fixtures/cli/swarm-requests.txt`, recorded through a proxy in
//! front of the swarm test engine).

use std::time::Duration;

use serde_json::{json, Value};

use super::*;
use crate::Error;

const CLI: &str = include_str!("../../../tests/fixtures/cli/swarm-requests.txt");

/// The body the CLI sent for the command that starts with `command`.
fn cli_body(command: &str) -> Value {
    let mut lines = CLI.lines();
    while let Some(l) = lines.next() {
        if l.starts_with(&format!("$ {command}")) {
            lines.next().unwrap(); // POST path
            return serde_json::from_str(lines.next().unwrap()).unwrap();
        }
    }
    panic!("no `{command}` in the fixture");
}

/// Go's zero values dropped: what the CLI sends because its structs have
/// no "unset" (`false`, `0`, `""`, `{}`, `null`).
fn without_zeros(v: Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::Bool(false) => None,
        Value::Number(n) if n.as_f64() == Some(0.0) => None,
        Value::String(s) if s.is_empty() => None,
        Value::Object(m) => {
            // An empty `Global` or `GlobalJob` is a choice, not a zero.
            let m: serde_json::Map<_, _> = m
                .into_iter()
                .filter_map(|(k, v)| match k.as_str() {
                    "Global" | "GlobalJob" => Some((k, v)),
                    _ => without_zeros(v).map(|v| (k, v)),
                })
                .collect();
            (!m.is_empty()).then_some(Value::Object(m))
        }
        Value::Array(a) => {
            let a: Vec<Value> = a.into_iter().filter_map(without_zeros).collect();
            (!a.is_empty()).then_some(Value::Array(a))
        }
        v => Some(v),
    }
}

fn invalid(r: Result<impl std::fmt::Debug>) -> String {
    match r {
        Err(Error::InvalidInput { message, .. }) => message,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn service_create_matches_the_cli() {
    // docker service create --publish published=8080,target=80,protocol=udp
    //   --mode global --update-parallelism 2 --limit-cpu 0.5
    //   --mount type=volume,source=v1,target=/data,volume-label=a=b
    //   --secret s1 IMAGE sh -c '...'
    // The CLI fills in three engine defaults itself (failure action pause,
    // monitor 5s, order stop-first; endpoint mode vip; publish mode
    // ingress); they are set here explicitly to compare the whole body.
    let mut cli = cli_body("docker service create --detach --name t1");
    let secret_id = cli["TaskTemplate"]["ContainerSpec"]["Secrets"][0]["SecretID"]
        .as_str()
        .unwrap()
        .to_string();
    let task = TaskTemplate::new(
        ContainerSpec::new("docker-engine-rs-test/busybox:2")
            .args(["sh", "-c", "cat /run/secrets/s1; sleep 100"])
            .mount(Mount::volume("v1", "/data").label("a", "b"))
            .secret(SecretReference::new(secret_id, "s1")),
    )
    .resources(Resources::default().cpu_limit(0.5).unwrap());
    let spec = crate::services::ServiceCreate::new(task)
        .name("t1")
        .mode(ServiceMode::Global)
        .update_config(
            UpdateConfig::default()
                .parallelism(2)
                .failure_action(FailureAction::Pause)
                .monitor(Duration::from_secs(5))
                .order(UpdateOrder::StopFirst),
        )
        .endpoint_spec(EndpointSpec::default().dnsrr(false).port_with(
            Some(8080),
            80,
            PortProtocol::Udp,
            PublishMode::Ingress,
        ))
        .build()
        .unwrap();
    let ours = serde_json::to_value(&spec).unwrap();
    // The CLI sends an empty DriverConfig object for the volume.
    cli["TaskTemplate"]["ContainerSpec"]["Mounts"][0]["VolumeOptions"]
        .as_object_mut()
        .unwrap()
        .remove("DriverConfig");
    assert_eq!(
        Some(ours.clone()),
        without_zeros(ours.clone()),
        "we send no zero values"
    );
    assert_eq!(ours, without_zeros(cli).unwrap());
}

#[test]
fn swarm_init_matches_the_cli() {
    // docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:23770
    //   --data-path-port 4790 --default-addr-pool 10.123.0.0/16
    //   --default-addr-pool-mask-length 26 --task-history-limit 3
    let cli = cli_body("docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:23770 --data-path-port");
    let opts = crate::swarm::InitOptions::default()
        .advertise_addr("127.0.0.1")
        .listen_addr("127.0.0.1:23770")
        .data_path_port(4790u32)
        .default_addr_pool("10.123.0.0/16")
        .subnet_size(26u32)
        .spec(SwarmSpec::default().task_history_retention_limit(3));
    let ours = serde_json::to_value(opts.body().unwrap()).unwrap();
    assert_eq!(ours, without_zeros(cli).unwrap());
}

#[test]
fn secret_create_matches_the_cli() {
    // echo hi | docker secret create s1 -
    let cli = cli_body("echo hi | docker secret create");
    let ours = crate::secrets::SecretCreate::new("s1", b"hi\n".to_vec())
        .spec()
        .unwrap();
    assert_eq!(
        serde_json::to_value(ours).unwrap(),
        without_zeros(cli).unwrap()
    );
}

#[test]
fn mounts_check_options_against_the_type() {
    let m = invalid(Mount::bind("/a", "/b").label("k", "v").build());
    assert!(m.contains("labels is for volume mounts, not bind"), "{m}");
    assert!(
        invalid(Mount::volume("v", "/b").propagation("rshared").build()).contains("propagation")
    );
    assert!(invalid(Mount::volume("v", "/b").tmpfs_size(1).build()).contains("tmpfs"));
    assert!(invalid(
        Mount::tmpfs("/t")
            .driver_config(DriverConfig::new("x"))
            .build()
    )
    .contains("driver_config"));
    assert!(
        invalid(Mount::bind("/a", "/b").propagation("sideways").build())
            .contains("unknown propagation")
    );
    assert_eq!(
        serde_json::to_value(
            Mount::tmpfs("/t")
                .tmpfs_size(1 << 20)
                .tmpfs_mode(0o1777)
                .build()
                .unwrap()
        )
        .unwrap(),
        json!({"Type": "tmpfs", "Target": "/t", "TmpfsOptions": {"SizeBytes": 1048576, "Mode": 1023}})
    );
    assert_eq!(
        serde_json::to_value(
            Mount::bind("/a", "/b")
                .propagation("rslave")
                .build()
                .unwrap()
        )
        .unwrap(),
        json!({"Type": "bind", "Source": "/a", "Target": "/b", "BindOptions": {"Propagation": "rslave"}})
    );
    assert!(invalid("bogus".parse::<MountType>()).contains("bogus"));
}

#[test]
fn mounts_parse_from_short_forms() {
    let j = |s: &str| serde_json::to_value(s.parse::<Mount>().unwrap().build().unwrap()).unwrap();
    assert_eq!(j("/data"), json!({"Type": "volume", "Target": "/data"}));
    assert_eq!(
        j("cache:/c"),
        json!({"Type": "volume", "Source": "cache", "Target": "/c"})
    );
    assert_eq!(
        j("cache:/c:ro,nocopy"),
        json!({"Type": "volume", "Source": "cache", "Target": "/c", "ReadOnly": true, "VolumeOptions": {"NoCopy": true}})
    );
    assert_eq!(
        j("/h:/c:rw"),
        json!({"Type": "bind", "Source": "/h", "Target": "/c"})
    );
    assert_eq!(
        j(r"C:\data:C:\app:ro"),
        json!({"Type": "bind", "Source": r"C:\data", "Target": r"C:\app", "ReadOnly": true})
    );
    assert!(invalid("/h:/c:nocopy".parse::<Mount>()).contains("volume"));
    assert!(invalid("vol:/b:/c:ro".parse::<Mount>()).contains("too many"));
    assert!(invalid("a:b".parse::<Mount>()).contains("absolute"));
    assert!(invalid("vol:/b:bogus".parse::<Mount>()).contains("unknown mode"));
    assert!(invalid("vol:/b:Z".parse::<Mount>()).contains("unknown option `Z`"));
}

#[test]
fn endpoint_spec_ports_and_ranges() {
    let e = EndpointSpec::default()
        .publish("8080:80/udp")
        .publish("53")
        .dnsrr(true);
    assert_eq!(
        serde_json::to_value(e.build().unwrap()).unwrap(),
        json!({"Mode": "dnsrr", "Ports": [
            {"PublishedPort": 8080, "TargetPort": 80, "Protocol": "udp"},
            {"TargetPort": 53}]})
    );
    assert!(invalid(EndpointSpec::default().port(8080, 0).build()).contains("target port 0"));
    assert!(
        invalid(EndpointSpec::default().port(65536, 80).build()).contains("published port 65536")
    );
    assert!(invalid(
        EndpointSpec::default()
            .publish("published=1,target=2,mode=mesh")
            .build()
    )
    .contains("publish mode"));
    assert!(invalid(EndpointSpec::default().publish("x:80").build()).contains("not a number"));
    assert!(invalid(EndpointSpec::default().publish("80/icmp").build()).contains("protocol"));
}

#[test]
fn update_and_rollback_configs_validate() {
    assert!(invalid(
        UpdateConfig::default()
            .max_failure_ratio(-0.1)
            .build_update()
    )
    .contains("[0, 1]"));
    assert!(UpdateConfig::default()
        .max_failure_ratio(1.0)
        .build_update()
        .is_ok());
    assert!(invalid("explode".parse::<FailureAction>()).contains("explode"));
    assert!(invalid("random".parse::<UpdateOrder>()).contains("random"));
    let r = RollbackConfig::default()
        .parallelism(1)
        .failure_action(FailureAction::Continue)
        .monitor(Duration::from_millis(1500));
    assert_eq!(
        serde_json::to_value(r.build_rollback().unwrap()).unwrap(),
        json!({"Parallelism": 1, "FailureAction": "continue", "Monitor": 1500000000})
    );
}

#[test]
fn service_modes() {
    let j = |m: ServiceMode| serde_json::to_value(m.build()).unwrap();
    assert_eq!(j("global".parse().unwrap()), json!({"Global": {}}));
    assert_eq!(j("global-job".parse().unwrap()), json!({"GlobalJob": {}}));
    assert_eq!(
        j(ServiceMode::new("replicated", Some(2), None).unwrap()),
        json!({"Replicated": {"Replicas": 2}})
    );
    assert_eq!(
        j(ServiceMode::new("replicated-job", Some(6), Some(2)).unwrap()),
        json!({"ReplicatedJob": {"MaxConcurrent": 2, "TotalCompletions": 6}})
    );
    assert!(invalid(ServiceMode::new("global-job", Some(1), None)).contains("replicas"));
    assert!(invalid(ServiceMode::new("replicated", None, Some(2))).contains("concurrency"));
    assert!(invalid(ServiceMode::new("daemon", None, None)).contains("daemon"));
}

#[test]
fn container_spec_and_task_template() {
    let spec = ContainerSpec::new("img")
        .command_line("echo 'a b'")
        .env("A", "1")
        .workdir("/w")
        .user("nobody")
        .group("adm")
        .label("l", "v")
        .mount_str("/h:/c:ro")
        .stop_grace_period(Duration::from_secs(3))
        .tty(true)
        .host("10.0.0.1", "db")
        .dns_config(DnsConfig::default().nameserver("1.1.1.1"))
        .healthcheck(Healthcheck::shell("true").interval(Duration::from_secs(2)))
        .config(
            ConfigReference::new("cid", "app.conf")
                .filename("/etc/app.conf")
                .mode(0o440),
        )
        .cap_add("NET_ADMIN")
        .sysctl("net.core.somaxconn", "1024")
        .ulimit(Ulimit::new("nofile", 10, 20))
        .init(true);
    let t = TaskTemplate::new(spec)
        .restart_policy(RestartPolicy::Always)
        .network(
            NetworkAttachmentConfig::new("n1")
                .alias("a1")
                .option("o", "v"),
        )
        .log_driver(LogConfig::JsonFile {
            max_size: Some("1m".into()),
            max_file: None,
        });
    assert_eq!(
        serde_json::to_value(t.build().unwrap()).unwrap(),
        json!({
            "ContainerSpec": {
                "Image": "img", "Command": ["echo", "a b"], "Env": ["A=1"], "Dir": "/w",
                "User": "nobody", "Groups": ["adm"], "Labels": {"l": "v"},
                "Mounts": [{"Type": "bind", "Source": "/h", "Target": "/c", "ReadOnly": true}],
                "StopGracePeriod": 3000000000i64, "TTY": true, "Hosts": ["10.0.0.1 db"],
                "DNSConfig": {"Nameservers": ["1.1.1.1"]},
                "HealthCheck": {"Test": ["CMD-SHELL", "true"], "Interval": 2000000000i64},
                "Configs": [{"ConfigID": "cid", "ConfigName": "app.conf",
                             "File": {"Name": "/etc/app.conf", "UID": "0", "GID": "0", "Mode": 288}}],
                "CapabilityAdd": ["NET_ADMIN"], "Sysctls": {"net.core.somaxconn": "1024"},
                "Ulimits": [{"Name": "nofile", "Soft": 10, "Hard": 20}], "Init": true
            },
            "RestartPolicy": {"Condition": "any"},
            "Networks": [{"Target": "n1", "Aliases": ["a1"], "DriverOpts": {"o": "v"}}],
            "LogDriver": {"Name": "json-file", "Options": {"max-size": "1m"}}
        })
    );
    assert!(
        invalid(ContainerSpec::new("i").command_line("echo 'open").build()).contains("unclosed")
            || ContainerSpec::new("i")
                .command_line("echo 'open")
                .build()
                .is_err()
    );
    assert!(invalid(ContainerSpec::new("i").mount_str("a:b").build()).contains("absolute"));
    assert!(invalid(
        TaskTemplate::new(
            ContainerSpec::new("i").privileges(
                Privileges::default()
                    .credentialspec_config("c")
                    .credentialspec_file("f")
            )
        )
        .build()
    )
    .contains("mutually exclusive"));
}

#[test]
fn restart_policies_resources_placement() {
    assert_eq!(
        TaskRestartPolicy::from(RestartPolicy::No)
            .build()
            .unwrap()
            .condition
            .unwrap()
            .as_str(),
        "none"
    );
    let p = TaskRestartPolicy::new(RestartCondition::OnFailure)
        .window(Duration::from_secs(60))
        .max_attempts(0);
    assert_eq!(
        serde_json::to_value(p.build().unwrap()).unwrap(),
        json!({"Condition": "on-failure", "MaxAttempts": 0, "Window": 60000000000i64})
    );
    assert!(invalid("always".parse::<RestartCondition>()).contains("none, on-failure or any"));
    assert!(invalid(Resources::default().cpu_limit(-1.0)).contains("CPUs"));
    let r = Resources::default()
        .cpu_reservation_nanos(250_000_000)
        .mem_reservation(1024)
        .generic_resource(GenericResource::Named("gpu".into(), "UUID1".into()));
    assert_eq!(
        serde_json::to_value(r.build()).unwrap(),
        json!({"Reservations": {"NanoCPUs": 250000000, "MemoryBytes": 1024, "GenericResources": [{"NamedResourceSpec": {"Kind": "gpu", "Value": "UUID1"}}]}})
    );
    assert_eq!(
        serde_json::to_value(Placement::default().build()).unwrap(),
        json!({})
    );
    assert!(invalid(PlacementPreference::new("binpack", "x")).contains("spread"));
}

#[test]
fn swarm_spec_and_external_ca() {
    let s = SwarmSpec::default()
        .name("default")
        .snapshot_interval(100)
        .keep_old_snapshots(1)
        .log_entries_for_slow_followers(10)
        .heartbeat_tick(1)
        .election_tick(10)
        .node_cert_expiry(Duration::from_secs(3600))
        .external_ca(SwarmExternalCA::cfssl("https://ca").ca_cert("PEM"))
        .signing_ca_cert("C")
        .signing_ca_key("K")
        .ca_force_rotate(2)
        .log_driver(LogConfig::Local);
    assert_eq!(
        serde_json::to_value(s.build().unwrap()).unwrap(),
        json!({
            "Name": "default",
            "Raft": {"SnapshotInterval": 100, "KeepOldSnapshots": 1, "LogEntriesForSlowFollowers": 10, "HeartbeatTick": 1, "ElectionTick": 10},
            "CAConfig": {"NodeCertExpiry": 3600000000000i64, "ExternalCAs": [{"Protocol": "cfssl", "URL": "https://ca", "CACert": "PEM"}],
                         "SigningCACert": "C", "SigningCAKey": "K", "ForceRotate": 2},
            "TaskDefaults": {"LogDriver": {"Name": "local"}}
        })
    );
}

#[test]
fn more_cli_cases() {
    // docker swarm init ... --autolock --cert-expiry 48h
    //   --dispatcher-heartbeat 7s --snapshot-interval 5000
    let mut cli = cli_body(
        "docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:23770 --autolock",
    );
    // The CLI also sends the flag at the top (the pre-1.25 place the
    // engine still reads) and the default subnet size without a pool;
    // the engine applies both by itself.
    let top = cli.as_object_mut().unwrap();
    assert_eq!(top.remove("AutoLockManagers"), Some(json!(true)));
    assert_eq!(top.remove("SubnetSize"), Some(json!(24)));
    let ours = crate::swarm::InitOptions::default()
        .advertise_addr("127.0.0.1")
        .listen_addr("127.0.0.1:23770")
        .spec(
            SwarmSpec::default()
                .autolock_managers(true)
                .node_cert_expiry(Duration::from_secs(48 * 3600))
                .dispatcher_heartbeat_period(Duration::from_secs(7))
                .snapshot_interval(5000),
        )
        .body()
        .unwrap();
    assert_eq!(
        serde_json::to_value(ours).unwrap(),
        without_zeros(cli).unwrap()
    );

    // printf 'svc={{ .Service.Name }}\n' | docker config create --template-driver golang --label app=web c1 -
    let cli = cli_body("printf");
    let ours = crate::configs::ConfigCreate::new("c1", b"svc={{ .Service.Name }}\n".to_vec())
        .label("app", "web")
        .templating(DriverConfig::new("golang"))
        .spec()
        .unwrap();
    assert_eq!(
        serde_json::to_value(ours).unwrap(),
        without_zeros(cli).unwrap()
    );

    // docker service create --name t2 --replicas 3 ... (restart, placement,
    // dnsrr, rollback and update settings, tmpfs and bind mounts, memory,
    // grace period, a config, labels)
    let cli = cli_body("docker service create -d --name t2");
    let config_id = cli["TaskTemplate"]["ContainerSpec"]["Configs"][0]["ConfigID"]
        .as_str()
        .unwrap()
        .to_string();
    let task = TaskTemplate::new(
        ContainerSpec::new("docker-engine-rs-test/busybox:2")
            .label("cl", "1")
            .args(["sleep", "60"])
            .hostname("h1")
            .env("A", "1")
            .mount(Mount::tmpfs("/t").tmpfs_size(1048576))
            .mount_str("/tmp:/h:ro")
            .stop_grace_period(Duration::from_secs(3))
            .config(
                ConfigReference::new(config_id, "c1")
                    .filename("/etc/c1")
                    .mode(0o440),
            ),
    )
    .resources(
        Resources::default()
            .mem_limit(33554432)
            .mem_reservation(16777216),
    )
    .restart_policy(
        TaskRestartPolicy::new(RestartCondition::OnFailure)
            .max_attempts(3)
            .delay(Duration::from_secs(2)),
    )
    .placement(
        Placement::default()
            .constraint("node.role==manager")
            .preference(PlacementPreference::spread("node.labels.zone")),
    );
    // The CLI's own defaults, set explicitly: parallelism 1, monitor 5s,
    // a rollback's order stop-first.
    let spec = crate::services::ServiceCreate::new(task)
        .name("t2")
        .label("tier", "front")
        .mode(ServiceMode::Replicated { replicas: Some(3) })
        .update_config(
            UpdateConfig::default()
                .parallelism(1)
                .failure_action(FailureAction::Rollback)
                .monitor(Duration::from_secs(5))
                .max_failure_ratio(0.25)
                .order(UpdateOrder::StartFirst),
        )
        .rollback_config(
            RollbackConfig::default()
                .parallelism(1)
                .failure_action(FailureAction::Continue)
                .monitor(Duration::from_secs(5))
                .order(UpdateOrder::StopFirst),
        )
        .endpoint_spec(EndpointSpec::default().dnsrr(true))
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(spec).unwrap(),
        without_zeros(cli).unwrap()
    );

    // docker service create --name j1 --mode replicated-job --replicas 4 --max-concurrent 2
    let cli = cli_body("docker service create -d --name j1");
    let spec = crate::services::ServiceCreate::new(TaskTemplate::new(
        ContainerSpec::new("docker-engine-rs-test/busybox:2").args(["true"]),
    ))
    .name("j1")
    .mode(ServiceMode::new("replicated-job", Some(4), Some(2)).unwrap())
    .endpoint_spec(EndpointSpec::default().dnsrr(false))
    .build()
    .unwrap();
    assert_eq!(
        serde_json::to_value(spec).unwrap(),
        without_zeros(cli).unwrap()
    );
}
