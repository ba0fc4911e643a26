//! `veil edit`: decrypt into a private temporary file, run the editor, re-encrypt on save.
//!
//! The temporary file lives in a fresh 0700 directory, on tmpfs where there is one
//! (`$XDG_RUNTIME_DIR`, `/dev/shm`), is created 0600, and is removed on every exit path: normal
//! return, error, and Ctrl-C / SIGTERM / SIGHUP (caught while the editor runs).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Args;

use crate::error::{Code, Failure, Result};
use crate::format::{Kind, write_lossless};
use crate::fsio::{kind_for, write_atomic};
use crate::pipeline::rewrite::{OpenFile, open_file};
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

/// A private directory for the plaintext, preferably on tmpfs.
fn private_dir() -> Result<tempfile::TempDir> {
    let mut bases: Vec<PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("XDG_RUNTIME_DIR") {
        bases.push(d.into());
    }
    bases.push("/dev/shm".into());
    bases.push(std::env::temp_dir());
    for base in bases {
        if base.is_dir()
            && let Ok(d) = tempfile::Builder::new()
                .prefix("veil-edit-")
                .tempdir_in(&base)
        {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o700));
            }
            return Ok(d);
        }
    }
    Err(Failure::new(
        Code::CouldNotWriteOutput,
        "cannot create a private temporary directory",
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
    let existing: Option<OpenFile> = if args.file.exists() {
        Some(open_file(&args.file, args.input_type, &keys)?)
    } else {
        None
    };
    let plaintext: Vec<u8> = match &existing {
        Some(f) => {
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
        None => template(kind).as_bytes().to_vec(),
    };

    let dir = private_dir()?;
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
        let status = Command::new(&editor[0])
            .args(&editor[1..])
            .arg(&tmp)
            .status();
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
        match save(&args, config, kind, existing.as_ref(), edited) {
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
    existing: Option<&OpenFile>,
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
    let bytes = match existing {
        Some(f) => {
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
                Some(&o.ivs),
                Some(&o.mac),
                out_kind,
                false,
            )
            .map_err(|e| f.fail(e))?
        }
        None => {
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
    if existing.is_some_and(|f| f.original == bytes) {
        return Ok(());
    }
    write_atomic(&args.file, &bytes)
}
