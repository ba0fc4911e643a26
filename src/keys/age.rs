//! age master keys: recipients, wrapping the data key (or a Shamir share) as a
//! single-recipient armored age file, and unwrapping it with the discovered identities.

use std::fmt;
use std::io::Read;
use std::str::FromStr;

use age::armor::ArmoredReader;
use age::secrecy::ExposeSecret;
use age_core::format::FileKey;
use age_core::primitives::hkdf;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use chacha20poly1305::ChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit};
use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::pq::{PqIdentity, PqRecipient};

/// Errors of the age key layer. Messages never contain secret key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("invalid age recipient {recipient:?}: {reason}")]
    InvalidRecipient { recipient: String, reason: String },
    #[error("{source_name}: line {line}: {reason}")]
    InvalidIdentity {
        source_name: String,
        line: usize,
        reason: String,
    },
    #[error("{source_name}: {reason}")]
    Source { source_name: String, reason: String },
    #[error("malformed age data: {0}")]
    Malformed(String),
    #[error("age encryption failed: {0}")]
    Encrypt(String),
}

/// An age recipient as written in sops metadata (`recipient:`), with the parsed key.
///
/// The original (trimmed) string is kept verbatim for the metadata, including an SSH comment.
#[derive(Clone)]
pub enum AgeRecipient {
    /// `age1…`: native X25519.
    X25519(String, age::x25519::Recipient),
    /// `age1pq1…`: ML-KEM-768 + X25519 hybrid (`mlkem768x25519` stanza).
    MlKem768X25519(String, PqRecipient),
    /// `ssh-ed25519 AAAA… [comment]`.
    SshEd25519(String, age::ssh::Recipient),
    /// `ssh-rsa AAAA… [comment]`.
    SshRsa(String, age::ssh::Recipient),
    /// `age1NAME1…`: wrapped by the plugin binary `age-plugin-NAME` (found on `PATH`) through
    /// the age plugin protocol.
    Plugin(String, age::plugin::Recipient),
}

impl AgeRecipient {
    /// Parses one recipient; surrounding whitespace is removed.
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        let s = s.trim();
        let invalid = |reason: &str| KeyError::InvalidRecipient {
            recipient: s.to_string(),
            reason: reason.to_string(),
        };
        if s.is_empty() {
            return Err(invalid("empty recipient"));
        }
        let lower = s.to_ascii_lowercase();
        if lower.starts_with("age1pq1") {
            let key = PqRecipient::parse(s).map_err(|e| invalid(&e.to_string()))?;
            return Ok(AgeRecipient::MlKem768X25519(s.to_string(), key));
        }
        if let Some(data) = lower.strip_prefix("age1") {
            // The Bech32 data alphabet has no '1': a second one means an `age1NAME1…` plugin.
            if data.contains('1') {
                let key = age::plugin::Recipient::from_str(s)
                    .map_err(|e| invalid(&format!("invalid age plugin recipient: {e}")))?;
                return Ok(AgeRecipient::Plugin(s.to_string(), key));
            }
            let key = age::x25519::Recipient::from_str(s).map_err(&invalid)?;
            return Ok(AgeRecipient::X25519(s.to_string(), key));
        }
        if s.starts_with("ssh-ed25519 ") || s.starts_with("ssh-rsa ") {
            let key =
                age::ssh::Recipient::from_str(s).map_err(|e| invalid(&ssh_parse_reason(&e)))?;
            return Ok(match key {
                age::ssh::Recipient::SshEd25519(..) => AgeRecipient::SshEd25519(s.to_string(), key),
                age::ssh::Recipient::SshRsa(..) => AgeRecipient::SshRsa(s.to_string(), key),
            });
        }
        if s.starts_with("ssh-") || s.starts_with("ecdsa-") || s.starts_with("sk-") {
            return Err(invalid(
                "unsupported SSH key type (only ssh-ed25519 and ssh-rsa)",
            ));
        }
        if lower.starts_with("age-secret-key-") {
            // Never echo a secret key back.
            return Err(KeyError::InvalidRecipient {
                recipient: "AGE-SECRET-KEY-…".to_string(),
                reason: "this is a secret identity, not a public recipient".to_string(),
            });
        }
        Err(invalid(
            "expected an age recipient (age1…, age1pq1…) or an SSH public key (ssh-ed25519 …, ssh-rsa …)",
        ))
    }

    /// Parses a comma-separated list (`--age a,b,c`); empty items are ignored.
    pub fn parse_list(s: &str) -> Result<Vec<Self>, KeyError> {
        s.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(Self::parse)
            .collect()
    }

    /// The recipient string exactly as given (trimmed), for the metadata.
    pub fn as_str(&self) -> &str {
        match self {
            AgeRecipient::X25519(s, _)
            | AgeRecipient::MlKem768X25519(s, _)
            | AgeRecipient::SshEd25519(s, _)
            | AgeRecipient::SshRsa(s, _)
            | AgeRecipient::Plugin(s, _) => s,
        }
    }

    /// Short name of the recipient kind (the age stanza type).
    pub fn kind(&self) -> &'static str {
        match self {
            AgeRecipient::X25519(..) => "X25519",
            AgeRecipient::MlKem768X25519(..) => "mlkem768x25519",
            AgeRecipient::SshEd25519(..) => "ssh-ed25519",
            AgeRecipient::SshRsa(..) => "ssh-rsa",
            AgeRecipient::Plugin(..) => "plugin",
        }
    }

    /// The stanzas that wrap `file_key` for this recipient (a plugin may write several).
    fn wrap_file_key(&self, file_key: &FileKey) -> Result<Vec<age_core::format::Stanza>, KeyError> {
        let wrap = |r: &dyn age::Recipient| {
            r.wrap_file_key(file_key)
                .map(|(stanzas, _labels)| stanzas)
                .map_err(|e| KeyError::Encrypt(e.to_string()))
        };
        match self {
            AgeRecipient::X25519(_, k) => wrap(k),
            AgeRecipient::MlKem768X25519(_, k) => wrap(k),
            AgeRecipient::SshEd25519(_, k) | AgeRecipient::SshRsa(_, k) => wrap(k),
            AgeRecipient::Plugin(_, k) => {
                let plugin = age::plugin::RecipientPluginV1::new(
                    k.plugin(),
                    std::slice::from_ref(k),
                    &[],
                    PromptCallbacks(terminal_prompt()),
                )
                .map_err(|e| KeyError::Encrypt(plugin_problem(&e)))?;
                wrap(&plugin)
            }
        }
    }
}

/// Why an age plugin cannot be used, in one line.
pub(crate) fn plugin_problem(e: &age::plugin::ResolveError) -> String {
    match e {
        age::plugin::ResolveError::MissingPlugin { binary_name } => {
            format!("the age plugin {binary_name} is not on PATH (install it to use this key)")
        }
        age::plugin::ResolveError::InvalidPluginName { name } => {
            format!("invalid age plugin name {name:?}")
        }
        other => other
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Asks the user for a passphrase (or a plugin's PIN); gets a description such as
/// `Enter passphrase for identity file /path`. `None` = no passphrase available.
pub type PassphrasePrompt = std::sync::Arc<dyn Fn(&str) -> Option<Zeroizing<String>> + Send + Sync>;

/// Prompts on the terminal.
pub fn terminal_prompt() -> PassphrasePrompt {
    std::sync::Arc::new(|description: &str| {
        rpassword::prompt_password(format!("{description}: "))
            .ok()
            .map(Zeroizing::new)
    })
}

/// age callbacks that route passphrase and PIN requests (encrypted SSH keys, plugins) to the
/// prompt and plugin messages to stderr.
#[derive(Clone)]
pub(crate) struct PromptCallbacks(pub(crate) PassphrasePrompt);

impl age::Callbacks for PromptCallbacks {
    fn display_message(&self, message: &str) {
        eprintln!("{message}");
    }
    fn confirm(&self, _: &str, _: &str, _: Option<&str>) -> Option<bool> {
        None
    }
    fn request_public_string(&self, _: &str) -> Option<String> {
        None
    }
    fn request_passphrase(&self, description: &str) -> Option<age::secrecy::SecretString> {
        (self.0)(description).map(|p| age::secrecy::SecretString::from(p.as_str().to_owned()))
    }
}

fn ssh_parse_reason(e: &age::ssh::ParseRecipientKeyError) -> String {
    match e {
        age::ssh::ParseRecipientKeyError::Ignore => "ignored SSH key".to_string(),
        age::ssh::ParseRecipientKeyError::Invalid(r) => (*r).to_string(),
        age::ssh::ParseRecipientKeyError::RsaModulusTooLarge => "RSA modulus too large".to_string(),
        age::ssh::ParseRecipientKeyError::RsaModulusTooSmall => "RSA modulus too small".to_string(),
        age::ssh::ParseRecipientKeyError::Unsupported(t) => format!("unsupported SSH key type {t}"),
        _ => "invalid SSH public key".to_string(),
    }
}

impl FromStr for AgeRecipient {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<Self, KeyError> {
        Self::parse(s)
    }
}

impl fmt::Display for AgeRecipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for AgeRecipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AgeRecipient({}: {})", self.kind(), self.as_str())
    }
}

impl PartialEq for AgeRecipient {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}
impl Eq for AgeRecipient {}

/// Largest payload [`wrap`] accepts: one age STREAM chunk.
const MAX_WRAP_LEN: usize = 64 * 1024;

/// Encrypts `secret` (the 32-byte data key or a 33-byte Shamir share) to one recipient as an
/// armored age v1 file, as sops writes it (`-----BEGIN AGE ENCRYPTED FILE-----\n`, 64-column
/// base64, `-----END AGE ENCRYPTED FILE-----\n`).
///
/// The file has the recipient's stanza (one, except for plugins that write several) and no
/// other: the `age` crate's encryptor would add a random "grease" stanza, so the header and the
/// single-chunk payload are assembled here; the stanzas come from the recipient implementation.
pub fn wrap(recipient: &AgeRecipient, secret: &[u8]) -> Result<String, KeyError> {
    if secret.len() > MAX_WRAP_LEN {
        return Err(KeyError::Encrypt(format!(
            "payload of {} bytes is larger than one age chunk",
            secret.len()
        )));
    }
    let file_key = FileKey::init_with_mut(|k| OsRng.fill_bytes(k));
    let stanzas = recipient.wrap_file_key(&file_key)?;
    if stanzas.is_empty() {
        return Err(KeyError::Encrypt(
            "the recipient wrote no stanza".to_string(),
        ));
    }

    // Header: version line, the stanzas, then the MAC over everything up to "---".
    let mut file = b"age-encryption.org/v1\n".to_vec();
    for stanza in &stanzas {
        file.extend_from_slice(b"-> ");
        file.extend_from_slice(stanza.tag.as_bytes());
        for arg in &stanza.args {
            file.push(b' ');
            file.extend_from_slice(arg.as_bytes());
        }
        file.push(b'\n');
        let body = STANDARD_NO_PAD.encode(&stanza.body);
        for line in body.as_bytes().chunks(64) {
            file.extend_from_slice(line);
            file.push(b'\n');
        }
        if body.len() % 64 == 0 {
            file.push(b'\n'); // the final body line is always shorter than 64 columns
        }
    }
    file.extend_from_slice(b"---");
    let mac_key = Zeroizing::new(hkdf(b"", b"header", file_key.expose_secret()));
    let mac = <Hmac<Sha256> as Mac>::new_from_slice(mac_key.as_ref())
        .expect("HMAC takes any key length")
        .chain_update(&file)
        .finalize()
        .into_bytes();
    file.push(b' ');
    file.extend_from_slice(STANDARD_NO_PAD.encode(mac).as_bytes());
    file.push(b'\n');

    // Payload: nonce, then STREAM with a single (last) chunk.
    let mut nonce = [0u8; 16];
    OsRng.fill_bytes(&mut nonce);
    let payload_key = Zeroizing::new(hkdf(&nonce, b"payload", file_key.expose_secret()));
    let mut chunk_nonce = [0u8; 12];
    chunk_nonce[11] = 1; // counter 0, last-chunk flag
    let chunk = ChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(payload_key.as_ref()))
        .encrypt(chacha20poly1305::Nonce::from_slice(&chunk_nonce), secret)
        .map_err(|_| KeyError::Encrypt("payload encryption failed".to_string()))?;
    file.extend_from_slice(&nonce);
    file.extend_from_slice(&chunk);

    // ASCII armor: padded base64 in 64-column lines.
    let b64 = STANDARD.encode(&file);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 80);
    out.push_str("-----BEGIN AGE ENCRYPTED FILE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str("-----END AGE ENCRYPTED FILE-----\n");
    Ok(out)
}

/// Decrypts an (armored or binary) age file with the given identities.
///
/// `Ok(None)` when no identity matches a stanza; `Err` for malformed input.
pub(crate) fn decrypt_with(
    enc: &[u8],
    identities: &[&dyn age::Identity],
) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
    if enc.is_empty() {
        return Err(KeyError::Malformed("empty age ciphertext".to_string()));
    }
    let reader = ArmoredReader::new(enc);
    let decryptor = age::Decryptor::new(reader).map_err(|e| KeyError::Malformed(e.to_string()))?;
    if identities.is_empty() {
        return Ok(None);
    }
    match decryptor.decrypt(identities.iter().copied()) {
        Ok(mut stream) => {
            let mut plain = Zeroizing::new(Vec::with_capacity(64));
            stream
                .read_to_end(&mut plain)
                .map_err(|e| KeyError::Malformed(format!("age payload: {e}")))?;
            Ok(Some(plain))
        }
        Err(age::DecryptError::NoMatchingKeys) => Ok(None),
        Err(e) => Err(KeyError::Malformed(e.to_string())),
    }
}

/// A new X25519 identity: (`AGE-SECRET-KEY-1…`, `age1…`).
///
/// The CLI builds the age-keygen style file (`# created:`, `# public key:` lines) from these.
pub fn keygen() -> (Zeroizing<String>, String) {
    let identity = age::x25519::Identity::generate();
    let secret = Zeroizing::new(identity.to_string().expose_secret().to_string());
    (secret, identity.to_public().to_string())
}

/// A new post-quantum hybrid identity: (`AGE-SECRET-KEY-PQ-1…`, `age1pq1…`).
pub fn keygen_pq() -> (Zeroizing<String>, String) {
    let identity = PqIdentity::generate();
    (
        identity.to_secret_string(),
        identity.to_public().to_string(),
    )
}

#[cfg(test)]
#[path = "age_tests.rs"]
pub(crate) mod tests;
