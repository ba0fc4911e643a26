//! The sops personality: veil invoked as `sops` (a symlink or a copy named `sops`), or as
//! `veil sops …`, reads sops 3.11's command line and runs veil's own commands. This module only
//! translates: it parses sops's flags ([`flags`]), applies sops's argument checks and exit codes
//! where they differ from veil's, and builds the argument structs of veil's commands, which do
//! the work. Nothing here encrypts, decrypts or writes a file by itself.

pub mod completion;
pub mod flags;

use std::path::{Path, PathBuf};

use flags::{Level, Parsed, UsageError};

use super::encrypt::KeyArgs;
use super::selection::SelectionFlags;
use super::{FileIo, decrypt, edit, encrypt, exec, filestatus, groups, rotate, set};
use crate::error::{Code, Failure, Result};
use crate::format::Kind;

/// The sops version the personality answers to (and writes into files' metadata).
pub const SOPS_VERSION: &str = "3.11.0";

/// Runs a sops command line (`argv` without the program name) and returns the exit code.
pub fn main(argv: Vec<String>) -> i32 {
    match run(&argv) {
        Ok(()) => 0,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("{}", crate::fsio::sanitize(&f.message));
            }
            f.code as i32
        }
    }
}

fn usage(e: UsageError) -> Failure {
    Failure::new(
        Code::Generic,
        format!("veil (as sops): incorrect usage: {} (see sops --help)", e.0),
    )
}

/// A failure with veil's message and the exit code sops uses.
fn fail(code: Code, msg: impl std::fmt::Display) -> Failure {
    Failure::new(code, format!("veil (as sops): {msg}"))
}

fn run(argv: &[String]) -> Result<()> {
    let global = Level::parse(flags::global(), argv, false).map_err(usage)?;
    let top = Parsed { global, sub: None };
    if top.bool("help") {
        print!("{}", completion::help());
        return Ok(());
    }
    if top.bool("version") {
        version(&top);
        return Ok(());
    }
    let first = top.global.args.first().cloned();
    let Some(name) = first.filter(|n| flags::COMMANDS.contains(&n.as_str())) else {
        return legacy(&top);
    };
    let rest = top.global.args[1..].to_vec();
    // `groups` and `completion` have subcommands of their own.
    let (key, rest) = match name.as_str() {
        "groups" | "completion" => match rest.first().map(String::as_str) {
            Some(s @ ("add" | "delete" | "remove" | "bash" | "zsh")) => {
                let s = if s == "remove" { "delete" } else { s };
                (format!("{name}-{s}"), rest[1..].to_vec())
            }
            _ => {
                print!("{}", completion::help());
                return Ok(());
            }
        },
        _ => (name.clone(), rest),
    };
    let spec = flags::command(&key).expect("every listed command has a flag table");
    let sub = Level::parse(spec, &rest, true).map_err(usage)?;
    let p = Parsed {
        global: top.global,
        sub: Some(sub),
    };
    if p.sub.as_ref().is_some_and(|s| s.given("help")) || matches!(key.as_str(), "help" | "h") {
        print!("{}", completion::help());
        return Ok(());
    }
    setup(&p)?;
    match key.as_str() {
        "encrypt" => cmd_encrypt(&p),
        "decrypt" => cmd_decrypt(&p),
        "rotate" => cmd_rotate(&p, false),
        "edit" => cmd_edit(&p),
        "set" => cmd_set(&p),
        "unset" => cmd_unset(&p),
        "updatekeys" => cmd_updatekeys(&p),
        "exec-env" => cmd_exec_env(&p),
        "exec-file" => cmd_exec_file(&p),
        "filestatus" => cmd_filestatus(&p),
        "groups-add" => cmd_groups_add(&p),
        "groups-delete" => cmd_groups_delete(&p),
        "completion-bash" => {
            print!("{}", completion::bash());
            Ok(())
        }
        "completion-zsh" => {
            print!("{}", completion::zsh());
            Ok(())
        }
        "publish" => Err(fail(
            Code::Generic,
            "`publish` is not supported: veil does not upload files to S3, GCS or Vault. Decrypt (and re-encrypt) the file and copy it with your storage's own tools",
        )),
        "keyservice" => Err(fail(
            Code::Generic,
            "`keyservice` is not supported: veil has no key service server (it uses the local keys: age, PGP, AWS KMS)",
        )),
        other => Err(fail(Code::Generic, format!("unknown command {other:?}"))),
    }
}

/// `sops --version`: sops's first line (callers match `^sops (\d+)\.(\d+)\.(\d+)`), naming veil.
fn version(p: &Parsed) {
    println!("sops {SOPS_VERSION} (veil {})", env!("CARGO_PKG_VERSION"));
    if p.bool("check-for-updates") {
        eprintln!("veil (as sops): veil does not check for updates (it makes no network request)");
    }
}

/// What every command shares: the key service flags, the decryption order, the indentation of
/// re-rendered output.
fn setup(p: &Parsed) -> Result<()> {
    // A remote key service at either level (sops reads only the subcommand's; veil refuses
    // one wherever it is given, rather than ignore it).
    let mut remote = p.global.many("keyservice");
    if let Some(sub) = &p.sub {
        remote.extend(sub.many("keyservice"));
    }
    if !remote.is_empty() {
        return Err(fail(
            Code::Generic,
            format!(
                "--keyservice {} is refused: veil has no remote key service client; it uses its local keys (age, PGP, AWS KMS), as sops does with --enable-local-keyservice",
                remote.join(",")
            ),
        ));
    }
    if !p.bool("enable-local-keyservice") {
        return Err(fail(
            Code::Generic,
            "--enable-local-keyservice=false leaves no key service: veil only has the local one",
        ));
    }
    let order = p.string("decryption-order").unwrap_or_default();
    let order = crate::keys::keyring::DecryptionOrder::parse(&order)
        .map_err(|e| fail(Code::DuplicateDecryptionKeyType, e))?;
    crate::keys::keyring::set_decryption_order(order);
    let (mut yaml, mut json) = (None, None);
    if let Ok(Some(cfg)) = crate::config::Config::load_for_cwd(config(p).as_deref()) {
        (yaml, json) = cfg.store_indents();
    }
    // Like sops, `--indent` counts at the top level (the legacy modes) only: a subcommand does
    // not see it.
    if p.sub.is_none() && p.is_set("indent") {
        let n = p.int("indent").unwrap_or(0);
        if n < 0 {
            return Err(fail(Code::Generic, "--indent cannot be negative"));
        }
        yaml = Some(n as usize);
        json = Some(n as usize);
    }
    crate::format::set_emit_indent(yaml, json);
    Ok(())
}

fn config(p: &Parsed) -> Option<PathBuf> {
    p.string("config").map(PathBuf::from)
}

/// A sops format name: yaml, json, dotenv, ini, binary (and veil's toml). sops reads any other
/// name as binary.
fn kind_named(name: &str) -> Kind {
    match name {
        "yaml" => Kind::Yaml,
        "json" => Kind::Json,
        "dotenv" => Kind::Dotenv,
        "ini" => Kind::Ini,
        "toml" => Kind::Toml,
        _ => Kind::Binary,
    }
}

/// The format sops gives a path: by extension, and binary for anything else — `.toml` included
/// (sops has no TOML store; veil reads TOML only when asked with `--input-type toml`).
fn kind_of_path(path: &Path) -> Kind {
    match Kind::from_path(path) {
        Kind::Toml => Kind::Binary,
        k => k,
    }
}

/// The input and output formats of a command: the flags, else the (override) file name.
fn types(p: &Parsed, name: Option<&Path>) -> (Option<Kind>, Option<Kind>) {
    let from_name = name.map(kind_of_path);
    let input = p.string("input-type").map(|s| kind_named(&s)).or(from_name);
    let output = p
        .string("output-type")
        .map(|s| kind_named(&s))
        .or(from_name);
    (input, output)
}

fn key_args(p: &Parsed) -> KeyArgs {
    KeyArgs {
        age: p.string("age"),
        pgp: p.string("pgp"),
        kms: p.string("kms"),
        encryption_context: p.string("encryption-context"),
        aws_profile: p.string("aws-profile"),
        gcp_kms: p.string("gcp-kms"),
        azure_kv: p.string("azure-kv"),
        hc_vault_transit: p.string("hc-vault-transit"),
        hckms: None,
    }
}

fn selection(p: &Parsed) -> SelectionFlags {
    SelectionFlags {
        unencrypted_suffix: p.string("unencrypted-suffix"),
        encrypted_suffix: p.string("encrypted-suffix"),
        unencrypted_regex: p.string("unencrypted-regex"),
        encrypted_regex: p.string("encrypted-regex"),
        unencrypted_comment_regex: p.string("unencrypted-comment-regex"),
        encrypted_comment_regex: p.string("encrypted-comment-regex"),
        mac_only_encrypted: p.bool("mac-only-encrypted"),
    }
}

fn threshold(p: &Parsed) -> Result<Option<u32>> {
    match p.int("shamir-secret-sharing-threshold") {
        None => Ok(None),
        Some(n) => u32::try_from(n).map(Some).map_err(|_| {
            fail(
                Code::Generic,
                "--shamir-secret-sharing-threshold must be a positive number",
            )
        }),
    }
}

/// The file argument: the first positional one (sops ignores the others, with a warning).
fn file_arg(p: &Parsed) -> Result<PathBuf> {
    let args = p.args();
    let Some(first) = args.first() else {
        return Err(fail(Code::NoFile, "no file specified"));
    };
    if args.len() > 1 {
        eprintln!(
            "veil (as sops): more than one file given; only {first:?} is used (flags go before the file)"
        );
    }
    Ok(PathBuf::from(first))
}

fn require_exists(path: &Path) -> Result<()> {
    if path.exists() {
        Ok(())
    } else {
        Err(fail(
            Code::NoFile,
            format!(
                "cannot operate on non-existent file {:?}",
                crate::fsio::sanitize(&path.display().to_string())
            ),
        ))
    }
}

fn no_in_place_with_output(p: &Parsed) -> Result<()> {
    if p.bool("in-place") && p.string("output").is_some() {
        return Err(fail(
            Code::ConflictingParameters,
            "cannot use both --output and --in-place",
        ));
    }
    Ok(())
}

/// sops's answer when the creation rule that applies has no key at all (a rule with only a
/// `path_regex`, `key_groups: []`, or empty groups): exit 1 with sops's message.
fn require_rule_keys(p: &Parsed, name: Option<&Path>, keys: &KeyArgs) -> Result<()> {
    if keys.flags().any() {
        return Ok(());
    }
    let Ok(Some(cfg)) = crate::config::Config::load_for_cwd(config(p).as_deref()) else {
        return Ok(());
    };
    let target = name.unwrap_or(Path::new("-"));
    let Ok(Some(m)) = cfg.rule_for(target) else {
        return Ok(());
    };
    let empty = crate::keys::recipients::rule_recipients(m.rule, &[])
        .map(|r| r.is_empty())
        .unwrap_or(false);
    if empty {
        return Err(Failure::new(
            Code::Generic,
            "Could not generate data key: [empty key group provided]",
        ));
    }
    Ok(())
}

/// veil's exit codes where sops's differ for the same failure.
fn sops_code(f: Failure) -> Failure {
    let code = match f.code {
        // sops: a key that cannot be used, or no key, while encrypting is a generic error.
        Code::NoEncryptionKey | Code::ConfigError => Code::Generic,
        // A well-formed path (checked before) that is not in the file.
        Code::InvalidTreePath => Code::Generic,
        c => c,
    };
    Failure::new(code, f.message)
}

/// sops opens `/dev/stdin` like a file (ansible's community.sops passes it); veil refuses a
/// path that is not a regular file and reads standard input as `-`. The path stays the name
/// the format and the creation rule are found by, as in sops, unless `--filename-override`.
fn stdin_path(
    file: Option<PathBuf>,
    override_: Option<PathBuf>,
) -> (Option<PathBuf>, Option<PathBuf>) {
    match file {
        Some(f)
            if ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"]
                .iter()
                .any(|s| f == Path::new(s)) =>
        {
            (Some(PathBuf::from("-")), override_.or(Some(f)))
        }
        f => (f, override_),
    }
}

fn encrypt_args(p: &Parsed, file: Option<PathBuf>) -> Result<encrypt::EncryptArgs> {
    let override_ = p.string("filename-override").map(PathBuf::from);
    let (file, override_) = stdin_path(file, override_);
    let name = override_.clone().or(file.clone());
    let (input_type, output_type) = types(p, name.as_deref());
    Ok(encrypt::EncryptArgs {
        io: FileIo {
            file,
            in_place: p.bool("in-place"),
            output: p.string("output").map(PathBuf::from),
            input_type,
            output_type,
            filename_override: override_,
        },
        keys: key_args(p),
        shamir_secret_sharing_threshold: threshold(p)?,
        selection: selection(p),
        sops_layout: true,
    })
}

fn run_encrypt(p: &Parsed, file: Option<PathBuf>) -> Result<()> {
    let args = encrypt_args(p, file)?;
    let name = args.io.filename_override.clone().or(args.io.file.clone());
    require_rule_keys(p, name.as_deref(), &args.keys)?;
    encrypt::run(args, config(p).as_deref()).map_err(new_file_code)
}

/// [`sops_code`] for encrypt: sops fails a Shamir threshold it cannot split with while
/// generating the data key (exit 1).
fn new_file_code(f: Failure) -> Failure {
    shamir_code(f, Code::Generic)
}

/// [`sops_code`] for edit: sops's edit of a new file fails the same threshold while wrapping
/// the data key (exit 128).
fn edit_code(f: Failure) -> Failure {
    shamir_code(f, Code::CouldNotRetrieveKey)
}

fn shamir_code(f: Failure, code: Code) -> Failure {
    if f.code == Code::ConflictingParameters && f.message.contains("Shamir threshold") {
        Failure::new(code, f.message)
    } else {
        sops_code(f)
    }
}

fn cmd_encrypt(p: &Parsed) -> Result<()> {
    let stdin = p.args().is_empty();
    if stdin {
        if p.bool("in-place") {
            return Err(fail(
                Code::ConflictingParameters,
                "cannot use --in-place when reading from stdin",
            ));
        }
        if p.string("filename-override").is_none() {
            return Err(fail(
                Code::ConflictingParameters,
                "--filename-override is needed when reading from stdin",
            ));
        }
    }
    no_in_place_with_output(p)?;
    let file = if stdin { None } else { Some(file_arg(p)?) };
    if let Some(f) = &file {
        require_exists(f)?;
    }
    run_encrypt(p, file)
}

fn run_decrypt(p: &Parsed, file: Option<PathBuf>) -> Result<()> {
    let override_ = p.string("filename-override").map(PathBuf::from);
    let (file, override_) = stdin_path(file, override_);
    let name = override_.clone().or(file.clone());
    let (input_type, output_type) = types(p, name.as_deref());
    if let Some(path) = p.string("extract") {
        crate::pipeline::treepath::parse(&path).map_err(|e| {
            fail(
                Code::InvalidTreePath,
                format!("cannot parse the --extract path: {e}"),
            )
        })?;
    }
    decrypt::run(decrypt::DecryptArgs {
        io: FileIo {
            file,
            in_place: p.bool("in-place"),
            output: p.string("output").map(PathBuf::from),
            input_type,
            output_type,
            filename_override: override_,
        },
        extract: p.string("extract"),
        ignore_mac: p.bool("ignore-mac"),
    })
    .map_err(sops_code)
}

fn cmd_decrypt(p: &Parsed) -> Result<()> {
    let stdin = p.args().is_empty();
    if stdin && p.bool("in-place") {
        return Err(fail(
            Code::ConflictingParameters,
            "cannot use --in-place when reading from stdin",
        ));
    }
    no_in_place_with_output(p)?;
    let file = if stdin { None } else { Some(file_arg(p)?) };
    if let Some(f) = &file {
        require_exists(f)?;
    }
    run_decrypt(p, file)
}

/// The `--add-*` and `--rm-*` flags.
const KEY_CHANGES: [&str; 12] = [
    "add-kms",
    "add-pgp",
    "add-gcp-kms",
    "add-hc-vault-transit",
    "add-azure-kv",
    "add-age",
    "rm-kms",
    "rm-pgp",
    "rm-gcp-kms",
    "rm-hc-vault-transit",
    "rm-azure-kv",
    "rm-age",
];

/// Keys of a file that does not exist cannot change (exit 49).
fn no_key_changes_of_missing(p: &Parsed, file: &Path) -> Result<()> {
    if !file.exists() && KEY_CHANGES.iter().any(|c| p.string(c).is_some()) {
        return Err(fail(
            Code::CannotChangeKeysOfNonexistentFile,
            format!(
                "cannot add or remove keys of a file that does not exist: {}",
                crate::fsio::sanitize(&file.display().to_string())
            ),
        ));
    }
    Ok(())
}

/// `rotate`, or `--rotate` (`legacy`): a new data key, keys added and removed; the result goes
/// to stdout unless `-i` or `--output`.
fn cmd_rotate(p: &Parsed, legacy: bool) -> Result<()> {
    let file = file_arg(p)?;
    no_in_place_with_output(p)?;
    no_key_changes_of_missing(p, &file)?;
    if legacy {
        require_exists(&file)?;
    }
    let name = p
        .string("filename-override")
        .map(PathBuf::from)
        .unwrap_or(file.clone());
    let (input_type, output_type) = types(p, Some(&name));
    let output = if p.bool("in-place") {
        None
    } else {
        Some(
            p.string("output")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("-")),
        )
    };
    let s = |n: &str| p.string(n);
    rotate::run_rotate(rotate::RotateArgs {
        files: vec![file],
        all: false,
        add_age: s("add-age"),
        rm_age: s("rm-age"),
        add_pgp: s("add-pgp"),
        rm_pgp: s("rm-pgp"),
        add_kms: s("add-kms"),
        rm_kms: s("rm-kms"),
        encryption_context: s("encryption-context"),
        aws_profile: s("aws-profile"),
        rm_gcp_kms: s("rm-gcp-kms"),
        rm_azure_kv: s("rm-azure-kv"),
        rm_hc_vault_transit: s("rm-hc-vault-transit"),
        rm_hckms: None,
        add_gcp_kms: s("add-gcp-kms"),
        add_azure_kv: s("add-azure-kv"),
        add_hc_vault_transit: s("add-hc-vault-transit"),
        add_hckms: None,
        dry_run: false,
        in_place: p.bool("in-place"),
        output: output.clone(),
        input_type,
        output_type: output.and(output_type),
    })
    .map_err(sops_code)
}

fn cmd_edit(p: &Parsed) -> Result<()> {
    let file = file_arg(p)?;
    run_edit(p, file)
}

fn run_edit(p: &Parsed, file: PathBuf) -> Result<()> {
    let (input_type, _) = types(p, Some(&file));
    let keys = key_args(p);
    if !file.exists() {
        require_rule_keys(p, Some(&file), &keys)?;
    }
    edit::run(
        edit::EditArgs {
            file,
            input_type,
            keys,
            shamir_secret_sharing_threshold: threshold(p)?,
            selection: selection(p),
            show_master_keys: p.bool("show-master-keys"),
            keep_key_env: false,
            ignore_mac: p.bool("ignore-mac"),
        },
        config(p).as_deref(),
    )
    .map_err(edit_code)
}

/// A tree path as sops checks it for `set` and `unset` (exit 7 when malformed).
fn set_path(path: &str, what: &str) -> Result<()> {
    crate::pipeline::treepath::parse(path)
        .map(drop)
        .map_err(|e| fail(Code::InvalidSetFormat, format!("invalid {what} index: {e}")))
}

fn cmd_set(p: &Parsed) -> Result<()> {
    let (value_file, value_stdin) = (p.bool("value-file"), p.bool("value-stdin"));
    if value_file && value_stdin {
        return Err(fail(
            Code::Generic,
            "--value-file and --value-stdin cannot be used together",
        ));
    }
    let args = p.args();
    let want = if value_stdin { 2 } else { 3 };
    if args.len() != want {
        return Err(fail(
            Code::NoFile,
            format!(
                "set takes exactly {want} arguments: FILE INDEX{}",
                if value_stdin { "" } else { " VALUE" }
            ),
        ));
    }
    let file = PathBuf::from(&args[0]);
    set_path(&args[1], "set")?;
    run_set(
        p,
        file,
        args[1].clone(),
        args.get(2).cloned(),
        value_stdin,
        value_file,
    )
}

fn run_set(
    p: &Parsed,
    file: PathBuf,
    path: String,
    value: Option<String>,
    value_stdin: bool,
    value_file: bool,
) -> Result<()> {
    let (input_type, output_type) = types(p, Some(&file));
    set::run_set(set::SetArgs {
        file,
        path,
        value,
        value_stdin,
        value_file,
        idempotent: p.bool("idempotent"),
        input_type,
        output_type,
        ignore_mac: p.bool("ignore-mac"),
    })
    .map_err(sops_code)
}

fn cmd_unset(p: &Parsed) -> Result<()> {
    let args = p.args();
    if args.len() != 2 {
        return Err(fail(
            Code::NoFile,
            "unset takes exactly 2 arguments: FILE INDEX",
        ));
    }
    let file = PathBuf::from(&args[0]);
    set_path(&args[1], "unset")?;
    let (input_type, output_type) = types(p, Some(&file));
    set::run_unset(set::UnsetArgs {
        file,
        path: args[1].clone(),
        idempotent: p.bool("idempotent"),
        input_type,
        output_type,
        ignore_mac: p.bool("ignore-mac"),
    })
    .map_err(sops_code)
}

fn cmd_updatekeys(p: &Parsed) -> Result<()> {
    if p.args().is_empty() {
        return Err(fail(Code::NoFile, "no file specified"));
    }
    let files: Vec<PathBuf> = p.args().iter().map(PathBuf::from).collect();
    let input_type = p.string("input-type").map(|s| kind_named(&s));
    rotate::run_updatekeys(
        rotate::UpdatekeysArgs {
            files,
            all: false,
            yes: p.bool("yes"),
            dry_run: false,
            input_type,
        },
        config(p).as_deref(),
    )
    .map_err(sops_code)
}

/// The file and the command of `exec-env`/`exec-file`; sops runs the command with /bin/sh -c.
fn exec_operands(p: &Parsed) -> Result<(PathBuf, Vec<std::ffi::OsString>)> {
    match p.args() {
        [file, command] => Ok((
            PathBuf::from(file),
            vec!["/bin/sh".into(), "-c".into(), command.into()],
        )),
        _ => Err(fail(
            Code::Generic,
            "exec-env and exec-file take exactly 2 arguments: FILE COMMAND",
        )),
    }
}

fn cmd_exec_env(p: &Parsed) -> Result<()> {
    let (file, command) = exec_operands(p)?;
    if p.bool("background") {
        eprintln!("veil (as sops): --background is deprecated in sops");
        if p.bool("same-process") {
            return Err(fail(
                Code::ConflictingParameters,
                "--same-process cannot be used with --background",
            ));
        }
    }
    let (input_type, _) = types(p, Some(&file));
    // sops passes its whole environment on, the identity variables too (a command may run sops).
    exec::run_env(exec::ExecEnvArgs {
        files: vec![file],
        command,
        pristine: p.bool("pristine"),
        keep_key_env: true,
        input_type,
        background: p.bool("background"),
        user: p.string("user"),
        same_process: p.bool("same-process"),
    })
    .map_err(sops_code)
}

fn cmd_exec_file(p: &Parsed) -> Result<()> {
    let (file, command) = exec_operands(p)?;
    if p.bool("background") {
        eprintln!("veil (as sops): --background is deprecated in sops");
    }
    let (input_type, output_type) = types(p, Some(&file));
    exec::run_file(exec::ExecFileArgs {
        files: vec![file],
        command,
        keep_key_env: true,
        no_fifo: p.bool("no-fifo"),
        filename: p.string("filename").unwrap_or_else(|| "tmp-file".into()),
        input_type,
        output_type,
        background: p.bool("background"),
        user: p.string("user"),
    })
    .map_err(sops_code)
}

fn cmd_filestatus(p: &Parsed) -> Result<()> {
    let file = file_arg(p)?;
    if !file.is_file() {
        return Err(fail(
            Code::Generic,
            format!(
                "{}: cannot read the file",
                crate::fsio::sanitize(&file.display().to_string())
            ),
        ));
    }
    let (input_type, _) = types(p, Some(&file));
    filestatus::run(filestatus::FilestatusArgs { file, input_type })
}

fn group_io(p: &Parsed) -> Result<groups::GroupIo> {
    let file = p
        .string("file")
        .map(PathBuf::from)
        .ok_or_else(|| fail(Code::Generic, "no file given: pass --file FILE"))?;
    if !file.is_file() {
        return Err(fail(
            Code::Generic,
            format!(
                "{}: no such file",
                crate::fsio::sanitize(&file.display().to_string())
            ),
        ));
    }
    let (input_type, _) = types(p, Some(&file));
    Ok(groups::GroupIo {
        file,
        in_place: p.bool("in-place"),
        output: None,
        input_type,
        shamir_secret_sharing_threshold: threshold(p)?,
    })
}

/// sops reports a Shamir threshold a group change cannot keep as a generic error.
fn groups_code(f: Failure) -> Failure {
    match f.code {
        Code::ConflictingParameters => Failure::new(Code::Generic, f.message),
        _ => sops_code(f),
    }
}

fn cmd_groups_add(p: &Parsed) -> Result<()> {
    if !p.args().is_empty() {
        return Err(fail(
            Code::Generic,
            "groups add takes no positional argument",
        ));
    }
    let join = |n: &str| {
        let v = p.many(n);
        (!v.is_empty()).then(|| v.join(","))
    };
    let keys = KeyArgs {
        age: join("age"),
        pgp: join("pgp"),
        kms: join("kms"),
        encryption_context: p.string("encryption-context"),
        aws_profile: p.string("aws-profile"),
        gcp_kms: join("gcp-kms"),
        azure_kv: join("azure-kv"),
        hc_vault_transit: join("hc-vault-transit"),
        hckms: None,
    };
    groups::run(groups::GroupsArgs {
        action: groups::GroupsAction::Add(Box::new(groups::GroupAddArgs {
            io: group_io(p)?,
            keys,
        })),
    })
    .map_err(groups_code)
}

fn cmd_groups_delete(p: &Parsed) -> Result<()> {
    let [index] = p.args() else {
        return Err(fail(
            Code::Generic,
            "groups delete takes exactly one argument: the index of the group",
        ));
    };
    let index: usize = index
        .parse()
        .map_err(|_| fail(Code::Generic, format!("invalid group index {index:?}")))?;
    groups::run(groups::GroupsArgs {
        action: groups::GroupsAction::Remove(groups::GroupRemoveArgs {
            io: group_io(p)?,
            index,
        }),
    })
    .map_err(groups_code)
}

/// The top level without a subcommand: the legacy mode flags (`-e`, `-d`, `-r`, `--set`) or,
/// with none of them, `sops FILE` edits.
fn legacy(p: &Parsed) -> Result<()> {
    setup(p)?;
    let (enc, dec, rot) = (p.bool("encrypt"), p.bool("decrypt"), p.bool("rotate"));
    let set = p.string("set");
    let file = file_arg(p)?;
    no_in_place_with_output(p)?;
    no_key_changes_of_missing(p, &file)?;
    let modes = [enc, dec, rot, set.is_some()]
        .iter()
        .filter(|m| **m)
        .count();
    if modes > 1 {
        eprintln!(
            "veil (as sops): more than one of --encrypt, --decrypt, --rotate, --set: only the last is carried out"
        );
    }
    if let Some(spec) = set {
        // `--set '["a"]["b"] VALUE'`: the path ends at the first "] ".
        let Some(cut) = spec.find("] ") else {
            return Err(fail(
                Code::InvalidSetFormat,
                "invalid --set: expected '[\"key\"] VALUE'",
            ));
        };
        let (path, value) = (
            spec[..=cut].trim_end().to_string(),
            spec[cut + 2..].to_string(),
        );
        set_path(&path, "--set")?;
        require_exists(&file)?;
        return run_set(p, file, path, Some(value), false, false);
    }
    if rot {
        return cmd_rotate(p, true);
    }
    if dec {
        require_exists(&file)?;
        return run_decrypt(p, Some(file));
    }
    if enc {
        require_exists(&file)?;
        return run_encrypt(p, Some(file));
    }
    run_edit(p, file)
}
