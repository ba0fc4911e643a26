//! The 32-byte sops data key.

use rand::RngCore;
use zeroize::Zeroizing;

/// Length of a sops data key in bytes.
pub const DATA_KEY_LEN: usize = 32;

/// The 32-byte data key that encrypts every value of a sops file.
///
/// The bytes live in a zeroizing container and are wiped on drop; `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey(Zeroizing<[u8; DATA_KEY_LEN]>);

/// Error returned by [`DataKey::from_bytes`] for input that is not 32 bytes long.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("data key must be {DATA_KEY_LEN} bytes, got {0}")]
pub struct DataKeyLengthError(pub usize);

impl DataKey {
    /// A fresh random data key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut key = Zeroizing::new([0u8; DATA_KEY_LEN]);
        rand::rngs::OsRng.fill_bytes(key.as_mut());
        DataKey(key)
    }

    /// Builds a data key from exactly 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DataKeyLengthError> {
        if bytes.len() != DATA_KEY_LEN {
            return Err(DataKeyLengthError(bytes.len()));
        }
        let mut key = Zeroizing::new([0u8; DATA_KEY_LEN]);
        key.copy_from_slice(bytes);
        Ok(DataKey(key))
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8; DATA_KEY_LEN] {
        &self.0
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_is_random_and_32_bytes() {
        let a = DataKey::generate();
        let b = DataKey::generate();
        assert_eq!(a.as_bytes().len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn from_bytes_checks_length() {
        assert_eq!(
            DataKey::from_bytes(&[1u8; 31]).unwrap_err(),
            DataKeyLengthError(31)
        );
        let k = DataKey::from_bytes(&[7u8; 32]).unwrap();
        assert_eq!(k.as_bytes(), &[7u8; 32]);
    }

    #[test]
    fn debug_hides_bytes() {
        let k = DataKey::from_bytes(&[0xAB; 32]).unwrap();
        let s = format!("{k:?}");
        assert!(
            !s.contains("171") && !s.to_lowercase().contains("ab"),
            "{s}"
        );
    }
}
