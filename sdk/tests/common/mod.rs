//! Shared by the integration tests: the engine (from the environment that
//! `tests/engine/setup.sh` exports) and unique names.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

use docker_engine::Docker;

pub mod fake;
pub mod registry;

/// The test image `tests/engine/setup.sh` builds.
pub const IMAGE: &str = "docker-engine-rs-test/busybox:2";
/// The label on everything the tests create.
pub const LABEL: &str = "org.docker-engine-rs.test";

pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// Fails in CI, skips loudly elsewhere.
pub fn unavailable(what: &str) {
    if in_ci() {
        panic!("{what} (CI needs it: run tests/engine/setup.sh)");
    }
    eprintln!("\n*** SKIPPED: {what}; run `eval \"$(tests/engine/setup.sh)\"` first ***\n");
}

/// An environment variable the setup script exports.
pub fn setup_var(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            unavailable(&format!("{name} is not set"));
            None
        }
    }
}

/// A client for the main engine, configured from the environment.
pub async fn docker() -> Option<Docker> {
    let docker = Docker::from_env().expect("client from the environment");
    match docker.system().ping().await {
        Ok(_) => Some(docker),
        Err(e) => {
            unavailable(&format!("no Docker engine at {} ({e})", docker.host()));
            None
        }
    }
}

pub fn unique(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs `test`, then removes the container `id` (forcefully) whether the
/// test passed, failed or panicked, then reports the outcome. A test that
/// takes more than a minute fails.
pub async fn with_container<F: std::future::Future<Output = ()>>(
    docker: &Docker,
    id: &str,
    test: F,
) {
    use futures_util::FutureExt;
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        std::panic::AssertUnwindSafe(test).catch_unwind(),
    )
    .await;
    let removed = docker
        .containers()
        .remove(
            id,
            &docker_engine::containers::RemoveOptions::default().force(true),
        )
        .await;
    match outcome {
        Err(_) => panic!(
            "test timed out (container {id} removed: {:?})",
            removed.is_ok()
        ),
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Ok(Ok(())) => removed.expect("removing the test container"),
    }
}

/// Everything `tracing` writes (at debug level, with span closes) while it
/// lives, for tests that assert on spans and events.
pub struct Traces {
    buf: TraceBuf,
    _guard: tracing::subscriber::DefaultGuard,
}

#[derive(Clone, Default)]
struct TraceBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for TraceBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for TraceBuf {
    type Writer = TraceBuf;
    fn make_writer(&'a self) -> TraceBuf {
        self.clone()
    }
}

impl Traces {
    /// Starts capturing on this thread.
    pub fn capture() -> Traces {
        Self::capture_at(tracing::Level::DEBUG)
    }

    /// Starts capturing on this thread, everything up to `level`.
    pub fn capture_at(level: tracing::Level) -> Traces {
        let buf = TraceBuf::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(buf.clone())
            .with_max_level(level)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        Traces { buf, _guard: guard }
    }

    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.buf.0.lock().unwrap().clone()).unwrap()
    }
}
