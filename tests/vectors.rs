//! Every vector in `testdata/vectors/sops/` through the CLI: positive vectors decrypt to their
//! `expected.json` / `expected.bin` (PGP ones with their keys imported into a temporary
//! `GNUPGHOME`); negative ones fail with their error class and print no plaintext.

use crate::common;

use std::path::Path;

use common::*;
use veil::format::Kind;

fn kind_of(name: &str) -> Kind {
    match name {
        "yaml" => Kind::Yaml,
        "json" => Kind::Json,
        "dotenv" => Kind::Dotenv,
        "ini" => Kind::Ini,
        "binary" => Kind::Binary,
        other => panic!("unknown input type {other}"),
    }
}

fn check_vector(dir: &Path) -> Result<(), String> {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("vector.json")).unwrap()).unwrap();
    let name = v["name"].as_str().unwrap();
    let input_type = v["input_type"].as_str().unwrap();
    let file = dir.join(v["file"].as_str().unwrap());
    let home = tempfile::tempdir().unwrap();
    let mut cmd = veil(home.path());
    let mut age_files = Vec::new();
    let mut pgp_keys = Vec::new();
    for k in v["keys"].as_array().unwrap() {
        let path = dir.join(k["file"].as_str().unwrap());
        match k["type"].as_str().unwrap() {
            "age" => age_files.push(std::fs::read_to_string(&path).unwrap()),
            "ssh" => {
                cmd.env("SOPS_AGE_SSH_PRIVATE_KEY_FILE", &path);
            }
            "pgp" => pgp_keys.push(path),
            other => panic!("{name}: unknown key type {other}"),
        }
    }
    if !pgp_keys.is_empty() {
        cmd.env("GNUPGHOME", gnupg_home(home.path(), &pgp_keys));
    }
    if !age_files.is_empty() {
        let keys = home.path().join("keys.txt");
        std::fs::write(&keys, age_files.join("\n")).unwrap();
        cmd.env("SOPS_AGE_KEY_FILE", &keys);
    }
    let out_type = if input_type == "binary" {
        "binary"
    } else {
        input_type
    };
    cmd.args([
        "decrypt",
        "--input-type",
        input_type,
        "--output-type",
        out_type,
    ])
    .arg(&file);
    let out = run(&mut cmd);
    let err = stderr(&out);
    if err.contains("panicked") {
        return Err(format!("{name}: panic: {err}"));
    }
    if let Some(e) = v.get("expect_error") {
        let want = match e["kind"].as_str().unwrap() {
            "mac_mismatch" => 51,
            "value_decryption_failed" => 25,
            "data_key_not_recoverable" => 128,
            other => panic!("unknown error kind {other}"),
        };
        if out.status.code() != Some(want) {
            return Err(format!(
                "{name}: expected exit {want}, got {:?}: {err}",
                out.status.code()
            ));
        }
        if !out.stdout.is_empty() {
            return Err(format!("{name}: printed output on failure"));
        }
        if err.lines().count() != 1 {
            return Err(format!("{name}: error is not one line: {err}"));
        }
        return Ok(());
    }
    if !out.status.success() {
        return Err(format!("{name}: exit {:?}: {err}", out.status.code()));
    }
    if input_type == "binary" {
        let want = std::fs::read(dir.join("expected.bin")).unwrap();
        return if out.stdout == want {
            Ok(())
        } else {
            Err(format!("{name}: binary output differs"))
        };
    }
    let got = parse_docs(kind_of(input_type), out.stdout);
    let want: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    if !json_eq(&got, &want) {
        return Err(format!(
            "{name}: decrypted document differs:\n got  {got}\n want {want}"
        ));
    }
    Ok(())
}

#[test]
fn every_vector_behaves() {
    let root = vectors();
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("vector.json").is_file())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 40,
        "expected the sops vectors, found {}",
        dirs.len()
    );
    let failures: Vec<String> = dirs.iter().filter_map(|d| check_vector(d).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}
