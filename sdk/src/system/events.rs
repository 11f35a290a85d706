//! The engine's events as a typed stream: [`EventsOptions`] (since and
//! until as times or durations, typed filters), [`Event`] (type, action,
//! actor and attributes; unknown types and actions kept).

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};
use crate::filters::Filters;
use crate::models;
use crate::options::options;

pub use docker_engine_raw::enums::{
    EventMessageScope as EventScope, EventMessageType as EventType,
};

/// A point in time for [`EventsOptions::since`] and
/// [`EventsOptions::until`]: an absolute time, or one relative to now (the
/// CLI's `--since 10m`), turned into a Unix time on this machine's clock
/// when the call is made, as the CLI does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timestamp {
    /// This time.
    At(SystemTime),
    /// This long before now.
    Ago(Duration),
    /// This long after now (for `until`: a stream that ends then).
    FromNow(Duration),
}

impl From<SystemTime> for Timestamp {
    fn from(t: SystemTime) -> Self {
        Timestamp::At(t)
    }
}

impl From<Duration> for Timestamp {
    /// A duration is that long ago, as the CLI reads `--since 10m`.
    fn from(d: Duration) -> Self {
        Timestamp::Ago(d)
    }
}

impl Timestamp {
    /// The query value, `seconds.nanoseconds` since the Unix epoch.
    pub(crate) fn to_query(self, now: SystemTime) -> Result<String> {
        let at = match self {
            Timestamp::At(t) => Some(t),
            Timestamp::Ago(d) => now.checked_sub(d),
            Timestamp::FromNow(d) => now.checked_add(d),
        };
        let since_epoch = at
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .ok_or_else(|| Error::invalid_input(format!("{self:?} is before 1970")))?;
        Ok(format!(
            "{}.{:09}",
            since_epoch.as_secs(),
            since_epoch.subsec_nanos()
        ))
    }
}

options! {
    /// Options for [`System::events`](super::System::events): the time
    /// window and filters (values of one filter are alternatives; different
    /// filters must all match).
    pub struct EventsOptions {
        /// Replay events from this time on (without it: only new events).
        since: opt<Timestamp>,
        /// End the stream at this time (without it: run until dropped).
        until: opt<Timestamp>,
        /// Set with the filter setters below.
        filters: field<Filters>,
    }
}

impl EventsOptions {
    /// Only events of objects of this type (`container`, `image`, ...).
    pub fn kind(self, kind: EventType) -> Self {
        self.filter("type", kind.as_str())
    }

    /// Only this action (`start`, `die`, ...; the `event` filter).
    pub fn action(self, action: EventAction) -> Self {
        self.filter("event", action.as_str())
    }

    /// Only events of this container (name or id).
    pub fn container(self, container: impl Into<String>) -> Self {
        self.filter("container", container)
    }

    /// Only events of this image.
    pub fn image(self, image: impl Into<String>) -> Self {
        self.filter("image", image)
    }

    /// Only events of objects with this label (`key` or `key=value`).
    pub fn label(self, label: impl Into<String>) -> Self {
        self.filter("label", label)
    }

    /// Only events of this network.
    pub fn network(self, network: impl Into<String>) -> Self {
        self.filter("network", network)
    }

    /// Only events of this volume.
    pub fn volume(self, volume: impl Into<String>) -> Self {
        self.filter("volume", volume)
    }

    /// Only events of this plugin.
    pub fn plugin(self, plugin: impl Into<String>) -> Self {
        self.filter("plugin", plugin)
    }

    /// Only events of this swarm node.
    pub fn node(self, node: impl Into<String>) -> Self {
        self.filter("node", node)
    }

    /// Only events of this service.
    pub fn service(self, service: impl Into<String>) -> Self {
        self.filter("service", service)
    }

    /// Only events of this secret.
    pub fn secret(self, secret: impl Into<String>) -> Self {
        self.filter("secret", secret)
    }

    /// Only events of this config.
    pub fn config(self, config: impl Into<String>) -> Self {
        self.filter("config", config)
    }

    /// Only events of this daemon (name or id).
    pub fn daemon(self, daemon: impl Into<String>) -> Self {
        self.filter("daemon", daemon)
    }

    /// Only events of this scope.
    pub fn scope(self, scope: EventScope) -> Self {
        self.filter("scope", scope.as_str())
    }

    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

macro_rules! actions {
    ($($variant:ident = $name:literal,)*) => {
        /// What happened, as the engine names it. Open: an action this SDK
        /// does not know is kept whole in [`EventAction::Other`]. Actions
        /// that carry a detail (`exec_start: sh -c ...`, `health_status:
        /// healthy`) are the part before `: `, the rest is
        /// [`Event::action_detail`].
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum EventAction {
            $(#[doc = concat!("`", $name, "`")] $variant,)*
            /// Any other action, as sent.
            Other(String),
        }

        impl EventAction {
            /// The engine's name for it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(EventAction::$variant => $name,)*
                    EventAction::Other(s) => s,
                }
            }

            fn known(name: &str) -> Option<EventAction> {
                match name {
                    $($name => Some(EventAction::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

actions! {
    Attach = "attach",
    Commit = "commit",
    Connect = "connect",
    Copy = "copy",
    Create = "create",
    Delete = "delete",
    Destroy = "destroy",
    Detach = "detach",
    Die = "die",
    Disable = "disable",
    Disconnect = "disconnect",
    Enable = "enable",
    ExecCreate = "exec_create",
    ExecDetach = "exec_detach",
    ExecDie = "exec_die",
    ExecStart = "exec_start",
    Export = "export",
    HealthStatus = "health_status",
    Import = "import",
    Install = "install",
    Kill = "kill",
    Load = "load",
    Mount = "mount",
    Oom = "oom",
    Pause = "pause",
    Prune = "prune",
    Pull = "pull",
    Push = "push",
    Reload = "reload",
    Remove = "remove",
    Rename = "rename",
    Resize = "resize",
    Restart = "restart",
    Save = "save",
    Start = "start",
    Stop = "stop",
    Tag = "tag",
    Top = "top",
    Unmount = "unmount",
    Unpause = "unpause",
    Untag = "untag",
    Update = "update",
}

impl EventAction {
    /// The action and its detail from the engine's `Action`.
    fn parse(action: &str) -> (EventAction, Option<String>) {
        if let Some(a) = EventAction::known(action) {
            return (a, None);
        }
        if let Some((head, detail)) = action.split_once(": ") {
            if let Some(a) = EventAction::known(head) {
                return (a, Some(detail.to_string()));
            }
        }
        (EventAction::Other(action.to_string()), None)
    }
}

impl From<&str> for EventAction {
    fn from(s: &str) -> Self {
        EventAction::parse(s).0
    }
}

impl std::fmt::Display for EventAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One event: what kind of object, what happened to it, which one, and
/// its attributes (a container's name and image and labels, an exit code,
/// ...).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Event {
    /// The kind of object (`Other` for kinds this SDK does not know; empty
    /// if the engine sent none).
    pub kind: EventType,
    /// What happened.
    pub action: EventAction,
    /// What followed `: ` in the engine's action (`exec_start: sh -c ...`).
    pub action_detail: Option<String>,
    /// The object's id (or name, for some kinds).
    pub actor_id: String,
    /// The object's attributes.
    pub attributes: HashMap<String, String>,
    /// `local` or `swarm`.
    pub scope: Option<EventScope>,
    /// When it happened.
    pub time: Option<SystemTime>,
    /// The message as the engine sent it.
    pub message: models::EventMessage,
}

impl From<models::EventMessage> for Event {
    fn from(m: models::EventMessage) -> Self {
        let (action, action_detail) = EventAction::parse(m.action.as_deref().unwrap_or_default());
        let actor = m.actor.clone().unwrap_or_default();
        let time = match (m.time_nano, m.time) {
            (Some(n), _) if n > 0 => Some(UNIX_EPOCH + Duration::from_nanos(n as u64)),
            (_, Some(s)) if s > 0 => Some(UNIX_EPOCH + Duration::from_secs(s as u64)),
            _ => None,
        };
        Event {
            kind: m
                .type_
                .clone()
                .unwrap_or_else(|| EventType::Other(String::new())),
            action,
            action_detail,
            actor_id: actor.id.unwrap_or_default(),
            attributes: actor.attributes.unwrap_or_default(),
            scope: m.scope.clone(),
            time,
            message: m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_known_with_detail_and_unknown() {
        assert_eq!(EventAction::parse("die"), (EventAction::Die, None));
        assert_eq!(
            EventAction::parse("exec_start: sh -c echo"),
            (EventAction::ExecStart, Some("sh -c echo".into()))
        );
        assert_eq!(
            EventAction::parse("teleport: far"),
            (EventAction::Other("teleport: far".into()), None)
        );
        assert_eq!(
            EventAction::from("health_status: healthy"),
            EventAction::HealthStatus
        );
    }

    #[test]
    fn events_decode_with_unknown_kinds_kept() {
        let m: models::EventMessage = serde_json::from_str(
            r#"{"Type":"quantum","Action":"entangle","Actor":{"ID":"q1","Attributes":{"k":"v"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}"#,
        )
        .unwrap();
        let e = Event::from(m);
        assert_eq!(e.kind, EventType::Other("quantum".into()));
        assert_eq!(e.action, EventAction::Other("entangle".into()));
        assert_eq!(e.actor_id, "q1");
        assert_eq!(e.attributes["k"], "v");
        assert_eq!(
            e.time.unwrap().duration_since(UNIX_EPOCH).unwrap(),
            Duration::new(1_700_000_000, 123_456_789)
        );
    }

    #[test]
    fn timestamps_as_the_cli_sends_them() {
        let now = UNIX_EPOCH + Duration::new(1_000, 5);
        assert_eq!(
            Timestamp::Ago(Duration::from_secs(10))
                .to_query(now)
                .unwrap(),
            "990.000000005"
        );
        assert_eq!(
            Timestamp::FromNow(Duration::from_millis(1500))
                .to_query(now)
                .unwrap(),
            "1001.500000005"
        );
        assert_eq!(
            Timestamp::At(UNIX_EPOCH).to_query(now).unwrap(),
            "0.000000000"
        );
        let e = Timestamp::Ago(Duration::from_secs(2000))
            .to_query(now)
            .unwrap_err();
        assert!(matches!(e, Error::InvalidInput { .. }), "{e}");
    }
}
