//! Reading JSON answers.
//!
//! The generated methods hand every JSON answer to [`json`] (`build.rs`
//! routes them here instead of progenitor's `ResponseValue::from_response`).
//! The result and the errors are the same as progenitor's; what differs is
//! the cost:
//!
//! - the body is gathered into a buffer kept from call to call (one per
//!   thread, kept while answers are at most [`KEEP`] bytes), reserved from
//!   `Content-Length`, so a large answer neither regrows a fresh buffer by
//!   doubling nor faults in new pages on every call;
//! - each chunk is dropped as soon as it is copied, so the connection reuses
//!   its read buffer instead of allocating a new one for the next read;
//! - with the `simd-json` feature (on by default) answers of up to
//!   [`SIMD_AT_MOST`] bytes are parsed by simd-json, whose working buffers
//!   are kept too; should it refuse a
//!   document, serde_json decodes the untouched bytes and has the last
//!   word, so an error always carries serde_json's position (the SDK turns
//!   it into a JSON path). Larger answers, and all of them without the
//!   feature, are checked as UTF-8 once, as a whole, and decoded by
//!   serde_json.
//!
//! What is kept per thread after a large answer: the body and, with
//! `simd-json`, a copy of it and simd-json's buffers: a few times [`KEEP`]
//! at most. Larger answers use buffers freed after the call.

use std::cell::RefCell;
use std::pin::pin;

use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// The largest answer whose buffers are kept for the next one on a thread.
pub const KEEP: usize = 1 << 20;

/// Never reserve more than this up front, whatever `Content-Length` claims.
const RESERVE_AT_MOST: u64 = 64 << 20;

/// The largest JSON answer read (256 MiB): a larger one, declared or sent,
/// is refused as an invalid payload naming the limit, so an engine (or
/// something posing as one) cannot make the client hold any amount of
/// memory. The largest real answers (a list of every container or image of
/// a busy engine) are far below it.
pub const MAX_ANSWER: usize = 256 << 20;

fn too_large<E>(head: &[u8]) -> Error<E> {
    Error::InvalidResponsePayload(
        bytes::Bytes::copy_from_slice(&head[..head.len().min(256)]),
        <serde_json::Error as serde::de::Error>::custom(format!(
            "the answer is larger than {} MiB, the most this client reads",
            MAX_ANSWER >> 20
        )),
    )
}

#[derive(Default)]
struct Scratch {
    body: Vec<u8>,
    #[cfg(feature = "simd-json")]
    simd: Option<SimdScratch>,
}

#[cfg(feature = "simd-json")]
struct SimdScratch {
    /// simd-json rewrites strings in place: it parses this copy.
    copy: Vec<u8>,
    buffers: simd_json::Buffers,
}

thread_local! {
    static SPARE: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Reads a whole JSON answer and decodes it into `T`.
pub async fn json<T: DeserializeOwned, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let expected = response.content_length();
    let (parts, body) = http::Response::from(response).into_parts();
    if expected.is_some_and(|n| n > MAX_ANSWER as u64) {
        return Err(too_large(&[]));
    }
    let mut scratch = SPARE.with(|s| std::mem::take(&mut *s.borrow_mut()));
    scratch.body.clear();
    if let Some(n) = expected {
        scratch.body.reserve(n.min(RESERVE_AT_MOST) as usize);
    }
    let mut body = pin!(body);
    while let Some(frame) =
        std::future::poll_fn(|cx| http_body::Body::poll_frame(body.as_mut(), cx)).await
    {
        let frame = frame.map_err(Error::ResponseBodyError)?;
        if let Some(data) = frame.data_ref() {
            if scratch.body.len() + data.len() > MAX_ANSWER {
                return Err(too_large(&scratch.body));
            }
            scratch.body.extend_from_slice(data);
        }
    }
    let result = match decode::<T>(&mut scratch) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, parts.headers)),
        Err(e) => Err(Error::InvalidResponsePayload(
            bytes::Bytes::copy_from_slice(&scratch.body),
            e,
        )),
    };
    if scratch.body.capacity() <= KEEP {
        SPARE.with(|s| *s.borrow_mut() = scratch);
    }
    result
}

/// The most of an error answer's body that is read (64 KiB): an engine's
/// message is a line or two. Beyond it the message is cut, said so, and the
/// rest is left unread (the connection is not reused).
pub const MAX_ERROR_ANSWER: usize = 64 << 10;

/// Reads an error answer (the engine's `{"message": …}`) of at most
/// [`MAX_ERROR_ANSWER`] bytes into `T`; a longer one becomes a `T` whose
/// message is its beginning, marked as cut.
pub async fn error_json<T: DeserializeOwned, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let (parts, body) = http::Response::from(response).into_parts();
    let mut body = pin!(body);
    let mut read = Vec::new();
    while let Some(frame) =
        std::future::poll_fn(|cx| http_body::Body::poll_frame(body.as_mut(), cx)).await
    {
        let frame = frame.map_err(Error::ResponseBodyError)?;
        if let Some(data) = frame.data_ref() {
            if read.len() + data.len() > MAX_ERROR_ANSWER {
                let room = MAX_ERROR_ANSWER - read.len();
                read.extend_from_slice(&data[..room]);
                let text = String::from_utf8_lossy(&read);
                let cut = serde_json::json!({
                    "message": format!(
                        "{} … (the engine's message was cut at {} KiB)",
                        text.trim_end(),
                        MAX_ERROR_ANSWER >> 10
                    )
                });
                return serde_json::from_value(cut)
                    .map(|inner| ResponseValue::new(inner, status, parts.headers))
                    .map_err(|e| Error::InvalidResponsePayload(bytes::Bytes::from(read), e));
            }
            read.extend_from_slice(data);
        }
    }
    match serde_json::from_slice(&read) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, parts.headers)),
        Err(e) => Err(Error::InvalidResponsePayload(bytes::Bytes::from(read), e)),
    }
}

/// Answers up to this size are parsed by simd-json; larger ones by
/// serde_json. simd-json builds a fresh tape of its own per document (16
/// bytes per JSON value, which cannot be kept from call to call): for a
/// large list that is megabytes of new memory per call, whose page faults
/// cost more than simd-json saves (measured with the benchmark's 1,000
/// container list: 1,254 page faults per call against 548).
pub const SIMD_AT_MOST: usize = 128 << 10;

#[cfg(feature = "simd-json")]
fn decode<T: DeserializeOwned>(scratch: &mut Scratch) -> serde_json::Result<T> {
    let len = scratch.body.len();
    if len > SIMD_AT_MOST {
        return decode_with_serde_json(&scratch.body);
    }
    let simd = scratch.simd.get_or_insert_with(|| SimdScratch {
        copy: Vec::new(),
        buffers: simd_json::Buffers::new(len),
    });
    simd.copy.clear();
    simd.copy.extend_from_slice(&scratch.body);
    match simd_json::serde::from_slice_with_buffers::<T>(&mut simd.copy, &mut simd.buffers) {
        Ok(value) => Ok(value),
        Err(_) => decode_with_serde_json(&scratch.body),
    }
}

#[cfg(not(feature = "simd-json"))]
fn decode<T: DeserializeOwned>(scratch: &mut Scratch) -> serde_json::Result<T> {
    decode_with_serde_json(&scratch.body)
}

fn decode_with_serde_json<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        // from_slice reports where the bad byte is.
        Err(_) => serde_json::from_slice(body),
    }
}
