//! Where version- and configuration-dependent values go, in one place.
//!
//! On every request (`place`, run by `CallHook` in `client.rs`):
//! - no upgrade asked for by a detached exec start (it answers a plain 200),
//!   as the CLI sends it;
//! - `detachKeys` from the CLI configuration's `detachKeys`, on every
//!   operation that hands back a duplex connection and has that query
//!   parameter (attach, attach over WebSocket; `ContainerStart` has the
//!   parameter too, but the CLI never sends it there), unless the caller
//!   set one: an explicit value always wins.

//!
//! In the bodies that carry them (called by the builders that own those
//! bodies, `ContainerCreate` and `ExecCreate`, before the request is built):
//! - the MAC address: on the container's configuration before API 1.44,
//!   on the endpoint of its network from 1.44 (where the engine reads it);
//! - the CLI configuration's proxy variables, added to `Env` unless the
//!   variable is already set there (an explicit value wins);
//! - an endpoint's MAC address on create (`ContainerCreate::network`): on
//!   the container's configuration before API 1.44, on the endpoint from
//!   1.44; on connect (`networks().connect`) only from API 1.54, the first
//!   version whose engines apply it there (1.44 to 1.53 ignore it), and
//!   refused below;
//! - a network's `CheckDuplicate` (`NetworkCreate::check_duplicate`): read
//!   by engines before API 1.44; from 1.44 they always refuse a duplicate
//!   name, so `true` is not sent and `false` is refused.

use std::collections::HashMap;

use docker_engine_raw::ops::{Answer, Location, Operation};

use crate::models;
use crate::versions::ApiVersion;

/// The first API version that reads the MAC address from the endpoint.
const MAC_ON_ENDPOINT: ApiVersion = ApiVersion::new(1, 44);

/// Puts `mac` where an engine speaking `version` reads it.
pub(crate) fn mac_address(body: &mut models::ContainerCreateBody, version: ApiVersion, mac: &str) {
    if version < MAC_ON_ENDPOINT {
        body.extra.insert("MacAddress".into(), mac.into());
        return;
    }
    let network = body
        .host_config
        .as_ref()
        .and_then(|h| h.network_mode.clone())
        .filter(|m| !m.is_empty() && m != "default")
        .unwrap_or_else(|| "bridge".into());
    let endpoints = body
        .networking_config
        .get_or_insert_with(Default::default)
        .endpoints_config
        .get_or_insert_with(HashMap::new);
    endpoints.entry(network).or_default().mac_address = Some(mac.to_string());
}

/// The first API version whose engines apply an endpoint's MAC address on
/// connect.
const MAC_ON_CONNECT: ApiVersion = ApiVersion::new(1, 54);

/// From this version engines always refuse a duplicate network name and no
/// longer read `CheckDuplicate`.
const ALWAYS_CHECK_DUPLICATE: ApiVersion = ApiVersion::new(1, 44);

/// Moves the endpoints' MAC addresses of a create body where an engine
/// speaking `version` reads them: the container's configuration before
/// 1.44 (where only one can be given).
pub(crate) fn endpoint_macs(
    body: &mut models::ContainerCreateBody,
    version: ApiVersion,
) -> crate::Result<()> {
    if version >= MAC_ON_ENDPOINT {
        return Ok(());
    }
    let Some(endpoints) = body
        .networking_config
        .as_mut()
        .and_then(|n| n.endpoints_config.as_mut())
    else {
        return Ok(());
    };
    let mut macs: Vec<String> = endpoints
        .values_mut()
        .filter_map(|e| e.mac_address.take())
        .collect();
    match macs.len() {
        0 => Ok(()),
        1 => {
            body.extra
                .insert("MacAddress".into(), macs.remove(0).into());
            Ok(())
        }
        _ => Err(crate::Error::invalid_input(format!(
            "before API 1.44 a container has one MAC address, not one per network (the engine speaks {version})"
        ))),
    }
}

/// Refuses an endpoint MAC address on connect where the engine would
/// ignore it.
pub(crate) fn connect_mac(
    settings: &models::EndpointSettings,
    version: ApiVersion,
) -> crate::Result<()> {
    if settings.mac_address.is_some() && version < MAC_ON_CONNECT {
        return Err(crate::Error::UnsupportedByVersion {
            what:
                "EndpointConfig.MacAddress of NetworkConnect (engines apply it from this version)"
                    .into(),
            since: MAC_ON_CONNECT,
            until: None,
            negotiated: version,
        });
    }
    Ok(())
}

/// Puts `CheckDuplicate` where the engine reads it.
pub(crate) fn check_duplicate(
    body: &mut models::NetworkCreateBody,
    version: ApiVersion,
    check: Option<bool>,
) -> crate::Result<()> {
    match check {
        None => Ok(()),
        Some(c) if version < ALWAYS_CHECK_DUPLICATE => {
            body.extra.insert("CheckDuplicate".into(), c.into());
            Ok(())
        }
        // The engine refuses duplicates whatever is sent.
        Some(true) => Ok(()),
        Some(false) => Err(crate::Error::UnsupportedByVersion {
            what:
                "CheckDuplicate=false of NetworkCreate (engines refuse duplicate names from 1.44)"
                    .into(),
            since: ApiVersion::new(1, 25),
            until: Some(ALWAYS_CHECK_DUPLICATE),
            negotiated: version,
        }),
    }
}

/// Adds the proxy variables `pairs` to `env`, except those already set.
pub(crate) fn proxy_env(env: &mut Option<Vec<String>>, pairs: &[(String, String)]) {
    crate::config::add_missing_env(env, pairs);
}

/// Adds what the configuration says to `request` for `op`.
pub(crate) fn place(request: &mut reqwest::Request, op: &Operation, detach_keys: Option<&str>) {
    if op.answer == Answer::Upgrade && detached(request) {
        // A detached start answers a plain 200 and switches nothing: ask
        // for no upgrade, as the CLI does (`docker exec -d`).
        request.headers_mut().remove(http::header::UPGRADE);
        request.headers_mut().remove(http::header::CONNECTION);
    }
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

/// Query parameters the Engine renamed: `(operation, name now, name
/// before, the version that reads the new name)`. Below that version the
/// parameter is sent under its old name, which those engines read.
const RENAMED_QUERY: &[(&str, &str, &str, ApiVersion)] = &[(
    "BuildPrune",
    "reserved-space",
    "keep-storage",
    ApiVersion::new(1, 48),
)];

/// Renames the query parameters of [`RENAMED_QUERY`] for an engine at
/// `version`.
pub(crate) fn renamed_query(request: &mut reqwest::Request, op: &Operation, version: ApiVersion) {
    for &(id, new, old, since) in RENAMED_QUERY {
        if op.id != id || version >= since {
            continue;
        }
        if !request.url().query_pairs().any(|(k, _)| k == new) {
            continue;
        }
        let pairs: Vec<(String, String)> = request
            .url()
            .query_pairs()
            .map(|(k, v)| {
                let k = if k == new {
                    old.to_string()
                } else {
                    k.into_owned()
                };
                (k, v.into_owned())
            })
            .collect();
        request
            .url_mut()
            .query_pairs_mut()
            .clear()
            .extend_pairs(pairs);
    }
}

/// Adds `HttpHeaders` from the CLI configuration (as docker-py and the CLI
/// send them on every request), except a header the request already has:
/// what the SDK or the caller set wins.
pub(crate) fn http_headers(
    request: &mut reqwest::Request,
    headers: &[(http::HeaderName, http::HeaderValue)],
) {
    for (name, value) in headers {
        if !request.headers().contains_key(name) {
            request.headers_mut().insert(name.clone(), value.clone());
        }
    }
}

/// Whether the request's JSON body says `"Detach": true`.
fn detached(request: &reqwest::Request) -> bool {
    request
        .body()
        .and_then(|b| b.as_bytes())
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
        .is_some_and(|v| v.get("Detach") == Some(&serde_json::Value::Bool(true)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use docker_engine_raw::ops;

    /// Each rename still applies: the version table has the old name up to
    /// (at least) the new one's first version, and the new name from it.
    #[test]
    fn renamed_query_parameters_go_by_their_old_name_below_the_new_one() {
        for &(id, new, old, since) in RENAMED_QUERY {
            let op = ops::OPERATIONS.iter().find(|o| o.id == id).unwrap();
            let older = ApiVersion::new(since.major(), since.minor() - 1);
            let mut r = request(&format!("http://e/v{older}/build/prune?{new}=5&all=true"));
            renamed_query(&mut r, op, older);
            assert_eq!(r.url().query(), Some(format!("{old}=5&all=true").as_str()));
            assert!(
                docker_engine_raw::versions::check_request(op, &r, older).is_ok(),
                "{old} is read at {older}"
            );
            let mut r = request(&format!("http://e/v{older}/build/prune?{new}=5"));
            assert!(
                docker_engine_raw::versions::check_request(op, &r, older).is_err(),
                "{new} is not read at {older}: the rename is needed"
            );
            renamed_query(&mut r, op, since);
            assert_eq!(r.url().query(), Some(format!("{new}=5").as_str()));
            assert!(docker_engine_raw::versions::check_request(op, &r, since).is_ok());
        }
    }

    #[test]
    fn the_mac_address_goes_where_each_version_reads_it() {
        let v = |m| ApiVersion::new(1, m);
        let mut old = models::ContainerCreateBody::default();
        mac_address(&mut old, v(43), "02:42:ac:11:00:02");
        let json = serde_json::to_value(&old).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "MacAddress": "02:42:ac:11:00:02" })
        );

        let mut new = models::ContainerCreateBody::default();
        mac_address(&mut new, v(44), "02:42:ac:11:00:02");
        let json = serde_json::to_value(&new).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "NetworkingConfig": { "EndpointsConfig": { "bridge": { "MacAddress": "02:42:ac:11:00:02" } } } })
        );

        // On the network the container is put on.
        let mut named = models::ContainerCreateBody {
            host_config: Some(models::HostConfig {
                network_mode: Some("backend".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        mac_address(&mut named, v(44), "02:42:ac:11:00:03");
        let endpoints = named.networking_config.unwrap().endpoints_config.unwrap();
        assert_eq!(
            endpoints["backend"].mac_address.as_deref(),
            Some("02:42:ac:11:00:03")
        );
    }

    #[test]
    fn proxies_never_override_what_is_set() {
        let mut env = Some(vec!["HTTP_PROXY=mine".to_string()]);
        let pairs = [
            ("HTTP_PROXY".to_string(), "cli".to_string()),
            ("NO_PROXY".to_string(), "localhost".to_string()),
        ];
        proxy_env(&mut env, &pairs);
        assert_eq!(env.unwrap(), ["HTTP_PROXY=mine", "NO_PROXY=localhost"]);
    }

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
