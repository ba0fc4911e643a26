//! veil's whole-document authenticator (issue 11, docs/format.md §9.6): each attack an attacker
//! with write access (and no key) can make without breaking the sops MAC, in every format where
//! it applies, is rejected by `decrypt` and `exec-env` with the MAC-mismatch exit code; sops still
//! accepts the attacked file (so the attack is real); files sops writes decrypt with one notice;
//! `sops set` on a veil file gives a notice, and the next veil write restores the authenticator;
//! `veil check` flags rollbacks.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

/// exit code of a MAC mismatch
const MAC: i32 = 51;

struct Home {
    dir: tempfile::TempDir,
    recipient: String,
    key_file: PathBuf,
}

fn home() -> Home {
    let dir = tempfile::tempdir().unwrap();
    let (key_file, recipient) = demo_key(1);
    Home {
        dir,
        recipient,
        key_file,
    }
}

impl Home {
    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn veil(&self, args: &[&str]) -> Output {
        run(veil(self.path())
            .env("SOPS_AGE_KEY_FILE", &self.key_file)
            .args(args))
    }

    fn sops(&self, args: &[&str]) -> Output {
        run(sops_cmd(self.path())
            .env("SOPS_AGE_KEY_FILE", &self.key_file)
            .args(args))
    }

    /// Encrypts `plain` as `name` with veil (extra arguments: the selection rule) and returns
    /// the encrypted text.
    fn encrypt(&self, name: &str, plain: &str, extra: &[&str]) -> String {
        let p = self.path().join(name);
        std::fs::write(&p, plain).unwrap();
        let mut args = vec!["encrypt", "-i", "--age", &self.recipient];
        args.extend_from_slice(extra);
        let p_s = p.to_string_lossy().into_owned();
        args.push(&p_s);
        let out = self.veil(&args);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        std::fs::read_to_string(&p).unwrap()
    }
}

/// One attack: a text change of the encrypted file that keeps the sops MAC valid.
struct Attack {
    class: &'static str,
    name: &'static str,
    plain: &'static str,
    rule: &'static [&'static str],
    change: fn(&str) -> String,
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not in\n{text}");
    text.replacen(from, to, 1)
}

/// The first line containing `needle`, written twice.
fn duplicate_line(text: &str, needle: &str) -> String {
    let mut out = Vec::new();
    let mut done = false;
    for l in text.split('\n') {
        out.push(l.to_string());
        if !done && l.contains(needle) {
            out.push(l.to_string());
            done = true;
        }
    }
    assert!(done, "{needle:?} not found");
    out.join("\n")
}

fn delete_line(text: &str, needle: &str) -> String {
    let i = text.find(needle).unwrap();
    let start = text[..i].rfind('\n').map_or(0, |p| p + 1);
    let end = text[i..].find('\n').map_or(text.len(), |p| i + p + 1);
    format!("{}{}", &text[..start], &text[end..])
}

/// A date seven years ahead in `veil_datakey_created` (the value is the same in every store).
fn future_key(text: &str) -> String {
    let at = text.find("veil_datakey_created").unwrap();
    let digits = at + text[at..].find(|c: char| c.is_ascii_digit()).unwrap();
    let year: i32 = text[digits..digits + 4].parse().unwrap();
    format!("{}{}{}", &text[..digits], year + 7, &text[digits + 4..])
}

const SUFFIX: &[&str] = &[];
const ONLY_SECRETS: &[&str] = &["--encrypted-regex", "^(password|PASSWORD|secret)$"];
const MAC_ONLY: &[&str] = &[
    "--encrypted-regex",
    "^(password|PASSWORD)$",
    "--mac-only-encrypted",
];

fn attacks() -> Vec<Attack> {
    vec![
        // Renaming a key whose value is in clear text.
        Attack {
            class: "rename-plain-key",
            name: "a.env",
            plain: "PASSWORD=hunter2\nAPI_HOST=db.internal\n",
            rule: ONLY_SECRETS,
            change: |t| replace_once(t, "API_HOST=", "HTTPS_PROXY="),
        },
        Attack {
            class: "rename-plain-key",
            name: "a.yaml",
            plain: "password: hunter2\nhost: db.internal\n",
            rule: ONLY_SECRETS,
            change: |t| replace_once(t, "host: db.internal", "proxy: db.internal"),
        },
        Attack {
            class: "rename-plain-key",
            name: "a.json",
            plain: "{\n  \"password\": \"hunter2\",\n  \"host\": \"db.internal\"\n}\n",
            rule: ONLY_SECRETS,
            change: |t| replace_once(t, "\"host\":", "\"proxy\":"),
        },
        Attack {
            class: "rename-plain-key",
            name: "a.toml",
            plain: "password = \"hunter2\"\nhost = \"db.internal\"\n",
            rule: ONLY_SECRETS,
            change: |t| replace_once(t, "host = ", "proxy = "),
        },
        Attack {
            class: "rename-plain-key",
            name: "a.ini",
            plain: "[db]\npassword = hunter2\nhost = db.internal\n",
            rule: ONLY_SECRETS,
            change: |t| replace_once(t, "host = db", "proxy = db"),
        },
        // Adding a key whose value is empty or null (not in the sops MAC).
        Attack {
            class: "add-empty-key",
            name: "b.env",
            plain: "PASSWORD=hunter2\n",
            rule: SUFFIX,
            change: |t| format!("LD_PRELOAD=\n{t}"),
        },
        Attack {
            class: "add-empty-key",
            name: "b.yaml",
            plain: "password: hunter2\n",
            rule: SUFFIX,
            change: |t| format!("debug: null\nproxy: \"\"\n{t}"),
        },
        Attack {
            class: "add-empty-key",
            name: "b.json",
            plain: "{\n  \"password\": \"hunter2\"\n}\n",
            rule: SUFFIX,
            change: |t| replace_once(t, "{\n", "{\n  \"debug\": null,\n"),
        },
        Attack {
            class: "add-empty-key",
            name: "b.toml",
            plain: "password = \"hunter2\"\n",
            rule: SUFFIX,
            change: |t| format!("proxy = \"\"\n{t}"),
        },
        Attack {
            class: "add-empty-key",
            name: "b.ini",
            plain: "[db]\npassword = hunter2\n",
            rule: SUFFIX,
            change: |t| replace_once(t, "[db]\n", "[db]\nproxy =\n"),
        },
        // Shifting text between adjacent clear values (the MAC has no separators).
        Attack {
            class: "shift-plain-text",
            name: "c.env",
            plain: "PASSWORD=hunter2\nHOST_unencrypted=db.internal\nUSER_unencrypted=admin\n",
            rule: SUFFIX,
            change: |t| {
                replace_once(
                    &replace_once(t, "=db.internal\n", "=db.internala\n"),
                    "=admin",
                    "=dmin",
                )
            },
        },
        Attack {
            class: "shift-plain-text",
            name: "c.yaml",
            plain: "password: hunter2\nhost_unencrypted: db.internal\nuser_unencrypted: admin\n",
            rule: SUFFIX,
            change: |t| {
                replace_once(
                    &replace_once(t, "db.internal\n", "db.internala\n"),
                    ": admin",
                    ": dmin",
                )
            },
        },
        Attack {
            class: "shift-plain-text",
            name: "c.json",
            plain: "{\"password\": \"hunter2\", \"host_unencrypted\": \"db.internal\", \"user_unencrypted\": \"admin\"}\n",
            rule: SUFFIX,
            change: |t| {
                replace_once(
                    &replace_once(t, "\"db.internal\"", "\"db.internala\""),
                    "\"admin\"",
                    "\"dmin\"",
                )
            },
        },
        Attack {
            class: "shift-plain-text",
            name: "c.toml",
            plain: "password = \"hunter2\"\nhost_unencrypted = \"db.internal\"\nuser_unencrypted = \"admin\"\n",
            rule: SUFFIX,
            change: |t| {
                replace_once(
                    &replace_once(t, "\"db.internal\"", "\"db.internala\""),
                    "\"admin\"",
                    "\"dmin\"",
                )
            },
        },
        Attack {
            class: "shift-plain-text",
            name: "c.ini",
            plain: "[db]\npassword = hunter2\nhost_unencrypted = db.internal\nuser_unencrypted = admin\n",
            rule: SUFFIX,
            change: |t| {
                replace_once(
                    &replace_once(t, "= db.internal\n", "= db.internala\n"),
                    "= admin",
                    "= dmin",
                )
            },
        },
        // Splitting one clear value into an injected `_unencrypted` key.
        Attack {
            class: "inject-unencrypted-key",
            name: "d.env",
            plain: "PASSWORD=hunter2\nPATH_unencrypted=/usr/bin/evil.so\n",
            rule: SUFFIX,
            change: |t| {
                replace_once(
                    t,
                    "PATH_unencrypted=/usr/bin/evil.so",
                    "PATH_unencrypted=/usr/bin\nLD_PRELOAD_unencrypted=/evil.so",
                )
            },
        },
        Attack {
            class: "inject-unencrypted-key",
            name: "d.yaml",
            plain: "password: hunter2\npath_unencrypted: /usr/bin/evil.so\n",
            rule: SUFFIX,
            change: |t| {
                replace_once(
                    t,
                    "path_unencrypted: /usr/bin/evil.so",
                    "path_unencrypted: /usr/bin\nLD_PRELOAD_unencrypted: /evil.so",
                )
            },
        },
        Attack {
            class: "inject-unencrypted-key",
            name: "d.ini",
            plain: "[env]\npassword = hunter2\npath_unencrypted = /usr/bin/evil.so\n",
            rule: SUFFIX,
            change: |t| {
                replace_once(
                    t,
                    "path_unencrypted = /usr/bin/evil.so",
                    "path_unencrypted = /usr/bin\nLD_PRELOAD_unencrypted = /evil.so",
                )
            },
        },
        // Changing an encrypted value's `type:` (the type is not authenticated by GCM).
        Attack {
            class: "enc-type",
            name: "e.yaml",
            plain: "password: hunter2\nenabled: true\nport: 5432\n",
            rule: SUFFIX,
            change: |t| {
                replace_once(
                    &replace_once(t, "type:bool]", "type:str]"),
                    "type:int]",
                    "type:str]",
                )
            },
        },
        Attack {
            class: "enc-type",
            name: "e.json",
            plain: "{\"password\": \"hunter2\", \"enabled\": true, \"port\": 5432}\n",
            rule: SUFFIX,
            change: |t| {
                replace_once(
                    &replace_once(t, "type:bool]", "type:str]"),
                    "type:int]",
                    "type:str]",
                )
            },
        },
        Attack {
            class: "enc-type",
            name: "e.toml",
            plain: "password = \"hunter2\"\nenabled = true\nport = 5432\n",
            rule: SUFFIX,
            change: |t| {
                replace_once(
                    &replace_once(t, "type:bool]", "type:str]"),
                    "type:int]",
                    "type:str]",
                )
            },
        },
        // Moving an encrypted value to another item of the same list (same path, same order).
        Attack {
            class: "move-between-items",
            name: "f.yaml",
            plain: "users:\n  - name: alice\n    password: one\n  - name: bob\n",
            rule: SUFFIX,
            change: |t| {
                let t = replace_once(t, "\n    password: ENC", "\n  - password: ENC");
                let second = t.match_indices("\n  - name: ENC").nth(1).unwrap().0;
                format!(
                    "{}\n    name: ENC{}",
                    &t[..second],
                    &t[second + "\n  - name: ENC".len()..]
                )
            },
        },
        Attack {
            class: "move-between-items",
            name: "f.json",
            plain: "{\"users\": [\n  {\"name\": \"alice\",\n   \"password\": \"one\"},\n  {\"name\": \"bob\"}\n]}\n",
            rule: SUFFIX,
            change: |t| {
                let t = replace_once(t, ",\n   \"password\"", "},\n  {\"password\"");
                replace_once(&t, "},\n  {\"name\": \"ENC", ",\n   \"name\": \"ENC")
            },
        },
        Attack {
            class: "move-between-items",
            name: "f.toml",
            plain: "[[users]]\nname = \"alice\"\npassword = \"one\"\n\n[[users]]\nname = \"bob\"\n",
            rule: SUFFIX,
            change: |t| {
                let line = t
                    .lines()
                    .find(|l| l.starts_with("password = "))
                    .unwrap()
                    .to_string();
                let t = delete_line(t, &line);
                let second = t.match_indices("[[users]]\n").nth(1).unwrap().0 + "[[users]]\n".len();
                format!("{}{line}\n{}", &t[..second], &t[second..])
            },
        },
        // Moving an encrypted value to another YAML document.
        Attack {
            class: "move-between-documents",
            name: "g.yaml",
            plain: "a: one\nb: two\n---\nc: three\n",
            rule: SUFFIX,
            change: |t| {
                let b = t
                    .lines()
                    .find(|l| l.starts_with("b: "))
                    .unwrap()
                    .to_string();
                let t = delete_line(t, &b);
                replace_once(&t, "\n---\n", &format!("\n---\n{b}\n"))
            },
        },
        // Deleting or duplicating an encrypted comment.
        Attack {
            class: "comment-deleted",
            name: "h.yaml",
            plain: "# rotate me before 2025\npassword: hunter2\n",
            rule: SUFFIX,
            change: |t| delete_line(t, "#ENC["),
        },
        Attack {
            class: "comment-duplicated",
            name: "h2.yaml",
            plain: "# rotate me before 2025\npassword: hunter2\n",
            rule: SUFFIX,
            change: |t| duplicate_line(t, "#ENC["),
        },
        Attack {
            class: "comment-deleted",
            name: "h.env",
            plain: "# rotate me\nPASSWORD=hunter2\n",
            rule: SUFFIX,
            change: |t| delete_line(t, "#ENC["),
        },
        Attack {
            class: "comment-duplicated",
            name: "h.toml",
            plain: "# rotate me\npassword = \"hunter2\"\n",
            rule: SUFFIX,
            change: |t| duplicate_line(t, "#ENC["),
        },
        Attack {
            class: "comment-deleted",
            name: "h.ini",
            plain: "[db]\n; rotate me\npassword = hunter2\n",
            rule: SUFFIX,
            change: |t| delete_line(t, "; ENC["),
        },
        // Any clear change in a mac_only_encrypted file.
        Attack {
            class: "mac-only-encrypted",
            name: "i.yaml",
            plain: "password: hunter2\nhost: db.internal\n",
            rule: MAC_ONLY,
            change: |t| replace_once(t, "db.internal", "evil.example"),
        },
        Attack {
            class: "mac-only-encrypted",
            name: "i.json",
            plain: "{\"password\": \"hunter2\", \"host\": \"db.internal\"}\n",
            rule: MAC_ONLY,
            change: |t| replace_once(t, "db.internal", "evil.example"),
        },
        Attack {
            class: "mac-only-encrypted",
            name: "i.env",
            plain: "PASSWORD=hunter2\nHOST=db.internal\n",
            rule: MAC_ONLY,
            change: |t| replace_once(t, "db.internal", "evil.example"),
        },
        Attack {
            class: "mac-only-encrypted",
            name: "i.toml",
            plain: "password = \"hunter2\"\nhost = \"db.internal\"\n",
            rule: MAC_ONLY,
            change: |t| replace_once(t, "db.internal", "evil.example"),
        },
        Attack {
            class: "mac-only-encrypted",
            name: "i.ini",
            plain: "[db]\npassword = hunter2\nhost = db.internal\n",
            rule: MAC_ONLY,
            change: |t| replace_once(t, "db.internal", "evil.example"),
        },
        // veil's own metadata: a data key from the future passes `check --max-age`.
        Attack {
            class: "future-datakey-created",
            name: "j.yaml",
            plain: "password: hunter2\n",
            rule: SUFFIX,
            change: future_key,
        },
        Attack {
            class: "future-datakey-created",
            name: "j.json",
            plain: "{\"password\": \"hunter2\"}\n",
            rule: SUFFIX,
            change: future_key,
        },
        Attack {
            class: "future-datakey-created",
            name: "j.env",
            plain: "PASSWORD=hunter2\n",
            rule: SUFFIX,
            change: future_key,
        },
        Attack {
            class: "future-datakey-created",
            name: "j.toml",
            plain: "password = \"hunter2\"\n",
            rule: SUFFIX,
            change: future_key,
        },
        Attack {
            class: "future-datakey-created",
            name: "j.ini",
            plain: "[db]\npassword = hunter2\n",
            rule: SUFFIX,
            change: future_key,
        },
        Attack {
            class: "future-datakey-created",
            name: "j.bin",
            plain: "binary secret\n",
            rule: SUFFIX,
            change: future_key,
        },
        // The authenticator removed, with a structural change.
        Attack {
            class: "authenticator-removed",
            name: "k.yaml",
            plain: "password: hunter2\nhost_unencrypted: db.internal\n",
            rule: SUFFIX,
            change: |t| {
                let t = delete_line(t, "veil_auth");
                replace_once(&t, "host_unencrypted:", "proxy_unencrypted:")
            },
        },
        Attack {
            class: "authenticator-removed",
            name: "k.env",
            plain: "PASSWORD=hunter2\n",
            rule: SUFFIX,
            change: |t| format!("EXTRA=\n{}", delete_line(t, "veil_auth")),
        },
    ]
}

fn sops_type(name: &str) -> Option<&'static str> {
    match name.rsplit('.').next().unwrap() {
        "yaml" => Some("yaml"),
        "json" => Some("json"),
        "env" => Some("dotenv"),
        "ini" => Some("ini"),
        "bin" => Some("json"),
        _ => None,
    }
}

#[test]
fn every_attack_fails_closed_in_decrypt_and_exec_env() {
    let h = home();
    let mut failures = Vec::new();
    for a in attacks() {
        let label = format!("{} ({})", a.class, a.name);
        let enc = h.encrypt(a.name, a.plain, a.rule);
        assert!(
            enc.contains("veil_auth"),
            "{label}: no authenticator written"
        );
        let file = h.path().join(a.name);
        let f = file.to_string_lossy().into_owned();
        let clean = h.veil(&["decrypt", &f]);
        assert!(clean.status.success(), "{label}: {}", stderr(&clean));
        assert!(
            !stderr(&clean).contains("notice"),
            "{label}: {}",
            stderr(&clean)
        );
        let attacked = (a.change)(&enc);
        assert_ne!(attacked, enc, "{label}: the attack changed nothing");
        std::fs::write(&file, &attacked).unwrap();
        // The attack is real: sops accepts the file (its MAC still matches).
        if let Some(t) = sops_type(a.name) {
            let s = h.sops(&["decrypt", "--input-type", t, "--output-type", t, &f]);
            if !s.status.success() {
                failures.push(format!("{label}: sops rejects the attack: {}", stderr(&s)));
            }
        }
        let ignored = h.veil(&["decrypt", "--ignore-mac", &f]);
        if !ignored.status.success() {
            failures.push(format!(
                "{label}: not readable with --ignore-mac: {}",
                stderr(&ignored)
            ));
        }
        let dec = h.veil(&["decrypt", &f]);
        if dec.status.code() != Some(MAC) || !stderr(&dec).contains("structure changed") {
            failures.push(format!(
                "{label}: decrypt exit {:?}: {}",
                dec.status.code(),
                stderr(&dec)
            ));
        }
        if !dec.stdout.is_empty() {
            failures.push(format!("{label}: decrypt printed something"));
        }
        if !a.name.ends_with(".bin") {
            let exec = h.veil(&["exec-env", &f, "--", "true"]);
            if exec.status.code() != Some(MAC) {
                failures.push(format!(
                    "{label}: exec-env exit {:?}: {}",
                    exec.status.code(),
                    stderr(&exec)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn sops_written_files_decrypt_with_one_notice_unless_required() {
    let h = home();
    for (name, plain, t, added) in [
        (
            "s.yaml",
            "password: hunter2\n# note\nport: 5432\n",
            "yaml",
            "[\"added\"]",
        ),
        (
            "s.json",
            "{\"password\": \"hunter2\"}\n",
            "json",
            "[\"added\"]",
        ),
        ("s.env", "PASSWORD=hunter2\n", "dotenv", "[\"ADDED\"]"),
        (
            "s.ini",
            "[db]\npassword = hunter2\n",
            "ini",
            "[\"db\"][\"added\"]",
        ),
    ] {
        let p = h.path().join(name);
        std::fs::write(&p, plain).unwrap();
        let f = p.to_string_lossy().into_owned();
        let enc = h.sops(&[
            "encrypt",
            "-i",
            "--input-type",
            t,
            "--output-type",
            t,
            "--age",
            &h.recipient,
            &f,
        ]);
        assert!(enc.status.success(), "{name}: {}", stderr(&enc));
        let dec = h.veil(&["decrypt", &f]);
        assert!(dec.status.success(), "{name}: {}", stderr(&dec));
        assert_eq!(
            stderr(&dec).matches("notice").count(),
            1,
            "{name}: {}",
            stderr(&dec)
        );
        assert!(stderr(&dec).contains("no veil authenticator"), "{name}");
        if t != "ini" {
            let exec = h.veil(&["exec-env", &f, "--", "true"]);
            assert!(exec.status.success(), "{name}: {}", stderr(&exec));
            assert_eq!(stderr(&exec).matches("notice").count(), 1, "{name}");
        }
        let req = h.veil(&["--require-authenticator", "decrypt", &f]);
        assert_eq!(req.status.code(), Some(MAC), "{name}: {}", stderr(&req));
        assert!(req.stdout.is_empty());
        // The .sops.yaml setting does the same.
        std::fs::write(
            h.path().join(".sops.yaml"),
            "veil:\n  require_authenticator: true\n",
        )
        .unwrap();
        let req = h.veil(&["decrypt", &f]);
        std::fs::remove_file(h.path().join(".sops.yaml")).unwrap();
        assert_eq!(req.status.code(), Some(MAC), "{name}: {}", stderr(&req));
        // A veil write adds the authenticator; the file then reads without notice.
        let set = h.veil(&["set", &f, added, "\"x\""]);
        assert!(set.status.success(), "{name}: {}", stderr(&set));
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("veil_auth"), "{name}");
        let dec = h.veil(&["decrypt", &f]);
        assert!(dec.status.success(), "{name}: {}", stderr(&dec));
        assert!(!stderr(&dec).contains("notice"), "{name}: {}", stderr(&dec));
        let s = h.sops(&["decrypt", "--input-type", t, "--output-type", t, &f]);
        assert!(s.status.success(), "{name}: sops: {}", stderr(&s));
    }
}

/// Acceptance 2: `sops set` on a veil file, then veil decrypt: a notice, not a failure; the next
/// veil write restores the authenticator.
#[test]
fn sops_set_on_a_veil_file_gives_a_notice_and_veil_restores_the_authenticator() {
    let h = home();
    for (name, plain, t, path) in [
        (
            "t.yaml",
            "password: hunter2\nport: 5432\n",
            "yaml",
            "[\"port\"]",
        ),
        (
            "t.json",
            "{\"password\": \"hunter2\", \"port\": 5432}\n",
            "json",
            "[\"port\"]",
        ),
        (
            "t.env",
            "PASSWORD=hunter2\nPORT=5432\n",
            "dotenv",
            "[\"PORT\"]",
        ),
        (
            "t.ini",
            "[db]\npassword = hunter2\nport = 5432\n",
            "ini",
            "[\"db\"][\"port\"]",
        ),
    ] {
        h.encrypt(name, plain, SUFFIX);
        let f = h.path().join(name).to_string_lossy().into_owned();
        let s = h.sops(&[
            "set",
            "--input-type",
            t,
            "--output-type",
            t,
            &f,
            path,
            "\"6543\"",
        ]);
        assert!(s.status.success(), "{name}: {}", stderr(&s));
        let dec = h.veil(&["decrypt", &f]);
        assert!(dec.status.success(), "{name}: {}", stderr(&dec));
        assert!(
            String::from_utf8_lossy(&dec.stdout).contains("6543"),
            "{name}"
        );
        assert_eq!(
            stderr(&dec).matches("notice").count(),
            1,
            "{name}: {}",
            stderr(&dec)
        );
        let req = h.veil(&["--require-authenticator", "decrypt", &f]);
        assert_eq!(req.status.code(), Some(MAC), "{name}");
        let set = h.veil(&["set", &f, path, "\"7654\""]);
        assert!(set.status.success(), "{name}: {}", stderr(&set));
        let dec = h.veil(&["--require-authenticator", "decrypt", &f]);
        assert!(dec.status.success(), "{name}: {}", stderr(&dec));
        assert!(!stderr(&dec).contains("notice"), "{name}");
        // And the restored authenticator protects again.
        let text = std::fs::read_to_string(&f).unwrap();
        std::fs::write(&f, format!("{text}\n")).unwrap();
        let dec = h.veil(&["decrypt", &f]);
        assert_eq!(dec.status.code(), Some(MAC), "{name}: {}", stderr(&dec));
    }
}

/// Every veil write keeps a valid authenticator: set, unset, rotate, updatekeys (adding a key)
/// and a no-op set that leaves the file byte-identical.
#[test]
fn every_veil_write_refreshes_the_authenticator() {
    let h = home();
    let (_, second) = demo_key(2);
    h.encrypt(
        "w.yaml",
        "password: hunter2\nport: 5432\nlist: [a, b]\n",
        SUFFIX,
    );
    let f = h.path().join("w.yaml").to_string_lossy().into_owned();
    let ok = |what: &str| {
        let dec = h.veil(&["--require-authenticator", "decrypt", &f]);
        assert!(dec.status.success(), "after {what}: {}", stderr(&dec));
        let s = h.sops(&["decrypt", &f]);
        assert!(s.status.success(), "after {what}, sops: {}", stderr(&s));
    };
    let before = std::fs::read(&f).unwrap();
    assert!(h.veil(&["set", &f, "[\"port\"]", "5432"]).status.success());
    assert_eq!(
        std::fs::read(&f).unwrap(),
        before,
        "a no-op set changed the file"
    );
    assert!(h.veil(&["set", &f, "[\"port\"]", "6543"]).status.success());
    ok("set");
    assert!(h.veil(&["unset", &f, "[\"list\"]"]).status.success());
    ok("unset");
    assert!(h.veil(&["rotate", "-i", &f]).status.success());
    ok("rotate");
    std::fs::write(
        h.path().join(".sops.yaml"),
        format!("creation_rules:\n  - age: {},{}\n", h.recipient, second),
    )
    .unwrap();
    let up = h.veil(&["updatekeys", "-y", &f]);
    assert!(up.status.success(), "{}", stderr(&up));
    assert!(std::fs::read_to_string(&f).unwrap().contains(&second));
    ok("updatekeys");
}

fn git(dir: &Path, args: &[&str]) {
    let out = run(std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir));
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

fn check_kinds(h: &Home) -> Vec<String> {
    let out = h.veil(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stdout)));
    report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            format!(
                "{} {}",
                v["path"].as_str().unwrap(),
                v["kind"].as_str().unwrap()
            )
        })
        .collect()
}

/// `veil check` (keyless) flags a `lastmodified` that goes backwards across git history and a
/// data key that comes back after it was rotated away; it lists files without an authenticator.
#[test]
fn check_flags_rollbacks_and_files_without_authenticator() {
    let h = home();
    let dir = h.path();
    git(dir, &["init", "-q"]);
    h.encrypt("r.yaml", "password: one\n", SUFFIX);
    let f = dir.join("r.yaml").to_string_lossy().into_owned();
    git(dir, &["add", "r.yaml"]);
    git(dir, &["commit", "-qm", "v1"]);
    let v1 = std::fs::read(&f).unwrap();
    assert!(check_kinds(&h).is_empty(), "{:?}", check_kinds(&h));
    // A later version (lastmodified has seconds precision).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert!(
        h.veil(&["set", &f, "[\"password\"]", "\"two\""])
            .status
            .success()
    );
    git(dir, &["commit", "-qam", "v2"]);
    assert!(check_kinds(&h).is_empty(), "{:?}", check_kinds(&h));
    // Rolled back to v1 (which decrypts: it is a genuine older file).
    std::fs::write(&f, &v1).unwrap();
    assert!(h.veil(&["decrypt", &f]).status.success());
    assert_eq!(check_kinds(&h), ["r.yaml rollback"]);
    // Rotated, committed, then the old key restored.
    git(dir, &["checkout", "-q", "r.yaml"]);
    assert!(h.veil(&["rotate", "-i", &f]).status.success());
    git(dir, &["commit", "-qam", "v3 rotated"]);
    assert!(check_kinds(&h).is_empty(), "{:?}", check_kinds(&h));
    std::fs::write(&f, &v1).unwrap();
    let kinds = check_kinds(&h);
    assert!(
        kinds.contains(&"r.yaml data-key-returned".to_string()),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"r.yaml rollback".to_string()), "{kinds:?}");
    git(dir, &["checkout", "-q", "r.yaml"]);

    // A sops-written file: listed (a notice), a violation when an authenticator is required.
    let p = dir.join("s.yaml");
    std::fs::write(&p, "password: x\n").unwrap();
    let s = h.sops(&["encrypt", "-i", "--age", &h.recipient, &p.to_string_lossy()]);
    assert!(s.status.success(), "{}", stderr(&s));
    let out = h.veil(&["check", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["notices"][0]["kind"], "no-authenticator");
    assert_eq!(report["notices"][0]["path"], "s.yaml");
    let out = h.veil(&["--require-authenticator", "check", "--format", "json"]);
    assert!(!out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["violations"][0]["kind"], "no-authenticator");
}
