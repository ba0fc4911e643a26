//! The MAC (docs/format.md §6): SHA-512 over the canonical bytes of the covered leaf values, in walk
//! order, upper-case hex; stored encrypted under the data key with `lastmodified` as AAD.

use sha2::{Digest, Sha512};

/// SHA-256("sops"), hashed first when `mac_only_encrypted` is set.
const MAC_ONLY_ENCRYPTED_INIT: [u8; 32] = [
    0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b,
    0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
];

/// Accumulates the MAC over leaf values.
pub struct Mac {
    hasher: Sha512,
    only_encrypted: bool,
}

impl Mac {
    pub fn new(only_encrypted: bool) -> Mac {
        let mut hasher = Sha512::new();
        if only_encrypted {
            hasher.update(MAC_ONLY_ENCRYPTED_INIT);
        }
        Mac {
            hasher,
            only_encrypted,
        }
    }

    /// Adds one (non-comment, non-null) leaf.
    pub fn add(&mut self, canonical: &[u8], encrypted: bool) {
        if encrypted || !self.only_encrypted {
            self.hasher.update(canonical);
        }
    }

    /// The MAC as sops writes it: 128 upper-case hex characters.
    pub fn finish(self) -> String {
        hex::encode_upper(self.hasher.finalize())
    }
}

/// The MAC's additional data: `lastmodified` re-formatted as RFC 3339 with seconds precision
/// (format §6.2): fractional seconds dropped, `Z` for a zero offset.
pub fn mac_aad(lastmodified: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    let t = time::OffsetDateTime::parse(lastmodified.trim(), &Rfc3339).ok()?;
    let t = t.replace_nanosecond(0).ok()?;
    Some(crate::pipeline::tree::format_time(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_constant_is_sha256_of_sops() {
        use sha2::Sha256;
        assert_eq!(Sha256::digest(b"sops").as_slice(), &MAC_ONLY_ENCRYPTED_INIT);
    }

    #[test]
    fn aad_reformats() {
        assert_eq!(
            mac_aad("2024-11-12T13:33:42.5+00:00").unwrap(),
            "2024-11-12T13:33:42Z"
        );
        assert_eq!(
            mac_aad("2024-11-12T13:33:42+02:00").unwrap(),
            "2024-11-12T13:33:42+02:00"
        );
        assert!(mac_aad("yesterday").is_none());
    }
}
