//! The daemon: ping, version, info, through the handle [`Docker::system`].

use crate::client::{Answer, Docker};
use crate::error::Result;
use crate::models;
use crate::versions::ApiVersion;

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
}

/// The daemon itself: `docker.system()`.
#[derive(Clone, Copy, Debug)]
pub struct System<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The daemon area: ping, version, info.
    pub fn system(&self) -> System<'_> {
        System { docker: self }
    }
}

impl System<'_> {
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
}
