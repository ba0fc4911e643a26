//! Helpers for the end-to-end tests of the editing commands (set, unset, edit, rotate,
//! updatekeys, check, config, exec-*): demo keys, scripted editors, git repositories, and the
//! reference sops as the judge of every written file.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

/// Path of demo identity `n` (1–3).
pub fn key(n: usize) -> PathBuf {
    let name = match n {
        1 => "demo-age-key.txt",
        2 => "demo-age-key-2.txt",
        3 => "demo-age-key-3.txt",
        _ => panic!("no demo key {n}"),
    };
    testdata().join("demo").join(name)
}

/// Public key (recipient) of demo identity `n`.
pub fn recipient(n: usize) -> String {
    let text = std::fs::read_to_string(key(n)).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap()
        .trim()
        .to_string()
}

/// veil in `dir` with demo identity `n` (or none).
pub fn veil_k(dir: &Path, n: Option<usize>) -> Command {
    let mut c = veil(dir);
    if let Some(n) = n {
        c.env("SOPS_AGE_KEY_FILE", key(n));
    }
    c
}

pub fn sops_k(dir: &Path, n: usize) -> Command {
    let mut c = sops_cmd(dir);
    c.env("SOPS_AGE_KEY_FILE", key(n));
    c
}

/// Runs and asserts success; returns the output.
pub fn ok(cmd: &mut Command) -> Output {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed with {:?}: {}",
        out.status.code(),
        stderr(&out)
    );
    out
}

/// The exit code of a command.
pub fn code(cmd: &mut Command) -> (i32, Output) {
    let out = run(cmd);
    (out.status.code().unwrap_or(-1), out)
}

/// What the real sops decrypts `file` to, as JSON.
pub fn sops_json(dir: &Path, file: &Path, key_n: usize) -> serde_json::Value {
    let out = ok(sops_k(dir, key_n)
        .args(["decrypt", "--output-type", "json"])
        .arg(file));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "sops output is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Asserts that sops decrypts `file` with identity `key_n` to `expected`.
pub fn assert_sops_reads(dir: &Path, file: &Path, key_n: usize, expected: &serde_json::Value) {
    let got = sops_json(dir, file, key_n);
    assert!(
        json_eq_unordered(&got, expected),
        "sops decrypts {} to\n{got:#}\nexpected\n{expected:#}",
        file.display()
    );
}

/// JSON equality ignoring object key order (numbers compared numerically).
pub fn json_eq_unordered(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => x.as_f64() == y.as_f64(),
        (Array(x), Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq_unordered(a, b))
        }
        (Object(x), Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq_unordered(v, w)))
        }
        _ => a == b,
    }
}

/// What veil decrypts `file` to, as JSON.
pub fn veil_json(dir: &Path, file: &Path, key_n: usize) -> serde_json::Value {
    let out = ok(veil_k(dir, Some(key_n))
        .args(["decrypt", "--output-type", "json"])
        .arg(file));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Encrypts `file` in place with veil for the given recipients.
pub fn encrypt(dir: &Path, file: &Path, recipients: &[usize]) {
    let list: Vec<String> = recipients.iter().map(|&n| recipient(n)).collect();
    ok(veil(dir)
        .args(["encrypt", "-i", "--age", &list.join(",")])
        .arg(file));
}

/// git in `dir` with a fixed identity and no user configuration.
pub fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com");
    c
}

pub fn git_init(dir: &Path) {
    ok(git(dir).args(["init", "-q", "-b", "main"]));
}

pub fn git_commit_all(dir: &Path, msg: &str) {
    ok(git(dir).args(["add", "-A"]));
    ok(git(dir).args(["commit", "-q", "--allow-empty", "-m", msg]));
}

/// `git diff --numstat` of one file against the index: (added, removed) lines.
pub fn numstat(dir: &Path, file: &str) -> (usize, usize) {
    let out = ok(git(dir).args(["diff", "--numstat", "--", file]));
    let s = String::from_utf8_lossy(&out.stdout);
    let Some(line) = s.lines().next() else {
        return (0, 0);
    };
    let mut it = line.split_whitespace();
    (
        it.next().unwrap().parse().unwrap(),
        it.next().unwrap().parse().unwrap(),
    )
}

/// The changed lines of `git diff -U0` (without the +++/--- headers).
pub fn changed_lines(dir: &Path, file: &str) -> Vec<String> {
    let out = ok(git(dir).args(["diff", "-U0", "--", file]));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .map(String::from)
        .collect()
}

/// Writes an executable shell script.
pub fn script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, format!("#!/bin/sh\nset -e\n{body}")).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Every `ENC[...]` string of a file's text, in order.
pub fn enc_values(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("ENC[AES256_GCM,") {
        let end = rest[i..].find(']').unwrap() + i + 1;
        out.push(rest[i..end].to_string());
        rest = &rest[end..];
    }
    out
}

/// A file of `n` string values, one per line, in the format of `ext`.
pub fn many_values(ext: &str, n: usize) -> String {
    let mut s = String::new();
    match ext {
        "yaml" => {
            s.push_str("# generated\n");
            for i in 1..=n {
                s.push_str(&format!("key{i}: value-{i}\n"));
            }
        }
        "json" => {
            s.push_str("{\n");
            for i in 1..=n {
                let comma = if i < n { "," } else { "" };
                s.push_str(&format!("  \"key{i}\": \"value-{i}\"{comma}\n"));
            }
            s.push_str("}\n");
        }
        "env" => {
            for i in 1..=n {
                s.push_str(&format!("key{i}=value-{i}\n"));
            }
        }
        "ini" => {
            s.push_str("[main]\n");
            for i in 1..=n {
                s.push_str(&format!("key{i} = value-{i}\n"));
            }
        }
        "toml" => {
            for i in 1..=n {
                s.push_str(&format!("key{i} = \"value-{i}\"\n"));
            }
        }
        _ => unreachable!(),
    }
    s
}
