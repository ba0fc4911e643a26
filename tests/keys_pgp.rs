//! PGP master keys through gpg, end to end: interoperability with the real sops 3.11 in both
//! directions (PGP alone, PGP and age in one group, two groups), `rotate --rm-pgp` locking a
//! key out, migration to age over `rotate --all`, `updatekeys` and `check`, the decryption
//! order, and clear errors (no gpg, key not in the keyring, no pinentry without a terminal).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

const PLAIN: &str = "db:\n    user: admin\n    password: hunter2-Vq9xZpL3\nport: 5432\n";

/// A home with a GnuPG home holding one new key, and an age identity.
struct Keys {
    home: tempfile::TempDir,
    gnupg: PathBuf,
    fp: String,
    age_keys: PathBuf,
    age: String,
}

fn keys() -> Keys {
    let home = tempfile::tempdir().unwrap();
    let gnupg = gnupg_home(home.path(), &[]);
    let fp = pgp_keygen(&gnupg, "alice");
    let (age_keys, age) = demo_key(1);
    std::fs::write(home.path().join("plain.yaml"), PLAIN).unwrap();
    Keys {
        home,
        gnupg,
        fp,
        age_keys,
        age,
    }
}

impl Keys {
    fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    /// veil with the GnuPG home (and, when `age`, the age identity).
    fn veil(&self, pgp: bool, age: bool) -> std::process::Command {
        let mut c = veil(self.home.path());
        if pgp {
            c.env("GNUPGHOME", &self.gnupg);
        } else {
            c.env("GNUPGHOME", self.path("no-gnupg"));
        }
        if age {
            c.env("SOPS_AGE_KEY_FILE", &self.age_keys);
        }
        c
    }

    fn sops(&self, pgp: bool, age: bool) -> std::process::Command {
        let mut c = sops_cmd(self.home.path());
        if pgp {
            c.env("GNUPGHOME", &self.gnupg);
        } else {
            let empty = self.path("empty-gnupg");
            gnupg_home_at(&empty);
            c.env("GNUPGHOME", empty);
        }
        if age {
            c.env("SOPS_AGE_KEY_FILE", &self.age_keys);
        }
        c
    }
}

/// An empty private GnuPG home at `dir`.
fn gnupg_home_at(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
}

fn ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what}: exit {:?}: {}",
        o.status.code(),
        stderr(o)
    );
}

fn meaning(bytes: &[u8]) -> serde_json::Value {
    parse_docs(veil::format::Kind::Yaml, bytes.to_vec())
}

/// veil decrypts `file` to PLAIN (or fails with 128 when `opens` is false).
fn veil_reads(k: &Keys, file: &Path, pgp: bool, age: bool, opens: bool) {
    let out = run(k.veil(pgp, age).arg("decrypt").arg(file));
    if opens {
        ok(&out, "veil decrypt");
        assert_eq!(meaning(&out.stdout), meaning(PLAIN.as_bytes()));
    } else {
        assert_eq!(out.status.code(), Some(128), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}

fn sops_reads(k: &Keys, file: &Path, pgp: bool, age: bool, opens: bool) {
    let out = run(k.sops(pgp, age).args(["decrypt"]).arg(file));
    if opens {
        ok(&out, "sops decrypt");
        assert_eq!(meaning(&out.stdout), meaning(PLAIN.as_bytes()));
    } else {
        assert!(!out.status.success(), "sops opened a file it should not");
    }
}

fn veil_encrypt(k: &Keys, args: &[&str], out_name: &str) -> PathBuf {
    let out_path = k.path(out_name);
    let o = run(k
        .veil(true, true)
        .arg("encrypt")
        .args(args)
        .arg("--output")
        .arg(&out_path)
        .arg(k.path("plain.yaml")));
    ok(&o, "veil encrypt");
    out_path
}

fn sops_encrypt(k: &Keys, args: &[&str], out_name: &str) -> PathBuf {
    let o = run(k
        .sops(true, true)
        .arg("encrypt")
        .args(args)
        .arg(k.path("plain.yaml")));
    ok(&o, "sops encrypt");
    let out_path = k.path(out_name);
    std::fs::write(&out_path, &o.stdout).unwrap();
    out_path
}

#[test]
fn pgp_alone_both_directions() {
    let k = keys();
    let v = veil_encrypt(&k, &["--pgp", &k.fp], "veil.yaml");
    let text = std::fs::read_to_string(&v).unwrap();
    assert!(text.contains("pgp:") && text.contains(&k.fp), "{text}");
    assert!(text.contains("-----BEGIN PGP MESSAGE-----"));
    sops_reads(&k, &v, true, false, true);
    veil_reads(&k, &v, true, false, true);
    veil_reads(&k, &v, false, true, false);

    let s = sops_encrypt(&k, &["--pgp", &k.fp], "sops.yaml");
    veil_reads(&k, &s, true, false, true);
    // SOPS_PGP_FP works like --pgp
    let o = run(k
        .veil(true, false)
        .env("SOPS_PGP_FP", &k.fp)
        .args(["encrypt", "--output"])
        .arg(k.path("env.yaml"))
        .arg(k.path("plain.yaml")));
    ok(&o, "encrypt with SOPS_PGP_FP");
    sops_reads(&k, &k.path("env.yaml"), true, false, true);
}

#[test]
fn pgp_and_age_in_one_group_both_directions() {
    let k = keys();
    let both = format!("--pgp={}", k.fp);
    let age = format!("--age={}", k.age);
    let v = veil_encrypt(&k, &[&both, &age], "veil.yaml");
    for (pgp, age) in [(true, false), (false, true)] {
        sops_reads(&k, &v, pgp, age, true);
        veil_reads(&k, &v, pgp, age, true);
    }
    veil_reads(&k, &v, false, false, false);
    let s = sops_encrypt(&k, &[&both, &age], "sops.yaml");
    for (pgp, age) in [(true, false), (false, true)] {
        veil_reads(&k, &s, pgp, age, true);
    }
}

#[test]
fn two_groups_pgp_and_age_both_directions() {
    let k = keys();
    std::fs::write(
        k.path(".sops.yaml"),
        format!(
            "creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n      - pgp:\n          - {}\n      - age:\n          - {}\n",
            k.fp, k.age
        ),
    )
    .unwrap();
    let v = veil_encrypt(&k, &[], "veil.yaml");
    let text = std::fs::read_to_string(&v).unwrap();
    assert!(
        text.contains("key_groups:") && text.contains("shamir_threshold: 2"),
        "{text}"
    );
    sops_reads(&k, &v, true, true, true);
    veil_reads(&k, &v, true, true, true);
    // one share is not enough
    sops_reads(&k, &v, true, false, false);
    veil_reads(&k, &v, true, false, false);
    veil_reads(&k, &v, false, true, false);
    let out = run(k.veil(true, false).arg("decrypt").arg(&v));
    let err = stderr(&out);
    assert!(err.contains("only 1 of the 2 key groups"), "{err}");
    assert!(err.contains("key group 2") && err.contains("age"), "{err}");

    let s = sops_encrypt(&k, &[], "sops.yaml");
    veil_reads(&k, &s, true, true, true);
    veil_reads(&k, &s, false, true, false);
}

#[test]
fn rotate_rm_pgp_locks_the_pgp_key_out() {
    let k = keys();
    let both = format!("--pgp={}", k.fp);
    let age = format!("--age={}", k.age);
    let v = veil_encrypt(&k, &[&both, &age], "f.yaml");
    let before = std::fs::read_to_string(&v).unwrap();
    let o = run(k
        .veil(true, true)
        .args(["rotate", "--rm-pgp", &k.fp])
        .arg(&v));
    ok(&o, "rotate --rm-pgp");
    let err = stderr(&o);
    assert!(err.contains("rotated:"), "{err}");
    assert!(err.contains(&format!("- group 1: pgp: {}", k.fp)), "{err}");
    assert!(err.contains("could read every value"), "{err}");
    let after = std::fs::read_to_string(&v).unwrap();
    assert!(!after.contains("pgp:") && !after.contains(&k.fp), "{after}");
    assert_ne!(before, after);
    veil_reads(&k, &v, true, false, false);
    sops_reads(&k, &v, true, false, false);
    veil_reads(&k, &v, false, true, true);
    sops_reads(&k, &v, false, true, true);
}

/// Moves a repository of PGP files to age: `rotate --all --add-age … --rm-pgp …`, one new data
/// key per file; afterwards the PGP key opens none of them and sops reads them with age.
#[test]
fn migration_from_pgp_to_age_over_all_files() {
    let k = keys();
    let repo = k.path("repo");
    std::fs::create_dir_all(repo.join("svc")).unwrap();
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .args(args)
            .current_dir(&repo)
            .output()
            .unwrap();
        assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
    };
    git(&["init", "-q"]);
    let files = ["a.yaml", "svc/b.json", "svc/c.env"];
    let plains = [PLAIN, "{\"token\": \"t0k3n-abc\"}\n", "TOKEN=abc\n"];
    for (f, p) in files.iter().zip(plains) {
        let src = repo.join(format!("{f}.plain"));
        std::fs::write(&src, p).unwrap();
        let o = run(k
            .veil(true, false)
            .current_dir(&repo)
            .args([
                "encrypt",
                "--pgp",
                &k.fp,
                "--filename-override",
                f,
                "--output",
                f,
            ])
            .arg(&src));
        ok(&o, "encrypt");
        std::fs::remove_file(&src).unwrap();
    }
    let dry = run(k.veil(true, false).current_dir(&repo).args([
        "rotate",
        "--all",
        "--dry-run",
        "--add-age",
        &k.age,
        "--rm-pgp",
        &k.fp,
    ]));
    ok(&dry, "dry run");
    assert!(
        stderr(&dry).contains("3 file(s) would be rotated"),
        "{}",
        stderr(&dry)
    );
    for f in files {
        assert!(
            std::fs::read_to_string(repo.join(f))
                .unwrap()
                .contains(&k.fp)
        );
    }
    let o = run(k.veil(true, false).current_dir(&repo).args([
        "rotate",
        "--all",
        "--add-age",
        &k.age,
        "--rm-pgp",
        &k.fp,
    ]));
    ok(&o, "rotate --all");
    assert!(
        stderr(&o).contains("3 file(s) rotated, 0 unchanged, 0 failed"),
        "{}",
        stderr(&o)
    );
    for (f, p) in files.iter().zip(plains) {
        let text = std::fs::read_to_string(repo.join(f)).unwrap();
        assert!(
            !text.contains(&k.fp) && text.contains(&k.age),
            "{f}: {text}"
        );
        let out = run(k.veil(true, false).current_dir(&repo).arg("decrypt").arg(f));
        assert_eq!(
            out.status.code(),
            Some(128),
            "{f}: the PGP key still opens it"
        );
        let out = run(k.sops(false, true).current_dir(&repo).arg("decrypt").arg(f));
        ok(&out, "sops decrypt after migration");
        let kind = veil::format::Kind::from_path(Path::new(f));
        assert_eq!(
            parse_docs(kind, out.stdout),
            parse_docs(kind, p.as_bytes().to_vec())
        );
    }
}

#[test]
fn updatekeys_and_check_with_pgp_keys_report_truthfully() {
    let k = keys();
    let other = pgp_keygen(&k.gnupg, "bob");
    let cfg = |keys: &str| {
        std::fs::write(
            k.path(".sops.yaml"),
            format!("creation_rules:\n  - path_regex: ^f\\.yaml$\n    {keys}\n"),
        )
        .unwrap()
    };
    cfg(&format!("pgp: {}", k.fp));
    let v = veil_encrypt(&k, &["--filename-override", "f.yaml"], "f.yaml");
    // matches already: unchanged, not "updated"
    let o = run(k.veil(true, false).args(["updatekeys", "-y"]).arg(&v));
    ok(&o, "updatekeys");
    let err = stderr(&o);
    assert!(
        err.contains("unchanged:") && !err.contains("updated:"),
        "{err}"
    );
    let o = run(k.veil(false, false).arg("check"));
    assert!(
        o.status.success(),
        "check: {}{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );

    // the rule adds bob: check reports drift, a dry run changes nothing
    cfg(&format!("pgp: {},{other}", k.fp));
    let o = run(k.veil(false, false).arg("check"));
    let report = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    assert_eq!(o.status.code(), Some(1), "{report}");
    assert!(
        report.contains("missing pgp: ") && report.contains(&other),
        "{report}"
    );
    let before = std::fs::read(&v).unwrap();
    let o = run(k
        .veil(true, false)
        .args(["updatekeys", "--dry-run"])
        .arg(&v));
    ok(&o, "dry run");
    assert!(stderr(&o).contains("would be updated:"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&v).unwrap(), before);
    // without -y and without a terminal: refused, file unchanged
    let o = run(k.veil(true, false).args(["updatekeys"]).arg(&v));
    assert_eq!(o.status.code(), Some(8), "{}", stderr(&o));
    assert_eq!(std::fs::read(&v).unwrap(), before);
    // applied: the data key stays (only an addition), both keys open the file
    let o = run(k.veil(true, false).args(["updatekeys", "-y"]).arg(&v));
    ok(&o, "updatekeys -y");
    assert!(stderr(&o).contains("updated:"), "{}", stderr(&o));
    let text = std::fs::read_to_string(&v).unwrap();
    assert!(text.contains(&other) && text.contains(&k.fp), "{text}");
    sops_reads(&k, &v, true, false, true);

    // the rule moves to age: alice and bob are removed, a new data key
    cfg(&format!("age: {}", k.age));
    let o = run(k.veil(true, false).args(["updatekeys", "-y"]).arg(&v));
    ok(&o, "updatekeys to age");
    assert!(
        stderr(&o).contains("could read every value"),
        "{}",
        stderr(&o)
    );
    veil_reads(&k, &v, true, false, false);
    sops_reads(&k, &v, false, true, true);
}

#[test]
fn decryption_order_decides_which_key_is_tried_first() {
    let k = keys();
    let v = veil_encrypt(
        &k,
        &[&format!("--pgp={}", k.fp), &format!("--age={}", k.age)],
        "f.yaml",
    );
    // a gpg that records each call
    let log = k.path("gpg.log");
    let wrapper = k.path("gpg-logging");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho called >> '{}'\nexec gpg \"$@\"\n",
            log.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let decrypt = |order: Option<&str>| {
        let mut c = k.veil(true, true);
        c.env("SOPS_GPG_EXEC", &wrapper);
        if let Some(o) = order {
            c.args(["--decryption-order", o]);
        }
        let out = run(c.arg("decrypt").arg(&v));
        ok(&out, "decrypt");
    };
    decrypt(None);
    assert!(
        !log.exists(),
        "age comes first by default: gpg should not run"
    );
    decrypt(Some("pgp,age"));
    assert!(log.exists(), "pgp first: gpg should run");
    std::fs::remove_file(&log).unwrap();
    let out = run(k
        .veil(true, true)
        .env("SOPS_DECRYPTION_ORDER", "age,pgp,age")
        .arg("decrypt")
        .arg(&v));
    assert_eq!(out.status.code(), Some(112), "{}", stderr(&out));
}

#[test]
fn clear_errors_from_gpg() {
    let k = keys();
    let v = veil_encrypt(&k, &["--pgp", &k.fp], "f.yaml");

    // gpg missing
    let out = run(k
        .veil(true, false)
        .env("SOPS_GPG_EXEC", "/nonexistent/gpg")
        .arg("decrypt")
        .arg(&v));
    assert_eq!(out.status.code(), Some(128));
    let err = stderr(&out);
    assert!(
        err.contains("gpg not found") && err.contains("SOPS_GPG_EXEC"),
        "{err}"
    );
    assert!(err.contains(&format!("pgp: {}", k.fp)), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let out = run(k
        .veil(true, false)
        .env("SOPS_GPG_EXEC", "/nonexistent/gpg")
        .args(["encrypt", "--pgp", &k.fp])
        .arg(k.path("plain.yaml")));
    assert_eq!(out.status.code(), Some(114), "{}", stderr(&out));
    assert!(out.stdout.is_empty());

    // key not in the keyring: on encryption and on decryption
    let unknown = "0123456789ABCDEF0123456789ABCDEF01234567";
    let out = run(k
        .veil(true, false)
        .args(["encrypt", "--pgp", unknown])
        .arg(k.path("plain.yaml")));
    assert_eq!(out.status.code(), Some(114), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(unknown) && err.contains("not in the GnuPG keyring"),
        "{err}"
    );
    let out = run(k.veil(false, false).arg("decrypt").arg(&v));
    assert_eq!(out.status.code(), Some(128));
    let err = stderr(&out);
    assert!(err.contains("no secret key"), "{err}");
    assert!(
        err.contains("The file holds pgp keys; veil can use pgp"),
        "{err}"
    );
}

/// A passphrase-protected key and no way to ask for the passphrase (the pinentry cannot start,
/// as without a terminal or without a pinentry program): a clear error, promptly.
#[test]
fn locked_key_without_a_terminal_says_so() {
    let home = tempfile::tempdir().unwrap();
    let gnupg = gnupg_home(home.path(), &[]);
    std::fs::write(gnupg.join("gpg-agent.conf"), "allow-loopback-pinentry\n").unwrap();
    let uid = "locked <locked@veil.test>";
    let pw = ["--pinentry-mode", "loopback", "--passphrase", "s3cret"];
    gpg(
        &gnupg,
        &[&pw[..], &["--quick-gen-key", uid, "ed25519", "cert", "0"]].concat(),
    );
    let listing = gpg(&gnupg, &["--with-colons", "--list-keys", uid]);
    let fp = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .find_map(|l| {
            l.strip_prefix("fpr:")
                .map(|r| r.trim_matches(':').to_string())
        })
        .unwrap();
    gpg(
        &gnupg,
        &[&pw[..], &["--quick-add-key", &fp, "cv25519", "encr", "0"]].concat(),
    );
    std::fs::write(home.path().join("p.yaml"), PLAIN).unwrap();
    let enc = home.path().join("f.yaml");
    let o = run(veil(home.path())
        .env("GNUPGHOME", &gnupg)
        .args(["encrypt", "--pgp", &fp, "--output"])
        .arg(&enc)
        .arg(home.path().join("p.yaml")));
    ok(&o, "encrypt");
    // a pinentry that cannot run (as on a machine without one, or without a terminal)
    std::fs::write(
        gnupg.join("gpg-agent.conf"),
        "pinentry-program /nonexistent/pinentry\n",
    )
    .unwrap();
    let _ = std::process::Command::new("gpgconf")
        .env("GNUPGHOME", &gnupg)
        .args(["--kill", "gpg-agent"])
        .output();
    let started = std::time::Instant::now();
    let out = run(veil(home.path())
        .env("GNUPGHOME", &gnupg)
        .stdin(std::process::Stdio::null())
        .arg("decrypt")
        .arg(&enc));
    assert!(started.elapsed().as_secs() < 30);
    assert_eq!(out.status.code(), Some(128), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("could not ask for its passphrase"), "{err}");
    assert!(err.contains("no terminal"), "{err}");
    assert!(out.stdout.is_empty());
}
