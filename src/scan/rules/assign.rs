//! Finds the value assigned to a key, in the ways code and configuration files assign strings.
//!
//! Given a keyword hit inside a key (an identifier such as `DB_PASSWORD`, `jfrogToken`,
//! `spring.datasource.password`), [`parse`] reads what follows (and, for a few forms, what
//! precedes) and returns the assigned value. The forms, from the languages' and formats' own
//! syntax:
//!
//! - operators: `=`, `:=`, `::=`, `:::=`, `?=`, `+=`, `!=`-free; `.=` (PHP), `??=`, `||=`,
//!   `=>` (PHP, Ruby, Perl, logstash), `:` (YAML, JSON, Ruby, Python dicts), `<-` (R);
//!   `==`/`!=`/`===` are comparisons, never assignments;
//! - a type between key and operator: `var key string = "v"` (Go), `key: String = "v"`
//!   (Kotlin, Swift, TypeScript, Rust `KEY: &str = "v"`), `key[] = "v"` (C);
//! - quoted keys and index expressions: `"key": "v"`, `\"key\": \"v\"` (JSON inside a string),
//!   `ENV['KEY'] = 'v'`, `$cfg['key'] = 'v'`;
//! - call arguments: `System.setProperty("key", "v")`, `define('KEY', 'v')`,
//!   `os.environ.setdefault("KEY", "v")`, `put("key", "v")`, `setKey("v")`;
//! - XML: `<key>v</key>` (also with the value on its own line), `<add key="key" value="v"/>`,
//!   `<property name="key" value="v"/>`, `<name>key</name><value>v</value>`;
//! - name/value pairs: `- name: KEY` then `value: v` (Kubernetes, Compose), `{"name": "KEY",
//!   "value": "v"}` (ECS task definitions), Terraform `variable "key" { default = "v" }`;
//! - YAML block scalars `key: |` / `key: >` (the value is the next line);
//! - CSV and shell forms: `key,v,` at the start of a line, `ENV KEY v` / `ARG`, `setenv KEY v`,
//!   `set KEY=v`, `--key v` / `--key=v`.
//!
//! Values: `"…"`, `'…'`, `` `…` `` (with a string prefix such as `b`, `r`, `u`, `f`, `@`, `$`),
//! `\"…\"`, `"""…"""`, or bare up to a blank or delimiter.

/// What [`parse`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Assignment {
    /// The key (byte range in the text).
    pub key: (usize, usize),
    /// The value (byte range in the text).
    pub value: (usize, usize),
    /// The value was delimited (quotes, an XML element, a block scalar), not bare.
    pub quoted: bool,
    /// The quote character (0: none).
    pub quote: u8,
    pub op: Op,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// `=`, `:=`, `?=`, … and typed declarations.
    Assign,
    /// `:` (YAML, JSON, dicts).
    Colon,
    /// `=>`.
    Arrow,
    /// An argument after the key (`f("key", "v")`, CSV).
    Argument,
    /// XML element content or attribute.
    Xml,
    /// `name: KEY` … `value: v`.
    Pair,
    /// `ENV KEY v`, `--key v`.
    Blank,
}

/// Longest key looked at.
const MAX_KEY: usize = 128;
/// Longest value taken.
const MAX_VALUE: usize = 1000;

fn is_key(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The value assigned to the key that holds the keyword at `[s, e)`, if the key is assigned.
pub(crate) fn parse(text: &[u8], s: usize, e: usize) -> Option<Assignment> {
    let n = text.len();
    let mut kl = s;
    while kl > 0 && s - kl < MAX_KEY && is_key(text[kl - 1]) {
        kl -= 1;
    }
    // From the keyword's start: a keyword may end in a non-key byte (`auth"`).
    let mut kr = s;
    while kr < n && kr - s < MAX_KEY && is_key(text[kr]) {
        kr += 1;
    }
    if kr < e.min(s + 1) {
        return None;
    }
    // Trailing dots and dashes are not part of a key (`password.` at the end of a sentence).
    while kr > s + 1 && matches!(text[kr - 1], b'.' | b'-') {
        kr -= 1;
    }
    let key = (kl, kr);
    let pre = if kl > 0 { text[kl - 1] } else { b'\n' };

    // `<key …>value</key>`
    if pre == b'<' {
        return xml_element(text, key, kr);
    }
    // The key is itself a value: `name: KEY` / `<add key="KEY"` / `variable "KEY"`.
    if let Some(a) = pair(text, key) {
        return Some(a);
    }

    let mut p = kr;
    // Closing quotes and brackets of the key: `"key"`, `\"key\"`, `['key']`.
    let mut key_quoted = false;
    let mut skipped = 0;
    while p < n && skipped < 4 && matches!(text[p], b'"' | b'\'' | b'\\' | b']' | b'`') {
        if matches!(text[p], b'"' | b'\'') {
            key_quoted = true;
        }
        p += 1;
        skipped += 1;
    }
    let after_key = p;
    p = skip_blanks(text, p);
    if p >= n {
        return None;
    }
    // The start of the key's line, looked for only a little way back (a minified file must not
    // cost a walk to its start per keyword).
    let lo = kl.saturating_sub(64);
    let line_start = text[lo..kl]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(if lo == 0 { 0 } else { kl }, |i| lo + i + 1);
    let at_line_start = text[line_start..kl].iter().all(|&b| is_blank(b));

    // Operators, longest first.
    let rest = &text[p..];
    let (op, len) = if rest.starts_with(b":::=") {
        (Op::Assign, 4)
    } else if rest.starts_with(b"::=") {
        (Op::Assign, 3)
    } else if rest.starts_with(b"::") {
        // `Token::Kind`: a path.
        return None;
    } else if rest.starts_with(b":=")
        || rest.starts_with(b"?=")
        || rest.starts_with(b"+=")
        || rest.starts_with(b".=")
        || rest.starts_with(b"<-")
    {
        (Op::Assign, 2)
    } else if rest.starts_with(b"??=") || rest.starts_with(b"||=") {
        (Op::Assign, 3)
    } else if rest.starts_with(b"=>") {
        (Op::Arrow, 2)
    } else if rest.starts_with(b"==") || rest.starts_with(b"!=") {
        return None;
    } else if rest[0] == b'=' {
        (Op::Assign, 1)
    } else if rest[0] == b':' {
        // `key: Type = value` (Kotlin, Swift, TypeScript, Rust).
        if let Some(q) = typed(text, p + 1) {
            return value(text, key, q, Op::Assign);
        }
        (Op::Colon, 1)
    } else if rest[0] == b',' && (key_quoted || at_line_start) {
        (Op::Argument, 1)
    } else if rest[0] == b'(' && after_key == kr && setter(&text[kl..kr]) {
        // `setPassword("v")`: only a literal argument.
        let q = skip_blanks(text, p + 1);
        let a = value(text, key, q, Op::Argument)?;
        return a.quoted.then_some(a);
    } else if rest[0] == b'[' && rest.starts_with(b"[]") {
        // `char key[] = "v"`
        let q = skip_blanks(text, p + 2);
        if text.get(q) == Some(&b'=') && text.get(q + 1) != Some(&b'=') {
            return value(text, key, q + 1, Op::Assign);
        }
        return None;
    } else if rest[0].is_ascii_alphabetic() || rest[0] == b'*' || rest[0] == b'&' {
        // `var key string = "v"`, or `ENV KEY v` / `--key v`.
        if let Some(q) = type_then_assign(text, p) {
            return value(text, key, q, Op::Assign);
        }
        if blank_form(text, line_start, kl, kr) && p > kr {
            return value(text, key, p, Op::Blank);
        }
        return None;
    } else if blank_form(text, line_start, kl, kr) && p > kr {
        return value(text, key, p, Op::Blank);
    } else {
        return None;
    };
    if op == Op::Argument && key_quoted {
        // `f("key", "v")`: a call's first argument (not a list of strings), and a literal.
        let mut b = kl.saturating_sub(1);
        while b > 0 && is_blank(text[b - 1]) {
            b -= 1;
        }
        if b == 0 || text[b - 1] != b'(' {
            return None;
        }
        let a = value(text, key, skip_blanks(text, p + len), op)?;
        return a.quoted.then_some(a);
    }
    // `user, key := "a", "b"`: a tuple assignment (the first value is not the key's).
    if op == Op::Assign && !key_quoted {
        let mut b = kl;
        while b > 0 && is_blank(text[b - 1]) {
            b -= 1;
        }
        if b > 0 && text[b - 1] == b',' {
            return None;
        }
    }
    let mut q = p + len;
    // `key: |` / `key: >-`: the value is the next non-empty line.
    if op == Op::Colon {
        let r = skip_blanks(text, q);
        if r < n && matches!(text[r], b'|' | b'>') {
            let mut t = r + 1;
            while t < n && matches!(text[t], b'-' | b'+' | b'0'..=b'9') {
                t += 1;
            }
            t = skip_blanks(text, t);
            if t < n && (text[t] == b'\n' || text[t] == b'\r') {
                return block_scalar(text, key, t);
            }
        }
    }
    q = skip_blanks(text, q);
    let a = value(text, key, q, op)?;
    // `let key = other` / `var key = other`: a declaration whose value is not a literal.
    if !a.quoted && declared(text, kl) {
        return None;
    }
    Some(a)
}

/// The key follows a declaration keyword (`let`, `var`, `const`, `val`, `my`, `local`, `auto`,
/// `final`, `static`, a type name such as `String`).
fn declared(text: &[u8], kl: usize) -> bool {
    let mut e = kl;
    while e > 0 && is_blank(text[e - 1]) {
        e -= 1;
    }
    if e == kl {
        return false;
    }
    let mut b = e;
    while b > 0 && text[b - 1].is_ascii_alphabetic() {
        b -= 1;
    }
    matches!(
        &text[b..e],
        b"let"
            | b"var"
            | b"const"
            | b"val"
            | b"my"
            | b"local"
            | b"auto"
            | b"final"
            | b"static"
            | b"String"
            | b"string"
            | b"str"
            | b"int"
            | b"char"
            | b"dim"
            | b"Dim"
            | b"mut"
    )
}

fn skip_blanks(text: &[u8], mut p: usize) -> usize {
    while p < text.len() && is_blank(text[p]) {
        p += 1;
    }
    p
}

/// A setter's name: `setPassword`, `withToken`, `password` (the argument is the value), not a
/// constructor of several things such as `UserPassword(user, pass)`.
fn setter(name: &[u8]) -> bool {
    let name = match name.iter().rposition(|&b| b == b'.') {
        Some(i) => &name[i + 1..],
        None => name,
    };
    name.starts_with(b"set")
        || name.starts_with(b"Set")
        || name.starts_with(b"with")
        || name.starts_with(b"With")
        || name.iter().all(|b| b.is_ascii_lowercase() || *b == b'_')
}

/// Forms where a blank separates key and value: `ENV KEY v`, `ARG KEY v`, `setenv KEY v`,
/// `SetEnv KEY v`, `set -x KEY v`, `--key v`.
fn blank_form(text: &[u8], line_start: usize, kl: usize, kr: usize) -> bool {
    if text[kl..kr].starts_with(b"--") {
        return true;
    }
    let before = text[line_start..kl].trim_ascii();
    let lower = before.to_ascii_lowercase();
    matches!(
        lower.as_slice(),
        b"env" | b"arg" | b"setenv" | b"set -x" | b"set -gx" | b"export"
    )
}

/// After `:` at `p`: blanks, a type (`String`, `&str`, `&'static str`, `Option<String>`),
/// blanks, then `=` (not `==`/`=>`); the offset after the `=`.
fn typed(text: &[u8], p: usize) -> Option<usize> {
    let mut q = skip_blanks(text, p);
    let start = q;
    while q < text.len()
        && q - start < 40
        && (text[q].is_ascii_alphanumeric()
            || matches!(
                text[q],
                b'_' | b'&' | b'\'' | b'<' | b'>' | b'[' | b']' | b'?' | b'.' | b' '
            ))
    {
        q += 1;
    }
    let ty = text[start..q].trim_ascii();
    if ty.is_empty() || !ty.iter().any(u8::is_ascii_alphabetic) {
        return None;
    }
    if text.get(q) == Some(&b'=') && !matches!(text.get(q + 1), Some(b'=' | b'>')) {
        Some(q + 1)
    } else {
        None
    }
}

/// At `p`: a type word (`string`, `String`, `[]byte`, `*string`), blanks, `=` (not `==`); the
/// offset after the `=`.
fn type_then_assign(text: &[u8], p: usize) -> Option<usize> {
    let mut q = p;
    while q < text.len()
        && q - p < 40
        && (text[q].is_ascii_alphanumeric()
            || matches!(
                text[q],
                b'_' | b'*' | b'&' | b'[' | b']' | b'.' | b'<' | b'>'
            ))
    {
        q += 1;
    }
    if q == p {
        return None;
    }
    let q = skip_blanks(text, q);
    if text.get(q) == Some(&b'=') && !matches!(text.get(q + 1), Some(b'=' | b'>')) {
        Some(q + 1)
    } else {
        None
    }
}

/// Reads a value starting at `p` (after blanks).
fn value(text: &[u8], key: (usize, usize), p: usize, op: Op) -> Option<Assignment> {
    let n = text.len();
    let mut p = skip_blanks(text, p);
    if p >= n {
        return None;
    }
    // String prefixes: b"", r"", u"", f"", rb"", @"", $"", L"".
    let mut q = p;
    while q < n
        && q - p < 2
        && matches!(
            text[q],
            b'b' | b'r' | b'u' | b'f' | b'B' | b'R' | b'U' | b'F' | b'@' | b'$' | b'L'
        )
    {
        q += 1;
    }
    if q > p && q < n && matches!(text[q], b'"' | b'\'') {
        p = q;
    }
    let c = text[p];
    // `\"value\"` inside a JSON string.
    if c == b'\\' && matches!(text.get(p + 1), Some(b'"' | b'\'')) {
        let quote = text[p + 1];
        let start = p + 2;
        let mut i = start;
        while i + 1 < n && i - start <= MAX_VALUE && text[i] != b'\n' {
            if text[i] == b'\\' && text[i + 1] == quote {
                return some(key, (start, i), true, op);
            }
            i += 1;
        }
        return None;
    }
    if matches!(c, b'"' | b'\'' | b'`') {
        // Triple quotes.
        if text[p..].starts_with(&[c, c, c]) {
            let start = p + 3;
            let end = memchr::memmem::find(&text[start..n.min(start + MAX_VALUE)], &[c, c, c])?;
            let v = (start, start + end);
            let v = trim(text, v);
            return some(key, v, true, op);
        }
        let start = p + 1;
        let mut i = start;
        while i < n && i - start <= MAX_VALUE {
            let b = text[i];
            if b == b'\n' && c != b'`' {
                return None;
            }
            if b == b'\\' && c != b'`' {
                i += 2;
                continue;
            }
            if b == c {
                return some(key, (start, i), true, op).map(|mut a| {
                    a.quote = c;
                    a
                });
            }
            i += 1;
        }
        return None;
    }
    // Bare.
    let start = p;
    let mut i = p;
    while i < n
        && i - start <= MAX_VALUE
        && !text[i].is_ascii_whitespace()
        && !matches!(
            text[i],
            b'"' | b'\'' | b'`' | b';' | b',' | b')' | b']' | b'}' | b'<' | b'&'
        )
    {
        i += 1;
    }
    if i == start {
        return None;
    }
    // More words after a bare value: prose, or a value with blanks (YAML) that is no secret.
    let j = skip_blanks(text, i);
    if j > i && j < n && text[j].is_ascii_alphanumeric() && op != Op::Blank {
        return None;
    }
    some(key, (start, i), false, op)
}

fn some(key: (usize, usize), value: (usize, usize), quoted: bool, op: Op) -> Option<Assignment> {
    (value.1 > value.0).then_some(Assignment {
        key,
        value,
        quoted,
        quote: 0,
        op,
    })
}

fn trim(text: &[u8], (mut a, mut b): (usize, usize)) -> (usize, usize) {
    while a < b && text[a].is_ascii_whitespace() {
        a += 1;
    }
    while b > a && text[b - 1].is_ascii_whitespace() {
        b -= 1;
    }
    (a, b)
}

/// `key: |` then the value on the next non-empty line (its content, trimmed).
fn block_scalar(text: &[u8], key: (usize, usize), eol: usize) -> Option<Assignment> {
    let n = text.len();
    let mut p = eol;
    for _ in 0..3 {
        while p < n && (text[p] == b'\n' || text[p] == b'\r') {
            p += 1;
        }
        let le = memchr::memchr(b'\n', &text[p..]).map_or(n, |k| p + k);
        let v = trim(text, (p, le));
        if v.1 > v.0 {
            return some(key, v, true, Op::Colon);
        }
        p = le;
    }
    None
}

/// `<key attr="…">value</key>`, the value possibly on its own line(s).
fn xml_element(text: &[u8], key: (usize, usize), kr: usize) -> Option<Assignment> {
    let n = text.len();
    let close = memchr::memchr(b'>', &text[kr..n.min(kr + 512)])? + kr;
    if text[close - 1] == b'/' || text[kr..close].contains(&b'\n') && close - kr > 256 {
        return None;
    }
    // Attributes: `<password value="v"/>` is rare; the content is what counts.
    let mut p = close + 1;
    let lim = n.min(p + 256);
    while p < lim && text[p].is_ascii_whitespace() {
        p += 1;
    }
    let mut start = p;
    if text[p..].starts_with(b"<![CDATA[") {
        start = p + 9;
        let end = memchr::memmem::find(&text[start..n.min(start + MAX_VALUE)], b"]]>")? + start;
        return some(key, trim(text, (start, end)), true, Op::Xml);
    }
    let end = memchr::memchr(b'<', &text[start..n.min(start + MAX_VALUE)])? + start;
    // The closing tag must be this element's.
    let name = &text[key.0..key.1];
    if !text[end..].starts_with(b"</") || !text[end + 2..].starts_with(name) {
        return None;
    }
    let v = trim(text, (start, end));
    if text[v.0..v.1].contains(&b'\n') {
        return None;
    }
    start = v.0;
    some(key, (start, v.1), true, Op::Xml)
}

/// The key is the value of a name field: `name: KEY` / `"name": "KEY"` / `<name>KEY</name>` /
/// `<add key="KEY"` / `variable "KEY"`; the value is the `value`/`default` that follows within
/// a few lines.
fn pair(text: &[u8], key: (usize, usize)) -> Option<Assignment> {
    let (kl, kr) = key;
    // What precedes: an opening quote or `>`, blanks, a connector, the field name.
    let mut p = kl;
    let mut tag = false;
    if p > 0 && matches!(text[p - 1], b'"' | b'\'') {
        p -= 1;
    } else if p > 0 && text[p - 1] == b'>' {
        tag = true;
        p -= 1;
    }
    let field_end;
    if tag {
        // `<name>KEY</name>`
        field_end = p;
        let open = text[..field_end].iter().rposition(|&b| b == b'<')?;
        if field_end - open > 32 {
            return None;
        }
        let field = &text[open + 1..field_end];
        if !is_name_field(field) {
            return None;
        }
        if !text[kr..].starts_with(b"</") {
            return None;
        }
    } else {
        while p > 0 && is_blank(text[p - 1]) {
            p -= 1;
        }
        let variable = p >= 8 && text[p - 8..p].eq_ignore_ascii_case(b"variable");
        if variable {
            // Terraform: `variable "key" { … default = "v" … }`
            return following(text, key, &[b"default"]);
        }
        if p == 0 || !matches!(text[p - 1], b':' | b'=') {
            return None;
        }
        p -= 1;
        while p > 0 && (is_blank(text[p - 1]) || matches!(text[p - 1], b'"' | b'\'')) {
            p -= 1;
        }
        field_end = p;
        let mut fs = p;
        while fs > 0 && text[fs - 1].is_ascii_alphabetic() {
            fs -= 1;
        }
        if !is_name_field(&text[fs..field_end]) {
            return None;
        }
    }
    following(text, key, &[b"value", b"content"])
}

fn is_name_field(f: &[u8]) -> bool {
    let l = f.to_ascii_lowercase();
    matches!(
        l.as_slice(),
        b"name" | b"key" | b"id" | b"property" | b"param" | b"parameter"
    )
}

/// The value of the first `field` (`value: v`, `"value": "v"`, `value="v"`, `<value>v</value>`)
/// within a few lines after the key; the assignment is the key's.
fn following(text: &[u8], name: (usize, usize), fields: &[&[u8]]) -> Option<Assignment> {
    let from = name.1;
    let rekey = |a: Option<Assignment>| {
        a.map(|mut a| {
            a.key = name;
            a
        })
    };
    let n = text.len();
    let lim = n.min(from + 400);
    let mut lines = 0;
    let mut i = from;
    while i < lim {
        let b = text[i];
        if b == b'\n' {
            lines += 1;
            if lines > 4 {
                return None;
            }
        }
        for f in fields {
            if i + f.len() <= lim
                && text[i..i + f.len()].eq_ignore_ascii_case(f)
                && (i == 0 || !text[i - 1].is_ascii_alphanumeric())
                && !text
                    .get(i + f.len())
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                let key = (i, i + f.len());
                let mut p = i + f.len();
                if i > 0 && text[i - 1] == b'<' {
                    return rekey(xml_element(text, key, p));
                }
                while p < n && matches!(text[p], b'"' | b'\'') {
                    p += 1;
                }
                p = skip_blanks(text, p);
                if p < n && matches!(text[p], b':' | b'=') && text.get(p + 1) != Some(&b'=') {
                    return rekey(value(text, key, p + 1, Op::Pair));
                }
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn val(line: &str, kw: &str) -> Option<String> {
        let s = line.find(kw).unwrap();
        parse(line.as_bytes(), s, s + kw.len()).map(|a| line[a.value.0..a.value.1].to_string())
    }

    #[test]
    fn assignment_forms() {
        let v = "Zq81mXv0Lw3pRtY7";
        for (line, kw) in [
            (format!("jfrogToken=\"{v}\""), "Token"),
            (format!("jfrogToken = \"{v}\""), "Token"),
            (format!("jfrogToken={v}"), "Token"),
            (format!("jfrogToken = {v}"), "Token"),
            (format!("{{\n    \"jfrog_token\": \"{v}\"\n}}"), "token"),
            (
                format!("\\{{\n    \\\"jfrog_token\\\": \\\"{v}\\\"\n\\}}"),
                "token",
            ),
            (format!("<jfrogToken>{v}</jfrogToken>"), "Token"),
            (format!("<jfrogToken>\n    {v}\n</jfrogToken>"), "Token"),
            (format!("jfrog_token: {v}"), "token"),
            (format!("jfrog_token: '{v}'"), "token"),
            (format!("jfrog_token: \"{v}\""), "token"),
            (format!("jfrog_token: |\n  {v}"), "token"),
            (format!("jfrog_token: >-\n  {v}\n"), "token"),
            (format!("string jfrogToken = \"{v}\";"), "Token"),
            (format!("var jfrogToken string = \"{v}\""), "Token"),
            (format!("jfrogToken := \"{v}\""), "Token"),
            (format!("jfrogToken := `{v}`"), "Token"),
            (format!("String jfrogToken = \"{v}\";"), "Token"),
            (format!("var jfrogToken = \"{v}\""), "Token"),
            (format!("val jfrogToken: String = \"{v}\""), "Token"),
            (format!("const JFROG_TOKEN: &str = \"{v}\";"), "TOKEN"),
            (format!("$jfrogToken .= \"{v}\";"), "Token"),
            (format!("$jfrogToken ??= \"{v}\";"), "Token"),
            (format!("jfrogToken = '{v}'"), "Token"),
            (format!("jfrogToken,{v},"), "Token"),
            (format!("  \"jfrogToken\" => \"{v}\""), "Token"),
            (format!("JFROG_TOKEN ?= \"{v}\""), "TOKEN"),
            (format!("JFROG_TOKEN ::= \"{v}\""), "TOKEN"),
            (format!("JFROG_TOKEN :::= \"{v}\""), "TOKEN"),
            (format!("JFROG_TOKEN += \"{v}\""), "TOKEN"),
            (
                format!("System.setProperty(\"jfrog.token\", \"{v}\");"),
                "token",
            ),
            (format!("define('JFROG_TOKEN', '{v}');"), "TOKEN"),
            (format!("ENV['JFROG_TOKEN'] = '{v}'"), "TOKEN"),
            (format!("os.environ[\"JFROG_TOKEN\"] = \"{v}\""), "TOKEN"),
            (format!("token = b\"{v}\""), "token"),
            (format!("ENV JFROG_TOKEN {v}"), "TOKEN"),
            (format!("export JFROG_TOKEN={v}"), "TOKEN"),
            (format!("cli --token {v}"), "token"),
            (format!("cli --token={v}"), "token"),
            (format!("- name: JFROG_TOKEN\n  value: \"{v}\""), "TOKEN"),
            (
                format!("{{\"name\": \"JFROG_TOKEN\", \"value\": \"{v}\"}}"),
                "TOKEN",
            ),
            (
                format!(
                    "<property>\n  <name>jfrog.token</name>\n  <value>{v}</value>\n</property>"
                ),
                "token",
            ),
            (format!("<add key=\"JfrogToken\" value=\"{v}\" />"), "Token"),
            (
                format!("variable \"jfrog_token\" {{\n  default = \"{v}\"\n}}"),
                "token",
            ),
            (format!("jfrog_token <- \"{v}\""), "token"),
            (format!("char jfrog_token[] = \"{v}\";"), "token"),
            (format!("setJfrogToken(\"{v}\")"), "Token"),
        ] {
            assert_eq!(val(&line, kw).as_deref(), Some(v), "{line}");
        }
    }

    #[test]
    fn not_assignments() {
        for (line, kw) in [
            ("if token == \"abc123\"", "token"),
            ("if token != other", "token"),
            ("match t { Token::Close => 1 }", "Token"),
            ("the token is required", "token"),
            ("get_token(user)", "token"),
        ] {
            assert_eq!(val(line, kw), None, "{line}");
        }
    }
}
