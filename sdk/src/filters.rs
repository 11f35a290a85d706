//! The `filters` query parameter: a map from filter name to values, sent
//! as JSON.

use std::collections::BTreeMap;

/// Filters for list and prune calls, e.g. `label=app=web`, `status=exited`.
///
/// ```
/// use docker_engine::Filters;
/// let f = Filters::new().add("label", "app=web").add("status", "exited");
/// assert_eq!(f.to_query().unwrap(), r#"{"label":["app=web"],"status":["exited"]}"#);
/// assert_eq!(Filters::new().to_query(), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct Filters(BTreeMap<String, Vec<String>>);

impl Filters {
    /// No filters.
    pub fn new() -> Self {
        Filters::default()
    }

    /// Adds a value for `key` (values of one key are alternatives).
    pub fn add(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.entry(key.into()).or_default().push(value.into());
        self
    }

    /// Whether there is no filter.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The JSON for the query string, or `None` when empty.
    pub fn to_query(&self) -> Option<String> {
        // A JSON value's text cannot fail to encode (serializing the map
        // itself could, in serde's terms, so it is not used).
        (!self.0.is_empty()).then(|| {
            serde_json::Value::Object(
                self.0
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::from(v.clone())))
                    .collect(),
            )
            .to_string()
        })
    }
}
