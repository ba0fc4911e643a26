#!/usr/bin/env bash
# Benchmark of `veil scan` (release build).
#
#   bench/scan-history.sh [REPO]
#
# Without REPO, generates deterministically (bench/gen_history.py, git fast-import) a history of
# $COMMITS commits (default 20000) with about $MB MB (default 250, which comes out above 300 MB) of unique blob content into
# bench/out/history, and runs `git gc`. Then times `veil scan` over the whole history (unique
# blobs, bytes, wall time, MB/s, peak memory from /usr/bin/time -v), compares with ripsecrets
# (cargo install ripsecrets --root bench/out/tools) on a checkout of the working tree, and
# times `veil scan --staged` with one changed file in a repository of 10,000 files.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
OUT="$ROOT/bench/out"
COMMITS="${COMMITS:-20000}"
MB="${MB:-250}"
mkdir -p "$OUT"
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.org GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.org

command -v /usr/bin/time >/dev/null || { echo "install GNU time (apt-get install time)" >&2; exit 2; }
cargo build --release --quiet
VEIL="$ROOT/target/release/veil"

if [ $# -ge 1 ]; then
    REPO="$(cd "$1" && pwd)"
else
    REPO="$OUT/history"
    if [ ! -f "$REPO/.generated-$COMMITS-$MB" ]; then
        rm -rf "$REPO"
        git init -q -b main "$REPO"
        echo "generating $COMMITS commits, ~$MB MB of blobs..." >&2
        start=$(date +%s)
        python3 "$ROOT/bench/gen_history.py" "$COMMITS" "$MB" | git -C "$REPO" fast-import --quiet
        git -C "$REPO" checkout -q -f main
        echo "fast-import: $(( $(date +%s) - start )) s; git gc..." >&2
        git -C "$REPO" gc -q
        echo "generated in $(( $(date +%s) - start )) s" >&2
        touch "$REPO/.generated-$COMMITS-$MB"
    fi
fi

report="$OUT/report.txt"
: >"$report"
say() { echo "$*" | tee -a "$report"; }

say "== veil scan (history) of $REPO"
say "machine: $(nproc) cores, $(uname -sr)"
/usr/bin/time -v "$VEIL" scan "$REPO" --format json --output "$OUT/history.json" 2>"$OUT/history.time" || [ $? -eq 1 ]
python3 - "$OUT/history.json" "$OUT/history.time" <<'PY' | tee -a "$report"
import json, re, sys
d = json.load(open(sys.argv[1])); t = open(sys.argv[2]).read()
wall = t.split("Elapsed (wall clock) time (h:mm:ss or m:ss): ")[1].split()[0].split(":")
secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
cpu = re.search(r"Percent of CPU this job got: (\d+)%", t).group(1)
s = d["stats"]
print(f"commits {s['commits']}, unique blobs {s['blobs']}, {s['bytes']/1e6:.1f} MB, skipped over size {s['skipped_large']}")
print(f"wall {secs:.2f} s, {s['bytes']/1e6/secs:.1f} MB/s, CPU {cpu}%, peak RSS {rss/1024:.1f} MB, findings {len(d['findings'])}")
PY

# ripsecrets on a checkout of the working tree, against veil scan --worktree.
RS="$OUT/tools/bin/ripsecrets"
[ -x "$RS" ] || cargo install ripsecrets --root "$OUT/tools" --quiet
say "== working tree of $REPO: veil scan --worktree vs ripsecrets"
say "files $(git -C "$REPO" ls-files | wc -l), $(du -sh --exclude=.git "$REPO" | cut -f1)"
/usr/bin/time -f "veil scan --worktree: wall %e s, peak RSS %M KB" "$VEIL" scan --worktree --quiet "$REPO" >/dev/null 2>"$OUT/wt.time" || true
tail -1 "$OUT/wt.time" | tee -a "$report"
(cd "$REPO" && /usr/bin/time -f "ripsecrets: wall %e s, peak RSS %M KB" "$RS" >/dev/null 2>"$OUT/rs.time") || true
tail -1 "$OUT/rs.time" | tee -a "$report"

# --staged with one changed file in a repository of 10,000 files.
ST="$OUT/staged"
if [ ! -f "$ST/.generated" ]; then
    rm -rf "$ST"; git init -q -b main "$ST"
    python3 - "$ST" <<'PY'
import os, random, sys
rng = random.Random(7); root = sys.argv[1]
for i in range(10000):
    d = os.path.join(root, f"pkg{i % 100}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file{i}.py"), "w") as f:
        f.write("".join(f"value_{rng.randint(0, 10**6)} = {rng.randint(0, 10**9)}\n" for _ in range(40)))
PY
    git -C "$ST" add -A && git -C "$ST" commit -q -m init && touch "$ST/.generated"
fi
echo "changed = $RANDOM" >>"$ST/pkg1/file1.py"; git -C "$ST" add pkg1/file1.py
times=()
for i in $(seq 1 11); do
    s=$(date +%s%N); "$VEIL" scan --staged --quiet "$ST" >/dev/null || true; e=$(date +%s%N)
    times+=($(( (e - s) / 1000000 )))
done
git -C "$ST" checkout -q -- . 2>/dev/null; git -C "$ST" reset -q --hard
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 6p)
say "== veil scan --staged, 1 changed file of 10000: median ${median} ms of 11 runs (${times[*]})"

# --staged with one 20 MB file staged: scanned part by part (bounded memory), not skipped.
BIG="$OUT/staged-big"
rm -rf "$BIG"; git init -q -b main "$BIG"
python3 - "$BIG/dump.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(420000):
        f.write(f"row {i}: the quick brown fox jumps over the lazy dog\n")
        if i == 300000:
            f.write("export AWS_ACCESS_KEY_ID=AKIALARGESTAGEDFILQZ\n")
PY
git -C "$BIG" add dump.log
/usr/bin/time -f "veil scan --staged, one 20 MB staged file: wall %e s, peak RSS %M KB" "$VEIL" scan --staged --quiet "$BIG" >"$OUT/big.out" 2>"$OUT/big.time" || true
tail -1 "$OUT/big.time" | tee -a "$report"
grep -q "dump.log:300002" "$OUT/big.out" && say "   (the planted key at dump.log:300002 was found)"
