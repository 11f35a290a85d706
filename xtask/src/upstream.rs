//! Loading the upstream Swagger 2.0 descriptions, one per API version.

use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};

/// One upstream API version.
pub struct Version {
    /// `"1.41"`.
    pub version: String,
    /// The minor number, for ordering (`41`).
    pub minor: u32,
    /// The Swagger 2.0 document, as JSON.
    pub doc: Value,
    /// Whether this comes from the in-progress description (not released).
    pub in_progress: bool,
}

/// Every upstream version found, oldest first.
pub struct History {
    pub versions: Vec<Version>,
}

impl History {
    /// Reads `v1.NN.yaml` for every released version and `swagger.yaml` (the
    /// version in progress) from `dir`.
    pub fn load(dir: &Path) -> Result<History> {
        let mut versions = Vec::new();
        let entries = std::fs::read_dir(dir)
            .with_context(|| format!("reading upstream {}", dir.display()))?;
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        for name in names {
            let in_progress = name == "swagger.yaml";
            let released = name.starts_with("v1.") && name.ends_with(".yaml");
            if !released && !in_progress {
                continue;
            }
            let path = dir.join(&name);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let yaml: serde_norway::Value = serde_norway::from_str(&text)
                .with_context(|| format!("parsing {}", path.display()))?;
            let doc = yaml_to_json(yaml).with_context(|| format!("in {}", path.display()))?;
            let version = doc
                .pointer("/info/version")
                .and_then(Value::as_str)
                .with_context(|| format!("{} has no info.version", path.display()))?
                .to_string();
            let minor = parse_minor(&version)?;
            if released && name != format!("v{version}.yaml") {
                bail!("{name} declares version {version}");
            }
            versions.push(Version {
                version,
                minor,
                doc,
                in_progress,
            });
        }
        versions.sort_by_key(|v| (v.minor, v.in_progress));
        // The in-progress file may repeat a released version; the release wins.
        versions.dedup_by(|later, earlier| later.minor == earlier.minor);
        if versions.iter().all(|v| v.in_progress) {
            bail!("no released API version found in {}", dir.display());
        }
        Ok(History { versions })
    }

    /// The newest released version.
    pub fn newest_released(&self) -> &Version {
        self.versions
            .iter()
            .rev()
            .find(|v| !v.in_progress)
            .expect("load() guarantees one released version")
    }

    /// The version named `v` (`"1.41"` or `"v1.41"`).
    pub fn get(&self, v: &str) -> Result<&Version> {
        let v = v.trim_start_matches('v');
        self.versions
            .iter()
            .find(|x| x.version == v)
            .with_context(|| {
                let known: Vec<&str> = self.versions.iter().map(|x| x.version.as_str()).collect();
                format!(
                    "no upstream description for API {v} (have {})",
                    known.join(", ")
                )
            })
    }

    /// The versions from the oldest up to and including `target`.
    pub fn up_to<'a>(&'a self, target: &str) -> impl Iterator<Item = &'a Version> + 'a {
        let minor = parse_minor(target).unwrap_or(u32::MAX);
        self.versions.iter().filter(move |v| v.minor <= minor)
    }
}

/// `"1.41"` -> `41`.
pub fn parse_minor(version: &str) -> Result<u32> {
    let Some(("1", minor)) = version.split_once('.') else {
        bail!("unexpected API version `{version}`");
    };
    minor
        .parse()
        .with_context(|| format!("unexpected API version `{version}`"))
}

/// YAML allows non-string keys (`200:` for response codes); JSON does not, so
/// scalars used as keys become their string form.
fn yaml_to_json(v: serde_norway::Value) -> Result<Value> {
    use serde_norway::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().context("unrepresentable number")?;
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .context("non-finite number")?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(seq) => Value::Array(seq.into_iter().map(yaml_to_json).collect::<Result<_>>()?),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => bail!("unsupported mapping key {other:?}"),
                };
                out.insert(key, yaml_to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(t.value)?,
    })
}

/// The upstream history beside the repository, for tests: `None` (with a
/// loud message) when it is missing outside CI; in CI a missing history
/// fails.
#[cfg(test)]
pub(crate) fn for_tests() -> Option<History> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec/moby");
    if !dir.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "upstream specs missing at {}",
            dir.display()
        );
        eprintln!("*** SKIPPED: no upstream specs at {} ***", dir.display());
        return None;
    }
    Some(History::load(&dir).expect("load upstream"))
}
