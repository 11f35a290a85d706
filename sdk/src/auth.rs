//! Registry credentials as the engine reads them: one [`RegistryAuth`] in
//! `X-Registry-Auth` (pull, push, plugin install, service create), a map of
//! them in `X-Registry-Config` (build).
//!
//! Both headers are base64url (with padding, as the Docker CLI encodes them)
//! of the engine's `AuthConfig` JSON. Credentials never show in `Debug`
//! output, and the SDK never logs a header.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use serde::Serialize;

/// Credentials for one registry: a user name and password, or a token.
///
/// ```
/// use docker_engine::RegistryAuth;
/// let auth = RegistryAuth::new("ci-bot", "s3cret").server_address("registry.example.com:5000");
/// assert!(!format!("{auth:?}").contains("s3cret"));
/// let header = auth.header_value(); // what goes in X-Registry-Auth
/// assert!(!header.is_empty());
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegistryAuth {
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(rename = "serveraddress", skip_serializing_if = "Option::is_none")]
    server_address: Option<String>,
    #[serde(rename = "identitytoken", skip_serializing_if = "Option::is_none")]
    identity_token: Option<String>,
    #[serde(rename = "registrytoken", skip_serializing_if = "Option::is_none")]
    registry_token: Option<String>,
}

impl RegistryAuth {
    /// A user name and password (or a personal access token as password).
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> RegistryAuth {
        RegistryAuth {
            username: Some(username.into()),
            password: Some(password.into()),
            ..RegistryAuth::default()
        }
    }

    /// An identity token (an OAuth refresh token, as `docker login` gets
    /// from registries that issue one), exchanged by the engine for access.
    pub fn identity_token(token: impl Into<String>) -> RegistryAuth {
        RegistryAuth {
            identity_token: Some(token.into()),
            ..RegistryAuth::default()
        }
    }

    /// A bearer token sent to the registry as it is.
    pub fn registry_token(token: impl Into<String>) -> RegistryAuth {
        RegistryAuth {
            registry_token: Some(token.into()),
            ..RegistryAuth::default()
        }
    }

    /// The registry these credentials are for (`host:port`, or Docker Hub's
    /// `https://index.docker.io/v1/`).
    pub fn server_address(mut self, address: impl Into<String>) -> RegistryAuth {
        self.server_address = Some(address.into());
        self
    }

    /// The e-mail address some old registries asked for.
    pub fn email(mut self, email: impl Into<String>) -> RegistryAuth {
        self.email = Some(email.into());
        self
    }

    /// The user name, if these credentials have one.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// The password, if these credentials have one.
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The registry these credentials are for, if set.
    pub fn server(&self) -> Option<&str> {
        self.server_address.as_deref()
    }

    /// The identity token, if these credentials are one.
    pub fn identity(&self) -> Option<&str> {
        self.identity_token.as_deref()
    }

    /// The registry bearer token, if these credentials are one.
    pub fn token(&self) -> Option<&str> {
        self.registry_token.as_deref()
    }

    /// These credentials with an identity token and a registry token beside
    /// what they have (as `config.json` may hold them together).
    pub(crate) fn with_tokens(
        mut self,
        identity: Option<String>,
        registry: Option<String>,
    ) -> Self {
        if identity.is_some() {
            self.identity_token = identity;
        }
        if registry.is_some() {
            self.registry_token = registry;
        }
        self
    }

    /// Whether nothing usable is set (no user, secret or token).
    pub(crate) fn is_empty(&self) -> bool {
        let none = |v: &Option<String>| v.as_deref().is_none_or(str::is_empty);
        none(&self.username)
            && none(&self.password)
            && none(&self.identity_token)
            && none(&self.registry_token)
    }

    /// The value of `X-Registry-Auth` for these credentials: base64url of
    /// their JSON.
    pub fn header_value(&self) -> String {
        encode(self)
    }
}

impl fmt::Debug for RegistryAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("RegistryAuth")
            .field("username", &self.username)
            .field("password", &secret(&self.password))
            .field("server_address", &self.server_address)
            .field("identity_token", &secret(&self.identity_token))
            .field("registry_token", &secret(&self.registry_token))
            .finish_non_exhaustive()
    }
}

/// The value of `X-Registry-Config` (a build's credentials for every
/// registry its `FROM` lines may name): base64url of a JSON object from
/// registry address to credentials.
///
/// ```
/// use std::collections::BTreeMap;
/// use docker_engine::{auth, RegistryAuth};
/// let mut all = BTreeMap::new();
/// all.insert("registry.example.com".to_string(), RegistryAuth::new("u", "p"));
/// assert!(!auth::registry_config_value(&all).is_empty());
/// ```
pub fn registry_config_value(auths: &BTreeMap<String, RegistryAuth>) -> String {
    encode(auths)
}

fn encode(value: &impl Serialize) -> String {
    // Serializing strings and maps of strings cannot fail.
    let json = serde_json::to_vec(value).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE.encode(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(value: &str) -> serde_json::Value {
        let bytes = base64::engine::general_purpose::URL_SAFE
            .decode(value)
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn header_is_base64url_of_the_engines_auth_config() {
        let auth = RegistryAuth::new("user", "p?ss>>").server_address("127.0.0.1:5000");
        let header = auth.header_value();
        assert!(!header.contains('+') && !header.contains('/'), "{header}");
        assert_eq!(
            decode(&header),
            serde_json::json!({"username": "user", "password": "p?ss>>", "serveraddress": "127.0.0.1:5000"})
        );
        assert_eq!(
            decode(&RegistryAuth::identity_token("tok").header_value()),
            serde_json::json!({"identitytoken": "tok"})
        );
        assert_eq!(
            decode(&RegistryAuth::registry_token("bearer").header_value()),
            serde_json::json!({"registrytoken": "bearer"})
        );
    }

    #[test]
    fn registry_config_is_a_map_by_address() {
        let mut all = BTreeMap::new();
        all.insert("a:5000".to_string(), RegistryAuth::new("u", "p"));
        all.insert(
            "https://index.docker.io/v1/".to_string(),
            RegistryAuth::identity_token("t"),
        );
        assert_eq!(
            decode(&registry_config_value(&all)),
            serde_json::json!({
                "a:5000": {"username": "u", "password": "p"},
                "https://index.docker.io/v1/": {"identitytoken": "t"}
            })
        );
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let text = format!(
            "{:?} {:?} {:?}",
            RegistryAuth::new("user", "hunter2"),
            RegistryAuth::identity_token("idtok-secret"),
            RegistryAuth::registry_token("regtok-secret")
        );
        assert!(text.contains("user"));
        for secret in ["hunter2", "idtok-secret", "regtok-secret"] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}
