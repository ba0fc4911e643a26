//! Test support: checks a store's streaming parse ([`Store::parse_parts`]) against its whole-file
//! parse.

use super::{PartsError, Store};
use crate::pipeline::tree::{Entry, Leaf, Node};

/// The leaves of a tree in walk order: path, kind, type, value, span and rendering context.
pub fn walk_order(node: &Node, path: &str, out: &mut Vec<String>) {
    let leaf = |kind: &str, l: &Leaf, out: &mut Vec<String>| {
        out.push(format!(
            "{path}|{kind}|{}|{}|{:?}|{}",
            l.value.type_name(),
            String::from_utf8_lossy(&l.value.canonical_bytes()),
            l.span,
            l.ctx
        ))
    };
    match node {
        Node::Map(entries) => {
            for e in entries {
                match e {
                    Entry::Pair(k, v) => walk_order(v, &format!("{path}{k}:"), out),
                    Entry::Comment(c) => leaf("comment", c, out),
                }
            }
        }
        Node::Seq(items) => items.iter().for_each(|i| walk_order(i, path, out)),
        Node::Scalar(l) => leaf("value", l, out),
        Node::Comment(c) => leaf("seq-comment", c, out),
        Node::Null => out.push(format!("{path}|null")),
        Node::Alias(_) => out.push(format!("{path}|alias")),
    }
}

/// Parses `src` in parts of 1, 2, 3, 7 and 1000 values (for a store that cuts parts its own way,
/// `sized` is false) and checks that the parts carry exactly
/// the leaves of the whole tree, in order, with the same metadata facts; for an `encrypted`
/// single-document file, that [`Store::peek_metadata`] finds the same metadata. Returns how
/// many of the five parses streamed (0 when the store refused the input: the caller decides
/// whether that was right) and the reasons given for refusing.
pub fn check(
    store: &dyn Store,
    src: &[u8],
    encrypted: bool,
    sized: bool,
    name: &str,
) -> (usize, Vec<String>) {
    let whole = store
        .parse(src.to_vec())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut want = Vec::new();
    whole.docs.iter().for_each(|d| walk_order(d, "", &mut want));
    let mut streamed = 0;
    let mut refused = Vec::new();
    for every in [1, 2, 3, 7, 1000] {
        let mut got = Vec::new();
        let mut parts = 0;
        let result = store.parse_parts(src, every, encrypted, &mut |part| {
            parts += 1;
            walk_order(&part, "", &mut got);
            Ok(())
        });
        match result {
            Ok(end) => {
                walk_order(&end.last, "", &mut got);
                assert_eq!(got, want, "{name}, parts of {every}");
                assert_eq!(end.metadata_at, whole.metadata_at, "{name}");
                assert_eq!(end.metadata, whole.metadata, "{name}");
                assert_eq!(end.metadata_spans, whole.metadata_spans, "{name}");
                if sized && every == 1 && want.len() > 3 {
                    assert!(parts > 1, "{name}: not split into parts");
                }
                streamed += 1;
            }
            Err(PartsError::Unsupported(why)) => refused.push(why),
            Err(e) => panic!("{name}: {e:?}"),
        }
    }
    if encrypted && whole.docs.len() == 1 {
        assert_eq!(store.peek_metadata(src), whole.metadata, "{name}");
    }
    (streamed, refused)
}
