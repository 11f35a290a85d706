//! The generated client against a real Docker Engine: typed answers,
//! streamed answers as bytes, and attach/exec over the upgraded connection.
//!
//! Uses the engine at `DOCKER_HOST` (a `unix://` socket) or the default
//! socket, and the local test image built by `tests/engine/setup.sh`. In CI
//! an unreachable engine fails the tests; elsewhere they skip loudly.
//! Every container is named `raw-engine-test-*`, labelled, and removed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use docker_engine_raw::{types, Client, Error};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const IMAGE: &str = "docker-engine-rs-test/busybox:2";
const LABEL: &str = "org.docker-engine-rs.test";

fn socket_path() -> String {
    match std::env::var("DOCKER_HOST") {
        Ok(host) if host.starts_with("unix://") => host.trim_start_matches("unix://").to_string(),
        _ => "/var/run/docker.sock".to_string(),
    }
}

/// A client for the local engine at its own API version, or `None` (with a
/// loud message) when there is no engine outside CI.
async fn engine() -> Option<Client> {
    let path = socket_path();
    let http = http_client();
    let probe = Client::new_with_client(
        "http://localhost",
        http.clone(),
        docker_engine_raw::exec::Executor::default(),
    );
    // `/_ping` is the one unversioned call: its `API-Version` header names
    // the engine's version.
    let ping = match probe.system_ping().await {
        Ok(v) => v,
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("no Docker engine at {path}: {e}");
            }
            eprintln!(
                "\n*** SKIPPED: no Docker engine at {path} ({e}); run tests/engine/setup.sh ***\n"
            );
            return None;
        }
    };
    let api = ping
        .headers()
        .get("api-version")
        .and_then(|v| v.to_str().ok())
        .expect("engine reports its API version")
        .to_string();
    Some(Client::new_with_client(
        &format!("http://localhost/v{api}"),
        http,
        docker_engine_raw::exec::Executor::default(),
    ))
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .unix_socket(socket_path().as_str())
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("reqwest client")
}

/// A client for the local engine at API `1.minor` (the 20.10 engine serves
/// 1.12 to 1.41), or `None` as for [`engine`].
async fn engine_at(minor: u16) -> Option<Client> {
    engine().await?;
    Some(Client::new_with_client(
        &format!("http://localhost/v1.{minor}"),
        http_client(),
        docker_engine_raw::exec::Executor::default(),
    ))
}

fn unique_name() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "raw-engine-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

async fn create(c: &Client, cmd: &[&str], stdin: bool) -> String {
    let body: types::ContainerCreateBody = serde_json::from_value(serde_json::json!({
        "Image": IMAGE,
        "Cmd": cmd,
        "Labels": { LABEL: "true" },
        "OpenStdin": stdin,
        "AttachStdin": stdin,
        "AttachStdout": true,
        "AttachStderr": true,
    }))
    .unwrap();
    let created = c
        .container_create(Some(&unique_name()), None, &body)
        .await
        .expect("create container");
    created.into_inner().id
}

/// Runs `test`, then removes the container whether the test passed, failed
/// or panicked; a test that takes over a minute fails.
async fn with_container(c: &Client, id: &str, test: impl std::future::Future<Output = ()>) {
    use futures_util::FutureExt;
    let outcome = tokio::time::timeout(
        Duration::from_secs(60),
        std::panic::AssertUnwindSafe(test).catch_unwind(),
    )
    .await;
    let removed = c.container_delete(id, Some(true), None, Some(true)).await;
    match outcome {
        Err(_) => panic!("test timed out"),
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Ok(Ok(())) => {
            removed.expect("removing the test container");
        }
    }
}

/// Splits a multiplexed stream into (stream id, payload) frames.
fn frames(mut raw: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    while raw.len() >= 8 {
        let len = u32::from_be_bytes([raw[4], raw[5], raw[6], raw[7]]) as usize;
        out.push((raw[0], raw[8..8 + len].to_vec()));
        raw = &raw[8 + len..];
    }
    assert!(raw.is_empty(), "trailing partial frame");
    out
}

#[tokio::test]
async fn typed_answers_from_a_real_engine() {
    let Some(c) = engine().await else { return };
    let info = c.system_info().await.expect("info").into_inner();
    assert!(info.containers.is_some());
    let version = c.system_version().await.expect("version").into_inner();
    assert!(version.version.is_some());
    let images = c
        .image_list(None, None, None, None, None, None)
        .await
        .expect("images")
        .into_inner()
        .unwrap_or_default();
    assert!(
        images
            .iter()
            .any(|i| i.repo_tags.iter().flatten().any(|t| t == IMAGE)),
        "test image present"
    );
}

#[tokio::test]
async fn logs_and_stats_stream_as_bytes() {
    let Some(c) = engine().await else { return };
    let id = create(&c, &["sh", "-c", "echo out; echo err >&2; sleep 30"], false).await;
    with_container(&c, &id, async {
        c.container_start(&id, None).await.expect("start");
        // Starting it again is a 304, which the raw layer leaves to the caller.
        match c.container_start(&id, None).await {
            Err(Error::UnexpectedResponse(r)) => assert_eq!(r.status(), 304),
            other => panic!("second start: {other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let logs = c
            .container_logs(&id, None, None, Some(true), Some(true), None, None, None)
            .await
            .expect("logs");
        let mut stream = logs.into_inner();
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk.expect("log chunk"));
        }
        let got = frames(&bytes);
        assert!(got.contains(&(1, b"out\n".to_vec())), "{got:?}");
        assert!(got.contains(&(2, b"err\n".to_vec())), "{got:?}");

        // The stats stream gives one JSON document per line, for as long as
        // the container runs: read the first and stop.
        let stats = c
            .container_stats(&id, None, Some(true))
            .await
            .expect("stats");
        let mut stream = stats.into_inner();
        let mut line = Vec::new();
        while !line.contains(&b'\n') {
            line.extend_from_slice(
                &stream
                    .next()
                    .await
                    .expect("stats item")
                    .expect("stats chunk"),
            );
        }
        let first = &line[..line.iter().position(|b| *b == b'\n').unwrap()];
        let typed: types::ContainerStatsResponse =
            serde_json::from_slice(first).expect("stats decode");
        assert!(typed.extra.contains_key("read") || typed.read.is_some());
    })
    .await;
}

#[tokio::test]
async fn exec_start_upgrades_to_a_duplex_stream() {
    let Some(c) = engine().await else { return };
    let id = create(&c, &["sleep", "60"], false).await;
    with_container(&c, &id, async {
        c.container_start(&id, None).await.expect("start");
        let exec: types::ContainerExecBody = serde_json::from_value(serde_json::json!({
            "Cmd": ["cat"], "AttachStdin": true, "AttachStdout": true, "AttachStderr": true,
        }))
        .unwrap();
        let exec_id = c
            .container_exec(&id, &exec)
            .await
            .expect("exec create")
            .into_inner()
            .id;
        let start: types::ExecStartBody =
            serde_json::from_value(serde_json::json!({ "Detach": false })).unwrap();
        let mut conn = c
            .exec_start(&exec_id, &start)
            .await
            .expect("exec start upgrades")
            .into_inner();
        conn.write_all(b"ping\n").await.unwrap();
        conn.shutdown().await.unwrap();
        let mut out = Vec::new();
        conn.read_to_end(&mut out).await.unwrap();
        assert_eq!(frames(&out), vec![(1, b"ping\n".to_vec())]);
        let inspect = c
            .exec_inspect(&exec_id)
            .await
            .expect("exec inspect")
            .into_inner();
        assert_eq!(inspect.exit_code, Some(0));
    })
    .await;
}

#[tokio::test]
async fn attach_upgrades_and_carries_stdin() {
    let Some(c) = engine().await else { return };
    let id = create(&c, &["sh", "-c", "read line; echo got:$line"], true).await;
    with_container(&c, &id, async {
        let mut conn = c
            .container_attach(&id, None, None, None, Some(true), Some(true), Some(true))
            .await
            .expect("attach upgrades")
            .into_inner();
        c.container_start(&id, None).await.expect("start");
        conn.write_all(b"hi\n").await.unwrap();
        let mut out = Vec::new();
        conn.read_to_end(&mut out).await.unwrap();
        assert_eq!(frames(&out), vec![(1, b"got:hi\n".to_vec())]);
        let waited = c
            .container_wait(&id, None)
            .await
            .expect("wait")
            .into_inner();
        assert_eq!(waited.status_code, 0);
    })
    .await;
}

/// The version table moves items the old descriptions documented late to
/// where engines read them (`xtask/src/corrections.rs`); the engine shows
/// it reads them there.
#[tokio::test]
async fn old_versions_read_what_the_table_corrected() {
    use docker_engine_raw::versions::{self, ApiVersion};
    let Some(c) = engine_at(25).await else { return };
    let v25 = ApiVersion::new(1, 25);

    // A network's address pools (documented as such from 1.41). Another
    // network on the engine may hold a pool already: then try the next.
    let mut created = None;
    for attempt in 0..8u32 {
        let third = (std::process::id() + attempt * 37) % 200 + 20;
        let subnet = format!("10.251.{third}.0/24");
        let body: types::NetworkCreateBody = serde_json::from_value(serde_json::json!({
            "Name": unique_name(),
            "Labels": { LABEL: "true" },
            "IPAM": { "Config": [{ "Subnet": subnet, "Gateway": format!("10.251.{third}.1") }] }
        }))
        .unwrap();
        let json = serde_json::to_value(&body).unwrap();
        assert!(versions::check_body("NetworkCreate", &json, v25).is_empty());
        match c.network_create(&body).await {
            Ok(r) => {
                created = Some((r.into_inner().id, subnet));
                break;
            }
            Err(e) if e.to_string().contains("overlap") => continue,
            Err(e) => panic!("creating a network at 1.25: {e}"),
        }
    }
    let (id, subnet) = created.expect("a free address pool");
    let inspected = c.network_inspect(&id, None, None).await;
    c.network_delete(&id)
        .await
        .expect("removing the test network");
    let ipam = serde_json::to_value(inspected.unwrap().into_inner().ipam).unwrap();
    assert_eq!(ipam["Config"][0]["Subnet"], subnet.as_str(), "{ipam}");

    // Init and a binding's host address (documented from 1.37 and 1.35).
    let body: types::ContainerCreateBody = serde_json::from_value(serde_json::json!({
        "Image": IMAGE,
        "Cmd": ["true"],
        "Labels": { LABEL: "true" },
        "HostConfig": {
            "Init": true,
            "PortBindings": { "80/tcp": [{ "HostIp": "127.0.0.1" }] }
        }
    }))
    .unwrap();
    let json = serde_json::to_value(&body).unwrap();
    assert!(versions::check_body("ContainerCreate", &json, v25).is_empty());
    let id = c
        .container_create(Some(&unique_name()), None, &body)
        .await
        .unwrap()
        .into_inner()
        .id;
    with_container(&c, &id, async {
        let host = c.container_inspect(&id, None).await.unwrap().into_inner();
        let host = serde_json::to_value(host.host_config).unwrap();
        assert_eq!(host["Init"], true);
        assert_eq!(host["PortBindings"]["80/tcp"][0]["HostIp"], "127.0.0.1");
    })
    .await;
}

/// Where the engine itself checks the version, the table agrees: a bind's
/// NonRecursive is dropped below 1.40 and kept from 1.40.
#[tokio::test]
async fn the_engine_drops_non_recursive_binds_below_1_40() {
    use docker_engine_raw::versions::{self, ApiVersion};
    let path = "HostConfig.Mounts[].BindOptions.NonRecursive";
    assert_eq!(
        versions::body_field("ContainerCreate", path)
            .unwrap()
            .since(),
        ApiVersion::new(1, 40)
    );
    for (minor, kept) in [(39, false), (40, true)] {
        let Some(c) = engine_at(minor).await else {
            return;
        };
        let body: types::ContainerCreateBody = serde_json::from_value(serde_json::json!({
            "Image": IMAGE,
            "Cmd": ["true"],
            "Labels": { LABEL: "true" },
            "HostConfig": { "Mounts": [{
                "Type": "bind", "Source": "/tmp", "Target": "/host-tmp",
                "BindOptions": { "NonRecursive": true }
            }] }
        }))
        .unwrap();
        let id = c
            .container_create(Some(&unique_name()), None, &body)
            .await
            .unwrap()
            .into_inner()
            .id;
        with_container(&c, &id, async {
            let host = c.container_inspect(&id, None).await.unwrap().into_inner();
            let host = serde_json::to_value(host.host_config).unwrap();
            let non_recursive = host["Mounts"][0]["BindOptions"]["NonRecursive"] == true;
            assert_eq!(non_recursive, kept, "1.{minor}: {host}");
        })
        .await;
    }
}
