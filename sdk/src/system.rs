//! System: ping, version, info.

use docker_engine_raw::types;

use crate::client::{Answer, Docker, Op};
use crate::error::Result;
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

impl Docker {
    /// Checks that the engine answers (`GET /_ping`).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let ping = docker.ping().await?;
    /// println!("engine API {:?} on {:?}", ping.api_version, ping.os_type);
    /// # Ok(()) }
    /// ```
    pub async fn ping(&self) -> Result<Ping> {
        const OP: Op = Op {
            id: "SystemPing",
            method: "GET",
            path: "/_ping",
            answer: Answer::Prompt,
        };
        let r = self
            .call(OP, &[], None, async |c| c.system_ping().await)
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
    pub async fn version(&self) -> Result<types::SystemVersion> {
        const OP: Op = Op {
            id: "SystemVersion",
            method: "GET",
            path: "/version",
            answer: Answer::Prompt,
        };
        Ok(self
            .call(OP, &[], None, async |c| c.system_version().await)
            .await?
            .into_inner())
    }

    /// System-wide information (`GET /info`).
    pub async fn info(&self) -> Result<types::SystemInfo> {
        const OP: Op = Op {
            id: "SystemInfo",
            method: "GET",
            path: "/info",
            answer: Answer::Prompt,
        };
        Ok(self
            .call(OP, &[], None, async |c| c.system_info().await)
            .await?
            .into_inner())
    }
}
