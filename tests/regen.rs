//! `cargo xtask regen` is deterministic and `spec/` is what it produces.

use std::path::{Path, PathBuf};

/// The upstream descriptions sit beside the project as `../shared/spec/moby`.
/// In CI they must be there; elsewhere the test says loudly that it skipped.
fn upstream() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/moby");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("upstream specs not found at {}", dir.display());
    }
    eprintln!(
        "\n*** SKIPPED: upstream specs not found at {} ***\n",
        dir.display()
    );
    None
}

#[test]
fn regen_is_deterministic_and_spec_is_current() {
    let Some(upstream) = upstream() else { return };
    let first = xtask::generate(&upstream, None).expect("regen");
    let second = xtask::generate(&upstream, None).expect("regen again");
    assert_eq!(first.files, second.files, "two regens differ");
    for (name, contents) in &first.files {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("spec")
            .join(name);
        let committed =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            committed == *contents,
            "spec/{name} is stale: run `cargo xtask regen` and commit"
        );
    }
}

#[test]
fn spec_carries_no_upstream_prose() {
    let spec = include_str!("../spec/engine-api.json");
    let doc: serde_json::Value = serde_json::from_str(spec).unwrap();
    fn walk(v: &serde_json::Value, at: &str, found: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    let prose = matches!(
                        k.as_str(),
                        "summary" | "example" | "examples" | "title" | "externalDocs"
                    ) || (k == "description"
                        && v.as_str().is_some_and(|s| !s.is_empty()));
                    // `properties` maps field names, which may be any word.
                    // `info.title` is required by OpenAPI and is our own.
                    if prose && !at.ends_with("/properties") && !(at == "/info" && k == "title") {
                        found.push(format!("{at}/{k}"));
                    }
                    walk(v, &format!("{at}/{k}"), found);
                }
            }
            serde_json::Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(v, &format!("{at}/{i}"), found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(&doc, "", &mut found);
    assert!(found.is_empty(), "prose in spec/: {found:?}");
}
