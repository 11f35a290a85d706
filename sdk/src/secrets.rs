//! The swarm's secrets, through the handle [`Docker::secrets`] (on a
//! manager): create (data as bytes, labels, driver, templating), inspect
//! (the data is never returned), list with filters, update of labels with
//! the version, remove. Services get them with
//! [`SecretReference`](crate::types::SecretReference).
//!
//! ```no_run
//! # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
//! use docker_engine::secrets::SecretCreate;
//! let id = docker.secrets().create(&SecretCreate::new("db-password", b"s3cret".to_vec()).label("app", "db")).await?;
//! let secret = docker.secrets().inspect(&id).await?;
//! docker.secrets().remove(&id).await?;
//! # Ok(()) }
//! ```

use std::collections::HashMap;

use base64::Engine as _;

use crate::client::{Answer, Docker};
use crate::error::{Error, Result};
use crate::filters::Filters;
use crate::models;
use crate::options::options;
use crate::swarm::{out_of_sequence, version_param};
use crate::types::DriverConfig;

/// The largest secret or config engines accept (500 KiB); larger data is
/// refused before sending.
pub const MAX_DATA_SIZE: usize = 500 * 1024;

pub(crate) fn encode_data(kind: &str, name: &str, data: &[u8]) -> Result<String> {
    if data.len() > MAX_DATA_SIZE {
        return Err(Error::invalid_input(format!(
            "{kind} `{name}`: {} bytes is more than the {MAX_DATA_SIZE} engines accept",
            data.len()
        )));
    }
    Ok(base64::engine::general_purpose::STANDARD.encode(data))
}

/// A secret to create: its name, data, labels, and optionally a driver
/// (API 1.31+) and a templating driver (API 1.37+).
///
/// ```
/// use docker_engine::secrets::SecretCreate;
/// let s = SecretCreate::new("token", b"hi\n".to_vec()).label("app", "web");
/// assert_eq!(serde_json::to_value(s.spec()?).unwrap(),
///            serde_json::json!({"Name": "token", "Data": "aGkK", "Labels": {"app": "web"}}));
/// assert!(SecretCreate::new("big", vec![0; 600 * 1024]).spec().is_err());
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct SecretCreate {
    name: String,
    data: Vec<u8>,
    labels: HashMap<String, String>,
    driver: Option<DriverConfig>,
    templating: Option<DriverConfig>,
}

impl SecretCreate {
    /// A secret `name` holding `data`.
    pub fn new(name: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        SecretCreate {
            name: name.into(),
            data: data.into(),
            labels: HashMap::new(),
            driver: None,
            templating: None,
        }
    }
    /// Adds a label.
    pub fn label(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.labels.insert(k.into(), v.into());
        self
    }
    /// A secrets driver that holds the data (API 1.31+).
    pub fn driver(mut self, d: DriverConfig) -> Self {
        self.driver = Some(d);
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
    pub fn spec(&self) -> Result<models::SecretSpec> {
        Ok(models::SecretSpec {
            name: Some(self.name.clone()),
            data: Some(encode_data("secret", &self.name, &self.data)?),
            labels: (!self.labels.is_empty()).then(|| self.labels.clone()),
            driver: self.driver.as_ref().map(DriverConfig::to_driver),
            templating: self.templating.as_ref().map(DriverConfig::to_driver),
            ..Default::default()
        })
    }
}

options! {
    /// Options for [`Secrets::list`] and [`Configs::list`](crate::configs::Configs::list):
    /// filters, set with the methods below.
    pub struct ListOptions {
        /// Set with the filter setters.
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
    /// Only names starting with this.
    pub fn name(self, n: impl Into<String>) -> Self {
        self.filter("name", n)
    }
    /// Only this exact name.
    pub fn names(self, n: impl Into<String>) -> Self {
        self.filter("names", n)
    }
    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

/// The labels an update sets (everything else of a secret or config is
/// fixed once created).
pub(crate) fn labels_of<I, K, V>(labels: I) -> HashMap<String, String>
where
    I: IntoIterator<Item = (K, V)>,
    K: Into<String>,
    V: Into<String>,
{
    labels
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

/// The secrets of a swarm: `docker.secrets()`.
#[derive(Clone, Copy, Debug)]
pub struct Secrets<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The secrets area (swarm managers only).
    pub fn secrets(&self) -> Secrets<'_> {
        Secrets { docker: self }
    }
}

impl Secrets<'_> {
    /// Creates a secret; returns its id.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for data over [`MAX_DATA_SIZE`] (nothing is
    /// sent); [`Error::Conflict`] for a name in use;
    /// [`Error::UnsupportedByVersion`] for a driver before 1.31 or
    /// templating before 1.37.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::secrets::SecretCreate;
    /// let id = docker.secrets().create(&SecretCreate::new("token", b"abc".to_vec())).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, secret: &SecretCreate) -> Result<String> {
        let body = secret.spec()?;
        self.docker
            .call(Answer::Prompt, async |c| c.secret_create(&body).await)
            .await?
            .into_inner()
            .id
            .ok_or_else(|| Error::protocol("SecretCreate", "the answer holds no ID"))
    }

    /// A secret's metadata (by id or name; never its data).
    ///
    /// # Errors
    /// [`Error::NotFound`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let s = docker.secrets().inspect("token").await?;
    /// println!("{:?}", s.spec.and_then(|s| s.labels));
    /// # Ok(()) }
    /// ```
    pub async fn inspect(&self, id: &str) -> Result<models::Secret> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.secret_inspect(id).await)
            .await?
            .into_inner())
    }

    /// Lists secrets.
    ///
    /// # Errors
    /// [`Error::Engine`] (503) outside a swarm.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::secrets::ListOptions;
    /// let mine = docker.secrets().list(&ListOptions::default().label("app=web")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, opts: &ListOptions) -> Result<Vec<models::Secret>> {
        let filters = opts.filters.to_query();
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.secret_list(filters.as_deref()).await
            })
            .await?
            .into_inner()
            .unwrap_or_default())
    }

    /// Replaces a secret's labels (the only thing engines let change);
    /// `version` is the one read with [`Secrets::inspect`].
    ///
    /// # Errors
    /// A stale version is [`Error::Conflict`]; [`Error::NotFound`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let s = docker.secrets().inspect("token").await?;
    /// let version = s.version.and_then(|v| v.index).unwrap_or_default();
    /// docker.secrets().update("token", version, [("rotated", "yes")]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update<I, K, V>(&self, id: &str, version: u64, labels: I) -> Result<()>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let current = self.inspect(id).await?.spec.unwrap_or_default();
        let body = models::SecretSpec {
            name: current.name,
            labels: Some(labels_of(labels)),
            driver: current.driver,
            templating: current.templating,
            ..Default::default()
        };
        let version = version_param(version)?;
        self.docker
            .call(Answer::Prompt, async |c| {
                c.secret_update(id, version, &body).await
            })
            .await
            .map_err(out_of_sequence)?;
        Ok(())
    }

    /// Removes a secret.
    ///
    /// # Errors
    /// [`Error::NotFound`]; the engine's refusal while a service uses it.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.secrets().remove("token").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove(&self, id: &str) -> Result<()> {
        self.docker
            .call(Answer::Prompt, async |c| c.secret_delete(id).await)
            .await?;
        Ok(())
    }
}
