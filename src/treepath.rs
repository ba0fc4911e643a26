//! Tree paths as sops writes them (spec §12.2): `["somekey"][0]["k2"]`.

use crate::tree::{Entry, Node};

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
