//! A small HTTP/1.1 client for long output streams (container logs).
//!
//! Engines send logs with one HTTP chunk per log frame (dockerd 20.10 and
//! later flush after every frame), so a gigabyte of logs is millions of tiny
//! chunks. Through the pooled HTTP client each chunk travels alone from the
//! connection task to the reader, and that per-chunk cost dominates. Here
//! the stream gets a connection of its own (never pooled: a logs-follow
//! stream holds it for as long as it runs, as any client's would), the
//! reader reads it directly in large blocks, and the chunked encoding is
//! removed in place, so what comes out is one `Bytes` per read, however many
//! chunks it held.
//!
//! Used for Unix sockets, plain TCP and ssh (through the bridge's socket);
//! TLS connections go through the pooled client.

use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use futures_util::Stream;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

use crate::error::{BoxError, Error, Result};

/// The most a response head may take.
const MAX_HEAD: usize = 64 * 1024;
/// How much is read at a time.
const READ_SIZE: usize = 64 * 1024;
/// The most of an error answer's body that is read.
const MAX_ERROR_BODY: usize = 1 << 20;

/// Where stream connections go.
#[derive(Clone, Debug)]
pub(crate) enum Dial {
    Unix(PathBuf),
    Tcp(String),
}

/// What opening a stream connection needs.
#[derive(Clone, Debug)]
pub(crate) struct StreamEndpoint {
    pub dial: Dial,
    /// The `Host` header.
    pub host: String,
    pub user_agent: String,
    pub connect_timeout: Option<Duration>,
    pub idle_timeout: Option<Duration>,
}

trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A response's status line and headers; the body follows in `body`.
pub(crate) struct Head {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Body,
}

impl StreamEndpoint {
    /// Sends `GET path_and_query` on a new connection and reads the head of
    /// the answer.
    pub(crate) async fn get(&self, path_and_query: &str) -> Result<Head> {
        let mut io = self.connect().await?;
        let request = format!(
            "GET {path_and_query} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nAccept: */*\r\n\r\n",
            self.host, self.user_agent
        );
        io.write_all(request.as_bytes())
            .await
            .map_err(|e| Error::transport("sending the request", e))?;
        let mut buf = BytesMut::with_capacity(READ_SIZE);
        let head_len = loop {
            if let Some(end) = find_head_end(&buf) {
                break end;
            }
            if buf.len() > MAX_HEAD {
                return Err(malformed("the answer's head is longer than 64 KiB"));
            }
            buf.reserve(READ_SIZE);
            let n = std::future::poll_fn(|cx| {
                tokio_util::io::poll_read_buf(Pin::new(&mut io), cx, &mut buf)
            })
            .await
            .map_err(|e| Error::transport("reading the answer", e))?;
            if n == 0 {
                return Err(Error::transport(
                    "reading the answer",
                    "the engine closed the connection before answering",
                ));
            }
        };
        let (status, headers) = parse_head(&buf[..head_len])?;
        buf.advance(head_len);
        let framing = if status == 204 || status == 304 {
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
        } else if let Some(v) = headers.get(reqwest::header::CONTENT_LENGTH) {
            let n = v
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .ok_or_else(|| malformed("the Content-Length is not a number"))?;
            Framing::Length(n)
        } else {
            Framing::UntilClose
        };
        let idle = self
            .idle_timeout
            .map(|d| (d, Box::pin(tokio::time::sleep(d))));
        Ok(Head {
            status,
            headers,
            body: Body {
                io: Box::new(io),
                buf,
                framing,
                idle,
                done: false,
            },
        })
    }

    async fn connect(&self) -> Result<Box<dyn Io>> {
        let connect = async {
            let io: Box<dyn Io> = match &self.dial {
                Dial::Unix(path) => Box::new(tokio::net::UnixStream::connect(path).await?),
                Dial::Tcp(addr) => {
                    let s = tokio::net::TcpStream::connect(addr.as_str()).await?;
                    s.set_nodelay(true)?;
                    Box::new(s)
                }
            };
            Ok::<_, std::io::Error>(io)
        };
        let result = match self.connect_timeout {
            Some(limit) => match tokio::time::timeout(limit, connect).await {
                Ok(r) => r,
                Err(_) => {
                    return Err(Error::Timeout {
                        during: "connecting",
                        after: limit,
                    })
                }
            },
            None => connect.await,
        };
        result.map_err(|e| Error::transport(format!("connecting to {:?}", self.dial), e))
    }
}

fn malformed(what: &str) -> Error {
    Error::transport("reading the answer", what.to_string())
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

fn parse_head(head: &[u8]) -> Result<(u16, HeaderMap)> {
    let mut slots = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut slots);
    match response.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(malformed("the answer's head is incomplete")),
        Err(e) => return Err(Error::transport("reading the answer's head", e)),
    }
    let status = response
        .code
        .ok_or_else(|| malformed("the answer has no status"))?;
    let mut headers = HeaderMap::with_capacity(response.headers.len());
    for h in response.headers.iter() {
        let name = HeaderName::from_bytes(h.name.as_bytes())
            .map_err(|e| Error::transport("reading the answer's head", e))?;
        let value = HeaderValue::from_bytes(h.value)
            .map_err(|e| Error::transport("reading the answer's head", e))?;
        headers.append(name, value);
    }
    Ok((status, headers))
}

/// How the body's end is known.
#[derive(Debug)]
enum Framing {
    Chunked(Chunked),
    Length(u64),
    UntilClose,
}

/// The body of a [`Head`], as a stream of byte blocks.
pub(crate) struct Body {
    io: Box<dyn Io>,
    /// Bytes read and not yet handed out (for chunked bodies: from the
    /// start of the next undecoded byte).
    buf: BytesMut,
    framing: Framing,
    idle: Option<(Duration, Pin<Box<tokio::time::Sleep>>)>,
    done: bool,
}

impl Body {
    /// The body as text, at most `MAX_ERROR_BODY` bytes of it (for error
    /// answers).
    pub(crate) async fn text(mut self) -> String {
        use futures_util::StreamExt;
        let mut all = Vec::new();
        while let Some(Ok(b)) = self.next().await {
            all.extend_from_slice(&b);
            if all.len() >= MAX_ERROR_BODY {
                all.truncate(MAX_ERROR_BODY);
                break;
            }
        }
        String::from_utf8_lossy(&all).into_owned()
    }

    /// Reads more into `buf`; `Ok(0)` at the end of the connection.
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<usize>> {
        if self.buf.capacity() - self.buf.len() < READ_SIZE / 4 {
            self.buf.reserve(READ_SIZE);
        }
        match tokio_util::io::poll_read_buf(Pin::new(&mut self.io), cx, &mut self.buf) {
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
}

use std::future::Future as _;

impl Stream for Body {
    type Item = std::result::Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            // Hand out what is buffered.
            match &mut this.framing {
                Framing::Length(0) => {
                    this.done = true;
                    continue;
                }
                Framing::Length(remaining) if !this.buf.is_empty() => {
                    let n = (*remaining).min(this.buf.len() as u64) as usize;
                    *remaining -= n as u64;
                    let out = this.buf.split_to(n).freeze();
                    if *remaining == 0 {
                        this.done = true;
                    }
                    return Poll::Ready(Some(Ok(out)));
                }
                Framing::UntilClose if !this.buf.is_empty() => {
                    let out = this.buf.split().freeze();
                    return Poll::Ready(Some(Ok(out)));
                }
                Framing::Chunked(state) if !this.buf.is_empty() => {
                    let step = match state.decode(&mut this.buf) {
                        Ok(step) => step,
                        Err(e) => {
                            this.done = true;
                            return Poll::Ready(Some(Err(e.into())));
                        }
                    };
                    if step.finished {
                        this.done = true;
                    }
                    if let Some(out) = step.data {
                        return Poll::Ready(Some(Ok(out)));
                    }
                    if this.done {
                        continue;
                    }
                }
                _ => {}
            }
            // Read more.
            match this.poll_fill(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e.into())));
                }
                Poll::Ready(Ok(0)) => {
                    this.done = true;
                    return match &this.framing {
                        Framing::UntilClose => Poll::Ready(None),
                        _ => Poll::Ready(Some(Err(
                            "the engine closed the connection before the end of the answer".into(),
                        ))),
                    };
                }
                Poll::Ready(Ok(_)) => {}
            }
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
        assert_eq!(find_head_end(head), Some(head.len()));
        let (status, headers) = parse_head(head).unwrap();
        assert_eq!(status, 200);
        assert_eq!(
            headers[reqwest::header::CONTENT_TYPE],
            "application/vnd.docker.multiplexed-stream"
        );
        assert!(parse_head(b"HTTP/1.1 abc\r\n\r\n").is_err());
    }
}
