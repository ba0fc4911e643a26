//! `veil edit`: decrypt into a private temporary file, run the editor, re-encrypt on save.
//!
//! The temporary file lives in a fresh 0700 directory on tmpfs (`$XDG_RUNTIME_DIR`,
//! `/dev/shm`; elsewhere veil says where it is and why), is created 0600, and is removed on every
//! exit path: normal return, error, and Ctrl-C / SIGTERM / SIGHUP (caught while the editor
//! runs); a directory left by a killed veil is removed by the next one. The encrypted file is
//! locked from the read to the write, so that no concurrent change is lost; the editor runs
//! without the identity variables of the environment unless `--keep-key-env`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Args;

use crate::error::{Code, Failure, Result};
use crate::format::{Kind, write_lossless};
use crate::fsio::{Update, kind_for, private_dir};
use crate::pipeline::rewrite::{OpenFile, open_update_with, write_back};
use crate::pipeline::whole;

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The encrypted file (a missing file starts a new document encrypted per .sops.yaml)
    pub file: PathBuf,
    /// Format of the file (default: from the extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
    /// Master keys of a new file (default: from .sops.yaml)
    #[command(flatten)]
    pub keys: super::encrypt::KeyArgs,
    /// Number of key groups needed to recover the data key of a new file
    #[arg(long, value_name = "N")]
    pub shamir_secret_sharing_threshold: Option<u32>,
    #[command(flatten)]
    pub selection: super::selection::SelectionFlags,
    /// Show the file's metadata (master keys…) in the editor too; what is saved there is kept
    #[arg(short = 's', long)]
    pub show_master_keys: bool,
    /// Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the editor
    #[arg(long)]
    pub keep_key_env: bool,
    /// Edit the file even if its MAC does not match (the MAC is then computed anew)
    #[arg(long)]
    pub ignore_mac: bool,
}

/// The file being edited: an existing encrypted file, or a new one. Either holds the lock.
enum Target {
    Existing(Box<OpenFile>),
    New(Update),
}

/// The editor command: `$SOPS_EDITOR`, `$VISUAL`, `$EDITOR` (split like a shell would), else the
/// first of vim, nano, vi on PATH.
fn editor() -> Result<Vec<String>> {
    for var in ["SOPS_EDITOR", "VISUAL", "EDITOR"] {
        if let Ok(v) = std::env::var(var)
            && !v.trim().is_empty()
        {
            let words = shell_words::split(&v).map_err(|e| {
                Failure::new(Code::NoEditor, format!("${var} cannot be parsed: {e}"))
            })?;
            if !words.is_empty() {
                return Ok(words);
            }
        }
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for candidate in ["vim", "nano", "vi"] {
        if std::env::split_paths(&path).any(|d| d.join(candidate).is_file()) {
            return Ok(vec![candidate.to_string()]);
        }
    }
    Err(Failure::new(
        Code::NoEditor,
        "no editor found: set $EDITOR (or $SOPS_EDITOR)",
    ))
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail =
        |e: std::io::Error| Failure::new(Code::CouldNotWriteOutput, format!("temporary file: {e}"));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(fail)?;
    f.write_all(bytes).map_err(fail)
}

/// An empty document of each format for a new file.
fn template(kind: Kind) -> &'static str {
    match kind {
        Kind::Yaml => {
            "# New file: replace this example with your secrets.\nexample_key: example_value\n"
        }
        Kind::Json => "{\n    \"example_key\": \"example_value\"\n}\n",
        Kind::Toml => {
            "# New file: replace this example with your secrets.\nexample_key = \"example_value\"\n"
        }
        Kind::Dotenv => "EXAMPLE_KEY=example_value\n",
        Kind::Ini => "[section]\nexample_key = example_value\n",
        Kind::Binary => "",
    }
}

pub fn run(args: EditArgs, config: Option<&Path>) -> Result<()> {
    let editor = editor()?;
    let kind = kind_for(args.input_type, Some(&args.file));
    let keys = crate::keys::from_process();
    // Locked from here to the write (or to the end, when nothing is written).
    let update = Update::open_or_new(&args.file)?;
    let mut target = if update.exists() {
        Target::Existing(Box::new(open_update_with(
            update,
            &args.file,
            args.input_type,
            &keys,
            args.ignore_mac,
        )?))
    } else {
        Target::New(update)
    };
    let plaintext: Vec<u8> = match &target {
        Target::Existing(f) => {
            let mut layout = f.opened.layout.clone();
            if kind == Kind::Binary {
                Kind::Binary
                    .store()
                    .emit(&f.opened.doc.docs, None)
                    .map_err(|e| Failure::new(Code::Generic, e.to_string()))?
            } else {
                let meta = args.show_master_keys.then(|| f.opened.meta.to_value());
                write_lossless(f.opened.store, &f.opened.doc, meta.as_ref(), &mut layout)
            }
        }
        Target::New(_) => template(kind).as_bytes().to_vec(),
    };

    let dir = private_dir("the file being edited", true)?;
    let name = args
        .file
        .file_name()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("secrets"));
    let tmp = dir.path().join(name);
    write_private(&tmp, &plaintext)?;

    // Ctrl-C goes to the editor; veil waits and cleans up.
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    }

    let mut last = plaintext.clone();
    let mut pending_error: Option<Failure> = None;
    loop {
        let mut cmd = Command::new(&editor[0]);
        cmd.args(&editor[1..]).arg(&tmp);
        if !args.keep_key_env {
            super::exec::remove_key_env(&mut cmd);
        }
        let status = cmd.status();
        if interrupted.load(Ordering::SeqCst) {
            return Err(Failure::new(
                Code::NotModified,
                "interrupted; the file was not changed",
            ));
        }
        let status = status.map_err(|e| {
            Failure::new(
                Code::NoEditor,
                format!("cannot run the editor {:?}: {e}", editor[0]),
            )
        })?;
        if !status.success() {
            // As sops: the editor failing is exit 201, not "not modified".
            return Err(Failure::new(
                Code::NoEditor,
                format!("the editor exited with {status}; the file was not changed"),
            ));
        }
        let edited = std::fs::read(&tmp)
            .map_err(|e| Failure::new(Code::CouldNotReadInput, format!("temporary file: {e}")))?;
        if edited == last {
            // After a parse error (already shown), an unchanged file means the user gave up.
            return Err(match pending_error {
                Some(f) => Failure::new(
                    f.code,
                    "the edited file still does not parse; the encrypted file was not changed",
                ),
                None => Failure::new(Code::NotModified, "file has not been modified"),
            });
        }
        last = edited.clone();
        match save(&args, config, kind, &mut target, edited) {
            Ok(()) => return Ok(()),
            Err(f) if f.code == Code::CouldNotReadInput => {
                eprintln!("veil: {}", crate::fsio::sanitize(&f.message));
                if std::io::stdin().is_terminal() {
                    eprint!("Press Enter to edit again (Ctrl-C to give up)... ");
                    let mut line = String::new();
                    let _ = std::io::stdin().read_line(&mut line);
                    if interrupted.load(Ordering::SeqCst) {
                        return Err(Failure::new(
                            Code::NotModified,
                            "interrupted; the file was not changed",
                        ));
                    }
                }
                pending_error = Some(f);
            }
            Err(f) => return Err(f),
        }
    }
}

/// Parses the edited plaintext and writes the encrypted file. A parse error is returned with
/// `Code::CouldNotReadInput` so the caller can reopen the editor.
fn save(
    args: &EditArgs,
    config: Option<&Path>,
    kind: Kind,
    target: &mut Target,
    edited: Vec<u8>,
) -> Result<()> {
    let store = kind.store();
    let mut doc = store.parse(edited).map_err(|e| {
        Failure::new(
            Code::CouldNotReadInput,
            format!(
                "{}: {e}",
                crate::fsio::sanitize(&args.file.display().to_string())
            ),
        )
    })?;
    let bytes = match &*target {
        Target::Existing(f) => {
            let o = &f.opened;
            let rule = o
                .meta
                .selection_rule()
                .map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
            let seal_store = if kind == Kind::Binary { store } else { o.store };
            // With --show-master-keys the metadata was in the editor: what was saved is kept.
            let meta = match (&doc.metadata, args.show_master_keys) {
                (Some(v), true) => {
                    crate::pipeline::metadata::Metadata::from_value(v).map_err(|e| {
                        Failure::new(
                            Code::CouldNotReadInput,
                            format!(
                                "{}: the sops metadata is not valid: {e}",
                                crate::fsio::sanitize(&args.file.display().to_string())
                            ),
                        )
                    })?
                }
                _ => o.meta.clone(),
            };
            let out_kind = if kind == Kind::Binary {
                Kind::Binary
            } else {
                o.store.kind()
            };
            whole::seal(
                seal_store,
                &mut doc,
                &o.key,
                meta,
                &rule,
                whole::SealOptions::keeping(&o.ivs, &o.mac, out_kind),
            )
            .map_err(|e| f.fail(e))?
        }
        Target::New(_) => {
            let resolved = crate::keys::recipients::resolve_recipients(
                config,
                Some(&args.file),
                &args.keys.flags(),
                args.shamir_secret_sharing_threshold,
            )?;
            let opts = super::selection::encrypt_options(resolved, &args.selection, kind)?;
            whole::encrypt_new(store, &mut doc, &opts, kind)?
        }
    };
    match target {
        Target::Existing(f) => write_back(f, &bytes).map(|_| ()),
        Target::New(u) => u.commit(&bytes),
    }
}
