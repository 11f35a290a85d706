//! Raw Docker Engine API endpoints: one async method per Engine operation,
//! generated at build time from `spec/` by `build.rs` with progenitor.
//!
//! The files of `generated/` are the handwritten glue around what is
//! generated (which lives in `OUT_DIR`, never in the repository): this
//! crate root, the open enums' support ([`enums`]), the operation table's
//! types ([`ops`]), the version table's API ([`versions`]), the JSON answer
//! reader ([`body`]) and how requests are sent ([`exec`]).
//!
//! This crate is the layer under the `docker-engine` SDK. Use it directly
//! when you need an endpoint exactly as the Engine describes it; the SDK
//! adds connection handling, version negotiation and gating, typed errors,
//! stream decoding and conveniences on top.
//!
//! - [`Client`]: the generated client, one method per operation (positional
//!   arguments in the order: path parameters, then query and header
//!   parameters alphabetically, then the body).
//! - [`types`]: the request and response types of the description.
//! - [`enums`]: its string enums, open to values newer than the description.
//! - [`versions`]: when each operation, parameter and field exists, and
//!   [`versions::check_request`] to judge a request before it is sent.
//! - [`ops`]: every operation's id, method, path, parameters and kinds of
//!   body and answer.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let http = reqwest::Client::builder().unix_socket("/var/run/docker.sock").build()?;
//! let client = docker_engine_raw::Client::new_with_client(
//!     "http://localhost/v1.41",
//!     http,
//!     docker_engine_raw::exec::Executor::default(),
//! );
//! let version = client.system_version().await?;
//! println!("{:?}", version.api_version);
//! # Ok(()) }
//! ```
//!
//! Invariant: nothing under `OUT_DIR` is written by hand. Fixes to what is
//! generated go into the spec rules (`xtask/src/rules.rs`) or the generator
//! setup (`build.rs`).

/// The client and its types, exactly as progenitor generates them.
#[allow(
    clippy::all,
    clippy::pedantic,
    rustdoc::all,
    unused_imports,
    irrefutable_let_patterns,
    unused_mut
)]
#[warn(missing_docs)]
mod progenitor {
    include!(concat!(env!("OUT_DIR"), "/progenitor.rs"));
}
pub use progenitor::*;

pub mod body;
pub mod enums;
pub mod exec;
pub mod ops;
pub mod versions;
