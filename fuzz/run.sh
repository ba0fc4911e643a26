#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 150), JOBS at a time (default 2), on the
# nightly toolchain (`cargo install cargo-fuzz` first), and prints the runs of each:
#
#     bash fuzz/run.sh [SECONDS] [JOBS]
#
# New inputs are added to fuzz/corpus/<target>/; a crash leaves its input in
# fuzz/artifacts/<target>/ (copy it to fuzz/regressions/<target>/ once fixed: the stable test
# tests/fuzz_regressions.rs replays it). Logs: fuzz/artifacts/logs/<target>.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
SECONDS_EACH="${1:-150}"
JOBS="${2:-2}"
TARGETS=(yaml json toml dotenv ini binary enc_value metadata sops_config identities treepath scan_decoders decrypt)
cargo +nightly fuzz build -O >&2
mkdir -p artifacts/logs
run_one() {
    local t="$1"
    mkdir -p "corpus/$t"
    mkdir -p "artifacts/$t"
    # The binaries built above, run directly (`cargo fuzz run` would rebuild on any change).
    "target/x86_64-unknown-linux-gnu/release/$t" "corpus/$t" -artifact_prefix="artifacts/$t/" \
        -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -print_final_stats=1 >"artifacts/logs/$t.log" 2>&1 || echo "$t: FAILED (see artifacts/logs/$t.log)" >&2
    local runs
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "artifacts/logs/$t.log" | grep -o '[0-9]*$' || echo '?')
    echo "$t $runs"
}
export -f run_one
export SECONDS_EACH
printf '%s\n' "${TARGETS[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_one {}'
