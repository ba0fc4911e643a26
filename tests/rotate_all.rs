//! `veil rotate --all` over a repository of 200 encrypted files in mixed formats: every file
//! decrypts to the same plaintext afterwards, and a rotation killed with SIGKILL at random
//! moments leaves every file either in its old or its new version, never broken; leftover
//! temporary files of the atomic writes are never taken for encrypted files.

use crate::common;
use crate::edithelp;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;
use edithelp::*;

const FILES: usize = 200;

/// Plaintext file `i` (format chosen by `i`), small.
fn plaintext(i: usize) -> (String, String) {
    let dir = format!("svc{}", i % 7);
    match i % 5 {
        0 => (
            format!("{dir}/s{i}.yaml"),
            format!(
                "# file {i}\nuser: u{i}\npassword: p{i}\nport: {}\n",
                1000 + i
            ),
        ),
        1 => (
            format!("{dir}/s{i}.json"),
            format!("{{\n  \"user\": \"u{i}\",\n  \"password\": \"p{i}\",\n  \"n\": {i}\n}}\n"),
        ),
        2 => (
            format!("{dir}/s{i}.env"),
            format!("USER=u{i}\nPASSWORD=p{i}\n"),
        ),
        3 => (
            format!("{dir}/s{i}.toml"),
            format!(
                "user = \"u{i}\"\npassword = \"p{i}\"\n[db]\nport = {}\n",
                2000 + i
            ),
        ),
        _ => (
            format!("{dir}/s{i}.ini"),
            format!("[main]\nuser = u{i}\npassword = p{i}\n"),
        ),
    }
}

/// A small xorshift generator (the seed is printed so that a failure can be replayed).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Every file decrypts (one `veil check --verify` over the tracked files, which decrypts each
/// and verifies its MAC).
fn all_decrypt(dir: &Path) {
    let out = run(veil_k(dir, Some(1)).args(["check", "--verify", "--format", "json"]));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("check output is not JSON ({e}): {}", stderr(&out)));
    assert_eq!(
        report["checked"], FILES,
        "every file is still an encrypted file: {report:#}"
    );
    assert!(
        out.status.success(),
        "a file does not decrypt: {report:#} {}",
        stderr(&out)
    );
}

fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in std::fs::read_dir(dir).unwrap() {
        let p = d.unwrap().path();
        if p.is_dir() && p.file_name().unwrap() != ".git" {
            for f in std::fs::read_dir(&p).unwrap() {
                let f = f.unwrap().path();
                if f.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(".veil-")
                {
                    out.push(f);
                }
            }
        }
    }
    out
}

#[test]
fn rotate_all_survives_sigkill() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git_init(dir);
    let mut names = Vec::new();
    let mut expected = Vec::new();
    for i in 0..FILES {
        let (name, text) = plaintext(i);
        let path = dir.join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
        // What the plaintext is, in veil's model (through JSON).
        let kind = veil::format::Kind::from_path(&path);
        expected.push(parse_docs(kind, text.into_bytes()));
        names.push(name);
    }
    // Encrypt in a few invocations' worth of processes.
    let r1 = recipient(1);
    for chunk in names.chunks(50) {
        std::thread::scope(|s| {
            for n in chunk.chunks(25) {
                let r1 = &r1;
                s.spawn(move || {
                    for name in n {
                        ok(veil(dir).args(["encrypt", "-i", "--age", r1, name]));
                    }
                });
            }
        });
    }
    std::fs::write(dir.join("README.md"), "not a secret\n").unwrap();
    git_commit_all(dir, "secrets");
    let originals: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(dir.join(n)).unwrap())
        .collect();

    // One full rotation: every file changes and decrypts to the same plaintext.
    let t = Instant::now();
    let out = ok(veil_k(dir, Some(1)).args(["rotate", "--all"]));
    let full = t.elapsed();
    assert!(
        stderr(&out).contains(&format!("{FILES} file(s) rotated")),
        "{}",
        stderr(&out)
    );
    for (n, old) in names.iter().zip(&originals) {
        assert_ne!(
            &std::fs::read(dir.join(n)).unwrap(),
            old,
            "{n} was not rotated"
        );
    }

    // Kill rotations at random moments.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("seed {seed}, full rotation {full:?}");
    let mut rng = Rng(seed);
    // Kill moments spread over most of a run (a run takes `full`); the test stays well under a
    // minute in a debug build.
    let window = (full.as_millis() as u64 * 3 / 4).max(20);
    let kills = 50;
    for k in 0..kills {
        let before: Vec<Vec<u8>> = names
            .iter()
            .map(|n| std::fs::read(dir.join(n)).unwrap())
            .collect();
        let mut child = veil_k(dir, Some(1))
            .args(["rotate", "--all"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.next() % window));
        let _ = child.kill();
        let _ = child.wait();
        // Every file is whole: its previous bytes, or a new version that is a valid
        // encrypted file (checked by decryption below).
        let mut changed = 0;
        for (n, old) in names.iter().zip(&before) {
            let now = std::fs::read(dir.join(n)).unwrap();
            if &now != old {
                changed += 1;
                assert!(!now.is_empty(), "{n} is empty after kill {k}");
            }
        }
        if k % 10 == 9 && changed > 0 {
            all_decrypt(dir);
        }
    }
    all_decrypt(dir);

    // A leftover temporary file (as a SIGKILL between write and rename leaves it) is not an
    // encrypted file of the repository: plant one for sure.
    let json = names.iter().find(|n| n.ends_with(".json")).unwrap();
    let planted = dir
        .join(Path::new(json).parent().unwrap())
        .join(".veil-planted.tmp");
    std::fs::copy(dir.join(json), &planted).unwrap();
    let planted_bytes = std::fs::read(&planted).unwrap();
    let found = leftovers(dir);
    let out = ok(veil_k(dir, Some(1)).args(["rotate", "--all"]));
    let err = stderr(&out);
    assert!(err.contains(&format!("{FILES} file(s) rotated")), "{err}");
    for l in &found {
        let name = l.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !err.contains(&name),
            "a leftover temporary file was rotated: {name}\n{err}"
        );
    }
    assert_eq!(
        std::fs::read(&planted).unwrap(),
        planted_bytes,
        "the leftover was rewritten"
    );
    // `check` does not report leftovers either (they are untracked).
    all_decrypt(dir);

    // Finally: every file decrypts to its original plaintext.
    for (n, want) in names.iter().zip(&expected) {
        let kind = veil::format::Kind::from_path(Path::new(n));
        let out = ok(veil_k(dir, Some(1)).arg("decrypt").arg(n));
        let got = parse_docs(kind, out.stdout);
        assert!(json_eq(&got, want), "{n}: {got:#} != {want:#}");
    }
    eprintln!("took {:?}", started.elapsed());
}
