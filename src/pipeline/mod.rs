//! The encrypted-file pipeline: from a store's lossless document to a sealed sops file and back.
//!
//! - [`tree`]: the document model every store produces (mappings, sequences, typed scalars).
//! - [`treepath`]: sops tree paths (`["a"][0]`) for `--extract`, `set` and `unset`.
//! - [`selector`]: which leaves a file encrypts (suffix, regex and comment rules).
//! - [`metadata`]: the `sops` metadata block.
//! - [`walk`]: the walk that encrypts or decrypts every selected leaf and computes the MAC.
//! - [`record`]: veil's lossless record (`veil_layout`), the original spellings sops drops.
//! - [`whole`]: whole-tree encryption, opening and sealing of a file.
//! - [`stream`]: the same in one pass, part by part, for large files.
//! - [`rewrite`]: opening an encrypted file for a change and writing it back.
//! - [`edit`]: structural edits of `set`/`unset` written as line edits.
//! - [`rekey`]: `rotate` and `updatekeys`: a file's master keys changed, atomically.

pub mod edit;
pub mod metadata;
pub mod record;
pub mod rekey;
pub mod rewrite;
pub mod selector;
pub mod stream;
pub mod tree;
pub mod treepath;
pub mod walk;
pub mod whole;
