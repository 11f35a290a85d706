//! The SDK's own HTTP/1.1 connections, for GET and HEAD requests.
//!
//! The generated methods build their requests as always; GET and HEAD ones
//! are then sent here (see `docker_engine_raw::exec`) instead of through
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
//! A streamed answer (logs, events, stats) keeps its connection while it is
//! read; a connection goes back to the pool once its answer has been read to
//! the end, and is closed if the answer is dropped half-read. Anything this
//! module cannot send as well as reqwest (other methods, upgrades, requests
//! with bodies) is left to reqwest; and when a connection cannot be made or
//! fails before any answer, the request is left to reqwest too (GET and
//! HEAD can be sent again harmlessly), so that failures are reported the
//! usual way. A reused connection the engine has closed meanwhile is
//! retried once on a new one first.
//!
//! Used for Unix sockets, plain TCP and ssh (through the bridge's socket);
//! TLS connections go through reqwest.

use std::future::Future as _;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use docker_engine_raw::exec::{Sending, Transport};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

use crate::error::BoxError;

/// The most a response head may take.
const MAX_HEAD: usize = 64 * 1024;
/// How much is read at a time.
const READ_SIZE: usize = 64 * 1024;

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
    idle: Mutex<Vec<Conn>>,
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
                idle: Mutex::new(Vec::new()),
            }),
        }
    }
}

impl Transport for Pool {
    fn send<'a>(&'a self, request: &'a reqwest::Request) -> Option<Sending<'a>> {
        let method = request.method();
        let head_only = method == reqwest::Method::HEAD;
        if !(method == reqwest::Method::GET || head_only)
            || request.body().is_some()
            || request.headers().contains_key(reqwest::header::UPGRADE)
        {
            return None;
        }
        let shared = self.shared.clone();
        Some(Box::pin(async move {
            let head = shared.request_head(request);
            shared.send(head, head_only).await
        }))
    }
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
        for (name, value) in headers {
            head.extend_from_slice(name.as_str().as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"\r\n");
        head
    }

    async fn send(self: Arc<Self>, request: Vec<u8>, head_only: bool) -> Option<reqwest::Response> {
        let mut reused = self.take_idle();
        loop {
            let was_reused = reused.is_some();
            let conn = match reused.take() {
                Some(c) => c,
                None => self.connect().await?,
            };
            match exchange(conn, &request).await {
                Ok((status, version, headers, conn)) => {
                    return Some(self.response(status, version, headers, conn, head_only));
                }
                // The engine may have closed an idle connection: once more
                // on a new one.
                Err(()) if was_reused => continue,
                Err(()) => return None,
            }
        }
    }

    fn take_idle(&self) -> Option<Conn> {
        self.idle.lock().ok()?.pop()
    }

    fn put_idle(&self, conn: Conn) {
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < self.endpoint.max_idle {
                idle.push(conn);
            }
        }
    }

    async fn connect(&self) -> Option<Conn> {
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
        let io = match self.endpoint.connect_timeout {
            Some(limit) => tokio::time::timeout(limit, connect).await.ok()?.ok()?,
            None => connect.await.ok()?,
        };
        Some(Conn {
            io,
            buf: BytesMut::new(),
        })
    }

    fn response(
        self: Arc<Self>,
        status: u16,
        version: u8,
        headers: HeaderMap,
        conn: Conn,
        head_only: bool,
    ) -> reqwest::Response {
        let framing = if head_only || status == 204 || status == 304 || (100..200).contains(&status)
        {
            Framing::Length(0)
        } else if headers
            .get_all(reqwest::header::TRANSFER_ENCODING)
            .iter()
            .any(|v| {
                v.to_str()
                    .is_ok_and(|v| v.to_ascii_lowercase().contains("chunked"))
            })
        {
            Framing::Chunked(Chunked::default())
        } else if let Some(n) = headers
            .get(reqwest::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            Framing::Length(n)
        } else {
            Framing::UntilClose
        };
        let close = version == 0
            || headers
                .get_all(reqwest::header::CONNECTION)
                .iter()
                .any(|v| v.to_str().is_ok_and(|v| v.eq_ignore_ascii_case("close")));
        let keep_alive = !close && !matches!(framing, Framing::UntilClose);
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
        *response.status_mut() =
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::BAD_GATEWAY);
        *response.headers_mut() = headers;
        reqwest::Response::from(response)
    }
}

/// Writes the request and reads the answer's head. `Err` when the
/// connection failed before any answer came.
async fn exchange(mut conn: Conn, request: &[u8]) -> Result<(u16, u8, HeaderMap, Conn), ()> {
    conn.io.write_all(request).await.map_err(|_| ())?;
    let mut searched = 0;
    let head_len = loop {
        if let Some(end) = find_head_end(&conn.buf, searched) {
            break end;
        }
        searched = conn.buf.len().saturating_sub(3);
        if conn.buf.len() > MAX_HEAD {
            return Err(());
        }
        conn.buf.reserve(8 * 1024);
        let n = std::future::poll_fn(|cx| {
            tokio_util::io::poll_read_buf(Pin::new(&mut conn.io), cx, &mut conn.buf)
        })
        .await
        .map_err(|_| ())?;
        if n == 0 {
            return Err(());
        }
    };
    let (status, version, headers) = parse_head(&conn.buf[..head_len]).map_err(|_| ())?;
    conn.buf.advance(head_len);
    Ok((status, version, headers, conn))
}

fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
    buf.get(from..)?
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| from + p + 4)
}

fn parse_head(head: &[u8]) -> Result<(u16, u8, HeaderMap), String> {
    let mut slots = [httparse::EMPTY_HEADER; 100];
    let mut response = httparse::Response::new(&mut slots);
    match response.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err("the answer's head is incomplete".into()),
        Err(e) => return Err(e.to_string()),
    }
    let status = response.code.ok_or("the answer has no status")?;
    let version = response.version.unwrap_or(1);
    let mut headers = HeaderMap::with_capacity(response.headers.len());
    for h in response.headers.iter() {
        let name = HeaderName::from_bytes(h.name.as_bytes()).map_err(|e| e.to_string())?;
        let value = HeaderValue::from_bytes(h.value).map_err(|e| e.to_string())?;
        headers.append(name, value);
    }
    Ok((status, version, headers))
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
    /// The end of the body: the connection goes back to the pool if it can.
    fn finish(&mut self) {
        self.done = true;
        if let Some(conn) = self.conn.take() {
            if self.keep_alive && conn.buf.is_empty() {
                self.pool.put_idle(conn);
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
        if conn.buf.capacity() - conn.buf.len() < READ_SIZE / 4 {
            conn.buf.reserve(READ_SIZE);
        }
        match tokio_util::io::poll_read_buf(Pin::new(&mut conn.io), cx, &mut conn.buf) {
            Poll::Ready(r) => {
                if let Some((d, sleep)) = &mut self.idle {
                    sleep.as_mut().reset(tokio::time::Instant::now() + *d);
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
            // Hand out what is buffered.
            if let Some(conn) = self.conn.as_mut().filter(|c| !c.buf.is_empty()) {
                match &mut self.framing {
                    Framing::Length(remaining) => {
                        let n = (*remaining).min(conn.buf.len() as u64) as usize;
                        *remaining -= n as u64;
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
                                return Poll::Ready(Some(Err(e.into())));
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
                    return Poll::Ready(Some(Err(e.into())));
                }
                Poll::Ready(Ok(0)) => {
                    self.done = true;
                    self.conn = None;
                    return match self.framing {
                        Framing::UntilClose => Poll::Ready(None),
                        _ => Poll::Ready(Some(Err(std::io::Error::new(
                            std::io::ErrorKind::UnexpectedEof,
                            "the engine closed the connection before the end of the answer",
                        )
                        .into()))),
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
    /// After the size: extensions or whitespace until the line ends.
    SizeRest {
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
    /// `buf` except after the end of the body.
    pub(crate) fn decode(&mut self, buf: &mut BytesMut) -> std::result::Result<Step, String> {
        let mut out = 0usize; // payload bytes gathered at the front
        let mut pos = 0usize; // next byte to decode
        let len = buf.len();
        while pos < len {
            match &mut self.state {
                ChunkState::SizeStart | ChunkState::Size { .. } => {
                    let b = buf[pos];
                    pos += 1;
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
                        pos -= 1;
                    }
                }
                ChunkState::SizeRest { value } => {
                    let b = buf[pos];
                    pos += 1;
                    if b == b'\n' {
                        self.state = if *value == 0 {
                            ChunkState::Trailer {
                                at_line_start: true,
                            }
                        } else {
                            ChunkState::Data { remaining: *value }
                        };
                    } else if b == b'\r' || b == b';' || b == b' ' || b == b'\t' {
                        // The line end, or extensions (ignored).
                    } else if b.is_ascii_graphic() || b == b'=' {
                        // Extension text.
                    } else {
                        return Err("a chunk-size line is malformed".into());
                    }
                }
                ChunkState::Data { remaining } => {
                    let n = (*remaining).min((len - pos) as u64) as usize;
                    if out != pos {
                        buf.copy_within(pos..pos + n, out);
                    }
                    out += n;
                    pos += n;
                    *remaining -= n as u64;
                    if *remaining == 0 {
                        self.state = ChunkState::DataEnd { seen_cr: false };
                    }
                }
                ChunkState::DataEnd { seen_cr } => {
                    let b = buf[pos];
                    pos += 1;
                    match b {
                        b'\r' if !*seen_cr => *seen_cr = true,
                        b'\n' => self.state = ChunkState::SizeStart,
                        _ => return Err("a chunk does not end with a line end".into()),
                    }
                }
                ChunkState::Trailer { at_line_start } => {
                    let b = buf[pos];
                    pos += 1;
                    match b {
                        b'\n' if *at_line_start => self.state = ChunkState::Finished,
                        b'\n' => *at_line_start = true,
                        b'\r' => {}
                        _ => *at_line_start = false,
                    }
                }
                ChunkState::Finished => break,
            }
        }
        let data = (out > 0).then(|| buf.split_to(out).freeze());
        let finished = matches!(self.state, ChunkState::Finished);
        if finished {
            buf.clear();
        } else {
            buf.advance(pos - out);
        }
        Ok(Step { data, finished })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(find_head_end(head, 0), Some(head.len()));
        assert_eq!(find_head_end(head, 20), Some(head.len()));
        let (status, version, headers) = parse_head(head).unwrap();
        assert_eq!(version, 1);
        assert_eq!(status, 200);
        assert_eq!(
            headers[reqwest::header::CONTENT_TYPE],
            "application/vnd.docker.multiplexed-stream"
        );
        assert!(parse_head(b"HTTP/1.1 abc\r\n\r\n").is_err());
    }
}
