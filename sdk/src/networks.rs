//! Networks: list, inspect, create, remove, connect, disconnect, prune,
//! through the handle [`Docker::networks`].
//!
//! ```no_run
//! # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
//! use docker_engine::networks::NetworkCreate;
//! use docker_engine::types::{EndpointConfig, IPAMConfig, IPAMPool};
//! let networks = docker.networks();
//! let net = networks
//!     .create(&NetworkCreate::new("backend").ipam(IPAMConfig::new().pool(IPAMPool::new("10.30.0.0/24"))))
//!     .await?;
//! networks.connect(&net.id, "web-1", &EndpointConfig::new().alias("web")).await?;
//! networks.disconnect(&net.id, "web-1", &Default::default()).await?;
//! networks.remove(&net.id).await?;
//! # Ok(()) }
//! ```

use std::collections::HashMap;

use crate::client::{Answer, Docker};
use crate::containers::flag;
use crate::error::{Error, Result};
use crate::filters::Filters;
use crate::models;
use crate::options::options;
use crate::types::{parse_key_value, EndpointConfig, IPAMConfig};

/// Which networks a `type` filter selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkKind {
    /// Networks users created.
    Custom,
    /// The engine's own (`bridge`, `host`, `none`).
    Builtin,
}

options! {
    /// Options for [`Networks::list`]: filters, all of which must match.
    pub struct ListOptions {
        /// Set with the filter setters below.
        filters: field<Filters>,
    }
}

impl ListOptions {
    /// Only networks of this driver (`bridge`, `overlay`, ...).
    pub fn driver(self, driver: impl Into<String>) -> Self {
        self.filter("driver", driver)
    }

    /// Only this id (or id prefix).
    pub fn id(self, id: impl Into<String>) -> Self {
        self.filter("id", id)
    }

    /// Only networks with this label (`key` or `key=value`).
    pub fn label(self, label: impl Into<String>) -> Self {
        self.filter("label", label)
    }

    /// Only networks whose name contains this.
    pub fn name(self, name: impl Into<String>) -> Self {
        self.filter("name", name)
    }

    /// Only networks of this scope (`local`, `swarm`, `global`).
    pub fn scope(self, scope: impl Into<String>) -> Self {
        self.filter("scope", scope)
    }

    /// Only custom or only built-in networks (the `type` filter).
    pub fn kind(self, kind: NetworkKind) -> Self {
        self.filter(
            "type",
            match kind {
                NetworkKind::Custom => "custom",
                NetworkKind::Builtin => "builtin",
            },
        )
    }

    /// Only networks no container uses (`true`), or only used ones.
    pub fn dangling(self, dangling: bool) -> Self {
        self.filter("dangling", dangling.to_string())
    }

    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

options! {
    /// Options for [`Networks::inspect`].
    pub struct InspectOptions {
        /// Include the services and tasks of a swarm network on every node
        /// (API 1.28+).
        verbose: flag,
        /// Look the network up in this scope only (`local`, `swarm`,
        /// `global`; API 1.31+).
        scope: opt<String>,
    }
}

options! {
    /// Options for [`Networks::disconnect`].
    pub struct DisconnectOptions {
        /// Disconnect even a container that is not running.
        force: flag,
    }
}

options! {
    /// Options for [`Networks::prune`].
    pub struct PruneOptions {
        /// Set with the filter setters below.
        filters: field<Filters>,
    }
}

impl PruneOptions {
    /// Only networks with this label (`key` or `key=value`).
    pub fn label(self, label: impl Into<String>) -> Self {
        self.filter("label", label)
    }

    /// Only networks created more than `age` ago (the `until` filter).
    pub fn older_than(self, age: std::time::Duration) -> Self {
        self.filter("until", format!("{}s", age.as_secs()))
    }

    /// Any other filter the engine knows (`label!`, ...).
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

/// What to create: a network's name, driver, addresses and flags
/// (docker-py's `create_network`). Problems (a driver option that is not
/// `key=value`, a bad subnet) are reported by [`Networks::create`] before
/// sending.
///
/// ```
/// use docker_engine::networks::NetworkCreate;
/// use docker_engine::types::{IPAMConfig, IPAMPool};
/// let spec = NetworkCreate::new("backend")
///     .driver("bridge")
///     .driver_opt("com.docker.network.bridge.enable_icc=true")
///     .ipam(IPAMConfig::new().pool(IPAMPool::new("10.40.0.0/24").gateway("10.40.0.1")))
///     .internal(true)
///     .label("app", "web");
/// assert_eq!(spec.body().name, "backend");
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct NetworkCreate {
    body: models::NetworkCreateBody,
    ipam: Option<IPAMConfig>,
    check_duplicate: Option<bool>,
    problems: Vec<String>,
}

impl NetworkCreate {
    /// A network named `name` (the engine's default driver, `bridge` on
    /// Linux, unless set).
    pub fn new(name: impl Into<String>) -> Self {
        NetworkCreate::from_body(models::NetworkCreateBody {
            name: name.into(),
            attachable: None,
            config_from: None,
            config_only: None,
            driver: None,
            enable_i_pv4: None,
            enable_i_pv6: None,
            ingress: None,
            internal: None,
            ipam: None,
            labels: None,
            options: None,
            scope: None,
            extra: Default::default(),
        })
    }

    /// Everything the engine accepts, as the generated body type.
    pub fn from_body(body: models::NetworkCreateBody) -> Self {
        NetworkCreate {
            body,
            ipam: None,
            check_duplicate: None,
            problems: Vec::new(),
        }
    }

    /// The driver (`bridge`, `overlay`, `macvlan`, a plugin, ...).
    pub fn driver(mut self, driver: impl Into<String>) -> Self {
        self.body.driver = Some(driver.into());
        self
    }

    /// A driver option as `key=value` (the CLI's `-o`).
    pub fn driver_opt(mut self, spec: &str) -> Self {
        match parse_key_value("driver option", spec) {
            Ok((k, v)) => {
                self.body
                    .options
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
            .options
            .get_or_insert_with(HashMap::new)
            .insert(key.into(), value.into());
        self
    }

    /// Address management: the IPAM driver, its options, the pools.
    pub fn ipam(mut self, ipam: IPAMConfig) -> Self {
        self.ipam = Some(ipam);
        self
    }

    /// No traffic to or from outside the network.
    pub fn internal(mut self, yes: bool) -> Self {
        self.body.internal = Some(yes);
        self
    }

    /// Standalone containers may join a swarm network.
    pub fn attachable(mut self, yes: bool) -> Self {
        self.body.attachable = Some(yes);
        self
    }

    /// The swarm's routing-mesh network (API 1.29+).
    pub fn ingress(mut self, yes: bool) -> Self {
        self.body.ingress = Some(yes);
        self
    }

    /// IPv6 on the network.
    pub fn ipv6(mut self, yes: bool) -> Self {
        self.body.enable_i_pv6 = Some(yes);
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

    /// The scope (`local`, `swarm`, `global`; API 1.30+).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.body.scope = Some(scope.into());
        self
    }

    /// Only a configuration for other networks to start from, no network
    /// (API 1.30+).
    pub fn config_only(mut self, yes: bool) -> Self {
        self.body.config_only = Some(yes);
        self
    }

    /// Start from the configuration of the config-only network `network`
    /// (API 1.30+).
    pub fn config_from(mut self, network: impl Into<String>) -> Self {
        self.body.config_from = Some(models::ConfigReference {
            network: Some(network.into()),
            ..Default::default()
        });
        self
    }

    /// Whether the engine should refuse a name already in use. Sent only
    /// where the engine reads it (before API 1.44); engines from 1.44
    /// always refuse duplicates, so `true` is then not sent and `false` is
    /// [`Error::UnsupportedByVersion`].
    pub fn check_duplicate(mut self, yes: bool) -> Self {
        self.check_duplicate = Some(yes);
        self
    }

    /// The body as it will be sent (before the IPAM configuration and the
    /// version-dependent `CheckDuplicate`).
    pub fn body(&self) -> &models::NetworkCreateBody {
        &self.body
    }

    /// The body, for settings without a setter here.
    pub fn body_mut(&mut self) -> &mut models::NetworkCreateBody {
        &mut self.body
    }

    fn body_for(&self, version: crate::versions::ApiVersion) -> Result<models::NetworkCreateBody> {
        if let Some(p) = self.problems.first() {
            return Err(Error::invalid_input(
                p.trim_start_matches("invalid input: "),
            ));
        }
        if self.body.name.is_empty() {
            return Err(Error::invalid_input("a network needs a name"));
        }
        let mut body = self.body.clone();
        if let Some(ipam) = &self.ipam {
            body.ipam = Some(ipam.to_model()?);
        }
        crate::placement::check_duplicate(&mut body, version, self.check_duplicate)?;
        Ok(body)
    }
}

/// The networks of one engine: `docker.networks()`.
#[derive(Clone, Copy, Debug)]
pub struct Networks<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The networks area: list, create, connect, ...
    pub fn networks(&self) -> Networks<'_> {
        Networks { docker: self }
    }
}

impl Networks<'_> {
    /// Lists networks.
    ///
    /// # Errors
    /// A transport error, or the engine's refusal of a filter
    /// ([`Error::InvalidArgument`]).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::networks::{ListOptions, NetworkKind};
    /// for n in docker.networks().list(&ListOptions::default().kind(NetworkKind::Custom)).await? {
    ///     println!("{:?} {:?}", n.name, n.driver);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, opts: &ListOptions) -> Result<Vec<models::Network>> {
        let filters = opts.filters.to_query();
        let r = self
            .docker
            .call(Answer::Prompt, async |c| {
                c.network_list(filters.as_deref()).await
            })
            .await?;
        Ok(r.into_inner()
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.0)
            .collect())
    }

    /// A network in detail, with the containers on it.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::UnsupportedByVersion`] for `verbose`
    /// before 1.28 or `scope` before 1.31.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let net = docker.networks().inspect("backend", &Default::default()).await?;
    /// println!("{:?}", net.containers.map(|c| c.len()));
    /// # Ok(()) }
    /// ```
    pub async fn inspect(&self, id: &str, opts: &InspectOptions) -> Result<models::NetworkInspect> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.network_inspect(id, opts.scope.as_deref(), flag(opts.verbose))
                    .await
            })
            .await?
            .into_inner())
    }

    /// Creates a network; returns its id and the engine's warning.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad subnet, gateway, address or driver
    /// option (nothing is sent); [`Error::Conflict`] for a name in use;
    /// [`Error::InvalidArgument`] or [`Error::Engine`] for what the engine
    /// refuses (overlapping subnets, an unknown driver).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::networks::NetworkCreate;
    /// let created = docker.networks().create(&NetworkCreate::new("backend").internal(true)).await?;
    /// println!("{}", created.id);
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, spec: &NetworkCreate) -> Result<models::NetworkCreateResponse> {
        let version = self.docker.version_for("NetworkCreate").await?;
        let body = spec.body_for(version)?;
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.network_create(&body).await)
            .await?
            .into_inner())
    }

    /// Removes a network.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::Engine`] (403 or 500 by engine) or
    /// [`Error::Unauthorized`] (403) for a network with endpoints still
    /// attached, or a built-in one.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.networks().remove("backend").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove(&self, id: &str) -> Result<()> {
        self.docker
            .call(Answer::Prompt, async |c| c.network_delete(id).await)
            .await?;
        Ok(())
    }

    /// Connects a container to a network, with its endpoint settings
    /// (docker-py's `connect_container_to_network`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad address or driver option;
    /// [`Error::UnsupportedByVersion`] for a MAC address before API 1.54
    /// (older engines ignore it on connect); [`Error::NotFound`] for a
    /// missing network or container; the engine's refusal of an address.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::types::EndpointConfig;
    /// let ep = EndpointConfig::new().alias("db").ipv4_address("10.30.0.10");
    /// docker.networks().connect("backend", "db-1", &ep).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(
        &self,
        id: &str,
        container: &str,
        endpoint: &EndpointConfig,
    ) -> Result<()> {
        let version = self.docker.version_for("NetworkConnect").await?;
        let settings = endpoint.to_model()?;
        crate::placement::connect_mac(&settings, version)?;
        let empty = settings == models::EndpointSettings::default();
        let body = models::NetworkConnectRequest {
            container: container.to_string(),
            endpoint_config: (!empty).then_some(settings),
            extra: Default::default(),
        };
        self.docker
            .call(Answer::Prompt, async |c| c.network_connect(id, &body).await)
            .await?;
        Ok(())
    }

    /// Disconnects a container from a network.
    ///
    /// # Errors
    /// [`Error::NotFound`]; the engine's refusal for a container that is
    /// not on the network.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::networks::DisconnectOptions;
    /// docker.networks().disconnect("backend", "db-1", &DisconnectOptions::default().force(true)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn disconnect(
        &self,
        id: &str,
        container: &str,
        opts: &DisconnectOptions,
    ) -> Result<()> {
        let body = models::NetworkDisconnectRequest {
            container: container.to_string(),
            force: flag(opts.force),
            extra: Default::default(),
        };
        self.docker
            .call(Answer::Prompt, async |c| {
                c.network_disconnect(id, &body).await
            })
            .await?;
        Ok(())
    }

    /// Removes unused networks matching the filters; returns the names
    /// removed.
    ///
    /// # Errors
    /// [`Error::Conflict`] while another prune runs; the engine's refusal
    /// of a filter.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::networks::PruneOptions;
    /// let pruned = docker.networks().prune(&PruneOptions::default().label("ci-run=42")).await?;
    /// println!("{:?}", pruned);
    /// # Ok(()) }
    /// ```
    pub async fn prune(&self, opts: &PruneOptions) -> Result<Vec<String>> {
        let query = opts.filters.to_query();
        let r = self
            .docker
            .call(Answer::Unbounded, async |c| {
                c.network_prune(query.as_deref()).await
            })
            .await?;
        Ok(r.into_inner().networks_deleted.unwrap_or_default())
    }
}
