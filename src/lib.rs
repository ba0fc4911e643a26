//! veil: keep secrets in git safely. SOPS-compatible, lossless value encryption.
#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod crypto;
pub mod engine;
pub mod error;
pub mod format;
pub mod keys;
pub mod layout;
pub mod metadata;
pub mod onepass;
pub mod scan;
pub mod selector;
pub mod sopsfile;
pub mod structural;
pub mod tree;
pub mod treepath;
