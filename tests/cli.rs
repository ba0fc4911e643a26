//! Command-line surface: completions are current, keygen and filestatus behave like their
//! sops/age counterparts.

use crate::common;

use common::*;

#[test]
fn completions_are_current() {
    let home = tempfile::tempdir().unwrap();
    for (shell, file) in [
        ("bash", "veil.bash"),
        ("zsh", "_veil"),
        ("fish", "veil.fish"),
        ("powershell", "_veil.ps1"),
        ("elvish", "veil.elv"),
    ] {
        let out = run(veil(home.path()).args(["completions", shell]));
        assert!(out.status.success());
        let committed = std::fs::read(repo().join("completions").join(file)).unwrap_or_default();
        assert!(
            out.stdout == committed,
            "completions/{file} is stale: run scripts/gen-completions.sh"
        );
    }
}

#[test]
fn man_pages_are_current() {
    let home = tempfile::tempdir().unwrap();
    let fresh = home.path().join("man");
    let out = run(veil(home.path()).arg("man").arg(&fresh));
    assert!(out.status.success(), "{}", stderr(&out));
    let names = |dir: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    let committed = repo().join("completions/man");
    assert_eq!(
        names(&fresh),
        names(&committed),
        "completions/man is stale: run scripts/gen-completions.sh"
    );
    assert!(names(&fresh).contains(&"veil.1".to_string()));
    for name in names(&fresh) {
        assert!(
            std::fs::read(fresh.join(&name)).unwrap()
                == std::fs::read(committed.join(&name)).unwrap(),
            "completions/man/{name} is stale: run scripts/gen-completions.sh"
        );
    }
}

#[test]
fn keygen_writes_a_private_identity_that_decrypts() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("key.txt");
    let out = run(veil(home.path()).args(["keygen", "-o"]).arg(&key));
    assert!(out.status.success(), "{}", stderr(&out));
    let public = stderr(&out)
        .trim()
        .strip_prefix("Public key: ")
        .expect("public key on stderr")
        .to_string();
    assert!(public.starts_with("age1"));
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let text = std::fs::read_to_string(&key).unwrap();
    assert!(text.contains(&format!("# public key: {public}")));
    // Not overwritten.
    assert!(
        !run(veil(home.path()).args(["keygen", "-o"]).arg(&key))
            .status
            .success()
    );
    // The key works end to end.
    let f = home.path().join("s.json");
    std::fs::write(&f, "{\"token\": \"abc\"}\n").unwrap();
    let enc = run(veil(home.path())
        .args(["encrypt", "-i", "--age", &public])
        .arg(&f));
    assert!(enc.status.success(), "{}", stderr(&enc));
    let dec = run(veil(home.path())
        .env("SOPS_AGE_KEY_FILE", &key)
        .arg("decrypt")
        .arg(&f));
    assert_eq!(
        String::from_utf8_lossy(&dec.stdout),
        "{\"token\": \"abc\"}\n"
    );
}

#[test]
fn filestatus_answers_like_sops() {
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("s.yaml");
    std::fs::write(&f, "a: b\n").unwrap();
    let out = run(veil(home.path()).arg("filestatus").arg(&f));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "{\"encrypted\":false}"
    );
    let sops_file = vectors().join("gen-yaml-types-comments/secrets.yaml");
    let out = run(veil(home.path()).arg("filestatus").arg(&sops_file));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "{\"encrypted\":true}"
    );
}

#[test]
fn demo_key_is_marked() {
    let text = std::fs::read_to_string(testdata().join("demo/demo-age-key.txt")).unwrap();
    assert!(
        text.lines().next().unwrap().contains("DEMO"),
        "the demo key must say it is a demo key"
    );
}
