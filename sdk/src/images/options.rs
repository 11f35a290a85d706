//! Options of the image endpoints (declared with `options!`: `Default`,
//! chainable setters). What is left unset is not sent (the engine's default
//! applies).

#[allow(unused_imports)] // for rustdoc links
use super::Images;
use crate::filters::Filters;
use crate::options::options;

options! {
    /// Options for [`Images::list`] and [`Images::list_ids`].
    pub struct ListOptions {
        /// Include intermediate images (the CLI's `--all`).
        all: flag,
        /// Include each image's repository digests (`RepoDigests`).
        digests: flag,
        /// Compute the size shared with other images (`SharedSize`; API
        /// 1.42+: refused before sending on older engines, where it is -1).
        shared_size: flag,
        /// Ids shortened as the CLI shows them (`sha256:` dropped, 12 hex
        /// digits), docker-py's `trunc`.
        trunc: flag,
        /// Set with the filter setters below.
        filters: field<Filters>,
    }
}

impl ListOptions {
    /// Only untagged images (`true`) or only tagged ones (`false`).
    pub fn dangling(self, dangling: bool) -> Self {
        self.filter("dangling", dangling.to_string())
    }

    /// Only images with this label (`key` or `key=value`).
    pub fn label(self, label: impl Into<String>) -> Self {
        self.filter("label", label)
    }

    /// Only images whose reference matches (`busybox`, `me/*:1.*`).
    pub fn reference(self, reference: impl Into<String>) -> Self {
        self.filter("reference", reference)
    }

    /// Only images created before this image (id or reference).
    pub fn before(self, image: impl Into<String>) -> Self {
        self.filter("before", image)
    }

    /// Only images created after this image (id or reference).
    pub fn since(self, image: impl Into<String>) -> Self {
        self.filter("since", image)
    }

    /// Only images created before this time (a Unix timestamp, an RFC 3339
    /// date, or a duration such as `24h` before now). Newer engines only:
    /// 20.10 refuses it (`Invalid filter 'until'`, an
    /// [`crate::Error::InvalidArgument`]).
    pub fn until(self, until: impl Into<String>) -> Self {
        self.filter("until", until)
    }

    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

options! {
    /// Options for [`Images::remove`].
    pub struct RemoveOptions {
        /// Remove it even if containers use it, and untag it from every
        /// repository.
        force: flag,
        /// Keep its untagged parents.
        noprune: flag,
    }
}

options! {
    /// Options for [`Images::prune`]: dangling images only unless
    /// [`PruneOptions::dangling`] says `false` (every unused image).
    pub struct PruneOptions {
        /// Set with the filter setters below.
        filters: field<Filters>,
    }
}

impl PruneOptions {
    /// `true` (the engine's default): only untagged images; `false`: every
    /// image no container uses (the CLI's `--all`).
    pub fn dangling(self, dangling: bool) -> Self {
        self.filter("dangling", dangling.to_string())
    }

    /// Only images with this label (`key` or `key=value`).
    pub fn label(self, label: impl Into<String>) -> Self {
        self.filter("label", label)
    }

    /// Only images without this label (`label!`).
    pub fn label_not(self, label: impl Into<String>) -> Self {
        self.filter("label!", label)
    }

    /// Only images created before this time (timestamp or duration).
    pub fn until(self, until: impl Into<String>) -> Self {
        self.filter("until", until)
    }

    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

options! {
    /// Options for [`Images::search`].
    pub struct SearchOptions {
        /// At most this many results.
        limit: opt<i64>,
        /// Set with the filter setters below.
        filters: field<Filters>,
    }
}

impl SearchOptions {
    /// Only official images (`true`) or only others (`false`).
    pub fn is_official(self, official: bool) -> Self {
        self.filter("is-official", official.to_string())
    }

    /// Only automated builds (`true`) or only others (`false`).
    pub fn is_automated(self, automated: bool) -> Self {
        self.filter("is-automated", automated.to_string())
    }

    /// Only images with at least this many stars.
    pub fn stars(self, stars: u32) -> Self {
        self.filter("stars", stars.to_string())
    }

    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

options! {
    /// Options for [`Images::commit`]: what the new image is called and
    /// what it records.
    pub struct CommitOptions {
        /// The repository (`me/app`, `localhost:5000/app`); with
        /// [`CommitOptions::tag`] or a `:tag` in it.
        repo: opt<String>,
        /// The tag.
        tag: opt<String>,
        /// The commit message (the engine's `comment`).
        message: opt<String>,
        /// The author (`Jane <jane@example.com>`).
        author: opt<String>,
        /// Pause the container while committing (the engine's default:
        /// yes); `false` commits it running.
        pause: opt<bool>,
        /// Set with [`CommitOptions::change`].
        changes: field<Vec<String>>,
        /// The image configuration to merge over the container's (`Cmd`,
        /// `Env`, `Labels`, ...).
        config: opt<crate::models::ContainerConfig>,
    }
}

impl CommitOptions {
    /// A Dockerfile instruction to apply (`CMD ["sh"]`, `ENV A=1`,
    /// `LABEL k=v`, `EXPOSE 80`, `WORKDIR /x`, `USER u`, `VOLUME /v`,
    /// `ENTRYPOINT`, `ONBUILD`, `STOPSIGNAL`).
    pub fn change(mut self, instruction: impl Into<String>) -> Self {
        self.changes.push(instruction.into());
        self
    }
}

options! {
    /// Options for [`Images::import`].
    pub struct ImportOptions {
        /// The repository to name the image (`me/app`, or with a `:tag`).
        repo: opt<String>,
        /// The tag.
        tag: opt<String>,
        /// The commit message recorded in its history.
        message: opt<String>,
        /// The platform of the image (`linux/amd64`; API 1.32+).
        platform: opt<String>,
        /// Set with [`ImportOptions::change`].
        changes: field<Vec<String>>,
    }
}

impl ImportOptions {
    /// A Dockerfile instruction to apply (`CMD ["sh"]`, `ENV A=1`, ...).
    pub fn change(mut self, instruction: impl Into<String>) -> Self {
        self.changes.push(instruction.into());
        self
    }
}

options! {
    /// Options for [`Images::load`] and [`Images::load_file`].
    pub struct LoadOptions {
        /// No progress messages: only the result lines (`Loaded image: …`).
        quiet: flag,
    }
}

options! {
    /// Options for [`Images::pull`].
    pub struct PullOptions {
        /// Every tag of the repository (the reference must have no tag or
        /// digest).
        all_tags: flag,
        /// The platform to pull (`linux/arm64`; API 1.32+).
        platform: opt<String>,
        /// Credentials to send instead of those `config.json` has for the
        /// registry.
        auth: opt<crate::RegistryAuth>,
    }
}

options! {
    /// Options for [`Images::push`].
    pub struct PushOptions {
        /// Every tag of the repository (the reference must have no tag);
        /// without it, a reference without a tag pushes `latest`.
        all_tags: flag,
        /// Credentials to send instead of those `config.json` has for the
        /// registry.
        auth: opt<crate::RegistryAuth>,
    }
}

options! {
    /// Options for [`Images::distribution_inspect`].
    pub struct DistributionInspectOptions {
        /// Credentials to send instead of those `config.json` has for the
        /// registry.
        auth: opt<crate::RegistryAuth>,
    }
}
