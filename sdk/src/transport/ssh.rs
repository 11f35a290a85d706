//! Reaching an engine over ssh, as the Docker CLI does: for each
//! connection, run `ssh [-l user] [-p port] host -- docker system
//! dial-stdio` and speak HTTP over its stdin and stdout.
//!
//! The HTTP client connects to a private Unix socket in a fresh 0700
//! directory; each connection accepted there gets its own ssh process,
//! which lives as long as the connection (the HTTP client keeps idle
//! connections for reuse, so one process serves many requests). The user's
//! ssh configuration, agent and known hosts apply; ssh runs in batch mode,
//! so it never prompts.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::AsyncReadExt;
use tokio::net::{UnixListener, UnixStream};
use tokio::process::Command;
use tokio::task::JoinHandle;

use crate::error::{Error, Result};

/// The ssh side of a client: the private socket and, once started, the
/// task accepting connections on it.
#[derive(Debug)]
pub(crate) struct SshBridge {
    dir: PathBuf,
    socket: PathBuf,
    argv: Vec<String>,
    task: Mutex<Option<JoinHandle<()>>>,
    last_error: Arc<Mutex<Option<String>>>,
}

impl SshBridge {
    /// Prepares the bridge (a private directory for the socket); nothing
    /// runs until [`SshBridge::ensure_started`].
    pub(crate) fn new(
        user: Option<&str>,
        host: &str,
        port: Option<u16>,
        program: &str,
    ) -> Result<SshBridge> {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "docker-engine-ssh-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        create_private_dir(&dir)?;
        let mut argv = vec![program.to_string(), "-o".into(), "BatchMode=yes".into()];
        if let Some(user) = user {
            argv.extend(["-l".to_string(), user.to_string()]);
        }
        if let Some(port) = port {
            argv.extend(["-p".to_string(), port.to_string()]);
        }
        argv.extend([
            "--".to_string(),
            host.to_string(),
            "docker".into(),
            "system".into(),
            "dial-stdio".into(),
        ]);
        Ok(SshBridge {
            socket: dir.join("docker.sock"),
            dir,
            argv,
            task: Mutex::new(None),
            last_error: Arc::new(Mutex::new(None)),
        })
    }

    /// The Unix socket the HTTP client connects to.
    pub(crate) fn socket(&self) -> &Path {
        &self.socket
    }

    /// The ssh command line, for messages.
    pub(crate) fn command_line(&self) -> String {
        self.argv.join(" ")
    }

    /// What ssh last wrote to stderr before exiting with an error.
    pub(crate) fn last_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|e| e.clone())
    }

    /// Starts accepting connections (once; needs a Tokio runtime).
    pub(crate) fn ensure_started(&self) -> Result<()> {
        let mut task = self
            .task
            .lock()
            .map_err(|_| Error::transport("ssh bridge", "lock poisoned"))?;
        if task.as_ref().is_some_and(|t| !t.is_finished()) {
            return Ok(());
        }
        let _ = std::fs::remove_file(&self.socket);
        let listener = UnixListener::bind(&self.socket)
            .map_err(|e| Error::transport(format!("binding {}", self.socket.display()), e))?;
        let argv = self.argv.clone();
        let last_error = self.last_error.clone();
        *task = Some(tokio::spawn(async move {
            loop {
                let Ok((conn, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(pipe(conn, argv.clone(), last_error.clone()));
            }
        }));
        Ok(())
    }
}

impl Drop for SshBridge {
    fn drop(&mut self) {
        if let Ok(mut task) = self.task.lock() {
            if let Some(t) = task.take() {
                t.abort();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::transport(format!("creating {}", dir.display()), e))
}

/// Copies one accepted connection to and from a new ssh process.
async fn pipe(mut conn: UnixStream, argv: Vec<String>, last_error: Arc<Mutex<Option<String>>>) {
    let Some((program, args)) = argv.split_first() else {
        *last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some("no ssh command".into());
        return;
    };
    let mut child = match Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            *last_error.lock().unwrap_or_else(|p| p.into_inner()) =
                Some(format!("cannot run {program}: {e}"));
            return;
        }
    };
    let (Some(stdin), Some(stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return;
    };
    let errors = tokio::spawn(async move {
        let mut text = String::new();
        let _ = (&mut stderr)
            .take(16 * 1024)
            .read_to_string(&mut text)
            .await;
        text
    });
    let mut remote = tokio::io::join(stdout, stdin);
    // Ends when either side closes; a half-close is passed on as EOF.
    let _ = tokio::io::copy_bidirectional(&mut conn, &mut remote).await;
    drop(remote);
    let status = child.wait().await;
    if let (Ok(status), Ok(text)) = (status, errors.await) {
        if !status.success() && !text.trim().is_empty() {
            *last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(text.trim().to_string());
        }
    }
}
