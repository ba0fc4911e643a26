//! Value cipher, MAC, data key and Shamir sharing.
pub mod cipher;
pub mod mac;
