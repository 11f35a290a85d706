//! A fake engine for the tests of what goes on the wire: it reads every
//! request whole (a `Content-Length` or chunked body), records it exactly
//! as it arrived (repeated query keys kept), and answers what the test's
//! function says.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A request as the fake engine received it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// The query, decoded (for a repeated key, its last value).
    pub query: BTreeMap<String, String>,
    /// The query, decoded, in order, repeated keys kept.
    pub query_pairs: Vec<(String, String)>,
    /// The query as sent.
    pub raw_query: String,
    /// Header names in lower case, values trimmed.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    /// Whether the request asks for a protocol upgrade.
    pub fn upgrade(&self) -> bool {
        self.headers.iter().any(|(k, _)| k == "upgrade")
    }
}

/// Every request received, in order.
pub type Log = Arc<Mutex<Vec<Seen>>>;

/// What the fake engine sends back.
pub enum Reply {
    /// An answer: the status (`200 OK`), header lines each ending in
    /// `\r\n`, and the body (its `Content-Length` is added).
    Http {
        status: String,
        headers: String,
        body: Vec<u8>,
    },
    /// Bytes sent as they are, then the connection's end (a hijacked or
    /// upgraded stream).
    Raw(Vec<u8>),
}

/// Percent-decoding of a query component (`+` is a space).
pub fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Starts a fake engine on 127.0.0.1 that answers with `answer`; its
/// address (`tcp://…`) and the log of what it received.
pub async fn start<F>(answer: F) -> (String, Log)
where
    F: Fn(&Seen) -> Reply + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log: Log = Arc::default();
    let seen = log.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            let seen = seen.clone();
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut conn = BufReader::new(conn);
                loop {
                    let Some(request) = read_request(&mut conn).await else {
                        return;
                    };
                    seen.lock().unwrap().push(request.clone());
                    match answer(&request) {
                        Reply::Http {
                            status,
                            headers,
                            body,
                        } => {
                            let head = format!(
                                "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\n\r\n",
                                body.len()
                            );
                            conn.get_mut().write_all(head.as_bytes()).await.unwrap();
                            conn.get_mut().write_all(&body).await.unwrap();
                        }
                        Reply::Raw(bytes) => {
                            conn.get_mut().write_all(&bytes).await.unwrap();
                            let _ = conn.get_mut().shutdown().await;
                            return;
                        }
                    }
                }
            });
        }
    });
    (format!("tcp://{addr}"), log)
}

async fn read_request(conn: &mut BufReader<tokio::net::TcpStream>) -> Option<Seen> {
    let mut line = String::new();
    if conn.read_line(&mut line).await.unwrap_or(0) == 0 {
        return None;
    }
    let mut headers = Vec::new();
    let mut len = 0usize;
    let mut chunked = false;
    loop {
        let mut h = String::new();
        conn.read_line(&mut h).await.unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':').unwrap();
        let (k, v) = (k.to_ascii_lowercase(), v.trim().to_string());
        if k == "content-length" {
            len = v.parse().unwrap();
        }
        if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
            chunked = true;
        }
        headers.push((k, v));
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            conn.read_line(&mut size).await.unwrap();
            let size = usize::from_str_radix(size.trim(), 16).unwrap();
            let mut chunk = vec![0; size + 2];
            conn.read_exact(&mut chunk).await.unwrap();
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        body = vec![0; len];
        conn.read_exact(&mut body).await.unwrap();
    }
    let mut parts = line.split(' ');
    let method = parts.next().unwrap().to_string();
    let target = parts.next().unwrap().to_string();
    let (path, raw_query) = target.split_once('?').unwrap_or((&target, ""));
    let query_pairs: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect();
    Some(Seen {
        method,
        path: path.to_string(),
        query: query_pairs.iter().cloned().collect(),
        query_pairs,
        raw_query: raw_query.to_string(),
        headers,
        body,
    })
}

/// The requests received since the last call, pings left out.
pub fn taken(log: &Log) -> Vec<Seen> {
    std::mem::take(&mut *log.lock().unwrap())
        .into_iter()
        .filter(|s| s.path != "/_ping")
        .collect()
}
