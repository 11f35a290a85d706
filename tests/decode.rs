//! Real Engine answers (recorded from an API 1.41 engine by
//! `tests/fixtures/record.sh`) decoded by the generated types.
//!
//! Each fixture must decode through the production reader
//! (`docker_engine_raw::body::json`: simd-json for answers up to 128 KiB
//! when the default feature is on, serde_json otherwise, into the direct
//! `Deserialize` impls build.rs writes), the same as through serde_json
//! from text, and encoding the typed value again must give back the
//! original JSON (less its `null`s): a field the types do not name is kept
//! in an `extra` map, never dropped. The test command runs this file with
//! and without the `simd-json` feature.

use docker_engine_raw::enums::{ContainerSummaryState, MountType};
use docker_engine_raw::types;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/v1.41/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Drops `null` members of objects (a `None` is not sent back).
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// The first place two JSON values differ, as a path.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => {
                        if let Some(d) = first_difference(p, q, &format!("{at}.{k}")) {
                            return Some(d);
                        }
                    }
                    (p, q) => return Some(format!("{at}.{k}: {p:?} vs {q:?}")),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {a} vs {b}")),
    }
}

/// `bytes` as the engine's answer, read by the production reader.
fn read_answer<T: DeserializeOwned>(bytes: Vec<u8>) -> Result<T, String> {
    let response = reqwest::Response::from(
        http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(bytes)
            .unwrap(),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime
        .block_on(docker_engine_raw::body::json::<T, ()>(response))
        .map(|v| v.into_inner())
        .map_err(|e| e.to_string())
}

/// Decodes `json` as `T` (as the engine sends it: compact) through the
/// production reader, checks it equals serde_json's decoding of the text,
/// and that nothing was lost.
fn decode_lossless<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    name: &str,
    json: Value,
) -> T {
    let text = serde_json::to_string(&json).unwrap();
    let typed: T = read_answer(text.clone().into_bytes()).unwrap_or_else(|e| {
        panic!(
            "{name}: does not decode as {}: {e}",
            std::any::type_name::<T>()
        )
    });
    let by_serde_json: T = serde_json::from_str(&text).unwrap();
    assert_eq!(
        typed, by_serde_json,
        "{name}: the reader and serde_json disagree"
    );
    let back = serde_json::to_value(&typed).expect("encodes");
    if let Some(diff) = first_difference(&without_nulls(&json), &without_nulls(&back), name) {
        panic!("{name}: decoding lost or changed data at {diff}");
    }
    typed
}

macro_rules! lossless {
    ($($test:ident: $file:literal => $ty:ty;)*) => {$(
        #[test]
        fn $test() {
            decode_lossless::<$ty>($file, fixture($file));
        }
    )*};
}

lossless! {
    container_list: "container-list" => Option<Vec<types::ContainerSummary>>;
    container_inspect: "container-inspect" => types::ContainerInspectResponse;
    container_inspect_exited: "container-inspect-exited" => types::ContainerInspectResponse;
    container_top: "container-top" => types::ContainerTopResponse;
    container_changes: "container-changes" => Option<Vec<types::FilesystemChange>>;
    container_stats: "container-stats" => types::ContainerStatsResponse;
    exec_inspect: "exec-inspect" => types::ExecInspectResponse;
    image_list: "image-list" => Option<Vec<types::ImageSummary>>;
    image_inspect: "image-inspect" => types::ImageInspect;
    image_history: "image-history" => Option<Vec<types::ImageHistoryResponseItem>>;
    network_inspect: "network-inspect" => types::NetworkInspect;
    network_list: "network-list" => Option<Vec<types::NetworkSummary>>;
    volume_inspect: "volume-inspect" => types::Volume;
    volume_list: "volume-list" => types::VolumeListResponse;
    system_info: "system-info" => types::SystemInfo;
    system_version: "system-version" => types::SystemVersion;
    system_df: "system-df" => types::SystemDataUsageResponse;
}

#[test]
fn a_top_level_null_decodes() {
    // An unchanged container's changes are `null` on the wire.
    assert_eq!(fixture("container-changes-none"), Value::Null);
    let changes: Option<Vec<types::FilesystemChange>> =
        decode_lossless("changes-none", Value::Null);
    assert!(changes.is_none());
}

#[test]
fn go_null_arrays_and_maps_decode() {
    let inspect = fixture("container-inspect");
    // The recorded answer has real nulls where Go had nil slices.
    assert!(inspect["HostConfig"]["CapAdd"].is_null());
    let typed: types::ContainerInspectResponse = decode_lossless("container-inspect", inspect);
    assert!(typed.host_config.as_ref().unwrap().cap_add.is_none());

    let mut list = fixture("container-list");
    list[0]["Labels"] = Value::Null;
    list[0]["Mounts"] = Value::Null;
    list[0]["Ports"] = Value::Null;
    let typed: Option<Vec<types::ContainerSummary>> = decode_lossless("container-list nulls", list);
    let first = &typed.unwrap()[0];
    assert!(first.labels.is_none() && first.mounts.is_none() && first.ports.is_none());
}

#[test]
fn an_unknown_enum_value_decodes_as_other() {
    let mut list = fixture("container-list");
    list[0]["State"] = Value::from("hibernating");
    let typed: Option<Vec<types::ContainerSummary>> = decode_lossless("container-list state", list);
    let containers = typed.unwrap();
    assert_eq!(
        containers[0].state,
        Some(ContainerSummaryState::Other("hibernating".into()))
    );

    // Known values decode to their variants, and every value round-trips.
    let known: ContainerSummaryState = serde_json::from_value(Value::from("exited")).unwrap();
    assert_eq!(known, ContainerSummaryState::Exited);
    for v in MountType::KNOWN {
        let back: MountType = serde_json::from_value(serde_json::to_value(v).unwrap()).unwrap();
        assert_eq!(&back, v);
    }
}

#[test]
fn fields_older_engines_send_under_old_names_are_kept() {
    // API 1.41 still sends NetworkSettings.IPAddress and system df's
    // LayersSize, which newer descriptions no longer name.
    let inspect: types::ContainerInspectResponse =
        decode_lossless("container-inspect", fixture("container-inspect"));
    let settings = inspect.network_settings.unwrap();
    assert!(
        settings.extra.contains_key("IPAddress"),
        "kept: {:?}",
        settings.extra.keys()
    );

    let df: types::SystemDataUsageResponse = decode_lossless("system-df", fixture("system-df"));
    assert!(
        df.extra.contains_key("LayersSize"),
        "kept: {:?}",
        df.extra.keys()
    );
}

#[test]
fn a_required_field_that_is_missing_fails_as_with_serde_derive() {
    // `Warnings` of a create answer must be present (it may be null): the
    // direct Deserialize honours typify's `deserialize_with` marker.
    let ok: types::ContainerCreateResponse =
        decode_lossless("create", serde_json::json!({ "Id": "x", "Warnings": null }));
    assert_eq!(ok.warnings, None);
    let err = read_answer::<types::ContainerCreateResponse>(br#"{"Id":"x"}"#.to_vec()).unwrap_err();
    assert!(err.contains("missing field `Warnings`"), "{err}");
}
