//! The YAML store (docs/format.md §10.1): lossless parsing with `saphyr-parser` events, yaml.v3 typing,
//! comments attached where yaml.v3 (and so sops) attaches them, and sops-style rendering.

mod edit;
mod parse;
mod resolve;
#[cfg(test)]
mod tests;

use serde_json::Value;

use super::{Document, Edit, Kind, ParseError, Store, value_to_node};
use crate::crypto::cipher;
use crate::pipeline::record::LosslessRecord;
use crate::pipeline::tree::{Entry, Leaf, Node, Scalar};

/// Leaf context: low bits = indentation of the leaf's parent (key column, or `-` column).
pub(crate) const INDENT_MASK: u32 = 0xFFFF;
/// The leaf is inside a flow collection.
pub(crate) const CTX_FLOW: u32 = 1 << 16;
/// The span starts at the `-` of a block sequence item.
pub(crate) const CTX_DASH: u32 = 1 << 17;
/// The span starts with node properties (anchor, tag).
pub(crate) const CTX_PROPS: u32 = 1 << 18;
/// The scalar is double-quoted. Outside flow collections a value keeps that style both ways:
/// a double-quoted plaintext is encrypted as `"ENC[…]"` and a double-quoted `"ENC[…]"` decrypts
/// to a double-quoted plaintext, so the quotes need no layout record. (In a flow collection an
/// encrypted value is always quoted, so there a double-quoted `"ENC[…]"` decrypts to the
/// default style.)
pub(crate) const CTX_DQ: u32 = 1 << 21;
/// The scalar is single-quoted: kept both ways, like [`CTX_DQ`], in block and flow context.
pub(crate) const CTX_SQ: u32 = 1 << 22;

pub struct YamlStore;

impl Store for YamlStore {
    fn kind(&self) -> Kind {
        Kind::Yaml
    }

    fn parse(&self, src: Vec<u8>) -> Result<Document, ParseError> {
        parse::parse(src, false).map(|(d, _)| d)
    }

    fn parse_parts(
        &self,
        src: &[u8],
        every: usize,
        encrypted: bool,
        sink: &mut dyn FnMut(Node) -> Result<(), String>,
    ) -> Result<super::PartsEnd, super::PartsError> {
        parse::parse_parts(src, every, encrypted, sink)
    }

    fn peek_metadata(&self, src: &[u8]) -> Option<Value> {
        parse::peek_metadata(src)
    }

    fn render_value_owned(&self, doc: &Document, leaf: &Leaf, value: Scalar) -> String {
        // The common case of an encrypted file: an ENC string alone in block context is written
        // as it is (no copy), or in the double quotes of its plaintext.
        match value {
            Scalar::Str(mut s)
                if leaf.ctx & (CTX_FLOW | CTX_DASH | CTX_PROPS | CTX_SQ) == 0
                    && s.starts_with("ENC[")
                    && !needs_quotes(&s, false) =>
            {
                if leaf.ctx & CTX_DQ != 0 {
                    s.insert(0, '"');
                    s.push('"');
                }
                s
            }
            v => self.render_value(doc, leaf, &v),
        }
    }

    fn render_value(&self, doc: &Document, leaf: &Leaf, value: &Scalar) -> String {
        let mut out = String::new();
        let ctx = leaf.ctx;
        let flow = ctx & CTX_FLOW != 0;
        if ctx & CTX_DASH != 0 {
            out.push_str("- ");
        }
        let mut block_ok = !flow;
        if let Some(span) = &leaf.span {
            if ctx & CTX_PROPS != 0 {
                keep_anchor(&doc.src[span.clone()], &mut out);
            }
            // A block scalar only where the rest of the line is empty.
            let rest = &doc.src[span.end.min(doc.src.len())..];
            let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
            block_ok &= line.iter().all(|&b| b == b' ' || b == b'\r' || b == b'\t');
        }
        if let Scalar::Str(s) = value {
            if ctx & CTX_SQ != 0 && single_quote(s, &mut out) {
                return out;
            }
            if ctx & CTX_DQ != 0 && !flow {
                double_quote(s, &mut out);
                return out;
            }
        }
        let indent = if flow {
            None
        } else {
            Some((ctx & INDENT_MASK) as usize + 2)
        };
        render_scalar(value, flow, indent.filter(|_| block_ok), false, &mut out);
        out
    }

    fn render_comment(&self, _doc: &Document, _leaf: &Leaf, text: &str) -> String {
        format!("#{text}")
    }

    fn render_metadata(&self, doc: &Document, meta: &Value) -> String {
        let (base, indent) = detect_indentation(&doc.src);
        let mut e = Emitter {
            indent,
            out: String::new(),
        };
        let entries = vec![Entry::Pair("sops".into(), value_to_node(meta))];
        e.map(&entries, base, false, false);
        let at = doc.metadata_at;
        if at >= doc.src.len() && !doc.src.is_empty() && !doc.src.ends_with(b"\n") {
            let mut text = e.out;
            text.pop();
            return format!("\n{text}");
        }
        e.out
    }

    fn extra_edits(&self, doc: &Document, layout: &mut LosslessRecord, edits: &mut Vec<Edit>) {
        alias_edits(doc, layout, edits);
    }

    fn edit_structure(&self, doc: &mut Document, op: &super::StructOp<'_>) -> bool {
        edit::edit(doc, op)
    }

    fn emit(&self, docs: &[Node], meta: Option<&Value>) -> Result<Vec<u8>, ParseError> {
        let mut e = Emitter {
            indent: super::emit_yaml_indent(),
            out: String::new(),
        };
        for (i, d) in docs.iter().enumerate() {
            if i > 0 {
                e.out.push_str("---\n");
            }
            let mut entries: Vec<Entry> = match d.resolved() {
                Node::Map(entries) => entries.clone(),
                Node::Null => Vec::new(),
                _ => {
                    return Err(ParseError::new(
                        None,
                        "YAML documents that are not mappings are not supported",
                    ));
                }
            };
            if let Some(m) = meta {
                entries.push(Entry::Pair("sops".into(), value_to_node(m)));
            }
            if entries.is_empty() {
                e.out.push_str("{}\n");
            } else {
                e.map(&entries, 0, false, false);
            }
        }
        Ok(e.out.into_bytes())
    }
}

/// One value written on its own, as yaml.v3 marshals a value (`--extract` of a value that is
/// neither a string nor a mapping): a scalar and a line break, or a block sequence.
pub fn emit_value(node: &Node) -> String {
    let mut e = Emitter {
        indent: super::emit_yaml_indent(),
        out: String::new(),
    };
    match node.resolved() {
        Node::Seq(items) if !items.is_empty() => e.seq(items, 0, false),
        Node::Seq(_) => e.out.push_str("[]\n"),
        Node::Map(entries) if !entries.is_empty() => e.map(entries, 0, false, false),
        Node::Map(_) => e.out.push_str("{}\n"),
        Node::Scalar(l) => {
            render_scalar(&l.value, false, Some(0), false, &mut e.out);
            e.out.push('\n');
        }
        _ => e.out.push_str("null\n"),
    }
    e.out
}

/// Copies the anchor (`&name`) of the properties that start `text` (after a `- `).
fn keep_anchor(text: &[u8], out: &mut String) {
    let mut i = 0;
    if text.first() == Some(&b'-') {
        i = 1;
        while i < text.len() && (text[i] == b' ' || text[i] == b'\t') {
            i += 1;
        }
    }
    while i < text.len() && (text[i] == b'&' || text[i] == b'!') {
        let s = i;
        while i < text.len() && !text[i].is_ascii_whitespace() {
            i += 1;
        }
        if text[s] == b'&' {
            out.push_str(&String::from_utf8_lossy(&text[s..i]));
            out.push(' ');
        }
        while i < text.len() && text[i].is_ascii_whitespace() {
            i += 1;
        }
    }
}

/// The column of the top-level keys and the indentation step of a document (fallback 4).
/// A line that holds only node properties (`&anchor`, `!tag`) and maybe a comment: the node
/// starts on a later line, whose indentation counts (found by fuzzing: `&x` over an indented
/// root mapping put the metadata at the wrong column).
fn only_properties(rest: &[u8]) -> bool {
    let mut i = 0;
    let mut any = false;
    while i < rest.len() && matches!(rest[i], b'&' | b'!') {
        any = true;
        while i < rest.len() && !matches!(rest[i], b' ' | b'\t' | b'\r') {
            i += 1;
        }
        while i < rest.len() && matches!(rest[i], b' ' | b'\t' | b'\r') {
            i += 1;
        }
    }
    any && (i == rest.len() || rest[i] == b'#')
}

/// Whether a line that starts at column 0 is a document marker (`---` or `...` then a space,
/// a tab or the end of the line): `...key:` is a key (found by fuzzing: taken for a marker, it
/// did not set the indentation and the metadata went to the next line's column).
fn document_marker(line: &[u8]) -> bool {
    (line.starts_with(b"---") || line.starts_with(b"..."))
        && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\r'))
}

fn detect_indentation(src: &[u8]) -> (usize, usize) {
    let mut base = None;
    let mut prev: Option<usize> = None;
    for line in src.split(|&b| b == b'\n') {
        let ind = line.iter().take_while(|&&b| b == b' ').count();
        let rest = &line[ind..];
        // Blank lines and comment lines, tabs before them too (found by fuzzing), and lines
        // without a node say nothing.
        let blank = rest
            .iter()
            .take_while(|&&b| matches!(b, b' ' | b'\t'))
            .count();
        let text = &rest[blank..];
        if text.is_empty()
            || text == b"\r"
            || text.starts_with(b"#")
            || (ind == 0 && document_marker(rest))
            || rest.starts_with(b"%")
            || only_properties(rest)
        {
            continue;
        }
        if base.is_none() {
            base = Some(ind);
        }
        if let Some(p) = prev
            && ind > p
        {
            return (base.unwrap_or(0), ind - p);
        }
        prev = Some(ind);
    }
    (base.unwrap_or(0), 4)
}

/// Whether a string must be quoted to be read back as this string.
/// The bytes an `ENC[...]` value is made of.
const ENC_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric()
            || matches!(b, b'+' | b'/' | b'=' | b',' | b':' | b'[' | b']' | b'_');
        c += 1;
    }
    t
};

fn needs_quotes(s: &str, flow: bool) -> bool {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return true;
    };
    if !flow && b.starts_with(b"ENC[AES256_GCM,") && b.iter().all(|&c| ENC_BYTES[c as usize]) {
        // The common case: an encrypted value (base64 and `ENC[…,…:…]` punctuation only) is a
        // safe plain scalar in block context.
        return false;
    }
    if !resolve::plain_is_string(s) {
        return true;
    }
    // YAML 1.1 booleans: yaml.v3 (so sops) quotes them for older readers.
    if matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    ) {
        return true;
    }
    if b"-?:,[]{}#&*!|>'\"%@`".contains(&first) {
        let next = b.get(1).copied();
        let ok = matches!(first, b'-' | b'?' | b':')
            && next.is_some_and(|n| !(n.is_ascii_whitespace() || (flow && b",[]{}".contains(&n))));
        if !ok {
            return true;
        }
    }
    if s.starts_with("---") || s.starts_with("...") {
        return true;
    }
    if first == b' ' || first == b'\t' || b[b.len() - 1] == b' ' || b[b.len() - 1] == b'\t' {
        return true;
    }
    if b[b.len() - 1] == b':' {
        return true;
    }
    for (i, c) in s.char_indices() {
        if c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}') {
            return true;
        }
        match c {
            ':' => {
                let n = b.get(i + 1).copied();
                if n.is_none_or(|n| n == b' ' || n == b'\t' || (flow && b",[]{}".contains(&n))) {
                    return true;
                }
            }
            '#' if i > 0 && (b[i - 1] == b' ' || b[i - 1] == b'\t') => return true,
            ',' | '[' | ']' | '{' | '}' if flow => return true,
            _ => {}
        }
    }
    false
}

fn double_quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\u{feff}' => out.push_str("\\uFEFF"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes `s` single-quoted when a single-quoted scalar can hold it on one line (no control
/// characters or line breaks); false (nothing written) otherwise.
fn single_quote(s: &str, out: &mut String) -> bool {
    if s.chars().any(|c| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
    }) {
        return false;
    }
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    true
}

/// Whether a multi-line string can be written as a literal block.
fn literal_ok(s: &str) -> bool {
    if !s.contains('\n') || s.ends_with("\n\n") {
        return false;
    }
    let first_content = s.split('\n').find(|l| !l.is_empty());
    if first_content.is_none_or(|l| l.starts_with(' ') || l.starts_with('\t')) {
        return false;
    }
    !s.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
    }) && s
        .split('\n')
        .all(|l| l.is_empty() || !l.chars().all(|c| c == ' ' || c == '\t'))
}

/// Go `strconv.FormatFloat(f, 'g', -1, 64)` as yaml.v3 writes floats, kept a float on reading.
fn yaml_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    // Go's strconv.FormatFloat(f, 'g', -1, 64), as yaml.v3 (so sops) writes a float: `3`,
    // `1.5`, `1e+06` (an integral float has no `.0`: sops writes `a: 3.0` back as `a: 3`).
    if f != 0.0 && !(-4..6).contains(&exp) {
        format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        format!("{f}")
    }
}

/// Renders a scalar. `block_indent` = content indentation when a literal block may be used.
fn render_scalar(
    value: &Scalar,
    flow: bool,
    block_indent: Option<usize>,
    force_quote: bool,
    out: &mut String,
) {
    match value {
        Scalar::Str(s) => render_str(s, flow, block_indent, force_quote, out),
        Scalar::Bytes(b) => render_str(&String::from_utf8_lossy(b), flow, block_indent, false, out),
        Scalar::Int(i) => out.push_str(&i.to_string()),
        Scalar::Float(f) => out.push_str(&yaml_float(*f)),
        Scalar::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Scalar::Time(t) => out.push_str(t),
    }
}

fn render_str(
    s: &str,
    flow: bool,
    block_indent: Option<usize>,
    force_quote: bool,
    out: &mut String,
) {
    if let Some(ind) = block_indent
        && literal_ok(s)
    {
        let body = s.strip_suffix('\n');
        out.push_str(if body.is_some() { "|" } else { "|-" });
        for line in body.unwrap_or(s).split('\n') {
            out.push('\n');
            if !line.is_empty() {
                out.extend(std::iter::repeat_n(' ', ind));
                out.push_str(line);
            }
        }
        return;
    }
    if force_quote || needs_quotes(s, flow) {
        double_quote(s, out);
    } else {
        out.push_str(s);
    }
}

fn render_key(k: &str, out: &mut String) {
    if needs_quotes(k, false) {
        double_quote(k, out);
    } else {
        out.push_str(k);
    }
}

/// sops-style block writer.
struct Emitter {
    indent: usize,
    out: String,
}

impl Emitter {
    fn pad(&mut self, col: usize) {
        self.out.extend(std::iter::repeat_n(' ', col));
    }

    fn map(&mut self, entries: &[Entry], col: usize, first_inline: bool, in_item: bool) {
        for (i, e) in entries.iter().enumerate() {
            if !(i == 0 && first_inline) {
                self.pad(col);
            }
            match e {
                Entry::Comment(l) => {
                    self.out.push('#');
                    self.out.push_str(l.value.as_str().unwrap_or_default());
                    self.out.push('\n');
                }
                Entry::Pair(k, v) => {
                    render_key(k, &mut self.out);
                    self.out.push(':');
                    let block = if in_item { col + 2 } else { col + self.indent };
                    self.value(v, col, block, k == "lastmodified");
                }
            }
        }
    }

    fn value(&mut self, v: &Node, col: usize, block: usize, force_quote: bool) {
        match v {
            Node::Map(e) if e.is_empty() => self.out.push_str(" {}\n"),
            Node::Map(e) => {
                self.out.push('\n');
                self.map(e, col + self.indent, false, false);
            }
            Node::Seq(items) if items.is_empty() => self.out.push_str(" []\n"),
            Node::Seq(items) => {
                self.out.push('\n');
                self.seq(items, col + self.indent, false);
            }
            Node::Null => self.out.push_str(" null\n"),
            Node::Scalar(l) => {
                self.out.push(' ');
                render_scalar(&l.value, false, Some(block), force_quote, &mut self.out);
                self.out.push('\n');
            }
            Node::Comment(l) => {
                self.out.push_str(" #");
                self.out.push_str(l.value.as_str().unwrap_or_default());
                self.out.push('\n');
            }
            Node::Alias(a) => self.value(&a.target, col, block, force_quote),
        }
    }

    fn seq(&mut self, items: &[Node], col: usize, first_inline: bool) {
        for (i, item) in items.iter().enumerate() {
            if !(i == 0 && first_inline) {
                self.pad(col);
            }
            match item.resolved() {
                Node::Comment(l) => {
                    self.out.push('#');
                    self.out.push_str(l.value.as_str().unwrap_or_default());
                    self.out.push('\n');
                }
                Node::Null => self.out.push_str("- null\n"),
                Node::Scalar(l) => {
                    self.out.push_str("- ");
                    render_scalar(&l.value, false, Some(col + 2), false, &mut self.out);
                    self.out.push('\n');
                }
                Node::Map(e) if e.is_empty() => self.out.push_str("- {}\n"),
                Node::Map(e) => {
                    if matches!(e[0], Entry::Comment(_)) {
                        self.out.push_str("-\n");
                        self.map(e, col + 2, false, true);
                    } else {
                        self.out.push_str("- ");
                        self.map(e, col + 2, true, true);
                    }
                }
                Node::Seq(s) if s.is_empty() => self.out.push_str("- []\n"),
                Node::Seq(s) => {
                    if matches!(s[0], Node::Comment(_)) {
                        self.out.push_str("-\n");
                        self.seq(s, col + 2, false);
                    } else {
                        self.out.push_str("- ");
                        self.seq(s, col + 2, true);
                    }
                }
                Node::Alias(_) => {}
            }
        }
    }
}

/// A flow rendering of an alias target (encrypted strings double-quoted).
fn flow_text(node: &Node, out: &mut String) {
    match node {
        Node::Map(entries) => {
            out.push('{');
            let mut first = true;
            for e in entries {
                if let Entry::Pair(k, v) = e {
                    if !first {
                        out.push_str(", ");
                    }
                    first = false;
                    if needs_quotes(k, true) {
                        double_quote(k, out);
                    } else {
                        out.push_str(k);
                    }
                    out.push_str(": ");
                    flow_text(v, out);
                }
            }
            out.push('}');
        }
        Node::Seq(items) => {
            out.push('[');
            let mut first = true;
            for n in items.iter().filter(|n| !matches!(n, Node::Comment(_))) {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                flow_text(n, out);
            }
            out.push(']');
        }
        Node::Scalar(l) => match &l.value {
            Scalar::Str(s) if cipher::is_encrypted(s) => double_quote(s, out),
            v => render_scalar(v, true, None, false, out),
        },
        Node::Null | Node::Comment(_) => out.push_str("null"),
        Node::Alias(a) => flow_text(&a.target, out),
    }
}

fn first_enc(node: &Node) -> Option<&str> {
    match node {
        Node::Map(entries) => entries.iter().find_map(|e| match e {
            Entry::Pair(_, v) => first_enc(v),
            _ => None,
        }),
        Node::Seq(items) => items.iter().find_map(first_enc),
        Node::Scalar(l) => match &l.value {
            Scalar::Str(s) if cipher::is_encrypted(s) => Some(s),
            _ => None,
        },
        Node::Alias(a) => first_enc(&a.target),
        _ => None,
    }
}

fn for_each_node<'a>(node: &'a Node, f: &mut impl FnMut(&'a Node)) {
    f(node);
    match node {
        Node::Map(entries) => {
            for e in entries {
                if let Entry::Pair(_, v) = e {
                    for_each_node(v, f);
                }
            }
        }
        Node::Seq(items) => items.iter().for_each(|n| for_each_node(n, f)),
        _ => {}
    }
}

/// The node at an index path whose first index is the document.
fn node_at<'a>(docs: &'a [Node], path: &[usize]) -> Option<&'a Node> {
    let (first, rest) = path.split_first()?;
    docs.get(*first)?.at_index_path(rest)
}

/// Aliases (format §10.1): sops expands them, so an encrypted file must not keep them.
///
/// Encryption writes each alias whose copy holds encrypted values as that copy (a flow
/// collection, or a double-quoted scalar), wherever it stands — block position or inside a flow
/// collection — and records the alias under the tag of the copy's first encrypted value.
/// Decryption finds those copies again (a flow collection, or a double-quoted scalar, whose first
/// encrypted value has an alias record) and writes the alias back when the copy still equals
/// the anchored node.
fn alias_edits(doc: &Document, layout: &mut LosslessRecord, edits: &mut Vec<Edit>) {
    for d in &doc.docs {
        for_each_node(d, &mut |n| {
            if let Node::Alias(a) = n
                && let Some(tag) = first_enc(&a.target).and_then(cipher::tag_of)
            {
                let mut text = String::new();
                flow_text(&a.target, &mut text);
                layout.insert_alias(tag, format!("*{}", a.name));
                edits.push(Edit {
                    range: a.span.clone(),
                    text,
                });
            }
        });
    }
    if layout.has_aliases() {
        restore_aliases(doc, layout, edits);
    }
}

/// The tag of the encrypted value whose source text is `raw` (`"ENC[…]"` or `ENC[…]`, after a
/// block sequence's `- `).
fn raw_tag(raw: &[u8]) -> Option<&str> {
    let t = match raw.first() {
        Some(b'-') => raw[1..].trim_ascii_start(),
        _ => raw,
    };
    let t = match t.first() {
        Some(b'"' | b'\'') => &t[1..t.len().saturating_sub(1).max(1)],
        _ => t,
    };
    cipher::tag_of(std::str::from_utf8(t).ok()?)
}

/// The first leaf of `node` whose source text is an encrypted value, with its tag.
fn first_raw_tag<'a>(doc: &'a Document, node: &Node) -> Option<&'a str> {
    match node {
        Node::Map(entries) => entries.iter().find_map(|e| match e {
            Entry::Pair(_, v) => first_raw_tag(doc, v),
            Entry::Comment(_) => None,
        }),
        Node::Seq(items) => items.iter().find_map(|n| first_raw_tag(doc, n)),
        Node::Scalar(l) => l.span.as_ref().and_then(|s| raw_tag(&doc.src[s.clone()])),
        _ => None,
    }
}

/// An expanded alias found again on decryption ([`alias_edits`]).
struct Expansion {
    /// The text of the copy (after a block sequence's `- `).
    range: std::ops::Range<usize>,
    /// Index path of the copy (document first).
    path: Vec<usize>,
    /// `*name`.
    alias: String,
    /// Index path of the anchored node.
    anchor: Vec<usize>,
}

/// The copies in `doc` (decrypted, its source still the encrypted text) that were written for an
/// alias and still equal the node it names.
fn expansions(doc: &Document, layout: &LosslessRecord) -> Vec<Expansion> {
    let Ok((_, extras)) = parse::parse(doc.src.clone(), true) else {
        return Vec::new();
    };
    let anchored = |alias: &str, before: usize| {
        let name = alias.trim_start_matches('*');
        extras
            .anchors
            .iter()
            .rfind(|(n, at, _)| n == name && *at < before)
            .map(|(_, _, p)| p.clone())
    };
    let same = |a: &Node, p: &[usize]| {
        node_at(&doc.docs, p).is_some_and(|b| super::node_to_value(a) == super::node_to_value(b))
    };
    let mut out = Vec::new();
    // Flow collections, outer before inner: a copy inside a restored copy goes with it.
    let mut flows: Vec<&(std::ops::Range<usize>, Vec<usize>)> = extras.flows.iter().collect();
    flows.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut covered = 0;
    for (range, path) in flows {
        if range.start < covered {
            continue;
        }
        let Some(node) = node_at(&doc.docs, path) else {
            continue;
        };
        let Some(alias) = first_raw_tag(doc, node).and_then(|t| layout.get_alias(t)) else {
            continue;
        };
        if let Some(anchor) = anchored(alias, range.start)
            && same(node, &anchor)
        {
            out.push(Expansion {
                range: range.clone(),
                path: path.clone(),
                alias: alias.clone(),
                anchor,
            });
            covered = range.end;
        }
    }
    // Scalars: a double-quoted encrypted value that was an alias.
    fn scalars<'a>(n: &'a Node, path: &mut Vec<usize>, out: &mut Vec<(Vec<usize>, &'a Leaf)>) {
        match n {
            Node::Map(entries) => {
                for (i, e) in entries.iter().enumerate() {
                    if let Entry::Pair(_, v) = e {
                        path.push(i);
                        scalars(v, path, out);
                        path.pop();
                    }
                }
            }
            Node::Seq(items) => {
                for (i, v) in items.iter().enumerate() {
                    path.push(i);
                    scalars(v, path, out);
                    path.pop();
                }
            }
            Node::Scalar(l) if l.changed && l.ctx & CTX_DQ != 0 && l.ctx & CTX_PROPS == 0 => {
                out.push((path.clone(), l));
            }
            _ => {}
        }
    }
    let mut leaves = Vec::new();
    for (d, node) in doc.docs.iter().enumerate() {
        scalars(node, &mut vec![d], &mut leaves);
    }
    for (path, l) in leaves {
        let Some(span) = &l.span else { continue };
        if out
            .iter()
            .any(|e| e.range.start <= span.start && span.end <= e.range.end)
        {
            continue;
        }
        let Some(alias) = raw_tag(&doc.src[span.clone()]).and_then(|t| layout.get_alias(t)) else {
            continue;
        };
        let node = Node::Scalar(l.clone());
        if let Some(anchor) = anchored(alias, span.start)
            && same(&node, &anchor)
        {
            // The copy's text starts at its quote (after a block sequence's `- `).
            let start = if l.ctx & CTX_DASH != 0 {
                doc.src[span.clone()]
                    .iter()
                    .position(|&b| b == b'"')
                    .map_or(span.start, |p| span.start + p)
            } else {
                span.start
            };
            out.push(Expansion {
                range: start..span.end,
                path,
                alias: alias.clone(),
                anchor,
            });
        }
    }
    out
}

/// Decryption: writes back the aliases of [`alias_edits`].
fn restore_aliases(doc: &Document, layout: &LosslessRecord, edits: &mut Vec<Edit>) {
    for e in expansions(doc, layout) {
        let leaf_span = match node_at(&doc.docs, &e.path) {
            Some(Node::Scalar(l)) => l.span.clone(),
            _ => None,
        };
        match leaf_span {
            // A scalar: its own edit (same range, the dash included) gets the alias instead.
            Some(span) => {
                let text = format!(
                    "{}{}",
                    String::from_utf8_lossy(&doc.src[span.start..e.range.start]),
                    e.alias
                );
                match edits.iter_mut().find(|x| x.range == span) {
                    Some(x) => x.text = text,
                    None => edits.push(Edit { range: span, text }),
                }
            }
            None => edits.push(Edit {
                range: e.range,
                text: e.alias,
            }),
        }
    }
}

/// For a file opened to be changed and written again: the copies written for aliases become
/// aliases again in the tree, so that sealing writes them as aliases again (expanded, with
/// their records) whatever else changes, a new data key included.
pub fn aliases_into_tree(doc: &mut Document, layout: &LosslessRecord) {
    if !layout.has_aliases() {
        return;
    }
    let found = expansions(doc, layout);
    for e in found {
        let Some(target) = node_at(&doc.docs, &e.anchor).map(parse::strip) else {
            continue;
        };
        let Some((&d, rest)) = e.path.split_first() else {
            continue;
        };
        let Some(slot) = doc.docs.get_mut(d).and_then(|n| n.at_index_path_mut(rest)) else {
            continue;
        };
        let ctx = match slot {
            Node::Scalar(l) => l.ctx & (INDENT_MASK | CTX_FLOW),
            _ => 0,
        };
        *slot = Node::Alias(crate::pipeline::tree::Alias {
            name: e.alias.trim_start_matches('*').to_string(),
            span: e.range,
            target: Box::new(target),
            ctx,
        });
    }
}
