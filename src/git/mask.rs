//! CI log masking (`veil ci mask`): the GitHub Actions `::add-mask::` workflow commands that
//! make the runner replace the secret values of encrypted files with `***` in job logs.
//!
//! The runner reads a command line as `::add-mask::DATA` and un-escapes DATA (`%0D` → CR,
//! `%0A` → LF, `%25` → `%`); it masks DATA wherever it appears in a later log line, and warns
//! about whitespace-only data. Log lines are masked one at a time, so a multi-line value is
//! registered line by line as well as whole. A value is registered trimmed of surrounding
//! blanks: a mask matches any text that contains it, so the trimmed form covers every way the
//! value is printed.

use std::collections::HashSet;

use zeroize::Zeroizing;

use crate::crypto::cipher;
use crate::error::{Code, Failure, Result};
use crate::format::Kind;
use crate::keys::groups::KeySource;
use crate::pipeline::tree::{Entry, Node, Scalar};
use crate::pipeline::whole;

/// The data of a workflow command, escaped as the runner un-escapes it.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The text a program would print for a value (as `veil exec-env` puts it in the environment);
/// None for values that are not secrets worth masking (booleans, empty strings).
fn printed(s: &Scalar) -> Option<String> {
    let text = match s {
        Scalar::Str(s) | Scalar::Time(s) => s.clone(),
        Scalar::Bool(_) => return None,
        Scalar::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => String::from_utf8_lossy(&other.canonical_bytes()).into_owned(),
    };
    (!text.trim().is_empty()).then_some(text)
}

/// Walks the encrypted tree and its decryption side by side, collecting the plaintext of every
/// value that is encrypted in the file (values left in clear are not secrets).
fn collect(encrypted: &Node, decrypted: &Node, out: &mut Vec<Zeroizing<String>>) {
    match (encrypted, decrypted) {
        (Node::Map(a), Node::Map(b)) => {
            for (x, y) in a.iter().zip(b) {
                if let (Entry::Pair(_, x), Entry::Pair(_, y)) = (x, y) {
                    collect(x, y, out);
                }
            }
        }
        (Node::Seq(a), Node::Seq(b)) => {
            for (x, y) in a.iter().zip(b) {
                collect(x, y, out);
            }
        }
        (Node::Scalar(e), Node::Scalar(d)) => {
            if e.value.as_str().is_some_and(cipher::is_encrypted)
                && let Some(text) = printed(&d.value)
            {
                out.push(Zeroizing::new(text));
            }
        }
        (Node::Alias(a), Node::Alias(b)) => collect(&a.target, &b.target, out),
        _ => {}
    }
}

/// The decrypted values of the encrypted values of a file, in file order. The MAC is verified.
pub fn secret_values(
    kind: Kind,
    src: Vec<u8>,
    keys: &dyn KeySource,
) -> Result<Vec<Zeroizing<String>>> {
    let store = kind.reading_store();
    let doc = store
        .parse(src)
        .map_err(|e| Failure::new(Code::CouldNotReadInput, e.to_string()))?;
    let meta = whole::metadata_of(&doc)?;
    meta.validate_for_decryption()
        .map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
    let key = whole::data_key(&meta, keys)?;
    let encrypted = doc.docs.clone();
    let opened = whole::open_with_key(store, doc, meta, key, false, false)?;
    let mut out = Vec::new();
    for (e, d) in encrypted.iter().zip(&opened.doc.docs) {
        collect(e, d, &mut out);
    }
    Ok(out)
}

/// The `::add-mask::` lines for `values` (each once), and how many values were left out for
/// being shorter than `min_len` characters. A multi-line value gives one line for the whole
/// value and one for each of its lines (lines shorter than `min_len` are left out: masking `}`
/// or `-----END…` would blank every log line that holds one).
pub fn github_mask_lines(
    values: &[Zeroizing<String>],
    min_len: usize,
) -> (Vec<Zeroizing<String>>, usize) {
    // Hashes, not copies of the values.
    let mut seen: HashSet<[u8; 32]> = HashSet::new();
    let mut lines = Vec::new();
    let mut short = 0;
    let mut add = |text: &str, lines: &mut Vec<Zeroizing<String>>| {
        let t = text.trim();
        if t.is_empty() || t.chars().count() < min_len {
            return false;
        }
        use sha2::Digest;
        if seen.insert(sha2::Sha256::digest(t.as_bytes()).into()) {
            lines.push(Zeroizing::new(format!("::add-mask::{}", escape_data(t))));
        }
        true
    };
    for v in values {
        if !add(v, &mut lines) {
            short += 1;
            continue;
        }
        if v.contains(['\n', '\r']) {
            for part in v.split(['\n', '\r']) {
                add(part, &mut lines);
            }
        }
    }
    (lines, short)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn z(s: &str) -> Zeroizing<String> {
        Zeroizing::new(s.to_string())
    }

    #[test]
    fn escapes_as_the_runner_unescapes() {
        assert_eq!(escape_data("50%\r\n%0A"), "50%25%0D%0A%250A");
    }

    #[test]
    fn multi_line_values_are_masked_whole_and_line_by_line() {
        let (lines, short) = github_mask_lines(
            &[z("  line one\n  line two\r\n}\n"), z("ab"), z("line one")],
            4,
        );
        let lines: Vec<&str> = lines.iter().map(|l| l.as_str()).collect();
        assert_eq!(
            lines,
            vec![
                "::add-mask::line one%0A  line two%0D%0A}",
                "::add-mask::line one",
                "::add-mask::line two",
            ]
        );
        assert_eq!(short, 1);
    }
}
