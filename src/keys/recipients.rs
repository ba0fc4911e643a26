//! Where the master keys of a new file come from, parsed once into typed [`Recipient`]s: the key
//! flags and their environment variables (`--age`/`SOPS_AGE_RECIPIENTS`, `--pgp`/`SOPS_PGP_FP`,
//! `--kms`/`SOPS_KMS_ARN`, …) as one key group, else the first matching creation rule of
//! `.sops.yaml`, combined as sops combines them (docs/format.md §11.2).

use std::path::Path;

use serde_json::Value;

use crate::config::{Config, CreationRule, GroupConfig};
use crate::error::{Code, Failure, Result};
use crate::keys::groups::Recipients;
use crate::keys::master::{
    KeptRecipient, KeyKind, Recipient, parse_age_list, parse_context, parse_kept_list, parse_kms,
    parse_kms_list, parse_pgp_list,
};

/// The key flags of `encrypt` (and the keys `rotate --add-…` adds), as given.
#[derive(Clone, Debug, Default)]
pub struct KeyFlags {
    pub age: Option<String>,
    pub pgp: Option<String>,
    pub kms: Option<String>,
    pub encryption_context: Option<String>,
    pub aws_profile: Option<String>,
    pub gcp_kms: Option<String>,
    pub azure_kv: Option<String>,
    pub hc_vault_transit: Option<String>,
    pub hckms: Option<String>,
}

fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.trim().is_empty())
}

impl KeyFlags {
    /// Only `--age`.
    pub fn age(age: Option<&str>) -> KeyFlags {
        KeyFlags {
            age: age.map(String::from),
            ..KeyFlags::default()
        }
    }

    /// True when any key flag (or its variable) names a key.
    pub fn any(&self) -> bool {
        [
            &self.age,
            &self.pgp,
            &self.kms,
            &self.gcp_kms,
            &self.azure_kv,
            &self.hc_vault_transit,
            &self.hckms,
        ]
        .into_iter()
        .any(|f| given(f).is_some())
    }

    /// The `--encryption-context` pairs (exit 6 when malformed).
    pub fn context(&self) -> Result<Vec<(String, String)>> {
        Ok(parse_context(
            self.encryption_context.as_deref().unwrap_or(""),
        )?)
    }

    /// The keys the flags name, in one list (age, PGP, KMS, then kinds veil cannot use).
    pub fn recipients(&self) -> Result<Vec<Recipient>> {
        let mut out = Vec::new();
        if let Some(a) = given(&self.age) {
            out.extend(
                parse_age_list(a)
                    .map_err(|e| Failure::new(Code::NoEncryptionKey, e.to_string()))?,
            );
        }
        if let Some(p) = given(&self.pgp) {
            out.extend(parse_pgp_list(p));
        }
        if let Some(k) = given(&self.kms) {
            let ctx = self.context()?;
            out.extend(parse_kms_list(k, &ctx, self.aws_profile.as_deref())?);
        }
        for (kind, named, list) in [
            (KeyKind::GcpKms, "--gcp-kms", &self.gcp_kms),
            (KeyKind::AzureKv, "--azure-kv", &self.azure_kv),
            (
                KeyKind::HcVault,
                "--hc-vault-transit",
                &self.hc_vault_transit,
            ),
            (KeyKind::HcKms, "--hckms", &self.hckms),
        ] {
            if let Some(l) = given(list) {
                out.extend(parse_kept_list(kind, named, l));
            }
        }
        Ok(out)
    }
}

/// Recipients and the creation rule that applies to a new file.
pub struct Resolved {
    pub recipients: Recipients,
    pub rule: Option<CreationRule>,
}

/// Recipients from the key flags (one group), else from the first matching creation rule of the
/// configuration. A key of a kind veil cannot use makes it fail (exit 113), naming the kind.
pub fn resolve_recipients(
    config: Option<&Path>,
    file: Option<&Path>,
    flags: &KeyFlags,
    threshold: Option<u32>,
) -> Result<Resolved> {
    let cfg = Config::load_for_cwd(config)?;
    let rule = match (&cfg, file) {
        (Some(c), Some(f)) => c.rule_for(f)?.map(|m| m.rule.clone()),
        (Some(c), None) => c.rule_for(Path::new("-"))?.map(|m| m.rule.clone()),
        _ => None,
    };
    if flags.any() {
        let recipients = Recipients {
            groups: vec![flags.recipients()?],
            threshold,
        };
        recipients.require_usable("the command line")?;
        return Ok(Resolved { recipients, rule });
    }
    let Some(r) = &rule else {
        return Err(Failure::new(
            Code::NoEncryptionKey,
            "no recipient to encrypt to: pass --age, --pgp or --kms, set SOPS_AGE_RECIPIENTS, SOPS_PGP_FP or SOPS_KMS_ARN, or add a creation rule to .sops.yaml",
        ));
    };
    let mut recipients = rule_recipients(r, &flags.context()?).map_err(|f| match &cfg {
        Some(c) => Failure::new(f.code, format!("{}: {}", c.path.display(), f.message)),
        None => f,
    })?;
    recipients.require_usable("the creation rule")?;
    if threshold.is_some() {
        recipients.threshold = threshold;
    }
    Ok(Resolved { recipients, rule })
}

/// The recipients `.sops.yaml` wants for a file; `Ok(None)` when the configuration has no
/// creation rules or the matching rule names no key.
pub fn desired_recipients(config: &Config, path: &Path) -> Result<Option<Recipients>> {
    let Some(m) = config.rule_for(path)? else {
        return Ok(None);
    };
    let r = rule_recipients(m.rule, &[])
        .map_err(|f| Failure::new(f.code, format!("{}: {}", config.path.display(), f.message)))?;
    Ok((!r.is_empty()).then_some(r))
}

fn config_error(msg: String) -> Failure {
    Failure::new(Code::ConfigError, msg)
}

fn str_field<'a>(v: &'a Value, field: &str) -> Option<&'a str> {
    v.get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The typed recipients of a creation rule: its `key_groups`, else one group of its per-type
/// fields (`age`, `pgp`, `kms` with `aws_profile` and the `--encryption-context`, …).
pub fn rule_recipients(rule: &CreationRule, context: &[(String, String)]) -> Result<Recipients> {
    let groups = if rule.key_groups.is_empty() {
        let mut g = Vec::new();
        g.extend(age_items(&rule.age.items())?);
        g.extend(parse_pgp_list(&rule.pgp.items().join(",")));
        g.extend(
            parse_kms_list(
                &rule.kms.items().join(","),
                context,
                rule.aws_profile.as_deref(),
            )
            .map_err(|e| config_error(e.to_string()))?,
        );
        for (kind, named, list) in [
            (KeyKind::GcpKms, "gcp_kms", &rule.gcp_kms),
            (KeyKind::AzureKv, "azure_keyvault", &rule.azure_keyvault),
            (
                KeyKind::HcVault,
                "hc_vault_transit_uri",
                &rule.hc_vault_transit_uri,
            ),
            (KeyKind::HcKms, "hckms", &rule.hckms),
        ] {
            g.extend(parse_kept_list(kind, named, &list.items().join(",")));
        }
        let mut unique = Vec::new();
        push_unique(&mut unique, g);
        vec![unique]
    } else {
        rule.key_groups
            .iter()
            .map(|g| {
                let mut out = Vec::new();
                push_unique(&mut out, group_items(g)?);
                Ok(out)
            })
            .collect::<Result<Vec<_>>>()?
    };
    Ok(Recipients {
        groups,
        threshold: rule.shamir_threshold,
    })
}

fn push_unique(out: &mut Vec<Recipient>, items: Vec<Recipient>) {
    for r in items {
        if !out.iter().any(|o| o.same(&r)) {
            out.push(r);
        }
    }
}

fn age_items(items: &[String]) -> Result<Vec<Recipient>> {
    parse_age_list(&items.join(",")).map_err(|e| config_error(e.to_string()))
}

/// The recipients of one `key_groups` entry and of the groups it merges.
fn group_items(g: &GroupConfig) -> Result<Vec<Recipient>> {
    let mut out = Vec::new();
    for m in &g.merge {
        out.extend(group_items(m)?);
    }
    out.extend(age_items(&g.age.items())?);
    out.extend(parse_pgp_list(&g.pgp.items().join(",")));
    for k in &g.kms {
        let arn = str_field(k, "arn")
            .ok_or_else(|| config_error("a kms key of a key group has no arn".into()))?;
        let context: Vec<(String, String)> = match k.get("context") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(a, b)| match b {
                    Value::String(s) => Ok((a.clone(), s.clone())),
                    _ => Err(config_error(format!(
                        "kms key {arn}: the encryption context value of {a:?} is not a string"
                    ))),
                })
                .collect::<Result<_>>()?,
            Some(_) => {
                return Err(config_error(format!(
                    "kms key {arn}: context must be a mapping of strings"
                )));
            }
        };
        let spec = match str_field(k, "role") {
            Some(role) => format!("{arn}+{role}"),
            None => arn.to_string(),
        };
        out.push(
            parse_kms(&spec, &context, str_field(k, "aws_profile"))
                .map_err(|e| config_error(e.to_string()))?,
        );
    }
    let kept = |kind: KeyKind, named: &str, id: String| {
        Recipient::Kept(KeptRecipient {
            kind,
            named: named.to_string(),
            id,
        })
    };
    for k in &g.gcp_kms {
        out.push(kept(
            KeyKind::GcpKms,
            "gcp_kms",
            str_field(k, "resource_id").unwrap_or("?").into(),
        ));
    }
    for k in &g.azure_keyvault {
        let id = format!(
            "{}/keys/{}/{}",
            str_field(k, "vaultUrl").unwrap_or("?"),
            str_field(k, "key").unwrap_or("?"),
            str_field(k, "version").unwrap_or("")
        );
        out.push(kept(KeyKind::AzureKv, "azure_keyvault", id));
    }
    for k in &g.hc_vault {
        out.push(kept(
            KeyKind::HcVault,
            "hc_vault",
            k.as_str().unwrap_or("?").into(),
        ));
    }
    for k in &g.hckms {
        out.push(kept(
            KeyKind::HcKms,
            "hckms",
            str_field(k, "key_id").unwrap_or("?").into(),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(yaml: &str) -> CreationRule {
        let cfg = Config::parse(Path::new(".sops.yaml"), yaml.as_bytes().to_vec()).unwrap();
        cfg.file.creation_rules[0].clone()
    }

    const AGE: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    const ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn flat_rule_gives_one_group_of_every_kind() {
        let r = rule(&format!(
            "creation_rules:\n  - age: {AGE}\n    pgp: 'AAAA, BBBB'\n    kms: {ARN}+arn:aws:iam::123456789012:role/r\n    aws_profile: dev\n"
        ));
        let got = rule_recipients(&r, &[("app".into(), "x".into())]).unwrap();
        assert_eq!(got.groups.len(), 1);
        let kinds: Vec<KeyKind> = got.groups[0].iter().map(Recipient::kind).collect();
        assert_eq!(
            kinds,
            [KeyKind::Age, KeyKind::Pgp, KeyKind::Pgp, KeyKind::Kms]
        );
        let Recipient::Kms(k) = &got.groups[0][3] else {
            panic!()
        };
        assert_eq!(k.role.as_deref(), Some("arn:aws:iam::123456789012:role/r"));
        assert_eq!(k.aws_profile.as_deref(), Some("dev"));
        assert_eq!(k.context, vec![("app".to_string(), "x".to_string())]);
        got.require_usable("the rule").unwrap();
    }

    #[test]
    fn key_groups_with_kms_objects_and_merges() {
        let r = rule(&format!(
            "creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n      - kms:\n          - arn: {ARN}\n            context: {{env: prod}}\n            aws_profile: p\n        pgp: [CCCC]\n      - age: [{AGE}]\n        merge:\n          - age: [{AGE}]\n"
        ));
        let got = rule_recipients(&r, &[]).unwrap();
        assert_eq!(got.threshold, Some(2));
        assert_eq!(got.groups[0].len(), 2);
        assert_eq!(got.groups[1].len(), 1, "duplicates are merged");
        let Recipient::Kms(k) = &got.groups[0][1] else {
            panic!()
        };
        assert_eq!(k.context, vec![("env".to_string(), "prod".to_string())]);
    }

    #[test]
    fn kinds_veil_cannot_use_are_refused_by_name() {
        for (yaml, named) in [
            (
                "gcp_kms: projects/p/locations/global/keyRings/r/cryptoKeys/k",
                "gcp_kms",
            ),
            (
                "azure_keyvault: https://v.vault.azure.net/keys/k/1",
                "azure_keyvault",
            ),
            (
                "hc_vault_transit_uri: https://vault:8200/v1/transit/keys/k",
                "hc_vault_transit_uri",
            ),
            (
                "key_groups:\n      - hc_vault: [https://vault:8200/v1/transit/keys/k]",
                "hc_vault",
            ),
        ] {
            let r = rule(&format!("creation_rules:\n  - age: {AGE}\n    {yaml}\n"));
            let got = rule_recipients(&r, &[]).unwrap();
            let e =
                crate::error::Failure::from(got.require_usable("the creation rule").unwrap_err());
            assert_eq!(e.code, Code::UnusableKeyType);
            assert!(e.message.contains(named), "{named}: {}", e.message);
        }
    }

    #[test]
    fn bad_context_and_arn() {
        let flags = KeyFlags {
            kms: Some(ARN.into()),
            encryption_context: Some("a=b".into()),
            ..KeyFlags::default()
        };
        assert_eq!(
            flags.recipients().unwrap_err().code,
            Code::InvalidKmsEncryptionContext
        );
        let r = rule("creation_rules:\n  - kms: arn:aws:s3:::bucket\n");
        assert_eq!(
            rule_recipients(&r, &[]).unwrap_err().code,
            Code::ConfigError
        );
    }
}
