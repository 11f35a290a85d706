//! An async Docker Engine API client.
//!
//! [`Docker`] connects the way the Docker CLI does (`DOCKER_HOST`, TLS
//! variables, contexts), agrees on an API version with the engine on first
//! use, refuses before sending what that version lacks, and reports every
//! failure as one [`Error`] type. Under it, [`raw`] has every endpoint of
//! the Engine API as a generated method.
//!
//! ```no_run
//! use docker_engine::{containers::{ContainerCreate, LogsOptions, RemoveOptions, WaitCondition}, Docker};
//!
//! # async fn demo() -> docker_engine::Result<()> {
//! let docker = Docker::from_env()?;
//! let created = docker.create_container(&ContainerCreate::new("busybox").cmd(["echo", "hi"])).await?;
//! docker.start_container(&created.id).await?;
//! let exit = docker.wait_container(&created.id, WaitCondition::NotRunning).await?;
//! let logs = docker.container_logs(&created.id, &LogsOptions::default()).await?;
//! let (stdout, _stderr) = docker_engine::streams::collect(logs).await?;
//! println!("exit {}: {}", exit.status_code, String::from_utf8_lossy(&stdout));
//! docker.remove_container(&created.id, &RemoveOptions::default()).await?;
//! # Ok(()) }
//! ```
//!
//! Requests are traced with `tracing` spans named `docker.request` (method,
//! path, status, duration); nothing is recorded unless a subscriber is
//! installed, and no header or body (where credentials travel) ever is.
#![warn(missing_docs)]

pub mod archive;
pub mod attach;
mod client;
pub mod config;
pub mod containers;
mod error;
pub mod exec;
mod filters;
mod gate;
pub mod helpers;
mod negotiate;
pub mod run;
pub mod streams;
mod system;
pub mod transport;

pub use client::{Docker, DockerBuilder, VersionSetting};
pub use error::{BoxError, Error, Result};
pub use filters::Filters;
pub use system::Ping;
pub use transport::{Host, Pem, TlsSettings};

/// The generated endpoint layer, re-exported.
pub use docker_engine_raw as raw;
/// Request and answer types of the Engine API.
pub use docker_engine_raw::types;
/// API versions and the version table.
pub use docker_engine_raw::versions;
