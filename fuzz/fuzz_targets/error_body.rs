//! Error answers of any status and body, mapped as every call maps them.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    if input.len() < 2 {
        return;
    }
    let status = 100 + u16::from_le_bytes([input[0], input[1]]) % 500;
    docker_engine::fuzzing::error_body(status, &input[2..]);
});
