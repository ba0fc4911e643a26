//! Where the recipients of a new file come from: `--age` / `SOPS_AGE_RECIPIENTS`, else the first
//! matching creation rule of `.sops.yaml`, combined as sops combines them (docs/format.md §11.2).

use std::path::Path;

use crate::config::{Config, CreationRule};
use crate::error::{Code, Failure, Result};
use crate::keys::groups::Recipients;

/// Recipients and the creation rule that applies to a new file.
pub struct Resolved {
    pub recipients: Recipients,
    pub rule: Option<CreationRule>,
}

/// Recipients from `--age` / `SOPS_AGE_RECIPIENTS` (one group), else from the first matching
/// creation rule of the configuration.
pub fn resolve_recipients(
    config: Option<&Path>,
    file: Option<&Path>,
    age: Option<&str>,
    threshold: Option<u32>,
) -> Result<Resolved> {
    let cfg = Config::load_for_cwd(config)?;
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
