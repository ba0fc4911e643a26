//! Reading inputs and writing outputs: `-` for stdin, atomic in-place writes (temporary file in
//! the same directory, fsync, rename, mode kept), and escaping of untrusted text for terminals.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Code, Failure, Result};
use crate::format::Kind;

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

    pub fn read(&self) -> Result<Vec<u8>> {
        match self {
            Input::Stdin => {
                let mut buf = Vec::new();
                std::io::stdin().read_to_end(&mut buf).map_err(|e| {
                    Failure::new(
                        Code::CouldNotReadInput,
                        format!("<stdin>: cannot read: {e}"),
                    )
                })?;
                Ok(buf)
            }
            Input::File(p) => std::fs::read(p).map_err(|e| {
                let code = if e.kind() == std::io::ErrorKind::NotFound {
                    Code::NoFile
                } else {
                    Code::CouldNotReadInput
                };
                let what = if e.kind() == std::io::ErrorKind::NotFound {
                    "no such file".to_string()
                } else {
                    format!("cannot read: {e}")
                };
                Failure::new(code, format!("{}: {what}", self.display()))
            }),
        }
    }
}

/// The format of a file: the explicit type, else detected from `name`.
pub fn kind_for(explicit: Option<Kind>, name: Option<&Path>) -> Kind {
    explicit.unwrap_or_else(|| name.map(Kind::from_path).unwrap_or(Kind::Binary))
}

/// Prefix and suffix of the temporary files of [`write_atomic`]. A process killed between the
/// write and the rename leaves one behind: it must never be taken for a file of the repository.
pub const TEMP_PREFIX: &str = ".veil-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// Whether `path` names a temporary file of [`write_atomic`] (possibly a leftover).
pub fn is_temp_file(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n.starts_with(TEMP_PREFIX) && n.ends_with(TEMP_SUFFIX))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename.
/// An existing file keeps its permissions; a new one is created 0600.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| {
        w.write_all(bytes).map_err(|e| write_failure(path, e))?;
        Ok(Some(()))
    })
    .map(|_| ())
}

fn write_failure(path: &Path, e: std::io::Error) -> Failure {
    Failure::new(
        Code::CouldNotWriteOutput,
        format!(
            "{}: cannot write: {e}",
            sanitize(&path.display().to_string())
        ),
    )
}

/// [`write_atomic`] for a writer that produces the file piece by piece: `write` answers
/// `Some` to keep what it wrote, `None` to drop it (the file is left untouched).
fn write_atomic_with<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<Option<T>>,
) -> Result<Option<T>> {
    let fail = |e: std::io::Error| write_failure(path, e);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(&dir)
        .map_err(fail)?;
    let mut buffered = std::io::BufWriter::new(tmp.as_file());
    let Some(result) = write(&mut buffered)? else {
        return Ok(None);
    };
    buffered.flush().map_err(fail)?;
    drop(buffered);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o600);
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))
            .map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    // Make the rename durable.
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(Some(result))
}

/// Where a result goes: `output`, else back to the input (`in_place`), else stdout.
fn target<'a>(
    in_place: bool,
    output: Option<&'a Path>,
    input: &'a Input,
) -> Result<Option<&'a Path>> {
    if output.is_some() {
        return Ok(output);
    }
    if in_place {
        return match input.path() {
            Some(p) => Ok(Some(p)),
            None => Err(Failure::new(
                Code::ConflictingParameters,
                "--in-place needs a file, not standard input",
            )),
        };
    }
    Ok(None)
}

/// Writes the result: to `output`, or back to the input (`in_place`), or to stdout.
pub fn emit(bytes: &[u8], in_place: bool, output: Option<&Path>, input: &Input) -> Result<()> {
    match target(in_place, output, input)? {
        Some(path) => write_atomic(path, bytes),
        None => write_stdout(&mut std::io::Cursor::new(bytes)),
    }
}

fn write_stdout(from: &mut dyn std::io::Read) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match std::io::copy(from, &mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`veil decrypt f | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(
            Code::CouldNotWriteOutput,
            format!("<stdout>: cannot write: {e}"),
        )),
    }
}

/// Output held in memory up to this size before it goes to an unlinked temporary file.
const STDOUT_SPOOL: usize = 8 << 20;

/// [`emit`] for a writer that produces the result piece by piece (streaming encryption):
/// `write` answers `Some` to publish what it wrote, `None` to drop it (nothing is published).
/// A file target is written atomically; for stdout the result is held back until `write`
/// succeeds — in memory, or past a few MB in an unlinked temporary file — so that a failure
/// never leaves part of a file on stdout.
pub fn emit_with<T>(
    in_place: bool,
    output: Option<&Path>,
    input: &Input,
    write: impl FnOnce(&mut dyn Write) -> Result<Option<T>>,
) -> Result<Option<T>> {
    if let Some(path) = target(in_place, output, input)? {
        return write_atomic_with(path, write);
    }
    let fail = |e: std::io::Error| {
        Failure::new(
            Code::CouldNotWriteOutput,
            format!("<stdout>: cannot buffer the output: {e}"),
        )
    };
    let mut spool = tempfile::SpooledTempFile::new(STDOUT_SPOOL);
    let mut buffered = std::io::BufWriter::new(&mut spool);
    let Some(result) = write(&mut buffered)? else {
        return Ok(None);
    };
    buffered.flush().map_err(fail)?;
    drop(buffered);
    use std::io::Seek;
    spool.rewind().map_err(fail)?;
    write_stdout(&mut spool)?;
    Ok(Some(result))
}

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
    fn atomic_write_keeps_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.yaml");
        std::fs::write(&p, "a").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"b").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"b");
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn sanitize_escapes_controls() {
        assert_eq!(sanitize("a\x1b[31mb\n"), "a\\u{1b}[31mb\\n");
    }
}
