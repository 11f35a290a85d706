//! Values to call every operation with, derived from `spec/engine-api.json`.
//!
//! Strings are chosen to exercise encoding: path parameters hold `/`, space
//! and `:`; query strings hold `&`, `=`, `+`, `%` and a space. Parameters the
//! Engine reads as JSON get JSON. Request bodies are built from the body
//! schema with every property set, then decoded into the generated type, so
//! a field the type lost or renamed shows up when the request is checked.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use crate::spec::{normalize, Spec};

/// Query parameters the Engine decodes as JSON, with a sample of the shape
/// it expects.
pub fn json_param_sample(name: &str) -> Option<Value> {
    match name {
        "filters" => Some(json!({ "label": ["a=b", "c d"], "dangling": ["true"] })),
        "buildargs" | "labels" => Some(json!({ "k": "v w", "x": "1&2" })),
        "cachefrom" => Some(json!(["img:1", "reg/img:2"])),
        _ => None,
    }
}

pub const PATH_VALUE: &str = "a/b c:1";
pub const REGISTRY_AUTH: &str = "eyJ1c2VybmFtZSI6InUiLCJwYXNzd29yZCI6InAifQ==";
pub const BINARY_BODY: &[u8] = b"\x00\x01contract body\xff\xfe";

pub struct Samples {
    strings: HashMap<(String, String), String>,
    lists: HashMap<(String, String), Vec<String>>,
    /// The JSON each body was built from, by operation.
    bodies: Mutex<HashMap<String, Value>>,
    spec: &'static Spec,
}

impl Samples {
    pub fn new(spec: &'static Spec) -> Samples {
        let mut strings = HashMap::new();
        let mut lists = HashMap::new();
        for op in spec.operations() {
            for p in &op.params {
                let key = (op.id.clone(), normalize(&p.name));
                let schema = &p.schema;
                if schema.get("type").and_then(Value::as_str) == Some("array") {
                    let items = match enum_values(spec.resolve(&schema["items"])) {
                        Some(values) => vec![values[0].clone(), values[values.len() - 1].clone()],
                        None => vec![format!("{}-item +&%", p.name), format!("{}-2", p.name)],
                    };
                    lists.insert(key, items);
                    continue;
                }
                let value = if let Some(values) = enum_values(schema) {
                    values[0].clone()
                } else if p.location == "path" {
                    PATH_VALUE.to_string()
                } else if p.name.eq_ignore_ascii_case("X-Registry-Auth") {
                    REGISTRY_AUTH.to_string()
                } else if let Some(v) = json_param_sample(&p.name) {
                    v.to_string()
                } else if p.location == "header" {
                    format!("{}-value", p.name)
                } else {
                    format!("{} v=1&x+%", p.name)
                };
                strings.insert(key, value);
            }
        }
        Samples {
            strings,
            lists,
            bodies: Mutex::new(HashMap::new()),
            spec,
        }
    }

    /// The sample for a string parameter, by its Rust or API name.
    pub fn str(&self, op: &str, name: &str) -> &str {
        self.strings
            .get(&(op.to_string(), normalize(name)))
            .unwrap_or_else(|| panic!("{op}: no string parameter {name}"))
    }

    /// The sample for an array parameter.
    pub fn list(&self, op: &str, name: &str) -> &Vec<String> {
        self.lists
            .get(&(op.to_string(), normalize(name)))
            .unwrap_or_else(|| panic!("{op}: no array parameter {name}"))
    }

    /// The sample for an enum parameter, parsed into its generated type.
    pub fn parse<T: FromStr>(&self, op: &str, name: &str) -> T {
        let s = self.str(op, name);
        T::from_str(s).unwrap_or_else(|_| panic!("{op}: {name} sample {s:?} does not parse"))
    }

    /// A raw body.
    pub fn bytes(&self) -> Vec<u8> {
        BINARY_BODY.to_vec()
    }

    /// A JSON body for `op` with every property set, as the generated type.
    pub fn body<T: DeserializeOwned>(&self, op: &str) -> T {
        let schema = self
            .spec
            .operation(op)
            .and_then(|o| o.json_body.clone())
            .unwrap_or_else(|| panic!("{op} has no JSON body"));
        let value = sample(self.spec, &schema, 0);
        let typed = serde_json::from_value(value.clone()).unwrap_or_else(|e| {
            panic!("{op}: sample body does not decode into the generated type: {e}\n{value:#}")
        });
        self.bodies.lock().unwrap().insert(op.to_string(), value);
        typed
    }

    /// The JSON a body was built from.
    pub fn sent_body(&self, op: &str) -> Option<Value> {
        self.bodies.lock().unwrap().get(op).cloned()
    }
}

fn enum_values(schema: &Value) -> Option<Vec<String>> {
    let values: Vec<String> = schema
        .get("enum")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (!values.is_empty()).then_some(values)
}

/// A value of `schema` with every property set.
pub fn sample(spec: &Spec, schema: &Value, depth: usize) -> Value {
    assert!(depth < 24, "schema nests too deep (a cycle?)");
    let schema = spec.resolve(schema);
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            match sample(spec, part, depth + 1) {
                Value::Object(m) => merged.extend(m),
                other => return other,
            }
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return sample(spec, first, depth + 1);
        }
    }
    if let Some(values) = enum_values(schema) {
        return Value::String(values[0].clone());
    }
    let ty = schema.get("type").and_then(Value::as_str);
    match ty {
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date-time" | "dateTime") => json!("2024-05-06T07:08:09.123456789Z"),
            _ => json!("text"),
        },
        Some("integer") => {
            let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
            json!(min.max(3))
        }
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => {
            let n = schema
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .max(1);
            Value::Array(
                (0..n)
                    .map(|_| sample(spec, &schema["items"], depth + 1))
                    .collect(),
            )
        }
        _ => {
            let mut out = Map::new();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (name, p) in props {
                    out.insert(name.clone(), sample(spec, p, depth + 1));
                }
            } else if let Some(ap) = schema
                .get("additionalProperties")
                .filter(|ap| ap.is_object())
            {
                // A map: one entry. A free-form object (`{}`) gets a string.
                let v = if ap.as_object().is_some_and(Map::is_empty) {
                    json!("any")
                } else {
                    sample(spec, ap, depth + 1)
                };
                out.insert("key/1".into(), v);
            }
            Value::Object(out)
        }
    }
}
