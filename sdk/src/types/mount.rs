//! [`Mount`] (docker-py's `docker.types.Mount`) and [`DriverConfig`].

use std::collections::HashMap;
use std::str::FromStr;

use docker_engine_raw::enums::{MountBindOptionsPropagation, MountType as RawMountType};

use super::short::parse_bind;
use crate::error::{Error, Result};
use crate::models;

/// A driver and its options: a volume mount's driver, a secret's driver,
/// a templating driver (docker-py's `docker.types.DriverConfig`).
///
/// ```
/// use docker_engine::types::DriverConfig;
/// let d = DriverConfig::new("local").option("type", "tmpfs");
/// assert_eq!(serde_json::to_value(d.to_driver()).unwrap(),
///            serde_json::json!({"Name": "local", "Options": {"type": "tmpfs"}}));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct DriverConfig {
    name: String,
    options: HashMap<String, String>,
}

impl DriverConfig {
    /// The driver `name`, with no options.
    pub fn new(name: impl Into<String>) -> Self {
        DriverConfig {
            name: name.into(),
            options: HashMap::new(),
        }
    }

    /// Adds a driver option.
    pub fn option(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.insert(key.into(), value.into());
        self
    }

    /// The driver's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn options_opt(&self) -> Option<HashMap<String, String>> {
        (!self.options.is_empty()).then(|| self.options.clone())
    }

    /// The Engine's `Driver` object (secrets, configs, templating).
    pub fn to_driver(&self) -> models::Driver {
        models::Driver {
            name: self.name.clone(),
            options: self.options_opt(),
            extra: Default::default(),
        }
    }

    /// A volume mount's `DriverConfig`.
    pub fn to_volume_driver(&self) -> models::MountVolumeOptionsDriverConfig {
        models::MountVolumeOptionsDriverConfig {
            name: Some(self.name.clone()),
            options: self.options_opt(),
            ..Default::default()
        }
    }
}

/// The kind of a [`Mount`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MountType {
    /// A host path.
    Bind,
    /// A named or anonymous volume (the default).
    #[default]
    Volume,
    /// A tmpfs.
    Tmpfs,
    /// A Windows named pipe.
    Npipe,
}

impl MountType {
    fn as_str(self) -> &'static str {
        match self {
            MountType::Bind => "bind",
            MountType::Volume => "volume",
            MountType::Tmpfs => "tmpfs",
            MountType::Npipe => "npipe",
        }
    }
}

impl FromStr for MountType {
    type Err = Error;
    /// `bind`, `volume`, `tmpfs` or `npipe`, as docker-py checks.
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "bind" => MountType::Bind,
            "volume" => MountType::Volume,
            "tmpfs" => MountType::Tmpfs,
            "npipe" => MountType::Npipe,
            _ => {
                return Err(Error::invalid_input(format!(
                    "mount type `{s}`: expected bind, volume, tmpfs or npipe"
                )))
            }
        })
    }
}

/// A mount for a service's [`ContainerSpec`](super::ContainerSpec) or a
/// container ([`ContainerCreate::mount`](crate::containers::ContainerCreate::mount)):
/// docker-py's `docker.types.Mount`. Options of another mount type
/// (propagation on a volume, labels on a bind, a size on anything but a
/// tmpfs) make [`Mount::build`] fail, as docker-py does. Parses from the
/// short form `source:target[:ro|rw]` (a source starting with `/` or a
/// drive letter is a bind, else a volume; one field is an anonymous
/// volume).
///
/// ```
/// use docker_engine::types::{DriverConfig, Mount};
/// let m = Mount::volume("cache", "/var/cache").label("app", "web").driver_config(DriverConfig::new("local"));
/// assert_eq!(serde_json::to_value(m.build()?).unwrap(), serde_json::json!({
///     "Type": "volume", "Source": "cache", "Target": "/var/cache",
///     "VolumeOptions": {"Labels": {"app": "web"}, "DriverConfig": {"Name": "local"}}}));
/// let ro: Mount = "/srv/data:/data:ro".parse()?;
/// assert_eq!(serde_json::to_value(ro.build()?).unwrap(), serde_json::json!({
///     "Type": "bind", "Source": "/srv/data", "Target": "/data", "ReadOnly": true}));
/// assert!(Mount::bind("/srv", "/srv").no_copy(true).build().is_err());
/// # Ok::<(), docker_engine::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct Mount {
    type_: MountType,
    source: Option<String>,
    target: String,
    read_only: bool,
    consistency: Option<String>,
    propagation: Option<String>,
    no_copy: bool,
    labels: HashMap<String, String>,
    driver_config: Option<DriverConfig>,
    subpath: Option<String>,
    tmpfs_size: Option<i64>,
    tmpfs_mode: Option<i64>,
}

impl Mount {
    /// A mount of this type at `target`.
    pub fn new(type_: MountType, source: Option<String>, target: impl Into<String>) -> Self {
        Mount {
            type_,
            source,
            target: target.into(),
            ..Default::default()
        }
    }

    /// A host path `source` at `target`.
    pub fn bind(source: impl Into<String>, target: impl Into<String>) -> Self {
        Mount::new(MountType::Bind, Some(source.into()), target)
    }

    /// The volume `source` (created if missing) at `target`.
    pub fn volume(source: impl Into<String>, target: impl Into<String>) -> Self {
        Mount::new(MountType::Volume, Some(source.into()), target)
    }

    /// An anonymous volume at `target`.
    pub fn anonymous_volume(target: impl Into<String>) -> Self {
        Mount::new(MountType::Volume, None, target)
    }

    /// A tmpfs at `target`.
    pub fn tmpfs(target: impl Into<String>) -> Self {
        Mount::new(MountType::Tmpfs, None, target)
    }

    /// A Windows named pipe.
    pub fn npipe(source: impl Into<String>, target: impl Into<String>) -> Self {
        Mount::new(MountType::Npipe, Some(source.into()), target)
    }

    /// Mounted read-only.
    pub fn read_only(mut self, yes: bool) -> Self {
        self.read_only = yes;
        self
    }

    /// The consistency requirement (`default`, `consistent`, `cached`,
    /// `delegated`).
    pub fn consistency(mut self, c: impl Into<String>) -> Self {
        self.consistency = Some(c.into());
        self
    }

    /// Bind propagation (`private`, `rprivate`, `shared`, `rshared`,
    /// `slave`, `rslave`); binds only.
    pub fn propagation(mut self, p: impl Into<String>) -> Self {
        self.propagation = Some(p.into());
        self
    }

    /// Do not copy the image's content into a new volume; volumes only.
    pub fn no_copy(mut self, yes: bool) -> Self {
        self.no_copy = yes;
        self
    }

    /// A label for a new volume; volumes only.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// The volume driver and its options; volumes only.
    pub fn driver_config(mut self, d: DriverConfig) -> Self {
        self.driver_config = Some(d);
        self
    }

    /// Mount only this path inside the volume (API 1.45+); volumes only.
    pub fn subpath(mut self, p: impl Into<String>) -> Self {
        self.subpath = Some(p.into());
        self
    }

    /// The tmpfs size in bytes; tmpfs only.
    pub fn tmpfs_size(mut self, bytes: i64) -> Self {
        self.tmpfs_size = Some(bytes);
        self
    }

    /// The tmpfs mode (`0o1777`); tmpfs only.
    pub fn tmpfs_mode(mut self, mode: i64) -> Self {
        self.tmpfs_mode = Some(mode);
        self
    }

    /// The Engine's mount object.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an option of another mount type, an
    /// unknown propagation, an empty target.
    pub fn build(&self) -> Result<models::Mount> {
        let kind = self.type_.as_str();
        let wrong = |what: &str, only: &str| {
            Err(Error::invalid_input(format!(
                "mount at `{}`: {what} is for {only} mounts, not {kind}",
                self.target
            )))
        };
        if self.target.is_empty() {
            return Err(Error::invalid_input("mount: empty target"));
        }
        let volume = self.type_ == MountType::Volume;
        if !volume {
            if self.no_copy {
                return wrong("no_copy", "volume");
            }
            if !self.labels.is_empty() {
                return wrong("labels", "volume");
            }
            if self.driver_config.is_some() {
                return wrong("driver_config", "volume");
            }
            if self.subpath.is_some() {
                return wrong("subpath", "volume");
            }
        }
        if self.type_ != MountType::Bind && self.propagation.is_some() {
            return wrong("propagation", "bind");
        }
        let tmpfs = self.type_ == MountType::Tmpfs;
        if !tmpfs && (self.tmpfs_size.is_some() || self.tmpfs_mode.is_some()) {
            return wrong("tmpfs_size and tmpfs_mode", "tmpfs");
        }
        let bind_options = match &self.propagation {
            Some(p) => {
                let known = [
                    "private", "rprivate", "shared", "rshared", "slave", "rslave",
                ];
                if !known.contains(&p.as_str()) {
                    return Err(Error::invalid_input(format!(
                        "mount at `{}`: unknown propagation `{p}`",
                        self.target
                    )));
                }
                Some(models::MountBindOptions {
                    propagation: Some(MountBindOptionsPropagation::from(p.as_str())),
                    ..Default::default()
                })
            }
            None => None,
        };
        let volume_options = (volume
            && (self.no_copy
                || !self.labels.is_empty()
                || self.driver_config.is_some()
                || self.subpath.is_some()))
        .then(|| models::MountVolumeOptions {
            no_copy: self.no_copy.then_some(true),
            labels: (!self.labels.is_empty()).then(|| self.labels.clone()),
            driver_config: self.driver_config.as_ref().map(|d| d.to_volume_driver()),
            subpath: self.subpath.clone(),
            ..Default::default()
        });
        let tmpfs_options = (tmpfs && (self.tmpfs_size.is_some() || self.tmpfs_mode.is_some()))
            .then(|| models::MountTmpfsOptions {
                size_bytes: self.tmpfs_size,
                mode: self.tmpfs_mode,
                ..Default::default()
            });
        Ok(models::Mount {
            type_: Some(RawMountType::from(kind)),
            source: self.source.clone(),
            target: Some(self.target.clone()),
            read_only: self.read_only.then_some(true),
            consistency: self.consistency.clone(),
            bind_options,
            volume_options,
            tmpfs_options,
            ..Default::default()
        })
    }
}

impl FromStr for Mount {
    type Err = Error;
    /// `target` (an anonymous volume), or `source:target[:options]` with
    /// options `ro`, `rw`, a bind propagation, `nocopy` (volumes).
    fn from_str(spec: &str) -> Result<Self> {
        // `C:\` or `C:/` and no other `:` (byte 2 is ASCII: a boundary).
        let drive_only = matches!(spec.as_bytes(), [d, b':', b'\\' | b'/', ..] if d.is_ascii_alphabetic())
            && spec.get(2..).is_some_and(|rest| !rest.contains(':'));
        if !spec.contains(':') || drive_only {
            if spec.is_empty() {
                return Err(Error::invalid_input("mount: empty specification"));
            }
            return Ok(Mount::anonymous_volume(spec));
        }
        let b = parse_bind(spec).map_err(|e| match e {
            Error::InvalidInput { message } => {
                Error::invalid_input(message.replacen("bind", "mount", 1))
            }
            other => other,
        })?;
        let mut m = if b.is_host_path() {
            Mount::bind(b.source.clone(), b.target.clone())
        } else {
            Mount::volume(b.source.clone(), b.target.clone())
        };
        m.read_only = b.read_only;
        for opt in &b.options {
            match opt.as_str() {
                "rw" => {}
                "nocopy" => m.no_copy = true,
                "private" | "rprivate" | "shared" | "rshared" | "slave" | "rslave" => {
                    m.propagation = Some(opt.clone())
                }
                "consistent" | "cached" | "delegated" => m.consistency = Some(opt.clone()),
                other => {
                    return Err(Error::invalid_input(format!(
                        "mount `{spec}`: unknown option `{other}`"
                    )))
                }
            }
        }
        // Options of the other type are caught here, as when built.
        m.build()?;
        Ok(m)
    }
}
