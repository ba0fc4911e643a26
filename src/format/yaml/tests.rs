use std::path::{Path, PathBuf};

use serde_json::Value;

use super::YamlStore;
use crate::crypto::cipher;
use crate::crypto::mac::mac_aad;
use crate::format::{Document, Store, write_lossless};
use crate::pipeline::record::LosslessRecord;
use crate::pipeline::tree::{Entry, Node, Scalar};
use crate::pipeline::walk;

use crate::format::testkit::{
    LOSSLESS, VECTORS, decrypt_parsed, docs_value, key_of, same, sops_bin, unwrap_data_key,
};

#[test]
fn vectors_decrypt() {
    let mut n = 0;
    for entry in std::fs::read_dir(VECTORS).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(vj) = std::fs::read(dir.join("vector.json")) else {
            continue;
        };
        let v: Value = serde_json::from_slice(&vj).unwrap();
        if v["input_type"] != "yaml" {
            continue;
        }
        let name = v["name"].as_str().unwrap().to_string();
        let expect_err = v["expect_error"]["kind"].as_str().unwrap_or("");
        if expect_err == "data_key_not_recoverable" {
            continue;
        }
        let src = std::fs::read(dir.join(v["file"].as_str().unwrap())).unwrap();
        let mut doc = YamlStore
            .parse(src)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let key = key_of(&dir);
        let r = decrypt_parsed(&mut doc, &key);
        if !expect_err.is_empty() {
            assert!(r.is_err(), "{name}: negative vector opened");
            n += 1;
            continue;
        }
        r.unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected: Value =
            serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
        let got = docs_value(&doc);
        assert!(
            same(&got, &expected),
            "{name}: got {got}\nexpected {expected}"
        );
        // Writing the decrypted file must give valid YAML with the same data.
        let mut layout = LosslessRecord::default();
        let out = write_lossless(&YamlStore, &doc, None, &mut layout);
        let again = YamlStore.parse(out.clone()).unwrap_or_else(|e| {
            panic!("{name}: rewritten: {e}\n{}", String::from_utf8_lossy(&out))
        });
        assert!(again.metadata.is_none(), "{name}: metadata left");
        assert!(
            same(&docs_value(&again), &expected),
            "{name}: rewritten data differs:\n{}",
            String::from_utf8_lossy(&out)
        );
        n += 1;
    }
    assert!(n >= 20, "only {n} yaml vectors");
}

pub(super) const TEST_KEY: [u8; 32] = [0x42; 32];

/// Encrypts a plaintext with `key`, writes the encrypted file with the given metadata fields.
pub(super) fn encrypt_text(
    src: &[u8],
    key: &[u8; 32],
    age: Option<Value>,
) -> (Vec<u8>, LosslessRecord) {
    let mut doc = YamlStore.parse(src.to_vec()).expect("parse plaintext");
    let rule = crate::pipeline::selector::Rule::default();
    let mut layout = LosslessRecord::default();
    let mac =
        walk::encrypt(&YamlStore, &mut doc, key, &rule, false, &mut layout, None).expect("encrypt");
    let lastmodified = "2026-01-02T03:04:05Z";
    let mut meta = serde_json::Map::new();
    if let Some(a) = age {
        meta.insert("age".into(), a);
    }
    meta.insert("lastmodified".into(), Value::String(lastmodified.into()));
    meta.insert(
        "mac".into(),
        Value::String(cipher::encrypt(
            key,
            &Scalar::Str(mac),
            mac_aad(lastmodified).unwrap().as_bytes(),
        )),
    );
    meta.insert(
        "unencrypted_suffix".into(),
        Value::String("_unencrypted".into()),
    );
    meta.insert("version".into(), Value::String("3.11.0".into()));
    let mut l2 = layout.clone();
    let out = write_lossless(
        &YamlStore,
        &doc,
        Some(&Value::Object(meta.clone())),
        &mut l2,
    );
    // The layout record (and alias records) go into the metadata.
    if let Some(sealed) = l2.seal(key, None) {
        meta.insert(crate::pipeline::metadata::LAYOUT_FIELD.into(), sealed);
        let mut doc = YamlStore.parse(src.to_vec()).unwrap();
        let mut l3 = LosslessRecord::default();
        // Re-encrypt deterministically is not possible (random IVs): write again from scratch.
        let mac = walk::encrypt(&YamlStore, &mut doc, key, &rule, false, &mut l3, None).unwrap();
        meta.insert(
            "mac".into(),
            Value::String(cipher::encrypt(
                key,
                &Scalar::Str(mac),
                mac_aad(lastmodified).unwrap().as_bytes(),
            )),
        );
        let mut l4 = l3.clone();
        let out = write_lossless(
            &YamlStore,
            &doc,
            Some(&Value::Object(meta.clone())),
            &mut l4,
        );
        let sealed = l4.seal(key, None).unwrap();
        meta.insert(crate::pipeline::metadata::LAYOUT_FIELD.into(), sealed);
        let out2 = write_lossless(
            &YamlStore,
            &doc,
            Some(&Value::Object(meta)),
            &mut l4.clone(),
        );
        let _ = out;
        return (out2, l4);
    }
    (out, l2)
}

/// parse → encrypt → write → parse → decrypt → write == original.
fn round_trip(src: &[u8], name: &str) -> Vec<u8> {
    let (enc, _) = encrypt_text(src, &TEST_KEY, None);
    let mut doc = YamlStore.parse(enc.clone()).unwrap_or_else(|e| {
        let _ = std::fs::write(format!("/tmp/yaml-fail-{}", name.replace(' ', "_")), &enc);
        panic!(
            "{name}: encrypted output does not parse: {e}\n{}",
            String::from_utf8_lossy(&enc)
        )
    });
    let mut layout = decrypt_parsed(&mut doc, &TEST_KEY).unwrap_or_else(|e| panic!("{name}: {e}"));
    let out = write_lossless(&YamlStore, &doc, None, &mut layout);
    if out != src {
        let a = String::from_utf8_lossy(src);
        let b = String::from_utf8_lossy(&out);
        let line = a
            .split_inclusive('\n')
            .zip(b.split_inclusive('\n'))
            .position(|(x, y)| x != y)
            .unwrap_or(a.lines().count().min(b.lines().count()));
        let show = |t: &str| {
            t.split_inclusive('\n')
                .skip(line.saturating_sub(2))
                .take(5)
                .collect::<String>()
        };
        panic!(
            "{name}: round trip differs at line {}\n--- want:\n{}\n--- got:\n{}\n--- encrypted:\n{}",
            line + 1,
            show(&a),
            show(&b),
            show(&String::from_utf8_lossy(&enc))
        );
    }
    // Same data in the original and the decrypted parse.
    let orig = YamlStore.parse(src.to_vec()).unwrap();
    assert!(
        same(&docs_value(&orig), &docs_value(&doc)),
        "{name}: data differs"
    );
    // No selected plaintext value left in the encrypted text.
    check_no_plaintext(&orig, &enc, name);
    enc
}

fn check_no_plaintext(orig: &Document, enc: &[u8], name: &str) {
    let enc_doc = YamlStore.parse(enc.to_vec()).unwrap();
    fn leaves(n: &Node, path_clear: bool, out: &mut Vec<(bool, Scalar)>) {
        match n {
            Node::Map(e) => {
                for x in e {
                    if let Entry::Pair(k, v) = x {
                        leaves(v, path_clear || k.ends_with("_unencrypted"), out);
                    }
                }
            }
            Node::Seq(items) => items.iter().for_each(|i| leaves(i, path_clear, out)),
            Node::Scalar(l) => out.push((path_clear, l.value.clone())),
            Node::Alias(a) => leaves(&a.target, path_clear, out),
            _ => {}
        }
    }
    let mut o = Vec::new();
    let mut e = Vec::new();
    orig.docs.iter().for_each(|d| leaves(d, false, &mut o));
    enc_doc.docs.iter().for_each(|d| leaves(d, false, &mut e));
    assert_eq!(o.len(), e.len(), "{name}: leaf count differs");
    for ((clear, a), (_, b)) in o.iter().zip(&e) {
        if *clear || matches!(a, Scalar::Str(s) if s.is_empty()) {
            continue;
        }
        assert!(
            matches!(b, Scalar::Str(s) if cipher::is_encrypted(s)),
            "{name}: a selected value was left in plaintext"
        );
    }
}

#[test]
fn lossless_files() {
    let dir = std::fs::read_dir(LOSSLESS).expect("testdata/lossless exists");
    let mut files: Vec<PathBuf> = dir
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    for f in &files {
        let src = std::fs::read(f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let r = std::panic::catch_unwind(|| round_trip(&src, &name));
        if let Err(e) = r {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "panic".into());
            failures.push(format!("{name}: {}", &msg[..msg.len().min(3000)]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

const INLINE_CASES: &[&str] = &[
    "a: 1\n",
    "a: 1",
    "# head\na: x # inline\nb:\n  c: 0755 # oct\n  d: [1, 'two', \"th,ree\"]\n  # foot of b\n# root comment\ne: ~\n",
    "k: |\n  line1\n  line2\n\nn: >-\n  folded\n  text\nm: |+\n  keep\n\n\nz: end\n",
    "s:\n- a\n- 'b'\n-   c\n- d: 1\n  e: 2\n- - x\n  - y\n",
    "f: 1.50\ng: 1e3\nh: .inf\ni: 2024-01-31\nj: yes\nk: !!str 12\nl: !!binary aGVsbG8=\n",
    "a: &x {p: 1, q: [hi, there]}\nb: *x\nc: &y hello\nd: *y\ne:\n  <<: *x\n  r: 2\n",
    "---\na: 1\n---\nb: 2\n...\n",
    "a: 1\n---\n# only comment\n---\nb: \"\"\n",
    "empty: \"\"\nnull_: null\nsecret_unencrypted: visible\nnested_unencrypted:\n  x: [1, 2]\n",
    "\u{e9}t\u{e9}: \"caf\u{e9} \u{2713}\"\nw: 'it''s'\n",
    "a:\n    - x\n    # in seq\n    - y # after y\nb: {x: 1} # after flow\n",
    "a: # after key\n  b: 1\nc: |-\n  no newline\n",
    "list:\n  - &anc\n    k: v\n  - *anc\n",
    "crlf: 1\r\nx: two\r\n",
    // Aliases inside flow collections, merge lists, and flow aliases in block sequences.
    "x-r: &r\n  restart: always\nx-p: &p\n  pull: never\ns: &s hi\nweb:\n  <<: [*r, *p]\n  f: [*s, *r]\n  g: {k: *s, j: [*s, {m: *r}]}\n  l:\n    - [*s]\n    - *s\n",
    // Quoting styles kept in the encrypted text.
    "dq: \"x\"\nsq: 'y'\nseq:\n  - \"a\"\n  - 'b'\n  - &an \"c\"\nflow: [\"d\", 'e', f]\nesc: \"t\\tu\"\nnl: 'p\n\n  q'\n",
    // Block scalars whose body starts with `!` or `&` (not properties).
    "a: |\n  !(\n    x\n  )\nb: >-\n  &notanchor\nc: &real |\n  !x\nd: !!str |\n  &y\ne:\n  - |\n    !z\n",
    // A quoted scalar whose continuation lines are indented less than its block (yaml.v3).
    "a:\n  - m: x\n    rule: 'abc\n  def'\n    n: \"p\n  q\"\n  - z\n",
];

#[test]
fn inline_round_trips() {
    for (i, c) in INLINE_CASES.iter().enumerate() {
        round_trip(c.as_bytes(), &format!("inline case {i}"));
    }
}

#[test]
fn parse_errors() {
    for (src, msg) in [
        ("a: 1\na: 2\n", "already defined"),
        ("1: x\n", "non-string key"),
        ("~: x\n", "non-string key"),
        ("true: x\n", "non-string key"),
        ("- a\n", "sequences"),
        ("a: 99999999999999999999\n", "64-bit"),
        ("a: [1\n", "line"),
    ] {
        let e = YamlStore.parse(src.as_bytes().to_vec()).unwrap_err();
        assert!(
            e.to_string().contains(msg),
            "{src:?}: {e} does not contain {msg:?}"
        );
    }
    // Strings are fine as keys.
    YamlStore.parse(b"yes: 1\n\"1\": 2\n".to_vec()).unwrap();
}

#[test]
fn comment_paths() {
    let doc = YamlStore
        .parse(
            b"# top\na:\n  # head of b\n  b: 1 # inline\n  # foot\n# root\nc: [1] # in c\n"
                .to_vec(),
        )
        .unwrap();
    let root = match &doc.docs[0] {
        Node::Map(e) => e,
        _ => panic!(),
    };
    let kinds: Vec<String> = root
        .iter()
        .map(|e| match e {
            Entry::Pair(k, _) => k.clone(),
            Entry::Comment(c) => format!("#{}", c.value.as_str().unwrap()),
        })
        .collect();
    assert_eq!(kinds, ["# top", "a", "# root", "c"]);
    let a = match doc.docs[0].map_get("a").unwrap() {
        Node::Map(e) => e.len(),
        _ => panic!(),
    };
    assert_eq!(a, 4);
    assert!(
        matches!(doc.docs[0].map_get("c").unwrap(), Node::Seq(s) if s.len() == 2),
        "{:?}",
        doc.docs[0].map_get("c")
    );
}

#[test]
fn emit_and_reparse() {
    let src = b"a: 1\nb:\n  c: [x, \"y: z\"]\n  d: |\n    l1\n    l2\ne: [{f: 1, g: 2}]\nh: {}\n";
    let doc = YamlStore.parse(src.to_vec()).unwrap();
    let out = YamlStore.emit(&doc.docs, None).unwrap();
    let again = YamlStore.parse(out.clone()).unwrap();
    assert_eq!(
        docs_value(&doc),
        docs_value(&again),
        "{}",
        String::from_utf8_lossy(&out)
    );
}

#[allow(dead_code)]
pub(super) fn vector_dir(name: &str) -> PathBuf {
    Path::new(VECTORS).join(name)
}

// ---------------------------------------------------------------------------------------------
// sops interop

const AGE_VECTOR: &str = "gen-yaml-types-comments";

fn age_vector() -> (Value, [u8; 32], PathBuf) {
    let dir = Path::new(VECTORS).join(AGE_VECTOR);
    let key = key_of(&dir);
    let doc = YamlStore
        .parse(std::fs::read(dir.join("secrets.yaml")).unwrap())
        .unwrap();
    let age = doc.metadata.unwrap()["age"].clone();
    (age, key, dir.join("keys/age-o1.txt"))
}

fn run_sops(args: &[&str], file: &Path, keyfile: &Path) -> Result<Vec<u8>, String> {
    let out = std::process::Command::new(sops_bin())
        .args(args)
        .arg(file)
        .env("SOPS_AGE_KEY_FILE", keyfile)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

const INTEROP_CASES: &[&str] = &[
    "a: 1\nb: two\n",
    "# top\na: # after key\n  b: 1\n  c: x # inline\n  # foot of a\n# root foot\nd:\n  - x\n  # in seq\n  - y # after y\n  - k: v\n    # between keys\n    l: w\ne: [1, 2] # after flow\n# end of file\n",
    "a:\n  b:\n    c: 1\n    # deep foot\n  # mid foot\nz: 2\n",
    "list:\n- a\n- b\n# after list at col 0\nnext: 1\n",
    "# before doc\na: 1\n# before marker\n---\nb: 2\n# end\n",
    "types:\n  oct: 0755\n  f: 1.5e3\n  t: 2024-01-31\n  y: yes\n  n: ~\n  s: !!str 12\n  m: |\n    l1\n    l2\n  q: 'a: b'\n",
    "base: &b\n  host: h\n  port: 1\ndev:\n  <<: *b\n  extra: *b\nscal: &s v\nref: *s\nseq:\n  - *s\n",
    "f: {a: 1, b: [x, \"y,z\"]}\n",
    "no_newline: 1",
    "x-r: &r\n  restart: always\nweb:\n  <<: [*r]\n  f: [*r, 'q', \"w\"]\n  dq: \"v\"\n",
    "a:\n  - m: x\n    rule: 'abc\n  def'\n",
];

#[test]
fn sops_decrypts_veil_output() {
    let (age, key, keyfile) = age_vector();
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (i, case) in INTEROP_CASES.iter().enumerate() {
        let (enc, _) = encrypt_text(case.as_bytes(), &key, Some(age.clone()));
        let path = tmp.path().join(format!("case{i}.yaml"));
        std::fs::write(&path, &enc).unwrap();
        let expected = docs_value(&YamlStore.parse(case.as_bytes().to_vec()).unwrap());
        let expected = match expected {
            Value::Array(mut a) => a.remove(0),
            v => v,
        };
        match run_sops(
            &["decrypt", "--input-type", "yaml", "--output-type", "json"],
            &path,
            &keyfile,
        ) {
            Ok(out) => {
                let got: Value = serde_json::from_slice(&out).unwrap();
                if !same(&got, &expected) {
                    failures.push(format!("case {i}: sops gave {got}, expected {expected}"));
                }
            }
            Err(e) => failures.push(format!(
                "case {i}: sops failed: {e}\n{}",
                String::from_utf8_lossy(&enc)
            )),
        }
        // Comments: sops leaves a comment it cannot open as is, so look for ENC in its YAML.
        match run_sops(
            &["decrypt", "--input-type", "yaml", "--output-type", "yaml"],
            &path,
            &keyfile,
        ) {
            Ok(out) if String::from_utf8_lossy(&out).contains("ENC[") => failures.push(format!(
                "case {i}: sops could not open a comment:\n{}\n--- encrypted:\n{}",
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&enc)
            )),
            Ok(_) => {}
            Err(e) => failures.push(format!("case {i}: sops yaml failed: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn veil_decrypts_sops_output() {
    let (_, _, keyfile) = age_vector();
    let text = std::fs::read_to_string(&keyfile).unwrap();
    let recipient = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap()
        .trim()
        .to_string();
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (i, case) in INTEROP_CASES.iter().enumerate() {
        let path = tmp.path().join(format!("plain{i}.yaml"));
        std::fs::write(&path, case).unwrap();
        let enc = match run_sops(
            &[
                "encrypt",
                "--age",
                &recipient,
                "--input-type",
                "yaml",
                "--output-type",
                "yaml",
            ],
            &path,
            &keyfile,
        ) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("case {i}: sops encrypt failed: {e}"));
                continue;
            }
        };
        let mut doc = match YamlStore.parse(enc.clone()) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("case {i}: parse of sops output: {e}"));
                continue;
            }
        };
        let key = unwrap_data_key(doc.metadata.as_ref().unwrap(), &keyfile);
        if let Err(e) = decrypt_parsed(&mut doc, &key) {
            failures.push(format!("case {i}: {e}\n{}", String::from_utf8_lossy(&enc)));
            continue;
        }
        let expected = docs_value(&YamlStore.parse(case.as_bytes().to_vec()).unwrap());
        let got = docs_value(&doc);
        if !same(&got, &expected) {
            failures.push(format!("case {i}: got {got}, expected {expected}"));
        }
        // Comments must open with the path sops used (exact, not an ancestor fallback).
        let mut layout = LosslessRecord::default();
        let out = write_lossless(&YamlStore, &doc, None, &mut layout);
        if YamlStore.parse(out.clone()).is_err() {
            failures.push(format!(
                "case {i}: decrypted sops output does not parse:\n{}",
                String::from_utf8_lossy(&out)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `cargo test --release --lib format::yaml::tests::perf_20mb -- --ignored --nocapture`
#[test]
#[ignore]
fn perf_20mb() {
    let mut src = String::with_capacity(21 << 20);
    let mut n = 0;
    let mut s = 0;
    while n < 400_000 {
        src.push_str(&format!("section{s}:\n  # a comment about section {s}\n"));
        for j in 0..8 {
            src.push_str(&format!(
                "  key{j}: some moderately long secret value number {n} padded with text xxxxxxxx\n"
            ));
            n += 1;
        }
        src.push_str(&format!("  list{s}:\n"));
        for j in 0..2 {
            src.push_str(&format!(
                "    - item {j} of {s} with a few more words of padding\n"
            ));
            n += 1;
        }
        s += 1;
    }
    let size = src.len();
    let t = std::time::Instant::now();
    let mut doc = YamlStore.parse(src.into_bytes()).unwrap();
    let t_parse = t.elapsed();
    let rule = crate::pipeline::selector::Rule::default();
    let mut layout = LosslessRecord::default();
    walk::encrypt(
        &YamlStore,
        &mut doc,
        &TEST_KEY,
        &rule,
        false,
        &mut layout,
        None,
    )
    .unwrap();
    let t_enc = t.elapsed();
    let meta = serde_json::json!({"lastmodified": "2026-01-02T03:04:05Z", "mac": "x", "version": "3.11.0"});
    let out = write_lossless(&YamlStore, &doc, Some(&meta), &mut layout);
    let t_all = t.elapsed();
    eprintln!(
        "{} MB, {n} values: parse {t_parse:?}, +encrypt {t_enc:?}, +write {t_all:?} (out {} MB)",
        size >> 20,
        out.len() >> 20
    );
}

/// A quoted value keeps its quotes in the encrypted file instead of in a layout record.
#[test]
fn quotes_need_no_record() {
    let (enc, layout) = encrypt_text(
        b"a: \"x\"\nb: 'y'\nc:\n  - \"z\"\nd: plain\n",
        &TEST_KEY,
        None,
    );
    assert!(layout.is_empty(), "{} records", layout.len());
    let text = String::from_utf8(enc).unwrap();
    assert!(text.contains("a: \"ENC[") && text.contains("b: 'ENC[") && text.contains("- \"ENC["));
    assert!(text.contains("d: ENC["));
}

/// Regression: a multi-line flow list whose `]` starts a line at its key's indentation (yaml.v3
/// accepts it) could not be read back once its items were quoted `ENC[...]` strings.
#[test]
fn flow_closer_at_key_indentation_parses() {
    for src in [
        "a: [\n  \"x\",\n  \"y\",\n]\nb: 1\n",
        "a: {\n  k: \"x\"\n}\r\nb: 1\r\n",
    ] {
        let doc = YamlStore
            .parse(src.as_bytes().to_vec())
            .unwrap_or_else(|e| panic!("{src:?}: {e}"));
        assert_eq!(
            doc.src,
            src.as_bytes(),
            "the document keeps the original bytes"
        );
        let v = crate::format::node_to_value(&doc.docs[0]);
        assert_eq!(v["b"], serde_json::json!(1));
    }
    // A moved byte inside a value is never accepted: a block scalar stays an error.
    assert!(YamlStore.parse(b"s: |\n  a\n]\nb: 1\n".to_vec()).is_err());
}

/// Streaming parses hand over, part by part, exactly the leaves of the whole tree in the same
/// order with the same paths, spans and rendering context, whatever the part size — for
/// plaintext files and their encrypted form (whose metadata is found the same way, also by
/// peeking at it first); inputs that need the whole tree are refused, not streamed wrong.
#[test]
fn parts_walk_like_the_whole_tree() {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(LOSSLESS)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    files.extend(
        INLINE_CASES
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("inline case {i}"), c.as_bytes().to_vec())),
    );
    let mut streamed = [0, 0];
    for (name, plain) in &files {
        let (enc, _) = encrypt_text(plain, &TEST_KEY, None);
        for (encrypted, src) in [(false, plain), (true, &enc)] {
            let name = format!("{name} (encrypted: {encrypted})");
            let (n, refused) =
                crate::format::partscheck::check(&YamlStore, src, encrypted, true, &name);
            streamed[usize::from(encrypted)] += n;
            if n < 5 {
                // Several documents, anchors, a flow bracket that starts a line or a quoted
                // scalar indented less than its block (read by a retry on the whole file).
                let whole = YamlStore.parse(src.clone()).unwrap();
                let needs_whole = whole.docs.len() > 1
                    || plain.windows(2).any(|w| w[0] == b'&' && w[1] != b' ')
                    || src
                        .split(|&b| b == b'\n')
                        .any(|l| matches!(l.trim_ascii_start().first(), Some(b']' | b'}')))
                    || refused
                        .iter()
                        .any(|r| r.contains("indentation in quoted scalar"));
                assert!(needs_whole, "{name}: not streamed ({refused:?})");
            }
        }
    }
    assert!(
        streamed[0] > 5 * 30 && streamed[1] > 5 * 30,
        "{streamed:?} streamed parses"
    );
}

/// A key repeated far from its first use is still refused when the parse streams, and a
/// plaintext file with a `sops` entry stops the parse (it is already encrypted).
#[test]
fn parts_find_duplicate_keys_and_metadata() {
    let mut src = String::from("top:\n  a: 1\n");
    for i in 0..20 {
        src.push_str(&format!("  k{i}: {i}\n"));
    }
    let dup = format!("{src}  a: 2\n");
    for every in [1, 5, 1000] {
        let r = super::parse::parse_parts(dup.as_bytes(), every, false, &mut |_| Ok(()));
        assert!(
            matches!(&r, Err(crate::format::PartsError::Unsupported(m)) if m.contains("already defined")),
            "parts of {every}: {r:?}"
        );
    }
    let meta = format!("{src}sops:\n  version: 3.11.0\n");
    let r = super::parse::parse_parts(meta.as_bytes(), 1, false, &mut |_| Ok(()));
    assert!(matches!(r, Err(crate::format::PartsError::Unsupported(_))));
    let r = super::parse::parse_parts(meta.as_bytes(), 1, true, &mut |_| Ok(()));
    assert!(r.is_ok_and(|end| end.metadata.is_some()));
}

/// The metadata's column: blank, comment and marker lines say nothing, whatever precedes them
/// (found by fuzzing), but `...key:` is a key.
#[test]
fn indentation_skips_lines_without_a_node() {
    use super::detect_indentation;
    assert_eq!(detect_indentation(b"\t\n  a: 1\n").0, 2);
    assert_eq!(detect_indentation(b"\t\t #c\n  a: 1\n").0, 2);
    assert_eq!(detect_indentation(b"--- \n  a:\n    b: 1\n"), (2, 2));
    assert_eq!(detect_indentation(b"---\n...k:\n# c\n\n    b: 1\n"), (0, 4));
    assert_eq!(detect_indentation(b"---k: 1\n"), (0, 4));
}

/// A comment between the previous token and a block scalar's header whose body starts with
/// `&` (found by fuzzing: the body was taken for properties and read past the input's end).
#[test]
fn comment_before_block_header() {
    assert!(
        YamlStore
            .parse(b"# R]le|\n|\n   &---------i#".to_vec())
            .is_err()
    );
    let doc = YamlStore
        .parse(b"k: # c\n  |\n    &x y\n".to_vec())
        .unwrap();
    assert_eq!(docs_value(&doc), serde_json::json!({"k": "&x y\n"}));
    let enc = round_trip(b"k: # c\n  |\n    &x y\n", "comment before header");
    assert!(!enc.is_empty());
}

/// Block collections nested on one line past the limit are refused before saphyr reads them;
/// up to the limit they read.
#[test]
fn compact_nesting_is_bounded_before_parsing() {
    let deep = format!("deep:\n{}x\n", "- ".repeat(1_000_000));
    let err = YamlStore.parse(deep.into_bytes()).unwrap_err();
    assert!(err.limit, "{err}");
    assert!(err.to_string().contains("line 2"), "{err}");
    let keys = format!("{}x\n", "? ".repeat(300));
    assert!(YamlStore.parse(keys.into_bytes()).unwrap_err().limit);
    let ok = format!("deep:\n{}x\n", "- ".repeat(200));
    assert!(YamlStore.parse(ok.into_bytes()).is_ok());
}

#[test]
fn block_scalar_at_the_end_without_a_line_break() {
    // yaml.v3 (so sops) reads no final line break when the input ends on the block's last line.
    for (src, want) in [
        ("a: |\n  multi\n  line", "multi\nline"),
        ("a: |\n  multi\n  line\n", "multi\nline\n"),
        ("a: >\n  folded\n  line", "folded line"),
        ("a: |+\n  kept", "kept"),
        ("a: |-\n  strip\n", "strip"),
    ] {
        let doc = YamlStore.parse(src.as_bytes().to_vec()).unwrap();
        let v = crate::format::node_to_value(&doc.docs[0]);
        assert_eq!(v["a"], Value::String(want.into()), "{src:?}");
    }
}
