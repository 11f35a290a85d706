//! Deterministic JSON output: keys sorted at every level, two-space indent.

use serde_json::{Map, Value};

/// Rebuilds `v` with every object's keys in sorted order, whatever map
/// implementation `serde_json` was built with.
pub fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), sorted(&m[k]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Pretty JSON with sorted keys.
pub fn canonical_pretty(v: &Value) -> String {
    serde_json::to_string_pretty(&sorted(v)).expect("a Value always serializes")
}
