//! Private directories for plaintext (`edit`, `exec-file`): created 0700 on a RAM file system
//! (`$XDG_RUNTIME_DIR`, `/dev/shm`, each checked with `statfs`), so that the plaintext never
//! reaches a disk. Where none is usable, the directory is made in the temporary directory and
//! veil says on stderr where it is and why.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::Result;

use super::stale;

/// A private directory, removed (with its content) when dropped. Locked while it lives, so
/// that a later run can tell a killed veil's directory from a live one's.
pub struct PrivateDir {
    dir: tempfile::TempDir,
    _lock: File,
}

impl PrivateDir {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Gives the directory to a process that outlives veil (`exec-file --background`): it is no
    /// longer removed on drop, and the lock's descriptor is left open across exec, so that the
    /// process started next inherits the lock and the directory counts as live until that
    /// process (which removes it) and its children have ended. Veil exits right after; the
    /// descriptor stays open in veil until then. Returns the directory's path.
    pub fn hand_to_child(self) -> PathBuf {
        use nix::fcntl::{FcntlArg, FdFlag, fcntl};
        let _ = fcntl(&self._lock, FcntlArg::F_SETFD(FdFlag::empty()));
        std::mem::forget(self._lock);
        self.dir.keep()
    }
}

/// Whether `path` is on a file system held in memory.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn in_memory(path: &Path) -> std::result::Result<(), String> {
    use nix::sys::statfs::{TMPFS_MAGIC, statfs};
    // `statfs` magic of ramfs (nix names tmpfs's only).
    const RAMFS_MAGIC: i64 = 0x8584_58f6;
    let fs = statfs(path).map_err(|e| e.to_string())?;
    let t = fs.filesystem_type();
    #[allow(clippy::unnecessary_cast)]
    if t == TMPFS_MAGIC || t.0 as i64 == RAMFS_MAGIC {
        Ok(())
    } else {
        Err(format!("not a tmpfs (file system type {:#x})", t.0))
    }
}

/// Elsewhere no file system is known to be held in memory.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn in_memory(_path: &Path) -> std::result::Result<(), String> {
    Err("no tmpfs on this system".into())
}

/// The RAM file systems tried, in order.
fn memory_bases() -> Vec<(String, Option<PathBuf>)> {
    vec![
        (
            "$XDG_RUNTIME_DIR".into(),
            std::env::var_os("XDG_RUNTIME_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        ),
        ("/dev/shm".into(), Some(PathBuf::from("/dev/shm"))),
    ]
}

fn create_in(base: &Path) -> std::io::Result<PrivateDir> {
    stale::clean_private_dirs(base);
    let dir = tempfile::Builder::new()
        .prefix(&format!("{}{}-", stale::DIR_PREFIX, std::process::id()))
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir_in(base)?;
    let lock = File::open(dir.path())?;
    let _ = lock.try_lock();
    Ok(PrivateDir { dir, _lock: lock })
}

/// A new private directory for `what` (e.g. "the file being edited"), on a RAM file system if
/// there is one. Otherwise it is made in the temporary directory and, when `plaintext` is true,
/// a line on stderr says where the plaintext is and why.
pub fn private_dir(what: &str, plaintext: bool) -> Result<PrivateDir> {
    private_dir_in(&memory_bases(), &std::env::temp_dir(), what, plaintext)
}

fn private_dir_in(
    bases: &[(String, Option<PathBuf>)],
    fallback: &Path,
    what: &str,
    plaintext: bool,
) -> Result<PrivateDir> {
    let mut why = Vec::new();
    for (name, base) in bases {
        let Some(base) = base else {
            why.push(format!("{name} is not set"));
            continue;
        };
        if let Err(e) = in_memory(base) {
            why.push(format!("{name}: {e}"));
            continue;
        }
        match create_in(base) {
            Ok(d) => return Ok(d),
            Err(e) => why.push(format!("{name}: {e}")),
        }
    }
    let d = create_in(fallback).map_err(|source| super::FsError::PrivateDir {
        dir: super::sanitize(&fallback.display().to_string()),
        source,
    })?;
    if plaintext {
        eprintln!(
            "veil: warning: {what} is decrypted on disk, in {} (a private 0700 directory, removed afterwards), because no RAM file system is usable: {}",
            super::sanitize(&d.path().display().to_string()),
            super::sanitize(&why.join("; "))
        );
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    #[test]
    fn on_tmpfs_0700_locked_and_removed() {
        let d = private_dir("test", true).unwrap();
        assert!(
            in_memory(d.path()).is_ok(),
            "this machine has /dev/shm on tmpfs"
        );
        let m = std::fs::metadata(d.path()).unwrap();
        assert_eq!(m.mode() & 0o777, 0o700);
        let other = File::open(d.path()).unwrap();
        assert!(other.try_lock().is_err(), "locked while in use");
        let p = d.path().to_path_buf();
        std::fs::write(p.join("f"), "x").unwrap();
        drop(d);
        assert!(!p.exists());
    }

    #[test]
    fn disk_fallback_is_used_and_named() {
        // A directory on disk (beside the test binary) is not taken for a RAM file system.
        let exe = std::env::current_exe().unwrap();
        let disk = tempfile::tempdir_in(exe.parent().unwrap()).unwrap();
        assert!(in_memory(disk.path()).is_err());
        let bases = vec![
            ("$XDG_RUNTIME_DIR".to_string(), None),
            ("/disk".to_string(), Some(disk.path().to_path_buf())),
        ];
        let d = private_dir_in(&bases, disk.path(), "x", true).unwrap();
        assert!(d.path().starts_with(disk.path()));
        assert_eq!(
            std::fs::metadata(d.path()).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }
}
