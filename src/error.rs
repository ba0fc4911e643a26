//! Failures as the command line reports them: one line of text and an exit code per failure
//! class. The codes follow sops where scripts rely on them (docs/format.md §13).

use std::fmt;

/// Exit codes. sops's numbers are kept for the classes sops has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// Generic error (bad metadata, unsupported input, …). For `check` and `scan`: violations
    /// or findings were reported.
    Generic = 1,
    /// The input could not be read or parsed.
    CouldNotReadInput = 2,
    /// The output could not be written.
    CouldNotWriteOutput = 3,
    /// `.sops.yaml` could not be read or has no matching rule.
    ConfigError = 5,
    /// `--encryption-context` is not `key:value,…`.
    InvalidKmsEncryptionContext = 6,
    /// `set`: invalid value or path format.
    InvalidSetFormat = 7,
    /// Flags that cannot be used together.
    ConflictingParameters = 8,
    /// A value could not be encrypted (e.g. a comment rule conflict).
    EncryptingTree = 23,
    /// A value could not be decrypted (wrong additional data, corrupt ciphertext).
    DecryptingTree = 25,
    /// Keys of a file that does not exist cannot be changed.
    CannotChangeKeysOfNonexistentFile = 49,
    /// The MAC does not match, cannot be decrypted or is missing.
    MacMismatch = 51,
    /// An `--extract` / `set` path is malformed or missing.
    InvalidTreePath = 91,
    /// The input has no document.
    NoDocument = 92,
    /// No file was given, or it does not exist.
    NoFile = 100,
    /// No recipient to encrypt to.
    NoEncryptionKey = 111,
    /// `--decryption-order` names a key type twice (or one sops does not know).
    DuplicateDecryptionKeyType = 112,
    /// A flag, rule or file names a key kind veil cannot use (GCP KMS, Azure Key Vault,
    /// HashiCorp Vault, HuaweiCloud KMS): encrypt, rotate and updatekeys refuse.
    UnusableKeyType = 113,
    /// A master key could not wrap the data key (gpg, AWS KMS or an age plugin failed).
    CouldNotWrapKey = 114,
    /// No identity could recover the data key.
    CouldNotRetrieveKey = 128,
    /// `edit`: the file was not modified.
    NotModified = 200,
    /// `edit`: no editor found.
    NoEditor = 201,
    /// `encrypt`: the file is already encrypted.
    AlreadyEncrypted = 203,
}

/// A failure: what happened (one line, no secret), its exit code, and the error it came from.
///
/// The core's modules return their own error enums (each variant carrying its context and its
/// source); each implements [`Classify`], which gives the exit code, and `?` turns it into a
/// `Failure` at the boundary that reports it.
#[derive(Debug)]
pub struct Failure {
    pub code: Code,
    pub message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Code {
    /// `check` / `scan`: findings were reported (exit 1).
    #[allow(non_upper_case_globals)]
    pub const Findings: Code = Code::Generic;
    /// `check` / `scan`: the check itself failed (exit 2).
    #[allow(non_upper_case_globals)]
    pub const CheckError: Code = Code::CouldNotReadInput;
}

impl Failure {
    pub fn new(code: Code, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            source: None,
        }
    }

    /// A failure that keeps `error` as its source (its text is the message).
    pub fn from_error<E>(code: Code, error: E) -> Failure
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        Failure {
            code,
            message: error.to_string(),
            source: Some(Box::new(error)),
        }
    }

    /// The same failure with `context` (e.g. the file's name) before its message.
    pub fn context(mut self, context: impl fmt::Display) -> Failure {
        self.message = format!("{context}: {}", self.message);
        self
    }
}

/// The exit code of an error of the core (the failure class it belongs to).
pub trait Classify {
    fn code(&self) -> Code;
}

impl<E> From<E> for Failure
where
    E: Classify + std::error::Error + Send + Sync + 'static,
{
    fn from(error: E) -> Failure {
        Failure::from_error(error.code(), error)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

pub type Result<T> = std::result::Result<T, Failure>;

/// Adds a code and context to any error.
pub trait Context<T> {
    fn code(self, code: Code, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn code(self, code: Code, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Failure::new(code, format!("{}: {e}", context())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_sops() {
        assert_eq!(Code::MacMismatch as i32, 51);
        assert_eq!(Code::CouldNotRetrieveKey as i32, 128);
        assert_eq!(Code::AlreadyEncrypted as i32, 203);
        assert_eq!(Code::NoFile as i32, 100);
        assert_eq!(Code::DecryptingTree as i32, 25);
    }
}
