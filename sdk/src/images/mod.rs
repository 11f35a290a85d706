//! Images: building (this branch: [`Images::build`], [`Images::prune_builds`],
//! the build context and `.dockerignore`), through the handle
//! [`Docker::images`].

use crate::client::Docker;

mod build;
mod context;
mod ignore;

pub use build::{BuildOptions, Built, PruneBuildsOptions, Ulimit};
pub use context::BuildContext;
#[doc(hidden)]
pub use ignore::fuzz_dockerignore;
pub use ignore::{DockerIgnore, PatternError};

/// The images of one engine: `docker.images()`.
#[derive(Clone, Copy, Debug)]
pub struct Images<'a> {
    docker: &'a Docker,
}

impl Docker {
    /// The images area: build, prune the build cache, ...
    pub fn images(&self) -> Images<'_> {
        Images { docker: self }
    }
}
