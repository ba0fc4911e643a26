//! TEMPORARY STAND-IN for the detection rules (owned by another engineer; replaced at merge).
//!
//! It only offers the agreed API — [`Detector::new`], [`Detector::scan`], [`Match`],
//! [`RuleInfo`], [`rules`] — with two rules (AWS access key id, PEM private key header), a
//! base64 pass (so secrets inside Kubernetes `data:` values are seen) and the inline
//! `veil:allow` marker, so that the scanner can be built and tested.

use base64::Engine;
use regex::bytes::Regex;

/// How serious a finding of a rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// A detection rule's description.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub help: &'static str,
    pub severity: Severity,
}

/// One secret found in a blob.
#[derive(Debug, Clone)]
pub struct Match {
    pub rule: &'static RuleInfo,
    /// Byte range in the scanned bytes (of the encoded text when `decoded`).
    pub start: usize,
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// The secret was found inside a decoded (base64) value.
    pub decoded: bool,
    pub secret: String,
}

static AWS: RuleInfo = RuleInfo {
    id: "aws-access-key-id",
    name: "AwsAccessKeyId",
    description: "AWS access key id",
    help: "Deactivate the key in AWS IAM, create a new one and keep it in an encrypted file.",
    severity: Severity::High,
};

static PEM: RuleInfo = RuleInfo {
    id: "private-key",
    name: "PrivateKey",
    description: "PEM private key",
    help: "Treat the key as compromised: replace it and keep the new one in an encrypted file.",
    severity: Severity::Critical,
};

static RULES: [&RuleInfo; 2] = [&AWS, &PEM];

/// All the rules the detector applies.
pub fn rules() -> &'static [&'static RuleInfo] {
    &RULES
}

pub struct Detector {
    patterns: Vec<(&'static RuleInfo, Regex)>,
    b64: Regex,
}

impl Default for Detector {
    fn default() -> Self {
        Detector::new()
    }
}

impl Detector {
    pub fn new() -> Detector {
        Detector {
            patterns: vec![
                (&AWS, Regex::new(r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b").unwrap()),
                (&PEM, Regex::new(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----").unwrap()),
            ],
            b64: Regex::new(r"[A-Za-z0-9+/]{20,}={0,2}").unwrap(),
        }
    }

    pub fn scan(&self, data: &[u8]) -> Vec<Match> {
        let mut out = Vec::new();
        self.scan_into(data, &mut out, None);
        for m in self.b64.find_iter(data) {
            let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(m.as_bytes()) else { continue };
            let mut inner = Vec::new();
            self.scan_into(&decoded, &mut inner, None);
            for i in inner {
                out.push(Match { start: m.start(), end: m.end(), line: line_of(data, m.start()), decoded: true, ..i });
            }
        }
        out.retain(|m| !allowed(data, m.start) && !m.secret.contains("XXXX") && !m.secret.contains("EXAMPLE"));
        out
    }

    fn scan_into(&self, data: &[u8], out: &mut Vec<Match>, _: Option<()>) {
        for (rule, re) in &self.patterns {
            for m in re.find_iter(data) {
                out.push(Match {
                    rule,
                    start: m.start(),
                    end: m.end(),
                    line: line_of(data, m.start()),
                    decoded: false,
                    secret: String::from_utf8_lossy(m.as_bytes()).into_owned(),
                });
            }
        }
    }
}

fn line_of(data: &[u8], at: usize) -> usize {
    data[..at].iter().filter(|&&b| b == b'\n').count() + 1
}

/// `veil:allow` on the line of the match.
fn allowed(data: &[u8], at: usize) -> bool {
    let start = data[..at].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let end = data[at..].iter().position(|&b| b == b'\n').map_or(data.len(), |p| at + p);
    data[start..end].windows(10).any(|w| w == b"veil:allow")
}
