//! The `sops` metadata block (docs/format.md §9): the in-memory [`Metadata`] and its on-disk form, a
//! generic JSON-like value that every store reads and writes in its own syntax (nested for
//! YAML/JSON/TOML, flattened for dotenv/INI, §9.4).

use serde_json::{Map, Value};

use crate::crypto::auth::AUTH_FIELD;
use crate::pipeline::selector::{RULE_FIELDS, Rule};

pub use crate::keys::master::{AgeKey, KeyKind, MasterKey};

/// A key group: every master key in it wraps the same data key (or the same share).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeyGroup {
    /// The master keys, in the order the metadata lists them.
    pub keys: Vec<MasterKey>,
}

impl KeyGroup {
    pub fn new(keys: Vec<MasterKey>) -> KeyGroup {
        KeyGroup { keys }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The age master keys of the group.
    pub fn age(&self) -> impl Iterator<Item = &AgeKey> {
        self.keys.iter().filter_map(|k| match k {
            MasterKey::Age(a) => Some(a),
            _ => None,
        })
    }

    /// Human-readable identifiers of every master key (for error messages and status).
    pub fn describe(&self) -> Vec<String> {
        self.keys.iter().map(MasterKey::describe).collect()
    }
}

/// The name under which veil keeps its encrypted layout record (original lexemes), ignored by sops.
pub const LAYOUT_FIELD: &str = "veil_layout";

#[derive(Clone, Debug, Default)]
pub struct Metadata {
    pub key_groups: Vec<KeyGroup>,
    pub shamir_threshold: Option<u32>,
    pub lastmodified: String,
    /// The encrypted MAC (`ENC[...]`), or empty.
    pub mac: String,
    /// The selection rule as written (`(field, value)`), if any.
    pub rule: Option<(String, String)>,
    pub mac_only_encrypted: bool,
    pub version: String,
    /// veil's encrypted layout record (see `pipeline::record`): a mapping of encrypted records,
    /// or (files of older veil versions) one encrypted string.
    pub layout: Option<Value>,
    /// veil's whole-document authenticator (`veil_auth`, see `crypto::auth`), as written.
    pub auth: Option<String>,
    /// Unknown fields, kept so that a rewrite does not drop them.
    pub extra: Vec<(String, Value)>,
}

#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    #[error("sops metadata is not a mapping")]
    NotAMap,
    #[error("sops metadata field {0:?} is malformed")]
    Field(String),
    #[error("sops metadata has more than one selection rule ({0})")]
    SeveralRules(String),
    #[error("sops metadata has no version")]
    NoVersion,
    #[error("sops metadata version {0:?} is not MAJOR.MINOR.PATCH")]
    BadVersion(String),
    #[error("sops metadata lastmodified {0:?} is not an RFC 3339 time")]
    BadLastModified(String),
    #[error("sops metadata lists master keys both in key_groups and outside any group")]
    GroupsAndKeys,
    #[error("sops metadata field {0:?} appears twice")]
    Duplicate(String),
}

fn as_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => crate::pipeline::tree::parse_go_bool(s),
        _ => None,
    }
}

fn as_u32(v: &Value) -> Option<u32> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()).or_else(|| {
            let f = n.as_f64()?;
            (f.fract() == 0.0 && f >= 0.0 && f <= u32::MAX as f64).then_some(f as u32)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The list under `field` of `obj`: empty when absent or null, an error when it is not a list
/// (sops cannot read such metadata either).
fn list<'a>(obj: &'a Map<String, Value>, field: &str) -> Result<&'a [Value], MetadataError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(MetadataError::Field(field.to_string())),
    }
}

fn read_group(obj: &Map<String, Value>) -> Result<KeyGroup, MetadataError> {
    let mut g = KeyGroup::default();
    for kind in KeyKind::ALL {
        for entry in list(obj, kind.name())? {
            let key = MasterKey::from_entry(kind, entry).map_err(|e| MetadataError::Field(e.0))?;
            // Some old files carry empty placeholder entries (no key, nothing wrapped).
            if key.id().is_empty() && key.enc().is_empty() {
                continue;
            }
            g.keys.push(key);
        }
    }
    Ok(g)
}

impl Metadata {
    /// Reads metadata from its generic form (format §9.1, §9.2).
    pub fn from_value(v: &Value) -> Result<Metadata, MetadataError> {
        let obj = v.as_object().ok_or(MetadataError::NotAMap)?;
        let mut m = Metadata::default();
        let flat = read_group(obj)?;
        if !flat.is_empty() {
            // Which keys open the file must not depend on the reader (sops prefers key_groups).
            if !list(obj, "key_groups")?.is_empty() {
                return Err(MetadataError::GroupsAndKeys);
            }
            m.key_groups.push(flat);
        } else {
            for g in list(obj, "key_groups")? {
                let g = g
                    .as_object()
                    .ok_or_else(|| MetadataError::Field("key_groups".into()))?;
                m.key_groups.push(read_group(g)?);
            }
        }
        if let Some(t) = obj.get("shamir_threshold").filter(|v| !v.is_null()) {
            m.shamir_threshold =
                Some(as_u32(t).ok_or_else(|| MetadataError::Field("shamir_threshold".into()))?);
        }
        m.lastmodified = obj
            .get("lastmodified")
            .and_then(as_string)
            .unwrap_or_default();
        m.mac = obj.get("mac").and_then(as_string).unwrap_or_default();
        let mut rules: Vec<(String, String)> = Vec::new();
        for f in RULE_FIELDS {
            match obj.get(f) {
                None | Some(Value::Null) => {}
                Some(v) => {
                    let s = as_string(v).ok_or_else(|| MetadataError::Field(f.to_string()))?;
                    if !s.is_empty() {
                        rules.push((f.to_string(), s));
                    }
                }
            }
        }
        if rules.len() > 1 {
            let names: Vec<_> = rules.iter().map(|r| r.0.as_str()).collect();
            return Err(MetadataError::SeveralRules(names.join(", ")));
        }
        m.rule = rules.into_iter().next();
        m.mac_only_encrypted = match obj.get("mac_only_encrypted") {
            None | Some(Value::Null) => false,
            Some(v) => {
                as_bool(v).ok_or_else(|| MetadataError::Field("mac_only_encrypted".into()))?
            }
        };
        m.version = obj.get("version").and_then(as_string).unwrap_or_default();
        m.layout = match obj.get(LAYOUT_FIELD) {
            None | Some(Value::Null) => None,
            Some(v @ (Value::String(_) | Value::Object(_))) => Some(v.clone()),
            Some(_) => return Err(MetadataError::Field(LAYOUT_FIELD.into())),
        };
        m.auth = obj.get(AUTH_FIELD).and_then(as_string);
        let known = |k: &str| {
            k == "age"
                || k == "key_groups"
                || k == "shamir_threshold"
                || k == "lastmodified"
                || k == "mac"
                || k == "mac_only_encrypted"
                || k == "version"
                || k == LAYOUT_FIELD
                || k == AUTH_FIELD
                || KeyKind::from_name(k).is_some()
                || RULE_FIELDS.contains(&k)
        };
        m.extra = obj
            .iter()
            .filter(|(k, _)| !known(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(m)
    }

    /// Checks what sops checks before it decrypts (format §9.2).
    pub fn validate_for_decryption(&self) -> Result<(), MetadataError> {
        if self.version.is_empty() {
            return Err(MetadataError::NoVersion);
        }
        let parts: Vec<&str> = self.version.split('.').collect();
        // Each number must fit a u64, as sops parses them.
        let semver = parts.len() >= 3
            && parts[..3]
                .iter()
                .all(|p| p.chars().all(|c| c.is_ascii_digit()) && p.parse::<u64>().is_ok());
        if !semver {
            return Err(MetadataError::BadVersion(self.version.clone()));
        }
        if crate::crypto::mac::mac_aad(&self.lastmodified).is_none() {
            return Err(MetadataError::BadLastModified(self.lastmodified.clone()));
        }
        Ok(())
    }

    /// The selection rule, compiled.
    pub fn selection_rule(&self) -> Result<Rule, regex::Error> {
        match &self.rule {
            Some((field, value)) => Rule::from_field(field, value),
            None => Ok(Rule::default()),
        }
    }

    /// The on-disk form, keys sorted by name as sops 3.13 writes them (format §9.3).
    pub fn to_value(&self) -> Value {
        fn group_value(g: &KeyGroup, out: &mut Map<String, Value>) {
            for kind in KeyKind::ALL {
                let keys: Vec<Value> = g
                    .keys
                    .iter()
                    .filter(|k| k.kind() == kind)
                    .map(MasterKey::to_entry)
                    .collect();
                if !keys.is_empty() {
                    out.insert(kind.name().into(), Value::Array(keys));
                }
            }
        }
        let mut fields: Vec<(String, Value)> = Vec::new();
        let mut flat = Map::new();
        if self.key_groups.len() == 1 {
            group_value(&self.key_groups[0], &mut flat);
        } else if self.key_groups.len() > 1 {
            let groups = self
                .key_groups
                .iter()
                .map(|g| {
                    let mut m = Map::new();
                    group_value(g, &mut m);
                    Value::Object(m)
                })
                .collect();
            fields.push(("key_groups".into(), Value::Array(groups)));
        }
        fields.extend(flat);
        fields.push((
            "lastmodified".into(),
            Value::String(self.lastmodified.clone()),
        ));
        fields.push(("mac".into(), Value::String(self.mac.clone())));
        if self.mac_only_encrypted {
            fields.push(("mac_only_encrypted".into(), Value::Bool(true)));
        }
        if let Some(t) = self.shamir_threshold {
            fields.push(("shamir_threshold".into(), Value::from(t)));
        }
        if let Some((f, v)) = &self.rule {
            fields.push((f.clone(), Value::String(v.clone())));
        }
        if let Some(l) = &self.layout {
            fields.push((LAYOUT_FIELD.into(), l.clone()));
        }
        if let Some(a) = &self.auth {
            fields.push((AUTH_FIELD.into(), Value::String(a.clone())));
        }
        fields.push(("version".into(), Value::String(self.version.clone())));
        fields.extend(self.extra.iter().cloned());
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        Value::Object(fields.into_iter().collect())
    }

    /// Every recipient of the file, for messages.
    pub fn describe_recipients(&self) -> Vec<String> {
        self.key_groups.iter().flat_map(|g| g.describe()).collect()
    }
}

/// Flattens metadata for dotenv and INI (format §9.4): `age__list_0__map_enc`.
pub fn flatten(v: &Value) -> Vec<(String, String)> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}__map_{k}")
                    };
                    walk(&key, v, out);
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(&format!("{prefix}__list_{i}"), v, out);
                }
            }
            Value::Null => {}
            Value::String(s) => out.push((prefix.to_string(), s.clone())),
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    let mut out = Vec::new();
    walk("", v, &mut out);
    out
}

/// A key name for a message: its first 64 characters.
fn short(key: &str) -> String {
    match key.char_indices().nth(64) {
        Some((i, _)) => format!("{}…", &key[..i]),
        None => key.to_string(),
    }
}

/// Rebuilds nested metadata from flattened keys (format §9.4). Values stay strings; the metadata
/// reader converts numbers and booleans loosely.
pub fn unflatten(pairs: &[(String, String)]) -> Result<Value, MetadataError> {
    enum Step {
        Map(String),
        List(usize),
    }
    fn parse_key(key: &str) -> Result<(String, Vec<Step>), MetadataError> {
        let bad = || MetadataError::Field(short(key));
        let first_end = [key.find("__map_"), key.find("__list_")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(key.len());
        let head = key[..first_end].to_string();
        let mut rest = &key[first_end..];
        let mut steps = Vec::new();
        while !rest.is_empty() {
            let (is_map, body) = if let Some(b) = rest.strip_prefix("__map_") {
                (true, b)
            } else if let Some(b) = rest.strip_prefix("__list_") {
                (false, b)
            } else {
                return Err(bad());
            };
            let end = [body.find("__map_"), body.find("__list_")]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(body.len());
            let part = &body[..end];
            steps.push(if is_map {
                Step::Map(part.to_string())
            } else {
                Step::List(part.parse().map_err(|_| bad())?)
            });
            rest = &body[end..];
        }
        Ok((head, steps))
    }
    fn insert(
        slot: &mut Value,
        steps: &[Step],
        value: &str,
        key: &str,
        max_index: usize,
    ) -> Result<(), MetadataError> {
        let bad = || MetadataError::Field(short(key));
        let Some((step, rest)) = steps.split_first() else {
            match slot {
                Value::Null => {}
                // The same key twice (a second metadata block, or a tampered one).
                Value::String(_) => return Err(MetadataError::Duplicate(short(key))),
                _ => return Err(bad()),
            }
            *slot = Value::String(value.to_string());
            return Ok(());
        };
        match step {
            Step::Map(k) => {
                if slot.is_null() {
                    *slot = Value::Object(Map::new());
                }
                let m = slot.as_object_mut().ok_or_else(bad)?;
                insert(
                    m.entry(k.clone()).or_insert(Value::Null),
                    rest,
                    value,
                    key,
                    max_index,
                )
            }
            Step::List(i) => {
                if slot.is_null() {
                    *slot = Value::Array(Vec::new());
                }
                let a = slot.as_array_mut().ok_or_else(bad)?;
                // Indexes are dense, so none can reach the number of keys: a larger one
                // would only allocate.
                if *i >= max_index {
                    return Err(bad());
                }
                if a.len() <= *i {
                    a.resize(*i + 1, Value::Null);
                }
                insert(&mut a[*i], rest, value, key, max_index)
            }
        }
    }
    let mut root = Map::new();
    for (k, v) in pairs {
        let (head, steps) = parse_key(k)?;
        // Metadata nests a few levels; the walks over it recurse.
        if steps.len() >= crate::format::limits::MAX_DEPTH {
            return Err(MetadataError::Field(short(k)));
        }
        insert(
            root.entry(head).or_insert(Value::Null),
            &steps,
            v,
            k,
            pairs.len(),
        )?;
    }
    let root = Value::Object(root);
    // List indexes must be dense.
    fn dense(v: &Value) -> bool {
        match v {
            Value::Array(a) => a.iter().all(|x| !x.is_null() && dense(x)),
            Value::Object(m) => m.values().all(dense),
            _ => true,
        }
    }
    if !dense(&root) {
        return Err(MetadataError::Field(
            "list index gap in flattened metadata".into(),
        ));
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flatten_roundtrip() {
        let v = json!({"age": [{"enc": "a\nb", "recipient": "age1x"}], "key_groups": [{"age": [{"enc": "e"}]}], "mac": "m", "version": "3.11.0"});
        let flat = flatten(&v);
        assert!(flat.contains(&("age__list_0__map_enc".into(), "a\nb".into())));
        assert!(flat.contains(&(
            "key_groups__list_0__map_age__list_0__map_enc".into(),
            "e".into()
        )));
        assert_eq!(unflatten(&flat).unwrap(), v);
    }

    #[test]
    fn reads_flat_and_groups() {
        let v = json!({"age": [{"recipient": " age1x ", "enc": "E"}], "lastmodified": "2024-01-01T00:00:00Z", "mac": "M", "version": "3.9.0", "kms": [], "unencrypted_suffix": "_unencrypted"});
        let m = Metadata::from_value(&v).unwrap();
        assert_eq!(m.key_groups.len(), 1);
        assert_eq!(m.key_groups[0].age().next().unwrap().recipient, "age1x");
        assert_eq!(
            m.rule,
            Some(("unencrypted_suffix".into(), "_unencrypted".into()))
        );
        m.validate_for_decryption().unwrap();
        let back = Metadata::from_value(&m.to_value()).unwrap();
        assert_eq!(back.key_groups, m.key_groups);
    }

    #[test]
    fn every_kind_round_trips_and_old_layouts_read() {
        // sops 3.6 JSON: null lists for the kinds a file does not use, one PGP key
        let old = json!({"kms": null, "gcp_kms": null, "azure_kv": null, "hc_vault": null,
            "lastmodified": "2021-04-27T20:27:20Z", "mac": "M",
            "pgp": [{"created_at": "2021-04-27T20:27:20Z", "enc": "-----BEGIN PGP MESSAGE-----\n…", "fp": "35C1A64CD7FC0AB6EB66756B2445463C3234ECE1"}],
            "encrypted_regex": "^(data|stringData)$", "version": "3.6.0"});
        let m = Metadata::from_value(&old).unwrap();
        assert_eq!(m.key_groups.len(), 1);
        assert_eq!(
            m.key_groups[0].describe(),
            ["pgp: 35C1A64CD7FC0AB6EB66756B2445463C3234ECE1"]
        );
        assert!(m.extra.is_empty(), "{:?}", m.extra);
        // an empty placeholder entry is no key
        let placeholder = json!({"kms": [{"arn": "", "created_at": "", "enc": ""}], "pgp": [{"fp": "AB", "enc": "E", "created_at": "x"}], "version": "3.0.0"});
        assert_eq!(
            Metadata::from_value(&placeholder).unwrap().key_groups[0]
                .keys
                .len(),
            1
        );

        // two groups of every kind; the kept ones come back exactly as read
        let gcp = json!({"resource_id": "projects/p/k", "created_at": "2024-01-01T00:00:00Z", "enc": "CiQ", "x-extra": [1]});
        let azure = json!({"vault_url": "https://v.vault.azure.net", "name": "k", "version": "1", "created_at": "c", "enc": "e"});
        let v = json!({"key_groups": [
            {"age": [{"enc": "A", "recipient": "age1x"}], "gcp_kms": [gcp], "pgp": [{"created_at": "c", "enc": "P", "fp": "FF"}]},
            {"azure_kv": [azure], "hc_vault": [{"vault_address": "https://vault", "engine_path": "transit", "key_name": "k", "created_at": "c", "enc": "V"}],
             "hckms": [{"key_id": "r:k", "created_at": "c", "enc": "H"}],
             "kms": [{"arn": "arn:aws:kms:us-east-1:1:key/k", "aws_profile": "", "context": {"a": "b"}, "created_at": "c", "enc": "K"}]}],
            "lastmodified": "2024-01-01T00:00:00Z", "mac": "M", "shamir_threshold": 2, "version": "3.11.0"});
        let m = Metadata::from_value(&v).unwrap();
        let kinds: Vec<Vec<&str>> = m
            .key_groups
            .iter()
            .map(|g| g.keys.iter().map(|k| k.kind().name()).collect())
            .collect();
        assert_eq!(
            kinds,
            [
                vec!["age", "gcp_kms", "pgp"],
                vec!["azure_kv", "hc_vault", "hckms", "kms"]
            ]
        );
        assert_eq!(m.to_value(), v);
        assert_eq!(
            m.key_groups[1].describe()[0],
            "azure_kv: https://v.vault.azure.net/keys/k/1"
        );
    }

    #[test]
    fn rejects_two_rules_and_bad_version() {
        let v = json!({"encrypted_regex": "a", "unencrypted_regex": "b", "version": "3.9.0"});
        assert!(matches!(
            Metadata::from_value(&v),
            Err(MetadataError::SeveralRules(_))
        ));
        let m = Metadata::from_value(
            &json!({"version": "3.9", "lastmodified": "2024-01-01T00:00:00Z"}),
        )
        .unwrap();
        assert!(m.validate_for_decryption().is_err());
    }
}
