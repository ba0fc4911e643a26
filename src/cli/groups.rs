//! `veil groups add|remove`: add a key group to an encrypted file, or remove one (sops's
//! `groups add` and `groups delete`). The data key and the values are kept; the data key is
//! wrapped anew for every group. What changes is decided by [`crate::pipeline::rekey::regroup`].

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::encrypt::KeyArgs;
use crate::error::{Code, Failure, Result};
use crate::format::Kind;
use crate::fsio::{Input, open_io};
use crate::pipeline::rekey::{self, GroupEdit};

#[derive(Debug, Args)]
pub struct GroupsArgs {
    #[command(subcommand)]
    pub action: GroupsAction,
}

#[derive(Debug, Subcommand)]
pub enum GroupsAction {
    /// Add a key group with the given master keys (stdout unless -i or --output)
    Add(Box<GroupAddArgs>),
    /// Remove the key group at INDEX, counted from 0 (stdout unless -i or --output)
    #[command(alias = "delete")]
    Remove(GroupRemoveArgs),
}

/// Where the changed file goes, and the Shamir threshold.
#[derive(Debug, Args, Clone)]
pub struct GroupIo {
    /// The encrypted file
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Write the result back to FILE (atomically)
    #[arg(short = 'i', long, conflicts_with = "output")]
    pub in_place: bool,
    /// Write the result to this file (atomically) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Format of the file (default: from the extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
    /// Number of key groups needed to recover the data key (default: the file's, or all groups)
    #[arg(long, value_name = "N")]
    pub shamir_secret_sharing_threshold: Option<u32>,
}

#[derive(Debug, Args)]
pub struct GroupAddArgs {
    #[command(flatten)]
    pub io: GroupIo,
    #[command(flatten)]
    pub keys: KeyArgs,
}

#[derive(Debug, Args)]
pub struct GroupRemoveArgs {
    #[command(flatten)]
    pub io: GroupIo,
    /// The key group to remove, counted from 0
    #[arg(value_name = "INDEX")]
    pub index: usize,
}

pub fn run(args: GroupsArgs) -> Result<()> {
    match args.action {
        GroupsAction::Add(a) => {
            let group = a.keys.flags().recipients()?;
            if group.is_empty() {
                return Err(Failure::new(
                    Code::NoEncryptionKey,
                    "no key for the new group: pass --age, --pgp or --kms",
                ));
            }
            apply(&a.io, GroupEdit::Add(group))
        }
        GroupsAction::Remove(a) => apply(&a.io, GroupEdit::Remove(a.index)),
    }
}

fn apply(io: &GroupIo, edit: GroupEdit) -> Result<()> {
    crate::pipeline::rewrite::require_existing(&io.file)?;
    let keys = crate::keys::from_process();
    // In place, the file is read under the lock its write is made under.
    let input = Input::File(io.file.clone());
    let (original, mut out) = open_io(&input, io.in_place, io.output.as_deref())?;
    let bytes = rekey::regroup(
        &io.file,
        original.clone(),
        io.input_type,
        &edit,
        io.shamir_secret_sharing_threshold,
        &keys,
        keys.wrapper(),
    )?;
    if io.in_place && original == bytes {
        return Ok(());
    }
    out.write(&bytes)
}
