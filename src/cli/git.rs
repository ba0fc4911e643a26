//! `veil git`: `setup` registers veil as git's merge driver and diff textconv and writes the
//! `.gitattributes` entries; `merge` is the merge driver git runs; `textconv` is what git runs
//! to show an encrypted file in `git diff` and `git log -p`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::{Args, Subcommand};

use crate::config::Config;
use crate::error::{Code, Failure, Result};
use crate::format::{Kind, write_lossless};
use crate::fsio::{Input, kind_for, sanitize, write_atomic};
use crate::git::attributes::{self, Listed};
use crate::git::merge::{self, Outcome};
use crate::pipeline::whole;

#[derive(Debug, Args)]
pub struct GitArgs {
    #[command(subcommand)]
    pub command: GitCommand,
}

#[derive(Debug, Subcommand)]
pub enum GitCommand {
    /// Register veil as git's merge driver and diff textconv, and write .gitattributes entries
    /// for the files the creation rules of .sops.yaml cover
    Setup(SetupArgs),
    /// The merge driver git runs (merge.veil.driver = veil git merge %O %A %B %P): merges the
    /// values of an encrypted file three-way and writes the result, encrypted, over %A
    Merge(MergeArgs),
    /// The diff textconv git runs (diff.veil.textconv = veil git textconv): the decrypted file
    /// on stdout, or the encrypted text and a note on stderr without an identity
    Textconv(TextconvArgs),
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Register the driver and the textconv in the global git configuration (~/.gitconfig)
    /// instead of the repository's; .gitattributes is still written when run in a repository
    #[arg(long)]
    pub global: bool,
    /// Only register the driver and the textconv; leave .gitattributes alone
    #[arg(long)]
    pub no_attributes: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// %O: the common ancestor's version (empty when the file has none)
    #[arg(value_name = "BASE")]
    pub base: PathBuf,
    /// %A: our version; the merged file is written here
    #[arg(value_name = "OURS")]
    pub ours: PathBuf,
    /// %B: their version
    #[arg(value_name = "THEIRS")]
    pub theirs: PathBuf,
    /// %P: the file's path in the repository (its format comes from its name)
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Format of the file (default: from the extension of PATH)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
}

#[derive(Debug, Args)]
pub struct TextconvArgs {
    /// The file git wants to show
    pub file: PathBuf,
    /// Format of the file (default: from the extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
}

pub fn run(args: GitArgs, config: Option<&Path>) -> Result<()> {
    match args.command {
        GitCommand::Setup(a) => setup(a, config),
        GitCommand::Merge(a) => run_merge(a),
        GitCommand::Textconv(a) => textconv(a),
    }
}

fn git_failure(what: &str, e: impl std::fmt::Display) -> Failure {
    Failure::new(Code::CouldNotWriteOutput, format!("{what}: {e}"))
}

/// Runs `git ARGS` and returns its stdout; an error carries git's message.
fn git(args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| git_failure("cannot run git", e))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(git_failure(&format!("git {}", args.join(" ")), msg));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// How git should start veil: `veil` when the `veil` on PATH is this binary, else this binary's
/// absolute path.
fn veil_command() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "veil".into();
    };
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("veil"))
            .find(|c| c.is_file())
    });
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    match on_path {
        Some(p) if canon(&p).is_some() && canon(&p) == canon(&exe) => "veil".into(),
        _ => shell_words::quote(&exe.to_string_lossy()).into_owned(),
    }
}

fn setup(a: SetupArgs, config: Option<&Path>) -> Result<()> {
    let top = git2::Repository::discover(".")
        .ok()
        .and_then(|r| r.workdir().map(Path::to_path_buf));
    if !a.global && top.is_none() {
        return Err(Failure::new(
            Code::NoFile,
            "not in a git work tree: run `veil git setup` inside the repository, or `veil git setup --global`",
        ));
    }
    let scope = if a.global { "--global" } else { "--local" };
    let veil = veil_command();
    for (key, value) in [
        (
            "merge.veil.name",
            "veil: three-way merge of the values of encrypted files".to_string(),
        ),
        ("merge.veil.driver", format!("{veil} git merge %O %A %B %P")),
        ("diff.veil.textconv", format!("{veil} git textconv")),
        // Cached textconv output is stored in .git: plaintext. Never.
        ("diff.veil.cachetextconv", "false".to_string()),
    ] {
        git(&["config", scope, key, &value])?;
    }
    // A setting of another scope could still turn the cache on.
    let effective =
        git(&["config", "--type=bool", "--get", "diff.veil.cachetextconv"]).unwrap_or_default();
    if effective.trim() == "true" {
        let origin = git(&[
            "config",
            "--show-origin",
            "--get",
            "diff.veil.cachetextconv",
        ])
        .unwrap_or_default();
        return Err(Failure::new(
            Code::ConfigError,
            format!(
                "diff.veil.cachetextconv is true ({}): git would store decrypted text in .git; remove that setting",
                sanitize(origin.split_whitespace().next().unwrap_or("?"))
            ),
        ));
    }
    let where_ = if a.global { "global" } else { "repository's" };
    eprintln!(
        "veil git: registered veil's merge driver (merge.veil) and diff textconv (diff.veil) in the {where_} git configuration"
    );
    match (a.no_attributes, top) {
        (false, Some(top)) => write_attributes(&top, config),
        _ => Ok(()),
    }
}

fn write_attributes(top: &Path, config: Option<&Path>) -> Result<()> {
    let cfg = Config::load_for_cwd(config)?;
    let top = std::fs::canonicalize(top).unwrap_or_else(|_| top.to_path_buf());
    let dir = match &cfg {
        Some(c) => std::fs::canonicalize(c.dir()).unwrap_or_else(|_| c.dir()),
        None => top.clone(),
    };
    if !dir.starts_with(&top) {
        eprintln!(
            "veil git: {} is outside this repository: no .gitattributes written",
            sanitize(
                &cfg.as_ref()
                    .map_or(dir.clone(), |c| c.path.clone())
                    .display()
                    .to_string()
            )
        );
        return Ok(());
    }
    let files = crate::repo::files(&dir)
        .map_err(|e| Failure::new(Code::CouldNotReadInput, e.to_string()))?;
    let listed: Vec<Listed> = files
        .iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(&dir).ok()?.to_str()?.to_string();
            Some(Listed {
                encrypted: attributes::is_encrypted_file(p),
                rel,
            })
        })
        .collect();
    let block = attributes::block(cfg.as_ref(), &listed);
    let path = dir.join(".gitattributes");
    let existing = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(Failure::new(
                Code::CouldNotReadInput,
                format!("{}: {e}", sanitize(&path.display().to_string())),
            ));
        }
    };
    let new = attributes::replace_block(&existing, &block);
    if new != existing {
        write_atomic(&path, new.as_bytes())?;
    }
    let patterns = block.iter().filter(|l| !l.starts_with('#')).count();
    let shown = sanitize(&path.display().to_string());
    if cfg.is_none() {
        eprintln!(
            "veil git: no .sops.yaml found: only the encrypted files that exist now are listed"
        );
    }
    eprintln!(
        "veil git: {patterns} pattern(s) in {shown}{}; commit it so that everyone's git uses them",
        if new == existing { " (unchanged)" } else { "" }
    );
    Ok(())
}

/// git's own text merge of the three files (`git merge-file`), written over ours. For an
/// encrypted file it always ends as a conflict: a clean text merge of ciphertext carries a MAC
/// that matches neither side.
fn text_merge(a: &MergeArgs, encrypted: bool, shown: &str) -> Result<()> {
    let out = Command::new("git")
        .args([
            "merge-file",
            "-p",
            "-L",
            "ours",
            "-L",
            "base",
            "-L",
            "theirs",
        ])
        .arg(&a.ours)
        .arg(&a.base)
        .arg(&a.theirs)
        .output()
        .map_err(|e| Failure::new(Code::Generic, format!("cannot run git merge-file: {e}")))?;
    let code = out.status.code().unwrap_or(-1);
    if !(0..=127).contains(&code) {
        let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(Failure::new(
            Code::Generic,
            format!(
                "{shown}: git merge-file cannot merge it ({}); our side is left in place",
                sanitize(&why)
            ),
        ));
    }
    if code == 0 && encrypted {
        return Err(Failure::new(
            Code::Generic,
            format!(
                "{shown}: the text merge of the encrypted file would not verify; our side is left in place"
            ),
        ));
    }
    write_atomic(&a.ours, &out.stdout)?;
    if code == 0 {
        Ok(())
    } else {
        // git reports the conflict itself.
        Err(Failure::new(Code::Generic, ""))
    }
}

fn run_merge(a: MergeArgs) -> Result<()> {
    let name = a.path.clone().unwrap_or_else(|| a.ours.clone());
    let shown = sanitize(&name.display().to_string());
    let quoted = shell_words::quote(&shown).into_owned();
    let kind = kind_for(a.input_type, Some(&name));
    let read = |p: &Path| Input::File(p.to_path_buf()).read();
    let base = read(&a.base)?;
    let ours = read(&a.ours)?;
    let theirs = read(&a.theirs)?;
    let encrypted = |s: &[u8]| !s.is_empty() && attributes::is_encrypted(kind, s.to_vec());
    let (eb, eo, et) = (encrypted(&base), encrypted(&ours), encrypted(&theirs));
    if !eb && !eo && !et {
        // Not an encrypted file (a pattern may cover more than the rules): git's usual merge.
        return text_merge(&a, false, &shown);
    }
    if !(eo && et && (eb || base.is_empty())) {
        eprintln!(
            "veil git merge: {shown}: not every version (base, ours, theirs) is encrypted; git's text merge is left in the file"
        );
        return text_merge(&a, true, &shown);
    }
    let keys = crate::keys::from_process();
    let base = (!base.is_empty()).then_some(base);
    match merge::merge(kind, base, ours, theirs, &keys) {
        Ok(Outcome::Merged(bytes)) => write_atomic(&a.ours, &bytes),
        Ok(Outcome::Conflicts { conflicts, docs }) => {
            eprintln!(
                "veil git merge: {shown}: the values cannot be merged automatically; our side's encrypted file is left in place:"
            );
            for c in &conflicts {
                match &c.path {
                    Some(p) => eprintln!("  {}: {}", p.display(docs), c.reason),
                    None => eprintln!("  {}", c.reason),
                }
            }
            eprintln!(
                "  resolve with `veil edit {quoted}` (their version: `git show :3:{quoted} | veil decrypt --input-type {}`), then `git add {quoted}`",
                kind.name()
            );
            Err(Failure::new(
                Code::Generic,
                format!("{shown}: merge conflict in encrypted values"),
            ))
        }
        Err(f) => {
            let why = if f.code == Code::CouldNotRetrieveKey {
                "no identity here can open the data key".to_string()
            } else {
                f.message.lines().next().unwrap_or_default().to_string()
            };
            eprintln!(
                "veil git merge: {shown}: the values cannot be merged ({}); git's text conflict is left in the encrypted file. With an identity that opens it, `git checkout -m -- {quoted}` merges it again with veil (then `git add` it)",
                sanitize(&why)
            );
            text_merge(&a, true, &shown)
        }
    }
}

fn to_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(
            Code::CouldNotWriteOutput,
            format!("<stdout>: cannot write: {e}"),
        )),
    }
}

fn textconv(a: TextconvArgs) -> Result<()> {
    let input = Input::File(a.file.clone());
    let src = input.read()?;
    let shown = input.display();
    let kind = kind_for(a.input_type, Some(&a.file));
    if !attributes::is_encrypted(kind, src.clone()) {
        if src.contains(&0) {
            // Binary content a pattern happens to cover: a line that changes with it.
            use sha2::Digest;
            let digest = hex::encode(sha2::Sha256::digest(&src));
            return to_stdout(
                format!("binary file, {} bytes, sha256 {digest}\n", src.len()).as_bytes(),
            );
        }
        return to_stdout(&src);
    }
    let keys = crate::keys::from_process();
    let store = kind.reading_store();
    let opened = whole::open(store, src.clone(), &keys, false);
    let plain = opened.and_then(|mut o| {
        if kind == store.kind() {
            Ok(zeroize::Zeroizing::new(write_lossless(
                store,
                &o.doc,
                None,
                &mut o.layout,
            )))
        } else {
            kind.store()
                .emit(&o.doc.docs, None)
                .map(zeroize::Zeroizing::new)
                .map_err(|e| Failure::new(Code::Generic, e.to_string()))
        }
    });
    match plain {
        Ok(bytes) => to_stdout(&bytes),
        Err(f) => {
            let why = if f.code == Code::CouldNotRetrieveKey {
                "no identity here can open it".to_string()
            } else {
                f.message.lines().next().unwrap_or_default().to_string()
            };
            eprintln!(
                "veil git textconv: {shown}: {}; showing the encrypted text",
                sanitize(&why)
            );
            to_stdout(&src)
        }
    }
}
