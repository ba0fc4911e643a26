//! Where recipients, selection rules and identities come from: flags, environment and
//! `.sops.yaml`, combined as sops combines them (docs/format.md §11.2).

use std::path::Path;

use clap::Args;

use crate::config::{Config, CreationRule};
use crate::error::{Code, Failure, Result};
use crate::keys::groups::Recipients;
use crate::selector::Rule;

/// The selection-rule flags (format §5).
#[derive(Debug, Args, Clone, Default)]
pub struct SelectionFlags {
    /// Leave values clear when a key on their path ends with this suffix (default `_unencrypted`)
    #[arg(long, value_name = "SUFFIX")]
    pub unencrypted_suffix: Option<String>,
    /// Encrypt only values with a key on their path ending with this suffix
    #[arg(long, value_name = "SUFFIX")]
    pub encrypted_suffix: Option<String>,
    /// Leave values clear when a key on their path matches this regex
    #[arg(long, value_name = "REGEX")]
    pub unencrypted_regex: Option<String>,
    /// Encrypt only values with a key on their path matching this regex
    #[arg(long, value_name = "REGEX")]
    pub encrypted_regex: Option<String>,
    /// Leave values clear after a comment matching this regex
    #[arg(long, value_name = "REGEX")]
    pub unencrypted_comment_regex: Option<String>,
    /// Encrypt only values after a comment matching this regex
    #[arg(long, value_name = "REGEX")]
    pub encrypted_comment_regex: Option<String>,
    /// Compute the MAC over encrypted values only
    #[arg(long)]
    pub mac_only_encrypted: bool,
}

impl SelectionFlags {
    fn fields(&self) -> Vec<(&'static str, String)> {
        crate::selector::set_fields([
            &self.unencrypted_suffix,
            &self.encrypted_suffix,
            &self.unencrypted_regex,
            &self.encrypted_regex,
            &self.unencrypted_comment_regex,
            &self.encrypted_comment_regex,
        ])
    }

    /// The rule to encrypt with: each field from its flag when given, else from the creation
    /// rule; more than one set is an error (exit 8); none gives sops's default.
    pub fn rule(&self, creation: Option<&CreationRule>) -> Result<Rule> {
        let mut fields = self.fields();
        if let Some(c) = creation {
            for (f, v) in c.rule_fields() {
                if !fields.iter().any(|(g, _)| *g == f) {
                    fields.push((f, v));
                }
            }
        }
        match fields.as_slice() {
            [] => Ok(Rule::default()),
            [(f, v)] => Rule::from_field(f, v).map_err(|e| {
                Failure::new(
                    Code::ConflictingParameters,
                    format!("invalid --{}: {e}", f.replace('_', "-")),
                )
            }),
            many => {
                let names: Vec<String> = many.iter().map(|(f, _)| f.to_string()).collect();
                Err(Failure::new(
                    Code::ConflictingParameters,
                    format!(
                        "only one selection rule can be used, got {}",
                        names.join(", ")
                    ),
                ))
            }
        }
    }
}

/// Recipients and the creation rule that applies to a new file.
pub struct Resolved {
    pub recipients: Recipients,
    pub rule: Option<CreationRule>,
}

impl Resolved {
    /// The options to encrypt a new file of `kind` with: recipients from here, the selection rule
    /// and `mac_only_encrypted` from the flags and the creation rule (binary files have no rule).
    pub fn encrypt_options(
        self,
        flags: &SelectionFlags,
        kind: crate::format::Kind,
    ) -> Result<crate::sopsfile::EncryptOptions> {
        let rule = if kind == crate::format::Kind::Binary {
            None
        } else {
            Some(flags.rule(self.rule.as_ref())?)
        };
        let mac_only_encrypted = flags.mac_only_encrypted
            || self
                .rule
                .as_ref()
                .and_then(|r| r.mac_only_encrypted)
                .unwrap_or(false);
        Ok(crate::sopsfile::EncryptOptions {
            recipients: self.recipients,
            rule,
            mac_only_encrypted,
        })
    }
}

/// Loads the configuration that applies (explicit path, else `.sops.yaml` found from the
/// current directory upwards).
pub fn load_config(config: Option<&Path>) -> Result<Option<Config>> {
    let cwd = std::env::current_dir().map_err(|e| {
        Failure::new(
            Code::ConfigError,
            format!("cannot read the current directory: {e}"),
        )
    })?;
    Config::find(config, &cwd)
}

/// Recipients from `--age` / `SOPS_AGE_RECIPIENTS` (one group), else from the first matching
/// creation rule of the configuration.
pub fn resolve_recipients(
    config: Option<&Path>,
    file: Option<&Path>,
    age: Option<&str>,
    threshold: Option<u32>,
) -> Result<Resolved> {
    let cfg = load_config(config)?;
    let rule = match (&cfg, file) {
        (Some(c), Some(f)) => c.rule_for(f)?.map(|m| m.rule.clone()),
        (Some(c), None) => c.rule_for(Path::new("-"))?.map(|m| m.rule.clone()),
        _ => None,
    };
    if let Some(list) = age.filter(|s| !s.trim().is_empty()) {
        let group: Vec<String> = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        return Ok(Resolved {
            recipients: Recipients {
                groups: vec![group],
                threshold,
            },
            rule,
        });
    }
    let Some(r) = &rule else {
        return Err(Failure::new(
            Code::NoEncryptionKey,
            "no recipient to encrypt to: pass --age, set SOPS_AGE_RECIPIENTS, or add a creation rule to .sops.yaml",
        ));
    };
    let unsupported = r.unsupported_key_types();
    let groups: Vec<Vec<String>> = r.groups().iter().map(|g| g.age_recipients()).collect();
    if groups.iter().any(Vec::is_empty) && !unsupported.is_empty() {
        return Err(Failure::new(
            Code::NoEncryptionKey,
            format!(
                "the creation rule uses key types veil does not support yet ({}); use age recipients",
                unsupported.join(", ")
            ),
        ));
    }
    Ok(Resolved {
        recipients: Recipients {
            groups,
            threshold: threshold.or(r.shamir_threshold),
        },
        rule,
    })
}

/// The identities found in the environment (format §8.2), or why discovery failed — reported
/// only if no key could be opened.
pub struct DiscoveredKeys {
    found: std::result::Result<crate::keys::identities::Identities, String>,
}

impl crate::keys::groups::KeySource for DiscoveredKeys {
    fn open_age(
        &self,
        recipient: &str,
        enc: &str,
    ) -> std::result::Result<Option<zeroize::Zeroizing<Vec<u8>>>, String> {
        match &self.found {
            Ok(ids) => ids.unwrap(recipient, enc).map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        }
    }

    fn searched(&self) -> Vec<String> {
        match &self.found {
            Ok(ids) => ids.searched().to_vec(),
            Err(e) => vec![format!("identity discovery failed: {e}")],
        }
    }
}

/// Discovers the identities of the process environment.
pub fn identities() -> DiscoveredKeys {
    let env = crate::keys::identities::Env::from_process();
    DiscoveredKeys {
        found: crate::keys::identities::Identities::discover(&env).map_err(|e| e.to_string()),
    }
}
