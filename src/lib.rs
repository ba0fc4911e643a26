//! veil: keep secrets in git safely. SOPS-compatible, lossless value encryption.
#![forbid(unsafe_code)]

pub mod crypto;
pub mod engine;
pub mod format;
pub mod layout;
pub mod metadata;
pub mod selector;
pub mod tree;
