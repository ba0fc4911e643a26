//! Temporary files and directories that a killed veil leaves behind, and their removal by a
//! later run.
//!
//! Each is named after the process that made it (`.veil-<pid>-<random>.tmp` beside a target,
//! `veil-<pid>-<random>` for a private directory) and is locked (`flock`) by that process from
//! its creation: the kernel drops the lock when the process dies, however it dies. A later run
//! removes an entry only when it belongs to the same user (or veil runs as root), its lock can
//! be taken, and its process is gone — or, should the pid have been reused, it is older than a
//! minute. The lock makes this safe against live processes of other PID namespaces too (a
//! container sharing the directory); the pid and age guard the instant between a file's
//! creation and its lock.

use std::collections::HashSet;
use std::fs::File;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use super::{TEMP_PREFIX, TEMP_SUFFIX};

/// A leftover whose pid is alive (reused) is removed once it is this old.
const REUSED_PID_AGE: Duration = Duration::from_secs(60);

/// Prefix of private directories (see [`super::private`]).
pub(super) const DIR_PREFIX: &str = "veil-";

/// A new temporary file in `dir` for an atomic write: `.veil-<pid>-<random>.tmp`, created 0600
/// (whatever the umask: it can only take bits away) before any byte is written, and locked.
pub(super) fn create_temp(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(TEMP_SUFFIX)
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .tempfile_in(dir)?;
    // A file system without locks still gets its atomic write; its leftovers are then never
    // taken for stale (their lock cannot be taken either).
    let _ = tmp.as_file().try_lock();
    Ok(tmp)
}

/// The pid in the name of one of veil's temporary entries (`<prefix><pid>-…`); `None` when the
/// name has no pid (a leftover of an older veil).
fn pid_of(name: &str, prefix: &str) -> Option<i32> {
    let rest = name.strip_prefix(prefix)?;
    let (pid, _) = rest.split_once('-')?;
    pid.parse().ok().filter(|p: &i32| *p > 0)
}

/// Whether process `pid` exists (in this PID namespace).
fn alive(pid: i32) -> bool {
    match nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None) {
        Ok(()) => true,
        Err(nix::errno::Errno::ESRCH) => false,
        // EPERM: it exists, as another user's.
        Err(_) => true,
    }
}

/// Whether the entry `name` (open as `file`, with metadata `m`) is a leftover of a dead veil.
fn is_stale(name: &str, prefix: &str, file: &File, m: &std::fs::Metadata) -> bool {
    let me = nix::unistd::geteuid();
    if m.uid() != me.as_raw() && !me.is_root() {
        return false;
    }
    let pid = pid_of(name, prefix);
    if pid == Some(std::process::id() as i32) {
        return false;
    }
    if file.try_lock().is_err() {
        // Its process holds it (or the file system has no locks: leave it).
        return false;
    }
    let old = m
        .modified()
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age >= REUSED_PID_AGE);
    match pid {
        Some(pid) => !alive(pid) || old,
        None => old,
    }
}

/// Removes the stale temporary files of atomic writes in `dir` (see the module comment).
/// Errors are ignored: this is housekeeping.
pub fn clean_dir(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let path = e.path();
        // Never follow a link, never block on a FIFO planted under such a name.
        let Ok(file) = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
            .open(&path)
        else {
            continue;
        };
        let Ok(m) = file.metadata() else { continue };
        if m.is_file() && is_stale(&name, TEMP_PREFIX, &file, &m) && same_entry(&path, &m) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Whether `path` still names the file of metadata `m`.
fn same_entry(path: &Path, m: &std::fs::Metadata) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|n| n.dev() == m.dev() && n.ino() == m.ino())
}

/// [`clean_dir`] once per directory and process (a rotation of many files in one directory
/// reads it once).
pub(super) fn clean_dir_once(dir: &Path) {
    static DONE: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    let key = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    {
        let Ok(mut done) = DONE.lock() else { return };
        if !done.get_or_insert_with(HashSet::new).insert(key) {
            return;
        }
    }
    clean_dir(dir);
}

/// Removes the stale private directories (`veil-<pid>-…`, see [`super::private`]) in `base`.
pub(super) fn clean_private_dirs(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if pid_of(&name, DIR_PREFIX).is_none() {
            continue;
        }
        let path = e.path();
        let Ok(dir) = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_DIRECTORY)
            .open(&path)
        else {
            continue;
        };
        let Ok(m) = dir.metadata() else { continue };
        if m.is_dir() && is_stale(&name, DIR_PREFIX, &dir, &m) && same_entry(&path, &m) {
            // std's remove_dir_all never follows symlinks inside the directory.
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A pid that is not running: a child that has exited and been reaped.
    fn dead_pid() -> u32 {
        let mut c = std::process::Command::new("true").spawn().unwrap();
        let pid = c.id();
        c.wait().unwrap();
        pid
    }

    #[test]
    fn temp_is_0600_and_locked_whatever_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        // A permissive directory default does not widen the mode.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let tmp = create_temp(dir.path()).unwrap();
        let m = tmp.as_file().metadata().unwrap();
        assert_eq!(m.mode() & 0o777, 0o600);
        let name = tmp
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert_eq!(
            pid_of(&name, TEMP_PREFIX),
            Some(std::process::id() as i32),
            "{name}"
        );
        let other = File::open(tmp.path()).unwrap();
        assert!(other.try_lock().is_err());
    }

    #[test]
    fn removes_only_dead_processes_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let dead = dead_pid();
        let stale = d.join(format!(".veil-{dead}-abc.tmp"));
        std::fs::write(&stale, "plaintext").unwrap();
        // A live process's file (this one's, in use: locked).
        let live = create_temp(d).unwrap();
        // A dead pid, but its file locked by someone (another namespace's live process).
        let locked = d.join(format!(".veil-{dead}-locked.tmp"));
        std::fs::write(&locked, "x").unwrap();
        let holder = File::open(&locked).unwrap();
        holder.lock().unwrap();
        // A live pid (pid 1), unlocked and fresh: the instant before its lock.
        let fresh = d.join(".veil-1-fresh.tmp");
        std::fs::write(&fresh, "x").unwrap();
        // No pid (an older veil's, or a planted name) and fresh.
        let nopid = d.join(".veil-planted.tmp");
        std::fs::write(&nopid, "x").unwrap();
        // Not a temporary name.
        let other = d.join(format!(".veil-{dead}-x.yaml"));
        std::fs::write(&other, "x").unwrap();
        // A symlink with a temporary name, pointing at a file that must survive.
        let victim = d.join("victim");
        std::fs::write(&victim, "v").unwrap();
        std::os::unix::fs::symlink(&victim, d.join(format!(".veil-{dead}-link.tmp"))).unwrap();
        clean_dir(d);
        assert!(!stale.exists(), "a dead process's leftover is removed");
        assert!(live.path().exists());
        assert!(locked.exists());
        assert!(fresh.exists());
        assert!(nopid.exists());
        assert!(other.exists());
        assert!(victim.exists());
        assert!(d.join(format!(".veil-{dead}-link.tmp")).exists());
    }

    #[test]
    fn removes_old_unlocked_leftovers_of_reused_pids() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".veil-1-old.tmp");
        std::fs::write(&p, "x").unwrap();
        let f = File::options().write(true).open(&p).unwrap();
        f.set_modified(std::time::SystemTime::now() - Duration::from_secs(120))
            .unwrap();
        drop(f);
        clean_dir(dir.path());
        assert!(!p.exists());
    }

    #[test]
    fn removes_stale_private_dirs() {
        let base = tempfile::tempdir().unwrap();
        let dead = dead_pid();
        let stale = base.path().join(format!("veil-{dead}-abc"));
        std::fs::create_dir(&stale).unwrap();
        std::fs::write(stale.join("secrets.yaml"), "plaintext").unwrap();
        let mine = base.path().join(format!("veil-{}-abc", std::process::id()));
        std::fs::create_dir(&mine).unwrap();
        let unrelated = base.path().join("veil-cache");
        std::fs::create_dir(&unrelated).unwrap();
        clean_private_dirs(base.path());
        assert!(!stale.exists());
        assert!(mine.exists());
        assert!(unrelated.exists());
    }
}
