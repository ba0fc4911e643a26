//! Cryptographic building blocks: the data key and Shamir secret sharing.

pub mod datakey;
pub mod shamir;
