//! What `images().build` and `prune_builds` put on the wire, recorded by a
//! fake engine that reads every request, chunked bodies included, and keeps
//! repeated query keys: each option set alone has exactly its effect, unset
//! options send nothing (only the Dockerfile name, which every build
//! sends), credentials go in `X-Registry-Config` as the CLI encodes them,
//! `squash` is refused with nothing sent when the engine is not
//! experimental, and an option the engine's version lacks is refused before
//! the context is sent.

mod common;

use base64::Engine as _;
use docker_engine::images::{BuildContext, BuildOptions, PruneBuildsOptions};
use docker_engine::versions::ApiVersion;
use docker_engine::{Docker, Error, RegistryAuth, VersionSetting};

use common::fake::{taken, Log, Reply};

const BUILD_ANSWER: &str = "{\"stream\":\"Step 1/1 : FROM scratch\\n\"}\r\n{\"aux\":{\"ID\":\"sha256:0123\"}}\r\n{\"stream\":\"Successfully built 0123\\n\"}\r\n";

async fn fake_engine(api: &'static str, experimental: bool) -> (String, Log) {
    common::fake::start(move |seen| {
        let path = seen.path.as_str();
        let (status, ctype, payload) = if path == "/_ping" {
            ("200 OK", "text/plain", "OK".to_string())
        } else if path.ends_with("/info") {
            (
                "200 OK",
                "application/json",
                format!("{{\"ExperimentalBuild\":{experimental}}}"),
            )
        } else if path.ends_with("/build/prune") {
            (
                "200 OK",
                "application/json",
                "{\"CachesDeleted\":null,\"SpaceReclaimed\":0}".to_string(),
            )
        } else if path.ends_with("/build") {
            ("200 OK", "application/json", BUILD_ANSWER.to_string())
        } else {
            (
                "404 Not Found",
                "application/json",
                "{\"message\":\"no\"}".to_string(),
            )
        };
        Reply::Http {
            status: status.to_string(),
            headers: format!("API-Version: {api}\r\nContent-Type: {ctype}\r\n"),
            body: payload.into_bytes(),
        }
    })
    .await
}

fn client(host: &str, version: (u16, u16)) -> Docker {
    Docker::builder()
        .host(host)
        .unwrap()
        .version(VersionSetting::Fixed(ApiVersion::new(version.0, version.1)))
        .build()
        .unwrap()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The query of one build with `opts`, less the Dockerfile name every
/// build sends.
async fn build_query(docker: &Docker, log: &Log, opts: BuildOptions) -> Vec<(String, String)> {
    let built = docker
        .images()
        .build_image(BuildContext::dockerfile("FROM scratch\n"), &opts)
        .await
        .unwrap();
    assert_eq!(built.id, "sha256:0123");
    let seen = taken(log);
    let build = seen
        .iter()
        .find(|s| s.path.ends_with("/build"))
        .expect("a build request");
    assert_eq!(build.method, "POST");
    let mut q = build.query_pairs.clone();
    let dockerfile = q
        .iter()
        .position(|(k, _)| k == "dockerfile")
        .expect("the Dockerfile name");
    assert_eq!(q.remove(dockerfile).1, "Dockerfile");
    q.sort();
    q
}

#[tokio::test]
async fn every_build_option_has_exactly_its_effect_on_the_query() {
    let (host, log) = fake_engine("1.41", false).await;
    let docker = client(&host, (1, 41));
    let d = BuildOptions::default;
    let rows: Vec<(BuildOptions, Vec<(String, String)>)> = vec![
        (d(), vec![]),
        (
            d().tag("a:1").tag("b:2"),
            pairs(&[("t", "a:1"), ("t", "b:2")]),
        ),
        (
            d().build_arg("A", "1").build_arg("B", "x y"),
            pairs(&[("buildargs", r#"{"A":"1","B":"x y"}"#)]),
        ),
        (d().label("k", "v"), pairs(&[("labels", r#"{"k":"v"}"#)])),
        (d().target("base"), pairs(&[("target", "base")])),
        (
            d().extra_host("db", "10.0.0.2")
                .extra_host("cache", "10.0.0.3"),
            pairs(&[
                ("extrahosts", "cache:10.0.0.3"),
                ("extrahosts", "db:10.0.0.2"),
            ]),
        ),
        (d().network_mode("host"), pairs(&[("networkmode", "host")])),
        (d().shm_size(1 << 20), pairs(&[("shmsize", "1048576")])),
        (
            d().cache_from("a:1").cache_from("b:2"),
            pairs(&[("cachefrom", r#"["a:1","b:2"]"#)]),
        ),
        (d().pull(true), pairs(&[("pull", "1")])),
        (d().no_cache(true), pairs(&[("nocache", "true")])),
        (d().rm(false), pairs(&[("rm", "false")])),
        (d().force_rm(true), pairs(&[("forcerm", "true")])),
        (d().memory(64 << 20), pairs(&[("memory", "67108864")])),
        (d().memswap(-1), pairs(&[("memswap", "-1")])),
        (d().cpu_shares(512), pairs(&[("cpushares", "512")])),
        (d().cpuset_cpus("0-1"), pairs(&[("cpusetcpus", "0-1")])),
        (d().cpu_period(100_000), pairs(&[("cpuperiod", "100000")])),
        (d().cpu_quota(50_000), pairs(&[("cpuquota", "50000")])),
        (
            d().ulimit("nofile", 1024, 2048),
            pairs(&[("ulimits", r#"[{"Name":"nofile","Soft":1024,"Hard":2048}]"#)]),
        ),
        (
            d().platform("linux/amd64"),
            pairs(&[("platform", "linux/amd64")]),
        ),
        (d().isolation("process"), pairs(&[("isolation", "process")])),
        (
            d().outputs("type=local,dest=out"),
            pairs(&[("outputs", "type=local,dest=out")]),
        ),
        (d().quiet(true), pairs(&[("q", "true")])),
    ];
    for (opts, want) in rows {
        let desc = format!("{opts:?}");
        let mut want = want;
        want.sort();
        assert_eq!(build_query(&docker, &log, opts).await, want, "{desc}");
    }
}

#[tokio::test]
async fn credentials_go_in_x_registry_config_and_the_context_in_the_body() {
    let (host, log) = fake_engine("1.41", false).await;
    let docker = client(&host, (1, 41));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("Dockerfile"), "FROM scratch\n").unwrap();
    std::fs::write(tmp.path().join("app.txt"), "app").unwrap();
    let opts = BuildOptions::default()
        .registry_auth("localhost:5000", RegistryAuth::new("user", "secret"));
    docker
        .images()
        .build_image(BuildContext::dir(tmp.path()), &opts)
        .await
        .unwrap();
    let seen = taken(&log);
    let build = seen.iter().find(|s| s.path.ends_with("/build")).unwrap();
    let header = |name: &str| {
        build
            .headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let config = header("x-registry-config").expect("X-Registry-Config");
    let json: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE
            .decode(config)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(json["localhost:5000"]["username"], "user");
    assert_eq!(json["localhost:5000"]["password"], "secret");
    assert_eq!(header("content-type").as_deref(), Some("application/x-tar"));
    assert_eq!(
        build
            .headers
            .iter()
            .filter(|(k, _)| k == "content-type")
            .count(),
        1
    );
    let mut names: Vec<String> = tar::Archive::new(&build.body[..])
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Dockerfile", "app.txt"]);

    // Without credentials, no header.
    docker
        .images()
        .build_image(BuildContext::dir(tmp.path()), &BuildOptions::default())
        .await
        .unwrap();
    let seen = taken(&log);
    let build = seen.iter().find(|s| s.path.ends_with("/build")).unwrap();
    assert!(!build.headers.iter().any(|(k, _)| k == "x-registry-config"));
}

/// `gzip`: the context the SDK makes goes compressed (the engine
/// recognises it; no other header changes); a tar of the caller's own goes
/// as it is.
#[tokio::test]
async fn gzip_compresses_the_context_the_sdk_makes() {
    let (host, log) = fake_engine("1.41", false).await;
    let docker = client(&host, (1, 41));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("Dockerfile"), "FROM scratch\n").unwrap();
    std::fs::write(tmp.path().join("app.txt"), "app").unwrap();
    let opts = BuildOptions::default().gzip(true);
    docker
        .images()
        .build_image(BuildContext::dir(tmp.path()), &opts)
        .await
        .unwrap();
    let seen = taken(&log);
    let build = seen.iter().find(|s| s.path.ends_with("/build")).unwrap();
    assert_eq!(&build.body[..2], &[0x1f, 0x8b], "gzip magic");
    let mut names: Vec<String> = tar::Archive::new(flate2::read::GzDecoder::new(&build.body[..]))
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Dockerfile", "app.txt"]);

    // The caller's own tar is not touched.
    let mut own = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(13);
    header.set_mode(0o644);
    header.set_cksum();
    own.append_data(&mut header, "Dockerfile", &b"FROM scratch\n"[..])
        .unwrap();
    let own = own.into_inner().unwrap();
    docker
        .images()
        .build_image(
            BuildContext::tar(docker_engine::streams::Body::from(own.clone())),
            &opts,
        )
        .await
        .unwrap();
    let seen = taken(&log);
    let build = seen.iter().find(|s| s.path.ends_with("/build")).unwrap();
    assert_eq!(build.body, own);
}

#[tokio::test]
async fn proxies_of_the_cli_configuration_become_build_args_unless_set() {
    let (host, log) = fake_engine("1.41", false).await;
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("config.json"),
        r#"{"proxies": {"default": {"httpProxy": "http://proxy.invalid:3128", "noProxy": "localhost"}}}"#,
    )
    .unwrap();
    let docker = Docker::builder()
        .host(&host)
        .unwrap()
        .version(VersionSetting::Fixed(ApiVersion::new(1, 41)))
        .cli_config(docker_engine::config::CliConfig::load_dir(config.path()).unwrap())
        .build()
        .unwrap();
    let q = build_query(
        &docker,
        &log,
        BuildOptions::default().build_arg("NO_PROXY", "explicit"),
    )
    .await;
    assert_eq!(
        q,
        pairs(&[(
            "buildargs",
            r#"{"HTTP_PROXY":"http://proxy.invalid:3128","NO_PROXY":"explicit","http_proxy":"http://proxy.invalid:3128","no_proxy":"localhost"}"#
        )])
    );
    let q = build_query(
        &docker,
        &log,
        BuildOptions::default().inherit_proxies(false),
    )
    .await;
    assert_eq!(q, vec![]);
}

#[tokio::test]
async fn squash_is_refused_unsent_when_the_engine_is_not_experimental() {
    let (host, log) = fake_engine("1.41", false).await;
    let docker = client(&host, (1, 41));
    let e = docker
        .images()
        .build_image(
            BuildContext::dockerfile("FROM scratch\n"),
            &BuildOptions::default().squash(true),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput { .. }), "{e}");
    let seen = taken(&log);
    assert!(
        seen.iter().all(|s| !s.path.ends_with("/build")),
        "nothing built: {seen:?}"
    );

    let (host, log) = fake_engine("1.41", true).await;
    let docker = client(&host, (1, 41));
    let q = build_query(&docker, &log, BuildOptions::default().squash(true)).await;
    assert_eq!(q, pairs(&[("squash", "true")]));
}

#[tokio::test]
async fn an_option_the_version_lacks_is_refused_before_the_context_is_sent() {
    let (host, log) = fake_engine("1.39", false).await;
    let docker = client(&host, (1, 39));
    let e = docker
        .images()
        .build_image(
            BuildContext::dockerfile("FROM scratch\n"),
            &BuildOptions::default().outputs("type=tar"),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::UnsupportedByVersion { .. }), "{e}");
    assert!(taken(&log).iter().all(|s| !s.path.ends_with("/build")));
}

#[tokio::test]
async fn prune_builds_options_on_the_wire() {
    let (host, log) = fake_engine("1.48", false).await;
    let docker = client(&host, (1, 48));
    let d = PruneBuildsOptions::default;
    let rows: Vec<(PruneBuildsOptions, Vec<(String, String)>)> = vec![
        (d(), vec![]),
        (d().all(true), pairs(&[("all", "true")])),
        (
            d().keep_storage(1 << 30),
            pairs(&[("reserved-space", "1073741824")]),
        ),
        (d().max_used_space(10), pairs(&[("max-used-space", "10")])),
        (d().min_free_space(20), pairs(&[("min-free-space", "20")])),
        (
            d().unused_for("24h").filter("type", "regular"),
            pairs(&[("filters", r#"{"type":["regular"],"until":["24h"]}"#)]),
        ),
    ];
    for (opts, want) in rows {
        let desc = format!("{opts:?}");
        let pruned = docker.images().prune_builds(&opts).await.unwrap();
        assert_eq!(pruned.space_reclaimed, Some(0));
        let seen = taken(&log);
        assert_eq!(seen.len(), 1, "{desc}");
        assert_eq!(
            (seen[0].method.as_str(), seen[0].path.as_str()),
            ("POST", "/v1.48/build/prune")
        );
        assert_eq!(seen[0].query_pairs, want, "{desc}");
    }
    // Below 1.48 the kept size goes by its old name; the other space
    // limits are 1.48's: refused unsent.
    let (host, log) = fake_engine("1.41", false).await;
    let docker = client(&host, (1, 41));
    docker
        .images()
        .prune_builds(&d().keep_storage(1 << 30))
        .await
        .unwrap();
    let seen = taken(&log);
    assert_eq!(seen[0].path, "/v1.41/build/prune");
    assert_eq!(
        seen[0].query_pairs,
        pairs(&[("keep-storage", "1073741824")])
    );
    let e = docker
        .images()
        .prune_builds(&d().max_used_space(1))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::UnsupportedByVersion { .. }), "{e}");
    assert!(taken(&log).is_empty());
}
