//! docker-py's `port(container, private_port)`: the host bindings of a
//! container's port, from inspect.

use super::Containers;
use crate::error::{Error, Result};
use crate::models;

/// `80`, `80/tcp`, `53/udp`: the port number and the protocol, if named.
fn parse_private_port(spec: &str) -> Result<(u16, Option<&str>)> {
    let (port, proto) = match spec.split_once('/') {
        Some((p, proto)) => (p, Some(proto)),
        None => (spec, None),
    };
    let bad = || Error::invalid_input(format!("`{spec}` is not a port (`80` or `80/tcp`)"));
    let port: u16 = port.parse().map_err(|_| bad())?;
    if matches!(proto, Some(p) if !["tcp", "udp", "sctp"].contains(&p)) {
        return Err(bad());
    }
    Ok((port, proto))
}

impl Containers<'_> {
    /// The host addresses a container's port is published on (docker-py's
    /// `port`): `private_port` is `80/tcp` (or `80`, which looks for tcp,
    /// then udp, then sctp, as docker-py does). Empty when the port is not
    /// published (or the container is not running: bindings exist only
    /// while it runs).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a port that does not parse (nothing is
    /// sent); [`Error::NotFound`] for a missing container.
    ///
    /// ```no_run
    /// # async fn demo(docker: docker_engine::Docker) -> docker_engine::Result<()> {
    /// for b in docker.containers().port("web-1", "80/tcp").await? {
    ///     println!("{:?}:{:?}", b.host_ip, b.host_port);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn port(&self, id: &str, private_port: &str) -> Result<Vec<models::PortBinding>> {
        let (port, proto) = parse_private_port(private_port)?;
        let ports = self
            .inspect(id)
            .await?
            .network_settings
            .and_then(|n| n.ports)
            .map(|p| p.0)
            .unwrap_or_default();
        let protocols = match proto {
            Some(p) => vec![p],
            None => vec!["tcp", "udp", "sctp"],
        };
        Ok(protocols
            .into_iter()
            .find_map(|proto| {
                ports
                    .get(&format!("{port}/{proto}"))
                    .cloned()
                    .flatten()
                    .filter(|b| !b.is_empty())
            })
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ports() {
        assert_eq!(parse_private_port("80").unwrap(), (80, None));
        assert_eq!(parse_private_port("53/udp").unwrap(), (53, Some("udp")));
        for bad in ["", "http", "80/tcpx", "70000", "80/"] {
            assert!(
                matches!(parse_private_port(bad), Err(Error::InvalidInput { .. })),
                "{bad}"
            );
        }
    }
}
