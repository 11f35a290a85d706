//! Newline-delimited JSON on arbitrary bytes in arbitrary read splits: the
//! same documents and errors whatever the splits.
#![no_main]
use docker_engine::streams::JsonLines;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn run(data: &[u8], splits: &[u8]) -> Vec<Result<serde_json::Value, String>> {
    common::drain(JsonLines::<_, serde_json::Value>::new(common::reads(data, splits), "fuzz"))
        .into_iter()
        .map(|r| r.map_err(|e| e.to_string()))
        .collect()
}

fuzz_target!(|input: &[u8]| {
    let (splits, data) = common::split_input(input);
    assert_eq!(run(data, &[]), run(data, splits), "depends on read splits");
});
