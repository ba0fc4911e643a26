#!/usr/bin/env bash
# Hostile-input benchmark (issue 8), in one command:
#
#     bash bench/hostile.sh
#
# Builds veil in release (unless BENCH_NO_BUILD=1), then runs bench/hostile.py: nesting of
# 10k, 30k, 100k and 1M levels (YAML block and flow style, JSON; plain and inside an
# encrypted file) and a YAML alias bomb through encrypt, decrypt, edit, set, check,
# filestatus, scan and exec-env. Each run must exit 2 with one line and no signal; the table
# gives the median time (ms, process start to exit) of each command and the largest peak RSS
# per case. Goal: under 100 ms and 50 MB each. The table is also written to
# bench/out/hostile/results.md.
#
# Environment: BENCH_RUNS=5 (runs per command), BENCH_NO_BUILD=1, VEIL_BIN=path/to/veil.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ "${BENCH_NO_BUILD:-0}" != 1 ] && [ -z "${VEIL_BIN:-}" ]; then
    cargo build --release --locked >&2
fi
echo "machine: $(nproc) CPU(s), load $(cut -d' ' -f1-3 /proc/loadavg), veil $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC')"
exec python3 "$ROOT/bench/hostile.py"
