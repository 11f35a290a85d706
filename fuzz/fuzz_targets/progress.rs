//! Progress streams (pull, push, build): messages, in-band errors, the
//! aggregate; the same outcome whatever the read splits.
#![no_main]
use docker_engine::progress::{Aggregate, ProgressStream};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn run(data: &[u8], splits: &[u8]) -> (Vec<String>, (u64, u64), usize) {
    let stream = ProgressStream::from_chunks("ImageCreate", common::reads(data, splits));
    let mut all = Aggregate::default();
    let mut seen = Vec::new();
    for item in common::drain(stream) {
        match item {
            Ok(p) => {
                all.update(&p);
                seen.push(format!("{p:?}"));
            }
            Err(e) => seen.push(e.to_string()),
        }
    }
    (seen, all.bytes(), all.done_layers())
}

fuzz_target!(|input: &[u8]| {
    let (splits, data) = common::split_input(input);
    assert_eq!(run(data, &[]), run(data, splits), "depends on read splits");
    let finished = ProgressStream::from_chunks("ImageCreate", common::reads(data, splits)).finish();
    let _ = futures_util::FutureExt::now_or_never(finished).expect("ready");
});
