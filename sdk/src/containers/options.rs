//! Options of the container endpoints: structs with `Default` and
//! chainable setters. What is left unset is not sent (the engine's default
//! applies).

use std::time::Duration;

#[allow(unused_imports)] // for rustdoc links
use super::Containers;
use crate::filters::Filters;

/// Options for [`Containers::list`].
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ListOptions {
    pub(super) all: bool,
    pub(super) limit: Option<i64>,
    pub(super) size: bool,
    pub(super) filters: Filters,
}

impl ListOptions {
    /// Include stopped containers.
    pub fn all(mut self, yes: bool) -> Self {
        self.all = yes;
        self
    }

    /// Only the `n` most recently created.
    pub fn limit(mut self, n: i64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Include sizes (slower).
    pub fn size(mut self, yes: bool) -> Self {
        self.size = yes;
        self
    }

    /// Only containers with this status: `created`, `restarting`,
    /// `running`, `removing`, `paused`, `exited`, `dead`.
    pub fn status(mut self, status: impl Into<String>) -> Self {
        self.filters = self.filters.add("status", status);
        self
    }

    /// Only containers with this label (`key` or `key=value`).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.filters = self.filters.add("label", label);
        self
    }

    /// Only containers whose name matches.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.filters = self.filters.add("name", name);
        self
    }

    /// Only containers of this image (or its descendants).
    pub fn ancestor(mut self, image: impl Into<String>) -> Self {
        self.filters = self.filters.add("ancestor", image);
        self
    }

    /// Only containers that exited with this code.
    pub fn exited(mut self, code: i32) -> Self {
        self.filters = self.filters.add("exited", code.to_string());
        self
    }

    /// Only this id (or id prefix).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.filters = self.filters.add("id", id);
        self
    }

    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

/// Options for [`Containers::stop`] and [`Containers::restart`].
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct StopOptions {
    pub(super) timeout: Option<i64>,
    pub(super) signal: Option<String>,
}

impl StopOptions {
    /// Seconds to wait before killing (the engine's default otherwise).
    pub fn timeout(mut self, seconds: i64) -> Self {
        self.timeout = Some(seconds);
        self
    }

    /// The signal to stop with (API 1.42+).
    pub fn signal(mut self, signal: impl Into<String>) -> Self {
        self.signal = Some(signal.into());
        self
    }
}

/// Which state change [`Containers::wait`] waits for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WaitCondition {
    /// The container is not running (returns at once if it is not).
    #[default]
    NotRunning,
    /// The next time the container exits (API 1.30+).
    NextExit,
    /// The container is removed (API 1.30+).
    Removed,
}

/// Options for [`Containers::logs`]; both outputs by default.
#[derive(Clone, Debug)]
#[must_use]
pub struct LogsOptions {
    pub(super) follow: bool,
    pub(super) stdout: bool,
    pub(super) stderr: bool,
    pub(super) since: Option<i64>,
    pub(super) until: Option<i64>,
    pub(super) timestamps: bool,
    pub(super) tail: Option<String>,
}

impl Default for LogsOptions {
    fn default() -> Self {
        LogsOptions {
            follow: false,
            stdout: true,
            stderr: true,
            since: None,
            until: None,
            timestamps: false,
            tail: None,
        }
    }
}

impl LogsOptions {
    /// Keep streaming new output until the container stops.
    pub fn follow(mut self, follow: bool) -> Self {
        self.follow = follow;
        self
    }

    /// Include stdout (default yes).
    pub fn stdout(mut self, yes: bool) -> Self {
        self.stdout = yes;
        self
    }

    /// Include stderr (default yes).
    pub fn stderr(mut self, yes: bool) -> Self {
        self.stderr = yes;
        self
    }

    /// Only output since this Unix time.
    pub fn since(mut self, unix_seconds: i64) -> Self {
        self.since = Some(unix_seconds);
        self
    }

    /// Only output before this Unix time.
    pub fn until(mut self, unix_seconds: i64) -> Self {
        self.until = Some(unix_seconds);
        self
    }

    /// Prefix each line with its timestamp.
    pub fn timestamps(mut self, yes: bool) -> Self {
        self.timestamps = yes;
        self
    }

    /// Only the last `n` lines.
    pub fn tail(mut self, n: usize) -> Self {
        self.tail = Some(n.to_string());
        self
    }
}

/// Options for [`Containers::attach`], [`Containers::attach_output`] and
/// [`Containers::attach_websocket`]: output streams by default.
#[derive(Clone, Debug)]
#[must_use]
pub struct AttachOptions {
    pub(super) stdin: bool,
    pub(super) stdout: bool,
    pub(super) stderr: bool,
    pub(super) logs: bool,
    pub(super) stream: bool,
    pub(super) detach_keys: Option<String>,
}

impl Default for AttachOptions {
    fn default() -> Self {
        AttachOptions {
            stdin: false,
            stdout: true,
            stderr: true,
            logs: false,
            stream: true,
            detach_keys: None,
        }
    }
}

impl AttachOptions {
    /// Attach stdin too.
    pub fn stdin(mut self, yes: bool) -> Self {
        self.stdin = yes;
        self
    }

    /// Attach stdout (default yes).
    pub fn stdout(mut self, yes: bool) -> Self {
        self.stdout = yes;
        self
    }

    /// Attach stderr (default yes).
    pub fn stderr(mut self, yes: bool) -> Self {
        self.stderr = yes;
        self
    }

    /// Replay the output so far before the live stream.
    pub fn logs(mut self, yes: bool) -> Self {
        self.logs = yes;
        self
    }

    /// Stream what the container writes from now on (default yes). With
    /// `stream(false)` and [`AttachOptions::logs`], the output ends after
    /// what was written so far, while the container goes on running
    /// ([`Containers::attach_output`] collects it).
    pub fn stream(mut self, yes: bool) -> Self {
        self.stream = yes;
        self
    }

    /// The key sequence that detaches (default: `detachKeys` from the CLI
    /// configuration, if any).
    pub fn detach_keys(mut self, keys: impl Into<String>) -> Self {
        self.detach_keys = Some(keys.into());
        self
    }
}

/// Options for [`Containers::remove`].
#[derive(Clone, Copy, Debug, Default)]
#[must_use]
pub struct RemoveOptions {
    pub(super) force: bool,
    pub(super) volumes: bool,
    pub(super) link: bool,
}

impl RemoveOptions {
    /// Kill it first if it is running.
    pub fn force(mut self, yes: bool) -> Self {
        self.force = yes;
        self
    }

    /// Remove its anonymous volumes too.
    pub fn volumes(mut self, yes: bool) -> Self {
        self.volumes = yes;
        self
    }

    /// Remove a legacy link instead of the container.
    pub fn link(mut self, yes: bool) -> Self {
        self.link = yes;
        self
    }
}

/// Options for [`Containers::top`].
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct TopOptions {
    pub(super) ps_args: Option<String>,
}

impl TopOptions {
    /// Arguments to `ps` (`aux`; the engine's default is `-ef`).
    pub fn ps_args(mut self, args: impl Into<String>) -> Self {
        self.ps_args = Some(args.into());
        self
    }
}

/// Options for [`Containers::kill`].
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct KillOptions {
    pub(super) signal: Option<String>,
}

impl KillOptions {
    /// The signal (`SIGINT`, `HUP`, `9`; the engine's default is `SIGKILL`).
    pub fn signal(mut self, signal: impl Into<String>) -> Self {
        self.signal = Some(signal.into());
        self
    }
}

/// Options for [`Containers::stats`].
#[derive(Clone, Copy, Debug, Default)]
#[must_use]
pub struct StatsOptions {
    pub(super) one_shot: bool,
}

impl StatsOptions {
    /// Answer at once, without the second sample the engine otherwise takes
    /// to measure CPU use (API 1.41+).
    pub fn one_shot(mut self, yes: bool) -> Self {
        self.one_shot = yes;
        self
    }
}

/// Options for [`Containers::wait`].
#[derive(Clone, Copy, Debug, Default)]
#[must_use]
pub struct WaitOptions {
    pub(super) condition: WaitCondition,
}

impl WaitOptions {
    /// What to wait for (default: not running, which every API version
    /// knows; the others need API 1.30).
    pub fn condition(mut self, condition: WaitCondition) -> Self {
        self.condition = condition;
        self
    }
}

/// Options for [`Containers::prune`].
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct PruneOptions {
    pub(super) filters: Filters,
}

impl PruneOptions {
    /// Only containers with this label (`key` or `key=value`).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.filters = self.filters.add("label", label);
        self
    }

    /// Only containers created more than `age` ago (the `until` filter).
    pub fn older_than(mut self, age: Duration) -> Self {
        self.filters = self.filters.add("until", format!("{}s", age.as_secs()));
        self
    }

    /// Any other filter the engine knows (`label!`, ...).
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

/// A TTY size in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TtySize {
    /// Rows.
    pub height: u16,
    /// Columns.
    pub width: u16,
}
