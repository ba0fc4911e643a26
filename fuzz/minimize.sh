#!/usr/bin/env bash
# Reduces each target's corpus (every one, or those named) to the inputs that reach new
# coverage: libFuzzer's merge of corpus/<target>/ into an empty directory, which then replaces
# corpus/<target>/. Run after fuzz/run.sh and before committing, so that the committed corpus
# stays small:
#
#     bash fuzz/minimize.sh [TARGET...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
TARGETS=(yaml json toml dotenv ini binary enc_value metadata sops_config identities treepath scan_decoders decrypt)
if [ $# -gt 0 ]; then
    TARGETS=("$@")
fi
cargo +nightly fuzz build -O >&2
mkdir -p artifacts/logs
for t in "${TARGETS[@]}"; do
    fresh=$(mktemp -d "corpus/.$t.XXXXXX")
    before=$(find "corpus/$t" -type f | wc -l)
    "target/x86_64-unknown-linux-gnu/release/$t" -merge=1 -use_counters=0 -timeout=10 -rss_limit_mb=2048 \
        -max_len=8192 "$fresh" "corpus/$t" >"artifacts/logs/cmin-$t.log" 2>&1 || {
        echo "$t: merge FAILED (see artifacts/logs/cmin-$t.log)" >&2
        rm -rf "$fresh"
        exit 1
    }
    rm -rf "corpus/$t"
    mv "$fresh" "corpus/$t"
    chmod 755 "corpus/$t"
    echo "$t: $before -> $(find "corpus/$t" -type f | wc -l) files, $(du -sb "corpus/$t" | cut -f1) bytes"
done
