//! Networks against the real engine: every endpoint, two containers
//! talking over a user-defined network by alias, a container created on a
//! network with endpoint settings, prune limited to what the test
//! labelled, and bad input as typed errors.

mod common;

use docker_engine::containers::{ContainerCreate, RunOptions};
use docker_engine::networks::{
    DisconnectOptions, InspectOptions, ListOptions, NetworkCreate, NetworkKind, PruneOptions,
};
use docker_engine::types::{EndpointConfig, IPAMConfig, IPAMPool};
use docker_engine::{Docker, Error};

use common::{docker, unique, with_container, IMAGE, LABEL};

/// A /24 unlikely to be used by anyone else on this engine.
fn subnet(n: u32) -> (String, String) {
    let pid = std::process::id();
    let a = 200 + (pid % 50);
    let b = (pid / 50 + n * 7) % 256;
    (format!("10.{a}.{b}.0/24"), format!("10.{a}.{b}"))
}

/// Runs `test`, then removes the network `id` whatever happened.
async fn with_network<F: std::future::Future<Output = ()>>(docker: &Docker, id: &str, test: F) {
    use futures_util::FutureExt;
    let outcome = std::panic::AssertUnwindSafe(test).catch_unwind().await;
    let removed = docker.networks().remove(id).await;
    match outcome {
        Err(panic) => std::panic::resume_unwind(panic),
        Ok(()) => removed.expect("removing the test network"),
    }
}

#[tokio::test]
async fn create_inspect_list_connect_disconnect_remove() {
    let Some(docker) = docker().await else { return };
    let name = unique("sdk-net-life");
    let mark = unique("mark");
    let (net, prefix) = subnet(0);
    let spec = NetworkCreate::new(&name)
        .driver("bridge")
        .driver_opt("com.docker.network.bridge.enable_icc=true")
        .ipam(
            IPAMConfig::new().pool(
                IPAMPool::new(&net)
                    .ip_range(format!("{prefix}.128/25"))
                    .gateway(format!("{prefix}.1"))
                    .aux_address("reserved", format!("{prefix}.2")),
            ),
        )
        .attachable(true)
        .label(LABEL, "true")
        .label("mark", &mark)
        .check_duplicate(true);
    let created = docker.networks().create(&spec).await.unwrap();
    with_network(&docker, &created.id, async {
        // A second network of that name is refused: CheckDuplicate is sent
        // to this engine (API 1.41).
        let again = docker
            .networks()
            .create(
                &NetworkCreate::new(&name)
                    .label(LABEL, "true")
                    .check_duplicate(true),
            )
            .await;
        assert!(matches!(again, Err(Error::Conflict { .. })), "{again:?}");

        let n = docker
            .networks()
            .inspect(&created.id, &InspectOptions::default())
            .await
            .unwrap();
        assert_eq!(n.name.as_deref(), Some(name.as_str()));
        assert_eq!(n.driver.as_deref(), Some("bridge"));
        assert_eq!(n.attachable, Some(true));
        assert_eq!(n.internal, Some(false));
        assert_eq!(n.labels.as_ref().unwrap()["mark"], mark);
        assert_eq!(
            n.options.as_ref().unwrap()["com.docker.network.bridge.enable_icc"],
            "true"
        );
        let pool = &n.ipam.as_ref().unwrap().config.as_ref().unwrap()[0];
        assert_eq!(pool.subnet.as_deref(), Some(net.as_str()));
        assert_eq!(pool.gateway, Some(format!("{prefix}.1")));
        assert_eq!(pool.ip_range, Some(format!("{prefix}.128/25")));
        assert_eq!(
            pool.auxiliary_addresses.as_ref().unwrap()["reserved"],
            format!("{prefix}.2")
        );

        // Verbose and scope are read (local networks have no services).
        let v = docker
            .networks()
            .inspect(
                &name,
                &InspectOptions::default().verbose(true).scope("local"),
            )
            .await
            .unwrap();
        assert_eq!(v.id, n.id);
        let wrong_scope = docker
            .networks()
            .inspect(&name, &InspectOptions::default().scope("swarm"))
            .await;
        assert!(
            matches!(wrong_scope, Err(Error::NotFound { .. })),
            "{wrong_scope:?}"
        );

        // Each filter finds it, and what it excludes does not.
        let found = |opts: ListOptions| {
            let docker = docker.clone();
            async move {
                docker
                    .networks()
                    .list(&opts)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter_map(|n| n.name)
                    .collect::<Vec<_>>()
            }
        };
        let label = format!("mark={mark}");
        assert_eq!(
            found(ListOptions::default().label(&label)).await,
            [name.as_str()]
        );
        assert_eq!(
            found(ListOptions::default().name(&name)).await,
            [name.as_str()]
        );
        assert_eq!(
            found(ListOptions::default().id(&created.id).label(&label)).await,
            [name.as_str()]
        );
        assert_eq!(
            found(
                ListOptions::default()
                    .label(&label)
                    .driver("bridge")
                    .scope("local")
            )
            .await,
            [name.as_str()]
        );
        assert_eq!(
            found(
                ListOptions::default()
                    .label(&label)
                    .kind(NetworkKind::Custom)
            )
            .await,
            [name.as_str()]
        );
        assert!(found(
            ListOptions::default()
                .label(&label)
                .kind(NetworkKind::Builtin)
        )
        .await
        .is_empty());
        assert!(
            found(ListOptions::default().label(&label).driver("overlay"))
                .await
                .is_empty()
        );
        assert_eq!(
            found(ListOptions::default().label(&label).dangling(true)).await,
            [name.as_str()]
        );
        let builtin = found(ListOptions::default().kind(NetworkKind::Builtin)).await;
        assert!(builtin.contains(&"bridge".to_string()), "{builtin:?}");

        // Connect a running container with an alias and a static address.
        let c = docker
            .containers()
            .create(
                &ContainerCreate::new(IMAGE)
                    .name(unique("sdk-net-member"))
                    .label(LABEL, "true")
                    .cmd(["sleep", "30"]),
            )
            .await
            .unwrap();
        with_container(&docker, &c.id, async {
            docker.containers().start(&c.id).await.unwrap();
            let ep = EndpointConfig::new()
                .alias("member")
                .ipv4_address(format!("{prefix}.200"))
                .driver_opt("com.example.opt=1");
            docker.networks().connect(&name, &c.id, &ep).await.unwrap();
            let settings = docker.containers().inspect(&c.id).await.unwrap();
            let on = &settings.network_settings.unwrap().networks.unwrap()[&name];
            assert_eq!(on.ip_address, Some(format!("{prefix}.200")));
            assert!(on.aliases.as_ref().unwrap().contains(&"member".to_string()));
            assert_eq!(on.driver_opts.as_ref().unwrap()["com.example.opt"], "1");

            // Listed on the network now.
            let n = docker
                .networks()
                .inspect(&name, &InspectOptions::default())
                .await
                .unwrap();
            assert!(n.containers.unwrap().contains_key(&c.id));

            // A network with endpoints cannot be removed: the engine's
            // typed answer.
            let busy = docker.networks().remove(&name).await.unwrap_err();
            assert_eq!(busy.operation(), Some("NetworkDelete"), "{busy}");
            assert!(
                busy.engine_message().unwrap().contains("active endpoints"),
                "{busy}"
            );

            docker
                .networks()
                .disconnect(&name, &c.id, &DisconnectOptions::default())
                .await
                .unwrap();
            let n = docker
                .networks()
                .inspect(&name, &InspectOptions::default())
                .await
                .unwrap();
            assert!(n.containers.unwrap_or_default().is_empty());

            // Not on it any more: the engine refuses, unless forced (a
            // forced disconnect of what is not there also fails, but the
            // option travels: the engine reads it).
            let again = docker
                .networks()
                .disconnect(&name, &c.id, &DisconnectOptions::default())
                .await;
            assert!(again.is_err(), "{again:?}");
        })
        .await;
    })
    .await;
    let gone = docker
        .networks()
        .inspect(&created.id, &InspectOptions::default())
        .await;
    assert!(matches!(gone, Err(Error::NotFound { .. })), "{gone:?}");
}

#[tokio::test]
async fn two_containers_talk_over_a_user_defined_network_by_alias() {
    let Some(docker) = docker().await else { return };
    let name = unique("sdk-net-talk");
    let created = docker
        .networks()
        .create(&NetworkCreate::new(&name).label(LABEL, "true"))
        .await
        .unwrap();
    with_network(&docker, &created.id, async {
        let server = docker
            .containers()
            .create(
                &ContainerCreate::new(IMAGE)
                    .name(unique("sdk-net-server"))
                    .label(LABEL, "true")
                    .network(&name, EndpointConfig::new().alias("srv"))
                    .cmd([
                        "sh",
                        "-c",
                        "echo hello-over-the-network > /tmp/index.html && exec httpd -f -p 8080 -h /tmp",
                    ]),
            )
            .await
            .unwrap();
        with_container(&docker, &server.id, async {
            docker.containers().start(&server.id).await.unwrap();
            let client = ContainerCreate::new(IMAGE)
                .name(unique("sdk-net-client"))
                .label(LABEL, "true")
                .network(&name, EndpointConfig::new())
                .cmd([
                    "sh",
                    "-c",
                    "for i in $(seq 1 20); do wget -qO- http://srv:8080/index.html && exit 0; sleep 0.5; done; exit 1",
                ]);
            let out = docker
                .containers()
                .run(&client, &RunOptions::default().remove(true))
                .await
                .unwrap();
            assert_eq!(out.exit_code, 0, "{:?}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(&out.stdout[..], b"hello-over-the-network\n");
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn a_container_created_on_a_network_with_endpoint_settings() {
    let Some(docker) = docker().await else { return };
    let name = unique("sdk-net-create-on");
    let (net, prefix) = subnet(1);
    let created = docker
        .networks()
        .create(
            &NetworkCreate::new(&name)
                .label(LABEL, "true")
                .ipam(IPAMConfig::new().pool(IPAMPool::new(&net))),
        )
        .await
        .unwrap();
    with_network(&docker, &created.id, async {
        let spec = ContainerCreate::new(IMAGE)
            .name(unique("sdk-net-static"))
            .label(LABEL, "true")
            .network(
                &name,
                EndpointConfig::new()
                    .alias("fixed")
                    .ipv4_address(format!("{prefix}.77"))
                    .mac_address("02:42:ac:1e:00:4d"),
            )
            .cmd([
                "sh",
                "-c",
                "ip -4 addr show eth0; cat /sys/class/net/eth0/address",
            ]);
        let c = docker.containers().create(&spec).await.unwrap();
        with_container(&docker, &c.id, async {
            let info = docker.containers().inspect(&c.id).await.unwrap();
            assert_eq!(
                info.host_config.unwrap().network_mode.as_deref(),
                Some(name.as_str())
            );
            docker.containers().start(&c.id).await.unwrap();
            docker
                .containers()
                .wait(&c.id, &Default::default())
                .await
                .unwrap();
            let logs = docker
                .containers()
                .logs(&c.id, &Default::default())
                .await
                .unwrap();
            let (out, _) = docker_engine::streams::collect(logs).await.unwrap();
            let out = String::from_utf8_lossy(&out);
            assert!(out.contains(&format!("inet {prefix}.77/24")), "{out}");
            // Below API 1.44 the endpoint's MAC address went on the
            // container's configuration, where this engine reads it.
            assert!(out.contains("02:42:ac:1e:00:4d"), "{out}");
            let info = docker.containers().inspect(&c.id).await.unwrap();
            let on = &info.network_settings.unwrap().networks.unwrap()[&name];
            assert!(on.aliases.as_ref().unwrap().contains(&"fixed".to_string()));
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn prune_removes_only_what_the_test_labelled() {
    let Some(docker) = docker().await else { return };
    let mark = unique("sdk-net-prune");
    let labelled = docker
        .networks()
        .create(
            &NetworkCreate::new(unique("sdk-net-pruned"))
                .label(LABEL, "true")
                .label("prune-mark", &mark),
        )
        .await
        .unwrap();
    let kept_name = unique("sdk-net-kept");
    let kept = docker
        .networks()
        .create(&NetworkCreate::new(&kept_name).label(LABEL, "true"))
        .await
        .unwrap();
    with_network(&docker, &kept.id, async {
        let pruned = docker
            .networks()
            .prune(&PruneOptions::default().label(format!("prune-mark={mark}")))
            .await
            .unwrap();
        let inspect = docker
            .networks()
            .inspect(&labelled.id, &InspectOptions::default())
            .await;
        if inspect.is_ok() {
            docker.networks().remove(&labelled.id).await.unwrap();
        }
        assert_eq!(pruned.len(), 1, "{pruned:?}");
        assert!(
            matches!(inspect, Err(Error::NotFound { .. })),
            "{inspect:?}"
        );
        docker
            .networks()
            .inspect(&kept.id, &InspectOptions::default())
            .await
            .expect("the unlabelled network stays");
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_a_typed_error() {
    let Some(docker) = docker().await else { return };
    fn invalid<T: std::fmt::Debug>(r: docker_engine::Result<T>, says: &str) {
        match r {
            Err(Error::InvalidInput { message, .. }) => {
                assert!(message.contains(says), "{message}")
            }
            other => panic!("expected invalid input ({says}), got {other:?}"),
        }
    }
    let name = unique("sdk-net-bad");
    let net = |ipam: IPAMConfig| NetworkCreate::new(&name).label(LABEL, "true").ipam(ipam);
    invalid(
        docker
            .networks()
            .create(&net(IPAMConfig::new().pool(IPAMPool::new("10.0.0.0/33"))))
            .await,
        "not a CIDR block",
    );
    invalid(
        docker
            .networks()
            .create(&net(
                IPAMConfig::new().pool(IPAMPool::new("10.0.0.0/24").gateway("10.0.1.1"))
            ))
            .await,
        "not in the subnet",
    );
    invalid(
        docker
            .networks()
            .create(&net(
                IPAMConfig::new().pool(IPAMPool::new("10.0.0.0/24").gateway("ten"))
            ))
            .await,
        "not an IP address",
    );
    invalid(
        docker
            .networks()
            .create(&NetworkCreate::new(&name).driver_opt("no-equals-sign"))
            .await,
        "not `key=value`",
    );
    invalid(
        docker
            .networks()
            .connect(
                "whatever",
                "whoever",
                &EndpointConfig::new().ipv4_address("1.2.3"),
            )
            .await,
        "not an IP address",
    );
    invalid(
        docker
            .containers()
            .create(
                &ContainerCreate::new(IMAGE)
                    .network("x", EndpointConfig::new().ipv6_address("10.0.0.1")),
            )
            .await,
        "not an IPv6 address",
    );
    // Nothing was created by any of that.
    assert!(docker
        .networks()
        .list(&ListOptions::default().name(&name))
        .await
        .unwrap()
        .is_empty());

    let missing = unique("sdk-net-missing");
    for r in [
        docker
            .networks()
            .inspect(&missing, &InspectOptions::default())
            .await
            .map(|_| ()),
        docker.networks().remove(&missing).await,
        docker
            .networks()
            .connect(&missing, "nobody", &EndpointConfig::new())
            .await,
    ] {
        assert!(matches!(r, Err(Error::NotFound { .. })), "{r:?}");
    }
    let unknown = docker
        .networks()
        .list(&ListOptions::default().filter("bogus", "x"))
        .await;
    assert!(
        matches!(unknown, Err(Error::InvalidArgument { .. })),
        "{unknown:?}"
    );
    // A value the engine does not know: its answer, typed (20.10 says 500).
    let e = docker
        .networks()
        .list(&ListOptions::default().filter("type", "bogus"))
        .await
        .unwrap_err();
    assert_eq!(e.operation(), Some("NetworkList"), "{e}");
    assert!(e.engine_message().unwrap().contains("bogus"), "{e}");
}
