//! Plugins against the real engine, with a small plugin the test builds:
//! the busybox root filesystem exported from the test image, a listener on
//! the plugin's socket compiled here (a static binary: the engine dials
//! the socket before it calls a plugin enabled), and a `config.json`.

mod common;

use std::path::{Path, PathBuf};

use docker_engine::config::CliConfig;
use docker_engine::containers::ContainerCreate;
use docker_engine::plugins::{
    DisableOptions, EnableOptions, ListOptions, PullOptions, RegistryOptions, RemoveOptions,
};
use docker_engine::{Docker, Error, RegistryAuth};
use futures_util::StreamExt;

use common::{docker, unique, IMAGE, LABEL};

const LISTENER: &str = r#"
use std::io::{Read, Write};
fn main() {
    let path = std::env::args().nth(1).expect("socket path");
    let _ = std::fs::remove_file(&path);
    let listener = std::os::unix::net::UnixListener::bind(&path).expect("bind");
    for conn in listener.incoming().flatten() {
        let mut conn = conn;
        let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(2)));
        let mut buf = [0u8; 8192];
        if matches!(conn.read(&mut buf), Ok(n) if n > 0) {
            let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.plugins.v1+json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        }
    }
}
"#;

/// A plugin directory: `config.json` and `rootfs/` (busybox and the
/// listener). `None` (skipped loudly) when no static binary can be built.
async fn build_plugin(docker: &Docker, dir: &Path) -> Option<()> {
    let rootfs = dir.join("rootfs");
    std::fs::create_dir_all(&rootfs).unwrap();
    // The root filesystem, exported from a container of the test image.
    let c = docker
        .containers()
        .create(
            &ContainerCreate::new(IMAGE)
                .name(unique("sdk-plugin-rootfs"))
                .label(LABEL, "true")
                .cmd(["true"]),
        )
        .await
        .unwrap();
    let mut tar = Vec::new();
    let mut export = docker.containers().export(&c.id).await.unwrap();
    while let Some(chunk) = export.next().await {
        tar.extend_from_slice(&chunk.unwrap());
    }
    docker
        .containers()
        .remove(&c.id, &Default::default())
        .await
        .unwrap();
    tar::Archive::new(&tar[..]).unpack(&rootfs).unwrap();

    let src = dir.join("listener.rs");
    std::fs::write(&src, LISTENER).unwrap();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let built = tokio::process::Command::new(rustc)
        .args(["-O", "-C", "target-feature=+crt-static", "-o"])
        .arg(rootfs.join("listener"))
        .arg(&src)
        .output()
        .await
        .ok()?;
    if !built.status.success() {
        common::unavailable(&format!(
            "cannot build a static listener for the test plugin: {}",
            String::from_utf8_lossy(&built.stderr)
        ));
        return None;
    }
    let config = serde_json::json!({
        "Description": "docker-engine-rs test plugin",
        "Documentation": "https://example.invalid/docker-engine-rs",
        "Entrypoint": ["/listener", "/run/docker/plugins/sdk.sock"],
        "Env": [{
            "Name": "GREETING",
            "Description": "a settable variable",
            "Settable": ["value"],
            "Value": "hello"
        }],
        "Interface": { "Socket": "sdk.sock", "Types": ["docker.logdriver/1.0"] },
        "Network": { "Type": "host" },
        "Linux": { "Capabilities": null, "AllowAllDevices": false, "Devices": null },
        "Mounts": null,
        "PropagatedMount": "",
        "User": {},
        "WorkDir": "",
        "Args": { "Name": "", "Description": "", "Settable": null, "Value": null }
    });
    std::fs::write(dir.join("config.json"), config.to_string()).unwrap();
    Some(())
}

/// A directory under the system temp dir, removed when dropped.
fn scratch(prefix: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(prefix).tempdir().unwrap()
}

/// Whether `name` is among the plugins `opts` lists.
async fn listed(docker: &Docker, name: &str, opts: ListOptions) -> bool {
    docker
        .plugins()
        .list(&opts)
        .await
        .unwrap()
        .iter()
        .any(|p| p.name == name)
}

fn env(p: &docker_engine::models::Plugin) -> Vec<String> {
    p.settings.env.clone().unwrap_or_default()
}

#[tokio::test]
async fn create_inspect_set_enable_disable_remove() {
    let Some(docker) = docker().await else { return };
    let dir = scratch("sdk-plugin");
    if build_plugin(&docker, dir.path()).await.is_none() {
        return;
    }
    let name = format!("{}:latest", unique("sdk-plugin"));
    docker.plugins().create(&name, dir.path()).await.unwrap();
    let outcome = {
        use futures_util::FutureExt;
        std::panic::AssertUnwindSafe(async {
            let p = docker.plugins().inspect(&name).await.unwrap();
            assert_eq!(p.name, name);
            assert!(!p.enabled);
            assert_eq!(p.config.description, "docker-engine-rs test plugin");
            assert_eq!(env(&p), ["GREETING=hello"]);
            assert!(
                listed(
                    &docker,
                    &name,
                    ListOptions::default()
                        .capability("logdriver")
                        .enabled(false)
                )
                .await
            );
            assert!(!listed(&docker, &name, ListOptions::default().enabled(true)).await);

            docker.plugins().set(&name, &["GREETING=hi"]).await.unwrap();
            assert_eq!(
                env(&docker.plugins().inspect(&name).await.unwrap()),
                ["GREETING=hi"]
            );
            let bad = docker.plugins().set(&name, &["no-equals"]).await;
            assert!(matches!(bad, Err(Error::InvalidInput { .. })), "{bad:?}");
            let unknown = docker
                .plugins()
                .set(&name, &["NOT_SETTABLE=1"])
                .await
                .unwrap_err();
            assert_eq!(unknown.operation(), Some("PluginSet"), "{unknown}");

            docker
                .plugins()
                .enable(&name, &EnableOptions::default().timeout(20))
                .await
                .unwrap();
            assert!(docker.plugins().inspect(&name).await.unwrap().enabled);
            assert!(listed(&docker, &name, ListOptions::default().enabled(true)).await);

            // An enabled plugin cannot be changed or removed: the engine's
            // typed answers.
            let busy = docker
                .plugins()
                .set(&name, &["GREETING=again"])
                .await
                .unwrap_err();
            assert_eq!(busy.operation(), Some("PluginSet"), "{busy}");
            let enabled = docker
                .plugins()
                .remove(&name, &RemoveOptions::default())
                .await
                .unwrap_err();
            assert_eq!(enabled.operation(), Some("PluginDelete"), "{enabled}");
            assert!(
                enabled.engine_message().unwrap().contains("enabled"),
                "{enabled}"
            );

            docker
                .plugins()
                .disable(&name, &DisableOptions::default())
                .await
                .unwrap();
            assert!(!docker.plugins().inspect(&name).await.unwrap().enabled);
            docker
                .plugins()
                .remove(&name, &RemoveOptions::default())
                .await
                .unwrap();
            let gone = docker.plugins().inspect(&name).await;
            assert!(matches!(gone, Err(Error::NotFound { .. })), "{gone:?}");
        })
        .catch_unwind()
        .await
    };
    if outcome.is_err() {
        let _ = docker
            .plugins()
            .remove(&name, &RemoveOptions::default().force(true))
            .await;
    }
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

#[tokio::test]
async fn forced_disable_and_remove_of_an_enabled_plugin() {
    let Some(docker) = docker().await else { return };
    let dir = scratch("sdk-plugin-force");
    if build_plugin(&docker, dir.path()).await.is_none() {
        return;
    }
    let name = format!("{}:latest", unique("sdk-plugin-force"));
    docker.plugins().create(&name, dir.path()).await.unwrap();
    let enabled = docker
        .plugins()
        .enable(&name, &EnableOptions::default())
        .await;
    let disabled = docker
        .plugins()
        .disable(&name, &DisableOptions::default().force(true))
        .await;
    let reenabled = docker
        .plugins()
        .enable(&name, &EnableOptions::default())
        .await;
    let removed = docker
        .plugins()
        .remove(&name, &RemoveOptions::default().force(true))
        .await;
    let gone = docker.plugins().inspect(&name).await;
    if gone.is_ok() {
        let _ = docker
            .plugins()
            .remove(&name, &RemoveOptions::default().force(true))
            .await;
    }
    enabled.unwrap();
    disabled.unwrap();
    reenabled.unwrap();
    removed.unwrap();
    assert!(matches!(gone, Err(Error::NotFound { .. })), "{gone:?}");
}

#[tokio::test]
async fn bad_input_is_a_typed_error() {
    let Some(docker) = docker().await else { return };
    let dir = scratch("sdk-plugin-bad");
    let name = format!("{}:latest", unique("sdk-plugin-bad"));
    // No config.json, then no rootfs: refused before sending.
    let r = docker.plugins().create(&name, dir.path()).await;
    assert!(matches!(r, Err(Error::InvalidInput { .. })), "{r:?}");
    std::fs::write(dir.path().join("config.json"), "{}").unwrap();
    let r = docker.plugins().create(&name, dir.path()).await;
    assert!(matches!(r, Err(Error::InvalidInput { .. })), "{r:?}");
    let missing: PathBuf = dir.path().join("nothing-here");
    let r = docker.plugins().create(&name, &missing).await;
    assert!(matches!(r, Err(Error::InvalidInput { .. })), "{r:?}");
    // A configuration the engine refuses: its typed answer, and nothing
    // left behind.
    std::fs::write(dir.path().join("config.json"), "not json").unwrap();
    std::fs::create_dir(dir.path().join("rootfs")).unwrap();
    let e = docker
        .plugins()
        .create(&name, dir.path())
        .await
        .unwrap_err();
    assert_eq!(e.operation(), Some("PluginCreate"), "{e}");
    assert!(docker
        .plugins()
        .inspect(&name)
        .await
        .unwrap_err()
        .is_not_found());
    for r in [
        docker
            .plugins()
            .enable(&name, &EnableOptions::default())
            .await,
        docker
            .plugins()
            .disable(&name, &DisableOptions::default())
            .await,
        docker
            .plugins()
            .remove(&name, &RemoveOptions::default())
            .await,
        docker.plugins().set(&name, &["A=b"]).await,
    ] {
        assert!(matches!(r, Err(Error::NotFound { .. })), "{r:?}");
    }
}

/// Removes the plugins named, forcefully, ignoring what is not there.
async fn remove_all(docker: &Docker, names: &[&str]) {
    for name in names {
        let _ = docker
            .plugins()
            .remove(name, &RemoveOptions::default().force(true))
            .await;
    }
}

#[tokio::test]
async fn push_to_a_registry_then_install_upgrade_and_remove() {
    let Some(docker) = docker().await else { return };
    let Some(registry) = common::setup_var("DOCKER_ENGINE_RS_REGISTRY") else {
        return;
    };
    let dir = scratch("sdk-plugin-push");
    if build_plugin(&docker, dir.path()).await.is_none() {
        return;
    }
    let repo = format!("{registry}/docker-engine-rs-test/{}", unique("sdk-plugin"));
    let (v1, v2) = (format!("{repo}:v1"), format!("{repo}:v2"));
    let local = format!("{}:latest", unique("sdk-plugin-installed"));
    let outcome = {
        use futures_util::FutureExt;
        std::panic::AssertUnwindSafe(async {
            for tag in [&v1, &v2] {
                docker.plugins().create(tag, dir.path()).await.unwrap();
                docker
                    .plugins()
                    .push(tag, &RegistryOptions::default())
                    .await
                    .unwrap()
                    .finish()
                    .await
                    .unwrap();
                docker
                    .plugins()
                    .remove(tag, &RemoveOptions::default())
                    .await
                    .unwrap();
            }
            // What the plugin asks for: the host's network.
            let privileges = docker
                .plugins()
                .privileges(&v1, &RegistryOptions::default())
                .await
                .unwrap();
            let network = privileges
                .iter()
                .find(|p| p.name.as_deref() == Some("network"))
                .expect("the network privilege");
            assert_eq!(network.value.as_deref(), Some(&["host".to_string()][..]));

            // Not accepting them: the engine refuses the install.
            let refused = docker
                .plugins()
                .pull(&v1, &[], &PullOptions::default().name(&local))
                .await;
            let refused = match refused {
                Ok(stream) => stream.finish().await.map(|_| ()),
                Err(e) => Err(e),
            };
            let e = refused.unwrap_err();
            assert!(e.to_string().contains("privileges"), "{e}");
            assert!(docker
                .plugins()
                .inspect(&local)
                .await
                .unwrap_err()
                .is_not_found());

            docker
                .plugins()
                .pull(&v1, &privileges, &PullOptions::default().name(&local))
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
            let p = docker.plugins().inspect(&local).await.unwrap();
            assert_eq!(p.name, local);
            assert!(!p.enabled);
            assert_eq!(p.plugin_reference.as_deref(), Some(v1.as_str()));

            docker
                .plugins()
                .upgrade(&local, &v2, &privileges, &RegistryOptions::default())
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
            let p = docker.plugins().inspect(&local).await.unwrap();
            assert_eq!(p.plugin_reference.as_deref(), Some(v2.as_str()));

            docker
                .plugins()
                .enable(&local, &EnableOptions::default())
                .await
                .unwrap();
            docker
                .plugins()
                .disable(&local, &DisableOptions::default())
                .await
                .unwrap();
            docker
                .plugins()
                .remove(&local, &RemoveOptions::default())
                .await
                .unwrap();
        })
        .catch_unwind()
        .await
    };
    remove_all(&docker, &[&v1, &v2, &local]).await;
    let path = repo.strip_prefix(&format!("{registry}/")).unwrap();
    common::registry::delete_repo(&registry, path, None).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

#[tokio::test]
async fn push_and_install_with_registry_credentials() {
    let Some(docker) = docker().await else { return };
    let (Some(registry), Some(user), Some(password)) = (
        common::setup_var("DOCKER_ENGINE_RS_REGISTRY_AUTH"),
        common::setup_var("DOCKER_ENGINE_RS_REGISTRY_USER"),
        common::setup_var("DOCKER_ENGINE_RS_REGISTRY_PASSWORD"),
    ) else {
        return;
    };
    let dir = scratch("sdk-plugin-auth");
    let config = scratch("sdk-plugin-auth-config");
    if build_plugin(&docker, dir.path()).await.is_none() {
        return;
    }
    let remote = format!(
        "{registry}/docker-engine-rs-test/{}:latest",
        unique("sdk-plugin-auth")
    );
    let local = format!("{}:latest", unique("sdk-plugin-auth-installed"));
    let auth = RegistryAuth::new(&user, &password).server_address(&registry);
    let wrong = RegistryAuth::new(&user, "not-the-password").server_address(&registry);
    let outcome = {
        use futures_util::FutureExt;
        std::panic::AssertUnwindSafe(async {
            docker.plugins().create(&remote, dir.path()).await.unwrap();
            // Without credentials, and with wrong ones: refused in the
            // stream, as the engine reports it.
            for opts in [
                RegistryOptions::default(),
                RegistryOptions::default().auth(wrong.clone()),
            ] {
                let e = docker
                    .plugins()
                    .push(&remote, &opts)
                    .await
                    .unwrap()
                    .finish()
                    .await
                    .unwrap_err();
                assert!(matches!(e, Error::InStream { .. }), "{e}");
            }
            docker
                .plugins()
                .push(&remote, &RegistryOptions::default().auth(auth.clone()))
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
            docker
                .plugins()
                .remove(&remote, &RemoveOptions::default())
                .await
                .unwrap();

            // The privileges, read from the registry. Without credentials,
            // or with wrong ones, the engine (20.10) cannot read the
            // plugin's configuration and answers that it needs none; with
            // the right ones it names the host network.
            for opts in [
                RegistryOptions::default(),
                RegistryOptions::default().auth(wrong.clone()),
            ] {
                let none = docker.plugins().privileges(&remote, &opts).await.unwrap();
                assert!(none.is_empty(), "{none:?}");
            }
            let granted = docker
                .plugins()
                .privileges(&remote, &RegistryOptions::default().auth(auth.clone()))
                .await
                .unwrap();
            let network = granted
                .iter()
                .find(|p| p.name.as_deref() == Some("network"))
                .expect("the network privilege");
            assert_eq!(network.value.as_deref(), Some(&["host".to_string()][..]));
            let denied = docker
                .plugins()
                .pull(
                    &remote,
                    &granted,
                    &PullOptions::default().name(&local).auth(wrong),
                )
                .await;
            let denied = match denied {
                Ok(stream) => stream.finish().await.map(|_| ()),
                Err(e) => Err(e),
            };
            assert!(denied.is_err(), "installed with a wrong password");
            docker
                .plugins()
                .pull(
                    &remote,
                    &granted,
                    &PullOptions::default().name(&local).auth(auth),
                )
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
            let p = docker.plugins().inspect(&local).await.unwrap();
            assert_eq!(p.plugin_reference.as_deref(), Some(remote.as_str()));
            docker
                .plugins()
                .remove(&local, &RemoveOptions::default())
                .await
                .unwrap();

            // With the credentials in the CLI configuration instead, and
            // none in the calls: privileges and install work as the CLI's.
            common::registry::write_config_auths(config.path(), &registry, &user, &password);
            let configured = docker_engine::DockerBuilder::from_env()
                .unwrap()
                .cli_config(CliConfig::load_dir(config.path()).unwrap())
                .build()
                .unwrap();
            let privileges = configured
                .plugins()
                .privileges(&remote, &RegistryOptions::default())
                .await
                .unwrap();
            assert_eq!(privileges, granted);
            configured
                .plugins()
                .pull(&remote, &privileges, &PullOptions::default().name(&local))
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
            assert!(configured.plugins().inspect(&local).await.is_ok());
            docker
                .plugins()
                .remove(&local, &RemoveOptions::default())
                .await
                .unwrap();
        })
        .catch_unwind()
        .await
    };
    remove_all(&docker, &[&remote, &local]).await;
    let path = remote
        .strip_prefix(&format!("{registry}/"))
        .and_then(|r| r.strip_suffix(":latest"))
        .unwrap();
    common::registry::delete_repo(&registry, path, Some((&user, &password))).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
