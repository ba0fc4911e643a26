//! `veil encrypt`.

use std::path::Path;

use clap::Args;

use super::FileIo;
use super::selection::{SelectionFlags, encrypt_options};
use crate::error::{Code, Failure, Result};
use crate::format::{Document, Kind};
use crate::fsio::{Input, kind_for, open_io};
use crate::keys::recipients::{KeyFlags, resolve_recipients};
use crate::pipeline::stream::{self, Streamed};
use crate::pipeline::whole;

#[derive(Debug, Args)]
pub struct EncryptArgs {
    #[command(flatten)]
    pub io: FileIo,

    #[command(flatten)]
    pub keys: KeyArgs,

    /// Number of key groups needed to recover the data key (with several key groups)
    #[arg(long, value_name = "N")]
    pub shamir_secret_sharing_threshold: Option<u32>,

    #[command(flatten)]
    pub selection: SelectionFlags,

    /// Lay the file out as sops does (re-rendered: sops's indentation — `--indent` or the
    /// `stores:` settings of .sops.yaml —, quoting and timestamps) instead of keeping the
    /// input's layout; decrypting then gives the re-rendered text
    #[arg(long)]
    pub sops_layout: bool,
}

/// The master keys of a new file. Any of them replaces the creation rule's keys (one group).
#[derive(Debug, Args, Clone, Default)]
pub struct KeyArgs {
    /// age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …),
    /// comma-separated
    #[arg(
        short = 'a',
        long,
        env = "SOPS_AGE_RECIPIENTS",
        value_name = "RECIPIENTS"
    )]
    pub age: Option<String>,
    /// PGP fingerprints, comma-separated (encrypted through gpg)
    #[arg(short = 'p', long, env = "SOPS_PGP_FP", value_name = "FINGERPRINTS")]
    pub pgp: Option<String>,
    /// AWS KMS keys, comma-separated ARN[+ROLE_ARN]
    #[arg(short = 'k', long, env = "SOPS_KMS_ARN", value_name = "ARNS")]
    pub kms: Option<String>,
    /// KMS encryption context: key:value,key2:value2
    #[arg(long, value_name = "CONTEXT")]
    pub encryption_context: Option<String>,
    /// AWS profile for the KMS keys
    #[arg(long, value_name = "PROFILE")]
    pub aws_profile: Option<String>,
    /// GCP KMS resource IDs: refused (exit 113), veil cannot use GCP KMS
    #[arg(long, env = "SOPS_GCP_KMS_IDS", value_name = "IDS", hide = true)]
    pub gcp_kms: Option<String>,
    /// Azure Key Vault URLs: refused (exit 113), veil cannot use Azure Key Vault
    #[arg(
        long,
        env = "SOPS_AZURE_KEYVAULT_URLS",
        value_name = "URLS",
        hide = true
    )]
    pub azure_kv: Option<String>,
    /// HashiCorp Vault transit URIs: refused (exit 113), veil cannot use Vault
    #[arg(long, env = "SOPS_VAULT_URIS", value_name = "URIS", hide = true)]
    pub hc_vault_transit: Option<String>,
    /// HuaweiCloud KMS key IDs: refused (exit 113), veil cannot use HuaweiCloud KMS
    #[arg(
        long,
        env = "SOPS_HUAWEICLOUD_KMS_IDS",
        value_name = "IDS",
        hide = true
    )]
    pub hckms: Option<String>,
}

impl KeyArgs {
    pub fn flags(&self) -> KeyFlags {
        KeyFlags {
            age: self.age.clone(),
            pgp: self.pgp.clone(),
            kms: self.kms.clone(),
            encryption_context: self.encryption_context.clone(),
            aws_profile: self.aws_profile.clone(),
            gcp_kms: self.gcp_kms.clone(),
            azure_kv: self.azure_kv.clone(),
            hc_vault_transit: self.hc_vault_transit.clone(),
            hckms: self.hckms.clone(),
        }
    }
}

pub fn run(args: EncryptArgs, config: Option<&Path>) -> Result<()> {
    let io = &args.io;
    let input = Input::from_arg(io.file.as_deref());
    let name = io.filename_override.as_deref().or(input.path());
    if name.is_none() && io.input_type.is_none() {
        return Err(Failure::new(
            Code::ConflictingParameters,
            "cannot tell the format of standard input: pass --input-type or --filename-override",
        ));
    }
    let in_kind = kind_for(io.input_type, name);
    // Written in the input's format unless asked otherwise.
    let out_kind = io.output_type.unwrap_or(in_kind);
    // In place, the file is read under the lock its write is made under.
    let (mut src, mut out) = open_io(&input, io.in_place, io.output.as_deref())?;
    let what = input.display();
    if src.is_empty() {
        return Err(Failure::new(
            Code::NoDocument,
            format!("{what}: the file is empty, there is nothing to encrypt"),
        ));
    }
    // Whitespace is no document either (sops: "EOF" for YAML), after a byte order mark too; a
    // binary file is its bytes.
    let text = src.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&src);
    if in_kind != Kind::Binary && text.iter().all(u8::is_ascii_whitespace) {
        return Err(Failure::new(
            Code::NoDocument,
            format!("{what}: the file holds only whitespace, there is nothing to encrypt"),
        ));
    }
    // An encrypted binary file is JSON: detect it so it is not encrypted twice.
    if in_kind == Kind::Binary
        && let Ok(doc) = Kind::Json.store().parse(src.clone())
        && doc.metadata.is_some()
    {
        return Err(Failure::new(
            Code::AlreadyEncrypted,
            format!("{what}: the file is already encrypted"),
        ));
    }
    let store = in_kind.store();
    if args.sops_layout && in_kind != Kind::Binary {
        src = relayout(store, src, &what)?;
    }
    let resolved = resolve_recipients(
        config,
        name,
        &args.keys.flags(),
        args.shamir_secret_sharing_threshold,
    )?;
    let opts = encrypt_options(resolved, &args.selection, in_kind)?;
    let with_name = |f: Failure| Failure::new(f.code, format!("{what}: {}", f.message));
    // In one pass when the store can (the file is never whole in memory as a tree); else, or
    // when the input turns out to need the whole tree, parsed whole.
    let mut doc = Document::new(src, Vec::new());
    if out_kind == in_kind {
        let streamed = out.write_with(|w| {
            match stream::encrypt_stream(store, &mut doc, &opts, w).map_err(with_name)? {
                Streamed::Written => Ok(Some(())),
                Streamed::Unsupported(_) => Ok(None),
            }
        })?;
        if streamed.is_some() {
            return Ok(());
        }
    }
    let mut doc = store
        .parse(doc.src)
        .map_err(|e| Failure::new(Code::CouldNotReadInput, format!("{what}: {e}")))?;
    if doc.metadata.is_some() {
        return Err(Failure::new(
            Code::AlreadyEncrypted,
            format!("{what}: the file is already encrypted"),
        ));
    }
    let bytes = whole::encrypt_new(store, &mut doc, &opts, out_kind).map_err(with_name)?;
    out.write(&bytes)
}

/// The plaintext as sops would write it: parsed and emitted afresh by its store (an encrypted
/// input is left alone, for the caller to refuse).
fn relayout(store: &dyn crate::format::Store, src: Vec<u8>, what: &str) -> Result<Vec<u8>> {
    let doc = store
        .parse(src)
        .map_err(|e| Failure::new(Code::CouldNotReadInput, format!("{what}: {e}")))?;
    if doc.metadata.is_some() {
        return Ok(doc.src);
    }
    store
        .emit(&doc.docs, None)
        .map_err(|e| Failure::new(Code::CouldNotReadInput, format!("{what}: {e}")))
}
