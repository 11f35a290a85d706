//! docker-py's `docker.types`: the helpers that build the Engine's request
//! models, shared by every area (containers today; services, networks and
//! the rest use the same ones).
//!
//! - short forms as types that parse from the strings the Docker CLI and
//!   docker-py accept: [`CommandLine`] (`"sh -c 'echo hi'"`), [`ByteSize`]
//!   (`"512m"`), [`PortPublish`] (`"127.0.0.1:8080:80/udp"`), [`Bind`]
//!   (`"/src:/dst:ro"`);
//! - [`RestartPolicy`], [`LogConfig`], [`Healthcheck`];
//! - networks: [`IPAMConfig`] and [`IPAMPool`] (address management),
//!   [`EndpointConfig`] (a container's endpoint on a network), checked
//!   before sending;
//! - swarm, services and their tasks (docker-py's names, each building the
//!   Engine's model with `build`, and validating what docker-py
//!   validates): [`SwarmSpec`], [`SwarmExternalCA`], [`TaskTemplate`],
//!   [`ContainerSpec`], [`Mount`] (also for containers), [`DriverConfig`],
//!   [`DnsConfig`] (`DNSConfig`), [`Privileges`], [`Resources`]
//!   ([`GenericResource`]), [`TaskRestartPolicy`] (docker-py's
//!   `RestartPolicy` of services: [`RestartPolicy`] converts into it),
//!   [`Placement`], [`PlacementPreference`], [`NetworkAttachmentConfig`],
//!   [`SecretReference`], [`ConfigReference`], [`ServiceMode`],
//!   [`UpdateConfig`], [`RollbackConfig`], [`EndpointSpec`], [`Ulimit`].
//!
//! | docker-py `docker.types` | here |
//! |---|---|
//! | `ConfigReference` | [`ConfigReference`] |
//! | `ContainerSpec` | [`ContainerSpec`] |
//! | `DNSConfig` | [`DnsConfig`] (alias [`DNSConfig`]) |
//! | `DriverConfig` | [`DriverConfig`] |
//! | `EndpointSpec` | [`EndpointSpec`] |
//! | `Healthcheck` | [`Healthcheck`] |
//! | `IPAMConfig` | [`IPAMConfig`] |
//! | `IPAMPool` | [`IPAMPool`] |
//! | `LogConfig` | [`LogConfig`] |
//! | `Mount` | [`Mount`] |
//! | `NetworkAttachmentConfig` | [`NetworkAttachmentConfig`] |
//! | `Placement` | [`Placement`] |
//! | `PlacementPreference` | [`PlacementPreference`] |
//! | `Privileges` | [`Privileges`] |
//! | `Resources` | [`Resources`] |
//! | `RestartPolicy` | [`TaskRestartPolicy`] (containers: [`RestartPolicy`]) |
//! | `RollbackConfig` | [`RollbackConfig`] |
//! | `SecretReference` | [`SecretReference`] |
//! | `ServiceMode` | [`ServiceMode`] |
//! | `SwarmExternalCA` | [`SwarmExternalCA`] |
//! | `SwarmSpec` | [`SwarmSpec`] |
//! | `TaskTemplate` | [`TaskTemplate`] |
//! | `Ulimit` | [`Ulimit`] |
//! | `UpdateConfig` | [`UpdateConfig`] |
//!
//! The Engine's own request and answer models are [`crate::models`].

use std::collections::HashMap;
use std::time::Duration;

use crate::error::Result;
use crate::models;

mod mount;
mod network;
mod service;
mod short;
mod swarm;
#[cfg(test)]
mod tests;

pub(crate) use network::parse_key_value;
pub use network::{EndpointConfig, IPAMConfig, IPAMPool};

pub use mount::{DriverConfig, Mount, MountType};
pub use service::{
    ConfigReference, ContainerSpec, DNSConfig, DnsConfig, EndpointSpec, FailureAction,
    GenericResource, NetworkAttachmentConfig, Placement, PlacementPreference, PortProtocol,
    Privileges, PublishMode, Resources, RestartCondition, RollbackConfig, SecretReference,
    ServiceMode, TaskRestartPolicy, TaskTemplate, Ulimit, UpdateConfig, UpdateOrder,
};
pub(crate) use short::{duration_nanos, parse_bind, parse_bytes, parse_port_spec, split_command};
pub use short::{Bind, ByteSize, CommandLine, PortMapping, PortPublish};
pub use swarm::{SwarmExternalCA, SwarmSpec};

/// A restart policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartPolicy {
    /// Never restart (the default).
    No,
    /// Always restart.
    Always,
    /// Restart unless stopped by hand.
    UnlessStopped,
    /// Restart on a non-zero exit, at most this many times (0: no limit).
    OnFailure(u32),
}

/// Where a container's logs go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogConfig {
    /// `json-file`, optionally rotated (`max-size` such as `10m`, `max-file`).
    JsonFile {
        /// Size at which to rotate (`10m`).
        max_size: Option<String>,
        /// How many files to keep.
        max_file: Option<u32>,
    },
    /// The `local` driver.
    Local,
    /// `syslog`, `journald`, `fluentd`, ... with their options.
    Driver {
        /// Driver name.
        name: String,
        /// Driver options.
        options: HashMap<String, String>,
    },
    /// No logs (`none`): `logs` then returns nothing.
    None,
}

impl LogConfig {
    /// The driver's name and its options, as the Engine's log driver
    /// objects carry them.
    pub(crate) fn driver_parts(&self) -> (String, Option<HashMap<String, String>>) {
        match self {
            LogConfig::JsonFile { max_size, max_file } => {
                let mut o = HashMap::new();
                if let Some(s) = max_size {
                    o.insert("max-size".to_string(), s.clone());
                }
                if let Some(n) = max_file {
                    o.insert("max-file".to_string(), n.to_string());
                }
                ("json-file".into(), (!o.is_empty()).then_some(o))
            }
            LogConfig::Local => ("local".into(), None),
            LogConfig::None => ("none".into(), None),
            LogConfig::Driver { name, options } => (name.clone(), Some(options.clone())),
        }
    }
}

/// A health check (docker-py's `docker.types.Healthcheck`), for containers
/// and services' [`ContainerSpec`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct Healthcheck {
    test: Option<Vec<String>>,
    interval: Option<Duration>,
    timeout: Option<Duration>,
    start_period: Option<Duration>,
    start_interval: Option<Duration>,
    retries: Option<u32>,
}

impl Healthcheck {
    /// Runs `command` through the container's shell (`CMD-SHELL`).
    pub fn shell(command: impl Into<String>) -> Self {
        Healthcheck {
            test: Some(vec!["CMD-SHELL".into(), command.into()]),
            ..Default::default()
        }
    }

    /// Runs `argv` directly (`CMD`).
    pub fn exec<I: IntoIterator<Item = S>, S: Into<String>>(argv: I) -> Self {
        let mut test = vec!["CMD".to_string()];
        test.extend(argv.into_iter().map(Into::into));
        Healthcheck {
            test: Some(test),
            ..Default::default()
        }
    }

    /// Turns off a health check the image defines (`NONE`).
    pub fn disabled() -> Self {
        Healthcheck {
            test: Some(vec!["NONE".into()]),
            ..Default::default()
        }
    }

    /// Time between checks.
    pub fn interval(mut self, d: Duration) -> Self {
        self.interval = Some(d);
        self
    }

    /// Time a check may take.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// Grace period after start during which failures do not count.
    pub fn start_period(mut self, d: Duration) -> Self {
        self.start_period = Some(d);
        self
    }

    /// Time between checks during the start period (API 1.44+).
    pub fn start_interval(mut self, d: Duration) -> Self {
        self.start_interval = Some(d);
        self
    }

    /// Consecutive failures before the container is unhealthy.
    pub fn retries(mut self, n: u32) -> Self {
        self.retries = Some(n);
        self
    }

    /// The Engine's health configuration.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] for a duration too long to send.
    pub fn build(&self) -> Result<models::HealthConfig> {
        self.to_config()
    }

    pub(crate) fn to_config(&self) -> Result<models::HealthConfig> {
        let nanos = |d: Option<Duration>| d.map(duration_nanos).transpose();
        Ok(models::HealthConfig {
            test: self.test.clone(),
            interval: nanos(self.interval)?,
            timeout: nanos(self.timeout)?,
            start_period: nanos(self.start_period)?,
            start_interval: nanos(self.start_interval)?,
            retries: self.retries.map(i64::from),
            ..Default::default()
        })
    }
}
