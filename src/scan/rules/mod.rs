//! Secret detection on one blob of text: the rule catalogue and the [`Detector`].
//!
//! The engine (git walking, reports, suppression files) calls [`Detector::scan`] once per unique
//! blob. Detection works in three steps:
//!
//! 1. one Aho-Corasick pass (ASCII case-insensitive) over every rule's literal keywords (token
//!    prefixes such as `ghp_`, or assignment key words such as `password`);
//! 2. for each rule whose keyword was hit, its full regex runs only on the neighbourhood of the
//!    hits (the hit's line, or a few KB for multi-line formats), then the rule's verifier
//!    (checksums, structure, entropy, placeholder filters);
//! 3. base64 runs (≥ 20 chars) and Kubernetes `Secret` `data:` values are decoded and scanned
//!    again, at most [`ScanOptions::max_decode_depth`] layers deep.
//!
//! sops/veil ciphertext (`ENC[...]`) is never reported, and neither is anything on a line that
//! contains `veil:allow` (or on the line after one with `veil:allow-next-line`).

mod assign;
mod catalog;
mod verify;

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use base64::Engine as _;
use regex::bytes::{Regex, RegexBuilder};
use serde::Serialize;

use catalog::SPECS;

/// One rule of the catalogue: what it matches and how a match is verified.
pub(crate) struct Spec {
    pub id: &'static str,
    pub name: &'static str,
    pub desc: &'static str,
    pub help: &'static str,
    pub sev: Severity,
    pub kw: &'static [&'static str],
    pub re: &'static str,
    pub check: fn(&verify::Cx) -> bool,
    /// Cheap test on the bytes after a keyword hit (its end offset) before the regex runs.
    pub gate: fn(&[u8], usize) -> bool,
    /// Minimum Shannon entropy (bits/byte) of the secret; 0 = not checked.
    pub ent: f32,
    pub min_len: usize,
    /// Reject placeholders (`changeme`, `${VAR}`, `<token>`, …).
    pub ph: bool,
    /// Generic assignment filters (key suffixes, code references, value shape).
    pub generic: bool,
    /// With `generic`: a password (any memorable string passes the shape filters).
    pub pw: bool,
    /// Window around a keyword hit, in bytes, widened to whole lines.
    pub back: usize,
    pub fwd: usize,
    /// Overlap priority: 3 composite, 2 provider, 1 generic.
    pub prio: u8,
}
use verify::Cx;

/// How bad a leak of this kind is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    /// A file that `.sops.yaml` says must be encrypted, in clear text.
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Public description of one detection rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// Stable id, e.g. `github-pat`, `aws-access-key-id`.
    pub id: &'static str,
    pub name: &'static str,
    /// What is detected, and the documented format the rule was written from.
    pub description: &'static str,
    /// What to do about a finding.
    pub help: &'static str,
    pub severity: Severity,
}

/// All rules, in catalogue order (ids are unique and stable).
pub fn rules() -> &'static [RuleInfo] {
    static RULES: OnceLock<Vec<RuleInfo>> = OnceLock::new();
    RULES.get_or_init(|| {
        SPECS
            .iter()
            .map(|s| RuleInfo {
                id: s.id,
                name: s.name,
                description: s.desc,
                help: s.help,
                severity: s.sev,
            })
            .collect()
    })
}

/// Looks a rule up by id.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    rules().iter().find(|r| r.id == id)
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub rule: &'static RuleInfo,
    /// Byte range of the secret within the scanned text: the blob itself when `decoded == 0`,
    /// else the decoded text of the innermost base64 layer.
    pub start: usize,
    pub end: usize,
    /// 1-based line in the ORIGINAL blob (for decoded findings: the line of the base64 string).
    pub line: usize,
    /// Number of base64 layers decoded to find it (0 = found as is).
    pub decoded: u8,
    /// Byte offset in the original blob: the secret's start, or where its base64 text starts.
    pub anchor: usize,
    /// The secret text (lossy UTF-8); the engine redacts it.
    pub secret: String,
}

/// Knobs for [`Detector::scan_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanOptions {
    /// Scan blobs that look binary (a NUL byte in the first 8 KB) too.
    pub include_binary: bool,
    /// Base64 layers to decode and scan (0 disables decoding; at most 2 are honoured).
    pub max_decode_depth: u8,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            include_binary: false,
            max_decode_depth: 2,
        }
    }
}

/// Bytes of a run that a hit's window may reach on either side on a single (very long) line.
const MAX_LINE_REACH: usize = 4096;
/// Minimum length of a base64 run that is decoded and scanned.
const MIN_B64: usize = 20;
/// Largest base64 run decoded.
const MAX_B64: usize = 1 << 20;
/// Decoded bytes scanned per blob at most.
const DECODE_BUDGET: usize = 16 << 20;
/// Hard cap on decoding depth.
const MAX_DEPTH: u8 = 2;

const T_ENC: u16 = u16::MAX;
const T_K8S: u16 = u16::MAX - 1;

struct Keyword {
    /// Only counts when not preceded by an ASCII letter or digit.
    word_start: bool,
    /// Bytes that must match exactly (case-sensitive keywords), else `None`.
    exact: Option<&'static [u8]>,
    len: usize,
    targets: Vec<u16>,
}

/// The compiled rule set. Build once, share across threads.
pub struct Detector {
    ac: AhoCorasick,
    keywords: Vec<Keyword>,
    /// The regex of each pattern rule (`None` for assignment rules).
    regexes: Vec<Option<Regex>>,
    /// Assignment rules: the key regex and the value regex (whole value; `None`: any value).
    assign: Vec<Option<(Regex, Option<Regex>)>>,
    b64: base64::engine::GeneralPurpose,
    /// The index of `kubernetes-secret-value`.
    k8s_rule: u16,
}

#[derive(Debug, Clone)]
struct Raw {
    rule: u16,
    start: usize,
    end: usize,
    layer: u8,
    /// Byte offset in the original blob that gives the line.
    anchor: usize,
    prio: u8,
    secret: Vec<u8>,
}

struct State {
    budget: usize,
    out: Vec<Raw>,
}

impl Default for Detector {
    fn default() -> Self {
        Self::new()
    }
}

impl Detector {
    /// Compiles every rule (regexes and the keyword automaton).
    pub fn new() -> Detector {
        let mut patterns: Vec<String> = Vec::new();
        let mut keywords: Vec<Keyword> = Vec::new();
        let mut add = |raw: &'static str, target: u16| {
            let mut s = raw;
            let mut word_start = false;
            let mut exact = false;
            loop {
                if let Some(r) = s.strip_prefix('^') {
                    word_start = true;
                    s = r;
                } else if let Some(r) = s.strip_prefix('!') {
                    exact = true;
                    s = r;
                } else {
                    break;
                }
            }
            let key = format!(
                "{}{}{}",
                word_start as u8,
                exact as u8,
                s.to_ascii_lowercase()
            );
            if let Some(i) = patterns.iter().position(|p| *p == key) {
                if !keywords[i].targets.contains(&target) {
                    keywords[i].targets.push(target);
                }
            } else {
                patterns.push(key);
                keywords.push(Keyword {
                    word_start,
                    exact: exact.then_some(s.as_bytes()),
                    len: s.len(),
                    targets: vec![target],
                });
            }
        };
        for (i, spec) in SPECS.iter().enumerate() {
            assert!(!spec.kw.is_empty(), "rule {} has no keyword", spec.id);
            for kw in spec.kw {
                add(kw, i as u16);
            }
        }
        add("!ENC[", T_ENC);
        add("!kind: Secret", T_K8S);
        add("!kind: \"Secret\"", T_K8S);
        add("!kind: 'Secret'", T_K8S);
        let needles: Vec<&str> = patterns.iter().map(|p| &p[2..]).collect();
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&needles)
            .expect("keyword automaton");
        let build = |id: &str, re: &str| {
            RegexBuilder::new(re)
                .unicode(false)
                .size_limit(1 << 24)
                .build()
                .unwrap_or_else(|e| panic!("rule {id}: bad regex: {e}"))
        };
        let mut regexes = Vec::new();
        let mut assign = Vec::new();
        for s in SPECS {
            match s.re.strip_prefix(catalog::KV) {
                Some(kv) => {
                    let (k, v) = kv.split_once('\0').expect("key and value");
                    let key = build(s.id, &format!("(?i:{k})"));
                    let val = (!v.is_empty()).then(|| build(s.id, &format!("^(?:{v})$")));
                    regexes.push(None);
                    assign.push(Some((key, val)));
                }
                None => {
                    regexes.push(Some(build(s.id, s.re)));
                    assign.push(None);
                }
            }
        }
        let b64 = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
                .with_decode_allow_trailing_bits(true),
        );
        let k8s_rule = SPECS
            .iter()
            .position(|s| s.id == "kubernetes-secret-value")
            .expect("the Kubernetes rule") as u16;
        Detector {
            ac,
            keywords,
            regexes,
            assign,
            b64,
            k8s_rule,
        }
    }

    /// Shared, lazily built detector.
    pub fn shared() -> &'static Detector {
        static D: OnceLock<Detector> = OnceLock::new();
        D.get_or_init(Detector::new)
    }

    /// Scans one blob with the default options (binary blobs skipped, 2 base64 layers).
    pub fn scan(&self, blob: &[u8]) -> Vec<Match> {
        self.scan_with(blob, ScanOptions::default())
    }

    /// Scans one blob.
    pub fn scan_with(&self, blob: &[u8], opts: ScanOptions) -> Vec<Match> {
        if !opts.include_binary && looks_binary(blob) {
            return Vec::new();
        }
        let mut st = State {
            budget: DECODE_BUDGET,
            out: Vec::new(),
        };
        self.scan_text(blob, 0, 0, opts.max_decode_depth.min(MAX_DEPTH), &mut st);
        if st.out.is_empty() {
            return Vec::new();
        }
        self.finish(blob, st.out)
    }

    fn scan_text(&self, text: &[u8], layer: u8, anchor: usize, max_depth: u8, st: &mut State) {
        let mut hits: Vec<(u16, usize, usize)> = Vec::new();
        let mut enc: Vec<(usize, usize)> = Vec::new();
        let mut k8s = false;
        let first = st.out.len();
        // The assignment at the last keyword hit (several rules share keywords).
        let mut parsed: Option<((usize, usize), Option<assign::Assignment>)> = None;
        for m in self.ac.find_overlapping_iter(text) {
            let kw = &self.keywords[m.pattern().as_usize()];
            let s = m.start();
            if kw.word_start && s > 0 && text[s - 1].is_ascii_alphanumeric() {
                continue;
            }
            if let Some(exact) = kw.exact
                && &text[s..m.end()] != exact
            {
                continue;
            }
            for &t in &kw.targets {
                match t {
                    T_ENC => enc.push(enc_span(text, s)),
                    T_K8S => k8s = true,
                    r if self.assign[r as usize].is_some() => {
                        let at = (s, m.end());
                        let a = match parsed {
                            Some((p, a)) if p == at => a,
                            _ => {
                                let a = assign::parse(text, s, m.end());
                                parsed = Some((at, a));
                                a
                            }
                        };
                        if let Some(a) = a {
                            self.run_assign(r, text, &a, layer, anchor, st);
                        }
                    }
                    r if !(SPECS[r as usize].gate)(text, m.end()) => {}
                    r => hits.push((r, s, kw.len)),
                }
            }
        }
        if !hits.is_empty() {
            hits.sort_unstable();
            let mut i = 0;
            while i < hits.len() {
                let rule = hits[i].0;
                let spec = &SPECS[rule as usize];
                let mut win: Option<(usize, usize)> = None;
                while i < hits.len() && hits[i].0 == rule {
                    let (_, p, len) = hits[i];
                    i += 1;
                    let ws = line_start(text, p.saturating_sub(spec.back));
                    let we = line_end(text, (p + len + spec.fwd).min(text.len()));
                    match win {
                        Some((a, b)) if ws <= b => win = Some((a, b.max(we))),
                        Some((a, b)) => {
                            self.run_rule(rule, text, a, b, layer, anchor, st);
                            win = Some((ws, we));
                        }
                        None => win = Some((ws, we)),
                    }
                }
                if let Some((a, b)) = win {
                    self.run_rule(rule, text, a, b, layer, anchor, st);
                }
            }
        }
        // Drop what sits inside sops/veil ciphertext, then resolve overlaps: composite rules
        // beat provider rules, which beat generic ones; within a level the catalogue order wins.
        let mut found: Vec<Raw> = st.out.split_off(first);
        // Kubernetes Secret data values are reported decoded, not as base64.
        let k8s = if k8s && layer == 0 {
            k8s_values(text)
        } else {
            Vec::new()
        };
        let mut skip = Spans::new(
            enc.iter()
                .copied()
                .chain(k8s.iter().filter(|v| v.encoded).map(|v| v.value)),
        );
        found.retain(|r| !skip.overlaps(r.start, r.end));
        found.sort_by(|a, b| {
            b.prio
                .cmp(&a.prio)
                .then(a.rule.cmp(&b.rule))
                .then(a.start.cmp(&b.start))
        });
        let mut kept: std::collections::BTreeMap<usize, usize> = Default::default();
        for r in found {
            let clash = kept
                .range(..r.end)
                .next_back()
                .is_some_and(|(_, &end)| end > r.start);
            if !clash {
                kept.insert(r.start, r.end);
                skip.add(r.start, r.end);
                st.out.push(r);
            }
        }

        if layer >= max_depth {
            return;
        }
        self.k8s_data(text, &k8s, max_depth, st);
        self.base64_layers(text, layer, anchor, max_depth, &mut skip, st);
    }

    /// An assignment rule on a parsed assignment: key and value regexes, then the verifiers.
    fn run_assign(
        &self,
        rule: u16,
        text: &[u8],
        a: &assign::Assignment,
        layer: u8,
        anchor: usize,
        st: &mut State,
    ) {
        let Some((key_re, val_re)) = &self.assign[rule as usize] else {
            return;
        };
        let key = &text[a.key.0..a.key.1];
        let val = &text[a.value.0..a.value.1];
        if !key_re.is_match(key) || val_re.as_ref().is_some_and(|v| !v.is_match(val)) {
            return;
        }
        let spec: &Spec = &SPECS[rule as usize];
        let cx = Cx {
            secret: val,
            whole: val,
            key: Some(key),
            op: Some(a.op),
            user: None,
            quoted: a.quoted,
            quote: a.quote,
        };
        if !verify::accept(spec, &cx) {
            return;
        }
        if st
            .out
            .iter()
            .rev()
            .take(8)
            .any(|r| r.rule == rule && r.start == a.value.0 && r.layer == layer)
        {
            return;
        }
        st.out.push(Raw {
            rule,
            start: a.value.0,
            end: a.value.1,
            layer,
            anchor: if layer == 0 { a.value.0 } else { anchor },
            prio: spec.prio,
            secret: val.to_vec(),
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn run_rule(
        &self,
        rule: u16,
        text: &[u8],
        ws: usize,
        we: usize,
        layer: u8,
        anchor: usize,
        st: &mut State,
    ) {
        let spec: &Spec = &SPECS[rule as usize];
        let Some(re) = &self.regexes[rule as usize] else {
            return;
        };
        let hay = &text[ws..we];
        for caps in re.captures_iter(hay) {
            let whole = caps.get(0).expect("group 0");
            let sec = ["s", "dq", "sq", "bare"]
                .iter()
                .find_map(|n| caps.name(n))
                .unwrap_or(whole);
            let secret = sec.as_bytes();
            let cx = Cx {
                secret,
                whole: whole.as_bytes(),
                key: caps.name("key").map(|m| m.as_bytes()),
                op: None,
                user: caps.name("user").map(|m| m.as_bytes()),
                quoted: caps.name("bare").is_none(),
                quote: 0,
            };
            if !verify::accept(spec, &cx) {
                continue;
            }
            let start = ws + sec.start();
            st.out.push(Raw {
                rule,
                start,
                end: ws + sec.end(),
                layer,
                anchor: if layer == 0 { start } else { anchor },
                prio: spec.prio,
                secret: secret.to_vec(),
            });
        }
    }

    /// Decodes base64 runs (outside findings and ciphertext) and scans the text they hold.
    fn base64_layers(
        &self,
        text: &[u8],
        layer: u8,
        anchor: usize,
        max_depth: u8,
        taken: &mut Spans,
        st: &mut State,
    ) {
        let mut i = 0;
        let n = text.len();
        while let Some((s, run_end)) = next_b64_run(text, i) {
            i = run_end;
            let mut e = i;
            while e < n && e - i < 2 && text[e] == b'=' {
                e += 1;
            }
            let run_len = i - s;
            i = e;
            if !(MIN_B64..=MAX_B64).contains(&run_len) || run_len % 4 == 1 {
                continue;
            }
            // A run glued to a base64url/identifier character is part of something else.
            if (s > 0 && matches!(text[s - 1], b'-' | b'_' | b'.' | b'%' | b'\\'))
                || (e < n && matches!(text[e], b'-' | b'_' | b'%'))
            {
                continue;
            }
            if taken.overlaps(s, e) {
                continue;
            }
            if (e - s) / 4 * 3 > st.budget {
                return;
            }
            // Cheap look at the first 48 decoded bytes before decoding a long run.
            if run_len > 64 {
                let Ok(head) = self.b64.decode(&text[s..s + 64]) else {
                    continue;
                };
                if !printable_prefix(&head) {
                    continue;
                }
            }
            let Ok(decoded) = self.b64.decode(&text[s..e]) else {
                continue;
            };
            st.budget -= decoded.len();
            if !printable(&decoded) {
                continue;
            }
            let a = if layer == 0 { s } else { anchor };
            self.scan_text(&decoded, layer + 1, a, max_depth, st);
        }
    }

    /// Kubernetes `Secret` manifests: every `data:` value is base64 whatever its length; scan
    /// `key: <decoded>` so that assignment rules see the key too. A value in which no rule finds
    /// anything is reported as it is (every value of a Secret is secret), as is a `stringData:`
    /// value that no rule reported.
    fn k8s_data(&self, text: &[u8], values: &[K8sValue], max_depth: u8, st: &mut State) {
        for v in values {
            let key = &text[v.key.0..v.key.1];
            let raw = &text[v.value.0..v.value.1];
            let decoded;
            let value: &[u8] = if v.encoded {
                let Ok(d) = self.b64.decode(raw) else {
                    continue;
                };
                if d.len() > st.budget || !printable(&d) {
                    continue;
                }
                st.budget -= d.len();
                decoded = d;
                let before = st.out.len();
                let mut synth = Vec::with_capacity(key.len() + 2 + decoded.len());
                synth.extend_from_slice(key);
                synth.extend_from_slice(b": ");
                synth.extend_from_slice(&decoded);
                self.scan_text(&synth, 1, v.value.0, max_depth, st);
                if st.out.len() > before {
                    continue;
                }
                &decoded
            } else {
                if st
                    .out
                    .iter()
                    .any(|r| r.layer == 0 && r.start < v.value.1 && v.value.0 < r.end)
                {
                    continue;
                }
                raw
            };
            if !k8s_value_worth_reporting(key, value) {
                continue;
            }
            let spec = &SPECS[self.k8s_rule as usize];
            let (start, end, layer) = if v.encoded {
                (key.len() + 2, key.len() + 2 + value.len(), 1)
            } else {
                (v.value.0, v.value.1, 0)
            };
            st.out.push(Raw {
                rule: self.k8s_rule,
                start,
                end,
                layer,
                anchor: v.value.0,
                prio: spec.prio,
                secret: value.trim_ascii().to_vec(),
            });
        }
    }

    /// Line numbers, inline suppression, de-duplication.
    fn finish(&self, blob: &[u8], mut raws: Vec<Raw>) -> Vec<Match> {
        raws.sort_by(|a, b| {
            a.anchor
                .cmp(&b.anchor)
                .then(a.layer.cmp(&b.layer))
                .then(a.start.cmp(&b.start))
        });
        let all = rules();
        let mut out: Vec<Match> = Vec::with_capacity(raws.len());
        let mut line = 1;
        let mut counted = 0;
        let mut seen = std::collections::HashSet::new();
        let mut cached = (0usize, false);
        for r in raws {
            let a = r.anchor.min(blob.len());
            line += memchr::memchr_iter(b'\n', &blob[counted..a]).count();
            counted = a;
            // Matches come sorted by anchor: decide suppression once per line.
            if cached.0 != line {
                cached = (line, suppressed(blob, a));
            }
            if cached.1 {
                continue;
            }
            let rule = &all[r.rule as usize];
            let secret = String::from_utf8_lossy(&r.secret).into_owned();
            if !seen.insert((r.rule, line, r.secret.clone())) {
                continue;
            }
            out.push(Match {
                rule,
                start: r.start,
                end: r.end,
                line,
                decoded: r.layer,
                anchor: r.anchor,
                secret,
            });
        }
        out
    }
}

/// A set of byte ranges, queried for overlap.
struct Spans {
    /// Sorted by start once `dirty` is false.
    v: Vec<(usize, usize)>,
    /// Running maximum of ends, aligned with `v`.
    max_end: Vec<usize>,
    dirty: bool,
}

impl Spans {
    fn new(it: impl Iterator<Item = (usize, usize)>) -> Spans {
        Spans {
            v: it.collect(),
            max_end: Vec::new(),
            dirty: true,
        }
    }

    fn add(&mut self, a: usize, b: usize) {
        self.v.push((a, b));
        self.dirty = true;
    }

    /// Whether `[a, b)` overlaps any span.
    fn overlaps(&mut self, a: usize, b: usize) -> bool {
        if self.v.is_empty() {
            return false;
        }
        if self.dirty {
            self.v.sort_unstable();
            self.max_end.clear();
            let mut m = 0;
            for &(_, e) in &self.v {
                m = m.max(e);
                self.max_end.push(m);
            }
            self.dirty = false;
        }
        // Spans starting before `b`; one of them overlaps iff the largest end among them > a.
        let n = self.v.partition_point(|&(s, _)| s < b);
        n > 0 && self.max_end[n - 1] > a
    }
}

/// One `key: base64` entry under `data:` in a Kubernetes `Secret` (byte ranges).
struct K8sValue {
    key: (usize, usize),
    value: (usize, usize),
    /// Under `data:` (base64), not `stringData:`.
    encoded: bool,
}

/// Keys of a Secret whose values name things rather than being secret.
fn k8s_value_worth_reporting(key: &[u8], value: &[u8]) -> bool {
    let k = key.to_ascii_lowercase();
    const PLAIN: &[&[u8]] = &[
        b"username",
        b"user",
        b"host",
        b"hostname",
        b"port",
        b"database",
        b"dbname",
        b"db",
        b"name",
        b"namespace",
        b"region",
        b"url",
        b"endpoint",
        b"email",
        b"login",
        b"server",
        b"address",
        b"bucket",
        b"account",
        b"ca.crt",
        b"tls.crt",
        b"cert",
        b"certificate",
        b"service-ca.crt",
        b"type",
        b"provider",
        b"schema",
        b"sslmode",
    ];
    let v = value.trim_ascii();
    // Sentences, flow collections and quoted fragments are not secret values.
    if v.iter()
        .any(|&b| matches!(b, b' ' | b'"' | b'[' | b'{' | b'`' | b'\'' | b'\n'))
        || v.ends_with(b",")
    {
        return false;
    }
    !PLAIN.iter().any(|p| {
        k.ends_with(p)
            && (k.len() == p.len() || matches!(k[k.len() - p.len() - 1], b'_' | b'-' | b'.'))
    }) && !k.ends_with(b".crt")
        && !k.ends_with(b".pem.pub")
        && v.len() >= 6
        && v.len() <= 8192
        && !v.starts_with(b"ENC[")
        && !v.starts_with(b"-----BEGIN CERTIFICATE")
        && !verify::is_placeholder(v)
}

/// Finds the `data:` and `stringData:` entries of a YAML Kubernetes `Secret`.
fn k8s_values(text: &[u8]) -> Vec<K8sValue> {
    let mut out = Vec::new();
    // (indent of the block, encoded)
    let mut block: Option<(usize, bool)> = None;
    let mut pos = 0;
    while pos < text.len() {
        let end = memchr::memchr(b'\n', &text[pos..]).map_or(text.len(), |k| pos + k);
        let line = &text[pos..end];
        let line_pos = pos;
        pos = end + 1;
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        let body = line[indent..].trim_ascii_end();
        if body.is_empty() || body[0] == b'#' {
            continue;
        }
        if body == b"---" {
            block = None;
            continue;
        }
        if body == b"data:" || body == b"stringData:" {
            block = Some((indent, body == b"data:"));
            continue;
        }
        let Some((d, encoded)) = block else { continue };
        if indent <= d {
            block = None;
            continue;
        }
        let Some(colon) = body.iter().position(|&b| b == b':') else {
            continue;
        };
        let mut key = &body[..colon];
        let mut ks = line_pos + indent;
        if key.len() >= 2 && matches!(key[0], b'"' | b'\'') && key[key.len() - 1] == key[0] {
            key = &key[1..key.len() - 1];
            ks += 1;
        }
        let rest = &body[colon + 1..];
        let lead = rest.len() - rest.trim_ascii_start().len();
        let mut vs = line_pos + indent + colon + 1 + lead;
        let mut ve = line_pos + indent + body.len();
        // A trailing comment.
        if let Some(h) = memchr::memmem::find(&text[vs..ve], b" #") {
            ve = vs + h;
            while ve > vs && text[ve - 1] == b' ' {
                ve -= 1;
            }
        }
        if ve > vs && ve - vs >= 2 && matches!(text[vs], b'"' | b'\'') && text[ve - 1] == text[vs] {
            vs += 1;
            ve -= 1;
        }
        let val = &text[vs..ve];
        if val.len() < 4
            || key.is_empty()
            || !key
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            || (encoded && !val.iter().all(|&b| is_b64(b) || b == b'='))
            || val.starts_with(b"|")
            || val.starts_with(b">")
        {
            continue;
        }
        out.push(K8sValue {
            key: (ks, ks + key.len()),
            value: (vs, ve),
            encoded,
        });
    }
    out
}

/// `veil:allow` on the line of `pos`, or `veil:allow-next-line` on the line before.
fn suppressed(blob: &[u8], pos: usize) -> bool {
    let ls = memchr::memrchr(b'\n', &blob[..pos]).map_or(0, |k| k + 1);
    let le = memchr::memchr(b'\n', &blob[pos..]).map_or(blob.len(), |k| pos + k);
    if memchr::memmem::find(&blob[ls..le], b"veil:allow").is_some() {
        return true;
    }
    if ls == 0 {
        return false;
    }
    let ps = memchr::memrchr(b'\n', &blob[..ls - 1]).map_or(0, |k| k + 1);
    memchr::memmem::find(&blob[ps..ls - 1], b"veil:allow-next-line").is_some()
}

fn looks_binary(blob: &[u8]) -> bool {
    memchr::memchr(0, &blob[..blob.len().min(8192)]).is_some()
}

fn is_b64(b: u8) -> bool {
    B64[b as usize]
}

/// The base64 alphabet (`A-Za-z0-9+/`), as a table.
static B64: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
        b += 1;
    }
    t
};

/// The next maximal run of base64 characters at least [`MIN_B64`] long that starts at or after
/// `from` (`from` is the start of the text or just after a non-base64 byte), as `(start, end)`.
///
/// Most text has no such run, and is skipped rather than walked: the search probes the last
/// byte `p` of the earliest run it could still find (`lo + MIN_B64 - 1`). A non-base64 byte
/// there rules out every run starting at or before `p`; a base64 byte is walked back to the
/// start of its run, which either is long enough already or is where the next probe counts from.
fn next_b64_run(text: &[u8], from: usize) -> Option<(usize, usize)> {
    let n = text.len();
    // The earliest start of a qualifying run: `from`, or just after a non-base64 byte; and
    // `[lo, known)` is known to be base64 already, so no byte is looked at twice.
    let (mut lo, mut known) = (from, from);
    loop {
        let p = lo + MIN_B64 - 1;
        if p >= n {
            return None;
        }
        let mut s = p + 1;
        while s > known && B64[text[s - 1] as usize] {
            s -= 1;
        }
        if s > known {
            // `text[s - 1]` is not base64: a run can only start at `s`, and `[s, p]` is base64.
            lo = s;
            known = p + 1;
            continue;
        }
        let mut e = p + 1;
        while e < n && B64[text[e] as usize] {
            e += 1;
        }
        return Some((lo, e));
    }
}

/// Decoded bytes that are worth scanning: UTF-8 text without control characters.
fn printable(d: &[u8]) -> bool {
    if d.len() < 4 {
        return false;
    }
    let Ok(s) = std::str::from_utf8(d) else {
        return false;
    };
    !s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Like [`printable`], for a prefix that may end inside a UTF-8 sequence.
fn printable_prefix(d: &[u8]) -> bool {
    let valid = match std::str::from_utf8(d) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&d[..e.valid_up_to()]).expect("valid prefix")
        }
        Err(_) => return false,
    };
    !valid
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Start of the line holding `p` (bounded reach on huge lines).
fn line_start(text: &[u8], p: usize) -> usize {
    let lo = p.saturating_sub(MAX_LINE_REACH);
    memchr::memrchr(b'\n', &text[lo..p]).map_or(lo, |k| lo + k + 1)
}

/// End of the line holding `p` (exclusive, bounded reach on huge lines).
fn line_end(text: &[u8], p: usize) -> usize {
    let hi = (p + MAX_LINE_REACH).min(text.len());
    memchr::memchr(b'\n', &text[p..hi]).map_or(hi, |k| p + k)
}

/// Extent of an `ENC[...]` value starting at `s` (up to its `]`, bounded).
fn enc_span(text: &[u8], s: usize) -> (usize, usize) {
    let hi = (s + 65536).min(text.len());
    let e = memchr::memchr(b']', &text[s..hi]).map_or(s + 4, |k| s + k + 1);
    (s, e)
}
