//! Encryption and decryption in one pass (YAML, JSON): files large enough to be handed over in
//! many parts, and an output large enough to leave memory on its way to stdout, are handled
//! exactly as the whole-tree path does: sops reads them, veil reads sops's, veil gives back the
//! original bytes, a late error leaves nothing behind, and inputs that need the whole tree
//! still work.

use crate::common;

use std::path::Path;

use common::*;
use veil::format::Kind;

/// A YAML file of `services` entries (about 14 values each) using most block-style YAML: nested
/// mappings and sequences, comments in every position, quoting styles, block scalars, flow
/// collections with line comments, nulls, empty strings, typed scalars, `_unencrypted` keys.
fn big_yaml(services: usize) -> String {
    let mut s = String::from("# generated for tests/streaming.rs\nversion: 3\nservices:\n");
    for i in 0..services {
        s.push_str(&format!(
            "  # service {i}\n  svc-{i:06}:\n    description: \"Service {i}: d\\u00e9j\\u00e0 vu\\n\"\n    \
             enabled: {}\n    replicas: {}\n    ratio: {}.25\n    since: 2024-01-{:02}\n    \
             mode: '0755'\n    empty: \"\"\n    nothing: ~\n    tags: [a{i}, 'b', \"c\"] # flow list\n    \
             limits: {{cpu: {i}, mem: 2Gi}}\n    endpoints:\n      - host: h{i}.example.com # the host\n        \
             port: {}\n      # between items\n      - host: g{i}.example.com\n        port: 443\n    \
             script: |\n      echo {i}\n      exit 0\n    note: >-\n      folded\n      text {i}\n    \
             owner_unencrypted: team-{}\n",
            i % 3 != 0,
            i % 7,
            i,
            i % 28 + 1,
            1000 + i,
            i % 5
        ));
    }
    s.push_str("# end of file\n");
    s
}

/// The same data as [`big_yaml`] in JSON (two-space indentation, nested arrays and objects,
/// escapes, numbers, booleans, nulls).
fn big_json(services: usize) -> String {
    let mut s = String::from("{\n  \"version\": 3,\n  \"services\": {");
    for i in 0..services {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            "\n    \"svc-{i:06}\": {{\n      \"description\": \"Service {i}: d\\u00e9j\\u00e0 vu\\n\",\n      \
             \"enabled\": {},\n      \"replicas\": {},\n      \"ratio\": {}.25,\n      \"exp\": 1e-7,\n      \
             \"empty\": \"\",\n      \"nothing\": null,\n      \"tags\": [\"a{i}\", \"b\", []],\n      \
             \"endpoints\": [{{\"host\": \"h{i}.example.com\", \"port\": {}}}, {{}}],\n      \
             \"owner_unencrypted\": \"team-{}\"\n    }}",
            i % 3 != 0,
            i % 7,
            i,
            1000 + i,
            i % 5
        ));
    }
    s.push_str("\n  }\n}\n");
    s
}

fn setup(dir: &Path, text: &str) -> (std::path::PathBuf, String, std::path::PathBuf) {
    setup_as(dir, text, "big.yaml")
}

fn setup_as(
    dir: &Path,
    text: &str,
    name: &str,
) -> (std::path::PathBuf, String, std::path::PathBuf) {
    let (key_file, recipient) = demo_key(1);
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    (file, recipient, key_file)
}

#[test]
fn large_yaml_round_trips_in_parts() {
    // About 70,000 values: 35 parts, and more than 8 MB of output (stdout spills to a file).
    large_file_round_trips(Kind::Yaml, &big_yaml(5000), "h4999.example.com", 8 << 20);
}

#[test]
fn large_json_round_trips_in_parts() {
    // About 30,000 values (sops is slow on large JSON files).
    large_file_round_trips(Kind::Json, &big_json(3000), "h2999.example.com", 0);
}

/// Encrypts `text` (with stdout output of at least `min_output` bytes), has sops decrypt it,
/// decrypts it and sops's encryption of it, and encrypts it in place and to a file.
fn large_file_round_trips(kind: Kind, text: &str, secret: &str, min_output: usize) {
    let home = tempfile::tempdir().unwrap();
    let ext = kind.name();
    let (file, recipient, key_file) = setup_as(home.path(), text, &format!("big.{ext}"));
    let enc = run(veil(home.path())
        .args(["encrypt", "--age", &recipient])
        .arg(&file));
    assert!(enc.status.success(), "{}", stderr(&enc));
    assert!(enc.stdout.len() >= min_output, "{} bytes", enc.stdout.len());
    let enc_path = home.path().join(format!("big.enc.{ext}"));
    std::fs::write(&enc_path, &enc.stdout).unwrap();
    let enc_text = String::from_utf8(enc.stdout.clone()).unwrap();
    assert!(enc_text.contains("team-4"));
    assert!(!enc_text.contains(secret));
    assert!(!enc_text.contains("between items"));

    // sops reads it: same data as veil's own reading of the plaintext.
    let dec = run(sops_cmd(home.path())
        .env("SOPS_AGE_KEY_FILE", &key_file)
        .args(["decrypt", "--output-type", "json"])
        .arg(&enc_path));
    assert!(dec.status.success(), "sops: {}", stderr(&dec));
    let from_sops: serde_json::Value = serde_json::from_slice(&dec.stdout).unwrap();
    let want = parse_docs(kind, text.as_bytes().to_vec());
    assert!(json_eq(&from_sops, &want), "sops reads other data");

    // veil gives back the original bytes.
    let dec = run(veil(home.path())
        .env("SOPS_AGE_KEY_FILE", &key_file)
        .arg("decrypt")
        .arg(&enc_path));
    assert!(dec.status.success(), "{}", stderr(&dec));
    assert!(dec.stdout == text.as_bytes(), "round trip differs");

    // veil reads what sops wrote (large enough to be read in parts too).
    let sops_enc = run(sops_cmd(home.path())
        .env("SOPS_AGE_KEY_FILE", &key_file)
        .args(["encrypt", "--age", &recipient])
        .arg(&file));
    assert!(sops_enc.status.success(), "sops: {}", stderr(&sops_enc));
    let sops_path = home.path().join(format!("big.sops.{ext}"));
    std::fs::write(&sops_path, &sops_enc.stdout).unwrap();
    let dec = run(veil(home.path())
        .env("SOPS_AGE_KEY_FILE", &key_file)
        .arg("decrypt")
        .arg(&sops_path));
    assert!(dec.status.success(), "{}", stderr(&dec));
    assert!(
        json_eq(&parse_docs(Kind::Yaml, dec.stdout), &want),
        "veil reads other data"
    );
    std::fs::remove_file(&sops_path).unwrap();

    // In place and --output write the same kind of file.
    let out = home.path().join(format!("out.{ext}"));
    let r = run(veil(home.path())
        .args(["encrypt", "--age", &recipient, "--output"])
        .arg(&out)
        .arg(&file));
    assert!(r.status.success(), "{}", stderr(&r));
    let r = run(veil(home.path())
        .args(["encrypt", "-i", "--age", &recipient])
        .arg(&file));
    assert!(r.status.success(), "{}", stderr(&r));
    for f in [&out, &file] {
        let dec = run(veil(home.path())
            .env("SOPS_AGE_KEY_FILE", &key_file)
            .arg("decrypt")
            .arg(f));
        assert!(
            dec.stdout == text.as_bytes(),
            "{} does not decrypt back",
            f.display()
        );
    }
}

#[test]
fn an_error_late_in_a_large_file_leaves_nothing() {
    let home = tempfile::tempdir().unwrap();
    let mut text = big_yaml(3000);
    text.push_str("services: again\n"); // duplicate key on the last line
    let (file, recipient, _) = setup(home.path(), &text);
    let r = run(veil(home.path())
        .args(["encrypt", "--age", &recipient])
        .arg(&file));
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(r.stdout.is_empty(), "partial output on stdout");
    let err = stderr(&r);
    assert!(err.contains("big.yaml") && err.contains("line"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    let r = run(veil(home.path())
        .args(["encrypt", "-i", "--age", &recipient])
        .arg(&file));
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(
        std::fs::read(&file).unwrap() == text.as_bytes(),
        "file changed"
    );
    let names: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "left behind: {names:?}");
}

#[test]
fn an_anchor_late_in_a_large_file_is_encrypted_whole() {
    let home = tempfile::tempdir().unwrap();
    let mut text = big_yaml(3000);
    text.push_str("base: &base\n  user: admin\ncopy:\n  <<: *base\n  extra: 1\n");
    let (file, recipient, key_file) = setup(home.path(), &text);
    let r = run(veil(home.path())
        .args(["encrypt", "-i", "--age", &recipient])
        .arg(&file));
    assert!(r.status.success(), "{}", stderr(&r));
    let dec = run(sops_cmd(home.path())
        .env("SOPS_AGE_KEY_FILE", &key_file)
        .args(["decrypt", "--output-type", "json"])
        .arg(&file));
    assert!(dec.status.success(), "sops: {}", stderr(&dec));
    let from_sops: serde_json::Value = serde_json::from_slice(&dec.stdout).unwrap();
    // sops keeps a merge key as a `<<` entry holding the merged mapping.
    assert_eq!(from_sops["copy"]["<<"]["user"], "admin");
    let want = parse_docs(Kind::Yaml, text.clone().into_bytes());
    assert!(json_eq(&from_sops, &want), "sops reads other data");
    let dec = run(veil(home.path())
        .env("SOPS_AGE_KEY_FILE", &key_file)
        .arg("decrypt")
        .arg(&file));
    assert!(dec.stdout == text.as_bytes(), "round trip differs");
}

/// TOML has no sops reference: a large file made of many sections round-trips through veil in
/// parts, in place and through stdout, and a layout whose sections depend on each other (an
/// array of tables at the end) is encrypted whole.
#[test]
fn large_toml_round_trips_in_parts() {
    let home = tempfile::tempdir().unwrap();
    let mut text = String::from("# generated for tests/streaming.rs\nversion = 3\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "\n# service {i}\n[services.svc-{i:06}]\ndescription = \"Service {i}: d\\u00e9j\\u00e0 vu\"\n\
             enabled = {}\nreplicas = {}\nratio = {}.25\nsince = 2024-01-{:02}T00:00:00Z\n\
             tags = [\"a{i}\", 'b', \"\"\"c\"\"\"]\nlimits = {{ cpu = {i}, mem = \"2Gi\" }}\n\
             script = \"\"\"\necho {i}\n[not.a.header]\n\"\"\"\nowner_unencrypted = \"team-{}\"\n\
             \n[services.svc-{i:06}.endpoints.main]\nhost = \"h{i}.example.com\" # the host\nport = {}\n",
            i % 3 != 0,
            i % 7,
            i,
            i % 28 + 1,
            i % 5,
            1000 + i
        ));
    }
    for (name, tail) in [("big.toml", ""), ("tail.toml", "\n[[extra]]\nx = 1\n")] {
        let text = format!("{text}{tail}");
        let (file, recipient, key_file) = setup_as(home.path(), &text, name);
        let enc = run(veil(home.path())
            .args(["encrypt", "--age", &recipient])
            .arg(&file));
        assert!(enc.status.success(), "{}", stderr(&enc));
        let enc_text = String::from_utf8(enc.stdout.clone()).unwrap();
        assert!(!enc_text.contains("h2999.example.com") && enc_text.contains("team-4"));
        assert!(
            !enc_text.contains("[not.a.header]"),
            "a string left in clear text"
        );
        let r = run(veil(home.path())
            .args(["encrypt", "-i", "--age", &recipient])
            .arg(&file));
        assert!(r.status.success(), "{}", stderr(&r));
        let dec = run(veil(home.path())
            .env("SOPS_AGE_KEY_FILE", &key_file)
            .arg("decrypt")
            .arg(&file));
        assert!(dec.status.success(), "{}", stderr(&dec));
        assert!(dec.stdout == text.as_bytes(), "{name}: round trip differs");
    }
}
