//! Human and JSON output. Secrets are redacted unless `--show-secrets`.

use serde_json::{Value, json};

use crate::scan::{Finding, Origin, Stats, encryption};

/// A secret as printed: `****` (no part of it: a prefix narrows a guess); the whole value with
/// `show`. File-level findings (their "secret" is the path) are not redacted.
pub fn redact(f: &Finding, show: bool) -> String {
    if show || f.rule.id == encryption::UNENCRYPTED_FILE.id {
        return f.secret.clone();
    }
    "****".to_string()
}

/// The blob id, only with `show`: the hash of a small file's whole content can be guessed
/// offline as well as a secret's.
fn blob(f: &Finding, show: bool) -> Option<String> {
    if show { f.blob.clone() } else { None }
}

/// Where a finding is, as `path:line` (or `commit-message:line`).
pub fn location(f: &Finding) -> String {
    match f.origin {
        Origin::CommitMessage => format!("(commit message):{}", f.line),
        Origin::File => format!("{}:{}", f.path, f.line),
    }
}

/// `path:line rule commit secret`, one finding a line, then details indented.
pub fn text(findings: &[Finding], show: bool) -> String {
    let mut out = String::new();
    for f in findings {
        let commit = f
            .commit
            .as_ref()
            .map_or("-".to_string(), |c| c.id[..c.id.len().min(12)].to_string());
        out.push_str(&format!(
            "{} {} {} {}\n",
            location(f),
            f.rule.id,
            commit,
            redact(f, show)
        ));
        if let Some(c) = &f.commit {
            let carried = if f.commits > 0 {
                format!(
                    ", in {} commit{}",
                    f.commits,
                    if f.commits == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            };
            out.push_str(&format!(
                "    {} <{}> {}{}\n",
                c.author, c.email, c.date, carried
            ));
        }
    }
    out
}

/// One line of totals for stderr.
pub fn summary(n: usize, stats: &Stats) -> String {
    let mut s = format!(
        "veil scan: {} finding{} in {} blob{} ({:.1} MB)",
        n,
        if n == 1 { "" } else { "s" },
        stats.blobs,
        if stats.blobs == 1 { "" } else { "s" },
        stats.bytes as f64 / 1e6
    );
    if stats.commits > 0 {
        s.push_str(&format!(", {} commits", stats.commits));
    }
    if stats.skipped_large > 0 {
        s.push_str(&format!(
            ", {} skipped over the size limit",
            stats.skipped_large
        ));
    }
    s
}

pub fn finding_json(f: &Finding, show: bool) -> Value {
    json!({
        "rule": f.rule.id,
        "description": f.rule.description,
        "severity": f.rule.severity.as_str(),
        "origin": f.origin,
        "path": f.path,
        "line": f.line,
        "secret": redact(f, show),
        "snippet": f.snippet,
        "decoded": f.decoded,
        "fingerprint": f.fingerprint,
        "commit": f.commit,
        "commits": f.commits,
        "blob": blob(f, show),
    })
}

/// One finding as [`json`] writes it (the same keys, in the same order, as [`finding_json`]).
#[derive(serde::Serialize)]
struct FindingOut<'a> {
    rule: &'a str,
    description: &'a str,
    severity: &'a str,
    origin: Origin,
    path: &'a str,
    line: usize,
    secret: String,
    snippet: &'a str,
    decoded: bool,
    fingerprint: &'a str,
    commit: &'a Option<crate::scan::CommitInfo>,
    commits: usize,
    blob: Option<String>,
}

/// The findings, serialized one by one as they are iterated (no intermediate JSON tree).
struct FindingsOut<'a> {
    findings: &'a [Finding],
    show: bool,
}

impl serde::Serialize for FindingsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.findings.iter().map(|f| FindingOut {
            rule: f.rule.id,
            description: f.rule.description,
            severity: f.rule.severity.as_str(),
            origin: f.origin,
            path: &f.path,
            line: f.line,
            secret: redact(f, self.show),
            snippet: &f.snippet,
            decoded: f.decoded,
            fingerprint: &f.fingerprint,
            commit: &f.commit,
            commits: f.commits,
            blob: blob(f, self.show),
        }))
    }
}

#[derive(serde::Serialize)]
struct ReportOut<'a> {
    findings: FindingsOut<'a>,
    stats: &'a Stats,
    warnings: &'a [String],
}

pub fn json(findings: &[Finding], stats: &Stats, warnings: &[String], show: bool) -> String {
    let v = ReportOut {
        findings: FindingsOut { findings, show },
        stats,
        warnings,
    };
    serde_json::to_string_pretty(&v).expect("JSON values serialize") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{CommitInfo, rules};

    /// The streamed report is byte for byte what the `serde_json::Value` form gives.
    #[test]
    fn json_streamed_as_value() {
        let rule = &rules::rules()[0];
        let mk = |commit: Option<CommitInfo>, blob: Option<String>, origin, secret: &str| Finding {
            rule,
            path: "a/b.txt".into(),
            line: 3,
            secret: secret.into(),
            decoded: true,
            origin,
            commit,
            commits: 2,
            blob,
            fingerprint: "f00d".into(),
            snippet: "x = ****".into(),
        };
        let c = CommitInfo {
            id: "0123456789abcdef".into(),
            author: "A \"q\" <x>".into(),
            email: "a@example.org".into(),
            date: "2024-01-01T00:00:00Z".into(),
        };
        let findings = vec![
            mk(
                Some(c),
                Some("beef".into()),
                Origin::File,
                "s3cr3t-value-long",
            ),
            mk(None, None, Origin::CommitMessage, "short"),
        ];
        let stats = Stats {
            commits: 5,
            blobs: 7,
            bytes: 11,
            ..Stats::default()
        };
        let warnings = vec!["w1".to_string()];
        for show in [false, true] {
            let expected = serde_json::to_string_pretty(&json!({
                "findings": findings.iter().map(|f| finding_json(f, show)).collect::<Vec<_>>(),
                "stats": &stats,
                "warnings": &warnings,
            }))
            .unwrap()
                + "\n";
            assert_eq!(json(&findings, &stats, &warnings, show), expected);
        }
        assert_eq!(
            json(&[], &stats, &[], false),
            serde_json::to_string_pretty(&json!({"findings": [], "stats": &stats, "warnings": []}))
                .unwrap()
                + "\n"
        );
    }
}
