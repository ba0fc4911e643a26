//! `veil unset` of a scalar entry and `veil set` of a new scalar key write minimal diffs: the
//! entry's line(s), `mac`, `lastmodified` and `veil_auth`; the reference sops still reads the file.

use crate::edithelp;

use edithelp::*;
use serde_json::{Value, json};

/// What the file decrypts to: all values but `removed`, plus `added`.
fn expected(ext: &str, n: usize, removed: &[usize], added: &[(&str, &str)]) -> Value {
    let mut m = serde_json::Map::new();
    for i in (1..=n).filter(|i| !removed.contains(i)) {
        m.insert(format!("key{i}"), json!(format!("value-{i}")));
    }
    for (k, v) in added {
        m.insert(k.to_string(), json!(v));
    }
    if ext == "ini" {
        json!({ "main": Value::Object(m) })
    } else {
        Value::Object(m)
    }
}

/// sops reads the file as `exp` (TOML: veil, as sops has no TOML store); veil reads it so too.
fn check(dir: &std::path::Path, file: &std::path::Path, ext: &str, exp: &Value) {
    let mut veil = veil_json(dir, file, 1);
    if ext == "ini" {
        // sops shows the (empty) DEFAULT section of an INI file.
        let mut with_default = exp.clone();
        with_default["DEFAULT"] = json!({});
        assert_sops_reads(dir, file, 1, &with_default);
        if let Some(m) = veil.as_object_mut()
            && m.get("DEFAULT") == Some(&json!({}))
        {
            m.remove("DEFAULT");
        }
    } else if ext != "toml" {
        assert_sops_reads(dir, file, 1, exp);
    }
    assert!(
        json_eq_unordered(&veil, exp),
        "veil reads {veil:#}\nexpected {exp:#}"
    );
}

fn path(ext: &str, key: &str) -> String {
    if ext == "ini" {
        format!(r#"["main"]["{key}"]"#)
    } else {
        format!(r#"["{key}"]"#)
    }
}

fn assert_small_diff(dir: &std::path::Path, name: &str, what: &str) {
    let (a, r) = numstat(dir, name);
    assert!(
        a + r >= 1 && a <= 4 && r <= 4,
        "{what} changed +{a} -{r} lines: {:#?}",
        changed_lines(dir, name)
    );
}

fn structural_diffs(ext: &str) {
    let n = 50;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git_init(dir);
    let name = format!("values.{ext}");
    let file = dir.join(&name);
    std::fs::write(&file, many_values(ext, n)).unwrap();
    encrypt(dir, &file, &[1]);
    check(dir, &file, ext, &expected(ext, n, &[], &[]));
    git_commit_all(dir, "encrypted");

    // unset of a middle value: its line, mac, lastmodified and veil_auth.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(veil_k(dir, Some(1)).args(["unset", &name, &path(ext, "key7")]));
    assert_small_diff(dir, &name, "unset key7");
    let lines = changed_lines(dir, &name);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with('-') && l.contains("key7")),
        "{lines:#?}"
    );
    check(dir, &file, ext, &expected(ext, n, &[7], &[]));
    git_commit_all(dir, "unset key7");

    // unset of the last value (JSON: the comma before it goes).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(veil_k(dir, Some(1)).args(["unset", &name, &path(ext, "key50")]));
    assert_small_diff(dir, &name, "unset key50");
    check(dir, &file, ext, &expected(ext, n, &[7, 50], &[]));
    git_commit_all(dir, "unset key50");

    // unset of the first value.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(veil_k(dir, Some(1)).args(["unset", &name, &path(ext, "key1")]));
    assert_small_diff(dir, &name, "unset key1");
    check(dir, &file, ext, &expected(ext, n, &[1, 7, 50], &[]));
    git_commit_all(dir, "unset key1");

    // set of a new key: one added line, mac, lastmodified and veil_auth.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(veil_k(dir, Some(1)).args(["set", &name, &path(ext, "added"), r#""new value""#]));
    assert_small_diff(dir, &name, "set added");
    let exp = expected(ext, n, &[1, 7, 50], &[("added", "new value")]);
    check(dir, &file, ext, &exp);
    git_commit_all(dir, "set added");

    // and unset of it again.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(veil_k(dir, Some(1)).args(["unset", &name, &path(ext, "added")]));
    assert_small_diff(dir, &name, "unset added");
    check(dir, &file, ext, &expected(ext, n, &[1, 7, 50], &[]));
}

#[test]
fn structural_diffs_yaml() {
    structural_diffs("yaml");
}

#[test]
fn structural_diffs_json() {
    structural_diffs("json");
}

#[test]
fn structural_diffs_dotenv() {
    structural_diffs("env");
}

#[test]
fn structural_diffs_ini() {
    structural_diffs("ini");
}

#[test]
fn structural_diffs_toml() {
    structural_diffs("toml");
}

/// Cases that still re-emit the document must still give a correct file.
#[test]
fn fallbacks_stay_correct() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = dir.join("f.yaml");
    std::fs::write(
        &file,
        "a: 1\nnested:\n  x: |\n    line one\n    line two\n  y: two\nlist:\n  - p\n  - q\nonly:\n  z: 1\n",
    )
    .unwrap();
    encrypt(dir, &file, &[1]);
    let name = "f.yaml";
    // a sequence item, a nested mapping, the only entry of a mapping, a new nested mapping.
    ok(veil_k(dir, Some(1)).args(["unset", name, r#"["list"][0]"#]));
    ok(veil_k(dir, Some(1)).args(["unset", name, r#"["only"]["z"]"#]));
    ok(veil_k(dir, Some(1)).args(["set", name, r#"["new"]["deep"]"#, r#""v""#]));
    // a block scalar, then a new nested key (lossless paths).
    ok(veil_k(dir, Some(1)).args(["unset", name, r#"["nested"]["x"]"#]));
    ok(veil_k(dir, Some(1)).args(["set", name, r#"["nested"]["w"]"#, "42"]));
    let exp = json!({"a": 1, "nested": {"y": "two", "w": 42}, "list": ["q"], "only": {},
        "new": {"deep": "v"}});
    assert_sops_reads(dir, &file, 1, &exp);
    assert_eq!(veil_json(dir, &file, 1), exp);
}

/// JSON: the last member of a nested object takes the comma before it; a new member goes after
/// the last one with a comma; the top-level last member (followed by `sops`) too.
#[test]
fn json_nested_commas() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = dir.join("f.json");
    std::fs::write(
        &file,
        "{\n  \"a\": 1,\n  \"n\": {\n    \"x\": \"1\",\n    \"y\": \"2\"\n  },\n  \"z\": true\n}\n",
    )
    .unwrap();
    encrypt(dir, &file, &[1]);
    let before = std::fs::read_to_string(&file).unwrap();
    ok(veil_k(dir, Some(1)).args(["unset", "f.json", r#"["n"]["y"]"#]));
    ok(veil_k(dir, Some(1)).args(["set", "f.json", r#"["n"]["w"]"#, r#""new""#]));
    ok(veil_k(dir, Some(1)).args(["unset", "f.json", r#"["z"]"#]));
    let after = std::fs::read_to_string(&file).unwrap();
    assert_eq!(before.lines().count() - 1, after.lines().count(), "{after}");
    assert!(after.contains("\n  \"n\": {\n    \"x\""), "{after}");
    let exp = json!({"a": 1, "n": {"x": "1", "w": "new"}});
    assert_sops_reads(dir, &file, 1, &exp);
}
