//! The build context: a directory tarred on the fly as the Docker CLI tars
//! it for the classic builder (`.dockerignore` applied, the Dockerfile and
//! `.dockerignore` kept, a Dockerfile from elsewhere added under a random
//! name), a Dockerfile alone, or the caller's own tar stream.
//!
//! What goes in the tar follows docker/cli (`cli/command/image/build.go`,
//! `build/context.go`, `build/dockerignore.go`) and moby/go-archive
//! (`TarWithOptions`, `addTarFile`): entries in the order of a lexical
//! depth-first walk, directories with a trailing `/`, owner `0:0` with no
//! names, permission and set-id/sticky bits, modification time in whole
//! seconds, symbolic links not followed, a second name of a hard-linked
//! file as a hard link to the first, sockets left out; an excluded
//! directory is still walked (without its own entry) when an exception
//! pattern names something below it. The CLI's own tar is checked against
//! in `sdk/tests/build.rs` (`tests/fixtures/cli/build-context/`).
//!
//! Differences, on purpose: the tar always ends with its end-of-archive
//! blocks (the CLI's ends short when it adds a Dockerfile); a file that
//! cannot be read fails the build with [`Error::InvalidInput`] instead of
//! the CLI's separate check before sending; `security.capability` extended
//! attributes are not carried.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Component, Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::ignore::DockerIgnore;
use crate::error::{Error, Result};
use crate::streams::Body;

/// What a build is made from: see the constructors.
///
/// ```no_run
/// use docker_engine::images::BuildContext;
/// // A directory, with its .dockerignore applied as the Docker CLI does.
/// let ctx = BuildContext::dir("./app");
/// // A directory and a Dockerfile given as text (the CLI's `-f -`).
/// let ctx = BuildContext::dir_with_dockerfile("./app", "FROM scratch\nCOPY . /\n");
/// // A Dockerfile alone (`docker build - < Dockerfile`).
/// let ctx = BuildContext::dockerfile("FROM scratch\nLABEL a=b\n");
/// ```
#[derive(Debug)]
pub struct BuildContext {
    pub(crate) source: Source,
}

#[derive(Debug)]
pub(crate) enum Source {
    Dir {
        dir: PathBuf,
        dockerfile_text: Option<String>,
    },
    Dockerfile(String),
    Tar(Body),
}

impl BuildContext {
    /// A directory: tarred while it is sent, `.dockerignore` applied. The
    /// Dockerfile is `Dockerfile` (or `dockerfile` when only that exists)
    /// unless [`super::BuildOptions::dockerfile`] names another.
    pub fn dir(path: impl Into<PathBuf>) -> BuildContext {
        BuildContext {
            source: Source::Dir {
                dir: path.into(),
                dockerfile_text: None,
            },
        }
    }

    /// A directory and a Dockerfile given as text (as `docker build -f -
    /// DIR`): the text is added to the context under a random name, which
    /// `.dockerignore` gains so the engine drops it from what `COPY` sees.
    pub fn dir_with_dockerfile(
        path: impl Into<PathBuf>,
        dockerfile: impl Into<String>,
    ) -> BuildContext {
        BuildContext {
            source: Source::Dir {
                dir: path.into(),
                dockerfile_text: Some(dockerfile.into()),
            },
        }
    }

    /// A Dockerfile alone, with nothing else in the context (as `docker
    /// build - < Dockerfile`).
    pub fn dockerfile(text: impl Into<String>) -> BuildContext {
        BuildContext {
            source: Source::Dockerfile(text.into()),
        }
    }

    /// The caller's own tar stream (plain, gzip, bzip2 or xz: the engine
    /// detects it), sent as it is; [`super::BuildOptions::dockerfile`] is
    /// the Dockerfile's path inside it.
    pub fn tar(body: Body) -> BuildContext {
        BuildContext {
            source: Source::Tar(body),
        }
    }

    /// Writes the tar a build would send (blocking), returning the
    /// Dockerfile name the build would send with it. `dockerfile` is as
    /// [`super::BuildOptions::dockerfile`]: relative to the directory, or
    /// absolute; outside the directory it is added under a random name.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a missing directory or Dockerfile, a bad
    /// `.dockerignore` pattern, a file that cannot be read, a tar stream
    /// context (which is not written here), or a failing writer.
    ///
    /// ```no_run
    /// use docker_engine::images::BuildContext;
    /// let mut tar = Vec::new();
    /// let dockerfile = BuildContext::dir("./app").write_tar(None, &mut tar)?;
    /// println!("{} bytes, Dockerfile {dockerfile}", tar.len());
    /// # Ok::<(), docker_engine::Error>(())
    /// ```
    pub fn write_tar(&self, dockerfile: Option<&Path>, out: impl Write) -> Result<String> {
        let plan = Plan::new(self, dockerfile)?;
        let name = plan.dockerfile.clone();
        plan.write(out)?;
        Ok(name)
    }
}

/// A context ready to be written: everything decided that the request
/// needs before the body starts.
#[derive(Debug)]
pub(crate) struct Plan {
    kind: PlanKind,
    /// The Dockerfile's name in the context, sent as `dockerfile`.
    pub(crate) dockerfile: String,
}

#[derive(Debug)]
enum PlanKind {
    Dir {
        root: PathBuf,
        ignore: DockerIgnore,
        extra: Option<Extra>,
    },
    Dockerfile(Vec<u8>),
}

/// A Dockerfile added under a random name (from outside the context or
/// given as text), and the line `.dockerignore` gains for it.
#[derive(Debug)]
struct Extra {
    name: String,
    content: Vec<u8>,
    mtime: u64,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::invalid_input(message.into())
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// `.dockerfile.` and 20 random lowercase hex digits, as the CLI names an
/// added Dockerfile.
fn random_name() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hex = String::new();
    for i in 0..2u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(i);
        h.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default(),
        );
        h.write_u32(std::process::id());
        hex.push_str(&format!("{:016x}", h.finish()));
    }
    format!(".dockerfile.{}", &hex[..20])
}

/// Go's `filepath.Rel` for two cleaned absolute paths.
fn relative(base: &Path, target: &Path) -> String {
    let b: Vec<_> = base.components().collect();
    let t: Vec<_> = target.components().collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..b.len() {
        parts.push("..".into());
    }
    for c in &t[common..] {
        if let Component::Normal(s) = c {
            parts.push(s.to_string_lossy().into_owned());
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

impl Plan {
    pub(crate) fn new(ctx: &BuildContext, dockerfile: Option<&Path>) -> Result<Plan> {
        match &ctx.source {
            Source::Tar(_) => Err(invalid(
                "a tar stream context is sent as it is, not written",
            )),
            Source::Dockerfile(text) => {
                if dockerfile.is_some() {
                    return Err(invalid(
                        "a Dockerfile given as text has no other Dockerfile to name",
                    ));
                }
                Ok(Plan {
                    kind: PlanKind::Dockerfile(text.clone().into_bytes()),
                    dockerfile: "Dockerfile".into(),
                })
            }
            Source::Dir {
                dir,
                dockerfile_text,
            } => Plan::for_dir(dir, dockerfile, dockerfile_text.as_deref()),
        }
    }

    /// docker/cli's `GetContextFromLocalDir`, `ReadDockerignore`,
    /// `TrimBuildFilesFromExcludes` and `AddDockerfileToBuildContext`.
    fn for_dir(dir: &Path, dockerfile: Option<&Path>, text: Option<&str>) -> Result<Plan> {
        let root = fs::canonicalize(dir)
            .map_err(|e| invalid(format!("unable to prepare context {}: {e}", dir.display())))?;
        if !fs::metadata(&root).map(|m| m.is_dir()).unwrap_or(false) {
            return Err(invalid(format!(
                "context must be a directory: {}",
                root.display()
            )));
        }
        if text.is_some() && dockerfile.is_some() {
            return Err(invalid(
                "both a Dockerfile as text and a Dockerfile path were given",
            ));
        }
        let mut dockerfile_path = None;
        let rel = match text {
            Some(_) => "-".to_string(),
            None => {
                let given = match dockerfile {
                    Some(p) if p.is_absolute() => p.to_path_buf(),
                    Some(p) => root.join(p),
                    None => {
                        let upper = root.join("Dockerfile");
                        let lower = root.join("dockerfile");
                        if fs::symlink_metadata(&upper).is_err()
                            && fs::symlink_metadata(&lower).is_ok()
                        {
                            lower
                        } else {
                            upper
                        }
                    }
                };
                let resolved = fs::canonicalize(&given).map_err(|e| {
                    invalid(format!("cannot locate Dockerfile {}: {e}", given.display()))
                })?;
                dockerfile_path = Some(given);
                relative(&root, &resolved)
            }
        };
        let mut ignore = match fs::read(root.join(".dockerignore")) {
            Ok(bytes) => DockerIgnore::parse(&bytes)
                .map_err(|e| invalid(format!("error reading .dockerignore: {e}")))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => DockerIgnore::default(),
            Err(e) => return Err(invalid(format!("error reading .dockerignore: {e}"))),
        };
        let from_text = text.is_some();
        // TrimBuildFilesFromExcludes: the engine drops these itself, but
        // they must be in the context it gets.
        if ignore.matches_deprecated(".dockerignore") {
            ignore
                .push_exception(".dockerignore")
                .map_err(|e| invalid(e.to_string()))?;
        }
        if ignore.matches_deprecated(&rel) && !from_text {
            ignore
                .push_exception(&rel)
                .map_err(|e| invalid(e.to_string()))?;
        }
        let outside = rel.starts_with("../");
        let (extra, dockerfile) = if let Some(text) = text {
            let name = random_name();
            (
                Some(Extra {
                    name: name.clone(),
                    content: text.as_bytes().to_vec(),
                    mtime: now(),
                }),
                name,
            )
        } else if outside {
            let path = dockerfile_path.unwrap_or_default();
            let content = fs::read(&path).map_err(|e| {
                invalid(format!("unable to open Dockerfile {}: {e}", path.display()))
            })?;
            let name = random_name();
            (
                Some(Extra {
                    name: name.clone(),
                    content,
                    mtime: now(),
                }),
                name,
            )
        } else {
            (None, rel)
        };
        Ok(Plan {
            kind: PlanKind::Dir {
                root,
                ignore,
                extra,
            },
            dockerfile,
        })
    }

    /// Writes the tar (blocking).
    pub(crate) fn write(self, out: impl Write) -> Result<()> {
        let mut tar = tar::Builder::new(out);
        match self.kind {
            PlanKind::Dockerfile(text) => {
                let mut h = header(tar::EntryType::Regular, 0o644, now());
                h.set_size(text.len() as u64);
                append(&mut tar, h, b"Dockerfile", &text[..]).map_err(write_error)?;
            }
            PlanKind::Dir {
                root,
                ignore,
                extra,
            } => {
                let mut walk = Walk {
                    tar: &mut tar,
                    ignore: &ignore,
                    seen: HashMap::new(),
                    extra: extra.as_ref(),
                    ignore_file_seen: false,
                };
                walk.dir(&root, &[], None)?;
                let ignore_file_seen = walk.ignore_file_seen;
                if let Some(extra) = &extra {
                    let mut h = header(tar::EntryType::Regular, 0o600, extra.mtime);
                    h.set_size(extra.content.len() as u64);
                    append(&mut tar, h, extra.name.as_bytes(), &extra.content[..])
                        .map_err(write_error)?;
                    if !ignore_file_seen {
                        let content = format!(".dockerignore\n{}\n", extra.name);
                        let mut h = header(tar::EntryType::Regular, 0o600, extra.mtime);
                        h.set_size(content.len() as u64);
                        append(&mut tar, h, b".dockerignore", content.as_bytes())
                            .map_err(write_error)?;
                    }
                }
            }
        }
        tar.into_inner()
            .and_then(|mut w| w.flush())
            .map_err(write_error)
    }
}

fn write_error(e: io::Error) -> Error {
    invalid(format!("writing the build context: {e}"))
}

fn header(kind: tar::EntryType, mode: u32, mtime: u64) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(mtime);
    h.set_size(0);
    h
}

/// Go's `splitUSTARPath`: a name too long for the name field, split at a
/// `/` into the prefix (155) and name (100) fields.
fn split_ustar(name: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut length = name.len();
    if length <= 100 || !name.is_ascii() {
        return None;
    } else if length > 156 {
        length = 156;
    } else if name[length - 1] == b'/' {
        length -= 1;
    }
    let i = name[..length].iter().rposition(|&b| b == b'/')?;
    let nlen = name.len() - i - 1;
    if i == 0 || nlen > 100 || nlen == 0 || i > 155 {
        return None;
    }
    Some((&name[..i], &name[i + 1..]))
}

/// Writes one entry with `name` (and `link`, for links) placed as Go's
/// writer places them: in the USTAR fields when they fit (ASCII, name up
/// to 100 bytes or split with a prefix, link up to 100), else in a PAX
/// extended header before it.
fn append_named<W: Write>(
    tar: &mut tar::Builder<W>,
    mut h: tar::Header,
    name: &[u8],
    link: Option<&[u8]>,
    data: impl Read,
) -> io::Result<()> {
    let mut pax: Vec<(&str, &[u8])> = Vec::new();
    {
        let ustar = h.as_ustar_mut().expect("a ustar header");
        if name.len() <= 100 && name.is_ascii() {
            ustar.name[..name.len()].copy_from_slice(name);
        } else if let Some((prefix, rest)) = split_ustar(name) {
            ustar.prefix[..prefix.len()].copy_from_slice(prefix);
            ustar.name[..rest.len()].copy_from_slice(rest);
        } else {
            pax.push(("path", name));
            let short: Vec<u8> = name
                .iter()
                .copied()
                .filter(u8::is_ascii)
                .take(100)
                .collect();
            ustar.name[..short.len()].copy_from_slice(&short);
        }
        if let Some(link) = link {
            if link.len() <= 100 && link.is_ascii() {
                ustar.linkname[..link.len()].copy_from_slice(link);
            } else {
                pax.push(("linkpath", link));
                let short: Vec<u8> = link
                    .iter()
                    .copied()
                    .filter(u8::is_ascii)
                    .take(100)
                    .collect();
                ustar.linkname[..short.len()].copy_from_slice(&short);
            }
        }
    }
    if !pax.is_empty() {
        let mut records = Vec::new();
        for (key, value) in pax {
            // "%d %s=%s\n", the length counting itself.
            let body = key.len() + value.len() + 3;
            let mut len = body + body.to_string().len();
            if len.to_string().len() + body != len {
                len = body + len.to_string().len();
            }
            records.extend_from_slice(len.to_string().as_bytes());
            records.push(b' ');
            records.extend_from_slice(key.as_bytes());
            records.push(b'=');
            records.extend_from_slice(value);
            records.push(b'\n');
        }
        let mut x = header(tar::EntryType::XHeader, 0o644, 0);
        x.set_size(records.len() as u64);
        let base: Vec<u8> = name
            .rsplit(|&b| b == b'/')
            .find(|s| !s.is_empty())
            .unwrap_or(b"")
            .iter()
            .copied()
            .filter(u8::is_ascii)
            .take(80)
            .collect();
        let mut xname = b"PaxHeaders.0/".to_vec();
        xname.extend_from_slice(&base);
        x.as_ustar_mut().expect("a ustar header").name[..xname.len()].copy_from_slice(&xname);
        x.set_cksum();
        tar.append(&x, &records[..])?;
    }
    h.set_cksum();
    tar.append(&h, data)
}

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    h: tar::Header,
    name: &[u8],
    data: impl Read,
) -> io::Result<()> {
    append_named(tar, h, name, None, data)
}

/// Reads exactly `len` bytes, failing rather than writing a short entry
/// when the file shrank while it was sent.
struct Exactly<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Exactly<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file shrank while it was read",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

struct Walk<'a, W: Write> {
    tar: &'a mut tar::Builder<W>,
    ignore: &'a DockerIgnore,
    /// Inode → first name, for hard links (go-archive keys by inode alone).
    seen: HashMap<u64, Vec<u8>>,
    extra: Option<&'a Extra>,
    ignore_file_seen: bool,
}

impl<W: Write> Walk<'_, W> {
    /// go-archive's `TarWithOptions` walk of one directory (`rel` empty for
    /// the context itself).
    fn dir(
        &mut self,
        abs: &Path,
        rel: &[u8],
        parent: Option<&super::ignore::MatchInfo>,
    ) -> Result<()> {
        let mut entries: Vec<fs::DirEntry> = fs::read_dir(abs)
            .and_then(|d| d.collect::<io::Result<Vec<_>>>())
            .map_err(|e| invalid(format!("can't read {}: {e}", abs.display())))?;
        entries.sort_by(|a, b| a.file_name().as_bytes().cmp(b.file_name().as_bytes()));
        for entry in entries {
            let name = entry.file_name();
            let mut child_rel = rel.to_vec();
            if !child_rel.is_empty() {
                child_rel.push(b'/');
            }
            child_rel.extend_from_slice(name.as_bytes());
            let is_dir = entry
                .file_type()
                .map(|t| t.is_dir())
                .map_err(|e| invalid(format!("can't stat {}: {e}", entry.path().display())))?;
            let rel_str = String::from_utf8_lossy(&child_rel);
            let (skip, info) = self
                .ignore
                .matches_using_parent(&rel_str, parent)
                .map_err(|e| invalid(format!("error matching {rel_str}: {e}")))?;
            let path = entry.path();
            if skip {
                if is_dir && self.ignore.has_exceptions() && self.ignore.exception_below(&rel_str) {
                    self.dir(&path, &child_rel, Some(&info))?;
                }
                continue;
            }
            self.add(&path, &child_rel)?;
            if is_dir {
                self.dir(&path, &child_rel, Some(&info))?;
            }
        }
        Ok(())
    }

    /// go-archive's `addTarFile`.
    fn add(&mut self, path: &Path, rel: &[u8]) -> Result<()> {
        let meta = fs::symlink_metadata(path)
            .map_err(|e| invalid(format!("can't stat {}: {e}", path.display())))?;
        let ft = meta.file_type();
        let mode = meta.mode() & 0o7777;
        let mtime = u64::try_from(meta.mtime()).unwrap_or(0);
        let fail = |e: io::Error| {
            invalid(format!(
                "adding {} to the build context: {e}",
                path.display()
            ))
        };
        if ft.is_dir() {
            let mut name = rel.to_vec();
            name.push(b'/');
            let h = header(tar::EntryType::Directory, mode, mtime);
            return append(self.tar, h, &name, io::empty()).map_err(fail);
        }
        if ft.is_symlink() {
            let target = fs::read_link(path).map_err(fail)?;
            let h = header(tar::EntryType::Symlink, mode, mtime);
            return append_named(
                self.tar,
                h,
                rel,
                Some(target.as_os_str().as_bytes()),
                io::empty(),
            )
            .map_err(fail);
        }
        if ft.is_socket() {
            // archive/tar has no sockets: go-archive logs and leaves them out.
            return Ok(());
        }
        if meta.nlink() > 1 {
            if let Some(first) = self.seen.get(&meta.ino()) {
                let first = first.clone();
                let h = header(tar::EntryType::Link, mode, mtime);
                return append_named(self.tar, h, rel, Some(&first), io::empty()).map_err(fail);
            }
            self.seen.insert(meta.ino(), rel.to_vec());
        }
        if ft.is_fifo() || ft.is_char_device() || ft.is_block_device() {
            let kind = if ft.is_fifo() {
                tar::EntryType::Fifo
            } else if ft.is_char_device() {
                tar::EntryType::Char
            } else {
                tar::EntryType::Block
            };
            let mut h = header(kind, mode, mtime);
            if !ft.is_fifo() {
                let rdev = meta.rdev();
                let major = ((rdev >> 32) & 0xffff_f000) | ((rdev >> 8) & 0x0000_0fff);
                let minor = ((rdev >> 12) & 0xffff_ff00) | (rdev & 0x0000_00ff);
                h.set_device_major(major as u32).map_err(fail)?;
                h.set_device_minor(minor as u32).map_err(fail)?;
            }
            return append(self.tar, h, rel, io::empty()).map_err(fail);
        }
        let mut h = header(tar::EntryType::Regular, mode, mtime);
        if rel == b".dockerignore" {
            if let Some(extra) = self.extra {
                // AddDockerfileToBuildContext: the added Dockerfile is
                // ignored by the engine's view of the context.
                self.ignore_file_seen = true;
                let mut content = fs::read(path).map_err(fail)?;
                content.push(b'\n');
                content.extend_from_slice(extra.name.as_bytes());
                content.push(b'\n');
                h.set_size(content.len() as u64);
                return append(self.tar, h, rel, &content[..]).map_err(fail);
            }
        }
        let file = fs::File::open(path).map_err(fail)?;
        h.set_size(meta.len());
        append(
            self.tar,
            h,
            rel,
            Exactly {
                inner: file,
                left: meta.len(),
            },
        )
        .map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_as_go() {
        let p = |a: &str, b: &str| relative(Path::new(a), Path::new(b));
        assert_eq!(p("/a/b", "/a/b/c/Dockerfile"), "c/Dockerfile");
        assert_eq!(p("/a/b", "/a/x/Dockerfile"), "../x/Dockerfile");
        assert_eq!(p("/a/b", "/a/b"), ".");
    }

    #[test]
    fn random_names_look_like_the_clis() {
        let a = random_name();
        let b = random_name();
        assert_ne!(a, b);
        let suffix = a.strip_prefix(".dockerfile.").unwrap();
        assert_eq!(suffix.len(), 20);
        assert!(suffix
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }

    #[test]
    fn long_names_split_or_go_to_pax() {
        let short = "d/".repeat(60) + "file";
        assert!(split_ustar(short.as_bytes()).is_some());
        let no_slash = "x".repeat(120);
        assert!(split_ustar(no_slash.as_bytes()).is_none());
        let mut out = Vec::new();
        {
            let mut tar = tar::Builder::new(&mut out);
            for name in [short.as_str(), no_slash.as_str(), "é/ü"] {
                let mut h = header(tar::EntryType::Regular, 0o644, 0);
                h.set_size(1);
                append(&mut tar, h, name.as_bytes(), &b"x"[..]).unwrap();
            }
            tar.finish().unwrap();
        }
        let mut archive = tar::Archive::new(&out[..]);
        let names: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [short, no_slash, "é/ü".to_string()]);
    }
}
