//! The client: configuration, the shared connection pool, and the version
//! session every request goes through.

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use docker_engine_raw as raw;
use docker_engine_raw::exec::Hook;
use docker_engine_raw::ops::Operation;
use docker_engine_raw::versions;
use progenitor_client::ResponseValue;
use tracing::Instrument;

use crate::config::{self, CliConfig};
use crate::error::{Error, Result};
use crate::negotiate::{self, Negotiated};
use crate::transport::{self, ConnectOptions, Host, TlsSettings};
use crate::versions::ApiVersion;

/// A Docker Engine client.
///
/// Cheap to clone (clones share one connection pool and one negotiated
/// version) and safe to use from many tasks at once.
///
/// ```no_run
/// # async fn demo() -> docker_engine::Result<()> {
/// let docker = docker_engine::Docker::from_env()?;
/// let version = docker.system().version().await?;
/// println!("engine {:?}, API {}", version.version, docker.api_version().await?);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Docker {
    inner: Arc<Inner>,
}

struct Inner {
    host: Host,
    http: reqwest::Client,
    base_url: String,
    ssh: Option<transport::ssh::SshBridge>,
    /// What the generated client sends requests with.
    executor: raw::exec::Executor,
    /// The generated client without a version in its paths: calls made
    /// before the version is known start there, and their hook inserts it.
    unversioned: raw::Client,
    /// The path of `base_url` (empty for every host the SDK knows today),
    /// after which the version goes.
    base_path_len: usize,
    pinned: Option<ApiVersion>,
    response_timeout: Option<Duration>,
    session: RwLock<Option<Arc<Session>>>,
    negotiating: tokio::sync::Mutex<()>,
    /// Swappable: [`Docker::reload_config`] replaces it while calls run.
    cli: RwLock<Arc<CliConfig>>,
    credstore_env: Vec<(String, String)>,
}

/// The raw client for the version in use, and that version.
pub(crate) struct Session {
    pub version: ApiVersion,
    pub raw: raw::Client,
}

impl fmt::Debug for Docker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Docker")
            .field("host", &self.inner.host)
            .field("pinned_version", &self.inner.pinned)
            .field("negotiated_version", &self.negotiated_version())
            .finish_non_exhaustive()
    }
}

/// Which API version to speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum VersionSetting {
    /// Agree on one with the engine on the first request (the default).
    #[default]
    Auto,
    /// Always this one; no negotiation.
    Fixed(ApiVersion),
}

/// Configures a [`Docker`] client; start from [`Docker::builder`] (nothing
/// preset) or [`DockerBuilder::from_env`] (what the Docker CLI would use).
///
/// ```no_run
/// use std::time::Duration;
/// use docker_engine::{Docker, VersionSetting};
/// use docker_engine::versions::ApiVersion;
///
/// let docker = Docker::builder()
///     .host("tcp://10.0.0.5:2376")?
///     .tls(docker_engine::TlsSettings::from_cert_dir("/etc/docker/client"))
///     .version(VersionSetting::Fixed(ApiVersion::new(1, 44)))
///     .connect_timeout(Duration::from_secs(5))
///     .build()?;
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct DockerBuilder {
    host: Host,
    tls: Option<TlsSettings>,
    version: VersionSetting,
    connect: ConnectOptions,
    response_timeout: Option<Duration>,
    cli: CliConfig,
    credstore_env: Vec<(String, String)>,
}

impl Default for DockerBuilder {
    fn default() -> Self {
        DockerBuilder {
            host: Host::default(),
            tls: None,
            version: VersionSetting::Auto,
            connect: ConnectOptions {
                connect_timeout: Some(Duration::from_secs(30)),
                idle_stream_timeout: None,
                user_agent: format!("docker-engine-rs/{}", env!("CARGO_PKG_VERSION")),
                pool_max_idle_per_host: 16,
                ssh_program: "ssh".into(),
                own_http1: true,
            },
            response_timeout: Some(Duration::from_secs(120)),
            cli: CliConfig::default(),
            credstore_env: Vec::new(),
        }
    }
}

impl DockerBuilder {
    /// Settings as the Docker CLI would resolve them: `DOCKER_HOST`,
    /// `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`, `DOCKER_API_VERSION`,
    /// `DOCKER_CONTEXT`, `currentContext` in `config.json` under
    /// `DOCKER_CONFIG`, else the default socket.
    pub fn from_env() -> Result<DockerBuilder> {
        Self::from_resolved(config::resolve(&config::ProcessEnv)?)
    }

    fn from_resolved(r: config::Resolved) -> Result<DockerBuilder> {
        let mut b = DockerBuilder {
            host: r.host,
            tls: r.tls,
            cli: r.cli,
            ..DockerBuilder::default()
        };
        if let Some(v) = r.version {
            supported(v)
                .map_err(|why| Error::invalid_input(format!("DOCKER_API_VERSION={v}: {why}")))?;
            b.version = VersionSetting::Fixed(v);
        }
        Ok(b)
    }

    /// The engine's address (`unix://`, `tcp://`, `http://`, `https://`,
    /// `ssh://`).
    pub fn host(mut self, host: &str) -> Result<Self> {
        self.host = Host::parse(host)?;
        Ok(self)
    }

    /// The engine's address, already parsed.
    pub fn host_parsed(mut self, host: Host) -> Self {
        self.host = host;
        self
    }

    /// TLS settings (used for `tcp://` and `https://` addresses).
    pub fn tls(mut self, tls: TlsSettings) -> Self {
        self.tls = Some(tls);
        self
    }

    /// No TLS for `tcp://` addresses.
    pub fn no_tls(mut self) -> Self {
        self.tls = None;
        self
    }

    /// Negotiate (the default) or pin the API version.
    pub fn version(mut self, version: VersionSetting) -> Self {
        self.version = version;
        self
    }

    /// How long connecting may take (default 30 s; `None`: no limit).
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect.connect_timeout = timeout.into();
        self
    }

    /// How long a call may wait for its answer (default 120 s; `None`: no
    /// limit). For streams (logs, events, stats, pulls, ...) it covers only
    /// the response headers: the stream itself is never cut by it. Calls
    /// that wait for the engine to act (waiting on a container, stopping it
    /// with a grace period) are not limited by it.
    pub fn response_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.response_timeout = timeout.into();
        self
    }

    /// How long a stream may stay silent before it fails (default: no
    /// limit). A logs-follow or events stream may legitimately be quiet for
    /// hours; set this only if that is not so for you.
    pub fn stream_idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect.idle_stream_timeout = timeout.into();
        self
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.connect.user_agent = agent.into();
        self
    }

    /// How many idle connections to keep for reuse (default 16).
    pub fn pool_size(mut self, size: usize) -> Self {
        self.connect.pool_max_idle_per_host = size;
        self
    }

    /// The ssh program for `ssh://` addresses (default `ssh` on `PATH`).
    pub fn ssh_program(mut self, program: impl Into<String>) -> Self {
        self.connect.ssh_program = program.into();
        self
    }

    /// Whether GET and HEAD requests, and POST requests without a body
    /// (pulls, pushes, starts, ...), to Unix sockets, plain TCP and ssh
    /// engines go over the SDK's own HTTP/1.1 connections (the default:
    /// `true`), which read answers and log streams with less CPU, or
    /// through reqwest like every other request (`false`). Answers,
    /// errors and pooling are the same either way; TLS engines always use
    /// reqwest.
    pub fn own_http1(mut self, on: bool) -> Self {
        self.connect.own_http1 = on;
        self
    }

    /// The Docker CLI configuration to follow for detach keys and proxies
    /// ([`DockerBuilder::from_env`] loads it from `DOCKER_CONFIG`).
    pub fn cli_config(mut self, config: CliConfig) -> Self {
        self.cli = config;
        self
    }

    /// An environment variable for credential helpers
    /// (`docker-credential-*`) when they run, as docker-py's
    /// `credstore_env`.
    pub fn credstore_env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.credstore_env.push((name.into(), value.into()));
        self
    }

    /// Builds the client. Nothing is sent until the first call.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a pinned version this SDK does not
    /// speak, or TLS material that cannot be read.
    pub fn build(self) -> Result<Docker> {
        let pinned = match self.version {
            VersionSetting::Auto => None,
            VersionSetting::Fixed(v) => {
                supported(v)
                    .map_err(|why| Error::invalid_input(format!("API version {v}: {why}")))?;
                Some(v)
            }
        };
        let t = transport::build(&self.host, self.tls.as_ref(), &self.connect)?;
        let executor = match t.pool {
            Some(pool) => raw::exec::Executor::with_transport(pool),
            None => raw::exec::Executor::default(),
        };
        let unversioned =
            raw::Client::new_with_client(&t.base_url, t.http.clone(), executor.clone());
        let base_path_len = reqwest::Url::parse(&t.base_url)
            .map(|u| u.path().trim_end_matches('/').len())
            .unwrap_or(0);
        Ok(Docker {
            inner: Arc::new(Inner {
                host: self.host,
                http: t.http,
                base_url: t.base_url,
                ssh: t.ssh,
                executor,
                unversioned,
                base_path_len,
                pinned,
                response_timeout: self.response_timeout,
                session: RwLock::new(None),
                negotiating: tokio::sync::Mutex::new(()),
                cli: RwLock::new(Arc::new(self.cli)),
                credstore_env: self.credstore_env,
            }),
        })
    }
}

/// Whether `e` is a TLS failure (a certificate refused, a handshake that
/// failed), not a daemon that is not there.
fn is_tls_error(e: &(dyn std::error::Error + 'static)) -> bool {
    #[cfg(feature = "tls")]
    {
        if e.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        // Connectors wrap it in I/O errors, sometimes twice.
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            return is_tls_error(inner);
        }
    }
    let _ = e;
    false
}

/// Whether this SDK can speak `v`.
fn supported(v: ApiVersion) -> std::result::Result<(), String> {
    if (versions::OLDEST..=versions::NEWEST).contains(&v) {
        Ok(())
    } else {
        Err(format!(
            "this SDK speaks API {} to {}",
            versions::OLDEST,
            versions::NEWEST
        ))
    }
}

/// How the response timeout applies, by kind of call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// The whole answer must come within the response timeout.
    Prompt,
    /// A stream: the response headers must come within the timeout; the
    /// stream itself is never cut by it.
    Stream,
    /// The engine answers when something happens (a container exits, a
    /// grace period ends): not limited.
    Unbounded,
}

impl Docker {
    /// A client configured as the Docker CLI would be (see
    /// [`DockerBuilder::from_env`]).
    pub fn from_env() -> Result<Docker> {
        DockerBuilder::from_env()?.build()
    }

    /// A builder with nothing preset: the default socket, negotiation on.
    pub fn builder() -> DockerBuilder {
        DockerBuilder::default()
    }

    /// The engine's address.
    pub fn host(&self) -> &Host {
        &self.inner.host
    }

    /// The Docker CLI configuration in use (empty for
    /// [`Docker::builder`]): the one the client was built from, or the last
    /// [`Docker::reload_config`] read.
    pub fn cli_config(&self) -> Arc<CliConfig> {
        match self.inner.cli.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reads `config.json` again from the directory the configuration came
    /// from (docker-py's `reload_config`): credentials, credential helpers,
    /// proxies, detach keys and `HttpHeaders` apply to the calls made from
    /// then on, by this client and its clones, without rebuilding it (the
    /// connection pool and the negotiated version are kept). A client
    /// without a configuration directory keeps its empty configuration.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `config.json` cannot be read or is not
    /// valid JSON (the configuration in use is kept).
    ///
    /// ```no_run
    /// # fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// // after `docker login` elsewhere:
    /// docker.reload_config()?;
    /// # Ok(()) }
    /// ```
    pub fn reload_config(&self) -> Result<()> {
        let Some(dir) = self.cli_config().dir().map(std::path::Path::to_path_buf) else {
            return Ok(());
        };
        self.set_cli_config(CliConfig::load_dir(dir)?);
        Ok(())
    }

    /// Replaces the CLI configuration in use (see [`Docker::reload_config`]).
    pub fn set_cli_config(&self, config: CliConfig) {
        let config = Arc::new(config);
        match self.inner.cli.write() {
            Ok(mut c) => *c = config,
            Err(poisoned) => *poisoned.into_inner() = config,
        }
    }

    /// Environment given to credential helpers.
    pub fn credstore_env(&self) -> &[(String, String)] {
        &self.inner.credstore_env
    }

    /// The API version in use, negotiating first if that has not happened.
    pub async fn api_version(&self) -> Result<ApiVersion> {
        Ok(self.session().await?.version)
    }

    /// [`Docker::api_version`] for an SDK call that needs the version
    /// before it sends anything: a failure to negotiate names `op`, the
    /// operation the user called, not the ping that negotiates.
    pub(crate) async fn version_for(&self, op: &'static str) -> Result<ApiVersion> {
        self.api_version().await.map_err(|e| e.for_operation(op))
    }

    /// The API version in use, if already negotiated or pinned; never sends
    /// anything.
    pub fn negotiated_version(&self) -> Option<ApiVersion> {
        if let Some(v) = self.inner.pinned {
            return Some(v);
        }
        self.inner
            .session
            .read()
            .ok()
            .and_then(|s| s.as_ref().map(|s| s.version))
    }

    /// Forgets the negotiated version and negotiates again now (after an
    /// engine upgrade, say). Pinned clients keep their version.
    pub async fn renegotiate(&self) -> Result<ApiVersion> {
        let _guard = self.inner.negotiating.lock().await;
        if let Ok(mut s) = self.inner.session.write() {
            *s = None;
        }
        drop(_guard);
        self.api_version().await
    }

    /// The generated client for the version in use: every endpoint, raw,
    /// still on the SDK's call path: each request is gated by the version
    /// (refused before sending, as [`raw::Error::Custom`]), checked for
    /// empty path parameters, given what the CLI configuration places, and
    /// traced with a `docker.raw` event. Its errors convert into [`Error`]
    /// with `?`. [`Docker::raw_call`] runs one raw call exactly as the
    /// areas do (a `docker.request` span, the response timeout, typed
    /// errors naming the operation).
    ///
    /// # Errors
    /// Negotiating the version may fail as any call does.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let raw = docker.raw().await?;
    /// let all = raw.container_list(Some(true), None, None, None).await?;
    /// println!("{} containers", all.into_inner().map_or(0, |c| c.len()));
    /// # Ok(()) }
    /// ```
    pub async fn raw(&self) -> Result<raw::Client> {
        let session = self.session().await?;
        let cli = self.cli_config();
        Ok(session.raw.with_hook(Arc::new(RawHook {
            version: session.version,
            base_path_len: self.inner.base_path_len,
            detach_keys: cli.detach_keys().map(str::to_string),
            http_headers: cli.http_headers(),
        })))
    }

    /// Runs one call of the generated client through the SDK's call path,
    /// as the areas do: negotiation, gating, placement, the
    /// `docker.request` span, the response timeout (covering the answer's
    /// headers: set a longer one, or none, for calls that wait for the
    /// engine to act), and errors as [`Error`] naming the operation. For an
    /// endpoint or a parameter the SDK has no method for.
    ///
    /// # Errors
    /// As the operation's: [`Error::UnsupportedByVersion`] before sending,
    /// the engine's answer by status, transport and timeout errors.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// let top = docker
    ///     .raw_call(async |c| c.container_top("web-1", Some("aux")).await)
    ///     .await?;
    /// println!("{:?}", top.into_inner().titles);
    /// # Ok(()) }
    /// ```
    pub async fn raw_call<T, E: crate::negotiate::ErrorBody>(
        &self,
        f: impl AsyncFnOnce(&raw::Client) -> std::result::Result<ResponseValue<T>, raw::Error<E>>,
    ) -> Result<ResponseValue<T>> {
        self.call(Answer::Stream, f).await
    }

    /// The session for the version in use; negotiates once for all
    /// concurrent callers.
    pub(crate) async fn session(&self) -> Result<Arc<Session>> {
        if let Some(s) = self.current_session() {
            return Ok(s);
        }
        let _guard = self.inner.negotiating.lock().await;
        if let Some(s) = self.current_session() {
            return Ok(s);
        }
        if let Some(bridge) = &self.inner.ssh {
            bridge.ensure_started()?;
        }
        let version = match self.inner.pinned {
            Some(v) => v,
            None => {
                let Negotiated { version, .. } = self
                    .timed(
                        negotiate::negotiate(&self.inner.unversioned),
                        Answer::Prompt,
                    )
                    .await
                    .map_err(|e| self.explain_transport(e))?;
                version
            }
        };
        let raw = raw::Client::new_with_client(
            &format!("{}/v{version}", self.inner.base_url),
            self.inner.http.clone(),
            self.inner.executor.clone(),
        );
        let session = Arc::new(Session { version, raw });
        if let Ok(mut s) = self.inner.session.write() {
            *s = Some(session.clone());
        }
        Ok(session)
    }

    fn current_session(&self) -> Option<Arc<Session>> {
        self.inner.session.read().ok().and_then(|s| s.clone())
    }

    /// Applies the response timeout to a future.
    async fn timed<T>(
        &self,
        fut: impl std::future::Future<Output = Result<T>>,
        answer: Answer,
    ) -> Result<T> {
        match (answer, self.inner.response_timeout) {
            (Answer::Prompt | Answer::Stream, Some(limit)) => {
                match tokio::time::timeout(limit, fut).await {
                    Ok(r) => r,
                    Err(_) => Err(Error::timeout(
                        "request",
                        crate::error::TimeoutPhase::Answer,
                        Some(limit),
                    )),
                }
            }
            _ => fut.await,
        }
    }

    /// Says where a connection failed and what to check: the engine's
    /// address, the cause at the bottom of the chain, and what ssh said
    /// for a transport error over ssh.
    fn explain_transport(&self, e: Error) -> Error {
        let Error::Transport { context, source } = e else {
            return e;
        };
        if context.contains(" (via `") || context.contains("cannot connect to the Docker engine at")
        {
            // Explained already.
            return Error::Transport { context, source };
        }
        let mut context = match context.strip_suffix("cannot connect to the engine") {
            Some(prefix) => {
                let cause = std::iter::successors(
                    Some(&*source as &(dyn std::error::Error + 'static)),
                    |e| e.source(),
                )
                .last()
                .map(ToString::to_string)
                .unwrap_or_default();
                let tls_failure = std::iter::successors(
                    Some(&*source as &(dyn std::error::Error + 'static)),
                    |e| e.source(),
                )
                .any(is_tls_error);
                let hint = match &self.inner.host {
                    _ if tls_failure => {
                        "check the TLS settings: the CA, the client certificate, the engine's name"
                    }
                    Host::Unix(_) => {
                        "is the Docker daemon running, and may this user open its socket?"
                    }
                    Host::Tcp { .. } => "is the Docker daemon running and listening there?",
                    Host::Ssh { .. } => "can ssh reach the host, and does `docker` run there?",
                };
                format!(
                    "{prefix}cannot connect to the Docker engine at {}: {cause}; {hint}",
                    self.inner.host
                )
            }
            None => context,
        };
        if let Some(bridge) = &self.inner.ssh {
            let why = bridge
                .last_error()
                .unwrap_or_else(|| "no message from ssh".into());
            context = format!("{context} (via `{}`: {why})", bridge.command_line());
        }
        Error::Transport { context, source }
    }

    /// Runs one raw call: a tracing span, gating and placement (in the
    /// [`CallHook`] every request passes, from the request actually being
    /// sent and the generated operation table), the response timeout by
    /// kind of call, and error mapping with the operation's id.
    pub(crate) async fn call<T, E: crate::negotiate::ErrorBody>(
        &self,
        answer: Answer,
        f: impl AsyncFnOnce(&raw::Client) -> std::result::Result<ResponseValue<T>, raw::Error<E>>,
    ) -> Result<ResponseValue<T>> {
        let session = self.current_session();
        let span = tracing::debug_span!(
            "docker.request",
            op = tracing::field::Empty,
            method = tracing::field::Empty,
            path = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let cli = self.cli_config();
        let hook = Arc::new(CallHook {
            docker: self.clone(),
            version: OnceLock::new(),
            span: Some(span.clone()),
            detach_keys: cli.detach_keys().map(str::to_string),
            http_headers: cli.http_headers(),
            op: OnceLock::new(),
            failure: Mutex::new(None),
        });
        // Before the version is known, the request is built without it and
        // the hook negotiates (naming this call's operation if that fails)
        // and inserts it before anything of the request is sent.
        let client = match &session {
            Some(session) => {
                let _ = hook.version.set(session.version);
                session.raw.with_hook(hook.clone())
            }
            None => self.inner.unversioned.with_hook(hook.clone()),
        };
        let started = Instant::now();
        // The request's future is large (the generated call, reqwest and the
        // decoded answer live in it); boxed once, the wrappers below move a
        // pointer instead of copying it at every layer.
        let request = Box::pin(async {
            match f(&client).await {
                Ok(v) => Ok(v),
                Err(raw::Error::Custom(message)) => Err(hook
                    .failed()
                    .unwrap_or_else(|| Error::invalid_input(message))),
                Err(e) => {
                    Err(crate::negotiate::map_raw_error(e, hook.op_id(), hook.version()).await)
                }
            }
        });
        let result = self
            .timed(request, answer)
            .instrument(span.clone())
            .await
            .map_err(|e| match e {
                // The operation is known once the request was built.
                Error::Timeout {
                    operation: "request",
                    phase,
                    after,
                    ..
                } => Error::timeout(hook.op_id(), phase, after),
                e => self.explain_transport(e),
            });
        let status = match &result {
            Ok(v) => v.status().as_u16(),
            Err(e) => e.status().unwrap_or(0),
        };
        span.record("status", status);
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        result
    }
}

/// What every request of one call passes before it is sent: it learns the
/// operation from the generated table, names it in the call's span,
/// negotiates the version if that has not happened (and puts it in the
/// path), refuses empty path parameters, places what the CLI configuration
/// adds (detach keys), and refuses what the version lacks, judging the
/// request as it will be sent.
struct CallHook {
    docker: Docker,
    version: OnceLock<ApiVersion>,
    /// The call's span (`None` for the raw client's requests, which have
    /// no call around them).
    span: Option<tracing::Span>,
    detach_keys: Option<String>,
    /// `HttpHeaders` from `config.json`, on every request.
    http_headers: Vec<(http::HeaderName, http::HeaderValue)>,
    op: OnceLock<&'static Operation>,
    failure: Mutex<Option<Error>>,
}

impl CallHook {
    fn op_id(&self) -> &'static str {
        self.op.get().map_or("request", |op| op.id)
    }

    fn version(&self) -> ApiVersion {
        self.version.get().copied().unwrap_or(versions::NEWEST)
    }

    /// The error the hook stopped the request with, as the SDK's error.
    fn failed(&self) -> Option<Error> {
        self.failure.lock().ok()?.take()
    }

    /// Keeps `e` for the call and hands the generated method its message.
    fn fail(&self, e: Error) -> String {
        let message = e.to_string();
        if let Ok(mut slot) = self.failure.lock() {
            *slot = Some(e);
        }
        message
    }

    async fn prepare(
        &self,
        request: &mut reqwest::Request,
        op: &'static Operation,
    ) -> std::result::Result<(), String> {
        let _ = self.op.set(op);
        if let Some(span) = &self.span {
            span.record("op", op.id);
            span.record("method", op.method);
            span.record("path", op.path);
        }
        let version = match self.version.get() {
            Some(v) => *v,
            None => {
                let session = self
                    .docker
                    .session()
                    .await
                    .map_err(|e| self.fail(e.for_operation(op.id)))?;
                let _ = self.version.set(session.version);
                insert_version(request, self.docker.inner.base_path_len, session.version);
                session.version
            }
        };
        check_path_params(request, op, self.docker.inner.base_path_len)
            .map_err(|e| self.fail(e))?;
        crate::placement::place(request, op, self.detach_keys.as_deref());
        crate::placement::renamed_query(request, op, version);
        crate::placement::http_headers(request, &self.http_headers);
        versions::check_request(op, request, version).map_err(|refusal| {
            self.fail(Error::UnsupportedByVersion {
                what: refusal.what.clone(),
                since: refusal.availability.since(),
                until: refusal.availability.until(),
                negotiated: version,
            })
        })
    }
}

impl Hook for CallHook {
    fn before_send<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        op: &'static Operation,
    ) -> raw::exec::Preparing<'a> {
        Box::pin(self.prepare(request, op))
    }
}

/// Puts `/v{version}` after the base path of a request built without it.
fn insert_version(request: &mut reqwest::Request, base_path_len: usize, version: ApiVersion) {
    let url = request.url_mut();
    let path = url.path();
    let (base, rest) = path.split_at(base_path_len.min(path.len()));
    let versioned = format!("{base}/v{version}{rest}");
    url.set_path(&versioned);
}

/// Refuses a request whose path parameter is empty (`inspect("")` would
/// name another route, or none); the engine would answer with a redirect
/// or a confusing 404.
fn check_path_params(
    request: &reqwest::Request,
    op: &'static Operation,
    base_path_len: usize,
) -> Result<()> {
    if !op.path.contains('{') {
        return Ok(());
    }
    let path = request.url().path();
    let path = path.get(base_path_len.min(path.len())..).unwrap_or(path);
    // Skip the version segment.
    let path = match path.strip_prefix("/v") {
        Some(rest) => rest.find('/').map_or("", |i| &rest[i..]),
        None => path,
    };
    let template: Vec<&str> = op.path.split('/').collect();
    let actual: Vec<&str> = path.split('/').collect();
    if template.len() != actual.len() {
        return Ok(());
    }
    for (t, a) in template.iter().zip(&actual) {
        if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            if a.is_empty() {
                return Err(Error::invalid_input(format!(
                    "{}: the {name} is empty",
                    op.id
                )));
            }
        }
    }
    Ok(())
}

/// The hook of [`Docker::raw`]'s client: the same gating, path check and
/// placement as [`CallHook`], for requests of calls the SDK does not run
/// (no span of its own around them: an event instead).
struct RawHook {
    version: ApiVersion,
    base_path_len: usize,
    detach_keys: Option<String>,
    http_headers: Vec<(http::HeaderName, http::HeaderValue)>,
}

impl Hook for RawHook {
    fn before_send<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        op: &'static Operation,
    ) -> raw::exec::Preparing<'a> {
        Box::pin(async move {
            tracing::debug!(
                target: "docker.raw",
                op = op.id,
                method = op.method,
                path = op.path,
                "raw request"
            );
            check_path_params(request, op, self.base_path_len).map_err(|e| e.to_string())?;
            crate::placement::place(request, op, self.detach_keys.as_deref());
            crate::placement::renamed_query(request, op, self.version);
            crate::placement::http_headers(request, &self.http_headers);
            versions::check_request(op, request, self.version).map_err(|r| r.to_string())
        })
    }
}
