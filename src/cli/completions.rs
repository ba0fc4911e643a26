//! `veil completions SHELL` and `veil man DIR`: completion scripts and man pages generated from
//! the clap definition (the files in `completions/` are their output; tests check they are current).

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::error::Result;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut cmd = super::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "veil", &mut out);
    out
}

/// `veil man DIR`: the man pages, `veil.1` and one `veil-COMMAND.1` per command.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The directory to write the pages into (created if missing)
    #[arg(value_name = "DIR")]
    pub dir: std::path::PathBuf,
}

pub fn run_man(args: ManArgs) -> Result<()> {
    use crate::error::Context;
    let name = || crate::fsio::sanitize(&args.dir.display().to_string());
    std::fs::create_dir_all(&args.dir).code(crate::error::Code::CouldNotWriteOutput, name)?;
    let cmd = super::Cli::command();
    clap_mangen::generate_to(cmd, &args.dir).code(crate::error::Code::CouldNotWriteOutput, name)
}

pub fn run(args: CompletionsArgs) -> Result<()> {
    use std::io::Write;
    let _ = std::io::stdout().write_all(&script(args.shell));
    Ok(())
}
