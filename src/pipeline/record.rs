//! The layout record: how veil gives back the original bytes on decryption.
//!
//! sops stores a value's *canonical* plaintext (`493` for YAML `0755`, `True` for `true`), and a
//! store's default rendering of a decrypted value (plain or double-quoted scalars, literal
//! blocks…) is not always the text the user wrote. When they differ, veil records the original
//! text, keyed by the GCM tag of the value's ciphertext, in one extra metadata field
//! (`veil_layout`), itself encrypted under the data key. sops ignores unknown metadata fields.
//! A value that changes gets a new ciphertext, so a stale entry can never apply to it: it is
//! simply unused and dropped on the next write.

use std::collections::BTreeMap;

use crate::crypto::cipher;
use crate::pipeline::tree::Scalar;

/// Additional data of the encrypted layout record.
const AAD: &[u8] = b"veil_layout:";

#[derive(Default, Debug, Clone, PartialEq)]
pub struct LosslessRecord {
    /// GCM tag (as written, base64) → original text of the leaf.
    entries: BTreeMap<String, String>,
}

impl LosslessRecord {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn insert(&mut self, tag: &str, original: String) {
        self.entries.insert(tag.to_string(), original);
    }

    pub fn get(&self, tag: &str) -> Option<&String> {
        self.entries.get(tag)
    }

    /// Whether the record holds entries whose key starts with `prefix` (e.g. `alias:`).
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.entries
            .range(prefix.to_string()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(prefix))
    }

    /// Keeps only the entries whose tags are still in use.
    pub fn retain_tags(&mut self, used: &std::collections::HashSet<String>) {
        self.entries.retain(|k, _| used.contains(k));
    }

    /// Encrypts the record for the metadata (None when there is nothing to record).
    /// `previous` is the encrypted record read from the file: when the content is unchanged its
    /// ciphertext is kept, so that an unchanged file stays byte-identical.
    pub fn seal(&self, key: &[u8; 32], previous: Option<&str>) -> Option<String> {
        if self.entries.is_empty() {
            return None;
        }
        let json = serde_json::to_string(&self.entries).expect("a map of strings serialises");
        if let Some(prev) = previous
            && let Ok((bytes, _)) = cipher::decrypt_bytes(key, prev, AAD)
            && bytes.as_slice() == json.as_bytes()
        {
            return Some(prev.to_string());
        }
        Some(cipher::encrypt(key, &Scalar::Str(json), AAD))
    }

    /// Decrypts a record read from the metadata.
    pub fn open(key: &[u8; 32], sealed: &str) -> Result<LosslessRecord, cipher::CipherError> {
        let (bytes, type_name) = cipher::decrypt_bytes(key, sealed, AAD)?;
        if type_name != "str" {
            return Err(cipher::CipherError::Format);
        }
        let entries = serde_json::from_slice(&bytes)
            .map_err(|_| cipher::CipherError::Type("layout record is not valid".into()))?;
        Ok(LosslessRecord { entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_and_keep_ciphertext() {
        let key = [3u8; 32];
        let mut l = LosslessRecord::default();
        assert!(l.seal(&key, None).is_none());
        l.insert("tag1", "0755".into());
        let sealed = l.seal(&key, None).unwrap();
        assert_eq!(LosslessRecord::open(&key, &sealed).unwrap(), l);
        assert_eq!(l.seal(&key, Some(&sealed)).unwrap(), sealed);
        l.insert("tag2", "'x'".into());
        assert_ne!(l.seal(&key, Some(&sealed)).unwrap(), sealed);
    }
}
