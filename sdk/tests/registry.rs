//! Registries against the real engine and the two local registries
//! `tests/engine/setup.sh` starts (one open, one with htpasswd basic auth):
//! push and pull by tag and by digest, all tags, distribution inspect, the
//! progress aggregate; on the authenticated one, missing and wrong
//! credentials refused with typed errors, login (refused, accepted,
//! stored in `config.json` or a credential helper the test writes), pulls
//! and pushes with the stored credentials, `reload_config`, logout.
//! Every repository pushed is deleted from its registry by its test.

mod common;

use std::path::{Path, PathBuf};

use docker_engine::config::CliConfig;
use docker_engine::images::{PullOptions, PushOptions, RemoveOptions};
use docker_engine::progress::Aggregate;
use docker_engine::system::LoginOptions;
use docker_engine::{Docker, Error, RegistryAuth};
use futures_util::{FutureExt, StreamExt};

use common::registry::delete_repo;
use common::{setup_var, unique, IMAGE};

/// A client of the test engine whose CLI configuration is the directory
/// `config` (empty unless the test writes it), with `env` for helpers.
async fn client(config: &Path, env: &[(String, String)]) -> Option<Docker> {
    common::docker().await?;
    let mut b = docker_engine::DockerBuilder::from_env()
        .unwrap()
        .cli_config(CliConfig::load_dir(config).unwrap());
    for (k, v) in env {
        b = b.credstore_env(k, v);
    }
    Some(b.build().unwrap())
}

/// Runs `test`, then removes the local images `names` and deletes what
/// was pushed to `registry` under `repo` (all its manifests), whatever
/// happened.
async fn cleanup_after<F: std::future::Future<Output = ()>>(
    docker: &Docker,
    names: &[String],
    registry: &str,
    repo: &str,
    auth: Option<(&str, &str)>,
    test: F,
) {
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(180),
        std::panic::AssertUnwindSafe(test).catch_unwind(),
    )
    .await;
    for name in names {
        let _ = docker
            .images()
            .remove(name, &RemoveOptions::default().force(true))
            .await;
    }
    delete_repo(registry, repo, auth).await;
    match outcome {
        Err(_) => panic!("test timed out"),
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Ok(Ok(())) => {}
    }
}

fn local_repo(prefix: &str) -> String {
    format!("docker-engine-rs-test/{}", unique(prefix))
}

#[tokio::test]
async fn push_pull_and_inspect_through_the_open_registry() {
    let Some(registry) = setup_var("DOCKER_ENGINE_RS_REGISTRY") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let Some(docker) = client(dir.path(), &[]).await else {
        return;
    };
    let images = docker.images();
    let repo = local_repo("reg-open");
    let name = format!("{registry}/{repo}");
    let (v1, v2) = (format!("{name}:v1"), format!("{name}:v2"));
    cleanup_after(
        &docker,
        &[v1.clone(), v2.clone()],
        &registry,
        &repo,
        None,
        async {
            images.tag(IMAGE, &v1).await.unwrap();
            let mut stream = images.push(&v1, &PushOptions::default()).await.unwrap();
            let mut all = Aggregate::default();
            let mut statuses = Vec::new();
            while let Some(p) = stream.next().await {
                let p = p.unwrap();
                all.update(&p);
                statuses.extend(p.status);
            }
            assert!(all.total_layers() > 0, "{statuses:?}");
            assert_eq!(all.done_layers(), all.total_layers(), "{statuses:?}");

            // Pushed again: the digest comes back from finish().
            let pushed = images
                .push(&v1, &PushOptions::default())
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
            let digest = pushed.digest().expect("a pushed digest").to_string();
            assert!(digest.starts_with("sha256:"), "{digest}");

            let dist = images
                .distribution_inspect(
                    &v1,
                    &docker_engine::images::DistributionInspectOptions::default(),
                )
                .await
                .unwrap();
            assert_eq!(dist.descriptor.digest.as_deref(), Some(digest.as_str()));

            // Pulled back after removing it here: the same digest.
            images.remove(&v1, &RemoveOptions::default()).await.unwrap();
            assert!(images.inspect(&v1).await.unwrap_err().is_not_found());
            let pulled = images
                .pull(&v1, &PullOptions::default())
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
            assert_eq!(pulled.digest(), Some(digest.as_str()));
            let inspected = images.inspect(&v1).await.unwrap();
            assert!(inspected
                .repo_digests
                .unwrap_or_default()
                .contains(&format!("{name}@{digest}")));

            // By digest.
            let by_digest = format!("{name}@{digest}");
            images
                .pull(&by_digest, &PullOptions::default())
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
            assert!(images.inspect(&by_digest).await.is_ok());

            // All tags: a second tag comes with the first.
            images.tag(IMAGE, &v2).await.unwrap();
            images
                .push(&v2, &PushOptions::default())
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
            images.remove(&v1, &RemoveOptions::default()).await.unwrap();
            images.remove(&v2, &RemoveOptions::default()).await.unwrap();
            images
                .pull(&name, &PullOptions::default().all_tags(true))
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
            assert!(images.inspect(&v1).await.is_ok() && images.inspect(&v2).await.is_ok());
            assert!(matches!(
                images
                    .pull(&v1, &PullOptions::default().all_tags(true))
                    .await,
                Err(Error::InvalidInput { .. })
            ));

            // A tag the registry does not have: an error, never a success.
            let missing = images
                .pull(&format!("{name}:missing"), &PullOptions::default())
                .await;
            let err = match missing {
                Ok(s) => s.finish().await.unwrap_err(),
                Err(e) => e,
            };
            assert!(
                err.engine_message()
                    .is_some_and(|m| m.contains("manifest unknown") || m.contains("not found")),
                "{err:?}"
            );
            // A reference that is none is refused before sending.
            assert!(matches!(
                images.pull("Not/Valid", &PullOptions::default()).await,
                Err(Error::InvalidReference(_))
            ));
            assert!(matches!(
                images.push(&by_digest, &PushOptions::default()).await,
                Err(Error::InvalidInput { .. })
            ));
        },
    )
    .await;
}

fn auth_registry() -> Option<(String, String, String)> {
    Some((
        setup_var("DOCKER_ENGINE_RS_REGISTRY_AUTH")?,
        setup_var("DOCKER_ENGINE_RS_REGISTRY_USER")?,
        setup_var("DOCKER_ENGINE_RS_REGISTRY_PASSWORD")?,
    ))
}

/// The error of a call that answers a progress stream: the call's own, or
/// the stream's.
async fn failure(r: docker_engine::Result<docker_engine::progress::ProgressStream>) -> Error {
    match r {
        Ok(s) => s.finish().await.expect_err("must fail"),
        Err(e) => e,
    }
}

fn config_json(dir: &Path) -> serde_json::Value {
    match std::fs::read(dir.join("config.json")) {
        Ok(b) => serde_json::from_slice(&b).unwrap(),
        Err(_) => serde_json::Value::Null,
    }
}

#[tokio::test]
async fn the_authenticated_registry_refuses_then_takes_credentials_from_login() {
    let Some((registry, user, password)) = auth_registry() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let Some(docker) = client(dir.path(), &[]).await else {
        return;
    };
    let images = docker.images();
    let repo = local_repo("reg-auth");
    let target = format!("{registry}/{repo}:1");
    cleanup_after(
        &docker,
        std::slice::from_ref(&target),
        &registry,
        &repo,
        Some((&user, &password)),
        async {
            images.tag(IMAGE, &target).await.unwrap();

            // No credentials, then wrong ones: typed errors with the registry's
            // words.
            let err = failure(images.push(&target, &PushOptions::default()).await).await;
            match &err {
                Error::InStream { message, .. } => {
                    assert!(message.contains("no basic auth credentials"), "{message}")
                }
                other => panic!("{other:?}"),
            }
            let wrong = RegistryAuth::new(&user, "wrong-password").server_address(&registry);
            let err = failure(
                images
                    .push(&target, &PushOptions::default().auth(wrong.clone()))
                    .await,
            )
            .await;
            assert!(matches!(err, Error::InStream { .. }), "{err:?}");
            assert!(!format!("{err:?} {err}").contains("wrong-password"));

            let err = docker
                .system()
                .login(&wrong, &LoginOptions::default().store(true))
                .await
                .unwrap_err();
            match &err {
                Error::Unauthorized {
                    status, message, ..
                } => {
                    assert_eq!(*status, 401);
                    assert!(message.contains(&registry), "{message}");
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(
                config_json(dir.path()),
                serde_json::Value::Null,
                "nothing stored"
            );

            // Right ones, given on the call.
            let right = RegistryAuth::new(&user, &password).server_address(&registry);
            let pushed = images
                .push(&target, &PushOptions::default().auth(right.clone()))
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
            let digest = pushed.digest().unwrap().to_string();

            // Distribution inspect needs the credentials too.
            use docker_engine::images::DistributionInspectOptions;
            let err = images
                .distribution_inspect(&target, &DistributionInspectOptions::default())
                .await
                .unwrap_err();
            assert!(
                err.engine_message().is_some_and(|m| m.contains("401")
                    || m.contains("unauthorized")
                    || m.contains("no basic auth")),
                "{err:?}"
            );
            let dist = images
                .distribution_inspect(
                    &target,
                    &DistributionInspectOptions::default().auth(right.clone()),
                )
                .await
                .unwrap();
            assert_eq!(dist.descriptor.digest.as_deref(), Some(digest.as_str()));

            // Login without storing: nothing written.
            let answer = docker
                .system()
                .login(&right, &LoginOptions::default())
                .await
                .unwrap();
            assert_eq!(answer.status, "Login Succeeded");
            assert_eq!(config_json(dir.path()), serde_json::Value::Null);

            // Login storing: config.json gets the entry, and pull uses it.
            docker
                .system()
                .login(&right, &LoginOptions::default().store(true))
                .await
                .unwrap();
            let doc = config_json(dir.path());
            let stored = doc["auths"][registry.as_str()]["auth"].as_str().unwrap();
            use base64::Engine as _;
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(stored)
                .unwrap();
            assert_eq!(decoded, format!("{user}:{password}").into_bytes());
            images
                .remove(&target, &RemoveOptions::default())
                .await
                .unwrap();
            let pulled = images
                .pull(&target, &PullOptions::default())
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
            assert_eq!(pulled.digest(), Some(digest.as_str()));
            // Distribution inspect with the stored ones.
            let dist = images
                .distribution_inspect(&target, &DistributionInspectOptions::default())
                .await
                .unwrap();
            assert_eq!(dist.descriptor.digest.as_deref(), Some(digest.as_str()));
            images
                .push(&target, &PushOptions::default())
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
            // Explicit credentials win over the stored ones.
            let err = failure(
                images
                    .push(&target, &PushOptions::default().auth(wrong))
                    .await,
            )
            .await;
            assert!(matches!(err, Error::InStream { .. }), "{err:?}");

            // Logout: the entry goes, and pulls are refused again.
            docker.system().logout(&registry).await.unwrap();
            assert!(config_json(dir.path())["auths"]
                .get(registry.as_str())
                .is_none());
            images
                .remove(&target, &RemoveOptions::default())
                .await
                .unwrap();
            let err = failure(images.pull(&target, &PullOptions::default()).await).await;
            assert!(
                err.engine_message()
                    .is_some_and(|m| m.contains("no basic auth credentials")),
                "{err:?}"
            );

            // reload_config: credentials written by someone else are used once
            // the configuration is read again.
            common::registry::write_config_auths(dir.path(), &registry, &user, &password);
            let err = failure(images.pull(&target, &PullOptions::default()).await).await;
            assert!(err.engine_message().is_some(), "not read yet: {err:?}");
            docker.reload_config().unwrap();
            images
                .pull(&target, &PullOptions::default())
                .await
                .unwrap()
                .finish()
                .await
                .unwrap();
        },
    )
    .await;
}

/// A `docker-credential-<name>` keeping credentials in a file beside it,
/// one `ServerURL<TAB>Username<TAB>Secret` line each.
fn write_helper(dir: &Path, name: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let store = dir.join(format!("{name}.store"));
    let script = include_str!("common/credential-helper.sh")
        .replace("@STORE@", &store.display().to_string());
    let path = dir.join(format!("docker-credential-{name}"));
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    store
}

#[tokio::test]
async fn credentials_through_a_credential_helper() {
    let Some((registry, user, password)) = auth_registry() else {
        return;
    };
    let config = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    let helper = format!("rs{}", std::process::id());
    let store = write_helper(bin.path(), &helper);
    // The helper is found through the PATH given to helpers, not the
    // process's.
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (key, doc) in [
        (
            "credHelpers",
            format!(r#"{{"credHelpers": {{"{registry}": "{helper}"}}}}"#),
        ),
        ("credsStore", format!(r#"{{"credsStore": "{helper}"}}"#)),
    ] {
        std::fs::write(config.path().join("config.json"), doc).unwrap();
        let Some(docker) = client(config.path(), &[("PATH".into(), path.clone())]).await else {
            return;
        };
        let images = docker.images();
        let repo = local_repo("reg-helper");
        let target = format!("{registry}/{repo}:1");
        cleanup_after(
            &docker,
            std::slice::from_ref(&target),
            &registry,
            &repo,
            Some((&user, &password)),
            async {
                images.tag(IMAGE, &target).await.unwrap();
                let err = failure(images.push(&target, &PushOptions::default()).await).await;
                assert!(matches!(err, Error::InStream { .. }), "{key}: {err:?}");

                let right = RegistryAuth::new(&user, &password).server_address(&registry);
                docker
                    .system()
                    .login(&right, &LoginOptions::default().store(true))
                    .await
                    .unwrap();
                let kept = std::fs::read_to_string(&store).unwrap();
                assert_eq!(kept, format!("{registry}\t{user}\t{password}\n"), "{key}");
                // config.json keeps an empty entry, no secret.
                let doc = config_json(config.path());
                assert_eq!(
                    doc["auths"][registry.as_str()],
                    serde_json::json!({}),
                    "{key}"
                );
                assert!(!doc.to_string().contains(&password));

                images
                    .push(&target, &PushOptions::default())
                    .await
                    .unwrap()
                    .finish()
                    .await
                    .unwrap();
                images
                    .remove(&target, &RemoveOptions::default())
                    .await
                    .unwrap();
                images
                    .pull(&target, &PullOptions::default())
                    .await
                    .unwrap()
                    .finish()
                    .await
                    .unwrap();

                docker.system().logout(&registry).await.unwrap();
                assert_eq!(std::fs::read_to_string(&store).unwrap(), "", "{key}");
            },
        )
        .await;
    }
}
