//! `veil keygen`: an age identity file like `age-keygen` writes (mode 0600; missing parent
//! directories are created 0700), X25519 or post-quantum (`--pq`), with the public key on
//! stderr.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::error::{Code, Failure, Result};

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Write the identity to this file (created 0600; an existing file is not overwritten)
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// A post-quantum hybrid identity (ML-KEM-768 + X25519: AGE-SECRET-KEY-PQ-1…, age1pq1…)
    #[arg(long)]
    pub pq: bool,
}

pub fn run(args: KeygenArgs) -> Result<()> {
    let (secret, public) = if args.pq {
        crate::keys::age::keygen_pq()
    } else {
        crate::keys::age::keygen()
    };
    let created = crate::pipeline::whole::now_rfc3339();
    let mut text =
        zeroize::Zeroizing::new(format!("# created: {created}\n# public key: {public}\n"));
    text.push_str(&secret);
    text.push('\n');
    match &args.output {
        Some(path) => {
            let fail = |e: std::io::Error| {
                Failure::new(
                    Code::CouldNotWriteOutput,
                    format!("{}: {e}", path.display()),
                )
            };
            create_parents(path).map_err(fail)?;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    Failure::new(
                        Code::CouldNotWriteOutput,
                        format!(
                            "{}: file exists; not overwriting an identity",
                            path.display()
                        ),
                    )
                } else {
                    fail(e)
                }
            })?;
            f.write_all(text.as_bytes())
                .and_then(|_| f.sync_all())
                .map_err(fail)?;
        }
        None => {
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
    }
    eprintln!("Public key: {public}");
    Ok(())
}

/// Creates the missing parent directories of `path`, private (0700) as a key directory should be.
fn create_parents(path: &std::path::Path) -> std::io::Result<()> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    if parent.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(parent)
}
