//! Pulls an image and renders its progress with a terminal progress bar:
//! bytes over every layer whose size is known, layers done out of those
//! seen, the last status line; then the pulled digest, or the engine's
//! failure with what the stream said before it.
//!
//! ```text
//! cargo run -p docker-engine --example pull_progress -- 127.0.0.1:25000/team/app:1
//! ```
//!
//! Credentials come from `config.json` as the Docker CLI would use them.

use docker_engine::images::PullOptions;
use docker_engine::progress::Aggregate;
use docker_engine::{Docker, Error};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(image) = std::env::args().nth(1) else {
        eprintln!("usage: pull_progress IMAGE[:TAG|@DIGEST]");
        std::process::exit(2);
    };
    let docker = Docker::from_env()?;
    let mut stream = docker
        .images()
        .pull(&image, &PullOptions::default())
        .await?;

    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{bar:40}] {bytes}/{total_bytes} {prefix} {wide_msg}",
        )?
        .progress_chars("=> "),
    );
    let mut all = Aggregate::default();
    let mut text = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(p) => {
                all.update(&p);
                let (done, total) = all.bytes();
                bar.set_length(total);
                bar.set_position(done);
                bar.set_prefix(format!(
                    "{}/{} layers",
                    all.done_layers(),
                    all.total_layers()
                ));
                if let Some(status) = &p.status {
                    bar.set_message(match &p.id {
                        Some(id) => format!("{id}: {status}"),
                        None => status.clone(),
                    });
                    if p.id.is_none() {
                        text.push(status.clone());
                    }
                }
            }
            Err(Error::InStream { message, .. }) => {
                bar.abandon_with_message("failed");
                eprintln!("{}", text.join("\n"));
                eprintln!("pull failed: {message}");
                std::process::exit(1);
            }
            Err(e) => return Err(e.into()),
        }
    }
    bar.finish_with_message("done");
    let digest = text.iter().rev().find_map(|l| l.strip_prefix("Digest: "));
    println!("{image}: {}", digest.unwrap_or("(no digest reported)"));
    Ok(())
}
