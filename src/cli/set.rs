//! `veil set` and `veil unset`: change one value of an encrypted file in place. Only the lines of
//! that value, the MAC and `lastmodified` change.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use clap::Args;

use crate::error::{Code, Failure, Result};
use crate::format::{Kind, value_to_node};
use crate::pipeline::edit;
use crate::pipeline::rewrite::{open_file_with, reseal, reseal_as, write_back};
use crate::pipeline::treepath::{self, SetOutcome};

#[derive(Debug, Args)]
pub struct SetArgs {
    /// The encrypted file
    pub file: PathBuf,
    /// Tree path, e.g. '["database"]["password"]'
    pub path: String,
    /// The value as JSON ('"text"', 42, {"k": 1}). Prefer --value-stdin or the prompt: command
    /// lines end up in shell history and process lists
    pub value: Option<String>,
    /// Read the JSON value from standard input
    #[arg(long, conflicts_with = "value_file")]
    pub value_stdin: bool,
    /// Treat VALUE as the name of a file holding the JSON value
    #[arg(long)]
    pub value_file: bool,
    /// Do nothing (and succeed) when the value is already set
    #[arg(long)]
    pub idempotent: bool,
    /// Format of the file (default: from the extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
    /// Rewrite the file in this format (default: its own, changed in place line by line)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub output_type: Option<Kind>,
    /// Change the file even if its MAC does not match (the MAC is then computed anew)
    #[arg(long)]
    pub ignore_mac: bool,
}

#[derive(Debug, Args)]
pub struct UnsetArgs {
    /// The encrypted file
    pub file: PathBuf,
    /// Tree path, e.g. '["database"]["password"]'
    pub path: String,
    /// Succeed when the path does not exist
    #[arg(long)]
    pub idempotent: bool,
    /// Format of the file (default: from the extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
    /// Rewrite the file in this format (default: its own, changed in place line by line)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub output_type: Option<Kind>,
    /// Change the file even if its MAC does not match (the MAC is then computed anew)
    #[arg(long)]
    pub ignore_mac: bool,
}

/// The value to set, as a JSON value: from the argument, a file, stdin, or a hidden prompt
/// (whose answer is taken as a plain string, not JSON).
fn read_value(args: &SetArgs) -> Result<serde_json::Value> {
    let parse = |text: &str| {
        serde_json::from_str(text.trim_end_matches(['\n', '\r'])).map_err(|e| {
            Failure::new(
                Code::InvalidSetFormat,
                format!("the value is not valid JSON ({e}); strings need quotes: '\"text\"'"),
            )
        })
    };
    if args.value_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Failure::new(Code::CouldNotReadInput, format!("<stdin>: {e}")))?;
        return parse(&s);
    }
    match (&args.value, args.value_file) {
        (Some(name), true) => {
            let s = std::fs::read_to_string(name)
                .map_err(|e| Failure::new(Code::CouldNotReadInput, format!("{name}: {e}")))?;
            parse(&s)
        }
        (Some(v), false) => parse(v),
        (None, true) => Err(Failure::new(
            Code::InvalidSetFormat,
            "--value-file needs a file name as VALUE",
        )),
        (None, false) if std::io::stdin().is_terminal() => {
            let v = rpassword::prompt_password(format!("Value for {} (hidden): ", args.path))
                .map_err(|e| {
                    Failure::new(
                        Code::CouldNotReadInput,
                        format!("cannot read the value: {e}"),
                    )
                })?;
            Ok(serde_json::Value::String(v))
        }
        (None, false) => Err(Failure::new(
            Code::InvalidSetFormat,
            "no value: give VALUE, --value-stdin or --value-file",
        )),
    }
}

pub fn run_set(args: SetArgs) -> Result<()> {
    let steps = treepath::parse(&args.path)
        .map_err(|e| Failure::new(Code::InvalidTreePath, e.to_string()))?;
    let value = read_value(&args)?;
    let keys = crate::keys::from_process();
    let mut file = open_file_with(&args.file, args.input_type, &keys, args.ignore_mac)?;
    let convert = converting(&file, args.output_type);
    let node = value_to_node(&value);
    // The value lands as deep as the path goes, inside the root mapping.
    if steps.len() + crate::format::limits::depth(&node) > crate::format::limits::MAX_DEPTH {
        return Err(Failure::new(
            Code::InvalidSetFormat,
            format!(
                "the value would nest deeper than {} levels (veil's limit)",
                crate::format::limits::MAX_DEPTH
            ),
        ));
    }
    // A new scalar key next to scalar siblings: one new line, written losslessly.
    if !convert
        && (edit::try_insert(file.opened.store, &mut file.opened.doc, &steps, &node)
            || edit::try_set_structure(file.opened.store, &mut file.opened.doc, &steps, &node))
    {
        let bytes = reseal(&mut file, false)?;
        write_back(&mut file, &bytes)?;
        return Ok(());
    }
    let root = file
        .opened
        .doc
        .docs
        .first_mut()
        .ok_or_else(|| Failure::new(Code::InvalidTreePath, "the file has no document"))?;
    let outcome = treepath::set(root, &steps, node)
        .map_err(|e| file_fail(&args.file, Code::InvalidTreePath, e))?;
    if outcome == SetOutcome::Unchanged && (args.idempotent || !convert) {
        return Ok(());
    }
    let bytes = reseal_as(
        &mut file,
        outcome == SetOutcome::Restructured,
        args.output_type,
    )?;
    write_back(&mut file, &bytes)?;
    Ok(())
}

pub fn run_unset(args: UnsetArgs) -> Result<()> {
    let steps = treepath::parse(&args.path)
        .map_err(|e| Failure::new(Code::InvalidTreePath, e.to_string()))?;
    let keys = crate::keys::from_process();
    let mut file = open_file_with(&args.file, args.input_type, &keys, args.ignore_mac)?;
    let convert = converting(&file, args.output_type);
    // The entry's (or item's) lines go, nothing else.
    if !convert
        && (edit::try_unset(file.opened.store, &mut file.opened.doc, &steps)
            || edit::try_unset_structure(file.opened.store, &mut file.opened.doc, &steps))
    {
        let bytes = reseal(&mut file, false)?;
        write_back(&mut file, &bytes)?;
        return Ok(());
    }
    let root = file
        .opened
        .doc
        .docs
        .first_mut()
        .ok_or_else(|| Failure::new(Code::InvalidTreePath, "the file has no document"))?;
    match treepath::unset(root, &steps) {
        Ok(()) => {}
        Err(treepath::EditError::Missing(_)) if args.idempotent => return Ok(()),
        Err(e) => return Err(file_fail(&args.file, Code::Generic, e)),
    }
    let bytes = reseal_as(&mut file, true, args.output_type)?;
    write_back(&mut file, &bytes)?;
    Ok(())
}

/// `--output-type` names another format than the file's own: the file is written afresh.
fn converting(file: &crate::pipeline::rewrite::OpenFile, output_type: Option<Kind>) -> bool {
    output_type.is_some_and(|k| k != file.opened.store.kind() && k != file.kind)
}

fn file_fail(path: &std::path::Path, code: Code, e: impl std::fmt::Display) -> Failure {
    Failure::new(
        code,
        format!(
            "{}: {e}",
            crate::fsio::sanitize(&path.display().to_string())
        ),
    )
}
