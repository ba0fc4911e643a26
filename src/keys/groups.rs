//! Key groups (docs/format.md §7): wrapping the data key for every master key of every group (Shamir
//! shares when there are several groups) and recovering it with the identities at hand.

use zeroize::Zeroizing;

use crate::crypto::datakey::DataKey;
use crate::crypto::shamir;
use crate::error::{Code, Failure, Result};
use crate::pipeline::metadata::{AgeKey, KeyGroup, Metadata};

/// Something that can open age master keys: the discovered identities in production.
pub trait KeySource {
    /// Opens the armored age file `enc` of `recipient`; `Ok(None)` when no identity matches.
    fn open_age(
        &self,
        recipient: &str,
        enc: &str,
    ) -> std::result::Result<Option<Zeroizing<Vec<u8>>>, String>;
    /// Every place that was looked at for identities, for the error message.
    fn searched(&self) -> Vec<String>;
}

/// The recipients of a new file: age recipient strings per key group, and the Shamir threshold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recipients {
    pub groups: Vec<Vec<String>>,
    pub threshold: Option<u32>,
}

impl Recipients {
    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(Vec::is_empty)
    }

    pub fn from_metadata(meta: &Metadata) -> Recipients {
        Recipients {
            groups: meta
                .key_groups
                .iter()
                .map(|g| g.age.iter().map(|k| k.recipient.clone()).collect())
                .collect(),
            threshold: meta.shamir_threshold,
        }
    }
}

/// Wraps `key` for every recipient. One group: each master key wraps the whole key. Several
/// groups: group *i* gets Shamir share *i* (threshold defaults to the number of groups).
pub fn wrap(recipients: &Recipients, key: &[u8; 32]) -> Result<(Vec<KeyGroup>, Option<u32>)> {
    let groups: Vec<&Vec<String>> = recipients.groups.iter().filter(|g| !g.is_empty()).collect();
    if groups.is_empty() {
        return Err(Failure::new(
            Code::NoEncryptionKey,
            "no recipient to encrypt to: pass --age, set SOPS_AGE_RECIPIENTS, or add a creation rule to .sops.yaml",
        ));
    }
    let wrap_one = |recipient: &str, secret: &[u8]| -> Result<AgeKey> {
        let bad = |e: crate::keys::age::KeyError| {
            Failure::new(
                Code::NoEncryptionKey,
                format!("recipient {recipient:?}: {e}"),
            )
        };
        let parsed = crate::keys::age::AgeRecipient::parse(recipient).map_err(bad)?;
        let enc = crate::keys::age::wrap(&parsed, secret).map_err(bad)?;
        Ok(AgeKey {
            recipient: recipient.trim().to_string(),
            enc,
        })
    };
    if groups.len() == 1 {
        let age = groups[0]
            .iter()
            .map(|r| wrap_one(r, key))
            .collect::<Result<Vec<_>>>()?;
        return Ok((
            vec![KeyGroup {
                age,
                other: Vec::new(),
            }],
            None,
        ));
    }
    let n = groups.len();
    let t = recipients.threshold.map(|t| t as usize).unwrap_or(n);
    if t < 2 || t > n || n > 255 {
        return Err(Failure::new(
            Code::ConflictingParameters,
            format!(
                "invalid Shamir threshold {t} for {n} key groups (it must be between 2 and {n})"
            ),
        ));
    }
    let shares = shamir::split(key, n, t)
        .map_err(|e| Failure::new(Code::Generic, format!("Shamir split failed: {e}")))?;
    let mut out = Vec::with_capacity(n);
    for (g, share) in groups.iter().zip(shares.iter()) {
        let age = g
            .iter()
            .map(|r| wrap_one(r, share))
            .collect::<Result<Vec<_>>>()?;
        out.push(KeyGroup {
            age,
            other: Vec::new(),
        });
    }
    Ok((out, Some(t as u32)))
}

/// Recovers the data key (format §7.2, §7.3): in each group the first master key that opens gives
/// the group's part; with several groups, at least `shamir_threshold` parts are combined.
pub fn unwrap(meta: &Metadata, source: &dyn KeySource) -> Result<DataKey> {
    let mut parts: Vec<Zeroizing<Vec<u8>>> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for group in &meta.key_groups {
        for k in &group.age {
            match source.open_age(&k.recipient, &k.enc) {
                Ok(Some(secret)) => {
                    tracing::debug!(recipient = %k.recipient, "an age identity opened the data key");
                    parts.push(secret);
                    break;
                }
                Ok(None) => {}
                Err(e) => problems.push(format!("{}: {e}", k.recipient)),
            }
        }
    }
    let fail = |why: &str| {
        let mut msg = format!(
            "{why}. The file is encrypted to: {}",
            meta.describe_recipients().join(", ")
        );
        let searched = source.searched();
        if !searched.is_empty() {
            msg.push_str(&format!(
                ". Identities were looked for in: {}",
                searched.join("; ")
            ));
        }
        if !problems.is_empty() {
            msg.push_str(&format!(". Problems: {}", problems.join("; ")));
        }
        let mut other: Vec<&str> = meta
            .key_groups
            .iter()
            .flat_map(|g| g.other.iter().map(|(k, _)| k.as_str()))
            .collect();
        other.sort_unstable();
        other.dedup();
        if !other.is_empty() {
            msg.push_str(&format!(
                ". veil does not support {} master keys yet",
                other.join(", ")
            ));
        }
        msg.push_str(". Provide an identity of one of these recipients, e.g. with SOPS_AGE_KEY_FILE=path/to/keys.txt");
        Failure::new(Code::CouldNotRetrieveKey, msg)
    };
    if meta.key_groups.len() <= 1 {
        let Some(part) = parts.into_iter().next() else {
            return Err(fail("no identity could open the data key"));
        };
        return DataKey::from_bytes(&part).map_err(|_| {
            Failure::new(
                Code::CouldNotRetrieveKey,
                "the decrypted data key has the wrong length",
            )
        });
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
    let key = shamir::combine(&parts).map_err(|e| {
        Failure::new(
            Code::CouldNotRetrieveKey,
            format!("cannot combine the key shares: {e}"),
        )
    })?;
    DataKey::from_bytes(&key).map_err(|_| {
        Failure::new(
            Code::CouldNotRetrieveKey,
            "the combined data key has the wrong length",
        )
    })
}
