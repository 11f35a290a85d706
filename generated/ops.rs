//! What callers need to know about each operation, in one generated table.
//!
//! `build.rs` writes [`OPERATIONS`] from the description and the generated
//! methods: the id (the description's `operationId`, the one name the
//! version table, errors and traces use), the method and path template, the
//! parameters with where they go, the kind of request body and the kind of
//! answer. The SDK's gating, request spans and error messages read it; no
//! caller types an operation's method or path again.
//!
//! ```
//! use docker_engine_raw::ops::{self, Answer, Location};
//!
//! let list = ops::operation("ContainerList").unwrap();
//! assert_eq!((list.method, list.path), ("GET", "/containers/json"));
//! assert_eq!(list.answer, Answer::Json);
//! assert!(list.params.iter().any(|p| p.name == "all" && p.location == Location::Query));
//! assert_eq!(ops::operation("ExecStart").unwrap().answer, Answer::Upgrade);
//! ```

/// One operation of the Engine API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The description's operation id, e.g. `ContainerList`.
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template under the version prefix, e.g. `/containers/{id}/json`.
    pub path: &'static str,
    /// Its parameters (path, query and header), in the description's order.
    pub params: &'static [Param],
    /// What the request carries.
    pub body: Body,
    /// What the answer is.
    pub answer: Answer,
}

impl Operation {
    /// The parameter called `name`, if the operation has one.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// One parameter of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    /// Its name on the wire (`all`, `X-Registry-Auth`, `id`).
    pub name: &'static str,
    /// Where it goes.
    pub location: Location,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

/// What a request carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// Nothing.
    None,
    /// A JSON document.
    Json,
    /// Bytes (a tar archive, a plugin's rootfs, ...).
    Bytes,
}

/// What an operation answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A JSON document, read whole.
    Json,
    /// Nothing but the status.
    Empty,
    /// A byte stream (logs, archives, progress, events).
    Bytes,
    /// A protocol switch: the connection itself.
    Upgrade,
}

include!(concat!(env!("OUT_DIR"), "/operations.rs"));

/// The operation with the description's id `id`.
pub fn operation(id: &str) -> Option<&'static Operation> {
    OPERATIONS
        .binary_search_by(|op| op.id.cmp(id))
        .ok()
        .map(|i| &OPERATIONS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_found_by_its_id_and_the_table_is_sorted() {
        assert!(OPERATIONS.len() > 100);
        assert!(OPERATIONS.windows(2).all(|w| w[0].id < w[1].id));
        for op in OPERATIONS {
            assert_eq!(operation(op.id), Some(op));
        }
        assert_eq!(operation("NoSuchOperation"), None);
    }

    #[test]
    fn kinds_come_from_the_description_and_the_methods() {
        let logs = operation("ContainerLogs").unwrap();
        assert_eq!(logs.answer, Answer::Bytes);
        assert_eq!(logs.param("id").unwrap().location, Location::Path);
        assert_eq!(operation("ContainerCreate").unwrap().body, Body::Json);
        assert_eq!(operation("PutContainerArchive").unwrap().body, Body::Bytes);
        assert_eq!(operation("ContainerStart").unwrap().answer, Answer::Empty);
        let auth = operation("ImageCreate").unwrap().param("X-Registry-Auth");
        assert_eq!(auth.unwrap().location, Location::Header);
    }
}
