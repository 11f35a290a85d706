//! Registry credentials found as the Docker CLI finds them.
//!
//! For a registry key (Docker Hub's `https://index.docker.io/v1/`, else
//! `host:port`; [`crate::reference::Reference::registry_key`] picks it from
//! an image reference as the CLI does), `config.json` under
//! `DOCKER_CONFIG` says where its credentials are:
//! - `credHelpers[key]`: the helper `docker-credential-<name>`;
//! - else `credsStore`: the helper `docker-credential-<name>` for every
//!   registry;
//! - else `auths[key]` in the file itself: `auth` (base64 of
//!   `user:password`), `identitytoken`, `registrytoken` (a key written with
//!   a scheme or path, `https://host/v1/`, matches its host).
//!
//! Helpers speak the credential-helpers protocol: the program gets the
//! action as its argument (`get`, `store`, `erase`) and the server address
//! (or, for `store`, a JSON document) on stdin; `get` answers
//! `{"ServerURL","Username","Secret"}`, where the user name `<token>` means
//! the secret is an identity token. A helper that does not know the
//! registry says `credentials not found`: no credentials, not an error.
//! Helpers run with the client's [`crate::DockerBuilder::credstore_env`]
//! added to their environment (`PATH` there also chooses where the
//! program is looked up).
//!
//! Secrets never show in `Debug`, `Display` or logs.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use base64::Engine as _;
use serde_json::{Map, Value};
use tokio::io::AsyncWriteExt;

use crate::auth::RegistryAuth;
use crate::config::CliConfig;
use crate::error::{Error, Result};
use crate::reference::Reference;
use crate::Docker;

/// Where the credentials of one registry are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Store {
    /// In `config.json` itself (`auths`).
    File,
    /// In the helper `docker-credential-<name>` (from `credHelpers` or
    /// `credsStore`).
    Helper(String),
}

/// The CLI's credential stores as one client sees them: `config.json` and
/// its helpers, with the environment helpers run with.
#[derive(Clone, Debug)]
pub struct Credentials {
    config: std::sync::Arc<CliConfig>,
    env: Vec<(String, String)>,
}

impl Credentials {
    /// The stores `config` names; helpers run with `env` added to theirs.
    pub fn new(config: std::sync::Arc<CliConfig>, env: Vec<(String, String)>) -> Credentials {
        Credentials { config, env }
    }

    /// The store for `key`: `credHelpers[key]`, else `credsStore`, else the
    /// file.
    pub fn store_for(&self, key: &str) -> Store {
        let file = self.config.raw();
        let helper = file
            .get("credHelpers")
            .and_then(|h| h.get(key))
            .and_then(Value::as_str)
            .or_else(|| file.get("credsStore").and_then(Value::as_str))
            .filter(|s| !s.is_empty());
        match helper {
            Some(h) => Store::Helper(h.to_string()),
            None => Store::File,
        }
    }

    /// The credentials stored for `key` (`None` when there are none).
    ///
    /// # Errors
    /// [`Error::CredentialHelper`] when a helper fails (other than not
    /// knowing the registry) or cannot be run; [`Error::InvalidInput`]
    /// for a broken `auth` entry.
    pub async fn get(&self, key: &str) -> Result<Option<RegistryAuth>> {
        let from_file = file_entry(self.config.raw(), key)?;
        match self.store_for(key) {
            Store::File => Ok(from_file.filter(|c| !c.is_empty())),
            Store::Helper(helper) => {
                let out = run_helper(&helper, "get", key.as_bytes(), &self.env).await?;
                let Some(out) = out else {
                    return Ok(None);
                };
                let answer: Value = serde_json::from_slice(&out).map_err(|e| {
                    Error::credential_helper(&helper, format!("`get` answered no JSON: {e}"))
                })?;
                let field = |name: &str| {
                    answer
                        .get(name)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                let (username, secret) = (field("Username"), field("Secret"));
                let auth = if username == "<token>" {
                    RegistryAuth::identity_token(secret)
                } else {
                    RegistryAuth::new(username, secret)
                };
                Ok((!auth.is_empty()).then(|| auth.server_address(key)))
            }
        }
    }

    /// Stores `creds` under `key` where the configuration says (the helper,
    /// or `auths` in `config.json`, written back with everything else in it
    /// kept), as `docker login` does.
    ///
    /// # Errors
    /// [`Error::CredentialHelper`] when the helper fails;
    /// [`Error::InvalidInput`] when there is no configuration directory or
    /// `config.json` cannot be written.
    pub async fn store(&self, key: &str, creds: &RegistryAuth) -> Result<()> {
        let username = creds.username().unwrap_or_default();
        let identity = creds.identity().unwrap_or_default();
        match self.store_for(key) {
            Store::Helper(helper) => {
                let (username, secret) = if identity.is_empty() {
                    (username, creds.password().unwrap_or_default())
                } else {
                    ("<token>", identity)
                };
                let doc = serde_json::json!({
                    "ServerURL": key, "Username": username, "Secret": secret,
                });
                run_helper(&helper, "store", doc.to_string().as_bytes(), &self.env)
                    .await?
                    .ok_or_else(|| {
                        Error::credential_helper(&helper, "`store` found no such registry")
                    })?;
                // The file keeps an empty entry, as the CLI leaves it.
                self.edit_file(|auths| {
                    auths.insert(key.to_string(), Value::Object(Map::new()));
                })
                .await
            }
            Store::File => {
                let mut entry = Map::new();
                let password = if identity.is_empty() {
                    creds.password().unwrap_or_default()
                } else {
                    ""
                };
                entry.insert(
                    "auth".into(),
                    base64::engine::general_purpose::STANDARD
                        .encode(format!("{username}:{password}"))
                        .into(),
                );
                if !identity.is_empty() {
                    entry.insert("identitytoken".into(), identity.into());
                }
                self.edit_file(|auths| {
                    auths.insert(key.to_string(), Value::Object(entry));
                })
                .await
            }
        }
    }

    /// Removes what is stored for `key` (`docker logout`): from the helper
    /// and from `auths`. Nothing stored is not an error.
    ///
    /// # Errors
    /// As [`Credentials::store`].
    pub async fn erase(&self, key: &str) -> Result<()> {
        if let Store::Helper(helper) = self.store_for(key) {
            run_helper(&helper, "erase", key.as_bytes(), &self.env).await?;
        }
        let present = self
            .config
            .raw()
            .get("auths")
            .and_then(Value::as_object)
            .is_some_and(|a| a.contains_key(key));
        if present {
            self.edit_file(|auths| {
                auths.remove(key);
            })
            .await?;
        }
        Ok(())
    }

    /// The credentials for the registry of `reference`, under the key the
    /// CLI chooses for it ([`Reference::registry_key`]).
    ///
    /// # Errors
    /// As [`Credentials::get`].
    pub async fn for_reference(&self, reference: &Reference) -> Result<Option<RegistryAuth>> {
        self.get(&reference.registry_key()).await
    }

    /// Rewrites `config.json` with `edit` applied to its `auths` (the file
    /// as it is on disk now, everything else kept; written to a temporary
    /// file and renamed, readable by its owner only).
    async fn edit_file(&self, edit: impl FnOnce(&mut Map<String, Value>)) -> Result<()> {
        let dir = self.config.dir().ok_or_else(|| {
            Error::invalid_input("no Docker configuration directory to store credentials in")
        })?;
        let path = dir.join("config.json");
        let mut doc = match tokio::fs::read(&path).await {
            Ok(bytes) => serde_json::from_slice::<Value>(&bytes).map_err(|e| {
                Error::invalid_input(format!("{} is not valid JSON: {e}", path.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Value::Object(Map::new()),
            Err(e) => return Err(write_error(&path, e)),
        };
        let obj = doc
            .as_object_mut()
            .ok_or_else(|| Error::invalid_input(format!("{} is not an object", path.display())))?;
        let auths = obj
            .entry("auths")
            .or_insert_with(|| Value::Object(Map::new()));
        if !auths.is_object() {
            *auths = Value::Object(Map::new());
        }
        if let Some(auths) = auths.as_object_mut() {
            edit(auths);
        }
        let bytes = serde_json::to_vec_pretty(&doc)
            .map_err(|e| Error::invalid_input(format!("cannot encode {}: {e}", path.display())))?;
        write_private(dir, &path, &bytes).await
    }
}

impl Docker {
    /// The credential stores this client uses: `config.json` of its CLI
    /// configuration (as [`Docker::reload_config`] last read it) and its
    /// helpers, run with [`crate::DockerBuilder::credstore_env`].
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::reference::Reference;
    /// let image = Reference::parse("localhost:5000/app:1")?;
    /// if let Some(auth) = docker.credentials().for_reference(&image).await? {
    ///     println!("as {:?}", auth.username());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn credentials(&self) -> Credentials {
        Credentials::new(self.cli_config(), self.credstore_env().to_vec())
    }

    /// The credentials a call that reaches the registry of `reference`
    /// carries: `explicit` when the caller gave them, else those the CLI
    /// configuration has for that registry (the CLI's choice for image
    /// pull and push, plugin privileges, install, upgrade and push).
    pub(crate) async fn auth_for(
        &self,
        reference: &Reference,
        explicit: Option<&RegistryAuth>,
    ) -> Result<Option<RegistryAuth>> {
        match explicit {
            Some(auth) => Ok(Some(auth.clone())),
            None => self.credentials().for_reference(reference).await,
        }
    }

    /// The `X-Registry-Auth` value for such a call: as
    /// [`Docker::auth_for`], and `{}` when there are no credentials, as
    /// the CLI sends it.
    pub(crate) async fn auth_header_for(
        &self,
        reference: &Reference,
        explicit: Option<&RegistryAuth>,
    ) -> Result<String> {
        Ok(self
            .auth_for(reference, explicit)
            .await?
            .unwrap_or_default()
            .header_value())
    }
}

fn write_error(path: &Path, e: std::io::Error) -> Error {
    Error::invalid_input(format!("cannot write {}: {e}", path.display()))
}

async fn write_private(dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| write_error(dir, e))?;
    let tmp: PathBuf = dir.join(format!(".config.json.{}.tmp", std::process::id()));
    let mut open = tokio::fs::OpenOptions::new();
    open.write(true).create(true).truncate(true);
    #[cfg(unix)]
    open.mode(0o600);
    let mut f = open.open(&tmp).await.map_err(|e| write_error(&tmp, e))?;
    f.write_all(bytes).await.map_err(|e| write_error(&tmp, e))?;
    f.sync_all().await.map_err(|e| write_error(&tmp, e))?;
    drop(f);
    tokio::fs::rename(&tmp, path)
        .await
        .map_err(|e| write_error(path, e))
}

/// `auths[key]` of `config.json`, or the entry whose key has `key` as its
/// host (the CLI's legacy match).
fn file_entry(file: &Value, key: &str) -> Result<Option<RegistryAuth>> {
    let Some(auths) = file.get("auths").and_then(Value::as_object) else {
        return Ok(None);
    };
    let found = auths.get_key_value(key).or_else(|| {
        auths
            .iter()
            .find(|(k, _)| crate::reference::convert_to_hostname(k) == key)
    });
    let Some((stored_key, entry)) = found else {
        return Ok(None);
    };
    let s = |name: &str| {
        entry
            .get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let (mut username, mut password) = (s("username"), s("password"));
    if let Some(auth) = s("auth") {
        let broken =
            || Error::invalid_input(format!("config.json: invalid `auth` for {stored_key}"));
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .map_err(|_| broken())?;
        let decoded = String::from_utf8(decoded).map_err(|_| broken())?;
        let (user, pass) = decoded.split_once(':').ok_or_else(broken)?;
        username = Some(user.to_string()).filter(|u| !u.is_empty());
        password = Some(pass.to_string()).filter(|p| !p.is_empty());
    }
    let auth = match (username, password) {
        (None, None) => RegistryAuth::default(),
        (u, p) => RegistryAuth::new(u.unwrap_or_default(), p.unwrap_or_default()),
    };
    Ok(Some(
        auth.with_tokens(s("identitytoken"), s("registrytoken"))
            .server_address(stored_key.clone()),
    ))
}

/// Runs `docker-credential-<helper> <action>` with `input` on stdin: its
/// stdout, or `None` when it says it has no credentials for the registry.
async fn run_helper(
    helper: &str,
    action: &str,
    input: &[u8],
    env: &[(String, String)],
) -> Result<Option<Vec<u8>>> {
    let program = format!("docker-credential-{helper}");
    let mut cmd = tokio::process::Command::new(&program);
    cmd.arg(action)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| Error::credential_helper(helper, format!("cannot run {program}: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits without reading is judged by its exit status.
        let _ = stdin.write_all(input).await;
    }
    let out = child
        .wait_with_output()
        .await
        .map_err(|e| Error::credential_helper(helper, format!("{program}: {e}")))?;
    if out.status.success() {
        return Ok(Some(out.stdout));
    }
    let message = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let message = if message.is_empty() {
        String::from_utf8_lossy(&out.stderr).trim().to_string()
    } else {
        message
    };
    if message.contains("credentials not found") {
        return Ok(None);
    }
    Err(Error::credential_helper(
        helper,
        format!("`{action}` failed ({}): {message}", out.status),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn config(dir: &Path, json: &str) -> Arc<CliConfig> {
        std::fs::write(dir.join("config.json"), json).unwrap();
        Arc::new(CliConfig::load_dir(dir).unwrap())
    }

    #[tokio::test]
    async fn auths_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let auth = base64::engine::general_purpose::STANDARD.encode("me:s3cret:with:colons");
        let cfg = config(
            dir.path(),
            &format!(
                r#"{{"auths": {{
                    "localhost:5000": {{"auth": "{auth}"}},
                    "https://legacy.example.com/v1/": {{"auth": "{auth}"}},
                    "tok.example.com": {{"identitytoken": "idtok", "registrytoken": "regtok"}},
                    "broken.example.com": {{"auth": "!!"}}
                }}}}"#
            ),
        );
        let c = Credentials::new(cfg, Vec::new());
        assert_eq!(c.store_for("localhost:5000"), Store::File);
        let got = c.get("localhost:5000").await.unwrap().unwrap();
        assert_eq!(got.username(), Some("me"));
        assert_eq!(got.password(), Some("s3cret:with:colons"));
        let debug = format!("{got:?}");
        assert!(!debug.contains("s3cret"), "{debug}");

        let legacy = c.get("legacy.example.com").await.unwrap().unwrap();
        assert_eq!(legacy.server(), Some("https://legacy.example.com/v1/"));
        assert_eq!(legacy.username(), Some("me"));

        let tok = c.get("tok.example.com").await.unwrap().unwrap();
        assert_eq!(
            (tok.identity(), tok.token()),
            (Some("idtok"), Some("regtok"))
        );
        assert_eq!(tok.username(), None);

        assert!(c.get("other:5000").await.unwrap().is_none());
        assert!(matches!(
            c.get("broken.example.com").await,
            Err(Error::InvalidInput { .. })
        ));
    }

    #[tokio::test]
    async fn storing_in_the_file_keeps_everything_else() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(
            dir.path(),
            r#"{"detachKeys": "ctrl-x,x", "auths": {"a:1": {"auth": "eDp5"}}}"#,
        );
        let c = Credentials::new(cfg, Vec::new());
        c.store("b:2", &RegistryAuth::new("u", "p")).await.unwrap();
        let doc: Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("config.json")).unwrap())
                .unwrap();
        assert_eq!(doc["detachKeys"], "ctrl-x,x");
        assert_eq!(doc["auths"]["a:1"]["auth"], "eDp5");
        assert_eq!(doc["auths"]["b:2"]["auth"], "dTpw");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("config.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        let reloaded = Credentials::new(
            Arc::new(CliConfig::load_dir(dir.path()).unwrap()),
            Vec::new(),
        );
        assert_eq!(
            reloaded.get("b:2").await.unwrap().unwrap().password(),
            Some("p")
        );
        reloaded.erase("b:2").await.unwrap();
        let doc: Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("config.json")).unwrap())
                .unwrap();
        assert!(doc["auths"].get("b:2").is_none());
        assert_eq!(doc["auths"]["a:1"]["auth"], "eDp5");
    }

    #[test]
    fn helpers_by_registry_then_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(
            dir.path(),
            r#"{"credsStore": "desktop", "credHelpers": {"gcr.io": "gcloud"}}"#,
        );
        let c = Credentials::new(cfg, Vec::new());
        assert_eq!(c.store_for("gcr.io"), Store::Helper("gcloud".into()));
        assert_eq!(
            c.store_for("localhost:5000"),
            Store::Helper("desktop".into())
        );
    }
}

#[cfg(all(test, unix))]
mod helper_tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::sync::Arc;

    /// A `docker-credential-<name>` keeping credentials in a file beside
    /// it, one `ServerURL<TAB>Username<TAB>Secret` line each.
    pub(crate) fn write_helper(dir: &Path, name: &str) -> PathBuf {
        let store = dir.join(format!("{name}.store"));
        let script = include_str!("../tests/common/credential-helper.sh")
            .replace("@STORE@", &store.display().to_string());
        let path = dir.join(format!("docker-credential-{name}"));
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn path_env(dir: &Path) -> Vec<(String, String)> {
        let path = format!(
            "{}:{}",
            dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        vec![("PATH".into(), path)]
    }

    #[tokio::test]
    async fn a_helper_stores_gets_and_erases() {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("t{}", std::process::id());
        write_helper(dir.path(), &name);
        std::fs::write(
            dir.path().join("config.json"),
            format!(r#"{{"credHelpers": {{"reg.example:5000": "{name}"}}}}"#),
        )
        .unwrap();
        let c = Credentials::new(
            Arc::new(CliConfig::load_dir(dir.path()).unwrap()),
            path_env(dir.path()),
        );
        assert!(c.get("reg.example:5000").await.unwrap().is_none());
        c.store("reg.example:5000", &RegistryAuth::new("bob", "pw1"))
            .await
            .unwrap();
        let got = c.get("reg.example:5000").await.unwrap().unwrap();
        assert_eq!((got.username(), got.password()), (Some("bob"), Some("pw1")));
        assert_eq!(got.server(), Some("reg.example:5000"));
        // The file keeps an empty entry, as the CLI leaves it.
        let doc: Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("config.json")).unwrap())
                .unwrap();
        assert_eq!(doc["auths"]["reg.example:5000"], serde_json::json!({}));

        // An identity token travels as the user `<token>`.
        c.store("reg.example:5000", &RegistryAuth::identity_token("idt"))
            .await
            .unwrap();
        let got = c.get("reg.example:5000").await.unwrap().unwrap();
        assert_eq!((got.username(), got.identity()), (None, Some("idt")));

        c.erase("reg.example:5000").await.unwrap();
        assert!(c.get("reg.example:5000").await.unwrap().is_none());

        // A helper that is not there is a typed error naming it.
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"credsStore": "missing-helper-xyz"}"#,
        )
        .unwrap();
        let c = Credentials::new(
            Arc::new(CliConfig::load_dir(dir.path()).unwrap()),
            path_env(dir.path()),
        );
        match c.get("any:1").await {
            Err(Error::CredentialHelper { helper, .. }) => assert_eq!(helper, "missing-helper-xyz"),
            other => panic!("{other:?}"),
        }
    }
}
