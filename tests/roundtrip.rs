//! Lossless round trips through the CLI on every file of `testdata/lossless/`:
//! `decrypt(encrypt(f)) == f` byte for byte, and no value is left in clear text unless a
//! selector says so.

use crate::common;

use std::path::{Path, PathBuf};

use common::*;
use veil::format::Kind;
use veil::pipeline::tree::{Entry, Node};

fn lossless_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(testdata().join("lossless"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e != "md")
        })
        .collect();
    files.sort();
    files
}

/// Every value leaf (not comment, not null, not empty) must be an ENC string unless a key on
/// its path ends with `_unencrypted`.
fn plaintext_leaves(node: &Node, path: &mut Vec<String>, out: &mut Vec<String>) {
    match node {
        Node::Map(entries) => {
            for e in entries {
                if let Entry::Pair(k, v) = e {
                    path.push(k.clone());
                    plaintext_leaves(v, path, out);
                    path.pop();
                }
            }
        }
        Node::Seq(items) => items.iter().for_each(|n| plaintext_leaves(n, path, out)),
        Node::Scalar(l) => {
            let clear_ok = path.iter().any(|k| k.ends_with("_unencrypted"));
            let ok = match l.value.as_str() {
                Some(s) => s.is_empty() || veil::crypto::cipher::is_encrypted(s),
                None => false,
            };
            if !ok && !clear_ok {
                out.push(path.join("."));
            }
        }
        Node::Alias(a) => plaintext_leaves(&a.target, path, out),
        Node::Null | Node::Comment(_) => {}
    }
}

fn roundtrip(file: &Path, recipient: &str, key_file: &Path) -> Result<(), String> {
    let home = tempfile::tempdir().unwrap();
    let original = std::fs::read(file).unwrap();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let enc = run(veil(home.path())
        .args(["encrypt", "--age", recipient])
        .arg(file));
    if !enc.status.success() {
        return Err(format!("{name}: encrypt failed: {}", stderr(&enc)));
    }
    let kind = Kind::from_path(file);
    let parsed = kind
        .store()
        .parse(enc.stdout.clone())
        .map_err(|e| format!("{name}: encrypted output does not parse: {e}"))?;
    if parsed.metadata.is_none() {
        return Err(format!("{name}: no metadata in encrypted output"));
    }
    let mut clear = Vec::new();
    for d in &parsed.docs {
        plaintext_leaves(d, &mut Vec::new(), &mut clear);
    }
    if !clear.is_empty() {
        return Err(format!("{name}: values left in clear text at {clear:?}"));
    }
    let enc_path = home.path().join(&name);
    std::fs::write(&enc_path, &enc.stdout).unwrap();
    let dec = run(veil(home.path())
        .env("SOPS_AGE_KEY_FILE", key_file)
        .arg("decrypt")
        .arg(&enc_path));
    if !dec.status.success() {
        return Err(format!("{name}: decrypt failed: {}", stderr(&dec)));
    }
    if dec.stdout != original {
        let a = String::from_utf8_lossy(&original);
        let b = String::from_utf8_lossy(&dec.stdout);
        let line = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .map(|i| i + 1);
        return Err(format!(
            "{name}: decrypt(encrypt(f)) differs from f (first differing line {line:?})"
        ));
    }
    Ok(())
}

#[test]
fn testdata_has_enough_real_world_files() {
    assert!(
        lossless_files().len() >= 40,
        "testdata/lossless must hold at least 40 files"
    );
}

#[test]
fn every_testdata_file_roundtrips_byte_for_byte() {
    let (key_file, recipient) = demo_key(1);
    let failures: Vec<String> = lossless_files()
        .iter()
        .filter_map(|f| roundtrip(f, &recipient, &key_file).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} files failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Files encrypted before the layout record became one record per value (`veil_layout` as one
/// encrypted string) still decrypt to their original bytes, and a `set` rewrites the record in
/// the new form without changing what the other values decrypt to.
#[test]
fn older_layout_records_still_decrypt() {
    let (key_file, _) = demo_key(1);
    let dir = testdata().join("legacy-layout");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(plain_name) = name.strip_prefix("enc.") else {
            continue;
        };
        let enc = std::fs::read_to_string(&path).unwrap();
        assert!(
            enc.contains("veil_layout"),
            "{name}: not a file with a layout record"
        );
        let home = tempfile::tempdir().unwrap();
        let dec = run(veil(home.path())
            .env("SOPS_AGE_KEY_FILE", &key_file)
            .arg("decrypt")
            .arg(&path));
        assert!(dec.status.success(), "{name}: {}", stderr(&dec));
        let want = std::fs::read(dir.join(plain_name)).unwrap();
        assert!(dec.stdout == want, "{name}: differs from {plain_name}");
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} legacy files");
    // A write converts the record; the file still decrypts to the same text.
    let home = tempfile::tempdir().unwrap();
    let copy = home.path().join("compose.yaml");
    std::fs::copy(dir.join("enc.compose.yaml"), &copy).unwrap();
    let set = run(veil(home.path()).env("SOPS_AGE_KEY_FILE", &key_file).args([
        "set",
        "compose.yaml",
        r#"["services"]["app"]["extra"]"#,
        r#""x""#,
    ]));
    assert!(set.status.success(), "{}", stderr(&set));
    let written = std::fs::read_to_string(&copy).unwrap();
    assert!(
        !written.contains("veil_layout: ENC["),
        "the record is still one string:\n{written}"
    );
    let dec = run(veil(home.path())
        .env("SOPS_AGE_KEY_FILE", &key_file)
        .arg("decrypt")
        .arg(&copy));
    assert!(dec.status.success(), "{}", stderr(&dec));
    let want = std::fs::read_to_string(dir.join("compose.yaml"))
        .unwrap()
        .replace(
            "    note: \"tab\\there\"\n",
            "    note: \"tab\\there\"\n    extra: x\n",
        );
    assert_eq!(String::from_utf8(dec.stdout).unwrap(), want);
}
