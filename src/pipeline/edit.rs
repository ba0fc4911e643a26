//! Structural edits written as text edits: `unset` of an entry or item, `set` of a new entry or
//! item (any value) or of an existing one to a value of another shape. The document's source is
//! changed directly (spans moved with [`Document::splice`]) and the tree with it, so that the
//! file can then be sealed losslessly: only the lines of that entry, the MAC and `lastmodified`
//! change. Scalars next to scalar siblings are handled here for every store
//! ([`try_insert`], [`try_unset`]); everything else by the store, in the file's own style
//! ([`Store::edit_structure`]). Anything that is not recognised is left untouched (the functions
//! return false) and the caller falls back to re-emitting the whole document.

use std::ops::Range;

use crate::format::{Document, Kind, Store, StructOp};
use crate::pipeline::tree::{Entry, Leaf, Node};
use crate::pipeline::treepath::{Step, build, same};

/// Raw index path (comment entries and items counted) of the mapping at `steps`; None through
/// aliases or when a step is missing.
fn map_path(root: &Node, steps: &[Step]) -> Option<Vec<usize>> {
    let mut node = root;
    let mut path = Vec::new();
    for step in steps {
        let (i, next) = match (node, step) {
            (Node::Map(entries), Step::Key(k)) => {
                entries.iter().enumerate().find_map(|(i, e)| match e {
                    Entry::Pair(key, v) if key == k => Some((i, v)),
                    _ => None,
                })?
            }
            (Node::Seq(items), Step::Index(n)) => items
                .iter()
                .enumerate()
                .filter(|(_, n)| !matches!(n, Node::Comment(_)))
                .nth(*n)?,
            _ => return None,
        };
        path.push(i);
        node = next;
    }
    matches!(node, Node::Map(_)).then_some(path)
}

/// How a key is written at the start of its line, when veil can write it plainly.
fn key_text(kind: Kind, key: &str) -> Option<String> {
    let plain = |extra: &str| {
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || extra.contains(c))
    };
    match kind {
        Kind::Yaml => {
            let special = [
                "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
            ];
            (plain(".-")
                && key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && !special.contains(&key.to_ascii_lowercase().as_str())
                && key != "sops")
                .then(|| key.to_string())
        }
        Kind::Json => (key != "sops").then(|| serde_json::to_string(key).ok())?,
        Kind::Dotenv => (plain(".-") && !key.starts_with("sops_")).then(|| key.to_string()),
        Kind::Ini => plain(".-").then(|| key.to_string()),
        Kind::Toml => (plain("-") && key != "sops").then(|| key.to_string()),
        Kind::Binary => None,
    }
}

/// Whether `sep` (the text between the key and its value) is the store's separator.
fn sep_ok(kind: Kind, sep: &str) -> bool {
    let ws = |s: &str| s.chars().all(|c| c == ' ' || c == '\t');
    match kind {
        Kind::Yaml => sep
            .strip_prefix(':')
            .is_some_and(|r| !r.is_empty() && ws(r)),
        Kind::Dotenv => sep == "=",
        Kind::Ini => {
            let t = sep.trim_matches([' ', '\t']);
            (t == "=" || t == ":") && ws(&sep.replace(['=', ':'], ""))
        }
        Kind::Toml => sep.trim_matches([' ', '\t']) == "=" && ws(&sep.replace('=', "")),
        Kind::Json => sep.trim_matches([' ', '\t']) == ":" && ws(&sep.replace(':', "")),
        Kind::Binary => false,
    }
}

/// An entry `key<sep>value` that starts its line.
struct EntryLine {
    /// Start of the line.
    start: usize,
    /// The indentation.
    indent: String,
    /// The separator text between the key and the value.
    sep: String,
    /// End of the value's last line (after its line break), when it has one.
    end: Option<usize>,
    /// The line break the line ends with.
    nl: &'static str,
}

/// Checks that the value at `span` stands on a line that starts with `key` and the separator.
fn entry_line(doc: &Document, kind: Kind, key: &str, leaf: &Leaf) -> Option<EntryLine> {
    let span = leaf.span.clone()?;
    if kind == Kind::Yaml {
        use crate::format::yaml::{CTX_DASH, CTX_FLOW, CTX_PROPS};
        if leaf.ctx & (CTX_FLOW | CTX_DASH | CTX_PROPS) != 0 {
            return None;
        }
    }
    let src = &doc.src;
    let start = src[..span.start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let prefix = std::str::from_utf8(&src[start..span.start]).ok()?;
    let rest = prefix.trim_start_matches([' ', '\t']);
    let indent = &prefix[..prefix.len() - rest.len()];
    if kind == Kind::Dotenv && !indent.is_empty() {
        return None;
    }
    let sep = rest.strip_prefix(key_text(kind, key)?.as_str())?;
    if !sep_ok(kind, sep) {
        return None;
    }
    let last = if span.end > span.start {
        span.end - 1
    } else {
        span.start
    };
    let end = if src.get(last) == Some(&b'\n') {
        Some(last + 1)
    } else {
        src[span.end..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| span.end + i + 1)
    };
    let nl = match end {
        Some(e) if e >= 2 && src[e - 2] == b'\r' => "\r\n",
        _ => "\n",
    };
    Some(EntryLine {
        start,
        indent: indent.to_string(),
        sep: sep.to_string(),
        end,
        nl,
    })
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The bytes to remove for the entry at `p` of `entries` (a scalar on its own line(s)).
fn removal_range(doc: &Document, kind: Kind, entries: &[Entry], p: usize) -> Option<Range<usize>> {
    let Entry::Pair(key, Node::Scalar(leaf)) = &entries[p] else {
        return None;
    };
    let pairs = entries
        .iter()
        .filter(|e| matches!(e, Entry::Pair(..)))
        .count();
    if pairs < 2 && matches!(kind, Kind::Yaml | Kind::Json) {
        // An emptied YAML mapping would read as null; an empty JSON object needs other commas.
        return None;
    }
    let line = entry_line(doc, kind, key, leaf)?;
    let span = leaf.span.clone()?;
    let src = &doc.src;
    if kind == Kind::Json {
        let last = !entries[p + 1..]
            .iter()
            .any(|e| matches!(e, Entry::Pair(..)));
        if last {
            // `,<ws>"key": value`: from the comma that ends the previous member.
            let mut i = line.start;
            while i > 0 && is_ws(src[i - 1]) {
                i -= 1;
            }
            return (i > 0 && src[i - 1] == b',').then(|| i - 1..span.end);
        }
        // `"key": value,` alone on its line(s).
        let mut i = span.end;
        while i < src.len() && matches!(src[i], b' ' | b'\t') {
            i += 1;
        }
        if src.get(i) != Some(&b',') {
            return None;
        }
        i += 1;
        while i < src.len() && matches!(src[i], b' ' | b'\t' | b'\r') {
            i += 1;
        }
        return (src.get(i) == Some(&b'\n')).then(|| line.start..i + 1);
    }
    // Nothing but blanks after the value on its last line.
    let end = line.end.unwrap_or(src.len());
    if !src[span.end.min(end)..end].iter().all(|&b| is_ws(b)) {
        return None;
    }
    match line.end {
        // The data's last line, whose line break came with the metadata: the break before it
        // goes instead.
        Some(e)
            if line.start > 0
                && doc
                    .metadata_spans
                    .iter()
                    .any(|m| m.start <= e - line.nl.len() && e - line.nl.len() < m.end) =>
        {
            let b = if line.start >= 2 && src[line.start - 2] == b'\r' {
                line.start - 2
            } else {
                line.start - 1
            };
            Some(b..e - line.nl.len())
        }
        Some(e) => Some(line.start..e),
        // The file's last line without a line break: take the break before it.
        None if line.start > 0 => Some(line.start - 1..src.len()),
        None => Some(0..src.len()),
    }
}

/// Removes the scalar entry at `steps` from the tree and its line(s) from the source. False
/// (nothing changed) when the entry is not a scalar on its own line(s), or is missing.
pub fn try_unset(store: &dyn Store, doc: &mut Document, steps: &[Step]) -> bool {
    let kind = store.kind();
    let Some((Step::Key(k), parents)) = steps.split_last() else {
        return false;
    };
    let Some(root) = doc.docs.first() else {
        return false;
    };
    let Some(path) = map_path(root, parents) else {
        return false;
    };
    let Some(Node::Map(entries)) = root.at_index_path(&path) else {
        return false;
    };
    let Some(p) = entries
        .iter()
        .position(|e| matches!(e, Entry::Pair(key, _) if key == k))
    else {
        return false;
    };
    let Some(range) = removal_range(doc, kind, entries, p) else {
        return false;
    };
    let take = |doc: &mut Document| match doc.docs[0].at_index_path_mut(&path) {
        Some(Node::Map(entries)) => entries.remove(p),
        _ => unreachable!("the mapping was found above"),
    };
    let entry = take(doc);
    if doc.splice(range, "") {
        return true;
    }
    // Another span (a comment, say) lies in the range: put the entry back.
    if let Some(Node::Map(entries)) = doc.docs[0].at_index_path_mut(&path) {
        entries.insert(p, entry);
    }
    false
}

/// Adds `key` (the last step) with a scalar `value` to an existing mapping whose last entry is a
/// scalar on its own line(s): one new line after it, indented like it. False (nothing changed)
/// otherwise, or when the key exists.
pub fn try_insert(store: &dyn Store, doc: &mut Document, steps: &[Step], value: &Node) -> bool {
    let kind = store.kind();
    let Node::Scalar(new) = value else {
        return false;
    };
    let Some((Step::Key(k), parents)) = steps.split_last() else {
        return false;
    };
    let Some(root) = doc.docs.first() else {
        return false;
    };
    let Some(path) = map_path(root, parents) else {
        return false;
    };
    let Some(Node::Map(entries)) = root.at_index_path(&path) else {
        return false;
    };
    if entries
        .iter()
        .any(|e| matches!(e, Entry::Pair(key, _) if key == k))
    {
        return false;
    }
    let Some(last) = entries.iter().rposition(|e| matches!(e, Entry::Pair(..))) else {
        return false;
    };
    let Entry::Pair(sibling_key, Node::Scalar(sibling)) = &entries[last] else {
        return false;
    };
    let Some(line) = entry_line(doc, kind, sibling_key, sibling) else {
        return false;
    };
    let Some(key) = key_text(kind, k) else {
        return false;
    };
    let Some(sibling_span) = sibling.span.clone() else {
        return false;
    };
    let mut leaf = Leaf::new(new.value.clone(), None, sibling.ctx);
    let rendered = store.render_value(doc, &leaf, &new.value);
    if kind != Kind::Yaml && rendered.contains('\n') {
        return false;
    }
    let mut after = if kind == Kind::Json { "" } else { line.nl };
    let (at, before) = if kind == Kind::Json {
        // After the sibling's value: `,<nl><indent>"key": value`.
        (
            sibling_span.end,
            format!(",{}{}{key}{}", line.nl, line.indent, line.sep),
        )
    } else {
        let Some(end) = line.end else {
            return false;
        };
        let rest = &doc.src[sibling_span.end.min(end)..end];
        if kind != Kind::Dotenv && !rest.iter().all(|&b| is_ws(b)) {
            return false;
        }
        let nl_at = end - line.nl.len();
        if doc
            .metadata_spans
            .iter()
            .any(|m| m.start <= nl_at && nl_at < m.end)
        {
            // The data's last line has no line break (the one after it came with the
            // metadata): the new line goes before that break, with a break of its own first.
            after = "";
            (
                nl_at,
                format!("{}{}{key}{}", line.nl, line.indent, line.sep),
            )
        } else {
            (end, format!("{}{key}{}", line.indent, line.sep))
        }
    };
    let text = format!("{before}{rendered}{after}");
    if !doc.splice(at..at, &text) {
        return false;
    }
    let start = at + before.len();
    leaf.span = Some(start..start + rendered.len());
    leaf.changed = true;
    match doc.docs[0].at_index_path_mut(&path) {
        Some(Node::Map(entries)) => {
            entries.insert(last + 1, Entry::Pair(k.clone(), Node::Scalar(leaf)));
        }
        _ => unreachable!("the mapping was found above"),
    }
    true
}

/// The raw index (comments counted) of a step in a container; None when it is missing.
fn raw_index(node: &Node, step: &Step) -> Option<usize> {
    match (node, step) {
        (Node::Map(entries), Step::Key(k)) => entries
            .iter()
            .position(|e| matches!(e, Entry::Pair(key, _) if key == k)),
        (Node::Seq(items), Step::Index(n)) => items
            .iter()
            .enumerate()
            .filter(|(_, n)| !matches!(n, Node::Comment(_)))
            .nth(*n)
            .map(|(i, _)| i),
        _ => None,
    }
}

/// The raw indexes of the data entries (not comments) of a container.
fn data_positions(node: &Node) -> Vec<usize> {
    match node {
        Node::Map(e) => (0..e.len())
            .filter(|&i| matches!(e[i], Entry::Pair(..)))
            .collect(),
        Node::Seq(items) => (0..items.len())
            .filter(|&i| !matches!(items[i], Node::Comment(_)))
            .collect(),
        _ => Vec::new(),
    }
}

/// `set` as a structural text edit by the store: a new entry or item (any value, with the
/// containers a longer path needs), or an existing entry or item replaced by a value of another
/// shape (removed, then added where it stood). False when this is not such a change or the store
/// cannot make it; after a replacement whose second half failed, the entry is gone from both the
/// text and the tree, and the caller's fallback adds it back.
pub fn try_set_structure(
    store: &dyn Store,
    doc: &mut Document,
    steps: &[Step],
    value: &Node,
) -> bool {
    let Some(root) = doc.docs.first() else {
        return false;
    };
    let mut node = root;
    let mut raw: Vec<usize> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        if !matches!(
            (node, step),
            (Node::Map(_), Step::Key(_)) | (Node::Seq(_), Step::Index(_))
        ) {
            return false;
        }
        match raw_index(node, step) {
            Some(p) => {
                raw.push(p);
                match node.child_at(p) {
                    Some(n) => node = n,
                    None => return false,
                }
            }
            None => {
                let new = build(&steps[i + 1..], value.clone());
                let key = match step {
                    Step::Key(k) => Some(k.as_str()),
                    Step::Index(_) => None,
                };
                let op = StructOp::Insert {
                    container: &raw,
                    before: None,
                    key,
                    value: &new,
                };
                return store.edit_structure(doc, &op);
            }
        }
    }
    // A scalar replaced by a scalar is changed in place (not here).
    if matches!((node, value), (Node::Scalar(_), Node::Scalar(_))) || same(node, value) {
        return false;
    }
    let Some((&index, container)) = raw.split_last() else {
        return false;
    };
    let Some(parent) = root.at_index_path(container) else {
        return false;
    };
    let key = match (parent, steps.last()) {
        (Node::Map(_), Some(Step::Key(k))) => Some(k.clone()),
        (Node::Seq(_), Some(Step::Index(_))) => None,
        _ => return false,
    };
    let ordinal = data_positions(parent).iter().position(|&p| p == index);
    let container = container.to_vec();
    let remove = StructOp::Remove {
        container: &container,
        index,
    };
    if !store.edit_structure(doc, &remove) {
        return false;
    }
    // Added before the entry that followed it.
    let before = ordinal.and_then(|o| {
        let parent = doc.docs.first()?.at_index_path(&container)?;
        data_positions(parent).get(o).copied()
    });
    let op = StructOp::Insert {
        container: &container,
        before,
        key: key.as_deref(),
        value,
    };
    store.edit_structure(doc, &op)
}

/// `unset` as a structural text edit by the store (any entry or item). False (nothing changed)
/// when the path is missing or the store cannot make it.
pub fn try_unset_structure(store: &dyn Store, doc: &mut Document, steps: &[Step]) -> bool {
    let Some((last, parents)) = steps.split_last() else {
        return false;
    };
    let Some(root) = doc.docs.first() else {
        return false;
    };
    let mut node = root;
    let mut raw: Vec<usize> = Vec::new();
    for step in parents {
        let Some(p) = raw_index(node, step) else {
            return false;
        };
        raw.push(p);
        match node.child_at(p) {
            Some(n) => node = n,
            None => return false,
        }
    }
    let Some(index) = raw_index(node, last) else {
        return false;
    };
    store.edit_structure(
        doc,
        &StructOp::Remove {
            container: &raw,
            index,
        },
    )
}

/// Where the line of `at` starts.
pub fn line_start_of(src: &[u8], at: usize) -> usize {
    src[..at.min(src.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1)
}

/// Whether `src[r]` holds only blanks and line breaks.
fn blank(src: &[u8], r: Range<usize>) -> bool {
    src[r].iter().all(|&b| is_ws(b))
}

/// The text of a section (header and lines) of a sectioned file (TOML, INI) that spans the whole
/// lines `start..end`, as it is removed: with one blank line before it, without its trailing
/// blank lines — what [`section_slot`] writes a new section as, so that adding and removing a
/// section give back the same bytes.
pub fn blank_framed(src: &[u8], start: usize, end: usize) -> Range<usize> {
    let first_end = src[start..end]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(end, |p| start + p + 1);
    let mut e = end;
    while e > first_end {
        let ls = line_start_of(src, e - 1);
        if ls >= first_end && blank(src, ls..e) {
            e = ls;
        } else {
            break;
        }
    }
    let mut s = start;
    if s > 0 {
        let prev = line_start_of(src, s - 1);
        if prev < s && blank(src, prev..s) {
            s = prev;
        }
    }
    s..e
}

/// Where a new section goes at the end of a region of a sectioned file that ends at `end`: after
/// its last line that is not blank, and the line breaks to write first (a blank line before it).
pub fn section_slot(src: &[u8], end: usize) -> (usize, &'static str) {
    let mut at = end;
    while at > 0 {
        let ls = line_start_of(src, at - 1);
        if blank(src, ls..at) {
            at = ls;
        } else {
            break;
        }
    }
    if at == 0 {
        return (0, "");
    }
    if src[at - 1] == b'\n' {
        (at, "\n")
    } else {
        (at, "\n\n")
    }
}

/// Writes `text` at `at` and puts `node` (its spans already those of its place in the new text)
/// into the container at `container` (raw index path from the first document's root) at raw
/// index `index` (clamped), as the entry `key` of a mapping or an item of a sequence. False when
/// the splice is refused or the container is not of that kind.
pub fn insert_node(
    doc: &mut Document,
    at: usize,
    text: &str,
    container: &[usize],
    index: usize,
    key: Option<&str>,
    node: Node,
) -> bool {
    if !matches!(
        (
            doc.docs.first().and_then(|d| d.at_index_path(container)),
            key
        ),
        (Some(Node::Map(_)), Some(_)) | (Some(Node::Seq(_)), None)
    ) {
        return false;
    }
    if !doc.splice(at..at, text) {
        return false;
    }
    match (
        doc.docs
            .first_mut()
            .and_then(|d| d.at_index_path_mut(container)),
        key,
    ) {
        (Some(Node::Map(e)), Some(k)) => {
            e.insert(index.min(e.len()), Entry::Pair(k.to_string(), node))
        }
        (Some(Node::Seq(items)), None) => items.insert(index.min(items.len()), node),
        _ => unreachable!("checked above"),
    }
    true
}

/// Removes the entry or item at raw index `index` of the container at `container`, with the
/// container's comments that stand inside `ranges`, and replaces the text of `ranges` (which do
/// not overlap) by `replacement`. Nothing changes (false) when a span that stays in the tree
/// lies in one of the ranges.
pub fn remove_node(
    doc: &mut Document,
    container: &[usize],
    index: usize,
    ranges: &[Range<usize>],
    replacement: &str,
) -> bool {
    let inside = |s: &Option<Range<usize>>| {
        s.as_ref()
            .is_some_and(|s| ranges.iter().any(|r| r.start <= s.start && s.end <= r.end))
    };
    let Some(cont) = doc
        .docs
        .first_mut()
        .and_then(|d| d.at_index_path_mut(container))
    else {
        return false;
    };
    let saved = cont.clone();
    let mut n = 0;
    match cont {
        Node::Map(e) if index < e.len() => e.retain(|x| {
            let keep = n != index && !matches!(x, Entry::Comment(c) if inside(&c.span));
            n += 1;
            keep
        }),
        Node::Seq(items) if index < items.len() => items.retain(|x| {
            let keep = n != index && !matches!(x, Node::Comment(c) if inside(&c.span));
            n += 1;
            keep
        }),
        _ => return false,
    }
    // Nothing left may stand in the removed text.
    let hits = |s: &Range<usize>| ranges.iter().any(|r| s.start < r.end && s.end > r.start);
    let mut clash = doc.metadata_spans.iter().any(hits);
    for d in &doc.docs {
        crate::format::visit_spans(d, &mut |s| clash |= hits(s));
    }
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|r| std::cmp::Reverse(r.start));
    if !clash && sorted.iter().all(|r| doc.splice(r.clone(), replacement)) {
        return true;
    }
    if let Some(c) = doc
        .docs
        .first_mut()
        .and_then(|d| d.at_index_path_mut(container))
    {
        *c = saved;
    }
    false
}
