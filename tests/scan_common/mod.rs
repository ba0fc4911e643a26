//! Helpers of the `veil scan` end-to-end tests: build the fixture repository with real git and
//! run the built binary on it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn demo_key() -> PathBuf {
    repo_root().join("testdata/demo/demo-age-key.txt")
}

/// One planted secret: where and in which commit it was introduced.
#[derive(Debug, Clone)]
pub struct Planted {
    pub name: String,
    pub commit: String,
    /// `-` for a commit message.
    pub path: String,
    pub secret: String,
}

pub struct Fixture {
    pub _tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub home: PathBuf,
    pub planted: Vec<Planted>,
    pub tags: HashMap<String, String>,
}

impl Fixture {
    pub fn planted(&self, name: &str) -> &Planted {
        self.planted
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no planted secret {name}"))
    }
}

/// Runs `tests/fixtures/make_scan_repo.sh` into a fresh temporary directory.
pub fn fixture() -> Fixture {
    assert!(
        Command::new("git").arg("--version").output().is_ok(),
        "git is required: install it (apt-get install git)"
    );
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = Command::new("bash")
        .arg(repo_root().join("tests/fixtures/make_scan_repo.sh"))
        .arg(&dir)
        .arg(env!("CARGO_BIN_EXE_veil"))
        .arg(demo_key())
        .env_remove("SOPS_CONFIG")
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "fixture script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(tmp.path().join("repo.expected")).unwrap();
    let mut planted = Vec::new();
    let mut tags = HashMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        if f[0] == "tag" {
            tags.insert(f[1].to_string(), f[2].to_string());
        } else {
            planted.push(Planted {
                name: f[0].into(),
                commit: f[1].into(),
                path: f[2].into(),
                secret: f[3].into(),
            });
        }
    }
    Fixture {
        _tmp: tmp,
        dir,
        home,
        planted,
        tags,
    }
}

/// The built veil with a private environment (no keys unless `with_key`), run in `dir`.
pub fn veil(dir: &Path, home: &Path, with_key: bool) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_veil"));
    c.env_clear();
    c.env("HOME", home);
    c.env("XDG_CONFIG_HOME", home.join(".config"));
    c.env("PATH", std::env::var_os("PATH").unwrap_or_default());
    c.env("GIT_CONFIG_NOSYSTEM", "1");
    if with_key {
        c.env("SOPS_AGE_KEY_FILE", demo_key());
    }
    c.current_dir(dir);
    c
}

pub fn run(c: &mut Command) -> Output {
    c.output().expect("cannot run veil")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `veil scan ARGS --format json --show-secrets` and returns the findings.
pub fn scan_json(
    dir: &Path,
    home: &Path,
    with_key: bool,
    args: &[&str],
) -> (i32, Vec<serde_json::Value>) {
    let o = run(veil(dir, home, with_key).arg("scan").args(args).args([
        "--format",
        "json",
        "--show-secrets",
    ]));
    let code = o.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "scan failed ({code}): {}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("bad JSON: {e}\n{}", stdout(&o)));
    (code, v["findings"].as_array().unwrap().clone())
}

/// Runs git in `dir` and asserts success.
pub fn git(dir: &Path, home: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}
