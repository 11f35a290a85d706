//! Raw Docker Engine API endpoints, generated at build time from `spec/`.
#![allow(missing_docs, clippy::all)]

/// The client and its types, as progenitor generates them.
mod progenitor {
    include!(concat!(env!("OUT_DIR"), "/progenitor.rs"));
}
pub use progenitor::*;

pub mod enums;
