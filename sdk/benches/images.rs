//! Images: this SDK beside bollard, in one run, against a replay server
//! (a child process on a Unix socket).
//!
//! ```text
//! cargo bench -p docker-engine --bench images            # everything
//! cargo bench -p docker-engine --bench images -- quick   # fewer messages, 256 MiB image
//! ```
//!
//! - CPU per progress message decoded: a pull answered with a stream
//!   recorded from a real engine (`tests/fixtures/v1.41/pull-stream.jsonl`,
//!   a pull of a 210 MB layer from a local registry), replayed many times
//!   over, one HTTP chunk per message as the engine flushes them. The
//!   clients run on one current-thread runtime, so the thread's on-CPU
//!   time (schedstat) is the client's alone; rounds alternate which client
//!   goes first, and the median is reported.
//! - Peak memory of saving a 1 GiB image to a file and loading it back:
//!   each client in a fresh child process (`VmHWM`), writing the saved
//!   stream to a file and sending that file back.
//!
//! Output is a Markdown report on stdout.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use futures_util::StreamExt;

const PULL: &str = include_str!("../../tests/fixtures/v1.41/pull-stream.jsonl");
const MIB: u64 = 1 << 20;

fn cpu_time() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    Duration::from_nanos(text.split_whitespace().next().unwrap().parse().unwrap())
}

fn max_rss_kib() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

// ---------------------------------------------------------------------------
// The replay server: one thread per connection, plain HTTP/1.1.

fn serve(socket: &Path) {
    let _ = std::fs::remove_file(socket);
    let listener = UnixListener::bind(socket).unwrap();
    for conn in listener.incoming() {
        let Ok(conn) = conn else { continue };
        std::thread::spawn(move || {
            let _ = connection(conn);
        });
    }
}

fn connection(conn: UnixStream) -> std::io::Result<()> {
    let mut reader = BufReader::with_capacity(256 * 1024, conn.try_clone()?);
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, conn);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        let (mut length, mut chunked) = (0u64, false);
        loop {
            let mut h = String::new();
            reader.read_line(&mut h)?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (k, v) = h.split_once(':').unwrap_or((h, ""));
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
            if k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked") {
                chunked = true;
            }
        }
        let received = discard_body(&mut reader, length, chunked)?;
        let path = target.split('?').next().unwrap_or_default();
        let path = path.split_once("/images/").map_or(path, |(_, p)| p);
        if target.ends_with("/_ping") {
            write!(
                out,
                "HTTP/1.1 200 OK\r\nAPI-Version: 1.41\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
                if method == "HEAD" { 0 } else { 2 }
            )?;
            if method != "HEAD" {
                out.write_all(b"OK")?;
            }
        } else if path.starts_with("create") {
            // `fromImage=replay-N`: the recording N times over.
            let times: usize = target
                .split("replay-")
                .nth(1)
                .and_then(|t| t.split(['&', '%']).next())
                .and_then(|t| t.parse().ok())
                .unwrap_or(1);
            out.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")?;
            for _ in 0..times {
                for message in PULL.lines() {
                    write!(out, "{:x}\r\n{message}\n\r\n", message.len() + 1)?;
                }
            }
            out.write_all(b"0\r\n\r\n")?;
        } else if path.starts_with("get") || path.ends_with("/get") {
            // `names=size-N`: N MiB of tar, in 32 KiB chunks as the engine
            // writes them.
            let mib: u64 = target
                .split("size-")
                .nth(1)
                .and_then(|t| t.split(['&', '/', '%']).next())
                .and_then(|t| t.parse().ok())
                .unwrap_or(1);
            let block = vec![0x5au8; 32 * 1024];
            out.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n")?;
            for _ in 0..mib * 32 {
                write!(out, "{:x}\r\n", block.len())?;
                out.write_all(&block)?;
                out.write_all(b"\r\n")?;
            }
            out.write_all(b"0\r\n\r\n")?;
        } else if path.starts_with("load") {
            let body = format!("{{\"stream\":\"Loaded image: received {received} bytes\\n\"}}\n");
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )?;
        } else {
            let body = r#"{"message":"not in the replay"}"#;
            write!(
                out,
                "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )?;
        }
        out.flush()?;
    }
}

/// Reads and drops a request body; its length.
fn discard_body(r: &mut impl BufRead, length: u64, chunked: bool) -> std::io::Result<u64> {
    if !chunked {
        return std::io::copy(&mut r.take(length), &mut std::io::sink());
    }
    let mut total = 0;
    loop {
        let mut size = String::new();
        r.read_line(&mut size)?;
        let size =
            u64::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
        if size == 0 {
            let mut end = String::new();
            r.read_line(&mut end)?;
            return Ok(total);
        }
        total += std::io::copy(&mut r.take(size), &mut std::io::sink())?;
        let mut crlf = String::new();
        r.read_line(&mut crlf)?;
    }
}

struct Server {
    child: Child,
    socket: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.socket);
    }
}

fn start_server() -> Server {
    let socket = std::env::temp_dir().join(format!(
        "docker-engine-images-bench-{}.sock",
        std::process::id()
    ));
    let child = Command::new(std::env::current_exe().unwrap())
        .arg("serve")
        .arg(&socket)
        .spawn()
        .unwrap();
    let server = Server { child, socket };
    for _ in 0..200 {
        if UnixStream::connect(&server.socket).is_ok() {
            return server;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("the replay server did not start");
}

// ---------------------------------------------------------------------------
// The clients.

fn ours(socket: &Path) -> docker_engine::Docker {
    docker_engine::Docker::builder()
        .host(&format!("unix://{}", socket.display()))
        .unwrap()
        .version(docker_engine::VersionSetting::Fixed(
            docker_engine::versions::ApiVersion::new(1, 41),
        ))
        .build()
        .unwrap()
}

fn bollard(socket: &Path) -> bollard::Docker {
    bollard::Docker::connect_with_unix(socket.to_str().unwrap(), 600, bollard::API_DEFAULT_VERSION)
        .unwrap()
}

/// Pulls `replay-<times>`: the number of messages decoded.
async fn pull_ours(d: &docker_engine::Docker, times: usize) -> usize {
    let mut s = d
        .images()
        .pull(
            &format!("replay-{times}"),
            &docker_engine::images::PullOptions::default(),
        )
        .await
        .unwrap();
    let mut n = 0;
    while let Some(p) = s.next().await {
        std::hint::black_box(p.unwrap());
        n += 1;
    }
    n
}

async fn pull_bollard(d: &bollard::Docker, times: usize) -> usize {
    let opts = bollard::query_parameters::CreateImageOptions {
        from_image: Some(format!("replay-{times}")),
        tag: Some("latest".into()),
        ..Default::default()
    };
    let mut s = d.create_image(Some(opts), None, None);
    let mut n = 0;
    while let Some(p) = s.next().await {
        std::hint::black_box(p.unwrap());
        n += 1;
    }
    n
}

/// In a fresh process: save `mib` MiB to a file and load it back; prints
/// the peak resident memory above the start, in KiB.
fn memory_scenario(who: &str, socket: &Path, mib: u64) {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("saved.tar");
    let name = format!("size-{mib}");
    let base = max_rss_kib();
    rt.block_on(async {
        match who {
            "ours" => {
                let d = ours(socket);
                let written = d.images().save_to_file(&[&name], &file).await.unwrap();
                assert_eq!(written, mib * MIB);
                let done = d
                    .images()
                    .load_file(&file, &docker_engine::images::LoadOptions::default())
                    .await
                    .unwrap()
                    .finish()
                    .await
                    .unwrap();
                assert!(done
                    .output
                    .concat()
                    .contains(&format!("received {}", mib * MIB)));
            }
            "bollard" => {
                use tokio::io::AsyncWriteExt;
                let d = bollard(socket);
                let mut f = tokio::fs::File::create(&file).await.unwrap();
                let mut s = d.export_images(&[&name]);
                let mut written = 0u64;
                while let Some(chunk) = s.next().await {
                    let chunk = chunk.unwrap();
                    written += chunk.len() as u64;
                    f.write_all(&chunk).await.unwrap();
                }
                f.flush().await.unwrap();
                assert_eq!(written, mib * MIB);
                let f = tokio::fs::File::open(&file).await.unwrap();
                let body = tokio_util::io::ReaderStream::new(f);
                let mut s = d.import_image_stream(
                    bollard::query_parameters::ImportImageOptions::default(),
                    body,
                    None,
                );
                let mut text = String::new();
                while let Some(m) = s.next().await {
                    text.push_str(&m.unwrap().stream.unwrap_or_default());
                }
                assert!(text.contains(&format!("received {}", mib * MIB)), "{text}");
            }
            _ => panic!("unknown client {who}"),
        }
    });
    println!("{}", max_rss_kib() - base);
}

fn peak_memory(who: &str, socket: &Path, mib: u64) -> i64 {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["mem", who])
        .arg(socket)
        .arg(mib.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("serve") => return serve(Path::new(&args[1])),
        Some("mem") => {
            return memory_scenario(&args[1], Path::new(&args[2]), args[3].parse().unwrap())
        }
        _ => {}
    }
    let quick = args.iter().any(|a| a == "quick");
    let server = start_server();
    let rt = runtime();
    let (ours_client, bollard_client) = (ours(&server.socket), bollard(&server.socket));
    let per_recording = PULL.lines().count();
    let (times, rounds) = if quick { (200, 5) } else { (2000, 9) };
    let messages = (times * per_recording) as f64;

    // Warm up both (connections, negotiation).
    rt.block_on(async {
        pull_ours(&ours_client, 1).await;
        pull_bollard(&bollard_client, 1).await;
    });
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let run_ours = || {
            let before = cpu_time();
            let n = rt.block_on(pull_ours(&ours_client, times));
            assert_eq!(n, times * per_recording);
            (cpu_time() - before).as_secs_f64() / messages
        };
        let run_bollard = || {
            let before = cpu_time();
            let n = rt.block_on(pull_bollard(&bollard_client, times));
            assert_eq!(n, times * per_recording);
            (cpu_time() - before).as_secs_f64() / messages
        };
        if round % 2 == 0 {
            a.push(run_ours());
            b.push(run_bollard());
        } else {
            b.push(run_bollard());
            a.push(run_ours());
        }
    }
    let (ours_ns, bollard_ns) = (median(a) * 1e9, median(b) * 1e9);
    println!("## Progress messages (CPU time per message decoded, median of {rounds} rounds)");
    println!();
    println!("| stream | messages | this SDK | bollard 0.21.1 | ratio | target |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| pull (recorded, {per_recording} messages × {times}) | {} | {ours_ns:.0} ns | {bollard_ns:.0} ns | {:.2}× | ≤ 0.5× |",
        times * per_recording,
        ours_ns / bollard_ns
    );

    println!();

    let mib = if quick { 256 } else { 1024 };
    let ours_kib = peak_memory("ours", &server.socket, mib);
    let bollard_kib = peak_memory("bollard", &server.socket, mib);
    println!("## Peak memory (VmHWM above the process's start, fresh process each)");
    println!();
    println!("| scenario | this SDK | bollard 0.21.1 | target |");
    println!("|---|---|---|---|");
    println!(
        "| save a {mib} MiB image to a file, load it back | {:.1} MiB | {:.1} MiB | ≤ 16 MiB |",
        ours_kib as f64 / 1024.0,
        bollard_kib as f64 / 1024.0
    );
}
