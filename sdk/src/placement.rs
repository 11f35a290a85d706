//! What the call path adds to a request from the client's configuration,
//! for any operation that has a place for it (see `CallHook` in
//! `client.rs`, which runs this for every request).
//!
//! - `detachKeys` from the CLI configuration's `detachKeys`, on every
//!   operation that hands back a duplex connection and has that query
//!   parameter (attach, attach over WebSocket; `ContainerStart` has the
//!   parameter too, but the CLI never sends it there), unless the caller
//!   set one: an explicit value always wins.

use docker_engine_raw::ops::{Answer, Location, Operation};

/// Adds what the configuration says to `request` for `op`.
pub(crate) fn place(request: &mut reqwest::Request, op: &Operation, detach_keys: Option<&str>) {
    if let Some(keys) = detach_keys {
        let takes = op.answer == Answer::Upgrade
            && op
                .param("detachKeys")
                .is_some_and(|p| p.location == Location::Query);
        let set = request.url().query_pairs().any(|(k, _)| k == "detachKeys");
        if takes && !set {
            request
                .url_mut()
                .query_pairs_mut()
                .append_pair("detachKeys", keys);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use docker_engine_raw::ops;

    fn request(url: &str) -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap())
    }

    #[test]
    fn detach_keys_from_the_configuration_only_where_the_operation_takes_them() {
        let attach = ops::operation("ContainerAttach").unwrap();
        let mut r = request("http://d/v1.41/containers/x/attach?stream=true");
        place(&mut r, attach, Some("ctrl-x,x"));
        assert_eq!(r.url().query(), Some("stream=true&detachKeys=ctrl-x%2Cx"));

        // The caller's own value wins.
        let mut r = request("http://d/v1.41/containers/x/attach?detachKeys=ctrl-q");
        place(&mut r, attach, Some("ctrl-x,x"));
        assert_eq!(r.url().query(), Some("detachKeys=ctrl-q"));

        // An operation that does not attach is left alone.
        let start = ops::operation("ContainerStart").unwrap();
        let mut r = request("http://d/v1.41/containers/x/start");
        place(&mut r, start, Some("ctrl-x,x"));
        assert_eq!(r.url().query(), None);
    }
}
