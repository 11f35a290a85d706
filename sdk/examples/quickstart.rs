//! Connects like the Docker CLI, shows the engine and the negotiated API
//! version, then runs a container and prints its output.
//!
//! ```text
//! tests/quickstart.sh                      # sets up a local engine if it can
//! cargo run -p docker-engine --example quickstart [IMAGE]
//! ```

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
        "engine {} at {} (API {} negotiated, engine up to {})",
        version.version.as_deref().unwrap_or("?"),
        docker.host(),
        docker.api_version().await?,
        version.api_version.as_deref().unwrap_or("?"),
    );

    let spec = ContainerCreate::new(&image)
        .label("org.docker-engine-rs.example", "quickstart")
        .cmd([
            "sh",
            "-c",
            "echo hello from $(hostname); echo and from stderr >&2",
        ]);
    let created = docker.containers().create(&spec).await?;
    let outcome = async {
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
        print!("stdout: {}", String::from_utf8_lossy(&stdout));
        print!("stderr: {}", String::from_utf8_lossy(&stderr));
        println!("exit code: {}", exit.status_code);
        Ok::<_, docker_engine::Error>(())
    }
    .await;
    docker
        .containers()
        .remove(&created.id, &RemoveOptions::default().force(true))
        .await?;
    Ok(outcome?)
}
