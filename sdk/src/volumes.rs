//! Volumes: list, create, inspect, remove, prune, and update (cluster
//! volumes), through the handle [`Docker::volumes`].
//!
//! ```no_run
//! # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
//! use docker_engine::volumes::{VolumeCreate, RemoveOptions};
//! let volumes = docker.volumes();
//! let v = volumes.create(&VolumeCreate::new().name("data").label("app", "web")).await?;
//! println!("{} at {}", v.name, v.mountpoint);
//! volumes.remove(&v.name, &RemoveOptions::default()).await?;
//! # Ok(()) }
//! ```

use std::collections::HashMap;

use crate::client::{Answer, Docker};
use crate::containers::flag;
use crate::error::{Error, Result};
use crate::filters::Filters;
use crate::models;
use crate::options::options;
use crate::types::parse_key_value;
use crate::versions::ApiVersion;

options! {
    /// Options for [`Volumes::list`]: filters, all of which must match.
    pub struct ListOptions {
        /// Set with the filter setters below.
        filters: field<Filters>,
    }
}

impl ListOptions {
    /// Only volumes no container uses (`true`), or only used ones.
    pub fn dangling(self, dangling: bool) -> Self {
        self.filter("dangling", dangling.to_string())
    }

    /// Only volumes of this driver.
    pub fn driver(self, driver: impl Into<String>) -> Self {
        self.filter("driver", driver)
    }

    /// Only volumes with this label (`key` or `key=value`).
    pub fn label(self, label: impl Into<String>) -> Self {
        self.filter("label", label)
    }

    /// Only volumes whose name contains this.
    pub fn name(self, name: impl Into<String>) -> Self {
        self.filter("name", name)
    }

    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

/// The volumes [`Volumes::list`] found, and the engine's warnings (a
/// driver that did not answer, say).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct VolumeList {
    /// The volumes.
    pub volumes: Vec<models::Volume>,
    /// What the engine warned about.
    pub warnings: Vec<String>,
}

options! {
    /// Options for [`Volumes::remove`].
    pub struct RemoveOptions {
        /// Remove it even if the engine cannot reach its driver (a volume
        /// in use is still refused).
        force: flag,
    }
}

options! {
    /// Options for [`Volumes::prune`].
    pub struct PruneOptions {
        /// Also named volumes (the `all` filter, API 1.42+). Engines before
        /// 1.42 prune named volumes anyway, so there it is not sent.
        all: flag,
        /// Set with the filter setters below.
        filters: field<Filters>,
    }
}

impl PruneOptions {
    /// Only volumes with this label (`key` or `key=value`).
    pub fn label(self, label: impl Into<String>) -> Self {
        self.filter("label", label)
    }

    /// Any other filter the engine knows (`label!`, ...).
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

/// The first version whose engines spare named volumes unless `all` is
/// given.
const PRUNE_ALL: ApiVersion = ApiVersion::new(1, 42);

/// What to create: a volume's name, driver, driver options and labels
/// (docker-py's `create_volume`).
///
/// ```
/// use docker_engine::volumes::VolumeCreate;
/// let spec = VolumeCreate::new()
///     .name("scratch")
///     .driver("local")
///     .driver_opt("type=tmpfs")
///     .driver_opt("device=tmpfs")
///     .label("app", "web");
/// assert_eq!(spec.body().name.as_deref(), Some("scratch"));
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct VolumeCreate {
    body: models::VolumeCreateRequest,
    problems: Vec<String>,
}

impl VolumeCreate {
    /// A volume with a name the engine makes up, on the `local` driver.
    pub fn new() -> Self {
        VolumeCreate::default()
    }

    /// Everything the engine accepts, as the generated body type.
    pub fn from_body(body: models::VolumeCreateRequest) -> Self {
        VolumeCreate {
            body,
            ..Default::default()
        }
    }

    /// The volume's name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.body.name = Some(name.into());
        self
    }

    /// The driver (`local` unless set).
    pub fn driver(mut self, driver: impl Into<String>) -> Self {
        self.body.driver = Some(driver.into());
        self
    }

    /// A driver option as `key=value` (the CLI's `-o`).
    pub fn driver_opt(mut self, spec: &str) -> Self {
        match parse_key_value("driver option", spec) {
            Ok((k, v)) => {
                self.body
                    .driver_opts
                    .get_or_insert_with(HashMap::new)
                    .insert(k, v);
            }
            Err(e) => self.problems.push(e.to_string()),
        }
        self
    }

    /// A driver option, already split.
    pub fn driver_opt_pair(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.body
            .driver_opts
            .get_or_insert_with(HashMap::new)
            .insert(key.into(), value.into());
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

    /// The body as it will be sent.
    pub fn body(&self) -> &models::VolumeCreateRequest {
        &self.body
    }

    /// The body, for settings without a setter here (a cluster volume's
    /// spec, API 1.42+).
    pub fn body_mut(&mut self) -> &mut models::VolumeCreateRequest {
        &mut self.body
    }
}

/// The volumes of one engine: `docker.volumes()`.
#[derive(Clone, Copy, Debug)]
pub struct Volumes<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The volumes area: list, create, inspect, remove, prune, update.
    pub fn volumes(&self) -> Volumes<'_> {
        Volumes { docker: self }
    }
}

impl Volumes<'_> {
    /// Lists volumes.
    ///
    /// # Errors
    /// A transport error, or the engine's refusal of a filter
    /// ([`Error::InvalidArgument`]).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::volumes::ListOptions;
    /// let found = docker.volumes().list(&ListOptions::default().dangling(true)).await?;
    /// for v in found.volumes {
    ///     println!("{} ({})", v.name, v.driver);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, opts: &ListOptions) -> Result<VolumeList> {
        let filters = opts.filters.to_query();
        let r = self
            .docker
            .call(Answer::Prompt, async |c| {
                c.volume_list(filters.as_deref()).await
            })
            .await?
            .into_inner();
        Ok(VolumeList {
            volumes: r.volumes.unwrap_or_default(),
            warnings: r.warnings.unwrap_or_default(),
        })
    }

    /// Creates a volume (creating one that exists with the same settings
    /// returns it).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a driver option that is not `key=value`
    /// (nothing is sent); [`Error::NotFound`] for an unknown driver; the
    /// engine's refusal of an option.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::volumes::VolumeCreate;
    /// let v = docker.volumes().create(&VolumeCreate::new().name("data")).await?;
    /// # let _ = v; Ok(()) }
    /// ```
    pub async fn create(&self, spec: &VolumeCreate) -> Result<models::Volume> {
        if let Some(p) = spec.problems.first() {
            return Err(Error::invalid_input(
                p.trim_start_matches("invalid input: "),
            ));
        }
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.volume_create(&spec.body).await)
            .await?
            .into_inner())
    }

    /// A volume in detail.
    ///
    /// # Errors
    /// [`Error::NotFound`]; a transport or decode error.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let v = docker.volumes().inspect("data").await?;
    /// println!("{}", v.mountpoint);
    /// # Ok(()) }
    /// ```
    pub async fn inspect(&self, name: &str) -> Result<models::Volume> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.volume_inspect(name).await)
            .await?
            .into_inner())
    }

    /// Removes a volume.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::Conflict`] for a volume in use.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::volumes::RemoveOptions;
    /// docker.volumes().remove("data", &RemoveOptions::default().force(true)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove(&self, name: &str, opts: &RemoveOptions) -> Result<()> {
        self.docker
            .call(Answer::Unbounded, async |c| {
                c.volume_delete(name, flag(opts.force)).await
            })
            .await?;
        Ok(())
    }

    /// Removes unused volumes matching the filters (from API 1.42 only
    /// anonymous ones unless [`PruneOptions::all`]); returns what was
    /// removed and the space reclaimed.
    ///
    /// # Errors
    /// [`Error::Conflict`] while another prune runs; the engine's refusal
    /// of a filter.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::volumes::PruneOptions;
    /// let pruned = docker.volumes().prune(&PruneOptions::default().all(true).label("ci-run=42")).await?;
    /// println!("{:?} bytes", pruned.space_reclaimed);
    /// # Ok(()) }
    /// ```
    pub async fn prune(&self, opts: &PruneOptions) -> Result<models::VolumePruneResponse> {
        let mut filters = opts.filters.clone();
        if opts.all && self.docker.version_for("VolumePrune").await? >= PRUNE_ALL {
            filters = filters.add("all", "true");
        }
        let query = filters.to_query();
        Ok(self
            .docker
            .call(Answer::Unbounded, async |c| {
                c.volume_prune(query.as_deref()).await
            })
            .await?
            .into_inner())
    }

    /// Changes a cluster volume (swarm; API 1.42+): `version` is the
    /// volume's current version (`ClusterVolume.Version.Index` from
    /// inspect), `spec` its new specification (only availability may
    /// change).
    ///
    /// # Errors
    /// [`Error::UnsupportedByVersion`] before API 1.42 (nothing is sent);
    /// [`Error::NotFound`]; the engine's refusal (not a swarm manager, a
    /// stale version).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let v = docker.volumes().inspect("cluster-data").await?;
    /// let cluster = v.cluster_volume.unwrap();
    /// let version = cluster.version.and_then(|v| v.index).unwrap_or_default();
    /// let mut spec = cluster.spec.unwrap_or_default();
    /// spec.access_mode.get_or_insert_with(Default::default).availability = Some("drain".into());
    /// docker.volumes().update("cluster-data", version, &spec).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update(
        &self,
        name: &str,
        version: u64,
        spec: &models::ClusterVolumeSpec,
    ) -> Result<()> {
        let version = i64::try_from(version)
            .map_err(|_| Error::invalid_input(format!("volume version {version} is too large")))?;
        let body = models::VolumeUpdateBody {
            spec: Some(spec.clone()),
            ..Default::default()
        };
        self.docker
            .call(Answer::Prompt, async |c| {
                c.volume_update(name, version, &body).await
            })
            .await?;
        Ok(())
    }
}
