//! The INI store (docs/format.md §10.4, §9.4), reading files exactly as `gopkg.in/ini.v1` does with the
//! options sops uses (non-unique sections, inline comments, continuation lines, `"""` and
//! back-quoted values, `=`/`:` delimiters), and writing them back losslessly.
//!
//! Why a hand-written line tokenizer: the maintained Rust INI crates (`rust-ini`,
//! `configparser`, `ini_core`) neither report byte spans nor follow ini.v1's unusual rules
//! (comment lines joined with the key's inline comment into one comment *after* the key,
//! `LastIndex` quote matching, continuation lines that swallow section headers, non-unique
//! sections, an always-present `DEFAULT` section, overwrite-in-place of repeated keys), and each of
//! those rules changes the tree sops encrypts — and so the MAC and the additional data. ini.v1 is
//! line based, so a small tokenizer that mirrors its reader step by step is the smallest exact
//! implementation.
//!
//! ## Tree (what sops builds)
//! One top-level entry per section header in file order (every header starts a new section,
//! `DEFAULT` first, possibly empty); in a section: the section comment (comment lines before the
//! header plus its inline comment) first, then every key followed by its comment (the comment lines
//! before it plus its inline comment, joined with newlines, the leading `;`/`#`/space run of the
//! whole text stripped). All values are strings. A repeated key overwrites the earlier value in
//! place (and its comment).
//!
//! ## Lossless layout
//! * A value's span runs from the first byte of the value to the end of what the reader consumed
//!   for it, *including* an inline comment after it (and the lines of a multi-line value). The
//!   key's comment is written by the default rendering as `; text` line(s) *before* the key —
//!   where sops writes it, and where sops reads it back from as the key's comment. Its span is the
//!   comment lines before the key (with their final line break); when the key only has an inline
//!   comment, the span is empty at the start of the key's line. So an encrypted file holds one
//!   `; ENC[…]` line for the joined comment, sops reads the same tree from it, and the layout
//!   record restores the original lines and the inline comment (as part of the value's original
//!   text) on decryption.
//! * A section comment's span covers its comment lines *and* the header line, because the inline
//!   comment of a header has no other leaf to travel with; the default rendering writes the
//!   comment lines followed by the bare `[name]` header.
//! * Comment lines after the last key of the file (ini.v1 drops them, and so does sops) are kept
//!   as a comment at the end of the last section, encrypted like the others; sops reads them as
//!   the comment of the `[sops]` section and ignores them.
//! * The text of an overwritten (repeated) key's earlier value is kept as a comment entry whose
//!   rendering is the raw text, so it is encrypted too; sops reads its `ENC[…]` as the key's
//!   value and then overwrites it with the later one, as it does in the plaintext.
//!
//! Limitation: when a key's value stays in clear (e.g. `key_unencrypted = x ; note`) its inline
//! comment stays in clear as part of the value text, although the joined comment is also written
//! encrypted before the key.

use std::collections::HashMap;
use std::ops::Range;

use serde_json::Value;

use super::dotenv::scalar_text;
use super::{Document, Kind, ParseError, Store};
use crate::pipeline::metadata;
use crate::pipeline::tree::{Entry, Leaf, Node, Scalar};

pub struct IniStore;

/// A key's value.
const CTX_VALUE: u32 = 0;
/// Comment lines before a key (span ends after the last line break), or an empty span at the
/// start of the key's line; rendered as `; text\n`.
const CTX_COMMENT_LINES: u32 = 1;
/// Section comment: the comment lines and the header line; rendered `; text\n[name]\n`.
const CTX_SECTION_COMMENT: u32 = 2;
/// The raw text of an overwritten value, rendered as is.
const CTX_RAW: u32 = 3;

/// The name of the metadata section.
const SOPS_SECTION: &str = "sops";

/// Go's `strings.TrimLeft(s, cutset)` for an ASCII cutset.
fn trim_left_set<'a>(s: &'a str, set: &[char]) -> &'a str {
    s.trim_start_matches(|c| set.contains(&c))
}

/// sops's `stripCommentChar`.
fn strip_comment_char(c: &str) -> &str {
    if c.starts_with(';') {
        trim_left_set(c, &[';', ' '])
    } else if c.starts_with('#') {
        trim_left_set(c, &['#', ' '])
    } else {
        c
    }
}

/// ini.v1 `hasSurroundedQuote`: first and last bytes are `q` and `q` occurs nowhere else.
fn has_surrounded_quote(s: &str, q: u8) -> bool {
    let b = s.as_bytes();
    b.len() >= 2
        && b[0] == q
        && b[b.len() - 1] == q
        && b[1..].iter().position(|&c| c == q) == Some(b.len() - 2)
}

/// A text that ini.v1 reads back as `v` when it stands after `key = ` (ini.v1's writer rules,
/// plus the cases it gets wrong: surrounding quotes, a final backslash, a leading `"""`).
fn render_plain(v: &str) -> String {
    if v.contains('\n') || v.contains('`') {
        return format!("\"\"\"{v}\"\"\"");
    }
    let needs_bq = v.contains('#')
        || v.contains(';')
        || v.ends_with('\\')
        || v.starts_with("\"\"\"")
        || has_surrounded_quote(v, b'"')
        || has_surrounded_quote(v, b'\'');
    if needs_bq {
        return format!("`{v}`");
    }
    if v.trim() != v {
        if v.contains('"') {
            return format!("`{v}`");
        }
        return format!("\"{v}\"");
    }
    v.to_string()
}

/// A key name as ini.v1 writes it.
fn render_key(k: &str) -> String {
    if k.contains('"') || k.contains('=') || k.contains(':') || k.trim() != k {
        if k.contains('`') {
            format!("\"\"\"{k}\"\"\"")
        } else {
            format!("`{k}`")
        }
    } else if k.contains('`') {
        format!("\"{k}\"")
    } else {
        k.to_string()
    }
}

/// `; text`, one `;` for the whole (possibly multi-line) comment as ini.v1 writes it: the
/// following lines of a joined comment keep their own markers.
fn render_comment_text(text: &str) -> String {
    format!("; {text}\n")
}

struct Section {
    name: String,
    /// Entries, each with the comments that follow it (so that a repeated key's new comment can
    /// be put right after the key without shifting indexes).
    entries: Vec<(Entry, Vec<Entry>)>,
    keys: HashMap<String, usize>,
    /// ini.v1's auto-increment counter for `-` keys.
    count: usize,
}

impl Section {
    fn new(name: String) -> Section {
        Section {
            name,
            entries: Vec::new(),
            keys: HashMap::new(),
            count: 1,
        }
    }
}

/// Comment lines seen since the last key or section header.
#[derive(Default)]
struct Pending {
    /// ini.v1's comment buffer.
    buf: String,
    /// Byte range of the comment lines (first line start .. after the last line).
    span: Option<Range<usize>>,
}

impl Pending {
    fn add_line(&mut self, text: &str, range: Range<usize>) {
        self.buf.push_str(text);
        self.span = Some(match self.span.take() {
            Some(s) => s.start..range.end,
            None => range,
        });
    }

    fn take(&mut self) -> (String, Option<Range<usize>>) {
        (std::mem::take(&mut self.buf), self.span.take())
    }
}

struct Reader<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    /// ini.v1 `readUntil('\n')`: the next line with its line break; `None` at the end.
    fn line(&mut self) -> Option<(usize, &'a str)> {
        if self.pos >= self.src.len() {
            return None;
        }
        let start = self.pos;
        let end = self.src[start..]
            .find('\n')
            .map(|i| start + i + 1)
            .unwrap_or(self.src.len());
        self.pos = end;
        Some((start, &self.src[start..end]))
    }
}

/// Offset of `sub` (a subslice of `whole`) in `whole`.
fn offset_in(whole: &str, sub: &str) -> usize {
    sub.as_ptr() as usize - whole.as_ptr() as usize
}

/// ini.v1 `readKeyName`: the key and the offset (in `line`) right after the delimiter.
fn read_key_name(line: &str) -> Result<(String, usize), &'static str> {
    let quote = if line.starts_with('"') {
        if line.len() > 6 && line.starts_with("\"\"\"") {
            "\"\"\""
        } else {
            "\""
        }
    } else if line.starts_with('`') {
        "`"
    } else {
        ""
    };
    if !quote.is_empty() {
        let start = quote.len();
        let pos = line[start..]
            .find(quote)
            .ok_or("missing closing key quote")?
            + start;
        let i = line[pos + start..]
            .find(['=', ':'])
            .ok_or("key-value delimiter not found")?;
        return Ok((line[start..pos].trim().to_string(), pos + i + start + 1));
    }
    let end = line
        .find(['=', ':'])
        .ok_or("key-value delimiter not found")?;
    Ok((line[..end].trim().to_string(), end + 1))
}

/// A value as read: its text and the byte range of the source it was read from.
struct ReadValue {
    value: String,
    span: Range<usize>,
}

/// ini.v1 `readValue` for the text after the delimiter, which starts at `at` and runs to the end
/// of its line (line break included). Inline comments are appended to `buf`.
fn read_value(
    r: &mut Reader<'_>,
    at: usize,
    line_rest: &str,
    buf: &mut String,
) -> Result<ReadValue, &'static str> {
    let src = r.src;
    let t = line_rest.trim_start();
    let vs = at + (line_rest.len() - t.len());
    if t.is_empty() {
        let end = at + line_rest.trim_end().len();
        return Ok(ReadValue {
            value: String::new(),
            span: end..end,
        });
    }
    let quote = if t.len() > 3 && t.starts_with("\"\"\"") {
        "\"\"\""
    } else if t.starts_with('`') {
        "`"
    } else {
        ""
    };
    if !quote.is_empty() {
        let body = &t[quote.len()..];
        if let Some(p) = body.rfind(quote) {
            return Ok(ReadValue {
                value: body[..p].to_string(),
                span: vs..vs + t.trim_end().len(),
            });
        }
        let mut val = body.to_string();
        loop {
            let Some((ls, next)) = r.line() else {
                return Err("missing closing value quote");
            };
            if let Some(p) = next.rfind(quote) {
                val.push_str(&next[..p]);
                if let Some(ci) = next[p..].find(['#', ';']) {
                    buf.push_str(next[p + ci..].trim());
                }
                return Ok(ReadValue {
                    value: val,
                    span: vs..ls + next.trim_end().len(),
                });
            }
            val.push_str(next);
            if !next.ends_with('\n') {
                return Err("missing closing value quote");
            }
        }
    }
    let trimmed = t.trim();
    let mut end = vs + trimmed.len();
    if let Some(head) = trimmed.strip_suffix('\\') {
        let mut val = head.to_string();
        while let Some((_, next)) = r.line() {
            let n = next.trim();
            if n.is_empty() {
                break;
            }
            end = offset_in(src, n) + n.len();
            val.push_str(n);
            if !val.ends_with('\\') {
                break;
            }
            val.pop();
        }
        return Ok(ReadValue {
            value: val,
            span: vs..end,
        });
    }
    let mut v = trimmed;
    if let Some(i) = trimmed.find(['#', ';']) {
        buf.push_str(&trimmed[i..]);
        v = trimmed[..i].trim();
    }
    if has_surrounded_quote(v, b'\'') || has_surrounded_quote(v, b'"') {
        v = &v[1..v.len() - 1];
    }
    Ok(ReadValue {
        value: v.to_string(),
        span: vs..end,
    })
}

fn comment_leaf(text: &str, span: Range<usize>, ctx: u32) -> Entry {
    Entry::Comment(Leaf::new(Scalar::Str(text.to_string()), Some(span), ctx))
}

fn parse_ini(src: &str) -> Result<Document, ParseError> {
    let err = |at: usize, msg: &str| ParseError::at(src.as_bytes(), at, msg);
    let mut r = Reader { src, pos: 0 };
    if src.starts_with('\u{feff}') {
        r.pos = 3;
    }
    let mut sections = vec![Section::new("DEFAULT".into())];
    let mut pending = Pending::default();
    // The metadata section: its keys, and where its text starts.
    let mut meta_pairs: Vec<(String, String)> = Vec::new();
    let mut meta_spans: Vec<Range<usize>> = Vec::new();
    let mut in_meta: Option<usize> = None;

    // Pending comment lines that no key or section takes: kept at the end of the last section.
    fn flush_trailing(sections: &mut [Section], pending: &mut Pending) {
        let (buf, span) = pending.take();
        if let Some(span) = span {
            let text = strip_comment_char(buf.trim()).to_string();
            if let Some(s) = sections.last_mut() {
                s.entries
                    .push((comment_leaf(&text, span, CTX_COMMENT_LINES), Vec::new()));
            }
        }
    }

    while let Some((ls, raw)) = r.line() {
        let line = raw.trim_start();
        if line.is_empty() {
            continue;
        }
        let lt = offset_in(src, line);
        let le = ls + raw.len();
        if line.starts_with('#') || line.starts_with(';') {
            pending.add_line(line, ls..le);
            continue;
        }
        if line.starts_with('[') {
            let close = line
                .rfind(']')
                .ok_or_else(|| err(lt, "unclosed section header"))?;
            let name = &line[1..close];
            if name.is_empty() {
                return Err(err(lt, "empty section name"));
            }
            if let Some(start) = in_meta.take() {
                let end = pending.span.as_ref().map(|s| s.start).unwrap_or(ls);
                meta_spans.push(start..end);
            }
            if name == SOPS_SECTION {
                flush_trailing(&mut sections, &mut pending);
                in_meta = Some(ls);
                continue;
            }
            let mut buf = pending.buf.clone();
            if let Some(ci) = line[close + 1..].find(['#', ';']) {
                buf.push_str(&line[close + 1 + ci..]);
            }
            let (_, pspan) = pending.take();
            let mut s = Section::new(name.to_string());
            let comment = buf.trim();
            if !comment.is_empty() {
                let start = pspan.map(|p| p.start).unwrap_or(ls);
                s.entries.push((
                    comment_leaf(strip_comment_char(comment), start..le, CTX_SECTION_COMMENT),
                    Vec::new(),
                ));
            }
            sections.push(s);
            continue;
        }
        let (mut kname, voff) = read_key_name(line).map_err(|m| err(lt, m))?;
        if kname.is_empty() {
            return Err(err(lt, "empty key name"));
        }
        let mut buf = std::mem::take(&mut pending.buf);
        let pspan = pending.span.take();
        let rv = read_value(&mut r, lt + voff, &line[voff..], &mut buf).map_err(|m| err(lt, m))?;
        if in_meta.is_some() {
            let v = rv.value.replace("\\n", "\n");
            match meta_pairs.iter_mut().find(|(k, _)| *k == kname) {
                Some(p) => p.1 = v,
                None => meta_pairs.push((kname, v)),
            }
            continue;
        }
        let section = sections.last_mut().expect("DEFAULT always exists");
        if kname == "-" {
            kname = format!("#{}", section.count);
            section.count += 1;
        }
        let leaf = Leaf::new(Scalar::Str(rv.value), Some(rv.span), CTX_VALUE);
        let comment = buf.trim();
        let comment_entry = (!comment.is_empty()).then(|| {
            let span = pspan.clone().unwrap_or(ls..ls);
            comment_leaf(strip_comment_char(comment), span, CTX_COMMENT_LINES)
        });
        match section.keys.get(&kname) {
            Some(&idx) => {
                // Overwrite in place; the earlier text survives as a raw comment.
                let slot = &mut section.entries[idx];
                if let Entry::Pair(_, Node::Scalar(old)) = &mut slot.0 {
                    let old = std::mem::replace(old, leaf);
                    if let Some(span) = old.span.filter(|s| !s.is_empty()) {
                        let text = src[span.clone()].to_string();
                        slot.1.push(comment_leaf(&text, span, CTX_RAW));
                    }
                }
                if let Some(c) = comment_entry {
                    slot.1.insert(0, c);
                }
            }
            None => {
                section.keys.insert(kname.clone(), section.entries.len());
                section.entries.push((
                    Entry::Pair(kname, Node::Scalar(leaf)),
                    comment_entry.into_iter().collect(),
                ));
            }
        }
    }
    if let Some(start) = in_meta.take() {
        meta_spans.push(start..src.len());
    } else {
        flush_trailing(&mut sections, &mut pending);
    }
    let root = Node::Map(
        sections
            .into_iter()
            .map(|s| {
                let entries = s
                    .entries
                    .into_iter()
                    .flat_map(|(e, after)| std::iter::once(e).chain(after))
                    .collect();
                Entry::Pair(s.name, Node::Map(entries))
            })
            .collect(),
    );
    let mut doc = Document::new(src.as_bytes().to_vec(), vec![root]);
    if !meta_spans.is_empty() {
        // Also remove the separator the writer put before `[sops]` (see `render_metadata`).
        let b = src.as_bytes();
        for span in &mut meta_spans {
            let h = span.start;
            if h >= 2 && &b[h - 2..h] == b"\n\n" {
                span.start = if span.end == b.len() && !src.ends_with('\n') {
                    h - 2
                } else {
                    h - 1
                };
            }
        }
        let value = metadata::unflatten(&meta_pairs).map_err(|e| {
            ParseError::new(None, format!("invalid sops metadata in INI file: {e}"))
        })?;
        doc.metadata = Some(value);
        doc.metadata_spans = meta_spans;
    }
    Ok(doc)
}

/// Structural edits of an INI file ([`StructOp`]): a new section (of plain values) at the end
/// of the data, or a whole section removed with its lines. Keys inside a section are line edits
/// of `pipeline::edit`.
fn edit_sections(doc: &mut Document, op: &super::StructOp<'_>) -> bool {
    let Some(data_end) = doc.metadata_spans.first().map(|s| s.start) else {
        return false;
    };
    let Some(Node::Map(sections)) = doc.docs.first() else {
        return false;
    };
    let names: Vec<&str> = sections
        .iter()
        .filter_map(|e| match e {
            Entry::Pair(k, _) => Some(k.as_str()),
            Entry::Comment(_) => None,
        })
        .collect();
    match *op {
        super::StructOp::Insert {
            container: [],
            before: None,
            key: Some(name),
            value: Node::Map(entries),
        } => {
            if name.is_empty()
                || name == SOPS_SECTION
                || name.contains([']', '\n', '\r'])
                || names.contains(&name)
            {
                return false;
            }
            // Comment lines at the end of the data belong to the last section: they would become
            // the new section's comment.
            if let Some(Entry::Pair(_, Node::Map(last))) = sections.last()
                && matches!(last.last(), Some(Entry::Comment(_)))
            {
                return false;
            }
            let (at, lead) = crate::pipeline::edit::section_slot(&doc.src, data_end);
            if at == 0 || lead != "\n" {
                return false;
            }
            let mut text = format!("\n[{name}]\n");
            for e in entries {
                match e {
                    Entry::Pair(k, Node::Scalar(l)) => {
                        text.push_str(&render_key(k));
                        text.push_str(" = ");
                        text.push_str(&render_plain(&scalar_text(&l.value)));
                        text.push('\n');
                    }
                    Entry::Pair(..) => return false,
                    Entry::Comment(_) => {}
                }
            }
            let Ok(parsed) = parse_ini(&text) else {
                return false;
            };
            let Some(Node::Map(mut roots)) = parsed.docs.into_iter().next() else {
                return false;
            };
            let Some(Entry::Pair(_, mut node)) = roots.pop() else {
                return false;
            };
            crate::format::visit_spans_mut(&mut node, &mut |s| *s = s.start + at..s.end + at);
            if !doc.splice(at..at, &text) {
                return false;
            }
            if let Some(Node::Map(sections)) = doc.docs.first_mut() {
                sections.push(Entry::Pair(name.to_string(), node));
            }
            true
        }
        super::StructOp::Remove {
            container: [],
            index,
        } => {
            // Not DEFAULT, and only a section whose name is not repeated.
            let Some(Entry::Pair(name, _)) = sections.get(index) else {
                return false;
            };
            if index == 0 || names.iter().filter(|n| *n == name).count() != 1 {
                return false;
            }
            let Some(start) = section_start(&doc.src, sections, index) else {
                return false;
            };
            let end = match sections.get(index + 1) {
                Some(_) => match section_start(&doc.src, sections, index + 1) {
                    Some(e) => e,
                    None => return false,
                },
                None => data_end,
            };
            let Some(Node::Map(sections)) = doc.docs.first_mut() else {
                return false;
            };
            let range = crate::pipeline::edit::blank_framed(&doc.src, start, end);
            let removed = sections.remove(index);
            if doc.splice(range, "") {
                return true;
            }
            if let Some(Node::Map(sections)) = doc.docs.first_mut() {
                sections.insert(index, removed);
            }
            false
        }
        _ => false,
    }
}

/// Where the text of section `index` starts: its comment lines, or its header line.
fn section_start(src: &[u8], sections: &[Entry], index: usize) -> Option<usize> {
    let Entry::Pair(name, Node::Map(entries)) = sections.get(index)? else {
        return None;
    };
    if let Some(Entry::Comment(c)) = entries.first()
        && c.ctx == CTX_SECTION_COMMENT
    {
        return c.span.as_ref().map(|s| s.start);
    }
    // The header line before the section's first value (or before the next section).
    let mut first = None;
    for e in entries {
        if let Entry::Pair(_, n) = e {
            crate::format::visit_spans(n, &mut |s| {
                first = Some(first.map_or(s.start, |f: usize| f.min(s.start)))
            });
        }
    }
    let limit = match first {
        Some(l) => l,
        None => match sections.get(index + 1) {
            Some(_) => section_start(src, sections, index + 1)?,
            None => src.len(),
        },
    };
    let header = format!("[{name}]");
    let text = std::str::from_utf8(&src[..limit]).ok()?;
    let at = text.rfind(&header)?;
    let ls = text[..at].rfind('\n').map_or(0, |p| p + 1);
    text[ls..at].trim().is_empty().then_some(ls)
}

impl Store for IniStore {
    fn kind(&self) -> Kind {
        Kind::Ini
    }

    fn edit_structure(&self, doc: &mut Document, op: &super::StructOp<'_>) -> bool {
        edit_sections(doc, op)
    }

    fn parse(&self, src: Vec<u8>) -> Result<Document, ParseError> {
        let text = std::str::from_utf8(&src)
            .map_err(|e| ParseError::at(&src, e.valid_up_to(), "INI input is not valid UTF-8"))?;
        parse_ini(text)
    }

    fn render_value(&self, _doc: &Document, leaf: &Leaf, value: &Scalar) -> String {
        match leaf.ctx {
            CTX_RAW => scalar_text(value),
            _ => render_plain(&scalar_text(value)),
        }
    }

    fn render_comment(&self, doc: &Document, leaf: &Leaf, text: &str) -> String {
        match leaf.ctx {
            CTX_RAW => text.to_string(),
            CTX_SECTION_COMMENT => {
                // The header is the last line of the span, without its inline comment.
                let span = leaf.span.clone().unwrap_or(0..0);
                let s = String::from_utf8_lossy(&doc.src[span]);
                let body = s.strip_suffix('\n').unwrap_or(&s);
                let last = body.rsplit('\n').next().unwrap_or("").trim_start();
                let header = match last.rfind(']') {
                    Some(close) => &last[..=close],
                    None => last,
                };
                format!("{}{header}\n", render_comment_text(text))
            }
            _ => render_comment_text(text),
        }
    }

    /// A `[sops]` section after a blank line, flattened keys sorted and aligned like sops, newlines
    /// in values as `\n`. For a file without a final line break the block starts with two line
    /// breaks and ends without one, so that `parse` can remove exactly what was added.
    fn render_metadata(&self, doc: &Document, meta: &Value) -> String {
        let no_final_newline = !doc.src.is_empty() && !doc.src.ends_with(b"\n");
        let mut out = String::new();
        if no_final_newline {
            out.push_str("\n\n");
        } else if !doc.src.is_empty() {
            out.push('\n');
        }
        out.push_str(&metadata_section(meta));
        if no_final_newline {
            out.pop();
        }
        out
    }

    fn emit(&self, docs: &[Node], meta: Option<&Value>) -> Result<Vec<u8>, ParseError> {
        let entries: &[Entry] = match docs.first() {
            Some(Node::Map(e)) => e,
            Some(_) => {
                return Err(ParseError::new(
                    None,
                    "INI data must be a mapping of sections",
                ));
            }
            None => &[],
        };
        let mut blocks: Vec<String> = Vec::new();
        let mut default_written = false;
        // DEFAULT first, as ini.v1 does.
        let mut order: Vec<&Entry> = Vec::new();
        for e in entries {
            if matches!(e, Entry::Pair(k, _) if k == "DEFAULT") && !default_written {
                order.insert(0, e);
                default_written = true;
            } else {
                order.push(e);
            }
        }
        let mut first_default = true;
        for e in order {
            let Entry::Pair(name, node) = e else { continue };
            let Node::Map(items) = node.resolved() else {
                return Err(ParseError::new(
                    None,
                    format!("cannot write INI: section values must be mappings (key {name:?})"),
                ));
            };
            let is_default = name == "DEFAULT" && first_default;
            if name == "DEFAULT" {
                first_default = false;
            }
            if let Some(b) = emit_section(name, items, is_default)? {
                blocks.push(b);
            }
        }
        if let Some(m) = meta {
            blocks.push(metadata_section(m));
        }
        Ok(blocks.join("\n").into_bytes())
    }
}

/// `[sops]` and its aligned `key = value` lines, with a final line break.
fn metadata_section(meta: &Value) -> String {
    let mut flat = metadata::flatten(meta);
    flat.sort_by(|a, b| a.0.cmp(&b.0));
    let width = flat.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = format!("[{SOPS_SECTION}]\n");
    for (k, v) in &flat {
        let v = render_plain(&v.replace('\n', "\\n"));
        out.push_str(&format!("{k:<width$} = {v}\n"));
    }
    out
}

/// One section as sops writes it; `None` for an empty implicit `DEFAULT`.
fn emit_section(name: &str, items: &[Entry], implicit: bool) -> Result<Option<String>, ParseError> {
    let comment_of = |l: &Leaf| l.value.as_str().unwrap_or_default().to_string();
    let mut section_comment: Vec<String> = Vec::new();
    // (key, value, comments written before it)
    let mut keys: Vec<(String, String, Vec<String>)> = Vec::new();
    for e in items {
        match e {
            Entry::Comment(c) => match keys.last_mut() {
                Some(k) => k.2.push(comment_of(c)),
                None => section_comment.push(comment_of(c)),
            },
            Entry::Pair(k, v) => {
                let text = match v.resolved() {
                    Node::Scalar(l) => scalar_text(&l.value),
                    Node::Null => String::new(),
                    Node::Comment(c) => {
                        section_comment.push(comment_of(c));
                        continue;
                    }
                    _ => {
                        return Err(ParseError::new(
                            None,
                            format!("cannot use complex value in INI file (key {k:?})"),
                        ));
                    }
                };
                keys.push((k.clone(), text, Vec::new()));
            }
        }
    }
    if implicit && keys.is_empty() && section_comment.is_empty() {
        return Ok(None);
    }
    let mut out = String::new();
    for c in section_comment.iter().filter(|c| !c.is_empty()) {
        out.push_str(&render_comment_text(c));
    }
    if !implicit {
        out.push_str(&format!("[{name}]\n"));
    }
    let rendered: Vec<String> = keys.iter().map(|(k, _, _)| render_key(k)).collect();
    let width = rendered.iter().map(|k| k.len()).max().unwrap_or(0);
    for ((_, v, comments), k) in keys.iter().zip(&rendered) {
        for c in comments.iter().filter(|c| !c.is_empty()) {
            out.push_str(&render_comment_text(c));
        }
        out.push_str(&format!("{k:<width$} = {}\n", render_plain(v)));
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::dotenv::testkit::*;
    use crate::format::{node_to_value, write_lossless};
    use crate::pipeline::record::LosslessRecord;
    use std::path::Path;

    const STORE: &IniStore = &IniStore;

    #[test]
    fn vectors_decrypt() {
        for name in ["gen-ini", "sn-ini-pgp-comment"] {
            let got = decrypt_vector(STORE, name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(got, expected(name), "{name}");
        }
    }

    #[test]
    fn vector_comments_decrypt_as_recorded() {
        let dir = Path::new(VECTORS).join("gen-ini");
        let mut doc = STORE
            .parse(std::fs::read(dir.join("secrets.ini")).unwrap())
            .unwrap();
        decrypt_doc(&mut doc, &data_key("gen-ini")).unwrap();
        let out = String::from_utf8(write_lossless(
            STORE,
            &doc,
            None,
            &mut LosslessRecord::default(),
        ))
        .unwrap();
        assert!(out.starts_with(
            "; comment before the first section\ntoplevel = in the default section\n"
        ));
        assert!(out.contains("[database]\n; the database host\nhost     = db.internal\n"));
        assert!(out.ends_with("debug_unencrypted = true\n"), "{out}");
    }

    fn tree(src: &str) -> Value {
        node_to_value(&STORE.parse(src.as_bytes().to_vec()).unwrap().docs[0])
    }

    fn comments(src: &str) -> Vec<(String, String)> {
        let doc = STORE.parse(src.as_bytes().to_vec()).unwrap();
        let mut out = Vec::new();
        if let Node::Map(secs) = &doc.docs[0] {
            for e in secs {
                if let Entry::Pair(name, Node::Map(items)) = e {
                    for i in items {
                        if let Entry::Comment(c) = i {
                            out.push((name.clone(), c.value.as_str().unwrap().to_string()));
                        }
                    }
                }
            }
        }
        out
    }

    #[test]
    fn reads_like_ini_v1() {
        let src = "; c1\n# c2\nk0 = v0 ; inl0\n\n[s1] ; seccomment\n; kc1\n; kc2\nk1 = v1 # inl1\nk2: \"quoted;x\"\nk3 = a\\\n  b\nk1 = override\nk4 = \"\"\"multi\nline\"\"\" ; after\n[ sp ]\nk5=`bq;x`\n  indented = yes\nk6 = x\r\n[s1]\nk7 = again\n; trailing\n";
        // The second `[s1]` is a section of its own (JSON merges the two keys).
        assert_eq!(
            tree(src),
            serde_json::json!({
                "DEFAULT": {"k0": "v0"},
                "s1": {"k7": "again"},
                " sp ": {"k5": "bq;x", "indented": "yes", "k6": "x"},
            })
        );
        let doc = STORE.parse(src.as_bytes().to_vec()).unwrap();
        let Node::Map(secs) = &doc.docs[0] else {
            panic!()
        };
        assert_eq!(secs.len(), 4);
        let Entry::Pair(_, first_s1) = &secs[1] else {
            panic!()
        };
        assert_eq!(
            node_to_value(first_s1),
            serde_json::json!({"k1": "override", "k2": "\"quoted", "k3": "ab", "k4": "multi\nline"})
        );
        let c = comments(src);
        assert!(c.contains(&("DEFAULT".into(), "c1\n# c2\n; inl0".into())));
        assert!(c.contains(&("s1".into(), "seccomment".into())));
        assert!(c.contains(&("s1".into(), "after".into())));
        assert!(c.contains(&("s1".into(), "x\"".into())));
        assert_eq!(tree("")["DEFAULT"], serde_json::json!({}));
        let e = STORE
            .parse(b"[a]\nk = 1\nno delimiter\n".to_vec())
            .unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = STORE
            .parse(b"[a]\nk = \"\"\"secret\nnever closed\n".to_vec())
            .unwrap_err();
        assert!(!e.to_string().contains("secret"));
    }

    const TRICKY: &[&str] = &[
        "",
        "\n",
        "k = v",
        "k = v\n",
        "k=v\n\n\n",
        "; only a comment",
        "; only a comment\n",
        "  ; indented comment\n  key  =   spaced value   \n",
        "; c1\n# c2\nk0 = v0 ; inl0\n\n[s1] ; seccomment\n; kc1\n; kc2\nk1 = v1 # inl1\nk2: \"quoted;x\"\nk3 = a\\\n  b\nk1 = override\nk4 = \"\"\"multi\nline\"\"\" ; after\n[ sp ]\nk5=`bq;x`\n  indented = yes\nk6 = x\r\n[s1]\nk7 = again\n; trailing\n",
        "[a]\nx = 1 ; inline only\ny = 2\n",
        "[a] # header comment only\nx = 1\n",
        "# file comment\n\n[a]\n\n# key comment\n\nx = 1\n\n# trailing\n# comments\n",
        "[a]\r\n; crlf comment\r\nx = 1 ; inl\r\ny = \"q\"\r\n",
        "[a]\nempty =\nempty2 = \nq1 = 'single'\nq2 = \"\"\nbq = ``\ntriple = \"\"\"\"\"\"\n",
        "[a]\nurl = http://example.com/#frag\nratio: 1:2\n",
        "[a]\nx = 1\nx = 2 ; second\nx = 3\n",
        "[DEFAULT]\nd = 1\n[a]\nx = 1\n[DEFAULT]\ne = 2\n",
        "[a]\ncont = one \\\n   two \\\n three\nafter = x\n",
        "[a]\n- = first\n- = second\n",
        "\u{feff}[a]\nbom = yes\n",
        "[a]\nm = \"\"\"line1\n[not a section]\n; not a comment\nline4\"\"\"\nn = 1\n",
        "[a]\nk = v ; trailing no newline",
        "[a]\nk_unencrypted = clear\n[public_unencrypted]\n; visible\nx = y\n",
        "[a]\nk_unencrypted = clear ; note\n; before\nk2_unencrypted = x # inline\n",
    ];

    #[test]
    fn lossless_round_trips() {
        for src in TRICKY {
            roundtrip(STORE, src.as_bytes());
        }
        for f in lossless_files("ini") {
            roundtrip(STORE, &std::fs::read(&f).unwrap());
        }
    }

    #[test]
    fn emit_writes_sops_style() {
        let src = "; top\nt = 1\n[db]\n; the host\nhost = h ; inl\npassword = \" p \"\n[x]\n";
        let doc = STORE.parse(src.as_bytes().to_vec()).unwrap();
        let meta = serde_json::json!({"version": "3.11.0", "lastmodified": "x"});
        let out = String::from_utf8(STORE.emit(&doc.docs, Some(&meta)).unwrap()).unwrap();
        assert_eq!(
            out,
            "; top\nt = 1\n\n[db]\n; the host\n; inl\nhost     = h\npassword = \" p \"\n\n[x]\n\n[sops]\nlastmodified = x\nversion      = 3.11.0\n"
        );
        // What emit writes reads back as the same tree.
        let again = STORE.parse(out.into_bytes()).unwrap();
        assert_eq!(node_to_value(&again.docs[0]), node_to_value(&doc.docs[0]));
    }

    const INTEROP: &str = "; c1\n# c2\nk0 = v0 ; inl0\n\n[s1] ; seccomment\n; kc1\n; kc2\nk1 = v1 # inl1\nk2: \"quoted;x\"\nk3 = a\\\n  b\nk1 = override\nk4 = \"\"\"multi\nline\"\"\" ; after\n[ sp ]\nk5=`bq;x`\n  indented = yes\nk6 = x\r\n[s1]\nk7 = again\nk8 = inline only ; note\n[pub_unencrypted]\n; visible\nz = clear\n; trailing";

    #[test]
    fn sops_decrypts_veil_output() {
        let (age, keyfile) = vector_age("gen-ini");
        let key = data_key("gen-ini");
        let enc = encrypt(STORE, INTEROP.as_bytes(), &key, Some(age));
        let got = sops_decrypt("ini", "ini", &enc, &keyfile);
        // sops's JSON output has the duplicate `s1` key twice; compare as text of the first.
        let want = tree(INTEROP);
        assert_eq!(got, want);
        // And the comments sops sees are the ones it would see in the plaintext: decrypt to INI.
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.ini");
        std::fs::write(&f, &enc).unwrap();
        let out = std::process::Command::new(sops_bin())
            .env("SOPS_AGE_KEY_FILE", &keyfile)
            .args(["decrypt", "--input-type", "ini", "--output-type", "ini"])
            .arg(&f)
            .output()
            .unwrap();
        assert!(out.status.success());
        let from_veil = String::from_utf8(out.stdout).unwrap();
        let plain = dir.path().join("plain.ini");
        std::fs::write(&plain, INTEROP).unwrap();
        let sops_enc = sops_encrypt("ini", "ini", INTEROP.as_bytes(), &age_recipient());
        std::fs::write(&f, &sops_enc).unwrap();
        let out = std::process::Command::new(sops_bin())
            .env("SOPS_AGE_KEY_FILE", &keyfile)
            .args(["decrypt", "--input-type", "ini", "--output-type", "ini"])
            .arg(&f)
            .output()
            .unwrap();
        let from_sops = String::from_utf8(out.stdout).unwrap();
        assert_eq!(from_veil, from_sops);
    }

    fn age_recipient() -> String {
        vector_age("gen-ini").0.0
    }

    #[test]
    fn sops_decrypts_veil_output_of_lossless_files() {
        assert_sops_decrypts_lossless_files(STORE, "gen-ini", "ini", "ini");
    }

    #[test]
    fn veil_decrypts_sops_output() {
        let enc = sops_encrypt("ini", "ini", INTEROP.as_bytes(), &age_recipient());
        let (_, keyfile) = vector_age("gen-ini");
        let got = open_with_identity(STORE, &enc, &keyfile);
        assert_eq!(got, tree(INTEROP));
    }
}
