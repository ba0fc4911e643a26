//! Which leaves are encrypted (docs/format.md §5): the suffix, regex and comment-regex rules.

use regex::Regex;

/// The selection rule of a file. sops allows at most one.
#[derive(Clone, Debug)]
pub enum Rule {
    UnencryptedSuffix(String),
    EncryptedSuffix(String),
    UnencryptedRegex(Regex),
    EncryptedRegex(Regex),
    UnencryptedCommentRegex(Regex),
    EncryptedCommentRegex(Regex),
}

/// The metadata and `.sops.yaml` field names that carry the selection rule (format §5).
pub const RULE_FIELDS: [&str; 6] = [
    "unencrypted_suffix",
    "encrypted_suffix",
    "unencrypted_regex",
    "encrypted_regex",
    "unencrypted_comment_regex",
    "encrypted_comment_regex",
];

/// The selection-rule fields that are set, as `(field name, value)`, given the values in the
/// order of [`RULE_FIELDS`].
pub fn set_fields(values: [&Option<String>; 6]) -> Vec<(&'static str, String)> {
    RULE_FIELDS
        .iter()
        .zip(values)
        .filter_map(|(f, v)| {
            v.as_ref()
                .filter(|s| !s.is_empty())
                .map(|v| (*f, v.clone()))
        })
        .collect()
}

/// sops' default: `unencrypted_suffix: _unencrypted`.
pub const DEFAULT_UNENCRYPTED_SUFFIX: &str = "_unencrypted";

impl Default for Rule {
    fn default() -> Rule {
        Rule::UnencryptedSuffix(DEFAULT_UNENCRYPTED_SUFFIX.to_string())
    }
}

impl Rule {
    /// Builds a rule from its metadata / `.sops.yaml` field name.
    pub fn from_field(field: &str, value: &str) -> Result<Rule, regex::Error> {
        Ok(match field {
            "unencrypted_suffix" => Rule::UnencryptedSuffix(value.to_string()),
            "encrypted_suffix" => Rule::EncryptedSuffix(value.to_string()),
            "unencrypted_regex" => Rule::UnencryptedRegex(Regex::new(value)?),
            "encrypted_regex" => Rule::EncryptedRegex(Regex::new(value)?),
            "unencrypted_comment_regex" => Rule::UnencryptedCommentRegex(Regex::new(value)?),
            "encrypted_comment_regex" => Rule::EncryptedCommentRegex(Regex::new(value)?),
            other => {
                return Err(regex::Error::Syntax(format!(
                    "unknown selection rule {other}"
                )));
            }
        })
    }

    /// The metadata field name and value.
    pub fn field(&self) -> (&'static str, String) {
        match self {
            Rule::UnencryptedSuffix(s) => ("unencrypted_suffix", s.clone()),
            Rule::EncryptedSuffix(s) => ("encrypted_suffix", s.clone()),
            Rule::UnencryptedRegex(r) => ("unencrypted_regex", r.as_str().to_string()),
            Rule::EncryptedRegex(r) => ("encrypted_regex", r.as_str().to_string()),
            Rule::UnencryptedCommentRegex(r) => {
                ("unencrypted_comment_regex", r.as_str().to_string())
            }
            Rule::EncryptedCommentRegex(r) => ("encrypted_comment_regex", r.as_str().to_string()),
        }
    }

    /// Decides whether a leaf is encrypted.
    ///
    /// `path` holds the mapping keys from the root to the leaf (for a comment: to its container);
    /// `comments` is the comment stack (§5): for each enclosing container, the comments seen since
    /// its last non-comment entry, *excluding* the leaf itself when it is a comment.
    pub fn encrypts<'a>(&self, path: &[String], comments: impl Fn() -> Vec<&'a str>) -> bool {
        match self {
            Rule::UnencryptedSuffix(s) => !path.iter().any(|k| k.ends_with(s.as_str())),
            Rule::EncryptedSuffix(s) => path.iter().any(|k| k.ends_with(s.as_str())),
            Rule::UnencryptedRegex(r) => !path.iter().any(|k| r.is_match(k)),
            Rule::EncryptedRegex(r) => path.iter().any(|k| r.is_match(k)),
            Rule::UnencryptedCommentRegex(r) => !comments().iter().any(|c| r.is_match(c)),
            Rule::EncryptedCommentRegex(r) => comments().iter().any(|c| r.is_match(c)),
        }
    }

    pub fn uses_comments(&self) -> bool {
        matches!(
            self,
            Rule::UnencryptedCommentRegex(_) | Rule::EncryptedCommentRegex(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn suffix_applies_to_ancestors() {
        let r = Rule::default();
        assert!(!r.encrypts(&p(&["secrets_unencrypted", "a", "b"]), Vec::new));
        assert!(r.encrypts(&p(&["a", "b"]), Vec::new));
    }

    #[test]
    fn regex_is_unanchored_search() {
        let r = Rule::from_field("unencrypted_regex", "^public|_info$").unwrap();
        assert!(!r.encrypts(&p(&["publicity"]), Vec::new));
        assert!(!r.encrypts(&p(&["x", "meta_info"]), Vec::new));
        assert!(r.encrypts(&p(&["secret"]), Vec::new));
    }

    #[test]
    fn comment_rules() {
        let r = Rule::from_field("encrypted_comment_regex", "sops:enc").unwrap();
        assert!(r.encrypts(&p(&["a"]), || vec![" sops:enc"]));
        assert!(!r.encrypts(&p(&["a"]), || vec![" other"]));
    }
}
