//! `.sops.yaml` (docs/format.md §11): found by walking up from the current directory, or given with
//! `--config` / `SOPS_CONFIG`; the first creation rule whose `path_regex` matches a file supplies
//! its recipients, key groups and selection rule.

use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Classify, Code};
use crate::format::ParseError;
use crate::format::{Kind, node_to_value};

/// A comma-separated string or a YAML list of strings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(untagged)]
pub enum StringList {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl StringList {
    pub fn items(&self) -> Vec<String> {
        match self {
            StringList::None => Vec::new(),
            StringList::One(s) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            StringList::Many(v) => v
                .iter()
                .flat_map(|s| s.split(','))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        }
    }
}

/// One key group of a creation rule (`key_groups:`). Entries other than `age` and `pgp` are
/// mappings (`kms: [{arn, role, context, aws_profile}]`, `gcp_kms: [{resource_id}]`, …), read
/// into typed recipients by [`crate::keys::recipients`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GroupConfig {
    #[serde(default)]
    pub age: StringList,
    #[serde(default)]
    pub pgp: StringList,
    #[serde(default)]
    pub kms: Vec<Value>,
    #[serde(default)]
    pub gcp_kms: Vec<Value>,
    #[serde(default)]
    pub azure_keyvault: Vec<Value>,
    #[serde(default)]
    pub hc_vault: Vec<Value>,
    #[serde(default)]
    pub hckms: Vec<Value>,
    #[serde(default)]
    pub merge: Vec<GroupConfig>,
}

impl GroupConfig {
    /// The age recipients of this group and of its merged groups, without duplicates.
    pub fn age_recipients(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in self
            .age
            .items()
            .into_iter()
            .chain(self.merge.iter().flat_map(|g| g.age_recipients()))
        {
            if !out.contains(&r) {
                out.push(r);
            }
        }
        out
    }

    fn unsupported(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if !self.kms.is_empty() && !cfg!(feature = "aws-kms") {
            out.push("kms");
        }
        if !self.gcp_kms.is_empty() {
            out.push("gcp_kms");
        }
        if !self.azure_keyvault.is_empty() {
            out.push("azure_keyvault");
        }
        if !self.hc_vault.is_empty() {
            out.push("hc_vault");
        }
        if !self.hckms.is_empty() {
            out.push("hckms");
        }
        out.extend(self.merge.iter().flat_map(|g| g.unsupported()));
        out
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CreationRule {
    #[serde(default)]
    pub path_regex: Option<String>,
    #[serde(default)]
    pub age: StringList,
    #[serde(default)]
    pub pgp: StringList,
    #[serde(default)]
    pub kms: StringList,
    /// The AWS profile of the rule's `kms` keys.
    #[serde(default)]
    pub aws_profile: Option<String>,
    #[serde(default)]
    pub gcp_kms: StringList,
    #[serde(default)]
    pub hckms: StringList,
    #[serde(default)]
    pub azure_keyvault: StringList,
    #[serde(default)]
    pub hc_vault_transit_uri: StringList,
    #[serde(default)]
    pub key_groups: Vec<GroupConfig>,
    #[serde(default)]
    pub shamir_threshold: Option<u32>,
    #[serde(default)]
    pub unencrypted_suffix: Option<String>,
    #[serde(default)]
    pub encrypted_suffix: Option<String>,
    #[serde(default)]
    pub unencrypted_regex: Option<String>,
    #[serde(default)]
    pub encrypted_regex: Option<String>,
    #[serde(default)]
    pub unencrypted_comment_regex: Option<String>,
    #[serde(default)]
    pub encrypted_comment_regex: Option<String>,
    #[serde(default)]
    pub mac_only_encrypted: Option<bool>,
    /// veil: the maximum age of a data key for files of this rule (`90d`), checked by `veil check`.
    /// sops ignores unknown fields.
    #[serde(default)]
    pub max_data_key_age: Option<String>,
}

impl CreationRule {
    /// The key groups this rule implies: `key_groups` when present, else one group of the
    /// per-type fields.
    pub fn groups(&self) -> Vec<GroupConfig> {
        if !self.key_groups.is_empty() {
            return self.key_groups.clone();
        }
        vec![GroupConfig {
            age: self.age.clone(),
            pgp: self.pgp.clone(),
            ..Default::default()
        }]
    }

    /// Key types in the rule that veil cannot use (encrypt, rotate and updatekeys refuse them).
    pub fn unsupported_key_types(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> =
            self.groups().iter().flat_map(|g| g.unsupported()).collect();
        let kms = if cfg!(feature = "aws-kms") {
            &StringList::None
        } else {
            &self.kms
        };
        for (name, list) in [
            ("kms", kms),
            ("gcp_kms", &self.gcp_kms),
            ("azure_keyvault", &self.azure_keyvault),
            ("hc_vault_transit_uri", &self.hc_vault_transit_uri),
            ("hckms", &self.hckms),
        ] {
            if !list.items().is_empty() {
                out.push(name);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The selection rule fields that are set, as `(field, value)`.
    pub fn rule_fields(&self) -> Vec<(&'static str, String)> {
        crate::pipeline::selector::set_fields([
            &self.unencrypted_suffix,
            &self.encrypted_suffix,
            &self.unencrypted_regex,
            &self.encrypted_regex,
            &self.unencrypted_comment_regex,
            &self.encrypted_comment_regex,
        ])
    }
}

/// veil's own settings, under a top-level `veil:` key that sops ignores.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VeilSettings {
    /// Default maximum data-key age for `veil check` (`90d`).
    #[serde(default)]
    pub max_data_key_age: Option<String>,
    /// A file without veil's whole-document authenticator is an error, not a notice.
    #[serde(default)]
    pub require_authenticator: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConfigFile {
    #[serde(default)]
    pub creation_rules: Vec<CreationRule>,
    #[serde(default)]
    pub veil: VeilSettings,
    #[serde(default)]
    pub stores: Value,
}

/// A loaded configuration and where it came from.
/// Parses a duration such as `90d`, `2w`, `36h` or `90` (days) into seconds.
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let (num, unit) = match s.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&s[..i], c),
        _ => (s, 'd'),
    };
    let n: i64 = num.trim().parse().ok().filter(|n| *n >= 0)?;
    let secs = match unit {
        'h' => 3600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        'y' => 365 * 86_400,
        _ => return None,
    };
    n.checked_mul(secs)
}

#[derive(Debug, Clone)]
pub struct Config {
    pub path: PathBuf,
    pub file: ConfigFile,
}

/// How a rule was chosen, for `config explain` and error messages.
#[derive(Debug, Clone)]
pub struct RuleMatch<'a> {
    pub index: usize,
    pub rule: &'a CreationRule,
    /// The path the regexes were matched against.
    pub matched_path: String,
}

/// Why a `.sops.yaml` could not be used. Paths are those of the configuration file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the current directory: {0}")]
    CurrentDir(#[source] std::io::Error),
    #[error("{path}: cannot read config file: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Syntax {
        path: String,
        #[source]
        source: ParseError,
    },
    #[error("{path}: invalid configuration: {source}")]
    Invalid {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: creation rule {rule}: invalid path_regex: {source}")]
    PathRegex {
        path: String,
        rule: usize,
        #[source]
        source: regex::Error,
    },
    #[error("{path}: creation rule {rule} sets more than one selection rule")]
    SeveralSelectionRules { path: String, rule: usize },
    #[error("no matching creation rules found in {path} for {file}")]
    NoMatchingRule { path: String, file: String },
}

impl Classify for ConfigError {
    fn code(&self) -> Code {
        match self {
            ConfigError::SeveralSelectionRules { .. } => Code::ConflictingParameters,
            // Past veil's input limits: an input error like any other file's (exit 2).
            ConfigError::Syntax { source, .. } if source.limit => Code::CouldNotReadInput,
            _ => Code::ConfigError,
        }
    }
}

type Result<T> = std::result::Result<T, ConfigError>;

impl Config {
    /// Loads the configuration that applies (explicit path, else `.sops.yaml` found from the
    /// current directory upwards).
    pub fn load_for_cwd(config: Option<&Path>) -> Result<Option<Config>> {
        let cwd = std::env::current_dir().map_err(ConfigError::CurrentDir)?;
        Config::find(config, &cwd)
    }

    /// Finds the configuration: `explicit` (from `--config` / `SOPS_CONFIG`) or `.sops.yaml` in
    /// `start` or one of its parents (at most 100 levels).
    pub fn find(explicit: Option<&Path>, start: &Path) -> Result<Option<Config>> {
        if let Some(p) = explicit {
            return Config::load(p).map(Some);
        }
        let mut dir = Some(start);
        for _ in 0..100 {
            let Some(d) = dir else { break };
            let candidate = d.join(".sops.yaml");
            if candidate.is_file() {
                return Config::load(&candidate).map(Some);
            }
            dir = d.parent();
        }
        Ok(None)
    }

    pub fn load(path: &Path) -> Result<Config> {
        let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::parse(path, bytes)
    }

    pub fn parse(path: &Path, bytes: Vec<u8>) -> Result<Config> {
        let shown = || path.display().to_string();
        let doc = Kind::Yaml
            .store()
            .parse(bytes)
            .map_err(|source| ConfigError::Syntax {
                path: shown(),
                source,
            })?;
        let value = doc.docs.first().map(node_to_value).unwrap_or(Value::Null);
        let value = if value.is_null() {
            Value::Object(Default::default())
        } else {
            value
        };
        let file: ConfigFile =
            serde_json::from_value(value).map_err(|source| ConfigError::Invalid {
                path: shown(),
                source,
            })?;
        for (i, r) in file.creation_rules.iter().enumerate() {
            if let Some(re) = &r.path_regex {
                Regex::new(re).map_err(|source| ConfigError::PathRegex {
                    path: shown(),
                    rule: i + 1,
                    source,
                })?;
            }
            if r.rule_fields().len() > 1 {
                return Err(ConfigError::SeveralSelectionRules {
                    path: shown(),
                    rule: i + 1,
                });
            }
        }
        Ok(Config {
            path: path.to_path_buf(),
            file,
        })
    }

    /// The indentation settings of `stores:` (`yaml: {indent: N}`, `json: {indent: N}`) for
    /// re-rendered output, as sops reads them.
    pub fn store_indents(&self) -> (Option<usize>, Option<usize>) {
        let get = |store: &str| {
            self.file
                .stores
                .get(store)
                .and_then(|s| s.get("indent"))
                .and_then(Value::as_i64)
                .and_then(|n| usize::try_from(n).ok())
        };
        (get("yaml"), get("json"))
    }

    /// The directory the rules' paths are relative to.
    pub fn dir(&self) -> PathBuf {
        let abs = std::path::absolute(&self.path).unwrap_or_else(|_| self.path.clone());
        abs.parent().map(Path::to_path_buf).unwrap_or_default()
    }

    /// The first creation rule that matches `file` (format §11.2). `Ok(None)` when the config has
    /// no creation rules at all; an error when rules exist but none matches.
    pub fn rule_for(&self, file: &Path) -> Result<Option<RuleMatch<'_>>> {
        if self.file.creation_rules.is_empty() {
            return Ok(None);
        }
        let matched_path = self.relative_path(file);
        for (index, rule) in self.file.creation_rules.iter().enumerate() {
            let hit = match rule.path_regex.as_deref() {
                None | Some("") => true,
                Some(re) => Regex::new(re)
                    .map(|r| r.is_match(&matched_path))
                    .unwrap_or(false),
            };
            if hit {
                tracing::debug!(
                    config = %self.path.display(),
                    rule = index + 1,
                    path_regex = rule.path_regex.as_deref().unwrap_or(""),
                    path = %matched_path,
                    "creation rule matched"
                );
                return Ok(Some(RuleMatch {
                    index,
                    rule,
                    matched_path,
                }));
            }
        }
        Err(ConfigError::NoMatchingRule {
            path: self.path.display().to_string(),
            file: matched_path,
        })
    }

    /// The file's absolute path with the config directory prefix removed (format §11.2).
    pub fn relative_path(&self, file: &Path) -> String {
        let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let dir = self.dir();
        match abs.strip_prefix(&dir) {
            Ok(rel) => rel.to_string_lossy().into_owned(),
            Err(_) => abs.to_string_lossy().into_owned(),
        }
    }
}
