//! The swarm this engine belongs to, through the handle [`Docker::swarm`]:
//! init, join, leave, inspect, update (with token and unlock key
//! rotation), the unlock key, unlock, and autolock.
//!
//! ```no_run
//! # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
//! use docker_engine::swarm::{InitOptions, LeaveOptions};
//! use docker_engine::types::SwarmSpec;
//! let node_id = docker.swarm().init(&InitOptions::default()
//!     .advertise_addr("10.0.0.5")
//!     .spec(SwarmSpec::default().task_history_retention_limit(3))).await?;
//! let swarm = docker.swarm().inspect().await?;
//! println!("{node_id} joined with {:?}", swarm.join_tokens.and_then(|t| t.worker));
//! docker.swarm().leave(&LeaveOptions::default().force(true)).await?;
//! # Ok(()) }
//! ```

use crate::client::{Answer, Docker};
use crate::containers::flag;
use crate::error::{Error, Result};
use crate::models;
use crate::options::options;
use crate::types::SwarmSpec;

options! {
    /// Options for [`Swarm::init`]. docker-py's defaults where it has them:
    /// listening on `0.0.0.0:2377`; an address pool without a subnet size
    /// gets size 24, a size without a pool the default pool `10.0.0.0/8`
    /// (the engine would otherwise store size 0 or ignore the size).
    pub struct InitOptions {
        /// Where managers listen (`0.0.0.0:2377`, `eth0:2377`).
        listen_addr: opt<String>,
        /// The address other nodes reach this one at.
        advertise_addr: opt<String>,
        /// The address for data traffic (API 1.30+).
        data_path_addr: opt<String>,
        /// The UDP port for data traffic (API 1.40+).
        data_path_port: opt<u32>,
        /// Set with [`InitOptions::default_addr_pool`] (API 1.39+).
        default_addr_pool: field<Vec<String>>,
        /// Subnet size of networks from the pools (API 1.39+).
        subnet_size: opt<u32>,
        /// Forms a new cluster from this node's state (disaster recovery).
        force_new_cluster: flag,
        /// The swarm's settings.
        spec: opt<SwarmSpec>,
    }
}

impl InitOptions {
    /// Adds an address pool (CIDR) that overlay networks get subnets from.
    pub fn default_addr_pool(mut self, cidr: impl Into<String>) -> Self {
        self.default_addr_pool.push(cidr.into());
        self
    }

    /// The body sent for these options.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] from the spec.
    pub fn body(&self) -> Result<models::SwarmInitBody> {
        let mut pools = self.default_addr_pool.clone();
        let mut size = self.subnet_size;
        if !pools.is_empty() && size.is_none() {
            size = Some(24);
        }
        if pools.is_empty() && size.is_some() {
            pools.push("10.0.0.0/8".into());
        }
        Ok(models::SwarmInitBody {
            listen_addr: Some(
                self.listen_addr
                    .clone()
                    .unwrap_or_else(|| "0.0.0.0:2377".into()),
            ),
            advertise_addr: self.advertise_addr.clone(),
            data_path_addr: self.data_path_addr.clone(),
            data_path_port: self.data_path_port,
            default_addr_pool: (!pools.is_empty()).then_some(pools),
            subnet_size: size,
            force_new_cluster: flag(self.force_new_cluster),
            spec: self.spec.as_ref().map(SwarmSpec::build).transpose()?,
            ..Default::default()
        })
    }
}

options! {
    /// Options for [`Swarm::join`].
    pub struct JoinOptions {
        /// Where this node listens (default `0.0.0.0:2377`).
        listen_addr: opt<String>,
        /// The address other nodes reach this one at.
        advertise_addr: opt<String>,
        /// The address for data traffic (API 1.31+).
        data_path_addr: opt<String>,
    }
}

options! {
    /// Options for [`Swarm::leave`].
    pub struct LeaveOptions {
        /// Leave even as the last manager (the swarm is lost), or when not in
        /// a swarm at all (then it is not an error, as in docker-py).
        force: flag,
    }
}

options! {
    /// Options for [`Swarm::update`].
    pub struct UpdateOptions {
        /// Issue a new worker join token.
        rotate_worker_token: flag,
        /// Issue a new manager join token.
        rotate_manager_token: flag,
        /// Issue a new unlock key.
        rotate_manager_unlock_key: flag,
    }
}

/// The swarm of one engine: `docker.swarm()`.
#[derive(Clone, Copy, Debug)]
pub struct Swarm<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The swarm area: init, join, leave, inspect, update, unlock.
    pub fn swarm(&self) -> Swarm<'_> {
        Swarm { docker: self }
    }
}

impl Swarm<'_> {
    /// Makes this engine the first manager of a new swarm; returns its node
    /// id.
    ///
    /// # Errors
    /// [`Error::Engine`] (503) when it is already in a swarm;
    /// [`Error::InvalidArgument`] for a bad address;
    /// [`Error::UnsupportedByVersion`] for a field the version lacks.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::swarm::InitOptions;
    /// let id = docker.swarm().init(&InitOptions::default().advertise_addr("127.0.0.1")
    ///     .default_addr_pool("10.20.0.0/16").subnet_size(26u32)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn init(&self, opts: &InitOptions) -> Result<String> {
        let body = opts.body()?;
        Ok(self
            .docker
            .call(Answer::Unbounded, async |c| c.swarm_init(&body).await)
            .await?
            .into_inner())
    }

    /// Joins the swarm whose managers are at `remote_addrs`, with a worker
    /// or manager join token.
    ///
    /// # Errors
    /// [`Error::Engine`] (503) when already in a swarm; the engine's error
    /// for a bad token or unreachable managers.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker, token: String) -> docker_engine::Result<()> {
    /// use docker_engine::swarm::JoinOptions;
    /// docker.swarm().join(&["10.0.0.5:2377"], &token, &JoinOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn join<S: AsRef<str>>(
        &self,
        remote_addrs: &[S],
        join_token: &str,
        opts: &JoinOptions,
    ) -> Result<()> {
        let body = models::SwarmJoinBody {
            remote_addrs: Some(
                remote_addrs
                    .iter()
                    .map(|s| s.as_ref().to_string())
                    .collect(),
            ),
            join_token: join_token.to_string(),
            listen_addr: opts
                .listen_addr
                .clone()
                .unwrap_or_else(|| "0.0.0.0:2377".into()),
            advertise_addr: opts.advertise_addr.clone(),
            data_path_addr: opts.data_path_addr.clone(),
            extra: Default::default(),
        };
        self.docker
            .call(Answer::Unbounded, async |c| c.swarm_join(&body).await)
            .await?;
        Ok(())
    }

    /// Leaves the swarm. With `force`, a node in no swarm is not an error.
    ///
    /// # Errors
    /// [`Error::Engine`] (503) when not in a swarm (without `force`), or
    /// when leaving would lose the swarm's quorum (without `force`).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::swarm::LeaveOptions;
    /// docker.swarm().leave(&LeaveOptions::default().force(true)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn leave(&self, opts: &LeaveOptions) -> Result<()> {
        let r = self
            .docker
            .call(Answer::Unbounded, async |c| {
                c.swarm_leave(flag(opts.force)).await
            })
            .await;
        match r {
            Ok(_) => Ok(()),
            Err(Error::Engine {
                status: 503,
                message,
                ..
            }) if opts.force && message.contains("not part of a swarm") => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The swarm: its id, version, spec, join tokens, ...
    ///
    /// # Errors
    /// [`Error::Engine`] (503) when this engine is in no swarm or is not a
    /// manager.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let swarm = docker.swarm().inspect().await?;
    /// println!("{:?} at version {:?}", swarm.id, swarm.version.and_then(|v| v.index));
    /// # Ok(()) }
    /// ```
    pub async fn inspect(&self) -> Result<models::Swarm> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.swarm_inspect().await)
            .await?
            .into_inner())
    }

    /// Replaces the swarm's spec; `version` is the one read with
    /// [`Swarm::inspect`] (the engine refuses a stale one). The spec is
    /// sent whole: start from the current one
    /// ([`SwarmSpec::from_model`]) to keep what is not changed.
    ///
    /// # Errors
    /// A stale `version` is [`Error::Conflict`] (the engine's "update out
    /// of sequence"); [`Error::Engine`] (503) outside a swarm.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::swarm::UpdateOptions;
    /// use docker_engine::types::SwarmSpec;
    /// let swarm = docker.swarm().inspect().await?;
    /// let version = swarm.version.and_then(|v| v.index).unwrap_or_default();
    /// let spec = SwarmSpec::from_model(swarm.spec.unwrap_or_default()).task_history_retention_limit(2);
    /// docker.swarm().update(version, &spec, &UpdateOptions::default().rotate_worker_token(true)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, version: u64, spec: &SwarmSpec, opts: &UpdateOptions) -> Result<()> {
        let body = spec.build()?;
        let version = version_param(version)?;
        self.docker
            .call(Answer::Prompt, async |c| {
                c.swarm_update(
                    flag(opts.rotate_manager_token),
                    flag(opts.rotate_manager_unlock_key),
                    flag(opts.rotate_worker_token),
                    version,
                    &body,
                )
                .await
            })
            .await
            .map_err(out_of_sequence)?;
        Ok(())
    }

    /// Turns autolock on or off (reading the current spec and version,
    /// as `docker swarm update --autolock` does); when on, returns the
    /// unlock key a restarted manager needs.
    ///
    /// # Errors
    /// As [`Swarm::inspect`] and [`Swarm::update`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// if let Some(key) = docker.swarm().autolock(true).await? {
    ///     println!("keep this safe: {key}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn autolock(&self, enabled: bool) -> Result<Option<String>> {
        let swarm = self.inspect().await?;
        let version = swarm.version.and_then(|v| v.index).unwrap_or_default();
        let spec = SwarmSpec::from_model(swarm.spec.unwrap_or_default()).autolock_managers(enabled);
        self.update(version, &spec, &UpdateOptions::default())
            .await?;
        if enabled {
            Ok(Some(self.unlock_key().await?))
        } else {
            Ok(None)
        }
    }

    /// The key that unlocks a manager of an autolocked swarm (empty when
    /// autolock is off).
    ///
    /// # Errors
    /// [`Error::Engine`] (503) outside a swarm.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// println!("{}", docker.swarm().unlock_key().await?);
    /// # Ok(()) }
    /// ```
    pub async fn unlock_key(&self) -> Result<String> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.swarm_unlockkey().await)
            .await?
            .into_inner()
            .unlock_key
            .unwrap_or_default())
    }

    /// Unlocks a manager of an autolocked swarm after a restart.
    ///
    /// # Errors
    /// The engine's error for a wrong key, or when the node is not locked.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker, key: String) -> docker_engine::Result<()> {
    /// docker.swarm().unlock(&key).await?;
    /// # Ok(()) }
    /// ```
    pub async fn unlock(&self, key: &str) -> Result<()> {
        let body = models::SwarmUnlockBody {
            unlock_key: Some(key.to_string()),
            ..Default::default()
        };
        self.docker
            .call(Answer::Prompt, async |c| c.swarm_unlock(&body).await)
            .await?;
        Ok(())
    }
}

/// An object version as the `version` query parameter.
pub(crate) fn version_param(version: u64) -> Result<i64> {
    i64::try_from(version)
        .map_err(|_| Error::invalid_input(format!("version {version} is out of range")))
}

/// The engine's "update out of sequence" (a stale version) as
/// [`Error::Conflict`].
pub(crate) fn out_of_sequence(e: Error) -> Error {
    match e {
        Error::Engine {
            operation, message, ..
        } if message.contains("update out of sequence") => Error::Conflict { operation, message },
        e => e,
    }
}

/// Whether an error is a stale version.
pub(crate) fn is_out_of_sequence(e: &Error) -> bool {
    matches!(e, Error::Conflict { message, .. } if message.contains("update out of sequence"))
}
