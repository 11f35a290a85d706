//! Negotiation and timeouts against a fake engine that counts and records
//! requests: what a real engine cannot show on demand (a version newer or
//! older than any real one, a silent engine, concurrent first calls).

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use docker_engine::versions::{self, ApiVersion};
use docker_engine::{Docker, Error};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// How the fake engine behaves.
#[derive(Clone)]
struct Behaviour {
    api_version: String,
    min_api_version: String,
    head_ping_allowed: bool,
    /// Requests to paths containing this get no answer at all.
    silent_on: Option<&'static str>,
    /// Requests to paths containing this get headers now and the body later.
    slow_body_on: Option<(&'static str, Duration)>,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            api_version: "1.41".into(),
            min_api_version: "1.12".into(),
            head_ping_allowed: true,
            silent_on: None,
            slow_body_on: None,
        }
    }
}

/// Starts the fake engine; returns its address and the request lines seen.
async fn fake_engine(b: Behaviour) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((conn, _)) = listener.accept().await else {
                return;
            };
            let (b, log) = (b.clone(), log.clone());
            tokio::spawn(async move {
                let mut conn = BufReader::new(conn);
                loop {
                    let mut line = String::new();
                    if conn.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let mut len = 0usize;
                    loop {
                        let mut h = String::new();
                        conn.read_line(&mut h).await.unwrap();
                        if h.trim().is_empty() {
                            break;
                        }
                        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0; len];
                    conn.read_exact(&mut body).await.unwrap();
                    let request = line.trim().to_string();
                    log.lock().unwrap().push(request.clone());
                    let mut parts = request.split(' ');
                    let (method, path) = (
                        parts.next().unwrap().to_string(),
                        parts.next().unwrap().to_string(),
                    );
                    if b.silent_on.is_some_and(|s| path.contains(s)) {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                    }
                    let (status, payload) = if path == "/_ping" {
                        if method == "HEAD" && !b.head_ping_allowed {
                            ("405 Method Not Allowed", String::new())
                        } else {
                            ("200 OK", "OK".to_string())
                        }
                    } else if path.ends_with("/version") {
                        (
                            "200 OK",
                            format!(
                                r#"{{"ApiVersion":"{}","MinAPIVersion":"{}","Version":"fake"}}"#,
                                b.api_version, b.min_api_version
                            ),
                        )
                    } else if path.contains("/wait") {
                        ("200 OK", r#"{"StatusCode":7}"#.to_string())
                    } else {
                        ("200 OK", "{}".to_string())
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\nAPI-Version: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                        b.api_version,
                        payload.len()
                    );
                    let w = conn.get_mut();
                    if w.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                    if let Some((p, delay)) = b.slow_body_on {
                        if path.contains(p) {
                            let _ = w.flush().await;
                            tokio::time::sleep(delay).await;
                        }
                    }
                    if method != "HEAD" && w.write_all(payload.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (format!("tcp://{addr}"), seen)
}

fn client(host: &str) -> Docker {
    Docker::builder().host(host).unwrap().build().unwrap()
}

#[tokio::test]
async fn concurrent_first_calls_negotiate_once() {
    let (host, seen) = fake_engine(Behaviour::default()).await;
    let docker = client(&host);
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let d = docker.clone();
            tokio::spawn(async move { d.system().info().await })
        })
        .collect();
    for c in calls {
        c.await.unwrap().unwrap();
    }
    let seen = seen.lock().unwrap().clone();
    let pings = seen.iter().filter(|r| r.contains("/_ping")).count();
    assert_eq!(pings, 1, "{seen:?}");
    let infos: Vec<_> = seen.iter().filter(|r| r.contains("/info")).collect();
    assert_eq!(infos.len(), 16);
    assert!(
        infos.iter().all(|r| r.starts_with("GET /v1.41/info ")),
        "{infos:?}"
    );
    assert_eq!(docker.negotiated_version(), Some(ApiVersion::new(1, 41)));
}

#[tokio::test]
async fn falls_back_to_get_when_head_is_refused() {
    let (host, seen) = fake_engine(Behaviour {
        head_ping_allowed: false,
        ..Default::default()
    })
    .await;
    assert_eq!(
        client(&host).api_version().await.unwrap(),
        ApiVersion::new(1, 41)
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen[..2],
        [
            "HEAD /_ping HTTP/1.1".to_string(),
            "GET /_ping HTTP/1.1".to_string()
        ]
    );
}

#[tokio::test]
async fn a_newer_engine_is_spoken_to_at_our_newest() {
    let newer = format!("1.{}", versions::NEWEST.minor() + 3);
    let (host, seen) = fake_engine(Behaviour {
        api_version: newer,
        min_api_version: "1.24".into(),
        ..Default::default()
    })
    .await;
    let docker = client(&host);
    docker.system().info().await.unwrap();
    assert_eq!(docker.negotiated_version(), Some(versions::NEWEST));
    assert!(seen
        .lock()
        .unwrap()
        .iter()
        .any(|r| r.starts_with(&format!("GET /v{}/info", versions::NEWEST))));
}

#[tokio::test]
async fn an_engine_whose_minimum_is_above_our_newest_is_refused() {
    let min = format!("1.{}", versions::NEWEST.minor() + 2);
    let max = format!("1.{}", versions::NEWEST.minor() + 9);
    let (host, seen) = fake_engine(Behaviour {
        api_version: max.clone(),
        min_api_version: min.clone(),
        ..Default::default()
    })
    .await;
    let err = client(&host).system().info().await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::VersionMismatch { .. }), "{err:?}");
    assert!(
        text.contains(&min) && text.contains(&versions::NEWEST.to_string()),
        "{text}"
    );
    // Nothing but the negotiation was sent.
    assert!(seen.lock().unwrap().iter().all(|r| !r.contains("/info")));
}

#[tokio::test]
async fn an_engine_older_than_our_oldest_is_refused() {
    let (host, _) = fake_engine(Behaviour {
        api_version: "1.12".into(),
        ..Default::default()
    })
    .await;
    let err = client(&host).system().info().await.unwrap_err();
    assert!(
        err.to_string().contains("1.12") && err.to_string().contains(&versions::OLDEST.to_string()),
        "{err}"
    );
}

#[tokio::test]
async fn a_silent_engine_times_out_with_a_typed_error() {
    let (host, _) = fake_engine(Behaviour {
        silent_on: Some("/info"),
        ..Default::default()
    })
    .await;
    let docker = Docker::builder()
        .host(&host)
        .unwrap()
        .response_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    match docker.system().info().await {
        Err(e @ Error::Timeout { .. }) => {
            let Error::Timeout { after, .. } = &e else {
                unreachable!()
            };
            assert_eq!(*after, Some(Duration::from_millis(300)));
            assert_eq!(e.timeout_phase(), Some(docker_engine::TimeoutPhase::Answer));
            assert_eq!(e.operation(), Some("SystemInfo"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn waiting_on_a_container_is_not_cut_by_the_response_timeout() {
    let (host, _) = fake_engine(Behaviour {
        slow_body_on: Some(("/wait", Duration::from_millis(800))),
        ..Default::default()
    })
    .await;
    let docker = Docker::builder()
        .host(&host)
        .unwrap()
        .response_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let exit = docker
        .containers()
        .wait("c", &Default::default())
        .await
        .unwrap();
    assert_eq!(exit.status_code, 7);
}

#[tokio::test]
async fn request_spans_are_recorded_when_a_subscriber_listens() {
    let traces = common::Traces::capture();
    let (host, _) = fake_engine(Behaviour::default()).await;
    client(&host).system().info().await.unwrap();
    let out = traces.text();
    assert!(out.contains("docker.request"), "{out}");
    assert!(
        out.contains("op=\"SystemInfo\"") || out.contains("op=SystemInfo"),
        "{out}"
    );
    assert!(out.contains("status=200"), "{out}");
}
