//! The local registries' own v2 API, for tests that push to them and must
//! delete what they pushed.

/// Deletes every tag's manifest of `repo` from the registry (its v2 API).
pub async fn delete_repo(registry: &str, repo: &str, auth: Option<(&str, &str)>) {
    let (_, _, body) = http(registry, "GET", &format!("/v2/{repo}/tags/list"), auth).await;
    let tags: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    for tag in tags["tags"].as_array().cloned().unwrap_or_default() {
        let Some(tag) = tag.as_str() else { continue };
        let (_, head, _) = http(
            registry,
            "HEAD",
            &format!("/v2/{repo}/manifests/{tag}"),
            auth,
        )
        .await;
        let digest = head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("docker-content-digest")
                .then(|| v.trim().to_string())
        });
        if let Some(digest) = digest {
            http(
                registry,
                "DELETE",
                &format!("/v2/{repo}/manifests/{digest}"),
                auth,
            )
            .await;
        }
    }
}

/// Writes `dir/config.json` as `docker login` leaves it for `registry`:
/// `auths` with the base64 `user:password`.
pub fn write_config_auths(dir: &std::path::Path, registry: &str, user: &str, password: &str) {
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    std::fs::write(
        dir.join("config.json"),
        serde_json::json!({"auths": {registry: {"auth": basic}}}).to_string(),
    )
    .unwrap();
}

/// One plain HTTP/1.1 request to the registry: status, head, body.
pub async fn http(
    registry: &str,
    method: &str,
    path: &str,
    auth: Option<(&str, &str)>,
) -> (u16, String, Vec<u8>) {
    use base64::Engine as _;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut conn) = tokio::net::TcpStream::connect(registry).await else {
        return (0, String::new(), Vec::new());
    };
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {registry}\r\nConnection: close\r\nAccept: application/vnd.docker.distribution.manifest.v2+json\r\n"
    );
    if let Some((u, p)) = auth {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
        req.push_str(&format!("Authorization: Basic {token}\r\n"));
    }
    req.push_str("\r\n");
    if conn.write_all(req.as_bytes()).await.is_err() {
        return (0, String::new(), Vec::new());
    }
    let mut raw = Vec::new();
    let _ = conn.read_to_end(&mut raw).await;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = raw.get(split + 4..).unwrap_or_default().to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head, body)
}
