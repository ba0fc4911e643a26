//! The selection-rule flags and how they combine with a creation rule of `.sops.yaml`
//! (docs/format.md §5, §11.2).

use clap::Args;

use crate::config::CreationRule;
use crate::error::{Code, Failure, Result};
use crate::keys::recipients::Resolved;
use crate::pipeline::selector::Rule;

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
        crate::pipeline::selector::set_fields([
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

/// The options to encrypt a new file of `kind` with: recipients from here, the selection rule
/// and `mac_only_encrypted` from the flags and the creation rule (binary files have no rule).
pub fn encrypt_options(
    resolved: Resolved,
    flags: &SelectionFlags,
    kind: crate::format::Kind,
) -> Result<crate::pipeline::whole::EncryptOptions> {
    let rule = if kind == crate::format::Kind::Binary {
        None
    } else {
        Some(flags.rule(resolved.rule.as_ref())?)
    };
    let mac_only_encrypted = flags.mac_only_encrypted
        || resolved
            .rule
            .as_ref()
            .and_then(|r| r.mac_only_encrypted)
            .unwrap_or(false);
    Ok(crate::pipeline::whole::EncryptOptions {
        recipients: resolved.recipients,
        rule,
        mac_only_encrypted,
    })
}
