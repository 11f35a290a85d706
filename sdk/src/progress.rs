//! Progress streams: what pull, push, load, import and build answer with.
//!
//! The engine answers those requests with HTTP 200 at once and then sends
//! one JSON message per line (moby's `jsonmessage`): a layer's status and
//! bytes, a line of build output, an `aux` result (a built image's id, a
//! pushed digest). A failure later on comes in the same stream, as a
//! message with `error`/`errorDetail`: [`ProgressStream`] turns it into an
//! [`Error::InStream`] item carrying the engine's message and code, so a
//! failed pull or build can never look like success.
//!
//! [`ProgressStream::finish`] drives a stream to its end and returns the
//! result ([`Finished`]) or the first error with what the stream said
//! before it; [`Aggregate`] sums per-layer progress for a progress bar.

use std::collections::HashMap;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{BoxError, Error, Result};
use crate::streams::JsonLines;

/// One message of a progress stream.
///
/// Every field is optional: which ones a message has depends on what it
/// reports. Fields this type does not name are kept in [`extra`](Self::extra).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Progress {
    /// A status line: `Downloading`, `Pull complete`, `Digest: sha256:…`.
    pub status: Option<String>,
    /// What the status is about: a layer's short id, a tag.
    pub id: Option<String>,
    /// The engine's own rendering of the progress bar.
    pub progress: Option<String>,
    /// Bytes done and in all, for the item `id` names.
    pub detail: Option<ProgressDetail>,
    /// Build output text (with its own newlines), `Loaded image: …`.
    pub stream: Option<String>,
    /// A result: a built image's `{"ID": …}`, a push's `{"Tag", "Digest",
    /// "Size"}`, a build's BuildKit trace.
    pub aux: Option<Value>,
    /// Fields not named above (`from`, `time`, `timeNano`, …), as sent.
    pub extra: Map<String, Value>,
}

/// Bytes done and in all, as a progress message reports them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProgressDetail {
    /// Bytes (or units) done.
    pub current: Option<u64>,
    /// Bytes (or units) in all, when known.
    pub total: Option<u64>,
    /// Fields not named above (`start`, `hidecounts`, `units`), as sent.
    pub extra: Map<String, Value>,
}

/// A line as the engine sends it: a message, or the failure ending the
/// stream.
enum Line {
    Message(Progress),
    Failed { message: String, code: Option<i64> },
}

impl<'de> serde::Deserialize<'de> for Line {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Line, D::Error> {
        d.deserialize_map(LineVisitor)
    }
}

struct LineVisitor;

#[derive(serde::Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

impl<'de> Visitor<'de> for LineVisitor {
    type Value = Line;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a progress message (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Line, A::Error> {
        let mut p = Progress::default();
        let mut error: Option<String> = None;
        let mut detail: Option<ErrorDetail> = None;
        // Keys are matched without allocating (the common ones are
        // borrowed from the line); only unknown keys become strings.
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Status => p.status = map.next_value()?,
                Key::Id => p.id = map.next_value()?,
                Key::Progress => p.progress = map.next_value()?,
                Key::ProgressDetail => {
                    p.detail = map.next_value::<Option<DetailWire>>()?.map(Into::into)
                }
                Key::Stream => p.stream = map.next_value()?,
                Key::Aux => p.aux = map.next_value()?,
                Key::Error => error = map.next_value()?,
                Key::ErrorDetail => detail = map.next_value()?,
                Key::Other(name) => {
                    let value: Value = map.next_value()?;
                    p.extra.insert(name, value);
                }
            }
        }
        // An empty `progressDetail` ({}) says nothing.
        if p.detail.as_ref().is_some_and(ProgressDetail::is_empty) {
            p.detail = None;
        }
        let code = detail.as_ref().and_then(|d| d.code);
        let message = detail.and_then(|d| d.message).or(error);
        match message {
            Some(message) => Ok(Line::Failed { message, code }),
            None => Ok(Line::Message(p)),
        }
    }
}

/// A key of a progress message, recognised without allocating.
enum Key {
    Status,
    Id,
    Progress,
    ProgressDetail,
    Stream,
    Aux,
    Error,
    ErrorDetail,
    Other(String),
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Key, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Key, E> {
                Ok(match v {
                    "status" => Key::Status,
                    "id" => Key::Id,
                    "progress" => Key::Progress,
                    "progressDetail" => Key::ProgressDetail,
                    "stream" => Key::Stream,
                    "aux" => Key::Aux,
                    "error" => Key::Error,
                    "errorDetail" => Key::ErrorDetail,
                    other => Key::Other(other.to_string()),
                })
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// `progressDetail` as sent: `current` and `total`, anything else kept.
#[derive(Default)]
struct DetailWire {
    current: Option<i64>,
    total: Option<i64>,
    extra: Map<String, Value>,
}

impl<'de> serde::Deserialize<'de> for DetailWire {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<DetailWire, D::Error> {
        struct DetailVisitor;
        impl<'de> Visitor<'de> for DetailVisitor {
            type Value = DetailWire;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a progress detail (a JSON object)")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<DetailWire, A::Error> {
                let mut w = DetailWire::default();
                while let Some(key) = map.next_key::<DetailKey>()? {
                    match key {
                        DetailKey::Current => w.current = map.next_value()?,
                        DetailKey::Total => w.total = map.next_value()?,
                        DetailKey::Other(name) => {
                            let value: Value = map.next_value()?;
                            w.extra.insert(name, value);
                        }
                    }
                }
                Ok(w)
            }
        }
        d.deserialize_map(DetailVisitor)
    }
}

/// A key of `progressDetail`, recognised without allocating.
enum DetailKey {
    Current,
    Total,
    Other(String),
}

impl<'de> serde::Deserialize<'de> for DetailKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<DetailKey, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = DetailKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<DetailKey, E> {
                Ok(match v {
                    "current" => DetailKey::Current,
                    "total" => DetailKey::Total,
                    other => DetailKey::Other(other.to_string()),
                })
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

impl From<DetailWire> for ProgressDetail {
    fn from(w: DetailWire) -> ProgressDetail {
        // Engines send 0 for "unknown" totals, never negatives; a negative
        // number is treated as not sent.
        ProgressDetail {
            current: w.current.and_then(|v| u64::try_from(v).ok()),
            total: w
                .total
                .and_then(|v| u64::try_from(v).ok())
                .filter(|t| *t > 0),
            extra: w.extra,
        }
    }
}

impl ProgressDetail {
    fn is_empty(&self) -> bool {
        self.current.is_none() && self.total.is_none() && self.extra.is_empty()
    }
}

impl<'de> serde::Deserialize<'de> for Progress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Progress, D::Error> {
        match Line::deserialize(d)? {
            Line::Message(p) => Ok(p),
            Line::Failed { message, .. } => Err(de::Error::custom(format!(
                "an error message, not progress: {message}"
            ))),
        }
    }
}

type Chunks = Pin<Box<dyn Stream<Item = std::result::Result<Bytes, BoxError>> + Send + Sync>>;

/// A progress stream, message by message: a [`Stream`] of
/// `Result<Progress>`.
///
/// A line that does not decode is an [`Error::Decode`] item and the stream
/// goes on; the engine's in-band failure is an [`Error::InStream`] item and
/// the end of the stream; a transport failure is an item and the end.
/// Nothing is buffered beyond the line being read. Dropping the stream
/// closes the connection.
///
/// ```
/// # async fn demo() -> docker_engine::Result<()> {
/// use docker_engine::progress::ProgressStream;
/// let recorded = &b"{\"status\":\"Pulling fs layer\",\"id\":\"a1\"}\n{\"status\":\"Digest: sha256:0123\"}\n"[..];
/// let stream = ProgressStream::from_bytes("ImageCreate", bytes::Bytes::from_static(recorded));
/// let finished = stream.finish().await?;
/// assert_eq!(finished.digest(), Some("sha256:0123"));
/// # Ok(()) }
/// ```
pub struct ProgressStream {
    lines: JsonLines<Chunks, Line>,
    operation: &'static str,
    done: bool,
}

impl fmt::Debug for ProgressStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProgressStream")
            .field("operation", &self.operation)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl ProgressStream {
    /// The progress stream of a generated call's streamed answer.
    pub(crate) fn from_raw(operation: &'static str, body: progenitor_client::ByteStream) -> Self {
        ProgressStream::from_chunks(
            operation,
            body.into_inner().map(|r| r.map_err(BoxError::from)),
        )
    }

    /// Reads progress from any stream of byte chunks (a recorded answer, a
    /// file): `operation` names the operation in errors.
    pub fn from_chunks<S, E>(operation: &'static str, chunks: S) -> Self
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send + Sync + 'static,
        E: Into<BoxError>,
    {
        let chunks: Chunks = Box::pin(chunks.map(|r| r.map_err(Into::into)));
        ProgressStream {
            lines: JsonLines::new(chunks, "progress"),
            operation,
            done: false,
        }
    }

    /// Reads progress from bytes already in memory.
    pub fn from_bytes(operation: &'static str, bytes: Bytes) -> Self {
        ProgressStream::from_chunks(
            operation,
            futures_util::stream::iter([Ok::<_, std::convert::Infallible>(bytes)]),
        )
    }

    /// The operation whose answer this is (`ImageCreate`, `ImageBuild`, …).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Reads the stream to its end: the [`Finished`] result, or the first
    /// error.
    ///
    /// # Errors
    /// The engine's in-band failure as [`Error::InStream`] with its message,
    /// its code and, in `output`, the text the stream carried before it (a
    /// build's output up to the failing step, a pull's status lines); a
    /// transport or decode failure as it happened.
    ///
    /// ```no_run
    /// # async fn demo(stream: docker_engine::progress::ProgressStream) {
    /// match stream.finish().await {
    ///     Ok(done) => println!("image {:?}", done.image_id()),
    ///     Err(docker_engine::Error::InStream { message, output, .. }) => {
    ///         eprintln!("{}\nfailed: {message}", output.concat());
    ///     }
    ///     Err(other) => eprintln!("{other}"),
    /// }
    /// # }
    /// ```
    pub async fn finish(mut self) -> Result<Finished> {
        let mut finished = Finished::default();
        while let Some(item) = self.next().await {
            match item {
                Ok(p) => finished.keep(p),
                Err(Error::InStream { message, code, .. }) => {
                    return Err(Error::InStream {
                        message,
                        code,
                        output: finished.output,
                    });
                }
                Err(e) => return Err(e),
            }
        }
        Ok(finished)
    }
}

impl Stream for ProgressStream {
    type Item = Result<Progress>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match std::task::ready!(self.lines.poll_next_unpin(cx)) {
            Some(Ok(Line::Message(p))) => Poll::Ready(Some(Ok(p))),
            Some(Ok(Line::Failed { message, code })) => {
                self.done = true;
                Poll::Ready(Some(Err(Error::InStream {
                    message,
                    code,
                    output: Vec::new(),
                })))
            }
            Some(Err(e)) => {
                if !matches!(e, Error::Decode { .. }) {
                    self.done = true;
                }
                Poll::Ready(Some(Err(e)))
            }
            None => {
                self.done = true;
                Poll::Ready(None)
            }
        }
    }
}

/// What a progress stream said, once it ended without failure: its results
/// (`aux`) and its text, without the per-layer progress updates.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Finished {
    /// Every `aux` value, in order.
    pub aux: Vec<Value>,
    /// The text lines: `stream` text as sent, and status lines that are
    /// not about one layer (`Digest: …`, `Status: …`), each ending with a
    /// newline.
    pub output: Vec<String>,
}

impl Finished {
    fn keep(&mut self, p: Progress) {
        if let Some(text) = p.stream {
            self.output.push(text);
        }
        if let Some(status) = p.status {
            if p.id.is_none() || (p.detail.is_none() && !is_layer_status(&status)) {
                let mut line = match &p.id {
                    Some(id) if !status.starts_with(id.as_str()) => format!("{id}: {status}"),
                    _ => status,
                };
                line.push('\n');
                self.output.push(line);
            }
        }
        if let Some(aux) = p.aux {
            self.aux.push(aux);
        }
    }

    /// The image id a build reported (`aux.ID`), the last one if several.
    pub fn image_id(&self) -> Option<&str> {
        self.aux
            .iter()
            .rev()
            .find_map(|a| a.get("ID").and_then(Value::as_str))
    }

    /// The manifest digest a pull or push reported: a push's `aux.Digest`,
    /// else the `Digest: sha256:…` status line of a pull, else the
    /// `<tag>: digest: sha256:… size: N` line of a push.
    pub fn digest(&self) -> Option<&str> {
        if let Some(d) = self
            .aux
            .iter()
            .rev()
            .find_map(|a| a.get("Digest").and_then(Value::as_str))
        {
            return Some(d);
        }
        self.output.iter().rev().find_map(|line| {
            let line = line.trim_end();
            if let Some(d) = line.strip_prefix("Digest: ") {
                return Some(d);
            }
            let (_, rest) = line.split_once(": digest: ")?;
            rest.split_whitespace().next()
        })
    }
}

fn is_layer_status(status: &str) -> bool {
    matches!(
        status,
        "Pulling fs layer"
            | "Waiting"
            | "Downloading"
            | "Verifying Checksum"
            | "Download complete"
            | "Extracting"
            | "Pull complete"
            | "Already exists"
            | "Preparing"
            | "Pushing"
            | "Pushed"
            | "Layer already exists"
            | "Retrying"
    ) || status.starts_with("Mounted from")
        || status.starts_with("Retrying")
}

fn is_layer_done(status: &str) -> bool {
    matches!(
        status,
        "Pull complete" | "Already exists" | "Pushed" | "Layer already exists"
    ) || status.starts_with("Mounted from")
}

/// One layer's progress in an [`Aggregate`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LayerProgress {
    /// The layer's short id, as the engine names it.
    pub id: String,
    /// Its last status (`Downloading`, `Extracting`, `Pull complete`, …).
    pub status: String,
    /// Bytes transferred (downloaded or pushed).
    pub current: u64,
    /// Its size, once the engine said it.
    pub total: Option<u64>,
    /// Whether the layer is done (pulled, pushed, already there).
    pub done: bool,
}

/// Per-layer and overall progress of a pull or push, for rendering a
/// progress bar: feed it every message with [`update`](Self::update).
///
/// Bytes count the transfer (download or push); extraction is shown in a
/// layer's status. A layer done without a byte count (already there) counts
/// as done with its size unknown.
///
/// ```
/// use docker_engine::progress::{Aggregate, ProgressStream};
/// # async fn demo() -> docker_engine::Result<()> {
/// use futures_util::StreamExt;
/// let recorded = bytes::Bytes::from_static(concat!(
///     r#"{"status":"Pulling fs layer","id":"a1"}"#, "\n",
///     r#"{"status":"Downloading","progressDetail":{"current":50,"total":200},"id":"a1"}"#, "\n",
///     r#"{"status":"Pull complete","id":"a1"}"#, "\n",
/// ).as_bytes());
/// let mut stream = ProgressStream::from_bytes("ImageCreate", recorded);
/// let mut all = Aggregate::default();
/// while let Some(p) = stream.next().await {
///     all.update(&p?);
/// }
/// assert_eq!((all.done_layers(), all.total_layers()), (1, 1));
/// assert_eq!(all.bytes(), (200, 200));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Aggregate {
    layers: Vec<LayerProgress>,
    index: HashMap<String, usize>,
}

impl Aggregate {
    /// Takes one message into account; messages not about a layer are
    /// ignored.
    pub fn update(&mut self, p: &Progress) {
        let (Some(id), Some(status)) = (&p.id, &p.status) else {
            return;
        };
        if !is_layer_status(status) {
            return;
        }
        let i = match self.index.get(id) {
            Some(i) => *i,
            None => {
                self.layers.push(LayerProgress {
                    id: id.clone(),
                    ..LayerProgress::default()
                });
                self.index.insert(id.clone(), self.layers.len() - 1);
                self.layers.len() - 1
            }
        };
        let layer = &mut self.layers[i];
        layer.status.clone_from(status);
        let transferring = matches!(status.as_str(), "Downloading" | "Pushing");
        if transferring {
            if let Some(d) = &p.detail {
                if let Some(total) = d.total {
                    layer.total = Some(total);
                }
                if let Some(current) = d.current {
                    layer.current = current;
                }
            }
        }
        if matches!(status.as_str(), "Download complete" | "Extracting") || is_layer_done(status) {
            if let Some(total) = layer.total {
                layer.current = total;
            }
        }
        if is_layer_done(status) {
            layer.done = true;
        }
    }

    /// Every layer seen, in the order first seen.
    pub fn layers(&self) -> &[LayerProgress] {
        &self.layers
    }

    /// Bytes transferred and bytes in all, over the layers whose size is
    /// known.
    pub fn bytes(&self) -> (u64, u64) {
        self.layers
            .iter()
            .filter_map(|l| l.total.map(|t| (l.current.min(t), t)))
            .fold((0, 0), |(c, t), (lc, lt)| (c + lc, t + lt))
    }

    /// How many layers are done.
    pub fn done_layers(&self) -> usize {
        self.layers.iter().filter(|l| l.done).count()
    }

    /// How many layers were seen.
    pub fn total_layers(&self) -> usize {
        self.layers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream_of(chunks: &[&'static str]) -> ProgressStream {
        let chunks: Vec<std::result::Result<Bytes, std::io::Error>> = chunks
            .iter()
            .map(|c| Ok(Bytes::from_static(c.as_bytes())))
            .collect();
        ProgressStream::from_chunks("ImageCreate", futures_util::stream::iter(chunks))
    }

    async fn all(mut s: ProgressStream) -> Vec<Result<Progress>> {
        let mut out = Vec::new();
        while let Some(item) = s.next().await {
            out.push(item);
        }
        out
    }

    #[tokio::test]
    async fn messages_decode_with_unknown_fields_kept() {
        let items = all(stream_of(&[
            "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":5,\"total\":10,\"units\":\"B\"},",
            "\"progress\":\"[=>  ]\",\"id\":\"abc\",\"timeNano\":7}\n{\"stream\":\"Step 1/2\\n\"}\n",
            "{\"aux\":{\"ID\":\"sha256:1\"}}",
        ]))
        .await;
        assert_eq!(items.len(), 3);
        let p = items[0].as_ref().unwrap();
        assert_eq!(p.status.as_deref(), Some("Downloading"));
        assert_eq!(p.id.as_deref(), Some("abc"));
        assert_eq!(p.progress.as_deref(), Some("[=>  ]"));
        let d = p.detail.as_ref().unwrap();
        assert_eq!((d.current, d.total), (Some(5), Some(10)));
        assert_eq!(d.extra["units"], "B");
        assert_eq!(p.extra["timeNano"], 7);
        assert_eq!(
            items[1].as_ref().unwrap().stream.as_deref(),
            Some("Step 1/2\n")
        );
        assert_eq!(
            items[2].as_ref().unwrap().aux,
            Some(serde_json::json!({"ID": "sha256:1"}))
        );
    }

    #[tokio::test]
    async fn an_in_band_error_is_a_typed_item_and_the_end() {
        let items = all(stream_of(&[
            "{\"stream\":\"Step 2/2 : RUN false\\n\"}\n",
            "{\"errorDetail\":{\"code\":1,\"message\":\"returned a non-zero code: 1\"},\"error\":\"returned a non-zero code: 1\"}\n",
            "{\"stream\":\"never read\\n\"}\n",
        ]))
        .await;
        assert_eq!(items.len(), 2, "{items:?}");
        match &items[1] {
            Err(Error::InStream { message, code, .. }) => {
                assert_eq!(message, "returned a non-zero code: 1");
                assert_eq!(*code, Some(1));
            }
            other => panic!("{other:?}"),
        }
        // The old form, `error` alone, is a failure too.
        let items = all(stream_of(&["{\"error\":\"pull access denied\"}\n"])).await;
        assert!(
            matches!(&items[0], Err(Error::InStream { message, code: None, .. }) if message == "pull access denied")
        );
    }

    #[tokio::test]
    async fn finish_returns_the_result_or_the_error_with_the_output_before_it() {
        let done = stream_of(&[
            "{\"stream\":\"Step 1/1 : FROM scratch\\n\"}\n{\"aux\":{\"ID\":\"sha256:aa\"}}\n",
            "{\"stream\":\"Successfully built aa\\n\"}\n",
        ])
        .finish()
        .await
        .unwrap();
        assert_eq!(done.image_id(), Some("sha256:aa"));
        assert_eq!(
            done.output,
            ["Step 1/1 : FROM scratch\n", "Successfully built aa\n"]
        );

        let err = stream_of(&[
            "{\"stream\":\"Step 1/2 : FROM scratch\\n\"}\n",
            "{\"stream\":\"Step 2/2 : RUN false\\n\"}\n",
            "{\"errorDetail\":{\"code\":2,\"message\":\"boom\"},\"error\":\"boom\"}\n",
        ])
        .finish()
        .await
        .unwrap_err();
        match err {
            Error::InStream {
                message,
                code,
                output,
            } => {
                assert_eq!((message.as_str(), code), ("boom", Some(2)));
                assert_eq!(
                    output,
                    ["Step 1/2 : FROM scratch\n", "Step 2/2 : RUN false\n"]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn digests_of_pull_and_push() {
        let pull = stream_of(&[
            "{\"status\":\"Pulling from x/y\",\"id\":\"1\"}\n",
            "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1,\"total\":2},\"id\":\"l1\"}\n",
            "{\"status\":\"Digest: sha256:feed\"}\n{\"status\":\"Status: Downloaded newer image for x/y:1\"}\n",
        ])
        .finish()
        .await
        .unwrap();
        assert_eq!(pull.digest(), Some("sha256:feed"));
        assert_eq!(
            pull.output,
            [
                "1: Pulling from x/y\n",
                "Digest: sha256:feed\n",
                "Status: Downloaded newer image for x/y:1\n"
            ]
        );
        let push_line = stream_of(&["{\"status\":\"1: digest: sha256:beef size: 527\"}\n"])
            .finish()
            .await
            .unwrap();
        assert_eq!(push_line.digest(), Some("sha256:beef"));
        let push_aux = stream_of(&[
            "{\"status\":\"1: digest: sha256:beef size: 527\"}\n",
            "{\"progressDetail\":{},\"aux\":{\"Tag\":\"1\",\"Digest\":\"sha256:cafe\",\"Size\":527}}\n",
        ])
        .finish()
        .await
        .unwrap();
        assert_eq!(push_aux.digest(), Some("sha256:cafe"));
    }

    #[tokio::test]
    async fn a_bad_line_is_an_error_item_and_the_stream_goes_on() {
        let items = all(stream_of(&["{\"status\":1}\n", "{\"status\":\"ok\"}\n"])).await;
        assert!(matches!(items[0], Err(Error::Decode { .. })), "{items:?}");
        assert_eq!(items[1].as_ref().unwrap().status.as_deref(), Some("ok"));
    }

    #[test]
    fn aggregate_sums_layers() {
        let msg = |status: &str, id: &str, cur: Option<u64>, total: Option<u64>| Progress {
            status: Some(status.into()),
            id: Some(id.into()),
            detail: (cur.is_some() || total.is_some()).then(|| ProgressDetail {
                current: cur,
                total,
                extra: Map::new(),
            }),
            ..Progress::default()
        };
        let mut a = Aggregate::default();
        a.update(&msg("Pulling from lib/x", "latest", None, None));
        a.update(&msg("Pulling fs layer", "l1", None, None));
        a.update(&msg("Pulling fs layer", "l2", None, None));
        a.update(&msg("Already exists", "l3", None, None));
        a.update(&msg("Downloading", "l1", Some(10), Some(100)));
        a.update(&msg("Downloading", "l2", Some(5), Some(50)));
        assert_eq!(a.total_layers(), 3, "the tag line is not a layer");
        assert_eq!(a.bytes(), (15, 150));
        assert_eq!(a.done_layers(), 1);
        a.update(&msg("Download complete", "l1", None, None));
        a.update(&msg("Extracting", "l1", Some(3), Some(100)));
        a.update(&msg("Pull complete", "l1", None, None));
        assert_eq!(a.bytes(), (105, 150));
        assert_eq!(a.done_layers(), 2);
        assert_eq!(a.layers()[0].status, "Pull complete");
    }
}
