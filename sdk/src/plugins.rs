//! Plugins (managed, "v2"): list, privileges, pull (install), inspect,
//! enable, disable, set, upgrade, push, remove, and create from a
//! directory, through the handle [`Docker::plugins`].
//!
//! Installing asks for the privileges the plugin needs
//! ([`Plugins::privileges`]); the caller accepts them by passing them to
//! [`Plugins::pull`] (the engine refuses an install whose privileges
//! differ from what the plugin asks).
//!
//! Every call that reaches a registry (privileges, pull, upgrade, push)
//! carries credentials in `X-Registry-Auth` as the CLI does: those the
//! call's options give, else those the CLI configuration has for the
//! registry of the reference ([`Docker::credentials`]), else `{}`.
//!
//! ```no_run
//! # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
//! use docker_engine::plugins::{PullOptions, RegistryOptions, RemoveOptions};
//! let plugins = docker.plugins();
//! let wanted = plugins.privileges("vieux/sshfs:latest", &RegistryOptions::default()).await?;
//! // ... show `wanted` to the user, who agrees ...
//! plugins.pull("vieux/sshfs:latest", &wanted, &PullOptions::default()).await?.finish().await?;
//! plugins.enable("vieux/sshfs:latest", &Default::default()).await?;
//! plugins.disable("vieux/sshfs:latest", &Default::default()).await?;
//! plugins.remove("vieux/sshfs:latest", &RemoveOptions::default()).await?;
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};

use crate::auth::RegistryAuth;
use crate::client::{Answer, Docker};
use crate::containers::{flag, tar_on_the_fly};
use crate::error::{Error, Result};
use crate::filters::Filters;
use crate::models;
use crate::options::options;
use crate::progress::ProgressStream;
use crate::reference::Reference;
use crate::types::parse_key_value;

options! {
    /// Options for [`Plugins::list`] (filters need API 1.28).
    pub struct ListOptions {
        /// Set with the filter setters below.
        filters: field<Filters>,
    }
}

impl ListOptions {
    /// Only plugins with this capability (`volumedriver`, `logdriver`,
    /// `networkdriver`, `authz`, ...).
    pub fn capability(self, capability: impl Into<String>) -> Self {
        self.filter("capability", capability)
    }

    /// Only enabled (`true`) or only disabled plugins (the `enabled`
    /// filter, which engines read under that name although the API
    /// description says `enable`).
    pub fn enabled(self, enabled: bool) -> Self {
        self.filter("enabled", enabled.to_string())
    }

    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

options! {
    /// Options for [`Plugins::pull`].
    pub struct PullOptions {
        /// The local name to install it as (default: the remote reference).
        name: opt<String>,
        /// Credentials for the registry (`X-Registry-Auth`; default: those
        /// the CLI configuration has for it).
        auth: opt<RegistryAuth>,
    }
}

options! {
    /// Options for [`Plugins::privileges`], [`Plugins::upgrade`] and
    /// [`Plugins::push`].
    pub struct RegistryOptions {
        /// Credentials for the registry (`X-Registry-Auth`; default: those
        /// the CLI configuration has for it).
        auth: opt<RegistryAuth>,
    }
}

options! {
    /// Options for [`Plugins::enable`].
    pub struct EnableOptions {
        /// Seconds to wait for the plugin to start (default 30, as the
        /// CLI's; always sent: engines refuse an enable without it).
        timeout: value<i64> = 30,
    }
}

options! {
    /// Options for [`Plugins::disable`].
    pub struct DisableOptions {
        /// Disable it even while something uses it (API 1.28+).
        force: flag,
    }
}

options! {
    /// Options for [`Plugins::remove`].
    pub struct RemoveOptions {
        /// Remove it even while it is enabled.
        force: flag,
    }
}

/// The plugins of one engine: `docker.plugins()`.
#[derive(Clone, Copy, Debug)]
pub struct Plugins<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The plugins area: install, enable, configure, remove, create.
    pub fn plugins(&self) -> Plugins<'_> {
        Plugins { docker: self }
    }
}

impl Plugins<'_> {
    /// Lists installed plugins.
    ///
    /// # Errors
    /// [`Error::UnsupportedByVersion`] for filters before API 1.28; the
    /// engine's refusal of a filter.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::plugins::ListOptions;
    /// for p in docker.plugins().list(&ListOptions::default().enabled(true)).await? {
    ///     println!("{} {}", p.name, p.enabled);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, opts: &ListOptions) -> Result<Vec<models::Plugin>> {
        let filters = opts.filters.to_query();
        let r = self
            .docker
            .call(Answer::Prompt, async |c| {
                c.plugin_list(filters.as_deref()).await
            })
            .await?;
        Ok(r.into_inner().unwrap_or_default())
    }

    /// The privileges a plugin in a registry asks for (network, mounts,
    /// devices, capabilities): what the caller accepts with
    /// [`Plugins::pull`]. The engine reads the plugin's configuration from
    /// the registry with the credentials of [`RegistryOptions::auth`], else
    /// those the CLI configuration has for it. An engine that cannot read
    /// it (credentials missing or refused) may answer an empty list rather
    /// than an error, as 20.10 does; an install with those credentials
    /// then fails.
    ///
    /// # Errors
    /// [`Error::InvalidReference`] (nothing is sent);
    /// [`Error::CredentialHelper`] when the configured helper fails;
    /// [`Error::NotFound`], [`Error::Unauthorized`] or [`Error::Engine`]
    /// when the registry has no such plugin, refuses the credentials or
    /// cannot be reached.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::plugins::RegistryOptions;
    /// let opts = RegistryOptions::default();
    /// for p in docker.plugins().privileges("vieux/sshfs:latest", &opts).await? {
    ///     println!("{:?}: {:?}", p.name, p.value);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn privileges(
        &self,
        remote: &str,
        opts: &RegistryOptions,
    ) -> Result<Vec<models::PluginPrivilege>> {
        let auth = self.auth_header(remote, opts.auth.as_ref()).await?;
        let r = self
            .docker
            .call(Answer::Prompt, async |c| {
                c.get_plugin_privileges(remote, Some(&auth)).await
            })
            .await?;
        Ok(r.into_inner().unwrap_or_default())
    }

    /// Installs a plugin from a registry (docker-py's `pull_plugin`),
    /// granting it `privileges` (those [`Plugins::privileges`] named, as
    /// the caller accepted them). The answer is the pull's progress:
    /// [`ProgressStream::finish`] waits until the plugin is installed
    /// (disabled: enable it next). The stream is not cut by the response
    /// timeout. Credentials as for [`Plugins::privileges`].
    ///
    /// # Errors
    /// [`Error::InvalidReference`] (nothing is sent); [`Error::Conflict`]
    /// for a name already installed. In the stream, as [`Error::InStream`]:
    /// privileges that differ from what the plugin asks, a missing plugin,
    /// refused credentials.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::plugins::{PullOptions, RegistryOptions};
    /// use docker_engine::RegistryAuth;
    /// let remote = "registry.example:5000/team/sshfs:1";
    /// let auth = RegistryAuth::new("me", "secret").server_address("registry.example:5000");
    /// let for_registry = RegistryOptions::default().auth(auth.clone());
    /// let granted = docker.plugins().privileges(remote, &for_registry).await?;
    /// let opts = PullOptions::default().name("sshfs").auth(auth);
    /// docker.plugins().pull(remote, &granted, &opts).await?.finish().await?;
    /// # Ok(()) }
    /// ```
    pub async fn pull(
        &self,
        remote: &str,
        privileges: &[models::PluginPrivilege],
        opts: &PullOptions,
    ) -> Result<ProgressStream> {
        let privileges = privileges.to_vec();
        let auth = self.auth_header(remote, opts.auth.as_ref()).await?;
        let r = self
            .docker
            .call(Answer::Stream, async |c| {
                c.plugin_pull(opts.name.as_deref(), remote, Some(&auth), Some(&privileges))
                    .await
            })
            .await?;
        Ok(ProgressStream::from_raw("PluginPull", r.into_inner()))
    }

    /// An installed plugin in detail.
    ///
    /// # Errors
    /// [`Error::NotFound`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let p = docker.plugins().inspect("sshfs").await?;
    /// println!("{} enabled: {}", p.name, p.enabled);
    /// # Ok(()) }
    /// ```
    pub async fn inspect(&self, name: &str) -> Result<models::Plugin> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.plugin_inspect(name).await)
            .await?
            .into_inner())
    }

    /// Enables (starts) a plugin. Not cut by the response timeout: the
    /// engine waits for the plugin to start, up to
    /// [`EnableOptions::timeout`].
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::Engine`] when the plugin does not
    /// start; [`Error::Conflict`] or [`Error::Engine`] when it is already
    /// enabled (by engine version).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::plugins::EnableOptions;
    /// docker.plugins().enable("sshfs", &EnableOptions::default().timeout(10)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn enable(&self, name: &str, opts: &EnableOptions) -> Result<()> {
        self.docker
            .call(Answer::Unbounded, async |c| {
                c.plugin_enable(name, Some(opts.timeout)).await
            })
            .await?;
        Ok(())
    }

    /// Disables (stops) a plugin.
    ///
    /// # Errors
    /// [`Error::NotFound`]; the engine's refusal while the plugin is in
    /// use (unless [`DisableOptions::force`]) or already disabled.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.plugins().disable("sshfs", &Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn disable(&self, name: &str, opts: &DisableOptions) -> Result<()> {
        self.docker
            .call(Answer::Unbounded, async |c| {
                c.plugin_disable(name, flag(opts.force)).await
            })
            .await?;
        Ok(())
    }

    /// Changes a disabled plugin's settings (docker-py's
    /// `configure_plugin`): each `KEY=value` for an environment variable,
    /// `mount.source=/path`, `device.path=/dev/x`, or an argument list
    /// `args=a b`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a setting that is not `key=value`
    /// (nothing is sent); [`Error::NotFound`]; the engine's refusal of a
    /// setting the plugin does not make settable, or of a change to an
    /// enabled plugin.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.plugins().set("sshfs", &["DEBUG=1"]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn set<S: AsRef<str>>(&self, name: &str, settings: &[S]) -> Result<()> {
        let settings = settings
            .iter()
            .map(|s| parse_key_value("plugin setting", s.as_ref()).map(|_| s.as_ref().to_string()))
            .collect::<Result<Vec<_>>>()?;
        self.docker
            .call(Answer::Prompt, async |c| {
                c.plugin_set(name, Some(&settings)).await
            })
            .await?;
        Ok(())
    }

    /// Upgrades a disabled plugin to the image `remote`, granting it
    /// `privileges` (API 1.26+). The answer is the pull's progress
    /// ([`ProgressStream::finish`] waits until done). Credentials (for the
    /// registry of `remote`) as for [`Plugins::privileges`].
    ///
    /// # Errors
    /// [`Error::InvalidReference`] for `remote` (nothing is sent);
    /// [`Error::NotFound`]; the engine's refusal for an enabled plugin; in
    /// the stream, as [`Error::InStream`], a failure while pulling.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::plugins::RegistryOptions;
    /// let opts = RegistryOptions::default();
    /// let granted = docker.plugins().privileges("vieux/sshfs:next", &opts).await?;
    /// docker.plugins()
    ///     .upgrade("sshfs", "vieux/sshfs:next", &granted, &opts)
    ///     .await?
    ///     .finish()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn upgrade(
        &self,
        name: &str,
        remote: &str,
        privileges: &[models::PluginPrivilege],
        opts: &RegistryOptions,
    ) -> Result<ProgressStream> {
        let privileges = privileges.to_vec();
        let auth = self.auth_header(remote, opts.auth.as_ref()).await?;
        let r = self
            .docker
            .call(Answer::Stream, async |c| {
                c.plugin_upgrade(name, remote, Some(&auth), Some(&privileges))
                    .await
            })
            .await?;
        Ok(ProgressStream::from_raw("PluginUpgrade", r.into_inner()))
    }

    /// Pushes a plugin to the registry its name points at. The answer is
    /// the push's progress ([`ProgressStream::finish`] waits until done).
    /// Credentials as for [`Plugins::privileges`].
    ///
    /// # Errors
    /// [`Error::InvalidReference`] when `name` is not a reference (nothing
    /// is sent); [`Error::NotFound`]; in the stream, as [`Error::InStream`], a
    /// failure while pushing (an unreachable registry, refused
    /// credentials).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::plugins::RegistryOptions;
    /// docker.plugins()
    ///     .push("registry.example:5000/team/sshfs:1", &RegistryOptions::default())
    ///     .await?
    ///     .finish()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn push(&self, name: &str, opts: &RegistryOptions) -> Result<ProgressStream> {
        let auth = self.auth_header(name, opts.auth.as_ref()).await?;
        let r = self
            .docker
            .call(Answer::Stream, async |c| {
                c.plugin_push(name, Some(&auth)).await
            })
            .await?;
        Ok(ProgressStream::from_raw("PluginPush", r.into_inner()))
    }

    /// Removes a plugin.
    ///
    /// # Errors
    /// [`Error::NotFound`]; the engine's refusal of an enabled plugin
    /// without [`RemoveOptions::force`] ([`Error::Conflict`] or
    /// [`Error::Engine`], by engine version).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::plugins::RemoveOptions;
    /// docker.plugins().remove("sshfs", &RemoveOptions::default().force(true)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove(&self, name: &str, opts: &RemoveOptions) -> Result<()> {
        self.docker
            .call(Answer::Unbounded, async |c| {
                c.plugin_delete(name, flag(opts.force)).await
            })
            .await?;
        Ok(())
    }

    /// Creates a plugin named `name` from a directory holding its
    /// `config.json` and its root filesystem in `rootfs/` (docker-py's
    /// `create_plugin`). The directory is tarred while it is sent, in
    /// constant memory.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `dir` lacks `config.json` or `rootfs/`
    /// or cannot be read (nothing is sent); the engine's refusal of the
    /// configuration; [`Error::Conflict`] for a name in use.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.plugins().create("me/my-plugin:1", std::path::Path::new("./plugin")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, name: &str, dir: &Path) -> Result<()> {
        let config = dir.join("config.json");
        let rootfs = dir.join("rootfs");
        if !tokio::fs::metadata(&config)
            .await
            .is_ok_and(|m| m.is_file())
        {
            return Err(Error::invalid_input(format!(
                "{} has no config.json",
                dir.display()
            )));
        }
        if !tokio::fs::metadata(&rootfs).await.is_ok_and(|m| m.is_dir()) {
            return Err(Error::invalid_input(format!(
                "{} has no rootfs directory",
                dir.display()
            )));
        }
        let dir: PathBuf = dir.to_path_buf();
        let (body, builder) = tar_on_the_fly(
            format!("the plugin archive of {}", dir.display()),
            move |tar| {
                tar.append_path_with_name(&config, "config.json")?;
                tar.append_dir_all("rootfs", &rootfs)
            },
        );
        let upload = self
            .docker
            .call(Answer::Unbounded, async |c| {
                c.plugin_create(name, body.0).await
            })
            .await;
        let built = builder
            .await
            .map_err(|e| Error::transport("building the plugin archive", e))?;
        match (upload, built) {
            (Ok(_), Ok(())) => Ok(()),
            (Err(e), _) => Err(e),
            (Ok(_), Err(e)) => Err(Error::invalid_input(e)),
        }
    }

    /// The `X-Registry-Auth` value for a call that reaches the registry of
    /// the plugin reference `reference` ([`Docker::auth_header_for`]).
    async fn auth_header(
        &self,
        reference: &str,
        explicit: Option<&RegistryAuth>,
    ) -> Result<String> {
        let r = Reference::parse(reference)?;
        self.docker.auth_header_for(&r, explicit).await
    }
}
