//! Plain files: the files under a directory (`--worktree`, or a path outside any git
//! repository), as [`crate::repo::files`] lists them.

use std::path::Path;
use std::sync::Arc;

use crate::scan::encryption::EncryptionPolicy;
use crate::scan::{
    Finding, Job, Origin, Outcome, Progress, ScanError, ScanOptions, Shared, Source, run_pool,
};

pub fn scan_files(opts: &ScanOptions) -> Result<Outcome, ScanError> {
    let root = if opts.path.is_file() {
        opts.path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    } else {
        opts.path.clone()
    };
    if !opts.path.exists() {
        return Err(ScanError(format!(
            "{}: no such file or directory",
            opts.path.display()
        )));
    }
    let mut warnings = Vec::new();
    let config = match crate::scan::encryption::find_config(
        opts.config.as_deref(),
        &std::path::absolute(&root).unwrap_or(root.clone()),
    ) {
        Ok(c) => c,
        Err(e) => {
            warnings.push(format!(".sops.yaml: {e}"));
            None
        }
    };
    // Paths are matched relative to the config's directory, as sops does; the scan reports them
    // relative to the scanned directory.
    let cfg_dir = config.as_ref().map(|c| c.dir());
    let mut veil = EncryptionPolicy::new(config.as_slice());
    let progress = Progress::new(opts.progress);
    // The repository's one file listing (tracked and untracked-not-ignored inside git; ignore
    // files honoured outside it); a single file is scanned as given.
    let files: Vec<std::path::PathBuf> = if opts.path.is_file() {
        vec![opts.path.clone()]
    } else {
        crate::repo::files(&opts.path).map_err(|e| ScanError(e.to_string()))?
    };
    let rel = |p: &Path| -> String {
        let r = p.strip_prefix(&root).unwrap_or(p);
        r.to_string_lossy().replace('\\', "/")
    };
    let cfg_rel = |p: &Path| -> String {
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        match &cfg_dir {
            Some(d) => abs
                .strip_prefix(d)
                .map(|r| r.to_string_lossy().into_owned())
                .unwrap_or_else(|_| rel(p)),
            None => rel(p),
        }
    };
    if opts.decrypt {
        progress.stage("decrypting encrypted files");
        let keys = crate::keys::from_process();
        let mut values = Vec::new();
        for p in &files {
            if let Ok(m) = p.metadata()
                && m.len() > opts.max_blob_size
            {
                continue;
            }
            let cp = cfg_rel(p);
            if (veil.covered(&cp).is_some()
                || crate::format::Kind::from_path(p) != crate::format::Kind::Binary)
                && let Ok(data) = std::fs::read(p)
                && let Some(v) = crate::scan::encryption::decrypt_values(&cp, &data, &keys)
            {
                values.extend(v);
            }
        }
        veil.set_known(values);
    }
    let known = veil.known_count() as u64;
    let shared = Arc::new(Shared {
        veil,
        max_blob_size: opts.max_blob_size,
        repo: None,
        stream_large: false,
        workdir: None,
    });
    progress.stage("scanning");
    // The workers see the path relative to the config (for coverage); the report shows the path
    // relative to the scanned directory: keep both.
    let mut names: Vec<String> = Vec::new();
    let pool = run_pool(shared, opts.threads, &progress, |tx| {
        for p in &files {
            let p = p.clone();
            names.push(rel(&p));
            let job = Job {
                path: cfg_rel(&p),
                source: Source::File(p),
                tag: (names.len() - 1) as u32,
                origin: Origin::File,
                base: Vec::new(),
            };
            tx.send(job)
                .map_err(|_| ScanError("the scan workers stopped".into()))?;
        }
        Ok(())
    })?;
    progress.finish();
    let findings = pool
        .hits
        .into_iter()
        .map(|h| Finding {
            fingerprint: String::new(),
            snippet: h.hit.snippet,
            rule: h.hit.rule,
            path: names.get(h.tag as usize).cloned().unwrap_or(h.path),
            line: h.hit.line,
            secret: h.hit.secret,
            decoded: h.hit.decoded,
            origin: Origin::File,
            commit: None,
            commits: 0,
            blob: None,
        })
        .collect();
    warnings.extend(pool.errors.into_iter().map(|e| format!("cannot read {e}")));
    let mut stats = pool.stats;
    stats.known_plaintext_values = known;
    Ok(Outcome {
        findings,
        stats,
        warnings,
        root,
        ..Outcome::default()
    })
}
