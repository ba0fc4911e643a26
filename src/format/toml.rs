//! The TOML store (veil's own; sops has no TOML store). See `docs/toml-layout.md`.
//!
//! Parsing uses `toml_edit`'s span-preserving [`toml_edit::Document`]: every value of the
//! document tree carries the byte range of its literal, so an encrypted file is the original
//! with each selected value replaced in place by an `"ENC[...]"` basic string, and the
//! metadata appended as a `[sops]` table at the end of the file.
//!
//! Tree: the logical TOML structure (the one every TOML reader sees): tables, inline tables
//! and dotted keys (`a.b.c = 1` → path `a:b:c:`) become mappings, arrays become sequences and
//! arrays of tables sequences of mappings. Key order is `toml_edit`'s (document order of first
//! definition). Typing: string → `str`; integer (decimal, hex, octal, binary, underscores) →
//! `int`; float (including `inf`/`nan`) → `float`; boolean → `bool`; offset date-time → `time`
//! (canonical RFC 3339).
//!
//! **Local date-times, local dates and local times** have no instant, so they are not `time`
//! values: they are kept as `str` holding their ISO text (`1979-05-27T07:32:00`, `1979-05-27`,
//! `07:32:00`), which is also how they appear in a conversion to another format. The default
//! rendering of a `str` is a quoted string, so the encryption records the bare literal in the
//! layout record and decryption gives back the typed TOML value byte for byte.
//!
//! **Comments** are not visible to sops (it has no TOML store), so encrypting them is veil's
//! choice, made consistent with YAML: a comment is encrypted when the selection rule selects its
//! container, written as `#ENC[...,type:comment]`, with the container's path as additional data.
//! The container is the innermost multi-line array or inline table that contains the comment,
//! otherwise the table section (`[table]` / `[[array]]` header) the comment stands in, otherwise
//! the root (additional data `:`). Comments are located by a lexical scan that skips string
//! literals (the file has already been validated by `toml_edit`, so the scan cannot be misled).

use std::ops::Range;

use serde_json::Value;
use toml_edit::{Array, ArrayOfTables, InlineTable, Item, Table, Value as TValue};

use super::{Document, Kind, ParseError, Store};
use crate::pipeline::tree::{Entry, Leaf, Node, Scalar, canonical_time, format_float};

pub struct TomlStore;

/// Leaf context: the value is a one-line literal string (`'…'`). Such a value is encrypted as
/// `'ENC[…]'` and a `'ENC[…]'` value decrypts to a literal string, so the style needs no layout
/// record.
const CTX_LITERAL: u32 = 1;

impl Store for TomlStore {
    fn kind(&self) -> Kind {
        Kind::Toml
    }

    fn parse(&self, src: Vec<u8>) -> Result<Document, ParseError> {
        parse_document(src, false)
    }

    fn parse_parts(
        &self,
        src: &[u8],
        every: usize,
        encrypted: bool,
        sink: &mut dyn FnMut(Node) -> Result<(), String>,
    ) -> Result<super::PartsEnd, super::PartsError> {
        parts::parse_parts(src, every, encrypted, sink)
    }

    fn peek_metadata(&self, src: &[u8]) -> Option<Value> {
        parts::peek_metadata(src)
    }

    fn edit_structure(&self, doc: &mut Document, op: &super::StructOp<'_>) -> bool {
        edit::edit(doc, op)
    }

    fn render_value(&self, _doc: &Document, leaf: &Leaf, value: &Scalar) -> String {
        let mut out = String::new();
        if leaf.ctx == CTX_LITERAL
            && let Scalar::Str(s) = value
            && !s
                .chars()
                .any(|c| c == '\'' || (c.is_control() && c != '\t'))
        {
            out.reserve(s.len() + 2);
            out.push('\'');
            out.push_str(s);
            out.push('\'');
            return out;
        }
        write_scalar(&mut out, value);
        out
    }

    fn render_comment(&self, _doc: &Document, _leaf: &Leaf, text: &str) -> String {
        self.render_comment_text(text)
    }

    fn render_metadata(&self, doc: &Document, meta: &Value) -> String {
        let nl = newline(&doc.src);
        let mut out = String::new();
        if doc.metadata_at > 0 {
            out.push_str(nl);
        }
        let mut body = String::new();
        match meta {
            // Multi-line strings only with `\n` line ends: their line breaks are content.
            Value::Object(m) => {
                write_table_value(&mut body, &["sops".to_string()], m, false, nl == "\n")
            }
            _ => body.push_str("[sops]\n"),
        }
        if nl == "\n" {
            out.push_str(&body);
        } else {
            out.push_str(&body.replace('\n', nl));
        }
        out
    }

    /// Writes a tree from scratch: key/value pairs first, then `[table]` and `[[array]]`
    /// sections, `[sops]` last. TOML has no null: a null value is an error.
    fn emit(&self, docs: &[Node], meta: Option<&Value>) -> Result<Vec<u8>, ParseError> {
        let mut out = String::new();
        match docs.first().map(Node::resolved) {
            Some(Node::Map(entries)) => emit_table(&mut out, &mut Vec::new(), entries, false)?,
            None => {}
            Some(_) => {
                return Err(ParseError::new(
                    None,
                    "the top level of a TOML document must be a table",
                ));
            }
        }
        if let Some(Value::Object(m)) = meta {
            if !out.is_empty() {
                out.push('\n');
            }
            write_table_value(&mut out, &["sops".to_string()], m, false, true);
        }
        Ok(out.into_bytes())
    }
}

/// Parses a TOML file. With `placeholders` (the one-pass reading of an encrypted file), `toml_edit`
/// reads a copy where each `"ENC[…]"` value is replaced by an integer of the same length (see
/// [`enc_placeholders`]): it then need not decode those strings, which are taken from the source.
fn parse_document(src: Vec<u8>, placeholders: bool) -> Result<Document, ParseError> {
    let text = std::str::from_utf8(&src)
        .map_err(|e| ParseError::at(&src, e.valid_up_to(), "the TOML file is not valid UTF-8"))?;
    let copy = if placeholders {
        enc_placeholders(text)
    } else {
        None
    };
    let parsed = toml_edit::Document::parse(copy.as_deref().unwrap_or(text)).map_err(|e| {
        let at = e.span().map(|s| s.start).unwrap_or(0);
        ParseError::at(
            &src,
            at,
            format!("invalid TOML: {}", clean_message(e.message())),
        )
    })?;
    let root = parsed.as_table();

    // The metadata: a `[sops]` table that must be the last thing in the file.
    let mut metadata = None;
    let mut metadata_span = None;
    if let Some((key, item)) = root.get_key_value("sops") {
        let at = key.span().map(|s| s.start).unwrap_or(0);
        let header = match item {
            Item::Table(t) if !t.is_dotted() && !t.is_implicit() => t.span(),
            _ => None,
        };
        let Some(header) = header else {
            return Err(ParseError::at(
                &src,
                at,
                "the top-level key `sops` is reserved for the metadata table `[sops]`",
            ));
        };
        let after = last_section_start(root, &["sops"]);
        if after.is_some_and(|s| s > header.start) {
            return Err(ParseError::at(
                &src,
                header.start,
                "the [sops] metadata table must be at the end of the file",
            ));
        }
        let nl = newline(&src);
        let start = if src[..header.start].ends_with(nl.as_bytes()) {
            header.start - nl.len()
        } else {
            header.start
        };
        metadata_span = Some(start..src.len());
        metadata = Some(item_to_value(item));
    }
    let data_end = metadata_span.as_ref().map_or(src.len(), |s| s.start);

    let mut b = Builder {
        src: &src,
        containers: vec![Container {
            index_path: vec![],
            offsets: vec![],
        }],
        regions: vec![],
        sections: vec![],
    };
    let root_node = b.table(root, 0, true)?;
    let comments = scan_comments(&src[..data_end]);
    let docs = vec![b.attach_comments(root_node, comments)];

    let mut doc = Document::new(src, docs);
    doc.metadata_at = data_end;
    doc.metadata = metadata;
    doc.metadata_spans = metadata_span.into_iter().collect();
    Ok(doc)
}

/// A copy of `src` where every one-line `"ENC[…]"` string that stands as a value (after `=`, `[`
/// or `,`, before `,`, `]`, `}`, a comment or the line end) is replaced by `0` and blanks of the
/// same length, for `toml_edit` to read quickly; None when there is none.
fn enc_placeholders(text: &str) -> Option<String> {
    const ENC: &[u8] = b"\"ENC[AES256_GCM,data:";
    let src = text.as_bytes();
    // The copy, and how far the text has been copied into it (all cuts are at ASCII bytes).
    let mut out: Option<(String, usize)> = None;
    let n = src.len();
    let mut i = 0;
    while let Some(p) = memchr::memchr3(b'#', b'"', b'\'', &src[i..]) {
        i += p;
        match src[i] {
            b'#' => i = memchr::memchr(b'\n', &src[i..]).map_or(n, |p| i + p),
            b'"' if src[i..].starts_with(ENC) => {
                let end = skip_string(src, i, b'"');
                let body = &src[i + 1..end.saturating_sub(1)];
                let before = src[..i]
                    .iter()
                    .rev()
                    .find(|&&b| b != b' ' && b != b'\t')
                    .copied();
                let after = src[end..]
                    .iter()
                    .find(|&&b| b != b' ' && b != b'\t')
                    .copied();
                let value = matches!(before, Some(b'=' | b'[' | b','))
                    && matches!(
                        after,
                        None | Some(b',' | b']' | b'}' | b'#' | b'\r' | b'\n')
                    );
                if value && src[end - 1] == b'"' && !body.contains(&b'\\') {
                    let (copy, done) = out.get_or_insert_with(|| (String::with_capacity(n), 0));
                    copy.push_str(&text[*done..i]);
                    copy.push('0');
                    const BLANKS: &str =
                        "                                                                ";
                    let mut left = end - i - 1;
                    while left > 0 {
                        let n = left.min(BLANKS.len());
                        copy.push_str(&BLANKS[..n]);
                        left -= n;
                    }
                    *done = end;
                }
                i = end;
            }
            q => i = skip_string(src, i, q),
        }
    }
    out.map(|(mut copy, done)| {
        copy.push_str(&text[done..]);
        copy
    })
}

/// The line break of the file (`\r\n` when its first line ends so), else `\n`.
fn newline(src: &[u8]) -> &'static str {
    match src.iter().position(|&b| b == b'\n') {
        Some(i) if i > 0 && src[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// A parser message without any text of the file (quoted fragments are cut off).
fn clean_message(m: &str) -> String {
    let cut = m.find(['`', '"', '\'']).unwrap_or(m.len());
    let m = m[..cut].trim_end_matches([' ', ':', ',']);
    if m.is_empty() {
        "syntax error".into()
    } else {
        m.to_string()
    }
}

/// The greatest header start of any `[table]`/`[[array]]` section outside the top-level keys
/// `except`.
fn last_section_start(root: &Table, except: &[&str]) -> Option<usize> {
    fn walk(item: &Item, max: &mut Option<usize>) {
        match item {
            Item::Table(t) => {
                if !t.is_dotted()
                    && !t.is_implicit()
                    && let Some(s) = t.span()
                {
                    *max = (*max).max(Some(s.start));
                }
                t.iter().for_each(|(_, i)| walk(i, max));
            }
            Item::ArrayOfTables(a) => {
                for t in a.iter() {
                    if let Some(s) = t.span() {
                        *max = (*max).max(Some(s.start));
                    }
                    t.iter().for_each(|(_, i)| walk(i, max));
                }
            }
            _ => {}
        }
    }
    let mut max = None;
    for (k, item) in root.iter() {
        if !except.contains(&k) {
            walk(item, &mut max);
        }
    }
    max
}

/// A container of the tree that comments can be attached to.
struct Container {
    /// Indices from the root to this container (entry index in a mapping, item index in a
    /// sequence).
    index_path: Vec<usize>,
    /// Source offset of each entry, to place comments among them.
    offsets: Vec<usize>,
}

struct Builder<'a> {
    src: &'a [u8],
    containers: Vec<Container>,
    /// Byte ranges of arrays and inline tables → container id.
    regions: Vec<(Range<usize>, usize)>,
    /// Header start of each `[table]`/`[[array]]` section → container id.
    sections: Vec<(usize, usize)>,
}

impl Builder<'_> {
    fn new_container(&mut self, parent: usize, index: usize) -> usize {
        let mut index_path = self.containers[parent].index_path.clone();
        index_path.push(index);
        self.containers.push(Container {
            index_path,
            offsets: vec![],
        });
        self.containers.len() - 1
    }

    fn leaf(&self, value: Scalar, span: Option<Range<usize>>) -> Result<Node, ParseError> {
        match span {
            Some(span) => Ok(Node::Scalar(Leaf::new(value, Some(span), 0))),
            None => Err(ParseError::new(
                None,
                "internal error: a TOML value has no position",
            )),
        }
    }

    /// A table (standard, implicit or dotted) as container `id`.
    fn table(&mut self, t: &Table, id: usize, is_root: bool) -> Result<Node, ParseError> {
        if !is_root
            && !t.is_dotted()
            && !t.is_implicit()
            && let Some(s) = t.span()
        {
            self.sections.push((s.start, id));
        }
        let mut entries = Vec::with_capacity(t.len());
        for (k, item) in t.iter() {
            if is_root && k == "sops" {
                continue;
            }
            let at = t.key(k).and_then(|k| k.span()).map_or(0, |s| s.start);
            let index = entries.len();
            let node = self.item(item, id, index)?;
            self.containers[id].offsets.push(at);
            entries.push(Entry::Pair(k.to_string(), node));
        }
        Ok(Node::Map(entries))
    }

    fn item(&mut self, item: &Item, parent: usize, index: usize) -> Result<Node, ParseError> {
        match item {
            Item::None => Ok(Node::Null),
            Item::Value(v) => self.value(v, parent, index),
            Item::Table(t) => {
                let id = self.new_container(parent, index);
                self.table(t, id, false)
            }
            Item::ArrayOfTables(a) => self.array_of_tables(a, parent, index),
        }
    }

    fn array_of_tables(
        &mut self,
        a: &ArrayOfTables,
        parent: usize,
        index: usize,
    ) -> Result<Node, ParseError> {
        let seq_id = self.new_container(parent, index);
        let mut items = Vec::with_capacity(a.len());
        for (i, t) in a.iter().enumerate() {
            let id = self.new_container(seq_id, i);
            let at = t.span().map_or(0, |s| s.start);
            items.push(self.table(t, id, false)?);
            self.containers[seq_id].offsets.push(at);
        }
        Ok(Node::Seq(items))
    }

    fn value(&mut self, v: &TValue, parent: usize, index: usize) -> Result<Node, ParseError> {
        let span = v.span();
        match v {
            TValue::String(s) => {
                let node = self.leaf(Scalar::Str(s.value().clone()), span.clone())?;
                // A one-line literal string keeps its style in the encrypted file.
                let literal = span.is_some_and(|r| {
                    let t = &self.src[r];
                    t.starts_with(b"'") && !t.starts_with(b"'''")
                });
                Ok(match node {
                    Node::Scalar(mut l) if literal => {
                        l.ctx = CTX_LITERAL;
                        Node::Scalar(l)
                    }
                    n => n,
                })
            }
            // A placeholder of an encrypted string (`parse_document`): the string of the source.
            TValue::Integer(_)
                if span
                    .as_ref()
                    .is_some_and(|r| self.src.get(r.start) == Some(&b'"')) =>
            {
                let start = span.map_or(0, |r| r.start);
                let end = skip_string(self.src, start, b'"');
                let text = std::str::from_utf8(&self.src[start + 1..end - 1]).map_err(|_| {
                    ParseError::new(None, "internal error: an encrypted value is not UTF-8")
                })?;
                self.leaf(Scalar::Str(text.to_string()), Some(start..end))
            }
            TValue::Integer(i) => self.leaf(Scalar::Int(*i.value()), span),
            TValue::Float(f) => self.leaf(Scalar::Float(*f.value()), span),
            TValue::Boolean(b) => self.leaf(Scalar::Bool(*b.value()), span),
            TValue::Datetime(d) => {
                let dt = d.value();
                let text = dt.to_string();
                let value = match (dt.date, dt.time, dt.offset) {
                    (Some(_), Some(_), Some(_)) => match canonical_time(&text) {
                        Some(t) => Scalar::Time(t),
                        None => Scalar::Str(text),
                    },
                    _ => Scalar::Str(text),
                };
                self.leaf(value, span)
            }
            TValue::Array(a) => self.array(a, parent, index),
            TValue::InlineTable(t) => self.inline_table(t, parent, index),
        }
    }

    fn array(&mut self, a: &Array, parent: usize, index: usize) -> Result<Node, ParseError> {
        let id = self.new_container(parent, index);
        if let Some(s) = a.span() {
            self.regions.push((s, id));
        }
        let mut items = Vec::with_capacity(a.len());
        for (i, v) in a.iter().enumerate() {
            let at = v.span().map_or(0, |s| s.start);
            items.push(self.value(v, id, i)?);
            self.containers[id].offsets.push(at);
        }
        Ok(Node::Seq(items))
    }

    fn inline_table(
        &mut self,
        t: &InlineTable,
        parent: usize,
        index: usize,
    ) -> Result<Node, ParseError> {
        let id = self.new_container(parent, index);
        if let Some(s) = t.span() {
            self.regions.push((s, id));
        }
        self.inline_entries(t, id)
    }

    fn inline_entries(&mut self, t: &InlineTable, id: usize) -> Result<Node, ParseError> {
        let mut entries = Vec::with_capacity(t.len());
        for (k, v) in t.iter() {
            let at = t.key(k).and_then(|k| k.span()).map_or(0, |s| s.start);
            let index = entries.len();
            let node = match v {
                // A dotted key inside an inline table (`{a.b = 1}`).
                TValue::InlineTable(inner) if inner.is_dotted() => {
                    let inner_id = self.new_container(id, index);
                    self.inline_entries(inner, inner_id)?
                }
                v => self.value(v, id, index)?,
            };
            self.containers[id].offsets.push(at);
            entries.push(Entry::Pair(k.to_string(), node));
        }
        Ok(Node::Map(entries))
    }

    /// Puts every comment into its container, among the entries by source position.
    fn attach_comments(&mut self, mut root: Node, comments: Vec<Range<usize>>) -> Node {
        if comments.is_empty() {
            return root;
        }
        self.sections.sort_unstable();
        // Regions sorted by start, outer before inner when they start together.
        self.regions
            .sort_unstable_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
        let mut per_container: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.containers.len()];
        // One sweep: comments come in source order; `open` holds the regions (properly nested)
        // that start before the current comment, innermost last.
        let mut open: Vec<(Range<usize>, usize)> = Vec::new();
        let mut next_region = 0;
        let mut section = 0;
        let mut current_section = 0;
        for c in comments {
            let at = c.start;
            while next_region < self.regions.len() && self.regions[next_region].0.start <= at {
                let r = self.regions[next_region].clone();
                while open.last().is_some_and(|(o, _)| o.end <= r.0.start) {
                    open.pop();
                }
                open.push(r);
                next_region += 1;
            }
            while open.last().is_some_and(|(o, _)| o.end <= at) {
                open.pop();
            }
            while section < self.sections.len() && self.sections[section].0 <= at {
                current_section = self.sections[section].1;
                section += 1;
            }
            let id = open.last().map_or(current_section, |(_, id)| *id);
            per_container[id].push(c);
        }
        // Deepest containers first, so that inserting comments does not shift the indices on
        // the way to containers still to be processed.
        let mut order: Vec<usize> = (0..self.containers.len())
            .filter(|&i| !per_container[i].is_empty())
            .collect();
        order.sort_by_key(|&i| std::cmp::Reverse(self.containers[i].index_path.len()));
        for id in order {
            let comments = std::mem::take(&mut per_container[id]);
            let c = &self.containers[id];
            if let Some(node) = root.at_index_path_mut(&c.index_path) {
                merge_comments(node, &c.offsets, comments, self.src);
            }
        }
        root
    }
}

/// Inserts comments (sorted by offset) among the entries of a container.
fn merge_comments(node: &mut Node, offsets: &[usize], comments: Vec<Range<usize>>, src: &[u8]) {
    let leaf = |r: Range<usize>| {
        // The comment text is what follows `#`.
        let text = String::from_utf8_lossy(&src[r.start + 1..r.end]).into_owned();
        Leaf::new(Scalar::Str(text), Some(r), 0)
    };
    let mut comments = comments.into_iter().peekable();
    match node {
        Node::Map(entries) => {
            let old = std::mem::take(entries);
            entries.reserve(old.len() + comments.len());
            for (e, &at) in old.into_iter().zip(offsets) {
                while comments.next_if(|c| c.start < at).is_some_and(|c| {
                    entries.push(Entry::Comment(leaf(c)));
                    true
                }) {}
                entries.push(e);
            }
            entries.extend(comments.map(|c| Entry::Comment(leaf(c))));
        }
        Node::Seq(items) => {
            let old = std::mem::take(items);
            items.reserve(old.len() + comments.len());
            for (n, &at) in old.into_iter().zip(offsets) {
                while comments.next_if(|c| c.start < at).is_some_and(|c| {
                    items.push(Node::Comment(leaf(c)));
                    true
                }) {}
                items.push(n);
            }
            items.extend(comments.map(|c| Node::Comment(leaf(c))));
        }
        _ => {}
    }
}

/// Byte ranges of every comment (from `#` to the end of the line, without a `\r`), skipping
/// string literals of all four kinds.
fn scan_comments(src: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let n = src.len();
    let mut i = 0;
    while let Some(p) = memchr::memchr3(b'#', b'"', b'\'', &src[i..]) {
        i += p;
        match src[i] {
            b'#' => {
                let mut end = memchr::memchr(b'\n', &src[i..]).map_or(n, |p| i + p);
                let next = end;
                if end > i && src[end - 1] == b'\r' {
                    end -= 1;
                }
                out.push(i..end);
                i = next;
            }
            q => i = skip_string(src, i, q),
        }
    }
    out
}

/// Skips a string literal of any of the four kinds that starts at `i` with the quote `q`;
/// returns the offset after it.
fn skip_string(src: &[u8], i: usize, q: u8) -> usize {
    let n = src.len();
    let triple = i + 2 < n && src[i + 1] == q && src[i + 2] == q;
    let basic = q == b'"';
    let mut j = if triple { i + 3 } else { i + 1 };
    while j < n {
        // The next byte that matters: the quote, a backslash (basic strings), a line break
        // (single-line strings).
        let rest = &src[j..];
        let found = match (basic, triple) {
            (true, false) => memchr::memchr3(q, b'\\', b'\n', rest),
            (true, true) => memchr::memchr2(q, b'\\', rest),
            (false, false) => memchr::memchr2(q, b'\n', rest),
            (false, true) => memchr::memchr(q, rest),
        };
        let Some(p) = found else { return n };
        j += p;
        let b = src[j];
        if b == b'\\' {
            j += 2;
            continue;
        }
        if b == b'\n' {
            return j;
        }
        if !triple {
            return j + 1;
        }
        if j + 2 < n && src[j + 1] == q && src[j + 2] == q {
            // Up to two more quotes belong to the content.
            let mut end = j + 3;
            let mut extra = 0;
            while end < n && src[end] == q && extra < 2 {
                end += 1;
                extra += 1;
            }
            return end;
        }
        j += 1;
    }
    n
}

/// The generic value of a metadata item.
fn item_to_value(item: &Item) -> Value {
    match item {
        Item::None => Value::Null,
        Item::Value(v) => tvalue_to_value(v),
        Item::Table(t) => Value::Object(
            t.iter()
                .map(|(k, i)| (k.to_string(), item_to_value(i)))
                .collect(),
        ),
        Item::ArrayOfTables(a) => Value::Array(
            a.iter()
                .map(|t| item_to_value(&Item::Table(t.clone())))
                .collect(),
        ),
    }
}

fn tvalue_to_value(v: &TValue) -> Value {
    match v {
        TValue::String(s) => Value::String(s.value().clone()),
        TValue::Integer(i) => Value::from(*i.value()),
        TValue::Float(f) => serde_json::Number::from_f64(*f.value())
            .map(Value::Number)
            .unwrap_or(Value::Null),
        TValue::Boolean(b) => Value::Bool(*b.value()),
        TValue::Datetime(d) => Value::String(d.value().to_string()),
        TValue::Array(a) => Value::Array(a.iter().map(tvalue_to_value).collect()),
        TValue::InlineTable(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.to_string(), tvalue_to_value(v)))
                .collect(),
        ),
    }
}

/// Writes a scalar as a TOML value.
fn write_scalar(out: &mut String, v: &Scalar) {
    match v {
        Scalar::Str(s) => write_string(out, s),
        // Canonical RFC 3339 is a valid TOML offset date-time.
        Scalar::Time(t) => out.push_str(t),
        Scalar::Int(i) => out.push_str(&i.to_string()),
        Scalar::Float(f) => out.push_str(&toml_float(*f)),
        Scalar::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Scalar::Bytes(b) => write_string(out, &String::from_utf8_lossy(b)),
    }
}

/// A float as TOML writes it: always with a `.`/exponent, `inf`/`nan` spelled the TOML way.
fn toml_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let mut s = format_float(f);
    if !s.contains(['.', 'e', 'E']) {
        s.push_str(".0");
    }
    s
}

/// A TOML basic string (`"..."`) with the required escapes.
fn write_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    // The common case (every encrypted value): nothing to escape.
    if !s
        .bytes()
        .any(|b| b < 0x20 || b == b'"' || b == b'\\' || b == 0x7f)
    {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A multi-line basic string (`"""` on its own line, then the text) for text with line breaks.
fn write_multiline(out: &mut String, s: &str) {
    out.push_str("\"\"\"\n");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push('\n'),
            '\t' => out.push('\t'),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push_str("\"\"\"");
}

/// A key: bare when it can be, else a basic string.
fn write_key(out: &mut String, k: &str) {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        out.push_str(k);
    } else {
        write_string(out, k);
    }
}

fn write_header(out: &mut String, path: &[String], array: bool) {
    out.push_str(if array { "[[" } else { "[" });
    for (i, k) in path.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        write_key(out, k);
    }
    out.push_str(if array { "]]\n" } else { "]\n" });
}

fn is_table_value(v: &Value) -> bool {
    matches!(v, Value::Object(_))
}

fn is_table_array_value(v: &Value) -> bool {
    matches!(v, Value::Array(a) if !a.is_empty() && a.iter().all(is_table_value))
}

/// Writes a generic mapping as a `[path]` section (or `[[path]]` element): plain keys first,
/// then sub-tables. Nulls are skipped (TOML has none; metadata uses them for empty lists).
fn write_table_value(
    out: &mut String,
    path: &[String],
    m: &serde_json::Map<String, Value>,
    array: bool,
    multiline: bool,
) {
    write_header(out, path, array);
    for (k, v) in m {
        if v.is_null() || is_table_value(v) || is_table_array_value(v) {
            continue;
        }
        write_key(out, k);
        out.push_str(" = ");
        write_inline_value(out, v, multiline);
        out.push('\n');
    }
    for (k, v) in m {
        let mut p = path.to_vec();
        p.push(k.clone());
        match v {
            Value::Object(sub) => {
                out.push('\n');
                write_table_value(out, &p, sub, false, multiline);
            }
            Value::Array(items) if is_table_array_value(v) => {
                for item in items {
                    if let Value::Object(sub) = item {
                        out.push('\n');
                        write_table_value(out, &p, sub, true, multiline);
                    }
                }
            }
            _ => {}
        }
    }
}

fn write_inline_value(out: &mut String, v: &Value, multiline: bool) {
    match v {
        Value::Null => out.push_str("\"\""),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => out.push_str(&i.to_string()),
            (None, Some(f)) => out.push_str(&toml_float(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) if multiline && s.contains('\n') => write_multiline(out, s),
        Value::String(s) => write_string(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().filter(|v| !v.is_null()).enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_inline_value(out, item, false);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, item)) in m.iter().filter(|(_, v)| !v.is_null()).enumerate() {
                out.push_str(if i > 0 { ", " } else { " " });
                write_key(out, k);
                out.push_str(" = ");
                write_inline_value(out, item, false);
            }
            out.push_str(if m.is_empty() { "}" } else { " }" });
        }
    }
}

fn is_table_node(n: &Node) -> bool {
    matches!(n.resolved(), Node::Map(_))
}

fn is_table_array_node(n: &Node) -> bool {
    match n.resolved() {
        Node::Seq(items) => {
            let mut data = items.iter().filter(|i| !matches!(i, Node::Comment(_)));
            let mut any = false;
            let all = data.all(|i| {
                any = true;
                is_table_node(i)
            });
            any && all
        }
        _ => false,
    }
}

fn null_error() -> ParseError {
    ParseError::new(
        None,
        "TOML has no null: a null value cannot be written as TOML",
    )
}

/// Emits a tree mapping as a section (the root has no header).
fn emit_table(
    out: &mut String,
    path: &mut Vec<String>,
    entries: &[Entry],
    array: bool,
) -> Result<(), ParseError> {
    if !path.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        write_header(out, path, array);
    }
    for e in entries {
        match e {
            Entry::Comment(c) => {
                let text = c.value.as_str().unwrap_or_default();
                out.push_str(&TomlStore.render_comment_text(text));
                out.push('\n');
            }
            Entry::Pair(k, v) if !is_table_node(v) && !is_table_array_node(v) => {
                write_key(out, k);
                out.push_str(" = ");
                emit_inline(out, v)?;
                out.push('\n');
            }
            Entry::Pair(..) => {}
        }
    }
    for e in entries {
        let Entry::Pair(k, v) = e else { continue };
        path.push(k.clone());
        match v.resolved() {
            Node::Map(sub) => emit_table(out, path, sub, false)?,
            Node::Seq(items) if is_table_array_node(v) => {
                for item in items {
                    if let Node::Map(sub) = item.resolved() {
                        emit_table(out, path, sub, true)?;
                    }
                }
            }
            _ => {}
        }
        path.pop();
    }
    Ok(())
}

fn emit_inline(out: &mut String, n: &Node) -> Result<(), ParseError> {
    match n.resolved() {
        Node::Scalar(l) => match &l.value {
            Scalar::Str(s) if s.contains('\n') => write_multiline(out, s),
            v => write_scalar(out, v),
        },
        Node::Null => return Err(null_error()),
        Node::Seq(items) => {
            out.push('[');
            let mut first = true;
            for item in items.iter().filter(|i| !matches!(i, Node::Comment(_))) {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                emit_inline(out, item)?;
            }
            out.push(']');
        }
        Node::Map(entries) => {
            out.push('{');
            let mut first = true;
            for e in entries {
                let Entry::Pair(k, v) = e else { continue };
                out.push_str(if first { " " } else { ", " });
                first = false;
                write_key(out, k);
                out.push_str(" = ");
                emit_inline(out, v)?;
            }
            out.push_str(if first { "}" } else { " }" });
        }
        Node::Comment(_) | Node::Alias(_) => {}
    }
    Ok(())
}

impl TomlStore {
    /// The tree of a TOML text (a fragment written by an edit), None when it does not parse.
    fn parse_text(text: &str) -> Option<Node> {
        parse_document(text.as_bytes().to_vec(), false)
            .ok()?
            .docs
            .into_iter()
            .next()
    }

    /// `#text`; a comment ends at the line end, so a multi-line text (from another format)
    /// becomes one comment line per line.
    fn render_comment_text(&self, text: &str) -> String {
        let mut out = String::new();
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push('#');
            out.push_str(line.trim_end_matches('\r'));
        }
        out
    }
}

mod edit;
mod parts;

#[cfg(test)]
mod tests;
