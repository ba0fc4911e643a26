//! Read–modify–write of one file: [`Update`] follows symlinks to the file they name (the links
//! stay links), holds an advisory lock (`flock`) on that file from the read to the write, and
//! writes through a temporary file in the same directory that is created 0600, takes the old
//! file's owner, group, extended attributes and mode only just before it is renamed over it.
//!
//! The lock is on the file itself (its inode). A writer replaces that inode by its rename, so a
//! process that was waiting for the lock on the old inode sees, once it has it, that the path
//! names another file now, and starts over on the new one: commands that each read and write
//! under the lock never lose each other's updates.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::Result;

use super::{FsError, stale};

/// Symbolic links followed before giving up (the kernel's own limit).
const MAX_LINKS: usize = 40;

/// A file opened for a change, locked until dropped. Changes are written with
/// [`Update::commit`] (or [`Update::commit_with`]); the lock is then held on the new file.
pub struct Update {
    /// The path as given: what messages name.
    shown: PathBuf,
    /// Where the bytes are: `shown` with the symlinks of its last component followed.
    target: PathBuf,
    /// The target, open and locked; `None` when it did not exist.
    file: Option<File>,
    /// Its content, when read.
    bytes: Vec<u8>,
}

impl std::fmt::Debug for Update {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the bytes: they may be plaintext.
        f.debug_struct("Update")
            .field("path", &self.shown)
            .field("target", &self.target)
            .field("exists", &self.file.is_some())
            .finish()
    }
}

/// What to do with the old content when a file is opened.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The file must exist and is read.
    Read,
    /// The file is read when it exists.
    ReadIfExists,
    /// The file is locked when it exists, not read (an `--output` target).
    Replace,
}

impl Update {
    /// Opens an existing file for a change: locked, then read. A missing file is
    /// [`Code::NoFile`]; anything but a regular file (after symlinks) is refused.
    pub fn open(path: &Path) -> std::result::Result<Update, FsError> {
        Update::acquire(path, Mode::Read)
    }

    /// [`Update::open`] for a file that may not exist yet ([`Update::exists`] tells); a new
    /// file is created 0600 by [`Update::commit`], and never over a file that appeared
    /// meanwhile.
    pub fn open_or_new(path: &Path) -> std::result::Result<Update, FsError> {
        Update::acquire(path, Mode::ReadIfExists)
    }

    /// A file that is about to be replaced without being read (`--output`): locked when it
    /// exists.
    pub fn replace(path: &Path) -> std::result::Result<Update, FsError> {
        Update::acquire(path, Mode::Replace)
    }

    /// Whether the file existed when opened (or has been written since).
    pub fn exists(&self) -> bool {
        self.file.is_some()
    }

    /// The content read when the file was opened (empty for a new file).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Takes the content read, leaving it empty.
    pub fn take_bytes(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.bytes)
    }

    /// The path as given, escaped for messages.
    pub fn display(&self) -> String {
        super::sanitize(&self.shown.display().to_string())
    }

    /// The file that is written: the given path with its symlinks followed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    fn acquire(path: &Path, mode: Mode) -> std::result::Result<Update, FsError> {
        let shown = super::sanitize(&path.display().to_string());
        let read_fail = |source: std::io::Error| FsError::Read {
            path: shown.clone(),
            source,
        };
        let mut waited = false;
        // Each round ends when the locked file is still the one the path names; a round that
        // loses a race against another writer starts over.
        for _ in 0..10_000 {
            let target = resolve(path).map_err(read_fail)?;
            stale::clean_dir_once(&parent_dir(&target));
            let file = match open_locking(&target, mode == Mode::Replace) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if mode == Mode::Read {
                        return Err(FsError::NotFound { path: shown });
                    }
                    return Ok(Update {
                        shown: path.to_path_buf(),
                        target,
                        file: None,
                        bytes: Vec::new(),
                    });
                }
                // A symlink put in its place since it was resolved.
                Err(e) if e.raw_os_error() == Some(nix::libc::ELOOP) => continue,
                Err(e) => return Err(read_fail(e)),
            };
            let meta = file.metadata().map_err(read_fail)?;
            if !meta.is_file() {
                return Err(FsError::NotRegular {
                    path: shown,
                    kind: super::file_type_name(&meta),
                    writing: mode == Mode::Replace,
                });
            }
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    if !waited {
                        eprintln!(
                            "veil: {shown}: waiting for another process that holds this file's lock"
                        );
                        waited = true;
                    }
                    file.lock().map_err(|source| FsError::Lock {
                        path: shown.clone(),
                        source,
                    })?;
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    // Some network file systems have no locks: carry on, and say so.
                    eprintln!(
                        "veil: warning: {shown}: cannot lock the file ({e}); a concurrent change by another process may be lost"
                    );
                }
            }
            let still = std::fs::symlink_metadata(&target)
                .is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino());
            if !still {
                continue;
            }
            let mut bytes = Vec::new();
            if mode != Mode::Replace {
                let mut f = &file;
                f.read_to_end(&mut bytes).map_err(read_fail)?;
            }
            return Ok(Update {
                shown: path.to_path_buf(),
                target,
                file: Some(file),
                bytes,
            });
        }
        Err(FsError::KeepsBeingReplaced { path: shown })
    }

    /// Writes `bytes` as the file's new content (atomically: a reader sees the old or the new
    /// file, whole).
    pub fn commit(&mut self, bytes: &[u8]) -> Result<()> {
        let shown = self.display();
        self.commit_with(|w| {
            w.write_all(bytes).map_err(|e| write_failure(&shown, e))?;
            Ok(Some(()))
        })
        .map(|_| ())
    }

    /// [`Update::commit`] for a writer that produces the content piece by piece: `write`
    /// answers `Some` to keep what it wrote, `None` to drop it (the file is left untouched).
    pub fn commit_with<T>(
        &mut self,
        write: impl FnOnce(&mut dyn Write) -> Result<Option<T>>,
    ) -> Result<Option<T>> {
        let shown = self.display();
        let fail = |e: std::io::Error| write_failure(&shown, e);
        let dir = parent_dir(&self.target);
        let tmp = stale::create_temp(&dir).map_err(fail)?;
        let mut buffered = BufWriter::new(tmp.as_file());
        let Some(result) = write(&mut buffered)? else {
            return Ok(None);
        };
        buffered.flush().map_err(fail)?;
        drop(buffered);
        tmp.as_file().sync_all().map_err(fail)?;
        if let Some(old) = &self.file {
            keep_attributes(old, tmp.as_file(), &shown).map_err(fail)?;
        }
        let new = if self.file.is_some() {
            tmp.persist(&self.target).map_err(|e| fail(e.error))?
        } else {
            tmp.persist_noclobber(&self.target).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    FsError::CreatedMeanwhile {
                        path: shown.clone(),
                    }
                } else {
                    fail(e.error)
                }
            })?
        };
        // Make the rename durable.
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        // The new file is locked already (the temporary file was locked when created): waiters
        // on the old one will find it replaced and wait for this one.
        self.file = Some(new);
        Ok(Some(result))
    }
}

fn write_failure(shown: &str, source: std::io::Error) -> FsError {
    FsError::Write {
        path: shown.to_string(),
        source,
    }
}

/// The directory of a file (`.` for a bare name).
pub(super) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `path` with the symlinks of its last component followed, as the kernel would (a relative
/// link is relative to the link's directory). A dangling link resolves to the missing file it
/// names, which a write then creates.
pub fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p)?;
                p = if to.is_absolute() {
                    to
                } else {
                    parent_dir(&p).join(to)
                };
            }
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::from_raw_os_error(nix::libc::ELOOP))
}

/// Opens a resolved target for locking and reading: never follows a symlink (one put there
/// since it was resolved fails with ELOOP), never blocks on a FIFO. A file that is only
/// replaced (`--output`) may be one the user can write but not read: it is opened for writing
/// then (without truncation: nothing is written through this descriptor).
fn open_locking(target: &Path, replace: bool) -> std::io::Result<File> {
    let flags = nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK;
    match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(target)
    {
        Err(e) if replace && e.kind() == std::io::ErrorKind::PermissionDenied => {
            std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(flags)
                .open(target)
        }
        r => r,
    }
}

/// Gives `new` (the temporary file, 0600) the owner, group and extended attributes of `old`,
/// then its mode — last, so that the temporary file is readable by no one else until just
/// before the rename. An owner or group that cannot be kept (not root) and attributes that
/// cannot be set are reported on stderr; the write goes on.
fn keep_attributes(old: &File, new: &File, shown: &str) -> std::io::Result<()> {
    let m = old.metadata()?;
    let now = new.metadata()?;
    if (now.uid(), now.gid()) != (m.uid(), m.gid())
        && std::os::unix::fs::fchown(new, Some(m.uid()), Some(m.gid())).is_err()
    {
        // Not root: the group can still be kept when the user is a member of it.
        let _ = std::os::unix::fs::fchown(new, None, Some(m.gid()));
        let after = new.metadata()?;
        if after.uid() != m.uid() {
            eprintln!(
                "veil: warning: {shown}: now owned by uid {} (was {}): only root can keep another user's ownership",
                after.uid(),
                m.uid()
            );
        }
        if after.gid() != m.gid() {
            eprintln!(
                "veil: warning: {shown}: now in group {} (was {}): the group could not be kept",
                after.gid(),
                m.gid()
            );
        }
    }
    // Access control lists go with the mode, after the other attributes.
    let is_acl = |n: &std::ffi::OsStr| n.to_string_lossy().starts_with("system.posix_acl_");
    let mut failed: Vec<String> = Vec::new();
    let mut copy = |name: &std::ffi::OsStr| {
        use xattr::FileExt;
        match old.get_xattr(name) {
            Ok(Some(v)) => {
                if new.get_xattr(name).ok().flatten().as_deref() != Some(&v[..])
                    && let Err(e) = new.set_xattr(name, &v)
                {
                    failed.push(format!("{} ({e})", name.to_string_lossy()));
                }
            }
            Ok(None) => {}
            Err(e) => failed.push(format!("{} ({e})", name.to_string_lossy())),
        }
    };
    let names: Vec<std::ffi::OsString> = match xattr::FileExt::list_xattr(old) {
        Ok(list) => list.collect(),
        // No extended attributes on this file system.
        Err(_) => Vec::new(),
    };
    for n in names.iter().filter(|n| !is_acl(n)) {
        copy(n);
    }
    for n in names.iter().filter(|n| is_acl(n)) {
        copy(n);
    }
    if !failed.is_empty() {
        eprintln!(
            "veil: warning: {shown}: extended attributes not kept: {}",
            super::sanitize(&failed.join(", "))
        );
    }
    new.set_permissions(std::fs::Permissions::from_mode(m.mode() & 0o7777))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Code, Failure};

    #[test]
    fn commit_keeps_mode_and_replaces_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.yaml");
        std::fs::write(&p, "a").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        let mut u = Update::open(&p).unwrap();
        assert_eq!(u.bytes(), b"a");
        u.commit(b"b").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"b");
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn writes_through_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        let real = dir.path().join("real/f.yaml");
        std::fs::write(&real, "old").unwrap();
        // A chain: relative link to a link in another directory.
        std::os::unix::fs::symlink("../real/f.yaml", dir.path().join("real/l1")).unwrap();
        std::fs::create_dir(dir.path().join("links")).unwrap();
        let link = dir.path().join("links/l2");
        std::os::unix::fs::symlink("../real/l1", &link).unwrap();
        let mut u = Update::open(&link).unwrap();
        assert_eq!(u.bytes(), b"old");
        assert_eq!(u.target(), dir.path().join("links/../real/../real/f.yaml"));
        u.commit(b"new").unwrap();
        drop(u);
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_dir(dir.path().join("links")).unwrap().count(),
            1
        );
    }

    #[test]
    fn dangling_link_creates_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("l.yaml");
        std::os::unix::fs::symlink("target.yaml", &link).unwrap();
        assert_eq!(
            Failure::from(Update::open(&link).unwrap_err()).code,
            Code::NoFile
        );
        let mut u = Update::open_or_new(&link).unwrap();
        assert!(!u.exists());
        u.commit(b"x").unwrap();
        assert_eq!(std::fs::read(dir.path().join("target.yaml")).unwrap(), b"x");
        let mode = std::fs::metadata(dir.path().join("target.yaml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn new_file_is_not_written_over_one_created_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.yaml");
        let mut u = Update::open_or_new(&p).unwrap();
        std::fs::write(&p, "theirs").unwrap();
        let e = u.commit(b"mine").unwrap_err();
        assert_eq!(e.code, Code::CouldNotWriteOutput);
        assert!(e.message.contains("created by another process"), "{e}");
        assert_eq!(std::fs::read(&p).unwrap(), b"theirs");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn link_loop_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
        let e = Failure::from(Update::open(&a).unwrap_err());
        assert_eq!(e.code, Code::CouldNotReadInput);
    }

    #[test]
    fn fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fifo.yaml");
        nix::unistd::mkfifo(&p, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        let e = Failure::from(Update::open(&p).unwrap_err());
        assert_eq!(e.code, Code::CouldNotReadInput);
        assert!(e.message.contains("not a regular file (a FIFO)"), "{e}");
    }

    #[test]
    fn dropped_write_leaves_the_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.json");
        std::fs::write(&p, "a").unwrap();
        let mut u = Update::open(&p).unwrap();
        let r: Option<()> = u
            .commit_with(|w| {
                w.write_all(b"partial").unwrap();
                Ok(None)
            })
            .unwrap();
        assert!(r.is_none());
        assert_eq!(std::fs::read(&p).unwrap(), b"a");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn lock_is_held_until_drop_and_across_commits() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.env");
        std::fs::write(&p, "A=1\n").unwrap();
        let mut u = Update::open(&p).unwrap();
        let other = File::open(&p).unwrap();
        assert!(other.try_lock().is_err(), "locked while open");
        u.commit(b"A=2\n").unwrap();
        // The path names the new file now, which is locked too.
        let other = File::open(&p).unwrap();
        assert!(other.try_lock().is_err(), "the new file is locked");
        drop(u);
        assert!(other.try_lock().is_ok(), "released on drop");
    }

    #[test]
    fn extended_attributes_are_kept() {
        use xattr::FileExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.yaml");
        std::fs::write(&p, "a").unwrap();
        let f = File::open(&p).unwrap();
        if let Err(e) = f.set_xattr("user.veil.test", b"kept") {
            panic!("this test needs a file system with user extended attributes: {e}");
        }
        drop(f);
        let mut u = Update::open(&p).unwrap();
        u.commit(b"b").unwrap();
        drop(u);
        let f = File::open(&p).unwrap();
        assert_eq!(
            f.get_xattr("user.veil.test").unwrap().as_deref(),
            Some(&b"kept"[..])
        );
    }
}
