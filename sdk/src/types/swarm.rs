//! [`SwarmSpec`] and [`SwarmExternalCA`] (docker-py's
//! `docker.types.SwarmSpec` and `SwarmExternalCA`).

use std::collections::HashMap;
use std::time::Duration;

use super::short::duration_nanos;
use super::LogConfig;
use crate::error::Result;
use crate::models;

/// An external certificate authority that issues the swarm's node
/// certificates (docker-py's `docker.types.SwarmExternalCA`).
///
/// ```
/// use docker_engine::types::SwarmExternalCA;
/// let ca = SwarmExternalCA::cfssl("https://ca.example.org/sign").option("profile", "node");
/// assert_eq!(serde_json::to_value(ca.build()).unwrap(), serde_json::json!({
///     "Protocol": "cfssl", "URL": "https://ca.example.org/sign", "Options": {"profile": "node"}}));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct SwarmExternalCA {
    url: String,
    protocol: models::SwarmSpecCaConfigExternalCAsItemProtocol,
    options: HashMap<String, String>,
    ca_cert: Option<String>,
}

impl SwarmExternalCA {
    /// A CFSSL signer at `url` (the one protocol the engine knows).
    pub fn cfssl(url: impl Into<String>) -> Self {
        SwarmExternalCA {
            url: url.into(),
            protocol: models::SwarmSpecCaConfigExternalCAsItemProtocol::Cfssl,
            options: HashMap::new(),
            ca_cert: None,
        }
    }
    /// An option for the signer.
    pub fn option(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.options.insert(k.into(), v.into());
        self
    }
    /// The root CA certificate (PEM) the signer's certificates chain to
    /// (API 1.30+).
    pub fn ca_cert(mut self, pem: impl Into<String>) -> Self {
        self.ca_cert = Some(pem.into());
        self
    }
    /// The Engine's external CA object.
    pub fn build(&self) -> models::SwarmSpecCaConfigExternalCAsItem {
        models::SwarmSpecCaConfigExternalCAsItem {
            url: Some(self.url.clone()),
            protocol: Some(self.protocol),
            options: (!self.options.is_empty()).then(|| self.options.clone()),
            ca_cert: self.ca_cert.clone(),
            ..Default::default()
        }
    }
}

/// A swarm's settings, for [`Swarm::init`](crate::swarm::Swarm::init) and
/// [`Swarm::update`](crate::swarm::Swarm::update) (docker-py's
/// `docker.types.SwarmSpec`). Only what is set is sent; fields the
/// negotiated API lacks (the CA's signing certificate and key before 1.30,
/// ...) are refused before sending.
///
/// ```
/// use std::time::Duration;
/// use docker_engine::types::SwarmSpec;
/// let s = SwarmSpec::default().task_history_retention_limit(3).autolock_managers(true)
///     .dispatcher_heartbeat_period(Duration::from_secs(5)).label("env", "test");
/// assert_eq!(serde_json::to_value(s.build()?).unwrap(), serde_json::json!({
///     "Labels": {"env": "test"},
///     "Orchestration": {"TaskHistoryRetentionLimit": 3},
///     "Dispatcher": {"HeartbeatPeriod": 5000000000i64},
///     "EncryptionConfig": {"AutoLockManagers": true}}));
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct SwarmSpec {
    spec: models::SwarmSpec,
    heartbeat: Option<Duration>,
    cert_expiry: Option<Duration>,
}

impl SwarmSpec {
    /// Starts from a spec read from the engine (`swarm().inspect()`), so
    /// that an update keeps what it does not change.
    pub fn from_model(spec: models::SwarmSpec) -> Self {
        SwarmSpec {
            spec,
            ..Default::default()
        }
    }

    /// The swarm's name.
    pub fn name(mut self, n: impl Into<String>) -> Self {
        self.spec.name = Some(n.into());
        self
    }
    /// A label on the swarm.
    pub fn label(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.spec
            .labels
            .get_or_insert_with(HashMap::new)
            .insert(k.into(), v.into());
        self
    }
    /// Tasks kept in history per slot.
    pub fn task_history_retention_limit(mut self, n: i64) -> Self {
        self.spec
            .orchestration
            .get_or_insert_with(Default::default)
            .task_history_retention_limit = Some(n);
        self
    }
    /// Log entries between Raft snapshots.
    pub fn snapshot_interval(mut self, n: u64) -> Self {
        self.raft().snapshot_interval = Some(n);
        self
    }
    /// Snapshots kept besides the current one.
    pub fn keep_old_snapshots(mut self, n: u64) -> Self {
        self.raft().keep_old_snapshots = Some(n);
        self
    }
    /// Log entries kept for slow followers after a snapshot.
    pub fn log_entries_for_slow_followers(mut self, n: u64) -> Self {
        self.raft().log_entries_for_slow_followers = Some(n);
        self
    }
    /// Ticks between heartbeats.
    pub fn heartbeat_tick(mut self, n: i64) -> Self {
        self.raft().heartbeat_tick = Some(n);
        self
    }
    /// Ticks without a leader before an election.
    pub fn election_tick(mut self, n: i64) -> Self {
        self.raft().election_tick = Some(n);
        self
    }
    /// How often agents report to managers.
    pub fn dispatcher_heartbeat_period(mut self, d: Duration) -> Self {
        self.heartbeat = Some(d);
        self
    }
    /// How long node certificates are valid.
    pub fn node_cert_expiry(mut self, d: Duration) -> Self {
        self.cert_expiry = Some(d);
        self
    }
    /// An external CA.
    pub fn external_ca(mut self, ca: SwarmExternalCA) -> Self {
        self.ca()
            .external_c_as
            .get_or_insert_with(Vec::new)
            .push(ca.build());
        self
    }
    /// The swarm's signing CA certificate (PEM, API 1.30+).
    pub fn signing_ca_cert(mut self, pem: impl Into<String>) -> Self {
        self.ca().signing_ca_cert = Some(pem.into());
        self
    }
    /// The swarm's signing CA key (PEM, API 1.30+).
    pub fn signing_ca_key(mut self, pem: impl Into<String>) -> Self {
        self.ca().signing_ca_key = Some(pem.into());
        self
    }
    /// A counter whose change rotates the CA (API 1.30+).
    pub fn ca_force_rotate(mut self, n: u64) -> Self {
        self.ca().force_rotate = Some(n);
        self
    }
    /// Locks managers' keys at rest: after a restart a manager needs the
    /// unlock key ([`Swarm::unlock`](crate::swarm::Swarm::unlock)).
    pub fn autolock_managers(mut self, yes: bool) -> Self {
        self.spec
            .encryption_config
            .get_or_insert_with(Default::default)
            .auto_lock_managers = Some(yes);
        self
    }
    /// The default log driver of tasks.
    pub fn log_driver(mut self, l: LogConfig) -> Self {
        let (name, options) = l.driver_parts();
        self.spec
            .task_defaults
            .get_or_insert_with(Default::default)
            .log_driver = Some(models::SwarmSpecTaskDefaultsLogDriver {
            name: Some(name),
            options,
            ..Default::default()
        });
        self
    }

    fn raft(&mut self) -> &mut models::SwarmSpecRaft {
        self.spec.raft.get_or_insert_with(Default::default)
    }

    fn ca(&mut self) -> &mut models::SwarmSpecCaConfig {
        self.spec.ca_config.get_or_insert_with(Default::default)
    }

    /// The Engine's swarm spec.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a duration
    /// too long to send.
    pub fn build(&self) -> Result<models::SwarmSpec> {
        let mut spec = self.spec.clone();
        if let Some(d) = self.heartbeat {
            spec.dispatcher
                .get_or_insert_with(Default::default)
                .heartbeat_period = Some(duration_nanos(d)?);
        }
        if let Some(d) = self.cert_expiry {
            spec.ca_config
                .get_or_insert_with(Default::default)
                .node_cert_expiry = Some(duration_nanos(d)?);
        }
        Ok(spec)
    }
}
