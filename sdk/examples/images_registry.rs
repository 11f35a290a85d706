//! Tags the test image for a registry, pushes it (the pushed digest), drops
//! the local tag, pulls it back with per-layer progress, and removes it.
//! Credentials, if the registry needs any, come from `config.json` as the
//! Docker CLI would use them.
//!
//! ```text
//! cargo run -p docker-engine --example images_registry -- 127.0.0.1:25000 [IMAGE]
//! ```

use docker_engine::images::{PullOptions, PushOptions, RemoveOptions};
use docker_engine::progress::Aggregate;
use docker_engine::Docker;
use futures_util::StreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(registry) = args.next() else {
        eprintln!("usage: images_registry REGISTRY[:PORT] [IMAGE]");
        std::process::exit(2);
    };
    let image = args
        .next()
        .unwrap_or_else(|| "docker-engine-rs-test/busybox:2".into());
    let docker = Docker::from_env()?;
    let target = format!(
        "{registry}/docker-engine-rs-example/busybox:{}",
        std::process::id()
    );

    docker.images().tag(&image, &target).await?;
    let pushed = docker
        .images()
        .push(&target, &PushOptions::default())
        .await?
        .finish()
        .await?;
    println!("pushed {target} as {}", pushed.digest().unwrap_or("?"));
    docker
        .images()
        .remove(&target, &RemoveOptions::default())
        .await?;

    let mut stream = docker
        .images()
        .pull(&target, &PullOptions::default())
        .await?;
    let mut all = Aggregate::default();
    while let Some(p) = stream.next().await {
        let p = p?;
        all.update(&p);
        if let Some(status) = &p.status {
            if p.id.is_none() {
                println!("{status}");
            }
        }
    }
    let (done, total) = all.bytes();
    println!(
        "layers {}/{} done, {done}/{total} bytes",
        all.done_layers(),
        all.total_layers()
    );
    let inspect = docker.images().inspect(&target).await?;
    println!("pulled {:?}", inspect.id);
    docker
        .images()
        .remove(&target, &RemoveOptions::default())
        .await?;
    Ok(())
}
