//! Refusing, before anything is sent, what the negotiated API version does
//! not have (the engine would ignore it silently). Driven by the version
//! table of the raw layer, not by hand-written lists.

use docker_engine_raw::versions::{self, ApiVersion, Availability};
use serde_json::Value;

use crate::error::{Error, Result};

fn refuse(what: String, a: Availability, negotiated: ApiVersion) -> Error {
    Error::UnsupportedByVersion {
        what,
        since: a.since(),
        until: a.until(),
        negotiated,
    }
}

/// Checks the operation, the parameters it sets and the fields of its body.
pub(crate) fn check(
    op: &str,
    params: &[&str],
    body: Option<&Value>,
    version: ApiVersion,
) -> Result<()> {
    if let Some(a) = versions::operation(op) {
        if !a.available_in(version) {
            return Err(refuse(format!("operation {op}"), a, version));
        }
    }
    for p in params {
        if let Some(a) = versions::parameter(op, p) {
            if !a.available_in(version) {
                return Err(refuse(format!("parameter `{p}` of {op}"), a, version));
            }
        }
    }
    if let Some(body) = body {
        if let Some(field) = versions::check_body(op, body, version).into_iter().next() {
            return Err(refuse(
                format!("field `{}` of the {op} body", field.path),
                field.availability,
                version,
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_newer_parameters_and_fields() {
        let v41 = ApiVersion::new(1, 41);
        let e = check("ContainerStop", &["t", "signal"], None, v41).unwrap_err();
        assert!(
            e.to_string()
                .contains("parameter `signal` of ContainerStop needs API 1.42"),
            "{e}"
        );
        check(
            "ContainerStop",
            &["t", "signal"],
            None,
            ApiVersion::new(1, 42),
        )
        .unwrap();

        let body = serde_json::json!({ "Image": "x", "Healthcheck": { "StartInterval": 1000 } });
        let e = check("ContainerCreate", &[], Some(&body), v41).unwrap_err();
        assert!(
            matches!(&e, Error::UnsupportedByVersion { since, .. } if *since == ApiVersion::new(1, 44)),
            "{e}"
        );

        // Read by engines before the descriptions documented them.
        let v = |m| ApiVersion::new(1, m);
        let old = serde_json::json!({ "Image": "x", "HostConfig": {
            "Init": true,
            "PortBindings": { "80/tcp": [{ "HostIp": "127.0.0.1" }] }
        } });
        check("ContainerCreate", &[], Some(&old), v(25)).unwrap();
        check(
            "PutContainerArchive",
            &["noOverwriteDirNonDir"],
            None,
            v(25),
        )
        .unwrap();
        check("ContainerDelete", &["force", "link"], None, v(25)).unwrap();
        check("PutContainerArchive", &["copyUIDGID"], None, v(30)).unwrap();
        let e = check("PutContainerArchive", &["copyUIDGID"], None, v(29)).unwrap_err();
        assert!(
            e.to_string()
                .contains("parameter `copyUIDGID` of PutContainerArchive needs API 1.30"),
            "{e}"
        );

        let e = check("ImageAttestations", &[], None, v41).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("operation ImageAttestations needs API 1.55"),
            "{e}"
        );
    }
}
