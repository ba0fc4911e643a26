//! Event-driven construction of the lossless tree from `saphyr-parser` events.
//!
//! saphyr reports spans in characters; they are converted to byte offsets with a cursor (no
//! quadratic cost). Its spans are not exact for every scalar style (quoted scalars may run past
//! the closing quote, block scalars start at their body), so the exact extent of each scalar is
//! recomputed from the source. Comments are not reported by saphyr: they are found in the gaps
//! between tokens and attached to a container the way yaml.v3 (and so sops) attaches them.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::resolve::{Resolved, resolve_plain, resolve_tagged};
use super::{CTX_DASH, CTX_DQ, CTX_FLOW, CTX_PROPS, CTX_SQ, INDENT_MASK};
use crate::format::limits::{self, MAX_DEPTH};
use crate::format::{Document, ParseError, PartsEnd, PartsError, node_to_value};
use crate::pipeline::tree::{Alias, Entry, Leaf, Node, Scalar};

/// Extra facts about a parse, used by the alias machinery.
#[derive(Default)]
pub struct Extras {
    /// Anchor name → (offset of the definition, index path of the anchored node).
    pub anchors: Vec<(String, usize, Vec<usize>)>,
    /// Flow collections, inner before outer: (byte span, index path).
    pub flows: Vec<(Range<usize>, Vec<usize>)>,
    /// Mapping entries: (index path of the entry, offset of its key).
    pub keys: Vec<(Vec<usize>, usize)>,
    /// Sequence items: (index path of the item, offset of its content).
    pub items: Vec<(Vec<usize>, usize)>,
    /// Every collection: index path, where it starts (its bracket, or its first key or `-`),
    /// where its last token ends, whether it is in flow style, and its column.
    pub collections: Vec<Collection>,
}

/// A collection as [`Extras`] records it.
#[derive(Clone, Debug)]
pub struct Collection {
    pub path: Vec<usize>,
    pub start: usize,
    pub end: usize,
    pub flow: bool,
    pub col: usize,
}

/// Char index → byte offset, with a cursor (events come almost in order).
struct Offsets<'a> {
    src: &'a str,
    ascii: bool,
    ci: usize,
    bi: usize,
}

impl Offsets<'_> {
    fn byte(&mut self, ci: usize) -> usize {
        if self.ascii {
            return ci.min(self.src.len());
        }
        let b = self.src.as_bytes();
        while self.ci < ci && self.bi < b.len() {
            self.bi += 1;
            while self.bi < b.len() && (b[self.bi] & 0xC0) == 0x80 {
                self.bi += 1;
            }
            self.ci += 1;
        }
        while self.ci > ci && self.bi > 0 {
            self.bi -= 1;
            while self.bi > 0 && (b[self.bi] & 0xC0) == 0x80 {
                self.bi -= 1;
            }
            self.ci -= 1;
        }
        self.bi
    }
}

enum Kind {
    Map {
        entries: Vec<Entry>,
        key: Option<(String, usize)>,
        seen: Option<HashSet<String>>,
    },
    Seq(Vec<Node>),
}

struct Frame {
    kind: Kind,
    flow: bool,
    /// Column of the block collection (first key or `-`).
    col: usize,
    /// Comments for this container that arrived while a child was being built.
    after_child: Vec<Leaf>,
    anchor: usize,
    /// Byte offset of the `{`/`[` of a flow collection, or of the first token.
    start: usize,
}

struct Builder<'a, 's> {
    src: &'a str,
    off: Offsets<'a>,
    /// End of the last consumed token or gap (bytes).
    pos: usize,
    /// End of the last real token (bytes).
    tok_end: usize,
    stack: Vec<Frame>,
    /// Comments waiting for the next block collection (head comments).
    pending_head: Vec<Leaf>,
    /// Line-start table is not kept; columns are computed by scanning back to the line start.
    docs: Vec<Node>,
    /// Anchor id → (copy of the anchored node, its weight and depth for the limits).
    anchors: HashMap<usize, (Node, usize, usize)>,
    /// What the copies of anchors and aliases weigh so far, and how much they may
    /// ([`limits::alias_budget`]).
    alias_spent: usize,
    alias_budget: usize,
    extras: Extras,
    want_extras: bool,
    doc_index: usize,
    /// The metadata of the first document, its removal spans.
    metadata: Option<serde_json::Value>,
    metadata_spans: Vec<Range<usize>>,
    metadata_at: Option<usize>,
    /// The current document has a top-level `sops` key.
    sops_key_seen: bool,
    /// Streaming mode: completed parts of the tree are handed over as they are read.
    parts: Option<Parts<'s>>,
}

/// Streaming mode of the builder (see [`parse_parts`]).
struct Parts<'a> {
    /// Scalars per part.
    every: usize,
    /// The input is an encrypted file: its `sops` entry is metadata, not a reason to stop.
    encrypted: bool,
    /// Scalars read since the last part was handed over.
    pending: usize,
    sink: &'a mut dyn FnMut(Node) -> Result<(), String>,
    /// Why streaming stopped: the input needs the whole tree (anchors, several documents…).
    unsupported: Option<&'static str>,
    /// The sink failed.
    failed: Option<String>,
}

fn ws(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\n' || b == b'\r'
}

/// The end of an anchor or tag: whitespace or a flow indicator, which neither can contain
/// (`&a[1]` is the anchor `a` on the sequence `[1]`, in saphyr and yaml.v3 alike).
fn ends_prop(b: u8) -> bool {
    ws(b) || matches!(b, b'[' | b']' | b'{' | b'}' | b',')
}

impl<'a> Builder<'a, '_> {
    fn err(&self, at: usize, msg: impl Into<String>) -> ParseError {
        ParseError::at(self.src.as_bytes(), at, msg)
    }

    /// yaml.v3 (and so sops) refuses a tab in the indentation of a block line; saphyr reads
    /// it, and veil would write a file neither can read back. `at` is a token in block context.
    fn check_indent(&self, at: usize) -> Result<(), ParseError> {
        let b = self.src.as_bytes();
        let mut i = at.min(b.len());
        while i > 0 && matches!(b[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        if (i == 0 || b[i - 1] == b'\n') && b[i..at.min(b.len())].contains(&b'\t') {
            return Err(self.err(at, "a tab in the indentation (YAML indents with spaces)"));
        }
        Ok(())
    }

    /// saphyr refuses `key:<tab>value` when the value starts with a letter, a digit or `-`,
    /// and reads it otherwise (`key:<tab>"x"`); the encrypted value starts with a letter, so
    /// veil would write a file it cannot read back (found by fuzzing). A value separated from
    /// its `:` by tabs alone is refused whatever it starts with.
    fn check_value_separator(&self, at: usize) -> Result<(), ParseError> {
        let b = self.src.as_bytes();
        let mut i = at.min(b.len());
        while i > 0 && matches!(b[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        let gap = &b[i..at.min(b.len())];
        if i > 0 && b[i - 1] == b':' && !gap.is_empty() && !gap.contains(&b' ') {
            return Err(self.err(at, "a tab alone after ':' (put a space after the colon)"));
        }
        Ok(())
    }

    /// Counts a copy made for an anchor or an alias against the alias budget.
    fn charge(&mut self, at: usize, weight: usize) -> Result<(), ParseError> {
        self.alias_spent = self.alias_spent.saturating_add(weight);
        if self.alias_spent > self.alias_budget {
            return Err(ParseError::limit_at(
                self.src.as_bytes(),
                at,
                limits::excessive_aliasing_message(),
            ));
        }
        Ok(())
    }

    /// In streaming mode, stops the parse: this input needs the whole tree.
    fn unsupported(&mut self, why: &'static str) -> Result<(), ParseError> {
        match &mut self.parts {
            Some(p) => {
                p.unsupported = Some(why);
                Err(ParseError::new(None, why))
            }
            None => Ok(()),
        }
    }

    /// Streaming mode: hands over the entries that can no longer change, wrapped in the chain
    /// of open containers (the keys that lead to them), and removes them from the builder.
    ///
    /// Every entry of an open block container is final except the last one of the innermost
    /// container (a line comment after a flow value may still be added to it); flow
    /// collections are handed over whole, once closed; metadata is never handed over. A
    /// mapping keeps the set of its keys, so duplicates are still found.
    fn hand_over(&mut self) -> Result<(), ParseError> {
        // Flow collections, and the metadata (`sops` at the top level), stay whole.
        let metadata = matches!(
            self.stack.first(),
            Some(Frame { kind: Kind::Map { key: Some((k, _)), .. }, .. }) if k == "sops"
        );
        let limit = self
            .stack
            .iter()
            .position(|f| f.flow)
            .unwrap_or(self.stack.len())
            .min(if metadata { 1 } else { usize::MAX });
        let top = self.stack.len();
        let mut part: Option<Node> = None;
        for i in (0..limit).rev() {
            let keep_last = usize::from(i + 1 == top);
            let child = part.take();
            part = Some(match &mut self.stack[i].kind {
                Kind::Map { entries, key, seen } => {
                    // Once a mapping has its key set, every new key goes into it when read.
                    seen.get_or_insert_with(|| {
                        let keys = entries.iter().filter_map(|e| match e {
                            Entry::Pair(k, _) => Some(k.clone()),
                            Entry::Comment(_) => None,
                        });
                        keys.chain(key.as_ref().map(|(k, _)| k.clone())).collect()
                    });
                    let n = entries.len().saturating_sub(keep_last);
                    let mut taken: Vec<Entry> = entries.drain(..n).collect();
                    if let (Some(c), Some((k, _))) = (child, key.as_ref()) {
                        taken.push(Entry::Pair(k.clone(), c));
                    }
                    Node::Map(taken)
                }
                Kind::Seq(items) => {
                    let n = items.len().saturating_sub(keep_last);
                    let mut taken: Vec<Node> = items.drain(..n).collect();
                    taken.extend(child);
                    Node::Seq(taken)
                }
            });
        }
        if let (Some(part), Some(p)) = (part, &mut self.parts) {
            p.pending = 0;
            if let Err(e) = (p.sink)(part) {
                p.failed = Some(e);
                return Err(ParseError::new(None, "streaming stopped"));
            }
        }
        Ok(())
    }

    fn line_start(&self, at: usize) -> usize {
        self.src.as_bytes()[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
    }

    fn col(&self, at: usize) -> usize {
        let ls = self.line_start(at);
        self.src[ls..at].chars().count()
    }

    /// Scans `[self.pos, to)` for comments and attaches them.
    fn gap(&mut self, to: usize, next_block_start: Option<usize>) {
        if to <= self.pos {
            return;
        }
        let b = self.src.as_bytes();
        let mut i = self.pos;
        while i < to {
            if b[i] == b'#' && (i == 0 || ws(b[i - 1])) {
                let mut end = i;
                while end < b.len() && b[end] != b'\n' {
                    end += 1;
                }
                let mut text_end = end;
                if text_end > i && b[text_end - 1] == b'\r' {
                    text_end -= 1;
                }
                let ls = self.line_start(i);
                let own_line = b[ls..i].iter().all(|&c| c == b' ' || c == b'\t');
                let text = self.src[i + 1..text_end].to_string();
                let leaf = Leaf::new(Scalar::Str(text), Some(i..text_end), 0);
                let col = self.col(i);
                self.attach_comment(leaf, own_line, col, next_block_start);
                i = end;
                continue;
            }
            i += 1;
        }
        self.pos = to;
    }

    fn attach_comment(
        &mut self,
        leaf: Leaf,
        own_line: bool,
        col: usize,
        next_block_start: Option<usize>,
    ) {
        if self.stack.is_empty() {
            // Before the root collection of a document: a head comment of the document.
            self.pending_head.push(leaf);
            return;
        }
        let top = self.stack.len() - 1;
        if self.stack[top].flow {
            self.push_comment(top, leaf);
            return;
        }
        if !own_line {
            // A line comment: after a flow collection value it belongs inside it (sops reads
            // the collection's line comment as its first entry).
            let frame = &mut self.stack[top];
            let last = match &mut frame.kind {
                Kind::Map { entries, key, .. } if key.is_none() => match entries.last_mut() {
                    Some(Entry::Pair(_, v)) => Some(v),
                    _ => None,
                },
                Kind::Seq(items) => items.last_mut(),
                _ => None,
            };
            if let Some(node) = last
                && self.pos > 0
                && matches!(self.src.as_bytes()[self.pos - 1], b']' | b'}')
            {
                match node {
                    Node::Map(e) => {
                        e.insert(0, Entry::Comment(leaf));
                        return;
                    }
                    Node::Seq(items) => {
                        items.insert(0, Node::Comment(leaf));
                        return;
                    }
                    _ => {}
                }
            }
            self.push_comment(top, leaf);
            return;
        }
        if let Some(c) = next_block_start
            && c <= col
            && c > self.stack[top].col
        {
            self.pending_head.push(leaf);
            return;
        }
        let target = (0..self.stack.len())
            .rev()
            .find(|&i| self.stack[i].col <= col)
            .unwrap_or(0);
        self.push_comment(target, leaf);
    }

    fn push_comment(&mut self, idx: usize, leaf: Leaf) {
        let is_top = idx + 1 == self.stack.len();
        let frame = &mut self.stack[idx];
        if !is_top {
            frame.after_child.push(leaf);
            return;
        }
        match &mut frame.kind {
            Kind::Map { entries, .. } => entries.push(Entry::Comment(leaf)),
            Kind::Seq(items) => items.push(Node::Comment(leaf)),
        }
    }

    fn index_path(&self) -> Vec<usize> {
        let mut p = vec![self.doc_index];
        for f in &self.stack {
            p.push(match &f.kind {
                Kind::Map { entries, .. } => entries.len(),
                Kind::Seq(items) => items.len(),
            });
        }
        p
    }

    /// yaml.v3 (and so sops) wants whitespace after an anchor or a tag: `&a[1]` is an error
    /// there, and a file veil wrote from it could not be read by sops. `at` is where the
    /// properties of a node start.
    fn check_props(&self, at: usize) -> Result<(), ParseError> {
        let b = self.src.as_bytes();
        let mut i = at;
        while i < b.len() && (b[i] == b'&' || b[i] == b'!') {
            while i < b.len() && !ends_prop(b[i]) {
                i += 1;
            }
            if i < b.len() && !ws(b[i]) {
                return Err(self.err(i, "an anchor or tag must be followed by a space"));
            }
            while i < b.len() && ws(b[i]) {
                i += 1;
            }
        }
        Ok(())
    }

    /// Skips anchors and tags at `i`; returns the offset of the node content and the anchor
    /// and tag seen.
    fn skip_props(&self, mut i: usize, limit: usize) -> (usize, bool) {
        let b = self.src.as_bytes();
        let mut any = false;
        while i < limit && (b[i] == b'&' || b[i] == b'!') {
            any = true;
            while i < limit && !ends_prop(b[i]) {
                i += 1;
            }
            while i < limit && ws(b[i]) {
                i += 1;
            }
        }
        (i, any)
    }

    fn scalar_extent(&self, span: Range<usize>, style: ScalarStyle) -> (Range<usize>, bool) {
        let b = self.src.as_bytes();
        let (start, props) = self.skip_props(span.start, b.len());
        match style {
            ScalarStyle::Plain => {
                let end = span.end.max(start);
                (start..end, props)
            }
            ScalarStyle::SingleQuoted => {
                let mut i = start + 1;
                while i < b.len() {
                    if b[i] == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                (start..(i + 1).min(b.len()), props)
            }
            ScalarStyle::DoubleQuoted => {
                let mut i = start + 1;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                (start..(i + 1).min(b.len()), props)
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                // The header: saphyr's span starts at the body when there are no properties, and
                // a body may itself start with `&` or `!`: look for the header from the end of the
                // previous token first.
                let mut i = self.tok_end;
                let mut props_before = false;
                while i < span.start {
                    match b[i] {
                        b' ' | b'\t' | b'\r' | b'\n' | b':' | b'-' | b'?' => i += 1,
                        b'&' | b'!' => {
                            props_before = true;
                            while i < span.start && !ws(b[i]) {
                                i += 1;
                            }
                        }
                        // A comment before the header (found by fuzzing: `# c` then `|` over a
                        // body `&…` was read past the end of the input).
                        b'#' if i == 0 || ws(b[i - 1]) => {
                            while i < span.start && b[i] != b'\n' {
                                i += 1;
                            }
                        }
                        _ => break,
                    }
                }
                let (h, props) = if i < span.start && matches!(b[i], b'|' | b'>') {
                    (i, props_before)
                } else {
                    (start.min(b.len()), props)
                };
                let mut header_end = (h + 1).min(b.len());
                while header_end < b.len() && matches!(b[header_end], b'0'..=b'9' | b'+' | b'-') {
                    header_end += 1;
                }
                let mut last = span.end.min(b.len());
                while last > header_end && ws(b[last - 1]) {
                    last -= 1;
                }
                let header_line_end = b[header_end..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| header_end + p);
                if last <= header_line_end {
                    return (h..header_end, props);
                }
                let mut end = last;
                while end < b.len() && b[end] != b'\n' && b[end] != b'\r' {
                    end += 1;
                }
                (h..end, props)
            }
        }
    }

    fn add_node(&mut self, node: Node, at: usize, anchor: usize) -> Result<(), ParseError> {
        let entry_path = self.want_extras.then(|| self.index_path());
        if anchor != 0 {
            let copy = strip(&node);
            let weight = limits::weight(&copy);
            self.charge(at, weight)?;
            let depth = limits::depth(&copy);
            self.anchors.insert(anchor, (copy, weight, depth));
        }
        let depth = self.stack.len();
        let Some(top) = self.stack.last_mut() else {
            // A document root.
            match node {
                Node::Map(_) => self.docs.push(node),
                Node::Null => {
                    let heads = self.pending_head.drain(..).map(Entry::Comment).collect();
                    self.docs.push(Node::Map(heads));
                }
                Node::Seq(_) => {
                    return Err(self.err(at, "YAML documents that are sequences are not supported"));
                }
                _ => return Err(self.err(at, "YAML documents that are values are not supported")),
            }
            return Ok(());
        };
        let after = std::mem::take(&mut top.after_child);
        match &mut top.kind {
            Kind::Seq(items) => {
                if let Some(p) = entry_path {
                    self.extras.items.push((p, at));
                }
                items.push(node);
                items.extend(after.into_iter().map(Node::Comment));
            }
            Kind::Map { entries, key, seen } => match key.take() {
                None => {
                    // This node is a key.
                    let k = match node {
                        Node::Scalar(Leaf {
                            value: Scalar::Str(s),
                            ..
                        }) => s,
                        _ => return Err(self.err(at, "Tree contains a non-string key")),
                    };
                    let dup = match seen {
                        Some(set) => !set.insert(k.clone()),
                        None => {
                            let d = entries
                                .iter()
                                .any(|e| matches!(e, Entry::Pair(x, _) if *x == k));
                            if entries.len() > 16 {
                                *seen = Some(
                                    entries
                                        .iter()
                                        .filter_map(|e| match e {
                                            Entry::Pair(x, _) => Some(x.clone()),
                                            _ => None,
                                        })
                                        .chain(std::iter::once(k.clone()))
                                        .collect(),
                                );
                            }
                            d
                        }
                    };
                    if dup {
                        return Err(self.err(at, "mapping key already defined"));
                    }
                    // The metadata is not kept among the entries: a second `sops` is found here.
                    if depth == 1 && k == "sops" {
                        if self.sops_key_seen {
                            return Err(self.err(
                                at,
                                "mapping key \"sops\" already defined: a file has one sops metadata block",
                            ));
                        }
                        self.sops_key_seen = true;
                    }
                    *key = Some((k, at));
                    entries.extend(after.into_iter().map(Entry::Comment));
                }
                Some((k, key_at)) => {
                    let root_sops = depth == 1 && k == "sops";
                    if root_sops {
                        if !self.parts.as_ref().is_some_and(|p| p.encrypted) {
                            self.unsupported("metadata")?;
                        }
                        self.take_metadata(node, key_at);
                        if let Some(Frame {
                            kind: Kind::Map { entries, .. },
                            ..
                        }) = self.stack.last_mut()
                        {
                            entries.extend(after.into_iter().map(Entry::Comment));
                        }
                        return Ok(());
                    }
                    if let Some(p) = entry_path {
                        self.extras.keys.push((p, key_at));
                    }
                    entries.push(Entry::Pair(k, node));
                    entries.extend(after.into_iter().map(Entry::Comment));
                }
            },
        }
        Ok(())
    }

    /// A top-level `sops` entry: metadata of the first document, dropped in the others.
    fn take_metadata(&mut self, node: Node, key_at: usize) {
        let b = self.src.as_bytes();
        let start = self.line_start(key_at);
        let mut end = self.tok_end;
        while end < b.len() && b[end] != b'\n' {
            end += 1;
        }
        let mut start = start;
        if end < b.len() {
            end += 1;
        } else if start > 0 && b[start - 1] == b'\n' {
            // No final newline: the writer inserted one before the block.
            start -= 1;
        }
        self.metadata_spans.push(start..end);
        if self.doc_index == 0 && self.metadata.is_none() {
            self.metadata = Some(node_to_value(&node));
        }
    }

    fn leaf_ctx(&self, start: usize, props: bool, dash: bool) -> u32 {
        let mut ctx = 0;
        let Some(top) = self.stack.last() else {
            return 0;
        };
        if top.flow {
            ctx |= CTX_FLOW;
        } else {
            let parent = match &top.kind {
                Kind::Map {
                    key: Some((_, at)), ..
                } => self.col(*at),
                _ => top.col,
            };
            ctx |= (parent as u32).min(INDENT_MASK);
        }
        if props {
            ctx |= CTX_PROPS;
        }
        if dash {
            ctx |= CTX_DASH;
        }
        let _ = start;
        ctx
    }

    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&saphyr_parser::Tag>,
        span: Range<usize>,
    ) -> Result<(), ParseError> {
        self.gap(span.start, None);
        if !self.stack.last().is_some_and(|f| f.flow)
            && !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
        {
            self.check_indent(span.start)?;
        }
        if anchor != 0 {
            self.unsupported("anchors")?;
        }
        if let Some(p) = &mut self.parts {
            p.pending += 1;
        }
        if self.want_extras && anchor != 0 {
            let name = anchor_name(self.src, span.start);
            let path = self.index_path();
            self.extras.anchors.push((name, span.start, path));
        }
        let (mut extent, props) = self.scalar_extent(span.clone(), style);
        if !self.stack.last().is_some_and(|f| f.flow) {
            // A block scalar's span is its body: the header is what follows the `:`.
            let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
            self.check_value_separator(if block { extent.start } else { span.start })?;
        }
        // A block scalar whose last line ends the input without a line break has no final line
        // break to clip or keep (as yaml.v3 reads it, so as sops encrypts it).
        let value = if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
            && extent.end >= self.src.len()
            && !self.src.ends_with('\n')
        {
            value.strip_suffix('\n').unwrap_or(value)
        } else {
            value
        };
        let resolved = match tag {
            Some(t) if t.is_yaml_core_schema() => resolve_tagged(&t.suffix, value),
            Some(_) => Ok(Resolved::Value(Scalar::Str(value.to_string()))),
            None if style == ScalarStyle::Plain => resolve_plain(value),
            None => Ok(Resolved::Value(Scalar::Str(value.to_string()))),
        }
        .map_err(|e| self.err(span.start, e))?;
        // A document that is `null` (or `~`): sops drops it, veil would keep its text before
        // the metadata, a file no reader takes (found by fuzzing). An empty document is fine.
        // (saphyr reports an empty document as a `~` that is not in the text.)
        if self.stack.is_empty()
            && matches!(resolved, Resolved::Null)
            && !value.is_empty()
            && self.src.get(extent.clone()).map(str::trim) == Some(value)
        {
            return Err(self.err(
                extent.start,
                "YAML documents that are values are not supported (this one is null)",
            ));
        }
        self.pos = self.pos.max(extent.end);
        self.tok_end = extent.end;
        let node = match resolved {
            Resolved::Null => Node::Null,
            Resolved::Value(v) => {
                let is_value = !matches!(
                    self.stack.last(),
                    Some(Frame {
                        kind: Kind::Map { key: None, .. },
                        ..
                    })
                );
                let mut dash = false;
                if props && is_value {
                    extent.start = span.start;
                }
                let in_block_seq = matches!(
                    self.stack.last(),
                    Some(Frame {
                        kind: Kind::Seq(_),
                        flow: false,
                        ..
                    })
                );
                if in_block_seq {
                    let b = self.src.as_bytes();
                    let mut i = extent.start;
                    while i > 0 && (b[i - 1] == b' ' || b[i - 1] == b'\t') {
                        i -= 1;
                    }
                    if i > 0 && b[i - 1] == b'-' && (i < 2 || ws(b[i - 2])) {
                        extent.start = i - 1;
                        dash = true;
                    }
                }
                let mut ctx = self.leaf_ctx(extent.start, props && is_value, dash);
                match style {
                    ScalarStyle::DoubleQuoted => ctx |= CTX_DQ,
                    ScalarStyle::SingleQuoted => ctx |= CTX_SQ,
                    _ => {}
                }
                Node::Scalar(Leaf::new(v, Some(extent), ctx))
            }
        };
        self.add_node(node, span.start, anchor)
    }

    fn start_collection(
        &mut self,
        map: bool,
        anchor: usize,
        span: Range<usize>,
    ) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(ParseError::limit_at(
                self.src.as_bytes(),
                span.start,
                limits::too_deep_message(),
            ));
        }
        let b = self.src.as_bytes();
        let (content, _) = self.skip_props(span.start, b.len().max(span.start));
        let bracket = matches!(b.get(content), Some(b'{' | b'['));
        let flow = bracket || self.stack.last().is_some_and(|f| f.flow);
        let col = self.col(content.min(b.len()));
        self.gap(span.start, if flow { None } else { Some(col) });
        let parent_flow = self.stack.last().is_some_and(|f| f.flow);
        if !parent_flow {
            self.check_indent(span.start)?;
        }
        if content > span.start {
            self.check_props(span.start)?;
        }
        if bracket {
            self.pos = self.pos.max(content + 1);
        } else if !flow {
            self.pos = self
                .pos
                .max(self.skip_props(span.start, span.end.max(span.start)).0);
        }
        if anchor != 0 {
            self.unsupported("anchors")?;
        }
        if self.want_extras && anchor != 0 {
            let name = anchor_name(self.src, span.start);
            let path = self.index_path();
            self.extras.anchors.push((name, span.start, path));
        }
        let mut frame = Frame {
            kind: if map {
                Kind::Map {
                    entries: Vec::new(),
                    key: None,
                    seen: None,
                }
            } else {
                Kind::Seq(Vec::new())
            },
            flow,
            col,
            after_child: Vec::new(),
            anchor,
            start: content,
        };
        if !flow {
            let heads = std::mem::take(&mut self.pending_head);
            match &mut frame.kind {
                Kind::Map { entries, .. } => entries.extend(heads.into_iter().map(Entry::Comment)),
                Kind::Seq(items) => items.extend(heads.into_iter().map(Node::Comment)),
            }
        }
        self.stack.push(frame);
        Ok(())
    }

    fn end_collection(&mut self, span: Range<usize>) -> Result<(), ParseError> {
        let flow = self.stack.last().is_some_and(|f| f.flow);
        self.gap(span.start, None);
        if flow && span.end > span.start {
            // saphyr's span of `]`/`}` may run over a following comment.
            self.pos = self.pos.max(span.start + 1);
            self.tok_end = span.start + 1;
        }
        let Some(mut frame) = self.stack.pop() else {
            return Err(self.err(span.start, "unbalanced collection"));
        };
        let after = std::mem::take(&mut frame.after_child);
        let node = match frame.kind {
            Kind::Map {
                mut entries, key, ..
            } => {
                if key.is_some() {
                    return Err(self.err(span.start, "mapping key without value"));
                }
                entries.extend(after.into_iter().map(Entry::Comment));
                // Capacity left over from growing is a large part of a big file's tree.
                entries.shrink_to_fit();
                Node::Map(entries)
            }
            Kind::Seq(mut items) => {
                items.extend(after.into_iter().map(Node::Comment));
                items.shrink_to_fit();
                Node::Seq(items)
            }
        };
        if self.want_extras {
            let path = self.index_path();
            if frame.flow {
                self.extras
                    .flows
                    .push((frame.start..self.tok_end, path.clone()));
            }
            self.extras.collections.push(Collection {
                path,
                start: frame.start,
                end: self.tok_end,
                flow: frame.flow,
                col: frame.col,
            });
        }
        self.add_node(node, frame.start, frame.anchor)
    }

    fn alias(&mut self, id: usize, span: Range<usize>) -> Result<(), ParseError> {
        self.unsupported("aliases")?;
        self.gap(span.start, None);
        self.pos = self.pos.max(span.end);
        self.tok_end = span.end;
        let (weight, depth) = match self.anchors.get(&id) {
            Some((_, w, d)) => (*w, *d),
            None => return Err(self.err(span.start, "unknown anchor")),
        };
        if self.stack.len() + depth > MAX_DEPTH {
            return Err(ParseError::limit_at(
                self.src.as_bytes(),
                span.start,
                limits::too_deep_message(),
            ));
        }
        self.charge(span.start, weight)?;
        let target = self.anchors[&id].0.clone();
        let name = self.src[span.clone()].trim_start_matches('*').to_string();
        if matches!(
            self.stack.last(),
            Some(Frame {
                kind: Kind::Map { key: None, .. },
                ..
            })
        ) {
            // An alias used as a key.
            let node = target;
            return self.add_node(node, span.start, 0);
        }
        let ctx = self.leaf_ctx(span.start, false, false);
        let node = Node::Alias(Alias {
            name,
            span,
            target: Box::new(target),
            ctx,
        });
        self.add_node(node, 0, 0)
    }
}

/// The name of the anchor (`&name`) among the properties at `at`.
fn anchor_name(src: &str, at: usize) -> String {
    let b = src.as_bytes();
    let mut i = at;
    while i < b.len() && (b[i] == b'&' || b[i] == b'!') {
        let s = i;
        while i < b.len() && !ends_prop(b[i]) {
            i += 1;
        }
        if b[s] == b'&' {
            return src[s + 1..i].to_string();
        }
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
    }
    String::new()
}

/// A copy of a node for an alias: spans removed, nested aliases resolved.
pub fn strip(node: &Node) -> Node {
    match node {
        Node::Map(entries) => Node::Map(
            entries
                .iter()
                .filter_map(|e| match e {
                    Entry::Pair(k, v) => Some(Entry::Pair(k.clone(), strip(v))),
                    Entry::Comment(_) => None,
                })
                .collect(),
        ),
        Node::Seq(items) => Node::Seq(
            items
                .iter()
                .filter(|n| !matches!(n, Node::Comment(_)))
                .map(strip)
                .collect(),
        ),
        Node::Scalar(l) => {
            let mut l = l.clone();
            l.span = None;
            l.ctx = 0;
            Node::Scalar(l)
        }
        Node::Alias(a) => strip(&a.target),
        n => n.clone(),
    }
}

fn span_bytes(off: &mut Offsets, span: &Span) -> Range<usize> {
    let s = off.byte(span.start.index());
    let e = off.byte(span.end.index());
    s..e.max(s)
}

/// Parses a YAML stream into a document.
///
/// yaml.v3 (and so sops) accepts a multi-line flow collection whose closing bracket starts a
/// line at (or left of) its key's indentation; saphyr rejects it when the last item is quoted —
/// as every item of an encrypted flow collection is. When the first parse fails, it is retried
/// on a same-length copy where each such bracket is moved up behind the previous line's last
/// character (`…,\n]` → `…,]\n`): every offset outside those few bytes is unchanged, and the
/// retry is only accepted when no value or comment touches a moved byte.
pub fn parse(src: Vec<u8>, want_extras: bool) -> Result<(Document, Extras), ParseError> {
    match parse_exact(src.clone(), want_extras) {
        Ok(r) => Ok(r),
        // Past a limit: no second reading of the same input.
        Err(first) if first.limit => Err(first),
        Err(first) => {
            if let Some((lifted, moved)) = lift_flow_closers(&src)
                && let Ok((mut doc, extras)) = parse_exact(lifted, want_extras)
                && !touches(&doc.docs, &moved)
            {
                doc.src = src;
                return Ok((doc, extras));
            }
            reindented(&src, want_extras).ok_or(first)
        }
    }
}

/// The byte offset of the scanner error of `text` when it is a quoted scalar whose continuation
/// lines are indented less than the block it stands in.
fn quoted_indent_error(text: &str) -> Option<usize> {
    let mut parser = Parser::new_from_str(text);
    while let Some(ev) = parser.next_event() {
        if let Err(e) = ev {
            if e.info() != "invalid indentation in quoted scalar" {
                return None;
            }
            let ci = e.marker().index();
            return text.char_indices().nth(ci).map(|(b, _)| b);
        }
    }
    None
}

/// yaml.v3 (and so sops, and the files Go programs write, e.g. Kubernetes CRDs) accepts a quoted
/// scalar whose continuation lines are indented less than the block it stands in; saphyr does
/// not. The leading blanks of a quoted scalar's continuation lines are not part of its value, so
/// such a file is parsed from a copy where those lines are indented up to the opening quote's
/// column, and every position is mapped back to the original.
fn reindented(src: &[u8], want_extras: bool) -> Option<(Document, Extras)> {
    let mut text = std::str::from_utf8(src).ok()?.to_string();
    // Insertions into the copy: (offset in the copy, bytes inserted), in order.
    let mut inserted: Vec<(usize, usize)> = Vec::new();
    for _ in 0..10_000 {
        let at = quoted_indent_error(&text)?;
        let b = text.as_bytes();
        let q = b[at];
        let line_start = b[..at]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        let col = text[line_start..at].chars().count() + 1;
        // The continuation line starts of the scalar, with their indentation.
        let mut fixes = Vec::new();
        let mut i = at + 1;
        while i < b.len() {
            match b[i] {
                b'\\' if q == b'"' => i += 1,
                b'\'' if q == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 1,
                c if c == q => break,
                b'\n' => {
                    let indent = b[i + 1..].iter().take_while(|&&c| c == b' ').count();
                    let next = b.get(i + 1 + indent);
                    if indent < col && !matches!(next, Some(b'\n' | b'\r') | None) {
                        fixes.push((i + 1, col - indent));
                    }
                }
                _ => {}
            }
            i += 1;
        }
        if fixes.is_empty() {
            return None;
        }
        for &(pos, n) in fixes.iter().rev() {
            text.insert_str(pos, &" ".repeat(n));
        }
        // Record the insertions in the copy's coordinates, keeping the list ordered.
        let mut shift = 0;
        let mut added = Vec::new();
        for (pos, n) in fixes {
            added.push((pos + shift, n));
            shift += n;
        }
        for e in inserted.iter_mut() {
            let before: usize = added
                .iter()
                .filter(|(p, _)| *p <= e.0)
                .map(|(_, n)| n)
                .sum();
            e.0 += before;
        }
        inserted.extend(added);
        inserted.sort_unstable();
        if parse_exact(text.clone().into_bytes(), false).is_ok() {
            break;
        }
    }
    let (mut doc, mut extras) = parse_exact(text.into_bytes(), want_extras).ok()?;
    // Copy offset → original offset.
    let back = |p: usize| {
        let before: usize = inserted
            .iter()
            .take_while(|(at, _)| *at < p)
            .map(|(at, n)| (*n).min(p - at))
            .sum();
        p - before
    };
    let map = |r: &mut Range<usize>| *r = back(r.start)..back(r.end);
    for d in &mut doc.docs {
        crate::format::visit_spans_mut(d, &mut |r| map(r));
    }
    doc.metadata_spans.iter_mut().for_each(map);
    doc.metadata_at = back(doc.metadata_at);
    extras.flows.iter_mut().for_each(|(r, _)| map(r));
    extras
        .anchors
        .iter_mut()
        .for_each(|(_, at, _)| *at = back(*at));
    doc.src = src.to_vec();
    Some((doc, extras))
}

/// A copy of `src` where every line that starts (after blanks) with `]` or `}` has that bracket
/// moved in front of the preceding line break, and the byte ranges that changed. None when there
/// is no such line, or when a preceding line could end in a comment.
fn lift_flow_closers(src: &[u8]) -> Option<(Vec<u8>, Vec<Range<usize>>)> {
    let mut out = src.to_vec();
    let mut moved = Vec::new();
    let mut line_start = 0;
    for (i, &c) in src.iter().enumerate() {
        if c != b'\n' {
            continue;
        }
        let next = i + 1;
        let indent = src[next..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let bracket = next + indent;
        if matches!(src.get(bracket), Some(b']' | b'}')) {
            let prev = &src[line_start..i];
            if prev.contains(&b'#') {
                return None;
            }
            // Start at the line break (`\r\n` included).
            let from = if i > 0 && src[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            out[from] = src[bracket];
            out[from + 1..=bracket].copy_from_slice(&src[from..bracket]);
            moved.push(from..bracket + 1);
        }
        line_start = next;
    }
    (!moved.is_empty()).then_some((out, moved))
}

/// Whether a leaf (value or comment) span overlaps one of `ranges`.
fn touches(docs: &[Node], ranges: &[Range<usize>]) -> bool {
    fn leaf(l: &crate::pipeline::tree::Leaf, ranges: &[Range<usize>]) -> bool {
        l.span
            .as_ref()
            .is_some_and(|s| ranges.iter().any(|r| s.start < r.end && r.start < s.end))
    }
    fn node(n: &Node, ranges: &[Range<usize>]) -> bool {
        match n {
            Node::Map(entries) => entries.iter().any(|e| match e {
                Entry::Pair(_, v) => node(v, ranges),
                Entry::Comment(c) => leaf(c, ranges),
            }),
            Node::Seq(items) => items.iter().any(|i| node(i, ranges)),
            Node::Scalar(l) | Node::Comment(l) => leaf(l, ranges),
            Node::Alias(a) => ranges
                .iter()
                .any(|r| a.span.start < r.end && r.start < a.span.end),
            Node::Null => false,
        }
    }
    docs.iter().any(|d| node(d, ranges))
}

/// What a parse produced, before it becomes a [`Document`].
struct Built {
    docs: Vec<Node>,
    metadata: Option<serde_json::Value>,
    metadata_spans: Vec<Range<usize>>,
    metadata_at: usize,
    extras: Extras,
}

fn parse_exact(src: Vec<u8>, want_extras: bool) -> Result<(Document, Extras), ParseError> {
    let text = utf8(&src)?;
    let built = build(text, want_extras, None).0?;
    let mut doc = Document::new(Vec::new(), built.docs);
    doc.metadata = built.metadata;
    doc.metadata_spans = built.metadata_spans;
    doc.metadata_at = built.metadata_at;
    doc.src = src;
    Ok((doc, built.extras))
}

/// Block collections nested on one line (`- - - …`, `? ? …`) past the depth limit, found
/// before saphyr reads them: its scanner holds every token of such a line before the first
/// collection event, which for a million levels took 300 MB and a second (bench/hostile.sh).
/// Each `-` or `?` indicator of the run that starts a line opens one more collection, so a run
/// longer than the limit is always too deep.
fn compact_nesting(src: &[u8]) -> Result<(), ParseError> {
    let mut start = 0;
    while start < src.len() {
        let end = memchr::memchr(b'\n', &src[start..]).map_or(src.len(), |p| start + p);
        let line = &src[start..end];
        let mut i = line.iter().take_while(|&&b| b == b' ').count();
        let mut depth = 0;
        while i < line.len()
            && matches!(line[i], b'-' | b'?' | b':')
            && line
                .get(i + 1)
                .is_none_or(|&c| matches!(c, b' ' | b'\t' | b'\r'))
        {
            if line[i] != b':' {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(ParseError::limit_at(
                        src,
                        start + i,
                        limits::too_deep_message(),
                    ));
                }
            }
            i += 1;
            while i < line.len() && matches!(line[i], b' ' | b'\t') {
                i += 1;
            }
        }
        start = end + 1;
    }
    Ok(())
}

fn utf8(src: &[u8]) -> Result<&str, ParseError> {
    let text = std::str::from_utf8(src)
        .map_err(|e| ParseError::at(src, e.valid_up_to(), "file is not valid UTF-8"))?;
    // YAML reads a lone CR as a line break; veil's spans, comments and columns count lines by
    // LF (found by fuzzing: a comment ended by a lone CR swallowed the key after it).
    if let Some(at) = memchr::memchr_iter(b'\r', src).find(|&i| src.get(i + 1) != Some(&b'\n')) {
        return Err(ParseError::at(
            src,
            at,
            "a carriage return that does not end a CRLF line break (old Mac line endings are not supported)",
        ));
    }
    compact_nesting(src)?;
    // YAML allows printable characters only (yaml.v3: "control characters are not allowed");
    // saphyr lets some through (found by fuzzing).
    let control = src.iter().enumerate().find(|&(i, &b)| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || b == 0x7f
            || (b == 0xc2
                && src
                    .get(i + 1)
                    .is_some_and(|&n| (0x80..=0x9f).contains(&n) && n != 0x85))
    });
    if let Some((at, _)) = control {
        return Err(ParseError::at(
            src,
            at,
            "a control character (YAML allows printable characters only)",
        ));
    }
    Ok(text)
}

/// Parses a YAML file in one pass without holding its whole tree: `sink` receives the
/// document in parts, in document order, each part a tree from the root whose containers hold
/// only the entries not handed over before (so the keys leading to a value are always there),
/// about every `every` scalars. A `sops` entry is an error for a plaintext file and the
/// metadata of an `encrypted` one. Inputs that need the whole tree stop the parse with
/// [`PartsError::Unsupported`].
pub fn parse_parts(
    src: &[u8],
    every: usize,
    encrypted: bool,
    sink: &mut dyn FnMut(Node) -> Result<(), String>,
) -> Result<PartsEnd, PartsError> {
    let unsupported = |e: ParseError| PartsError::Unsupported(e.to_string());
    let text = utf8(src).map_err(unsupported)?;
    let parts = Parts {
        every: every.max(1),
        encrypted,
        pending: 0,
        sink,
        unsupported: None,
        failed: None,
    };
    let (result, parts) = build(text, false, Some(parts));
    let (failed, stopped) = parts.map(|p| (p.failed, p.unsupported)).unwrap_or_default();
    if let Some(e) = failed {
        return Err(PartsError::Sink(e));
    }
    if let Some(why) = stopped {
        return Err(PartsError::Unsupported(why.to_string()));
    }
    let built = result.map_err(unsupported)?;
    let [last] = <[Node; 1]>::try_from(built.docs)
        .map_err(|_| PartsError::Unsupported("several documents".into()))?;
    Ok(PartsEnd {
        last,
        metadata_at: built.metadata_at,
        metadata: built.metadata,
        metadata_spans: built.metadata_spans,
    })
}

/// The metadata of an encrypted single-document YAML file, read without parsing the rest: the
/// `sops` entry is the block that starts at the last line `sops:` at the left margin. The
/// caller checks it against the metadata the full parse finds.
pub fn peek_metadata(src: &[u8]) -> Option<serde_json::Value> {
    let starts_entry = |i: usize| {
        src[i..].starts_with(b"sops:")
            && matches!(src.get(i + 5), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
    };
    let start = memchr::memmem::rfind_iter(src, b"\nsops:")
        .map(|i| i + 1)
        .find(|&i| starts_entry(i))
        .or_else(|| starts_entry(0).then_some(0))?;
    let (doc, _) = parse(src[start..].to_vec(), false).ok()?;
    if doc.docs.len() != 1 {
        return None;
    }
    doc.metadata
}

/// Checks the `%YAML` directives between the end of the previous document (`from`) and the
/// `---` of the next (`to`): only YAML 1.1 and 1.2 are read (sops reads 1.1). saphyr rejects a
/// second `%YAML` of one document itself.
fn check_directives(text: &str, from: usize, to: usize) -> Result<(), ParseError> {
    let mut at = from;
    for line in text[from.min(to)..to].split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("%YAML")
            && rest.starts_with([' ', '\t'])
        {
            let version = rest.split(['#']).next().unwrap_or_default().trim();
            if !matches!(version, "1.1" | "1.2") {
                let shown: String = version.chars().take(16).collect();
                return Err(ParseError::at(
                    text.as_bytes(),
                    at,
                    format!("unsupported YAML version {shown:?} (veil reads YAML 1.1 and 1.2)"),
                ));
            }
        }
        at += line.len();
    }
    Ok(())
}

/// Builds the tree of `text` (in streaming mode when `parts` is given, which is handed back).
fn build<'s>(
    text: &str,
    want_extras: bool,
    parts: Option<Parts<'s>>,
) -> (Result<Built, ParseError>, Option<Parts<'s>>) {
    let mut b = Builder {
        src: text,
        off: Offsets {
            src: text,
            ascii: text.is_ascii(),
            ci: 0,
            bi: 0,
        },
        pos: 0,
        tok_end: 0,
        stack: Vec::new(),
        pending_head: Vec::new(),
        docs: Vec::new(),
        anchors: HashMap::new(),
        alias_spent: 0,
        alias_budget: limits::alias_budget(text.len()),
        extras: Extras::default(),
        want_extras,
        doc_index: 0,
        metadata: None,
        metadata_spans: Vec::new(),
        metadata_at: None,
        sops_key_seen: false,
        parts,
    };
    let result = run(&mut b, text);
    (result, b.parts.take())
}

fn run(b: &mut Builder<'_, '_>, text: &str) -> Result<Built, ParseError> {
    let mut parser = Parser::new_from_str(text);
    let mut doc_started_at = 0usize;
    while let Some(ev) = parser.next_event() {
        let (ev, span) = ev.map_err(|e| {
            let at = b.off.byte(e.marker().index());
            if e.info() == "recursion limit exceeded" {
                // saphyr's own bound on flow collections (255 levels).
                return ParseError::limit_at(text.as_bytes(), at, limits::too_deep_message());
            }
            ParseError::at(text.as_bytes(), at, format!("invalid YAML: {}", e.info()))
        })?;
        let range = span_bytes(&mut b.off, &span);
        match ev {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => {
                b.gap(text.len(), None);
            }
            Event::DocumentStart(explicit) => {
                if b.doc_index > 0 {
                    b.unsupported("several documents")?;
                }
                doc_started_at = b.docs.len();
                b.sops_key_seen = false;
                if explicit {
                    check_directives(text, b.pos, range.start)?;
                    b.gap(range.start, None);
                    b.pos = b.pos.max(range.end);
                }
                b.anchors.clear();
            }
            Event::DocumentEnd => {
                if b.docs.len() == doc_started_at {
                    let heads = b.pending_head.drain(..).map(Entry::Comment).collect();
                    b.docs.push(Node::Map(heads));
                }
                if b.doc_index == 0 && b.metadata_at.is_none() {
                    b.metadata_at = Some(if range.end > range.start {
                        b.line_start(range.start)
                    } else {
                        text.len()
                    });
                }
                b.pos = b.pos.max(range.end);
                b.doc_index += 1;
            }
            Event::Scalar(value, style, anchor, tag) => {
                b.scalar(&value, style, anchor, tag.as_deref(), range)?;
            }
            Event::Alias(id) => b.alias(id, range)?,
            Event::SequenceStart(anchor, _) => b.start_collection(false, anchor, range)?,
            Event::MappingStart(anchor, _) => b.start_collection(true, anchor, range)?,
            Event::SequenceEnd | Event::MappingEnd => b.end_collection(range)?,
        }
        if b.parts.as_ref().is_some_and(|p| p.pending >= p.every) {
            b.hand_over()?;
        }
    }
    if b.docs.is_empty() {
        b.docs.push(Node::Map(Vec::new()));
    }
    if let Some(Node::Map(entries)) = b.docs.last_mut() {
        entries.extend(b.pending_head.drain(..).map(Entry::Comment));
    }
    Ok(Built {
        docs: std::mem::take(&mut b.docs),
        metadata: b.metadata.take(),
        metadata_spans: std::mem::take(&mut b.metadata_spans),
        metadata_at: b.metadata_at.unwrap_or(text.len()),
        extras: std::mem::take(&mut b.extras),
    })
}
