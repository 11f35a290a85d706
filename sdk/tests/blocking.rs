//! The blocking client against the real engine: a representative part of
//! the async suite (system, a container's whole life with its logs as an
//! iterator, exec, files out, typed errors), with no async in the tests.

mod common;

use docker_engine::blocking::Docker;
use docker_engine::containers::{ContainerCreate, LogsOptions, RemoveOptions, WaitOptions};
use docker_engine::exec::ExecCreate;
use docker_engine::Error;

use common::{unavailable, unique, IMAGE, LABEL};

fn docker() -> Option<Docker> {
    let docker = Docker::from_env().expect("client from the environment");
    match docker.run(async |d| d.system().ping().await) {
        Ok(_) => Some(docker),
        Err(e) => {
            unavailable(&format!("no Docker engine ({e})"));
            None
        }
    }
}

#[test]
fn system_calls() {
    let Some(docker) = docker() else { return };
    let version = docker.run(async |d| d.system().version().await).unwrap();
    assert!(version.api_version.is_some());
    let info = docker.run(async |d| d.system().info().await).unwrap();
    assert!(info.id.is_some());
}

#[test]
fn a_containers_life_with_logs_as_an_iterator() {
    let Some(docker) = docker() else { return };
    let spec = ContainerCreate::new(IMAGE)
        .name(unique("sdk-blocking"))
        .label(LABEL, "true")
        .cmd(["sh", "-c", "echo one; echo two >&2; echo three > /srv/out"]);
    let id = docker
        .run(async |d| d.containers().create(&spec).await)
        .unwrap()
        .id;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        docker
            .run(async |d| d.containers().start(&id).await)
            .unwrap();
        let exit = docker
            .run(async |d| d.containers().wait(&id, &WaitOptions::default()).await)
            .unwrap();
        assert_eq!(exit.status_code, 0);
        let logs = docker
            .run(async |d| d.containers().logs(&id, &LogsOptions::default()).await)
            .unwrap();
        let mut out = Vec::new();
        for chunk in docker.iter(logs) {
            let chunk = chunk.unwrap();
            out.push((format!("{:?}", chunk.stream), chunk.data.to_vec()));
        }
        // The json-file driver keeps each stream's order, not the order
        // between them.
        out.sort();
        assert_eq!(
            out,
            [
                ("Stderr".to_string(), b"two\n".to_vec()),
                ("Stdout".to_string(), b"one\n".to_vec())
            ]
        );
        let host = tempfile::tempdir().unwrap();
        docker
            .run(async |d| d.containers().copy_out(&id, "/srv/out", host.path()).await)
            .unwrap();
        assert_eq!(std::fs::read(host.path().join("out")).unwrap(), b"three\n");
    }));
    docker
        .run(async |d| {
            d.containers()
                .remove(&id, &RemoveOptions::default().force(true))
                .await
        })
        .unwrap();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn exec_and_typed_errors() {
    let Some(docker) = docker() else { return };
    let e = docker
        .run(async |d| {
            d.containers()
                .inspect("docker-engine-rs-no-such-container")
                .await
        })
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::NotFound {
                operation: "ContainerInspect",
                ..
            }
        ),
        "{e}"
    );

    let spec = ContainerCreate::new(IMAGE)
        .name(unique("sdk-blocking-exec"))
        .label(LABEL, "true")
        .cmd(["sleep", "60"]);
    let id = docker
        .run(async |d| d.containers().create(&spec).await)
        .unwrap()
        .id;
    let result = docker.run(async |d| {
        d.containers().start(&id).await?;
        d.exec()
            .run(&id, &ExecCreate::new(["sh", "-c", "echo hi; exit 3"]), None)
            .await
    });
    docker
        .run(async |d| {
            d.containers()
                .remove(&id, &RemoveOptions::default().force(true))
                .await
        })
        .unwrap();
    let out = result.unwrap();
    assert_eq!((out.exit_code, &out.stdout[..]), (3, &b"hi\n"[..]));
}

#[test]
fn a_blocking_call_inside_a_runtime_is_refused_not_blocked() {
    let docker = Docker::new(
        docker_engine::Docker::builder()
            .host("unix:///nonexistent.sock")
            .unwrap()
            .build()
            .unwrap(),
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let e = rt
        .block_on(async { docker.run(async |d| d.system().ping().await) })
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { message, .. } if message.contains("inside an async runtime")),
        "{e}"
    );
}
