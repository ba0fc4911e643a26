#!/usr/bin/env python3
"""Writes a `git fast-import` stream of a deterministic synthetic history to stdout.

    gen_history.py COMMITS TARGET_MB

Realistic-looking source and config text (Python, Go, YAML, JSON, Markdown lines with varied
identifiers); each commit rewrites a few files so that the unique blob content adds up to about
TARGET_MB megabytes. A handful of fake AWS key ids are planted so the scan has something to find.
"""
import random
import sys

commits = int(sys.argv[1])
target = int(sys.argv[2]) * 1_000_000
rng = random.Random(20240601)
out = sys.stdout.buffer

words = ("user account order invoice payment session token cache queue worker handler request "
         "response client server config value index item record batch stream buffer parser "
         "encoder decoder metric counter logger event message channel router service backend").split()
def ident():
    return "_".join(rng.choice(words) for _ in range(rng.randint(1, 3)))

templates = [
    "def {a}({b}, {c}):\n    return {b}.{a}({c}) + {n}\n",
    "    if {a} is None:\n        raise ValueError(\"{b} missing\")\n",
    "func {A}({b} string, {c} int) error {{ return {d}({b}, {c}+{n}) }}\n",
    "{a}:\n  {b}: {n}\n  {c}: \"{d}-{n}\"\n",
    "  \"{a}\": {{\"{b}\": {n}, \"{c}\": \"{d}\"}},\n",
    "# {A} handles the {b} of each {c} ({n} at most)\n",
    "const {A}_{B} = \"{c}/{d}/{n}\";\n",
    "    for {a} in {b}s:\n        {c}.append({a}.{d} * {n})\n",
    "let {a} = {b}.iter().map(|x| x.{c}({n})).collect::<Vec<_>>();\n",
    "| {a} | {b} | {n} | {c} |\n",
]
pool = []
for _ in range(6000):
    t = rng.choice(templates)
    a, b, c, d = ident(), ident(), ident(), ident()
    pool.append(t.format(a=a, b=b, c=c, d=d, A=a.title().replace("_", ""), B=b.upper(), n=rng.randint(0, 99999)))

exts = ["py", "go", "yaml", "json", "md", "rs", "ts", "toml"]
dirs = ["src", "src/api", "src/core", "lib", "config", "deploy", "docs", "internal/db", "web/app", "tools"]
files = [f"{rng.choice(dirs)}/{ident()}_{i}.{rng.choice(exts)}" for i in range(3000)]
per_commit = target / commits
secret_at = {commits // 7: "AKIABENCHSECRETQQQQB", commits // 2: "AKIABENCHSECRETQQQQC", commits - 3: "AKIABENCHSECRETQQQQD"}

mark = 0
t0 = 1_600_000_000
for n in range(commits):
    budget = per_commit * rng.uniform(0.5, 1.5)
    changes = []
    while budget > 0:
        path = rng.choice(files)
        k = rng.randint(20, 200)
        body = f"// rev {n} {path}\n" + "".join(rng.choices(pool, k=k))
        if n in secret_at and not changes:
            body += f"aws_key = \"{secret_at[n]}\"\n"
        data = body.encode()
        budget -= len(data)
        changes.append((path, data))
    out.write(b"commit refs/heads/main\n")
    out.write(f"author Bench <bench@example.org> {t0 + n * 600} +0000\n".encode())
    out.write(f"committer Bench <bench@example.org> {t0 + n * 600} +0000\n".encode())
    msg = f"change {n}: update {len(changes)} files\n".encode()
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    for path, data in changes:
        out.write(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)))
        out.write(data)
        out.write(b"\n")
    out.write(b"\n")
out.write(b"done\n")
