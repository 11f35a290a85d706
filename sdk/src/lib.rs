//! An async Docker Engine API client.
//!
//! [`Docker`] connects the way the Docker CLI does (`DOCKER_HOST`, TLS
//! variables, contexts), agrees on an API version with the engine on first
//! use, refuses before sending what that version lacks, and reports every
//! failure as one [`Error`] type. Under it, [`raw`] has every endpoint of
//! the Engine API as a generated method.
//!
//! ```no_run
//! use docker_engine::{containers::{ContainerCreate, LogsOptions, RemoveOptions, WaitOptions}, Docker};
//!
//! # async fn demo() -> docker_engine::Result<()> {
//! let docker = Docker::from_env()?;
//! let containers = docker.containers();
//! let created = containers.create(&ContainerCreate::new("busybox").cmd(["echo", "hi"])).await?;
//! containers.start(&created.id).await?;
//! let exit = containers.wait(&created.id, &WaitOptions::default()).await?;
//! let logs = containers.logs(&created.id, &LogsOptions::default()).await?;
//! let (stdout, _stderr) = docker_engine::streams::collect(logs).await?;
//! println!("exit {}: {}", exit.status_code, String::from_utf8_lossy(&stdout));
//! containers.remove(&created.id, &RemoveOptions::default()).await?;
//! # Ok(()) }
//! ```
//!
//! Requests are traced with `tracing` spans named `docker.request` (method,
//! path, status, duration); nothing is recorded unless a subscriber is
//! installed, and no header or body (where credentials travel) ever is.
#![warn(missing_docs)]
// No unsafe code anywhere in the SDK (which is also why the long fuzzing
// runs can go without AddressSanitizer: fuzz/README.md).
#![forbid(unsafe_code)]
// No panic on engine data or user input: outside tests, the library neither
// unwraps, expects, panics, indexes without a check nor overflows silently;
// what can go wrong is an `Error`. Checked in CI with
// `cargo clippy -p docker-engine --lib -- -D warnings`.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]

pub mod attach;
pub mod auth;
#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
pub mod config;
pub mod configs;
pub mod containers;
pub mod credentials;
mod error;
pub mod exec;
mod filters;
#[cfg(any(fuzzing, test))]
#[doc(hidden)]
pub mod fuzzing;
pub mod images;
mod negotiate;
pub mod networks;
pub mod nodes;
mod options;
mod placement;
pub mod plugins;
pub mod progress;
pub mod reference;
pub mod secrets;
pub mod services;
pub mod streams;
pub mod swarm;
pub mod system;
pub mod tasks;
pub mod transport;
pub mod types;
pub mod volumes;

pub use auth::RegistryAuth;
pub use client::{Docker, DockerBuilder, VersionSetting};
pub use error::{BoxError, Error, Result, TimeoutPhase};
pub use filters::Filters;
pub use negotiate::ErrorBody as RawErrorBody;
pub use transport::{Host, Pem, TlsSettings};

/// The generated endpoint layer, re-exported.
pub use docker_engine_raw as raw;
/// The Engine's request and answer models, as generated from its API
/// description (docker-py's helpers that build them are [`types`]).
pub use docker_engine_raw::types as models;
/// API versions and the version table.
pub use docker_engine_raw::versions;

/// The README's examples, compiled as doc tests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
