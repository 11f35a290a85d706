//! The swarm's configs, through the handle [`Docker::configs`] (on a
//! manager, API 1.30+): create (data as bytes, labels, templating), inspect
//! (with the data), list with filters, update of labels with the version,
//! remove. Services get them with
//! [`ConfigReference`](crate::types::ConfigReference).
//!
//! ```no_run
//! # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
//! use docker_engine::configs::ConfigCreate;
//! let id = docker.configs().create(&ConfigCreate::new("app.conf", b"port=80\n".to_vec()).label("app", "web")).await?;
//! let config = docker.configs().inspect(&id).await?;
//! docker.configs().remove(&id).await?;
//! # Ok(()) }
//! ```

use crate::client::{Answer, Docker};
use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::models;
use crate::secrets::{encode_data, labels_of};
pub use crate::secrets::{ListOptions, MAX_DATA_SIZE};
use crate::swarm::{out_of_sequence, version_param};
use crate::types::DriverConfig;

/// A config to create: its name, data, labels, and optionally a
/// templating driver (API 1.37+).
///
/// ```
/// use docker_engine::configs::ConfigCreate;
/// let s = ConfigCreate::new("token", b"hi\n".to_vec()).label("app", "web");
/// assert_eq!(serde_json::to_value(s.spec()?).unwrap(),
///            serde_json::json!({"Name": "token", "Data": "aGkK", "Labels": {"app": "web"}}));
/// assert!(ConfigCreate::new("big", vec![0; 600 * 1024]).spec().is_err());
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ConfigCreate {
    name: String,
    data: Vec<u8>,
    labels: HashMap<String, String>,
    templating: Option<DriverConfig>,
}

impl ConfigCreate {
    /// A config `name` holding `data`.
    pub fn new(name: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        ConfigCreate {
            name: name.into(),
            data: data.into(),
            labels: HashMap::new(),
            templating: None,
        }
    }
    /// Adds a label.
    pub fn label(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.labels.insert(k.into(), v.into());
        self
    }
    /// A templating driver (`golang`) that expands the data for each task
    /// (API 1.37+).
    pub fn templating(mut self, d: DriverConfig) -> Self {
        self.templating = Some(d);
        self
    }
    /// The spec sent.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for data larger than [`MAX_DATA_SIZE`].
    pub fn spec(&self) -> Result<models::ConfigSpec> {
        Ok(models::ConfigSpec {
            name: Some(self.name.clone()),
            data: Some(encode_data("config", &self.name, &self.data)?),
            labels: (!self.labels.is_empty()).then(|| self.labels.clone()),
            templating: self.templating.as_ref().map(DriverConfig::to_driver),
            ..Default::default()
        })
    }
}

/// The configs of a swarm: `docker.configs()`.
#[derive(Clone, Copy, Debug)]
pub struct Configs<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The configs area (swarm managers only).
    pub fn configs(&self) -> Configs<'_> {
        Configs { docker: self }
    }
}

impl Configs<'_> {
    /// Creates a config; returns its id.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for data over [`MAX_DATA_SIZE`] (nothing is
    /// sent); [`Error::Conflict`] for a name in use;
    /// [`Error::UnsupportedByVersion`] for templating before 1.37.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::configs::ConfigCreate;
    /// let id = docker.configs().create(&ConfigCreate::new("token", b"abc".to_vec())).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, config: &ConfigCreate) -> Result<String> {
        let body = config.spec()?;
        self.docker
            .call(Answer::Prompt, async |c| c.config_create(&body).await)
            .await?
            .into_inner()
            .id
            .ok_or_else(|| Error::protocol("ConfigCreate", "the answer holds no ID"))
    }

    /// A config (by id or name), with its data (base64 in `spec.data`).
    ///
    /// # Errors
    /// [`Error::NotFound`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let s = docker.configs().inspect("token").await?;
    /// println!("{:?}", s.spec.and_then(|s| s.labels));
    /// # Ok(()) }
    /// ```
    pub async fn inspect(&self, id: &str) -> Result<models::Config> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.config_inspect(id).await)
            .await?
            .into_inner())
    }

    /// Lists configs.
    ///
    /// # Errors
    /// [`Error::Engine`] (503) outside a swarm.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::configs::ListOptions;
    /// let mine = docker.configs().list(&ListOptions::default().label("app=web")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, opts: &ListOptions) -> Result<Vec<models::Config>> {
        let filters = opts.filters.to_query();
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.config_list(filters.as_deref()).await
            })
            .await?
            .into_inner()
            .unwrap_or_default())
    }

    /// Replaces a config's labels (the only thing engines let change);
    /// `version` is the one read with [`Configs::inspect`].
    ///
    /// # Errors
    /// A stale version is [`Error::Conflict`]; [`Error::NotFound`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let s = docker.configs().inspect("token").await?;
    /// let version = s.version.and_then(|v| v.index).unwrap_or_default();
    /// docker.configs().update("token", version, [("rotated", "yes")]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update<I, K, V>(&self, id: &str, version: u64, labels: I) -> Result<()>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let current = self.inspect(id).await?.spec.unwrap_or_default();
        let body = models::ConfigSpec {
            name: current.name,
            labels: Some(labels_of(labels)),
            templating: current.templating,
            ..Default::default()
        };
        let version = version_param(version)?;
        self.docker
            .call(Answer::Prompt, async |c| {
                c.config_update(id, version, &body).await
            })
            .await
            .map_err(out_of_sequence)?;
        Ok(())
    }

    /// Removes a config.
    ///
    /// # Errors
    /// [`Error::NotFound`]; the engine's refusal while a service uses it.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.configs().remove("token").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove(&self, id: &str) -> Result<()> {
        self.docker
            .call(Answer::Prompt, async |c| c.config_delete(id).await)
            .await?;
        Ok(())
    }
}
