//! One-pass reading of TOML files ([`Store::parse_parts`](crate::format::Store::parse_parts)):
//! the file is cut at its table headers, and each section is parsed on its own by the whole-file
//! parser (`toml_edit`) into a part — a tree from the root down to the section's table.
//!
//! A section parsed alone cannot see TOML's rules across sections, so only files whose sections
//! are laid out plainly go this way, and anything else is refused (the caller then parses the
//! file whole, which also reports errors): every header is a standard table `[a.b]` (no arrays
//! of tables); a table is never reopened once another table outside it has started; a header
//! never names a table that an earlier header created inside it, nor a key an enclosing section
//! defined itself. In such a file each table's content is contiguous, so the parts come in the
//! whole tree's order, and every conflict TOML forbids lies within one section, where
//! `toml_edit` finds it.

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

/// A table header: where its line starts, and the table's key path (None for an array of
/// tables or a header that does not parse alone).
struct Header {
    line_start: usize,
    path: Option<Vec<String>>,
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
                    return Some(Header {
                        line_start: self.line_start,
                        path: header_path(&src[self.line_start..(end + 1).min(n)]),
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

/// The key path of a standard table header line (`[a."b c"]  # note`): bare keys are read
/// here, anything else by `toml_edit`.
fn header_path(line: &[u8]) -> Option<Vec<String>> {
    let bare = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-';
    let text = line.trim_ascii();
    if let Some(inner) = text.strip_prefix(b"[").and_then(|t| t.strip_suffix(b"]"))
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
            Item::Table(_) => return Some(path),
            _ => return None,
        }
    }
}

fn path_hash(path: &[String]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}

/// The keys a section defines in its own table (the node reached by `path` in its part).
fn own_keys(part: &Node, path: &[String]) -> HashSet<String> {
    let mut node = part;
    for k in path {
        node = match node.map_get(k) {
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
fn section(src: &[u8], start: usize, end: usize) -> Result<Node, PartsError> {
    let doc = TomlStore
        .parse(src[start..end].to_vec())
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
/// `sops`), if the file has them. (`[[sops.age]]` headers, arrays of tables, are passed over:
/// the metadata is parsed whole.)
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
/// keep its memory small (`toml_edit` needs about 100 times the text it parses).
const GROUP_BYTES: usize = 8 << 10;

/// After a group is parsed: the sections of the group that stay open (prefixes of `next`, the
/// header that starts the next group) join `open` with the keys each defines.
fn close_group(
    open: &mut Vec<(Vec<String>, HashSet<String>)>,
    part: &Node,
    group_paths: &mut Vec<Vec<String>>,
    next: &[String],
) {
    for p in group_paths.drain(..) {
        if next.starts_with(&p) {
            let keys = own_keys(part, &p);
            open.push((p, keys));
        }
    }
}

/// Parses a TOML file in parts; see [`Store::parse_parts`](crate::format::Store::parse_parts).
pub fn parse_parts(
    src: &[u8],
    encrypted: bool,
    sink: &mut dyn FnMut(Node) -> Result<(), String>,
) -> Result<PartsEnd, PartsError> {
    std::str::from_utf8(src).map_err(|_| stop("not UTF-8"))?;
    // Header by header: the checks of the module comment. `open` holds the sections parsed so
    // far that are still open (prefixes of the current header), with the keys each defines
    // itself; `closed` the tables closed for good, by a hash of their path.
    let mut open: Vec<(Vec<String>, HashSet<String>)> = Vec::new();
    let mut closed: HashSet<u64> = HashSet::new();
    let mut previous: Vec<String> = Vec::new();
    // Sections are parsed in groups of about GROUP_BYTES (one `toml_edit` parse each): within a
    // group, `toml_edit` itself checks what crosses sections.
    let mut group_start = 0;
    let mut group_paths: Vec<Vec<String>> = vec![Vec::new()];
    // The data ends where the metadata (the trailing `sops` sections) starts.
    let mut data_end = src.len();
    let mut metadata = None;
    for h in headers(src) {
        let path = h
            .path
            .ok_or_else(|| stop("an array of tables or a complex header"))?;
        if path[0] == "sops" {
            if !encrypted {
                return Err(stop("metadata"));
            }
            metadata = Some(metadata_at(src, h.line_start).ok_or_else(|| stop("metadata"))?);
            data_end = h.line_start;
            break;
        }
        if previous.starts_with(&path) {
            return Err(stop("a table named again"));
        }
        if (1..=path.len()).any(|n| closed.contains(&path_hash(&path[..n]))) {
            return Err(stop("a table reopened"));
        }
        // A key of an enclosing section named by the header — unless it is a table that
        // earlier headers opened.
        let shared = previous
            .iter()
            .zip(&path)
            .take_while(|(a, b)| a == b)
            .count();
        if open.iter().any(|(p, keys)| {
            p.len() < path.len() && p.len() >= shared && keys.contains(&path[p.len()])
        }) {
            return Err(stop("a header under a key of an enclosing section"));
        }
        for n in shared + 1..=previous.len() {
            closed.insert(path_hash(&previous[..n]));
        }
        if h.line_start - group_start >= GROUP_BYTES {
            let part = section(src, group_start, h.line_start)?;
            close_group(&mut open, &part, &mut group_paths, &path);
            sink(part).map_err(PartsError::Sink)?;
            group_start = h.line_start;
        }
        open.retain(|(p, _)| path.starts_with(p));
        group_paths.push(path.clone());
        previous = path;
    }
    let part = section(src, group_start, data_end)?;
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
