//! SARIF 2.1.0 output for GitHub code scanning: one run, the detector's and veil's rules in
//! `tool.driver.rules`, one result per finding with a stable `partialFingerprints` entry
//! (`veilSecretHash/v1` = sha256 of rule id, NUL, secret), so alerts follow a secret across
//! rebases, moves and line changes.

use serde_json::{Value, json};

use crate::scan::rules::{RuleInfo, Severity};
use crate::scan::{Finding, Origin, report, veilaware};

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
    v.extend(veilaware::rules());
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
        "properties": { "tags": ["security", "secret"], "security-severity": security_severity(r.severity) },
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

pub fn sarif(findings: &[Finding], show: bool) -> String {
    let rules = all_rules();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let index = rules.iter().position(|r| r.id == f.rule.id);
            let mut msg = format!("{}: {}", f.rule.description, report::redact(f, show));
            if let Some(c) = &f.commit {
                msg.push_str(&format!(" (introduced in commit {} by {} on {}", c.id, c.author, c.date));
                if f.commits > 0 {
                    msg.push_str(&format!(", present in {} commit{}", f.commits, if f.commits == 1 { "" } else { "s" }));
                }
                msg.push(')');
            }
            let uri = match f.origin {
                Origin::File => f.path.clone(),
                // A commit message has no file: GitHub needs a location, so point at the repository root.
                Origin::CommitMessage => ".".to_string(),
            };
            let mut r = json!({
                "ruleId": f.rule.id,
                "level": level(f.rule.severity),
                "message": { "text": msg },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": f.line.max(1) },
                    }
                }],
                "partialFingerprints": { "veilSecretHash/v1": f.fingerprint },
            });
            if let Some(i) = index {
                r["ruleIndex"] = json!(i);
            }
            if let Some(c) = &f.commit {
                r["properties"] = json!({ "commit": c.id, "author": c.author, "date": c.date, "commits": f.commits });
            }
            r
        })
        .collect();
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "veil",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|r| rule_json(r)).collect::<Vec<_>>(),
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&v).expect("JSON values serialize") + "\n"
}
