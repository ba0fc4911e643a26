//! Git sources: the whole history (every blob reachable from every ref, once), the index
//! against HEAD (`--staged`), and the blobs a range of commits adds (`--range A..B`).
//!
//! History: commits are walked from every ref in topological, reversed order (parents before
//! children), and each commit's tree is walked skipping the subtrees and blobs already seen. So a
//! blob is sent to the workers exactly once, with the path and commit where it first appears,
//! which is the oldest commit that introduced it. The number of commits carrying a finding is
//! counted afterwards, only for the blobs that have findings.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use crossbeam_channel::Sender;
use git2::{Delta, ObjectType, Oid, Repository, Sort, Tree};

use crate::config::Config;
use crate::scan::encryption::EncryptionPolicy;
use crate::scan::{
    CommitInfo, Finding, Job, Mode, Origin, Outcome, PoolOut, Progress, ScanError, ScanOptions,
    Shared, Source, run_pool,
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
    out.git_dir = Some(repo.commondir().to_path_buf());
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
    let mut push = |r: Result<Config, crate::config::ConfigError>, what: &str| match r {
        Ok(c) => out.push(c),
        Err(e) => warnings.push(format!("{what}: {e}")),
    };
    if let Some(c) = &opts.config {
        push(
            crate::scan::encryption::find_config(Some(c), root).map(|c| c.expect("explicit")),
            "--config",
        );
    }
    if at.is_file() {
        push(
            crate::scan::encryption::find_config(None, root).map(|c| c.expect("exists")),
            ".sops.yaml",
        );
    }
    for oid in blobs {
        if let Ok(b) = repo.find_blob(*oid) {
            push(
                crate::scan::encryption::parse_config(&at, b.content().to_vec()),
                &format!(".sops.yaml (blob {})", short(*oid)),
            );
        }
    }
    (out, warnings)
}

/// An object id as a hash key. `git2::Oid`'s own `Eq` is a call into libgit2 and its `Hash`
/// runs SipHash over 20 bytes; ids are uniformly random already, so the first 8 bytes are the
/// hash and equality is a plain byte compare (this is the hot path of the history walk).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct OidKey([u8; 20]);

impl OidKey {
    pub(crate) fn new(oid: Oid) -> OidKey {
        let mut k = [0u8; 20];
        k.copy_from_slice(oid.as_bytes());
        OidKey(k)
    }
}

impl Hash for OidKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut h = [0u8; 8];
        h.copy_from_slice(&self.0[..8]);
        state.write_u64(u64::from_le_bytes(h));
    }
}

/// The hasher of [`OidKey`] maps: the key's first 8 bytes as they are.
#[derive(Default)]
pub(crate) struct OidHasher(u64);

impl Hasher for OidHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Not reached for `OidKey`; a plain FNV-1a for anything else.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type OidSet = HashSet<OidKey, BuildHasherDefault<OidHasher>>;
pub(crate) type OidMap<V> = HashMap<OidKey, V, BuildHasherDefault<OidHasher>>;

fn short(oid: Oid) -> String {
    oid.to_string()[..12].to_string()
}

/// Calls `f(path, blob)` for every blob of `tree` not seen before, skipping known subtrees.
/// `path` is the tree's own path (a buffer reused down the walk, left as it was found); paths
/// are built only for what is new.
fn walk_new(
    repo: &Repository,
    tree: &Tree,
    path: &mut String,
    seen_trees: &mut OidSet,
    seen_blobs: &mut OidSet,
    f: &mut dyn FnMut(&str, Oid) -> Result<(), ScanError>,
) -> Result<(), ScanError> {
    for e in tree.iter() {
        let kind = e.kind();
        if !matches!(kind, Some(ObjectType::Tree | ObjectType::Blob)) {
            continue;
        }
        let id = e.id();
        let key = OidKey::new(id);
        let seen = if kind == Some(ObjectType::Tree) {
            &mut *seen_trees
        } else {
            &mut *seen_blobs
        };
        if seen.contains(&key) {
            continue;
        }
        // Entries whose name is not UTF-8 are skipped (and not marked seen).
        let Ok(name) = e.name() else { continue };
        seen.insert(key);
        let len = path.len();
        if len > 0 {
            path.push('/');
        }
        path.push_str(name);
        let r = if kind == Some(ObjectType::Tree) {
            repo.find_tree(id)
                .map_err(ScanError::from)
                .and_then(|sub| walk_new(repo, &sub, path, seen_trees, seen_blobs, f))
        } else {
            f(path, id)
        };
        path.truncate(len);
        r?;
    }
    Ok(())
}

fn send(tx: &Sender<Job>, job: Job) -> Result<(), ScanError> {
    tx.send(job)
        .map_err(|_| ScanError("the scan workers stopped".into()))
}

/// Queues a commit's message for scanning; `tag` is the commit's index in the walk.
fn send_message(tx: &Sender<Job>, commit: &git2::Commit, tag: u32) -> Result<(), ScanError> {
    let job = Job {
        source: Source::Bytes(commit.message_bytes().to_vec()),
        path: String::new(),
        tag,
        origin: Origin::CommitMessage,
        base: Vec::new(),
    };
    send(tx, job)
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
            // Peak and current resident memory, where /proc tells them.
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let field = |k: &str| {
                status
                    .lines()
                    .find(|l| l.starts_with(k))
                    .map_or("?".to_string(), |l| l[k.len()..].trim().to_string())
            };
            eprintln!(
                "veil scan: {what} done at {:.2} s (rss {}, peak {})",
                t0.elapsed().as_secs_f64(),
                field("VmRSS:"),
                field("VmHWM:")
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
    let mut veil = EncryptionPolicy::new(&configs);

    if opts.decrypt {
        progress.stage("decrypting the repository's encrypted files");
        let keys = crate::keys::from_process();
        let mut values = Vec::new();
        let (mut seen_t, mut seen_b) = (OidSet::default(), OidSet::default());
        let mut opened = 0;
        let mut buf = String::new();
        for oid in &commits {
            let tree = repo.find_commit(*oid)?.tree()?;
            walk_new(
                repo,
                &tree,
                &mut buf,
                &mut seen_t,
                &mut seen_b,
                &mut |path, blob| {
                    if (veil.covered(path).is_some()
                        || crate::format::Kind::from_path(Path::new(path))
                            != crate::format::Kind::Binary)
                        && let Ok(b) = repo.find_blob(blob)
                        && b.size() as u64 <= opts.max_blob_size
                        && let Some(v) =
                            crate::scan::encryption::decrypt_values(path, b.content(), &keys)
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
        stream_large: false,
        workdir: None,
    });
    progress.stage("scanning");
    let odb = repo.odb()?;
    let mut walk = HistoryWalk::new(&odb);
    let pool = run_pool(shared, opts.threads, progress, |tx| {
        for (i, oid) in commits.iter().enumerate() {
            let commit = repo.find_commit(*oid)?;
            send_message(tx, &commit, i as u32)?;
            walk.commit(commit.tree_id(), &mut |path, blob| {
                send(
                    tx,
                    Job {
                        source: Source::Blob(blob),
                        path: path.to_string(),
                        tag: i as u32,
                        origin: Origin::File,
                        base: Vec::new(),
                    },
                )
            })?;
        }
        Ok(())
    })?;
    lap("scanning");
    progress.stage("counting commits");
    let counting = match walk.graph.take() {
        Some(graph) => Counting::Graph {
            graph,
            roots: std::mem::take(&mut walk.roots),
            blobs: std::mem::take(&mut walk.blobs),
            threads: pool_threads(opts.threads),
        },
        None => Counting::Reread(opts.threads),
    };
    drop(walk);
    let mut out = place(repo, &commits, pool, counting)?;
    lap("counting carrying commits");
    out.stats.commits = commits.len() as u64;
    out.stats.known_plaintext_values = known;
    out.warnings.splice(0..0, warnings);
    Ok(out)
}

/// Threads for `--threads N` (0: one per core).
fn pool_threads(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        threads
    }
}

/// How [`place`] counts the commits that carry each blob with findings.
enum Counting {
    /// Not at all (staged and range scans).
    None,
    /// From the trees the history walk recorded.
    Graph {
        graph: TreeGraph,
        roots: Vec<u32>,
        blobs: OidMap<u32>,
        threads: usize,
    },
    /// By reading every commit's tree again, on this many threads (0: one per core).
    Reread(usize),
}

/// At most this many tree entries are kept by the history walk for counting carrying commits
/// (4 bytes each); past it the walk forgets them and the counting reads the trees again.
const MAX_GRAPH_ENTRIES: usize = 32 << 20;

/// Every tree of the history, as the history walk met it: for tree `t`,
/// `entries[ranges[t].0..ranges[t].1]` are its blob entries (blob index) and subtree entries
/// (tree index | [`SUBTREE`]).
#[derive(Default)]
struct TreeGraph {
    ranges: Vec<(u32, u32)>,
    entries: Vec<u32>,
}

const SUBTREE: u32 = 1 << 31;

/// The kind of a raw tree entry, from its mode.
#[derive(Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Tree,
    Blob,
    /// A submodule's commit.
    Other,
}

/// The entries of a raw (canonical) git tree: `<octal mode> <name>\0<20-byte id>`, in order.
/// Parsing stops at the first malformed entry.
fn raw_entries(data: &[u8]) -> impl Iterator<Item = (EntryKind, &[u8], &[u8; 20])> {
    let mut rest = data;
    std::iter::from_fn(move || {
        let sp = memchr::memchr(b' ', rest)?;
        let nul = sp + 1 + memchr::memchr(0, &rest[sp + 1..])?;
        let id: &[u8; 20] = rest.get(nul + 1..nul + 21)?.try_into().ok()?;
        let kind = match &rest[..sp] {
            b"40000" | b"040000" => EntryKind::Tree,
            b"160000" => EntryKind::Other,
            _ => EntryKind::Blob,
        };
        let name = &rest[sp + 1..nul];
        rest = &rest[nul + 21..];
        Some((kind, name, id))
    })
}

/// The history walk of a full scan: every commit's tree, read once per unique tree straight from
/// the object database (no libgit2 tree objects), each blob handed out once with the path where
/// it first appears. It records the tree structure ([`TreeGraph`]) so that counting the commits
/// that carry a finding needs no second pass over the trees.
struct HistoryWalk<'o> {
    odb: &'o git2::Odb<'o>,
    /// Every blob met (whatever its name), numbered.
    blobs: OidMap<u32>,
    /// Whether blob `i` was handed out (only under a UTF-8 path).
    sent: Vec<bool>,
    /// Every tree walked, numbered.
    trees: OidMap<u32>,
    /// The root tree (index) of each commit walked.
    roots: Vec<u32>,
    /// `None` once given up (too large, or a tree reached only under a non-UTF-8 name).
    graph: Option<TreeGraph>,
    path: String,
}

impl<'o> HistoryWalk<'o> {
    fn new(odb: &'o git2::Odb<'o>) -> HistoryWalk<'o> {
        HistoryWalk {
            odb,
            blobs: OidMap::default(),
            sent: Vec::new(),
            trees: OidMap::default(),
            roots: Vec::new(),
            graph: Some(TreeGraph::default()),
            path: String::new(),
        }
    }

    /// Walks the root tree of one commit.
    fn commit(
        &mut self,
        tree: Oid,
        f: &mut dyn FnMut(&str, Oid) -> Result<(), ScanError>,
    ) -> Result<(), ScanError> {
        let key = OidKey::new(tree);
        let t = match self.trees.get(&key) {
            Some(&t) => t,
            None => {
                self.path.clear();
                self.tree(key, f)?
            }
        };
        self.roots.push(t);
        Ok(())
    }

    /// Walks a tree not walked before; returns its index.
    fn tree(
        &mut self,
        key: OidKey,
        f: &mut dyn FnMut(&str, Oid) -> Result<(), ScanError>,
    ) -> Result<u32, ScanError> {
        let t = self.trees.len() as u32;
        self.trees.insert(key, t);
        if let Some(g) = &mut self.graph {
            g.ranges.push((0, 0));
        }
        let oid = Oid::from_bytes(&key.0)?;
        let obj = self.odb.read(oid)?;
        if obj.kind() != ObjectType::Tree {
            return Err(ScanError(format!("git: object {oid} is not a tree")));
        }
        let mut entries: Vec<u32> = Vec::new();
        for (kind, name, id) in raw_entries(obj.data()) {
            let key = OidKey(*id);
            match kind {
                EntryKind::Blob => {
                    let n = self.blobs.len() as u32;
                    let b = *self.blobs.entry(key).or_insert(n);
                    if b == n {
                        self.sent.push(false);
                    }
                    entries.push(b);
                    if self.sent[b as usize] {
                        continue;
                    }
                    // Blobs under a non-UTF-8 name are not scanned there (nor marked seen).
                    let Ok(name) = std::str::from_utf8(name) else {
                        continue;
                    };
                    self.sent[b as usize] = true;
                    let len = self.push(name);
                    let r = f(&self.path, Oid::from_bytes(id)?);
                    self.path.truncate(len);
                    r?;
                }
                EntryKind::Tree => {
                    if let Some(&sub) = self.trees.get(&key) {
                        entries.push(sub | SUBTREE);
                        continue;
                    }
                    let Ok(name) = std::str::from_utf8(name) else {
                        // Not walked here (as before): its blobs are unknown to the graph.
                        self.graph = None;
                        continue;
                    };
                    let len = self.push(name);
                    let r = self.tree(key, f);
                    self.path.truncate(len);
                    entries.push(r? | SUBTREE);
                }
                EntryKind::Other => {}
            }
        }
        if let Some(g) = &mut self.graph {
            let start = g.entries.len();
            if start + entries.len() > MAX_GRAPH_ENTRIES || t >= SUBTREE {
                self.graph = None;
            } else {
                g.entries.extend_from_slice(&entries);
                g.ranges[t as usize] = (start as u32, g.entries.len() as u32);
            }
        }
        Ok(t)
    }

    /// Appends `/name` (or `name` at the root) to the path; returns the length to truncate to.
    fn push(&mut self, name: &str) -> usize {
        let len = self.path.len();
        if len > 0 {
            self.path.push('/');
        }
        self.path.push_str(name);
        len
    }
}

impl TreeGraph {
    /// How many of the commits (their root trees, `roots`) carry each group of blobs: a commit
    /// carries group `g` when it holds, at any path, a wanted blob whose `members` list `g` (a
    /// commit holding several counts once).
    fn carrying(
        &self,
        roots: &[u32],
        blobs: &OidMap<u32>,
        wanted: &[Oid],
        members: &[Vec<u32>],
        groups: usize,
        threads: usize,
    ) -> Vec<usize> {
        // Blob index -> wanted index.
        let mut want = vec![u32::MAX; blobs.len()];
        for (w, b) in wanted.iter().enumerate() {
            if let Some(&i) = blobs.get(&OidKey::new(*b)) {
                want[i as usize] = w as u32;
            }
        }
        // One run of commits per thread, each with its own memo.
        let threads = threads.clamp(1, roots.len().div_ceil(1024).max(1));
        let chunk = roots.len().div_ceil(threads).max(1);
        let want = &want;
        let parts: Vec<Vec<u32>> = std::thread::scope(|s| {
            let handles: Vec<_> = roots
                .chunks(chunk)
                .map(|run| s.spawn(move || self.count_run(run, want, members, groups)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("counting thread"))
                .collect()
        });
        let mut counts = vec![0usize; groups];
        for part in parts {
            for (c, n) in counts.iter_mut().zip(part) {
                *c += n as usize;
            }
        }
        counts
    }

    /// For each group, how many of the `roots` trees hold one of its blobs.
    fn count_run(
        &self,
        roots: &[u32],
        want: &[u32],
        members: &[Vec<u32>],
        groups: usize,
    ) -> Vec<u32> {
        let mut memo: Vec<Option<Arc<[u32]>>> = vec![None; self.ranges.len()];
        let empty: Arc<[u32]> = Arc::from(Vec::new());
        let mut counts = vec![0u32; groups];
        let mut stamp = vec![u32::MAX; groups];
        for (n, &root) in roots.iter().enumerate() {
            let n = n as u32;
            let mut mark = |w: u32| {
                for &g in &members[w as usize] {
                    if stamp[g as usize] != n {
                        stamp[g as usize] = n;
                        counts[g as usize] += 1;
                    }
                }
            };
            let (a, b) = self.ranges[root as usize];
            for &e in &self.entries[a as usize..b as usize] {
                if e & SUBTREE != 0 {
                    for &w in self.holds(e & !SUBTREE, want, &mut memo, &empty).iter() {
                        mark(w);
                    }
                } else if want[e as usize] != u32::MAX {
                    mark(want[e as usize]);
                }
            }
        }
        counts
    }

    /// The wanted indices of the blobs below tree `t` (sorted, unique), memoized.
    fn holds(
        &self,
        t: u32,
        want: &[u32],
        memo: &mut [Option<Arc<[u32]>>],
        empty: &Arc<[u32]>,
    ) -> Arc<[u32]> {
        if let Some(v) = &memo[t as usize] {
            return v.clone();
        }
        let (a, b) = self.ranges[t as usize];
        let mut out: Vec<u32> = Vec::new();
        let mut only: Option<Arc<[u32]>> = None;
        let mut parts = 0;
        for &e in &self.entries[a as usize..b as usize] {
            if e & SUBTREE != 0 {
                let sub = self.holds(e & !SUBTREE, want, memo, empty);
                if !sub.is_empty() {
                    out.extend_from_slice(&sub);
                    parts += 1;
                    only = Some(sub);
                }
            } else if want[e as usize] != u32::MAX {
                out.push(want[e as usize]);
                parts += 1;
            }
        }
        let v = match (parts, only) {
            (0, _) => empty.clone(),
            (1, Some(sub)) => sub,
            _ => {
                out.sort_unstable();
                out.dedup();
                Arc::from(out)
            }
        };
        memo[t as usize] = Some(v.clone());
        v
    }
}

/// Turns the workers' hits into findings: one per (path, secret) — a commit message counts as
/// one path — placed at the oldest commit where it appears (the first in the walk's
/// parents-first order), and (for history scans) with the number of commits that carry it in
/// one of the file versions where it was found.
fn place(
    repo: &Repository,
    commits: &[Oid],
    pool: PoolOut,
    counting: Counting,
) -> Result<Outcome, ScanError> {
    let mut infos: HashMap<u32, CommitInfo> = HashMap::new();
    // Group the hits by (origin, path, secret); the representative is the oldest.
    let mut index: HashMap<(Origin, String, String), usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for h in pool.hits {
        let key = (h.origin, h.path.clone(), h.hit.secret.clone());
        match index.get(&key) {
            Some(&g) => {
                let group = &mut groups[g];
                if let Some(b) = h.blob
                    && !group.blobs.contains(&b)
                {
                    group.blobs.push(b);
                }
                if !group.tags.contains(&h.tag) {
                    group.tags.push(h.tag);
                }
                let best = &group.best;
                if (h.tag, h.hit.line, h.hit.rule.id) < (best.tag, best.hit.line, best.hit.rule.id)
                {
                    group.best = h;
                }
            }
            None => {
                index.insert(key, groups.len());
                groups.push(Group {
                    blobs: h.blob.into_iter().collect(),
                    tags: vec![h.tag],
                    best: h,
                });
            }
        }
    }
    let mut carried: Vec<usize> = Vec::new();
    let count = !matches!(counting, Counting::None);
    if count {
        // The blobs with a file finding, each with the groups it belongs to.
        let mut wanted: Vec<Oid> = Vec::new();
        let mut members: Vec<Vec<u32>> = Vec::new();
        let mut at: OidMap<usize> = OidMap::default();
        for (g, group) in groups.iter().enumerate() {
            if group.best.origin != Origin::File {
                continue;
            }
            for b in &group.blobs {
                let w = *at.entry(OidKey::new(*b)).or_insert_with(|| {
                    wanted.push(*b);
                    members.push(Vec::new());
                    wanted.len() - 1
                });
                members[w].push(g as u32);
            }
        }
        if !wanted.is_empty() {
            carried = match counting {
                Counting::Graph {
                    graph,
                    roots,
                    blobs,
                    threads,
                } => graph.carrying(&roots, &blobs, &wanted, &members, groups.len(), threads),
                Counting::Reread(threads) => {
                    carrying(repo, commits, &wanted, &members, groups.len(), threads)?
                }
                Counting::None => unreachable!("count is set"),
            };
        }
    }
    let mut findings = Vec::new();
    for (g, group) in groups.into_iter().enumerate() {
        let h = group.best;
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
        let commits_n = match h.origin {
            Origin::CommitMessage if !commits.is_empty() => group.tags.len(),
            Origin::File if count => carried.get(g).copied().unwrap_or(1).max(1),
            _ => 0,
        };
        findings.push(Finding {
            fingerprint: String::new(),
            rule: h.hit.rule,
            path: h.path,
            line: h.hit.line,
            secret: h.hit.secret,
            decoded: h.hit.decoded,
            origin: h.origin,
            commit,
            commits: commits_n,
            blob: h.blob.map(|b| b.to_string()),
            snippet: h.hit.snippet,
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
        ..Outcome::default()
    })
}

/// The hits of one (path, secret).
struct Group {
    best: crate::scan::PlacedHit,
    blobs: Vec<Oid>,
    tags: Vec<u32>,
}

/// How many of `commits` carry each group of the `wanted` blobs (see [`TreeGraph::carrying`]).
///
/// The commits are split into one contiguous run per thread; each thread reads the trees of its
/// run once, remembering for every subtree the (sorted, unique) indices of the wanted blobs below
/// it, and stamps each group of a commit's root tree with the commit's number so that it is
/// counted once per commit.
fn carrying(
    repo: &Repository,
    commits: &[Oid],
    wanted: &[Oid],
    members: &[Vec<u32>],
    groups: usize,
    threads: usize,
) -> Result<Vec<usize>, ScanError> {
    let index: OidMap<u32> = wanted
        .iter()
        .enumerate()
        .map(|(i, b)| (OidKey::new(*b), i as u32))
        .collect();
    let roots: Vec<Oid> = commits
        .iter()
        .map(|c| repo.find_commit(*c).map(|c| c.tree_id()))
        .collect::<Result<_, _>>()?;
    let threads = pool_threads(threads);
    // Below a few hundred commits a second thread is not worth opening the repository again.
    let threads = threads.clamp(1, roots.len().div_ceil(256).max(1));
    let mut counts = vec![0usize; groups];
    if threads == 1 {
        for (i, c) in count_run(repo, &roots, &index, members, groups)?
            .into_iter()
            .enumerate()
        {
            counts[i] += c as usize;
        }
    } else {
        let chunk = roots.len().div_ceil(threads);
        let path = repo.path().to_path_buf();
        let parts: Vec<Result<Vec<u32>, ScanError>> = std::thread::scope(|s| {
            let handles: Vec<_> = roots
                .chunks(chunk)
                .map(|run| {
                    let (path, index) = (&path, &index);
                    s.spawn(move || {
                        count_run(&Repository::open(path)?, run, index, members, groups)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(ScanError("a counting thread panicked".into())))
                })
                .collect()
        });
        for part in parts {
            for (i, c) in part?.into_iter().enumerate() {
                counts[i] += c as usize;
            }
        }
    }
    Ok(counts)
}

/// For each group, how many of the `roots` trees hold one of its blobs.
fn count_run(
    repo: &Repository,
    roots: &[Oid],
    index: &OidMap<u32>,
    members: &[Vec<u32>],
    groups: usize,
) -> Result<Vec<u32>, ScanError> {
    let mut counts = vec![0u32; groups];
    let mut stamp = vec![u32::MAX; groups];
    let mut memo = Memo {
        sets: OidMap::default(),
        empty: Arc::from(Vec::new()),
    };
    for (n, root) in roots.iter().enumerate() {
        let n = n as u32;
        let mut mark = |b: u32| {
            for &g in &members[b as usize] {
                if stamp[g as usize] != n {
                    stamp[g as usize] = n;
                    counts[g as usize] += 1;
                }
            }
        };
        let tree = repo.find_tree(*root)?;
        for e in tree.iter() {
            match e.kind() {
                Some(ObjectType::Blob) => {
                    if let Some(&b) = index.get(&OidKey::new(e.id())) {
                        mark(b);
                    }
                }
                Some(ObjectType::Tree) => {
                    for &b in memo.holds(repo, e.id(), index)?.iter() {
                        mark(b);
                    }
                }
                _ => {}
            }
        }
    }
    Ok(counts)
}

/// The wanted blobs below each subtree read so far.
struct Memo {
    sets: OidMap<Arc<[u32]>>,
    empty: Arc<[u32]>,
}

impl Memo {
    /// The indices of the wanted blobs that `tree` holds anywhere below it (sorted, unique).
    fn holds(
        &mut self,
        repo: &Repository,
        tree: Oid,
        index: &OidMap<u32>,
    ) -> Result<Arc<[u32]>, ScanError> {
        let key = OidKey::new(tree);
        if let Some(v) = self.sets.get(&key) {
            return Ok(v.clone());
        }
        let t = repo.find_tree(tree)?;
        let mut out: Vec<u32> = Vec::new();
        let mut only: Option<Arc<[u32]>> = None;
        let mut parts = 0;
        for e in t.iter() {
            match e.kind() {
                Some(ObjectType::Blob) => {
                    if let Some(&b) = index.get(&OidKey::new(e.id())) {
                        out.push(b);
                        parts += 1;
                    }
                }
                Some(ObjectType::Tree) => {
                    let sub = self.holds(repo, e.id(), index)?;
                    if !sub.is_empty() {
                        out.extend_from_slice(&sub);
                        parts += 1;
                        only = Some(sub);
                    }
                }
                _ => {}
            }
        }
        let v = match (parts, only) {
            (0, _) => self.empty.clone(),
            // A tree whose wanted blobs all sit in one subtree shares that subtree's set.
            (1, Some(sub)) => sub,
            _ => {
                out.sort_unstable();
                out.dedup();
                Arc::from(out)
            }
        };
        self.sets.insert(key, v.clone());
        Ok(v)
    }
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
    let mut veil = EncryptionPolicy::new(&configs);
    if opts.decrypt {
        veil.set_known(decrypt_tree(repo, head.as_ref(), &veil, opts.max_blob_size));
    }
    let mut diff_opts = git2::DiffOptions::new();
    diff_opts.ignore_submodules(true);
    let diff = repo.diff_tree_to_index(head.as_ref(), Some(&index), Some(&mut diff_opts))?;
    let mut jobs: Vec<(String, Oid, Vec<Oid>)> = added_blobs(&diff, &mut HashSet::new())
        .into_iter()
        .map(|(path, new, old)| (path, new, old.into_iter().collect()))
        .collect();
    if !opts.files.is_empty() {
        // Only the files named (pre-commit passes them); a file that the index does not change
        // (`pre-commit run --all-files`) is judged whole.
        let cwd =
            std::env::current_dir().map_err(|e| ScanError(format!("current directory: {e}")))?;
        let root_abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut wanted: Vec<String> = Vec::new();
        for f in &opts.files {
            let abs = cwd.join(f);
            let abs = match (
                abs.parent().and_then(|p| std::fs::canonicalize(p).ok()),
                abs.file_name(),
            ) {
                (Some(p), Some(n)) => p.join(n),
                _ => abs,
            };
            match abs.strip_prefix(&root_abs) {
                Ok(rel) => wanted.push(rel.to_string_lossy().replace('\\', "/")),
                Err(_) => {
                    return Err(ScanError(format!(
                        "{}: not in the repository {}",
                        f.display(),
                        root.display()
                    )));
                }
            }
        }
        let changed: HashSet<String> = jobs.iter().map(|j| j.0.clone()).collect();
        jobs.retain(|j| wanted.contains(&j.0));
        for w in wanted {
            if changed.contains(&w) {
                continue;
            }
            if let Some(e) = index.get_path(Path::new(&w), 0)
                && matches!(e.mode, 0o100644 | 0o100755)
            {
                jobs.push((w, e.id, Vec::new()));
            }
        }
    }
    let shared = Arc::new(Shared {
        veil,
        max_blob_size: opts.max_blob_size,
        repo: Some(repo.path().to_path_buf()),
        stream_large: true,
        workdir: repo.workdir().map(Path::to_path_buf),
    });
    let threads = if jobs.len() < 64 { 1 } else { opts.threads };
    let pool = run_pool(shared, threads, progress, |tx| {
        for (path, blob, base) in jobs {
            send(
                tx,
                Job {
                    source: Source::Blob(blob),
                    path,
                    tag: 0,
                    origin: Origin::File,
                    base,
                },
            )?;
        }
        Ok(())
    })?;
    let mut out = place(repo, &[], pool, Counting::None)?;
    out.warnings.splice(0..0, warnings);
    Ok(out)
}

/// The new side of every added, modified, renamed or copied file of a diff, once per blob, with
/// the old side's blob when there is one.
fn added_blobs(diff: &git2::Diff, seen: &mut HashSet<Oid>) -> Vec<(String, Oid, Option<Oid>)> {
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
        let old = d.old_file();
        let old = (!old.id().is_zero()
            && matches!(
                old.mode(),
                git2::FileMode::Blob | git2::FileMode::BlobExecutable
            ))
        .then(|| old.id());
        if seen.insert(f.id()) {
            out.push((path.to_string(), f.id(), old));
        }
    }
    out
}

/// Known plaintext from the encrypted files of one tree.
fn decrypt_tree(
    repo: &Repository,
    tree: Option<&Tree>,
    veil: &EncryptionPolicy,
    max: u64,
) -> Vec<String> {
    let Some(tree) = tree else { return Vec::new() };
    let keys = crate::keys::from_process();
    let mut values = Vec::new();
    let _ = walk_new(
        repo,
        tree,
        &mut String::new(),
        &mut OidSet::default(),
        &mut OidSet::default(),
        &mut |path, blob| {
            if (veil.covered(path).is_some()
                || crate::format::Kind::from_path(Path::new(path)) != crate::format::Kind::Binary)
                && let Ok(b) = repo.find_blob(blob)
                && b.size() as u64 <= max
                && let Some(v) = crate::scan::encryption::decrypt_values(path, b.content(), &keys)
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
    let mut veil = EncryptionPolicy::new(&configs);
    if opts.decrypt {
        veil.set_known(decrypt_tree(repo, tip.as_ref(), &veil, opts.max_blob_size));
    }
    let shared = Arc::new(Shared {
        veil,
        max_blob_size: opts.max_blob_size,
        repo: Some(repo.path().to_path_buf()),
        stream_large: false,
        workdir: None,
    });
    let pool = run_pool(shared, opts.threads, progress, |tx| {
        let mut seen = HashSet::new();
        for (i, oid) in commits.iter().enumerate() {
            let commit = repo.find_commit(*oid)?;
            send_message(tx, &commit, i as u32)?;
            let tree = commit.tree()?;
            let parents: Vec<Tree> = commit
                .parents()
                .map(|p| p.tree())
                .collect::<Result<_, _>>()?;
            let mut diff_opts = git2::DiffOptions::new();
            diff_opts.ignore_submodules(true);
            let mut diff =
                repo.diff_tree_to_tree(parents.first(), Some(&tree), Some(&mut diff_opts))?;
            // A file moved and edited in the same commit keeps its old secrets.
            diff.find_similar(None)?;
            'blobs: for (path, blob, old) in added_blobs(&diff, &mut seen) {
                let mut base: Vec<Oid> = old.into_iter().collect();
                // A merge introduces only what none of its parents had at that path.
                for p in parents.iter().skip(1) {
                    if let Ok(e) = p.get_path(Path::new(&path))
                        && e.kind() == Some(ObjectType::Blob)
                    {
                        if e.id() == blob {
                            continue 'blobs;
                        }
                        base.push(e.id());
                    }
                }
                send(
                    tx,
                    Job {
                        source: Source::Blob(blob),
                        path,
                        tag: i as u32,
                        origin: Origin::File,
                        base,
                    },
                )?;
            }
        }
        Ok(())
    })?;
    let mut out = place(repo, &commits, pool, Counting::None)?;
    out.stats.commits = commits.len() as u64;
    out.warnings.splice(0..0, warnings);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    /// A file of a test tree: raw path bytes and blob.
    type File<'a> = (&'a [u8], Oid);

    /// A tree from `(path, blob)` pairs (paths with `/` make subtrees; names are raw bytes).
    fn tree(repo: &Repository, files: &[File]) -> Oid {
        let mut here = repo.treebuilder(None).unwrap();
        let mut dirs: Vec<(&[u8], Vec<File>)> = Vec::new();
        for (p, b) in files {
            match p.iter().position(|&c| c == b'/') {
                Some(i) => match dirs.iter_mut().find(|d| d.0 == &p[..i]) {
                    Some(d) => d.1.push((&p[i + 1..], *b)),
                    None => dirs.push((&p[..i], vec![(&p[i + 1..], *b)])),
                },
                None => {
                    let name = std::ffi::OsStr::from_bytes(p);
                    here.insert(Path::new(name), *b, 0o100644).unwrap();
                }
            }
        }
        for (d, sub) in dirs {
            let t = tree(repo, &sub);
            here.insert(Path::new(std::ffi::OsStr::from_bytes(d)), t, 0o040000)
                .unwrap();
        }
        here.write().unwrap()
    }

    fn commit(repo: &Repository, t: Oid, parents: &[Oid], refname: Option<&str>) -> Oid {
        let sig = git2::Signature::new("T", "t@example.org", &git2::Time::new(1, 0)).unwrap();
        let t = repo.find_tree(t).unwrap();
        let ps: Vec<_> = parents
            .iter()
            .map(|p| repo.find_commit(*p).unwrap())
            .collect();
        let refs: Vec<&git2::Commit> = ps.iter().collect();
        repo.commit(refname, &sig, &sig, "m", &t, &refs).unwrap()
    }

    /// Every blob of a commit's tree, at any depth, once.
    fn blobs_of(repo: &Repository, t: Oid, out: &mut HashSet<Oid>) {
        for e in repo.find_tree(t).unwrap().iter() {
            match e.kind() {
                Some(ObjectType::Tree) => blobs_of(repo, e.id(), out),
                Some(ObjectType::Blob) => {
                    out.insert(e.id());
                }
                _ => {}
            }
        }
    }

    /// The counts from the walk's tree graph, from reading the trees again (1 and 2 threads)
    /// and from a brute-force walk of every commit agree, with a blob held twice by one tree, in
    /// two subtrees, on two branches and a merge.
    #[test]
    fn carrying_counts_agree() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let x = repo.blob(b"x").unwrap();
        let y = repo.blob(b"y").unwrap();
        let z = repo.blob(b"z").unwrap();
        let t0 = tree(&repo, &[(b"a", x), (b"d/b", y)]);
        let c0 = commit(&repo, t0, &[], None);
        let t1 = tree(&repo, &[(b"a", x), (b"d/b", y), (b"d/c", x), (b"e/f", x)]);
        let mut tip = c0;
        for _ in 0..1100 {
            tip = commit(&repo, t1, &[tip], None);
        }
        let t2 = tree(&repo, &[(b"a", z), (b"g/h", y)]);
        let side = commit(&repo, t2, &[c0], Some("refs/heads/side"));
        let t3 = tree(&repo, &[(b"a", x), (b"g/h", z)]);
        let merged = commit(&repo, t3, &[tip, side], Some("refs/heads/main"));
        let _ = merged;
        let commits = all_commits(&repo).unwrap();
        let odb = repo.odb().unwrap();
        let mut walk = HistoryWalk::new(&odb);
        let mut sent = Vec::new();
        for c in &commits {
            let t = repo.find_commit(*c).unwrap().tree_id();
            walk.commit(t, &mut |p, b| {
                sent.push((p.to_string(), b));
                Ok(())
            })
            .unwrap();
        }
        assert_eq!(sent.len(), 3, "each blob once: {sent:?}");
        let wanted = vec![x, y, z];
        let mut expected: OidMap<usize> = OidMap::default();
        for c in &commits {
            let mut held = HashSet::new();
            blobs_of(&repo, repo.find_commit(*c).unwrap().tree_id(), &mut held);
            for b in held {
                *expected.entry(OidKey::new(b)).or_default() += 1;
            }
        }
        let graph = walk.graph.take().expect("a graph");
        // One group per blob, and a group of x and z together (commits holding either).
        let members: Vec<Vec<u32>> = vec![vec![0, 3], vec![1], vec![2, 3]];
        let mut either = 0;
        for c in &commits {
            let mut held = HashSet::new();
            blobs_of(&repo, repo.find_commit(*c).unwrap().tree_id(), &mut held);
            if held.contains(&x) || held.contains(&z) {
                either += 1;
            }
        }
        for threads in [1, 2] {
            let g = graph.carrying(&walk.roots, &walk.blobs, &wanted, &members, 4, threads);
            let r = carrying(&repo, &commits, &wanted, &members, 4, threads).unwrap();
            for (i, b) in wanted.iter().enumerate() {
                let k = OidKey::new(*b);
                assert_eq!(Some(&g[i]), expected.get(&k), "graph, {threads} thread(s)");
                assert_eq!(Some(&r[i]), expected.get(&k), "reread, {threads} thread(s)");
            }
            assert_eq!(
                (g[3], r[3]),
                (either, either),
                "a group counts a commit once"
            );
        }
    }

    /// A subtree reachable only under a name that is not UTF-8 is not walked (as before), and the
    /// walk then gives its graph up so that counting reads the trees again.
    #[test]
    fn non_utf8_tree_name_gives_the_graph_up() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let x = repo.blob(b"x").unwrap();
        let y = repo.blob(b"y").unwrap();
        let t = tree(&repo, &[(b"a", x), (b"\xff/b", y), (b"\xfe", y)]);
        let c = commit(&repo, t, &[], Some("refs/heads/main"));
        let odb = repo.odb().unwrap();
        let mut walk = HistoryWalk::new(&odb);
        let mut sent = Vec::new();
        walk.commit(repo.find_commit(c).unwrap().tree_id(), &mut |p, b| {
            sent.push((p.to_string(), b));
            Ok(())
        })
        .unwrap();
        assert_eq!(sent, vec![("a".to_string(), x)]);
        assert!(walk.graph.is_none());
    }
}
