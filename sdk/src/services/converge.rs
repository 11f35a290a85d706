//! Waiting for a service to converge, with progress: what the CLI shows
//! without `--detach`.

use std::time::Duration;

use futures_util::{Stream, StreamExt};

use super::{InspectOptions, Services};
use crate::client::Docker;
use crate::error::{Error, Result};
use crate::models;
use crate::options::options;
use crate::tasks::ListOptions as TaskListOptions;

options! {
    /// Options for [`Services::converge`].
    pub struct ConvergeOptions {
        /// Time between polls (default 500 ms).
        interval: opt<Duration>,
    }
}

/// Where a service stands, one poll of [`Services::converge`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Convergence {
    /// Tasks wanted: the replicas, the eligible nodes (global: tasks
    /// scheduled), or a job's completions.
    pub desired: u64,
    /// Tasks of the current spec running now.
    pub running: u64,
    /// Tasks of a job that completed.
    pub completed: u64,
    /// Tasks that failed or were rejected so far.
    pub failed: u64,
    /// The update's (or rollback's) state, when one happened
    /// (`updating`, `completed`, `rollback_started`, `rollback_completed`, ...).
    pub update_state: Option<String>,
    /// All tasks are running (a job: every completion done) and no update
    /// is in progress.
    pub converged: bool,
}

fn state_of(t: &models::Task) -> Option<String> {
    t.status
        .as_ref()
        .and_then(|s| s.state.as_ref())
        .map(|s| s.to_string())
}

fn desired_of(t: &models::Task) -> Option<String> {
    t.desired_state.as_ref().map(|s| s.to_string())
}

/// One poll: the service and its tasks.
async fn poll(docker: &Docker, id: &str) -> Result<Convergence> {
    let service = docker
        .services()
        .inspect(id, &InspectOptions::default())
        .await?;
    let service_id = service.id.clone().unwrap_or_else(|| id.to_string());
    let tasks = docker
        .tasks()
        // Only tasks of the current spec version (the CLI's filter): right
        // after an update the old tasks still run, and the update's state
        // may not have changed yet.
        .list(
            &TaskListOptions::default()
                .service(service_id)
                .filter("_up-to-date", "true"),
        )
        .await?;
    let mode = service
        .spec
        .as_ref()
        .and_then(|s| s.mode.clone())
        .unwrap_or_default();
    let update_state = service
        .update_status
        .as_ref()
        .and_then(|u| u.state.as_ref())
        .map(|s| s.to_string());
    if let Some(state @ ("paused" | "rollback_paused")) = update_state.as_deref() {
        let why = service
            .update_status
            .as_ref()
            .and_then(|u| u.message.clone())
            .unwrap_or_default();
        return Err(Error::InStream {
            message: format!("the update of service {id} is {state}: {why}"),
            code: None,
            output: Vec::new(),
        });
    }
    let updating = matches!(
        update_state.as_deref(),
        Some("updating" | "rollback_started")
    );
    let running = tasks
        .iter()
        .filter(|t| {
            desired_of(t).as_deref() == Some("running") && state_of(t).as_deref() == Some("running")
        })
        .count() as u64;
    let completed = tasks
        .iter()
        .filter(|t| state_of(t).as_deref() == Some("complete"))
        .count() as u64;
    let failed = tasks
        .iter()
        .filter(|t| matches!(state_of(t).as_deref(), Some("failed" | "rejected")))
        .count() as u64;
    let (desired, converged) = if let Some(r) = &mode.replicated {
        let want = r.replicas.unwrap_or(1).max(0) as u64;
        (want, running == want)
    } else if let Some(j) = &mode.replicated_job {
        let want = j.total_completions.or(j.max_concurrent).unwrap_or(1).max(0) as u64;
        (want, completed >= want)
    } else if mode.global_job.is_some() {
        let want = tasks
            .iter()
            .filter(|t| desired_of(t).as_deref() == Some("complete"))
            .count() as u64;
        (want, want > 0 && completed >= want)
    } else {
        let want = tasks
            .iter()
            .filter(|t| desired_of(t).as_deref() == Some("running"))
            .count() as u64;
        (want, want > 0 && running == want)
    };
    Ok(Convergence {
        desired,
        running,
        completed,
        failed,
        update_state,
        converged: converged && !updating,
    })
}

impl Services<'_> {
    /// Polls a service until it converges: every task running (a job:
    /// every completion done) and no update or rollback in progress. Each
    /// poll is an item; the stream ends after the first converged one. A
    /// paused update (or rollback) ends it with
    /// [`Error::InStream`] carrying the engine's reason. Never times out by
    /// itself: wrap it in `tokio::time::timeout` to bound it.
    ///
    /// # Errors
    /// Items: [`Error::NotFound`] when the service goes away, transport
    /// errors.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use futures_util::StreamExt;
    /// use docker_engine::services::ConvergeOptions;
    /// let mut progress = docker.services().converge("web", &ConvergeOptions::default());
    /// while let Some(p) = progress.next().await {
    ///     let p = p?;
    ///     println!("{}/{} running", p.running, p.desired);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn converge(
        &self,
        id: &str,
        opts: &ConvergeOptions,
    ) -> impl Stream<Item = Result<Convergence>> + Unpin + use<> {
        let docker = self.docker.clone();
        let id = id.to_string();
        let interval = opts.interval.unwrap_or(Duration::from_millis(500));
        Box::pin(futures_util::stream::unfold(
            (docker, id, false, true),
            move |(docker, id, done, first)| async move {
                if done {
                    return None;
                }
                if !first {
                    tokio::time::sleep(interval).await;
                }
                match poll(&docker, &id).await {
                    Ok(p) => {
                        let end = p.converged;
                        Some((Ok(p), (docker, id, end, false)))
                    }
                    Err(e) => Some((Err(e), (docker, id, true, false))),
                }
            },
        ))
    }

    /// Waits until the service converges (see [`Services::converge`]),
    /// calling `progress` with each poll; returns the converged state.
    ///
    /// # Errors
    /// As [`Services::converge`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let done = docker.services().wait_converged("web", |p| eprintln!("{}/{}", p.running, p.desired)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn wait_converged(
        &self,
        id: &str,
        mut progress: impl FnMut(&Convergence),
    ) -> Result<Convergence> {
        let mut polls = self.converge(id, &ConvergeOptions::default());
        let mut last = None;
        while let Some(p) = polls.next().await {
            let p = p?;
            progress(&p);
            last = Some(p);
        }
        last.ok_or_else(|| Error::invalid_input("no poll happened"))
    }
}
