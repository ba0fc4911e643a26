//! Human and JSON output. Secrets are redacted unless `--show-secrets`.

use serde_json::{Value, json};

use crate::scan::{Finding, Origin, Stats, veilaware};

/// A secret as printed: the first 4 characters and `…` (`****` when it has fewer than 12);
/// the whole value with `show`. File-level findings (their "secret" is the path) are not redacted.
pub fn redact(f: &Finding, show: bool) -> String {
    if show || f.rule.id == veilaware::UNENCRYPTED_FILE.id {
        return f.secret.clone();
    }
    let n = f.secret.chars().count();
    if n < 12 {
        "****".to_string()
    } else {
        let head: String = f.secret.chars().take(4).collect();
        format!("{head}…")
    }
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
        "decoded": f.decoded,
        "fingerprint": f.fingerprint,
        "commit": f.commit,
        "commits": f.commits,
        "blob": f.blob,
    })
}

pub fn json(findings: &[Finding], stats: &Stats, warnings: &[String], show: bool) -> String {
    let v = json!({
        "findings": findings.iter().map(|f| finding_json(f, show)).collect::<Vec<_>>(),
        "stats": stats,
        "warnings": warnings,
    });
    serde_json::to_string_pretty(&v).expect("JSON values serialize") + "\n"
}
