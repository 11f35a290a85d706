//! How requests are sent.
//!
//! Every generated method builds a `reqwest::Request` and hands it to
//! [`Executor`] (the client's inner value), which sends it with the
//! `reqwest::Client` unless a [`Transport`] was given and takes the request
//! first. The SDK gives one that sends GET and HEAD requests over its own
//! connections; the requests themselves are still the generated ones.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

/// A response on its way, or `None` when the transport leaves the request
/// to `reqwest` after all.
pub type Sending<'a> = Pin<Box<dyn Future<Output = Option<reqwest::Response>> + Send + 'a>>;

/// A response on its way, a failure to report as is (`Some(Err(_))`,
/// `reqwest` does not send the request again), or `None` when the
/// transport leaves the request to `reqwest` after all.
pub type Attempt<'a> =
    Pin<Box<dyn Future<Output = Option<reqwest::Result<reqwest::Response>>> + Send + 'a>>;

/// Sends some requests another way than the `reqwest::Client`.
pub trait Transport: Send + Sync + fmt::Debug {
    /// Takes `request` (returning the response on its way), or leaves it to
    /// `reqwest` (`None`). A transport that took a request may still give up
    /// on it by resolving to `None`, for instance when it could not connect,
    /// so that `reqwest` sends it and reports the failure as usual; it must
    /// do so only when sending the request again is harmless.
    fn send<'a>(&'a self, request: &'a reqwest::Request) -> Option<Sending<'a>>;

    /// Like [`Transport::send`], and the request may also fail without
    /// `reqwest` sending it again, for a transport that has written the
    /// request and must not have it sent twice. [`Executor`] calls this
    /// one; the default is [`Transport::send`]'s answer.
    fn attempt<'a>(&'a self, request: &'a reqwest::Request) -> Option<Attempt<'a>> {
        let sending = self.send(request)?;
        Some(Box::pin(async move { sending.await.map(Ok) }))
    }
}

/// The client's inner value: the transport tried before `reqwest`, if any.
/// `Executor::default()` sends everything with `reqwest`.
#[derive(Clone, Default)]
pub struct Executor {
    transport: Option<Arc<dyn Transport>>,
}

impl Executor {
    /// Requests are offered to `transport` first.
    pub fn with_transport(transport: Arc<dyn Transport>) -> Self {
        Executor {
            transport: Some(transport),
        }
    }
}

impl fmt::Debug for Executor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Executor")
            .field("transport", &self.transport)
            .finish()
    }
}

impl ClientHooks<Executor> for crate::Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        if let Some(transport) = &self.inner().transport {
            if let Some(attempt) = transport.attempt(&request) {
                if let Some(result) = attempt.await {
                    return result;
                }
            }
        }
        self.client().execute(request).await
    }
}
