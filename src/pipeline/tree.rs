//! The SOPS tree model (docs/format.md §1, §3): ordered documents of mappings, sequences, typed scalars,
//! nulls and comments. Every leaf remembers the byte span it came from so that a store can write
//! the document back by copying its input and replacing only the spans that changed.

use std::borrow::Cow;
use std::ops::Range;

/// A typed scalar value, as the `type:` field names them (format §2.1).
#[derive(Clone, PartialEq)]
pub enum Scalar {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A timestamp, held in its canonical RFC 3339 nano form (`2024-01-31T00:00:00Z`).
    Time(String),
    Bytes(Vec<u8>),
}

// Scalars hold secrets: never print them.
impl std::fmt::Debug for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scalar::{}(<redacted>)", self.type_name())
    }
}

impl Scalar {
    /// The `type:` name written in an `ENC[...]` value.
    pub fn type_name(&self) -> &'static str {
        match self {
            Scalar::Str(_) => "str",
            Scalar::Int(_) => "int",
            Scalar::Float(_) => "float",
            Scalar::Bool(_) => "bool",
            Scalar::Time(_) => "time",
            // sops 3.x never writes `bytes` (and panics reading it): raw bytes go out as `str`,
            // which is how sops encrypts binary files that are not UTF-8.
            Scalar::Bytes(_) => "str",
        }
    }

    /// The bytes sops encrypts and hashes for this value (format §2.1, §6.1).
    pub fn canonical_bytes(&self) -> Cow<'_, [u8]> {
        match self {
            Scalar::Str(s) | Scalar::Time(s) => Cow::Borrowed(s.as_bytes()),
            Scalar::Bytes(b) => Cow::Borrowed(b),
            Scalar::Int(i) => Cow::Owned(i.to_string().into_bytes()),
            Scalar::Float(f) => Cow::Owned(format_float(*f).into_bytes()),
            Scalar::Bool(true) => Cow::Borrowed(b"True"),
            Scalar::Bool(false) => Cow::Borrowed(b"False"),
        }
    }

    /// Parses decrypted plaintext back into a typed value (format §2.1, "parsed back as").
    pub fn from_typed(type_name: &str, bytes: Vec<u8>) -> Result<Scalar, String> {
        let text =
            || String::from_utf8(bytes.clone()).map_err(|_| "value is not UTF-8".to_string());
        Ok(match type_name {
            // Non-UTF-8 strings (binary store) are kept as bytes.
            "str" => match String::from_utf8(bytes) {
                Ok(s) => Scalar::Str(s),
                Err(e) => Scalar::Bytes(e.into_bytes()),
            },
            "bytes" => Scalar::Bytes(bytes),
            "int" => Scalar::Int(
                text()?
                    .parse()
                    .map_err(|_| "invalid int value".to_string())?,
            ),
            "float" => Scalar::Float(parse_go_float(&text()?).ok_or("invalid float value")?),
            "bool" => Scalar::Bool(parse_go_bool(&text()?).ok_or("invalid bool value")?),
            "time" => Scalar::Time(canonical_time(&text()?).ok_or("invalid time value")?),
            other => return Err(format!("unknown datatype {other:?}")),
        })
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Go `strconv.FormatFloat(f, 'f', -1, 64)`: shortest round-trip decimal, never an exponent.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        }
    } else {
        // Rust's Display is the shortest round-trip representation without exponent.
        format!("{f}")
    }
}

/// Go `strconv.ParseFloat` for the forms sops writes (plus the usual decimal/exponent forms).
pub fn parse_go_float(s: &str) -> Option<f64> {
    match s {
        "NaN" | "nan" => Some(f64::NAN),
        "+Inf" | "Inf" | "inf" | "+inf" | "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Inf" | "-inf" | "-Infinity" => Some(f64::NEG_INFINITY),
        _ => s.replace('_', "").parse().ok(),
    }
}

/// Go `strconv.ParseBool`.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Parses an RFC 3339 timestamp and renders it like Go's `Time.MarshalText`.
pub fn canonical_time(s: &str) -> Option<String> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    Some(format_time(t))
}

/// Go `Time.MarshalText`: RFC 3339 with nanoseconds, trailing fractional zeros trimmed,
/// `Z` for UTC, else `±hh:mm`.
pub fn format_time(t: time::OffsetDateTime) -> String {
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let nanos = t.nanosecond();
    if nanos != 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    let off = t.offset();
    if off.is_utc() {
        out.push('Z');
    } else {
        let secs = off.whole_seconds();
        let sign = if secs < 0 { '-' } else { '+' };
        let secs = secs.abs();
        out.push_str(&format!(
            "{sign}{:02}:{:02}",
            secs / 3600,
            (secs % 3600) / 60
        ));
    }
    out
}

/// A scalar or comment leaf, with where it came from in the source text.
#[derive(Clone, Debug)]
pub struct Leaf {
    pub value: Scalar,
    /// Byte range of the leaf's text in the store's input (None for leaves that do not map to a
    /// single span, e.g. inside an expanded YAML alias, or built from scratch).
    pub span: Option<Range<usize>>,
    /// Store-specific rendering context (indentation, flow/block, quoting position…).
    pub ctx: u32,
    /// Set when the value was replaced (encrypted or decrypted) and must be written back.
    pub changed: bool,
    /// Exact text to write for this leaf instead of the store's default rendering
    /// (the original lexeme restored from the layout record).
    pub text: Option<String>,
}

impl Leaf {
    pub fn new(value: Scalar, span: Option<Range<usize>>, ctx: u32) -> Leaf {
        Leaf {
            value,
            span,
            ctx,
            changed: false,
            text: None,
        }
    }

    /// Replaces the value, marking the leaf for rewriting.
    pub fn set(&mut self, value: Scalar, text: Option<String>) {
        self.value = value;
        self.text = text;
        self.changed = true;
    }
}

/// A node of a document tree.
#[derive(Clone, Debug)]
pub enum Node {
    Map(Vec<Entry>),
    Seq(Vec<Node>),
    Scalar(Leaf),
    Null,
    /// A comment (only as a sequence item; mapping comments are [`Entry::Comment`]).
    Comment(Leaf),
    /// A YAML alias (`*name`), expanded: the walk treats it as a copy of its target with its own
    /// path. `span` is where the alias text stands in the source.
    Alias(Alias),
}

#[derive(Clone, Debug)]
pub struct Alias {
    pub name: String,
    pub span: Range<usize>,
    pub target: Box<Node>,
    pub ctx: u32,
}

/// An entry of a mapping: a key/value pair or a comment.
#[derive(Clone, Debug)]
pub enum Entry {
    Pair(String, Node),
    Comment(Leaf),
}

impl Node {
    /// The value of entry `i` of a mapping (`None` for a comment entry) or item `i` of a
    /// sequence.
    pub fn child_at(&self, i: usize) -> Option<&Node> {
        match self {
            Node::Map(e) => match e.get(i)? {
                Entry::Pair(_, v) => Some(v),
                Entry::Comment(_) => None,
            },
            Node::Seq(items) => items.get(i),
            _ => None,
        }
    }

    pub fn map_get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find_map(|e| match e {
                Entry::Pair(k, v) if k == key => Some(v),
                _ => None,
            }),
            Node::Alias(a) => a.target.map_get(key),
            _ => None,
        }
    }

    /// The node reached by following entry/item indexes (comment entries count as positions).
    pub fn at_index_path(&self, path: &[usize]) -> Option<&Node> {
        let mut node = self;
        for &i in path {
            node = match node {
                Node::Map(entries) => match entries.get(i)? {
                    Entry::Pair(_, v) => v,
                    Entry::Comment(_) => return None,
                },
                Node::Seq(items) => items.get(i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// [`Node::at_index_path`], mutably.
    pub fn at_index_path_mut(&mut self, path: &[usize]) -> Option<&mut Node> {
        let mut node = self;
        for &i in path {
            node = match node {
                Node::Map(entries) => match entries.get_mut(i)? {
                    Entry::Pair(_, v) => v,
                    Entry::Comment(_) => return None,
                },
                Node::Seq(items) => items.get_mut(i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Follows aliases to the node that carries the data.
    pub fn resolved(&self) -> &Node {
        match self {
            Node::Alias(a) => a.target.resolved(),
            n => n,
        }
    }
}
