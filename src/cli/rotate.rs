//! `veil rotate` and `veil updatekeys`: a new data key (every value re-encrypted), recipients
//! added or removed, one file or every encrypted file of the repository.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use crate::crypto::datakey::DataKey;
use crate::error::{Code, Failure, Result};
use crate::format::{Kind, write_lossless};
use crate::keys::groups::{self, Recipients};
use crate::pipeline::metadata::Metadata;
use crate::pipeline::rewrite::{OpenFile, open_file, open_update, require_existing, write_back};
use crate::pipeline::whole::{self, DATA_KEY_CREATED_FIELD};

#[derive(Debug, Args)]
pub struct RotateArgs {
    /// Encrypted files to rotate
    #[arg(value_name = "FILE", required_unless_present = "all")]
    pub files: Vec<PathBuf>,
    /// Rotate every encrypted file of the repository (git's tracked files, or a directory walk
    /// outside git)
    #[arg(long, conflicts_with = "files")]
    pub all: bool,
    /// age recipients to add (to the first key group), comma-separated
    #[arg(long, value_name = "RECIPIENTS")]
    pub add_age: Option<String>,
    /// age recipients to remove (from every key group), comma-separated
    #[arg(long, value_name = "RECIPIENTS")]
    pub rm_age: Option<String>,
    /// Show what would change without writing
    #[arg(long)]
    pub dry_run: bool,
    /// Accepted for sops compatibility: rotation always writes in place
    #[arg(short = 'i', long, hide = true)]
    pub in_place: bool,
}

#[derive(Debug, Args)]
pub struct UpdatekeysArgs {
    /// Encrypted files whose recipients should match .sops.yaml
    #[arg(value_name = "FILE", required_unless_present = "all")]
    pub files: Vec<PathBuf>,
    /// Every encrypted file of the repository
    #[arg(long, conflicts_with = "files")]
    pub all: bool,
    /// Do not ask for confirmation
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Show the planned changes without writing
    #[arg(long)]
    pub dry_run: bool,
    /// Format of the files (default: from the extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
}

fn split_list(s: &Option<String>) -> Vec<String> {
    s.as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Every encrypted file under `root` (see [`crate::repo::files`]). Files are recognised by
/// their metadata, not their name.
pub fn encrypted_files(root: &Path) -> Result<Vec<PathBuf>> {
    let candidates = crate::repo::files(root).map_err(|e| {
        crate::error::Failure::new(crate::error::Code::CouldNotReadInput, e.to_string())
    })?;
    let mut files: Vec<PathBuf> = candidates
        .into_iter()
        .filter(|p| {
            // Encrypted files are small text files; skip big ones quickly.
            std::fs::metadata(p)
                .map(|m| m.len() < 64 << 20)
                .unwrap_or(false)
                && std::fs::read(p)
                    .map(|b| super::filestatus::is_encrypted(Kind::from_path(p), b))
                    .unwrap_or(false)
        })
        .collect();
    files.sort();
    Ok(files)
}

/// `files` with each file once: a symlink and its target (or two links, hard or symbolic, to
/// one file) are one file, kept under the name that comes first.
fn once_each(files: Vec<PathBuf>) -> Vec<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let mut seen = std::collections::HashSet::new();
    files
        .into_iter()
        .filter(|p| match std::fs::metadata(p) {
            Ok(m) => seen.insert((m.dev(), m.ino())),
            // Missing: reported by the command.
            Err(_) => true,
        })
        .collect()
}

/// Runs `work` over `files` on all cores; returns the failures (the others succeeded).
fn parallel<T: Send>(
    files: &[PathBuf],
    work: impl Fn(&Path) -> Result<T> + Sync,
) -> Vec<(PathBuf, Result<T>)> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(f) = files.get(i) else { break };
                    let r = work(f);
                    results
                        .lock()
                        .expect("no worker panics while holding the lock")
                        .push((f.clone(), r));
                }
            });
        }
    });
    let mut r = results.into_inner().expect("workers are done");
    r.sort_by(|a, b| a.0.cmp(&b.0));
    r
}

/// Re-encrypts an opened file under a brand-new data key for `recipients`.
fn rotate_open_file(file: &mut OpenFile, recipients: &Recipients) -> Result<Vec<u8>> {
    let key = DataKey::generate();
    let (key_groups, threshold) =
        groups::wrap(recipients, key.as_bytes()).map_err(|f| file.fail(f))?;
    let o = &mut file.opened;
    let mut meta = o.meta.clone();
    meta.key_groups = key_groups;
    meta.shamir_threshold = threshold;
    meta.extra.retain(|(k, _)| k != DATA_KEY_CREATED_FIELD);
    meta.extra.push((
        DATA_KEY_CREATED_FIELD.to_string(),
        serde_json::Value::String(whole::now_rfc3339()),
    ));
    meta.mac.clear();
    let rule = meta
        .selection_rule()
        .map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
    let store = o.store;
    whole::seal(
        store,
        &mut o.doc,
        &key,
        meta,
        &rule,
        None,
        None,
        store.kind(),
        false,
    )
    .map_err(|f| file.fail(f))
}

/// The paths of the encrypted values of a document (what a removed recipient could read).
fn encrypted_paths(file: &OpenFile) -> Vec<String> {
    let rule = file.opened.meta.selection_rule().unwrap_or_default();
    let mut out = Vec::new();
    fn walk(
        n: &crate::pipeline::tree::Node,
        path: &mut Vec<String>,
        rule: &crate::pipeline::selector::Rule,
        out: &mut Vec<String>,
    ) {
        use crate::pipeline::tree::{Entry, Node};
        match n {
            Node::Map(entries) => {
                for e in entries {
                    if let Entry::Pair(k, v) = e {
                        path.push(k.clone());
                        walk(v, path, rule, out);
                        path.pop();
                    }
                }
            }
            Node::Seq(items) => items.iter().for_each(|i| walk(i, path, rule, out)),
            Node::Scalar(_) => {
                if rule.encrypts(path, Vec::new) {
                    let p = path.iter().map(|k| format!("[{k:?}]")).collect::<String>();
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
            }
            Node::Alias(a) => walk(&a.target, path, rule, out),
            Node::Null | Node::Comment(_) => {}
        }
    }
    for d in &file.opened.doc.docs {
        walk(d, &mut Vec::new(), &rule, &mut out);
    }
    out
}

pub fn run_rotate(args: RotateArgs) -> Result<()> {
    let add = split_list(&args.add_age);
    let rm = split_list(&args.rm_age);
    for f in &args.files {
        if (!add.is_empty() || !rm.is_empty()) && !f.exists() {
            return Err(Failure::new(
                Code::CannotChangeKeysOfNonexistentFile,
                format!(
                    "{}: cannot change keys of a file that does not exist",
                    f.display()
                ),
            ));
        }
        require_existing(f)?;
    }
    let cwd = std::env::current_dir().map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
    let files = once_each(if args.all {
        encrypted_files(&cwd)?
    } else {
        args.files.clone()
    });
    if files.is_empty() {
        eprintln!("veil: no encrypted files found");
        return Ok(());
    }
    let results = parallel(&files, |path| {
        let keys = crate::keys::identities::from_process();
        let mut file = open_file(path, None, &keys)?;
        let mut recipients = Recipients::from_metadata(&file.opened.meta);
        if recipients.groups.is_empty() {
            recipients.groups.push(Vec::new());
        }
        for r in &add {
            if !recipients.groups.iter().flatten().any(|x| x == r) {
                recipients.groups[0].push(r.clone());
            }
        }
        let held: Vec<String> = recipients.groups.iter().flatten().cloned().collect();
        let removed: Vec<&str> = rm
            .iter()
            .filter(|r| held.contains(r))
            .map(String::as_str)
            .collect();
        for g in &mut recipients.groups {
            g.retain(|x| !rm.contains(x));
        }
        if removed.len() < rm.len() {
            eprintln!(
                "veil: {}: some recipients to remove were not recipients of the file",
                file.name()
            );
        }
        if args.dry_run {
            return Ok(false);
        }
        let exposed = encrypted_paths(&file);
        let bytes = rotate_open_file(&mut file, &recipients)?;
        let wrote = write_back(&mut file, &bytes)?;
        if !removed.is_empty() {
            eprintln!("{}", removal_notice(&file.name(), &removed, &exposed));
        }
        Ok(wrote)
    });
    summarize("rotated", &results, args.dry_run)
}

/// What to tell after a recipient was removed: who could read the file, and which values they
/// could read (to be rotated at their source: a new data key does not un-leak old values).
fn removal_notice(name: &str, removed: &[&str], exposed: &[String]) -> String {
    format!(
        "{name}: the data key was rotated. The removed recipient(s) {} could read every value of this file until now; rotate these secrets at their source: {}",
        removed.join(", "),
        exposed.join(", ")
    )
}

fn summarize(verb: &str, results: &[(PathBuf, Result<bool>)], dry_run: bool) -> Result<()> {
    let failed: Vec<&(PathBuf, Result<bool>)> =
        results.iter().filter(|(_, r)| r.is_err()).collect();
    for (p, r) in results {
        match r {
            Ok(_) if dry_run => eprintln!(
                "would be {verb}: {}",
                crate::fsio::sanitize(&p.display().to_string())
            ),
            Ok(_) => eprintln!(
                "{verb}: {}",
                crate::fsio::sanitize(&p.display().to_string())
            ),
            Err(f) => eprintln!("failed: {}", crate::fsio::sanitize(&f.message)),
        }
    }
    if results.len() > 1 {
        eprintln!(
            "{} file(s) {verb}{}, {} failed",
            results.len() - failed.len(),
            if dry_run { " (dry run)" } else { "" },
            failed.len()
        );
    }
    match failed.first() {
        None => Ok(()),
        Some((_, Err(f))) if failed.len() == 1 => Err(Failure::new(f.code, f.message.clone())),
        Some(_) => Err(Failure::new(
            Code::Generic,
            format!("{} of {} files failed", failed.len(), results.len()),
        )),
    }
}

/// The planned change of recipients for one file.
struct Plan {
    added: Vec<(usize, String)>,
    removed: Vec<(usize, String)>,
    threshold_change: Option<(Option<u32>, Option<u32>)>,
}

impl Plan {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.threshold_change.is_none()
    }
}

fn plan(current: &Recipients, desired: &Recipients) -> Plan {
    let mut added = Vec::new();
    let mut removed = Vec::new();
    let n = current.groups.len().max(desired.groups.len());
    let empty = Vec::new();
    for i in 0..n {
        let cur = current.groups.get(i).unwrap_or(&empty);
        let want = desired.groups.get(i).unwrap_or(&empty);
        added.extend(
            want.iter()
                .filter(|r| !cur.contains(r))
                .map(|r| (i, r.clone())),
        );
        removed.extend(
            cur.iter()
                .filter(|r| !want.contains(r))
                .map(|r| (i, r.clone())),
        );
    }
    let norm = |r: &Recipients| {
        if r.groups.len() > 1 {
            Some(r.threshold.unwrap_or(r.groups.len() as u32))
        } else {
            None
        }
    };
    let threshold_change = (norm(current) != norm(desired)).then(|| (norm(current), norm(desired)));
    Plan {
        added,
        removed,
        threshold_change,
    }
}

/// The recipients `.sops.yaml` wants for a file.
pub fn desired_recipients(
    config: &crate::config::Config,
    path: &Path,
) -> Result<Option<Recipients>> {
    let Some(m) = config.rule_for(path)? else {
        return Ok(None);
    };
    let groups: Vec<Vec<String>> = m
        .rule
        .groups()
        .iter()
        .map(|g| g.age_recipients())
        .filter(|g| !g.is_empty())
        .collect();
    if groups.is_empty() {
        return Ok(None);
    }
    Ok(Some(Recipients {
        groups,
        threshold: m.rule.shamir_threshold,
    }))
}

fn confirm(question: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(
            Code::ConflictingParameters,
            "not a terminal: pass -y to apply the changes without asking",
        ));
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

pub fn run_updatekeys(args: UpdatekeysArgs, config: Option<&Path>) -> Result<()> {
    let cfg = crate::config::Config::load_for_cwd(config)?.ok_or_else(|| {
        Failure::new(
            Code::ConfigError,
            "no .sops.yaml found (updatekeys makes recipients match it)",
        )
    })?;
    let cwd = std::env::current_dir().map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
    let files = once_each(if args.all {
        encrypted_files(&cwd)?
    } else {
        args.files.clone()
    });
    let mut results = Vec::new();
    for path in &files {
        let r = update_one(&cfg, path, &args);
        results.push((path.clone(), r));
    }
    summarize("updated", &results, args.dry_run)
}

fn update_one(cfg: &crate::config::Config, path: &Path, args: &UpdatekeysArgs) -> Result<bool> {
    require_existing(path)?;
    let name = crate::fsio::sanitize(&path.display().to_string());
    let desired = desired_recipients(cfg, path)?.ok_or_else(|| {
        Failure::new(
            Code::ConfigError,
            format!("{name}: the matching creation rule has no age recipients"),
        )
    })?;
    let kind = crate::fsio::kind_for(args.input_type, Some(path));
    let store = kind.reading_store();
    // Locked from this read to the write.
    let mut update = crate::fsio::Update::open(path)?;
    let original = update.bytes().to_vec();
    let doc = store
        .parse(original.clone())
        .map_err(|e| Failure::new(Code::CouldNotReadInput, format!("{name}: {e}")))?;
    let meta = whole::metadata_of(&doc)
        .map_err(|f| Failure::new(f.code, format!("{name}: {}", f.message)))?;
    let current = Recipients::from_metadata(&meta);
    let p = plan(&current, &desired);
    if p.is_empty() {
        eprintln!("{name}: recipients already match .sops.yaml");
        return Ok(false);
    }
    eprintln!("{name}:");
    for (g, r) in &p.added {
        eprintln!("  + group {}: {r}", g + 1);
    }
    for (g, r) in &p.removed {
        eprintln!("  - group {}: {r}", g + 1);
    }
    if let Some((a, b)) = p.threshold_change {
        eprintln!("  threshold: {a:?} -> {b:?}");
    }
    if !p.removed.is_empty() {
        eprintln!("  a recipient is removed: the data key will be rotated");
    }
    if args.dry_run || (!args.yes && !confirm("Apply?")?) {
        return Ok(false);
    }
    let keys = crate::keys::identities::from_process();
    let needs_rotation = !p.removed.is_empty()
        || p.threshold_change.is_some()
        || current.groups.len() != desired.groups.len();
    if needs_rotation {
        let mut file = open_update(update, path, args.input_type, &keys)?;
        let exposed = encrypted_paths(&file);
        let bytes = rotate_open_file(&mut file, &desired)?;
        let wrote = write_back(&mut file, &bytes)?;
        let removed: Vec<&str> = p.removed.iter().map(|(_, r)| r.as_str()).collect();
        eprintln!("{}", removal_notice(&name, &removed, &exposed));
        return Ok(wrote);
    }
    // Only additions: re-wrap the existing data key (or each group's share) for the new
    // recipients; existing master keys, values, MAC and lastmodified stay as they are.
    let new_meta = add_recipients(&meta, &desired, &keys)
        .map_err(|f| Failure::new(f.code, format!("{name}: {}", f.message)))?;
    let mut layout = crate::pipeline::record::LosslessRecord::default();
    let bytes = write_lossless(store, &doc, Some(&new_meta.to_value()), &mut layout);
    if bytes == original {
        return Ok(false);
    }
    update.commit(&bytes)?;
    Ok(true)
}

/// Adds master keys without changing the data key: each group's secret (the key, or the group's
/// Shamir share) is recovered from one of its existing master keys and wrapped for the new ones.
fn add_recipients(
    meta: &Metadata,
    desired: &Recipients,
    keys: &dyn groups::KeySource,
) -> Result<Metadata> {
    let mut out = meta.clone();
    for (i, want) in desired.groups.iter().enumerate() {
        let group = &mut out.key_groups[i];
        let new: Vec<&String> = want
            .iter()
            .filter(|r| !group.age.iter().any(|k| &k.recipient == *r))
            .collect();
        if new.is_empty() {
            continue;
        }
        let secret = group
            .age
            .iter()
            .find_map(|k| keys.open_age(&k.recipient, &k.enc).ok().flatten())
            .ok_or_else(|| {
                Failure::new(
                    Code::CouldNotRetrieveKey,
                    format!(
                        "no identity opens key group {} to add recipients to it",
                        i + 1
                    ),
                )
            })?;
        for r in new {
            let single = Recipients {
                groups: vec![vec![r.clone()]],
                threshold: None,
            };
            let secret_arr: [u8; 32] = match <[u8; 32]>::try_from(secret.as_slice()) {
                Ok(a) => a,
                Err(_) => {
                    // A 33-byte share: wrap it directly.
                    let parsed = crate::keys::age::AgeRecipient::parse(r)
                        .map_err(|e| Failure::new(Code::NoEncryptionKey, e.to_string()))?;
                    let enc = crate::keys::age::wrap(&parsed, &secret)
                        .map_err(|e| Failure::new(Code::NoEncryptionKey, e.to_string()))?;
                    group.age.push(crate::pipeline::metadata::AgeKey {
                        recipient: r.clone(),
                        enc,
                    });
                    continue;
                }
            };
            let (mut g, _) = groups::wrap(&single, &secret_arr)?;
            group.age.append(&mut g[0].age);
        }
    }
    Ok(out)
}
