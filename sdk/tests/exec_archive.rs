//! Exec (exit codes, stdin, TTY, detached, resize) and archives (a 100 MiB
//! round trip compared byte for byte, directories, stat, raw tar) against
//! the real engine.

mod common;

use std::io::Write;
use std::time::Duration;

use docker_engine::containers::{ContainerCreate, TtySize};
use docker_engine::exec::ExecCreate;
use docker_engine::exec::ExecStartOptions;
use docker_engine::streams::Body;
use futures_util::StreamExt;

use common::{docker, unique, with_container, IMAGE, LABEL};

async fn running(docker: &docker_engine::Docker, prefix: &str) -> String {
    let spec = ContainerCreate::new(IMAGE)
        .name(unique(prefix))
        .label(LABEL, "true")
        .cmd(["sleep", "120"]);
    let id = docker.containers().create(&spec).await.unwrap().id;
    docker.containers().start(&id).await.unwrap();
    id
}

#[tokio::test]
async fn exec_exit_codes_output_and_stdin() {
    let Some(docker) = docker().await else { return };
    let id = running(&docker, "sdk-exec").await;
    with_container(&docker, &id, async {
        let out = docker
            .exec()
            .run(
                &id,
                &ExecCreate::shell("sh -c 'echo out; echo err >&2; exit 7'").unwrap(),
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            (out.exit_code, &out.stdout[..], &out.stderr[..]),
            (7, &b"out\n"[..], &b"err\n"[..])
        );
        assert!(!out.success());

        let ok = docker
            .exec()
            .run(&id, &ExecCreate::new(["true"]), None)
            .await
            .unwrap();
        assert!(ok.success() && ok.stdout.is_empty());

        // stdin, half-closed after writing, reaches a program that reads to EOF.
        let counted = docker
            .exec()
            .run(&id, &ExecCreate::new(["wc", "-c"]), Some("12345".into()))
            .await
            .unwrap();
        assert_eq!(
            counted
                .stdout
                .iter()
                .filter(|b| !b.is_ascii_whitespace())
                .copied()
                .collect::<Vec<u8>>(),
            b"5"
        );

        // A TTY exec has one output stream.
        let tty = docker
            .exec()
            .run(
                &id,
                &ExecCreate::new(["sh", "-c", "echo on-tty; echo also >&2"]).tty(true),
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&tty.stdout).replace('\r', ""),
            "on-tty\nalso\n"
        );
        assert!(tty.stderr.is_empty());

        // A command that does not exist: the engine's error, as a value or an error.
        match docker
            .exec()
            .run(&id, &ExecCreate::new(["/no/such/binary"]), None)
            .await
        {
            Ok(out) => assert_ne!(out.exit_code, 0),
            Err(e) => assert!(e.to_string().contains("no such file"), "{e}"),
        }

        // Environment, user and working directory.
        let env = docker
            .exec()
            .run(
                &id,
                &ExecCreate::new(["sh", "-c", "echo $A:$(pwd):$(id -u)"])
                    .env("A", "x")
                    .working_dir("/tmp")
                    .user("65534"),
                None,
            )
            .await
            .unwrap();
        assert_eq!(&env.stdout[..], b"x:/tmp:65534\n");
    })
    .await;
}

#[tokio::test]
async fn exec_low_level_detached_inspect_and_resize() {
    let Some(docker) = docker().await else { return };
    let id = running(&docker, "sdk-exec-raw").await;
    with_container(&docker, &id, async {
        let exec_id = docker
            .exec()
            .create(&id, &ExecCreate::new(["sh", "-c", "sleep 1; exit 4"]))
            .await
            .unwrap();
        docker.exec().start_detached(&exec_id).await.unwrap();
        let mut code = None;
        for _ in 0..50 {
            let info = docker.exec().inspect(&exec_id).await.unwrap();
            if info.running == Some(false) {
                code = info.exit_code;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(code, Some(4));

        let tty_exec = docker
            .exec()
            .create(
                &id,
                &ExecCreate::new(["sh", "-c", "sleep 2; stty size"]).tty(true),
            )
            .await
            .unwrap();
        let mut attached = docker
            .exec()
            .start(&tty_exec, &ExecStartOptions::default().tty(true))
            .await
            .unwrap();
        attached
            .resize(TtySize {
                height: 33,
                width: 77,
            })
            .await
            .unwrap();
        let mut out = Vec::new();
        while let Some(chunk) = attached.output.next().await {
            out.extend_from_slice(&chunk.unwrap().data);
        }
        assert_eq!(String::from_utf8_lossy(&out).trim(), "33 77");
    })
    .await;
}

/// Deterministic, incompressible-looking bytes.
fn pattern(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e3779b97f4a7c15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[tokio::test]
async fn a_100_mib_file_round_trips_byte_for_byte() {
    let Some(docker) = docker().await else { return };
    let id = running(&docker, "sdk-archive").await;
    let host = tempfile::tempdir().unwrap();
    let data = pattern(100 << 20);
    let src = host.path().join("big.bin");
    std::fs::File::create(&src)
        .unwrap()
        .write_all(&data)
        .unwrap();
    with_container(&docker, &id, async {
        docker
            .containers()
            .copy_into(&id, &src, "/tmp")
            .await
            .unwrap();
        let stat = docker
            .containers()
            .archive_info(&id, "/tmp/big.bin")
            .await
            .unwrap();
        assert_eq!(
            (stat.name.as_str(), stat.size, stat.is_dir()),
            ("big.bin", 100 << 20, false)
        );
        let out = tempfile::tempdir().unwrap();
        docker
            .containers()
            .copy_out(&id, "/tmp/big.bin", out.path())
            .await
            .unwrap();
        let back = std::fs::read(out.path().join("big.bin")).unwrap();
        assert!(back == data, "the copy differs");
    })
    .await;
}

#[tokio::test]
async fn directories_and_raw_tar_streams() {
    let Some(docker) = docker().await else { return };
    let id = running(&docker, "sdk-archive-dir").await;
    let host = tempfile::tempdir().unwrap();
    let tree = host.path().join("tree");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::write(tree.join("a.txt"), "alpha").unwrap();
    std::fs::write(tree.join("sub/b.txt"), "beta").unwrap();
    with_container(&docker, &id, async {
        docker
            .containers()
            .copy_into(&id, &tree, "/srv")
            .await
            .unwrap();
        let listing = docker
            .exec()
            .run(
                &id,
                &ExecCreate::new(["cat", "/srv/tree/a.txt", "/srv/tree/sub/b.txt"]),
                None,
            )
            .await
            .unwrap();
        assert_eq!(&listing.stdout[..], b"alphabeta");
        assert!(docker
            .containers()
            .archive_info(&id, "/srv/tree")
            .await
            .unwrap()
            .is_dir());

        let out = tempfile::tempdir().unwrap();
        docker
            .containers()
            .copy_out(&id, "/srv/tree", out.path())
            .await
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(out.path().join("tree/sub/b.txt")).unwrap(),
            "beta"
        );

        // A raw tar in, a raw tar out.
        let mut tar = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(5);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, "raw.txt", &b"bytes"[..])
            .unwrap();
        let tar = tar.into_inner().unwrap();
        docker
            .containers()
            .put_archive(&id, "/tmp", Body::from_bytes(tar), &Default::default())
            .await
            .unwrap();
        let (stat, mut stream) = docker
            .containers()
            .archive(&id, "/tmp/raw.txt")
            .await
            .unwrap();
        assert_eq!(stat.size, 5);
        let mut got = Vec::new();
        while let Some(chunk) = stream.next().await {
            got.extend_from_slice(&chunk.unwrap());
        }
        let mut archive = tar::Archive::new(&got[..]);
        let mut entry = archive.entries().unwrap().next().unwrap().unwrap();
        let mut content = String::new();
        std::io::Read::read_to_string(&mut entry, &mut content).unwrap();
        assert_eq!(content, "bytes");

        // Errors are typed.
        assert!(docker
            .containers()
            .archive_info(&id, "/no/such/path")
            .await
            .unwrap_err()
            .is_not_found());
        let missing = std::path::Path::new("/definitely/not/here");
        assert!(matches!(
            docker.containers().copy_into(&id, missing, "/tmp").await,
            Err(docker_engine::Error::InvalidInput { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn copying_out_links_that_point_outside_is_refused() {
    let Some(docker) = docker().await else { return };
    // The container's own files: a link to the host's /etc, and one that
    // climbs out of wherever it is copied to.
    let spec = ContainerCreate::new(IMAGE)
        .name(unique("sdk-hostile-links"))
        .label(LABEL, "true")
        .cmd([
            "sh",
            "-c",
            "mkdir -p /srv/x /srv/y && echo ok > /srv/x/fine && ln -s fine /srv/x/near \
             && ln -s /etc/passwd /srv/x/etc-link && ln -s ../../../secret /srv/y/up",
        ]);
    let id = docker.containers().create(&spec).await.unwrap().id;
    docker.containers().start(&id).await.unwrap();
    with_container(&docker, &id, async {
        docker
            .containers()
            .wait(&id, &Default::default())
            .await
            .unwrap();
        for (src, entry) in [("/srv/x", "x/etc-link"), ("/srv/y", "y/up")] {
            let host = tempfile::tempdir().unwrap();
            let e = docker
                .containers()
                .copy_out(&id, src, host.path())
                .await
                .unwrap_err();
            match &e {
                docker_engine::Error::UnsafeArchive { entry: named, .. } => {
                    assert_eq!(named, entry, "{e}")
                }
                other => panic!("{other}"),
            }
            assert!(!host.path().join(entry).exists(), "the link was not made");
        }
        // What stays inside is copied as it is.
        let host = tempfile::tempdir().unwrap();
        let e = docker
            .containers()
            .copy_out(&id, "/srv/x/fine", host.path())
            .await;
        e.unwrap();
        assert_eq!(std::fs::read(host.path().join("fine")).unwrap(), b"ok\n");
    })
    .await;
}
