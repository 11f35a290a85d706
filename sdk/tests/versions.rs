//! The version table against the real engine: with the client pinned to the
//! version just below where the upstream descriptions first document an
//! item, the SDK sends it and the engine reads it (inspect shows it); where
//! the table puts a boundary the SDK refuses below it, without sending.
//! See `xtask/src/corrections.rs` for why each boundary is where it is.
//!
//! The 20.10 engine serves API 1.12 to 1.41, so every version here is one
//! it answers under `/v1.NN/`.

mod common;

use docker_engine::containers::{ContainerCreate, RemoveOptions};
use docker_engine::containers::{PutArchiveOptions, StatsOptions, WaitOptions};
use docker_engine::streams::Body;
use docker_engine::versions::ApiVersion;
use docker_engine::{Docker, DockerBuilder, Error, VersionSetting};
use futures_util::StreamExt;

use common::{docker, unique, with_container, IMAGE, LABEL};

/// A client for the test engine pinned to API `1.minor`, or `None` when
/// there is no engine (outside CI).
async fn pinned(minor: u16) -> Option<Docker> {
    docker().await?;
    Some(
        DockerBuilder::from_env()
            .unwrap()
            .version(VersionSetting::Fixed(ApiVersion::new(1, minor)))
            .build()
            .unwrap(),
    )
}

fn spec(prefix: &str) -> ContainerCreate {
    ContainerCreate::new(IMAGE)
        .name(unique(prefix))
        .label(LABEL, "true")
        .cmd(["true"])
}

/// Asserts that `r` is the SDK's refusal of `what`, which needs `1.since`.
fn assert_refused<T>(r: docker_engine::Result<T>, what: &str, since: u16) {
    match r {
        Err(Error::UnsupportedByVersion {
            what: w, since: s, ..
        }) => {
            assert!(w.contains(what), "{w}");
            assert_eq!(s, ApiVersion::new(1, since), "{w}");
        }
        Err(e) => panic!("expected {what} to be refused below 1.{since}, got {e}"),
        Ok(_) => panic!("expected {what} to be refused below 1.{since}, it was sent"),
    }
}

#[tokio::test]
async fn init_and_port_binding_host_ip_are_sent_to_old_versions() {
    // The descriptions document Init from 1.37, a binding's HostIp from
    // 1.35, the kernel memory limit from 1.36.
    for minor in [25, 30, 34, 36] {
        let Some(docker) = pinned(minor).await else {
            return;
        };
        let mut spec = spec("sdk-versions-init").publish("127.0.0.1::80");
        let host = spec
            .body_mut()
            .host_config
            .get_or_insert_with(Default::default);
        host.init = Some(true);
        host.extra
            .insert("KernelMemory".into(), serde_json::json!(8 * 1024 * 1024));
        let created = docker
            .containers()
            .create(&spec)
            .await
            .unwrap_or_else(|e| panic!("1.{minor}: {e}"));
        with_container(&docker, &created.id, async {
            let host = docker
                .containers()
                .inspect(&created.id)
                .await
                .unwrap()
                .host_config
                .unwrap();
            assert_eq!(host.init, Some(true), "1.{minor}");
            let bindings = host.port_bindings.unwrap().0.remove("80/tcp").flatten();
            let ip = bindings.unwrap()[0].host_ip.clone();
            assert_eq!(ip.as_deref(), Some("127.0.0.1"), "1.{minor}");
            assert_eq!(
                host.extra.get("KernelMemory"),
                Some(&serde_json::json!(8 * 1024 * 1024)),
                "1.{minor}"
            );
        })
        .await;
    }
}

#[tokio::test]
async fn mount_consistency_from_1_28() {
    let mount: docker_engine::models::Mount = serde_json::from_value(serde_json::json!({
        "Type": "tmpfs", "Target": "/scratch", "Consistency": "cached"
    }))
    .unwrap();
    let with_mount = |prefix| {
        let mut s = spec(prefix);
        s.body_mut()
            .host_config
            .get_or_insert_with(Default::default)
            .mounts = Some(vec![mount.clone()]);
        s
    };
    let Some(old) = pinned(27).await else { return };
    let refused = with_mount("sdk-versions-consistency");
    assert_refused(
        old.containers().create(&refused).await,
        "HostConfig.Mounts[].Consistency",
        28,
    );

    let docker = pinned(28).await.unwrap();
    let created = docker
        .containers()
        .create(&with_mount("sdk-versions-consistency"))
        .await
        .unwrap();
    with_container(&docker, &created.id, async {
        let mounts = docker
            .containers()
            .inspect(&created.id)
            .await
            .unwrap()
            .host_config
            .unwrap()
            .mounts
            .unwrap();
        assert_eq!(mounts[0].consistency.as_deref(), Some("cached"));
    })
    .await;
}

fn one_file_tar(name: &str, data: &[u8]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(data.len() as u64);
    header.set_mode(0o644);
    header.set_uid(0);
    header.set_gid(0);
    header.set_cksum();
    tar.append_data(&mut header, name, data).unwrap();
    tar.into_inner().unwrap()
}

/// The one entry of `path` as the engine archives it: its header's owner
/// and its content.
async fn read_back(docker: &Docker, id: &str, path: &str) -> ((u64, u64), Vec<u8>) {
    let (_, mut stream) = docker.containers().archive(id, path).await.unwrap();
    let mut got = Vec::new();
    while let Some(chunk) = stream.next().await {
        got.extend_from_slice(&chunk.unwrap());
    }
    let mut archive = tar::Archive::new(&got[..]);
    let mut entry = archive.entries().unwrap().next().unwrap().unwrap();
    let owner = (entry.header().uid().unwrap(), entry.header().gid().unwrap());
    let mut content = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
    (owner, content)
}

#[tokio::test]
async fn archive_operations_at_1_25() {
    // Renamed in the 1.28 descriptions; the routes are older.
    let Some(docker) = pinned(25).await else {
        return;
    };
    let created = docker
        .containers()
        .create(&spec("sdk-versions-archive"))
        .await
        .unwrap();
    with_container(&docker, &created.id, async {
        let tar = one_file_tar("old.txt", b"from 1.25");
        docker
            .containers()
            .put_archive(
                &created.id,
                "/tmp",
                tar.into(),
                &PutArchiveOptions::default().no_overwrite_dir_non_dir(true),
            )
            .await
            .unwrap();
        let stat = docker
            .containers()
            .archive_info(&created.id, "/tmp/old.txt")
            .await
            .unwrap();
        assert_eq!(stat.size, 9);
        let (_, content) = read_back(&docker, &created.id, "/tmp/old.txt").await;
        assert_eq!(content, b"from 1.25");
    })
    .await;
}

/// `nobody`'s ids in the engine host's user database (the engine resolves
/// a container's user by name there when it copies ids).
fn nobody_ids() -> Option<(u64, u64)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.first() == Some(&"nobody") && f.len() > 3)
            .then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
            .flatten()
    })
}

#[tokio::test]
async fn copy_uid_gid_from_1_30() {
    let Some(old) = pinned(29).await else { return };
    let opts = PutArchiveOptions::default().copy_uid_gid(true);
    let tar = one_file_tar("owned.txt", b"x");
    assert_refused(
        old.containers()
            .put_archive(
                "sdk-versions-no-such-container",
                "/tmp",
                tar.clone().into(),
                &opts,
            )
            .await,
        "copyUIDGID",
        30,
    );

    let docker = pinned(30).await.unwrap();
    let created = docker
        .containers()
        .create(&spec("sdk-versions-uidgid").user("nobody"))
        .await
        .unwrap();
    with_container(&docker, &created.id, async {
        docker
            .containers()
            .put_archive(&created.id, "/tmp", Body::from_bytes(tar), &opts)
            .await
            .unwrap();
        let (owner, _) = read_back(&docker, &created.id, "/tmp/owned.txt").await;
        match nobody_ids() {
            Some(ids) => assert_eq!(owner, ids, "the engine gave the file the user's ids"),
            None => assert_ne!(owner, (0, 0)),
        }
    })
    .await;
}

#[tokio::test]
async fn removing_a_legacy_link_at_1_25() {
    let Some(docker) = pinned(25).await else {
        return;
    };
    let target_name = unique("sdk-versions-linked");
    let target = docker
        .containers()
        .create(
            &ContainerCreate::new(IMAGE)
                .name(&target_name)
                .label(LABEL, "true")
                .cmd(["sleep", "60"]),
        )
        .await
        .unwrap();
    with_container(&docker, &target.id, async {
        docker.containers().start(&target.id).await.unwrap();
        let linker_name = unique("sdk-versions-linker");
        let mut linker = ContainerCreate::new(IMAGE)
            .name(&linker_name)
            .label(LABEL, "true")
            .cmd(["sleep", "60"]);
        linker
            .body_mut()
            .host_config
            .get_or_insert_with(Default::default)
            .links = Some(vec![format!("{target_name}:peer")]);
        let linker = docker.containers().create(&linker).await.unwrap();
        with_container(&docker, &linker.id, async {
            docker.containers().start(&linker.id).await.unwrap();
            let links = |docker: Docker, id: String| async move {
                docker
                    .containers()
                    .inspect(&id)
                    .await
                    .unwrap()
                    .host_config
                    .unwrap()
                    .links
                    .unwrap_or_default()
            };
            assert_eq!(links(docker.clone(), linker.id.clone()).await.len(), 1);
            docker
                .containers()
                .remove(
                    &format!("{linker_name}/peer"),
                    &RemoveOptions::default().link(true),
                )
                .await
                .unwrap();
            // The link is gone; both containers are still there.
            assert!(links(docker.clone(), linker.id.clone()).await.is_empty());
            docker.containers().inspect(&target.id).await.unwrap();
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn a_boundary_the_engine_itself_enforces() {
    // The engine drops a bind's NonRecursive below 1.40; the table has it
    // from 1.40, so the SDK refuses it below and sends it from there.
    let mount: docker_engine::models::Mount = serde_json::from_value(serde_json::json!({
        "Type": "bind", "Source": "/tmp", "Target": "/host-tmp",
        "BindOptions": { "NonRecursive": true }
    }))
    .unwrap();
    let with_mount = || {
        let mut s = spec("sdk-versions-nonrecursive");
        s.body_mut()
            .host_config
            .get_or_insert_with(Default::default)
            .mounts = Some(vec![mount.clone()]);
        s
    };
    let Some(old) = pinned(39).await else { return };
    assert_refused(
        old.containers().create(&with_mount()).await,
        "BindOptions.NonRecursive",
        40,
    );
    let docker = pinned(40).await.unwrap();
    let created = docker.containers().create(&with_mount()).await.unwrap();
    with_container(&docker, &created.id, async {
        let mounts = docker
            .containers()
            .inspect(&created.id)
            .await
            .unwrap()
            .host_config
            .unwrap()
            .mounts
            .unwrap();
        let bind = mounts[0].bind_options.as_ref().unwrap();
        assert_eq!(bind.non_recursive, Some(true));
    })
    .await;
}

// The options the SDK has setters for whose items came after 1.25: refused
// just below their version, sent and read from it (or, above what the
// engine serves, refused at its newest version).

#[tokio::test]
async fn healthcheck_start_period_from_1_29() {
    use docker_engine::types::Healthcheck;
    use std::time::Duration;
    let check = Healthcheck::exec(["true"]).start_period(Duration::from_secs(7));
    let Some(old) = pinned(28).await else { return };
    assert_refused(
        old.containers()
            .create(&spec("sdk-versions-health").healthcheck(check.clone()))
            .await,
        "Healthcheck.StartPeriod",
        29,
    );
    let docker = pinned(29).await.unwrap();
    let created = docker
        .containers()
        .create(&spec("sdk-versions-health").healthcheck(check))
        .await
        .unwrap();
    with_container(&docker, &created.id, async {
        let config = docker
            .containers()
            .inspect(&created.id)
            .await
            .unwrap()
            .config
            .unwrap();
        let health = config.healthcheck.unwrap();
        assert_eq!(health.start_period, Some(7_000_000_000));
    })
    .await;
}

/// A container that printed `hi` and exited.
async fn exited(docker: &Docker) -> String {
    let created = docker
        .containers()
        .create(
            &ContainerCreate::new(IMAGE)
                .name(unique("sdk-versions-exited"))
                .label(LABEL, "true")
                .cmd(["echo", "hi"]),
        )
        .await
        .unwrap();
    docker.containers().start(&created.id).await.unwrap();
    docker
        .containers()
        .wait(&created.id, &Default::default())
        .await
        .unwrap();
    created.id
}

#[tokio::test]
async fn log_until_from_1_35() {
    use docker_engine::containers::LogsOptions;
    let Some(old) = pinned(34).await else { return };
    let id = exited(&old).await;
    with_container(&old, &id, async {
        let until = LogsOptions::default().until(1);
        assert_refused(old.containers().logs(&id, &until).await, "until", 35);

        let docker = pinned(35).await.unwrap();
        let all = docker
            .containers()
            .logs(&id, &LogsOptions::default())
            .await
            .unwrap();
        assert_eq!(
            &docker_engine::streams::collect(all).await.unwrap().0[..],
            b"hi\n"
        );
        // Only what came before 1970-01-01T00:00:01: nothing.
        let before = docker.containers().logs(&id, &until).await.unwrap();
        assert!(docker_engine::streams::collect(before)
            .await
            .unwrap()
            .0
            .is_empty());
    })
    .await;
}

#[tokio::test]
async fn wait_conditions_around_1_30() {
    use docker_engine::containers::WaitCondition;
    // Before 1.30 there are no conditions: waiting for the container to stop
    // is what the engine does, and works; the others are refused.
    let Some(old) = pinned(29).await else { return };
    let id = exited(&old).await;
    with_container(&old, &id, async {
        let waited = old
            .containers()
            .wait(&id, &WaitOptions::default())
            .await
            .unwrap();
        assert_eq!(waited.status_code, 0);
        assert_refused(
            old.containers()
                .wait(
                    &id,
                    &WaitOptions::default().condition(WaitCondition::NextExit),
                )
                .await,
            "condition",
            30,
        );
        // From 1.30 the engine reads it: the next exit comes with a restart.
        let docker = pinned(30).await.unwrap();
        let waiter = {
            let (docker, id) = (docker.clone(), id.clone());
            tokio::spawn(async move {
                docker
                    .containers()
                    .wait(
                        &id,
                        &WaitOptions::default().condition(WaitCondition::NextExit),
                    )
                    .await
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(
            !waiter.is_finished(),
            "next-exit returned for a stopped container"
        );
        docker.containers().start(&id).await.unwrap();
        assert_eq!(waiter.await.unwrap().unwrap().status_code, 0);
    })
    .await;
}

#[tokio::test]
async fn exec_working_dir_from_1_35() {
    use docker_engine::exec::ExecCreate;
    let Some(old) = pinned(34).await else { return };
    let created = old
        .containers()
        .create(
            &ContainerCreate::new(IMAGE)
                .name(unique("sdk-versions-exec"))
                .label(LABEL, "true")
                .cmd(["sleep", "60"]),
        )
        .await
        .unwrap();
    let id = created.id;
    with_container(&old, &id, async {
        old.containers().start(&id).await.unwrap();
        let pwd = ExecCreate::new(["pwd"]).working_dir("/tmp");
        assert_refused(old.exec().run(&id, &pwd, None).await, "WorkingDir", 35);
        let docker = pinned(35).await.unwrap();
        let out = docker.exec().run(&id, &pwd, None).await.unwrap();
        assert_eq!(&out.stdout[..], b"/tmp\n");
    })
    .await;
}

#[tokio::test]
async fn one_shot_stats_from_1_41() {
    let Some(old) = pinned(40).await else { return };
    let created = old
        .containers()
        .create(
            &ContainerCreate::new(IMAGE)
                .name(unique("sdk-versions-stats"))
                .label(LABEL, "true")
                .cmd(["sleep", "60"]),
        )
        .await
        .unwrap();
    let id = created.id;
    with_container(&old, &id, async {
        old.containers().start(&id).await.unwrap();
        assert_refused(
            old.containers()
                .stats(&id, &StatsOptions::default().one_shot(true))
                .await,
            "one-shot",
            41,
        );
        let docker = pinned(41).await.unwrap();
        // One sample without the second reading that gives the previous CPU
        // figures: the engine took the option.
        let stats = docker
            .containers()
            .stats(&id, &StatsOptions::default().one_shot(true))
            .await
            .unwrap();
        let pre = stats.precpu_stats.and_then(|p| p.system_cpu_usage);
        assert!(pre.is_none_or(|u| u == 0), "{pre:?}");
        let stats = docker
            .containers()
            .stats(&id, &StatsOptions::default().one_shot(false))
            .await
            .unwrap();
        let pre = stats.precpu_stats.and_then(|p| p.system_cpu_usage);
        assert!(pre.is_some_and(|u| u > 0), "{pre:?}");
    })
    .await;
}

#[tokio::test]
async fn create_platform_from_1_41() {
    let Some(old) = pinned(40).await else { return };
    let windows = spec("sdk-versions-platform").platform("windows/amd64");
    assert_refused(old.containers().create(&windows).await, "platform", 41);
    let docker = pinned(41).await.unwrap();
    // The engine reads it: no container of a Linux image for Windows.
    let e = docker.containers().create(&windows).await.unwrap_err();
    assert!(!matches!(e, Error::UnsupportedByVersion { .. }), "{e}");
    let arch = docker.system().version().await.unwrap().arch.unwrap();
    let created = docker
        .containers()
        .create(&spec("sdk-versions-platform").platform(format!("linux/{arch}")))
        .await
        .unwrap();
    with_container(&docker, &created.id, async {}).await;
}

#[tokio::test]
async fn newer_than_the_engine_is_refused_at_its_version() {
    use docker_engine::containers::StopOptions;
    use docker_engine::types::Healthcheck;
    use std::time::Duration;
    // The 20.10 engine serves up to 1.41: stop signals (1.42) and the
    // health check's start interval (1.44) are refused there.
    let Some(docker) = pinned(41).await else {
        return;
    };
    let signal = StopOptions::default().signal("SIGTERM");
    assert_refused(
        docker
            .containers()
            .stop("sdk-versions-absent", &signal)
            .await,
        "signal",
        42,
    );
    assert_refused(
        docker
            .containers()
            .restart("sdk-versions-absent", &signal)
            .await,
        "signal",
        42,
    );
    let check = Healthcheck::exec(["true"]).start_interval(Duration::from_secs(1));
    assert_refused(
        docker
            .containers()
            .create(&spec("sdk-versions-interval").healthcheck(check))
            .await,
        "Healthcheck.StartInterval",
        44,
    );
}

/// Swarm fields above 1.25, on the main engine, which is in no swarm and
/// never put in one: below its version each is refused without sending;
/// at its version it is sent, and the engine answers that it is not a
/// swarm manager (503). What the swarm engine reads at the boundary is in
/// `swarm.rs` (jobs at 1.41, config templating at 1.37).
#[tokio::test]
async fn swarm_fields_are_refused_below_their_version() {
    use docker_engine::configs::ConfigCreate;
    use docker_engine::secrets::SecretCreate;
    use docker_engine::services::{ListOptions, LogsOptions, ServiceCreate};
    use docker_engine::types::{
        ContainerSpec, DriverConfig, Placement, ServiceMode, TaskTemplate, Ulimit,
    };
    let service = |mode: ServiceMode| {
        ServiceCreate::new(TaskTemplate::new(ContainerSpec::new(IMAGE)))
            .name(unique("sdk-versions-svc"))
            .mode(mode)
    };
    let job = service(ServiceMode::ReplicatedJob {
        max_concurrent: 1,
        total_completions: None,
    });
    let global_job = service(ServiceMode::GlobalJob);
    let ulimits = ServiceCreate::new(TaskTemplate::new(
        ContainerSpec::new(IMAGE).ulimit(Ulimit::new("nofile", 1, 2)),
    ));
    let max_replicas = ServiceCreate::new(
        TaskTemplate::new(ContainerSpec::new(IMAGE))
            .placement(Placement::default().max_replicas(1)),
    );
    let templated = ConfigCreate::new(unique("sdk-versions-cfg"), b"x".to_vec())
        .templating(DriverConfig::new("golang"));
    let driven = SecretCreate::new(unique("sdk-versions-secret"), b"x".to_vec())
        .driver(DriverConfig::new("vault"));
    let not_a_manager = |r: docker_engine::Result<()>, what: &str| match r {
        Err(e) if e.status() == Some(503) => {}
        other => panic!("{what}: expected the engine's 503 (sent), got {other:?}"),
    };
    let Some(below) = pinned(40).await else {
        return;
    };
    let at = pinned(41).await.unwrap();
    assert_refused(
        below.services().create(&job).await,
        "Mode.ReplicatedJob",
        41,
    );
    not_a_manager(
        at.services().create(&job).await.map(drop),
        "replicated job at 1.41",
    );
    assert_refused(
        below.services().create(&global_job).await,
        "Mode.GlobalJob",
        41,
    );
    not_a_manager(
        at.services().create(&global_job).await.map(drop),
        "global job at 1.41",
    );
    assert_refused(below.services().create(&ulimits).await, "Ulimits", 41);
    not_a_manager(
        at.services().create(&ulimits).await.map(drop),
        "ulimits at 1.41",
    );
    let status = ListOptions::default().status(true);
    assert_refused(below.services().list(&status).await, "status", 41);
    not_a_manager(
        at.services().list(&status).await.map(drop),
        "status at 1.41",
    );

    let below = pinned(39).await.unwrap();
    let at = pinned(40).await.unwrap();
    assert_refused(
        below.services().create(&max_replicas).await,
        "Placement.MaxReplicas",
        40,
    );
    not_a_manager(
        at.services().create(&max_replicas).await.map(drop),
        "max replicas at 1.40",
    );

    let below = pinned(36).await.unwrap();
    let at = pinned(37).await.unwrap();
    assert_refused(below.configs().create(&templated).await, "Templating", 37);
    not_a_manager(
        at.configs().create(&templated).await.map(drop),
        "templating at 1.37",
    );

    let below = pinned(30).await.unwrap();
    let at = pinned(31).await.unwrap();
    assert_refused(below.secrets().create(&driven).await, "Driver", 31);
    not_a_manager(
        at.secrets().create(&driven).await.map(drop),
        "a secret driver at 1.31",
    );

    let below = pinned(29).await.unwrap();
    let at = pinned(30).await.unwrap();
    let plain = ConfigCreate::new(unique("sdk-versions-cfg"), b"x".to_vec());
    assert_refused(below.configs().create(&plain).await, "ConfigCreate", 30);
    not_a_manager(
        at.configs().create(&plain).await.map(drop),
        "configs at 1.30",
    );

    let below = pinned(28).await.unwrap();
    let at = pinned(29).await.unwrap();
    assert_refused(
        below
            .tasks()
            .logs("sdk-versions-task", &LogsOptions::default())
            .await
            .map(drop),
        "TaskLogs",
        29,
    );
    not_a_manager(
        at.tasks()
            .logs("sdk-versions-task", &LogsOptions::default())
            .await
            .map(drop),
        "task logs at 1.29",
    );
}

/// Swarm init's newer fields are refused below their version before
/// anything is sent: checked against a socket nothing listens on (a
/// request that went out would be a transport error), so that no test
/// can ever put the main engine in swarm mode.
#[tokio::test]
async fn swarm_init_fields_are_refused_unsent() {
    use docker_engine::swarm::InitOptions;
    let dir = tempfile::tempdir().unwrap();
    let dead = |minor| {
        Docker::builder()
            .host(&format!("unix://{}/none.sock", dir.path().display()))
            .unwrap()
            .version(VersionSetting::Fixed(ApiVersion::new(1, minor)))
            .build()
            .unwrap()
    };
    assert_refused(
        dead(39)
            .swarm()
            .init(&InitOptions::default().data_path_port(4790u32))
            .await,
        "DataPathPort",
        40,
    );
    assert_refused(
        dead(38)
            .swarm()
            .init(&InitOptions::default().default_addr_pool("10.9.0.0/16"))
            .await,
        "DefaultAddrPool",
        39,
    );
    assert_refused(
        dead(38)
            .swarm()
            .init(&InitOptions::default().subnet_size(26u32))
            .await,
        "DefaultAddrPool",
        39,
    );
    assert_refused(
        dead(29)
            .swarm()
            .init(&InitOptions::default().data_path_addr("10.0.0.1"))
            .await,
        "DataPathAddr",
        30,
    );
    // At the version, it is sent (and finds no engine).
    let sent = dead(40)
        .swarm()
        .init(&InitOptions::default().data_path_port(4790u32))
        .await
        .unwrap_err();
    assert!(matches!(sent, Error::Transport { .. }), "{sent:?}");
}

#[tokio::test]
async fn network_inspect_verbose_from_1_28_and_scope_from_1_31() {
    use docker_engine::networks::InspectOptions;
    let Some(old) = pinned(27).await else { return };
    assert_refused(
        old.networks()
            .inspect("bridge", &InspectOptions::default().verbose(true))
            .await,
        "verbose",
        28,
    );
    let at = pinned(28).await.unwrap();
    let n = at
        .networks()
        .inspect("bridge", &InspectOptions::default().verbose(true))
        .await
        .unwrap();
    assert_eq!(n.name.as_deref(), Some("bridge"));

    let old = pinned(30).await.unwrap();
    assert_refused(
        old.networks()
            .inspect("bridge", &InspectOptions::default().scope("local"))
            .await,
        "scope",
        31,
    );
    let at = pinned(31).await.unwrap();
    let n = at
        .networks()
        .inspect("bridge", &InspectOptions::default().scope("local"))
        .await
        .unwrap();
    assert_eq!(n.scope.as_deref(), Some("local"));
}

#[tokio::test]
async fn plugin_list_filters_and_forced_disable_from_1_28() {
    use docker_engine::plugins::{DisableOptions, ListOptions};
    let Some(old) = pinned(27).await else { return };
    assert_refused(
        old.plugins()
            .list(&ListOptions::default().capability("volumedriver"))
            .await,
        "filters",
        28,
    );
    assert_refused(
        old.plugins()
            .disable("sdk-no-such-plugin", &DisableOptions::default().force(true))
            .await,
        "force",
        28,
    );
    // Sent from 1.28: the engine answers (the list; a missing plugin).
    let at = pinned(28).await.unwrap();
    at.plugins()
        .list(&ListOptions::default().capability("volumedriver"))
        .await
        .unwrap();
    let missing = at
        .plugins()
        .disable("sdk-no-such-plugin", &DisableOptions::default().force(true))
        .await;
    assert!(
        matches!(missing, Err(Error::NotFound { .. })),
        "{missing:?}"
    );
}

#[tokio::test]
async fn volume_update_and_the_data_usage_type_selection_from_1_42() {
    use docker_engine::system::{DataUsageOptions, DataUsageType};
    // The engine speaks 1.41: both are refused before sending.
    let Some(docker) = pinned(41).await else {
        return;
    };
    assert_refused(
        docker
            .volumes()
            .update("sdk-no-such-volume", 1, &Default::default())
            .await,
        "VolumeUpdate",
        42,
    );
    assert_refused(
        docker
            .system()
            .data_usage(&DataUsageOptions::default().only(DataUsageType::Image))
            .await,
        "type",
        42,
    );
    docker
        .system()
        .data_usage(&DataUsageOptions::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn network_config_only_and_config_from_at_1_30() {
    use docker_engine::networks::{InspectOptions, NetworkCreate};
    let Some(docker) = pinned(30).await else {
        return;
    };
    let base = unique("sdk-versions-net-base");
    docker
        .networks()
        .create(
            &NetworkCreate::new(&base)
                .label(LABEL, "true")
                .config_only(true)
                .driver_opt("parent=eth0"),
        )
        .await
        .unwrap();
    let derived = unique("sdk-versions-net-derived");
    let created = docker
        .networks()
        .create(
            &NetworkCreate::new(&derived)
                .label(LABEL, "true")
                .driver("macvlan")
                .config_from(&base),
        )
        .await;
    let current = pinned(41).await.unwrap();
    let inspected = current
        .networks()
        .inspect(&base, &InspectOptions::default())
        .await;
    let from = match &created {
        Ok(_) => {
            let d = current
                .networks()
                .inspect(&derived, &InspectOptions::default())
                .await;
            current.networks().remove(&derived).await.unwrap();
            d.ok().and_then(|d| d.config_from).and_then(|c| c.network)
        }
        Err(_) => None,
    };
    current.networks().remove(&base).await.unwrap();
    assert_eq!(inspected.unwrap().config_only, Some(true));
    // Whether a macvlan network can be made depends on the host's
    // interfaces; when it can, it names the base it was made from.
    match created {
        Ok(_) => assert_eq!(from.as_deref(), Some(base.as_str())),
        Err(e) => assert!(e.engine_message().is_some(), "{e}"),
    }
}

#[tokio::test]
async fn a_mac_address_on_connect_is_refused_below_1_54() {
    use docker_engine::types::EndpointConfig;
    // Engines before API 1.54 ignore it on connect: refused, nothing sent
    // (the network does not even exist, so anything sent would be a 404).
    let Some(docker) = pinned(41).await else {
        return;
    };
    let ep = EndpointConfig::new().mac_address("02:42:ac:11:00:42");
    assert_refused(
        docker
            .networks()
            .connect(&unique("sdk-versions-no-net"), "nobody", &ep)
            .await,
        "MacAddress",
        54,
    );
}
