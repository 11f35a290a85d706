//! docker-py's network helpers: [`IPAMConfig`] and [`IPAMPool`] (a
//! network's address management), [`EndpointConfig`] (a container's
//! endpoint on a network: docker-py's `create_endpoint_config`), and the
//! checks they make before anything is sent: subnets and ranges are CIDR
//! blocks, gateways and addresses are IP addresses of the subnet's family
//! (inside it), driver options are `key=value`.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::error::{Error, Result};
use crate::models;

/// A CIDR block: an address and a prefix length valid for its family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub(crate) fn parse(what: &str, s: &str) -> Result<Cidr> {
        let bad =
            |why: &str| Error::invalid_input(format!("{what} `{s}` is not a CIDR block: {why}"));
        let (addr, prefix) = s
            .split_once('/')
            .ok_or_else(|| bad("no `/prefix` (e.g. 10.0.0.0/24)"))?;
        let addr: IpAddr = addr.parse().map_err(|_| bad("not an IP address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|p| *p <= max)
            .ok_or_else(|| bad(&format!("the prefix must be 0 to {max}")))?;
        Ok(Cidr { addr, prefix })
    }

    fn bits(addr: IpAddr) -> (u128, u8) {
        match addr {
            IpAddr::V4(a) => (u128::from(u32::from(a)), 32),
            IpAddr::V6(a) => (u128::from(a), 128),
        }
    }

    /// Whether `addr` is of this block's family and inside it.
    pub(crate) fn contains(&self, addr: IpAddr) -> bool {
        if addr.is_ipv4() != self.addr.is_ipv4() {
            return false;
        }
        let (a, width) = Self::bits(addr);
        let (n, _) = Self::bits(self.addr);
        let shift = u32::from(width - self.prefix);
        shift >= 128 || (a >> shift) == (n >> shift)
    }

    fn within(&self, outer: &Cidr) -> bool {
        self.prefix >= outer.prefix && outer.contains(self.addr)
    }
}

pub(crate) fn parse_ip(what: &str, s: &str) -> Result<IpAddr> {
    s.parse()
        .map_err(|_| Error::invalid_input(format!("{what} `{s}` is not an IP address")))
}

/// Splits a driver option given as `key=value` (the CLI's `-o` form).
pub(crate) fn parse_key_value(what: &str, s: &str) -> Result<(String, String)> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(Error::invalid_input(format!(
            "{what} `{s}` is not `key=value`"
        ))),
    }
}

/// One address pool of a network (docker-py's `IPAMPool`): its subnet, the
/// range containers get addresses from, the gateway, and addresses the
/// driver must not hand out.
///
/// ```
/// use docker_engine::types::IPAMPool;
/// let pool = IPAMPool::new("172.28.0.0/16")
///     .ip_range("172.28.5.0/24")
///     .gateway("172.28.5.254")
///     .aux_address("router", "172.28.1.5");
/// assert!(pool.check().is_ok());
/// assert!(IPAMPool::new("172.28.0.0/16").gateway("10.0.0.1").check().is_err());
/// assert!(IPAMPool::new("172.28.0.0").check().is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct IPAMPool {
    subnet: Option<String>,
    ip_range: Option<String>,
    gateway: Option<String>,
    aux_addresses: HashMap<String, String>,
}

impl IPAMPool {
    /// A pool for `subnet` (CIDR, e.g. `10.10.0.0/24` or `fd00::/64`).
    pub fn new(subnet: impl Into<String>) -> Self {
        IPAMPool {
            subnet: Some(subnet.into()),
            ..Default::default()
        }
    }

    /// A pool without a subnet (the IPAM driver picks one).
    pub fn any() -> Self {
        IPAMPool::default()
    }

    /// The range (CIDR, inside the subnet) containers get addresses from.
    pub fn ip_range(mut self, range: impl Into<String>) -> Self {
        self.ip_range = Some(range.into());
        self
    }

    /// The gateway address (inside the subnet).
    pub fn gateway(mut self, gateway: impl Into<String>) -> Self {
        self.gateway = Some(gateway.into());
        self
    }

    /// An address the driver must not hand out, by name (`AuxiliaryAddresses`).
    pub fn aux_address(mut self, name: impl Into<String>, addr: impl Into<String>) -> Self {
        self.aux_addresses.insert(name.into(), addr.into());
        self
    }

    /// Checks what can be checked before sending: CIDR blocks, addresses,
    /// the range and addresses inside the subnet, of its family.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming what is wrong.
    pub fn check(&self) -> Result<()> {
        let subnet = self
            .subnet
            .as_deref()
            .map(|s| Cidr::parse("subnet", s))
            .transpose()?;
        let inside = |what: &str, addr: &str, ip: IpAddr| -> Result<()> {
            match &subnet {
                Some(net) if !net.contains(ip) => Err(Error::invalid_input(format!(
                    "{what} `{addr}` is not in the subnet `{}`",
                    self.subnet.as_deref().unwrap_or_default()
                ))),
                _ => Ok(()),
            }
        };
        if let Some(range) = &self.ip_range {
            let r = Cidr::parse("ip range", range)?;
            if let Some(net) = &subnet {
                if !r.within(net) {
                    return Err(Error::invalid_input(format!(
                        "ip range `{range}` is not inside the subnet `{}`",
                        self.subnet.as_deref().unwrap_or_default()
                    )));
                }
            }
        }
        if let Some(gw) = &self.gateway {
            inside("gateway", gw, parse_ip("gateway", gw)?)?;
        }
        let mut aux: Vec<_> = self.aux_addresses.iter().collect();
        aux.sort();
        for (name, addr) in aux {
            let what = format!("auxiliary address {name}");
            inside(&what, addr, parse_ip(&what, addr)?)?;
        }
        Ok(())
    }

    pub(crate) fn to_model(&self) -> models::IpamConfig {
        models::IpamConfig {
            subnet: self.subnet.clone(),
            ip_range: self.ip_range.clone(),
            gateway: self.gateway.clone(),
            auxiliary_addresses: (!self.aux_addresses.is_empty())
                .then(|| self.aux_addresses.clone()),
            ..Default::default()
        }
    }
}

/// A network's address management (docker-py's `IPAMConfig`): the IPAM
/// driver, its options and the address pools.
///
/// ```
/// use docker_engine::types::{IPAMConfig, IPAMPool};
/// let ipam = IPAMConfig::new()
///     .pool(IPAMPool::new("10.20.0.0/24").gateway("10.20.0.1"))
///     .option("foo=bar");
/// assert!(ipam.check().is_ok());
/// assert!(IPAMConfig::new().option("novalue").check().is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct IPAMConfig {
    driver: Option<String>,
    pools: Vec<IPAMPool>,
    options: HashMap<String, String>,
    problems: Vec<String>,
}

impl IPAMConfig {
    /// The default IPAM driver, no pools (the driver picks a subnet).
    pub fn new() -> Self {
        IPAMConfig::default()
    }

    /// The IPAM driver (`default` unless set).
    pub fn driver(mut self, driver: impl Into<String>) -> Self {
        self.driver = Some(driver.into());
        self
    }

    /// Adds an address pool.
    pub fn pool(mut self, pool: IPAMPool) -> Self {
        self.pools.push(pool);
        self
    }

    /// An option of the IPAM driver, as `key=value`.
    pub fn option(mut self, spec: &str) -> Self {
        match parse_key_value("IPAM driver option", spec) {
            Ok((k, v)) => {
                self.options.insert(k, v);
            }
            Err(e) => self.problems.push(e.to_string()),
        }
        self
    }

    /// An option of the IPAM driver, already split.
    pub fn option_pair(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.insert(key.into(), value.into());
        self
    }

    /// Checks the options and every pool.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming what is wrong.
    pub fn check(&self) -> Result<()> {
        if let Some(p) = self.problems.first() {
            return Err(Error::invalid_input(
                p.trim_start_matches("invalid input: "),
            ));
        }
        self.pools.iter().try_for_each(IPAMPool::check)
    }

    pub(crate) fn to_model(&self) -> Result<models::Ipam> {
        self.check()?;
        Ok(models::Ipam {
            driver: self.driver.clone(),
            config: (!self.pools.is_empty())
                .then(|| self.pools.iter().map(IPAMPool::to_model).collect()),
            options: (!self.options.is_empty()).then(|| self.options.clone()),
            ..Default::default()
        })
    }
}

/// A container's endpoint on a network (docker-py's
/// `create_endpoint_config`): aliases, links, static addresses, driver
/// options, MAC address. Used by `networks().connect` and
/// `ContainerCreate::network`; bad addresses and options are reported
/// there, before sending.
///
/// ```
/// use docker_engine::types::EndpointConfig;
/// let ep = EndpointConfig::new()
///     .alias("db")
///     .link("other:alias")
///     .ipv4_address("10.20.0.5")
///     .driver_opt("com.example.opt=1");
/// assert!(ep.check().is_ok());
/// assert!(EndpointConfig::new().ipv4_address("10.20.0.300").check().is_err());
/// assert!(EndpointConfig::new().ipv4_address("fd00::1").check().is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct EndpointConfig {
    aliases: Vec<String>,
    links: Vec<String>,
    ipv4: Option<String>,
    ipv6: Option<String>,
    link_local: Vec<String>,
    driver_opts: HashMap<String, String>,
    mac: Option<String>,
    problems: Vec<String>,
}

impl EndpointConfig {
    /// No settings: the container joins the network with what the engine
    /// gives it.
    pub fn new() -> Self {
        EndpointConfig::default()
    }

    /// A name other containers on the network reach it by.
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.aliases.push(alias.into());
        self
    }

    /// A legacy link, `container` or `container:alias`.
    pub fn link(mut self, link: impl Into<String>) -> Self {
        self.links.push(link.into());
        self
    }

    /// A static IPv4 address (the network needs a user-defined subnet).
    pub fn ipv4_address(mut self, addr: impl Into<String>) -> Self {
        self.ipv4 = Some(addr.into());
        self
    }

    /// A static IPv6 address.
    pub fn ipv6_address(mut self, addr: impl Into<String>) -> Self {
        self.ipv6 = Some(addr.into());
        self
    }

    /// A link-local address.
    pub fn link_local_ip(mut self, addr: impl Into<String>) -> Self {
        self.link_local.push(addr.into());
        self
    }

    /// A driver option for the endpoint, as `key=value` (read by engines
    /// from API 1.38).
    pub fn driver_opt(mut self, spec: &str) -> Self {
        match parse_key_value("endpoint driver option", spec) {
            Ok((k, v)) => {
                self.driver_opts.insert(k, v);
            }
            Err(e) => self.problems.push(e.to_string()),
        }
        self
    }

    /// The endpoint's MAC address: on create, placed where the negotiated
    /// version reads it (the container's configuration before API 1.44);
    /// on connect, engines apply it from API 1.54 (below, the call is
    /// refused rather than the address silently ignored).
    pub fn mac_address(mut self, mac: impl Into<String>) -> Self {
        self.mac = Some(mac.into());
        self
    }

    /// Checks the addresses and options.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming what is wrong.
    pub fn check(&self) -> Result<()> {
        if let Some(p) = self.problems.first() {
            return Err(Error::invalid_input(
                p.trim_start_matches("invalid input: "),
            ));
        }
        if let Some(a) = &self.ipv4 {
            if !parse_ip("IPv4 address", a)?.is_ipv4() {
                return Err(Error::invalid_input(format!(
                    "`{a}` is not an IPv4 address"
                )));
            }
        }
        if let Some(a) = &self.ipv6 {
            if !parse_ip("IPv6 address", a)?.is_ipv6() {
                return Err(Error::invalid_input(format!(
                    "`{a}` is not an IPv6 address"
                )));
            }
        }
        for a in &self.link_local {
            parse_ip("link-local address", a)?;
        }
        if let Some(mac) = &self.mac {
            let ok = mac.split(':').count() == 6
                && mac
                    .split(':')
                    .all(|b| b.len() == 2 && b.chars().all(|c| c.is_ascii_hexdigit()));
            if !ok {
                return Err(Error::invalid_input(format!(
                    "MAC address `{mac}` is not six hex bytes separated by `:`"
                )));
            }
        }
        Ok(())
    }

    /// The endpoint settings as sent (after [`EndpointConfig::check`]).
    pub(crate) fn to_model(&self) -> Result<models::EndpointSettings> {
        self.check()?;
        let ipam = (self.ipv4.is_some() || self.ipv6.is_some() || !self.link_local.is_empty())
            .then(|| models::EndpointIpamConfig {
                i_pv4_address: self.ipv4.clone(),
                i_pv6_address: self.ipv6.clone(),
                link_local_i_ps: (!self.link_local.is_empty()).then(|| self.link_local.clone()),
                ..Default::default()
            });
        Ok(models::EndpointSettings {
            aliases: (!self.aliases.is_empty()).then(|| self.aliases.clone()),
            links: (!self.links.is_empty()).then(|| self.links.clone()),
            ipam_config: ipam,
            driver_opts: (!self.driver_opts.is_empty()).then(|| self.driver_opts.clone()),
            mac_address: self.mac.clone(),
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_blocks_and_containment() {
        let net = Cidr::parse("subnet", "10.1.0.0/16").unwrap();
        assert!(net.contains("10.1.200.3".parse().unwrap()));
        assert!(!net.contains("10.2.0.1".parse().unwrap()));
        assert!(!net.contains("fd00::1".parse().unwrap()));
        let v6 = Cidr::parse("subnet", "fd00:1::/64").unwrap();
        assert!(v6.contains("fd00:1::5".parse().unwrap()));
        assert!(!v6.contains("fd00:2::5".parse().unwrap()));
        assert!(Cidr::parse("subnet", "0.0.0.0/0")
            .unwrap()
            .contains("1.2.3.4".parse().unwrap()));
        for bad in [
            "10.1.0.0",
            "10.1.0.0/33",
            "fd00::/129",
            "x/8",
            "10.1.0.0/x",
            "",
        ] {
            let e = Cidr::parse("subnet", bad).unwrap_err();
            assert!(matches!(e, Error::InvalidInput { .. }), "{bad}: {e}");
        }
    }

    #[test]
    fn pools_are_checked_before_sending() {
        let ok = IPAMPool::new("fd00:1::/64")
            .ip_range("fd00:1::/80")
            .gateway("fd00:1::1");
        ok.check().unwrap();
        let cases = [
            (
                IPAMPool::new("10.0.0.0/24").ip_range("10.0.1.0/25"),
                "not inside",
            ),
            (
                IPAMPool::new("10.0.0.0/24").ip_range("10.0.0.0/16"),
                "not inside",
            ),
            (
                IPAMPool::new("10.0.0.0/24").gateway("10.0.0.256"),
                "not an IP",
            ),
            (
                IPAMPool::new("10.0.0.0/24").gateway("fd00::1"),
                "not in the subnet",
            ),
            (
                IPAMPool::new("10.0.0.0/24").aux_address("r", "10.9.0.1"),
                "auxiliary address r",
            ),
        ];
        for (pool, says) in cases {
            let e = pool.check().unwrap_err().to_string();
            assert!(e.contains(says), "{e}");
        }
        let model = IPAMPool::new("10.0.0.0/24")
            .aux_address("r", "10.0.0.9")
            .to_model();
        assert_eq!(
            serde_json::to_value(model).unwrap(),
            serde_json::json!({"Subnet": "10.0.0.0/24", "AuxiliaryAddresses": {"r": "10.0.0.9"}})
        );
    }

    #[test]
    fn endpoints_and_driver_options() {
        let e = EndpointConfig::new()
            .driver_opt("novalue")
            .check()
            .unwrap_err();
        assert!(e.to_string().contains("not `key=value`"), "{e}");
        let e = EndpointConfig::new()
            .mac_address("02:42:zz:00:00:01")
            .check();
        assert!(e.is_err());
        let m = EndpointConfig::new()
            .alias("a")
            .ipv6_address("fd00::3")
            .link_local_ip("169.254.1.1")
            .to_model()
            .unwrap();
        assert_eq!(
            serde_json::to_value(m).unwrap(),
            serde_json::json!({"Aliases": ["a"], "IPAMConfig": {"IPv6Address": "fd00::3", "LinkLocalIPs": ["169.254.1.1"]}})
        );
        assert_eq!(
            parse_key_value("o", "a=b=c").unwrap(),
            ("a".into(), "b=c".into())
        );
        assert!(parse_key_value("o", "=v").is_err());
    }
}
