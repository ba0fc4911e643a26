#!/usr/bin/env python3
"""Hostile-input benchmark (issue 8): how long veil takes, and how much memory, to refuse
runaway nesting and alias bombs through every command that reads a file.

Run through bench/hostile.sh (which builds veil in release). For nesting of 10k, 30k, 100k and
1M levels in YAML block style (`- - - …`), YAML flow style (`[[[…]]]`) and JSON, plain and
spliced into an encrypted file, and for a 500-byte YAML alias bomb (plain and encrypted), runs
encrypt, decrypt, edit, set, check, filestatus, scan and exec-env; checks that each exits 2 with
one line on stderr and no signal; reports the median wall time (process start to exit) and the
peak RSS of each. Goal: every run under 100 ms and 50 MB.
"""

import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VEIL = os.environ.get("VEIL_BIN", os.path.join(ROOT, "target", "release", "veil"))
OUT = os.path.join(ROOT, "bench", "out", "hostile")
KEY = os.path.join(ROOT, "testdata", "demo", "demo-age-key.txt")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
GOAL_MS = 100
GOAL_MB = 50


def recipient():
    with open(KEY) as f:
        for line in f:
            if line.startswith("# public key: "):
                return line.split(": ", 1)[1].strip()
    raise SystemExit("no public key in " + KEY)


AGE = recipient()
ENV = {
    "PATH": os.environ.get("PATH", ""),
    "HOME": OUT,
    "SOPS_AGE_KEY_FILE": KEY,
    "EDITOR": "true",
}


def run(args, cwd):
    """Runs veil once: (exit status or -signal, stderr, seconds, peak RSS in MB)."""
    start = time.perf_counter()
    p = subprocess.Popen(args, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, err.decode("utf-8", "replace"), elapsed, usage.ru_maxrss / 1024


def encrypted(ext, hostile):
    base = os.path.join(OUT, f"base.{ext}")
    with open(base, "w") as f:
        f.write('{"token": "example-value"}\n' if ext == "json" else "token: example-value\n")
    enc = subprocess.run([VEIL, "encrypt", "--age", AGE, base], env=ENV, capture_output=True, check=True).stdout.decode()
    if ext == "json":
        inner = hostile.strip()[1:-1]
        return enc.replace("{", "{" + inner + ",", 1)
    return hostile + enc


def cases():
    out = []
    for levels in [10_000, 30_000, 100_000, 1_000_000]:
        for style, ext, text in [
            ("yaml-block", "yaml", "deep:\n" + "- " * levels + "x\n"),
            ("yaml-flow", "yaml", "deep: " + "[" * levels + "]" * levels + "\n"),
            ("json", "json", '{"deep": ' + "[" * levels + "]" * levels + "}"),
        ]:
            out.append((f"{style} {levels:,}", f"{style}-{levels}.{ext}", text))
            out.append((f"{style} {levels:,} encrypted", f"{style}-{levels}-enc.{ext}", encrypted(ext, text)))
    bomb = "a0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
        f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 10) + "]\n" for i in range(1, 9)
    )
    out.append((f"alias bomb ({len(bomb)} B)", "bomb.yaml", bomb))
    out.append(("alias bomb encrypted", "bomb-enc.yaml", encrypted("yaml", bomb)))
    return out


COMMANDS = [
    ("encrypt", ["encrypt", "--age", AGE, "{}"]),
    ("decrypt", ["decrypt", "{}"]),
    ("edit", ["edit", "{}"]),
    ("set", ["set", "{}", '["token"]', '"x"']),
    ("check", ["check", "{}"]),
    ("filestatus", ["filestatus", "{}"]),
    ("scan", ["scan", "{}"]),
    ("exec-env", ["exec-env", "{}", "true"]),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, ".sops.yaml"), "w") as f:
        f.write(f"creation_rules:\n  - path_regex: \\.(yaml|json)$\n    age: {AGE}\n")
    rows = []
    failures = []
    worst_ms, worst_mb = 0.0, 0.0
    for label, name, text in cases():
        path = os.path.join(OUT, name)
        with open(path, "w") as f:
            f.write(text)
        cells = []
        peak = 0.0
        peak_cmd = ""
        peak_other = 0.0
        for cmd, args in COMMANDS:
            argv = [VEIL] + [a.replace("{}", name) for a in args]
            times = []
            for _ in range(RUNS):
                code, err, secs, mb = run(argv, OUT)
                if code != 2 or err.strip().count("\n") != 0 or "panicked" in err:
                    failures.append(f"{label} / {cmd}: exit {code}: {err.strip()[:200]}")
                times.append(secs * 1000)
                if mb > peak:
                    peak, peak_cmd = mb, cmd
                if cmd != "scan":
                    peak_other = max(peak_other, mb)
            ms = statistics.median(times)
            worst_ms = max(worst_ms, ms)
            cells.append(f"{ms:.1f}")
        worst_mb = max(worst_mb, peak)
        size = len(text.encode())
        size_s = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.1f} KB" if size >= 1e3 else f"{size} B"
        rows.append(f"| {label} | {size_s} | " + " | ".join(cells) + f" | {peak:.1f} ({peak_cmd}) | {peak_other:.1f} |")
        os.remove(path)
    head = "| case | size | " + " | ".join(c for c, _ in COMMANDS) + " | peak MB (command) | peak MB but scan |"
    sep = "| --- | ---: | " + " | ".join("---:" for _ in COMMANDS) + " | ---: | ---: |"
    table = "\n".join([head, sep] + rows)
    verdict = (
        f"Slowest command (median of {RUNS}): {worst_ms:.1f} ms; largest peak: {worst_mb:.1f} MB; "
        f"goal {GOAL_MS} ms and {GOAL_MB} MB: {'met' if worst_ms < GOAL_MS and worst_mb < GOAL_MB else 'MISSED'}."
    )
    print(table)
    print()
    print(verdict)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(table + "\n\n" + verdict + "\n")
    if failures:
        print("\nNot refused cleanly (exit 2, one line):", file=sys.stderr)
        for f in failures:
            print("  " + f, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
