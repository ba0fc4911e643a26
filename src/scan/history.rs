//! Git sources: the whole history (every blob reachable from every ref, once), the index
//! against HEAD (`--staged`), and the blobs a range of commits adds (`--range A..B`).
//!
//! History: commits are walked from every ref in topological, reversed order (parents before
//! children), and each commit's tree is walked skipping the subtrees and blobs already seen. So a
//! blob is sent to the workers exactly once, with the path and commit where it first appears,
//! which is the oldest commit that introduced it. The number of commits carrying a finding is
//! counted afterwards, only for the blobs that have findings.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossbeam_channel::Sender;
use git2::{Delta, ObjectType, Oid, Repository, Sort, Tree};

use crate::config::Config;
use crate::scan::veilaware::VeilAware;
use crate::scan::{
    CommitInfo, Finding, Job, Mode, Origin, Outcome, PoolOut, Progress, ScanError, ScanOptions,
    Shared, Source, fingerprint, run_pool,
};

pub fn scan_git(opts: &ScanOptions) -> Result<Outcome, ScanError> {
    // Objects are addressed by their hash already; re-hashing every tree and blob read (libgit2's
    // default) doubles the cost of a history scan and finds nothing a scan needs.
    git2::opts::strict_hash_verification(false);
    let repo = Repository::discover(&opts.path)?;
    let root = repo
        .workdir()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| repo.path().to_path_buf());
    let progress = Progress::new(opts.progress);
    let out = match &opts.mode {
        Mode::Staged => staged(opts, &repo, &root, &progress),
        Mode::Range(r) => range(opts, &repo, &root, r, &progress),
        _ => history(opts, &repo, &root, &progress),
    };
    progress.finish();
    let mut out = out?;
    out.root = root;
    Ok(out)
}

/// Every commit reachable from any ref (and HEAD), parents first.
fn all_commits(repo: &Repository) -> Result<Vec<Oid>, ScanError> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let mut pushed = 0;
    for r in repo.references()? {
        let r = r?;
        if let Ok(c) = r.peel_to_commit() {
            walk.push(c.id())?;
            pushed += 1;
        }
    }
    if let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) {
        walk.push(head.id())?;
        pushed += 1;
    }
    if pushed == 0 {
        return Ok(Vec::new());
    }
    walk.collect::<Result<Vec<_>, _>>().map_err(Into::into)
}

/// The `.sops.yaml` files in force: `--config`, the work tree's (or HEAD's), and every version
/// at the root of the given trees.
fn configs(
    opts: &ScanOptions,
    repo: &Repository,
    root: &Path,
    blobs: &HashSet<Oid>,
) -> (Vec<Config>, Vec<String>) {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let at = root.join(".sops.yaml");
    let mut push = |r: crate::error::Result<Config>, what: &str| match r {
        Ok(c) => out.push(c),
        Err(e) => warnings.push(format!("{what}: {}", e.message)),
    };
    if let Some(c) = &opts.config {
        push(
            crate::scan::veilaware::find_config(Some(c), root).map(|c| c.expect("explicit")),
            "--config",
        );
    }
    if at.is_file() {
        push(
            crate::scan::veilaware::find_config(None, root).map(|c| c.expect("exists")),
            ".sops.yaml",
        );
    }
    for oid in blobs {
        if let Ok(b) = repo.find_blob(*oid) {
            push(
                crate::scan::veilaware::parse_config(&at, b.content().to_vec()),
                &format!(".sops.yaml (blob {})", short(*oid)),
            );
        }
    }
    (out, warnings)
}

fn short(oid: Oid) -> String {
    oid.to_string()[..12].to_string()
}

/// Calls `f(path, blob)` for every blob of `tree` not seen before, skipping known subtrees.
fn walk_new(
    repo: &Repository,
    tree: &Tree,
    prefix: &str,
    seen_trees: &mut HashSet<Oid>,
    seen_blobs: &mut HashSet<Oid>,
    f: &mut dyn FnMut(String, Oid) -> Result<(), ScanError>,
) -> Result<(), ScanError> {
    for e in tree.iter() {
        let Ok(name) = e.name() else { continue };
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        match e.kind() {
            Some(ObjectType::Tree) if seen_trees.insert(e.id()) => {
                let sub = repo.find_tree(e.id())?;
                walk_new(repo, &sub, &path, seen_trees, seen_blobs, f)?;
            }
            Some(ObjectType::Blob) if seen_blobs.insert(e.id()) => {
                f(path, e.id())?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn send(tx: &Sender<Job>, job: Job) -> Result<(), ScanError> {
    tx.send(job)
        .map_err(|_| ScanError("the scan workers stopped".into()))
}

fn history(
    opts: &ScanOptions,
    repo: &Repository,
    root: &Path,
    progress: &Progress,
) -> Result<Outcome, ScanError> {
    let timing = std::env::var_os("VEIL_SCAN_TIMING").is_some();
    let t0 = std::time::Instant::now();
    let lap = |what: &str| {
        if timing {
            eprintln!(
                "veil scan: {what} done at {:.2} s",
                t0.elapsed().as_secs_f64()
            );
        }
    };
    progress.stage("listing commits");
    let commits = all_commits(repo)?;
    lap("listing commits");
    let mut config_blobs = HashSet::new();
    for oid in &commits {
        let tree = repo.find_commit(*oid)?.tree()?;
        if let Some(e) = tree.get_name(".sops.yaml") {
            config_blobs.insert(e.id());
        }
    }
    let (configs, mut warnings) = configs(opts, repo, root, &config_blobs);
    lap("finding .sops.yaml versions");
    let mut veil = VeilAware::new(&configs);

    if opts.decrypt {
        progress.stage("decrypting the repository's encrypted files");
        let keys = crate::cli::keys::identities();
        let mut values = Vec::new();
        let (mut seen_t, mut seen_b) = (HashSet::new(), HashSet::new());
        let mut opened = 0;
        for oid in &commits {
            let tree = repo.find_commit(*oid)?.tree()?;
            walk_new(
                repo,
                &tree,
                "",
                &mut seen_t,
                &mut seen_b,
                &mut |path, blob| {
                    if (veil.covered(&path).is_some()
                        || crate::format::Kind::from_path(Path::new(&path))
                            != crate::format::Kind::Binary)
                        && let Ok(b) = repo.find_blob(blob)
                        && b.size() as u64 <= opts.max_blob_size
                        && let Some(v) =
                            crate::scan::veilaware::decrypt_values(&path, b.content(), &keys)
                    {
                        opened += 1;
                        values.extend(v);
                    }
                    Ok(())
                },
            )?;
        }
        if opened == 0 {
            warnings.push("--decrypt: no encrypted file of the history could be decrypted with the identities found".into());
        }
        veil.set_known(values);
    }

    let known = veil.known_count() as u64;
    let shared = Arc::new(Shared {
        veil,
        max_blob_size: opts.max_blob_size,
        repo: Some(repo.path().to_path_buf()),
    });
    progress.stage("scanning");
    let pool = run_pool(shared, opts.threads, progress, |tx| {
        let (mut seen_t, mut seen_b) = (HashSet::new(), HashSet::new());
        for (i, oid) in commits.iter().enumerate() {
            let commit = repo.find_commit(*oid)?;
            let msg = commit.message_bytes().to_vec();
            send(
                tx,
                Job {
                    source: Source::Bytes(msg),
                    path: String::new(),
                    tag: i as u32,
                    origin: Origin::CommitMessage,
                },
            )?;
            let tree = commit.tree()?;
            walk_new(
                repo,
                &tree,
                "",
                &mut seen_t,
                &mut seen_b,
                &mut |path, blob| {
                    send(
                        tx,
                        Job {
                            source: Source::Blob(blob),
                            path,
                            tag: i as u32,
                            origin: Origin::File,
                        },
                    )
                },
            )?;
        }
        Ok(())
    })?;
    lap("scanning");
    progress.stage("counting commits");
    let mut out = place(repo, &commits, pool, true)?;
    lap("counting carrying commits");
    out.stats.commits = commits.len() as u64;
    out.stats.known_plaintext_values = known;
    out.warnings.splice(0..0, warnings);
    Ok(out)
}

/// Turns the workers' hits into findings: commit information, and (for history scans) how many
/// commits carry each blob with findings.
fn place(
    repo: &Repository,
    commits: &[Oid],
    pool: PoolOut,
    count: bool,
) -> Result<Outcome, ScanError> {
    let mut infos: HashMap<u32, CommitInfo> = HashMap::new();
    let mut carried: HashMap<Oid, usize> = HashMap::new();
    if count {
        // Paths where each blob with a file finding was introduced.
        let mut wanted: HashMap<Oid, HashSet<String>> = HashMap::new();
        for h in &pool.hits {
            if let (Some(b), Origin::File) = (h.blob, h.origin) {
                wanted.entry(b).or_default().insert(h.path.clone());
            }
        }
        if !wanted.is_empty() {
            // Which wanted blobs each tree holds (at any path), memoized per tree: every unique
            // tree is read once, as in the scan itself.
            let mut memo: HashMap<Oid, Vec<Oid>> = HashMap::new();
            for oid in commits {
                let tree = repo.find_commit(*oid)?.tree_id();
                for b in holds(repo, tree, &wanted, &mut memo)? {
                    *carried.entry(b).or_default() += 1;
                }
            }
        }
    }
    let mut findings = Vec::new();
    for h in pool.hits {
        let commit = if commits.is_empty() {
            None
        } else {
            let tag = h.tag;
            if let std::collections::hash_map::Entry::Vacant(e) = infos.entry(tag) {
                let c = repo.find_commit(commits[tag as usize])?;
                let a = c.author();
                e.insert(CommitInfo {
                    id: c.id().to_string(),
                    author: a.name().unwrap_or("").to_string(),
                    email: a.email().unwrap_or("").to_string(),
                    date: git_time(a.when()),
                });
            }
            infos.get(&tag).cloned()
        };
        let commits_n = match (h.origin, h.blob) {
            (Origin::CommitMessage, _) => 1,
            (_, Some(b)) if count => carried.get(&b).copied().unwrap_or(1),
            _ => 0,
        };
        findings.push(Finding {
            fingerprint: fingerprint(h.hit.rule.id, &h.hit.secret),
            rule: h.hit.rule,
            path: h.path,
            line: h.hit.line,
            secret: h.hit.secret,
            decoded: h.hit.decoded,
            origin: h.origin,
            commit,
            commits: commits_n,
            blob: h.blob.map(|b| b.to_string()),
        });
    }
    let warnings = pool
        .errors
        .into_iter()
        .map(|e| format!("cannot read {e}"))
        .collect();
    Ok(Outcome {
        findings,
        stats: pool.stats,
        warnings,
        root: PathBuf::new(),
    })
}

/// The wanted blobs that `tree` holds anywhere below it.
fn holds(
    repo: &Repository,
    tree: Oid,
    wanted: &HashMap<Oid, HashSet<String>>,
    memo: &mut HashMap<Oid, Vec<Oid>>,
) -> Result<Vec<Oid>, ScanError> {
    if let Some(v) = memo.get(&tree) {
        return Ok(v.clone());
    }
    let t = repo.find_tree(tree)?;
    let mut out = Vec::new();
    for e in t.iter() {
        match e.kind() {
            Some(ObjectType::Blob) if wanted.contains_key(&e.id()) => out.push(e.id()),
            Some(ObjectType::Tree) => out.extend(holds(repo, e.id(), wanted, memo)?),
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    memo.insert(tree, out.clone());
    Ok(out)
}

fn git_time(t: git2::Time) -> String {
    let offset = time::UtcOffset::from_whole_seconds(t.offset_minutes() * 60)
        .unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp(t.seconds())
        .map(|d| d.to_offset(offset))
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The configs of one tree (its root `.sops.yaml`) plus the work tree's.
fn tree_configs(
    opts: &ScanOptions,
    repo: &Repository,
    root: &Path,
    tree: Option<&Tree>,
    index_blob: Option<Oid>,
) -> (Vec<Config>, Vec<String>) {
    let mut blobs = HashSet::new();
    if let Some(e) = tree.and_then(|t| t.get_name(".sops.yaml")) {
        blobs.insert(e.id());
    }
    if let Some(b) = index_blob {
        blobs.insert(b);
    }
    configs(opts, repo, root, &blobs)
}

fn staged(
    opts: &ScanOptions,
    repo: &Repository,
    root: &Path,
    progress: &Progress,
) -> Result<Outcome, ScanError> {
    let head = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
    let index = repo.index()?;
    let cfg_blob = index.get_path(Path::new(".sops.yaml"), 0).map(|e| e.id);
    let (configs, warnings) = tree_configs(opts, repo, root, None, cfg_blob);
    let mut veil = VeilAware::new(&configs);
    if opts.decrypt {
        veil.set_known(decrypt_tree(repo, head.as_ref(), &veil, opts.max_blob_size));
    }
    let mut diff_opts = git2::DiffOptions::new();
    diff_opts.ignore_submodules(true);
    let diff = repo.diff_tree_to_index(head.as_ref(), Some(&index), Some(&mut diff_opts))?;
    let jobs = added_blobs(&diff, &mut HashSet::new());
    let shared = Arc::new(Shared {
        veil,
        max_blob_size: opts.max_blob_size,
        repo: Some(repo.path().to_path_buf()),
    });
    let threads = if jobs.len() < 64 { 1 } else { opts.threads };
    let pool = run_pool(shared, threads, progress, |tx| {
        for (path, blob) in jobs {
            send(
                tx,
                Job {
                    source: Source::Blob(blob),
                    path,
                    tag: 0,
                    origin: Origin::File,
                },
            )?;
        }
        Ok(())
    })?;
    let mut out = place(repo, &[], pool, false)?;
    out.warnings.splice(0..0, warnings);
    Ok(out)
}

/// The new side of every added, modified, renamed or copied file of a diff, once per blob.
fn added_blobs(diff: &git2::Diff, seen: &mut HashSet<Oid>) -> Vec<(String, Oid)> {
    let mut out = Vec::new();
    for d in diff.deltas() {
        if !matches!(
            d.status(),
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        ) {
            continue;
        }
        let f = d.new_file();
        if f.id().is_zero()
            || !matches!(
                f.mode(),
                git2::FileMode::Blob | git2::FileMode::BlobExecutable
            )
        {
            continue;
        }
        let Some(path) = f.path().and_then(|p| p.to_str()) else {
            continue;
        };
        if seen.insert(f.id()) {
            out.push((path.to_string(), f.id()));
        }
    }
    out
}

/// Known plaintext from the encrypted files of one tree.
fn decrypt_tree(repo: &Repository, tree: Option<&Tree>, veil: &VeilAware, max: u64) -> Vec<String> {
    let Some(tree) = tree else { return Vec::new() };
    let keys = crate::cli::keys::identities();
    let mut values = Vec::new();
    let _ = walk_new(
        repo,
        tree,
        "",
        &mut HashSet::new(),
        &mut HashSet::new(),
        &mut |path, blob| {
            if (veil.covered(&path).is_some()
                || crate::format::Kind::from_path(Path::new(&path)) != crate::format::Kind::Binary)
                && let Ok(b) = repo.find_blob(blob)
                && b.size() as u64 <= max
                && let Some(v) = crate::scan::veilaware::decrypt_values(&path, b.content(), &keys)
            {
                values.extend(v);
            }
            Ok(())
        },
    );
    values
}

fn range(
    opts: &ScanOptions,
    repo: &Repository,
    root: &Path,
    spec: &str,
    progress: &Progress,
) -> Result<Outcome, ScanError> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    if spec.contains("..") {
        walk.push_range(spec)
            .map_err(|e| ScanError(format!("--range {spec}: {}", e.message())))?;
    } else {
        let obj = repo
            .revparse_single(spec)
            .map_err(|e| ScanError(format!("--range {spec}: {}", e.message())))?;
        walk.push(obj.peel_to_commit()?.id())?;
    }
    let commits: Vec<Oid> = walk.collect::<Result<_, _>>()?;
    let tip = match commits.last() {
        Some(c) => Some(repo.find_commit(*c)?.tree()?),
        None => None,
    };
    let (configs, warnings) = tree_configs(opts, repo, root, tip.as_ref(), None);
    let mut veil = VeilAware::new(&configs);
    if opts.decrypt {
        veil.set_known(decrypt_tree(repo, tip.as_ref(), &veil, opts.max_blob_size));
    }
    let shared = Arc::new(Shared {
        veil,
        max_blob_size: opts.max_blob_size,
        repo: Some(repo.path().to_path_buf()),
    });
    let pool = run_pool(shared, opts.threads, progress, |tx| {
        let mut seen = HashSet::new();
        for (i, oid) in commits.iter().enumerate() {
            let commit = repo.find_commit(*oid)?;
            let msg = commit.message_bytes().to_vec();
            send(
                tx,
                Job {
                    source: Source::Bytes(msg),
                    path: String::new(),
                    tag: i as u32,
                    origin: Origin::CommitMessage,
                },
            )?;
            let tree = commit.tree()?;
            let parent = match commit.parent(0) {
                Ok(p) => Some(p.tree()?),
                Err(_) => None,
            };
            let diff = repo.diff_tree_to_tree(parent.as_ref(), Some(&tree), None)?;
            for (path, blob) in added_blobs(&diff, &mut seen) {
                send(
                    tx,
                    Job {
                        source: Source::Blob(blob),
                        path,
                        tag: i as u32,
                        origin: Origin::File,
                    },
                )?;
            }
        }
        Ok(())
    })?;
    let mut out = place(repo, &commits, pool, false)?;
    out.stats.commits = commits.len() as u64;
    out.warnings.splice(0..0, warnings);
    Ok(out)
}
