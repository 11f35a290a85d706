//! The own HTTP/1.1 path's chunked decoder (sizes, extensions, trailers)
//! on arbitrary bytes in arbitrary read splits.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|input: &[u8]| {
    let (splits, data) = common::split_input(input);
    docker_engine::fuzzing::chunked(data, splits);
});
