//! `veil rotate` and `veil updatekeys`: the flags and what is printed. What changes in a file,
//! and whether it changed, is decided by [`crate::pipeline::rekey`].

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use crate::error::{Code, Failure, Result};
use crate::format::Kind;
use crate::keys::master::{
    KeyKind, Recipient, parse_age_list, parse_kept_list, parse_kms_list, parse_pgp_list,
};
use crate::keys::recipients::KeyFlags;
use crate::pipeline::rekey::{self, KeyChange, Plan};
use crate::pipeline::rewrite::require_existing;

#[derive(Debug, Args)]
pub struct RotateArgs {
    /// Encrypted files to rotate
    #[arg(value_name = "FILE", required_unless_present = "all")]
    pub files: Vec<PathBuf>,
    /// Rotate every encrypted file of the repository (git's tracked files, or a directory walk
    /// outside git)
    #[arg(long, conflicts_with = "files")]
    pub all: bool,
    /// age recipients to add (to the first key group), comma-separated
    #[arg(long, value_name = "RECIPIENTS")]
    pub add_age: Option<String>,
    /// age recipients to remove (from every key group), comma-separated
    #[arg(long, value_name = "RECIPIENTS")]
    pub rm_age: Option<String>,
    /// PGP fingerprints to add (to the first key group), comma-separated
    #[arg(long, value_name = "FINGERPRINTS")]
    pub add_pgp: Option<String>,
    /// PGP fingerprints to remove (from every key group), comma-separated
    #[arg(long, value_name = "FINGERPRINTS")]
    pub rm_pgp: Option<String>,
    /// AWS KMS keys to add, comma-separated ARN[+ROLE_ARN]
    #[arg(long, value_name = "ARNS")]
    pub add_kms: Option<String>,
    /// AWS KMS keys to remove, comma-separated ARNs (whatever their context)
    #[arg(long, value_name = "ARNS")]
    pub rm_kms: Option<String>,
    /// Encryption context of the added KMS keys: key:value,key2:value2
    #[arg(long, value_name = "CONTEXT")]
    pub encryption_context: Option<String>,
    /// AWS profile of the added KMS keys
    #[arg(long, value_name = "PROFILE")]
    pub aws_profile: Option<String>,
    /// GCP KMS keys to remove, comma-separated resource IDs (veil cannot add them)
    #[arg(long, value_name = "IDS")]
    pub rm_gcp_kms: Option<String>,
    /// Azure Key Vault keys to remove, comma-separated URLs (veil cannot add them)
    #[arg(long, value_name = "URLS")]
    pub rm_azure_kv: Option<String>,
    /// HashiCorp Vault transit keys to remove, comma-separated URIs (veil cannot add them)
    #[arg(long, value_name = "URIS")]
    pub rm_hc_vault_transit: Option<String>,
    /// HuaweiCloud KMS keys to remove, comma-separated key IDs (veil cannot add them)
    #[arg(long, value_name = "IDS")]
    pub rm_hckms: Option<String>,
    /// Refused with exit 113: veil cannot wrap for GCP KMS keys
    #[arg(long, value_name = "IDS", hide = true)]
    pub add_gcp_kms: Option<String>,
    /// Refused with exit 113: veil cannot wrap for Azure Key Vault keys
    #[arg(long, value_name = "URLS", hide = true)]
    pub add_azure_kv: Option<String>,
    /// Refused with exit 113: veil cannot wrap for HashiCorp Vault keys
    #[arg(long, value_name = "URIS", hide = true)]
    pub add_hc_vault_transit: Option<String>,
    /// Refused with exit 113: veil cannot wrap for HuaweiCloud KMS keys
    #[arg(long, value_name = "IDS", hide = true)]
    pub add_hckms: Option<String>,
    /// Show what would change without writing
    #[arg(long)]
    pub dry_run: bool,
    /// Accepted for sops compatibility: rotation writes in place unless --output is given
    #[arg(short = 'i', long, hide = true, conflicts_with = "output")]
    pub in_place: bool,
    /// Write the rotated file here (atomically; `-` for standard output) instead of in place:
    /// one FILE only
    #[arg(long, value_name = "PATH", conflicts_with_all = ["all", "dry_run"])]
    pub output: Option<PathBuf>,
    /// Format of the files (default: from the extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
    /// Format of the rotated file with --output (default: the input's)
    #[arg(long, value_enum, value_name = "TYPE", requires = "output")]
    pub output_type: Option<Kind>,
}

#[derive(Debug, Args)]
pub struct UpdatekeysArgs {
    /// Encrypted files whose keys should match .sops.yaml
    #[arg(value_name = "FILE", required_unless_present = "all")]
    pub files: Vec<PathBuf>,
    /// Every encrypted file of the repository
    #[arg(long, conflicts_with = "files")]
    pub all: bool,
    /// Do not ask for confirmation
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Show the planned changes without writing
    #[arg(long)]
    pub dry_run: bool,
    /// Format of the files (default: from the extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,
}

/// Every encrypted file under `root` (see [`crate::repo::files`]). Files are recognised by
/// their metadata, not their name.
pub fn encrypted_files(root: &Path) -> Result<Vec<PathBuf>> {
    let candidates = crate::repo::files(root).map_err(|e| {
        crate::error::Failure::new(crate::error::Code::CouldNotReadInput, e.to_string())
    })?;
    let mut files: Vec<PathBuf> = candidates
        .into_iter()
        .filter(|p| {
            // Encrypted files are small text files; skip big ones quickly.
            std::fs::metadata(p)
                .map(|m| m.len() < 64 << 20)
                .unwrap_or(false)
                && std::fs::read(p)
                    .map(|b| super::filestatus::is_encrypted(Kind::from_path(p), b))
                    .unwrap_or(false)
        })
        .collect();
    files.sort();
    Ok(files)
}

/// `files` with each file once: a symlink and its target (or two links, hard or symbolic, to
/// one file) are one file, kept under the name that comes first.
fn once_each(files: Vec<PathBuf>) -> Vec<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let mut seen = std::collections::HashSet::new();
    files
        .into_iter()
        .filter(|p| match std::fs::metadata(p) {
            Ok(m) => seen.insert((m.dev(), m.ino())),
            // Missing: reported by the command.
            Err(_) => true,
        })
        .collect()
}

/// Runs `work` over `files` on all cores, with a progress bar on a terminal; returns every
/// file's result, in path order.
fn parallel<T: Send>(
    files: &[PathBuf],
    what: &str,
    work: impl Fn(&Path) -> Result<T> + Sync,
) -> Vec<(PathBuf, Result<T>)> {
    let bar = super::progress::files(files.len(), what);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(f) = files.get(i) else { break };
                    let r = work(f);
                    bar.inc(1);
                    results
                        .lock()
                        .expect("no worker panics while holding the lock")
                        .push((f.clone(), r));
                }
            });
        }
    });
    bar.finish_and_clear();
    let mut r = results.into_inner().expect("workers are done");
    r.sort_by(|a, b| a.0.cmp(&b.0));
    r
}

impl RotateArgs {
    /// The keys to add and remove, parsed.
    fn change(&self) -> Result<KeyChange> {
        let add = KeyFlags {
            age: self.add_age.clone(),
            pgp: self.add_pgp.clone(),
            kms: self.add_kms.clone(),
            encryption_context: self.encryption_context.clone(),
            aws_profile: self.aws_profile.clone(),
            gcp_kms: self.add_gcp_kms.clone(),
            azure_kv: self.add_azure_kv.clone(),
            hc_vault_transit: self.add_hc_vault_transit.clone(),
            hckms: self.add_hckms.clone(),
        }
        .recipients()?;
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        let mut remove: Vec<Recipient> = parse_age_list(&opt(&self.rm_age))
            .map_err(|e| Failure::new(Code::NoEncryptionKey, e.to_string()))?;
        remove.extend(parse_pgp_list(&opt(&self.rm_pgp)));
        remove.extend(
            parse_kms_list(&opt(&self.rm_kms), &[], None)
                .map_err(|e| Failure::new(Code::NoEncryptionKey, e.to_string()))?,
        );
        for (kind, list) in [
            (KeyKind::GcpKms, &self.rm_gcp_kms),
            (KeyKind::AzureKv, &self.rm_azure_kv),
            (KeyKind::HcVault, &self.rm_hc_vault_transit),
            (KeyKind::HcKms, &self.rm_hckms),
        ] {
            remove.extend(parse_kept_list(kind, kind.name(), &opt(list)));
        }
        Ok(KeyChange { add, remove })
    }
}

/// How one file ended, and what to print before its line.
type FileResult = Result<(Outcome, Vec<String>)>;

/// How one file ended.
enum Outcome {
    Changed,
    WouldChange,
    Unchanged,
}

/// The lines that describe a plan (`  + group 1: pgp: …`).
fn plan_lines(p: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for (g, r) in &p.added {
        out.push(format!("  + group {}: {}", g + 1, r.describe()));
    }
    for (g, r) in &p.removed {
        out.push(format!("  - group {}: {}", g + 1, r.describe()));
    }
    if let Some((a, b)) = p.threshold_change {
        let show = |t: Option<u32>| t.map(|t| t.to_string()).unwrap_or_else(|| "none".into());
        out.push(format!("  threshold: {} -> {}", show(a), show(b)));
    }
    out
}

pub fn run_rotate(args: RotateArgs) -> Result<()> {
    let change = args.change()?;
    for f in &args.files {
        if !change.is_empty() && !f.exists() {
            return Err(Failure::new(
                Code::CannotChangeKeysOfNonexistentFile,
                format!(
                    "{}: cannot change keys of a file that does not exist",
                    crate::fsio::sanitize(&f.display().to_string())
                ),
            ));
        }
        require_existing(f)?;
    }
    let cwd = std::env::current_dir().map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
    let files = once_each(if args.all {
        encrypted_files(&cwd)?
    } else {
        args.files.clone()
    });
    if files.is_empty() {
        eprintln!("veil: no encrypted files found");
        return Ok(());
    }
    // Dry runs read only the metadata: no identity is looked for (no passphrase is asked).
    let keys = (!args.dry_run).then(crate::keys::from_process);
    if let Some(out) = &args.output {
        let keys = keys
            .as_ref()
            .expect("keys are discovered unless dry-running");
        return rotate_to_output(&args, &change, &files, out, keys);
    }
    let results = parallel(&files, "rotating", |path| {
        let name = crate::fsio::sanitize(&path.display().to_string());
        let mut lines = Vec::new();
        if args.dry_run {
            let p = rekey::plan_rotation_as(path, args.input_type, &change)?;
            note_not_held(&name, &p, &mut lines);
            lines.extend(plan_lines(&p));
            return Ok((Outcome::WouldChange, lines));
        }
        let keys = keys
            .as_ref()
            .expect("keys are discovered unless dry-running");
        let r = rekey::rotate(path, args.input_type, &change, keys, keys.wrapper())?;
        note_not_held(&name, &r.plan, &mut lines);
        lines.extend(plan_lines(&r.plan));
        if !r.plan.removed.is_empty() {
            let removed: Vec<String> = r.plan.removed.iter().map(|(_, k)| k.describe()).collect();
            lines.push(removal_notice(&name, &removed, &r.exposed));
        }
        Ok((
            if r.written {
                Outcome::Changed
            } else {
                Outcome::Unchanged
            },
            lines,
        ))
    });
    summarize(("rotated", "would be rotated"), &results)
}

/// `rotate --output`: one file rotated, written to `out` (or standard output for `-`); the file
/// itself is left as it is.
fn rotate_to_output(
    args: &RotateArgs,
    change: &rekey::KeyChange,
    files: &[PathBuf],
    out: &Path,
    keys: &crate::keys::keyring::Keyring,
) -> Result<()> {
    let [path] = files else {
        return Err(Failure::new(
            Code::ConflictingParameters,
            "--output takes exactly one FILE",
        ));
    };
    let name = crate::fsio::sanitize(&path.display().to_string());
    let to = (out != Path::new("-")).then_some(out);
    // --output naming the file itself is an in-place rotation, under the file's lock.
    let same = to.is_some_and(|o| crate::fsio::is_same_file(o, path));
    let (r, file, bytes) = rekey::rotate_to_bytes(
        path,
        change,
        keys,
        keys.wrapper(),
        (args.input_type, args.output_type),
    )?;
    let mut lines = Vec::new();
    note_not_held(&name, &r.plan, &mut lines);
    lines.extend(plan_lines(&r.plan));
    for l in lines {
        eprintln!("{l}");
    }
    if same {
        let mut file = file;
        return crate::pipeline::rewrite::write_back(&mut file, &bytes).map(drop);
    }
    drop(file);
    match to {
        None => crate::fsio::Output::Stdout.write(&bytes),
        Some(o) => crate::fsio::open_output(o)?.write(&bytes),
    }
}

fn note_not_held(name: &str, p: &Plan, lines: &mut Vec<String>) {
    if !p.not_held.is_empty() {
        let keys: Vec<String> = p.not_held.iter().map(Recipient::describe).collect();
        lines.push(format!(
            "veil: {name}: not keys of the file, nothing to remove: {}",
            keys.join(", ")
        ));
    }
}

/// What to tell after a key was removed: who could read the file, and which values they could
/// read (to be rotated at their source: a new data key does not un-leak old values).
fn removal_notice(name: &str, removed: &[String], exposed: &[String]) -> String {
    format!(
        "{name}: the data key was rotated. The removed key(s) {} could read every value of this file until now; rotate these secrets at their source: {}",
        removed.join(", "),
        exposed.join(", ")
    )
}

/// Prints each file's outcome, then a count; fails when a file failed.
fn summarize((done, would): (&str, &str), results: &[(PathBuf, FileResult)]) -> Result<()> {
    let (mut changed, mut unchanged, mut failed) = (0, 0, 0);
    let mut dry = false;
    for (p, r) in results {
        let shown = crate::fsio::sanitize(&p.display().to_string());
        match r {
            Ok((outcome, lines)) => {
                for l in lines {
                    eprintln!("{l}");
                }
                match outcome {
                    Outcome::Changed => {
                        changed += 1;
                        eprintln!("{done}: {shown}");
                    }
                    Outcome::WouldChange => {
                        dry = true;
                        changed += 1;
                        eprintln!("{would}: {shown}");
                    }
                    Outcome::Unchanged => {
                        unchanged += 1;
                        eprintln!("unchanged: {shown}");
                    }
                }
            }
            Err(f) => {
                failed += 1;
                eprintln!("failed: {}", crate::fsio::sanitize(&f.message));
            }
        }
    }
    if results.len() > 1 {
        eprintln!(
            "{changed} file(s) {}, {unchanged} unchanged, {failed} failed",
            if dry { would } else { done }
        );
    }
    let failures: Vec<&Failure> = results
        .iter()
        .filter_map(|(_, r)| r.as_ref().err())
        .collect();
    match failures.as_slice() {
        [] => Ok(()),
        [f] => Err(Failure::new(f.code, f.message.clone())),
        many => Err(Failure::new(
            many[0].code,
            format!("{} of {} files failed", many.len(), results.len()),
        )),
    }
}

fn confirm(question: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(
            Code::ConflictingParameters,
            "not a terminal: pass -y to apply the changes without asking",
        ));
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

pub fn run_updatekeys(args: UpdatekeysArgs, config: Option<&Path>) -> Result<()> {
    let cfg = crate::config::Config::load_for_cwd(config)?.ok_or_else(|| {
        Failure::new(
            Code::ConfigError,
            "no .sops.yaml found (updatekeys makes the keys of files match it)",
        )
    })?;
    let cwd = std::env::current_dir().map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
    let files = once_each(if args.all {
        encrypted_files(&cwd)?
    } else {
        args.files.clone()
    });
    // Discovered when a file is first changed (a dry run asks for no passphrase).
    let keys = std::cell::OnceCell::new();
    let mut results = Vec::new();
    // Questions and a bar do not mix: the bar only when nothing is asked.
    let bar = if args.yes || args.dry_run {
        super::progress::files(files.len(), "updating keys")
    } else {
        indicatif::ProgressBar::hidden()
    };
    for path in &files {
        let r = update_one(&cfg, path, &args, &keys);
        results.push((path.clone(), r));
        bar.inc(1);
    }
    bar.finish_and_clear();
    summarize(("updated", "would be updated"), &results)
}

fn update_one(
    cfg: &crate::config::Config,
    path: &Path,
    args: &UpdatekeysArgs,
    keys: &std::cell::OnceCell<crate::keys::keyring::Keyring>,
) -> FileResult {
    require_existing(path)?;
    let name = crate::fsio::sanitize(&path.display().to_string());
    let pending = rekey::plan_update(cfg, path, args.input_type)?;
    if pending.plan.is_empty() {
        return Ok((
            Outcome::Unchanged,
            vec![format!("{name}: keys already match .sops.yaml")],
        ));
    }
    eprintln!("{name}:");
    for l in plan_lines(&pending.plan) {
        eprintln!("{l}");
    }
    if pending.plan.needs_new_data_key() {
        eprintln!("  a key is removed or the groups change: the data key will be rotated");
    }
    if args.dry_run {
        return Ok((Outcome::WouldChange, Vec::new()));
    }
    if !args.yes && !confirm("Apply?")? {
        return Ok((Outcome::Unchanged, vec![format!("{name}: not confirmed")]));
    }
    let removed: Vec<String> = pending
        .plan
        .removed
        .iter()
        .map(|(_, k)| k.describe())
        .collect();
    let keys = keys.get_or_init(crate::keys::from_process);
    let u = rekey::apply_update(path, pending, keys, keys.wrapper())?;
    let mut lines = Vec::new();
    if u.new_data_key && !removed.is_empty() {
        lines.push(removal_notice(&name, &removed, &u.exposed));
    }
    Ok((
        if u.written {
            Outcome::Changed
        } else {
            Outcome::Unchanged
        },
        lines,
    ))
}
