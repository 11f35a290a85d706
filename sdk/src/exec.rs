//! Exec: run a process in a running container, through the handle
//! [`Docker::exec`]: create, start (attached or detached), inspect,
//! resize, and [`Exec::run`], which does all of it and returns the exit
//! code and output.

use bytes::Bytes;
use progenitor_client::ResponseValue;

use crate::attach::{framing_for, Attached, Target};
use crate::client::{Answer, Docker};
use crate::containers::TtySize;
use crate::error::{Error, Result};
use crate::models;
use crate::options::options;
use crate::types::split_command;

/// What to run: built with chainable setters.
///
/// ```
/// use docker_engine::exec::ExecCreate;
/// let e = ExecCreate::shell("echo $HOME && id -u").unwrap().user("nobody").env("A", "1");
/// assert_eq!(e.body().cmd.as_deref().unwrap()[0], "echo");
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ExecCreate {
    body: models::ContainerExecBody,
    inherit_proxies: bool,
}

impl ExecCreate {
    /// Runs `cmd` (program and arguments), with stdout and stderr attached.
    pub fn new<I, S>(cmd: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ExecCreate {
            body: models::ContainerExecBody {
                cmd: Some(cmd.into_iter().map(Into::into).collect()),
                attach_stdout: Some(true),
                attach_stderr: Some(true),
                ..Default::default()
            },
            inherit_proxies: true,
        }
    }

    /// Runs a command line, split into words as a POSIX shell would (no
    /// shell runs it; use `["sh", "-c", line]` for that).
    pub fn shell(line: &str) -> Result<Self> {
        Ok(Self::new(split_command(line)?))
    }

    /// Adds `NAME=value` to the environment.
    pub fn env(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.body.env.get_or_insert_with(Vec::new).push(format!(
            "{}={}",
            name.as_ref(),
            value.as_ref()
        ));
        self
    }

    /// The user (`name`, `uid`, `uid:gid`).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.body.user = Some(user.into());
        self
    }

    /// The working directory.
    pub fn working_dir(mut self, dir: impl Into<String>) -> Self {
        self.body.working_dir = Some(dir.into());
        self
    }

    /// Runs with extended privileges.
    pub fn privileged(mut self, yes: bool) -> Self {
        self.body.privileged = Some(yes);
        self
    }

    /// Allocates a TTY (output is then one raw stream).
    pub fn tty(mut self, yes: bool) -> Self {
        self.body.tty = Some(yes);
        self
    }

    /// Attaches stdin, to write to it after starting.
    pub fn stdin(mut self, yes: bool) -> Self {
        self.body.attach_stdin = Some(yes);
        self
    }

    /// Overrides the detach key sequence (default: `detachKeys` from the
    /// CLI configuration, if any).
    pub fn detach_keys(mut self, keys: impl Into<String>) -> Self {
        self.body.detach_keys = Some(keys.into());
        self
    }

    /// Whether to add the CLI configuration's proxy variables to the
    /// environment (default yes; an explicitly set variable always wins).
    pub fn inherit_proxies(mut self, yes: bool) -> Self {
        self.inherit_proxies = yes;
        self
    }

    /// The body as it will be sent (before proxies and detach keys from the
    /// CLI configuration are added).
    pub fn body(&self) -> &models::ContainerExecBody {
        &self.body
    }

    /// The body, for settings without a setter here.
    pub fn body_mut(&mut self) -> &mut models::ContainerExecBody {
        &mut self.body
    }
}

/// The outcome of [`Docker::exec`]: exit code and output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecOutput {
    /// The process's exit code.
    pub exit_code: i64,
    /// Everything it wrote to stdout (or to its TTY).
    pub stdout: Bytes,
    /// Everything it wrote to stderr.
    pub stderr: Bytes,
}

impl ExecOutput {
    /// Whether it exited with 0.
    pub fn success(&self) -> bool {
        self.exit_code == 0
    }
}

options! {
    /// Options for [`Exec::start`].
    pub struct ExecStartOptions {
        /// The exec was created with a TTY: its output is one raw stream.
        tty: flag,
    }
}

/// The exec instances of one engine: `docker.exec()`.
#[derive(Clone, Copy, Debug)]
pub struct Exec<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The exec area: processes run in running containers.
    pub fn exec(&self) -> Exec<'_> {
        Exec { docker: self }
    }
}

impl Exec<'_> {
    /// Creates an exec instance in a running container; returns its id.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing container; [`Error::Conflict`] when
    /// it is not running; [`Error::UnsupportedByVersion`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::exec::ExecCreate;
    /// let id = docker.exec().create("web-1", &ExecCreate::new(["ls", "/"])).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, container: &str, spec: &ExecCreate) -> Result<String> {
        let mut body = spec.body.clone();
        if spec.inherit_proxies {
            crate::placement::proxy_env(
                &mut body.env,
                &self
                    .docker
                    .cli_config()
                    .proxy_env(&self.docker.host().to_string()),
            );
        }
        if body.detach_keys.is_none() {
            body.detach_keys = self.docker.cli_config().detach_keys().map(str::to_string);
        }
        let r = self
            .docker
            .call(Answer::Prompt, async |c| {
                c.container_exec(container, &body).await
            })
            .await?;
        Ok(r.into_inner().id)
    }

    /// Starts an exec instance and attaches to it. `tty` must match how it
    /// was created (it decides the framing on engines before API 1.42).
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing exec instance; a transport error if
    /// the upgrade fails.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::exec::ExecStartOptions;
    /// let attached = docker.exec().start("exec-id", &ExecStartOptions::default()).await?;
    /// let (_stdin, output) = attached.split();
    /// let (out, err) = docker_engine::streams::collect(output).await?;
    /// # Ok(()) }
    /// ```
    pub async fn start(&self, id: &str, opts: &ExecStartOptions) -> Result<Attached> {
        let body = models::ExecStartBody {
            detach: Some(false),
            tty: Some(opts.tty),
            ..Default::default()
        };
        let r = self
            .docker
            .call(Answer::Stream, async |c| c.exec_start(id, &body).await)
            .await?;
        let version = self.docker.version_for("ExecStart").await?;
        let framing = framing_for(r.headers(), version, opts.tty);
        Ok(Attached::new(
            r.into_inner(),
            framing,
            self.docker.clone(),
            Target::Exec(id.to_string()),
        ))
    }

    /// Starts an exec instance without attaching; it runs in the background.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing exec instance; [`Error::Conflict`]
    /// when its container is not running.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.exec().start_detached("exec-id").await?;
    /// # Ok(()) }
    /// ```
    pub async fn start_detached(&self, id: &str) -> Result<()> {
        let body = models::ExecStartBody {
            detach: Some(true),
            ..Default::default()
        };
        self.docker
            .call(Answer::Prompt, async |c| {
                match c.exec_start(id, &body).await {
                    Ok(r) => Ok(ResponseValue::new((), r.status(), r.headers().clone())),
                    // Detached, the engine answers a plain 200.
                    Err(docker_engine_raw::Error::UnexpectedResponse(r)) if r.status() == 200 => {
                        Ok(ResponseValue::new((), r.status(), r.headers().clone()))
                    }
                    Err(e) => Err(e),
                }
            })
            .await?;
        Ok(())
    }

    /// Low-level information on an exec instance, including its exit code
    /// once it has finished.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing exec instance.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let info = docker.exec().inspect("exec-id").await?;
    /// println!("{:?} {:?}", info.running, info.exit_code);
    /// # Ok(()) }
    /// ```
    pub async fn inspect(&self, id: &str) -> Result<models::ExecInspectResponse> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.exec_inspect(id).await)
            .await?
            .into_inner())
    }

    /// Resizes an exec instance's TTY.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing exec instance.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::TtySize;
    /// docker.exec().resize("exec-id", TtySize { height: 40, width: 120 }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn resize(&self, id: &str, size: TtySize) -> Result<()> {
        self.docker
            .call(Answer::Prompt, async |c| {
                c.exec_resize(id, size.height.into(), size.width.into())
                    .await
            })
            .await?;
        Ok(())
    }

    /// Runs a command in a running container and returns its exit code,
    /// stdout and stderr. `input`, if given, is written to its stdin, which
    /// is then closed.
    ///
    /// # Errors
    /// Those of [`Exec::create`] and [`Exec::start`]; [`Error::Protocol`]
    /// when the output ended but the engine never reports an exit code. A
    /// non-zero exit is not an error.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker, id: &str) -> docker_engine::Result<()> {
    /// use docker_engine::exec::ExecCreate;
    /// let out = docker.exec().run(id, &ExecCreate::new(["sh", "-c", "wc -c"]), Some("hello".into())).await?;
    /// assert_eq!((out.exit_code, &out.stdout[..]), (0, &b"5\n"[..]));
    /// # Ok(()) }
    /// ```
    pub async fn run(
        &self,
        container: &str,
        spec: &ExecCreate,
        input: Option<Bytes>,
    ) -> Result<ExecOutput> {
        let mut spec = spec.clone();
        if input.is_some() {
            spec = spec.stdin(true);
        }
        let tty = spec.body.tty.unwrap_or(false);
        let id = self.create(container, &spec).await?;
        let attached = self
            .start(&id, &ExecStartOptions::default().tty(tty))
            .await?;
        let (stdin, output) = attached.split();
        let (stdout, stderr) =
            crate::attach::feed_and_collect(stdin, output, input.as_ref(), &format!("exec {id}"))
                .await?;
        // The stream ends as the process exits; the engine records the exit
        // code a moment later.
        let mut delay = std::time::Duration::from_millis(5);
        for _ in 0..40 {
            let info = self.inspect(&id).await?;
            if info.running != Some(true) {
                if let Some(code) = info.exit_code {
                    return Ok(ExecOutput {
                        exit_code: code,
                        stdout,
                        stderr,
                    });
                }
            }
            tokio::time::sleep(delay).await;
            delay = delay
                .saturating_mul(2)
                .min(std::time::Duration::from_millis(250));
        }
        Err(Error::protocol(
            "ExecInspect",
            format!("exec {id}: output ended but the engine reports no exit code"),
        ))
    }
}
