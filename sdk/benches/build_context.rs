//! Sending build contexts: peak memory of a 1 GiB context, and the time to
//! tar and send a 20,000-file context with a `.dockerignore` of 20
//! patterns beside the Docker CLI (`DOCKER_BUILDKIT=0 docker build`) doing
//! the same, both against one fake engine that reads and discards the
//! context (`tests/fixtures/cli/build-context/record.py serve`).
//!
//! `cargo bench -p docker-engine --bench build_context` (`-- memory` or
//! `-- tar` for one part; `-- rounds N`). Each build runs in a fresh child
//! process, ours and the CLI's alike, alternating which goes first; the
//! median wall time of the rounds is reported. The CLI part is skipped when
//! no `docker` is on the PATH.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use docker_engine::images::{BuildContext, BuildOptions};
use docker_engine::Docker;

const CHILD: &str = "DOCKER_ENGINE_BENCH_BUILD_CHILD";

const DOCKERIGNORE: &str = "# build output
target
**/*.log
**/*.tmp
node_modules
!node_modules/keep
.git
*.md
!README.md
docs/**/*.png
**/__pycache__
*.swp
build/
dist
coverage
**/.DS_Store
tmp*
src/**/generated_*
!src/mod0/generated_keep.rs
secrets/*.key
";

fn main() {
    if let Ok(args) = std::env::var(CHILD) {
        let (sock, dir) = args.split_once('\n').unwrap();
        child(sock, Path::new(dir));
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only = |part: &str| {
        !args.iter().any(|a| a == "memory" || a == "tar") || args.iter().any(|a| a == part)
    };
    let rounds = args
        .iter()
        .position(|a| a == "rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(5usize);
    let tmp = tempfile::tempdir().unwrap();
    let sock = tmp.path().join("engine.sock");
    let mut server = serve(&sock);
    if only("memory") {
        memory(tmp.path(), &sock);
    }
    if only("tar") {
        tar_time(tmp.path(), &sock, rounds);
    }
    let _ = server.kill();
    let _ = server.wait();
}

fn serve(sock: &Path) -> Child {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/cli/build-context/record.py"
    );
    let child = Command::new("python3")
        .args([script, "serve"])
        .arg(sock)
        .stdout(Stdio::null())
        .spawn()
        .expect("python3 for the fake engine");
    let start = Instant::now();
    while !sock.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the fake engine did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// One build in this (child) process; prints its wall time and peak RSS.
fn child(sock: &str, dir: &Path) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let start = Instant::now();
    rt.block_on(async {
        let docker = Docker::builder()
            .host(&format!("unix://{sock}"))
            .unwrap()
            .build()
            .unwrap();
        let built = docker
            .images()
            .build_image(BuildContext::dir(dir), &BuildOptions::default())
            .await
            .unwrap();
        assert!(built.id.starts_with("sha256:"));
    });
    let elapsed = start.elapsed();
    println!("{} {}", elapsed.as_secs_f64(), vm_hwm_kib());
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Runs one build of `dir` in a fresh process of this benchmark: (wall
/// seconds, peak RSS KiB).
fn ours(sock: &Path, dir: &Path) -> (f64, u64) {
    let start = Instant::now();
    let out = Command::new(std::env::current_exe().unwrap())
        .env(CHILD, format!("{}\n{}", sock.display(), dir.display()))
        .output()
        .unwrap();
    let wall = start.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut parts = text.split_whitespace();
    let _inner: f64 = parts.next().unwrap().parse().unwrap();
    (wall, parts.next().unwrap().parse().unwrap())
}

fn cli(sock: &Path, dir: &Path, config: &Path) -> Option<f64> {
    let start = Instant::now();
    let out = Command::new("docker")
        .args(["build", "-q"])
        .arg(dir)
        .env("DOCKER_HOST", format!("unix://{}", sock.display()))
        .env("DOCKER_BUILDKIT", "0")
        .env("DOCKER_CONFIG", config)
        .output()
        .ok()?;
    let wall = start.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(wall)
}

fn memory(tmp: &Path, sock: &Path) {
    let dir = tmp.join("big");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("Dockerfile"), "FROM scratch\nCOPY . /\n").unwrap();
    // 16 files of 64 MiB: 1 GiB read and sent byte for byte (sparse, so
    // the disk is not what is measured).
    for i in 0..16 {
        let f = std::fs::File::create(dir.join(format!("blob-{i:02}"))).unwrap();
        f.set_len(64 << 20).unwrap();
    }
    let (wall, hwm) = ours(sock, &dir);
    println!(
        "memory: 1 GiB context sent in {wall:.2} s, peak RSS of the client process {:.1} MiB (target <= 16 MiB)",
        hwm as f64 / 1024.0
    );
}

fn lay_out_many(dir: &Path) -> usize {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("Dockerfile"), "FROM scratch\nCOPY . /\n").unwrap();
    std::fs::write(dir.join(".dockerignore"), DOCKERIGNORE).unwrap();
    std::fs::write(dir.join("README.md"), "readme\n").unwrap();
    let content = "x".repeat(200);
    let mut n = 3;
    let groups = [
        "src",
        "src",
        "src",
        "src",
        "node_modules",
        "target",
        "docs",
        "build",
        "tmpfiles",
        "lib",
    ];
    'outer: for d in 0..200 {
        let group = groups[d % groups.len()];
        let sub: PathBuf = dir.join(group).join(format!("mod{d}"));
        std::fs::create_dir_all(&sub).unwrap();
        for f in 0..100 {
            let name = match f % 10 {
                0 => format!("file{f}.log"),
                1 => format!("file{f}.tmp"),
                2 => format!("generated_{f}.rs"),
                3 => format!("notes{f}.md"),
                4 => format!("image{f}.png"),
                _ => format!("file{f}.rs"),
            };
            std::fs::write(sub.join(name), &content).unwrap();
            n += 1;
            if n >= 20_000 {
                break 'outer;
            }
        }
    }
    n
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn tar_time(tmp: &Path, sock: &Path, rounds: usize) {
    let dir = tmp.join("many");
    let files = lay_out_many(&dir);
    let config = tmp.join("docker-config");
    std::fs::create_dir_all(&config).unwrap();
    let mut sent = Vec::new();
    BuildContext::dir(&dir).write_tar(None, &mut sent).unwrap();
    let entries = tar::Archive::new(&sent[..]).entries().unwrap().count();
    let has_cli = cli(sock, &dir, &config).is_some();
    // One warm-up each (page cache, the CLI's first start).
    ours(sock, &dir);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            a.push(ours(sock, &dir).0);
            if has_cli {
                b.push(cli(sock, &dir, &config).unwrap());
            }
        } else {
            if has_cli {
                b.push(cli(sock, &dir, &config).unwrap());
            }
            a.push(ours(sock, &dir).0);
        }
    }
    let ours = median(a);
    print!(
        "tar: {files} files, {entries} entries sent ({} KiB), {} patterns: this SDK {:.3} s",
        sent.len() / 1024,
        DOCKERIGNORE.lines().filter(|l| !l.starts_with('#')).count(),
        ours
    );
    if has_cli {
        let theirs = median(b);
        println!(
            ", Docker CLI {theirs:.3} s: {:.2}x the CLI (target <= 1.0x), median of {rounds}",
            ours / theirs
        );
    } else {
        println!(" (no docker CLI on the PATH)");
    }
}
