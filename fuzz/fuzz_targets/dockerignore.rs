//! See `docker_engine::fuzzing::dockerignore` (sdk/src/fuzzing.rs) for what it feeds and checks.
#![no_main]
libfuzzer_sys::fuzz_target!(|input: &[u8]| docker_engine::fuzzing::dockerignore(input));
