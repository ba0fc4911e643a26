//! Suppressions that survive rebase and squash: they name a finding by its fingerprint — a
//! keyed hash of the secret ([`crate::scan::fingerprint`]) — never by commit or line.
//!
//! Entries written by veil 0.1 hold the unkeyed `sha256(rule id, NUL, secret)`; they still
//! suppress their finding, with a warning that gives the keyed fingerprint to put instead
//! (an unkeyed hash of a weak secret can be reversed by guessing).
//!
//! `.veilignore` (at the repository root, or the scanned directory) holds one entry a line:
//!
//! ```text
//! # comments and blank lines are ignored
//! 3f5a…64 hex digits…            # the finding, wherever it is
//! 3f5a…64 hex digits…  docs/**   # only under paths matching the glob
//! ```
//!
//! `veil scan --format json` (or `--show-fingerprints` in text) prints each finding's
//! fingerprint. Entries that suppress nothing are reported as warnings.
//!
//! A baseline (`--baseline FILE`, written by `--write-baseline FILE`) is a text file of one line
//! per known finding, `FINGERPRINT<TAB>RULE<TAB>PATH`, sorted and without duplicates so that it
//! diffs and merges line by line. A finding is in the baseline when its fingerprint is.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use globset::{Glob, GlobMatcher};

use crate::scan::Finding;

pub const IGNORE_FILE: &str = ".veilignore";

struct Entry {
    fingerprint: String,
    glob: Option<GlobMatcher>,
    line: usize,
    used: bool,
    /// The keyed fingerprint of the finding a legacy entry matched.
    migrate_to: Option<String>,
}

/// The parsed `.veilignore`.
#[derive(Default)]
pub struct IgnoreFile {
    entries: Vec<Entry>,
    pub source: String,
}

impl IgnoreFile {
    pub fn load(path: &Path) -> Result<IgnoreFile, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => IgnoreFile::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(IgnoreFile::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    pub fn parse(text: &str, source: &str) -> Result<IgnoreFile, String> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split_once('#').map_or(raw, |(a, _)| a).trim();
            if line.is_empty() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let fp = parts.next().unwrap_or_default().to_ascii_lowercase();
            if fp.len() != 64 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!(
                    "{source}:{}: expected a 64-hex-digit fingerprint",
                    i + 1
                ));
            }
            let glob = match parts.next() {
                Some(g) => Some(
                    Glob::new(g)
                        .map_err(|e| format!("{source}:{}: invalid glob: {e}", i + 1))?
                        .compile_matcher(),
                ),
                None => None,
            };
            if parts.next().is_some() {
                return Err(format!(
                    "{source}:{}: expected FINGERPRINT [PATH-GLOB]",
                    i + 1
                ));
            }
            entries.push(Entry {
                fingerprint: fp,
                glob,
                line: i + 1,
                used: false,
                migrate_to: None,
            });
        }
        Ok(IgnoreFile {
            entries,
            source: source.to_string(),
        })
    }

    /// Removes the findings an entry covers; marks the entries used.
    pub fn apply(&mut self, findings: &mut Vec<Finding>) -> usize {
        let before = findings.len();
        findings.retain(|f| {
            let mut keep = true;
            let legacy = crate::scan::legacy_fingerprint(f.rule.id, &f.secret);
            for e in self.entries.iter_mut() {
                if !e.glob.as_ref().is_none_or(|g| g.is_match(&f.path)) {
                    continue;
                }
                if e.fingerprint == f.fingerprint {
                    e.used = true;
                    keep = false;
                } else if e.fingerprint == legacy {
                    e.used = true;
                    e.migrate_to = Some(f.fingerprint.clone());
                    keep = false;
                }
            }
            keep
        });
        before - findings.len()
    }

    /// Warnings for the entries that suppressed nothing, and for the unkeyed entries to migrate.
    pub fn unused(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in &self.entries {
            if let Some(new) = &e.migrate_to {
                out.push(format!(
                    "{}:{}: entry {} is an unkeyed fingerprint of veil 0.1 (it can be reversed by guessing the secret): replace it with {new}",
                    self.source,
                    e.line,
                    &e.fingerprint[..12]
                ));
            } else if !e.used {
                out.push(format!(
                    "{}:{}: unused ignore entry {}",
                    self.source,
                    e.line,
                    &e.fingerprint[..12]
                ));
            }
        }
        out
    }
}

/// Removes the findings a baseline holds (by keyed or, from veil 0.1, unkeyed fingerprint);
/// returns a warning when unkeyed lines matched.
pub fn apply_baseline(
    known: &HashSet<String>,
    findings: &mut Vec<Finding>,
    source: &Path,
) -> Option<String> {
    let mut legacy = 0;
    findings.retain(|f| {
        if known.contains(&f.fingerprint) {
            return false;
        }
        if known.contains(&crate::scan::legacy_fingerprint(f.rule.id, &f.secret)) {
            legacy += 1;
            return false;
        }
        true
    });
    (legacy > 0).then(|| {
        format!(
            "{}: {legacy} line(s) hold unkeyed fingerprints of veil 0.1 (they can be reversed by guessing the secret): write the baseline again with --write-baseline",
            source.display()
        )
    })
}

/// The fingerprints of a baseline file.
pub fn read_baseline(path: &Path) -> Result<HashSet<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fp = line
            .split('\t')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if fp.len() != 64 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "{}:{}: not a baseline line (FINGERPRINT<TAB>RULE<TAB>PATH)",
                path.display(),
                i + 1
            ));
        }
        out.insert(fp);
    }
    Ok(out)
}

/// The text of a baseline of `findings`: a header, then sorted unique lines.
pub fn baseline_text(findings: &[Finding]) -> String {
    let lines: BTreeSet<String> = findings
        .iter()
        .map(|f| {
            let path = if f.path.is_empty() {
                "(commit message)"
            } else {
                f.path.as_str()
            };
            format!(
                "{}\t{}\t{}",
                f.fingerprint,
                f.rule.id,
                path.replace(['\t', '\n'], " ")
            )
        })
        .collect();
    let mut out = String::from(
        "# veil scan baseline v2: FINGERPRINT<TAB>RULE<TAB>PATH, sorted; fingerprint = HMAC-SHA256 of the secret under the scan key\n",
    );
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries() {
        let fp = "a".repeat(64);
        let f = IgnoreFile::parse(&format!("# x\n{fp}\n{fp} docs/**  # why\n"), "t").unwrap();
        assert_eq!(f.entries.len(), 2);
        assert!(IgnoreFile::parse("xyz\n", "t").is_err());
    }
}
