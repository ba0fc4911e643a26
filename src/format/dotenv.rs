//! The dotenv store (docs/format.md §10.3, §9.4), with exactly sops's semantics so that files round-trip
//! through sops:
//!
//! * the input is split on `\n`; empty lines are skipped (they stay in the source, so the
//!   lossless writer keeps them);
//! * a line whose first byte is `#` is a comment whose text is the rest of the line;
//! * every other line must contain `=`: the key is the text before the first `=` (not trimmed,
//!   so `export FOO=1` has the key `export FOO`), the value is the text after it with every
//!   two-character sequence `\n` turned into a newline. A `\r` before the line break is part of
//!   the value. All values are strings.
//! * No quoting is interpreted: `KEY="x"` has the value `"x"` *with* its quotes, which are
//!   encrypted together with the rest of the value. That is what sops does, and it is what makes
//!   the round trip exact (sops decrypts the value to `"x"` and writes `KEY="x"` back).
//! * Keys starting with `sops_` are the flattened metadata (§9.4); they are removed from the data
//!   on decryption and appended, sorted, after the data on encryption.
//!
//! One extension, for files sops cannot read: a quoted value whose quote closes on a later line
//! (accepted by npm `dotenv`, python-dotenv and docker compose; sops stops at a line without
//! `=`) is one value, from the `=` to the end of the line of the closing quote, its line breaks
//! part of the value. Encrypted, it is one `KEY=ENC[…]` line that sops reads; sops decrypts it
//! to one line with `\n` escapes, which the double-quoted dialects read as the same value.
//!
//! The default rendering of a value (newlines written as `\n`) is the exact inverse of the
//! reading rule for any one-line value, so dotenv files need a layout record only for
//! multi-line values.

use std::ops::Range;

use serde_json::Value;

use super::{Document, Kind, ParseError, Store};
use crate::pipeline::metadata;
use crate::pipeline::tree::{Entry, Leaf, Node, Scalar, format_float};

pub struct DotenvStore;

/// The prefix of flattened metadata keys.
const SOPS_PREFIX: &str = "sops_";

/// Escapes newlines as the two characters `\n` (the only escape dotenv knows).
fn escape(s: &str) -> String {
    s.replace('\n', "\\n")
}

/// Turns every two-character `\n` into a newline (Go `strings.Replace(v, "\\n", "\n", -1)`).
fn unescape(s: &str) -> String {
    if s.contains("\\n") {
        s.replace("\\n", "\n")
    } else {
        s.to_string()
    }
}

/// The end of a quoted value that goes on over several lines, as the common dotenv readers
/// (npm `dotenv`, python-dotenv, docker compose) accept it: the value (after `=`, and blanks)
/// opens a `"`, `'` or `` ` `` quote that its own line does not close; it ends with the line of
/// the closing quote (a backslash escapes the next character). `line_end` is the end of the
/// value's first line. None when the value is not such a value (also when the quote is never
/// closed: then it is the rest of its line, as sops reads it).
fn multiline_end(text: &str, value_start: usize, line_end: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = value_start;
    while i < line_end && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    let q = *b.get(i).filter(|&&c| matches!(c, b'"' | b'\'' | b'`'))?;
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == q => {
                if i < line_end {
                    return None;
                }
                return Some(memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p));
            }
            _ => i += 1,
        }
    }
    None
}

/// The text of a scalar as sops writes it in a dotenv/INI file.
pub(crate) fn scalar_text(s: &Scalar) -> String {
    match s {
        Scalar::Str(s) | Scalar::Time(s) => s.clone(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => format_float(*f),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
    }
}

impl Store for DotenvStore {
    fn kind(&self) -> Kind {
        Kind::Dotenv
    }

    fn parse(&self, src: Vec<u8>) -> Result<Document, ParseError> {
        let text = std::str::from_utf8(&src).map_err(|e| {
            ParseError::at(&src, e.valid_up_to(), "dotenv input is not valid UTF-8")
        })?;
        let mut entries = Vec::new();
        let mut meta_pairs: Vec<(String, String)> = Vec::new();
        // Spans of the metadata lines including their line break, merged when adjacent.
        let mut meta_spans: Vec<Range<usize>> = Vec::new();
        let mut start = 0usize;
        let mut line_no = 0usize;
        while start <= text.len() {
            line_no += 1;
            let end = text[start..]
                .find('\n')
                .map(|i| start + i)
                .unwrap_or(text.len());
            let line = &text[start..end];
            let next = end + 1;
            if line.is_empty() {
                start = next;
                continue;
            }
            if let Some(comment) = line.strip_prefix('#') {
                entries.push(Entry::Comment(Leaf::new(
                    Scalar::Str(comment.to_string()),
                    Some(start..end),
                    0,
                )));
            } else {
                let eq = line.find('=').ok_or_else(|| {
                    ParseError::new(
                        Some(line_no),
                        "invalid dotenv input line: no '=' after the key",
                    )
                })?;
                let key = &line[..eq];
                if let Some(mkey) = key.strip_prefix(SOPS_PREFIX) {
                    let value = &line[eq + 1..];
                    meta_pairs.push((mkey.to_string(), unescape(value)));
                    let span_end = next.min(text.len());
                    match meta_spans.last_mut() {
                        Some(r) if r.end == start => r.end = span_end,
                        _ => meta_spans.push(start..span_end),
                    }
                } else {
                    // A quoted value may go on over the next lines (dotenv dialects).
                    let value_start = start + eq + 1;
                    let end = multiline_end(text, value_start, end).unwrap_or(end);
                    line_no += text[start..end].matches('\n').count();
                    let value = &text[value_start..end];
                    entries.push(Entry::Pair(
                        key.to_string(),
                        Node::Scalar(Leaf::new(
                            Scalar::Str(unescape(value)),
                            Some(value_start..end),
                            0,
                        )),
                    ));
                    start = end + 1;
                    continue;
                }
            }
            start = next;
        }
        let mut doc = Document::new(src, vec![Node::Map(entries)]);
        if !meta_pairs.is_empty() {
            // A final metadata line without a line break: the writer put a line break before
            // the block, so removing the block removes that one too.
            if let Some(r) = meta_spans.last_mut()
                && r.end == doc.src.len()
                && !doc.src.ends_with(b"\n")
                && r.start > 0
            {
                r.start -= 1;
            }
            let value = metadata::unflatten(&meta_pairs).map_err(|e| {
                ParseError::new(None, format!("invalid sops metadata in dotenv file: {e}"))
            })?;
            doc.metadata = Some(value);
            doc.metadata_spans = meta_spans;
        }
        Ok(doc)
    }

    fn render_value(&self, _doc: &Document, _leaf: &Leaf, value: &Scalar) -> String {
        escape(&scalar_text(value))
    }

    fn render_comment(&self, _doc: &Document, _leaf: &Leaf, text: &str) -> String {
        format!("#{text}")
    }

    /// `sops_<key>=<value>` lines, sorted by key. A file without a final line break gets one
    /// before the block and none after it, so that removing the block (see `parse`) gives the
    /// original bytes back.
    fn render_metadata(&self, doc: &Document, meta: &Value) -> String {
        let mut flat = metadata::flatten(meta);
        flat.sort_by(|a, b| a.0.cmp(&b.0));
        let lines: Vec<String> = flat
            .iter()
            .map(|(k, v)| format!("{SOPS_PREFIX}{k}={}", escape(v)))
            .collect();
        if !doc.src.is_empty() && !doc.src.ends_with(b"\n") {
            format!("\n{}", lines.join("\n"))
        } else {
            let mut out = lines.join("\n");
            out.push('\n');
            out
        }
    }

    fn emit(&self, docs: &[Node], meta: Option<&Value>) -> Result<Vec<u8>, ParseError> {
        let mut out = String::new();
        let entries: &[Entry] = match docs.first() {
            Some(Node::Map(e)) => e,
            Some(_) => {
                return Err(ParseError::new(
                    None,
                    "cannot use complex value in dotenv file",
                ));
            }
            None => &[],
        };
        for e in entries {
            match e {
                Entry::Comment(c) => {
                    out.push('#');
                    out.push_str(c.value.as_str().unwrap_or_default());
                    out.push('\n');
                }
                Entry::Pair(k, v) => {
                    let text = match v.resolved() {
                        Node::Scalar(l) => scalar_text(&l.value),
                        Node::Null => String::new(),
                        Node::Comment(c) => {
                            out.push('#');
                            out.push_str(c.value.as_str().unwrap_or_default());
                            out.push('\n');
                            continue;
                        }
                        _ => {
                            return Err(ParseError::new(
                                None,
                                format!("cannot use complex value in dotenv file (key {k:?})"),
                            ));
                        }
                    };
                    out.push_str(k);
                    out.push('=');
                    out.push_str(&escape(&text));
                    out.push('\n');
                }
            }
        }
        if let Some(m) = meta {
            let mut flat = metadata::flatten(m);
            flat.sort_by(|a, b| a.0.cmp(&b.0));
            for (k, v) in flat {
                out.push_str(SOPS_PREFIX);
                out.push_str(&k);
                out.push('=');
                out.push_str(&escape(&v));
                out.push('\n');
            }
        }
        Ok(out.into_bytes())
    }
}

/// Test helpers shared by the dotenv and INI stores: vector decryption, lossless round trips and
/// interop with the real sops binary.
#[cfg(test)]
pub(crate) mod testkit {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use serde_json::Value;

    use crate::crypto::cipher;
    use crate::crypto::mac::mac_aad;
    use crate::format::{Document, Store, write_lossless};
    use crate::pipeline::metadata::Metadata;
    use crate::pipeline::record::LosslessRecord;
    use crate::pipeline::selector::Rule;
    use crate::pipeline::tree::{Entry, Node, Scalar};
    use crate::pipeline::walk;

    pub use crate::format::testkit::{LOSSLESS, VECTORS, sops_bin};

    pub fn vector_json(name: &str) -> Value {
        let p = Path::new(VECTORS).join(name).join("vector.json");
        serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap()
    }

    pub fn data_key(name: &str) -> [u8; 32] {
        crate::format::testkit::key_of(&Path::new(VECTORS).join(name))
    }

    /// Decrypts a parsed encrypted document; returns the decrypted tree as JSON or an error.
    pub fn decrypt_doc(doc: &mut Document, key: &[u8; 32]) -> Result<Value, String> {
        crate::format::testkit::decrypt_parsed(doc, key)?;
        Ok(crate::format::testkit::docs_value(doc))
    }

    /// Decrypts the file of a vector with its `data_key_hex`.
    pub fn decrypt_vector(store: &dyn Store, name: &str) -> Result<Value, String> {
        let v = vector_json(name);
        let file = Path::new(VECTORS)
            .join(name)
            .join(v["file"].as_str().unwrap());
        let mut doc = store
            .parse(std::fs::read(file).unwrap())
            .map_err(|e| e.to_string())?;
        decrypt_doc(&mut doc, &data_key(name))
    }

    pub fn expected(name: &str) -> Value {
        let p = Path::new(VECTORS).join(name).join("expected.json");
        serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
    }

    /// Encrypts `src` with `key`, writing metadata whose only master key is `age` (if any).
    /// Returns the encrypted bytes.
    pub fn encrypt(
        store: &dyn Store,
        src: &[u8],
        key: &[u8; 32],
        age: Option<(String, String)>,
    ) -> Vec<u8> {
        let mut doc = store.parse(src.to_vec()).expect("plaintext parses");
        let rule = Rule::default();
        let mut layout = LosslessRecord::default();
        let mac =
            walk::encrypt(store, &mut doc, key, &rule, false, &mut layout, None).expect("encrypts");
        let lastmodified = "2026-01-02T03:04:05Z".to_string();
        let aad = mac_aad(&lastmodified).unwrap();
        let mut meta = Metadata {
            lastmodified,
            mac: cipher::encrypt(key, &Scalar::Str(mac), aad.as_bytes()),
            rule: Some(rule.field()).map(|(f, v)| (f.to_string(), v)),
            version: "3.11.0".into(),
            layout: layout.seal(key, None),
            ..Metadata::default()
        };
        if let Some((recipient, enc)) = age {
            meta.key_groups
                .push(crate::pipeline::metadata::KeyGroup::new(vec![
                    crate::pipeline::metadata::MasterKey::Age(crate::pipeline::metadata::AgeKey {
                        recipient,
                        enc,
                    }),
                ]));
        }
        write_lossless(store, &doc, Some(&meta.to_value()), &mut layout)
    }

    /// Every non-empty leaf not under an `_unencrypted` key, and every comment, is encrypted.
    pub fn assert_all_encrypted(store: &dyn Store, enc: &[u8]) {
        let doc = store.parse(enc.to_vec()).expect("encrypted output parses");
        fn check(node: &Node, clear: bool) {
            match node {
                Node::Map(entries) => {
                    for e in entries {
                        match e {
                            Entry::Pair(k, v) => check(v, clear || k.ends_with("_unencrypted")),
                            Entry::Comment(c) => {
                                let s = c.value.as_str().unwrap();
                                assert!(
                                    clear || s.is_empty() || cipher::is_encrypted(s),
                                    "a comment was left in clear text"
                                );
                            }
                        }
                    }
                }
                Node::Scalar(l) | Node::Comment(l) => {
                    let s = l.value.as_str().unwrap_or("x");
                    assert!(
                        clear || s.is_empty() || cipher::is_encrypted(s),
                        "a value was left in clear text"
                    );
                }
                Node::Seq(items) => items.iter().for_each(|n| check(n, clear)),
                _ => {}
            }
        }
        doc.docs.iter().for_each(|d| check(d, false));
    }

    /// parse → encrypt → write → parse → decrypt → write == original. Returns the encrypted text.
    pub fn roundtrip(store: &dyn Store, src: &[u8]) -> Vec<u8> {
        let key = [0x5au8; 32];
        let enc = encrypt(store, src, &key, None);
        assert_all_encrypted(store, &enc);
        let mut doc = store.parse(enc.clone()).expect("encrypted output parses");
        decrypt_doc(&mut doc, &key).expect("decrypts");
        let mut layout = LosslessRecord::default();
        let out = write_lossless(store, &doc, None, &mut layout);
        assert!(
            out == src,
            "round trip differs:\n--- original\n{}\n--- encrypted\n{}\n--- decrypted\n{}",
            String::from_utf8_lossy(src),
            String::from_utf8_lossy(&enc),
            String::from_utf8_lossy(&out)
        );
        enc
    }

    /// Lossless files of one extension.
    pub fn lossless_files(ext: &str) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(LOSSLESS)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        v.retain(|p| {
            p.extension().and_then(|e| e.to_str()) == Some(ext)
                || (ext == "env"
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(".env")))
        });
        v.sort();
        v
    }

    /// The age recipient and wrapped key of a vector (which wrap its `data_key_hex`), and its
    /// identity file.
    pub fn vector_age(name: &str) -> ((String, String), PathBuf) {
        let store_kind = vector_json(name)["input_type"]
            .as_str()
            .unwrap()
            .to_string();
        let store = match store_kind.as_str() {
            "dotenv" => crate::format::Kind::Dotenv.store(),
            _ => crate::format::Kind::Ini.store(),
        };
        let v = vector_json(name);
        let file = Path::new(VECTORS)
            .join(name)
            .join(v["file"].as_str().unwrap());
        let doc = store.parse(std::fs::read(file).unwrap()).unwrap();
        let meta = Metadata::from_value(doc.metadata.as_ref().unwrap()).unwrap();
        let age = meta.key_groups[0].age().next().unwrap().clone();
        (
            (age.recipient, age.enc),
            Path::new(VECTORS).join(name).join("keys/age-o1.txt"),
        )
    }

    fn run(mut cmd: Command) -> Result<Vec<u8>, String> {
        let out = cmd.output().map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// `sops decrypt --input-type t --output-type json` of `enc`.
    pub fn sops_decrypt(input_type: &str, ext: &str, enc: &[u8], keyfile: &Path) -> Value {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(format!("secrets.{ext}"));
        std::fs::write(&f, enc).unwrap();
        let mut cmd = Command::new(sops_bin());
        cmd.env("SOPS_AGE_KEY_FILE", keyfile)
            .current_dir(dir.path())
            .args([
                "decrypt",
                "--input-type",
                input_type,
                "--output-type",
                "json",
            ])
            .arg(&f);
        let out = run(cmd).unwrap_or_else(|e| {
            panic!(
                "sops failed to decrypt veil's output: {e}\n{}",
                String::from_utf8_lossy(enc)
            )
        });
        serde_json::from_slice(&out).unwrap()
    }

    /// `sops encrypt --age recipient` of `plain` in format `t`.
    pub fn sops_encrypt(input_type: &str, ext: &str, plain: &[u8], recipient: &str) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(format!("plain.{ext}"));
        std::fs::write(&f, plain).unwrap();
        let mut cmd = Command::new(sops_bin());
        cmd.current_dir(dir.path())
            .args(["encrypt", "--age", recipient])
            .args(["--input-type", input_type, "--output-type", input_type])
            .arg(&f);
        run(cmd).unwrap_or_else(|e| panic!("sops failed to encrypt: {e}"))
    }

    /// Decrypts a file that sops wrote with veil, using the age identity in `keyfile`.
    /// Encrypts every testdata file with extension `ext` for the age key of `vector` and checks
    /// that the real sops decrypts it to what the store parsed from the plaintext.
    pub fn assert_sops_decrypts_lossless_files(
        store: &dyn Store,
        vector: &str,
        input_type: &str,
        ext: &str,
    ) {
        let (age, keyfile) = vector_age(vector);
        let key = data_key(vector);
        for f in lossless_files(ext) {
            let src = std::fs::read(&f).unwrap();
            let enc = encrypt(store, &src, &key, Some(age.clone()));
            let got = sops_decrypt(input_type, ext, &enc, &keyfile);
            let doc = store.parse(src).unwrap();
            assert_eq!(
                got,
                crate::format::node_to_value(&doc.docs[0]),
                "{}",
                f.display()
            );
        }
    }

    pub fn open_with_identity(store: &dyn Store, enc: &[u8], keyfile: &Path) -> Value {
        let text = std::fs::read_to_string(keyfile).unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with("AGE-SECRET-KEY-"))
            .unwrap();
        let identity: age::x25519::Identity = line.trim().parse().unwrap();
        let mut doc = store.parse(enc.to_vec()).expect("sops output parses");
        let meta = Metadata::from_value(doc.metadata.as_ref().unwrap()).unwrap();
        let wrapped = &meta.key_groups[0].age().next().unwrap().enc;
        let reader = age::armor::ArmoredReader::new(wrapped.as_bytes());
        let dec = age::Decryptor::new(reader).unwrap();
        let mut r = dec
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .unwrap();
        let mut key = Vec::new();
        std::io::Read::read_to_end(&mut r, &mut key).unwrap();
        let key: [u8; 32] = key.try_into().unwrap();
        decrypt_doc(&mut doc, &key).expect("veil decrypts sops output")
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::*;
    use super::*;

    const STORE: &DotenvStore = &DotenvStore;

    #[test]
    fn vectors_decrypt() {
        for name in [
            "gen-dotenv",
            "gen-dotenv-mac-only",
            "kc-dotenv-age",
            "kc-dotenv-age-component",
            "kc-legacy-dotenv-age-3.7.1",
            "sn-dotenv-pgp-comment",
        ] {
            let got = decrypt_vector(STORE, name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(got, expected(name), "{name}");
        }
    }

    #[test]
    fn vector_with_swapped_ciphertexts_fails() {
        let err = decrypt_vector(STORE, "neg-open-swapped-ciphertexts").unwrap_err();
        assert!(err.contains("DB_HOST:"), "{err}");
    }

    #[test]
    fn decrypted_vector_matches_sops_plaintext() {
        // sops's own plaintext input, written back losslessly after decryption.
        let dir = Path::new(VECTORS).join("gen-dotenv");
        let mut doc = STORE
            .parse(std::fs::read(dir.join("secrets.env")).unwrap())
            .unwrap();
        decrypt_doc(&mut doc, &data_key("gen-dotenv")).unwrap();
        let out = crate::format::write_lossless(
            STORE,
            &doc,
            None,
            &mut crate::pipeline::record::LosslessRecord::default(),
        );
        assert_eq!(out, std::fs::read(dir.join("plaintext-input.env")).unwrap());
    }

    use std::path::Path;

    const TRICKY: &[&str] = &[
        "",
        "\n",
        "A=1",
        "A=1\n",
        "A=1\n\n\n",
        "\n\nA=1\n#c\n\n",
        "#only a comment",
        "#\nA=\nB=x\n",
        "export FOO=bar\n",
        " SPACED = x \n",
        "Q=\"quoted value\"\nS='single'\n",
        "M=a\\nb\\\\nc\\n\n",
        "CRLF=value\r\nNEXT=x\r\n#comment\r\n",
        "U=héllo wörld ✓\n",
        "E==\n=empty key\n",
        "K=a=b=c # not a comment\n",
        "PUBLIC_unencrypted=clear\nSECRET=s\n",
        "DUP=1\nDUP=2\n",
        "last=no newline at end",
        "#comment without newline",
        "ML=\"a\nb = c\n\n# d\"\nN=1\n",
        "ML='x\ny'  # note\n",
        "ML=`a\nb`",
        "ML=\"a\\\"\nb\"\n",
        "ML=\"crlf\r\nvalue\"\r\nN=1\r\n",
        "UNCLOSED=\"x\nN=1\n",
        "ONELINE=\"x\" \"y\nN=1\n",
    ];

    #[test]
    fn lossless_round_trips() {
        for src in TRICKY {
            roundtrip(STORE, src.as_bytes());
        }
        for f in lossless_files("env") {
            roundtrip(STORE, &std::fs::read(&f).unwrap());
        }
    }

    #[test]
    fn parse_semantics() {
        let doc = STORE
            .parse(b"export A=\"x\"\r\n#c\nM=a\\nb\n\nsops_version=3.11.0\n".to_vec())
            .unwrap();
        let v = crate::format::node_to_value(&doc.docs[0]);
        assert_eq!(v, serde_json::json!({"export A": "\"x\"\r", "M": "a\nb"}));
        assert_eq!(doc.metadata.unwrap()["version"], "3.11.0");
        // A quoted value that goes on over the next lines is one value, line breaks included.
        let doc = STORE
            .parse(b"A=\"x\ny=1\n#z\"\nB='p\\nq\nr'  # c\nC=\"open\nD=1\n".to_vec())
            .unwrap();
        let v = crate::format::node_to_value(&doc.docs[0]);
        assert_eq!(
            v,
            serde_json::json!({"A": "\"x\ny=1\n#z\"", "B": "'p\nq\nr'  # c", "C": "\"open", "D": "1"})
        );
        let err = STORE
            .parse(b"A=\"x\ny\"\nsecret-without-equals\n".to_vec())
            .unwrap_err();
        assert_eq!(err.line, Some(3));
        let err = STORE
            .parse(b"A=1\nsecret-without-equals\n".to_vec())
            .unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(!err.to_string().contains("secret"));
    }

    #[test]
    fn metadata_block_is_removed_exactly() {
        for (src, want) in [
            ("A=1\nsops_version=3.11.0\n", "A=1\n"),
            ("A=1\nsops_a=1\nsops_version=3", "A=1"),
            ("sops_a=1\nA=1\nsops_version=3", "A=1"),
        ] {
            let doc = STORE.parse(src.as_bytes().to_vec()).unwrap();
            let out = crate::format::write_lossless(
                STORE,
                &doc,
                None,
                &mut crate::pipeline::record::LosslessRecord::default(),
            );
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn emit_writes_sops_style() {
        let doc = STORE.parse(b"#c\nA=x\\ny\nB=\n".to_vec()).unwrap();
        let meta = serde_json::json!({"version": "3.11.0", "lastmodified": "x"});
        let out = STORE.emit(&doc.docs, Some(&meta)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "#c\nA=x\\ny\nB=\nsops_lastmodified=x\nsops_version=3.11.0\n"
        );
        let nested = crate::format::value_to_node(&serde_json::json!({"a": {"b": 1}}));
        let err = STORE.emit(&[nested], None).unwrap_err();
        assert!(err.to_string().contains("cannot use complex value"));
    }

    const INTEROP: &str = "# database settings\nDB_HOST=db.internal\nexport PW=\"s3cr3t=x\"\nEMPTY=\nMULTI=a\\nb\nPUBLIC_unencrypted=clear\nCR=x\r\n#tail";

    /// A multi-line value, which sops cannot read in a plaintext file, is one line in the
    /// encrypted file: sops decrypts it (to the same value, its line breaks escaped when written
    /// as dotenv) and veil gives back the original lines.
    #[test]
    fn multiline_values_for_sops() {
        let src = "KEY=\"-----BEGIN KEY-----\nabc=\n-----END KEY-----\"\nS='a\nb'\nN=1\n";
        roundtrip(STORE, src.as_bytes());
        let (age, keyfile) = vector_age("gen-dotenv");
        let key = data_key("gen-dotenv");
        let enc = encrypt(STORE, src.as_bytes(), &key, Some(age));
        let got = sops_decrypt("dotenv", "env", &enc, &keyfile);
        assert_eq!(
            got,
            serde_json::json!({"KEY": "\"-----BEGIN KEY-----\nabc=\n-----END KEY-----\"", "S": "'a\nb'", "N": "1"})
        );
    }

    #[test]
    fn sops_decrypts_veil_output() {
        let (age, keyfile) = vector_age("gen-dotenv");
        let key = data_key("gen-dotenv");
        let enc = encrypt(STORE, INTEROP.as_bytes(), &key, Some(age));
        let got = sops_decrypt("dotenv", "env", &enc, &keyfile);
        let mut doc = STORE.parse(INTEROP.as_bytes().to_vec()).unwrap();
        doc.metadata = None;
        assert_eq!(got, crate::format::node_to_value(&doc.docs[0]));
    }

    #[test]
    fn sops_decrypts_veil_output_of_lossless_files() {
        assert_sops_decrypts_lossless_files(STORE, "gen-dotenv", "dotenv", "env");
    }

    #[test]
    fn veil_decrypts_sops_output() {
        let ((recipient, _), keyfile) = vector_age("gen-dotenv");
        let src = format!("{INTEROP}\n");
        let enc = sops_encrypt("dotenv", "env", src.as_bytes(), &recipient);
        let got = open_with_identity(STORE, &enc, &keyfile);
        let doc = STORE.parse(src.into_bytes()).unwrap();
        assert_eq!(got, crate::format::node_to_value(&doc.docs[0]));
    }
}
