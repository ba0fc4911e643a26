//! `veil scan`: find secrets in a git repository's whole history, in what is staged, in a range of
//! commits, or in plain files.
//!
//! The sources ([`history`], [`files`]) stream work items (blob ids, file paths, commit messages)
//! through a bounded channel to one worker per core; each worker reads the content itself (a
//! `git2::Repository` of its own), runs the detector ([`rules`]) and the veil-aware checks
//! ([`veilaware`]) and keeps its findings. Only the findings are kept in memory, never the
//! contents, so memory stays bounded whatever the size of the history.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::{Receiver, Sender, bounded};
use sha2::{Digest, Sha256};

pub mod files;
pub mod history;
pub mod report;
pub mod rules;
pub mod sarif;
pub mod suppress;
pub mod veilaware;

use rules::{Detector, RuleInfo};
use veilaware::VeilAware;

/// The default `--max-blob-size`: 10 MiB.
pub const DEFAULT_MAX_BLOB_SIZE: u64 = 10 * 1024 * 1024;

/// One secret found in one piece of content, before it is placed (path, commit).
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: &'static RuleInfo,
    pub line: usize,
    pub secret: String,
    pub decoded: bool,
}

/// What is scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Every blob reachable from every ref, and every commit message.
    History,
    /// What the index adds or changes compared with HEAD.
    Staged,
    /// What the commits of `A..B` add (and their messages).
    Range(String),
    /// The files under the path (respecting `.gitignore`).
    Files,
}

#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub path: PathBuf,
    pub mode: Mode,
    pub max_blob_size: u64,
    /// Decrypt the repository's encrypted files and look for copies of their values.
    pub decrypt: bool,
    pub progress: bool,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// An explicit `.sops.yaml`.
    pub config: Option<PathBuf>,
}

/// The commit a history finding is attributed to.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CommitInfo {
    pub id: String,
    pub author: String,
    pub email: String,
    /// RFC 3339, the author date.
    pub date: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    File,
    CommitMessage,
}

/// A finding, placed: the oldest commit and path where it appears.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static RuleInfo,
    /// Path relative to the repository (or scanned directory); empty for commit messages.
    pub path: String,
    pub line: usize,
    pub secret: String,
    pub decoded: bool,
    pub origin: Origin,
    pub commit: Option<CommitInfo>,
    /// How many commits carry it (history scans; 0 otherwise).
    pub commits: usize,
    pub blob: Option<String>,
    pub fingerprint: String,
}

/// Counters of a scan.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Stats {
    pub commits: u64,
    pub blobs: u64,
    pub bytes: u64,
    pub skipped_large: u64,
    pub skipped_binary: u64,
    pub known_plaintext_values: u64,
}

/// The result of a scan, before suppression.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub stats: Stats,
    pub warnings: Vec<String>,
    /// The root that paths are relative to (for `.veilignore`).
    pub root: PathBuf,
}

/// A scan error (exit code 2).
#[derive(Debug)]
pub struct ScanError(pub String);

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<git2::Error> for ScanError {
    fn from(e: git2::Error) -> Self {
        ScanError(format!("git: {}", e.message()))
    }
}

/// The stable identity of a finding, independent of commit, path and line:
/// hex(sha256(rule id, NUL, secret)).
pub fn fingerprint(rule_id: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0u8]);
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}

/// Runs a scan.
pub fn scan(opts: &ScanOptions) -> Result<Outcome, ScanError> {
    match &opts.mode {
        Mode::Files => files::scan_files(opts),
        _ => history::scan_git(opts),
    }
}

/// Where a work item's content comes from.
pub(crate) enum Source {
    Blob(git2::Oid),
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// One work item.
pub(crate) struct Job {
    pub source: Source,
    pub path: String,
    /// The caller's tag (index of the commit), returned with the hits.
    pub tag: u32,
    pub origin: Origin,
}

/// A hit with what the worker knew of its place.
pub(crate) struct PlacedHit {
    pub hit: Hit,
    pub path: String,
    pub tag: u32,
    pub origin: Origin,
    pub blob: Option<git2::Oid>,
}

#[derive(Default)]
pub(crate) struct PoolOut {
    pub hits: Vec<PlacedHit>,
    pub stats: Stats,
    pub errors: Vec<String>,
}

/// A progress display on stderr (hidden unless asked for).
pub(crate) struct Progress {
    bar: indicatif::ProgressBar,
    bytes: AtomicU64,
    items: AtomicU64,
}

impl Progress {
    pub fn new(show: bool) -> Progress {
        let bar = if show {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        } else {
            indicatif::ProgressBar::hidden()
        };
        Progress {
            bar,
            bytes: AtomicU64::new(0),
            items: AtomicU64::new(0),
        }
    }

    pub fn stage(&self, msg: &str) {
        self.bar.set_message(msg.to_string());
    }

    fn add(&self, bytes: u64) {
        let b = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        let n = self.items.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(256) && !self.bar.is_hidden() {
            self.bar
                .set_message(format!("scanned {n} blobs, {:.1} MB", b as f64 / 1e6));
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Shared, read-only state of the workers.
pub(crate) struct Shared {
    pub veil: VeilAware,
    pub max_blob_size: u64,
    /// The repository to read blobs from.
    pub repo: Option<PathBuf>,
}

/// Runs `produce` on this thread, feeding a bounded channel that `threads` workers drain.
pub(crate) fn run_pool(
    shared: Arc<Shared>,
    threads: usize,
    progress: &Progress,
    produce: impl FnOnce(&Sender<Job>) -> Result<(), ScanError>,
) -> Result<PoolOut, ScanError> {
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        threads
    };
    let (tx, rx) = bounded::<Job>(1024);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let rx = rx.clone();
                let shared = shared.clone();
                s.spawn(move || worker(rx, &shared, progress))
            })
            .collect();
        drop(rx);
        let produced = produce(&tx);
        drop(tx);
        let mut out = PoolOut::default();
        for h in handles {
            let part = h
                .join()
                .map_err(|_| ScanError("a scan worker panicked".into()))??;
            out.hits.extend(part.hits);
            out.errors.extend(part.errors);
            let (a, b) = (&mut out.stats, part.stats);
            a.blobs += b.blobs;
            a.bytes += b.bytes;
            a.skipped_large += b.skipped_large;
            a.skipped_binary += b.skipped_binary;
        }
        produced?;
        if let Some(e) = shared.veil.limit_error() {
            return Err(ScanError(e));
        }
        Ok(out)
    })
}

fn worker(rx: Receiver<Job>, shared: &Shared, progress: &Progress) -> Result<PoolOut, ScanError> {
    let repo = match &shared.repo {
        Some(p) => Some(git2::Repository::open(p)?),
        None => None,
    };
    let odb = match &repo {
        Some(r) => Some(r.odb()?),
        None => None,
    };
    let detector = Detector::new();
    let mut out = PoolOut::default();
    for job in rx {
        let mut blob = None;
        // The content is scanned where it lies: in libgit2's buffer for a blob, not copied.
        let object: git2::OdbObject;
        let owned: Vec<u8>;
        let data: &[u8] = match job.source {
            Source::Bytes(b) => {
                owned = b;
                &owned
            }
            Source::Blob(oid) => {
                let odb = odb.as_ref().expect("blob jobs come with a repository");
                blob = Some(oid);
                match odb.read_header(oid) {
                    Ok((size, _)) if size as u64 > shared.max_blob_size => {
                        out.stats.skipped_large += 1;
                        continue;
                    }
                    Err(e) => {
                        out.errors
                            .push(format!("blob {oid} ({}): {}", job.path, e.message()));
                        continue;
                    }
                    _ => {}
                }
                match odb.read(oid) {
                    Ok(o) => {
                        object = o;
                        object.data()
                    }
                    Err(e) => {
                        out.errors
                            .push(format!("blob {oid} ({}): {}", job.path, e.message()));
                        continue;
                    }
                }
            }
            Source::File(p) => {
                match std::fs::metadata(&p) {
                    Ok(m) if m.len() > shared.max_blob_size => {
                        out.stats.skipped_large += 1;
                        continue;
                    }
                    Err(e) => {
                        out.errors.push(format!("{}: {e}", p.display()));
                        continue;
                    }
                    _ => {}
                }
                match std::fs::read(&p) {
                    Ok(d) => {
                        owned = d;
                        &owned
                    }
                    Err(e) => {
                        out.errors.push(format!("{}: {e}", p.display()));
                        continue;
                    }
                }
            }
        };
        if job.origin == Origin::File {
            out.stats.blobs += 1;
            out.stats.bytes += data.len() as u64;
        }
        progress.add(data.len() as u64);
        for hit in scan_content(
            &detector,
            &shared.veil,
            &job.path,
            data,
            job.origin,
            &mut out.stats,
        ) {
            out.hits.push(PlacedHit {
                hit,
                path: job.path.clone(),
                tag: job.tag,
                origin: job.origin,
                blob,
            });
        }
    }
    Ok(out)
}

/// Looks like binary content: a NUL byte in the first 8000 bytes (git's test).
fn is_binary(data: &[u8]) -> bool {
    data[..data.len().min(8000)].contains(&0)
}

/// Runs the detector and the veil-aware checks on one piece of content.
pub(crate) fn scan_content(
    detector: &Detector,
    veil: &VeilAware,
    path: &str,
    data: &[u8],
    origin: Origin,
    stats: &mut Stats,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    if is_binary(data) {
        stats.skipped_binary += 1;
    } else {
        let found = detector.scan(data);
        // Ciphertext spans are looked for only when there is something to filter.
        let spans = if found.is_empty() {
            Vec::new()
        } else {
            veilaware::never_secret_spans(data)
        };
        for m in found {
            if spans.iter().any(|s| m.start < s.end && s.start < m.end) {
                continue;
            }
            hits.push(Hit {
                rule: m.rule,
                line: m.line,
                secret: m.secret,
                decoded: m.decoded > 0,
            });
        }
    }
    if origin == Origin::File {
        veil.check(path, data, &mut hits);
    }
    // One hit per (rule, secret, line).
    hits.sort_by(|a, b| (a.line, a.rule.id, &a.secret).cmp(&(b.line, b.rule.id, &b.secret)));
    hits.dedup_by(|a, b| a.line == b.line && a.rule.id == b.rule.id && a.secret == b.secret);
    hits
}
