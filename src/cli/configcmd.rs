//! `veil config explain PATH`: which creation rule matches a path, why, and what it implies.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use regex::Regex;

use crate::error::{Code, Failure, Result};

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show which creation rule of .sops.yaml matches a path, why, and its recipients
    Explain {
        /// The file path to explain (it need not exist)
        path: PathBuf,
    },
}

pub fn run(args: ConfigArgs, config: Option<&Path>) -> Result<()> {
    let ConfigCommand::Explain { path } = args.command;
    let Some(cfg) = crate::config::Config::load_for_cwd(config)? else {
        return Err(Failure::new(
            Code::ConfigError,
            "no .sops.yaml found in the current directory or its parents (and --config / SOPS_CONFIG not set)",
        ));
    };
    let rel = cfg.relative_path(&path);
    println!("config file: {}", cfg.path.display());
    println!(
        "path matched against: {rel:?} (the file's absolute path minus the config directory {})",
        cfg.dir().display()
    );
    if cfg.file.creation_rules.is_empty() {
        println!("the config has no creation_rules: encryption needs --age or SOPS_AGE_RECIPIENTS");
        return Ok(());
    }
    let mut matched = None;
    for (i, rule) in cfg.file.creation_rules.iter().enumerate() {
        let verdict = match rule.path_regex.as_deref() {
            None | Some("") => "matches (no path_regex: matches every path)".to_string(),
            Some(re) => match Regex::new(re) {
                Ok(r) => match r.find(&rel) {
                    Some(m) => format!(
                        "matches: path_regex {re:?} found {:?} at byte {}",
                        m.as_str(),
                        m.start()
                    ),
                    None => format!("no match: path_regex {re:?} is not found in the path"),
                },
                Err(e) => format!("invalid path_regex {re:?}: {e}"),
            },
        };
        let hit = verdict.starts_with("matches");
        println!("rule {}: {verdict}", i + 1);
        if hit {
            matched = Some((i, rule));
            break;
        }
    }
    let Some((i, rule)) = matched else {
        println!(
            "no rule matches: `veil encrypt` of this path fails with \"no matching creation rules found\""
        );
        return Err(Failure::new(Code::ConfigError, "no matching creation rule"));
    };
    println!(
        "=> rule {} applies (the first match wins; later rules are not considered)",
        i + 1
    );
    let keys = crate::keys::recipients::rule_recipients(rule, &[])?;
    for (g, group) in keys.groups.iter().enumerate() {
        let names: Vec<String> = group.iter().map(|r| r.describe()).collect();
        println!(
            "key group {}: {}",
            g + 1,
            if names.is_empty() {
                "(no keys)".into()
            } else {
                names.join(", ")
            }
        );
    }
    if keys.groups.len() > 1 {
        println!(
            "shamir threshold: {} of {} groups",
            rule.shamir_threshold.unwrap_or(keys.groups.len() as u32),
            keys.groups.len()
        );
    }
    let unsupported = rule.unsupported_key_types();
    if !unsupported.is_empty() {
        println!(
            "key types veil cannot use (encrypt, rotate and updatekeys refuse them, exit 113): {}",
            unsupported.join(", ")
        );
    }
    match rule.rule_fields().first() {
        Some((f, v)) => println!("selection: {f}: {v:?}"),
        None => println!("selection: unencrypted_suffix: \"_unencrypted\" (sops's default)"),
    }
    if rule.mac_only_encrypted == Some(true) {
        println!("mac_only_encrypted: true");
    }
    if let Some(a) = rule
        .max_data_key_age
        .as_ref()
        .or(cfg.file.veil.max_data_key_age.as_ref())
    {
        println!("maximum data key age (veil check): {a}");
    }
    Ok(())
}
