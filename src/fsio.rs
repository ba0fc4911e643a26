//! Reading inputs and writing outputs: `-` for stdin, in-place and `--output` writes through
//! [`Update`] (symlinks followed, an advisory lock from the read to the write, atomic rename,
//! owner, group, extended attributes and mode kept, stale temporary files of killed runs
//! removed), private directories for plaintext ([`private_dir`]), and escaping of untrusted
//! text for terminals.

use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Classify, Code, Result};
use crate::format::Kind;

mod private;
mod stale;
mod update;

pub use private::{PrivateDir, private_dir};
pub use stale::clean_dir as clean_stale_temps;
pub use update::{Update, resolve};

/// What went wrong reading or writing a file. Paths are escaped for terminals.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error("{path}: no such file")]
    NotFound { path: String },
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a regular file ({kind}); pass `-` to read standard input")]
    NotRegularInput { path: String, kind: &'static str },
    /// A file to change or to replace that is not a regular file.
    #[error("{path}: not a regular file ({kind})")]
    NotRegular {
        path: String,
        kind: &'static str,
        writing: bool,
    },
    #[error("--in-place needs a file, not standard input")]
    InPlaceStdin,
    #[error("{path}: cannot write: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot lock the file: {source}")]
    Lock {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the file keeps being replaced; giving up")]
    KeepsBeingReplaced { path: String },
    #[error("{path}: the file was created by another process meanwhile; it was not overwritten")]
    CreatedMeanwhile { path: String },
    #[error("cannot buffer the output: {source}")]
    Spool {
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create a private temporary directory in {dir}: {source}")]
    PrivateDir {
        dir: String,
        #[source]
        source: std::io::Error,
    },
}

impl Classify for FsError {
    fn code(&self) -> Code {
        match self {
            FsError::NotFound { .. } => Code::NoFile,
            FsError::Read { .. }
            | FsError::NotRegularInput { .. }
            | FsError::Lock { .. }
            | FsError::KeepsBeingReplaced { .. } => Code::CouldNotReadInput,
            FsError::NotRegular { writing: false, .. } => Code::CouldNotReadInput,
            FsError::NotRegular { writing: true, .. } => Code::CouldNotWriteOutput,
            FsError::InPlaceStdin => Code::ConflictingParameters,
            FsError::Write { .. }
            | FsError::CreatedMeanwhile { .. }
            | FsError::Spool { .. }
            | FsError::PrivateDir { .. } => Code::CouldNotWriteOutput,
        }
    }
}

/// Where the input comes from.
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    pub fn from_arg(file: Option<&Path>) -> Input {
        match file {
            None => Input::Stdin,
            Some(p) if p == Path::new("-") => Input::Stdin,
            Some(p) => Input::File(p.to_path_buf()),
        }
    }

    /// A name for messages.
    pub fn display(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".into(),
            Input::File(p) => sanitize(&p.display().to_string()),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::Stdin => None,
            Input::File(p) => Some(p),
        }
    }

    /// Reads the whole input. A path must name a regular file (after symlinks): a FIFO, a
    /// device or a directory is refused at once (exit 2) instead of blocking or reading
    /// without end; standard input is `-`.
    pub fn read(&self) -> std::result::Result<Vec<u8>, FsError> {
        match self {
            Input::Stdin => {
                let mut buf = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut buf)
                    .map_err(|source| FsError::Read {
                        path: "<stdin>".into(),
                        source,
                    })?;
                Ok(buf)
            }
            Input::File(p) => {
                let fail = |source: std::io::Error| {
                    if source.kind() == std::io::ErrorKind::NotFound {
                        FsError::NotFound {
                            path: self.display(),
                        }
                    } else {
                        FsError::Read {
                            path: self.display(),
                            source,
                        }
                    }
                };
                // O_NONBLOCK: opening a FIFO must not wait for a writer.
                let file = std::fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(nix::libc::O_NONBLOCK)
                    .open(p)
                    .map_err(fail)?;
                let meta = file.metadata().map_err(fail)?;
                if !meta.is_file() {
                    return Err(FsError::NotRegularInput {
                        path: self.display(),
                        kind: file_type_name(&meta),
                    });
                }
                let mut buf = Vec::with_capacity(meta.len() as usize);
                (&file).read_to_end(&mut buf).map_err(fail)?;
                Ok(buf)
            }
        }
    }
}

/// What a file that is not a regular file is, for messages.
fn file_type_name(m: &std::fs::Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "not a regular file"
    }
}

/// The format of a file: the explicit type, else detected from `name`.
pub fn kind_for(explicit: Option<Kind>, name: Option<&Path>) -> Kind {
    explicit.unwrap_or_else(|| name.map(Kind::from_path).unwrap_or(Kind::Binary))
}

/// Prefix and suffix of the temporary files of atomic writes (`.veil-<pid>-<random>.tmp`). A
/// process killed between the write and the rename leaves one behind (0600 until the instant
/// before the rename): it must never be taken for a file of the repository, and the next veil
/// that writes in that directory removes it.
pub const TEMP_PREFIX: &str = ".veil-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// Whether `path` names a temporary file of an atomic write (possibly a leftover).
pub fn is_temp_file(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n.starts_with(TEMP_PREFIX) && n.ends_with(TEMP_SUFFIX))
}

/// Writes `bytes` to `path` atomically, through its symlinks, under its lock (a file that is
/// not read first; see [`Update`] for a read–modify–write). An existing file keeps its owner,
/// group, extended attributes and mode; a new one is created 0600.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    Update::replace(path)?.commit(bytes)
}

/// Where a command's result goes.
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file, written atomically: the input itself (`-i`, read under the same lock) or
    /// `--output`.
    File(Update),
    /// An existing `--output` that is not a regular file (`/dev/stdout`, a FIFO, a terminal):
    /// written directly, as a whole, once the result is complete.
    Device(PathBuf),
}

/// Reads the input of a command that writes one result, and opens where the result goes:
/// `output`, else back to the input (`in_place`, or an `output` that is the input file),
/// else stdout. In place, the input is read under the lock the write is made under.
pub fn open_io(input: &Input, in_place: bool, output: Option<&Path>) -> Result<(Vec<u8>, Output)> {
    let same_file = match (output, input.path()) {
        (Some(o), Some(i)) => is_same_file(o, i),
        _ => false,
    };
    if in_place || same_file {
        let Some(path) = input.path() else {
            return Err(FsError::InPlaceStdin.into());
        };
        let mut update = Update::open(path)?;
        let bytes = update.take_bytes();
        return Ok((bytes, Output::File(update)));
    }
    let Some(out) = output else {
        return Ok((input.read()?, Output::Stdout));
    };
    let bytes = input.read()?;
    Ok((bytes, open_output(out)?))
}

/// Opens `out` for a result that is not the input's own file: a file (written atomically) or
/// a device.
pub fn open_output(out: &Path) -> Result<Output> {
    match std::fs::metadata(out) {
        Ok(m) if !m.is_file() && !m.is_dir() => Ok(Output::Device(out.to_path_buf())),
        _ => Ok(Output::File(Update::replace(out)?)),
    }
}

/// Whether two paths name the same existing file.
pub fn is_same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

impl Output {
    /// Writes the whole result.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        match self {
            Output::File(u) => u.commit(bytes),
            Output::Stdout => Ok(write_stdout(&mut std::io::Cursor::new(bytes))?),
            Output::Device(p) => Ok(write_device(p, &mut std::io::Cursor::new(bytes))?),
        }
    }

    /// Writes a result produced piece by piece (streaming encryption): `write` answers `Some`
    /// to publish what it wrote, `None` to drop it (nothing is published). A file target is
    /// written atomically; for stdout or a device the result is held back until `write`
    /// succeeds — in memory, or past a few MB in an unlinked temporary file — so that a
    /// failure never leaves part of a file there.
    pub fn write_with<T>(
        &mut self,
        write: impl FnOnce(&mut dyn Write) -> Result<Option<T>>,
    ) -> Result<Option<T>> {
        if let Output::File(u) = self {
            return u.commit_with(write);
        }
        let fail = |source: std::io::Error| FsError::Spool { source };
        let mut spool = tempfile::SpooledTempFile::new(STDOUT_SPOOL);
        let mut buffered = std::io::BufWriter::new(&mut spool);
        let Some(result) = write(&mut buffered)? else {
            return Ok(None);
        };
        buffered.flush().map_err(fail)?;
        drop(buffered);
        use std::io::Seek;
        spool.rewind().map_err(fail)?;
        match self {
            Output::Device(p) => write_device(p, &mut spool)?,
            _ => write_stdout(&mut spool)?,
        }
        Ok(Some(result))
    }
}

fn write_stdout(from: &mut dyn std::io::Read) -> std::result::Result<(), FsError> {
    let mut out = std::io::stdout().lock();
    match std::io::copy(from, &mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`veil decrypt f | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(FsError::Write {
            path: "<stdout>".into(),
            source,
        }),
    }
}

fn write_device(path: &Path, from: &mut dyn std::io::Read) -> std::result::Result<(), FsError> {
    let fail = |source: std::io::Error| FsError::Write {
        path: sanitize(&path.display().to_string()),
        source,
    };
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(fail)?;
    match std::io::copy(from, &mut f).and_then(|_| f.flush()) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(fail(e)),
    }
}

/// Output held in memory up to this size before it goes to an unlinked temporary file.
const STDOUT_SPOOL: usize = 8 << 20;

/// Escapes control characters so that untrusted text (paths, messages) cannot drive a terminal.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && c != '\t' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_regular_inputs_are_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("in.yaml");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        for (path, what) in [
            (fifo.as_path(), "a FIFO"),
            (dir.path(), "a directory"),
            (Path::new("/dev/zero"), "a character device"),
        ] {
            let e =
                crate::error::Failure::from(Input::File(path.to_path_buf()).read().unwrap_err());
            assert_eq!(e.code, Code::CouldNotReadInput, "{e}");
            assert!(
                e.message.contains(&format!("not a regular file ({what})")),
                "{e}"
            );
            assert!(
                e.message
                    .starts_with(&sanitize(&path.display().to_string()))
            );
        }
        let e = crate::error::Failure::from(
            Input::File(dir.path().join("missing")).read().unwrap_err(),
        );
        assert_eq!(e.code, Code::NoFile);
    }

    #[test]
    fn output_that_is_the_input_is_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.yaml");
        std::fs::write(&p, "a: 1\n").unwrap();
        let link = dir.path().join("l.yaml");
        std::os::unix::fs::symlink("f.yaml", &link).unwrap();
        let (bytes, out) = open_io(&Input::File(p.clone()), false, Some(&link)).unwrap();
        assert_eq!(bytes, b"a: 1\n");
        assert!(matches!(out, Output::File(ref u) if u.exists()));
        // Its lock is held: the input was read under the lock of the write.
        assert!(std::fs::File::open(&p).unwrap().try_lock().is_err());
    }

    #[test]
    fn sanitize_escapes_controls() {
        assert_eq!(sanitize("a\x1b[31mb\n"), "a\\u{1b}[31mb\\n");
    }
}

#[cfg(test)]
mod error_tests {
    use super::*;
    use crate::error::Failure;

    /// The exit code comes from the error's variant, and the I/O error stays its source.
    #[test]
    fn failures_keep_their_class_and_source() {
        let missing = Input::File(PathBuf::from("/nonexistent/veil-test/x.yaml"));
        let f: Failure = missing.read().unwrap_err().into();
        assert_eq!(f.code, Code::NoFile);
        assert_eq!(f.message, "/nonexistent/veil-test/x.yaml: no such file");
        let dir = tempfile::tempdir().unwrap();
        let f: Failure = Input::File(dir.path().to_path_buf())
            .read()
            .unwrap_err()
            .into();
        assert_eq!(f.code, Code::CouldNotReadInput);
        assert!(f.message.contains("a directory"), "{}", f.message);
        let f: Failure = Update::replace(dir.path()).err().unwrap().into();
        assert_eq!(f.code, Code::CouldNotWriteOutput);
        let unreadable = FsError::Read {
            path: "x".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        let f: Failure = unreadable.into();
        assert_eq!(f.code, Code::CouldNotReadInput);
        let source = std::error::Error::source(&f).expect("the FsError is kept");
        assert!(
            std::error::Error::source(source).is_some(),
            "and its io::Error"
        );
    }
}
