//! The policy check behind `veil check`, the gate for CI and pre-commit. Keyless by default, it
//! reports (a) files a creation rule covers that are not encrypted, or hold a plaintext value
//! their selector should have encrypted; (b) encrypted files whose recipients drifted from their
//! rule; (c) data keys older than a maximum age; (d) with `verify`, files that do not decrypt or
//! whose MAC does not match. The command line (`cli/checkcmd.rs`) prints the [`Report`].

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::{Config, parse_duration};
use crate::format::Kind;
use crate::keys::groups::Recipients;
use crate::pipeline::tree::{Entry, Node};
use crate::pipeline::whole::{self, DATA_KEY_CREATED_FIELD};

/// What to check and how.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Files or directories (empty: the current directory's repository files).
    pub paths: Vec<PathBuf>,
    /// Check what is staged in git's index instead (the pre-commit case).
    pub staged: bool,
    /// Maximum age of a data key (`90d`), else the configuration's.
    pub max_age: Option<String>,
    /// Also decrypt every encrypted file and verify its MAC (needs identities).
    pub verify: bool,
}

#[derive(Debug, Serialize, Clone)]
pub struct Violation {
    pub path: String,
    pub kind: &'static str,
    pub message: String,
}

/// What a check found: violations of the policy, and files that could not be checked.
#[derive(Debug, Serialize, Default)]
pub struct Report {
    /// Encrypted files checked.
    pub checked: usize,
    pub violations: Vec<Violation>,
    pub errors: Vec<Violation>,
}

/// A file to check: its path (relative to the repository or current directory) and, for staged
/// content, the bytes; files of the working tree are read one at a time when checked.
pub struct Candidate {
    path: PathBuf,
    staged: Option<Vec<u8>>,
}

/// The files to check (reported errors go to `report`).
pub fn candidates(args: &CheckOptions, cwd: &Path, report: &mut Report) -> Vec<Candidate> {
    let mut paths: Vec<PathBuf> = Vec::new();
    if args.staged {
        return match crate::repo::staged(cwd) {
            Ok(files) => files
                .into_iter()
                .map(|f| Candidate {
                    path: f.path,
                    staged: Some(f.bytes),
                })
                .collect(),
            Err(e) => {
                report.errors.push(Violation {
                    path: ".".into(),
                    kind: "error",
                    message: format!("cannot read the staged content: {e}"),
                });
                Vec::new()
            }
        };
    }
    let dirs: Vec<&Path> = if args.paths.is_empty() {
        vec![Path::new(".")]
    } else {
        args.paths.iter().map(PathBuf::as_path).collect()
    };
    for p in dirs {
        if !p.is_dir() {
            paths.push(p.to_path_buf());
            continue;
        }
        match crate::repo::files(&cwd.join(p)) {
            // Shown relative to the current directory, as given.
            Ok(found) => paths.extend(found.into_iter().map(|f| {
                let rel = f.strip_prefix(cwd).map(Path::to_path_buf).unwrap_or(f);
                rel.strip_prefix(".").map(Path::to_path_buf).unwrap_or(rel)
            })),
            Err(e) => report.errors.push(Violation {
                path: p.display().to_string(),
                kind: "error",
                message: e.to_string(),
            }),
        }
    }
    paths
        .into_iter()
        .map(|path| Candidate { path, staged: None })
        .collect()
}

/// Leaves that `rule` selects but that are not encrypted.
fn plaintext_leaves(
    node: &Node,
    rule: &crate::pipeline::selector::Rule,
    path: &mut Vec<String>,
    out: &mut Vec<String>,
) {
    match node {
        Node::Map(entries) => {
            for e in entries {
                if let Entry::Pair(k, v) = e {
                    path.push(k.clone());
                    plaintext_leaves(v, rule, path, out);
                    path.pop();
                }
            }
        }
        Node::Seq(items) => items
            .iter()
            .for_each(|n| plaintext_leaves(n, rule, path, out)),
        Node::Scalar(l) => {
            let enc_or_empty = l
                .value
                .as_str()
                .is_some_and(|s| s.is_empty() || crate::crypto::cipher::is_encrypted(s));
            if !enc_or_empty && rule.encrypts(path, Vec::new) {
                out.push(path.iter().map(|k| format!("[{k:?}]")).collect());
            }
        }
        Node::Alias(a) => plaintext_leaves(&a.target, rule, path, out),
        Node::Null | Node::Comment(_) => {}
    }
}

/// When the data key of the file at `rel` was created: veil's record, else the oldest commit in
/// git history that already had one of the file's current master keys, else `lastmodified`.
fn data_key_created(
    meta: &crate::pipeline::metadata::Metadata,
    rel: &Path,
    cwd: &Path,
) -> Option<(i64, &'static str)> {
    use time::format_description::well_known::Rfc3339;
    let parse = |s: &str| {
        time::OffsetDateTime::parse(s, &Rfc3339)
            .ok()
            .map(|t| t.unix_timestamp())
    };
    if let Some((_, v)) = meta.extra.iter().find(|(k, _)| k == DATA_KEY_CREATED_FIELD)
        && let Some(t) = v.as_str().and_then(parse)
    {
        return Some((t, "recorded"));
    }
    let encs: Vec<&str> = meta
        .key_groups
        .iter()
        .flat_map(|g| g.keys.iter().map(|k| k.enc()))
        .collect();
    let history = crate::repo::history_of(cwd, rel).unwrap_or_default();
    let kind = Kind::from_path(rel);
    let mut created = None;
    for (time, bytes) in history {
        let Ok(doc) = kind.reading_store().parse(bytes) else {
            break;
        };
        let Ok(old) = whole::metadata_of(&doc) else {
            break;
        };
        let shares_key = old
            .key_groups
            .iter()
            .flat_map(|g| g.keys.iter())
            .any(|k| !k.enc().is_empty() && encs.contains(&k.enc()));
        if !shares_key {
            break;
        }
        created = Some((time, "git history"));
    }
    created.or_else(|| parse(&meta.lastmodified).map(|t| (t, "lastmodified")))
}

/// Checks one file against the configuration, adding what it finds to `report`.
pub fn check_one(
    c: &Candidate,
    cfg: Option<&Config>,
    args: &CheckOptions,
    cwd: &Path,
    report: &mut Report,
) {
    let display = c.path.display().to_string();
    if c.path.file_name().is_some_and(|n| n == ".sops.yaml") {
        return;
    }
    let kind = Kind::from_path(&c.path);
    let rule = cfg.and_then(|cfg| cfg.rule_for(&c.path).ok().flatten());
    // Only rules with a path_regex say "files here must be encrypted"; a catch-all rule just
    // names the keys to use.
    let required = rule
        .as_ref()
        .is_some_and(|m| m.rule.path_regex.as_deref().is_some_and(|r| !r.is_empty()));
    let bytes = match &c.staged {
        Some(b) => b.clone(),
        None => match std::fs::read(&c.path) {
            Ok(b) => b,
            Err(e) => {
                report.errors.push(Violation {
                    path: display,
                    kind: "error",
                    message: format!("cannot read: {e}"),
                });
                return;
            }
        },
    };
    let store = kind.reading_store();
    let doc = match store.parse(bytes.clone()) {
        Ok(d) => d,
        Err(e) => {
            if required {
                report.violations.push(Violation {
                    path: display,
                    kind: "not-encrypted",
                    message: format!(
                        "matches a creation rule but is not a valid encrypted file ({e})"
                    ),
                });
            }
            return;
        }
    };
    let Some(_) = doc.metadata else {
        if required {
            report.violations.push(Violation {
                path: display,
                kind: "not-encrypted",
                message: "matches a creation rule but is not encrypted".into(),
            });
        }
        return;
    };
    report.checked += 1;
    let meta = match whole::metadata_of(&doc) {
        Ok(m) => m,
        Err(f) => {
            report.violations.push(Violation {
                path: display,
                kind: "bad-metadata",
                message: f.message,
            });
            return;
        }
    };
    // (a) plaintext values the file's own selector should have encrypted.
    if let Ok(sel) = meta.selection_rule() {
        let mut clear = Vec::new();
        for d in &doc.docs {
            plaintext_leaves(d, &sel, &mut Vec::new(), &mut clear);
        }
        if kind != Kind::Binary && !clear.is_empty() {
            report.violations.push(Violation {
                path: display.clone(),
                kind: "plaintext-value",
                message: format!(
                    "values that should be encrypted are in clear text: {}",
                    clear.join(", ")
                ),
            });
        }
    }
    // (b) recipients drift.
    if let (Some(cfg), Some(_)) = (cfg, &rule)
        && let Ok(Some(want)) = crate::keys::recipients::desired_recipients(cfg, &c.path)
        && let Ok(have) = Recipients::from_metadata(&meta)
    {
        let p = crate::pipeline::rekey::plan(&have, &want);
        if !p.is_empty() {
            let extra: Vec<String> = p.removed.iter().map(|(_, r)| r.describe()).collect();
            let missing: Vec<String> = p.added.iter().map(|(_, r)| r.describe()).collect();
            let mut msg = String::from("keys differ from .sops.yaml");
            if !extra.is_empty() {
                msg.push_str(&format!("; can still be read by {}", extra.join(", ")));
            }
            if !missing.is_empty() {
                msg.push_str(&format!("; missing {}", missing.join(", ")));
            }
            if extra.is_empty() && missing.is_empty() {
                msg.push_str("; key groups or threshold differ");
            }
            msg.push_str(" (run veil updatekeys)");
            report.violations.push(Violation {
                path: display.clone(),
                kind: "recipient-drift",
                message: msg,
            });
        }
    }
    // (c) data key age.
    let limit = args
        .max_age
        .clone()
        .or_else(|| rule.as_ref().and_then(|m| m.rule.max_data_key_age.clone()))
        .or_else(|| cfg.and_then(|c| c.file.veil.max_data_key_age.clone()));
    if let Some(limit) = limit {
        match parse_duration(&limit) {
            None => report.errors.push(Violation {
                path: display.clone(),
                kind: "error",
                message: format!("invalid maximum age {limit:?} (use e.g. 90d)"),
            }),
            Some(max) => {
                if let Some((created, source)) = data_key_created(&meta, &c.path, cwd) {
                    let age = time::OffsetDateTime::now_utc().unix_timestamp() - created;
                    if age > max {
                        report.violations.push(Violation {
                            path: display.clone(),
                            kind: "stale-data-key",
                            message: format!("the data key is {} days old ({source}), more than {limit} (run veil rotate)", age / 86_400),
                        });
                    }
                }
            }
        }
    }
    // (d) decryption and MAC.
    if args.verify {
        let keys = crate::keys::from_process();
        if let Err(f) = whole::open(store, bytes, &keys, false) {
            report.violations.push(Violation {
                path: display,
                kind: "verify-failed",
                message: f.message,
            });
        }
    }
}
