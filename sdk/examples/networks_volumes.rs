//! Two containers on a user-defined network, the second reaching the first
//! by its alias; a volume written by one container and read by another.
//! Everything made here is removed at the end.
//!
//! ```text
//! cargo run -p docker-engine --example networks_volumes [IMAGE]
//! ```

use docker_engine::containers::{ContainerCreate, LogsOptions, RemoveOptions, WaitOptions};
use docker_engine::networks::NetworkCreate;
use docker_engine::types::EndpointConfig;
use docker_engine::volumes::{RemoveOptions as VolumeRemove, VolumeCreate};
use docker_engine::Docker;

async fn run_to_end(docker: &Docker, spec: ContainerCreate) -> docker_engine::Result<String> {
    let id = docker.containers().create(&spec).await?.id;
    docker.containers().start(&id).await?;
    docker
        .containers()
        .wait(&id, &WaitOptions::default())
        .await?;
    let logs = docker
        .containers()
        .logs(&id, &LogsOptions::default())
        .await?;
    let (out, _) = docker_engine::streams::collect(logs).await?;
    docker
        .containers()
        .remove(&id, &RemoveOptions::default().force(true))
        .await?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let image = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "docker-engine-rs-test/busybox:2".into());
    let docker = Docker::from_env()?;
    let suffix = std::process::id();
    let label = ("org.docker-engine-rs.example", "networks_volumes");

    let net = format!("example-net-{suffix}");
    docker
        .networks()
        .create(&NetworkCreate::new(&net).label(label.0, label.1))
        .await?;
    let vol = format!("example-vol-{suffix}");
    docker
        .volumes()
        .create(&VolumeCreate::new().name(&vol).label(label.0, label.1))
        .await?;

    let outcome = async {
        // A server on the network, known there as `web`.
        let server = ContainerCreate::new(&image)
            .label(label.0, label.1)
            .cmd(["sh", "-c", "echo hello over the network | nc -l -p 8080"])
            .network(&net, EndpointConfig::new().alias("web"));
        let server = docker.containers().create(&server).await?.id;
        docker.containers().start(&server).await?;
        let client = ContainerCreate::new(&image)
            .label(label.0, label.1)
            .cmd(["sh", "-c", "sleep 1; nc web 8080 </dev/null"])
            .network(&net, EndpointConfig::new());
        print!("client got: {}", run_to_end(&docker, client).await?);
        docker
            .containers()
            .remove(&server, &RemoveOptions::default().force(true))
            .await?;

        let writer = ContainerCreate::new(&image)
            .label(label.0, label.1)
            .bind(&format!("{vol}:/data"))
            .cmd(["sh", "-c", "echo kept in a volume > /data/note"]);
        run_to_end(&docker, writer).await?;
        let reader = ContainerCreate::new(&image)
            .label(label.0, label.1)
            .bind(&format!("{vol}:/data:ro"))
            .cmd(["cat", "/data/note"]);
        print!(
            "second container read: {}",
            run_to_end(&docker, reader).await?
        );
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    docker.networks().remove(&net).await?;
    docker
        .volumes()
        .remove(&vol, &VolumeRemove::default())
        .await?;
    outcome
}
