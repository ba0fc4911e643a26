//! A real sops client: ansible with the community.sops collection (installed into .venv by
//! scripts/test-env.sh) runs testdata/ansible/playbook.yml — the `community.sops.sops` lookup,
//! `community.sops.load_vars` and the `community.sops.sops_encrypt` module — once with veil as
//! `sops` on PATH and once with the reference sops 3.11; the results must be the same.

use crate::common;

use std::path::{Path, PathBuf};

use common::*;

fn ansible_playbook() -> PathBuf {
    let p = repo().join(".venv/bin/ansible-playbook");
    assert!(
        p.is_file(),
        "ansible-playbook is missing: run `bash scripts/test.sh` (scripts/test-env.sh installs the `ansible` package, which ships community.sops, into .venv)"
    );
    p
}

/// The playbook's directory: the demo key, `.sops.yaml`, the secrets encrypted by `files`, and a
/// `bin/sops` symlink to `sops_bin`.
fn setup(files: &[(String, Vec<u8>)], sops_bin: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(
        testdata().join("ansible/playbook.yml"),
        d.join("playbook.yml"),
    )
    .unwrap();
    std::fs::copy(demo_key(1).0, d.join("key.txt")).unwrap();
    std::fs::write(
        d.join(".sops.yaml"),
        format!("creation_rules:\n  - age: {}\n", demo_key(1).1),
    )
    .unwrap();
    for (name, bytes) in files {
        std::fs::write(d.join(name), bytes).unwrap();
    }
    std::fs::create_dir_all(d.join("bin")).unwrap();
    std::os::unix::fs::symlink(sops_bin, d.join("bin/sops")).unwrap();
    dir
}

fn play(dir: &Path) -> serde_json::Value {
    let venv_bin = repo().join(".venv/bin");
    let path = format!(
        "{}:{}:{}",
        dir.join("bin").display(),
        venv_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new(ansible_playbook())
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir)
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .env("ANSIBLE_LOCAL_TEMP", dir.join("ansible-tmp"))
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_RETRY_FILES_ENABLED", "0")
        .env("SOPS_AGE_KEY_FILE", dir.join("key.txt"))
        .env("SOPS_DISABLE_VERSION_CHECK", "1")
        .current_dir(dir)
        .args(["-i", "localhost,", "playbook.yml"])
        .output()
        .expect("cannot run ansible-playbook");
    assert!(
        out.status.success(),
        "ansible-playbook failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read(dir.join("result.json")).expect("the playbook wrote result.json");
    serde_json::from_slice(&text).unwrap()
}

#[test]
fn community_sops_playbook_gives_the_same_results_with_veil_as_sops() {
    ansible_playbook();
    // The encrypted inputs, made once by the reference sops, are the same for both runs.
    let prep = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (src, name) in [
        ("secrets.yaml", "secrets.sops.yaml"),
        ("vars.yaml", "vars.sops.yaml"),
    ] {
        let p = prep.path().join(name);
        std::fs::copy(testdata().join("ansible").join(src), &p).unwrap();
        let o = run(sops_cmd(prep.path())
            .args(["encrypt", "--age", &demo_key(1).1])
            .arg(&p));
        assert!(o.status.success(), "{}", stderr(&o));
        files.push((name.to_string(), o.stdout));
    }
    let with_veil = setup(&files, Path::new(env!("CARGO_BIN_EXE_veil")));
    let with_sops = setup(&files, &sops());
    let (v, s) = (play(with_veil.path()), play(with_sops.path()));
    assert_eq!(v, s, "the playbook saw different results with veil as sops");
    assert_eq!(v["extracted"], "s3cret");
    assert_eq!(v["changed"], serde_json::json!([true, false, true]));
    // What veil wrote through sops_encrypt, the reference sops reads.
    let dec = run(sops_cmd(with_veil.path())
        .env("SOPS_AGE_KEY_FILE", with_veil.path().join("key.txt"))
        .args(["decrypt", "--output-type", "json", "written.sops.yaml"]));
    assert!(dec.status.success(), "{}", stderr(&dec));
    let data: serde_json::Value = serde_json::from_slice(&dec.stdout).unwrap();
    assert_eq!(data, serde_json::json!({"user": "other"}));
}
