//! The SDK against the real engine: system calls, negotiation, a pinned
//! version that is too new, gating, and a container's whole life.

mod common;

use docker_engine::containers::{
    ContainerCreate, LogsOptions, StateChange, StopOptions, WaitCondition, WaitOptions,
};
use docker_engine::versions::{self, ApiVersion};
use docker_engine::{Docker, DockerBuilder, Error, VersionSetting};

use common::{docker, unique, IMAGE, LABEL};

#[tokio::test]
async fn ping_version_and_info() {
    let Some(docker) = docker().await else { return };
    let ping = docker.system().ping().await.unwrap();
    assert!(ping.api_version.is_some());
    assert_eq!(ping.os_type.as_deref(), Some("linux"));
    let version = docker.system().version().await.unwrap();
    assert_eq!(
        version
            .api_version
            .as_deref()
            .map(|v| v.parse::<ApiVersion>().unwrap()),
        ping.api_version
    );
    let info = docker.system().info().await.unwrap();
    assert!(info.containers.is_some() && info.images.is_some());
}

#[tokio::test]
async fn negotiates_the_lower_of_engine_and_sdk() {
    let Some(probe) = docker().await else { return };
    let engine_max = probe.system().ping().await.unwrap().api_version.unwrap();
    let fresh = Docker::builder()
        .host_parsed(probe.host().clone())
        .build()
        .unwrap();
    assert_eq!(
        fresh.negotiated_version(),
        None,
        "nothing is sent before the first call"
    );
    let version = fresh.api_version().await.unwrap();
    assert_eq!(version, engine_max.min(versions::NEWEST));
    assert_eq!(fresh.negotiated_version(), Some(version));
    // Clones share the session.
    assert_eq!(fresh.clone().negotiated_version(), Some(version));
    assert_eq!(fresh.renegotiate().await.unwrap(), version);
}

#[tokio::test]
async fn a_pinned_version_the_engine_lacks_is_a_typed_error() {
    let Some(probe) = docker().await else { return };
    let engine_max = probe.system().ping().await.unwrap().api_version.unwrap();
    if engine_max >= versions::NEWEST {
        eprintln!(
            "engine {engine_max} speaks {}: nothing too new to pin",
            versions::NEWEST
        );
        return;
    }
    let pinned = DockerBuilder::from_env()
        .unwrap()
        .version(VersionSetting::Fixed(versions::NEWEST))
        .build()
        .unwrap();
    assert_eq!(pinned.negotiated_version(), Some(versions::NEWEST));
    match pinned.system().info().await {
        Err(Error::VersionMismatch {
            client,
            engine_max: max,
            ..
        }) => {
            assert_eq!(client, versions::NEWEST);
            assert_eq!(max, Some(engine_max));
        }
        other => panic!("expected a version mismatch, got {other:?}"),
    }
}

#[tokio::test]
async fn gating_refuses_a_newer_field_before_sending() {
    let Some(engine) = docker().await else { return };
    // Pinned below the field's version, whatever the engine's newest is.
    let version = ApiVersion::new(1, 41);
    let docker = docker_engine::DockerBuilder::from_env()
        .unwrap()
        .version(docker_engine::VersionSetting::Fixed(version))
        .build()
        .unwrap();
    let since = ApiVersion::new(1, 44);
    let name = unique("sdk-gate");
    let mut spec = ContainerCreate::new(IMAGE)
        .name(&name)
        .label(LABEL, "true")
        .cmd(["true"]);
    spec.body_mut().healthcheck = Some(docker_engine::models::HealthConfig {
        start_interval: Some(1_000_000_000),
        ..Default::default()
    });
    match docker.containers().create(&spec).await {
        Err(Error::UnsupportedByVersion {
            what,
            since: s,
            negotiated,
            ..
        }) => {
            assert!(what.contains("Healthcheck.StartInterval"), "{what}");
            assert_eq!((s, negotiated), (since, version));
        }
        other => panic!("expected gating, got {other:?}"),
    }
    // Nothing was sent: no container by that name exists.
    assert!(engine
        .containers()
        .inspect(&name)
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test]
async fn a_container_lifecycle() {
    let Some(docker) = docker().await else { return };
    let name = unique("sdk-lifecycle");
    let spec = ContainerCreate::new(IMAGE)
        .name(&name)
        .label(LABEL, "true")
        .env("GREETING", "hello")
        .cmd(["sh", "-c", "echo $GREETING; echo oops >&2; exit 3"]);
    let created = docker.containers().create(&spec).await.unwrap();
    common::with_container(&docker, &created.id, async {
        // The name is taken now.
        assert!(docker
            .containers()
            .create(&spec)
            .await
            .unwrap_err()
            .is_conflict());
        // Register the wait before starting, so the exit cannot be missed.
        let waiter = {
            let docker = docker.clone();
            let id = created.id.clone();
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
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(
            docker.containers().start(&created.id).await.unwrap(),
            StateChange::Changed
        );
        let exit = waiter.await.unwrap().unwrap();
        assert_eq!(exit.status_code, 3);
        assert_eq!(
            docker
                .containers()
                .stop(&created.id, &StopOptions::default())
                .await
                .unwrap(),
            StateChange::AlreadyInState
        );
        let logs = docker
            .containers()
            .logs(&created.id, &LogsOptions::default())
            .await
            .unwrap();
        let (out, err) = docker_engine::streams::collect(logs).await.unwrap();
        assert_eq!((&out[..], &err[..]), (&b"hello\n"[..], &b"oops\n"[..]));
        let inspect = docker.containers().inspect(&name).await.unwrap();
        assert_eq!(inspect.state.and_then(|s| s.exit_code), Some(3));
    })
    .await;
    let gone = docker.containers().inspect(&created.id).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    assert_eq!(gone.status(), Some(404));
}

#[tokio::test]
async fn an_unreachable_engine_is_a_transport_error() {
    let docker = Docker::builder()
        .host("unix:///nonexistent/docker.sock")
        .unwrap()
        .build()
        .unwrap();
    match docker.system().ping().await {
        Err(e @ Error::Transport { .. }) => {
            assert!(
                std::error::Error::source(&e).is_some(),
                "the cause is chained"
            );
        }
        other => panic!("{other:?}"),
    }
}
