//! Cryptographic building blocks: the value cipher, the MAC, the data key and Shamir sharing.

pub mod auth;
pub mod cipher;
pub mod datakey;
pub mod mac;
pub mod shamir;
