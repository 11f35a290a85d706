//! The SDK without async: every call of the async API, run to its end on
//! the client's own runtime, for scripts, build tools and test suites that
//! have none (the `blocking` feature).
//!
//! As reqwest's blocking client does, a [`Docker`] owns a small runtime
//! (one worker thread, which drives the connections); each call blocks the
//! calling thread until its answer is there. The types and errors are the
//! async API's: [`Docker::run`] takes any call of it, so everything the
//! async API can do is here, and [`Docker::iter`] turns its streams (logs,
//! events, stats, progress) into iterators.
//!
//! ```no_run
//! use docker_engine::blocking::Docker;
//! use docker_engine::containers::{ListOptions, LogsOptions};
//!
//! let docker = Docker::from_env()?;
//! let all = docker.run(async |d| d.containers().list(&ListOptions::default().all(true)).await)?;
//! for c in &all {
//!     println!("{:?} {:?}", c.id, c.names);
//! }
//! let logs = docker.run(async |d| d.containers().logs("web-1", &LogsOptions::default()).await)?;
//! for chunk in docker.iter(logs) {
//!     print!("{}", String::from_utf8_lossy(&chunk?.data));
//! }
//! # Ok::<(), docker_engine::Error>(())
//! ```
//!
//! Blocking calls must not be made from inside an async runtime (they
//! would block one of its threads): [`Docker::run`] and the iterators
//! return or yield [`Error::InvalidInput`] there instead of blocking.

use std::sync::Arc;

use futures_util::{Stream, StreamExt};

use crate::error::{Error, Result};

/// A blocking Docker Engine client: an async [`crate::Docker`] and the
/// runtime its calls run on. Cheap to clone (clones share both).
#[derive(Clone)]
pub struct Docker {
    docker: crate::Docker,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Docker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("blocking::Docker")
            .field("docker", &self.docker)
            .finish_non_exhaustive()
    }
}

impl Docker {
    /// A client configured as the Docker CLI would be (see
    /// [`crate::DockerBuilder::from_env`]).
    ///
    /// # Errors
    /// As [`crate::Docker::from_env`]; a transport error when the runtime
    /// cannot be started.
    pub fn from_env() -> Result<Docker> {
        Docker::new(crate::Docker::from_env()?)
    }

    /// A blocking client around an async one (built with
    /// [`crate::Docker::builder`], say).
    ///
    /// # Errors
    /// A transport error when the runtime cannot be started.
    pub fn new(docker: crate::Docker) -> Result<Docker> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("docker-engine-blocking")
            .enable_all()
            .build()
            .map_err(|e| Error::transport("starting the blocking client's runtime", e))?;
        Ok(Docker {
            docker,
            runtime: Arc::new(runtime),
        })
    }

    /// The async client underneath.
    pub fn inner(&self) -> &crate::Docker {
        &self.docker
    }

    /// Runs one call of the async API to its end and returns what it
    /// returns: `docker.run(async |d| d.containers().inspect("web").await)`.
    ///
    /// # Errors
    /// The call's own; [`Error::InvalidInput`] when called from inside an
    /// async runtime (nothing is run then).
    ///
    /// ```no_run
    /// # fn demo(docker: docker_engine::blocking::Docker) -> docker_engine::Result<()> {
    /// let version = docker.run(async |d| d.system().version().await)?;
    /// println!("{:?}", version.api_version);
    /// # Ok(()) }
    /// ```
    pub fn run<T>(&self, call: impl AsyncFnOnce(&crate::Docker) -> Result<T>) -> Result<T> {
        not_in_runtime()?;
        self.runtime.block_on(call(&self.docker))
    }

    /// A stream of the async API (logs, events, stats, a pull's progress)
    /// as an iterator: each `next` blocks until the next item or the end.
    ///
    /// ```no_run
    /// # fn demo(docker: docker_engine::blocking::Docker) -> docker_engine::Result<()> {
    /// let samples = docker.run(async |d| d.containers().stats_stream("web-1").await)?;
    /// for sample in docker.iter(samples).take(3) {
    ///     println!("{:?}", sample?.memory_stats);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn iter<S, T>(&self, stream: S) -> Iter<S>
    where
        S: Stream<Item = Result<T>> + Unpin,
    {
        Iter {
            stream: Some(stream),
            runtime: self.runtime.clone(),
        }
    }
}

/// An iterator over a stream of the async API; see [`Docker::iter`].
/// Dropping it drops the stream (closing its connection).
pub struct Iter<S> {
    stream: Option<S>,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl<S> std::fmt::Debug for Iter<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("blocking::Iter")
            .field("ended", &self.stream.is_none())
            .finish_non_exhaustive()
    }
}

impl<S, T> Iterator for Iter<S>
where
    S: Stream<Item = Result<T>> + Unpin,
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let stream = self.stream.as_mut()?;
        if let Err(e) = not_in_runtime() {
            self.stream = None;
            return Some(Err(e));
        }
        let item = self.runtime.block_on(stream.next());
        if item.is_none() {
            self.stream = None;
        }
        item
    }
}

fn not_in_runtime() -> Result<()> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::invalid_input(
            "a blocking call inside an async runtime would block one of its threads: \
             use the async API (docker_engine::Docker) there",
        ));
    }
    Ok(())
}
