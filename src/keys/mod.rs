//! Master keys that wrap the sops data key: the typed model ([`master`]), one module per key
//! source ([`age`] with [`identities`] and [`pq`], [`pgp`], [`kms`]), all of them behind one
//! interface ([`keyring`]), key groups and Shamir shares ([`groups`]) and where the keys of a new
//! file come from ([`recipients`]).

pub mod age;
pub mod groups;
pub mod identities;
pub mod keyring;
#[cfg(feature = "aws-kms")]
pub mod kms;
pub mod master;
pub mod pgp;
pub mod pq;
pub mod recipients;

/// Every key source of the process environment: the age identities, gpg and AWS KMS, tried in
/// the decryption order.
pub fn from_process() -> keyring::Keyring {
    keyring::Keyring::from_process()
}
