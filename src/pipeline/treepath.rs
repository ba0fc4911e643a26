//! Tree paths as sops writes them (docs/format.md §12.2): `["somekey"][0]["k2"]`.

use crate::pipeline::tree::{Entry, Node};

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PathError {
    #[error("invalid tree path {0:?}: expected components like [\"key\"] or [0]")]
    Syntax(String),
    #[error("component {0} of the path does not exist in the file")]
    Missing(usize),
}

/// Parses `["a"][0]['b']`: quoted strings (no escapes) or decimal integers in brackets.
pub fn parse(path: &str) -> Result<Vec<Step>, PathError> {
    let bad = || PathError::Syntax(path.to_string());
    let mut steps = Vec::new();
    let mut rest = path.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        rest = rest.strip_prefix('[').ok_or_else(bad)?;
        let (step, after) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let end = rest[1..].find(q).ok_or_else(bad)? + 1;
                (Step::Key(rest[1..end].to_string()), &rest[end + 1..])
            }
            _ => {
                let end = rest.find(']').ok_or_else(bad)?;
                let n = rest[..end].trim().parse().map_err(|_| bad())?;
                (Step::Index(n), &rest[end..])
            }
        };
        rest = after.strip_prefix(']').ok_or_else(bad)?;
        steps.push(step);
    }
    Ok(steps)
}

/// Finds the node at `steps` (comments are not counted as sequence items).
pub fn get<'a>(root: &'a Node, steps: &[Step]) -> Result<&'a Node, PathError> {
    let mut node = root.resolved();
    for (i, step) in steps.iter().enumerate() {
        let next = match (node, step) {
            (Node::Map(entries), Step::Key(k)) => entries.iter().find_map(|e| match e {
                Entry::Pair(key, v) if key == k => Some(v),
                _ => None,
            }),
            (Node::Seq(items), Step::Index(n)) => items
                .iter()
                .filter(|n| !matches!(n, Node::Comment(_)))
                .nth(*n),
            _ => None,
        };
        node = next.ok_or(PathError::Missing(i + 1))?.resolved();
    }
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_components() {
        assert_eq!(
            parse(r#"["a"][0]['b c']"#).unwrap(),
            vec![
                Step::Key("a".into()),
                Step::Index(0),
                Step::Key("b c".into())
            ]
        );
        assert!(parse("a.b").is_err());
        assert!(parse(r#"["a""#).is_err());
        assert!(parse("").is_err());
    }
}

/// What `set` did to the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOutcome {
    /// The value was already there: nothing changed.
    Unchanged,
    /// An existing scalar was replaced in place (its position in the file is kept).
    InPlace,
    /// Entries or items were added or replaced by a different shape.
    Restructured,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EditError {
    #[error("component {0} of the path does not match the file's structure (expected a {1})")]
    Shape(usize, &'static str),
    #[error("component {0} of the path goes through a YAML alias, which cannot be edited")]
    Alias(usize),
    #[error("component {0} of the path does not exist in the file")]
    Missing(usize),
}

/// The node that `steps` lead to from a new, empty container: mappings for keys, sequences for
/// indexes, `value` at the end.
pub(crate) fn build(steps: &[Step], value: Node) -> Node {
    match steps.split_first() {
        None => value,
        Some((Step::Key(k), rest)) => Node::Map(vec![Entry::Pair(k.clone(), build(rest, value))]),
        Some((Step::Index(_), rest)) => Node::Seq(vec![build(rest, value)]),
    }
}

/// Same content, ignoring spans and comments.
pub(crate) fn same(a: &Node, b: &Node) -> bool {
    crate::format::node_to_value(a) == crate::format::node_to_value(b)
}

/// Sets the node at `steps` to `value` (sops semantics, format §12.1: string components create
/// mappings, integer components sequence positions, an index past the end appends).
pub fn set(root: &mut Node, steps: &[Step], value: Node) -> Result<SetOutcome, EditError> {
    let mut node = root;
    for (i, step) in steps.iter().enumerate() {
        let last = i + 1 == steps.len();
        match (node, step) {
            (Node::Map(entries), Step::Key(k)) => {
                let pos = entries
                    .iter()
                    .position(|e| matches!(e, Entry::Pair(key, _) if key == k));
                match pos {
                    Some(p) => {
                        let Entry::Pair(_, child) = &mut entries[p] else {
                            unreachable!()
                        };
                        node = child;
                    }
                    None => {
                        entries.push(Entry::Pair(k.clone(), build(&steps[i + 1..], value)));
                        return Ok(SetOutcome::Restructured);
                    }
                }
            }
            (Node::Seq(items), Step::Index(n)) => {
                let positions: Vec<usize> = items
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| !matches!(n, Node::Comment(_)))
                    .map(|(i, _)| i)
                    .collect();
                match positions.get(*n) {
                    Some(&p) => node = &mut items[p],
                    None => {
                        items.push(build(&steps[i + 1..], value));
                        return Ok(SetOutcome::Restructured);
                    }
                }
            }
            (Node::Alias(_), _) => return Err(EditError::Alias(i + 1)),
            (_, Step::Key(_)) => return Err(EditError::Shape(i + 1, "mapping")),
            (_, Step::Index(_)) => return Err(EditError::Shape(i + 1, "sequence")),
        }
        if last {
            break;
        }
    }
    if same(node, &value) {
        return Ok(SetOutcome::Unchanged);
    }
    match (node, value) {
        (Node::Scalar(leaf), Node::Scalar(new)) => {
            leaf.set(new.value, None);
            Ok(SetOutcome::InPlace)
        }
        (slot, value) => {
            *slot = value;
            Ok(SetOutcome::Restructured)
        }
    }
}

/// Removes the entry or item at `steps`.
pub fn unset(root: &mut Node, steps: &[Step]) -> Result<(), EditError> {
    let Some((last, parents)) = steps.split_last() else {
        return Err(EditError::Missing(0));
    };
    let mut node = root;
    for (i, step) in parents.iter().enumerate() {
        node = match (node, step) {
            (Node::Map(entries), Step::Key(k)) => entries
                .iter_mut()
                .find_map(|e| match e {
                    Entry::Pair(key, v) if key == k => Some(v),
                    _ => None,
                })
                .ok_or(EditError::Missing(i + 1))?,
            (Node::Seq(items), Step::Index(n)) => items
                .iter_mut()
                .filter(|n| !matches!(n, Node::Comment(_)))
                .nth(*n)
                .ok_or(EditError::Missing(i + 1))?,
            (Node::Alias(_), _) => return Err(EditError::Alias(i + 1)),
            _ => return Err(EditError::Missing(i + 1)),
        };
    }
    let n = steps.len();
    match (node, last) {
        (Node::Map(entries), Step::Key(k)) => {
            let p = entries
                .iter()
                .position(|e| matches!(e, Entry::Pair(key, _) if key == k))
                .ok_or(EditError::Missing(n))?;
            entries.remove(p);
        }
        (Node::Seq(items), Step::Index(i)) => {
            let p = items
                .iter()
                .enumerate()
                .filter(|(_, n)| !matches!(n, Node::Comment(_)))
                .nth(*i)
                .map(|(p, _)| p)
                .ok_or(EditError::Missing(n))?;
            items.remove(p);
        }
        _ => return Err(EditError::Missing(n)),
    }
    Ok(())
}

#[cfg(test)]
mod edit_tests {
    use super::*;
    use crate::format::{node_to_value, value_to_node};
    use serde_json::json;

    #[test]
    fn set_creates_replaces_and_appends() {
        let mut root = value_to_node(&json!({"a": {"b": 1}, "l": [1, 2]}));
        assert_eq!(
            set(
                &mut root,
                &parse(r#"["a"]["b"]"#).unwrap(),
                value_to_node(&json!(2))
            )
            .unwrap(),
            SetOutcome::InPlace
        );
        assert_eq!(
            set(
                &mut root,
                &parse(r#"["a"]["b"]"#).unwrap(),
                value_to_node(&json!(2))
            )
            .unwrap(),
            SetOutcome::Unchanged
        );
        assert_eq!(
            set(
                &mut root,
                &parse(r#"["x"]["y"]"#).unwrap(),
                value_to_node(&json!("v"))
            )
            .unwrap(),
            SetOutcome::Restructured
        );
        assert_eq!(
            set(
                &mut root,
                &parse(r#"["l"][5]"#).unwrap(),
                value_to_node(&json!(3))
            )
            .unwrap(),
            SetOutcome::Restructured
        );
        assert_eq!(
            node_to_value(&root),
            json!({"a": {"b": 2}, "l": [1, 2, 3], "x": {"y": "v"}})
        );
        assert!(
            set(
                &mut root,
                &parse(r#"["a"]["b"]["c"]"#).unwrap(),
                value_to_node(&json!(1))
            )
            .is_err()
        );
    }

    #[test]
    fn unset_removes_or_reports_missing() {
        let mut root = value_to_node(&json!({"a": {"b": 1, "c": 2}, "l": [1, 2]}));
        unset(&mut root, &parse(r#"["a"]["b"]"#).unwrap()).unwrap();
        unset(&mut root, &parse(r#"["l"][0]"#).unwrap()).unwrap();
        assert_eq!(node_to_value(&root), json!({"a": {"c": 2}, "l": [2]}));
        assert_eq!(
            unset(&mut root, &parse(r#"["a"]["zz"]"#).unwrap()),
            Err(EditError::Missing(2))
        );
    }
}
