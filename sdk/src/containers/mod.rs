//! Containers: every endpoint of the area through the handle
//! [`Docker::containers`], with option structs that have `Default` and
//! chainable setters, and the conveniences built on them (archives in and
//! out, [`Containers::run`]).
//!
//! ```no_run
//! # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
//! use docker_engine::containers::{ContainerCreate, LogsOptions, RemoveOptions, WaitOptions};
//! let containers = docker.containers();
//! let created = containers.create(&ContainerCreate::new("busybox").cmd(["echo", "hi"])).await?;
//! containers.start(&created.id).await?;
//! let exit = containers.wait(&created.id, &WaitOptions::default()).await?;
//! let logs = containers.logs(&created.id, &LogsOptions::default()).await?;
//! let (stdout, _) = docker_engine::streams::collect(logs).await?;
//! println!("{}: {}", exit.status_code, String::from_utf8_lossy(&stdout));
//! containers.remove(&created.id, &RemoveOptions::default()).await?;
//! # Ok(()) }
//! ```

use futures_util::Stream;

use crate::attach::{framing_for, Attached, AttachedWebSocket, Target};
use crate::client::{Answer, Docker};
use crate::error::{Error, Result};
use crate::models;
use crate::streams::{ByteStream, Demux, Framing, JsonLines, LogChunk};

mod archive;
mod create;
mod options;
mod port;
mod run;
mod unpack;

pub(crate) use archive::{streamed_body, tar_on_the_fly};
pub use archive::{PathStat, PutArchiveOptions};
pub use create::ContainerCreate;
pub use options::{
    AttachOptions, KillOptions, ListOptions, LogsOptions, PruneOptions, RemoveOptions,
    StatsOptions, StopOptions, TopOptions, TtySize, WaitCondition, WaitOptions,
};
pub use run::{RunOptions, RunOutput};

/// The outcome of a state change that may already have happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateChange {
    /// The container changed state.
    Changed,
    /// It was already in that state (the engine answered 304).
    AlreadyInState,
}

fn state_change<T>(r: Result<T>) -> Result<StateChange> {
    match r {
        Ok(_) => Ok(StateChange::Changed),
        Err(Error::NotModified { .. }) => Ok(StateChange::AlreadyInState),
        Err(e) => Err(e),
    }
}

/// `Some(true)` for a flag that is on; nothing (the engine's default, off)
/// for one that is off.
pub(crate) fn flag(on: bool) -> Option<bool> {
    on.then_some(true)
}

/// The containers of one engine: `docker.containers()`.
#[derive(Clone, Copy, Debug)]
pub struct Containers<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The containers area: create, inspect, start, logs, archives, ...
    pub fn containers(&self) -> Containers<'_> {
        Containers { docker: self }
    }
}

impl Containers<'_> {
    /// Lists containers (running only, unless [`ListOptions::all`]).
    ///
    /// # Errors
    /// A transport error, or the engine's refusal (a filter it does not
    /// know is [`Error::InvalidArgument`]).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::ListOptions;
    /// for c in docker.containers().list(&ListOptions::default().all(true).label("app=web")).await? {
    ///     println!("{:?} {:?}", c.names, c.state);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, opts: &ListOptions) -> Result<Vec<models::ContainerSummary>> {
        let filters = opts.filters.to_query();
        let r = self
            .docker
            .call(Answer::Prompt, async |c| {
                c.container_list(
                    flag(opts.all),
                    filters.as_deref(),
                    opts.limit,
                    flag(opts.size),
                )
                .await
            })
            .await?;
        let mut list = r.into_inner().unwrap_or_default();
        if opts.trunc {
            for c in &mut list {
                if let Some(id) = &mut c.id {
                    *id = crate::images::short_id(id).to_string();
                }
            }
        }
        Ok(list)
    }

    /// The ids of the containers [`Containers::list`] would answer, in its
    /// order (docker-py's `quiet`; shortened with [`ListOptions::trunc`]).
    ///
    /// # Errors
    /// As [`Containers::list`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::ListOptions;
    /// let exited = docker.containers().list_ids(&ListOptions::default().all(true).status("exited")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn list_ids(&self, opts: &ListOptions) -> Result<Vec<String>> {
        Ok(self
            .list(opts)
            .await?
            .into_iter()
            .filter_map(|c| c.id)
            .collect())
    }

    /// Creates a container. The CLI configuration's proxy variables are
    /// added to its environment (unless [`ContainerCreate::inherit_proxies`]
    /// says no), and the MAC address goes where the negotiated version
    /// reads it.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a short form that did not parse (nothing
    /// is sent); [`Error::UnsupportedByVersion`] for a field the version
    /// lacks; [`Error::NotFound`] for a missing image; [`Error::Conflict`]
    /// for a name in use.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::ContainerCreate;
    /// let created = docker.containers().create(&ContainerCreate::new("busybox").cmd(["true"])).await?;
    /// println!("{}", created.id);
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, spec: &ContainerCreate) -> Result<models::ContainerCreateResponse> {
        let version = self.docker.version_for("ContainerCreate").await?;
        let proxies = self
            .docker
            .cli_config()
            .proxy_env(&self.docker.host().to_string());
        let body = spec.body_for(version, &proxies)?;
        let r = self
            .docker
            .call(Answer::Prompt, async |c| {
                c.container_create(spec.name.as_deref(), spec.platform.as_deref(), &body)
                    .await
            })
            .await?;
        Ok(r.into_inner())
    }

    /// Low-level information on a container.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing container; a transport or decode
    /// error.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let info = docker.containers().inspect("web-1").await?;
    /// println!("{:?}", info.state.and_then(|s| s.status));
    /// # Ok(()) }
    /// ```
    pub async fn inspect(&self, id: &str) -> Result<models::ContainerInspectResponse> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.container_inspect(id, None).await
            })
            .await?
            .into_inner())
    }

    /// The processes running in a container.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::Conflict`] when it is not running.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::TopOptions;
    /// let top = docker.containers().top("web-1", &TopOptions::default().ps_args("aux")).await?;
    /// println!("{:?}", top.titles);
    /// # Ok(()) }
    /// ```
    pub async fn top(&self, id: &str, opts: &TopOptions) -> Result<models::ContainerTopResponse> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.container_top(id, opts.ps_args.as_deref()).await
            })
            .await?
            .into_inner())
    }

    /// Changes to a container's filesystem (empty when there are none).
    ///
    /// # Errors
    /// [`Error::NotFound`]; a transport or decode error.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// for change in docker.containers().changes("web-1").await? {
    ///     println!("{:?} {}", change.kind, change.path);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn changes(&self, id: &str) -> Result<Vec<models::FilesystemChange>> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.container_changes(id).await)
            .await?
            .into_inner()
            .unwrap_or_default())
    }

    /// A container's filesystem as a tar stream.
    ///
    /// # Errors
    /// [`Error::NotFound`]; later, a transport error as a stream item.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use futures_util::StreamExt;
    /// let mut tar = docker.containers().export("web-1").await?;
    /// let mut size = 0;
    /// while let Some(chunk) = tar.next().await {
    ///     size += chunk?.len();
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn export(&self, id: &str) -> Result<ByteStream> {
        let r = self
            .docker
            .call(Answer::Stream, async |c| c.container_export(id).await)
            .await?;
        Ok(ByteStream::new(r.into_inner(), "the exported filesystem"))
    }

    /// One resource-usage sample. The engine takes about two seconds to
    /// measure CPU use unless [`StatsOptions::one_shot`] skips that.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::Decode`] when the answer holds no
    /// sample.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::StatsOptions;
    /// let s = docker.containers().stats("web-1", &StatsOptions::default().one_shot(true)).await?;
    /// println!("{:?}", s.memory_stats);
    /// # Ok(()) }
    /// ```
    pub async fn stats(
        &self,
        id: &str,
        opts: &StatsOptions,
    ) -> Result<models::ContainerStatsResponse> {
        use futures_util::StreamExt;
        let r = self
            .docker
            .call(Answer::Prompt, async |c| {
                c.container_stats(id, flag(opts.one_shot), Some(false))
                    .await
            })
            .await?;
        let mut items = JsonLines::<_, models::ContainerStatsResponse>::new(
            r.into_inner().into_inner(),
            "stats",
        );
        items.next().await.unwrap_or_else(|| {
            Err(Error::protocol(
                "ContainerStats",
                "the answer holds no sample",
            ))
        })
    }

    /// Resource usage as a stream of samples, about one a second, for as
    /// long as the container runs (never cut by a timeout). A sample that
    /// does not decode is an error item; the stream goes on.
    ///
    /// # Errors
    /// [`Error::NotFound`]; later, transport and decode errors as items.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use futures_util::StreamExt;
    /// let mut samples = docker.containers().stats_stream("web-1").await?;
    /// if let Some(sample) = samples.next().await {
    ///     println!("{:?}", sample?.cpu_stats);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn stats_stream(
        &self,
        id: &str,
    ) -> Result<impl Stream<Item = Result<models::ContainerStatsResponse>> + Unpin + use<>> {
        let r = self
            .docker
            .call(Answer::Stream, async |c| {
                c.container_stats(id, None, None).await
            })
            .await?;
        Ok(JsonLines::new(r.into_inner().into_inner(), "stats"))
    }

    /// Resizes a container's TTY.
    ///
    /// # Errors
    /// [`Error::NotFound`]; the engine's refusal for a container without a
    /// TTY.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::TtySize;
    /// docker.containers().resize("web-1", TtySize { height: 40, width: 120 }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn resize(&self, id: &str, size: TtySize) -> Result<()> {
        self.docker
            .call(Answer::Prompt, async |c| {
                c.container_resize(id, size.height.into(), size.width.into())
                    .await
            })
            .await?;
        Ok(())
    }

    /// Starts a container; starting a running one is not an error.
    ///
    /// # Errors
    /// [`Error::NotFound`]; the engine's error when the process cannot
    /// start (a missing executable, a port in use).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::StateChange;
    /// if docker.containers().start("web-1").await? == StateChange::AlreadyInState {
    ///     println!("already running");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn start(&self, id: &str) -> Result<StateChange> {
        state_change(
            self.docker
                .call(Answer::Prompt, async |c| c.container_start(id, None).await)
                .await,
        )
    }

    /// Stops a container; stopping a stopped one is not an error. Not cut
    /// by the response timeout: stopping may take the grace period.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::UnsupportedByVersion`] for a signal
    /// before API 1.42.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::StopOptions;
    /// docker.containers().stop("web-1", &StopOptions::default().timeout(5)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn stop(&self, id: &str, opts: &StopOptions) -> Result<StateChange> {
        state_change(
            self.docker
                .call(Answer::Unbounded, async |c| {
                    c.container_stop(id, opts.signal.as_deref(), opts.timeout)
                        .await
                })
                .await,
        )
    }

    /// Restarts a container (not cut by the response timeout).
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::UnsupportedByVersion`] for a signal
    /// before API 1.42.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::StopOptions;
    /// docker.containers().restart("web-1", &StopOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn restart(&self, id: &str, opts: &StopOptions) -> Result<()> {
        self.docker
            .call(Answer::Unbounded, async |c| {
                c.container_restart(id, opts.signal.as_deref(), opts.timeout)
                    .await
            })
            .await?;
        Ok(())
    }

    /// Sends a signal to a container's main process.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::Conflict`] when it is not running.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::KillOptions;
    /// docker.containers().kill("web-1", &KillOptions::default().signal("SIGHUP")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn kill(&self, id: &str, opts: &KillOptions) -> Result<()> {
        self.docker
            .call(Answer::Prompt, async |c| {
                c.container_kill(id, opts.signal.as_deref()).await
            })
            .await?;
        Ok(())
    }

    /// Changes a container's resources or restart policy; returns the
    /// engine's warnings.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::InvalidArgument`] for a change the
    /// engine refuses; [`Error::UnsupportedByVersion`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::models::ContainerUpdateBody;
    /// let update = ContainerUpdateBody { memory: Some(256 << 20), memory_swap: Some(-1), ..Default::default() };
    /// docker.containers().update("web-1", &update).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update(
        &self,
        id: &str,
        update: &models::ContainerUpdateBody,
    ) -> Result<Vec<String>> {
        let r = self
            .docker
            .call(Answer::Prompt, async |c| {
                c.container_update(id, update).await
            })
            .await?;
        Ok(r.into_inner().warnings.unwrap_or_default())
    }

    /// Renames a container.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::Conflict`] for a name in use.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.containers().rename("web-1", "web-2").await?;
    /// # Ok(()) }
    /// ```
    pub async fn rename(&self, id: &str, new_name: &str) -> Result<()> {
        self.docker
            .call(Answer::Prompt, async |c| {
                c.container_rename(id, new_name).await
            })
            .await?;
        Ok(())
    }

    /// Pauses all processes of a container.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::Conflict`] when it is not running.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.containers().pause("web-1").await?;
    /// docker.containers().unpause("web-1").await?;
    /// # Ok(()) }
    /// ```
    pub async fn pause(&self, id: &str) -> Result<()> {
        self.docker
            .call(Answer::Prompt, async |c| c.container_pause(id).await)
            .await?;
        Ok(())
    }

    /// Resumes a paused container.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::Conflict`] when it is not paused.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.containers().unpause("web-1").await?;
    /// # Ok(()) }
    /// ```
    pub async fn unpause(&self, id: &str) -> Result<()> {
        self.docker
            .call(Answer::Prompt, async |c| c.container_unpause(id).await)
            .await?;
        Ok(())
    }

    /// Waits for a container to reach a condition; the answer holds its
    /// exit code. Never cut by the response timeout. The default condition
    /// is not sent (every API version waits for "not running" then), so
    /// this works on engines before API 1.30.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::UnsupportedByVersion`] for another
    /// condition before API 1.30.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::{WaitCondition, WaitOptions};
    /// let exit = docker.containers().wait("job-1", &WaitOptions::default()).await?;
    /// let next = WaitOptions::default().condition(WaitCondition::NextExit);
    /// println!("{}", exit.status_code);
    /// # let _ = next; Ok(()) }
    /// ```
    pub async fn wait(
        &self,
        id: &str,
        opts: &WaitOptions,
    ) -> Result<models::ContainerWaitResponse> {
        use models::ContainerWaitCondition as C;
        let condition = match opts.condition {
            WaitCondition::NotRunning => None,
            WaitCondition::NextExit => Some(C::NextExit),
            WaitCondition::Removed => Some(C::Removed),
        };
        Ok(self
            .docker
            .call(Answer::Unbounded, async |c| {
                c.container_wait(id, condition).await
            })
            .await?
            .into_inner())
    }

    /// The framing of a container's output: the media type the engine
    /// names, else the container's TTY setting.
    async fn output_framing(&self, id: &str, headers: &http::HeaderMap) -> Result<Framing> {
        let named = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        match Framing::from_content_type(named) {
            Some(f) => Ok(f),
            None => Ok(if self.tty(id).await? {
                Framing::Raw
            } else {
                Framing::Multiplexed
            }),
        }
    }

    pub(crate) async fn tty(&self, id: &str) -> Result<bool> {
        Ok(self
            .inspect(id)
            .await?
            .config
            .and_then(|c| c.tty)
            .unwrap_or(false))
    }

    /// A container's output, demultiplexed, as it arrives. Whether output is
    /// multiplexed comes from the answer's media type, or, when the engine
    /// sends none (20.10 does not), from the container's TTY setting.
    ///
    /// # Errors
    /// [`Error::NotFound`]; later, transport and decode errors as items.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker, id: &str) -> docker_engine::Result<()> {
    /// use docker_engine::containers::LogsOptions;
    /// let logs = docker.containers().logs(id, &LogsOptions::default().tail(10)).await?;
    /// let (stdout, stderr) = docker_engine::streams::collect(logs).await?;
    /// # Ok(()) }
    /// ```
    pub async fn logs(
        &self,
        id: &str,
        opts: &LogsOptions,
    ) -> Result<impl Stream<Item = Result<LogChunk>> + Unpin + use<>> {
        let r = self
            .docker
            .call(Answer::Stream, async |c| {
                c.container_logs(
                    id,
                    flag(opts.follow),
                    opts.since,
                    flag(opts.stderr),
                    flag(opts.stdout),
                    opts.tail.as_deref(),
                    flag(opts.timestamps),
                    opts.until,
                )
                .await
            })
            .await?;
        let framing = self.output_framing(id, r.headers()).await?;
        Ok(Demux::new(r.into_inner().into_inner(), framing))
    }

    /// Attaches to a container: stdin in, output out, over one connection
    /// (Docker's TCP hijack). Attach before starting to see all output.
    /// The CLI configuration's `detachKeys` apply unless the options name
    /// others.
    ///
    /// # Errors
    /// [`Error::NotFound`]; a transport error if the upgrade fails.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::AttachOptions;
    /// let attached = docker.containers().attach("web-1", &AttachOptions::default().stdin(true)).await?;
    /// let (mut stdin, output) = attached.split();
    /// stdin.write(b"ls\n").await?;
    /// stdin.close().await?;
    /// let (out, _) = docker_engine::streams::collect(output).await?;
    /// # Ok(()) }
    /// ```
    pub async fn attach(&self, id: &str, opts: &AttachOptions) -> Result<Attached> {
        let r = self
            .docker
            .call(Answer::Stream, async |c| {
                c.container_attach(
                    id,
                    opts.detach_keys.as_deref(),
                    flag(opts.logs),
                    flag(opts.stderr),
                    flag(opts.stdin),
                    flag(opts.stdout),
                    flag(opts.stream),
                )
                .await
            })
            .await?;
        let version = self.docker.version_for("ContainerAttach").await?;
        let tty = self.tty(id).await?;
        let framing = framing_for(r.headers(), version, tty);
        Ok(Attached::new(
            r.into_inner(),
            framing,
            self.docker.clone(),
            Target::Container(id.to_string()),
        ))
    }

    /// Attaches without stdin and collects the output to its end: (stdout,
    /// stderr), or (console, empty) for a TTY. With
    /// `logs(true).stream(false)` that is what the container wrote so far,
    /// and the call returns while the container goes on running; with
    /// `stream(true)` (the default) it returns when the container exits or
    /// is detached, as docker-py's `attach(stream=False)` does.
    ///
    /// # Errors
    /// [`Error::NotFound`]; a transport error; the engine's error inside
    /// the stream as [`Error::InStream`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::AttachOptions;
    /// let so_far = AttachOptions::default().logs(true).stream(false);
    /// let (stdout, stderr) = docker.containers().attach_output("web-1", &so_far).await?;
    /// println!("{}", String::from_utf8_lossy(&stdout));
    /// # let _ = stderr; Ok(()) }
    /// ```
    pub async fn attach_output(
        &self,
        id: &str,
        opts: &AttachOptions,
    ) -> Result<(bytes::Bytes, bytes::Bytes)> {
        let attached = self.attach(id, &opts.clone().stdin(false)).await?;
        let (out, err) = crate::streams::collect(attached.output).await?;
        Ok((out.freeze(), err.freeze()))
    }

    /// Attaches to a container over WebSocket (`/containers/{id}/attach/ws`,
    /// docker-py's `attach_socket(ws=True)`): what browsers and proxies
    /// that pass WebSockets but not Docker's TCP hijack can use. The
    /// engine does not multiplex here, so stdout and stderr come as one
    /// stream ([`AttachedWebSocket::output`]); stdin goes in as messages
    /// ([`AttachedWebSocket::input`]).
    ///
    /// Which streams are attached is the engine's to read from API 1.42
    /// on. Older engines attach stdin, stdout and stderr whatever is asked:
    /// below 1.42 nothing of that is sent, stdin is attached even without
    /// [`AttachOptions::stdin`] (only what is written reaches it, but
    /// closing ends it), and turning stdout or stderr off is refused. The
    /// CLI configuration's `detachKeys` apply unless the options name
    /// others.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::UnsupportedByVersion`] for
    /// `stdout(false)` or `stderr(false)` before API 1.42 (nothing is
    /// sent); a transport error if the upgrade fails.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use futures_util::StreamExt;
    /// use docker_engine::containers::AttachOptions;
    /// let mut ws = docker.containers().attach_websocket("shell-1", &AttachOptions::default().stdin(true)).await?;
    /// ws.input.write(b"echo hi\n").await?;
    /// if let Some(chunk) = ws.output.next().await {
    ///     print!("{}", String::from_utf8_lossy(&chunk?.data));
    /// }
    /// ws.input.close().await?;
    /// # Ok(()) }
    /// ```
    pub async fn attach_websocket(
        &self,
        id: &str,
        opts: &AttachOptions,
    ) -> Result<AttachedWebSocket> {
        let version = self.docker.version_for("ContainerAttachWebsocket").await?;
        let (stdin, stdout, stderr) = if version >= crate::versions::ApiVersion::new(1, 42) {
            (flag(opts.stdin), flag(opts.stdout), flag(opts.stderr))
        } else {
            // The engine attaches all three and reads none of the
            // parameters: an output turned off is sent as asked, so that
            // gating refuses it rather than the engine ignoring it.
            let off = |on: bool| (!on).then_some(false);
            (None, off(opts.stdout), off(opts.stderr))
        };
        let r = self
            .docker
            .call(Answer::Stream, async |c| {
                c.container_attach_websocket(
                    id,
                    opts.detach_keys.as_deref(),
                    flag(opts.logs),
                    stderr,
                    stdin,
                    stdout,
                    flag(opts.stream),
                )
                .await
            })
            .await?;
        Ok(AttachedWebSocket::new(r.into_inner(), self.docker.clone(), id.to_string()).await)
    }

    /// Removes a container (not cut by the response timeout).
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::Conflict`] for a running container
    /// without [`RemoveOptions::force`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::RemoveOptions;
    /// docker.containers().remove("web-1", &RemoveOptions::default().force(true).volumes(true)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove(&self, id: &str, opts: &RemoveOptions) -> Result<()> {
        self.docker
            .call(Answer::Unbounded, async |c| {
                c.container_delete(id, flag(opts.force), flag(opts.link), flag(opts.volumes))
                    .await
            })
            .await?;
        Ok(())
    }

    /// Removes stopped containers matching the filters; returns what was
    /// removed and the space reclaimed.
    ///
    /// # Errors
    /// [`Error::Conflict`] while another prune runs; a transport error.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::PruneOptions;
    /// let pruned = docker.containers().prune(&PruneOptions::default().label("ci-run=42")).await?;
    /// println!("{:?} bytes", pruned.space_reclaimed);
    /// # Ok(()) }
    /// ```
    pub async fn prune(&self, opts: &PruneOptions) -> Result<models::ContainerPruneResponse> {
        let query = opts.filters.to_query();
        Ok(self
            .docker
            .call(Answer::Unbounded, async |c| {
                c.container_prune(query.as_deref()).await
            })
            .await?
            .into_inner())
    }
}
