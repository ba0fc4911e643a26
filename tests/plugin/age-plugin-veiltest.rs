//! `age-plugin-veiltest`: a small age plugin for veil's tests of the age plugin protocol.
//!
//! Its keys are X25519 keys under the plugin's own names: recipients `age1veiltest1…` carry the
//! 32-byte public key, identities `AGE-PLUGIN-VEILTEST-1…` the 32-byte secret key. It wraps a
//! file key as age's X25519 recipient type does, in a stanza tagged `veiltest`, so only this
//! plugin opens it. `age-plugin-veiltest --generate` prints a new identity file.

use std::collections::{HashMap, HashSet};
use std::io;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use age_core::format::{FileKey, Stanza};
use age_core::primitives::{bech32_decode, bech32_encode};
use age_plugin::identity::{self, IdentityPluginV1};
use age_plugin::recipient::{self, RecipientPluginV1};
use age_plugin::{Callbacks, PluginHandler, run_state_machine};

const NAME: &str = "veiltest";
const TAG: &str = "veiltest";

fn x25519_recipient(public: &[u8]) -> Option<age::x25519::Recipient> {
    let hrp = bech32::Hrp::parse("age").ok()?;
    age::x25519::Recipient::from_str(&bech32_encode(hrp, public)).ok()
}

fn x25519_identity(secret: &[u8]) -> Option<age::x25519::Identity> {
    let hrp = bech32::Hrp::parse("age-secret-key-").ok()?;
    age::x25519::Identity::from_str(&bech32_encode(hrp, secret).to_uppercase()).ok()
}

struct Handler;

impl PluginHandler for Handler {
    type RecipientV1 = Wrap;
    type IdentityV1 = Unwrap;

    fn recipient_v1(self) -> io::Result<Wrap> {
        Ok(Wrap(Vec::new()))
    }

    fn identity_v1(self) -> io::Result<Unwrap> {
        Ok(Unwrap(Vec::new()))
    }
}

struct Wrap(Vec<age::x25519::Recipient>);

impl RecipientPluginV1 for Wrap {
    fn add_recipient(
        &mut self,
        index: usize,
        _: &str,
        bytes: &[u8],
    ) -> Result<(), recipient::Error> {
        let r = x25519_recipient(bytes).ok_or(recipient::Error::Recipient {
            index,
            message: "not a veiltest recipient".into(),
        })?;
        self.0.push(r);
        Ok(())
    }

    fn add_identity(
        &mut self,
        index: usize,
        _: &str,
        bytes: &[u8],
    ) -> Result<(), recipient::Error> {
        let id = x25519_identity(bytes).ok_or(recipient::Error::Identity {
            index,
            message: "not a veiltest identity".into(),
        })?;
        self.0.push(id.to_public());
        Ok(())
    }

    fn labels(&mut self) -> HashSet<String> {
        HashSet::new()
    }

    fn wrap_file_keys(
        &mut self,
        file_keys: Vec<FileKey>,
        _: impl Callbacks<recipient::Error>,
    ) -> io::Result<Result<Vec<Vec<Stanza>>, Vec<recipient::Error>>> {
        let mut out = Vec::new();
        for fk in &file_keys {
            let mut stanzas = Vec::new();
            for r in &self.0 {
                let (wrapped, _) =
                    age::Recipient::wrap_file_key(r, fk).map_err(io::Error::other)?;
                stanzas.extend(wrapped.into_iter().map(|mut s| {
                    s.tag = TAG.to_string();
                    s
                }));
            }
            out.push(stanzas);
        }
        Ok(Ok(out))
    }
}

struct Unwrap(Vec<age::x25519::Identity>);

impl IdentityPluginV1 for Unwrap {
    fn add_identity(&mut self, index: usize, _: &str, bytes: &[u8]) -> Result<(), identity::Error> {
        let id = x25519_identity(bytes).ok_or(identity::Error::Identity {
            index,
            message: "not a veiltest identity".into(),
        })?;
        self.0.push(id);
        Ok(())
    }

    fn unwrap_file_keys(
        &mut self,
        files: Vec<Vec<Stanza>>,
        _: impl Callbacks<identity::Error>,
    ) -> io::Result<HashMap<usize, Result<FileKey, Vec<identity::Error>>>> {
        let mut out = HashMap::new();
        for (i, stanzas) in files.iter().enumerate() {
            'stanzas: for s in stanzas.iter().filter(|s| s.tag == TAG) {
                let native = Stanza {
                    tag: "X25519".to_string(),
                    args: s.args.clone(),
                    body: s.body.clone(),
                };
                for id in &self.0 {
                    if let Some(Ok(fk)) = age::Identity::unwrap_stanza(id, &native) {
                        out.insert(i, Ok(fk));
                        break 'stanzas;
                    }
                }
            }
        }
        Ok(out)
    }
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut machine = None;
    let mut i = 0;
    while i < args.len() {
        if let Some(m) = args[i].strip_prefix("--age-plugin=") {
            machine = Some(m.to_string());
        } else if args[i] == "--age-plugin" {
            machine = args.get(i + 1).cloned();
            i += 1;
        } else if args[i] == "--generate" {
            let id = age::x25519::Identity::generate();
            let secret = id.to_string();
            let decode = |s: &str| {
                bech32_decode(s, |_| (), |_| Ok(()), |_, b| Ok::<Vec<u8>, ()>(b.collect()))
                    .map_err(|_| io::Error::other("cannot decode the new key"))
            };
            let bytes = decode(secret.expose_secret())?;
            let pbytes = decode(&id.to_public().to_string())?;
            age_plugin::print_new_identity(NAME, &bytes, &pbytes);
            return Ok(());
        }
        i += 1;
    }
    match machine {
        Some(m) => run_state_machine(&m, Handler),
        None => {
            eprintln!("age-plugin-veiltest: run by age clients with --age-plugin=…, or --generate");
            std::process::exit(2)
        }
    }
}
