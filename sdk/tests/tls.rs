//! TLS refusals a real engine cannot show on demand: a certificate for
//! another name, an expired one, a server that offers only TLS 1.2 (the
//! oldest the SDK accepts). Each server is made here, in process, with
//! certificates made here; the CA is given to the client as a Docker
//! certificate directory would give it.

#![cfg(feature = "tls")]

use std::sync::Arc;

use docker_engine::{Docker, Pem, TlsSettings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

struct Ca {
    cert: rcgen::Certificate,
    key: rcgen::KeyPair,
}

fn ca() -> Ca {
    named_ca("docker-engine-rs tls test CA")
}

fn named_ca(name: &str) -> Ca {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Ca { cert, key }
}

/// A server certificate for `names`, signed by `ca`, valid until `until`.
fn server_cert(ca: &Ca, names: &[&str], expired: bool) -> (String, String) {
    let mut params =
        rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .unwrap();
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &ca.cert, &ca.key).unwrap();
    (cert.pem(), key.serialize_pem())
}

/// A TLS server on 127.0.0.1 answering every request as an engine's ping
/// would, with the given protocol versions.
async fn server(
    cert_pem: &str,
    key_pem: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> String {
    use rustls::pki_types::pem::PemObject;
    let certs = rustls::pki_types::CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_protocol_versions(versions)
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                while let Ok(n) = tls.read(&mut buf).await {
                    if n == 0 {
                        return;
                    }
                    let answer = "HTTP/1.1 200 OK\r\nAPI-Version: 1.41\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK";
                    if tls.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("tcp://{addr}")
}

fn client(host: &str, ca: &Ca, verify_hostname: bool) -> Docker {
    Docker::builder()
        .host(host)
        .unwrap()
        .tls(
            TlsSettings::new()
                .ca(Pem::Bytes(ca.cert.pem().into_bytes()))
                .verify_hostname(verify_hostname),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_certificate_for_another_name_is_refused() {
    let ca = ca();
    let (cert, key) = server_cert(&ca, &["engine.other.invalid"], false);
    let host = server(&cert, &key, rustls::ALL_VERSIONS).await;
    let e = client(&host, &ca, true).system().ping().await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains(&format!("cannot connect to the Docker engine at {host}"))
            && text.contains("not valid for name")
            && text.ends_with(
                "check the TLS settings: the CA, the client certificate, the engine's name"
            ),
        "{text}"
    );
    // The same server, with the name check off (the chain still checked).
    let ping = client(&host, &ca, false).system().ping().await.unwrap();
    assert_eq!(ping.api_version.unwrap().to_string(), "1.41");
}

#[tokio::test]
async fn an_expired_certificate_is_refused() {
    let ca = ca();
    let (cert, key) = server_cert(&ca, &["127.0.0.1", "localhost"], true);
    let host = server(&cert, &key, rustls::ALL_VERSIONS).await;
    let text = client(&host, &ca, true)
        .system()
        .ping()
        .await
        .unwrap_err()
        .to_string();
    assert!(text.to_lowercase().contains("expired"), "{text}");
}

#[tokio::test]
async fn tls_1_2_is_accepted_and_a_valid_certificate_works() {
    let ca = ca();
    let (cert, key) = server_cert(&ca, &["127.0.0.1", "localhost"], false);
    let host = server(&cert, &key, &[&rustls::version::TLS12]).await;
    let ping = client(&host, &ca, true).system().ping().await.unwrap();
    assert_eq!(ping.api_version.unwrap().to_string(), "1.41");
    // A CA that did not sign it is refused.
    let other = ca_other();
    let text = client(&host, &other, true)
        .system()
        .ping()
        .await
        .unwrap_err()
        .to_string();
    assert!(text.contains("UnknownIssuer"), "{text}");
    assert!(
        text.ends_with("check the TLS settings: the CA, the client certificate, the engine's name"),
        "{text}"
    );
}

fn ca_other() -> Ca {
    named_ca("an unrelated CA")
}
