//! `veil filestatus`: sops's JSON answer, `{"encrypted":true}` when the file has sops metadata
//! with a version and a MAC.

use std::path::PathBuf;

use clap::Args;

use crate::error::{Code, Failure, Result};
use crate::format::{Kind, ParseError};
use crate::fsio::{Input, kind_for};

#[derive(Debug, Args)]
pub struct FilestatusArgs {
    /// The file to inspect
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Format of the file (default: from the extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
}

/// Whether `src` (of `kind`) is an encrypted file.
pub fn is_encrypted(kind: Kind, src: Vec<u8>) -> bool {
    encryption_status(kind, src).unwrap_or(false)
}

/// Whether `src` (of `kind`) is an encrypted file; a file that cannot be read as one is not,
/// but input past veil's limits (alias bomb, runaway nesting) is an error.
fn encryption_status(kind: Kind, src: Vec<u8>) -> std::result::Result<bool, ParseError> {
    let store = kind.reading_store();
    let doc = match store.parse(src) {
        Ok(doc) => doc,
        Err(e) if e.limit => return Err(e),
        Err(_) => return Ok(false),
    };
    Ok(match crate::pipeline::whole::metadata_of(&doc) {
        Ok(m) => !m.version.is_empty() && !m.mac.is_empty(),
        Err(_) => false,
    })
}

pub fn run(args: FilestatusArgs) -> Result<()> {
    let input = Input::from_arg(Some(&args.file));
    let src = input.read()?;
    let encrypted = encryption_status(kind_for(args.input_type, Some(&args.file)), src)
        .map_err(|e| Failure::new(Code::CouldNotReadInput, format!("{}: {e}", input.display())))?;
    println!("{{\"encrypted\":{encrypted}}}");
    Ok(())
}
