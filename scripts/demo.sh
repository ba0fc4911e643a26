#!/usr/bin/env bash
# Builds veil and runs its main job on the bundled demo data: encrypt testdata/demo/secrets.yaml
# for the DEMO key (public, for demos only), show the result, decrypt it and check that the
# round trip gives back the original bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
veil=target/release/veil
if [ ! -x "$veil" ]; then
  echo "== building veil (release; the first build compiles every dependency and takes a few minutes on 2 cores)…" >&2
else
  echo "== building veil (release; up to date in seconds when nothing changed)…" >&2
fi
start=$(date +%s)
cargo build --release --locked
echo "== built in $(( $(date +%s) - start )) s" >&2
key=testdata/demo/demo-age-key.txt
recipient=$(sed -n 's/^# public key: //p' "$key")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$veil" encrypt --age "$recipient" testdata/demo/secrets.yaml > "$out/secrets.enc.yaml"
echo "== encrypted (values replaced, layout kept):"
cat "$out/secrets.enc.yaml"
SOPS_AGE_KEY_FILE="$key" "$veil" decrypt "$out/secrets.enc.yaml" > "$out/secrets.dec.yaml"
if cmp -s "$out/secrets.dec.yaml" testdata/demo/secrets.yaml; then
  echo "== round trip OK: decrypt(encrypt(secrets.yaml)) is byte-identical"
else
  echo "== round trip FAILED" >&2
  diff -u testdata/demo/secrets.yaml "$out/secrets.dec.yaml" >&2 || true
  exit 1
fi
