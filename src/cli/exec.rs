//! `veil exec-env` and `veil exec-file`: the CI decryption step. The plaintext goes to a child
//! process (environment variables, or a FIFO / private temporary file), never to the working tree.

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
    /// Format of the file (default: from the extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
    /// Start the command and exit at once, without waiting for it
    #[arg(long, conflicts_with = "same_process")]
    pub background: bool,
    /// Run the command as this user (needs root)
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Replace veil with the command instead of running it as a child
    #[arg(long)]
    pub same_process: bool,
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
    /// Start the command and exit once it has read the file, without waiting for it to end (the
    /// file is removed when it ends)
    #[arg(long)]
    pub background: bool,
    /// Run the command as this user (needs root)
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
}

fn open(file: &Path, input_type: Option<Kind>) -> Result<(crate::pipeline::whole::Opened, Kind)> {
    let input = Input::File(file.to_path_buf());
    let src = input.read()?;
    let kind = kind_for(input_type, Some(file));
    let keys = crate::keys::from_process();
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
    super::child::as_user(&mut cmd, args.user.as_deref())?;
    if args.same_process {
        return Err(super::child::exec_in_place(cmd));
    }
    if args.background {
        return super::child::spawn_detached(cmd).map(drop);
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
    let dir = tempfile::Builder::new()
        .prefix("veil-exec-")
        .tempdir()
        .map_err(|e| Failure::new(Code::CouldNotWriteOutput, e.to_string()))?;
    let path = dir.path().join(&args.filename);
    let command = args.command.replace("{}", &path.to_string_lossy());
    let mut cmd = if args.background {
        super::child::cleanup_after(&command, dir.path())
    } else {
        let mut c = Command::new("/bin/sh");
        c.arg("-c").arg(&command);
        c
    };
    super::child::as_user(&mut cmd, args.user.as_deref())?;
    if args.user.is_some() {
        // The other user must reach the file: the directory is theirs to enter, the file theirs.
        chown_for(dir.path(), args.user.as_deref())?;
    }
    if args.background {
        return background_file(cmd, dir, &path, &bytes, args.no_fifo, args.user.as_deref());
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
        chown_for(&path, args.user.as_deref())?;
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
        chown_for(&path, args.user.as_deref())?;
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
        // The command never read the FIFO: release the writer.
        super::child::release_fifo(&path, &writer);
        let _ = writer.join();
        status
    };
    let status =
        status.map_err(|e| Failure::new(Code::Generic, format!("cannot run /bin/sh: {e}")))?;
    drop(dir);
    exit_with(status)
}

/// Gives `path` to `user` (for `exec-file --user`).
fn chown_for(path: &Path, user: Option<&str>) -> Result<()> {
    let Some(name) = user else { return Ok(()) };
    let u = match name.parse::<u32>() {
        Ok(uid) => nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)),
        Err(_) => nix::unistd::User::from_name(name),
    }
    .ok()
    .flatten()
    .ok_or_else(|| Failure::new(Code::Generic, format!("--user {name}: no such user")))?;
    nix::unistd::chown(path, Some(u.uid), Some(u.gid)).map_err(|e| {
        Failure::new(
            Code::CouldNotWriteOutput,
            format!("cannot give the file to {name}: {e}"),
        )
    })
}

/// `exec-file --background`: the command is started, veil waits only until it has the file (the
/// FIFO read, or the regular file written), then exits; the directory is removed when the
/// command ends.
fn background_file(
    cmd: Command,
    dir: tempfile::TempDir,
    path: &Path,
    bytes: &[u8],
    no_fifo: bool,
    user: Option<&str>,
) -> Result<()> {
    let fail = |e: std::io::Error| Failure::new(Code::CouldNotWriteOutput, e.to_string());
    if no_fifo {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let mut f = o.open(path).map_err(fail)?;
        f.write_all(bytes).map_err(fail)?;
        drop(f);
        chown_for(path, user)?;
        let dir = dir.keep();
        if let Err(e) = super::child::spawn_detached(cmd) {
            let _ = std::fs::remove_dir_all(dir);
            return Err(e);
        }
        return Ok(());
    }
    nix::unistd::mkfifo(path, nix::sys::stat::Mode::from_bits_truncate(0o600)).map_err(|e| {
        Failure::new(
            Code::CouldNotWriteOutput,
            format!("cannot create a FIFO: {e}"),
        )
    })?;
    chown_for(path, user)?;
    let dir = dir.keep();
    let mut child = match super::child::spawn_detached(cmd) {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    };
    let fifo = path.to_path_buf();
    let data = zeroize::Zeroizing::new(bytes.to_vec());
    let writer = std::thread::spawn(move || {
        if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&fifo) {
            let _ = f.write_all(&data);
        }
    });
    // Until the command has read the file, or has ended without reading it.
    loop {
        if writer.is_finished() {
            break;
        }
        if let Ok(Some(_)) = child.try_wait() {
            super::child::release_fifo(path, &writer);
            let _ = std::fs::remove_dir_all(&dir);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // A writer still blocked (the FIFO went with its directory) ends with the process.
    if writer.is_finished() {
        let _ = writer.join();
    }
    Ok(())
}
