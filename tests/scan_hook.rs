//! Pre-commit: `veil hook install` (chaining an existing hook), and the real `pre-commit` tool
//! with a local `language: system` hook running the built veil: it blocks a commit that stages
//! a secret and lets a clean one through.

use crate::scan_common;

use std::path::{Path, PathBuf};
use std::process::Command;

use scan_common::*;

fn init_repo(dir: &Path, home: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, home, &["init", "-q", "-b", "main", "."]);
    git(dir, home, &["config", "commit.gpgsign", "false"]);
    std::fs::write(dir.join("README.md"), "hello\n").unwrap();
    git(dir, home, &["add", "README.md"]);
    git(dir, home, &["commit", "-q", "-m", "init"]);
}

fn commit(dir: &Path, home: &Path, extra_path: Option<&Path>) -> std::process::Output {
    let mut c = Command::new("git");
    c.args(["commit", "-q", "-m", "change"])
        .current_dir(dir)
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1");
    for (k, v) in [
        ("GIT_AUTHOR_NAME", "T"),
        ("GIT_AUTHOR_EMAIL", "t@example.org"),
        ("GIT_COMMITTER_NAME", "T"),
        ("GIT_COMMITTER_EMAIL", "t@example.org"),
    ] {
        c.env(k, v);
    }
    if let Some(p) = extra_path {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![p.to_path_buf()];
        paths.extend(std::env::split_paths(&path));
        c.env("PATH", std::env::join_paths(paths).unwrap());
    }
    c.output().unwrap()
}

#[test]
fn hook_install_blocks_secrets_and_chains_the_old_hook() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, home) = (tmp.path().join("r"), tmp.path().join("home"));
    std::fs::create_dir_all(&home).unwrap();
    init_repo(&dir, &home);
    let hooks = dir.join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let marker = tmp.path().join("old-hook-ran");
    std::fs::write(
        hooks.join("pre-commit"),
        format!("#!/bin/sh\ntouch '{}'\n", marker.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            hooks.join("pre-commit"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    let o = run(veil(&dir, &home, false).args(["hook", "install"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        hooks.join("pre-commit.local").is_file(),
        "the old hook is kept"
    );
    // Installing twice does not chain the veil hook to itself.
    let o = run(veil(&dir, &home, false).args(["hook", "install"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !std::fs::read_to_string(hooks.join("pre-commit.local"))
            .unwrap()
            .contains("veil")
    );

    std::fs::write(dir.join("leak.txt"), "AKIAHOOKBLOCKSTHISQZ\n").unwrap();
    git(&dir, &home, &["add", "leak.txt"]);
    let o = commit(&dir, &home, None);
    assert!(
        !o.status.success(),
        "a commit with a secret must be blocked"
    );
    assert!(marker.exists(), "the previous hook ran");
    git(&dir, &home, &["rm", "-q", "--cached", "leak.txt"]);
    std::fs::write(dir.join("clean.txt"), "nothing to see\n").unwrap();
    git(&dir, &home, &["add", "clean.txt"]);
    let o = commit(&dir, &home, None);
    assert!(
        o.status.success(),
        "a clean commit goes through: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The `pre-commit` tool: `.venv/bin/pre-commit` (scripts/test-env.sh), `$VEIL_PRE_COMMIT`, or
/// `pre-commit` on PATH.
fn pre_commit() -> PathBuf {
    let candidates = [
        std::env::var_os("VEIL_PRE_COMMIT").map(PathBuf::from),
        Some(repo_root().join(".venv/bin/pre-commit")),
    ];
    for c in candidates.into_iter().flatten() {
        if c.is_file() {
            return c;
        }
    }
    if Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return PathBuf::from("pre-commit");
    }
    panic!(
        "the pre-commit tool is missing: run `bash scripts/test-env.sh` (it installs it into .venv), `pip install pre-commit`, or set VEIL_PRE_COMMIT"
    );
}

/// The hooks `ids` of `.pre-commit-hooks.yaml` as a local configuration running the built
/// binary: each hook keeps its id, entry arguments, `pass_filenames`, `always_run` and `stages`;
/// only `veil` becomes the binary's path and the language `system`.
fn local_config(wanted: &[&str]) -> String {
    let hooks = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    let veil_bin = env!("CARGO_BIN_EXE_veil");
    let mut out = String::from("repos:\n- repo: local\n  hooks:\n");
    let mut ids = Vec::new();
    for block in hooks.split("\n- ").skip(1) {
        let field = |k: &str| {
            block
                .lines()
                .map(|l| l.trim_start_matches("- ").trim())
                .find_map(|l| l.strip_prefix(&format!("{k}: ")).map(str::to_string))
        };
        let id = field("id").expect("an id");
        if !id.ends_with("-system") {
            // The `language: rust` twins build veil from the repository: same entry.
            continue;
        }
        if !wanted.contains(&id.as_str()) {
            ids.push(id);
            continue;
        }
        let entry = field("entry").unwrap().replacen("veil", veil_bin, 1);
        out.push_str(&format!(
            "  - id: {id}\n    name: {id}\n    entry: {entry}\n    language: system\n"
        ));
        for k in ["pass_filenames", "always_run", "stages"] {
            if let Some(v) = field(k) {
                out.push_str(&format!("    {k}: {v}\n"));
            }
        }
        ids.push(id);
    }
    assert!(
        ids.contains(&"veil-scan-system".to_string())
            && ids.contains(&"veil-scan-ci-system".to_string()),
        "{ids:?}"
    );
    assert!(hooks.contains("id: veil-scan\n") && hooks.contains("id: veil-scan-ci\n"));
    out
}

fn pc(pc: &Path, dir: &Path, home: &Path, args: &[&str]) -> (bool, String) {
    let o = Command::new(pc)
        .args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env("PRE_COMMIT_HOME", home.join("pc-cache"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

/// A repository with a local pre-commit configuration of the hooks `ids`, `pre-commit
/// install`ed.
fn pc_repo(tool: &Path, ids: &[&str]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, home) = (tmp.path().join("r"), tmp.path().join("home"));
    std::fs::create_dir_all(&home).unwrap();
    init_repo(&dir, &home);
    std::fs::write(dir.join(".pre-commit-config.yaml"), local_config(ids)).unwrap();
    git(&dir, &home, &["add", ".pre-commit-config.yaml"]);
    git(&dir, &home, &["commit", "-q", "-m", "pre-commit config"]);
    let (ok, out) = pc(tool, &dir, &home, &["install"]);
    assert!(ok, "pre-commit install: {out}");
    (tmp, dir, home)
}

#[test]
fn pre_commit_tool_blocks_a_staged_secret() {
    let tool = pre_commit();
    let (_tmp, dir, home) = pc_repo(&tool, &["veil-scan-system"]);
    // pre-commit's hook finds the tool through the venv path recorded in it; keep its directory
    // on PATH too.
    let pc_dir = Path::new(&tool).parent().map(Path::to_path_buf);
    std::fs::write(dir.join("leak.env"), "AWS=AKIAPRECOMMITTOOLQQZ\n").unwrap();
    git(&dir, &home, &["add", "leak.env"]);
    let o = commit(&dir, &home, pc_dir.as_deref());
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success(),
        "pre-commit let a secret through: {out}"
    );
    assert!(out.contains("leak.env:1"), "{out}");
    git(&dir, &home, &["rm", "-q", "--cached", "leak.env"]);
    std::fs::write(dir.join("ok.txt"), "fine\n").unwrap();
    git(&dir, &home, &["add", "ok.txt"]);
    let o = commit(&dir, &home, pc_dir.as_deref());
    assert!(
        o.status.success(),
        "clean commit blocked: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The staged hook judges the lines being added: an edit elsewhere in a file whose old secret
/// was committed (and reported) before does not block, a new secret in the same file does.
#[test]
fn pre_commit_tool_judges_only_what_the_commit_adds() {
    let tool = pre_commit();
    let (_tmp, dir, home) = pc_repo(&tool, &["veil-scan-system"]);
    let pc_dir = Path::new(&tool).parent().map(Path::to_path_buf);
    std::fs::write(
        dir.join("settings.py"),
        "DEBUG = False\nAWS_KEY = \"AKIAOLDREPORTEDKEYQZ\"\nTIMEOUT = 30\n",
    )
    .unwrap();
    git(&dir, &home, &["add", "settings.py"]);
    git(
        &dir,
        &home,
        &["commit", "-q", "--no-verify", "-m", "old secret"],
    );
    std::fs::write(
        dir.join("settings.py"),
        "DEBUG = True\nAWS_KEY = \"AKIAOLDREPORTEDKEYQZ\"\nTIMEOUT = 60\n",
    )
    .unwrap();
    git(&dir, &home, &["add", "settings.py"]);
    let o = commit(&dir, &home, pc_dir.as_deref());
    assert!(
        o.status.success(),
        "an edit elsewhere was blocked: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::write(
        dir.join("settings.py"),
        "DEBUG = True\nAWS_KEY = \"AKIAOLDREPORTEDKEYQZ\"\nTIMEOUT = 60\nOTHER = \"AKIANEWLYADDEDKEYQQZ\"\n",
    )
    .unwrap();
    git(&dir, &home, &["add", "settings.py"]);
    let o = commit(&dir, &home, pc_dir.as_deref());
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "a new secret went through: {out}");
    assert!(out.contains("settings.py:4"), "{out}");
    assert!(
        !out.contains("settings.py:2"),
        "the old secret is not reported again: {out}"
    );
}

/// A secret in a 20 MB staged file is found (scanned in parts, not skipped).
#[test]
fn pre_commit_tool_blocks_a_secret_in_a_large_staged_file() {
    let tool = pre_commit();
    let (_tmp, dir, home) = pc_repo(&tool, &["veil-scan-system"]);
    let pc_dir = Path::new(&tool).parent().map(Path::to_path_buf);
    let mut big = String::with_capacity(21 << 20);
    let mut i = 0u64;
    while big.len() < 20 << 20 {
        big.push_str(&format!(
            "row {i}: the quick brown fox jumps over the lazy dog\n"
        ));
        i += 1;
        if i == 300_000 {
            big.push_str("export AWS_ACCESS_KEY_ID=AKIALARGESTAGEDFILQZ\n");
        }
    }
    std::fs::write(dir.join("dump.log"), &big).unwrap();
    git(&dir, &home, &["add", "dump.log"]);
    let o = commit(&dir, &home, pc_dir.as_deref());
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success(),
        "a secret in a 20 MB file went through: {out}"
    );
    assert!(out.contains("dump.log:300001"), "{out}");
}

/// CI: `pre-commit run --all-files` fails on a repository whose history holds a secret (the CI
/// hook) and on one whose tracked files do (the staged hook, which then scans the files).
#[test]
fn pre_commit_tool_ci_runs_fail_on_secrets() {
    let tool = pre_commit();
    // A CI configuration: both hooks.
    let (_tmp, dir, home) = pc_repo(&tool, &["veil-scan-system", "veil-scan-ci-system"]);
    let (ok, out) = pc(&tool, &dir, &home, &["run", "--all-files"]);
    assert!(ok, "a clean repository fails: {out}");
    // A secret committed, then deleted: only the history holds it.
    std::fs::write(dir.join("old.env"), "TOKEN=AKIAHISTORYONLYKEYQZ\n").unwrap();
    git(&dir, &home, &["add", "old.env"]);
    git(&dir, &home, &["commit", "-q", "--no-verify", "-m", "oops"]);
    git(&dir, &home, &["rm", "-q", "old.env"]);
    git(
        &dir,
        &home,
        &["commit", "-q", "--no-verify", "-m", "remove"],
    );
    let (ok, out) = pc(
        &tool,
        &dir,
        &home,
        &["run", "veil-scan-ci-system", "--all-files"],
    );
    assert!(!ok, "the CI hook passed a history with a secret: {out}");
    assert!(out.contains("old.env:1"), "{out}");
    let (ok, out) = pc(
        &tool,
        &dir,
        &home,
        &["run", "veil-scan-system", "--all-files"],
    );
    assert!(
        ok,
        "the staged hook judges files, and none holds a secret now: {out}"
    );
    // A tracked file with a secret: the staged hook fails under --all-files.
    std::fs::write(dir.join("cfg.env"), "TOKEN=AKIATRACKEDFILEKEYQZ\n").unwrap();
    git(&dir, &home, &["add", "cfg.env"]);
    git(
        &dir,
        &home,
        &["commit", "-q", "--no-verify", "-m", "tracked"],
    );
    let (ok, out) = pc(
        &tool,
        &dir,
        &home,
        &["run", "veil-scan-system", "--all-files"],
    );
    assert!(!ok, "--all-files checked nothing: {out}");
    assert!(out.contains("cfg.env:1"), "{out}");
}
