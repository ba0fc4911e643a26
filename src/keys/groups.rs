//! Key groups (docs/format.md §7): wrapping the data key for every master key of every group (Shamir
//! shares when there are several groups) and recovering it with the keys at hand, trying the
//! master keys of each group in the decryption order.

use zeroize::Zeroizing;

use crate::crypto::datakey::DataKey;
use crate::crypto::shamir::{self, ShamirError};
use crate::error::{Classify, Code, Failure};
pub use crate::keys::keyring::KeySource;
use crate::keys::keyring::{WrapError, Wrapper};
use crate::keys::master::{KeyKind, MasterKey, Recipient};
use crate::pipeline::metadata::{KeyGroup, Metadata};

/// Why the data key could not be wrapped for a file's key groups, or recovered from them.
#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    #[error("the file's master key {0} is not a valid recipient")]
    NotARecipient(String),
    #[error(
        "{what} names {names} key(s) ({keys}), which veil cannot wrap a data key for: {why}. Nothing was written; drop these keys (or use sops) and try again"
    )]
    Unusable {
        what: String,
        names: String,
        keys: String,
        why: String,
    },
    #[error("{0}")]
    UnusableKey(#[source] WrapError),
    #[error("cannot wrap the data key for {0}")]
    Wrap(#[source] WrapError),
    #[error(
        "no recipient to encrypt to: pass --age, --pgp or --kms, set SOPS_AGE_RECIPIENTS, SOPS_PGP_FP or SOPS_KMS_ARN, or add a creation rule to .sops.yaml"
    )]
    NoRecipient,
    #[error(
        "invalid Shamir threshold {threshold} for {groups} key groups (it must be between 2 and {groups})"
    )]
    Threshold { threshold: usize, groups: usize },
    #[error("Shamir split failed: {0}")]
    Split(#[source] ShamirError),
    /// No master key (or too few groups) opened: the message says what was tried.
    #[error("{0}")]
    NotRecovered(String),
    #[error("the {0} data key has the wrong length")]
    WrongLength(&'static str),
    #[error("cannot combine the key shares: {0}")]
    Combine(#[source] ShamirError),
}

impl Classify for GroupError {
    fn code(&self) -> Code {
        match self {
            GroupError::NotARecipient(_) | GroupError::NoRecipient => Code::NoEncryptionKey,
            GroupError::Unusable { .. } | GroupError::UnusableKey(_) => Code::UnusableKeyType,
            GroupError::Wrap(_) => Code::CouldNotWrapKey,
            GroupError::Threshold { .. } => Code::ConflictingParameters,
            GroupError::Split(_) => Code::Generic,
            GroupError::NotRecovered(_) | GroupError::WrongLength(_) | GroupError::Combine(_) => {
                Code::CouldNotRetrieveKey
            }
        }
    }
}

type Result<T> = std::result::Result<T, GroupError>;

/// The recipients of a new file: the master keys to wrap for, per key group, and the Shamir
/// threshold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recipients {
    pub groups: Vec<Vec<Recipient>>,
    pub threshold: Option<u32>,
}

impl Recipients {
    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(Vec::is_empty)
    }

    /// The master keys of a file as recipients (to wrap a new data key for them again).
    pub fn from_metadata(meta: &Metadata) -> Result<Recipients> {
        let groups = meta
            .key_groups
            .iter()
            .map(|g| {
                g.keys
                    .iter()
                    .map(|k| {
                        Recipient::of(k).ok_or_else(|| GroupError::NotARecipient(k.describe()))
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Recipients {
            groups,
            threshold: meta.shamir_threshold,
        })
    }

    /// Every recipient, with the index of its group.
    pub fn all(&self) -> impl Iterator<Item = (usize, &Recipient)> {
        self.groups
            .iter()
            .enumerate()
            .flat_map(|(i, g)| g.iter().map(move |r| (i, r)))
    }

    /// Fails (naming the kinds) when a recipient is of a kind veil cannot wrap for.
    pub fn require_usable(&self, what: &str) -> Result<()> {
        let unusable: Vec<&Recipient> = self
            .all()
            .map(|(_, r)| r)
            .filter(|r| !r.kind().usable())
            .collect();
        if unusable.is_empty() {
            return Ok(());
        }
        Err(unusable_keys(what, &unusable))
    }
}

/// The refusal for recipients veil cannot use, as a failure to report.
pub fn unusable_failure(what: &str, recipients: &[&Recipient]) -> Failure {
    unusable_keys(what, recipients).into()
}

/// The refusal for recipients veil cannot use: names each kind and key.
fn unusable_keys(what: &str, unusable: &[&Recipient]) -> GroupError {
    let mut kinds: Vec<KeyKind> = unusable.iter().map(|r| r.kind()).collect();
    kinds.sort();
    kinds.dedup();
    let mut names: Vec<String> = unusable
        .iter()
        .map(|r| match r {
            Recipient::Kept(k) => k.named.trim_start_matches('-').to_string(),
            other => other.kind().name().to_string(),
        })
        .collect();
    names.sort();
    names.dedup();
    let why = kinds
        .iter()
        .map(|k| k.why_unusable())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join("; ");
    let keys: Vec<String> = unusable.iter().map(|r| r.describe()).collect();
    GroupError::Unusable {
        what: what.to_string(),
        names: names.join(", "),
        keys: keys.join(", "),
        why,
    }
}

fn wrap_failure(e: WrapError) -> GroupError {
    match e {
        WrapError::Unusable { .. } => GroupError::UnusableKey(e),
        WrapError::Failed { .. } => GroupError::Wrap(e),
    }
}

/// Wraps `key` for every recipient, with the key sources of the process. One group: each
/// master key wraps the whole key. Several groups: group *i* gets Shamir share *i* (threshold
/// defaults to the number of groups).
pub fn wrap(recipients: &Recipients, key: &[u8; 32]) -> Result<(Vec<KeyGroup>, Option<u32>)> {
    wrap_with(&Wrapper::from_process(), recipients, key)
}

/// [`wrap`] with the given key sources.
pub fn wrap_with(
    wrapper: &Wrapper,
    recipients: &Recipients,
    key: &[u8; 32],
) -> Result<(Vec<KeyGroup>, Option<u32>)> {
    let groups: Vec<&Vec<Recipient>> = recipients.groups.iter().filter(|g| !g.is_empty()).collect();
    if groups.is_empty() {
        return Err(GroupError::NoRecipient);
    }
    recipients.require_usable("the key list")?;
    let wrap_group = |g: &Vec<Recipient>, secret: &[u8]| -> Result<KeyGroup> {
        let keys = g
            .iter()
            .map(|r| wrapper.wrap(r, secret).map_err(wrap_failure))
            .collect::<Result<Vec<_>>>()?;
        Ok(KeyGroup::new(keys))
    };
    if groups.len() == 1 {
        return Ok((vec![wrap_group(groups[0], key)?], None));
    }
    let n = groups.len();
    let t = recipients.threshold.map(|t| t as usize).unwrap_or(n);
    if t < 2 || t > n || n > 255 {
        return Err(GroupError::Threshold {
            threshold: t,
            groups: n,
        });
    }
    let shares = shamir::split(key, n, t).map_err(GroupError::Split)?;
    let mut out = Vec::with_capacity(n);
    for (g, share) in groups.iter().zip(shares.iter()) {
        out.push(wrap_group(g, share)?);
    }
    Ok((out, Some(t as u32)))
}

/// Opens one group: its master keys are tried in the decryption order until one opens.
/// Returns the group's secret, or what was tried and why each failed.
pub fn open_group(
    group: &KeyGroup,
    source: &dyn KeySource,
) -> std::result::Result<Zeroizing<Vec<u8>>, Vec<String>> {
    let mut tried = Vec::new();
    for key in source.order().sort(&group.keys) {
        if !key.kind().usable() {
            tried.push(format!(
                "{}: not tried ({})",
                key.describe(),
                key.kind().why_unusable()
            ));
            continue;
        }
        match source.open(key) {
            Ok(secret) => {
                tracing::debug!(key = %key.describe(), "a master key opened the data key");
                return Ok(secret);
            }
            Err(why) => tried.push(format!("{}: {why}", key.describe())),
        }
    }
    Err(tried)
}

/// The kinds a file holds, for messages: `age, pgp and gcp_kms`.
fn kinds_of(meta: &Metadata) -> (Vec<KeyKind>, Vec<KeyKind>) {
    let mut held: Vec<KeyKind> = meta
        .key_groups
        .iter()
        .flat_map(|g| g.keys.iter().map(MasterKey::kind))
        .collect();
    held.sort();
    held.dedup();
    let usable = held.iter().copied().filter(|k| k.usable()).collect();
    (held, usable)
}

fn names(kinds: &[KeyKind]) -> String {
    if kinds.is_empty() {
        return "none of them".to_string();
    }
    kinds
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Recovers the data key (docs/format.md §7.2, §7.3): in each group the first master key that opens gives
/// the group's part; with several groups, at least `shamir_threshold` parts are combined.
pub fn unwrap(meta: &Metadata, source: &dyn KeySource) -> Result<DataKey> {
    let mut parts: Vec<Zeroizing<Vec<u8>>> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let several = meta.key_groups.len() > 1;
    for (i, group) in meta.key_groups.iter().enumerate() {
        match open_group(group, source) {
            Ok(secret) => parts.push(secret),
            Err(tried) if several => {
                failures.push(format!("key group {}: {}", i + 1, tried.join("; ")))
            }
            Err(tried) => failures.extend(tried),
        }
    }
    let fail = |why: &str| {
        let (held, usable) = kinds_of(meta);
        let mut msg = format!("{why}. Tried: {}", failures.join("; "));
        if failures.is_empty() {
            msg = format!("{why}. The file lists no master key");
        }
        msg.push_str(&format!(
            ". The file holds {} keys; veil can use {}",
            names(&held),
            names(&usable)
        ));
        if held.contains(&KeyKind::Age) {
            let searched = source.searched();
            if !searched.is_empty() {
                msg.push_str(&format!(
                    ". age identities were looked for in: {}",
                    searched.join("; ")
                ));
            }
        }
        let mut hints = Vec::new();
        if held.contains(&KeyKind::Age) {
            hints.push("an age identity (e.g. SOPS_AGE_KEY_FILE=path/to/keys.txt)");
        }
        if held.contains(&KeyKind::Pgp) {
            hints.push("the PGP secret key in the GnuPG keyring (GNUPGHOME)");
        }
        if usable.contains(&KeyKind::Kms) {
            hints.push("AWS credentials that may use the KMS key");
        }
        if !hints.is_empty() {
            msg.push_str(&format!(". Provide {}", hints.join(", or ")));
        }
        GroupError::NotRecovered(msg)
    };
    if !several {
        let Some(part) = parts.into_iter().next() else {
            return Err(fail("no master key could open the data key"));
        };
        return DataKey::from_bytes(&part).map_err(|_| GroupError::WrongLength("decrypted"));
    }
    let threshold = meta.shamir_threshold.unwrap_or(0) as usize;
    if parts.len() < threshold.max(2) {
        return Err(fail(&format!(
            "only {} of the {} key groups could be opened and {} are needed",
            parts.len(),
            meta.key_groups.len(),
            threshold.max(2)
        )));
    }
    let key = shamir::combine(&parts).map_err(GroupError::Combine)?;
    DataKey::from_bytes(&key).map_err(|_| GroupError::WrongLength("combined"))
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::keys::keyring::DecryptionOrder;
    use crate::keys::master::{AgeKey, KeptKey, PgpKey};

    /// Opens only the keys named in `opens` (with `secret`), records what it was asked.
    struct Fake {
        opens: Vec<&'static str>,
        secret: Vec<u8>,
        order: DecryptionOrder,
        asked: RefCell<Vec<String>>,
    }

    impl KeySource for Fake {
        fn open(&self, key: &MasterKey) -> std::result::Result<Zeroizing<Vec<u8>>, String> {
            self.asked.borrow_mut().push(key.describe());
            if self.opens.contains(&key.id().as_str()) {
                Ok(Zeroizing::new(self.secret.clone()))
            } else {
                Err(format!("{} says no", key.kind()))
            }
        }
        fn searched(&self) -> Vec<String> {
            vec!["the fake".into()]
        }
        fn order(&self) -> DecryptionOrder {
            self.order.clone()
        }
    }

    fn group() -> KeyGroup {
        KeyGroup::new(vec![
            MasterKey::Pgp(PgpKey {
                fp: "FP1".into(),
                created_at: String::new(),
                enc: "p".into(),
                extra: vec![],
            }),
            MasterKey::Kept(KeptKey {
                kind: KeyKind::GcpKms,
                entry: serde_json::json!({"resource_id": "projects/p/k", "enc": "g"}),
            }),
            MasterKey::Age(AgeKey {
                recipient: "age1abc".into(),
                enc: "a".into(),
            }),
        ])
    }

    fn meta(groups: Vec<KeyGroup>) -> Metadata {
        Metadata {
            key_groups: groups,
            ..Metadata::default()
        }
    }

    #[test]
    fn keys_are_tried_in_the_decryption_order_until_one_opens() {
        let fake = Fake {
            opens: vec!["FP1", "age1abc"],
            secret: vec![4; 32],
            order: DecryptionOrder::default(),
            asked: RefCell::new(vec![]),
        };
        let key = unwrap(&meta(vec![group()]), &fake).unwrap();
        assert_eq!(key.as_bytes(), &[4; 32]);
        assert_eq!(*fake.asked.borrow(), ["age: age1abc"]);

        let fake = Fake {
            order: DecryptionOrder::parse("pgp,age").unwrap(),
            ..fake
        };
        fake.asked.borrow_mut().clear();
        unwrap(&meta(vec![group()]), &fake).unwrap();
        assert_eq!(*fake.asked.borrow(), ["pgp: FP1"]);
    }

    #[test]
    fn the_error_lists_every_key_and_the_kinds() {
        let fake = Fake {
            opens: vec![],
            secret: vec![],
            order: DecryptionOrder::default(),
            asked: RefCell::new(vec![]),
        };
        let e = Failure::from(unwrap(&meta(vec![group()]), &fake).unwrap_err());
        assert_eq!(e.code, Code::CouldNotRetrieveKey);
        let m = &e.message;
        for part in [
            "age: age1abc: age says no",
            "pgp: FP1: pgp says no",
            "gcp_kms: projects/p/k: not tried",
            "The file holds age, pgp, gcp_kms keys; veil can use age, pgp",
            "looked for in: the fake",
        ] {
            assert!(m.contains(part), "{part:?} not in {m}");
        }
        // the kept key is never handed to the source
        assert_eq!(fake.asked.borrow().len(), 2);
        assert!(!m.contains('\n'));

        // two groups, threshold 2, one opens: the failing group is named
        let fake = Fake {
            opens: vec!["age1abc"],
            secret: vec![1; 33],
            ..fake
        };
        let mut m2 = meta(vec![
            group(),
            KeyGroup::new(vec![MasterKey::Pgp(PgpKey {
                fp: "FP2".into(),
                created_at: String::new(),
                enc: "q".into(),
                extra: vec![],
            })]),
        ]);
        m2.shamir_threshold = Some(2);
        let e = Failure::from(unwrap(&m2, &fake).unwrap_err());
        assert!(
            e.message.contains("only 1 of the 2 key groups"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("key group 2: pgp: FP2: pgp says no"),
            "{}",
            e.message
        );
    }
}
