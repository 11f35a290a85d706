//! What to create: [`ServiceCreate`], and the options of the service
//! endpoints.

use std::collections::HashMap;

#[allow(unused_imports)] // for rustdoc links
use super::Services;
use crate::auth::RegistryAuth;
use crate::error::Result;
use crate::filters::Filters;
use crate::models;
use crate::options::options;
use crate::types::{EndpointSpec, RollbackConfig, ServiceMode, TaskTemplate, UpdateConfig};

/// A service to create (docker-py's `create_service` arguments): its
/// tasks, name, labels, mode, update and rollback configurations and
/// endpoint. Everything is checked by [`ServiceCreate::build`] (and so by
/// [`Services::create`]) before anything is sent.
///
/// ```
/// use docker_engine::services::ServiceCreate;
/// use docker_engine::types::{ContainerSpec, EndpointSpec, ServiceMode, TaskTemplate, UpdateConfig};
/// let s = ServiceCreate::new(TaskTemplate::new(ContainerSpec::new("busybox").args(["sleep", "60"])))
///     .name("web")
///     .label("app", "web")
///     .mode(ServiceMode::Replicated { replicas: Some(2) })
///     .update_config(UpdateConfig::default().parallelism(1))
///     .endpoint_spec(EndpointSpec::default().port(8080, 80));
/// let spec = s.build()?;
/// assert_eq!(spec.name.as_deref(), Some("web"));
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ServiceCreate {
    task: TaskTemplate,
    name: Option<String>,
    labels: HashMap<String, String>,
    mode: Option<ServiceMode>,
    update: Option<UpdateConfig>,
    rollback: Option<RollbackConfig>,
    endpoint: Option<EndpointSpec>,
    pub(super) auth: Option<RegistryAuth>,
    pub(super) with_registry_auth: bool,
}

impl ServiceCreate {
    /// A service whose tasks are `task`.
    pub fn new(task: TaskTemplate) -> Self {
        ServiceCreate {
            task,
            ..Default::default()
        }
    }
    /// The service's name.
    pub fn name(mut self, n: impl Into<String>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// A label on the service.
    pub fn label(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.labels.insert(k.into(), v.into());
        self
    }
    /// Replicated (the default: one replica), global, or a job.
    pub fn mode(mut self, m: ServiceMode) -> Self {
        self.mode = Some(m);
        self
    }
    /// How updates proceed.
    pub fn update_config(mut self, u: UpdateConfig) -> Self {
        self.update = Some(u);
        self
    }
    /// How rollbacks proceed (API 1.28+).
    pub fn rollback_config(mut self, r: RollbackConfig) -> Self {
        self.rollback = Some(r);
        self
    }
    /// Published ports and the endpoint mode.
    pub fn endpoint_spec(mut self, e: EndpointSpec) -> Self {
        self.endpoint = Some(e);
        self
    }

    /// Credentials for pulling the image from a private registry (sent in
    /// `X-Registry-Auth`; the engine passes them to the nodes).
    pub fn registry_auth(mut self, auth: RegistryAuth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// Send the credentials the CLI configuration has for the registry of
    /// the image (the CLI's `--with-registry-auth`; docker-py's
    /// `create_service` always does), unless [`ServiceCreate::registry_auth`]
    /// gives others. Off by default, as in the CLI: the swarm stores the
    /// credentials with the service and hands them to its nodes.
    pub fn with_registry_auth(mut self, yes: bool) -> Self {
        self.with_registry_auth = yes;
        self
    }

    /// The Engine's service spec.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) from any helper
    /// inside (a port out of range, a ratio outside [0, 1], mount options
    /// of another type, ...).
    pub fn build(&self) -> Result<models::ServiceSpec> {
        Ok(models::ServiceSpec {
            name: self.name.clone(),
            labels: (!self.labels.is_empty()).then(|| self.labels.clone()),
            task_template: Some(self.task.build()?),
            mode: self.mode.as_ref().map(ServiceMode::build),
            update_config: self
                .update
                .as_ref()
                .map(UpdateConfig::build_update)
                .transpose()?,
            rollback_config: self
                .rollback
                .as_ref()
                .map(UpdateConfig::build_rollback)
                .transpose()?,
            endpoint_spec: self
                .endpoint
                .as_ref()
                .map(EndpointSpec::build)
                .transpose()?,
            ..Default::default()
        })
    }
}

options! {
    /// Options for [`Services::list`].
    pub struct ListOptions {
        /// Include the running and desired task counts (API 1.41+).
        status: flag,
        /// Set with the filter setters below.
        filters: field<Filters>,
    }
}

impl ListOptions {
    /// Only this id (or prefix).
    pub fn id(self, id: impl Into<String>) -> Self {
        self.filter("id", id)
    }
    /// Only with this label (`key` or `key=value`).
    pub fn label(self, l: impl Into<String>) -> Self {
        self.filter("label", l)
    }
    /// Only this mode (`replicated`, `global`).
    pub fn mode(self, m: impl Into<String>) -> Self {
        self.filter("mode", m)
    }
    /// Only names starting with this.
    pub fn name(self, n: impl Into<String>) -> Self {
        self.filter("name", n)
    }
    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

options! {
    /// Options for [`Services::inspect`].
    pub struct InspectOptions {
        /// Fill in the engine's defaults for what the spec left unset.
        insert_defaults: flag,
    }
}

options! {
    /// Options for [`Services::update`] and [`Services::update_with`].
    pub struct UpdateOptions {
        /// Where the registry credentials for the image come from: the spec
        /// or the previous spec.
        registry_auth_from: opt<models::ServiceUpdateRegistryAuthFrom>,
        /// Credentials for pulling the (new) image from a private registry
        /// (sent in `X-Registry-Auth`).
        registry_auth: opt<RegistryAuth>,
        /// Send the credentials the CLI configuration has for the registry
        /// of the spec's image, unless `registry_auth` gives others (the
        /// CLI's `--with-registry-auth`).
        with_registry_auth: flag,
    }
}

options! {
    /// Options for [`Services::logs`] and
    /// [`Tasks::logs`](crate::tasks::Tasks::logs); both outputs by default.
    pub struct LogsOptions {
        /// Keep streaming new output.
        follow: flag,
        /// Include stdout (default yes).
        stdout: flag = true,
        /// Include stderr (default yes).
        stderr: flag = true,
        /// Only output since this Unix time.
        since: opt<i64>,
        /// Prefix each line with its timestamp.
        timestamps: flag,
        /// Add the details the log driver gives (task, node, service
        /// names) before each line.
        details: flag,
        /// Set with [`LogsOptions::tail`].
        tail: field<Option<String>>,
    }
}

impl LogsOptions {
    /// Only the last `n` lines.
    pub fn tail(mut self, n: usize) -> Self {
        self.tail = Some(n.to_string());
        self
    }
}
