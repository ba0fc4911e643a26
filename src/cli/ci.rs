//! `veil ci mask`: GitHub Actions `::add-mask::` lines for the secret values of encrypted files,
//! so that the runner hides them in the job's logs.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::error::{Code, Failure, Result};
use crate::format::Kind;
use crate::fsio::{Input, kind_for};
use crate::git::mask;

#[derive(Debug, Args)]
pub struct CiArgs {
    #[command(subcommand)]
    pub command: CiCommand,
}

#[derive(Debug, Subcommand)]
pub enum CiCommand {
    /// Print a GitHub Actions `::add-mask::` line for every encrypted value of the files (run it
    /// in a workflow step before anything can print a value); multi-line values are masked line
    /// by line too
    Mask(MaskArgs),
}

#[derive(Debug, Args)]
pub struct MaskArgs {
    /// The encrypted files
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Values (and lines of multi-line values) shorter than this many characters are not
    /// masked: the runner would blank every occurrence of `1` or `}` in the logs
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub min_length: usize,
    /// Print the lines even to a terminal (they hold the values)
    #[arg(long)]
    pub force: bool,
    /// Format of the files (default: from each extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
}

pub fn run(args: CiArgs) -> Result<()> {
    match args.command {
        CiCommand::Mask(a) => run_mask(a),
    }
}

fn run_mask(a: MaskArgs) -> Result<()> {
    if std::io::stdout().is_terminal() && !a.force {
        return Err(Failure::new(
            Code::ConflictingParameters,
            "standard output is a terminal and the mask lines hold the secret values: run this in a CI step (or pass --force)",
        ));
    }
    let keys = crate::keys::from_process();
    let mut values = Vec::new();
    for file in &a.files {
        let input = Input::File(file.clone());
        let src = input.read()?;
        let kind = kind_for(a.input_type, Some(file));
        let found = mask::secret_values(kind, src, &keys)
            .map_err(|f| Failure::new(f.code, format!("{}: {}", input.display(), f.message)))?;
        values.extend(found);
    }
    let (lines, short) = mask::github_mask_lines(&values, a.min_length);
    let mut out = std::io::stdout().lock();
    for l in &lines {
        writeln!(out, "{}", l.as_str())
            .and_then(|_| out.flush())
            .map_err(|e| Failure::new(Code::CouldNotWriteOutput, format!("<stdout>: {e}")))?;
    }
    if short > 0 {
        eprintln!(
            "veil ci mask: {short} value(s) shorter than {} characters not masked (--min-length sets the limit)",
            a.min_length
        );
    }
    Ok(())
}
