//! Structural edits of a TOML document as text edits ([`StructOp`]), in the file's own style:
//! a key/value line in its table's section (a dotted key `a.b = 1` in a table written with dotted
//! keys), a new `[table]` section after the table's own sections for a new table (dotted keys
//! when the table is written so), `[[array]]` sections for a new element of an array of tables,
//! and inline tables and arrays edited with their commas. Removing an entry removes its lines, or
//! its sections. Every other line stays byte-identical. The new text is parsed on its own to give
//! its leaves their spans.

use std::ops::Range;

use toml_edit::{Item, Table, Value as TValue};

use super::{emit_inline, emit_table, is_table_array_node, is_table_node, newline, write_key};
use crate::format::{Document, StructOp, visit_spans, visit_spans_mut};
use crate::pipeline::tree::{Entry, Node};

/// Makes `op` on `doc`; false (nothing changed) when this layout is not handled.
pub(super) fn edit(doc: &mut Document, op: &StructOp<'_>) -> bool {
    // New text is written with `\n` line ends.
    if newline(&doc.src) != "\n" {
        return false;
    }
    let Ok(text) = std::str::from_utf8(&doc.src) else {
        return false;
    };
    let Ok(parsed) = toml_edit::Document::parse(text.to_string()) else {
        return false;
    };
    let sections = Sections::of(parsed.as_table(), doc.metadata_at);
    let Some(root) = doc.docs.first() else {
        return false;
    };
    let plan = match *op {
        StructOp::Insert {
            container,
            before,
            key,
            value,
        } => {
            if before.is_some() {
                return false;
            }
            let Some(place) = locate(parsed.as_table(), root, container) else {
                return false;
            };
            insert_plan(doc, &sections, &place, root, container, key, value)
        }
        StructOp::Remove { container, index } => {
            let Some(place) = locate(parsed.as_table(), root, container) else {
                return false;
            };
            remove_plan(doc, &sections, &place, root, container, index)
        }
    };
    match plan {
        Some(p) => apply(doc, op, p),
        None => false,
    }
}

/// Where every `[table]` / `[[array]]` header line starts, sorted, and where the data ends.
struct Sections {
    starts: Vec<usize>,
    data_end: usize,
}

impl Sections {
    fn of(root: &Table, data_end: usize) -> Sections {
        fn walk(item: &Item, out: &mut Vec<usize>) {
            match item {
                Item::Table(t) => {
                    if !t.is_dotted()
                        && !t.is_implicit()
                        && let Some(s) = t.span()
                    {
                        out.push(s.start);
                    }
                    t.iter().for_each(|(_, i)| walk(i, out));
                }
                Item::ArrayOfTables(a) => {
                    for t in a.iter() {
                        if let Some(s) = t.span() {
                            out.push(s.start);
                        }
                        t.iter().for_each(|(_, i)| walk(i, out));
                    }
                }
                _ => {}
            }
        }
        let mut starts = Vec::new();
        root.iter()
            .filter(|(k, _)| *k != "sops")
            .for_each(|(_, i)| walk(i, &mut starts));
        starts.sort_unstable();
        Sections { starts, data_end }
    }

    /// The section text of a header at `header`: from the blank line before it (one, if there
    /// is one) to its last line that is not blank before the next header (or the data's end) —
    /// the text a new section is written as (`pipeline::edit::section_slot`).
    fn section(&self, src: &[u8], header: usize) -> Range<usize> {
        let start = line_start(src, header);
        let end = self
            .starts
            .iter()
            .map(|&s| line_start(src, s))
            .find(|&s| s > start)
            .unwrap_or(self.data_end)
            .min(self.data_end);
        crate::pipeline::edit::blank_framed(src, start, end)
    }
}

use crate::pipeline::edit::line_start_of as line_start;

/// After the line break of the line of `at` (or the end of the text).
fn line_end(src: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &src[at.min(src.len())..]).map_or(src.len(), |p| at + p + 1)
}

/// A container of the tree, as it stands in the source.
enum Place<'a> {
    /// A table with its own section: the root (no header), a `[table]`, or an element of an
    /// array of tables. `path` is its key path.
    Section {
        path: Vec<String>,
        table: &'a Table,
        header: Option<usize>,
    },
    /// A table of dotted keys (`a.b = 1`) inside a section; `prefix` is its key path.
    Dotted {
        prefix: Vec<String>,
        table: &'a Table,
    },
    /// A table defined only by the headers of its sub-tables (`a` of `[a.b]`).
    Implicit { table: &'a Table },
    /// An inline table or array.
    Inline { range: Range<usize> },
    /// An array of tables.
    Tables {
        path: Vec<String>,
        elements: Vec<&'a Table>,
    },
}

/// The keys and values of a table in tree order (the root's `sops` left out).
fn items(t: &Table, root: bool) -> Vec<(&str, &Item)> {
    t.iter().filter(|(k, _)| !(root && *k == "sops")).collect()
}

/// The ordinal of raw index `i` among the data entries of a tree container.
fn ordinal(node: &Node, i: usize) -> Option<usize> {
    match node {
        Node::Map(e) => matches!(e.get(i)?, Entry::Pair(..)).then(|| {
            e[..i]
                .iter()
                .filter(|e| matches!(e, Entry::Pair(..)))
                .count()
        }),
        Node::Seq(items) => (!matches!(items.get(i)?, Node::Comment(_))).then(|| {
            items[..i]
                .iter()
                .filter(|n| !matches!(n, Node::Comment(_)))
                .count()
        }),
        _ => None,
    }
}

/// A step of the source structure.
#[derive(Clone, Copy)]
enum Src<'a> {
    Item(&'a Item),
    Value(&'a TValue),
    /// An element of an array of tables.
    Element(&'a Table),
}

/// Follows the tree path `container` through the source structure.
fn locate<'a>(root_table: &'a Table, root: &Node, container: &[usize]) -> Option<Place<'a>> {
    let mut node = root;
    let mut cur: Option<Src<'a>> = None;
    let mut path: Vec<String> = Vec::new();
    for &i in container {
        let o = ordinal(node, i)?;
        let table_step = |t: &'a Table, root: bool, path: &mut Vec<String>| {
            let (k, item) = *items(t, root).get(o)?;
            path.push(k.to_string());
            Some(Src::Item(item))
        };
        let next = match cur {
            None => table_step(root_table, true, &mut path)?,
            Some(Src::Item(Item::Table(t))) | Some(Src::Element(t)) => {
                table_step(t, false, &mut path)?
            }
            Some(Src::Item(Item::ArrayOfTables(a))) => Src::Element(a.get(o)?),
            Some(Src::Item(Item::Value(v))) | Some(Src::Value(v)) => match v {
                TValue::InlineTable(t) => {
                    let (k, v) = t.iter().nth(o)?;
                    path.push(k.to_string());
                    Src::Value(v)
                }
                TValue::Array(a) => Src::Value(a.get(o)?),
                _ => return None,
            },
            _ => return None,
        };
        node = node.child_at(i)?;
        cur = Some(next);
    }
    Some(match cur {
        None => Place::Section {
            path,
            table: root_table,
            header: None,
        },
        Some(Src::Element(t)) => Place::Section {
            path,
            table: t,
            header: Some(t.span()?.start),
        },
        Some(Src::Item(Item::Table(t))) if t.is_dotted() => Place::Dotted {
            prefix: path,
            table: t,
        },
        Some(Src::Item(Item::Table(t))) if t.is_implicit() => Place::Implicit { table: t },
        Some(Src::Item(Item::Table(t))) => Place::Section {
            path,
            table: t,
            header: Some(t.span()?.start),
        },
        Some(Src::Item(Item::ArrayOfTables(a))) => Place::Tables {
            path,
            elements: a.iter().collect(),
        },
        Some(Src::Item(Item::Value(v))) | Some(Src::Value(v)) => match v {
            TValue::InlineTable(_) | TValue::Array(_) => Place::Inline { range: v.span()? },
            _ => return None,
        },
        _ => return None,
    })
}

/// The source ranges of an item of a table: its key/value line(s), or its sections.
fn item_ranges(src: &[u8], sections: &Sections, item: &Item, out: &mut Vec<Range<usize>>) {
    match item {
        Item::Value(v) => {
            if let Some(s) = v.span() {
                out.push(line_start(src, s.start)..line_end(src, s.end));
            }
        }
        Item::Table(t) => {
            if !t.is_dotted()
                && !t.is_implicit()
                && let Some(h) = t.span()
            {
                out.push(sections.section(src, h.start));
            }
            t.iter()
                .for_each(|(_, i)| item_ranges(src, sections, i, out));
        }
        Item::ArrayOfTables(a) => {
            for t in a.iter() {
                if let Some(h) = t.span() {
                    out.push(sections.section(src, h.start));
                }
                t.iter()
                    .for_each(|(_, i)| item_ranges(src, sections, i, out));
            }
        }
        Item::None => {}
    }
}

/// Sorted, merged ranges.
fn merged(mut v: Vec<Range<usize>>) -> Vec<Range<usize>> {
    v.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in v {
        match out.last_mut() {
            Some(l) if r.start <= l.end => l.end = l.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Where the key/value lines of a table's own section end (after the header line when it has
/// none), and whether it writes nested tables as dotted keys.
fn own_lines(src: &[u8], t: &Table, header: Option<usize>, root: bool) -> (usize, bool, bool) {
    let mut end = header.map(|h| line_end(src, h));
    let mut dotted = false;
    for (_, item) in items(t, root) {
        match item {
            Item::Value(v) => {
                if let Some(s) = v.span() {
                    end = Some(end.unwrap_or(0).max(line_end(src, s.end)));
                }
            }
            Item::Table(d) if d.is_dotted() => {
                dotted = true;
                let mut r = Vec::new();
                let sections = Sections {
                    starts: Vec::new(),
                    data_end: src.len(),
                };
                item_ranges(src, &sections, item, &mut r);
                for x in r {
                    end = Some(end.unwrap_or(0).max(x.end));
                }
                let _ = d;
            }
            _ => {}
        }
    }
    let has_own = end.is_some();
    (end.unwrap_or(0), dotted, has_own)
}

/// What to splice: ranges to remove (for a removal) or the text to insert at `at`.
struct Plan {
    remove: Vec<Range<usize>>,
    at: usize,
    text: String,
    /// The new node (spans in the file after the splice) and its tree index.
    node: Option<(Node, usize)>,
}

fn render_kv(out: &mut String, prefix: &[String], key: &str, value: &Node) -> Option<()> {
    for p in prefix {
        write_key(out, p);
        out.push('.');
    }
    write_key(out, key);
    out.push_str(" = ");
    emit_inline(out, value).ok()?;
    out.push('\n');
    Some(())
}

/// Dotted key/value lines for a value that is a table (nested tables flattened).
fn render_dotted(
    out: &mut String,
    prefix: &mut Vec<String>,
    key: &str,
    value: &Node,
) -> Option<()> {
    match value.resolved() {
        Node::Map(entries) if entries.iter().any(|e| matches!(e, Entry::Pair(..))) => {
            prefix.push(key.to_string());
            for e in entries {
                if let Entry::Pair(k, v) = e {
                    render_dotted(out, prefix, k, v)?;
                }
            }
            prefix.pop();
            Some(())
        }
        _ => render_kv(out, prefix, key, value),
    }
}

/// The tree node at `path` of the TOML text `text` parsed alone.
fn parsed(text: &str, path: &[String], element: bool, shift: usize) -> Option<Node> {
    let doc = super::TomlStore::parse_text(text)?;
    let mut node = doc;
    for k in path {
        node = match node {
            Node::Map(entries) => entries.into_iter().find_map(|e| match e {
                Entry::Pair(key, v) if key == *k => Some(v),
                _ => None,
            })?,
            _ => return None,
        };
    }
    if element {
        node = match node {
            Node::Seq(items) => items.into_iter().find(|n| !matches!(n, Node::Comment(_)))?,
            _ => return None,
        };
    }
    visit_spans_mut(&mut node, &mut |s| *s = s.start + shift..s.end + shift);
    Some(node)
}

/// The tree index after the last data entry of a table that stands among its key/value lines
/// (before the entries that are sections of their own).
fn index_after_lines(node: &Node, t: &Table, root: bool) -> usize {
    let Node::Map(entries) = node else {
        return 0;
    };
    let kinds: Vec<bool> = items(t, root)
        .iter()
        .map(|(_, i)| match i {
            Item::Value(_) => true,
            Item::Table(d) => d.is_dotted(),
            _ => false,
        })
        .collect();
    let mut ord = 0;
    let mut after = 0;
    for (i, e) in entries.iter().enumerate() {
        if let Entry::Pair(..) = e {
            if kinds.get(ord).copied().unwrap_or(false) {
                after = i + 1;
            }
            ord += 1;
        }
    }
    after
}

fn insert_plan(
    doc: &Document,
    sections: &Sections,
    place: &Place<'_>,
    root: &Node,
    container: &[usize],
    key: Option<&str>,
    value: &Node,
) -> Option<Plan> {
    let src = &doc.src;
    let cont = root.at_index_path(container)?;
    let data_len = match cont {
        Node::Map(e) => e.len(),
        Node::Seq(i) => i.len(),
        _ => return None,
    };
    match place {
        Place::Section {
            path,
            table,
            header,
            ..
        } => {
            let k = key?;
            let is_root = header.is_none() && path.is_empty();
            let (own_end, dotted_style, has_own) = own_lines(src, table, *header, is_root);
            let sectioned = is_table_node(value) || is_table_array_node(value);
            if sectioned && !dotted_style {
                // A new section (or sections) after the table's own ones.
                let mut ranges = Vec::new();
                for (_, i) in items(table, is_root) {
                    item_ranges(src, sections, i, &mut ranges);
                }
                if let Some(h) = header {
                    ranges.push(sections.section(src, *h));
                }
                let end = ranges
                    .iter()
                    .map(|r| r.end)
                    .max()
                    .unwrap_or(sections.data_end)
                    .max(if is_root { sections.data_end } else { 0 });
                let mut full = path.clone();
                full.push(k.to_string());
                let mut body = String::new();
                match value.resolved() {
                    Node::Map(e) => emit_table(&mut body, &mut full.clone(), e, false).ok()?,
                    Node::Seq(elements) => {
                        for el in elements {
                            if let Node::Map(e) = el.resolved() {
                                emit_table(&mut body, &mut full.clone(), e, true).ok()?;
                            }
                        }
                    }
                    _ => return None,
                }
                let body = body.trim_start_matches('\n').to_string();
                let (end, lead) = crate::pipeline::edit::section_slot(src, end);
                let text = format!("{lead}{body}");
                let node = parsed(&body, &full, false, end + lead.len())?;
                return Some(Plan {
                    remove: vec![],
                    at: end,
                    text,
                    node: Some((node, data_len)),
                });
            }
            // A key/value line (dotted lines for a table) after the table's own lines.
            let at = if has_own || header.is_some() {
                own_end
            } else {
                // The root without key/value lines: before the first section.
                sections
                    .starts
                    .first()
                    .map(|&s| line_start(src, s))
                    .unwrap_or(sections.data_end)
            };
            if at > 0 && src[at - 1] != b'\n' {
                return None;
            }
            let mut body = String::new();
            if sectioned {
                render_dotted(&mut body, &mut Vec::new(), k, value)?;
            } else {
                render_kv(&mut body, &[], k, value)?;
            }
            let node = parsed(&body, &[k.to_string()], false, at)?;
            let index = index_after_lines(cont, table, is_root);
            Some(Plan {
                remove: vec![],
                at,
                text: body,
                node: Some((node, index)),
            })
        }
        Place::Dotted { prefix, table } => {
            let k = key?;
            // After the last line of the dotted table, with its prefix.
            let mut r = Vec::new();
            item_ranges(src, sections, &Item::Table((*table).clone()), &mut r);
            let at = r.iter().map(|x| x.end).max()?;
            if at > 0 && src[at - 1] != b'\n' {
                return None;
            }
            // The prefix as written relative to the section: the dotted keys' own.
            let rel = dotted_prefix(src, table, prefix)?;
            let mut body = String::new();
            render_dotted(&mut body, &mut rel.clone(), k, value)?;
            let mut full = rel.clone();
            full.push(k.to_string());
            let node = parsed(&body, &full, false, at)?;
            Some(Plan {
                remove: vec![],
                at,
                text: body,
                node: Some((node, data_len)),
            })
        }
        Place::Inline { range } => {
            let open = range.start;
            let close = range.end.checked_sub(1)?;
            let (is_table, is_array) = (src[open] == b'{', src[open] == b'[');
            if is_table != key.is_some() || !(is_table || is_array) {
                return None;
            }
            let mut entry = String::new();
            if let Some(k) = key {
                write_key(&mut entry, k);
                entry.push_str(" = ");
            }
            let value_off = entry.len();
            emit_inline(&mut entry, value).ok()?;
            // After the last entry, or inside empty brackets.
            let inner = &src[open + 1..close];
            let last_end = last_value_end(src, open, close);
            let (at, text, off) = match last_end {
                Some(e) => (e, format!(", {entry}"), 2),
                None if is_table && inner.iter().all(|&b| b == b' ') => {
                    (open + 1, format!(" {entry} "), 1)
                }
                None => (open + 1, entry.clone(), 0),
            };
            let _ = inner;
            // The value parsed alone in `k = [value]` / `k = value`.
            let (wrapped, wpath, element, wshift) = if is_array {
                (
                    format!("k = [{}]\n", &entry[value_off..]),
                    vec!["k".to_string()],
                    true,
                    5,
                )
            } else {
                (
                    format!("k = {}\n", &entry[value_off..]),
                    vec!["k".to_string()],
                    false,
                    4,
                )
            };
            let node = parsed(&wrapped, &wpath, element, 0)?;
            let mut node = node;
            let base = at + off + value_off;
            visit_spans_mut(&mut node, &mut |s| {
                *s = s.start + base - wshift..s.end + base - wshift
            });
            Some(Plan {
                remove: vec![],
                at,
                text,
                node: Some((node, data_len)),
            })
        }
        Place::Tables { path, elements } => {
            if key.is_some() || !is_table_node(value) {
                return None;
            }
            let mut ranges = Vec::new();
            for t in elements {
                if let Some(h) = t.span() {
                    ranges.push(sections.section(src, h.start));
                }
                t.iter()
                    .for_each(|(_, i)| item_ranges(src, sections, i, &mut ranges));
            }
            let end = ranges.iter().map(|r| r.end).max()?;
            let mut body = String::new();
            let entries = match value.resolved() {
                Node::Map(e) => e.clone(),
                _ => return None,
            };
            emit_table(&mut body, &mut path.clone(), &entries, true).ok()?;
            let body = body.trim_start_matches('\n').to_string();
            let (end, lead) = crate::pipeline::edit::section_slot(src, end);
            // The new element alone: the only element of its array.
            let node = parsed(&body, path, true, end + lead.len())?;
            Some(Plan {
                remove: vec![],
                at: end,
                text: format!("{lead}{body}"),
                node: Some((node, data_len)),
            })
        }
        Place::Implicit { .. } => None,
    }
}

/// The keys of a dotted table as written before its entries, relative to its section: the key
/// path `full` without the path of the table whose section the dotted keys stand in. Found
/// from the key of the table's first leaf line.
fn dotted_prefix(src: &[u8], table: &Table, full: &[String]) -> Option<Vec<String>> {
    // The first leaf's line: `a.b.c = …`; count the dots of its key part.
    let (_, item) = table.iter().next()?;
    let mut first = item;
    let mut depth = 1;
    while let Item::Table(t) = first {
        first = t.iter().next()?.1;
        depth += 1;
    }
    let span = match first {
        Item::Value(v) => v.span()?,
        _ => return None,
    };
    let line = &src[line_start(src, span.start)..span.start];
    let key_part = line.split(|&b| b == b'=').next()?;
    let parts = count_key_parts(key_part)?;
    // `parts` keys on the line: `depth` of them are inside this table.
    let n = parts.checked_sub(depth)?;
    Some(full[full.len().checked_sub(n)?..].to_vec())
}

/// The number of dot-separated parts of a (possibly quoted) TOML key.
fn count_key_parts(key: &[u8]) -> Option<usize> {
    let mut n = 1;
    let mut i = 0;
    while i < key.len() {
        match key[i] {
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < key.len() && key[i] != q {
                    i += if key[i] == b'\\' && q == b'"' { 2 } else { 1 };
                }
            }
            b'.' => n += 1,
            _ => {}
        }
        i += 1;
    }
    Some(n)
}

/// The end of the last value inside an inline table or array (None when empty).
fn last_value_end(src: &[u8], open: usize, close: usize) -> Option<usize> {
    let mut i = close;
    while i > open + 1 && matches!(src[i - 1], b' ' | b'\t' | b'\r' | b'\n' | b',') {
        i -= 1;
    }
    (i > open + 1).then_some(i)
}

fn remove_plan(
    doc: &Document,
    sections: &Sections,
    place: &Place<'_>,
    root: &Node,
    container: &[usize],
    index: usize,
) -> Option<Plan> {
    let src = &doc.src;
    let cont = root.at_index_path(container)?;
    let o = ordinal(cont, index)?;
    let mut ranges = Vec::new();
    match place {
        Place::Section {
            table,
            header,
            path,
            ..
        } => {
            let is_root = header.is_none() && path.is_empty();
            let (_, item) = *items(table, is_root).get(o)?;
            item_ranges(src, sections, item, &mut ranges);
        }
        Place::Dotted { table, .. } | Place::Implicit { table } => {
            let (_, item) = *items(table, false).get(o)?;
            item_ranges(src, sections, item, &mut ranges);
        }
        Place::Tables { elements, .. } => {
            let t = elements.get(o)?;
            if let Some(h) = t.span() {
                ranges.push(sections.section(src, h.start));
            }
            t.iter()
                .for_each(|(_, i)| item_ranges(src, sections, i, &mut ranges));
        }
        Place::Inline { range } => {
            // The entry with the comma after it, or (the last) with the one before it.
            let node = cont.child_at(index)?;
            let mut ext: Option<Range<usize>> = None;
            visit_spans(node, &mut |s| {
                ext = Some(match ext.take() {
                    None => s.clone(),
                    Some(r) => r.start.min(s.start)..r.end.max(s.end),
                })
            });
            let ext = ext?;
            let (Node::Map(_) | Node::Seq(_)) = cont else {
                return None;
            };
            // The start of the entry: its key, found back from the value over `key = `.
            let start = if src[range.start] == b'{' {
                let mut i = ext.start;
                while i > range.start + 1 && !matches!(src[i - 1], b',' | b'{') {
                    i -= 1;
                }
                while i < ext.start && matches!(src[i], b' ' | b'\t') {
                    i += 1;
                }
                i
            } else {
                ext.start
            };
            let close = range.end - 1;
            let mut after = ext.end;
            while after < close && matches!(src[after], b' ' | b'\t' | b'\r' | b'\n') {
                after += 1;
            }
            let r = if src.get(after) == Some(&b',') {
                let mut next = after + 1;
                while next < close && matches!(src[next], b' ' | b'\t') {
                    next += 1;
                }
                start..next
            } else {
                let mut before = start;
                while before > range.start + 1
                    && matches!(src[before - 1], b' ' | b'\t' | b'\r' | b'\n')
                {
                    before -= 1;
                }
                if before > range.start + 1 && src[before - 1] == b',' {
                    before - 1..ext.end
                } else {
                    start..ext.end
                }
            };
            ranges.push(r);
        }
    }
    if ranges.is_empty() {
        return None;
    }
    Some(Plan {
        remove: merged(ranges),
        at: 0,
        text: String::new(),
        node: None,
    })
}

fn apply(doc: &mut Document, op: &StructOp<'_>, plan: Plan) -> bool {
    match *op {
        StructOp::Insert { container, key, .. } => match plan.node {
            Some((node, index)) => crate::pipeline::edit::insert_node(
                doc, plan.at, &plan.text, container, index, key, node,
            ),
            None => false,
        },
        StructOp::Remove { container, index } => {
            crate::pipeline::edit::remove_node(doc, container, index, &plan.remove, "")
        }
    }
}
