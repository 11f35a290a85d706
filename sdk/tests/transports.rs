//! Each transport makes real calls: Unix socket, TCP with mutual TLS (a
//! second engine started by tests/engine/setup.sh), and ssh (sshd started
//! there, reaching the main engine through `docker system dial-stdio`).

mod common;

use docker_engine::containers::{ContainerCreate, LogsOptions, WaitOptions};
use docker_engine::{Docker, Error, Pem, TlsSettings};

use common::{setup_var, unique, IMAGE, LABEL};

#[tokio::test]
async fn unix_socket() {
    let Some(main) = common::docker().await else {
        return;
    };
    let docker::Host::Unix(path) = main.host().clone() else {
        eprintln!("the main engine is not on a Unix socket; nothing to test");
        return;
    };
    let docker = Docker::builder()
        .host(&format!("unix://{}", path.display()))
        .unwrap()
        .build()
        .unwrap();
    assert!(docker.system().ping().await.unwrap().api_version.is_some());
}

mod docker {
    pub use docker_engine::Host;
}

#[cfg(feature = "tls")]
fn tls_client(certs: &str, host: &str) -> Docker {
    Docker::builder()
        .host(host)
        .unwrap()
        .tls(TlsSettings::from_cert_dir(certs))
        .build()
        .unwrap()
}

#[cfg(feature = "tls")]
#[tokio::test]
async fn tcp_with_mutual_tls() {
    let (Some(host), Some(certs)) = (
        setup_var("DOCKER_ENGINE_RS_TLS_HOST"),
        setup_var("DOCKER_ENGINE_RS_TLS_CERTS"),
    ) else {
        return;
    };
    let docker = tls_client(&certs, &host);
    docker.system().ping().await.unwrap();
    let info = docker.system().info().await.unwrap();
    // It is the second engine, with its own data root.
    assert!(
        info.docker_root_dir
            .as_deref()
            .unwrap_or_default()
            .ends_with("/tls/data"),
        "{:?}",
        info.docker_root_dir
    );
    assert!(docker.api_version().await.is_ok());
}

#[cfg(feature = "tls")]
#[tokio::test]
async fn tls_with_a_wrong_ca_is_refused() {
    let (Some(host), Some(certs), Some(wrong_ca)) = (
        setup_var("DOCKER_ENGINE_RS_TLS_HOST"),
        setup_var("DOCKER_ENGINE_RS_TLS_CERTS"),
        setup_var("DOCKER_ENGINE_RS_WRONG_CA"),
    ) else {
        return;
    };
    let tls = TlsSettings::from_cert_dir(&certs).ca(Pem::File(wrong_ca.into()));
    let docker = Docker::builder()
        .host(&host)
        .unwrap()
        .tls(tls)
        .build()
        .unwrap();
    match docker.system().ping().await {
        Err(e @ Error::Transport { .. }) => {
            let chain = format!("{:?}", e);
            assert!(chain.to_lowercase().contains("certificate"), "{chain}");
        }
        other => panic!("a wrong CA must be refused: {other:?}"),
    }
}

#[cfg(feature = "tls")]
#[tokio::test]
async fn tls_without_a_client_certificate_is_refused_by_the_engine() {
    let (Some(host), Some(certs)) = (
        setup_var("DOCKER_ENGINE_RS_TLS_HOST"),
        setup_var("DOCKER_ENGINE_RS_TLS_CERTS"),
    ) else {
        return;
    };
    let tls = TlsSettings::new().ca(Pem::File(format!("{certs}/ca.pem").into()));
    let docker = Docker::builder()
        .host(&host)
        .unwrap()
        .tls(tls)
        .build()
        .unwrap();
    assert!(matches!(
        docker.system().ping().await,
        Err(Error::Transport { .. })
    ));
}

#[tokio::test]
async fn tls_settings_never_show_key_material() {
    let key = b"-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n".to_vec();
    let tls = TlsSettings::new().client_identity(Pem::Bytes(b"cert".to_vec()), Pem::Bytes(key));
    let shown = format!("{tls:?}");
    assert!(
        !shown.contains("secret") && shown.contains("redacted"),
        "{shown}"
    );
    let builder = Docker::builder().tls(tls);
    assert!(!format!("{builder:?}").contains("secret"));
}

#[tokio::test]
async fn ssh_via_dial_stdio() {
    let (Some(host), Some(program)) = (
        setup_var("DOCKER_ENGINE_RS_SSH_HOST"),
        setup_var("DOCKER_ENGINE_RS_SSH_PROGRAM"),
    ) else {
        return;
    };
    let docker = Docker::builder()
        .host(&host)
        .unwrap()
        .ssh_program(program)
        .build()
        .unwrap();
    docker.system().ping().await.unwrap();
    let version = docker.system().version().await.unwrap();
    assert!(version.api_version.is_some());

    // A stream over ssh: a container's logs.
    let spec = ContainerCreate::new(IMAGE)
        .name(unique("sdk-ssh"))
        .label(LABEL, "true")
        .cmd(["echo", "over ssh"]);
    let created = docker.containers().create(&spec).await.unwrap();
    common::with_container(&docker, &created.id, async {
        docker.containers().start(&created.id).await.unwrap();
        let exit = docker
            .containers()
            .wait(&created.id, &WaitOptions::default())
            .await
            .unwrap();
        assert_eq!(exit.status_code, 0);
        let logs = docker
            .containers()
            .logs(&created.id, &LogsOptions::default())
            .await
            .unwrap();
        let (out, _) = docker_engine::streams::collect(logs).await.unwrap();
        assert_eq!(&out[..], b"over ssh\n");
    })
    .await;
}

#[tokio::test]
async fn ssh_failures_say_what_ssh_said() {
    let Some(program) = setup_var("DOCKER_ENGINE_RS_SSH_PROGRAM") else {
        return;
    };
    // Nothing listens on port 1.
    let docker = Docker::builder()
        .host("ssh://root@127.0.0.1:1")
        .unwrap()
        .ssh_program(program)
        .build()
        .unwrap();
    match docker.system().ping().await {
        Err(e @ Error::Transport { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("ssh") && text.contains("dial-stdio"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// Built without the `tls` feature, a client for an engine that needs TLS
/// is refused, and the message says how to get it.
#[cfg(not(feature = "tls"))]
#[test]
fn an_engine_over_tls_without_the_feature_says_how_to_enable_it() {
    let e = Docker::builder()
        .host("https://127.0.0.1:2376")
        .unwrap()
        .build()
        .unwrap_err();
    assert!(
        matches!(e, docker_engine::Error::InvalidInput { .. }),
        "{e:?}"
    );
    let text = e.to_string();
    assert!(text.contains("features = [\"tls\"]"), "{text}");
}
