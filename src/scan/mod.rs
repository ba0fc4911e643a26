//! `veil scan`: find secrets in a git repository's whole history, in what is staged, in a range of
//! commits, or in plain files.
//!
//! The sources ([`history`], [`files`]) stream work items (blob ids, file paths, commit messages)
//! through a bounded channel to one worker per core; each worker reads the content itself (a
//! `git2::Repository` of its own), runs the detector ([`rules`]) and the veil-aware checks
//! ([`encryption`]) and keeps its findings. Only the findings are kept in memory, never the
//! contents, so memory stays bounded whatever the size of the history.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::{Receiver, Sender, bounded};
use sha2::{Digest, Sha256};

pub mod encryption;
pub mod files;
pub mod fingerprint;
pub mod history;
pub mod report;
pub mod rules;
pub mod sarif;
pub mod suppress;

use encryption::EncryptionPolicy;
use rules::{Detector, RuleInfo};

/// The default `--max-blob-size`: 10 MiB.
pub const DEFAULT_MAX_BLOB_SIZE: u64 = 10 * 1024 * 1024;

/// One secret found in one piece of content, before it is placed (path, commit).
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: &'static RuleInfo,
    pub line: usize,
    pub secret: String,
    pub decoded: bool,
    /// The bytes of the content that hold the secret (for a decoded secret: its base64 text),
    /// when known; they are blanked out of the snippet.
    pub span: Option<(usize, usize)>,
    /// The finding's line with every secret on it replaced by `****` (at most
    /// [`SNIPPET_MAX`] bytes around the secret).
    pub snippet: String,
}

/// Longest snippet kept for a finding, in bytes.
pub const SNIPPET_MAX: usize = 200;

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
    /// `--staged` only: the files to judge (empty: everything the index changes). A listed file
    /// that the index does not change is scanned whole (`pre-commit run --all-files`).
    pub files: Vec<PathBuf>,
    /// An explicit fingerprint key file.
    pub fingerprint_key: Option<PathBuf>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
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
    /// The keyed fingerprint of the secret (see [`fingerprint`]); filled in by [`scan`].
    pub fingerprint: String,
    /// The line of the finding with its secrets redacted.
    pub snippet: String,
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
    /// The repository's git directory (git scans).
    pub git_dir: Option<PathBuf>,
    /// Where the fingerprint key came from.
    pub key_source: String,
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

/// The unkeyed fingerprint of veil 0.1 (`.veilignore` entries and baselines written then):
/// hex(sha256(rule id, NUL, secret)). Only matched, never written: it can be brute-forced.
pub fn legacy_fingerprint(rule_id: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0u8]);
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}

/// Runs a scan; the findings carry their keyed fingerprints.
pub fn scan(opts: &ScanOptions) -> Result<Outcome, ScanError> {
    let mut out = match &opts.mode {
        Mode::Files => files::scan_files(opts)?,
        _ => history::scan_git(opts)?,
    };
    let key = fingerprint::Key::resolve(
        opts.fingerprint_key.as_deref(),
        &out.root,
        out.git_dir.as_deref(),
    )
    .map_err(ScanError)?;
    for f in &mut out.findings {
        f.fingerprint = key.fingerprint(&f.secret);
    }
    out.key_source = key.source.clone();
    out.warnings.extend(key.warning.clone());
    Ok(out)
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
    /// Earlier versions of the same file (a commit's parents, HEAD for the index): a secret
    /// they already hold is not new, and is not reported.
    pub base: Vec<git2::Oid>,
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
    pub veil: EncryptionPolicy,
    pub max_blob_size: u64,
    /// The repository to read blobs from.
    pub repo: Option<PathBuf>,
    /// Scan content over `max_blob_size` in bounded memory, part by part, instead of skipping
    /// it (`--staged`: a gate must not let a large file through).
    pub stream_large: bool,
    /// The work tree: a large staged blob whose file there has the same content is streamed
    /// from the file (libgit2 reads a loose object's compressed bytes whole).
    pub workdir: Option<PathBuf>,
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
    // One compiled rule set for all workers (its regex caches are per thread).
    let detector = Detector::shared();
    let mut out = PoolOut::default();
    for job in rx {
        let blob = match job.source {
            Source::Blob(oid) => Some(oid),
            _ => None,
        };
        let Some(mut hits) = scan_job(&job, shared, detector, odb.as_ref(), progress, &mut out)
        else {
            continue;
        };
        if !hits.is_empty() && !job.base.is_empty() {
            let odb = odb.as_ref().expect("base versions come with a repository");
            hits = drop_known(hits, &job, shared, detector, odb, &mut out.errors);
        }
        for hit in hits {
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

/// Reads and scans one work item; `None` when it was skipped (too large, unreadable).
fn scan_job(
    job: &Job,
    shared: &Shared,
    detector: &Detector,
    odb: Option<&git2::Odb>,
    progress: &Progress,
    out: &mut PoolOut,
) -> Option<Vec<Hit>> {
    // The content is scanned where it lies: in libgit2's buffer for a blob, not copied.
    let object: git2::OdbObject;
    let owned: Vec<u8>;
    let data: &[u8] = match &job.source {
        Source::Bytes(b) => b,
        Source::Blob(oid) => {
            let odb = odb.expect("blob jobs come with a repository");
            let oid = *oid;
            match odb.read_header(oid) {
                Ok((size, _)) if size as u64 > shared.max_blob_size => {
                    if !shared.stream_large {
                        out.stats.skipped_large += 1;
                        return None;
                    }
                    if let Some(file) = shared
                        .workdir
                        .as_ref()
                        .map(|w| w.join(&job.path))
                        .filter(|f| {
                            git2::Oid::hash_file(git2::ObjectType::Blob, f).is_ok_and(|h| h == oid)
                        })
                        .and_then(|f| std::fs::File::open(f).ok())
                    {
                        return scan_stream(
                            detector,
                            job,
                            Box::new(file),
                            size as u64,
                            progress,
                            &mut out.stats,
                        )
                        .map_err(|e| out.errors.push(format!("{}: {e}", job.path)))
                        .ok();
                    }
                    return match stream_blob(odb, oid, size) {
                        Ok(reader) => scan_stream(
                            detector,
                            job,
                            reader,
                            size as u64,
                            progress,
                            &mut out.stats,
                        )
                        .map_err(|e| out.errors.push(format!("blob {oid} ({}): {e}", job.path)))
                        .ok(),
                        Err(e) => {
                            out.errors.push(format!("blob {oid} ({}): {e}", job.path));
                            None
                        }
                    };
                }
                Err(e) => {
                    out.errors
                        .push(format!("blob {oid} ({}): {}", job.path, e.message()));
                    return None;
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
                    return None;
                }
            }
        }
        Source::File(p) => {
            match std::fs::metadata(p) {
                Ok(m) if m.len() > shared.max_blob_size => {
                    if !shared.stream_large {
                        out.stats.skipped_large += 1;
                        return None;
                    }
                    return match std::fs::File::open(p) {
                        Ok(f) => scan_stream(
                            detector,
                            job,
                            Box::new(f),
                            m.len(),
                            progress,
                            &mut out.stats,
                        )
                        .map_err(|e| out.errors.push(format!("{}: {e}", p.display())))
                        .ok(),
                        Err(e) => {
                            out.errors.push(format!("{}: {e}", p.display()));
                            None
                        }
                    };
                }
                Err(e) => {
                    out.errors.push(format!("{}: {e}", p.display()));
                    return None;
                }
                _ => {}
            }
            match std::fs::read(p) {
                Ok(d) => {
                    owned = d;
                    &owned
                }
                Err(e) => {
                    out.errors.push(format!("{}: {e}", p.display()));
                    return None;
                }
            }
        }
    };
    if job.origin == Origin::File {
        out.stats.blobs += 1;
        out.stats.bytes += data.len() as u64;
    }
    progress.add(data.len() as u64);
    Some(scan_content(
        detector,
        &shared.veil,
        &job.path,
        data,
        job.origin,
        &mut out.stats,
    ))
}

/// A reader over a blob's content: streamed from a loose object; read whole where the object
/// database cannot stream (packed objects).
fn stream_blob<'a>(
    odb: &'a git2::Odb<'a>,
    oid: git2::Oid,
    _size: usize,
) -> Result<Box<dyn std::io::Read + 'a>, String> {
    match odb.reader(oid) {
        Ok((r, _, _)) => Ok(Box::new(r)),
        Err(_) => odb
            .read(oid)
            .map(|o| Box::new(std::io::Cursor::new(o.data().to_vec())) as Box<dyn std::io::Read>)
            .map_err(|e| e.message().to_string()),
    }
}

/// Bytes scanned at once when content is streamed.
const STREAM_PART: usize = 4 << 20;
/// Bytes each streamed part shares with the next, so that a secret across a boundary (a PEM
/// block, a long line) is seen whole in one of them.
const STREAM_OVERLAP: usize = 256 << 10;

/// Scans content too large to hold, part by part: parts of [`STREAM_PART`] bytes, each
/// overlapping the next by [`STREAM_OVERLAP`]; a hit is kept by the part where it starts
/// outside the overlap with the next part (the last part keeps all its hits). Memory stays
/// about one part whatever the size.
fn scan_stream(
    detector: &Detector,
    job: &Job,
    mut reader: Box<dyn std::io::Read + '_>,
    size: u64,
    progress: &Progress,
    stats: &mut Stats,
) -> Result<Vec<Hit>, String> {
    let mut hits = Vec::new();
    let mut buf: Vec<u8> = Vec::with_capacity(STREAM_PART + STREAM_OVERLAP);
    // Lines before `buf[0]`.
    let mut lines_before = 0usize;
    let mut first = true;
    let mut done = false;
    let mut total = 0u64;
    while !done {
        // Fill the part.
        while buf.len() < STREAM_PART + STREAM_OVERLAP {
            let start = buf.len();
            buf.resize(STREAM_PART + STREAM_OVERLAP, 0);
            match reader.read(&mut buf[start..]) {
                Ok(0) => {
                    buf.truncate(start);
                    done = true;
                    break;
                }
                Ok(n) => buf.truncate(start + n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(start),
                Err(e) => return Err(e.to_string()),
            }
        }
        if first && is_binary(&buf) {
            stats.skipped_binary += 1;
            return Ok(Vec::new());
        }
        first = false;
        // Hits starting at or past `keep_end` belong to the next part.
        let keep_end = if done {
            buf.len()
        } else {
            buf.len() - STREAM_OVERLAP
        };
        let mut part_stats = Stats::default();
        for mut h in scan_content(
            detector,
            &EncryptionPolicy::new(&[]),
            &job.path,
            &buf,
            job.origin,
            &mut part_stats,
        ) {
            let at = h.span.map_or(0, |s| s.0);
            if at >= keep_end {
                continue;
            }
            h.line += lines_before;
            h.span = None;
            hits.push(h);
        }
        let consumed = keep_end.min(buf.len());
        total += consumed as u64;
        progress.add(consumed as u64);
        lines_before += memchr::memchr_iter(b'\n', &buf[..consumed]).count();
        buf.drain(..consumed);
    }
    if job.origin == Origin::File {
        stats.blobs += 1;
        stats.bytes += total.max(size.min(total));
    }
    hits.sort_by(|a, b| (a.line, a.rule.id, &a.secret).cmp(&(b.line, b.rule.id, &b.secret)));
    hits.dedup_by(|a, b| a.line == b.line && a.rule.id == b.rule.id && a.secret == b.secret);
    Ok(hits)
}

/// Drops the hits whose secret an earlier version of the file already held (found there by the
/// scan, or present there as it is): a change elsewhere in a file does not report its old
/// secrets again.
fn drop_known(
    hits: Vec<Hit>,
    job: &Job,
    shared: &Shared,
    detector: &Detector,
    odb: &git2::Odb,
    errors: &mut Vec<String>,
) -> Vec<Hit> {
    let mut known: std::collections::HashSet<(String, bool)> = Default::default();
    let mut literal: Vec<bool> = vec![false; hits.len()];
    let finders: Vec<memchr::memmem::Finder> = hits
        .iter()
        .map(|h| memchr::memmem::Finder::new(h.secret.as_bytes()))
        .collect();
    let mut stats = Stats::default();
    for oid in &job.base {
        let size = match odb.read_header(*oid) {
            Ok((size, _)) => size,
            Err(e) => {
                errors.push(format!("blob {oid} ({}): {}", job.path, e.message()));
                continue;
            }
        };
        let base_job = Job {
            source: Source::Blob(*oid),
            path: job.path.clone(),
            tag: job.tag,
            origin: job.origin,
            base: Vec::new(),
        };
        let found = if size as u64 > shared.max_blob_size {
            // Large: streamed twice, once for the scan and once for the literal search.
            let Ok(r) = stream_blob(odb, *oid, size) else {
                continue;
            };
            let found = scan_stream(
                detector,
                &base_job,
                r,
                size as u64,
                &Progress::new(false),
                &mut stats,
            )
            .unwrap_or_default();
            if let Ok(mut r) = stream_blob(odb, *oid, size) {
                let longest = hits.iter().map(|h| h.secret.len()).max().unwrap_or(0);
                let mut buf = vec![0u8; STREAM_PART];
                let mut carry: Vec<u8> = Vec::new();
                loop {
                    let n = match r.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    carry.extend_from_slice(&buf[..n]);
                    for (i, f) in finders.iter().enumerate() {
                        if !literal[i] && !hits[i].secret.is_empty() && f.find(&carry).is_some() {
                            literal[i] = true;
                        }
                    }
                    let keep = longest.min(carry.len());
                    carry.drain(..carry.len() - keep);
                }
            }
            found
        } else {
            let Ok(o) = odb.read(*oid) else { continue };
            let data = o.data();
            for (i, f) in finders.iter().enumerate() {
                if !literal[i] && !hits[i].secret.is_empty() && f.find(data).is_some() {
                    literal[i] = true;
                }
            }
            scan_content(
                detector,
                &shared.veil,
                &job.path,
                data,
                job.origin,
                &mut stats,
            )
        };
        for h in found {
            known.insert((h.secret, h.rule.severity == rules::Severity::Critical));
        }
    }
    hits.into_iter()
        .zip(literal)
        .filter(|(h, lit)| {
            let critical = h.rule.severity == rules::Severity::Critical;
            // A file-level finding (its "secret" is the path) is old only if the earlier
            // version had it too.
            !(known.contains(&(h.secret.clone(), critical)) || (*lit && !critical))
        })
        .map(|(h, _)| h)
        .collect()
}

/// Looks like binary content: a NUL byte in the first 8000 bytes (git's test).
fn is_binary(data: &[u8]) -> bool {
    data[..data.len().min(8000)].contains(&0)
}

/// Runs the detector and the veil-aware checks on one piece of content.
pub(crate) fn scan_content(
    detector: &Detector,
    veil: &EncryptionPolicy,
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
            encryption::never_secret_spans(data)
        };
        for m in found {
            if spans.iter().any(|s| m.start < s.end && s.start < m.end) {
                continue;
            }
            let span = if m.decoded > 0 {
                Some((m.anchor, b64_run_end(data, m.anchor)))
            } else {
                Some((m.start, m.end))
            };
            hits.push(Hit {
                rule: m.rule,
                line: m.line,
                secret: m.secret,
                decoded: m.decoded > 0,
                span,
                snippet: String::new(),
            });
        }
    }
    if origin == Origin::File {
        veil.check(path, data, &mut hits);
    }
    // One hit per (rule, secret, line).
    hits.sort_by(|a, b| (a.line, a.rule.id, &a.secret).cmp(&(b.line, b.rule.id, &b.secret)));
    hits.dedup_by(|a, b| a.line == b.line && a.rule.id == b.rule.id && a.secret == b.secret);
    snippets(data, &mut hits);
    hits
}

/// End of the base64 text starting at `at` (a decoded finding's source).
fn b64_run_end(data: &[u8], at: usize) -> usize {
    let mut e = at.min(data.len());
    while e < data.len()
        && (data[e].is_ascii_alphanumeric() || matches!(data[e], b'+' | b'/' | b'=' | b'-' | b'_'))
    {
        e += 1;
    }
    e
}

/// Fills each hit's snippet: its line, every secret of the content that touches the line (by
/// span or by value) replaced with `****`, cut to [`SNIPPET_MAX`] bytes around the secret.
fn snippets(data: &[u8], hits: &mut [Hit]) {
    if hits.is_empty() {
        return;
    }
    let spans: Vec<(usize, usize)> = hits.iter().filter_map(|h| h.span).collect();
    let secrets: Vec<&[u8]> = hits
        .iter()
        .map(|h| h.secret.as_bytes())
        .filter(|s| s.len() >= 4)
        .collect();
    let mut starts: Vec<usize> = Vec::new();
    let mut line = 1;
    let mut pos = 0;
    // Line starts, computed once up to the last hit's line.
    let last = hits.iter().map(|h| h.line).max().unwrap_or(1);
    starts.push(0);
    while line < last {
        match memchr::memchr(b'\n', &data[pos..]) {
            Some(k) => {
                pos += k + 1;
                starts.push(pos);
                line += 1;
            }
            None => break,
        }
    }
    let mut texts: Vec<String> = Vec::with_capacity(hits.len());
    for h in hits.iter() {
        // A file that should be encrypted: none of its plaintext is shown.
        if h.rule.id == encryption::UNENCRYPTED_FILE.id {
            texts.push("(plaintext file: content not shown)".to_string());
            continue;
        }
        let Some(&ls) = starts.get(h.line.saturating_sub(1)) else {
            texts.push(String::new());
            continue;
        };
        let le = memchr::memchr(b'\n', &data[ls..]).map_or(data.len(), |k| ls + k);
        let mut mask = vec![false; le - ls];
        for &(a, b) in &spans {
            // A secret spanning lines (a PEM block) is blanked from its start to the line end.
            let (a, b) = (a.max(ls), b.min(le));
            if a < b {
                mask[a - ls..b - ls].iter_mut().for_each(|m| *m = true);
            } else if a == b && a < le && a >= ls {
                mask[a - ls..].iter_mut().for_each(|m| *m = true);
            }
        }
        let text = &data[ls..le];
        for s in &secrets {
            for at in memchr::memmem::find_iter(text, s) {
                mask[at..at + s.len()].iter_mut().for_each(|m| *m = true);
            }
        }
        let center = h
            .span
            .map_or(0, |(a, _)| a.saturating_sub(ls).min(text.len()));
        let (mut a, mut b) = (0, text.len());
        if b - a > SNIPPET_MAX {
            a = center.saturating_sub(SNIPPET_MAX / 3);
            b = (a + SNIPPET_MAX).min(text.len());
        }
        let mut out = Vec::with_capacity(b - a + 8);
        let mut i = a;
        while i < b {
            if mask[i] {
                out.extend_from_slice(b"****");
                while i < b && mask[i] {
                    i += 1;
                }
            } else {
                out.push(text[i]);
                i += 1;
            }
        }
        let mut s = String::from_utf8_lossy(&out).trim().to_string();
        s.retain(|c| !c.is_control() || c == '\t');
        if a > 0 {
            s.insert(0, '…');
        }
        if b < text.len() {
            s.push('…');
        }
        texts.push(s);
    }
    for (h, t) in hits.iter_mut().zip(texts) {
        h.snippet = t;
    }
}
