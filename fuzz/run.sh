#!/usr/bin/env bash
# Runs the fuzz targets (every one, or those named) for SECONDS each (default 150), JOBS at a
# time (default 2), on the nightly toolchain (`cargo install cargo-fuzz` first), and prints
# each target's seconds, executed units, exec/s and corpus size:
#
#     bash fuzz/run.sh [SECONDS] [JOBS] [TARGET...]
#
# New inputs are added to fuzz/corpus/<target>/; a crash leaves its input in
# fuzz/artifacts/<target>/ (copy it to fuzz/regressions/<target>/ once fixed: the stable test
# tests/fuzz_regressions.rs replays it). Logs: fuzz/artifacts/logs/<target>.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
SECONDS_EACH="${1:-150}"
JOBS="${2:-2}"
TARGETS=(yaml json toml dotenv ini binary enc_value metadata sops_config identities treepath scan_decoders decrypt)
if [ $# -gt 2 ]; then
    TARGETS=("${@:3}")
fi
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
    local log="artifacts/logs/$t.log" secs runs rate
    secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo '?')
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "$t seconds=$secs units=$runs exec/s=$rate corpus=$(find "corpus/$t" -type f | wc -l)"
}
export -f run_one
export SECONDS_EACH
printf '%s\n' "${TARGETS[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_one {}'
