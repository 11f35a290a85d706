//! How requests reach the engine: a Unix socket, TCP, TLS over TCP, or ssh
//! (through a private Unix socket bridged to `docker system dial-stdio`).
//! Everything ends up as one pooled `reqwest::Client` and a base URL.

#[cfg(test)]
mod differential;
pub(crate) mod h1;
mod host;
pub(crate) mod ssh;
mod tls;

use std::time::Duration;

pub use host::{Host, DEFAULT_SOCKET};
pub use tls::{Pem, TlsSettings};

use crate::error::{Error, Result};

/// Connection settings that shape the HTTP client.
#[derive(Clone, Debug)]
pub(crate) struct ConnectOptions {
    pub connect_timeout: Option<Duration>,
    pub idle_stream_timeout: Option<Duration>,
    pub user_agent: String,
    pub pool_max_idle_per_host: usize,
    pub ssh_program: String,
    /// GET and HEAD requests (and POST without a body) on Unix sockets, plain TCP and ssh through the
    /// SDK's own HTTP/1.1 connections (`h1`); otherwise through reqwest.
    pub own_http1: bool,
}

/// The HTTP client for a host, its base URL (no version prefix), and the
/// ssh bridge when the host is reached over ssh.
pub(crate) struct Transport {
    pub http: reqwest::Client,
    pub base_url: String,
    pub ssh: Option<ssh::SshBridge>,
    /// The SDK's own connections for GET, HEAD and body-less POST requests
    /// (not for TLS,
    /// which goes through `http` alone).
    pub pool: Option<std::sync::Arc<h1::Pool>>,
}

/// A TLS setup for a reqwest client that never uses TLS (see
/// `tls::backend::unused_config`); for tests that build their own client.
#[cfg(all(test, feature = "tls"))]
pub(crate) fn tls_unused_config() -> Result<rustls::ClientConfig> {
    tls::backend::unused_config()
}

pub(crate) fn build(
    host: &Host,
    tls: Option<&TlsSettings>,
    opts: &ConnectOptions,
) -> Result<Transport> {
    let mut builder = reqwest::Client::builder()
        .user_agent(opts.user_agent.clone())
        .pool_max_idle_per_host(opts.pool_max_idle_per_host)
        // The engine is never behind an HTTP proxy from the client's side;
        // proxy variables are for what containers reach.
        .no_proxy()
        // The engine answers where it is asked: a redirect would be a
        // surprise to report, not to follow (with the registry credentials
        // some requests carry). No retries behind the caller's back either.
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never())
        .http1_only();
    if let Some(t) = opts.connect_timeout {
        builder = builder.connect_timeout(t);
    }
    if let Some(t) = opts.idle_stream_timeout {
        // Applies to each read, so it bounds silence, never a whole stream.
        builder = builder.read_timeout(t);
    }
    let mut ssh_bridge = None;
    #[cfg(feature = "tls")]
    if !host.uses_tls(tls.is_some()) {
        builder = builder.use_preconfigured_tls(tls::backend::unused_config()?);
    }
    // The base URL, and where the SDK's own connections go, with their Host
    // header.
    let (base_url, dial) = match host {
        Host::Unix(path) => {
            builder = builder.unix_socket(path.as_path());
            (
                "http://localhost".to_string(),
                Some((h1::Dial::Unix(path.clone()), "localhost".to_string())),
            )
        }
        Host::Tcp {
            host: name, port, ..
        } => {
            let authority = if name.contains(':') {
                format!("[{name}]:{port}")
            } else {
                format!("{name}:{port}")
            };
            if host.uses_tls(tls.is_some()) {
                #[cfg(feature = "tls")]
                {
                    let settings = tls.cloned().unwrap_or_default();
                    builder = builder.use_preconfigured_tls(settings.client_config()?);
                    (format!("https://{authority}"), None)
                }
                #[cfg(not(feature = "tls"))]
                return Err(Error::invalid_input(format!(
                    "{host} needs TLS, and this build of docker-engine has no TLS: enable its `tls` feature (`docker-engine = {{ version = \"{}\", features = [\"tls\"] }}`)",
                    env!("CARGO_PKG_VERSION")
                )));
            } else {
                (
                    format!("http://{authority}"),
                    Some((h1::Dial::Tcp(authority.clone()), authority)),
                )
            }
        }
        Host::Ssh {
            user,
            host: name,
            port,
        } => {
            let bridge = ssh::SshBridge::new(user.as_deref(), name, *port, &opts.ssh_program)?;
            builder = builder.unix_socket(bridge.socket());
            let dial = (
                h1::Dial::Unix(bridge.socket().to_path_buf()),
                "localhost".to_string(),
            );
            ssh_bridge = Some(bridge);
            ("http://localhost".to_string(), Some(dial))
        }
    };
    let http = builder
        .build()
        .map_err(|e| Error::transport("building the HTTP client", e))?;
    let pool = dial.filter(|_| opts.own_http1).map(|(dial, host)| {
        std::sync::Arc::new(h1::Pool::new(h1::Endpoint {
            dial,
            host,
            user_agent: opts.user_agent.clone(),
            connect_timeout: opts.connect_timeout,
            idle_timeout: opts.idle_stream_timeout,
            max_idle: opts.pool_max_idle_per_host,
            idle_expiry: h1::IDLE_EXPIRY,
        }))
    });
    Ok(Transport {
        http,
        base_url,
        ssh: ssh_bridge,
        pool,
    })
}
