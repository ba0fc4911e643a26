//! The `.gitattributes` entries that send encrypted files through veil's merge driver and diff
//! textconv, derived from the creation rules of `.sops.yaml`.
//!
//! A rule's `path_regex` is a regular expression searched (unanchored) in the path relative to
//! the directory of `.sops.yaml`; gitattributes patterns are globs. veil translates each regex
//! into globs that match **at least** every path the regex matches: alternatives and optional
//! parts become separate globs, `.*` becomes `*` or `**` by where it stands, character classes
//! become `?` or a bracket. A glob may match a few more paths than the regex: harmless, because
//! the merge driver and the textconv hand files that are not encrypted to git's usual text
//! merge and show them unchanged. When a regex cannot be turned into a handful of globs, the
//! files it matches today are listed one by one instead. Encrypted files that no glob covers
//! (encrypted with `--age` outside any rule, or under a rule without `path_regex`) are listed
//! too. The entries live between two marker lines, so running `veil git setup` again replaces
//! them and leaves the rest of the file alone.

use std::path::Path;

use regex_syntax::hir::{Class, Hir, HirKind, Look};

use crate::config::Config;
use crate::format::Kind;

/// The attributes veil sets on a covered path.
pub const ATTRIBUTES: &str = "merge=veil diff=veil";

/// The first and last line of veil's block in `.gitattributes`.
pub const BEGIN: &str = "# veil: begin (written by `veil git setup` from .sops.yaml; run it again after changing the rules)";
pub const END: &str = "# veil: end";

/// More globs than this for one regex: list the files instead.
const MAX_GLOBS: usize = 32;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Lit(char),
    /// Any one character but `/`.
    One,
    /// A bracket expression (`[a-z]`).
    Set(String),
    /// Any string, `/` included.
    Any,
    Start,
    End,
}

type Variants = Vec<Vec<Tok>>;

fn product(a: Variants, b: &Variants) -> Result<Variants, String> {
    if a.len().saturating_mul(b.len()) > MAX_GLOBS * 4 {
        return Err("too many alternatives".into());
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in &a {
        for y in b {
            let mut v = x.clone();
            v.extend(y.iter().cloned());
            out.push(v);
        }
    }
    Ok(out)
}

/// A bracket expression for a class of plain ASCII characters, if it is one. Non-ASCII
/// characters that case folding adds to a letter (`ſ` to `s`, the Kelvin sign to `k`) are left
/// out: gitattributes brackets match bytes, and no real path needs them.
fn bracket(ranges: &[(char, char)]) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    let ascii: Vec<(char, char)> = ranges
        .iter()
        .filter(|(a, _)| a.is_ascii())
        .map(|&(a, b)| (a, b.min('\x7f')))
        .collect();
    let others: u32 = ranges
        .iter()
        .filter(|(_, b)| !b.is_ascii())
        .map(|&(a, b)| u32::from(b) - u32::from(a.max('\u{80}')) + 1)
        .sum();
    if ascii.is_empty()
        || ascii.len() > 8
        || others > 4
        || !ascii.iter().all(|&(a, b)| plain(a) && plain(b))
    {
        return None;
    }
    let mut s = String::from("[");
    for (a, b) in ascii {
        s.push(a);
        if b != a {
            s.push('-');
            s.push(b);
        }
    }
    s.push(']');
    Some(s)
}

fn class(ranges: Vec<(char, char)>) -> Variants {
    if let [(a, b)] = ranges[..]
        && a == b
    {
        return vec![vec![Tok::Lit(a)]];
    }
    if let Some(b) = bracket(&ranges) {
        return vec![vec![Tok::Set(b)]];
    }
    let slash = ranges.iter().any(|&(a, b)| a <= '/' && '/' <= b);
    let mut out = vec![vec![Tok::One]];
    if slash {
        out.push(vec![Tok::Lit('/')]);
    }
    out
}

/// Every way `hir` can be spelled with the tokens, over-approximating where needed.
fn expand(hir: &Hir) -> Result<Variants, String> {
    Ok(match hir.kind() {
        HirKind::Empty => vec![vec![]],
        HirKind::Literal(lit) => {
            let s = std::str::from_utf8(&lit.0).map_err(|_| "a literal is not UTF-8")?;
            vec![s.chars().map(Tok::Lit).collect()]
        }
        HirKind::Class(Class::Unicode(c)) => {
            class(c.ranges().iter().map(|r| (r.start(), r.end())).collect())
        }
        HirKind::Class(Class::Bytes(c)) => class(
            c.ranges()
                .iter()
                .map(|r| (char::from(r.start()), char::from(r.end())))
                .collect(),
        ),
        HirKind::Look(look) => match look {
            Look::Start | Look::StartLF | Look::StartCRLF => vec![vec![Tok::Start]],
            Look::End | Look::EndLF | Look::EndCRLF => vec![vec![Tok::End]],
            // Word boundaries only narrow a match: dropping them widens it.
            _ => vec![vec![]],
        },
        HirKind::Repetition(rep) => match rep.max {
            Some(max) if max <= 4 => {
                let sub = expand(&rep.sub)?;
                let mut out: Variants = Vec::new();
                for n in rep.min..=max {
                    let mut acc: Variants = vec![vec![]];
                    for _ in 0..n {
                        acc = product(acc, &sub)?;
                    }
                    out.extend(acc);
                }
                out
            }
            _ => vec![vec![Tok::Any]],
        },
        HirKind::Capture(cap) => expand(&cap.sub)?,
        HirKind::Concat(parts) => {
            let mut acc: Variants = vec![vec![]];
            for p in parts {
                acc = product(acc, &expand(p)?)?;
            }
            acc
        }
        HirKind::Alternation(alts) => {
            let mut out = Vec::new();
            for a in alts {
                out.extend(expand(a)?);
                if out.len() > MAX_GLOBS * 4 {
                    return Err("too many alternatives".into());
                }
            }
            out
        }
    })
}

/// Resolves the anchors of one spelling: the unanchored search becomes a leading and trailing
/// `Any`. None when the anchors make it impossible (`a^b`).
fn anchored(v: Vec<Tok>) -> Option<Vec<Tok>> {
    // `^` can only match before the first character: after nothing but `^` and empty `.*`.
    let lead = v
        .iter()
        .take_while(|t| matches!(t, Tok::Start | Tok::Any))
        .count();
    let mut rest: Vec<Tok> = match v[..lead].iter().rposition(|t| *t == Tok::Start) {
        Some(i) => v[i + 1..].to_vec(),
        None => std::iter::once(Tok::Any).chain(v).collect(),
    };
    if rest.contains(&Tok::Start) {
        return None;
    }
    let trail = rest
        .iter()
        .rev()
        .take_while(|t| matches!(t, Tok::End | Tok::Any))
        .count();
    let n = rest.len();
    let mut out = match rest[n - trail..].iter().position(|t| *t == Tok::End) {
        Some(p) => rest[..n - trail + p].to_vec(),
        None => {
            rest.push(Tok::Any);
            rest
        }
    };
    if out.contains(&Tok::End) {
        return None;
    }
    out.dedup_by(|a, b| *a == Tok::Any && *b == Tok::Any);
    Some(out)
}

/// A literal character as a glob character: glob syntax escaped, blanks (which would end the
/// pattern in `.gitattributes`) and control characters as `?`.
fn glob_char(c: char, first: bool) -> String {
    match c {
        '*' | '?' | '[' | ']' | '\\' => format!("\\{c}"),
        '!' | '#' if first => format!("\\{c}"),
        '"' if first => "?".into(),
        c if c.is_whitespace() || c.is_control() => "?".into(),
        c => c.to_string(),
    }
}

/// A path as a pattern that matches exactly it (relative to the attributes file).
pub fn literal_pattern(rel: &str) -> String {
    let mut s = String::from("/");
    for c in rel.chars() {
        s.push_str(&glob_char(c, false));
    }
    s
}

/// The globs of one anchored spelling.
fn globs_of(v: &[Tok]) -> Vec<String> {
    let anchored_start = v.first() != Some(&Tok::Any);
    let mut out = vec![String::new()];
    for (i, t) in v.iter().enumerate() {
        let prev_boundary = i == 0 || v[i - 1] == Tok::Lit('/');
        let next_is_slash = v.get(i + 1) == Some(&Tok::Lit('/'));
        let at_end = i + 1 == v.len();
        let pieces: Vec<String> = match t {
            Tok::Lit(c) => vec![glob_char(*c, i == 0)],
            Tok::One => vec!["?".into()],
            Tok::Set(s) => vec![s.clone()],
            Tok::Any if prev_boundary && (at_end || next_is_slash) => vec!["**".into()],
            Tok::Any if prev_boundary => vec!["**/*".into()],
            Tok::Any if next_is_slash => vec!["*/**".into()],
            Tok::Any if at_end => vec!["*".into(), "*/**".into()],
            Tok::Any => vec!["*".into(), "*/**/*".into()],
            Tok::Start | Tok::End => vec![String::new()],
        };
        out = out
            .iter()
            .flat_map(|a| pieces.iter().map(move |p| format!("{a}{p}")))
            .collect();
    }
    out.into_iter()
        .map(|g| simplify(g, anchored_start))
        .collect()
}

fn simplify(mut g: String, anchored_start: bool) -> String {
    loop {
        let before = g.clone();
        if g == "**" || g == "**/**" || g == "**/*" {
            return "*".into();
        }
        if let Some(rest) = g.strip_prefix("**/")
            && !rest.contains('/')
        {
            g = rest.to_string();
        }
        if let Some(rest) = g.strip_suffix("/**/*") {
            g = format!("{rest}/**");
        }
        if g == before {
            break;
        }
    }
    // A pattern without a slash matches a file name at any depth: anchor it when the regex was.
    if anchored_start && !g.contains('/') {
        g.insert(0, '/');
    }
    g
}

/// Globs (relative to the directory of `.sops.yaml`) that match every path `regex` matches.
/// An error says why no such short list exists.
pub fn globs_for_regex(regex: &str) -> Result<Vec<String>, String> {
    let hir = regex_syntax::Parser::new()
        .parse(regex)
        .map_err(|e| format!("cannot parse the regex: {e}"))?;
    let mut globs: Vec<String> = Vec::new();
    for v in expand(&hir)?.into_iter().filter_map(anchored) {
        for g in globs_of(&v) {
            if !globs.contains(&g) {
                globs.push(g);
            }
        }
    }
    globs.retain(|g| !g.is_empty() && g != "/");
    if globs.iter().any(|g| g == "*") {
        return Ok(vec!["*".into()]);
    }
    // `/name` is covered by `name` (a file name at any depth).
    let unanchored: Vec<String> = globs.iter().filter(|g| !g.contains('/')).cloned().collect();
    globs.retain(|g| {
        !g.strip_prefix('/')
            .is_some_and(|r| unanchored.iter().any(|u| u == r))
    });
    if globs.is_empty() {
        return Err("the regex matches no path".into());
    }
    if globs.len() > MAX_GLOBS {
        return Err(format!("it would take {} globs", globs.len()));
    }
    Ok(globs)
}

/// Whether a gitattributes pattern matches `rel` (a path relative to the attributes file), as
/// git reads patterns: no slash — the file name at any depth; otherwise the whole path.
pub fn pattern_matches(pattern: &str, rel: &str) -> bool {
    let (pat, target) = if let Some(p) = pattern.strip_prefix('/') {
        (p, rel)
    } else if !pattern.contains('/') {
        (pattern, rel.rsplit('/').next().unwrap_or(rel))
    } else {
        (pattern, rel)
    };
    globset::GlobBuilder::new(pat)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .is_ok_and(|g| g.compile_matcher().is_match(target))
}

/// Whether the file at `path` is a sops-encrypted file (metadata with a version and a MAC).
pub fn is_encrypted_file(path: &Path) -> bool {
    const MAX: u64 = 64 << 20;
    if std::fs::metadata(path).map_or(true, |m| m.len() > MAX) {
        return false;
    }
    let Ok(src) = std::fs::read(path) else {
        return false;
    };
    if memchr::memmem::find(&src, b"sops").is_none() {
        return false;
    }
    is_encrypted(Kind::from_path(path), src)
}

/// Whether `src` (of `kind`) is a sops-encrypted file: metadata with a version and a MAC. The
/// stores that can read the metadata on its own do so; the others parse the file.
pub fn is_encrypted(kind: Kind, src: Vec<u8>) -> bool {
    use crate::pipeline::metadata::Metadata;
    let store = kind.reading_store();
    let complete = |m: Metadata| !m.version.is_empty() && !m.mac.is_empty();
    if let Some(value) = store.peek_metadata(&src) {
        return Metadata::from_value(&value).is_ok_and(complete);
    }
    let Ok(doc) = store.parse(src) else {
        return false;
    };
    crate::pipeline::whole::metadata_of(&doc).is_ok_and(complete)
}

/// A file of the directory: its path relative to it (`/`-separated) and whether it is encrypted.
pub struct Listed {
    pub rel: String,
    pub encrypted: bool,
}

/// The lines of veil's block (markers included) for the rules of `config` and the files of its
/// directory.
pub fn block(config: Option<&Config>, files: &[Listed]) -> Vec<String> {
    let mut lines = vec![BEGIN.to_string()];
    let mut patterns: Vec<String> = Vec::new();
    let push = |lines: &mut Vec<String>, patterns: &mut Vec<String>, p: String| {
        if !patterns.contains(&p) {
            lines.push(format!("{p} {ATTRIBUTES}"));
            patterns.push(p);
        }
    };
    let shown = |s: &str| crate::fsio::sanitize(s);
    for (i, rule) in config
        .map(|c| c.file.creation_rules.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let n = i + 1;
        match rule.path_regex.as_deref().filter(|r| !r.is_empty()) {
            None => lines.push(format!(
                "# creation rule {n} has no path_regex: the encrypted files it may cover are listed at the end"
            )),
            Some(re) => match globs_for_regex(re) {
                Ok(globs) => {
                    lines.push(format!("# creation rule {n}: path_regex {}", shown(re)));
                    for g in globs {
                        push(&mut lines, &mut patterns, g);
                    }
                }
                Err(why) => {
                    lines.push(format!(
                        "# creation rule {n}: path_regex {} gives no short list of globs ({why}); the files it matches now:",
                        shown(re)
                    ));
                    let matcher = regex::Regex::new(re).ok();
                    for f in files {
                        if matcher.as_ref().is_some_and(|m| m.is_match(&f.rel)) {
                            push(&mut lines, &mut patterns, literal_pattern(&f.rel));
                        }
                    }
                }
            },
        }
    }
    let uncovered: Vec<&Listed> = files
        .iter()
        .filter(|f| f.encrypted && !patterns.iter().any(|p| pattern_matches(p, &f.rel)))
        .collect();
    if !uncovered.is_empty() {
        lines.push("# encrypted files no pattern above covers:".into());
        for f in uncovered {
            push(&mut lines, &mut patterns, literal_pattern(&f.rel));
        }
    }
    lines.push(END.to_string());
    lines
}

/// `existing` (the text of `.gitattributes`, possibly empty) with veil's block replaced by
/// `block`, or `block` appended.
pub fn replace_block(existing: &str, block: &[String]) -> String {
    let text: String = block.iter().map(|l| format!("{l}\n")).collect();
    let lines: Vec<&str> = existing.split_inclusive('\n').collect();
    let begin = lines.iter().position(|l| l.trim_end() == BEGIN);
    let end = begin.and_then(|b| {
        lines[b..]
            .iter()
            .position(|l| l.trim_end() == END)
            .map(|e| b + e)
    });
    match (begin, end) {
        (Some(b), Some(e)) => {
            let mut out: String = lines[..b].concat();
            out.push_str(&text);
            out.push_str(&lines[e + 1..].concat());
            out
        }
        _ => {
            let mut out = existing.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&text);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(re: &str) -> Vec<String> {
        globs_for_regex(re).unwrap_or_else(|e| panic!("{re}: {e}"))
    }

    #[test]
    fn common_rules_give_short_globs() {
        assert_eq!(globs(r"\.enc\.yaml$"), vec!["*.enc.yaml"]);
        assert_eq!(globs(r"^secrets/"), vec!["secrets/**"]);
        assert_eq!(
            globs(r"\.prod\.(yaml|json|env)$"),
            vec!["*.prod.yaml", "*.prod.json", "*.prod.env"]
        );
        assert_eq!(
            globs(r"(^|/)secrets\.ya?ml$"),
            vec!["secrets.yml", "secrets.yaml"]
        );
        assert_eq!(
            globs(r"^config/secrets\.json$"),
            vec!["config/secrets.json"]
        );
        assert_eq!(globs(r"^secrets\.json$"), vec!["/secrets.json"]);
        assert_eq!(globs(r"secrets/.*\.yaml$"), vec!["**/*secrets/**/*.yaml"]);
        assert_eq!(globs(r".*"), vec!["*"]);
        assert_eq!(globs(r""), vec!["*"]);
    }

    #[test]
    fn over_approximates_every_match() {
        let regexes = [
            r"\.enc\.yaml$",
            r"^secrets/",
            r"secrets",
            r"\.prod\.(yaml|json|env)$",
            r"(^|/)secrets\.ya?ml$",
            r"secrets/.*\.yaml$",
            r"^(dev|prod)/[a-z]+/secrets\.json$",
            r"env/.+/values\.yaml",
            r"(?i)SECRETS\.YAML$",
            r"^k8s/.*/secret-[0-9]{2}\.yaml$",
            r"\bsecret\b",
            r"a.b",
            r"^[^/]+\.env$",
            r"x\d+y",
            r"^.*\.sops\..*$",
            r"/private/",
        ];
        let paths = [
            "a.enc.yaml",
            "d/e/a.enc.yaml",
            "secrets/x.yaml",
            "secrets/deep/x.yaml",
            "mysecrets/x.yaml",
            "x/secrets/y/z.yaml",
            "secrets.yaml",
            "a/secrets.yml",
            "asecrets.yaml",
            "app.prod.env",
            "a/b.prod.json",
            "dev/abc/secrets.json",
            "prod/x/secrets.json",
            "env/a/b/values.yaml",
            "env/values.yaml",
            "SECRETS.yaml",
            "d/Secrets.Yaml",
            "k8s/a/b/secret-12.yaml",
            "a secret here",
            "top-secret.txt",
            "a/b",
            "aXb",
            "dir/a/b/c",
            ".env",
            "x.env",
            "d/x.env",
            "x123y",
            "a/x1y/b",
            "app.sops.yaml",
            "d/app.sops.json",
            "a/private/key",
            "private/key",
            "plain.txt",
        ];
        for re in regexes {
            let r = regex::Regex::new(re).unwrap();
            let gs = globs(re);
            for p in paths {
                if r.is_match(p) {
                    assert!(
                        gs.iter().any(|g| pattern_matches(g, p)),
                        "{re} matches {p} but none of {gs:?} does"
                    );
                }
            }
        }
    }

    #[test]
    fn unsupported_regexes_are_reported() {
        assert!(globs_for_regex(r"(foo|bar|baz|qux)(one|two|three|four)(x1|x2|x3)").is_err());
        assert!(globs_for_regex(r"a^b").is_err());
    }

    #[test]
    fn literal_patterns_escape_glob_syntax() {
        assert_eq!(literal_pattern("a b/[x]*.yaml"), r"/a?b/\[x\]\*.yaml");
        assert!(pattern_matches(
            &literal_pattern("a b/[x]*.yaml"),
            "a b/[x]*.yaml"
        ));
        assert!(!pattern_matches(
            &literal_pattern("a b/[x]*.yaml"),
            "a b/x.yaml"
        ));
    }

    #[test]
    fn the_block_is_replaced_in_place() {
        let block = vec![
            BEGIN.to_string(),
            "*.enc.yaml merge=veil diff=veil".into(),
            END.into(),
        ];
        let first = replace_block("*.png binary\n", &block);
        assert_eq!(
            first,
            format!("*.png binary\n{BEGIN}\n*.enc.yaml merge=veil diff=veil\n{END}\n")
        );
        let again = replace_block(
            &format!("{first}*.jpg binary\n"),
            &[BEGIN.into(), END.into()],
        );
        assert_eq!(
            again,
            format!("*.png binary\n{BEGIN}\n{END}\n*.jpg binary\n")
        );
    }
}
