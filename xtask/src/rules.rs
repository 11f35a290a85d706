//! The Engine-specific fixes applied to the converted description, one named
//! rule each.
//!
//! Every rule returns how many places it changed, and is of one of two
//! kinds ([`Kind`]):
//! - a **fix** works around something particular upstream got wrong: one
//!   that changes nothing fails the regen (upstream fixed it, or moved it),
//!   so it is revisited rather than left to pile up;
//! - a **policy** holds for the whole description (errors are JSON, unknown
//!   fields are kept, ...): it may find nothing to change, since upstream
//!   may already comply.
//!
//! For both, the postcondition is checked: applied a second time, a rule
//! must change nothing (whatever it enforces now holds everywhere). Rules
//! that only apply to some API versions say so in [`RULES`].

use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};

use crate::upstream::{parse_minor, History};

/// A rule's context: the whole upstream history and the version being
/// generated.
pub struct Ctx<'a> {
    pub history: &'a History,
    pub target: &'a str,
}

type RuleFn = fn(&mut Value, &Ctx) -> Result<usize>;

/// Whether a rule that changes nothing is stale ([`Kind::Fix`]) or simply
/// finds upstream compliant ([`Kind::Policy`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Works around one upstream mistake; must always find it.
    Fix,
    /// Holds everywhere; may find nothing to change.
    Policy,
}

/// A named fix, with the one-line reason it exists and the API versions it
/// applies to (inclusive minor numbers).
pub struct Rule {
    pub name: &'static str,
    pub reason: &'static str,
    pub versions: (u32, u32),
    pub kind: Kind,
    pub apply: RuleFn,
}

/// Every rule, in the order they run.
pub const RULES: &[Rule] = &[
    Rule {
        name: "type_lists_as_one_of",
        reason: "OpenAPI 3.0 has no `type: [a, b]` (Cmd and Entrypoint took a string or a list)",
        versions: (25, 34),
        kind: Kind::Fix,
        apply: type_lists_as_one_of,
    },
    Rule {
        name: "request_body_single_media_type",
        reason: "progenitor accepts one media type per body: raw bytes for string bodies, else JSON",
        versions: (25, 99),
        kind: Kind::Fix,
        apply: request_body_single_media_type,
    },
    Rule {
        name: "error_responses_as_json_ranges",
        reason: "the engine answers any 4xx/5xx (documented or not) with a JSON ErrorResponse",
        versions: (25, 99),
        kind: Kind::Policy,
        apply: error_responses_as_json_ranges,
    },
    Rule {
        name: "head_responses_have_no_body",
        reason: "a HEAD answer never has a body to decode",
        versions: (25, 99),
        kind: Kind::Policy,
        apply: head_responses_have_no_body,
    },
    Rule {
        name: "answers_without_body",
        reason: "the engine answers these with a bare 200 although the description names a body (PluginDelete)",
        versions: (25, 99),
        kind: Kind::Fix,
        apply: answers_without_body,
    },
    Rule {
        name: "registry_auth_the_engine_reads",
        reason: "the engine reads X-Registry-Auth on plugin push, plugin privileges and DistributionInspect (as on pull); the descriptions omit it",
        versions: (25, 99),
        kind: Kind::Fix,
        apply: registry_auth_the_engine_reads,
    },
    Rule {
        name: "streamed_responses_are_bytes",
        reason: "these answers are long byte or JSON-lines streams; typed or empty decoding drops them",
        versions: (25, 99),
        kind: Kind::Fix,
        apply: streamed_responses_are_bytes,
    },
    Rule {
        name: "upgrade_endpoints",
        reason: "attach, exec start and session hijack the connection (101 Upgrade) for a duplex stream",
        versions: (25, 99),
        kind: Kind::Fix,
        apply: upgrade_endpoints,
    },
    Rule {
        name: "one_success_response",
        reason: "progenitor needs one success shape; SystemAuth's empty 204 is the body-less case of 200",
        versions: (25, 99),
        kind: Kind::Fix,
        apply: one_success_response,
    },
    Rule {
        name: "secret_and_config_create_answer_id",
        reason: "SecretCreate and ConfigCreate answer `{\"ID\": ...}` (the Engine's SecretCreateResponse and ConfigCreateResponse), not IdResponse's `Id`; the descriptions before 1.36 said so",
        versions: (36, 99),
        kind: Kind::Fix,
        apply: secret_and_config_create_answer_id,
    },
    Rule {
        name: "required_only_if_always_required",
        reason: "a field some version of a schema did not require may be omitted by that engine",
        versions: (28, 99),
        kind: Kind::Policy,
        apply: required_only_if_always_required,
    },
    Rule {
        name: "go_nil_collections_decode",
        reason: "Go encodes nil slices and maps as null; an empty object can still mean something",
        versions: (25, 99),
        kind: Kind::Policy,
        apply: go_nil_collections_decode,
    },
    Rule {
        name: "nullable_at_uses",
        reason: "a nullable named schema becomes a newtype around Option; `null` belongs to where it is used",
        versions: (25, 99),
        kind: Kind::Policy,
        apply: nullable_at_uses,
    },
    Rule {
        name: "defaults_are_not_sent",
        reason: "a default is what the engine assumes for an absent field; sending it would trip older engines",
        versions: (25, 99),
        kind: Kind::Policy,
        apply: defaults_are_not_sent,
    },
    Rule {
        name: "keep_unknown_fields",
        reason: "fields an engine sends that the schema lacks are kept in an `extra` map, not dropped",
        versions: (25, 99),
        kind: Kind::Policy,
        apply: keep_unknown_fields,
    },
    Rule {
        name: "open_string_enums",
        reason: "engines send enum values newer than the schema; named enums get an `Other` case in build.rs",
        versions: (25, 99),
        kind: Kind::Policy,
        apply: open_string_enums,
    },
    Rule {
        name: "flatten_all_of",
        reason: "typify merges `allOf` into anonymous copies of the referenced types; one object keeps the named ones",
        versions: (25, 99),
        kind: Kind::Fix,
        apply: flatten_all_of,
    },
    Rule {
        name: "build_parameters_the_engine_reads",
        reason: "the engine reads several `t` (tags) and `extrahosts`, `ulimits` and `isolation` on /build; the description has one of each of the first two and neither of the others",
        versions: (25, 99),
        kind: Kind::Fix,
        apply: build_parameters_the_engine_reads,
    },
];

/// Runs every rule that applies to the target version. Returns one report
/// line per rule.
pub fn apply_all(spec: &mut Value, history: &History, target: &str) -> Result<Vec<String>> {
    let minor = parse_minor(target)?;
    let ctx = Ctx { history, target };
    let mut report = Vec::new();
    for rule in RULES {
        if minor < rule.versions.0 || minor > rule.versions.1 {
            continue;
        }
        let changed = apply_rule(rule, spec, &ctx)?;
        report.push(format!(
            "{:<36} {changed:>4} changes  ({:?}: {})",
            rule.name, rule.kind, rule.reason
        ));
    }
    Ok(report)
}

/// Applies one rule and checks it: a fix must find something, and after
/// either kind nothing may be left for it to do. Returns the changes.
fn apply_rule(rule: &Rule, spec: &mut Value, ctx: &Ctx) -> Result<usize> {
    let target = ctx.target;
    let changed = (rule.apply)(spec, ctx).with_context(|| format!("rule {}", rule.name))?;
    if changed == 0 && rule.kind == Kind::Fix {
        bail!(
            "rule `{}` no longer finds anything to fix in v{target} ({}); remove it or narrow its versions",
            rule.name,
            rule.reason
        );
    }
    // The postcondition: nothing is left for the rule to do. A fix that
    // checks its sites may refuse to run twice (its site is already
    // fixed); that is the same answer.
    let mut again = spec.clone();
    match (rule.apply)(&mut again, ctx) {
        Ok(0) if again == *spec => {}
        Err(_) if rule.kind == Kind::Fix => {}
        Ok(left) => bail!(
            "rule `{}` does not hold after it ran in v{target}: a second run changed {left} places",
            rule.name
        ),
        Err(e) => return Err(e.context(format!("rule {} applied a second time", rule.name))),
    }
    Ok(changed)
}

/// `POST /build`: the engine reads every `t` and every `extrahosts` (as the
/// CLI sends one per tag and per host), `ulimits` (a JSON list of `Ulimit`)
/// and `isolation` (moby `api/server/router/build/build_routes.go`, since
/// before API 1.25); the descriptions document one `t`, one `extrahosts`
/// and neither of the others.
fn build_parameters_the_engine_reads(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let mut changed = 0;
    for_each_op(spec, |_, _, op| {
        if op_id(op) != "ImageBuild" {
            return Ok(());
        }
        let params = op
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
            .context("ImageBuild has no parameters")?;
        for name in ["t", "extrahosts"] {
            let Some(p) = params
                .iter_mut()
                .find(|p| p["name"] == name && p["in"] == "query")
            else {
                // `extrahosts` is documented from 1.28 on.
                continue;
            };
            if p["schema"]["type"] == "string" {
                p["schema"] = json!({ "type": "array", "items": { "type": "string" } });
                p["style"] = json!("form");
                p["explode"] = json!(true);
                changed += 1;
            }
        }
        for name in ["ulimits", "isolation"] {
            if !params
                .iter()
                .any(|p| p["name"] == name && p["in"] == "query")
            {
                params.push(json!({ "name": name, "in": "query", "schema": { "type": "string" } }));
                changed += 1;
            }
        }
        Ok(())
    })?;
    Ok(changed)
}

// ---------------------------------------------------------------------------
// Helpers

/// Calls `f(path, method, operation)` for every operation.
fn for_each_op(
    spec: &mut Value,
    mut f: impl FnMut(&str, &str, &mut Map<String, Value>) -> Result<()>,
) -> Result<()> {
    let paths = spec
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .context("no paths")?;
    for (path, item) in paths.iter_mut() {
        for (method, op) in item.as_object_mut().context("path item")?.iter_mut() {
            let op = op.as_object_mut().context("operation")?;
            f(path, method, op)?;
        }
    }
    Ok(())
}

fn op_id(op: &Map<String, Value>) -> &str {
    op.get("operationId")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.starts_with("application/json;")
}

fn binary_schema() -> Value {
    json!({ "type": "string", "format": "binary" })
}

/// Where a schema sits, used to name what a rule pulls out of it.
#[derive(Clone)]
struct Site {
    name: String,
    /// Whether the schema belongs to a query, path or header parameter:
    /// only ever sent, never decoded.
    parameter: bool,
    /// Whether the schema is a named component itself (not inside one).
    component: bool,
}

impl Site {
    fn new(name: String) -> Site {
        Site {
            name,
            parameter: false,
            component: false,
        }
    }

    fn child(&self, part: &str) -> Site {
        Site {
            name: format!("{}{}", self.name, pascal(part)),
            parameter: self.parameter,
            component: false,
        }
    }
}

fn pascal(s: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}

/// A callback given each schema object and where it sits.
type SchemaVisitor<'a> = dyn FnMut(&mut Map<String, Value>, &Site) -> Result<()> + 'a;

/// Visits every schema object in the description (components, parameters,
/// bodies, responses and headers), parents before children.
fn visit_all_schemas(spec: &mut Value, f: &mut SchemaVisitor) -> Result<()> {
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, s) in schemas.iter_mut() {
            visit_schema(
                s,
                &Site {
                    name: name.clone(),
                    parameter: false,
                    component: true,
                },
                f,
            )?;
        }
    }
    for_each_op(spec, |_, _, op| {
        let id = op_id(op).to_string();
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            for p in params {
                let pname = p
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                if let Some(s) = p.get_mut("schema") {
                    visit_schema(
                        s,
                        &Site {
                            name: format!("{id}{}", pascal(&pname)),
                            parameter: true,
                            component: false,
                        },
                        f,
                    )?;
                }
            }
        }
        if let Some(content) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut)
        {
            for mt in content.values_mut() {
                if let Some(s) = mt.get_mut("schema") {
                    visit_schema(s, &Site::new(format!("{id}Body")), f)?;
                }
            }
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for (status, r) in responses.iter_mut() {
                if let Some(content) = r.get_mut("content").and_then(Value::as_object_mut) {
                    for mt in content.values_mut() {
                        if let Some(s) = mt.get_mut("schema") {
                            visit_schema(s, &Site::new(format!("{id}Response{status}")), f)?;
                        }
                    }
                }
                if let Some(headers) = r.get_mut("headers").and_then(Value::as_object_mut) {
                    for (h, hv) in headers.iter_mut() {
                        if let Some(s) = hv.get_mut("schema") {
                            visit_schema(s, &Site::new(format!("{id}{}", pascal(h))), f)?;
                        }
                    }
                }
            }
        }
        Ok(())
    })
}

fn visit_schema(s: &mut Value, site: &Site, f: &mut SchemaVisitor) -> Result<()> {
    let Some(obj) = s.as_object_mut() else {
        return Ok(());
    };
    f(obj, site)?;
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, p) in props.iter_mut() {
            visit_schema(p, &site.child(name), f)?;
        }
    }
    if let Some(items) = obj.get_mut("items") {
        visit_schema(items, &site.child("Item"), f)?;
    }
    if let Some(ap) = obj.get_mut("additionalProperties") {
        visit_schema(ap, &site.child("Value"), f)?;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for part in parts {
                visit_schema(part, site, f)?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The rules

fn type_lists_as_one_of(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let mut changed = 0;
    visit_all_schemas(spec, &mut |obj, _| {
        let Some(types) = obj.get("type").and_then(Value::as_array).cloned() else {
            return Ok(());
        };
        obj.remove("type");
        let items = obj.remove("items");
        let alternatives: Vec<Value> = types
            .iter()
            .map(|t| match (t.as_str(), &items) {
                (Some("array"), Some(items)) => json!({ "type": "array", "items": items }),
                _ => json!({ "type": t }),
            })
            .collect();
        obj.insert("oneOf".into(), Value::Array(alternatives));
        changed += 1;
        Ok(())
    })?;
    Ok(changed)
}

fn request_body_single_media_type(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let mut changed = 0;
    for_each_op(spec, |_, _, op| {
        let Some(content) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut)
        else {
            return Ok(());
        };
        // What the body is, whatever media types were listed: raw bytes when
        // its schema is a plain string, JSON otherwise.
        let schema = content
            .values()
            .find_map(|mt| mt.get("schema"))
            .cloned()
            .unwrap_or(Value::Null);
        let raw = schema.get("type").is_some_and(|t| t == "string");
        let (media_type, schema) = if raw {
            ("application/octet-stream", binary_schema())
        } else {
            ("application/json", schema)
        };
        let wanted = json!({ media_type: { "schema": schema } });
        if Value::Object(content.clone()) == wanted {
            return Ok(());
        }
        *content = wanted.as_object().cloned().unwrap_or_default();
        changed += 1;
        Ok(())
    })?;
    Ok(changed)
}

fn error_responses_as_json_ranges(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let mut changed = 0;
    for_each_op(spec, |_, _, op| {
        let responses = op
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            .context("responses")?;
        let codes: Vec<String> = responses
            .keys()
            .filter(|k| {
                matches!(k.as_bytes().first(), Some(b'4' | b'5'))
                    && k.len() == 3
                    && k.ends_with(|c: char| c.is_ascii_digit())
            })
            .cloned()
            .collect();
        if codes.is_empty() {
            return Ok(());
        }
        for code in &codes {
            responses.remove(code);
        }
        for range in ["4XX", "5XX"] {
            responses.insert(
                range.into(),
                json!({
                    "description": "",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorResponse" } } }
                }),
            );
        }
        changed += codes.len();
        Ok(())
    })?;
    Ok(changed)
}

fn head_responses_have_no_body(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let mut changed = 0;
    for_each_op(spec, |_, method, op| {
        if method != "head" {
            return Ok(());
        }
        for r in op
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            .context("responses")?
            .values_mut()
        {
            if r.as_object_mut()
                .and_then(|r| r.remove("content"))
                .is_some()
            {
                changed += 1;
            }
        }
        Ok(())
    })?;
    Ok(changed)
}

/// Operations whose success answer engines send without a body although
/// the description names one: decoding the promised body fails on every
/// real answer (the Engine's handler writes only the status).
const NO_BODY_ANSWERS: &[&str] = &["PluginDelete"];

fn answers_without_body(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let mut changed = 0;
    for_each_op(spec, |_, _, op| {
        if !NO_BODY_ANSWERS.contains(&op_id(op)) {
            return Ok(());
        }
        for (code, r) in op
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            .context("responses")?
            .iter_mut()
        {
            if code.starts_with('2')
                && r.as_object_mut()
                    .and_then(|r| r.remove("content"))
                    .is_some()
            {
                changed += 1;
            }
        }
        Ok(())
    })?;
    Ok(changed)
}

/// Operations that reach a registry and read its credentials from
/// `X-Registry-Auth` although the descriptions never list the header, with
/// the API version each appeared in. The engine decodes the header in each
/// handler (moby `api/server/router/plugin/plugin_routes.go`: `parseHeaders`
/// on push and on `getPrivileges`; `distribution_routes.go` for
/// `getDistributionInfo`), and the CLI sends it on all three.
const READS_REGISTRY_AUTH: &[(&str, u32)] = &[
    ("PluginPush", 25),
    ("GetPluginPrivileges", 25),
    ("DistributionInspect", 30),
];

/// Adds `X-Registry-Auth` as an optional header to each operation of
/// [`READS_REGISTRY_AUTH`]. Fails when one of them is missing from a
/// version it should be in, or already documents the header (the fix is
/// no longer needed there: take it out of the table).
fn registry_auth_the_engine_reads(spec: &mut Value, ctx: &Ctx) -> Result<usize> {
    let minor = parse_minor(ctx.target)?;
    let mut changed = 0;
    let mut seen = Vec::new();
    for_each_op(spec, |_, _, op| {
        let id = op_id(op).to_string();
        if !READS_REGISTRY_AUTH
            .iter()
            .any(|&(o, since)| o == id && minor >= since)
        {
            return Ok(());
        }
        let params = op
            .entry("parameters")
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .context("parameters")?;
        if params.iter().any(|p| {
            p.get("in").and_then(Value::as_str) == Some("header")
                && p.get("name").and_then(Value::as_str) == Some("X-Registry-Auth")
        }) {
            bail!(
                "{id} documents X-Registry-Auth in v{}: take it out of READS_REGISTRY_AUTH",
                ctx.target
            );
        }
        params.push(json!({
            "in": "header",
            "name": "X-Registry-Auth",
            "schema": { "type": "string" }
        }));
        seen.push(id);
        changed += 1;
        Ok(())
    })?;
    for &(op, since) in READS_REGISTRY_AUTH {
        if minor >= since && !seen.iter().any(|s| s == op) {
            bail!(
                "{op} is not in v{} (READS_REGISTRY_AUTH says it is since 1.{since})",
                ctx.target
            );
        }
    }
    Ok(changed)
}

/// Operations whose success answer is a stream of bytes or of JSON lines.
const STREAMED: &[&str] = &[
    "ContainerExport",
    "ContainerArchive",
    "ContainerStats",
    "ImageBuild",
    "ImageCreate",
    "ImagePush",
    "ImageLoad",
    "PluginPull",
    "PluginUpgrade",
    "PluginPush",
    "SystemEvents",
];

fn streamed_responses_are_bytes(spec: &mut Value, ctx: &Ctx) -> Result<usize> {
    let mut changed = 0;
    let mut seen = Vec::new();
    for_each_op(spec, |_, _, op| {
        let id = op_id(op).to_string();
        if !STREAMED.contains(&id.as_str()) {
            return Ok(());
        }
        seen.push(id.clone());
        let responses = op
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            .context("responses")?;
        let mut success: Vec<String> = responses
            .keys()
            .filter(|k| k.starts_with('2'))
            .cloned()
            .collect();
        success.sort();
        let Some(first) = success.first().cloned() else {
            bail!("{id} has no success response");
        };
        let r = responses[&first].as_object_mut().context("response")?;
        let already_bytes = r
            .get("content")
            .and_then(Value::as_object)
            .is_some_and(|c| !c.is_empty() && c.keys().all(|k| !is_json(k)));
        if already_bytes {
            // SystemEvents streams as JSON lines with a non-JSON media type
            // from v1.4x on; only older descriptions need the fix.
            if id == "SystemEvents" {
                return Ok(());
            }
            bail!("{id}: success response already streams bytes; drop it from STREAMED");
        }
        // A success with a body is always 200; a documented 204 is wrong.
        for code in &success {
            responses.remove(code);
        }
        responses.insert(
            "200".into(),
            json!({ "description": "", "content": { "application/octet-stream": { "schema": binary_schema() } } }),
        );
        changed += 1;
        Ok(())
    })?;
    for id in STREAMED {
        if !seen.iter().any(|s| s == id) && ctx.target_has(id) {
            bail!("{id} not found");
        }
    }
    Ok(changed)
}

/// Operations that switch protocols and hand back the raw connection.
const UPGRADES: &[&str] = &[
    "ContainerAttach",
    "ContainerAttachWebsocket",
    "ExecStart",
    "Session",
];

/// Whether the operation `id` has `101` as its only 1xx/2xx answer.
fn answers_only_101(spec: &Value, id: &str) -> bool {
    spec["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .any(|(_, item)| {
            item.as_object().into_iter().flatten().any(|(_, op)| {
                op.get("operationId").and_then(Value::as_str) == Some(id)
                    && op["responses"].as_object().is_some_and(|r| {
                        r.keys()
                            .filter(|k| k.starts_with('1') || k.starts_with('2'))
                            .eq(["101"].iter())
                    })
            })
        })
}

fn upgrade_endpoints(spec: &mut Value, ctx: &Ctx) -> Result<usize> {
    let mut changed = 0;
    let mut seen = Vec::new();
    for_each_op(spec, |_, _, op| {
        let id = op_id(op).to_string();
        if !UPGRADES.contains(&id.as_str()) {
            return Ok(());
        }
        let responses = op
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            .context("responses")?;
        let before = responses.clone();
        // Without an upgrade the engine writes the stream on a hijacked
        // HTTP/1.0-style 200; the upgrade (101) is the one a client asks for.
        responses.retain(|k, _| !k.starts_with('1') && !k.starts_with('2'));
        responses.insert("101".into(), json!({ "description": "" }));
        if *responses != before {
            changed += 1;
            seen.push(id);
        }
        Ok(())
    })?;
    for id in UPGRADES {
        if !ctx.target_has(id) {
            continue;
        }
        if !seen.iter().any(|s| s == id) && !answers_only_101(spec, id) {
            bail!("{id}: not found");
        }
    }
    Ok(changed)
}

fn one_success_response(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let mut changed = 0;
    for_each_op(spec, |_, _, op| {
        let responses = op
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            .context("responses")?;
        let success: Vec<String> = responses
            .keys()
            .filter(|k| k.starts_with('2'))
            .cloned()
            .collect();
        if success.len() < 2 {
            return Ok(());
        }
        let with_body: Vec<&String> = success
            .iter()
            .filter(|k| responses[*k].get("content").is_some())
            .collect();
        if with_body.len() != 1 {
            bail!(
                "{}: cannot choose among success responses {success:?}",
                op_id(op)
            );
        }
        let keep = with_body[0].clone();
        for code in success.iter().filter(|c| **c != keep) {
            responses.remove(code);
            changed += 1;
        }
        Ok(())
    })?;
    Ok(changed)
}

fn secret_and_config_create_answer_id(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let mut changed = 0;
    for_each_op(spec, |_, _, op| {
        if !matches!(op_id(op), "SecretCreate" | "ConfigCreate") {
            return Ok(());
        }
        let id = op_id(op).to_string();
        let schema = op
            .get_mut("responses")
            .and_then(|r| r.pointer_mut("/201/content/application~1json/schema"))
            .with_context(|| format!("{id}: no JSON 201 answer"))?;
        let is_id_response = schema
            .get("$ref")
            .and_then(Value::as_str)
            .is_some_and(|r| r.ends_with("/IdResponse") || r.ends_with("/IDResponse"));
        if is_id_response {
            *schema = json!({
                "type": "object",
                "properties": { "ID": { "type": "string" } },
            });
            changed += 1;
        }
        Ok(())
    })?;
    Ok(changed)
}

fn required_only_if_always_required(spec: &mut Value, ctx: &Ctx) -> Result<usize> {
    let older: Vec<&Value> = ctx.history.up_to(ctx.target).map(|v| &v.doc).collect();
    let mut changed = 0;
    let schemas = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .context("schemas")?;
    for (name, s) in schemas.iter_mut() {
        relax_required(
            s,
            &format!("/definitions/{}", escape_pointer(name)),
            &older,
            &mut changed,
        );
    }
    Ok(changed)
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn relax_required(s: &mut Value, pointer: &str, history: &[&Value], changed: &mut usize) {
    let Some(obj) = s.as_object_mut() else { return };
    if let Some(req) = obj.get_mut("required").and_then(Value::as_array_mut) {
        req.retain(|field| {
            // Versions without this schema (it was inline or named
            // differently then) have no say.
            let always = history
                .iter()
                .filter(|doc| doc.pointer(pointer).is_some())
                .all(|doc| {
                    doc.pointer(&format!("{pointer}/required"))
                        .and_then(Value::as_array)
                        .is_some_and(|r| r.contains(field))
                });
            if !always {
                *changed += 1;
            }
            always
        });
        if req.is_empty() {
            obj.remove("required");
        }
    }
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, p) in props.iter_mut() {
            relax_required(
                p,
                &format!("{pointer}/properties/{}", escape_pointer(name)),
                history,
                changed,
            );
        }
    }
    if let Some(items) = obj.get_mut("items") {
        relax_required(items, &format!("{pointer}/items"), history, changed);
    }
    if let Some(ap) = obj.get_mut("additionalProperties") {
        relax_required(
            ap,
            &format!("{pointer}/additionalProperties"),
            history,
            changed,
        );
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for (i, part) in parts.iter_mut().enumerate() {
                relax_required(part, &format!("{pointer}/{key}/{i}"), history, changed);
            }
        }
    }
}

/// A map or a free-form object: an object schema without named properties.
/// Both may be `null` from Go, and both may be meaningful when empty (`"Global": {}`
/// selects a service mode), so both become nullable: `Some(empty)` is sent,
/// `None` is not.
fn is_map(obj: &Map<String, Value>) -> bool {
    obj.get("type").is_some_and(|t| t == "object")
        && !obj.contains_key("properties")
        && !obj.contains_key("allOf")
        && obj.get("additionalProperties") != Some(&Value::Bool(false))
}

fn go_nil_collections_decode(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let mut changed = 0;
    visit_all_schemas(spec, &mut |obj, site| {
        if site.parameter {
            return Ok(());
        }
        let collection = obj.get("type").is_some_and(|t| t == "array") || is_map(obj);
        if collection && obj.get("nullable") != Some(&Value::Bool(true)) {
            obj.insert("nullable".into(), true.into());
            changed += 1;
        }
        Ok(())
    })?;
    Ok(changed)
}

/// Named schemas marked nullable lose the mark; where one is a required
/// field, the field becomes optional instead (an optional field already
/// takes `null`). Array items and map values keep the plain reference.
fn nullable_at_uses(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let schemas = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .context("schemas")?;
    let mut nullable = std::collections::BTreeSet::new();
    for (name, s) in schemas.iter_mut() {
        if let Some(obj) = s.as_object_mut() {
            if obj.remove("nullable").is_some_and(|n| n == true) {
                nullable.insert(format!("#/components/schemas/{name}"));
            }
        }
    }
    visit_all_schemas(spec, &mut |obj, _| {
        let Some(props) = obj.get("properties").and_then(Value::as_object) else {
            return Ok(());
        };
        let nullable_fields: Vec<String> = props
            .iter()
            .filter(|(_, p)| {
                p.get("$ref")
                    .and_then(Value::as_str)
                    .is_some_and(|r| nullable.contains(r))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if let Some(required) = obj.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|r| {
                !r.as_str()
                    .is_some_and(|r| nullable_fields.iter().any(|f| f == r))
            });
            if required.is_empty() {
                obj.remove("required");
            }
        }
        Ok(())
    })?;
    Ok(nullable.len())
}

/// Moves each schema `default` to `x-engine-default`: typify turns a default
/// into a plain (non-`Option`) field that is always serialized, so an unset
/// field would be sent with its default, and decoding could not tell an
/// absent field from one that holds the default. The value stays in the
/// description for documentation.
fn defaults_are_not_sent(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let mut changed = 0;
    visit_all_schemas(spec, &mut |obj, site| {
        if site.parameter {
            return Ok(());
        }
        if let Some(d) = obj.remove("default") {
            obj.insert("x-engine-default".into(), d);
            changed += 1;
        }
        Ok(())
    })?;
    Ok(changed)
}

fn keep_unknown_fields(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let mut changed = 0;
    visit_all_schemas(spec, &mut |obj, _| {
        if obj.contains_key("properties") && !obj.contains_key("additionalProperties") {
            obj.insert("additionalProperties".into(), json!({}));
            changed += 1;
        }
        Ok(())
    })?;
    Ok(changed)
}

fn is_string_enum(obj: &Map<String, Value>) -> bool {
    obj.get("type").is_some_and(|t| t == "string") && obj.get("enum").is_some_and(Value::is_array)
}

/// Moves every inline string enum into a named schema (named after where it
/// sat), so that build.rs can give each one an `Other(String)` case.
fn open_string_enums(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let taken: std::collections::BTreeSet<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut names = taken.clone();
    visit_all_schemas(spec, &mut |obj, site| {
        // Parameters stay closed: they are only sent, never decoded.
        if site.parameter {
            return Ok(());
        }
        let mut replace = |child: &mut Value, child_site: &Site| -> Result<()> {
            let Some(c) = child.as_object_mut() else {
                return Ok(());
            };
            if !is_string_enum(c) {
                return Ok(());
            }
            let mut name = child_site.name.clone();
            while names.contains(&name) {
                name.push_str("Enum");
            }
            names.insert(name.clone());
            let mut def = c.clone();
            let nullable = def.remove("nullable").is_some_and(|n| n == true);
            let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
            *child = if nullable {
                json!({ "allOf": [reference], "nullable": true })
            } else {
                reference
            };
            hoisted.push((name, Value::Object(def)));
            Ok(())
        };
        if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
            for (pname, p) in props.iter_mut() {
                replace(p, &site.child(pname))?;
            }
        }
        if let Some(items) = obj.get_mut("items") {
            replace(items, &site.child("Item"))?;
        }
        if let Some(ap) = obj.get_mut("additionalProperties") {
            replace(ap, &site.child("Value"))?;
        }
        Ok(())
    })?;
    let changed = hoisted.len();
    let schemas = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .context("schemas")?;
    for (name, def) in hoisted {
        schemas.insert(name, def);
    }
    // A policy: named enums need no hoisting, and none may be inline after.
    Ok(changed)
}

/// Rewrites each `allOf` as one schema: a lone reference (with parts that
/// add nothing but `type`/`nullable`) becomes that reference; a reference
/// plus inline properties becomes one object with the referenced schema's
/// properties copied in (references inside them stay references).
fn flatten_all_of(spec: &mut Value, _: &Ctx) -> Result<usize> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .context("schemas")?;
    let mut changed = 0;
    visit_all_schemas(spec, &mut |obj, site| {
        let Some(parts) = obj.get("allOf").and_then(Value::as_array).cloned() else {
            return Ok(());
        };
        let adds_nothing = |p: &Value| {
            p.as_object().is_some_and(|o| {
                o.keys()
                    .all(|k| matches!(k.as_str(), "type" | "nullable" | "additionalProperties"))
            })
        };
        let refs: Vec<&Value> = parts.iter().filter(|p| p.get("$ref").is_some()).collect();
        let own_properties = obj.contains_key("properties");
        if refs.len() == 1
            && !own_properties
            && parts
                .iter()
                .all(|p| p.get("$ref").is_some() || adds_nothing(p))
        {
            // A component that is only a reference stays a distinct name.
            if site.component {
                return Ok(());
            }
            let keep_nullable = obj.get("nullable") == Some(&Value::Bool(true));
            obj.clear();
            obj.insert("$ref".into(), refs[0]["$ref"].clone());
            if keep_nullable {
                // A reference cannot carry `nullable`; it goes back into allOf.
                let r = obj.remove("$ref").unwrap_or_default();
                obj.insert("allOf".into(), json!([{ "$ref": r }]));
                obj.insert("nullable".into(), true.into());
                return Ok(());
            }
            changed += 1;
            return Ok(());
        }
        // The schema's own properties come after (and win over) its parts'.
        let own = json!({
            "properties": obj.get("properties").cloned().unwrap_or_else(|| json!({})),
            "required": obj.get("required").cloned().unwrap_or_else(|| json!([])),
        });
        let (properties, required) =
            merge_parts(parts.iter().chain(std::iter::once(&own)), &schemas)?;
        obj.remove("allOf");
        obj.insert("type".into(), "object".into());
        obj.insert("properties".into(), Value::Object(properties));
        obj.insert("additionalProperties".into(), json!({}));
        if !required.is_empty() {
            obj.insert("required".into(), Value::Array(required));
        }
        changed += 1;
        Ok(())
    })?;
    Ok(changed)
}

/// An object schema with its `allOf` parts and references resolved into
/// one set of properties.
fn resolve_object(s: &Value, schemas: &Map<String, Value>) -> Result<Value> {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r
            .strip_prefix("#/components/schemas/")
            .context("local $ref")?;
        let target = schemas
            .get(name)
            .with_context(|| format!("dangling $ref {r}"))?;
        return resolve_object(target, schemas);
    }
    let Some(parts) = s.get("allOf").and_then(Value::as_array) else {
        return Ok(s.clone());
    };
    let (properties, required) = merge_parts(parts.iter(), schemas)?;
    Ok(json!({ "type": "object", "properties": properties, "required": required }))
}

/// The properties (later parts win) and the required fields (in order,
/// once each) of several object schemas, references resolved.
fn merge_parts<'a>(
    parts: impl Iterator<Item = &'a Value>,
    schemas: &Map<String, Value>,
) -> Result<(Map<String, Value>, Vec<Value>)> {
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for part in parts {
        let resolved = resolve_object(part, schemas)?;
        if let Some(props) = resolved.get("properties").and_then(Value::as_object) {
            properties.extend(props.clone());
        }
        for r in resolved
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !required.contains(r) {
                required.push(r.clone());
            }
        }
    }
    Ok((properties, required))
}

impl Ctx<'_> {
    /// Whether the target version has an operation with this id.
    fn target_has(&self, op_id: &str) -> bool {
        self.history
            .get(self.target)
            .ok()
            .and_then(|v| v.doc.get("paths").and_then(Value::as_object))
            .is_some_and(|paths| {
                paths
                    .values()
                    .filter_map(Value::as_object)
                    .flat_map(|item| item.values())
                    .any(|op| op.get("operationId").and_then(Value::as_str) == Some(op_id))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::upstream::for_tests as upstream;

    #[test]
    fn a_rule_with_nothing_left_to_fix_fails_the_regen() {
        let Some(history) = upstream() else { return };
        let target = history.newest_released();
        let mut spec = crate::convert::swagger_to_openapi(&target.doc).unwrap();
        // Pretend upstream fixed what `one_success_response` works around.
        spec["paths"]["/auth"]["post"]["responses"]
            .as_object_mut()
            .unwrap()
            .remove("204");
        let err = apply_all(&mut spec, &history, &target.version).expect_err("regen must fail");
        let msg = format!("{err:#}");
        assert!(
            msg.contains("one_success_response") && msg.contains("no longer finds"),
            "{msg}"
        );
    }

    #[test]
    fn policies_may_find_nothing_but_must_hold_and_fixes_must_find_something() {
        let Some(history) = upstream() else { return };
        let ctx = Ctx {
            history: &history,
            target: "1.55",
        };
        fn nothing(_: &mut Value, _: &Ctx) -> Result<usize> {
            Ok(0)
        }
        fn never_done(spec: &mut Value, _: &Ctx) -> Result<usize> {
            spec["x-touched"] = json!(true);
            Ok(1)
        }
        let rule = |kind, apply| Rule {
            name: "probe",
            reason: "test",
            versions: (25, 99),
            kind,
            apply,
        };
        let mut spec = json!({});
        assert_eq!(
            apply_rule(&rule(Kind::Policy, nothing), &mut spec, &ctx).unwrap(),
            0
        );
        let e = apply_rule(&rule(Kind::Fix, nothing), &mut spec, &ctx).unwrap_err();
        assert!(format!("{e:#}").contains("no longer finds"), "{e:#}");
        for kind in [Kind::Policy, Kind::Fix] {
            let e = apply_rule(&rule(kind, never_done), &mut json!({}), &ctx).unwrap_err();
            assert!(format!("{e:#}").contains("does not hold"), "{e:#}");
        }
    }

    #[test]
    fn registry_auth_rule_fails_when_its_table_goes_stale() {
        let Some(history) = upstream() else { return };
        let target = history.newest_released();
        let fresh = crate::convert::swagger_to_openapi(&target.doc).unwrap();
        let ctx = Ctx {
            history: &history,
            target: &target.version,
        };
        let mut spec = fresh.clone();
        assert_eq!(registry_auth_the_engine_reads(&mut spec, &ctx).unwrap(), 3);
        let has_header = |spec: &Value, path: &str| {
            spec["paths"][path]["get"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["in"] == "header" && p["name"] == "X-Registry-Auth")
        };
        assert!(has_header(&spec, "/plugins/privileges"));
        assert!(has_header(&spec, "/distribution/{name}/json"));
        // Upstream documents the header on one of them: the table is stale.
        let mut spec = fresh.clone();
        spec["paths"]["/plugins/privileges"]["get"]["parameters"]
            .as_array_mut()
            .unwrap()
            .push(json!({"in": "header", "name": "X-Registry-Auth", "schema": {"type": "string"}}));
        let e = registry_auth_the_engine_reads(&mut spec, &ctx).unwrap_err();
        assert!(
            format!("{e:#}").contains("GetPluginPrivileges documents"),
            "{e:#}"
        );
        // An operation of the table is gone.
        let mut spec = fresh;
        spec["paths"]
            .as_object_mut()
            .unwrap()
            .remove("/distribution/{name}/json");
        let e = registry_auth_the_engine_reads(&mut spec, &ctx).unwrap_err();
        assert!(
            format!("{e:#}").contains("DistributionInspect is not in"),
            "{e:#}"
        );
        // Before 1.30 DistributionInspect is not expected.
        let old = history
            .versions
            .iter()
            .find(|v| v.version == "1.29")
            .unwrap();
        let mut spec = crate::convert::swagger_to_openapi(&old.doc).unwrap();
        let ctx = Ctx {
            history: &history,
            target: &old.version,
        };
        assert_eq!(registry_auth_the_engine_reads(&mut spec, &ctx).unwrap(), 2);
    }

    #[test]
    fn every_upstream_version_converts_and_every_rule_holds() {
        let Some(history) = upstream() else { return };
        let mut failures = Vec::new();
        for v in &history.versions {
            let mut spec = crate::convert::swagger_to_openapi(&v.doc).unwrap();
            if let Err(e) = apply_all(&mut spec, &history, &v.version) {
                failures.push(format!("v{}: {e:#}", v.version));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_rule_applies_to_the_newest_version() {
        let Some(history) = upstream() else { return };
        let target = history.newest_released();
        let mut spec = crate::convert::swagger_to_openapi(&target.doc).unwrap();
        let report = apply_all(&mut spec, &history, &target.version).unwrap();
        let minor = parse_minor(&target.version).unwrap();
        let applicable = RULES
            .iter()
            .filter(|r| r.versions.0 <= minor && minor <= r.versions.1)
            .count();
        assert_eq!(report.len(), applicable);
        assert!(
            applicable + 1 >= RULES.len(),
            "only version-scoped rules may be skipped"
        );
    }
}
