//! Volumes against the real engine: every endpoint, a volume's data seen
//! from a second container, prune limited to what the test labelled,
//! update refused before sending on this engine, bad input as typed errors.

mod common;

use docker_engine::containers::{ContainerCreate, RunOptions};
use docker_engine::volumes::{ListOptions, PruneOptions, RemoveOptions, VolumeCreate};
use docker_engine::Error;

use common::{docker, unique, IMAGE, LABEL};

#[tokio::test]
async fn create_inspect_list_remove() {
    let Some(docker) = docker().await else { return };
    let name = unique("sdk-vol-life");
    let mark = unique("mark");
    let spec = VolumeCreate::new()
        .name(&name)
        .driver("local")
        .driver_opt("type=tmpfs")
        .driver_opt("device=tmpfs")
        .driver_opt_pair("o", "size=1m")
        .label(LABEL, "true")
        .label("mark", &mark);
    let v = docker.volumes().create(&spec).await.unwrap();
    let outcome = async {
        assert_eq!(v.name, name);
        assert_eq!(v.driver, "local");
        let v = docker.volumes().inspect(&name).await.unwrap();
        assert_eq!(v.labels.as_ref().unwrap()["mark"], mark);
        let opts = v.options.unwrap();
        assert_eq!(
            (opts["type"].as_str(), opts["o"].as_str()),
            ("tmpfs", "size=1m")
        );

        let names = |opts: ListOptions| {
            let docker = docker.clone();
            async move {
                let list = docker.volumes().list(&opts).await.unwrap();
                list.volumes.into_iter().map(|v| v.name).collect::<Vec<_>>()
            }
        };
        let label = format!("mark={mark}");
        assert_eq!(
            names(ListOptions::default().label(&label)).await,
            [name.as_str()]
        );
        assert_eq!(
            names(ListOptions::default().name(&name)).await,
            [name.as_str()]
        );
        assert_eq!(
            names(
                ListOptions::default()
                    .label(&label)
                    .driver("local")
                    .dangling(true)
            )
            .await,
            [name.as_str()]
        );
        assert!(names(ListOptions::default().label(&label).dangling(false))
            .await
            .is_empty());
        assert!(names(ListOptions::default().label(&label).driver("nfs"))
            .await
            .is_empty());
    }
    .await;
    docker
        .volumes()
        .remove(&name, &RemoveOptions::default().force(true))
        .await
        .unwrap();
    let gone = docker.volumes().inspect(&name).await;
    assert!(matches!(gone, Err(Error::NotFound { .. })), "{gone:?}");
    outcome
}

#[tokio::test]
async fn data_written_by_one_container_is_seen_from_another() {
    let Some(docker) = docker().await else { return };
    let name = unique("sdk-vol-share");
    docker
        .volumes()
        .create(&VolumeCreate::new().name(&name).label(LABEL, "true"))
        .await
        .unwrap();
    let run = |cmd: &str| {
        let spec = ContainerCreate::new(IMAGE)
            .name(unique("sdk-vol-user"))
            .label(LABEL, "true")
            .bind(&format!("{name}:/data"))
            .cmd(["sh", "-c", cmd]);
        let docker = docker.clone();
        async move {
            docker
                .containers()
                .run(&spec, &RunOptions::default().remove(true))
                .await
                .unwrap()
        }
    };
    let wrote = run("echo kept-in-the-volume > /data/note").await;
    let read = run("cat /data/note").await;
    // A volume in use cannot be removed: the engine's typed answer.
    let holder = docker
        .containers()
        .create(
            &ContainerCreate::new(IMAGE)
                .name(unique("sdk-vol-holder"))
                .label(LABEL, "true")
                .bind(&format!("{name}:/data"))
                .cmd(["true"]),
        )
        .await
        .unwrap();
    let in_use = docker
        .volumes()
        .remove(&name, &RemoveOptions::default())
        .await;
    docker
        .containers()
        .remove(&holder.id, &Default::default())
        .await
        .unwrap();
    docker
        .volumes()
        .remove(&name, &RemoveOptions::default())
        .await
        .unwrap();
    assert_eq!(wrote.exit_code, 0);
    assert_eq!(&read.stdout[..], b"kept-in-the-volume\n");
    assert!(matches!(in_use, Err(Error::Conflict { .. })), "{in_use:?}");
}

#[tokio::test]
async fn prune_removes_only_what_the_test_labelled() {
    let Some(docker) = docker().await else { return };
    let mark = unique("sdk-vol-prune");
    let pruned_name = unique("sdk-vol-pruned");
    let kept_name = unique("sdk-vol-kept");
    for (name, labelled) in [(&pruned_name, true), (&kept_name, false)] {
        let mut spec = VolumeCreate::new().name(name).label(LABEL, "true");
        if labelled {
            spec = spec.label("prune-mark", &mark);
        }
        docker.volumes().create(&spec).await.unwrap();
    }
    // `all` is not sent to this engine (API 1.41, where named volumes are
    // pruned anyway and the filter would be refused).
    let pruned = docker
        .volumes()
        .prune(
            &PruneOptions::default()
                .all(true)
                .label(format!("prune-mark={mark}")),
        )
        .await;
    let pruned_still_there = docker.volumes().inspect(&pruned_name).await.is_ok();
    let kept = docker.volumes().inspect(&kept_name).await;
    for name in [&pruned_name, &kept_name] {
        let _ = docker
            .volumes()
            .remove(name, &RemoveOptions::default())
            .await;
    }
    let pruned = pruned.unwrap();
    assert_eq!(pruned.volumes_deleted.unwrap_or_default(), [pruned_name]);
    assert!(!pruned_still_there);
    kept.expect("the unlabelled volume stays");
}

#[tokio::test]
async fn update_is_refused_before_sending_on_this_engine() {
    let Some(docker) = docker().await else { return };
    if docker.api_version().await.unwrap() >= docker_engine::versions::ApiVersion::new(1, 42) {
        eprintln!("the engine speaks 1.42 or newer: nothing to refuse");
        return;
    }
    let r = docker
        .volumes()
        .update("sdk-vol-never-sent", 1, &Default::default())
        .await;
    match r {
        Err(Error::UnsupportedByVersion { since, .. }) => {
            assert_eq!(since, docker_engine::versions::ApiVersion::new(1, 42))
        }
        other => panic!("expected the version error, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_input_is_a_typed_error() {
    let Some(docker) = docker().await else { return };
    let name = unique("sdk-vol-bad");
    let r = docker
        .volumes()
        .create(&VolumeCreate::new().name(&name).driver_opt("=nokey"))
        .await;
    assert!(matches!(r, Err(Error::InvalidInput { .. })), "{r:?}");
    let r = docker
        .volumes()
        .create(&VolumeCreate::new().name(&name).driver_opt("novalue"))
        .await;
    assert!(matches!(r, Err(Error::InvalidInput { .. })), "{r:?}");
    assert!(docker
        .volumes()
        .inspect(&name)
        .await
        .unwrap_err()
        .is_not_found());
    let r = docker
        .volumes()
        .remove(&name, &RemoveOptions::default())
        .await;
    assert!(matches!(r, Err(Error::NotFound { .. })), "{r:?}");
    let r = docker
        .volumes()
        .list(&ListOptions::default().filter("dangling", "maybe"))
        .await;
    assert!(matches!(r, Err(Error::InvalidArgument { .. })), "{r:?}");
}
