//! A hijacked connection to a container or exec process: stdin in, its
//! demultiplexed output out.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use tokio::io::{AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio_util::io::ReaderStream;

use crate::client::Docker;
use crate::error::{Error, Result};
use crate::streams::{Demux, Framing, LogChunk};

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
