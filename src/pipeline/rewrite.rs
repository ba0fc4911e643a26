//! Opening an encrypted file for a change and writing it back: shared by `set`, `unset`, `edit`,
//! `rotate` and `updatekeys`. The file is locked from the read to the write (through its
//! symlinks, see [`Update`]), writes are atomic, and a change that changes nothing leaves the
//! file byte-identical.

use std::path::{Path, PathBuf};

use crate::error::{Code, Failure, Result};
use crate::format::Kind;
use crate::fsio::{Update, kind_for};
use crate::pipeline::whole::{self, Opened};

/// An encrypted file, decrypted in memory.
pub struct OpenFile {
    pub path: PathBuf,
    pub kind: Kind,
    /// The bytes as read (to tell whether a write changes anything).
    pub original: Vec<u8>,
    pub opened: Opened,
    /// The lock, held until the file is dropped, and the way to write it.
    update: Update,
}

impl OpenFile {
    pub fn name(&self) -> String {
        crate::fsio::sanitize(&self.path.display().to_string())
    }

    /// Prefixes a failure with the file name.
    pub fn fail(&self, f: Failure) -> Failure {
        Failure::new(f.code, format!("{}: {}", self.name(), f.message))
    }
}

/// Locks, reads and decrypts `path` with the identities of the environment. The lock is held
/// until the returned file is dropped.
pub fn open_file(
    path: &Path,
    input_type: Option<Kind>,
    keys: &dyn crate::keys::groups::KeySource,
) -> Result<OpenFile> {
    open_update(Update::open(path)?, path, input_type, keys)
}

/// [`open_file`], without failing on a MAC that does not match when `ignore_mac` (the file's
/// MAC is then computed anew when it is written).
pub fn open_file_with(
    path: &Path,
    input_type: Option<Kind>,
    keys: &dyn crate::keys::groups::KeySource,
    ignore_mac: bool,
) -> Result<OpenFile> {
    open_update_with(Update::open(path)?, path, input_type, keys, ignore_mac)
}

/// [`open_file`] of a file already opened (and locked) for a change.
pub fn open_update(
    update: Update,
    path: &Path,
    input_type: Option<Kind>,
    keys: &dyn crate::keys::groups::KeySource,
) -> Result<OpenFile> {
    open_update_with(update, path, input_type, keys, false)
}

/// [`open_update`], with [`open_file_with`]'s `ignore_mac`.
pub fn open_update_with(
    mut update: Update,
    path: &Path,
    input_type: Option<Kind>,
    keys: &dyn crate::keys::groups::KeySource,
    ignore_mac: bool,
) -> Result<OpenFile> {
    let original = update.take_bytes();
    let kind = kind_for(input_type, Some(path));
    let store = kind.reading_store();
    let opened = whole::open_file_bytes(store, original.clone(), keys, ignore_mac, true)
        .map_err(|f| Failure::new(f.code, format!("{}: {}", update.display(), f.message)))?;
    whole::auth_notice(&update.display(), opened.auth);
    Ok(OpenFile {
        path: path.to_path_buf(),
        kind,
        original,
        opened,
        update,
    })
}

/// Re-encrypts an opened file with its data key (unchanged values keep their ciphertext) and
/// returns the new bytes.
pub fn reseal(file: &mut OpenFile, restructured: bool) -> Result<Vec<u8>> {
    reseal_as(file, restructured, None)
}

/// [`reseal`] written as `out_kind` (default: the file's own format, losslessly).
pub fn reseal_as(
    file: &mut OpenFile,
    restructured: bool,
    out_kind: Option<Kind>,
) -> Result<Vec<u8>> {
    let o = &mut file.opened;
    let rule = o
        .meta
        .selection_rule()
        .map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
    // An encrypted binary file is JSON: it is rewritten losslessly as JSON.
    let out_kind = out_kind.unwrap_or(o.store.kind());
    let bytes = whole::seal(
        o.store,
        &mut o.doc,
        &o.key,
        o.meta.clone(),
        &rule,
        whole::SealOptions::keeping(&o.ivs, &o.mac, out_kind).restructured(restructured),
    );
    bytes.map_err(|f| file.fail(f))
}

/// Writes `bytes` over the file (through its lock) unless they are what it already holds.
/// Returns whether it wrote.
pub fn write_back(file: &mut OpenFile, bytes: &[u8]) -> Result<bool> {
    if bytes == file.original.as_slice() {
        return Ok(false);
    }
    file.update.commit(bytes)?;
    file.original = bytes.to_vec();
    Ok(true)
}

/// The file must exist (for commands that change keys of an existing file).
pub fn require_existing(path: &Path) -> Result<()> {
    if path.exists() {
        Ok(())
    } else {
        Err(Failure::new(
            Code::NoFile,
            format!(
                "{}: no such file",
                crate::fsio::sanitize(&path.display().to_string())
            ),
        ))
    }
}
