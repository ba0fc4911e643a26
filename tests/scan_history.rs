//! `veil scan` over a fixture repository built with real git: every planted secret is found
//! with the commit and path that introduced it, no decoy is reported, and `--staged` / `--range`
//! report exactly what the index or the range adds.

use crate::scan_common;

use scan_common::*;
use serde_json::Value;

fn find<'a>(findings: &'a [Value], secret: &str) -> Vec<&'a Value> {
    findings
        .iter()
        .filter(|f| f["secret"].as_str() == Some(secret))
        .collect()
}

fn assert_planted(findings: &[Value], p: &Planted) {
    let hits = find(findings, p.secret.as_str());
    let hits: Vec<_> = if p.secret.starts_with("-----BEGIN") {
        findings
            .iter()
            .filter(|f| {
                f["secret"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("-----BEGIN"))
            })
            .collect()
    } else {
        hits
    };
    assert!(
        !hits.is_empty(),
        "planted secret {} not found in {findings:#?}",
        p.name
    );
    let ok = hits.iter().any(|f| {
        let path_ok = if p.path == "-" {
            f["origin"] == "commit-message"
        } else {
            f["path"] == p.path.as_str()
        };
        path_ok && f["commit"]["id"] == p.commit.as_str()
    });
    assert!(
        ok,
        "planted secret {} found, but not at {} in {}: {hits:#?}",
        p.name, p.path, p.commit
    );
}

#[test]
fn history_finds_every_planted_secret_and_no_decoy() {
    let fx = fixture();
    let (code, findings) = scan_json(&fx.dir, &fx.home, false, &[]);
    assert_eq!(code, 1);
    for p in &fx.planted {
        if p.name == "known-plaintext" {
            continue; // needs --decrypt
        }
        assert_planted(&findings, p);
    }
    // Decoys: placeholders, public keys, `veil:allow`, ciphertext, age recipients, the
    // encrypted version of secrets/prod.env.
    // The plaintext version of secrets/prod.env is reported twice, for two real reasons: the
    // file should have been encrypted, and it holds a password assignment.
    let password = findings
        .iter()
        .filter(|f| f["rule"] == "generic-password" && f["path"] == "secrets/prod.env")
        .count();
    assert_eq!(
        password, 1,
        "the plaintext password of secrets/prod.env is reported"
    );
    // The copy in scripts/deploy.sh is an `Authorization:` header value: a credential in its own
    // right, found without --decrypt too.
    let header = findings
        .iter()
        .filter(|f| f["rule"] == "generic-credential" && f["path"] == "scripts/deploy.sh")
        .count();
    assert_eq!(header, 1, "the Authorization header value is reported");
    let expected: usize = fx
        .planted
        .iter()
        .filter(|p| p.name != "known-plaintext")
        .count()
        + password
        + header;
    assert_eq!(
        findings.len(),
        expected,
        "unexpected findings: {findings:#?}"
    );
    // Counts: the renamed file's blob is carried by many commits, the deleted one by one.
    let renamed = &find(&findings, "AKIARENAMEDFILEQQQQZ")[0];
    assert!(renamed["commits"].as_u64().unwrap() > 1);
    let deleted = &find(&findings, "AKIAADDEDTHENDELETEZ")[0];
    assert_eq!(deleted["commits"], 1);
    assert_eq!(deleted["commit"]["author"], "Ada Planter");
}

#[test]
fn decrypt_finds_copies_of_encrypted_values() {
    let fx = fixture();
    let (_, findings) = scan_json(&fx.dir, &fx.home, true, &["--decrypt"]);
    assert_planted(&findings, fx.planted("known-plaintext"));
    let kp: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "veil-known-plaintext")
        .collect();
    // The copy in scripts/deploy.sh, and the plaintext first version of secrets/prod.env.
    assert!(
        kp.iter()
            .all(|f| f["path"] == "scripts/deploy.sh" || f["path"] == "secrets/prod.env"),
        "{kp:#?}"
    );
    // Without a key: a warning, no error.
    let o = run(veil(&fx.dir, &fx.home, false).args(["scan", "--decrypt", "--quiet"]));
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn staged_reports_exactly_what_the_index_adds() {
    let fx = fixture();
    let (code, findings) = scan_json(&fx.dir, &fx.home, false, &["--staged"]);
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");
    std::fs::write(fx.dir.join("new.txt"), "id = AKIASTAGEDSECRETQQQZ\n").unwrap();
    std::fs::write(fx.dir.join("unstaged.txt"), "id = AKIANOTSTAGEDQQQQQQZ\n").unwrap();
    std::fs::write(fx.dir.join("VERSION"), "v3\n").unwrap();
    git(&fx.dir, &fx.home, &["add", "new.txt", "VERSION"]);
    let (code, findings) = scan_json(&fx.dir, &fx.home, false, &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["path"], "new.txt");
    assert_eq!(findings[0]["secret"], "AKIASTAGEDSECRETQQQZ");
    // A plaintext file at a path .sops.yaml covers.
    std::fs::write(fx.dir.join("secrets/new.env"), "TOKEN=abc123def456\n").unwrap();
    git(&fx.dir, &fx.home, &["add", "secrets/new.env"]);
    let (_, findings) = scan_json(&fx.dir, &fx.home, false, &["--staged"]);
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "veil-unencrypted-file" && f["path"] == "secrets/new.env"),
        "{findings:#?}"
    );
}

#[test]
fn range_reports_what_the_range_adds() {
    let fx = fixture();
    let range = format!("{}..{}", fx.tags["range-start"], fx.tags["range-end"]);
    let (code, findings) = scan_json(&fx.dir, &fx.home, false, &["--range", &range]);
    assert_eq!(code, 1);
    let mut got: Vec<&str> = findings
        .iter()
        .map(|f| f["secret"].as_str().unwrap())
        .collect();
    got.sort();
    assert_eq!(
        got,
        ["AKIACOMMITMESSAGEQQZ", "AKIARENAMEDFILEQQQQZ"],
        "{findings:#?}"
    );
    assert_planted(&findings, fx.planted("renamed"));
    assert_planted(&findings, fx.planted("commit-message"));
}

#[test]
fn worktree_and_plain_directories() {
    let fx = fixture();
    let (_, findings) = scan_json(&fx.dir, &fx.home, false, &["--worktree"]);
    // Only what the checkout holds: the k8s secret, the renamed file (now at new/name.txt) and
    // the deploy script's Authorization header.
    let mut paths: Vec<&str> = findings
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        ["k8s/secret.yaml", "new/name.txt", "scripts/deploy.sh"],
        "{findings:#?}"
    );
    assert!(findings.iter().all(|f| f["commit"].is_null()));
    // A directory outside git, with a .gitignore'd file.
    let plain = fx._tmp.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(plain.join("a.txt"), "AKIAPLAINDIRECTORYQZ\n").unwrap();
    std::fs::write(plain.join("ignored.txt"), "AKIAIGNOREDFILEQQQQZ\n").unwrap();
    std::fs::write(plain.join(".gitignore"), "ignored.txt\n").unwrap();
    let (code, findings) = scan_json(&plain, &fx.home, false, &[]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["path"], "a.txt");
}

#[test]
fn suppression_by_ignore_file_and_baseline() {
    let fx = fixture();
    let (_, all) = scan_json(&fx.dir, &fx.home, false, &[]);
    let fp = find(&all, "AKIASIDEBRANCHONLYQZ")[0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let unused = "0".repeat(64);
    std::fs::write(
        fx.dir.join(".veilignore"),
        format!("# test\n{fp}  side.*\n{unused}\n"),
    )
    .unwrap();
    let o = run(veil(&fx.dir, &fx.home, false).args(["scan", "--format", "json"]));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), all.len() - 1);
    assert!(findings.iter().all(|f| f["fingerprint"] != fp.as_str()));
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("unused ignore entry 000000000000"),
        "{warnings}"
    );

    // Baseline: write it, then nothing is new; sorted by fingerprint, one a line.
    let base = fx._tmp.path().join("baseline.txt");
    let o = run(veil(&fx.dir, &fx.home, false)
        .args(["scan", "--quiet", "--write-baseline"])
        .arg(&base));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&base).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
    assert!(!text.contains("AKIA"), "a baseline holds no secret");
    let o = run(veil(&fx.dir, &fx.home, false)
        .args(["scan", "--quiet", "--baseline"])
        .arg(&base));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // A new secret is reported despite the baseline.
    std::fs::write(fx.dir.join("later.txt"), "AKIANEWAFTERBASELINE\n").unwrap();
    git(&fx.dir, &fx.home, &["add", "later.txt"]);
    git(&fx.dir, &fx.home, &["commit", "-q", "-m", "later"]);
    let o = run(veil(&fx.dir, &fx.home, false)
        .args(["scan", "--quiet", "--show-secrets", "--baseline"])
        .arg(&base));
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("AKIANEWAFTERBASELINE"));
    assert_eq!(
        stdout(&o).lines().filter(|l| !l.starts_with(' ')).count(),
        1,
        "{}",
        stdout(&o)
    );
}

#[test]
fn exit_codes_and_size_limit() {
    let fx = fixture();
    let o = run(veil(&fx.dir, &fx.home, false).args(["scan", "--quiet", "--max-blob-size", "10"]));
    // Every file blob is over 10 bytes but for VERSION; the commit message is still scanned.
    assert_eq!(o.status.code(), Some(1));
    let o = run(veil(&fx.dir, &fx.home, false).args([
        "scan",
        "--max-blob-size",
        "10",
        "--format",
        "json",
    ]));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["stats"]["skipped_large"].as_u64().unwrap() > 5);
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    // Errors exit 2, never 1.
    let o = run(veil(&fx.dir, &fx.home, false).args(["scan", "--range", "nosuchref..HEAD"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o =
        run(veil(&fx.dir, &fx.home, false).args(["scan", "--baseline", "/nonexistent/baseline"]));
    assert_eq!(o.status.code(), Some(2));
    let o = run(veil(&fx.dir, &fx.home, false).args(["scan", "/nonexistent/dir"]));
    assert_eq!(o.status.code(), Some(2));
}
