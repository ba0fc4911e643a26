#!/usr/bin/env python3
"""Builds the hostile-input corpus: malformed and tampered files of every format.

    python3 testdata/hostile/generate.py            # writes cases/ and the list of cases
    python3 testdata/hostile/generate.py --record target/debug/veil
                                                    # also records each case's exit code

Each case is derived from the files in base/ (p.* plaintext, e.* the same files encrypted by
veil for the public DEMO key testdata/demo/demo-age-key.txt): ENC values cut, altered or
swapped, metadata fields removed, mistyped or repeated, whole-file damage (BOM, NUL bytes,
invalid UTF-8, truncation), deep nesting and alias bombs, and malformed plaintext.

MANIFEST lists `exit-code<TAB>command<TAB>file` (command: `decrypt` or `encrypt`). The
end-to-end test tests/hostile.rs runs the built binary on every case and requires that exact
exit code, one line on stderr, no panic and no signal. `--record` runs a veil binary to fill
in the codes; cases it accepts (exit 0) are not bad input and are left out (the script lists
them, so that each can be checked to be harmless: e.g. a changed `recipient` string, which is
not authenticated, by sops either). Those accepted today, each as sops does:
  - a `type:` of another valid type (`bytes`, or `int` for digits): the MAC covers the bytes;
  - `#enc[…]` in YAML/TOML/dotenv/INI: a plain comment (comments are outside the MAC);
  - text after an ENC value's `]` in dotenv (sops' pattern ignores it; the value is replaced
    on the next write);
  - JSON with CR line ends (CR is JSON whitespace);
  - a comment-only plaintext file (encrypted as its comment);
  - an empty `veil_layout` mapping (the record's form, with no entries: the data is the MAC's,
    only the original formatting is lost);
  - dotenv keys that are empty or hold a space, NUL or CR in a value; INI duplicate keys, NUL
    in a value, `[a]]` (sops' readers take them; veil keeps the bytes).
"""

import base64
import copy
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "base")
OUT = os.path.join(HERE, "cases")
DEMO_KEY = os.path.join(HERE, "..", "demo", "demo-age-key.txt")
DEMO_RECIPIENT = "age10lnkr48tkuzas47wgxte37rj80jsauwka7k354rzvepfjely3pvst8a4le"
OTHER_RECIPIENT = "age13pt4m8xjdrkqmll3pwtmwr6ah5ysfz7zzy8lqj8qx7nwn2sgs58qc7kr5p"

cases = []  # (file name, command)


def write(name, data, ext, command):
    if isinstance(data, str):
        data = data.encode()
    fname = f"{len(cases) + 1:04d}-{name}.{ext}"
    with open(os.path.join(OUT, fname), "wb") as f:
        f.write(data)
    cases.append((fname, command))


def read(name, binary=False):
    with open(os.path.join(BASE, name), "rb" if binary else "r") as f:
        return f.read()


ENC = re.compile(r"ENC\[AES256_GCM,data:([^,\]]*),iv:([^,\]]*),tag:([^,\]]*),type:([a-z]*)\]")


def enc_values(ext):
    """Mutations of the ENC values of e.<ext>: values, comments and the metadata's MAC."""
    e = read(f"e.{ext}")
    oext = "json" if ext == "bin" else ext
    ms = list(ENC.finditer(e))
    for i, m in enumerate(ms[:4] + ms[-2:]):
        d, iv, tag, ty = m.groups()

        def sub(new, m=m):
            return e[: m.start()] + new + e[m.end() :]

        def enc(d=d, iv=iv, tag=tag, ty=ty, close="]", alg="AES256_GCM"):
            return f"ENC[{alg},data:{d},iv:{iv},tag:{tag},type:{ty}{close}"

        other_type = "int" if ty != "int" else "bool"
        for name, text in [
            ("trunc-data", enc(d=d[:-2])),
            ("badb64-data", enc(d=d[:-1] + "!")),
            ("badb64-iv", enc(iv=iv[:-2] + "*=")),
            ("short-tag", enc(tag=tag[:8])),
            ("long-tag", enc(tag=base64.b64encode(b"x" * 17).decode())),
            ("short-iv", enc(iv=base64.b64encode(b"x" * 5).decode())),
            ("empty-data", enc(d="")),
            ("empty-all", "ENC[AES256_GCM,data:,iv:,tag:,type:]"),
            ("bad-type", enc(ty="banana")),
            ("type-swap", enc(ty=other_type)),
            ("no-close", enc(close="")),
            ("other-alg", enc(alg="AES128_GCM")),
            ("flip-tag", enc(tag=("A" if tag[0] != "A" else "B") + tag[1:])),
            ("flip-data", enc(d=("A" if d[0] != "A" else "B") + d[1:])),
            ("nul-in-enc", enc(d=d + "\x00")),
            ("huge-data", enc(d="A" * 20000)),
        ]:
            write(f"{ext}-{name}-{i}", sub(text), oext, "decrypt")
    if len(ms) >= 3:
        a, b = ms[1], ms[2]
        write(
            f"{ext}-swap-values",
            e[: a.start()] + b.group(0) + e[a.end() : b.start()] + a.group(0) + e[b.end() :],
            oext,
            "decrypt",
        )
        write(f"{ext}-dup-value", e[: b.start()] + a.group(0) + e[b.end() :], oext, "decrypt")


DATE = r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def metadata_text(ext):
    """Textual damage to the metadata of e.<ext>, in its own syntax."""
    e = read(f"e.{ext}")
    oext = "json" if ext == "bin" else ext

    def rep(name, pat, new):
        if re.search(pat, e, flags=re.M):
            write(f"{ext}-{name}", re.sub(pat, new, e, count=1, flags=re.M), oext, "decrypt")

    for fld in ["mac", "version", "lastmodified", "recipient", "enc"]:
        if ext == "env":
            rep(f"no-{fld}", rf"^sops_[a-z_0-9]*{fld}=.*\n", "")
        elif ext == "ini":
            rep(f"no-{fld}", rf"^[a-z_0-9]*{fld}\s*=.*\n", "")
        elif ext == "toml":
            rep(f"no-{fld}", rf"^\s*{fld}\s*=.*\n", "")
    rep("version-garbage", r"3\.11\.0", "banana")
    rep("version-3", r"3\.11\.0", "3")
    rep("version-huge", r"3\.11\.0", "99999999999999999999999.0.0")
    rep("lastmod-garbage", DATE, "yesterday")
    rep("lastmod-year0", DATE, "0000-01-01T00:00:00Z")
    rep("lastmod-huge", DATE, "99999-12-31T23:59:59Z")
    rep("lastmod-leap", DATE, "2023-02-29T00:00:00Z")
    rep("mac-empty", r'(mac["\s]*[:=]\s*"?)ENC\[[^\]]*\]', r"\g<1>")
    rep("mac-plain", r'(mac["\s]*[:=]\s*"?)ENC\[[^\]]*\]', r"\g<1>0123456789ABCDEF")
    rep("enc-garbage", r"-----BEGIN AGE ENCRYPTED FILE-----", "-----BEGIN AGE ENCRYPTED FILX-----")
    rep("enc-trunc", r"-----END AGE ENCRYPTED FILE-----", "")
    rep(
        "layout-garbage",
        r'(veil_layout["\s]*[:=]\s*"?)ENC\[[^\]]*\]',
        r"\g<1>ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]",
    )


def whole_file(ext):
    """Damage to the whole encrypted file and to the plaintext."""
    e = read(f"e.{ext}")
    p = read(f"p.{ext}", binary=True)
    oext = "json" if ext == "bin" else ext
    eb = e.encode()
    write(f"{ext}-nul-start", "\x00" + e, oext, "decrypt")
    write(f"{ext}-nul-mid", e[: len(e) // 2] + "\x00" + e[len(e) // 2 :], oext, "decrypt")
    write(f"{ext}-invalid-utf8", eb[: len(eb) // 3] + b"\xff\xfe" + eb[len(eb) // 3 :], oext, "decrypt")
    write(f"{ext}-trunc-half", e[: len(e) // 2], oext, "decrypt")
    write(f"{ext}-trunc-end", e[:-20], oext, "decrypt")
    write(f"{ext}-empty", "", oext, "decrypt")
    write(f"{ext}-whitespace", "  \n\n", oext, "decrypt")
    if ext in ("yaml", "toml"):
        write(f"{ext}-second-metadata", e + e[e.find("sops") :], oext, "decrypt")
    if ext != "bin":
        write(f"p{ext}-invalid-utf8", p[:10] + b"\xc3\x28" + p[10:], ext, "encrypt")
        write(f"p{ext}-whitespace", b" \n\t\n", ext, "encrypt")
        write(f"p{ext}-already-encrypted", e, ext, "encrypt")
    write(f"p{ext}-empty", b"", ext, "encrypt")


def json_metadata():
    """Structured changes of the JSON file's metadata and values."""
    e = json.loads(read("e.json"))
    age = e["sops"]["age"]

    def jm(name, f):
        d = copy.deepcopy(e)
        f(d)
        write(f"json-{name}", json.dumps(d, indent="\t", ensure_ascii=False), "json", "decrypt")

    def setm(k, v):
        return lambda d: d["sops"].__setitem__(k, v)

    def delm(k):
        return lambda d: d["sops"].pop(k)

    for v, nm in [(5, "int"), ([], "list"), (None, "null"), ("x", "str"), ({}, "empty")]:
        jm(f"sops-{nm}", lambda d, v=v: d.__setitem__("sops", v))
    for k in ["age", "lastmodified", "mac", "version"]:
        jm(f"del-{k}", delm(k))
        for v, nm in [(5, "int"), ([], "list"), ({}, "map"), (None, "null"), (True, "bool"), ("", "empty"), (-1, "neg")]:
            jm(f"{k}-{nm}", setm(k, v))
    for v, nm in [(5, "int"), ([], "list"), ({}, "map"), (True, "bool"), ("", "empty")]:
        jm(f"veil_layout-{nm}", setm("veil_layout", v))
    for v, nm in [([], "list"), ({}, "map")]:
        jm(f"unencrypted_suffix-{nm}", setm("unencrypted_suffix", v))
    jm("age-list-int", setm("age", [5]))
    jm("age-entry-empty", setm("age", [{}]))
    jm("age-enc-int", setm("age", [{"recipient": age[0]["recipient"], "enc": 2}]))
    jm("age-enc-empty", setm("age", [{"recipient": age[0]["recipient"], "enc": ""}]))
    jm("age-other-recipient-only", setm("age", [{"recipient": OTHER_RECIPIENT, "enc": ""}]))
    jm("keygroups-and-age", setm("key_groups", [{"age": age}]))

    def kg(v):
        def f(d):
            d["sops"].pop("age")
            d["sops"]["key_groups"] = v

        return f

    jm("kg-int", kg(5))
    jm("kg-list-int", kg([5]))
    jm("kg-empty", kg([]))
    jm("kg-empty-group", kg([{}]))
    jm("kg-same-twice", kg([{"age": age}, {"age": age}]))

    def kgt(t):
        def f(d):
            d["sops"].pop("age")
            d["sops"]["key_groups"] = [{"age": age}, {"age": age}]
            d["sops"]["shamir_threshold"] = t

        return f

    for t in [3, -1, 99999999999, "x", 1.5]:
        jm(f"shamir-{t}", kgt(t))
    jm("regex-bad", setm("unencrypted_regex", "("))
    jm("regex-two", setm("encrypted_regex", "^a"))
    jm("mac-only-banana", setm("mac_only_encrypted", "banana"))
    jm("mac-only-int", setm("mac_only_encrypted", 2))
    jm("mac-only-true", setm("mac_only_encrypted", True))
    jm("mac-only-list", setm("mac_only_encrypted", []))
    jm("kms-not-list", setm("kms", 5))
    jm("version-v", setm("version", "v3.11.0"))
    jm("version-two-parts", setm("version", "3.11"))
    jm("version-pre", setm("version", "3.11.0-rc1"))
    jm("lastmod-num", setm("lastmodified", 12345))
    jm("lastmod-frac", setm("lastmodified", "2024-01-01T00:00:00.123456789Z"))
    jm("lastmod-offset", setm("lastmodified", "2024-01-01T00:00:00+25:00"))
    jm("data-int-value", lambda d: d.__setitem__("token", 5))
    jm("data-plain-value", lambda d: d.__setitem__("token", "example-value"))
    jm("data-null", lambda d: d.__setitem__("token", None))
    jm("data-list-plain", lambda d: d.__setitem__("token", ["a"]))
    jm("data-add-key", lambda d: d.__setitem__("extra", e["token"]))
    jm("data-remove-key", lambda d: d.pop("token"))
    jm("data-nested-move", lambda d: d["app"].__setitem__("token", e["token"]))
    jm("data-huge-int", lambda d: d.__setitem__("n", 10**30))

    t = read("e.json")
    first = '{\n\t"n": %s,\n'

    def raw(name, text):
        write(f"json-{name}", text, "json", "decrypt")

    raw("dup-key", t.replace("{\n", first % '"x"', 1).replace('"n"', '"token"', 1))
    raw("second-metadata", t.rstrip().rstrip("}") + ',\n\t"sops": {}\n}\n')
    raw("trailing-garbage", t + "x")
    raw("two-documents", t + t)
    raw("comment", "// c\n" + t)
    raw("number-1e400", t.replace("{\n", first % "1e400", 1))
    raw("bad-escape", t.replace("{\n", first % '"\\x41"', 1))
    raw("lone-surrogate", t.replace("{\n", first % '"\\ud800"', 1))
    raw("bom", "\ufeff" + t)
    deep = "[" * 300
    raw("deep-value", t.replace('"token": ', '"token": ' + deep, 1).replace('"unicode"', "]" * 300 + ',"unicode"'))
    raw("top-level-array", "[" + t + "]")


def yaml_cases():
    y = read("e.yaml")
    p = read("p.yaml")

    def ym(name, text, command="decrypt"):
        write(f"yaml-{name}", text, "yaml", command)

    meta = y.find("sops:")
    ym("sops-scalar", y[:meta] + "sops: 5\n")
    ym("sops-list", y[:meta] + "sops: [1]\n")
    ym("mac-only-banana", y.replace("  version:", "  mac_only_encrypted: banana\n  version:"))
    ym("dup-meta-field", y.replace("  version:", "  version: 3.11.0\n  version:"))
    ym("version-2.0", "%YAML 2.0\n---\n" + y)
    ym("version-1.3", "%YAML 1.3\n---\n" + y)
    ym("two-version-directives", "%YAML 1.2\n%YAML 1.2\n---\n" + y)
    ym("tab-indent", y.replace("\n  name:", "\n\tname:", 1))
    ym("binary-tag", y.replace("token:", "token: !!binary", 1))
    ym("int-tag", y.replace("token:", "token: !!int", 1))
    ym("complex-key", y.replace("token:", "? [a, b]\n: c\ntoken:", 1))
    ym("int-key", y.replace("token:", "1: c\ntoken:", 1))
    ym("alias-undefined", y.replace("token:", "x: *nope\ntoken:", 1))
    ym("deep-block-value", y.replace("token: ", "token:\n" + "- " * 300, 1))
    ym("deep-flow-value", y.replace("token: ", "token: " + "[" * 300, 1).replace("\nempty", "]" * 300 + "\nempty", 1))
    bomb = "a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 10) + "]\n" for i in range(1, 10)
    )
    ym("alias-bomb-value", y.replace("token:", bomb + "token:", 1))
    ym("duplicate-key", y.replace("token:", "token: x\ntoken:", 1))
    ym("sequence-document", "- " + y.replace("\n", "\n  "))
    # plaintext
    ym("plain-version-2.0", "%YAML 2.0\n---\n" + p, "encrypt")
    ym("plain-alias-bomb", bomb, "encrypt")
    ym("plain-deep-block", "a:\n" + "- " * 300 + "x\n", "encrypt")
    ym("plain-deep-flow", "a: " + "[" * 300 + "]" * 300 + "\n", "encrypt")
    ym("plain-deep-map", "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v\n", "encrypt")
    ym("plain-duplicate-key", "a: 1\na: 2\n", "encrypt")
    ym("plain-scalar-document", "just a string\n", "encrypt")
    ym("plain-sequence-document", "- a\n- b\n", "encrypt")
    ym("plain-unclosed-flow", "a: [1, 2\n", "encrypt")
    ym("plain-bad-indent", "a:\n  b: 1\n c: 2\n", "encrypt")
    ym("plain-sops-key", "sops: 1\n", "encrypt")
    ym("plain-nul", "a: \x00\n", "encrypt")
    ym("plain-int-overflow", "a: !!int 99999999999999999999999\n", "encrypt")
    ym("plain-bad-timestamp", "a: !!timestamp yesterday\n", "encrypt")


def toml_cases():
    t = read("e.toml")
    p = read("p.toml")

    def tm(name, text, command="decrypt"):
        write(f"toml-{name}", text, "toml", command)

    tm("sops-not-last", t.replace("[sops]", "[zzz]\n[sops]") + "[after]\nx = 1\n")
    tm("sops-inline", t[: t.find("[sops]")] + 'sops = { version = "3.11.0" }\n')
    tm("sops-array-of-tables", t.replace("[sops]", "[[sops]]"))
    tm("mac-only-banana", t.replace("\nversion", '\nmac_only_encrypted = "banana"\nversion'))
    tm("dup-meta-key", t.replace("\nversion", '\nversion = "3.11.0"\nversion'))
    tm("comment-enc-damaged", t.replace("#ENC[AES256_GCM,data:", "#ENC[AES256_GCM,data:!!", 1))
    tm("comment-enc-cut", re.sub(r"(#ENC\[[^\]]*)\]", r"\1", t, count=1))
    tm("comment-enc-flipped", re.sub(r"#ENC\[AES256_GCM,data:(.)", lambda m: "#ENC[AES256_GCM,data:" + ("A" if m.group(1) != "A" else "B"), t, count=1))
    tm("deep-value", t.replace('token = "', "token = " + "[" * 100 + '"', 1).replace('"\ninline', '"' + "]" * 100 + "\ninline", 1))
    tm("plain-deep-inline", "a = " + "{ b = " * 100 + "1" + " }" * 100 + "\n", "encrypt")
    tm("plain-deep-array", "a = " + "[" * 100 + "]" * 100 + "\n", "encrypt")
    tm("plain-long-dotted-key", ".".join(["k"] * 300) + " = 1\n", "encrypt")
    tm("plain-long-header", "[" + ".".join(["k"] * 300) + "]\nx = 1\n", "encrypt")
    tm("plain-duplicate-key", "a = 1\na = 2\n", "encrypt")
    tm("plain-duplicate-table", "[a]\nx = 1\n[a]\ny = 2\n", "encrypt")
    tm("plain-sops-table", "[sops]\nx = 1\n", "encrypt")
    tm("plain-bad-date", "a = 2024-13-45T00:00:00Z\n", "encrypt")
    tm("plain-int-overflow", "a = 99999999999999999999999\n", "encrypt")
    tm("plain-unclosed-string", 'a = "abc\n', "encrypt")
    tm("plain-nul", p.replace("demo", "de\x00mo", 1), "encrypt")


def dotenv_ini_cases():
    en = read("e.env")

    def ev(name, text, command="decrypt"):
        write(f"env-{name}", text, "env", command)

    ev("dup-metadata-key", en + [l for l in en.splitlines() if l.startswith("sops_mac=")][0] + "\n")
    ev("meta-index-huge", en.replace("sops_age__list_0__", "sops_age__list_99999999999__"))
    ev("meta-deep", en + "sops_x" + "__map_a" * 5000 + "=1\n")
    ev("meta-bad-index", en + "sops_age__list_x__map_enc=1\n")
    ev("meta-conflict", en + "sops_age=5\n")
    ev("meta-gap", en.replace("sops_age__list_0__", "sops_age__list_1__"))
    ev("no-equals", en + "NOEQUALS\n")
    ev("mac-only-banana", en + "sops_mac_only_encrypted=banana\n")
    ev("plain-no-equals", "A=1\nB\n", "encrypt")
    ev("plain-sops-key", "sops_version=1\n", "encrypt")
    ini = read("e.ini")

    def iv(name, text, command="decrypt"):
        write(f"ini-{name}", text, "ini", command)

    iv("second-sops-section", ini + "\n" + ini[ini.find("[sops]") :])
    iv("dup-sops-key", ini + "version = 3.11.0\n")
    iv("meta-index-huge", ini.replace("age__list_0__", "age__list_99999999999__"))
    iv("unclosed-section", ini + "[oops\n")
    iv("mac-only-banana", ini + "mac_only_encrypted = banana\n")
    iv("plain-unclosed-section", "[a\nx = 1\n", "encrypt")
    iv("plain-empty-section", "[]\nx = 1\n", "encrypt")
    iv("plain-empty-key", "[a]\n= 1\n", "encrypt")


def more_cases():
    """Classes added later: BOMs and CRLF with damage, metadata cut or emptied in each format,
    the binary store's `data`, `sops` keys that are no mapping, age headers, ENC syntax
    variants, and dotenv/INI oddities."""
    for ext in ["yaml", "json", "toml", "env", "ini", "bin"]:
        e = read(f"e.{ext}")
        p = read(f"p.{ext}", binary=True)
        oext = "json" if ext == "bin" else ext
        meta = {"yaml": "\nsops:", "toml": "\n[sops]", "ini": "\n[sops]", "env": "\nsops_"}.get(ext, '"sops"')
        m = e.find(meta)
        # A BOM before a damaged file; a BOM in the middle.
        write(f"{ext}-bom-trunc", "\ufeff" + e[:-20], oext, "decrypt")
        write(f"{ext}-bom-mid", e[:m] + "\ufeff" + e[m:], oext, "decrypt")
        # CRLF line ends with a flipped value.
        ms = list(ENC.finditer(e))
        d = ms[0].group(1)
        flipped = e.replace(d, ("A" if d[0] != "A" else "B") + d[1:], 1)
        write(f"{ext}-crlf-flip", flipped.replace("\n", "\r\n"), oext, "decrypt")
        # Lone CRs for line ends.
        write(f"{ext}-cr-only", e.replace("\n", "\r"), oext, "decrypt")
        # The metadata cut in the middle, or only the metadata (the data removed).
        end = len(e)
        write(f"{ext}-meta-cut", e[: m + (end - m) // 2], oext, "decrypt")
        write(f"{ext}-meta-cut-enc", e[: e.find("-----END AGE")], oext, "decrypt")
        if ext in ("yaml", "toml", "ini", "env"):
            write(f"{ext}-meta-only", e[m + 1 :], oext, "decrypt")
            write(f"{ext}-data-only", e[: m + 1], oext, "decrypt")
        # NUL and invalid UTF-8 inside the metadata.
        write(f"{ext}-meta-nul", e[: m + 5] + "\x00" + e[m + 5 :], oext, "decrypt")
        eb = e.encode()
        mb = eb.find(meta.encode())
        write(f"{ext}-meta-invalid-utf8", eb[: mb + 8] + b"\xc0\xaf" + eb[mb + 8 :], oext, "decrypt")
        # The age header damaged inside the armor (base64 and stanza).
        body = e.find("-----BEGIN AGE ENCRYPTED FILE-----") + len("-----BEGIN AGE ENCRYPTED FILE-----") + 3
        write(f"{ext}-enc-badb64", e[:body] + "!!" + e[body + 2 :], oext, "decrypt")
        c = e[body + 10]
        write(f"{ext}-enc-flip", e[: body + 10] + ("A" if c != "A" else "B") + e[body + 11 :], oext, "decrypt")
        # ENC syntax variants: no ENC value any more, so the MAC or the strictness fails.
        v = ms[0].group(0)
        for name, text in [
            ("enc-extra-field", v[:-1] + ",extra:1]"),
            ("enc-reordered", "ENC[AES256_GCM,iv:%s,data:%s,tag:%s,type:%s]" % (ms[0].group(2), ms[0].group(1), ms[0].group(3), ms[0].group(4))),
            ("enc-space", v.replace(",iv:", ", iv:")),
            ("enc-lowercase", "enc" + v[3:]),
            ("enc-type-empty", v.replace(",type:" + ms[0].group(4), ",type:")),
            ("enc-type-upper", v.replace(",type:" + ms[0].group(4), ",type:" + ms[0].group(4).upper())),
            ("enc-type-bytes", v.replace(",type:" + ms[0].group(4), ",type:bytes")),
            ("enc-iv-long", v.replace(ms[0].group(2), base64.b64encode(b"y" * 64).decode())),
            ("enc-iv-empty", v.replace(ms[0].group(2), "")),
            ("enc-tag-empty", v.replace(ms[0].group(3), "")),
            ("enc-b64-url", v.replace(ms[0].group(2), ms[0].group(2).replace("+", "-").replace("/", "_")) if ("+" in ms[0].group(2) or "/" in ms[0].group(2)) else v.replace(ms[0].group(2), "-_" + ms[0].group(2)[2:])),
            ("enc-b64-nopad", v.replace(ms[0].group(3), ms[0].group(3).rstrip("="))),
        ]:
            write(f"{ext}-{name}", e.replace(v, text, 1), oext, "decrypt")
        if ext != "bin":
            write(f"p{ext}-bom-invalid-utf8", b"\xef\xbb\xbf" + p[:5] + b"\xff" + p[5:], ext, "encrypt")
            write(f"p{ext}-nul-start", b"\x00" + p, ext, "encrypt")
            write(f"p{ext}-only-bom", b"\xef\xbb\xbf", ext, "encrypt")
            write(f"p{ext}-only-comment", {"yaml": b"# c\n", "toml": b"# c\n", "env": b"# c\n", "ini": b"; c\n", "json": b"// c\n"}[ext], ext, "encrypt")

    # Binary store (`.bin`): the JSON envelope's `data` damaged.
    b = json.loads(read("e.bin"))

    def bm(name, f):
        d = copy.deepcopy(b)
        f(d)
        write(f"binstore-{name}", json.dumps(d, indent="\t"), "bin", "decrypt")

    bm("data-missing", lambda d: d.pop("data"))
    for v, nm in [(5, "int"), (None, "null"), ([], "list"), ({}, "map"), ("", "empty"), ("plain text", "plain"), (True, "bool")]:
        bm(f"data-{nm}", lambda d, v=v: d.__setitem__("data", v))
    bm("data-type-int", lambda d: d.__setitem__("data", d["data"].replace("type:str", "type:int")))
    bm("data-flip", lambda d: d.__setitem__("data", d["data"].replace("data:", "data:AB", 1)))
    bm("extra-key", lambda d: d.__setitem__("other", d["data"]))
    bm("sops-missing", lambda d: d.pop("sops"))
    bm("sops-list", lambda d: d.__setitem__("sops", []))
    bm("mac-missing", lambda d: d["sops"].pop("mac"))
    bm("age-missing", lambda d: d["sops"].pop("age"))
    write("binstore-top-array", "[" + read("e.bin") + "]", "bin", "decrypt")
    write("binstore-yaml", "data: x\nsops: {}\n", "bin", "decrypt")
    write("binstore-empty", "", "bin", "decrypt")
    write("binstore-trunc", read("e.bin")[:-30], "bin", "decrypt")
    write("binstore-nul", "\x00" + read("e.bin"), "bin", "decrypt")

    # `sops` keys that are no mapping, per format.
    y = read("e.yaml")
    ym_ = y.find("sops:")
    for nm, v in [("str", "sops: x\n"), ("null", "sops:\n"), ("tilde", "sops: ~\n"), ("empty-map", "sops: {}\n"), ("alias", "sops: *a\n"), ("tagged", "sops: !!str x\n")]:
        write(f"yaml-sops-{nm}", y[:ym_] + v, "yaml", "decrypt")
    write("yaml-sops-flow", y[:ym_] + "sops: {version: 3.11.0}\n", "yaml", "decrypt")
    write("yaml-meta-no-age-enc", re.sub(r"    - enc: \|\n(        .*\n)+", "    - \n", y, count=1), "yaml", "decrypt")
    for fld in ["mac", "version", "lastmodified"]:
        write(f"yaml-no-{fld}", re.sub(rf"^  {fld}:.*\n", "", y, count=1, flags=re.M), "yaml", "decrypt")
    write("yaml-no-recipient", re.sub(r"^      recipient:.*\n", "", y, count=1, flags=re.M), "yaml", "decrypt")
    write("yaml-meta-list-item", y.replace("  version: 3.11.0", "  - 3.11.0"), "yaml", "decrypt")
    write("yaml-meta-dedented", y.replace("  version: 3.11.0", "version: 3.11.0"), "yaml", "decrypt")
    write("yaml-huge-int-value", y.replace("\nempty:", "\nn: 99999999999999999999999999999999\nempty:", 1), "yaml", "decrypt")
    write("yaml-huge-float-value", y.replace("\nempty:", "\nn: 1e99999\nempty:", 1), "yaml", "decrypt")
    write("yaml-doc-separator-inside", y.replace("\nsops:", "\n---\nsops:", 1), "yaml", "decrypt")
    write("yaml-merge-key", y.replace("\nempty:", "\n<<: {x: 1}\nempty:", 1), "yaml", "decrypt")
    t = read("e.toml")
    tm_ = t.find("[sops]")
    for nm, v in [("int", "sops = 5\n"), ("str", 'sops = "x"\n'), ("array", "sops = []\n"), ("bool", "sops = true\n")]:
        write(f"toml-sops-{nm}", t[:tm_] + v, "toml", "decrypt")
    write("toml-sops-empty-table", t[:tm_] + "[sops]\n", "toml", "decrypt")
    write("toml-dup-data-key", t.replace("\nport = ", '\nport = 1\nport = ', 1), "toml", "decrypt")
    write("toml-huge-int-value", t.replace("\nport = ", "\nn = 99999999999999999999999999\nport = ", 1), "toml", "decrypt")
    write("toml-sops-age-not-array", re.sub(r"\[\[sops\.age\]\]", "[sops.age]", t), "toml", "decrypt")
    write("toml-mac-int", re.sub(r'^mac = ".*"$', "mac = 5", t, count=1, flags=re.M), "toml", "decrypt")
    en = read("e.env")
    em_ = en.find("\nsops_") + 1
    write("env-sops-scalar", en[:em_] + "sops=5\n", "env", "decrypt")
    write("env-dup-data-key", en.replace("\nPORT=", "\nTOKEN=x\nPORT=", 1), "env", "decrypt")
    write("env-export-prefix", en.replace("\nPORT=", "\nexport PORT=", 1), "env", "decrypt")
    write("env-empty-key", en.replace("\nPORT=", "\n=", 1), "env", "decrypt")
    write("env-space-key", en.replace("\nPORT=", "\nPO RT=", 1), "env", "decrypt")
    write("env-leading-space-meta", en.replace("\nsops_mac=", "\n sops_mac=", 1), "env", "decrypt")
    write("env-mac-empty", re.sub(r"^sops_mac=.*$", "sops_mac=", en, count=1, flags=re.M), "env", "decrypt")
    write("env-enc-real-newlines", en.replace("\\n", "\n", 3), "env", "decrypt")
    write("env-version-huge", en.replace("sops_version=3.11.0", "sops_version=99999999999999999999999.1.1"), "env", "decrypt")
    write("env-shamir-huge", en + "sops_shamir_threshold=999999999999999999999999\n", "env", "decrypt")
    write("env-meta-map-and-list", en + "sops_age__map_x=1\n", "env", "decrypt")
    for name, text in [
        ("plain-empty-key", "=1\n"),
        ("plain-space-key", "A B=1\n"),
        ("plain-nul", "A=x\x00y\n"),
        ("plain-cr-only", "A=1\rB=2\r"),
        ("plain-invalid-utf8-key", b"A\xff=1\n"),
    ]:
        write(f"env-{name}", text, "env", "encrypt")
    ini = read("e.ini")
    im_ = ini.find("\n[sops]") + 1
    write("ini-sops-empty", ini[:im_] + "[sops]\n", "ini", "decrypt")
    write("ini-key-before-section", "x = ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:str]\n" + ini, "ini", "decrypt")
    write("ini-dup-data-key", ini.replace("\nport = ", "\ntoken = x\nport = ", 1), "ini", "decrypt")
    write("ini-dup-data-section", ini.replace("\n[app]", "\n[db]", 1), "ini", "decrypt")
    write("ini-no-equals", ini.replace("\nport = ", "\nportless\nport = ", 1), "ini", "decrypt")
    write("ini-sops-not-last", ini + "\n[later]\nx = 1\n", "ini", "decrypt")
    write("ini-meta-gap", ini.replace("age__list_0__", "age__list_1__"), "ini", "decrypt")
    write("ini-meta-conflict", ini + "age = 5\n", "ini", "decrypt")
    write("ini-meta-deep", ini + "x" + "__map_a" * 5000 + " = 1\n", "ini", "decrypt")
    write("ini-mac-empty", re.sub(r"^mac(\s*)= .*$", r"mac\1= ", ini, count=1, flags=re.M), "ini", "decrypt")
    for name, text in [
        ("plain-no-equals", "[a]\nkey\n"),
        ("plain-dup-key", "[a]\nx = 1\nx = 2\n"),
        ("plain-sops-section", "[sops]\nx = 1\n"),
        ("plain-nul", "[a]\nx = \x00\n"),
        ("plain-bracket-garbage", "[a]]\nx = 1\n"),
        ("plain-invalid-utf8", b"[a]\nx = \xff\n"),
    ]:
        write(f"ini-{name}", text, "ini", "encrypt")


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    for ext in ["yaml", "json", "toml", "env", "ini", "bin"]:
        enc_values(ext)
        metadata_text(ext)
        whole_file(ext)
    json_metadata()
    yaml_cases()
    toml_cases()
    dotenv_ini_cases()
    more_cases()
    codes = {}
    if len(sys.argv) == 3 and sys.argv[1] == "--record":
        veil = os.path.abspath(sys.argv[2])
        env = {"PATH": os.environ.get("PATH", ""), "HOME": OUT, "SOPS_AGE_KEY_FILE": DEMO_KEY}
        accepted = []
        for fname, command in cases:
            args = [veil, command] + (["--age", DEMO_RECIPIENT] if command == "encrypt" else []) + [fname]
            r = subprocess.run(args, cwd=OUT, env=env, capture_output=True, timeout=60)
            if r.returncode == 0:
                accepted.append(fname)
                os.remove(os.path.join(OUT, fname))
            else:
                codes[fname] = r.returncode
        for a in accepted:
            print(f"accepted (left out): {a}")
    elif os.path.exists(os.path.join(HERE, "MANIFEST")):
        with open(os.path.join(HERE, "MANIFEST")) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    code, _, fname = line.rstrip("\n").split("\t")
                    codes[fname] = int(code)
    with open(os.path.join(HERE, "MANIFEST"), "w") as f:
        f.write("# exit-code<TAB>command<TAB>file (see generate.py)\n")
        for fname, command in cases:
            if fname in codes:
                f.write(f"{codes[fname]}\t{command}\t{fname}\n")
            elif not os.path.exists(os.path.join(OUT, fname)):
                continue
            else:
                f.write(f"?\t{command}\t{fname}\n")
    print(f"{len(codes)} cases")


if __name__ == "__main__":
    main()
