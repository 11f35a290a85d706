//! The nodes of a swarm, through the handle [`Docker::nodes`] (on a
//! manager): list with typed filters, inspect, update (with its version,
//! or read-modify-write with [`Nodes::update_with`]), remove.
//!
//! ```no_run
//! # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
//! use docker_engine::nodes::ListOptions;
//! for node in docker.nodes().list(&ListOptions::default().role("manager")).await? {
//!     println!("{:?} {:?}", node.id, node.status.and_then(|s| s.state));
//! }
//! # Ok(()) }
//! ```

use crate::client::{Answer, Docker};
use crate::containers::flag;
use crate::error::Result;
use crate::filters::Filters;
use crate::models;
use crate::options::options;
use crate::swarm::{is_out_of_sequence, out_of_sequence, version_param};

options! {
    /// Options for [`Nodes::list`]: filters, set with the methods below.
    pub struct ListOptions {
        /// Set with the filter setters.
        filters: field<Filters>,
    }
}

impl ListOptions {
    /// Only this node id (or prefix).
    pub fn id(self, id: impl Into<String>) -> Self {
        self.filter("id", id)
    }
    /// Only nodes with this engine label (`key` or `key=value`).
    pub fn label(self, l: impl Into<String>) -> Self {
        self.filter("label", l)
    }
    /// Only nodes with this node label (`key` or `key=value`, API 1.40+
    /// engines know it as `node.label`).
    pub fn node_label(self, l: impl Into<String>) -> Self {
        self.filter("node.label", l)
    }
    /// Only nodes with this membership (`accepted`, `pending`).
    pub fn membership(self, m: impl Into<String>) -> Self {
        self.filter("membership", m)
    }
    /// Only nodes with this name.
    pub fn name(self, n: impl Into<String>) -> Self {
        self.filter("name", n)
    }
    /// Only nodes with this role (`manager`, `worker`).
    pub fn role(self, r: impl Into<String>) -> Self {
        self.filter("role", r)
    }
    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

options! {
    /// Options for [`Nodes::remove`].
    pub struct RemoveOptions {
        /// Remove a node that is still up (or a manager).
        force: flag,
    }
}

/// How often [`Nodes::update_with`] and
/// [`Services::update_with`](crate::services::Services::update_with)
/// re-read and try again after a version conflict.
pub const UPDATE_ATTEMPTS: usize = 5;

/// The nodes of a swarm: `docker.nodes()`.
#[derive(Clone, Copy, Debug)]
pub struct Nodes<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The nodes area (swarm managers only).
    pub fn nodes(&self) -> Nodes<'_> {
        Nodes { docker: self }
    }
}

impl Nodes<'_> {
    /// Lists nodes.
    ///
    /// # Errors
    /// [`Error::Engine`](crate::Error::Engine) (503) outside a swarm or on
    /// a worker; [`Error::InvalidArgument`](crate::Error::InvalidArgument)
    /// for an unknown filter.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::nodes::ListOptions;
    /// let workers = docker.nodes().list(&ListOptions::default().role("worker")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, opts: &ListOptions) -> Result<Vec<models::Node>> {
        let filters = opts.filters.to_query();
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.node_list(filters.as_deref()).await
            })
            .await?
            .into_inner()
            .unwrap_or_default())
    }

    /// A node (by id or name).
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound) for a missing node.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let node = docker.nodes().inspect("self").await?;
    /// # Ok(()) }
    /// ```
    pub async fn inspect(&self, id: &str) -> Result<models::Node> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.node_inspect(id).await)
            .await?
            .into_inner())
    }

    /// Replaces a node's spec (availability, role, labels, name); `version`
    /// is the one read with [`Nodes::inspect`].
    ///
    /// # Errors
    /// A stale version is [`Error::Conflict`](crate::Error::Conflict);
    /// [`Error::NotFound`](crate::Error::NotFound).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::models::NodeSpec;
    /// let node = docker.nodes().inspect("node-1").await?;
    /// let mut spec = node.spec.unwrap_or_default();
    /// spec.availability = Some("drain".into());
    /// docker.nodes().update("node-1", node.version.and_then(|v| v.index).unwrap_or(0), &spec).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, id: &str, version: u64, spec: &models::NodeSpec) -> Result<()> {
        let version = version_param(version)?;
        self.docker
            .call(Answer::Prompt, async |c| {
                c.node_update(id, version, spec).await
            })
            .await
            .map_err(out_of_sequence)?;
        Ok(())
    }

    /// Reads the node's spec and version, applies `change`, and sends it
    /// with that version; after a version conflict it reads again and
    /// re-applies `change`, up to [`UPDATE_ATTEMPTS`] times.
    ///
    /// # Errors
    /// As [`Nodes::update`]; the last conflict when every attempt met one.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.nodes().update_with("node-1", |spec| {
    ///     spec.labels.get_or_insert_with(Default::default).insert("zone".into(), "a".into());
    /// }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_with(
        &self,
        id: &str,
        mut change: impl FnMut(&mut models::NodeSpec),
    ) -> Result<()> {
        let mut attempt = 0usize;
        loop {
            attempt = attempt.saturating_add(1);
            let node = self.inspect(id).await?;
            let version = node.version.and_then(|v| v.index).unwrap_or_default();
            let mut spec = node.spec.unwrap_or_default();
            change(&mut spec);
            match self.update(id, version, &spec).await {
                Err(e) if is_out_of_sequence(&e) && attempt < UPDATE_ATTEMPTS => continue,
                r => return r,
            }
        }
    }

    /// Removes a node from the swarm.
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound); the engine's refusal
    /// for a node that is up, without `force`.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::nodes::RemoveOptions;
    /// docker.nodes().remove("node-2", &RemoveOptions::default().force(true)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove(&self, id: &str, opts: &RemoveOptions) -> Result<()> {
        self.docker
            .call(Answer::Prompt, async |c| {
                c.node_delete(id, flag(opts.force)).await
            })
            .await?;
        Ok(())
    }
}
