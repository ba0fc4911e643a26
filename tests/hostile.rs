//! Hostile input (issue 8): alias bombs and runaway nesting through every command that reads a
//! file, the corpus of malformed and tampered files in `testdata/hostile/`, and the strictness
//! rules. Every failure is one line on stderr with its documented exit code, never a signal,
//! never output on stdout and never a temporary file left behind.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

/// What every rejection must look like: `code`, one line on stderr, no panic, no signal, no
/// output on stdout.
fn assert_clean_failure(out: &Output, code: i32, what: &str) {
    assert_clean_failure_with(out, code, what);
    assert!(out.stdout.is_empty(), "{what}: output on stdout");
}

/// [`assert_clean_failure`] for a command that also reports on stdout (`check`).
fn assert_clean_failure_with(out: &Output, code: i32, what: &str) {
    let err = stderr(out);
    assert!(
        out.status.code().is_some(),
        "{what}: killed by a signal ({:?}); stderr: {err}",
        out.status
    );
    assert_eq!(out.status.code(), Some(code), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: panic: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{what}: not one line: {err}"
    );
}

/// Files of a directory that look like veil's temporary files.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| veil::fsio::is_temp_file(p))
        .collect()
}

/// Nesting `levels` deep, in YAML block style (`- - - …`).
fn yaml_block(levels: usize) -> String {
    let mut s = String::from("deep:\n");
    s.push_str(&"- ".repeat(levels));
    s.push_str("x\n");
    s
}

/// Nesting `levels` deep, in YAML flow style (`[[[…]]]`).
fn yaml_flow(levels: usize) -> String {
    format!("deep: {}{}\n", "[".repeat(levels), "]".repeat(levels))
}

/// Nesting `levels` deep in JSON.
fn json_deep(levels: usize) -> String {
    format!("{{\"deep\": {}{}}}", "[".repeat(levels), "]".repeat(levels))
}

/// A billion laughs: 9 levels of 10 aliases each (10^9 nodes expanded), under 500 bytes.
fn alias_bomb() -> String {
    let mut s = String::from("a0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
    for i in 1..9 {
        let refs = vec![format!("*a{}", i - 1); 10].join(",");
        s.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    s
}

/// An encrypted file of `ext` (made by veil for the demo key) with `hostile` spliced into its
/// values: what an attacker can commit to a repository without knowing any key.
fn crafted_encrypted(home: &Path, ext: &str, hostile: &str) -> String {
    let (_, public) = demo_key(1);
    let plain = home.join(format!("base.{ext}"));
    let text = if ext == "json" {
        "{\"token\": \"example-value\"}\n"
    } else {
        "token: example-value\n"
    };
    std::fs::write(&plain, text).unwrap();
    let out = run(veil(home).args(["encrypt", "--age", &public]).arg(&plain));
    assert!(out.status.success(), "{}", stderr(&out));
    let enc = String::from_utf8(out.stdout).unwrap();
    if ext == "json" {
        // `{"deep": …}` becomes the first member of the encrypted object.
        let inner = hostile
            .trim_end()
            .trim_start_matches('{')
            .trim_end_matches('}');
        enc.replacen('{', &format!("{{{inner},"), 1)
    } else {
        format!("{hostile}{enc}")
    }
}

/// The commands that read a file, each as arguments after `veil`; `{}` is the file.
const COMMANDS: &[&[&str]] = &[
    &["encrypt", "--age", "{age}", "-i", "{}"],
    &["decrypt", "{}"],
    &["decrypt", "-i", "{}"],
    &["edit", "{}"],
    &["set", "{}", "[\"token\"]", "\"new\""],
    &["check", "{}"],
    &["filestatus", "{}"],
    &["scan", "{}"],
    &["exec-env", "{}", "true"],
];

#[test]
fn nesting_and_alias_bombs_fail_cleanly_through_every_command() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("repo");
    std::fs::create_dir(&dir).unwrap();
    let (key, public) = demo_key(1);
    // `scan` reads the files its creation rules cover; `check` the ones a rule requires.
    std::fs::write(
        dir.join(".sops.yaml"),
        format!("creation_rules:\n  - path_regex: \\.(yaml|json)$\n    age: {public}\n"),
    )
    .unwrap();
    let mut cases: Vec<(String, String)> = Vec::new();
    for levels in [10_000, 30_000, 100_000, 1_000_000] {
        for (style, ext, text) in [
            ("block", "yaml", yaml_block(levels)),
            ("flow", "yaml", yaml_flow(levels)),
            ("json", "json", json_deep(levels)),
        ] {
            let enc = crafted_encrypted(home.path(), ext, &text);
            cases.push((format!("deep-{style}-{levels}.{ext}"), text));
            cases.push((format!("deep-{style}-{levels}-encrypted.{ext}"), enc));
        }
    }
    let bomb = alias_bomb();
    assert!(bomb.len() < 500);
    cases.push((
        "bomb-encrypted.yaml".into(),
        crafted_encrypted(home.path(), "yaml", &bomb),
    ));
    cases.push(("bomb.yaml".into(), bomb));
    for (name, text) in &cases {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        for args in COMMANDS {
            let args: Vec<String> = args
                .iter()
                .map(|a| {
                    a.replace("{}", file.to_str().unwrap())
                        .replace("{age}", &public)
                })
                .collect();
            let out = run(veil(home.path())
                .current_dir(&dir)
                .env("SOPS_AGE_KEY_FILE", &key)
                .env("EDITOR", "true")
                .args(&args));
            let what = format!("veil {} on {name}", args[0]);
            if args[0] == "check" {
                assert_clean_failure_with(&out, 2, &what);
            } else {
                assert_clean_failure(&out, 2, &what);
            }
            let err = stderr(&out);
            // The message names the limit and the line where it was passed.
            assert!(
                err.contains("line ") && (err.contains("nesting") || err.contains("aliasing")),
                "{what}: {err}"
            );
            assert!(temp_files(&dir).is_empty(), "{what}: temporary file left");
            assert_eq!(
                &std::fs::read_to_string(&file).unwrap(),
                text,
                "{what}: file changed"
            );
        }
    }
}

/// Nesting up to the limit reads; one level more is refused (and the limit is what README says).
#[test]
fn nesting_up_to_the_limit_round_trips() {
    use veil::format::limits::MAX_DEPTH;
    let home = tempfile::tempdir().unwrap();
    let (key, public) = demo_key(1);
    // The root mapping is one level.
    for (ext, ok, deep) in [
        ("yaml", yaml_block(MAX_DEPTH - 1), yaml_block(MAX_DEPTH)),
        ("json", json_deep(MAX_DEPTH - 1), json_deep(MAX_DEPTH)),
        ("yaml", yaml_flow(MAX_DEPTH - 1), yaml_flow(MAX_DEPTH)),
    ] {
        let file = home.path().join(format!("ok.{ext}"));
        std::fs::write(&file, &ok).unwrap();
        let enc = run(veil(home.path())
            .args(["encrypt", "--age", &public])
            .arg(&file));
        assert!(enc.status.success(), "{ext}: {}", stderr(&enc));
        let encrypted = home.path().join(format!("ok.enc.{ext}"));
        std::fs::write(&encrypted, &enc.stdout).unwrap();
        let dec = run(veil(home.path())
            .env("SOPS_AGE_KEY_FILE", &key)
            .arg("decrypt")
            .arg(&encrypted));
        assert!(dec.status.success(), "{ext}: {}", stderr(&dec));
        assert_eq!(String::from_utf8(dec.stdout).unwrap(), ok);

        std::fs::write(&file, &deep).unwrap();
        let out = run(veil(home.path())
            .args(["encrypt", "--age", &public])
            .arg(&file));
        assert_clean_failure(&out, 2, &format!("{ext} one level too deep"));
        assert!(stderr(&out).contains(&MAX_DEPTH.to_string()));
    }
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("{MAX_DEPTH} levels")),
        "README documents the depth limit"
    );
}

/// Every walk over a tree recurses at most `MAX_DEPTH` deep: a document at the limit is
/// read, encrypted, written, decrypted, converted to every format and dropped on a thread
/// with less stack than a spawned thread gets (2 MiB: parser threads, `rotate`'s workers),
/// even in a debug build (jsonc-parser's recursive descent takes most of it).
#[test]
fn a_document_at_the_limit_needs_little_stack() {
    use veil::crypto::datakey::DataKey;
    use veil::format::limits::{MAX_DEPTH, depth};
    use veil::format::{Kind, node_to_value, write_lossless};
    use veil::pipeline::metadata::Metadata;
    use veil::pipeline::selector::Rule;
    use veil::pipeline::whole;

    let run = || {
        let texts = [
            (Kind::Yaml, format!("a:\n{}x\n", "- ".repeat(MAX_DEPTH - 1))),
            (Kind::Yaml, {
                let mut t = String::new();
                for i in 0..MAX_DEPTH - 1 {
                    t.push_str(&format!("{}k{i}:\n", "  ".repeat(i)));
                }
                t.push_str(&format!("{}v: x\n", "  ".repeat(MAX_DEPTH - 1)));
                t
            }),
            (
                Kind::Json,
                format!(
                    "{{\"a\": {}1{}}}",
                    "[".repeat(MAX_DEPTH - 1),
                    "]".repeat(MAX_DEPTH - 1)
                ),
            ),
        ];
        for (kind, text) in texts {
            let store = kind.store();
            let mut doc = store.parse(text.clone().into_bytes()).unwrap();
            assert_eq!(depth(&doc.docs[0]), MAX_DEPTH);
            let _ = node_to_value(&doc.docs[0]);
            for k in [Kind::Yaml, Kind::Json, Kind::Toml, Kind::Ini, Kind::Dotenv] {
                let _ = k.store().emit(&doc.docs, None);
            }
            let key = DataKey::from_bytes(&[7; 32]).unwrap();
            let meta = Metadata {
                version: "3.11.0".into(),
                ..Metadata::default()
            };
            let rule = Rule::default();
            let enc = whole::seal(
                store,
                &mut doc,
                &key,
                meta,
                &rule,
                whole::SealOptions::fresh(kind),
            )
            .unwrap();
            let back = store.parse(enc).unwrap();
            let meta = whole::metadata_of(&back).unwrap();
            let mut opened = whole::open_with_key(store, back, meta, key, false, false).unwrap();
            let plain = write_lossless(store, &opened.doc, None, &mut opened.layout);
            assert!(plain == text.as_bytes(), "{kind:?} round trip");
            drop(opened);
        }
    };
    std::thread::Builder::new()
        .stack_size(1536 << 10)
        .spawn(run)
        .unwrap()
        .join()
        .expect("a document at the depth limit fits a 1.5 MiB stack");
}

/// Honest anchors and aliases stay well within the alias budget.
#[test]
fn ordinary_aliases_still_read() {
    let home = tempfile::tempdir().unwrap();
    let (key, public) = demo_key(1);
    let mut text =
        String::from("defaults: &defaults\n  retries: 3\n  timeout: 30\n  tags: [a, b]\n");
    for i in 0..2_000 {
        text.push_str(&format!(
            "service{i}:\n  settings: *defaults\n  name: s{i}\n"
        ));
    }
    let file = home.path().join("aliases.yaml");
    std::fs::write(&file, &text).unwrap();
    let enc = run(veil(home.path())
        .args(["encrypt", "--age", &public])
        .arg(&file));
    assert!(enc.status.success(), "{}", stderr(&enc));
    std::fs::write(&file, &enc.stdout).unwrap();
    let dec = run(veil(home.path())
        .env("SOPS_AGE_KEY_FILE", &key)
        .arg("decrypt")
        .arg(&file));
    assert!(dec.status.success(), "{}", stderr(&dec));
    assert_eq!(String::from_utf8(dec.stdout).unwrap(), text);
}

/// Every file of `testdata/hostile/cases` (see its generate.py) is refused with the exit code
/// that `MANIFEST` gives, cleanly.
#[test]
fn hostile_corpus_is_rejected_cleanly() {
    let root = testdata().join("hostile");
    let manifest = std::fs::read_to_string(root.join("MANIFEST")).unwrap();
    let cases: Vec<(i32, String, PathBuf)> = manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut f = l.split('\t');
            let code = f.next().unwrap().parse().expect("a recorded exit code");
            let command = f.next().unwrap().to_string();
            let file = root.join("cases").join(f.next().unwrap());
            (code, command, file)
        })
        .collect();
    assert!(cases.len() >= 300, "only {} cases", cases.len());
    let listed: std::collections::HashSet<&Path> = cases.iter().map(|c| c.2.as_path()).collect();
    for entry in std::fs::read_dir(root.join("cases")).unwrap() {
        let p = entry.unwrap().path();
        assert!(
            listed.contains(p.as_path()),
            "{} is not in MANIFEST",
            p.display()
        );
    }
    let (key, public) = demo_key(1);
    let chunks: Vec<&[(i32, String, PathBuf)]> = cases.chunks(cases.len().div_ceil(4)).collect();
    std::thread::scope(|s| {
        for chunk in chunks {
            let (key, public) = (&key, &public);
            s.spawn(move || {
                let home = tempfile::tempdir().unwrap();
                for (code, command, file) in chunk {
                    let mut cmd = veil(home.path());
                    cmd.env("SOPS_AGE_KEY_FILE", key).arg(command);
                    if command == "encrypt" {
                        cmd.args(["--age", public]);
                    }
                    let out = run(cmd.arg(file));
                    let name = file.file_name().unwrap().to_string_lossy();
                    assert_clean_failure(&out, *code, &format!("veil {command} {name}"));
                    assert!(
                        stderr(&out).contains(name.as_ref()),
                        "{name}: the error does not name the file: {}",
                        stderr(&out)
                    );
                    assert!(
                        !stderr(&out).contains("example-value"),
                        "{name}: a value in the error"
                    );
                    assert!(temp_files(home.path()).is_empty(), "{name}: temporary file");
                }
            });
        }
    });
}

/// Finding 10: what sops refuses, veil refuses too, each with its documented exit code.
#[test]
fn lenient_inputs_are_refused() {
    let home = tempfile::tempdir().unwrap();
    let (key, public) = demo_key(1);
    let write = |name: &str, text: &str| {
        let p = home.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let encrypt = |p: &Path| run(veil(home.path()).args(["encrypt", "--age", &public]).arg(p));
    let decrypt = |p: &Path| {
        run(veil(home.path())
            .env("SOPS_AGE_KEY_FILE", &key)
            .arg("decrypt")
            .arg(p))
    };
    // Whitespace is no document (as an empty file).
    for name in ["ws.yaml", "ws.toml", "ws.json", "ws.env", "ws.ini"] {
        let p = write(name, " \n\t\n  \n");
        assert_clean_failure(&encrypt(&p), 92, name);
    }
    // YAML other than 1.1 and 1.2.
    let p = write("v2.yaml", "%YAML 2.0\n---\na: 1\n");
    let out = encrypt(&p);
    assert_clean_failure(&out, 2, "%YAML 2.0");
    assert!(stderr(&out).contains("line 1"), "{}", stderr(&out));
    let p = write("v12.yaml", "%YAML 1.2\n---\na: 1\n");
    assert!(encrypt(&p).status.success());
    // A tab in the indentation (found by fuzzing: veil wrote a file it could not read back).
    let p = write("tab.yaml", "\ts:\n");
    let out = encrypt(&p);
    assert_clean_failure(&out, 2, "tab indentation");
    assert!(stderr(&out).contains("tab"), "{}", stderr(&out));
    // A lone CR (found by fuzzing: it ended a comment for saphyr, not for veil's comment
    // finder, which took the next key for part of the comment).
    let p = write("cr.yaml", "# Sg: x\rJpaths:\r\n  l\n");
    let out = encrypt(&p);
    assert_clean_failure(&out, 2, "lone CR");
    assert!(stderr(&out).contains("carriage return"), "{}", stderr(&out));
    // A byte order mark and whitespace are no document either.
    for name in ["bom.yaml", "bom.json", "bom.toml", "bom.env", "bom.ini"] {
        let p = write(name, "\u{feff}\n");
        let out = encrypt(&p);
        assert_clean_failure(&out, 92, name);
        assert!(stderr(&out).contains("only whitespace"), "{}", stderr(&out));
    }
    // A document that is null (found by fuzzing: veil kept `NULL` before the metadata).
    for text in ["NULL", "~\n", "null\n"] {
        let p = write("null.yaml", text);
        assert_clean_failure(&encrypt(&p), 2, "a null document");
    }
    // Properties on their own line over an indented root mapping (found by fuzzing: the
    // metadata went to column 0).
    let p = write("props.yaml", "!!map\n  a: 1\n");
    let enc = encrypt(&p);
    assert!(enc.status.success(), "{}", stderr(&enc));
    let p = write("props.enc.yaml", std::str::from_utf8(&enc.stdout).unwrap());
    let dec = decrypt(&p);
    assert!(dec.status.success(), "{}", stderr(&dec));
    assert_eq!(dec.stdout, b"!!map\n  a: 1\n");
    // The same for a line holding only a tab, or tabs before a comment.
    for text in ["\t\n  a: 1\n", "\t\t #c\n  a: 1\n", " \t# c\r\n  a: 1\r\n"] {
        let p = write("tabline.yaml", text);
        let enc = encrypt(&p);
        assert!(enc.status.success(), "{text:?}: {}", stderr(&enc));
        let p = write(
            "tabline.enc.yaml",
            std::str::from_utf8(&enc.stdout).unwrap(),
        );
        let dec = decrypt(&p);
        assert!(dec.status.success(), "{text:?}: {}", stderr(&dec));
        assert_eq!(dec.stdout, text.as_bytes());
    }
    // A key that starts with `...` or `---` (found by fuzzing: taken for a document marker,
    // the metadata went to the column of the next line).
    for text in ["---\n...k:\n    b: 1\n", "---k:\n  b: 1\n"] {
        let p = write("dots.yaml", text);
        let enc = encrypt(&p);
        assert!(enc.status.success(), "{text:?}: {}", stderr(&enc));
        let p = write("dots.enc.yaml", std::str::from_utf8(&enc.stdout).unwrap());
        let dec = decrypt(&p);
        assert!(dec.status.success(), "{text:?}: {}", stderr(&dec));
        assert_eq!(dec.stdout, text.as_bytes());
    }
    // Tabs alone after ':' and control characters (found by fuzzing: saphyr read them, and
    // the encrypted value after the tabs made a file it refused).
    for text in ["b:\t\t====\n", "b:\t\u{2}\n", "a: x\u{1b}y\n"] {
        let p = write("tabs.yaml", text);
        assert_clean_failure(&encrypt(&p), 2, &format!("{text:?}"));
    }
    // Block scalars whose text starts with `&` or `!` (found by fuzzing: taken for node
    // properties, the header was lost on encryption, or the text changed silently).
    for text in [
        "k: |\n  & x\n",
        "k: >\n  ! y\n",
        "k: |\n  &x\nj: |-\n  !!str z\n",
    ] {
        let p = write("block.yaml", text);
        let enc = encrypt(&p);
        assert!(enc.status.success(), "{}", stderr(&enc));
        let p = write("block.enc.yaml", std::str::from_utf8(&enc.stdout).unwrap());
        let dec = decrypt(&p);
        assert!(dec.status.success(), "{text:?}: {}", stderr(&dec));
        assert_eq!(String::from_utf8(dec.stdout).unwrap(), text);
    }
    // An anchor glued to a flow collection (found by fuzzing: saphyr reads `&a[x]` as the
    // anchor `a` on `[x]`, veil then wrote the ciphertext unquoted into the brackets).
    let p = write("glued.yaml", "a: &x[pt]\nb: *x\n");
    let out = encrypt(&p);
    assert_clean_failure(&out, 2, "anchor glued to a flow sequence");
    assert!(stderr(&out).contains("anchor or tag"), "{}", stderr(&out));

    // A second metadata block, and a mac_only_encrypted that is not a boolean.
    let p = write("app.yaml", "token: example-value\n");
    let enc = String::from_utf8(encrypt(&p).stdout).unwrap();
    let block = &enc[enc.find("sops:").unwrap()..];
    let p = write("twice.yaml", &format!("{enc}{block}"));
    let out = decrypt(&p);
    assert_clean_failure(&out, 2, "second sops block");
    assert!(stderr(&out).contains("sops"), "{}", stderr(&out));
    let version = enc
        .lines()
        .find(|l| l.trim_start().starts_with("version:"))
        .unwrap();
    let indent = &version[..version.len() - version.trim_start().len()];
    let p = write(
        "banana.yaml",
        &enc.replace(
            version,
            &format!("{indent}mac_only_encrypted: banana\n{version}"),
        ),
    );
    let out = decrypt(&p);
    assert_clean_failure(&out, 1, "mac_only_encrypted: banana");
    assert!(stderr(&out).contains("mac_only_encrypted"));

    // An encrypted TOML comment that does not open is an error, never printed as a comment.
    let p = write("c.toml", "# a comment\nkey = \"example-value\"\n");
    let enc = String::from_utf8(encrypt(&p).stdout).unwrap();
    let at = enc.find("#ENC[AES256_GCM,data:").unwrap() + "#ENC[AES256_GCM,data:".len();
    for (what, bad) in [
        ("flipped", {
            let mut b = enc.clone();
            let c = if &enc[at..=at] == "A" { "B" } else { "A" };
            b.replace_range(at..=at, c);
            b
        }),
        ("cut", enc.replacen(",type:comment]", ",type:comment", 1)),
        ("emptied", {
            let end = enc[at..].find(',').unwrap() + at;
            format!("{}{}", &enc[..at], &enc[end..])
        }),
    ] {
        let p = write("bad.toml", &bad);
        assert_clean_failure(&decrypt(&p), 25, &format!("{what} TOML comment"));
    }
}
