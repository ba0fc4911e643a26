//! One finding per (path, secret) with its introducing commit and the number of commits that
//! carry it; range scans report only what the range introduces; a directory inside a repository
//! is scanned as files; keyed fingerprints and the migration of veil 0.1's unkeyed ones.

use crate::scan_common;

use std::path::Path;
use std::process::Command;

use scan_common::*;

fn init(dir: &Path, home: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::create_dir_all(home).unwrap();
    git(dir, home, &["init", "-q", "-b", "main", "."]);
    git(dir, home, &["config", "commit.gpgsign", "false"]);
}

fn commit_all(dir: &Path, home: &Path, msg: &str) -> String {
    git(dir, home, &["add", "-A"]);
    git(dir, home, &["commit", "-q", "-m", msg]);
    git(dir, home, &["rev-parse", "HEAD"]).trim().to_string()
}

fn settings(n: usize, extra: &str) -> String {
    format!("DEBUG = False\nAWS_KEY = \"AKIAKEPTTHROUGHTENQZ\"\nTIMEOUT = {n}\n{extra}")
}

#[test]
fn a_secret_kept_through_ten_commits_is_one_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, home) = (tmp.path().join("r"), tmp.path().join("home"));
    init(&dir, &home);
    std::fs::write(dir.join("settings.py"), settings(0, "")).unwrap();
    let first = commit_all(&dir, &home, "add settings");
    for n in 1..10 {
        std::fs::write(dir.join("settings.py"), settings(n, "")).unwrap();
        commit_all(&dir, &home, &format!("timeout {n}"));
    }
    // Not carried any more: the secret is gone from the 11th commit on.
    std::fs::write(dir.join("settings.py"), "DEBUG = False\n").unwrap();
    commit_all(&dir, &home, "remove the key");
    let (code, findings) = scan_json(&dir, &home, false, &[]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f["path"], "settings.py");
    assert_eq!(f["line"], 2);
    assert_eq!(f["commit"]["id"], first.as_str());
    assert_eq!(f["commits"], 10);
    let o = run(veil(&dir, &home, false).args(["scan", "--quiet"]));
    let out = stdout(&o);
    assert_eq!(
        out.lines().filter(|l| !l.starts_with(' ')).count(),
        1,
        "{out}"
    );
    assert!(
        out.contains(&first[..12]) && out.contains("in 10 commits"),
        "{out}"
    );
}

#[test]
fn a_range_reports_only_what_it_introduces() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, home) = (tmp.path().join("r"), tmp.path().join("home"));
    init(&dir, &home);
    std::fs::write(dir.join("settings.py"), settings(0, "")).unwrap();
    let base = commit_all(&dir, &home, "before the range");
    // In the range: an edit elsewhere in the file with the old secret, a rename of it, and one
    // new secret.
    std::fs::write(dir.join("settings.py"), settings(1, "")).unwrap();
    commit_all(&dir, &home, "edit");
    git(&dir, &home, &["mv", "settings.py", "config.py"]);
    std::fs::write(dir.join("config.py"), settings(2, "")).unwrap();
    commit_all(&dir, &home, "move and edit");
    std::fs::write(
        dir.join("config.py"),
        settings(3, "NEW_KEY = \"AKIAINTRODUCEDINRNGQ\"\n"),
    )
    .unwrap();
    let introducing = commit_all(&dir, &home, "new key");
    std::fs::write(
        dir.join("config.py"),
        settings(4, "NEW_KEY = \"AKIAINTRODUCEDINRNGQ\"\n"),
    )
    .unwrap();
    commit_all(&dir, &home, "edit again");
    let (code, findings) = scan_json(&dir, &home, false, &["--range", &format!("{base}..HEAD")]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["secret"], "AKIAINTRODUCEDINRNGQ");
    assert_eq!(findings[0]["commit"]["id"], introducing.as_str());
    assert_eq!(findings[0]["path"], "config.py");
    // The range without the new key reports nothing.
    let (code, findings) = scan_json(
        &dir,
        &home,
        false,
        &["--range", &format!("{base}..{introducing}~1")],
    );
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");
}

#[test]
fn a_directory_inside_a_repository_is_scanned_as_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, home) = (tmp.path().join("r"), tmp.path().join("home"));
    init(&dir, &home);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("gone.txt"), "AKIAONLYINHISTORYQQQ\n").unwrap();
    std::fs::write(dir.join("sub/now.txt"), "AKIAINTHESUBDIRECTQZ\n").unwrap();
    commit_all(&dir, &home, "both");
    std::fs::remove_file(dir.join("gone.txt")).unwrap();
    commit_all(&dir, &home, "remove");
    let o =
        run(veil(&dir, &home, false).args(["scan", "--format", "json", "--show-secrets", "sub"]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["secret"], "AKIAINTHESUBDIRECTQZ");
    assert!(findings[0]["commit"].is_null());
    assert!(
        stderr(&o).contains("is inside the git repository") && stderr(&o).contains("its files"),
        "the user is told: {}",
        stderr(&o)
    );
    // The repository's top still scans its history.
    let (_, all) = scan_json(&dir, &home, false, &["."]);
    assert!(all.iter().any(|f| f["secret"] == "AKIAONLYINHISTORYQQQ"));
}

fn sha256_hex(data: &[u8]) -> String {
    let mut c = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha256sum (coreutils) is needed");
    use std::io::Write;
    c.stdin.take().unwrap().write_all(data).unwrap();
    let o = c.wait_with_output().unwrap();
    String::from_utf8_lossy(&o.stdout)[..64].to_string()
}

#[test]
fn fingerprints_are_keyed_and_old_entries_migrate() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, home) = (tmp.path().join("r"), tmp.path().join("home"));
    init(&dir, &home);
    std::fs::write(dir.join("a.txt"), "key = AKIAFINGERPRINTEDQQZ\n").unwrap();
    commit_all(&dir, &home, "a");
    let (_, findings) = scan_json(&dir, &home, false, &[]);
    let fp = findings[0]["fingerprint"].as_str().unwrap().to_string();
    let legacy = sha256_hex(b"aws-access-key-id\0AKIAFINGERPRINTEDQQZ");
    assert_ne!(fp, legacy, "the fingerprint is not the unkeyed hash");
    assert_ne!(fp, sha256_hex(b"AKIAFINGERPRINTEDQQZ"));
    // Stable for this clone (its key lives in the git directory, private).
    let (_, again) = scan_json(&dir, &home, false, &[]);
    assert_eq!(again[0]["fingerprint"], fp.as_str());
    let key = dir.join(".git/veil-scan-key");
    assert!(key.is_file());
    // A shared key file changes every fingerprint.
    std::fs::write(dir.join(".veil-scan-key"), "team-key-0123456789abcdef\n").unwrap();
    let (_, shared) = scan_json(&dir, &home, false, &[]);
    assert_ne!(shared[0]["fingerprint"], fp.as_str());
    std::fs::remove_file(dir.join(".veil-scan-key")).unwrap();
    // A 0.1 entry (unkeyed) still suppresses, with the keyed fingerprint to use instead.
    std::fs::write(dir.join(".veilignore"), format!("{legacy}\n")).unwrap();
    let o = run(veil(&dir, &home, false).args(["scan"]));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("unkeyed fingerprint") && err.contains(&fp),
        "{err}"
    );
    std::fs::write(dir.join(".veilignore"), format!("{fp}\n")).unwrap();
    let o = run(veil(&dir, &home, false).args(["scan"]));
    assert_eq!(o.status.code(), Some(0));
    assert!(!stderr(&o).contains("unkeyed"), "{}", stderr(&o));
    // Redacted output carries no part of the secret.
    std::fs::remove_file(dir.join(".veilignore")).unwrap();
    for format in ["text", "json", "sarif"] {
        let o = run(veil(&dir, &home, false).args(["scan", "--format", format]));
        assert!(!stdout(&o).contains("AKIAF"), "{format}: {}", stdout(&o));
    }
}
