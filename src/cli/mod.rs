//! The command line: clap definitions (the single source of help, man page and completions)
//! and the dispatch from a parsed command to its module.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::error::Failure;
use crate::format::Kind;

pub mod checkcmd;
pub mod child;
pub mod ci;
pub mod completions;
pub mod configcmd;
pub mod decrypt;
pub mod edit;
pub mod encrypt;
pub mod exec;
pub mod filestatus;
pub mod git;
pub mod groups;
pub mod hook;
pub mod keygen;
pub mod progress;
pub mod rotate;
pub mod scan;
pub mod selection;
pub mod set;
pub mod sops;

/// Keep secrets in git safely: encrypt the values of YAML, JSON, TOML, dotenv and INI files
/// (and whole binary files), SOPS-compatible and lossless.
#[derive(Debug, Parser)]
#[command(name = "veil", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)
    #[arg(long, global = true, env = "SOPS_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Key types to try first when opening a data key, comma-separated (default: age,pgp,kms:
    /// local keys before network ones)
    #[arg(
        long,
        global = true,
        env = "SOPS_DECRYPTION_ORDER",
        value_name = "TYPES"
    )]
    pub decryption_order: Option<String>,
    /// Say on stderr what veil does: which identity opened a data key, which creation rule
    /// matched, why a file is not processed in one pass (-vv: more detail). Never values.
    #[arg(short = 'v', long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Refuse to read a file without veil's whole-document authenticator (one written by sops or
    /// an older veil) instead of printing a notice (also `veil.require_authenticator: true` in
    /// .sops.yaml)
    #[arg(long, global = true, env = "VEIL_REQUIRE_AUTHENTICATOR")]
    pub require_authenticator: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Encrypt a file's values (stdout unless -i or --output)
    Encrypt(encrypt::EncryptArgs),
    /// Decrypt a file (stdout unless -i or --output)
    Decrypt(decrypt::DecryptArgs),
    /// Edit an encrypted file in $EDITOR (decrypted in a private temporary file)
    Edit(edit::EditArgs),
    /// Set one value of an encrypted file: veil set FILE '["key"]' --value-stdin
    Set(set::SetArgs),
    /// Remove one entry of an encrypted file
    Unset(set::UnsetArgs),
    /// New data key, every value re-encrypted; add or remove recipients
    Rotate(rotate::RotateArgs),
    /// Make the recipients of encrypted files match .sops.yaml
    Updatekeys(rotate::UpdatekeysArgs),
    /// Add or remove a key group of an encrypted file (the data key is kept)
    Groups(groups::GroupsArgs),
    /// Policy gate: unencrypted files, plaintext values, drifted recipients, old data keys
    Check(checkcmd::CheckArgs),
    /// Explain the configuration
    Config(configcmd::ConfigArgs),
    /// Run a command with the top-level values of encrypted files in its environment
    ExecEnv(exec::ExecEnvArgs),
    /// Run a command with the decrypted file(s) at a private path ({} in the command)
    ExecFile(exec::ExecFileArgs),
    /// Generate an age identity (X25519, or post-quantum with --pq); the public key goes to stderr
    Keygen(keygen::KeygenArgs),
    /// Tell whether a file is encrypted, as JSON: {"encrypted":true}
    Filestatus(filestatus::FilestatusArgs),
    /// Print a shell completion script
    Completions(completions::CompletionsArgs),
    /// Find secrets in a repository's history, staged changes, a commit range or plain files
    Scan(scan::ScanArgs),
    /// Manage the git pre-commit hook that runs `veil scan --staged`
    Hook(hook::HookArgs),
    /// Git integration: a merge driver and a diff textconv for encrypted files
    Git(git::GitArgs),
    /// CI helpers: mask the secret values of encrypted files in GitHub Actions logs
    Ci(ci::CiArgs),
    /// Write the man pages (veil.1, veil-COMMAND.1) into a directory, e.g. ~/.local/share/man/man1
    Man(completions::ManArgs),
    /// Answer sops 3.11's command line (as when veil is installed as `sops`): veil sops -d FILE
    #[command(disable_help_flag = true)]
    Sops {
        /// sops's arguments
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "ARGS"
        )]
        args: Vec<String>,
    },
}

/// Options shared by the commands that read one file and write one.
#[derive(Debug, Args, Clone)]
pub struct FileIo {
    /// The file to read; `-` or nothing reads standard input
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Write the result back to FILE (atomically)
    #[arg(short = 'i', long, conflicts_with = "output")]
    pub in_place: bool,

    /// Write the result to this file (atomically) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Format of the input (default: from the file extension; unknown extensions are binary)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub input_type: Option<Kind>,

    /// Format of the output (default: from the file extension)
    #[arg(long, value_enum, value_name = "TYPE")]
    pub output_type: Option<Kind>,

    /// File name used to detect the format and to match creation rules when reading stdin
    #[arg(long, value_name = "NAME")]
    pub filename_override: Option<PathBuf>,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    let config = cli.config.as_deref();
    let order =
        crate::keys::keyring::DecryptionOrder::parse(cli.decryption_order.as_deref().unwrap_or(""))
            .map_err(|e| {
                Failure::new(
                    crate::error::Code::DuplicateDecryptionKeyType,
                    e.to_string(),
                )
            })?;
    crate::keys::keyring::set_decryption_order(order);
    let require = cli.require_authenticator
        || crate::config::Config::load_for_cwd(config)
            .ok()
            .flatten()
            .is_some_and(|c| c.file.veil.require_authenticator);
    crate::pipeline::whole::set_require_authenticator(require);
    match cli.command {
        Command::Encrypt(a) => encrypt::run(a, config),
        Command::Decrypt(a) => decrypt::run(a),
        Command::Edit(a) => edit::run(a, config),
        Command::Set(a) => set::run_set(a),
        Command::Unset(a) => set::run_unset(a),
        Command::Rotate(a) => rotate::run_rotate(a),
        Command::Updatekeys(a) => rotate::run_updatekeys(a, config),
        Command::Groups(a) => groups::run(a),
        Command::Check(a) => checkcmd::run(a, config),
        Command::Config(a) => configcmd::run(a, config),
        Command::ExecEnv(a) => exec::run_env(a),
        Command::ExecFile(a) => exec::run_file(a),
        Command::Keygen(a) => keygen::run(a),
        Command::Filestatus(a) => filestatus::run(a),
        Command::Completions(a) => completions::run(a),
        Command::Scan(a) => scan::run(a, config),
        Command::Hook(a) => hook::run(a),
        Command::Man(a) => completions::run_man(a),
        Command::Git(a) => git::run(a, config),
        Command::Ci(a) => ci::run(a),
        Command::Sops { .. } => unreachable!("`veil sops` is dispatched before parsing"),
    }
}

/// Sends `tracing` events to stderr at the level `-v` asks for (none without it).
fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => tracing::Level::DEBUG,
        _ => tracing::Level::TRACE,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .init();
}

/// Parses the process arguments, runs the command and returns the exit code.
pub fn main() -> i32 {
    // Installed as `sops` (a symlink or a copy), or `veil sops …`: sops's command line.
    let mut argv = std::env::args_os().map(|a| a.to_string_lossy().into_owned());
    let program = argv.next().unwrap_or_default();
    let rest: Vec<String> = argv.collect();
    let base = std::path::Path::new(&program)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if base == "sops" {
        return sops::main(rest);
    }
    if rest.first().map(String::as_str) == Some("sops") {
        return sops::main(rest[1..].to_vec());
    }
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match run(cli) {
        Ok(()) => 0,
        Err(f) => {
            // An empty message is an outcome already reported (e.g. `scan` found secrets).
            if !f.message.is_empty() {
                eprintln!("veil: {}", crate::fsio::sanitize(&f.message));
            }
            f.code as i32
        }
    }
}
