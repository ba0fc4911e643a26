//! The end-to-end tests, built as one binary (one link of libgit2 and the other dependencies
//! instead of one per file): each module runs the built `veil` on files in `testdata/`.

mod common;
mod edithelp;
mod scan_common;

mod authenticator;
mod check;
mod cli;
mod editing;
mod errors;
mod fuzz_regressions;
mod gitci;
mod hostile;
mod hygiene;
mod interop;
mod keys_keygen;
mod keys_kinds;
mod keys_kms;
mod keys_pgp;
mod keys_plugin;
mod local_attacker;
mod properties;
mod rotate_all;
mod roundtrip;
mod scan_corpus;
mod scan_findings;
mod scan_history;
mod scan_hook;
mod scan_output;
mod scan_self;
mod sops_ansible;
mod sops_personality;
mod streaming;
mod structural;
mod structure_edits;
mod vectors;
