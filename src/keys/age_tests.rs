//! Tests of the age key layer against the sops interoperability vectors and round trips.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;
use crate::crypto::shamir;
use crate::keys::identities::{Env, Identities};

/// The sops interoperability vectors of `testdata/`.
pub(crate) fn vectors_dir() -> PathBuf {
    PathBuf::from(crate::format::testkit::VECTORS)
}

struct Vector {
    dir: PathBuf,
    meta: serde_json::Value,
    text: String,
}

fn load_vector(name: &str) -> Vector {
    let dir = vectors_dir().join(name);
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("vector.json")).unwrap()).unwrap();
    let file = meta["file"].as_str().unwrap();
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    Vector { dir, meta, text }
}

/// Every armored age file in the sops metadata, whatever the store: JSON and flattened
/// dotenv/INI values carry escaped `\n`, YAML has indented literal blocks.
fn enc_blocks(text: &str) -> Vec<String> {
    let unescaped = text.replace("\\n", "\n");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in unescaped.lines() {
        let line = line.trim();
        if line.contains("-----BEGIN AGE ENCRYPTED FILE-----") {
            current = Some(String::from("-----BEGIN AGE ENCRYPTED FILE-----\n"));
        } else if line.contains("-----END AGE ENCRYPTED FILE-----") {
            if let Some(mut block) = current.take() {
                block.push_str("-----END AGE ENCRYPTED FILE-----\n");
                blocks.push(block);
            }
        } else if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
        }
    }
    blocks
}

/// An isolated environment (empty HOME) with the vector's identities in
/// `SOPS_AGE_KEY` (age) and `SOPS_AGE_SSH_PRIVATE_KEY_FILE` (ssh).
fn vector_identities(v: &Vector, home: &Path) -> Identities {
    let mut vars = vec![("HOME".to_string(), home.display().to_string())];
    let mut age_text = String::new();
    for key in v.meta["keys"].as_array().unwrap() {
        let path = v.dir.join(key["file"].as_str().unwrap());
        match key["type"].as_str().unwrap() {
            "age" => {
                age_text.push_str(&std::fs::read_to_string(&path).unwrap());
                age_text.push('\n');
            }
            "ssh" => vars.push((
                "SOPS_AGE_SSH_PRIVATE_KEY_FILE".to_string(),
                path.display().to_string(),
            )),
            other => panic!("unexpected key type {other}"),
        }
    }
    if !age_text.is_empty() {
        vars.push(("SOPS_AGE_KEY".to_string(), age_text));
    }
    Identities::discover(&Env::from_vars(vars)).unwrap()
}

fn data_key(v: &Vector) -> Vec<u8> {
    hex::decode(v.meta["data_key_hex"].as_str().unwrap()).unwrap()
}

/// Unwraps every age master key of the vector; returns the opened payloads.
fn open_all(v: &Vector) -> Vec<Zeroizing<Vec<u8>>> {
    let home = tempfile::tempdir().unwrap();
    let ids = vector_identities(v, home.path());
    let blocks = enc_blocks(&v.text);
    assert!(
        !blocks.is_empty(),
        "no age enc blocks found in {}",
        v.dir.display()
    );
    blocks
        .iter()
        .filter_map(|b| ids.unwrap("", b).expect("well-formed enc"))
        .collect()
}

/// Checks that the vector's data key is recovered (directly or through Shamir shares).
fn check_vector(name: &str) {
    let v = load_vector(name);
    let want = data_key(&v);
    let opened = open_all(&v);
    assert!(
        !opened.is_empty(),
        "{name}: no master key could be unwrapped"
    );
    let groups = v.meta["shamir"]["groups"].as_u64().unwrap_or(1);
    if groups > 1 {
        let threshold = v.meta["shamir"]["threshold"].as_u64().unwrap() as usize;
        let mut shares: Vec<Zeroizing<Vec<u8>>> = Vec::new();
        for s in opened {
            assert_eq!(s.len(), 33, "{name}: a share is 33 bytes");
            if !shares.iter().any(|o| o[32] == s[32]) {
                shares.push(s);
            }
        }
        assert!(
            shares.len() >= threshold,
            "{name}: {} shares < threshold {threshold}",
            shares.len()
        );
        let combined = shamir::combine(&shares).unwrap();
        assert_eq!(
            hex::encode(&combined[..]),
            hex::encode(&want),
            "{name}: combined shares"
        );
    } else {
        for key in &opened {
            assert_eq!(
                hex::encode(&key[..]),
                hex::encode(&want),
                "{name}: unwrapped data key"
            );
        }
    }
}

#[test]
fn vector_gen_recipients_via_x25519() {
    check_vector("gen-recipients-via-x25519");
}

#[test]
fn vector_gen_recipients_via_ssh_ed25519() {
    check_vector("gen-recipients-via-ssh-ed25519");
}

#[test]
fn vector_gen_recipients_via_ssh_rsa() {
    check_vector("gen-recipients-via-ssh-rsa");
}

#[test]
fn vector_gen_recipients_via_pq() {
    check_vector("gen-recipients-via-pq");
}

#[test]
fn vector_gen_keygroups_2of3() {
    check_vector("gen-keygroups-2of3");
}

#[test]
fn vector_gen_keygroups_2of2_pq() {
    check_vector("gen-keygroups-2of2-pq");
}

#[test]
fn vector_kc_yaml_age_pq_hybrid() {
    check_vector("kc-yaml-age-pq-hybrid");
}

#[test]
fn vector_neg_open_wrong_key_matches_nothing() {
    let v = load_vector("neg-open-wrong-key");
    let home = tempfile::tempdir().unwrap();
    let ids = vector_identities(&v, home.path());
    assert_eq!(ids.len(), 1);
    let blocks = enc_blocks(&v.text);
    assert!(!blocks.is_empty());
    for b in blocks {
        assert!(ids.unwrap("", &b).unwrap().is_none());
    }
}

/// Every vector with a known data key and only age/ssh identities.
#[test]
fn all_age_vectors_recover_the_data_key() {
    let mut checked = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("vector.json").is_file())
        .collect();
    entries.sort();
    for dir in entries {
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let v = load_vector(&name);
        let keys = v.meta["keys"].as_array().unwrap();
        let age_only = keys
            .iter()
            .all(|k| matches!(k["type"].as_str(), Some("age") | Some("ssh")));
        if !age_only || v.meta["data_key_hex"].as_str().is_none() {
            continue;
        }
        check_vector(&name);
        checked.push(name);
    }
    assert!(
        checked.len() >= 25,
        "only {} vectors checked: {checked:?}",
        checked.len()
    );
}

pub(crate) fn ssh_keygen(dir: &Path, kind: &str, passphrase: &str) -> (PathBuf, String) {
    let path = dir.join(format!("id_{kind}"));
    let mut cmd = Command::new("ssh-keygen");
    cmd.args([
        "-q",
        "-t",
        kind,
        "-N",
        passphrase,
        "-C",
        "veil test key",
        "-f",
    ])
    .arg(&path);
    if kind == "rsa" {
        cmd.args(["-b", "2048"]);
    }
    let status = cmd.status().unwrap_or_else(|e| {
        panic!("cannot run ssh-keygen ({e}); install OpenSSH's client tools (Debian: apt-get install openssh-client)")
    });
    assert!(status.success(), "ssh-keygen failed");
    let public = std::fs::read_to_string(path.with_extension("pub")).unwrap();
    (path, public.trim().to_string())
}

fn assert_sops_armor(enc: &str) {
    assert!(
        enc.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"),
        "{enc}"
    );
    assert!(enc.ends_with("-----END AGE ENCRYPTED FILE-----\n"), "{enc}");
    let lines: Vec<&str> = enc.lines().collect();
    let body = &lines[1..lines.len() - 1];
    for (i, l) in body.iter().enumerate() {
        if i + 1 < body.len() {
            assert_eq!(l.len(), 64, "inner armor lines are 64 columns");
        } else {
            assert!(!l.is_empty() && l.len() <= 64);
        }
    }
}

/// Decodes the armored file and returns its header stanza lines (`-> …`).
fn stanza_lines(enc: &str) -> Vec<String> {
    use base64::Engine as _;
    let b64: String = enc.lines().filter(|l| !l.starts_with("-----")).collect();
    let bin = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let header_end = bin.windows(4).position(|w| w == b"\n---").unwrap();
    let header = String::from_utf8(bin[..header_end].to_vec()).unwrap();
    assert!(header.starts_with("age-encryption.org/v1\n"));
    header
        .lines()
        .filter(|l| l.starts_with("-> "))
        .map(str::to_string)
        .collect()
}

fn roundtrip(recipient: &AgeRecipient, ids: &Identities, stanza_type: &str) {
    for len in [32usize, 33] {
        let secret: Vec<u8> = (0..len as u8).map(|b| b.wrapping_mul(7)).collect();
        let enc = wrap(recipient, &secret).unwrap();
        assert_sops_armor(&enc);
        let stanzas = stanza_lines(&enc);
        assert_eq!(stanzas.len(), 1, "exactly one stanza: {stanzas:?}");
        assert!(
            stanzas[0].starts_with(&format!("-> {stanza_type} ")),
            "{stanzas:?}"
        );
        // tolerate surrounding whitespace (YAML block indentation removed, extra newlines)
        let padded = format!("\n  {enc}\n\n");
        let opened = ids
            .unwrap(recipient.as_str(), &padded)
            .unwrap()
            .expect("opens");
        assert_eq!(&opened[..], &secret[..]);
        // a different identity does not open it
        let (other, _) = keygen();
        let mut others = Identities::empty();
        others.add_identity_text(&other, "other").unwrap();
        assert!(others.unwrap(recipient.as_str(), &enc).unwrap().is_none());
    }
}

#[test]
fn roundtrip_x25519() {
    let (secret, public) = keygen();
    assert!(secret.starts_with("AGE-SECRET-KEY-1"));
    let r = AgeRecipient::parse(&public).unwrap();
    assert_eq!(r.kind(), "X25519");
    let mut ids = Identities::empty();
    ids.add_identity_text(&secret, "test").unwrap();
    roundtrip(&r, &ids, "X25519");
}

#[test]
fn roundtrip_pq() {
    let (secret, public) = keygen_pq();
    assert!(secret.starts_with("AGE-SECRET-KEY-PQ-1"));
    assert!(public.starts_with("age1pq1"));
    let r = AgeRecipient::parse(&public).unwrap();
    assert_eq!(r.kind(), "mlkem768x25519");
    let mut ids = Identities::empty();
    ids.add_identity_text(&secret, "test").unwrap();
    roundtrip(&r, &ids, "mlkem768x25519");
}

#[test]
fn pq_identity_of_vector_matches_its_public_key() {
    let dir = vectors_dir().join("kc-yaml-age-pq-hybrid/keys/age-pq.txt");
    let text = std::fs::read_to_string(dir).unwrap();
    let public = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap();
    let secret = text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-PQ-1"))
        .unwrap();
    let id = crate::keys::pq::PqIdentity::parse(secret).unwrap();
    assert_eq!(id.to_public().to_string(), public);
    assert_eq!(id.to_secret_string().as_str(), secret);
}

#[test]
fn roundtrip_ssh_ed25519_and_rsa() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, stanza) in [("ed25519", "ssh-ed25519"), ("rsa", "ssh-rsa")] {
        let (path, public) = ssh_keygen(dir.path(), kind, "");
        let r = AgeRecipient::parse(&public).unwrap();
        assert_eq!(r.kind(), stanza);
        assert_eq!(r.as_str(), public, "comment kept verbatim");
        let env = Env::from_vars([
            ("HOME", dir.path().join("nohome").display().to_string()),
            ("SOPS_AGE_SSH_PRIVATE_KEY_FILE", path.display().to_string()),
        ]);
        let ids = Identities::discover(&env).unwrap();
        roundtrip(&r, &ids, stanza);
    }
}

#[test]
fn recipient_parsing() {
    let v = load_vector("gen-recipients-via-x25519");
    let command = v.meta["origin"]["command"].as_str().unwrap();
    let list = command
        .split("--age ")
        .nth(1)
        .unwrap()
        .split(" --output")
        .next()
        .unwrap();
    let parsed = AgeRecipient::parse_list(list).unwrap();
    let kinds: Vec<&str> = parsed.iter().map(AgeRecipient::kind).collect();
    assert_eq!(
        kinds,
        ["X25519", "ssh-ed25519", "ssh-rsa", "mlkem768x25519"]
    );
    assert_eq!(parsed[1].as_str(), list.split(',').nth(1).unwrap());
    assert!(parsed[1].as_str().ends_with(" sops-vector-o"));

    let x = "  age1krnqk73aduqrlf7dvgzzjw924fud4wej6n7fvcvt4zznnglusyws7srap0 \n";
    assert_eq!(AgeRecipient::parse(x).unwrap().as_str(), x.trim());

    let plugin = AgeRecipient::parse("age1yubikey1qwerty")
        .unwrap_err()
        .to_string();
    assert!(plugin.contains("plugin"), "{plugin}");
    let hrp = bech32::Hrp::parse("age1yubikey").unwrap();
    let valid = bech32::encode::<bech32::Bech32>(hrp, &[7u8; 33]).unwrap();
    let parsed = AgeRecipient::parse(&valid).unwrap();
    assert_eq!(parsed.kind(), "plugin");
    assert_eq!(parsed.as_str(), valid);
    assert!(AgeRecipient::parse("age1notbech32").is_err());
    assert!(AgeRecipient::parse("age1pq1qqqq").is_err());
    assert!(AgeRecipient::parse("").is_err());
    let ecdsa = AgeRecipient::parse("ecdsa-sha2-nistp256 AAAA")
        .unwrap_err()
        .to_string();
    assert!(ecdsa.contains("unsupported SSH key type"), "{ecdsa}");
    let other = AgeRecipient::parse("hello").unwrap_err().to_string();
    assert!(other.contains("expected an age recipient"), "{other}");
    let (secret, _) = keygen();
    let err = AgeRecipient::parse(&secret).unwrap_err().to_string();
    assert!(!err.contains(&secret[16..]), "secret leaked: {err}");
    assert_eq!(AgeRecipient::parse_list(" , ").unwrap().len(), 0);
}

#[test]
fn malformed_enc_is_an_error() {
    let (secret, _) = keygen();
    let mut ids = Identities::empty();
    ids.add_identity_text(&secret, "t").unwrap();
    assert!(ids.unwrap("", "").is_err());
    assert!(ids.unwrap("", "not age at all").is_err());
    assert!(
        ids.unwrap(
            "",
            "-----BEGIN AGE ENCRYPTED FILE-----\n!!!!\n-----END AGE ENCRYPTED FILE-----\n"
        )
        .is_err()
    );
}

#[test]
fn debug_output_hides_secrets() {
    let (secret, _) = keygen();
    let mut ids = Identities::empty();
    ids.add_identity_text(&secret, "t").unwrap();
    let dbg = format!("{ids:?}");
    assert!(!dbg.contains(&secret[16..]), "{dbg}");
    let pq = crate::keys::pq::PqIdentity::generate();
    let pq_secret = pq.to_secret_string();
    assert!(!format!("{pq:?}").contains(&pq_secret[20..]));
}
