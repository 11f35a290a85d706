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
//!   before sending.
//!
//! The Engine's own request and answer models are [`crate::models`].

use std::collections::HashMap;
use std::time::Duration;

use crate::error::Result;
use crate::models;

mod network;
mod short;

pub(crate) use network::parse_key_value;
pub use network::{EndpointConfig, IPAMConfig, IPAMPool};

pub(crate) use short::{duration_nanos, parse_bind, parse_bytes, parse_port_spec, split_command};
pub use short::{Bind, ByteSize, CommandLine, PortMapping, PortPublish};

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

/// A health check.
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
