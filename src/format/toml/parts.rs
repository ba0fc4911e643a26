//! One-pass reading of TOML files ([`Store::parse_parts`](crate::format::Store::parse_parts)):
//! the file is cut at its table headers, and each section is parsed on its own by the whole-file
//! parser (`toml_edit`) into a part — a tree from the root down to the section's table.
//!
//! A section parsed alone cannot see TOML's rules across sections, so only files whose sections
//! are laid out plainly go this way, and anything else is refused (the caller then parses the
//! file whole, which also reports errors): a table is never reopened once another table outside
//! it has started (an array of tables `[[a]]` gets its elements one after the other, each
//! element a table of its own); a header never names a table that an earlier header created
//! inside it, nor a key an enclosing section defined itself, nor a standard table where an array
//! of tables is (or the other way round). In such a file each table's content is contiguous, so
//! the parts come in the whole tree's order, and every conflict TOML forbids lies within one
//! group of sections, where `toml_edit` finds it: groups are only cut before a header that
//! shares no element of an array of tables with the header before it (so a group never starts
//! inside an element).
//!
//! Headers are compared by their *identity*: the key path with, for each array of tables on
//! it, the element the header is in (`[[a]]` `[a.b]` `[[a]]` `[a.b]` names two tables `a.b`).

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use serde_json::Value;
use toml_edit::Item;

use super::{TomlStore, newline, skip_string};
use crate::format::{PartsEnd, PartsError, Store, visit_spans_mut};
use crate::pipeline::tree::{Entry, Node};

fn stop(why: impl Into<String>) -> PartsError {
    PartsError::Unsupported(why.into())
}

/// A table header: where its line starts, and the table's key path (None for a header that does
/// not parse alone).
struct Header {
    line_start: usize,
    path: Option<Vec<String>>,
    /// `[[…]]`: an element of an array of tables.
    array: bool,
}

/// The headers of a file, in order, found by a lexical scan that skips strings, comments and
/// the inside of (multi-line) arrays and inline tables.
struct Headers<'a> {
    src: &'a [u8],
    i: usize,
    depth: usize,
    line_start: usize,
    at_line_start: bool,
}

fn headers(src: &[u8]) -> Headers<'_> {
    Headers {
        src,
        i: 0,
        depth: 0,
        line_start: 0,
        at_line_start: true,
    }
}

impl Iterator for Headers<'_> {
    type Item = Header;

    fn next(&mut self) -> Option<Header> {
        let src = self.src;
        let n = src.len();
        while self.i < n {
            let i = self.i;
            match src[i] {
                b'\n' => {
                    self.i += 1;
                    self.line_start = self.i;
                    self.at_line_start = true;
                    continue;
                }
                b' ' | b'\t' | b'\r' => {
                    self.i += 1;
                    continue;
                }
                b'#' => {
                    self.i = memchr::memchr(b'\n', &src[i..]).map_or(n, |p| i + p);
                    continue;
                }
                b'[' if self.depth == 0 && self.at_line_start => {
                    let end = memchr::memchr(b'\n', &src[i..]).map_or(n, |p| i + p);
                    // The header's own brackets and quoted keys are not values.
                    let mut j = i;
                    while j < end && src[j] == b'[' {
                        j += 1;
                    }
                    while j < end && src[j] != b']' {
                        j = match src[j] {
                            q @ (b'"' | b'\'') => skip_string(src, j, q),
                            _ => j + 1,
                        };
                    }
                    while j < end && src[j] == b']' {
                        j += 1;
                    }
                    self.i = j;
                    self.at_line_start = false;
                    // With its line break (a lone `\r` is not TOML).
                    let line = &src[self.line_start..(end + 1).min(n)];
                    return Some(Header {
                        line_start: self.line_start,
                        path: header_path(line),
                        array: line.trim_ascii_start().starts_with(b"[["),
                    });
                }
                q @ (b'"' | b'\'') => self.i = skip_string(src, i, q),
                b'[' | b'{' => {
                    self.depth += 1;
                    self.i += 1;
                }
                b']' | b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.i += 1;
                }
                _ => self.i += 1,
            }
            self.at_line_start = false;
        }
        None
    }
}

/// The key path of a table header line (`[a."b c"]  # note`, `[[a.b]]`): bare keys are read
/// here, anything else by `toml_edit`.
fn header_path(line: &[u8]) -> Option<Vec<String>> {
    let bare = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-';
    let text = line.trim_ascii();
    let inner = match text.strip_prefix(b"[[").and_then(|t| t.strip_suffix(b"]]")) {
        Some(inner) => Some(inner),
        None => text.strip_prefix(b"[").and_then(|t| t.strip_suffix(b"]")),
    };
    if let Some(inner) = inner
        && !inner.starts_with(b"[")
    {
        let keys: Vec<&[u8]> = inner
            .split(|&c| c == b'.')
            .map(<[u8]>::trim_ascii)
            .collect();
        if keys.iter().all(|k| !k.is_empty() && k.iter().all(bare)) {
            return Some(
                keys.iter()
                    .map(|k| String::from_utf8_lossy(k).into_owned())
                    .collect(),
            );
        }
    }
    header_path_parsed(line)
}

fn header_path_parsed(line: &[u8]) -> Option<Vec<String>> {
    let doc: toml_edit::DocumentMut = std::str::from_utf8(line).ok()?.parse().ok()?;
    let mut path = Vec::new();
    let mut table = doc.as_table();
    loop {
        let mut items = table.iter();
        let (key, item) = items.next()?;
        if items.next().is_some() {
            return None;
        }
        path.push(key.to_string());
        match item {
            Item::Table(t) if t.is_implicit() => table = t,
            Item::Table(_) | Item::ArrayOfTables(_) => return Some(path),
            _ => return None,
        }
    }
}

/// One component of a header's identity: a key, and for an element of an array of tables, which
/// element.
type Comp = (String, Option<usize>);

fn path_hash(path: &[Comp]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}

/// The keys a section defines in its own table (the node reached by `path` in its part; an
/// element of an array of tables is the last one of the part's array).
fn own_keys(part: &Node, path: &[Comp]) -> HashSet<String> {
    let mut node = part;
    for (k, element) in path {
        node = match node.map_get(k) {
            Some(Node::Seq(items)) if element.is_some() => match items.last() {
                Some(n) => n,
                None => return HashSet::new(),
            },
            Some(n) => n,
            None => return HashSet::new(),
        };
    }
    match node {
        Node::Map(entries) => entries
            .iter()
            .filter_map(|e| match e {
                Entry::Pair(k, _) => Some(k.clone()),
                Entry::Comment(_) => None,
            })
            .collect(),
        _ => HashSet::new(),
    }
}

/// Parses one section (`src[start..end]`) into a part with spans of the whole file.
fn section(src: &[u8], start: usize, end: usize, encrypted: bool) -> Result<Node, PartsError> {
    let doc = super::parse_document(src[start..end].to_vec(), encrypted)
        .map_err(|e| stop(e.to_string()))?;
    if doc.metadata.is_some() {
        return Err(stop("metadata"));
    }
    let Some(mut part) = doc.docs.into_iter().next() else {
        return Err(stop("no table"));
    };
    visit_spans_mut(&mut part, &mut |s| *s = s.start + start..s.end + start);
    Ok(part)
}

/// Where the trailing `sops` sections start (the first header of the last run of headers under
/// `sops`), if the file has them.
fn metadata_start(headers: Headers<'_>) -> Option<usize> {
    let mut first = None;
    for h in headers {
        match &h.path {
            Some(p) if p[0] == "sops" => {
                first.get_or_insert(h.line_start);
            }
            None => {}
            Some(_) => first = None,
        }
    }
    first
}

/// The trailing metadata of an encrypted file: its text from `start`, parsed alone.
fn metadata_at(src: &[u8], start: usize) -> Option<(Value, std::ops::Range<usize>)> {
    let doc = TomlStore.parse(src[start..].to_vec()).ok()?;
    let meta = doc.metadata?;
    if !matches!(doc.docs.first(), Some(Node::Map(e)) if e.iter().all(|e| matches!(e, Entry::Comment(_))))
    {
        return None;
    }
    let nl = newline(src);
    let span_start = if src[..start].ends_with(nl.as_bytes()) {
        start - nl.len()
    } else {
        start
    };
    Some((meta, span_start..src.len()))
}

/// Text per `toml_edit` parse: enough to make the per-parse work negligible, little enough to
/// keep its memory small (`toml_edit` needs about 100 times the text it parses). A part of
/// `every` values (the store interface's unit) is taken as `every` × 4 bytes of sections, so that
/// the default part size gives this and tests can cut groups at every header.
const BYTES_PER_VALUE: usize = 4;

/// After a group is parsed: the sections of the group that stay open (prefixes of `next`, the
/// header that starts the next group) join `open` with the keys each defines.
fn close_group(
    open: &mut Vec<(Vec<Comp>, HashSet<String>)>,
    part: &Node,
    group_paths: &mut Vec<Vec<Comp>>,
    next: &[Comp],
) {
    for p in group_paths.drain(..) {
        if next.starts_with(&p) {
            let keys = own_keys(part, &p);
            open.push((p, keys));
        }
    }
}

/// The identities of the headers of a file, in order (see the module comment).
#[derive(Default)]
struct Identities {
    /// Arrays of tables (by the identity of the array) → elements so far.
    arrays: std::collections::HashMap<Vec<Comp>, usize>,
    /// Standard tables named by a header.
    tables: HashSet<u64>,
    /// Tables a header named on its way (`a` of `[a.b]`).
    implicit: HashSet<u64>,
}

impl Identities {
    /// The identity of a header; Err(why) for what TOML forbids or parts cannot follow.
    fn of(&mut self, path: &[String], array: bool) -> Result<Vec<Comp>, &'static str> {
        let mut ident: Vec<Comp> = Vec::with_capacity(path.len());
        for (i, k) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            ident.push((k.clone(), None));
            if last && array {
                let h = path_hash(&ident);
                if self.tables.contains(&h) || self.implicit.contains(&h) {
                    return Err("an array of tables named like a table");
                }
                let n = self.arrays.entry(ident.clone()).or_insert(0);
                ident.last_mut().expect("just pushed").1 = Some(*n);
                *n += 1;
            } else if let Some(&n) = self.arrays.get(&ident) {
                if last {
                    return Err("a table named like an array of tables");
                }
                ident.last_mut().expect("just pushed").1 = Some(n - 1);
            } else if !last {
                self.implicit.insert(path_hash(&ident));
            }
        }
        if !array && !self.tables.insert(path_hash(&ident)) {
            return Err("a table named again");
        }
        Ok(ident)
    }
}

/// Parses a TOML file in parts; see [`Store::parse_parts`](crate::format::Store::parse_parts).
pub fn parse_parts(
    src: &[u8],
    every: usize,
    encrypted: bool,
    sink: &mut dyn FnMut(Node) -> Result<(), String>,
) -> Result<PartsEnd, PartsError> {
    std::str::from_utf8(src).map_err(|_| stop("not UTF-8"))?;
    let group_bytes = every.max(1).saturating_mul(BYTES_PER_VALUE);
    // Header by header: the checks of the module comment. `open` holds the sections parsed so
    // far that are still open (prefixes of the current header), with the keys each defines
    // itself; `closed` the tables (and arrays of tables) closed for good, by a hash of their
    // identity.
    let mut idents = Identities::default();
    let mut open: Vec<(Vec<Comp>, HashSet<String>)> = Vec::new();
    let mut closed: HashSet<u64> = HashSet::new();
    let mut previous: Vec<Comp> = Vec::new();
    // Sections are parsed in groups of about `group_bytes` (one `toml_edit` parse each): within
    // a group, `toml_edit` itself checks what crosses sections.
    let mut group_start = 0;
    let mut group_paths: Vec<Vec<Comp>> = vec![Vec::new()];
    // The data ends where the metadata (the trailing `sops` sections) starts.
    let mut data_end = src.len();
    let mut metadata = None;
    for h in headers(src) {
        let path = h.path.ok_or_else(|| stop("a complex header"))?;
        if path[0] == "sops" {
            if !encrypted {
                return Err(stop("metadata"));
            }
            metadata = Some(metadata_at(src, h.line_start).ok_or_else(|| stop("metadata"))?);
            data_end = h.line_start;
            break;
        }
        let ident = idents.of(&path, h.array).map_err(stop)?;
        if previous.starts_with(&ident) {
            return Err(stop("a table named after a table inside it"));
        }
        // A table, or an array of tables, closed for good.
        let array_of = |n: usize| {
            let mut a = ident[..n].to_vec();
            a[n - 1].1 = None;
            a
        };
        if (1..=ident.len()).any(|n| {
            closed.contains(&path_hash(&ident[..n]))
                || (ident[n - 1].1.is_some() && closed.contains(&path_hash(&array_of(n))))
        }) {
            return Err(stop("a table reopened"));
        }
        let shared = previous
            .iter()
            .zip(&ident)
            .take_while(|(a, b)| a == b)
            .count();
        for n in shared + 1..=previous.len() {
            closed.insert(path_hash(&previous[..n]));
            // Leaving an element closes its array too, unless the header is its next element.
            let (k, element) = &previous[n - 1];
            if element.is_some() {
                let next_element = n == shared + 1
                    && ident.len() >= n
                    && ident[n - 1].0 == *k
                    && ident[n - 1].1.is_some();
                if !next_element {
                    let mut a = previous[..n].to_vec();
                    a[n - 1].1 = None;
                    closed.insert(path_hash(&a));
                }
            }
        }
        // Cut a group only where the new header shares no element with the one before.
        let in_element = ident[..shared].iter().any(|(_, e)| e.is_some());
        if !in_element && h.line_start - group_start >= group_bytes {
            let part = section(src, group_start, h.line_start, encrypted)?;
            close_group(&mut open, &part, &mut group_paths, &ident);
            sink(part).map_err(PartsError::Sink)?;
            group_start = h.line_start;
        }
        // A key of an enclosing section named by the header — unless it is a table (or an
        // array of tables) that earlier headers opened.
        let shared_keys = previous
            .iter()
            .zip(&ident)
            .take_while(|(a, b)| a.0 == b.0)
            .count();
        if open.iter().any(|(p, keys)| {
            p.len() < ident.len() && p.len() >= shared_keys && keys.contains(&ident[p.len()].0)
        }) {
            return Err(stop("a header under a key of an enclosing section"));
        }
        open.retain(|(p, _)| ident.starts_with(p));
        group_paths.push(ident.clone());
        previous = ident;
    }
    let part = section(src, group_start, data_end, encrypted)?;
    sink(part).map_err(PartsError::Sink)?;
    let (metadata, metadata_spans) = match metadata {
        Some((meta, span)) => (Some(meta), vec![span]),
        None => (None, Vec::new()),
    };
    let metadata_at = metadata_spans.first().map_or(src.len(), |s| s.start);
    Ok(PartsEnd {
        last: Node::Map(Vec::new()),
        metadata_at,
        metadata,
        metadata_spans,
    })
}

/// The metadata of an encrypted TOML file, read without parsing the rest.
pub fn peek_metadata(src: &[u8]) -> Option<Value> {
    let start = metadata_start(headers(src))?;
    metadata_at(src, start).map(|(meta, _)| meta)
}
