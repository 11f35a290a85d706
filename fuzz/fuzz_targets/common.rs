//! Shared by the targets: the input is `[n, splits[n], data...]`.
#![allow(dead_code)] // each target uses part of it

use futures_util::{FutureExt, Stream, StreamExt};

pub use docker_engine::fuzzing::pieces;

/// Splits the fuzzer's input into read sizes and data.
pub fn split_input(input: &[u8]) -> (&[u8], &[u8]) {
    let Some((&n, rest)) = input.split_first() else {
        return (&[], &[]);
    };
    let n = usize::from(n % 16).min(rest.len());
    rest.split_at(n)
}

/// The reads, as a stream of chunks that are all ready.
pub fn reads(
    data: &[u8],
    splits: &[u8],
) -> impl Stream<Item = Result<bytes::Bytes, std::io::Error>> + Unpin + Send + Sync + 'static {
    let chunks: Vec<_> = pieces(data, splits)
        .into_iter()
        .map(|p| Ok(bytes::Bytes::copy_from_slice(p)))
        .collect();
    futures_util::stream::iter(chunks)
}

/// Every item of a stream whose input is all in memory.
pub fn drain<S: Stream + Unpin>(mut s: S) -> Vec<S::Item> {
    let mut out = Vec::new();
    while let Some(item) = s.next().now_or_never().expect("in-memory input is always ready") {
        out.push(item);
    }
    out
}
