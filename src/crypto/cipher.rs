//! The value cipher (docs/format.md §2): `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`, AES-256-GCM with a
//! 32-byte IV and the leaf's path string as additional data.

use aes_gcm::aead::consts::U32;
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, Nonce, Tag};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rand::RngCore;
use zeroize::Zeroizing;

use crate::pipeline::tree::Scalar;

type Aes256Gcm32 = AesGcm<Aes256, U32>;

/// Why a value could not be decrypted. Never carries plaintext.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CipherError {
    #[error("value does not match sops' data format")]
    Format,
    #[error("value is not valid base64")]
    Base64,
    #[error("value failed authentication (wrong key, path or tampered ciphertext)")]
    Auth,
    #[error("{0}")]
    Type(String),
}

/// The parts of an `ENC[...]` string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EncParts<'a> {
    pub data: &'a str,
    pub iv: &'a str,
    pub tag: &'a str,
    pub type_name: &'a str,
}

/// Is this string an encrypted value (sops' regex, anchored at the start)?
pub fn is_encrypted(s: &str) -> bool {
    parse_enc(s).is_ok()
}

/// Splits `ENC[AES256_GCM,data:D,iv:I,tag:T,type:Y]` like sops' greedy regex
/// `^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]` does (no newlines inside).
pub fn parse_enc(s: &str) -> Result<EncParts<'_>, CipherError> {
    // The separators sit near the end of short strings: a plain backwards scan beats building
    // a substring searcher per call.
    fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).rposition(|w| w == needle)
    }
    let rest = s
        .strip_prefix("ENC[AES256_GCM,data:")
        .ok_or(CipherError::Format)?;
    // `.` does not match a newline: the match ends at the first line end.
    let line = &rest[..memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len())];
    // Greedy groups: the last `]` on the line closes, the last `,type:` before it, etc.
    // (All separators are ASCII, so the byte offsets are char boundaries.)
    let close = memchr::memrchr(b']', line.as_bytes()).ok_or(CipherError::Format)?;
    let body = &line[..close];
    let t = rfind(body.as_bytes(), b",type:").ok_or(CipherError::Format)?;
    let type_name = &body[t + 6..];
    let body = &body[..t];
    let g = rfind(body.as_bytes(), b",tag:").ok_or(CipherError::Format)?;
    let tag = &body[g + 5..];
    let body = &body[..g];
    let i = rfind(body.as_bytes(), b",iv:").ok_or(CipherError::Format)?;
    let iv = &body[i + 4..];
    let data = &body[..i];
    if data.is_empty() || iv.is_empty() || tag.is_empty() || type_name.is_empty() {
        return Err(CipherError::Format);
    }
    Ok(EncParts {
        data,
        iv,
        tag,
        type_name,
    })
}

/// The value cipher for one data key: the AES key schedule is computed once per file, not
/// once per value.
pub struct ValueCipher {
    gcm: Aes256Gcm32,
    key: zeroize::Zeroizing<[u8; 32]>,
}

impl ValueCipher {
    pub fn new(key: &[u8; 32]) -> ValueCipher {
        ValueCipher {
            gcm: Aes256Gcm32::new(key.into()),
            key: zeroize::Zeroizing::new(*key),
        }
    }

    /// Encrypts raw plaintext bytes with a given IV and returns the `ENC[...]` text.
    pub fn encrypt_bytes(
        &self,
        iv: &[u8; 32],
        plaintext: &[u8],
        type_name: &str,
        aad: &[u8],
    ) -> String {
        let mut buf = Zeroizing::new(plaintext.to_vec());
        let tag = self
            .gcm
            .encrypt_in_place_detached(Nonce::<U32>::from_slice(iv), aad, &mut buf)
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = String::with_capacity(plaintext.len() * 4 / 3 + 120);
        out.push_str("ENC[AES256_GCM,data:");
        B64.encode_string(&buf[..], &mut out);
        out.push_str(",iv:");
        B64.encode_string(iv, &mut out);
        out.push_str(",tag:");
        B64.encode_string(tag, &mut out);
        out.push_str(",type:");
        out.push_str(type_name);
        out.push(']');
        out
    }

    /// Decrypts an `ENC[...]` value to its raw plaintext bytes and type name.
    pub fn decrypt_bytes<'a>(
        &self,
        enc: &'a str,
        aad: &[u8],
    ) -> Result<(Zeroizing<Vec<u8>>, &'a str), CipherError> {
        let parts = parse_enc(enc)?;
        let data = B64.decode(parts.data).map_err(|_| CipherError::Base64)?;
        let iv = B64.decode(parts.iv).map_err(|_| CipherError::Base64)?;
        let tag = B64.decode(parts.tag).map_err(|_| CipherError::Base64)?;
        if tag.len() != 16 || iv.is_empty() {
            return Err(CipherError::Auth);
        }
        let mut buf = Zeroizing::new(data);
        if iv.len() == 32 {
            self.gcm
                .decrypt_in_place_detached(
                    Nonce::<U32>::from_slice(&iv),
                    aad,
                    &mut buf,
                    Tag::from_slice(&tag),
                )
                .map_err(|_| CipherError::Auth)?;
        } else if iv.len() == 12 {
            aes_gcm::Aes256Gcm::new((&*self.key).into())
                .decrypt_in_place_detached(
                    aes_gcm::Nonce::from_slice(&iv),
                    aad,
                    &mut buf,
                    Tag::from_slice(&tag),
                )
                .map_err(|_| CipherError::Auth)?;
        } else {
            // sops accepts any IV length; only the two lengths ever written are supported here.
            return Err(CipherError::Auth);
        }
        Ok((buf, parts.type_name))
    }

    /// Decrypts an `ENC[...]` value into a typed scalar. Comments (`type:comment`) come back as
    /// `Scalar::Str`, with `true` as the second element.
    pub fn decrypt(&self, enc: &str, aad: &[u8]) -> Result<(Scalar, bool), CipherError> {
        let (bytes, type_name) = self.decrypt_bytes(enc, aad)?;
        if type_name == "comment" {
            let s = String::from_utf8(bytes.to_vec())
                .map_err(|_| CipherError::Type("comment is not UTF-8".into()))?;
            return Ok((Scalar::Str(s), true));
        }
        let v = Scalar::from_typed(type_name, bytes.to_vec()).map_err(CipherError::Type)?;
        Ok((v, false))
    }
}

/// Encrypts raw plaintext bytes with a given IV and returns the `ENC[...]` text.
pub fn encrypt_bytes(
    key: &[u8; 32],
    iv: &[u8; 32],
    plaintext: &[u8],
    type_name: &str,
    aad: &[u8],
) -> String {
    ValueCipher::new(key).encrypt_bytes(iv, plaintext, type_name, aad)
}

/// A fresh random 32-byte IV.
pub fn random_iv() -> [u8; 32] {
    let mut iv = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut iv);
    iv
}

/// Encrypts a typed value under `aad` with a fresh IV.
pub fn encrypt(key: &[u8; 32], value: &Scalar, aad: &[u8]) -> String {
    encrypt_bytes(
        key,
        &random_iv(),
        &value.canonical_bytes(),
        value.type_name(),
        aad,
    )
}

/// Decrypts an `ENC[...]` value to its raw plaintext bytes and type name.
pub fn decrypt_bytes<'a>(
    key: &[u8; 32],
    enc: &'a str,
    aad: &[u8],
) -> Result<(Zeroizing<Vec<u8>>, &'a str), CipherError> {
    ValueCipher::new(key).decrypt_bytes(enc, aad)
}

/// Decrypts an `ENC[...]` value into a typed scalar (see [`ValueCipher::decrypt`]).
pub fn decrypt(key: &[u8; 32], enc: &str, aad: &[u8]) -> Result<(Scalar, bool), CipherError> {
    ValueCipher::new(key).decrypt(enc, aad)
}

/// The 16-byte tag of an `ENC[...]` value as written (base64), which identifies one ciphertext.
pub fn tag_of(enc: &str) -> Option<&str> {
    parse_enc(enc).ok().map(|p| p.tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7u8; 32];

    #[test]
    fn roundtrip_each_type() {
        for v in [
            Scalar::Str("héllo".into()),
            Scalar::Int(-42),
            Scalar::Float(1.5),
            Scalar::Bool(true),
            Scalar::Time("2024-01-31T00:00:00Z".into()),
        ] {
            let enc = encrypt(&KEY, &v, b"a:b:");
            assert!(enc.starts_with("ENC[AES256_GCM,data:"));
            assert!(enc.ends_with(&format!(",type:{}]", v.type_name())));
            let (back, is_comment) = decrypt(&KEY, &enc, b"a:b:").unwrap();
            assert!(!is_comment);
            assert_eq!(back, v);
        }
    }

    #[test]
    fn wrong_aad_fails() {
        let enc = encrypt(&KEY, &Scalar::Str("x".into()), b"a:");
        assert_eq!(decrypt(&KEY, &enc, b"b:").unwrap_err(), CipherError::Auth);
    }

    #[test]
    fn vector_value_decrypts() {
        // From gen-yaml-types-comments: app.replicas = 3 (type int).
        let key: [u8; 32] =
            hex::decode("1ea106da0f40e060160d3af1f41b08ae6620af10721fa7c1b6f6207946ad6193")
                .unwrap()
                .try_into()
                .unwrap();
        let enc = "ENC[AES256_GCM,data:VQ==,iv:NAj9xDIcQy9SkQuM4ULOGJDsPU+6a9GSrP1lnJEzfR0=,tag:u009oMp75J4KX87rfxJTTg==,type:int]";
        assert_eq!(
            decrypt(&key, enc, b"app:replicas:").unwrap().0,
            Scalar::Int(3)
        );
    }

    #[test]
    fn parse_rejects_garbage() {
        assert!(parse_enc("ENC[AES256_GCM,data:,iv:x,tag:y,type:str]").is_err());
        assert!(parse_enc("plain").is_err());
        assert!(parse_enc("ENC[AES256_GCM,data:a,iv:b,tag:c]").is_err());
    }
}
