//! Bad input: one clear error line, the documented exit code, no panic, no partial output file
//! and no plaintext on stdout.

use crate::common;

use std::path::{Path, PathBuf};

use common::*;

const SECRET: &str = "s3cr3t-value-that-must-not-leak";

fn demo() -> (PathBuf, String) {
    demo_key(1)
}

/// Runs veil and checks the failure class.
fn expect_failure(home: &Path, args: &[&str], env: &[(&str, &Path)], code: i32) -> String {
    let mut cmd = veil(home);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run(cmd.args(args));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "args {args:?}: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "error must be one line: {err}"
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(SECRET),
        "plaintext on stdout"
    );
    assert!(!err.contains(SECRET), "plaintext in the error");
    err
}

fn encrypted_fixture(home: &Path) -> PathBuf {
    let (_, public) = demo();
    let plain = home.join("app.yaml");
    std::fs::write(
        &plain,
        format!("db:\n  password: {SECRET}\n  host_unencrypted: db.internal\n"),
    )
    .unwrap();
    let out = run(veil(home)
        .args(["encrypt", "-i", "--age", &public])
        .arg(&plain));
    assert!(out.status.success(), "{}", stderr(&out));
    plain
}

#[test]
fn malformed_input_is_exit_2_with_line() {
    let home = tempfile::tempdir().unwrap();
    let (_, public) = demo();
    for (name, text) in [
        (
            "bad.yaml",
            format!("a: 1\nb: [unclosed\npassword: {SECRET}\n"),
        ),
        ("bad.json", format!("{{\"password\": \"{SECRET}\",\n")),
        ("bad.env", format!("GOOD=1\n{SECRET}\n")),
        ("bad.toml", format!("password = \"{SECRET}\"\n[[x]\n")),
    ] {
        let f = home.path().join(name);
        std::fs::write(&f, text).unwrap();
        let out_file = home.path().join(format!("{name}.enc"));
        let err = expect_failure(
            home.path(),
            &[
                "encrypt",
                "--age",
                &public,
                "--output",
                out_file.to_str().unwrap(),
                f.to_str().unwrap(),
            ],
            &[],
            2,
        );
        assert!(err.contains(name), "names the file: {err}");
        assert!(err.contains("line"), "names the line: {err}");
        assert!(!out_file.exists(), "no partial output file");
    }
}

#[test]
fn missing_file_is_100() {
    let home = tempfile::tempdir().unwrap();
    expect_failure(home.path(), &["decrypt", "nope.yaml"], &[], 100);
}

#[test]
fn unreadable_path_is_2() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("dir.yaml");
    std::fs::create_dir(&dir).unwrap();
    expect_failure(home.path(), &["decrypt", dir.to_str().unwrap()], &[], 2);
}

#[test]
fn already_encrypted_is_203_and_empty_is_92() {
    let home = tempfile::tempdir().unwrap();
    let (_, public) = demo();
    let f = encrypted_fixture(home.path());
    expect_failure(
        home.path(),
        &["encrypt", "--age", &public, f.to_str().unwrap()],
        &[],
        203,
    );
    let empty = home.path().join("empty.yaml");
    std::fs::write(&empty, "").unwrap();
    expect_failure(
        home.path(),
        &["encrypt", "--age", &public, empty.to_str().unwrap()],
        &[],
        92,
    );
}

#[test]
fn no_identity_is_128_and_lists_where_it_looked() {
    let home = tempfile::tempdir().unwrap();
    let f = encrypted_fixture(home.path());
    let err = expect_failure(home.path(), &["decrypt", f.to_str().unwrap()], &[], 128);
    assert!(err.contains("SOPS_AGE_KEY_FILE"), "lists the places: {err}");
    assert!(err.contains("age1"), "lists the recipients: {err}");
}

#[test]
fn wrong_identity_is_128() {
    let home = tempfile::tempdir().unwrap();
    let f = encrypted_fixture(home.path());
    let other = testdata().join("demo/demo-age-key-2.txt");
    expect_failure(
        home.path(),
        &["decrypt", f.to_str().unwrap()],
        &[("SOPS_AGE_KEY_FILE", &other)],
        128,
    );
}

#[test]
fn tampering_is_detected() {
    let home = tempfile::tempdir().unwrap();
    let (key, _) = demo();
    let f = encrypted_fixture(home.path());
    let text = std::fs::read_to_string(&f).unwrap();
    // A changed clear value breaks the MAC.
    let plain_changed = home.path().join("plain.yaml");
    std::fs::write(
        &plain_changed,
        text.replace(
            "host_unencrypted: db.internal",
            "host_unencrypted: evil.example",
        ),
    )
    .unwrap();
    // A truncated ciphertext fails value decryption.
    let truncated = home.path().join("trunc.yaml");
    let start = text.find("data:").unwrap() + 5;
    std::fs::write(
        &truncated,
        format!("{}{}", &text[..start], &text[start + 4..]),
    )
    .unwrap();
    // A removed MAC.
    let no_mac = home.path().join("nomac.yaml");
    let mac_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("mac:"))
        .unwrap();
    let indent = &mac_line[..mac_line.len() - mac_line.trim_start().len()];
    std::fs::write(
        &no_mac,
        text.replace(mac_line, &format!("{indent}mac: \"\"")),
    )
    .unwrap();
    // Changed lastmodified.
    let lm = home.path().join("lm.yaml");
    let lm_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("lastmodified:"))
        .unwrap();
    std::fs::write(
        &lm,
        text.replace(
            lm_line,
            &format!("{indent}lastmodified: \"2001-01-01T00:00:00Z\""),
        ),
    )
    .unwrap();
    // Corrupt metadata (no version).
    let nover = home.path().join("nover.yaml");
    let v_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("version:"))
        .unwrap();
    std::fs::write(&nover, text.replace(v_line, "")).unwrap();
    let env = [("SOPS_AGE_KEY_FILE", key.as_path())];
    expect_failure(
        home.path(),
        &["decrypt", plain_changed.to_str().unwrap()],
        &env,
        51,
    );
    expect_failure(
        home.path(),
        &["decrypt", truncated.to_str().unwrap()],
        &env,
        25,
    );
    expect_failure(
        home.path(),
        &["decrypt", no_mac.to_str().unwrap()],
        &env,
        51,
    );
    expect_failure(home.path(), &["decrypt", lm.to_str().unwrap()], &env, 51);
    expect_failure(home.path(), &["decrypt", nover.to_str().unwrap()], &env, 1);
    // In place: a failure leaves the file untouched.
    let before = std::fs::read(&plain_changed).unwrap();
    expect_failure(
        home.path(),
        &["decrypt", "-i", plain_changed.to_str().unwrap()],
        &env,
        51,
    );
    assert_eq!(std::fs::read(&plain_changed).unwrap(), before);
}

#[test]
fn not_encrypted_file_fails_to_decrypt() {
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("plain.yaml");
    std::fs::write(&f, format!("password: {SECRET}\n")).unwrap();
    let err = expect_failure(home.path(), &["decrypt", f.to_str().unwrap()], &[], 1);
    assert!(err.contains("metadata not found"), "{err}");
}

/// Regression: a document whose top-level mapping is in flow style got block metadata appended
/// after it, and veil could not read its own output. It is now refused (exit 23) and nothing is
/// written.
#[test]
fn flow_style_root_mapping_is_refused_not_corrupted() {
    let home = tempfile::tempdir().unwrap();
    let (_, public) = demo();
    let f = home.path().join("flow.yaml");
    std::fs::write(&f, format!("{{password: {SECRET}, port: 1}}\n")).unwrap();
    let out = home.path().join("out.yaml");
    let err = expect_failure(
        home.path(),
        &[
            "encrypt",
            "--age",
            &public,
            "--output",
            out.to_str().unwrap(),
            f.to_str().unwrap(),
        ],
        &[],
        23,
    );
    assert!(err.contains("flow style"), "{err}");
    assert!(!out.exists());
}
