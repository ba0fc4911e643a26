//! sops 3.11's command line, as a table of flags per command, and a parser that reads it the
//! way sops's CLI library does: Go `flag` syntax (`-name`, `--name`, `-name=value`, a value in the
//! next argument, `--` ends the flags), flags of the top level before the first positional
//! argument, flags of a subcommand anywhere among its arguments (they are moved before the
//! positional ones), environment variables as defaults, and a subcommand reading a flag it does
//! not define from the top level.

use std::collections::HashMap;

/// How a flag takes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `--flag` (or `--flag=false`); false by default.
    Bool,
    /// Like `Bool`, true by default.
    BoolTrue,
    /// `--flag VALUE`.
    Str,
    /// `--flag N`.
    Int,
    /// `--flag VALUE`, repeatable.
    Many,
}

/// One flag: its names (the first is the one looked up), type and environment variable.
#[derive(Clone, Copy, Debug)]
pub struct Flag {
    pub names: &'static [&'static str],
    pub ty: Ty,
    pub env: Option<&'static str>,
}

const fn f(names: &'static [&'static str], ty: Ty, env: Option<&'static str>) -> Flag {
    Flag { names, ty, env }
}

use Ty::{Bool, BoolTrue, Int, Many, Str};

const HELP: Flag = f(&["help", "h"], Bool, None);
const LOCAL_KEYSERVICE: Flag = f(
    &["enable-local-keyservice"],
    BoolTrue,
    Some("SOPS_ENABLE_LOCAL_KEYSERVICE"),
);
const KEYSERVICE: Flag = f(&["keyservice"], Many, Some("SOPS_KEYSERVICE"));
const IN_PLACE: Flag = f(&["in-place", "i"], Bool, None);
const OUTPUT: Flag = f(&["output"], Str, None);
const INPUT_TYPE: Flag = f(&["input-type"], Str, None);
const OUTPUT_TYPE: Flag = f(&["output-type"], Str, None);
const IGNORE_MAC: Flag = f(&["ignore-mac"], Bool, None);
const FILENAME_OVERRIDE: Flag = f(&["filename-override"], Str, None);
const DECRYPTION_ORDER: Flag = f(&["decryption-order"], Str, Some("SOPS_DECRYPTION_ORDER"));
const SHAMIR: Flag = f(&["shamir-secret-sharing-threshold"], Int, None);
const ENCRYPTION_CONTEXT: Flag = f(&["encryption-context"], Str, None);
const KMS: Flag = f(&["kms", "k"], Str, Some("SOPS_KMS_ARN"));
const AWS_PROFILE: Flag = f(&["aws-profile"], Str, None);
const GCP_KMS: Flag = f(&["gcp-kms"], Str, Some("SOPS_GCP_KMS_IDS"));
const AZURE_KV: Flag = f(&["azure-kv"], Str, Some("SOPS_AZURE_KEYVAULT_URLS"));
const HC_VAULT: Flag = f(&["hc-vault-transit"], Str, Some("SOPS_VAULT_URIS"));
const PGP: Flag = f(&["pgp", "p"], Str, Some("SOPS_PGP_FP"));
const AGE: Flag = f(&["age", "a"], Str, Some("SOPS_AGE_RECIPIENTS"));
const UNENCRYPTED_SUFFIX: Flag = f(&["unencrypted-suffix"], Str, None);
const ENCRYPTED_SUFFIX: Flag = f(&["encrypted-suffix"], Str, None);
const UNENCRYPTED_REGEX: Flag = f(&["unencrypted-regex"], Str, None);
const ENCRYPTED_REGEX: Flag = f(&["encrypted-regex"], Str, None);
const UNENCRYPTED_COMMENT_REGEX: Flag = f(&["unencrypted-comment-regex"], Str, None);
const ENCRYPTED_COMMENT_REGEX: Flag = f(&["encrypted-comment-regex"], Str, None);
const EXTRACT: Flag = f(&["extract"], Str, None);
const SHOW_MASTER_KEYS: Flag = f(&["show-master-keys", "s"], Bool, None);
const IDEMPOTENT: Flag = f(&["idempotent"], Bool, None);
const YES: Flag = f(&["yes", "y"], Bool, None);
const VERBOSE: Flag = f(&["verbose"], Bool, None);
const BACKGROUND: Flag = f(&["background"], Bool, None);
const USER: Flag = f(&["user"], Str, None);

const ADD_RM: [Flag; 12] = [
    f(&["add-gcp-kms"], Str, None),
    f(&["rm-gcp-kms"], Str, None),
    f(&["add-azure-kv"], Str, None),
    f(&["rm-azure-kv"], Str, None),
    f(&["add-kms"], Str, None),
    f(&["rm-kms"], Str, None),
    f(&["add-hc-vault-transit"], Str, None),
    f(&["rm-hc-vault-transit"], Str, None),
    f(&["add-age"], Str, None),
    f(&["rm-age"], Str, None),
    f(&["add-pgp"], Str, None),
    f(&["rm-pgp"], Str, None),
];

/// The flags of the top level (the legacy modes and the global options).
pub fn global() -> Vec<Flag> {
    let mut v = vec![
        f(&["decrypt", "d"], Bool, None),
        f(&["encrypt", "e"], Bool, None),
        f(&["rotate", "r"], Bool, None),
        f(
            &["disable-version-check"],
            Bool,
            Some("SOPS_DISABLE_VERSION_CHECK"),
        ),
        f(&["check-for-updates"], Bool, None),
        KMS,
        AWS_PROFILE,
        GCP_KMS,
        AZURE_KV,
        HC_VAULT,
        PGP,
        AGE,
        IN_PLACE,
        EXTRACT,
        INPUT_TYPE,
        OUTPUT_TYPE,
        SHOW_MASTER_KEYS,
    ];
    v.extend(ADD_RM);
    v.extend([
        IGNORE_MAC,
        f(&["mac-only-encrypted"], Bool, None),
        UNENCRYPTED_SUFFIX,
        ENCRYPTED_SUFFIX,
        UNENCRYPTED_REGEX,
        ENCRYPTED_REGEX,
        UNENCRYPTED_COMMENT_REGEX,
        ENCRYPTED_COMMENT_REGEX,
        f(&["config"], Str, Some("SOPS_CONFIG")),
        ENCRYPTION_CONTEXT,
        f(&["set"], Str, None),
        SHAMIR,
        f(&["indent"], Int, None),
        VERBOSE,
        OUTPUT,
        FILENAME_OVERRIDE,
        DECRYPTION_ORDER,
        LOCAL_KEYSERVICE,
        KEYSERVICE,
        HELP,
        f(&["version", "v"], Bool, None),
    ]);
    v
}

/// The subcommands sops 3.11 has (`groups` and `completion` have their own subcommands).
pub const COMMANDS: &[&str] = &[
    "completion",
    "exec-env",
    "exec-file",
    "publish",
    "keyservice",
    "filestatus",
    "groups",
    "updatekeys",
    "decrypt",
    "encrypt",
    "rotate",
    "edit",
    "set",
    "unset",
    "help",
    "h",
];

/// The flags of a subcommand (`groups add` is `groups-add`); None for an unknown one.
pub fn command(name: &str) -> Option<Vec<Flag>> {
    let keyservice = [LOCAL_KEYSERVICE, KEYSERVICE];
    let mut v = match name {
        "completion" | "completion-bash" | "completion-zsh" | "groups" | "help" | "h" => {
            return Some(vec![HELP]);
        }
        "exec-env" => vec![
            BACKGROUND,
            f(&["pristine"], Bool, None),
            USER,
            f(&["same-process"], Bool, None),
        ],
        "exec-file" => vec![
            BACKGROUND,
            f(&["no-fifo"], Bool, None),
            USER,
            INPUT_TYPE,
            OUTPUT_TYPE,
            f(&["filename"], Str, None),
        ],
        "publish" => vec![
            YES,
            f(&["omit-extensions"], Bool, None),
            f(&["recursive"], Bool, None),
            VERBOSE,
        ],
        "keyservice" => {
            return Some(vec![
                f(&["network", "net"], Str, None),
                f(&["address", "addr"], Str, None),
                f(&["prompt"], Bool, None),
                VERBOSE,
                HELP,
            ]);
        }
        "filestatus" => return Some(vec![INPUT_TYPE, HELP]),
        "groups-add" => vec![
            f(&["file", "f"], Str, None),
            f(&["pgp"], Many, None),
            f(&["kms"], Many, None),
            AWS_PROFILE,
            f(&["gcp-kms"], Many, None),
            f(&["azure-kv"], Many, None),
            f(&["hc-vault-transit"], Many, None),
            f(&["age"], Many, None),
            IN_PLACE,
            SHAMIR,
            ENCRYPTION_CONTEXT,
        ],
        "groups-delete" => vec![f(&["file", "f"], Str, None), IN_PLACE, SHAMIR],
        "updatekeys" => vec![YES, INPUT_TYPE],
        "decrypt" => vec![
            IN_PLACE,
            EXTRACT,
            OUTPUT,
            INPUT_TYPE,
            OUTPUT_TYPE,
            IGNORE_MAC,
            FILENAME_OVERRIDE,
            DECRYPTION_ORDER,
        ],
        "encrypt" => vec![
            IN_PLACE,
            OUTPUT,
            KMS,
            AWS_PROFILE,
            GCP_KMS,
            AZURE_KV,
            HC_VAULT,
            PGP,
            AGE,
            INPUT_TYPE,
            OUTPUT_TYPE,
            UNENCRYPTED_SUFFIX,
            ENCRYPTED_SUFFIX,
            UNENCRYPTED_REGEX,
            ENCRYPTED_REGEX,
            ENCRYPTION_CONTEXT,
            SHAMIR,
            FILENAME_OVERRIDE,
        ],
        "rotate" => {
            let mut v = vec![
                IN_PLACE,
                OUTPUT,
                INPUT_TYPE,
                OUTPUT_TYPE,
                ENCRYPTION_CONTEXT,
            ];
            v.extend(ADD_RM);
            v.extend([FILENAME_OVERRIDE, DECRYPTION_ORDER]);
            v
        }
        "edit" => vec![
            KMS,
            AWS_PROFILE,
            GCP_KMS,
            AZURE_KV,
            HC_VAULT,
            PGP,
            AGE,
            INPUT_TYPE,
            OUTPUT_TYPE,
            UNENCRYPTED_SUFFIX,
            ENCRYPTED_SUFFIX,
            UNENCRYPTED_REGEX,
            ENCRYPTED_REGEX,
            ENCRYPTION_CONTEXT,
            SHAMIR,
            SHOW_MASTER_KEYS,
            IGNORE_MAC,
            DECRYPTION_ORDER,
        ],
        "set" => vec![
            INPUT_TYPE,
            OUTPUT_TYPE,
            f(&["value-file"], Bool, None),
            f(&["value-stdin"], Bool, None),
            SHAMIR,
            IGNORE_MAC,
            DECRYPTION_ORDER,
            IDEMPOTENT,
        ],
        "unset" => vec![
            INPUT_TYPE,
            OUTPUT_TYPE,
            SHAMIR,
            IGNORE_MAC,
            DECRYPTION_ORDER,
            IDEMPOTENT,
        ],
        _ => return None,
    };
    v.extend(keyservice);
    v.push(HELP);
    Some(v)
}

/// A flag's value as parsed.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Bool(bool),
    Str(String),
    Int(i64),
    Many(Vec<String>),
}

/// The flags of one command level as parsed, and its positional arguments.
#[derive(Clone, Debug, Default)]
pub struct Level {
    flags: Vec<Flag>,
    values: HashMap<&'static str, Val>,
    /// Set on the command line (not from the environment).
    given: Vec<&'static str>,
    pub args: Vec<String>,
}

/// A command-line error (sops: "Incorrect Usage"), exit code 1.
#[derive(Debug)]
pub struct UsageError(pub String);

fn find<'a>(flags: &'a [Flag], name: &str) -> Option<&'a Flag> {
    flags.iter().find(|f| f.names.contains(&name))
}

/// Whether `arg` names one of `flags` (`-x`, `--x`, `--x=…`).
fn is_flag(flags: &[Flag], arg: &str) -> bool {
    if arg == "-" || arg == "--" || !arg.starts_with('-') {
        return false;
    }
    let name = arg.trim_start_matches('-');
    let name = name.split('=').next().unwrap_or_default();
    find(flags, name).is_some()
}

/// Moves a subcommand's own flags (and the argument after each, which may be its value) before
/// its positional arguments; everything after `--` stays.
fn reorder(flags: &[Flag], args: &[String]) -> Vec<String> {
    let (mut front, mut rest) = (Vec::new(), Vec::new());
    let mut value_next = false;
    for (i, a) in args.iter().enumerate() {
        if value_next && !is_flag(flags, a) {
            value_next = false;
            front.push(a.clone());
        } else if a == "--" {
            rest.insert(0, a.clone());
            rest.extend(args[i + 1..].iter().cloned());
            break;
        } else if is_flag(flags, a) {
            front.push(a.clone());
            value_next = !a.contains('=');
        } else {
            rest.push(a.clone());
        }
    }
    front.extend(rest);
    front
}

fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

impl Level {
    /// Parses `args` against `flags`; `reorder_args` for subcommands.
    pub fn parse(
        flags: Vec<Flag>,
        args: &[String],
        reorder_args: bool,
    ) -> Result<Level, UsageError> {
        let args = if reorder_args {
            reorder(&flags, args)
        } else {
            args.to_vec()
        };
        let mut l = Level {
            flags,
            ..Level::default()
        };
        // Defaults, then the environment.
        for fl in l.flags.clone() {
            let key = fl.names[0];
            let default = match fl.ty {
                Bool => Val::Bool(false),
                BoolTrue => Val::Bool(true),
                Str => Val::Str(String::new()),
                Int => Val::Int(0),
                Many => Val::Many(Vec::new()),
            };
            l.values.insert(key, default);
            if let Some(var) = fl.env
                && let Some(v) = std::env::var_os(var)
            {
                let v = v.to_string_lossy().into_owned();
                let val = match fl.ty {
                    Bool | BoolTrue if v.is_empty() => Val::Bool(false),
                    Bool | BoolTrue => Val::Bool(parse_bool(&v).ok_or_else(|| {
                        UsageError(format!("could not parse {v:?} as a boolean for ${var}"))
                    })?),
                    Str => Val::Str(v),
                    Int => Val::Int(v.trim().parse().map_err(|_| {
                        UsageError(format!("could not parse {v:?} as a number for ${var}"))
                    })?),
                    Many => Val::Many(
                        v.split(',')
                            .map(|s| s.trim().to_string())
                            .filter(|s| !s.is_empty())
                            .collect(),
                    ),
                };
                l.values.insert(key, val);
            }
        }
        let mut i = 0;
        let mut from_cli_many: HashMap<&'static str, Vec<String>> = HashMap::new();
        while i < args.len() {
            let a = &args[i];
            if a.len() < 2 || !a.starts_with('-') {
                break;
            }
            if a == "--" {
                i += 1;
                break;
            }
            let body = a.strip_prefix("--").unwrap_or(&a[1..]);
            if body.is_empty() || body.starts_with('-') || body.starts_with('=') {
                return Err(UsageError(format!("bad flag syntax: {a}")));
            }
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let fl = *find(&l.flags, name)
                .ok_or_else(|| UsageError(format!("flag provided but not defined: -{name}")))?;
            let key = fl.names[0];
            i += 1;
            let val = match fl.ty {
                Bool | BoolTrue => match inline {
                    None => Val::Bool(true),
                    Some(v) => Val::Bool(parse_bool(&v).ok_or_else(|| {
                        UsageError(format!("invalid boolean value {v:?} for -{name}"))
                    })?),
                },
                _ => {
                    let v = match inline {
                        Some(v) => v,
                        None => {
                            let v = args.get(i).cloned().ok_or_else(|| {
                                UsageError(format!("flag needs an argument: -{name}"))
                            })?;
                            i += 1;
                            v
                        }
                    };
                    match fl.ty {
                        Int => Val::Int(v.trim().parse().map_err(|_| {
                            UsageError(format!("invalid value {v:?} for flag -{name}: parse error"))
                        })?),
                        Many => {
                            let list = from_cli_many.entry(key).or_default();
                            list.push(v);
                            Val::Many(list.clone())
                        }
                        _ => Val::Str(v),
                    }
                }
            };
            l.values.insert(key, val);
            l.given.push(key);
        }
        l.args = args[i..].to_vec();
        Ok(l)
    }

    /// Whether this level defines the flag named `name`.
    pub fn defines(&self, name: &str) -> bool {
        find(&self.flags, name).is_some()
    }

    /// A repeatable flag's values at this level.
    pub fn many(&self, name: &str) -> Vec<String> {
        match self.value(name) {
            Some(Val::Many(v)) => v.clone(),
            _ => Vec::new(),
        }
    }

    fn value(&self, name: &str) -> Option<&Val> {
        find(&self.flags, name).and_then(|f| self.values.get(f.names[0]))
    }

    /// Whether the flag was given on the command line.
    pub fn given(&self, name: &str) -> bool {
        find(&self.flags, name).is_some_and(|f| self.given.contains(&f.names[0]))
    }
}

/// The parsed command line: the subcommand's level (if any) in front of the top level. A flag is
/// read from the first level that defines it, as sops does.
#[derive(Debug)]
pub struct Parsed {
    pub global: Level,
    pub sub: Option<Level>,
}

impl Parsed {
    fn level(&self, name: &str) -> Option<&Level> {
        self.sub
            .iter()
            .chain(std::iter::once(&self.global))
            .find(|l| l.defines(name))
    }

    /// A string flag; None when empty or not defined.
    pub fn string(&self, name: &str) -> Option<String> {
        match self.level(name)?.value(name)? {
            Val::Str(s) if !s.is_empty() => Some(s.clone()),
            _ => None,
        }
    }

    pub fn bool(&self, name: &str) -> bool {
        matches!(
            self.level(name).and_then(|l| l.value(name)),
            Some(Val::Bool(true))
        )
    }

    /// An integer flag; None when 0 (sops's "not set") or not defined.
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.level(name)?.value(name)? {
            Val::Int(0) => None,
            Val::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// Whether the flag was set (command line, or environment for flags that have a variable).
    pub fn is_set(&self, name: &str) -> bool {
        self.level(name).is_some_and(|l| {
            l.given(name)
                || find(&l.flags, name)
                    .and_then(|f| f.env)
                    .is_some_and(|v| std::env::var_os(v).is_some())
        })
    }

    pub fn many(&self, name: &str) -> Vec<String> {
        match self.level(name).and_then(|l| l.value(name)) {
            Some(Val::Many(v)) => v.clone(),
            _ => Vec::new(),
        }
    }

    /// The positional arguments of the command that runs.
    pub fn args(&self) -> &[String] {
        match &self.sub {
            Some(s) => &s.args,
            None => &self.global.args,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn top_level_flags_stop_at_the_first_argument() {
        let l = Level::parse(
            global(),
            &s(&["-d", "--output-type=json", "f.yaml", "-i"]),
            false,
        )
        .unwrap();
        assert_eq!(l.args, s(&["f.yaml", "-i"]));
        let p = Parsed {
            global: l,
            sub: None,
        };
        assert!(p.bool("decrypt"));
        assert!(!p.bool("in-place"));
        assert_eq!(p.string("output-type").as_deref(), Some("json"));
    }

    #[test]
    fn subcommand_flags_move_before_the_arguments() {
        let l = Level::parse(
            command("decrypt").unwrap(),
            &s(&["f.yaml", "--extract", "[\"a\"]", "-i"]),
            true,
        )
        .unwrap();
        assert_eq!(l.args, s(&["f.yaml"]));
        let p = Parsed {
            global: Level::parse(global(), &s(&["--ignore-mac"]), false).unwrap(),
            sub: Some(l),
        };
        assert_eq!(p.string("extract").as_deref(), Some("[\"a\"]"));
        assert!(p.bool("in-place"));
        // defined by decrypt, not given there: decrypt's value wins
        assert!(!p.bool("ignore-mac"));
        // not defined by decrypt: the top level's
        assert!(!p.bool("verbose"));
    }

    #[test]
    fn usage_errors() {
        assert!(Level::parse(global(), &s(&["--nope", "f"]), false).is_err());
        assert!(Level::parse(global(), &s(&["--extract"]), false).is_err());
        assert!(Level::parse(global(), &s(&["--indent", "x", "f"]), false).is_err());
        assert!(Level::parse(global(), &s(&["-d=maybe", "f"]), false).is_err());
        let l = Level::parse(global(), &s(&["--", "-d"]), false).unwrap();
        assert_eq!(l.args, s(&["-d"]));
    }

    #[test]
    fn repeated_flags_accumulate() {
        let l = Level::parse(
            command("groups-add").unwrap(),
            &s(&["--pgp", "A", "--pgp=B", "-f", "x.yaml"]),
            true,
        )
        .unwrap();
        let p = Parsed {
            global: Level::parse(global(), &[], false).unwrap(),
            sub: Some(l),
        };
        assert_eq!(p.many("pgp"), s(&["A", "B"]));
        assert_eq!(p.string("file").as_deref(), Some("x.yaml"));
    }
}
