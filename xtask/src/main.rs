//! Project tasks. `cargo xtask regen` derives `spec/` from the upstream Engine
//! API descriptions; see ARCHITECTURE.md for the whole pipeline.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use xtask::generate;

mod bench_build;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  regen [--api X.Y] [--upstream DIR] [--out DIR] [--check]
      derive spec/ from the upstream Engine API descriptions
      (default: newest released version, upstream ../shared/spec/moby);
      --check writes nothing and fails when spec/ is stale
  version-audit [--upstream DIR] [--all]
      list the version table's items whose `since` the Engine's API
      changelog does not back (schema fields too with --all), and the
      corrections applied to the table
  bench-build [--rounds N]
      clean builds (`cargo build --timings`) of an application on this
      SDK beside the same application on bollard, with and without TLS:
      CPU and wall time, and the units that dominate (writes nothing in
      the repository)
";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let Some((task, rest)) = args.split_first() else {
        bail!("no task given\n{USAGE}");
    };
    match task.as_str() {
        "regen" => regen(rest),
        "version-audit" => {
            let mut upstream = project_root().join("../shared/spec/moby");
            let mut all = false;
            let mut it = rest.iter();
            while let Some(arg) = it.next() {
                match arg.as_str() {
                    "--upstream" => {
                        upstream = PathBuf::from(it.next().context("--upstream needs a value")?)
                    }
                    "--all" => all = true,
                    other => bail!("version-audit: unknown argument `{other}`\n{USAGE}"),
                }
            }
            xtask::version_audit(&upstream, all)
        }
        "bench-build" => {
            let rounds = match rest {
                [] => 1,
                [flag, n] if flag == "--rounds" => n.parse().context("--rounds needs a number")?,
                _ => bail!("bench-build: usage: bench-build [--rounds N]"),
            };
            bench_build::run(&project_root(), rounds)
        }
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown task `{other}`\n{USAGE}"),
    }
}

/// The project's root: the parent of this crate's directory.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the project root")
        .to_path_buf()
}

struct RegenArgs {
    api: Option<String>,
    upstream: PathBuf,
    out: PathBuf,
    check: bool,
}

fn parse_regen_args(args: &[String]) -> Result<RegenArgs> {
    let root = project_root();
    let mut parsed = RegenArgs {
        api: None,
        upstream: root.join("../shared/spec/moby"),
        out: root.join("spec"),
        check: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .with_context(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--api" => parsed.api = Some(value("--api")?),
            "--upstream" => parsed.upstream = PathBuf::from(value("--upstream")?),
            "--out" => parsed.out = PathBuf::from(value("--out")?),
            "--check" => parsed.check = true,
            other => bail!("regen: unknown argument `{other}`\n{USAGE}"),
        }
    }
    Ok(parsed)
}

fn regen(args: &[String]) -> Result<()> {
    let args = parse_regen_args(args)?;
    let generated = generate(&args.upstream, args.api.as_deref())?;
    if !args.check {
        for line in &generated.report {
            eprintln!("  {line}");
        }
    }
    let outputs = generated.files;
    if args.check {
        let mut stale = Vec::new();
        for (name, contents) in &outputs {
            let path = args.out.join(name);
            let current = std::fs::read(&path).unwrap_or_default();
            if current != contents.as_bytes() {
                stale.push(path.display().to_string());
            }
        }
        if !stale.is_empty() {
            bail!(
                "spec/ is stale: {}\n    run `cargo xtask regen` and commit the result",
                stale.join(", ")
            );
        }
        println!("regen --check: spec/ is up to date");
        return Ok(());
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    for (name, contents) in &outputs {
        let path = args.out.join(name);
        std::fs::write(&path, contents).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
