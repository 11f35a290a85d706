//! Containers: create, inspect, start, stop, wait, logs, remove.

use std::collections::HashMap;

use docker_engine_raw::types;
use futures_util::Stream;

use crate::client::{Answer, Docker, Op};
use crate::error::{Error, Result};
use crate::streams::{Demux, Framing, LogChunk};

/// The outcome of a state change that may already have happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateChange {
    /// The container changed state.
    Changed,
    /// It was already in that state (the engine answered 304).
    AlreadyInState,
}

fn state_change(r: Result<()>) -> Result<StateChange> {
    match r {
        Ok(()) => Ok(StateChange::Changed),
        Err(Error::NotModified) => Ok(StateChange::AlreadyInState),
        Err(e) => Err(e),
    }
}

/// What to create: the container's configuration, its name and platform.
///
/// ```
/// use docker_engine::containers::ContainerCreate;
/// let spec = ContainerCreate::new("busybox")
///     .name("web-1")
///     .cmd(["sh", "-c", "echo hi"])
///     .env("MODE", "test")
///     .label("app", "web");
/// assert_eq!(spec.body().image.as_deref(), Some("busybox"));
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ContainerCreate {
    name: Option<String>,
    platform: Option<String>,
    body: types::ContainerCreateBody,
}

impl ContainerCreate {
    /// A container of `image`.
    pub fn new(image: impl Into<String>) -> Self {
        let body = types::ContainerCreateBody {
            image: Some(image.into()),
            ..Default::default()
        };
        ContainerCreate {
            body,
            ..Default::default()
        }
    }

    /// Everything the engine accepts, as the generated body type.
    pub fn from_body(body: types::ContainerCreateBody) -> Self {
        ContainerCreate {
            body,
            ..Default::default()
        }
    }

    /// The container's name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The platform (`os[/arch[/variant]]`) to pick the image for.
    pub fn platform(mut self, platform: impl Into<String>) -> Self {
        self.platform = Some(platform.into());
        self
    }

    /// The command, as separate arguments.
    pub fn cmd<I, S>(mut self, cmd: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.body.cmd = Some(cmd.into_iter().map(Into::into).collect());
        self
    }

    /// The entrypoint, as separate arguments.
    pub fn entrypoint<I, S>(mut self, entrypoint: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.body.entrypoint = Some(entrypoint.into_iter().map(Into::into).collect());
        self
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

    /// Adds a label.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.body
            .labels
            .get_or_insert_with(HashMap::new)
            .insert(key.into(), value.into());
        self
    }

    /// Allocates a TTY (output is then one raw stream).
    pub fn tty(mut self, tty: bool) -> Self {
        self.body.tty = Some(tty);
        self
    }

    /// Keeps stdin open (for attach).
    pub fn open_stdin(mut self, open: bool) -> Self {
        self.body.open_stdin = Some(open);
        self.body.attach_stdin = Some(open);
        self
    }

    /// The body as it will be sent.
    pub fn body(&self) -> &types::ContainerCreateBody {
        &self.body
    }

    /// The body, for settings without a setter here.
    pub fn body_mut(&mut self) -> &mut types::ContainerCreateBody {
        &mut self.body
    }
}

/// Options for [`Docker::stop_container`].
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct StopOptions {
    timeout: Option<i64>,
    signal: Option<String>,
}

impl StopOptions {
    /// Seconds to wait before killing (the engine's default otherwise).
    pub fn timeout(mut self, seconds: i64) -> Self {
        self.timeout = Some(seconds);
        self
    }

    /// The signal to stop with (API 1.42+).
    pub fn signal(mut self, signal: impl Into<String>) -> Self {
        self.signal = Some(signal.into());
        self
    }
}

/// Which state change [`Docker::wait_container`] waits for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WaitCondition {
    /// The container is not running (returns at once if it is not).
    #[default]
    NotRunning,
    /// The next time the container exits.
    NextExit,
    /// The container is removed.
    Removed,
}

/// Options for [`Docker::container_logs`]; both outputs by default.
#[derive(Clone, Debug)]
#[must_use]
pub struct LogsOptions {
    follow: bool,
    stdout: bool,
    stderr: bool,
    since: Option<i64>,
    until: Option<i64>,
    timestamps: bool,
    tail: Option<String>,
}

impl Default for LogsOptions {
    fn default() -> Self {
        LogsOptions {
            follow: false,
            stdout: true,
            stderr: true,
            since: None,
            until: None,
            timestamps: false,
            tail: None,
        }
    }
}

impl LogsOptions {
    /// Keep streaming new output until the container stops.
    pub fn follow(mut self, follow: bool) -> Self {
        self.follow = follow;
        self
    }

    /// Include stdout (default yes).
    pub fn stdout(mut self, yes: bool) -> Self {
        self.stdout = yes;
        self
    }

    /// Include stderr (default yes).
    pub fn stderr(mut self, yes: bool) -> Self {
        self.stderr = yes;
        self
    }

    /// Only output since this Unix time.
    pub fn since(mut self, unix_seconds: i64) -> Self {
        self.since = Some(unix_seconds);
        self
    }

    /// Only output before this Unix time.
    pub fn until(mut self, unix_seconds: i64) -> Self {
        self.until = Some(unix_seconds);
        self
    }

    /// Prefix each line with its timestamp.
    pub fn timestamps(mut self, yes: bool) -> Self {
        self.timestamps = yes;
        self
    }

    /// Only the last `n` lines.
    pub fn tail(mut self, n: usize) -> Self {
        self.tail = Some(n.to_string());
        self
    }
}

/// Options for [`Docker::remove_container`].
#[derive(Clone, Copy, Debug, Default)]
#[must_use]
pub struct RemoveOptions {
    force: bool,
    volumes: bool,
    link: bool,
}

impl RemoveOptions {
    /// Kill it first if it is running.
    pub fn force(mut self, yes: bool) -> Self {
        self.force = yes;
        self
    }

    /// Remove its anonymous volumes too.
    pub fn volumes(mut self, yes: bool) -> Self {
        self.volumes = yes;
        self
    }

    /// Remove a legacy link instead of the container.
    pub fn link(mut self, yes: bool) -> Self {
        self.link = yes;
        self
    }
}

/// Names of the optional parameters that are set, for gating.
fn set_params<'a>(params: &[(&'a str, bool)]) -> Vec<&'a str> {
    params
        .iter()
        .filter(|(_, set)| *set)
        .map(|(name, _)| *name)
        .collect()
}

impl Docker {
    /// Creates a container (`POST /containers/create`).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::ContainerCreate;
    /// let created = docker.create_container(&ContainerCreate::new("busybox").cmd(["true"])).await?;
    /// println!("{}", created.id);
    /// # Ok(()) }
    /// ```
    pub async fn create_container(
        &self,
        spec: &ContainerCreate,
    ) -> Result<types::ContainerCreateResponse> {
        const OP: Op = Op {
            id: "ContainerCreate",
            method: "POST",
            path: "/containers/create",
            answer: Answer::Prompt,
        };
        let body = serde_json::to_value(&spec.body).map_err(Error::invalid_input)?;
        let params = set_params(&[
            ("name", spec.name.is_some()),
            ("platform", spec.platform.is_some()),
        ]);
        let r = self
            .call(OP, &params, Some(&body), async |c| {
                c.container_create(spec.name.as_deref(), spec.platform.as_deref(), &spec.body)
                    .await
            })
            .await?;
        Ok(r.into_inner())
    }

    /// Low-level information on a container (`GET /containers/{id}/json`).
    pub async fn inspect_container(&self, id: &str) -> Result<types::ContainerInspectResponse> {
        const OP: Op = Op {
            id: "ContainerInspect",
            method: "GET",
            path: "/containers/{id}/json",
            answer: Answer::Prompt,
        };
        Ok(self
            .call(OP, &[], None, async |c| c.container_inspect(id, None).await)
            .await?
            .into_inner())
    }

    /// Starts a container; starting a running one is not an error.
    pub async fn start_container(&self, id: &str) -> Result<StateChange> {
        const OP: Op = Op {
            id: "ContainerStart",
            method: "POST",
            path: "/containers/{id}/start",
            answer: Answer::Prompt,
        };
        state_change(
            self.call(OP, &[], None, async |c| c.container_start(id, None).await)
                .await
                .map(|_| ()),
        )
    }

    /// Stops a container; stopping a stopped one is not an error.
    pub async fn stop_container(&self, id: &str, opts: &StopOptions) -> Result<StateChange> {
        // Stopping may take the whole grace period.
        const OP: Op = Op {
            id: "ContainerStop",
            method: "POST",
            path: "/containers/{id}/stop",
            answer: Answer::Unbounded,
        };
        let params = set_params(&[
            ("t", opts.timeout.is_some()),
            ("signal", opts.signal.is_some()),
        ]);
        state_change(
            self.call(OP, &params, None, async |c| {
                c.container_stop(id, opts.signal.as_deref(), opts.timeout)
                    .await
            })
            .await
            .map(|_| ()),
        )
    }

    /// Waits for a container to reach `condition`; the answer holds its exit
    /// code. Never cut by the response timeout.
    pub async fn wait_container(
        &self,
        id: &str,
        condition: WaitCondition,
    ) -> Result<types::ContainerWaitResponse> {
        const OP: Op = Op {
            id: "ContainerWait",
            method: "POST",
            path: "/containers/{id}/wait",
            answer: Answer::Unbounded,
        };
        let condition = match condition {
            WaitCondition::NotRunning => types::ContainerWaitCondition::NotRunning,
            WaitCondition::NextExit => types::ContainerWaitCondition::NextExit,
            WaitCondition::Removed => types::ContainerWaitCondition::Removed,
        };
        Ok(self
            .call(OP, &["condition"], None, async |c| {
                c.container_wait(id, Some(condition)).await
            })
            .await?
            .into_inner())
    }

    /// A container's output, demultiplexed, as it arrives. Whether output is
    /// multiplexed comes from the answer's media type, or, when the engine
    /// sends none (20.10 does not), from the container's TTY setting.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker, id: &str) -> docker_engine::Result<()> {
    /// use docker_engine::containers::LogsOptions;
    /// let logs = docker.container_logs(id, &LogsOptions::default()).await?;
    /// let (stdout, stderr) = docker_engine::streams::collect(logs).await?;
    /// # Ok(()) }
    /// ```
    pub async fn container_logs(
        &self,
        id: &str,
        opts: &LogsOptions,
    ) -> Result<impl Stream<Item = Result<LogChunk>> + Unpin + use<>> {
        const OP: Op = Op {
            id: "ContainerLogs",
            method: "GET",
            path: "/containers/{id}/logs",
            answer: Answer::Stream,
        };
        let params = set_params(&[
            ("follow", opts.follow),
            ("stdout", true),
            ("stderr", true),
            ("since", opts.since.is_some()),
            ("until", opts.until.is_some()),
            ("timestamps", opts.timestamps),
            ("tail", opts.tail.is_some()),
        ]);
        let r = self
            .call(OP, &params, None, async |c| {
                c.container_logs(
                    id,
                    Some(opts.follow),
                    opts.since,
                    Some(opts.stderr),
                    Some(opts.stdout),
                    opts.tail.as_deref(),
                    Some(opts.timestamps),
                    opts.until,
                )
                .await
            })
            .await?;
        let content_type = r
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let framing = match Framing::from_content_type(content_type.as_deref()) {
            Some(f) => f,
            None => {
                let tty = self
                    .inspect_container(id)
                    .await?
                    .config
                    .and_then(|c| c.tty)
                    .unwrap_or(false);
                if tty {
                    Framing::Raw
                } else {
                    Framing::Multiplexed
                }
            }
        };
        Ok(Demux::new(r.into_inner().into_inner(), framing))
    }

    /// Removes a container.
    pub async fn remove_container(&self, id: &str, opts: &RemoveOptions) -> Result<()> {
        const OP: Op = Op {
            id: "ContainerDelete",
            method: "DELETE",
            path: "/containers/{id}",
            answer: Answer::Unbounded,
        };
        let params = set_params(&[
            ("force", opts.force),
            ("v", opts.volumes),
            ("link", opts.link),
        ]);
        self.call(OP, &params, None, async |c| {
            c.container_delete(id, Some(opts.force), Some(opts.link), Some(opts.volumes))
                .await
        })
        .await?;
        Ok(())
    }
}
