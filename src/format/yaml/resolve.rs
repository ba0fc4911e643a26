//! Scalar typing as Go `yaml.v3` does it (docs/format.md §10.1), which is what sops uses.

use base64::Engine as _;

use crate::pipeline::tree::Scalar;

/// What a YAML scalar resolves to.
#[derive(Debug)]
pub enum Resolved {
    Null,
    Value(Scalar),
}

/// Why a scalar could not be typed (never carries the value text).
pub type ResolveError = &'static str;

/// Types a plain (unquoted, untagged) scalar.
pub fn resolve_plain(s: &str) -> Result<Resolved, ResolveError> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Resolved::Null),
        "true" | "True" | "TRUE" => return Ok(Resolved::Value(Scalar::Bool(true))),
        "false" | "False" | "FALSE" => return Ok(Resolved::Value(Scalar::Bool(false))),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Ok(Resolved::Value(Scalar::Float(f64::INFINITY)));
        }
        "-.inf" | "-.Inf" | "-.INF" => {
            return Ok(Resolved::Value(Scalar::Float(f64::NEG_INFINITY)));
        }
        ".nan" | ".NaN" | ".NAN" => return Ok(Resolved::Value(Scalar::Float(f64::NAN))),
        _ => {}
    }
    let first = s.as_bytes()[0];
    if first.is_ascii_digit() || first == b'+' || first == b'-' || first == b'.' {
        if first.is_ascii_digit()
            && let Some(t) = parse_timestamp(s)
        {
            return Ok(Resolved::Value(Scalar::Time(t)));
        }
        if let Some(n) = number(s)? {
            return Ok(Resolved::Value(n));
        }
    }
    Ok(Resolved::Value(Scalar::Str(s.to_string())))
}

/// Go `strconv.ParseInt(s, 0, 64)` after removing underscores, then the float syntax.
fn number(s: &str) -> Result<Option<Scalar>, ResolveError> {
    let plain: std::borrow::Cow<str> = if s.contains('_') {
        s.replace('_', "").into()
    } else {
        s.into()
    };
    let (neg, digits) = match plain.as_bytes().first() {
        Some(b'-') => (true, &plain[1..]),
        Some(b'+') => (false, &plain[1..]),
        _ => (false, &plain[..]),
    };
    let (radix, body) = if let Some(r) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, r)
    } else if let Some(r) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, r)
    } else if let Some(r) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, r)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if !body.is_empty() && body.bytes().all(|b| (b as char).is_digit(radix)) {
        return match u128::from_str_radix(body, radix) {
            Ok(v) => {
                let v = if neg { -(v as i128) } else { v as i128 };
                match i64::try_from(v) {
                    Ok(i) => Ok(Some(Scalar::Int(i))),
                    Err(_) => Err("integer out of the 64-bit range"),
                }
            }
            Err(_) => Err("integer out of the 64-bit range"),
        };
    }
    if is_yaml_float(&plain)
        && let Ok(f) = plain.parse::<f64>()
    {
        return Ok(Some(Scalar::Float(f)));
    }
    Ok(None)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// yaml.v3 timestamps: `YYYY-M-D`, `YYYY-M-DTh:m:s[.frac](Z|±hh:mm)` (also `t`),
/// `YYYY-M-D h:m:s[.frac]` (UTC). Returns the canonical RFC 3339 nano form.
pub fn parse_timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut i = 5;
    fn num(b: &[u8], i: &mut usize, min: usize, max: usize) -> Option<u32> {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - start < max {
            *i += 1;
        }
        if *i - start < min {
            return None;
        }
        std::str::from_utf8(&b[start..*i]).ok()?.parse().ok()
    }
    let year: i32 = s[..4].parse().ok()?;
    let month = num(b, &mut i, 1, 2)?;
    if b.get(i) != Some(&b'-') {
        return None;
    }
    i += 1;
    let day = num(b, &mut i, 1, 2)?;
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = time::Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()?;
    if i == b.len() {
        return Some(crate::pipeline::tree::format_time(
            date.with_hms(0, 0, 0).ok()?.assume_utc(),
        ));
    }
    let sep = b[i];
    if sep != b'T' && sep != b't' && sep != b' ' {
        return None;
    }
    i += 1;
    let h = num(b, &mut i, 1, 2)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let m = num(b, &mut i, 1, 2)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let sec = num(b, &mut i, 1, 2)?;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        let frac = &s[start..i.min(start + 9)];
        nanos = frac.parse::<u32>().ok()? * 10u32.pow(9 - frac.len() as u32);
    }
    let t = time::Time::from_hms_nano(
        u8::try_from(h).ok()?,
        u8::try_from(m).ok()?,
        u8::try_from(sec).ok()?,
        nanos,
    )
    .ok()?;
    let pdt = time::PrimitiveDateTime::new(date, t);
    let rest = &b[i..];
    let odt = if sep == b' ' {
        if !rest.is_empty() {
            return None;
        }
        pdt.assume_utc()
    } else if rest == b"Z" {
        pdt.assume_utc()
    } else if rest.len() == 6
        && (rest[0] == b'+' || rest[0] == b'-')
        && rest[3] == b':'
        && rest[1..3].iter().all(u8::is_ascii_digit)
        && rest[4..6].iter().all(u8::is_ascii_digit)
    {
        let oh: i8 = s[i + 1..i + 3].parse().ok()?;
        let om: i8 = s[i + 4..i + 6].parse().ok()?;
        let sign = if rest[0] == b'-' { -1 } else { 1 };
        let off = time::UtcOffset::from_hms(sign * oh, sign * om, 0).ok()?;
        pdt.assume_offset(off)
    } else {
        return None;
    };
    Some(crate::pipeline::tree::format_time(odt))
}

/// Types a scalar with an explicit tag (`!!int` …). `None` tag suffix = unknown tag → string.
pub fn resolve_tagged(suffix: &str, value: &str) -> Result<Resolved, ResolveError> {
    match suffix {
        "str" => Ok(Resolved::Value(Scalar::Str(value.to_string()))),
        "null" => Ok(Resolved::Null),
        "bool" => match resolve_plain(value)? {
            Resolved::Value(Scalar::Bool(b)) => Ok(Resolved::Value(Scalar::Bool(b))),
            _ => Err("a !!bool value is not a boolean"),
        },
        "int" => match (!value.is_empty()).then(|| number(value)) {
            Some(Ok(Some(Scalar::Int(i)))) => Ok(Resolved::Value(Scalar::Int(i))),
            Some(Err(e)) => Err(e),
            _ => Err("a !!int value is not an integer"),
        },
        "float" => match resolve_plain(value)? {
            Resolved::Value(Scalar::Float(f)) => Ok(Resolved::Value(Scalar::Float(f))),
            Resolved::Value(Scalar::Int(i)) => Ok(Resolved::Value(Scalar::Float(i as f64))),
            _ => Err("a !!float value is not a number"),
        },
        "timestamp" => parse_timestamp(value)
            .map(|t| Resolved::Value(Scalar::Time(t)))
            .ok_or("a !!timestamp value is not a timestamp"),
        "binary" => {
            let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_err(|_| "a !!binary value is not base64")?;
            Ok(Resolved::Value(match String::from_utf8(bytes) {
                Ok(s) => Scalar::Str(s),
                Err(e) => Scalar::Bytes(e.into_bytes()),
            }))
        }
        _ => Ok(Resolved::Value(Scalar::Str(value.to_string()))),
    }
}

/// Whether a plain scalar with this text would read back as the string itself.
pub fn plain_is_string(s: &str) -> bool {
    match s {
        "" | "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False"
        | "FALSE" | "<<" => return false,
        _ => {}
    }
    // Only scalars starting with a digit, a sign or a dot can be numbers or timestamps.
    if !matches!(s.as_bytes()[0], b'0'..=b'9' | b'+' | b'-' | b'.') {
        return true;
    }
    matches!(resolve_plain(s), Ok(Resolved::Value(Scalar::Str(_))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> String {
        match resolve_plain(s) {
            Ok(Resolved::Null) => "null".into(),
            Ok(Resolved::Value(v)) => format!(
                "{}:{}",
                v.type_name(),
                String::from_utf8_lossy(&v.canonical_bytes())
            ),
            Err(e) => format!("err:{e}"),
        }
    }

    #[test]
    fn yaml_v3_typing() {
        assert_eq!(r("yes"), "str:yes");
        assert_eq!(r("off"), "str:off");
        assert_eq!(r("0755"), "int:493");
        assert_eq!(r("0o17"), "int:15");
        assert_eq!(r("0x1F"), "int:31");
        assert_eq!(r("-0x1F"), "int:-31");
        assert_eq!(r("0b1010"), "int:10");
        assert_eq!(r("1_000"), "int:1000");
        assert_eq!(r("1e3"), "float:1000");
        assert_eq!(r("08"), "float:8");
        assert_eq!(r("0"), "int:0");
        assert_eq!(r("+5"), "int:5");
        assert_eq!(r(".5"), "float:0.5");
        assert_eq!(r("1."), "float:1");
        assert_eq!(r(".inf"), "float:+Inf");
        assert_eq!(r("-.INF"), "float:-Inf");
        assert_eq!(r(".NaN"), "float:NaN");
        assert_eq!(r("~"), "null");
        assert_eq!(r(""), "null");
        assert_eq!(r("True"), "bool:True");
        assert_eq!(r("tRue"), "str:tRue");
        assert_eq!(r("1.2.3"), "str:1.2.3");
        assert_eq!(r("-"), "str:-");
        assert_eq!(r("2024-01-31"), "time:2024-01-31T00:00:00Z");
        assert_eq!(r("2024-1-3"), "time:2024-01-03T00:00:00Z");
        assert_eq!(
            r("2024-01-31T12:34:56.789+02:00"),
            "time:2024-01-31T12:34:56.789+02:00"
        );
        assert_eq!(r("2024-01-31 12:34:56"), "time:2024-01-31T12:34:56Z");
        assert_eq!(r("2024-02-30"), "str:2024-02-30");
        assert_eq!(
            r("99999999999999999999"),
            "err:integer out of the 64-bit range"
        );
        assert_eq!(r("9223372036854775807"), "int:9223372036854775807");
        assert_eq!(r("-9223372036854775808"), "int:-9223372036854775808");
    }
}
