//! AWS KMS master keys through the official AWS SDK for Rust (`aws-config`, `aws-sdk-kms`),
//! as sops uses them: the data key is encrypted with `Encrypt` under the key's ARN and
//! encryption context and stored base64; the region comes from the ARN.
//!
//! Credentials and settings come from the standard AWS chain (environment, shared config and
//! credentials files, `aws_profile`, web identity, SSO, the instance role); a `role` is assumed
//! through STS first. The endpoint can be overridden with `AWS_ENDPOINT_URL_KMS` or
//! `AWS_ENDPOINT_URL` (the SDK reads them). Connections and calls time out in seconds so that a
//! dead endpoint fails quickly.
//!
//! The SDK is asynchronous: calls run on one small tokio runtime shared by the process, and the
//! clients (one per region, profile and role) are kept for the next key.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_kms::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_kms::primitives::Blob;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::master::{KmsKey, KmsRecipient, kms_region};

/// How long to wait for a TCP (and TLS) connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long one attempt of a call may take, and all attempts together.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(12);
/// Attempts per call (the first and one retry).
const MAX_ATTEMPTS: u32 = 2;

/// What went wrong with KMS. Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KmsError {
    #[error("invalid KMS key ARN {0:?}")]
    Arn(String),
    #[error("the wrapped data key is not base64")]
    Base64,
    #[error("cannot start the AWS client runtime: {0}")]
    Runtime(String),
    #[error("AWS KMS {operation} failed: {reason}")]
    Call {
        operation: &'static str,
        reason: String,
    },
    #[error("AWS KMS returned no data")]
    Empty,
}

type ClientKey = (String, Option<String>, Option<String>);

struct Kms {
    runtime: tokio::runtime::Runtime,
    clients: Mutex<HashMap<ClientKey, aws_sdk_kms::Client>>,
    /// Clients whose endpoint could not be reached, and why: not tried again in this process
    /// (so that `rotate --all` or a history scan does not wait for a dead endpoint per file).
    unreachable: Mutex<HashMap<ClientKey, String>>,
}

static KMS: OnceLock<Result<Kms, String>> = OnceLock::new();

fn kms() -> Result<&'static Kms, KmsError> {
    KMS.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|runtime| Kms {
                runtime,
                clients: Mutex::new(HashMap::new()),
                unreachable: Mutex::new(HashMap::new()),
            })
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| KmsError::Runtime(e.clone()))
}

/// The STS session name when a role is assumed: `veil@HOST`, as sops uses `sops@HOST`.
fn session_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let host: String = host
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "=,.@-_".contains(*c))
        .collect();
    let mut name = format!("veil@{host}");
    name.truncate(64);
    name
}

impl Kms {
    async fn make_client(
        region: String,
        profile: Option<String>,
        role: Option<String>,
    ) -> aws_sdk_kms::Client {
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(aws_config::Region::new(region))
            .http_client(http)
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .read_timeout(ATTEMPT_TIMEOUT)
                    .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                    .operation_timeout(OPERATION_TIMEOUT)
                    .build(),
            )
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(MAX_ATTEMPTS)
                    .with_max_backoff(Duration::from_secs(2)),
            );
        if let Some(p) = profile {
            loader = loader.profile_name(p);
        }
        let conf = loader.load().await;
        let conf = match role {
            None => conf,
            Some(role) => {
                let provider = aws_config::sts::AssumeRoleProvider::builder(role)
                    .session_name(session_name())
                    .configure(&conf)
                    .build()
                    .await;
                conf.into_builder()
                    .credentials_provider(aws_sdk_kms::config::SharedCredentialsProvider::new(
                        provider,
                    ))
                    .build()
            }
        };
        aws_sdk_kms::Client::new(&conf)
    }

    /// Runs one call on the runtime; an endpoint that cannot be reached is remembered.
    fn call<T, E, R>(
        &self,
        target: &ClientKey,
        operation: &'static str,
        fut: impl std::future::Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<T, KmsError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        let lock = |m: &'static str| KmsError::Runtime(m.to_string());
        if let Some(why) = self
            .unreachable
            .lock()
            .map_err(|_| lock("poisoned"))?
            .get(target)
        {
            return Err(KmsError::Call {
                operation,
                reason: format!("not tried again: {why}"),
            });
        }
        match self.runtime.block_on(fut) {
            Ok(v) => Ok(v),
            Err(e) => {
                let unreachable = match &e {
                    SdkError::TimeoutError(_) => true,
                    SdkError::DispatchFailure(d) => d.is_io() || d.is_timeout(),
                    _ => false,
                };
                let err = call_error(operation, e);
                if unreachable && let KmsError::Call { reason, .. } = &err {
                    self.unreachable
                        .lock()
                        .map_err(|_| lock("poisoned"))?
                        .insert(target.clone(), reason.clone());
                }
                Err(err)
            }
        }
    }

    fn client(
        &self,
        arn: &str,
        profile: Option<&str>,
        role: Option<&str>,
    ) -> Result<(ClientKey, aws_sdk_kms::Client), KmsError> {
        let region = kms_region(arn).ok_or_else(|| KmsError::Arn(arn.to_string()))?;
        let key: ClientKey = (
            region.to_string(),
            profile.filter(|p| !p.is_empty()).map(String::from),
            role.filter(|r| !r.is_empty()).map(String::from),
        );
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = clients.get(&key) {
            return Ok((key, c.clone()));
        }
        let client = self.runtime.block_on(Self::make_client(
            key.0.clone(),
            key.1.clone(),
            key.2.clone(),
        ));
        clients.insert(key.clone(), client.clone());
        Ok((key, client))
    }
}

/// An error and its causes, one line, without repeating a cause its parent already says.
fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(e);
    while let Some(err) = next {
        let text = err.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = err.source();
    }
    parts.join(": ")
}

fn call_error<E, R>(operation: &'static str, e: SdkError<E, R>) -> KmsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let reason = match &e {
        SdkError::ServiceError(s) => {
            let err = s.err();
            let hint = match err.code() {
                Some("InvalidCiphertextException") => {
                    " (a wrong encryption context, or a ciphertext of another key)"
                }
                Some("NotFoundException") => " (no such key in this account and region)",
                Some("AccessDeniedException") => " (the credentials may not use this key)",
                _ => "",
            };
            match (err.code(), err.message()) {
                (Some(c), Some(m)) => format!("{c}: {m}{hint}"),
                (Some(c), None) => format!("{c}{hint}"),
                _ => DisplayErrorContext(&e).to_string(),
            }
        }
        SdkError::TimeoutError(_) => format!(
            "no answer within {} s (is the KMS endpoint reachable?)",
            OPERATION_TIMEOUT.as_secs()
        ),
        SdkError::DispatchFailure(d) if d.is_timeout() => format!(
            "no connection within {} s (is the KMS endpoint reachable?)",
            CONNECT_TIMEOUT.as_secs()
        ),
        SdkError::DispatchFailure(d) if d.is_io() => {
            format!("cannot reach the KMS endpoint: {}", causes(&e))
        }
        _ => {
            let text = causes(&e);
            if text.contains("no providers in chain provided credentials") {
                "no AWS credentials found (environment, shared credentials and config files, profile, web identity, SSO or instance role)".to_string()
            } else {
                text
            }
        }
    };
    let one_line: String = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    KmsError::Call {
        operation,
        reason: one_line,
    }
}

fn context_map(context: &[(String, String)]) -> Option<HashMap<String, String>> {
    (!context.is_empty()).then(|| context.iter().cloned().collect())
}

/// Encrypts `secret` under the KMS key; returns the base64 ciphertext blob.
pub fn encrypt(key: &KmsRecipient, secret: &[u8]) -> Result<String, KmsError> {
    let kms = kms()?;
    let (target, client) = kms.client(&key.arn, key.aws_profile.as_deref(), key.role.as_deref())?;
    let call = client
        .encrypt()
        .key_id(&key.arn)
        .plaintext(Blob::new(secret.to_vec()))
        .set_encryption_context(context_map(&key.context));
    let out = kms.call(&target, "Encrypt", call.send())?;
    let blob = out.ciphertext_blob().ok_or(KmsError::Empty)?;
    Ok(STANDARD.encode(blob.as_ref()))
}

/// Decrypts the data key (or share) a KMS master key wraps.
pub fn decrypt(key: &KmsKey) -> Result<Zeroizing<Vec<u8>>, KmsError> {
    let blob = STANDARD
        .decode(key.enc.trim())
        .map_err(|_| KmsError::Base64)?;
    let kms = kms()?;
    let (target, client) = kms.client(&key.arn, key.aws_profile.as_deref(), key.role.as_deref())?;
    let call = client
        .decrypt()
        .key_id(&key.arn)
        .ciphertext_blob(Blob::new(blob))
        .set_encryption_context(context_map(&key.context));
    let out = kms.call(&target, "Decrypt", call.send())?;
    let plain = out.plaintext().ok_or(KmsError::Empty)?;
    Ok(Zeroizing::new(plain.as_ref().to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_are_short_and_clean() {
        let n = session_name();
        assert!(n.starts_with("veil@") && n.len() <= 64, "{n}");
        assert!(
            n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "=,.@-_".contains(c))
        );
    }

    #[test]
    fn bad_blob_and_arn_fail_before_any_call() {
        let mut key = KmsKey {
            arn: "arn:aws:kms:us-east-1:123456789012:key/x".into(),
            role: None,
            context: vec![],
            aws_profile: None,
            created_at: String::new(),
            enc: "%%%".into(),
            extra: vec![],
        };
        assert_eq!(decrypt(&key).unwrap_err(), KmsError::Base64);
        key.arn = "not-an-arn".into();
        key.enc = "AAAA".into();
        assert!(matches!(decrypt(&key).unwrap_err(), KmsError::Arn(_)));
    }
}
