//! The bollard side of `cargo xtask bench-build`: the same calls as
//! `ours.rs` (version, create, start, wait, logs, remove).

use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{CreateContainerOptions, LogsOptionsBuilder, RemoveContainerOptionsBuilder, StartContainerOptions, WaitContainerOptions};
use futures_util::StreamExt;
use std::collections::HashMap;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let image = std::env::args().nth(1).unwrap_or_else(|| "docker-engine-rs-test/busybox:2".into());
    let docker = bollard::Docker::connect_with_local_defaults()?;
    let version = docker.version().await?;
    println!("engine {} (API {})", version.version.as_deref().unwrap_or("?"), version.api_version.as_deref().unwrap_or("?"));
    let body = ContainerCreateBody {
        image: Some(image),
        labels: Some(HashMap::from([("org.docker-engine-rs.example".to_string(), "quickstart".to_string())])),
        cmd: Some(vec!["sh".into(), "-c".into(), "echo hello from $(hostname); echo and from stderr >&2".into()]),
        ..Default::default()
    };
    let created = docker.create_container(None::<CreateContainerOptions>, body).await?;
    docker.start_container(&created.id, None::<StartContainerOptions>).await?;
    let mut wait = docker.wait_container(&created.id, None::<WaitContainerOptions>);
    let mut code = 0;
    while let Some(w) = wait.next().await { code = w?.status_code; }
    let mut logs = docker.logs(&created.id, Some(LogsOptionsBuilder::default().stdout(true).stderr(true).build()));
    while let Some(l) = logs.next().await { print!("{}", l?); }
    println!("exit code: {code}");
    docker.remove_container(&created.id, Some(RemoveContainerOptionsBuilder::default().force(true).build())).await?;
    Ok(())
}
