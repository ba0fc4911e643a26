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
fn release_fifo_writer(path: &Path, writer: std::thread::JoinHandle<()>) {
    use std::os::unix::fs::OpenOptionsExt;
    while !writer.is_finished() {
        let reader = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
            .open(path);
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
