//! What to create: [`ContainerCreate`], the container's configuration with
//! docker-py's short forms.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::models;
use crate::types::{
    parse_bind, parse_bytes, parse_port_spec, split_command, Healthcheck, LogConfig, Mount,
    RestartPolicy,
};
use crate::versions::ApiVersion;

/// What to create: the container's configuration, its name and platform,
/// with docker-py's short forms (`"8080:80/udp"`, `"/src:/dst:ro"`,
/// `"512m"`, a command line as one string). A short form that does not
/// parse makes [`Containers::create`](super::Containers::create) fail before sending, naming it.
///
/// ```
/// use docker_engine::containers::ContainerCreate;
/// use docker_engine::types::RestartPolicy;
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
    pub(super) name: Option<String>,
    pub(super) platform: Option<String>,
    body: models::ContainerCreateBody,
    mac_address: Option<String>,
    no_proxies: bool,
    problems: Vec<String>,
}

impl ContainerCreate {
    /// A container of `image`.
    pub fn new(image: impl Into<String>) -> Self {
        let body = models::ContainerCreateBody {
            image: Some(image.into()),
            ..Default::default()
        };
        ContainerCreate {
            body,
            ..Default::default()
        }
    }

    /// Everything the engine accepts, as the generated body type.
    pub fn from_body(body: models::ContainerCreateBody) -> Self {
        ContainerCreate {
            body,
            ..Default::default()
        }
    }

    fn host(&mut self) -> &mut models::HostConfig {
        self.body.host_config.get_or_insert_with(Default::default)
    }

    fn problem(mut self, r: Result<Self>) -> Self {
        match r {
            Ok(s) => s,
            Err(e) => {
                // The message alone: the joined problems become one
                // `InvalidInput`, whose display adds the prefix once.
                self.problems.push(match e {
                    Error::InvalidInput { message } => message,
                    other => other.to_string(),
                });
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
                // `{}` per port, as the CLI sends it (not `null`).
                .insert(
                    m.container_port.clone(),
                    serde_json::Map::new().try_into().ok(),
                );
            let bindings = self
                .host()
                .port_bindings
                .get_or_insert_with(|| models::PortMap(HashMap::new()));
            let entry = bindings
                .0
                .entry(m.container_port)
                .or_insert_with(|| Some(Vec::new()));
            entry
                .get_or_insert_with(Vec::new)
                .push(models::PortBinding {
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
        self.host().restart_policy = Some(models::RestartPolicy {
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
            .push(models::HostConfigUlimitsItem {
                name: Some(name.into()),
                soft: Some(soft),
                hard: Some(hard),
                ..Default::default()
            });
        self
    }

    /// Where logs go.
    pub fn log_config(mut self, config: LogConfig) -> Self {
        let (driver, options) = config.driver_parts();
        self.host().log_config = Some(models::HostConfigLogConfig {
            type_: Some(driver.as_str().into()),
            config: options,
            ..Default::default()
        });
        self
    }

    /// Adds a mount (`HostConfig.Mounts`): a bind, a volume with its
    /// options, a tmpfs (see [`Mount`]); checked when the container is
    /// created.
    pub fn mount(mut self, mount: Mount) -> Self {
        match mount.build() {
            Ok(m) => {
                self.host().mounts.get_or_insert_with(Vec::new).push(m);
                self
            }
            Err(e) => self.problem(Err(e)),
        }
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

    /// Puts the container on the network `network` with these endpoint
    /// settings (docker-py's `create_networking_config` and
    /// `create_endpoint_config`). The first network named becomes the
    /// network mode unless [`ContainerCreate::network_mode`] says
    /// otherwise; engines before API 1.44 take one network at create (join
    /// the others with `networks().connect`). An endpoint's MAC address goes
    /// where the negotiated version reads it.
    pub fn network(
        mut self,
        network: impl Into<String>,
        endpoint: crate::types::EndpointConfig,
    ) -> Self {
        let network = network.into();
        let settings = match endpoint.to_model() {
            Ok(s) => s,
            Err(e) => return self.problem(Err(e)),
        };
        if self.host().network_mode.is_none() {
            self.host().network_mode = Some(network.clone());
        }
        self.body
            .networking_config
            .get_or_insert_with(Default::default)
            .endpoints_config
            .get_or_insert_with(HashMap::new)
            .insert(network, settings);
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
    pub fn body(&self) -> &models::ContainerCreateBody {
        &self.body
    }

    /// The body, for settings without a setter here.
    pub fn body_mut(&mut self) -> &mut models::ContainerCreateBody {
        &mut self.body
    }

    /// The body to send to an engine speaking `version`.
    pub(super) fn body_for(
        &self,
        version: ApiVersion,
        proxies: &[(String, String)],
    ) -> Result<models::ContainerCreateBody> {
        if !self.problems.is_empty() {
            return Err(Error::invalid_input(self.problems.join("; ")));
        }
        let mut body = self.body.clone();
        if !self.no_proxies {
            crate::placement::proxy_env(&mut body.env, proxies);
        }
        crate::placement::endpoint_macs(&mut body, version)?;
        if let Some(mac) = &self.mac_address {
            crate::placement::mac_address(&mut body, version, mac);
        }
        Ok(body)
    }
}
