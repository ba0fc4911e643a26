//! Recall and precision of the detector on the labelled corpus (testdata/scan-corpus): every
//! secret in every assignment form, and decoys likewise, written as files and scanned with one
//! `veil scan` run. Recall must stay ≥ 90 % and precision ≥ 97 %, overall; every assignment form
//! and every kind is reported with its own figures, and a form or kind that finds less than
//! half of its secrets fails the test too.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/scan-corpus")
}

/// Undoes the storage encoding: `⟦…⟧` holds a reversed value; `\n` is a line break.
fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('⟦') {
        out.push_str(&rest[..i]);
        let after = &rest[i + '⟦'.len_utf8()..];
        let j = after.find('⟧').expect("closed ⟦");
        out.extend(after[..j].chars().rev());
        rest = &after[j + '⟧'.len_utf8()..];
    }
    out.push_str(rest);
    out.replace("\\n", "\n")
}

struct Case {
    positive: bool,
    kind: String,
    key: String,
    value: String,
    expected: String,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(corpus().join("cases.txt")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let value = decode(f[3]);
            Case {
                positive: f[0] == "+",
                kind: f[1].to_string(),
                key: f[2].to_string(),
                expected: f.get(4).map_or(value.clone(), |e| decode(e)),
                value,
            }
        })
        .collect()
}

fn forms() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(corpus().join("forms.txt")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (name, tpl) = l.split_once('|').unwrap();
            (name.to_string(), tpl.replace("\\n", "\n"))
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    secrets: usize,
    found: usize,
    false_positives: usize,
}

#[test]
fn recall_and_precision_on_the_labelled_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    std::fs::create_dir_all(&dir).unwrap();
    // file name -> (case index, form name)
    let mut files: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let cases = cases();
    let forms = forms();
    for (i, c) in cases.iter().enumerate() {
        if c.key == "@doc" {
            let name = format!("case{i:03}-doc.txt");
            std::fs::write(dir.join(&name), &c.value).unwrap();
            files.insert(name, (i, "document".into()));
            continue;
        }
        for (name, tpl) in &forms {
            let text = tpl.replace("{k}", &c.key).replace("{v}", &c.value);
            let file = format!("case{i:03}-{name}.txt");
            std::fs::write(dir.join(&file), text + "\n").unwrap();
            files.insert(file, (i, name.clone()));
        }
    }
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_veil"))
        .args(["scan", "--quiet", "--format", "json", "--show-secrets"])
        .arg(&dir)
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("VEIL_SCAN_KEY")
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut by_file: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        by_file
            .entry(f["path"].as_str().unwrap().to_string())
            .or_default()
            .push((
                f["rule"].as_str().unwrap().to_string(),
                f["secret"].as_str().unwrap().to_string(),
            ));
    }
    let matches = |expected: &str, got: &str| {
        got == expected
            || (got.len() >= 8 && expected.contains(got))
            || (expected.len() >= 8 && got.contains(expected))
    };
    let (mut total, mut by_form, mut by_kind) = (
        Tally::default(),
        BTreeMap::<String, Tally>::new(),
        BTreeMap::<String, Tally>::new(),
    );
    let mut misses = Vec::new();
    let mut fps = Vec::new();
    for (file, (i, form)) in &files {
        let c = &cases[*i];
        let got = by_file.get(file).cloned().unwrap_or_default();
        let hit = c.positive && got.iter().any(|(_, s)| matches(&c.expected, s));
        let wrong: Vec<_> = got
            .iter()
            .filter(|(_, s)| !(c.positive && matches(&c.expected, s)))
            .collect();
        for t in [
            &mut total,
            by_form.entry(form.clone()).or_default(),
            by_kind.entry(c.kind.clone()).or_default(),
        ] {
            if c.positive {
                t.secrets += 1;
                t.found += hit as usize;
            }
            t.false_positives += wrong.len();
        }
        if c.positive && !hit {
            misses.push(format!("{file} ({}): {got:?}", c.kind));
        }
        for (rule, s) in wrong {
            fps.push(format!("{file} ({}): {rule} {s:?}", c.kind));
        }
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    let mut table = String::new();
    for (what, map) in [("form", &by_form), ("kind", &by_kind)] {
        for (name, t) in map {
            table.push_str(&format!(
                "{what:4} {name:40} recall {:5.1}% ({}/{}), false positives {}\n",
                pct(t.found, t.secrets),
                t.found,
                t.secrets,
                t.false_positives
            ));
        }
    }
    let recall = pct(total.found, total.secrets);
    let precision = pct(total.found, total.found + total.false_positives);
    println!("{table}");
    println!(
        "corpus: {} secrets, recall {recall:.1}% ({}), precision {precision:.1}% ({} false positives)",
        total.secrets, total.found, total.false_positives
    );
    println!(
        "misses:\n{}\nfalse positives:\n{}",
        misses.join("\n"),
        fps.join("\n")
    );
    assert!(recall >= 90.0, "recall {recall:.1}% < 90%");
    assert!(precision >= 97.0, "precision {precision:.1}% < 97%");
    let weak: Vec<_> = by_form
        .iter()
        .chain(by_kind.iter())
        .filter(|(_, t)| t.secrets > 0 && pct(t.found, t.secrets) < 50.0)
        .map(|(n, t)| format!("{n}: {}/{}", t.found, t.secrets))
        .collect();
    assert!(weak.is_empty(), "forms or kinds under 50% recall: {weak:?}");
}
