//! veil's whole-document authenticator (docs/format.md §9.6): an HMAC-SHA256, under a key derived
//! from the data key, over every byte of the encrypted file except the authenticator's own value,
//! stored in the metadata field `veil_auth`; and the mark veil puts in the IV of the sops MAC so
//! that a reader can tell a MAC veil wrote (which always comes with an authenticator) from one
//! sops wrote.
//!
//! Hashing the file's bytes covers, by construction and in every store, all that decryption
//! reads: keys, values and their `type:`, comments, their positions, list positions, document
//! boundaries, quoting and layout, and every metadata field (the selection rule,
//! `mac_only_encrypted`, key groups with their wrapped keys, `lastmodified`, the sops MAC, the
//! `veil_*` fields, the Shamir threshold, the version). The input is unambiguous: it is one byte
//! string, the file, with the 64 hex digits of the value replaced by `0`s at the one place the value
//! stands; the place itself is therefore bound too.

use hkdf::Hkdf;
use hmac::{Hmac, Mac as _};
use rand::RngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

/// The metadata field holding the authenticator.
pub const AUTH_FIELD: &str = "veil_auth";

/// How an authenticator value starts (the version of this construction).
const PREFIX: &str = "VA1.";

/// Length of an authenticator value: the prefix and 64 hex digits.
pub const VALUE_LEN: usize = PREFIX.len() + 64;

/// HKDF-SHA256 `info` of the authenticator key.
const INFO_AUTH: &[u8] = b"veil v1 whole-document authenticator";

/// HKDF-SHA256 `info` of the key that derives the IV of the sops MAC.
const INFO_MAC_IV: &[u8] = b"veil v1 sops MAC IV";

/// Domain separation of the HMAC input (before the file's bytes).
const DOMAIN: &[u8] = b"veil-auth-v1\n";

type HmacSha256 = Hmac<Sha256>;

fn derive(data_key: &[u8; 32], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(None, data_key)
        .expand(info, out.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 length");
    out
}

/// The value the authenticator is replaced with while it is computed.
fn zeroed() -> String {
    format!("{PREFIX}{}", "0".repeat(64))
}

/// A fresh placeholder for the authenticator: written into the metadata before the file is
/// rendered, found again in the rendered bytes (it is random, so it stands exactly once) and
/// replaced by the authenticator.
pub fn placeholder() -> String {
    let mut r = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut r);
    format!("{PREFIX}{}", hex::encode(r))
}

/// Is `s` shaped like an authenticator value?
pub fn well_formed(s: &str) -> bool {
    s.len() == VALUE_LEN
        && s.starts_with(PREFIX)
        && s[PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// An authenticator being computed over a file's bytes, in order.
pub struct Authenticator {
    mac: HmacSha256,
}

impl Authenticator {
    pub fn new(data_key: &[u8; 32]) -> Authenticator {
        let key = derive(data_key, INFO_AUTH);
        let mut mac = HmacSha256::new_from_slice(key.as_ref()).expect("HMAC takes any key length");
        mac.update(DOMAIN);
        Authenticator { mac }
    }

    /// Feeds bytes of the file.
    pub fn update(&mut self, bytes: &[u8]) {
        self.mac.update(bytes);
    }

    /// Feeds the place where the authenticator's value stands.
    pub fn update_value_slot(&mut self) {
        self.mac.update(zeroed().as_bytes());
    }

    /// The authenticator value.
    pub fn finish(self) -> String {
        format!("{PREFIX}{}", hex::encode(self.mac.finalize().into_bytes()))
    }

    /// Compares with a value read from a file, in constant time.
    fn verify(self, value: &str) -> bool {
        let Some(digits) = value.strip_prefix(PREFIX) else {
            return false;
        };
        let Ok(tag) = hex::decode(digits) else {
            return false;
        };
        self.mac.verify_slice(&tag).is_ok()
    }
}

/// The positions where `needle` stands in `hay` (at most two are looked for).
fn find_at_most_two(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    memchr::memmem::find_iter(hay, needle).take(2).collect()
}

/// Replaces the placeholder in `bytes` (the rendered file) by the authenticator. False when the
/// placeholder does not stand exactly once (then nothing is changed).
pub fn stamp(data_key: &[u8; 32], bytes: &mut [u8], placeholder: &str) -> bool {
    let at = find_at_most_two(bytes, placeholder.as_bytes());
    let [at] = at[..] else {
        return false;
    };
    let mut a = Authenticator::new(data_key);
    a.update(&bytes[..at]);
    a.update_value_slot();
    a.update(&bytes[at + placeholder.len()..]);
    let value = a.finish();
    bytes[at..at + VALUE_LEN].copy_from_slice(value.as_bytes());
    true
}

/// Checks the authenticator `value` (read from the metadata) against the file's bytes `src`.
/// The value must stand exactly once in the file.
pub fn verify(data_key: &[u8; 32], src: &[u8], value: &str) -> bool {
    if !well_formed(value) {
        return false;
    }
    let at = find_at_most_two(src, value.as_bytes());
    let [at] = at[..] else {
        return false;
    };
    let mut a = Authenticator::new(data_key);
    a.update(&src[..at]);
    a.update_value_slot();
    a.update(&src[at + VALUE_LEN..]);
    a.verify(value)
}

/// The IV veil encrypts the sops MAC with: HMAC-SHA256, under a key derived from the data key,
/// of the MAC's additional data and the plaintext MAC. sops draws a random IV; a MAC with this IV
/// was written by veil, which always writes an authenticator with it.
pub fn mac_iv(data_key: &[u8; 32], aad: &str, mac: &str) -> [u8; 32] {
    let key = derive(data_key, INFO_MAC_IV);
    let mut h = HmacSha256::new_from_slice(key.as_ref()).expect("HMAC takes any key length");
    h.update(&(aad.len() as u64).to_be_bytes());
    h.update(aad.as_bytes());
    h.update(&(mac.len() as u64).to_be_bytes());
    h.update(mac.as_bytes());
    h.finalize().into_bytes().into()
}

/// A writer that computes the authenticator of everything written through it, for the one-pass
/// encryption: the parts go straight through; the tail (which holds the metadata, and so the
/// placeholder) is stamped and written by [`AuthWriter::finish`].
pub struct AuthWriter<'a> {
    inner: &'a mut dyn std::io::Write,
    auth: Authenticator,
}

impl<'a> AuthWriter<'a> {
    pub fn new(inner: &'a mut dyn std::io::Write, data_key: &[u8; 32]) -> AuthWriter<'a> {
        AuthWriter {
            inner,
            auth: Authenticator::new(data_key),
        }
    }

    /// Writes the tail of the file, in which `placeholder` stands exactly once, with the
    /// authenticator in its place. False (nothing written) when it does not.
    pub fn finish(mut self, mut tail: Vec<u8>, placeholder: &str) -> std::io::Result<bool> {
        let at = find_at_most_two(&tail, placeholder.as_bytes());
        let [at] = at[..] else {
            return Ok(false);
        };
        self.auth.update(&tail[..at]);
        self.auth.update_value_slot();
        self.auth.update(&tail[at + VALUE_LEN..]);
        let value = self.auth.finish();
        tail[at..at + VALUE_LEN].copy_from_slice(value.as_bytes());
        self.inner.write_all(&tail)?;
        self.inner.flush()?;
        Ok(true)
    }
}

impl std::io::Write for AuthWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.auth.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [9u8; 32];

    #[test]
    fn stamp_then_verify_and_any_byte_change_fails() {
        let p = placeholder();
        assert!(well_formed(&p));
        let mut file = format!("a: 1\nsops:\n  veil_auth: {p}\n  version: 3.11.0\n").into_bytes();
        assert!(stamp(&KEY, &mut file, &p));
        let text = String::from_utf8(file.clone()).unwrap();
        let value = text
            .lines()
            .nth(2)
            .unwrap()
            .trim()
            .strip_prefix("veil_auth: ")
            .unwrap();
        assert!(well_formed(value));
        assert!(verify(&KEY, &file, value));
        assert!(!verify(&[8u8; 32], &file, value), "other key");
        for i in 0..file.len() {
            let mut changed = file.clone();
            changed[i] ^= 1;
            assert!(!verify(&KEY, &changed, value), "byte {i}");
        }
        // The value copied elsewhere: it no longer stands once.
        let mut twice = file.clone();
        twice.extend_from_slice(format!("# {value}\n").as_bytes());
        assert!(!verify(&KEY, &twice, value));
        // Moved to another place: the zeroed slot moved, so the input differs.
        let moved = text.replace(&format!("  veil_auth: {value}\n"), "");
        let moved = format!("x: {value}\n{moved}");
        assert!(!verify(&KEY, moved.as_bytes(), value));
    }

    #[test]
    fn stamp_needs_the_placeholder_once() {
        let p = placeholder();
        let mut none = b"a: 1\n".to_vec();
        assert!(!stamp(&KEY, &mut none, &p));
        let mut two = format!("{p}\n{p}\n").into_bytes();
        assert!(!stamp(&KEY, &mut two, &p));
    }

    #[test]
    fn writer_matches_stamp() {
        let p = placeholder();
        let head = b"first part\nsecond part\n".to_vec();
        let tail = format!("meta: {p}\nend\n").into_bytes();
        let mut whole = [head.clone(), tail.clone()].concat();
        assert!(stamp(&KEY, &mut whole, &p));
        let mut out = Vec::new();
        let mut w = AuthWriter::new(&mut out, &KEY);
        std::io::Write::write_all(&mut w, &head).unwrap();
        assert!(w.finish(tail, &p).unwrap());
        assert_eq!(out, whole);
    }

    #[test]
    fn mac_iv_is_keyed_and_bound() {
        let a = mac_iv(&KEY, "2024-01-01T00:00:00Z", "ABC");
        assert_eq!(a, mac_iv(&KEY, "2024-01-01T00:00:00Z", "ABC"));
        assert_ne!(a, mac_iv(&KEY, "2024-01-01T00:00:01Z", "ABC"));
        assert_ne!(a, mac_iv(&KEY, "2024-01-01T00:00:00Z", "ABD"));
        assert_ne!(a, mac_iv(&[1u8; 32], "2024-01-01T00:00:00Z", "ABC"));
    }
}
