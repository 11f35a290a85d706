//! Project tasks. `cargo xtask regen` derives `spec/` from the upstream Engine
//! API descriptions; see ARCHITECTURE.md for the whole pipeline.

mod convert;
mod json;
mod rules;
mod upstream;
mod versions;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  regen [--api X.Y] [--upstream DIR] [--out DIR] [--check]
      derive spec/ from the upstream Engine API descriptions
      (default: newest released version, upstream ../shared/spec/moby);
      --check writes nothing and fails when spec/ is stale
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

/// The files `regen` writes into `spec/`, relative to it.
pub const SPEC_FILE: &str = "engine-api.json";
pub const VERSIONS_FILE: &str = "versions.json";

fn regen(args: &[String]) -> Result<()> {
    let args = parse_regen_args(args)?;
    let outputs = generate(&args.upstream, args.api.as_deref())?;
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

/// Runs the whole derivation in memory and returns `(file name, contents)`
/// pairs. Pure function of the upstream directory and the chosen version, so
/// that two runs give byte-identical output.
pub fn generate(upstream: &Path, api: Option<&str>) -> Result<Vec<(String, String)>> {
    let history = upstream::History::load(upstream)?;
    let target = match api {
        Some(v) => history.get(v)?,
        None => history.newest_released(),
    };
    let mut spec = convert::swagger_to_openapi(&target.doc)
        .with_context(|| format!("converting v{}", target.version))?;
    let report = rules::apply_all(&mut spec, &history, &target.version)?;
    let table = versions::build_table(&history, &target.version)?;
    let mut spec_text = json::canonical_pretty(&spec);
    spec_text.push('\n');
    let mut table_text = json::canonical_pretty(&table);
    table_text.push('\n');
    for line in report {
        eprintln!("  rule {line}");
    }
    Ok(vec![
        (SPEC_FILE.to_string(), spec_text),
        (VERSIONS_FILE.to_string(), table_text),
    ])
}
