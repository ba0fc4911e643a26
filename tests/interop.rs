//! Interoperability with the reference `sops` 3.11 binary, both directions: sops decrypts what
//! veil writes, veil decrypts what sops writes — for every sops format, with one recipient,
//! several recipients and two key groups.

use crate::common;

use std::path::{Path, PathBuf};

use common::*;
use veil::format::Kind;

fn sops_type(kind: Kind) -> &'static str {
    kind.name()
}

/// The files of each sops format in testdata/lossless, plus a binary file.
fn sops_format_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(testdata().join("lossless"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                Kind::from_path(p),
                Kind::Yaml | Kind::Json | Kind::Dotenv | Kind::Ini
            )
        })
        .collect();
    files.sort();
    files.push(testdata().join("demo/binary-demo.bin"));
    files
}

/// What the plaintext means: the first document as JSON (sops prints only the first).
fn meaning(kind: Kind, bytes: &[u8]) -> serde_json::Value {
    match parse_docs(kind, bytes.to_vec()) {
        serde_json::Value::Array(docs) if kind == Kind::Yaml => docs.into_iter().next().unwrap(),
        v => v,
    }
}

struct Setup {
    home: tempfile::TempDir,
    recipients: Vec<String>,
    keys_file: PathBuf,
}

/// `groups`: how many demo recipients per key group; more than one group writes a `.sops.yaml`.
fn setup(groups: &[usize]) -> Setup {
    let home = tempfile::tempdir().unwrap();
    let mut n = 0;
    let mut all_keys = String::new();
    let mut recipients = Vec::new();
    let mut cfg_groups = Vec::new();
    for &size in groups {
        let mut g = Vec::new();
        for _ in 0..size {
            n += 1;
            let (path, public) = demo_key(n);
            all_keys.push_str(&std::fs::read_to_string(path).unwrap());
            all_keys.push('\n');
            recipients.push(public.clone());
            g.push(public);
        }
        cfg_groups.push(g);
    }
    if groups.len() > 1 {
        let mut cfg = String::from("creation_rules:\n  - key_groups:\n");
        for g in &cfg_groups {
            cfg.push_str("      - age:\n");
            for r in g {
                cfg.push_str(&format!("          - {r}\n"));
            }
        }
        cfg.push_str(&format!("    shamir_threshold: {}\n", groups.len()));
        std::fs::write(home.path().join(".sops.yaml"), cfg).unwrap();
    }
    let keys_file = home.path().join("keys.txt");
    std::fs::write(&keys_file, all_keys).unwrap();
    Setup {
        home,
        recipients,
        keys_file,
    }
}

fn recipient_args(s: &Setup) -> Vec<String> {
    if s.home.path().join(".sops.yaml").exists() {
        Vec::new()
    } else {
        vec!["--age".into(), s.recipients.join(",")]
    }
}

fn veil_to_sops(file: &Path, s: &Setup) -> Result<(), String> {
    let kind = Kind::from_path(file);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let enc = run(veil(s.home.path())
        .arg("encrypt")
        .args(recipient_args(s))
        .arg(file));
    if !enc.status.success() {
        return Err(format!("{name}: veil encrypt failed: {}", stderr(&enc)));
    }
    let enc_path = s.home.path().join(format!("enc-{name}"));
    std::fs::write(&enc_path, &enc.stdout).unwrap();
    // sops prints the file's own format (its JSON output cannot hold e.g. +Inf); veil's parser
    // reads that back for the comparison.
    let out_type = sops_type(kind);
    let dec = run(sops_cmd(s.home.path())
        .env("SOPS_AGE_KEY_FILE", &s.keys_file)
        .args([
            "decrypt",
            "--input-type",
            if kind == Kind::Binary {
                "json"
            } else {
                sops_type(kind)
            },
            "--output-type",
            out_type,
        ])
        .arg(&enc_path));
    if !dec.status.success() {
        return Err(format!(
            "{name}: sops cannot decrypt veil's output: {}",
            stderr(&dec)
        ));
    }
    same_plaintext(file, &dec.stdout, "sops")
}

fn sops_to_veil(file: &Path, s: &Setup) -> Result<(), String> {
    let kind = Kind::from_path(file);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let t = sops_type(kind);
    let enc = run(sops_cmd(s.home.path())
        .args(["encrypt", "--input-type", t, "--output-type", t])
        .args(recipient_args(s))
        .arg(file));
    if !enc.status.success() {
        return Err(format!("{name}: sops encrypt failed: {}", stderr(&enc)));
    }
    let enc_path = s.home.path().join(format!("sops-{name}"));
    std::fs::write(&enc_path, &enc.stdout).unwrap();
    let dec = run(veil(s.home.path())
        .env("SOPS_AGE_KEY_FILE", &s.keys_file)
        .arg("decrypt")
        .arg(&enc_path));
    if !dec.status.success() {
        return Err(format!(
            "{name}: veil cannot decrypt sops's output: {}",
            stderr(&dec)
        ));
    }
    same_plaintext(file, &dec.stdout, "veil")
}

/// Whether `decrypted` (by `who`) means what `file` means: the same bytes for binary files, the
/// same first document otherwise.
fn same_plaintext(file: &Path, decrypted: &[u8], who: &str) -> Result<(), String> {
    let kind = Kind::from_path(file);
    let name = file.file_name().unwrap().to_string_lossy();
    let plain = std::fs::read(file).unwrap();
    if kind == Kind::Binary {
        return if decrypted == plain {
            Ok(())
        } else {
            Err(format!("{name}: {who} decrypted other bytes"))
        };
    }
    let (got, want) = (meaning(kind, decrypted), meaning(kind, &plain));
    if json_eq(&got, &want) {
        Ok(())
    } else {
        Err(format!("{name}: {who} decrypted\n {got}\n want {want}"))
    }
}

/// Whether sops can read `file` as a plaintext: not a dotenv file with a quoted value over
/// several lines (sops reads dotenv line by line and stops at a line without `=`; veil reads
/// such values, and sops decrypts what veil writes for them).
fn sops_reads_plaintext(file: &Path) -> bool {
    if Kind::from_path(file) != Kind::Dotenv {
        return true;
    }
    let text = std::fs::read_to_string(file).unwrap();
    text.split('\n')
        .all(|l| l.is_empty() || l.starts_with('#') || l.contains('='))
}

fn check_all(groups: &[usize], files: &[PathBuf]) {
    let s = setup(groups);
    let mut failures = Vec::new();
    for f in files {
        failures.extend(veil_to_sops(f, &s).err());
        if sops_reads_plaintext(f) {
            failures.extend(sops_to_veil(f, &s).err());
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures with key groups {groups:?}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// One file of each format, for the multi-recipient and key-group cases.
fn one_per_format() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for f in sops_format_files() {
        if !out
            .iter()
            .any(|o| Kind::from_path(o) == Kind::from_path(&f))
        {
            out.push(f);
        }
    }
    out
}

#[test]
fn one_recipient_every_file_both_directions() {
    check_all(&[1], &sops_format_files());
}

#[test]
fn several_recipients_both_directions() {
    check_all(&[3], &one_per_format());
}

#[test]
fn two_key_groups_both_directions() {
    check_all(&[1, 1], &one_per_format());
}
