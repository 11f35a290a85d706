//! The multiplexed-stream demuxer on arbitrary bytes in arbitrary read
//! splits: never a panic, data and stream kinds independent of the splits,
//! never more payload out than bytes in.
#![no_main]
use docker_engine::streams::{Demux, Framing};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn run(data: &[u8], splits: &[u8], framing: Framing) -> (Vec<(String, Vec<u8>)>, usize) {
    let items = common::drain(Demux::new(common::reads(data, splits), framing));
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut errors = 0;
    for item in items {
        match item {
            Ok(chunk) => {
                let kind = format!("{:?}", chunk.stream);
                // Chunks may be cut differently; merge runs of one stream.
                match out.last_mut() {
                    Some((k, bytes)) if *k == kind => bytes.extend_from_slice(&chunk.data),
                    _ => out.push((kind, chunk.data.to_vec())),
                }
            }
            Err(e) => {
                let _ = e.to_string();
                errors += 1;
            }
        }
    }
    (out, errors)
}

fuzz_target!(|input: &[u8]| {
    let (splits, data) = common::split_input(input);
    for framing in [Framing::Multiplexed, Framing::Raw] {
        let whole = run(data, &[], framing);
        let split = run(data, splits, framing);
        assert_eq!(whole, split, "output depends on read splits");
        let payload: usize = whole.0.iter().map(|(_, b)| b.len()).sum();
        assert!(payload <= data.len());
    }
});
