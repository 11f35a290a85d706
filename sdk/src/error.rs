//! The SDK's one error type.
//!
//! Every failure is an [`Error`]: match on the variant for what happened.
//! Answers from the engine keep their HTTP status and the engine's message;
//! failures caught before sending say what was wrong with the input.
//! `Display` is one short sentence; the underlying cause, where there is
//! one, is the error's `source()`.

use std::fmt;
use std::time::Duration;

use docker_engine_raw::versions::ApiVersion;

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Boxed cause of a transport or decode failure.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// When a timeout ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// Connecting to the engine ([`crate::DockerBuilder::connect_timeout`]).
    Connect,
    /// Waiting for the answer (for streams: its headers)
    /// ([`crate::DockerBuilder::response_timeout`]).
    Answer,
    /// A stream stayed silent ([`crate::DockerBuilder::stream_idle_timeout`]).
    StreamIdle,
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Connect => "connecting",
            TimeoutPhase::Answer => "waiting for the answer",
            TimeoutPhase::StreamIdle => "waiting for stream data",
        })
    }
}

/// What went wrong. New variants may be added, so matches need a `_` arm;
/// variants may gain fields, so patterns need `..`. The accessors
/// ([`Error::operation`], [`Error::status`], [`Error::engine_message`],
/// [`Error::timeout_phase`]) work across variants.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 404: the container, image, network, ... does not exist.
    #[error("{operation}: not found: {message}")]
    #[non_exhaustive]
    NotFound {
        /// The operation, e.g. `ContainerInspect`.
        operation: &'static str,
        /// The engine's message.
        message: String,
    },

    /// 409: the request conflicts with the object's state (a name in use,
    /// a running container to remove, ...).
    #[error("{operation}: conflict: {message}")]
    #[non_exhaustive]
    Conflict {
        /// The operation.
        operation: &'static str,
        /// The engine's message.
        message: String,
    },

    /// 304: nothing to do (where the SDK does not turn it into a value, as
    /// it does for starting a started container).
    #[error("{operation}: not modified")]
    #[non_exhaustive]
    NotModified {
        /// The operation.
        operation: &'static str,
    },

    /// 401 or 403: the engine or a registry refused the credentials or the
    /// action.
    #[error("{operation}: not authorized ({status}): {message}")]
    #[non_exhaustive]
    Unauthorized {
        /// The operation.
        operation: &'static str,
        /// 401 or 403.
        status: u16,
        /// The engine's message.
        message: String,
    },

    /// 400: the engine rejected a parameter or body.
    #[error("{operation}: invalid argument: {message}")]
    #[non_exhaustive]
    InvalidArgument {
        /// The operation.
        operation: &'static str,
        /// The engine's message.
        message: String,
    },

    /// Any other error status, 5xx in particular.
    #[error("{operation}: engine error ({status}): {message}")]
    #[non_exhaustive]
    Engine {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The engine's message.
        message: String,
    },

    /// The engine reported a failure inside an answer it had begun as a
    /// success: a system-error frame in exec or attach output, an error
    /// item in a progress stream.
    #[error("the engine reported an error in the stream: {message}")]
    #[non_exhaustive]
    InStream {
        /// The engine's message.
        message: String,
        /// The engine's error code, where it sent one (a progress
        /// stream's `errorDetail.code`: a build step's exit code, say).
        code: Option<i64>,
        /// What the stream said before the failure, where the SDK kept it
        /// (a build's output, the status lines of a pull): filled in by
        /// [`ProgressStream::finish`](crate::progress::ProgressStream::finish).
        output: Vec<String>,
    },

    /// An archive from the engine held an entry that would have landed
    /// outside the destination (an absolute path, `..`, a link pointing
    /// out) or a device file: it was not written, and the copy stopped.
    #[error("unsafe archive entry `{entry}`: {reason}")]
    #[non_exhaustive]
    UnsafeArchive {
        /// The entry's path as the archive names it.
        entry: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The negotiated API version lacks an operation, parameter or field
    /// that the call uses. Nothing was sent: the engine would have ignored
    /// it silently.
    #[error("{what} needs API {}, but the engine speaks {negotiated}", needs(*since, *until))]
    #[non_exhaustive]
    UnsupportedByVersion {
        /// What was used, e.g. `parameter signal of ContainerStop`.
        what: String,
        /// The first version with it.
        since: ApiVersion,
        /// The first version without it again, if it was removed.
        until: Option<ApiVersion>,
        /// The version in use with this engine.
        negotiated: ApiVersion,
    },

    /// The engine and this SDK have no API version in common, or a pinned
    /// version is outside what the engine accepts.
    #[error("API version mismatch: {detail}")]
    #[non_exhaustive]
    VersionMismatch {
        /// Both sides' versions, in words.
        detail: String,
        /// The version this client asked for or supports up to.
        client: ApiVersion,
        /// The engine's newest version, when known.
        engine_max: Option<ApiVersion>,
        /// The engine's oldest version, when known.
        engine_min: Option<ApiVersion>,
    },

    /// Input rejected before anything was sent.
    #[error("invalid input: {message}")]
    #[non_exhaustive]
    InvalidInput {
        /// What was wrong.
        message: String,
    },

    /// An image reference that does not follow the grammar the Docker CLI
    /// uses (nothing was sent); the kind says why.
    #[error(transparent)]
    InvalidReference(#[from] crate::reference::ReferenceError),

    /// A credential helper (`docker-credential-<name>`) could not be run or
    /// failed; its message (never a secret) says why.
    #[error("credential helper docker-credential-{helper}: {message}")]
    #[non_exhaustive]
    CredentialHelper {
        /// The helper's name (`pass`, `desktop`, ...).
        helper: String,
        /// What went wrong.
        message: String,
    },

    /// The connection failed: refused, reset, TLS, ssh, ...
    #[error("transport error: {context}")]
    #[non_exhaustive]
    Transport {
        /// What was being done.
        context: String,
        /// The cause.
        #[source]
        source: BoxError,
    },

    /// The engine's answer broke the protocol: HTTP/1.1 (an unreadable
    /// status line or header, a malformed or contradictory
    /// `Content-Length`, a malformed chunk; the request was sent once and is
    /// not sent again), or the Engine API's own (an answer without what it
    /// must carry, a bad WebSocket frame) where that is not a JSON decoding
    /// failure.
    #[error("protocol error: {context}: {source}")]
    #[non_exhaustive]
    Protocol {
        /// What was being done.
        context: String,
        /// What was wrong with the answer.
        #[source]
        source: BoxError,
    },

    /// A timeout set on the client ran out.
    #[error("{operation}: timed out {phase}{}", after.map(|a| format!(" (after {a:?})")).unwrap_or_default())]
    #[non_exhaustive]
    Timeout {
        /// The operation (`request` when it was not known yet).
        operation: &'static str,
        /// When it ran out.
        phase: TimeoutPhase,
        /// The timeout that ran out, when the SDK knows it.
        after: Option<Duration>,
    },

    /// An answer did not decode.
    #[error("could not decode {what} at {path}: {source} (near `{excerpt}`)")]
    #[non_exhaustive]
    Decode {
        /// What was decoded, e.g. `ContainerInspect answer`.
        what: String,
        /// The JSON path of the failure, e.g. `$.State.Health`.
        path: String,
        /// A short excerpt of the input around the failure.
        excerpt: String,
        /// The decoder's error.
        #[source]
        source: BoxError,
    },
}

fn needs(since: ApiVersion, until: Option<ApiVersion>) -> String {
    match until {
        Some(until) => format!("{since} up to (not including) {until}"),
        None => format!("{since} or newer"),
    }
}

impl Error {
    /// The HTTP status the engine answered with, for errors that are
    /// answers.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::NotFound { .. } => Some(404),
            Error::Conflict { .. } => Some(409),
            Error::NotModified { .. } => Some(304),
            Error::InvalidArgument { .. } => Some(400),
            Error::Unauthorized { status, .. } | Error::Engine { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The engine's message, for errors the engine reported.
    pub fn engine_message(&self) -> Option<&str> {
        match self {
            Error::NotFound { message, .. }
            | Error::Conflict { message, .. }
            | Error::InvalidArgument { message, .. }
            | Error::Unauthorized { message, .. }
            | Error::Engine { message, .. }
            | Error::InStream { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The operation (`ContainerInspect`, ...) the error is about, where
    /// it is known.
    pub fn operation(&self) -> Option<&str> {
        match self {
            Error::NotFound { operation, .. }
            | Error::Conflict { operation, .. }
            | Error::NotModified { operation }
            | Error::Unauthorized { operation, .. }
            | Error::InvalidArgument { operation, .. }
            | Error::Engine { operation, .. }
            | Error::Timeout { operation, .. } => Some(operation),
            _ => None,
        }
    }

    /// When a timeout ran out, for [`Error::Timeout`].
    pub fn timeout_phase(&self) -> Option<TimeoutPhase> {
        match self {
            Error::Timeout { phase, .. } => Some(*phase),
            _ => None,
        }
    }

    /// Whether this is a 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// Whether this is a 409.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict { .. })
    }

    /// Whether a timeout ran out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// The error for an engine answer with `status` and `message` to
    /// `operation`.
    pub(crate) fn from_status(operation: &'static str, status: u16, message: String) -> Error {
        match status {
            304 => Error::NotModified { operation },
            400 => Error::InvalidArgument { operation, message },
            401 | 403 => Error::Unauthorized {
                operation,
                status,
                message,
            },
            404 => Error::NotFound { operation, message },
            409 => Error::Conflict { operation, message },
            _ => Error::Engine {
                operation,
                status,
                message,
            },
        }
    }

    pub(crate) fn timeout(
        operation: &'static str,
        phase: TimeoutPhase,
        after: Option<Duration>,
    ) -> Error {
        Error::Timeout {
            operation,
            phase,
            after,
        }
    }

    pub(crate) fn protocol(operation: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Protocol {
            context: operation.into(),
            source: message.into().into(),
        }
    }

    /// A failure of the connection, or [`Error::Protocol`] when the cause
    /// is an answer that broke HTTP/1.1 (whichever client read it).
    pub(crate) fn transport(context: impl Into<String>, source: impl Into<BoxError>) -> Error {
        let source = source.into();
        if idle_timeout(&*source) {
            // A stream that stayed silent past the stream-idle timeout,
            // whichever path read it; its operation is not known here.
            Error::timeout("stream", TimeoutPhase::StreamIdle, None)
        } else if protocol_violation(&*source) {
            Error::Protocol {
                context: context.into(),
                source,
            }
        } else {
            Error::Transport {
                context: context.into(),
                source,
            }
        }
    }

    pub(crate) fn credential_helper(helper: &str, message: impl Into<String>) -> Error {
        Error::CredentialHelper {
            helper: helper.to_string(),
            message: message.into(),
        }
    }

    /// The same error, about `op`: negotiation runs inside the call that
    /// needed it, so its failures are reported as that call's.
    pub(crate) fn for_operation(self, op: &'static str) -> Error {
        let reword = |context: String| -> String {
            for inner in ["SystemPing: ", "SystemVersion: "] {
                if let Some(rest) = context.strip_prefix(inner) {
                    return format!("{op}: {rest}");
                }
            }
            context
        };
        match self {
            Error::NotFound { message, .. } => Error::NotFound {
                operation: op,
                message,
            },
            Error::Conflict { message, .. } => Error::Conflict {
                operation: op,
                message,
            },
            Error::NotModified { .. } => Error::NotModified { operation: op },
            Error::Unauthorized {
                status, message, ..
            } => Error::Unauthorized {
                operation: op,
                status,
                message,
            },
            Error::InvalidArgument { message, .. } => Error::InvalidArgument {
                operation: op,
                message,
            },
            Error::Engine {
                status, message, ..
            } => Error::Engine {
                operation: op,
                status,
                message,
            },
            Error::Timeout { phase, after, .. } => Error::Timeout {
                operation: op,
                phase,
                after,
            },
            Error::Transport { context, source } => Error::Transport {
                context: reword(context),
                source,
            },
            Error::Protocol { context, source } => Error::Protocol {
                context: reword(context),
                source,
            },
            e => e,
        }
    }

    pub(crate) fn invalid_input(message: impl fmt::Display) -> Error {
        Error::InvalidInput {
            message: message.to_string(),
        }
    }

    /// A decode error for `input`, locating serde_json's error position in
    /// it as a JSON path and an excerpt.
    pub(crate) fn decode(what: impl Into<String>, input: &[u8], err: serde_json::Error) -> Error {
        let offset = byte_offset(input, err.line(), err.column());
        Error::Decode {
            what: what.into(),
            path: json_path_at(input, offset),
            excerpt: excerpt(input, offset),
            source: Box::new(err),
        }
    }
}

/// Whether a failure is a read that waited past the stream-idle timeout:
/// the SDK's own connections' timeout, or reqwest's read timeout.
fn idle_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    std::iter::successors(Some(e), |e| e.source()).any(|e| {
        e.downcast_ref::<crate::transport::h1::Failure>()
            .is_some_and(|f| f.is_timeout())
            || e.downcast_ref::<reqwest::Error>()
                .is_some_and(|r| r.is_timeout() && !r.is_connect())
    })
}

/// Whether a failure was caused by an answer that broke HTTP/1.1: one the
/// SDK's own connections rejected, a head hyper could not parse, or a body
/// hyper could not decode (its decoder reports those as `InvalidData` or
/// `InvalidInput` I/O errors; TLS errors, which come the same way, are not
/// protocol violations).
pub(crate) fn protocol_violation(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut errors = std::iter::successors(Some(e), |e| e.source()).peekable();
    while let Some(e) = errors.next() {
        if let Some(f) = e.downcast_ref::<crate::transport::h1::Failure>() {
            return f.is_protocol();
        }
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            if h.is_parse() {
                return true;
            }
            let decoding = errors
                .peek()
                .and_then(|next| next.downcast_ref::<std::io::Error>())
                .is_some_and(|io| {
                    matches!(
                        io.kind(),
                        std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput
                    ) && !is_tls(io)
                });
            if decoding {
                return true;
            }
        }
    }
    false
}

#[cfg(feature = "tls")]
fn is_tls(io: &std::io::Error) -> bool {
    io.get_ref().is_some_and(|e| e.is::<rustls::Error>())
}

#[cfg(not(feature = "tls"))]
fn is_tls(_: &std::io::Error) -> bool {
    false
}

/// serde_json reports 1-based lines and columns; turn them into an offset.
fn byte_offset(input: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let mut start = 0usize;
    for _ in 1..line {
        match input
            .get(start..)
            .and_then(|rest| rest.iter().position(|b| *b == b'\n'))
        {
            Some(p) => start = start.saturating_add(p).saturating_add(1),
            None => break,
        }
    }
    start
        .saturating_add(column.saturating_sub(1))
        .min(input.len())
}

/// Up to 40 bytes either side of `offset`, lossily as text, on one line.
fn excerpt(input: &[u8], offset: usize) -> String {
    let from = offset.saturating_sub(40);
    let to = offset.saturating_add(40).min(input.len());
    String::from_utf8_lossy(input.get(from..to).unwrap_or_default()).replace(['\n', '\r'], " ")
}

/// The JSON path (`$.a.b[3].c`) of the value being read at `offset`, found
/// by scanning the text up to there. Tolerates invalid JSON: it only tracks
/// brackets, strings and keys.
pub(crate) fn json_path_at(input: &[u8], offset: usize) -> String {
    enum Frame {
        Object { key: Option<String> },
        Array { index: usize },
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let end = offset.min(input.len());
    let mut last_string: Option<String> = None;
    while i < end {
        let Some(&byte) = input.get(i) else { break };
        match byte {
            b'"' => {
                let start = i.saturating_add(1);
                i = start;
                while let Some(&c) = input.get(i) {
                    if c == b'"' {
                        break;
                    }
                    if c == b'\\' {
                        i = i.saturating_add(1);
                    }
                    i = i.saturating_add(1);
                }
                let text = input.get(start..i.min(input.len())).unwrap_or_default();
                last_string = Some(String::from_utf8_lossy(text).into_owned());
            }
            b':' => {
                if let Some(Frame::Object { key }) = stack.last_mut() {
                    *key = last_string.take();
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index = index.saturating_add(1),
                Some(Frame::Object { key }) => *key = None,
                None => {}
            },
            b'{' => stack.push(Frame::Object { key: None }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            _ => {}
        }
        i = i.saturating_add(1);
    }
    let mut path = String::from("$");
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(k) } => {
                path.push('.');
                path.push_str(k);
            }
            Frame::Object { key: None } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_json_path_of_a_decode_failure() {
        let input =
            br#"{"Id": "x", "State": {"Health": {"Log": [{"ExitCode": 0}, {"ExitCode": "bad"}]}}}"#;
        let err = serde_json::from_slice::<serde_json::Value>(b"{").unwrap_err();
        let at = input.windows(5).position(|w| w == b"\"bad\"").unwrap();
        assert_eq!(json_path_at(input, at), "$.State.Health.Log[1].ExitCode");
        let e = Error::decode("test", input, err);
        assert!(
            e.to_string().starts_with("could not decode test at $"),
            "{e}"
        );
    }

    #[test]
    fn decode_errors_carry_path_and_excerpt() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct S {
            a: Vec<u32>,
        }
        let input = b"{\n  \"a\": [1, 2, \"three\"]\n}";
        let err = serde_json::from_slice::<S>(input).unwrap_err();
        let e = Error::decode("S", input, err);
        let Error::Decode { path, excerpt, .. } = &e else {
            panic!()
        };
        assert_eq!(path, "$.a[2]");
        assert!(excerpt.contains("three"), "{excerpt}");
        assert!(
            e.to_string().starts_with("could not decode S at $.a[2]"),
            "{e}"
        );
    }

    #[test]
    fn statuses_map_to_kinds() {
        let op = "ContainerInspect";
        assert!(Error::from_status(op, 404, "no such container".into()).is_not_found());
        assert!(Error::from_status(op, 409, "in use".into()).is_conflict());
        assert!(matches!(
            Error::from_status(op, 400, "bad".into()),
            Error::InvalidArgument { .. }
        ));
        assert!(matches!(
            Error::from_status(op, 403, "no".into()),
            Error::Unauthorized { status: 403, .. }
        ));
        assert!(matches!(
            Error::from_status(op, 304, String::new()),
            Error::NotModified { .. }
        ));
        let e = Error::from_status(op, 500, "boom".into());
        assert_eq!((e.status(), e.engine_message()), (Some(500), Some("boom")));
        assert_eq!(e.operation(), Some("ContainerInspect"));
        assert_eq!(e.to_string(), "ContainerInspect: engine error (500): boom");

        let t = Error::timeout(op, TimeoutPhase::Connect, Some(Duration::from_secs(1)));
        assert_eq!(t.timeout_phase(), Some(TimeoutPhase::Connect));
        assert_eq!(
            t.to_string(),
            "ContainerInspect: timed out connecting (after 1s)"
        );
    }

    #[test]
    fn unsupported_reads_well() {
        let e = Error::UnsupportedByVersion {
            what: "parameter `signal` of ContainerStop".into(),
            since: ApiVersion::new(1, 42),
            until: None,
            negotiated: ApiVersion::new(1, 41),
        };
        assert_eq!(e.to_string(), "parameter `signal` of ContainerStop needs API 1.42 or newer, but the engine speaks 1.41");
    }
}
