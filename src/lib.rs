//! veil: keep secrets in git safely. SOPS-compatible, lossless value encryption.
#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod crypto;
pub mod error;
pub mod format;
pub mod fsio;
pub mod git;
pub mod keys;
pub mod pipeline;
pub mod policy;
pub mod repo;
pub mod scan;
