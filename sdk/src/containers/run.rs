//! `run`: create, attach, start, collect, wait, remove — in an order that
//! loses neither output nor the exit code.

use bytes::Bytes;

use super::{AttachOptions, ContainerCreate, Containers, RemoveOptions, WaitOptions};
use crate::error::Result;
use crate::options::options;

options! {
    /// What [`Containers::run`] does besides creating the container.
    pub struct RunOptions {
        /// Removes the container afterwards, whatever happened.
        remove: flag,
        /// Writes this to the container's stdin, then closes it.
        stdin: opt<Bytes>,
    }
}

/// How a run ended: a non-zero exit is a value to look at, with the
/// output, not an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOutput {
    /// The container's id (gone if it was removed).
    pub container_id: String,
    /// The exit code.
    pub exit_code: i64,
    /// What the engine reports as the wait error, if any.
    pub error: Option<String>,
    /// Everything written to stdout (or to its TTY).
    pub stdout: Bytes,
    /// Everything written to stderr.
    pub stderr: Bytes,
}

impl RunOutput {
    /// Whether the container exited with 0.
    pub fn success(&self) -> bool {
        self.exit_code == 0
    }
}

impl Containers<'_> {
    /// Runs a container to completion and returns its exit code and output.
    ///
    /// The order makes it race-free: create, then attach (so no output is
    /// missed however fast the container is), then start, then read until
    /// the output ends, then wait for the exit code. With
    /// [`RunOptions::remove`] the container is removed afterwards even when
    /// something failed.
    ///
    /// # Errors
    /// Those of [`Containers::create`], [`Containers::attach`],
    /// [`Containers::start`] and [`Containers::wait`]; a non-zero exit is
    /// not an error.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::{ContainerCreate, RunOptions};
    /// let out = docker
    ///     .containers()
    ///     .run(&ContainerCreate::new("busybox").command_line("sh -c 'echo hi; exit 3'"), &RunOptions::default().remove(true))
    ///     .await?;
    /// assert_eq!((out.exit_code, &out.stdout[..]), (3, &b"hi\n"[..]));
    /// # Ok(()) }
    /// ```
    pub async fn run(&self, spec: &ContainerCreate, opts: &RunOptions) -> Result<RunOutput> {
        let mut spec = spec.clone();
        if opts.stdin.is_some() {
            spec = spec.open_stdin(true);
        }
        let created = self.create(&spec).await?;
        let id = created.id;
        let outcome = self.run_created(&id, opts).await;
        if opts.remove {
            let removed = self
                .remove(&id, &RemoveOptions::default().force(true))
                .await;
            if let (Ok(_), Err(e)) = (&outcome, removed) {
                return Err(e);
            }
        }
        let (exit, stdout, stderr) = outcome?;
        Ok(RunOutput {
            container_id: id,
            exit_code: exit.status_code,
            error: exit.error.and_then(|e| e.message).filter(|m| !m.is_empty()),
            stdout,
            stderr,
        })
    }

    async fn run_created(
        &self,
        id: &str,
        opts: &RunOptions,
    ) -> Result<(crate::models::ContainerWaitResponse, Bytes, Bytes)> {
        let attached = self
            .attach(id, &AttachOptions::default().stdin(opts.stdin.is_some()))
            .await?;
        let (input, output) = attached.split();
        self.start(id).await?;
        let (out, err) = crate::attach::feed_and_collect(
            input,
            output,
            opts.stdin.as_ref(),
            &format!("run {id}"),
        )
        .await?;
        // The output has ended, so the container has exited or is exiting.
        let exit = self.wait(id, &WaitOptions::default()).await?;
        Ok((exit, out, err))
    }
}
