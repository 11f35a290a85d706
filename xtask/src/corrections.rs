//! Corrections to the version table where the upstream descriptions are
//! incomplete: items the Engine read before the description documented
//! them. Without these, gating would refuse requests that engines of those
//! versions do read.
//!
//! Each correction names the item, the `since` the descriptions give
//! (`derived`, checked on every regen), the version the Engine has read the
//! item since, and why: the API changelog's entry for that version, or the
//! Engine release of that API version reading the item (its source, tag
//! named). **Invariant**, as for the rules: a correction whose item is gone or
//! whose derived `since` is no longer what it claims fails the regen, so a
//! description fixed upstream is noticed and the correction removed.
//!
//! A correction of a body field or schema field also moves the fields below
//! it that the descriptions introduced in the same version (they came with
//! it); one of an operation also moves its parameters and body fields that
//! came with it.

use std::collections::BTreeMap;

use anyhow::{bail, Result};

use crate::upstream::parse_minor;
use crate::versions::{Presence, Table};

/// What a correction applies to.
#[derive(Debug)]
pub enum Item {
    /// An operation, by upstream id.
    Operation(&'static str),
    /// A query, path or header parameter: operation id, name.
    Parameter(&'static str, &'static str),
    /// A request body field and what is below it: operation ids, path.
    Body(&'static [&'static str], &'static str),
    /// A field of a named schema and what is below it: schema, path (`""`:
    /// every field of the schema).
    Field(&'static str, &'static str),
}

/// One correction of the table.
pub struct Correction {
    pub item: Item,
    /// The `since` the descriptions give.
    pub derived: &'static str,
    /// The version the Engine has read the item since.
    pub since: &'static str,
    pub why: &'static str,
}

/// An operation whose id changed while its route stayed: the old id's
/// versions are the new id's too (parameters and body fields of the same
/// name included).
pub struct Renamed {
    pub op: &'static str,
    /// The id the descriptions used before `op` appeared.
    pub was: &'static str,
    /// The version in which the descriptions switched to `op`.
    pub derived: &'static str,
    pub why: &'static str,
}

const ARCHIVE_RENAME: &str = "same route under the id the descriptions used up to 1.27";
const ENGINE_1_13: &str =
    "read by Engine 1.13 (API 1.25, tag v1.13.0); the descriptions gained it later";
const ENGINE_17_06: &str =
    "read by Engine 17.06 (API 1.30, tag v17.06.0-ce); the descriptions gained it later";

pub const RENAMED: &[Renamed] = &[
    Renamed {
        op: "ContainerArchive",
        was: "ContainerGetArchive",
        derived: "1.28",
        why: ARCHIVE_RENAME,
    },
    Renamed {
        op: "ContainerArchiveInfo",
        was: "ContainerArchiveHead",
        derived: "1.28",
        why: ARCHIVE_RENAME,
    },
    Renamed {
        op: "PutContainerArchive",
        was: "ContainerPutArchive",
        derived: "1.28",
        why: ARCHIVE_RENAME,
    },
];

const SERVICE: &[&str] = &["ServiceCreate", "ServiceUpdate"];

pub const CORRECTIONS: &[Correction] = &[
    // Operations.
    Correction {
        item: Item::Operation("SecretUpdate"),
        derived: "1.26",
        since: "1.25",
        why: "changelog v1.25: the secret update endpoint is among the new secret endpoints",
    },
    // Parameters.
    Correction {
        item: Item::Parameter("ContainerDelete", "link"),
        derived: "1.27",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Parameter("PutContainerArchive", "copyUIDGID"),
        derived: "1.39",
        since: "1.30",
        why: "changelog v1.30: extracting an archive accepts copyUIDGID",
    },
    Correction {
        item: Item::Parameter("GetPluginPrivileges", "remote"),
        derived: "1.27",
        since: "1.25",
        why: "read by Engine 1.13 (API 1.25, tag v1.13.0); descriptions before 1.27 called it `name`",
    },
    Correction {
        item: Item::Parameter("ImageBuild", "target"),
        derived: "1.37",
        since: "1.29",
        why: "read by Engine 17.05 (API 1.29, tag v17.05.0-ce, multi-stage builds); the descriptions gained it in 1.37",
    },
    Correction {
        item: Item::Parameter("ImageCreate", "changes"),
        derived: "1.40",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Parameter("ImageCreate", "message"),
        derived: "1.39",
        since: "1.25",
        why: ENGINE_1_13,
    },
    // Container bodies.
    Correction {
        item: Item::Body(&["ContainerCreate"], "HostConfig.Init"),
        derived: "1.37",
        since: "1.25",
        why: "changelog v1.25: container create takes HostConfig.Init",
    },
    Correction {
        item: Item::Body(&["ContainerCreate"], "HostConfig.KernelMemory"),
        derived: "1.36",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Body(&["ContainerUpdate"], "KernelMemory"),
        derived: "1.36",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Body(&["ContainerCreate"], "HostConfig.Mounts[].Consistency"),
        derived: "1.29",
        since: "1.28",
        why: "changelog v1.28: container create takes a mount's Consistency",
    },
    Correction {
        item: Item::Body(&["ContainerCreate"], "HostConfig.PortBindings{}[]"),
        derived: "1.35",
        since: "1.25",
        why: "a port's bindings were always a list; descriptions before 1.35 gave one binding per port",
    },
    // Network bodies.
    Correction {
        item: Item::Body(&["NetworkCreate"], "IPAM.Config[]"),
        derived: "1.41",
        since: "1.25",
        why: "read by Engine 1.13 (API 1.25, tag v1.13.0); descriptions before 1.41 gave the pools as string maps",
    },
    Correction {
        item: Item::Body(&["NetworkCreate"], "Attachable"),
        derived: "1.27",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Body(&["NetworkCreate"], "ConfigFrom"),
        derived: "1.41",
        since: "1.30",
        why: ENGINE_17_06,
    },
    Correction {
        item: Item::Body(&["NetworkCreate"], "ConfigOnly"),
        derived: "1.41",
        since: "1.30",
        why: ENGINE_17_06,
    },
    Correction {
        item: Item::Body(&["NetworkCreate"], "Scope"),
        derived: "1.41",
        since: "1.30",
        why: ENGINE_17_06,
    },
    // Service bodies (read where the Engine converts a spec for swarm).
    Correction {
        item: Item::Body(SERVICE, "EndpointSpec.Ports[].PublishMode"),
        derived: "1.34",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Body(SERVICE, "TaskTemplate.ContainerSpec.Groups"),
        derived: "1.27",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Body(SERVICE, "TaskTemplate.ContainerSpec.HealthCheck"),
        derived: "1.27",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Body(SERVICE, "TaskTemplate.ContainerSpec.Hostname"),
        derived: "1.27",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Body(SERVICE, "TaskTemplate.ContainerSpec.Hosts"),
        derived: "1.27",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Body(SERVICE, "TaskTemplate.ContainerSpec.OpenStdin"),
        derived: "1.27",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Body(SERVICE, "TaskTemplate.ContainerSpec.Secrets"),
        derived: "1.27",
        since: "1.25",
        why: "changelog v1.25 adds the secret endpoints; Engine 1.13 (tag v1.13.0) gives services their secrets",
    },
    Correction {
        item: Item::Body(SERVICE, "TaskTemplate.ContainerSpec.Privileges"),
        derived: "1.30",
        since: "1.29",
        why: "changelog v1.29: service create accepts Privileges in ContainerSpec",
    },
    Correction {
        item: Item::Body(SERVICE, "TaskTemplate.Networks[].DriverOpts"),
        derived: "1.39",
        since: "1.30",
        why: ENGINE_17_06,
    },
    Correction {
        item: Item::Body(SERVICE, "Networks[].DriverOpts"),
        derived: "1.39",
        since: "1.30",
        why: ENGINE_17_06,
    },
    // The same fields in the per-schema view.
    Correction {
        item: Item::Field("Resources", "Init"),
        derived: "1.37",
        since: "1.25",
        why: "changelog v1.25: container create takes HostConfig.Init",
    },
    Correction {
        item: Item::Field("Resources", "KernelMemory"),
        derived: "1.36",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Field("Mount", "Consistency"),
        derived: "1.29",
        since: "1.28",
        why: "changelog v1.28: container create takes a mount's Consistency",
    },
    Correction {
        item: Item::Field("PortBinding", ""),
        derived: "1.32",
        since: "1.25",
        why: "a port's bindings were always a list of these; descriptions before 1.32 had no schema for one",
    },
    Correction {
        item: Item::Field("IPAMConfig", ""),
        derived: "1.41",
        since: "1.25",
        why: "read by Engine 1.13 (API 1.25, tag v1.13.0); descriptions before 1.41 gave the pools as string maps",
    },
    Correction {
        item: Item::Field("EndpointPortConfig", "PublishMode"),
        derived: "1.34",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Field("TaskSpec", "ContainerSpec.Groups"),
        derived: "1.27",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Field("TaskSpec", "ContainerSpec.HealthCheck"),
        derived: "1.27",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Field("TaskSpec", "ContainerSpec.Hostname"),
        derived: "1.27",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Field("TaskSpec", "ContainerSpec.Hosts"),
        derived: "1.27",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Field("TaskSpec", "ContainerSpec.OpenStdin"),
        derived: "1.27",
        since: "1.25",
        why: ENGINE_1_13,
    },
    Correction {
        item: Item::Field("TaskSpec", "ContainerSpec.Secrets"),
        derived: "1.27",
        since: "1.25",
        why: "changelog v1.25 adds the secret endpoints; Engine 1.13 (tag v1.13.0) gives services their secrets",
    },
    Correction {
        item: Item::Field("TaskSpec", "ContainerSpec.Privileges"),
        derived: "1.30",
        since: "1.29",
        why: "changelog v1.29: service create accepts Privileges in ContainerSpec",
    },
    Correction {
        item: Item::Field("NetworkAttachmentConfig", "DriverOpts"),
        derived: "1.39",
        since: "1.30",
        why: ENGINE_17_06,
    },
];

/// One line per rename and correction: what, from and to, why.
pub fn corrected_keys() -> Vec<String> {
    let renames = RENAMED.iter().map(|r| {
        format!(
            "operation {} (was {}) {} -> as old as {}: {}",
            r.op, r.was, r.derived, r.was, r.why
        )
    });
    let corrections = CORRECTIONS
        .iter()
        .map(|c| format!("{:?} {} -> {}: {}", c.item, c.derived, c.since, c.why));
    renames.chain(corrections).collect()
}

/// Whether a rename or correction covers the item `path` of `key` in the
/// table's `view` (`operations`, `parameters`, `bodies`, `fields`).
pub fn covers(view: &str, key: &str, path: &str) -> bool {
    let renamed = RENAMED.iter().any(|r| r.op == key && view != "fields");
    renamed
        || CORRECTIONS.iter().any(|c| match c.item {
            Item::Operation(op) => op == key && view != "fields",
            Item::Parameter(op, name) => view == "parameters" && op == key && name == path,
            Item::Body(ops, root) => view == "bodies" && ops.contains(&key) && below(path, root),
            Item::Field(schema, root) => view == "fields" && schema == key && below(path, root),
        })
}

/// The tables a correction works on, as `build_table` collects them.
pub struct Tables<'a> {
    pub operations: &'a mut BTreeMap<String, Presence>,
    pub parameters: &'a mut Table,
    pub fields: &'a mut Table,
    pub bodies: &'a mut Table,
    /// Per operation id, per minor: `(method, path)`.
    pub routes: &'a BTreeMap<String, BTreeMap<u32, (String, String)>>,
    /// Every minor version in the table, oldest first.
    pub minors: &'a [u32],
}

fn first(p: &Presence) -> u32 {
    *p.minors.first().expect("present in at least one version")
}

/// Whether `path` is `root` or below it.
fn below(path: &str, root: &str) -> bool {
    root.is_empty()
        || path == root
        || path
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with(['.', '[', '{']))
}

/// Adds every version from `since` up to (not including) the item's first.
fn extend(p: &mut Presence, since: u32, minors: &[u32]) {
    let first = first(p);
    p.minors.extend(
        minors
            .iter()
            .copied()
            .filter(|m| (since..first).contains(m)),
    );
}

/// Moves the items of `inner` at or below `root` that first appear in
/// `derived` to `since`; returns how many it moved.
fn extend_subtree(
    inner: &mut BTreeMap<String, Presence>,
    root: &str,
    derived: u32,
    since: u32,
    minors: &[u32],
) -> usize {
    let mut n = 0;
    for (path, p) in inner.iter_mut() {
        if below(path, root) && first(p) == derived {
            extend(p, since, minors);
            n += 1;
        }
    }
    n
}

/// Applies every rename and correction that concerns the table's versions
/// (up to `newest`); returns one report line each.
pub fn apply(t: &mut Tables, newest: u32) -> Result<Vec<String>> {
    let mut report = Vec::new();
    for r in RENAMED {
        let derived = parse_minor(r.derived)?;
        if derived > newest {
            continue;
        }
        let changed = rename(t, r, derived)
            .map_err(|e| e.context(format!("rename {} <- {} ({})", r.op, r.was, r.why)))?;
        report.push(format!(
            "rename {} <- {}: {changed} items ({})",
            r.op, r.was, r.why
        ));
    }
    for c in CORRECTIONS {
        let derived = parse_minor(c.derived)?;
        let since = parse_minor(c.since)?;
        if since >= derived {
            bail!(
                "correction {:?}: since {} is not before {}",
                c.item,
                c.since,
                c.derived
            );
        }
        if derived > newest {
            continue;
        }
        let changed = correct(t, c, derived, since)
            .map_err(|e| e.context(format!("correction {:?} ({})", c.item, c.why)))?;
        report.push(format!(
            "correct {:?} {} -> {}: {changed} items ({})",
            c.item, c.derived, c.since, c.why
        ));
    }
    Ok(report)
}

fn stale(what: &str, got: Option<u32>, claimed: &str) -> anyhow::Error {
    match got {
        None => anyhow::anyhow!("{what} is no longer in the descriptions; remove the correction"),
        Some(m) => anyhow::anyhow!(
            "the descriptions now give {what} since 1.{m}, not {claimed}: upstream changed it, revisit the correction"
        ),
    }
}

/// The first minor of the items at or below `root` (the earliest).
fn subtree_first(inner: Option<&BTreeMap<String, Presence>>, root: &str) -> Option<u32> {
    inner?
        .iter()
        .filter(|(path, _)| below(path, root))
        .map(|(_, p)| first(p))
        .min()
}

fn correct(t: &mut Tables, c: &Correction, derived: u32, since: u32) -> Result<usize> {
    let minors = t.minors;
    let check = |what: String, got: Option<u32>| -> Result<()> {
        if got == Some(derived) {
            Ok(())
        } else {
            Err(stale(&what, got, c.derived))
        }
    };
    let mut changed = 0;
    match c.item {
        Item::Operation(op) => {
            let p = t.operations.get_mut(op);
            check(format!("operation {op}"), p.as_deref().map(first))?;
            extend(p.expect("checked"), since, minors);
            changed += 1;
            for table in [&mut *t.parameters, &mut *t.bodies] {
                if let Some(inner) = table.get_mut(op) {
                    changed += extend_subtree(inner, "", derived, since, minors);
                }
            }
        }
        Item::Parameter(op, name) => {
            let p = t.parameters.get_mut(op).and_then(|i| i.get_mut(name));
            check(format!("parameter {name} of {op}"), p.as_deref().map(first))?;
            extend(p.expect("checked"), since, minors);
            changed += 1;
        }
        Item::Body(ops, path) => {
            for op in ops {
                let inner = t.bodies.get_mut(*op);
                // The item itself, or (for a path such as `a[]` that is no
                // item of its own) the earliest item below it.
                let got = match inner.as_deref().and_then(|i| i.get(path)) {
                    Some(p) => Some(first(p)),
                    None => subtree_first(inner.as_deref(), path),
                };
                check(format!("body field {path} of {op}"), got)?;
                changed += extend_subtree(inner.expect("checked"), path, derived, since, minors);
            }
        }
        Item::Field(schema, path) => {
            let inner = t.fields.get_mut(schema);
            let got = match inner.as_deref().and_then(|i| i.get(path)) {
                Some(p) => Some(first(p)),
                None => subtree_first(inner.as_deref(), path),
            };
            check(format!("field {path:?} of schema {schema}"), got)?;
            changed += extend_subtree(inner.expect("checked"), path, derived, since, minors);
        }
    }
    Ok(changed)
}

fn rename(t: &mut Tables, r: &Renamed, derived: u32) -> Result<usize> {
    let new_first = t.operations.get(r.op).map(first);
    if new_first != Some(derived) {
        return Err(stale(&format!("operation {}", r.op), new_first, r.derived));
    }
    let Some(old) = t.operations.get(r.was) else {
        bail!("operation {} is no longer in the descriptions", r.was);
    };
    let old_last = *old.minors.last().expect("present");
    let before = t.minors.iter().copied().filter(|m| *m < derived).max();
    if Some(old_last) != before {
        bail!(
            "operation {} last appears in 1.{old_last}, not in the version before {}",
            r.was,
            r.derived
        );
    }
    let route = |op: &str, m: u32| t.routes.get(op).and_then(|r| r.get(&m)).cloned();
    let (was_route, op_route) = (route(r.was, old_last), route(r.op, derived));
    if was_route.is_none() || was_route != op_route {
        bail!(
            "{} ({was_route:?}) and {} ({op_route:?}) are not the same route",
            r.was,
            r.op
        );
    }
    let old = old.minors.clone();
    t.operations
        .get_mut(r.op)
        .expect("checked")
        .minors
        .extend(&old);
    let mut changed = 1;
    for table in [&mut *t.parameters, &mut *t.bodies] {
        let Some(was) = table.get(r.was) else {
            continue;
        };
        let was: Vec<(String, Vec<u32>)> = was
            .iter()
            .map(|(k, p)| (k.clone(), p.minors.iter().copied().collect()))
            .collect();
        let Some(inner) = table.get_mut(r.op) else {
            continue;
        };
        for (name, ms) in was {
            if let Some(p) = inner.get_mut(&name) {
                p.minors.extend(ms);
                changed += 1;
            }
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    use crate::upstream::for_tests as upstream;

    fn since<'a>(table: &'a Value, pointer: &[&str]) -> &'a str {
        let mut v = table;
        for key in pointer {
            v = v
                .get(*key)
                .unwrap_or_else(|| panic!("{pointer:?}: no {key}"));
        }
        v["since"].as_str().expect("since")
    }

    #[test]
    fn corrected_items_have_the_versions_engines_read() {
        let Some(history) = upstream() else { return };
        let (t, _) =
            crate::versions::build_table(&history, &history.newest_released().version).unwrap();
        let cases: &[(&[&str], &str)] = &[
            (&["bodies", "ContainerCreate", "HostConfig.Init"], "1.25"),
            (
                &[
                    "bodies",
                    "ContainerCreate",
                    "HostConfig.PortBindings{}[].HostIp",
                ],
                "1.25",
            ),
            (
                &[
                    "bodies",
                    "ContainerCreate",
                    "HostConfig.PortBindings{}[].HostPort",
                ],
                "1.25",
            ),
            (
                &["bodies", "ContainerCreate", "HostConfig.KernelMemory"],
                "1.25",
            ),
            (&["bodies", "ContainerUpdate", "KernelMemory"], "1.25"),
            (
                &[
                    "bodies",
                    "ContainerCreate",
                    "HostConfig.Mounts[].Consistency",
                ],
                "1.28",
            ),
            (&["bodies", "NetworkCreate", "IPAM.Config[].Subnet"], "1.25"),
            (&["bodies", "NetworkCreate", "ConfigFrom.Network"], "1.30"),
            (
                &[
                    "bodies",
                    "ServiceUpdate",
                    "TaskTemplate.ContainerSpec.Secrets[].File.UID",
                ],
                "1.25",
            ),
            (&["operations", "PutContainerArchive"], "1.25"),
            (&["operations", "ContainerArchive"], "1.25"),
            (&["operations", "ContainerArchiveInfo"], "1.25"),
            (&["operations", "SecretUpdate"], "1.25"),
            (&["bodies", "SecretUpdate", "Data"], "1.25"),
            (
                &["parameters", "PutContainerArchive", "noOverwriteDirNonDir"],
                "1.25",
            ),
            (&["parameters", "PutContainerArchive", "copyUIDGID"], "1.30"),
            (&["parameters", "ContainerDelete", "link"], "1.25"),
            (&["parameters", "ImageBuild", "target"], "1.29"),
            (&["fields", "Resources", "Init"], "1.25"),
            (&["fields", "PortBinding", "HostIp"], "1.25"),
        ];
        for (pointer, want) in cases {
            assert_eq!(since(&t, pointer), *want, "{pointer:?}");
        }
        // What came later stays later: below a corrected field, and beside it.
        for (pointer, want) in [
            (
                &[
                    "bodies",
                    "ServiceCreate",
                    "TaskTemplate.ContainerSpec.HealthCheck.StartPeriod",
                ][..],
                "1.29",
            ),
            (
                &[
                    "bodies",
                    "ServiceCreate",
                    "TaskTemplate.ContainerSpec.Privileges.NoNewPrivileges",
                ],
                "1.44",
            ),
            (
                &[
                    "bodies",
                    "ContainerCreate",
                    "HostConfig.Mounts[].ImageOptions",
                ],
                "1.48",
            ),
        ] {
            assert_eq!(since(&t, pointer), want, "{pointer:?}");
        }
        // A corrected item keeps its removal.
        assert_eq!(
            t["bodies"]["ContainerCreate"]["HostConfig.KernelMemory"]["until"],
            "1.42"
        );
    }

    #[test]
    fn every_correction_moves_an_item_earlier_and_says_why() {
        for c in CORRECTIONS {
            assert!(
                parse_minor(c.since).unwrap() < parse_minor(c.derived).unwrap(),
                "{:?}",
                c.item
            );
            assert!(!c.why.is_empty(), "{:?}", c.item);
        }
        for r in RENAMED {
            assert!(!r.why.is_empty() && r.op != r.was, "{}", r.op);
        }
    }

    #[test]
    fn every_upstream_version_takes_the_corrections_that_concern_it() {
        let Some(history) = upstream() else { return };
        for v in &history.versions {
            if let Err(e) = crate::versions::build_table(&history, &v.version) {
                panic!("v{}: {e:#}", v.version);
            }
        }
    }

    fn presence(minors: impl IntoIterator<Item = u32>) -> Presence {
        Presence {
            minors: minors.into_iter().collect(),
            map: false,
        }
    }

    /// A table where `HostConfig.Init` of ContainerCreate first appears in
    /// `init_since` (every other item of the real corrections is missing).
    fn apply_with(init_since: Option<u32>, c: &Correction) -> Result<usize> {
        let minors: Vec<u32> = (25..=41).collect();
        let mut bodies = Table::new();
        if let Some(first) = init_since {
            bodies
                .entry("ContainerCreate".into())
                .or_default()
                .insert("HostConfig.Init".into(), presence(first..=41));
        }
        let mut t = Tables {
            operations: &mut BTreeMap::new(),
            parameters: &mut Table::new(),
            fields: &mut Table::new(),
            bodies: &mut bodies,
            routes: &BTreeMap::new(),
            minors: &minors,
        };
        correct(&mut t, c, parse_minor(c.derived)?, parse_minor(c.since)?)
    }

    #[test]
    fn a_correction_that_no_longer_applies_fails_the_regen() {
        let init = CORRECTIONS
            .iter()
            .find(|c| matches!(c.item, Item::Body(_, "HostConfig.Init")))
            .unwrap();
        assert_eq!(apply_with(Some(37), init).unwrap(), 1);
        // Upstream documented it from an older version: the derived value
        // is not what the correction claims.
        let e = apply_with(Some(30), init).unwrap_err().to_string();
        assert!(e.contains("now give") && e.contains("1.30"), "{e}");
        // Upstream dropped it.
        let e = apply_with(None, init).unwrap_err().to_string();
        assert!(e.contains("no longer in the descriptions"), "{e}");
    }

    #[test]
    fn a_rename_needs_the_same_route_right_before() {
        let minors: Vec<u32> = (25..=30).collect();
        let mut operations = BTreeMap::new();
        operations.insert("New".to_string(), presence(28..=30));
        operations.insert("Old".to_string(), presence(25..=27));
        let route = |m| (m, ("PUT".to_string(), "/x".to_string()));
        let mut routes = BTreeMap::new();
        routes.insert("New".to_string(), (28..=30).map(route).collect());
        routes.insert("Old".to_string(), (25..=27).map(route).collect());
        let r = Renamed {
            op: "New",
            was: "Old",
            derived: "1.28",
            why: "test",
        };
        let mut params = Table::new();
        let mut t = Tables {
            operations: &mut operations,
            parameters: &mut params,
            fields: &mut Table::new(),
            bodies: &mut Table::new(),
            routes: &routes,
            minors: &minors,
        };
        assert_eq!(rename(&mut t, &r, 28).unwrap(), 1);
        assert_eq!(first(&t.operations["New"]), 25);
        // Applied again, the new id no longer starts at 1.28: stale.
        assert!(rename(&mut t, &r, 28).is_err());
    }
}
