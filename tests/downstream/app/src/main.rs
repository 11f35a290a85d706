//! An application outside the workspace that depends on the packaged SDK
//! (the `.crate` files `cargo package` makes), next to its own reqwest and
//! rustls: adding the SDK must change neither.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A plain HTTP server of its own, answering 204 to one request.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await?;
        let mut head = [0u8; 1024];
        let _ = socket.read(&mut head).await?;
        socket
            .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
            .await?;
        Ok::<_, std::io::Error>(())
    });

    // The application's own reqwest client, built bare: with the SDK's
    // `rustls-no-provider` this panicked ("No rustls crypto provider").
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let status = http.get(format!("http://{address}/")).send().await?.status();
    assert_eq!(status.as_u16(), 204);
    server.await??;
    println!("own reqwest: {status}");

    // The application's own rustls, choosing its provider from its crate
    // features: a second provider added by the SDK would make this panic.
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    drop(config);
    println!("own rustls: a client configuration built");

    // And the SDK itself, against the engine DOCKER_HOST names.
    let docker = docker_engine::Docker::from_env()?;
    let version = docker.system().version().await?;
    println!(
        "engine: {} (API {})",
        version.version.unwrap_or_default(),
        version.api_version.unwrap_or_default()
    );
    Ok(())
}
