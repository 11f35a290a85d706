//! Agreeing on an API version with the engine, and turning raw-layer
//! failures into [`Error`]s.
//!
//! Negotiation: `HEAD /_ping` (then `GET /_ping` if the engine refuses
//! HEAD) and read its `API-Version` header, the engine's newest version.
//! The version used is the lower of that and the newest this SDK was
//! generated for. When the engine is newer than the SDK, its oldest
//! version (`MinAPIVersion` from `/version`) must not be above ours. When
//! the engine's newest is below the oldest version this SDK knows, or the
//! versions do not meet, the result is [`Error::VersionMismatch`].

use docker_engine_raw as raw;
use raw::versions::{self, ApiVersion};

use crate::error::{Error, Result, TimeoutPhase};

/// The outcome of negotiation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Negotiated {
    pub version: ApiVersion,
    #[allow(dead_code)]
    pub engine_max: ApiVersion,
}

/// Negotiates over an unversioned raw client.
pub(crate) async fn negotiate(unversioned: &raw::Client) -> Result<Negotiated> {
    let headers = match unversioned.system_ping_head().await {
        Ok(r) => r.headers().clone(),
        // An engine that could not be reached is not asked again.
        Err(
            e @ (raw::Error::CommunicationError(_)
            | raw::Error::ResponseBodyError(_)
            | raw::Error::InvalidRequest(_)),
        ) => return Err(raw_error_sync(e, "SystemPing")),
        Err(_) => {
            // Engines or proxies that refuse HEAD answer GET.
            tracing::debug!("the engine refused HEAD /_ping; asking with GET");
            let r = unversioned
                .system_ping()
                .await
                .map_err(|e| raw_error_sync(e, "SystemPing"))?;
            r.headers().clone()
        }
    };
    let engine_max = headers
        .get("api-version")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<ApiVersion>().ok())
        .ok_or_else(|| Error::VersionMismatch {
            detail: "the engine's /_ping answer has no API-Version header".into(),
            client: versions::NEWEST,
            engine_max: None,
            engine_min: None,
        })?;
    choose(engine_max, || async {
        let v = unversioned
            .system_version()
            .await
            .map_err(|e| raw_error_sync(e, "SystemVersion"))?;
        Ok(v.into_inner()
            .min_api_version
            .and_then(|m| m.parse::<ApiVersion>().ok()))
    })
    .await
}

/// Picks the version for an engine whose newest is `engine_max`; asks for
/// the engine's oldest only when it matters.
pub(crate) async fn choose<F, Fut>(engine_max: ApiVersion, engine_min: F) -> Result<Negotiated>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Option<ApiVersion>>>,
{
    if engine_max < versions::OLDEST {
        return Err(Error::VersionMismatch {
            detail: format!(
                "the engine speaks API {engine_max} at most; this SDK supports {} to {}",
                versions::OLDEST,
                versions::NEWEST
            ),
            client: versions::OLDEST,
            engine_max: Some(engine_max),
            engine_min: None,
        });
    }
    if engine_max > versions::NEWEST {
        if let Some(min) = engine_min().await? {
            if min > versions::NEWEST {
                return Err(Error::VersionMismatch {
                    detail: format!(
                        "the engine needs API {min} or newer (up to {engine_max}); this SDK speaks {} at most",
                        versions::NEWEST
                    ),
                    client: versions::NEWEST,
                    engine_max: Some(engine_max),
                    engine_min: Some(min),
                });
            }
        }
    }
    Ok(Negotiated {
        version: engine_max.min(versions::NEWEST),
        engine_max,
    })
}

/// The error body of a generated operation: the engine's JSON error, or
/// nothing (HEAD answers). Implemented for every error body the generated
/// methods have.
pub trait ErrorBody {
    /// The engine's message.
    fn message(self) -> String;
}

impl ErrorBody for raw::types::ErrorResponse {
    fn message(self) -> String {
        self.message
    }
}

impl ErrorBody for () {
    fn message(self) -> String {
        String::new()
    }
}

/// A raw-layer error as the SDK's: the engine's answer by status (the
/// operation is not known here: it reads `raw`), a request the raw
/// client's hook refused (a field the negotiated version lacks) as
/// [`Error::InvalidInput`] with the reason, transport and decode failures
/// as they are.
impl<E: ErrorBody> From<raw::Error<E>> for Error {
    fn from(e: raw::Error<E>) -> Error {
        raw_error_sync(e, "raw")
    }
}

/// Maps a raw-layer error, reading the body of unexpected answers.
pub(crate) async fn map_raw_error<E: ErrorBody>(
    e: raw::Error<E>,
    op: &'static str,
    version: ApiVersion,
) -> Error {
    match e {
        raw::Error::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            let body = error_body(response).await;
            let message = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| {
                    v.get("message")
                        .and_then(|m| m.as_str())
                        .map(str::to_string)
                })
                .unwrap_or_else(|| String::from_utf8_lossy(&body).trim().to_string());
            classify(op, status, message, version)
        }
        other => {
            let mapped = raw_error_sync(other, op);
            match mapped {
                Error::InvalidArgument { message, .. } => classify(op, 400, message, version),
                e => e,
            }
        }
    }
}

/// The most of an error answer's body that is read: engines' messages are
/// a line or two; what is beyond is dropped with the connection.
pub(crate) const ERROR_BODY_AT_MOST: usize = 64 << 10;

/// An error answer's body, at most [`ERROR_BODY_AT_MOST`] bytes of it
/// (what could be read: a failure to read the rest is not the error).
async fn error_body(response: reqwest::Response) -> Vec<u8> {
    let mut response = response;
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = ERROR_BODY_AT_MOST.saturating_sub(body.len());
        let (kept, _) = chunk.split_at(chunk.len().min(room));
        body.extend_from_slice(kept);
        if body.len() >= ERROR_BODY_AT_MOST {
            break;
        }
    }
    body
}

/// A status and message as an error; recognises the engine's "client
/// version too new/old" refusals.
fn classify(op: &'static str, status: u16, message: String, version: ApiVersion) -> Error {
    if status == 400
        && message.contains("client version")
        && (message.contains("too new") || message.contains("too old"))
    {
        let engine = message
            .rsplit(|c: char| c.is_whitespace())
            .find_map(|w| w.trim_end_matches('.').parse::<ApiVersion>().ok());
        let too_new = message.contains("too new");
        return Error::VersionMismatch {
            detail: message,
            client: version,
            engine_max: if too_new { engine } else { None },
            engine_min: if too_new { None } else { engine },
        };
    }
    Error::from_status(op, status, message)
}

/// The error for a failure of the SDK's own connections found among the
/// sources of `e`, worded as reqwest's failures are.
fn own_failure(e: &reqwest::Error, op: &'static str) -> Option<Error> {
    use crate::transport::h1::{Failure, FailureKind};
    let f = std::iter::successors(Some(e as &(dyn std::error::Error + 'static)), |e| {
        e.source()
    })
    .find_map(|e| e.downcast_ref::<Failure>())?;
    let context = match f.kind {
        FailureKind::Connect => "cannot connect to the engine",
        FailureKind::ConnectTimeout => {
            return Some(Error::timeout(op, TimeoutPhase::Connect, None))
        }
        FailureKind::Io if f.is_timeout() => {
            return Some(Error::timeout(op, TimeoutPhase::StreamIdle, None))
        }
        FailureKind::Protocol | FailureKind::Io => "request failed",
    };
    Some(Error::transport(format!("{op}: {context}"), f.clone()))
}

/// Maps every raw error that needs no I/O.
pub(crate) fn raw_error_sync<E: ErrorBody>(e: raw::Error<E>, op: &'static str) -> Error {
    match e {
        raw::Error::ErrorResponse(rv) => {
            let status = rv.status().as_u16();
            Error::from_status(op, status, rv.into_inner().message())
        }
        raw::Error::UnexpectedResponse(r) => {
            Error::from_status(op, r.status().as_u16(), String::new())
        }
        raw::Error::CommunicationError(e)
        | raw::Error::ResponseBodyError(e)
        | raw::Error::InvalidUpgrade(e) => {
            if let Some(failure) = own_failure(&e, op) {
                return failure;
            }
            if e.is_timeout() {
                // reqwest's own timeouts: connecting, or a read that waited
                // longer than the stream-idle timeout.
                let phase = if e.is_connect() {
                    TimeoutPhase::Connect
                } else {
                    TimeoutPhase::StreamIdle
                };
                return Error::timeout(op, phase, None);
            }
            let context = if e.is_connect() {
                format!("{op}: cannot connect to the engine")
            } else {
                format!("{op}: request failed")
            };
            Error::transport(context, e)
        }
        raw::Error::InvalidResponsePayload(bytes, err) => {
            Error::decode(format!("{op} answer"), &bytes, err)
        }
        raw::Error::InvalidRequest(message) => Error::invalid_input(message),
        raw::Error::Custom(message) => Error::invalid_input(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(minor: u16) -> ApiVersion {
        ApiVersion::new(1, minor)
    }

    async fn never() -> Result<Option<ApiVersion>> {
        panic!("the engine's minimum was not needed")
    }

    #[tokio::test]
    async fn takes_the_lower_of_both_sides() {
        assert_eq!(choose(v(41), never).await.unwrap().version, v(41));
        assert_eq!(
            choose(versions::NEWEST, never).await.unwrap().version,
            versions::NEWEST
        );
        let newer = ApiVersion::new(1, versions::NEWEST.minor() + 5);
        assert_eq!(
            choose(newer, || async { Ok(Some(v(24))) })
                .await
                .unwrap()
                .version,
            versions::NEWEST
        );
    }

    #[tokio::test]
    async fn refuses_when_the_versions_do_not_meet() {
        let e = choose(v(12), never).await.unwrap_err();
        assert!(
            matches!(e, Error::VersionMismatch { engine_max: Some(m), .. } if m == v(12)),
            "{e}"
        );
        let newer = ApiVersion::new(1, versions::NEWEST.minor() + 5);
        let min = ApiVersion::new(1, versions::NEWEST.minor() + 1);
        let e = choose(newer, || async move { Ok(Some(min)) })
            .await
            .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains(&min.to_string()) && text.contains(&versions::NEWEST.to_string()),
            "{text}"
        );
    }

    #[test]
    fn recognises_too_new_refusals() {
        let e = classify(
            "SystemPing",
            400,
            "client version 1.55 is too new. Maximum supported API version is 1.41".into(),
            v(55),
        );
        match e {
            Error::VersionMismatch {
                client, engine_max, ..
            } => {
                assert_eq!((client, engine_max), (v(55), Some(v(41))));
            }
            other => panic!("{other:?}"),
        }
    }
}
