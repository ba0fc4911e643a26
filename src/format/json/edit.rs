//! Structural edits of a JSON document as text edits ([`StructOp`]): a member or element is
//! added or removed with the commas it needs, in the file's own layout — one per line with the
//! indentation of its siblings, or on one line like them — and every other line stays
//! byte-identical. The new text is parsed on its own to give its leaves their spans.

use std::ops::Range;

use jsonc_parser::ast::Value as Ast;
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, parse_to_ast};

use super::{JsonStore, detect_style, strict_options, write_scalar, write_string};
use crate::format::{Document, Store, StructOp, visit_spans_mut};
use crate::pipeline::tree::{Entry, Node};

/// Makes `op` on `doc`; false (nothing changed) when this layout is not handled.
pub(super) fn edit(doc: &mut Document, op: &StructOp<'_>) -> bool {
    let Some(plan) = plan(doc, op) else {
        return false;
    };
    apply(doc, op, plan)
}

/// One container of the source: its brackets and its members or elements (for a member: the
/// key's start; the value's range).
struct Container {
    range: Range<usize>,
    /// (start of the member or element, end of its value) in tree order.
    parts: Vec<Range<usize>>,
    /// Where each value starts.
    value_starts: Vec<usize>,
    /// The root object's `sops` member follows the data members.
    metadata_follows: bool,
}

/// The container at `path` (tree indexes: the root's `sops` member does not count).
fn container(src: &str, path: &[usize]) -> Option<Container> {
    let ast = parse_to_ast(src, &CollectOptions::default(), &strict_options()).ok()?;
    let mut value = ast.value?;
    let mut root = true;
    for &i in path {
        value = match value {
            Ast::Object(o) => {
                let mut props = o.properties;
                if root {
                    props.retain(|p| p.name.as_str() != "sops");
                }
                if i >= props.len() {
                    return None;
                }
                props.swap_remove(i).value
            }
            Ast::Array(a) => {
                let mut e = a.elements;
                if i >= e.len() {
                    return None;
                }
                e.swap_remove(i)
            }
            _ => return None,
        };
        root = false;
    }
    let r = value.range();
    Some(match &value {
        Ast::Object(o) => Container {
            range: r.start..r.end,
            parts: o
                .properties
                .iter()
                .filter(|p| !(root && p.name.as_str() == "sops"))
                .map(|p| p.range.start..p.value.range().end)
                .collect(),
            value_starts: o
                .properties
                .iter()
                .filter(|p| !(root && p.name.as_str() == "sops"))
                .map(|p| p.value.range().start)
                .collect(),
            metadata_follows: root
                && o.properties
                    .last()
                    .is_some_and(|p| p.name.as_str() == "sops"),
        },
        Ast::Array(a) => Container {
            range: r.start..r.end,
            parts: a
                .elements
                .iter()
                .map(|e| e.range().start..e.range().end)
                .collect(),
            value_starts: a.elements.iter().map(|e| e.range().start).collect(),
            metadata_follows: false,
        },
        _ => return None,
    })
}

/// What to splice.
struct Plan {
    range: Range<usize>,
    text: String,
    /// For an insertion: where the value's text starts in `text`, and the tree index.
    value_at: usize,
    index: usize,
}

fn line_start(src: &[u8], at: usize) -> usize {
    src[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1)
}

/// The blanks that start the line of `at`, when only blanks stand before it.
fn own_line_indent(src: &[u8], at: usize) -> Option<String> {
    let ls = line_start(src, at);
    let pre = &src[ls..at];
    pre.iter()
        .all(|&b| b == b' ' || b == b'\t')
        .then(|| String::from_utf8_lossy(pre).into_owned())
}

fn plan(doc: &Document, op: &StructOp<'_>) -> Option<Plan> {
    let text = std::str::from_utf8(&doc.src).ok()?;
    let src = &doc.src;
    let style = detect_style(src);
    let nl = style.nl;
    match *op {
        StructOp::Insert {
            container: path,
            before,
            key,
            value,
        } => {
            let c = container(text, path)?;
            let is_object = src[c.range.start] == b'{';
            if is_object != key.is_some() {
                return None;
            }
            // The separator between members: the file's own.
            let colon = style.colon.clone();
            let ls = line_start(src, c.range.start);
            let blanks = src[ls..]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let open_indent = String::from_utf8_lossy(&src[ls..ls + blanks]).into_owned();
            // One part per line (with its indentation), or all on one line.
            let multiline = match c.parts.first() {
                Some(p) => own_line_indent(src, p.start).is_some() && !style.unit.is_empty(),
                None => false,
            };
            let indent = match c.parts.last() {
                Some(p) if multiline => own_line_indent(src, p.start)?,
                _ => format!("{open_indent}{}", style.unit),
            };
            // Values are written like the last one: a collection on one line stays one.
            let compact = c
                .parts
                .last()
                .zip(c.value_starts.last())
                .is_some_and(|(p, &v)| {
                    matches!(src[v], b'{' | b'[') && !src[v..p.end].contains(&b'\n')
                });
            let unit = if multiline && !compact {
                style.unit.clone()
            } else {
                String::new()
            };
            let mut entry = String::new();
            if let Some(k) = key {
                write_string(&mut entry, k, false);
                entry.push_str(&colon);
            }
            let value_off = entry.len();
            render(&mut entry, value, &indent, &unit, nl, &colon);
            let one_line_sep = if colon.ends_with(' ') { ", " } else { "," };
            let (range, text, value_at, index) = match (before, c.parts.len()) {
                (Some(q), _) => {
                    let p = c.parts.get(q)?;
                    let sep = if multiline {
                        format!(",{nl}{indent}")
                    } else {
                        one_line_sep.to_string()
                    };
                    (p.start..p.start, format!("{entry}{sep}"), value_off, q)
                }
                (None, 0) => {
                    if path.is_empty() {
                        return None;
                    }
                    (
                        c.range.start + 1..c.range.start + 1,
                        entry.clone(),
                        value_off,
                        0,
                    )
                }
                (None, n) => {
                    let last = &c.parts[n - 1];
                    let sep = if multiline {
                        format!(",{nl}{indent}")
                    } else {
                        one_line_sep.to_string()
                    };
                    let t = format!("{sep}{entry}");
                    (last.end..last.end, t, sep.len() + value_off, n)
                }
            };
            Some(Plan {
                range,
                text,
                value_at,
                index,
            })
        }
        StructOp::Remove {
            container: path,
            index,
        } => {
            let c = container(text, path)?;
            let n = c.parts.len();
            let p = c.parts.get(index)?.clone();
            let range = if index + 1 < n {
                // With the comma after it, up to the next one (from the line start when it has its
                // own line).
                let next = &c.parts[index + 1];
                match (
                    own_line_indent(src, p.start),
                    own_line_indent(src, next.start),
                ) {
                    (Some(_), Some(_)) => line_start(src, p.start)..line_start(src, next.start),
                    _ => p.start..next.start,
                }
            } else if index > 0 {
                // The last one: with the comma before it.
                c.parts[index - 1].end..p.end
            } else if c.metadata_follows {
                return None;
            } else {
                // The only one: the container becomes empty.
                c.range.start + 1..c.range.end - 1
            };
            Some(Plan {
                range,
                text: String::new(),
                value_at: 0,
                index,
            })
        }
    }
}

/// A value in the file's layout: objects and arrays one member per line with `unit` more
/// indentation than `indent` (the line the value starts on), or on one line without `unit`.
fn render(out: &mut String, node: &Node, indent: &str, unit: &str, nl: &str, colon: &str) {
    let inner = format!("{indent}{unit}");
    let newline = |out: &mut String, ind: &str| {
        if !unit.is_empty() {
            out.push_str(nl);
            out.push_str(ind);
        }
    };
    let sep = if unit.is_empty() && colon.ends_with(' ') {
        ", "
    } else {
        ","
    };
    match node.resolved() {
        Node::Map(entries) => {
            let pairs: Vec<_> = entries
                .iter()
                .filter_map(|e| match e {
                    Entry::Pair(k, v) => Some((k, v)),
                    Entry::Comment(_) => None,
                })
                .collect();
            if pairs.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                newline(out, &inner);
                write_string(out, k, false);
                out.push_str(colon);
                render(out, v, &inner, unit, nl, colon);
            }
            newline(out, indent);
            out.push('}');
        }
        Node::Seq(items) => {
            let items: Vec<_> = items
                .iter()
                .filter(|n| !matches!(n, Node::Comment(_)))
                .collect();
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                newline(out, &inner);
                render(out, v, &inner, unit, nl, colon);
            }
            newline(out, indent);
            out.push(']');
        }
        Node::Scalar(l) => write_scalar(out, &l.value, false),
        _ => out.push_str("null"),
    }
}

fn apply(doc: &mut Document, op: &StructOp<'_>, plan: Plan) -> bool {
    match *op {
        StructOp::Insert { container, key, .. } => {
            // The new value, parsed alone, its spans moved to where it goes.
            let mut value_text = String::new();
            let at = plan.range.start + plan.value_at;
            let rest = &plan.text[plan.value_at..];
            // The value is the text up to where the separator of a `before` insertion starts.
            let len = value_len(rest);
            value_text.push_str(&rest[..len]);
            let wrapper = format!("{{\"k\":{value_text}}}");
            let Ok(parsed) = JsonStore.parse(wrapper.into_bytes()) else {
                return false;
            };
            let Some(Node::Map(mut entries)) = parsed.docs.into_iter().next() else {
                return false;
            };
            let Some(Entry::Pair(_, mut node)) = entries.pop() else {
                return false;
            };
            let shift = at as isize - 5;
            visit_spans_mut(&mut node, &mut |s| {
                *s = (s.start as isize + shift) as usize..(s.end as isize + shift) as usize;
            });
            crate::pipeline::edit::insert_node(
                doc,
                plan.range.start,
                &plan.text,
                container,
                plan.index,
                key,
                node,
            )
        }
        StructOp::Remove { container, index } => {
            crate::pipeline::edit::remove_node(doc, container, index, &[plan.range], "")
        }
    }
}

/// The length of the JSON value that starts `text` (brackets and strings balanced).
fn value_len(text: &str) -> usize {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if depth == 0 {
                    return (i + 1).min(b.len());
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            b',' if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    b.len()
}
