//! `veil completions SHELL`: completion scripts generated from the clap definition (the files
//! in `completions/` are this command's output; a test checks they are current).

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

pub fn run(args: CompletionsArgs) -> Result<()> {
    use std::io::Write;
    let _ = std::io::stdout().write_all(&script(args.shell));
    Ok(())
}
