//! docker-py's service helpers: [`TaskTemplate`] and what goes in it
//! ([`ContainerSpec`], [`Resources`], [`TaskRestartPolicy`],
//! [`Placement`], [`NetworkAttachmentConfig`]), and the service's
//! [`ServiceMode`], [`UpdateConfig`] / [`RollbackConfig`] and
//! [`EndpointSpec`]. Each `build` gives the Engine's model, or
//! [`Error::InvalidInput`] for what docker-py rejects.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use docker_engine_raw::enums as raw_enums;

use super::mount::Mount;
use super::short::{duration_nanos, split_command};
use super::{Healthcheck, LogConfig, RestartPolicy};
use crate::error::{Error, Result};
use crate::models;

fn bad<T>(message: impl std::fmt::Display) -> Result<T> {
    Err(Error::invalid_input(message))
}

fn nanos(d: Option<Duration>) -> Result<Option<i64>> {
    d.map(duration_nanos).transpose()
}

fn non_empty<T: Clone>(v: &[T]) -> Option<Vec<T>> {
    (!v.is_empty()).then(|| v.to_vec())
}

fn non_empty_map(m: &HashMap<String, String>) -> Option<HashMap<String, String>> {
    (!m.is_empty()).then(|| m.clone())
}

/// A resource limit of a container (docker-py's `docker.types.Ulimit`).
///
/// ```
/// use docker_engine::types::Ulimit;
/// let u = Ulimit::new("nofile", 1024, 4096);
/// assert_eq!((u.name(), u.soft(), u.hard()), ("nofile", 1024, 4096));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ulimit {
    name: String,
    soft: i64,
    hard: i64,
}

impl Ulimit {
    /// The limit `name` (`nofile`, `nproc`, ...) with its soft and hard
    /// values.
    pub fn new(name: impl Into<String>, soft: i64, hard: i64) -> Self {
        Ulimit {
            name: name.into(),
            soft,
            hard,
        }
    }

    /// The limit's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The soft value.
    pub fn soft(&self) -> i64 {
        self.soft
    }

    /// The hard value.
    pub fn hard(&self) -> i64 {
        self.hard
    }

    fn to_service(&self) -> models::TaskSpecContainerSpecUlimitsItem {
        models::TaskSpecContainerSpecUlimitsItem {
            name: Some(self.name.clone()),
            soft: Some(self.soft),
            hard: Some(self.hard),
            ..Default::default()
        }
    }
}

/// DNS settings of a service's containers (docker-py's
/// `docker.types.DNSConfig`).
///
/// ```
/// use docker_engine::types::DnsConfig;
/// let d = DnsConfig::default().nameserver("10.0.0.2").search("example.org").option("ndots:2");
/// assert_eq!(serde_json::to_value(d.build()).unwrap(), serde_json::json!({
///     "Nameservers": ["10.0.0.2"], "Search": ["example.org"], "Options": ["ndots:2"]}));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct DnsConfig {
    nameservers: Vec<String>,
    search: Vec<String>,
    options: Vec<String>,
}

/// docker-py's spelling.
pub type DNSConfig = DnsConfig;

impl DnsConfig {
    /// Adds a name server.
    pub fn nameserver(mut self, ip: impl Into<String>) -> Self {
        self.nameservers.push(ip.into());
        self
    }

    /// Adds a search domain.
    pub fn search(mut self, domain: impl Into<String>) -> Self {
        self.search.push(domain.into());
        self
    }

    /// Adds a resolver option (`ndots:2`).
    pub fn option(mut self, opt: impl Into<String>) -> Self {
        self.options.push(opt.into());
        self
    }

    /// The Engine's DNS configuration.
    pub fn build(&self) -> models::TaskSpecContainerSpecDnsConfig {
        models::TaskSpecContainerSpecDnsConfig {
            nameservers: non_empty(&self.nameservers),
            search: non_empty(&self.search),
            options: non_empty(&self.options),
            ..Default::default()
        }
    }
}

/// Security settings of a service's containers (docker-py's
/// `docker.types.Privileges`): credential spec (one source only), SELinux
/// labels, no-new-privileges.
///
/// ```
/// use docker_engine::types::Privileges;
/// let p = Privileges::default().selinux_type("svirt_lxc_net_t").no_new_privileges(true);
/// assert_eq!(serde_json::to_value(p.build()?).unwrap(), serde_json::json!({
///     "SELinuxContext": {"Disable": false, "Type": "svirt_lxc_net_t"}, "NoNewPrivileges": true}));
/// assert!(Privileges::default().credentialspec_file("a.json").credentialspec_registry("b").build().is_err());
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct Privileges {
    credentialspec_file: Option<String>,
    credentialspec_registry: Option<String>,
    credentialspec_config: Option<String>,
    selinux_disable: Option<bool>,
    selinux_user: Option<String>,
    selinux_role: Option<String>,
    selinux_type: Option<String>,
    selinux_level: Option<String>,
    no_new_privileges: Option<bool>,
}

impl Privileges {
    /// Credential spec from a file (Windows).
    pub fn credentialspec_file(mut self, f: impl Into<String>) -> Self {
        self.credentialspec_file = Some(f.into());
        self
    }
    /// Credential spec from the registry (Windows).
    pub fn credentialspec_registry(mut self, r: impl Into<String>) -> Self {
        self.credentialspec_registry = Some(r.into());
        self
    }
    /// Credential spec from a swarm config (API 1.40+, Windows).
    pub fn credentialspec_config(mut self, c: impl Into<String>) -> Self {
        self.credentialspec_config = Some(c.into());
        self
    }
    /// Turns SELinux labelling off.
    pub fn selinux_disable(mut self, yes: bool) -> Self {
        self.selinux_disable = Some(yes);
        self
    }
    /// The SELinux user label.
    pub fn selinux_user(mut self, v: impl Into<String>) -> Self {
        self.selinux_user = Some(v.into());
        self
    }
    /// The SELinux role label.
    pub fn selinux_role(mut self, v: impl Into<String>) -> Self {
        self.selinux_role = Some(v.into());
        self
    }
    /// The SELinux type label.
    pub fn selinux_type(mut self, v: impl Into<String>) -> Self {
        self.selinux_type = Some(v.into());
        self
    }
    /// The SELinux level label.
    pub fn selinux_level(mut self, v: impl Into<String>) -> Self {
        self.selinux_level = Some(v.into());
        self
    }
    /// Forbids gaining privileges (API 1.44+).
    pub fn no_new_privileges(mut self, yes: bool) -> Self {
        self.no_new_privileges = Some(yes);
        self
    }

    /// The Engine's privileges object.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when more than one credential spec source is
    /// given.
    pub fn build(&self) -> Result<models::TaskSpecContainerSpecPrivileges> {
        let sources = [
            &self.credentialspec_file,
            &self.credentialspec_registry,
            &self.credentialspec_config,
        ];
        if sources.iter().filter(|s| s.is_some()).count() > 1 {
            return bad("privileges: the credential spec sources (file, registry, config) are mutually exclusive");
        }
        let credential_spec = sources.iter().any(|s| s.is_some()).then(|| {
            models::TaskSpecContainerSpecPrivilegesCredentialSpec {
                file: self.credentialspec_file.clone(),
                registry: self.credentialspec_registry.clone(),
                config: self.credentialspec_config.clone(),
                ..Default::default()
            }
        });
        let selinux = [
            &self.selinux_user,
            &self.selinux_role,
            &self.selinux_type,
            &self.selinux_level,
        ]
        .iter()
        .any(|s| s.is_some())
            || self.selinux_disable.is_some();
        let se_linux_context =
            selinux.then(|| models::TaskSpecContainerSpecPrivilegesSeLinuxContext {
                disable: Some(self.selinux_disable.unwrap_or(false)),
                user: self.selinux_user.clone(),
                role: self.selinux_role.clone(),
                type_: self.selinux_type.clone(),
                level: self.selinux_level.clone(),
                ..Default::default()
            });
        Ok(models::TaskSpecContainerSpecPrivileges {
            credential_spec,
            se_linux_context,
            no_new_privileges: self.no_new_privileges,
            ..Default::default()
        })
    }
}

/// A secret given to a service's containers as a file (docker-py's
/// `docker.types.SecretReference`): by default `/run/secrets/<name>`,
/// owned by root, mode `0o444`.
///
/// ```
/// use docker_engine::types::SecretReference;
/// let s = SecretReference::new("d5hq6...", "db-password").mode(0o400);
/// assert_eq!(serde_json::to_value(s.build_secret()).unwrap(), serde_json::json!({
///     "SecretID": "d5hq6...", "SecretName": "db-password",
///     "File": {"Name": "db-password", "UID": "0", "GID": "0", "Mode": 0o400}}));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct SecretReference {
    id: String,
    name: String,
    filename: Option<String>,
    uid: String,
    gid: String,
    mode: u32,
}

/// A config given to a service's containers as a file (docker-py's
/// `docker.types.ConfigReference`): by default `/<name>`, owned by root,
/// mode `0o444`.
///
/// ```
/// use docker_engine::types::ConfigReference;
/// let c = ConfigReference::new("cfgid", "nginx.conf").filename("/etc/nginx/nginx.conf");
/// assert_eq!(serde_json::to_value(c.build_config()).unwrap(), serde_json::json!({
///     "ConfigID": "cfgid", "ConfigName": "nginx.conf",
///     "File": {"Name": "/etc/nginx/nginx.conf", "UID": "0", "GID": "0", "Mode": 0o444}}));
/// ```
pub type ConfigReference = SecretReference;

impl SecretReference {
    /// The secret (or config) with this id and name.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        SecretReference {
            id: id.into(),
            name: name.into(),
            filename: None,
            uid: "0".into(),
            gid: "0".into(),
            mode: 0o444,
        }
    }
    /// The file's name (default: the secret's name).
    pub fn filename(mut self, f: impl Into<String>) -> Self {
        self.filename = Some(f.into());
        self
    }
    /// The file's owner.
    pub fn uid(mut self, uid: impl Into<String>) -> Self {
        self.uid = uid.into();
        self
    }
    /// The file's group.
    pub fn gid(mut self, gid: impl Into<String>) -> Self {
        self.gid = gid.into();
        self
    }
    /// The file's mode (default `0o444`).
    pub fn mode(mut self, mode: u32) -> Self {
        self.mode = mode;
        self
    }

    /// The Engine's secret reference.
    pub fn build_secret(&self) -> models::TaskSpecContainerSpecSecretsItem {
        models::TaskSpecContainerSpecSecretsItem {
            secret_id: Some(self.id.clone()),
            secret_name: Some(self.name.clone()),
            file: Some(models::TaskSpecContainerSpecSecretsItemFile {
                name: Some(self.filename.clone().unwrap_or_else(|| self.name.clone())),
                uid: Some(self.uid.clone()),
                gid: Some(self.gid.clone()),
                mode: Some(self.mode),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// The Engine's config reference.
    pub fn build_config(&self) -> models::TaskSpecContainerSpecConfigsItem {
        models::TaskSpecContainerSpecConfigsItem {
            config_id: Some(self.id.clone()),
            config_name: Some(self.name.clone()),
            file: Some(models::TaskSpecContainerSpecConfigsItemFile {
                name: Some(self.filename.clone().unwrap_or_else(|| self.name.clone())),
                uid: Some(self.uid.clone()),
                gid: Some(self.gid.clone()),
                mode: Some(self.mode),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

/// What a service's tasks run (docker-py's `docker.types.ContainerSpec`).
/// A command line given as one string is split as a shell would; mounts
/// may be given in their short form (`/src:/dst:ro`).
///
/// ```
/// use docker_engine::types::{ContainerSpec, SecretReference};
/// let c = ContainerSpec::new("busybox")
///     .command_line("sh -c 'cat /run/secrets/token; sleep 60'")
///     .env("MODE", "test")
///     .mount_str("/srv:/srv:ro")
///     .secret(SecretReference::new("id", "token"))
///     .host("10.0.0.5", "db");
/// let spec = c.build()?;
/// assert_eq!(spec.command.unwrap()[2], "cat /run/secrets/token; sleep 60");
/// assert_eq!(spec.hosts.unwrap(), ["10.0.0.5 db"]);
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ContainerSpec {
    spec: models::TaskSpecContainerSpec,
    mounts: Vec<Mount>,
    healthcheck: Option<Healthcheck>,
    dns: Option<DnsConfig>,
    privileges: Option<Privileges>,
    problems: Vec<String>,
}

impl ContainerSpec {
    /// Containers of `image`.
    pub fn new(image: impl Into<String>) -> Self {
        ContainerSpec {
            spec: models::TaskSpecContainerSpec {
                image: Some(image.into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    /// The command (replaces the image's entrypoint), as separate words.
    pub fn command<I: IntoIterator<Item = S>, S: Into<String>>(mut self, cmd: I) -> Self {
        self.spec.command = Some(cmd.into_iter().map(Into::into).collect());
        self
    }

    /// The command as one line, split into words as a POSIX shell would.
    pub fn command_line(mut self, line: &str) -> Self {
        match split_command(line) {
            Ok(words) => self.command(words),
            Err(e) => {
                self.problems.push(e.to_string());
                self
            }
        }
    }

    /// Arguments to the command (or the image's entrypoint).
    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
        self.spec.args = Some(args.into_iter().map(Into::into).collect());
        self
    }

    /// The host name.
    pub fn hostname(mut self, h: impl Into<String>) -> Self {
        self.spec.hostname = Some(h.into());
        self
    }

    /// Adds `NAME=value` to the environment.
    pub fn env(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.spec.env.get_or_insert_with(Vec::new).push(format!(
            "{}={}",
            name.as_ref(),
            value.as_ref()
        ));
        self
    }

    /// The working directory.
    pub fn workdir(mut self, dir: impl Into<String>) -> Self {
        self.spec.dir = Some(dir.into());
        self
    }

    /// The user.
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.spec.user = Some(user.into());
        self
    }

    /// Additional groups.
    pub fn group(mut self, g: impl Into<String>) -> Self {
        self.spec.groups.get_or_insert_with(Vec::new).push(g.into());
        self
    }

    /// A label on the containers.
    pub fn label(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.spec
            .labels
            .get_or_insert_with(HashMap::new)
            .insert(k.into(), v.into());
        self
    }

    /// Adds a mount.
    pub fn mount(mut self, m: Mount) -> Self {
        self.mounts.push(m);
        self
    }

    /// Adds a mount in the short form `source:target[:ro|rw]`.
    pub fn mount_str(mut self, spec: &str) -> Self {
        match spec.parse::<Mount>() {
            Ok(m) => self.mount(m),
            Err(e) => {
                self.problems.push(e.to_string());
                self
            }
        }
    }

    /// Time to wait after the stop signal before killing.
    pub fn stop_grace_period(mut self, d: Duration) -> Self {
        match duration_nanos(d) {
            Ok(n) => self.spec.stop_grace_period = Some(n),
            Err(e) => self.problems.push(e.to_string()),
        }
        self
    }

    /// The stop signal.
    pub fn stop_signal(mut self, s: impl Into<String>) -> Self {
        self.spec.stop_signal = Some(s.into());
        self
    }

    /// Gives a secret.
    pub fn secret(mut self, s: SecretReference) -> Self {
        self.spec
            .secrets
            .get_or_insert_with(Vec::new)
            .push(s.build_secret());
        self
    }

    /// Gives a config.
    pub fn config(mut self, c: SecretReference) -> Self {
        self.spec
            .configs
            .get_or_insert_with(Vec::new)
            .push(c.build_config());
        self
    }

    /// Allocates a TTY (logs are then one raw stream).
    pub fn tty(mut self, yes: bool) -> Self {
        self.spec.tty = Some(yes);
        self
    }

    /// Keeps stdin open.
    pub fn open_stdin(mut self, yes: bool) -> Self {
        self.spec.open_stdin = Some(yes);
        self
    }

    /// A read-only root filesystem.
    pub fn read_only(mut self, yes: bool) -> Self {
        self.spec.read_only = Some(yes);
        self
    }

    /// A health check.
    pub fn healthcheck(mut self, h: Healthcheck) -> Self {
        self.healthcheck = Some(h);
        self
    }

    /// Adds an `/etc/hosts` entry.
    pub fn host(mut self, ip: impl AsRef<str>, name: impl AsRef<str>) -> Self {
        self.spec.hosts.get_or_insert_with(Vec::new).push(format!(
            "{} {}",
            ip.as_ref(),
            name.as_ref()
        ));
        self
    }

    /// DNS settings.
    pub fn dns_config(mut self, d: DnsConfig) -> Self {
        self.dns = Some(d);
        self
    }

    /// Security settings.
    pub fn privileges(mut self, p: Privileges) -> Self {
        self.privileges = Some(p);
        self
    }

    /// Isolation technology (Windows: `default`, `process`, `hyperv`).
    pub fn isolation(mut self, i: impl AsRef<str>) -> Self {
        self.spec.isolation = Some(raw_enums::TaskSpecContainerSpecIsolation::from(i.as_ref()));
        self
    }

    /// Runs an init process (API 1.38+).
    pub fn init(mut self, yes: bool) -> Self {
        self.spec.init = Some(yes);
        self
    }

    /// Adds a capability (API 1.41+).
    pub fn cap_add(mut self, c: impl Into<String>) -> Self {
        self.spec
            .capability_add
            .get_or_insert_with(Vec::new)
            .push(c.into());
        self
    }

    /// Drops a capability (API 1.41+).
    pub fn cap_drop(mut self, c: impl Into<String>) -> Self {
        self.spec
            .capability_drop
            .get_or_insert_with(Vec::new)
            .push(c.into());
        self
    }

    /// A namespaced kernel parameter (API 1.40+).
    pub fn sysctl(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.spec
            .sysctls
            .get_or_insert_with(HashMap::new)
            .insert(k.into(), v.into());
        self
    }

    /// A resource limit (API 1.41+).
    pub fn ulimit(mut self, u: Ulimit) -> Self {
        self.spec
            .ulimits
            .get_or_insert_with(Vec::new)
            .push(u.to_service());
        self
    }

    /// The Engine's container spec.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming each short form that did not parse and
    /// each helper that did not validate.
    pub fn build(&self) -> Result<models::TaskSpecContainerSpec> {
        if !self.problems.is_empty() {
            return bad(format!("container spec: {}", self.problems.join("; ")));
        }
        let mut spec = self.spec.clone();
        if !self.mounts.is_empty() {
            spec.mounts = Some(
                self.mounts
                    .iter()
                    .map(Mount::build)
                    .collect::<Result<_>>()?,
            );
        }
        if let Some(h) = &self.healthcheck {
            spec.health_check = Some(h.to_config()?);
        }
        if let Some(d) = &self.dns {
            spec.dns_config = Some(d.build());
        }
        if let Some(p) = &self.privileges {
            spec.privileges = Some(p.build()?);
        }
        Ok(spec)
    }
}

/// A generic resource (a GPU, an FPGA, ...) a task needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GenericResource {
    /// A count of a kind (`("gpu", 2)`): docker-py's integer form.
    Discrete(String, i64),
    /// A named unit of a kind (`("gpu", "UUID1")`): docker-py's string form.
    Named(String, String),
}

/// CPU and memory limits and reservations of a task, and generic
/// resources (docker-py's `docker.types.Resources`).
///
/// ```
/// use docker_engine::types::{GenericResource, Resources};
/// let r = Resources::default().cpu_limit(0.5)?.mem_limit(64 << 20)
///     .generic_resource(GenericResource::Discrete("gpu".into(), 1));
/// assert_eq!(serde_json::to_value(r.build()).unwrap(), serde_json::json!({
///     "Limits": {"NanoCPUs": 500000000, "MemoryBytes": 67108864},
///     "Reservations": {"GenericResources": [{"DiscreteResourceSpec": {"Kind": "gpu", "Value": 1}}]}}));
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[must_use]
pub struct Resources {
    cpu_limit: Option<i64>,
    mem_limit: Option<i64>,
    pids_limit: Option<i64>,
    cpu_reservation: Option<i64>,
    mem_reservation: Option<i64>,
    generic: Vec<GenericResource>,
}

fn cpus_to_nanos(cpus: f64) -> Result<i64> {
    if !(cpus.is_finite() && (0.0..=1e9).contains(&cpus)) {
        return bad(format!("resources: {cpus} CPUs is not a valid amount"));
    }
    Ok((cpus * 1e9).round() as i64)
}

impl Resources {
    /// At most this many CPUs (`0.5`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a negative or non-finite amount.
    pub fn cpu_limit(mut self, cpus: f64) -> Result<Self> {
        self.cpu_limit = Some(cpus_to_nanos(cpus)?);
        Ok(self)
    }
    /// At most this many CPUs, in units of 10⁻⁹ CPUs (docker-py's form).
    pub fn cpu_limit_nanos(mut self, nanos: i64) -> Self {
        self.cpu_limit = Some(nanos);
        self
    }
    /// At most this much memory, in bytes.
    pub fn mem_limit(mut self, bytes: i64) -> Self {
        self.mem_limit = Some(bytes);
        self
    }
    /// At most this many processes (API 1.41+).
    pub fn pids_limit(mut self, n: i64) -> Self {
        self.pids_limit = Some(n);
        self
    }
    /// Reserves this many CPUs.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a negative or non-finite amount.
    pub fn cpu_reservation(mut self, cpus: f64) -> Result<Self> {
        self.cpu_reservation = Some(cpus_to_nanos(cpus)?);
        Ok(self)
    }
    /// Reserves CPUs in units of 10⁻⁹ CPUs (docker-py's form).
    pub fn cpu_reservation_nanos(mut self, nanos: i64) -> Self {
        self.cpu_reservation = Some(nanos);
        self
    }
    /// Reserves this much memory, in bytes.
    pub fn mem_reservation(mut self, bytes: i64) -> Self {
        self.mem_reservation = Some(bytes);
        self
    }
    /// Reserves a generic resource.
    pub fn generic_resource(mut self, r: GenericResource) -> Self {
        self.generic.push(r);
        self
    }

    /// The Engine's resource requirements.
    pub fn build(&self) -> models::TaskSpecResources {
        let limits =
            (self.cpu_limit.is_some() || self.mem_limit.is_some() || self.pids_limit.is_some())
                .then(|| models::Limit {
                    nano_cp_us: self.cpu_limit,
                    memory_bytes: self.mem_limit,
                    pids: self.pids_limit,
                    ..Default::default()
                });
        let generic = (!self.generic.is_empty()).then(|| {
            models::GenericResources(
                self.generic
                    .iter()
                    .map(|g| match g {
                        GenericResource::Discrete(kind, value) => models::GenericResourcesItem {
                            discrete_resource_spec: Some(
                                models::GenericResourcesItemDiscreteResourceSpec {
                                    kind: Some(kind.clone()),
                                    value: Some(*value),
                                    ..Default::default()
                                },
                            ),
                            ..Default::default()
                        },
                        GenericResource::Named(kind, value) => models::GenericResourcesItem {
                            named_resource_spec: Some(
                                models::GenericResourcesItemNamedResourceSpec {
                                    kind: Some(kind.clone()),
                                    value: Some(value.clone()),
                                    ..Default::default()
                                },
                            ),
                            ..Default::default()
                        },
                    })
                    .collect(),
            )
        });
        let reservations =
            (self.cpu_reservation.is_some() || self.mem_reservation.is_some() || generic.is_some())
                .then(|| models::ResourceObject {
                    nano_cp_us: self.cpu_reservation,
                    memory_bytes: self.mem_reservation,
                    generic_resources: generic,
                    ..Default::default()
                });
        models::TaskSpecResources {
            limits,
            reservations,
            ..Default::default()
        }
    }
}

/// When a task's container is restarted (docker-py's
/// `docker.types.RestartPolicy` condition).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RestartCondition {
    /// Never.
    None,
    /// After a non-zero exit.
    OnFailure,
    /// Whenever it stops (the engine's default).
    #[default]
    Any,
}

impl FromStr for RestartCondition {
    type Err = Error;
    /// `none`, `on-failure` or `any`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "none" => Ok(RestartCondition::None),
            "on-failure" => Ok(RestartCondition::OnFailure),
            "any" => Ok(RestartCondition::Any),
            _ => bad(format!(
                "restart condition `{s}`: expected none, on-failure or any"
            )),
        }
    }
}

/// How a service's tasks restart: docker-py's `docker.types.RestartPolicy`
/// (condition, delay, maximum attempts, window). The container restart
/// policy of [`ContainerCreate`](crate::containers::ContainerCreate) is
/// [`RestartPolicy`]; it converts into this one (`Always` and
/// `UnlessStopped` are `any`, `OnFailure(n)` is `on-failure` with at most
/// `n` attempts, `No` is `none`).
///
/// ```
/// use std::time::Duration;
/// use docker_engine::types::{RestartCondition, RestartPolicy, TaskRestartPolicy};
/// let p = TaskRestartPolicy::new("on-failure".parse()?).delay(Duration::from_secs(5)).max_attempts(3);
/// assert_eq!(serde_json::to_value(p.build()?).unwrap(), serde_json::json!({
///     "Condition": "on-failure", "Delay": 5000000000i64, "MaxAttempts": 3}));
/// assert_eq!(TaskRestartPolicy::from(RestartPolicy::OnFailure(3)), TaskRestartPolicy::new(RestartCondition::OnFailure).max_attempts(3));
/// assert!("sometimes".parse::<RestartCondition>().is_err());
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct TaskRestartPolicy {
    condition: RestartCondition,
    delay: Option<Duration>,
    max_attempts: Option<u64>,
    window: Option<Duration>,
}

impl TaskRestartPolicy {
    /// Restarts on `condition`.
    pub fn new(condition: RestartCondition) -> Self {
        TaskRestartPolicy {
            condition,
            ..Default::default()
        }
    }
    /// Delay between attempts.
    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = Some(d);
        self
    }
    /// At most this many attempts (0: no limit).
    pub fn max_attempts(mut self, n: u64) -> Self {
        self.max_attempts = Some(n);
        self
    }
    /// The window in which attempts are counted.
    pub fn window(mut self, d: Duration) -> Self {
        self.window = Some(d);
        self
    }

    /// The Engine's restart policy.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a duration too long to send.
    pub fn build(&self) -> Result<models::TaskSpecRestartPolicy> {
        use raw_enums::TaskSpecRestartPolicyCondition as C;
        Ok(models::TaskSpecRestartPolicy {
            condition: Some(match self.condition {
                RestartCondition::None => C::None,
                RestartCondition::OnFailure => C::OnFailure,
                RestartCondition::Any => C::Any,
            }),
            delay: nanos(self.delay)?,
            max_attempts: self.max_attempts.map(|n| n as i64),
            window: nanos(self.window)?,
            ..Default::default()
        })
    }
}

impl From<RestartPolicy> for TaskRestartPolicy {
    fn from(p: RestartPolicy) -> Self {
        match p {
            RestartPolicy::No => TaskRestartPolicy::new(RestartCondition::None),
            RestartPolicy::Always | RestartPolicy::UnlessStopped => {
                TaskRestartPolicy::new(RestartCondition::Any)
            }
            RestartPolicy::OnFailure(0) => TaskRestartPolicy::new(RestartCondition::OnFailure),
            RestartPolicy::OnFailure(n) => {
                TaskRestartPolicy::new(RestartCondition::OnFailure).max_attempts(u64::from(n))
            }
        }
    }
}

/// How tasks spread over nodes (docker-py's
/// `docker.types.PlacementPreference`; `spread` is the only strategy).
///
/// ```
/// use docker_engine::types::PlacementPreference;
/// assert!(PlacementPreference::new("spread", "node.labels.zone").is_ok());
/// assert!(PlacementPreference::new("pack", "node.labels.zone").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacementPreference {
    descriptor: String,
}

impl PlacementPreference {
    /// Spreads tasks evenly over the values of `descriptor`
    /// (`node.labels.zone`).
    pub fn spread(descriptor: impl Into<String>) -> Self {
        PlacementPreference {
            descriptor: descriptor.into(),
        }
    }

    /// docker-py's form: `strategy` must be `spread`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for another strategy.
    pub fn new(strategy: &str, descriptor: impl Into<String>) -> Result<Self> {
        if strategy != "spread" {
            return bad(format!(
                "placement preference strategy `{strategy}`: only `spread` exists"
            ));
        }
        Ok(PlacementPreference::spread(descriptor))
    }

    fn build(&self) -> models::TaskSpecPlacementPreferencesItem {
        models::TaskSpecPlacementPreferencesItem {
            spread: Some(models::TaskSpecPlacementPreferencesItemSpread {
                spread_descriptor: Some(self.descriptor.clone()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

/// Where tasks may run (docker-py's `docker.types.Placement`):
/// constraints, spread preferences, platforms, replicas per node.
///
/// ```
/// use docker_engine::types::{Placement, PlacementPreference};
/// let p = Placement::default().constraint("node.role==manager")
///     .preference(PlacementPreference::spread("node.labels.zone"))
///     .platform("amd64", "linux").max_replicas(2);
/// assert_eq!(serde_json::to_value(p.build()).unwrap(), serde_json::json!({
///     "Constraints": ["node.role==manager"],
///     "Preferences": [{"Spread": {"SpreadDescriptor": "node.labels.zone"}}],
///     "Platforms": [{"Architecture": "amd64", "OS": "linux"}], "MaxReplicas": 2}));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct Placement {
    constraints: Vec<String>,
    preferences: Vec<PlacementPreference>,
    platforms: Vec<(String, String)>,
    max_replicas: Option<u64>,
}

impl Placement {
    /// Adds a constraint (`node.role==manager`, `node.labels.zone!=b`).
    pub fn constraint(mut self, c: impl Into<String>) -> Self {
        self.constraints.push(c.into());
        self
    }
    /// Adds a preference.
    pub fn preference(mut self, p: PlacementPreference) -> Self {
        self.preferences.push(p);
        self
    }
    /// Adds a platform (architecture, OS) the image supports.
    pub fn platform(mut self, arch: impl Into<String>, os: impl Into<String>) -> Self {
        self.platforms.push((arch.into(), os.into()));
        self
    }
    /// At most this many replicas per node (API 1.40+).
    pub fn max_replicas(mut self, n: u64) -> Self {
        self.max_replicas = Some(n);
        self
    }

    /// The Engine's placement.
    pub fn build(&self) -> models::TaskSpecPlacement {
        models::TaskSpecPlacement {
            constraints: non_empty(&self.constraints),
            preferences: (!self.preferences.is_empty()).then(|| {
                self.preferences
                    .iter()
                    .map(PlacementPreference::build)
                    .collect()
            }),
            platforms: (!self.platforms.is_empty()).then(|| {
                self.platforms
                    .iter()
                    .map(|(a, o)| models::Platform {
                        architecture: Some(a.clone()),
                        os: Some(o.clone()),
                        ..Default::default()
                    })
                    .collect()
            }),
            max_replicas: self.max_replicas.map(|n| n as i64),
            ..Default::default()
        }
    }
}

/// A network a service or task joins (docker-py's
/// `docker.types.NetworkAttachmentConfig`).
///
/// ```
/// use docker_engine::types::NetworkAttachmentConfig;
/// let n = NetworkAttachmentConfig::new("backend").alias("db");
/// assert_eq!(serde_json::to_value(n.build()).unwrap(), serde_json::json!({"Target": "backend", "Aliases": ["db"]}));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct NetworkAttachmentConfig {
    target: String,
    aliases: Vec<String>,
    options: HashMap<String, String>,
}

impl NetworkAttachmentConfig {
    /// The network `target` (name or id).
    pub fn new(target: impl Into<String>) -> Self {
        NetworkAttachmentConfig {
            target: target.into(),
            aliases: Vec::new(),
            options: HashMap::new(),
        }
    }
    /// Adds an alias on that network.
    pub fn alias(mut self, a: impl Into<String>) -> Self {
        self.aliases.push(a.into());
        self
    }
    /// A driver option of the attachment.
    pub fn option(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.options.insert(k.into(), v.into());
        self
    }
    /// The Engine's attachment.
    pub fn build(&self) -> models::NetworkAttachmentConfig {
        models::NetworkAttachmentConfig {
            target: Some(self.target.clone()),
            aliases: non_empty(&self.aliases),
            driver_opts: non_empty_map(&self.options),
            ..Default::default()
        }
    }
}

/// What a service's tasks are (docker-py's `docker.types.TaskTemplate`).
///
/// ```
/// use docker_engine::types::{ContainerSpec, LogConfig, Placement, Resources, TaskTemplate};
/// let t = TaskTemplate::new(ContainerSpec::new("busybox").args(["sleep", "60"]))
///     .resources(Resources::default().mem_limit(32 << 20))
///     .placement(Placement::default().constraint("node.role==manager"))
///     .log_driver(LogConfig::Local)
///     .force_update(1);
/// let spec = t.build()?;
/// assert_eq!(spec.force_update, Some(1));
/// assert_eq!(spec.log_driver.unwrap().name.as_deref(), Some("local"));
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct TaskTemplate {
    container: ContainerSpec,
    resources: Option<Resources>,
    restart: Option<TaskRestartPolicy>,
    placement: Option<Placement>,
    log_driver: Option<LogConfig>,
    networks: Vec<NetworkAttachmentConfig>,
    force_update: Option<u64>,
    runtime: Option<String>,
}

impl TaskTemplate {
    /// Tasks that run `container`.
    pub fn new(container: ContainerSpec) -> Self {
        TaskTemplate {
            container,
            ..Default::default()
        }
    }
    /// Resource limits and reservations.
    pub fn resources(mut self, r: Resources) -> Self {
        self.resources = Some(r);
        self
    }
    /// The restart policy (a container [`RestartPolicy`] converts).
    pub fn restart_policy(mut self, p: impl Into<TaskRestartPolicy>) -> Self {
        self.restart = Some(p.into());
        self
    }
    /// Where tasks may run.
    pub fn placement(mut self, p: Placement) -> Self {
        self.placement = Some(p);
        self
    }
    /// Where tasks' logs go.
    pub fn log_driver(mut self, l: LogConfig) -> Self {
        self.log_driver = Some(l);
        self
    }
    /// Joins a network.
    pub fn network(mut self, n: NetworkAttachmentConfig) -> Self {
        self.networks.push(n);
        self
    }
    /// A counter whose change forces an update even without other changes.
    pub fn force_update(mut self, n: u64) -> Self {
        self.force_update = Some(n);
        self
    }
    /// The runtime (`container`, `plugin`).
    pub fn runtime(mut self, r: impl Into<String>) -> Self {
        self.runtime = Some(r.into());
        self
    }

    /// The Engine's task spec.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] from any helper inside.
    pub fn build(&self) -> Result<models::TaskSpec> {
        Ok(models::TaskSpec {
            container_spec: Some(self.container.build()?),
            resources: self.resources.as_ref().map(Resources::build),
            restart_policy: self
                .restart
                .as_ref()
                .map(TaskRestartPolicy::build)
                .transpose()?,
            placement: self.placement.as_ref().map(Placement::build),
            log_driver: self.log_driver.as_ref().map(|l| {
                let (name, options) = l.driver_parts();
                models::TaskSpecLogDriver {
                    name: Some(name),
                    options,
                    ..Default::default()
                }
            }),
            networks: (!self.networks.is_empty()).then(|| {
                self.networks
                    .iter()
                    .map(NetworkAttachmentConfig::build)
                    .collect()
            }),
            force_update: self.force_update,
            runtime: self.runtime.clone(),
            ..Default::default()
        })
    }
}

/// How many tasks a service runs (docker-py's `docker.types.ServiceMode`):
/// replicated (a count), global (one per node), and the jobs, which run to
/// completion (API 1.41+).
///
/// ```
/// use docker_engine::types::ServiceMode;
/// assert_eq!(serde_json::to_value(ServiceMode::Replicated { replicas: Some(3) }.build()).unwrap(),
///            serde_json::json!({"Replicated": {"Replicas": 3}}));
/// assert_eq!(serde_json::to_value(ServiceMode::new("replicated-job", Some(5), None)?.build()).unwrap(),
///            serde_json::json!({"ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 5}}));
/// assert!(ServiceMode::new("global", Some(2), None).is_err());
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceMode {
    /// A number of replicas (the engine's default is one).
    Replicated {
        /// How many.
        replicas: Option<u64>,
    },
    /// One task on every eligible node.
    Global,
    /// Runs tasks to completion, `max_concurrent` at a time.
    ReplicatedJob {
        /// Tasks running at once.
        max_concurrent: u64,
        /// Completions to reach (default: `max_concurrent`).
        total_completions: Option<u64>,
    },
    /// Runs one task to completion on every eligible node.
    GlobalJob,
}

impl ServiceMode {
    /// docker-py's form: `mode` is `replicated`, `global`,
    /// `replicated-job` or `global-job`; `replicas` only for the replicated
    /// modes (for `replicated-job`, the total completions); `concurrency`
    /// only for `replicated-job` (default 1).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for another mode or a count the mode does
    /// not take.
    pub fn new(mode: &str, replicas: Option<u64>, concurrency: Option<u64>) -> Result<Self> {
        let m = match mode {
            "replicated" => ServiceMode::Replicated { replicas },
            "global" => ServiceMode::Global,
            "replicated-job" => ServiceMode::ReplicatedJob {
                max_concurrent: concurrency.unwrap_or(1),
                total_completions: replicas,
            },
            "global-job" => ServiceMode::GlobalJob,
            _ => {
                return bad(format!(
                "service mode `{mode}`: expected replicated, global, replicated-job or global-job"
            ))
            }
        };
        if replicas.is_some() && matches!(m, ServiceMode::Global | ServiceMode::GlobalJob) {
            return bad(format!(
                "service mode `{mode}`: replicas are only for replicated modes"
            ));
        }
        if concurrency.is_some() && !matches!(m, ServiceMode::ReplicatedJob { .. }) {
            return bad(format!(
                "service mode `{mode}`: concurrency is only for replicated-job"
            ));
        }
        Ok(m)
    }

    /// Whether tasks run to completion.
    pub fn is_job(&self) -> bool {
        matches!(
            self,
            ServiceMode::ReplicatedJob { .. } | ServiceMode::GlobalJob
        )
    }

    /// The Engine's mode.
    pub fn build(&self) -> models::ServiceSpecMode {
        let mut m = models::ServiceSpecMode::default();
        match *self {
            ServiceMode::Replicated { replicas } => {
                m.replicated = Some(models::ServiceSpecModeReplicated {
                    replicas: replicas.map(|n| n as i64),
                    ..Default::default()
                })
            }
            ServiceMode::Global => m.global = Some(serde_json::Map::new()),
            ServiceMode::ReplicatedJob {
                max_concurrent,
                total_completions,
            } => {
                m.replicated_job = Some(models::ServiceSpecModeReplicatedJob {
                    max_concurrent: Some(max_concurrent as i64),
                    total_completions: total_completions.map(|n| n as i64),
                    ..Default::default()
                })
            }
            ServiceMode::GlobalJob => m.global_job = Some(serde_json::Map::new()),
        }
        m
    }
}

impl FromStr for ServiceMode {
    type Err = Error;
    /// The mode's name, without counts.
    fn from_str(s: &str) -> Result<Self> {
        ServiceMode::new(s, None, None)
    }
}

/// What to do when an update (or a rollback) fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureAction {
    /// Go on with the next tasks.
    Continue,
    /// Pause the update (the engine's default).
    Pause,
    /// Roll back to the previous spec (updates only).
    Rollback,
}

impl FromStr for FailureAction {
    type Err = Error;
    /// `continue`, `pause` or `rollback`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "continue" => Ok(FailureAction::Continue),
            "pause" => Ok(FailureAction::Pause),
            "rollback" => Ok(FailureAction::Rollback),
            _ => bad(format!(
                "failure action `{s}`: expected continue, pause or rollback"
            )),
        }
    }
}

/// Whether new tasks start before old ones stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateOrder {
    /// Stop the old task first (the engine's default).
    StopFirst,
    /// Start the new task first.
    StartFirst,
}

impl FromStr for UpdateOrder {
    type Err = Error;
    /// `stop-first` or `start-first`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "stop-first" => Ok(UpdateOrder::StopFirst),
            "start-first" => Ok(UpdateOrder::StartFirst),
            _ => bad(format!(
                "update order `{s}`: expected stop-first or start-first"
            )),
        }
    }
}

/// How a service is updated (docker-py's `docker.types.UpdateConfig`), and
/// rolled back ([`RollbackConfig`], the same fields).
///
/// ```
/// use std::time::Duration;
/// use docker_engine::types::UpdateConfig;
/// let u = UpdateConfig::default().parallelism(2).delay(Duration::from_secs(1))
///     .failure_action("rollback".parse()?).max_failure_ratio(0.25).order("start-first".parse()?);
/// assert_eq!(serde_json::to_value(u.build_update()?).unwrap(), serde_json::json!({
///     "Parallelism": 2, "Delay": 1000000000, "FailureAction": "rollback",
///     "MaxFailureRatio": 0.25, "Order": "start-first"}));
/// assert!(UpdateConfig::default().max_failure_ratio(1.5).build_update().is_err());
/// assert!(UpdateConfig::default().failure_action("rollback".parse()?).build_rollback().is_err());
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[must_use]
pub struct UpdateConfig {
    parallelism: Option<u64>,
    delay: Option<Duration>,
    failure_action: Option<FailureAction>,
    monitor: Option<Duration>,
    max_failure_ratio: Option<f64>,
    order: Option<UpdateOrder>,
}

/// docker-py's `docker.types.RollbackConfig`: the fields of
/// [`UpdateConfig`], sent with [`UpdateConfig::build_rollback`].
pub type RollbackConfig = UpdateConfig;

impl UpdateConfig {
    /// Tasks updated at once (0: all).
    pub fn parallelism(mut self, n: u64) -> Self {
        self.parallelism = Some(n);
        self
    }
    /// Delay between batches.
    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = Some(d);
        self
    }
    /// What to do on failure.
    pub fn failure_action(mut self, a: FailureAction) -> Self {
        self.failure_action = Some(a);
        self
    }
    /// How long each task is watched for failure.
    pub fn monitor(mut self, d: Duration) -> Self {
        self.monitor = Some(d);
        self
    }
    /// The share of failed tasks tolerated, in [0, 1].
    pub fn max_failure_ratio(mut self, r: f64) -> Self {
        self.max_failure_ratio = Some(r);
        self
    }
    /// Stop-first or start-first (API 1.29+).
    pub fn order(mut self, o: UpdateOrder) -> Self {
        self.order = Some(o);
        self
    }

    fn check(&self) -> Result<()> {
        if let Some(r) = self.max_failure_ratio {
            if !(0.0..=1.0).contains(&r) {
                return bad(format!("max_failure_ratio {r} is outside [0, 1]"));
            }
        }
        Ok(())
    }

    /// The Engine's update configuration.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a ratio outside [0, 1].
    pub fn build_update(&self) -> Result<models::ServiceSpecUpdateConfig> {
        use raw_enums::{
            ServiceSpecUpdateConfigFailureAction as A, ServiceSpecUpdateConfigOrder as O,
        };
        self.check()?;
        Ok(models::ServiceSpecUpdateConfig {
            parallelism: self.parallelism.map(|n| n as i64),
            delay: nanos(self.delay)?,
            failure_action: self.failure_action.map(|a| match a {
                FailureAction::Continue => A::Continue,
                FailureAction::Pause => A::Pause,
                FailureAction::Rollback => A::Rollback,
            }),
            monitor: nanos(self.monitor)?,
            max_failure_ratio: self.max_failure_ratio,
            order: self.order.map(|o| match o {
                UpdateOrder::StopFirst => O::StopFirst,
                UpdateOrder::StartFirst => O::StartFirst,
            }),
            ..Default::default()
        })
    }

    /// The Engine's rollback configuration.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a ratio outside [0, 1] or the failure
    /// action `rollback` (a rollback cannot roll back).
    pub fn build_rollback(&self) -> Result<models::ServiceSpecRollbackConfig> {
        use raw_enums::{
            ServiceSpecRollbackConfigFailureAction as A, ServiceSpecRollbackConfigOrder as O,
        };
        self.check()?;
        Ok(models::ServiceSpecRollbackConfig {
            parallelism: self.parallelism.map(|n| n as i64),
            delay: nanos(self.delay)?,
            failure_action: match self.failure_action {
                None => None,
                Some(FailureAction::Continue) => Some(A::Continue),
                Some(FailureAction::Pause) => Some(A::Pause),
                Some(FailureAction::Rollback) => {
                    return bad("a rollback's failure action is continue or pause, not rollback")
                }
            },
            monitor: nanos(self.monitor)?,
            max_failure_ratio: self.max_failure_ratio,
            order: self.order.map(|o| match o {
                UpdateOrder::StopFirst => O::StopFirst,
                UpdateOrder::StartFirst => O::StartFirst,
            }),
            ..Default::default()
        })
    }
}

/// The protocol of a published port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PortProtocol {
    /// TCP (the default).
    #[default]
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
}

impl FromStr for PortProtocol {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "tcp" => Ok(PortProtocol::Tcp),
            "udp" => Ok(PortProtocol::Udp),
            "sctp" => Ok(PortProtocol::Sctp),
            _ => bad(format!("port protocol `{s}`: expected tcp, udp or sctp")),
        }
    }
}

/// Where a port is published: on every node through the routing mesh, or
/// on the node running the task.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PublishMode {
    /// The routing mesh (the default).
    #[default]
    Ingress,
    /// The task's node only.
    Host,
}

impl FromStr for PublishMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "ingress" => Ok(PublishMode::Ingress),
            "host" => Ok(PublishMode::Host),
            _ => bad(format!("publish mode `{s}`: expected ingress or host")),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct PortConfig {
    published: Option<u32>,
    target: u32,
    protocol: Option<PortProtocol>,
    mode: Option<PublishMode>,
}

/// How a service is reached (docker-py's `docker.types.EndpointSpec`): a
/// virtual IP or DNS round robin, and published ports, given as
/// `published → target` or `(target, protocol, mode)` as docker-py takes
/// them, or in the CLI's forms (`8080:80/udp`,
/// `published=8080,target=80,protocol=udp,mode=host`).
///
/// ```
/// use docker_engine::types::{EndpointSpec, PortProtocol, PublishMode};
/// let e = EndpointSpec::default()
///     .port(8080, 80)
///     .port_with(Some(5353), 53, PortProtocol::Udp, PublishMode::Host)
///     .publish("published=9000,target=90");
/// assert_eq!(serde_json::to_value(e.build()?).unwrap(), serde_json::json!({"Ports": [
///     {"PublishedPort": 8080, "TargetPort": 80, "Protocol": "tcp"},
///     {"PublishedPort": 5353, "TargetPort": 53, "Protocol": "udp", "PublishMode": "host"},
///     {"PublishedPort": 9000, "TargetPort": 90}]}));
/// assert!(EndpointSpec::default().port(70000, 80).build().is_err());
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct EndpointSpec {
    dnsrr: Option<bool>,
    ports: Vec<PortConfig>,
    problems: Vec<String>,
}

fn port_number(what: &str, p: &str) -> Result<u32> {
    p.parse::<u32>()
        .map_err(|_| Error::invalid_input(format!("{what} port `{p}` is not a number")))
}

impl EndpointSpec {
    /// DNS round robin instead of a virtual IP (`dnsrr`); `false` is `vip`.
    pub fn dnsrr(mut self, yes: bool) -> Self {
        self.dnsrr = Some(yes);
        self
    }

    /// Publishes `target` as `published` (TCP), docker-py's
    /// `{published: target}`.
    pub fn port(mut self, published: u32, target: u32) -> Self {
        self.ports.push(PortConfig {
            published: Some(published),
            target,
            protocol: Some(PortProtocol::Tcp),
            mode: None,
        });
        self
    }

    /// docker-py's `{published: (target, protocol, mode)}`; no `published`
    /// lets the engine pick one.
    pub fn port_with(
        mut self,
        published: Option<u32>,
        target: u32,
        protocol: PortProtocol,
        mode: PublishMode,
    ) -> Self {
        self.ports.push(PortConfig {
            published,
            target,
            protocol: Some(protocol),
            mode: Some(mode),
        });
        self
    }

    /// A port in the CLI's forms: `[published:]target[/protocol]` or
    /// `published=P,target=T[,protocol=udp][,mode=host]`.
    pub fn publish(mut self, spec: &str) -> Self {
        match Self::parse_port(spec) {
            Ok(p) => self.ports.push(p),
            Err(e) => self.problems.push(e.to_string()),
        }
        self
    }

    fn parse_port(spec: &str) -> Result<PortConfig> {
        if spec.contains('=') {
            let mut p = PortConfig {
                published: None,
                target: 0,
                protocol: None,
                mode: None,
            };
            let mut target = None;
            for field in spec.split(',') {
                let (k, v) = field.split_once('=').ok_or_else(|| {
                    Error::invalid_input(format!("port `{spec}`: `{field}` is not key=value"))
                })?;
                match k {
                    "published" => p.published = Some(port_number("published", v)?),
                    "target" => target = Some(port_number("target", v)?),
                    "protocol" => p.protocol = Some(v.parse()?),
                    "mode" => p.mode = Some(v.parse()?),
                    _ => return bad(format!("port `{spec}`: unknown field `{k}`")),
                }
            }
            p.target =
                target.ok_or_else(|| Error::invalid_input(format!("port `{spec}`: no target")))?;
            return Ok(p);
        }
        let (ports, protocol) = match spec.split_once('/') {
            Some((ports, proto)) => (ports, Some(proto.parse()?)),
            None => (spec, None),
        };
        let (published, target) = match ports.split_once(':') {
            Some((p, t)) => (
                Some(port_number("published", p)?),
                port_number("target", t)?,
            ),
            None => (None, port_number("target", ports)?),
        };
        Ok(PortConfig {
            published,
            target,
            protocol,
            mode: None,
        })
    }

    /// The Engine's endpoint spec.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a port out of range (targets 1 to 65535,
    /// published ports 0 to 65535) or a form that did not parse.
    pub fn build(&self) -> Result<models::EndpointSpec> {
        if !self.problems.is_empty() {
            return bad(format!("endpoint spec: {}", self.problems.join("; ")));
        }
        let mut ports = Vec::new();
        for p in &self.ports {
            if !(1..=65535).contains(&p.target) {
                return bad(format!(
                    "target port {} is out of range (1-65535)",
                    p.target
                ));
            }
            if let Some(pp) = p.published {
                if pp > 65535 {
                    return bad(format!("published port {pp} is out of range (0-65535)"));
                }
            }
            ports.push(models::EndpointPortConfig {
                published_port: p.published.map(i64::from),
                target_port: Some(i64::from(p.target)),
                protocol: p.protocol.map(|pr| {
                    raw_enums::EndpointPortConfigProtocol::from(match pr {
                        PortProtocol::Tcp => "tcp",
                        PortProtocol::Udp => "udp",
                        PortProtocol::Sctp => "sctp",
                    })
                }),
                publish_mode: p.mode.map(|m| {
                    raw_enums::EndpointPortConfigPublishMode::from(match m {
                        PublishMode::Ingress => "ingress",
                        PublishMode::Host => "host",
                    })
                }),
                ..Default::default()
            });
        }
        Ok(models::EndpointSpec {
            mode: self.dnsrr.map(|d| {
                if d {
                    raw_enums::EndpointSpecMode::Dnsrr
                } else {
                    raw_enums::EndpointSpecMode::Vip
                }
            }),
            ports: (!ports.is_empty()).then_some(ports),
            ..Default::default()
        })
    }
}
