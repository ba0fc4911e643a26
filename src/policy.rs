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
    /// Report files without veil's authenticator as violations, not notices.
    pub require_authenticator: bool,
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
    /// Remarks that are not violations: files without veil's authenticator (violations when
    /// one is required).
    pub notices: Vec<Violation>,
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

/// When the data key of the file at `rel` was created: the earlier of veil's record (never later
/// than now) and the oldest commit in git history that already had one of the file's current
/// master keys, else `lastmodified`.
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
    // veil's record is authenticated only for key holders (format §9.6): keyless, a record
    // later than the key's first commit, or than now, is not believed.
    let recorded = meta
        .extra
        .iter()
        .find(|(k, _)| k == DATA_KEY_CREATED_FIELD)
        .and_then(|(_, v)| v.as_str().and_then(parse))
        .map(|t| {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            (t.min(now), "recorded")
        });
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
    match (recorded, created) {
        (Some(r), Some(g)) if g.0 < r.0 => Some(g),
        (Some(r), _) => Some(r),
        (None, g) => g.or_else(|| parse(&meta.lastmodified).map(|t| (t, "lastmodified"))),
    }
}

/// The metadata of every committed version of the file at `rel` that has metadata, oldest
/// first, with the commit time (seconds since the epoch).
fn history(rel: &Path, cwd: &Path) -> Vec<(i64, crate::pipeline::metadata::Metadata)> {
    let kind = Kind::from_path(rel);
    let mut out: Vec<_> = crate::repo::history_of(cwd, rel)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(time, bytes)| {
            let doc = kind.reading_store().parse(bytes).ok()?;
            whole::metadata_of(&doc).ok().map(|meta| (time, meta))
        })
        .collect();
    out.reverse();
    out
}

/// Do two versions of a file have the same data key? Keyless: they share a wrapped key (the
/// same `enc`: each wrapping is random, so two data keys never share one). veil's record of
/// when the key was created is not used: it has a resolution of one second (two keys made in
/// the same second would look alike) and, keyless, it is not authenticated.
fn same_data_key(
    a: &crate::pipeline::metadata::Metadata,
    b: &crate::pipeline::metadata::Metadata,
) -> bool {
    let encs = |m: &crate::pipeline::metadata::Metadata| -> Vec<String> {
        m.key_groups
            .iter()
            .flat_map(|g| g.keys.iter().map(|k| k.enc().to_string()))
            .filter(|e| !e.is_empty())
            .collect()
    };
    let theirs = encs(b);
    encs(a).iter().any(|e| theirs.contains(e))
}

/// Rollback (format §9.6, keyless): the file's `lastmodified` is older than one it had in an
/// earlier commit, or its data key is one that an earlier commit had already replaced.
fn rollback(
    meta: &crate::pipeline::metadata::Metadata,
    rel: &Path,
    cwd: &Path,
) -> Vec<(&'static str, String)> {
    use time::format_description::well_known::Rfc3339;
    let parse = |s: &str| time::OffsetDateTime::parse(s.trim(), &Rfc3339).ok();
    // A commit, by its time.
    let when = |t: i64| {
        time::OffsetDateTime::from_unix_timestamp(t)
            .ok()
            .and_then(|d| d.format(&Rfc3339).ok())
            .unwrap_or_else(|| t.to_string())
    };
    let past = history(rel, cwd);
    let mut found = Vec::new();
    if let Some(now) = parse(&meta.lastmodified)
        && let Some((commit, newest, text)) = past
            .iter()
            .filter_map(|(c, m)| parse(&m.lastmodified).map(|t| (c, t, &m.lastmodified)))
            .max_by_key(|(_, t, _)| *t)
        && newest > now
    {
        found.push((
            "rollback",
            format!(
                "lastmodified {} is older than {} in the commit of {} (an older version of the file was restored)",
                meta.lastmodified.trim(),
                text.trim(),
                when(*commit)
            ),
        ));
    }
    // The last version with this data key, and a later one without it.
    if let Some(last_with) = past.iter().rposition(|(_, m)| same_data_key(m, meta))
        && let Some((replaced_in, _)) = past[last_with + 1..]
            .iter()
            .find(|(_, m)| !same_data_key(m, meta))
    {
        found.push((
            "data-key-returned",
            format!(
                "the data key was replaced in the commit of {} and is back (an older version of the file was restored; run veil rotate)",
                when(*replaced_in)
            ),
        ));
    }
    found
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
        // Input past veil's limits (alias bomb, runaway nesting) fails the check itself.
        Err(e) if e.limit => {
            report.errors.push(Violation {
                path: display,
                kind: "error",
                message: e.to_string(),
            });
            return;
        }
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
    // (e) rollback across git history, and files without veil's authenticator.
    for (kind, message) in rollback(&meta, &c.path, cwd) {
        report.violations.push(Violation {
            path: display.clone(),
            kind,
            message,
        });
    }
    if meta.auth.is_none() {
        let v = Violation {
            path: display.clone(),
            kind: "no-authenticator",
            message: "no veil authenticator (written by sops or an older veil): keys, types, comments and metadata are not authenticated; any veil write adds one".into(),
        };
        if args.require_authenticator || cfg.is_some_and(|c| c.file.veil.require_authenticator) {
            report.violations.push(v);
        } else {
            report.notices.push(v);
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
