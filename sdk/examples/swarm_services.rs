//! A service on a swarm: a secret its task reads, two replicas from the
//! `docker.types` helpers, the wait for convergence with its progress (as
//! `docker service create` without `--detach`), the service's logs, a
//! scale-up as read-modify-write, then everything removed.
//!
//! Runs against the engine `DOCKER_HOST` names, which must be a swarm
//! manager; with `--init` it makes that engine a single-node swarm first
//! and leaves it again at the end.
//!
//! ```text
//! DOCKER_HOST=unix:///path/to/a/test/engine.sock \
//!     cargo run -p docker-engine --example swarm_services -- --init [IMAGE]
//! ```

use docker_engine::secrets::SecretCreate;
use docker_engine::services::{LogsOptions, ServiceCreate, UpdateOptions};
use docker_engine::swarm::{InitOptions, LeaveOptions};
use docker_engine::types::{ContainerSpec, SecretReference, ServiceMode, TaskTemplate};
use docker_engine::Docker;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let init = args.iter().any(|a| a == "--init");
    let image = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "docker-engine-rs-test/busybox:2".into());
    let docker = Docker::from_env()?;
    if init {
        let node = docker
            .swarm()
            .init(
                &InitOptions::default()
                    .advertise_addr("127.0.0.1")
                    .listen_addr("127.0.0.1:0"),
            )
            .await?;
        println!("swarm initialised, node {node}");
    }
    let outcome = demo(&docker, &image).await;
    if init {
        docker
            .swarm()
            .leave(&LeaveOptions::default().force(true))
            .await?;
        println!("left the swarm");
    }
    outcome
}

async fn demo(docker: &Docker, image: &str) -> Result<(), Box<dyn std::error::Error>> {
    let suffix = std::process::id();
    let secret_name = format!("example-token-{suffix}");
    let secret = docker
        .secrets()
        .create(&SecretCreate::new(secret_name.clone(), b"hunter2".to_vec()))
        .await?;
    let name = format!("example-web-{suffix}");
    let spec = ServiceCreate::new(TaskTemplate::new(
        ContainerSpec::new(image)
            .command_line("sh -c 'echo token=$(cat /run/secrets/token); exec sleep 600'")
            .secret(SecretReference::new(secret.clone(), secret_name).filename("token")),
    ))
    .name(name.clone())
    .mode(ServiceMode::Replicated { replicas: Some(2) });
    let id = docker
        .services()
        .create(&spec)
        .await?
        .id
        .unwrap_or_default();
    let result = async {
        let done = docker
            .services()
            .wait_converged(&id, |p| {
                println!("{}/{} tasks running", p.running, p.desired)
            })
            .await?;
        println!("converged: {done:?}");
        let logs = docker.services().logs(&id, &LogsOptions::default()).await?;
        let (out, _) = docker_engine::streams::collect(logs).await?;
        print!("{}", String::from_utf8_lossy(&out));
        docker
            .services()
            .update_with(&id, &UpdateOptions::default(), |spec| {
                spec.mode = Some(ServiceMode::Replicated { replicas: Some(3) }.build());
                Ok(())
            })
            .await?;
        let scaled = docker.services().wait_converged(&id, |_| {}).await?;
        println!("scaled to {} running", scaled.running);
        Ok::<_, docker_engine::Error>(())
    }
    .await;
    docker.services().remove(&id).await?;
    // The secret can go once the service's tasks are gone.
    for _ in 0..40 {
        match docker.secrets().remove(&secret).await {
            Ok(()) => break,
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(250)).await,
        }
    }
    result?;
    Ok(())
}
