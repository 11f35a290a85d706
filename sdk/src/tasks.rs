//! The tasks of a swarm's services, through the handle [`Docker::tasks`]
//! (on a manager): list with typed filters, inspect, logs.
//!
//! ```no_run
//! # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
//! use docker_engine::tasks::ListOptions;
//! for t in docker.tasks().list(&ListOptions::default().service("web").desired_state("running")).await? {
//!     println!("{:?} {:?}", t.id, t.status.and_then(|s| s.state));
//! }
//! # Ok(()) }
//! ```

use futures_util::Stream;

use crate::client::{Answer, Docker};
use crate::containers::flag;
use crate::error::Result;
use crate::filters::Filters;
use crate::models;
use crate::options::options;
use crate::services::{fix_task_spec, log_framing, LogsOptions};
use crate::streams::{Demux, Framing, LogChunk};

options! {
    /// Options for [`Tasks::list`]: filters, set with the methods below.
    pub struct ListOptions {
        /// Set with the filter setters.
        filters: field<Filters>,
    }
}

impl ListOptions {
    /// Only tasks whose desired state is this (`running`, `shutdown`,
    /// `accepted`).
    pub fn desired_state(self, s: impl Into<String>) -> Self {
        self.filter("desired-state", s)
    }
    /// Only tasks of this service (id or name).
    pub fn service(self, s: impl Into<String>) -> Self {
        self.filter("service", s)
    }
    /// Only tasks on this node (id or name).
    pub fn node(self, n: impl Into<String>) -> Self {
        self.filter("node", n)
    }
    /// Only tasks with this label (`key` or `key=value`).
    pub fn label(self, l: impl Into<String>) -> Self {
        self.filter("label", l)
    }
    /// Only tasks with this name (`service.slot`).
    pub fn name(self, n: impl Into<String>) -> Self {
        self.filter("name", n)
    }
    /// Only this task id (or prefix).
    pub fn id(self, id: impl Into<String>) -> Self {
        self.filter("id", id)
    }
    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

/// The tasks of a swarm: `docker.tasks()`.
#[derive(Clone, Copy, Debug)]
pub struct Tasks<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The tasks area (swarm managers only).
    pub fn tasks(&self) -> Tasks<'_> {
        Tasks { docker: self }
    }
}

impl Tasks<'_> {
    /// Lists tasks.
    ///
    /// # Errors
    /// [`Error::Engine`](crate::Error::Engine) (503) outside a swarm;
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an
    /// unknown filter.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::tasks::ListOptions;
    /// let tasks = docker.tasks().list(&ListOptions::default().service("web")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, opts: &ListOptions) -> Result<Vec<models::Task>> {
        let filters = opts.filters.to_query();
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.task_list(filters.as_deref()).await
            })
            .await?
            .into_inner()
            .unwrap_or_default())
        .map(|mut all: Vec<models::Task>| {
            for t in &mut all {
                fix_task_spec(t.spec.as_mut());
            }
            all
        })
    }

    /// A task.
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let t = docker.tasks().inspect("x1b2...").await?;
    /// # Ok(()) }
    /// ```
    pub async fn inspect(&self, id: &str) -> Result<models::Task> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.task_inspect(id).await)
            .await?
            .into_inner())
        .map(|mut t: models::Task| {
            fix_task_spec(t.spec.as_mut());
            t
        })
    }

    /// A task's output, demultiplexed as container logs are (framing from
    /// the media type, or, when the engine names none, from the task's TTY
    /// setting).
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound); later, transport errors
    /// as items.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::services::LogsOptions;
    /// let logs = docker.tasks().logs("x1b2...", &LogsOptions::default()).await?;
    /// let (out, _) = docker_engine::streams::collect(logs).await?;
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
                c.task_logs(
                    id,
                    flag(opts.details),
                    flag(opts.follow),
                    opts.since,
                    flag(opts.stderr),
                    flag(opts.stdout),
                    opts.tail.as_deref(),
                    flag(opts.timestamps),
                )
                .await
            })
            .await?;
        let named = r
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        let tty = if Framing::from_content_type(named).is_some() {
            false
        } else {
            self.inspect(id)
                .await?
                .spec
                .and_then(|s| s.container_spec)
                .and_then(|c| c.tty)
                .unwrap_or(false)
        };
        let framing = log_framing(r.headers(), tty);
        Ok(Demux::new(r.into_inner().into_inner(), framing))
    }
}
