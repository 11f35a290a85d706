//! This SDK beside bollard, in one run, against a local server that
//! replays canned engine answers over a Unix socket.
//!
//! ```text
//! cargo bench -p docker-engine --bench vs_bollard            # everything (a few minutes)
//! cargo bench -p docker-engine --bench vs_bollard -- quick   # smaller streams
//! cargo bench -p docker-engine --bench vs_bollard -- calls   # the calls only
//! cargo bench -p docker-engine --bench vs_bollard -- streams # the streams only
//! # also the candidate replacements of the SDK's own HTTP/1.1 connections
//! # (hyper's client::conn::http1, HTTP/1.0 requests, the SDK through reqwest):
//! cargo bench -p docker-engine --bench vs_bollard -- streams candidates
//! # the calls with another allocator preloaded in both clients' processes:
//! cargo bench -p docker-engine --bench vs_bollard -- calls preload=/usr/lib/x86_64-linux-gnu/libmimalloc.so.2
//! ```
//!
//! The server runs in a child process, and the clients run on one
//! current-thread runtime, so the CPU time measured (the scheduler's
//! on-CPU time of that thread) is the client's alone.
//! Each measurement alternates which client goes first, round by round,
//! and the median of the rounds is reported. Peak memory is measured in a
//! fresh child process per scenario (`VmHWM`). Output is a Markdown
//! report on stdout.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use futures_util::StreamExt;

const INSPECT: &str = include_str!("../../tests/fixtures/v1.41/container-inspect.json");
const LIST_ITEM: &str = include_str!("../../tests/fixtures/v1.41/container-list.json");
const GIB: u64 = 1 << 30;
const MIB: u64 = 1 << 20;
/// Rounds of each call measurement (one fresh process per client per round).
const CALL_ROUNDS: usize = 7;

/// CPU time of this thread (all client work runs on it: a current-thread
/// runtime), in nanoseconds of on-CPU time from the scheduler.
fn cpu_time() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat")
        .expect("/proc/thread-self/schedstat");
    let nanos: u64 = text
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("schedstat");
    Duration::from_nanos(nanos)
}

/// Peak resident memory of this process, in KiB.
fn max_rss_kib() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

fn rss_kib() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

// ---------------------------------------------------------------------------
// The replay server

mod server {
    use super::*;
    use base64::Engine as _;
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};
    use tokio::net::{UnixListener, UnixStream};

    pub fn serve(socket: &Path) {
        let list = build_list(1000);
        // The fixture is pretty-printed for reading; engines send compact
        // JSON.
        let compact = |text: &str| {
            serde_json::to_string(&serde_json::from_str::<serde_json::Value>(text).unwrap())
                .unwrap()
        };
        let inspect = compact(INSPECT);
        let inspect_tty = compact(&INSPECT.replacen("\"Tty\": false", "\"Tty\": true", 1));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let _ = std::fs::remove_file(socket);
            let listener = UnixListener::bind(socket).unwrap();
            let list = std::sync::Arc::new(list);
            let inspect = std::sync::Arc::new(inspect);
            let inspect_tty = std::sync::Arc::new(inspect_tty);
            loop {
                let (conn, _) = listener.accept().await.unwrap();
                let (list, inspect, inspect_tty) =
                    (list.clone(), inspect.clone(), inspect_tty.clone());
                tokio::spawn(async move {
                    let _ = connection(conn, &list, &inspect, &inspect_tty).await;
                });
            }
        });
    }

    fn build_list(n: usize) -> Vec<u8> {
        let items: serde_json::Value = serde_json::from_str(LIST_ITEM).unwrap();
        let template = items[0].clone();
        let list: Vec<serde_json::Value> = (0..n)
            .map(|i| {
                let mut c = template.clone();
                c["Id"] = format!("{i:064x}").into();
                c["Names"] = serde_json::json!([format!("/bench-{i}")]);
                c
            })
            .collect();
        serde_json::to_vec(&list).unwrap()
    }

    async fn connection(
        conn: UnixStream,
        list: &[u8],
        inspect: &str,
        inspect_tty: &str,
    ) -> std::io::Result<()> {
        let (read, write) = conn.into_split();
        let mut read = BufReader::new(read);
        let mut out = BufWriter::with_capacity(256 * 1024, write);
        loop {
            let mut line = String::new();
            if read.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or_default().to_string();
            let target = parts.next().unwrap_or_default().to_string();
            let http10 = parts.next() == Some("HTTP/1.0");
            let mut length = 0usize;
            let mut chunked = false;
            loop {
                let mut h = String::new();
                read.read_line(&mut h).await?;
                let h = h.trim_end().to_ascii_lowercase();
                if h.is_empty() {
                    break;
                }
                if let Some(v) = h.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if h.starts_with("transfer-encoding:") && h.contains("chunked") {
                    chunked = true;
                }
            }
            // Bodies (archive uploads) are read and dropped.
            if chunked {
                loop {
                    let mut size = String::new();
                    read.read_line(&mut size).await?;
                    let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
                    let mut sink = (&mut read).take(n as u64 + 2);
                    tokio::io::copy(&mut sink, &mut tokio::io::sink()).await?;
                    if n == 0 {
                        break;
                    }
                }
            } else if length > 0 {
                tokio::io::copy(&mut (&mut read).take(length as u64), &mut tokio::io::sink())
                    .await?;
            }
            let path = target.split('?').next().unwrap_or_default();
            let head = method == "HEAD";
            if path.ends_with("/_ping") {
                fixed(&mut out, "text/plain", b"OK", head).await?;
            } else if path.ends_with("/version") {
                fixed(
                    &mut out,
                    "application/json",
                    br#"{"ApiVersion":"1.41","MinAPIVersion":"1.12","Version":"replay"}"#,
                    head,
                )
                .await?;
            } else if path.ends_with("/containers/json") {
                fixed(&mut out, "application/json", list, head).await?;
            } else if path.ends_with("/json") && path.contains("/containers/") {
                let body = if path.contains("/tty") {
                    inspect_tty.as_bytes()
                } else {
                    inspect.as_bytes()
                };
                fixed(&mut out, "application/json", body, head).await?;
            } else if path.ends_with("/logs") {
                let id = path.rsplit('/').nth(1).unwrap_or_default();
                logs(&mut out, id, http10).await?;
                if http10 {
                    // As dockerd: an HTTP/1.0 answer of unknown length ends
                    // with the connection.
                    return Ok(());
                }
            } else if path.ends_with("/archive") && method == "PUT" {
                fixed(&mut out, "text/plain", b"", false).await?;
            } else if path.ends_with("/archive") {
                archive(&mut out).await?;
            } else {
                let msg = format!(r#"{{"message":"replay: no route for {method} {path}"}}"#);
                out.write_all(format!("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{msg}", msg.len()).as_bytes()).await?;
                out.flush().await?;
            }
        }
    }

    async fn fixed<W: AsyncWriteExt + Unpin>(
        out: &mut W,
        content_type: &str,
        body: &[u8],
        head: bool,
    ) -> std::io::Result<()> {
        let headers = format!(
            "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        out.write_all(headers.as_bytes()).await?;
        if !head {
            out.write_all(body).await?;
        }
        out.flush().await
    }

    async fn chunk<W: AsyncWriteExt + Unpin>(out: &mut W, data: &[u8]) -> std::io::Result<()> {
        out.write_all(format!("{:x}\r\n", data.len()).as_bytes())
            .await?;
        out.write_all(data).await?;
        out.write_all(b"\r\n").await
    }

    /// A piece of a log stream: a chunk, or the bytes alone for HTTP/1.0.
    async fn piece<W: AsyncWriteExt + Unpin>(
        out: &mut W,
        data: &[u8],
        http10: bool,
    ) -> std::io::Result<()> {
        if http10 {
            out.write_all(data).await
        } else {
            chunk(out, data).await
        }
    }

    /// Log lines of realistic lengths (40 to 400 bytes), newline-terminated.
    fn lines(total: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(total);
        let mut x: u32 = 12345;
        while v.len() < total {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let len = 40 + (x >> 16) as usize % 360;
            v.extend((0..len).map(|i| b'a' + (i % 26) as u8));
            v.push(b'\n');
        }
        v.truncate(total);
        v
    }

    /// The logs of container `id`, which names the scenario:
    /// `{mux|tty|ttynonl|huge}-{ct|noct}-{bytes}`. Multiplexed logs are one
    /// frame per line and one HTTP chunk per frame, as dockerd 20.10 sends
    /// them; TTY output comes in 16 KiB reads.
    async fn logs<W: AsyncWriteExt + Unpin>(
        out: &mut W,
        id: &str,
        http10: bool,
    ) -> std::io::Result<()> {
        let mut parts = id.split('-');
        let kind = parts.next().unwrap_or_default();
        let with_ct = parts.next() == Some("ct");
        let total: u64 = parts.next().and_then(|n| n.parse().ok()).unwrap_or(MIB);
        let mut headers = if http10 {
            String::from("HTTP/1.0 200 OK\r\nApi-Version: 1.41\r\n")
        } else {
            String::from("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nTransfer-Encoding: chunked\r\n")
        };
        if with_ct {
            let ct = if kind == "mux" || kind == "huge" {
                "application/vnd.docker.multiplexed-stream"
            } else {
                "application/vnd.docker.raw-stream"
            };
            headers.push_str(&format!("Content-Type: {ct}\r\n"));
        }
        headers.push_str("\r\n");
        out.write_all(headers.as_bytes()).await?;
        let mut sent = 0u64;
        match kind {
            "mux" => {
                let text = lines(4 * MIB as usize);
                let mut frames: Vec<Vec<u8>> = Vec::new();
                for (i, line) in text.split_inclusive(|b| *b == b'\n').enumerate() {
                    let mut f = vec![if i % 5 == 4 { 2 } else { 1 }, 0, 0, 0];
                    f.extend_from_slice(&(line.len() as u32).to_be_bytes());
                    f.extend_from_slice(line);
                    frames.push(f);
                }
                'outer: loop {
                    for f in &frames {
                        if sent >= total {
                            break 'outer;
                        }
                        piece(out, f, http10).await?;
                        sent += f.len() as u64 - 8;
                    }
                }
            }
            "tty" | "ttynonl" => {
                let text = if kind == "tty" {
                    lines(4 * MIB as usize)
                } else {
                    vec![b'x'; 4 * MIB as usize]
                };
                'outer: loop {
                    for p in text.chunks(16 * 1024) {
                        if sent >= total {
                            break 'outer;
                        }
                        piece(out, p, http10).await?;
                        sent += p.len() as u64;
                    }
                }
            }
            "huge" => {
                // One frame declaring `total` bytes, delivered in 64 KiB chunks.
                let mut header = vec![1, 0, 0, 0];
                header.extend_from_slice(&(total as u32).to_be_bytes());
                piece(out, &header, http10).await?;
                let block = vec![b'y'; 64 * 1024];
                while sent < total {
                    let n = block.len().min((total - sent) as usize);
                    piece(out, &block[..n], http10).await?;
                    sent += n as u64;
                }
            }
            _ => {}
        }
        if !http10 {
            out.write_all(b"0\r\n\r\n").await?;
        }
        out.flush().await
    }

    /// A tar holding one 1 GiB file of zeros, `big.bin`.
    async fn archive<W: AsyncWriteExt + Unpin>(out: &mut W) -> std::io::Result<()> {
        let size = GIB;
        let stat = serde_json::json!({ "name": "big.bin", "size": size, "mode": 0o644, "mtime": "2024-01-01T00:00:00Z", "linkTarget": "" });
        let stat = base64::engine::general_purpose::STANDARD.encode(stat.to_string());
        let headers = format!(
            "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/x-tar\r\nX-Docker-Container-Path-Stat: {stat}\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
        out.write_all(headers.as_bytes()).await?;
        let mut header = tar::Header::new_gnu();
        header.set_path("big.bin").unwrap();
        header.set_size(size);
        header.set_mode(0o644);
        header.set_cksum();
        chunk(out, header.as_bytes()).await?;
        let zeros = vec![0u8; 64 * 1024];
        let mut sent = 0;
        while sent < size {
            let n = zeros.len().min((size - sent) as usize);
            chunk(out, &zeros[..n]).await?;
            sent += n as u64;
        }
        chunk(out, &[0u8; 1024]).await?;
        out.write_all(b"0\r\n\r\n").await?;
        out.flush().await
    }
}

// ---------------------------------------------------------------------------
// The clients

struct Clients {
    socket: PathBuf,
    ours: docker_engine::Docker,
    bollard: bollard::Docker,
    plain: reqwest::Client,
}

impl Clients {
    fn new(socket: &Path) -> Clients {
        Clients::with_own_http1(socket, true)
    }

    /// `own_http1`: the SDK's own HTTP/1.1 connections (the default), or
    /// reqwest for every request.
    fn with_own_http1(socket: &Path, own_http1: bool) -> Clients {
        let ours = docker_engine::Docker::builder()
            .host(&format!("unix://{}", socket.display()))
            .unwrap()
            .own_http1(own_http1)
            .build()
            .unwrap();
        let bollard = bollard::Docker::connect_with_unix(
            socket.to_str().unwrap(),
            120,
            bollard::API_DEFAULT_VERSION,
        )
        .unwrap();
        let plain = reqwest::Client::builder()
            .unix_socket(socket)
            .use_preconfigured_tls(
                rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
                    rustls::crypto::aws_lc_rs::default_provider(),
                ))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth(),
            )
            .build()
            .unwrap();
        Clients {
            socket: socket.to_path_buf(),
            ours,
            bollard,
            plain,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Ours,
    Bollard,
    Plain,
    /// Candidate: hyper's `client::conn::http1`, HTTP/1.1 (chunked answer),
    /// the SDK's demultiplexer on top.
    Hyper11,
    /// Candidate: the same with an HTTP/1.0 request (close-delimited answer).
    Hyper10,
    /// Candidate: reqwest with an HTTP/1.0 request, the SDK's demultiplexer
    /// on top.
    Reqwest10,
}

/// Candidate: the logs of `id` through hyper's `client::conn::http1` on a
/// connection of their own, demultiplexed by the SDK's `Demux`.
async fn logs_hyper(socket: &Path, id: &str, version: http::Version) -> u64 {
    use http_body_util::BodyExt as _;
    let io = tokio::net::UnixStream::connect(socket).await.unwrap();
    let (mut send, conn) = hyper::client::conn::http1::handshake::<
        _,
        http_body_util::Empty<bytes::Bytes>,
    >(hyper_util::rt::TokioIo::new(io))
    .await
    .unwrap();
    let driver = tokio::spawn(conn);
    let request = http::Request::builder()
        .method("GET")
        .uri(format!(
            "/v1.41/containers/{id}/logs?stdout=true&stderr=true"
        ))
        .version(version)
        .header("Host", "localhost")
        .body(http_body_util::Empty::new())
        .unwrap();
    let response = send.send_request(request).await.unwrap();
    let framing = docker_engine::streams::Framing::from_content_type(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
    )
    .unwrap_or(if id.starts_with("tty") {
        docker_engine::streams::Framing::Raw
    } else {
        docker_engine::streams::Framing::Multiplexed
    });
    let body = response.into_body().into_data_stream();
    let mut s = docker_engine::streams::Demux::new(body, framing);
    let mut total = 0u64;
    while let Some(chunk) = s.next().await {
        total += chunk.unwrap().data.len() as u64;
    }
    drop(s);
    drop(send);
    let _ = driver.await;
    total
}

/// Candidate: the logs of `id` through reqwest with an HTTP/1.0 request.
async fn logs_reqwest10(c: &Clients, id: &str) -> u64 {
    let url = format!("http://localhost/v1.41/containers/{id}/logs?stdout=true&stderr=true");
    let response = c
        .plain
        .get(url)
        .version(http::Version::HTTP_10)
        .send()
        .await
        .unwrap();
    let framing = docker_engine::streams::Framing::from_content_type(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
    )
    .unwrap_or(if id.starts_with("tty") {
        docker_engine::streams::Framing::Raw
    } else {
        docker_engine::streams::Framing::Multiplexed
    });
    let mut s = docker_engine::streams::Demux::new(response.bytes_stream(), framing);
    let mut total = 0u64;
    while let Some(chunk) = s.next().await {
        total += chunk.unwrap().data.len() as u64;
    }
    total
}

async fn ping(c: &Clients, who: Who, n: usize) {
    for _ in 0..n {
        match who {
            Who::Ours => {
                c.ours.system().ping().await.unwrap();
            }
            _ => {
                c.bollard.ping().await.unwrap();
            }
        }
    }
}

async fn inspect(c: &Clients, who: Who, n: usize) {
    for _ in 0..n {
        match who {
            Who::Ours => {
                let v = c.ours.containers().inspect("abc").await.unwrap();
                assert!(v.id.is_some());
            }
            _ => {
                let v = c
                    .bollard
                    .inspect_container(
                        "abc",
                        None::<bollard::query_parameters::InspectContainerOptions>,
                    )
                    .await
                    .unwrap();
                assert!(v.id.is_some());
            }
        }
    }
}

async fn list(c: &Clients, who: Who, n: usize) {
    for _ in 0..n {
        let len = match who {
            Who::Ours => c
                .ours
                .containers()
                .list(&docker_engine::containers::ListOptions::default().all(true))
                .await
                .unwrap()
                .len(),
            _ => {
                let opts = bollard::query_parameters::ListContainersOptionsBuilder::default()
                    .all(true)
                    .build();
                c.bollard.list_containers(Some(opts)).await.unwrap().len()
            }
        };
        assert_eq!(len, 1000);
    }
}

/// Reads the logs of `id` to the end; returns the payload bytes seen.
async fn logs(c: &Clients, who: Who, id: &str) -> u64 {
    let mut total = 0u64;
    match who {
        Who::Ours => {
            let mut s = c
                .ours
                .containers()
                .logs(id, &docker_engine::containers::LogsOptions::default())
                .await
                .unwrap();
            while let Some(chunk) = s.next().await {
                total += chunk.unwrap().data.len() as u64;
            }
        }
        Who::Bollard => {
            let opts = bollard::query_parameters::LogsOptionsBuilder::default()
                .stdout(true)
                .stderr(true)
                .build();
            let mut s = c.bollard.logs(id, Some(opts));
            while let Some(item) = s.next().await {
                total += item.unwrap().into_bytes().len() as u64;
            }
        }
        Who::Hyper11 => return logs_hyper(&c.socket, id, http::Version::HTTP_11).await,
        Who::Hyper10 => return logs_hyper(&c.socket, id, http::Version::HTTP_10).await,
        Who::Reqwest10 => return logs_reqwest10(c, id).await,
        Who::Plain => {
            let url =
                format!("http://localhost/v1.41/containers/{id}/logs?stdout=true&stderr=true");
            let mut s = c.plain.get(url).send().await.unwrap().bytes_stream();
            while let Some(chunk) = s.next().await {
                total += chunk.unwrap().len() as u64;
            }
        }
    }
    total
}

// ---------------------------------------------------------------------------
// Measuring

/// CPU time of `f`, per unit.
fn measure<F: FnMut()>(mut f: F, units: f64) -> f64 {
    let before = cpu_time();
    f();
    (cpu_time() - before).as_secs_f64() / units
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs `run(who)` for each client, `rounds` times, alternating the order;
/// returns the median CPU per unit for each.
fn compare(rounds: usize, whos: &[Who], units: f64, mut run: impl FnMut(Who)) -> Vec<f64> {
    let mut results = vec![Vec::new(); whos.len()];
    for round in 0..rounds {
        let order: Vec<usize> = if round % 2 == 0 {
            (0..whos.len()).collect()
        } else {
            (0..whos.len()).rev().collect()
        };
        for i in order {
            results[i].push(measure(|| run(whos[i]), units));
        }
    }
    results.into_iter().map(median).collect()
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
    let socket =
        std::env::temp_dir().join(format!("docker-engine-bench-{}.sock", std::process::id()));
    let child = Command::new(std::env::current_exe().unwrap())
        .arg("serve")
        .arg(&socket)
        .spawn()
        .unwrap();
    // From here on, dropping the guard kills and reaps the server.
    let server = Server { child, socket };
    for _ in 0..200 {
        if std::os::unix::net::UnixStream::connect(&server.socket).is_ok() {
            return server;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("the replay server did not start");
}

/// An allocator library to preload into the processes that measure calls
/// (`preload=<path>` on the command line), to compare the clients under
/// another allocator than the C library's.
static PRELOAD: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Runs this benchmark binary again with `args` (a fresh process); returns
/// what it printed.
fn run_child(args: &[&std::ffi::OsStr]) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(args);
    if let (Some(lib), Some("calls")) = (PRELOAD.get(), args[0].to_str()) {
        command.env("LD_PRELOAD", lib);
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Peak memory of one scenario, in a fresh process.
fn peak_memory(socket: &Path, scenario: &str) -> i64 {
    run_child(&["mem".as_ref(), scenario.as_ref(), socket.as_os_str()])
        .trim()
        .parse()
        .unwrap()
}

fn memory_scenario(scenario: &str, socket: &Path) {
    let c = Clients::new(socket);
    let rt = runtime();
    let base = max_rss_kib();
    rt.block_on(async {
        match scenario {
            "ours-huge-frame" => {
                assert_eq!(logs(&c, Who::Ours, &format!("huge-ct-{GIB}")).await, GIB);
            }
            "bollard-huge-frame" => {
                assert_eq!(logs(&c, Who::Bollard, &format!("huge-ct-{GIB}")).await, GIB);
            }
            "ours-copy-in" => {
                let dir = tempfile::tempdir().unwrap();
                let file = dir.path().join("big.bin");
                std::fs::File::create(&file).unwrap().set_len(GIB).unwrap();
                c.ours
                    .containers()
                    .copy_into("abc", &file, "/tmp")
                    .await
                    .unwrap();
            }
            "ours-copy-out" => {
                let dir = tempfile::tempdir().unwrap();
                c.ours
                    .containers()
                    .copy_out("abc", "/big.bin", dir.path())
                    .await
                    .unwrap();
                assert_eq!(
                    std::fs::metadata(dir.path().join("big.bin")).unwrap().len(),
                    GIB
                );
            }
            other => panic!("unknown scenario {other}"),
        }
    });
    println!("{}", max_rss_kib().max(base));
}

/// Runs `n` calls of one kind with one client, after a tenth as many to
/// warm up (connection, allocator, caches); prints the CPU time per call in
/// nanoseconds and the page faults per call.
///
/// `calls <ours|bollard> <ping|inspect|list> <n> [socket]`: without a
/// socket it starts its own server (handy under `perf` or `valgrind`).
fn calls_in_this_process(args: &[String]) {
    // `reqwest`: this SDK with `own_http1(false)`.
    let who = if args[0] == "ours" || args[0] == "reqwest" {
        Who::Ours
    } else {
        Who::Bollard
    };
    let n: usize = args[2].parse().unwrap();
    let own_server = if args.len() > 3 {
        None
    } else {
        Some(start_server())
    };
    let socket = match &own_server {
        Some(s) => s.socket.clone(),
        None => PathBuf::from(&args[3]),
    };
    let c = Clients::with_own_http1(&socket, args[0] != "reqwest");
    let rt = runtime();
    let run = |n: usize| {
        rt.block_on(async {
            match args[1].as_str() {
                "ping" => ping(&c, who, n).await,
                "inspect" => inspect(&c, who, n).await,
                _ => list(&c, who, n).await,
            }
        })
    };
    run(n.div_ceil(10));
    let faults = || -> u64 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
        let after_name = &stat[stat.rfind(')').unwrap() + 2..];
        after_name.split(' ').nth(7).unwrap().parse().unwrap()
    };
    let faults_before = faults();
    let cpu = measure(|| run(n), n as f64);
    println!(
        "{:.0} {:.2}",
        cpu * 1e9,
        (faults() - faults_before) as f64 / n as f64
    );
}

/// CPU time per call (seconds) and page faults per call of one client in a
/// fresh process, so that neither client runs on a heap the other shaped.
fn calls_in_child(socket: &Path, who: &str, call: &str, n: usize) -> (f64, f64) {
    let n = n.to_string();
    let text = run_child(&[
        "calls".as_ref(),
        who.as_ref(),
        call.as_ref(),
        n.as_ref(),
        socket.as_os_str(),
    ]);
    let mut parts = text.split_whitespace().map(|p| p.parse::<f64>().unwrap());
    (parts.next().unwrap() / 1e9, parts.next().unwrap())
}

/// Load, in a fresh process: 1,000 concurrent inspects on one client
/// (clones of it, one task each); prints the wall time and the errors.
fn burst(who: &str, socket: &Path) {
    let c = Clients::new(socket);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // Warm: negotiated, a connection open.
        let _ = c.ours.containers().inspect("abc").await;
        let _ = c
            .bollard
            .inspect_container(
                "abc",
                None::<bollard::query_parameters::InspectContainerOptions>,
            )
            .await;
        let started = Instant::now();
        let mut tasks = Vec::with_capacity(1000);
        for _ in 0..1000 {
            if who == "ours" {
                let d = c.ours.clone();
                tasks.push(tokio::spawn(async move {
                    d.containers().inspect("abc").await.is_ok()
                }));
            } else {
                let d = c.bollard.clone();
                tasks.push(tokio::spawn(async move {
                    d.inspect_container(
                        "abc",
                        None::<bollard::query_parameters::InspectContainerOptions>,
                    )
                    .await
                    .is_ok()
                }));
            }
        }
        let mut errors = 0;
        for t in tasks {
            if !t.await.unwrap_or(false) {
                errors += 1;
            }
        }
        println!("{} {errors}", started.elapsed().as_secs_f64());
    });
}

/// Soak, in a fresh process: `kind` is `calls` (100,000 sequential
/// inspects) or `logs` (a 10 GiB log stream); prints the resident memory
/// (KiB) at the start, the middle and the end.
fn soak(who: &str, kind: &str, socket: &Path) {
    let c = Clients::new(socket);
    let rt = runtime();
    let ours = who == "ours";
    rt.block_on(async {
        let _ = c.ours.system().ping().await;
        let mut samples = Vec::new();
        match kind {
            "calls" => {
                const N: usize = 100_000;
                for i in 0..N {
                    if i == 1_000 || i == N / 2 {
                        samples.push(rss_kib());
                    }
                    if ours {
                        c.ours.containers().inspect("abc").await.unwrap();
                    } else {
                        c.bollard
                            .inspect_container(
                                "abc",
                                None::<bollard::query_parameters::InspectContainerOptions>,
                            )
                            .await
                            .unwrap();
                    }
                }
            }
            _ => {
                const TOTAL: u64 = 10 * GIB;
                let id = format!("mux-ct-{TOTAL}");
                let mut seen = 0u64;
                let mut next_sample = GIB / 10;
                if ours {
                    let mut s = c
                        .ours
                        .containers()
                        .logs(&id, &docker_engine::containers::LogsOptions::default())
                        .await
                        .unwrap();
                    while let Some(chunk) = s.next().await {
                        seen += chunk.unwrap().data.len() as u64;
                        if seen >= next_sample && samples.len() < 2 {
                            samples.push(rss_kib());
                            next_sample = TOTAL / 2;
                        }
                    }
                } else {
                    let opts = bollard::query_parameters::LogsOptionsBuilder::default()
                        .stdout(true)
                        .stderr(true)
                        .build();
                    let mut s = c.bollard.logs(&id, Some(opts));
                    while let Some(item) = s.next().await {
                        seen += item.unwrap().into_bytes().len() as u64;
                        if seen >= next_sample && samples.len() < 2 {
                            samples.push(rss_kib());
                            next_sample = TOTAL / 2;
                        }
                    }
                }
                assert_eq!(seen, TOTAL);
            }
        }
        samples.push(rss_kib());
        println!("{} {} {}", samples[0], samples[1], samples[2]);
    });
}

fn load_report(socket: &Path, row: &mut impl FnMut(String)) {
    row(String::new());
    row("## Load (fresh process per client and scenario)".into());
    row(String::new());
    row("| scenario | this SDK | bollard 0.21.1 | goal |".into());
    row("|---|---|---|---|".into());
    let burst_of = |who: &str| -> (f64, usize) {
        let out = run_child(&["burst".as_ref(), who.as_ref(), socket.as_os_str()]);
        let mut it = out.split_whitespace();
        (
            it.next().unwrap().parse().unwrap(),
            it.next().unwrap().parse().unwrap(),
        )
    };
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let (mut ours_err, mut theirs_err) = (0, 0);
    for round in 0..5 {
        let order = if round % 2 == 0 {
            ["ours", "bollard"]
        } else {
            ["bollard", "ours"]
        };
        for who in order {
            let (t, e) = burst_of(who);
            if who == "ours" {
                ours.push(t);
                ours_err += e;
            } else {
                theirs.push(t);
                theirs_err += e;
            }
        }
    }
    let (o, t) = (median(ours), median(theirs));
    row(format!(
        "| 1,000 concurrent inspects on one client: wall time (median of 5), errors in all rounds | {:.1} ms, {ours_err} errors | {:.1} ms, {theirs_err} errors ({:.2}x) | 0 errors |",
        o * 1e3,
        t * 1e3,
        o / t
    ));
    for (kind, what) in [
        ("calls", "100,000 sequential inspects"),
        ("logs", "a 10 GiB log stream"),
    ] {
        let sample = |who: &str| -> Vec<i64> {
            run_child(&[
                "soak".as_ref(),
                who.as_ref(),
                kind.as_ref(),
                socket.as_os_str(),
            ])
            .split_whitespace()
            .map(|v| v.parse().unwrap())
            .collect()
        };
        let (a, b) = (sample("ours"), sample("bollard"));
        let show = |v: &[i64]| {
            format!(
                "RSS {} / {} / {} KiB (end − start: {:+} KiB)",
                v[0],
                v[1],
                v[2],
                v[2] - v[0]
            )
        };
        row(format!(
            "| {what}: start / middle / end | {} | {} | flat within 1 MiB |",
            show(&a),
            show(&b)
        ));
    }
}

fn main() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("serve") => return server::serve(Path::new(&args[1])),
        Some("mem") => return memory_scenario(&args[1], Path::new(&args[2])),
        Some("soak") => return soak(&args[1], &args[2], Path::new(&args[3])),
        Some("burst") => return burst(&args[1], Path::new(&args[2])),
        Some("calls") if args.len() > 3 => return calls_in_this_process(&args[1..]),
        _ => {}
    }
    let quick = args.iter().any(|a| a == "quick");
    if let Some(lib) = args.iter().find_map(|a| a.strip_prefix("preload=")) {
        assert!(Path::new(lib).exists(), "no allocator library at {lib}");
        PRELOAD.set(lib.to_owned()).unwrap();
        println!("(calls measured with {lib} preloaded)");
    }
    if args.iter().any(|a| a == "load") {
        let server = start_server();
        let mut row = |line: String| println!("{line}");
        load_report(&server.socket, &mut row);
        return;
    }
    // `calls` or `streams` runs only that part.
    let only_calls = args.iter().any(|a| a == "calls");
    let only_streams = args.iter().any(|a| a == "streams");
    let candidates = args.iter().any(|a| a == "candidates");
    let server = start_server();
    let c = Clients::new(&server.socket);
    let rt = runtime();
    let mut report = String::new();
    let mut row = |line: String| {
        println!("{line}");
        report.push_str(&line);
        report.push('\n');
    };
    let started = Instant::now();

    row("## Calls (CPU time per call, median of rounds)".into());
    row(String::new());
    row("| call | this SDK | bollard 0.21.1 | ratio | target | page faults per call (SDK / bollard) |".into());
    row("|---|---|---|---|---|---|".into());
    let (n_ping, n_inspect, n_list) = if quick {
        (500, 300, 10)
    } else {
        (5000, 3000, 60)
    };
    for (name, call, units, target) in [
        ("ping", "ping", n_ping, 0.65),
        ("inspect", "inspect", n_inspect, 0.65),
        ("list (1,000 containers)", "list", n_list, 0.55),
    ] {
        if only_streams {
            break;
        }
        // Each client in its own fresh process, rounds alternating which
        // goes first; the median of the rounds.
        let (mut ours, mut theirs, mut faults) = (Vec::new(), Vec::new(), (0.0, 0.0));
        let mut via_reqwest = Vec::new();
        for round in 0..CALL_ROUNDS {
            let mut order = vec!["ours", "bollard"];
            if candidates {
                order.push("reqwest");
            }
            if round % 2 == 1 {
                order.reverse();
            }
            for who in order {
                let (cpu, f) = calls_in_child(&server.socket, who, call, units);
                match who {
                    "ours" => {
                        ours.push(cpu);
                        faults.0 += f / CALL_ROUNDS as f64;
                    }
                    "bollard" => {
                        theirs.push(cpu);
                        faults.1 += f / CALL_ROUNDS as f64;
                    }
                    _ => via_reqwest.push(cpu),
                }
            }
        }
        let r = [median(ours), median(theirs)];
        if candidates {
            let v = median(via_reqwest);
            row(format!(
                "|   candidate: {name} with own_http1(false) (reqwest): {:.1} µs, {:.2}x bollard |",
                v * 1e6,
                v / r[1]
            ));
        }
        let ratio = r[0] / r[1];
        row(format!(
            "| {name} | {:.1} µs | {:.1} µs | {ratio:.2}x | ≤ {target}x {} | {:.0} / {:.0} |",
            r[0] * 1e6,
            r[1] * 1e6,
            if ratio <= target { "met" } else { "MISSED" },
            faults.0,
            faults.1,
        ));
    }

    if only_calls {
        return;
    }
    let size = if quick { 128 * MIB } else { GIB };
    row(String::new());
    row(format!(
        "## Log streams (CPU seconds per GiB, {} MiB read per run)",
        size / MIB
    ));
    row(String::new());
    row("| stream | this SDK | bollard 0.21.1 | plain read | SDK / bollard | SDK / plain | targets |".into());
    row("|---|---|---|---|---|---|---|".into());
    for (label, kind, target) in [
        ("multiplexed, with Content-Type", "mux-ct", 0.7),
        ("multiplexed, no Content-Type (20.10)", "mux-noct", 0.7),
        ("TTY lines, with Content-Type", "tty-ct", 0.3),
        ("TTY lines, no Content-Type (20.10)", "tty-noct", 0.3),
    ] {
        let id = format!("{kind}-{size}");
        let whos: &[Who] = if candidates {
            &[
                Who::Ours,
                Who::Bollard,
                Who::Plain,
                Who::Hyper11,
                Who::Hyper10,
                Who::Reqwest10,
            ]
        } else {
            &[Who::Ours, Who::Bollard, Who::Plain]
        };
        let per_gib = (size as f64) / (GIB as f64);
        let r = compare(if quick { 1 } else { 3 }, whos, per_gib, |who| {
            let got = rt.block_on(logs(&c, who, &id));
            // The plain read counts frame headers too.
            if who != Who::Plain {
                assert_eq!(got, size, "{who:?} read all of {id}");
            }
        });
        let (vs_b, vs_p) = (r[0] / r[1], r[0] / r[2]);
        row(format!(
            "| {label} | {:.2} s | {:.2} s | {:.2} s | {vs_b:.2}x | {vs_p:.2}x | ≤ {target}x bollard {}, ≤ 1.2x plain {} |",
            r[0],
            r[1],
            r[2],
            if vs_b <= target { "met" } else { "MISSED" },
            if vs_p <= 1.2 { "met" } else { "MISSED" },
        ));
        if candidates {
            row(format!(
                "|   candidate: hyper conn::http1 HTTP/1.1 {:.2} s ({:.2}x bollard, {:.2}x plain); hyper HTTP/1.0 {:.2} s ({:.2}x, {:.2}x); reqwest HTTP/1.0 {:.2} s ({:.2}x, {:.2}x) |",
                r[3], r[3] / r[1], r[3] / r[2], r[4], r[4] / r[1], r[4] / r[2], r[5], r[5] / r[1], r[5] / r[2],
            ));
        }
    }

    if only_streams {
        return;
    }
    row(String::new());
    row("## TTY output with no newline at all (CPU seconds for the whole stream)".into());
    row(String::new());
    row("| bytes | this SDK | bollard 0.21.1 |".into());
    row("|---|---|---|".into());
    let ours_sizes: &[u64] = if quick {
        &[16 * MIB, 64 * MIB]
    } else {
        &[64 * MIB, 256 * MIB]
    };
    for &n in &[MIB, 2 * MIB, 4 * MIB] {
        let id = format!("ttynonl-ct-{n}");
        let ours = measure(|| assert_eq!(rt.block_on(logs(&c, Who::Ours, &id)), n), 1.0);
        let theirs = measure(
            || assert_eq!(rt.block_on(logs(&c, Who::Bollard, &id)), n),
            1.0,
        );
        row(format!(
            "| {} MiB | {:.3} s | {:.3} s |",
            n / MIB,
            ours,
            theirs
        ));
    }
    for &n in ours_sizes {
        let id = format!("ttynonl-ct-{n}");
        let ours = measure(|| assert_eq!(rt.block_on(logs(&c, Who::Ours, &id)), n), 1.0);
        row(format!(
            "| {} MiB | {:.3} s | (not run: grows with the square of the size) |",
            n / MIB,
            ours
        ));
    }

    row(String::new());
    row("## Peak memory (maximum resident set of a fresh process)".into());
    row(String::new());
    row("| scenario | this SDK | bollard 0.21.1 |".into());
    row("|---|---|---|".into());
    let ours = peak_memory(&server.socket, "ours-huge-frame");
    let theirs = peak_memory(&server.socket, "bollard-huge-frame");
    row(format!(
        "| logs: one frame declaring 1 GiB | {} MiB | {} MiB |",
        ours / 1024,
        theirs / 1024
    ));
    row(format!(
        "| copy a 1 GiB file into a container | {} MiB | (no such helper) |",
        peak_memory(&server.socket, "ours-copy-in") / 1024
    ));
    row(format!(
        "| copy a 1 GiB file out of a container | {} MiB | (no such helper) |",
        peak_memory(&server.socket, "ours-copy-out") / 1024
    ));
    row(String::new());
    row(format!(
        "(measured in {:.0} s)",
        started.elapsed().as_secs_f64()
    ));
    let _ = std::io::stdout().flush();
    drop(server);
}
