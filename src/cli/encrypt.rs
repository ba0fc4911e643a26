//! `veil encrypt`.

use std::path::Path;

use clap::Args;

use super::FileIo;
use super::selection::{SelectionFlags, encrypt_options};
use crate::error::{Code, Failure, Result};
use crate::format::{Document, Kind};
use crate::fsio::{Input, kind_for, open_io};
use crate::keys::recipients::resolve_recipients;
use crate::pipeline::stream::{self, Streamed};
use crate::pipeline::whole;

#[derive(Debug, Args)]
pub struct EncryptArgs {
    #[command(flatten)]
    pub io: FileIo,

    /// age recipients (age1…, age1pq1…, ssh-ed25519 …, ssh-rsa …), comma-separated
    #[arg(
        short = 'a',
        long,
        env = "SOPS_AGE_RECIPIENTS",
        value_name = "RECIPIENTS"
    )]
    pub age: Option<String>,

    /// Number of key groups needed to recover the data key (with several key groups)
    #[arg(long, value_name = "N")]
    pub shamir_secret_sharing_threshold: Option<u32>,

    #[command(flatten)]
    pub selection: SelectionFlags,
}

pub fn run(args: EncryptArgs, config: Option<&Path>) -> Result<()> {
    let io = &args.io;
    let input = Input::from_arg(io.file.as_deref());
    let name = io.filename_override.as_deref().or(input.path());
    if name.is_none() && io.input_type.is_none() {
        return Err(Failure::new(
            Code::ConflictingParameters,
            "cannot tell the format of standard input: pass --input-type or --filename-override",
        ));
    }
    let in_kind = kind_for(io.input_type, name);
    // Written in the input's format unless asked otherwise.
    let out_kind = io.output_type.unwrap_or(in_kind);
    // In place, the file is read under the lock its write is made under.
    let (src, mut out) = open_io(&input, io.in_place, io.output.as_deref())?;
    let what = input.display();
    if src.is_empty() {
        return Err(Failure::new(
            Code::NoDocument,
            format!("{what}: the file is empty, there is nothing to encrypt"),
        ));
    }
    // An encrypted binary file is JSON: detect it so it is not encrypted twice.
    if in_kind == Kind::Binary
        && let Ok(doc) = Kind::Json.store().parse(src.clone())
        && doc.metadata.is_some()
    {
        return Err(Failure::new(
            Code::AlreadyEncrypted,
            format!("{what}: the file is already encrypted"),
        ));
    }
    let store = in_kind.store();
    let resolved = resolve_recipients(
        config,
        name,
        args.age.as_deref(),
        args.shamir_secret_sharing_threshold,
    )?;
    let opts = encrypt_options(resolved, &args.selection, in_kind)?;
    let with_name = |f: Failure| Failure::new(f.code, format!("{what}: {}", f.message));
    // In one pass when the store can (the file is never whole in memory as a tree); else, or
    // when the input turns out to need the whole tree, parsed whole.
    let mut doc = Document::new(src, Vec::new());
    if out_kind == in_kind {
        let streamed = out.write_with(|w| {
            match stream::encrypt_stream(store, &mut doc, &opts, w).map_err(with_name)? {
                Streamed::Written => Ok(Some(())),
                Streamed::Unsupported(_) => Ok(None),
            }
        })?;
        if streamed.is_some() {
            return Ok(());
        }
    }
    let mut doc = store
        .parse(doc.src)
        .map_err(|e| Failure::new(Code::CouldNotReadInput, format!("{what}: {e}")))?;
    if doc.metadata.is_some() {
        return Err(Failure::new(
            Code::AlreadyEncrypted,
            format!("{what}: the file is already encrypted"),
        ));
    }
    let bytes = whole::encrypt_new(store, &mut doc, &opts, out_kind).map_err(with_name)?;
    out.write(&bytes)
}
