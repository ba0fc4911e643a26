//! A local attacker and an unlucky user (issue 8, findings 3–8 and the FIFO of finding 10):
//! in-place writes through symlinks, killed at random moments, racing each other, on files
//! with an owner, group and extended attributes; the process is not dumpable; children do not
//! get the identity variables; a FIFO input does not hang.

use crate::common;
use crate::edithelp;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use edithelp::*;
use serde_json::{Value, json};

/// A file of two identities (demo keys 1 and 2), so that files of either decrypt.
fn both_keys(dir: &Path) -> PathBuf {
    let p = dir.join("both-keys.txt");
    let text = format!(
        "{}\n{}\n",
        std::fs::read_to_string(key(1)).unwrap(),
        std::fs::read_to_string(key(2)).unwrap()
    );
    std::fs::write(&p, text).unwrap();
    p
}

/// veil with both demo identities, and its private directories in `runtime` (a tmpfs
/// directory of the test's own, so that its leftovers can be checked).
fn veil2(dir: &Path, runtime: &Path) -> Command {
    let mut c = veil(dir);
    c.env("SOPS_AGE_KEY_FILE", dir.join("both-keys.txt"))
        .env("XDG_RUNTIME_DIR", runtime);
    c
}

/// A directory of the test's own on tmpfs.
fn runtime_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("veil-test-runtime")
        .tempdir_in("/dev/shm")
        .expect("the tests need /dev/shm (a tmpfs)")
}

/// `.veil-*.tmp` files in `dir`.
fn temps(dir: &Path) -> Vec<(PathBuf, u32)> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with(".veil-") && n.ends_with(".tmp")
        })
        .map(|e| {
            let mode = e.metadata().map(|m| m.mode()).unwrap_or(0);
            (e.path(), mode)
        })
        .collect()
}

fn is_link(p: &Path) -> bool {
    std::fs::symlink_metadata(p)
        .unwrap()
        .file_type()
        .is_symlink()
}

/// What veil decrypts `file` to, as JSON (None when it does not decrypt).
fn decrypted(dir: &Path, runtime: &Path, file: &Path) -> Option<Value> {
    let out = run(veil2(dir, runtime)
        .args(["decrypt", "--output-type", "json"])
        .arg(file));
    if !out.status.success() {
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

fn yaml_values(n: usize) -> String {
    let mut s = String::from("# secrets\nedited: no\n");
    for i in 0..n {
        s.push_str(&format!("key{i}: value-{i}\n"));
    }
    s
}

fn yaml_json(n: usize) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("edited".into(), json!("no"));
    for i in 0..n {
        m.insert(format!("key{i}"), json!(format!("value-{i}")));
    }
    Value::Object(m)
}

/// Every in-place command through a symlink (relative, into another directory) writes the
/// file it names and leaves the link a link; `--output` through a link too.
#[test]
fn in_place_commands_write_through_symlinks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let runtime = runtime_dir();
    let rt = runtime.path();
    both_keys(dir);
    std::fs::create_dir(dir.join("real")).unwrap();
    std::fs::create_dir(dir.join("links")).unwrap();
    let real = dir.join("real/s.yaml");
    let link = dir.join("links/s.yaml");
    std::os::unix::fs::symlink("../real/s.yaml", &link).unwrap();
    std::fs::write(&real, yaml_values(3)).unwrap();
    std::fs::write(
        dir.join(".sops.yaml"),
        format!(
            "creation_rules:\n  - path_regex: 's\\.yaml$'\n    age: {},{}\n",
            recipient(1),
            recipient(2)
        ),
    )
    .unwrap();
    let mut expected = yaml_json(3);
    let r1 = recipient(1);
    let ed = dir.join("ed.sh");
    script(&ed, "sed -i 's/^edited: no/edited: yes/' \"$1\"\n");

    let mut last = std::fs::read(&real).unwrap();
    let mut step = |what: &str, args: &[&str], expected: &Value, encrypted: bool| {
        ok(veil2(dir, rt).env("EDITOR", &ed).args(args));
        assert!(is_link(&link), "{what}: the link was replaced");
        let now = std::fs::read(&real).unwrap();
        assert_ne!(now, last, "{what}: the target was not written");
        if encrypted {
            assert_eq!(
                decrypted(dir, rt, &real).as_ref(),
                Some(expected),
                "{what}: the target does not decrypt to the expected values"
            );
        }
        last = now;
        for d in ["real", "links"] {
            assert!(temps(&dir.join(d)).is_empty(), "{what}: temporary left");
        }
    };
    step(
        "encrypt -i",
        &["encrypt", "-i", "--age", &r1, "links/s.yaml"],
        &expected,
        true,
    );
    expected["added"] = json!("x");
    step(
        "set",
        &["set", "links/s.yaml", r#"["added"]"#, r#""x""#],
        &expected,
        true,
    );
    expected.as_object_mut().unwrap().remove("key1");
    step(
        "unset",
        &["unset", "links/s.yaml", r#"["key1"]"#],
        &expected,
        true,
    );
    expected["edited"] = json!("yes");
    step("edit", &["edit", "links/s.yaml"], &expected, true);
    step("rotate", &["rotate", "links/s.yaml"], &expected, true);
    step(
        "updatekeys",
        &["updatekeys", "-y", "links/s.yaml"],
        &expected,
        true,
    );
    // updatekeys added key 2 to the file that the link names.
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(text.contains(&recipient(2)), "{text}");
    step(
        "decrypt -i",
        &["decrypt", "-i", "links/s.yaml"],
        &expected,
        false,
    );
    let plain = std::fs::read_to_string(&real).unwrap();
    assert!(
        plain.contains("edited: yes") && plain.contains("added: x"),
        "{plain}"
    );

    // --output through a link (a dangling one: its target is created).
    let out_link = dir.join("links/out.yaml");
    std::os::unix::fs::symlink("../real/out.yaml", &out_link).unwrap();
    ok(veil2(dir, rt).args([
        "encrypt",
        "--age",
        &r1,
        "real/s.yaml",
        "--output",
        "links/out.yaml",
    ]));
    assert!(is_link(&out_link));
    assert_eq!(
        decrypted(dir, rt, &dir.join("real/out.yaml")).as_ref(),
        Some(&expected)
    );
    // ... and again over the existing target.
    ok(veil2(dir, rt).args([
        "encrypt",
        "--age",
        &r1,
        "real/s.yaml",
        "--output",
        "links/out.yaml",
    ]));
    assert!(is_link(&out_link));
    // `--output` naming the input itself is an in-place write.
    ok(veil2(dir, rt).args(["decrypt", "real/out.yaml", "--output", "links/out.yaml"]));
    assert_eq!(
        std::fs::read_to_string(dir.join("real/out.yaml")).unwrap(),
        plain
    );
    assert!(is_link(&out_link));
}

/// `rotate` of a file named twice (by itself and through a link) and `rotate --all` in a
/// repository that tracks links (symbolic and hard) to encrypted files: each file is rotated
/// once.
#[test]
fn rotate_touches_each_file_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git_init(dir);
    std::fs::write(dir.join("a.yaml"), "password: p\n").unwrap();
    std::fs::write(dir.join("b.env"), "TOKEN=t\n").unwrap();
    encrypt(dir, &dir.join("a.yaml"), &[1]);
    encrypt(dir, &dir.join("b.env"), &[1]);
    std::os::unix::fs::symlink("a.yaml", dir.join("link.yaml")).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink("../a.yaml", dir.join("sub/again.yaml")).unwrap();
    std::fs::hard_link(dir.join("b.env"), dir.join("hard.env")).unwrap();
    git_commit_all(dir, "files");

    let rotated = |err: &str| err.lines().filter(|l| l.starts_with("rotated:")).count();
    let out = ok(veil_k(dir, Some(1)).args(["rotate", "--all"]));
    let err = stderr(&out);
    assert_eq!(rotated(&err), 2, "{err}");
    assert!(err.contains("2 file(s) rotated"), "{err}");

    let out = ok(veil_k(dir, Some(1)).args(["rotate", "a.yaml", "link.yaml", "sub/again.yaml"]));
    let err = stderr(&out);
    assert_eq!(rotated(&err), 1, "{err}");
    assert!(is_link(&dir.join("link.yaml")) && is_link(&dir.join("sub/again.yaml")));
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

/// One in-place command of the kill loop: the file it changes (through a link), what the file
/// holds before, and what a complete new version is.
struct Case {
    name: &'static str,
    args: Vec<String>,
    /// The real file.
    file: PathBuf,
    old: Vec<u8>,
    /// A new version: its exact bytes, or what it decrypts to.
    new: New,
    kills: usize,
    completed: usize,
    window: u64,
}

enum New {
    Bytes(Vec<u8>),
    Decrypts(Value),
}

/// SIGKILL at random moments of every in-place command (and `--output`), through symlinks,
/// at least 200 kills in about a minute at most: every file is always its complete old version
/// or a complete new one that decrypts; the next veil run leaves no temporary file, and no
/// private directory of a killed `edit` is left either.
#[test]
fn in_place_commands_survive_sigkill() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let runtime = runtime_dir();
    let rt = runtime.path();
    both_keys(dir);
    std::fs::create_dir(dir.join("real")).unwrap();
    std::fs::create_dir(dir.join("links")).unwrap();
    let n = 300;
    let plain = yaml_values(n);
    let plain_json = yaml_json(n);
    let r1 = recipient(1);
    std::fs::write(
        dir.join(".sops.yaml"),
        format!(
            "creation_rules:\n  - path_regex: 'upd\\.yaml$'\n    age: {}\n  - path_regex: '.*'\n    age: {r1}\n",
            recipient(2)
        ),
    )
    .unwrap();
    let ed = dir.join("ed.sh");
    script(&ed, "sed -i 's/^edited: no/edited: yes/' \"$1\"\n");
    let src = dir.join("real/plain.yaml");
    std::fs::write(&src, &plain).unwrap();
    // One encrypted version of the plaintext, the starting point of most cases.
    let encrypted = ok(veil2(dir, rt).args(["encrypt", "--age", &r1, "real/plain.yaml"])).stdout;

    let with = |v: &Value, f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut v = v.clone();
        f(v.as_object_mut().unwrap());
        v
    };
    let set_json = with(&plain_json, &|m| {
        m.insert("added".into(), json!("x"));
    });
    let unset_json = with(&plain_json, &|m| {
        m.remove("key7");
    });
    let edit_json = with(&plain_json, &|m| {
        m.insert("edited".into(), json!("yes"));
    });
    let case = |name: &'static str, file: &str, args: &[&str], old: &[u8], new: New| {
        let real = dir.join("real").join(file);
        let link = dir.join("links").join(file);
        if !link.exists() {
            std::os::unix::fs::symlink(format!("../real/{file}"), &link).unwrap();
        }
        Case {
            name,
            args: args.iter().map(|s| s.to_string()).collect(),
            file: real,
            old: old.to_vec(),
            new,
            kills: 0,
            completed: 0,
            window: 0,
        }
    };
    let mut cases = vec![
        case(
            "encrypt -i",
            "enc.yaml",
            &["encrypt", "-i", "--age", &r1, "links/enc.yaml"],
            plain.as_bytes(),
            New::Decrypts(plain_json.clone()),
        ),
        case(
            "decrypt -i",
            "dec.yaml",
            &["decrypt", "-i", "links/dec.yaml"],
            &encrypted,
            New::Bytes(plain.as_bytes().to_vec()),
        ),
        case(
            "set",
            "set.yaml",
            &["set", "links/set.yaml", r#"["added"]"#, r#""x""#],
            &encrypted,
            New::Decrypts(set_json),
        ),
        case(
            "unset",
            "unset.yaml",
            &["unset", "links/unset.yaml", r#"["key7"]"#],
            &encrypted,
            New::Decrypts(unset_json),
        ),
        case(
            "edit",
            "edit.yaml",
            &["edit", "links/edit.yaml"],
            &encrypted,
            New::Decrypts(edit_json),
        ),
        case(
            "rotate",
            "rot.yaml",
            &["rotate", "links/rot.yaml"],
            &encrypted,
            New::Decrypts(plain_json.clone()),
        ),
        case(
            "updatekeys (rotating)",
            "upd.yaml",
            &["updatekeys", "-y", "links/upd.yaml"],
            &encrypted,
            New::Decrypts(plain_json.clone()),
        ),
        case(
            "encrypt --output",
            "out.yaml",
            &[
                "encrypt",
                "--age",
                &r1,
                "real/plain.yaml",
                "--output",
                "links/out.yaml",
            ],
            &encrypted,
            New::Decrypts(plain_json.clone()),
        ),
    ];
    // Every target readable by group and others: a temporary file left as readable would show.
    let restore = |c: &Case| {
        std::fs::write(&c.file, &c.old).unwrap();
        std::fs::set_permissions(&c.file, std::fs::Permissions::from_mode(0o644)).unwrap();
    };
    // How long each command takes: the kills are spread over that (and a little past it).
    for c in &mut cases {
        restore(c);
        let t = Instant::now();
        ok(veil2(dir, rt).env("EDITOR", &ed).args(&c.args));
        c.window = (t.elapsed().as_micros() as u64 * 11 / 10).max(2_000);
        check(dir, rt, c, "calibration run");
    }
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!(
        "seed {seed}; windows (µs): {:?}",
        cases.iter().map(|c| (c.name, c.window)).collect::<Vec<_>>()
    );
    let mut rng = Rng(seed);
    let mut killed_pids = Vec::new();
    let mut leftovers_seen = 0;
    let mut readable_seen = 0;
    let deadline = Duration::from_secs(60);
    let total = |cases: &[Case]| cases.iter().map(|c| c.kills).sum::<usize>();
    let mut round = 0;
    while (total(&cases) < 220 || cases.iter().any(|c| c.kills < 15))
        && started.elapsed() < deadline
    {
        for c in cases.iter_mut() {
            restore(c);
            let mut child = veil2(dir, rt)
                .env("EDITOR", &ed)
                .args(&c.args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_micros(rng.next() % c.window));
            let _ = child.kill();
            let status = child.wait().unwrap();
            if status.signal() == Some(9) {
                c.kills += 1;
                killed_pids.push(child.id());
            } else {
                assert!(status.success(), "{}: {status}", c.name);
                c.completed += 1;
            }
            check(dir, rt, c, &format!("round {round}"));
        }
        for (_, mode) in temps(&dir.join("real")) {
            leftovers_seen += 1;
            // Readable by others only in the instant between the mode and the rename.
            if mode & 0o077 != 0 {
                readable_seen += 1;
            }
        }
        round += 1;
    }
    let kills = total(&cases);
    eprintln!(
        "{kills} kills in {:?} ({round} rounds; {leftovers_seen} temporary files seen right after kills, {readable_seen} of them readable by others): {:?}",
        started.elapsed(),
        cases
            .iter()
            .map(|c| (c.name, c.kills, c.completed))
            .collect::<Vec<_>>()
    );
    assert!(kills >= 200, "only {kills} kills landed");
    for c in &cases {
        assert!(c.kills >= 10, "{}: only {} kills landed", c.name, c.kills);
    }

    // The next veil run in that directory removes what the killed ones left.
    let set = &cases[2];
    restore(set);
    ok(veil2(dir, rt).args(&set.args));
    let left = temps(&dir.join("real"));
    assert!(
        left.is_empty(),
        "temporary files left after the next run: {left:?}"
    );
    // ... and the next edit, the private directories of killed edits.
    restore(&cases[4]);
    ok(veil2(dir, rt).env("EDITOR", &ed).args(&cases[4].args));
    let stale: Vec<String> = std::fs::read_dir(rt)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        stale.is_empty(),
        "private directories left in {}: {stale:?}",
        rt.display()
    );
}

/// The file of a case is its old version, or a complete new one.
fn check(dir: &Path, rt: &Path, c: &Case, when: &str) {
    let now = std::fs::read(&c.file).unwrap();
    assert!(
        !is_link(&c.file) && is_link(&dir.join("links").join(c.file.file_name().unwrap())),
        "{}: {when}: the link or its target was replaced",
        c.name
    );
    if now == c.old {
        return;
    }
    match &c.new {
        New::Bytes(b) => assert!(
            &now == b,
            "{}: {when}: neither the old nor the new version:\n{}",
            c.name,
            String::from_utf8_lossy(&now)
        ),
        New::Decrypts(v) => {
            let got = decrypted(dir, rt, &c.file);
            assert!(
                got.as_ref() == Some(v),
                "{}: {when}: neither the old version nor a new one that decrypts:\n{}",
                c.name,
                String::from_utf8_lossy(&now)
            );
        }
    }
}

/// 20 concurrent `set`s of different keys on one file (half through a symlink): all 20 values
/// are there afterwards.
#[test]
fn concurrent_sets_lose_no_update() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let runtime = runtime_dir();
    both_keys(dir);
    let file = dir.join("s.yaml");
    std::fs::write(&file, yaml_values(1000)).unwrap();
    encrypt(dir, &file, &[1]);
    std::os::unix::fs::symlink("s.yaml", dir.join("link.yaml")).unwrap();
    let children: Vec<_> = (0..20)
        .map(|i| {
            let name = if i % 2 == 0 { "s.yaml" } else { "link.yaml" };
            veil2(dir, runtime.path())
                .args([
                    "set",
                    name,
                    &format!(r#"["new{i}"]"#),
                    &format!(r#""v{i}""#),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let got = decrypted(dir, runtime.path(), &file).expect("the file decrypts");
    for i in 0..20 {
        assert_eq!(
            got[format!("new{i}")],
            json!(format!("v{i}")),
            "new{i} was lost"
        );
    }
    assert_eq!(got["key999"], json!("value-999"));
    assert!(is_link(&dir.join("link.yaml")));
    assert!(temps(dir).is_empty());
}

/// Owner, group, mode and a user extended attribute survive `encrypt -i`, `set` and
/// `decrypt -i`. Keeping another user's ownership needs root (CI runs as root); as another
/// user, only the group (one of the user's own) and the attributes can be checked, and are.
#[test]
fn owner_group_mode_and_xattrs_survive_in_place_writes() {
    use xattr::FileExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let runtime = runtime_dir();
    both_keys(dir);
    let file = dir.join("s.yaml");
    std::fs::write(&file, yaml_values(3)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::File::open(&file)
        .unwrap()
        .set_xattr("user.veil.test", b"kept")
        .expect("the tests need a file system with user extended attributes");
    let root = nix::unistd::geteuid().is_root();
    let (uid, gid) = if root {
        (4242, 4343)
    } else {
        let m = std::fs::metadata(&file).unwrap();
        (m.uid(), m.gid())
    };
    if root {
        std::os::unix::fs::chown(&file, Some(uid), Some(gid)).unwrap();
    } else {
        eprintln!("not root: the owner of another user cannot be tested; group and attributes are");
    }
    let r1 = recipient(1);
    for args in [
        vec!["encrypt", "-i", "--age", &r1, "s.yaml"],
        vec!["set", "s.yaml", r#"["k"]"#, r#""v""#],
        vec!["decrypt", "-i", "s.yaml"],
    ] {
        let out = ok(veil2(dir, runtime.path()).args(&args));
        assert!(stderr(&out).is_empty(), "{args:?}: {}", stderr(&out));
        let m = std::fs::metadata(&file).unwrap();
        assert_eq!(
            (m.uid(), m.gid()),
            (uid, gid),
            "{args:?}: owner or group lost"
        );
        assert_eq!(m.mode() & 0o7777, 0o640, "{args:?}: mode lost");
        let x = std::fs::File::open(&file)
            .unwrap()
            .get_xattr("user.veil.test")
            .unwrap();
        assert_eq!(x.as_deref(), Some(&b"kept"[..]), "{args:?}: xattr lost");
    }
    assert!(std::fs::read_to_string(&file).unwrap().contains("k: v"));
    assert!(temps(dir).is_empty());
}

/// Reads the state of veil from its editor: not dumpable, no core, no identity variable
/// (unless --keep-key-env), the plaintext on tmpfs in a 0700 directory.
///
/// Linux shows no `Dumpable:` line in /proc/<pid>/status; it shows the attribute in who owns
/// /proc/<pid>/status and the other files of /proc/<pid>: root, for a process that is not dumpable, whatever its user (proc(5)), and a
/// process of the same user cannot read its environment. veil runs here as a user other than
/// root (nobody when the test runs as root, as in CI) so that both are visible.
#[test]
fn edit_is_not_dumpable_and_hides_key_env_from_the_editor() {
    // Under /dev/shm (mode 1777), so that another user can reach the files when the test runs
    // as root; veil itself is copied there too.
    let tmp = runtime_dir();
    let dir = tmp.path();
    let runtime = runtime_dir();
    both_keys(dir);
    let bin = dir.join("veil");
    std::fs::copy(env!("CARGO_BIN_EXE_veil"), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let file = dir.join("s.yaml");
    std::fs::write(&file, yaml_values(3)).unwrap();
    encrypt(dir, &file, &[1]);
    let ed = dir.join("ed.sh");
    script(
        &ed,
        "stat -c 'proc owner %u' /proc/$PPID/status > \"$REPORT\"\n\
         id -u | sed 's/^/me /' >> \"$REPORT\"\n\
         cat /proc/$PPID/environ > /dev/null 2>&1 || echo environ-unreadable >> \"$REPORT\"\n\
         grep '^Max core file size' /proc/$PPID/limits >> \"$REPORT\"\n\
         env | grep '^SOPS_AGE' >> \"$REPORT\" || true\n\
         case \"$1\" in \"$XDG_RUNTIME_DIR\"/*) echo on-tmpfs >> \"$REPORT\";; esac\n\
         stat -c 'mode %a' \"$(dirname \"$1\")\" >> \"$REPORT\"\n\
         sed -i 's/^edited: .*/edited: yes/' \"$1\"\n",
    );
    let secret_key = std::fs::read_to_string(key(2))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap()
        .to_string();
    let root = nix::unistd::geteuid().is_root();
    let nobody = 65534;
    if root {
        for p in [dir, runtime.path()] {
            std::os::unix::fs::chown(p, Some(nobody), Some(nobody)).unwrap();
        }
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            std::os::unix::fs::chown(e.path(), Some(nobody), Some(nobody)).unwrap();
        }
    }
    for keep in [false, true] {
        let report = dir.join(format!("report-{keep}"));
        // Started with core dumps allowed (a soft limit of unlimited), as a user may have it.
        let mut cmd = Command::new("/bin/sh");
        cmd.env_clear()
            .env("HOME", dir)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("SOPS_AGE_KEY_FILE", dir.join("both-keys.txt"))
            .env("XDG_RUNTIME_DIR", runtime.path())
            .current_dir(dir)
            .args(["-c", "ulimit -S -c unlimited && exec \"$0\" \"$@\""])
            .arg(&bin);
        if root {
            use std::os::unix::process::CommandExt;
            cmd.uid(nobody).gid(nobody);
        }
        cmd.env("EDITOR", &ed)
            .env("REPORT", &report)
            .env("SOPS_AGE_KEY", &secret_key)
            .arg("edit");
        if keep {
            cmd.arg("--keep-key-env");
        }
        ok(cmd.arg("s.yaml"));
        let text = std::fs::read_to_string(&report).unwrap();
        let me = if root {
            nobody
        } else {
            nix::unistd::geteuid().as_raw()
        };
        assert!(text.contains(&format!("me {me}\n")), "{text}");
        assert!(
            text.contains("proc owner 0\n"),
            "/proc/<veil>/status is not root's: veil is dumpable\n{text}"
        );
        assert!(text.contains("environ-unreadable"), "{text}");
        let core = text
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap();
        assert_eq!(
            core.split_whitespace().nth(4),
            Some("0"),
            "soft core limit: {core}"
        );
        assert!(text.contains("on-tmpfs"), "{text}");
        assert!(text.contains("mode 700"), "{text}");
        if keep {
            assert!(text.contains("SOPS_AGE_KEY_FILE="), "{text}");
            assert!(text.contains("SOPS_AGE_KEY=AGE-SECRET-KEY-"), "{text}");
        } else {
            assert!(!text.contains("SOPS_AGE"), "the editor saw: {text}");
        }
        let got = decrypted(dir, runtime.path(), &file).unwrap();
        assert_eq!(got["edited"], json!("yes"));
        // Back for the next round.
        let mut cmd = veil2(dir, runtime.path());
        if root {
            use std::os::unix::process::CommandExt;
            cmd.uid(nobody).gid(nobody);
        }
        ok(cmd.args(["set", "s.yaml", r#"["edited"]"#, r#""no""#]));
    }
}

/// exec-env's and exec-file's children see no SOPS_AGE_KEY* variable unless --keep-key-env;
/// exec-file's regular file (--no-fifo) is on tmpfs, 0600 in a 0700 directory.
#[test]
fn exec_children_get_no_key_env() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let runtime = runtime_dir();
    both_keys(dir);
    let file = dir.join("s.env");
    std::fs::write(&file, "DB_PASSWORD=hunter2\n").unwrap();
    encrypt(dir, &file, &[1]);
    let env_cmd = "env | grep '^SOPS_AGE' || true; echo \"db=$DB_PASSWORD\"";
    for keep in [false, true] {
        let mut args = vec!["exec-env", "s.env", env_cmd];
        if keep {
            args.push("--keep-key-env");
        }
        let out = ok(veil2(dir, runtime.path())
            .env("SOPS_AGE_KEY_CMD_EXTRA", "x")
            .args(&args));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(text.contains("db=hunter2"), "{text}");
        assert_eq!(text.contains("SOPS_AGE_KEY_FILE="), keep, "{text}");
        assert_eq!(text.contains("SOPS_AGE_KEY_CMD_EXTRA="), keep, "{text}");

        for fifo in [true, false] {
            let cmd =
                "env | grep '^SOPS_AGE' || true; cat {}; stat -c 'mode %a' {} \"$(dirname {})\"";
            let mut args = vec!["exec-file", "s.env", cmd];
            if keep {
                args.push("--keep-key-env");
            }
            if !fifo {
                args.push("--no-fifo");
            }
            let out = ok(veil2(dir, runtime.path()).args(&args));
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(text.contains("DB_PASSWORD=hunter2"), "{text}");
            assert_eq!(text.contains("SOPS_AGE_KEY_FILE="), keep, "{text}");
            assert!(text.contains("mode 600\nmode 700"), "{text}");
            assert!(stderr(&out).is_empty(), "{}", stderr(&out));
        }
    }
    // The private directories went with the commands.
    assert_eq!(std::fs::read_dir(runtime.path()).unwrap().count(), 0);
}

/// A FIFO (or a directory, or a device) given as the input fails at once with exit 2 and one
/// line naming it, for every command that reads a file.
#[test]
fn fifo_input_does_not_block() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let runtime = runtime_dir();
    both_keys(dir);
    let fifo = dir.join("in.yaml");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let r1 = recipient(1);
    for args in [
        vec!["encrypt", "--age", &r1, "in.yaml"],
        vec!["encrypt", "-i", "--age", &r1, "in.yaml"],
        vec!["decrypt", "in.yaml"],
        vec!["decrypt", "-i", "in.yaml"],
        vec!["filestatus", "in.yaml"],
        vec!["set", "in.yaml", r#"["a"]"#, "1"],
        vec!["unset", "in.yaml", r#"["a"]"#],
        vec!["rotate", "in.yaml"],
        vec!["edit", "in.yaml"],
        vec!["exec-env", "in.yaml", "true"],
        vec!["exec-file", "in.yaml", "true"],
    ] {
        let mut child = veil2(dir, runtime.path())
            .env("EDITOR", "true")
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let t = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if t.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                panic!("{args:?} blocks on a FIFO");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert_eq!(status.code(), Some(2), "{args:?}: {err}");
        // One error line (rotate also lists the file in its summary).
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("veil:")).collect();
        assert_eq!(errors.len(), 1, "{args:?}: {err}");
        assert!(
            errors[0].contains("in.yaml: not a regular file (a FIFO)"),
            "{args:?}: {err}"
        );
    }
}
