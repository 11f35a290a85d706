//! Watches a container's life as typed events, filtered to that container,
//! on a stream that ends by itself at `until`.
//!
//! ```text
//! cargo run -p docker-engine --example events [IMAGE]
//! ```

use std::time::{Duration, SystemTime};

use docker_engine::containers::{ContainerCreate, RemoveOptions, WaitOptions};
use docker_engine::system::EventsOptions;
use docker_engine::Docker;
use futures_util::StreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let image = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "docker-engine-rs-test/busybox:2".into());
    let docker = Docker::from_env()?;
    let name = format!("example-events-{}", std::process::id());
    let since = SystemTime::now() - Duration::from_secs(1);

    let spec = ContainerCreate::new(&image)
        .name(&name)
        .label("org.docker-engine-rs.example", "events")
        .cmd(["true"]);
    let id = docker.containers().create(&spec).await?.id;
    docker.containers().start(&id).await?;
    docker
        .containers()
        .wait(&id, &WaitOptions::default())
        .await?;
    docker
        .containers()
        .remove(&id, &RemoveOptions::default())
        .await?;

    // Replay from before the container was made, until now: the stream ends
    // on its own.
    let until = SystemTime::now() + Duration::from_secs(1);
    let mut events = docker
        .system()
        .events(
            &EventsOptions::default()
                .since(since)
                .until(until)
                .container(&name),
        )
        .await?;
    while let Some(event) = events.next().await {
        let event = event?;
        println!(
            "{:?} {:?} {}",
            event.kind,
            event.action,
            &event.actor_id[..12.min(event.actor_id.len())]
        );
    }
    println!("the stream ended at `until`");
    Ok(())
}
