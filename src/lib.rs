//! veil: keep secrets in git safely.

pub mod crypto;
pub mod keys;
