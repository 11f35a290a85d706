//! The daemon additions against the real engine: ping's headers, data
//! usage, and docker-py's `port` (a container's host bindings).

mod common;

use docker_engine::containers::ContainerCreate;
use docker_engine::system::{DataUsageOptions, DataUsageType};
use docker_engine::volumes::{RemoveOptions, VolumeCreate};
use docker_engine::Error;

use common::{docker, unique, with_container, IMAGE, LABEL};

#[tokio::test]
async fn ping_reports_what_its_headers_say() {
    let Some(docker) = docker().await else { return };
    let ping = docker.system().ping().await.unwrap();
    let version = docker.system().version().await.unwrap();
    let info = docker.system().info().await.unwrap();
    assert_eq!(
        ping.api_version.map(|v| v.to_string()),
        version.api_version.clone(),
        "{ping:?}"
    );
    assert_eq!(ping.os_type, version.os.clone(), "{ping:?}");
    assert_eq!(
        ping.experimental,
        version.experimental.or(Some(false)),
        "{ping:?}"
    );
    // Swarm state as `node-state/control-available` on engines that send
    // it; this one says so only in /info.
    if let Some(swarm) = &ping.swarm {
        let state = info.swarm.unwrap().local_node_state.unwrap();
        assert!(swarm.starts_with(state.as_str()), "{swarm} vs {state:?}");
    }
}

#[tokio::test]
async fn data_usage_lists_a_volume_and_refuses_the_type_selection_below_1_42() {
    let Some(docker) = docker().await else { return };
    let name = unique("sdk-df");
    docker
        .volumes()
        .create(&VolumeCreate::new().name(&name).label(LABEL, "true"))
        .await
        .unwrap();
    let df = docker
        .system()
        .data_usage(&DataUsageOptions::default())
        .await;
    let only = docker
        .system()
        .data_usage(&DataUsageOptions::default().only(DataUsageType::Volume))
        .await;
    docker
        .volumes()
        .remove(&name, &RemoveOptions::default())
        .await
        .unwrap();
    let df = df.unwrap();
    let ours = df
        .volumes
        .iter()
        .find(|v| v.name == name)
        .expect("our volume");
    assert_eq!(ours.usage_data.as_ref().unwrap().ref_count, 0);
    assert!(df
        .images
        .iter()
        .any(|i| i.repo_tags.iter().flatten().any(|t| t == IMAGE)));
    assert!(df.layers_size.unwrap() > 0);
    if docker.api_version().await.unwrap() < docker_engine::versions::ApiVersion::new(1, 42) {
        assert!(
            matches!(only, Err(Error::UnsupportedByVersion { .. })),
            "{only:?}"
        );
    }
}

#[tokio::test]
async fn port_gives_the_host_bindings_of_a_published_port() {
    let Some(docker) = docker().await else { return };
    let c = docker
        .containers()
        .create(
            &ContainerCreate::new(IMAGE)
                .name(unique("sdk-port"))
                .label(LABEL, "true")
                .publish("127.0.0.1::8080")
                .publish("127.0.0.1::53/udp")
                .cmd(["sleep", "30"]),
        )
        .await
        .unwrap();
    with_container(&docker, &c.id, async {
        // Not running: no bindings yet.
        assert!(docker
            .containers()
            .port(&c.id, "8080/tcp")
            .await
            .unwrap()
            .is_empty());
        docker.containers().start(&c.id).await.unwrap();
        let tcp = docker.containers().port(&c.id, "8080/tcp").await.unwrap();
        assert_eq!(tcp.len(), 1, "{tcp:?}");
        assert_eq!(tcp[0].host_ip.as_deref(), Some("127.0.0.1"));
        let host_port: u16 = tcp[0].host_port.as_deref().unwrap().parse().unwrap();
        assert!(host_port > 0);
        // Without a protocol: tcp first, then udp.
        assert_eq!(docker.containers().port(&c.id, "8080").await.unwrap(), tcp);
        let udp = docker.containers().port(&c.id, "53").await.unwrap();
        assert_eq!(udp.len(), 1, "{udp:?}");
        assert!(docker
            .containers()
            .port(&c.id, "53/tcp")
            .await
            .unwrap()
            .is_empty());
        assert!(docker
            .containers()
            .port(&c.id, "9999")
            .await
            .unwrap()
            .is_empty());
        let bad = docker.containers().port(&c.id, "http").await;
        assert!(matches!(bad, Err(Error::InvalidInput { .. })), "{bad:?}");
    })
    .await;
    let missing = docker
        .containers()
        .port(&unique("sdk-port-missing"), "80")
        .await;
    assert!(
        matches!(missing, Err(Error::NotFound { .. })),
        "{missing:?}"
    );
}
