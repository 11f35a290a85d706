//! `cargo xtask bench-build`: clean build times of this workspace's library
//! crates beside bollard's (a scratch crate that depends only on it), on the
//! same machine in one run, debug and release, each in a fresh target dir.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// The peer measured; the newest release when this was written.
const BOLLARD: &str = "0.21.1";

pub fn run(root: &Path, rounds: usize) -> Result<()> {
    let scratch = std::env::temp_dir().join("docker-engine-rs-bench-build");
    let peer = scratch.join("bollard-peer");
    std::fs::create_dir_all(peer.join("src"))?;
    std::fs::write(
        peer.join("Cargo.toml"),
        format!(
            "[package]\nname = \"bollard-peer\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\nbollard = \"={BOLLARD}\"\n\n[workspace]\n"
        ),
    )?;
    std::fs::write(peer.join("src/lib.rs"), "pub use bollard;\n")?;

    // Downloads are not build time.
    cargo(root, &["fetch"], None)?;
    cargo(&peer, &["fetch"], None)?;

    let ours: &[&str] = &[
        "build",
        "--lib",
        "-p",
        "docker-engine-raw",
        "-p",
        "docker-engine",
    ];
    // Like for like with bollard's default build, which has no TLS.
    let ours_no_tls: &[&str] = &[
        "build",
        "--lib",
        "-p",
        "docker-engine-raw",
        "-p",
        "docker-engine",
        "--no-default-features",
    ];
    let theirs: &[&str] = &["build", "--lib"];
    let builds: [(&str, &Path, &[&str]); 3] = [
        ("ours", root, ours),
        ("ours-no-tls", root, ours_no_tls),
        ("bollard", &peer, theirs),
    ];
    let mut rows = Vec::new();
    for profile in ["debug", "release"] {
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); builds.len()];
        for round in 0..rounds {
            // Alternate the order, so none always gets a warm disk cache.
            let mut order: Vec<usize> = (0..builds.len()).collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for i in order {
                let (who, dir, args) = builds[i];
                let target = scratch.join(format!("target-{who}-{profile}"));
                let _ = std::fs::remove_dir_all(&target);
                let mut args = args.to_vec();
                if profile == "release" {
                    args.push("--release");
                }
                let secs = cargo(dir, &args, Some(&target))?;
                eprintln!("bench-build: {who} {profile} round {round}: {secs:.1} s");
                times[i].push(secs);
                let _ = std::fs::remove_dir_all(&target);
            }
        }
        let m: Vec<f64> = times
            .into_iter()
            .map(|mut v| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            })
            .collect();
        rows.push(format!(
            "| {profile} | {:.1} s ({:.2}x) | {:.1} s ({:.2}x) | {:.1} s |",
            m[0],
            m[0] / m[2],
            m[1],
            m[1] / m[2],
            m[2]
        ));
    }
    println!("| profile | raw + SDK (default features) | raw + SDK without `tls` | bollard {BOLLARD} (default features) |");
    println!("|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    Ok(())
}

fn cargo(dir: &Path, args: &[&str], target: Option<&PathBuf>) -> Result<f64> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args).current_dir(dir).env_remove("RUSTFLAGS");
    if let Some(t) = target {
        cmd.env("CARGO_TARGET_DIR", t);
    }
    let start = Instant::now();
    let status = cmd
        .status()
        .with_context(|| format!("running cargo {args:?}"))?;
    let secs = start.elapsed().as_secs_f64();
    if !status.success() {
        bail!("cargo {args:?} in {} failed", dir.display());
    }
    Ok(secs)
}
