//! `POST /build` (the classic builder) and `POST /build/prune`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::context::{BuildContext, Plan, Source};
use super::Images;
use crate::auth::{registry_config_value, RegistryAuth};
use crate::client::Answer;
use crate::containers::{flag, streamed_body};
use crate::error::{Error, Result};
use crate::filters::Filters;
use crate::models;
use crate::options::options;
use crate::progress::ProgressStream;

/// A resource limit for the build's containers (`--ulimit`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ulimit {
    /// The limit's name: `nofile`, `nproc`, `core`, ...
    pub name: String,
    /// The soft limit.
    pub soft: i64,
    /// The hard limit.
    pub hard: i64,
}

options! {
    /// Options for [`Images::build`]. The Dockerfile, the tags and the
    /// build arguments are what most builds set.
    pub struct BuildOptions {
        /// Set with [`BuildOptions::tag`].
        tags: field<Vec<String>>,
        /// The Dockerfile: for a directory context, a path relative to the
        /// directory or absolute (outside the directory, it is added to the
        /// context under a random name, as the CLI does); for a tar stream,
        /// its path inside the tar. Default: `Dockerfile`.
        dockerfile: opt<PathBuf>,
        /// Set with [`BuildOptions::build_arg`].
        build_args: field<BTreeMap<String, String>>,
        /// Set with [`BuildOptions::label`].
        labels: field<BTreeMap<String, String>>,
        /// The stage of a multi-stage Dockerfile to build (API 1.29+).
        target: opt<String>,
        /// Set with [`BuildOptions::extra_host`].
        extra_hosts: field<Vec<String>>,
        /// The network of the `RUN` steps: `bridge`, `host`, `none`, a
        /// network's name or id.
        network_mode: opt<String>,
        /// The size of `/dev/shm` of the `RUN` steps, in bytes.
        shm_size: opt<i64>,
        /// Set with [`BuildOptions::cache_from`].
        cache_from: field<Vec<String>>,
        /// Pull newer versions of the base images.
        pull: flag,
        /// Build without the cache.
        no_cache: flag,
        /// Remove the intermediate containers of successful steps (on
        /// unless turned off; the engine's default).
        rm: flag = true,
        /// Remove the intermediate containers even after a failure.
        force_rm: flag,
        /// The memory limit of the `RUN` steps, in bytes.
        memory: opt<i64>,
        /// Memory plus swap of the `RUN` steps, in bytes (`-1`: unlimited
        /// swap).
        memswap: opt<i64>,
        /// CPU shares (relative weight) of the `RUN` steps.
        cpu_shares: opt<i64>,
        /// The CPUs the `RUN` steps may use (`0-3`, `0,1`).
        cpuset_cpus: opt<String>,
        /// The CFS period of the `RUN` steps, in microseconds.
        cpu_period: opt<i64>,
        /// The CFS quota of the `RUN` steps, in microseconds.
        cpu_quota: opt<i64>,
        /// Set with [`BuildOptions::ulimit`].
        ulimits: field<Vec<Ulimit>>,
        /// The platform to build for, `os[/arch[/variant]]` (API 1.34+).
        platform: opt<String>,
        /// The isolation technology (`default`, `process`, `hyperv`; on
        /// Windows engines).
        isolation: opt<String>,
        /// Squash the new layers into one. Only engines with experimental
        /// features have it: on others the build is refused before anything
        /// is sent.
        squash: flag,
        /// Where BuildKit exports the result (API 1.40+; BuildKit only).
        outputs: opt<String>,
        /// Only the image id in the output, not the steps' output.
        quiet: flag,
        /// Set with [`BuildOptions::registry_auth`].
        registry_auths: field<BTreeMap<String, RegistryAuth>>,
        /// Pass the CLI configuration's proxies (`config.json` `proxies`,
        /// for this engine's address or `default`) as the build arguments
        /// `HTTP_PROXY`, `http_proxy`, ... unless set explicitly, as the
        /// CLI does (on unless turned off).
        inherit_proxies: flag = true,
        /// Compress the context the SDK makes with gzip (docker-py's
        /// `gzip`, the CLI's `--compress`): fewer bytes to a remote engine,
        /// more CPU on both sides. The engine recognises the compression by
        /// itself. A tar stream of the caller's own
        /// ([`BuildContext::tar`]) is sent as it is.
        gzip: flag,
    }
}

impl BuildOptions {
    /// Tags the image `name[:tag]`; repeat for several tags.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Sets the build argument `name` (the Dockerfile's `ARG`).
    pub fn build_arg(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.build_args.insert(name.into(), value.into());
        self
    }

    /// Adds a label to the image.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// Adds `host` at `ip` to the `/etc/hosts` of the `RUN` steps.
    pub fn extra_host(mut self, host: impl AsRef<str>, ip: impl AsRef<str>) -> Self {
        self.extra_hosts
            .push(format!("{}:{}", host.as_ref(), ip.as_ref()));
        self
    }

    /// An image whose layers the build may use as cache.
    pub fn cache_from(mut self, image: impl Into<String>) -> Self {
        self.cache_from.push(image.into());
        self
    }

    /// A resource limit of the `RUN` steps.
    pub fn ulimit(mut self, name: impl Into<String>, soft: i64, hard: i64) -> Self {
        self.ulimits.push(Ulimit {
            name: name.into(),
            soft,
            hard,
        });
        self
    }

    /// Credentials for a registry a `FROM` line names (sent as
    /// `X-Registry-Config`), keyed as the CLI keys them: `host[:port]`, or
    /// `https://index.docker.io/v1/` for Docker Hub.
    pub fn registry_auth(mut self, registry: impl Into<String>, auth: RegistryAuth) -> Self {
        self.registry_auths.insert(registry.into(), auth);
        self
    }

    /// Credentials for every registry the build may pull from, keyed as in
    /// [`BuildOptions::registry_auth`] (replaces those set before).
    pub fn registry_auths(mut self, auths: BTreeMap<String, RegistryAuth>) -> Self {
        self.registry_auths = auths;
        self
    }
}

/// A finished build: [`Images::build_image`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Built {
    /// The image id (`sha256:…`).
    pub id: String,
    /// The build's text output, step by step.
    pub output: Vec<String>,
}

options! {
    /// Options for [`Images::prune_builds`]. With none set, the engine
    /// removes the unused build cache it considers dangling.
    pub struct PruneBuildsOptions {
        /// Remove all unused build cache, not only dangling entries (API
        /// 1.39+).
        all: flag,
        /// Keep this many bytes of cache (API 1.39+: sent as
        /// `reserved-space` from 1.48, as `keep-storage` before).
        keep_storage: opt<i64>,
        /// Remove cache until at most this many bytes are used (API 1.48+).
        max_used_space: opt<i64>,
        /// Remove cache until this many bytes are free on disk (API 1.48+).
        min_free_space: opt<i64>,
        /// Set with the filter setters below.
        filters: field<Filters>,
    }
}

impl PruneBuildsOptions {
    /// Only cache entries unused for longer than `duration` (the `until`
    /// filter: `24h`, `30m`).
    pub fn unused_for(self, duration: impl Into<String>) -> Self {
        self.filter("until", duration)
    }

    /// Any filter the engine knows for the build cache (`id`, `parent`,
    /// `type`, `description`, `inuse`, `shared`, `private`).
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

fn json<T: Serialize>(value: &T) -> String {
    // Maps and lists of strings and numbers always encode.
    serde_json::to_string(value).unwrap_or_default()
}

impl Images<'_> {
    /// Builds an image with the classic builder (`POST /build`), answering
    /// with its progress: the steps' output, then the image id (an `aux`
    /// message). A directory context is tarred while it is sent, with its
    /// `.dockerignore` applied exactly as the Docker CLI applies it; see
    /// [`BuildContext`]. [`ProgressStream::finish`] drives it to the end
    /// ([`Images::build_image`] does it and returns the id).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a context that cannot be read (a missing
    /// directory or Dockerfile, a malformed `.dockerignore` pattern, an
    /// unreadable file) and for `squash` on an engine without experimental
    /// features, with nothing sent; [`Error::UnsupportedByVersion`] for an
    /// option the engine's API version lacks; the engine's refusal of an
    /// option ([`Error::InvalidArgument`]). A failing step is an
    /// [`Error::InStream`] item of the stream.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::{BuildContext, BuildOptions};
    /// use futures_util::StreamExt;
    /// let opts = BuildOptions::default().tag("app:dev").build_arg("VERSION", "1.2");
    /// let mut progress = docker.images().build(BuildContext::dir("./app"), &opts).await?;
    /// while let Some(message) = progress.next().await {
    ///     if let Some(text) = message?.stream {
    ///         print!("{text}");
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn build(
        &self,
        context: BuildContext,
        opts: &BuildOptions,
    ) -> Result<ProgressStream> {
        if opts.squash {
            let info = self.docker.system().info().await?;
            if info.experimental_build != Some(true) {
                return Err(Error::invalid_input(
                    "squash needs an engine with experimental features (ExperimentalBuild is false)",
                ));
            }
        }
        let (body, dockerfile, writer) = match context.source {
            Source::Tar(body) => {
                let dockerfile = opts
                    .dockerfile
                    .as_ref()
                    .map(|p| p.to_string_lossy().into_owned());
                (body, dockerfile, None)
            }
            source => {
                let ctx = BuildContext { source };
                let given = opts.dockerfile.clone();
                let plan = tokio::task::spawn_blocking(move || Plan::new(&ctx, given.as_deref()))
                    .await
                    .map_err(|e| Error::transport("preparing the build context", e))??;
                let dockerfile = Some(plan.dockerfile.clone());
                let gzip = opts.gzip;
                let (body, writer) = streamed_body(move |w| {
                    if gzip {
                        let mut gz =
                            flate2::write::GzEncoder::new(w, flate2::Compression::default());
                        plan.write(&mut gz).map_err(|e| e.to_string())?;
                        gz.finish()
                            .map(|_| ())
                            .map_err(|e| format!("compressing the context: {e}"))
                    } else {
                        plan.write(w).map_err(|e| e.to_string())
                    }
                });
                (body, dockerfile, Some(writer))
            }
        };
        let mut args = opts.build_args.clone();
        if opts.inherit_proxies {
            let host = self.docker.host().to_string();
            for (name, value) in self.docker.cli_config().proxy_env(&host) {
                args.entry(name).or_insert(value);
            }
        }
        let build_args = (!args.is_empty()).then(|| json(&args));
        let labels = (!opts.labels.is_empty()).then(|| json(&opts.labels));
        let cache_from = (!opts.cache_from.is_empty()).then(|| json(&opts.cache_from));
        let ulimits = (!opts.ulimits.is_empty()).then(|| json(&opts.ulimits));
        let registry_config =
            (!opts.registry_auths.is_empty()).then(|| registry_config_value(&opts.registry_auths));
        let tags = (!opts.tags.is_empty()).then_some(&opts.tags);
        let hosts = (!opts.extra_hosts.is_empty()).then_some(&opts.extra_hosts);
        let answer = self
            .docker
            .call(Answer::Unbounded, async |c| {
                c.image_build(
                    build_args.as_deref(),
                    cache_from.as_deref(),
                    opts.cpu_period,
                    opts.cpu_quota,
                    opts.cpuset_cpus.as_deref(),
                    opts.cpu_shares,
                    dockerfile.as_deref(),
                    hosts,
                    flag(opts.force_rm),
                    opts.isolation.as_deref(),
                    labels.as_deref(),
                    opts.memory,
                    opts.memswap,
                    opts.network_mode.as_deref(),
                    flag(opts.no_cache),
                    opts.outputs.as_deref(),
                    opts.platform.as_deref(),
                    opts.pull.then_some("1"),
                    flag(opts.quiet),
                    None,
                    (!opts.rm).then_some(false),
                    opts.shm_size,
                    flag(opts.squash),
                    tags,
                    opts.target.as_deref(),
                    ulimits.as_deref(),
                    None,
                    // As the CLI sends it (the engine detects compression).
                    Some(models::ImageBuildContentType::ApplicationXTar),
                    registry_config.as_deref(),
                    body.0,
                )
                .await
            })
            .await;
        match answer {
            Ok(r) => Ok(ProgressStream::from_raw("ImageBuild", r.into_inner())),
            Err(e) => {
                // A context that could not be written is the cause of a
                // failed upload; a refusal stops the writer too.
                if let Some(writer) = writer {
                    if let Ok(Err(written)) = writer.await {
                        if !written.contains("the upload stopped") {
                            return Err(Error::invalid_input(written));
                        }
                    }
                }
                Err(e)
            }
        }
    }

    /// Builds an image and waits for the end of the build: the image id and
    /// the output ([`Images::build`] driven by [`ProgressStream::finish`]).
    ///
    /// # Errors
    /// Those of [`Images::build`]; a failing step as [`Error::InStream`]
    /// with the engine's message, its code (the step's exit code) and in
    /// `output` what the build printed up to and including the failing
    /// step; [`Error::Protocol`] when the build ended without an image id.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::{BuildContext, BuildOptions};
    /// let built = docker
    ///     .images()
    ///     .build_image(BuildContext::dockerfile("FROM scratch\nLABEL a=b\n"), &BuildOptions::default())
    ///     .await?;
    /// println!("{}", built.id);
    /// # Ok(()) }
    /// ```
    pub async fn build_image(&self, context: BuildContext, opts: &BuildOptions) -> Result<Built> {
        let finished = self.build(context, opts).await?.finish().await?;
        let id = finished.image_id().map(str::to_string).or_else(|| {
            // Quiet builds of older engines print the id as their only text.
            finished
                .output
                .iter()
                .rev()
                .map(|l| l.trim())
                .find(|l| l.starts_with("sha256:"))
                .map(str::to_string)
        });
        match id {
            Some(id) => Ok(Built {
                id,
                output: finished.output,
            }),
            None => Err(Error::protocol(
                "ImageBuild",
                "the build ended without reporting an image id",
            )),
        }
    }

    /// Removes build cache (`POST /build/prune`, docker-py's
    /// `prune_builds`): what is removed and the space reclaimed.
    ///
    /// # Errors
    /// [`Error::UnsupportedByVersion`] for an option the engine's API
    /// version lacks (`all` and filters before 1.39, the space limits before
    /// 1.48), with nothing sent; a transport or decode error.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::PruneBuildsOptions;
    /// let pruned = docker.images().prune_builds(&PruneBuildsOptions::default().unused_for("72h")).await?;
    /// println!("{:?} bytes reclaimed", pruned.space_reclaimed);
    /// # Ok(()) }
    /// ```
    pub async fn prune_builds(
        &self,
        opts: &PruneBuildsOptions,
    ) -> Result<models::BuildPruneResponse> {
        let filters = opts.filters.to_query();
        Ok(self
            .docker
            .call(Answer::Unbounded, async |c| {
                c.build_prune(
                    flag(opts.all),
                    filters.as_deref(),
                    opts.max_used_space,
                    opts.min_free_space,
                    opts.keep_storage,
                )
                .await
            })
            .await?
            .into_inner())
    }
}
