//! The JSON store (docs/format.md §10.2, §10.5).
//!
//! Parsing uses `jsonc-parser` in strict mode (no comments, no trailing commas, no JSON5
//! extensions), which gives the byte range of every value; a small pre-pass rejects what that
//! parser tolerates but JSON (and sops, through Go's `encoding/json`) does not: raw control
//! characters in strings and non-JSON whitespace.
//!
//! Typing: strings → `str`, `true`/`false` → `bool`, numbers written without fraction or exponent
//! that fit an i64 → `int`, every other number → `float` (sops ≥ 3.13.2; older releases read
//! every number as a float, and the canonical bytes are the same for integral values), `null` →
//! null. The top level must be an object; duplicate keys are kept in order.
//!
//! Writing an encrypted file replaces each value's text by `"ENC[...]"` and inserts the `sops`
//! object as the last member of the top-level object, in the file's own indentation (two or four
//! spaces, tabs, or minified on one line). Files sops wrote (tab indentation) therefore keep their
//! layout, and decrypting gives back the original bytes.

use std::fmt::Write as _;

use jsonc_parser::ast::{ObjectPropName, Value as Ast};
use jsonc_parser::common::Ranged;
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
use serde_json::Value;

use super::{Document, Kind, ParseError, Store};
use crate::pipeline::tree::{Entry, Leaf, Node, Scalar, format_float};

pub struct JsonStore;

/// How the top-level object is laid out, for inserting the `sops` member.
struct Style {
    /// One indentation level (`"\t"`, `"  "`…); empty for a minified (one-line) object.
    unit: String,
    /// Line break (`"\n"` or `"\r\n"`).
    nl: &'static str,
    /// Between a key and its value: `": "` or `":"`.
    colon: String,
}

impl Store for JsonStore {
    fn kind(&self) -> Kind {
        Kind::Json
    }

    fn parse(&self, src: Vec<u8>) -> Result<Document, ParseError> {
        let text = std::str::from_utf8(&src).map_err(|e| {
            ParseError::at(&src, e.valid_up_to(), "the JSON file is not valid UTF-8")
        })?;
        check_strict(&src)?;
        let ast = parse_to_ast(text, &CollectOptions::default(), &strict_options())
            .map_err(|e| ParseError::at(&src, e.range().start, error_message(e.kind())))?;
        let root = match ast.value {
            Some(Ast::Object(o)) => o,
            Some(_) => {
                return Err(ParseError::new(
                    Some(1),
                    "the top level of a JSON file must be an object",
                ));
            }
            None => return Err(ParseError::new(Some(1), "the JSON file is empty")),
        };
        let mut entries = Vec::with_capacity(root.properties.len());
        let mut metadata = None;
        let mut metadata_span = None;
        let n = root.properties.len();
        for (i, prop) in root.properties.into_iter().enumerate() {
            let name = prop_name(prop.name);
            if name == "sops" {
                if metadata.is_some() {
                    return Err(ParseError::at(
                        &src,
                        prop.range.start,
                        "the JSON file has more than one sops metadata object",
                    ));
                }
                metadata = Some(ast_to_value(&prop.value));
                // What to remove so that the file reads as if the member had never been added.
                let value_end = prop.value.range().end;
                metadata_span = Some(if i > 0 {
                    // `,<ws>"sops": {…}` after the previous member's value.
                    let prev_end = entries_end(&src, prop.range.start);
                    prev_end..value_end
                } else if i + 1 < n {
                    // First of several: `"sops": {…},<ws>` up to the next member.
                    prop.range.start..next_member_start(&src, value_end)
                } else {
                    // The only member: everything between `{` and the end of the value.
                    root.range.start + 1..value_end
                });
                continue;
            }
            entries.push(Entry::Pair(name, to_node(&src, prop.value)?));
        }
        let (open, close) = (root.range.start, root.range.end);
        let mut doc = Document::new(src, vec![Node::Map(entries)]);
        doc.metadata_at = match &metadata_span {
            Some(span) => span.start,
            None => insertion_point(&doc.src, open, close),
        };
        doc.metadata = metadata;
        doc.metadata_spans = metadata_span.into_iter().collect();
        Ok(doc)
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

    fn render_value(&self, _doc: &Document, _leaf: &Leaf, value: &Scalar) -> String {
        let mut out = String::new();
        write_scalar(&mut out, value, false);
        out
    }

    /// JSON has no comments; a comment leaf never comes from this store. One that arrives from a
    /// conversion is written as a string, which stays valid wherever a value may stand.
    fn render_comment(&self, _doc: &Document, _leaf: &Leaf, text: &str) -> String {
        let mut out = String::new();
        write_string(&mut out, text, false);
        out
    }

    fn render_metadata(&self, doc: &Document, meta: &Value) -> String {
        let style = detect_style(&doc.src);
        let mut out = String::new();
        // Inserted right after the last member's value, or right after `{` of an empty object.
        let after_brace = doc.metadata_at > 0 && doc.src.get(doc.metadata_at - 1) == Some(&b'{');
        if !after_brace {
            out.push(',');
        }
        if !style.unit.is_empty() {
            out.push_str(style.nl);
            out.push_str(&style.unit);
        }
        out.push_str("\"sops\"");
        out.push_str(&style.colon);
        write_value(&mut out, meta, &style, 1);
        if after_brace && !style.unit.is_empty() && !has_newline_before_close(doc) {
            out.push_str(style.nl);
        }
        out
    }

    /// sops style: one tab per level, `"key": value`, Go `json.Marshal` string escaping, final
    /// newline; the `sops` object last.
    fn emit(&self, docs: &[Node], meta: Option<&Value>) -> Result<Vec<u8>, ParseError> {
        let root = docs.first().map(Node::resolved);
        let entries: &[Entry] = match root {
            Some(Node::Map(e)) => e,
            None => &[],
            Some(_) => {
                return Err(ParseError::new(
                    None,
                    "the top level of a JSON document must be an object",
                ));
            }
        };
        let mut out = String::new();
        let mut members: Vec<(&str, Emit<'_>)> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Pair(k, v) => Some((k.as_str(), Emit::Node(v))),
                Entry::Comment(_) => None,
            })
            .collect();
        if let Some(m) = meta {
            members.push(("sops", Emit::Value(m)));
        }
        emit_members(&mut out, &members, 0)?;
        out.push('\n');
        Ok(out.into_bytes())
    }
}

/// `jsonc-parser` in strict JSON mode: none of its extensions.
fn strict_options() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// The key of an object member (strict mode only allows string keys).
fn prop_name(name: ObjectPropName<'_>) -> String {
    name.into_string()
}

/// Builds the tree of a value.
fn to_node(src: &[u8], v: Ast<'_>) -> Result<Node, ParseError> {
    Ok(match v {
        Ast::StringLit(s) => Node::Scalar(Leaf::new(
            Scalar::Str(s.value.into_owned()),
            Some(s.range.start..s.range.end),
            0,
        )),
        Ast::NumberLit(n) => Node::Scalar(Leaf::new(
            number(n.value).ok_or_else(|| {
                ParseError::at(src, n.range.start, "number out of range for a float")
            })?,
            Some(n.range.start..n.range.end),
            0,
        )),
        Ast::BooleanLit(b) => Node::Scalar(Leaf::new(
            Scalar::Bool(b.value),
            Some(b.range.start..b.range.end),
            0,
        )),
        Ast::NullKeyword(_) => Node::Null,
        Ast::Array(a) => Node::Seq(
            a.elements
                .into_iter()
                .map(|e| to_node(src, e))
                .collect::<Result<_, _>>()?,
        ),
        Ast::Object(o) => Node::Map(
            o.properties
                .into_iter()
                .map(|p| Ok(Entry::Pair(prop_name(p.name), to_node(src, p.value)?)))
                .collect::<Result<_, ParseError>>()?,
        ),
    })
}

/// Types a JSON number like sops 3.13.2+: integral literals that fit an i64 are ints.
fn number(text: &str) -> Option<Scalar> {
    if !text.contains(['.', 'e', 'E'])
        && let Ok(i) = text.parse::<i64>()
    {
        return Some(Scalar::Int(i));
    }
    let f: f64 = text.parse().ok()?;
    f.is_finite().then_some(Scalar::Float(f))
}

/// The generic value of a metadata subtree.
fn ast_to_value(v: &Ast<'_>) -> Value {
    match v {
        Ast::StringLit(s) => Value::String(s.value.to_string()),
        Ast::NumberLit(n) => serde_json::from_str::<serde_json::Number>(n.value)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Ast::BooleanLit(b) => Value::Bool(b.value),
        Ast::NullKeyword(_) => Value::Null,
        Ast::Array(a) => Value::Array(a.elements.iter().map(ast_to_value).collect()),
        Ast::Object(o) => Value::Object(
            o.properties
                .iter()
                .map(|p| (p.name.as_str().to_string(), ast_to_value(&p.value)))
                .collect(),
        ),
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The end of the value before `member_start`: back over whitespace and the comma.
fn entries_end(src: &[u8], member_start: usize) -> usize {
    let mut i = member_start;
    while i > 0 && is_ws(src[i - 1]) {
        i -= 1;
    }
    if i > 0 && src[i - 1] == b',' {
        i -= 1;
    }
    i
}

/// The start of the member after a value ending at `value_end` (past the comma and whitespace).
fn next_member_start(src: &[u8], value_end: usize) -> usize {
    let mut i = value_end;
    while i < src.len() && is_ws(src[i]) {
        i += 1;
    }
    if i < src.len() && src[i] == b',' {
        i += 1;
    }
    while i < src.len() && is_ws(src[i]) {
        i += 1;
    }
    i
}

/// Where the `sops` member goes in a file without one: after the last member's value, or right
/// after `{` when the object is empty.
fn insertion_point(src: &[u8], open: usize, close: usize) -> usize {
    // `close` is the end of the object (after `}`).
    let mut i = close.saturating_sub(1);
    while i > open + 1 && is_ws(src[i - 1]) {
        i -= 1;
    }
    i
}

/// Whether the text between the insertion point of an empty object and its `}` has a line break
/// (then the inserted member needs none of its own after it).
fn has_newline_before_close(doc: &Document) -> bool {
    doc.src[doc.metadata_at..]
        .iter()
        .take_while(|&&b| b != b'}')
        .any(|&b| b == b'\n')
}

/// Detects the layout of the top-level object from its first member: the indentation unit, the
/// line break and the key/value separator. An object on one line is minified.
fn detect_style(src: &[u8]) -> Style {
    let mut style = Style {
        unit: String::new(),
        nl: "\n",
        colon: ":".into(),
    };
    let Some(open) = src.iter().position(|&b| b == b'{') else {
        return style;
    };
    let mut i = open + 1;
    while i < src.len() && is_ws(src[i]) {
        i += 1;
    }
    let gap = &src[open + 1..i];
    let first_member = src.get(i) == Some(&b'"');
    if let Some(nl) = gap.iter().rposition(|&b| b == b'\n') {
        let indent = &gap[nl + 1..];
        style.unit = if indent.is_empty() || !first_member {
            "\t".into()
        } else {
            String::from_utf8_lossy(indent).into_owned()
        };
        if nl > 0 && gap[nl - 1] == b'\r' {
            style.nl = "\r\n";
        }
        style.colon = ": ".into();
    } else if !first_member && src.get(i) == Some(&b'}') && !gap.is_empty() {
        // `{ }`: keep a space after the colon like a spaced one-liner.
        style.colon = ": ".into();
    }
    if first_member {
        // The separator of the first member, e.g. `": "` or `" : "`.
        let mut j = i + 1;
        while j < src.len() && src[j] != b'"' {
            j += if src[j] == b'\\' { 2 } else { 1 };
        }
        let start = j + 1;
        let mut k = start;
        while k < src.len() && (is_ws(src[k]) || src[k] == b':') && src[k] != b'\n' {
            k += 1;
        }
        if let Ok(sep) = std::str::from_utf8(&src[start.min(k)..k])
            && sep.matches(':').count() == 1
        {
            style.colon = sep.to_string();
        }
    }
    style
}

/// Writes a generic value (the metadata) in `style`, at nesting `level`.
fn write_value(out: &mut String, v: &Value, style: &Style, level: usize) {
    let newline = |out: &mut String, level: usize| {
        if !style.unit.is_empty() {
            out.push_str(style.nl);
            for _ in 0..level {
                out.push_str(&style.unit);
            }
        }
    };
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s, false),
        Value::Array(a) if a.is_empty() => out.push_str("[]"),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                write_value(out, item, style, level + 1);
            }
            newline(out, level);
            out.push(']');
        }
        Value::Object(m) if m.is_empty() => out.push_str("{}"),
        Value::Object(m) => {
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                write_string(out, k, false);
                out.push_str(&style.colon);
                write_value(out, item, style, level + 1);
            }
            newline(out, level);
            out.push('}');
        }
    }
}

/// A member value for `emit`: a tree node or a generic value (the metadata).
enum Emit<'a> {
    Node(&'a Node),
    Value(&'a Value),
}

fn indent(out: &mut String, level: usize) {
    out.push('\n');
    let unit = super::emit_json_unit();
    for _ in 0..level {
        out.push_str(&unit);
    }
}

fn emit_members(
    out: &mut String,
    members: &[(&str, Emit<'_>)],
    level: usize,
) -> Result<(), ParseError> {
    if members.is_empty() {
        out.push_str("{}");
        return Ok(());
    }
    out.push('{');
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        indent(out, level + 1);
        write_string(out, k, true);
        out.push_str(": ");
        match v {
            Emit::Node(n) => emit_node(out, n, level + 1)?,
            Emit::Value(v) => {
                let style = Style {
                    unit: super::emit_json_unit(),
                    nl: "\n",
                    colon: ": ".into(),
                };
                write_value(out, v, &style, level + 1)
            }
        }
    }
    indent(out, level);
    out.push('}');
    Ok(())
}

fn emit_node(out: &mut String, node: &Node, level: usize) -> Result<(), ParseError> {
    match node {
        Node::Map(entries) => {
            let members: Vec<(&str, Emit<'_>)> = entries
                .iter()
                .filter_map(|e| match e {
                    Entry::Pair(k, v) => Some((k.as_str(), Emit::Node(v))),
                    Entry::Comment(_) => None,
                })
                .collect();
            emit_members(out, &members, level)?;
        }
        Node::Seq(items) => {
            let items: Vec<&Node> = items
                .iter()
                .filter(|n| !matches!(n, Node::Comment(_)))
                .collect();
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, level + 1);
                emit_node(out, item, level + 1)?;
            }
            indent(out, level);
            out.push(']');
        }
        Node::Scalar(l) => {
            if let Scalar::Float(f) = l.value
                && !f.is_finite()
            {
                return Err(ParseError::new(
                    None,
                    "NaN and infinite numbers cannot be written as JSON",
                ));
            }
            write_scalar(out, &l.value, true);
        }
        Node::Null | Node::Comment(_) => out.push_str("null"),
        Node::Alias(a) => emit_node(out, &a.target, level)?,
    }
    Ok(())
}

/// Writes a scalar as JSON. Numbers use their canonical text (so a sops `type:float` 8080 prints
/// as `8080`); non-finite floats, which JSON cannot express, become strings.
fn write_scalar(out: &mut String, v: &Scalar, go_escaping: bool) {
    match v {
        Scalar::Str(s) | Scalar::Time(s) => write_string(out, s, go_escaping),
        Scalar::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Scalar::Float(f) if f.is_finite() => {
            if go_escaping {
                out.push_str(&go_float(*f));
            } else {
                out.push_str(&format_float(*f));
            }
        }
        Scalar::Float(f) => write_string(out, &format_float(*f), go_escaping),
        Scalar::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Scalar::Bytes(b) => write_string(out, &String::from_utf8_lossy(b), go_escaping),
    }
}

/// Go `encoding/json` float formatting: `'f'` between 1e-6 and 1e21, exponent form outside
/// (`1e+21`, `1e-07`).
fn go_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        // Rust: `1e21`, `1.5e-7`; Go: `1e+21`, `1.5e-07`.
        if let Some((mant, exp)) = s.split_once('e') {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            let digits = if digits.len() < 2 {
                format!("0{digits}")
            } else {
                digits.to_string()
            };
            return format!("{mant}e{sign}{digits}");
        }
        s
    } else {
        format_float(f)
    }
}

/// Writes a JSON string literal. Standard escaping (`\"`, `\\`, `\n`, `\t`, `\r`, `\b`, `\f`,
/// `\u00XX` for other control characters); with `go_escaping` also `<`, `>`, `&`, U+2028 and
/// U+2029 as `\u…` like Go's `json.Marshal`.
fn write_string(out: &mut String, s: &str, go_escaping: bool) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc: Option<&str> = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            c if (c as u32) < 0x20 => None,
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' if go_escaping => None,
            _ => continue,
        };
        out.push_str(&s[start..i]);
        match esc {
            Some(e) => out.push_str(e),
            None => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Rejects what the parser tolerates but strict JSON does not — raw control characters inside
/// strings and whitespace other than space, tab, CR and LF (and a byte-order mark) — and bounds
/// the nesting depth before jsonc-parser, which recurses once per level, runs: one pass.
fn check_strict(src: &[u8]) -> Result<(), ParseError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in src.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            } else if b < 0x20 {
                return Err(ParseError::at(
                    src,
                    i,
                    "invalid JSON: control character in a string (it must be escaped)",
                ));
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > super::limits::MAX_DEPTH {
                    return Err(ParseError::limit_at(
                        src,
                        i,
                        super::limits::too_deep_message(),
                    ));
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ if b >= 0x80 || (b < 0x20 && !is_ws(b)) => {
                return Err(ParseError::at(
                    src,
                    i,
                    "invalid JSON: unexpected character outside a string",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// A parse error message without any text of the file.
fn error_message(kind: &ParseErrorKind) -> String {
    use jsonc_parser::ParseStringErrorKind as S;
    let what = match kind {
        ParseErrorKind::CommentsNotAllowed => {
            "comments are not allowed in JSON (sops rejects them too)".to_string()
        }
        ParseErrorKind::TrailingCommasNotAllowed => {
            "trailing commas are not allowed in JSON (sops rejects them too)".to_string()
        }
        ParseErrorKind::String(S::InvalidUnicodeEscapeSequence(_)) => {
            "invalid unicode escape sequence in a string".to_string()
        }
        ParseErrorKind::String(S::UnterminatedStringLiteral) => "unterminated string".to_string(),
        ParseErrorKind::String(_) => "invalid escape in a string".to_string(),
        other => other.to_string().to_lowercase(),
    };
    format!("invalid JSON: {what}")
}

mod edit;
mod parts;

#[cfg(test)]
mod tests;
