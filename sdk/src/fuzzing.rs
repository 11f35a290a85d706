//! The fuzz targets of `fuzz/`, one function each, and the regression run
//! of their committed inputs (`fuzz/regressions/`) under `cargo test`.
//! Built only with `--cfg fuzzing` (as `cargo fuzz` builds) and in the
//! crate's own tests; never part of the API.
//!
//! Besides "no panic", each target checks properties:
//! - the outcome does not depend on how the input was split into reads:
//!   the SDK must decode the same bytes the same way whatever the network's
//!   chunking (the split sizes come from the input's first bytes);
//! - where a trustworthy reference exists, the SDK agrees with it: the
//!   HTTP/1.1 reader and chunked decoder with hyper's (every answer hyper
//!   reads whole, the SDK reads the same; the SDK may accept more, such as
//!   bare `\n` line ends), the demuxer with a direct transcription of the
//!   documented frame format, the JSON-lines decoder with a line-by-line
//!   `serde_json` decode;
//! - parsers of the user's strings print back to what parses the same.

// A harness of assertions: a failed check is meant to panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_util::{FutureExt, Stream, StreamExt};

use crate::streams::{Demux, Framing, JsonLines, StdStream};
use crate::transport::h1;

/// A target: its name in `fuzz/`, and the function it runs.
pub type Target = (&'static str, fn(&[u8]));

/// Every target, by the name `fuzz/` gives it.
pub const TARGETS: &[Target] = &[
    ("demux", demux),
    ("json_lines", json_lines),
    ("progress", progress),
    ("h1_chunked", h1_chunked),
    ("h1_answer", h1_answer),
    ("error_body", error_body),
    ("user_input", user_input),
    ("dockerignore", dockerignore),
    ("cli_config", cli_config),
];

/// Splits the fuzzer's input `[n, splits[n], data...]` into read sizes and
/// data.
fn split_input(input: &[u8]) -> (&[u8], &[u8]) {
    let Some((&n, rest)) = input.split_first() else {
        return (&[], &[]);
    };
    let n = usize::from(n % 16).min(rest.len());
    rest.split_at(n)
}

/// Cuts `input` into pieces whose lengths come from `splits` (cycled; 0
/// means 1), as reads from a connection would deliver it.
pub fn pieces<'a>(input: &'a [u8], splits: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let n = splits
            .get(i % splits.len().max(1))
            .map_or(rest.len(), |&s| usize::from(s).max(1))
            .min(rest.len());
        let (piece, tail) = rest.split_at(n);
        out.push(piece);
        rest = tail;
        i += 1;
    }
    out
}

fn owned_pieces(input: &[u8], splits: &[u8]) -> Vec<Bytes> {
    pieces(input, splits)
        .into_iter()
        .map(Bytes::copy_from_slice)
        .collect()
}

/// The reads, as a stream of chunks that are all ready.
fn reads(
    data: &[u8],
    splits: &[u8],
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin + Send + Sync + 'static {
    futures_util::stream::iter(owned_pieces(data, splits).into_iter().map(Ok))
}

/// Every item of a stream whose input is all in memory.
fn drain<S: Stream + Unpin>(mut s: S) -> Vec<S::Item> {
    let mut out = Vec::new();
    while let Some(item) = s
        .next()
        .now_or_never()
        .expect("in-memory input is always ready")
    {
        out.push(item);
    }
    out
}

/// Runs a future whose I/O is all in memory; `None` if it is still
/// pending after many polls (a hang, for the SDK's own futures).
fn block_on<F: Future>(f: F) -> Option<F::Output> {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(std::task::Waker::noop());
    for _ in 0..100_000 {
        if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
            return Some(out);
        }
    }
    None
}

// ---------------------------------------------------------------- demux

/// What a demultiplexed stream yields, runs of one stream merged.
#[derive(Debug, PartialEq, Eq)]
enum Event {
    Data(StdStream, Vec<u8>),
    /// A frame on the system-error stream, as its text.
    SystemError(String),
    /// A frame header with an unknown stream id: the end.
    UnknownStream(u8),
    /// The input ended inside a frame: the end.
    Truncated,
}

fn push_data(out: &mut Vec<Event>, stream: StdStream, data: &[u8]) {
    if data.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(Event::Data(s, bytes)) if *s == stream => bytes.extend_from_slice(data),
        _ => out.push(Event::Data(stream, data.to_vec())),
    }
}

fn run_demux(data: &[u8], splits: &[u8], framing: Framing) -> Vec<Event> {
    let mut out = Vec::new();
    for item in drain(Demux::new(reads(data, splits), framing)) {
        match item {
            Ok(chunk) => push_data(&mut out, chunk.stream, &chunk.data),
            Err(crate::Error::InStream { message, .. }) => out.push(Event::SystemError(message)),
            Err(e) => {
                let text = e.to_string();
                if let Some(id) = text
                    .split("unknown stream id ")
                    .nth(1)
                    .and_then(|t| t.split(' ').next())
                    .and_then(|t| t.parse().ok())
                {
                    out.push(Event::UnknownStream(id));
                } else if text.contains("ended inside a frame") {
                    out.push(Event::Truncated);
                } else {
                    panic!("an unexpected error from in-memory input: {text}");
                }
            }
        }
    }
    out
}

/// The frame format as the Engine API documents it, transcribed directly:
/// `[stream, 0, 0, 0, size (u32, big-endian)]` then `size` bytes; stream 0
/// is stdin, 1 stdout, 2 stderr, 3 a system error (its payload the
/// message; the stream goes on).
fn reference_demux(data: &[u8]) -> Vec<Event> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        if rest.len() < 8 {
            out.push(Event::Truncated);
            break;
        }
        let (header, tail) = rest.split_at(8);
        let size = u32::from_be_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let stream = match header[0] {
            0 => StdStream::Stdin,
            1 => StdStream::Stdout,
            2 => StdStream::Stderr,
            3 => {
                if tail.len() < size {
                    out.push(Event::Truncated);
                    break;
                }
                let message = &tail[..size.min(crate::streams::MAX_ERROR_FRAME)];
                out.push(Event::SystemError(
                    String::from_utf8_lossy(message).trim().to_string(),
                ));
                rest = &tail[size..];
                continue;
            }
            other => {
                out.push(Event::UnknownStream(other));
                break;
            }
        };
        let payload = &tail[..size.min(tail.len())];
        push_data(&mut out, stream, payload);
        if tail.len() < size {
            out.push(Event::Truncated);
            break;
        }
        rest = &tail[size..];
    }
    out
}

/// The multiplexed-stream demuxer (both framings): the same events
/// whatever the read splits, and the same as the documented format gives.
pub fn demux(input: &[u8]) {
    let (splits, data) = split_input(input);
    for framing in [Framing::Multiplexed, Framing::Raw] {
        let whole = run_demux(data, &[], framing);
        assert_eq!(
            whole,
            run_demux(data, splits, framing),
            "depends on read splits"
        );
        let expected = match framing {
            Framing::Multiplexed => reference_demux(data),
            Framing::Raw => {
                let mut out = Vec::new();
                push_data(&mut out, StdStream::Console, data);
                out
            }
        };
        assert_eq!(whole, expected, "differs from the documented format");
    }
}

// ----------------------------------------------------------- json lines

fn run_json_lines(data: &[u8], splits: &[u8]) -> Vec<Result<serde_json::Value, String>> {
    drain(JsonLines::<_, serde_json::Value>::new(
        reads(data, splits),
        "fuzz",
    ))
    .into_iter()
    .map(|r| r.map_err(|e| e.to_string()))
    .collect()
}

/// Newline-delimited JSON: the same documents and errors whatever the read
/// splits, and the same documents as decoding each non-blank line (ASCII
/// whitespace trimmed; the last one may lack its `\n`) with `serde_json`.
pub fn json_lines(input: &[u8]) {
    let (splits, data) = split_input(input);
    let whole = run_json_lines(data, &[]);
    assert_eq!(
        whole,
        run_json_lines(data, splits),
        "depends on read splits"
    );
    let reference: Vec<Option<serde_json::Value>> = data
        .split(|b| *b == b'\n')
        .map(<[u8]>::trim_ascii)
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).ok())
        .collect();
    let ours: Vec<Option<serde_json::Value>> = whole.into_iter().map(Result::ok).collect();
    assert_eq!(ours, reference, "differs from line-by-line serde_json");
}

// ------------------------------------------------------------- progress

fn run_progress(data: &[u8], splits: &[u8]) -> (Vec<String>, (u64, u64), usize) {
    use crate::progress::{Aggregate, ProgressStream};
    let stream = ProgressStream::from_chunks("ImageCreate", reads(data, splits));
    let mut all = Aggregate::default();
    let mut seen = Vec::new();
    for item in drain(stream) {
        match item {
            Ok(p) => {
                all.update(&p);
                seen.push(format!("{p:?}"));
            }
            Err(e) => seen.push(e.to_string()),
        }
    }
    (seen, all.bytes(), all.done_layers())
}

/// Progress streams (pull, push, build): messages, in-band errors and the
/// aggregate the same whatever the read splits; `finish` never hangs.
pub fn progress(input: &[u8]) {
    let (splits, data) = split_input(input);
    assert_eq!(
        run_progress(data, &[]),
        run_progress(data, splits),
        "depends on read splits"
    );
    let finished =
        crate::progress::ProgressStream::from_chunks("ImageCreate", reads(data, splits)).finish();
    let _ = finished.now_or_never().expect("in-memory input is ready");
}

// ------------------------------------------------------------- HTTP/1.1

/// The payload, whether the end was seen, and whether it failed.
fn decode_chunked(reads: &[&[u8]]) -> (Vec<u8>, bool, bool) {
    let mut state = h1::Chunked::default();
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for read in reads {
        buf.extend_from_slice(read);
        match state.decode(&mut buf) {
            Ok(step) => {
                if let Some(data) = step.data {
                    out.extend_from_slice(&data);
                }
                if step.finished {
                    return (out, true, false);
                }
            }
            Err(_) => return (out, false, true),
        }
    }
    // As the connection's reader does: a failure found after payload of
    // the same read is reported next, without more bytes.
    if state.has_failed() && state.decode(&mut buf).is_err() {
        return (out, false, true);
    }
    (out, false, false)
}

/// An answer as read: status, headers, the whole body.
type Read = (u16, Vec<(String, Vec<u8>)>, Vec<u8>);

/// hyper's client reading `answer` to a GET: the status, headers and the
/// whole body, or `None` when hyper does not read all of it.
fn hyper_reads(answer: &[u8]) -> Option<Read> {
    use http_body_util::BodyExt;
    let io = hyper_util::rt::TokioIo::new(h1::probe::Scripted::new(vec![Bytes::copy_from_slice(
        answer,
    )]));
    let run = async move {
        let (mut send, conn) =
            hyper::client::conn::http1::handshake::<_, http_body_util::Empty<Bytes>>(io)
                .await
                .ok()?;
        let request = http::Request::get("/")
            .header("host", "probe")
            .body(http_body_util::Empty::new())
            .ok()?;
        let exchange = async move {
            let response = send.send_request(request).await.ok()?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
                .collect();
            let body = response.into_body().collect().await.ok()?.to_bytes();
            Some((status, headers, body.to_vec()))
        };
        let mut conn = pin!(conn);
        let mut exchange = pin!(exchange);
        let mut conn_done = false;
        // The request is queued first: hyper refuses bytes that come
        // before any request.
        std::future::poll_fn(|cx| {
            if let Poll::Ready(out) = exchange.as_mut().poll(cx) {
                return Poll::Ready(out);
            }
            if !conn_done && conn.as_mut().poll(cx).is_ready() {
                conn_done = true;
            }
            exchange.as_mut().poll(cx)
        })
        .await
    };
    block_on(run).flatten()
}

/// The own path's chunked decoder (sizes, extensions, trailers): the same
/// payload, end and error fed whole and in pieces; and every body hyper
/// decodes whole, it decodes to the same bytes and its end.
pub fn h1_chunked(input: &[u8]) {
    let (splits, data) = split_input(input);
    let whole = decode_chunked(&[data]);
    assert_eq!(
        whole,
        decode_chunked(&pieces(data, splits)),
        "chunked decoding depends on read splits"
    );
    let mut answer = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    answer.extend_from_slice(data);
    if let Some((_, _, body)) = hyper_reads(&answer) {
        assert_eq!(whole, (body, true, false), "hyper decodes this body");
    }
}

/// A whole answer through the own path's reader (head search and parsing,
/// interim answers, `Content-Length`, `Transfer-Encoding`, reading to the
/// close, the body): the same status, headers, body and failure whatever
/// the read splits; and every answer hyper reads whole (but a `101`, which
/// the SDK refuses on a request that asked for no upgrade), it reads the
/// same.
pub fn h1_answer(input: &[u8]) {
    let (splits, data) = split_input(input);
    let read = |reads| block_on(h1::probe::answer(reads)).expect("never pending in memory");
    let whole = read(vec![Bytes::copy_from_slice(data)]);
    assert_eq!(
        whole,
        read(owned_pieces(data, splits)),
        "the answer depends on read splits"
    );
    if let Some((status, headers, body)) = hyper_reads(data) {
        if status != 101 {
            let ours = whole.expect("hyper reads this answer");
            assert_eq!(
                (ours.status, &ours.headers, ours.body.as_ref()),
                (status, &headers, Ok(&body)),
                "hyper reads this answer differently"
            );
        }
    }
}

// ---------------------------------------------------------- error bodies

/// An error answer of any status and body, mapped as every call maps one;
/// `Display` and the accessors never panic either.
pub fn error_body(input: &[u8]) {
    let Some((status, body)) = input.split_first_chunk::<2>() else {
        return;
    };
    let status = 100 + u16::from_le_bytes(*status) % 500;
    let Ok(status) = http::StatusCode::from_u16(status) else {
        return;
    };
    let response = http::Response::builder()
        .status(status)
        .body(Bytes::copy_from_slice(body))
        .map(reqwest::Response::from);
    let Ok(response) = response else {
        return;
    };
    let e = crate::negotiate::map_raw_error::<docker_engine_raw::types::ErrorResponse>(
        docker_engine_raw::Error::UnexpectedResponse(response),
        "ContainerInspect",
        docker_engine_raw::versions::NEWEST,
    )
    .now_or_never()
    .expect("the body is in memory");
    let _ = (e.to_string(), e.status(), e.engine_message(), e.operation());
}

// ------------------------------------------------------- the user's input

/// Every parser of the user's own strings: engine addresses, API
/// versions, port publications, binds, sizes, command lines, mounts, image
/// references. What parses prints back to something that parses the same.
pub fn user_input(input: &[u8]) {
    use crate::types::{Bind, ByteSize, CommandLine, PortPublish};
    use crate::versions::ApiVersion;
    let Ok(s) = std::str::from_utf8(input) else {
        return;
    };
    if let Ok(h) = crate::Host::parse(s) {
        let again = crate::Host::parse(&h.to_string()).expect("a host prints as a host");
        assert_eq!(h, again);
    }
    if let Ok(v) = s.parse::<ApiVersion>() {
        assert_eq!(v.to_string().parse::<ApiVersion>().ok(), Some(v));
    }
    let _ = s.parse::<PortPublish>();
    if let Ok(b) = s.parse::<Bind>() {
        let _ = b
            .to_bind_string()
            .parse::<Bind>()
            .expect("a bind prints as a bind");
    }
    let _ = s.parse::<ByteSize>();
    let _ = s.parse::<CommandLine>();
    let _ = s.parse::<crate::types::Mount>();
    if let Ok(r) = crate::reference::Reference::parse(s) {
        let again = crate::reference::Reference::parse(&r.to_string())
            .expect("a reference prints as a reference");
        assert_eq!(r.to_string(), again.to_string());
    }
    let _ = crate::reference::parse_repository_tag(s);
}

/// `.dockerignore` parsing and matching of any bytes.
pub fn dockerignore(input: &[u8]) {
    crate::images::fuzz_dockerignore(input);
}

/// A `config.json` of any bytes: loaded as the CLI configuration, then
/// every reading of it the SDK makes (context, detach keys, proxies,
/// `HttpHeaders`, the credentials of a registry from `auths`), and a
/// context's `meta.json` of the same bytes.
pub fn cli_config(input: &[u8]) {
    let Ok(dir) = tempfile_dir() else { return };
    if std::fs::write(dir.join("config.json"), input).is_err() {
        return;
    }
    if let Ok(config) = crate::config::CliConfig::load_dir(&dir) {
        let _ = config.current_context();
        let _ = config.detach_keys();
        let _ = config.proxy_env("unix:///var/run/docker.sock");
        let _ = config.http_headers();
        // Only `auths` is read: with no PATH, no credential helper runs.
        let creds = crate::credentials::Credentials::new(std::sync::Arc::new(config), Vec::new());
        for key in [
            "https://index.docker.io/v1/",
            "localhost:5000",
            "registry.example",
        ] {
            let _ = creds.get(key).now_or_never();
        }
        let name = "fuzz";
        let meta = dir
            .join("contexts/meta")
            .join(crate::config::hex_sha256(name));
        if std::fs::create_dir_all(&meta).is_ok()
            && std::fs::write(meta.join("meta.json"), input).is_ok()
        {
            if let Ok(config) = crate::config::CliConfig::load_dir(&dir) {
                let _ = config.context_endpoint(name);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "dre-fuzz-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed inputs of every target (a minimized corpus, and every
    /// input that once failed) run through it: what the fuzzers found
    /// stays fixed.
    #[test]
    fn committed_fuzz_inputs_pass() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
        for (name, target) in TARGETS {
            let dir = root.join(name);
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            assert!(!files.is_empty(), "no committed inputs for {name}");
            for file in files {
                let input = std::fs::read(&file).unwrap();
                if std::panic::catch_unwind(|| target(&input)).is_err() {
                    panic!("{name}: {} fails", file.display());
                }
            }
        }
    }

    /// The references are checks, not copies: each disagrees with the SDK
    /// where the SDK is deliberately more lenient or where they must.
    #[test]
    fn references_can_disagree() {
        // hyper wants CRLF; the SDK also takes a bare LF.
        assert!(
            hyper_reads(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\nx\n0\n\n")
                .is_none()
        );
        assert_eq!(
            decode_chunked(&[b"1\nx\n0\n\n"]),
            (b"x".to_vec(), true, false)
        );
        assert_eq!(
            hyper_reads(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi").map(|r| r.2),
            Some(b"hi".to_vec())
        );
        // A frame cut short is a truncation in the documented format.
        assert_eq!(
            reference_demux(&[1, 0, 0, 0, 0, 0, 0, 3, b'a']),
            vec![
                Event::Data(StdStream::Stdout, b"a".to_vec()),
                Event::Truncated
            ]
        );
    }
}
