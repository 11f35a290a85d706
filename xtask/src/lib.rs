//! The project's task runner as a library: the spec derivation behind
//! `cargo xtask regen`, callable from tests (`tests/regen.rs`).

mod audit;
mod convert;
mod corrections;
mod json;
mod rules;
mod upstream;
mod versions;

use std::path::Path;

use anyhow::{Context, Result};

/// The files `regen` writes into `spec/`, relative to it.
pub const SPEC_FILE: &str = "engine-api.json";
pub const VERSIONS_FILE: &str = "versions.json";

/// What a regen produces.
pub struct Generated {
    /// `(file name in spec/, contents)` pairs.
    pub files: Vec<(String, String)>,
    /// One line per rule applied (its name, how many places it changed, why)
    /// and per version-table correction (what, from and to, why).
    pub report: Vec<String>,
}

/// Runs the whole derivation in memory. Pure function of the upstream directory and the chosen version, so
/// that two runs give byte-identical output.
pub fn generate(upstream: &Path, api: Option<&str>) -> Result<Generated> {
    let history = upstream::History::load(upstream)?;
    let target = match api {
        Some(v) => history.get(v)?,
        None => history.newest_released(),
    };
    let mut spec = convert::swagger_to_openapi(&target.doc)
        .with_context(|| format!("converting v{}", target.version))?;
    let mut report: Vec<String> = rules::apply_all(&mut spec, &history, &target.version)?
        .into_iter()
        .map(|line| format!("rule {line}"))
        .collect();
    let (table, corrected) = versions::build_table(&history, &target.version)?;
    report.extend(corrected);
    let mut spec_text = json::canonical_pretty(&spec);
    spec_text.push('\n');
    let mut table_text = json::canonical_pretty(&table);
    table_text.push('\n');
    Ok(Generated {
        files: vec![
            (SPEC_FILE.to_string(), spec_text),
            (VERSIONS_FILE.to_string(), table_text),
        ],
        report,
    })
}

/// `cargo xtask version-audit`: prints the version table's items whose
/// `since` the changelog (`CHANGELOG.md` beside the descriptions) does not
/// back, and the corrections applied (see `audit.rs`).
pub fn version_audit(upstream: &Path, all: bool) -> Result<()> {
    audit::run(upstream, all)
}
