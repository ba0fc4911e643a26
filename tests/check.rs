//! `veil check` over a fixture repository with one planted violation of each kind, run
//! without any private key; and what sops does to veil's `veil_datakey_created` record.

use crate::common;
use crate::edithelp;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use edithelp::*;

const DAY: i64 = 86_400;

fn config(dir: &Path) {
    std::fs::write(
        dir.join(".sops.yaml"),
        format!(
            "creation_rules:\n  - path_regex: ^secrets/\n    max_data_key_age: 90d\n    age: {}\n",
            recipient(1)
        ),
    )
    .unwrap();
}

/// Commits everything with author and committer dates `days_ago` days in the past.
fn commit_at(dir: &Path, days_ago: i64, msg: &str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let date = format!("@{} +0000", now - days_ago * DAY);
    ok(git(dir).args(["add", "-A"]));
    ok(git(dir)
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .args(["commit", "-q", "-m", msg]));
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn encrypt_cfg(dir: &Path, name: &str, text: &str) {
    write(dir, name, text);
    ok(veil(dir).args(["encrypt", "-i", name]));
}

/// Replaces the lines of `name` for which `f` returns Some.
fn edit_lines(dir: &Path, name: &str, f: impl Fn(&str) -> Option<String>) {
    let p = dir.join(name);
    let text = std::fs::read_to_string(&p).unwrap();
    let mut out = String::new();
    let mut hit = false;
    for l in text.split_inclusive('\n') {
        match f(l) {
            Some(r) => {
                out.push_str(&r);
                hit = true;
            }
            None => out.push_str(l),
        }
    }
    assert!(hit, "no line of {name} was edited");
    std::fs::write(p, out).unwrap();
}

const SECRET: &str = "user: app\npassword: hunter2\nport: 5432\n";

fn violations(out: &std::process::Output) -> (serde_json::Value, BTreeSet<(String, String)>) {
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "--format json output does not parse ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let set = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap().to_string(),
                v["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (report, set)
}

#[test]
fn check_finds_each_planted_violation_without_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git_init(dir);
    config(dir);

    // A data key whose creation is only known from git: committed 200 days ago, record removed.
    encrypt_cfg(dir, "secrets/oldgit.yaml", SECRET);
    edit_lines(dir, "secrets/oldgit.yaml", |l| {
        l.contains("veil_datakey_created").then(String::new)
    });
    commit_at(dir, 200, "old secret");

    // Clean files.
    encrypt_cfg(dir, "secrets/clean.yaml", SECRET);
    encrypt_cfg(
        dir,
        "secrets/clean.json",
        "{\"password\": \"x\", \"n\": 1}\n",
    );
    encrypt_cfg(dir, "secrets/clean.env", "PASSWORD=x\n");
    // Clean, no record, committed now: git history says the key is new.
    encrypt_cfg(dir, "secrets/norecord.yaml", SECRET);
    edit_lines(dir, "secrets/norecord.yaml", |l| {
        l.contains("veil_datakey_created").then(String::new)
    });
    // Not under a rule: plaintext is fine there.
    write(dir, "config/app.yaml", "debug: true\npassword_hint: none\n");
    write(dir, "README.md", "# repo\n");

    // Violations.
    write(dir, "secrets/plain.yaml", SECRET);
    encrypt_cfg(dir, "secrets/leak.yaml", SECRET);
    edit_lines(dir, "secrets/leak.yaml", |l| {
        l.starts_with("password:")
            .then(|| "password: leaked-in-clear\n".to_string())
    });
    write(dir, "secrets/drift.yaml", SECRET);
    ok(veil(dir).args([
        "encrypt",
        "-i",
        "--age",
        &format!("{},{}", recipient(1), recipient(2)),
        "secrets/drift.yaml",
    ]));
    encrypt_cfg(dir, "secrets/old.yaml", SECRET);
    edit_lines(dir, "secrets/old.yaml", |l| {
        l.contains("veil_datakey_created")
            .then(|| "    veil_datakey_created: \"2020-01-01T00:00:00Z\"\n".to_string())
    });
    commit_at(dir, 0, "the rest");

    // No private key anywhere: empty HOME, no SOPS_AGE_* (veil() clears the environment).
    let expected: BTreeSet<(String, String)> = [
        ("secrets/plain.yaml", "not-encrypted"),
        ("secrets/leak.yaml", "plaintext-value"),
        ("secrets/drift.yaml", "recipient-drift"),
        ("secrets/old.yaml", "stale-data-key"),
        ("secrets/oldgit.yaml", "stale-data-key"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();

    let (c, out) = code(veil(dir).args(["check", "--format", "json"]));
    let (report, found) = violations(&out);
    assert_eq!(c, 1, "violations exit 1: {report:#} {}", stderr(&out));
    assert_eq!(found, expected, "{report:#}");
    assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report:#}");
    let msg = |path: &str| {
        report["violations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["path"] == path)
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(msg("secrets/old.yaml").contains("recorded"), "{report:#}");
    assert!(
        msg("secrets/oldgit.yaml").contains("git history"),
        "{report:#}"
    );
    assert!(msg("secrets/leak.yaml").contains("password"), "{report:#}");
    assert!(
        msg("secrets/drift.yaml").contains(&recipient(2)),
        "{report:#}"
    );

    // Text output: one line per violation.
    let (c, out) = code(veil(dir).args(["check"]));
    assert_eq!(c, 1);
    let text = String::from_utf8_lossy(&out.stdout);
    for (p, k) in &expected {
        assert!(
            text.lines()
                .any(|l| l.starts_with(p.as_str()) && l.contains(&format!("[{k}]"))),
            "{p} [{k}] missing from:\n{text}"
        );
    }
    assert_eq!(text.lines().count(), expected.len(), "{text}");

    // The clean files alone: exit 0.
    let (c, out) = code(veil(dir).args([
        "check",
        "secrets/clean.yaml",
        "secrets/clean.json",
        "secrets/clean.env",
        "secrets/norecord.yaml",
        "config/app.yaml",
    ]));
    assert_eq!(
        c,
        0,
        "{} {}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );

    // Errors (an invalid maximum age): exit 2, and the JSON still parses.
    let (c, out) = code(veil(dir).args(["check", "--format", "json", "--max-age", "soon"]));
    assert_eq!(c, 2, "{}", stderr(&out));
    let (report, _) = violations(&out);
    assert!(!report["errors"].as_array().unwrap().is_empty());

    // A longer limit on the command line clears the stale keys.
    let (c, out) = code(veil(dir).args(["check", "--format", "json", "--max-age", "10000d"]));
    let (_, found) = violations(&out);
    assert_eq!(c, 1);
    assert!(
        found.iter().all(|(_, k)| k != "stale-data-key"),
        "{found:?}"
    );
}

/// Finding (sops 3.11): sops decrypts files that carry veil's `veil_datakey_created` metadata
/// field (it ignores unknown metadata), but any sops write (`sops set`, `sops edit`, `sops
/// rotate`) drops the field, because sops rebuilds its metadata from its own struct. `sops set`
/// keeps the data key and the wrapped keys as they were, so `veil check` finds the key's age
/// from git history: the oldest commit whose file shares one of the current wrapped keys.
#[test]
fn sops_drops_the_datakey_record_and_check_falls_back_to_git() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git_init(dir);
    config(dir);
    encrypt_cfg(dir, "secrets/app.yaml", SECRET);
    let file = dir.join("secrets/app.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("veil_datakey_created"));
    // sops reads a file with the record.
    let expected = serde_json::json!({"user": "app", "password": "hunter2", "port": 5432});
    assert_sops_reads(dir, &file, 1, &expected);
    // Pretend the file (and its data key) is 200 days old in git; the record says it is new, but
    // keyless the record is not authenticated (issue 11): a key is never younger than its first
    // commit, so check flags it already.
    commit_at(dir, 200, "secret");
    let (c, out) = code(veil(dir).args(["check", "--format", "json"]));
    let (report, found) = violations(&out);
    assert_eq!(c, 1, "{report:#}");
    assert_eq!(
        found,
        [("secrets/app.yaml".to_string(), "stale-data-key".to_string())]
            .into_iter()
            .collect(),
        "{report:#}"
    );

    ok(sops_k(dir, 1).args(["set", "secrets/app.yaml", r#"["k"]"#, r#""v""#]));
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(
        !after.contains("veil_datakey_created"),
        "sops 3.11 now keeps veil's record: update the finding above"
    );
    let mut expected = expected;
    expected["k"] = serde_json::json!("v");
    assert_sops_reads(dir, &file, 1, &expected);
    assert!(json_eq_unordered(&veil_json(dir, &file, 1), &expected));
    commit_at(dir, 0, "sops set");

    // Without the record, check falls back to git history: the key is 200 days old.
    let (c, out) = code(veil(dir).args(["check", "--format", "json"]));
    let (report, found) = violations(&out);
    assert_eq!(c, 1, "{report:#}");
    assert_eq!(
        found,
        [("secrets/app.yaml".to_string(), "stale-data-key".to_string())]
            .into_iter()
            .collect(),
        "{report:#}"
    );
    let m = report["violations"][0]["message"].as_str().unwrap();
    assert!(m.contains("git history") && m.contains("200 days"), "{m}");

    // veil rotate writes a new key and a new record: clean again.
    ok(veil_k(dir, Some(1)).args(["rotate", "secrets/app.yaml"]));
    assert_sops_reads(dir, &file, 1, &expected);
    let (c, out) = code(veil(dir).args(["check"]));
    assert_eq!(c, 0, "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn check_reports_an_untracked_plaintext_file_under_a_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git_init(dir);
    config(dir);
    encrypt_cfg(dir, "secrets/clean.yaml", SECRET);
    commit_at(dir, 0, "clean");
    // Not added to git yet: `check` must see it all the same (a CI run or a pre-push hook
    // checks the working tree, and `git add -A` would commit it next).
    write(dir, "secrets/leak.yaml", SECRET);
    // Ignored files are not the repository's business.
    write(dir, ".gitignore", "secrets/local.yaml\n");
    write(dir, "secrets/local.yaml", SECRET);
    let (c, out) = code(veil(dir).args(["check", "--format", "json"]));
    let (report, found) = violations(&out);
    assert_eq!(c, 1, "{report:#} {}", stderr(&out));
    let expected: BTreeSet<(String, String)> =
        [("secrets/leak.yaml".to_string(), "not-encrypted".to_string())].into();
    assert_eq!(found, expected, "{report:#}");
}
