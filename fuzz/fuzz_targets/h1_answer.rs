//! An answer's head as the own HTTP/1.1 path reads it (status line,
//! headers, Content-Length, Transfer-Encoding, keep-alive), and its
//! chunked body in arbitrary read splits.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|input: &[u8]| {
    let (splits, data) = common::split_input(input);
    docker_engine::fuzzing::answer(data, splits);
});
