//! Exec: run a process in a running container.

use bytes::Bytes;
use docker_engine_raw::types;
use progenitor_client::ResponseValue;

use crate::attach::{framing_for, Attached, Target};
use crate::client::{Answer, Docker, Op};
use crate::error::{Error, Result};
use crate::helpers::split_command;

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
    body: types::ContainerExecBody,
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
            body: types::ContainerExecBody {
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
    pub fn body(&self) -> &types::ContainerExecBody {
        &self.body
    }

    /// The body, for settings without a setter here.
    pub fn body_mut(&mut self) -> &mut types::ContainerExecBody {
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

impl Docker {
    /// Creates an exec instance in a running container; returns its id.
    pub async fn create_exec(&self, container: &str, spec: &ExecCreate) -> Result<String> {
        const OP: Op = Op {
            id: "ContainerExec",
            method: "POST",
            path: "/containers/{id}/exec",
            answer: Answer::Prompt,
        };
        let mut body = spec.body.clone();
        if spec.inherit_proxies {
            crate::config::add_missing_env(
                &mut body.env,
                &self.cli_config().proxy_env(&self.host().to_string()),
            );
        }
        if body.detach_keys.is_none() {
            body.detach_keys = self.cli_config().detach_keys().map(str::to_string);
        }
        let json = serde_json::to_value(&body).map_err(Error::invalid_input)?;
        let r = self
            .call(OP, &[], Some(&json), async |c| {
                c.container_exec(container, &body).await
            })
            .await?;
        Ok(r.into_inner().id)
    }

    /// Starts an exec instance and attaches to it. `tty` must match how it
    /// was created (it decides the framing on engines before API 1.42).
    pub async fn start_exec(&self, id: &str, tty: bool) -> Result<Attached> {
        const OP: Op = Op {
            id: "ExecStart",
            method: "POST",
            path: "/exec/{id}/start",
            answer: Answer::Stream,
        };
        let body = types::ExecStartBody {
            detach: Some(false),
            tty: Some(tty),
            ..Default::default()
        };
        let r = self
            .call(OP, &[], None, async |c| c.exec_start(id, &body).await)
            .await?;
        let version = self.api_version().await?;
        let framing = framing_for(r.headers(), version, tty);
        Ok(Attached::new(
            r.into_inner(),
            framing,
            self.clone(),
            Target::Exec(id.to_string()),
        ))
    }

    /// Starts an exec instance without attaching; it runs in the background.
    pub async fn start_exec_detached(&self, id: &str) -> Result<()> {
        const OP: Op = Op {
            id: "ExecStart",
            method: "POST",
            path: "/exec/{id}/start",
            answer: Answer::Prompt,
        };
        let body = types::ExecStartBody {
            detach: Some(true),
            ..Default::default()
        };
        self.call(OP, &[], None, async |c| {
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
    pub async fn inspect_exec(&self, id: &str) -> Result<types::ExecInspectResponse> {
        const OP: Op = Op {
            id: "ExecInspect",
            method: "GET",
            path: "/exec/{id}/json",
            answer: Answer::Prompt,
        };
        Ok(self
            .call(OP, &[], None, async |c| c.exec_inspect(id).await)
            .await?
            .into_inner())
    }

    /// Resizes an exec instance's TTY.
    pub async fn resize_exec(&self, id: &str, height: u16, width: u16) -> Result<()> {
        const OP: Op = Op {
            id: "ExecResize",
            method: "POST",
            path: "/exec/{id}/resize",
            answer: Answer::Prompt,
        };
        self.call(OP, &[], None, async |c| {
            c.exec_resize(id, height.into(), width.into()).await
        })
        .await?;
        Ok(())
    }

    /// Runs a command in a running container and returns its exit code,
    /// stdout and stderr. `input`, if given, is written to its stdin, which
    /// is then closed.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker, id: &str) -> docker_engine::Result<()> {
    /// use docker_engine::exec::ExecCreate;
    /// let out = docker.exec(id, &ExecCreate::new(["sh", "-c", "wc -c"]), Some("hello".into())).await?;
    /// assert_eq!((out.exit_code, &out.stdout[..]), (0, &b"5\n"[..]));
    /// # Ok(()) }
    /// ```
    pub async fn exec(
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
        let id = self.create_exec(container, &spec).await?;
        let attached = self.start_exec(&id, tty).await?;
        let (stdin, output) = attached.split();
        let (stdout, stderr) =
            crate::attach::feed_and_collect(stdin, output, input.as_ref(), &format!("exec {id}"))
                .await?;
        // The stream ends as the process exits; the engine records the exit
        // code a moment later.
        let mut delay = std::time::Duration::from_millis(5);
        for _ in 0..40 {
            let info = self.inspect_exec(&id).await?;
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
            delay = (delay * 2).min(std::time::Duration::from_millis(250));
        }
        Err(Error::Engine {
            status: 200,
            message: format!("exec {id}: output ended but the engine reports no exit code"),
        })
    }
}
