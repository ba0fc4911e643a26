//! `veil hook install`: a git pre-commit hook that runs `veil scan --staged` (and `veil check
//! --staged` when this veil has that command). An existing hook is kept: it is moved to
//! `pre-commit.local` and the new hook runs it first.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use crate::error::{Code, Failure, Result};

#[derive(Debug, Args)]
pub struct HookArgs {
    #[command(subcommand)]
    pub command: HookCommand,
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install the pre-commit hook in the repository of the current directory (or PATH)
    Install {
        /// The repository (default: the current directory)
        #[arg(value_name = "PATH")]
        path: Option<PathBuf>,
    },
}

/// Marks a hook written by veil (so reinstalling replaces it instead of chaining it).
const MARKER: &str = "# veil pre-commit hook";

fn fail(msg: String) -> Failure {
    Failure::new(Code::CouldNotWriteOutput, msg)
}

/// The hook script. `veil` is the binary that installed it, or `veil` from PATH when that one is
/// gone; `$VEIL` overrides both.
pub fn script(veil: &Path) -> String {
    let quoted = shell_words::quote(&veil.to_string_lossy()).into_owned();
    format!(
        r#"#!/bin/sh
{MARKER} (installed by `veil hook install`; the previous hook, if any, is pre-commit.local)
hookdir="$(dirname "$0")"
if [ -x "$hookdir/pre-commit.local" ]; then
    "$hookdir/pre-commit.local" "$@" || exit $?
fi
veil="${{VEIL:-{quoted}}}"
[ -x "$veil" ] || veil=veil
"$veil" scan --staged || exit $?
if "$veil" check --help >/dev/null 2>&1; then
    "$veil" check --staged || exit $?
fi
exit 0
"#
    )
}

pub fn run(a: HookArgs) -> Result<()> {
    match a.command {
        HookCommand::Install { path } => install(&path.unwrap_or_else(|| PathBuf::from("."))),
    }
}

fn install(path: &Path) -> Result<()> {
    let repo = git2::Repository::discover(path).map_err(|e| {
        Failure::new(
            Code::NoFile,
            format!(
                "{}: not in a git repository: {}",
                path.display(),
                e.message()
            ),
        )
    })?;
    let hooks = match repo
        .config()
        .ok()
        .and_then(|c| c.get_path("core.hooksPath").ok())
    {
        Some(p) if p.is_absolute() => p,
        Some(p) => repo.workdir().unwrap_or(repo.path()).join(p),
        None => repo.path().join("hooks"),
    };
    std::fs::create_dir_all(&hooks).map_err(|e| fail(format!("{}: {e}", hooks.display())))?;
    let hook = hooks.join("pre-commit");
    let local = hooks.join("pre-commit.local");
    if let Ok(old) = std::fs::read_to_string(&hook).or_else(|e| {
        if hook.exists() {
            Ok(String::from("binary"))
        } else {
            Err(e)
        }
    }) && !old.contains(MARKER)
    {
        if local.exists() {
            return Err(fail(format!(
                "{} exists and so does {}: merge them by hand, then run `veil hook install` again",
                hook.display(),
                local.display()
            )));
        }
        std::fs::rename(&hook, &local).map_err(|e| fail(format!("{}: {e}", hook.display())))?;
        eprintln!(
            "veil hook: kept the existing hook as {} (the new hook runs it first)",
            local.display()
        );
    }
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("veil"));
    std::fs::write(&hook, script(&exe)).map_err(|e| fail(format!("{}: {e}", hook.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| fail(format!("{}: {e}", hook.display())))?;
    }
    eprintln!("veil hook: installed {}", hook.display());
    Ok(())
}
