//! The SDK's own HTTP/1.1 connections, for GET and HEAD requests and
//! POST requests with an empty body.
//!
//! The generated methods build their requests as always; GET and HEAD ones
//! (and POST ones with an empty body) are then sent here (see `docker_engine_raw::exec`) instead of through
//! reqwest, over keep-alive connections pooled by this module. Two costs go
//! away:
//!
//! - per request, the layers of a general-purpose client (redirect and
//!   retry policies, the connection task a response crosses to reach its
//!   reader, per-request allocations), which are a good share of a small
//!   call's CPU time;
//! - per chunk of a streamed answer: engines send logs with one HTTP chunk
//!   per log frame, millions of chunks per gigabyte, and a general client
//!   hands each one over on its own. Here the body is read in large blocks
//!   and the chunked encoding is removed in place, so what comes out is one
//!   block per read, however many chunks it held.
//!
//! The fences (each has a test in `sdk/tests/connections.rs` or in the
//! differential corpus of `differential.rs`, which sends the same answers
//! through reqwest and compares):
//!
//! - A request whose bytes were written is never sent again: the only
//!   retry is on a reused connection that failed before any byte of the
//!   request was written. Failures are reported as they are (no fallback
//!   to reqwest), so a failed connect costs one connect timeout.
//! - An idle connection is checked before reuse: one the engine closed, or
//!   on which it sent anything, is dropped. Idle connections are closed
//!   after [`IDLE_EXPIRY`] (each may hold an ssh process).
//! - A connection goes back to the pool only when its answer was read to
//!   its end, exactly: nothing more had arrived after it, the answer did
//!   not ask to close (`Connection` is a token list; HTTP/1.0 needs
//!   `keep-alive`), and its length was known. A dropped request or a body
//!   dropped half-read closes its connection.
//! - Interim answers (`1xx`) are skipped; a malformed `Content-Length`
//!   (or several that disagree), an unreadable head or a malformed chunk is
//!   a protocol error ([`crate::Error::Protocol`]).
//! - Every retry emits a `tracing` event (target
//!   `docker_engine::transport::h1`).
//!
//! Used for Unix sockets, plain TCP and ssh (through the bridge's socket);
//! TLS connections go through reqwest, as does everything when the
//! builder's `own_http1(false)` is set.

use std::future::Future as _;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use docker_engine_raw::exec::{Attempt, Sending, Transport};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use crate::error::BoxError;

/// The most a response head may take.
const MAX_HEAD: usize = 64 * 1024;
/// How much is read at a time.
const READ_SIZE: usize = 64 * 1024;
/// How long an idle connection is kept (reqwest's default too).
pub(crate) const IDLE_EXPIRY: Duration = Duration::from_secs(90);

/// Where connections go.
#[derive(Clone, Debug)]
pub(crate) enum Dial {
    Unix(PathBuf),
    Tcp(String),
}

/// What making connections and requests needs.
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    pub dial: Dial,
    /// The `Host` header.
    pub host: String,
    pub user_agent: String,
    pub connect_timeout: Option<Duration>,
    /// The longest a streamed answer may stay silent.
    pub idle_timeout: Option<Duration>,
    /// Idle connections kept.
    pub max_idle: usize,
    /// How long an idle connection is kept.
    pub idle_expiry: Duration,
}

/// Why a request on the SDK's own connections failed; the SDK's error
/// keeps it as its source (see `negotiate::raw_error_sync` and
/// [`crate::error::protocol_violation`]).
#[derive(Clone, Debug)]
pub(crate) struct Failure {
    pub kind: FailureKind,
    detail: String,
    io: Option<Arc<std::io::Error>>,
}

/// What kind of failure a [`Failure`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FailureKind {
    /// The connection could not be made.
    Connect,
    /// Connecting took longer than the connect timeout.
    ConnectTimeout,
    /// The answer broke HTTP/1.1.
    Protocol,
    /// The connection failed or closed during the exchange.
    Io,
}

impl Failure {
    fn new(kind: FailureKind, detail: impl Into<String>) -> Failure {
        Failure {
            kind,
            detail: detail.into(),
            io: None,
        }
    }

    fn io(kind: FailureKind, detail: impl Into<String>, e: std::io::Error) -> Failure {
        Failure {
            kind,
            detail: detail.into(),
            io: Some(Arc::new(e)),
        }
    }

    fn protocol(detail: impl Into<String>) -> Failure {
        Failure::new(FailureKind::Protocol, detail)
    }

    /// A connection closed or cut where the answer needed more.
    fn closed(detail: &str) -> Failure {
        Failure::io(
            FailureKind::Io,
            detail,
            std::io::Error::new(std::io::ErrorKind::UnexpectedEof, detail.to_string()),
        )
    }

    pub(crate) fn is_protocol(&self) -> bool {
        self.kind == FailureKind::Protocol
    }

    /// A stream that stayed silent longer than its idle timeout.
    pub(crate) fn is_timeout(&self) -> bool {
        self.io
            .as_ref()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::TimedOut)
    }

    /// As a `reqwest::Error` (what the generated client's hook returns),
    /// with this failure in its sources. reqwest has no public constructor:
    /// an answer whose body fails with it is read.
    async fn into_reqwest(self) -> reqwest::Error {
        let body = reqwest::Body::wrap_stream(futures_util::stream::once(async move {
            Err::<Bytes, BoxError>(Box::new(self))
        }));
        match reqwest::Response::from(http::Response::new(body))
            .bytes()
            .await
        {
            Err(e) => e,
            // Cannot happen: the body's only item is an error, and reqwest
            // returns a body's first error; reqwest has no other way to make
            // an error from a source.
            #[allow(clippy::unreachable)]
            Ok(_) => unreachable!("a body that fails does not succeed"),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.io
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

trait Io: AsyncRead + AsyncWrite + Send + Sync + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Sync + Unpin> Io for T {}

/// A connection and what was read on it beyond the last answer (nothing,
/// for a connection that goes back to the pool).
struct Conn {
    io: Box<dyn Io>,
    buf: BytesMut,
}

/// The pool of connections, given to the generated client as its transport.
#[derive(Debug)]
pub(crate) struct Pool {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    endpoint: Endpoint,
    idle: Mutex<IdleSet>,
}

/// The idle connections, and the task closing expired ones (a new one is
/// started when it has ended, or its runtime has).
#[derive(Debug, Default)]
struct IdleSet {
    conns: Vec<Idle>,
    reaper: Option<tokio::task::JoinHandle<()>>,
}

#[derive(Debug)]
struct Idle {
    conn: Conn,
    since: Instant,
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn")
            .field("buffered", &self.buf.len())
            .finish_non_exhaustive()
    }
}

impl Pool {
    pub(crate) fn new(endpoint: Endpoint) -> Pool {
        Pool {
            shared: Arc::new(Shared {
                endpoint,
                idle: Mutex::new(IdleSet::default()),
            }),
        }
    }

    /// Whether this pool takes `request`: GET and HEAD without a body, and
    /// POST with an empty one (a pull's or a push's progress stream, a
    /// start or a wait: sent with `Content-Length: 0`), never an upgrade.
    fn takes(request: &reqwest::Request) -> bool {
        let method = request.method();
        let no_body = request.body().is_none();
        let empty_body = no_body || request.body().and_then(|b| b.as_bytes()) == Some(&[]);
        ((method == reqwest::Method::GET || method == reqwest::Method::HEAD) && no_body
            || method == reqwest::Method::POST && empty_body)
            && !request.headers().contains_key(reqwest::header::UPGRADE)
    }
}

impl Transport for Pool {
    /// Takes nothing: the pool reports its failures itself, which `send`
    /// cannot (see [`Transport::attempt`]).
    fn send<'a>(&'a self, _request: &'a reqwest::Request) -> Option<Sending<'a>> {
        None
    }

    fn attempt<'a>(&'a self, request: &'a reqwest::Request) -> Option<Attempt<'a>> {
        if !Pool::takes(request) {
            return None;
        }
        let head_only = request.method() == reqwest::Method::HEAD;
        let shared = self.shared.clone();
        Some(Box::pin(async move {
            let head = shared.request_head(request);
            Some(match shared.send(head, head_only).await {
                Ok(response) => Ok(response),
                Err(failure) => Err(failure.into_reqwest().await),
            })
        }))
    }
}

/// How an exchange on one connection failed.
enum Exchange {
    /// Not a byte of the request was written: it may go on another
    /// connection.
    NotWritten(Failure),
    /// The request (or part of it) was written: it is not sent again.
    Failed(Failure),
}

/// An answer's head.
struct Head {
    status: u16,
    /// The minor version: 0 for HTTP/1.0.
    version: u8,
    headers: HeaderMap,
}

impl Shared {
    /// The request line and headers of `request`.
    fn request_head(&self, request: &reqwest::Request) -> Vec<u8> {
        let url = request.url();
        let mut head = Vec::with_capacity(256);
        head.extend_from_slice(request.method().as_str().as_bytes());
        head.push(b' ');
        head.extend_from_slice(url.path().as_bytes());
        if let Some(q) = url.query() {
            head.push(b'?');
            head.extend_from_slice(q.as_bytes());
        }
        head.extend_from_slice(b" HTTP/1.1\r\nHost: ");
        head.extend_from_slice(self.endpoint.host.as_bytes());
        head.extend_from_slice(b"\r\n");
        let headers = request.headers();
        if !headers.contains_key(reqwest::header::USER_AGENT) {
            head.extend_from_slice(b"User-Agent: ");
            head.extend_from_slice(self.endpoint.user_agent.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        if !headers.contains_key(reqwest::header::ACCEPT) {
            head.extend_from_slice(b"Accept: */*\r\n");
        }
        if request.method() == reqwest::Method::POST
            && !headers.contains_key(reqwest::header::CONTENT_LENGTH)
        {
            head.extend_from_slice(b"Content-Length: 0\r\n");
        }
        for (name, value) in headers {
            head.extend_from_slice(name.as_str().as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"\r\n");
        head
    }

    async fn send(
        self: Arc<Self>,
        request: Vec<u8>,
        head_only: bool,
    ) -> Result<reqwest::Response, Failure> {
        loop {
            let (conn, reused) = match self.take_idle() {
                Some(conn) => (conn, true),
                None => (self.connect().await?, false),
            };
            match exchange(conn, &request).await {
                Ok((head, conn)) => return self.response(head, conn, head_only),
                // Closed before the request went out (the check in
                // `take_idle` cannot see every close): another connection.
                Err(Exchange::NotWritten(failure)) if reused => {
                    tracing::debug!(
                        error = %failure,
                        "a reused connection failed before the request was written; retrying on another"
                    );
                }
                Err(Exchange::NotWritten(failure) | Exchange::Failed(failure)) => {
                    return Err(failure)
                }
            }
        }
    }

    /// An idle connection fit for another request, if any: expired ones
    /// and ones the engine closed or wrote on are dropped.
    fn take_idle(&self) -> Option<Conn> {
        loop {
            let Idle { mut conn, .. } = self.idle.lock().ok()?.conns.pop()?;
            // Anything readable on an idle connection is not an answer to
            // a request of ours: the end (the engine closed it), an error,
            // or stray bytes that would be taken for the next answer.
            // (Read into a small buffer of its own: the connection's
            // buffer keeps its size from answer to answer.)
            let mut cx = Context::from_waker(std::task::Waker::noop());
            let mut probe = [0u8; 64];
            let mut probe = tokio::io::ReadBuf::new(&mut probe);
            match Pin::new(&mut conn.io).poll_read(&mut cx, &mut probe) {
                Poll::Pending => return Some(conn),
                Poll::Ready(Ok(())) if probe.filled().is_empty() => {
                    tracing::debug!("the engine closed an idle connection; trying another");
                }
                Poll::Ready(Ok(())) => {
                    tracing::debug!(
                        bytes = probe.filled().len(),
                        "the engine sent bytes on an idle connection; dropped, trying another"
                    );
                }
                Poll::Ready(Err(e)) => {
                    tracing::debug!(error = %e, "an idle connection failed; trying another");
                }
            }
        }
    }

    fn put_idle(self: &Arc<Self>, conn: Conn) {
        let Ok(mut idle) = self.idle.lock() else {
            return;
        };
        if idle.conns.len() >= self.endpoint.max_idle {
            return;
        }
        idle.conns.push(Idle {
            conn,
            since: Instant::now(),
        });
        if idle.reaper.as_ref().is_none_or(|r| r.is_finished()) {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                idle.reaper = Some(runtime.spawn(reap(Arc::downgrade(self))));
            }
        }
    }

    async fn connect(&self) -> Result<Conn, Failure> {
        let connect = async {
            let io: Box<dyn Io> = match &self.endpoint.dial {
                Dial::Unix(path) => Box::new(tokio::net::UnixStream::connect(path).await?),
                Dial::Tcp(addr) => {
                    let s = tokio::net::TcpStream::connect(addr.as_str()).await?;
                    s.set_nodelay(true)?;
                    Box::new(s)
                }
            };
            Ok::<_, std::io::Error>(io)
        };
        let connected = match self.endpoint.connect_timeout {
            Some(limit) => match tokio::time::timeout(limit, connect).await {
                Ok(r) => r,
                Err(_) => {
                    return Err(Failure::io(
                        FailureKind::ConnectTimeout,
                        format!("connecting took longer than {limit:?}"),
                        std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timeout"),
                    ))
                }
            },
            None => connect.await,
        };
        match connected {
            Ok(io) => Ok(Conn {
                io,
                buf: BytesMut::new(),
            }),
            Err(e) => Err(Failure::io(
                FailureKind::Connect,
                "cannot connect to the engine",
                e,
            )),
        }
    }

    fn response(
        self: Arc<Self>,
        head: Head,
        conn: Conn,
        head_only: bool,
    ) -> Result<reqwest::Response, Failure> {
        let Head {
            status,
            version,
            headers,
        } = head;
        let (framing, both) = framing(status, version, &headers, head_only)?;
        let keep_alive = reusable(version, &headers, &framing, both);
        let idle = self
            .endpoint
            .idle_timeout
            .map(|d| (d, Box::pin(tokio::time::sleep(d))));
        let mut response = http::Response::new(reqwest::Body::wrap(Body {
            conn: Some(conn),
            framing,
            keep_alive,
            idle,
            pool: self,
            done: false,
        }));
        *response.status_mut() = http::StatusCode::from_u16(status)
            .map_err(|_| Failure::protocol(format!("the status {status} is not valid")))?;
        *response.headers_mut() = headers;
        Ok(reqwest::Response::from(response))
    }
}

/// Closes idle connections as they expire; ends when none is left (the
/// next one pooled starts another) or the pool is gone. The lock is held
/// when it ends, so a connection pooled meanwhile sees it gone.
async fn reap(pool: Weak<Shared>) {
    loop {
        let next = {
            let Some(shared) = pool.upgrade() else {
                return;
            };
            let Ok(mut idle) = shared.idle.lock() else {
                return;
            };
            let expiry = shared.endpoint.idle_expiry;
            let before = idle.conns.len();
            idle.conns.retain(|c| c.since.elapsed() < expiry);
            if idle.conns.len() < before {
                tracing::debug!(
                    closed = before.saturating_sub(idle.conns.len()),
                    "idle connections expired; closed"
                );
            }
            match idle.conns.iter().map(|c| c.since).min() {
                Some(oldest) => after(oldest, expiry),
                None => {
                    idle.reaper = None;
                    return;
                }
            }
        };
        tokio::time::sleep_until(next).await;
    }
}

/// `from + d`, or 30 years on (as tokio's own far future) when `d` (a
/// setting) is too large for an instant.
fn after(from: tokio::time::Instant, d: Duration) -> tokio::time::Instant {
    const FAR: Duration = Duration::from_secs(86400 * 365 * 30);
    from.checked_add(d)
        .or_else(|| from.checked_add(FAR))
        .unwrap_or(from)
}

/// The values of a comma-separated header, as lowercase tokens.
fn tokens(headers: &HeaderMap, name: HeaderName) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .split(',')
                .map(|t| t.trim().to_ascii_lowercase())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whether the connection may carry another request once this answer is
/// read to its end.
fn reusable(version: u8, headers: &HeaderMap, framing: &Framing, both: bool) -> bool {
    let tokens = tokens(headers, reqwest::header::CONNECTION);
    let close = tokens.iter().any(|t| t == "close")
        || (version == 0 && !tokens.iter().any(|t| t == "keep-alive"));
    // An answer with both `Transfer-Encoding` and `Content-Length` is
    // read by the former, but its connection is not trusted again.
    !close && !both && !matches!(framing, Framing::UntilClose)
}

/// The own path run on an answer that arrives in given reads, for the fuzz
/// targets and their regression tests (`crate::fuzzing`): the same
/// exchange, head parsing, framing and body reading as a real request's.
#[cfg(any(fuzzing, test))]
pub(crate) mod probe {
    use std::collections::VecDeque;

    use futures_util::StreamExt;

    use super::*;

    /// A connection whose writes all succeed and whose reads are scripted
    /// (then its end), answering only once something was written, as a
    /// server answers a request.
    pub(crate) struct Scripted {
        reads: VecDeque<Bytes>,
        written: bool,
    }

    impl Scripted {
        pub(crate) fn new(reads: Vec<Bytes>) -> Scripted {
            Scripted {
                reads: reads.into(),
                written: false,
            }
        }
    }

    impl AsyncRead for Scripted {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            if !self.written {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            if let Some(mut read) = self.reads.pop_front() {
                let n = read.len().min(buf.remaining());
                buf.put_slice(&read.split_to(n));
                if !read.is_empty() {
                    self.reads.push_front(read);
                }
            }
            Poll::Ready(Ok(()))
        }
    }

    impl AsyncWrite for Scripted {
        fn poll_write(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            self.written |= !buf.is_empty();
            Poll::Ready(Ok(buf.len()))
        }
        fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    /// What a GET's caller sees of an answer.
    #[derive(Debug, PartialEq, Eq)]
    pub(crate) struct Answer {
        pub status: u16,
        pub headers: Vec<(String, Vec<u8>)>,
        /// The body; or what came before its failure, and the failure.
        pub body: std::result::Result<Vec<u8>, (Vec<u8>, String)>,
    }

    /// An error and its causes, as one line.
    fn chain(e: &(dyn std::error::Error + 'static)) -> String {
        std::iter::successors(Some(e), |e| e.source())
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join(": ")
    }

    /// Sends a GET on a connection that answers with `reads`.
    pub(crate) async fn answer(reads: Vec<Bytes>) -> std::result::Result<Answer, String> {
        let shared = Arc::new(Shared {
            endpoint: Endpoint {
                dial: Dial::Tcp("probe:80".into()),
                host: "probe".into(),
                user_agent: "probe".into(),
                connect_timeout: None,
                idle_timeout: None,
                max_idle: 1,
                idle_expiry: IDLE_EXPIRY,
            },
            idle: Mutex::new(IdleSet::default()),
        });
        let conn = Conn {
            io: Box::new(Scripted::new(reads)),
            buf: BytesMut::new(),
        };
        let (head, conn) = exchange(conn, b"GET / HTTP/1.1\r\nHost: probe\r\n\r\n")
            .await
            .map_err(|e| match e {
                Exchange::NotWritten(f) | Exchange::Failed(f) => f.to_string(),
            })?;
        let response = shared
            .response(head, conn, false)
            .map_err(|f| f.to_string())?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
            .collect();
        let mut stream = response.bytes_stream();
        let mut data = Vec::new();
        let body = loop {
            match stream.next().await {
                Some(Ok(bytes)) => data.extend_from_slice(&bytes),
                Some(Err(e)) => break Err((data, chain(&e))),
                None => break Ok(data),
            }
        };
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

/// How an answer's body ends (RFC 9112, section 6.3), and whether it had
/// both `Transfer-Encoding` and `Content-Length`.
fn framing(
    status: u16,
    version: u8,
    headers: &HeaderMap,
    head_only: bool,
) -> Result<(Framing, bool), Failure> {
    let lengths = headers.get_all(reqwest::header::CONTENT_LENGTH);
    let has_length = lengths.iter().next().is_some();
    if head_only || status == 204 || status == 304 || (100..200).contains(&status) {
        return Ok((Framing::Length(0), false));
    }
    let encodings = tokens(headers, reqwest::header::TRANSFER_ENCODING);
    if headers.contains_key(reqwest::header::TRANSFER_ENCODING) {
        if version == 0 {
            return Err(Failure::protocol(
                "an HTTP/1.0 answer has a Transfer-Encoding",
            ));
        }
        // Chunked when that is the last coding; else the body runs to the
        // connection's end.
        let framing = if encodings.last().is_some_and(|t| t == "chunked") {
            Framing::Chunked(Chunked::default())
        } else {
            Framing::UntilClose
        };
        return Ok((framing, has_length));
    }
    if !has_length {
        return Ok((Framing::UntilClose, false));
    }
    // Every value (several headers, or a list in one) must be the same
    // number of decimal digits.
    let mut length = None;
    for value in lengths {
        for part in value.as_bytes().split(|b| *b == b',') {
            let part = part.trim_ascii();
            let n = (!part.is_empty() && part.iter().all(u8::is_ascii_digit))
                .then(|| std::str::from_utf8(part).ok()?.parse::<u64>().ok())
                .flatten()
                .ok_or_else(|| {
                    Failure::protocol(format!(
                        "the answer's Content-Length `{}` is not a length",
                        String::from_utf8_lossy(value.as_bytes())
                    ))
                })?;
            if length.is_some_and(|l| l != n) {
                return Err(Failure::protocol(
                    "the answer has several Content-Length values that differ",
                ));
            }
            length = Some(n);
        }
    }
    Ok((Framing::Length(length.unwrap_or(0)), false))
}

/// Writes the request and reads the answer's head, skipping interim
/// (`1xx`) answers.
async fn exchange(mut conn: Conn, request: &[u8]) -> Result<(Head, Conn), Exchange> {
    let mut written = 0usize;
    while let Some(unwritten) = request.get(written..).filter(|r| !r.is_empty()) {
        let result =
            std::future::poll_fn(|cx| Pin::new(&mut conn.io).poll_write(cx, unwritten)).await;
        let failure = |e| Failure::io(FailureKind::Io, "sending the request failed", e);
        match result {
            Ok(0) => {
                let e = std::io::Error::from(std::io::ErrorKind::WriteZero);
                return Err(if written == 0 {
                    Exchange::NotWritten(failure(e))
                } else {
                    Exchange::Failed(failure(e))
                });
            }
            Ok(n) => written = written.saturating_add(n),
            Err(e) if written == 0 => return Err(Exchange::NotWritten(failure(e))),
            Err(e) => return Err(Exchange::Failed(failure(e))),
        }
    }
    loop {
        // The head ends where httparse says (it takes bare `\n` line ends
        // too, as hyper does): a search for `\r\n\r\n` would run past an
        // end written `\n\r\n` and take body bytes for headers.
        // (Parsed again only when a read brought a line end, or at the
        // connection's end: a head trickled in byte by byte is not parsed
        // once per byte.)
        let mut parsed_up_to = 0;
        let mut ended = false;
        let (head, head_len) = loop {
            if ended
                || conn
                    .buf
                    .get(parsed_up_to..)
                    .is_some_and(|new| new.contains(&b'\n'))
            {
                match parse_head(&conn.buf) {
                    Ok(Some(parsed)) => break parsed,
                    Ok(None) if ended => {
                        return Err(Exchange::Failed(Failure::closed(
                            "the engine closed the connection before answering",
                        )))
                    }
                    Ok(None) => {}
                    Err(e) => {
                        return Err(Exchange::Failed(Failure::protocol(format!(
                            "the answer's head is not HTTP/1.1: {e}"
                        ))))
                    }
                }
            }
            parsed_up_to = conn.buf.len();
            if conn.buf.len() > MAX_HEAD {
                return Err(Exchange::Failed(Failure::protocol(format!(
                    "the answer's head is larger than {MAX_HEAD} bytes"
                ))));
            }
            conn.buf.reserve(8 * 1024);
            let n = std::future::poll_fn(|cx| {
                tokio_util::io::poll_read_buf(Pin::new(&mut conn.io), cx, &mut conn.buf)
            })
            .await
            .map_err(|e| {
                Exchange::Failed(Failure::io(FailureKind::Io, "reading the answer failed", e))
            })?;
            ended = n == 0;
        };
        conn.buf.advance(head_len);
        if (100..200).contains(&head.status) && head.status != 101 {
            // `100 Continue`, `103 Early Hints`: the answer follows.
            continue;
        }
        if head.status == 101 {
            return Err(Exchange::Failed(Failure::protocol(
                "the engine switched protocols on a request that asked for no upgrade",
            )));
        }
        return Ok((head, conn));
    }
}

/// The head at the start of `buf` and its length; `None` while it is
/// incomplete.
fn parse_head(buf: &[u8]) -> Result<Option<(Head, usize)>, String> {
    let mut slots = [httparse::EMPTY_HEADER; 100];
    let mut response = httparse::Response::new(&mut slots);
    let len = match response.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let status = response.code.ok_or("the answer has no status")?;
    let version = response.version.unwrap_or(1);
    let mut headers = HeaderMap::with_capacity(response.headers.len());
    for h in response.headers.iter() {
        let name = HeaderName::from_bytes(h.name.as_bytes()).map_err(|e| e.to_string())?;
        let value = HeaderValue::from_bytes(h.value).map_err(|e| e.to_string())?;
        headers.append(name, value);
    }
    Ok(Some((
        Head {
            status,
            version,
            headers,
        },
        len,
    )))
}

/// How the body's end is known.
#[derive(Debug)]
enum Framing {
    Chunked(Chunked),
    Length(u64),
    UntilClose,
}

/// An answer's body, read from its connection in large blocks.
struct Body {
    /// `None` once the body is finished.
    conn: Option<Conn>,
    framing: Framing,
    /// Whether the connection may carry another request after this answer.
    keep_alive: bool,
    idle: Option<(Duration, Pin<Box<tokio::time::Sleep>>)>,
    pool: Arc<Shared>,
    done: bool,
}

impl Body {
    /// The end of the body: the connection goes back to the pool if it can
    /// (bytes beyond the answer's end are not a next answer: they close
    /// it).
    fn finish(&mut self) {
        self.done = true;
        if let Some(conn) = self.conn.take() {
            if self.keep_alive && conn.buf.is_empty() {
                self.pool.put_idle(conn);
            } else if !conn.buf.is_empty() {
                tracing::debug!(
                    bytes = conn.buf.len(),
                    "bytes after the end of an answer; connection closed"
                );
            }
        }
    }

    /// Reads more into the connection's buffer; `Ok(0)` at its end.
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<usize>> {
        let Some(conn) = self.conn.as_mut() else {
            return Poll::Ready(Ok(0));
        };
        // One block of READ_SIZE, reused: the blocks handed out are copied
        // or dropped by the reader before it asks for more, so the buffer
        // is reclaimed rather than reallocated.
        if conn.buf.capacity().saturating_sub(conn.buf.len()) < READ_SIZE / 4 {
            conn.buf.reserve(READ_SIZE);
        }
        match tokio_util::io::poll_read_buf(Pin::new(&mut conn.io), cx, &mut conn.buf) {
            Poll::Ready(r) => {
                if let Some((d, sleep)) = &mut self.idle {
                    sleep.as_mut().reset(after(tokio::time::Instant::now(), *d));
                }
                Poll::Ready(r)
            }
            Poll::Pending => {
                if let Some((d, sleep)) = &mut self.idle {
                    if sleep.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Err(std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            format!("the stream was silent for {d:?}"),
                        )));
                    }
                }
                Poll::Pending
            }
        }
    }

    fn poll_data(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, BoxError>>> {
        loop {
            if self.done {
                return Poll::Ready(None);
            }
            if let Framing::Length(0) = self.framing {
                self.finish();
                continue;
            }
            // Hand out what is buffered (or the chunked decoder's pending
            // failure, without waiting for more bytes).
            let failed = matches!(&self.framing, Framing::Chunked(c) if c.has_failed());
            if let Some(conn) = self.conn.as_mut().filter(|c| failed || !c.buf.is_empty()) {
                match &mut self.framing {
                    Framing::Length(remaining) => {
                        let n = (*remaining).min(conn.buf.len() as u64) as usize;
                        *remaining = remaining.saturating_sub(n as u64);
                        let out = conn.buf.split_to(n).freeze();
                        if *remaining == 0 {
                            self.finish();
                        }
                        return Poll::Ready(Some(Ok(out)));
                    }
                    Framing::UntilClose => {
                        return Poll::Ready(Some(Ok(conn.buf.split().freeze())));
                    }
                    Framing::Chunked(state) => {
                        let step = match state.decode(&mut conn.buf) {
                            Ok(step) => step,
                            Err(e) => {
                                self.done = true;
                                self.conn = None;
                                let failure = Failure::protocol(format!(
                                    "the answer's chunked encoding is malformed: {e}"
                                ));
                                return Poll::Ready(Some(Err(Box::new(failure))));
                            }
                        };
                        if step.finished {
                            self.finish();
                        }
                        if let Some(out) = step.data {
                            return Poll::Ready(Some(Ok(out)));
                        }
                        continue;
                    }
                }
            }
            // Read more.
            match self.poll_fill(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => {
                    self.done = true;
                    self.conn = None;
                    let failure = Failure::io(FailureKind::Io, e.to_string(), e);
                    return Poll::Ready(Some(Err(Box::new(failure))));
                }
                Poll::Ready(Ok(0)) => {
                    self.done = true;
                    self.conn = None;
                    return match self.framing {
                        Framing::UntilClose => Poll::Ready(None),
                        _ => Poll::Ready(Some(Err(Box::new(Failure::closed(
                            "the engine closed the connection before the end of the answer",
                        ))))),
                    };
                }
                Poll::Ready(Ok(_)) => {}
            }
        }
    }
}

impl Drop for Body {
    /// A body dropped unread (a ping's `OK`, an error's message read
    /// elsewhere) still gives its connection back when all of it has
    /// already arrived.
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if let (Framing::Length(n), Some(conn)) = (&self.framing, self.conn.as_mut()) {
            if conn.buf.len() as u64 == *n {
                conn.buf.clear();
                self.finish();
            }
        }
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        self.poll_data(cx)
            .map(|item| item.map(|r| r.map(http_body::Frame::data)))
    }

    fn is_end_stream(&self) -> bool {
        self.done
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match self.framing {
            Framing::Length(n) => http_body::SizeHint::with_exact(n),
            _ => http_body::SizeHint::default(),
        }
    }
}

/// Decoding state of a chunked body, kept between reads.
#[derive(Debug, Default)]
pub(crate) struct Chunked {
    state: ChunkState,
}

#[derive(Debug, Default)]
enum ChunkState {
    /// Reading a chunk-size line.
    #[default]
    SizeStart,
    Size {
        value: u64,
    },
    /// After the size: whitespace (or lenient text) up to the line's end
    /// or an extension's `;`.
    SizeRest {
        value: u64,
    },
    /// In the extensions: any byte up to the line's end (a quoted value
    /// may hold any text, `obs-text` too; they are not read).
    Extension {
        value: u64,
    },
    Data {
        remaining: u64,
    },
    /// The line end after a chunk's data.
    DataEnd {
        seen_cr: bool,
    },
    /// Trailer lines after the last chunk; `empty` when at a line's start.
    Trailer {
        at_line_start: bool,
    },
    Finished,
    /// The encoding broke after payload that was already decoded in the
    /// same read: that payload was handed out, the error comes next, so
    /// what is delivered never depends on how the bytes were split.
    Failed(String),
}

pub(crate) struct Step {
    /// Payload bytes decoded from what was buffered, if any.
    pub data: Option<Bytes>,
    /// The last chunk and its trailers were read.
    pub finished: bool,
}

impl Chunked {
    /// Decodes all of `buf`: payload bytes are moved to its front and split
    /// off as one block; encoding bytes are dropped. Nothing is left in
    /// `buf` except what came after the end of the body.
    /// Whether the encoding broke and the error is still to be reported.
    pub(crate) fn has_failed(&self) -> bool {
        matches!(self.state, ChunkState::Failed(_))
    }

    pub(crate) fn decode(&mut self, buf: &mut BytesMut) -> std::result::Result<Step, String> {
        if let ChunkState::Failed(e) = &self.state {
            return Err(e.clone());
        }
        let mut out = 0usize; // payload bytes gathered at the front
        let mut pos = 0usize; // next byte to decode
        let len = buf.len();
        match self.decode_into(buf, &mut out, &mut pos, len) {
            Ok(()) => {}
            Err(e) if out == 0 => return Err(e),
            Err(e) => self.state = ChunkState::Failed(e),
        }
        let data = (out > 0).then(|| buf.split_to(out).freeze());
        let finished = matches!(self.state, ChunkState::Finished);
        buf.advance(pos.saturating_sub(out));
        Ok(Step { data, finished })
    }

    /// Decodes from `pos`, gathering payload at `out`; an error leaves
    /// both where it happened.
    fn decode_into(
        &mut self,
        buf: &mut BytesMut,
        out: &mut usize,
        pos: &mut usize,
        len: usize,
    ) -> std::result::Result<(), String> {
        while let Some(&b) = buf.get(*pos) {
            match &mut self.state {
                ChunkState::SizeStart | ChunkState::Size { .. } => {
                    *pos = pos.saturating_add(1);
                    let value = match self.state {
                        ChunkState::Size { value } => value,
                        _ => 0,
                    };
                    if let Some(d) = (b as char).to_digit(16) {
                        let value = value
                            .checked_mul(16)
                            .and_then(|v| v.checked_add(u64::from(d)))
                            .ok_or("a chunk size is too large")?;
                        self.state = ChunkState::Size { value };
                    } else if matches!(self.state, ChunkState::SizeStart) {
                        return Err("a chunk size is missing".into());
                    } else {
                        self.state = ChunkState::SizeRest { value };
                        *pos = pos.saturating_sub(1);
                    }
                }
                ChunkState::SizeRest { value } | ChunkState::Extension { value } => {
                    *pos = pos.saturating_add(1);
                    let value = *value;
                    if b == b'\n' {
                        self.state = if value == 0 {
                            ChunkState::Trailer {
                                at_line_start: true,
                            }
                        } else {
                            ChunkState::Data { remaining: value }
                        };
                    } else if matches!(self.state, ChunkState::Extension { .. }) {
                        // Extension text, ignored.
                    } else if b == b';' {
                        self.state = ChunkState::Extension { value };
                    } else if b == b'\r' || b == b' ' || b == b'\t' || b.is_ascii_graphic() {
                        // The line end, whitespace, or text taken leniently.
                    } else {
                        return Err("a chunk-size line is malformed".into());
                    }
                }
                ChunkState::Data { remaining } => {
                    let n = (*remaining).min(len.saturating_sub(*pos) as u64) as usize;
                    let end = pos.saturating_add(n);
                    if *out != *pos {
                        buf.copy_within(*pos..end, *out);
                    }
                    *out = out.saturating_add(n);
                    *pos = end;
                    *remaining = remaining.saturating_sub(n as u64);
                    if *remaining == 0 {
                        self.state = ChunkState::DataEnd { seen_cr: false };
                    }
                }
                ChunkState::DataEnd { seen_cr } => {
                    *pos = pos.saturating_add(1);
                    match b {
                        b'\r' if !*seen_cr => *seen_cr = true,
                        b'\n' => self.state = ChunkState::SizeStart,
                        _ => return Err("a chunk does not end with a line end".into()),
                    }
                }
                ChunkState::Trailer { at_line_start } => {
                    *pos = pos.saturating_add(1);
                    match b {
                        b'\n' if *at_line_start => self.state = ChunkState::Finished,
                        b'\n' => *at_line_start = true,
                        b'\r' => {}
                        _ => *at_line_start = false,
                    }
                }
                ChunkState::Finished | ChunkState::Failed(_) => break,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `h1_chunked` fuzz target: payload decoded in the same
    /// read as a broken chunk end was dropped when the read was whole, and
    /// handed out when it came in pieces.
    #[test]
    fn payload_before_a_broken_chunk_is_delivered_whatever_the_splits() {
        let input = b"7\n07\n0#\0\xd5;";
        for piece in [1, 2, 5, input.len()] {
            let mut state = Chunked::default();
            let mut buf = BytesMut::new();
            let mut out = Vec::new();
            let mut failed = false;
            for part in input.chunks(piece) {
                buf.extend_from_slice(part);
                match state.decode(&mut buf) {
                    Ok(step) => out.extend_from_slice(step.data.as_deref().unwrap_or_default()),
                    Err(_) => {
                        failed = true;
                        break;
                    }
                }
            }
            // The reader asks again without waiting for bytes.
            if !failed && state.has_failed() {
                failed = state.decode(&mut buf).is_err();
            }
            assert_eq!(
                (out.as_slice(), failed),
                (&b"07\n0#\0\xd5"[..], true),
                "pieces of {piece}"
            );
        }
    }

    /// Decodes `input` fed in pieces of `piece` bytes.
    fn decode_in_pieces(
        input: &[u8],
        piece: usize,
    ) -> std::result::Result<(Vec<u8>, bool), String> {
        let mut state = Chunked::default();
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        let mut finished = false;
        for part in input.chunks(piece) {
            buf.extend_from_slice(part);
            let step = state.decode(&mut buf)?;
            if let Some(d) = step.data {
                out.extend_from_slice(&d);
            }
            finished = step.finished;
            if finished {
                break;
            }
        }
        // As the reader does: a failure found after payload is reported
        // next, without more bytes.
        if state.has_failed() {
            state.decode(&mut buf)?;
        }
        Ok((out, finished))
    }

    fn encode(chunks: &[&[u8]]) -> Vec<u8> {
        let mut v = Vec::new();
        for c in chunks {
            v.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
            v.extend_from_slice(c);
            v.extend_from_slice(b"\r\n");
        }
        v.extend_from_slice(b"0\r\n\r\n");
        v
    }

    #[test]
    fn chunks_decode_whatever_the_read_boundaries() {
        let payload: Vec<Vec<u8>> = (0..50)
            .map(|i| (0..(i * 7 + 1)).map(|j| (i * 31 + j) as u8).collect())
            .collect();
        let refs: Vec<&[u8]> = payload.iter().map(Vec::as_slice).collect();
        let input = encode(&refs);
        let expected: Vec<u8> = payload.concat();
        for piece in [1, 2, 3, 5, 8, 13, 100, 4096, input.len()] {
            let (out, finished) = decode_in_pieces(&input, piece).unwrap();
            assert_eq!(out, expected, "pieces of {piece}");
            assert!(finished, "pieces of {piece}");
        }
    }

    #[test]
    fn extensions_trailers_and_bare_newlines_are_accepted() {
        let input = b"5;name=value\r\nhello\r\n6 \r\n world\n0\r\nX-Trailer: 1\r\n\r\n";
        for piece in [1, 4, input.len()] {
            let (out, finished) = decode_in_pieces(input, piece).unwrap();
            assert_eq!(out, b"hello world");
            assert!(finished);
        }
    }

    /// Found by the `h1_chunked` fuzz target against hyper: an extension
    /// may hold any byte but a line end (a quoted value may carry
    /// `obs-text`, 0x80 to 0xFF).
    #[test]
    fn extensions_may_hold_any_byte() {
        let body = b"3;name=\"\xff\x00\x7f\";x\r\nabc\r\n0;\xfe\r\n\r\n";
        for piece in [1, 3, body.len()] {
            assert_eq!(
                decode_in_pieces(body, piece).unwrap(),
                (b"abc".to_vec(), true),
                "pieces of {piece}"
            );
        }
    }

    #[test]
    fn hostile_chunk_encodings_are_errors() {
        for bad in [
            &b"zz\r\nhello\r\n"[..],
            b"\r\nhello",
            b"5\r\nhelloXX",
            b"fffffffffffffffffffff\r\n",
            b"5\x00\r\nhello\r\n",
        ] {
            assert!(decode_in_pieces(bad, 1).is_err(), "{bad:?}");
            assert!(decode_in_pieces(bad, bad.len()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_unfinished_body_is_not_finished() {
        let (out, finished) = decode_in_pieces(b"5\r\nhel", 2).unwrap();
        assert_eq!(out, b"hel");
        assert!(!finished);
    }

    #[test]
    fn heads_parse() {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        let mut answer = head.to_vec();
        answer.extend_from_slice(b"5\r\nhello\r\n");
        let (
            Head {
                status,
                version,
                headers,
            },
            len,
        ) = parse_head(&answer).unwrap().unwrap();
        assert_eq!(len, head.len());
        assert!(parse_head(&head[..head.len() - 1]).unwrap().is_none());
        assert_eq!(version, 1);
        assert_eq!(status, 200);
        assert_eq!(
            headers[reqwest::header::CONTENT_TYPE],
            "application/vnd.docker.multiplexed-stream"
        );
        assert!(parse_head(b"HTTP/1.1 abc\r\n\r\n").is_err());
    }

    /// Found by the `h1_answer` fuzz target against hyper: a head whose
    /// lines end in a bare `\n` ends at `\n\r\n`; searching for
    /// `\r\n\r\n` took the body's first bytes for headers.
    #[test]
    fn a_head_ends_where_its_first_empty_line_is() {
        let answer = b"HTTP/1.0 400\nA: .\n\r\n\rB: 0\nC\r\n\r\nbody";
        let (head, len) = parse_head(answer).unwrap().unwrap();
        assert_eq!(head.status, 400);
        assert_eq!(&answer[len..], b"\rB: 0\nC\r\n\r\nbody");
    }
}
