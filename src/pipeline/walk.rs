//! The tree walk (docs/format.md §3–§6): encrypts or decrypts every selected leaf in place, with the path
//! string as additional data, and computes the MAC over the covered values in walk order.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::crypto::cipher::{self, CipherError};
use crate::crypto::mac::Mac;
use crate::format::{Document, Store};
use crate::pipeline::record::LosslessRecord;
use crate::pipeline::selector::Rule;
use crate::pipeline::tree::{Entry, Leaf, Node, Scalar};

/// Why a tree could not be encrypted or decrypted. Carries the leaf's path (keys are not
/// secret), never a value.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("cannot decrypt the value at {path}: {cause}")]
    Decrypt { path: String, cause: CipherError },
    #[error("the value at {path} should be encrypted but is not ({cause})")]
    NotEncrypted { path: String, cause: &'static str },
    #[error("the comment in {path} matches unencrypted_comment_regex but would be encrypted")]
    CommentConflict { path: String },
}

/// IVs of the values of a decrypted file, so that re-encrypting an unchanged value gives the
/// same ciphertext (format §2.3) and diffs stay minimal. Keyed by a hash of (path, type, plaintext).
///
/// An IV is only ever reused for the same (path, plaintext) it was made for — never with other
/// additional data — and at most once per encryption, so equal values in one list do not become
/// visibly equal. Equal values under one path (the items of a list, say) get their IVs back in
/// the order they were read, so each keeps its own ciphertext.
#[derive(Default)]
pub struct IvCache {
    ivs: HashMap<[u8; 32], Vec<[u8; 32]>>,
    used: std::cell::RefCell<std::collections::HashSet<[u8; 32]>>,
}

impl IvCache {
    fn key(aad: &str, type_name: &str, plain: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update((aad.len() as u64).to_le_bytes());
        h.update(aad.as_bytes());
        h.update(type_name.as_bytes());
        h.update([0]);
        h.update(plain);
        h.finalize().into()
    }

    fn remember(&mut self, aad: &str, type_name: &str, plain: &[u8], enc: &str) {
        use base64::Engine as _;
        if let Ok(p) = cipher::parse_enc(enc)
            && let Ok(iv) = base64::engine::general_purpose::STANDARD.decode(p.iv)
            && let Ok(iv) = <[u8; 32]>::try_from(iv.as_slice())
        {
            self.ivs
                .entry(Self::key(aad, type_name, plain))
                .or_default()
                .push(iv);
        }
    }

    /// Adds the IVs of another opening of a file under the *same data key* (a merge takes values
    /// from both sides of a merge): a value taken from the other side keeps its ciphertext too.
    /// Entries already known are kept.
    pub fn absorb(&mut self, other: IvCache) {
        for (k, iv) in other.ivs {
            self.ivs.entry(k).or_insert(iv);
        }
    }

    fn iv_for(&self, aad: &str, type_name: &str, plain: &[u8]) -> [u8; 32] {
        let mut used = self.used.borrow_mut();
        self.ivs
            .get(&Self::key(aad, type_name, plain))
            .and_then(|ivs| ivs.iter().find(|iv| !used.contains(*iv)).copied())
            .inspect(|iv| {
                used.insert(*iv);
            })
            .unwrap_or_else(cipher::random_iv)
    }
}

enum Mode<'a> {
    Encrypt {
        store: &'a dyn Store,
        layout: &'a mut LosslessRecord,
        ivs: Option<&'a IvCache>,
    },
    Decrypt {
        layout: &'a LosslessRecord,
        ivs: Option<&'a mut IvCache>,
    },
}

struct Walker<'a> {
    cipher: cipher::ValueCipher,
    rule: &'a Rule,
    mac: Mac,
    mode: Mode<'a>,
    /// Mapping keys from the root to the current container.
    path: Vec<String>,
    /// `path` joined with `:` plus a trailing `:` — the additional data.
    aad: String,
    /// The comment stack (§5), only kept for the comment rules.
    comments: Vec<Vec<String>>,
    /// A document with the source, for the store's default rendering during encryption.
    doc: &'a Document,
}

impl<'a> Walker<'a> {
    fn new(
        doc: &'a Document,
        key: &[u8; 32],
        rule: &'a Rule,
        mac_only_encrypted: bool,
        mode: Mode<'a>,
    ) -> Walker<'a> {
        Walker {
            cipher: cipher::ValueCipher::new(key),
            rule,
            mac: Mac::new(mac_only_encrypted),
            mode,
            path: Vec::new(),
            aad: String::new(),
            comments: Vec::new(),
            doc,
        }
    }

    fn push_key(&mut self, key: &str) -> usize {
        let len = self.aad.len();
        self.path.push(key.to_string());
        self.aad.push_str(key);
        self.aad.push(':');
        len
    }

    fn pop_key(&mut self, len: usize) {
        self.path.pop();
        self.aad.truncate(len);
    }

    fn container_aad(&self) -> String {
        if self.path.is_empty() {
            ":".to_string()
        } else {
            self.aad.clone()
        }
    }

    fn selected(&self, exclude_newest: bool) -> bool {
        let stack = &self.comments;
        self.rule.encrypts(&self.path, || {
            let mut all: Vec<&str> = stack.iter().flatten().map(String::as_str).collect();
            if exclude_newest {
                all.pop();
            }
            all
        })
    }

    fn note_comment(&mut self, text: &str) {
        if self.rule.uses_comments()
            && let Some(top) = self.comments.last_mut()
        {
            top.push(text.to_string());
        }
    }

    fn end_entry(&mut self) {
        if self.rule.uses_comments()
            && let Some(top) = self.comments.last_mut()
        {
            top.clear();
        }
    }

    fn node(&mut self, node: &mut Node) -> Result<(), WalkError> {
        match node {
            Node::Map(entries) => {
                self.comments.push(Vec::new());
                for e in entries.iter_mut() {
                    match e {
                        Entry::Pair(k, v) => {
                            let len = self.push_key(k);
                            self.node(v)?;
                            self.pop_key(len);
                            self.end_entry();
                        }
                        Entry::Comment(c) => self.comment(c)?,
                    }
                }
                self.comments.pop();
            }
            Node::Seq(items) => {
                self.comments.push(Vec::new());
                for item in items.iter_mut() {
                    if let Node::Comment(c) = item {
                        self.comment(c)?;
                        continue;
                    }
                    if let Some(comment) = self.node_in_seq(item)? {
                        *item = Node::Comment(comment);
                        continue;
                    }
                    self.end_entry();
                }
                self.comments.pop();
            }
            Node::Scalar(leaf) => {
                if let Some(comment) = self.scalar(leaf)? {
                    // A comment stored as a mapping value cannot be represented: keep it as text.
                    *leaf = comment;
                }
            }
            Node::Null | Node::Comment(_) => {}
            Node::Alias(a) => self.node(&mut a.target)?,
        }
        Ok(())
    }

    /// A sequence item; returns a comment leaf when the item was an encrypted comment (§6.3).
    fn node_in_seq(&mut self, node: &mut Node) -> Result<Option<Leaf>, WalkError> {
        match node {
            Node::Scalar(leaf) => self.scalar(leaf),
            other => self.node(other).map(|_| None),
        }
    }

    /// A scalar leaf. Returns `Some(comment)` when decryption reveals a sequence comment.
    fn scalar(&mut self, leaf: &mut Leaf) -> Result<Option<Leaf>, WalkError> {
        let selected = self.selected(false);
        let vc = &self.cipher;
        match &mut self.mode {
            Mode::Encrypt { store, layout, ivs } => {
                if matches!(&leaf.value, Scalar::Str(s) if s.is_empty()) {
                    return Ok(None);
                }
                let plain = leaf.value.canonical_bytes();
                self.mac.add(&plain, selected);
                if selected {
                    let type_name = leaf.value.type_name();
                    let iv = ivs
                        .map(|c| c.iv_for(&self.aad, type_name, &plain))
                        .unwrap_or_else(cipher::random_iv);
                    let enc = vc.encrypt_bytes(&iv, &plain, type_name, self.aad.as_bytes());
                    drop(plain);
                    if let Some(original) = original_text(self.doc, leaf) {
                        let default = store.render_value(self.doc, leaf, &leaf.value);
                        if default.as_bytes() != original {
                            layout.insert(
                                cipher::tag_of(&enc).unwrap_or_default(),
                                String::from_utf8_lossy(original).into_owned(),
                            );
                        }
                    }
                    leaf.set(Scalar::Str(enc), None);
                }
                Ok(None)
            }
            Mode::Decrypt { layout, ivs } => {
                if !selected {
                    self.mac.add(&leaf.value.canonical_bytes(), false);
                    return Ok(None);
                }
                let enc = match &leaf.value {
                    Scalar::Str(s) if s.is_empty() => return Ok(None),
                    Scalar::Str(s) => s.clone(),
                    _ => {
                        return Err(WalkError::NotEncrypted {
                            path: self.aad.clone(),
                            cause: "not a string",
                        });
                    }
                };
                let (plain, is_comment) =
                    vc.decrypt(&enc, self.aad.as_bytes())
                        .map_err(|cause| WalkError::Decrypt {
                            path: self.aad.clone(),
                            cause,
                        })?;
                let text = cipher::tag_of(&enc).and_then(|t| layout.get(t)).cloned();
                if is_comment {
                    let s = plain.as_str().unwrap_or_default().to_string();
                    self.note_comment(&s);
                    let mut c = leaf.clone();
                    c.set(plain, text);
                    return Ok(Some(c));
                }
                let canonical = plain.canonical_bytes();
                self.mac.add(&canonical, true);
                if let Some(ivs) = ivs {
                    ivs.remember(&self.aad, plain.type_name(), &canonical, &enc);
                }
                drop(canonical);
                leaf.set(plain, text);
                Ok(None)
            }
        }
    }

    fn comment(&mut self, leaf: &mut Leaf) -> Result<(), WalkError> {
        let text = leaf.value.as_str().unwrap_or_default().to_string();
        let vc = &self.cipher;
        // The comment itself is not part of its own decision.
        let selected = self.selected(false);
        let aad = self.container_aad();
        let doc = self.doc;
        match &mut self.mode {
            Mode::Encrypt { store, layout, ivs } => {
                if let Rule::UnencryptedCommentRegex(r) = self.rule
                    && selected
                    && r.is_match(&text)
                {
                    return Err(WalkError::CommentConflict { path: aad });
                }
                if selected && !text.is_empty() {
                    let iv = ivs
                        .map(|c| c.iv_for(&aad, "comment", text.as_bytes()))
                        .unwrap_or_else(cipher::random_iv);
                    let enc = vc.encrypt_bytes(&iv, text.as_bytes(), "comment", aad.as_bytes());
                    if let Some(original) = original_text(doc, leaf)
                        && store.render_comment(doc, leaf, &text).as_bytes() != original
                    {
                        layout.insert(
                            cipher::tag_of(&enc).unwrap_or_default(),
                            String::from_utf8_lossy(original).into_owned(),
                        );
                    }
                    leaf.set(Scalar::Str(enc), None);
                }
            }
            Mode::Decrypt { layout, ivs } => {
                if cipher::is_encrypted(&text) {
                    // Comments are not in the MAC, and GCM authenticates the plaintext whatever path
                    // opened it, so a comment that another YAML library attached to an enclosing
                    // container still opens.
                    let mut candidates = vec![aad.clone()];
                    for n in (0..self.path.len()).rev() {
                        let mut a: String =
                            self.path[..n].iter().map(|k| format!("{k}:")).collect();
                        if a.is_empty() {
                            a.push(':');
                        }
                        candidates.push(a);
                    }
                    let mut result = Err(CipherError::Auth);
                    let mut opened_with = &aad;
                    for c in &candidates {
                        result = vc.decrypt(&text, c.as_bytes());
                        if result.is_ok() {
                            opened_with = c;
                            break;
                        }
                    }
                    let (plain, _) = result.map_err(|cause| WalkError::Decrypt {
                        path: aad.clone(),
                        cause,
                    })?;
                    if let (Some(ivs), Some(p)) = (ivs, plain.as_str()) {
                        ivs.remember(opened_with, "comment", p.as_bytes(), &text);
                    }
                    let restored = cipher::tag_of(&text).and_then(|t| layout.get(t)).cloned();
                    let s = plain.as_str().unwrap_or_default().to_string();
                    leaf.set(plain, restored);
                    self.note_comment(&s);
                    return Ok(());
                }
            }
        }
        self.note_comment(&text);
        Ok(())
    }
}

/// The text a leaf had in the user's file, when it is known: the original lexeme restored from
/// a layout record, else (for a leaf read from a plaintext source) the source text. A leaf whose
/// value was replaced without a recorded text is written in the store's default rendering, so
/// it needs no record.
fn original_text<'a>(doc: &'a Document, leaf: &'a Leaf) -> Option<&'a [u8]> {
    match (&leaf.text, &leaf.span) {
        (Some(t), _) => Some(t.as_bytes()),
        (None, _) if leaf.changed => None,
        (None, Some(span)) => Some(&doc.src[span.clone()]),
        (None, None) => None,
    }
}

fn walk(
    doc: &mut Document,
    key: &[u8; 32],
    rule: &Rule,
    mac_only_encrypted: bool,
    mode: Mode<'_>,
) -> Result<String, WalkError> {
    let mut docs = std::mem::take(&mut doc.docs);
    let result = {
        let mut w = Walker::new(doc, key, rule, mac_only_encrypted, mode);
        docs.iter_mut()
            .try_for_each(|d| w.node(d))
            .map(|_| w.mac.finish())
    };
    doc.docs = docs;
    result
}

/// Encrypts or decrypts a document that arrives in parts ([`Store::parse_parts`]): one walk,
/// continued over each part in document order, so the MAC covers them all. Only for rules that
/// do not look at comments (a comment and the value it decides on may be in different parts).
pub struct PartWalker<'a> {
    walker: Walker<'a>,
}

impl<'a> PartWalker<'a> {
    /// A walk that encrypts; None when `rule` looks at comments.
    pub fn encrypting(
        store: &'a dyn Store,
        doc: &'a Document,
        key: &[u8; 32],
        rule: &'a Rule,
        mac_only_encrypted: bool,
        layout: &'a mut LosslessRecord,
    ) -> Option<PartWalker<'a>> {
        let mode = Mode::Encrypt {
            store,
            layout,
            ivs: None,
        };
        Self::new(doc, key, rule, mac_only_encrypted, mode)
    }

    /// A walk that decrypts; None when `rule` looks at comments.
    pub fn decrypting(
        doc: &'a Document,
        key: &[u8; 32],
        rule: &'a Rule,
        mac_only_encrypted: bool,
        layout: &'a LosslessRecord,
    ) -> Option<PartWalker<'a>> {
        let mode = Mode::Decrypt { layout, ivs: None };
        Self::new(doc, key, rule, mac_only_encrypted, mode)
    }

    fn new(
        doc: &'a Document,
        key: &[u8; 32],
        rule: &'a Rule,
        mac_only_encrypted: bool,
        mode: Mode<'a>,
    ) -> Option<PartWalker<'a>> {
        if rule.uses_comments() {
            return None;
        }
        let walker = Walker::new(doc, key, rule, mac_only_encrypted, mode);
        Some(PartWalker { walker })
    }

    /// Encrypts or decrypts the selected leaves of one part.
    pub fn part(&mut self, node: &mut Node) -> Result<(), WalkError> {
        self.walker.node(node)
    }

    /// The plaintext MAC over all parts.
    pub fn finish(self) -> String {
        self.walker.mac.finish()
    }
}

/// Encrypts every selected leaf of `doc` and returns the plaintext MAC. Original texts that the
/// store would not render back identically are recorded in `layout`.
pub fn encrypt(
    store: &dyn Store,
    doc: &mut Document,
    key: &[u8; 32],
    rule: &Rule,
    mac_only_encrypted: bool,
    layout: &mut LosslessRecord,
    ivs: Option<&IvCache>,
) -> Result<String, WalkError> {
    walk(
        doc,
        key,
        rule,
        mac_only_encrypted,
        Mode::Encrypt { store, layout, ivs },
    )
}

/// Decrypts every selected leaf of `doc` and returns the MAC computed over the plaintext.
pub fn decrypt(
    doc: &mut Document,
    key: &[u8; 32],
    rule: &Rule,
    mac_only_encrypted: bool,
    layout: &LosslessRecord,
    ivs: Option<&mut IvCache>,
) -> Result<String, WalkError> {
    walk(
        doc,
        key,
        rule,
        mac_only_encrypted,
        Mode::Decrypt { layout, ivs },
    )
}
