//! Secrets never show: registry passwords and tokens (and the
//! `X-Registry-Auth` / `X-Registry-Config` values that carry them), TLS
//! private keys. A capturing subscriber records every span and event up to
//! TRACE while calls that carry each kind of secret go to a fake engine
//! that refuses them; then everything written, and the `Debug` and
//! `Display` of every error and value involved, is searched for them.

mod common;

use base64::Engine as _;
use docker_engine::images::{BuildContext, BuildOptions, PullOptions, PushOptions};
use docker_engine::system::LoginOptions;
use docker_engine::{Docker, Pem, RegistryAuth, TlsSettings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const PASSWORD: &str = "pw-7d1f0c-secret";
const IDENTITY: &str = "idtoken-93ab44-secret";
const REGISTRY_TOKEN: &str = "regtoken-51e0aa-secret";
const KEY: &str =
    "-----BEGIN PRIVATE KEY-----\nkeymaterial-22c9f0-secret\n-----END PRIVATE KEY-----\n";

/// An engine at 1.41 that answers every request but the ping with a 500.
async fn refusing_engine() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 1 << 16];
                loop {
                    let n = match conn.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    let head = String::from_utf8_lossy(&buf[..n]);
                    let answer = if head.contains("/_ping") {
                        "HTTP/1.1 200 OK\r\nAPI-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK"
                            .to_string()
                    } else {
                        let body = r#"{"message":"refused"}"#;
                        format!(
                            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len()
                        )
                    };
                    if conn.write_all(answer.as_bytes()).await.is_err() || !head.contains("/_ping")
                    {
                        // Bodies are not read to their end: close.
                        let _ = conn.shutdown().await;
                        return;
                    }
                }
            });
        }
    });
    format!("tcp://{addr}")
}

fn forbidden() -> Vec<String> {
    let mut all: Vec<String> = [
        PASSWORD,
        IDENTITY,
        REGISTRY_TOKEN,
        "keymaterial-22c9f0-secret",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // The headers that carry them, in both base64 alphabets.
    for auth in [
        RegistryAuth::new("ci", PASSWORD),
        RegistryAuth::identity_token(IDENTITY),
        RegistryAuth::registry_token(REGISTRY_TOKEN),
    ] {
        let header = auth.header_value();
        all.push(header.clone());
        let json = base64::engine::general_purpose::URL_SAFE
            .decode(&header)
            .unwrap();
        all.push(base64::engine::general_purpose::STANDARD.encode(json));
    }
    all
}

#[tokio::test]
async fn no_secret_in_traces_errors_or_debug_output() {
    let traces = common::Traces::capture_at(tracing::Level::TRACE);
    let host = refusing_engine().await;
    let docker = Docker::builder().host(&host).unwrap().build().unwrap();
    let mut seen = Vec::new();
    fn shown(what: &str, r: Result<String, docker_engine::Error>) -> String {
        match r {
            Ok(v) => format!("{what}: {v}"),
            Err(e) => format!("{what}: {e} / {e:?}"),
        }
    }

    let password = RegistryAuth::new("ci", PASSWORD).server_address("registry.example:5000");
    let identity = RegistryAuth::identity_token(IDENTITY);
    let token = RegistryAuth::registry_token(REGISTRY_TOKEN);
    seen.push(format!("{password:?} {identity:?} {token:?}"));

    let r = docker
        .images()
        .pull(
            "registry.example:5000/app:1",
            &PullOptions::default().auth(password.clone()),
        )
        .await;
    let r = match r {
        Ok(stream) => stream.finish().await.map(|f| format!("{f:?}")),
        Err(e) => Err(e),
    };
    seen.push(shown("pull", r));
    let r = docker
        .images()
        .push(
            "registry.example:5000/app:1",
            &PushOptions::default().auth(identity.clone()),
        )
        .await;
    let r = match r {
        Ok(stream) => stream.finish().await.map(|f| format!("{f:?}")),
        Err(e) => Err(e),
    };
    seen.push(shown("push", r));
    let r = docker
        .system()
        .login(&password, &LoginOptions::default())
        .await
        .map(|a| format!("{a:?}"));
    seen.push(shown("login", r));
    let r = docker
        .images()
        .build(
            BuildContext::dockerfile("FROM registry.example:5000/base\n"),
            &BuildOptions::default()
                .registry_auth("registry.example:5000", password.clone())
                .registry_auth("other.example", token.clone()),
        )
        .await;
    let r = match r {
        Ok(stream) => stream.finish().await.map(|f| format!("{f:?}")),
        Err(e) => Err(e),
    };
    seen.push(shown("build", r));
    let r = docker
        .plugins()
        .pull(
            "registry.example:5000/plugin:1",
            &[],
            &docker_engine::plugins::PullOptions::default().auth(token.clone()),
        )
        .await;
    let r = match r {
        Ok(stream) => stream.finish().await.map(|f| format!("{f:?}")),
        Err(e) => Err(e),
    };
    seen.push(shown("plugin pull", r));

    // A TLS client identity whose key cannot be used: the error and the
    // settings never show the key.
    let tls = TlsSettings::new().client_identity(
        Pem::Bytes(
            b"-----BEGIN CERTIFICATE-----\nnot a cert\n-----END CERTIFICATE-----\n".to_vec(),
        ),
        Pem::Bytes(KEY.as_bytes().to_vec()),
    );
    seen.push(format!("{tls:?}"));
    match Docker::builder()
        .host("tcp://127.0.0.1:1")
        .unwrap()
        .tls(tls)
        .build()
    {
        Ok(d) => seen.push(shown(
            "tls",
            d.system().ping().await.map(|p| format!("{p:?}")),
        )),
        Err(e) => seen.push(shown("tls", Err(e))),
    }
    seen.push(format!("{docker:?}"));

    let everything = format!("{}\n{}", traces.text(), seen.join("\n"));
    assert!(
        everything.contains("ImageCreate") && everything.contains("ImagePush"),
        "the calls were made and traced:\n{everything}"
    );
    for secret in forbidden() {
        assert!(
            !everything.contains(&secret),
            "`{secret}` showed:\n{everything}"
        );
    }
}
