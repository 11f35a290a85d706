//! Containers against the real engine: every endpoint of the area, streams
//! (logs with and without a TTY, a prompt without newline, stats), attach
//! with stdin half-close and detach keys, attach without streaming (the
//! output so far), attach over WebSocket, wait conditions, run, prune.

mod common;

use std::time::{Duration, Instant};

use docker_engine::config::CliConfig;
use docker_engine::containers::RunOptions;
use docker_engine::containers::{
    AttachOptions, ContainerCreate, KillOptions, ListOptions, LogsOptions, PruneOptions,
    RemoveOptions, StateChange, StatsOptions, StopOptions, TopOptions, TtySize, WaitCondition,
    WaitOptions,
};
use docker_engine::streams::StdStream;
use docker_engine::versions::ApiVersion;
use docker_engine::{Docker, VersionSetting};
use futures_util::StreamExt;

use common::{docker, unique, with_container, IMAGE, LABEL};

fn spec(prefix: &str) -> (String, ContainerCreate) {
    let name = unique(prefix);
    let spec = ContainerCreate::new(IMAGE)
        .name(&name)
        .label(LABEL, "true")
        .label("test.name", &name);
    (name, spec)
}

async fn create(docker: &Docker, spec: &ContainerCreate) -> String {
    docker.containers().create(spec).await.expect("create").id
}

#[tokio::test]
async fn list_filters_inspect_top_changes_rename() {
    let Some(docker) = docker().await else { return };
    let (name, s) = spec("sdk-list");
    let id = create(
        &docker,
        &s.cmd(["sh", "-c", "touch /created-by-test; sleep 30"]),
    )
    .await;
    with_container(&docker, &id, async {
        let mine = ListOptions::default().label(format!("test.name={name}"));
        assert!(
            docker
                .containers()
                .list(&mine.clone())
                .await
                .unwrap()
                .is_empty(),
            "not running yet"
        );
        let all = docker
            .containers()
            .list(&mine.clone().all(true))
            .await
            .unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].id.as_deref(), Some(id.as_str()));
        let created = docker
            .containers()
            .list(&mine.clone().all(true).status("created"))
            .await
            .unwrap();
        assert_eq!(created.len(), 1);

        docker.containers().start(&id).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let running = docker
            .containers()
            .list(&mine.clone().status("running"))
            .await
            .unwrap();
        assert_eq!(running.len(), 1);
        assert!(docker
            .containers()
            .list(&mine.clone().all(true).status("exited"))
            .await
            .unwrap()
            .is_empty());

        let top = docker
            .containers()
            .top(&id, &TopOptions::default())
            .await
            .unwrap();
        let procs = top.processes.unwrap_or_default();
        assert!(
            procs
                .iter()
                .any(|p| p.iter().flatten().any(|f| f.contains("sleep 30"))),
            "{procs:?}"
        );

        let changes = docker.containers().changes(&id).await.unwrap();
        assert!(
            changes.iter().any(|c| c.path == "/created-by-test"),
            "{changes:?}"
        );

        let renamed = format!("{name}-renamed");
        docker.containers().rename(&id, &renamed).await.unwrap();
        let inspect = docker.containers().inspect(&renamed).await.unwrap();
        assert_eq!(
            inspect.name.as_deref(),
            Some(format!("/{renamed}").as_str())
        );
    })
    .await;
}

#[tokio::test]
async fn state_changes_pause_restart_kill_and_wait_conditions() {
    let Some(docker) = docker().await else { return };
    let (_, s) = spec("sdk-state");
    let id = create(&docker, &s.cmd(["sleep", "300"])).await;
    with_container(&docker, &id, async {
        assert_eq!(
            docker.containers().start(&id).await.unwrap(),
            StateChange::Changed
        );
        assert_eq!(
            docker.containers().start(&id).await.unwrap(),
            StateChange::AlreadyInState
        );

        docker.containers().pause(&id).await.unwrap();
        let state = docker
            .containers()
            .inspect(&id)
            .await
            .unwrap()
            .state
            .unwrap();
        assert_eq!(state.paused, Some(true));
        docker.containers().unpause(&id).await.unwrap();

        let before = docker
            .containers()
            .inspect(&id)
            .await
            .unwrap()
            .state
            .unwrap()
            .started_at;
        docker
            .containers()
            .restart(&id, &StopOptions::default().timeout(0))
            .await
            .unwrap();
        let after = docker
            .containers()
            .inspect(&id)
            .await
            .unwrap()
            .state
            .unwrap()
            .started_at;
        assert_ne!(before, after, "restarted");

        // next-exit registered before the kill sees the kill.
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
        tokio::time::sleep(Duration::from_millis(300)).await;
        // PID 1 ignores SIGTERM unless it handles it; SIGKILL always works.
        docker
            .containers()
            .kill(&id, &KillOptions::default().signal("SIGKILL"))
            .await
            .unwrap();
        let exit = tokio::time::timeout(Duration::from_secs(20), waiter)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(exit.status_code, 137, "killed by SIGKILL");
        // not-running returns at once for a stopped container.
        let exit = tokio::time::timeout(
            Duration::from_secs(5),
            docker.containers().wait(&id, &WaitOptions::default()),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(exit.status_code, 137);
        assert_eq!(
            docker
                .containers()
                .stop(&id, &StopOptions::default())
                .await
                .unwrap(),
            StateChange::AlreadyInState
        );
        let err = docker
            .containers()
            .kill(&id, &KillOptions::default())
            .await
            .unwrap_err();
        assert!(err.is_conflict(), "killing a stopped container: {err:?}");
    })
    .await;
}

#[tokio::test]
async fn wait_for_removal() {
    let Some(docker) = docker().await else { return };
    let (_, s) = spec("sdk-removed");
    let id = create(&docker, &s.cmd(["true"])).await;
    let waiter = {
        let (docker, id) = (docker.clone(), id.clone());
        tokio::spawn(async move {
            docker
                .containers()
                .wait(
                    &id,
                    &WaitOptions::default().condition(WaitCondition::Removed),
                )
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    docker
        .containers()
        .remove(&id, &RemoveOptions::default().force(true).volumes(true))
        .await
        .unwrap();
    let exit = tokio::time::timeout(Duration::from_secs(20), waiter)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(exit.status_code, 0);
}

#[tokio::test]
async fn update_changes_resources() {
    let Some(docker) = docker().await else { return };
    let (_, s) = spec("sdk-update");
    let id = create(&docker, &s.cmd(["sleep", "30"]).memory("64m")).await;
    with_container(&docker, &id, async {
        let update = docker_engine::models::ContainerUpdateBody {
            cpu_shares: Some(512),
            ..Default::default()
        };
        docker.containers().update(&id, &update).await.unwrap();
        let host = docker
            .containers()
            .inspect(&id)
            .await
            .unwrap()
            .host_config
            .unwrap();
        assert_eq!(host.cpu_shares, Some(512));
        assert_eq!(host.memory, Some(64 * 1024 * 1024));
    })
    .await;
}

#[tokio::test]
async fn create_time_helpers_reach_the_engine() {
    let Some(docker) = docker().await else { return };
    let (_, s) = spec("sdk-helpers");
    let s = s
        .command_line("sh -c 'echo \"$GREETING\"'")
        .envs([("GREETING", "hi there")])
        .publish("127.0.0.1::8080/tcp")
        .publish("9000-9001:9000-9001/udp")
        .bind("/tmp:/host-tmp:ro")
        .memory("32m")
        .shm_size("8m")
        .restart(docker_engine::types::RestartPolicy::OnFailure(2))
        .ulimit("nofile", 1024, 2048)
        .log_config(docker_engine::types::LogConfig::JsonFile {
            max_size: Some("1m".into()),
            max_file: Some(2),
        })
        .healthcheck(
            docker_engine::types::Healthcheck::shell("true")
                .interval(Duration::from_secs(5))
                .retries(2),
        )
        .mac_address("02:42:ac:11:ff:01");
    let id = create(&docker, &s).await;
    with_container(&docker, &id, async {
        let inspect = docker.containers().inspect(&id).await.unwrap();
        let host = inspect.host_config.unwrap();
        assert_eq!(host.binds, Some(vec!["/tmp:/host-tmp:ro".to_string()]));
        assert_eq!(host.memory, Some(32 << 20));
        assert_eq!(host.shm_size, Some(8 << 20));
        let ports = host.port_bindings.unwrap().0;
        let tcp = ports["8080/tcp"].clone().unwrap();
        assert_eq!(tcp[0].host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(
            ports["9001/udp"].clone().unwrap()[0].host_port.as_deref(),
            Some("9001")
        );
        let restart = host.restart_policy.unwrap();
        assert_eq!(restart.maximum_retry_count, Some(2));
        assert_eq!(host.ulimits.unwrap()[0].hard, Some(2048));
        let log = host.log_config.unwrap();
        assert_eq!(log.config.unwrap()["max-file"], "2");
        let config = inspect.config.unwrap();
        assert_eq!(config.cmd.unwrap(), ["sh", "-c", "echo \"$GREETING\""]);
        assert!(config
            .env
            .unwrap()
            .contains(&"GREETING=hi there".to_string()));
        assert_eq!(config.healthcheck.unwrap().retries, Some(2));
        // The MAC address went where this engine's version reads it.
        let version = docker.api_version().await.unwrap();
        let mac = if version < docker_engine::versions::ApiVersion::new(1, 44) {
            config
                .extra
                .get("MacAddress")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        } else {
            inspect
                .network_settings
                .and_then(|n| n.networks)
                .and_then(|n| n.get("bridge").cloned())
                .and_then(|e| e.mac_address)
        };
        assert_eq!(mac.as_deref(), Some("02:42:ac:11:ff:01"));
    })
    .await;

    // A short form that does not parse fails before anything is sent.
    let (name, bad) = spec("sdk-helpers-bad");
    let err = docker
        .containers()
        .create(&bad.publish("80:http").memory("lots"))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("port `80:http`") && text.contains("size `lots`"),
        "{text}"
    );
    assert!(docker
        .containers()
        .inspect(&name)
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test]
async fn logs_with_and_without_a_tty() {
    let Some(docker) = docker().await else { return };
    for tty in [false, true] {
        let (_, s) = spec("sdk-logs");
        let id = create(
            &docker,
            &s.tty(tty).cmd(["sh", "-c", "echo out; echo err >&2"]),
        )
        .await;
        with_container(&docker, &id, async {
            docker.containers().start(&id).await.unwrap();
            docker
                .containers()
                .wait(&id, &WaitOptions::default())
                .await
                .unwrap();
            let logs = docker
                .containers()
                .logs(&id, &LogsOptions::default())
                .await
                .unwrap();
            let chunks: Vec<_> = logs.map(|c| c.unwrap()).collect().await;
            if tty {
                assert!(chunks.iter().all(|c| c.stream == StdStream::Console));
                let all: Vec<u8> = chunks.iter().flat_map(|c| c.data.to_vec()).collect();
                assert_eq!(
                    String::from_utf8_lossy(&all).replace('\r', ""),
                    "out\nerr\n"
                );
            } else {
                let out: Vec<u8> = chunks
                    .iter()
                    .filter(|c| c.stream == StdStream::Stdout)
                    .flat_map(|c| c.data.to_vec())
                    .collect();
                let err: Vec<u8> = chunks
                    .iter()
                    .filter(|c| c.stream == StdStream::Stderr)
                    .flat_map(|c| c.data.to_vec())
                    .collect();
                assert_eq!((&out[..], &err[..]), (&b"out\n"[..], &b"err\n"[..]));
            }
            // The last two lines, stdout only.
            let tail = docker
                .containers()
                .logs(&id, &LogsOptions::default().tail(2).stderr(false))
                .await
                .unwrap();
            let (out, err) = docker_engine::streams::collect(tail).await.unwrap();
            assert!(err.is_empty());
            let out = String::from_utf8_lossy(&out).replace('\r', "");
            assert_eq!(out, if tty { "out\nerr\n" } else { "out\n" });
        })
        .await;
    }
}

#[tokio::test]
async fn logs_follow_streams_while_the_container_runs_and_errors_are_typed() {
    let Some(docker) = docker().await else { return };
    // A missing container is a typed error carrying the engine's message.
    let missing = format!("sdk-no-such-{}", std::process::id());
    match docker
        .containers()
        .logs(&missing, &LogsOptions::default())
        .await
    {
        Err(docker_engine::Error::NotFound {
            operation, message, ..
        }) => {
            assert!(message.contains(&missing));
            assert_eq!(operation, "ContainerLogs");
        }
        Err(other) => panic!("expected NotFound, got {other:?}"),
        Ok(_) => panic!("expected NotFound, got a stream"),
    }
    // Following: lines come while the container runs, and the stream ends
    // when it stops.
    let (_, s) = spec("sdk-logs-follow");
    let id = create(
        &docker,
        &s.cmd([
            "sh",
            "-c",
            "for i in 1 2 3 4 5; do echo line $i; sleep 0.3; done",
        ]),
    )
    .await;
    with_container(&docker, &id, async {
        docker.containers().start(&id).await.unwrap();
        let mut logs = docker
            .containers()
            .logs(&id, &LogsOptions::default().follow(true))
            .await
            .unwrap();
        let first = logs.next().await.unwrap().unwrap();
        assert_eq!(first.stream, StdStream::Stdout);
        assert_eq!(&first.data[..], b"line 1\n");
        // The first line is not held back until the end: the container is
        // still running when it arrives.
        let state = docker
            .containers()
            .inspect(&id)
            .await
            .unwrap()
            .state
            .unwrap();
        assert_eq!(state.running, Some(true));
        let mut rest = Vec::new();
        while let Some(chunk) = logs.next().await {
            rest.extend_from_slice(&chunk.unwrap().data);
        }
        assert_eq!(
            String::from_utf8_lossy(&rest),
            "line 2\nline 3\nline 4\nline 5\n"
        );
    })
    .await;
}

#[tokio::test]
async fn a_prompt_without_newline_is_seen_at_once() {
    // Attached output comes as the process writes it. (The engine's log
    // drivers hold a partial line until its newline, so `logs` cannot show
    // this; the demultiplexer never waits for one, see its unit tests.)
    let Some(docker) = docker().await else { return };
    let (_, s) = spec("sdk-prompt");
    let id = create(
        &docker,
        &s.cmd(["sh", "-c", "printf 'Password: '; sleep 20"]),
    )
    .await;
    with_container(&docker, &id, async {
        let mut attached = docker
            .containers()
            .attach(&id, &AttachOptions::default())
            .await
            .unwrap();
        docker.containers().start(&id).await.unwrap();
        let first = tokio::time::timeout(Duration::from_secs(10), attached.output.next())
            .await
            .expect("the prompt arrives while the container still runs")
            .unwrap()
            .unwrap();
        assert_eq!(
            (first.stream, &first.data[..]),
            (StdStream::Stdout, &b"Password: "[..])
        );
        // Nothing else comes: the container is sleeping.
        assert!(
            tokio::time::timeout(Duration::from_millis(500), attached.output.next())
                .await
                .is_err()
        );
    })
    .await;
}

#[tokio::test]
async fn stats_once_and_as_a_stream_for_several_seconds() {
    let Some(docker) = docker().await else { return };
    let (_, s) = spec("sdk-stats");
    let id = create(&docker, &s.cmd(["sleep", "60"])).await;
    with_container(&docker, &id, async {
        docker.containers().start(&id).await.unwrap();
        let one = docker
            .containers()
            .stats(&id, &StatsOptions::default().one_shot(true))
            .await
            .unwrap();
        assert!(one.memory_stats.is_some());
        let mut stream = docker.containers().stats_stream(&id).await.unwrap();
        let started = Instant::now();
        let mut samples = 0;
        while started.elapsed() < Duration::from_secs(3) {
            let item = tokio::time::timeout(Duration::from_secs(5), stream.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            assert!(item.cpu_stats.is_some());
            samples += 1;
        }
        assert!(samples >= 2, "{samples} samples in 3 s");
    })
    .await;
}

#[tokio::test]
async fn attach_carries_stdin_and_half_close_ends_it() {
    let Some(docker) = docker().await else { return };
    let (_, s) = spec("sdk-attach");
    let id = create(
        &docker,
        &s.open_stdin(true).cmd(["sh", "-c", "cat; echo done >&2"]),
    )
    .await;
    with_container(&docker, &id, async {
        let attached = docker
            .containers()
            .attach(&id, &AttachOptions::default().stdin(true))
            .await
            .unwrap();
        let (mut input, output) = attached.split();
        docker.containers().start(&id).await.unwrap();
        input.write(b"hello ").await.unwrap();
        input.write(b"world").await.unwrap();
        input.close().await.unwrap();
        let (out, err) = tokio::time::timeout(
            Duration::from_secs(20),
            docker_engine::streams::collect(output),
        )
        .await
        .expect("output ends after stdin closes")
        .unwrap();
        assert_eq!((&out[..], &err[..]), (&b"hello world"[..], &b"done\n"[..]));
        let exit = docker
            .containers()
            .wait(&id, &WaitOptions::default())
            .await
            .unwrap();
        assert_eq!(exit.status_code, 0);
    })
    .await;
}

/// Waits until the container's log holds exactly `stdout` and `stderr`
/// (polled, at most 20 s), so what an attach replays is known.
async fn wait_for_logs(docker: &Docker, id: &str, stdout: &[u8], stderr: &[u8]) {
    for _ in 0..200 {
        let logs = docker
            .containers()
            .logs(id, &LogsOptions::default())
            .await
            .unwrap();
        let (out, err) = docker_engine::streams::collect(logs).await.unwrap();
        if (&out[..], &err[..]) == (stdout, stderr) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the container did not write {stdout:?} and {stderr:?}");
}

async fn running(docker: &Docker, id: &str) -> bool {
    let state = docker.containers().inspect(id).await.unwrap().state;
    state.and_then(|s| s.running) == Some(true)
}

/// The lines of `bytes`, sorted: over WebSocket stdout and stderr share
/// one stream, and which of two lines written a moment apart to each
/// comes first is the engine's race.
fn sorted_lines(bytes: &[u8]) -> Vec<String> {
    let mut lines: Vec<String> = String::from_utf8_lossy(bytes)
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

#[tokio::test]
async fn attach_without_stream_returns_what_was_written_so_far() {
    let Some(docker) = docker().await else { return };
    let (_, s) = spec("sdk-attach-so-far");
    let id = create(
        &docker,
        &s.cmd(["sh", "-c", "echo one; echo two >&2; sleep 30"]),
    )
    .await;
    with_container(&docker, &id, async {
        docker.containers().start(&id).await.unwrap();
        wait_for_logs(&docker, &id, b"one\n", b"two\n").await;
        // The timeouts only guard against a hang: the output ends by itself
        // while the container sleeps on.
        let so_far = AttachOptions::default().logs(true).stream(false);
        let attached = docker.containers().attach(&id, &so_far).await.unwrap();
        let (out, err) = tokio::time::timeout(
            Duration::from_secs(20),
            docker_engine::streams::collect(attached.output),
        )
        .await
        .expect("the output ends after what was written so far")
        .unwrap();
        assert_eq!((&out[..], &err[..]), (&b"one\n"[..], &b"two\n"[..]));

        let (out, err) = tokio::time::timeout(
            Duration::from_secs(20),
            docker.containers().attach_output(&id, &so_far),
        )
        .await
        .expect("attach_output returns while the container runs")
        .unwrap();
        assert_eq!((&out[..], &err[..]), (&b"one\n"[..], &b"two\n"[..]));
        let (out, err) = tokio::time::timeout(
            Duration::from_secs(20),
            docker
                .containers()
                .attach_output(&id, &so_far.clone().stdout(false)),
        )
        .await
        .expect("attach_output returns while the container runs")
        .unwrap();
        assert_eq!((&out[..], &err[..]), (&b""[..], &b"two\n"[..]));
        assert!(running(&docker, &id).await, "still sleeping");
    })
    .await;
}

#[tokio::test]
async fn attach_over_websocket_echoes_stdin_and_close_ends_it() {
    let Some(docker) = docker().await else { return };
    let (_, s) = spec("sdk-attach-ws");
    let id = create(&docker, &s.open_stdin(true).cmd(["cat"])).await;
    with_container(&docker, &id, async {
        docker.containers().start(&id).await.unwrap();
        let ws = docker
            .containers()
            .attach_websocket(&id, &AttachOptions::default().stdin(true))
            .await
            .unwrap();
        let (mut input, mut output) = ws.split();
        let line = b"hello over a websocket\n";
        input.write(line).await.unwrap();
        let mut echoed = Vec::new();
        while echoed.len() < line.len() {
            let chunk = tokio::time::timeout(Duration::from_secs(20), output.next())
                .await
                .expect("cat echoes the line")
                .expect("the engine has not closed yet")
                .unwrap();
            assert_eq!(chunk.stream, StdStream::Console);
            echoed.extend_from_slice(&chunk.data);
        }
        assert_eq!(&echoed[..], &line[..]);
        assert!(running(&docker, &id).await, "cat waits for more");
        // Closing is the end of stdin (the container has StdinOnce): cat
        // exits, and the engine closes its side, which ends the output.
        input.close().await.unwrap();
        let (rest, _) = tokio::time::timeout(
            Duration::from_secs(20),
            docker_engine::streams::collect(output),
        )
        .await
        .expect("the engine closes after stdin ended")
        .unwrap();
        assert!(rest.is_empty(), "{rest:?}");
        // Closed is closed: closing again is fine, writing is a transport
        // error.
        input.close().await.unwrap();
        match input.write(b"late").await {
            Err(docker_engine::Error::Transport { .. }) => {}
            other => panic!("expected a transport error, got {other:?}"),
        }
        let exit = docker
            .containers()
            .wait(&id, &WaitOptions::default())
            .await
            .unwrap();
        assert_eq!(exit.status_code, 0);
    })
    .await;
}

#[tokio::test]
async fn output_of_a_started_container_over_websocket() {
    let Some(docker) = docker().await else { return };
    let missing = format!("sdk-no-such-{}", std::process::id());
    match docker
        .containers()
        .attach_websocket(&missing, &AttachOptions::default())
        .await
    {
        Err(docker_engine::Error::NotFound { operation, .. }) => {
            assert_eq!(operation, "ContainerAttachWebsocket")
        }
        other => panic!("expected NotFound, got {other:?}"),
    }

    let (_, s) = spec("sdk-attach-ws-out");
    let id = create(
        &docker,
        &s.cmd(["sh", "-c", "echo one; echo two >&2; sleep 30"]),
    )
    .await;
    with_container(&docker, &id, async {
        // Live: attached before the start, both lines arrive as written.
        let mut live = docker
            .containers()
            .attach_websocket(&id, &AttachOptions::default())
            .await
            .unwrap();
        docker.containers().start(&id).await.unwrap();
        let mut seen = Vec::new();
        while seen.iter().filter(|b| **b == b'\n').count() < 2 {
            let chunk = tokio::time::timeout(Duration::from_secs(20), live.output.next())
                .await
                .expect("the output arrives while the container runs")
                .expect("the engine has not closed yet")
                .unwrap();
            assert_eq!(chunk.stream, StdStream::Console);
            seen.extend_from_slice(&chunk.data);
        }
        assert_eq!(sorted_lines(&seen), ["one", "two"]);
        live.input.close().await.unwrap();
        drop(live);

        // What was written so far: the WebSocket ends by itself while the
        // container sleeps on (the timeout only guards against a hang).
        wait_for_logs(&docker, &id, b"one\n", b"two\n").await;
        let so_far = AttachOptions::default().logs(true).stream(false);
        let collect_over = |docker: Docker, opts: AttachOptions| {
            let id = id.clone();
            async move {
                let ws = docker
                    .containers()
                    .attach_websocket(&id, &opts)
                    .await
                    .unwrap();
                let (all, none) = tokio::time::timeout(
                    Duration::from_secs(20),
                    docker_engine::streams::collect(ws.output),
                )
                .await
                .expect("the WebSocket closes after the output so far")
                .unwrap();
                assert!(none.is_empty(), "one stream only");
                all
            }
        };
        let all = collect_over(docker.clone(), so_far.clone()).await;
        assert_eq!(sorted_lines(&all), ["one", "two"]);
        assert!(running(&docker, &id).await, "still sleeping");

        // Before API 1.28 the engine sends text messages: the same bytes.
        let old = Docker::builder()
            .host_parsed(docker.host().clone())
            .version(VersionSetting::Fixed(ApiVersion::new(1, 27)))
            .build()
            .unwrap();
        let all = collect_over(old, so_far.clone()).await;
        assert_eq!(sorted_lines(&all), ["one", "two"]);

        // Choosing the streams is the engine's from API 1.42 on; before,
        // it attaches all of them, so turning one off is refused unsent.
        let version = docker.api_version().await.unwrap();
        let stderr_only = so_far.clone().stdout(false);
        if version >= ApiVersion::new(1, 42) {
            let all = collect_over(docker.clone(), stderr_only).await;
            assert_eq!(&all[..], b"two\n");
        } else {
            match docker
                .containers()
                .attach_websocket(&id, &stderr_only)
                .await
            {
                Err(docker_engine::Error::UnsupportedByVersion { what, since, .. }) => {
                    assert!(what.contains("stdout"), "{what}");
                    assert_eq!(since, ApiVersion::new(1, 42));
                }
                other => panic!("expected UnsupportedByVersion, got {other:?}"),
            }
        }
    })
    .await;
}

#[tokio::test]
async fn detach_keys_from_the_cli_configuration_detach() {
    let Some(main) = docker().await else { return };
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("config.json"),
        r#"{"detachKeys": "ctrl-x,x"}"#,
    )
    .unwrap();
    let docker = Docker::builder()
        .host_parsed(main.host().clone())
        .cli_config(CliConfig::load_dir(config.path()).unwrap())
        .build()
        .unwrap();
    let (_, s) = spec("sdk-detach");
    let id = create(&docker, &s.open_stdin(true).tty(true).cmd(["cat"])).await;
    with_container(&docker, &id, async {
        docker.containers().start(&id).await.unwrap();
        let attached = docker
            .containers()
            .attach(&id, &AttachOptions::default().stdin(true))
            .await
            .unwrap();
        attached
            .resize(TtySize {
                height: 30,
                width: 100,
            })
            .await
            .unwrap();
        let (mut input, output) = attached.split();
        input.write(&[0x18, b'x']).await.unwrap();
        // Detaching ends the stream while the container goes on running.
        tokio::time::timeout(
            Duration::from_secs(20),
            docker_engine::streams::collect(output),
        )
        .await
        .expect("detached")
        .unwrap();
        let state = docker
            .containers()
            .inspect(&id)
            .await
            .unwrap()
            .state
            .unwrap();
        assert_eq!(state.running, Some(true));
    })
    .await;
}

#[tokio::test]
async fn proxies_from_the_cli_configuration_are_injected_unless_set() {
    let Some(main) = docker().await else { return };
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("config.json"),
        r#"{"proxies": {"default": {"httpProxy": "http://proxy.invalid:3128", "noProxy": "localhost"}}}"#,
    )
    .unwrap();
    let docker = Docker::builder()
        .host_parsed(main.host().clone())
        .cli_config(CliConfig::load_dir(config.path()).unwrap())
        .build()
        .unwrap();
    let (_, s) = spec("sdk-proxy");
    let id = create(&docker, &s.env("NO_PROXY", "explicit").cmd(["sleep", "30"])).await;
    with_container(&docker, &id, async {
        let env = docker
            .containers()
            .inspect(&id)
            .await
            .unwrap()
            .config
            .unwrap()
            .env
            .unwrap();
        assert!(
            env.contains(&"HTTP_PROXY=http://proxy.invalid:3128".to_string()),
            "{env:?}"
        );
        assert!(env.contains(&"http_proxy=http://proxy.invalid:3128".to_string()));
        assert!(env.contains(&"NO_PROXY=explicit".to_string()));
        assert!(!env.contains(&"NO_PROXY=localhost".to_string()));
        docker.containers().start(&id).await.unwrap();
        let out = docker
            .exec()
            .run(
                &id,
                &docker_engine::exec::ExecCreate::new(["sh", "-c", "echo $http_proxy"]),
                None,
            )
            .await
            .unwrap();
        assert_eq!(&out.stdout[..], b"http://proxy.invalid:3128\n");
    })
    .await;
}

#[tokio::test]
async fn run_returns_a_failing_exit_with_its_output() {
    let Some(docker) = docker().await else { return };
    let (name, s) = spec("sdk-run");
    let out = docker
        .containers()
        .run(
            &s.command_line("sh -c 'echo to-out; echo to-err >&2; exit 3'"),
            &RunOptions::default().remove(true),
        )
        .await
        .unwrap();
    assert_eq!(out.exit_code, 3);
    assert!(!out.success());
    assert_eq!(
        (&out.stdout[..], &out.stderr[..]),
        (&b"to-out\n"[..], &b"to-err\n"[..])
    );
    assert!(
        docker
            .containers()
            .inspect(&name)
            .await
            .unwrap_err()
            .is_not_found(),
        "removed"
    );

    // Fast containers lose nothing, and stdin reaches them.
    let (_, s) = spec("sdk-run-stdin");
    let out = docker
        .containers()
        .run(
            &s.cmd(["sh", "-c", "tr a-z A-Z"]),
            &RunOptions::default().remove(true).stdin("shout"),
        )
        .await
        .unwrap();
    assert_eq!((out.exit_code, &out.stdout[..]), (0, &b"SHOUT"[..]));
}

#[tokio::test]
async fn export_and_resize_and_prune_what_we_made() {
    let Some(docker) = docker().await else { return };
    let (name, s) = spec("sdk-export");
    let id = create(&docker, &s.tty(true).cmd(["sleep", "30"])).await;
    with_container(&docker, &id, async {
        docker.containers().start(&id).await.unwrap();
        docker
            .containers()
            .resize(
                &id,
                TtySize {
                    height: 40,
                    width: 120,
                },
            )
            .await
            .unwrap();
        let mut export = docker.containers().export(&id).await.unwrap();
        let mut tar = Vec::new();
        while let Some(chunk) = export.next().await {
            tar.extend_from_slice(&chunk.unwrap());
        }
        let mut archive = tar::Archive::new(&tar[..]);
        let names: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().any(|n| n == "bin/busybox"),
            "{} entries",
            names.len()
        );
    })
    .await;

    // Prune only what carries this test's unique label.
    let (_, s) = spec("sdk-prune");
    let label = format!("prune.me={name}");
    let stopped = create(&docker, &s.label("prune.me", &name).cmd(["true"])).await;
    let report = docker
        .containers()
        .prune(&PruneOptions::default().label(&label))
        .await
        .unwrap();
    assert_eq!(
        report.containers_deleted.unwrap_or_default(),
        vec![stopped.clone()]
    );
    assert!(docker
        .containers()
        .inspect(&stopped)
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test]
async fn mounts_from_the_types_helper() {
    use docker_engine::types::Mount;
    let Some(docker) = docker().await else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f"), "host file\n").unwrap();
    let (_name, s) = spec("sdk-mounts");
    let s = s
        .mount(Mount::tmpfs("/scratch").tmpfs_size(1 << 20))
        .mount(
            format!("{}:/host:ro", dir.path().display())
                .parse::<Mount>()
                .unwrap(),
        )
        .cmd([
            "sh",
            "-c",
            "cat /host/f; grep -c ' /scratch tmpfs' /proc/mounts; touch /host/x 2>/dev/null || echo read-only",
        ]);
    let out = docker
        .containers()
        .run(&s, &RunOptions::default().remove(true))
        .await
        .unwrap();
    assert_eq!(
        (out.exit_code, String::from_utf8_lossy(&out.stdout).as_ref()),
        (0, "host file\n1\nread-only\n")
    );
    // Options of another mount type never reach the engine.
    let (_name, bad) = spec("sdk-mounts-bad");
    let e = docker
        .containers()
        .create(&bad.mount(Mount::bind("/tmp", "/t").no_copy(true)))
        .await
        .unwrap_err();
    assert!(
        matches!(e, docker_engine::Error::InvalidInput { .. }),
        "{e:?}"
    );
}
