//! veil as a drop-in for sops 3.11: a differential table. Each row runs one sops command line
//! twice, on identical copies of the same files — once with veil installed as `sops` (a
//! symlink named `sops` to the built binary, found on PATH) and once with the reference sops —
//! and compares the exit codes, standard output (exactly, or as data where sops re-renders or
//! encryption is random) and every file left in the directory (encrypted files decrypted by the
//! reference sops and compared as data, with which values are encrypted and the recipients).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;
use serde_json::Value;
use veil::format::Kind;

/// How the standard outputs are compared.
#[derive(Clone, Copy, Debug)]
enum Out {
    /// Byte for byte.
    Exact,
    /// As data of this format (sops re-renders; veil keeps the file's layout).
    Data(Kind),
    /// An encrypted file of this format: decrypted by the reference sops, as data, with the
    /// encrypted values and recipients.
    Encrypted(Kind),
    /// sops's version line: both start with `sops 3.11.0`.
    Version,
    /// Not compared (e.g. completion scripts, made differently); both non-empty.
    NonEmpty,
    /// Not compared.
    Ignore,
}

/// A file of the directory before the command: plaintext, or encrypted by the reference sops.
enum Src {
    Plain(&'static str, Vec<u8>),
    Enc(&'static str, Vec<u8>),
    /// Encrypted by sops with extra arguments (e.g. `--age A,B`).
    EncWith(&'static str, Vec<u8>, Vec<String>),
    /// Encrypted by sops under this `.sops.yaml`.
    EncCfg(&'static str, Vec<u8>, String),
    /// Encrypted by sops with extra arguments, then a plaintext value changed (`from` replaced
    /// by `to`) so that the MAC no longer matches.
    Tampered(
        &'static str,
        Vec<u8>,
        Vec<String>,
        &'static str,
        &'static str,
    ),
}

struct Case {
    args: Vec<String>,
    files: Vec<Src>,
    config: Option<String>,
    stdin: Option<Vec<u8>>,
    env: Vec<(String, String)>,
    stdout: Out,
    /// Wait for this file to appear (a command run in the background) before comparing.
    wait_for: Option<&'static str>,
}

const YAML: &str = "# database settings\ndb:\n  user: admin\n  password: s3cret\n  port: 5432\napi_token: tok-123\nenabled: true\nitems:\n  - one\n  - two\n";
const JSON: &str = "{\n  \"user\": \"admin\",\n  \"password\": \"s3cret\",\n  \"n\": 3,\n  \"nested\": {\"a\": [1, 2]}\n}\n";
const DOTENV: &str = "USER=admin\nPASSWORD=s3cret\n# a comment\nPORT=5432\n";
const INI: &str = "[db]\nuser = admin\npassword = s3cret\n\n[api]\ntoken = tok-123\n";

fn case(args: &[&str]) -> Case {
    Case {
        args: args.iter().map(|s| expand(s)).collect(),
        files: Vec::new(),
        config: None,
        stdin: None,
        env: Vec::new(),
        stdout: Out::Exact,
        wait_for: None,
    }
}

impl Case {
    fn plain(mut self, name: &'static str, text: &str) -> Case {
        self.files.push(Src::Plain(name, text.as_bytes().to_vec()));
        self
    }
    fn enc(mut self, name: &'static str, text: &str) -> Case {
        self.files.push(Src::Enc(name, text.as_bytes().to_vec()));
        self
    }
    fn enc_with(mut self, name: &'static str, text: &str, args: &[&str]) -> Case {
        let args = args.iter().map(|s| expand(s)).collect();
        self.files
            .push(Src::EncWith(name, text.as_bytes().to_vec(), args));
        self
    }
    fn tampered(
        mut self,
        name: &'static str,
        text: &str,
        args: &[&str],
        from: &'static str,
        to: &'static str,
    ) -> Case {
        let args = args.iter().map(|s| expand(s)).collect();
        self.files.push(Src::Tampered(
            name,
            text.as_bytes().to_vec(),
            args,
            from,
            to,
        ));
        self
    }
    fn enc_cfg(mut self, name: &'static str, text: &str, cfg: &str) -> Case {
        self.files
            .push(Src::EncCfg(name, text.as_bytes().to_vec(), expand(cfg)));
        self
    }
    fn out(mut self, o: Out) -> Case {
        self.stdout = o;
        self
    }
    fn stdin(mut self, s: &str) -> Case {
        self.stdin = Some(s.as_bytes().to_vec());
        self
    }
    fn config(mut self, c: &str) -> Case {
        self.config = Some(expand(c));
        self
    }
    fn env(mut self, k: &str, v: &str) -> Case {
        self.env.push((k.to_string(), expand(v)));
        self
    }
    fn wait_for(mut self, f: &'static str) -> Case {
        self.wait_for = Some(f);
        self
    }
}

/// `{PUB1}`, `{PUB2}`: the demo recipients.
fn expand(s: &str) -> String {
    s.replace("{PUB1}", &demo_key(1).1)
        .replace("{PUB2}", &demo_key(2).1)
        .replace("{PUB3}", &demo_key(3).1)
}

/// One side's directory: the files, the keys (both demo identities), `.sops.yaml`, and for
/// veil a `bin/sops` symlink to the built binary.
struct Side {
    dir: tempfile::TempDir,
    bin: PathBuf,
}

fn keys_text() -> String {
    let mut s = String::new();
    for n in [1, 2] {
        s.push_str(&std::fs::read_to_string(demo_key(n).0).unwrap());
        s.push('\n');
    }
    s
}

/// The files every side starts from (encrypted ones encrypted once, by the reference sops).
fn prepare(c: &Case) -> Vec<(String, Vec<u8>)> {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("keys.txt"), keys_text()).unwrap();
    let mut out = Vec::new();
    for f in &c.files {
        let mut tamper = None;
        let (name, text, extra): (&str, &Vec<u8>, Vec<String>) = match f {
            Src::Plain(n, t) => {
                out.push((n.to_string(), t.clone()));
                continue;
            }
            Src::Enc(n, t) => (n, t, vec!["--age".into(), demo_key(1).1]),
            Src::EncWith(n, t, a) => (n, t, a.clone()),
            Src::EncCfg(n, t, cfg) => {
                std::fs::write(tmp.path().join(".sops.yaml"), cfg).unwrap();
                (n, t, Vec::new())
            }
            Src::Tampered(n, t, a, from, to) => {
                tamper = Some((*from, *to));
                (n, t, a.clone())
            }
        };
        let p = tmp.path().join(name);
        std::fs::write(&p, text).unwrap();
        let o = run(sops_cmd(tmp.path())
            .env("SOPS_AGE_KEY_FILE", tmp.path().join("keys.txt"))
            .arg("encrypt")
            .args(&extra)
            .arg(&p));
        assert!(o.status.success(), "sops encrypt {name}: {}", stderr(&o));
        let _ = std::fs::remove_file(tmp.path().join(".sops.yaml"));
        let mut bytes = o.stdout;
        if let Some((from, to)) = tamper {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains(from), "{name}: no {from:?} to tamper with");
            bytes = text.replacen(from, to, 1).into_bytes();
        }
        out.push((name.to_string(), bytes));
    }
    out
}

fn side(c: &Case, files: &[(String, Vec<u8>)], veil_side: bool) -> Side {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(dir.path().join("keys.txt"), keys_text()).unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let target = if veil_side {
        PathBuf::from(env!("CARGO_BIN_EXE_veil"))
    } else {
        sops()
    };
    std::os::unix::fs::symlink(target, bin.join("sops")).unwrap();
    let config = c
        .config
        .clone()
        .unwrap_or_else(|| format!("creation_rules:\n  - age: {}\n", demo_key(1).1));
    std::fs::write(work.join(".sops.yaml"), config).unwrap();
    for (name, bytes) in files {
        std::fs::write(work.join(name), bytes).unwrap();
    }
    // A test editor: applies $EDIT_SED to the file (and fails when $EDIT_EXPECT is missing).
    let editor = bin.join("test-editor");
    std::fs::write(
        &editor,
        "#!/bin/sh\nif [ -n \"$EDIT_EXPECT\" ] && ! grep -q \"$EDIT_EXPECT\" \"$1\"; then exit 3; fi\n\
         if [ -n \"$EDIT_WRITE\" ]; then printf '%s' \"$EDIT_WRITE\" > \"$1\"; fi\n\
         if [ -n \"$EDIT_SED\" ]; then sed -i \"$EDIT_SED\" \"$1\"; fi\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    Side { dir, bin }
}

fn work(s: &Side) -> PathBuf {
    s.dir.path().join("work")
}

fn run_side(c: &Case, s: &Side) -> Output {
    let path = format!(
        "{}:{}",
        s.bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new("sops");
    cmd.env_clear()
        .env("PATH", path)
        .env("HOME", s.dir.path())
        .env("XDG_CONFIG_HOME", s.dir.path().join(".config"))
        .env("SOPS_DISABLE_VERSION_CHECK", "1")
        .env("SOPS_AGE_KEY_FILE", s.dir.path().join("keys.txt"))
        .env("EDITOR", s.bin.join("test-editor"))
        .current_dir(work(s))
        .args(&c.args);
    for (k, v) in &c.env {
        cmd.env(k, v);
    }
    let out = match &c.stdin {
        Some(input) => {
            use std::io::Write;
            cmd.stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            let mut child = cmd.spawn().unwrap();
            let mut si = child.stdin.take().unwrap();
            si.write_all(input).unwrap();
            drop(si);
            child.wait_with_output().unwrap()
        }
        None => cmd.stdin(std::process::Stdio::null()).output().unwrap(),
    };
    if let Some(f) = c.wait_for {
        for _ in 0..250 {
            if work(s).join(f).is_file() && !std::fs::read(work(s).join(f)).unwrap().is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    out
}

/// The format sops gives a file name.
fn sops_kind(name: &str) -> Kind {
    match Kind::from_path(Path::new(name)) {
        Kind::Toml => Kind::Binary,
        k => k,
    }
}

/// Decrypts encrypted bytes of `kind` with the reference sops: the plaintext as data.
fn decrypt_as_data(bytes: &[u8], kind: Kind, what: &str) -> Value {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("keys.txt"), keys_text()).unwrap();
    let f = tmp.path().join("f");
    std::fs::write(&f, bytes).unwrap();
    let in_type = if kind == Kind::Binary {
        "binary"
    } else {
        kind.name()
    };
    let out_type = match kind {
        Kind::Binary => "binary",
        Kind::Dotenv => "dotenv",
        Kind::Ini => "ini",
        _ => "json",
    };
    let o = run(sops_cmd(tmp.path())
        .env("SOPS_AGE_KEY_FILE", tmp.path().join("keys.txt"))
        .args([
            "decrypt",
            "--input-type",
            in_type,
            "--output-type",
            out_type,
        ])
        .arg(&f));
    assert!(
        o.status.success(),
        "{what}: the reference sops cannot decrypt it: {}\n{}",
        stderr(&o),
        String::from_utf8_lossy(bytes)
    );
    match kind {
        Kind::Binary => Value::String(String::from_utf8_lossy(&o.stdout).into_owned()),
        Kind::Dotenv | Kind::Ini => parse_docs(kind, o.stdout),
        _ => serde_json::from_slice(&o.stdout).unwrap(),
    }
}

/// Which values are encrypted (`ENC` in place of each encrypted leaf), and the recipients of
/// each key group.
fn shape(bytes: &[u8], kind: Kind) -> (Value, Vec<Vec<String>>) {
    let reading = if kind == Kind::Binary {
        Kind::Json
    } else {
        kind
    };
    let doc = reading.store().parse(bytes.to_vec()).unwrap();
    fn mask(v: &Value) -> Value {
        match v {
            Value::String(s) if s.starts_with("ENC[") => Value::String("ENC".into()),
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), mask(v))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(mask).collect()),
            other => other.clone(),
        }
    }
    let values: Vec<Value> = doc
        .docs
        .iter()
        .map(|d| mask(&veil::format::node_to_value(d)))
        .collect();
    let meta = doc.metadata.unwrap_or(Value::Null);
    let group = |g: &Value| {
        let mut r = Vec::new();
        for (kind, field) in [("age", "recipient"), ("pgp", "fp"), ("kms", "arn")] {
            if let Some(list) = g.get(kind).and_then(Value::as_array) {
                for k in list {
                    r.push(format!(
                        "{kind}:{}",
                        k.get(field).and_then(Value::as_str).unwrap_or("")
                    ));
                }
            }
        }
        r.sort();
        r
    };
    let groups = match meta.get("key_groups").and_then(Value::as_array) {
        Some(gs) => gs.iter().map(group).collect(),
        None => vec![group(&meta)],
    };
    (Value::Array(values), groups)
}

fn is_encrypted(bytes: &[u8], kind: Kind) -> bool {
    let reading = if kind == Kind::Binary {
        Kind::Json
    } else {
        kind
    };
    reading
        .store()
        .parse(bytes.to_vec())
        .map(|d| d.metadata.is_some())
        .unwrap_or(false)
}

/// The format of a file's content: its name's, else YAML (`set --output-type yaml` rewrote a
/// `.json` file as YAML, as sops does).
fn detect_kind(bytes: &[u8], by_name: Kind) -> Kind {
    let reading = if by_name == Kind::Binary {
        Kind::Json
    } else {
        by_name
    };
    if by_name == Kind::Binary || reading.store().parse(bytes.to_vec()).is_ok() {
        by_name
    } else {
        Kind::Yaml
    }
}

/// `layout`: the text around the encrypted values must be the same too (what sops renders:
/// encryption, where the personality writes the file as sops lays it out). Elsewhere veil keeps
/// the file's own layout (lossless edits), and only the data and the encryption are compared.
fn compare_encrypted(a: &[u8], b: &[u8], kind: Kind, what: &str, layout_too: bool) {
    assert_eq!(
        decrypt_as_data(a, kind, &format!("{what} (veil)")),
        decrypt_as_data(b, kind, &format!("{what} (sops)")),
        "{what}: the decrypted data differ"
    );
    assert_eq!(
        shape(a, kind),
        shape(b, kind),
        "{what}: the encrypted values or the recipients differ"
    );
    if layout_too {
        assert_eq!(
            layout(a, kind),
            layout(b, kind),
            "{what}: the layouts differ (indentation, order, comments)"
        );
    }
}

/// The text of an encrypted file without what is random: each `ENC[…]` is `ENC`, and the sops
/// metadata (its key and all after it, or its lines) is left out.
fn layout(bytes: &[u8], kind: Kind) -> String {
    let text = String::from_utf8_lossy(bytes);
    let enc = regex::Regex::new(r"ENC\[[^\]]*\]").unwrap();
    let masked = enc.replace_all(&text, "ENC");
    let mut out = Vec::new();
    for line in masked.lines() {
        let t = line.trim_start();
        let end = match kind {
            Kind::Yaml => line.starts_with("sops:"),
            Kind::Json => t.starts_with("\"sops\":"),
            Kind::Ini => line.starts_with("[sops]"),
            Kind::Dotenv => {
                if line.starts_with("sops_") {
                    continue;
                }
                false
            }
            _ => return String::new(),
        };
        if end {
            break;
        }
        out.push(line);
    }
    out.join("\n")
}

fn compare_data(a: &[u8], b: &[u8], kind: Kind, what: &str) {
    if kind == Kind::Binary {
        assert_eq!(a, b, "{what}");
        return;
    }
    let (x, y) = (parse_docs(kind, a.to_vec()), parse_docs(kind, b.to_vec()));
    assert!(
        json_eq(&x, &y),
        "{what}: the data differ\nveil: {x}\nsops: {y}"
    );
}

fn check(c: Case) {
    let files = prepare(&c);
    let (v, mut s) = (side(&c, &files, true), side(&c, &files, false));
    let (ov, mut os) = (run_side(&c, &v), run_side(&c, &s));
    // The reference's own race: sops 3.11's `exec-file --background` can remove its temporary
    // file before its child opens it. Only that failure of sops is run again, on a fresh side.
    for _ in 0..3 {
        if os.status.success() || !stderr(&os).contains("tmp-file: no such file or directory") {
            break;
        }
        s = side(&c, &files, false);
        os = run_side(&c, &s);
    }
    let ctx = format!(
        "sops {:?}\nveil stderr: {}\nsops stderr: {}",
        c.args,
        stderr(&ov),
        stderr(&os)
    );
    assert_eq!(
        ov.status.code(),
        os.status.code(),
        "exit codes differ: {ctx}"
    );
    let layout = c
        .args
        .iter()
        .any(|a| ["encrypt", "-e", "--encrypt"].contains(&a.as_str()));
    // A failure prints nothing on stdout (sops's usage errors print its help: not compared).
    let stdout = match c.stdout {
        Out::Encrypted(_) | Out::Data(_) if !os.status.success() => Out::Exact,
        o => o,
    };
    match stdout {
        Out::Exact => assert_eq!(
            String::from_utf8_lossy(&ov.stdout),
            String::from_utf8_lossy(&os.stdout),
            "stdout differs: {ctx}"
        ),
        Out::Data(k) => compare_data(&ov.stdout, &os.stdout, k, &format!("stdout: {ctx}")),
        Out::Encrypted(k) => {
            compare_encrypted(&ov.stdout, &os.stdout, k, &format!("stdout: {ctx}"), layout)
        }
        Out::Version => {
            for o in [&ov, &os] {
                let text = String::from_utf8_lossy(&o.stdout);
                assert!(text.starts_with("sops 3.11.0"), "{text:?}: {ctx}");
            }
        }
        Out::NonEmpty => assert!(!ov.stdout.is_empty() && !os.stdout.is_empty(), "{ctx}"),
        Out::Ignore => {}
    }
    // Every file of the directory, as each side left it.
    let list = |s: &Side| {
        let mut names: Vec<String> = std::fs::read_dir(work(s))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(list(&v), list(&s), "the files left differ: {ctx}");
    for name in list(&v) {
        let (a, b) = (
            std::fs::read(work(&v).join(&name)).unwrap(),
            std::fs::read(work(&s).join(&name)).unwrap(),
        );
        if a == b {
            continue;
        }
        let kind = detect_kind(&a, sops_kind(&name));
        let what = format!("file {name}: {ctx}");
        match (is_encrypted(&a, kind), is_encrypted(&b, kind)) {
            (true, true) => compare_encrypted(&a, &b, kind, &what, layout),
            (false, false) => compare_data(&a, &b, kind, &what),
            (x, y) => panic!("{what}: encrypted with veil: {x}, with sops: {y}"),
        }
    }
}

/// One `#[test]` per row.
macro_rules! table {
    ($($name:ident => $case:expr;)*) => {
        $(
            #[test]
            fn $name() {
                check($case);
            }
        )*
    };
}

use Out::*;

table! {
    // --- version, help, usage ------------------------------------------------------------
    version_long => case(&["--version"]).out(Version);
    version_short_disable_check => case(&["-v", "--disable-version-check"]).out(Version);
    version_check_for_updates => case(&["--version", "--check-for-updates"]).out(Version);
    help_flag => case(&["--help"]).out(NonEmpty);
    unknown_flag_is_a_usage_error => case(&["--no-such-flag", "x.yaml"]).out(Ignore);
    no_file_exits_100 => case(&["-d"]);

    // --- encrypt ---------------------------------------------------------------------------
    encrypt_yaml_to_stdout => case(&["encrypt", "s.yaml"]).plain("s.yaml", YAML).out(Encrypted(Kind::Yaml));
    encrypt_json_to_stdout => case(&["encrypt", "s.json"]).plain("s.json", JSON).out(Encrypted(Kind::Json));
    encrypt_dotenv_to_stdout => case(&["encrypt", "s.env"]).plain("s.env", DOTENV).out(Encrypted(Kind::Dotenv));
    encrypt_ini_to_stdout => case(&["encrypt", "s.ini"]).plain("s.ini", INI).out(Encrypted(Kind::Ini));
    encrypt_binary_to_stdout => case(&["encrypt", "s.bin"]).plain("s.bin", "\u{1}binary\n").out(Encrypted(Kind::Binary));
    encrypt_toml_is_binary_as_in_sops => case(&["encrypt", "s.toml"]).plain("s.toml", "a = 1\n").out(Encrypted(Kind::Binary));
    encrypt_in_place => case(&["encrypt", "-i", "s.yaml"]).plain("s.yaml", YAML);
    encrypt_output_flag => case(&["encrypt", "--output", "out.yaml", "s.yaml"]).plain("s.yaml", YAML);
    encrypt_flags_after_the_file => case(&["encrypt", "s.yaml", "--output-type", "json"]).plain("s.yaml", YAML).out(Encrypted(Kind::Json));
    encrypt_output_type_json => case(&["encrypt", "--output-type", "json", "s.yaml"]).plain("s.yaml", YAML).out(Encrypted(Kind::Json));
    encrypt_input_type_override => case(&["encrypt", "--input-type", "yaml", "--output-type", "yaml", "s.txt"]).plain("s.txt", YAML).out(Encrypted(Kind::Yaml));
    encrypt_stdin_with_filename_override => case(&["encrypt", "--filename-override", "x.yaml", "--output-type", "json"]).stdin(YAML).out(Encrypted(Kind::Json));
    encrypt_stdin_without_override_exits_8 => case(&["encrypt"]).stdin(YAML);
    encrypt_dev_stdin_like_ansible => case(&["encrypt", "--input-type", "yaml", "--output-type", "yaml", "--filename-override", "x.yaml", "/dev/stdin"]).stdin(YAML).out(Encrypted(Kind::Yaml));
    encrypt_missing_file_exits_100 => case(&["encrypt", "nope.yaml"]);
    encrypt_in_place_and_output_exits_8 => case(&["encrypt", "-i", "--output", "o.yaml", "s.yaml"]).plain("s.yaml", YAML);
    encrypt_already_encrypted_exits_203 => case(&["encrypt", "s.yaml"]).enc("s.yaml", YAML);
    encrypt_age_flag => case(&["encrypt", "--age", "{PUB2}", "s.yaml"]).plain("s.yaml", YAML).out(Encrypted(Kind::Yaml));
    encrypt_age_env => case(&["encrypt", "s.yaml"]).plain("s.yaml", YAML).env("SOPS_AGE_RECIPIENTS", "{PUB2}").out(Encrypted(Kind::Yaml));
    encrypt_two_recipients => case(&["encrypt", "-a", "{PUB1},{PUB2}", "s.json"]).plain("s.json", JSON).out(Encrypted(Kind::Json));
    encrypt_encrypted_regex => case(&["encrypt", "--encrypted-regex", "^pass", "s.yaml"]).plain("s.yaml", YAML).out(Encrypted(Kind::Yaml));
    encrypt_unencrypted_suffix => case(&["encrypt", "--unencrypted-suffix", "_token", "s.yaml"]).plain("s.yaml", YAML).out(Encrypted(Kind::Yaml));
    encrypt_comment_regex_global => case(&["--encrypted-comment-regex", "database", "-e", "s.yaml"]).plain("s.yaml", YAML).out(Encrypted(Kind::Yaml));
    encrypt_mac_only_encrypted => case(&["--mac-only-encrypted", "--encrypted-regex", "^pass", "-e", "s.yaml"]).plain("s.yaml", YAML).out(Encrypted(Kind::Yaml));
    encrypt_two_selectors_exits_8 => case(&["encrypt", "--encrypted-regex", "a", "--unencrypted-suffix", "_x", "s.yaml"]).plain("s.yaml", YAML);
    encrypt_key_groups_and_shamir => case(&["encrypt", "--shamir-secret-sharing-threshold", "1", "s.yaml"]).plain("s.yaml", YAML)
        .config("creation_rules:\n  - key_groups:\n      - age: [{PUB1}]\n      - age: [{PUB2}]\n").out(Encrypted(Kind::Yaml));
    encrypt_rule_without_keys => case(&["encrypt", "s.yaml"]).plain("s.yaml", YAML).config("creation_rules:\n  - path_regex: s\\.yaml$\n");
    encrypt_indent_2 => case(&["--indent", "2", "encrypt", "s.json"]).plain("s.json", JSON).out(Encrypted(Kind::Json));
    encrypt_stores_yaml_indent => case(&["encrypt", "s.yaml"]).plain("s.yaml", YAML)
        .config("stores:\n  yaml:\n    indent: 4\ncreation_rules:\n  - age: {PUB1}\n").out(Encrypted(Kind::Yaml));
    encrypt_stores_json_indent_in_place => case(&["encrypt", "-i", "s.json"]).plain("s.json", JSON)
        .config("stores:\n  json:\n    indent: 3\ncreation_rules:\n  - age: {PUB1}\n");
    legacy_encrypt => case(&["-e", "s.yaml"]).plain("s.yaml", YAML).out(Encrypted(Kind::Yaml));
    legacy_encrypt_in_place => case(&["-e", "-i", "s.json"]).plain("s.json", JSON);
    legacy_encrypt_long_output_type => case(&["--encrypt", "--output-type", "json", "s.yaml"]).plain("s.yaml", YAML).out(Encrypted(Kind::Json));
    legacy_encrypt_missing_file_exits_100 => case(&["-e", "nope.yaml"]);

    // --- decrypt ---------------------------------------------------------------------------
    decrypt_yaml => case(&["decrypt", "s.yaml"]).enc("s.yaml", YAML);
    decrypt_json => case(&["decrypt", "s.json"]).enc("s.json", JSON);
    decrypt_dotenv => case(&["decrypt", "s.env"]).enc("s.env", DOTENV);
    decrypt_ini => case(&["decrypt", "s.ini"]).enc("s.ini", INI);
    decrypt_binary => case(&["decrypt", "s.bin"]).enc("s.bin", "\u{1}binary\n");
    decrypt_output_type_json => case(&["decrypt", "--output-type", "json", "s.yaml"]).enc("s.yaml", YAML);
    decrypt_output_type_dotenv => case(&["decrypt", "--output-type", "dotenv", "s.json"]).enc("s.json", "{\"A\": \"x\", \"B\": \"y\"}\n");
    decrypt_indent_is_ignored_by_subcommands => case(&["--indent", "2", "decrypt", "--output-type", "yaml", "s.json"]).enc("s.json", JSON);
    legacy_decrypt_indent_yaml => case(&["--indent", "2", "-d", "--output-type", "yaml", "s.json"]).enc("s.json", JSON);
    legacy_decrypt_indent_json => case(&["--indent", "3", "-d", "--output-type", "json", "s.yaml"]).enc("s.yaml", YAML);
    legacy_encrypt_indent => case(&["--indent", "2", "-e", "--output-type", "yaml", "s.json"]).plain("s.json", JSON).out(Encrypted(Kind::Yaml));
    decrypt_indent_json => case(&["decrypt", "--indent", "2", "--output-type", "json", "s.yaml"]).enc("s.yaml", YAML).out(Ignore);
    decrypt_stores_indent_config => case(&["decrypt", "--output-type", "json", "s.yaml"]).enc("s.yaml", YAML)
        .config("stores:\n  json:\n    indent: 2\ncreation_rules:\n  - age: {PUB1}\n");
    decrypt_stores_yaml_indent => case(&["decrypt", "s.yaml"]).enc("s.yaml", YAML)
        .config("stores:\n  yaml:\n    indent: 4\ncreation_rules:\n  - age: {PUB1}\n");
    decrypt_stores_yaml_indent_from_json => case(&["decrypt", "--output-type", "yaml", "s.json"]).enc("s.json", JSON)
        .config("stores:\n  yaml:\n    indent: 4\ncreation_rules:\n  - age: {PUB1}\n");
    decrypt_extract_string => case(&["decrypt", "--extract", "[\"db\"][\"password\"]", "s.yaml"]).enc("s.yaml", YAML);
    decrypt_extract_number => case(&["decrypt", "--extract", "[\"db\"][\"port\"]", "s.yaml"]).enc("s.yaml", YAML);
    decrypt_extract_mapping => case(&["decrypt", "--extract", "[\"db\"]", "s.yaml"]).enc("s.yaml", YAML).out(Data(Kind::Yaml));
    decrypt_extract_missing_key => case(&["decrypt", "--extract", "[\"nope\"]", "s.yaml"]).enc("s.yaml", YAML);
    decrypt_extract_bad_path_exits_91 => case(&["decrypt", "--extract", "[\"db\"", "s.yaml"]).enc("s.yaml", YAML);
    decrypt_in_place => case(&["decrypt", "-i", "s.yaml"]).enc("s.yaml", YAML);
    decrypt_output_flag => case(&["decrypt", "--output", "plain.yaml", "s.yaml"]).enc("s.yaml", YAML);
    decrypt_stdin => case(&["decrypt", "--input-type", "yaml", "--output-type", "yaml"]).stdin(YAML).out(Ignore);
    decrypt_not_encrypted_exits_1 => case(&["decrypt", "s.yaml"]).plain("s.yaml", YAML);
    decrypt_missing_file_exits_100 => case(&["decrypt", "nope.yaml"]);
    decrypt_duplicate_decryption_order_exits_112 => case(&["decrypt", "--decryption-order", "age,age", "s.yaml"]).enc("s.yaml", YAML);
    decrypt_decryption_order => case(&["decrypt", "--decryption-order", "pgp,age", "s.yaml"]).enc("s.yaml", YAML);
    decrypt_decryption_order_env => case(&["decrypt", "s.yaml"]).enc("s.yaml", YAML).env("SOPS_DECRYPTION_ORDER", "age");
    decrypt_no_key_exits_128 => case(&["decrypt", "s.yaml"]).enc_with("s.yaml", YAML, &["--age", "{PUB3}"]);
    decrypt_verbose_and_local_keyservice => case(&["--verbose", "--enable-local-keyservice", "decrypt", "s.yaml"]).enc("s.yaml", YAML);
    legacy_decrypt => case(&["-d", "s.yaml"]).enc("s.yaml", YAML);
    legacy_decrypt_long => case(&["--decrypt", "--output-type", "json", "s.json"]).enc("s.json", JSON);
    legacy_decrypt_extract => case(&["-d", "--extract", "[\"items\"][1]", "s.yaml"]).enc("s.yaml", YAML);
    legacy_decrypt_in_place => case(&["-d", "-i", "s.json"]).enc("s.json", JSON);
    legacy_decrypt_output => case(&["-d", "--output", "o.json", "s.json"]).enc("s.json", JSON);
    legacy_decrypt_in_place_and_output_exits_8 => case(&["-d", "-i", "--output", "o.json", "s.json"]).enc("s.json", JSON);
    legacy_decrypt_ignore_mac => case(&["-d", "--ignore-mac", "s.json"]).enc("s.json", JSON);
    decrypt_mac_mismatch_exits_51 => case(&["decrypt", "s.yaml"]).tampered("s.yaml", YAML, &["--age", "{PUB1}", "--encrypted-regex", "^password"], "user: admin", "user: root");
    decrypt_mac_mismatch_ignore_mac => case(&["decrypt", "--ignore-mac", "s.yaml"]).tampered("s.yaml", YAML, &["--age", "{PUB1}", "--encrypted-regex", "^password"], "user: admin", "user: root");
    legacy_decrypt_mac_mismatch_ignore_mac => case(&["-d", "--ignore-mac", "--output-type", "json", "s.yaml"]).tampered("s.yaml", YAML, &["--age", "{PUB1}", "--encrypted-regex", "^password"], "user: admin", "user: root");
    legacy_decrypt_mac_mismatch_exits_51 => case(&["-d", "s.yaml"]).tampered("s.yaml", YAML, &["--age", "{PUB1}", "--encrypted-regex", "^password"], "user: admin", "user: root");

    // --- rotate ----------------------------------------------------------------------------
    rotate_to_stdout => case(&["rotate", "s.yaml"]).enc("s.yaml", YAML).out(Encrypted(Kind::Yaml));
    rotate_in_place => case(&["rotate", "-i", "s.yaml"]).enc("s.yaml", YAML);
    rotate_output_flag => case(&["rotate", "--output", "r.json", "s.json"]).enc("s.json", JSON);
    rotate_output_type_json => case(&["rotate", "--output-type", "json", "s.yaml"]).enc("s.yaml", YAML).out(Encrypted(Kind::Json));
    rotate_add_age_to_stdout => case(&["rotate", "--add-age", "{PUB2}", "s.yaml"]).enc("s.yaml", YAML).out(Encrypted(Kind::Yaml));
    rotate_add_age => case(&["rotate", "-i", "--add-age", "{PUB2}", "s.yaml"]).enc("s.yaml", YAML);
    rotate_rm_age => case(&["rotate", "-i", "--rm-age", "{PUB2}", "s.yaml"]).enc_with("s.yaml", YAML, &["--age", "{PUB1},{PUB2}"]);
    rotate_keys_of_missing_file_exits_49 => case(&["rotate", "--add-age", "{PUB2}", "nope.yaml"]);
    legacy_rotate_to_stdout => case(&["-r", "s.json"]).enc("s.json", JSON).out(Encrypted(Kind::Json));
    legacy_rotate_in_place_add_age => case(&["-r", "-i", "--add-age", "{PUB2}", "s.yaml"]).enc("s.yaml", YAML);
    legacy_rotate_long_rm_age => case(&["--rotate", "--in-place", "--rm-age", "{PUB2}", "s.env"]).enc_with("s.env", DOTENV, &["--age", "{PUB1},{PUB2}"]);
    legacy_add_age_missing_file_exits_49 => case(&["-r", "--add-age", "{PUB2}", "nope.yaml"]);
    legacy_add_age_without_rotate_flag => case(&["--add-age", "{PUB2}", "-i", "s.yaml"]).enc("s.yaml", YAML);

    // --- set / unset -----------------------------------------------------------------------
    set_string => case(&["set", "s.yaml", "[\"db\"][\"password\"]", "\"n3w\""]).enc("s.yaml", YAML);
    set_new_key_object => case(&["set", "s.json", "[\"extra\"]", "{\"k\": [1, 2]}"]).enc("s.json", JSON);
    set_value_stdin => case(&["set", "--value-stdin", "s.yaml", "[\"api_token\"]"]).enc("s.yaml", YAML).stdin("\"from-stdin\"");
    set_value_file => case(&["set", "--value-file", "s.yaml", "[\"api_token\"]", "v.json"]).enc("s.yaml", YAML).plain("v.json", "42");
    set_idempotent_unchanged => case(&["set", "--idempotent", "s.yaml", "[\"db\"][\"user\"]", "\"admin\""]).enc("s.yaml", YAML);
    set_mac_mismatch_exits_51 => case(&["set", "s.yaml", "[\"db\"][\"port\"]", "1"]).tampered("s.yaml", YAML, &["--age", "{PUB1}", "--encrypted-regex", "^password"], "user: admin", "user: root");
    set_ignore_mac => case(&["set", "--ignore-mac", "s.yaml", "[\"db\"][\"port\"]", "1"]).tampered("s.yaml", YAML, &["--age", "{PUB1}", "--encrypted-regex", "^password"], "user: admin", "user: root");
    set_output_type_yaml => case(&["set", "--output-type", "yaml", "s.json", "[\"n\"]", "4"]).enc("s.json", JSON);
    set_bad_index_exits_7 => case(&["set", "s.yaml", "db", "1"]).enc("s.yaml", YAML);
    set_bad_json_exits_7 => case(&["set", "s.yaml", "[\"db\"]", "{nope"]).enc("s.yaml", YAML);
    set_two_arguments_exits_100 => case(&["set", "s.yaml", "[\"db\"]"]).enc("s.yaml", YAML);
    legacy_set => case(&["--set", "[\"db\"][\"port\"] 6543", "s.yaml"]).enc("s.yaml", YAML);
    legacy_set_in_place_flag => case(&["-i", "--set", "[\"enabled\"] false", "s.yaml"]).enc("s.yaml", YAML);
    legacy_set_bad_format_exits_7 => case(&["--set", "[\"db\"]", "s.yaml"]).enc("s.yaml", YAML);
    unset_key => case(&["unset", "s.yaml", "[\"api_token\"]"]).enc("s.yaml", YAML);
    unset_list_item => case(&["unset", "s.json", "[\"nested\"][\"a\"][0]"]).enc("s.json", JSON);
    unset_missing_exits_1 => case(&["unset", "s.yaml", "[\"nope\"]"]).enc("s.yaml", YAML);
    unset_missing_idempotent => case(&["unset", "--idempotent", "s.yaml", "[\"nope\"]"]).enc("s.yaml", YAML);
    unset_ignore_mac => case(&["unset", "--ignore-mac", "s.yaml", "[\"api_token\"]"]).tampered("s.yaml", YAML, &["--age", "{PUB1}", "--encrypted-regex", "^password"], "user: admin", "user: root");
    legacy_set_ignore_mac => case(&["--ignore-mac", "--set", "[\"db\"][\"port\"] 1", "s.yaml"]).tampered("s.yaml", YAML, &["--age", "{PUB1}", "--encrypted-regex", "^password"], "user: admin", "user: root");
    unset_one_argument_exits_100 => case(&["unset", "s.yaml"]).enc("s.yaml", YAML);

    // --- edit ------------------------------------------------------------------------------
    bare_file_edits => case(&["s.yaml"]).enc("s.yaml", YAML).env("EDIT_SED", "s/s3cret/changed/");
    edit_subcommand => case(&["edit", "s.json"]).enc("s.json", JSON).env("EDIT_SED", "s/admin/root/");
    edit_unchanged_exits_200 => case(&["edit", "s.yaml"]).enc("s.yaml", YAML);
    // The editor fails (exit 3, so exit 201) unless the metadata is shown; it changes nothing
    // (sops 3.11 drops what is edited with -s; veil keeps it: see below).
    edit_show_master_keys => case(&["-s", "s.yaml"]).enc("s.yaml", YAML).env("EDIT_EXPECT", "recipient");
    edit_show_master_keys_subcommand => case(&["edit", "--show-master-keys", "s.yaml"]).enc("s.yaml", YAML).env("EDIT_EXPECT", "lastmodified");
    edit_editor_fails_exits_201 => case(&["edit", "s.yaml"]).enc("s.yaml", YAML).env("EDIT_EXPECT", "no such text");
    edit_new_file => case(&["new.yaml"]).env("EDIT_WRITE", "token: fresh\n");
    edit_new_file_age_flag => case(&["edit", "--age", "{PUB2}", "new.json"]).env("EDIT_WRITE", "{\"token\": \"fresh\"}\n");
    edit_ignore_mac => case(&["edit", "--ignore-mac", "s.yaml"]).enc("s.yaml", YAML).env("EDIT_SED", "s/admin/root/");
    edit_mac_mismatch_exits_51 => case(&["edit", "s.yaml"]).tampered("s.yaml", YAML, &["--age", "{PUB1}", "--encrypted-regex", "^password"], "user: admin", "user: root").env("EDIT_SED", "s/s3cret/changed/");
    edit_mac_mismatch_ignore_mac => case(&["edit", "--ignore-mac", "s.yaml"]).tampered("s.yaml", YAML, &["--age", "{PUB1}", "--encrypted-regex", "^password"], "user: admin", "user: root").env("EDIT_SED", "s/s3cret/changed/");
    edit_new_file_key_groups_shamir => case(&["edit", "--shamir-secret-sharing-threshold", "1", "new.yaml"])
        .config("creation_rules:\n  - key_groups:\n      - age: [{PUB1}]\n      - age: [{PUB2}]\n").env("EDIT_WRITE", "token: fresh\n");
    edit_new_file_encrypted_regex => case(&["edit", "--encrypted-regex", "^tok", "new.yaml"]).env("EDIT_WRITE", "token: fresh\nplain: visible\n");
    // (sops re-renders the new file with the `stores:` indentation; veil keeps the layout
    // written in the editor: compared as data.)
    edit_new_file_stores_indent => case(&["new.yaml"]).env("EDIT_WRITE", "a:\n  b:\n    - c\n")
        .config("stores:\n  yaml:\n    indent: 4\ncreation_rules:\n  - age: {PUB1}\n");

    // --- updatekeys, groups ----------------------------------------------------------------
    updatekeys_adds_a_recipient => case(&["updatekeys", "-y", "s.yaml"]).enc("s.yaml", YAML)
        .config("creation_rules:\n  - age: {PUB1},{PUB2}\n").out(Ignore);
    updatekeys_already_current => case(&["updatekeys", "--yes", "s.yaml"]).enc("s.yaml", YAML).out(Ignore);
    updatekeys_no_file_exits_100 => case(&["updatekeys", "-y"]);
    groups_add_to_stdout => case(&["groups", "add", "--file", "s.yaml", "--age", "{PUB2}"]).enc("s.yaml", YAML).out(Encrypted(Kind::Yaml));
    groups_add_in_place_threshold => case(&["groups", "add", "-i", "--shamir-secret-sharing-threshold", "2", "--file", "s.json", "--age", "{PUB2}"]).enc("s.json", JSON);
    groups_delete_in_place => case(&["groups", "delete", "-i", "--file", "s.yaml", "1"])
        .enc_cfg("s.yaml", YAML, "creation_rules:\n  - key_groups:\n      - age: [{PUB1}]\n      - age: [{PUB2}]\n      - age: [{PUB2}]\n    shamir_threshold: 2\n");
    groups_delete_to_stdout => case(&["groups", "delete", "--file", "s.json", "0"])
        .enc_cfg("s.json", JSON, "creation_rules:\n  - key_groups:\n      - age: [{PUB1}]\n      - age: [{PUB2}]\n      - age: [{PUB2}]\n    shamir_threshold: 2\n").out(Encrypted(Kind::Json));
    groups_delete_breaking_threshold_exits_1 => case(&["groups", "delete", "-i", "--file", "s.yaml", "1"])
        .enc_cfg("s.yaml", YAML, "creation_rules:\n  - key_groups:\n      - age: [{PUB1}]\n      - age: [{PUB2}]\n    shamir_threshold: 2\n");

    // --- exec-env / exec-file --------------------------------------------------------------
    exec_env => case(&["exec-env", "s.yaml", "echo \"$api_token $enabled\""]).enc("s.yaml", "api_token: t1\nenabled: true\nn: 5\n");
    exec_env_pristine => case(&["exec-env", "--pristine", "s.env", "echo \"[$HOME] $USER\""]).enc("s.env", DOTENV);
    exec_env_exit_status => case(&["exec-env", "s.env", "exit 7"]).enc("s.env", DOTENV);
    exec_env_same_process => case(&["exec-env", "--same-process", "s.env", "echo $PASSWORD"]).enc("s.env", DOTENV);
    exec_env_background => case(&["exec-env", "--background", "s.env", "echo $PORT > port.txt"]).enc("s.env", DOTENV).wait_for("port.txt");
    exec_env_background_same_process_exits_8 => case(&["exec-env", "--background", "--same-process", "s.env", "true"]).enc("s.env", DOTENV);
    exec_env_user => case(&["exec-env", "--user", "nobody", "s.env", "id -u"]).enc("s.env", DOTENV);
    exec_env_ignore_mac_global => case(&["--ignore-mac", "exec-env", "s.env", "echo $USER"]).enc("s.env", DOTENV);
    exec_env_mac_mismatch => case(&["exec-env", "s.yaml", "echo $api_token"]).tampered("s.yaml", YAML, &["--age", "{PUB1}", "--encrypted-regex", "^password"], "user: admin", "user: root");
    exec_env_ignore_mac_global_mac_mismatch => case(&["--ignore-mac", "exec-env", "s.yaml", "echo $api_token"]).tampered("s.yaml", YAML, &["--age", "{PUB1}", "--encrypted-regex", "^password"], "user: admin", "user: root");
    exec_env_one_argument_exits_1 => case(&["exec-env", "s.env"]).enc("s.env", DOTENV);
    exec_file_fifo => case(&["exec-file", "s.yaml", "cat {}"]).enc("s.yaml", YAML);
    exec_file_no_fifo => case(&["exec-file", "--no-fifo", "s.json", "cat {}"]).enc("s.json", JSON);
    exec_file_output_type => case(&["exec-file", "--output-type", "json", "s.yaml", "cat {}"]).enc("s.yaml", YAML);
    exec_file_filename => case(&["exec-file", "--no-fifo", "--filename", "app.conf", "s.yaml", "basename {}"]).enc("s.yaml", YAML);
    exec_file_user => case(&["exec-file", "--user", "nobody", "s.env", "id -u; cat {}"]).enc("s.env", DOTENV);
    exec_file_user_no_fifo => case(&["exec-file", "--no-fifo", "--user", "nobody", "s.env", "id -u; cat {}"]).enc("s.env", DOTENV);
    // (sops removes the file before a background command can read it; veil keeps it until the
    // command has read it: see below.)
    exec_file_background => case(&["exec-file", "--background", "s.env", "echo started > bg.txt"]).enc("s.env", DOTENV).wait_for("bg.txt");
    exec_file_exit_status => case(&["exec-file", "s.env", "exit 3"]).enc("s.env", DOTENV);

    // --- filestatus, completion ------------------------------------------------------------
    filestatus_encrypted => case(&["filestatus", "s.yaml"]).enc("s.yaml", YAML);
    filestatus_plain => case(&["filestatus", "s.yaml"]).plain("s.yaml", YAML);
    filestatus_input_type => case(&["filestatus", "--input-type", "json", "s.txt"]).enc("s.json", JSON).plain("s.txt", "{\"a\": 1}");
    filestatus_missing_exits_1 => case(&["filestatus", "nope.yaml"]);
    completion_bash => case(&["completion", "bash"]).out(NonEmpty);
    completion_zsh => case(&["completion", "zsh"]).out(NonEmpty);
}

// --- what veil refuses, by design (not compared with sops) ------------------------------------

fn veil_as_sops(args: &[&str], dir: &Path) -> Output {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let link = bin.join("sops");
    if !link.exists() {
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_veil"), &link).unwrap();
    }
    run(veil(dir).env("PATH", &bin).arg0("sops").args(args))
}

trait Arg0 {
    fn arg0(&mut self, name: &str) -> &mut Self;
}

impl Arg0 for std::process::Command {
    fn arg0(&mut self, name: &str) -> &mut Self {
        std::os::unix::process::CommandExt::arg0(self, name)
    }
}

#[test]
fn publish_keyservice_and_remote_key_services_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (&["publish", "--yes", "f.json"][..], "publish"),
        (&["keyservice"][..], "key service server"),
        (
            &["--keyservice", "tcp://127.0.0.1:5000", "decrypt", "f.json"][..],
            "--keyservice",
        ),
        (
            &["decrypt", "--keyservice", "unix:///tmp/k.sock", "f.json"][..],
            "remote key service",
        ),
    ] {
        let o = veil_as_sops(args, dir.path());
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn the_version_line_names_veil_and_matches_ansibles_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let o = veil_as_sops(&["--version", "--disable-version-check"], dir.path());
    let text = String::from_utf8(o.stdout).unwrap();
    let re = regex::Regex::new(r"^sops (\d+)\.(\d+)\.(\d+)").unwrap();
    assert!(re.is_match(&text), "{text:?}");
    assert!(text.contains(&format!("veil {}", env!("CARGO_PKG_VERSION"))));
    // `veil sops …` is the same entry point.
    let o = run(veil(dir.path()).args(["sops", "--version"]));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("sops 3.11.0 (veil "));
}

/// A directory with the demo identity, `.sops.yaml`, a test editor and `s.yaml` encrypted by the
/// reference sops.
fn veil_only_setup() -> (tempfile::TempDir, PathBuf) {
    let c = case(&[]).enc("s.yaml", YAML);
    let files = prepare(&c);
    let s = side(&c, &files, true);
    let w = work(&s);
    (s.dir, w)
}

fn veil_as_sops_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = veil(&dir.join("work"));
    cmd.arg0("sops")
        .env("HOME", dir)
        .env("SOPS_AGE_KEY_FILE", dir.join("keys.txt"))
        .env("EDITOR", dir.join("bin/test-editor"))
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

#[test]
fn edit_show_master_keys_keeps_what_was_edited() {
    // sops 3.11 shows the metadata with -s but drops the edit; veil keeps it.
    let (dir, w) = veil_only_setup();
    let o = veil_as_sops_in(
        dir.path(),
        &["-s", "s.yaml"],
        &[
            ("EDIT_EXPECT", "recipient"),
            ("EDIT_SED", "s/tok-123/tok-456/"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let data = decrypt_as_data(
        &std::fs::read(w.join("s.yaml")).unwrap(),
        Kind::Yaml,
        "s.yaml",
    );
    assert_eq!(data["api_token"], "tok-456");
}

#[test]
fn exec_file_background_command_reads_the_file_which_is_removed_after() {
    let (dir, w) = veil_only_setup();
    let o = veil_as_sops_in(
        dir.path(),
        &[
            "exec-file",
            "--background",
            "s.yaml",
            "cat {} > copy.yaml; echo {} > where.txt",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut done = false;
    for _ in 0..250 {
        if std::fs::read_to_string(w.join("where.txt")).is_ok_and(|s| !s.is_empty()) {
            done = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(done, "the background command did not run");
    let copy = std::fs::read(w.join("copy.yaml")).unwrap();
    assert_eq!(parse_docs(Kind::Yaml, copy)["db"]["password"], "s3cret");
    let tmp = std::fs::read_to_string(w.join("where.txt")).unwrap();
    let tmp_dir = Path::new(tmp.trim()).parent().unwrap().to_path_buf();
    for _ in 0..250 {
        if !tmp_dir.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!tmp_dir.exists(), "the private directory is left behind");
}

#[test]
fn exec_file_command_that_never_reads_does_not_hang() {
    // The FIFO writer was left blocked when the command ended before it opened the FIFO.
    let (dir, _) = veil_only_setup();
    for _ in 0..20 {
        let o = veil_as_sops_in(dir.path(), &["exec-file", "s.yaml", "exit 3"], &[]);
        assert_eq!(o.status.code(), Some(3));
    }
}
