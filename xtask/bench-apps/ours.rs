//! The docker-engine side of `cargo xtask bench-build`: the same calls as
//! `bollard.rs` (version, create, start, wait, logs, remove).

use docker_engine::containers::{ContainerCreate, LogsOptions, RemoveOptions, WaitOptions};
use docker_engine::Docker;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let image = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "docker-engine-rs-test/busybox:2".into());
    let docker = Docker::from_env()?;
    let version = docker.system().version().await?;
    println!(
        "engine {} (API {})",
        version.version.as_deref().unwrap_or("?"),
        version.api_version.as_deref().unwrap_or("?")
    );
    let spec = ContainerCreate::new(&image)
        .label("org.docker-engine-rs.example", "quickstart")
        .cmd(["sh", "-c", "echo hello from $(hostname); echo and from stderr >&2"]);
    let created = docker.containers().create(&spec).await?;
    docker.containers().start(&created.id).await?;
    let exit = docker
        .containers()
        .wait(&created.id, &WaitOptions::default())
        .await?;
    let logs = docker
        .containers()
        .logs(&created.id, &LogsOptions::default())
        .await?;
    let (stdout, stderr) = docker_engine::streams::collect(logs).await?;
    print!("{}{}", String::from_utf8_lossy(&stdout), String::from_utf8_lossy(&stderr));
    println!("exit code: {}", exit.status_code);
    docker
        .containers()
        .remove(&created.id, &RemoveOptions::default().force(true))
        .await?;
    Ok(())
}
