//! `veil filestatus`: sops's JSON answer, `{"encrypted":true}` when the file has sops metadata
//! with a version and a MAC.

use std::path::PathBuf;

use clap::Args;

use crate::error::Result;
use crate::format::Kind;
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
    let store = kind.reading_store();
    let Ok(doc) = store.parse(src) else {
        return false;
    };
    match crate::pipeline::whole::metadata_of(&doc) {
        Ok(m) => !m.version.is_empty() && !m.mac.is_empty(),
        Err(_) => false,
    }
}

pub fn run(args: FilestatusArgs) -> Result<()> {
    let input = Input::from_arg(Some(&args.file));
    let src = input.read()?;
    let encrypted = is_encrypted(kind_for(args.input_type, Some(&args.file)), src);
    println!("{{\"encrypted\":{encrypted}}}");
    Ok(())
}
