//! Files in and out of containers: raw tar streams both ways, and copies of
//! a file or directory built and read on the fly, in constant memory.
//!
//! Copies run the `tar` crate on a blocking thread connected to the request
//! or the answer by a small bounded channel (a few 64 KiB chunks), so a
//! copy of any size holds at most a few hundred KiB.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use bytes::Bytes;
use futures_util::StreamExt;
use progenitor_client::ResponseValue;
use serde::Deserialize;
use tokio::sync::mpsc;

use super::Containers;
use crate::client::Answer;
use crate::error::{BoxError, Error, Result};
use crate::options::options;
use crate::streams::{Body, ByteStream};

const CHUNK: usize = 64 * 1024;
const IN_FLIGHT: usize = 4;

/// What the engine says about a path in a container.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PathStat {
    /// The file's name.
    pub name: String,
    /// Its size in bytes.
    pub size: i64,
    /// Go's `os.FileMode` bits (type bits included).
    pub mode: u32,
    /// Modification time (RFC 3339).
    pub mtime: String,
    /// The target, for a symbolic link.
    #[serde(rename = "linkTarget", default)]
    pub link_target: String,
}

impl PathStat {
    /// Whether the path is a directory (Go's `ModeDir` bit).
    pub fn is_dir(&self) -> bool {
        self.mode & (1 << 31) != 0
    }
}

fn path_stat(headers: &http::HeaderMap) -> Result<PathStat> {
    let value = headers.get("x-docker-container-path-stat").ok_or_else(|| {
        Error::protocol(
            "ContainerArchiveInfo",
            "the answer has no X-Docker-Container-Path-Stat header",
        )
    })?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(value.as_bytes())
        .map_err(|e| Error::Decode {
            what: "path stat header".into(),
            path: "$".into(),
            excerpt: String::new(),
            source: Box::new(e),
        })?;
    serde_json::from_slice(&decoded).map_err(|e| Error::decode("path stat header", &decoded, e))
}

options! {
    /// Options for [`Containers::put_archive`].
    pub struct PutArchiveOptions {
        /// Fail rather than replace a directory with a non-directory or back.
        no_overwrite_dir_non_dir: flag,
        /// Give the files the container's user and group ids (API 1.30+).
        copy_uid_gid: flag,
    }
}

/// A `Write` that sends full chunks into a bounded channel (blocking when
/// the request body is not being read fast enough).
pub(crate) struct ChannelWriter {
    tx: mpsc::Sender<std::result::Result<Bytes, BoxError>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the upload stopped"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = data.len().min(CHUNK - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// A request body written by `write` on a blocking thread while it is
/// sent, through a bounded channel (a few 64 KiB chunks in flight: constant
/// memory). A failure of `write` makes the upload fail rather than end as a
/// short body; the handle gives what `write` returned.
pub(crate) fn streamed_body<F>(
    write: F,
) -> (
    Body,
    tokio::task::JoinHandle<std::result::Result<(), String>>,
)
where
    F: FnOnce(&mut dyn Write) -> std::result::Result<(), String> + Send + 'static,
{
    let (tx, rx) = mpsc::channel::<std::result::Result<Bytes, BoxError>>(IN_FLIGHT);
    let handle = tokio::task::spawn_blocking(move || {
        let mut writer = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        let written = write(&mut writer).and_then(|()| writer.flush().map_err(|e| e.to_string()));
        if let Err(e) = &written {
            let _ = tx.blocking_send(Err(e.clone().into()));
        }
        written
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    (Body::from_stream(stream), handle)
}

/// A `Read` over chunks arriving on a bounded channel.
struct ChannelReader {
    rx: mpsc::Receiver<std::result::Result<Bytes, std::io::Error>>,
    current: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.current.len());
        out[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// A tar built by `fill` on a blocking thread while it is sent (through
/// [`streamed_body`]: constant memory), links stored as links: the request
/// body, and the builder's outcome (joined after the request). A failure
/// to build makes the body fail too, rather than end as a short archive.
pub(crate) fn tar_on_the_fly(
    what: String,
    fill: impl FnOnce(&mut tar::Builder<&mut dyn Write>) -> std::io::Result<()> + Send + 'static,
) -> (
    Body,
    tokio::task::JoinHandle<std::result::Result<(), String>>,
) {
    streamed_body(move |writer| {
        let mut tar = tar::Builder::new(writer);
        tar.follow_symlinks(false);
        fill(&mut tar)
            .and_then(|()| tar.into_inner().map(|_| ()))
            .map_err(|e| format!("building {what}: {e}"))
    })
}

impl Containers<'_> {
    /// What is at `path` in a container (`HEAD /containers/{id}/archive`).
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing container or path;
    /// [`Error::Protocol`] when the answer lacks the stat header.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let stat = docker.containers().archive_info("web-1", "/etc/hostname").await?;
    /// println!("{} bytes, dir: {}", stat.size, stat.is_dir());
    /// # Ok(()) }
    /// ```
    pub async fn archive_info(&self, id: &str, path: &str) -> Result<PathStat> {
        let r = self
            .docker
            .call(Answer::Prompt, async |c| {
                c.container_archive_info(id, path).await
            })
            .await?;
        path_stat(r.headers())
    }

    /// `path` in a container as a tar stream, with what the engine says
    /// about it.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing container or path; later, a
    /// transport error as a stream item.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use futures_util::StreamExt;
    /// let (_stat, mut tar) = docker.containers().archive("web-1", "/etc").await?;
    /// while let Some(chunk) = tar.next().await {
    ///     let _bytes = chunk?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn archive(&self, id: &str, path: &str) -> Result<(PathStat, ByteStream)> {
        let r = self
            .docker
            .call(Answer::Stream, async |c| {
                c.container_archive(id, path).await
            })
            .await?;
        let stat = path_stat(r.headers())?;
        Ok((stat, ByteStream::new(r.into_inner(), "the archive")))
    }

    /// Extracts a tar stream into the directory `path` of a container. The
    /// body streams: nothing is held in memory but what is in flight.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing container or directory;
    /// [`Error::InvalidArgument`] for an archive the engine cannot unpack;
    /// [`Error::UnsupportedByVersion`] for `copyUIDGID` before API 1.30.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::{containers::PutArchiveOptions, streams::Body};
    /// let tar: Vec<u8> = std::fs::read("files.tar").unwrap();
    /// docker.containers().put_archive("web-1", "/srv", Body::from(tar), &PutArchiveOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn put_archive(
        &self,
        id: &str,
        path: &str,
        tar: Body,
        opts: &PutArchiveOptions,
    ) -> Result<()> {
        let flag = |b: bool| b.then_some("true");
        self.docker
            .call(Answer::Unbounded, async |c| {
                c.put_container_archive(
                    id,
                    flag(opts.copy_uid_gid),
                    flag(opts.no_overwrite_dir_non_dir),
                    path,
                    tar.0,
                )
                .await
            })
            .await
            .map(|_: ResponseValue<()>| ())
    }

    /// Copies a host file or directory into the directory `dest_dir` of a
    /// container, keeping its name (as `docker cp SRC CONTAINER:DIR`). The
    /// tar is built while it is sent.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a source that cannot be read or archived;
    /// those of [`Containers::put_archive`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.containers().copy_into("web-1", std::path::Path::new("./site"), "/srv").await?;
    /// # Ok(()) }
    /// ```
    pub async fn copy_into(&self, id: &str, src: &Path, dest_dir: &str) -> Result<()> {
        let meta = tokio::fs::metadata(src)
            .await
            .map_err(|e| Error::invalid_input(format!("cannot read {}: {e}", src.display())))?;
        let name = src
            .file_name()
            .map(PathBuf::from)
            .ok_or_else(|| Error::invalid_input(format!("{} has no file name", src.display())))?;
        let src = src.to_path_buf();
        let (body, builder) =
            tar_on_the_fly(format!("the archive of {}", src.display()), move |tar| {
                if meta.is_dir() {
                    tar.append_dir_all(&name, &src)
                } else {
                    tar.append_path_with_name(&src, &name)
                }
            });
        let upload = self
            .put_archive(id, dest_dir, body, &PutArchiveOptions::default())
            .await;
        let built = builder
            .await
            .map_err(|e| Error::transport("building the archive", e))?;
        match (upload, built) {
            (Ok(()), Ok(())) => Ok(()),
            // A refused upload stops the builder too; the refusal is the cause.
            (Err(e), _) => Err(e),
            (Ok(()), Err(e)) => Err(Error::invalid_input(e)),
        }
    }

    /// Copies `src` from a container into the host directory `dest_dir`
    /// (as `docker cp CONTAINER:SRC DIR`), unpacking while it arrives.
    ///
    /// # Errors
    /// Those of [`Containers::archive`]; [`Error::InvalidInput`] when
    /// `dest_dir` is not an existing directory (nothing is sent then) or the
    /// archive cannot be unpacked into it; [`Error::UnsafeArchive`] for an
    /// entry that would land outside `dest_dir` (`..`, an absolute path, a
    /// link pointing out) or a device file, which is never written.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.containers().copy_out("web-1", "/var/log", std::path::Path::new("./logs")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn copy_out(&self, id: &str, src: &str, dest_dir: &Path) -> Result<PathStat> {
        // As `docker cp`: the destination must be there (nothing is created
        // on the way to it), and nothing is asked of the engine otherwise.
        match tokio::fs::metadata(dest_dir).await {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Error::invalid_input(format!(
                    "copying {src} out of {id}: the destination {} is not a directory",
                    dest_dir.display()
                )))
            }
            Err(e) => {
                return Err(Error::invalid_input(format!(
                    "copying {src} out of {id}: the destination directory {}: {e}",
                    dest_dir.display()
                )))
            }
        }
        let (stat, mut stream) = self.archive(id, src).await?;
        let (tx, rx) = mpsc::channel::<std::result::Result<Bytes, std::io::Error>>(IN_FLIGHT);
        let dest = dest_dir.to_path_buf();
        let unpacker = tokio::task::spawn_blocking(move || {
            let mut reader = ChannelReader {
                rx,
                current: Bytes::new(),
            };
            let result = super::unpack::unpack(&mut reader, &dest);
            if result.is_ok() {
                // Read the archive's padding so the sender ends normally;
                // after a failure the receiver is dropped, which stops it.
                let _ = std::io::copy(&mut reader, &mut std::io::sink());
            }
            result
        });
        let mut transport_error = None;
        while let Some(chunk) = stream.next().await {
            let item = chunk.map_err(|e| std::io::Error::other(e.to_string()));
            let failed = item.is_err();
            if let Err(e) = &item {
                transport_error = Some(e.to_string());
            }
            if tx.send(item).await.is_err() || failed {
                break;
            }
        }
        drop(tx);
        let unpacked = unpacker
            .await
            .map_err(|e| Error::transport("unpacking the archive", e))?;
        if let Some(e) = transport_error {
            return Err(Error::transport(format!("reading the archive of {src}"), e));
        }
        unpacked.map_err(|stop| match stop {
            super::unpack::Stop::Refused(e) => e,
            super::unpack::Stop::Io(e) => {
                Error::invalid_input(format!("unpacking into {}: {e}", dest_dir.display()))
            }
        })?;
        Ok(stat)
    }
}
