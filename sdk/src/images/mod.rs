//! Images: every image endpoint through the handle [`Docker::images`]:
//! list, inspect, history, tag, remove, prune, commit, search, save and
//! load, import, pull and push (with the credentials the Docker CLI would
//! use), distribution inspect.
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
use crate::reference::Reference;
use crate::streams::ByteStream;

mod options;

pub use options::{
    CommitOptions, ImportOptions, ListOptions, LoadOptions, PruneOptions, RemoveOptions,
    SearchOptions,
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
    /// The images area: list, pull, push, tag, save, load, ...
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
                written += chunk.len() as u64;
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
    /// manifest descriptor (digest, media type, size) and platforms.
    ///
    /// # Errors
    /// [`Error::InvalidReference`] (nothing sent); [`Error::Unauthorized`]
    /// or [`Error::NotFound`] from the registry, as the engine reports them.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let d = docker.images().distribution_inspect("localhost:5000/app:1").await?;
    /// println!("{:?}", d.descriptor.digest);
    /// # Ok(()) }
    /// ```
    pub async fn distribution_inspect(&self, name: &str) -> Result<models::DistributionInspect> {
        let r = Reference::parse(name)?;
        let name = r.to_string();
        Ok(self
            .docker
            .call(Answer::Prompt, async |c| {
                c.distribution_inspect(&name).await
            })
            .await?
            .into_inner())
    }
}
