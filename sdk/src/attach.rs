//! A hijacked connection to a container or exec process: stdin in, its
//! demultiplexed output out ([`Attached`]); or a container's attach over
//! WebSocket ([`AttachedWebSocket`]).

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, Stream, StreamExt};
use tokio::io::{AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio_tungstenite::tungstenite::{self, protocol::Role, Message};
use tokio_tungstenite::WebSocketStream;
use tokio_util::io::ReaderStream;

use crate::client::Docker;
use crate::error::{Error, Result};
use crate::streams::{Demux, Framing, LogChunk, StdStream};

type Conn = reqwest::Upgraded;

/// The output half: a stream of [`LogChunk`]s, delivered as they arrive.
pub struct AttachOutput {
    inner: Demux<ReaderStream<ReadHalf<Conn>>>,
}

impl Stream for AttachOutput {
    type Item = Result<LogChunk>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.inner).poll_next(cx)
    }
}

impl std::fmt::Debug for AttachOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachOutput").finish_non_exhaustive()
    }
}

/// The input half: bytes written here reach the process's stdin.
/// [`AttachInput::close`] (or `shutdown`) half-closes the connection, so a
/// program reading stdin to its end finishes, while output keeps coming.
pub struct AttachInput {
    inner: WriteHalf<Conn>,
}

impl std::fmt::Debug for AttachInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachInput").finish_non_exhaustive()
    }
}

impl AttachInput {
    /// Writes all of `data` to stdin.
    pub async fn write(&mut self, data: &[u8]) -> Result<()> {
        self.inner
            .write_all(data)
            .await
            .map_err(|e| Error::transport("writing to stdin", e))?;
        self.inner
            .flush()
            .await
            .map_err(|e| Error::transport("writing to stdin", e))
    }

    /// Ends stdin: the process reads end-of-file. Output keeps flowing.
    pub async fn close(&mut self) -> Result<()> {
        self.inner
            .shutdown()
            .await
            .map_err(|e| Error::transport("closing stdin", e))
    }
}

impl AsyncWrite for AttachInput {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// What a resize applies to.
#[derive(Clone, Debug)]
pub(crate) enum Target {
    Container(String),
    Exec(String),
}

/// A duplex connection to a running process: [`Attached::input`] for
/// stdin, [`Attached::output`] for stdout and stderr, and
/// [`Attached::resize`] for its TTY. [`Attached::split`] gives the halves
/// to separate tasks.
pub struct Attached {
    /// Stdin.
    pub input: AttachInput,
    /// Stdout and stderr (or the console of a TTY).
    pub output: AttachOutput,
    docker: Docker,
    target: Target,
}

impl std::fmt::Debug for Attached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attached")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl Attached {
    pub(crate) fn new(conn: Conn, framing: Framing, docker: Docker, target: Target) -> Attached {
        let (read, write) = tokio::io::split(conn);
        Attached {
            input: AttachInput { inner: write },
            output: AttachOutput {
                inner: Demux::new(ReaderStream::with_capacity(read, 64 * 1024), framing),
            },
            docker,
            target,
        }
    }

    /// The two halves, for use from separate tasks.
    pub fn split(self) -> (AttachInput, AttachOutput) {
        (self.input, self.output)
    }

    /// Resizes the process's TTY.
    pub async fn resize(&self, size: crate::containers::TtySize) -> Result<()> {
        match &self.target {
            Target::Container(id) => self.docker.containers().resize(id, size).await,
            Target::Exec(id) => self.docker.exec().resize(id, size).await,
        }
    }
}

type Ws = WebSocketStream<Conn>;

/// The output half of an attach over WebSocket: one [`LogChunk`] per
/// message the engine sends, as it arrives. The engine does not multiplex
/// here: stdout and stderr come interleaved as one stream, so every chunk
/// is [`StdStream::Console`]. The stream ends when the engine closes the
/// WebSocket (the container exited, stdin was closed, the client detached,
/// or, with `stream(false)`, the replayed output was sent).
pub struct WebSocketOutput {
    inner: SplitStream<Ws>,
    ended: bool,
}

impl Stream for WebSocketOutput {
    type Item = Result<LogChunk>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if self.ended {
                return Poll::Ready(None);
            }
            let data = match futures_util::ready!(self.inner.poll_next_unpin(cx)) {
                // Binary from API 1.28 on, text before.
                Some(Ok(Message::Binary(data))) => data,
                Some(Ok(Message::Text(text))) => text.into(),
                // The engine's close ends the output; nothing follows it.
                Some(Ok(Message::Close(_))) | None => {
                    self.ended = true;
                    continue;
                }
                // Pings are answered by the WebSocket layer.
                Some(Ok(_)) => continue,
                Some(Err(e)) => {
                    self.ended = true;
                    return Poll::Ready(Some(Err(ws_error("reading attached output", e))));
                }
            };
            if !data.is_empty() {
                return Poll::Ready(Some(Ok(LogChunk {
                    stream: StdStream::Console,
                    data,
                })));
            }
        }
    }
}

impl std::fmt::Debug for WebSocketOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSocketOutput")
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

/// The input half of an attach over WebSocket: each write is one binary
/// message, which the engine passes to the container's stdin.
pub struct WebSocketInput {
    inner: SplitSink<Ws, Message>,
}

impl std::fmt::Debug for WebSocketInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSocketInput").finish_non_exhaustive()
    }
}

impl WebSocketInput {
    /// Sends `data` to stdin as one message.
    ///
    /// # Errors
    /// [`Error::Transport`] when the connection is gone (the engine closed
    /// it, or [`WebSocketInput::close`] was called).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::AttachOptions;
    /// let mut ws = docker.containers().attach_websocket("web-1", &AttachOptions::default().stdin(true)).await?;
    /// ws.input.write(b"ls\n").await?;
    /// # Ok(()) }
    /// ```
    pub async fn write(&mut self, data: &[u8]) -> Result<()> {
        self.inner
            .send(Message::Binary(bytes::Bytes::copy_from_slice(data)))
            .await
            .map_err(|e| ws_error("writing to stdin", e))
    }

    /// Closes the WebSocket from this side. The engine takes it as the end
    /// of stdin: a container created with `StdinOnce` (as
    /// [`ContainerCreate::open_stdin`](crate::containers::ContainerCreate::open_stdin)
    /// makes it) reads end-of-file and its output goes on to its end;
    /// otherwise the engine ends the attach. Either way the output half
    /// ends once the engine has closed too. Closing twice is not an error.
    ///
    /// # Errors
    /// [`Error::Transport`] when the close message cannot be written.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::AttachOptions;
    /// let ws = docker.containers().attach_websocket("job-1", &AttachOptions::default().stdin(true)).await?;
    /// let (mut stdin, output) = ws.split();
    /// stdin.write(b"input").await?;
    /// stdin.close().await?;
    /// let (all, _) = docker_engine::streams::collect(output).await?;
    /// # Ok(()) }
    /// ```
    pub async fn close(&mut self) -> Result<()> {
        match self.inner.close().await {
            Ok(())
            | Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                Ok(())
            }
            Err(e) => Err(ws_error("closing stdin", e)),
        }
    }
}

/// A WebSocket error as the SDK's: I/O and use after the close (as
/// [`AttachInput`] after its shutdown) as transport errors, anything the
/// engine's frames got wrong as a protocol error of the operation.
fn ws_error(context: &str, e: tungstenite::Error) -> Error {
    use tungstenite::error::ProtocolError;
    match e {
        tungstenite::Error::Io(io) => Error::transport(format!("{context} (WebSocket)"), io),
        e @ (tungstenite::Error::ConnectionClosed
        | tungstenite::Error::AlreadyClosed
        | tungstenite::Error::Protocol(ProtocolError::SendAfterClosing)) => {
            Error::transport(format!("{context} (WebSocket)"), e)
        }
        e => Error::protocol("ContainerAttachWebsocket", format!("{context}: {e}")),
    }
}

/// A container attached over WebSocket (`/containers/{id}/attach/ws`):
/// [`AttachedWebSocket::input`] for stdin, [`AttachedWebSocket::output`]
/// for its output (stdout and stderr as one stream), and
/// [`AttachedWebSocket::resize`] for its TTY. [`AttachedWebSocket::split`]
/// gives the halves to separate tasks.
pub struct AttachedWebSocket {
    /// Stdin.
    pub input: WebSocketInput,
    /// Stdout and stderr, interleaved.
    pub output: WebSocketOutput,
    docker: Docker,
    id: String,
}

impl std::fmt::Debug for AttachedWebSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachedWebSocket")
            .field("container", &self.id)
            .finish_non_exhaustive()
    }
}

impl AttachedWebSocket {
    /// Speaks WebSocket (as the client) over `conn`, whose handshake the
    /// generated request made.
    pub(crate) async fn new(conn: Conn, docker: Docker, id: String) -> AttachedWebSocket {
        let (sink, stream) = Ws::from_raw_socket(conn, Role::Client, None).await.split();
        AttachedWebSocket {
            input: WebSocketInput { inner: sink },
            output: WebSocketOutput {
                inner: stream,
                ended: false,
            },
            docker,
            id,
        }
    }

    /// The two halves, for use from separate tasks.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::AttachOptions;
    /// let ws = docker.containers().attach_websocket("web-1", &AttachOptions::default()).await?;
    /// let (_stdin, output) = ws.split();
    /// tokio::spawn(docker_engine::streams::collect(output));
    /// # Ok(()) }
    /// ```
    pub fn split(self) -> (WebSocketInput, WebSocketOutput) {
        (self.input, self.output)
    }

    /// Resizes the container's TTY.
    ///
    /// # Errors
    /// As [`Containers::resize`](crate::containers::Containers::resize).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::{AttachOptions, TtySize};
    /// let ws = docker.containers().attach_websocket("shell-1", &AttachOptions::default().stdin(true)).await?;
    /// ws.resize(TtySize { height: 40, width: 120 }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn resize(&self, size: crate::containers::TtySize) -> Result<()> {
        self.docker.containers().resize(&self.id, size).await
    }
}

/// Writes `input` (if any) to stdin and closes it, while collecting all
/// output: (stdout or console, stderr). A process that exits without
/// reading its input makes the write fail; that is logged, not an error,
/// since its output and exit code tell what happened.
pub(crate) async fn feed_and_collect(
    mut stdin: AttachInput,
    output: AttachOutput,
    input: Option<&bytes::Bytes>,
    what: &str,
) -> Result<(bytes::Bytes, bytes::Bytes)> {
    let writer = async {
        if let Some(data) = input {
            stdin.write(data).await?;
            stdin.close().await?;
        }
        Ok::<_, Error>(())
    };
    let (written, read) = tokio::join!(writer, crate::streams::collect(output));
    if let Err(e) = written {
        tracing::debug!("{what}: stdin not fully written: {e}");
    }
    let (out, err) = read?;
    Ok((out.freeze(), err.freeze()))
}

/// The framing of a hijacked stream. Before API 1.42 the engine names the
/// raw-stream media type whatever it sends, so the TTY setting decides;
/// from 1.42 the media type is right.
pub(crate) fn framing_for(
    headers: &reqwest::header::HeaderMap,
    version: crate::versions::ApiVersion,
    tty: bool,
) -> Framing {
    let named = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| Framing::from_content_type(Some(ct)));
    match named {
        Some(f) if version >= crate::versions::ApiVersion::new(1, 42) => f,
        _ => {
            if tty {
                Framing::Raw
            } else {
                Framing::Multiplexed
            }
        }
    }
}
