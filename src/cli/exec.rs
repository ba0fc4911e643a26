//! `veil exec-env` and `veil exec-file`: the CI decryption step. The plaintext goes to a child
//! process (environment variables, or a FIFO / private temporary file on tmpfs), never to the
//! working tree. The child does not get veil's identity variables (`SOPS_AGE_KEY`, …) unless
//! `--keep-key-env`: it needs the file's values, not the keys to every file.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Args;

use crate::error::{Code, Failure, Result};
use crate::format::{Kind, write_lossless};
use crate::fsio::{Input, kind_for};
use crate::pipeline::tree::{Entry, Node, Scalar};

#[derive(Debug, Args)]
#[command(
    after_help = "With several files, a later file's key overrides an earlier one's (veil warns, naming each). \
The child gets the signals sent to veil; its exit status is veil's (128+N when signal N ended it)."
)]
pub struct ExecEnvArgs {
    /// The encrypted files (their top-level entries become environment variables), then `--`
    /// and the command with its arguments. The form `veil exec-env FILE 'CMD'` runs CMD with
    /// /bin/sh -c
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The command and its arguments, after `--` (run as given, without a shell)
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<OsString>,
    /// Do not inherit the environment of veil
    #[arg(long)]
    pub pristine: bool,
    /// Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the command
    #[arg(long)]
    pub keep_key_env: bool,
    /// Format of the files (default: from each extension)
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
#[command(
    after_help = "With several files, they are merged into one document: a later file's top-level key \
overrides an earlier one's (veil warns, naming each). The child gets the signals sent to veil; its exit \
status is veil's (128+N when signal N ended it); the private file is removed in every case."
)]
pub struct ExecFileArgs {
    /// The encrypted files, then `--` and the command with its arguments, where `{}` is replaced
    /// by the path of the decrypted file. The form `veil exec-file FILE 'CMD {}'` runs CMD with
    /// /bin/sh -c
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The command and its arguments, after `--` (run as given, without a shell)
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<OsString>,
    /// Write a regular file (0600, removed afterwards) instead of a FIFO
    #[arg(long)]
    pub no_fifo: bool,
    /// Name of the decrypted file inside its private directory
    #[arg(long, default_value = "tmp-file")]
    pub filename: String,
    /// Format of the files (default: from each extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
    /// Format of the decrypted file (default: the first input's)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub output_type: Option<Kind>,
    /// Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the command
    #[arg(long)]
    pub keep_key_env: bool,
    /// Start the command and exit once it has read the file, without waiting for it to end (the
    /// file is removed when it ends)
    #[arg(long)]
    pub background: bool,
    /// Run the command as this user (needs root)
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
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

/// What to run: the files, and the command either as argv (after `--`) or as a shell command
/// (the older two-argument form).
struct Invocation {
    files: Vec<PathBuf>,
    argv: Vec<OsString>,
    shell: bool,
}

fn invocation(what: &str, mut files: Vec<PathBuf>, command: Vec<OsString>) -> Result<Invocation> {
    if !command.is_empty() {
        return Ok(Invocation {
            files,
            argv: command,
            shell: false,
        });
    }
    let usage = format!("give the command after `--`: veil {what} FILE... -- CMD ARGS");
    if files.len() != 2 {
        return Err(Failure::new(Code::ConflictingParameters, usage));
    }
    let cmd = files.pop().expect("two arguments");
    // `veil exec-env a.yaml b.env` without `--`: b.env is a file to read, not a command.
    if cmd.is_file()
        && std::fs::read(&cmd)
            .is_ok_and(|src| crate::git::attributes::is_encrypted(Kind::from_path(&cmd), src))
    {
        return Err(Failure::new(Code::ConflictingParameters, usage));
    }
    Ok(Invocation {
        files,
        argv: vec![cmd.into_os_string()],
        shell: true,
    })
}

impl Invocation {
    /// The command, with `{}` in each argument replaced by `path` when given.
    fn command(&self, path: Option<&Path>) -> Command {
        let subst = |a: &OsString| match (path, a.to_str()) {
            (Some(p), Some(s)) if s.contains("{}") => {
                OsString::from(s.replace("{}", &p.to_string_lossy()))
            }
            _ => a.clone(),
        };
        let argv: Vec<OsString> = self.argv.iter().map(subst).collect();
        if self.shell {
            let mut cmd = Command::new("/bin/sh");
            cmd.arg("-c").args(&argv);
            cmd
        } else {
            let mut cmd = Command::new(&argv[0]);
            cmd.args(&argv[1..]);
            cmd
        }
    }

    fn program(&self) -> String {
        if self.shell {
            "/bin/sh".into()
        } else {
            crate::fsio::sanitize(&self.argv[0].to_string_lossy())
        }
    }
}

/// The top-level entries of several decrypted files, a later file's key replacing an earlier
/// one's in place; each override is reported on stderr (key and file names only).
fn merge_top_level(opened: &[(Node, String)]) -> Result<Vec<(String, Node)>> {
    let mut out: Vec<(String, Node)> = Vec::new();
    let mut from: Vec<usize> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, (root, name)) in opened.iter().enumerate() {
        let Node::Map(entries) = root.resolved() else {
            return Err(Failure::new(
                Code::Generic,
                format!("{name}: the file is not a mapping"),
            ));
        };
        for e in entries {
            let Entry::Pair(k, v) = e else { continue };
            match at.get(k).copied() {
                Some(p) if from[p] != i => {
                    eprintln!(
                        "veil: {} from {name} overrides the value from {}",
                        crate::fsio::sanitize(k),
                        opened[from[p]].1
                    );
                    out[p].1 = v.resolved().clone();
                    from[p] = i;
                }
                Some(p) => out[p].1 = v.resolved().clone(),
                None => {
                    at.insert(k.clone(), out.len());
                    out.push((k.clone(), v.resolved().clone()));
                    from.push(i);
                }
            }
        }
    }
    Ok(out)
}

/// Reads and decrypts one file with the identities found once for all files (a passphrase is
/// asked once).
fn open(
    file: &Path,
    input_type: Option<Kind>,
    keys: &dyn crate::keys::groups::KeySource,
) -> Result<(crate::pipeline::whole::Opened, Kind)> {
    let input = Input::File(file.to_path_buf());
    let src = input.read()?;
    let kind = kind_for(input_type, Some(file));
    let opened = crate::pipeline::whole::open(kind.reading_store(), src, keys, false)
        .map_err(|f| Failure::new(f.code, format!("{}: {}", input.display(), f.message)))?;
    crate::pipeline::whole::auth_notice(&input.display(), opened.auth);
    Ok((opened, kind))
}

/// Passes the child's status on as veil's (after everything veil owns is cleaned up).
fn exit_with(status: std::process::ExitStatus) -> Result<()> {
    match super::child::exit_code(status) {
        0 => Ok(()),
        code => std::process::exit(code),
    }
}

pub fn run_env(args: ExecEnvArgs) -> Result<()> {
    let inv = invocation("exec-env", args.files, args.command)?;
    let keys = crate::keys::from_process();
    let mut opened = Vec::new();
    for file in &inv.files {
        let (o, _) = open(file, args.input_type, &keys)?;
        let root = o
            .doc
            .docs
            .into_iter()
            .next()
            .ok_or_else(|| Failure::new(Code::Generic, "the file has no document"))?;
        opened.push((root, crate::fsio::sanitize(&file.display().to_string())));
    }
    let entries = merge_top_level(&opened)?;
    drop(opened);
    let mut cmd = inv.command(None);
    if args.pristine {
        cmd.env_clear();
    } else if !args.keep_key_env {
        remove_key_env(&mut cmd);
    }
    for (k, v) in &entries {
        if k.contains('=') || k.is_empty() {
            return Err(Failure::new(
                Code::Generic,
                format!("key {k:?} cannot be an environment variable name"),
            ));
        }
        let value = match v {
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
    drop(entries);
    super::child::as_user(&mut cmd, args.user.as_deref())?;
    if args.same_process {
        return Err(super::child::exec_in_place(cmd));
    }
    if args.background {
        return super::child::spawn_detached(cmd).map(drop);
    }
    let (status, ()) = super::child::run(&mut cmd, &inv.program(), |_| ())?;
    exit_with(status)
}

/// The decrypted file to hand over: one file as it was written (lossless), several merged into
/// one document of the output format.
fn decrypted(
    files: &[PathBuf],
    input_type: Option<Kind>,
    output_type: Option<Kind>,
) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    let emit = |kind: Kind, docs: &[Node]| {
        kind.store()
            .emit(docs, None)
            .map_err(|e| Failure::new(Code::Generic, e.to_string()))
    };
    let keys = crate::keys::from_process();
    if let [file] = files {
        let (mut opened, kind) = open(file, input_type, &keys)?;
        let out_kind = output_type.unwrap_or(kind);
        return Ok(zeroize::Zeroizing::new(
            if out_kind == opened.store.kind() {
                write_lossless(opened.store, &opened.doc, None, &mut opened.layout)
            } else {
                emit(out_kind, &opened.doc.docs)?
            },
        ));
    }
    let mut roots = Vec::new();
    let mut first_kind = None;
    for file in files {
        let (o, kind) = open(file, input_type, &keys)?;
        first_kind.get_or_insert(kind);
        let root = o
            .doc
            .docs
            .into_iter()
            .next()
            .unwrap_or(Node::Map(Vec::new()));
        roots.push((root, crate::fsio::sanitize(&file.display().to_string())));
    }
    let merged = Node::Map(
        merge_top_level(&roots)?
            .into_iter()
            .map(|(k, v)| Entry::Pair(k, v))
            .collect(),
    );
    let out_kind = output_type.or(first_kind).unwrap_or(Kind::Yaml);
    Ok(zeroize::Zeroizing::new(emit(out_kind, &[merged])?))
}

/// Ends the thread that feeds the FIFO when the command did not read it all (or never opened
/// it): a reader is opened and closed again until the writer has given up. Once is not enough —
/// the writer may not have reached its own `open` yet, and would then wait for a reader forever.
/// If the command removed or renamed the FIFO while the writer waited in its `open`, no reader
/// can reach it any more: the writer is left to end with veil.
fn release_fifo_writer(path: &Path, writer: std::thread::JoinHandle<()>) {
    use std::os::unix::fs::OpenOptionsExt;
    while !writer.is_finished() {
        let reader = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
            .open(path);
        if reader
            .as_ref()
            .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        drop(reader);
    }
    let _ = writer.join();
}

pub fn run_file(args: ExecFileArgs) -> Result<()> {
    if args.filename.contains('/') || args.filename == ".." || args.filename.is_empty() {
        return Err(Failure::new(
            Code::ConflictingParameters,
            "--filename must be a plain file name",
        ));
    }
    let inv = invocation("exec-file", args.files, args.command)?;
    let bytes = decrypted(&inv.files, args.input_type, args.output_type)?;
    // A FIFO holds no data on disk; a regular file (--no-fifo) is plaintext: on tmpfs, or
    // veil says where.
    let dir = crate::fsio::private_dir("the file for the command", args.no_fifo)?;
    let path = dir.path().join(&args.filename);
    let mut cmd = inv.command(Some(&path));
    if !args.keep_key_env {
        remove_key_env(&mut cmd);
    }
    if args.background {
        cmd = super::child::cleanup_after(&cmd, dir.path());
    }
    super::child::as_user(&mut cmd, args.user.as_deref())?;
    if args.user.is_some() {
        // The other user must reach the file: the directory is theirs to enter, the file theirs.
        chown_for(dir.path(), args.user.as_deref())?;
    }
    if args.background {
        return background_file(cmd, dir, &path, &bytes, args.no_fifo, args.user.as_deref());
    }
    let program = inv.program();
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
        super::child::run(&mut cmd, &program, |_| ())?.0
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
        let fifo = path.clone();
        let data = bytes.clone();
        let (status, writer) = super::child::run(&mut cmd, &program, move |_| {
            std::thread::spawn(move || {
                if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&fifo) {
                    let _ = f.write_all(&data);
                }
            })
        })?;
        release_fifo_writer(&path, writer);
        status
    };
    drop(bytes);
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
/// command ends (the command holds its lock until then, so that no other veil removes it).
fn background_file(
    cmd: Command,
    dir: crate::fsio::PrivateDir,
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
        let kept = dir.hand_to_child();
        if let Err(e) = super::child::spawn_detached(cmd) {
            let _ = std::fs::remove_dir_all(kept);
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
    let kept = dir.hand_to_child();
    let mut child = match super::child::spawn_detached(cmd) {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&kept);
            return Err(e);
        }
    };
    // Until the command has opened the FIFO (then it gets the whole file), or has ended
    // without opening it. No thread waits in a blocking open: the command's wrapper removes the
    // FIFO when it ends, after which nothing could release such a thread.
    use std::os::unix::fs::OpenOptionsExt;
    loop {
        match std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(nix::libc::O_NONBLOCK)
            .open(path)
        {
            Ok(mut f) => {
                use nix::fcntl::{FcntlArg, OFlag, fcntl};
                let _ = fcntl(&f, FcntlArg::F_SETFL(OFlag::empty()));
                let _ = f.write_all(bytes);
                break;
            }
            // ENXIO: no reader yet.
            Err(e) if e.raw_os_error() == Some(nix::libc::ENXIO) => {
                if let Ok(Some(_)) = child.try_wait() {
                    let _ = std::fs::remove_dir_all(&kept);
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            // The FIFO is gone: the command has ended.
            Err(_) => break,
        }
    }
    Ok(())
}
