//! SARIF 2.1.0 output for GitHub code scanning: one run, the detector's and veil's rules in
//! `tool.driver.rules`, one result per finding with its line as a redacted snippet and
//! `partialFingerprints`: `commitSha` (history findings: the commit that introduced the secret)
//! and `veilFinding/v1`, a hash of rule, path, commit and line only — nothing derived from the
//! secret, so the log can be shared and the fingerprint is the same in every clone.
//!
//! GitHub's upload limits are kept: at most [`MAX_RESULTS`] results (the most severe first; the
//! rest are counted in a notification), one run, one location per result, two tags per rule,
//! snippets of at most [`crate::scan::SNIPPET_MAX`] bytes, compact JSON.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::scan::rules::{RuleInfo, Severity};
use crate::scan::{Finding, Origin, encryption, report};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// All rules a scan can report.
pub fn all_rules() -> Vec<&'static RuleInfo> {
    let mut v: Vec<&'static RuleInfo> = crate::scan::rules::rules().iter().collect();
    v.extend(encryption::rules());
    v
}

fn rule_json(r: &RuleInfo) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "shortDescription": { "text": r.description },
        "fullDescription": { "text": r.description },
        "help": { "text": r.help, "markdown": r.help },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": { "tags": ["security", "secret"], "precision": "high", "security-severity": security_severity(r.severity) },
    })
}

fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// Results kept in one log: GitHub stores the first 5,000 of a run (and rejects more than
/// 25,000); keeping the most severe 5,000 ourselves makes the choice explicit.
pub const MAX_RESULTS: usize = 5000;

/// The location fingerprint: hex(sha256(rule, NUL, path, NUL, commit, NUL, line)).
fn location_fingerprint(f: &Finding) -> String {
    let mut h = Sha256::new();
    h.update(f.rule.id.as_bytes());
    h.update([0]);
    h.update(f.path.as_bytes());
    h.update([0]);
    h.update(f.commit.as_ref().map_or("", |c| c.id.as_str()).as_bytes());
    h.update([0]);
    h.update(f.line.to_string().as_bytes());
    hex::encode(h.finalize())
}

/// The log, and how many findings were left out to stay within the limits.
pub fn sarif(findings: &[Finding], show: bool) -> (String, usize) {
    let rules = all_rules();
    // The most severe first (stable: the caller's order within a severity).
    let mut order: Vec<&Finding> = findings.iter().collect();
    order.sort_by_key(|f| std::cmp::Reverse(f.rule.severity));
    let dropped = order.len().saturating_sub(MAX_RESULTS);
    order.truncate(MAX_RESULTS);
    let results: Vec<Value> = order
        .into_iter()
        .map(|f| {
            let index = rules.iter().position(|r| r.id == f.rule.id);
            let mut msg = format!("{}: {}", f.rule.name, report::redact(f, show));
            if let Some(c) = &f.commit {
                msg.push_str(&format!(
                    " (introduced in commit {} by {} on {}",
                    c.id, c.author, c.date
                ));
                if f.commits > 0 {
                    msg.push_str(&format!(
                        ", present in {} commit{}",
                        f.commits,
                        if f.commits == 1 { "" } else { "s" }
                    ));
                }
                msg.push(')');
            }
            let uri = match f.origin {
                Origin::File => f.path.clone(),
                // A commit message has no file: GitHub needs a location, so point at the repository root.
                Origin::CommitMessage => ".".to_string(),
            };
            let mut region = json!({ "startLine": f.line.max(1) });
            if !f.snippet.is_empty() {
                region["snippet"] = json!({ "text": f.snippet });
            }
            let mut fps = serde_json::Map::new();
            if let Some(c) = &f.commit {
                fps.insert("commitSha".into(), json!(c.id));
            }
            fps.insert("veilFinding/v1".into(), json!(location_fingerprint(f)));
            let mut r = json!({
                "ruleId": f.rule.id,
                "level": level(f.rule.severity),
                "message": { "text": msg },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
                        "region": region,
                    }
                }],
                "partialFingerprints": fps,
            });
            if let Some(i) = index {
                r["ruleIndex"] = json!(i);
            }
            let mut props = json!({ "fingerprint": f.fingerprint });
            if let Some(c) = &f.commit {
                props["commit"] = json!(c.id);
                props["author"] = json!(c.author);
                props["date"] = json!(c.date);
                props["commits"] = json!(f.commits);
            }
            r["properties"] = props;
            r
        })
        .collect();
    let mut run = json!({
        "tool": { "driver": {
            "name": "veil",
                        "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": rules.iter().map(|r| rule_json(r)).collect::<Vec<_>>(),
        }},
        "results": results,
    });
    if dropped > 0 {
        run["invocations"] = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": [{
                "level": "warning",
                "message": { "text": format!("{dropped} less severe findings left out: a SARIF run holds at most {MAX_RESULTS} results; see --format json for all") },
            }],
        }]);
    }
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    (
        serde_json::to_string(&v).expect("JSON values serialize") + "\n",
        dropped,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::CommitInfo;

    /// More findings than a run may hold: the most severe are kept, the log says how many were
    /// left out, and it still validates against the SARIF 2.1.0 schema.
    #[test]
    fn results_are_capped_most_severe_first() {
        let rules = crate::scan::rules::rules();
        let high = rules.iter().find(|r| r.severity == Severity::High).unwrap();
        let low = rules.iter().find(|r| r.severity == Severity::Low).unwrap();
        let findings: Vec<Finding> = (0..MAX_RESULTS + 300)
            .map(|i| Finding {
                rule: if i < 400 { low } else { high },
                path: format!("dir/file{i}.env"),
                line: i + 1,
                secret: format!("s3cr3tvalue-{i}"),
                decoded: false,
                origin: Origin::File,
                commit: Some(CommitInfo {
                    id: "0123456789abcdef0123456789abcdef01234567".into(),
                    author: "A".into(),
                    email: "a@example.org".into(),
                    date: "2024-01-01T00:00:00Z".into(),
                }),
                commits: 1,
                blob: None,
                fingerprint: "f".repeat(64),
                snippet: "TOKEN=****".into(),
            })
            .collect();
        let (text, dropped) = sarif(&findings, false);
        assert_eq!(dropped, 300);
        let v: Value = serde_json::from_str(&text).unwrap();
        let results = v["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), MAX_RESULTS);
        // All the high ones are kept; of the low ones, only what fits.
        let lows = results.iter().filter(|r| r["ruleId"] == low.id).count();
        assert_eq!(lows, 100);
        assert!(!text.contains("s3cr3tvalue"));
        let schema: Value = serde_json::from_slice(
            &std::fs::read(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("testdata/sarif/sarif-schema-2.1.0.json"),
            )
            .unwrap(),
        )
        .unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert!(text.len() < 10 << 20);
    }
}
