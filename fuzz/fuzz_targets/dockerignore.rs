//! `.dockerignore` parsing and matching never panic, whatever the bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    docker_engine::images::fuzz_dockerignore(data);
});
