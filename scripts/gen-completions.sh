#!/usr/bin/env bash
# Regenerates completions/ and the man pages in completions/man/ from the clap definition
# (tests/cli.rs fails when they are stale).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
mkdir -p completions
for pair in bash:veil.bash zsh:_veil fish:veil.fish powershell:_veil.ps1 elvish:veil.elv; do
  target/debug/veil completions "${pair%%:*}" > "completions/${pair#*:}"
done
rm -rf completions/man
target/debug/veil man completions/man
