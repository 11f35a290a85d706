//! Images: every image endpoint through the handle [`Docker::images`]:
//! list, inspect, history, tag, remove, prune, commit, search, save and
//! load, import, pull and push (with the credentials the Docker CLI would
//! use), distribution inspect; and builds ([`Images::build`],
//! [`Images::prune_builds`], the build context and `.dockerignore`).
//!
//! Image references given to pull, push, tag and commit are parsed and
//! normalised as the CLI does ([`crate::reference::Reference`]): an
//! invalid one is [`Error::InvalidReference`] before anything is sent.
//!
//! ```no_run
//! # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
//! use docker_engine::images::{ListOptions, RemoveOptions};
//! let images = docker.images();
//! for image in images.list(&ListOptions::default().dangling(false).trunc(true)).await? {
//!     println!("{} {:?}", image.id, image.repo_tags);
//! }
//! images.tag("busybox:latest", "localhost:5000/busybox:1").await?;
//! images.remove("localhost:5000/busybox:1", &RemoveOptions::default()).await?;
//! # Ok(()) }
//! ```

use std::path::Path;

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::client::{Answer, Docker};
use crate::containers::flag;
use crate::error::{Error, Result};
use crate::models;
use crate::progress::ProgressStream;
use crate::reference::Reference;
use crate::streams::{Body, ByteStream};

mod build;
mod context;
mod ignore;
mod options;

pub use build::{BuildOptions, Built, PruneBuildsOptions, Ulimit};
pub use context::BuildContext;
#[doc(hidden)]
pub use ignore::fuzz_dockerignore;
pub use ignore::{DockerIgnore, PatternError};

pub use options::{
    CommitOptions, DistributionInspectOptions, ImportOptions, ListOptions, LoadOptions,
    PruneOptions, PullOptions, PushOptions, RemoveOptions, SearchOptions,
};

/// An id as the Docker CLI shows it: the algorithm prefix (`sha256:`)
/// dropped and the first 12 hex digits kept (the CLI's `TruncateID`).
///
/// ```
/// use docker_engine::images::short_id;
/// assert_eq!(short_id("sha256:0123456789abcdef0123"), "0123456789ab");
/// assert_eq!(short_id("0123456789abcdef"), "0123456789ab");
/// assert_eq!(short_id("abc"), "abc");
/// ```
pub fn short_id(id: &str) -> &str {
    let id = id.split_once(':').map_or(id, |(_, hex)| hex);
    id.get(..12).unwrap_or(id)
}

/// The images of one engine: `docker.images()`.
#[derive(Clone, Copy, Debug)]
pub struct Images<'a> {
    pub(crate) docker: &'a Docker,
}

impl Docker {
    /// The images area: list, pull, push, build, tag, save, load, ...
    pub fn images(&self) -> Images<'_> {
        Images { docker: self }
    }
}

impl Images<'_> {
    /// Lists images (the tagged top-level ones, unless
    /// [`ListOptions::all`]).
    ///
    /// # Errors
    /// A transport error; [`Error::InvalidArgument`] for a filter the
    /// engine does not know; [`Error::UnsupportedByVersion`] for
    /// [`ListOptions::shared_size`] below API 1.42.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::ListOptions;
    /// let tagged = docker.images().list(&ListOptions::default().dangling(false).label("team=web")).await?;
    /// for image in tagged {
    ///     println!("{} {:?} {} bytes", image.id, image.repo_tags, image.size);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, opts: &ListOptions) -> Result<Vec<models::ImageSummary>> {
        let filters = opts.filters.to_query();
        let r = self
            .docker
            .call(Answer::Prompt, async |c| {
                c.image_list(
                    flag(opts.all),
                    flag(opts.digests),
                    filters.as_deref(),
                    None,
                    None,
                    flag(opts.shared_size),
                )
                .await
            })
            .await?;
        let mut images = r.into_inner().unwrap_or_default();
        if opts.trunc {
            for image in &mut images {
                image.id = short_id(&image.id).to_string();
            }
        }
        Ok(images)
    }

    /// The ids of the images [`Images::list`] would answer, in its order
    /// (docker-py's `quiet`; shortened with [`ListOptions::trunc`]).
    ///
    /// # Errors
    /// As [`Images::list`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::ListOptions;
    /// let dangling = docker.images().list_ids(&ListOptions::default().dangling(true)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn list_ids(&self, opts: &ListOptions) -> Result<Vec<String>> {
        Ok(self
            .list(opts)
            .await?
            .into_iter()
            .map(|image| image.id)
            .collect())
    }

    /// Low-level information on an image.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing image.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let image = docker.images().inspect("busybox:latest").await?;
    /// println!("{:?} {:?}", image.id, image.architecture);
    /// # Ok(()) }
    /// ```
    pub async fn inspect(&self, name: &str) -> Result<models::ImageInspect> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.image_inspect(name, None, None).await
            })
            .await?
            .into_inner())
    }

    /// An image's layers, newest first, with the instruction that made each.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing image.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// for layer in docker.images().history("busybox:latest").await? {
    ///     println!("{} {}", layer.created_by, layer.size);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn history(&self, name: &str) -> Result<Vec<models::ImageHistoryResponseItem>> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| c.image_history(name, None).await)
            .await?
            .into_inner()
            .unwrap_or_default())
    }

    /// Gives the image `source` the name `target` (`repo` or `repo:tag`;
    /// `latest` when no tag is given), normalised as the CLI sends it.
    ///
    /// # Errors
    /// [`Error::InvalidReference`] for a target that is not a reference,
    /// [`Error::InvalidInput`] for one with a digest (nothing is sent);
    /// [`Error::NotFound`] for a missing source.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// docker.images().tag("busybox:latest", "localhost:5000/tools/busybox:1.36").await?;
    /// # Ok(()) }
    /// ```
    pub async fn tag(&self, source: &str, target: &str) -> Result<()> {
        let target = Reference::parse(target)?;
        if target.digest().is_some() {
            return Err(Error::invalid_input(format!(
                "cannot tag with a digest reference: `{target}`"
            )));
        }
        let repo = target.name();
        let tag = target.tag_or_digest().to_string();
        self.docker
            .call(Answer::Prompt, async |c| {
                c.image_tag(source, Some(&repo), Some(&tag)).await
            })
            .await?;
        Ok(())
    }

    /// Removes an image (or one of its names): what was untagged and what
    /// was deleted, as the engine lists them.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::Conflict`] when a container uses it
    /// (unless [`RemoveOptions::force`]) or it has several names and is
    /// named by id.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::RemoveOptions;
    /// for item in docker.images().remove("me/app:old", &RemoveOptions::default()).await? {
    ///     println!("untagged {:?}, deleted {:?}", item.untagged, item.deleted);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn remove(
        &self,
        name: &str,
        opts: &RemoveOptions,
    ) -> Result<Vec<models::ImageDeleteResponseItem>> {
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.image_delete(name, flag(opts.force), flag(opts.noprune), None)
                    .await
            })
            .await?
            .into_inner()
            .unwrap_or_default())
    }

    /// Removes unused images (dangling ones unless
    /// [`PruneOptions::dangling`] is `false`): what was removed and the
    /// space reclaimed.
    ///
    /// # Errors
    /// [`Error::Conflict`] while another prune runs;
    /// [`Error::InvalidArgument`] for an unknown filter.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::PruneOptions;
    /// let pruned = docker.images().prune(&PruneOptions::default().label("job=42").dangling(false)).await?;
    /// println!("{:?} bytes", pruned.space_reclaimed);
    /// # Ok(()) }
    /// ```
    pub async fn prune(&self, opts: &PruneOptions) -> Result<models::ImagePruneResponse> {
        let filters = opts.filters.to_query();
        Ok(self
            .docker
            .call(Answer::Unbounded, async |c| {
                c.image_prune(filters.as_deref()).await
            })
            .await?
            .into_inner())
    }

    /// Makes an image from a container's filesystem and configuration
    /// (`docker commit`): its id. The repository is normalised as the CLI
    /// sends it; the changes are Dockerfile instructions.
    ///
    /// # Errors
    /// [`Error::InvalidReference`] for a bad repository (nothing is sent);
    /// [`Error::NotFound`] for a missing container;
    /// [`Error::InvalidArgument`] for a change the engine cannot apply.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::CommitOptions;
    /// let opts = CommitOptions::default()
    ///     .repo("me/snapshot:1")
    ///     .message("after setup")
    ///     .author("me")
    ///     .change("ENV READY=1")
    ///     .change(r#"CMD ["sh"]"#);
    /// let id = docker.images().commit("web-1", &opts).await?;
    /// # Ok(()) }
    /// ```
    pub async fn commit(&self, container: &str, opts: &CommitOptions) -> Result<String> {
        let (repo, tag) = match &opts.repo {
            Some(repo) => {
                let r = Reference::parse(repo)?;
                (
                    Some(r.name()),
                    opts.tag.clone().or(r.tag().map(str::to_string)),
                )
            }
            None => (None, opts.tag.clone()),
        };
        let changes = (!opts.changes.is_empty()).then(|| opts.changes.join("\n"));
        let config = opts.config.clone().unwrap_or_default();
        let r = self
            .docker
            .call(Answer::Unbounded, async |c| {
                c.image_commit(
                    opts.author.as_deref(),
                    changes.as_deref(),
                    opts.message.as_deref(),
                    Some(container),
                    opts.pause,
                    repo.as_deref(),
                    tag.as_deref(),
                    &config,
                )
                .await
            })
            .await?;
        Ok(r.into_inner().id)
    }

    /// One image (with its names) as a tar stream, as `docker save` writes
    /// it.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing image; later, a transport error as
    /// a stream item.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use futures_util::StreamExt;
    /// let mut tar = docker.images().get("busybox:latest").await?;
    /// while let Some(chunk) = tar.next().await {
    ///     let _bytes = chunk?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, name: &str) -> Result<ByteStream> {
        let r = self
            .docker
            .call(Answer::Stream, async |c| c.image_get(name, None).await)
            .await?;
        Ok(ByteStream::new(r.into_inner(), "the saved image"))
    }

    /// Several images in one tar stream (layers they share stored once),
    /// as `docker save a b` writes it.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for no names (nothing is sent);
    /// [`Error::NotFound`] for a missing image.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let tar = docker.images().get_all(&["busybox:latest", "alpine:3"]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_all(&self, names: &[&str]) -> Result<ByteStream> {
        if names.is_empty() {
            return Err(Error::invalid_input("no image to save"));
        }
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let r = self
            .docker
            .call(Answer::Stream, async |c| {
                c.image_get_all(Some(&names), None).await
            })
            .await?;
        Ok(ByteStream::new(r.into_inner(), "the saved images"))
    }

    /// Saves images to a file as `docker save -o` does, written as the
    /// stream arrives (memory stays constant whatever the image's size):
    /// the number of bytes written. A failed save leaves no partial file.
    ///
    /// # Errors
    /// As [`Images::get_all`]; [`Error::Transport`] when the file cannot be
    /// written.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let bytes = docker.images().save_to_file(&["busybox:latest"], "/tmp/busybox.tar").await?;
    /// # Ok(()) }
    /// ```
    pub async fn save_to_file(&self, names: &[&str], path: impl AsRef<Path>) -> Result<u64> {
        let path = path.as_ref();
        let mut tar = self.get_all(names).await?;
        let file_error =
            |e: std::io::Error| Error::transport(format!("writing {}", path.display()), e);
        let mut file = tokio::fs::File::create(path).await.map_err(file_error)?;
        let mut written = 0u64;
        let outcome: Result<()> = async {
            while let Some(chunk) = tar.next().await {
                let chunk = chunk?;
                file.write_all(&chunk).await.map_err(file_error)?;
                written = written.saturating_add(chunk.len() as u64);
            }
            file.flush().await.map_err(file_error)?;
            file.sync_all().await.map_err(file_error)
        }
        .await;
        if let Err(e) = outcome {
            drop(file);
            let _ = tokio::fs::remove_file(path).await;
            return Err(e);
        }
        Ok(written)
    }

    /// Searches the registry index (Docker Hub) for images.
    ///
    /// # Errors
    /// [`Error::Engine`] with the engine's message when the engine cannot
    /// reach the index (no network, a proxy refusing); a transport error.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::SearchOptions;
    /// let found = docker.images().search("nginx", &SearchOptions::default().limit(5).is_official(true)).await?;
    /// for r in found {
    ///     println!("{:?} {:?}", r.name, r.star_count);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn search(
        &self,
        term: &str,
        opts: &SearchOptions,
    ) -> Result<Vec<models::ImageSearchResponseItem>> {
        let filters = opts.filters.to_query();
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.image_search(filters.as_deref(), opts.limit, term).await
            })
            .await?
            .into_inner()
            .unwrap_or_default())
    }

    /// What the registry says about an image without pulling it: its
    /// manifest descriptor (digest, media type, size) and platforms, with
    /// the credentials `config.json` has for its registry unless
    /// [`DistributionInspectOptions::auth`] gives others.
    ///
    /// # Errors
    /// [`Error::InvalidReference`] (nothing sent); [`Error::Unauthorized`]
    /// or [`Error::NotFound`] from the registry, as the engine reports them.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::DistributionInspectOptions;
    /// let opts = DistributionInspectOptions::default();
    /// let d = docker.images().distribution_inspect("localhost:5000/app:1", &opts).await?;
    /// println!("{:?}", d.descriptor.digest);
    /// # Ok(()) }
    /// ```
    pub async fn distribution_inspect(
        &self,
        name: &str,
        opts: &DistributionInspectOptions,
    ) -> Result<models::DistributionInspect> {
        let r = Reference::parse(name)?;
        let auth = self.docker.auth_for(&r, opts.auth.as_ref()).await?;
        let header = auth.map(|a| a.header_value());
        let name = r.to_string();
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.distribution_inspect(&name, header.as_deref()).await
            })
            .await?
            .into_inner())
    }

    /// Pulls an image (`busybox`, `localhost:5000/app:1`,
    /// `app@sha256:…`; `latest` when no tag is given) as the CLI does, with
    /// the credentials `config.json` has for its registry unless
    /// [`PullOptions::auth`] gives others: the engine's progress stream
    /// (drive it with [`ProgressStream::finish`] for the pulled digest).
    ///
    /// # Errors
    /// [`Error::InvalidReference`] (nothing is sent), [`Error::InvalidInput`]
    /// for a tag with [`PullOptions::all_tags`]; [`Error::CredentialHelper`]
    /// when the configured helper fails; [`Error::NotFound`] or
    /// [`Error::Unauthorized`] when the registry refuses at once; later
    /// failures are [`Error::InStream`] items of the stream.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::PullOptions;
    /// let done = docker.images().pull("localhost:5000/app:1", &PullOptions::default()).await?.finish().await?;
    /// println!("{:?}", done.digest());
    /// # Ok(()) }
    /// ```
    pub async fn pull(&self, reference: &str, opts: &PullOptions) -> Result<ProgressStream> {
        let r = Reference::parse(reference)?;
        if opts.all_tags && (r.tag().is_some() || r.digest().is_some()) {
            return Err(Error::invalid_input(format!(
                "`{reference}`: a tag or digest cannot be pulled with all tags"
            )));
        }
        let header = self.docker.auth_header_for(&r, opts.auth.as_ref()).await?;
        let from_image = r.name();
        let tag = (!opts.all_tags).then(|| r.tag_or_digest().to_string());
        let resp = self
            .docker
            .call(Answer::Stream, async |c| {
                c.image_create(
                    None,
                    Some(&from_image),
                    None,
                    None,
                    opts.platform.as_deref(),
                    None,
                    tag.as_deref(),
                    Some(&header),
                    reqwest::Body::from(""),
                )
                .await
            })
            .await?;
        Ok(ProgressStream::from_raw("ImageCreate", resp.into_inner()))
    }

    /// Pushes an image to its registry (`localhost:5000/app:1`; `latest`
    /// when no tag is given, every tag with [`PushOptions::all_tags`]),
    /// with the credentials `config.json` has for it unless
    /// [`PushOptions::auth`] gives others: the engine's progress stream,
    /// whose [`ProgressStream::finish`] has the pushed digest.
    ///
    /// # Errors
    /// [`Error::InvalidReference`]; [`Error::InvalidInput`] for a digest
    /// (nothing is sent); [`Error::NotFound`] for a missing local image; a
    /// registry refusing the credentials is an [`Error::InStream`] item.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::PushOptions;
    /// use docker_engine::RegistryAuth;
    /// let opts = PushOptions::default().auth(RegistryAuth::new("ci", "token"));
    /// let done = docker.images().push("registry.example.com/team/app:2", &opts).await?.finish().await?;
    /// println!("{:?}", done.digest());
    /// # Ok(()) }
    /// ```
    pub async fn push(&self, reference: &str, opts: &PushOptions) -> Result<ProgressStream> {
        let r = Reference::parse(reference)?;
        if r.digest().is_some() {
            return Err(Error::invalid_input(format!(
                "`{reference}`: cannot push a digest reference"
            )));
        }
        if opts.all_tags && r.tag().is_some() {
            return Err(Error::invalid_input(format!(
                "`{reference}`: a tag cannot be pushed with all tags"
            )));
        }
        let header = self.docker.auth_header_for(&r, opts.auth.as_ref()).await?;
        let name = r.name();
        let tag = (!opts.all_tags).then(|| r.tag_or_digest().to_string());
        let resp = self
            .docker
            .call(Answer::Stream, async |c| {
                c.image_push(&name, None, tag.as_deref(), &header).await
            })
            .await?;
        Ok(ProgressStream::from_raw("ImagePush", resp.into_inner()))
    }

    /// Loads images from a tar stream as `docker save` writes it: the
    /// engine's messages (`Loaded image: …` as stream text; layer progress
    /// too unless [`LoadOptions::quiet`]).
    ///
    /// # Errors
    /// A transport error while sending; a tar the engine cannot read is an
    /// [`Error::InStream`] item (or [`Error::Engine`] at once).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::LoadOptions;
    /// use docker_engine::streams::Body;
    /// let tar = std::fs::read("/tmp/busybox.tar").unwrap();
    /// let done = docker.images().load(Body::from(tar), &LoadOptions::default().quiet(true)).await?.finish().await?;
    /// print!("{}", done.output.concat());
    /// # Ok(()) }
    /// ```
    pub async fn load(&self, tar: Body, opts: &LoadOptions) -> Result<ProgressStream> {
        let resp = self
            .docker
            .call(Answer::Stream, async |c| {
                c.image_load(None, flag(opts.quiet), tar.0).await
            })
            .await?;
        Ok(ProgressStream::from_raw("ImageLoad", resp.into_inner()))
    }

    /// [`Images::load`] from a file, read while it is sent (memory stays
    /// constant whatever its size).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the file cannot be opened; as
    /// [`Images::load`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::LoadOptions;
    /// docker.images().load_file("/tmp/busybox.tar", &LoadOptions::default()).await?.finish().await?;
    /// # Ok(()) }
    /// ```
    pub async fn load_file(
        &self,
        path: impl AsRef<Path>,
        opts: &LoadOptions,
    ) -> Result<ProgressStream> {
        let file = open(path.as_ref()).await?;
        self.load(Body::from_file(file), opts).await
    }

    /// Makes an image from a tar of a filesystem (`docker import`): the
    /// engine's progress stream, whose last status is the new image's id.
    ///
    /// # Errors
    /// [`Error::InvalidReference`] for a bad [`ImportOptions::repo`]
    /// (nothing is sent); a tar the engine cannot read is an
    /// [`Error::InStream`] item or [`Error::Engine`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::ImportOptions;
    /// use docker_engine::streams::Body;
    /// let tar = std::fs::read("/tmp/rootfs.tar").unwrap();
    /// let opts = ImportOptions::default().repo("me/rootfs:1").change(r#"CMD ["/bin/sh"]"#);
    /// docker.images().import(Body::from(tar), &opts).await?.finish().await?;
    /// # Ok(()) }
    /// ```
    pub async fn import(&self, tar: Body, opts: &ImportOptions) -> Result<ProgressStream> {
        self.import_from("-", tar, opts).await
    }

    /// [`Images::import`] from a file, read while it is sent.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the file cannot be opened; as
    /// [`Images::import`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::ImportOptions;
    /// docker.images().import_file("/tmp/rootfs.tar", &ImportOptions::default().repo("me/rootfs")).await?.finish().await?;
    /// # Ok(()) }
    /// ```
    pub async fn import_file(
        &self,
        path: impl AsRef<Path>,
        opts: &ImportOptions,
    ) -> Result<ProgressStream> {
        let file = open(path.as_ref()).await?;
        self.import_from("-", Body::from_file(file), opts).await
    }

    /// [`Images::import`] of a tar the engine downloads from `url`.
    ///
    /// # Errors
    /// As [`Images::import`]; a URL the engine cannot fetch is an
    /// [`Error::InStream`] item or an engine error.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::images::ImportOptions;
    /// docker.images().import_url("http://files.example.com/rootfs.tar", &ImportOptions::default()).await?.finish().await?;
    /// # Ok(()) }
    /// ```
    pub async fn import_url(&self, url: &str, opts: &ImportOptions) -> Result<ProgressStream> {
        if url.is_empty() || url == "-" {
            return Err(Error::invalid_input("import_url needs a URL"));
        }
        self.import_from(url, Body::from_bytes(Vec::new()), opts)
            .await
    }

    async fn import_from(
        &self,
        src: &str,
        tar: Body,
        opts: &ImportOptions,
    ) -> Result<ProgressStream> {
        if let Some(repo) = &opts.repo {
            Reference::parse(repo)?;
        }
        let changes = (!opts.changes.is_empty()).then_some(&opts.changes);
        let resp = self
            .docker
            .call(Answer::Stream, async |c| {
                c.image_create(
                    changes,
                    None,
                    Some(src),
                    opts.message.as_deref(),
                    opts.platform.as_deref(),
                    opts.repo.as_deref(),
                    opts.tag.as_deref(),
                    None,
                    tar.0,
                )
                .await
            })
            .await?;
        Ok(ProgressStream::from_raw("ImageCreate", resp.into_inner()))
    }
}

async fn open(path: &Path) -> Result<tokio::fs::File> {
    tokio::fs::File::open(path)
        .await
        .map_err(|e| Error::invalid_input(format!("cannot open {}: {e}", path.display())))
}
