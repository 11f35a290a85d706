//! Unpacking an archive from the engine without letting it write outside
//! the destination (`copy_out`).
//!
//! A container is not trusted: its files may be links to the host's
//! `/etc`, its archive may name `../../x`. Every entry is checked before
//! it is written, against the directory as it is on disk at that moment
//! (so a link made by an earlier entry is followed as the kernel would
//! follow it), and refused with [`Error::UnsafeArchive`] naming it when:
//! its path is absolute or climbs out with `..`; it is a symbolic link
//! whose target is absolute or resolves outside; it is a hard link to a
//! path outside; it is a character or block device. Writing goes through
//! the `tar` crate's `unpack_in`, which also refuses to write through a
//! link that leaves the destination.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::error::Error;

/// Why unpacking stopped.
pub(crate) enum Stop {
    /// An entry was refused: nothing of it was written.
    Refused(Error),
    /// Reading or writing failed.
    Io(std::io::Error),
}

fn refuse(entry: &Path, reason: impl Into<String>) -> Stop {
    Stop::Refused(Error::UnsafeArchive {
        entry: entry.display().to_string(),
        reason: reason.into(),
    })
}

/// `path` made of normal components only, or `None` if it is absolute or
/// climbs above its start.
fn contained(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// The real directory `dir` (relative to `root`) is now, if it exists.
fn real_dir(root: &Path, dir: &Path) -> std::io::Result<Option<PathBuf>> {
    match root.join(dir).canonicalize() {
        Ok(p) => Ok(Some(p)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Unpacks `reader` into `dest` (an existing directory), entry by entry.
pub(crate) fn unpack<R: Read>(reader: R, dest: &Path) -> std::result::Result<(), Stop> {
    let root = dest.canonicalize().map_err(Stop::Io)?;
    let mut archive = tar::Archive::new(reader);
    archive.set_preserve_permissions(true);
    archive.set_overwrite(true);
    for entry in archive.entries().map_err(Stop::Io)? {
        let mut entry = entry.map_err(Stop::Io)?;
        let raw_path = entry.path().map_err(Stop::Io)?.into_owned();
        let Some(path) = contained(&raw_path) else {
            return Err(refuse(
                &raw_path,
                "its path is absolute or leaves the destination",
            ));
        };
        let kind = entry.header().entry_type();
        if kind.is_character_special() || kind.is_block_special() {
            return Err(refuse(&raw_path, "it is a device file"));
        }
        if kind.is_symlink() || kind.is_hard_link() {
            let target = entry
                .link_name()
                .map_err(Stop::Io)?
                .ok_or_else(|| refuse(&raw_path, "a link without a target"))?
                .into_owned();
            if kind.is_symlink() {
                if target.is_absolute() {
                    return Err(refuse(
                        &raw_path,
                        format!("a symbolic link to the absolute path {}", target.display()),
                    ));
                }
                // Where the link will be, as the disk is now, and where its
                // target resolves from there.
                let parent = path.parent().unwrap_or(Path::new(""));
                let base = real_dir(&root, parent)
                    .map_err(Stop::Io)?
                    .unwrap_or_else(|| root.join(parent));
                let inside = base
                    .strip_prefix(&root)
                    .ok()
                    .and_then(|rel| contained(&rel.join(&target)));
                if inside.is_none() {
                    return Err(refuse(
                        &raw_path,
                        format!(
                            "a symbolic link to {}, outside the destination",
                            target.display()
                        ),
                    ));
                }
            } else {
                // A hard link names another entry of the archive.
                let linked = contained(&target).ok_or_else(|| {
                    refuse(
                        &raw_path,
                        format!(
                            "a hard link to {}, outside the destination",
                            target.display()
                        ),
                    )
                })?;
                let parent = linked.parent().unwrap_or(Path::new(""));
                if let Some(real) = real_dir(&root, parent).map_err(Stop::Io)? {
                    if !real.starts_with(&root) {
                        return Err(refuse(
                            &raw_path,
                            format!(
                                "a hard link to {}, through a link leaving the destination",
                                target.display()
                            ),
                        ));
                    }
                }
            }
        }
        let written = entry.unpack_in(&root).map_err(Stop::Io)?;
        if !written {
            return Err(refuse(&raw_path, "its path leaves the destination"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    enum E<'a> {
        File(&'a str, &'a [u8]),
        Dir(&'a str),
        Symlink(&'a str, &'a str),
        HardLink(&'a str, &'a str),
        Device(&'a str),
        /// A path written into the header as is (the builder refuses `..`).
        RawFile(&'a str),
    }

    fn tar_of(entries: &[E]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for e in entries {
            let mut h = tar::Header::new_gnu();
            h.set_mode(0o644);
            match e {
                E::File(p, data) => {
                    h.set_size(data.len() as u64);
                    h.set_entry_type(tar::EntryType::Regular);
                    b.append_data(&mut h, p, *data).unwrap();
                }
                E::Dir(p) => {
                    h.set_mode(0o755);
                    h.set_size(0);
                    h.set_entry_type(tar::EntryType::Directory);
                    b.append_data(&mut h, p, &[][..]).unwrap();
                }
                E::Symlink(p, t) => {
                    h.set_size(0);
                    h.set_entry_type(tar::EntryType::Symlink);
                    b.append_link(&mut h, p, t).unwrap();
                }
                E::HardLink(p, t) => {
                    h.set_size(0);
                    h.set_entry_type(tar::EntryType::Link);
                    b.append_link(&mut h, p, t).unwrap();
                }
                E::Device(p) => {
                    h.set_size(0);
                    h.set_entry_type(tar::EntryType::Char);
                    h.set_device_major(1).unwrap();
                    h.set_device_minor(3).unwrap();
                    b.append_data(&mut h, p, &[][..]).unwrap();
                }
                E::RawFile(p) => {
                    h.set_size(1);
                    h.set_entry_type(tar::EntryType::Regular);
                    let name = &mut h.as_old_mut().name;
                    name[..p.len()].copy_from_slice(p.as_bytes());
                    h.set_cksum();
                    b.append(&h, &b"x"[..]).unwrap();
                }
            }
        }
        b.into_inner().unwrap()
    }

    /// Unpacks into a fresh directory inside a parent that holds a
    /// `secret` file: returns the outcome and the parent.
    fn run(entries: &[E]) -> (std::result::Result<(), String>, tempfile::TempDir) {
        let outer = tempfile::tempdir().unwrap();
        std::fs::write(outer.path().join("secret"), b"host data").unwrap();
        let dest = outer.path().join("dest");
        std::fs::create_dir(&dest).unwrap();
        let r = unpack(&tar_of(entries)[..], &dest).map_err(|s| match s {
            Stop::Refused(e) => e.to_string(),
            Stop::Io(e) => format!("io: {e}"),
        });
        (r, outer)
    }

    fn untouched(outer: &tempfile::TempDir) {
        assert_eq!(
            std::fs::read(outer.path().join("secret")).unwrap(),
            b"host data"
        );
        let names: Vec<_> = std::fs::read_dir(outer.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "nothing written beside dest: {names:?}");
    }

    #[test]
    fn ordinary_archives_unpack() {
        let (r, outer) = run(&[
            E::Dir("d/"),
            E::File("d/a", b"A"),
            E::Symlink("d/l", "a"),
            E::Symlink("up", "d/../d/a"),
            E::HardLink("d/h", "d/a"),
        ]);
        r.unwrap();
        let d = outer.path().join("dest/d");
        assert_eq!(std::fs::read(d.join("l")).unwrap(), b"A");
        assert_eq!(std::fs::read(d.join("h")).unwrap(), b"A");
        assert_eq!(std::fs::read(outer.path().join("dest/up")).unwrap(), b"A");
    }

    #[test]
    fn hostile_entries_are_refused_by_name() {
        for (entries, entry, why) in [
            (
                vec![E::RawFile("../secret")],
                "../secret",
                "leaves the destination",
            ),
            (vec![E::RawFile("/etc/x")], "/etc/x", "absolute"),
            (
                vec![E::RawFile("a/../../secret")],
                "a/../../secret",
                "leaves the destination",
            ),
            (vec![E::Symlink("l", "/etc")], "l", "absolute path /etc"),
            (
                vec![E::Symlink("l", "../secret")],
                "l",
                "outside the destination",
            ),
            (
                vec![E::Dir("a/"), E::Symlink("a/l", "../../secret")],
                "a/l",
                "outside the destination",
            ),
            // Through an earlier entry: `d` is the destination itself, so
            // `d/l -> ../secret` leaves it although `d/../secret` would not.
            (
                vec![E::Symlink("d", "."), E::Symlink("d/l", "../secret")],
                "d/l",
                "outside the destination",
            ),
            (vec![E::HardLink("h", "../secret")], "h", "hard link"),
            (vec![E::Device("null")], "null", "device file"),
        ] {
            let (r, outer) = run(&entries);
            let text = r.unwrap_err();
            assert!(
                text.starts_with(&format!("unsafe archive entry `{entry}`")) && text.contains(why),
                "{entry}: {text}"
            );
            untouched(&outer);
        }
    }
}
