//! `veil scan`: the command line of the secret scanner (the logic is in `crate::scan`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::error::{Code, Failure, Result};
use crate::scan::{self, Mode, ScanOptions, report, sarif, suppress};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

/// Find secrets: in a git repository, every blob of the whole history (all branches, tags,
/// remotes and stashes) and every commit message, one finding per secret and path, attributed
/// to the oldest commit that introduced it with the number of commits that carry it; in a
/// directory outside git, a directory below the top of a repository, or with --worktree, the
/// files, respecting .gitignore.
///
/// Besides the secret-detection rules, veil reports files that a .sops.yaml creation rule covers
/// but that are not encrypted (also in past commits), and plaintext values in encrypted files
/// that their selection rule should have encrypted. With --decrypt, it also reports copies of
/// the repository's own encrypted values (values shorter than 8 characters, numbers, booleans,
/// common words and low-entropy values, under 3 bits per character, are not searched for).
/// Ciphertext, sops metadata and age recipients are never reported.
///
/// Suppress a finding with `veil:allow` on its line, or with its fingerprint (see --format json)
/// in .veilignore: one `FINGERPRINT [PATH-GLOB]` a line. Fingerprints are keyed (HMAC-SHA256)
/// so that a report cannot be used to guess secrets: the key is $VEIL_SCAN_KEY, the file of
/// --fingerprint-key, a .veil-scan-key file at the root (commit it to share .veilignore
/// entries), or else one kept in the git directory for this clone. Exit status: 0 no finding,
/// 1 findings, 2 error.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ScanArgs {
    /// Repository or directory to scan (default: the current directory); with --staged, the
    /// files to judge (as pre-commit passes them)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Scan what the index adds compared with HEAD (for a pre-commit hook): only secrets that
    /// HEAD's version of the file does not already hold. With file names, only those files, and
    /// a named file that the index does not change is scanned whole (`pre-commit run
    /// --all-files`). Files over --max-blob-size are scanned part by part, not skipped
    #[arg(long, conflicts_with_all = ["range", "worktree"])]
    pub staged: bool,

    /// Scan what the commits of a range introduce, e.g. `origin/main..HEAD` (for CI): a secret
    /// that a file already held before the range is not reported
    #[arg(long, value_name = "A..B", conflicts_with = "worktree")]
    pub range: Option<String>,

    /// Scan the files of the working tree (respecting .gitignore) instead of the history
    #[arg(long)]
    pub worktree: bool,

    /// Skip blobs larger than this (bytes, or with a K/M/G suffix); they are counted
    #[arg(long, value_name = "SIZE", default_value = "10M", value_parser = parse_size)]
    pub max_blob_size: u64,

    /// Decrypt the repository's encrypted files (with the identities found as for `decrypt`) and
    /// report files holding copies of their values
    #[arg(long)]
    pub decrypt: bool,

    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,

    /// Write the report to this file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print secrets in full (they are redacted by default)
    #[arg(long)]
    pub show_secrets: bool,

    /// Report only the findings that are not in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write the findings as a baseline file (sorted, one a line) and exit 0
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// The ignore file (default: .veilignore at the root of the repository or directory)
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<PathBuf>,

    /// No progress bar and no summary on stderr
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Worker threads (default: one per core)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// The fingerprint key file (default: $VEIL_SCAN_KEY, .veil-scan-key at the root, or the
    /// clone's own key in the git directory)
    #[arg(long, value_name = "FILE")]
    pub fingerprint_key: Option<PathBuf>,
}

/// Parses `123`, `64K`, `10M`, `10MiB`, `1G`.
pub fn parse_size(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &lower[digits.len()..];
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("invalid size {s:?}"))?;
    let mult = match unit {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("invalid size unit in {s:?} (use K, M or G)")),
    };
    Ok(n * mult)
}

fn err(msg: impl Into<String>) -> Failure {
    Failure::new(Code::CouldNotReadInput, msg)
}

pub fn run(a: ScanArgs, config: Option<&Path>) -> Result<()> {
    let (path, files, explicit) = if a.staged {
        match a.paths.as_slice() {
            [one] if one.is_dir() => (one.clone(), Vec::new(), true),
            many => (PathBuf::from("."), many.to_vec(), false),
        }
    } else {
        match a.paths.as_slice() {
            [] => (PathBuf::from("."), Vec::new(), false),
            [one] => (one.clone(), Vec::new(), true),
            _ => {
                return Err(err("scan: one PATH at most (file names are for --staged)"));
            }
        }
    };
    let repo = git2::Repository::discover(&path).ok();
    let mut notes = Vec::new();
    let mode = if a.staged {
        Mode::Staged
    } else if let Some(r) = &a.range {
        Mode::Range(r.clone())
    } else if a.worktree {
        Mode::Files
    } else if let Some(r) = repo
        .as_ref()
        .filter(|r| explicit && !is_repository_top(r, &path))
    {
        // A directory (or file) below the top of a repository: its files, not the history of
        // the repository around it.
        let top = r.workdir().map(Path::to_path_buf).unwrap_or_default();
        notes.push(format!(
            "{} is inside the git repository {}: scanning its files, not the repository's history (run `veil scan {}` for that)",
            path.display(),
            top.display(),
            top.display()
        ));
        Mode::Files
    } else if repo.is_none() {
        Mode::Files
    } else {
        Mode::History
    };
    if mode != Mode::Files && repo.is_none() {
        return Err(err(format!(
            "{}: not in a git repository (--staged and --range need one)",
            path.display()
        )));
    }
    let opts = ScanOptions {
        path,
        mode,
        max_blob_size: a.max_blob_size,
        decrypt: a.decrypt,
        progress: !a.quiet && a.format == Format::Text && std::io::stderr().is_terminal(),
        threads: a.threads,
        config: config.map(Path::to_path_buf),
        files,
        fingerprint_key: a.fingerprint_key.clone(),
    };
    let mut outcome = scan::scan(&opts).map_err(|e| err(e.0))?;
    let mut warnings = notes;
    warnings.append(&mut outcome.warnings);

    let ignore_path = a
        .ignore_file
        .clone()
        .unwrap_or_else(|| outcome.root.join(suppress::IGNORE_FILE));
    let mut ignore = suppress::IgnoreFile::load(&ignore_path).map_err(err)?;
    ignore.apply(&mut outcome.findings);
    warnings.extend(ignore.unused());

    let mut findings = outcome.findings;
    findings.sort_by(|x, y| {
        let cx = x.commit.as_ref().map(|c| c.date.as_str()).unwrap_or("");
        let cy = y.commit.as_ref().map(|c| c.date.as_str()).unwrap_or("");
        (cx, &x.path, x.line, x.rule.id, &x.fingerprint).cmp(&(
            cy,
            &y.path,
            y.line,
            y.rule.id,
            &y.fingerprint,
        ))
    });

    if let Some(b) = &a.write_baseline {
        let text = suppress::baseline_text(&findings);
        std::fs::write(b, text).map_err(|e| {
            Failure::new(Code::CouldNotWriteOutput, format!("{}: {e}", b.display()))
        })?;
        if !a.quiet {
            eprintln!(
                "veil scan: wrote {} finding(s) to the baseline {}",
                findings.len(),
                b.display()
            );
        }
        return Ok(());
    }
    if let Some(b) = &a.baseline {
        let known = suppress::read_baseline(b).map_err(err)?;
        warnings.extend(suppress::apply_baseline(&known, &mut findings, b));
    }

    let body = match a.format {
        Format::Text => report::text(&findings, a.show_secrets),
        Format::Json => report::json(&findings, &outcome.stats, &warnings, a.show_secrets),
        Format::Sarif => {
            let (body, dropped) = sarif::sarif(&findings, a.show_secrets);
            if dropped > 0 {
                warnings.push(format!(
                    "SARIF: {dropped} less severe findings left out (at most {} results a run)",
                    sarif::MAX_RESULTS
                ));
            }
            body
        }
    };
    match &a.output {
        Some(p) => std::fs::write(p, body).map_err(|e| {
            Failure::new(Code::CouldNotWriteOutput, format!("{}: {e}", p.display()))
        })?,
        None => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(body.as_bytes());
            let _ = out.flush();
        }
    }
    if !a.quiet {
        for w in &warnings {
            eprintln!("veil scan: warning: {}", crate::fsio::sanitize(w));
        }
        if a.format == Format::Text {
            eprintln!("{}", report::summary(findings.len(), &outcome.stats));
        }
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(Code::Generic, ""))
    }
}

/// Whether `path` is the top of `repo`'s work tree (or the repository itself, bare or not).
fn is_repository_top(repo: &git2::Repository, path: &Path) -> bool {
    let Ok(p) = std::fs::canonicalize(path) else {
        return true;
    };
    let same = |q: &Path| std::fs::canonicalize(q).is_ok_and(|q| q == p);
    repo.workdir().is_some_and(same) || same(repo.path()) || same(repo.commondir())
}
