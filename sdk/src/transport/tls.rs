//! TLS to the engine (rustls with the aws-lc-rs provider, given to each
//! configuration: the process-wide default provider is never touched).
//!
//! Docker's TLS is usually mutual, against a private CA: the client trusts
//! `ca.pem` and presents `cert.pem`/`key.pem`. Verification of the engine's
//! certificate is on unless switched off; hostname checking can be switched
//! off on its own (the chain is still verified).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// PEM material: a file to read when the client is built, or the PEM text.
#[derive(Clone)]
pub enum Pem {
    /// Read from this file.
    File(PathBuf),
    /// These bytes.
    Bytes(Vec<u8>),
}

impl fmt::Debug for Pem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pem::File(p) => f.debug_tuple("File").field(p).finish(),
            // May be a private key: never shown.
            Pem::Bytes(b) => write!(f, "Bytes(<{} bytes redacted>)", b.len()),
        }
    }
}

impl Pem {
    #[cfg_attr(not(feature = "tls"), allow(dead_code))]
    fn load(&self, what: &str) -> Result<Vec<u8>> {
        match self {
            Pem::Bytes(b) => Ok(b.clone()),
            Pem::File(p) => std::fs::read(p).map_err(|e| {
                Error::invalid_input(format!("cannot read the TLS {what} {}: {e}", p.display()))
            }),
        }
    }
}

/// How to speak TLS to the engine.
#[derive(Clone, Debug)]
pub struct TlsSettings {
    pub(crate) ca: Option<Pem>,
    pub(crate) identity: Option<(Pem, Pem)>,
    pub(crate) verify: bool,
    pub(crate) verify_hostname: bool,
}

impl Default for TlsSettings {
    fn default() -> Self {
        TlsSettings {
            ca: None,
            identity: None,
            verify: true,
            verify_hostname: true,
        }
    }
}

impl TlsSettings {
    /// Verification on, trusting the platform's roots until a CA is given.
    pub fn new() -> Self {
        Self::default()
    }

    /// The material in a Docker certificate directory: `ca.pem`, and
    /// `cert.pem` with `key.pem` where both exist.
    pub fn from_cert_dir(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        let mut settings = TlsSettings::new();
        if dir.join("ca.pem").exists() {
            settings.ca = Some(Pem::File(dir.join("ca.pem")));
        }
        if dir.join("cert.pem").exists() && dir.join("key.pem").exists() {
            settings.identity = Some((
                Pem::File(dir.join("cert.pem")),
                Pem::File(dir.join("key.pem")),
            ));
        }
        settings
    }

    /// Trust only this CA (PEM, one or more certificates).
    pub fn ca(mut self, ca: Pem) -> Self {
        self.ca = Some(ca);
        self
    }

    /// Present this client certificate (PEM chain) and private key (PEM).
    pub fn client_identity(mut self, cert: Pem, key: Pem) -> Self {
        self.identity = Some((cert, key));
        self
    }

    /// Whether to verify the engine's certificate at all (default: yes).
    /// Off means anyone on the path can read and change the traffic.
    pub fn verify(mut self, verify: bool) -> Self {
        self.verify = verify;
        self
    }

    /// Whether the certificate must name the host connected to (default:
    /// yes). Off still checks the chain against the CA.
    pub fn verify_hostname(mut self, verify: bool) -> Self {
        self.verify_hostname = verify;
        self
    }
}

/// The rustls side, built with the `tls` feature (on by default).
#[cfg(feature = "tls")]
pub(crate) mod backend {
    use std::sync::Arc;

    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::client::WebPkiServerVerifier;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
    use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

    use super::TlsSettings;
    use crate::error::{Error, Result};

    impl TlsSettings {
        /// The rustls configuration these settings describe.
        pub(crate) fn client_config(&self) -> Result<rustls::ClientConfig> {
            let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
            let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
                .with_safe_default_protocol_versions()
                .map_err(|e| Error::transport("configuring TLS", e))?;
            let verifier: Arc<dyn ServerCertVerifier> = if !self.verify {
                Arc::new(NoVerification(provider))
            } else {
                let chain: Arc<dyn ServerCertVerifier> = match &self.ca {
                    Some(ca) => {
                        let pem = ca.load("CA")?;
                        let mut roots = RootCertStore::empty();
                        for cert in CertificateDer::pem_slice_iter(&pem) {
                            let cert = cert.map_err(|e| {
                                Error::invalid_input(format!("TLS CA is not valid PEM: {e}"))
                            })?;
                            roots.add(cert).map_err(|e| {
                                Error::invalid_input(format!("TLS CA certificate rejected: {e}"))
                            })?;
                        }
                        if roots.is_empty() {
                            return Err(Error::invalid_input("the TLS CA holds no certificate"));
                        }
                        WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                            .build()
                            .map_err(|e| Error::transport("configuring TLS verification", e))?
                    }
                    // No CA given: the platform's trust store, as for any https.
                    None => Arc::new(rustls_platform_verifier::Verifier::new(provider).map_err(
                        |e| Error::transport("loading the platform's trusted certificates", e),
                    )?),
                };
                if self.verify_hostname {
                    chain
                } else {
                    Arc::new(AnyHostname(chain))
                }
            };
            let builder = builder
                .dangerous()
                .with_custom_certificate_verifier(verifier);
            let config = match &self.identity {
                None => builder.with_no_client_auth(),
                Some((cert, key)) => {
                    let cert = cert.load("client certificate")?;
                    let key = key.load("client key")?;
                    let chain = CertificateDer::pem_slice_iter(&cert)
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .map_err(|e| {
                            Error::invalid_input(format!(
                                "TLS client certificate is not valid PEM: {e}"
                            ))
                        })?;
                    let key = PrivateKeyDer::from_pem_slice(&key).map_err(|e| {
                        Error::invalid_input(format!(
                            "TLS client key is not a valid PEM private key: {e}"
                        ))
                    })?;
                    builder.with_client_auth_cert(chain, key).map_err(|e| {
                        Error::invalid_input(format!(
                            "TLS client certificate and key do not fit: {e}"
                        ))
                    })?
                }
            };
            Ok(config)
        }
    }

    /// A TLS configuration that trusts nothing, for clients that never speak
    /// TLS: the HTTP client needs one when it is built, and the process-wide
    /// default crypto provider is left alone.
    pub(crate) fn unused_config() -> Result<rustls::ClientConfig> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        Ok(rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::transport("configuring TLS", e))?
            .with_root_certificates(RootCertStore::empty())
            .with_no_client_auth())
    }

    /// Verifies the chain but accepts any host name in it.
    #[derive(Debug)]
    struct AnyHostname(Arc<dyn ServerCertVerifier>);

    impl ServerCertVerifier for AnyHostname {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp: &[u8],
            now: UnixTime,
        ) -> std::result::Result<ServerCertVerified, rustls::Error> {
            match self
                .0
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
            {
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                )) => Ok(ServerCertVerified::assertion()),
                other => other,
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.supported_verify_schemes()
        }
    }

    /// Accepts any certificate (verification switched off); handshake
    /// signatures are still checked.
    #[derive(Debug)]
    struct NoVerification(Arc<rustls::crypto::CryptoProvider>);

    impl ServerCertVerifier for NoVerification {
        fn verify_server_cert(
            &self,
            _: &CertificateDer<'_>,
            _: &[CertificateDer<'_>],
            _: &ServerName<'_>,
            _: &[u8],
            _: UnixTime,
        ) -> std::result::Result<ServerCertVerified, rustls::Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }
}
