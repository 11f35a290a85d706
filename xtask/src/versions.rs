//! The version table: for every operation, parameter and schema field, the
//! API version it first appeared in and, where it went away, the version it
//! was removed in. Derived from every upstream description up to the target.
//!
//! Paths inside schemas use `.` between fields, `[]` for an array's items and
//! `{}` for a map's values: `HostConfig.Mounts[].VolumeOptions.Subpath`.
//!
//! Two views of fields are written:
//! - `fields`: per named schema (definition), its own fields and those of
//!   inline nested objects; a field that is a reference to another named
//!   schema is listed, the other schema's fields are under its own name.
//! - `bodies`: per operation, every field its request body can carry, with
//!   references expanded. This view survives definition renames between
//!   versions and is what request gating walks.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use serde_json::{json, Map, Value};

use crate::corrections;
use crate::upstream::History;

/// Presence of one item across versions: the minor numbers it exists in.
#[derive(Default)]
pub(crate) struct Presence {
    pub(crate) minors: BTreeSet<u32>,
    pub(crate) map: bool,
}

pub(crate) type Table = BTreeMap<String, BTreeMap<String, Presence>>;

/// The table for every version up to `target`, with the corrections of
/// [`crate::corrections`] applied; also one report line per correction.
pub fn build_table(history: &History, target: &str) -> Result<(Value, Vec<String>)> {
    let versions: Vec<_> = history.up_to(target).collect();
    let oldest = versions.first().map(|v| v.minor).unwrap_or_default();
    let newest = versions.last().map(|v| v.minor).unwrap_or_default();

    let mut operations: BTreeMap<String, Presence> = BTreeMap::new();
    let mut parameters: Table = BTreeMap::new();
    let mut fields: Table = BTreeMap::new();
    let mut bodies: Table = BTreeMap::new();
    let mut routes: BTreeMap<String, BTreeMap<u32, (String, String)>> = BTreeMap::new();

    for v in &versions {
        let doc = &v.doc;
        let defs = doc
            .get("definitions")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (name, def) in &defs {
            let entry = fields.entry(name.clone()).or_default();
            walk(def, "", &defs, false, &mut Vec::new(), v.minor, entry);
        }
        let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
            continue;
        };
        for (route, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                if method == "parameters" {
                    continue;
                }
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                operations
                    .entry(id.to_string())
                    .or_default()
                    .minors
                    .insert(v.minor);
                routes
                    .entry(id.to_string())
                    .or_default()
                    .insert(v.minor, (method.to_uppercase(), route.clone()));
                for p in op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                    if p.get("in").and_then(Value::as_str) == Some("body") {
                        let entry = bodies.entry(id.to_string()).or_default();
                        if let Some(s) = p.get("schema") {
                            walk(s, "", &defs, true, &mut Vec::new(), v.minor, entry);
                        }
                    } else {
                        parameters
                            .entry(id.to_string())
                            .or_default()
                            .entry(name.to_string())
                            .or_default()
                            .minors
                            .insert(v.minor);
                    }
                }
            }
        }
    }

    let minors: Vec<u32> = versions.iter().map(|v| v.minor).collect();
    let report = corrections::apply(
        &mut corrections::Tables {
            operations: &mut operations,
            parameters: &mut parameters,
            fields: &mut fields,
            bodies: &mut bodies,
            routes: &routes,
            minors: &minors,
        },
        newest,
    )?;
    let avail = |p: &Presence| availability(p, &minors);
    let nested = |t: &Table| -> Value {
        Value::Object(
            t.iter()
                .map(|(k, inner)| {
                    (
                        k.clone(),
                        Value::Object(inner.iter().map(|(f, p)| (f.clone(), avail(p))).collect()),
                    )
                })
                .collect(),
        )
    };
    let table = json!({
        "oldest": format!("1.{oldest}"),
        "newest": format!("1.{newest}"),
        "operations": Value::Object(operations.iter().map(|(k, p)| (k.clone(), avail(p))).collect()),
        "parameters": nested(&parameters),
        "fields": nested(&fields),
        "bodies": nested(&bodies),
    });
    Ok((table, report))
}

/// `{"since": "1.NN"}` plus `"until"` (the first version without it) when it
/// is gone by the newest version, and `"map": true` for maps.
fn availability(p: &Presence, minors: &[u32]) -> Value {
    let mut out = Map::new();
    let first = *p.minors.first().expect("present in at least one version");
    let last = *p.minors.last().expect("present in at least one version");
    out.insert("since".into(), format!("1.{first}").into());
    if let Some(next) = minors.iter().find(|m| **m > last) {
        out.insert("until".into(), format!("1.{next}").into());
    }
    if p.map {
        out.insert("map".into(), true.into());
    }
    Value::Object(out)
}

fn ref_name(s: &Value) -> Option<&str> {
    s.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"))
}

/// Records every field below `s` (at `prefix`) as present in `minor`.
/// With `expand`, references are followed (guarding against cycles with
/// `stack`); without, a reference ends the walk.
fn walk(
    s: &Value,
    prefix: &str,
    defs: &Map<String, Value>,
    expand: bool,
    stack: &mut Vec<String>,
    minor: u32,
    out: &mut BTreeMap<String, Presence>,
) {
    if let Some(name) = ref_name(s) {
        if expand && !stack.iter().any(|n| n == name) {
            if let Some(def) = defs.get(name) {
                stack.push(name.to_string());
                walk(def, prefix, defs, expand, stack, minor, out);
                stack.pop();
            }
        }
        return;
    }
    let join = |field: &str| {
        if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        }
    };
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        for (field, p) in props {
            let path = join(field);
            let entry = out.entry(path.clone()).or_default();
            entry.minors.insert(minor);
            if is_map(p, defs, expand) {
                entry.map = true;
            }
            walk(p, &path, defs, expand, stack, minor, out);
        }
    }
    if let Some(items) = s.get("items") {
        if !prefix.is_empty() {
            walk(
                items,
                &format!("{prefix}[]"),
                defs,
                expand,
                stack,
                minor,
                out,
            );
        }
    }
    if let Some(ap) = s.get("additionalProperties").filter(|ap| ap.is_object()) {
        if !prefix.is_empty() && s.get("properties").is_none() {
            walk(
                ap,
                &format!("{prefix}{{}}"),
                defs,
                expand,
                stack,
                minor,
                out,
            );
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in s.get(key).and_then(Value::as_array).into_iter().flatten() {
            walk(part, prefix, defs, expand, stack, minor, out);
        }
    }
}

/// Whether a field's value is a map (string keys chosen by the caller)
/// rather than an object with named fields.
fn is_map(s: &Value, defs: &Map<String, Value>, expand: bool) -> bool {
    if let Some(name) = ref_name(s) {
        return expand && defs.get(name).is_some_and(|d| is_map(d, defs, false));
    }
    s.get("properties").is_none() && s.get("additionalProperties").is_some_and(Value::is_object)
}
