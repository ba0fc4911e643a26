//! The layout record: how veil gives back the original bytes on decryption.
//!
//! sops stores a value's *canonical* plaintext (`493` for YAML `0755`, `True` for `true`), and a
//! store's default rendering of a decrypted value is not always the text the user wrote. Most of
//! the difference is carried by the encrypted document itself: a store writes an `ENC[…]` value
//! in the quoting style of the original (a double-quoted YAML scalar becomes `"ENC[…]"`, which
//! reads the same for sops) and renders the decrypted value in the style it finds. What that
//! cannot carry (escapes, number bases, block-scalar headers, aliases…) veil records: the
//! original text, keyed by the GCM tag of the value's ciphertext, in one extra metadata field
//! (`veil_layout`) that sops ignores.
//!
//! On disk `veil_layout` is a mapping from a record id (the value's tag without its base64
//! padding; `_a` appended for an alias) to the record's text encrypted under the data key, with
//! the id in the additional data, so that a record can only ever apply to its own value. The
//! records stand in document order, and a record whose value and text did not change keeps its
//! ciphertext: an edit changes only the lines of the records of the values it changed.
//! A value that changes gets a new ciphertext, so a stale record can never apply to it.
//!
//! Files written before this layout carry `veil_layout` as one encrypted JSON object (tag →
//! text, `alias:tag` → alias); they are still read.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::crypto::cipher;
use crate::pipeline::tree::Scalar;

/// Additional data of a record (followed by its id), and of the whole record of older files.
const AAD: &str = "veil_layout:";

/// Suffix of the id of an alias record (`_` is not a base64 character).
const ALIAS: &str = "_a";

/// Starts the plaintext of every record, so that an empty text still encrypts to a value with
/// data (sops's value format needs some).
const LEAD: &str = "=";

#[derive(Default, Debug, Clone, PartialEq)]
pub struct LosslessRecord {
    /// Record id → original text, in document order.
    entries: Vec<(String, String)>,
    /// Position of each id in `entries`.
    index: HashMap<String, usize>,
}

/// The record id of a value's tag.
fn id_of(tag: &str) -> &str {
    tag.trim_end_matches('=')
}

impl LosslessRecord {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    fn put(&mut self, id: String, text: String) {
        match self.index.get(&id) {
            Some(&i) => self.entries[i].1 = text,
            None => {
                self.index.insert(id.clone(), self.entries.len());
                self.entries.push((id, text));
            }
        }
    }

    fn lookup(&self, id: &str) -> Option<&String> {
        self.index.get(id).map(|&i| &self.entries[i].1)
    }

    /// Records the original text of the value whose ciphertext has the GCM tag `tag`.
    pub fn insert(&mut self, tag: &str, original: String) {
        self.put(id_of(tag).to_string(), original);
    }

    /// The original text of the value with the GCM tag `tag`.
    pub fn get(&self, tag: &str) -> Option<&String> {
        self.lookup(id_of(tag))
    }

    /// Records that the expansion whose first encrypted value has the tag `tag` was the alias
    /// `alias` (`*name`).
    pub fn insert_alias(&mut self, tag: &str, alias: String) {
        self.put(format!("{}{ALIAS}", id_of(tag)), alias);
    }

    /// The alias an expansion stood for, by the tag of its first encrypted value.
    pub fn get_alias(&self, tag: &str) -> Option<&String> {
        if self.index.is_empty() {
            return None;
        }
        self.lookup(&format!("{}{ALIAS}", id_of(tag)))
    }

    /// Whether the record holds aliases (decryption then needs the whole tree).
    pub fn has_aliases(&self) -> bool {
        self.entries.iter().any(|(id, _)| id.ends_with(ALIAS))
    }

    /// Encrypts the records for the metadata (None when there is nothing to record). A record
    /// that `previous` (the `veil_layout` read from the file) already holds with the same text
    /// keeps its ciphertext, so that an unchanged file stays byte-identical and an edit changes
    /// only the records of the values it changed.
    pub fn seal(&self, key: &[u8; 32], previous: Option<&Value>) -> Option<Value> {
        if self.entries.is_empty() {
            return None;
        }
        let old = previous.and_then(Value::as_object);
        let vc = cipher::ValueCipher::new(key);
        let mut out = Map::new();
        for (id, text) in &self.entries {
            let aad = format!("{AAD}{id}");
            let kept = old
                .and_then(|o| o.get(id))
                .and_then(Value::as_str)
                .filter(|sealed| {
                    vc.decrypt_bytes(sealed, aad.as_bytes())
                        .is_ok_and(|(bytes, _)| {
                            bytes.strip_prefix(LEAD.as_bytes()) == Some(text.as_bytes())
                        })
                });
            let sealed = match kept {
                Some(s) => s.to_string(),
                None => cipher::encrypt(key, &Scalar::Str(format!("{LEAD}{text}")), aad.as_bytes()),
            };
            out.insert(id.clone(), Value::String(sealed));
        }
        Some(Value::Object(out))
    }

    /// Decrypts a record read from the metadata (either form).
    pub fn open(key: &[u8; 32], sealed: &Value) -> Result<LosslessRecord, cipher::CipherError> {
        let invalid = || cipher::CipherError::Type("layout record is not valid".into());
        let mut record = LosslessRecord::default();
        match sealed {
            Value::String(s) => {
                // The older form: one encrypted JSON object.
                let (bytes, _) = cipher::decrypt_bytes(key, s, AAD.as_bytes())?;
                let entries: Map<String, Value> =
                    serde_json::from_slice(&bytes).map_err(|_| invalid())?;
                for (k, v) in entries {
                    let text = v.as_str().ok_or_else(invalid)?.to_string();
                    match k.strip_prefix("alias:") {
                        Some(tag) => record.insert_alias(tag, text),
                        None => record.insert(&k, text),
                    }
                }
            }
            Value::Object(m) => {
                let vc = cipher::ValueCipher::new(key);
                for (id, v) in m {
                    let s = v.as_str().ok_or_else(invalid)?;
                    let aad = format!("{AAD}{id}");
                    let (bytes, _) = vc.decrypt_bytes(s, aad.as_bytes())?;
                    let text = bytes
                        .strip_prefix(LEAD.as_bytes())
                        .and_then(|t| String::from_utf8(t.to_vec()).ok())
                        .ok_or_else(invalid)?;
                    record.put(id.clone(), text);
                }
            }
            // An empty record (dotenv and INI flatten an empty mapping away).
            Value::Null => {}
            _ => return Err(invalid()),
        }
        Ok(record)
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
        l.insert("tag1==", "0755".into());
        l.insert("tag0==", String::new());
        let sealed = l.seal(&key, None).unwrap();
        assert_eq!(LosslessRecord::open(&key, &sealed).unwrap(), l);
        assert_eq!(l.seal(&key, Some(&sealed)).unwrap(), sealed);
        assert_eq!(l.get("tag1==").map(String::as_str), Some("0755"));
        // A new record leaves the ciphertext of the others alone.
        l.insert("tag2==", "'x'".into());
        let again = l.seal(&key, Some(&sealed)).unwrap();
        assert_ne!(again, sealed);
        assert_eq!(again["tag1"], sealed["tag1"]);
        assert_eq!(
            again.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["tag1", "tag0", "tag2"]
        );
    }

    #[test]
    fn a_record_opens_only_under_its_own_id() {
        let key = [4u8; 32];
        let mut l = LosslessRecord::default();
        l.insert("aaaa==", "first".into());
        l.insert("bbbb==", "second".into());
        let sealed = l.seal(&key, None).unwrap();
        let mut swapped = Map::new();
        swapped.insert("aaaa".into(), sealed["bbbb"].clone());
        assert!(LosslessRecord::open(&key, &Value::Object(swapped)).is_err());
    }

    #[test]
    fn reads_the_older_single_record_form() {
        let key = [5u8; 32];
        let json = r#"{"tagA==":"0755","alias:tagB==":"*anchor"}"#;
        let sealed = cipher::encrypt(&key, &Scalar::Str(json.into()), AAD.as_bytes());
        let l = LosslessRecord::open(&key, &Value::String(sealed)).unwrap();
        assert_eq!(l.get("tagA==").map(String::as_str), Some("0755"));
        assert_eq!(l.get_alias("tagB==").map(String::as_str), Some("*anchor"));
        assert!(l.has_aliases());
        assert_eq!(l.get("tagB=="), None);
    }
}
