//! The master-key model: every kind of key sops knows, as it sits in a file's metadata
//! ([`MasterKey`]) and as something to wrap a new data key for ([`Recipient`]).
//!
//! Entries are parsed once, when the metadata is read; kinds veil cannot use (GCP KMS, Azure Key
//! Vault, HashiCorp Vault transit, HuaweiCloud KMS) are kept as the exact entry they were read
//! from, so that a rewrite writes them back unchanged.

use std::fmt;

use serde_json::{Map, Value};

use crate::keys::age::AgeRecipient;

/// The kinds of master key sops knows, named as sops names them in metadata and in
/// `--decryption-order`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyKind {
    Age,
    Pgp,
    Kms,
    GcpKms,
    AzureKv,
    HcVault,
    HcKms,
}

impl KeyKind {
    /// Every kind, in the order the metadata lists them (sops writes them sorted by name).
    pub const ALL: [KeyKind; 7] = [
        KeyKind::Age,
        KeyKind::AzureKv,
        KeyKind::GcpKms,
        KeyKind::HcVault,
        KeyKind::HcKms,
        KeyKind::Kms,
        KeyKind::Pgp,
    ];

    /// The metadata field (and sops's key type identifier, as in `--decryption-order`).
    pub fn name(self) -> &'static str {
        match self {
            KeyKind::Age => "age",
            KeyKind::Pgp => "pgp",
            KeyKind::Kms => "kms",
            KeyKind::GcpKms => "gcp_kms",
            KeyKind::AzureKv => "azure_kv",
            KeyKind::HcVault => "hc_vault",
            KeyKind::HcKms => "hckms",
        }
    }

    /// The kind of a metadata field or decryption-order name.
    pub fn from_name(name: &str) -> Option<KeyKind> {
        KeyKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether this build of veil can wrap and unwrap keys of this kind.
    pub fn usable(self) -> bool {
        matches!(self, KeyKind::Age | KeyKind::Pgp)
            || (self == KeyKind::Kms && cfg!(feature = "aws-kms"))
    }

    /// Why veil cannot use this kind (for kinds that are not [`usable`](Self::usable)).
    pub fn why_unusable(self) -> &'static str {
        match self {
            KeyKind::Kms => "this veil was built without AWS KMS support (cargo feature aws-kms)",
            _ => "veil keeps these keys in the metadata but cannot use them",
        }
    }

    /// Keys that need no network service (tried first by default).
    pub fn is_local(self) -> bool {
        matches!(self, KeyKind::Age | KeyKind::Pgp)
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An age master key: the recipient and the armored age file that wraps the data key (or its
/// Shamir share).
#[derive(Clone, PartialEq)]
pub struct AgeKey {
    pub recipient: String,
    pub enc: String,
}

impl fmt::Debug for AgeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgeKey")
            .field("recipient", &self.recipient)
            .finish_non_exhaustive()
    }
}

/// A PGP master key: the fingerprint, when it was wrapped and the armored PGP message.
#[derive(Clone, PartialEq)]
pub struct PgpKey {
    pub fp: String,
    pub created_at: String,
    pub enc: String,
    /// Fields sops does not write, kept as read.
    pub extra: Vec<(String, Value)>,
}

impl fmt::Debug for PgpKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgpKey")
            .field("fp", &self.fp)
            .finish_non_exhaustive()
    }
}

/// An AWS KMS master key.
#[derive(Clone, PartialEq)]
pub struct KmsKey {
    pub arn: String,
    /// The role to assume first (`role`), if any.
    pub role: Option<String>,
    /// The encryption context, in the order it was written.
    pub context: Vec<(String, String)>,
    /// The AWS profile (`aws_profile`; sops always writes it, often empty). `None` when the
    /// entry has no such field.
    pub aws_profile: Option<String>,
    pub created_at: String,
    /// The base64 ciphertext blob.
    pub enc: String,
    /// Fields sops does not write, kept as read.
    pub extra: Vec<(String, Value)>,
}

impl fmt::Debug for KmsKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KmsKey")
            .field("arn", &self.arn)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A master key of a kind veil cannot use, kept exactly as it was read.
#[derive(Clone, Debug, PartialEq)]
pub struct KeptKey {
    pub kind: KeyKind,
    pub entry: Value,
}

/// One master key of a key group.
#[derive(Clone, Debug, PartialEq)]
pub enum MasterKey {
    Age(AgeKey),
    Pgp(PgpKey),
    Kms(KmsKey),
    Kept(KeptKey),
}

/// A malformed master-key entry: the field that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EntryError(pub String);

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn required(obj: &Map<String, Value>, kind: KeyKind, field: &str) -> Result<String, EntryError> {
    obj.get(field)
        .and_then(text)
        .ok_or_else(|| EntryError(format!("{kind}.{field}")))
}

fn optional(obj: &Map<String, Value>, field: &str) -> Option<String> {
    obj.get(field).filter(|v| !v.is_null()).and_then(text)
}

fn extra(obj: &Map<String, Value>, known: &[&str]) -> Vec<(String, Value)> {
    obj.iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

impl MasterKey {
    /// Parses one entry of the metadata list `kind` (`age`, `pgp`, `kms`, …).
    pub fn from_entry(kind: KeyKind, entry: &Value) -> Result<MasterKey, EntryError> {
        let obj = || {
            entry
                .as_object()
                .ok_or_else(|| EntryError(kind.name().to_string()))
        };
        Ok(match kind {
            KeyKind::Age => {
                let o = obj()?;
                MasterKey::Age(AgeKey {
                    recipient: required(o, kind, "recipient")?.trim().to_string(),
                    enc: required(o, kind, "enc")?,
                })
            }
            KeyKind::Pgp => {
                let o = obj()?;
                MasterKey::Pgp(PgpKey {
                    fp: required(o, kind, "fp")?,
                    created_at: optional(o, "created_at").unwrap_or_default(),
                    enc: required(o, kind, "enc")?,
                    extra: extra(o, &["fp", "created_at", "enc"]),
                })
            }
            KeyKind::Kms => {
                let o = obj()?;
                let context = match o.get("context") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Object(m)) => m
                        .iter()
                        .map(|(k, v)| {
                            text(v)
                                .map(|v| (k.clone(), v))
                                .ok_or_else(|| EntryError("kms.context".into()))
                        })
                        .collect::<Result<_, _>>()?,
                    Some(_) => return Err(EntryError("kms.context".into())),
                };
                MasterKey::Kms(KmsKey {
                    arn: required(o, kind, "arn")?,
                    role: optional(o, "role").filter(|r| !r.is_empty()),
                    context,
                    aws_profile: optional(o, "aws_profile"),
                    created_at: optional(o, "created_at").unwrap_or_default(),
                    enc: required(o, kind, "enc")?,
                    extra: extra(
                        o,
                        &["arn", "role", "context", "aws_profile", "created_at", "enc"],
                    ),
                })
            }
            _ => MasterKey::Kept(KeptKey {
                kind,
                entry: entry.clone(),
            }),
        })
    }

    /// The entry as written in the metadata (fields sorted by name, as sops writes them).
    pub fn to_entry(&self) -> Value {
        let sorted = |mut fields: Vec<(String, Value)>| {
            fields.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(fields.into_iter().collect())
        };
        let s = |v: &str| Value::String(v.to_string());
        match self {
            MasterKey::Age(k) => sorted(vec![
                ("enc".into(), s(&k.enc)),
                ("recipient".into(), s(&k.recipient)),
            ]),
            MasterKey::Pgp(k) => {
                let mut f = vec![
                    ("created_at".into(), s(&k.created_at)),
                    ("enc".into(), s(&k.enc)),
                    ("fp".into(), s(&k.fp)),
                ];
                f.extend(k.extra.iter().cloned());
                sorted(f)
            }
            MasterKey::Kms(k) => {
                let mut f = vec![
                    ("arn".into(), s(&k.arn)),
                    ("created_at".into(), s(&k.created_at)),
                    ("enc".into(), s(&k.enc)),
                ];
                if let Some(r) = &k.role {
                    f.push(("role".into(), s(r)));
                }
                if !k.context.is_empty() {
                    let ctx: Map<String, Value> =
                        k.context.iter().map(|(a, b)| (a.clone(), s(b))).collect();
                    f.push(("context".into(), Value::Object(ctx)));
                }
                if let Some(p) = &k.aws_profile {
                    f.push(("aws_profile".into(), s(p)));
                }
                f.extend(k.extra.iter().cloned());
                sorted(f)
            }
            MasterKey::Kept(k) => k.entry.clone(),
        }
    }

    pub fn kind(&self) -> KeyKind {
        match self {
            MasterKey::Age(_) => KeyKind::Age,
            MasterKey::Pgp(_) => KeyKind::Pgp,
            MasterKey::Kms(_) => KeyKind::Kms,
            MasterKey::Kept(k) => k.kind,
        }
    }

    /// What names the key: the age recipient, the PGP fingerprint, the KMS ARN (with its role,
    /// context and profile, as sops prints them), or the resource of a kept key.
    pub fn id(&self) -> String {
        match self {
            MasterKey::Age(k) => k.recipient.clone(),
            MasterKey::Pgp(k) => k.fp.clone(),
            MasterKey::Kms(k) => kms_id(
                &k.arn,
                k.role.as_deref(),
                &k.context,
                k.aws_profile.as_deref(),
            ),
            MasterKey::Kept(k) => kept_id(k),
        }
    }

    /// The wrapped data key (or share).
    pub fn enc(&self) -> &str {
        match self {
            MasterKey::Age(k) => &k.enc,
            MasterKey::Pgp(k) => &k.enc,
            MasterKey::Kms(k) => &k.enc,
            MasterKey::Kept(k) => k.entry.get("enc").and_then(Value::as_str).unwrap_or(""),
        }
    }

    /// Whether this key is the one `r` asks for (same kind and same identifier).
    pub fn is(&self, r: &Recipient) -> bool {
        self.kind() == r.kind() && same_id(self.kind(), &self.id(), &r.id())
    }

    /// `kind: id`, for messages.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.kind(), self.id())
    }
}

/// Identifiers compare as sops compares them, except that PGP fingerprints ignore case.
fn same_id(kind: KeyKind, a: &str, b: &str) -> bool {
    match kind {
        KeyKind::Pgp => a.eq_ignore_ascii_case(b),
        _ => a == b,
    }
}

fn kms_id(
    arn: &str,
    role: Option<&str>,
    context: &[(String, String)],
    profile: Option<&str>,
) -> String {
    let mut out = arn.to_string();
    if let Some(r) = role.filter(|r| !r.is_empty()) {
        out.push('+');
        out.push_str(r);
    }
    let mut ctx: Vec<String> = context.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    ctx.sort();
    let ctx = ctx.join(",");
    match profile.filter(|p| !p.is_empty()) {
        Some(p) => format!("{out}|{ctx}|{p}"),
        None if !ctx.is_empty() => format!("{out}|{ctx}"),
        None => out,
    }
}

fn kept_id(k: &KeptKey) -> String {
    let field = |f: &str| k.entry.get(f).and_then(Value::as_str).unwrap_or("");
    match k.kind {
        KeyKind::GcpKms => field("resource_id").to_string(),
        KeyKind::HcKms => field("key_id").to_string(),
        KeyKind::AzureKv => {
            format!(
                "{}/keys/{}/{}",
                field("vault_url"),
                field("name"),
                field("version")
            )
        }
        KeyKind::HcVault => format!(
            "{}/v1/{}/keys/{}",
            field("vault_address"),
            field("engine_path"),
            field("key_name")
        ),
        _ => String::new(),
    }
}

/// A PGP key to wrap for: its fingerprint as given (spaces removed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PgpRecipient {
    pub fp: String,
}

/// An AWS KMS key to wrap for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KmsRecipient {
    pub arn: String,
    pub role: Option<String>,
    pub context: Vec<(String, String)>,
    pub aws_profile: Option<String>,
}

/// A key of a kind veil cannot use, as a flag or `.sops.yaml` names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptRecipient {
    pub kind: KeyKind,
    /// The flag, `.sops.yaml` field or metadata field that names it (`--gcp-kms`,
    /// `azure_keyvault`, `hc_vault_transit_uri`, `gcp_kms`, …).
    pub named: String,
    pub id: String,
}

/// A master key to wrap a new data key for.
#[derive(Clone, Debug, PartialEq)]
pub enum Recipient {
    Age(AgeRecipient),
    Pgp(PgpRecipient),
    Kms(KmsRecipient),
    /// Named by a flag or a rule, but veil cannot wrap for it: encrypt, rotate and updatekeys
    /// refuse.
    Kept(KeptRecipient),
}

impl Recipient {
    pub fn kind(&self) -> KeyKind {
        match self {
            Recipient::Age(_) => KeyKind::Age,
            Recipient::Pgp(_) => KeyKind::Pgp,
            Recipient::Kms(_) => KeyKind::Kms,
            Recipient::Kept(k) => k.kind,
        }
    }

    /// The identifier, as [`MasterKey::id`] gives it for the wrapped key.
    pub fn id(&self) -> String {
        match self {
            Recipient::Age(r) => r.as_str().to_string(),
            Recipient::Pgp(r) => r.fp.clone(),
            Recipient::Kms(r) => kms_id(
                &r.arn,
                r.role.as_deref(),
                &r.context,
                r.aws_profile.as_deref(),
            ),
            Recipient::Kept(k) => k.id.clone(),
        }
    }

    /// `kind: id`, for messages (a kept key by the name that named it).
    pub fn describe(&self) -> String {
        match self {
            Recipient::Kept(k) => format!("{}: {}", k.named, k.id),
            _ => format!("{}: {}", self.kind(), self.id()),
        }
    }

    /// The recipient a master key was wrapped for; `None` for an age key whose recipient
    /// string does not parse (it can still be opened, not wrapped for again).
    pub fn of(key: &MasterKey) -> Option<Recipient> {
        Some(match key {
            MasterKey::Age(k) => Recipient::Age(AgeRecipient::parse(&k.recipient).ok()?),
            MasterKey::Pgp(k) => Recipient::Pgp(PgpRecipient { fp: k.fp.clone() }),
            MasterKey::Kms(k) => Recipient::Kms(KmsRecipient {
                arn: k.arn.clone(),
                role: k.role.clone(),
                context: k.context.clone(),
                aws_profile: k.aws_profile.clone().filter(|p| !p.is_empty()),
            }),
            MasterKey::Kept(k) => Recipient::Kept(KeptRecipient {
                kind: k.kind,
                named: k.kind.name().to_string(),
                id: kept_id(k),
            }),
        })
    }

    /// Whether two recipients name the same key.
    pub fn same(&self, other: &Recipient) -> bool {
        self.kind() == other.kind() && same_id(self.kind(), &self.id(), &other.id())
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Splits a comma-separated list (`--pgp a,b`), dropping empty items.
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// age recipients from a comma-separated list (`--age a,b`).
pub fn parse_age_list(s: &str) -> Result<Vec<Recipient>, crate::keys::age::KeyError> {
    Ok(AgeRecipient::parse_list(s)?
        .into_iter()
        .map(Recipient::Age)
        .collect())
}

/// PGP fingerprints from a comma-separated list; spaces inside a fingerprint are removed.
pub fn parse_pgp_list(s: &str) -> Vec<Recipient> {
    split_list(s)
        .map(|fp| {
            Recipient::Pgp(PgpRecipient {
                fp: fp.chars().filter(|c| !c.is_whitespace()).collect(),
            })
        })
        .collect()
}

/// An invalid `--encryption-context`, KMS ARN or key flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecipientError {
    #[error("invalid KMS encryption context {0:?}: expected key:value pairs separated by commas")]
    Context(String),
    #[error(
        "invalid KMS key ARN {0:?}: expected arn:aws:kms:REGION:ACCOUNT:key/ID or …:alias/NAME"
    )]
    Arn(String),
}

impl crate::error::Classify for RecipientError {
    fn code(&self) -> crate::error::Code {
        match self {
            RecipientError::Context(_) => crate::error::Code::InvalidKmsEncryptionContext,
            RecipientError::Arn(_) => crate::error::Code::NoEncryptionKey,
        }
    }
}

/// `--encryption-context key:value,key2:value2` (as sops parses it).
pub fn parse_context(s: &str) -> Result<Vec<(String, String)>, RecipientError> {
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|kv| match kv.split(':').collect::<Vec<_>>().as_slice() {
            [k, v] => Ok((k.to_string(), v.to_string())),
            _ => Err(RecipientError::Context(s.to_string())),
        })
        .collect()
}

/// The region of a KMS key ARN (`arn:aws…:kms:REGION:ACCOUNT:key/…` or `…:alias/…`).
pub fn kms_region(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:aws")?;
    let (partition_tail, rest) = rest.split_once(':')?;
    if !partition_tail
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let rest = rest.strip_prefix("kms:")?;
    let (region, rest) = rest.split_once(':')?;
    let (account, resource) = rest.split_once(':')?;
    let ok = !region.is_empty()
        && !account.is_empty()
        && account.chars().all(|c| c.is_ascii_digit())
        && (resource.strip_prefix("key/").is_some_and(|r| !r.is_empty())
            || resource
                .strip_prefix("alias/")
                .is_some_and(|r| !r.is_empty()));
    ok.then_some(region)
}

/// One KMS key from `ARN[+ROLE_ARN]` (spaces removed), with the context and profile that apply.
pub fn parse_kms(
    spec: &str,
    context: &[(String, String)],
    aws_profile: Option<&str>,
) -> Result<Recipient, RecipientError> {
    let spec: String = spec.chars().filter(|c| *c != ' ').collect();
    let (arn, role) = match spec.find("+arn:") {
        Some(i) if i > 0 => (spec[..i].to_string(), Some(spec[i + 1..].to_string())),
        _ => (spec.clone(), None),
    };
    if kms_region(&arn).is_none() {
        return Err(RecipientError::Arn(arn));
    }
    Ok(Recipient::Kms(KmsRecipient {
        arn,
        role,
        context: context.to_vec(),
        aws_profile: aws_profile.filter(|p| !p.is_empty()).map(String::from),
    }))
}

/// KMS keys from a comma-separated list of `ARN[+ROLE_ARN]`.
pub fn parse_kms_list(
    s: &str,
    context: &[(String, String)],
    aws_profile: Option<&str>,
) -> Result<Vec<Recipient>, RecipientError> {
    split_list(s)
        .map(|a| parse_kms(a, context, aws_profile))
        .collect()
}

/// Keys of a kind veil cannot use, from a comma-separated list named `named` (so that the
/// refusal names them).
pub fn parse_kept_list(kind: KeyKind, named: &str, s: &str) -> Vec<Recipient> {
    split_list(s)
        .map(|id| {
            Recipient::Kept(KeptRecipient {
                kind,
                named: named.to_string(),
                id: id.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_round_trip_and_kept_kinds_stay_byte_for_byte() {
        let pgp = json!({"created_at": "2021-04-27T20:27:20Z", "enc": "-----BEGIN PGP MESSAGE-----\n…", "fp": "35C1A64CD7FC0AB6EB66756B2445463C3234ECE1"});
        let k = MasterKey::from_entry(KeyKind::Pgp, &pgp).unwrap();
        assert_eq!(k.to_entry(), pgp);
        assert_eq!(k.id(), "35C1A64CD7FC0AB6EB66756B2445463C3234ECE1");

        let kms = json!({"arn": "arn:aws:kms:us-east-1:123456789012:key/k", "aws_profile": "", "context": {"b": "2", "a": "1"}, "created_at": "2024-01-01T00:00:00Z", "enc": "AQID", "role": "arn:aws:iam::123456789012:role/r"});
        let k = MasterKey::from_entry(KeyKind::Kms, &kms).unwrap();
        assert_eq!(k.to_entry(), kms);
        assert_eq!(
            k.id(),
            "arn:aws:kms:us-east-1:123456789012:key/k+arn:aws:iam::123456789012:role/r|a:1,b:2"
        );

        let gcp = json!({"resource_id": "projects/p/locations/l/keyRings/r/cryptoKeys/k", "created_at": "x", "enc": "CiQ", "zz": [1, {"q": null}]});
        let k = MasterKey::from_entry(KeyKind::GcpKms, &gcp).unwrap();
        assert_eq!(k.to_entry(), gcp);
        assert_eq!(
            k.describe(),
            "gcp_kms: projects/p/locations/l/keyRings/r/cryptoKeys/k"
        );

        assert!(MasterKey::from_entry(KeyKind::Pgp, &json!({"fp": "x"})).is_err());
        assert!(
            MasterKey::from_entry(KeyKind::Kms, &json!({"arn": "a", "enc": "e", "context": 3}))
                .is_err()
        );
    }

    #[test]
    fn kms_specs() {
        let ctx = parse_context("a:1,b:2").unwrap();
        assert_eq!(
            ctx,
            vec![("a".into(), "1".into()), ("b".into(), "2".into())]
        );
        assert!(parse_context("a=1").is_err());
        assert!(parse_context("a:1:2").is_err());
        let r = parse_kms(
            "arn:aws:kms:eu-west-1:111122223333:key/abc+arn:aws:iam::111122223333:role/x",
            &ctx,
            Some("dev"),
        )
        .unwrap();
        let Recipient::Kms(k) = &r else { panic!() };
        assert_eq!(k.arn, "arn:aws:kms:eu-west-1:111122223333:key/abc");
        assert_eq!(k.role.as_deref(), Some("arn:aws:iam::111122223333:role/x"));
        assert_eq!(kms_region(&k.arn), Some("eu-west-1"));
        assert_eq!(
            kms_region("arn:aws-us-gov:kms:us-gov-west-1:1:alias/a"),
            Some("us-gov-west-1")
        );
        assert!(parse_kms("arn:aws:s3:::bucket", &[], None).is_err());
        assert!(parse_kms("arn:aws:kms:r:12x:key/a", &[], None).is_err());
    }

    #[test]
    fn pgp_fingerprints_compare_without_case_or_spaces() {
        let r = parse_pgp_list(" 35C1 A64C , ,abcd");
        assert_eq!(r.len(), 2);
        let k = MasterKey::Pgp(PgpKey {
            fp: "35c1a64c".into(),
            created_at: String::new(),
            enc: String::new(),
            extra: vec![],
        });
        assert!(k.is(&r[0]));
        assert!(!k.is(&r[1]));
    }
}
