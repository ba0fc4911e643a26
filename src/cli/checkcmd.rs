//! `veil check`: the policy gate for CI and pre-commit ([`crate::policy`] does the checking).
//! Exit 0 clean, 1 violations, 2 errors.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::error::{Code, Failure, Result};
use crate::policy::{self, CheckOptions, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (default: every file git tracks, or the current directory)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Check what is staged in git's index (the pre-commit case)
    #[arg(long, conflicts_with = "paths")]
    pub staged: bool,
    /// Maximum age of a data key, e.g. 90d, 12w (default: max_data_key_age in .sops.yaml)
    #[arg(long, value_name = "AGE")]
    pub max_age: Option<String>,
    /// Also decrypt every encrypted file and verify its MAC (needs identities)
    #[arg(long)]
    pub verify: bool,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Report files without veil's authenticator as violations, not notices
    #[arg(from_global)]
    pub require_authenticator: bool,
}

pub fn run(args: CheckArgs, config: Option<&Path>) -> Result<()> {
    let cwd = std::env::current_dir().map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
    let cfg = match crate::config::Config::load_for_cwd(config) {
        Ok(c) => c,
        Err(e) => return Err(Failure::from_error(Code::CheckError, e)),
    };
    let opts = CheckOptions {
        paths: args.paths,
        staged: args.staged,
        max_age: args.max_age,
        verify: args.verify,
        require_authenticator: args.require_authenticator,
    };
    let mut report = Report::default();
    let files = policy::candidates(&opts, &cwd, &mut report);
    let bar = super::progress::files(files.len(), "checking");
    for c in &files {
        policy::check_one(c, cfg.as_ref(), &opts, &cwd, &mut report);
        bar.inc(1);
    }
    bar.finish_and_clear();
    print(&report, args.format);
    if let Some(first) = report.errors.first() {
        // The first error itself, so that the one line on stderr says what failed and where.
        let first = format!("{}: {}", first.path, first.message);
        return Err(Failure::new(
            Code::CheckError,
            match report.errors.len() {
                1 => first,
                n => format!("{n} errors while checking, the first: {first}"),
            },
        ));
    }
    if !report.violations.is_empty() {
        return Err(Failure::new(
            Code::Findings,
            format!("{} violation(s)", report.violations.len()),
        ));
    }
    Ok(())
}

fn print(report: &Report, format: OutputFormat) {
    match format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(report).unwrap_or_default()
        ),
        OutputFormat::Text => {
            for v in report.notices.iter() {
                eprintln!(
                    "{}: [{}] {}",
                    crate::fsio::sanitize(&v.path),
                    v.kind,
                    crate::fsio::sanitize(&v.message)
                );
            }
            for v in report.violations.iter().chain(report.errors.iter()) {
                println!(
                    "{}: [{}] {}",
                    crate::fsio::sanitize(&v.path),
                    v.kind,
                    crate::fsio::sanitize(&v.message)
                );
            }
            if report.violations.is_empty() && report.errors.is_empty() {
                eprintln!(
                    "veil check: {} encrypted file(s) checked, no violation",
                    report.checked
                );
            }
        }
    }
}
