//! `veil scan` output: SARIF 2.1.0 valid against the OASIS schema (testdata/sarif), stable
//! fingerprints, and no raw secret in any format without `--show-secrets`.

use crate::scan_common;

use scan_common::*;
use serde_json::Value;

const SECRETS: &[&str] = &[
    "AKIAADDEDTHENDELETEZ",
    "AKIARENAMEDFILEQQQQZ",
    "AKIACOMMITMESSAGEQQZ",
    "AKIAKUBERNETESBASE64",
    "AKIASIDEBRANCHONLYQZ",
    "AKIATAGGEDCOMMITQQQZ",
    "tok-Zq81mXv0Lw3pRtY7",
    "Pl4intextLeak-9f3kQz",
    "MIIEowIBAAKCAQEAOQyMfXJHNCzYEA8v",
];

fn output(fx: &Fixture, args: &[&str]) -> String {
    let o = run(veil(&fx.dir, &fx.home, true)
        .arg("scan")
        .arg("--decrypt")
        .args(args));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    stdout(&o) + &stderr(&o)
}

#[test]
fn sarif_validates_against_the_schema() {
    let fx = fixture();
    let text = output(&fx, &["--format", "sarif", "--quiet"]);
    let sarif: Value = serde_json::from_str(&text).unwrap();
    let schema: Value = serde_json::from_slice(
        &std::fs::read(repo_root().join("testdata/sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    assert!(
        !validator.is_valid(&serde_json::json!({"version": "2.1.0"})),
        "the validator rejects a log without runs"
    );
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF output is not valid: {errors:#?}");

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in rules {
        for k in ["id", "name", "shortDescription", "fullDescription", "help"] {
            assert!(!r[k].is_null(), "rule without {k}: {r}");
        }
    }
    let results = run["results"].as_array().unwrap();
    assert!(results.len() >= 9);
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        assert!(rules.iter().any(|x| x["id"] == id));
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].is_string());
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        let fp = r["partialFingerprints"]["veilFinding/v1"].as_str().unwrap();
        assert_eq!(fp.len(), 64);
        // History results carry the introducing commit where code-scanning consumers look.
        let sha = r["partialFingerprints"]["commitSha"].as_str().unwrap();
        assert_eq!(sha.len(), 40);
        assert!(
            r["message"]["text"]
                .as_str()
                .unwrap()
                .contains(&format!("commit {sha}")),
            "history results name their commit: {r}"
        );
        // A redacted snippet of the line (file-level findings have their path as "secret").
        let snippet = loc["region"]["snippet"]["text"].as_str().unwrap();
        assert!(!snippet.is_empty());
        for s in SECRETS {
            assert!(!snippet.contains(s), "snippet {snippet:?} shows {s}");
        }
    }
    let planted = results
        .iter()
        .find(|r| {
            r["ruleId"] == "aws-access-key-id"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "config/app.py"
        })
        .expect("the AWS key of config/app.py");
    assert_eq!(
        planted["locations"][0]["physicalLocation"]["region"]["snippet"]["text"],
        "AWS_KEY = \"****\""
    );
    // Within GitHub's upload limits: one run, at most 5,000 results, compact.
    assert_eq!(sarif["runs"].as_array().unwrap().len(), 1);
    assert!(text.len() < 10 << 20 && !text.contains("\n  "));
    // Fingerprints do not depend on the run.
    let again: Value =
        serde_json::from_str(&output(&fx, &["--format", "sarif", "--quiet"])).unwrap();
    let fps = |v: &Value| {
        let mut f: Vec<String> = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["veilFinding/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        f.sort();
        f
    };
    assert_eq!(fps(&sarif), fps(&again));
}

#[test]
fn no_format_prints_a_raw_secret_without_show_secrets() {
    let fx = fixture();
    for format in ["text", "json", "sarif"] {
        let text = output(&fx, &["--format", format]);
        for s in SECRETS {
            assert!(
                !text.contains(s),
                "{format} output contains the secret {s}:\n{text}"
            );
        }
    }
    let text = output(&fx, &["--format", "json", "--show-secrets"]);
    for s in &SECRETS[..7] {
        assert!(text.contains(s), "--show-secrets does not show {s}");
    }
}

#[test]
fn text_lines_are_path_line_rule_commit_secret() {
    let fx = fixture();
    let o = run(veil(&fx.dir, &fx.home, false).args(["scan", "--quiet"]));
    let out = stdout(&o);
    let p = fx.planted("added-then-deleted");
    let line = out
        .lines()
        .find(|l| l.starts_with("config/app.py:1 "))
        .unwrap_or_else(|| panic!("{out}"));
    let f: Vec<&str> = line.split(' ').collect();
    assert_eq!(f[1], "aws-access-key-id");
    assert!(p.commit.starts_with(f[2]));
    // Redacted without any prefix of the secret.
    assert_eq!(f[3], "****");
    assert!(stderr(&o).is_empty(), "--quiet: {}", stderr(&o));
}
