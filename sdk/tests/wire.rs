//! What goes on the wire for each SDK option, captured by a fake engine
//! that records every request exactly as it arrived: one row per option,
//! set alone, with its exact effect (query parameters, body fields); unset
//! options send nothing. And the version gate judging the request that is
//! sent: on an engine at API 1.29, `wait` and `run` work (the default wait
//! condition is not sent), while a condition that needs 1.30 is refused
//! with nothing sent; attach over WebSocket sends its stream choice from
//! API 1.42 only.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use docker_engine::containers::{
    AttachOptions, ContainerCreate, KillOptions, ListOptions, LogsOptions, PruneOptions,
    RemoveOptions, RunOptions, StatsOptions, StopOptions, TopOptions, WaitCondition, WaitOptions,
};
use docker_engine::exec::ExecCreate;
use docker_engine::versions::ApiVersion;
use docker_engine::{Docker, Error, VersionSetting};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    query: BTreeMap<String, String>,
    /// The query as sent (repeated keys kept).
    raw_query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

type Log = Arc<Mutex<Vec<Seen>>>;

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

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
    match (method, p) {
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

/// A fake engine at API `api` that records every request.
async fn fake_engine(api: &'static str) -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log: Log = Arc::default();
    let seen = log.clone();
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut conn = BufReader::new(conn);
                loop {
                    let mut line = String::new();
                    if conn.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let mut headers = Vec::new();
                    let mut len = 0usize;
                    loop {
                        let mut h = String::new();
                        conn.read_line(&mut h).await.unwrap();
                        let h = h.trim_end();
                        if h.is_empty() {
                            break;
                        }
                        let (k, v) = h.split_once(':').unwrap();
                        if k.eq_ignore_ascii_case("content-length") {
                            len = v.trim().parse().unwrap();
                        }
                        headers.push((k.to_ascii_lowercase(), v.trim().to_string()));
                    }
                    let mut body = vec![0; len];
                    conn.read_exact(&mut body).await.unwrap();
                    let mut parts = line.split(' ');
                    let method = parts.next().unwrap().to_string();
                    let target = parts.next().unwrap().to_string();
                    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
                    let query = query
                        .split('&')
                        .filter(|kv| !kv.is_empty())
                        .map(|kv| {
                            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                            (decode(k), decode(v))
                        })
                        .collect();
                    let upgrade = headers.iter().any(|(k, _)| k == "upgrade");
                    let raw_query = target
                        .split_once('?')
                        .map(|(_, q)| q.to_string())
                        .unwrap_or_default();
                    seen.lock().unwrap().push(Seen {
                        method: method.clone(),
                        path: path.to_string(),
                        query,
                        raw_query,
                        headers,
                        body,
                    });
                    if upgrade && path.ends_with("/attach") {
                        // Docker's hijack: 101, then one stdout frame, then
                        // the end of the output.
                        let mut out = b"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n".to_vec();
                        out.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 3]);
                        out.extend_from_slice(b"hi\n");
                        conn.get_mut().write_all(&out).await.unwrap();
                        let _ = conn.get_mut().shutdown().await;
                        return;
                    }
                    if upgrade && path.ends_with("/attach/ws") {
                        // A WebSocket: 101, one binary message, the
                        // engine's close.
                        let mut out = b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n".to_vec();
                        out.extend_from_slice(&[0x82, 3]);
                        out.extend_from_slice(b"hi\n");
                        out.extend_from_slice(&[0x88, 2, 0x03, 0xe8]);
                        conn.get_mut().write_all(&out).await.unwrap();
                        let _ = conn.get_mut().shutdown().await;
                        return;
                    }
                    let (status, extra, payload) = answer(&method, path, api);
                    let head = format!(
                        "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\n\r\n",
                        payload.len()
                    );
                    conn.get_mut().write_all(head.as_bytes()).await.unwrap();
                    conn.get_mut().write_all(&payload).await.unwrap();
                }
            });
        }
    });
    (format!("tcp://{addr}"), log)
}

fn client(host: &str, version: Option<(u16, u16)>) -> Docker {
    let mut b = Docker::builder().host(host).unwrap();
    if let Some((major, minor)) = version {
        b = b.version(VersionSetting::Fixed(ApiVersion::new(major, minor)));
    }
    b.build().unwrap()
}

/// The requests after negotiation (pings are left out).
fn taken(log: &Log) -> Vec<Seen> {
    std::mem::take(&mut *log.lock().unwrap())
        .into_iter()
        .filter(|s| s.path != "/_ping")
        .collect()
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
    let docker = Docker::builder()
        .host(&host)
        .unwrap()
        .version(VersionSetting::Fixed(ApiVersion::new(1, 44)))
        .cli_config(docker_engine::config::CliConfig::load_dir(dir.path()).unwrap())
        .build()
        .unwrap();
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
    let docker = Docker::builder()
        .host(&host)
        .unwrap()
        .version(VersionSetting::Fixed(ApiVersion::new(1, 44)))
        .cli_config(docker_engine::config::CliConfig::load_dir(dir.path()).unwrap())
        .build()
        .unwrap();

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
