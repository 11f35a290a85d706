//! Swagger 2.0 -> OpenAPI 3.0.3, keeping structure and dropping prose.
//!
//! What survives: paths, operation ids, tags, parameters (name, location,
//! required, schema), request bodies, responses (status, media types, schema,
//! headers) and schemas (types, formats, enums, defaults, bounds,
//! properties, required lists, nullability). What goes: every description,
//! summary, title, example and vendor extension. No fixes happen here; they
//! are named rules in `rules.rs`, applied afterwards.

use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};

/// Schema keywords carried over unchanged (besides the ones that need
/// translating or recursion, handled in [`schema`]). String validation
/// (`pattern`, `minLength`, `maxLength`) is left out on purpose: it documents
/// what the engine accepts, and enforcing it while decoding would turn an
/// engine's unexpected string into a failed answer.
const SCHEMA_KEEP: &[&str] = &[
    "type",
    "format",
    "enum",
    "default",
    "required",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "readOnly",
];

/// Converts one Swagger 2.0 document.
pub fn swagger_to_openapi(sw: &Value) -> Result<Value> {
    if sw.get("swagger").and_then(Value::as_str) != Some("2.0") {
        bail!("not a Swagger 2.0 document");
    }
    let version = sw
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let global_consumes = str_list(sw.get("consumes"));
    let global_produces = str_list(sw.get("produces"));

    let mut schemas = Map::new();
    if let Some(defs) = sw.get("definitions").and_then(Value::as_object) {
        for (name, def) in defs {
            schemas.insert(
                name.clone(),
                schema(def).with_context(|| format!("definition {name}"))?,
            );
        }
    }

    let mut paths = Map::new();
    for (path, item) in sw
        .get("paths")
        .and_then(Value::as_object)
        .context("no paths")?
    {
        let item = item.as_object().context("path item is not an object")?;
        let shared_params = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut out_item = Map::new();
        for (method, op) in item {
            if method == "parameters" {
                continue;
            }
            let ctx = || format!("{} {path}", method.to_uppercase());
            let converted = operation(op, &shared_params, &global_consumes, &global_produces)
                .with_context(ctx)?;
            out_item.insert(method.clone(), converted);
        }
        paths.insert(path.clone(), Value::Object(out_item));
    }

    let tags: Vec<Value> = sw
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| t.get("name").cloned())
                .map(|name| json!({ "name": name }))
                .collect()
        })
        .unwrap_or_default();

    Ok(json!({
        "openapi": "3.0.3",
        "info": { "title": "Docker Engine API", "version": version },
        "tags": tags,
        "paths": paths,
        "components": { "schemas": schemas },
    }))
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn operation(
    op: &Value,
    shared_params: &[Value],
    global_consumes: &[String],
    global_produces: &[String],
) -> Result<Value> {
    let op = op.as_object().context("operation is not an object")?;
    let mut out = Map::new();
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .context("operation without operationId")?;
    out.insert("operationId".into(), id.into());
    if let Some(tags) = op.get("tags") {
        out.insert("tags".into(), tags.clone());
    }
    let consumes = op
        .get("consumes")
        .map(|c| str_list(Some(c)))
        .unwrap_or_else(|| global_consumes.to_vec());
    let produces = op
        .get("produces")
        .map(|p| str_list(Some(p)))
        .unwrap_or_else(|| global_produces.to_vec());

    let mut params = Vec::new();
    let all_params = shared_params.iter().chain(
        op.get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    for p in all_params {
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .context("parameter without name")?;
        match p.get("in").and_then(Value::as_str) {
            Some("body") => {
                let body_schema =
                    schema(p.get("schema").context("body parameter without schema")?)?;
                let mut content = Map::new();
                for mt in &consumes {
                    content.insert(mt.clone(), json!({ "schema": body_schema }));
                }
                let mut body = Map::new();
                body.insert("content".into(), Value::Object(content));
                if p.get("required").and_then(Value::as_bool) == Some(true) {
                    body.insert("required".into(), true.into());
                }
                out.insert("requestBody".into(), Value::Object(body));
            }
            Some(loc @ ("query" | "path" | "header")) => params.push(parameter(p, name, loc)?),
            other => bail!("parameter {name}: unsupported location {other:?}"),
        }
    }
    if !params.is_empty() {
        out.insert("parameters".into(), Value::Array(params));
    }

    let mut responses = Map::new();
    for (status, resp) in op
        .get("responses")
        .and_then(Value::as_object)
        .context("no responses")?
    {
        let mut r = Map::new();
        r.insert("description".into(), "".into());
        if let Some(s) = resp.get("schema") {
            let s = schema(s).with_context(|| format!("response {status}"))?;
            let mut content = Map::new();
            for mt in &produces {
                content.insert(mt.clone(), json!({ "schema": s }));
            }
            r.insert("content".into(), Value::Object(content));
        }
        if let Some(headers) = resp.get("headers").and_then(Value::as_object) {
            let mut out_headers = Map::new();
            for (name, h) in headers {
                out_headers.insert(name.clone(), json!({ "schema": schema(h)? }));
            }
            r.insert("headers".into(), Value::Object(out_headers));
        }
        responses.insert(status.clone(), Value::Object(r));
    }
    out.insert("responses".into(), Value::Object(responses));
    Ok(Value::Object(out))
}

fn parameter(p: &Value, name: &str, loc: &str) -> Result<Value> {
    let mut out = Map::new();
    out.insert("name".into(), name.into());
    out.insert("in".into(), loc.into());
    let required = loc == "path" || p.get("required").and_then(Value::as_bool) == Some(true);
    if required {
        out.insert("required".into(), true.into());
    }
    // In Swagger 2.0 a non-body parameter carries its schema keywords inline.
    let mut s = schema(p).with_context(|| format!("parameter {name}"))?;
    // `required` on a parameter is a flag, not a schema's list of properties.
    if let Some(obj) = s.as_object_mut() {
        obj.remove("required");
    }
    match p.get("collectionFormat").and_then(Value::as_str) {
        None => {}
        Some("multi") => {
            out.insert("style".into(), "form".into());
            out.insert("explode".into(), true.into());
        }
        Some("csv") => {
            out.insert("style".into(), "form".into());
            out.insert("explode".into(), false.into());
        }
        Some(other) => bail!("parameter {name}: unsupported collectionFormat {other}"),
    }
    out.insert("schema".into(), s);
    Ok(Value::Object(out))
}

/// Converts one schema (or the schema keywords of a non-body parameter or a
/// response header).
pub fn schema(s: &Value) -> Result<Value> {
    let s = s.as_object().context("schema is not an object")?;
    let mut out = Map::new();
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r
            .strip_prefix("#/definitions/")
            .with_context(|| format!("unsupported $ref {r}"))?;
        out.insert("$ref".into(), format!("#/components/schemas/{name}").into());
        return Ok(Value::Object(out));
    }
    for (k, v) in s {
        match k.as_str() {
            "type" if v == "file" => {
                out.insert("type".into(), "string".into());
                out.insert("format".into(), "binary".into());
            }
            "format" if s.get("type").is_some_and(|t| t == "file") => {}
            k if SCHEMA_KEEP.contains(&k) => {
                out.insert(k.into(), v.clone());
            }
            "x-nullable" if v.as_bool() == Some(true) => {
                out.insert("nullable".into(), true.into());
            }
            "properties" => {
                let mut props = Map::new();
                for (name, p) in v.as_object().context("properties is not an object")? {
                    props.insert(
                        name.clone(),
                        schema(p).with_context(|| format!("property {name}"))?,
                    );
                }
                out.insert("properties".into(), Value::Object(props));
            }
            "items" => {
                out.insert("items".into(), schema(v).context("items")?);
            }
            "additionalProperties" => {
                let ap = match v {
                    Value::Bool(b) => Value::Bool(*b),
                    other => schema(other).context("additionalProperties")?,
                };
                out.insert("additionalProperties".into(), ap);
            }
            "allOf" | "oneOf" | "anyOf" => {
                let parts = v
                    .as_array()
                    .with_context(|| format!("{k} is not a list"))?
                    .iter()
                    .map(schema)
                    .collect::<Result<Vec<_>>>()?;
                out.insert(k.into(), Value::Array(parts));
            }
            // Prose, examples and vendor extensions are not carried.
            _ => {}
        }
    }
    Ok(Value::Object(out))
}
