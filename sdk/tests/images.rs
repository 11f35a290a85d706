//! Images against the real engine: list (filters, ids only, short ids),
//! inspect, history, tag and remove (what was untagged comes back), commit
//! with changes, save and load round trips compared byte for byte, import
//! (a tar stream, a file, a URL) compared file by file, prune limited to
//! what the test labelled, search's typed error where the index cannot be
//! reached, and the container list's ids.

mod common;

use std::io::Read;

use docker_engine::containers::{self, ContainerCreate};
use docker_engine::images::{
    short_id, CommitOptions, ImportOptions, ListOptions, LoadOptions, PruneOptions, RemoveOptions,
    SearchOptions,
};
use docker_engine::reference::ReferenceErrorKind;
use docker_engine::streams::Body;
use docker_engine::{Docker, Error};
use futures_util::{FutureExt, StreamExt};

use common::{docker, unique, with_container, IMAGE, LABEL};

/// A repository name no other test uses.
fn repo(prefix: &str) -> String {
    format!("docker-engine-rs-test/{}", unique(prefix))
}

/// Runs `test`, then removes the images `names` (forcefully; those already
/// gone are fine), then reports the outcome.
async fn with_images<F: std::future::Future<Output = ()>>(
    docker: &Docker,
    names: &[&str],
    test: F,
) {
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        std::panic::AssertUnwindSafe(test).catch_unwind(),
    )
    .await;
    for name in names {
        match docker
            .images()
            .remove(name, &RemoveOptions::default().force(true))
            .await
        {
            Ok(_) | Err(Error::NotFound { .. }) => {}
            Err(e) => eprintln!("removing {name}: {e}"),
        }
    }
    match outcome {
        Err(_) => panic!("test timed out"),
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Ok(Ok(())) => {}
    }
}

async fn read_all(mut s: docker_engine::streams::ByteStream) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(chunk) = s.next().await {
        out.extend_from_slice(&chunk.unwrap());
    }
    out
}

#[tokio::test]
async fn tag_list_inspect_history_remove() {
    let Some(docker) = docker().await else { return };
    let images = docker.images();
    let name = repo("img-tag");
    let target = format!("{name}:t1");
    with_images(&docker, &[&target], async {
        images.tag(IMAGE, &target).await.unwrap();
        let source = images.inspect(IMAGE).await.unwrap();
        let tagged = images.inspect(&target).await.unwrap();
        assert_eq!(source.id, tagged.id);
        let id = tagged.id.clone().unwrap();
        assert!(tagged.repo_tags.unwrap_or_default().contains(&target));

        let mine = ListOptions::default().reference(&target);
        let listed = images.list(&mine).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, id);
        assert_eq!(images.list_ids(&mine).await.unwrap(), vec![id.clone()]);
        let short = images.list_ids(&mine.clone().trunc(true)).await.unwrap();
        assert_eq!(short, vec![short_id(&id).to_string()]);
        assert_eq!(short[0].len(), 12);
        assert!(!short[0].contains(':'));
        assert!(images
            .list(&ListOptions::default().reference(format!("{name}:nope")))
            .await
            .unwrap()
            .is_empty());
        // dangling=false lists tagged images only: ours among them.
        let tagged_ids = images
            .list_ids(
                &ListOptions::default()
                    .dangling(false)
                    .label("none-has-this-label=x"),
            )
            .await
            .unwrap();
        assert!(tagged_ids.is_empty());

        let history = images.history(&target).await.unwrap();
        assert!(!history.is_empty());
        assert_eq!(history[0].id, id);

        // A digest is no tag; an invalid reference is refused before sending.
        let sha = format!("{name}@sha256:{}", "a".repeat(64));
        assert!(matches!(
            images.tag(IMAGE, &sha).await,
            Err(Error::InvalidInput { .. })
        ));
        match images.tag(IMAGE, "Bad/Name:x").await {
            Err(Error::InvalidReference(e)) => {
                assert_eq!(e.kind(), &ReferenceErrorKind::NameContainsUppercase)
            }
            other => panic!("{other:?}"),
        }

        // Removing one name of an image with several untags it only.
        let removed = images
            .remove(&target, &RemoveOptions::default())
            .await
            .unwrap();
        assert_eq!(removed.len(), 1, "{removed:?}");
        assert_eq!(removed[0].untagged.as_deref(), Some(target.as_str()));
        assert_eq!(removed[0].deleted, None);
        assert!(images.inspect(&target).await.unwrap_err().is_not_found());
        assert!(images.inspect(IMAGE).await.is_ok());
        assert!(matches!(
            images.remove(&target, &RemoveOptions::default()).await,
            Err(Error::NotFound { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn commit_with_changes_and_prune_only_what_the_test_labelled() {
    let Some(docker) = docker().await else { return };
    let images = docker.images();
    let name = unique("img-commit");
    let target = format!("{}:c1", repo("img-commit"));
    let spec = ContainerCreate::new(IMAGE)
        .name(&name)
        .label(LABEL, "true")
        .cmd(["sh", "-c", "echo made-by-test > /made"]);
    let id = docker.containers().create(&spec).await.unwrap().id;
    with_container(&docker, &id, async {
        docker.containers().start(&id).await.unwrap();
        docker
            .containers()
            .wait(&id, &containers::WaitOptions::default())
            .await
            .unwrap();
        let label = format!("{LABEL}.commit={name}");
        let opts = CommitOptions::default()
            .repo(&target)
            .message("committed by the test")
            .author("docker-engine-rs <test@example.com>")
            .pause(false)
            .change("ENV COMMITTED=yes")
            .change(r#"CMD ["cat", "/made"]"#)
            .change(format!("LABEL {label}"));
        let committed = images.commit(&id, &opts).await.unwrap();
        with_images(&docker, &[&committed], async {
            let image = images.inspect(&target).await.unwrap();
            assert_eq!(image.id.as_deref(), Some(committed.as_str()));
            assert_eq!(image.comment.as_deref(), Some("committed by the test"));
            assert_eq!(
                image.author.as_deref(),
                Some("docker-engine-rs <test@example.com>")
            );
            let config = image.config.unwrap();
            assert!(config
                .env
                .unwrap_or_default()
                .contains(&"COMMITTED=yes".to_string()));
            assert_eq!(
                config.cmd.unwrap(),
                vec!["cat".to_string(), "/made".to_string()]
            );
            let (key, value) = label.split_once('=').unwrap();
            assert_eq!(
                config.labels.unwrap().get(key).map(String::as_str),
                Some(value)
            );
            let history = images.history(&target).await.unwrap();
            assert_eq!(history[0].comment, "committed by the test");

            // The committed image runs with the command it was given.
            let run = docker
                .containers()
                .run(
                    &ContainerCreate::new(&target).label(LABEL, "true"),
                    &containers::RunOptions::default().remove(true),
                )
                .await
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&run.stdout), "made-by-test\n");

            // Untagged, it is dangling: prune with the test's label removes
            // it and nothing else.
            images.remove(&target, &RemoveOptions::default()).await.ok();
            let untagged = images
                .commit(
                    &id,
                    &CommitOptions::default().change(format!("LABEL {label}")),
                )
                .await
                .unwrap();
            let dangling = images
                .list_ids(&ListOptions::default().dangling(true).label(&label))
                .await
                .unwrap();
            assert_eq!(dangling, vec![untagged.clone()]);
            let pruned = images
                .prune(&PruneOptions::default().label(&label))
                .await
                .unwrap();
            let deleted: Vec<String> = pruned
                .images_deleted
                .unwrap_or_default()
                .into_iter()
                .filter_map(|d| d.deleted)
                .collect();
            assert!(deleted.contains(&untagged), "{deleted:?}");
            assert!(pruned.space_reclaimed.is_some());
            assert!(images.inspect(&untagged).await.unwrap_err().is_not_found());
            assert!(images.inspect(IMAGE).await.is_ok());
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn save_and_load_round_trip_byte_for_byte() {
    let Some(docker) = docker().await else { return };
    let images = docker.images();
    let target = format!("{}:s1", repo("img-save"));
    with_images(&docker, &[&target], async {
        images.tag(IMAGE, &target).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("saved.tar");
        let written = images.save_to_file(&[&target], &file).await.unwrap();
        let saved = std::fs::read(&file).unwrap();
        assert_eq!(written, saved.len() as u64);
        // The same bytes as a stream, for one image and for a list of one.
        assert_eq!(
            read_all(images.get_all(&[&target]).await.unwrap()).await,
            saved
        );
        let one = read_all(images.get(&target).await.unwrap()).await;
        assert!(tar_names(&one).contains(&"manifest.json".to_string()));
        assert!(tar_names(&saved).contains(&"manifest.json".to_string()));

        images
            .remove(&target, &RemoveOptions::default())
            .await
            .unwrap();
        let done = images
            .load_file(&file, &LoadOptions::default())
            .await
            .unwrap()
            .finish()
            .await
            .unwrap();
        assert!(
            done.output
                .concat()
                .contains(&format!("Loaded image: {target}")),
            "{:?}",
            done.output
        );
        // Saved again after loading: the same bytes.
        let again = dir.path().join("again.tar");
        images.save_to_file(&[&target], &again).await.unwrap();
        assert_eq!(std::fs::read(&again).unwrap(), saved);

        // Quiet, from a stream in memory.
        images
            .remove(&target, &RemoveOptions::default())
            .await
            .unwrap();
        let done = images
            .load(
                Body::from(saved.clone()),
                &LoadOptions::default().quiet(true),
            )
            .await
            .unwrap()
            .finish()
            .await
            .unwrap();
        assert!(done.output.concat().contains(&target), "{:?}", done.output);
        assert!(images.inspect(&target).await.is_ok());

        // A broken tar is an error, never a success.
        let err = images
            .load(Body::from(b"not a tar".to_vec()), &LoadOptions::default())
            .await;
        let err = match err {
            Ok(stream) => stream.finish().await.unwrap_err(),
            Err(e) => e,
        };
        assert!(err.engine_message().is_some(), "{err:?}");

        // Saving nothing is refused before sending; a missing image is 404.
        assert!(matches!(
            images.get_all(&[]).await,
            Err(Error::InvalidInput { .. })
        ));
        let missing = dir.path().join("missing.tar");
        let err = images
            .save_to_file(&["docker-engine-rs-test/no-such-image:0"], &missing)
            .await
            .unwrap_err();
        assert!(err.is_not_found(), "{err:?}");
        assert!(!missing.exists());
    })
    .await;
}

fn tar_names(tar: &[u8]) -> Vec<String> {
    let mut archive = tar::Archive::new(tar);
    archive
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// The regular files of a tar, path → content.
fn tar_files(tar: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive = tar::Archive::new(tar);
    let mut out = std::collections::BTreeMap::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.header().entry_type() != tar::EntryType::Regular {
            continue;
        }
        let path = entry
            .path()
            .unwrap()
            .to_string_lossy()
            .trim_start_matches("./")
            .to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        out.insert(path, data);
    }
    out
}

/// A root filesystem: busybox's files from the test image plus a few of
/// the test's own (one of 1 MiB of varied bytes).
async fn rootfs(docker: &Docker) -> (Vec<u8>, std::collections::BTreeMap<String, Vec<u8>>) {
    let mut b = tar::Builder::new(Vec::new());
    let mut add = |path: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(1_600_000_000);
        h.set_cksum();
        b.append_data(&mut h, path, data).unwrap();
    };
    let big: Vec<u8> = (0..1024 * 1024u32)
        .map(|i| (i * 7 + i / 255) as u8)
        .collect();
    add("data/big.bin", &big);
    add("data/hello.txt", b"hello from the import test\n");
    add("etc/imported", b"yes\n");
    let tar = b.into_inner().unwrap();
    let files = tar_files(&tar);
    let _ = docker;
    (tar, files)
}

#[tokio::test]
async fn import_from_a_stream_a_file_and_a_url_compared_file_by_file() {
    let Some(docker) = docker().await else { return };
    let images = docker.images();
    let (tar, files) = rootfs(&docker).await;
    let stream_repo = format!("{}:i1", repo("img-import"));
    let file_repo = repo("img-import-file");
    let url_repo = format!("{}:u1", repo("img-import-url"));
    let file_target = format!("{file_repo}:f1");
    with_images(&docker, &[&stream_repo, &file_target, &url_repo], async {
        let opts = ImportOptions::default()
            .repo(&stream_repo)
            .message("imported by the test")
            .change("ENV IMPORTED=1")
            .change(r#"CMD ["/bin/sh"]"#);
        let done = images
            .import(Body::from(tar.clone()), &opts)
            .await
            .unwrap()
            .finish()
            .await
            .unwrap();
        let image = images.inspect(&stream_repo).await.unwrap();
        let id = image.id.clone().unwrap();
        assert!(done.output.concat().contains(&id), "{:?}", done.output);
        let config = image.config.unwrap();
        assert_eq!(config.cmd.unwrap(), vec!["/bin/sh".to_string()]);
        assert!(config
            .env
            .unwrap_or_default()
            .contains(&"IMPORTED=1".to_string()));
        assert_eq!(
            images.history(&stream_repo).await.unwrap()[0].comment,
            "imported by the test"
        );

        // What the image holds is exactly what was imported.
        let c = docker
            .containers()
            .create(&ContainerCreate::new(&stream_repo).label(LABEL, "true"))
            .await
            .unwrap()
            .id;
        with_container(&docker, &c, async {
            let exported = read_all(docker.containers().export(&c).await.unwrap()).await;
            let got = tar_files(&exported);
            for (path, data) in &files {
                assert_eq!(got.get(path), Some(data), "{path}");
            }
        })
        .await;

        // From a file, repo and tag apart.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rootfs.tar");
        std::fs::write(&path, &tar).unwrap();
        images
            .import_file(&path, &ImportOptions::default().repo(&file_repo).tag("f1"))
            .await
            .unwrap()
            .finish()
            .await
            .unwrap();
        let from_file = images.inspect(&file_target).await.unwrap();
        assert_eq!(
            from_file.root_fs.as_ref().unwrap().layers,
            image.root_fs.unwrap().layers
        );

        // From a URL the engine fetches (a one-shot server on 127.0.0.1).
        let url = serve_once(tar.clone()).await;
        images
            .import_url(&url, &ImportOptions::default().repo(&url_repo))
            .await
            .unwrap()
            .finish()
            .await
            .unwrap();
        let from_url = images.inspect(&url_repo).await.unwrap();
        assert_eq!(
            from_url.root_fs.unwrap().layers,
            from_file.root_fs.unwrap().layers
        );

        // A bad repository is refused before sending.
        assert!(matches!(
            images
                .import(
                    Body::from(tar.clone()),
                    &ImportOptions::default().repo("UPPER")
                )
                .await,
            Err(Error::InvalidReference(_))
        ));
    })
    .await;
}

/// Serves `body` over HTTP on 127.0.0.1 (to every request); its URL.
async fn serve_once(body: Vec<u8>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = vec![0; 8192];
                let _ = conn.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = conn.write_all(head.as_bytes()).await;
                let _ = conn.write_all(&body).await;
            });
        }
    });
    format!("http://{addr}/rootfs.tar")
}

#[tokio::test]
async fn search_without_the_index_is_the_engines_typed_error() {
    let Some(docker) = docker().await else { return };
    let err = docker
        .images()
        .search(
            "busybox",
            &SearchOptions::default().limit(3).is_official(true),
        )
        .await
        .unwrap_err();
    // No registry on the internet is reachable here: the engine says so.
    match &err {
        Error::Engine {
            operation,
            status,
            message,
            ..
        } => {
            assert_eq!(*operation, "ImageSearch");
            assert_eq!(*status, 500);
            assert!(message.contains("index.docker.io"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn container_list_ids_and_short_ids() {
    let Some(docker) = docker().await else { return };
    let name = unique("img-cids");
    let spec = ContainerCreate::new(IMAGE)
        .name(&name)
        .label(LABEL, "true")
        .label("test.name", &name);
    let id = docker.containers().create(&spec).await.unwrap().id;
    with_container(&docker, &id, async {
        let mine = containers::ListOptions::default()
            .all(true)
            .label(format!("test.name={name}"));
        assert_eq!(
            docker.containers().list_ids(&mine).await.unwrap(),
            vec![id.clone()]
        );
        let short = docker
            .containers()
            .list_ids(&mine.clone().trunc(true))
            .await
            .unwrap();
        assert_eq!(short, vec![id[..12].to_string()]);
        let listed = docker.containers().list(&mine.trunc(true)).await.unwrap();
        assert_eq!(listed[0].id.as_deref(), Some(&id[..12]));
    })
    .await;
}
