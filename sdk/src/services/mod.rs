//! The services of a swarm, through the handle [`Docker::services`] (on a
//! manager): create from the [`types`](crate::types) helpers, inspect,
//! list, update (read-modify-write with bounded retries on a version
//! conflict: [`Services::update_with`]), force update, rollback, remove,
//! logs, and a wait for convergence with progress
//! ([`Services::converge`], as the CLI without `--detach`).
//!
//! ```no_run
//! # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
//! use docker_engine::services::{ServiceCreate, UpdateOptions};
//! use docker_engine::types::{ContainerSpec, ServiceMode, TaskTemplate};
//! let services = docker.services();
//! let created = services.create(&ServiceCreate::new(TaskTemplate::new(
//!     ContainerSpec::new("busybox").args(["sleep", "600"])))
//!     .name("web").mode(ServiceMode::Replicated { replicas: Some(2) })).await?;
//! services.wait_converged(&created.id.clone().unwrap(), |p| println!("{}/{}", p.running, p.desired)).await?;
//! services.update_with("web", &UpdateOptions::default(), |spec| {
//!     spec.mode = Some(ServiceMode::Replicated { replicas: Some(3) }.build());
//!     Ok(())
//! }).await?;
//! services.remove("web").await?;
//! # Ok(()) }
//! ```

use futures_util::Stream;

use crate::client::{Answer, Docker};
use crate::containers::flag;
use crate::error::Result;
use crate::models;
use crate::nodes::UPDATE_ATTEMPTS;
use crate::streams::{Demux, Framing, LogChunk};
use crate::swarm::{is_out_of_sequence, out_of_sequence, version_param};

mod converge;
mod create;

pub use converge::{ConvergeOptions, Convergence};
pub use create::{InspectOptions, ListOptions, LogsOptions, ServiceCreate, UpdateOptions};

/// The services of a swarm: `docker.services()`.
#[derive(Clone, Copy, Debug)]
pub struct Services<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The services area (swarm managers only).
    pub fn services(&self) -> Services<'_> {
        Services { docker: self }
    }
}

/// The framing of log output: from the media type, else (20.10 sends
/// none) from the TTY setting.
pub(crate) fn log_framing(headers: &http::HeaderMap, tty: bool) -> Framing {
    let named = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    Framing::from_content_type(named).unwrap_or(if tty {
        Framing::Raw
    } else {
        Framing::Multiplexed
    })
}

/// Engines answer a container spec's health check as `Healthcheck` (the
/// Engine's Go field name), where the description says `HealthCheck`, so
/// it arrives in `extra`: moved to its field. (Engines read either
/// spelling, so what is sent back needs nothing.)
pub(crate) fn fix_task_spec(task: Option<&mut models::TaskSpec>) {
    let Some(c) = task.and_then(|t| t.container_spec.as_mut()) else {
        return;
    };
    if c.health_check.is_some() {
        return;
    }
    if let Some(v) = c.extra.remove("Healthcheck") {
        match serde_json::from_value(v.clone()) {
            Ok(h) => c.health_check = Some(h),
            Err(_) => {
                c.extra.insert("Healthcheck".into(), v);
            }
        }
    }
}

fn fix_service(s: &mut models::Service) {
    if let Some(spec) = s.spec.as_mut() {
        fix_task_spec(spec.task_template.as_mut());
    }
}

impl Services<'_> {
    /// Creates a service.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) from the helpers
    /// (nothing is sent); [`Error::Conflict`](crate::Error::Conflict) for a
    /// name in use; [`Error::UnsupportedByVersion`](crate::Error::UnsupportedByVersion)
    /// for a field the version lacks (job modes before 1.41, ...).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::services::ServiceCreate;
    /// use docker_engine::types::{ContainerSpec, TaskTemplate};
    /// let r = docker.services().create(&ServiceCreate::new(TaskTemplate::new(ContainerSpec::new("busybox")))).await?;
    /// println!("{:?} {:?}", r.id, r.warnings);
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, spec: &ServiceCreate) -> Result<models::ServiceCreateResponse> {
        let body = spec.build()?;
        let auth = self
            .auth_header(&body, spec.auth.as_ref(), spec.with_registry_auth)
            .await?;
        self.send_create(&body, auth).await
    }

    /// The `X-Registry-Auth` value for sending `spec`: the caller's
    /// credentials; else, when `configured`, those the CLI configuration
    /// has for the registry of the spec's image (`{}` without any, as the
    /// CLI's `--with-registry-auth` sends it); else none.
    async fn auth_header(
        &self,
        spec: &models::ServiceSpec,
        explicit: Option<&crate::RegistryAuth>,
        configured: bool,
    ) -> Result<Option<String>> {
        if let Some(auth) = explicit {
            return Ok(Some(auth.header_value()));
        }
        if !configured {
            return Ok(None);
        }
        let image = spec
            .task_template
            .as_ref()
            .and_then(|t| t.container_spec.as_ref())
            .and_then(|c| c.image.as_deref())
            .ok_or_else(|| {
                crate::Error::invalid_input(
                    "registry credentials from the configuration need the service's image, and its spec names none",
                )
            })?;
        let reference = crate::reference::Reference::parse(image)?;
        Ok(Some(self.docker.auth_header_for(&reference, None).await?))
    }

    async fn send_create(
        &self,
        spec: &models::ServiceSpec,
        auth: Option<String>,
    ) -> Result<models::ServiceCreateResponse> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.service_create(auth.as_deref(), spec).await
            })
            .await?
            .into_inner())
    }

    /// Creates a service from the Engine's spec model as it is (without
    /// registry credentials: [`ServiceCreate::registry_auth`] has them).
    ///
    /// # Errors
    /// As [`Services::create`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker, spec: docker_engine::models::ServiceSpec) -> docker_engine::Result<()> {
    /// docker.services().create_from(&spec).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_from(
        &self,
        spec: &models::ServiceSpec,
    ) -> Result<models::ServiceCreateResponse> {
        self.send_create(spec, None).await
    }

    /// A service (by id or name).
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::services::InspectOptions;
    /// let s = docker.services().inspect("web", &InspectOptions::default().insert_defaults(true)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn inspect(&self, id: &str, opts: &InspectOptions) -> Result<models::Service> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.service_inspect(id, flag(opts.insert_defaults)).await
            })
            .await?
            .into_inner())
        .map(|mut s: models::Service| {
            fix_service(&mut s);
            s
        })
    }

    /// Lists services.
    ///
    /// # Errors
    /// [`Error::Engine`](crate::Error::Engine) (503) outside a swarm.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::services::ListOptions;
    /// for s in docker.services().list(&ListOptions::default().label("app=web").status(true)).await? {
    ///     println!("{:?} {:?}", s.spec.and_then(|s| s.name), s.service_status);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, opts: &ListOptions) -> Result<Vec<models::Service>> {
        let filters = opts.filters.to_query();
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.service_list(filters.as_deref(), flag(opts.status)).await
            })
            .await?
            .into_inner()
            .unwrap_or_default())
        .map(|mut all: Vec<models::Service>| {
            all.iter_mut().for_each(fix_service);
            all
        })
    }

    /// Replaces a service's spec; `version` is the one read with
    /// [`Services::inspect`]. The spec is sent whole; to change part of
    /// it, [`Services::update_with`] reads, changes and retries.
    ///
    /// # Errors
    /// A stale version is [`Error::Conflict`](crate::Error::Conflict);
    /// [`Error::NotFound`](crate::Error::NotFound).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::services::{InspectOptions, UpdateOptions};
    /// let s = docker.services().inspect("web", &InspectOptions::default()).await?;
    /// let mut spec = s.spec.unwrap_or_default();
    /// spec.labels.get_or_insert_with(Default::default).insert("tier".into(), "front".into());
    /// let version = s.version.and_then(|v| v.index).unwrap_or_default();
    /// docker.services().update("web", version, &spec, &UpdateOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update(
        &self,
        id: &str,
        version: u64,
        spec: &models::ServiceSpec,
        opts: &UpdateOptions,
    ) -> Result<Vec<String>> {
        self.send_update(id, version, spec, opts, None).await
    }

    async fn send_update(
        &self,
        id: &str,
        version: u64,
        spec: &models::ServiceSpec,
        opts: &UpdateOptions,
        rollback: Option<&str>,
    ) -> Result<Vec<String>> {
        let version = version_param(version)?;
        let auth = self
            .auth_header(spec, opts.registry_auth.as_ref(), opts.with_registry_auth)
            .await?;
        let r = self
            .docker
            .call(Answer::Prompt, async |c| {
                c.service_update(
                    id,
                    opts.registry_auth_from,
                    rollback,
                    version,
                    auth.as_deref(),
                    spec,
                )
                .await
            })
            .await
            .map_err(out_of_sequence)?;
        Ok(r.into_inner().warnings.unwrap_or_default())
    }

    /// docker-py's `update_service(fetch_current_spec=True)` done right:
    /// reads the current spec and version, applies `change` to the spec,
    /// sends it with that version, and when another writer got there first
    /// (a version conflict) reads again and re-applies `change`, up to
    /// [`UPDATE_ATTEMPTS`] times. Returns the engine's warnings.
    ///
    /// # Errors
    /// An error `change` returns (nothing is sent); as
    /// [`Services::update`]; the last conflict when every attempt met one.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::services::UpdateOptions;
    /// docker.services().update_with("web", &UpdateOptions::default(), |spec| {
    ///     let c = spec.task_template.get_or_insert_with(Default::default)
    ///         .container_spec.get_or_insert_with(Default::default);
    ///     c.args = Some(vec!["sleep".into(), "120".into()]);
    ///     Ok(())
    /// }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_with(
        &self,
        id: &str,
        opts: &UpdateOptions,
        change: impl FnMut(&mut models::ServiceSpec) -> Result<()>,
    ) -> Result<Vec<String>> {
        self.read_modify_write(id, opts, None, change).await
    }

    async fn read_modify_write(
        &self,
        id: &str,
        opts: &UpdateOptions,
        rollback: Option<&str>,
        mut change: impl FnMut(&mut models::ServiceSpec) -> Result<()>,
    ) -> Result<Vec<String>> {
        let mut attempt = 0usize;
        loop {
            attempt = attempt.saturating_add(1);
            let current = self.inspect(id, &InspectOptions::default()).await?;
            let version = current.version.and_then(|v| v.index).unwrap_or_default();
            let mut spec = current.spec.unwrap_or_default();
            change(&mut spec)?;
            match self.send_update(id, version, &spec, opts, rollback).await {
                Err(e) if is_out_of_sequence(&e) && attempt < UPDATE_ATTEMPTS => continue,
                r => return r,
            }
        }
    }

    /// Recreates the service's tasks without other changes (the CLI's
    /// `update --force`: the task template's `ForceUpdate` counter goes up
    /// by one).
    ///
    /// # Errors
    /// As [`Services::update_with`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.services().force_update("web").await?;
    /// # Ok(()) }
    /// ```
    pub async fn force_update(&self, id: &str) -> Result<Vec<String>> {
        self.update_with(id, &UpdateOptions::default(), |spec| {
            let t = spec.task_template.get_or_insert_with(Default::default);
            let count = t.force_update.unwrap_or(0).checked_add(1).ok_or_else(|| {
                crate::Error::invalid_input("the service's ForceUpdate counter is at its maximum")
            })?;
            t.force_update = Some(count);
            Ok(())
        })
        .await
    }

    /// Rolls the service back to its previous spec (the CLI's
    /// `service rollback`: the current spec sent with `rollback=previous`,
    /// retried on a version conflict as [`Services::update_with`]).
    ///
    /// # Errors
    /// The engine's refusal when there is no previous spec; as
    /// [`Services::update`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.services().rollback("web").await?;
    /// docker.services().wait_converged("web", |_| {}).await?;
    /// # Ok(()) }
    /// ```
    pub async fn rollback(&self, id: &str) -> Result<Vec<String>> {
        self.read_modify_write(id, &UpdateOptions::default(), Some("previous"), |_| Ok(()))
            .await
    }

    /// Removes a service (its tasks are stopped).
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.services().remove("web").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove(&self, id: &str) -> Result<()> {
        self.docker
            .call(Answer::Prompt, async |c| c.service_delete(id).await)
            .await?;
        Ok(())
    }

    /// The output of all the service's tasks, demultiplexed as container
    /// logs are (raw for a TTY; the framing comes from the media type, or,
    /// when the engine names none, from the service's TTY setting).
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound); later, transport errors
    /// as items.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::services::LogsOptions;
    /// let logs = docker.services().logs("web", &LogsOptions::default().tail(20).timestamps(true)).await?;
    /// let (out, err) = docker_engine::streams::collect(logs).await?;
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
                c.service_logs(
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
        let tty = if Framing::from_content_type(
            r.headers()
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
        )
        .is_some()
        {
            false
        } else {
            self.inspect(id, &InspectOptions::default())
                .await?
                .spec
                .and_then(|s| s.task_template)
                .and_then(|t| t.container_spec)
                .and_then(|c| c.tty)
                .unwrap_or(false)
        };
        let framing = log_framing(r.headers(), tty);
        Ok(Demux::new(r.into_inner().into_inner(), framing))
    }
}
