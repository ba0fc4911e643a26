//! Precision on real code: the full history of veil's own repository reports no finding.
//! The scanner's fixtures and the public demo keys are listed in `.veilignore` — the intended
//! workflow for known, non-secret values.

use crate::common;

use common::*;

#[test]
fn own_history_has_no_unexplained_finding() {
    let home = tempfile::tempdir().unwrap();
    if !repo().join(".git").exists() {
        panic!("this test scans veil's own git history: run it from a git clone");
    }
    let out = run(veil(home.path())
        .current_dir(repo())
        .args(["scan", "--format", "json", "."]));
    assert_eq!(
        out.status.code(),
        Some(0),
        "findings in veil's own history:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
}
