//! Where the Docker CLI keeps its settings, and how it picks an engine.
//!
//! - `DOCKER_CONFIG` (default `~/.docker`) holds `config.json` and the
//!   context store (`contexts/meta/<sha256 of name>/meta.json`, TLS material
//!   under `contexts/tls/<sha256 of name>/docker/`).
//! - The engine: `DOCKER_HOST` if set; else the context named by
//!   `DOCKER_CONTEXT`, else `currentContext` from `config.json`; else the
//!   default socket. The context `default` means "no context".
//! - TLS: `DOCKER_CERT_PATH` (default: the config directory) with
//!   `DOCKER_TLS_VERIFY`: set and non-empty verifies the engine; an empty
//!   value, or a cert path without it, means TLS without verification.
//! - `DOCKER_API_VERSION` pins the API version and turns negotiation off.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::transport::{Host, TlsSettings};
use crate::versions::ApiVersion;

/// Reads environment variables; a seam so tests need not touch the
/// process environment.
pub(crate) trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
pub(crate) struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl Env for HashMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

/// The CLI configuration directory and the parts of `config.json` the SDK
/// uses.
#[derive(Clone, Debug, Default)]
pub struct CliConfig {
    dir: Option<PathBuf>,
    file: Value,
}

impl CliConfig {
    /// Loads `config.json` from `DOCKER_CONFIG` or `~/.docker`. A missing
    /// file is an empty configuration; an unreadable or invalid one is an
    /// error.
    pub fn load() -> Result<CliConfig> {
        Self::load_from(&ProcessEnv)
    }

    /// Loads `config.json` from the directory `dir` (as `DOCKER_CONFIG`).
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<CliConfig> {
        let mut vars = HashMap::new();
        vars.insert(
            "DOCKER_CONFIG".to_string(),
            dir.as_ref().to_string_lossy().into_owned(),
        );
        Self::load_from(&vars)
    }

    pub(crate) fn load_from(env: &dyn Env) -> Result<CliConfig> {
        let dir = match env.var("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
            Some(d) => Some(PathBuf::from(d)),
            None => env
                .var("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| Path::new(&h).join(".docker")),
        };
        let Some(dir) = dir else {
            return Ok(CliConfig::default());
        };
        let path = dir.join("config.json");
        let file = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::invalid_input(format!("{} is not valid JSON: {e}", path.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Value::Null,
            Err(e) => {
                return Err(Error::invalid_input(format!(
                    "cannot read {}: {e}",
                    path.display()
                )))
            }
        };
        Ok(CliConfig {
            dir: Some(dir),
            file,
        })
    }

    /// The configuration directory, if one could be determined.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// `currentContext` from `config.json`.
    pub fn current_context(&self) -> Option<&str> {
        self.file
            .get("currentContext")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// `detachKeys`: the key sequence that detaches from attach and exec
    /// (e.g. `ctrl-p,ctrl-q`), if configured.
    pub fn detach_keys(&self) -> Option<&str> {
        self.file
            .get("detachKeys")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The proxy variables the CLI puts into containers and execs for the
    /// engine at `host` (`proxies` in `config.json`: the entry for that
    /// host, else `default`), as `NAME=value` pairs in both spellings.
    pub fn proxy_env(&self, host: &str) -> Vec<(String, String)> {
        let Some(proxies) = self.file.get("proxies").and_then(Value::as_object) else {
            return Vec::new();
        };
        let Some(entry) = proxies.get(host).or_else(|| proxies.get("default")) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, name) in [
            ("httpProxy", "HTTP_PROXY"),
            ("httpsProxy", "HTTPS_PROXY"),
            ("ftpProxy", "FTP_PROXY"),
            ("noProxy", "NO_PROXY"),
            ("allProxy", "ALL_PROXY"),
        ] {
            if let Some(v) = entry
                .get(key)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
            {
                out.push((name.to_string(), v.to_string()));
                out.push((name.to_ascii_lowercase(), v.to_string()));
            }
        }
        out
    }

    /// `HttpHeaders` from `config.json`: extra headers for every request.
    /// Entries that are not valid header names or values are left out.
    pub fn http_headers(&self) -> Vec<(http::HeaderName, http::HeaderValue)> {
        let Some(map) = self.file.get("HttpHeaders").and_then(Value::as_object) else {
            return Vec::new();
        };
        map.iter()
            .filter_map(|(k, v)| {
                let name = http::HeaderName::from_bytes(k.as_bytes()).ok()?;
                let value = http::HeaderValue::from_str(v.as_str()?).ok()?;
                Some((name, value))
            })
            .collect()
    }

    /// The raw `config.json` document (`null` when there is none).
    pub fn raw(&self) -> &Value {
        &self.file
    }

    /// The context store's endpoint for `name`: its host and TLS settings.
    pub(crate) fn context_endpoint(&self, name: &str) -> Result<(Host, Option<TlsSettings>)> {
        let dir = self.dir.as_ref().ok_or_else(|| {
            Error::invalid_input(format!(
                "context `{name}`: no Docker configuration directory"
            ))
        })?;
        let id = hex_sha256(name);
        let meta_path = dir.join("contexts/meta").join(&id).join("meta.json");
        let meta: Value = match std::fs::read(&meta_path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::invalid_input(format!("{} is not valid JSON: {e}", meta_path.display()))
            })?,
            Err(e) => {
                return Err(Error::invalid_input(format!(
                    "context `{name}` not found ({}: {e})",
                    meta_path.display()
                )))
            }
        };
        let endpoint = meta.pointer("/Endpoints/docker").ok_or_else(|| {
            Error::invalid_input(format!("context `{name}` has no docker endpoint"))
        })?;
        let host = endpoint
            .get("Host")
            .and_then(Value::as_str)
            .filter(|h| !h.is_empty());
        let host = match host {
            Some(h) => Host::parse(h)?,
            None => Host::default(),
        };
        let skip_verify = endpoint
            .get("SkipTLSVerify")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let tls_dir = dir.join("contexts/tls").join(&id).join("docker");
        let tls = if tls_dir.is_dir() {
            Some(TlsSettings::from_cert_dir(&tls_dir).verify(!skip_verify))
        } else if skip_verify {
            Some(TlsSettings::new().verify(false))
        } else {
            None
        };
        Ok((host, tls))
    }
}

/// Adds `NAME=value` for each pair whose name `env` does not set yet: an
/// explicit value always wins.
pub(crate) fn add_missing_env(env: &mut Option<Vec<String>>, pairs: &[(String, String)]) {
    if pairs.is_empty() {
        return;
    }
    let env = env.get_or_insert_with(Vec::new);
    for (name, value) in pairs {
        let prefix = format!("{name}=");
        if !env.iter().any(|e| e.starts_with(&prefix) || e == name) {
            env.push(format!("{name}={value}"));
        }
    }
}

pub(crate) fn hex_sha256(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the environment and the CLI configuration say about the engine.
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    pub host: Host,
    pub tls: Option<TlsSettings>,
    pub version: Option<ApiVersion>,
    pub cli: CliConfig,
}

/// Resolves the engine the way the Docker CLI does.
pub(crate) fn resolve(env: &dyn Env) -> Result<Resolved> {
    let cli = CliConfig::load_from(env)?;
    let set = |name: &str| env.var(name).filter(|v| !v.is_empty());

    let version = match set("DOCKER_API_VERSION") {
        Some(v) => Some(
            v.parse::<ApiVersion>()
                .map_err(|e| Error::invalid_input(format!("DOCKER_API_VERSION: {e}")))?,
        ),
        None => None,
    };

    let (host, mut tls) = if let Some(h) = set("DOCKER_HOST") {
        (Host::parse(&h)?, None)
    } else {
        let context = set("DOCKER_CONTEXT").or_else(|| cli.current_context().map(str::to_string));
        match context.as_deref() {
            None | Some("default") => (Host::default(), None),
            Some(name) => cli.context_endpoint(name)?,
        }
    };

    // The TLS variables apply to an address from DOCKER_HOST (or the
    // default), not to a context, which carries its own.
    if tls.is_none() {
        let verify = env.var("DOCKER_TLS_VERIFY");
        let cert_path = set("DOCKER_CERT_PATH");
        let wants_tls = verify.as_deref().is_some_and(|v| !v.is_empty()) || cert_path.is_some();
        if wants_tls {
            let verify = verify.as_deref().is_some_and(|v| !v.is_empty());
            let explicit = cert_path.is_some();
            let dir = cert_path
                .map(PathBuf::from)
                .or_else(|| cli.dir().map(Path::to_path_buf));
            let settings = match dir {
                Some(dir) => cert_dir(&dir, explicit, verify)?,
                None => TlsSettings::new(),
            };
            tls = Some(settings.verify(verify));
        }
    }
    if let (Some(_), Host::Unix(_) | Host::Ssh { .. }) = (&tls, &host) {
        // TLS settings mean nothing for a local socket or ssh.
        tls = None;
    }
    Ok(Resolved {
        host,
        tls,
        version,
        cli,
    })
}

/// The TLS material of a certificate directory, as the CLI requires it:
/// a `DOCKER_CERT_PATH` that is not a directory, a missing `ca.pem` when
/// the engine is to be verified, or a certificate without its key (or a
/// key without its certificate) is an error naming the file, not ignored.
fn cert_dir(dir: &Path, explicit: bool, verify: bool) -> Result<TlsSettings> {
    let show = dir.display();
    if explicit && !dir.is_dir() {
        return Err(Error::invalid_input(format!(
            "DOCKER_CERT_PATH={show}: no such directory"
        )));
    }
    let (ca, cert, key) = (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    );
    if verify && !ca.is_file() {
        return Err(Error::invalid_input(format!(
            "DOCKER_TLS_VERIFY is set but there is no CA certificate to verify the engine with: {} does not exist",
            ca.display()
        )));
    }
    match (cert.is_file(), key.is_file()) {
        (true, false) => {
            return Err(Error::invalid_input(format!(
                "{} has no key beside it: {} does not exist",
                cert.display(),
                key.display()
            )))
        }
        (false, true) => {
            return Err(Error::invalid_input(format!(
                "{} has no certificate beside it: {} does not exist",
                key.display(),
                cert.display()
            )))
        }
        _ => {}
    }
    Ok(TlsSettings::from_cert_dir(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_to_the_local_socket() {
        let dir = tempfile::tempdir().unwrap();
        let r = resolve(&env(&[("HOME", dir.path().to_str().unwrap())])).unwrap();
        assert_eq!(r.host, Host::default());
        assert!(r.tls.is_none() && r.version.is_none());
    }

    #[test]
    fn docker_host_and_tls_variables() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        let certs_dir = tempfile::tempdir().unwrap();
        std::fs::write(certs_dir.path().join("ca.pem"), "").unwrap();
        let certs = certs_dir.path().to_str().unwrap();
        let r = resolve(&env(&[
            ("DOCKER_CONFIG", d),
            ("DOCKER_HOST", "tcp://h:2376"),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", certs),
        ]))
        .unwrap();
        assert_eq!(r.host, Host::parse("tcp://h:2376").unwrap());
        let tls = r.tls.unwrap();
        assert!(tls.verify);

        // An empty DOCKER_TLS_VERIFY means off, but a cert path still means TLS.
        let r = resolve(&env(&[
            ("DOCKER_CONFIG", d),
            ("DOCKER_HOST", "tcp://h:2376"),
            ("DOCKER_TLS_VERIFY", ""),
            ("DOCKER_CERT_PATH", certs),
        ]))
        .unwrap();
        assert!(!r.tls.unwrap().verify);

        let r = resolve(&env(&[
            ("DOCKER_CONFIG", d),
            ("DOCKER_HOST", "tcp://h:2375"),
            ("DOCKER_TLS_VERIFY", ""),
        ]))
        .unwrap();
        assert!(r.tls.is_none());

        let r = resolve(&env(&[
            ("DOCKER_CONFIG", d),
            ("DOCKER_API_VERSION", "1.41"),
        ]))
        .unwrap();
        assert_eq!(r.version, Some(ApiVersion::new(1, 41)));
        assert!(resolve(&env(&[
            ("DOCKER_CONFIG", d),
            ("DOCKER_API_VERSION", "latest")
        ]))
        .is_err());
    }

    #[test]
    fn tls_material_that_is_not_there_is_an_error() {
        let config = tempfile::tempdir().unwrap();
        let d = config.path().to_str().unwrap();
        let message = |pairs: &[(&str, &str)]| {
            let mut all = vec![("DOCKER_CONFIG", d), ("DOCKER_HOST", "tcp://h:2376")];
            all.extend_from_slice(pairs);
            resolve(&env(&all)).unwrap_err().to_string()
        };
        let text = message(&[("DOCKER_CERT_PATH", "/nonexistent/certs")]);
        assert_eq!(
            text,
            "invalid input: DOCKER_CERT_PATH=/nonexistent/certs: no such directory"
        );
        let certs = tempfile::tempdir().unwrap();
        let c = certs.path().to_str().unwrap();
        let text = message(&[("DOCKER_CERT_PATH", c), ("DOCKER_TLS_VERIFY", "1")]);
        assert!(
            text.contains(&format!("{c}/ca.pem does not exist")),
            "{text}"
        );
        // Verification with the CA in the config directory (the default).
        let text = message(&[("DOCKER_TLS_VERIFY", "1")]);
        assert!(
            text.contains(&format!("{d}/ca.pem does not exist")),
            "{text}"
        );
        std::fs::write(certs.path().join("ca.pem"), "").unwrap();
        std::fs::write(certs.path().join("cert.pem"), "").unwrap();
        let text = message(&[("DOCKER_CERT_PATH", c), ("DOCKER_TLS_VERIFY", "1")]);
        assert!(
            text.contains(&format!("{c}/key.pem does not exist")),
            "{text}"
        );
        std::fs::write(certs.path().join("key.pem"), "").unwrap();
        assert!(resolve(&env(&[
            ("DOCKER_CONFIG", d),
            ("DOCKER_HOST", "tcp://h:2376"),
            ("DOCKER_CERT_PATH", c),
            ("DOCKER_TLS_VERIFY", "1"),
        ]))
        .is_ok());
    }

    fn write_context(dir: &Path, name: &str, host: &str, skip_verify: bool, tls: bool) {
        let id = hex_sha256(name);
        let meta = dir.join("contexts/meta").join(&id);
        std::fs::create_dir_all(&meta).unwrap();
        let doc = serde_json::json!({
            "Name": name,
            "Metadata": {},
            "Endpoints": { "docker": { "Host": host, "SkipTLSVerify": skip_verify } }
        });
        std::fs::write(meta.join("meta.json"), doc.to_string()).unwrap();
        if tls {
            let t = dir.join("contexts/tls").join(&id).join("docker");
            std::fs::create_dir_all(&t).unwrap();
            for f in ["ca.pem", "cert.pem", "key.pem"] {
                std::fs::write(t.join(f), "x").unwrap();
            }
        }
    }

    #[test]
    fn contexts_from_config_and_environment() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write_context(d, "remote", "tcp://remote:2376", false, true);
        write_context(d, "other", "ssh://me@box", false, false);
        std::fs::write(d.join("config.json"), r#"{"currentContext": "remote"}"#).unwrap();
        let ds = d.to_str().unwrap();

        let r = resolve(&env(&[("DOCKER_CONFIG", ds)])).unwrap();
        assert_eq!(r.host, Host::parse("tcp://remote:2376").unwrap());
        let tls = r.tls.unwrap();
        assert!(tls.verify && tls.ca.is_some() && tls.identity.is_some());

        // DOCKER_CONTEXT beats currentContext; DOCKER_HOST beats both.
        let r = resolve(&env(&[("DOCKER_CONFIG", ds), ("DOCKER_CONTEXT", "other")])).unwrap();
        assert_eq!(r.host, Host::parse("ssh://me@box").unwrap());
        let r = resolve(&env(&[
            ("DOCKER_CONFIG", ds),
            ("DOCKER_CONTEXT", "other"),
            ("DOCKER_HOST", "unix:///x.sock"),
        ]))
        .unwrap();
        assert_eq!(r.host, Host::Unix("/x.sock".into()));
        let r = resolve(&env(&[
            ("DOCKER_CONFIG", ds),
            ("DOCKER_CONTEXT", "default"),
        ]))
        .unwrap();
        assert_eq!(r.host, Host::default());

        let err = resolve(&env(&[
            ("DOCKER_CONFIG", ds),
            ("DOCKER_CONTEXT", "missing"),
        ]))
        .unwrap_err();
        assert!(
            err.to_string().contains("context `missing` not found"),
            "{err}"
        );

        write_context(d, "insecure", "tcp://i:2376", true, true);
        let r = resolve(&env(&[
            ("DOCKER_CONFIG", ds),
            ("DOCKER_CONTEXT", "insecure"),
        ]))
        .unwrap();
        assert!(!r.tls.unwrap().verify);
    }

    #[test]
    fn proxies_and_detach_keys() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"detachKeys": "ctrl-x,x", "proxies": {"default": {"httpProxy": "http://p:3128", "noProxy": "*.local"},
                "tcp://special:2376": {"httpsProxy": "http://s:1"}}}"#,
        )
        .unwrap();
        let cli =
            CliConfig::load_from(&env(&[("DOCKER_CONFIG", dir.path().to_str().unwrap())])).unwrap();
        assert_eq!(cli.detach_keys(), Some("ctrl-x,x"));
        let default = cli.proxy_env("unix:///var/run/docker.sock");
        assert!(default.contains(&("HTTP_PROXY".into(), "http://p:3128".into())));
        assert!(default.contains(&("no_proxy".into(), "*.local".into())));
        assert_eq!(
            cli.proxy_env("tcp://special:2376"),
            vec![
                ("HTTPS_PROXY".into(), "http://s:1".into()),
                ("https_proxy".into(), "http://s:1".into())
            ]
        );

        let mut env_list = Some(vec!["HTTP_PROXY=explicit".to_string()]);
        add_missing_env(&mut env_list, &default);
        let env_list = env_list.unwrap();
        assert!(env_list.contains(&"HTTP_PROXY=explicit".to_string()));
        assert!(!env_list.contains(&"HTTP_PROXY=http://p:3128".to_string()));
        assert!(env_list.contains(&"http_proxy=http://p:3128".to_string()));
    }

    #[test]
    fn a_broken_config_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), "{").unwrap();
        let err = resolve(&env(&[("DOCKER_CONFIG", dir.path().to_str().unwrap())])).unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }));
    }
}
