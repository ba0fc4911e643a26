//! Structural edits of a YAML document as text edits ([`StructOp`]): an entry or item is added
//! or removed in the file's own style — block or flow, the file's indentation step and its way of
//! indenting a sequence under its key — and every other line stays byte-identical. The new text
//! is parsed on its own (with the columns it has in the file) to give its leaves their spans
//! and rendering context.

use std::ops::Range;

use super::parse::{self, Collection, Extras};
use super::{
    CTX_DASH, YamlStore, detect_indentation, double_quote, flow_text, needs_quotes, render_key,
    render_scalar,
};
use crate::format::{Document, Store, StructOp, visit_spans, visit_spans_mut};
use crate::pipeline::tree::{Entry, Node};

/// Makes `op` on `doc`; false (nothing changed) when this layout is not handled.
pub(super) fn edit(doc: &mut Document, op: &StructOp<'_>) -> bool {
    let Some(shape) = Shape::read(doc) else {
        return false;
    };
    match *op {
        StructOp::Insert {
            container,
            before,
            key,
            value,
        } => insert(doc, &shape, container, before, key, value),
        StructOp::Remove { container, index } => remove(doc, &shape, container, index),
    }
}

/// What the edit needs to know of the file beyond its tree.
struct Shape {
    extras: Extras,
    /// The indentation step.
    step: usize,
    /// How far a block sequence that is a mapping value is indented from its key.
    seq_offset: usize,
    nl: &'static str,
}

impl Shape {
    fn read(doc: &Document) -> Option<Shape> {
        let (_, extras) = parse::parse(doc.src.clone(), true).ok()?;
        let step = detect_indentation(&doc.src).1.max(1);
        let nl = match memchr::memchr(b'\n', &doc.src) {
            Some(i) if i > 0 && doc.src[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        let mut shape = Shape {
            extras,
            step,
            seq_offset: step,
            nl,
        };
        if let Some(off) = shape.detect_seq_offset(&doc.src) {
            shape.seq_offset = off;
        }
        Some(shape)
    }

    /// The offset of the first block sequence that is a mapping value, from its key.
    fn detect_seq_offset(&self, src: &[u8]) -> Option<usize> {
        self.extras.collections.iter().find_map(|c| {
            let dash = dash_before(src, c)?;
            let key = self.key_at(&c.path)?;
            (line_start(src, key) < dash)
                .then(|| col(src, dash).checked_sub(col(src, key)))
                .flatten()
        })
    }

    fn collection(&self, path: &[usize]) -> Option<&Collection> {
        self.extras.collections.iter().find(|c| c.path == path)
    }

    fn key_at(&self, path: &[usize]) -> Option<usize> {
        self.extras
            .keys
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, at)| *at)
    }

    fn item_at(&self, path: &[usize]) -> Option<usize> {
        self.extras
            .items
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, at)| *at)
    }
}

/// The dash of the first item of a block sequence (the collection starts at the item's content).
fn dash_before(src: &[u8], c: &Collection) -> Option<usize> {
    if c.flow {
        return None;
    }
    if src.get(c.start) == Some(&b'-') {
        return Some(c.start);
    }
    let mut j = c.start;
    while j > 0 && matches!(src[j - 1], b' ' | b'\t' | b'\r' | b'\n') {
        j -= 1;
    }
    (j > 0 && src[j - 1] == b'-').then(|| j - 1)
}

fn full(container: &[usize], index: Option<usize>) -> Vec<usize> {
    std::iter::once(0)
        .chain(container.iter().copied())
        .chain(index)
        .collect()
}

use crate::pipeline::edit::line_start_of as line_start;

fn col(src: &[u8], at: usize) -> usize {
    let ls = line_start(src, at);
    String::from_utf8_lossy(&src[ls..at]).chars().count()
}

/// Only blanks stand before `at` on its line.
fn first_on_line(src: &[u8], at: usize) -> bool {
    src[line_start(src, at)..at]
        .iter()
        .all(|&b| b == b' ' || b == b'\t')
}

/// The smallest and largest offsets of the spans of a node.
fn node_extent(node: &Node) -> Option<Range<usize>> {
    let mut r: Option<Range<usize>> = None;
    visit_spans(node, &mut |s| {
        r = Some(match r.take() {
            None => s.clone(),
            Some(r) => r.start.min(s.start)..r.end.max(s.end),
        });
    });
    r
}

/// Where a container's entry or item at `path` ends in the source.
fn value_end(shape: &Shape, node: &Node, path: &[usize], floor: usize) -> usize {
    let mut end = floor;
    if let Some(r) = node_extent(node) {
        end = end.max(r.end);
    }
    if let Some(c) = shape.collection(path) {
        end = end.max(c.end);
    }
    end
}

/// Where a value that ends at `end` lets a new line start: after its line break. The second
/// element is true when there is none (the data's last line): the new text then starts with one.
fn after_line(doc: &Document, end: usize) -> (usize, bool) {
    match memchr::memchr(b'\n', &doc.src[end..]) {
        Some(p) => {
            let nl = end + p;
            // The line break that the metadata block brought along (data without a final one).
            if doc
                .metadata_spans
                .iter()
                .any(|m| m.start <= nl && nl < m.end)
            {
                let at = if nl > 0 && doc.src[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                (at, true)
            } else {
                (nl + 1, false)
            }
        }
        None => (doc.src.len(), true),
    }
}

/// A block scalar with `+` chomping keeps the blank lines after it: nothing may go there.
fn keeps_trailing_lines(doc: &Document, node: &Node) -> bool {
    let mut keep = false;
    visit_spans(node, &mut |s| {
        let t = &doc.src[s.clone()];
        let t = t.strip_prefix(b"-").unwrap_or(t).trim_ascii_start();
        if matches!(t.first(), Some(b'|' | b'>')) {
            let header = t.split(|&b| b == b'\n').next().unwrap_or_default();
            keep |= header.contains(&b'+');
        }
    });
    keep
}

// --- rendering -------------------------------------------------------------------------------

struct Writer<'a> {
    shape: &'a Shape,
    out: String,
}

impl Writer<'_> {
    fn pad(&mut self, col: usize) {
        self.out.extend(std::iter::repeat_n(' ', col));
    }

    fn key(&mut self, k: &str) {
        render_key(k, &mut self.out);
        self.out.push(':');
    }

    fn nl(&mut self) {
        self.out.push('\n');
    }

    /// `key: value` at column `col`, the value in block style.
    fn entry(&mut self, col: usize, key: &str, value: &Node) {
        self.pad(col);
        self.key(key);
        self.after_key(col, value);
    }

    /// The value of an entry whose key (at `col`) and colon are written.
    fn after_key(&mut self, col: usize, value: &Node) {
        let step = self.shape.step;
        match value.resolved() {
            Node::Map(e) if has_pairs(e) => {
                self.nl();
                self.map(col + step, e);
            }
            Node::Seq(items) if has_items(items) => {
                self.nl();
                self.seq(col + self.shape.seq_offset, items);
            }
            other => {
                self.out.push(' ');
                self.inline(other, col + step);
                self.nl();
            }
        }
    }

    fn map(&mut self, col: usize, entries: &[Entry]) {
        for e in entries {
            if let Entry::Pair(k, v) = e {
                self.entry(col, k, v);
            }
        }
    }

    fn seq(&mut self, col: usize, items: &[Node]) {
        for item in items.iter().filter(|n| !matches!(n, Node::Comment(_))) {
            self.item(col, item);
        }
    }

    /// `- value` with the dash at `col`.
    fn item(&mut self, col: usize, value: &Node) {
        self.pad(col);
        self.out.push('-');
        match value.resolved() {
            Node::Map(e) if has_pairs(e) => {
                self.out.push(' ');
                let mut first = true;
                for e in e.iter() {
                    if let Entry::Pair(k, v) = e {
                        if first {
                            self.key(k);
                            self.after_key(col + 2, v);
                            first = false;
                        } else {
                            self.entry(col + 2, k, v);
                        }
                    }
                }
            }
            Node::Seq(items) if has_items(items) => {
                self.out.push(' ');
                let mut first = true;
                for item in items.iter().filter(|n| !matches!(n, Node::Comment(_))) {
                    if first {
                        // `- - x`: the inner dash stands where the text goes on.
                        let len = self.out.len();
                        self.item(col + 2, item);
                        let inner: String = self.out[len..].trim_start_matches(' ').to_string();
                        self.out.truncate(len);
                        self.out.push_str(&inner);
                        first = false;
                    } else {
                        self.item(col + 2, item);
                    }
                }
            }
            other => {
                self.out.push(' ');
                self.inline(other, col + 2);
                self.nl();
            }
        }
    }

    /// A value on the line of its key or dash: a scalar (a literal block for several lines,
    /// its lines at `block_col`), null, or an empty (or any) collection in flow style.
    fn inline(&mut self, value: &Node, block_col: usize) {
        match value {
            Node::Scalar(l) => {
                render_scalar(&l.value, false, Some(block_col), false, &mut self.out)
            }
            Node::Null | Node::Comment(_) => self.out.push_str("null"),
            other => flow_text(other, &mut self.out),
        }
    }
}

fn has_pairs(e: &[Entry]) -> bool {
    e.iter().any(|e| matches!(e, Entry::Pair(..)))
}

fn has_items(items: &[Node]) -> bool {
    items.iter().any(|n| !matches!(n, Node::Comment(_)))
}

fn flow_key(k: &str, out: &mut String) {
    if needs_quotes(k, true) {
        double_quote(k, out);
    } else {
        out.push_str(k);
    }
}

/// Parses `text` (a whole document) and returns the node at `path` of its root, its spans moved
/// by `shift` (where the text's offset 0 will stand in the file, minus any wrapper).
fn parsed_node(text: &str, path: &[usize], shift: isize) -> Option<Node> {
    let doc = YamlStore.parse(text.as_bytes().to_vec()).ok()?;
    let mut node = doc.docs.into_iter().next()?;
    for &i in path {
        node = match node {
            Node::Map(entries) => match entries.into_iter().nth(i)? {
                Entry::Pair(_, v) => v,
                Entry::Comment(_) => return None,
            },
            Node::Seq(items) => items.into_iter().nth(i)?,
            _ => return None,
        };
    }
    let mut ok = true;
    visit_spans_mut(&mut node, &mut |s| {
        let (a, b) = (s.start as isize + shift, s.end as isize + shift);
        if a < 0 {
            ok = false;
        } else {
            *s = a as usize..b as usize;
        }
    });
    ok.then_some(node)
}

/// The index in the parent of the first entry (or item) among `idx` that is data (not a comment).
fn data_indexes(node: &Node) -> Vec<usize> {
    match node {
        Node::Map(e) => e
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e, Entry::Pair(..)))
            .map(|(i, _)| i)
            .collect(),
        Node::Seq(items) => items
            .iter()
            .enumerate()
            .filter(|(_, n)| !matches!(n, Node::Comment(_)))
            .map(|(i, _)| i)
            .collect(),
        _ => Vec::new(),
    }
}

/// Where the entry or item at raw index `i` of the container at `path` starts: its key, or its
/// dash (block) or first token (flow).
fn entry_start(
    doc: &Document,
    shape: &Shape,
    cont: &Node,
    path: &[usize],
    i: usize,
) -> Option<usize> {
    let mut p = path.to_vec();
    p.push(i);
    match cont {
        Node::Map(_) => shape.key_at(&p),
        Node::Seq(items) => {
            let at = match &items[i] {
                Node::Scalar(l) if l.ctx & CTX_DASH != 0 => {
                    return l.span.as_ref().map(|s| s.start);
                }
                _ => shape
                    .item_at(&p)
                    .or_else(|| node_extent(&items[i]).map(|r| r.start))?,
            };
            // Back over blanks to the dash of a block sequence item.
            let mut j = at;
            while j > 0 && matches!(doc.src[j - 1], b' ' | b'\t') {
                j -= 1;
            }
            Some(if j > 0 && doc.src[j - 1] == b'-' {
                j - 1
            } else {
                at
            })
        }
        _ => None,
    }
}

fn insert(
    doc: &mut Document,
    shape: &Shape,
    container: &[usize],
    before: Option<usize>,
    key: Option<&str>,
    value: &Node,
) -> bool {
    let Some(cont) = doc.docs.first().and_then(|d| d.at_index_path(container)) else {
        return false;
    };
    let is_map = matches!(cont, Node::Map(_));
    if is_map != key.is_some() || !matches!(cont, Node::Map(_) | Node::Seq(_)) {
        return false;
    }
    let path = full(container, None);
    let data = data_indexes(cont);
    let coll = shape.collection(&path);
    let nl = shape.nl;
    // Where, the text to insert, the tree index and the new node.
    let (at, text, tree_index, node) = if coll.is_some_and(|c| c.flow) {
        let c = coll.expect("checked");
        let mut entry = String::new();
        if let Some(k) = key {
            flow_key(k, &mut entry);
            entry.push_str(": ");
        }
        flow_text(value, &mut entry);
        let (at, text, off, idx) = match (before, data.last()) {
            (Some(q), _) => {
                let Some(start) = entry_start(doc, shape, cont, &path, q) else {
                    return false;
                };
                (start, format!("{entry}, "), 0, q)
            }
            (None, Some(&last)) => {
                let mut p = path.clone();
                p.push(last);
                let end = match cont.child_at(last) {
                    Some(n) => value_end(shape, n, &p, 0),
                    None => return false,
                };
                (end, format!(", {entry}"), 2, last + 1)
            }
            (None, None) => (c.start + 1, entry.clone(), 0, 0),
        };
        let wrapper = if key.is_some() {
            ("k: {", "}")
        } else {
            ("k: [", "]")
        };
        let shift = (at + off) as isize - wrapper.0.len() as isize;
        let wrapped = format!("{}{entry}{}\n", wrapper.0, wrapper.1);
        let Some(node) = parsed_node(&wrapped, &[0, 0], shift) else {
            return false;
        };
        (at, text, idx, node)
    } else {
        // Block style: the column of the container's keys or dashes.
        let c_col = match coll {
            Some(c) if is_map => c.col,
            Some(c) => match dash_before(&doc.src, c) {
                Some(d) => col(&doc.src, d),
                None => return false,
            },
            None if container.is_empty() && data.is_empty() => 0,
            None => return false,
        };
        let mut w = Writer {
            shape,
            out: String::new(),
        };
        match key {
            Some(k) => w.entry(c_col, k, value),
            None => w.item(c_col, value),
        }
        let mut entry = w.out;
        if nl == "\r\n" {
            entry = entry.replace('\n', "\r\n");
        }
        let (at, lead, idx) = match (before, data.last()) {
            (Some(q), _) => {
                let Some(start) = entry_start(doc, shape, cont, &path, q) else {
                    return false;
                };
                if !first_on_line(&doc.src, start) {
                    return false;
                }
                (line_start(&doc.src, start), false, q)
            }
            (None, Some(&last)) => {
                let mut p = path.clone();
                p.push(last);
                let Some(n) = cont.child_at(last) else {
                    return false;
                };
                if keeps_trailing_lines(doc, n) {
                    return false;
                }
                let floor = entry_start(doc, shape, cont, &path, last).unwrap_or(0);
                let (at, lead) = after_line(doc, value_end(shape, n, &p, floor + 1));
                (at, lead, last + 1)
            }
            (None, None) => {
                let at = doc.metadata_at;
                if at > 0 && doc.src[at - 1] != b'\n' {
                    return false;
                }
                (at, false, data.len())
            }
        };
        let text = if lead {
            format!("{nl}{}", entry.strip_suffix(nl).unwrap_or(&entry))
        } else {
            entry.clone()
        };
        let off = if lead { nl.len() } else { 0 };
        // Parsed alone, with the columns it has in the file.
        let (wrapped, wpath, wlen) = match key {
            Some(_) => (entry.clone(), vec![0], 0),
            None => (format!("k:{nl}{entry}"), vec![0, 0], 2 + nl.len()),
        };
        let shift = (at + off) as isize - wlen as isize;
        let Some(node) = parsed_node(&wrapped, &wpath, shift) else {
            return false;
        };
        (at, text, idx, node)
    };
    crate::pipeline::edit::insert_node(doc, at, &text, container, tree_index, key, node)
}

fn remove(doc: &mut Document, shape: &Shape, container: &[usize], index: usize) -> bool {
    let Some(root) = doc.docs.first() else {
        return false;
    };
    let Some(cont) = root.at_index_path(container) else {
        return false;
    };
    let Some(target) = cont.child_at(index) else {
        return false;
    };
    let path = full(container, None);
    let mut ipath = path.clone();
    ipath.push(index);
    let data = data_indexes(cont);
    let pos = data.iter().position(|&i| i == index);
    let Some(pos) = pos else {
        return false;
    };
    let Some(start) = entry_start(doc, shape, cont, &path, index) else {
        return false;
    };
    let end = value_end(shape, target, &ipath, start + 1);
    let src = &doc.src;
    let coll = shape.collection(&path);
    let range: Range<usize>;
    let mut replacement = String::new();
    if coll.is_some_and(|c| c.flow) {
        // `a, b, c`: the entry with the comma after it, or (the last) with the one before.
        range = if let Some(&next) = data.get(pos + 1) {
            let Some(n) = entry_start(doc, shape, cont, &path, next) else {
                return false;
            };
            start..n
        } else if pos > 0 {
            let prev = data[pos - 1];
            let mut p = path.clone();
            p.push(prev);
            let Some(pn) = cont.child_at(prev) else {
                return false;
            };
            value_end(shape, pn, &p, 0)..end
        } else {
            start..end
        };
    } else {
        if coll.is_none() && !container.is_empty() {
            return false;
        }
        if !first_on_line(src, start) {
            return false;
        }
        let from = line_start(src, start);
        let (stop, at_end) = after_line(doc, end);
        if data.len() == 1 && !container.is_empty() {
            // The container empties: `key:` + its lines becomes `key: {}` (or `[]`).
            let Some(parent_key) = key_of_container(shape, container) else {
                return false;
            };
            let line_end =
                memchr::memchr(b'\n', &src[parent_key..]).map_or(src.len(), |p| parent_key + p);
            let line_end = if line_end > 0 && src[line_end - 1] == b'\r' {
                line_end - 1
            } else {
                line_end
            };
            let head = &src[parent_key..line_end];
            if !head.ends_with(b":") || line_end > from || at_end {
                return false;
            }
            replacement = if matches!(cont, Node::Map(_)) {
                " {}".into()
            } else {
                " []".into()
            };
            replacement.push_str(shape.nl);
            range = line_end..stop;
        } else if at_end {
            // The data's last line: the line break before it goes with it.
            if from == 0 {
                return false;
            }
            let b = if from >= 2 && src[from - 2] == b'\r' {
                from - 2
            } else {
                from - 1
            };
            range = b..stop;
        } else {
            range = from..stop;
        }
    }
    crate::pipeline::edit::remove_node(doc, container, index, &[range], &replacement)
}

/// The key of the mapping entry whose value is the container at `container`.
fn key_of_container(shape: &Shape, container: &[usize]) -> Option<usize> {
    shape.key_at(&full(container, None))
}
