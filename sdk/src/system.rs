//! The daemon: ping, version, info, data usage and events, through the
//! handle [`Docker::system`].

use futures_util::{Stream, StreamExt};

use crate::auth::RegistryAuth;
use crate::client::{Answer, Docker};
use crate::error::{Error, Result};
use crate::models;
use crate::options::options;
use crate::streams::JsonLines;
use crate::versions::ApiVersion;

mod events;

pub use events::{Event, EventAction, EventScope, EventType, EventsOptions, Timestamp};

/// What [`System::data_usage`] can be limited to (API 1.42+).
pub use crate::models::SystemDataUsageTypeItem as DataUsageType;

/// What [`System::data_usage`] found, whichever shape the engine answers
/// in (the lists engines before API 1.52 send, or the per-kind summaries
/// with their items after).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct DataUsage {
    /// Bytes used by image layers (engines before API 1.52).
    pub layers_size: Option<i64>,
    /// Images, with their sizes.
    pub images: Vec<models::ImageSummary>,
    /// Containers, with their sizes.
    pub containers: Vec<models::ContainerSummary>,
    /// Volumes, with their usage (`UsageData`).
    pub volumes: Vec<models::Volume>,
    /// Build cache records.
    pub build_cache: Vec<models::BuildCache>,
    /// The answer as the engine sent it (totals of newer engines).
    pub answer: models::SystemDataUsageResponse,
}

impl DataUsage {
    fn from_answer(answer: models::SystemDataUsageResponse) -> Result<DataUsage> {
        fn items<T: serde::de::DeserializeOwned>(
            answer: &models::SystemDataUsageResponse,
            old: &str,
            new: Option<&Vec<serde_json::Value>>,
        ) -> Result<Vec<T>> {
            let list = match (answer.extra.get(old), new) {
                (Some(v), _) if !v.is_null() => v.clone(),
                (_, Some(items)) => serde_json::Value::Array(items.clone()),
                _ => return Ok(Vec::new()),
            };
            let text = list.to_string();
            serde_json::from_str(&text).map_err(|e| {
                crate::Error::decode(format!("SystemDataUsage {old}"), text.as_bytes(), e)
            })
        }
        Ok(DataUsage {
            layers_size: answer.extra.get("LayersSize").and_then(|v| v.as_i64()),
            images: items(
                &answer,
                "Images",
                answer.image_usage.as_ref().and_then(|u| u.items.as_ref()),
            )?,
            containers: items(
                &answer,
                "Containers",
                answer
                    .container_usage
                    .as_ref()
                    .and_then(|u| u.items.as_ref()),
            )?,
            volumes: items(
                &answer,
                "Volumes",
                answer.volume_usage.as_ref().and_then(|u| u.items.as_ref()),
            )?,
            build_cache: items(
                &answer,
                "BuildCache",
                answer
                    .build_cache_usage
                    .as_ref()
                    .and_then(|u| u.items.as_ref()),
            )?,
            answer,
        })
    }
}

options! {
    /// Options for [`System::data_usage`].
    pub struct DataUsageOptions {
        /// Set with [`DataUsageOptions::only`].
        types: field<Vec<DataUsageType>>,
    }
}

impl DataUsageOptions {
    /// Only compute this kind of object's usage (may be given several
    /// times; API 1.42+: before it the engine computes everything, and the
    /// call is refused rather than sent).
    pub fn only(mut self, kind: DataUsageType) -> Self {
        self.types.push(kind);
        self
    }
}

/// What `/_ping` tells about the engine.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Ping {
    /// The engine's newest API version (`API-Version`).
    pub api_version: Option<ApiVersion>,
    /// `linux` or `windows` (`OSType`).
    pub os_type: Option<String>,
    /// The default builder, `1` (classic) or `2` (BuildKit).
    pub builder_version: Option<String>,
    /// Swarm status as `node-state/control-available`, when reported.
    pub swarm: Option<String>,
    /// Whether the daemon runs with experimental features
    /// (`Docker-Experimental`).
    pub experimental: Option<bool>,
}

options! {
    /// Options for [`System::login`].
    pub struct LoginOptions {
        /// Store the credentials (or the identity token the registry
        /// answered with) as `docker login` does: in the credential helper
        /// `config.json` names for the registry, else in its `auths`; the
        /// client's configuration is reloaded after.
        store: flag,
    }
}

/// The daemon itself: `docker.system()`.
#[derive(Clone, Copy, Debug)]
pub struct System<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The daemon area: ping, version, info, data usage, events.
    pub fn system(&self) -> System<'_> {
        System { docker: self }
    }
}

impl System<'_> {
    /// Checks credentials with a registry through the engine (`POST
    /// /auth`, docker-py's `login`): the engine's answer (its status and,
    /// from registries that issue one, an identity token). The registry is
    /// the credentials' [`RegistryAuth::server_address`], Docker Hub when
    /// unset. With [`LoginOptions::store`] they are stored as `docker login`
    /// stores them.
    ///
    /// # Errors
    /// [`Error::Unauthorized`] (or the engine's error) when the registry
    /// refuses them; [`Error::CredentialHelper`] or
    /// [`Error::InvalidInput`] when storing fails (the login itself
    /// succeeded).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::{system::LoginOptions, RegistryAuth};
    /// let auth = RegistryAuth::new("ci", "s3cret").server_address("localhost:5000");
    /// let answer = docker.system().login(&auth, &LoginOptions::default().store(true)).await?;
    /// println!("{}", answer.status);
    /// # Ok(()) }
    /// ```
    pub async fn login(
        &self,
        auth: &RegistryAuth,
        opts: &LoginOptions,
    ) -> Result<models::AuthResponse> {
        let server = auth
            .server()
            .map(str::to_string)
            .unwrap_or_else(|| crate::reference::DOCKER_HUB_INDEX.to_string());
        let auth = auth.clone().server_address(server.clone());
        let body: models::AuthConfig = serde_json::to_value(&auth)
            .and_then(serde_json::from_value)
            .map_err(|e| Error::invalid_input(format!("credentials: {e}")))?;
        let answer = self
            .docker
            .call(Answer::Prompt, async |c| c.system_auth(&body).await)
            .await
            .map_err(refused_login)?
            .into_inner();
        if opts.store {
            let key = crate::reference::registry_key(&server);
            let stored = match answer.identity_token.as_deref().filter(|t| !t.is_empty()) {
                Some(token) => {
                    let mut a = RegistryAuth::identity_token(token);
                    if let Some(u) = auth.username() {
                        a = RegistryAuth::new(u, "").with_tokens(Some(token.to_string()), None);
                    }
                    a
                }
                None => auth.clone(),
            };
            self.docker.credentials().store(&key, &stored).await?;
            self.docker.reload_config()?;
        }
        Ok(answer)
    }

    /// Removes the credentials stored for a registry (`docker logout`):
    /// from its credential helper and from `config.json`, then reloads the
    /// client's configuration. `server` is a registry address
    /// (`localhost:5000`; Docker Hub for `docker.io` or the empty string).
    ///
    /// # Errors
    /// [`Error::CredentialHelper`] when the helper fails;
    /// [`Error::InvalidInput`] when `config.json` cannot be written.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.system().logout("localhost:5000").await?;
    /// # Ok(()) }
    /// ```
    pub async fn logout(&self, server: &str) -> Result<()> {
        let key = crate::reference::registry_key(server);
        self.docker.credentials().erase(&key).await?;
        self.docker.reload_config()
    }

    /// Checks that the engine answers (`GET /_ping`), with what its headers
    /// say.
    ///
    /// # Errors
    /// A transport error or timeout when the engine cannot be reached.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let ping = docker.system().ping().await?;
    /// println!("engine API {:?} on {:?}", ping.api_version, ping.os_type);
    /// # Ok(()) }
    /// ```
    pub async fn ping(&self) -> Result<Ping> {
        let r = self
            .docker
            .call(Answer::Prompt, async |c| c.system_ping().await)
            .await?;
        let header = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Ok(Ping {
            api_version: header("api-version").and_then(|v| v.parse().ok()),
            os_type: header("ostype"),
            builder_version: header("builder-version"),
            swarm: header("swarm"),
            experimental: header("docker-experimental").and_then(|v| v.parse().ok()),
        })
    }

    /// The engine's version information (`GET /version`).
    ///
    /// # Errors
    /// A transport error, timeout or decode error.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let v = docker.system().version().await?;
    /// println!("{:?} (API {:?})", v.version, v.api_version);
    /// # Ok(()) }
    /// ```
    pub async fn version(&self) -> Result<models::SystemVersion> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.system_version().await)
            .await?
            .into_inner())
    }

    /// System-wide information (`GET /info`).
    ///
    /// # Errors
    /// A transport error, timeout or decode error.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let info = docker.system().info().await?;
    /// println!("{:?} containers", info.containers);
    /// # Ok(()) }
    /// ```
    pub async fn info(&self) -> Result<models::SystemInfo> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.system_info().await)
            .await?
            .into_inner())
    }

    /// Disk space used by images, containers, volumes and the build cache
    /// (`GET /system/df`, docker-py's `df`). Not cut by the response
    /// timeout: the engine measures while it answers.
    ///
    /// # Errors
    /// [`Error::UnsupportedByVersion`]
    /// for [`DataUsageOptions::only`] before API 1.42 (nothing is sent);
    /// [`Error::Conflict`] while another one runs.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::system::DataUsageOptions;
    /// let df = docker.system().data_usage(&DataUsageOptions::default()).await?;
    /// println!("{} volumes, layers {:?} bytes", df.volumes.len(), df.layers_size);
    /// # Ok(()) }
    /// ```
    pub async fn data_usage(&self, opts: &DataUsageOptions) -> Result<DataUsage> {
        let types = (!opts.types.is_empty()).then(|| opts.types.clone());
        let answer = self
            .docker
            .call(Answer::Unbounded, async |c| {
                c.system_data_usage(types.as_ref(), None).await
            })
            .await?
            .into_inner();
        DataUsage::from_answer(answer)
    }

    /// The engine's events as they happen (`GET /events`): a stream that
    /// runs as long as it is read (never cut by a timeout), ends cleanly at
    /// [`EventsOptions::until`], and closes its connection when dropped.
    /// An item that does not decode is an error item; the stream goes on.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a time
    /// before 1970; the engine's refusal of a filter
    /// ([`Error::InvalidArgument`]); later,
    /// transport and decode errors as items.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use std::time::Duration;
    /// use futures_util::StreamExt;
    /// use docker_engine::system::{EventAction, EventType, EventsOptions, Timestamp};
    /// let opts = EventsOptions::default()
    ///     .since(Duration::from_secs(600))
    ///     .until(Timestamp::FromNow(Duration::from_secs(5)))
    ///     .kind(EventType::Container)
    ///     .action(EventAction::Die);
    /// let mut events = docker.system().events(&opts).await?;
    /// while let Some(event) = events.next().await {
    ///     let event = event?;
    ///     println!("{} {} {:?}", event.action, event.actor_id, event.attributes.get("exitCode"));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn events(
        &self,
        opts: &EventsOptions,
    ) -> Result<impl Stream<Item = Result<Event>> + Unpin + use<>> {
        let now = std::time::SystemTime::now();
        let since = opts.since.map(|t| t.to_query(now)).transpose()?;
        let until = opts.until.map(|t| t.to_query(now)).transpose()?;
        let filters = opts.filters.to_query();
        let r = self
            .docker
            .call(Answer::Stream, async |c| {
                c.system_events(filters.as_deref(), since.as_deref(), until.as_deref())
                    .await
            })
            .await?;
        let messages =
            JsonLines::<_, models::EventMessage>::new(r.into_inner().into_inner(), "events");
        Ok(messages.map(|m| m.map(Event::from)))
    }
}

/// A registry's 401, which engines before 23.0 report as a 500 whose
/// message names it, as the [`Error::Unauthorized`] it is.
fn refused_login(e: Error) -> Error {
    match e {
        Error::Engine {
            operation,
            status: 500,
            message,
            ..
        } if message.contains("401 Unauthorized") => Error::Unauthorized {
            operation,
            status: 401,
            message,
        },
        e => e,
    }
}
