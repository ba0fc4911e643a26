//! One-pass reading of JSON files ([`Store::parse_parts`](crate::format::Store::parse_parts)):
//! the tokens of `jsonc-parser`'s scanner (strict options) drive a stack of open containers, and
//! the entries that are complete are handed over in parts. Anything the whole-file parser would
//! reject — or read differently — stops the parse, and the caller parses the file whole (which
//! also reports the error).

use std::ops::Range;

use jsonc_parser::tokens::Token;
use jsonc_parser::{Scanner, ScannerOptions};
use serde_json::Value;

use super::{check_strict, entries_end, insertion_point, next_member_start, number};
use crate::format::{PartsEnd, PartsError, node_to_value};
use crate::pipeline::tree::{Entry, Leaf, Node, Scalar};

/// What an open container waits for next.
#[derive(Clone, Copy, PartialEq)]
enum Next {
    /// A key (or the end, right after `{`).
    KeyOrEnd,
    Key,
    Colon,
    /// A value (or the end, right after `[`).
    ValueOrEnd,
    Value,
    CommaOrEnd,
}

enum Kind {
    Object {
        entries: Vec<Entry>,
        key: Option<String>,
    },
    Array(Vec<Node>),
}

struct Frame {
    kind: Kind,
    next: Next,
    start: usize,
}

/// The `sops` member of the top-level object: where it stands, and whether a member came before.
struct Member {
    start: usize,
    value_end: usize,
    after_another: bool,
    value: Value,
}

fn stop(why: impl Into<String>) -> PartsError {
    PartsError::Unsupported(why.into())
}

/// Parses a JSON file in parts; see [`Store::parse_parts`](crate::format::Store::parse_parts).
pub fn parse_parts(
    src: &[u8],
    every: usize,
    encrypted: bool,
    sink: &mut dyn FnMut(Node) -> Result<(), String>,
) -> Result<PartsEnd, PartsError> {
    let text = std::str::from_utf8(src).map_err(|_| stop("not UTF-8"))?;
    check_strict(src).map_err(|e| stop(e.to_string()))?;
    let options = ScannerOptions {
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let mut scanner = Scanner::new(text, &options);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<(Node, Range<usize>)> = None;
    let mut metadata: Option<Member> = None;
    let mut members = 0usize;
    let mut members_after_metadata = 0usize;
    let mut pending = 0usize;
    let every = every.max(1);
    while let Some(token) = scanner.scan().map_err(|e| stop(e.to_string()))? {
        let span = scanner.token_start()..scanner.token_end();
        if root.is_some() {
            return Err(stop("text after the top-level object"));
        }
        let value = match token {
            Token::OpenBrace | Token::OpenBracket => {
                expect_value(&mut stack)?;
                let kind = if token == Token::OpenBrace {
                    Kind::Object {
                        entries: Vec::new(),
                        key: None,
                    }
                } else if stack.is_empty() {
                    return Err(stop("the top level is not an object"));
                } else {
                    Kind::Array(Vec::new())
                };
                let next = match kind {
                    Kind::Object { .. } => Next::KeyOrEnd,
                    Kind::Array(_) => Next::ValueOrEnd,
                };
                stack.push(Frame {
                    kind,
                    next,
                    start: span.start,
                });
                continue;
            }
            Token::CloseBrace | Token::CloseBracket => {
                let frame = stack.pop().ok_or_else(|| stop("unbalanced"))?;
                let node = match (frame.kind, frame.next, token) {
                    (
                        Kind::Object { entries, .. },
                        Next::KeyOrEnd | Next::CommaOrEnd,
                        Token::CloseBrace,
                    ) => Node::Map(entries),
                    (
                        Kind::Array(items),
                        Next::ValueOrEnd | Next::CommaOrEnd,
                        Token::CloseBracket,
                    ) => Node::Seq(items),
                    _ => return Err(stop("misplaced closing bracket")),
                };
                if stack.is_empty() {
                    root = Some((node, frame.start..span.end));
                    continue;
                }
                node
            }
            Token::Comma => {
                let top = stack.last_mut().ok_or_else(|| stop("misplaced comma"))?;
                top.next = match (&top.kind, top.next) {
                    (Kind::Object { .. }, Next::CommaOrEnd) => Next::Key,
                    (Kind::Array(_), Next::CommaOrEnd) => Next::Value,
                    _ => return Err(stop("misplaced comma")),
                };
                continue;
            }
            Token::Colon => {
                let top = stack.last_mut().ok_or_else(|| stop("misplaced colon"))?;
                if top.next != Next::Colon {
                    return Err(stop("misplaced colon"));
                }
                top.next = Next::Value;
                continue;
            }
            Token::String(s) => {
                let depth = stack.len();
                let top = stack
                    .last_mut()
                    .ok_or_else(|| stop("the top level is not an object"))?;
                if let (Kind::Object { key, .. }, Next::KeyOrEnd | Next::Key) =
                    (&mut top.kind, top.next)
                {
                    if depth == 1 {
                        members += 1;
                        if metadata.is_some() {
                            members_after_metadata += 1;
                        }
                        if s == "sops" {
                            if !encrypted || metadata.is_some() {
                                return Err(stop("metadata"));
                            }
                            metadata = Some(Member {
                                start: span.start,
                                value_end: 0,
                                after_another: members > 1,
                                value: Value::Null,
                            });
                        }
                    }
                    *key = Some(s.into_owned());
                    top.next = Next::Colon;
                    continue;
                }
                expect_value(&mut stack)?;
                pending += 1;
                Node::Scalar(Leaf::new(
                    Scalar::Str(s.into_owned()),
                    Some(span.clone()),
                    0,
                ))
            }
            Token::Number(n) => {
                expect_value(&mut stack)?;
                pending += 1;
                let v = number(n).ok_or_else(|| stop("number out of range"))?;
                Node::Scalar(Leaf::new(v, Some(span.clone()), 0))
            }
            Token::Boolean(b) => {
                expect_value(&mut stack)?;
                pending += 1;
                Node::Scalar(Leaf::new(Scalar::Bool(b), Some(span.clone()), 0))
            }
            Token::Null => {
                expect_value(&mut stack)?;
                Node::Null
            }
            Token::Word(_) | Token::CommentLine(_) | Token::CommentBlock(_) => {
                return Err(stop("not strict JSON"));
            }
        };
        // A complete value: into its container.
        let depth = stack.len();
        let top = stack.last_mut().ok_or_else(|| stop("unbalanced"))?;
        top.next = Next::CommaOrEnd;
        match &mut top.kind {
            Kind::Object { entries, key } => {
                let key = key.take().ok_or_else(|| stop("value without a key"))?;
                match &mut metadata {
                    Some(m) if depth == 1 && key == "sops" => {
                        m.value_end = span.end;
                        m.value = node_to_value(&value);
                    }
                    _ => entries.push(Entry::Pair(key, value)),
                }
            }
            Kind::Array(items) => items.push(value),
        }
        if pending >= every {
            pending = 0;
            hand_over(&mut stack, sink).map_err(PartsError::Sink)?;
        }
    }
    let (last, range) = root.ok_or_else(|| stop("no top-level object"))?;
    let (metadata_at, metadata, metadata_spans) = match metadata {
        Some(m) => {
            let span = if m.after_another {
                entries_end(src, m.start)..m.value_end
            } else if members_after_metadata > 0 {
                m.start..next_member_start(src, m.value_end)
            } else {
                range.start + 1..m.value_end
            };
            (span.start, Some(m.value), vec![span])
        }
        None => (
            insertion_point(src, range.start, range.end),
            None,
            Vec::new(),
        ),
    };
    Ok(PartsEnd {
        last,
        metadata_at,
        metadata,
        metadata_spans,
    })
}

/// Checks that a value may stand here (and, at the top level, that it is the object).
fn expect_value(stack: &mut [Frame]) -> Result<(), PartsError> {
    match stack.last() {
        None => Ok(()),
        Some(f) if matches!(f.next, Next::Value | Next::ValueOrEnd) => Ok(()),
        Some(_) => Err(stop("misplaced value")),
    }
}

/// Hands over the complete entries of the open containers, wrapped in the chain of keys that
/// leads to them. The metadata (`sops` at the top level) is never handed over.
fn hand_over(
    stack: &mut [Frame],
    sink: &mut dyn FnMut(Node) -> Result<(), String>,
) -> Result<(), String> {
    let metadata = matches!(
        stack.first(),
        Some(Frame { kind: Kind::Object { key: Some(k), .. }, .. }) if k == "sops"
    );
    let limit = if metadata { 1 } else { stack.len() };
    let mut part: Option<Node> = None;
    for frame in stack[..limit].iter_mut().rev() {
        let child = part.take();
        part = Some(match &mut frame.kind {
            Kind::Object { entries, key } => {
                let mut taken = std::mem::take(entries);
                if let (Some(c), Some(k)) = (child, key.as_ref()) {
                    taken.push(Entry::Pair(k.clone(), c));
                }
                Node::Map(taken)
            }
            Kind::Array(items) => {
                let mut taken = std::mem::take(items);
                taken.extend(child);
                Node::Seq(taken)
            }
        });
    }
    match part {
        Some(p) => sink(p),
        None => Ok(()),
    }
}

/// The metadata of an encrypted JSON file, read without parsing the rest: the value of the last
/// `"sops"` member whose value is an object. The caller checks it against the metadata the full
/// parse finds.
pub fn peek_metadata(src: &[u8]) -> Option<Value> {
    let skip_ws = |mut i: usize| {
        while i < src.len() && super::is_ws(src[i]) {
            i += 1;
        }
        i
    };
    memchr::memmem::rfind_iter(src, b"\"sops\"").find_map(|at| {
        let colon = skip_ws(at + 6);
        if src.get(colon) != Some(&b':') {
            return None;
        }
        let brace = skip_ws(colon + 1);
        if src.get(brace) != Some(&b'{') {
            return None;
        }
        let mut values = serde_json::Deserializer::from_slice(&src[brace..]).into_iter::<Value>();
        values.next()?.ok()
    })
}
