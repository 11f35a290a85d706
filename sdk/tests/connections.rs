//! The SDK's own connections for GET and HEAD requests, against a fake
//! engine that records every request and connection: what a real engine
//! cannot show on demand (exact request bytes, a connection closed between
//! two requests, a body cut short).

use std::sync::{Arc, Mutex};

use docker_engine::containers::ListOptions;
use docker_engine::{Docker, Error};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Keep-alive answers.
    Normal,
    /// Close every connection after one answer, without saying so.
    CloseAfterEach,
    /// Inspect answers promise more body than they send, then close.
    CutInspectShort,
    /// Logs answers send one line, then nothing, without ending.
    SilentLogs,
    /// Logs answers end (properly or not) in the middle of a frame.
    LogsEndMidFrame { close_connection: bool },
}

#[derive(Default)]
struct Seen {
    connections: usize,
    /// Each request's head, lines joined by `\n`.
    requests: Vec<String>,
}

async fn fake_engine(mode: Mode) -> (String, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            log.lock().unwrap().connections += 1;
            let log = log.clone();
            tokio::spawn(async move {
                let mut conn = BufReader::new(conn);
                loop {
                    let mut head = Vec::new();
                    loop {
                        let mut line = String::new();
                        if conn.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if line.trim().is_empty() {
                            break;
                        }
                        head.push(line.trim_end().to_string());
                    }
                    let path = head[0].split(' ').nth(1).unwrap_or_default().to_string();
                    log.lock().unwrap().requests.push(head.join("\n"));
                    let body = if path.ends_with("/_ping") {
                        "OK".to_string()
                    } else if path.ends_with("/version") {
                        r#"{"ApiVersion":"1.41","MinAPIVersion":"1.12","Version":"fake"}"#
                            .to_string()
                    } else if path.contains("/containers/json") {
                        r#"[{"Id":"a","Names":["/one"]},{"Id":"b","Names":["/two"]}]"#.to_string()
                    } else {
                        r#"{"Id":"abc","Name":"/fake","Config":{"Tty":false}}"#.to_string()
                    };
                    if mode == Mode::SilentLogs && path.contains("/logs") {
                        let w = conn.get_mut();
                        let _ = w
                            .write_all(
                                b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello\n\r\n",
                            )
                            .await;
                        let _ = w.flush().await;
                        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                        return;
                    }
                    if let Mode::LogsEndMidFrame { close_connection } = mode {
                        if path.contains("/logs") {
                            // A frame header declaring 100 bytes, then 10.
                            let mut frame = vec![1u8, 0, 0, 0, 0, 0, 0, 100];
                            frame.extend_from_slice(b"0123456789");
                            let mut answer = format!(
                                "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n",
                                frame.len()
                            )
                            .into_bytes();
                            answer.extend_from_slice(&frame);
                            answer.extend_from_slice(b"\r\n");
                            if !close_connection {
                                answer.extend_from_slice(b"0\r\n\r\n");
                            }
                            let w = conn.get_mut();
                            let _ = w.write_all(&answer).await;
                            let _ = w.flush().await;
                            if close_connection {
                                return;
                            }
                            continue;
                        }
                    }
                    let cut = mode == Mode::CutInspectShort && path.ends_with("/abc/json");
                    let declared = if cut { body.len() + 100 } else { body.len() };
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n{}",
                        if head[0].starts_with("HEAD") { "" } else { &body }
                    );
                    let w = conn.get_mut();
                    if w.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                    let _ = w.flush().await;
                    if cut || mode == Mode::CloseAfterEach {
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
async fn requests_share_one_connection_and_are_the_generated_ones() {
    let (host, seen) = fake_engine(Mode::Normal).await;
    let docker = client(&host);
    for _ in 0..3 {
        let c = docker.containers().inspect("abc").await.unwrap();
        assert_eq!(c.id.as_deref(), Some("abc"));
    }
    let list = docker
        .containers()
        .list(&ListOptions::default().all(true).label("app=web"))
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    let seen = seen.lock().unwrap();
    // Negotiation, three inspects and a list: one connection.
    assert_eq!(seen.connections, 1, "{:#?}", seen.requests);
    let list_request = seen
        .requests
        .iter()
        .find(|r| r.contains("/containers/json"))
        .unwrap();
    let lines: Vec<&str> = list_request.lines().collect();
    assert_eq!(
        lines[0],
        "GET /v1.41/containers/json?all=true&filters=%7B%22label%22%3A%5B%22app%3Dweb%22%5D%7D HTTP/1.1"
    );
    let host_line = format!("Host: {}", host.trim_start_matches("tcp://"));
    assert!(lines.contains(&host_line.as_str()), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("User-Agent: docker-engine-rs/")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.eq_ignore_ascii_case("accept: application/json")),
        "{lines:?}"
    );
    // The version is the one in the path; no header names another.
    for request in &seen.requests {
        assert!(
            !request.to_ascii_lowercase().contains("api-version"),
            "{request}"
        );
    }
}

#[tokio::test]
async fn a_connection_the_engine_closed_is_replaced() {
    let (host, seen) = fake_engine(Mode::CloseAfterEach).await;
    let docker = client(&host);
    for _ in 0..4 {
        let c = docker.containers().inspect("abc").await.unwrap();
        assert_eq!(c.id.as_deref(), Some("abc"));
    }
    let seen = seen.lock().unwrap();
    // Each connection carried one answer; a request never went unanswered.
    assert_eq!(seen.connections, seen.requests.len());
}

#[tokio::test]
async fn a_body_cut_short_is_a_transport_error() {
    let (host, _) = fake_engine(Mode::CutInspectShort).await;
    let docker = client(&host);
    match docker.containers().inspect("abc").await {
        Err(Error::Transport { .. }) => {}
        other => panic!("expected a transport error, got {other:?}"),
    }
    // The client goes on working afterwards.
    let list = docker
        .containers()
        .list(&ListOptions::default())
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
}

#[tokio::test]
async fn a_silent_stream_fails_after_the_idle_timeout_not_before() {
    use docker_engine::containers::LogsOptions;
    use futures_util::StreamExt;
    let (host, _) = fake_engine(Mode::SilentLogs).await;
    let docker = Docker::builder()
        .host(&host)
        .unwrap()
        .stream_idle_timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    let mut logs = docker
        .containers()
        .logs("abc", &LogsOptions::default().follow(true))
        .await
        .unwrap();
    // What came is delivered; then the silence is an error, not a hang.
    let first = logs.next().await.unwrap().unwrap();
    assert_eq!(&first.data[..], b"hello\n");
    let silent_since = std::time::Instant::now();
    let waited = tokio::time::timeout(std::time::Duration::from_secs(10), logs.next())
        .await
        .expect("the idle timeout ends the wait");
    assert!(silent_since.elapsed() >= std::time::Duration::from_millis(250));
    match waited {
        Some(Err(Error::Transport { .. })) => {}
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_log_stream_ending_inside_a_frame_is_an_error_item() {
    use docker_engine::containers::LogsOptions;
    use futures_util::StreamExt;
    for close_connection in [false, true] {
        let (host, _) = fake_engine(Mode::LogsEndMidFrame { close_connection }).await;
        let docker = client(&host);
        let logs = docker
            .containers()
            .logs("abc", &LogsOptions::default())
            .await
            .unwrap();
        let items: Vec<_> =
            tokio::time::timeout(std::time::Duration::from_secs(10), logs.collect())
                .await
                .expect("the stream ends");
        // The ten bytes that came are delivered, then one error, then the end.
        let data: Vec<u8> = items
            .iter()
            .filter_map(|i| i.as_ref().ok())
            .flat_map(|c| c.data.to_vec())
            .collect();
        assert_eq!(data, b"0123456789");
        let last = items.last().unwrap();
        // Either way the frame cannot be completed: a decode error.
        let Err(Error::Decode { source, .. }) = last else {
            panic!("{last:?}")
        };
        assert!(source.to_string().contains("inside a frame"), "{source}");
        if close_connection {
            // The connection was cut inside the HTTP body: that cause is
            // kept as the source.
            let causes: Vec<String> = std::iter::successors(source.source(), |e| e.source())
                .map(|e| e.to_string())
                .collect();
            assert!(
                causes.iter().any(|c| c.contains("closed the connection")),
                "{causes:?}"
            );
        } else {
            // A complete HTTP body whose last frame is cut short.
            assert!(source.source().is_none());
        }
    }
}
