//! Verifiers run after a rule's regex matched: checksums, structure, entropy, placeholders.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::Spec;
use super::assign::Op;

/// What a verifier sees of one regex match.
pub(crate) struct Cx<'a> {
    /// The secret (capture `s`, or a generic value capture, or the whole match).
    pub secret: &'a [u8],
    /// The whole regex match.
    pub whole: &'a [u8],
    /// Assignment key (capture `key`), if any.
    pub key: Option<&'a [u8]>,
    /// How the value was assigned (assignment rules).
    pub op: Option<Op>,
    /// URL user name (capture `user`), if any.
    pub user: Option<&'a [u8]>,
    /// The generic value was quoted (or the rule is not an assignment rule).
    pub quoted: bool,
    /// The quote character of an assigned value (0 when bare).
    pub quote: u8,
}

/// Accepts every match.
pub(crate) fn ok(_: &Cx) -> bool {
    true
}

/// Gate that lets every keyword hit through.
pub(crate) fn any(_: &[u8], _: usize) -> bool {
    true
}

/// `n` bytes from `at` all satisfy `f`.
pub(crate) fn run_of(t: &[u8], at: usize, n: usize, f: fn(&u8) -> bool) -> bool {
    t.get(at..at + n).is_some_and(|r| r.iter().all(f))
}

/// PEM-style BEGIN lines: the keyword is followed by its closing dashes and a line break (or
/// an escaped one, or a blank in single-line PEM).
pub(crate) fn pem_line_end(t: &[u8], e: usize) -> bool {
    let dashes = t[e..]
        .iter()
        .take(5)
        .take_while(|&&b| b == b'-' || b == b' ')
        .count();
    dashes >= 4 && matches!(t.get(e + dashes), Some(b'\n' | b'\r' | b'\\' | b' '))
}

/// Runs the common filters, then the rule's own verifier.
pub(crate) fn accept(spec: &Spec, cx: &Cx) -> bool {
    let s = cx.secret;
    if s.len() < spec.min_len {
        return false;
    }
    if contains_ci(s, b"example") {
        return false;
    }
    if spec.ph && is_placeholder(s) {
        return false;
    }
    if spec.generic && !generic_ok(cx, spec.pw) {
        return false;
    }
    if spec.ent > 0.0 && entropy(s) < spec.ent {
        return false;
    }
    (spec.check)(cx)
}

/// Shannon entropy in bits per byte.
pub(crate) fn entropy(s: &[u8]) -> f32 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f32;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f32 / n;
            -p * p.log2()
        })
        .sum()
}

pub(crate) fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Values that stand for a secret rather than being one.
pub(crate) fn is_placeholder(v: &[u8]) -> bool {
    let v = v.trim_ascii();
    if v.len() < 3 {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    let l = lower.as_slice();
    const EXACT: &[&[u8]] = &[
        b"null",
        b"none",
        b"nil",
        b"true",
        b"false",
        b"undefined",
        b"empty",
        b"string",
        b"str",
        b"required",
        b"optional",
        b"unset",
        b"default",
        b"admin",
        b"root",
        b"guest",
        b"user",
        b"pass",
        b"password",
        b"passwd",
        b"passphrase",
        b"secret",
        b"token",
        b"apikey",
        b"api_key",
        b"api-key",
        b"letmein",
        b"qwerty",
        b"hunter2",
        b"123456",
        b"1234567",
        b"12345678",
        b"123456789",
        b"1234567890",
        b"test",
        b"tbd",
        b"n/a",
        b"hidden",
        b"value",
        b"private",
        b"public",
    ];
    if EXACT.contains(&l) {
        return true;
    }
    // Templating and variable references.
    if matches!(v[0], b'$' | b'%' | b'<') || v.starts_with(b"{{") || v.starts_with(b"#{") {
        return true;
    }
    const SUB: &[&[u8]] = &[
        b"${",
        b"{",
        b"}",
        b"$(",
        b"%(",
        b"<%",
        b"&lt;",
        b"example",
        b"dummy",
        b"placeholder",
        b"changeme",
        b"change_me",
        b"change-me",
        b"changeit",
        b"change_this",
        b"change-this",
        b"changethis",
        b"your_",
        b"your-",
        b"yourpass",
        b"yoursecret",
        b"yourtoken",
        b"yourkey",
        b"yourapikey",
        b"_here",
        b"-here",
        b"redacted",
        b"sample",
        b"fake",
        b"xxxx",
        b"****",
        b"....",
        b"\xe2\x80\xa6",
        b"<",
        b">",
        b"replace",
        b"insert_",
        b"insert-",
        b"todo",
        b"fixme",
        b"lorem",
        b"not_a_real",
        b"not-a-real",
        b"notreal",
        b"not_real",
        // AWS's documentation examples, whole or cut.
        b"wjalrxutnfemi/k7mdeng",
        b"akiaiosfodnn7",
    ];
    // One automaton over all the substrings (a memmem search per substring was a visible share
    // of a history scan: this runs for every candidate value).
    static SUB_AC: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let sub = SUB_AC.get_or_init(|| aho_corasick::AhoCorasick::new(SUB).expect("literal needles"));
    if sub.is_match(l) {
        return true;
    }
    // One repeated character, or a run such as `abcdef` / `123456789` / `0123456789abcdef`.
    if v.iter().all(|&b| b == v[0])
        || is_sequence(v)
        || (v.len() >= 6
            && memchr::memmem::find(b"0123456789abcdefghijklmnopqrstuvwxyz0123456789", l).is_some())
    {
        return true;
    }
    // File paths.
    if v.starts_with(b"/")
        || v.starts_with(b"./")
        || v.starts_with(b"../")
        || v.starts_with(b"~/")
        || (v.len() > 2 && v[1] == b':' && (v[2] == b'\\' || v[2] == b'/'))
    {
        return true;
    }
    const EXT: &[&[u8]] = &[
        b".pem",
        b".key",
        b".crt",
        b".cer",
        b".json",
        b".txt",
        b".yaml",
        b".yml",
        b".env",
        b".p12",
        b".pfx",
        b".jks",
        b".gpg",
        b".asc",
        b".pub",
        b".conf",
        b".cfg",
        b".ini",
        b".properties",
    ];
    EXT.iter().any(|e| l.ends_with(e))
}

/// `abcdef…`, `123456…`: each byte one more than the previous.
fn is_sequence(v: &[u8]) -> bool {
    v.len() >= 4 && v.windows(2).all(|w| w[1] == w[0].wrapping_add(1))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Filters for generic `key = value` rules: the key, the operator and the value's shape.
/// `pw`: a password, which may be any memorable string; other generic values must look random.
fn generic_ok(cx: &Cx, pw: bool) -> bool {
    let v = cx.secret;
    // `Token::CloseBracket`: a path (Rust, C++, PHP), not an assignment.
    if cx.op == Some(Op::Colon) && v.starts_with(b":") {
        return false;
    }
    // "password: `x`" is Markdown prose about a value.
    if cx.op == Some(Op::Colon) && cx.quote == b'`' {
        return false;
    }
    if let Some(key) = cx.key {
        let k = key.to_ascii_lowercase();
        const DENY_SUFFIX: &[&[u8]] = &[
            b"name",
            b"names",
            b"file",
            b"files",
            b"path",
            b"dir",
            b"type",
            b"length",
            b"len",
            b"size",
            b"count",
            b"id",
            b"ids",
            b"ttl",
            b"expiry",
            b"expires",
            b"expire",
            b"expiration",
            b"url",
            b"uri",
            b"endpoint",
            b"ref",
            b"header",
            b"prompt",
            b"field",
            b"label",
            b"hint",
            b"policy",
            b"mode",
            b"format",
            b"regex",
            b"pattern",
            b"hash",
            b"hashed",
            b"digest",
            b"checksum",
            b"sha",
            b"sha1",
            b"sha256",
            b"sha512",
            b"md5",
            b"min",
            b"max",
            b"env",
            b"var",
            b"enabled",
            b"required",
            b"version",
            b"provider",
            b"kind",
            b"location",
            b"source",
            b"template",
            b"prefix",
            b"suffix",
            b"key_ref",
            b"keyref",
            b"secretref",
            b"time",
            b"timeout",
            b"at",
            b"index",
            b"limit",
            b"method",
            b"reset",
            b"rotation",
            b"store",
            b"manager",
            b"class",
            b"algorithm",
            b"alg",
            b"strategy",
            b"scope",
            b"scopes",
            b"style",
            b"color",
            b"icon",
            b"text",
            b"title",
            b"message",
            b"description",
            b"placeholder",
            b"validator",
            b"validation",
            b"policy",
            b"length",
            b"complexity",
            b"_fingerprint",
            b"fingerprint",
            b"_pem",
            b"stdin",
            b"_env",
            b"_cmd",
            b"command",
        ];
        if DENY_SUFFIX.iter().any(|s| k.ends_with(s)) {
            return false;
        }
        if contains(&k, b"public")
            || contains(&k, b"publishable")
            || contains(&k, b"example")
            || contains(&k, b"_format")
            || contains(&k, b"sample")
        {
            return false;
        }
        if k.as_slice() == v.to_ascii_lowercase().as_slice() {
            return false;
        }
    }
    if v.len() > 256 || v.iter().any(|&b| b == b' ' || b == b'\t' || b < 0x20) {
        return false;
    }
    // Code, not a literal: calls, indexing, member access, interpolation.
    if v.iter()
        .any(|&b| matches!(b, b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'\\'))
        || contains(v, b"::")
        || contains(v, b"->")
    {
        return false;
    }
    if is_dotted_identifier(v) {
        return false;
    }
    // A URL is the URL rules' business; `host:port` and e-mail addresses are not secrets.
    if contains(v, b"://") || (v.contains(&b'@') && v.contains(&b'.') && !pw) {
        return false;
    }
    // Paths and routes (`billing_api/orders/12345`): every segment is words or digits only.
    if v.contains(&b'/')
        && v.split(|&b| b == b'/').all(|seg| {
            seg.iter()
                .all(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'-' | b'.'))
                || seg.iter().all(u8::is_ascii_digit)
        })
    {
        return false;
    }
    let digits = v.iter().filter(|b| b.is_ascii_digit()).count();
    let alpha = v.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let upper = v.iter().any(|b| b.is_ascii_uppercase());
    let lower = v.iter().any(|b| b.is_ascii_lowercase());
    if digits == v.len() {
        return false;
    }
    // Numbers with units, versions, dates, times: `30s`, `1.2.3`, `2024-01-01`.
    if v.iter()
        .all(|&b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b':' | b'_' | b'/'))
        || (digits > 0 && alpha <= 2 && v.len() <= 6)
    {
        return false;
    }
    let identifier = v.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_');
    // Code: a dereference, a negation, an address (`*password`, `!x.y`, `&cfg`).
    if !cx.quoted && matches!(v[0], b'*' | b'!' | b'&') {
        return false;
    }
    // A bare variable in camelCase (`s3ConfigSecretKey`, `userPassword2`).
    if !cx.quoted
        && identifier
        && v[0].is_ascii_lowercase()
        && upper
        && digits <= 2
        && v.windows(2).any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        // Words: every capital starts a lower-case run (random text has capitals together).
        && v.windows(2).all(|w| !w[0].is_ascii_uppercase() || w[1].is_ascii_lowercase())
        && !v[v.len() - 1].is_ascii_uppercase()
    {
        return false;
    }
    // `name=value` pairs of a list (`--set a=1,b=2`), not a value.
    if let Some(eq) = v.iter().position(|&b| b == b'=')
        && eq >= 3
        && v[..eq]
            .iter()
            .all(|&b| b.is_ascii_alphabetic() || b == b'.' || b == b'_')
    {
        return false;
    }
    // The key spelled again (`K8sClientKey = "k8s-client-key"`).
    if let Some(key) = cx.key {
        let norm = |x: &[u8]| -> Vec<u8> {
            x.iter()
                .filter(|b| b.is_ascii_alphanumeric())
                .map(|b| b.to_ascii_lowercase())
                .collect()
        };
        let (nk, nv) = (norm(key), norm(v));
        if !nv.is_empty() && (nk == nv || nk.ends_with(&nv) && nv.len() >= 6) {
            return false;
        }
    }
    // `f("key", "snake_case_name")`: a name passed along, not a secret.
    if cx.op == Some(Op::Argument)
        && v.contains(&b'_')
        && v.iter().all(|&b| b.is_ascii_lowercase() || b == b'_')
    {
        return false;
    }
    if !cx.quoted {
        // A bare identifier in code (`token = someVariable_2`, `password = userPassword`).
        if identifier
            && v.iter().filter(|b| b.is_ascii_uppercase()).count() <= 1
            && v.contains(&b'_')
            && (digits == 0 || !upper)
        {
            return false;
        }
        let l = v.to_ascii_lowercase();
        if identifier
            && digits == 0
            && (upper || v.contains(&b'_'))
            && [
                b"pass".as_slice(),
                b"pwd",
                b"secret",
                b"token",
                b"key",
                b"cred",
                b"auth",
            ]
            .iter()
            .any(|w| contains(&l, w))
        {
            return false;
        }
    }
    if pw {
        // camelCase without a digit, bare: a variable (`password = userInput`).
        if !cx.quoted && identifier && digits == 0 && v[0].is_ascii_lowercase() && upper {
            return false;
        }
        // `--password value` in prose or usage text: a word follows the flag.
        if cx.op == Some(Op::Blank) && v.iter().all(u8::is_ascii_lowercase) {
            return false;
        }
        // A value that talks about passwords (`testpass`, `my-password`, `secretpassword`)
        // is a stand-in, unless it is a complex one (`Pass123!@#`).
        let l = v.to_ascii_lowercase();
        if contains(&l, b"pass") || contains(&l, b"secret") || contains(&l, b"pwd") {
            let symbol = v.iter().any(|b| !b.is_ascii_alphanumeric());
            let classes = [upper, digits > 0, symbol].iter().filter(|&&c| c).count();
            if classes < 2 {
                return false;
            }
        }
        return entropy(v) >= 2.0;
    }
    // Names made of words (`db-credentials`, `storefront-basic-auth`), possibly numbered
    // (`worker-48562`, `service_order-2581`), are references.
    if v.split(|&b| matches!(b, b'-' | b'_' | b'.')).all(|seg| {
        seg.iter().all(u8::is_ascii_alphabetic)
            || seg.iter().all(u8::is_ascii_digit)
            || (seg.len() <= 3 && seg.iter().all(u8::is_ascii_alphanumeric))
    }) {
        return false;
    }
    // Bare words are usually identifiers; letters only must at least look random.
    if alpha == v.len() && (v.len() < 20 || !(upper && lower)) {
        return false;
    }
    // Random-looking: a digit, or both cases in a long value.
    if digits == 0 && !(upper && lower && v.len() >= 16) {
        return false;
    }
    // Only token characters.
    v.iter().all(|&b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'_' | b'-'
                    | b'.'
                    | b'+'
                    | b'/'
                    | b'='
                    | b'~'
                    | b':'
                    | b'@'
                    | b'$'
                    | b'!'
                    | b'%'
                    | b'*'
                    | b'#'
                    | b'^'
                    | b'&'
                    | b'?'
            )
    })
}

fn is_dotted_identifier(v: &[u8]) -> bool {
    let mut parts = 0;
    for p in v.split(|&b| b == b'.') {
        if p.is_empty()
            || !(p[0].is_ascii_alphabetic() || p[0] == b'_')
            || !p.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

// ---------------------------------------------------------------------------------------------
// Checksums

const fn crc_table() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

static CRC_TABLE: [u32; 256] = crc_table();

/// CRC-32 (IEEE 802.3, as zlib's `crc32`).
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c = CRC_TABLE[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base62 (`0-9A-Za-z`), left-padded with `0` to 6 digits.
pub(crate) fn base62_6(mut n: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    let mut i = 6;
    while n > 0 && i > 0 {
        i -= 1;
        out[i] = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// GitHub classic tokens (`ghp_` & co.) and npm tokens: `prefix_` + 30 random base62 chars + 6
/// base62 chars of CRC-32 over the random part.
pub(crate) fn crc_token(cx: &Cx) -> bool {
    let s = cx.secret;
    let Some(us) = s.iter().position(|&b| b == b'_') else {
        return false;
    };
    let body = &s[us + 1..];
    if body.len() != 36 {
        return false;
    }
    let (random, check) = body.split_at(30);
    base62_6(crc32(random)) == check
}

// ---------------------------------------------------------------------------------------------
// Base64 helpers

const fn engine(alpha: &base64::alphabet::Alphabet) -> GeneralPurpose {
    GeneralPurpose::new(
        alpha,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    )
}

static STD: GeneralPurpose = engine(&base64::alphabet::STANDARD);
static URL: GeneralPurpose = engine(&base64::alphabet::URL_SAFE);

/// Decodes standard or URL-safe base64, padded or not.
pub(crate) fn b64(s: &[u8]) -> Option<Vec<u8>> {
    if s.iter().any(|&b| b == b'-' || b == b'_') {
        URL.decode(s).ok()
    } else {
        STD.decode(s).ok()
    }
}

fn json_object(bytes: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_slice::<serde_json::Value>(bytes).ok()? {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Structural verifiers

/// PyPI API tokens: `pypi-` + base64url of a binary (v2) macaroon whose location is `pypi.org`
/// (or `test.pypi.org`): version byte 2, header fields (location, identifier), caveat sections,
/// then a 32-byte signature field.
pub(crate) fn pypi_macaroon(cx: &Cx) -> bool {
    let Some(body) = cx.secret.strip_prefix(b"pypi-") else {
        return false;
    };
    let Some(m) = b64(body) else { return false };
    parse_macaroon_v2(&m).is_some_and(|loc| loc == b"pypi.org" || loc == b"test.pypi.org")
}

fn varint(m: &[u8], pos: &mut usize) -> Option<usize> {
    let mut v: usize = 0;
    for shift in (0..35).step_by(7) {
        let b = *m.get(*pos)?;
        *pos += 1;
        v |= ((b & 0x7f) as usize) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Reads fields until EOS; returns (type, data) pairs.
fn macaroon_section<'a>(m: &'a [u8], pos: &mut usize) -> Option<Vec<(usize, &'a [u8])>> {
    let mut fields = Vec::new();
    loop {
        let t = varint(m, pos)?;
        if t == 0 {
            return Some(fields);
        }
        let len = varint(m, pos)?;
        let data = m.get(*pos..pos.checked_add(len)?)?;
        *pos += len;
        fields.push((t, data));
    }
}

/// Parses a v2 binary macaroon; returns its location.
pub(crate) fn parse_macaroon_v2(m: &[u8]) -> Option<&[u8]> {
    if m.first() != Some(&2) {
        return None;
    }
    let mut pos = 1;
    let header = macaroon_section(m, &mut pos)?;
    let location = header.iter().find(|f| f.0 == 1)?.1;
    header.iter().find(|f| f.0 == 2)?;
    loop {
        if *m.get(pos)? == 0 {
            pos += 1;
            break;
        }
        let caveat = macaroon_section(m, &mut pos)?;
        caveat.iter().find(|f| f.0 == 2)?;
    }
    if varint(m, &mut pos)? != 6 || varint(m, &mut pos)? != 32 {
        return None;
    }
    (m.len() == pos + 32).then_some(location)
}

/// age identities: bech32 with a valid checksum and a 32-byte payload.
pub(crate) fn age_bech32(cx: &Cx) -> bool {
    let Ok(s) = std::str::from_utf8(cx.secret) else {
        return false;
    };
    match bech32::primitives::decode::CheckedHrpstring::new::<bech32::Bech32>(s) {
        Ok(c) => c.byte_iter().count() == 32,
        Err(_) => false,
    }
}

/// JWT: the header decodes to a JSON object with an `alg` other than `none`, and the payload to
/// a JSON object.
pub(crate) fn jwt(cx: &Cx) -> bool {
    let mut parts = cx.secret.split(|&b| b == b'.');
    let (Some(h), Some(p)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Some(header) = b64(h).and_then(|d| json_object(&d)) else {
        return false;
    };
    match header.get("alg").and_then(|a| a.as_str()) {
        Some(a) if !a.eq_ignore_ascii_case("none") => {}
        _ => return false,
    }
    b64(p).and_then(|d| json_object(&d)).is_some()
}

/// Discord bot tokens: the first part is base64 of the bot's numeric user id (a snowflake).
pub(crate) fn discord(cx: &Cx) -> bool {
    let first = cx.secret.split(|&b| b == b'.').next().unwrap_or_default();
    match b64(first) {
        Some(d) => (17..=20).contains(&d.len()) && d.iter().all(u8::is_ascii_digit) && d[0] != b'0',
        None => false,
    }
}

/// Azure storage / Cosmos DB account keys: base64 of 64 random bytes.
pub(crate) fn azure_key64(cx: &Cx) -> bool {
    b64(cx.secret).is_some_and(|d| d.len() == 64)
}

/// Service Bus / Event Hubs shared access keys: base64 of 32 bytes.
pub(crate) fn azure_key32(cx: &Cx) -> bool {
    b64(cx.secret).is_some_and(|d| d.len() == 32)
}

/// Tokens that are `prefix` + base64 of a JSON object (Grafana `glc_`, legacy Grafana keys).
pub(crate) fn b64_json_after_prefix(cx: &Cx) -> bool {
    let s = cx.secret;
    let body = if s.starts_with(b"glc_") { &s[4..] } else { s };
    b64(body).and_then(|d| json_object(&d)).is_some()
}

/// Sentry org auth tokens: `sntrys_` + base64(JSON with `iat`) + `_` + secret.
pub(crate) fn sentry_org(cx: &Cx) -> bool {
    let Some(body) = cx.secret.strip_prefix(b"sntrys_") else {
        return false;
    };
    let Some(us) = body.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    b64(&body[..us])
        .and_then(|d| json_object(&d))
        .is_some_and(|m| m.contains_key("iat"))
}

/// `base64(user:password)` with a real-looking password (Basic auth, Docker `auth`, npm `_auth`).
pub(crate) fn basic_b64(cx: &Cx) -> bool {
    let Some(d) = b64(cx.secret) else {
        return false;
    };
    let Ok(s) = std::str::from_utf8(&d) else {
        return false;
    };
    match s.split_once(':') {
        Some((u, p)) => {
            !u.is_empty()
                && p.len() >= 3
                && !p.chars().any(char::is_control)
                && !is_placeholder(p.as_bytes())
        }
        None => false,
    }
}

/// PEM-like private key blocks: the body is header lines (`Key: value`) and base64 lines only
/// (also inside JSON strings with `\n` escapes, quoted string concatenations, or indented
/// YAML), at least 64 base64 characters, not an ellipsis.
pub(crate) fn pem_body(cx: &Cx) -> bool {
    let w = cx.whole;
    // The body starts after the BEGIN line's closing dashes and ends at the END line.
    let Some(label) = w.iter().position(|&b| b != b'-') else {
        return false;
    };
    let Some(close) = memchr::memmem::find(&w[label..], b"----").map(|p| label + p) else {
        return false;
    };
    let body_start = w[close..]
        .iter()
        .position(|&b| b != b'-')
        .map_or(w.len(), |p| close + p);
    let Some(end) = memchr::memmem::rfind(w, b"END ") else {
        return false;
    };
    let end = w[..end]
        .iter()
        .rposition(|&b| b != b'-' && b != b' ')
        .map_or(0, |p| p + 1);
    if body_start >= end {
        return false;
    }
    // Unescape `\n` / `\r`.
    let mut body = Vec::with_capacity(end - body_start);
    let raw = &w[body_start..end];
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' && matches!(raw.get(i + 1), Some(b'n' | b'r')) {
            body.push(b'\n');
            i += 2;
        } else {
            body.push(raw[i]);
            i += 1;
        }
    }
    let mut n = 0;
    for line in body.split(|&b| b == b'\n') {
        let line = trim_with(line, b" \t\r\"',+\\");
        if line.is_empty() || line.contains(&b':') {
            // Blank, or an armor / PEM header (Proc-Type, DEK-Info, Comment, Version).
            continue;
        }
        if !line
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
        {
            return false;
        }
        n += line.len();
    }
    n >= 64
}

fn trim_with<'a>(mut s: &'a [u8], set: &[u8]) -> &'a [u8] {
    while let [first, rest @ ..] = s {
        if !set.contains(first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !set.contains(last) {
            break;
        }
        s = rest;
    }
    s
}

/// Passwords in URLs: not a placeholder, not the user name again.
pub(crate) fn url_password(cx: &Cx) -> bool {
    if let Some(u) = cx.user
        && u.eq_ignore_ascii_case(cx.secret)
    {
        return false;
    }
    !cx.secret
        .iter()
        .all(|&b| b == b'*' || b == b'x' || b == b'X')
}

/// Random-looking token bodies: after the prefix (up to the first `.`), upper case, lower case
/// and a digit.
pub(crate) fn mixed_token(cx: &Cx) -> bool {
    let s = cx.secret;
    let body = s.iter().position(|&b| b == b'.').map_or(s, |i| &s[i + 1..]);
    body.iter().any(u8::is_ascii_uppercase)
        && body.iter().any(u8::is_ascii_lowercase)
        && body.iter().any(u8::is_ascii_digit)
}

/// `.netrc` / connection-string passwords and other free-form passwords found by pattern: not a
/// placeholder, not a variable.
pub(crate) fn free_password(cx: &Cx) -> bool {
    let s = cx.secret;
    s.len() >= 4 && !is_placeholder(s) && !s.starts_with(b"$") && entropy(s) >= 1.5
}

/// Django `SECRET_KEY`s: 50 characters of its alphabet, or `django-insecure-` + 50.
pub(crate) fn django_key(cx: &Cx) -> bool {
    let s = cx
        .secret
        .strip_prefix(b"django-insecure-")
        .unwrap_or(cx.secret);
    s.len() >= 40 && entropy(s) >= 4.0 && !is_placeholder(s)
}

/// Passwords of connection strings: the value without its quotes or ODBC braces, not a
/// placeholder or a variable.
pub(crate) fn conn_password(cx: &Cx) -> bool {
    let s = cx.secret;
    let inner = match (s.first(), s.last()) {
        (Some(b'{'), Some(b'}')) | (Some(b'\''), Some(b'\'')) if s.len() >= 2 => &s[1..s.len() - 1],
        _ => s,
    };
    inner.len() >= 4
        && !is_dotted_identifier(inner)
        && !is_placeholder(inner)
        && !inner.starts_with(b"$")
        && !inner.starts_with(b"%")
        && !inner.contains(&b'+')
        && entropy(inner) >= 1.5
}

/// Long random-looking values: upper and lower case letters and digits (or base64 symbols).
pub(crate) fn random_mixed(cx: &Cx) -> bool {
    let s = cx.secret;
    let up = s.iter().any(u8::is_ascii_uppercase);
    let low = s.iter().any(u8::is_ascii_lowercase);
    let dig = s.iter().any(u8::is_ascii_digit);
    up && low && dig
}

/// After `://`: a `user:password@` part before the host ends (cheap test before the URL regex).
pub(crate) fn url_userinfo_gate(t: &[u8], e: usize) -> bool {
    let mut colon = false;
    for &b in t.iter().skip(e).take(400) {
        match b {
            b':' => colon = true,
            b'@' => return colon,
            b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'<' | b'>' | b'`' => {
                return false;
            }
            _ => {}
        }
    }
    false
}

/// Vault tokens before 1.10: `s.`/`r.` + exactly 24 base62 characters then a boundary (not a
/// call or a member: `s.AbcDef(`), or `b.AAAAAQ` + a long base64url body.
pub(crate) fn vault_legacy_gate(t: &[u8], e: usize) -> bool {
    if t[..e].ends_with(b"AAAAAQ") {
        return run_of(t, e, 60, |b| {
            b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-'
        });
    }
    run_of(t, e, 24, u8::is_ascii_alphanumeric)
        && !t
            .get(e + 24)
            .is_some_and(|&b| b.is_ascii_alphanumeric() || matches!(b, b'(' | b'.' | b'_' | b'-'))
}
