//! The files of a working tree that veil looks at — one answer for `check`, `rotate --all`,
//! `updatekeys --all` and `scan --worktree`.
//!
//! Inside a git work tree: the tracked files plus the untracked files git does not ignore (what
//! `git ls-files --cached --others --exclude-standard` lists), read through libgit2 rather than a
//! `git` subprocess, so names that are not UTF-8 stay exact. Outside git: every file under the
//! directory, honouring `.gitignore` and `.ignore` files found there. Only regular files that
//! exist are listed (a symbolic link counts when it leads to one), each once even when a link and
//! its target are both listed, and never veil's own temporary files.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Why the files could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("{path}: cannot list the files: {source}")]
    Git {
        path: String,
        #[source]
        source: git2::Error,
    },
    #[error("{path}: no such directory")]
    NoDirectory { path: String },
    #[error("{path}: not inside a git work tree")]
    NotARepository { path: String },
}

/// A file as it is staged in git's index.
pub struct Staged {
    /// Relative to the top of the work tree (as git names it).
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// The files of the index of the repository holding `dir` that were added, copied, modified or
/// renamed since `HEAD` (every staged file before the first commit), with their staged content,
/// in path order — what a pre-commit check looks at.
pub fn staged(dir: &Path) -> Result<Vec<Staged>, RepoError> {
    let shown = || crate::fsio::sanitize(&dir.display().to_string());
    let Some((repo, _)) = git_work_tree(dir) else {
        return Err(RepoError::NotARepository { path: shown() });
    };
    let read = || -> Result<Vec<Staged>, git2::Error> {
        let head = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
        let index = repo.index()?;
        let diff = repo.diff_tree_to_index(head.as_ref(), Some(&index), None)?;
        let mut out = Vec::new();
        for delta in diff.deltas() {
            use git2::Delta;
            if !matches!(
                delta.status(),
                Delta::Added | Delta::Modified | Delta::Copied | Delta::Renamed
            ) {
                continue;
            }
            let file = delta.new_file();
            let Some(path) = file.path_bytes() else {
                continue;
            };
            let blob = repo.find_blob(file.id())?;
            out.push(Staged {
                path: PathBuf::from(OsStr::from_bytes(path)),
                bytes: blob.content().to_vec(),
            });
        }
        Ok(out)
    };
    read().map_err(|source| RepoError::Git {
        path: shown(),
        source,
    })
}

/// The versions of the file at `path` (relative to `dir`) in the history of `HEAD`, newest
/// first: for each commit whose content of the file differs from its first parent's, the commit
/// time (seconds since the epoch) and that content. Empty outside git or before the first commit.
pub fn history_of(dir: &Path, path: &Path) -> Result<Vec<(i64, Vec<u8>)>, RepoError> {
    let Some((repo, prefix)) = git_work_tree(dir) else {
        return Ok(Vec::new());
    };
    let in_repo = prefix.join(path);
    let walk = || -> Result<Vec<(i64, Vec<u8>)>, git2::Error> {
        let mut out = Vec::new();
        if repo.head().is_err() {
            return Ok(out);
        }
        let blob_at = |c: &git2::Commit| -> Option<git2::Oid> {
            c.tree().ok()?.get_path(&in_repo).ok().map(|e| e.id())
        };
        let mut revs = repo.revwalk()?;
        revs.push_head()?;
        revs.set_sorting(git2::Sort::TIME)?;
        for oid in revs {
            let commit = repo.find_commit(oid?)?;
            let Some(id) = blob_at(&commit) else {
                continue;
            };
            let parent = commit.parent(0).ok();
            if parent.as_ref().and_then(blob_at) == Some(id) {
                continue;
            }
            let blob = repo.find_blob(id)?;
            out.push((commit.time().seconds(), blob.content().to_vec()));
        }
        Ok(out)
    };
    walk().map_err(|source| RepoError::Git {
        path: crate::fsio::sanitize(&dir.display().to_string()),
        source,
    })
}

/// The files under `dir`, as paths that start with `dir`, sorted.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>, RepoError> {
    if !dir.is_dir() {
        return Err(RepoError::NoDirectory {
            path: crate::fsio::sanitize(&dir.display().to_string()),
        });
    }
    let listed = match git_work_tree(dir) {
        Some((repo, prefix)) => git_files(&repo, &prefix).map_err(|source| RepoError::Git {
            path: crate::fsio::sanitize(&dir.display().to_string()),
            source,
        })?,
        None => walked_files(dir),
    };
    let mut seen = HashSet::new();
    let mut out: Vec<PathBuf> = listed
        .into_iter()
        .map(|rel| dir.join(rel))
        .filter(|p| !crate::fsio::is_temp_file(p))
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file()))
        .filter(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())))
        .collect();
    out.sort();
    Ok(out)
}

/// The repository whose work tree holds `dir`, and `dir`'s path inside it (empty at the top).
fn git_work_tree(dir: &Path) -> Option<(git2::Repository, PathBuf)> {
    let repo = git2::Repository::discover(dir).ok()?;
    let top = std::fs::canonicalize(repo.workdir()?).ok()?;
    let here = std::fs::canonicalize(dir).ok()?;
    let prefix = here.strip_prefix(&top).ok()?.to_path_buf();
    Some((repo, prefix))
}

/// Tracked and untracked-not-ignored files under `prefix`, relative to `prefix`.
fn git_files(repo: &git2::Repository, prefix: &Path) -> Result<Vec<PathBuf>, git2::Error> {
    let under = |path: &[u8]| -> Option<PathBuf> {
        let p = Path::new(OsStr::from_bytes(path));
        p.strip_prefix(prefix).ok().map(Path::to_path_buf)
    };
    let mut out = Vec::new();
    const GITLINK: u32 = 0o160000;
    for entry in repo.index()?.iter() {
        // Stage 0 only (a conflicted path appears once per side); no submodules.
        let stage = (entry.flags >> 12) & 0x3;
        if stage == 0
            && entry.mode != GITLINK
            && let Some(p) = under(&entry.path)
        {
            out.push(p);
        }
    }
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .include_unmodified(false)
        .exclude_submodules(true);
    if !prefix.as_os_str().is_empty() {
        opts.pathspec(prefix.as_os_str())
            .disable_pathspec_match(false);
    }
    for entry in repo.statuses(Some(&mut opts))?.iter() {
        if entry.status().contains(git2::Status::WT_NEW)
            && let Some(p) = under(entry.path_bytes())
        {
            out.push(p);
        }
    }
    Ok(out)
}

/// Every file under `dir` outside git, honouring ignore files; relative to `dir`.
fn walked_files(dir: &Path) -> Vec<PathBuf> {
    let mut walk = ignore::WalkBuilder::new(dir);
    walk.hidden(false)
        .git_ignore(true)
        .git_exclude(false)
        .git_global(false)
        .require_git(false)
        .parents(false);
    walk.filter_entry(|e| e.file_name() != ".git");
    walk.build()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_some_and(|t| t.is_file() || t.is_symlink()))
        .filter_map(|e| e.path().strip_prefix(dir).ok().map(Path::to_path_buf))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .status()
            .expect("git is needed by this test: install git")
            .success();
        assert!(ok, "git {args:?}");
    }

    fn names(dir: &Path) -> Vec<String> {
        files(dir)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
            .collect()
    }

    fn commit(dir: &Path, msg: &str, date: &str) {
        let ok = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-qm",
                msg,
            ])
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_AUTHOR_DATE", date)
            .status()
            .expect("git is needed by this test: install git")
            .success();
        assert!(ok, "git commit {msg}");
    }

    #[test]
    fn staged_files_and_the_history_of_one() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        git(root, &["init", "-q"]);
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.yaml"), "v: 1\n").unwrap();
        std::fs::write(root.join("b.yaml"), "b: 1\n").unwrap();
        git(root, &["add", "-A"]);
        // Before the first commit, every staged file counts.
        let first: Vec<_> = staged(root).unwrap().into_iter().map(|f| f.path).collect();
        assert_eq!(
            first,
            [PathBuf::from("b.yaml"), PathBuf::from("sub/a.yaml")]
        );
        commit(root, "one", "2020-01-01T00:00:00Z");
        std::fs::write(root.join("b.yaml"), "b: 2\n").unwrap();
        git(root, &["add", "b.yaml"]);
        commit(root, "two (b only)", "2021-01-01T00:00:00Z");
        std::fs::write(root.join("sub/a.yaml"), "v: 2\n").unwrap();
        git(root, &["add", "-A"]);
        commit(root, "three", "2022-01-01T00:00:00Z");
        // Staged: a modification and a new file; a deletion and an unstaged change are not.
        std::fs::write(root.join("sub/a.yaml"), "v: 3\n").unwrap();
        std::fs::write(root.join("c.yaml"), "c: 1\n").unwrap();
        git(root, &["add", "sub/a.yaml", "c.yaml"]);
        git(root, &["rm", "-q", "b.yaml"]);
        std::fs::write(root.join("sub/a.yaml"), "v: 4\n").unwrap();
        let now = staged(root).unwrap();
        let got: Vec<(String, Vec<u8>)> = now
            .into_iter()
            .map(|f| (f.path.display().to_string(), f.bytes))
            .collect();
        assert_eq!(
            got,
            [
                ("c.yaml".to_string(), b"c: 1\n".to_vec()),
                ("sub/a.yaml".to_string(), b"v: 3\n".to_vec())
            ]
        );
        // The commits that changed sub/a.yaml, newest first, from the root or from sub/.
        let want = vec![
            (1_640_995_200, b"v: 2\n".to_vec()),
            (1_577_836_800, b"v: 1\n".to_vec()),
        ];
        assert_eq!(history_of(root, Path::new("sub/a.yaml")).unwrap(), want);
        assert_eq!(
            history_of(&root.join("sub"), Path::new("a.yaml")).unwrap(),
            want
        );
        assert!(
            history_of(root, Path::new("never.yaml"))
                .unwrap()
                .is_empty()
        );
        let outside = tempfile::tempdir().unwrap();
        assert!(
            history_of(outside.path(), Path::new("x"))
                .unwrap()
                .is_empty()
        );
        assert!(matches!(
            staged(outside.path()),
            Err(RepoError::NotARepository { .. })
        ));
    }

    #[test]
    fn tracked_and_untracked_not_ignored_files_in_git() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        git(root, &["init", "-q"]);
        std::fs::write(root.join(".gitignore"), "ignored.yaml\nbuild/\n").unwrap();
        std::fs::create_dir_all(root.join("prod")).unwrap();
        std::fs::create_dir_all(root.join("build")).unwrap();
        std::fs::write(root.join("tracked.yaml"), "a: 1\n").unwrap();
        std::fs::write(root.join("prod/leak.yaml"), "b: 2\n").unwrap();
        std::fs::write(root.join("ignored.yaml"), "c: 3\n").unwrap();
        std::fs::write(root.join("build/out.yaml"), "d: 4\n").unwrap();
        std::fs::write(root.join(".env"), "E=5\n").unwrap();
        std::fs::write(root.join(".veil-123-x.tmp"), "temp").unwrap();
        git(root, &["add", "tracked.yaml", ".gitignore"]);
        assert_eq!(
            names(root),
            [".env", ".gitignore", "prod/leak.yaml", "tracked.yaml"]
        );
        // From a subdirectory: only what is under it, relative to it.
        assert_eq!(names(&root.join("prod")), ["leak.yaml"]);
    }

    #[test]
    fn non_utf8_names_stay_exact() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        git(root, &["init", "-q"]);
        let name = OsStr::from_bytes(b"caf\xe9.yaml");
        std::fs::write(root.join(name), "a: 1\n").unwrap();
        let listed = files(root).unwrap();
        assert_eq!(listed, [root.join(name)]);
        assert!(listed[0].is_file());
    }

    #[test]
    fn a_link_and_its_target_are_listed_once() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::write(root.join("real.yaml"), "a: 1\n").unwrap();
        std::os::unix::fs::symlink("real.yaml", root.join("link.yaml")).unwrap();
        assert_eq!(names(root).len(), 1);
    }

    #[test]
    fn outside_git_every_file_but_ignored_ones() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::write(root.join(".gitignore"), "skip.yaml\n").unwrap();
        std::fs::write(root.join("keep.yaml"), "a: 1\n").unwrap();
        std::fs::write(root.join("skip.yaml"), "a: 1\n").unwrap();
        assert_eq!(names(root), [".gitignore", "keep.yaml"]);
    }
}
