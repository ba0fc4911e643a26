//! Entry points of veil's fuzz targets (one per function), shared by the cargo-fuzz targets in
//! `fuzz/fuzz_targets/` and the stable regression test `tests/fuzz_regressions.rs`, which feeds
//! them every file of `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/`.
//!
//! Each entry runs untrusted bytes through one reader of veil and checks what must hold for any
//! input: no panic, no unbounded recursion or memory (the limits of `veil::format::limits`),
//! and, for the stores, that what veil reads it can encrypt, read back and decrypt to the same
//! bytes.

use veil::crypto::cipher::{self, ValueCipher};
use veil::crypto::datakey::DataKey;
use veil::format::limits::{self, MAX_DEPTH};
use veil::format::{Kind, Store, node_to_value, write_lossless};
use veil::pipeline::metadata::{self, Metadata};
use veil::pipeline::record::LosslessRecord;
use veil::pipeline::selector::Rule;
use veil::pipeline::tree::{Entry, Leaf, Node, Scalar};
use veil::pipeline::{treepath, whole};

/// The data key of the fuzz targets (a test key: never used for anything real).
const KEY: [u8; 32] = *b"veil-fuzz-test-key-32-bytes-long";

/// A fuzz target's entry point.
pub type Target = fn(&[u8]);

/// The targets by name, for the regression test.
pub const TARGETS: &[(&str, Target)] = &[
    ("yaml", yaml),
    ("json", json),
    ("toml", toml),
    ("dotenv", dotenv),
    ("ini", ini),
    ("binary", binary),
    ("enc_value", enc_value),
    ("metadata", metadata),
    ("sops_config", sops_config),
    ("identities", identities),
    ("treepath", treepath),
    ("scan_decoders", scan_decoders),
    ("decrypt", decrypt),
];

pub fn yaml(data: &[u8]) {
    store(Kind::Yaml, data);
}

pub fn json(data: &[u8]) {
    store(Kind::Json, data);
}

pub fn toml(data: &[u8]) {
    store(Kind::Toml, data);
}

pub fn dotenv(data: &[u8]) {
    store(Kind::Dotenv, data);
}

pub fn ini(data: &[u8]) {
    store(Kind::Ini, data);
}

/// A binary file is one value; its encrypted form is read by the JSON store.
pub fn binary(data: &[u8]) {
    store(Kind::Binary, data);
    store(Kind::Json, data);
}

/// Reads `data` with the store of `kind` every way veil does, and round-trips what it reads.
fn store(kind: Kind, data: &[u8]) {
    let store = kind.store();
    for encrypted in [false, true] {
        let _ = store.parse_parts(data, 3, encrypted, &mut |part| {
            assert!(
                limits::depth(&part) <= MAX_DEPTH,
                "a part past the depth limit"
            );
            let _ = node_to_value(&part);
            Ok(())
        });
    }
    let _ = store.peek_metadata(data);
    let Ok(doc) = store.parse(data.to_vec()) else {
        return;
    };
    for d in &doc.docs {
        assert!(limits::depth(d) <= MAX_DEPTH, "a tree past the depth limit");
        let _ = node_to_value(d);
    }
    let _ = store.emit(&doc.docs, doc.metadata.as_ref());
    match &doc.metadata {
        Some(m) => read_metadata(m),
        None => round_trip(store, doc, data),
    }
}

/// Encrypts a plaintext document with the test key, reads the result back and decrypts it: the
/// bytes must be the input's.
fn round_trip(store: &'static dyn Store, mut doc: veil::format::Document, data: &[u8]) {
    let values: Vec<serde_json::Value> = doc.docs.iter().map(node_to_value).collect();
    let key = DataKey::from_bytes(&KEY).unwrap();
    let meta = Metadata {
        version: "3.11.0".into(),
        ..Metadata::default()
    };
    let rule = Rule::default();
    let kind = store.kind();
    let Ok(encrypted) = whole::seal(
        store,
        &mut doc,
        &key,
        meta,
        &rule,
        whole::SealOptions::fresh(kind),
    ) else {
        // A document veil cannot encrypt (e.g. a comment rule conflict) is refused, not broken.
        return;
    };
    let reading = kind.reading_store();
    let back = reading
        .parse(encrypted.clone())
        .unwrap_or_else(|e| panic!("veil cannot read what it encrypted: {e}"));
    let meta = whole::metadata_of(&back).expect("the metadata veil wrote");
    let mut opened = whole::open_with_key(reading, back, meta, key, false, false)
        .unwrap_or_else(|f| panic!("veil cannot decrypt what it encrypted: {}", f.message));
    if kind == Kind::Binary {
        let plain = match &opened.doc.docs[0] {
            Node::Map(e) => match e.first() {
                Some(Entry::Pair(_, Node::Scalar(l))) => l.value.canonical_bytes().into_owned(),
                _ => panic!("an encrypted binary file without data"),
            },
            _ => panic!("an encrypted binary file without data"),
        };
        assert!(plain == data, "decrypt(encrypt(x)) differs from x");
        return;
    }
    // The data comes back (byte-for-byte equality of generated documents is the property
    // tests' job, tests/properties.rs).
    let back: Vec<serde_json::Value> = opened.doc.docs.iter().map(node_to_value).collect();
    assert!(
        back == values,
        "decrypt(encrypt(x)) holds other values than x"
    );
    let text = write_lossless(reading, &opened.doc, None, &mut opened.layout);
    let again = store
        .parse(text)
        .unwrap_or_else(|e| panic!("the decrypted file does not parse: {e}"));
    let again: Vec<serde_json::Value> = again.docs.iter().map(node_to_value).collect();
    assert!(
        again == values,
        "the decrypted file holds other values than x"
    );
}

fn read_metadata(value: &serde_json::Value) {
    if let Ok(meta) = Metadata::from_value(value) {
        let _ = meta.validate_for_decryption();
        let _ = meta.selection_rule();
        let again = Metadata::from_value(&meta.to_value());
        assert!(again.is_ok(), "metadata veil writes must read back");
        let _ = metadata::flatten(&meta.to_value());
    }
}

/// An `ENC[…]` value: parsed, decrypted with the test key under a few additional data, typed.
pub fn enc_value(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = cipher::parse_enc(text);
    let vc = ValueCipher::new(&KEY);
    for aad in [&b""[..], b"a:", b":"] {
        let _ = vc.decrypt(text, aad);
    }
    // The plaintext readers of every type.
    if let Some((type_name, rest)) = text.split_once(':') {
        let _ = Scalar::from_typed(type_name, rest.as_bytes().to_vec());
    }
    let _ = veil::crypto::mac::mac_aad(text);
    // A value encrypted by veil decrypts to itself, whatever it is (empty values are never
    // encrypted: sops' format has no empty data).
    if text.is_empty() {
        return;
    }
    let value = Scalar::Str(text.to_string());
    let enc = cipher::encrypt(&KEY, &value, b"k:");
    let (back, comment) = vc
        .decrypt(&enc, b"k:")
        .expect("veil's own ciphertext opens");
    assert!(!comment && back == value, "an encrypted value changed");
}

/// Metadata in generic form (JSON) and flattened (dotenv/INI `key=value` lines).
pub fn metadata(data: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        read_metadata(&value);
        // A layout record in its mapping form.
        let _ = LosslessRecord::open(&KEY, &value);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let pairs: Vec<(String, String)> = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Ok(value) = metadata::unflatten(&pairs) {
            read_metadata(&value);
        }
        // A layout record in its older form, one encrypted string.
        let _ = LosslessRecord::open(&KEY, &serde_json::Value::String(text.to_string()));
    }
}

/// A `.sops.yaml`, and the rules it gives for a few paths.
pub fn sops_config(data: &[u8]) {
    let path = std::path::Path::new("/repo/.sops.yaml");
    if let Ok(config) = veil::config::Config::parse(path, data.to_vec()) {
        for p in ["/repo/a.yaml", "/repo/secrets/prod.env", "x.json"] {
            if let Ok(Some(m)) = config.rule_for(std::path::Path::new(p)) {
                for g in m.rule.groups() {
                    let _ = g.age_recipients();
                }
                let _ = m.rule.unsupported_key_types();
                let _ = m.rule.rule_fields();
            }
        }
    }
    let _ = veil::scan::encryption::parse_config(path, data.to_vec());
}

/// Identity text (age key files, `SOPS_AGE_KEY`) and, after a NUL byte, an armored age file to
/// open with them.
pub fn identities(data: &[u8]) {
    let (ids, enc) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let Ok(text) = std::str::from_utf8(ids) else {
        return;
    };
    let mut identities = veil::keys::identities::Identities::empty();
    let _ = identities.add_identity_text(text, "fuzz");
    if let Ok(enc) = std::str::from_utf8(enc) {
        let _ = identities.unwrap("age1fuzz", enc);
    }
    // Recipient lists (`--age`, `.sops.yaml`).
    let _ = veil::keys::age::AgeRecipient::parse_list(text);
}

/// A tree path (`--extract`, `set`, `unset`) on a small tree.
pub fn treepath(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(steps) = treepath::parse(text) else {
        return;
    };
    assert!(steps.len() <= MAX_DEPTH, "a tree path past the limit");
    let leaf = |s: &str| Node::Scalar(Leaf::new(Scalar::Str(s.into()), None, 0));
    let mut root = Node::Map(vec![
        Entry::Pair("a".into(), Node::Seq(vec![leaf("x"), leaf("y")])),
        Entry::Pair(
            "b".into(),
            Node::Map(vec![Entry::Pair("c".into(), leaf("z"))]),
        ),
    ]);
    let _ = treepath::get(&root, &steps);
    let _ = treepath::set(&mut root.clone(), &steps, leaf("new"));
    let _ = treepath::unset(&mut root, &steps);
}

/// The scanner's decoders: base64 layers and Kubernetes `Secret` data, ciphertext spans.
pub fn scan_decoders(data: &[u8]) {
    let _ = veil::scan::rules::Detector::shared().scan(data);
    let _ = veil::scan::encryption::never_secret_spans(data);
    let _ = veil::scan::encryption::looks_encrypted(data);
}

/// An encrypted file of any format (the first byte picks the store) opened with the test key:
/// metadata, layout record, every value and the MAC.
pub fn decrypt(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let kind = [Kind::Yaml, Kind::Json, Kind::Toml, Kind::Dotenv, Kind::Ini][first as usize % 5];
    let store = kind.store();
    let Ok(doc) = store.parse(rest.to_vec()) else {
        return;
    };
    let Ok(meta) = whole::metadata_of(&doc) else {
        return;
    };
    let key = DataKey::from_bytes(&KEY).unwrap();
    if let Ok(mut opened) = whole::open_with_key(store, doc, meta, key, true, true) {
        let _ = write_lossless(store, &opened.doc, None, &mut opened.layout);
    }
}
