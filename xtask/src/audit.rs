//! `cargo xtask version-audit`: which `since` values of the version table the
//! Engine's API changelog does not back.
//!
//! An item (operation, parameter, body field, schema field) whose `since` is
//! above the oldest version is *backed* when the changelog's section for that
//! version names it: the item's own name (the last part of its path) as a
//! word, or for an operation its route. It is also backed when it came with
//! something backed: an enclosing field of the same `since`, its operation
//! (parameters and body fields), or its schema (schema fields). Everything
//! else is a *suspect*: the description may merely have documented late
//! what the Engine already read. Suspects are checked against the Engine
//! (its source per release, the real engine) and either corrected
//! (`corrections.rs`) or left as they are; the audit lists both.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::upstream::History;

/// The changelog's text per minor version.
pub fn changelog_sections(text: &str) -> BTreeMap<u32, String> {
    let mut sections = BTreeMap::new();
    let mut current: Option<(u32, String)> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("## ") {
            if let Some((minor, body)) = current.take() {
                sections.insert(minor, body);
            }
            let minor = rest
                .trim_start_matches(['v', 'V'])
                .strip_prefix("1.")
                .and_then(|r| r.split_whitespace().next())
                .and_then(|m| m.parse().ok());
            current = minor.map(|m| (m, String::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    if let Some((minor, body)) = current {
        sections.insert(minor, body);
    }
    sections
}

/// Whether `word` occurs in `text` with no letter, digit or `_` on either
/// side.
fn has_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// A route with every `{param}` and `(param)` replaced by `{}`.
fn normalize_routes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' | '(' => {
                if depth == 0 {
                    out.push_str("{}");
                }
                depth += 1;
            }
            '}' | ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The name an item goes by: the last field of a path, without `[]`/`{}`.
fn leaf(path: &str) -> &str {
    let trimmed = path.trim_end_matches(['[', ']', '{', '}']);
    trimmed
        .rsplit(['.', ']', '}'])
        .next()
        .unwrap_or(trimmed)
        .trim_start_matches(['[', '{'])
}

/// The enclosing field of a path (`a.b[].c` → `a.b`), if any.
fn parent(path: &str) -> Option<&str> {
    let trimmed = path.trim_end_matches(['[', ']', '{', '}']);
    let cut = trimmed.rfind('.')?;
    Some(trimmed[..cut].trim_end_matches(['[', ']', '{', '}']))
}

fn since(a: &Value) -> u32 {
    a["since"]
        .as_str()
        .and_then(|s| s.strip_prefix("1."))
        .and_then(|m| m.parse().ok())
        .unwrap_or_default()
}

/// One item of the table, as the audit sees it.
pub struct Finding {
    pub view: &'static str,
    pub key: String,
    pub path: String,
    pub since: u32,
    /// Why it is backed, or `None` for a suspect.
    pub backed: Option<&'static str>,
}

/// Every item of `table` above the oldest version, with its backing.
pub fn audit(
    table: &Value,
    routes: &BTreeMap<String, String>,
    sections: &BTreeMap<u32, String>,
) -> Vec<Finding> {
    let oldest = since(&serde_json::json!({ "since": table["oldest"] }));
    let normalized: BTreeMap<u32, String> = sections
        .iter()
        .map(|(m, t)| (*m, normalize_routes(t)))
        .collect();
    let section = |m: u32| sections.get(&m).map(String::as_str).unwrap_or_default();
    let ops = table["operations"].as_object().cloned().unwrap_or_default();
    let op_backed = |op: &str, m: u32| {
        routes.get(op).is_some_and(|r| {
            normalized
                .get(&m)
                .is_some_and(|t| t.contains(&normalize_routes(r)))
        })
    };
    let mut out = Vec::new();
    for (op, a) in &ops {
        let m = since(a);
        if m > oldest {
            out.push(Finding {
                view: "operations",
                key: op.clone(),
                path: String::new(),
                since: m,
                backed: op_backed(op, m).then_some("its route is in the changelog"),
            });
        }
    }
    for view in ["parameters", "bodies", "fields"] {
        let Some(t) = table[view].as_object() else {
            continue;
        };
        for (key, inner) in t {
            let Some(inner) = inner.as_object() else {
                continue;
            };
            let schema_first = inner.values().map(since).min().unwrap_or_default();
            for (path, a) in inner {
                let m = since(a);
                if m <= oldest {
                    continue;
                }
                let named = |p: &str| has_word(section(m), leaf(p));
                let mut backed = named(path).then_some("named in the changelog");
                if backed.is_none() && view != "parameters" {
                    let mut up = parent(path);
                    while let Some(p) = up {
                        match inner.get(p) {
                            Some(pa) if since(pa) == m => {
                                if named(p) {
                                    backed =
                                        Some("came with an enclosing field the changelog names");
                                    break;
                                }
                                up = parent(p);
                            }
                            _ => break,
                        }
                    }
                }
                if backed.is_none() && view != "fields" && ops.get(key).map(since) == Some(m) {
                    backed = Some("came with its operation");
                }
                if backed.is_none() && view == "fields" && schema_first == m {
                    backed = Some("came with its schema");
                }
                out.push(Finding {
                    view,
                    key: key.clone(),
                    path: path.clone(),
                    since: m,
                    backed,
                });
            }
        }
    }
    out
}

/// The route of every operation, as `METHOD /path` in the newest version
/// that has it.
pub fn routes(history: &History) -> BTreeMap<String, String> {
    let mut routes = BTreeMap::new();
    for v in &history.versions {
        let Some(paths) = v.doc.get("paths").and_then(Value::as_object) else {
            continue;
        };
        for (route, item) in paths {
            for (method, op) in item.as_object().into_iter().flatten() {
                if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                    routes.insert(id.to_string(), format!("{} {route}", method.to_uppercase()));
                }
            }
        }
    }
    routes
}

/// Runs the audit over `upstream` and prints it: per view, how many items
/// are backed and which are not (with what the corrections changed).
pub fn run(upstream: &Path, all: bool) -> Result<()> {
    let history = History::load(upstream)?;
    let target = history.newest_released().version.clone();
    let (table, _) = crate::versions::build_table(&history, &target)?;
    let log = upstream.join("CHANGELOG.md");
    let text =
        std::fs::read_to_string(&log).with_context(|| format!("reading {}", log.display()))?;
    let findings = audit(&table, &routes(&history), &changelog_sections(&text));
    let corrected = crate::corrections::corrected_keys();
    for view in ["operations", "parameters", "bodies", "fields"] {
        let of_view: Vec<&Finding> = findings.iter().filter(|f| f.view == view).collect();
        let suspects: Vec<&&Finding> = of_view.iter().filter(|f| f.backed.is_none()).collect();
        println!(
            "{view}: {} items above the oldest version, {} backed by the changelog, {} suspects",
            of_view.len(),
            of_view.len() - suspects.len(),
            suspects.len()
        );
        if all || view != "fields" {
            for f in suspects {
                let mark = if crate::corrections::covers(view, &f.key, &f.path) {
                    "  (corrected)"
                } else {
                    ""
                };
                println!("  1.{:<3} {} {}{mark}", f.since, f.key, f.path);
            }
        }
    }
    println!("corrections applied: {}", corrected.len());
    for c in corrected {
        println!("  {c}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sections_words_and_routes() {
        let log = "## v1.30 API changes\n\n* `PUT /containers/(name)/archive` now accepts `copyUIDGID`.\n\n## V1.29 API changes\n\n* Init\n";
        let s = changelog_sections(log);
        assert!(has_word(&s[&30], "copyUIDGID"));
        assert!(!has_word(&s[&30], "UID"));
        assert!(has_word(&s[&29], "Init"));
        assert!(
            normalize_routes(&s[&30]).contains(&normalize_routes("PUT /containers/{id}/archive"))
        );
        assert_eq!(leaf("HostConfig.PortBindings{}[].HostIp"), "HostIp");
        assert_eq!(leaf("IPAM.Config[]"), "Config");
        assert_eq!(parent("a.b[].c"), Some("a.b"));
        assert_eq!(parent("a"), None);
    }
}
