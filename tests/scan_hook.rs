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

#[test]
fn pre_commit_tool_blocks_a_staged_secret() {
    let pc = pre_commit();
    let tmp = tempfile::tempdir().unwrap();
    let (dir, home) = (tmp.path().join("r"), tmp.path().join("home"));
    std::fs::create_dir_all(&home).unwrap();
    init_repo(&dir, &home);
    // The repository's own hook definitions, with the entry pointing at the built binary.
    let hooks = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("id: veil-scan\n") && hooks.contains("language: rust"));
    assert!(hooks.contains("id: veil-scan-system\n") && hooks.contains("language: system"));
    let veil_bin = env!("CARGO_BIN_EXE_veil");
    std::fs::write(
        dir.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n- repo: local\n  hooks:\n  - id: veil-scan-system\n    name: veil scan\n    entry: {veil_bin} scan --staged\n    language: system\n    pass_filenames: false\n    always_run: true\n"
        ),
    )
    .unwrap();
    git(&dir, &home, &["add", ".pre-commit-config.yaml"]);
    let o = Command::new(&pc)
        .args(["install"])
        .current_dir(&dir)
        .env("HOME", &home)
        .env("PRE_COMMIT_HOME", tmp.path().join("pc-cache"))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "pre-commit install: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // pre-commit's hook finds the tool through the venv path recorded in it; keep its directory
    // on PATH too.
    let pc_dir = Path::new(&pc).parent().map(Path::to_path_buf);
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
