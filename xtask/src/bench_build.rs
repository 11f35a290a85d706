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
    let theirs: &[&str] = &["build", "--lib"];
    let mut rows = Vec::new();
    for profile in ["debug", "release"] {
        let mut ours_s = Vec::new();
        let mut theirs_s = Vec::new();
        for round in 0..rounds {
            // Alternate which goes first, so neither always gets a warm disk cache.
            let order: [(&str, &Path, &[&str]); 2] =
                [("ours", root, ours), ("bollard", &peer, theirs)];
            let order = if round % 2 == 0 {
                order
            } else {
                [order[1], order[0]]
            };
            for (who, dir, args) in order {
                let target = scratch.join(format!("target-{who}-{profile}"));
                let _ = std::fs::remove_dir_all(&target);
                let mut args = args.to_vec();
                if profile == "release" {
                    args.push("--release");
                }
                let secs = cargo(dir, &args, Some(&target))?;
                eprintln!("bench-build: {who} {profile} round {round}: {secs:.1} s");
                if who == "ours" {
                    ours_s.push(secs)
                } else {
                    theirs_s.push(secs)
                }
                let _ = std::fs::remove_dir_all(&target);
            }
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (o, t) = (median(&mut ours_s), median(&mut theirs_s));
        rows.push(format!(
            "| {profile} | {o:.1} s | {t:.1} s | {:.2}x |",
            o / t
        ));
    }
    println!("| profile | this workspace (raw + sdk) | bollard {BOLLARD} | ratio |");
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
