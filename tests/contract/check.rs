//! Checks a captured request against the operation in `spec/`.

use serde_json::Value;

use crate::capture::Captured;
use crate::samples::{json_param_sample, Samples, BINARY_BODY};
use crate::spec::{normalize, Operation, Spec};

/// Every way `req` departs from `op` (empty when it matches).
pub fn check_request(
    spec: &Spec,
    op: &Operation,
    samples: &Samples,
    req: &Captured,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut fail = |p: String| problems.push(p);

    if req.method != op.method {
        fail(format!("method {} instead of {}", req.method, op.method));
    }

    // Path: the version prefix, then the template with each parameter
    // percent-encoded as one segment.
    let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
    let prefix = format!("/v{}", spec.version());
    match path.strip_prefix(&prefix) {
        None => fail(format!("path {path} lacks the {prefix} prefix")),
        Some(rest) => {
            let got: Vec<&str> = rest.split('/').collect();
            let want: Vec<&str> = op.path.split('/').collect();
            if got.len() != want.len() {
                fail(format!(
                    "path {rest} does not have the shape of {}",
                    op.path
                ));
            } else {
                for (g, w) in got.iter().zip(&want) {
                    if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                        let expected = samples.str(&op.id, name);
                        match percent_decode(g, false) {
                            Some(decoded) if decoded == expected => {}
                            other => fail(format!("path parameter {name}: sent {g:?} (decodes to {other:?}), expected {expected:?}")),
                        }
                        if g.contains(' ') {
                            fail(format!(
                                "path parameter {name} is not percent-encoded: {g:?}"
                            ));
                        }
                    } else if g != w {
                        fail(format!("path segment {g:?} instead of {w:?}"));
                    }
                }
            }
        }
    }

    // Query: exactly the declared parameters, each encoded for its type.
    let mut pairs: Vec<(String, String)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match (percent_decode(k, true), percent_decode(v, true)) {
            (Some(k), Some(v)) => pairs.push((k, v)),
            _ => fail(format!("query pair {pair:?} is not valid percent-encoding")),
        }
    }
    for (k, _) in &pairs {
        if !op
            .params
            .iter()
            .any(|p| p.location == "query" && &p.name == k)
        {
            fail(format!("query parameter {k:?} is not declared"));
        }
    }
    for p in op.params.iter().filter(|p| p.location == "query") {
        let values: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| *k == p.name)
            .map(|(_, v)| v.as_str())
            .collect();
        let ty = p
            .schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("string");
        let ok = match ty {
            "boolean" => values == ["true"],
            "integer" => values == ["7"],
            "array" => {
                values
                    == samples
                        .list(&op.id, &p.name)
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
            }
            _ => {
                let expected = samples.str(&op.id, &p.name);
                let json_ok = json_param_sample(&p.name).is_none_or(|_| {
                    values.first().is_some_and(|v| {
                        serde_json::from_str::<Value>(v)
                            .is_ok_and(|j| j.is_object() || j.is_array())
                    })
                });
                values == [expected] && json_ok
            }
        };
        if !ok {
            fail(format!(
                "query parameter {} ({ty}) sent as {values:?}",
                p.name
            ));
        }
    }

    // Headers: declared header parameters with their values; the body's
    // media type as Content-Type, and none without a body.
    let mut content_types: Vec<&str> = req.header_values("content-type");
    for p in op.params.iter().filter(|p| p.location == "header") {
        let expected = samples.str(&op.id, &p.name);
        let got = req.header_values(&p.name);
        if normalize(&p.name) == "contenttype" {
            // A declared Content-Type parameter states the body's real type.
            if !got.contains(&expected) {
                fail(format!(
                    "header {}: sent {got:?}, expected {expected:?}",
                    p.name
                ));
            }
            content_types.retain(|v| *v != expected);
            continue;
        }
        if got != [expected] {
            fail(format!(
                "header {}: sent {got:?}, expected {expected:?}",
                p.name
            ));
        }
    }
    match &op.body_media_type {
        Some(mt) => {
            if !(content_types.is_empty()
                && op
                    .params
                    .iter()
                    .any(|p| normalize(&p.name) == "contenttype"))
                && content_types != [mt.as_str()]
            {
                fail(format!("Content-Type {content_types:?}, expected {mt:?}"));
            }
        }
        None => {
            if !content_types.is_empty() {
                fail(format!("Content-Type {content_types:?} without a body"));
            }
            if !req.body.is_empty() {
                fail(format!(
                    "{} body bytes sent without a body in the spec",
                    req.body.len()
                ));
            }
        }
    }

    // Body: JSON valid against the schema and equal to what was built; raw
    // bodies byte for byte.
    if let Some(schema) = &op.json_body {
        match serde_json::from_slice::<Value>(&req.body) {
            Err(e) => fail(format!("body is not JSON: {e}")),
            Ok(body) => {
                let mut errors = Vec::new();
                validate(spec, schema, &body, "body", &mut errors);
                problems.extend(errors);
                match samples.sent_body(&op.id) {
                    Some(built) if built == body => {}
                    Some(built) => problems.push(format!("body differs from what it was built from:\n  built {built}\n  sent  {body}")),
                    None => problems.push("no sample body was built".into()),
                }
            }
        }
    } else if op.body_media_type.is_some() && req.body != BINARY_BODY {
        problems.push(format!(
            "raw body not sent byte for byte ({} bytes)",
            req.body.len()
        ));
    }
    problems
}

/// Percent-decoding; in a query (`form`), `+` is a space.
fn percent_decode(s: &str, form: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' if form => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Validates `value` against `schema` (the subset of OpenAPI 3.0 schema
/// keywords `spec/` uses), collecting errors with their JSON path.
pub fn validate(spec: &Spec, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = spec.resolve(schema);
    if value.is_null() {
        if schema.get("nullable") != Some(&Value::Bool(true)) {
            errors.push(format!("{at}: null where the schema is not nullable"));
        }
        return;
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            validate(spec, part, value, at, errors);
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if !values.contains(value) {
            errors.push(format!("{at}: {value} is not one of {values:?}"));
        }
    }
    let ty = schema.get("type").and_then(Value::as_str);
    let type_ok = match ty {
        None => true,
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        Some(other) => {
            errors.push(format!("{at}: unknown schema type {other}"));
            true
        }
    };
    if !type_ok {
        errors.push(format!("{at}: {value} is not a {}", ty.unwrap_or_default()));
        return;
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(Value::as_f64),
        value.as_f64(),
    ) {
        if n < min {
            errors.push(format!("{at}: {n} is below the minimum {min}"));
        }
    }
    if let (Some(max), Some(n)) = (
        schema.get("maximum").and_then(Value::as_f64),
        value.as_f64(),
    ) {
        if n > max {
            errors.push(format!("{at}: {n} is above the maximum {max}"));
        }
    }
    if let Value::Array(items) = value {
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                validate(spec, item_schema, item, &format!("{at}[{i}]"), errors);
            }
        }
    }
    if let Value::Object(map) = value {
        let props = schema.get("properties").and_then(Value::as_object);
        for req in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = req.as_str().unwrap_or_default();
            if !map.contains_key(name) {
                errors.push(format!("{at}: required field {name} missing"));
            }
        }
        for (k, v) in map {
            let child = format!("{at}.{k}");
            if let Some(p) = props.and_then(|p| p.get(k)) {
                validate(spec, p, v, &child, errors);
            } else {
                // A field not among the properties: fine for a map or an
                // object open to extra fields; for a closed object (only
                // `allOf` parts, checked above) it is checked by the part.
                match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{child}: not allowed")),
                    Some(ap) if ap.is_object() => validate(spec, ap, v, &child, errors),
                    _ => {
                        if props.is_some() && schema.get("allOf").is_none() {
                            errors.push(format!("{child}: not a property of the schema"));
                        }
                    }
                }
            }
        }
    }
}
