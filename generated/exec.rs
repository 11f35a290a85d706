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

use crate::ops::Operation;

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

/// What a [`Hook`] resolves to: go on (`Ok`) or refuse with a message.
pub type Preparing<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Sees every request before it is sent, with the operation it is for,
/// and may change or refuse it (the SDK negotiates the API version, gates
/// and traces here, from the request actually being sent).
pub trait Hook: Send + Sync {
    /// Called once per request, after the generated method built it, and
    /// awaited before anything is sent (so it may itself talk to the
    /// engine first). An `Err` is returned by the method as
    /// [`crate::Error::Custom`] and nothing is sent.
    fn before_send<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        op: &'static Operation,
    ) -> Preparing<'a>;
}

/// The client's inner value: the transport tried before `reqwest`, if any,
/// and the hook every request passes. `Executor::default()` sends
/// everything with `reqwest`, unchanged.
#[derive(Clone, Default)]
pub struct Executor {
    transport: Option<Arc<dyn Transport>>,
    hook: Option<Arc<dyn Hook>>,
}

impl Executor {
    /// Requests are offered to `transport` first.
    pub fn with_transport(transport: Arc<dyn Transport>) -> Self {
        Executor {
            transport: Some(transport),
            hook: None,
        }
    }

    /// The same, with every request passing `hook` first.
    pub fn with_hook(&self, hook: Arc<dyn Hook>) -> Self {
        Executor {
            transport: self.transport.clone(),
            hook: Some(hook),
        }
    }
}

impl fmt::Debug for Executor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Executor")
            .field("transport", &self.transport)
            .field("hook", &self.hook.is_some())
            .finish()
    }
}

impl crate::Client {
    /// This client with every request passing `hook` before it is sent.
    pub fn with_hook(&self, hook: Arc<dyn Hook>) -> crate::Client {
        crate::Client::new_with_client(
            self.baseurl(),
            self.client().clone(),
            self.inner().with_hook(hook),
        )
    }
}

impl ClientHooks<Executor> for crate::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), crate::Error<E>> {
        let Some(hook) = &self.inner().hook else {
            return Ok(());
        };
        // build.rs makes every `operation_id` a description id.
        let op = crate::ops::operation(info.operation_id).ok_or_else(|| {
            crate::Error::Custom(format!("unknown operation {}", info.operation_id))
        })?;
        hook.before_send(request, op)
            .await
            .map_err(crate::Error::Custom)
    }

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
