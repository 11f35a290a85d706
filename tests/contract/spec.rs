//! A reader for `spec/engine-api.json`: operations, parameters, bodies and
//! schema references, as the contract test needs them.

use serde_json::Value;

pub struct Spec {
    pub doc: Value,
    ops: Vec<Operation>,
}

pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub params: Vec<Param>,
    /// The request body's media type, if the operation takes one.
    pub body_media_type: Option<String>,
    /// The JSON body's schema, for JSON bodies.
    pub json_body: Option<Value>,
}

pub struct Param {
    pub name: String,
    pub location: String,
    pub schema: Value,
}

/// Lower-case letters and digits only: `Content-type`, `content_type` and
/// `contentType` are the same name.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Spec {
    pub fn load() -> Spec {
        let text = include_str!("../../spec/engine-api.json");
        let doc: Value = serde_json::from_str(text).expect("spec/engine-api.json is JSON");
        let mut ops = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let params = op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|p| Param {
                        name: p["name"].as_str().unwrap().to_string(),
                        location: p["in"].as_str().unwrap().to_string(),
                        schema: p["schema"].clone(),
                    })
                    .collect();
                let content = op
                    .pointer("/requestBody/content")
                    .and_then(Value::as_object);
                let body_media_type = content.and_then(|c| c.keys().next().cloned());
                let json_body = content
                    .and_then(|c| c.get("application/json"))
                    .map(|mt| mt["schema"].clone());
                ops.push(Operation {
                    id: op["operationId"].as_str().unwrap().to_string(),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    params,
                    body_media_type,
                    json_body,
                });
            }
        }
        ops.sort_by(|a, b| a.id.cmp(&b.id));
        Spec { doc, ops }
    }

    pub fn operations(&self) -> &[Operation] {
        &self.ops
    }

    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.ops.iter().find(|o| o.id == id)
    }

    /// Follows `$ref`s until a schema that is not one.
    pub fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        while let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.strip_prefix("#/components/schemas/").expect("local $ref");
            schema = &self.doc["components"]["schemas"][name];
            assert!(!schema.is_null(), "dangling $ref {r}");
        }
        schema
    }

    /// The API version the description is for.
    pub fn version(&self) -> &str {
        self.doc["info"]["version"].as_str().expect("info.version")
    }
}
