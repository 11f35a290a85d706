//! Engine addresses, as the Docker CLI spells them in `DOCKER_HOST`.

use std::fmt;
use std::path::PathBuf;

use crate::error::{Error, Result};

/// The socket the engine listens on when nothing else is configured.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// Where the engine is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Host {
    /// A Unix socket (`unix:///var/run/docker.sock`).
    Unix(PathBuf),
    /// TCP (`tcp://host:port`, `http://`, `https://`).
    Tcp {
        /// Host name or IP address (IPv6 without brackets).
        host: String,
        /// Port; 2375 by default, 2376 with TLS.
        port: u16,
        /// Whether the address itself asks for TLS (`https://`). TLS is
        /// also used for `tcp://` when TLS settings are given.
        https: bool,
    },
    /// An engine reached over ssh (`ssh://[user@]host[:port]`) through
    /// `docker system dial-stdio` on the remote side.
    Ssh {
        /// Login name, if given.
        user: Option<String>,
        /// Remote host.
        host: String,
        /// Port, if given (else the user's ssh configuration applies).
        port: Option<u16>,
    },
}

impl Default for Host {
    fn default() -> Self {
        Host::Unix(PathBuf::from(DEFAULT_SOCKET))
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Unix(path) => write!(f, "unix://{}", path.display()),
            Host::Tcp { host, port, https } => {
                let scheme = if *https { "https" } else { "tcp" };
                if host.contains(':') {
                    write!(f, "{scheme}://[{host}]:{port}")
                } else {
                    write!(f, "{scheme}://{host}:{port}")
                }
            }
            Host::Ssh { user, host, port } => {
                write!(f, "ssh://")?;
                if let Some(user) = user {
                    write!(f, "{user}@")?;
                }
                write!(f, "{host}")?;
                if let Some(port) = port {
                    write!(f, ":{port}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::str::FromStr for Host {
    type Err = Error;

    fn from_str(s: &str) -> Result<Host> {
        Host::parse(s)
    }
}

impl Host {
    /// Parses a `DOCKER_HOST`-style address.
    ///
    /// ```
    /// use docker_engine::Host;
    /// assert_eq!(Host::parse("unix:///run/docker.sock").unwrap(), Host::Unix("/run/docker.sock".into()));
    /// assert_eq!(
    ///     Host::parse("tcp://10.0.0.2").unwrap(),
    ///     Host::Tcp { host: "10.0.0.2".into(), port: 2375, https: false }
    /// );
    /// assert!(Host::parse("ftp://x").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Host> {
        let s = s.trim();
        let bad = |why: &str| Error::invalid_input(format!("engine address `{s}`: {why}"));
        let (scheme, rest) = s
            .split_once("://")
            .ok_or_else(|| bad("expected SCHEME://ADDRESS"))?;
        match scheme.to_ascii_lowercase().as_str() {
            "unix" => {
                if rest.is_empty() {
                    return Ok(Host::default());
                }
                if !rest.starts_with('/') {
                    return Err(bad("a unix socket path must be absolute"));
                }
                Ok(Host::Unix(PathBuf::from(rest)))
            }
            scheme @ ("tcp" | "http" | "https") => {
                let https = scheme == "https";
                let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
                if !path.is_empty() {
                    return Err(bad("a path after the address is not supported"));
                }
                let (host, port) = split_host_port(authority).map_err(&bad)?;
                let host = if host.is_empty() {
                    "localhost".to_string()
                } else {
                    host
                };
                let default_port = if https { 2376 } else { 2375 };
                Ok(Host::Tcp {
                    host,
                    port: port.unwrap_or(default_port),
                    https,
                })
            }
            "ssh" => {
                let rest = rest.strip_suffix('/').unwrap_or(rest);
                if rest.contains('/') {
                    return Err(bad("a path after the ssh address is not supported"));
                }
                let (user, authority) = match rest.rsplit_once('@') {
                    Some((user, a)) if !user.is_empty() => (Some(user.to_string()), a),
                    Some(_) => return Err(bad("empty ssh user")),
                    None => (None, rest),
                };
                let (host, port) = split_host_port(authority).map_err(&bad)?;
                if host.is_empty() {
                    return Err(bad("no ssh host"));
                }
                if host.starts_with('-') || user.as_deref().is_some_and(|u| u.starts_with('-')) {
                    return Err(bad("an ssh host or user may not start with `-`"));
                }
                Ok(Host::Ssh { user, host, port })
            }
            "npipe" => Err(bad("named pipes exist only on Windows")),
            "fd" => Err(bad(
                "socket activation (fd://) is for the engine, not clients",
            )),
            _ => Err(bad(
                "unknown scheme (expected unix, tcp, http, https or ssh)",
            )),
        }
    }

    /// Whether requests go over TLS, given whether TLS settings exist.
    pub(crate) fn uses_tls(&self, tls_configured: bool) -> bool {
        match self {
            Host::Tcp { https, .. } => *https || tls_configured,
            _ => false,
        }
    }
}

/// `host:port`, `[v6]:port`, `host` -> (host, port).
fn split_host_port(authority: &str) -> std::result::Result<(String, Option<u16>), &'static str> {
    let parse_port = |p: &str| {
        p.parse::<u16>()
            .map_err(|_| "the port is not a number from 0 to 65535")
    };
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or("unclosed `[` in an IPv6 address")?;
        if host.contains('[') {
            return Err("`[` inside an IPv6 address");
        }
        return match after {
            "" => Ok((host.to_string(), None)),
            p if p.starts_with(':') => Ok((host.to_string(), Some(parse_port(&p[1..])?))),
            _ => Err("unexpected text after `]`"),
        };
    }
    match authority.rsplit_once(':') {
        _ if authority.contains(['[', ']']) => Err("brackets go around an IPv6 address only"),
        Some((host, port)) if !host.contains(':') => {
            Ok((host.to_string(), Some(parse_port(port)?)))
        }
        Some(_) => Err("an IPv6 address needs brackets: [::1]:2375"),
        None => Ok((authority.to_string(), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `user_input` fuzz target: `tcp://[[t]/` parsed to the
    /// host `[t`, which printed as an address that does not parse.
    #[test]
    fn brackets_only_around_an_ipv6_address() {
        for bad in [
            "tcp://[[t]/",
            "tcp://[[::1]]:1",
            "tcp://a]:1",
            "tcp://a[b:1",
        ] {
            assert!(Host::parse(bad).is_err(), "{bad}");
        }
        assert!(Host::parse("tcp://[::1]:1").is_ok());
    }

    #[test]
    fn parses_what_the_cli_accepts() {
        let tcp = |host: &str, port, https| Host::Tcp {
            host: host.into(),
            port,
            https,
        };
        assert_eq!(Host::parse("unix://").unwrap(), Host::default());
        assert_eq!(Host::parse("tcp://h:1234").unwrap(), tcp("h", 1234, false));
        assert_eq!(
            Host::parse("tcp://:2375").unwrap(),
            tcp("localhost", 2375, false)
        );
        assert_eq!(Host::parse("http://h").unwrap(), tcp("h", 2375, false));
        assert_eq!(Host::parse("https://h").unwrap(), tcp("h", 2376, true));
        assert_eq!(
            Host::parse("tcp://[::1]:99").unwrap(),
            tcp("::1", 99, false)
        );
        assert_eq!(Host::parse("tcp://h:1/").unwrap(), tcp("h", 1, false));
        assert_eq!(
            Host::parse("ssh://me@box:2222").unwrap(),
            Host::Ssh {
                user: Some("me".into()),
                host: "box".into(),
                port: Some(2222)
            }
        );
        assert_eq!(
            Host::parse("ssh://box").unwrap(),
            Host::Ssh {
                user: None,
                host: "box".into(),
                port: None
            }
        );
        for bad in [
            "",
            "docker.sock",
            "unix://rel/path",
            "tcp://h:x",
            "tcp://h:70000",
            "tcp://::1:2",
            "tcp://h/base",
            "ssh://",
            "ssh://-oProxyCommand=x",
            "ssh://h/path",
            "npipe:////./pipe/docker_engine",
            "ftp://h",
        ] {
            assert!(Host::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn displays_back() {
        for s in [
            "unix:///run/d.sock",
            "tcp://h:1",
            "https://[::1]:2376",
            "ssh://u@h:22",
            "ssh://h",
        ] {
            assert_eq!(Host::parse(s).unwrap().to_string(), s);
        }
    }
}
