//! Options of the container endpoints (declared with `options!`: `Default`,
//! chainable setters). What is left unset is not sent (the engine's default
//! applies).

use std::time::Duration;

#[allow(unused_imports)] // for rustdoc links
use super::Containers;
use crate::filters::Filters;
use crate::options::options;

options! {
    /// Options for [`Containers::list`].
    pub struct ListOptions {
        /// Include stopped containers.
        all: flag,
        /// Only the `n` most recently created.
        limit: opt<i64>,
        /// Include sizes (slower).
        size: flag,
        /// Ids shortened to 12 digits as the CLI shows them (docker-py's
        /// `trunc`).
        trunc: flag,
        /// Set with the filter setters below.
        filters: field<Filters>,
    }
}

impl ListOptions {
    /// Only containers with this status: `created`, `restarting`,
    /// `running`, `removing`, `paused`, `exited`, `dead`.
    pub fn status(self, status: impl Into<String>) -> Self {
        self.filter("status", status)
    }

    /// Only containers with this label (`key` or `key=value`).
    pub fn label(self, label: impl Into<String>) -> Self {
        self.filter("label", label)
    }

    /// Only containers whose name matches.
    pub fn name(self, name: impl Into<String>) -> Self {
        self.filter("name", name)
    }

    /// Only containers of this image (or its descendants).
    pub fn ancestor(self, image: impl Into<String>) -> Self {
        self.filter("ancestor", image)
    }

    /// Only containers that exited with this code.
    pub fn exited(self, code: i32) -> Self {
        self.filter("exited", code.to_string())
    }

    /// Only this id (or id prefix).
    pub fn id(self, id: impl Into<String>) -> Self {
        self.filter("id", id)
    }

    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

options! {
    /// Options for [`Containers::stop`] and [`Containers::restart`].
    pub struct StopOptions {
        /// Seconds to wait before killing (the engine's default otherwise).
        timeout: opt<i64>,
        /// The signal to stop with (API 1.42+).
        signal: opt<String>,
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

options! {
    /// Options for [`Containers::logs`]; both outputs by default.
    pub struct LogsOptions {
        /// Keep streaming new output until the container stops.
        follow: flag,
        /// Include stdout (default yes).
        stdout: flag = true,
        /// Include stderr (default yes).
        stderr: flag = true,
        /// Only output since this Unix time.
        since: opt<i64>,
        /// Only output before this Unix time (API 1.35+).
        until: opt<i64>,
        /// Prefix each line with its timestamp.
        timestamps: flag,
        /// Set with [`LogsOptions::tail`].
        tail: field<Option<String>>,
    }
}

impl LogsOptions {
    /// Only the last `n` lines.
    pub fn tail(mut self, n: usize) -> Self {
        self.tail = Some(n.to_string());
        self
    }
}

options! {
    /// Options for [`Containers::attach`], [`Containers::attach_output`] and
    /// [`Containers::attach_websocket`]: output streams by default.
    pub struct AttachOptions {
        /// Attach stdin too.
        stdin: flag,
        /// Attach stdout (default yes).
        stdout: flag = true,
        /// Attach stderr (default yes).
        stderr: flag = true,
        /// Replay the output so far before the live stream.
        logs: flag,
        /// Stream what the container writes from now on (default yes). With
        /// `stream(false)` and [`AttachOptions::logs`], the output ends after
        /// what was written so far, while the container goes on running
        /// ([`Containers::attach_output`] collects it).
        stream: flag = true,
        /// The key sequence that detaches (default: `detachKeys` from the CLI
        /// configuration, if any).
        detach_keys: opt<String>,
    }
}

options! {
    /// Options for [`Containers::remove`].
    pub struct RemoveOptions {
        /// Kill it first if it is running.
        force: flag,
        /// Remove its anonymous volumes too.
        volumes: flag,
        /// Remove a legacy link instead of the container.
        link: flag,
    }
}

options! {
    /// Options for [`Containers::top`].
    pub struct TopOptions {
        /// Arguments to `ps` (`aux`; the engine's default is `-ef`).
        ps_args: opt<String>,
    }
}

options! {
    /// Options for [`Containers::kill`].
    pub struct KillOptions {
        /// The signal (`SIGINT`, `HUP`, `9`; the engine's default is `SIGKILL`).
        signal: opt<String>,
    }
}

options! {
    /// Options for [`Containers::stats`].
    pub struct StatsOptions {
        /// Answer at once, without the second sample the engine otherwise
        /// takes to measure CPU use (API 1.41+).
        one_shot: flag,
    }
}

options! {
    /// Options for [`Containers::wait`].
    pub struct WaitOptions {
        /// What to wait for (default: not running, which every API version
        /// knows; the others need API 1.30).
        condition: value<WaitCondition>,
    }
}

options! {
    /// Options for [`Containers::prune`].
    pub struct PruneOptions {
        /// Set with the filter setters below.
        filters: field<Filters>,
    }
}

impl PruneOptions {
    /// Only containers with this label (`key` or `key=value`).
    pub fn label(self, label: impl Into<String>) -> Self {
        self.filter("label", label)
    }

    /// Only containers created more than `age` ago (the `until` filter).
    pub fn older_than(self, age: Duration) -> Self {
        self.filter("until", format!("{}s", age.as_secs()))
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
