//! What the scanner knows of the repository's encryption (`.sops.yaml` and encrypted files):
//! files that `.sops.yaml` says must be encrypted but are not (or hold plaintext values their
//! selection rule should have encrypted), plaintext of the repository's own encrypted values
//! copied elsewhere (`--decrypt`), and what is never a finding (valid ciphertext, sops metadata,
//! age recipients).

use std::ops::Range;
use std::path::Path;

use aho_corasick::AhoCorasick;
use regex::Regex;
use regex::bytes::Regex as BytesRegex;

use crate::config::{Config, ConfigError};
use crate::format::{Document, Kind};
use crate::pipeline::metadata::Metadata;
use crate::pipeline::selector::Rule;
use crate::pipeline::tree::{Entry, Node, Scalar};
use crate::scan::Hit;
use crate::scan::rules::{RuleInfo, Severity};

pub static UNENCRYPTED_FILE: RuleInfo = RuleInfo {
    id: "veil-unencrypted-file",
    name: "VeilUnencryptedFile",
    description: "A file that a .sops.yaml creation rule covers is not encrypted",
    help: "Encrypt the file with `veil encrypt -i FILE`. If a plaintext version was ever committed, its values are in the history: rotate them.",
    severity: Severity::High,
};

pub static PLAINTEXT_VALUE: RuleInfo = RuleInfo {
    id: "veil-plaintext-value",
    name: "VeilPlaintextValue",
    description: "An encrypted file holds a plaintext value that its selection rule should have encrypted",
    help: "Re-encrypt the file (`veil decrypt -i FILE && veil encrypt -i FILE`) and rotate the exposed value.",
    severity: Severity::High,
};

pub static KNOWN_PLAINTEXT: RuleInfo = RuleInfo {
    id: "veil-known-plaintext",
    name: "VeilKnownPlaintext",
    description: "A file contains the plaintext of a value that is encrypted elsewhere in the repository",
    help: "Remove the copy (read the value from the encrypted file instead) and rotate it.",
    severity: Severity::Critical,
};

/// The rules this module reports, for SARIF's rule list.
pub fn rules() -> [&'static RuleInfo; 3] {
    [&UNENCRYPTED_FILE, &PLAINTEXT_VALUE, &KNOWN_PLAINTEXT]
}

/// Parses a `.sops.yaml`. While the YAML store cannot read it, a configuration written in
/// JSON syntax (which is also YAML) is still understood.
pub fn parse_config(path: &Path, bytes: Vec<u8>) -> Result<Config, ConfigError> {
    match Config::parse(path, bytes.clone()) {
        Ok(c) => Ok(c),
        Err(e) => match serde_json::from_slice::<crate::config::ConfigFile>(&bytes) {
            Ok(file) => Ok(Config {
                path: path.to_path_buf(),
                file,
            }),
            Err(_) => Err(e),
        },
    }
}

/// Finds and reads the `.sops.yaml` of a directory or of its parents (or the explicit one).
pub fn find_config(explicit: Option<&Path>, start: &Path) -> Result<Option<Config>, ConfigError> {
    let read = |p: &Path| {
        std::fs::read(p)
            .map_err(|source| ConfigError::Read {
                path: p.display().to_string(),
                source,
            })
            .and_then(|b| parse_config(p, b))
    };
    if let Some(p) = explicit {
        return read(p).map(Some);
    }
    let mut dir = Some(start);
    while let Some(d) = dir {
        let c = d.join(".sops.yaml");
        if c.is_file() {
            return read(&c).map(Some);
        }
        dir = d.parent();
    }
    Ok(None)
}

/// One creation rule that covers paths: its compiled `path_regex` and selection rule.
struct Coverage {
    path_regex: Regex,
    rule: Rule,
}

/// What the veil-aware checks know about the repository.
#[derive(Default)]
pub struct EncryptionPolicy {
    coverage: Vec<Coverage>,
    known: Option<(AhoCorasick, Vec<String>)>,
    /// The first file found past veil's input limits (alias bomb, runaway nesting): the scan
    /// fails with it rather than pass over a file it could not read.
    limit_error: std::sync::Mutex<Option<String>>,
}

impl EncryptionPolicy {
    /// Builds the checks from the `.sops.yaml` files in force (HEAD's and the history's).
    ///
    /// Only creation rules with a non-empty `path_regex` count: a catch-all rule says which keys
    /// to use, not that every file of the repository must be encrypted.
    pub fn new(configs: &[Config]) -> EncryptionPolicy {
        let mut coverage = Vec::new();
        for c in configs {
            for r in &c.file.creation_rules {
                let Some(re) = r.path_regex.as_deref().filter(|s| !s.is_empty()) else {
                    continue;
                };
                let Ok(path_regex) = Regex::new(re) else {
                    continue;
                };
                let rule = r
                    .rule_fields()
                    .first()
                    .and_then(|(f, v)| Rule::from_field(f, v).ok())
                    .unwrap_or_default();
                if !coverage
                    .iter()
                    .any(|c: &Coverage| c.path_regex.as_str() == path_regex.as_str())
                {
                    coverage.push(Coverage { path_regex, rule });
                }
            }
        }
        EncryptionPolicy {
            coverage,
            known: None,
            limit_error: Default::default(),
        }
    }

    pub fn has_coverage(&self) -> bool {
        !self.coverage.is_empty()
    }

    /// The selection rule of the first creation rule whose `path_regex` matches `path` (relative
    /// to the repository root), if any. `.sops.yaml` itself is never covered.
    pub fn covered(&self, path: &str) -> Option<&Rule> {
        if path.rsplit('/').next() == Some(".sops.yaml") {
            return None;
        }
        self.coverage
            .iter()
            .find(|c| c.path_regex.is_match(path))
            .map(|c| &c.rule)
    }

    /// Sets the known plaintext values (already filtered with [`worth_searching`]).
    pub fn set_known(&mut self, mut values: Vec<String>) {
        values.sort();
        values.dedup();
        if values.is_empty() {
            self.known = None;
            return;
        }
        let ac = AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&values)
            .expect("plain strings always build");
        self.known = Some((ac, values));
    }

    /// The first file that was past veil's input limits, if any (see `limit_error`).
    pub fn limit_error(&self) -> Option<String> {
        self.limit_error.lock().ok().and_then(|e| e.clone())
    }

    pub fn known_count(&self) -> usize {
        self.known.as_ref().map_or(0, |(_, v)| v.len())
    }

    /// Runs the veil-specific checks on one file's content.
    pub fn check(&self, path: &str, data: &[u8], out: &mut Vec<Hit>) {
        let covered = self.covered(path);
        if covered.is_none() && self.known.is_none() {
            return;
        }
        let encrypted = looks_encrypted(data);
        if let Some(rule) = covered
            && let Err(e) = check_covered(path, data, rule, encrypted, out)
            && let Ok(mut first) = self.limit_error.lock()
        {
            first.get_or_insert(e);
        }
        if let Some((ac, values)) = &self.known
            && !encrypted
        {
            let mut seen = std::collections::HashSet::new();
            for m in ac.find_iter(data) {
                let v = &values[m.pattern().as_usize()];
                if seen.insert(m.pattern()) {
                    out.push(Hit {
                        rule: &KNOWN_PLAINTEXT,
                        line: crate::format::line_of(data, m.start()),
                        secret: v.clone(),
                        decoded: false,
                        span: None,
                        snippet: String::new(),
                    });
                }
            }
        }
    }
}

/// Parses `data` as an encrypted or plain file of the format of `path`; encrypted binary files
/// are JSON documents.
/// Err (with the path) for input past veil's limits.
fn parse(path: &str, data: &[u8]) -> Result<Option<Document>, String> {
    let kind = Kind::from_path(Path::new(path));
    let mut kinds = vec![kind];
    if kind == Kind::Binary {
        kinds.insert(0, Kind::Json);
    }
    let mut plain = None;
    for k in kinds {
        match k.store().parse(data.to_vec()) {
            Ok(doc) if doc.metadata.is_some() => return Ok(Some(doc)),
            Ok(doc) if k == kind => plain = Some(doc),
            Err(e) if e.limit => return Err(format!("{path}: {e}")),
            _ => {}
        }
    }
    Ok(plain)
}

fn check_covered(
    path: &str,
    data: &[u8],
    creation_rule: &Rule,
    encrypted_text: bool,
    out: &mut Vec<Hit>,
) -> Result<(), String> {
    if data.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    match parse(path, data)? {
        Some(doc) if doc.metadata.is_some() => {
            let meta = doc
                .metadata
                .as_ref()
                .and_then(|m| Metadata::from_value(m).ok());
            let rule = meta
                .and_then(|m| m.selection_rule().ok())
                .unwrap_or_default();
            for (line, value) in selected_leaves(&doc, &rule) {
                if !value.starts_with("ENC[") && !value.is_empty() {
                    out.push(Hit {
                        rule: &PLAINTEXT_VALUE,
                        line,
                        secret: value,
                        decoded: false,
                        span: None,
                        snippet: String::new(),
                    });
                }
            }
        }
        Some(doc) => {
            let leaves = selected_leaves(&doc, creation_rule);
            if let Some((line, _)) = leaves.iter().find(|(_, v)| !v.is_empty()) {
                out.push(Hit {
                    rule: &UNENCRYPTED_FILE,
                    line: *line,
                    secret: path.to_string(),
                    decoded: false,
                    span: None,
                    snippet: String::new(),
                });
            }
        }
        // The store cannot read it: judge by the text.
        None if !encrypted_text => {
            out.push(Hit {
                rule: &UNENCRYPTED_FILE,
                line: 1,
                secret: path.to_string(),
                decoded: false,
                span: None,
                snippet: String::new(),
            });
        }
        None => {}
    }
    Ok(())
}

/// The leaves the rule selects, as (line, text); lines are 1 where the leaf has no span.
pub fn selected_leaves(doc: &Document, rule: &Rule) -> Vec<(usize, String)> {
    let mut w = LeafWalker {
        doc,
        rule,
        path: Vec::new(),
        comments: Vec::new(),
        out: Vec::new(),
    };
    for d in &doc.docs {
        w.node(d);
    }
    w.out
}

struct LeafWalker<'a> {
    doc: &'a Document,
    rule: &'a Rule,
    path: Vec<String>,
    comments: Vec<Vec<String>>,
    out: Vec<(usize, String)>,
}

impl LeafWalker<'_> {
    fn selected(&self) -> bool {
        let stack = &self.comments;
        self.rule.encrypts(&self.path, || {
            stack.iter().flatten().map(String::as_str).collect()
        })
    }

    fn note_comment(&mut self, leaf: &crate::pipeline::tree::Leaf) {
        if let (Some(top), Some(s)) = (self.comments.last_mut(), leaf.value.as_str()) {
            top.push(s.to_string());
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Map(entries) => {
                self.comments.push(Vec::new());
                for e in entries {
                    match e {
                        Entry::Pair(k, v) => {
                            self.path.push(k.clone());
                            self.node(v);
                            self.path.pop();
                            if let Some(t) = self.comments.last_mut() {
                                t.clear();
                            }
                        }
                        Entry::Comment(c) => self.note_comment(c),
                    }
                }
                self.comments.pop();
            }
            Node::Seq(items) => {
                self.comments.push(Vec::new());
                for item in items {
                    if let Node::Comment(c) = item {
                        self.note_comment(c);
                        continue;
                    }
                    self.node(item);
                    if let Some(t) = self.comments.last_mut() {
                        t.clear();
                    }
                }
                self.comments.pop();
            }
            Node::Scalar(leaf) => {
                if self.selected() {
                    let line = leaf
                        .span
                        .as_ref()
                        .map_or(1, |s| crate::format::line_of(&self.doc.src, s.start));
                    let text = match &leaf.value {
                        Scalar::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                        v => String::from_utf8_lossy(&v.canonical_bytes()).into_owned(),
                    };
                    self.out.push((line, text));
                }
            }
            Node::Alias(a) => self.node(&a.target),
            Node::Null | Node::Comment(_) => {}
        }
    }
}

/// True when the text carries sops metadata and ciphertext (any store's spelling).
pub fn looks_encrypted(data: &[u8]) -> bool {
    let has = |n: &[u8]| memfind(data, n);
    has(b"ENC[AES256_GCM,data:")
        && (has(b"sops:")
            || has(b"\"sops\"")
            || has(b"sops_mac")
            || has(b"[sops]")
            || has(b"sops_version"))
}

fn memfind(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Byte ranges that are never secrets: sops/veil ciphertext, age-armored data keys (also with
/// `\n` escapes as dotenv and INI store them), age recipients and veil's document authenticator
/// (`veil_auth: VA1.<hex>`, a MAC, in every store's spelling).
pub fn never_secret_spans(data: &[u8]) -> Vec<Range<usize>> {
    static RE: std::sync::OnceLock<BytesRegex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        BytesRegex::new(concat!(
            r"ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]*,tag:[A-Za-z0-9+/=]*,type:[a-z]+\]",
            r"|(?s)-----BEGIN AGE ENCRYPTED FILE-----.*?-----END AGE ENCRYPTED FILE-----",
            r"|\bage1(?:pq1)?[02-9ac-hj-np-z]{20,}\b",
            r#"|veil_auth"?[ \t]*[:=][ \t]*"?VA1\.[0-9a-f]{64}\b"#,
        ))
        .expect("static regex")
    });
    if !memfind(data, b"ENC[") && !memfind(data, b"AGE ENCRYPTED") && !memfind(data, b"age1") {
        return Vec::new();
    }
    re.find_iter(data).map(|m| m.range()).collect()
}

/// Whether a decrypted value is worth looking for elsewhere (`--decrypt`).
///
/// A value is searched for only when it is at least 8 characters long, is not a number or a
/// boolean, is not a common word or placeholder (`password`, `changeme`, `localhost`, …), and
/// has a Shannon entropy of at least 3 bits per character (so `aaaaaaaa`, `12121212` or
/// `abababab` are not searched). Such short or common values would match unrelated text.
pub fn worth_searching(v: &str) -> bool {
    let v = v.trim();
    if v.chars().count() < 8 || v.contains('\n') && v.len() > 4096 {
        return false;
    }
    if v.parse::<f64>().is_ok()
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "null"
        )
    {
        return false;
    }
    const COMMON: &[&str] = &[
        "password",
        "passw0rd",
        "changeme",
        "change-me",
        "localhost",
        "example",
        "secret",
        "username",
        "default",
        "production",
        "staging",
        "development",
        "postgres",
        "postgresql",
        "database",
        "admin123",
        "12345678",
        "123456789",
        "qwertyui",
        "letmein",
        "welcome",
        "undefined",
        "placeholder",
        "replaceme",
        "xxxxxxxx",
    ];
    if COMMON.contains(&v.to_ascii_lowercase().as_str()) {
        return false;
    }
    entropy(v) >= 3.0
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

/// The plaintext values of an encrypted file, when an identity can open it.
pub fn decrypt_values(
    path: &str,
    data: &[u8],
    keys: &dyn crate::keys::groups::KeySource,
) -> Option<Vec<String>> {
    if !looks_encrypted(data) {
        return None;
    }
    let kind = Kind::from_path(Path::new(path));
    let kind = if kind == Kind::Binary {
        Kind::Json
    } else {
        kind
    };
    let opened = crate::pipeline::whole::open(kind.store(), data.to_vec(), keys, true).ok()?;
    let all = Rule::UnencryptedSuffix("\u{0}never\u{0}".into());
    let mut values: Vec<String> = selected_leaves(&opened.doc, &all)
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    // Binary files: also every line of the data, which is where a copied secret would come from.
    if Kind::from_path(Path::new(path)) == Kind::Binary {
        let lines: Vec<String> = values
            .iter()
            .flat_map(|v| v.lines().map(str::to_string))
            .collect();
        values.extend(lines);
    }
    values.retain(|v| worth_searching(v));
    Some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_values() {
        assert!(!worth_searching("short"));
        assert!(!worth_searching("12345678901"));
        assert!(!worth_searching("changeme"));
        assert!(!worth_searching("aaaaaaaaaaaa"));
        assert!(worth_searching("hunter2-Vq9xZpL3"));
    }

    #[test]
    fn ciphertext_spans() {
        let t = b"a: ENC[AES256_GCM,data:abc=,iv:xyz=,tag:t==,type:str]\nrecipient: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n";
        assert_eq!(never_secret_spans(t).len(), 2);
        let auth = format!("VA1.{}", "0123456789abcdef".repeat(4));
        for line in [
            format!("    veil_auth: {auth}\n"),
            format!("\t\t\"veil_auth\": \"{auth}\",\n"),
            format!("sops_veil_auth={auth}\n"),
            format!("veil_auth = {auth}\n"),
            format!("veil_auth = \"{auth}\"\n"),
        ] {
            let text = format!("a: ENC[AES256_GCM,data:a,iv:b,tag:c,type:str]\n{line}");
            let spans = never_secret_spans(text.as_bytes());
            let at = text.find("VA1.").unwrap();
            assert!(
                spans
                    .iter()
                    .any(|s| s.start <= at && at + auth.len() <= s.end),
                "{line}"
            );
        }
        // The same digits under another key are looked at.
        let other = format!("a: ENC[AES256_GCM,data:a,iv:b,tag:c,type:str]\ntoken: {auth}\n");
        assert_eq!(never_secret_spans(other.as_bytes()).len(), 1);
        assert!(looks_encrypted(
            b"x: ENC[AES256_GCM,data:a,iv:b,tag:c,type:str]\nsops:\n  mac: x"
        ));
    }
}
