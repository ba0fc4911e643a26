//! Whole-file operations shared by the commands: encrypt a plaintext document for a set of
//! recipients, open an encrypted one (recover the data key, decrypt, verify the MAC), and seal
//! a decrypted one again.

use crate::crypto::datakey::DataKey;
use crate::crypto::mac::mac_aad;
use crate::crypto::{auth, cipher};
use crate::error::{Code, Failure, Result};
use crate::format::{Document, Kind, Store, finish_lossless, take_lossless_edits};
use crate::keys::groups::{self, KeySource, Recipients};
use crate::pipeline::metadata::Metadata;
use crate::pipeline::record::LosslessRecord;
use crate::pipeline::selector::Rule;
use crate::pipeline::walk::{self, IvCache, WalkError};

/// The version written into new files' metadata. It names the sops format level veil writes
/// (sops's readers check it is semver and compare it with 3.3.0).
pub const FORMAT_VERSION: &str = "3.11.0";

/// Metadata field where veil records when the data key was created (for `veil check
/// --max-age`). sops ignores it when reading and drops it when it rewrites a file; `check` then
/// falls back to git history.
pub const DATA_KEY_CREATED_FIELD: &str = "veil_datakey_created";

/// How a new file is encrypted.
#[derive(Debug, Clone)]
pub struct EncryptOptions {
    pub recipients: Recipients,
    /// None for the binary store, which has no selection rule.
    pub rule: Option<Rule>,
    pub mac_only_encrypted: bool,
}

/// A decrypted file: its tree (plaintext), metadata and data key.
pub struct Opened {
    pub doc: Document,
    pub meta: Metadata,
    pub key: DataKey,
    pub layout: LosslessRecord,
    pub ivs: IvCache,
    /// The plaintext MAC as recomputed over the decrypted values.
    pub mac: String,
    pub store: &'static dyn Store,
    /// What became of veil's whole-document authenticator.
    pub auth: AuthStatus,
}

/// The outcome of the check of veil's whole-document authenticator (format §9.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthStatus {
    /// The authenticator matches the file.
    Verified,
    /// The file has none (or a stale one) and its MAC was written by sops or an older veil:
    /// it was read as sops reads it; the caller prints [`auth_notice`].
    Missing,
    /// Not checked (`--ignore-mac`).
    Skipped,
}

static REQUIRE_AUTHENTICATOR: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Makes a missing authenticator an error rather than a notice (`--require-authenticator`,
/// `veil.require_authenticator` in `.sops.yaml`).
pub fn set_require_authenticator(on: bool) {
    REQUIRE_AUTHENTICATOR.store(on, std::sync::atomic::Ordering::Relaxed);
}

fn require_authenticator() -> bool {
    REQUIRE_AUTHENTICATOR.load(std::sync::atomic::Ordering::Relaxed)
}

/// The one notice printed for a file read without an authenticator.
pub fn auth_notice(name: &str, status: AuthStatus) {
    if status == AuthStatus::Missing {
        eprintln!(
            "veil: notice: {}: no veil authenticator (the file was last written by sops or an older veil); its values are checked by the sops MAC, its keys, types, comments and metadata are not; the next veil write adds one",
            crate::fsio::sanitize(name)
        );
    }
}

pub(crate) fn walk_failure(e: WalkError, encrypting: bool) -> Failure {
    let code = match (&e, encrypting) {
        (_, true) => Code::EncryptingTree,
        (WalkError::NotEncrypted { .. }, false) => Code::DecryptingTree,
        _ => Code::DecryptingTree,
    };
    Failure::new(code, e.to_string())
}

/// Now, as sops writes `lastmodified`.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("0 is a valid nanosecond");
    crate::pipeline::tree::format_time(now)
}

/// A new data key, wrapped for the recipients of `opts`, and the metadata of a new file.
pub(crate) fn new_file(opts: &EncryptOptions) -> Result<(DataKey, Metadata, Rule)> {
    let key = DataKey::generate();
    let (key_groups, threshold) = groups::wrap(&opts.recipients, key.as_bytes())?;
    let (rule_field, rule) = match &opts.rule {
        Some(r) => {
            let (f, v) = r.field();
            (Some((f.to_string(), v)), r.clone())
        }
        None => (None, Rule::default()),
    };
    let mut meta = Metadata {
        key_groups,
        shamir_threshold: threshold,
        rule: rule_field,
        mac_only_encrypted: opts.mac_only_encrypted,
        version: FORMAT_VERSION.to_string(),
        ..Default::default()
    };
    meta.extra.push((
        DATA_KEY_CREATED_FIELD.to_string(),
        serde_json::Value::String(now_rfc3339()),
    ));
    Ok((key, meta, rule))
}

/// Encrypts a freshly parsed plaintext document and returns the bytes of the encrypted file in
/// `out_kind` (lossless when it is the document's own format).
pub fn encrypt_new(
    store: &'static dyn Store,
    doc: &mut Document,
    opts: &EncryptOptions,
    out_kind: Kind,
) -> Result<Vec<u8>> {
    let (key, meta, rule) = new_file(opts)?;
    seal(store, doc, &key, meta, &rule, SealOptions::fresh(out_kind))
}

/// Sets `lastmodified` and the encrypted MAC, unless the MAC is unchanged since the file was
/// opened (`previous_mac`) and the file has one.
///
/// veil encrypts the MAC with the IV [`auth::mac_iv`] (format §9.6): a MAC kept from a sops write
/// is encrypted again with it (same `lastmodified`), so that every file veil writes says so.
pub(crate) fn seal_mac(
    meta: &mut Metadata,
    key: &DataKey,
    mac: String,
    previous_mac: Option<&str>,
) {
    let unchanged = previous_mac == Some(mac.as_str()) && !meta.mac.is_empty();
    if unchanged && mac_written_by_veil(meta, key, &mac) {
        return;
    }
    let aad = match mac_aad(&meta.lastmodified) {
        Some(aad) if unchanged => aad,
        _ => {
            meta.lastmodified = now_rfc3339();
            mac_aad(&meta.lastmodified).expect("a freshly formatted time parses")
        }
    };
    let iv = auth::mac_iv(key.as_bytes(), &aad, &mac);
    meta.mac = cipher::encrypt_bytes(key.as_bytes(), &iv, mac.as_bytes(), "str", aad.as_bytes());
}

/// Was the file's (verified) MAC `mac` encrypted by veil, i.e. with the IV [`auth::mac_iv`]?
fn mac_written_by_veil(meta: &Metadata, key: &DataKey, mac: &str) -> bool {
    use base64::Engine as _;
    let Some(aad) = mac_aad(&meta.lastmodified) else {
        return false;
    };
    let Ok(parts) = cipher::parse_enc(&meta.mac) else {
        return false;
    };
    let Ok(iv) = base64::engine::general_purpose::STANDARD.decode(parts.iv) else {
        return false;
    };
    iv == auth::mac_iv(key.as_bytes(), &aad, mac)
}

/// Checks veil's whole-document authenticator of a file whose MAC verified (`mac` is the
/// plaintext MAC) against its bytes `src` (format §9.6). A file whose MAC veil wrote must have a
/// matching authenticator: anything else fails closed. A file whose MAC sops (or an older veil)
/// wrote is read as sops reads it ([`AuthStatus::Missing`]), unless an authenticator is required.
pub fn check_authenticator(
    meta: &Metadata,
    key: &DataKey,
    src: &[u8],
    mac: &str,
) -> Result<AuthStatus> {
    if let Some(value) = &meta.auth
        && auth::verify(key.as_bytes(), src, value)
    {
        return Ok(AuthStatus::Verified);
    }
    if mac_written_by_veil(meta, key, mac) {
        let what = if meta.auth.is_some() {
            "veil's whole-document authenticator (veil_auth) does not match"
        } else {
            "veil's whole-document authenticator (veil_auth) was removed"
        };
        return Err(Failure::new(
            Code::MacMismatch,
            format!(
                "the document's structure changed after veil wrote it: {what} (keys, types, comments, positions or metadata were changed or the file was rolled back in part); --ignore-mac skips the check"
            ),
        ));
    }
    if require_authenticator() {
        return Err(Failure::new(
            Code::MacMismatch,
            "the file has no veil authenticator (written by sops or an older veil) and one is required (--require-authenticator or veil.require_authenticator); after checking it, any veil write (set, edit, rotate…) adds one",
        ));
    }
    Ok(AuthStatus::Missing)
}

/// Sets a fresh placeholder as the file's authenticator, to be replaced by [`stamp`] in the
/// rendered bytes; returns it.
pub(crate) fn auth_placeholder(meta: &mut Metadata) -> String {
    let p = auth::placeholder();
    meta.auth = Some(p.clone());
    p
}

/// Replaces the placeholder in a rendered file by its authenticator.
pub(crate) fn stamp(key: &DataKey, bytes: &mut [u8], placeholder: &str) -> Result<()> {
    if auth::stamp(key.as_bytes(), bytes, placeholder) {
        Ok(())
    } else {
        Err(Failure::new(
            Code::EncryptingTree,
            "cannot place veil's authenticator in the file being written",
        ))
    }
}

/// How [`seal`] writes a file: what it keeps from the file it was opened from, and its format.
#[derive(Clone, Copy)]
pub struct SealOptions<'a> {
    /// The ciphertexts (IVs) of the values as the file was opened: unchanged values keep them,
    /// so their lines do not change.
    pub ivs: Option<&'a IvCache>,
    /// The plaintext MAC the file had when it was opened: `lastmodified` and the MAC are kept
    /// when no value changed.
    pub previous_mac: Option<&'a str>,
    /// The format written (another format than the store's is a re-rendering).
    pub out_kind: Kind,
    /// Entries were added or removed: the tree is written afresh rather than edited in place.
    pub restructured: bool,
}

impl<'a> SealOptions<'a> {
    /// A new file, or one under a new data key: nothing is kept.
    pub fn fresh(out_kind: Kind) -> Self {
        SealOptions {
            ivs: None,
            previous_mac: None,
            out_kind,
            restructured: false,
        }
    }

    /// A change of an opened file (its IVs and plaintext MAC, from [`Opened`]).
    pub fn keeping(ivs: &'a IvCache, previous_mac: &'a str, out_kind: Kind) -> Self {
        SealOptions {
            ivs: Some(ivs),
            previous_mac: Some(previous_mac),
            out_kind,
            restructured: false,
        }
    }

    /// The same, for a tree whose entries were added or removed (`restructured`).
    pub fn restructured(self, restructured: bool) -> Self {
        SealOptions {
            restructured,
            ..self
        }
    }
}

/// Encrypts the (plaintext) tree of `doc` with `key` and writes it with `meta`, keeping what
/// `how` says from the file it was opened from.
pub fn seal(
    store: &'static dyn Store,
    doc: &mut Document,
    key: &DataKey,
    mut meta: Metadata,
    rule: &Rule,
    how: SealOptions<'_>,
) -> Result<Vec<u8>> {
    let SealOptions {
        ivs,
        previous_mac,
        out_kind,
        restructured,
    } = how;
    let mut layout = LosslessRecord::default();
    let mac = walk::encrypt(
        store,
        doc,
        key.as_bytes(),
        rule,
        meta.mac_only_encrypted,
        &mut layout,
        ivs,
    )
    .map_err(|e| walk_failure(e, true))?;
    seal_mac(&mut meta, key, mac, previous_mac);
    let placeholder = auth_placeholder(&mut meta);
    // A tree whose structure changed (entries added or removed) is written afresh.
    let lossless = out_kind == store.kind() && out_kind != Kind::Binary && !restructured;
    let mut bytes = if lossless {
        // Edits first: a store may add layout records while making them (YAML aliases).
        let edits = take_lossless_edits(store, doc, &mut layout);
        meta.layout = layout.seal(key.as_bytes(), meta.layout.as_ref());
        let bytes = finish_lossless(store, doc, edits, Some(&meta.to_value()));
        check_yaml_flow_closers(store, &doc.src, &bytes)?;
        bytes
    } else {
        meta.layout = None;
        out_kind
            .store()
            .emit(&doc.docs, Some(&meta.to_value()))
            .map_err(|e| Failure::new(Code::Generic, e.to_string()))?
    };
    stamp(key, &mut bytes, &placeholder)?;
    Ok(bytes)
}

/// YAML only: a document whose top-level mapping is itself in flow style (`{a: 1}`) — accepted
/// by yaml.v3, so by sops — cannot take block metadata after it. Rather than write a file veil
/// cannot read back, veil refuses and says how to fix the input. The check re-parses the output
/// only when a line of the input starts with a flow bracket.
fn check_yaml_flow_closers(store: &dyn Store, src: &[u8], out: &[u8]) -> Result<()> {
    if store.kind() != Kind::Yaml {
        return Ok(());
    }
    let Some(line) = yaml_flow_closer_line(src) else {
        return Ok(());
    };
    match store.parse(out.to_vec()) {
        Ok(_) => Ok(()),
        Err(_) => Err(Failure::new(
            Code::EncryptingTree,
            format!(
                "line {}: veil cannot append its metadata to this layout: the top-level mapping is in flow style ({{…}}); write the top level in block style",
                line + 1
            ),
        )),
    }
}

/// The first line (0-based) that starts, after blanks, with a flow bracket.
pub(crate) fn yaml_flow_closer_line(src: &[u8]) -> Option<usize> {
    src.split(|&b| b == b'\n').position(|l| {
        let t = l.trim_ascii_start();
        t.first().is_some_and(|c| matches!(c, b']' | b'}' | b'{'))
    })
}

/// Reads the metadata of a parsed document (error when the file is not encrypted).
pub fn metadata_of(doc: &Document) -> Result<Metadata> {
    let value = doc
        .metadata
        .as_ref()
        .ok_or_else(|| Failure::new(Code::Generic, "sops metadata not found"))?;
    Metadata::from_value(value).map_err(|e| Failure::new(Code::Generic, e.to_string()))
}

/// Recovers the data key of an encrypted document.
pub fn data_key(meta: &Metadata, keys: &dyn KeySource) -> Result<DataKey> {
    Ok(groups::unwrap(meta, keys)?)
}

/// Decrypts a parsed encrypted document with a known data key, verifying the MAC unless
/// `ignore_mac`.
pub fn open_with_key(
    store: &'static dyn Store,
    mut doc: Document,
    meta: Metadata,
    key: DataKey,
    ignore_mac: bool,
    keep_ivs: bool,
) -> Result<Opened> {
    let layout = open_layout(&meta, &key)?;
    let rule = meta.selection_rule().map_err(|e| {
        Failure::new(
            Code::Generic,
            format!("invalid selection rule in metadata: {e}"),
        )
    })?;
    let mut ivs = IvCache::default();
    let mac = walk::decrypt(
        &mut doc,
        key.as_bytes(),
        &rule,
        meta.mac_only_encrypted,
        &layout,
        keep_ivs.then_some(&mut ivs),
    )
    .map_err(|e| walk_failure(e, false))?;
    let mut meta = meta;
    let auth = match verify_mac(&meta, &key, &mac) {
        Ok(()) if ignore_mac => AuthStatus::Skipped,
        Ok(()) => check_authenticator(&meta, &key, &doc.src, &mac)?,
        Err(f) if !ignore_mac => return Err(f),
        // Ignored: the file's MAC is dropped, so that a change written back gets a MAC computed
        // anew instead of keeping the one that does not match.
        Err(_) => {
            meta.mac.clear();
            AuthStatus::Skipped
        }
    };
    if keep_ivs && store.kind() == Kind::Yaml {
        // To be written again: copies written for aliases become aliases again.
        crate::format::yaml::aliases_into_tree(&mut doc, &layout);
    }
    Ok(Opened {
        doc,
        meta,
        key,
        layout,
        ivs,
        mac,
        store,
        auth,
    })
}

/// The layout record of a file's metadata, decrypted (empty when the file has none).
pub(crate) fn open_layout(meta: &Metadata, key: &DataKey) -> Result<LosslessRecord> {
    match &meta.layout {
        Some(sealed) => LosslessRecord::open(key.as_bytes(), sealed).map_err(|e| {
            Failure::new(
                Code::DecryptingTree,
                format!("cannot decrypt veil's layout record: {e}"),
            )
        }),
        None => Ok(LosslessRecord::default()),
    }
}

/// Compares the recomputed MAC with the stored one (docs/format.md §6.2). Fails closed.
pub fn verify_mac(meta: &Metadata, key: &DataKey, computed: &str) -> Result<()> {
    if meta.mac.is_empty() {
        return Err(Failure::new(
            Code::MacMismatch,
            "MAC mismatch: the file has no MAC",
        ));
    }
    let aad = mac_aad(&meta.lastmodified).ok_or_else(|| {
        Failure::new(
            Code::MacMismatch,
            "MAC mismatch: lastmodified is not a valid time",
        )
    })?;
    let stored = cipher::decrypt(key.as_bytes(), &meta.mac, aad.as_bytes()).map_err(|_| {
        Failure::new(
            Code::MacMismatch,
            "MAC mismatch: cannot decrypt the MAC (was the metadata edited?)",
        )
    })?;
    if stored.0.as_str() != Some(computed) {
        return Err(Failure::new(
            Code::MacMismatch,
            "MAC mismatch: the file has been tampered with or corrupted",
        ));
    }
    Ok(())
}

/// Parses and decrypts an encrypted file's bytes (to read it).
pub fn open(
    store: &'static dyn Store,
    src: Vec<u8>,
    keys: &dyn KeySource,
    ignore_mac: bool,
) -> Result<Opened> {
    open_file_bytes(store, src, keys, ignore_mac, false)
}

/// Parses and decrypts an encrypted file's bytes to change it: the IVs of its values are kept
/// so that unchanged values keep their ciphertext when it is sealed again.
pub fn open_for_rewrite(
    store: &'static dyn Store,
    src: Vec<u8>,
    keys: &dyn KeySource,
) -> Result<Opened> {
    open_file_bytes(store, src, keys, false, true)
}

/// Parses and decrypts an encrypted file's bytes.
pub fn open_file_bytes(
    store: &'static dyn Store,
    src: Vec<u8>,
    keys: &dyn KeySource,
    ignore_mac: bool,
    keep_ivs: bool,
) -> Result<Opened> {
    open_known(store, src, keys, ignore_mac, keep_ivs, None)
}

/// [`open_file_bytes`], with the data key already recovered from a reading of the metadata
/// (used when it is the metadata the file holds).
pub fn open_known(
    store: &'static dyn Store,
    src: Vec<u8>,
    keys: &dyn KeySource,
    ignore_mac: bool,
    keep_ivs: bool,
    known: Option<(serde_json::Value, DataKey)>,
) -> Result<Opened> {
    let doc = store
        .parse(src)
        .map_err(|e| Failure::new(Code::CouldNotReadInput, e.to_string()))?;
    let meta = metadata_of(&doc)?;
    meta.validate_for_decryption()
        .map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
    let key = match known {
        Some((value, key)) if doc.metadata.as_ref() == Some(&value) => key,
        _ => data_key(&meta, keys)?,
    };
    open_with_key(store, doc, meta, key, ignore_mac, keep_ivs)
}
