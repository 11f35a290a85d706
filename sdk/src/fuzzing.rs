//! Entry points for the fuzz targets in `fuzz/`: the parsers of what
//! engines send that are not public. Built only with `--cfg fuzzing` (as
//! `cargo fuzz` builds), never part of the API.
//!
//! Each entry point checks, besides "no panic", that the outcome does not
//! depend on how the input was split into reads: the SDK must decode the
//! same bytes the same way whatever the network's chunking.

use bytes::{Bytes, BytesMut};
use futures_util::FutureExt;

use crate::transport::h1;

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

/// Decodes a chunked body fed whole and fed in pieces: the payload, the
/// end and any error must be the same.
pub fn chunked(input: &[u8], splits: &[u8]) {
    let whole = decode_chunked(&[input]);
    let split = decode_chunked(&pieces(input, splits));
    assert_eq!(whole, split, "chunked decoding depends on read splits");
}

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

/// An answer's head: parsed and framed as the own HTTP/1.1 path does
/// (status line, headers, `Content-Length`, `Transfer-Encoding`,
/// keep-alive), then its body by that framing.
pub fn answer(input: &[u8], splits: &[u8]) {
    if let Some((_reuse, body)) = h1::fuzz_head(input) {
        chunked(body, splits);
    }
}

/// An error answer with `status` and `body`, mapped as every call maps
/// one.
pub fn error_body(status: u16, body: &[u8]) {
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
    // Display and the accessors never panic either.
    let _ = (e.to_string(), e.status(), e.engine_message(), e.operation());
}

/// A `config.json` of any bytes: loaded as the CLI configuration, then
/// every reading of it the SDK makes (context, detach keys, proxies,
/// `HttpHeaders`, the credentials of a registry from `auths`).
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
        // And the context it names, if the input set one, with a meta.json
        // of the same bytes.
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
