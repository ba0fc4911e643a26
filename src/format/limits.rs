//! Limits on untrusted input (README, "Limits").
//!
//! Every store bounds what a file can make veil build, so that no input — however crafted —
//! exhausts the stack or memory:
//!
//! - **Nesting depth.** A document may nest at most [`MAX_DEPTH`] mappings and sequences
//!   (counting through expanded YAML aliases). The stores check it while they read, before any
//!   tree that deep exists, so every walk over a tree (encryption, MAC, rendering, conversion,
//!   drop) recurses at most that deep.
//! - **YAML aliases.** The copies that anchors and aliases make may not grow past
//!   [`alias_budget`] (an estimate of the memory they take): an "alias bomb" of a few hundred
//!   bytes stops in microseconds instead of expanding to gigabytes.
//!
//! Both are errors of the input (exit 2) that name the line where the limit was passed.

use crate::pipeline::tree::{Entry, Node};

/// The deepest nesting of mappings and sequences a document may have. Real configuration
/// files stay far below it (a Kubernetes manifest nests about 10 levels); sops (Go) stops at
/// 10,000, veil well before any walk could run out of stack.
pub const MAX_DEPTH: usize = 256;

/// The message of a nesting-depth error.
pub fn too_deep_message() -> String {
    format!("nesting deeper than {MAX_DEPTH} levels (veil's limit for mappings and sequences)")
}

/// What one node costs in the alias budget, besides its text: about the memory a tree node
/// takes.
const NODE_COST: usize = 128;

/// Fixed part of the alias budget.
const ALIAS_BASE_BUDGET: usize = 16 << 20;

/// Budget per input byte: a few times what the file's own tree weighs (a YAML node takes at
/// least 2 bytes of text, most take 10 or more).
const ALIAS_BUDGET_PER_BYTE: usize = 32;

/// How much the copies made for YAML anchors and aliases may weigh ([`weight`]) in a file of
/// `input_len` bytes: 16 MiB plus 32 per input byte, so that an alias-heavy but honest file of
/// any size reads, and a small file cannot expand to more than a few tens of MB.
pub fn alias_budget(input_len: usize) -> usize {
    ALIAS_BASE_BUDGET.saturating_add(input_len.saturating_mul(ALIAS_BUDGET_PER_BYTE))
}

/// The message of an alias-budget error.
pub fn excessive_aliasing_message() -> String {
    "excessive aliasing: the anchors and aliases of this file would expand to more than veil's limit"
        .to_string()
}

/// Depth of a tree: 0 for a scalar, 1 for a mapping or sequence of scalars; an alias counts as
/// its target. Iterative, so it is safe on any tree.
pub fn depth(node: &Node) -> usize {
    let mut max = 0;
    let mut stack: Vec<(&Node, usize)> = vec![(node, 0)];
    while let Some((n, d)) = stack.pop() {
        match n {
            Node::Map(entries) => {
                max = max.max(d + 1);
                for e in entries {
                    if let Entry::Pair(_, v) = e {
                        stack.push((v, d + 1));
                    }
                }
            }
            Node::Seq(items) => {
                max = max.max(d + 1);
                stack.extend(items.iter().map(|i| (i, d + 1)));
            }
            Node::Alias(a) => stack.push((&a.target, d)),
            Node::Scalar(_) | Node::Null | Node::Comment(_) => {}
        }
    }
    max
}

/// Estimated memory of a tree: [`NODE_COST`] per node plus the bytes of its keys and text.
/// Iterative, so it is safe on any tree.
pub fn weight(node: &Node) -> usize {
    let mut total = 0usize;
    let mut stack: Vec<&Node> = vec![node];
    while let Some(n) = stack.pop() {
        total = total.saturating_add(NODE_COST);
        match n {
            Node::Map(entries) => {
                for e in entries {
                    match e {
                        Entry::Pair(k, v) => {
                            total = total.saturating_add(k.len());
                            stack.push(v);
                        }
                        Entry::Comment(c) => {
                            total = total.saturating_add(NODE_COST + text_len(&c.value));
                        }
                    }
                }
            }
            Node::Seq(items) => stack.extend(items.iter()),
            Node::Scalar(l) | Node::Comment(l) => total = total.saturating_add(text_len(&l.value)),
            Node::Alias(a) => {
                total = total.saturating_add(a.name.len());
                stack.push(&a.target);
            }
            Node::Null => {}
        }
    }
    total
}

fn text_len(s: &crate::pipeline::tree::Scalar) -> usize {
    use crate::pipeline::tree::Scalar;
    match s {
        Scalar::Str(s) | Scalar::Time(s) => s.len(),
        Scalar::Bytes(b) => b.len(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::tree::{Leaf, Scalar};

    fn nested(levels: usize) -> Node {
        let mut n = Node::Scalar(Leaf::new(Scalar::Str("x".into()), None, 0));
        for i in 0..levels {
            n = if i % 2 == 0 {
                Node::Seq(vec![n])
            } else {
                Node::Map(vec![Entry::Pair("k".into(), n)])
            };
        }
        n
    }

    #[test]
    fn depth_counts_containers() {
        assert_eq!(depth(&nested(0)), 0);
        assert_eq!(depth(&nested(1)), 1);
        assert_eq!(depth(&nested(7)), 7);
        // Measured without recursion.
        let deep = nested(MAX_DEPTH);
        assert_eq!(depth(&deep), MAX_DEPTH);
    }

    #[test]
    fn weight_grows_with_nodes_and_text() {
        let small = weight(&nested(1));
        let big = weight(&Node::Seq(vec![
            Node::Scalar(Leaf::new(Scalar::Str("x".repeat(1000)), None, 0)),
            Node::Null,
        ]));
        assert!((2 * NODE_COST..3 * NODE_COST).contains(&small), "{small}");
        assert!(big >= 3 * NODE_COST + 1000, "{big}");
    }
}
