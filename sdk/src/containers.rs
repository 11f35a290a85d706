//! Containers: every endpoint of the area, with option structs that have
//! `Default` and chainable setters.

use std::collections::HashMap;
use std::time::Duration;

use docker_engine_raw::types;
use futures_util::Stream;

use crate::attach::{framing_for, Attached, Target};
use crate::client::{Answer, Docker, Op};
use crate::error::{Error, Result};
use crate::filters::Filters;
use crate::helpers::{duration_nanos, parse_bind, parse_bytes, parse_port_spec, split_command};
use crate::streams::{Demux, Framing, JsonLines, LogChunk};
use crate::versions::ApiVersion;

/// The outcome of a state change that may already have happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateChange {
    /// The container changed state.
    Changed,
    /// It was already in that state (the engine answered 304).
    AlreadyInState,
}

fn state_change(r: Result<()>) -> Result<StateChange> {
    match r {
        Ok(()) => Ok(StateChange::Changed),
        Err(Error::NotModified) => Ok(StateChange::AlreadyInState),
        Err(e) => Err(e),
    }
}

/// A restart policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartPolicy {
    /// Never restart (the default).
    No,
    /// Always restart.
    Always,
    /// Restart unless stopped by hand.
    UnlessStopped,
    /// Restart on a non-zero exit, at most this many times (0: no limit).
    OnFailure(u32),
}

/// Where a container's logs go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogConfig {
    /// `json-file`, optionally rotated (`max-size` such as `10m`, `max-file`).
    JsonFile {
        /// Size at which to rotate (`10m`).
        max_size: Option<String>,
        /// How many files to keep.
        max_file: Option<u32>,
    },
    /// The `local` driver.
    Local,
    /// `syslog`, `journald`, `fluentd`, ... with their options.
    Driver {
        /// Driver name.
        name: String,
        /// Driver options.
        options: HashMap<String, String>,
    },
    /// No logs (`none`): `logs` then returns nothing.
    None,
}

/// A health check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct Healthcheck {
    test: Option<Vec<String>>,
    interval: Option<Duration>,
    timeout: Option<Duration>,
    start_period: Option<Duration>,
    start_interval: Option<Duration>,
    retries: Option<u32>,
}

impl Healthcheck {
    /// Runs `command` through the container's shell (`CMD-SHELL`).
    pub fn shell(command: impl Into<String>) -> Self {
        Healthcheck {
            test: Some(vec!["CMD-SHELL".into(), command.into()]),
            ..Default::default()
        }
    }

    /// Runs `argv` directly (`CMD`).
    pub fn exec<I: IntoIterator<Item = S>, S: Into<String>>(argv: I) -> Self {
        let mut test = vec!["CMD".to_string()];
        test.extend(argv.into_iter().map(Into::into));
        Healthcheck {
            test: Some(test),
            ..Default::default()
        }
    }

    /// Turns off a health check the image defines (`NONE`).
    pub fn disabled() -> Self {
        Healthcheck {
            test: Some(vec!["NONE".into()]),
            ..Default::default()
        }
    }

    /// Time between checks.
    pub fn interval(mut self, d: Duration) -> Self {
        self.interval = Some(d);
        self
    }

    /// Time a check may take.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// Grace period after start during which failures do not count.
    pub fn start_period(mut self, d: Duration) -> Self {
        self.start_period = Some(d);
        self
    }

    /// Time between checks during the start period (API 1.44+).
    pub fn start_interval(mut self, d: Duration) -> Self {
        self.start_interval = Some(d);
        self
    }

    /// Consecutive failures before the container is unhealthy.
    pub fn retries(mut self, n: u32) -> Self {
        self.retries = Some(n);
        self
    }

    fn to_config(&self) -> Result<types::HealthConfig> {
        let nanos = |d: Option<Duration>| d.map(duration_nanos).transpose();
        Ok(types::HealthConfig {
            test: self.test.clone(),
            interval: nanos(self.interval)?,
            timeout: nanos(self.timeout)?,
            start_period: nanos(self.start_period)?,
            start_interval: nanos(self.start_interval)?,
            retries: self.retries.map(i64::from),
            ..Default::default()
        })
    }
}

/// What to create: the container's configuration, its name and platform,
/// with docker-py's short forms (`"8080:80/udp"`, `"/src:/dst:ro"`,
/// `"512m"`, a command line as one string). A short form that does not
/// parse makes [`Docker::create_container`] fail before sending, naming it.
///
/// ```
/// use docker_engine::containers::{ContainerCreate, RestartPolicy};
/// let spec = ContainerCreate::new("busybox")
///     .name("web-1")
///     .command_line("sh -c 'echo hi && sleep 1'")
///     .env("MODE", "test")
///     .label("app", "web")
///     .publish("127.0.0.1:8080:80")
///     .bind("/srv/data:/data:ro")
///     .memory("512m")
///     .restart(RestartPolicy::OnFailure(3));
/// assert_eq!(spec.body().cmd.as_ref().unwrap()[2], "echo hi && sleep 1");
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ContainerCreate {
    name: Option<String>,
    platform: Option<String>,
    body: types::ContainerCreateBody,
    mac_address: Option<String>,
    no_proxies: bool,
    problems: Vec<String>,
}

impl ContainerCreate {
    /// A container of `image`.
    pub fn new(image: impl Into<String>) -> Self {
        let body = types::ContainerCreateBody {
            image: Some(image.into()),
            ..Default::default()
        };
        ContainerCreate {
            body,
            ..Default::default()
        }
    }

    /// Everything the engine accepts, as the generated body type.
    pub fn from_body(body: types::ContainerCreateBody) -> Self {
        ContainerCreate {
            body,
            ..Default::default()
        }
    }

    fn host(&mut self) -> &mut types::HostConfig {
        self.body.host_config.get_or_insert_with(Default::default)
    }

    fn problem(mut self, r: Result<Self>) -> Self {
        match r {
            Ok(s) => s,
            Err(e) => {
                self.problems.push(e.to_string());
                self
            }
        }
    }

    /// The container's name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The platform (`os[/arch[/variant]]`) to pick the image for.
    pub fn platform(mut self, platform: impl Into<String>) -> Self {
        self.platform = Some(platform.into());
        self
    }

    /// The command, as separate arguments.
    pub fn cmd<I, S>(mut self, cmd: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.body.cmd = Some(cmd.into_iter().map(Into::into).collect());
        self
    }

    /// The command as one line, split into words as a POSIX shell would.
    pub fn command_line(self, line: &str) -> Self {
        match split_command(line) {
            Ok(words) => self.cmd(words),
            Err(e) => self.problem(Err(e)),
        }
    }

    /// The entrypoint, as separate arguments.
    pub fn entrypoint<I, S>(mut self, entrypoint: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.body.entrypoint = Some(entrypoint.into_iter().map(Into::into).collect());
        self
    }

    /// The entrypoint as one line, split into words as a POSIX shell would.
    pub fn entrypoint_line(self, line: &str) -> Self {
        match split_command(line) {
            Ok(words) => self.entrypoint(words),
            Err(e) => self.problem(Err(e)),
        }
    }

    /// Adds `NAME=value` to the environment.
    pub fn env(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.body.env.get_or_insert_with(Vec::new).push(format!(
            "{}={}",
            name.as_ref(),
            value.as_ref()
        ));
        self
    }

    /// Adds every pair of a map to the environment.
    pub fn envs<I, K, V>(mut self, vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        for (k, v) in vars {
            self = self.env(k, v);
        }
        self
    }

    /// Whether to add the CLI configuration's proxy variables to the
    /// environment (default yes; an explicitly set variable always wins).
    pub fn inherit_proxies(mut self, yes: bool) -> Self {
        self.no_proxies = !yes;
        self
    }

    /// Adds a label.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.body
            .labels
            .get_or_insert_with(HashMap::new)
            .insert(key.into(), value.into());
        self
    }

    /// The working directory.
    pub fn working_dir(mut self, dir: impl Into<String>) -> Self {
        self.body.working_dir = Some(dir.into());
        self
    }

    /// The user (`name`, `uid`, `uid:gid`).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.body.user = Some(user.into());
        self
    }

    /// The host name inside the container.
    pub fn hostname(mut self, name: impl Into<String>) -> Self {
        self.body.hostname = Some(name.into());
        self
    }

    /// Allocates a TTY (output is then one raw stream).
    pub fn tty(mut self, tty: bool) -> Self {
        self.body.tty = Some(tty);
        self
    }

    /// Keeps stdin open (for attach).
    pub fn open_stdin(mut self, open: bool) -> Self {
        self.body.open_stdin = Some(open);
        self.body.attach_stdin = Some(open);
        self.body.stdin_once = Some(open);
        self
    }

    /// Publishes a port: `[ip:][host_port[-end]:]container_port[-end][/proto]`.
    pub fn publish(mut self, spec: &str) -> Self {
        let mappings = match parse_port_spec(spec) {
            Ok(m) => m,
            Err(e) => return self.problem(Err(e)),
        };
        for m in mappings {
            self.body
                .exposed_ports
                .get_or_insert_with(HashMap::new)
                .insert(m.container_port.clone(), Default::default());
            let bindings = self
                .host()
                .port_bindings
                .get_or_insert_with(|| types::PortMap(HashMap::new()));
            let entry = bindings
                .0
                .entry(m.container_port)
                .or_insert_with(|| Some(Vec::new()));
            entry.get_or_insert_with(Vec::new).push(types::PortBinding {
                host_ip: (!m.host_ip.is_empty()).then_some(m.host_ip),
                host_port: (!m.host_port.is_empty()).then_some(m.host_port),
                ..Default::default()
            });
        }
        self
    }

    /// Binds a host path or a volume: `source:target[:ro|rw][,options]`
    /// (Windows drive letters understood).
    pub fn bind(mut self, spec: &str) -> Self {
        match parse_bind(spec) {
            Ok(b) => {
                self.host()
                    .binds
                    .get_or_insert_with(Vec::new)
                    .push(b.to_bind_string());
                self
            }
            Err(e) => self.problem(Err(e)),
        }
    }

    /// A memory limit such as `512m`.
    pub fn memory(mut self, size: &str) -> Self {
        match parse_bytes(size) {
            Ok(bytes) => {
                self.host().memory = Some(bytes);
                self
            }
            Err(e) => self.problem(Err(e)),
        }
    }

    /// The size of `/dev/shm`, such as `64m`.
    pub fn shm_size(mut self, size: &str) -> Self {
        match parse_bytes(size) {
            Ok(bytes) => {
                self.host().shm_size = Some(bytes);
                self
            }
            Err(e) => self.problem(Err(e)),
        }
    }

    /// The restart policy.
    pub fn restart(mut self, policy: RestartPolicy) -> Self {
        use docker_engine_raw::enums::RestartPolicyName as N;
        let (name, retries) = match policy {
            RestartPolicy::No => (N::No, None),
            RestartPolicy::Always => (N::Always, None),
            RestartPolicy::UnlessStopped => (N::UnlessStopped, None),
            RestartPolicy::OnFailure(n) => (N::OnFailure, Some(i64::from(n))),
        };
        self.host().restart_policy = Some(types::RestartPolicy {
            name: Some(name),
            maximum_retry_count: retries,
            ..Default::default()
        });
        self
    }

    /// A resource limit (`nofile`, `nproc`, ...).
    pub fn ulimit(mut self, name: impl Into<String>, soft: i64, hard: i64) -> Self {
        self.host()
            .ulimits
            .get_or_insert_with(Vec::new)
            .push(types::HostConfigUlimitsItem {
                name: Some(name.into()),
                soft: Some(soft),
                hard: Some(hard),
                ..Default::default()
            });
        self
    }

    /// Where logs go.
    pub fn log_config(mut self, config: LogConfig) -> Self {
        let (driver, options): (&str, HashMap<String, String>) = match config {
            LogConfig::JsonFile { max_size, max_file } => {
                let mut o = HashMap::new();
                if let Some(s) = max_size {
                    o.insert("max-size".to_string(), s);
                }
                if let Some(n) = max_file {
                    o.insert("max-file".to_string(), n.to_string());
                }
                ("json-file", o)
            }
            LogConfig::Local => ("local", HashMap::new()),
            LogConfig::None => ("none", HashMap::new()),
            LogConfig::Driver { name, options } => {
                let log = types::HostConfigLogConfig {
                    type_: Some(name.as_str().into()),
                    config: Some(options),
                    ..Default::default()
                };
                self.host().log_config = Some(log);
                return self;
            }
        };
        self.host().log_config = Some(types::HostConfigLogConfig {
            type_: Some(driver.into()),
            config: (!options.is_empty()).then_some(options),
            ..Default::default()
        });
        self
    }

    /// A health check.
    pub fn healthcheck(mut self, check: Healthcheck) -> Self {
        match check.to_config() {
            Ok(c) => {
                self.body.healthcheck = Some(c);
                self
            }
            Err(e) => self.problem(Err(e)),
        }
    }

    /// The network mode (`bridge`, `host`, `none`, `container:<id>`, or a
    /// network name).
    pub fn network_mode(mut self, mode: impl Into<String>) -> Self {
        self.host().network_mode = Some(mode.into());
        self
    }

    /// The MAC address. Sent where the engine reads it: on the container's
    /// configuration before API 1.44, on the endpoint of its network from
    /// 1.44.
    pub fn mac_address(mut self, mac: impl Into<String>) -> Self {
        self.mac_address = Some(mac.into());
        self
    }

    /// Removes the container when it exits.
    pub fn auto_remove(mut self, yes: bool) -> Self {
        self.host().auto_remove = Some(yes);
        self
    }

    /// Runs privileged.
    pub fn privileged(mut self, yes: bool) -> Self {
        self.host().privileged = Some(yes);
        self
    }

    /// The body as it will be sent (before placements that depend on the
    /// engine's version and the CLI configuration's proxies).
    pub fn body(&self) -> &types::ContainerCreateBody {
        &self.body
    }

    /// The body, for settings without a setter here.
    pub fn body_mut(&mut self) -> &mut types::ContainerCreateBody {
        &mut self.body
    }

    /// The body to send to an engine speaking `version`.
    fn body_for(
        &self,
        version: ApiVersion,
        proxies: &[(String, String)],
    ) -> Result<types::ContainerCreateBody> {
        if !self.problems.is_empty() {
            return Err(Error::invalid_input(self.problems.join("; ")));
        }
        let mut body = self.body.clone();
        if !self.no_proxies {
            crate::config::add_missing_env(&mut body.env, proxies);
        }
        if let Some(mac) = &self.mac_address {
            if version < ApiVersion::new(1, 44) {
                body.extra.insert("MacAddress".into(), mac.clone().into());
            } else {
                let network = body
                    .host_config
                    .as_ref()
                    .and_then(|h| h.network_mode.clone())
                    .filter(|m| !m.is_empty() && m != "default")
                    .unwrap_or_else(|| "bridge".into());
                let endpoints = body
                    .networking_config
                    .get_or_insert_with(Default::default)
                    .endpoints_config
                    .get_or_insert_with(HashMap::new);
                endpoints.entry(network).or_default().mac_address = Some(mac.clone());
            }
        }
        Ok(body)
    }
}

/// Options for [`Docker::list_containers`].
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ListOptions {
    all: bool,
    limit: Option<i64>,
    size: bool,
    filters: Filters,
}

impl ListOptions {
    /// Include stopped containers.
    pub fn all(mut self, yes: bool) -> Self {
        self.all = yes;
        self
    }

    /// Only the `n` most recently created.
    pub fn limit(mut self, n: i64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Include sizes (slower).
    pub fn size(mut self, yes: bool) -> Self {
        self.size = yes;
        self
    }

    /// Only containers with this status: `created`, `restarting`,
    /// `running`, `removing`, `paused`, `exited`, `dead`.
    pub fn status(mut self, status: impl Into<String>) -> Self {
        self.filters = self.filters.add("status", status);
        self
    }

    /// Only containers with this label (`key` or `key=value`).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.filters = self.filters.add("label", label);
        self
    }

    /// Only containers whose name matches.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.filters = self.filters.add("name", name);
        self
    }

    /// Only containers of this image (or its descendants).
    pub fn ancestor(mut self, image: impl Into<String>) -> Self {
        self.filters = self.filters.add("ancestor", image);
        self
    }

    /// Only containers that exited with this code.
    pub fn exited(mut self, code: i32) -> Self {
        self.filters = self.filters.add("exited", code.to_string());
        self
    }

    /// Only this id (or id prefix).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.filters = self.filters.add("id", id);
        self
    }

    /// Any other filter the engine knows.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters = self.filters.add(key, value);
        self
    }
}

/// Options for [`Docker::stop_container`] and [`Docker::restart_container`].
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct StopOptions {
    timeout: Option<i64>,
    signal: Option<String>,
}

impl StopOptions {
    /// Seconds to wait before killing (the engine's default otherwise).
    pub fn timeout(mut self, seconds: i64) -> Self {
        self.timeout = Some(seconds);
        self
    }

    /// The signal to stop with (API 1.42+).
    pub fn signal(mut self, signal: impl Into<String>) -> Self {
        self.signal = Some(signal.into());
        self
    }
}

/// Which state change [`Docker::wait_container`] waits for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WaitCondition {
    /// The container is not running (returns at once if it is not).
    #[default]
    NotRunning,
    /// The next time the container exits (API 1.30+).
    NextExit,
    /// The container is removed (API 1.30+).
    Removed,
}

/// Options for [`Docker::container_logs`]; both outputs by default.
#[derive(Clone, Debug)]
#[must_use]
pub struct LogsOptions {
    follow: bool,
    stdout: bool,
    stderr: bool,
    since: Option<i64>,
    until: Option<i64>,
    timestamps: bool,
    tail: Option<String>,
}

impl Default for LogsOptions {
    fn default() -> Self {
        LogsOptions {
            follow: false,
            stdout: true,
            stderr: true,
            since: None,
            until: None,
            timestamps: false,
            tail: None,
        }
    }
}

impl LogsOptions {
    /// Keep streaming new output until the container stops.
    pub fn follow(mut self, follow: bool) -> Self {
        self.follow = follow;
        self
    }

    /// Include stdout (default yes).
    pub fn stdout(mut self, yes: bool) -> Self {
        self.stdout = yes;
        self
    }

    /// Include stderr (default yes).
    pub fn stderr(mut self, yes: bool) -> Self {
        self.stderr = yes;
        self
    }

    /// Only output since this Unix time.
    pub fn since(mut self, unix_seconds: i64) -> Self {
        self.since = Some(unix_seconds);
        self
    }

    /// Only output before this Unix time.
    pub fn until(mut self, unix_seconds: i64) -> Self {
        self.until = Some(unix_seconds);
        self
    }

    /// Prefix each line with its timestamp.
    pub fn timestamps(mut self, yes: bool) -> Self {
        self.timestamps = yes;
        self
    }

    /// Only the last `n` lines.
    pub fn tail(mut self, n: usize) -> Self {
        self.tail = Some(n.to_string());
        self
    }
}

/// Options for [`Docker::attach_container`]: output streams by default.
#[derive(Clone, Debug)]
#[must_use]
pub struct AttachOptions {
    stdin: bool,
    stdout: bool,
    stderr: bool,
    logs: bool,
    detach_keys: Option<String>,
}

impl Default for AttachOptions {
    fn default() -> Self {
        AttachOptions {
            stdin: false,
            stdout: true,
            stderr: true,
            logs: false,
            detach_keys: None,
        }
    }
}

impl AttachOptions {
    /// Attach stdin too.
    pub fn stdin(mut self, yes: bool) -> Self {
        self.stdin = yes;
        self
    }

    /// Attach stdout (default yes).
    pub fn stdout(mut self, yes: bool) -> Self {
        self.stdout = yes;
        self
    }

    /// Attach stderr (default yes).
    pub fn stderr(mut self, yes: bool) -> Self {
        self.stderr = yes;
        self
    }

    /// Replay the output so far before the live stream.
    pub fn logs(mut self, yes: bool) -> Self {
        self.logs = yes;
        self
    }

    /// The key sequence that detaches (default: `detachKeys` from the CLI
    /// configuration, if any).
    pub fn detach_keys(mut self, keys: impl Into<String>) -> Self {
        self.detach_keys = Some(keys.into());
        self
    }
}

/// Options for [`Docker::remove_container`].
#[derive(Clone, Copy, Debug, Default)]
#[must_use]
pub struct RemoveOptions {
    force: bool,
    volumes: bool,
    link: bool,
}

impl RemoveOptions {
    /// Kill it first if it is running.
    pub fn force(mut self, yes: bool) -> Self {
        self.force = yes;
        self
    }

    /// Remove its anonymous volumes too.
    pub fn volumes(mut self, yes: bool) -> Self {
        self.volumes = yes;
        self
    }

    /// Remove a legacy link instead of the container.
    pub fn link(mut self, yes: bool) -> Self {
        self.link = yes;
        self
    }
}

/// Names of the optional parameters that are set, for gating.
fn set_params<'a>(params: &[(&'a str, bool)]) -> Vec<&'a str> {
    params
        .iter()
        .filter(|(_, set)| *set)
        .map(|(name, _)| *name)
        .collect()
}

const fn op(id: &'static str, method: &'static str, path: &'static str, answer: Answer) -> Op {
    Op {
        id,
        method,
        path,
        answer,
    }
}

impl Docker {
    /// Lists containers (running only, unless [`ListOptions::all`]).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::ListOptions;
    /// for c in docker.list_containers(&ListOptions::default().all(true).label("app=web")).await? {
    ///     println!("{:?} {:?}", c.names, c.state);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_containers(
        &self,
        opts: &ListOptions,
    ) -> Result<Vec<types::ContainerSummary>> {
        const OP: Op = op("ContainerList", "GET", "/containers/json", Answer::Prompt);
        let filters = opts.filters.to_query();
        let params = set_params(&[
            ("all", opts.all),
            ("limit", opts.limit.is_some()),
            ("size", opts.size),
            ("filters", filters.is_some()),
        ]);
        let r = self
            .call(OP, &params, None, async |c| {
                c.container_list(
                    Some(opts.all),
                    filters.as_deref(),
                    opts.limit,
                    Some(opts.size),
                )
                .await
            })
            .await?;
        Ok(r.into_inner().unwrap_or_default())
    }

    /// Creates a container (`POST /containers/create`).
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// use docker_engine::containers::ContainerCreate;
    /// let created = docker.create_container(&ContainerCreate::new("busybox").cmd(["true"])).await?;
    /// println!("{}", created.id);
    /// # Ok(()) }
    /// ```
    pub async fn create_container(
        &self,
        spec: &ContainerCreate,
    ) -> Result<types::ContainerCreateResponse> {
        const OP: Op = op(
            "ContainerCreate",
            "POST",
            "/containers/create",
            Answer::Prompt,
        );
        let version = self.api_version().await?;
        let proxies = self.cli_config().proxy_env(&self.host().to_string());
        let body = spec.body_for(version, &proxies)?;
        let json = serde_json::to_value(&body).map_err(Error::invalid_input)?;
        let params = set_params(&[
            ("name", spec.name.is_some()),
            ("platform", spec.platform.is_some()),
        ]);
        let r = self
            .call(OP, &params, Some(&json), async |c| {
                c.container_create(spec.name.as_deref(), spec.platform.as_deref(), &body)
                    .await
            })
            .await?;
        Ok(r.into_inner())
    }

    /// Low-level information on a container.
    pub async fn inspect_container(&self, id: &str) -> Result<types::ContainerInspectResponse> {
        const OP: Op = op(
            "ContainerInspect",
            "GET",
            "/containers/{id}/json",
            Answer::Prompt,
        );
        Ok(self
            .call(OP, &[], None, async |c| c.container_inspect(id, None).await)
            .await?
            .into_inner())
    }

    /// The processes in a container (`ps_args` such as `aux`; `-ef` by
    /// default).
    pub async fn top_container(
        &self,
        id: &str,
        ps_args: Option<&str>,
    ) -> Result<types::ContainerTopResponse> {
        const OP: Op = op(
            "ContainerTop",
            "GET",
            "/containers/{id}/top",
            Answer::Prompt,
        );
        let params = set_params(&[("ps_args", ps_args.is_some())]);
        Ok(self
            .call(OP, &params, None, async |c| {
                c.container_top(id, ps_args).await
            })
            .await?
            .into_inner())
    }

    /// Changes to a container's filesystem (empty when there are none).
    pub async fn container_changes(&self, id: &str) -> Result<Vec<types::FilesystemChange>> {
        const OP: Op = op(
            "ContainerChanges",
            "GET",
            "/containers/{id}/changes",
            Answer::Prompt,
        );
        Ok(self
            .call(OP, &[], None, async |c| c.container_changes(id).await)
            .await?
            .into_inner()
            .unwrap_or_default())
    }

    /// A container's filesystem as a tar stream.
    pub async fn export_container(
        &self,
        id: &str,
    ) -> Result<impl Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin + use<>> {
        const OP: Op = op(
            "ContainerExport",
            "GET",
            "/containers/{id}/export",
            Answer::Stream,
        );
        Ok(self
            .call(OP, &[], None, async |c| c.container_export(id).await)
            .await?
            .into_inner()
            .into_inner())
    }

    /// One resource-usage sample. The engine takes about two seconds to
    /// measure CPU use unless `one_shot` (API 1.41+) skips that.
    pub async fn container_stats(
        &self,
        id: &str,
        one_shot: bool,
    ) -> Result<types::ContainerStatsResponse> {
        use futures_util::StreamExt;
        const OP: Op = op(
            "ContainerStats",
            "GET",
            "/containers/{id}/stats",
            Answer::Prompt,
        );
        let params = set_params(&[("stream", true), ("one-shot", one_shot)]);
        let r = self
            .call(OP, &params, None, async |c| {
                c.container_stats(id, one_shot.then_some(true), Some(false))
                    .await
            })
            .await?;
        let mut items = JsonLines::<_, types::ContainerStatsResponse>::new(
            r.into_inner().into_inner(),
            "stats",
        );
        items.next().await.unwrap_or_else(|| {
            Err(Error::Engine {
                status: 200,
                message: "no stats in the answer".into(),
            })
        })
    }

    /// Resource usage as a stream of samples, about one a second, for as
    /// long as the container runs (never cut by a timeout). A sample that
    /// does not decode is an error item; the stream goes on.
    pub async fn container_stats_stream(
        &self,
        id: &str,
    ) -> Result<impl Stream<Item = Result<types::ContainerStatsResponse>> + Unpin + use<>> {
        const OP: Op = op(
            "ContainerStats",
            "GET",
            "/containers/{id}/stats",
            Answer::Stream,
        );
        let r = self
            .call(OP, &["stream"], None, async |c| {
                c.container_stats(id, None, Some(true)).await
            })
            .await?;
        Ok(JsonLines::new(r.into_inner().into_inner(), "stats"))
    }

    /// Resizes a container's TTY.
    pub async fn resize_container_tty(&self, id: &str, height: u16, width: u16) -> Result<()> {
        const OP: Op = op(
            "ContainerResize",
            "POST",
            "/containers/{id}/resize",
            Answer::Prompt,
        );
        self.call(OP, &[], None, async |c| {
            c.container_resize(id, height.into(), width.into()).await
        })
        .await?;
        Ok(())
    }

    /// Starts a container; starting a running one is not an error.
    pub async fn start_container(&self, id: &str) -> Result<StateChange> {
        const OP: Op = op(
            "ContainerStart",
            "POST",
            "/containers/{id}/start",
            Answer::Prompt,
        );
        state_change(
            self.call(OP, &[], None, async |c| c.container_start(id, None).await)
                .await
                .map(|_| ()),
        )
    }

    /// Stops a container; stopping a stopped one is not an error.
    pub async fn stop_container(&self, id: &str, opts: &StopOptions) -> Result<StateChange> {
        // Stopping may take the whole grace period.
        const OP: Op = op(
            "ContainerStop",
            "POST",
            "/containers/{id}/stop",
            Answer::Unbounded,
        );
        let params = set_params(&[
            ("t", opts.timeout.is_some()),
            ("signal", opts.signal.is_some()),
        ]);
        state_change(
            self.call(OP, &params, None, async |c| {
                c.container_stop(id, opts.signal.as_deref(), opts.timeout)
                    .await
            })
            .await
            .map(|_| ()),
        )
    }

    /// Restarts a container.
    pub async fn restart_container(&self, id: &str, opts: &StopOptions) -> Result<()> {
        const OP: Op = op(
            "ContainerRestart",
            "POST",
            "/containers/{id}/restart",
            Answer::Unbounded,
        );
        let params = set_params(&[
            ("t", opts.timeout.is_some()),
            ("signal", opts.signal.is_some()),
        ]);
        self.call(OP, &params, None, async |c| {
            c.container_restart(id, opts.signal.as_deref(), opts.timeout)
                .await
        })
        .await?;
        Ok(())
    }

    /// Sends a signal (`SIGKILL` by default).
    pub async fn kill_container(&self, id: &str, signal: Option<&str>) -> Result<()> {
        const OP: Op = op(
            "ContainerKill",
            "POST",
            "/containers/{id}/kill",
            Answer::Prompt,
        );
        let params = set_params(&[("signal", signal.is_some())]);
        self.call(OP, &params, None, async |c| {
            c.container_kill(id, signal).await
        })
        .await?;
        Ok(())
    }

    /// Changes a container's resources or restart policy.
    pub async fn update_container(
        &self,
        id: &str,
        update: &types::ContainerUpdateBody,
    ) -> Result<Vec<String>> {
        const OP: Op = op(
            "ContainerUpdate",
            "POST",
            "/containers/{id}/update",
            Answer::Prompt,
        );
        let json = serde_json::to_value(update).map_err(Error::invalid_input)?;
        let r = self
            .call(OP, &[], Some(&json), async |c| {
                c.container_update(id, update).await
            })
            .await?;
        Ok(r.into_inner().warnings.unwrap_or_default())
    }

    /// Renames a container.
    pub async fn rename_container(&self, id: &str, new_name: &str) -> Result<()> {
        const OP: Op = op(
            "ContainerRename",
            "POST",
            "/containers/{id}/rename",
            Answer::Prompt,
        );
        self.call(OP, &[], None, async |c| {
            c.container_rename(id, new_name).await
        })
        .await?;
        Ok(())
    }

    /// Pauses all processes of a container.
    pub async fn pause_container(&self, id: &str) -> Result<()> {
        const OP: Op = op(
            "ContainerPause",
            "POST",
            "/containers/{id}/pause",
            Answer::Prompt,
        );
        self.call(OP, &[], None, async |c| c.container_pause(id).await)
            .await?;
        Ok(())
    }

    /// Resumes a paused container.
    pub async fn unpause_container(&self, id: &str) -> Result<()> {
        const OP: Op = op(
            "ContainerUnpause",
            "POST",
            "/containers/{id}/unpause",
            Answer::Prompt,
        );
        self.call(OP, &[], None, async |c| c.container_unpause(id).await)
            .await?;
        Ok(())
    }

    /// Waits for a container to reach `condition`; the answer holds its exit
    /// code. Never cut by the response timeout.
    pub async fn wait_container(
        &self,
        id: &str,
        condition: WaitCondition,
    ) -> Result<types::ContainerWaitResponse> {
        const OP: Op = op(
            "ContainerWait",
            "POST",
            "/containers/{id}/wait",
            Answer::Unbounded,
        );
        // Not-running is what every engine waits for without a condition;
        // engines before API 1.30 take none, so it is only sent when needed.
        let condition = match condition {
            WaitCondition::NotRunning => None,
            WaitCondition::NextExit => Some(types::ContainerWaitCondition::NextExit),
            WaitCondition::Removed => Some(types::ContainerWaitCondition::Removed),
        };
        let params = set_params(&[("condition", condition.is_some())]);
        Ok(self
            .call(OP, &params, None, async |c| {
                c.container_wait(id, condition).await
            })
            .await?
            .into_inner())
    }

    /// The framing of a container's output: the media type the engine
    /// names, else the container's TTY setting.
    async fn output_framing(
        &self,
        id: &str,
        headers: &reqwest::header::HeaderMap,
    ) -> Result<Framing> {
        let named = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        match Framing::from_content_type(named) {
            Some(f) => Ok(f),
            None => Ok(if self.container_tty(id).await? {
                Framing::Raw
            } else {
                Framing::Multiplexed
            }),
        }
    }

    async fn container_tty(&self, id: &str) -> Result<bool> {
        Ok(self
            .inspect_container(id)
            .await?
            .config
            .and_then(|c| c.tty)
            .unwrap_or(false))
    }

    /// A container's output, demultiplexed, as it arrives. Whether output is
    /// multiplexed comes from the answer's media type, or, when the engine
    /// sends none (20.10 does not), from the container's TTY setting.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker, id: &str) -> docker_engine::Result<()> {
    /// use docker_engine::containers::LogsOptions;
    /// let logs = docker.container_logs(id, &LogsOptions::default()).await?;
    /// let (stdout, stderr) = docker_engine::streams::collect(logs).await?;
    /// # Ok(()) }
    /// ```
    pub async fn container_logs(
        &self,
        id: &str,
        opts: &LogsOptions,
    ) -> Result<impl Stream<Item = Result<LogChunk>> + Unpin + use<>> {
        const OP: Op = op(
            "ContainerLogs",
            "GET",
            "/containers/{id}/logs",
            Answer::Stream,
        );
        let params = set_params(&[
            ("follow", opts.follow),
            ("stdout", true),
            ("stderr", true),
            ("since", opts.since.is_some()),
            ("until", opts.until.is_some()),
            ("timestamps", opts.timestamps),
            ("tail", opts.tail.is_some()),
        ]);
        let r = self
            .call(OP, &params, None, async |c| {
                c.container_logs(
                    id,
                    Some(opts.follow),
                    opts.since,
                    Some(opts.stderr),
                    Some(opts.stdout),
                    opts.tail.as_deref(),
                    Some(opts.timestamps),
                    opts.until,
                )
                .await
            })
            .await?;
        let framing = self.output_framing(id, r.headers()).await?;
        Ok(Demux::new(r.into_inner().into_inner(), framing))
    }

    /// Attaches to a container: stdin in, output out, over one connection.
    /// Attach before starting to see all output.
    pub async fn attach_container(&self, id: &str, opts: &AttachOptions) -> Result<Attached> {
        const OP: Op = op(
            "ContainerAttach",
            "POST",
            "/containers/{id}/attach",
            Answer::Stream,
        );
        let detach_keys = opts
            .detach_keys
            .clone()
            .or_else(|| self.cli_config().detach_keys().map(str::to_string));
        let params = set_params(&[
            ("detachKeys", detach_keys.is_some()),
            ("logs", true),
            ("stream", true),
        ]);
        let r = self
            .call(OP, &params, None, async |c| {
                c.container_attach(
                    id,
                    detach_keys.as_deref(),
                    Some(opts.logs),
                    Some(opts.stderr),
                    Some(opts.stdin),
                    Some(opts.stdout),
                    Some(true),
                )
                .await
            })
            .await?;
        let version = self.api_version().await?;
        let tty = self.container_tty(id).await?;
        let framing = framing_for(r.headers(), version, tty);
        Ok(Attached::new(
            r.into_inner(),
            framing,
            self.clone(),
            Target::Container(id.to_string()),
        ))
    }

    /// Removes a container.
    pub async fn remove_container(&self, id: &str, opts: &RemoveOptions) -> Result<()> {
        const OP: Op = op(
            "ContainerDelete",
            "DELETE",
            "/containers/{id}",
            Answer::Unbounded,
        );
        let params = set_params(&[
            ("force", opts.force),
            ("v", opts.volumes),
            ("link", opts.link),
        ]);
        self.call(OP, &params, None, async |c| {
            c.container_delete(id, Some(opts.force), Some(opts.link), Some(opts.volumes))
                .await
        })
        .await?;
        Ok(())
    }

    /// Removes stopped containers matching `filters` (`until`, `label`);
    /// returns what was removed and the space reclaimed.
    pub async fn prune_containers(
        &self,
        filters: &Filters,
    ) -> Result<types::ContainerPruneResponse> {
        const OP: Op = op(
            "ContainerPrune",
            "POST",
            "/containers/prune",
            Answer::Unbounded,
        );
        let query = filters.to_query();
        let params = set_params(&[("filters", query.is_some())]);
        Ok(self
            .call(OP, &params, None, async |c| {
                c.container_prune(query.as_deref()).await
            })
            .await?
            .into_inner())
    }
}
