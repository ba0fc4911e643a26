//! Stores: one module per file format, each turning bytes into a lossless [`Document`] and
//! writing it back by copying its input and replacing only the spans that changed.

use std::ops::Range;
use std::path::Path;

use serde_json::Value;

use crate::pipeline::tree::{Entry, Leaf, Node, Scalar};

pub mod binary;
pub mod dotenv;
pub mod ini;
pub mod json;
pub mod limits;
#[cfg(test)]
pub(crate) mod partscheck;
#[cfg(test)]
pub(crate) mod testkit;
pub mod toml;
pub mod yaml;

/// Indentation of re-rendered output (a tree written afresh by [`Store::emit`]): sops's
/// `--indent` and the `stores:` settings of `.sops.yaml`. Lossless writes keep the file's own.
mod indent {
    use std::sync::atomic::{AtomicI64, Ordering};

    /// YAML: spaces per level; 0 = the default, 4.
    static YAML: AtomicI64 = AtomicI64::new(0);
    /// JSON: spaces per level; -1 = the default, one tab.
    static JSON: AtomicI64 = AtomicI64::new(-1);

    /// Sets the indentation of re-rendered YAML and JSON output (encrypted binary files are
    /// JSON); `None` keeps the current value.
    pub fn set(yaml: Option<usize>, json: Option<usize>) {
        let put = |a: &AtomicI64, v: Option<usize>| {
            if let Some(v) = v {
                a.store(v.min(64) as i64, Ordering::Relaxed);
            }
        };
        put(&YAML, yaml);
        put(&JSON, json);
    }

    /// Spaces per level of re-rendered YAML.
    pub fn yaml() -> usize {
        match YAML.load(Ordering::Relaxed) {
            n if n > 0 => n as usize,
            _ => 4,
        }
    }

    /// One level of re-rendered JSON.
    pub fn json_unit() -> String {
        let n = JSON.load(Ordering::Relaxed);
        if n < 0 {
            "\t".to_string()
        } else {
            " ".repeat(n as usize)
        }
    }
}
pub use indent::set as set_emit_indent;
pub(crate) use indent::{json_unit as emit_json_unit, yaml as emit_yaml_indent};

/// The file formats (sops calls them stores).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Yaml,
    Json,
    Toml,
    Dotenv,
    Ini,
    Binary,
}

impl Kind {
    /// Detects the format from a file name as sops does (docs/format.md §10); TOML is veil's addition.
    pub fn from_path(path: &Path) -> Kind {
        match path.extension().and_then(|e| e.to_str()) {
            Some("yaml" | "yml") => Kind::Yaml,
            Some("json") => Kind::Json,
            Some("toml") => Kind::Toml,
            Some("env") => Kind::Dotenv,
            Some("ini") => Kind::Ini,
            _ => {
                // `.env` itself has no extension in Rust's view.
                match path.file_name().and_then(|n| n.to_str()) {
                    Some(".env") => Kind::Dotenv,
                    _ => Kind::Binary,
                }
            }
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Yaml => "yaml",
            Kind::Json => "json",
            Kind::Toml => "toml",
            Kind::Dotenv => "dotenv",
            Kind::Ini => "ini",
            Kind::Binary => "binary",
        }
    }

    /// The store that reads an *encrypted* file of this kind: an encrypted binary file is JSON.
    pub fn reading_store(self) -> &'static dyn Store {
        if self == Kind::Binary {
            Kind::Json.store()
        } else {
            self.store()
        }
    }

    /// The store that reads and writes this format.
    pub fn store(self) -> &'static dyn Store {
        match self {
            Kind::Yaml => &yaml::YamlStore,
            Kind::Json => &json::JsonStore,
            Kind::Toml => &toml::TomlStore,
            Kind::Dotenv => &dotenv::DotenvStore,
            Kind::Ini => &ini::IniStore,
            Kind::Binary => &binary::BinaryStore,
        }
    }
}

/// A parse error: a message without any value text, and the 1-based line where known.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct ParseError {
    pub line: Option<usize>,
    pub message: String,
    /// The input passed one of veil's limits ([`limits`]): an attack or a runaway file, never
    /// a file to be read leniently (`filestatus`, `check` and `scan` report it as an error).
    pub limit: bool,
}

impl ParseError {
    pub fn new(line: Option<usize>, message: impl Into<String>) -> ParseError {
        ParseError {
            line,
            message: message.into(),
            limit: false,
        }
    }

    /// An error for input past one of veil's [`limits`], at a byte offset of `src`.
    pub fn limit_at(src: &[u8], offset: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            limit: true,
            ..ParseError::at(src, offset, message)
        }
    }

    /// Builds an error at a byte offset of `src`.
    pub fn at(src: &[u8], offset: usize, message: impl Into<String>) -> ParseError {
        ParseError::new(Some(line_of(src, offset)), message)
    }
}

/// 1-based line number of a byte offset.
pub fn line_of(src: &[u8], offset: usize) -> usize {
    src[..offset.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Why a streaming parse ([`Store::parse_parts`]) stopped.
#[derive(Debug)]
pub enum PartsError {
    /// The input needs the whole tree (anchors and aliases, several documents, metadata…), the
    /// store cannot stream, or the input is not valid: parse it whole instead (which also
    /// reports any error).
    Unsupported(String),
    /// The sink failed.
    Sink(String),
}

/// The end of a streaming parse: the last part and the metadata facts of a [`Document`].
#[derive(Debug)]
pub struct PartsEnd {
    pub last: Node,
    pub metadata_at: usize,
    pub metadata: Option<Value>,
    pub metadata_spans: Vec<Range<usize>>,
}

/// A parsed file: its documents, its metadata (if it is encrypted) and its source text.
pub struct Document {
    pub src: Vec<u8>,
    /// One root mapping per document (YAML may have several; other stores have one).
    pub docs: Vec<Node>,
    /// The `sops` metadata in generic form, when present.
    pub metadata: Option<Value>,
    /// Byte ranges of the metadata text, removed when the document is written without it.
    pub metadata_spans: Vec<Range<usize>>,
    /// Where the metadata text is inserted when the document is written with it.
    pub metadata_at: usize,
}

// The source text may be plaintext: never print it (leaves print redacted).
impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("src", &format_args!("<{} bytes>", self.src.len()))
            .field("docs", &self.docs)
            .field("metadata", &self.metadata.is_some())
            .field("metadata_spans", &self.metadata_spans)
            .field("metadata_at", &self.metadata_at)
            .finish()
    }
}

impl Document {
    pub fn new(src: Vec<u8>, docs: Vec<Node>) -> Document {
        let at = src.len();
        Document {
            src,
            docs,
            metadata: None,
            metadata_spans: Vec::new(),
            metadata_at: at,
        }
    }

    /// The source text of a span.
    pub fn text(&self, span: &Range<usize>) -> &[u8] {
        &self.src[span.clone()]
    }

    /// Replaces `range` of the source by `text` and moves every position after it (leaf and
    /// alias spans of all documents, metadata spans, the metadata insertion point) so that the
    /// document stays consistent. Refuses (returns false, nothing changed) when a span other
    /// than the metadata insertion point lies partly or wholly inside `range`, or an insertion
    /// would split one: the caller takes the parts it removes out of the tree first.
    pub fn splice(&mut self, range: Range<usize>, text: &str) -> bool {
        if range.start > range.end || range.end > self.src.len() {
            return false;
        }
        let hit = |s: &Range<usize>| {
            (s.start < range.end && s.end > range.start)
                || (s.start == s.end && range.start <= s.start && s.start < range.end)
        };
        let mut clash = self.metadata_spans.iter().any(hit);
        for d in &self.docs {
            visit_spans(d, &mut |s| clash |= hit(s));
        }
        if clash {
            return false;
        }
        let shift = |p: usize| {
            if p >= range.end {
                p - range.end + range.start + text.len()
            } else {
                p
            }
        };
        let move_span = |s: &mut Range<usize>| {
            if s.start >= range.end {
                *s = shift(s.start)..shift(s.end);
            }
        };
        let mut docs = std::mem::take(&mut self.docs);
        for d in &mut docs {
            visit_spans_mut(d, &mut |s| move_span(s));
        }
        self.docs = docs;
        self.metadata_spans.iter_mut().for_each(move_span);
        self.metadata_at = if self.metadata_at > range.start && self.metadata_at < range.end {
            range.start
        } else {
            shift(self.metadata_at)
        };
        self.src.splice(range, text.bytes());
        true
    }
}

/// Calls `f` on every source span of a tree (leaves, comments, aliases and their targets).
pub(crate) fn visit_spans(node: &Node, f: &mut dyn FnMut(&Range<usize>)) {
    match node {
        Node::Map(entries) => {
            for e in entries {
                match e {
                    Entry::Pair(_, v) => visit_spans(v, f),
                    Entry::Comment(l) => l.span.iter().for_each(&mut *f),
                }
            }
        }
        Node::Seq(items) => items.iter().for_each(|n| visit_spans(n, f)),
        Node::Scalar(l) | Node::Comment(l) => l.span.iter().for_each(f),
        Node::Null => {}
        Node::Alias(a) => {
            f(&a.span);
            visit_spans(&a.target, f);
        }
    }
}

/// [`visit_spans`], mutably.
pub(crate) fn visit_spans_mut(node: &mut Node, f: &mut dyn FnMut(&mut Range<usize>)) {
    match node {
        Node::Map(entries) => {
            for e in entries {
                match e {
                    Entry::Pair(_, v) => visit_spans_mut(v, f),
                    Entry::Comment(l) => l.span.iter_mut().for_each(&mut *f),
                }
            }
        }
        Node::Seq(items) => items.iter_mut().for_each(|n| visit_spans_mut(n, f)),
        Node::Scalar(l) | Node::Comment(l) => l.span.iter_mut().for_each(f),
        Node::Null => {}
        Node::Alias(a) => {
            f(&mut a.span);
            visit_spans_mut(&mut a.target, f);
        }
    }
}

/// A replacement of `range` of the input by `text`.
#[derive(Debug, Clone)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// A structural change of a document, made by [`Store::edit_structure`] as a text edit in the
/// file's own style. Containers are index paths from the first document's root (raw indexes:
/// comment entries count).
pub enum StructOp<'a> {
    /// Adds `value` as an entry named `key` to a mapping, or (no `key`) as an item to a
    /// sequence, before the entry or item at raw index `before` (None: after the last one).
    Insert {
        container: &'a [usize],
        before: Option<usize>,
        key: Option<&'a str>,
        value: &'a Node,
    },
    /// Removes the entry or item at raw index `index`.
    Remove {
        container: &'a [usize],
        index: usize,
    },
}

/// What a store does. Rendering functions return the text that stands at a leaf's span.
pub trait Store: Sync {
    fn kind(&self) -> Kind;

    /// Parses a file into a lossless document. Metadata (`sops`) is split off into
    /// `Document::metadata`; it is not part of `docs`.
    fn parse(&self, src: Vec<u8>) -> Result<Document, ParseError>;

    /// Parses a file in one pass without holding its whole tree: `sink` receives the document
    /// in parts of about `every` values, in document order, each part a tree from the root
    /// whose containers hold only the entries not handed over before. Metadata is an error in
    /// a plaintext file and split off from an `encrypted` one. Stores that cannot stream (the
    /// default) answer [`PartsError::Unsupported`].
    fn parse_parts(
        &self,
        _src: &[u8],
        _every: usize,
        _encrypted: bool,
        _sink: &mut dyn FnMut(Node) -> Result<(), String>,
    ) -> Result<PartsEnd, PartsError> {
        Err(PartsError::Unsupported(format!(
            "the {} store reads whole files",
            self.kind().name()
        )))
    }

    /// The metadata of an encrypted file, read before (and without) the values, for stores
    /// that can stream; None when it cannot be found that way.
    fn peek_metadata(&self, _src: &[u8]) -> Option<Value> {
        None
    }

    /// The text of `value` at the position of `leaf` (a plaintext or an `ENC[...]` string).
    fn render_value(&self, doc: &Document, leaf: &Leaf, value: &Scalar) -> String;

    /// [`Store::render_value`] for a value the caller no longer needs; a store may return the
    /// value's own string when it needs no quoting (no copy).
    fn render_value_owned(&self, doc: &Document, leaf: &Leaf, value: Scalar) -> String {
        self.render_value(doc, leaf, &value)
    }

    /// The text of a comment whose content (without the comment marker) is `text`.
    fn render_comment(&self, doc: &Document, leaf: &Leaf, text: &str) -> String;

    /// The metadata text inserted at `Document::metadata_at` when writing an encrypted file.
    fn render_metadata(&self, doc: &Document, meta: &Value) -> String;

    /// Store-specific edits beyond leaves and metadata (YAML aliases).
    fn extra_edits(
        &self,
        _doc: &Document,
        _layout: &mut crate::pipeline::record::LosslessRecord,
        _edits: &mut Vec<Edit>,
    ) {
    }

    /// Makes a structural change as a text edit of `doc.src` in the file's own style (its
    /// indentation, quoting, flow or block form), changing the tree with it (new leaves carry
    /// spans of their new text). False when the store cannot (then nothing changed).
    fn edit_structure(&self, _doc: &mut Document, _op: &StructOp<'_>) -> bool {
        false
    }

    /// Writes a tree from scratch (for conversions between formats), with metadata if given.
    fn emit(&self, docs: &[Node], meta: Option<&Value>) -> Result<Vec<u8>, ParseError>;
}

/// Writes `doc` back: its input with every changed leaf re-rendered, the metadata it was read
/// with removed and (when `meta` is given) new metadata inserted at `Document::metadata_at`.
pub fn write_lossless(
    store: &dyn Store,
    doc: &Document,
    meta: Option<&Value>,
    layout: &mut crate::pipeline::record::LosslessRecord,
) -> Vec<u8> {
    let edits = lossless_edits(store, doc, layout);
    finish_lossless(store, doc, edits, meta)
}

/// The edits that write `doc` back without metadata. Stores may add layout records here (YAML
/// aliases), so an encrypting caller seals the layout only after this.
pub fn lossless_edits(
    store: &dyn Store,
    doc: &Document,
    layout: &mut crate::pipeline::record::LosslessRecord,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    fn collect(store: &dyn Store, doc: &Document, node: &Node, edits: &mut Vec<Edit>) {
        let leaf_edit = |leaf: &Leaf, comment: bool, edits: &mut Vec<Edit>| {
            if let (true, Some(span)) = (leaf.changed, &leaf.span) {
                let text = match &leaf.text {
                    Some(t) => t.clone(),
                    None if comment => {
                        store.render_comment(doc, leaf, leaf.value.as_str().unwrap_or_default())
                    }
                    None => store.render_value(doc, leaf, &leaf.value),
                };
                edits.push(Edit {
                    range: span.clone(),
                    text,
                });
            }
        };
        match node {
            Node::Map(entries) => {
                for e in entries {
                    match e {
                        Entry::Pair(_, v) => collect(store, doc, v, edits),
                        Entry::Comment(c) => leaf_edit(c, true, edits),
                    }
                }
            }
            Node::Seq(items) => items.iter().for_each(|n| collect(store, doc, n, edits)),
            Node::Scalar(l) => leaf_edit(l, false, edits),
            Node::Comment(c) => leaf_edit(c, true, edits),
            Node::Null | Node::Alias(_) => {}
        }
    }
    for d in &doc.docs {
        collect(store, doc, d, &mut edits);
    }
    store.extra_edits(doc, layout, &mut edits);
    edits
}

/// Like [`lossless_edits`], but moves the new texts out of the tree instead of copying them (the
/// leaves it wrote are left empty): an encrypted file's values are written once, not held twice.
pub fn take_lossless_edits(
    store: &dyn Store,
    doc: &mut Document,
    layout: &mut crate::pipeline::record::LosslessRecord,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    store.extra_edits(doc, layout, &mut edits);
    let mut docs = std::mem::take(&mut doc.docs);
    for d in &mut docs {
        take_node_edits(store, doc, d, &mut edits);
    }
    doc.docs = docs;
    edits
}

/// The edits of the changed leaves of `node`, their texts moved out of the tree.
fn take_node_edits(store: &dyn Store, doc: &Document, node: &mut Node, edits: &mut Vec<Edit>) {
    fn take(
        store: &dyn Store,
        doc: &Document,
        leaf: &mut Leaf,
        comment: bool,
        edits: &mut Vec<Edit>,
    ) {
        let (true, Some(span)) = (leaf.changed, leaf.span.clone()) else {
            return;
        };
        let text = match leaf.text.take() {
            Some(t) => t,
            None if comment => {
                store.render_comment(doc, leaf, leaf.value.as_str().unwrap_or_default())
            }
            None => {
                let value = std::mem::replace(&mut leaf.value, Scalar::Str(String::new()));
                store.render_value_owned(doc, leaf, value)
            }
        };
        edits.push(Edit { range: span, text });
    }
    match node {
        Node::Map(entries) => {
            for e in entries {
                match e {
                    Entry::Pair(_, v) => take_node_edits(store, doc, v, edits),
                    Entry::Comment(c) => take(store, doc, c, true, edits),
                }
            }
        }
        Node::Seq(items) => items
            .iter_mut()
            .for_each(|n| take_node_edits(store, doc, n, edits)),
        Node::Scalar(l) => take(store, doc, l, false, edits),
        Node::Comment(c) => take(store, doc, c, true, edits),
        Node::Null | Node::Alias(_) => {}
    }
}

/// Writes a document whose parts arrive in document order ([`Store::parse_parts`]): the input is
/// copied up to each changed leaf of a part, then the leaf's new text is written.
pub struct PartWriter<'a> {
    out: &'a mut dyn std::io::Write,
    /// How far the input has been written.
    pos: usize,
    edits: Vec<Edit>,
}

impl<'a> PartWriter<'a> {
    pub fn new(out: &'a mut dyn std::io::Write) -> PartWriter<'a> {
        PartWriter {
            out,
            pos: 0,
            edits: Vec::new(),
        }
    }

    /// Writes one part. Ok(false) (nothing written) when a change lies before what was already
    /// written: the parts were not in source order, and the file must be written whole.
    pub fn part(
        &mut self,
        store: &dyn Store,
        doc: &Document,
        node: &mut Node,
    ) -> std::io::Result<bool> {
        self.edits.clear();
        take_node_edits(store, doc, node, &mut self.edits);
        self.edits.sort_by_key(|e| e.range.start);
        let mut end = self.pos;
        for e in &self.edits {
            if e.range.start < end {
                return Ok(false);
            }
            end = e.range.end;
        }
        for e in self.edits.drain(..) {
            self.out.write_all(&doc.src[self.pos..e.range.start])?;
            self.out.write_all(e.text.as_bytes())?;
            self.pos = e.range.end;
        }
        Ok(true)
    }

    /// Writes the rest of the input with the last `edits` (metadata inserted or removed)
    /// applied. Ok(false) when one of them lies before what was already written.
    pub fn finish(self, doc: &Document, edits: Vec<Edit>) -> std::io::Result<bool> {
        let out = self.out;
        match Self::tail_of(self.pos, doc, edits) {
            Some(tail) => {
                out.write_all(&tail)?;
                out.flush()?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// What [`PartWriter::finish`] would write, returned instead of written (None when one of
    /// the edits lies before what was already written).
    pub fn finish_tail(self, doc: &Document, edits: Vec<Edit>) -> Option<Vec<u8>> {
        Self::tail_of(self.pos, doc, edits)
    }

    fn tail_of(from: usize, doc: &Document, mut edits: Vec<Edit>) -> Option<Vec<u8>> {
        edits.sort_by_key(|e| e.range.start);
        let mut end = from;
        for e in &edits {
            if e.range.start < end || e.range.end > doc.src.len() {
                return None;
            }
            end = e.range.end;
        }
        let mut tail = Vec::with_capacity(doc.src.len() - from);
        let mut pos = from;
        for e in edits {
            tail.extend_from_slice(&doc.src[pos..e.range.start]);
            tail.extend_from_slice(e.text.as_bytes());
            pos = e.range.end;
        }
        tail.extend_from_slice(&doc.src[pos..]);
        Some(tail)
    }
}

/// Applies `edits` to the document's input: the metadata it was read with goes, and new metadata
/// (when given) is inserted where the store says.
pub fn finish_lossless(
    store: &dyn Store,
    doc: &Document,
    mut edits: Vec<Edit>,
    meta: Option<&Value>,
) -> Vec<u8> {
    edits.extend(doc.metadata_spans.iter().map(|r| Edit {
        range: r.clone(),
        text: String::new(),
    }));
    if let Some(m) = meta {
        edits.push(Edit {
            range: doc.metadata_at..doc.metadata_at,
            text: store.render_metadata(doc, m),
        });
    }
    apply_edits(&doc.src, edits)
}

/// Applies edits to `src`. An edit that lies inside an earlier, larger one is dropped.
pub fn apply_edits(src: &[u8], mut edits: Vec<Edit>) -> Vec<u8> {
    // By start; at one position insertions first, then longer edits, so that an edit
    // containing others wins.
    edits.sort_by(|a, b| {
        let nonempty = |e: &Edit| e.range.end > e.range.start;
        a.range
            .start
            .cmp(&b.range.start)
            .then(nonempty(a).cmp(&nonempty(b)))
            .then(b.range.end.cmp(&a.range.end))
    });
    let extra: usize = edits.iter().map(|e| e.text.len()).sum();
    let mut out = Vec::with_capacity(src.len() + extra);
    let mut pos = 0;
    for e in edits {
        if e.range.start < pos {
            continue; // nested in (or overlapping) an edit already applied
        }
        out.extend_from_slice(&src[pos..e.range.start]);
        out.extend_from_slice(e.text.as_bytes());
        pos = e.range.end;
    }
    out.extend_from_slice(&src[pos..]);
    out
}

/// Converts a tree to a generic JSON value (comments dropped), e.g. to read metadata.
pub fn node_to_value(node: &Node) -> Value {
    match node {
        Node::Map(entries) => Value::Object(
            entries
                .iter()
                .filter_map(|e| match e {
                    Entry::Pair(k, v) => Some((k.clone(), node_to_value(v))),
                    Entry::Comment(_) => None,
                })
                .collect(),
        ),
        Node::Seq(items) => Value::Array(
            items
                .iter()
                .filter(|n| !matches!(n, Node::Comment(_)))
                .map(node_to_value)
                .collect(),
        ),
        Node::Scalar(l) => scalar_to_value(&l.value),
        Node::Null | Node::Comment(_) => Value::Null,
        Node::Alias(a) => node_to_value(&a.target),
    }
}

pub fn scalar_to_value(s: &Scalar) -> Value {
    match s {
        Scalar::Str(s) | Scalar::Time(s) => Value::String(s.clone()),
        Scalar::Int(i) => Value::from(*i),
        Scalar::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::Bytes(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
    }
}

/// Converts a generic value into a tree without spans (e.g. values given on the command line).
pub fn value_to_node(v: &Value) -> Node {
    match v {
        Value::Null => Node::Null,
        Value::Bool(b) => Node::Scalar(Leaf::new(Scalar::Bool(*b), None, 0)),
        Value::Number(n) => Node::Scalar(Leaf::new(
            match n.as_i64() {
                Some(i) => Scalar::Int(i),
                None => Scalar::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            None,
            0,
        )),
        Value::String(s) => Node::Scalar(Leaf::new(Scalar::Str(s.clone()), None, 0)),
        Value::Array(a) => Node::Seq(a.iter().map(value_to_node).collect()),
        Value::Object(m) => Node::Map(
            m.iter()
                .map(|(k, v)| Entry::Pair(k.clone(), value_to_node(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_kinds() {
        assert_eq!(Kind::from_path(Path::new("a/b.yml")), Kind::Yaml);
        assert_eq!(Kind::from_path(Path::new(".env")), Kind::Dotenv);
        assert_eq!(Kind::from_path(Path::new("x.prod.env")), Kind::Dotenv);
        assert_eq!(Kind::from_path(Path::new("x.txt")), Kind::Binary);
        assert_eq!(Kind::from_path(Path::new("Cargo.toml")), Kind::Toml);
    }

    #[test]
    fn debug_never_shows_the_text() {
        let doc = Document::new(b"password: hunter2\n".to_vec(), vec![]);
        let shown = format!("{doc:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("104, 117"),
            "{shown}"
        );
    }

    #[test]
    fn nested_edits_are_dropped() {
        let src = b"0123456789";
        let out = apply_edits(
            src,
            vec![
                Edit {
                    range: 5..6,
                    text: "X".into(),
                },
                Edit {
                    range: 1..4,
                    text: "abc".into(),
                },
                Edit {
                    range: 2..3,
                    text: "Z".into(),
                },
            ],
        );
        assert_eq!(out, b"0abc4X6789");
    }

    #[test]
    fn splice_moves_later_spans_and_refuses_clashes() {
        let leaf = |r: Range<usize>| Node::Scalar(Leaf::new(Scalar::Str("v".into()), Some(r), 0));
        let span = |n: &Node| match n {
            Node::Scalar(l) => l.span.clone().unwrap(),
            _ => unreachable!(),
        };
        let src = b"a: 1\nb: 2\nc: 3\nsops: x\n".to_vec();
        let mut doc = Document::new(
            src,
            vec![Node::Map(vec![
                Entry::Pair("a".into(), leaf(3..4)),
                Entry::Pair("c".into(), leaf(13..14)),
            ])],
        );
        doc.metadata_spans = std::iter::once(15..23).collect();
        doc.metadata_at = 15;
        // Removing the line of `b`.
        assert!(doc.splice(5..10, ""));
        assert_eq!(doc.src, b"a: 1\nc: 3\nsops: x\n");
        let Node::Map(e) = &doc.docs[0] else { panic!() };
        let Entry::Pair(_, c) = &e[1] else { panic!() };
        assert_eq!(span(c), 8..9);
        assert_eq!(doc.metadata_spans, vec![10..18]);
        assert_eq!(doc.metadata_at, 10);
        // An insertion at the metadata point goes before the metadata.
        assert!(doc.splice(10..10, "d: 4\n"));
        assert_eq!(doc.src, b"a: 1\nc: 3\nd: 4\nsops: x\n");
        assert_eq!(doc.metadata_at, 15);
        // A range that holds a span is refused and changes nothing.
        assert!(!doc.splice(0..5, ""));
        assert!(!doc.splice(7..9, "x"));
        assert_eq!(doc.src, b"a: 1\nc: 3\nd: 4\nsops: x\n");
    }
}
