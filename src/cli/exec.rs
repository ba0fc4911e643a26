//! `veil exec-env` and `veil exec-file`: the CI decryption step. The plaintext goes to a child
//! process (environment variables, or a FIFO / private temporary file on tmpfs), never to the
//! working tree. The child does not get veil's identity variables (`SOPS_AGE_KEY`, …) unless
//! `--keep-key-env`: it needs the file's values, not the keys to every file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Args;

use crate::error::{Code, Failure, Result};
use crate::format::{Kind, write_lossless};
use crate::fsio::{Input, kind_for};
use crate::pipeline::tree::{Entry, Node, Scalar};

#[derive(Debug, Args)]
pub struct ExecEnvArgs {
    /// The encrypted file (its top-level entries become environment variables)
    pub file: PathBuf,
    /// The command, run with /bin/sh -c
    pub command: String,
    /// Do not inherit the environment of veil
    #[arg(long)]
    pub pristine: bool,
    /// Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the command
    #[arg(long)]
    pub keep_key_env: bool,
    /// Format of the file (default: from the extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
}

#[derive(Debug, Args)]
pub struct ExecFileArgs {
    /// The encrypted file
    pub file: PathBuf,
    /// The command, run with /bin/sh -c; `{}` is replaced by the path of the decrypted file
    pub command: String,
    /// Write a regular file (0600, removed afterwards) instead of a FIFO
    #[arg(long)]
    pub no_fifo: bool,
    /// Name of the decrypted file inside its private directory
    #[arg(long, default_value = "tmp-file")]
    pub filename: String,
    /// Format of the file (default: from the extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
    /// Format of the decrypted file (default: the input's)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub output_type: Option<Kind>,
    /// Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the command
    #[arg(long)]
    pub keep_key_env: bool,
}

/// Whether an environment variable carries an identity (a secret key, or where to read or how
/// to produce one): `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`, `SOPS_AGE_KEY_CMD`,
/// `SOPS_AGE_SSH_PRIVATE_KEY_FILE`, `SOPS_AGE_SSH_PRIVATE_KEY_CMD` — and any later variable of
/// those families.
pub fn is_key_variable(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with("SOPS_AGE_KEY") || name.starts_with("SOPS_AGE_SSH_PRIVATE_KEY")
}

/// Removes the identity variables of veil's environment from a child's.
pub fn remove_key_env(cmd: &mut Command) {
    for (name, _) in std::env::vars_os() {
        if is_key_variable(&name) {
            cmd.env_remove(name);
        }
    }
}

fn open(file: &Path, input_type: Option<Kind>) -> Result<(crate::pipeline::whole::Opened, Kind)> {
    let input = Input::File(file.to_path_buf());
    let src = input.read()?;
    let kind = kind_for(input_type, Some(file));
    let keys = crate::keys::identities::from_process();
    let opened = crate::pipeline::whole::open(kind.reading_store(), src, &keys, false)
        .map_err(|f| Failure::new(f.code, format!("{}: {}", input.display(), f.message)))?;
    Ok((opened, kind))
}

fn exit_with(status: std::process::ExitStatus) -> Result<()> {
    match status.code() {
        Some(0) => Ok(()),
        Some(code) => std::process::exit(code),
        None => std::process::exit(128 + 1),
    }
}

pub fn run_env(args: ExecEnvArgs) -> Result<()> {
    let (opened, _) = open(&args.file, args.input_type)?;
    let root = opened
        .doc
        .docs
        .first()
        .ok_or_else(|| Failure::new(Code::Generic, "the file has no document"))?;
    let Node::Map(entries) = root.resolved() else {
        return Err(Failure::new(Code::Generic, "the file is not a mapping"));
    };
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c").arg(&args.command);
    if args.pristine {
        cmd.env_clear();
    } else if !args.keep_key_env {
        remove_key_env(&mut cmd);
    }
    for e in entries {
        let Entry::Pair(k, v) = e else { continue };
        if k.contains('=') || k.is_empty() {
            return Err(Failure::new(
                Code::Generic,
                format!("key {k:?} cannot be an environment variable name"),
            ));
        }
        let value = match v.resolved() {
            Node::Scalar(l) => match &l.value {
                Scalar::Str(s) | Scalar::Time(s) => s.clone(),
                Scalar::Bool(b) => b.to_string(),
                other => String::from_utf8_lossy(&other.canonical_bytes()).into_owned(),
            },
            Node::Null => String::new(),
            _ => {
                return Err(Failure::new(
                    Code::Generic,
                    format!(
                        "the value of {k:?} is not a scalar and cannot be an environment variable"
                    ),
                ));
            }
        };
        cmd.env(k, value);
    }
    let status = cmd
        .status()
        .map_err(|e| Failure::new(Code::Generic, format!("cannot run /bin/sh: {e}")))?;
    exit_with(status)
}

pub fn run_file(args: ExecFileArgs) -> Result<()> {
    if args.filename.contains('/') || args.filename == ".." || args.filename.is_empty() {
        return Err(Failure::new(
            Code::ConflictingParameters,
            "--filename must be a plain file name",
        ));
    }
    let (mut opened, kind) = open(&args.file, args.input_type)?;
    let out_kind = args.output_type.unwrap_or(kind);
    let bytes = zeroize::Zeroizing::new(if out_kind == opened.store.kind() {
        write_lossless(opened.store, &opened.doc, None, &mut opened.layout)
    } else {
        out_kind
            .store()
            .emit(&opened.doc.docs, None)
            .map_err(|e| Failure::new(Code::Generic, e.to_string()))?
    });
    // A FIFO holds no data on disk; a regular file (--no-fifo) is plaintext: on tmpfs, or
    // veil says where.
    let dir = crate::fsio::private_dir("the file for the command", args.no_fifo)?;
    let path = dir.path().join(&args.filename);
    let command = args.command.replace("{}", &path.to_string_lossy());
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c").arg(&command);
    if !args.keep_key_env {
        remove_key_env(&mut cmd);
    }
    let status = if args.no_fifo {
        let mut f = {
            let mut o = std::fs::OpenOptions::new();
            o.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o600);
            }
            o.open(&path)
                .map_err(|e| Failure::new(Code::CouldNotWriteOutput, e.to_string()))?
        };
        f.write_all(&bytes)
            .map_err(|e| Failure::new(Code::CouldNotWriteOutput, e.to_string()))?;
        drop(f);
        cmd.status()
    } else {
        nix::unistd::mkfifo(&path, nix::sys::stat::Mode::from_bits_truncate(0o600)).map_err(
            |e| {
                Failure::new(
                    Code::CouldNotWriteOutput,
                    format!("cannot create a FIFO: {e}"),
                )
            },
        )?;
        let mut child = cmd
            .spawn()
            .map_err(|e| Failure::new(Code::Generic, format!("cannot run /bin/sh: {e}")))?;
        let fifo = path.clone();
        let data = bytes.clone();
        let writer = std::thread::spawn(move || {
            if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&fifo) {
                let _ = f.write_all(&data);
            }
        });
        let status = child.wait();
        if !writer.is_finished() {
            // The command never read the FIFO: open it for reading once to release the writer.
            use std::os::unix::fs::OpenOptionsExt;
            let _ = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
                .open(&path);
        }
        let _ = writer.join();
        status
    };
    let status =
        status.map_err(|e| Failure::new(Code::Generic, format!("cannot run /bin/sh: {e}")))?;
    drop(dir);
    exit_with(status)
}
