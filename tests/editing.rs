//! End-to-end tests of the commands that change encrypted files (`set`, `unset`, `edit`,
//! `updatekeys`, `rotate`) and of the read-side commands around them (`decrypt --extract`,
//! `check`, `config explain`, `exec-env`, `exec-file`), with the built binary. After every write
//! the reference sops must still decrypt the file to the expected content.

use crate::common;
use crate::edithelp;

use std::path::Path;

use common::*;
use edithelp::*;
use serde_json::{Value, json};

/// A `.sops.yaml` with one rule for `regex` encrypting to the given demo recipients.
fn write_config(dir: &Path, regex: &str, recipients: &[usize]) {
    let list: Vec<String> = recipients.iter().map(|&n| recipient(n)).collect();
    std::fs::write(
        dir.join(".sops.yaml"),
        format!(
            "creation_rules:\n  - path_regex: '{regex}'\n    age: {}\n",
            list.join(",")
        ),
    )
    .unwrap();
}

/// The plaintext of a small flat fixture and what it decrypts to.
fn fixture(ext: &str) -> (String, Value) {
    match ext {
        "yaml" => (
            "# app settings\nname: old-name\npassword: hunter2\nport: 5432\n".into(),
            json!({"name": "old-name", "password": "hunter2", "port": 5432}),
        ),
        "json" => (
            "{\n  \"name\": \"old-name\",\n  \"password\": \"hunter2\",\n  \"port\": 5432\n}\n"
                .into(),
            json!({"name": "old-name", "password": "hunter2", "port": 5432}),
        ),
        "env" => (
            "name=old-name\npassword=hunter2\nport=5432\n".into(),
            json!({"name": "old-name", "password": "hunter2", "port": "5432"}),
        ),
        _ => unreachable!(),
    }
}

fn every_command(ext: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_config(dir, r"^app\.", &[1]);
    let (plain, mut expected) = fixture(ext);
    let name = format!("app.{ext}");
    let file = dir.join(&name);
    std::fs::write(&file, plain).unwrap();
    ok(veil(dir).args(["encrypt", "-i", &name]));
    assert_sops_reads(dir, &file, 1, &expected);

    // set: an existing value, then a new entry; unset removes it again.
    ok(veil_k(dir, Some(1)).args(["set", &name, r#"["password"]"#, r#""new-pass""#]));
    expected["password"] = json!("new-pass");
    assert_sops_reads(dir, &file, 1, &expected);
    ok(veil_k(dir, Some(1)).args(["set", &name, r#"["added"]"#, r#""x""#]));
    expected["added"] = json!("x");
    assert_sops_reads(dir, &file, 1, &expected);
    ok(veil_k(dir, Some(1)).args(["unset", &name, r#"["added"]"#]));
    expected.as_object_mut().unwrap().remove("added");
    assert_sops_reads(dir, &file, 1, &expected);
    // unset of a missing entry fails unless --idempotent.
    let (c, _) = code(veil_k(dir, Some(1)).args(["unset", &name, r#"["nope"]"#]));
    assert_ne!(c, 0);
    ok(veil_k(dir, Some(1)).args(["unset", "--idempotent", &name, r#"["nope"]"#]));

    // decrypt --extract prints a string raw.
    let out = ok(veil_k(dir, Some(1)).args(["decrypt", "--extract", r#"["password"]"#, &name]));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "new-pass");

    // edit with a scripted editor.
    let ed = dir.join("ed.sh");
    script(&ed, "sed -i 's/old-name/edited-name/' \"$1\"\n");
    ok(veil_k(dir, Some(1))
        .env("EDITOR", &ed)
        .args(["edit", &name]));
    expected["name"] = json!("edited-name");
    assert_sops_reads(dir, &file, 1, &expected);

    // updatekeys: .sops.yaml now also names key 2.
    write_config(dir, r"^app\.", &[1, 2]);
    ok(veil_k(dir, Some(1)).args(["updatekeys", "-y", &name]));
    assert_sops_reads(dir, &file, 2, &expected);
    assert_sops_reads(dir, &file, 1, &expected);

    // rotate: a new data key, same content, same recipients.
    let before = std::fs::read_to_string(&file).unwrap();
    ok(veil_k(dir, Some(2)).args(["rotate", &name]));
    let after = std::fs::read_to_string(&file).unwrap();
    assert_ne!(before, after);
    assert_sops_reads(dir, &file, 1, &expected);
    assert_sops_reads(dir, &file, 2, &expected);

    // check: the file is clean (no private key needed).
    let out = ok(veil(dir).args(["check"]));
    assert!(stderr(&out).contains("no violation"), "{}", stderr(&out));

    // config explain names the rule and its recipients.
    let out = ok(veil(dir).args(["config", "explain", &name]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rule 1"), "{text}");
    assert!(text.contains(&recipient(2)), "{text}");
    let (c, _) = code(veil(dir).args(["config", "explain", "other.yaml"]));
    assert_eq!(c, 5, "no matching rule is a config error");

    // exec-env: top-level values as environment variables.
    let out =
        ok(veil_k(dir, Some(1)).args(["exec-env", &name, r#"printf '%s|%s' "$password" "$name""#]));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "new-pass|edited-name");
    // exit codes of the command pass through.
    let (c, _) = code(veil_k(dir, Some(1)).args(["exec-env", &name, "exit 7"]));
    assert_eq!(c, 7);

    // exec-file: the decrypted file at a private path, FIFO and regular file.
    for extra in [&[][..], &["--no-fifo"][..]] {
        let out = ok(veil_k(dir, Some(1))
            .arg("exec-file")
            .args(extra)
            .args([&name, "cat {}; echo; echo {}"]));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("new-pass") && text.contains("edited-name"),
            "{text}"
        );
        assert!(!text.contains("ENC["), "{text}");
        let path = text.trim_end().lines().last().unwrap().to_string();
        assert!(!Path::new(&path).exists(), "{path} left behind");
        assert!(
            !Path::new(&path).parent().unwrap().exists(),
            "dir of {path} left behind"
        );
    }
    // Nothing decrypted was left in the working directory.
    for e in std::fs::read_dir(dir).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!n.starts_with(".veil-"), "leftover {n}");
    }
}

#[test]
fn every_command_yaml() {
    every_command("yaml");
}

#[test]
fn every_command_json() {
    every_command("json");
}

#[test]
fn every_command_dotenv() {
    every_command("env");
}

fn expected_values(n: usize, changes: &[(usize, &str)]) -> Value {
    let mut m = serde_json::Map::new();
    for i in 1..=n {
        let v = changes
            .iter()
            .find(|(k, _)| *k == i)
            .map(|(_, v)| v.to_string())
            .unwrap_or(format!("value-{i}"));
        m.insert(format!("key{i}"), json!(v));
    }
    Value::Object(m)
}

/// A line holding value `keyN` in any of the formats.
fn is_value_line(line: &str) -> bool {
    let l = line[1..].trim_start().trim_start_matches('"');
    l.starts_with("key") && l[3..].starts_with(|c: char| c.is_ascii_digit())
}

fn minimal_diffs(ext: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git_init(dir);
    let name = format!("values.{ext}");
    let file = dir.join(&name);
    std::fs::write(&file, many_values(ext, 50)).unwrap();
    encrypt(dir, &file, &[1]);
    git_commit_all(dir, "encrypted");

    // set of one value: that value's line, mac, lastmodified and veil_auth.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(veil_k(dir, Some(1)).args(["set", &name, r#"["key7"]"#, r#""changed""#]));
    let (a, r) = numstat(dir, &name);
    assert!(
        a <= 4 && r <= 4 && a == r && a >= 1,
        "set changed +{a} -{r} lines"
    );
    let lines = changed_lines(dir, &name);
    let values: Vec<&String> = lines.iter().filter(|l| is_value_line(l)).collect();
    assert_eq!(values.len(), 2, "exactly key7 changes: {lines:#?}");
    assert!(values.iter().all(|l| l.contains("key7")), "{lines:#?}");
    assert_sops_reads(dir, &file, 1, &expected_values(50, &[(7, "changed")]));
    git_commit_all(dir, "set");

    // set of the same value: byte-identical.
    let before = std::fs::read(&file).unwrap();
    ok(veil_k(dir, Some(1)).args(["set", &name, r#"["key7"]"#, r#""changed""#]));
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "no-op set rewrote the file"
    );

    // edit by a scripted editor: the same four lines at most.
    let ed = dir.join("ed.sh");
    script(&ed, "sed -i 's/value-9/edited-9/' \"$1\"\n");
    ok(veil_k(dir, Some(1))
        .env("EDITOR", &ed)
        .args(["edit", &name]));
    let (a, r) = numstat(dir, &name);
    assert!(a <= 4 && r <= 4 && a >= 1, "edit changed +{a} -{r} lines");
    let lines = changed_lines(dir, &name);
    let values: Vec<&String> = lines.iter().filter(|l| is_value_line(l)).collect();
    assert!(
        values.len() == 2 && values.iter().all(|l| l.contains("key9")),
        "{lines:#?}"
    );
    let expected = expected_values(50, &[(7, "changed"), (9, "edited-9")]);
    assert_sops_reads(dir, &file, 1, &expected);
    git_commit_all(dir, "edit");

    // edit without a change: exit 200, file untouched.
    let before = std::fs::read(&file).unwrap();
    let (c, out) = code(
        veil_k(dir, Some(1))
            .env("EDITOR", "true")
            .args(["edit", &name]),
    );
    assert_eq!(c, 200, "{}", stderr(&out));
    assert_eq!(std::fs::read(&file).unwrap(), before);

    // updatekeys that only adds a recipient: no value line changes.
    write_config(dir, r"^values\.", &[1, 2]);
    ok(veil_k(dir, Some(1)).args(["updatekeys", "-y", &name]));
    let lines = changed_lines(dir, &name);
    assert!(!lines.is_empty(), "updatekeys did not add the recipient");
    assert!(
        lines
            .iter()
            .all(|l| !is_value_line(l) && !l.contains("mac")),
        "updatekeys touched values or the MAC: {lines:#?}"
    );
    assert_sops_reads(dir, &file, 2, &expected);
    assert_sops_reads(dir, &file, 1, &expected);
}

#[test]
fn minimal_diffs_yaml() {
    minimal_diffs("yaml");
}

#[test]
fn minimal_diffs_json() {
    minimal_diffs("json");
}

#[test]
fn minimal_diffs_dotenv() {
    minimal_diffs("env");
}

fn edit_reopens_on_parse_error(ext: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let name = format!("values.{ext}");
    let file = dir.join(&name);
    std::fs::write(&file, many_values(ext, 5)).unwrap();
    encrypt(dir, &file, &[1]);
    let count = dir.join("count");
    let log = dir.join("log");
    // First run: break the file (a line no format accepts). Second run: repair it and change a
    // value. The editor records the path and the modes it was given.
    let ed = dir.join("ed.sh");
    script(
        &ed,
        &format!(
            "n=$(cat '{c}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '{c}'\n\
             echo \"$1\" >> '{l}'\n\
             stat -c '%a' \"$1\" \"$(dirname \"$1\")\" >> '{l}'\n\
             if [ $n = 1 ]; then echo '{{[ broken' >> \"$1\"; else sed -i '/broken/d; s/value-3/fixed-3/' \"$1\"; fi\n",
            c = count.display(),
            l = log.display()
        ),
    );
    let out = ok(veil_k(dir, Some(1))
        .env("EDITOR", &ed)
        .stdin(std::process::Stdio::null())
        .args(["edit", &name]));
    assert_eq!(std::fs::read_to_string(&count).unwrap().trim(), "2");
    assert!(
        stderr(&out).contains("line"),
        "the parse error is shown: {}",
        stderr(&out)
    );
    assert_sops_reads(dir, &file, 1, &expected_values(5, &[(3, "fixed-3")]));
    let logged = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = logged.lines().collect();
    assert_eq!(lines.len(), 6, "{logged}");
    let tmp_path = Path::new(lines[0]);
    assert_eq!(lines[1], "600", "temporary file mode");
    assert_eq!(lines[2], "700", "temporary directory mode");
    assert_eq!(lines[3], lines[0], "the same file is reopened");
    assert!(!tmp_path.exists(), "temporary file left behind");
    assert!(
        !tmp_path.parent().unwrap().exists(),
        "temporary dir left behind"
    );

    // The editor breaks the file and then leaves it as it is: the error ends the run and the
    // encrypted file is untouched.
    std::fs::remove_file(&count).unwrap();
    std::fs::remove_file(&log).unwrap();
    script(
        &ed,
        &format!(
            "n=$(cat '{c}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '{c}'\n\
             echo \"$1\" >> '{l}'\n\
             if [ $n = 1 ]; then echo '{{[ broken' >> \"$1\"; fi\n",
            c = count.display(),
            l = log.display()
        ),
    );
    let before = std::fs::read(&file).unwrap();
    let (c, out) = code(
        veil_k(dir, Some(1))
            .env("EDITOR", &ed)
            .stdin(std::process::Stdio::null())
            .args(["edit", &name]),
    );
    assert_ne!(c, 0);
    assert_ne!(
        c,
        200,
        "the parse error, not 'not modified': {}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("line"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&count).unwrap().trim(), "2");
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let logged = std::fs::read_to_string(&log).unwrap();
    let p = Path::new(logged.lines().next().unwrap());
    assert!(
        !p.exists() && !p.parent().unwrap().exists(),
        "temporary file left behind"
    );

    // A failing editor: nothing written, nothing left behind.
    std::fs::remove_file(&log).unwrap();
    script(
        &ed,
        &format!("echo \"$1\" >> '{}'\nexit 3\n", log.display()),
    );
    let (c, _) = code(
        veil_k(dir, Some(1))
            .env("EDITOR", &ed)
            .args(["edit", &name]),
    );
    assert_ne!(c, 0);
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let logged = std::fs::read_to_string(&log).unwrap();
    let p = Path::new(logged.lines().next().unwrap());
    assert!(
        !p.exists() && !p.parent().unwrap().exists(),
        "temporary file left behind"
    );
}

#[test]
fn edit_reopens_on_parse_error_yaml() {
    edit_reopens_on_parse_error("yaml");
}

#[test]
fn edit_reopens_on_parse_error_json() {
    edit_reopens_on_parse_error("json");
}

#[test]
fn edit_reopens_on_parse_error_dotenv() {
    edit_reopens_on_parse_error("env");
}

/// The age `enc` of `recipient` in a YAML file's text (the block after `enc: |`).
fn age_enc_of(meta: &Value, recipient: &str) -> String {
    meta["sops"]["age"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["recipient"] == recipient)
        .unwrap_or_else(|| panic!("{recipient} is not a recipient"))["enc"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The raw (encrypted) file as JSON, metadata included.
fn raw_json(file: &Path) -> Value {
    let kind = veil::format::Kind::from_path(file);
    let doc = kind.store().parse(std::fs::read(file).unwrap()).unwrap();
    json!({"sops": doc.metadata.unwrap()})
}

/// Checks a removal: `removed` can no longer decrypt, the others can, every encrypted value
/// and the remaining recipients' wrapped keys changed, and the output says what to do.
#[allow(clippy::too_many_arguments)]
fn assert_removed(
    dir: &Path,
    file: &Path,
    before_text: &str,
    before_meta: &Value,
    removed: usize,
    remaining: &[usize],
    output: &str,
    expected: &Value,
) {
    let (c, out) = code(veil_k(dir, Some(removed)).arg("decrypt").arg(file));
    assert_eq!(
        c,
        128,
        "the removed identity still decrypts: {}",
        stderr(&out)
    );
    let (c, _) = code(sops_k(dir, removed).arg("decrypt").arg(file));
    assert_ne!(c, 0, "sops decrypts with the removed identity");
    for &n in remaining {
        assert_sops_reads(dir, file, n, expected);
        assert!(json_eq_unordered(&veil_json(dir, file, n), expected));
    }
    let after_text = std::fs::read_to_string(file).unwrap();
    let old = enc_values(before_text);
    let new = enc_values(&after_text);
    assert_eq!(old.len(), new.len());
    for v in &new {
        assert!(
            !old.contains(v),
            "a value kept its ciphertext: the data key did not change"
        );
    }
    let after_meta = raw_json(file);
    for &n in remaining {
        let r = recipient(n);
        assert_ne!(
            age_enc_of(before_meta, &r),
            age_enc_of(&after_meta, &r),
            "the wrapped key of {r} did not change"
        );
    }
    assert!(
        output.contains(&recipient(removed)),
        "the output names the removed recipient: {output}"
    );
    assert!(
        output.contains("password") && output.contains("name"),
        "the output names the values to rotate: {output}"
    );
}

#[test]
fn updatekeys_removal_rotates_the_data_key() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_config(dir, r"^app\.", &[1, 2]);
    let (plain, expected) = fixture("yaml");
    let file = dir.join("app.yaml");
    std::fs::write(&file, plain).unwrap();
    ok(veil(dir).args(["encrypt", "-i", "app.yaml"]));
    let before_text = std::fs::read_to_string(&file).unwrap();
    let before_meta = raw_json(&file);
    write_config(dir, r"^app\.", &[2]);
    let out = ok(veil_k(dir, Some(2)).args(["updatekeys", "-y", "app.yaml"]));
    assert_removed(
        dir,
        &file,
        &before_text,
        &before_meta,
        1,
        &[2],
        &stderr(&out),
        &expected,
    );
    // Now in line with .sops.yaml: nothing more to do.
    let again = std::fs::read(&file).unwrap();
    ok(veil_k(dir, Some(2)).args(["updatekeys", "-y", "app.yaml"]));
    assert_eq!(std::fs::read(&file).unwrap(), again);
}

#[test]
fn rotate_rm_age_rotates_the_data_key() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (plain, expected) = fixture("yaml");
    let file = dir.join("app.yaml");
    std::fs::write(&file, plain).unwrap();
    encrypt(dir, &file, &[1, 2, 3]);
    let before_text = std::fs::read_to_string(&file).unwrap();
    let before_meta = raw_json(&file);
    let out = ok(veil_k(dir, Some(1)).args(["rotate", "--rm-age", &recipient(3), "app.yaml"]));
    assert_removed(
        dir,
        &file,
        &before_text,
        &before_meta,
        3,
        &[1, 2],
        &stderr(&out),
        &expected,
    );
    // --add-age gives a new holder access (and rotates the key as well).
    ok(veil_k(dir, Some(2)).args(["rotate", "--add-age", &recipient(3), "app.yaml"]));
    assert_sops_reads(dir, &file, 3, &expected);
}
