//! `Docker::from_env` against the real TLS engine, as the Docker CLI would
//! be configured: variables, then a context from the context store.
//!
//! Needs the `tls` feature (the engine it talks to speaks TLS only).
//!
//! One test in its own binary, because it sets process environment
//! variables: nothing else runs in this process at the same time.

#![cfg(feature = "tls")]

mod common;

use std::path::Path;

use docker_engine::versions::ApiVersion;
use docker_engine::Docker;
use sha2::{Digest, Sha256};

fn write_context(config_dir: &Path, name: &str, host: &str, certs: &Path) {
    let id: String = Sha256::digest(name.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let meta = config_dir.join("contexts/meta").join(&id);
    std::fs::create_dir_all(&meta).unwrap();
    let doc = serde_json::json!({
        "Name": name,
        "Metadata": {},
        "Endpoints": { "docker": { "Host": host, "SkipTLSVerify": false } }
    });
    std::fs::write(meta.join("meta.json"), doc.to_string()).unwrap();
    let tls = config_dir.join("contexts/tls").join(&id).join("docker");
    std::fs::create_dir_all(&tls).unwrap();
    for f in ["ca.pem", "cert.pem", "key.pem"] {
        std::fs::copy(certs.join(f), tls.join(f)).unwrap();
    }
}

#[tokio::test]
async fn from_env_follows_the_cli_variables_and_contexts() {
    let (Some(host), Some(certs)) = (
        common::setup_var("DOCKER_ENGINE_RS_TLS_HOST"),
        common::setup_var("DOCKER_ENGINE_RS_TLS_CERTS"),
    ) else {
        return;
    };
    let config = tempfile::tempdir().unwrap();
    std::env::set_var("DOCKER_CONFIG", config.path());
    std::env::remove_var("DOCKER_CONTEXT");
    std::env::remove_var("DOCKER_API_VERSION");

    // DOCKER_HOST with verified TLS.
    std::env::set_var("DOCKER_HOST", &host);
    std::env::set_var("DOCKER_TLS_VERIFY", "1");
    std::env::set_var("DOCKER_CERT_PATH", &certs);
    let docker = Docker::from_env().unwrap();
    let info = docker.system().info().await.unwrap();
    assert!(info
        .docker_root_dir
        .unwrap_or_default()
        .ends_with("/tls/data"));

    // DOCKER_API_VERSION pins the version: no negotiation.
    std::env::set_var("DOCKER_API_VERSION", "1.40");
    let pinned = Docker::from_env().unwrap();
    assert_eq!(pinned.negotiated_version(), Some(ApiVersion::new(1, 40)));
    pinned.system().version().await.unwrap();
    std::env::remove_var("DOCKER_API_VERSION");

    // A context from config.json, with its own TLS material, when
    // DOCKER_HOST is not set.
    std::env::remove_var("DOCKER_HOST");
    std::env::remove_var("DOCKER_TLS_VERIFY");
    std::env::remove_var("DOCKER_CERT_PATH");
    write_context(config.path(), "tls-engine", &host, Path::new(&certs));
    std::fs::write(
        config.path().join("config.json"),
        r#"{"currentContext": "tls-engine"}"#,
    )
    .unwrap();
    let docker = Docker::from_env().unwrap();
    assert_eq!(docker.host().to_string(), host);
    let info = docker.system().info().await.unwrap();
    assert!(info
        .docker_root_dir
        .unwrap_or_default()
        .ends_with("/tls/data"));

    // DOCKER_CONTEXT names one that does not exist: a clear error.
    std::env::set_var("DOCKER_CONTEXT", "nope");
    let err = Docker::from_env().unwrap_err();
    assert!(
        err.to_string().contains("context `nope` not found"),
        "{err}"
    );
}
