//! Three-way merge of an encrypted file, for git's merge driver (`veil git merge`).
//!
//! Base, ours and theirs are decrypted in memory only. The changes each side made since the base
//! are found by key path; theirs' changes are applied to ours' document, whose source text,
//! comments and layout stay as they are (a changed value is re-rendered in place, a removed or
//! added scalar entry is a line edit, anything else re-writes the document), and the result is
//! sealed again with ours' data key: every value that did not change keeps its ciphertext, and a
//! value taken from theirs keeps theirs' ciphertext when both sides share the data key. `mac`
//! and `lastmodified` are recomputed, never merged.
//!
//! A conflict — both sides changed one value differently, theirs rotated the data key, the
//! recipients changed on both sides, theirs encrypts other values than ours — is reported by key
//! path (never with a value) and nothing is written.

use std::collections::{HashMap, HashSet};

use crate::crypto::datakey::DataKey;
use crate::error::{Code, Failure, Result};
use crate::format::{Document, Kind, Store, node_to_value};
use crate::keys::groups::KeySource;
use crate::pipeline::edit;
use crate::pipeline::metadata::{KeyGroup, Metadata};
use crate::pipeline::tree::{Entry, Leaf, Node, Scalar};
use crate::pipeline::treepath::{self, Step};
use crate::pipeline::whole::{self, Opened};

/// A place in a file: the document (a YAML file may hold several) and the key path in it.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyPath {
    pub doc: usize,
    pub steps: Vec<Step>,
}

impl KeyPath {
    fn child(&self, step: Step) -> KeyPath {
        let mut steps = self.steps.clone();
        steps.push(step);
        KeyPath {
            doc: self.doc,
            steps,
        }
    }

    /// Whether one path lies on the other (same place, or one is an ancestor of the other).
    #[cfg(test)]
    fn overlaps(&self, other: &KeyPath) -> bool {
        let n = self.steps.len().min(other.steps.len());
        self.doc == other.doc && self.steps[..n] == other.steps[..n]
    }

    /// Whether `self` is `other` or one of its ancestors.
    #[cfg(test)]
    fn covers(&self, other: &KeyPath) -> bool {
        self.doc == other.doc
            && self.steps.len() <= other.steps.len()
            && self.steps[..] == other.steps[..self.steps.len()]
    }

    /// The path as sops writes it (`["db"]["password"]`, `["hosts"][0]`), with the document
    /// number when the file has several. Key names are shown (they are not encrypted); control
    /// characters are escaped.
    pub fn display(&self, docs: usize) -> String {
        let mut s = String::new();
        if docs > 1 {
            s.push_str(&format!("document {}: ", self.doc + 1));
        }
        if self.steps.is_empty() {
            s.push_str("(the whole document)");
        }
        for step in &self.steps {
            match step {
                Step::Key(k) => {
                    let quoted = serde_json::to_string(k).unwrap_or_else(|_| format!("{k:?}"));
                    s.push_str(&format!("[{quoted}]"));
                }
                Step::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        crate::fsio::sanitize(&s)
    }
}

/// One reason the merge cannot be made automatically.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// Where; None for the file as a whole (data keys, recipients, rules).
    pub path: Option<KeyPath>,
    pub reason: String,
}

/// The result of a merge.
pub enum Outcome {
    /// The merged file, encrypted, ready to be written over ours.
    Merged(Vec<u8>),
    /// What conflicts; ours is to be left as it is.
    Conflicts {
        conflicts: Vec<Conflict>,
        /// How many documents the file has (to show paths).
        docs: usize,
    },
}

/// A change one side made since the base.
#[derive(Clone, Debug)]
enum Change {
    /// The value at the path is now this (added, replaced, or a scalar changed).
    Set(KeyPath, Node),
    /// The entry at the path was removed.
    Remove(KeyPath),
    /// The comments of the mapping or sequence at the path are now these (same count, edited
    /// text, or added and removed ones).
    Comments(KeyPath, Vec<String>),
}

impl Change {
    fn path(&self) -> &KeyPath {
        match self {
            Change::Set(p, _) | Change::Remove(p) | Change::Comments(p, _) => p,
        }
    }

    /// Whether two changes touch the same data: one path on the other, except that the
    /// comments of a container and a change below it are independent.
    #[cfg(test)]
    fn overlaps(&self, other: &Change) -> bool {
        match (self, other) {
            (Change::Comments(a, _), Change::Comments(b, _)) => a == b,
            (Change::Comments(c, _), x) | (x, Change::Comments(c, _)) => x.path().covers(c),
            (a, b) => a.path().overlaps(b.path()),
        }
    }
}

/// A path (or its first `len` steps) as a hashable string.
fn path_key(p: &KeyPath, len: usize) -> String {
    let mut s = p.doc.to_string();
    for step in &p.steps[..len] {
        match step {
            Step::Key(k) => {
                s.push_str("\u{0}k");
                s.push_str(k);
            }
            Step::Index(i) => s.push_str(&format!("\u{0}i{i}")),
        }
    }
    s
}

/// One side's changes, indexed to tell in time proportional to a path's depth whether another
/// change overlaps one of them ([`Change::overlaps`]).
struct ChangeIndex {
    /// Paths of values set or removed.
    values: HashSet<String>,
    /// Every prefix of those paths (themselves included).
    value_prefixes: HashSet<String>,
    /// Paths of containers whose comments changed.
    comments: HashSet<String>,
    /// Every prefix of those paths (themselves included).
    comment_prefixes: HashSet<String>,
}

impl ChangeIndex {
    fn new(changes: &[Change]) -> ChangeIndex {
        let mut ix = ChangeIndex {
            values: HashSet::new(),
            value_prefixes: HashSet::new(),
            comments: HashSet::new(),
            comment_prefixes: HashSet::new(),
        };
        for c in changes {
            let p = c.path();
            let (exact, prefixes) = match c {
                Change::Comments(..) => (&mut ix.comments, &mut ix.comment_prefixes),
                _ => (&mut ix.values, &mut ix.value_prefixes),
            };
            exact.insert(path_key(p, p.steps.len()));
            for n in 0..=p.steps.len() {
                prefixes.insert(path_key(p, n));
            }
        }
        ix
    }

    fn overlaps(&self, change: &Change) -> bool {
        let p = change.path();
        let full = path_key(p, p.steps.len());
        // A value set or removed at the path or one of its ancestors.
        let value_above = (0..=p.steps.len()).any(|n| self.values.contains(&path_key(p, n)));
        match change {
            Change::Comments(..) => value_above || self.comments.contains(&full),
            _ => {
                value_above
                    || self.value_prefixes.contains(&full)
                    || self.comment_prefixes.contains(&full)
            }
        }
    }
}

/// Same data, ignoring spans, spellings and comments.
fn same(a: &Node, b: &Node) -> bool {
    node_to_value(a) == node_to_value(b)
}

fn pairs(entries: &[Entry]) -> impl Iterator<Item = (&String, &Node)> {
    entries.iter().filter_map(|e| match e {
        Entry::Pair(k, v) => Some((k, v)),
        Entry::Comment(_) => None,
    })
}

/// The entries of a mapping by key; None when a key appears twice (JSON allows it).
fn by_key(entries: &[Entry]) -> Option<HashMap<&str, &Node>> {
    let mut map = HashMap::new();
    for (k, v) in pairs(entries) {
        if map.insert(k.as_str(), v).is_some() {
            return None;
        }
    }
    Some(map)
}

fn get<'a>(entries: &'a [Entry], key: &str) -> Option<&'a Node> {
    pairs(entries).find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// The comment texts of a mapping or sequence, in order.
fn comments_of(node: &Node) -> Vec<String> {
    let text = |l: &Leaf| l.value.as_str().unwrap_or_default().to_string();
    match node {
        Node::Map(entries) => entries
            .iter()
            .filter_map(|e| match e {
                Entry::Comment(l) => Some(text(l)),
                Entry::Pair(..) => None,
            })
            .collect(),
        Node::Seq(items) => items
            .iter()
            .filter_map(|n| match n {
                Node::Comment(l) => Some(text(l)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn items(items: &[Node]) -> Vec<&Node> {
    items
        .iter()
        .filter(|n| !matches!(n, Node::Comment(_)))
        .collect()
}

/// The changes that turn `base` into `new`, by key path. Mappings are compared key by key,
/// sequences of the same length item by item; anything else that differs is replaced whole.
fn diff(base: &Node, new: &Node, path: &KeyPath, out: &mut Vec<Change>) {
    let (b, n) = (base.resolved(), new.resolved());
    match (b, n) {
        (Node::Map(be), Node::Map(ne)) if by_key(be).is_some() && by_key(ne).is_some() => {
            let (bk, nk) = (
                by_key(be).unwrap_or_default(),
                by_key(ne).unwrap_or_default(),
            );
            for (k, nv) in pairs(ne) {
                let child = path.child(Step::Key(k.clone()));
                match bk.get(k.as_str()) {
                    Some(bv) => diff(bv, nv, &child, out),
                    None => out.push(Change::Set(child, nv.resolved().clone())),
                }
            }
            for (k, _) in pairs(be) {
                if !nk.contains_key(k.as_str()) {
                    out.push(Change::Remove(path.child(Step::Key(k.clone()))));
                }
            }
            let nc = comments_of(n);
            if comments_of(b) != nc {
                out.push(Change::Comments(path.clone(), nc));
            }
        }
        (Node::Seq(bi), Node::Seq(ni)) if items(bi).len() == items(ni).len() => {
            for (i, (bv, nv)) in items(bi).into_iter().zip(items(ni)).enumerate() {
                diff(bv, nv, &path.child(Step::Index(i)), out);
            }
            let nc = comments_of(n);
            if comments_of(b) != nc {
                out.push(Change::Comments(path.clone(), nc));
            }
        }
        (Node::Scalar(x), Node::Scalar(y)) => {
            if x.value != y.value {
                out.push(Change::Set(path.clone(), n.clone()));
            }
        }
        _ => {
            if !same(b, n) || std::mem::discriminant(b) != std::mem::discriminant(n) {
                out.push(Change::Set(path.clone(), n.clone()));
            }
        }
    }
}

fn diff_docs(base: &[Node], new: &[Node]) -> Vec<Change> {
    let mut out = Vec::new();
    for (i, (b, n)) in base.iter().zip(new).enumerate() {
        let root = KeyPath {
            doc: i,
            steps: Vec::new(),
        };
        diff(b, n, &root, &mut out);
    }
    out
}

/// The node at a path of a side's documents (aliases followed), if any.
fn node_at<'a>(docs: &'a [Node], path: &KeyPath) -> Option<&'a Node> {
    treepath::get(docs.get(path.doc)?, &path.steps).ok()
}

/// Whether ours already holds what the change makes (both sides made the same change).
fn ours_agrees(ours: &[Node], change: &Change) -> bool {
    match change {
        Change::Set(p, n) => node_at(ours, p).is_some_and(|o| same(o, n)),
        Change::Remove(p) => node_at(ours, p).is_none(),
        Change::Comments(p, texts) => node_at(ours, p).is_some_and(|o| &comments_of(o) == texts),
    }
}

/// What a path leads to in ours' tree, without following aliases.
enum Place {
    Found,
    /// A YAML alias (its own copy of the anchored value).
    Alias,
    Missing,
    /// The path goes through an alias or a value of another shape.
    Blocked,
}

fn place(root: &Node, steps: &[Step]) -> Place {
    let mut node = root;
    for (i, step) in steps.iter().enumerate() {
        let next = match (node, step) {
            (Node::Map(entries), Step::Key(k)) => get(entries, k),
            (Node::Seq(list), Step::Index(n)) => items(list).get(*n).copied(),
            _ => return Place::Blocked,
        };
        match next {
            Some(n) => node = n,
            None if i + 1 == steps.len() => return Place::Missing,
            None => return Place::Blocked,
        }
    }
    match node {
        Node::Alias(_) => Place::Alias,
        _ => Place::Found,
    }
}

/// A node from another side's tree, without its spans (they point into that side's text); an
/// alias becomes its own copy of the value.
fn detached(node: &Node) -> Node {
    let leaf = |l: &Leaf| {
        let mut l = l.clone();
        l.span = None;
        l
    };
    match node {
        Node::Map(entries) => Node::Map(
            entries
                .iter()
                .map(|e| match e {
                    Entry::Pair(k, v) => Entry::Pair(k.clone(), detached(v)),
                    Entry::Comment(l) => Entry::Comment(leaf(l)),
                })
                .collect(),
        ),
        Node::Seq(list) => Node::Seq(list.iter().map(detached).collect()),
        Node::Scalar(l) => Node::Scalar(leaf(l)),
        Node::Comment(l) => Node::Comment(leaf(l)),
        Node::Null => Node::Null,
        Node::Alias(a) => detached(&a.target),
    }
}

/// Applies theirs' change to ours' document. Returns why it could not be applied.
fn apply(
    store: &dyn Store,
    doc: &mut Document,
    change: &Change,
    restructured: &mut bool,
) -> std::result::Result<(), &'static str> {
    let p = change.path();
    let Some(root) = doc.docs.get(p.doc) else {
        return Err("the document is missing on our side");
    };
    let steps = &p.steps;
    match change {
        Change::Set(_, new) => match place(root, steps) {
            Place::Blocked => Err("the path is not there on our side in the same shape"),
            Place::Alias => match treepath::get(root, steps) {
                Ok(o) if same(o, new) => Ok(()),
                _ => Err("the value is a YAML alias on our side; veil does not change aliases"),
            },
            Place::Found => {
                let path = index_path(&doc.docs[p.doc], steps);
                let slot = doc.docs[p.doc]
                    .at_index_path_mut(&path)
                    .ok_or("the path is not there on our side")?;
                if let (Node::Scalar(leaf), Node::Scalar(theirs)) = (&mut *slot, new) {
                    // Theirs' spelling is kept when the value stands in the same context.
                    let text = theirs.text.clone().filter(|_| theirs.ctx == leaf.ctx);
                    leaf.set(theirs.value.clone(), text);
                    return Ok(());
                }
                *slot = detached(new);
                *restructured = true;
                Ok(())
            }
            Place::Missing => {
                let value = detached(new);
                if !*restructured && p.doc == 0 && edit::try_insert(store, doc, steps, &value) {
                    return Ok(());
                }
                treepath::set(&mut doc.docs[p.doc], steps, value)
                    .map_err(|_| "the path cannot be added on our side")?;
                *restructured = true;
                Ok(())
            }
        },
        Change::Remove(_) => match place(root, steps) {
            Place::Missing => Ok(()),
            Place::Blocked => Err("the path is not there on our side in the same shape"),
            Place::Found | Place::Alias => {
                if !*restructured && p.doc == 0 && edit::try_unset(store, doc, steps) {
                    return Ok(());
                }
                treepath::unset(&mut doc.docs[p.doc], steps)
                    .map_err(|_| "the entry cannot be removed on our side")?;
                *restructured = true;
                Ok(())
            }
        },
        Change::Comments(_, texts) => {
            if !matches!(place(root, steps), Place::Found) {
                return Err("the path is not there on our side in the same shape");
            }
            let path = index_path(&doc.docs[p.doc], steps);
            let container = doc.docs[p.doc]
                .at_index_path_mut(&path)
                .ok_or("the path is not there on our side")?;
            let mut leaves: Vec<&mut Leaf> = match container {
                Node::Map(entries) => entries
                    .iter_mut()
                    .filter_map(|e| match e {
                        Entry::Comment(l) => Some(l),
                        Entry::Pair(..) => None,
                    })
                    .collect(),
                Node::Seq(list) => list
                    .iter_mut()
                    .filter_map(|n| match n {
                        Node::Comment(l) => Some(l),
                        _ => None,
                    })
                    .collect(),
                _ => return Err("the path is not there on our side in the same shape"),
            };
            if leaves.len() != texts.len() {
                return Err("comments were added or removed on their side; veil cannot place them");
            }
            for (leaf, text) in leaves.iter_mut().zip(texts) {
                if leaf.value.as_str() != Some(text.as_str()) {
                    leaf.set(Scalar::Str(text.clone()), None);
                }
            }
            Ok(())
        }
    }
}

/// The raw index path (comment entries counted) of a path that [`place`] found.
fn index_path(root: &Node, steps: &[Step]) -> Vec<usize> {
    let mut node = root;
    let mut out = Vec::new();
    for step in steps {
        let found = match (node, step) {
            (Node::Map(entries), Step::Key(k)) => {
                entries.iter().enumerate().find_map(|(i, e)| match e {
                    Entry::Pair(key, v) if key == k => Some((i, v)),
                    _ => None,
                })
            }
            (Node::Seq(list), Step::Index(n)) => list
                .iter()
                .enumerate()
                .filter(|(_, n)| !matches!(n, Node::Comment(_)))
                .nth(*n),
            _ => None,
        };
        let Some((i, next)) = found else { break };
        out.push(i);
        node = next;
    }
    out
}

/// The recipients of a file, comparable between sides: per key group the sorted master keys,
/// and the Shamir threshold.
fn recipients(meta: &Metadata) -> (Vec<Vec<String>>, Option<u32>) {
    let groups = meta
        .key_groups
        .iter()
        .map(|g: &KeyGroup| {
            let mut keys = g.describe();
            keys.sort();
            keys
        })
        .collect();
    (groups, meta.shamir_threshold)
}

/// Three-way choice of one metadata property: the side that changed it, or a conflict.
fn three_way<T: PartialEq + Clone>(base: Option<&T>, ours: &T, theirs: &T) -> Option<T> {
    if ours == theirs || base == Some(theirs) {
        Some(ours.clone())
    } else if base == Some(ours) {
        Some(theirs.clone())
    } else {
        None
    }
}

fn whole_file(reason: impl Into<String>) -> Conflict {
    Conflict {
        path: None,
        reason: reason.into(),
    }
}

fn open_side(
    store: &'static dyn Store,
    side: &str,
    src: Vec<u8>,
    keys: &dyn KeySource,
) -> Result<Opened> {
    whole::open_for_rewrite(store, src, keys)
        .map_err(|f| Failure::new(f.code, format!("{side}: {}", f.message)))
}

/// Merges theirs into ours. `base` is None when the file has no common ancestor (added on both
/// sides). Failures to read or open a side (no identity, bad MAC, not encrypted) are errors
/// naming the side; conflicts are an [`Outcome::Conflicts`].
pub fn merge(
    kind: Kind,
    base: Option<Vec<u8>>,
    ours: Vec<u8>,
    theirs: Vec<u8>,
    keys: &dyn KeySource,
) -> Result<Outcome> {
    let store = kind.reading_store();
    let ours_src = ours.clone();
    let mut o = open_side(store, "ours", ours, keys)?;
    let t = open_side(store, "theirs", theirs, keys)?;
    let b = base
        .map(|src| open_side(store, "base", src, keys))
        .transpose()?;
    let docs = o.doc.docs.len();
    let mut conflicts = Vec::new();

    // The data keys must agree: a rotation on either side is not merged (theirs' would be
    // undone; ours' would carry values written under the key it replaced).
    let same_key = o.key == t.key;
    if !same_key {
        let base_key: Option<&DataKey> = b.as_ref().map(|b| &b.key);
        let reason = match base_key {
            Some(k) if *k == t.key => Some(
                "our side has a new data key (rotated, or encrypted anew) and theirs changed values under the old one: make the changes below again after the rotation (veil edit)",
            ),
            Some(k) if *k == o.key => Some(
                "their side has a new data key (rotated, or encrypted anew); a merge under ours would undo that: take theirs (git checkout --theirs) and make the changes below again",
            ),
            Some(_) => Some("both sides have a new data key (rotated, or encrypted anew)"),
            None => Some("the file was created on both sides, with different data keys"),
        };
        if let Some(reason) = reason {
            conflicts.push(whole_file(reason));
        }
    }

    // Metadata: the recipients are taken from the side that changed them; the data key's
    // record and everything else from ours.
    let bm = b.as_ref().map(|b| &b.meta);
    let mut meta = o.meta.clone();
    match three_way(
        bm.map(recipients).as_ref(),
        &recipients(&o.meta),
        &recipients(&t.meta),
    ) {
        Some(r) if r == recipients(&o.meta) => {}
        Some(_) if same_key => {
            meta.key_groups = t.meta.key_groups.clone();
            meta.shamir_threshold = t.meta.shamir_threshold;
        }
        Some(_) => conflicts.push(whole_file(
            "their side changed the recipients and the data keys differ",
        )),
        None => conflicts.push(whole_file("both sides changed the recipients differently")),
    }
    // Which values are encrypted, and what the MAC covers, stay ours': a merge never writes in
    // clear a value that ours encrypts. A change of theirs there is a conflict, to be resolved
    // by hand where it can be seen.
    if o.meta.rule != t.meta.rule && bm.is_none_or(|m| m.rule != t.meta.rule) {
        conflicts.push(whole_file(
            "the sides encrypt different values (their selection rule differs from ours); veil does not change it in a merge",
        ));
    }
    if o.meta.mac_only_encrypted != t.meta.mac_only_encrypted
        && bm.is_none_or(|m| m.mac_only_encrypted != t.meta.mac_only_encrypted)
    {
        conflicts.push(whole_file(
            "the sides differ in mac_only_encrypted; veil does not change it in a merge",
        ));
    }

    // The values.
    let empty: Vec<Node> = Vec::new();
    let base_docs = b.as_ref().map_or(&empty, |b| &b.doc.docs);
    let counts = [o.doc.docs.len(), t.doc.docs.len()];
    let base_count_ok = b.is_none() || base_docs.len() == counts[0];
    if counts[0] != counts[1] || !base_count_ok {
        conflicts.push(whole_file(
            "the number of YAML documents differs between the sides",
        ));
    }
    let base_docs: Vec<Node> = if b.is_some() {
        base_docs.clone()
    } else {
        // No common ancestor: every key of either side is an addition to empty documents.
        vec![Node::Map(Vec::new()); counts[0]]
    };
    let ours_changes = diff_docs(&base_docs, &o.doc.docs);
    let theirs_changes = diff_docs(&base_docs, &t.doc.docs);
    if !same_key && conflicts.iter().any(|c| c.path.is_none()) {
        // Name what ours changed: it is what has to be made again on theirs.
        for c in &ours_changes {
            conflicts.push(Conflict {
                path: Some(c.path().clone()),
                reason: "changed on our side".into(),
            });
        }
    }
    if !conflicts.is_empty() {
        return Ok(Outcome::Conflicts { conflicts, docs });
    }

    let mut restructured = false;
    let ours_index = ChangeIndex::new(&ours_changes);
    for change in &theirs_changes {
        let overlapping = ours_index.overlaps(change);
        if overlapping {
            if !ours_agrees(&o.doc.docs, change) {
                conflicts.push(Conflict {
                    path: Some(change.path().clone()),
                    reason: "both sides changed it differently".into(),
                });
            }
            continue;
        }
        if let Err(reason) = apply(o.store, &mut o.doc, change, &mut restructured) {
            conflicts.push(Conflict {
                path: Some(change.path().clone()),
                reason: reason.into(),
            });
        }
    }
    if !conflicts.is_empty() {
        return Ok(Outcome::Conflicts { conflicts, docs });
    }
    let metadata_changed = meta.key_groups != o.meta.key_groups;
    if theirs_changes.is_empty() && !metadata_changed {
        return Ok(Outcome::Merged(ours_src));
    }

    if same_key {
        o.ivs.absorb(t.ivs);
    }
    let rule = meta
        .selection_rule()
        .map_err(|e| Failure::new(Code::Generic, format!("invalid selection rule: {e}")))?;
    let out_kind = o.store.kind();
    let bytes = whole::seal(
        o.store,
        &mut o.doc,
        &o.key,
        meta,
        &rule,
        whole::SealOptions::keeping(&o.ivs, &o.mac, out_kind).restructured(restructured),
    )?;
    Ok(Outcome::Merged(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testkit::{DemoKeys as Keys, demo};
    use crate::format::value_to_node;
    use crate::keys::groups::Recipients;
    use crate::pipeline::whole::EncryptOptions;
    use serde_json::json;

    fn encrypt(kind: Kind, plain: &str, opts: &EncryptOptions) -> Vec<u8> {
        let store = kind.store();
        let mut doc = store.parse(plain.as_bytes().to_vec()).unwrap();
        whole::encrypt_new(store, &mut doc, opts, kind).unwrap()
    }

    /// Changes an encrypted file like `veil set` / `veil unset` do.
    fn change(kind: Kind, src: &[u8], keys: &Keys, f: impl FnOnce(&mut Node)) -> Vec<u8> {
        change_in(kind, src, keys, true, f)
    }

    /// [`change`], written in place (`restructured` false) when the change allows it.
    fn change_in(
        kind: Kind,
        src: &[u8],
        keys: &Keys,
        restructured: bool,
        f: impl FnOnce(&mut Node),
    ) -> Vec<u8> {
        let store = kind.reading_store();
        let mut o = whole::open_for_rewrite(store, src.to_vec(), keys).unwrap();
        f(&mut o.doc.docs[0]);
        let rule = o.meta.selection_rule().unwrap();
        whole::seal(
            o.store,
            &mut o.doc,
            &o.key,
            o.meta.clone(),
            &rule,
            whole::SealOptions::keeping(&o.ivs, &o.mac, o.store.kind()).restructured(restructured),
        )
        .unwrap()
    }

    fn set(root: &mut Node, key: &str, v: serde_json::Value) {
        treepath::set(root, &[Step::Key(key.into())], value_to_node(&v)).unwrap();
    }

    fn plain(kind: Kind, src: &[u8], keys: &Keys) -> serde_json::Value {
        let o = whole::open(kind.reading_store(), src.to_vec(), keys, false).unwrap();
        node_to_value(&o.doc.docs[0])
    }

    fn merged(outcome: Outcome) -> Vec<u8> {
        match outcome {
            Outcome::Merged(b) => b,
            Outcome::Conflicts { conflicts, .. } => panic!("unexpected conflicts: {conflicts:?}"),
        }
    }

    #[test]
    fn different_keys_merge_and_unchanged_values_keep_their_ciphertext() {
        let (keys, opts) = demo();
        let kind = Kind::Yaml;
        let base = encrypt(kind, "# top\na: one\nb: two\nc: three\nd: four\n", &opts);
        let ours = change_in(kind, &base, &keys, false, |r| set(r, "a", json!("ONE")));
        let theirs = change(kind, &base, &keys, |r| {
            set(r, "c", json!("THREE"));
            set(r, "e", json!("five"));
            treepath::unset(r, &[Step::Key("d".into())]).unwrap();
        });
        let out = merged(
            merge(
                kind,
                Some(base.clone()),
                ours.clone(),
                theirs.clone(),
                &keys,
            )
            .unwrap(),
        );
        assert_eq!(
            plain(kind, &out, &keys),
            json!({"a": "ONE", "b": "two", "c": "THREE", "e": "five"})
        );
        let text = String::from_utf8(out).unwrap();
        let line = |src: &[u8], key: &str| {
            String::from_utf8(src.to_vec())
                .unwrap()
                .lines()
                .find(|l| l.starts_with(&format!("{key}:")))
                .unwrap()
                .to_string()
        };
        // b unchanged everywhere; a as ours wrote it; c as theirs wrote it.
        for (key, side) in [("b", &base), ("a", &ours), ("c", &theirs), ("e", &theirs)] {
            assert!(text.contains(&line(side, key)), "{key} lost its ciphertext");
        }
        assert!(text.starts_with("#ENC["), "the comment stays first: {text}");
    }

    #[test]
    fn same_value_changed_differently_conflicts_by_path() {
        let (keys, opts) = demo();
        let kind = Kind::Json;
        let base = encrypt(
            kind,
            "{\"db\": {\"password\": \"p1\", \"user\": \"u\"}}",
            &opts,
        );
        let ours = change(kind, &base, &keys, |r| {
            let steps = treepath::parse(r#"["db"]["password"]"#).unwrap();
            treepath::set(r, &steps, value_to_node(&json!("ours-secret"))).unwrap();
        });
        let theirs = change(kind, &base, &keys, |r| {
            let steps = treepath::parse(r#"["db"]["password"]"#).unwrap();
            treepath::set(r, &steps, value_to_node(&json!("theirs-secret"))).unwrap();
        });
        match merge(kind, Some(base), ours, theirs, &keys).unwrap() {
            Outcome::Conflicts { conflicts, docs } => {
                assert_eq!(conflicts.len(), 1);
                let shown = conflicts[0].path.as_ref().unwrap().display(docs);
                assert_eq!(shown, r#"["db"]["password"]"#);
                assert!(!format!("{conflicts:?}").contains("secret"));
            }
            Outcome::Merged(_) => panic!("merged a conflict"),
        }
    }

    #[test]
    fn the_same_change_on_both_sides_is_not_a_conflict() {
        let (keys, opts) = demo();
        let kind = Kind::Dotenv;
        let base = encrypt(kind, "A=1\nB=2\n", &opts);
        let ours = change(kind, &base, &keys, |r| set(r, "A", json!("x")));
        let theirs = change(kind, &base, &keys, |r| {
            set(r, "A", json!("x"));
            set(r, "B", json!("y"));
        });
        let out = merged(merge(kind, Some(base), ours, theirs, &keys).unwrap());
        assert_eq!(plain(kind, &out, &keys), json!({"A": "x", "B": "y"}));
    }

    #[test]
    fn a_rotation_on_either_side_conflicts() {
        let (keys, opts) = demo();
        let kind = Kind::Yaml;
        let base = encrypt(kind, "a: 1\nb: 2\n", &opts);
        // A rotation: same values, new data key.
        let rotated = |src: &[u8]| {
            let store = kind.reading_store();
            let mut o = whole::open_for_rewrite(store, src.to_vec(), &keys).unwrap();
            let recipients = Recipients::from_metadata(&o.meta).unwrap();
            let new_key = DataKey::generate();
            let (groups, _) = crate::keys::groups::wrap(&recipients, new_key.as_bytes()).unwrap();
            let mut meta = o.meta.clone();
            meta.key_groups = groups;
            let rule = meta.selection_rule().unwrap();
            whole::seal(
                store,
                &mut o.doc,
                &new_key,
                meta,
                &rule,
                whole::SealOptions::fresh(kind),
            )
            .unwrap()
        };
        let ours = change(kind, &base, &keys, |r| set(r, "a", json!(10)));
        let theirs = rotated(&change(kind, &base, &keys, |r| set(r, "b", json!(20))));
        match merge(
            kind,
            Some(base.clone()),
            ours.clone(),
            theirs.clone(),
            &keys,
        )
        .unwrap()
        {
            Outcome::Conflicts { conflicts, docs } => {
                assert!(conflicts[0].path.is_none());
                assert!(conflicts[0].reason.contains("rotated"));
                let paths: Vec<String> = conflicts
                    .iter()
                    .filter_map(|c| c.path.as_ref().map(|p| p.display(docs)))
                    .collect();
                assert_eq!(paths, vec![r#"["a"]"#]);
            }
            Outcome::Merged(_) => panic!("undid their rotation"),
        }
        // The other way round: ours rotated, theirs did not: a conflict too.
        match merge(kind, Some(base), theirs, ours, &keys).unwrap() {
            Outcome::Conflicts { conflicts, .. } => {
                assert!(conflicts[0].path.is_none());
                assert!(conflicts[0].reason.contains("rotated"));
            }
            Outcome::Merged(_) => panic!("merged across a rotation"),
        }
    }

    #[test]
    fn theirs_encrypting_fewer_values_is_a_conflict() {
        let (keys, opts) = demo();
        let kind = Kind::Yaml;
        let base = encrypt(kind, "a: 1\nb: two-secret\n", &opts);
        let ours = change_in(kind, &base, &keys, false, |r| set(r, "a", json!(5)));
        // Theirs re-sealed with a rule that leaves b in clear.
        let theirs = {
            let store = kind.reading_store();
            let mut o = whole::open_for_rewrite(store, base.clone(), &keys).unwrap();
            let mut meta = o.meta.clone();
            meta.rule = Some(("unencrypted_regex".into(), "^b$".into()));
            let rule = meta.selection_rule().unwrap();
            whole::seal(
                store,
                &mut o.doc,
                &o.key,
                meta,
                &rule,
                whole::SealOptions::fresh(kind),
            )
            .unwrap()
        };
        assert!(String::from_utf8_lossy(&theirs).contains("two-secret"));
        match merge(
            kind,
            Some(base.clone()),
            ours.clone(),
            theirs.clone(),
            &keys,
        )
        .unwrap()
        {
            Outcome::Conflicts { conflicts, .. } => {
                assert!(
                    conflicts
                        .iter()
                        .any(|c| c.reason.contains("selection rule"))
                );
            }
            Outcome::Merged(_) => panic!("merged under their rule"),
        }
        // Ours' own rule change is kept (theirs did not touch it).
        let out = merged(merge(kind, Some(base), theirs, ours, &keys).unwrap());
        assert!(String::from_utf8_lossy(&out).contains("two-secret"));
        assert_eq!(plain(kind, &out, &keys), json!({"a": 5, "b": "two-secret"}));
    }

    #[test]
    fn comments_edited_on_their_side_are_taken() {
        let (keys, opts) = demo();
        let kind = Kind::Yaml;
        let base = encrypt(kind, "# first\na: 1\n# second\nb: 2\n", &opts);
        let ours = change_in(kind, &base, &keys, false, |r| set(r, "a", json!(5)));
        let theirs = change_in(kind, &base, &keys, false, |r| {
            if let Node::Map(entries) = r
                && let Entry::Comment(l) = &mut entries[2]
            {
                l.set(Scalar::Str(" second, edited".into()), None);
            }
        });
        let out = merged(merge(kind, Some(base), ours, theirs, &keys).unwrap());
        let o = whole::open(kind.reading_store(), out, &keys, false).unwrap();
        assert_eq!(
            comments_of(&o.doc.docs[0]),
            vec![" first", " second, edited"]
        );
        assert_eq!(node_to_value(&o.doc.docs[0]), json!({"a": 5, "b": 2}));
    }

    /// The paths of the scalar values of a tree (not through aliases).
    fn scalar_paths(node: &Node, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        match node {
            Node::Map(entries) => {
                for (k, v) in pairs(entries) {
                    path.push(Step::Key(k.clone()));
                    scalar_paths(v, path, out);
                    path.pop();
                }
            }
            Node::Seq(list) => {
                for (i, v) in items(list).into_iter().enumerate() {
                    path.push(Step::Index(i));
                    scalar_paths(v, path, out);
                    path.pop();
                }
            }
            Node::Scalar(_) => out.push(path.clone()),
            _ => {}
        }
    }

    fn decrypted_text(kind: Kind, src: &[u8], keys: &Keys) -> Vec<u8> {
        let store = kind.reading_store();
        let mut o = whole::open(store, src.to_vec(), keys, false).unwrap();
        crate::format::write_lossless(store, &o.doc, None, &mut o.layout)
    }

    /// Every real-world-shaped file of testdata/lossless: ours changes its first value, theirs
    /// its last; the merge gives exactly what making both changes one after the other gives,
    /// byte for byte once decrypted.
    #[test]
    fn merges_every_lossless_testdata_file() {
        let (keys, opts) = demo();
        let files =
            crate::format::testkit::lossless_files(&["yaml", "yml", "json", "toml", "env", "ini"]);
        assert!(files.len() > 40);
        let mut merged_files = 0;
        for file in files {
            let kind = Kind::from_path(&file);
            let src = std::fs::read(&file).unwrap();
            let store = kind.store();
            let mut doc = store.parse(src).unwrap();
            let Ok(base) = whole::encrypt_new(store, &mut doc, &opts, kind) else {
                continue;
            };
            // Paths as a rewrite sees the document: YAML alias copies are aliases again there.
            let opened =
                whole::open_for_rewrite(kind.reading_store(), base.clone(), &keys).unwrap();
            let mut paths = Vec::new();
            scalar_paths(&opened.doc.docs[0], &mut Vec::new(), &mut paths);
            if paths.len() < 2 {
                continue;
            }
            let first = paths[0].clone();
            let last = paths[paths.len() - 1].clone();
            let set_at = |steps: Vec<Step>, v: &'static str| {
                move |r: &mut Node| {
                    treepath::set(r, &steps, value_to_node(&json!(v))).unwrap();
                }
            };
            let ours = change_in(
                kind,
                &base,
                &keys,
                false,
                set_at(first.clone(), "ours-changed"),
            );
            let theirs = change_in(
                kind,
                &base,
                &keys,
                false,
                set_at(last.clone(), "theirs-changed"),
            );
            let both = change_in(kind, &ours, &keys, false, set_at(last, "theirs-changed"));
            let out = match merge(kind, Some(base), ours, theirs, &keys).unwrap() {
                Outcome::Merged(b) => b,
                Outcome::Conflicts { conflicts, .. } => {
                    panic!("{}: {conflicts:?}", file.display())
                }
            };
            assert_eq!(
                String::from_utf8_lossy(&decrypted_text(kind, &out, &keys)),
                String::from_utf8_lossy(&decrypted_text(kind, &both, &keys)),
                "{}",
                file.display()
            );
            merged_files += 1;
        }
        assert!(merged_files > 40, "only {merged_files} files merged");
    }

    #[test]
    fn the_change_index_agrees_with_pairwise_overlaps() {
        let p = |doc: usize, steps: &[Step]| KeyPath {
            doc,
            steps: steps.to_vec(),
        };
        let (a, b, c) = (Step::Key("a".into()), Step::Key("b".into()), Step::Index(0));
        let paths = [
            p(0, &[]),
            p(0, std::slice::from_ref(&a)),
            p(0, &[a.clone(), b.clone()]),
            p(0, &[a.clone(), c.clone()]),
            p(0, std::slice::from_ref(&b)),
            p(1, std::slice::from_ref(&a)),
            p(0, &[a.clone(), b.clone(), c.clone()]),
        ];
        let mut all = Vec::new();
        for path in &paths {
            all.push(Change::Set(path.clone(), Node::Null));
            all.push(Change::Remove(path.clone()));
            all.push(Change::Comments(path.clone(), Vec::new()));
        }
        for i in 0..all.len() {
            for j in 0..all.len() {
                let ix = ChangeIndex::new(std::slice::from_ref(&all[i]));
                assert_eq!(
                    ix.overlaps(&all[j]),
                    all[i].overlaps(&all[j]),
                    "{:?} / {:?}",
                    all[i],
                    all[j]
                );
            }
        }
    }

    #[test]
    fn paths_display_like_sops() {
        let p = KeyPath {
            doc: 1,
            steps: vec![
                Step::Key("a\"b".into()),
                Step::Index(2),
                Step::Key("\x1b".into()),
            ],
        };
        assert_eq!(p.display(1), r#"["a\"b"][2]["\u001b"]"#);
        assert!(p.display(2).starts_with("document 2: "));
    }
}
