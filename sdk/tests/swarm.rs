//! Swarm, nodes, services, tasks, secrets and configs against the swarm
//! test engines `tests/engine/setup.sh` starts (never the main engine):
//! `DOCKER_ENGINE_RS_SWARM_HOST`, and for join `DOCKER_ENGINE_RS_SWARM2_HOST`,
//! and for autolock's unlock `DOCKER_ENGINE_RS_SWARM_RESTART`.
//!
//! One test initialises the swarm once and runs every scenario in order
//! (they share the swarm; nothing else uses these engines), then leaves
//! it (forced) whatever happened, on both engines.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{setup_var, unique, IMAGE, LABEL};
use docker_engine::services::{
    InspectOptions, ListOptions, LogsOptions, ServiceCreate, UpdateOptions,
};
use docker_engine::swarm::{InitOptions, JoinOptions, LeaveOptions};
use docker_engine::types::{
    ConfigReference, ContainerSpec, DriverConfig, EndpointSpec, Healthcheck, Mount, Placement,
    PortProtocol, PublishMode, RestartCondition, SecretReference, ServiceMode, SwarmSpec,
    TaskRestartPolicy, TaskTemplate, UpdateConfig,
};
use docker_engine::{Docker, Error};
use futures_util::FutureExt;

/// Ports nothing listens on now (other sessions on the machine run
/// engines too): the managers' listen ports and the data path port.
struct Ports {
    listen: String,
    listen2: String,
    data_path: u32,
}

fn free_tcp() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

fn ports() -> &'static Ports {
    static PORTS: std::sync::OnceLock<Ports> = std::sync::OnceLock::new();
    PORTS.get_or_init(|| {
        // The engine takes data path ports 1024-49151.
        let data_path = (0..1000)
            .map(|i| 30000 + (std::process::id() + i * 7919) % 19000)
            .find(|p| std::net::UdpSocket::bind(("0.0.0.0", *p as u16)).is_ok())
            .unwrap();
        Ports {
            listen: free_tcp(),
            listen2: free_tcp(),
            data_path,
        }
    })
}

fn client(host: &str) -> Docker {
    Docker::builder().host(host).unwrap().build().unwrap()
}

fn version_of(v: Option<docker_engine::models::ObjectVersion>) -> u64 {
    v.and_then(|v| v.index).expect("an object version")
}

async fn logs_text(
    s: impl futures_util::Stream<Item = docker_engine::Result<docker_engine::streams::LogChunk>> + Unpin,
) -> String {
    let (out, err) = docker_engine::streams::collect(s).await.unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&err)
    )
}

async fn converge(docker: &Docker, id: &str) -> docker_engine::services::Convergence {
    let mut polls = 0;
    let done = tokio::time::timeout(
        Duration::from_secs(90),
        docker.services().wait_converged(id, |_| polls += 1),
    )
    .await
    .expect("service converges within 90 s")
    .unwrap();
    assert!(done.converged && polls >= 1, "{done:?}");
    done
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swarm_scenarios() {
    let Some(host) = setup_var("DOCKER_ENGINE_RS_SWARM_HOST") else {
        return;
    };
    let docker = client(&host);
    let second = std::env::var("DOCKER_ENGINE_RS_SWARM2_HOST")
        .ok()
        .filter(|h| !h.is_empty())
        .map(|h| client(&h));
    // A previous run that was killed may have left the engines in a swarm
    // (or, on 20.10, a worker whose manager went away, whose leave hangs
    // until its engine restarts).
    let force = LeaveOptions::default().force(true);
    if let Some(d2) = &second {
        leave_or_restart(d2, "DOCKER_ENGINE_RS_SWARM2_RESTART").await;
    }
    leave_or_restart(&docker, "DOCKER_ENGINE_RS_SWARM_RESTART").await;

    let outcome = tokio::time::timeout(
        Duration::from_secs(600),
        std::panic::AssertUnwindSafe(scenarios(&docker, second.as_ref())).catch_unwind(),
    )
    .await;
    let left2 = match &second {
        Some(d2) => d2.swarm().leave(&force).await,
        None => Ok(()),
    };
    let left = docker.swarm().leave(&force).await;
    match outcome {
        Err(_) => panic!("the swarm scenarios timed out"),
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Ok(Ok(())) => {
            left.unwrap();
            left2.unwrap();
        }
    }
    // Leaving with force outside a swarm is not an error; without force
    // it is the engine's 503.
    docker.swarm().leave(&force).await.unwrap();
    let e = docker
        .swarm()
        .leave(&LeaveOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(503), "{e}");
}

/// Leaves any swarm (forced); if the engine cannot, restarts it with the
/// setup's script (named by `restart_var`) and leaves again.
async fn leave_or_restart(docker: &Docker, restart_var: &str) {
    let force = LeaveOptions::default().force(true);
    let Err(e) = docker.swarm().leave(&force).await else {
        return;
    };
    let script = std::env::var(restart_var)
        .unwrap_or_else(|_| panic!("leaving the swarm failed ({e}) and {restart_var} is not set"));
    let status = tokio::task::spawn_blocking(move || std::process::Command::new(script).status())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "restarting after {e}");
    docker.swarm().leave(&force).await.unwrap();
}

async fn scenarios(docker: &Docker, second: Option<&Docker>) {
    init(docker).await;
    update_and_rotate(docker).await;
    secrets(docker).await;
    let (secret_id, config_id, secret_name, config_name) = secret_and_config(docker).await;
    service_lifecycle(docker, &secret_id, &secret_name, &config_id, &config_name).await;
    docker.secrets().remove(&secret_id).await.unwrap();
    docker.configs().remove(&config_id).await.unwrap();
    replicated_job(docker).await;
    failed_update(docker).await;
    boundaries(docker).await;
    private_image(docker).await;
    match second {
        Some(d2) => join_and_nodes(docker, d2).await,
        None => common::unavailable("DOCKER_ENGINE_RS_SWARM2_HOST is not set: no join test"),
    }
    autolock(docker).await;
}

async fn init(docker: &Docker) {
    let opts = InitOptions::default()
        .advertise_addr("127.0.0.1")
        .listen_addr(ports().listen.as_str())
        .data_path_port(ports().data_path)
        .default_addr_pool("10.123.0.0/16")
        .subnet_size(26u32)
        .spec(
            SwarmSpec::default()
                .task_history_retention_limit(3)
                .label(LABEL, "swarm")
                .dispatcher_heartbeat_period(Duration::from_secs(4)),
        );
    let node_id = docker.swarm().init(&opts).await.unwrap();
    assert!(!node_id.is_empty());
    // A second init is the engine's refusal (already in a swarm).
    let again = docker.swarm().init(&opts).await.unwrap_err();
    assert_eq!(again.status(), Some(503), "{again}");

    let swarm = docker.swarm().inspect().await.unwrap();
    assert_eq!(swarm.data_path_port, Some(ports().data_path));
    assert_eq!(swarm.subnet_size, Some(26));
    assert_eq!(
        swarm.default_addr_pool.as_deref(),
        Some(&["10.123.0.0/16".to_string()][..])
    );
    let spec = swarm.spec.unwrap();
    assert_eq!(
        spec.orchestration.unwrap().task_history_retention_limit,
        Some(3)
    );
    assert_eq!(
        spec.dispatcher.unwrap().heartbeat_period,
        Some(4_000_000_000)
    );
    assert_eq!(spec.labels.unwrap()[LABEL], "swarm");
    let node = docker.nodes().inspect(&node_id).await.unwrap();
    assert_eq!(
        node.manager_status.unwrap().addr.as_deref(),
        Some(ports().listen.as_str())
    );
}

async fn update_and_rotate(docker: &Docker) {
    use docker_engine::swarm::UpdateOptions;
    let before = docker.swarm().inspect().await.unwrap();
    let version = version_of(before.version.clone());
    let tokens = before.join_tokens.clone().unwrap();
    let spec = SwarmSpec::from_model(before.spec.clone().unwrap()).task_history_retention_limit(4);
    docker
        .swarm()
        .update(
            version,
            &spec,
            &UpdateOptions::default().rotate_worker_token(true),
        )
        .await
        .unwrap();
    let after = docker.swarm().inspect().await.unwrap();
    let new_tokens = after.join_tokens.clone().unwrap();
    assert_ne!(new_tokens.worker, tokens.worker, "worker token rotated");
    assert_eq!(new_tokens.manager, tokens.manager, "manager token kept");
    let spec_after = after.spec.clone().unwrap();
    assert_eq!(
        spec_after
            .orchestration
            .unwrap()
            .task_history_retention_limit,
        Some(4)
    );
    assert_eq!(
        spec_after.labels.unwrap()[LABEL],
        "swarm",
        "the rest of the spec kept"
    );

    docker
        .swarm()
        .update(
            version_of(after.version.clone()),
            &SwarmSpec::from_model(after.spec.clone().unwrap()),
            &UpdateOptions::default().rotate_manager_token(true),
        )
        .await
        .unwrap();
    let rotated = docker.swarm().inspect().await.unwrap().join_tokens.unwrap();
    assert_ne!(rotated.manager, new_tokens.manager, "manager token rotated");

    // The version read before the updates is stale now.
    let stale = docker
        .swarm()
        .update(version, &spec, &UpdateOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::Conflict { .. }), "{stale:?}");
}

async fn secrets(docker: &Docker) {
    use docker_engine::secrets::{ListOptions, SecretCreate, MAX_DATA_SIZE};
    let name = unique("swarm-secret");
    let id = docker
        .secrets()
        .create(&SecretCreate::new(name.clone(), b"top secret".to_vec()).label(LABEL, "secrets"))
        .await
        .unwrap();
    let s = docker.secrets().inspect(&id).await.unwrap();
    let spec = s.spec.clone().unwrap();
    assert_eq!(spec.name.as_deref(), Some(name.as_str()));
    assert_eq!(spec.data, None, "the engine never returns a secret's data");
    let by_label = docker
        .secrets()
        .list(&ListOptions::default().label(format!("{LABEL}=secrets")))
        .await
        .unwrap();
    assert_eq!(by_label.len(), 1);
    assert_eq!(by_label[0].id.as_deref(), Some(id.as_str()));
    let by_name = docker
        .secrets()
        .list(&ListOptions::default().names(name.clone()))
        .await
        .unwrap();
    assert_eq!(by_name.len(), 1);
    assert!(docker
        .secrets()
        .list(&ListOptions::default().name("no-such-secret-x"))
        .await
        .unwrap()
        .is_empty());
    // Labels change with the version; the stale one is refused.
    let version = version_of(s.version);
    docker
        .secrets()
        .update(&id, version, [(LABEL, "secrets"), ("rotated", "yes")])
        .await
        .unwrap();
    let labels = docker
        .secrets()
        .inspect(&id)
        .await
        .unwrap()
        .spec
        .unwrap()
        .labels
        .unwrap();
    assert_eq!(labels["rotated"], "yes");
    let stale = docker
        .secrets()
        .update(&id, version, [("x", "y")])
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::Conflict { .. }), "{stale:?}");
    // A name in use is the engine's conflict; too much data never leaves.
    let dup = docker
        .secrets()
        .create(&SecretCreate::new(name.clone(), b"x".to_vec()))
        .await
        .unwrap_err();
    assert!(matches!(dup, Error::Conflict { .. }), "{dup:?}");
    let big = docker
        .secrets()
        .create(&SecretCreate::new(
            unique("big"),
            vec![b'x'; MAX_DATA_SIZE + 1],
        ))
        .await
        .unwrap_err();
    assert!(matches!(big, Error::InvalidInput { .. }), "{big:?}");
    docker.secrets().remove(&id).await.unwrap();
    let gone = docker.secrets().inspect(&id).await.unwrap_err();
    assert!(matches!(gone, Error::NotFound { .. }), "{gone:?}");
}

/// A secret and a templated config for the service scenario; the config's
/// own endpoints are checked here.
async fn secret_and_config(docker: &Docker) -> (String, String, String, String) {
    use docker_engine::configs::{ConfigCreate, ListOptions};
    use docker_engine::secrets::SecretCreate;
    let secret_name = unique("svc-secret");
    let secret_id = docker
        .secrets()
        .create(
            &SecretCreate::new(secret_name.clone(), b"s3cr3t-value".to_vec()).label(LABEL, "svc"),
        )
        .await
        .unwrap();
    let config_name = unique("svc-config");
    let config_id = docker
        .configs()
        .create(
            &ConfigCreate::new(
                config_name.clone(),
                b"service={{ .Service.Name }}\n".to_vec(),
            )
            .label(LABEL, "svc")
            .templating(DriverConfig::new("golang")),
        )
        .await
        .unwrap();
    let c = docker.configs().inspect(&config_id).await.unwrap();
    let spec = c.spec.clone().unwrap();
    assert_eq!(spec.templating.unwrap().name, "golang");
    // A config's data comes back (base64).
    assert_eq!(
        spec.data.as_deref(),
        Some("c2VydmljZT17eyAuU2VydmljZS5OYW1lIH19Cg==")
    );
    let listed = docker
        .configs()
        .list(&ListOptions::default().label(format!("{LABEL}=svc")))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let version = version_of(c.version);
    docker
        .configs()
        .update(&config_id, version, [(LABEL, "svc"), ("v", "2")])
        .await
        .unwrap();
    let after = docker
        .configs()
        .inspect(&config_id)
        .await
        .unwrap()
        .spec
        .unwrap();
    assert_eq!(after.labels.unwrap()["v"], "2");
    assert_eq!(
        after.templating.unwrap().name,
        "golang",
        "the templating is kept"
    );
    let stale = docker
        .configs()
        .update(&config_id, version, [("v", "3")])
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::Conflict { .. }), "{stale:?}");
    (secret_id, config_id, secret_name, config_name)
}

async fn service_lifecycle(
    docker: &Docker,
    secret_id: &str,
    secret_name: &str,
    config_id: &str,
    config_name: &str,
) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hello.txt"), "from the host\n").unwrap();
    let name = unique("svc");
    let script = "cat /run/secrets/token; echo; cat /etc/app.conf; cat /host/hello.txt; \
                  echo tmpfs=$(grep -c ' /scratch tmpfs' /proc/mounts); echo v1; exec sleep 600";
    let task = TaskTemplate::new(
        ContainerSpec::new(IMAGE)
            .command(["sh", "-c"])
            .args([script])
            .env("MODE", "test")
            .label(LABEL, "svc")
            .mount(Mount::bind(dir.path().to_str().unwrap(), "/host").read_only(true))
            .mount(Mount::tmpfs("/scratch").tmpfs_size(1 << 20))
            .secret(SecretReference::new(secret_id, secret_name).filename("token"))
            .config(
                ConfigReference::new(config_id, config_name)
                    .filename("/etc/app.conf")
                    .mode(0o440),
            )
            .stop_grace_period(Duration::from_secs(1))
            .healthcheck(Healthcheck::exec(["true"]).interval(Duration::from_secs(1))),
    )
    .restart_policy(TaskRestartPolicy::new(RestartCondition::Any).delay(Duration::from_millis(200)))
    .placement(Placement::default().constraint("node.role==manager"));
    let create = ServiceCreate::new(task)
        .name(name.clone())
        .label(LABEL, "svc")
        .mode(ServiceMode::Replicated { replicas: Some(1) })
        .update_config(
            UpdateConfig::default()
                .parallelism(1)
                .monitor(Duration::from_millis(500)),
        )
        .rollback_config(
            UpdateConfig::default()
                .parallelism(1)
                .monitor(Duration::from_millis(500)),
        )
        .endpoint_spec(EndpointSpec::default().port_with(
            Some(18080),
            80,
            PortProtocol::Tcp,
            PublishMode::Ingress,
        ));
    let created = docker.services().create(&create).await.unwrap();
    let id = created.id.clone().unwrap();
    // The same again: its port is taken; without ports, its name is.
    let taken = docker.services().create(&create).await.unwrap_err();
    assert!(matches!(taken, Error::InvalidArgument { .. }), "{taken:?}");
    let dup = docker
        .services()
        .create(
            &ServiceCreate::new(TaskTemplate::new(ContainerSpec::new(IMAGE))).name(name.clone()),
        )
        .await
        .unwrap_err();
    assert!(matches!(dup, Error::Conflict { .. }), "{dup:?}");

    converge(docker, &id).await;
    let service = docker
        .services()
        .inspect(&name, &InspectOptions::default())
        .await
        .unwrap();
    assert_eq!(service.id.as_deref(), Some(id.as_str()));
    // The engine answers the health check as `Healthcheck`; it is read
    // into its field all the same.
    let check = service
        .spec
        .clone()
        .unwrap()
        .task_template
        .unwrap()
        .container_spec
        .unwrap()
        .health_check;
    assert_eq!(
        check.as_ref().and_then(|h| h.test.clone()),
        Some(vec!["CMD".to_string(), "true".to_string()])
    );
    assert_eq!(check.and_then(|h| h.interval), Some(1_000_000_000));
    let ports = service.endpoint.unwrap().ports.unwrap();
    assert_eq!(
        (ports[0].published_port, ports[0].target_port),
        (Some(18080), Some(80))
    );
    // insertDefaults fills in what the spec left unset.
    let with_defaults = docker
        .services()
        .inspect(&id, &InspectOptions::default().insert_defaults(true))
        .await
        .unwrap();
    let plain_spec = docker
        .services()
        .inspect(&id, &InspectOptions::default())
        .await
        .unwrap()
        .spec
        .unwrap();
    assert!(plain_spec
        .task_template
        .as_ref()
        .unwrap()
        .resources
        .is_none());
    assert!(with_defaults
        .spec
        .unwrap()
        .task_template
        .unwrap()
        .resources
        .is_some());

    // Listing with filters, and with status (API 1.41).
    let listed = docker
        .services()
        .list(
            &ListOptions::default()
                .label(format!("{LABEL}=svc"))
                .status(true),
        )
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let status = listed[0].service_status.clone().unwrap();
    assert_eq!(
        (status.running_tasks, status.desired_tasks),
        (Some(1), Some(1))
    );
    assert_eq!(
        docker
            .services()
            .list(&ListOptions::default().name(name.clone()).mode("replicated"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(docker
        .services()
        .list(
            &ListOptions::default()
                .mode("global")
                .label(format!("{LABEL}=svc"))
        )
        .await
        .unwrap()
        .is_empty());

    // The running task sees its secret, its templated config, the bind
    // mount and the tmpfs.
    let expected = format!("s3cr3t-value\nservice={name}\nfrom the host\ntmpfs=1\nv1\n");
    let logs = wait_for_logs(docker, &id, "v1\n").await;
    assert_eq!(logs, expected);
    // Details name the task; tail keeps the last lines; timestamps prefix them.
    let detailed = logs_text(
        docker
            .services()
            .logs(&id, &LogsOptions::default().details(true))
            .await
            .unwrap(),
    )
    .await;
    assert!(detailed.contains("com.docker.swarm.task.id="), "{detailed}");
    let tail = logs_text(
        docker
            .services()
            .logs(&id, &LogsOptions::default().tail(1))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(tail, "v1\n");
    let stamped = logs_text(
        docker
            .services()
            .logs(&id, &LogsOptions::default().timestamps(true).tail(1))
            .await
            .unwrap(),
    )
    .await;
    assert!(
        stamped.ends_with(" v1\n") && stamped.starts_with("20"),
        "{stamped}"
    );
    let only_stderr = logs_text(
        docker
            .services()
            .logs(&id, &LogsOptions::default().stdout(false))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(only_stderr, "");
    // Followed: the lines so far, then the stream stays open for more.
    {
        use futures_util::StreamExt;
        let mut followed = docker
            .services()
            .logs(&id, &LogsOptions::default().follow(true))
            .await
            .unwrap();
        let mut got = Vec::new();
        tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(chunk) = followed.next().await {
                got.extend_from_slice(&chunk.unwrap().data);
                if got.ends_with(b"v1\n") {
                    break;
                }
            }
        })
        .await
        .expect("the followed lines arrive");
        assert_eq!(String::from_utf8_lossy(&got), expected);
        assert!(
            tokio::time::timeout(Duration::from_secs(1), followed.next())
                .await
                .is_err(),
            "a followed log stays open while the task runs"
        );
    }

    tasks_scenario(docker, &id, &name, &expected).await;

    // An update that changes the command converges; the new task prints v2.
    let warnings = docker
        .services()
        .update_with(&id, &UpdateOptions::default(), |spec| {
            let c = spec
                .task_template
                .as_mut()
                .unwrap()
                .container_spec
                .as_mut()
                .unwrap();
            let args = c.args.as_mut().unwrap();
            args[0] = args[0].replace("echo v1", "echo v2");
            Ok(())
        })
        .await
        .unwrap();
    assert!(
        warnings.is_empty() || warnings.iter().all(|w| w.contains("digest")),
        "{warnings:?}"
    );
    let after = converge(docker, &id).await;
    assert_eq!(after.update_state.as_deref(), Some("completed"));
    assert!(wait_for_logs(docker, &id, "v2\n").await.contains("v2\n"));
    let running = docker
        .tasks()
        .list(
            &docker_engine::tasks::ListOptions::default()
                .service(id.clone())
                .desired_state("running"),
        )
        .await
        .unwrap();
    assert_eq!(running.len(), 1);
    let running_spec = running[0].spec.clone().unwrap().container_spec.unwrap();
    assert!(
        running_spec.health_check.is_some(),
        "the task's health check is read too"
    );
    let args = running_spec.args.unwrap();
    assert!(args[0].contains("echo v2"), "{args:?}");

    // Concurrent read-modify-write updates: each re-reads after a version
    // conflict, so every label lands.
    let services = docker.services();
    let no_options = UpdateOptions::default();
    let updates = (0..4).map(|i| {
        services.update_with(&id, &no_options, move |spec| {
            spec.labels
                .get_or_insert_with(HashMap::new)
                .insert(format!("concurrent-{i}"), "yes".into());
            Ok(())
        })
    });
    for r in futures_util::future::join_all(updates).await {
        r.unwrap();
    }
    let labels = docker
        .services()
        .inspect(&id, &InspectOptions::default())
        .await
        .unwrap()
        .spec
        .unwrap()
        .labels
        .unwrap();
    let kept = docker
        .services()
        .inspect(&id, &InspectOptions::default())
        .await
        .unwrap();
    let kept = kept
        .spec
        .unwrap()
        .task_template
        .unwrap()
        .container_spec
        .unwrap()
        .health_check
        .unwrap();
    assert_eq!(
        kept.interval,
        Some(1_000_000_000),
        "read-modify-write keeps the health check"
    );
    for i in 0..4 {
        assert_eq!(
            labels.get(&format!("concurrent-{i}")).map(String::as_str),
            Some("yes"),
            "{labels:?}"
        );
    }
    // A stale version sent by hand is a conflict.
    let current = docker
        .services()
        .inspect(&id, &InspectOptions::default())
        .await
        .unwrap();
    let stale = docker
        .services()
        .update(
            &id,
            version_of(current.version.clone()) - 1,
            &current.spec.clone().unwrap(),
            &UpdateOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::Conflict { .. }), "{stale:?}");
    // An error of the change is returned and nothing is sent.
    let refused = docker
        .services()
        .update_with(&id, &UpdateOptions::default(), |spec| {
            spec.task_template.as_mut().unwrap().container_spec = Some(
                ContainerSpec::new(IMAGE)
                    .mount_str("relative:path")
                    .build()?,
            );
            Ok(())
        })
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::InvalidInput { .. }), "{refused:?}");
    assert_eq!(
        version_of(
            docker
                .services()
                .inspect(&id, &InspectOptions::default())
                .await
                .unwrap()
                .version
        ),
        version_of(current.version.clone())
    );

    // Force update: the counter goes up and the task is replaced.
    let before_task = running[0].id.clone().unwrap();
    docker.services().force_update(&id).await.unwrap();
    let forced = docker
        .services()
        .inspect(&id, &InspectOptions::default())
        .await
        .unwrap();
    assert_eq!(
        forced.spec.unwrap().task_template.unwrap().force_update,
        Some(1)
    );
    converge(docker, &id).await;
    let replaced = docker
        .tasks()
        .list(
            &docker_engine::tasks::ListOptions::default()
                .service(id.clone())
                .desired_state("running"),
        )
        .await
        .unwrap();
    assert_ne!(replaced[0].id.as_deref(), Some(before_task.as_str()));

    // Rollback: back to the previous spec (before the force update).
    docker.services().rollback(&id).await.unwrap();
    let rolled = converge(docker, &id).await;
    assert_eq!(
        rolled.update_state.as_deref(),
        Some("rollback_completed"),
        "{rolled:?}"
    );
    let back = docker
        .services()
        .inspect(&id, &InspectOptions::default())
        .await
        .unwrap();
    assert_eq!(
        back.spec.unwrap().task_template.unwrap().force_update,
        Some(0)
    );

    docker.services().remove(&id).await.unwrap();
    let gone = docker
        .services()
        .inspect(&id, &InspectOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(gone, Error::NotFound { .. }), "{gone:?}");
}

/// The service's logs once they contain `marker` (the task writes them
/// as it starts).
async fn wait_for_logs(docker: &Docker, id: &str, marker: &str) -> String {
    for _ in 0..60 {
        let text = logs_text(
            docker
                .services()
                .logs(id, &LogsOptions::default())
                .await
                .unwrap(),
        )
        .await;
        if text.contains(marker) {
            // After an update the old task's lines come first: keep the
            // newest task's.
            let start = text[..text.rfind(marker).unwrap()]
                .rfind("s3cr3t-value")
                .unwrap_or(0);
            return text[start..].to_string();
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("no `{marker}` in the logs of {id}");
}

async fn tasks_scenario(docker: &Docker, service_id: &str, service_name: &str, expected: &str) {
    use docker_engine::tasks::ListOptions;
    let tasks = docker
        .tasks()
        .list(&ListOptions::default().service(service_name))
        .await
        .unwrap();
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let task = &tasks[0];
    let task_id = task.id.clone().unwrap();
    assert_eq!(task.service_id.as_deref(), Some(service_id));
    let by = |o: ListOptions| async move { docker.tasks().list(&o).await.unwrap().len() };
    assert_eq!(by(ListOptions::default().id(task_id.clone())).await, 1);
    assert_eq!(
        by(ListOptions::default().name(format!("{service_name}.1"))).await,
        1
    );
    assert_eq!(
        by(ListOptions::default()
            .service(service_id)
            .desired_state("running"))
        .await,
        1
    );
    assert_eq!(
        by(ListOptions::default()
            .service(service_id)
            .desired_state("shutdown"))
        .await,
        0
    );
    assert_eq!(
        by(ListOptions::default()
            .node(task.node_id.clone().unwrap())
            .service(service_id))
        .await,
        1
    );
    assert_eq!(
        by(ListOptions::default()
            .label(format!("{LABEL}=svc"))
            .service(service_id))
        .await,
        1
    );
    let inspected = docker.tasks().inspect(&task_id).await.unwrap();
    assert_eq!(
        inspected.status.unwrap().state.unwrap().to_string(),
        "running"
    );
    let logs = logs_text(
        docker
            .tasks()
            .logs(&task_id, &LogsOptions::default())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(logs, expected);
    let missing = docker.tasks().inspect("no-such-task").await.unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing:?}");
}

async fn replicated_job(docker: &Docker) {
    let name = unique("job");
    let created = docker
        .services()
        .create(
            &ServiceCreate::new(
                TaskTemplate::new(ContainerSpec::new(IMAGE).command(["sh", "-c", "echo job-done"]))
                    .restart_policy(TaskRestartPolicy::new(RestartCondition::None)),
            )
            .name(name.clone())
            .label(LABEL, "job")
            .mode(ServiceMode::ReplicatedJob {
                max_concurrent: 1,
                total_completions: Some(2),
            }),
        )
        .await
        .unwrap();
    let id = created.id.unwrap();
    let mut seen = Vec::new();
    let done = tokio::time::timeout(
        Duration::from_secs(90),
        docker
            .services()
            .wait_converged(&id, |p| seen.push(p.completed)),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!((done.desired, done.completed), (2, 2), "{done:?}");
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "progress only goes up: {seen:?}"
    );
    let logs = logs_text(
        docker
            .services()
            .logs(&id, &LogsOptions::default())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(logs.matches("job-done").count(), 2, "{logs}");
    docker.services().remove(&id).await.unwrap();
}

async fn join_and_nodes(docker: &Docker, d2: &Docker) {
    use docker_engine::nodes::{ListOptions, RemoveOptions};
    let tokens = docker.swarm().inspect().await.unwrap().join_tokens.unwrap();
    d2.swarm()
        .join(
            &[ports().listen.as_str()],
            &tokens.worker.unwrap(),
            &JoinOptions::default()
                .listen_addr(ports().listen2.as_str())
                .advertise_addr("127.0.0.1"),
        )
        .await
        .unwrap();
    let info = d2.system().info().await.unwrap();
    let worker_id = info.swarm.unwrap().node_id.unwrap();
    let nodes = docker.nodes().list(&ListOptions::default()).await.unwrap();
    assert_eq!(nodes.len(), 2);
    let workers = docker
        .nodes()
        .list(&ListOptions::default().role("worker"))
        .await
        .unwrap();
    assert_eq!(workers.len(), 1);
    assert_eq!(workers[0].id.as_deref(), Some(worker_id.as_str()));
    assert_eq!(
        docker
            .nodes()
            .list(&ListOptions::default().role("manager"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        docker
            .nodes()
            .list(
                &ListOptions::default()
                    .id(worker_id.clone())
                    .membership("accepted")
            )
            .await
            .unwrap()
            .len(),
        1
    );
    // Node update of labels and availability, read-modify-write.
    docker
        .nodes()
        .update_with(&worker_id, |spec| {
            spec.labels
                .get_or_insert_with(HashMap::new)
                .insert("zone".into(), "b".into());
            spec.availability = Some("drain".into());
        })
        .await
        .unwrap();
    let node = docker.nodes().inspect(&worker_id).await.unwrap();
    let spec = node.spec.clone().unwrap();
    assert_eq!(spec.labels.unwrap()["zone"], "b");
    assert_eq!(spec.availability.unwrap().to_string(), "drain");
    assert_eq!(
        docker
            .nodes()
            .list(&ListOptions::default().node_label("zone=b"))
            .await
            .unwrap()
            .len(),
        1
    );
    // With a version by hand; a stale one is a conflict.
    let version = version_of(node.version.clone());
    let mut active = node.spec.clone().unwrap();
    active.availability = Some("active".into());
    docker
        .nodes()
        .update(&worker_id, version, &active)
        .await
        .unwrap();
    assert_eq!(
        docker
            .nodes()
            .inspect(&worker_id)
            .await
            .unwrap()
            .spec
            .unwrap()
            .availability
            .unwrap()
            .to_string(),
        "active"
    );
    let stale = docker
        .nodes()
        .update(&worker_id, version, &active)
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::Conflict { .. }), "{stale:?}");
    // A worker cannot list nodes.
    let refused = d2.nodes().list(&ListOptions::default()).await.unwrap_err();
    assert_eq!(refused.status(), Some(503), "{refused}");
    // Removing a node that is up needs force.
    let up = docker
        .nodes()
        .remove(&worker_id, &RemoveOptions::default())
        .await
        .unwrap_err();
    assert!(up.status().is_some(), "{up}");
    d2.swarm().leave(&LeaveOptions::default()).await.unwrap();
    docker
        .nodes()
        .remove(&worker_id, &RemoveOptions::default().force(true))
        .await
        .unwrap();
    assert_eq!(
        docker
            .nodes()
            .list(&ListOptions::default())
            .await
            .unwrap()
            .len(),
        1
    );
    let gone = docker.nodes().inspect(&worker_id).await.unwrap_err();
    assert!(matches!(gone, Error::NotFound { .. }), "{gone:?}");
}

async fn autolock(docker: &Docker) {
    use docker_engine::swarm::UpdateOptions;
    assert_eq!(
        docker.swarm().unlock_key().await.unwrap(),
        "",
        "no key without autolock"
    );
    let key = docker.swarm().autolock(true).await.unwrap().unwrap();
    assert!(key.starts_with("SWMKEY-1-"), "{key}");
    assert_eq!(docker.swarm().unlock_key().await.unwrap(), key);
    let swarm = docker.swarm().inspect().await.unwrap();
    assert_eq!(
        swarm
            .spec
            .clone()
            .unwrap()
            .encryption_config
            .unwrap()
            .auto_lock_managers,
        Some(true)
    );
    // Rotating the unlock key.
    docker
        .swarm()
        .update(
            version_of(swarm.version.clone()),
            &SwarmSpec::from_model(swarm.spec.clone().unwrap()),
            &UpdateOptions::default().rotate_manager_unlock_key(true),
        )
        .await
        .unwrap();
    let rotated = docker.swarm().unlock_key().await.unwrap();
    assert!(
        rotated.starts_with("SWMKEY-1-") && rotated != key,
        "{rotated}"
    );

    // Restarted, the manager is locked until unlocked with the key.
    match std::env::var("DOCKER_ENGINE_RS_SWARM_RESTART") {
        Ok(script) if !script.is_empty() => {
            let status =
                tokio::task::spawn_blocking(move || std::process::Command::new(script).status())
                    .await
                    .unwrap()
                    .unwrap();
            assert!(status.success(), "restarting the swarm engine");
            let state = || async {
                docker
                    .system()
                    .info()
                    .await
                    .unwrap()
                    .swarm
                    .unwrap()
                    .local_node_state
                    .unwrap()
                    .to_string()
            };
            assert_eq!(state().await, "locked");
            let locked = docker.swarm().inspect().await.unwrap_err();
            assert_eq!(locked.status(), Some(503), "{locked}");
            let wrong = docker
                .swarm()
                .unlock("SWMKEY-1-notthekey")
                .await
                .unwrap_err();
            assert!(wrong.status().is_some(), "{wrong}");
            let old = docker.swarm().unlock(&key).await.unwrap_err();
            assert!(
                old.status().is_some(),
                "the key before rotation no longer unlocks: {old}"
            );
            docker.swarm().unlock(&rotated).await.unwrap();
            for _ in 0..40 {
                if state().await == "active" {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            assert_eq!(state().await, "active");
        }
        _ => common::unavailable(
            "DOCKER_ENGINE_RS_SWARM_RESTART is not set: no unlock after restart",
        ),
    }
    // Swarm calls work again; autolock off.
    for _ in 0..40 {
        if docker.swarm().inspect().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(docker.swarm().autolock(false).await.unwrap(), None);
    assert_eq!(docker.swarm().unlock_key().await.unwrap(), "");
}

/// The swarm engine reads what the version table starts at a version from
/// that version on: config templating at 1.37 (refused at 1.36, unsent).
async fn boundaries(docker: &Docker) {
    use docker_engine::configs::ConfigCreate;
    use docker_engine::versions::ApiVersion;
    use docker_engine::VersionSetting;
    let host = docker.host().to_string();
    let pinned = |minor| {
        Docker::builder()
            .host(&host)
            .unwrap()
            .version(VersionSetting::Fixed(ApiVersion::new(1, minor)))
            .build()
            .unwrap()
    };
    let templated = ConfigCreate::new(unique("boundary-cfg"), b"{{ .Service.Name }}".to_vec())
        .templating(DriverConfig::new("golang"));
    let refused = pinned(36).configs().create(&templated).await.unwrap_err();
    assert!(
        matches!(refused, Error::UnsupportedByVersion { .. }),
        "{refused:?}"
    );
    let at = pinned(37);
    let id = at.configs().create(&templated).await.unwrap();
    let spec = at.configs().inspect(&id).await.unwrap().spec.unwrap();
    assert_eq!(spec.templating.unwrap().name, "golang");
    at.configs().remove(&id).await.unwrap();
}

/// A service whose image only a registry behind basic auth has: created
/// with the credentials of a CLI configuration of the test's own
/// (`ServiceCreate::with_registry_auth`, the CLI's `--with-registry-auth`),
/// the node pulls it and the task runs. The image is the test image pushed there from the swarm engine
/// under a unique tag, then untagged locally so the node must pull.
async fn private_image(docker: &Docker) {
    use docker_engine::RegistryAuth;
    use futures_util::StreamExt;
    let (Ok(registry), Ok(user), Ok(password)) = (
        std::env::var("DOCKER_ENGINE_RS_REGISTRY_AUTH"),
        std::env::var("DOCKER_ENGINE_RS_REGISTRY_USER"),
        std::env::var("DOCKER_ENGINE_RS_REGISTRY_PASSWORD"),
    ) else {
        common::unavailable("DOCKER_ENGINE_RS_REGISTRY_AUTH is not set: no private image test");
        return;
    };
    let auth = RegistryAuth::new(user, password).server_address(registry.clone());
    let repo_path = format!("docker-engine-rs/{}", unique("swarm-private"));
    let repo = format!("{registry}/{repo_path}");
    let tag = unique("t");
    let image = format!("{repo}:{tag}");
    docker
        .raw_call(async |c| c.image_tag(IMAGE, Some(&repo), Some(&tag)).await)
        .await
        .unwrap();
    let header = auth.header_value();
    let pushed = docker
        .raw_call(async |c| c.image_push(&repo, None, Some(&tag), &header).await)
        .await
        .unwrap();
    let mut body = pushed.into_inner();
    let mut text = Vec::new();
    while let Some(chunk) = body.next().await {
        text.extend_from_slice(&chunk.unwrap());
    }
    let text = String::from_utf8_lossy(&text);
    assert!(!text.contains("\"error\""), "push: {text}");
    docker
        .raw_call(async |c| c.image_delete(&image, None, None, None).await)
        .await
        .unwrap();

    let name = unique("private");
    let config = tempfile::tempdir().unwrap();
    common::registry::write_config_auths(
        config.path(),
        &registry,
        auth.username().unwrap(),
        auth.password().unwrap(),
    );
    let configured = Docker::builder()
        .host(&std::env::var("DOCKER_ENGINE_RS_SWARM_HOST").unwrap())
        .unwrap()
        .cli_config(docker_engine::config::CliConfig::load_dir(config.path()).unwrap())
        .build()
        .unwrap();
    let created = configured
        .services()
        .create(
            &ServiceCreate::new(
                TaskTemplate::new(ContainerSpec::new(image.clone()).args(["sleep", "600"]))
                    .placement(Placement::default().constraint("node.role==manager")),
            )
            .name(name.clone())
            .label(LABEL, "private")
            .with_registry_auth(true),
        )
        .await
        .unwrap();
    let id = created.id.unwrap();
    converge(docker, &id).await;
    let service = docker
        .services()
        .inspect(&id, &InspectOptions::default())
        .await
        .unwrap();
    let image_in_spec = service
        .spec
        .unwrap()
        .task_template
        .unwrap()
        .container_spec
        .unwrap()
        .image
        .unwrap();
    assert!(
        image_in_spec.starts_with(&image),
        "pinned to the pushed image: {image_in_spec}"
    );
    docker.services().remove(&id).await.unwrap();
    delete_from_registry(
        &registry,
        &repo,
        &tag,
        (auth.username().unwrap(), auth.password().unwrap()),
    )
    .await;
    // The pulled image goes once its container is gone.
    for _ in 0..40 {
        match docker
            .raw_call(async |c| c.image_delete(&image, Some(true), None, None).await)
            .await
        {
            Ok(_) => break,
            Err(Error::NotFound { .. }) => break,
            Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}

/// An update whose new task fails pauses (failure action `pause`): the
/// wait for convergence ends with the engine's reason; a rollback then
/// converges on the previous spec.
async fn failed_update(docker: &Docker) {
    use docker_engine::types::FailureAction;
    let name = unique("failing");
    let created = docker
        .services()
        .create(
            &ServiceCreate::new(
                TaskTemplate::new(ContainerSpec::new(IMAGE).args(["sleep", "600"]))
                    .restart_policy(TaskRestartPolicy::new(RestartCondition::None))
                    .placement(Placement::default().constraint("node.role==manager")),
            )
            .name(name.clone())
            .label(LABEL, "failing")
            .update_config(
                UpdateConfig::default()
                    .failure_action(FailureAction::Pause)
                    .monitor(Duration::from_secs(2))
                    .max_failure_ratio(0.0),
            ),
        )
        .await
        .unwrap();
    let id = created.id.unwrap();
    converge(docker, &id).await;
    docker
        .services()
        .update_with(&id, &UpdateOptions::default(), |spec| {
            let c = spec
                .task_template
                .as_mut()
                .unwrap()
                .container_spec
                .as_mut()
                .unwrap();
            c.args = Some(vec!["sh".into(), "-c".into(), "exit 3".into()]);
            Ok(())
        })
        .await
        .unwrap();
    let mut seen = Vec::new();
    let paused = tokio::time::timeout(
        Duration::from_secs(90),
        docker
            .services()
            .wait_converged(&id, |p| seen.push(p.clone())),
    )
    .await
    .expect("the update pauses within 90 s")
    .unwrap_err();
    match &paused {
        Error::InStream { message, .. } => assert!(message.contains("paused"), "{message}"),
        other => panic!("expected the paused update as an error, got {other:?}"),
    }
    assert!(seen.iter().all(|p| !p.converged), "{seen:?}");
    docker.services().rollback(&id).await.unwrap();
    let back = converge(docker, &id).await;
    assert_eq!(
        back.update_state.as_deref(),
        Some("rollback_completed"),
        "{back:?}"
    );
    let args = docker
        .services()
        .inspect(&id, &InspectOptions::default())
        .await
        .unwrap()
        .spec
        .unwrap()
        .task_template
        .unwrap()
        .container_spec
        .unwrap()
        .args;
    assert_eq!(args, Some(vec!["sleep".to_string(), "600".to_string()]));
    docker.services().remove(&id).await.unwrap();
}

/// Deletes the manifest `repo:tag` pushed to `registry` (its v2 API, basic
/// auth), and checks it is gone.
async fn delete_from_registry(
    registry: &str,
    repo: &str,
    tag: &str,
    (user, password): (&str, &str),
) {
    use base64::Engine as _;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let path = repo.strip_prefix(&format!("{registry}/")).unwrap_or(repo);
    let http = |method: &'static str, target: String| async move {
        let mut conn = tokio::net::TcpStream::connect(registry).await.unwrap();
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let req = format!(
            "{method} {target} HTTP/1.1\r\nHost: {registry}\r\nConnection: close\r\n\
             Accept: application/vnd.docker.distribution.manifest.v2+json\r\n\
             Authorization: Basic {token}\r\n\r\n"
        );
        conn.write_all(req.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        let _ = conn.read_to_end(&mut raw).await;
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status: u16 = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, text)
    };
    let (status, head) = http("HEAD", format!("/v2/{path}/manifests/{tag}")).await;
    assert_eq!(status, 200, "{head}");
    let digest = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("docker-content-digest")
                .then(|| v.trim().to_string())
        })
        .expect("a manifest digest");
    let (status, answer) = http("DELETE", format!("/v2/{path}/manifests/{digest}")).await;
    assert_eq!(status, 202, "{answer}");
    let (status, _) = http("HEAD", format!("/v2/{path}/manifests/{tag}")).await;
    assert_eq!(status, 404, "deleted from the registry");
}
