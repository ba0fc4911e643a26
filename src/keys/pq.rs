//! age post-quantum hybrid recipients and identities (`mlkem768x25519` stanza).
//!
//! The KEM is X-Wing (ML-KEM-768 + X25519, draft-connolly-cfrg-xwing-kem-06) from the
//! `libcrux-kem` crate; this module only adds age's encoding (Bech32 `age1pq`/
//! `AGE-SECRET-KEY-PQ-`) and the small HPKE (RFC 9180) base-mode key schedule that age uses to
//! wrap the 16-byte file key (KEM 0x647a, HKDF-SHA256, ChaCha20Poly1305,
//! info = `age-encryption.org/mlkem768x25519`).

use std::collections::HashSet;
use std::fmt;

use age::secrecy::ExposeSecret;
use age_core::format::{FILE_KEY_BYTES, FileKey, Stanza};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::ChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use hkdf::Hkdf;
use libcrux_kem::{Algorithm, Ct, PrivateKey, PublicKey};
use rand::RngCore;
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

/// age stanza tag of the hybrid recipient type.
pub const STANZA_TAG: &str = "mlkem768x25519";
const HPKE_INFO: &[u8] = b"age-encryption.org/mlkem768x25519";
const RECIPIENT_HRP: &str = "age1pq";
const IDENTITY_HRP: &str = "age-secret-key-pq-";
/// X-Wing encapsulation key length (ML-KEM-768 ek 1184 ‖ X25519 public 32).
pub const PUBLIC_KEY_LEN: usize = 1216;
/// X-Wing ciphertext length (ML-KEM-768 ciphertext 1088 ‖ X25519 ephemeral 32).
pub const CIPHERTEXT_LEN: usize = 1120;
const SEED_LEN: usize = 32;
const ALG: Algorithm = Algorithm::XWingKemDraft06;
/// HPKE suite id: "HPKE" ‖ KEM 0x647a ‖ KDF 0x0001 ‖ AEAD 0x0003.
const SUITE_ID: [u8; 10] = *b"HPKE\x64\x7a\x00\x01\x00\x03";

/// Errors parsing hybrid keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PqKeyError {
    #[error("invalid post-quantum age recipient: {0}")]
    InvalidRecipient(&'static str),
    #[error("invalid post-quantum age identity: {0}")]
    InvalidIdentity(&'static str),
}

fn bech32_decode(s: &str, expected_hrp: &str) -> Option<Vec<u8>> {
    age_core::primitives::bech32_decode(
        s,
        |_| (),
        |hrp| {
            if hrp.as_str().eq_ignore_ascii_case(expected_hrp) {
                Ok(())
            } else {
                Err(())
            }
        },
        |_, bytes| Ok(bytes.collect::<Vec<u8>>()),
    )
    .ok()
}

fn hrp(s: &'static str) -> bech32::Hrp {
    bech32::Hrp::parse(s).expect("valid constant HRP")
}

/// A post-quantum hybrid recipient (`age1pq1…`).
#[derive(Clone)]
pub struct PqRecipient {
    bytes: Vec<u8>,
}

impl PqRecipient {
    /// Parses an `age1pq1…` string.
    pub fn parse(s: &str) -> Result<Self, PqKeyError> {
        let bytes = bech32_decode(s, RECIPIENT_HRP)
            .ok_or(PqKeyError::InvalidRecipient("bad Bech32 encoding"))?;
        if bytes.len() != PUBLIC_KEY_LEN {
            return Err(PqKeyError::InvalidRecipient("wrong key length"));
        }
        // Validates the ML-KEM encapsulation key (modulus check).
        PublicKey::decode(ALG, &bytes)
            .map_err(|_| PqKeyError::InvalidRecipient("invalid ML-KEM-768 key"))?;
        Ok(PqRecipient { bytes })
    }

    /// The 1216-byte encapsulation key.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Display for PqRecipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        age_core::primitives::bech32_encode_to_fmt(f, hrp(RECIPIENT_HRP), &self.bytes)
    }
}

impl fmt::Debug for PqRecipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PqRecipient({self})")
    }
}

/// HPKE LabeledExtract with HKDF-SHA256.
fn labeled_extract(salt: &[u8], label: &[u8], ikm: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut input = Zeroizing::new(Vec::with_capacity(
        7 + SUITE_ID.len() + label.len() + ikm.len(),
    ));
    input.extend_from_slice(b"HPKE-v1");
    input.extend_from_slice(&SUITE_ID);
    input.extend_from_slice(label);
    input.extend_from_slice(ikm);
    let (prk, _) = Hkdf::<Sha256>::extract(Some(salt), &input);
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&prk);
    out
}

/// HPKE LabeledExpand with HKDF-SHA256.
fn labeled_expand(prk: &[u8; 32], label: &[u8], info: &[u8], out: &mut [u8]) {
    let mut full_info = Vec::with_capacity(2 + 7 + SUITE_ID.len() + label.len() + info.len());
    full_info.extend_from_slice(&(out.len() as u16).to_be_bytes());
    full_info.extend_from_slice(b"HPKE-v1");
    full_info.extend_from_slice(&SUITE_ID);
    full_info.extend_from_slice(label);
    full_info.extend_from_slice(info);
    Hkdf::<Sha256>::from_prk(prk)
        .expect("PRK has hash length")
        .expand(&full_info, out)
        .expect("short HKDF output");
}

/// HPKE base-mode key schedule: (AEAD key, base nonce) for the given KEM shared secret.
fn key_schedule(shared_secret: &[u8]) -> (Zeroizing<[u8; 32]>, [u8; 12]) {
    let psk_id_hash = labeled_extract(b"", b"psk_id_hash", b"");
    let info_hash = labeled_extract(b"", b"info_hash", HPKE_INFO);
    let mut ctx = Vec::with_capacity(65);
    ctx.push(0u8); // mode_base
    ctx.extend_from_slice(psk_id_hash.as_ref());
    ctx.extend_from_slice(info_hash.as_ref());
    let secret = labeled_extract(shared_secret, b"secret", b"");
    let mut key = Zeroizing::new([0u8; 32]);
    labeled_expand(&secret, b"key", &ctx, key.as_mut());
    let mut nonce = [0u8; 12];
    labeled_expand(&secret, b"base_nonce", &ctx, &mut nonce);
    (key, nonce)
}

impl age::Recipient for PqRecipient {
    fn wrap_file_key(
        &self,
        file_key: &FileKey,
    ) -> Result<(Vec<Stanza>, HashSet<String>), age::EncryptError> {
        let pk = PublicKey::decode(ALG, &self.bytes).map_err(|_| {
            age::EncryptError::Io(std::io::Error::other("invalid post-quantum recipient key"))
        })?;
        let mut randomness = Zeroizing::new([0u8; 64]);
        rand::rngs::OsRng.fill_bytes(randomness.as_mut());
        let (ss, ct) = pk.encapsulate_derand(randomness.as_ref()).map_err(|_| {
            age::EncryptError::Io(std::io::Error::other("X-Wing encapsulation failed"))
        })?;
        let ss = Zeroizing::new(ss.encode());
        let (key, nonce) = key_schedule(&ss);
        let body = ChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(key.as_ref()))
            .encrypt(
                chacha20poly1305::Nonce::from_slice(&nonce),
                Payload {
                    msg: file_key.expose_secret(),
                    aad: b"",
                },
            )
            .expect("ChaCha20Poly1305 encryption of 16 bytes cannot fail");
        let stanza = Stanza {
            tag: STANZA_TAG.to_string(),
            args: vec![STANDARD_NO_PAD.encode(ct.encode())],
            body,
        };
        Ok((vec![stanza], HashSet::from(["postquantum".to_string()])))
    }
}

/// A post-quantum hybrid identity (`AGE-SECRET-KEY-PQ-1…`): a 32-byte X-Wing seed.
#[derive(Clone)]
pub struct PqIdentity {
    seed: Zeroizing<[u8; SEED_LEN]>,
}

impl PqIdentity {
    /// Parses an `AGE-SECRET-KEY-PQ-1…` string. Errors never contain the key text.
    pub fn parse(s: &str) -> Result<Self, PqKeyError> {
        let bytes = Zeroizing::new(
            bech32_decode(s, IDENTITY_HRP)
                .ok_or(PqKeyError::InvalidIdentity("bad Bech32 encoding"))?,
        );
        if bytes.len() != SEED_LEN {
            return Err(PqKeyError::InvalidIdentity("wrong seed length"));
        }
        let mut seed = Zeroizing::new([0u8; SEED_LEN]);
        seed.copy_from_slice(&bytes);
        Ok(PqIdentity { seed })
    }

    /// A fresh random identity.
    pub fn generate() -> Self {
        let mut seed = Zeroizing::new([0u8; SEED_LEN]);
        rand::rngs::OsRng.fill_bytes(seed.as_mut());
        PqIdentity { seed }
    }

    /// The identity in its upper-case Bech32 form.
    pub fn to_secret_string(&self) -> Zeroizing<String> {
        let mut lower = age_core::primitives::bech32_encode(hrp(IDENTITY_HRP), self.seed.as_ref());
        let upper = Zeroizing::new(lower.to_ascii_uppercase());
        lower.zeroize();
        upper
    }

    /// The matching `age1pq1…` recipient.
    pub fn to_public(&self) -> PqRecipient {
        let (_sk, pk) = libcrux_kem::key_gen_derand(ALG, self.seed.as_ref())
            .expect("32-byte seed always expands to a key pair");
        PqRecipient { bytes: pk.encode() }
    }

    fn unwrap_body(&self, enc: &[u8], body: &[u8]) -> Option<FileKey> {
        let ct = Ct::decode(ALG, enc).ok()?;
        let sk = PrivateKey::decode(ALG, self.seed.as_ref()).ok()?;
        let ss = Zeroizing::new(ct.decapsulate(&sk).ok()?.encode());
        let (key, nonce) = key_schedule(&ss);
        let plain = Zeroizing::new(
            ChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(key.as_ref()))
                .decrypt(
                    chacha20poly1305::Nonce::from_slice(&nonce),
                    Payload {
                        msg: body,
                        aad: b"",
                    },
                )
                .ok()?,
        );
        if plain.len() != FILE_KEY_BYTES {
            return None;
        }
        Some(FileKey::init_with_mut(|k| k.copy_from_slice(&plain)))
    }
}

impl fmt::Debug for PqIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PqIdentity(<redacted>)")
    }
}

impl age::Identity for PqIdentity {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        if stanza.tag != STANZA_TAG {
            return None;
        }
        if stanza.args.len() != 1 {
            return Some(Err(age::DecryptError::InvalidHeader));
        }
        let enc = match STANDARD_NO_PAD.decode(&stanza.args[0]) {
            Ok(enc) if enc.len() == CIPHERTEXT_LEN => enc,
            _ => return Some(Err(age::DecryptError::InvalidHeader)),
        };
        if stanza.body.len() != FILE_KEY_BYTES + 16 {
            return Some(Err(age::DecryptError::InvalidHeader));
        }
        self.unwrap_body(&enc, &stanza.body).map(Ok)
    }
}
