#!/usr/bin/env python3
"""Check that every fixture in testdata/lossless parses with its format's
mainstream parser and follows the rules sops needs.

  YAML   PyYAML safe_load_all; every document a mapping; no duplicate keys;
         mapping keys are strings; integers fit in int64
  JSON   json (duplicate keys rejected); top level is an object
  TOML   tomllib (Python >= 3.11)
  dotenv python-dotenv, any statement it cannot parse is an error;
         no duplicate keys. Files named *-npm.env use the npm `dotenv`
         dialect (backtick-quoted values, which python-dotenv does not
         read): their backtick values are blanked for python-dotenv
  INI    configparser (strict: no duplicate sections/keys); keys before the
         first section are allowed

Needs PyYAML and python-dotenv, e.g. in a scratch venv:
    python3 -m venv /tmp/fixtures-venv
    /tmp/fixtures-venv/bin/pip install pyyaml python-dotenv
    /tmp/fixtures-venv/bin/python scripts/check-testdata.py
"""
import configparser
import io
import json
import logging
import pathlib
import re
import sys
import tomllib

import yaml
from dotenv import dotenv_values

ROOT = pathlib.Path(__file__).resolve().parent.parent / "testdata" / "lossless"
INT64 = range(-(2**63), 2**63)


class StrictLoader(yaml.SafeLoader):
    pass


# Plain keys that YAML 1.1 (PyYAML) reads as booleans but YAML 1.2 parsers
# (go-yaml v3 in sops, saphyr in veil) read as strings, e.g. GitHub's `on:`.
YAML11_ONLY_BOOLS = {"on", "off", "yes", "no", "y", "n"}


def _mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:  # explicit keys only, before merging
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        if (
            isinstance(key, bool)
            and key_node.style is None
            and key_node.value.lower() in YAML11_ONLY_BOOLS
        ):
            key = key_node.value
        if not isinstance(key, str):
            raise ValueError(f"non-string key {key!r} at {key_node.start_mark}")
        if key in seen:
            raise ValueError(f"duplicate key {key!r} at {key_node.start_mark}")
        seen.add(key)
    loader.flatten_mapping(node)  # resolves << merge keys
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: _mapping(loader, node, deep=True),
)


def walk(v):
    if isinstance(v, dict):
        for x in v.values():
            yield from walk(x)
    elif isinstance(v, list):
        for x in v:
            yield from walk(x)
    else:
        yield v


def check_yaml(p):
    docs = list(yaml.load_all(p.read_bytes(), Loader=StrictLoader))
    if not docs:
        raise ValueError("no documents")
    for i, d in enumerate(docs):
        if not isinstance(d, dict):
            raise ValueError(f"document {i} is {type(d).__name__}, not a mapping")
        for v in walk(d):
            if isinstance(v, int) and not isinstance(v, bool) and v not in INT64:
                raise ValueError(f"integer {v} does not fit int64")
    return f"{len(docs)} doc(s)"


def check_json(p):
    def hook(pairs):
        keys = [k for k, _ in pairs]
        dup = {k for k in keys if keys.count(k) > 1}
        if dup:
            raise ValueError(f"duplicate keys {sorted(dup)}")
        return dict(pairs)

    d = json.loads(p.read_text(encoding="utf-8"), object_pairs_hook=hook)
    if not isinstance(d, dict):
        raise ValueError("top level is not an object")
    return f"{len(d)} keys"


def check_toml(p):
    with p.open("rb") as f:
        d = tomllib.load(f)
    return f"{len(d)} top-level keys"


class _Fail(logging.Handler):
    def emit(self, record):
        raise ValueError(record.getMessage())


logging.getLogger("dotenv.main").addHandler(_Fail())


def check_env(p):
    text = p.read_text(encoding="utf-8")
    if p.stem.endswith("-npm"):
        # npm dotenv: `KEY=`…`` may span lines; python-dotenv reads the rest.
        text = re.sub(r"=`[^`]*`", "=", text)
    values = dotenv_values(stream=io.StringIO(text))
    keys = []
    for line in text.splitlines():
        m = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=", line)
        if m:
            keys.append(m.group(1))
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        raise ValueError(f"duplicate keys {sorted(dup)}")
    return f"{len(values)} keys"


def check_ini(p):
    text = p.read_text(encoding="utf-8")
    first = next(
        (l.strip() for l in text.splitlines() if l.strip() and l.strip()[0] not in "#;"),
        "",
    )
    if first and not first.startswith("["):
        text = "[__keys_before_first_section__]\n" + text
    cp = configparser.RawConfigParser(
        strict=True, interpolation=None, delimiters=("=", ":"),
        comment_prefixes=("#", ";"),
    )
    cp.optionxform = str  # keys are case-sensitive
    cp.read_string(text, source=str(p))
    return f"{len(cp.sections())} sections"


CHECKS = {
    ".yaml": check_yaml, ".yml": check_yaml, ".json": check_json,
    ".toml": check_toml, ".env": check_env, ".ini": check_ini,
}


def main():
    failed = 0
    files = sorted(p for p in ROOT.iterdir() if p.suffix in CHECKS)
    for p in files:
        try:
            what = CHECKS[p.suffix](p)
            print(f"ok   {p.name}: {what}")
        except Exception as e:  # noqa: BLE001
            failed += 1
            print(f"FAIL {p.name}: {e}")
    others = sorted(p.name for p in ROOT.iterdir() if p.suffix not in CHECKS and p.name != "README.md")
    for name in others:
        failed += 1
        print(f"FAIL {name}: extension does not select a format")
    print(f"{len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
