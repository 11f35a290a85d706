//! Output streams of containers and execs: logs, attach, exec start.
//!
//! The engine sends either raw bytes (a TTY) or a multiplexed stream of
//! frames: an 8-byte header (stream id, three zero bytes, big-endian
//! length) then the payload. [`Demux`] turns either into [`LogChunk`]s:
//! - bytes come out as they arrive: a frame is delivered in pieces, so a
//!   prompt without a newline is seen at once and memory stays bounded
//!   whatever length a header declares;
//! - a frame on the system-error stream (3) becomes an error item;
//! - an unknown stream id, or an end of input inside a frame (the answer
//!   ends there, or the connection is closed or reset there: that I/O
//!   error is kept as the cause), is a decode error and the end of the
//!   stream (it cannot resynchronise). A read that fails otherwise (a
//!   timeout), or between frames, is a transport error.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use futures_util::Stream;

use crate::error::{BoxError, Error, Result};

/// Which output a chunk came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StdStream {
    /// Standard input (echoed back by some attach modes).
    Stdin,
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
    /// One undivided stream: the terminal of a TTY, or stdout and stderr
    /// together as an attach over WebSocket carries them.
    Console,
}

/// A piece of output, delivered as soon as it arrives. A frame of the
/// engine may arrive as several chunks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogChunk {
    /// Where it came from.
    pub stream: StdStream,
    /// The bytes.
    pub data: Bytes,
}

/// How a stream is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// Multiplexed frames (no TTY).
    Multiplexed,
    /// Raw bytes (TTY).
    Raw,
}

impl Framing {
    /// The framing a `Content-Type` names, if it names one.
    pub fn from_content_type(content_type: Option<&str>) -> Option<Framing> {
        let ct = content_type?.split(';').next()?.trim();
        match ct {
            "application/vnd.docker.multiplexed-stream" => Some(Framing::Multiplexed),
            "application/vnd.docker.raw-stream" => Some(Framing::Raw),
            _ => None,
        }
    }
}

/// The most a system-error frame may hold; longer messages are cut.
pub(crate) const MAX_ERROR_FRAME: usize = 64 * 1024;

enum State {
    /// Collecting the 8-byte header (bytes so far in `header`).
    Header,
    /// Passing on `remaining` payload bytes of `stream`.
    Payload { stream: StdStream, remaining: usize },
    /// Collecting a system-error frame.
    SystemError { remaining: usize, message: Vec<u8> },
    /// Finished (after an error or the end).
    Done,
}

/// Demultiplexes a byte stream into [`LogChunk`]s.
pub struct Demux<S> {
    inner: S,
    framing: Framing,
    state: State,
    header: [u8; 8],
    header_len: usize,
    pending: Bytes,
}

impl<S> Demux<S> {
    /// Reads `inner` with the given framing.
    pub fn new(inner: S, framing: Framing) -> Self {
        Demux {
            inner,
            framing,
            state: State::Header,
            header: [0; 8],
            header_len: 0,
            pending: Bytes::new(),
        }
    }
}

impl<S, E> Stream for Demux<S>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Unpin,
    E: Into<BoxError>,
{
    type Item = Result<LogChunk>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if matches!(this.state, State::Done) {
                return Poll::Ready(None);
            }
            if this.pending.is_empty() {
                match Pin::new(&mut this.inner).poll_next(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Some(Ok(bytes))) => {
                        this.pending = bytes;
                        continue;
                    }
                    Poll::Ready(Some(Err(e))) => {
                        let mid_frame = this.mid_frame();
                        this.state = State::Done;
                        let e: BoxError = e.into();
                        if mid_frame && this.framing == Framing::Multiplexed && cut_short(&*e) {
                            return Poll::Ready(Some(Err(truncated(Some(e)))));
                        }
                        return Poll::Ready(Some(Err(Error::transport("reading the stream", e))));
                    }
                    Poll::Ready(None) => {
                        let mid_frame = this.mid_frame();
                        this.state = State::Done;
                        if mid_frame && this.framing == Framing::Multiplexed {
                            return Poll::Ready(Some(Err(truncated(None))));
                        }
                        return Poll::Ready(None);
                    }
                }
            }
            if let Some(item) = this.step() {
                return Poll::Ready(Some(item));
            }
        }
    }
}

/// The error for a multiplexed stream that ends inside a frame: a decode
/// error (the frame cannot be completed), whose source is the transport
/// error when the connection was cut rather than the answer ended.
fn truncated(cause: Option<BoxError>) -> Error {
    Error::Decode {
        what: "multiplexed stream".into(),
        path: "$".into(),
        excerpt: String::new(),
        source: Box::new(EndedInsideFrame { cause }),
    }
}

/// See [`truncated`].
#[derive(Debug)]
struct EndedInsideFrame {
    cause: Option<BoxError>,
}

impl std::fmt::Display for EndedInsideFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the stream ended inside a frame")?;
        if self.cause.is_some() {
            f.write_str(": the connection was closed")?;
        }
        Ok(())
    }
}

impl std::error::Error for EndedInsideFrame {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Whether a read error means the engine's answer was cut short (the
/// connection closed or was reset before its end), as opposed to, say, a
/// timeout. Both the SDK's connections and hyper's (under reqwest) report
/// a body cut short as an `UnexpectedEof` I/O error.
fn cut_short(e: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind::*;
    std::iter::successors(Some(e), |e| e.source()).any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| {
            matches!(
                io.kind(),
                UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe
            )
        })
    })
}

impl<S> Demux<S> {
    /// Whether part of a frame has been read and not the rest.
    fn mid_frame(&self) -> bool {
        match &self.state {
            State::Header => self.header_len > 0,
            State::Payload { .. } | State::SystemError { .. } => true,
            State::Done => false,
        }
    }

    /// Consumes from `pending`; returns an item when one is ready.
    fn step(&mut self) -> Option<Result<LogChunk>> {
        if self.framing == Framing::Raw {
            let data = std::mem::take(&mut self.pending);
            return Some(Ok(LogChunk {
                stream: StdStream::Console,
                data,
            }));
        }
        match &mut self.state {
            State::Header => {
                let free = self.header.get_mut(self.header_len..).unwrap_or_default();
                let take = free.len().min(self.pending.len());
                let (free, _) = free.split_at_mut(take);
                let (src, _) = self.pending.split_at(take);
                free.copy_from_slice(src);
                self.pending.advance(take);
                self.header_len = self.header_len.saturating_add(take);
                if self.header_len < 8 {
                    return None;
                }
                self.header_len = 0;
                let [kind, _, _, _, l0, l1, l2, l3] = self.header;
                let len = u32::from_be_bytes([l0, l1, l2, l3]) as usize;
                let stream = match kind {
                    0 => StdStream::Stdin,
                    1 => StdStream::Stdout,
                    2 => StdStream::Stderr,
                    3 => {
                        self.state = State::SystemError {
                            remaining: len,
                            message: Vec::new(),
                        };
                        return self.finish_system_error();
                    }
                    other => {
                        self.state = State::Done;
                        return Some(Err(Error::Decode {
                            what: "multiplexed stream".into(),
                            path: "$".into(),
                            excerpt: format!("{:02x?}", self.header),
                            source: format!("unknown stream id {other} in a frame header").into(),
                        }));
                    }
                };
                self.state = State::Payload {
                    stream,
                    remaining: len,
                };
                if len == 0 {
                    self.state = State::Header;
                }
                None
            }
            State::Payload { stream, remaining } => {
                let take = (*remaining).min(self.pending.len());
                let data = self.pending.split_to(take);
                *remaining = remaining.saturating_sub(take);
                let stream = *stream;
                if *remaining == 0 {
                    self.state = State::Header;
                }
                Some(Ok(LogChunk { stream, data }))
            }
            State::SystemError { remaining, message } => {
                let take = (*remaining).min(self.pending.len());
                let room = MAX_ERROR_FRAME.saturating_sub(message.len());
                let (kept, _) = self.pending.split_at(take.min(room));
                message.extend_from_slice(kept);
                self.pending.advance(take);
                *remaining = remaining.saturating_sub(take);
                self.finish_system_error()
            }
            State::Done => None,
        }
    }

    fn finish_system_error(&mut self) -> Option<Result<LogChunk>> {
        if let State::SystemError {
            remaining: 0,
            message,
        } = &mut self.state
        {
            let text = String::from_utf8_lossy(message).trim().to_string();
            self.state = State::Header;
            return Some(Err(Error::InStream {
                message: text,
                code: None,
                output: Vec::new(),
            }));
        }
        None
    }
}

/// The longest JSON line accepted; a longer one is an error item, and the
/// stream goes on after its end.
const MAX_JSON_LINE: usize = 16 * 1024 * 1024;

/// Decodes a stream of newline-delimited JSON documents (stats, events,
/// progress) into `T`, item by item. A line that does not decode is an
/// error item and the stream goes on; a transport failure ends it.
pub struct JsonLines<S, T> {
    inner: S,
    buf: BytesMut,
    /// Skipping the rest of an over-long line.
    skipping: bool,
    done: bool,
    what: &'static str,
    _item: std::marker::PhantomData<fn() -> T>,
}

impl<S, T> JsonLines<S, T> {
    /// Decodes `inner`; `what` names the items in errors (e.g. `stats`).
    pub fn new(inner: S, what: &'static str) -> Self {
        JsonLines {
            inner,
            buf: BytesMut::new(),
            skipping: false,
            done: false,
            what,
            _item: std::marker::PhantomData,
        }
    }

    fn next_line(&mut self) -> Option<Result<T>>
    where
        T: serde::de::DeserializeOwned,
    {
        loop {
            let newline = self.buf.iter().position(|b| *b == b'\n')?;
            let line = self.buf.split_to(newline.saturating_add(1));
            if std::mem::take(&mut self.skipping) {
                continue;
            }
            // The line with its `\n` (ASCII whitespace, trimmed too).
            let line = line.trim_ascii();
            if line.is_empty() {
                continue;
            }
            return Some(
                serde_json::from_slice(line)
                    .map_err(|e| Error::decode(format!("{} item", self.what), line, e)),
            );
        }
    }
}

impl<S, E, T> Stream for JsonLines<S, T>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Unpin,
    E: Into<BoxError>,
    T: serde::de::DeserializeOwned,
{
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.next_line() {
                return Poll::Ready(Some(item));
            }
            if this.done {
                return Poll::Ready(None);
            }
            if this.buf.len() > MAX_JSON_LINE {
                this.buf.clear();
                this.skipping = true;
                return Poll::Ready(Some(Err(Error::Decode {
                    what: format!("{} item", this.what),
                    path: "$".into(),
                    excerpt: String::new(),
                    source: format!("a line longer than {MAX_JSON_LINE} bytes").into(),
                })));
            }
            match Pin::new(&mut this.inner).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(bytes))) => {
                    if this.skipping {
                        // Drop up to the end of the over-long line.
                        match bytes.iter().position(|b| *b == b'\n') {
                            Some(i) => {
                                this.skipping = false;
                                let rest = bytes.get(i.saturating_add(1)..).unwrap_or_default();
                                this.buf.extend_from_slice(rest);
                            }
                            None => continue,
                        }
                    } else {
                        this.buf.extend_from_slice(&bytes);
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    this.buf.clear();
                    return Poll::Ready(Some(Err(Error::transport(
                        format!("reading the {} stream", this.what),
                        e,
                    ))));
                }
                Poll::Ready(None) => {
                    this.done = true;
                    // A last document without a newline still counts.
                    if !this.buf.is_empty() && !this.skipping {
                        this.buf.extend_from_slice(b"\n");
                    }
                }
            }
        }
    }
}

/// Bytes from the engine as they arrive: a container's export, an archive
/// read from a container. A failed read is one [`Error::Transport`] item,
/// and the end of the stream.
pub struct ByteStream {
    inner: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>,
    what: &'static str,
    done: bool,
}

impl ByteStream {
    pub(crate) fn new(inner: progenitor_client::ByteStream, what: &'static str) -> Self {
        ByteStream {
            inner: inner.into_inner(),
            what,
            done: false,
        }
    }
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("what", &self.what)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match std::task::ready!(self.inner.as_mut().poll_next(cx)) {
            Some(Ok(bytes)) => Poll::Ready(Some(Ok(bytes))),
            Some(Err(e)) => {
                self.done = true;
                let what = self.what;
                Poll::Ready(Some(Err(Error::transport(format!("reading {what}"), e))))
            }
            None => {
                self.done = true;
                Poll::Ready(None)
            }
        }
    }
}

/// A request body the SDK sends as it is read: bytes in memory, a stream of
/// chunks, or a file. Nothing is buffered beyond what is in flight.
///
/// ```
/// use docker_engine::streams::Body;
/// let tar = Body::from_bytes(vec![0u8; 1024]);
/// let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"..."))]);
/// let streamed = Body::from_stream(chunks);
/// # let _ = (tar, streamed);
/// ```
pub struct Body(pub(crate) reqwest::Body);

impl Body {
    /// Bytes already in memory.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Body {
        Body(reqwest::Body::from(bytes.into()))
    }

    /// Chunks from a stream; an error item aborts the request.
    pub fn from_stream<S, E>(stream: S) -> Body
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError> + 'static,
    {
        Body(reqwest::Body::wrap_stream(stream))
    }

    /// A file, read while it is sent.
    pub fn from_file(file: tokio::fs::File) -> Body {
        Body(reqwest::Body::from(file))
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Body {
        Body::from_bytes(bytes)
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Body {
        Body::from_bytes(bytes)
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Body")
    }
}

/// Collects a whole demultiplexed stream: (stdout, stderr). Console
/// output counts as stdout.
pub async fn collect<S>(mut stream: S) -> Result<(BytesMut, BytesMut)>
where
    S: Stream<Item = Result<LogChunk>> + Unpin,
{
    use futures_util::StreamExt;
    let mut out = BytesMut::new();
    let mut err = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        match chunk.stream {
            StdStream::Stderr => err.extend_from_slice(&chunk.data),
            _ => out.extend_from_slice(&chunk.data),
        }
    }
    Ok((out, err))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    fn frame(id: u8, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![id, 0, 0, 0];
        f.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        f.extend_from_slice(payload);
        f
    }

    fn source(
        chunks: Vec<Vec<u8>>,
    ) -> impl Stream<Item = std::result::Result<Bytes, std::io::Error>> + Unpin {
        futures_util::stream::iter(chunks.into_iter().map(|c| Ok(Bytes::from(c))))
    }

    async fn run(chunks: Vec<Vec<u8>>, framing: Framing) -> Vec<Result<LogChunk>> {
        Demux::new(source(chunks), framing).collect().await
    }

    fn ok(items: &[Result<LogChunk>]) -> Vec<(StdStream, Vec<u8>)> {
        items
            .iter()
            .map(|i| {
                let c = i.as_ref().expect("ok item");
                (c.stream, c.data.to_vec())
            })
            .collect()
    }

    #[tokio::test]
    async fn splits_frames_across_any_chunking() {
        let mut all = frame(1, b"hello\n");
        all.extend(frame(2, b"oops"));
        all.extend(frame(1, b""));
        all.extend(frame(1, b"$ "));
        // One byte at a time: headers and payloads cut everywhere.
        let items = run(all.iter().map(|b| vec![*b]).collect(), Framing::Multiplexed).await;
        let mut out = Vec::new();
        let mut err = Vec::new();
        for (s, d) in ok(&items) {
            match s {
                StdStream::Stdout => out.extend(d),
                StdStream::Stderr => err.extend(d),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            (out.as_slice(), err.as_slice()),
            (&b"hello\n$ "[..], &b"oops"[..])
        );
        // All at once: one chunk per frame.
        let items = run(vec![all], Framing::Multiplexed).await;
        assert_eq!(
            ok(&items),
            vec![
                (StdStream::Stdout, b"hello\n".to_vec()),
                (StdStream::Stderr, b"oops".to_vec()),
                (StdStream::Stdout, b"$ ".to_vec())
            ]
        );
    }

    #[tokio::test]
    async fn a_partial_frame_is_delivered_before_the_rest_arrives() {
        let f = frame(1, b"Password: ");
        let (tx, mut rx) =
            tokio::sync::mpsc::unbounded_channel::<std::result::Result<Bytes, std::io::Error>>();
        let source = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
        let mut demux = Demux::new(source, Framing::Multiplexed);
        tx.send(Ok(Bytes::from(f[..12].to_vec()))).unwrap();
        let first = demux.next().await.unwrap().unwrap();
        assert_eq!(first.data.as_ref(), b"Pass");
        tx.send(Ok(Bytes::from(f[12..].to_vec()))).unwrap();
        assert_eq!(
            demux.next().await.unwrap().unwrap().data.as_ref(),
            b"word: "
        );
    }

    #[tokio::test]
    async fn a_read_error_is_a_decode_error_only_when_it_cuts_a_frame() {
        use std::io::{Error as IoError, ErrorKind};
        async fn ending_with(
            data: Vec<u8>,
            kind: ErrorKind,
            framing: Framing,
        ) -> Vec<Result<LogChunk>> {
            let items: Vec<std::result::Result<Bytes, IoError>> = vec![
                Ok(Bytes::from(data)),
                Err(IoError::new(kind, "the engine went away")),
            ];
            Demux::new(futures_util::stream::iter(items), framing)
                .collect()
                .await
        }
        let mut cut = frame(1, b"whole");
        cut.extend(&frame(1, b"half of it")[..12]);
        // The connection closed or was reset inside a frame: what came is
        // delivered, then a decode error whose source is the read error.
        for kind in [ErrorKind::UnexpectedEof, ErrorKind::ConnectionReset] {
            let items = ending_with(cut.clone(), kind, Framing::Multiplexed).await;
            assert_eq!(
                ok(&items[..2]),
                vec![
                    (StdStream::Stdout, b"whole".to_vec()),
                    (StdStream::Stdout, b"half".to_vec())
                ]
            );
            let Err(Error::Decode { source, .. }) = &items[2] else {
                panic!("{:?}", items[2])
            };
            let cause = source.source().expect("the read error");
            assert_eq!(cause.to_string(), "the engine went away");
            assert_eq!(items.len(), 3);
        }
        // A timeout inside a frame is not the engine ending the stream.
        let items = ending_with(cut.clone(), ErrorKind::TimedOut, Framing::Multiplexed).await;
        assert!(
            matches!(items[2], Err(Error::Transport { .. })),
            "{:?}",
            items[2]
        );
        // Cut between frames, or in a TTY stream (no frames): transport.
        let items = ending_with(
            frame(1, b"whole"),
            ErrorKind::UnexpectedEof,
            Framing::Multiplexed,
        )
        .await;
        assert!(
            matches!(items[1], Err(Error::Transport { .. })),
            "{:?}",
            items[1]
        );
        let items = ending_with(b"tty".to_vec(), ErrorKind::UnexpectedEof, Framing::Raw).await;
        assert!(
            matches!(items[1], Err(Error::Transport { .. })),
            "{:?}",
            items[1]
        );
    }

    #[tokio::test]
    async fn an_answer_cut_short_on_reqwests_connections_is_recognised() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut conn, _) = listener.accept().await.unwrap();
            let mut head = [0u8; 1024];
            let _ = conn.read(&mut head).await.unwrap();
            // A chunk announced as 0x20 bytes, four sent, then the close.
            conn.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n20\r\nabcd")
                .await
                .unwrap();
        });
        let builder = reqwest::Client::builder().no_proxy();
        #[cfg(feature = "tls")]
        let builder = builder.use_preconfigured_tls(crate::transport::tls_unused_config().unwrap());
        let response = builder
            .build()
            .unwrap()
            .get(format!("http://{addr}/"))
            .send()
            .await
            .unwrap();
        let mut body = response.bytes_stream();
        let mut error = None;
        while let Some(item) = body.next().await {
            if let Err(e) = item {
                error = Some(e);
                break;
            }
        }
        let error = error.expect("the body fails");
        assert!(cut_short(&error), "{error:?}");
        let timeout = std::io::Error::new(std::io::ErrorKind::TimedOut, "silent");
        assert!(!cut_short(&timeout));
    }

    #[tokio::test]
    async fn hostile_input_gives_errors_not_panics_or_hangs() {
        // Truncated header.
        let items = run(vec![vec![1, 0, 0]], Framing::Multiplexed).await;
        assert!(matches!(items.as_slice(), [Err(Error::Decode { .. })]));
        // A huge declared length, then the end: what came is delivered,
        // then an error, and nothing of the declared size is buffered.
        let mut f = vec![1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
        f.extend_from_slice(b"abc");
        let items = run(vec![f], Framing::Multiplexed).await;
        assert_eq!(ok(&items[..1]), vec![(StdStream::Stdout, b"abc".to_vec())]);
        assert!(matches!(items[1], Err(Error::Decode { .. })));
        assert_eq!(items.len(), 2);
        // An unknown stream id ends the stream with an error.
        let mut f = frame(7, b"x");
        f.extend(frame(1, b"after"));
        let items = run(vec![f], Framing::Multiplexed).await;
        assert!(matches!(items.as_slice(), [Err(Error::Decode { .. })]));
        // A system-error frame is an error item; the stream goes on.
        let mut f = frame(3, b"exec failed: no such file\n");
        f.extend(frame(1, b"ok"));
        let items = run(vec![f], Framing::Multiplexed).await;
        match &items[0] {
            Err(Error::InStream { message, .. }) => {
                assert_eq!(message, "exec failed: no such file")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(ok(&items[1..]), vec![(StdStream::Stdout, b"ok".to_vec())]);
    }

    #[tokio::test]
    async fn json_lines_go_on_after_a_bad_item() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Item {
            n: u32,
        }
        let chunks = vec![
            b"{\"n\": 1}\n{\"n\": ".to_vec(),
            b"2}\n\nnot json\n{\"n\": 3}".to_vec(),
        ];
        let items: Vec<Result<Item>> = JsonLines::new(source(chunks), "test").collect().await;
        assert_eq!(items.len(), 4);
        assert_eq!(items[0].as_ref().unwrap(), &Item { n: 1 });
        assert_eq!(items[1].as_ref().unwrap(), &Item { n: 2 });
        assert!(matches!(items[2], Err(Error::Decode { .. })));
        assert_eq!(items[3].as_ref().unwrap(), &Item { n: 3 });
    }

    #[tokio::test]
    async fn raw_streams_pass_through_without_waiting_for_newlines() {
        let items = run(
            vec![b"no newline".to_vec(), b" at all".to_vec()],
            Framing::Raw,
        )
        .await;
        assert_eq!(
            ok(&items),
            vec![
                (StdStream::Console, b"no newline".to_vec()),
                (StdStream::Console, b" at all".to_vec())
            ]
        );
        assert_eq!(
            Framing::from_content_type(Some("application/vnd.docker.raw-stream")),
            Some(Framing::Raw)
        );
        assert_eq!(
            Framing::from_content_type(Some("application/vnd.docker.multiplexed-stream; x=y")),
            Some(Framing::Multiplexed)
        );
        assert_eq!(Framing::from_content_type(None), None);
    }
}
