//! When each operation, parameter and field of the Engine API exists.
//!
//! The data comes from `spec/versions.json`, which `cargo xtask regen` derives
//! from every upstream description (v1.25 up to the version this crate was
//! generated for). Items present in the oldest description carry that
//! version as `since`, meaning "that version or earlier".
//!
//! Field paths use `.` between fields, `[]` for an array's items and `{}` for
//! a map's values, e.g. `HostConfig.Mounts[].VolumeOptions.Subpath`.
//!
//! ```
//! use docker_engine_raw::versions::{self, ApiVersion};
//!
//! let v1_41 = ApiVersion::new(1, 41);
//! let signal = versions::parameter("ContainerStop", "signal").unwrap();
//! assert_eq!(signal.since(), ApiVersion::new(1, 42));
//! assert!(!signal.available_in(v1_41));
//!
//! let body = serde_json::json!({ "Image": "busybox", "HostConfig": { "Init": true } });
//! assert!(versions::check_body("ContainerCreate", &body, v1_41).is_empty());
//! ```

use std::fmt;
use std::str::FromStr;

include!(concat!(env!("OUT_DIR"), "/version_table.rs"));

/// An Engine API version such as `1.41`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    major: u16,
    minor: u16,
}

impl ApiVersion {
    /// The version `major.minor`.
    pub const fn new(major: u16, minor: u16) -> Self {
        ApiVersion { major, minor }
    }

    /// The major number (1 for every Engine API so far).
    pub const fn major(self) -> u16 {
        self.major
    }

    /// The minor number.
    pub const fn minor(self) -> u16 {
        self.minor
    }

    /// The URL path prefix for this version, e.g. `/v1.41`.
    pub fn path_prefix(self) -> String {
        format!("/v{self}")
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// A string that is not an API version (`1.41` or `v1.41`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseVersionError {
    input: String,
}

impl fmt::Display for ParseVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not an API version (expected MAJOR.MINOR, e.g. 1.41)",
            self.input
        )
    }
}

impl std::error::Error for ParseVersionError {}

impl FromStr for ApiVersion {
    type Err = ParseVersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseVersionError {
            input: s.to_string(),
        };
        let trimmed = s.trim();
        let trimmed = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let (major, minor) = trimmed.split_once('.').ok_or_else(err)?;
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(major) || !digits(minor) {
            return Err(err());
        }
        Ok(ApiVersion::new(
            major.parse().map_err(|_| err())?,
            minor.parse().map_err(|_| err())?,
        ))
    }
}

/// The versions in which an item exists: from `since` up to, not including,
/// `until` (when it was removed).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Availability {
    since: ApiVersion,
    until: Option<ApiVersion>,
    map: bool,
}

impl Availability {
    /// The first version with the item (or [`OLDEST`], meaning "that version
    /// or earlier").
    pub fn since(&self) -> ApiVersion {
        self.since
    }

    /// The first version without the item again, if it was removed.
    pub fn until(&self) -> Option<ApiVersion> {
        self.until
    }

    /// Whether `version` has the item.
    pub fn available_in(&self, version: ApiVersion) -> bool {
        version >= self.since && self.until.is_none_or(|until| version < until)
    }
}

fn find1(table: &'static [(&str, Availability)], key: &str) -> Option<Availability> {
    table
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| table[i].1)
}

fn find2(table: &'static [(&str, &str, Availability)], a: &str, b: &str) -> Option<Availability> {
    table
        .binary_search_by(|(x, y, _)| (*x, *y).cmp(&(a, b)))
        .ok()
        .map(|i| table[i].2)
}

/// When the operation `operation_id` (as upstream names it, e.g.
/// `ContainerList`) exists.
pub fn operation(operation_id: &str) -> Option<Availability> {
    find1(OPERATIONS, operation_id)
}

/// When the query, path or header parameter `name` of an operation exists.
pub fn parameter(operation_id: &str, name: &str) -> Option<Availability> {
    find2(PARAMETERS, operation_id, name)
}

/// When a field of a named schema exists, e.g. `("HostConfig", "Init")`.
/// Fields of other named schemas that this one refers to are listed under
/// their own name.
pub fn field(schema: &str, path: &str) -> Option<Availability> {
    find2(FIELDS, schema, path)
}

/// When a field of an operation's request body exists, with references
/// followed, e.g. `("ContainerCreate", "HostConfig.Mounts[].Type")`.
pub fn body_field(operation_id: &str, path: &str) -> Option<Availability> {
    find2(BODIES, operation_id, path)
}

/// A body field that the given version does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsupportedField {
    /// The field's path in the body.
    pub path: String,
    /// When the field exists.
    pub availability: Availability,
}

/// Every field set (not `null`) in `body` that `version` does not have, for
/// the request body of `operation_id`. Fields the table does not know are
/// not reported: only what is known to be missing in `version` is.
pub fn check_body(
    operation_id: &str,
    body: &serde_json::Value,
    version: ApiVersion,
) -> Vec<UnsupportedField> {
    let mut found = Vec::new();
    walk_body(operation_id, "", body, version, &mut found);
    found
}

fn walk_body(
    op: &str,
    path: &str,
    value: &serde_json::Value,
    version: ApiVersion,
    found: &mut Vec<UnsupportedField>,
) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let is_map = !path.is_empty() && body_field(op, path).is_some_and(|a| a.map);
            for (key, v) in map {
                if v.is_null() {
                    continue;
                }
                if is_map {
                    walk_body(op, &format!("{path}{{}}"), v, version, found);
                    continue;
                }
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if let Some(availability) = body_field(op, &child) {
                    if !availability.available_in(version) {
                        found.push(UnsupportedField {
                            path: child.clone(),
                            availability,
                        });
                    }
                }
                walk_body(op, &child, v, version, found);
            }
        }
        Value::Array(items) if !path.is_empty() => {
            let child = format!("{path}[]");
            for item in items {
                walk_body(op, &child, item, version, found);
            }
        }
        _ => {}
    }
}

/// The first thing a request uses that a version lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// What, in words: `operation ContainerList`, ``parameter `signal` of
    /// ContainerStop``, ``field `HostConfig.Init` of the ContainerCreate
    /// body``.
    pub what: String,
    /// When it exists.
    pub availability: Availability,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.availability;
        match a.until() {
            Some(until) => write!(
                f,
                "{} needs API {} up to (not including) {until}",
                self.what,
                a.since()
            ),
            None => write!(f, "{} needs API {} or newer", self.what, a.since()),
        }
    }
}

/// Checks a request about to be sent for `op` against `version`, from what
/// it actually carries: the operation itself, every query parameter in its
/// URL, every declared header it has, and every field set in its JSON
/// body. Parameters and fields the table does not know are let through.
pub fn check_request(
    op: &crate::ops::Operation,
    request: &reqwest::Request,
    version: ApiVersion,
) -> Result<(), Refusal> {
    if let Some(a) = operation(op.id) {
        if !a.available_in(version) {
            return Err(Refusal {
                what: format!("operation {}", op.id),
                availability: a,
            });
        }
    }
    let refuse_param = |name: &str| -> Result<(), Refusal> {
        match parameter(op.id, name) {
            Some(a) if !a.available_in(version) => Err(Refusal {
                what: format!("parameter `{name}` of {}", op.id),
                availability: a,
            }),
            _ => Ok(()),
        }
    };
    for (name, _) in request.url().query_pairs() {
        refuse_param(&name)?;
    }
    for p in op.params {
        if p.location == crate::ops::Location::Header && request.headers().contains_key(p.name) {
            refuse_param(p.name)?;
        }
    }
    if op.body == crate::ops::Body::Json && body_has_fields_missing_in(op.id, version) {
        let Some(bytes) = request.body().and_then(|b| b.as_bytes()) else {
            return Ok(());
        };
        // The body was written by the generated method from a typed value,
        // so it is JSON; reading it back costs far less than the request.
        if let Ok(body) = serde_json::from_slice::<serde_json::Value>(bytes) {
            if let Some(field) = check_body(op.id, &body, version).into_iter().next() {
                return Err(Refusal {
                    what: format!("field `{}` of the {} body", field.path, op.id),
                    availability: field.availability,
                });
            }
        }
    }
    Ok(())
}

/// Whether the body of `operation_id` has any field `version` lacks (when
/// it has none, there is nothing to look for in a body).
fn body_has_fields_missing_in(operation_id: &str, version: ApiVersion) -> bool {
    let start = BODIES.partition_point(|(op, _, _)| *op < operation_id);
    BODIES[start..]
        .iter()
        .take_while(|(op, _, _)| *op == operation_id)
        .any(|(_, _, a)| !a.available_in(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(OPERATIONS.windows(2).all(|w| w[0].0 < w[1].0));
        for table in [PARAMETERS, FIELDS, BODIES] {
            assert!(table
                .windows(2)
                .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
        }
    }

    #[test]
    fn parses_versions() {
        assert_eq!(
            "1.41".parse::<ApiVersion>().unwrap(),
            ApiVersion::new(1, 41)
        );
        assert_eq!("v1.9".parse::<ApiVersion>().unwrap(), ApiVersion::new(1, 9));
        for bad in ["", "1", "1.", ".4", "1.4.1", "a.b", "1.-2", "99999.1"] {
            assert!(bad.parse::<ApiVersion>().is_err(), "{bad}");
        }
        assert!(ApiVersion::new(1, 9) < ApiVersion::new(1, 41));
        assert_eq!(ApiVersion::new(1, 41).path_prefix(), "/v1.41");
    }

    #[test]
    fn knows_when_things_appeared_and_went() {
        let v = |m| ApiVersion::new(1, m);
        assert_eq!(operation("ContainerList").unwrap().since(), OLDEST);
        assert_eq!(operation("ImageAttestations").unwrap().since(), v(55));
        let old_archive = operation("ContainerArchiveHead").unwrap();
        assert!(old_archive.until().is_some());
        assert!(!old_archive.available_in(NEWEST));
        assert_eq!(parameter("ContainerStop", "signal").unwrap().since(), v(42));
        assert_eq!(
            body_field(
                "ContainerCreate",
                "HostConfig.Mounts[].VolumeOptions.Subpath"
            )
            .unwrap()
            .since(),
            v(45)
        );
        assert!(field("Resources", "Init").is_some());
        assert!(body_field("ContainerCreate", "HostConfig.Init").is_some());
    }

    #[test]
    fn corrected_items_are_available_where_engines_read_them() {
        // The old descriptions document these late; engines read them
        // earlier (`xtask/src/corrections.rs` gives each reason).
        let v = |m| ApiVersion::new(1, m);
        let body = serde_json::json!({
            "Image": "busybox",
            "HostConfig": {
                "Init": true,
                "KernelMemory": 8388608,
                "PortBindings": { "80/tcp": [{ "HostIp": "127.0.0.1", "HostPort": "8080" }] }
            }
        });
        assert!(check_body("ContainerCreate", &body, v(25)).is_empty());
        for op in [
            "PutContainerArchive",
            "ContainerArchive",
            "ContainerArchiveInfo",
        ] {
            assert_eq!(operation(op).unwrap().since(), OLDEST, "{op}");
        }
        assert_eq!(
            parameter("ContainerDelete", "link").unwrap().since(),
            OLDEST
        );
        let copy_ids = parameter("PutContainerArchive", "copyUIDGID").unwrap();
        assert_eq!(copy_ids.since(), v(30));
        assert_eq!(
            body_field("ContainerCreate", "HostConfig.Mounts[].Consistency")
                .unwrap()
                .since(),
            v(28)
        );
        assert_eq!(field("Resources", "Init").unwrap().since(), OLDEST);
        // Where the descriptions were right, the boundary stays.
        assert_eq!(
            body_field(
                "ContainerCreate",
                "HostConfig.Mounts[].BindOptions.NonRecursive"
            )
            .unwrap()
            .since(),
            v(40)
        );
    }

    #[test]
    fn check_body_reports_only_what_the_version_lacks() {
        let body = serde_json::json!({
            "Image": "busybox",
            "Labels": { "a.b": "c" },
            "HostConfig": {
                "Mounts": [{ "Target": "/x", "VolumeOptions": { "Subpath": "sub" } }],
                "Init": null
            },
            "NotInTheTable": { "Subpath": 1 }
        });
        let found = check_body("ContainerCreate", &body, ApiVersion::new(1, 41));
        let paths: Vec<&str> = found.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["HostConfig.Mounts[].VolumeOptions.Subpath"]);
        assert!(check_body("ContainerCreate", &body, ApiVersion::new(1, 45)).is_empty());
    }

    fn request(method: &str, url: &str, body: Option<serde_json::Value>) -> reqwest::Request {
        let mut r = reqwest::Request::new(method.parse().unwrap(), url.parse().unwrap());
        if let Some(b) = body {
            *r.body_mut() = Some(serde_json::to_vec(&b).unwrap().into());
        }
        r
    }

    #[test]
    fn check_request_judges_what_the_request_carries() {
        let op = |id| crate::ops::operation(id).unwrap();
        let v41 = ApiVersion::new(1, 41);
        // A parameter counts when it is in the URL, whatever its value.
        let stop = request(
            "POST",
            "http://d/v1.41/containers/x/stop?t=1&signal=SIGINT",
            None,
        );
        let e = check_request(op("ContainerStop"), &stop, v41).unwrap_err();
        assert_eq!(e.what, "parameter `signal` of ContainerStop");
        assert_eq!(
            e.to_string(),
            "parameter `signal` of ContainerStop needs API 1.42 or newer"
        );
        check_request(op("ContainerStop"), &stop, ApiVersion::new(1, 42)).unwrap();
        let unset = request("POST", "http://d/v1.41/containers/x/stop?t=1", None);
        check_request(op("ContainerStop"), &unset, v41).unwrap();

        // Body fields are read from the bytes that will be sent.
        let create = request(
            "POST",
            "http://d/v1.41/containers/create",
            Some(serde_json::json!({ "Image": "x", "Healthcheck": { "StartInterval": 1000 } })),
        );
        let e = check_request(op("ContainerCreate"), &create, v41).unwrap_err();
        assert_eq!(
            e.what,
            "field `Healthcheck.StartInterval` of the ContainerCreate body"
        );
        assert_eq!(e.availability.since(), ApiVersion::new(1, 44));
        check_request(op("ContainerCreate"), &create, ApiVersion::new(1, 44)).unwrap();

        // Read by engines before the descriptions documented them.
        let v25 = ApiVersion::new(1, 25);
        let old = request(
            "POST",
            "http://d/v1.25/containers/create",
            Some(serde_json::json!({ "Image": "x", "HostConfig": {
                "Init": true,
                "PortBindings": { "80/tcp": [{ "HostIp": "127.0.0.1" }] }
            } })),
        );
        check_request(op("ContainerCreate"), &old, v25).unwrap();
        let put = request(
            "PUT",
            "http://d/v1.25/containers/x/archive?path=/&noOverwriteDirNonDir=true",
            None,
        );
        check_request(op("PutContainerArchive"), &put, v25).unwrap();
        let delete = request(
            "DELETE",
            "http://d/v1.25/containers/x?force=true&link=true",
            None,
        );
        check_request(op("ContainerDelete"), &delete, v25).unwrap();
        let copy = request(
            "PUT",
            "http://d/v1.29/containers/x/archive?path=/&copyUIDGID=true",
            None,
        );
        let e =
            check_request(op("PutContainerArchive"), &copy, ApiVersion::new(1, 29)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "parameter `copyUIDGID` of PutContainerArchive needs API 1.30 or newer"
        );

        // An operation newer than the version.
        let att = request("GET", "http://d/v1.41/images/x/attestations", None);
        let e = check_request(op("ImageAttestations"), &att, v41).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("operation ImageAttestations needs API 1.55"),
            "{e}"
        );
    }
}
