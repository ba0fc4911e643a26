//! Every key source together, behind one wrap/unwrap interface: age identities (discovered as
//! sops discovers them), PGP through gpg and AWS KMS. [`Wrapper`] wraps a data key for a
//! [`Recipient`]; [`Keyring`] also opens [`MasterKey`]s, and tells in which order to try them.

use std::sync::OnceLock;

use zeroize::Zeroizing;

use super::identities::{Env, Identities};
use super::master::{AgeKey, KeyKind, MasterKey, PgpKey, Recipient};
use super::pgp::Gpg;
use crate::pipeline::tree::format_time;

/// The order in which key kinds are tried when a data key is opened (`--decryption-order`,
/// `SOPS_DECRYPTION_ORDER`). Kinds not listed come after the listed ones, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecryptionOrder(Vec<KeyKind>);

/// An invalid `--decryption-order`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("duplicate key type {0:?} in the decryption order")]
    Duplicate(String),
    #[error(
        "unknown key type {0:?} in the decryption order (known: age, pgp, kms, gcp_kms, azure_kv, hc_vault, hckms)"
    )]
    Unknown(String),
}

impl Default for DecryptionOrder {
    /// Local keys first: age (and age plugins), then PGP, then the network services.
    fn default() -> Self {
        DecryptionOrder(vec![KeyKind::Age, KeyKind::Pgp, KeyKind::Kms])
    }
}

impl DecryptionOrder {
    /// Parses a comma-separated list of key types, as sops does (a duplicate is an error).
    pub fn parse(s: &str) -> Result<DecryptionOrder, OrderError> {
        if s.trim().is_empty() {
            return Ok(DecryptionOrder::default());
        }
        let mut out = Vec::new();
        for name in s.split(',').map(str::trim) {
            let kind = KeyKind::from_name(name).ok_or_else(|| OrderError::Unknown(name.into()))?;
            if out.contains(&kind) {
                return Err(OrderError::Duplicate(name.into()));
            }
            out.push(kind);
        }
        Ok(DecryptionOrder(out))
    }

    fn rank(&self, kind: KeyKind) -> usize {
        self.0
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(self.0.len())
    }

    /// `keys` in the order to try them (stable: keys of one kind keep their file order).
    pub fn sort<'a>(&self, keys: &'a [MasterKey]) -> Vec<&'a MasterKey> {
        let mut out: Vec<&MasterKey> = keys.iter().collect();
        out.sort_by_key(|k| self.rank(k.kind()));
        out
    }
}

/// Something that can open master keys: the [`Keyring`] of the process in production.
pub trait KeySource {
    /// Opens one master key: the data key (or Shamir share) it wraps, or why it could not.
    /// Messages never contain key material.
    fn open(&self, key: &MasterKey) -> Result<Zeroizing<Vec<u8>>, String>;
    /// Every place that was looked at for age identities, for the error message.
    fn searched(&self) -> Vec<String>;
    /// The order in which key kinds are tried.
    fn order(&self) -> DecryptionOrder {
        DecryptionOrder::default()
    }
}

static ORDER: OnceLock<DecryptionOrder> = OnceLock::new();

/// Sets the decryption order of this process (the command line does, once, from
/// `--decryption-order` / `SOPS_DECRYPTION_ORDER`).
pub fn set_decryption_order(order: DecryptionOrder) {
    let _ = ORDER.set(order);
}

fn decryption_order() -> DecryptionOrder {
    ORDER.get().cloned().unwrap_or_default()
}

/// A key could not be wrapped for a recipient.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WrapError {
    /// veil cannot use this kind of key.
    #[error("{recipient}: {why}")]
    Unusable { recipient: String, why: String },
    /// The key source failed (gpg, KMS, an age plugin).
    #[error("{recipient}: {reason}")]
    Failed { recipient: String, reason: String },
}

/// Wraps data keys (or shares) for recipients of every usable kind.
#[derive(Clone, Debug)]
pub struct Wrapper {
    gpg: Gpg,
}

impl Wrapper {
    /// gpg and AWS settings of the process environment.
    pub fn from_process() -> Wrapper {
        Wrapper {
            gpg: Gpg::from_process(),
        }
    }

    pub fn with_gpg(gpg: Gpg) -> Wrapper {
        Wrapper { gpg }
    }

    /// Wraps `secret` for `recipient`; the master key records when (`created_at`).
    pub fn wrap(&self, recipient: &Recipient, secret: &[u8]) -> Result<MasterKey, WrapError> {
        let failed = |reason: String| WrapError::Failed {
            recipient: recipient.describe(),
            reason,
        };
        match recipient {
            Recipient::Age(r) => {
                let enc = super::age::wrap(r, secret).map_err(|e| failed(e.to_string()))?;
                Ok(MasterKey::Age(AgeKey {
                    recipient: r.as_str().to_string(),
                    enc,
                }))
            }
            Recipient::Pgp(r) => {
                let enc = self
                    .gpg
                    .encrypt(&r.fp, secret)
                    .map_err(|e| failed(e.to_string()))?;
                Ok(MasterKey::Pgp(PgpKey {
                    fp: r.fp.clone(),
                    created_at: now(),
                    enc,
                    extra: Vec::new(),
                }))
            }
            #[cfg(feature = "aws-kms")]
            Recipient::Kms(r) => {
                let enc = super::kms::encrypt(r, secret).map_err(|e| failed(e.to_string()))?;
                Ok(MasterKey::Kms(super::master::KmsKey {
                    arn: r.arn.clone(),
                    role: r.role.clone(),
                    context: r.context.clone(),
                    aws_profile: Some(r.aws_profile.clone().unwrap_or_default()),
                    created_at: now(),
                    enc,
                    extra: Vec::new(),
                }))
            }
            other => Err(WrapError::Unusable {
                recipient: other.describe(),
                why: other.kind().why_unusable().to_string(),
            }),
        }
    }
}

fn now() -> String {
    let t = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("0 is a valid nanosecond");
    format_time(t)
}

/// Every key source of the process: the discovered age identities (or why discovery failed,
/// reported only if no key opens), gpg, AWS KMS, and the decryption order.
pub struct Keyring {
    age: Result<Identities, String>,
    wrapper: Wrapper,
    order: DecryptionOrder,
}

impl Keyring {
    /// The sources of the process environment.
    pub fn from_process() -> Keyring {
        Keyring {
            age: Identities::discover(&Env::from_process()).map_err(|e| e.to_string()),
            wrapper: Wrapper::from_process(),
            order: decryption_order(),
        }
    }

    /// Given age identities and gpg settings (tests, `--identity`-like uses).
    pub fn new(age: Identities, gpg: Gpg, order: DecryptionOrder) -> Keyring {
        Keyring {
            age: Ok(age),
            wrapper: Wrapper::with_gpg(gpg),
            order,
        }
    }

    pub fn wrapper(&self) -> &Wrapper {
        &self.wrapper
    }
}

impl KeySource for Keyring {
    fn open(&self, key: &MasterKey) -> Result<Zeroizing<Vec<u8>>, String> {
        match key {
            MasterKey::Age(k) => match &self.age {
                Ok(ids) => match ids.unwrap(&k.recipient, &k.enc) {
                    Ok(Some(secret)) => Ok(secret),
                    Ok(None) => Err("no age identity matches".to_string()),
                    Err(e) => Err(e.to_string()),
                },
                Err(e) => Err(format!("age identity discovery failed: {e}")),
            },
            MasterKey::Pgp(k) => self.wrapper.gpg.decrypt(&k.enc).map_err(|e| e.to_string()),
            #[cfg(feature = "aws-kms")]
            MasterKey::Kms(k) => super::kms::decrypt(k).map_err(|e| e.to_string()),
            other => Err(format!("not tried: {}", other.kind().why_unusable())),
        }
    }

    fn searched(&self) -> Vec<String> {
        match &self.age {
            Ok(ids) => ids.searched().to_vec(),
            Err(e) => vec![format!("identity discovery failed: {e}")],
        }
    }

    fn order(&self) -> DecryptionOrder {
        self.order.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decryption_order() {
        assert_eq!(
            DecryptionOrder::parse("").unwrap(),
            DecryptionOrder::default()
        );
        let o = DecryptionOrder::parse("pgp,age").unwrap();
        assert!(o.rank(KeyKind::Pgp) < o.rank(KeyKind::Age));
        assert_eq!(o.rank(KeyKind::Kms), 2);
        assert!(matches!(
            DecryptionOrder::parse("age,age"),
            Err(OrderError::Duplicate(_))
        ));
        assert!(matches!(
            DecryptionOrder::parse("age,foo"),
            Err(OrderError::Unknown(_))
        ));
        let d = DecryptionOrder::default();
        assert!(d.rank(KeyKind::Age) < d.rank(KeyKind::Pgp));
        assert!(d.rank(KeyKind::Pgp) < d.rank(KeyKind::Kms));
    }
}
