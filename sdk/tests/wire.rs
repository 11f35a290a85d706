//! What goes on the wire for each SDK option, captured by a fake engine
//! that records every request exactly as it arrived: one row per option,
//! set alone, with its exact effect (query parameters, body fields); unset
//! options send nothing. And the version gate judging the request that is
//! sent: on an engine at API 1.29, `wait` and `run` work (the default wait
//! condition is not sent), while a condition that needs 1.30 is refused
//! with nothing sent; attach over WebSocket sends its stream choice from
//! API 1.42 only.

mod common;

use std::collections::BTreeMap;

use docker_engine::containers::{
    AttachOptions, ContainerCreate, KillOptions, ListOptions, LogsOptions, PruneOptions,
    RemoveOptions, RunOptions, StatsOptions, StopOptions, TopOptions, WaitCondition, WaitOptions,
};
use docker_engine::exec::ExecCreate;
use docker_engine::versions::ApiVersion;
use docker_engine::{Docker, Error, VersionSetting};

use common::fake::{taken, Log, Reply, Seen};

/// The answer of the fake engine to a request.
fn answer(method: &str, path: &str, api: &str) -> (String, String, Vec<u8>) {
    let json = |status: &str, body: &str| {
        (
            status.to_string(),
            "Content-Type: application/json\r\n".to_string(),
            body.as_bytes().to_vec(),
        )
    };
    let p = path.split_once("/v1.").map(|(_, r)| r).unwrap_or(path);
    let p = p.split_once('/').map(|(_, r)| r).unwrap_or(p);
    if path == "/_ping" {
        return (
            "200 OK".into(),
            format!("API-Version: {api}\r\nContent-Type: text/plain\r\n"),
            b"OK".to_vec(),
        );
    }
    if let Some(a) = swarm_answer(method, p) {
        return a;
    }
    match (method, p) {
        // Networks, volumes, plugins, events, data usage.
        ("GET", "networks") | ("GET", "plugins") | ("GET", "plugins/privileges") => {
            json("200 OK", "[]")
        }
        ("GET", p) if p.starts_with("networks/") => json("200 OK", "{}"),
        ("POST", "networks/create") => json("201 Created", r#"{"Id":"n1","Warning":""}"#),
        ("GET", "volumes") => json("200 OK", r#"{"Volumes":[],"Warnings":[]}"#),
        ("POST", "volumes/create") => json(
            "201 Created",
            r#"{"Name":"v1","Driver":"local","Mountpoint":"/m","Scope":"local","Labels":{},"Options":{}}"#,
        ),
        ("PUT", p) if p.starts_with("volumes/") => ("200 OK".into(), String::new(), Vec::new()),
        ("GET", "events") => ("200 OK".into(), String::new(), Vec::new()),
        ("GET", "system/df") => json("200 OK", "{}"),
        ("POST", "plugins/pull") | ("POST", "plugins/x/upgrade") | ("POST", "plugins/x/push") => {
            ("200 OK".into(), String::new(), Vec::new())
        }
        ("POST", p)
            if ["/connect", "/disconnect", "/enable", "/disable"]
                .iter()
                .any(|end| p.ends_with(end)) =>
        {
            ("200 OK".into(), String::new(), Vec::new())
        }
        ("DELETE", p) if p.starts_with("plugins/") => ("200 OK".into(), String::new(), Vec::new()),
        // Images.
        ("GET", "images/json") | ("GET", "images/search") => json("200 OK", "[]"),
        ("GET", p) if p.starts_with("images/") && p.ends_with("/history") => json("200 OK", "[]"),
        ("DELETE", p) if p.starts_with("images/") => json("200 OK", "[]"),
        ("POST", "commit") => json("201 Created", r#"{"Id":"sha256:c0"}"#),
        ("POST", p) if p.starts_with("images/") && p.ends_with("/tag") => {
            ("201 Created".into(), String::new(), Vec::new())
        }
        ("POST", "images/create") | ("POST", "images/load") => {
            json("200 OK", "{\"status\":\"ok\"}\n")
        }
        ("POST", p) if p.starts_with("images/") && p.ends_with("/push") => {
            json("200 OK", "{\"status\":\"ok\"}\n")
        }
        ("GET", p) if p.starts_with("images/") && p.ends_with("get") => (
            "200 OK".into(),
            "Content-Type: application/x-tar\r\n".into(),
            Vec::new(),
        ),
        ("GET", p) if p.starts_with("distribution/") => json(
            "200 OK",
            r#"{"Descriptor":{"mediaType":"m","digest":"sha256:d","size":1},"Platforms":[]}"#,
        ),
        ("POST", "auth") => json("200 OK", r#"{"Status":"Login Succeeded"}"#),
        ("POST", "containers/create") => json("201 Created", r#"{"Id":"abc","Warnings":[]}"#),
        ("GET", "containers/json") => json("200 OK", "[]"),
        ("GET", p) if p.ends_with("/top") => json("200 OK", r#"{"Titles":[],"Processes":[]}"#),
        ("GET", p) if p.ends_with("/stats") => json("200 OK", "{}\n"),
        ("GET", p) if p.ends_with("/json") => {
            json("200 OK", r#"{"Id":"abc","Config":{"Tty":false}}"#)
        }
        ("GET", p) if p.ends_with("/logs") => (
            "200 OK".into(),
            "Content-Type: application/vnd.docker.multiplexed-stream\r\n".into(),
            Vec::new(),
        ),
        ("POST", p) if p.ends_with("/wait") => json("200 OK", r#"{"StatusCode":0}"#),
        ("POST", p) if p.ends_with("/prune") => json("200 OK", "{}"),
        ("POST", p) if p.ends_with("/exec") => json("201 Created", r#"{"Id":"e1"}"#),
        // A detached exec start: a plain 200, no upgrade.
        ("POST", p) if p.starts_with("exec/") && p.ends_with("/start") => {
            ("200 OK".into(), String::new(), Vec::new())
        }
        ("POST", _) | ("DELETE", _) => ("204 No Content".into(), String::new(), Vec::new()),
        _ => json("404 Not Found", r#"{"message":"no such thing"}"#),
    }
}

/// The fake engine's answers for the swarm areas (`p` without the version).
fn swarm_answer(method: &str, p: &str) -> Option<(String, String, Vec<u8>)> {
    let json = |status: &str, body: &str| {
        Some((
            status.to_string(),
            "Content-Type: application/json\r\n".to_string(),
            body.as_bytes().to_vec(),
        ))
    };
    let empty = || Some(("200 OK".to_string(), String::new(), Vec::new()));
    let area = p.split('/').next().unwrap_or_default();
    if !matches!(
        area,
        "swarm" | "nodes" | "services" | "tasks" | "secrets" | "configs"
    ) || p.ends_with("/logs")
    {
        return None;
    }
    let one = p.contains('/');
    match (method, area, one) {
        ("GET", "swarm", false) => json(
            "200 OK",
            r#"{"ID":"sw","Version":{"Index":7},"Spec":{"Name":"default"}}"#,
        ),
        ("GET", "swarm", true) => json("200 OK", r#"{"UnlockKey":"SWMKEY-1-k"}"#),
        ("POST", "swarm", _) if p == "swarm/init" => json("200 OK", r#""node1""#),
        ("POST", "swarm", _) => empty(),
        ("GET", _, false) => json("200 OK", "[]"),
        ("GET", "services", true) => json(
            "200 OK",
            r#"{"ID":"s1","Version":{"Index":7},"Spec":{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"busybox"}}}}"#,
        ),
        ("GET", "nodes", true) => json(
            "200 OK",
            r#"{"ID":"n1","Version":{"Index":7},"Spec":{"Role":"worker","Availability":"active"}}"#,
        ),
        ("GET", "secrets" | "configs", true) => json(
            "200 OK",
            r#"{"ID":"x1","Version":{"Index":7},"Spec":{"Name":"s","Labels":{"old":"1"},"Templating":{"Name":"golang"}}}"#,
        ),
        ("GET", "tasks", true) => json("200 OK", r#"{"ID":"t1"}"#),
        ("POST", "services", _) if p == "services/create" => json("201 Created", r#"{"ID":"s1"}"#),
        ("POST", _, _) if p.ends_with("/create") => json("201 Created", r#"{"ID":"x1"}"#),
        ("POST", "services", _) => json("200 OK", r#"{"Warnings":[]}"#),
        ("POST", _, _) => empty(),
        ("DELETE", "nodes" | "services", _) => empty(),
        _ => None,
    }
}

/// A fake engine at API `api` that records every request.
async fn fake_engine(api: &'static str) -> (String, Log) {
    common::fake::start(move |seen| {
        if seen.upgrade() && seen.path.ends_with("/attach") {
            // Docker's hijack: 101, then one stdout frame, then the end of
            // the output.
            let mut out = b"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n".to_vec();
            out.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 3]);
            out.extend_from_slice(b"hi\n");
            return Reply::Raw(out);
        }
        if seen.upgrade() && seen.path.ends_with("/attach/ws") {
            // A WebSocket: 101, one binary message, the engine's close.
            let mut out = b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n".to_vec();
            out.extend_from_slice(&[0x82, 3]);
            out.extend_from_slice(b"hi\n");
            out.extend_from_slice(&[0x88, 2, 0x03, 0xe8]);
            return Reply::Raw(out);
        }
        let (status, headers, body) = answer(&seen.method, &seen.path, api);
        Reply::Http {
            status,
            headers,
            body,
        }
    })
    .await
}

fn client(host: &str, version: Option<(u16, u16)>) -> Docker {
    let mut b = Docker::builder().host(host).unwrap();
    if let Some((major, minor)) = version {
        b = b.version(VersionSetting::Fixed(ApiVersion::new(major, minor)));
    }
    b.build().unwrap()
}

fn query(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

type Call = for<'a> fn(
    &'a Docker,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = docker_engine::Result<()>> + 'a>,
>;

macro_rules! call {
    (|$d:ident| $body:expr) => {{
        fn f<'a>(
            $d: &'a Docker,
        ) -> std::pin::Pin<Box<dyn std::future::Future<Output = docker_engine::Result<()>> + 'a>>
        {
            Box::pin(async move {
                let _answer = $body.await?;
                Ok(())
            })
        }
        f as Call
    }};
}

#[tokio::test]
async fn every_option_has_exactly_its_effect_on_the_query() {
    let (host, log) = fake_engine("1.44").await;
    let docker = client(&host, Some((1, 44)));
    type Row = (
        &'static str,
        Call,
        &'static str,
        &'static str,
        Vec<(&'static str, &'static str)>,
    );
    let rows: Vec<Row> = vec![
        (
            "list, nothing set",
            call!(|d| d.containers().list(&ListOptions::default())),
            "GET",
            "/containers/json",
            vec![],
        ),
        (
            "list all",
            call!(|d| d.containers().list(&ListOptions::default().all(true))),
            "GET",
            "/containers/json",
            vec![("all", "true")],
        ),
        (
            "list limit",
            call!(|d| d.containers().list(&ListOptions::default().limit(3))),
            "GET",
            "/containers/json",
            vec![("limit", "3")],
        ),
        (
            "list size",
            call!(|d| d.containers().list(&ListOptions::default().size(true))),
            "GET",
            "/containers/json",
            vec![("size", "true")],
        ),
        (
            "list label",
            call!(|d| d.containers().list(&ListOptions::default().label("a=b"))),
            "GET",
            "/containers/json",
            vec![("filters", r#"{"label":["a=b"]}"#)],
        ),
        (
            "list all(false)",
            call!(|d| d.containers().list(&ListOptions::default().all(false))),
            "GET",
            "/containers/json",
            vec![],
        ),
        (
            "top, nothing set",
            call!(|d| d.containers().top("abc", &TopOptions::default())),
            "GET",
            "/containers/abc/top",
            vec![],
        ),
        (
            "top ps_args",
            call!(|d| d
                .containers()
                .top("abc", &TopOptions::default().ps_args("aux"))),
            "GET",
            "/containers/abc/top",
            vec![("ps_args", "aux")],
        ),
        (
            "stop, nothing set",
            call!(|d| d.containers().stop("abc", &StopOptions::default())),
            "POST",
            "/containers/abc/stop",
            vec![],
        ),
        (
            "stop timeout",
            call!(|d| d
                .containers()
                .stop("abc", &StopOptions::default().timeout(5))),
            "POST",
            "/containers/abc/stop",
            vec![("t", "5")],
        ),
        (
            "stop signal",
            call!(|d| d
                .containers()
                .stop("abc", &StopOptions::default().signal("SIGINT"))),
            "POST",
            "/containers/abc/stop",
            vec![("signal", "SIGINT")],
        ),
        (
            "restart timeout",
            call!(|d| d
                .containers()
                .restart("abc", &StopOptions::default().timeout(2))),
            "POST",
            "/containers/abc/restart",
            vec![("t", "2")],
        ),
        (
            "kill, nothing set",
            call!(|d| d.containers().kill("abc", &KillOptions::default())),
            "POST",
            "/containers/abc/kill",
            vec![],
        ),
        (
            "kill signal",
            call!(|d| d
                .containers()
                .kill("abc", &KillOptions::default().signal("SIGHUP"))),
            "POST",
            "/containers/abc/kill",
            vec![("signal", "SIGHUP")],
        ),
        (
            "stats",
            call!(|d| d.containers().stats("abc", &StatsOptions::default())),
            "GET",
            "/containers/abc/stats",
            vec![("stream", "false")],
        ),
        (
            "stats one_shot",
            call!(|d| d
                .containers()
                .stats("abc", &StatsOptions::default().one_shot(true))),
            "GET",
            "/containers/abc/stats",
            vec![("stream", "false"), ("one-shot", "true")],
        ),
        (
            "wait, nothing set",
            call!(|d| d.containers().wait("abc", &WaitOptions::default())),
            "POST",
            "/containers/abc/wait",
            vec![],
        ),
        (
            "wait next-exit",
            call!(|d| d.containers().wait(
                "abc",
                &WaitOptions::default().condition(WaitCondition::NextExit)
            )),
            "POST",
            "/containers/abc/wait",
            vec![("condition", "next-exit")],
        ),
        (
            "wait removed",
            call!(|d| d.containers().wait(
                "abc",
                &WaitOptions::default().condition(WaitCondition::Removed)
            )),
            "POST",
            "/containers/abc/wait",
            vec![("condition", "removed")],
        ),
        (
            "remove, nothing set",
            call!(|d| d.containers().remove("abc", &RemoveOptions::default())),
            "DELETE",
            "/containers/abc",
            vec![],
        ),
        (
            "remove force",
            call!(|d| d
                .containers()
                .remove("abc", &RemoveOptions::default().force(true))),
            "DELETE",
            "/containers/abc",
            vec![("force", "true")],
        ),
        (
            "remove volumes",
            call!(|d| d
                .containers()
                .remove("abc", &RemoveOptions::default().volumes(true))),
            "DELETE",
            "/containers/abc",
            vec![("v", "true")],
        ),
        (
            "remove link",
            call!(|d| d
                .containers()
                .remove("abc", &RemoveOptions::default().link(true))),
            "DELETE",
            "/containers/abc",
            vec![("link", "true")],
        ),
        (
            "logs, defaults",
            call!(|d| d.containers().logs("abc", &LogsOptions::default())),
            "GET",
            "/containers/abc/logs",
            vec![("stdout", "true"), ("stderr", "true")],
        ),
        (
            "logs stdout only",
            call!(|d| d
                .containers()
                .logs("abc", &LogsOptions::default().stderr(false))),
            "GET",
            "/containers/abc/logs",
            vec![("stdout", "true")],
        ),
        (
            "logs follow",
            call!(|d| d
                .containers()
                .logs("abc", &LogsOptions::default().follow(true))),
            "GET",
            "/containers/abc/logs",
            vec![("stdout", "true"), ("stderr", "true"), ("follow", "true")],
        ),
        (
            "logs since",
            call!(|d| d
                .containers()
                .logs("abc", &LogsOptions::default().since(10))),
            "GET",
            "/containers/abc/logs",
            vec![("stdout", "true"), ("stderr", "true"), ("since", "10")],
        ),
        (
            "logs until",
            call!(|d| d
                .containers()
                .logs("abc", &LogsOptions::default().until(20))),
            "GET",
            "/containers/abc/logs",
            vec![("stdout", "true"), ("stderr", "true"), ("until", "20")],
        ),
        (
            "logs timestamps",
            call!(|d| d
                .containers()
                .logs("abc", &LogsOptions::default().timestamps(true))),
            "GET",
            "/containers/abc/logs",
            vec![
                ("stdout", "true"),
                ("stderr", "true"),
                ("timestamps", "true"),
            ],
        ),
        (
            "logs tail",
            call!(|d| d.containers().logs("abc", &LogsOptions::default().tail(5))),
            "GET",
            "/containers/abc/logs",
            vec![("stdout", "true"), ("stderr", "true"), ("tail", "5")],
        ),
        (
            "prune, nothing set",
            call!(|d| d.containers().prune(&PruneOptions::default())),
            "POST",
            "/containers/prune",
            vec![],
        ),
        (
            "prune label",
            call!(|d| d.containers().prune(&PruneOptions::default().label("x=1"))),
            "POST",
            "/containers/prune",
            vec![("filters", r#"{"label":["x=1"]}"#)],
        ),
        (
            "create name",
            call!(|d| d
                .containers()
                .create(&ContainerCreate::new("busybox").name("web"))),
            "POST",
            "/containers/create",
            vec![("name", "web")],
        ),
        (
            "create platform",
            call!(|d| d
                .containers()
                .create(&ContainerCreate::new("busybox").platform("linux/amd64"))),
            "POST",
            "/containers/create",
            vec![("platform", "linux/amd64")],
        ),
    ];
    for (what, f, method, path, expected) in rows {
        f(&docker).await.unwrap_or_else(|e| panic!("{what}: {e}"));
        let seen = taken(&log);
        let [req] = seen.as_slice() else {
            panic!("{what}: {} requests: {seen:#?}", seen.len());
        };
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            (method, format!("/v1.44{path}").as_str()),
            "{what}"
        );
        assert_eq!(req.query, query(&expected), "{what}");
    }
}

/// The JSON body of the one request `f` sends.
async fn body_of(docker: &Docker, log: &Log, f: Call) -> serde_json::Value {
    f(docker).await.unwrap();
    let seen = taken(log);
    let req = seen
        .iter()
        .find(|s| !s.body.is_empty())
        .expect("a request with a body");
    serde_json::from_slice(&req.body).unwrap()
}

#[tokio::test]
async fn create_bodies_carry_exactly_what_was_set_as_the_cli_sends_it() {
    let (host, log) = fake_engine("1.44").await;
    let docker = client(&host, Some((1, 44)));
    let body = body_of(
        &docker,
        &log,
        call!(|d| d.containers().create(&ContainerCreate::new("busybox"))),
    )
    .await;
    assert_eq!(body, serde_json::json!({ "Image": "busybox" }));

    // A published port: `{}` per exposed port, as the CLI sends it.
    let body = body_of(
        &docker,
        &log,
        call!(|d| d
            .containers()
            .create(&ContainerCreate::new("busybox").publish("127.0.0.1:8080:80/udp"))),
    )
    .await;
    assert_eq!(body["ExposedPorts"], serde_json::json!({ "80/udp": {} }));
    assert_eq!(
        body["HostConfig"]["PortBindings"],
        serde_json::json!({ "80/udp": [{ "HostIp": "127.0.0.1", "HostPort": "8080" }] })
    );

    let body = body_of(
        &docker,
        &log,
        call!(|d| d.containers().create(
            &ContainerCreate::new("busybox")
                .command_line("sh -c 'echo hi'")
                .env("A", "1")
                .label("k", "v")
                .bind("/src:/dst:ro")
                .memory("512m")
        )),
    )
    .await;
    assert_eq!(
        body,
        serde_json::json!({
            "Image": "busybox",
            "Cmd": ["sh", "-c", "echo hi"],
            "Env": ["A=1"],
            "Labels": { "k": "v" },
            "HostConfig": { "Binds": ["/src:/dst:ro"], "Memory": 536870912 }
        })
    );

    let body = body_of(
        &docker,
        &log,
        call!(|d| d
            .exec()
            .create("abc", &ExecCreate::new(["true"]).user("nobody"))),
    )
    .await;
    assert_eq!(
        body,
        serde_json::json!({ "AttachStderr": true, "AttachStdout": true, "Cmd": ["true"], "User": "nobody" })
    );
}

#[tokio::test]
async fn on_an_engine_at_1_29_wait_and_run_work_and_a_newer_condition_is_refused_unsent() {
    let (host, log) = fake_engine("1.29").await;
    // Negotiated, not pinned: the engine says 1.29.
    let docker = client(&host, None);
    let exit = docker
        .containers()
        .wait("abc", &WaitOptions::default())
        .await
        .unwrap();
    assert_eq!(exit.status_code, 0);
    let seen = taken(&log);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v1.29/containers/abc/wait");
    assert!(seen[0].query.is_empty(), "{:?}", seen[0].query);

    let err = docker
        .containers()
        .wait(
            "abc",
            &WaitOptions::default().condition(WaitCondition::NextExit),
        )
        .await
        .unwrap_err();
    match &err {
        Error::UnsupportedByVersion {
            what,
            since,
            negotiated,
            ..
        } => {
            assert_eq!(what, "parameter `condition` of ContainerWait");
            assert_eq!(*since, ApiVersion::new(1, 30));
            assert_eq!(*negotiated, ApiVersion::new(1, 29));
        }
        other => panic!("{other:?}"),
    }
    assert!(taken(&log).is_empty(), "nothing may be sent");

    // The whole of `run`: create, attach (Docker's hijack), start, wait,
    // remove, all at 1.29.
    let out = docker
        .containers()
        .run(
            &ContainerCreate::new("busybox").cmd(["echo", "hi"]),
            &RunOptions::default().remove(true),
        )
        .await
        .unwrap();
    assert_eq!((out.exit_code, &out.stdout[..]), (0, &b"hi\n"[..]));
    let seen = taken(&log);
    let lines: Vec<String> = seen
        .iter()
        .map(|s| format!("{} {}", s.method, s.path))
        .collect();
    assert!(
        lines.contains(&"POST /v1.29/containers/abc/attach".to_string()),
        "{lines:?}"
    );
    let attach = seen.iter().find(|s| s.path.ends_with("/attach")).unwrap();
    let header = |name: &str| {
        attach
            .headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("upgrade"), Some("tcp"));
    assert_eq!(header("connection"), Some("Upgrade"));
    assert_eq!(header("sec-websocket-key"), None);
    let wait = seen.iter().find(|s| s.path.ends_with("/wait")).unwrap();
    assert!(wait.query.is_empty());
}

#[tokio::test]
async fn the_mac_address_is_sent_where_the_negotiated_version_reads_it() {
    for (api, minor, expected) in [
        (
            "1.43",
            43,
            serde_json::json!({ "Image": "busybox", "MacAddress": "02:42:ac:11:00:02" }),
        ),
        (
            "1.44",
            44,
            serde_json::json!({
                "Image": "busybox",
                "NetworkingConfig": { "EndpointsConfig": { "bridge": { "MacAddress": "02:42:ac:11:00:02" } } }
            }),
        ),
    ] {
        let (host, log) = fake_engine(api).await;
        let docker = client(&host, Some((1, minor)));
        let body = body_of(
            &docker,
            &log,
            call!(|d| d
                .containers()
                .create(&ContainerCreate::new("busybox").mac_address("02:42:ac:11:00:02"))),
        )
        .await;
        assert_eq!(body, expected, "at {api}");
    }
}

#[tokio::test]
async fn a_detached_exec_start_asks_for_no_upgrade_and_its_200_is_a_success() {
    let (host, log) = fake_engine("1.41").await;
    let docker = client(&host, Some((1, 41)));
    docker.exec().start_detached("e1").await.unwrap();
    let seen = taken(&log);
    let [start] = seen.as_slice() else {
        panic!("{seen:#?}")
    };
    assert_eq!(start.path, "/v1.41/exec/e1/start");
    assert!(
        !start
            .headers
            .iter()
            .any(|(k, _)| k == "upgrade" || k == "connection"),
        "{:?}",
        start.headers
    );
    let body: serde_json::Value = serde_json::from_slice(&start.body).unwrap();
    assert_eq!(body, serde_json::json!({ "Detach": true }));
}

#[tokio::test]
async fn attach_over_websocket_sends_the_stream_choice_from_1_42_only() {
    let (host, log) = fake_engine("1.44").await;
    let header = |seen: &Seen, name: &str| {
        seen.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    /// (pinned version, options, the query sent)
    type Row = ((u16, u16), AttachOptions, Vec<(&'static str, &'static str)>);
    let rows: Vec<Row> = vec![
        (
            (1, 44),
            AttachOptions::default(),
            vec![("stdout", "true"), ("stderr", "true"), ("stream", "true")],
        ),
        (
            (1, 44),
            AttachOptions::default().stdin(true).stdout(false),
            vec![("stdin", "true"), ("stderr", "true"), ("stream", "true")],
        ),
        (
            (1, 44),
            AttachOptions::default().logs(true).stream(false),
            vec![("stdout", "true"), ("stderr", "true"), ("logs", "true")],
        ),
        // Engines before 1.42 attach all three and read none of them.
        ((1, 41), AttachOptions::default(), vec![("stream", "true")]),
        (
            (1, 41),
            AttachOptions::default().stdin(true),
            vec![("stream", "true")],
        ),
    ];
    for ((major, minor), opts, expected) in rows {
        let docker = client(&host, Some((major, minor)));
        let ws = docker
            .containers()
            .attach_websocket("abc", &opts)
            .await
            .unwrap();
        let (out, err) = docker_engine::streams::collect(ws.output).await.unwrap();
        assert_eq!((&out[..], &err[..]), (&b"hi\n"[..], &b""[..]), "{opts:?}");
        let seen = taken(&log);
        let [req] = seen.as_slice() else {
            panic!("{} requests: {seen:#?}", seen.len());
        };
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            (
                "GET",
                format!("/v{major}.{minor}/containers/abc/attach/ws").as_str()
            )
        );
        assert_eq!(req.query, query(&expected), "{major}.{minor} {opts:?}");
        assert_eq!(header(req, "upgrade").as_deref(), Some("websocket"));
        assert_eq!(header(req, "sec-websocket-version").as_deref(), Some("13"));
        assert!(header(req, "sec-websocket-key").is_some());
    }

    // Below 1.42 an output turned off would be ignored: refused, unsent.
    let docker = client(&host, Some((1, 41)));
    for opts in [
        AttachOptions::default().stdout(false),
        AttachOptions::default().stderr(false),
    ] {
        match docker.containers().attach_websocket("abc", &opts).await {
            Err(Error::UnsupportedByVersion { since, .. }) => {
                assert_eq!(since, ApiVersion::new(1, 42))
            }
            other => panic!("{opts:?}: {other:?}"),
        }
        assert!(taken(&log).is_empty(), "nothing may be sent");
    }
}

/// One request's method, path (without the version), query and body.
async fn sent(
    docker: &Docker,
    log: &Log,
    f: Call,
) -> (
    String,
    String,
    BTreeMap<String, String>,
    serde_json::Value,
    Vec<(String, String)>,
) {
    f(docker).await.unwrap();
    let seen = taken(log);
    let [req] = seen.as_slice() else {
        panic!("{} requests: {seen:#?}", seen.len());
    };
    let path = req.path.split_once("/v1.").map(|(_, r)| r).unwrap();
    let path = path.split_once('/').map(|(_, r)| format!("/{r}")).unwrap();
    let body = if req.body.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&req.body).unwrap()
    };
    (
        req.method.clone(),
        path,
        req.query.clone(),
        body,
        req.headers.clone(),
    )
}

#[tokio::test]
async fn network_volume_plugin_system_options_have_exactly_their_effect_on_the_query() {
    use docker_engine::networks::{self, NetworkKind};
    use docker_engine::plugins;
    use docker_engine::system::{
        DataUsageOptions, DataUsageType, EventAction, EventType, EventsOptions, Timestamp,
    };
    use docker_engine::volumes;
    let (host, log) = fake_engine("1.44").await;
    let docker = client(&host, Some((1, 44)));
    let at = |s: u64| Timestamp::At(std::time::UNIX_EPOCH + std::time::Duration::from_secs(s));
    let _ = at;
    type Row = (
        &'static str,
        Call,
        &'static str,
        &'static str,
        Vec<(&'static str, &'static str)>,
    );
    let rows: Vec<Row> = vec![
        (
            "networks list",
            call!(|d| d.networks().list(&networks::ListOptions::default())),
            "GET",
            "/networks",
            vec![],
        ),
        (
            "networks list driver",
            call!(|d| d
                .networks()
                .list(&networks::ListOptions::default().driver("bridge"))),
            "GET",
            "/networks",
            vec![("filters", r#"{"driver":["bridge"]}"#)],
        ),
        (
            "networks list id",
            call!(|d| d
                .networks()
                .list(&networks::ListOptions::default().id("n1"))),
            "GET",
            "/networks",
            vec![("filters", r#"{"id":["n1"]}"#)],
        ),
        (
            "networks list label",
            call!(|d| d
                .networks()
                .list(&networks::ListOptions::default().label("a=b"))),
            "GET",
            "/networks",
            vec![("filters", r#"{"label":["a=b"]}"#)],
        ),
        (
            "networks list name",
            call!(|d| d
                .networks()
                .list(&networks::ListOptions::default().name("web"))),
            "GET",
            "/networks",
            vec![("filters", r#"{"name":["web"]}"#)],
        ),
        (
            "networks list scope",
            call!(|d| d
                .networks()
                .list(&networks::ListOptions::default().scope("swarm"))),
            "GET",
            "/networks",
            vec![("filters", r#"{"scope":["swarm"]}"#)],
        ),
        (
            "networks list type",
            call!(|d| d
                .networks()
                .list(&networks::ListOptions::default().kind(NetworkKind::Custom))),
            "GET",
            "/networks",
            vec![("filters", r#"{"type":["custom"]}"#)],
        ),
        (
            "networks list dangling",
            call!(|d| d
                .networks()
                .list(&networks::ListOptions::default().dangling(true))),
            "GET",
            "/networks",
            vec![("filters", r#"{"dangling":["true"]}"#)],
        ),
        (
            "network inspect",
            call!(|d| d
                .networks()
                .inspect("n1", &networks::InspectOptions::default())),
            "GET",
            "/networks/n1",
            vec![],
        ),
        (
            "network inspect verbose",
            call!(|d| d
                .networks()
                .inspect("n1", &networks::InspectOptions::default().verbose(true))),
            "GET",
            "/networks/n1",
            vec![("verbose", "true")],
        ),
        (
            "network inspect scope",
            call!(|d| d
                .networks()
                .inspect("n1", &networks::InspectOptions::default().scope("local"))),
            "GET",
            "/networks/n1",
            vec![("scope", "local")],
        ),
        (
            "network remove",
            call!(|d| d.networks().remove("n1")),
            "DELETE",
            "/networks/n1",
            vec![],
        ),
        (
            "networks prune label",
            call!(|d| d
                .networks()
                .prune(&networks::PruneOptions::default().label("x=1"))),
            "POST",
            "/networks/prune",
            vec![("filters", r#"{"label":["x=1"]}"#)],
        ),
        (
            "networks prune until",
            call!(|d| d.networks().prune(
                &networks::PruneOptions::default().older_than(std::time::Duration::from_secs(60))
            )),
            "POST",
            "/networks/prune",
            vec![("filters", r#"{"until":["60s"]}"#)],
        ),
        (
            "volumes list",
            call!(|d| d.volumes().list(&volumes::ListOptions::default())),
            "GET",
            "/volumes",
            vec![],
        ),
        (
            "volumes list dangling",
            call!(|d| d
                .volumes()
                .list(&volumes::ListOptions::default().dangling(false))),
            "GET",
            "/volumes",
            vec![("filters", r#"{"dangling":["false"]}"#)],
        ),
        (
            "volumes list driver",
            call!(|d| d
                .volumes()
                .list(&volumes::ListOptions::default().driver("local"))),
            "GET",
            "/volumes",
            vec![("filters", r#"{"driver":["local"]}"#)],
        ),
        (
            "volumes list label",
            call!(|d| d
                .volumes()
                .list(&volumes::ListOptions::default().label("a"))),
            "GET",
            "/volumes",
            vec![("filters", r#"{"label":["a"]}"#)],
        ),
        (
            "volumes list name",
            call!(|d| d.volumes().list(&volumes::ListOptions::default().name("v"))),
            "GET",
            "/volumes",
            vec![("filters", r#"{"name":["v"]}"#)],
        ),
        (
            "volume remove",
            call!(|d| d.volumes().remove("v1", &volumes::RemoveOptions::default())),
            "DELETE",
            "/volumes/v1",
            vec![],
        ),
        (
            "volume remove force",
            call!(|d| d
                .volumes()
                .remove("v1", &volumes::RemoveOptions::default().force(true))),
            "DELETE",
            "/volumes/v1",
            vec![("force", "true")],
        ),
        (
            "volumes prune",
            call!(|d| d.volumes().prune(&volumes::PruneOptions::default())),
            "POST",
            "/volumes/prune",
            vec![],
        ),
        (
            "volumes prune all",
            call!(|d| d
                .volumes()
                .prune(&volumes::PruneOptions::default().all(true))),
            "POST",
            "/volumes/prune",
            vec![("filters", r#"{"all":["true"]}"#)],
        ),
        (
            "volumes prune label",
            call!(|d| d
                .volumes()
                .prune(&volumes::PruneOptions::default().label("x=1"))),
            "POST",
            "/volumes/prune",
            vec![("filters", r#"{"label":["x=1"]}"#)],
        ),
        (
            "volume update",
            call!(|d| d.volumes().update("v1", 7, &Default::default())),
            "PUT",
            "/volumes/v1",
            vec![("version", "7")],
        ),
        (
            "plugins list",
            call!(|d| d.plugins().list(&plugins::ListOptions::default())),
            "GET",
            "/plugins",
            vec![],
        ),
        (
            "plugins list capability",
            call!(|d| d
                .plugins()
                .list(&plugins::ListOptions::default().capability("volumedriver"))),
            "GET",
            "/plugins",
            vec![("filters", r#"{"capability":["volumedriver"]}"#)],
        ),
        (
            "plugins list enabled",
            call!(|d| d
                .plugins()
                .list(&plugins::ListOptions::default().enabled(true))),
            "GET",
            "/plugins",
            vec![("filters", r#"{"enabled":["true"]}"#)],
        ),
        (
            "plugin privileges",
            call!(|d| d
                .plugins()
                .privileges("me/p:1", &plugins::RegistryOptions::default())),
            "GET",
            "/plugins/privileges",
            vec![("remote", "me/p:1")],
        ),
        (
            "plugin pull",
            call!(|d| d
                .plugins()
                .pull("me/p:1", &[], &plugins::PullOptions::default())),
            "POST",
            "/plugins/pull",
            vec![("remote", "me/p:1")],
        ),
        (
            "plugin pull name",
            call!(|d| d
                .plugins()
                .pull("me/p:1", &[], &plugins::PullOptions::default().name("p"))),
            "POST",
            "/plugins/pull",
            vec![("remote", "me/p:1"), ("name", "p")],
        ),
        (
            "plugin upgrade",
            call!(|d| d.plugins().upgrade(
                "x",
                "me/p:2",
                &[],
                &plugins::RegistryOptions::default()
            )),
            "POST",
            "/plugins/x/upgrade",
            vec![("remote", "me/p:2")],
        ),
        (
            "plugin push",
            call!(|d| d.plugins().push("x", &plugins::RegistryOptions::default())),
            "POST",
            "/plugins/x/push",
            vec![],
        ),
        // Engines refuse an enable without a timeout: 30 s unless set, as the CLI.
        (
            "plugin enable",
            call!(|d| d.plugins().enable("x", &plugins::EnableOptions::default())),
            "POST",
            "/plugins/x/enable",
            vec![("timeout", "30")],
        ),
        (
            "plugin enable timeout",
            call!(|d| d
                .plugins()
                .enable("x", &plugins::EnableOptions::default().timeout(5))),
            "POST",
            "/plugins/x/enable",
            vec![("timeout", "5")],
        ),
        (
            "plugin disable",
            call!(|d| d
                .plugins()
                .disable("x", &plugins::DisableOptions::default())),
            "POST",
            "/plugins/x/disable",
            vec![],
        ),
        (
            "plugin disable force",
            call!(|d| d
                .plugins()
                .disable("x", &plugins::DisableOptions::default().force(true))),
            "POST",
            "/plugins/x/disable",
            vec![("force", "true")],
        ),
        (
            "plugin remove",
            call!(|d| d.plugins().remove("x", &plugins::RemoveOptions::default())),
            "DELETE",
            "/plugins/x",
            vec![],
        ),
        (
            "plugin remove force",
            call!(|d| d
                .plugins()
                .remove("x", &plugins::RemoveOptions::default().force(true))),
            "DELETE",
            "/plugins/x",
            vec![("force", "true")],
        ),
        (
            "events",
            call!(|d| d.system().events(&EventsOptions::default())),
            "GET",
            "/events",
            vec![],
        ),
        (
            "events since",
            call!(|d| d.system().events(
                &EventsOptions::default()
                    .since(std::time::UNIX_EPOCH + std::time::Duration::new(1700000000, 5))
            )),
            "GET",
            "/events",
            vec![("since", "1700000000.000000005")],
        ),
        (
            "events until",
            call!(|d| d.system().events(
                &EventsOptions::default()
                    .until(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1700000001))
            )),
            "GET",
            "/events",
            vec![("until", "1700000001.000000000")],
        ),
        (
            "events type",
            call!(|d| d
                .system()
                .events(&EventsOptions::default().kind(EventType::Volume))),
            "GET",
            "/events",
            vec![("filters", r#"{"type":["volume"]}"#)],
        ),
        (
            "events event",
            call!(|d| d
                .system()
                .events(&EventsOptions::default().action(EventAction::Die))),
            "GET",
            "/events",
            vec![("filters", r#"{"event":["die"]}"#)],
        ),
        (
            "events container",
            call!(|d| d.system().events(&EventsOptions::default().container("c"))),
            "GET",
            "/events",
            vec![("filters", r#"{"container":["c"]}"#)],
        ),
        (
            "events image",
            call!(|d| d.system().events(&EventsOptions::default().image("i"))),
            "GET",
            "/events",
            vec![("filters", r#"{"image":["i"]}"#)],
        ),
        (
            "events label",
            call!(|d| d.system().events(&EventsOptions::default().label("l=1"))),
            "GET",
            "/events",
            vec![("filters", r#"{"label":["l=1"]}"#)],
        ),
        (
            "events network",
            call!(|d| d.system().events(&EventsOptions::default().network("n"))),
            "GET",
            "/events",
            vec![("filters", r#"{"network":["n"]}"#)],
        ),
        (
            "events volume",
            call!(|d| d.system().events(&EventsOptions::default().volume("v"))),
            "GET",
            "/events",
            vec![("filters", r#"{"volume":["v"]}"#)],
        ),
        (
            "events plugin",
            call!(|d| d.system().events(&EventsOptions::default().plugin("p"))),
            "GET",
            "/events",
            vec![("filters", r#"{"plugin":["p"]}"#)],
        ),
        (
            "events node",
            call!(|d| d.system().events(&EventsOptions::default().node("nd"))),
            "GET",
            "/events",
            vec![("filters", r#"{"node":["nd"]}"#)],
        ),
        (
            "events service",
            call!(|d| d.system().events(&EventsOptions::default().service("s"))),
            "GET",
            "/events",
            vec![("filters", r#"{"service":["s"]}"#)],
        ),
        (
            "events secret",
            call!(|d| d.system().events(&EventsOptions::default().secret("se"))),
            "GET",
            "/events",
            vec![("filters", r#"{"secret":["se"]}"#)],
        ),
        (
            "events config",
            call!(|d| d.system().events(&EventsOptions::default().config("cf"))),
            "GET",
            "/events",
            vec![("filters", r#"{"config":["cf"]}"#)],
        ),
        (
            "events daemon",
            call!(|d| d.system().events(&EventsOptions::default().daemon("dm"))),
            "GET",
            "/events",
            vec![("filters", r#"{"daemon":["dm"]}"#)],
        ),
        (
            "events scope",
            call!(|d| d
                .system()
                .events(&EventsOptions::default().scope(docker_engine::system::EventScope::Swarm))),
            "GET",
            "/events",
            vec![("filters", r#"{"scope":["swarm"]}"#)],
        ),
        (
            "df",
            call!(|d| d.system().data_usage(&DataUsageOptions::default())),
            "GET",
            "/system/df",
            vec![],
        ),
        (
            "df type",
            call!(|d| d
                .system()
                .data_usage(&DataUsageOptions::default().only(DataUsageType::Volume))),
            "GET",
            "/system/df",
            vec![("type", "volume")],
        ),
    ];
    for (what, f, method, path, expected) in rows {
        let (m, p, q, _, _) = sent(&docker, &log, f).await;
        assert_eq!((m.as_str(), p.as_str()), (method, path), "{what}");
        assert_eq!(q, query(&expected), "{what}");
    }
}

#[tokio::test]
async fn network_volume_plugin_bodies_carry_exactly_what_was_set() {
    use docker_engine::networks::{DisconnectOptions, NetworkCreate};
    use docker_engine::types::{EndpointConfig, IPAMConfig, IPAMPool};
    use docker_engine::volumes::VolumeCreate;
    use serde_json::json;
    let (host, log) = fake_engine("1.44").await;
    let docker = client(&host, Some((1, 44)));
    let net = |spec: NetworkCreate| {
        let docker = docker.clone();
        let log = log.clone();
        async move {
            docker.networks().create(&spec).await.unwrap();
            sent_body(&log)
        }
    };
    let rows: Vec<(&str, NetworkCreate, serde_json::Value)> = vec![
        ("name only", NetworkCreate::new("n"), json!({"Name": "n"})),
        (
            "driver",
            NetworkCreate::new("n").driver("overlay"),
            json!({"Name": "n", "Driver": "overlay"}),
        ),
        (
            "driver_opt",
            NetworkCreate::new("n").driver_opt("a=b=c"),
            json!({"Name": "n", "Options": {"a": "b=c"}}),
        ),
        (
            "driver_opt_pair",
            NetworkCreate::new("n").driver_opt_pair("k", "v"),
            json!({"Name": "n", "Options": {"k": "v"}}),
        ),
        (
            "internal",
            NetworkCreate::new("n").internal(true),
            json!({"Name": "n", "Internal": true}),
        ),
        (
            "attachable",
            NetworkCreate::new("n").attachable(true),
            json!({"Name": "n", "Attachable": true}),
        ),
        (
            "ingress",
            NetworkCreate::new("n").ingress(true),
            json!({"Name": "n", "Ingress": true}),
        ),
        (
            "ipv6",
            NetworkCreate::new("n").ipv6(true),
            json!({"Name": "n", "EnableIPv6": true}),
        ),
        (
            "label",
            NetworkCreate::new("n").label("a", "b"),
            json!({"Name": "n", "Labels": {"a": "b"}}),
        ),
        (
            "scope",
            NetworkCreate::new("n").scope("swarm"),
            json!({"Name": "n", "Scope": "swarm"}),
        ),
        (
            "config_only",
            NetworkCreate::new("n").config_only(true),
            json!({"Name": "n", "ConfigOnly": true}),
        ),
        (
            "config_from",
            NetworkCreate::new("n").config_from("base"),
            json!({"Name": "n", "ConfigFrom": {"Network": "base"}}),
        ),
        // From API 1.44 engines always refuse duplicates: `true` is not sent.
        (
            "check_duplicate at 1.44",
            NetworkCreate::new("n").check_duplicate(true),
            json!({"Name": "n"}),
        ),
        (
            "ipam, default driver, no pools",
            NetworkCreate::new("n").ipam(IPAMConfig::new()),
            json!({"Name": "n", "IPAM": {}}),
        ),
        (
            "ipam driver and option",
            NetworkCreate::new("n").ipam(IPAMConfig::new().driver("dhcp").option("o=1")),
            json!({"Name": "n", "IPAM": {"Driver": "dhcp", "Options": {"o": "1"}}}),
        ),
        (
            "ipam pool",
            NetworkCreate::new("n").ipam(
                IPAMConfig::new().pool(
                    IPAMPool::new("10.9.0.0/16")
                        .ip_range("10.9.1.0/24")
                        .gateway("10.9.1.1")
                        .aux_address("r", "10.9.0.2"),
                ),
            ),
            json!({"Name": "n", "IPAM": {"Config": [{"Subnet": "10.9.0.0/16", "IPRange": "10.9.1.0/24", "Gateway": "10.9.1.1", "AuxiliaryAddresses": {"r": "10.9.0.2"}}]}}),
        ),
    ];
    for (what, spec, expected) in rows {
        assert_eq!(net(spec).await, expected, "network create {what}");
    }

    let connect = |ep: EndpointConfig| {
        let docker = docker.clone();
        let log = log.clone();
        async move {
            docker.networks().connect("n1", "c1", &ep).await.unwrap();
            sent_body(&log)
        }
    };
    let rows: Vec<(&str, EndpointConfig, serde_json::Value)> = vec![
        ("nothing", EndpointConfig::new(), json!({"Container": "c1"})),
        (
            "alias",
            EndpointConfig::new().alias("a"),
            json!({"Container": "c1", "EndpointConfig": {"Aliases": ["a"]}}),
        ),
        (
            "link",
            EndpointConfig::new().link("db:d"),
            json!({"Container": "c1", "EndpointConfig": {"Links": ["db:d"]}}),
        ),
        (
            "ipv4",
            EndpointConfig::new().ipv4_address("10.0.0.5"),
            json!({"Container": "c1", "EndpointConfig": {"IPAMConfig": {"IPv4Address": "10.0.0.5"}}}),
        ),
        (
            "ipv6",
            EndpointConfig::new().ipv6_address("fd00::5"),
            json!({"Container": "c1", "EndpointConfig": {"IPAMConfig": {"IPv6Address": "fd00::5"}}}),
        ),
        (
            "link-local",
            EndpointConfig::new().link_local_ip("169.254.0.9"),
            json!({"Container": "c1", "EndpointConfig": {"IPAMConfig": {"LinkLocalIPs": ["169.254.0.9"]}}}),
        ),
        (
            "driver_opt",
            EndpointConfig::new().driver_opt("k=v"),
            json!({"Container": "c1", "EndpointConfig": {"DriverOpts": {"k": "v"}}}),
        ),
    ];
    for (what, ep, expected) in rows {
        assert_eq!(connect(ep).await, expected, "connect {what}");
    }
    for (force, expected) in [
        (false, json!({"Container": "c1"})),
        (true, json!({"Container": "c1", "Force": true})),
    ] {
        docker
            .networks()
            .disconnect("n1", "c1", &DisconnectOptions::default().force(force))
            .await
            .unwrap();
        assert_eq!(sent_body(&log), expected, "disconnect force {force}");
    }

    let vol = |spec: VolumeCreate| {
        let docker = docker.clone();
        let log = log.clone();
        async move {
            docker.volumes().create(&spec).await.unwrap();
            sent_body(&log)
        }
    };
    assert_eq!(vol(VolumeCreate::new()).await, json!({}));
    assert_eq!(
        vol(VolumeCreate::new().name("v")).await,
        json!({"Name": "v"})
    );
    assert_eq!(
        vol(VolumeCreate::new().driver("local")).await,
        json!({"Driver": "local"})
    );
    assert_eq!(
        vol(VolumeCreate::new().driver_opt("type=tmpfs")).await,
        json!({"DriverOpts": {"type": "tmpfs"}})
    );
    assert_eq!(
        vol(VolumeCreate::new().label("a", "b")).await,
        json!({"Labels": {"a": "b"}})
    );

    docker
        .plugins()
        .set("x", &["A=1", "mount.source=/tmp"])
        .await
        .unwrap();
    assert_eq!(sent_body(&log), json!(["A=1", "mount.source=/tmp"]));
    let granted: docker_engine::models::PluginPrivilege =
        serde_json::from_value(json!({"Name": "network", "Description": "", "Value": ["host"]}))
            .unwrap();
    docker
        .plugins()
        .pull(
            "me/p:1",
            std::slice::from_ref(&granted),
            &Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        sent_body(&log),
        json!([{"Name": "network", "Description": "", "Value": ["host"]}])
    );
    // Nothing granted is an empty list, as the CLI sends it.
    docker
        .plugins()
        .pull("me/p:1", &[], &Default::default())
        .await
        .unwrap();
    assert_eq!(sent_body(&log), json!([]));

    // A container created on a network with endpoint settings; the network
    // becomes its network mode.
    docker
        .containers()
        .create(
            &ContainerCreate::new("busybox").network("backend", EndpointConfig::new().alias("web")),
        )
        .await
        .unwrap();
    assert_eq!(
        sent_body(&log),
        json!({
            "Image": "busybox",
            "HostConfig": {"NetworkMode": "backend"},
            "NetworkingConfig": {"EndpointsConfig": {"backend": {"Aliases": ["web"]}}}
        })
    );
}

/// The JSON body of the one request just sent (`null` for none).
fn sent_body(log: &Log) -> serde_json::Value {
    let seen = taken(log);
    let [req] = seen.as_slice() else {
        panic!("{} requests: {seen:#?}", seen.len());
    };
    if req.body.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&req.body).unwrap()
    }
}

#[tokio::test]
async fn version_dependent_network_and_volume_fields_go_where_each_version_reads_them() {
    use docker_engine::networks::NetworkCreate;
    use docker_engine::types::EndpointConfig;
    use docker_engine::volumes::PruneOptions;
    use serde_json::json;
    // API 1.41: CheckDuplicate is read and sent; the volume prune `all`
    // filter does not exist (named volumes are pruned anyway) and is not
    // sent; an endpoint's MAC address on create goes on the container.
    let (host, log) = fake_engine("1.41").await;
    let old = client(&host, Some((1, 41)));
    for check in [true, false] {
        old.networks()
            .create(&NetworkCreate::new("n").check_duplicate(check))
            .await
            .unwrap();
        assert_eq!(
            sent_body(&log),
            json!({"Name": "n", "CheckDuplicate": check})
        );
    }
    old.volumes()
        .prune(&PruneOptions::default().all(true))
        .await
        .unwrap();
    assert!(taken(&log)[0].query.is_empty());
    old.containers()
        .create(
            &ContainerCreate::new("busybox")
                .network("b", EndpointConfig::new().mac_address("02:42:ac:11:00:09")),
        )
        .await
        .unwrap();
    assert_eq!(
        sent_body(&log),
        json!({
            "Image": "busybox",
            "MacAddress": "02:42:ac:11:00:09",
            "HostConfig": {"NetworkMode": "b"},
            "NetworkingConfig": {"EndpointsConfig": {"b": {}}}
        })
    );
    // Two networks, two MAC addresses: not expressible before 1.44.
    let two = old
        .containers()
        .create(
            &ContainerCreate::new("busybox")
                .network("a", EndpointConfig::new().mac_address("02:42:ac:11:00:01"))
                .network("b", EndpointConfig::new().mac_address("02:42:ac:11:00:02")),
        )
        .await;
    assert!(matches!(two, Err(Error::InvalidInput { .. })), "{two:?}");
    // Connect with a MAC address: engines apply it from 1.54 only.
    let mac = EndpointConfig::new().mac_address("02:42:ac:11:00:09");
    let r = old.networks().connect("n1", "c1", &mac).await;
    assert!(
        matches!(&r, Err(Error::UnsupportedByVersion { since, .. }) if *since == ApiVersion::new(1, 54)),
        "{r:?}"
    );
    assert!(taken(&log).is_empty(), "nothing is sent");

    // API 1.44: CheckDuplicate is no longer read (duplicates are always
    // refused): `true` is not sent, `false` is refused unsent; the MAC
    // address goes on the endpoint.
    let (host, log) = fake_engine("1.44").await;
    let new = client(&host, Some((1, 44)));
    let r = new
        .networks()
        .create(&NetworkCreate::new("n").check_duplicate(false))
        .await;
    assert!(
        matches!(r, Err(Error::UnsupportedByVersion { .. })),
        "{r:?}"
    );
    let r = new.networks().connect("n1", "c1", &mac).await;
    assert!(
        matches!(r, Err(Error::UnsupportedByVersion { .. })),
        "{r:?}"
    );
    assert!(taken(&log).is_empty(), "nothing is sent");
    new.containers()
        .create(
            &ContainerCreate::new("busybox")
                .network("b", EndpointConfig::new().mac_address("02:42:ac:11:00:09")),
        )
        .await
        .unwrap();
    assert_eq!(
        sent_body(&log)["NetworkingConfig"],
        json!({"EndpointsConfig": {"b": {"MacAddress": "02:42:ac:11:00:09"}}})
    );

    // API 1.54: the MAC address travels on connect.
    let (host, log) = fake_engine("1.54").await;
    let newest = client(&host, Some((1, 54)));
    newest.networks().connect("n1", "c1", &mac).await.unwrap();
    assert_eq!(
        sent_body(&log),
        json!({"Container": "c1", "EndpointConfig": {"MacAddress": "02:42:ac:11:00:09"}})
    );
}

// Messages a person can act on: each names what failed, where, and what to
// check, and what can be caught before sending is (nothing reaches the
// engine).

#[tokio::test]
async fn an_engine_that_is_not_there_is_named_with_what_to_check() {
    let docker = client("unix:///nonexistent/docker-engine-rs.sock", None);
    let e = docker
        .containers()
        .list(&ListOptions::default())
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "transport error: ContainerList: cannot connect to the Docker engine at \
         unix:///nonexistent/docker-engine-rs.sock: No such file or directory (os error 2); \
         is the Docker daemon running, and may this user open its socket?"
    );
    // Calls that need the version before they send name themselves too.
    let create = docker
        .containers()
        .create(&ContainerCreate::new("busybox"))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        create.starts_with("transport error: ContainerCreate: cannot connect"),
        "{create}"
    );
    let network = docker
        .networks()
        .create(&docker_engine::networks::NetworkCreate::new("n"))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        network.starts_with("transport error: NetworkCreate: cannot connect"),
        "{network}"
    );
    // A TCP port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let docker = client(&format!("tcp://{addr}"), None);
    let text = docker
        .containers()
        .inspect("web")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        text.starts_with(&format!(
            "transport error: ContainerInspect: cannot connect to the Docker engine at tcp://{addr}: "
        )) && text.ends_with("; is the Docker daemon running and listening there?"),
        "{text}"
    );
    assert!(text.contains("Connection refused"), "{text}");
}

#[tokio::test]
async fn versions_this_sdk_does_not_speak_are_refused_when_building() {
    let e = Docker::builder()
        .version(VersionSetting::Fixed(ApiVersion::new(1, 10)))
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "invalid input: API version 1.10: this SDK speaks API {} to {}",
            docker_engine::versions::OLDEST,
            docker_engine::versions::NEWEST
        )
    );
    let newer = ApiVersion::new(1, docker_engine::versions::NEWEST.minor() + 1);
    assert!(matches!(
        Docker::builder()
            .version(VersionSetting::Fixed(newer))
            .build(),
        Err(Error::InvalidInput { .. })
    ));
}

#[tokio::test]
async fn empty_ids_are_refused_before_sending() {
    let (host, log) = fake_engine("1.44").await;
    let docker = client(&host, None);
    let e = docker.containers().inspect("").await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid input: ContainerInspect: the id is empty"
    );
    let e = docker.exec().inspect("").await.unwrap_err();
    assert_eq!(e.to_string(), "invalid input: ExecInspect: the id is empty");
    assert!(taken(&log).is_empty());
    // Through the raw client too.
    let raw = docker.raw().await.unwrap();
    let e: Error = raw.container_inspect("", None).await.unwrap_err().into();
    assert!(matches!(e, Error::InvalidInput { .. }), "{e}");
    assert!(taken(&log).is_empty());
}

#[tokio::test]
async fn short_form_problems_are_reported_once_each() {
    let (host, log) = fake_engine("1.44").await;
    let docker = client(&host, None);
    let spec = ContainerCreate::new("busybox")
        .publish("99999:80")
        .bind("/a:/b:zz");
    let text = docker
        .containers()
        .create(&spec)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(text.matches("invalid input").count(), 1, "{text}");
    assert!(
        text.starts_with("invalid input: port `99999:80`: ")
            && text.contains("; bind `/a:/b:zz`: unknown mode `zz`"),
        "{text}"
    );
    assert!(taken(&log).is_empty());
}

#[tokio::test]
async fn copying_out_to_a_directory_that_is_not_there_is_refused_before_sending() {
    let (host, log) = fake_engine("1.44").await;
    let docker = client(&host, None);
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("not/there");
    let text = docker
        .containers()
        .copy_out("web", "/etc/hostname", &missing)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        text.starts_with(&format!(
            "invalid input: copying /etc/hostname out of web: the destination directory {}: ",
            missing.display()
        )),
        "{text}"
    );
    assert!(!missing.exists(), "nothing was created on the way");
    assert!(taken(&log).is_empty());
}

#[tokio::test]
async fn raw_calls_are_gated_like_the_sdks_own() {
    let (host, log) = fake_engine("1.41").await;
    let docker = client(&host, None);
    // `manifests` exists from API 1.47; the engine speaks 1.41.
    let e = docker
        .raw_call(async |c| c.image_list(None, None, None, None, Some(true), None).await)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::UnsupportedByVersion { what, .. } if what.contains("manifests")),
        "{e}"
    );
    let raw = docker.raw().await.unwrap();
    let e: Error = raw
        .image_list(None, None, None, None, Some(true), None)
        .await
        .unwrap_err()
        .into();
    assert!(e.to_string().contains("manifests"), "{e}");
    assert!(taken(&log).is_empty(), "nothing was sent");
    // Without it, the same calls go out, on the negotiated version.
    docker
        .raw_call(async |c| c.container_list(Some(true), None, None, None).await)
        .await
        .unwrap();
    let seen = taken(&log);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v1.41/containers/json");
    // An engine's error through the raw client converts with `?`.
    let e: Error = raw.volume_inspect("nope").await.unwrap_err().into();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
}

#[tokio::test]
async fn image_options_have_exactly_their_effect_on_the_query() {
    use docker_engine::images::{
        CommitOptions, ImportOptions, ListOptions as ImageList, LoadOptions,
        PruneOptions as ImagePrune, PullOptions, PushOptions, RemoveOptions as ImageRemove,
        SearchOptions,
    };
    use docker_engine::streams::Body;
    let (host, log) = fake_engine("1.44").await;
    let dir = tempfile::tempdir().unwrap();
    let docker = configured(&host, 44, dir.path());
    type Row = (
        &'static str,
        Call,
        &'static str,
        &'static str,
        Vec<(&'static str, &'static str)>,
    );
    let sha = "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    let rows: Vec<Row> = vec![
        (
            "list, nothing set",
            call!(|d| d.images().list(&ImageList::default())),
            "GET",
            "/images/json",
            vec![],
        ),
        (
            "list all",
            call!(|d| d.images().list(&ImageList::default().all(true))),
            "GET",
            "/images/json",
            vec![("all", "true")],
        ),
        (
            "list digests",
            call!(|d| d.images().list(&ImageList::default().digests(true))),
            "GET",
            "/images/json",
            vec![("digests", "true")],
        ),
        (
            "list shared size",
            call!(|d| d.images().list(&ImageList::default().shared_size(true))),
            "GET",
            "/images/json",
            vec![("shared-size", "true")],
        ),
        (
            "list trunc (no effect on the wire)",
            call!(|d| d.images().list_ids(&ImageList::default().trunc(true))),
            "GET",
            "/images/json",
            vec![],
        ),
        (
            "list dangling",
            call!(|d| d.images().list(&ImageList::default().dangling(true))),
            "GET",
            "/images/json",
            vec![("filters", r#"{"dangling":["true"]}"#)],
        ),
        (
            "list label",
            call!(|d| d.images().list(&ImageList::default().label("a=b"))),
            "GET",
            "/images/json",
            vec![("filters", r#"{"label":["a=b"]}"#)],
        ),
        (
            "list reference",
            call!(|d| d.images().list(&ImageList::default().reference("me/*"))),
            "GET",
            "/images/json",
            vec![("filters", r#"{"reference":["me/*"]}"#)],
        ),
        (
            "list before",
            call!(|d| d.images().list(&ImageList::default().before("x:1"))),
            "GET",
            "/images/json",
            vec![("filters", r#"{"before":["x:1"]}"#)],
        ),
        (
            "list since",
            call!(|d| d.images().list(&ImageList::default().since("x:1"))),
            "GET",
            "/images/json",
            vec![("filters", r#"{"since":["x:1"]}"#)],
        ),
        (
            "list until",
            call!(|d| d.images().list(&ImageList::default().until("24h"))),
            "GET",
            "/images/json",
            vec![("filters", r#"{"until":["24h"]}"#)],
        ),
        (
            "history",
            call!(|d| d.images().history("x:1")),
            "GET",
            "/images/x:1/history",
            vec![],
        ),
        (
            "remove, nothing set",
            call!(|d| d.images().remove("x:1", &ImageRemove::default())),
            "DELETE",
            "/images/x:1",
            vec![],
        ),
        (
            "remove force",
            call!(|d| d
                .images()
                .remove("x:1", &ImageRemove::default().force(true))),
            "DELETE",
            "/images/x:1",
            vec![("force", "true")],
        ),
        (
            "remove noprune",
            call!(|d| d
                .images()
                .remove("x:1", &ImageRemove::default().noprune(true))),
            "DELETE",
            "/images/x:1",
            vec![("noprune", "true")],
        ),
        (
            "prune, nothing set",
            call!(|d| d.images().prune(&ImagePrune::default())),
            "POST",
            "/images/prune",
            vec![],
        ),
        (
            "prune all",
            call!(|d| d.images().prune(&ImagePrune::default().dangling(false))),
            "POST",
            "/images/prune",
            vec![("filters", r#"{"dangling":["false"]}"#)],
        ),
        (
            "prune until",
            call!(|d| d.images().prune(&ImagePrune::default().until("1h"))),
            "POST",
            "/images/prune",
            vec![("filters", r#"{"until":["1h"]}"#)],
        ),
        (
            "prune label!",
            call!(|d| d.images().prune(&ImagePrune::default().label_not("keep"))),
            "POST",
            "/images/prune",
            vec![("filters", r#"{"label!":["keep"]}"#)],
        ),
        (
            "search, nothing set",
            call!(|d| d.images().search("nginx", &SearchOptions::default())),
            "GET",
            "/images/search",
            vec![("term", "nginx")],
        ),
        (
            "search limit",
            call!(|d| d
                .images()
                .search("nginx", &SearchOptions::default().limit(5))),
            "GET",
            "/images/search",
            vec![("term", "nginx"), ("limit", "5")],
        ),
        (
            "search filters",
            call!(|d| d
                .images()
                .search("n", &SearchOptions::default().is_official(true).stars(3))),
            "GET",
            "/images/search",
            vec![
                ("term", "n"),
                ("filters", r#"{"is-official":["true"],"stars":["3"]}"#),
            ],
        ),
        // As the CLI sends them (tests/fixtures/cli/image-requests.txt;
        // the generated client escapes a `/` in a path parameter, which the
        // engine decodes).
        (
            "tag on the hub",
            call!(|d| d.images().tag("src:1", "imgprobe")),
            "POST",
            "/images/src:1/tag",
            vec![("repo", "docker.io/library/imgprobe"), ("tag", "latest")],
        ),
        (
            "tag with a registry port",
            call!(|d| d.images().tag("src:1", "localhost:5000/imgprobe:x")),
            "POST",
            "/images/src:1/tag",
            vec![("repo", "localhost:5000/imgprobe"), ("tag", "x")],
        ),
        (
            "commit, nothing set",
            call!(|d| d.images().commit("c1", &CommitOptions::default())),
            "POST",
            "/commit",
            vec![("container", "c1")],
        ),
        (
            "commit repo",
            call!(|d| d
                .images()
                .commit("c1", &CommitOptions::default().repo("probe:t"))),
            "POST",
            "/commit",
            vec![
                ("container", "c1"),
                ("repo", "docker.io/library/probe"),
                ("tag", "t"),
            ],
        ),
        (
            "commit tag",
            call!(|d| d
                .images()
                .commit("c1", &CommitOptions::default().repo("me/p").tag("v2"))),
            "POST",
            "/commit",
            vec![
                ("container", "c1"),
                ("repo", "docker.io/me/p"),
                ("tag", "v2"),
            ],
        ),
        (
            "commit message",
            call!(|d| d
                .images()
                .commit("c1", &CommitOptions::default().message("msg"))),
            "POST",
            "/commit",
            vec![("container", "c1"), ("comment", "msg")],
        ),
        (
            "commit author",
            call!(|d| d
                .images()
                .commit("c1", &CommitOptions::default().author("me"))),
            "POST",
            "/commit",
            vec![("container", "c1"), ("author", "me")],
        ),
        (
            "commit pause(false)",
            call!(|d| d
                .images()
                .commit("c1", &CommitOptions::default().pause(false))),
            "POST",
            "/commit",
            vec![("container", "c1"), ("pause", "false")],
        ),
        (
            "commit changes",
            call!(|d| d.images().commit(
                "c1",
                &CommitOptions::default()
                    .change("ENV A=1")
                    .change(r#"CMD ["sh"]"#)
            )),
            "POST",
            "/commit",
            vec![("container", "c1"), ("changes", "ENV A=1\nCMD [\"sh\"]")],
        ),
        (
            "pull",
            call!(|d| d.images().pull("busybox", &PullOptions::default())),
            "POST",
            "/images/create",
            vec![
                ("fromImage", "docker.io/library/busybox"),
                ("tag", "latest"),
            ],
        ),
        (
            "pull with a port",
            call!(|d| d
                .images()
                .pull("127.0.0.1:25000/nothere/x", &PullOptions::default())),
            "POST",
            "/images/create",
            vec![
                ("fromImage", "127.0.0.1:25000/nothere/x"),
                ("tag", "latest"),
            ],
        ),
        (
            "pull all tags",
            call!(|d| d.images().pull(
                "127.0.0.1:25000/nothere/x",
                &PullOptions::default().all_tags(true)
            )),
            "POST",
            "/images/create",
            vec![("fromImage", "127.0.0.1:25000/nothere/x")],
        ),
        (
            "pull platform",
            call!(|d| d
                .images()
                .pull("x:1", &PullOptions::default().platform("linux/arm64"))),
            "POST",
            "/images/create",
            vec![
                ("fromImage", "docker.io/library/x"),
                ("tag", "1"),
                ("platform", "linux/arm64"),
            ],
        ),
        (
            "push",
            call!(|d| d.images().push("imgprobe-hub", &PushOptions::default())),
            "POST",
            "/images/docker.io%2Flibrary%2Fimgprobe-hub/push",
            vec![("tag", "latest")],
        ),
        (
            "push with a port",
            call!(|d| d
                .images()
                .push("127.0.0.1:25000/imgprobe/p:1", &PushOptions::default())),
            "POST",
            "/images/127.0.0.1:25000%2Fimgprobe%2Fp/push",
            vec![("tag", "1")],
        ),
        (
            "push all tags",
            call!(|d| d.images().push(
                "127.0.0.1:25000/imgprobe/p",
                &PushOptions::default().all_tags(true)
            )),
            "POST",
            "/images/127.0.0.1:25000%2Fimgprobe%2Fp/push",
            vec![],
        ),
        (
            "load",
            call!(|d| d
                .images()
                .load(Body::from(b"tar".to_vec()), &LoadOptions::default())),
            "POST",
            "/images/load",
            vec![],
        ),
        (
            "load quiet",
            call!(|d| d.images().load(
                Body::from(b"tar".to_vec()),
                &LoadOptions::default().quiet(true)
            )),
            "POST",
            "/images/load",
            vec![("quiet", "true")],
        ),
        (
            "import",
            call!(|d| d
                .images()
                .import(Body::from(b"tar".to_vec()), &ImportOptions::default())),
            "POST",
            "/images/create",
            vec![("fromSrc", "-")],
        ),
        (
            "import repo tag message platform",
            call!(|d| d.images().import(
                Body::from(b"tar".to_vec()),
                &ImportOptions::default()
                    .repo("me/r")
                    .tag("t")
                    .message("m")
                    .platform("linux/amd64")
            )),
            "POST",
            "/images/create",
            vec![
                ("fromSrc", "-"),
                ("repo", "me/r"),
                ("tag", "t"),
                ("message", "m"),
                ("platform", "linux/amd64"),
            ],
        ),
        (
            "import url",
            call!(|d| d
                .images()
                .import_url("http://h/r.tar", &ImportOptions::default())),
            "POST",
            "/images/create",
            vec![("fromSrc", "http://h/r.tar")],
        ),
        (
            "get",
            call!(|d| d.images().get("x:1")),
            "GET",
            "/images/x:1/get",
            vec![],
        ),
        (
            "get all",
            call!(|d| d.images().get_all(&["a:1"])),
            "GET",
            "/images/get",
            vec![("names", "a:1")],
        ),
        (
            "distribution inspect",
            call!(|d| d.images().distribution_inspect(
                "x:1",
                &docker_engine::images::DistributionInspectOptions::default()
            )),
            "GET",
            "/distribution/docker.io%2Flibrary%2Fx:1/json",
            vec![],
        ),
    ];
    for (what, f, method, path, expected) in rows {
        f(&docker).await.unwrap_or_else(|e| panic!("{what}: {e}"));
        let seen = taken(&log);
        let [req] = seen.as_slice() else {
            panic!("{what}: {} requests: {seen:#?}", seen.len());
        };
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            (method, format!("/v1.44{path}").as_str()),
            "{what}"
        );
        assert_eq!(req.query, query(&expected), "{what}");
    }

    // Import changes repeat the parameter, as the CLI sends them.
    docker
        .images()
        .import(
            Body::from(b"tar".to_vec()),
            &ImportOptions::default().change("ENV A=1").change("CMD x"),
        )
        .await
        .unwrap();
    let seen = taken(&log);
    assert_eq!(seen[0].path, "/v1.44/images/create");
    assert_eq!(
        seen[0].raw_query,
        "changes=ENV+A%3D1&changes=CMD+x&fromSrc=-"
    );

    // A digest pulls by digest; an invalid reference sends nothing.
    docker
        .images()
        .pull(&format!("x@{sha}"), &PullOptions::default())
        .await
        .unwrap();
    assert_eq!(
        taken(&log)[0].query,
        query(&[("fromImage", "docker.io/library/x"), ("tag", sha)])
    );
    assert!(matches!(
        docker
            .images()
            .pull("x:-bad", &PullOptions::default())
            .await,
        Err(Error::InvalidReference(_))
    ));
    assert!(taken(&log).is_empty());
}

/// A client of the fake engine at API 1.`minor` whose CLI configuration
/// is the directory `dir`.
fn configured(host: &str, minor: u16, dir: &std::path::Path) -> Docker {
    Docker::builder()
        .host(host)
        .unwrap()
        .version(VersionSetting::Fixed(ApiVersion::new(1, minor)))
        .cli_config(docker_engine::config::CliConfig::load_dir(dir).unwrap())
        .build()
        .unwrap()
}

fn header<'a>(seen: &'a Seen, name: &str) -> Option<&'a str> {
    seen.headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn decoded_auth(seen: &Seen) -> serde_json::Value {
    use base64::Engine as _;
    let value = header(seen, "x-registry-auth").expect("X-Registry-Auth");
    let bytes = base64::engine::general_purpose::URL_SAFE
        .decode(value)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn registry_auth_goes_in_its_header_from_the_call_or_the_configuration() {
    use docker_engine::images::{PullOptions, PushOptions};
    use docker_engine::RegistryAuth;
    let (host, log) = fake_engine("1.44").await;
    let dir = tempfile::tempdir().unwrap();
    let docker = configured(&host, 44, dir.path());

    // Nothing configured: `{}`, as the CLI sends it.
    docker
        .images()
        .pull("localhost:5000/a", &PullOptions::default())
        .await
        .unwrap();
    docker
        .images()
        .push("localhost:5000/a", &PushOptions::default())
        .await
        .unwrap();
    for seen in taken(&log) {
        assert_eq!(
            header(&seen, "x-registry-auth"),
            Some("e30="),
            "{}",
            seen.path
        );
        // A POST without a body says so (the SDK's own connections carry it).
        assert_eq!(header(&seen, "content-length"), Some("0"), "{}", seen.path);
    }

    // From config.json, under the key the CLI chooses: host:port, and
    // Docker Hub's index address.
    std::fs::write(
        dir.path().join("config.json"),
        r#"{"auths": {"localhost:5000": {"auth": "dXNlcjpwYXNz"},
                      "https://index.docker.io/v1/": {"identitytoken": "hub-token"}},
            "HttpHeaders": {"X-Meta-Source": "config"}}"#,
    )
    .unwrap();
    docker.reload_config().unwrap();
    docker
        .images()
        .pull("localhost:5000/a:1", &PullOptions::default())
        .await
        .unwrap();
    docker
        .images()
        .push("busybox", &PushOptions::default())
        .await
        .unwrap();
    let seen = taken(&log);
    assert_eq!(
        decoded_auth(&seen[0]),
        serde_json::json!({"username": "user", "password": "pass", "serveraddress": "localhost:5000"})
    );
    assert_eq!(
        decoded_auth(&seen[1]),
        serde_json::json!({"identitytoken": "hub-token", "serveraddress": "https://index.docker.io/v1/"})
    );
    // HttpHeaders from the reloaded configuration, on every request.
    for s in &seen {
        assert_eq!(header(s, "x-meta-source"), Some("config"), "{}", s.path);
    }
    docker
        .images()
        .list(&docker_engine::images::ListOptions::default())
        .await
        .unwrap();
    assert_eq!(header(&taken(&log)[0], "x-meta-source"), Some("config"));

    // Explicit credentials win.
    let mine = RegistryAuth::new("me", "mine").server_address("localhost:5000");
    docker
        .images()
        .pull("localhost:5000/a:1", &PullOptions::default().auth(mine))
        .await
        .unwrap();
    assert_eq!(
        decoded_auth(&taken(&log)[0]),
        serde_json::json!({"username": "me", "password": "mine", "serveraddress": "localhost:5000"})
    );

    // Login sends the credentials as the body, Docker Hub by default.
    let answer = docker
        .system()
        .login(
            &RegistryAuth::new("u", "p"),
            &docker_engine::system::LoginOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(answer.status, "Login Succeeded");
    let seen = taken(&log);
    assert_eq!(seen[0].path, "/v1.44/auth");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&seen[0].body).unwrap(),
        serde_json::json!({"username": "u", "password": "p", "serveraddress": "https://index.docker.io/v1/"})
    );

    // After the configuration changes again, its headers follow.
    std::fs::write(
        dir.path().join("config.json"),
        r#"{"HttpHeaders": {"X-Other": "2"}}"#,
    )
    .unwrap();
    docker.reload_config().unwrap();
    docker
        .images()
        .list(&docker_engine::images::ListOptions::default())
        .await
        .unwrap();
    let seen = taken(&log);
    assert_eq!(header(&seen[0], "x-other"), Some("2"));
    assert_eq!(header(&seen[0], "x-meta-source"), None);
}

/// The plugin calls that reach a registry carry `X-Registry-Auth` as the
/// CLI sends it (tests/fixtures/cli/plugin-requests.txt): `{}` with
/// nothing configured, the configured credentials of the reference's
/// registry (for an upgrade, of `remote`), or the call's own.
#[tokio::test]
async fn plugin_registry_calls_carry_registry_auth_as_the_cli_does() {
    use docker_engine::plugins::{PullOptions, RegistryOptions};
    use docker_engine::RegistryAuth;
    let (host, log) = fake_engine("1.41").await;
    let dir = tempfile::tempdir().unwrap();
    let docker = configured(&host, 41, dir.path());
    let remote = "127.0.0.1:25001/docker-engine-rs-test/plugrec:v1";
    // What the fake engine answers does not matter here, only what is sent.
    let calls = async |docker: &Docker, opts: &RegistryOptions, pull: &PullOptions| {
        let plugins = docker.plugins();
        let _ = plugins.privileges(remote, opts).await;
        let _ = plugins.pull(remote, &[], pull).await;
        let _ = plugins.upgrade("plugrec-a:latest", remote, &[], opts).await;
        let _ = plugins.push(remote, opts).await;
    };
    let paths = [
        "/v1.41/plugins/privileges",
        "/v1.41/plugins/pull",
        "/v1.41/plugins/plugrec-a:latest/upgrade",
        // The CLI leaves the name's slashes as they are; the SDK escapes
        // them, as for image names, and the engine reads both.
        "/v1.41/plugins/127.0.0.1:25001%2Fdocker-engine-rs-test%2Fplugrec:v1/push",
    ];

    calls(
        &docker,
        &RegistryOptions::default(),
        &PullOptions::default(),
    )
    .await;
    let seen = taken(&log);
    assert_eq!(
        seen.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(),
        paths
    );
    for s in &seen {
        assert_eq!(header(s, "x-registry-auth"), Some("e30="), "{}", s.path);
    }

    std::fs::write(
        dir.path().join("config.json"),
        r#"{"auths": {"127.0.0.1:25001": {"auth": "dXNlcjpwYXNz"}}}"#,
    )
    .unwrap();
    docker.reload_config().unwrap();
    calls(
        &docker,
        &RegistryOptions::default(),
        &PullOptions::default(),
    )
    .await;
    let seen = taken(&log);
    assert_eq!(seen.len(), 4);
    for s in &seen {
        assert_eq!(
            decoded_auth(s),
            serde_json::json!({"username": "user", "password": "pass", "serveraddress": "127.0.0.1:25001"}),
            "{}",
            s.path
        );
    }

    let mine = RegistryAuth::new("me", "mine").server_address("127.0.0.1:25001");
    calls(
        &docker,
        &RegistryOptions::default().auth(mine.clone()),
        &PullOptions::default().auth(mine),
    )
    .await;
    let seen = taken(&log);
    assert_eq!(seen.len(), 4);
    for s in &seen {
        assert_eq!(
            decoded_auth(s),
            serde_json::json!({"username": "me", "password": "mine", "serveraddress": "127.0.0.1:25001"}),
            "{}",
            s.path
        );
    }

    // A reference that does not parse is refused before anything is sent.
    let opts = RegistryOptions::default();
    assert!(matches!(
        docker.plugins().privileges("x:-bad", &opts).await,
        Err(Error::InvalidReference(_))
    ));
    assert!(matches!(
        docker.plugins().push("team/UPPER", &opts).await,
        Err(Error::InvalidReference(_))
    ));
    assert!(taken(&log).is_empty());
}

#[tokio::test]
async fn commit_sends_its_config_and_newer_image_options_are_refused_unsent() {
    use docker_engine::images::{CommitOptions, ListOptions as ImageList, PullOptions};
    let (host, log) = fake_engine("1.44").await;
    let docker = client(&host, Some((1, 44)));
    let body = body_of(
        &docker,
        &log,
        call!(|d| d.images().commit(
            "c1",
            &CommitOptions::default().config(docker_engine::models::ContainerConfig {
                cmd: Some(vec!["sh".into()]),
                ..Default::default()
            })
        )),
    )
    .await;
    assert_eq!(body, serde_json::json!({"Cmd": ["sh"]}));

    // At 1.41: shared-size (1.42) is refused with nothing sent; at 1.31 a
    // pull's platform (1.32) too.
    let old = client(&host, Some((1, 41)));
    let err = old
        .images()
        .list(&ImageList::default().shared_size(true))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnsupportedByVersion { .. }), "{err:?}");
    let older = client(&host, Some((1, 31)));
    let err = older
        .images()
        .pull("x:1", &PullOptions::default().platform("linux/arm64"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnsupportedByVersion { .. }), "{err:?}");
    assert!(taken(&log).is_empty());
}

/// The request `f` sent to `method path` (`path` without the version),
/// after any reads it made first.
async fn sent_to(docker: &Docker, log: &Log, f: Call, method: &str, path: &str) -> Seen {
    f(docker)
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let seen = taken(log);
    let mut matching: Vec<Seen> = seen
        .iter()
        .filter(|s| s.method == method && s.path == format!("/v1.44{path}"))
        .cloned()
        .collect();
    assert_eq!(matching.len(), 1, "{method} {path}: {seen:#?}");
    matching.pop().unwrap()
}

#[tokio::test]
async fn swarm_area_options_have_exactly_their_effect_on_the_query() {
    use docker_engine::services::{
        InspectOptions, ListOptions as ServiceList, LogsOptions as ServiceLogs,
        UpdateOptions as ServiceUpdate,
    };
    use docker_engine::swarm::{LeaveOptions, UpdateOptions as SwarmUpdate};
    let (host, log) = fake_engine("1.44").await;
    let docker = client(&host, Some((1, 44)));
    type Row = (
        &'static str,
        Call,
        &'static str,
        &'static str,
        Vec<(&'static str, &'static str)>,
    );
    let rows: Vec<Row> = vec![
        (
            "leave",
            call!(|d| d.swarm().leave(&LeaveOptions::default())),
            "POST",
            "/swarm/leave",
            vec![],
        ),
        (
            "leave force",
            call!(|d| d.swarm().leave(&LeaveOptions::default().force(true))),
            "POST",
            "/swarm/leave",
            vec![("force", "true")],
        ),
        (
            "swarm update",
            call!(|d| d.swarm().update(
                7,
                &docker_engine::types::SwarmSpec::default(),
                &SwarmUpdate::default()
            )),
            "POST",
            "/swarm/update",
            vec![("version", "7")],
        ),
        (
            "rotate worker",
            call!(|d| d.swarm().update(
                7,
                &docker_engine::types::SwarmSpec::default(),
                &SwarmUpdate::default().rotate_worker_token(true)
            )),
            "POST",
            "/swarm/update",
            vec![("version", "7"), ("rotateWorkerToken", "true")],
        ),
        (
            "rotate manager",
            call!(|d| d.swarm().update(
                7,
                &docker_engine::types::SwarmSpec::default(),
                &SwarmUpdate::default().rotate_manager_token(true)
            )),
            "POST",
            "/swarm/update",
            vec![("version", "7"), ("rotateManagerToken", "true")],
        ),
        (
            "rotate unlock key",
            call!(|d| d.swarm().update(
                7,
                &docker_engine::types::SwarmSpec::default(),
                &SwarmUpdate::default().rotate_manager_unlock_key(true)
            )),
            "POST",
            "/swarm/update",
            vec![("version", "7"), ("rotateManagerUnlockKey", "true")],
        ),
        (
            "autolock reads the version",
            call!(|d| d.swarm().autolock(true)),
            "POST",
            "/swarm/update",
            vec![("version", "7")],
        ),
        (
            "node list",
            call!(|d| d
                .nodes()
                .list(&docker_engine::nodes::ListOptions::default())),
            "GET",
            "/nodes",
            vec![],
        ),
        (
            "node filters",
            call!(|d| d.nodes().list(
                &docker_engine::nodes::ListOptions::default()
                    .id("n")
                    .label("l")
                    .node_label("z=a")
                    .membership("accepted")
                    .name("w")
                    .role("worker")
            )),
            "GET",
            "/nodes",
            vec![(
                "filters",
                r#"{"id":["n"],"label":["l"],"membership":["accepted"],"name":["w"],"node.label":["z=a"],"role":["worker"]}"#,
            )],
        ),
        (
            "node remove",
            call!(|d| d
                .nodes()
                .remove("n1", &docker_engine::nodes::RemoveOptions::default())),
            "DELETE",
            "/nodes/n1",
            vec![],
        ),
        (
            "node remove force",
            call!(|d| d.nodes().remove(
                "n1",
                &docker_engine::nodes::RemoveOptions::default().force(true)
            )),
            "DELETE",
            "/nodes/n1",
            vec![("force", "true")],
        ),
        (
            "node update",
            call!(|d| d.nodes().update("n1", 3, &Default::default())),
            "POST",
            "/nodes/n1/update",
            vec![("version", "3")],
        ),
        (
            "node update_with",
            call!(|d| d.nodes().update_with("n1", |_| {})),
            "POST",
            "/nodes/n1/update",
            vec![("version", "7")],
        ),
        (
            "service list",
            call!(|d| d.services().list(&ServiceList::default())),
            "GET",
            "/services",
            vec![],
        ),
        (
            "service list status",
            call!(|d| d.services().list(&ServiceList::default().status(true))),
            "GET",
            "/services",
            vec![("status", "true")],
        ),
        (
            "service filters",
            call!(|d| d.services().list(
                &ServiceList::default()
                    .id("i")
                    .label("l")
                    .mode("global")
                    .name("n")
            )),
            "GET",
            "/services",
            vec![(
                "filters",
                r#"{"id":["i"],"label":["l"],"mode":["global"],"name":["n"]}"#,
            )],
        ),
        (
            "service inspect",
            call!(|d| d.services().inspect("s1", &InspectOptions::default())),
            "GET",
            "/services/s1",
            vec![],
        ),
        (
            "service inspect defaults",
            call!(|d| d
                .services()
                .inspect("s1", &InspectOptions::default().insert_defaults(true))),
            "GET",
            "/services/s1",
            vec![("insertDefaults", "true")],
        ),
        (
            "service update",
            call!(|d| d
                .services()
                .update("s1", 5, &Default::default(), &ServiceUpdate::default())),
            "POST",
            "/services/s1/update",
            vec![("version", "5")],
        ),
        (
            "service update auth from",
            call!(|d| d.services().update(
                "s1",
                5,
                &Default::default(),
                &ServiceUpdate::default().registry_auth_from(
                    docker_engine::models::ServiceUpdateRegistryAuthFrom::PreviousSpec
                )
            )),
            "POST",
            "/services/s1/update",
            vec![("version", "5"), ("registryAuthFrom", "previous-spec")],
        ),
        (
            "service update_with",
            call!(|d| d
                .services()
                .update_with("s1", &ServiceUpdate::default(), |_| Ok(()))),
            "POST",
            "/services/s1/update",
            vec![("version", "7")],
        ),
        (
            "service rollback",
            call!(|d| d.services().rollback("s1")),
            "POST",
            "/services/s1/update",
            vec![("version", "7"), ("rollback", "previous")],
        ),
        (
            "service logs",
            call!(|d| d.services().logs("s1", &ServiceLogs::default())),
            "GET",
            "/services/s1/logs",
            vec![("stdout", "true"), ("stderr", "true")],
        ),
        (
            "service logs all",
            call!(|d| d.services().logs(
                "s1",
                &ServiceLogs::default()
                    .follow(true)
                    .since(5)
                    .timestamps(true)
                    .details(true)
                    .tail(3)
                    .stderr(false)
            )),
            "GET",
            "/services/s1/logs",
            vec![
                ("stdout", "true"),
                ("follow", "true"),
                ("since", "5"),
                ("timestamps", "true"),
                ("details", "true"),
                ("tail", "3"),
            ],
        ),
        (
            "task list",
            call!(|d| d
                .tasks()
                .list(&docker_engine::tasks::ListOptions::default())),
            "GET",
            "/tasks",
            vec![],
        ),
        (
            "task filters",
            call!(|d| d.tasks().list(
                &docker_engine::tasks::ListOptions::default()
                    .desired_state("running")
                    .service("s")
                    .node("n")
                    .label("l")
                    .name("s.1")
                    .id("t")
            )),
            "GET",
            "/tasks",
            vec![(
                "filters",
                r#"{"desired-state":["running"],"id":["t"],"label":["l"],"name":["s.1"],"node":["n"],"service":["s"]}"#,
            )],
        ),
        (
            "task logs",
            call!(|d| d
                .tasks()
                .logs("t1", &ServiceLogs::default().stdout(false).tail(1))),
            "GET",
            "/tasks/t1/logs",
            vec![("stderr", "true"), ("tail", "1")],
        ),
        (
            "secret list",
            call!(|d| d.secrets().list(
                &docker_engine::secrets::ListOptions::default()
                    .id("i")
                    .label("l")
                    .name("n")
                    .names("exact")
            )),
            "GET",
            "/secrets",
            vec![(
                "filters",
                r#"{"id":["i"],"label":["l"],"name":["n"],"names":["exact"]}"#,
            )],
        ),
        (
            "secret update",
            call!(|d| d.secrets().update("x1", 9, [("a", "b")])),
            "POST",
            "/secrets/x1/update",
            vec![("version", "9")],
        ),
        (
            "config list",
            call!(|d| d
                .configs()
                .list(&docker_engine::configs::ListOptions::default().label("l"))),
            "GET",
            "/configs",
            vec![("filters", r#"{"label":["l"]}"#)],
        ),
        (
            "config update",
            call!(|d| d.configs().update("x1", 9, [("a", "b")])),
            "POST",
            "/configs/x1/update",
            vec![("version", "9")],
        ),
    ];
    for (what, f, method, path, expected) in rows {
        let req = sent_to(&docker, &log, f, method, path).await;
        assert_eq!(req.query, query(&expected), "{what}");
    }
}

#[tokio::test]
async fn swarm_area_bodies_carry_exactly_what_was_set() {
    use docker_engine::services::ServiceCreate;
    use docker_engine::swarm::{InitOptions, JoinOptions};
    use docker_engine::types::{ContainerSpec, SwarmSpec, TaskTemplate};
    use serde_json::json;
    let (host, log) = fake_engine("1.44").await;
    let docker = client(&host, Some((1, 44)));
    let body = |req: Seen| serde_json::from_slice::<serde_json::Value>(&req.body).unwrap();
    // Init: docker-py's listen address; a pool gets size 24, a size the
    // default pool.
    let init = |f: Call| sent_to(&docker, &log, f, "POST", "/swarm/init");
    assert_eq!(
        body(init(call!(|d| d.swarm().init(&InitOptions::default()))).await),
        json!({"ListenAddr": "0.0.0.0:2377"})
    );
    assert_eq!(
        body(
            init(call!(|d| d.swarm().init(
                &InitOptions::default().default_addr_pool("10.9.0.0/16")
            )))
            .await
        ),
        json!({"ListenAddr": "0.0.0.0:2377", "DefaultAddrPool": ["10.9.0.0/16"], "SubnetSize": 24})
    );
    assert_eq!(
        body(
            init(call!(|d| d
                .swarm()
                .init(&InitOptions::default().subnet_size(28u32))))
            .await
        ),
        json!({"ListenAddr": "0.0.0.0:2377", "DefaultAddrPool": ["10.0.0.0/8"], "SubnetSize": 28})
    );
    assert_eq!(
        body(
            init(call!(|d| d.swarm().init(
                &InitOptions::default()
                    .force_new_cluster(true)
                    .data_path_addr("10.0.0.1")
                    .spec(SwarmSpec::default().autolock_managers(true))
            )))
            .await
        ),
        json!({"ListenAddr": "0.0.0.0:2377", "ForceNewCluster": true, "DataPathAddr": "10.0.0.1", "Spec": {"EncryptionConfig": {"AutoLockManagers": true}}})
    );
    let join = sent_to(
        &docker,
        &log,
        call!(|d| d.swarm().join(
            &["10.0.0.5:2377"],
            "SWMTKN-1-x",
            &JoinOptions::default().advertise_addr("10.0.0.6")
        )),
        "POST",
        "/swarm/join",
    )
    .await;
    assert_eq!(
        body(join),
        json!({"RemoteAddrs": ["10.0.0.5:2377"], "JoinToken": "SWMTKN-1-x", "ListenAddr": "0.0.0.0:2377", "AdvertiseAddr": "10.0.0.6"})
    );
    let unlock = sent_to(
        &docker,
        &log,
        call!(|d| d.swarm().unlock("SWMKEY-1-k")),
        "POST",
        "/swarm/unlock",
    )
    .await;
    assert_eq!(body(unlock), json!({"UnlockKey": "SWMKEY-1-k"}));
    // Autolock: the current spec with the flag set.
    let autolock = sent_to(
        &docker,
        &log,
        call!(|d| d.swarm().autolock(true)),
        "POST",
        "/swarm/update",
    )
    .await;
    assert_eq!(
        body(autolock),
        json!({"Name": "default", "EncryptionConfig": {"AutoLockManagers": true}})
    );
    // Update with the helpers: the current spec, changed by the closure.
    let update = sent_to(
        &docker,
        &log,
        call!(
            |d| d.services().update_with("s1", &Default::default(), |spec| {
                spec.labels
                    .get_or_insert_with(Default::default)
                    .insert("k".into(), "v".into());
                Ok(())
            })
        ),
        "POST",
        "/services/s1/update",
    )
    .await;
    assert_eq!(
        body(update),
        json!({"Name": "web", "Labels": {"k": "v"}, "TaskTemplate": {"ContainerSpec": {"Image": "busybox"}}})
    );
    let forced = sent_to(
        &docker,
        &log,
        call!(|d| d.services().force_update("s1")),
        "POST",
        "/services/s1/update",
    )
    .await;
    assert_eq!(body(forced)["TaskTemplate"]["ForceUpdate"], json!(1));
    let create = sent_to(
        &docker,
        &log,
        call!(|d| d
            .services()
            .create(&ServiceCreate::new(TaskTemplate::new(ContainerSpec::new(
                "busybox"
            ))))),
        "POST",
        "/services/create",
    )
    .await;
    assert_eq!(
        body(create),
        json!({"TaskTemplate": {"ContainerSpec": {"Image": "busybox"}}})
    );
    // Secret and config updates: the name and templating kept, the labels
    // replaced, no data.
    let s = sent_to(
        &docker,
        &log,
        call!(|d| d.secrets().update("x1", 9, [("a", "b")])),
        "POST",
        "/secrets/x1/update",
    )
    .await;
    assert_eq!(
        body(s),
        json!({"Name": "s", "Labels": {"a": "b"}, "Templating": {"Name": "golang"}})
    );
    let c = sent_to(
        &docker,
        &log,
        call!(|d| d.configs().update("x1", 9, [("a", "b")])),
        "POST",
        "/configs/x1/update",
    )
    .await;
    assert_eq!(
        body(c),
        json!({"Name": "s", "Labels": {"a": "b"}, "Templating": {"Name": "golang"}})
    );
    let n = sent_to(
        &docker,
        &log,
        call!(|d| d.nodes().update_with("n1", |spec| {
            spec.availability = Some("drain".into());
        })),
        "POST",
        "/nodes/n1/update",
    )
    .await;
    assert_eq!(body(n), json!({"Role": "worker", "Availability": "drain"}));
    // Registry credentials in X-Registry-Auth, only when given.
    let header = |req: &Seen| {
        req.headers
            .iter()
            .find(|(k, _)| k == "x-registry-auth")
            .map(|(_, v)| v.clone())
    };
    let auth = docker_engine::RegistryAuth::new("u", "p").server_address("127.0.0.1:25001");
    let with_auth = sent_to(
        &docker,
        &log,
        call!(|d| d.services().create(
            &ServiceCreate::new(TaskTemplate::new(ContainerSpec::new("busybox"))).registry_auth(
                docker_engine::RegistryAuth::new("u", "p").server_address("127.0.0.1:25001")
            )
        )),
        "POST",
        "/services/create",
    )
    .await;
    assert_eq!(header(&with_auth), Some(auth.header_value()));
    let without = sent_to(
        &docker,
        &log,
        call!(|d| d
            .services()
            .create(&ServiceCreate::new(TaskTemplate::new(ContainerSpec::new(
                "busybox"
            ))))),
        "POST",
        "/services/create",
    )
    .await;
    assert_eq!(header(&without), None);
    let update_auth = sent_to(
        &docker,
        &log,
        call!(|d| d.services().update_with(
            "s1",
            &docker_engine::services::UpdateOptions::default().registry_auth(
                docker_engine::RegistryAuth::new("u", "p").server_address("127.0.0.1:25001")
            ),
            |_| Ok(())
        )),
        "POST",
        "/services/s1/update",
    )
    .await;
    assert_eq!(header(&update_auth), Some(auth.header_value()));
    assert_eq!(header(&forced_again(&docker, &log).await), None);
    // Bad input leaves nothing on the wire.
    let big = docker
        .secrets()
        .create(&docker_engine::secrets::SecretCreate::new(
            "big",
            vec![0; 600 * 1024],
        ))
        .await
        .unwrap_err();
    assert!(matches!(big, Error::InvalidInput { .. }), "{big:?}");
    let port = docker
        .services()
        .create(
            &ServiceCreate::new(TaskTemplate::new(ContainerSpec::new("busybox")))
                .endpoint_spec(docker_engine::types::EndpointSpec::default().port(70000, 80)),
        )
        .await
        .unwrap_err();
    assert!(matches!(port, Error::InvalidInput { .. }), "{port:?}");
    assert!(taken(&log).is_empty(), "nothing sent for bad input");
}

async fn forced_again(docker: &Docker, log: &Log) -> Seen {
    sent_to(
        docker,
        log,
        call!(|d| d.services().force_update("s1")),
        "POST",
        "/services/s1/update",
    )
    .await
}

/// A service carries the configured credentials for its image's registry
/// only when asked (the CLI's `--with-registry-auth`), and the caller's own
/// credentials win.
#[tokio::test]
async fn service_credentials_come_from_the_configuration_only_when_asked() {
    use docker_engine::services::{ServiceCreate, UpdateOptions};
    use docker_engine::types::{ContainerSpec, TaskTemplate};
    use docker_engine::RegistryAuth;
    let (host, log) = fake_engine("1.44").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.json"),
        r#"{"auths": {"127.0.0.1:25001": {"auth": "dXNlcjpwYXNz"}}}"#,
    )
    .unwrap();
    let docker = configured(&host, 44, dir.path());
    let private = "127.0.0.1:25001/team/app:1@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    let create = |image: &str| ServiceCreate::new(TaskTemplate::new(ContainerSpec::new(image)));
    let configured = serde_json::json!({"username": "user", "password": "pass", "serveraddress": "127.0.0.1:25001"});
    let mine = RegistryAuth::new("me", "mine").server_address("127.0.0.1:25001");

    let _ = docker.services().create(&create(private)).await;
    assert_eq!(header(&taken(&log)[0], "x-registry-auth"), None);
    let _ = docker
        .services()
        .create(&create(private).with_registry_auth(true))
        .await;
    assert_eq!(decoded_auth(&taken(&log)[0]), configured);
    let _ = docker
        .services()
        .create(
            &create(private)
                .with_registry_auth(true)
                .registry_auth(mine.clone()),
        )
        .await;
    assert_eq!(
        header(&taken(&log)[0], "x-registry-auth"),
        Some(mine.header_value().as_str())
    );
    // Nothing configured for Docker Hub: `{}`, as the CLI sends it.
    let _ = docker
        .services()
        .create(&create("busybox").with_registry_auth(true))
        .await;
    assert_eq!(header(&taken(&log)[0], "x-registry-auth"), Some("e30="));

    // An update: from the image of the spec it sends.
    let spec = create(private).build().unwrap();
    let opts = UpdateOptions::default().with_registry_auth(true);
    let _ = docker.services().update("s1", 3, &spec, &opts).await;
    let seen = taken(&log);
    assert_eq!(seen[0].path, "/v1.44/services/s1/update");
    assert_eq!(decoded_auth(&seen[0]), configured);
    let _ = docker
        .services()
        .update("s1", 3, &spec, &UpdateOptions::default())
        .await;
    assert_eq!(header(&taken(&log)[0], "x-registry-auth"), None);

    // A spec without an image cannot name a registry: a typed error, and
    // nothing is sent.
    let e = docker
        .services()
        .update("s1", 3, &Default::default(), &opts)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput { .. }), "{e:?}");
    assert!(taken(&log).is_empty());
}
