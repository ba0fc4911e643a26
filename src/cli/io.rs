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

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename.
/// An existing file keeps its permissions; a new one is created 0600.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |e: std::io::Error| {
        Failure::new(
            Code::CouldNotWriteOutput,
            format!(
                "{}: cannot write: {e}",
                sanitize(&path.display().to_string())
            ),
        )
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".veil-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
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
    Ok(())
}

/// Writes the result: to `output`, or back to the input (`in_place`), or to stdout.
pub fn emit(bytes: &[u8], in_place: bool, output: Option<&Path>, input: &Input) -> Result<()> {
    if let Some(out) = output {
        return write_atomic(out, bytes);
    }
    if in_place {
        return match input.path() {
            Some(p) => write_atomic(p, bytes),
            None => Err(Failure::new(
                Code::ConflictingParameters,
                "--in-place needs a file, not standard input",
            )),
        };
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`veil decrypt f | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(
            Code::CouldNotWriteOutput,
            format!("<stdout>: cannot write: {e}"),
        )),
    }
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
