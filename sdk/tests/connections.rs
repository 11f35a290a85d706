//! The SDK's own connections for GET and HEAD requests, against fake
//! engines that record every request and connection: what a real engine
//! cannot show on demand (exact request bytes, a connection closed between
//! two requests, a body cut short, answers that break HTTP/1.1). Each test
//! names the fence of `sdk/src/transport/h1.rs` it holds.

mod common;

use std::sync::{Arc, Mutex};

use docker_engine::containers::ListOptions;
use docker_engine::{Docker, Error};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Keep-alive answers.
    Normal,
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
                    if cut {
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
        Some(Err(e @ Error::Timeout { .. })) => {
            assert_eq!(
                e.timeout_phase(),
                Some(docker_engine::TimeoutPhase::StreamIdle)
            );
        }
        other => panic!("expected an idle-stream timeout, got {other:?}"),
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

// ---------------------------------------------------------------------------
// Scripted engines on a Unix socket: each answer is given as raw bytes by
// the test, with what the engine does afterwards. On a Unix socket what one
// side writes (or a close) is readable by the other as soon as the write
// returns, so these tests do not depend on timing.

use std::sync::atomic::{AtomicUsize, Ordering};

use docker_engine::versions::ApiVersion;
use docker_engine::VersionSetting;
use tokio::net::UnixListener;
use tokio::sync::Notify;

/// What the engine does with one request.
enum Act {
    /// Writes these bytes and reads the next request.
    Answer(Vec<u8>),
    /// Writes these bytes and closes the connection.
    AnswerAndClose(Vec<u8>),
    /// Writes these bytes, then stops reading (`shutdown(SHUT_RD)`): the
    /// client can read, and its next write fails.
    AnswerAndStopReading(Vec<u8>),
    /// Writes these bytes; once the test calls `go`, writes `later` on the
    /// same (idle) connection and tells the test (`written`).
    AnswerThenLater(Vec<u8>, Vec<u8>),
    /// Reads the request and closes the connection without answering.
    Close,
    /// Writes these bytes one at a time, each in its own write.
    Trickle(Vec<u8>),
}

/// `(connection number, request number on it, request line) -> Act`.
type Script = Box<dyn Fn(usize, usize, &str) -> Act + Send + Sync>;

struct Engine {
    host: String,
    /// Request lines in the order they came, with their connection.
    requests: Arc<Mutex<Vec<(usize, String)>>>,
    /// Whole request heads.
    heads: Arc<Mutex<Vec<String>>>,
    connections: Arc<AtomicUsize>,
    /// Connections the client closed, and a wake-up on each.
    closed: Arc<AtomicUsize>,
    closed_notify: Arc<Notify>,
    go: Arc<Notify>,
    written: Arc<Notify>,
    _dir: tempfile::TempDir,
}

impl Engine {
    fn requests(&self) -> Vec<(usize, String)> {
        self.requests.lock().unwrap().clone()
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Waits until `n` connections have been closed by the client.
    async fn closed_by_client(&self, n: usize) {
        loop {
            let notified = self.closed_notify.notified();
            if self.closed.load(Ordering::SeqCst) >= n {
                return;
            }
            notified.await;
        }
    }
}

fn scripted(script: impl Fn(usize, usize, &str) -> Act + Send + Sync + 'static) -> Engine {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("engine.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let script: Arc<Script> = Arc::new(Box::new(script));
    let engine = Engine {
        host: format!("unix://{}", path.display()),
        requests: Default::default(),
        heads: Default::default(),
        connections: Default::default(),
        closed: Default::default(),
        closed_notify: Default::default(),
        go: Default::default(),
        written: Default::default(),
        _dir: dir,
    };
    let (requests, heads, connections, closed, closed_notify, go, written) = (
        engine.requests.clone(),
        engine.heads.clone(),
        engine.connections.clone(),
        engine.closed.clone(),
        engine.closed_notify.clone(),
        engine.go.clone(),
        engine.written.clone(),
    );
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            let number = connections.fetch_add(1, Ordering::SeqCst);
            let (script, requests, heads, closed, closed_notify, go, written) = (
                script.clone(),
                requests.clone(),
                heads.clone(),
                closed.clone(),
                closed_notify.clone(),
                go.clone(),
                written.clone(),
            );
            tokio::spawn(async move {
                let mut conn = BufReader::new(conn);
                let mut n = 0;
                loop {
                    let mut head = Vec::new();
                    loop {
                        let mut line = String::new();
                        if conn.read_line(&mut line).await.unwrap_or(0) == 0 {
                            closed.fetch_add(1, Ordering::SeqCst);
                            closed_notify.notify_waiters();
                            return;
                        }
                        if line.trim().is_empty() {
                            break;
                        }
                        head.push(line.trim_end().to_string());
                    }
                    requests.lock().unwrap().push((number, head[0].clone()));
                    heads.lock().unwrap().push(head.join("\n"));
                    let act = script(number, n, &head[0]);
                    n += 1;
                    match act {
                        Act::Answer(bytes) => {
                            let _ = conn.get_mut().write_all(&bytes).await;
                        }
                        Act::AnswerAndClose(bytes) => {
                            let _ = conn.get_mut().write_all(&bytes).await;
                            return;
                        }
                        Act::AnswerAndStopReading(bytes) => {
                            let _ = conn.get_mut().write_all(&bytes).await;
                            let std = conn.into_inner().into_std().unwrap();
                            std.shutdown(std::net::Shutdown::Read).unwrap();
                            // Kept open (and silent) for the test's length.
                            let _keep = tokio::net::UnixStream::from_std(std).unwrap();
                            std::future::pending::<()>().await;
                            return;
                        }
                        Act::AnswerThenLater(bytes, later) => {
                            let _ = conn.get_mut().write_all(&bytes).await;
                            go.notified().await;
                            let _ = conn.get_mut().write_all(&later).await;
                            written.notify_one();
                        }
                        Act::Close => return,
                        Act::Trickle(bytes) => {
                            for b in bytes {
                                let _ = conn.get_mut().write_all(&[b]).await;
                                let _ = conn.get_mut().flush().await;
                                tokio::task::yield_now().await;
                            }
                        }
                    }
                }
            });
        }
    });
    engine
}

/// A client for `engine` speaking 1.41 (no negotiation: every request is
/// the test's).
fn pinned(engine: &Engine) -> Docker {
    Docker::builder()
        .host(&engine.host)
        .unwrap()
        .version(VersionSetting::Fixed(ApiVersion::new(1, 41)))
        .build()
        .unwrap()
}

/// An inspect answer naming the container `id`, with `Content-Length`.
fn inspect_answer(id: &str) -> Vec<u8> {
    let body = format!(r#"{{"Id":"{id}","Name":"/fake","Config":{{"Tty":false}}}}"#);
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The same answer with the head given (the body's framing up to the
/// test).
fn with_head(head: &str, body: &str) -> Vec<u8> {
    format!("{head}\r\n\r\n{body}").into_bytes()
}

async fn inspect_id(docker: &Docker) -> Result<String, Error> {
    Ok(docker
        .containers()
        .inspect("abc")
        .await?
        .id
        .unwrap_or_default())
}

#[tokio::test]
async fn an_unreadable_status_line_is_a_protocol_error_and_the_request_is_sent_once() {
    let engine = scripted(|_, n, _| {
        if n == 0 {
            Act::Answer(inspect_answer("abc"))
        } else {
            Act::AnswerAndClose(b"HTTP/1.1 abc OK\r\n\r\n".to_vec())
        }
    });
    let docker = pinned(&engine);
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    // On the reused connection: written, answered with garbage.
    match inspect_id(&docker).await {
        Err(Error::Protocol { .. }) => {}
        other => panic!("expected a protocol error, got {other:?}"),
    }
    assert_eq!(engine.requests().len(), 2, "{:?}", engine.requests());
}

#[tokio::test]
async fn a_request_written_on_a_reused_connection_is_not_sent_again() {
    // The engine reads the second request and closes without answering.
    let engine = scripted(|c, n, _| match (c, n) {
        (0, 0) => Act::Answer(inspect_answer("abc")),
        (0, _) => Act::Close,
        _ => Act::Answer(inspect_answer("again")),
    });
    let docker = pinned(&engine);
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    match inspect_id(&docker).await {
        Err(Error::Transport { .. }) => {}
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(engine.requests().len(), 2, "{:?}", engine.requests());
}

#[tokio::test]
async fn interim_answers_before_the_answer_are_skipped() {
    let engine = scripted(|_, _, _| {
        let mut bytes =
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n".to_vec();
        bytes.extend_from_slice(&inspect_answer("abc"));
        Act::Answer(bytes)
    });
    let docker = pinned(&engine);
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
}

#[tokio::test]
async fn bytes_on_an_idle_connection_are_not_taken_for_the_next_answer() {
    let engine = scripted(|c, _, _| {
        if c == 0 {
            Act::AnswerThenLater(inspect_answer("abc"), inspect_answer("stale"))
        } else {
            Act::Answer(inspect_answer("fresh"))
        }
    });
    let docker = pinned(&engine);
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    // The engine writes on the idle connection before the next request.
    engine.go.notify_one();
    engine.written.notified().await;
    assert_eq!(inspect_id(&docker).await.unwrap(), "fresh");
    assert_eq!(engine.connections(), 2);
}

#[tokio::test]
async fn bytes_after_the_last_chunk_keep_the_connection_out_of_the_pool() {
    let engine = scripted(|_, _, _| {
        let body = r#"{"Id":"abc"}"#;
        let mut bytes = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
            body.len()
        )
        .into_bytes();
        // Not part of any answer.
        bytes.extend_from_slice(b"HTTP/1.1 200 OK\r\n");
        Act::Answer(bytes)
    });
    let docker = pinned(&engine);
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    assert_eq!(engine.connections(), 2);
}

#[tokio::test]
async fn bytes_after_a_content_length_body_keep_the_connection_out_of_the_pool() {
    let engine = scripted(|_, _, _| {
        let mut bytes = inspect_answer("abc");
        bytes.extend_from_slice(b"HTTP/1.1 200 OK\r\n");
        Act::Answer(bytes)
    });
    let docker = pinned(&engine);
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    assert_eq!(engine.connections(), 2);
}

#[tokio::test]
async fn connection_close_is_read_as_a_token_list() {
    // The engine asks to close but keeps the connection open: the client
    // must not send another request on it.
    for connection in ["keep-alive, close", "Upgrade,CLOSE", "foo"] {
        let engine = scripted(move |_, _, _| {
            let body = r#"{"Id":"abc"}"#;
            Act::Answer(with_head(
                &format!(
                    "HTTP/1.1 200 OK\r\nConnection: {connection}\r\nContent-Length: {}",
                    body.len()
                ),
                body,
            ))
        });
        let docker = pinned(&engine);
        assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
        assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
        let expected = if connection == "foo" { 1 } else { 2 };
        assert_eq!(engine.connections(), expected, "Connection: {connection}");
    }
}

#[tokio::test]
async fn an_answer_with_both_transfer_encoding_and_content_length_is_not_trusted_again() {
    // Read by its chunks (RFC 9112, 6.3), and its connection closed.
    let engine = scripted(|_, _, _| {
        let body = r#"{"Id":"abc"}"#;
        Act::Answer(
            format!(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
                body.len()
            )
            .into_bytes(),
        )
    });
    let docker = pinned(&engine);
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    assert_eq!(engine.connections(), 2);
}

#[tokio::test]
async fn an_http10_answer_keeps_its_connection_only_with_keep_alive() {
    for (connection, expected) in [("", 2), ("Connection: keep-alive\r\n", 1)] {
        let engine = scripted(move |_, _, _| {
            let body = r#"{"Id":"abc"}"#;
            Act::Answer(with_head(
                &format!(
                    "HTTP/1.0 200 OK\r\n{connection}Content-Length: {}",
                    body.len()
                ),
                body,
            ))
        });
        let docker = pinned(&engine);
        assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
        assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
        assert_eq!(engine.connections(), expected, "{connection:?}");
    }
}

#[tokio::test]
async fn a_bad_content_length_is_a_protocol_error() {
    for length in ["12abc", "+12", "-1", "12, 13", ""] {
        let engine = scripted(move |_, _, _| {
            Act::AnswerAndClose(with_head(
                &format!("HTTP/1.1 200 OK\r\nContent-Length: {length}"),
                r#"{"Id":"abc"}"#,
            ))
        });
        let docker = pinned(&engine);
        match inspect_id(&docker).await {
            Err(Error::Protocol { .. }) => {}
            other => panic!("Content-Length: {length:?}: expected a protocol error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_reused_connection_that_cannot_take_the_request_is_replaced_and_said_so() {
    let traces = common::Traces::capture();

    // The first connection stops reading after its answer: it looks idle
    // and open, and writing the next request on it fails at once.
    let engine = scripted(|c, _, _| {
        if c == 0 {
            Act::AnswerAndStopReading(inspect_answer("abc"))
        } else {
            Act::Answer(inspect_answer("second"))
        }
    });
    let docker = pinned(&engine);
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    assert_eq!(inspect_id(&docker).await.unwrap(), "second");
    assert_eq!(engine.connections(), 2);
    assert_eq!(engine.requests().len(), 2);
    let out = traces.text();
    assert!(out.contains("retrying on another"), "{out}");
}

#[tokio::test]
async fn a_connection_the_engine_closed_while_idle_is_replaced() {
    let engine = scripted(|_, _, _| Act::AnswerAndClose(inspect_answer("abc")));
    let docker = pinned(&engine);
    for _ in 0..4 {
        assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    }
    // Each connection carried one request; none was sent twice.
    assert_eq!(engine.connections(), 4);
    assert_eq!(engine.requests().len(), 4);
}

#[tokio::test(start_paused = true)]
async fn a_stream_dropped_half_read_does_not_return_its_connection() {
    use docker_engine::containers::LogsOptions;
    use futures_util::StreamExt;
    let engine = scripted(|_, _, line| {
        if line.contains("/logs") {
            // One frame of two, then the rest once the test says so.
            let frame = |text: &str| {
                let mut f = vec![1u8, 0, 0, 0];
                f.extend_from_slice(&(text.len() as u32).to_be_bytes());
                f.extend_from_slice(text.as_bytes());
                let mut c = format!("{:x}\r\n", f.len()).into_bytes();
                c.extend_from_slice(&f);
                c.extend_from_slice(b"\r\n");
                c
            };
            let mut first = b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            first.extend_from_slice(&frame("one\n"));
            let mut rest = frame("two\n");
            rest.extend_from_slice(b"0\r\n\r\n");
            Act::AnswerThenLater(first, rest)
        } else {
            Act::Answer(inspect_answer("abc"))
        }
    });
    let docker = pinned(&engine);
    let mut logs = docker
        .containers()
        .logs("abc", &LogsOptions::default())
        .await
        .unwrap();
    assert_eq!(&logs.next().await.unwrap().unwrap().data[..], b"one\n");
    drop(logs);
    // On the stream's connection nothing would answer (the engine is still
    // in the stream): the call must go on a new one. Virtual time: the
    // bound is reached at once if the call hangs.
    let id = tokio::time::timeout(std::time::Duration::from_secs(60), inspect_id(&docker))
        .await
        .expect("the call went on a new connection");
    assert_eq!(id.unwrap(), "abc");
    assert_eq!(engine.connections(), 2);
}

#[tokio::test(start_paused = true)]
async fn idle_connections_are_closed_after_90_seconds() {
    // Virtual time: the runtime's clock jumps to the next timer when
    // nothing else can run.
    let engine = scripted(|_, _, _| Act::Answer(inspect_answer("abc")));
    let docker = pinned(&engine);
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    tokio::time::sleep(std::time::Duration::from_secs(89)).await;
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    assert_eq!(engine.connections(), 1, "still fresh after 89 s");
    tokio::time::timeout(
        std::time::Duration::from_secs(3600),
        engine.closed_by_client(1),
    )
    .await
    .expect("the idle connection is closed");
    assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
    assert_eq!(engine.connections(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_black_holed_engine_costs_one_connect_timeout() {
    // A listener whose accept queue is full: further connects get no
    // answer at all.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fill = Vec::new();
    for _ in 0..8 {
        match std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_millis(200)) {
            Ok(s) => fill.push(s),
            Err(_) => break,
        }
    }
    let docker = Docker::builder()
        .host(&format!("tcp://{addr}"))
        .unwrap()
        .connect_timeout(std::time::Duration::from_secs(1))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let result = docker.system().ping().await;
    let spent = started.elapsed();
    match result {
        Err(e @ Error::Timeout { .. }) => {
            assert_eq!(
                e.timeout_phase(),
                Some(docker_engine::TimeoutPhase::Connect)
            );
            assert_eq!(e.operation(), Some("SystemPing"));
        }
        other => panic!("expected a connect timeout, got {other:?}"),
    }
    // Negotiation's HEAD, nothing after it: one timeout of virtual time.
    assert!(
        spent < std::time::Duration::from_millis(1500),
        "{spent:?} of connect timeouts"
    );
    drop(fill);
}

#[tokio::test]
async fn own_http1_false_sends_everything_through_reqwest() {
    for own in [true, false] {
        let engine = scripted(|_, _, _| Act::Answer(inspect_answer("abc")));
        let docker = Docker::builder()
            .host(&engine.host)
            .unwrap()
            .version(VersionSetting::Fixed(ApiVersion::new(1, 41)))
            .own_http1(own)
            .build()
            .unwrap();
        assert_eq!(inspect_id(&docker).await.unwrap(), "abc");
        let heads = engine.heads.lock().unwrap().clone();
        // The SDK's connections write `Host` as the RFC spells it; hyper
        // (under reqwest) writes header names in lowercase.
        let host_line = heads[0]
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("host:"))
            .unwrap()
            .to_string();
        assert_eq!(host_line.starts_with("Host:"), own, "{heads:?}");
    }
}

#[tokio::test]
async fn an_answer_trickled_a_byte_at_a_time_is_read_whole() {
    let engine = scripted(|_, _, _| Act::Trickle(inspect_answer("slow")));
    let docker = pinned(&engine);
    assert_eq!(inspect_id(&docker).await.unwrap(), "slow");
    // Chunked too, a byte at a time.
    let body = r#"{"Id":"chunky","Config":{"Tty":false}}"#;
    let chunked = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    let engine = scripted(move |_, _, _| Act::Trickle(chunked.clone().into_bytes()));
    assert_eq!(inspect_id(&pinned(&engine)).await.unwrap(), "chunky");
}

#[tokio::test]
async fn a_huge_error_answer_is_read_only_to_its_limit() {
    // 100 MiB of message: the client keeps 64 KiB of it.
    let message = "x".repeat(100 << 20);
    let body = format!(r#"{{"message":"{message}"}}"#);
    let answer = with_head(
        &format!(
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: {}",
            body.len()
        ),
        &body,
    );
    drop((message, body));
    let engine = scripted(move |_, _, _| Act::AnswerAndClose(answer.clone()));
    let e = pinned(&engine)
        .containers()
        .inspect("abc")
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(500));
    let text = e.engine_message().unwrap_or_default();
    assert!(text.len() < 70 << 10, "{} bytes kept", text.len());
    assert!(
        text.ends_with("(the engine's message was cut at 64 KiB)"),
        "{}",
        &text[text.len() - 80..]
    );
}

#[tokio::test]
async fn a_json_answer_larger_than_the_limit_is_refused_without_reading_it() {
    // Declared as 1 GiB; the engine then sends a few bytes and waits.
    let answer = with_head(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824",
        r#"{"Id":"#,
    );
    let engine = scripted(move |_, _, _| Act::AnswerAndStopReading(answer.clone()));
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        pinned(&engine).containers().inspect("abc"),
    )
    .await
    .expect("refused at once, not read");
    let e = outcome.unwrap_err();
    assert!(
        matches!(&e, Error::Decode { .. }) && e.to_string().contains("larger than 256 MiB"),
        "{e}"
    );
}

/// A JSON answer whose head arrives and whose body never does: the
/// response timeout ends the call with a typed error naming it.
#[tokio::test]
async fn headers_then_silence_is_a_timeout() {
    let engine = scripted(|_, _, _| {
        Act::AnswerAndStopReading(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"Id\""
                .to_vec(),
        )
    });
    let docker = Docker::builder()
        .host(&engine.host)
        .unwrap()
        .version(VersionSetting::Fixed(ApiVersion::new(1, 41)))
        .response_timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    // A broken timeout fails here rather than hanging the suite.
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(10), inspect_id(&docker))
        .await
        .expect("the response timeout ends the call");
    match outcome {
        Err(e @ Error::Timeout { .. }) => assert_eq!(e.operation(), Some("ContainerInspect")),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

/// A `Content-Length` smaller than the body sent: the answer is what the
/// length says (here, JSON cut short: a decode error), and the bytes after
/// it are not taken for the next answer.
#[tokio::test]
async fn a_content_length_shorter_than_the_body_is_read_as_declared() {
    let engine = scripted(|conn, _, _| {
        if conn == 0 {
            let body = r#"{"Id":"abc","Name":"/fake"}"#;
            Act::Answer(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{body}"
                )
                .into_bytes(),
            )
        } else {
            Act::Answer(inspect_answer("second"))
        }
    });
    let docker = pinned(&engine);
    match inspect_id(&docker).await {
        Err(Error::Decode { .. }) => {}
        other => panic!("expected a decode error, got {other:?}"),
    }
    // On a new connection: the first one had bytes beyond its answer.
    assert_eq!(inspect_id(&docker).await.unwrap(), "second");
    assert_eq!(engine.connections(), 2);
}

/// A TCP reset in the middle of a JSON answer: a transport error, and the
/// client works on a new connection afterwards.
#[tokio::test]
async fn a_reset_in_the_middle_of_a_json_answer_is_a_transport_error() {
    use tokio::io::AsyncReadExt;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut n = 0;
        while let Ok((mut conn, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                if conn.read(&mut byte).await.unwrap_or(0) == 0 {
                    break;
                }
                head.push(byte[0]);
            }
            if n == 0 {
                let _ = conn
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n{\"Id\":\"ab")
                    .await;
                let _ = conn.flush().await;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                // SO_LINGER 0: the close is a reset.
                conn.set_zero_linger().unwrap();
                drop(conn);
            } else {
                let _ = conn.write_all(&inspect_answer("after")).await;
                let _ = conn.flush().await;
            }
            n += 1;
        }
    });
    let docker = Docker::builder()
        .host(&format!("tcp://{addr}"))
        .unwrap()
        .version(VersionSetting::Fixed(ApiVersion::new(1, 41)))
        .build()
        .unwrap();
    match inspect_id(&docker).await {
        Err(Error::Transport { .. }) => {}
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(inspect_id(&docker).await.unwrap(), "after");
}
