//! The same answers through both HTTP/1.1 paths: the SDK's own connections
//! (`h1`) and reqwest. A corpus of answers (the probes that once set the
//! two apart, and RFC 9112's edge cases) is served by a fake engine on a
//! Unix socket; each is fetched through both, and the status, the headers,
//! the body's bytes and the kind of the SDK error (if any) must be equal.

use std::path::Path;

use bytes::Bytes;
use docker_engine_raw::exec::Transport as _;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::{build, ConnectOptions, Host};
use crate::error::Error;

/// What a fetch came to: status, headers (name and value, in order) and
/// body, or the kind of the SDK error and in which phase.
type Outcome = Result<(u16, Vec<(String, String)>, Bytes), String>;

/// `(name, method, what the engine writes before closing)`.
const CORPUS: &[(&str, &str, &str)] = &[
    ("content-length", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
    ("chunked", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
    ("chunk extensions", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value;flag\r\nhello\r\n0;last\r\n\r\n"),
    ("trailers", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n"),
    ("bytes after the last chunk", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n"),
    ("bytes after a content-length body", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\n"),
    ("transfer-encoding and content-length", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 100\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
    ("chunked not last: until close", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
    ("chunked last of several codings", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
    ("several equal content-lengths", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
    ("a list of equal content-lengths", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello"),
    ("several different content-lengths", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
    ("a list of different content-lengths", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!"),
    ("content-length not a number", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello"),
    ("content-length with a sign", "GET", "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello"),
    ("content-length negative", "GET", "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello"),
    ("content-length empty", "GET", "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\nhello"),
    ("content-length too large", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nhello"),
    ("content-length longer than the body", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhello"),
    ("no length: until close", "GET", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello until the end"),
    ("HTTP/1.0 until close", "GET", "HTTP/1.0 200 OK\r\n\r\nhello"),
    ("HTTP/1.0 with transfer-encoding", "GET", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
    ("204 with content-length", "GET", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello"),
    ("304 with content-length", "GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello"),
    ("HEAD with content-length", "HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"),
    ("HEAD with chunked", "HEAD", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
    ("100 Continue first", "GET", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
    ("103 Early Hints first", "GET", "HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
    ("an error status", "GET", "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n{\"message\":\"no such\"}\n"),
    ("no reason phrase", "GET", "HTTP/1.1 200\r\nContent-Length: 5\r\n\r\nhello"),
    ("header names in any case", "GET", "HTTP/1.1 200 OK\r\nCONTENT-length: 5\r\nX-Mixed-Case: Value\r\n\r\nhello"),
    ("connection: close among tokens", "GET", "HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 5\r\n\r\nhello"),
    ("an unreadable status line", "GET", "HTTP/1.1 abc OK\r\n\r\n"),
    ("not HTTP at all", "GET", "garbage\r\n\r\n"),
    ("a header without a colon", "GET", "HTTP/1.1 200 OK\r\nBroken header\r\nContent-Length: 5\r\n\r\nhello"),
    ("an obsolete folded header", "GET", "HTTP/1.1 200 OK\r\nX-Folded: one\r\n two\r\nContent-Length: 5\r\n\r\nhello"),
    ("a status of four digits", "GET", "HTTP/1.1 2000 OK\r\nContent-Length: 5\r\n\r\nhello"),
    ("closed before any answer", "GET", ""),
    ("closed inside the head", "GET", "HTTP/1.1 200 OK\r\nContent-Len"),
    ("a chunk size that is not hex", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
    ("a chunk without its line end", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"),
    ("a chunk size that overflows", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
    ("chunked cut inside a chunk", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n50\r\nhello"),
    ("chunked cut before the last chunk", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
];

/// A fake engine that answers every connection's first request with
/// `answer` and then closes it.
async fn serve(path: &Path, answer: &'static str) {
    let listener = tokio::net::UnixListener::bind(path).unwrap();
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut conn = BufReader::new(conn);
                loop {
                    let mut line = String::new();
                    if conn.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line.trim().is_empty() {
                        break;
                    }
                }
                let _ = conn.get_mut().write_all(answer.as_bytes()).await;
                let _ = conn.get_mut().shutdown().await;
            });
        }
    });
}

/// The variant of an SDK error.
fn kind(e: &Error) -> String {
    let debug = format!("{e:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The outcome of a response as the SDK would see it.
async fn outcome(sent: reqwest::Result<reqwest::Response>) -> Outcome {
    let response = match sent {
        Ok(r) => r,
        Err(e) => {
            let e = crate::negotiate::raw_error_sync::<()>(
                docker_engine_raw::Error::CommunicationError(e),
                "Test",
            );
            return Err(format!("sending: {}", kind(&e)));
        }
    };
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
        .collect();
    match response.bytes().await {
        Ok(body) => Ok((status, headers, body)),
        Err(e) => {
            let e = crate::negotiate::raw_error_sync::<()>(
                docker_engine_raw::Error::ResponseBodyError(e),
                "Test",
            );
            Err(format!("reading: {}", kind(&e)))
        }
    }
}

#[tokio::test]
async fn both_paths_read_every_answer_alike() {
    let dir = tempfile::tempdir().unwrap();
    let mut differences = Vec::new();
    for (i, (name, method, answer)) in CORPUS.iter().enumerate() {
        let path = dir.path().join(format!("{i}.sock"));
        serve(&path, answer).await;
        let opts = ConnectOptions {
            connect_timeout: Some(std::time::Duration::from_secs(5)),
            idle_stream_timeout: None,
            user_agent: "differential".into(),
            pool_max_idle_per_host: 4,
            ssh_program: "ssh".into(),
            own_http1: true,
        };
        let t = build(&Host::Unix(path), None, &opts).unwrap();
        let pool = t.pool.expect("own connections for a Unix socket");
        let request = reqwest::Request::new(
            method.parse().unwrap(),
            format!("{}/v1.41/containers/abc/json", t.base_url)
                .parse()
                .unwrap(),
        );
        let own = match pool.attempt(&request) {
            Some(attempt) => outcome(attempt.await.expect("the pool answers itself")).await,
            None => panic!("{name}: the pool did not take a {method}"),
        };
        let via_reqwest = outcome(t.http.execute(request.try_clone().unwrap()).await).await;
        if own != via_reqwest {
            differences.push(format!(
                "{name}:\n    own:     {own:?}\n    reqwest: {via_reqwest:?}"
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} answers differ:\n{}",
        differences.len(),
        CORPUS.len(),
        differences.join("\n")
    );
}

#[tokio::test]
async fn the_corpus_has_the_probes_and_the_edge_cases() {
    // Guards the corpus against shrinking unnoticed.
    for needed in [
        "transfer-encoding and content-length",
        "several different content-lengths",
        "chunk extensions",
        "trailers",
        "204 with content-length",
        "304 with content-length",
        "HEAD with content-length",
        "100 Continue first",
        "an unreadable status line",
        "content-length not a number",
        "bytes after the last chunk",
        "connection: close among tokens",
    ] {
        assert!(
            CORPUS.iter().any(|(name, _, _)| *name == needed),
            "{needed}"
        );
    }
}
