//! `config.json` and a context's `meta.json` of any bytes, read as the SDK
//! reads them (contexts, detach keys, proxies, HttpHeaders, `auths`).
#![no_main]
libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    docker_engine::fuzzing::cli_config(input);
});
