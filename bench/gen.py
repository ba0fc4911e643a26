#!/usr/bin/env python3
"""Generate the benchmark input files (Python 3 standard library only).

Writes OUT/{small,medium,large}.{yaml,json,toml}: realistic config-like
documents (a mapping of services, each with settings, endpoints, credentials,
lists and, in YAML and TOML, comments) of about 1 KB, 1 MB and 20 MB. Two more
shapes of the same data:

- yaml-quoted (OUT/SIZE.quoted.yaml): the YAML file with every value
  double-quoted, as files written by some tools are;
- toml-tables (OUT/SIZE.tables.toml, 18 MB when large): each service an element
  of an array of tables (`[[services]]`) whose nested settings are dotted keys
  (`endpoints.http.port = 8080`).

Deterministic: a fixed seed, and the formats of one size hold the same data
(the same services, in the same order), so the sizes differ only by the
syntax of each format. Values average about 20 bytes.

    python3 bench/gen.py [--out DIR] [--sizes small,medium,large]
                         [--formats yaml,json,toml,yaml-quoted,toml-tables]
"""

import argparse
import json
import os
import random
import string
import sys

SEED = 20260412
TARGETS = {"small": 1_024, "medium": 1_000_000, "large": 20_000_000}
# Per-format targets where they differ (the 18 MB arrays-of-tables file).
FORMAT_TARGETS = {("toml-tables", "large"): 18_000_000}
FORMATS = ("yaml", "json", "toml", "yaml-quoted", "toml-tables")
# File name of each format, by size.
FILE_NAMES = {"yaml": "%s.yaml", "json": "%s.json", "toml": "%s.toml",
              "yaml-quoted": "%s.quoted.yaml", "toml-tables": "%s.tables.toml"}

WORDS = (
    "auth billing catalog checkout search orders payments inventory users "
    "gateway notify mailer ledger reports metrics audit session profile "
    "shipping pricing media upload export import scheduler worker cache "
    "queue stream index feed chat admin"
).split()
REGIONS = ("eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-south-1")
ENVS = ("prod", "staging", "dev", "qa")
LOG_LEVELS = ("debug", "info", "warn", "error")
PROTOCOLS = ("http", "grpc", "metrics", "admin", "ws")
COMMENTS = (
    "rotated by the platform team every 90 days",
    "TODO: move to the shared vault",
    "owner: team-{w}",
    "do not change without a migration",
    "see runbook {w}-ops",
    "limits tuned after the {w} incident",
)
ALNUM = string.ascii_letters + string.digits
SECRET = ALNUM + "-_."


def rand_str(rng, n, alphabet=ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(n))


def make_service(rng, i):
    """One service: (name, ordered dict of its content, comments by key)."""
    w = rng.choice(WORDS)
    name = "svc-%06d-%s" % (i, w)
    env = rng.choice(ENVS)
    region = rng.choice(REGIONS)
    svc = {
        "description": "%s service for the %s team" % (w.capitalize(), rng.choice(WORDS)),
        "enabled": rng.random() < 0.85,
        "replicas": rng.randint(1, 12),
        "region": region,
        "environment": env,
        "cpu_limit": round(rng.uniform(0.25, 8.0), 2),
        "memory_mb": rng.choice((256, 512, 1024, 2048, 4096)),
        "log_level": rng.choice(LOG_LEVELS),
        "tags": [rng.choice(WORDS) for _ in range(rng.randint(1, 4))],
    }
    endpoints = {}
    for proto in rng.sample(PROTOCOLS, rng.randint(1, 3)):
        endpoints[proto] = {
            "host": "%s-%d.%s.%s.internal.example.com" % (w, rng.randint(1, 9), region, env),
            "port": rng.randint(1024, 65535),
            "path": "/%s/v%d/%s" % (rng.choice(("api", "rpc", "v")), rng.randint(1, 3), rng.choice(WORDS)),
            "timeout_s": round(rng.uniform(0.1, 30.0), 1),
            "tls": rng.random() < 0.7,
        }
    svc["endpoints"] = endpoints
    svc["credentials"] = {
        "db_user": "svc_%s_%d" % (w, i),
        "db_password": rand_str(rng, rng.randint(16, 32), SECRET),
        "api_key": "ak_" + rand_str(rng, 32),
        "allowed_ips": ["10.%d.%d.%d/32" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
                        for _ in range(rng.randint(1, 3))],
    }
    svc["retry"] = {"attempts": rng.randint(1, 5), "backoff_ms": rng.choice((50, 100, 250, 500, 1000))}
    comments = {}
    for key in ("description", "replicas", "credentials", "retry"):
        if rng.random() < 0.3:
            comments[key] = rng.choice(COMMENTS).format(w=w)
    return name, svc, comments


def count_values(node):
    if isinstance(node, dict):
        return sum(count_values(v) for v in node.values())
    if isinstance(node, list):
        return sum(count_values(v) for v in node)
    return 1


# --- scalars -------------------------------------------------------------------

def scalar(v):
    """A scalar in a syntax that YAML, JSON and TOML read alike."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(v)  # generated strings are plain ASCII: a valid double-quoted string everywhere


def yaml_str(v):
    # Plain style where it is unambiguous (like a person would write), quoted otherwise.
    if isinstance(v, str) and v and all(c in ALNUM + "-_./ " for c in v) and v[0] in ALNUM + "/" \
            and v.strip() == v and not _looks_typed(v):
        return v
    return scalar(v)


def _looks_typed(s):
    if s.lower() in ("true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"):
        return True
    try:
        float(s)
        return True
    except ValueError:
        return False


# --- YAML ----------------------------------------------------------------------

def yaml_quoted(v):
    """Every value double-quoted (numbers and booleans too, which makes them strings)."""
    if isinstance(v, bool):
        v = "true" if v else "false"
    return json.dumps(v if isinstance(v, str) else repr(v))


def yaml_node(out, key, value, indent, comments=None, fmt=yaml_str):
    pad = "  " * indent
    if comments and key in comments:
        out.append("%s# %s\n" % (pad, comments[key]))
    if isinstance(value, dict):
        out.append("%s%s:\n" % (pad, key))
        for k, v in value.items():
            yaml_node(out, k, v, indent + 1, fmt=fmt)
    elif isinstance(value, list):
        out.append("%s%s:\n" % (pad, key))
        for item in value:
            out.append("%s  - %s\n" % (pad, fmt(item)))
    else:
        out.append("%s%s: %s\n" % (pad, key, fmt(value)))


def yaml_header():
    return ("# Generated by bench/gen.py: service configuration for the veil benchmark.\n"
            "# Fake values only.\n"
            "version: 3\n"
            "services:\n")


def yaml_service(name, svc, comments, fmt=yaml_str):
    # comments go on the service's own keys
    lines = ["  %s:\n" % name]
    for k, v in svc.items():
        yaml_node(lines, k, v, 2, comments, fmt)
    return "".join(lines)


def yaml_footer():
    return ""


# --- JSON ----------------------------------------------------------------------

def json_header():
    return '{\n  "version": 3,\n  "services": {\n'


def json_service(name, svc, comments, first):
    body = json.dumps(svc, indent=2)
    body = body.replace("\n", "\n    ")
    return ("" if first else ",\n") + "    %s: %s" % (json.dumps(name), body)


def json_footer():
    return "\n  }\n}\n"


# --- TOML ----------------------------------------------------------------------

def toml_value(v):
    if isinstance(v, list):
        return "[" + ", ".join(scalar(x) for x in v) + "]"
    return scalar(v)


def toml_table(out, path, table, comments=None):
    scalars = [(k, v) for k, v in table.items() if not isinstance(v, dict)]
    subtables = [(k, v) for k, v in table.items() if isinstance(v, dict)]
    if scalars:
        out.append("\n[%s]\n" % ".".join(path))
        for k, v in scalars:
            if comments and k in comments:
                out.append("# %s\n" % comments[k])
            out.append("%s = %s\n" % (k, toml_value(v)))
    for k, v in subtables:
        if comments and k in comments:
            out.append("\n# %s" % comments[k])
        toml_table(out, path + [k], v)


def toml_header():
    return ("# Generated by bench/gen.py: service configuration for the veil benchmark.\n"
            "# Fake values only.\n"
            "version = 3\n")


def toml_service(name, svc, comments):
    out = []
    toml_table(out, ["services", name], svc, comments)
    return "".join(out)


def toml_footer():
    return ""


def toml_dotted(out, prefix, table):
    for k, v in table.items():
        if isinstance(v, dict):
            toml_dotted(out, prefix + [k], v)
        else:
            out.append("%s = %s\n" % (".".join(prefix + [k]), toml_value(v)))


def toml_tables_service(name, svc, comments):
    """One element of the `services` array of tables; nested settings as dotted keys."""
    out = ["\n[[services]]\n", "name = %s\n" % scalar(name)]
    for k, v in svc.items():
        if comments and k in comments:
            out.append("# %s\n" % comments[k])
        if isinstance(v, dict):
            toml_dotted(out, [k], v)
        else:
            out.append("%s = %s\n" % (k, toml_value(v)))
    return "".join(out)


# --- driver --------------------------------------------------------------------

def render_chunk(fmt, service, first):
    if fmt == "yaml":
        return yaml_service(*service)
    if fmt == "yaml-quoted":
        return yaml_service(*service, fmt=yaml_quoted)
    if fmt == "json":
        return json_service(*service, first=first)
    if fmt == "toml-tables":
        return toml_tables_service(*service)
    return toml_service(*service)


HEADERS = {"yaml": (yaml_header, yaml_footer), "json": (json_header, json_footer),
           "toml": (toml_header, toml_footer), "yaml-quoted": (yaml_header, yaml_footer),
           "toml-tables": (toml_header, toml_footer)}


def generate(size, formats, out_dir):
    """Each format of a size gets the same stream of services (one seed per size),
    cut where its own file is closest to the target: the files hold prefixes of
    the same data and each is about the target size."""
    rng = random.Random("%d-%s" % (SEED, size))
    os.makedirs(out_dir, exist_ok=True)
    state = {}
    for fmt in formats:
        head, tail = HEADERS[fmt][0](), HEADERS[fmt][1]()
        path = os.path.join(out_dir, FILE_NAMES[fmt] % size)
        fh = open(path, "w", encoding="utf-8", newline="\n")
        fh.write(head)
        state[fmt] = {"fh": fh, "path": path, "tail": tail, "size": len(head) + len(tail),
                      "services": 0, "values": 1,
                      "target": FORMAT_TARGETS.get((fmt, size), TARGETS[size])}
    i = 0
    while state:
        s = make_service(rng, i)
        for fmt in list(state):
            st = state[fmt]
            chunk = render_chunk(fmt, s, st["services"] == 0)
            target = st["target"]
            nxt = st["size"] + len(chunk)
            if st["services"] and abs(nxt - target) > abs(st["size"] - target):
                done = True  # adding this service moves away from the target
            else:
                st["fh"].write(chunk)
                st["size"] = nxt
                st["services"] += 1
                st["values"] += count_values(s[1]) + (fmt == "toml-tables")
                done = nxt >= target
            if done:
                st["fh"].write(st["tail"])
                st["fh"].close()
                n = os.path.getsize(st["path"])
                print("gen: %-26s %10d bytes %7d services %8d values %5.1f bytes/value"
                      % (st["path"], n, st["services"], st["values"], n / st["values"]), file=sys.stderr)
                del state[fmt]
        i += 1


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(here, "out", "data"))
    ap.add_argument("--sizes", default="small,medium,large")
    ap.add_argument("--formats", default=",".join(FORMATS))
    args = ap.parse_args()
    sizes = [s for s in args.sizes.split(",") if s]
    formats = [f for f in args.formats.split(",") if f]
    for s in sizes:
        if s not in TARGETS:
            ap.error("unknown size %r (known: %s)" % (s, ", ".join(TARGETS)))
    for f in formats:
        if f not in FORMATS:
            ap.error("unknown format %r (known: %s)" % (f, ", ".join(FORMATS)))
    for s in sizes:
        generate(s, formats, args.out)


if __name__ == "__main__":
    main()
