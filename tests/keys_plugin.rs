//! age plugins end to end, with the test plugin built from tests/plugin
//! (`age-plugin-veiltest`, an example target): veil encrypts to a plugin recipient and opens the
//! file with the plugin identity, and the real sops 3.11 reads it with the plugin on PATH (and
//! veil reads what sops writes).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const PLAIN: &str = "token: t0k3n-Vq9xZpL3\nnested:\n    pin: \"1234\"\n";

/// The test plugin's binary; built here (with the cargo that runs the tests) when the test
/// targets were built without the examples.
fn plugin_binary() -> PathBuf {
    // target/debug/deps/e2e-… → target/debug/examples/age-plugin-veiltest
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let bin = profile_dir.join("examples").join("age-plugin-veiltest");
    if !bin.is_file() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = Command::new(cargo)
            .args(["build", "--example", "age-plugin-veiltest"])
            .current_dir(repo())
            .output()
            .expect("cannot run cargo to build the test plugin");
        assert!(
            out.status.success(),
            "building the test plugin failed (cargo build --example age-plugin-veiltest): {}",
            stderr(&out)
        );
    }
    assert!(
        bin.is_file(),
        "the test plugin is missing at {}",
        bin.display()
    );
    bin
}

/// A directory holding only the plugin, for PATH.
fn plugin_dir(home: &Path) -> PathBuf {
    let dir = home.join("plugins");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(plugin_binary(), dir.join("age-plugin-veiltest")).unwrap();
    dir
}

fn with_plugin(mut c: Command, dir: &Path) -> Command {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![dir.to_path_buf()];
    paths.extend(std::env::split_paths(&path));
    c.env("PATH", std::env::join_paths(paths).unwrap());
    c
}

#[test]
fn plugin_round_trip_and_sops_reads_it() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let dir = plugin_dir(h);
    let gen_out = run(Command::new(dir.join("age-plugin-veiltest")).arg("--generate"));
    assert!(gen_out.status.success(), "{}", stderr(&gen_out));
    let identity = String::from_utf8(gen_out.stdout).unwrap();
    let recipient = identity
        .lines()
        .find_map(|l| l.strip_prefix("# recipient: "))
        .unwrap()
        .to_string();
    assert!(recipient.starts_with("age1veiltest1"), "{recipient}");
    assert!(identity.contains("AGE-PLUGIN-VEILTEST-1"));
    let keys = h.join("keys.txt");
    std::fs::write(&keys, &identity).unwrap();
    std::fs::write(h.join("plain.yaml"), PLAIN).unwrap();

    let enc = h.join("enc.yaml");
    let o = run(with_plugin(veil(h), &dir)
        .args(["encrypt", "--age", &recipient, "--output"])
        .arg(&enc)
        .arg(h.join("plain.yaml")));
    assert!(o.status.success(), "encrypt: {}", stderr(&o));
    let text = std::fs::read_to_string(&enc).unwrap();
    assert!(text.contains(&recipient), "{text}");

    let want = parse_docs(veil::format::Kind::Yaml, PLAIN.as_bytes().to_vec());
    for sops in [false, true] {
        let base = if sops { sops_cmd(h) } else { veil(h) };
        let o = run(with_plugin(base, &dir)
            .env("SOPS_AGE_KEY_FILE", &keys)
            .arg("decrypt")
            .arg(&enc));
        assert!(o.status.success(), "decrypt (sops: {sops}): {}", stderr(&o));
        assert_eq!(parse_docs(veil::format::Kind::Yaml, o.stdout), want);
    }

    // what sops writes for the plugin recipient, veil reads
    let o = run(with_plugin(sops_cmd(h), &dir)
        .args(["encrypt", "--age", &recipient])
        .arg(h.join("plain.yaml")));
    assert!(o.status.success(), "sops encrypt: {}", stderr(&o));
    let sops_file = h.join("sops.yaml");
    std::fs::write(&sops_file, &o.stdout).unwrap();
    let o = run(with_plugin(veil(h), &dir)
        .env("SOPS_AGE_KEY_FILE", &keys)
        .arg("decrypt")
        .arg(&sops_file));
    assert!(o.status.success(), "decrypt: {}", stderr(&o));
    assert_eq!(parse_docs(veil::format::Kind::Yaml, o.stdout), want);

    // without the plugin on PATH: a clear error naming the plugin
    let o = run(veil(h)
        .env("SOPS_AGE_KEY_FILE", &keys)
        .arg("decrypt")
        .arg(&enc));
    assert_eq!(o.status.code(), Some(128));
    assert!(
        stderr(&o).contains("age-plugin-veiltest is not on PATH"),
        "{}",
        stderr(&o)
    );
}
