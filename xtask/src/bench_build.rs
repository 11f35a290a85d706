//! `cargo xtask bench-build`: the clean build of a downstream application
//! on this SDK beside the same application on bollard (`bench-apps/`: the
//! same calls), each in a fresh target directory, with `cargo build
//! --timings`. Reports the CPU time (user + system of cargo and everything
//! it ran) and wall time, and from the timings what dominates: the units
//! taking longest, and the time of the units only one side builds.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// The peer measured; the newest release when this was written.
const BOLLARD: &str = "0.21.1";

struct App {
    name: &'static str,
    source: &'static str,
    dependency: String,
}

pub fn run(root: &Path, rounds: usize) -> Result<()> {
    let scratch = std::env::temp_dir().join("docker-engine-rs-bench-build");
    let sdk = root.join("sdk");
    let sdk = sdk.display();
    let apps = [
        App {
            name: "ours",
            source: include_str!("../bench-apps/ours.rs"),
            dependency: format!("docker-engine = {{ path = \"{sdk}\" }}"),
        },
        App {
            name: "ours-tls",
            source: include_str!("../bench-apps/ours.rs"),
            dependency: format!("docker-engine = {{ path = \"{sdk}\", features = [\"tls\"] }}"),
        },
        App {
            name: "bollard",
            source: include_str!("../bench-apps/bollard.rs"),
            dependency: format!(
                "bollard = \"={BOLLARD}\"\nfutures-util = \"0.3\""
            ),
        },
        App {
            name: "bollard-ssl",
            source: include_str!("../bench-apps/bollard.rs"),
            dependency: format!(
                "bollard = {{ version = \"={BOLLARD}\", features = [\"ssl\"] }}\nfutures-util = \"0.3\""
            ),
        },
    ];
    let mut dirs = Vec::new();
    for app in &apps {
        let dir = scratch.join(app.name);
        std::fs::create_dir_all(dir.join("src"))?;
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"app-{}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n\n[dependencies]\n{}\ntokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n",
                app.name, app.dependency
            ),
        )?;
        std::fs::write(dir.join("src/main.rs"), app.source)?;
        // Downloads are not build time.
        cargo(&dir, &["fetch", "--quiet"], None)?;
        dirs.push(dir);
    }

    let mut cpu: Vec<Vec<f64>> = vec![Vec::new(); apps.len()];
    let mut wall: Vec<Vec<f64>> = vec![Vec::new(); apps.len()];
    let mut units: Vec<Vec<Unit>> = vec![Vec::new(); apps.len()];
    for round in 0..rounds {
        // Alternate the order, so none always gets a warm disk cache.
        let mut order: Vec<usize> = (0..apps.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let target = scratch.join(format!("target-{}", apps[i].name));
            let _ = std::fs::remove_dir_all(&target);
            let (c, w) = cargo(&dirs[i], &["build", "--quiet", "--timings"], Some(&target))?;
            eprintln!(
                "bench-build: {} round {round}: {c:.1} s CPU, {w:.1} s wall",
                apps[i].name
            );
            cpu[i].push(c);
            wall[i].push(w);
            let html = target.join("cargo-timings/cargo-timing.html");
            units[i] = read_units(&html)?;
            let keep = scratch.join(format!("timing-{}.html", apps[i].name));
            std::fs::copy(&html, &keep)?;
            let _ = std::fs::remove_dir_all(&target);
        }
    }
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let base = median(&cpu[2]);
    println!("| application | CPU (user + system) | vs bollard | wall |");
    println!("|---|---|---|---|");
    for (i, app) in apps.iter().enumerate() {
        let c = median(&cpu[i]);
        println!(
            "| {} | {c:.1} s | {:.2}x | {:.1} s |",
            app.name,
            c / base,
            median(&wall[i])
        );
    }
    for (ours, theirs) in [(0, 2), (1, 3)] {
        println!();
        println!(
            "Units of `{}` that `{}` does not build (seconds of the last round):",
            apps[ours].name, apps[theirs].name
        );
        let theirs_keys: std::collections::HashSet<_> =
            units[theirs].iter().map(|u| u.key.clone()).collect();
        let mut only: Vec<&Unit> = units[ours]
            .iter()
            .filter(|u| !theirs_keys.contains(&u.key))
            .collect();
        only.sort_by(|a, b| b.secs.total_cmp(&a.secs));
        let total: f64 = only.iter().map(|u| u.secs).sum();
        println!("{} units, {total:.1} s in all; the largest:", only.len());
        for u in only.iter().take(25) {
            println!("  {:5.1} s  {}", u.secs, u.key);
        }
    }
    println!();
    println!("Timings kept in {}", scratch.display());
    Ok(())
}

#[derive(Clone)]
struct Unit {
    key: String,
    secs: f64,
}

/// The units of a `--timings` page: name, version and target, and seconds.
fn read_units(html: &Path) -> Result<Vec<Unit>> {
    let page = std::fs::read_to_string(html).with_context(|| html.display().to_string())?;
    let start = page
        .find("const UNIT_DATA = ")
        .context("no UNIT_DATA in the timings page")?
        + "const UNIT_DATA = ".len();
    let end = start
        + page[start..]
            .find(";\n")
            .context("UNIT_DATA is not terminated")?;
    let data: serde_json::Value = serde_json::from_str(&page[start..end])?;
    let mut out = Vec::new();
    for u in data.as_array().context("UNIT_DATA is not a list")? {
        let field = |k: &str| u[k].as_str().unwrap_or_default().to_string();
        let target = field("target");
        out.push(Unit {
            key: format!("{} {}{}", field("name"), field("version"), target),
            secs: u["duration"].as_f64().unwrap_or(0.0),
        });
    }
    Ok(out)
}

/// Runs cargo; the CPU seconds of it and its children, and wall seconds.
fn cargo(dir: &Path, args: &[&str], target: Option<&PathBuf>) -> Result<(f64, f64)> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args).current_dir(dir).env_remove("RUSTFLAGS");
    if let Some(t) = target {
        cmd.env("CARGO_TARGET_DIR", t);
    }
    let before = children_cpu()?;
    let start = Instant::now();
    let status = cmd
        .status()
        .with_context(|| format!("running cargo {args:?}"))?;
    let wall = start.elapsed().as_secs_f64();
    if !status.success() {
        bail!("cargo {args:?} in {} failed", dir.display());
    }
    Ok((children_cpu()? - before, wall))
}

/// User and system time of this process's waited-for descendants
/// (`cutime` and `cstime` of `/proc/self/stat`), in seconds.
fn children_cpu() -> Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the command name, which is in parentheses.
    let rest = &stat[stat.rfind(')').context("malformed /proc/self/stat")? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    // cutime and cstime are fields 16 and 17 (1-based) of the whole line.
    let ticks = |i: usize| -> Result<f64> { Ok(fields.get(i).context("short stat")?.parse()?) };
    let clk = clock_ticks()?;
    Ok((ticks(13)? + ticks(14)?) / clk)
}

fn clock_ticks() -> Result<f64> {
    let out = Command::new("getconf").arg("CLK_TCK").output()?;
    Ok(String::from_utf8(out.stdout)?.trim().parse()?)
}
