//! Builds an image from a directory (its `.dockerignore` applied as the
//! Docker CLI applies it) and shows the build's output under a spinner;
//! prints the image id, or the failing step's output and the engine's
//! message. Then removes the image.
//!
//! ```text
//! cargo run -p docker-engine --example build_progress [BASE_IMAGE]
//! ```

use docker_engine::images::{BuildContext, BuildOptions, RemoveOptions};
use docker_engine::{Docker, Error};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "docker-engine-rs-test/busybox:2".into());
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM {base}\nCOPY . /app\nRUN ls /app > /app/listing\nLABEL org.docker-engine-rs.example=build_progress\n"),
    )?;
    std::fs::write(dir.path().join("keep.txt"), "sent\n")?;
    std::fs::write(dir.path().join("secret.env"), "never sent\n")?;
    std::fs::write(dir.path().join(".dockerignore"), "*.env\n")?;

    let tag = format!("docker-engine-rs-example/build:{}", std::process::id());
    let docker = Docker::from_env()?;
    let mut stream = docker
        .images()
        .build(
            BuildContext::dir(dir.path()),
            &BuildOptions::default().tag(&tag),
        )
        .await?;
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {wide_msg}")?);
    let mut id = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(p) => {
                if let Some(text) = &p.stream {
                    for line in text.lines().filter(|l| !l.trim().is_empty()) {
                        bar.println(line);
                        bar.set_message(line.to_string());
                    }
                }
                if let Some(built) = p.aux.as_ref().and_then(|a| a.get("ID")) {
                    id = built.as_str().map(str::to_string);
                }
                bar.tick();
            }
            Err(Error::InStream { message, code, .. }) => {
                bar.abandon_with_message(format!("build failed ({code:?}): {message}"));
                std::process::exit(1);
            }
            Err(e) => return Err(e.into()),
        }
    }
    bar.finish_with_message(format!("built {}", id.as_deref().unwrap_or("?")));
    let removed = docker
        .images()
        .remove(&tag, &RemoveOptions::default())
        .await?;
    println!("removed {} item(s)", removed.len());
    Ok(())
}
