//! An engine that dies mid-stream: a `dockerd` this test starts (its own
//! socket, pid file, data-root, exec-root and bridge), killed with SIGKILL
//! (with its containerd) while a stream is being read, then started again.
//! For logs followed, events, stats, attach output, exec output, a pull's
//! progress (from the local registry, through a proxy that trickles its
//! answers), and archives in each direction: the stream ends with a typed error (never a
//! hang, never a panic, no partial frame delivered as data); for attach and
//! exec, whose hijacked connection has no end marker, an end between frames
//! is followed by a typed transport error on the next call. The same
//! `Docker` client works again once the engine is back, without being
//! rebuilt.
//!
//! Needs root (dockerd, a bridge); skips loudly elsewhere, fails in CI.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use docker_engine::containers::{
    AttachOptions, ContainerCreate, LogsOptions, RemoveOptions, WaitOptions,
};
use docker_engine::exec::{ExecCreate, ExecStartOptions};
use docker_engine::images::{CommitOptions, PullOptions, PushOptions};
use docker_engine::streams::Body;
use docker_engine::system::EventsOptions;
use docker_engine::{Docker, Error};
use futures_util::{Stream, StreamExt};

use common::{unavailable, IMAGE, LABEL};

/// How long a dead engine may take to show as an error: far above the
/// client's stream-idle timeout, so only a hang fails.
const NEVER_A_HANG: Duration = Duration::from_secs(60);

struct Engine {
    dir: PathBuf,
    bridge: String,
    child: Option<Child>,
}

impl Engine {
    fn socket(&self) -> PathBuf {
        self.dir.join("docker.sock")
    }

    fn start(&mut self) {
        let log = std::fs::File::create(self.dir.join("dockerd.log")).unwrap();
        let child = Command::new("dockerd")
            .arg("--host")
            .arg(format!("unix://{}", self.socket().display()))
            .arg("--pidfile")
            .arg(self.dir.join("dockerd.pid"))
            .arg("--data-root")
            .arg(self.dir.join("data"))
            .arg("--exec-root")
            .arg(self.dir.join("x"))
            .arg("--bridge")
            .arg(&self.bridge)
            .args(["--iptables=false", "--ip-masq=false", "--log-level=warn"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("dockerd starts");
        self.child = Some(child);
    }

    /// SIGKILL, for dockerd and the containerd it started (as a crash of
    /// the engine's host would): no goodbye to any connection. A containerd
    /// left running would keep the next dockerd from starting its own.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let children = Command::new("pgrep")
                .arg("-P")
                .arg(child.id().to_string())
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            let _ = child.kill();
            let _ = child.wait();
            for pid in children.split_whitespace() {
                let _ = Command::new("kill").args(["-9", pid]).status();
            }
            // Its pid file would name a process that is gone (or a zombie
            // nobody reaps), and the next dockerd would wait for it.
            let _ = std::fs::remove_file(self.dir.join("x/containerd/containerd.pid"));
        }
    }

    async fn wait_up(&self, docker: &Docker) {
        for _ in 0..120 {
            if docker.system().ping().await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        panic!(
            "the fault engine did not come up: {}",
            std::fs::read_to_string(self.dir.join("dockerd.log")).unwrap_or_default()
        );
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // A graceful stop, so that its containerd goes too.
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
        // Whatever is left of this engine (a containerd or shims after a
        // failure): every process naming its directory, which is this
        // test's alone; then its mounts, its files, its bridge.
        let _ = Command::new("pkill")
            .args(["-9", "-f", &self.dir.display().to_string()])
            .status();
        std::thread::sleep(Duration::from_millis(500));
        let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
        let mut ours: Vec<&str> = mounts
            .lines()
            .filter_map(|l| l.split(' ').nth(1))
            .filter(|m| m.starts_with(&*self.dir.to_string_lossy()))
            .collect();
        ours.sort_unstable_by(|a, b| b.cmp(a));
        for m in ours {
            let _ = Command::new("umount").args(["-l", m]).status();
        }
        let _ = Command::new("ip")
            .args(["link", "delete", &self.bridge])
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn root_with_dockerd() -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n");
    let dockerd = Command::new("dockerd")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    root && dockerd
}

/// Reads `stream` until it ends; returns how many items were data and the
/// error that ended it.
async fn until_error<S, T, E>(mut stream: S) -> (usize, Option<E>)
where
    S: Stream<Item = Result<T, E>> + Unpin,
{
    let mut items = 0;
    loop {
        match tokio::time::timeout(NEVER_A_HANG, stream.next()).await {
            Err(_) => panic!("the stream hung after the engine died"),
            Ok(None) => return (items, None),
            Ok(Some(Ok(_))) => items += 1,
            Ok(Some(Err(e))) => return (items, Some(e)),
        }
    }
}

/// The error a dead engine's stream ends with: transport, protocol, a
/// frame cut short (decode), or the idle timeout; never anything else.
fn is_dead_engine_error(e: &Error) -> bool {
    matches!(
        e,
        Error::Transport { .. }
            | Error::Protocol { .. }
            | Error::Decode { .. }
            | Error::Timeout { .. }
    )
}

#[tokio::test]
async fn an_engine_killed_mid_stream_is_an_error_and_the_client_recovers() {
    if !root_with_dockerd() {
        unavailable("the fault tests need root and dockerd");
        return;
    }
    let Some(main) = common::docker().await else {
        return;
    };
    let id = std::process::id();
    let dir = PathBuf::from(format!("/tmp/dre-faults-{id}"));
    std::fs::create_dir_all(&dir).unwrap();
    let bridge = format!("dref{}", id % 100_000);
    let ok = |args: &[&str]| {
        assert!(
            Command::new("ip").args(args).status().unwrap().success(),
            "ip {args:?}"
        );
    };
    ok(&["link", "add", &bridge, "type", "bridge"]);
    let mut engine = Engine {
        dir,
        bridge: bridge.clone(),
        child: None,
    };
    ok(&[
        "addr",
        "add",
        &format!("10.{}.{}.1/24", 200 + id % 50, id % 250),
        "dev",
        &bridge,
    ]);
    ok(&["link", "set", &bridge, "up"]);
    engine.start();

    // One client for the whole test, never rebuilt.
    let docker = Docker::builder()
        .host(&format!("unix://{}", engine.socket().display()))
        .unwrap()
        .stream_idle_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    engine.wait_up(&docker).await;

    // The test image, from the main engine.
    let image = main
        .raw_call(async |c| c.image_get(IMAGE, None).await)
        .await
        .unwrap()
        .into_inner();
    let tar = reqwest::Body::wrap_stream(image.into_inner());
    let loaded = docker
        .raw_call(async |c| c.image_load(None, Some(true), tar).await)
        .await
        .unwrap();
    let _ = loaded.into_inner().into_inner().collect::<Vec<_>>().await;

    let running = async |cmd: &[&str]| -> String {
        let spec = ContainerCreate::new(IMAGE)
            .label(LABEL, "true")
            .network_mode("none")
            .cmd(cmd.iter().copied());
        let c = docker.containers().create(&spec).await.unwrap().id;
        docker.containers().start(&c).await.unwrap();
        c
    };

    // Each scenario: a stream in flight, the engine killed, the stream's
    // end checked, the engine back, the same client working.
    for scenario in [
        "logs",
        "events",
        "stats",
        "attach",
        "exec",
        "pull",
        "archive out",
        "archive in",
    ] {
        let chatty = ["sh", "-c", "while true; do echo tick; sleep 0.1; done"];
        let (items, error) = match scenario {
            "logs" => {
                let c = running(&chatty).await;
                let logs = docker
                    .containers()
                    .logs(&c, &LogsOptions::default().follow(true))
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(500)).await;
                engine.kill();
                let (n, e) = until_error(logs).await;
                (n, e)
            }
            "events" => {
                let events = docker
                    .system()
                    .events(&EventsOptions::default())
                    .await
                    .unwrap();
                let _ = running(&["true"]).await;
                tokio::time::sleep(Duration::from_millis(500)).await;
                engine.kill();
                until_error(events).await
            }
            "stats" => {
                let c = running(&["sleep", "600"]).await;
                let stats = docker.containers().stats_stream(&c).await.unwrap();
                tokio::time::sleep(Duration::from_millis(1500)).await;
                engine.kill();
                until_error(stats).await
            }
            "attach" => {
                let c = running(&chatty).await;
                let attached = docker
                    .containers()
                    .attach(&c, &AttachOptions::default().stdout(true).stream(true))
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(500)).await;
                engine.kill();
                until_error(attached.output).await
            }
            "exec" => {
                let c = running(&["sleep", "600"]).await;
                let exec = docker
                    .exec()
                    .create(&c, &ExecCreate::new(chatty))
                    .await
                    .unwrap();
                let started = docker
                    .exec()
                    .start(&exec, &ExecStartOptions::default())
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(500)).await;
                engine.kill();
                until_error(started.output).await
            }
            "pull" => {
                let Some(registry) = common::setup_var("DOCKER_ENGINE_RS_REGISTRY") else {
                    continue;
                };
                let repo = common::unique("docker-engine-rs-test/faults-pull");
                // A layer no other image shares (8 MiB of random bytes),
                // pushed to the registry and removed here, so that pulling
                // it back must download it.
                let c = running(&["sh", "-c", "head -c 8388608 /dev/urandom > /big"]).await;
                docker
                    .containers()
                    .wait(&c, &WaitOptions::default())
                    .await
                    .unwrap();
                let pushed = format!("{registry}/{repo}:1");
                docker
                    .images()
                    .commit(&c, &CommitOptions::default().repo(&pushed))
                    .await
                    .unwrap();
                docker
                    .images()
                    .push(&pushed, &PushOptions::default())
                    .await
                    .unwrap()
                    .finish()
                    .await
                    .unwrap();
                docker
                    .containers()
                    .remove(&c, &RemoveOptions::default().force(true))
                    .await
                    .unwrap();
                docker
                    .images()
                    .remove(&pushed, &Default::default())
                    .await
                    .unwrap();
                let proxy = Trickle::start(&registry).await;
                let through = format!("127.0.0.1:{}/{repo}:1", proxy.port);
                let mut pull = docker
                    .images()
                    .pull(&through, &PullOptions::default())
                    .await
                    .unwrap();
                // Until the layer is downloading, then the kill.
                let mut seen = Vec::new();
                while let Some(p) = tokio::time::timeout(NEVER_A_HANG, pull.next())
                    .await
                    .expect("the pull's progress")
                {
                    let p = p.unwrap();
                    let downloading = p.status.as_deref() == Some("Downloading");
                    seen.extend(p.status);
                    if downloading {
                        break;
                    }
                }
                assert_eq!(
                    seen.last().map(String::as_str),
                    Some("Downloading"),
                    "the pull ended before its download: {seen:?}"
                );
                engine.kill();
                let outcome = until_error(pull).await;
                proxy.stop();
                common::registry::delete_repo(&registry, &repo, None).await;
                outcome
            }
            "archive out" => {
                let c = running(&[
                    "sh",
                    "-c",
                    "dd if=/dev/zero of=/srv/big bs=1M count=256 2>/dev/null; sleep 600",
                ])
                .await;
                tokio::time::sleep(Duration::from_secs(2)).await;
                let (_stat, tar) = docker.containers().archive(&c, "/srv/big").await.unwrap();
                // Read a little, then kill.
                let mut tar = tar;
                let first = tar.next().await;
                assert!(matches!(first, Some(Ok(_))));
                engine.kill();
                until_error(tar).await
            }
            "archive in" => {
                let c = running(&["sleep", "600"]).await;
                // An endless tar body: the engine dies while it is sent.
                let endless = futures_util::stream::repeat_with(|| {
                    Ok::<_, std::io::Error>(bytes::Bytes::from(vec![0u8; 64 * 1024]))
                });
                let containers = docker.containers();
                let opts = Default::default();
                let put = containers.put_archive(&c, "/srv", Body::from_stream(endless), &opts);
                let killer = async {
                    tokio::time::sleep(Duration::from_millis(700)).await;
                    engine.kill();
                };
                let (result, ()) =
                    tokio::time::timeout(NEVER_A_HANG, async { tokio::join!(put, killer) })
                        .await
                        .expect("the upload hung after the engine died");
                (0, result.err())
            }
            _ => unreachable!(),
        };
        // Attach and exec output run on the hijacked connection, bare
        // frames with no end marker: a killed engine closes it as a
        // finished container does, so at a frame boundary the output simply
        // ends (a cut frame is an error). The next call says what happened.
        let hijacked = matches!(scenario, "attach" | "exec");
        match error {
            Some(e) => {
                assert!(is_dead_engine_error(&e), "{scenario}: {e:?}");
                eprintln!("{scenario}: {items} items, then: {e}");
            }
            None if hijacked => {
                let e = docker.system().ping().await.unwrap_err();
                assert!(matches!(e, Error::Transport { .. }), "{scenario}: {e:?}");
            }
            None => panic!("{scenario}: the stream ended as if complete ({items} items)"),
        }

        engine.start();
        engine.wait_up(&docker).await;
        let listed = docker
            .containers()
            .list(&Default::default())
            .await
            .unwrap_or_else(|e| panic!("{scenario}: the client did not recover: {e}"));
        for c in listed {
            if let Some(c) = c.id {
                let _ = docker
                    .containers()
                    .remove(&c, &RemoveOptions::default().force(true))
                    .await;
            }
        }
    }
}

/// A TCP proxy to `upstream` that sends its answers on slowly (8 KiB every
/// 50 ms), so a pull stays in flight long enough to be cut.
struct Trickle {
    port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Trickle {
    async fn start(upstream: &str) -> Trickle {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let upstream = upstream.to_string();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = tokio::net::TcpStream::connect(&upstream).await else {
                    continue;
                };
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
                });
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 8 * 1024];
                    while let Ok(n) = server_read.read(&mut buf).await {
                        if n == 0 || client_write.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                });
            }
        });
        Trickle { port, task }
    }

    fn stop(self) {
        self.task.abort();
    }
}
