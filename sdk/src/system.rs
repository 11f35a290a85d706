//! The daemon: ping, version, info, through the handle [`Docker::system`].

use crate::auth::RegistryAuth;
use crate::client::{Answer, Docker};
use crate::error::{Error, Result};
use crate::models;
use crate::options::options;
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
    /// The daemon area: ping, version, info.
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
