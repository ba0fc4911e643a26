//! Key kinds veil keeps but cannot use (GCP KMS, Azure Key Vault, HashiCorp Vault transit,
//! HuaweiCloud KMS): nothing is silently dropped. A rule or flag naming one makes encrypt,
//! updatekeys and rotate refuse (exit 113) naming the kind; a file holding one keeps it byte
//! for byte through `set`, and decrypt says which kinds the file holds and which veil can use.

use crate::common;

use std::path::Path;

use common::*;

const PLAIN: &str = "password: hunter2-Vq9xZpL3\n";

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn rules_and_flags_naming_unusable_kinds_are_refused_by_name() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let (_, age) = demo_key(1);
    write(h, "plain.yaml", PLAIN);
    for (field, value) in [
        (
            "gcp_kms",
            "projects/p/locations/global/keyRings/r/cryptoKeys/k",
        ),
        ("azure_keyvault", "https://v.vault.azure.net/keys/k/0123"),
        (
            "hc_vault_transit_uri",
            "https://vault.test:8200/v1/transit/keys/k",
        ),
        ("hckms", "eu-west-101:0d3c5b7a-0000-0000-0000-000000000000"),
    ] {
        write(
            h,
            ".sops.yaml",
            &format!("creation_rules:\n  - age: {age}\n    {field}: {value}\n"),
        );
        let o = run(veil(h).arg("encrypt").arg(h.join("plain.yaml")));
        assert_eq!(o.status.code(), Some(113), "{field}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(field) && err.contains(value), "{field}: {err}");
        assert!(o.stdout.is_empty());
    }
    std::fs::remove_file(h.join(".sops.yaml")).unwrap();
    for flag in ["--gcp-kms", "--azure-kv", "--hc-vault-transit", "--hckms"] {
        let o = run(veil(h)
            .args(["encrypt", "--age", &age, flag, "some-key"])
            .arg(h.join("plain.yaml")));
        assert_eq!(o.status.code(), Some(113), "{flag}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(flag.trim_start_matches('-')),
            "{flag}: {}",
            stderr(&o)
        );
    }
}

/// A sops file with an age key and a GCP KMS key (added to its metadata: sops's MAC does not
/// cover the master keys). Written by the reference sops, as such a file would be: a file veil
/// wrote carries veil's authenticator, which does cover them.
fn file_with_gcp_key(h: &Path) -> std::path::PathBuf {
    let (_, age) = demo_key(1);
    write(h, "plain.yaml", PLAIN);
    let o = run(sops_cmd(h)
        .args(["encrypt", "--age", &age])
        .arg(h.join("plain.yaml")));
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let gcp = "    gcp_kms:\n        - resource_id: projects/p/locations/global/keyRings/r/cryptoKeys/k\n          created_at: \"2024-05-01T10:00:00Z\"\n          enc: CiQAbcdefGHIJ==\n";
    let text = text.replacen("    lastmodified:", &format!("{gcp}    lastmodified:"), 1);
    let f = h.join("f.yaml");
    std::fs::write(&f, text).unwrap();
    f
}

#[test]
fn files_holding_unusable_kinds() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let (keys, _) = demo_key(1);
    let f = file_with_gcp_key(h);
    // decrypt with the age key works; without it, the message names what the file holds
    let o = run(veil(h)
        .env("SOPS_AGE_KEY_FILE", &keys)
        .arg("decrypt")
        .arg(&f));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(veil(h).arg("decrypt").arg(&f));
    assert_eq!(o.status.code(), Some(128));
    let err = stderr(&o);
    assert!(
        err.contains("The file holds age, gcp_kms keys; veil can use age"),
        "{err}"
    );
    assert!(
        err.contains("gcp_kms: projects/p/locations/global/keyRings/r/cryptoKeys/k: not tried"),
        "{err}"
    );

    // set keeps the GCP entry byte for byte
    let entry = "        - resource_id: projects/p/locations/global/keyRings/r/cryptoKeys/k\n          created_at: \"2024-05-01T10:00:00Z\"\n          enc: CiQAbcdefGHIJ==\n";
    let o = run(veil(h).env("SOPS_AGE_KEY_FILE", &keys).args([
        "set",
        f.to_str().unwrap(),
        "[\"password\"]",
        "\"new-Vq9xZpL3\"",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.contains("gcp_kms:"), "{text}");
    let gcp_part = text.split("gcp_kms:\n").nth(1).unwrap();
    let norm = |s: &str| s.lines().map(str::trim).collect::<Vec<_>>().join("\n");
    assert!(norm(gcp_part).starts_with(&norm(entry)), "{text}");

    // rotate refuses (a new data key cannot be wrapped for it) unless it is removed
    let before = std::fs::read(&f).unwrap();
    let o = run(veil(h)
        .env("SOPS_AGE_KEY_FILE", &keys)
        .arg("rotate")
        .arg(&f));
    assert_eq!(o.status.code(), Some(113), "{}", stderr(&o));
    assert!(stderr(&o).contains("gcp_kms"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&f).unwrap(), before);
    // a dry run needs no key: it reads the metadata only
    let gcp = "projects/p/locations/global/keyRings/r/cryptoKeys/k";
    let o = run(veil(h)
        .args(["rotate", "--dry-run", "--rm-gcp-kms", gcp])
        .arg(&f));
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("would be rotated:"), "{err}");
    assert!(err.contains(&format!("- group 1: gcp_kms: {gcp}")), "{err}");
    assert_eq!(std::fs::read(&f).unwrap(), before);
    let o = run(veil(h)
        .env("SOPS_AGE_KEY_FILE", &keys)
        .args([
            "rotate",
            "--rm-gcp-kms",
            "projects/p/locations/global/keyRings/r/cryptoKeys/k",
        ])
        .arg(&f));
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(!text.contains("gcp_kms"), "{text}");
    let o = run(veil(h)
        .env("SOPS_AGE_KEY_FILE", &keys)
        .arg("decrypt")
        .arg(&f));
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn updatekeys_refuses_a_rule_with_an_unusable_kind() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let (keys, age) = demo_key(1);
    let (_, age2) = demo_key(2);
    let f = file_with_gcp_key(h);
    write(
        h,
        ".sops.yaml",
        &format!(
            "creation_rules:\n  - age: {age},{age2}\n    azure_keyvault: https://v.vault.azure.net/keys/k/1\n"
        ),
    );
    let before = std::fs::read(&f).unwrap();
    let o = run(veil(h)
        .env("SOPS_AGE_KEY_FILE", &keys)
        .args(["updatekeys", "-y"])
        .arg(&f));
    assert_eq!(o.status.code(), Some(113), "{}", stderr(&o));
    assert!(stderr(&o).contains("azure_keyvault"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&f).unwrap(), before);
}
