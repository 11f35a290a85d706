//! Building images: the build context beside what the Docker CLI sends for
//! the same directories (`tests/fixtures/cli/build-context/`, recorded by
//! its `record.py`; these tests do not need the CLI), and builds against
//! the real engine: `.dockerignore` cases as the engine sees them, build
//! arguments, target, labels, several tags, a failing step, a Dockerfile
//! outside the context, as text, alone, a caller's tar, squash refused on
//! an engine without experimental features, and a build-cache prune whose
//! filter selects nothing of anyone's.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use docker_engine::images::{BuildContext, BuildOptions, DockerIgnore, PruneBuildsOptions};
use docker_engine::streams::Body;
use docker_engine::{Docker, Error};
use serde_json::Value;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/cli/build-context"
);

fn cases() -> Vec<Value> {
    let text = fs::read_to_string(format!("{FIXTURES}/cases.json")).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn case(name: &str) -> Value {
    cases()
        .into_iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn mkdirs(ctx: &Path, rel: &Path) {
    let mut cur = ctx.to_path_buf();
    for part in rel.components() {
        cur.push(part);
        if !cur.is_dir() {
            fs::create_dir(&cur).unwrap();
            fs::set_permissions(&cur, fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
}

/// Lays out a case as record.py does: `<root>/ctx` is the context.
fn lay_out(root: &Path, case: &Value, dockerfile_override: Option<&str>) -> PathBuf {
    let ctx = root.join("ctx");
    fs::create_dir_all(&ctx).unwrap();
    fs::set_permissions(&ctx, fs::Permissions::from_mode(0o755)).unwrap();
    if let Some(ignore) = case["dockerignore"].as_str() {
        fs::write(ctx.join(".dockerignore"), ignore).unwrap();
        fs::set_permissions(ctx.join(".dockerignore"), fs::Permissions::from_mode(0o644)).unwrap();
    }
    for entry in case["files"].as_array().unwrap() {
        let e: Vec<&str> = entry
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let (kind, mode, rel) = (e[0], e[1], e[2]);
        let path = ctx.join(rel);
        if let Some(parent) = Path::new(rel).parent() {
            mkdirs(&ctx, parent);
        }
        let mode = u32::from_str_radix(if mode.is_empty() { "0" } else { mode }, 8).unwrap();
        match kind {
            "file" => {
                let content = match dockerfile_override {
                    Some(d)
                        if rel.to_lowercase().starts_with("dockerfile")
                            || rel.ends_with("Dockerfile.prod") =>
                    {
                        d
                    }
                    _ => e[3],
                };
                fs::write(&path, content).unwrap();
                fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            }
            "dir" => {
                fs::create_dir_all(&path).unwrap();
                fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            }
            "symlink" => std::os::unix::fs::symlink(e[3], &path).unwrap(),
            "hardlink" => fs::hard_link(ctx.join(e[3]), &path).unwrap(),
            "fifo" => {
                let made = std::process::Command::new("mkfifo")
                    .arg(&path)
                    .status()
                    .unwrap();
                assert!(made.success());
                fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            }
            other => panic!("unknown kind {other}"),
        }
    }
    ctx
}

/// The context a case describes, and the Dockerfile option it is built
/// with, as record.py runs the CLI for it.
fn context_of(
    root: &Path,
    case: &Value,
    dockerfile_override: Option<&str>,
) -> (BuildContext, Option<PathBuf>) {
    let ctx = lay_out(root, case, dockerfile_override);
    if case["no_context"] == true {
        return (
            BuildContext::dockerfile(case["dockerfile_text"].as_str().unwrap()),
            None,
        );
    }
    if let Some(text) = case["dockerfile_text"].as_str() {
        return (BuildContext::dir_with_dockerfile(&ctx, text), None);
    }
    if let Some(text) = case["dockerfile_outside"].as_str() {
        let outside = root.join("Dockerfile.outside");
        fs::write(&outside, dockerfile_override.unwrap_or(text)).unwrap();
        return (BuildContext::dir(&ctx), Some(outside));
    }
    let dockerfile = case["dockerfile"].as_str().map(PathBuf::from);
    (BuildContext::dir(&ctx), dockerfile)
}

/// `.dockerfile.` and 20 hex digits → `.dockerfile.RANDOM`, as record.py
/// writes the fixtures.
fn unrandom(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(".dockerfile.") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 12..];
        if after.len() >= 20 && after[..20].bytes().all(|b| b.is_ascii_hexdigit()) {
            out.push_str(".dockerfile.RANDOM");
            rest = &after[20..];
        } else {
            out.push_str(".dockerfile.");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// One fixture line per entry of a tar, as record.py describes the CLI's.
fn describe(tar: &[u8]) -> Vec<(String, Option<String>)> {
    let mut archive = tar::Archive::new(tar);
    let mut lines = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let h = entry.header().clone();
        let kind = match h.entry_type() {
            tar::EntryType::Regular => "file",
            tar::EntryType::Directory => "dir",
            tar::EntryType::Symlink => "symlink",
            tar::EntryType::Link => "hardlink",
            tar::EntryType::Fifo => "fifo",
            other => panic!("unexpected entry type {other:?}"),
        };
        let mut name = unrandom(&String::from_utf8_lossy(&entry.path_bytes()));
        if kind == "dir" && !name.ends_with('/') {
            name.push('/');
        }
        let mut line = format!(
            "{kind} {:04o} {}:{} {} {name}",
            h.mode().unwrap(),
            h.uid().unwrap(),
            h.gid().unwrap(),
            h.size().unwrap()
        );
        if let Some(link) = entry.link_name_bytes() {
            line.push_str(&format!(" -> {}", String::from_utf8_lossy(&link)));
        }
        let mut content = None;
        if name == ".dockerignore" || name.starts_with(".dockerfile.") {
            let mut data = String::new();
            entry.read_to_string(&mut data).unwrap();
            content = Some(unrandom(&data));
        }
        lines.push((line, content));
    }
    lines
}

/// A fixture: the Dockerfile name the CLI sent and its entries.
fn fixture(name: &str) -> (String, Vec<(String, Option<String>)>) {
    let text = fs::read_to_string(format!("{FIXTURES}/{name}.txt")).unwrap();
    let mut dockerfile = String::new();
    let mut entries = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.starts_with("note:") || line.starts_with("query t=") {
            continue;
        }
        if let Some(d) = line.strip_prefix("query dockerfile=") {
            dockerfile = d.to_string();
            continue;
        }
        match line.split_once(" content=") {
            Some((head, json)) => entries.push((
                head.to_string(),
                Some(serde_json::from_str::<String>(json).unwrap()),
            )),
            None => entries.push((line.to_string(), None)),
        }
    }
    (dockerfile, entries)
}

#[test]
fn every_context_has_exactly_the_entries_the_cli_sends() {
    let cases = cases();
    assert!(cases.len() >= 14);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let (context, dockerfile) = context_of(tmp.path(), case, None);
        let mut tar = Vec::new();
        let sent_dockerfile = context.write_tar(dockerfile.as_deref(), &mut tar).unwrap();
        let (want_dockerfile, want) = fixture(name);
        assert_eq!(
            unrandom(&sent_dockerfile),
            want_dockerfile,
            "{name}: the Dockerfile name sent"
        );
        let got = describe(&tar);
        assert_eq!(
            got.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(),
            want.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(),
            "{name}: entries (type, mode, owner, size, name, link) in order"
        );
        for ((line, got), (_, want)) in got.iter().zip(&want) {
            assert_eq!(got, want, "{name}: content of {line}");
        }
        // Unlike the CLI's, the tar ends properly.
        assert!(
            tar.len() % 512 == 0 && tar[tar.len() - 1024..].iter().all(|&b| b == 0),
            "{name}"
        );
    }
}

#[test]
fn bad_contexts_are_refused_with_what_is_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = BuildContext::dir(tmp.path().join("nowhere"));
    let e = missing.write_tar(None, Vec::new()).unwrap_err();
    assert!(matches!(e, Error::InvalidInput { .. }), "{e}");

    fs::write(tmp.path().join("Dockerfile"), "FROM scratch\n").unwrap();
    fs::write(tmp.path().join(".dockerignore"), "a\n[\n").unwrap();
    let e = BuildContext::dir(tmp.path())
        .write_tar(None, Vec::new())
        .unwrap_err();
    assert!(
        e.to_string().contains(".dockerignore") && e.to_string().contains('['),
        "{e}"
    );

    fs::write(tmp.path().join(".dockerignore"), "").unwrap();
    let e = BuildContext::dir(tmp.path())
        .write_tar(Some(Path::new("Dockerfile.missing")), Vec::new())
        .unwrap_err();
    assert!(e.to_string().contains("Dockerfile.missing"), "{e}");

    // A file that cannot be read fails the context, not silently leaves
    // it out (root reads anything; check only where it matters).
    let secret = tmp.path().join("secret");
    fs::write(&secret, "s").unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::File::open(&secret).is_err() {
        let e = BuildContext::dir(tmp.path())
            .write_tar(None, Vec::new())
            .unwrap_err();
        assert!(e.to_string().contains("secret"), "{e}");
    }
}

#[test]
fn dockerignore_is_public_and_matches_as_the_cli() {
    let ignore = DockerIgnore::parse(b"*\n!src\nsrc/**/*.tmp\n").unwrap();
    assert!(ignore.is_excluded("README.md"));
    assert!(!ignore.is_excluded("src/main.rs"));
    assert!(ignore.is_excluded("src/a/b.tmp"));
    assert!(ignore.has_exceptions());
    assert_eq!(
        ignore.patterns().collect::<Vec<_>>(),
        ["*", "!src", "src/**/*.tmp"]
    );
}

// ---------------------------------------------------------------------------
// Against the real engine.

/// Removes the images it names when dropped (`DELETE /images/{name}`,
/// forced: also when a test failed half way).
struct Cleanup {
    docker: Docker,
    names: Vec<String>,
}

impl Cleanup {
    async fn remove_all(self) {
        let raw = self.docker.raw().await.unwrap();
        for name in &self.names {
            let _ = raw.image_delete(name, Some(true), None, None).await;
        }
    }
}

fn label() -> (String, String) {
    (common::LABEL.to_string(), "build".to_string())
}

fn busybox(dockerfile_body: &str) -> String {
    format!("FROM {}\n{dockerfile_body}", common::IMAGE)
}

fn output_between(output: &[String], begin: &str, end: &str) -> Vec<String> {
    let text = output.concat();
    let start = text
        .find(begin)
        .unwrap_or_else(|| panic!("no {begin} in {text}"))
        + begin.len();
    let stop = text[start..]
        .find(end)
        .unwrap_or_else(|| panic!("no {end} in {text}"))
        + start;
    text[start..stop]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// What the engine's `COPY . /ctx/` holds, for a case built with a
/// Dockerfile that lists it.
async fn engine_view(
    docker: &Docker,
    name: &str,
    cleanup: &mut Cleanup,
) -> Result<BTreeSet<String>, Error> {
    let tag = format!("docker-engine-rs-test/build:{}", common::unique(name));
    let dockerfile = busybox(
        "COPY . /ctx/\nRUN echo BEGIN-LIST && cd /ctx && find . -mindepth 1 | sort && echo END-LIST\n",
    );
    let tmp = tempfile::tempdir().unwrap();
    let (context, dockerfile_path) = context_of(tmp.path(), &case(name), Some(&dockerfile));
    let (k, v) = label();
    let mut opts = BuildOptions::default()
        .tag(&tag)
        .label(k, v)
        .force_rm(true)
        .no_cache(true);
    if let Some(p) = dockerfile_path {
        opts = opts.dockerfile(p);
    }
    cleanup.names.push(tag.clone());
    let built = docker.images().build_image(context, &opts).await?;
    Ok(output_between(&built.output, "BEGIN-LIST\n", "END-LIST")
        .into_iter()
        .map(|l| l.trim_start_matches("./").to_string())
        .collect())
}

/// The fixture's entries with their parent directories (which unpacking
/// creates), without the build files the engine drops when `.dockerignore`
/// excludes them.
fn expected_view(name: &str) -> BTreeSet<String> {
    let c = case(name);
    let ignore = DockerIgnore::parse(c["dockerignore"].as_str().unwrap_or("").as_bytes()).unwrap();
    let (dockerfile, entries) = fixture(name);
    let mut out = BTreeSet::new();
    for (line, _) in entries {
        let path = line
            .split(' ')
            .nth(4)
            .unwrap()
            .trim_end_matches('/')
            .to_string();
        let mut p = Path::new(&path);
        while let Some(parent) = p.parent().filter(|p| !p.as_os_str().is_empty()) {
            out.insert(parent.to_string_lossy().into_owned());
            p = parent;
        }
        // The engine drops the Dockerfile and .dockerignore when the
        // patterns exclude them (the random name is excluded by the line
        // the CLI adds for it).
        let build_file = path == ".dockerignore" || path == dockerfile;
        if path.starts_with(".dockerfile.") || (build_file && ignore.is_excluded(&path)) {
            continue;
        }
        out.insert(path);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_sees_the_context_the_cli_would_send() {
    let Some(docker) = common::docker().await else {
        return;
    };
    let mut cleanup = Cleanup {
        docker: docker.clone(),
        names: Vec::new(),
    };
    let mut failures = Vec::new();
    for name in [
        "exceptions",
        "double-star",
        "dockerfile-in-ignored-dir",
        "rooted-and-cleaned",
        "dockerfile-outside",
    ] {
        let seen = match engine_view(&docker, name, &mut cleanup).await {
            Ok(seen) => seen,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let want = expected_view(name);
        if seen != want {
            failures.push(format!(
                "{name}: engine saw {seen:?}, the CLI's context has {want:?}"
            ));
        }
    }
    cleanup.remove_all().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn build_args_target_labels_and_several_tags() {
    let Some(docker) = common::docker().await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("Dockerfile"),
        format!(
            "FROM {} AS base\nARG GREETING=unset\nRUN echo \"greeting=$GREETING\"\nLABEL stage=base\n\
             FROM base AS second\nRUN echo second-stage\n",
            common::IMAGE
        ),
    )
    .unwrap();
    let unique = common::unique("args");
    let (a, b) = (
        format!("docker-engine-rs-test/build:{unique}-a"),
        format!("docker-engine-rs-test/build:{unique}-b"),
    );
    let cleanup = Cleanup {
        docker: docker.clone(),
        names: vec![a.clone(), b.clone()],
    };
    let (k, v) = label();
    let opts = BuildOptions::default()
        .tag(&a)
        .tag(&b)
        .build_arg("GREETING", "hello")
        .label(k.clone(), v.clone())
        .label("extra", "yes")
        .target("base")
        .force_rm(true);
    let built = docker
        .images()
        .build_image(BuildContext::dir(tmp.path()), &opts)
        .await;
    let inspected = match &built {
        Ok(b) => Some(
            docker
                .raw()
                .await
                .unwrap()
                .image_inspect(&b.id, None, None)
                .await
                .map(|r| r.into_inner()),
        ),
        Err(_) => None,
    };
    cleanup.remove_all().await;
    let built = built.unwrap();
    let text = built.output.concat();
    assert!(text.contains("greeting=hello"), "{text}");
    assert!(
        !text.contains("second-stage"),
        "the target stage ends the build: {text}"
    );
    let image = inspected.unwrap().unwrap();
    assert_eq!(image.id.as_deref(), Some(built.id.as_str()));
    let labels = image.config.and_then(|c| c.labels).unwrap_or_default();
    assert_eq!(labels.get(&k), Some(&v));
    assert_eq!(labels.get("extra").map(String::as_str), Some("yes"));
    assert_eq!(labels.get("stage").map(String::as_str), Some("base"));
    let tags: BTreeSet<String> = image.repo_tags.unwrap_or_default().into_iter().collect();
    assert!(
        tags.contains(&a) && tags.contains(&b),
        "both tags: {tags:?}"
    );
}

/// A gzip-compressed context (docker-py's `gzip`): the engine unpacks it
/// and the build sees its files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compressed_context_builds() {
    let Some(docker) = common::docker().await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("Dockerfile"),
        busybox("COPY note.txt /note.txt\nRUN cat /note.txt\n"),
    )
    .unwrap();
    fs::write(tmp.path().join("note.txt"), "came through gzip\n").unwrap();
    let name = format!("docker-engine-rs-test/build:{}", common::unique("gzip"));
    let cleanup = Cleanup {
        docker: docker.clone(),
        names: vec![name.clone()],
    };
    let (k, v) = label();
    let opts = BuildOptions::default().tag(&name).label(k, v).gzip(true);
    let built = docker
        .images()
        .build_image(BuildContext::dir(tmp.path()), &opts)
        .await;
    cleanup.remove_all().await;
    let text = built.unwrap().output.concat();
    assert!(text.contains("came through gzip"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_step_is_a_typed_error_with_its_output() {
    let Some(docker) = common::docker().await else {
        return;
    };
    let (k, v) = label();
    let tag = format!("docker-engine-rs-test/build:{}", common::unique("fail"));
    let cleanup = Cleanup {
        docker: docker.clone(),
        names: vec![tag.clone()],
    };
    let opts = BuildOptions::default().tag(&tag).label(k, v).force_rm(true);
    let context = BuildContext::dockerfile(busybox("RUN echo about-to-fail && exit 3\n"));
    let result = docker.images().build_image(context, &opts).await;
    cleanup.remove_all().await;
    match result {
        Err(Error::InStream {
            message,
            code,
            output,
            ..
        }) => {
            assert!(message.contains("returned a non-zero code: 3"), "{message}");
            assert_eq!(code, Some(3));
            let text = output.concat();
            assert!(
                text.contains("about-to-fail"),
                "the failing step's output: {text}"
            );
            assert!(
                text.contains("RUN echo about-to-fail"),
                "the failing step: {text}"
            );
        }
        other => panic!("expected the failure in the stream, got {other:?}"),
    }
}

/// Builds `context` and lists what `COPY . /ctx/` got.
async fn listed(
    docker: &Docker,
    context: BuildContext,
    opts: BuildOptions,
    cleanup: &mut Cleanup,
) -> Result<Vec<String>, Error> {
    let tag = format!("docker-engine-rs-test/build:{}", common::unique("list"));
    cleanup.names.push(tag.clone());
    let (k, v) = label();
    let opts = opts.tag(&tag).label(k, v).force_rm(true).no_cache(true);
    let built = docker.images().build_image(context, &opts).await?;
    Ok(output_between(&built.output, "BEGIN-LIST\n", "END-LIST"))
}

const LIST: &str = "COPY . /ctx/\nRUN echo BEGIN-LIST && ls -A /ctx && echo END-LIST\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dockerfiles_outside_the_context_as_text_and_alone() {
    let Some(docker) = common::docker().await else {
        return;
    };
    let mut cleanup = Cleanup {
        docker: docker.clone(),
        names: Vec::new(),
    };
    let tmp = tempfile::tempdir().unwrap();
    let ctx = tmp.path().join("ctx");
    fs::create_dir(&ctx).unwrap();
    fs::write(ctx.join("hello.txt"), "hi\n").unwrap();
    let outside = tmp.path().join("elsewhere.Dockerfile");
    fs::write(&outside, busybox(LIST)).unwrap();

    // Outside: added under a random name that the engine's view drops, with
    // the .dockerignore made for it.
    let seen = listed(
        &docker,
        BuildContext::dir(&ctx),
        BuildOptions::default().dockerfile(&outside),
        &mut cleanup,
    )
    .await;
    // As text beside the directory.
    let text = listed(
        &docker,
        BuildContext::dir_with_dockerfile(&ctx, busybox(LIST)),
        BuildOptions::default(),
        &mut cleanup,
    )
    .await;
    // Alone.
    let tag = format!("docker-engine-rs-test/build:{}", common::unique("alone"));
    cleanup.names.push(tag.clone());
    let (k, v) = label();
    let alone = docker
        .images()
        .build_image(
            BuildContext::dockerfile("FROM scratch\nLABEL alone=1\n"),
            &BuildOptions::default().tag(&tag).label(k, v).quiet(true),
        )
        .await;
    cleanup.remove_all().await;
    assert_eq!(seen.unwrap(), ["hello.txt"]);
    assert_eq!(text.unwrap(), ["hello.txt"]);
    let alone = alone.unwrap();
    assert!(alone.id.starts_with("sha256:"), "{alone:?}");
    assert!(
        !alone.output.concat().contains("Step 1/"),
        "quiet: {alone:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callers_tar_with_its_dockerfile_inside() {
    let Some(docker) = common::docker().await else {
        return;
    };
    let mut tar = tar::Builder::new(Vec::new());
    let mut add = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, name, data).unwrap();
    };
    add("build/Dockerfile.ci", busybox(LIST).as_bytes());
    add("payload.bin", b"payload");
    let bytes = tar.into_inner().unwrap();
    let mut cleanup = Cleanup {
        docker: docker.clone(),
        names: Vec::new(),
    };
    let seen = listed(
        &docker,
        BuildContext::tar(Body::from(bytes)),
        BuildOptions::default().dockerfile("build/Dockerfile.ci"),
        &mut cleanup,
    )
    .await;
    cleanup.remove_all().await;
    assert_eq!(seen.unwrap(), ["build", "payload.bin"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn squash_is_refused_unsent_on_an_engine_without_experimental_features() {
    let Some(docker) = common::docker().await else {
        return;
    };
    let info = docker.system().info().await.unwrap();
    let tag = format!("docker-engine-rs-test/build:{}", common::unique("squash"));
    let cleanup = Cleanup {
        docker: docker.clone(),
        names: vec![tag.clone()],
    };
    let (k, v) = label();
    let result = docker
        .images()
        .build_image(
            BuildContext::dockerfile("FROM scratch\nLABEL squash=1\n"),
            &BuildOptions::default().tag(&tag).label(k, v).squash(true),
        )
        .await;
    let still_there = docker
        .raw()
        .await
        .unwrap()
        .image_inspect(&tag, None, None)
        .await
        .is_ok();
    cleanup.remove_all().await;
    if info.experimental_build == Some(true) {
        result.unwrap();
    } else {
        let e = result.unwrap_err();
        assert!(matches!(e, Error::InvalidInput { .. }), "{e}");
        assert!(e.to_string().contains("experimental"), "{e}");
        assert!(!still_there, "nothing was built");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_builds_with_a_filter_that_selects_nothing() {
    let Some(docker) = common::docker().await else {
        return;
    };
    // An id no cache entry has: the shared engine's cache is left alone.
    let id = format!("docker-engine-rs-test-{}", common::unique("no-such-cache"));
    let pruned = docker
        .images()
        .prune_builds(&PruneBuildsOptions::default().filter("id", id))
        .await
        .unwrap();
    assert_eq!(pruned.space_reclaimed, Some(0));
    assert!(pruned.caches_deleted.unwrap_or_default().is_empty());
}
