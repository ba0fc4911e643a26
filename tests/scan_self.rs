//! Precision on real code: the full history of veil's own repository reports no finding.
//! The scanner's fixtures and the public demo keys are listed in `.veilignore` — the intended
//! workflow for known, non-secret values.
//!
//! Only the history of the commit checked out is scanned (fetched into a scratch repository):
//! other local branches — work in progress in other worktrees — are not this commit's business.

use crate::common;

use common::*;

#[test]
fn own_history_has_no_unexplained_finding() {
    let home = tempfile::tempdir().unwrap();
    if !repo().join(".git").exists() {
        panic!("this test scans veil's own git history: run it from a git clone");
    }
    let git = |dir: &std::path::Path, args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git is needed by this test: install git");
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let head = git(&repo(), &["rev-parse", "HEAD"]);
    let scratch = home.path().join("history");
    std::fs::create_dir(&scratch).unwrap();
    git(&scratch, &["init", "-q"]);
    let source = repo().display().to_string();
    git(
        &scratch,
        &["fetch", "-q", &source, &format!("{head}:refs/heads/main")],
    );
    // The working copy's .veilignore and fingerprint key (they may be ahead of the last commit).
    let out = run(veil(home.path())
        .current_dir(&scratch)
        .arg("scan")
        .args(["--format", "json", "--ignore-file"])
        .arg(repo().join(".veilignore"))
        .arg("--fingerprint-key")
        .arg(repo().join(".veil-scan-key"))
        .arg("."));
    assert_eq!(
        out.status.code(),
        Some(0),
        "findings in veil's own history:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
}
