//! The short forms the Docker CLI and docker-py accept, as types that
//! parse from them (`FromStr`): shell command lines ([`CommandLine`]),
//! sizes ([`ByteSize`]), port publications ([`PortPublish`]) and binds
//! ([`Bind`]). Bad input is [`Error::InvalidInput`] with a reason, never a
//! panic.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::error::{Error, Result};

/// Splits a command line the way a POSIX shell splits words: whitespace
/// separates, single quotes keep everything, double quotes keep all but
/// `\"`, `\\`, `\$` and `` \` ``, a backslash outside quotes escapes the next
/// character. No expansion happens.
///
/// ```
/// use docker_engine::types::CommandLine;
/// let cmd: CommandLine = r#"sh -c 'echo "a b"' x\ y"#.parse()?;
/// assert_eq!(cmd.words(), ["sh", "-c", "echo \"a b\"", "x y"]);
/// assert!("echo 'unclosed".parse::<CommandLine>().is_err());
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CommandLine(Vec<String>);

impl CommandLine {
    /// The words, in order.
    pub fn words(&self) -> &[String] {
        &self.0
    }

    /// The words, owned.
    pub fn into_words(self) -> Vec<String> {
        self.0
    }
}

impl FromStr for CommandLine {
    type Err = Error;
    fn from_str(line: &str) -> Result<Self> {
        split_command(line).map(CommandLine)
    }
}

pub(crate) fn split_command(line: &str) -> Result<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => {
                            return Err(Error::invalid_input(format!(
                                "unclosed single quote in `{line}`"
                            )))
                        }
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => {
                                return Err(Error::invalid_input(format!(
                                    "unclosed double quote in `{line}`"
                                )))
                            }
                        },
                        Some(c) => word.push(c),
                        None => {
                            return Err(Error::invalid_input(format!(
                                "unclosed double quote in `{line}`"
                            )))
                        }
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(c) => {
                    in_word = true;
                    word.push(c);
                }
                None => {
                    return Err(Error::invalid_input(format!(
                        "`{line}` ends with a lone backslash"
                    )))
                }
            },
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// A size such as `512m`, `1.5g`, `100k` or `1024` (bytes), as docker-py's
/// `parse_bytes`: suffixes b, k, m, g, t (optionally followed by `b`, any
/// case) are powers of 1024.
///
/// ```
/// use docker_engine::types::ByteSize;
/// assert_eq!("512m".parse::<ByteSize>()?.bytes(), 512 * 1024 * 1024);
/// assert_eq!("1.5G".parse::<ByteSize>()?.bytes(), 3 * 512 * 1024 * 1024);
/// assert!("12x".parse::<ByteSize>().is_err());
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSize(i64);

impl ByteSize {
    /// A size in bytes.
    pub const fn new(bytes: i64) -> Self {
        ByteSize(bytes)
    }

    /// The number of bytes.
    pub const fn bytes(self) -> i64 {
        self.0
    }
}

impl FromStr for ByteSize {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        parse_bytes(s).map(ByteSize)
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

pub(crate) fn parse_bytes(s: &str) -> Result<i64> {
    let bad = |why: &str| Error::invalid_input(format!("size `{s}`: {why}"));
    let t = s.trim().to_ascii_lowercase();
    let t = t
        .strip_suffix('b')
        .filter(|r| r.ends_with(|c: char| c.is_ascii_alphabetic()))
        .unwrap_or(&t);
    let (number, unit) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let shift = match unit {
        "" | "b" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => return Err(bad("unknown unit (use b, k, m, g or t)")),
    };
    if number.is_empty() {
        return Err(bad("no number"));
    }
    let value: f64 = number.parse().map_err(|_| bad("not a number"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(bad("must be a non-negative number"));
    }
    let bytes = value * (1u64 << shift) as f64;
    if bytes > i64::MAX as f64 {
        return Err(bad("too large"));
    }
    Ok(bytes as i64)
}

/// A duration as the engine takes it in health checks and stop timeouts:
/// whole nanoseconds.
pub(crate) fn duration_nanos(d: Duration) -> Result<i64> {
    i64::try_from(d.as_nanos())
        .map_err(|_| Error::invalid_input(format!("duration {d:?} is too long")))
}

/// One published port: `[ip:][host_port[-end]:]container_port[-end][/proto]`,
/// as `docker run -p` takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortMapping {
    /// The container side, e.g. `80/tcp`.
    pub container_port: String,
    /// The host address to bind (empty: all).
    pub host_ip: String,
    /// The host port (empty: any free port).
    pub host_port: String,
}

/// A port publication as `docker run -p` takes it, one mapping per port
/// (ranges expand).
///
/// ```
/// use docker_engine::types::PortPublish;
/// let p: PortPublish = "127.0.0.1:8080-8081:80-81/udp".parse()?;
/// let m = p.mappings();
/// assert_eq!(m.len(), 2);
/// assert_eq!((m[1].container_port.as_str(), m[1].host_ip.as_str(), m[1].host_port.as_str()), ("81/udp", "127.0.0.1", "8081"));
/// assert_eq!("80".parse::<PortPublish>()?.mappings()[0].host_port, "");
/// assert!("8080:80/icmp".parse::<PortPublish>().is_err());
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortPublish(Vec<PortMapping>);

impl PortPublish {
    /// One mapping per published port.
    pub fn mappings(&self) -> &[PortMapping] {
        &self.0
    }
}

impl FromStr for PortPublish {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        parse_port_spec(s).map(PortPublish)
    }
}

pub(crate) fn parse_port_spec(spec: &str) -> Result<Vec<PortMapping>> {
    let bad = |why: &str| Error::invalid_input(format!("port `{spec}`: {why}"));
    let (rest, proto) = match spec.rsplit_once('/') {
        Some((r, p)) => (r, p.to_ascii_lowercase()),
        None => (spec, "tcp".to_string()),
    };
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return Err(bad("protocol must be tcp, udp or sctp"));
    }
    // An IPv6 host address comes in brackets: [::1]:8080:80.
    let (ip, rest) = if let Some(r) = rest.strip_prefix('[') {
        let (ip, after) = r.split_once(']').ok_or_else(|| bad("unclosed `[`"))?;
        (
            ip.to_string(),
            after
                .strip_prefix(':')
                .ok_or_else(|| bad("expected `:` after the address"))?,
        )
    } else {
        let parts: Vec<&str> = rest.split(':').collect();
        match parts.len() {
            1 | 2 => (String::new(), rest),
            3 => (
                parts[0].to_string(),
                rest.split_once(':').map(|(_, r)| r).unwrap_or_default(),
            ),
            _ => return Err(bad("too many `:` (an IPv6 address needs brackets)")),
        }
    };
    let (host, container) = match rest.split_once(':') {
        Some((h, c)) => (h, c),
        None => ("", rest),
    };
    let range = |s: &str, what: &str| -> Result<(u16, u16)> {
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        let port = |p: &str| {
            p.parse::<u16>().map_err(|_| {
                bad(&format!(
                    "{what} port `{p}` is not a number from 0 to 65535"
                ))
            })
        };
        let (a, b) = (port(a)?, port(b)?);
        if b < a {
            return Err(bad(&format!("{what} range ends before it starts")));
        }
        Ok((a, b))
    };
    let (c0, c1) = range(container, "container")?;
    let count = usize::from(c1 - c0) + 1;
    let hosts: Vec<String> = if host.is_empty() {
        vec![String::new(); count]
    } else {
        let (h0, h1) = range(host, "host")?;
        let host_count = usize::from(h1 - h0) + 1;
        if host_count == count {
            (h0..=h1).map(|p| p.to_string()).collect()
        } else if host_count > 1 && count == 1 {
            // One container port, a range of host ports: the engine picks one.
            vec![host.to_string()]
        } else {
            return Err(bad("host and container ranges differ in length"));
        }
    };
    Ok((c0..=c1)
        .zip(hosts)
        .map(|(c, h)| PortMapping {
            container_port: format!("{c}/{proto}"),
            host_ip: ip.clone(),
            host_port: h,
        })
        .collect())
}

/// A bind as `docker run -v` takes it: `source:target[:options]`, where
/// either path may be a Windows path with a drive letter.
///
/// ```
/// use docker_engine::types::Bind;
/// let b: Bind = "/srv/data:/data:ro".parse()?;
/// assert!(b.read_only && b.is_host_path());
/// let w: Bind = r"C:\data:C:\app:rw".parse()?;
/// assert_eq!((w.source.as_str(), w.target.as_str(), w.read_only), (r"C:\data", r"C:\app", false));
/// assert_eq!("cache:/var/cache".parse::<Bind>()?.is_host_path(), false);
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bind {
    /// A host path or a volume name.
    pub source: String,
    /// The path in the container.
    pub target: String,
    /// Read-only (`ro`).
    pub read_only: bool,
    /// Other options as given (`z`, `Z`, `rprivate`, `nocopy`, ...).
    pub options: Vec<String>,
}

impl FromStr for Bind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        parse_bind(s)
    }
}

impl Bind {
    /// Whether the source is a host path (else it is a volume name).
    pub fn is_host_path(&self) -> bool {
        self.source.starts_with('/')
            || self.source.starts_with('.')
            || is_windows_path(&self.source)
    }

    /// The `HostConfig.Binds` entry for it.
    pub fn to_bind_string(&self) -> String {
        let mut opts = self.options.clone();
        if self.read_only {
            opts.insert(0, "ro".into());
        }
        if opts.is_empty() {
            format!("{}:{}", self.source, self.target)
        } else {
            format!("{}:{}:{}", self.source, self.target, opts.join(","))
        }
    }
}

fn is_windows_path(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() >= 2
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && (b.len() == 2 || b[2] == b'\\' || b[2] == b'/'))
        || s.starts_with("\\\\")
}

/// Splits `source:target[:options]`, where either path may be a Windows
/// path with a drive letter (`C:\data:D:\data:ro`).
pub(crate) fn parse_bind(spec: &str) -> Result<Bind> {
    let bad = |why: &str| Error::invalid_input(format!("bind `{spec}`: {why}"));
    // Cut into fields at `:` that does not belong to a drive letter.
    let mut fields = Vec::new();
    let mut start = 0;
    let bytes = spec.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' {
            let field_len = i - start;
            let drive_letter = field_len == 1
                && bytes[start].is_ascii_alphabetic()
                && (i + 1 == bytes.len() || bytes[i + 1] == b'\\' || bytes[i + 1] == b'/');
            if !drive_letter {
                fields.push(&spec[start..i]);
                start = i + 1;
            }
        }
        i += 1;
    }
    fields.push(&spec[start..]);
    let (source, target, options) = match fields.as_slice() {
        [s, t] => (*s, *t, None),
        [s, t, o] => (*s, *t, Some(*o)),
        [_] => return Err(bad("expected source:target")),
        _ => return Err(bad("too many `:`-separated parts")),
    };
    if source.is_empty() || target.is_empty() {
        return Err(bad("empty source or target"));
    }
    if !(target.starts_with('/') || is_windows_path(target)) {
        return Err(bad("the target must be an absolute path"));
    }
    let mut read_only = false;
    let mut rest = Vec::new();
    // The modes the engine accepts on Linux, by kind; one of each kind at
    // most (moby's `ValidMountMode`).
    let mut seen: [Option<&str>; 5] = [None; 5];
    for opt in options.into_iter().flat_map(|o| o.split(',')) {
        let kind = match opt {
            "ro" | "rw" => 0,
            "z" | "Z" => 1,
            "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate" => 2,
            "nocopy" => 3,
            "consistent" | "cached" | "delegated" => 4,
            "" => return Err(bad("an empty mode")),
            other => {
                return Err(bad(&format!(
                    "unknown mode `{other}` (modes: ro, rw, z, Z, shared, rshared, slave, rslave, private, rprivate, nocopy, consistent, cached, delegated)"
                )))
            }
        };
        if let Some(earlier) = seen[kind].replace(opt) {
            return Err(bad(&format!("`{earlier}` and `{opt}` given together")));
        }
        match opt {
            "ro" | "rw" => read_only = opt == "ro",
            other => rest.push(other.to_string()),
        }
    }
    Ok(Bind {
        source: source.into(),
        target: target.into(),
        read_only,
        options: rest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words() {
        assert_eq!(split_command("  echo   hi  ").unwrap(), ["echo", "hi"]);
        assert_eq!(
            split_command(r#"a "b \"c\" \$d \x" ''"#).unwrap(),
            ["a", "b \"c\" $d \\x", ""]
        );
        assert_eq!(split_command("").unwrap(), Vec::<String>::new());
        assert!(split_command("a\\").is_err());
        assert!(split_command("\"a").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_bytes("1024").unwrap(), 1024);
        assert_eq!(parse_bytes("1k").unwrap(), 1024);
        assert_eq!(parse_bytes("2KB").unwrap(), 2048);
        assert_eq!(parse_bytes("1t").unwrap(), 1 << 40);
        for bad in ["", "m", "-1m", "1.2.3m", "nan", "9999999999t"] {
            assert!(parse_bytes(bad).is_err(), "{bad}");
        }
        assert_eq!(
            duration_nanos(Duration::from_millis(1500)).unwrap(),
            1_500_000_000
        );
    }

    #[test]
    fn ports() {
        let one = |s| parse_port_spec(s).unwrap().remove(0);
        assert_eq!(
            one("8080:80"),
            PortMapping {
                container_port: "80/tcp".into(),
                host_ip: "".into(),
                host_port: "8080".into()
            }
        );
        assert_eq!(one("[::1]:8080:80/udp").host_ip, "::1");
        assert_eq!(one("127.0.0.1::80").host_port, "");
        assert_eq!(
            parse_port_spec("8000-8010:80").unwrap()[0].host_port,
            "8000-8010"
        );
        for bad in [
            "",
            "x",
            "80:",
            "8080:80/tcpx",
            "1-3:1-2",
            "70000",
            "1:2:3:4",
            "3-1",
        ] {
            assert!(parse_port_spec(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn binds() {
        assert_eq!(parse_bind("/a:/b").unwrap().to_bind_string(), "/a:/b");
        assert_eq!(
            parse_bind("/a:/b:ro,z").unwrap().to_bind_string(),
            "/a:/b:ro,z"
        );
        assert_eq!(parse_bind("c:/x:/y").unwrap().source, "c:/x");
        for bad in ["/a", "/a:b", ":/b", "/a:/b:ro,rw", "/a:/b:c:d"] {
            assert!(parse_bind(bad).is_err(), "{bad}");
        }
        // Modes as the engine accepts them: one of each kind.
        let b = parse_bind("/a:/b:rw,Z,rslave,nocopy,cached").unwrap();
        assert!(!b.read_only);
        assert_eq!(b.options, ["Z", "rslave", "nocopy", "cached"]);
        for (bad, why) in [
            ("/a:/b:zz", "unknown mode `zz`"),
            ("/a:/b:", "an empty mode"),
            ("/a:/b:ro,", "an empty mode"),
            ("/a:/b:z,Z", "`z` and `Z` given together"),
            (
                "/a:/b:shared,private",
                "`shared` and `private` given together",
            ),
        ] {
            let text = parse_bind(bad).unwrap_err().to_string();
            assert!(
                text.starts_with(&format!("invalid input: bind `{bad}`: {why}")),
                "{text}"
            );
        }
    }
}
