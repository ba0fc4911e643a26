//! Git and CI integration, end to end, in real git repositories built by the tests: the merge
//! driver (clean merges checked with veil and the reference sops, conflicts, no plaintext in the
//! working tree or `.git`), the diff textconv, `exec-env` / `exec-file` with several files,
//! signals and exit statuses, and `ci mask` against the runner's command syntax.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

use crate::common::*;
use crate::edithelp::{
    assert_sops_reads, code, json_eq_unordered, key, ok, recipient, veil_json, veil_k,
};

/// PATH with the built veil first, so that `veil git setup` registers plain `veil`.
fn path_with_veil() -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_veil")).parent().unwrap();
    let mut dirs = vec![bin.to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).unwrap()
}

/// The environment of every process a test starts: HOME is the test's own directory (no key
/// of the machine is found), demo identity `key_n` when given.
fn env(cmd: &mut Command, home: &Path, key_n: Option<usize>) {
    cmd.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("PATH", path_with_veil())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("SOPS_DISABLE_VERSION_CHECK", "1");
    if let Some(n) = key_n {
        cmd.env("SOPS_AGE_KEY_FILE", key(n));
    }
}

fn git(dir: &Path, key_n: Option<usize>) -> Command {
    let mut c = Command::new("git");
    env(&mut c, dir, key_n);
    c.current_dir(dir);
    c
}

fn veil_cmd(dir: &Path, key_n: Option<usize>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_veil"));
    env(&mut c, dir, key_n);
    c.current_dir(dir);
    c
}

fn out_text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A repository with a `.sops.yaml` for demo recipient 1 and `veil git setup` done when
/// `driver`.
fn repo(driver: bool) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(git(dir, None).args(["init", "-q", "-b", "main"]));
    std::fs::write(
        dir.join(".sops.yaml"),
        format!(
            "creation_rules:\n  - path_regex: (^|/)secrets\\.(yaml|json|toml|env)$\n    age: {}\n",
            recipient(1)
        ),
    )
    .unwrap();
    if driver {
        let out = ok(veil_cmd(dir, None).args(["git", "setup"]));
        assert!(stderr(&out).contains(".gitattributes"), "{}", stderr(&out));
        let driver = ok(git(dir, None).args(["config", "merge.veil.driver"]));
        assert_eq!(out_text(&driver).trim(), "veil git merge %O %A %B %P");
        let textconv = ok(git(dir, None).args(["config", "diff.veil.textconv"]));
        assert_eq!(out_text(&textconv).trim(), "veil git textconv");
    }
    tmp
}

fn commit_all(dir: &Path, msg: &str) {
    ok(git(dir, None).args(["add", "-A"]));
    ok(git(dir, None).args(["commit", "-q", "-m", msg]));
}

/// The plaintext of the merge tests: four keys, in each format.
fn plaintext(ext: &str) -> &'static str {
    match ext {
        "yaml" => "# service secrets\na: alpha\nb: bravo\nc: charlie\nd: delta\n",
        "json" => {
            "{\n    \"a\": \"alpha\",\n    \"b\": \"bravo\",\n    \"c\": \"charlie\",\n    \"d\": \"delta\"\n}\n"
        }
        "toml" => {
            "# service secrets\na = \"alpha\"\nb = \"bravo\"\nc = \"charlie\"\nd = \"delta\"\n"
        }
        "env" => "a=alpha\nb=bravo\nc=charlie\nd=delta\n",
        _ => unreachable!(),
    }
}

/// The `ENC[…]` value of top-level `key` in an encrypted file's text.
fn enc_of(text: &str, key: &str) -> String {
    for line in text.lines() {
        let l = line.trim_start().trim_start_matches('"');
        if let Some(rest) = l.strip_prefix(key)
            && rest.starts_with(['"', ':', '=', ' '])
            && let Some(i) = rest.find("ENC[")
        {
            let end = rest[i..].find(']').unwrap() + i + 1;
            return rest[i..end].to_string();
        }
    }
    panic!("no encrypted value for {key} in\n{text}");
}

/// Builds base → main (a changed, d removed) and feature (c changed, e added), and merges
/// feature into main. Returns the merge's output and the three encrypted versions.
fn two_branches(dir: &Path, ext: &str) -> (Output, [String; 3]) {
    let name = format!("secrets.{ext}");
    std::fs::write(dir.join(&name), plaintext(ext)).unwrap();
    ok(veil_cmd(dir, None).args(["encrypt", "-i", &name]));
    commit_all(dir, "base");
    let base = std::fs::read_to_string(dir.join(&name)).unwrap();
    ok(git(dir, None).args(["checkout", "-q", "-b", "feature"]));
    ok(veil_cmd(dir, Some(1)).args(["set", &name, r#"["c"]"#, r#""CHARLIE""#]));
    ok(veil_cmd(dir, Some(1)).args(["set", &name, r#"["e"]"#, r#""echo""#]));
    commit_all(dir, "feature: c changed, e added");
    let feature = std::fs::read_to_string(dir.join(&name)).unwrap();
    ok(git(dir, None).args(["checkout", "-q", "main"]));
    ok(veil_cmd(dir, Some(1)).args(["set", &name, r#"["a"]"#, r#""ALPHA""#]));
    ok(veil_cmd(dir, Some(1)).args(["unset", &name, r#"["d"]"#]));
    commit_all(dir, "main: a changed, d removed");
    let main = std::fs::read_to_string(dir.join(&name)).unwrap();
    let out = run(git(dir, Some(1)).args(["merge", "--no-edit", "feature"]));
    (out, [base, main, feature])
}

fn merge_cleanly(ext: &str) {
    let tmp = repo(true);
    let dir = tmp.path();
    let (out, [base, main, feature]) = two_branches(dir, ext);
    assert!(
        out.status.success(),
        "merge with the driver failed: {}{}",
        out_text(&out),
        stderr(&out)
    );
    let name = format!("secrets.{ext}");
    let file = dir.join(&name);
    let merged = std::fs::read_to_string(&file).unwrap();
    let expected = json!({"a": "ALPHA", "b": "bravo", "c": "CHARLIE", "e": "echo"});
    let got = veil_json(dir, &file, 1);
    assert!(json_eq_unordered(&got, &expected), "veil reads {got:#}");
    if ext != "toml" {
        // sops has no TOML store; the other formats must open in the reference sops.
        assert_sops_reads(dir, &file, 1, &expected);
    }
    // Unchanged values keep their ciphertext; a value from either side keeps that side's.
    assert_eq!(enc_of(&merged, "b"), enc_of(&base, "b"));
    assert_eq!(enc_of(&merged, "a"), enc_of(&main, "a"));
    assert_eq!(enc_of(&merged, "c"), enc_of(&feature, "c"));
    assert_eq!(enc_of(&merged, "e"), enc_of(&feature, "e"));
    if ext == "yaml" || ext == "toml" {
        assert!(
            merged.starts_with("#ENC["),
            "the comment stays first:\n{merged}"
        );
    }
    // The merge is committed and clean.
    let status = ok(git(dir, None).args(["status", "--porcelain"]));
    assert_eq!(out_text(&status), "");

    // Without the driver, the same merge conflicts (mac and lastmodified at least).
    ok(git(dir, None).args(["reset", "-q", "--hard", "HEAD~1"]));
    ok(git(dir, None).args(["config", "--remove-section", "merge.veil"]));
    let out = run(git(dir, Some(1)).args(["merge", "--no-edit", "feature"]));
    assert!(
        !out.status.success(),
        "the merge without the driver succeeded: {}",
        out_text(&out)
    );
    assert!(out_text(&out).contains("CONFLICT"), "{}", out_text(&out));
}

#[test]
fn merge_driver_yaml() {
    merge_cleanly("yaml");
}

#[test]
fn merge_driver_json() {
    merge_cleanly("json");
}

#[test]
fn merge_driver_toml() {
    merge_cleanly("toml");
}

#[test]
fn merge_driver_dotenv() {
    merge_cleanly("env");
}

/// Every file under `dir`, recursively.
fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            all_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Fails if any of `secrets` is in the working tree, in a file of `.git`, in any object of the
/// object store (loose or packed, decompressed) or in a ref name.
fn assert_no_plaintext(dir: &Path, secrets: &[&str]) {
    let mut files = Vec::new();
    all_files(dir, &mut files);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for s in secrets {
            assert!(
                memchr::memmem::find(&bytes, s.as_bytes()).is_none(),
                "{s} is in {}",
                f.display()
            );
        }
    }
    let objects =
        ok(git(dir, None).args(["cat-file", "--batch-all-objects", "--batch", "--unordered"]));
    assert!(!objects.stdout.is_empty());
    let refs = ok(git(dir, None).args(["for-each-ref", "--format=%(refname) %(objectname)"]));
    for s in secrets {
        assert!(
            memchr::memmem::find(&objects.stdout, s.as_bytes()).is_none(),
            "{s} is in git's object store"
        );
        assert!(!out_text(&refs).contains(s), "{s} is in a ref");
    }
}

/// Both branches change one value: the driver exits non-zero naming it, leaves ours' encrypted
/// file, and no plaintext reaches the working tree or `.git`.
#[test]
fn one_value_changed_on_both_sides_conflicts_without_plaintext() {
    let tmp = repo(true);
    let dir = tmp.path();
    let base_secret = "PLANTED-base-7f3a9c";
    let ours_secret = "PLANTED-ours-51d2e8";
    let theirs_secret = "PLANTED-theirs-c09b44";
    let other = "PLANTED-other-a81f2d";
    std::fs::write(
        dir.join("secrets.yaml"),
        format!("db:\n    user: app\n    password: {base_secret}\nother: {other}\n"),
    )
    .unwrap();
    ok(veil_cmd(dir, None).args(["encrypt", "-i", "secrets.yaml"]));
    commit_all(dir, "base");
    ok(git(dir, None).args(["checkout", "-q", "-b", "feature"]));
    let set = |v: &str| {
        ok(veil_cmd(dir, Some(1)).args([
            "set",
            "secrets.yaml",
            r#"["db"]["password"]"#,
            &format!("\"{v}\""),
        ]));
    };
    set(theirs_secret);
    commit_all(dir, "feature");
    ok(git(dir, None).args(["checkout", "-q", "main"]));
    set(ours_secret);
    commit_all(dir, "main");
    let ours_bytes = std::fs::read(dir.join("secrets.yaml")).unwrap();

    let out = run(git(dir, Some(1)).args(["merge", "--no-edit", "feature"]));
    assert!(!out.status.success(), "the conflicting merge succeeded");
    let err = stderr(&out);
    assert!(err.contains(r#"["db"]["password"]"#), "{err}");
    assert_eq!(
        std::fs::read(dir.join("secrets.yaml")).unwrap(),
        ours_bytes,
        "the working tree file is not ours' encrypted file"
    );
    let all = [base_secret, ours_secret, theirs_secret, other];
    for s in all {
        assert!(
            !err.contains(s) && !out_text(&out).contains(s),
            "{s} printed"
        );
    }
    assert_no_plaintext(dir, &all);
    // Packed too: after a repack every object is in a pack.
    ok(git(dir, None).args(["add", "secrets.yaml"]));
    ok(git(dir, None).args(["commit", "-q", "--no-edit"]));
    ok(git(dir, None).args(["repack", "-a", "-d", "-q"]));
    assert_no_plaintext(dir, &all);

    // Without an identity: git's usual markers in the encrypted text, and why.
    ok(git(dir, None).args(["reset", "-q", "--hard", "HEAD~1"]));
    let out = run(git(dir, None).args(["merge", "--no-edit", "feature"]));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("no identity"), "{err}");
    let text = std::fs::read_to_string(dir.join("secrets.yaml")).unwrap();
    assert!(
        text.contains("<<<<<<< ours") && text.contains(">>>>>>> theirs"),
        "{text}"
    );
    assert!(text.contains("ENC[AES256_GCM"));
    assert_no_plaintext(dir, &all);
}

/// `git diff` and `git log -p` show decrypted changes with the identity, the encrypted text and
/// a note without it; `.git` holds no plaintext afterwards.
#[test]
fn diff_and_log_show_decrypted_changes() {
    let tmp = repo(true);
    let dir = tmp.path();
    let first = "PLANTED-first-3c1e";
    let second = "PLANTED-second-9d7f";
    let third = "PLANTED-third-12ab";
    std::fs::write(
        dir.join("secrets.yaml"),
        format!("token: {first}\nuser: app\n"),
    )
    .unwrap();
    ok(veil_cmd(dir, None).args(["encrypt", "-i", "secrets.yaml"]));
    commit_all(dir, "one");
    ok(veil_cmd(dir, Some(1)).args([
        "set",
        "secrets.yaml",
        r#"["token"]"#,
        &format!("\"{second}\""),
    ]));
    commit_all(dir, "two");
    ok(veil_cmd(dir, Some(1)).args([
        "set",
        "secrets.yaml",
        r#"["token"]"#,
        &format!("\"{third}\""),
    ]));

    let log = ok(git(dir, Some(1)).args(["log", "-p", "--", "secrets.yaml"]));
    let log = out_text(&log);
    assert!(log.contains(&format!("-token: {first}")), "{log}");
    assert!(log.contains(&format!("+token: {second}")), "{log}");
    assert!(!log.contains("ENC[AES256_GCM"), "{log}");
    let diff = ok(git(dir, Some(1)).arg("diff"));
    let text = out_text(&diff);
    assert!(text.contains(&format!("-token: {second}")), "{text}");
    assert!(text.contains(&format!("+token: {third}")), "{text}");
    assert!(
        !text.contains("mac:"),
        "metadata in the decrypted diff: {text}"
    );

    // Without the identity: the encrypted text, and a one-line note per version shown.
    let diff = ok(git(dir, None).arg("diff"));
    let text = out_text(&diff);
    assert!(text.contains("+token: ENC[AES256_GCM"), "{text}");
    assert!(!text.contains(third), "{text}");
    let err = stderr(&diff);
    assert!(
        err.lines()
            .all(|l| l.starts_with("veil git textconv:") && l.contains("encrypted text")),
        "{err}"
    );
    assert!(!err.is_empty());
    let log = ok(git(dir, None).args(["log", "-p", "--", "secrets.yaml"]));
    assert!(out_text(&log).contains("ENC[AES256_GCM"));

    // The textconv is never cached: nothing decrypted is in .git.
    let cache = ok(git(dir, None).args(["config", "diff.veil.cachetextconv"]));
    assert_eq!(out_text(&cache).trim(), "false");
    assert!(!dir.join(".git/refs/notes/textconv").exists());
    commit_all(dir, "three");
    ok(git(dir, Some(1)).args(["log", "-p"]));
    assert_no_plaintext(dir, &[first, second, third]);
}

/// `veil git setup` covers what the rules cover: `git check-attr` agrees.
#[test]
fn setup_writes_attributes_git_applies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(git(dir, None).args(["init", "-q", "-b", "main"]));
    std::fs::write(
        dir.join(".sops.yaml"),
        format!(
            "creation_rules:\n  - path_regex: \\.enc\\.(yaml|json)$\n    age: {r}\n  - path_regex: ^secrets/\n    age: {r}\n  - age: {r}\n",
            r = recipient(1)
        ),
    )
    .unwrap();
    std::fs::write(dir.join(".gitattributes"), "*.png binary\n").unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("a.enc.yaml", "k: v\n");
    write("d/b.enc.json", "{\"k\": \"v\"}\n");
    write("secrets/x.env", "K=v\n");
    write("loose/other.yaml", "k: v\n");
    write("plain.txt", "hello\n");
    write("plain.yaml", "k: v\n");
    for f in [
        "a.enc.yaml",
        "d/b.enc.json",
        "secrets/x.env",
        "loose/other.yaml",
    ] {
        ok(veil_cmd(dir, None).args(["encrypt", "-i", f]));
    }
    ok(veil_cmd(dir, None).args(["git", "setup"]));
    let attrs = std::fs::read_to_string(dir.join(".gitattributes")).unwrap();
    assert!(attrs.starts_with("*.png binary\n"), "{attrs}");
    // Twice: the block is replaced, not repeated.
    ok(veil_cmd(dir, None).args(["git", "setup"]));
    assert_eq!(
        std::fs::read_to_string(dir.join(".gitattributes")).unwrap(),
        attrs
    );
    let check = ok(git(dir, None).args([
        "check-attr",
        "merge",
        "diff",
        "--",
        "a.enc.yaml",
        "d/b.enc.json",
        "deep/er/c.enc.json",
        "secrets/x.env",
        "secrets/new/y.yaml",
        "loose/other.yaml",
        "plain.txt",
        "plain.yaml",
    ]));
    let text = out_text(&check);
    for p in [
        "a.enc.yaml",
        "d/b.enc.json",
        "deep/er/c.enc.json",
        "secrets/x.env",
        "secrets/new/y.yaml",
        "loose/other.yaml",
    ] {
        assert!(text.contains(&format!("{p}: merge: veil")), "{p}: {text}");
        assert!(text.contains(&format!("{p}: diff: veil")), "{p}: {text}");
    }
    for p in ["plain.txt", "plain.yaml"] {
        assert!(
            text.contains(&format!("{p}: merge: unspecified")),
            "{p}: {text}"
        );
    }
}

fn write_encrypted(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
    ok(veil_k(dir, None)
        .args(["encrypt", "-i", "--age", &recipient(1)])
        .arg(name));
}

/// Three files: later ones override earlier keys, with a warning naming each override.
#[test]
fn exec_env_three_files_override_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_encrypted(dir, "a.yaml", "A: a1\nB: a2\nC: a3\n");
    write_encrypted(dir, "b.env", "B=b2\nD=b4\n");
    write_encrypted(dir, "c.json", "{\"C\": \"c3\", \"D\": \"c4\", \"E\": 5}");
    let out = ok(veil_k(dir, Some(1)).args([
        "exec-env",
        "a.yaml",
        "b.env",
        "c.json",
        "--",
        "sh",
        "-c",
        "printf '%s %s %s %s %s' \"$A\" \"$B\" \"$C\" \"$D\" \"$E\"",
    ]));
    assert_eq!(out_text(&out), "a1 b2 c3 c4 5");
    let err = stderr(&out);
    let warnings: Vec<&str> = err.lines().collect();
    assert_eq!(
        warnings,
        vec![
            "veil: B from b.env overrides the value from a.yaml",
            "veil: C from c.json overrides the value from a.yaml",
            "veil: D from c.json overrides the value from b.env",
        ],
        "{err}"
    );
    for v in ["a2", "a3", "b4", "c3", "c4"] {
        assert!(!err.contains(v), "a value in the warnings: {err}");
    }
    // The single-file form with a shell command still works.
    let out = ok(veil_k(dir, Some(1)).args(["exec-env", "a.yaml", "printf %s \"$A$B\""]));
    assert_eq!(out_text(&out), "a1a2");
    // Two files without `--`: an error, not a command named b.env.
    let (c, out) = code(veil_k(dir, Some(1)).args(["exec-env", "a.yaml", "b.env"]));
    assert_eq!(c, 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("--"));
    // exec-file with several files: one merged document.
    let out = ok(veil_k(dir, Some(1)).args([
        "exec-file",
        "--output-type",
        "json",
        "a.yaml",
        "b.env",
        "--",
        "cat",
        "{}",
    ]));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        json_eq_unordered(&v, &json!({"A": "a1", "B": "b2", "C": "a3", "D": "b4"})),
        "{v}"
    );
}

#[test]
fn exec_exit_statuses_pass_through() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_encrypted(dir, "a.yaml", "A: a1\n");
    for (script, expected) in [
        ("exit 0", 0),
        ("exit 7", 7),
        ("kill -KILL $$", 128 + 9),
        ("kill -TERM $$", 128 + 15),
    ] {
        for form in ["env", "file"] {
            let mut cmd = veil_k(dir, Some(1));
            cmd.args([&format!("exec-{form}"), "a.yaml", "--", "sh", "-c", script]);
            let (c, out) = code(&mut cmd);
            assert_eq!(c, expected, "exec-{form} {script}: {}", stderr(&out));
        }
    }
}

/// Waits until `path` exists (the child is ready).
fn wait_for(path: &Path) {
    for _ in 0..600 {
        if path.exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("{} never appeared", path.display());
}

#[test]
fn sigterm_to_veil_reaches_the_child_and_no_temporary_file_remains() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let tmpdir = dir.join("tmp");
    let runtime = dir.join("run");
    for d in [&tmpdir, &runtime] {
        std::fs::create_dir(d).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    write_encrypted(dir, "a.yaml", "A: a1\n");
    for (form, flags) in [
        ("env", &[][..]),
        ("file", &["--no-fifo"][..]),
        ("file", &[][..]),
    ] {
        let tag = format!("{form}{}", flags.len());
        let ready = dir.join(format!("ready-{tag}"));
        let got = dir.join(format!("got-{tag}"));
        // The child notes the path of its decrypted file ({} for exec-file) and waits.
        let script = format!(
            "trap 'echo TERM > {got}; exit 42' TERM; echo \"$1\" > {ready}; while :; do sleep 0.05; done",
            got = got.display(),
            ready = ready.display()
        );
        let arg = if form == "file" { "{}" } else { "none" };
        let mut cmd = veil_k(dir, Some(1));
        cmd.env("TMPDIR", &tmpdir)
            .env("XDG_RUNTIME_DIR", &runtime)
            .arg(format!("exec-{form}"))
            .args(flags)
            .args(["a.yaml", "--", "sh", "-c", &script, "sh", arg])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let child = cmd.spawn().unwrap();
        wait_for(&ready);
        let seen = std::fs::read_to_string(&ready).unwrap();
        let pid = nix::unistd::Pid::from_raw(child.id() as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(42), "exec-{tag}: {}", stderr(&out));
        assert_eq!(std::fs::read_to_string(&got).unwrap(), "TERM\n");
        if form == "file" {
            let path = PathBuf::from(seen.trim());
            assert!(path.is_absolute(), "{seen}");
            assert!(!path.exists(), "the decrypted file is left at {seen}");
            assert!(!path.parent().unwrap().exists(), "its directory is left");
        }
    }
    // A child killed outright: the private file goes too.
    let seen = dir.join("seen");
    let (c, out) = code(
        veil_k(dir, Some(1))
            .env("TMPDIR", &tmpdir)
            .env("XDG_RUNTIME_DIR", &runtime)
            .args([
                "exec-file",
                "--no-fifo",
                "a.yaml",
                "--",
                "sh",
                "-c",
                &format!("echo \"$1\" > {}; kill -KILL $$", seen.display()),
                "sh",
                "{}",
            ]),
    );
    assert_eq!(c, 137, "{}", stderr(&out));
    let path = PathBuf::from(std::fs::read_to_string(&seen).unwrap().trim());
    assert!(!path.exists() && !path.parent().unwrap().exists());
    for d in [&tmpdir, &runtime] {
        let left: Vec<_> = std::fs::read_dir(d).unwrap().collect();
        assert!(left.is_empty(), "left in {}: {left:?}", d.display());
    }
}

/// The runner's un-escaping of a command's data (`%0D`, `%0A`, then `%25`).
fn runner_unescape(data: &str) -> String {
    data.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

#[test]
fn ci_mask_lines_follow_the_runner_syntax() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let values = [
        ("multi", "first line\nsecond line\r\nthird line"),
        ("percent", "100%-sure%0A-literal"),
        ("leading", "   indented secret"),
        ("unicode", "pässwörd-✓-密码"),
        (
            "pem",
            "-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34\nGkxQ==\n-----END KEY-----\n",
        ),
    ];
    let mut doc = serde_json::Map::new();
    for (k, v) in values {
        doc.insert(k.into(), json!(v));
    }
    doc.insert("flag".into(), json!(true));
    doc.insert("short".into(), json!("ab"));
    doc.insert("visible_unencrypted".into(), json!("public value"));
    std::fs::write(
        dir.join("s.json"),
        serde_json::to_string_pretty(&Value::Object(doc)).unwrap(),
    )
    .unwrap();
    ok(veil_k(dir, None).args(["encrypt", "-i", "--age", &recipient(1), "s.json"]));
    let out = ok(veil_k(dir, Some(1)).args(["ci", "mask", "s.json"]));
    let text = out_text(&out);
    assert!(text.ends_with('\n'));
    let masks: Vec<String> = text
        .lines()
        .map(|l| {
            assert!(!l.contains('\r'), "a raw CR in {l:?}");
            let data = l
                .strip_prefix("::add-mask::")
                .unwrap_or_else(|| panic!("not a mask command: {l:?}"));
            let m = runner_unescape(data);
            assert!(!m.trim().is_empty(), "blank mask");
            m
        })
        .collect();
    // Every mask is part of a secret; every secret, and each line of a multi-line one, is
    // masked (whitespace around it aside).
    for m in &masks {
        assert!(
            values.iter().any(|(_, v)| v.contains(m.as_str())),
            "{m:?} is not part of a secret"
        );
    }
    for (_, v) in values {
        assert!(
            masks.iter().any(|m| m == v.trim()),
            "{v:?} is not masked whole"
        );
        for line in v
            .split(['\n', '\r'])
            .map(str::trim)
            .filter(|l| l.chars().count() >= 4)
        {
            assert!(masks.iter().any(|m| m == line), "{line:?} is not masked");
        }
    }
    assert!(masks.contains(&"100%-sure%0A-literal".to_string()));
    assert!(text.contains("::add-mask::100%25-sure%250A-literal\n"));
    assert!(text.contains("::add-mask::first line%0Asecond line%0D%0Athird line\n"));
    assert!(!text.contains("public value") && !text.contains("::add-mask::true"));
    assert!(!masks.contains(&"ab".to_string()));
    let err = stderr(&out);
    assert!(err.contains("1 value(s) shorter than 4"), "{err}");
    for (_, v) in values {
        assert!(!err.contains(v.trim()));
    }
}

/// A file the attributes cover that is not encrypted merges as git would merge it.
#[test]
fn plaintext_files_under_the_driver_merge_as_text() {
    let tmp = repo(true);
    let dir = tmp.path();
    let lines: String = (1..=12).map(|i| format!("line{i}: v{i}\n")).collect();
    std::fs::write(dir.join("secrets.yaml"), &lines).unwrap();
    commit_all(dir, "base");
    let edit = |from: &str, to: &str| {
        let text = std::fs::read_to_string(dir.join("secrets.yaml")).unwrap();
        std::fs::write(dir.join("secrets.yaml"), text.replace(from, to)).unwrap();
    };
    ok(git(dir, None).args(["checkout", "-q", "-b", "feature"]));
    edit("line11: v11", "line11: feature");
    commit_all(dir, "feature");
    ok(git(dir, None).args(["checkout", "-q", "main"]));
    edit("line2: v2", "line2: main");
    commit_all(dir, "main");
    ok(git(dir, None).args(["merge", "-q", "--no-edit", "feature"]));
    let text = std::fs::read_to_string(dir.join("secrets.yaml")).unwrap();
    assert!(
        text.contains("line2: main") && text.contains("line11: feature"),
        "{text}"
    );

    // A real conflict: the usual markers, a non-zero exit, no message from veil.
    ok(git(dir, None).args(["checkout", "-q", "-b", "other", "HEAD~1~1"]));
    edit("line2: v2", "line2: other");
    commit_all(dir, "other");
    ok(git(dir, None).args(["checkout", "-q", "main"]));
    let out = run(git(dir, None).args(["merge", "--no-edit", "other"]));
    assert!(!out.status.success());
    assert!(!stderr(&out).contains("veil"), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("secrets.yaml")).unwrap();
    assert!(
        text.contains("<<<<<<< ours") && text.contains("line2: other"),
        "{text}"
    );
}

/// `--global` writes the user's git configuration, and works outside a repository.
#[test]
fn setup_global_outside_a_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let global = dir.join("gitconfig");
    let out = ok(veil_cmd(dir, None)
        .env("GIT_CONFIG_GLOBAL", &global)
        .args(["git", "setup", "--global"]));
    assert!(stderr(&out).contains("global"), "{}", stderr(&out));
    let text = std::fs::read_to_string(&global).unwrap();
    assert!(
        text.contains("driver = veil git merge %O %A %B %P"),
        "{text}"
    );
    assert!(text.contains("textconv = veil git textconv"), "{text}");
    assert!(text.contains("cachetextconv = false"), "{text}");
    assert!(!dir.join(".gitattributes").exists());
    // Without --global outside a repository: an error that says what to do.
    let (c, out) = code(veil_cmd(dir, None).args(["git", "setup"]));
    assert_ne!(c, 0);
    assert!(stderr(&out).contains("--global"), "{}", stderr(&out));
}

/// The textconv shows files that are not encrypted unchanged, and binary ones as a summary.
#[test]
fn textconv_of_files_that_are_not_encrypted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("plain.yaml"), "a: 1\n").unwrap();
    let out = ok(veil_cmd(dir, None).args(["git", "textconv", "plain.yaml"]));
    assert_eq!(out.stdout, b"a: 1\n");
    assert!(out.stderr.is_empty());
    std::fs::write(dir.join("image.png"), b"\x89PNG\r\n\x1a\n\0\0\0").unwrap();
    let out = ok(veil_cmd(dir, None).args(["git", "textconv", "image.png"]));
    assert!(out_text(&out).starts_with("binary file, 11 bytes, sha256 "));
}

/// A command that never opens exec-file's FIFO: veil still ends (the thread that feeds the FIFO
/// is released however late it reaches its `open`). Regression: one release attempt raced the
/// writer and left veil waiting forever.
#[test]
fn exec_file_ends_when_the_command_ignores_the_fifo() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_encrypted(dir, "a.yaml", "A: a1\n");
    for i in 0..40 {
        let script = if i % 2 == 0 {
            "exit 3"
        } else {
            "kill -KILL $$"
        };
        let mut child = veil_k(dir, Some(1))
            .args(["exec-file", "a.yaml", "--", "sh", "-c", script])
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("veil exec-file hangs after the command ended (run {i})");
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        assert_eq!(status.code(), Some(if i % 2 == 0 { 3 } else { 137 }));
    }
}

/// A command that removes or renames exec-file's FIFO while veil's writer waits for a reader:
/// veil still ends. Regression: the release loop waited for a FIFO no reader could reach.
#[test]
fn exec_file_ends_when_the_command_removes_the_fifo() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_encrypted(dir, "a.yaml", "A: a1\n");
    for i in 0..6 {
        let script = if i % 2 == 0 {
            "sleep 0.2; rm \"$0\""
        } else {
            "sleep 0.2; mv \"$0\" \"$0.x\"; exit 4"
        };
        let mut child = veil_k(dir, Some(1))
            .args(["exec-file", "a.yaml", "--", "sh", "-c", script, "{}"])
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("veil exec-file hangs after the command removed the FIFO (run {i})");
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        assert_eq!(status.code(), Some(if i % 2 == 0 { 0 } else { 4 }));
    }
}
