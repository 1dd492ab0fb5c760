#!/usr/bin/env bash
# Publishes the CLI twice — JIT and native (NativeAOT) — and runs both on every model of ../shared/corpus in every
# output format, comparing stdout, stderr and the exit status. Prints one line per difference and a closing count.
# usage: scripts/native-check.sh [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus}"
[ -d "$corpus" ] || { echo "native-check: no corpus at $corpus" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rid=$(dotnet --info | awk '/RID:/ { print $2; exit }')
dotnet publish src/ParamLens.Cli -c Release -o "$out/jit" >/dev/null
dotnet publish src/ParamLens.Cli -c Release -r "$rid" -p:PublishAot=true -o "$out/native" 2>&1 | tee "$out/publish.log" >/dev/null
if grep -E "warning (IL|NETSDK)" "$out/publish.log"; then echo "native-check: the native publish has warnings" >&2; exit 1; fi

# Every model input of the corpus: model files beside an expected.json, printed tables, program sources.
mapfile -t inputs < <(
  find "$corpus" -path '*/printed-summaries/*' -type f -name '*.txt'
  find "$corpus" -path '*/programs/*' -type f \( -name '*.py' -o -name '*.ipynb' \)
  find "$corpus" -type f \( -name '*.h5' -o -name '*.hdf5' -o -name '*.keras' -o -name '*.json' \) \
    ! -name expected.json ! -name '*.expected.json' ! -name 'manifest-*.json' ! -name case.json ! -name index.json ! -path '*/programs/*' ! -path '*/printed-summaries/*'
)
commands=(
  "summary" "summary --style keras2" "summary --format json" "summary --show-trainable --expand-nested"
  "explain" "explain --format markdown" "explain --format json" "verify"
)
runs=0 differ=0
for input in "${inputs[@]}"; do
  for command in "${commands[@]}"; do
    runs=$((runs + 1))
    (cd "$(dirname "$input")" && COLUMNS=80 timeout 120 "$out/jit/paramlens" $command "$input" >"$out/a.out" 2>"$out/a.err"; echo $? >"$out/a.rc") || true
    (cd "$(dirname "$input")" && COLUMNS=80 timeout 120 "$out/native/paramlens" $command "$input" >"$out/b.out" 2>"$out/b.err"; echo $? >"$out/b.rc") || true
    if ! cmp -s "$out/a.out" "$out/b.out" || ! cmp -s "$out/a.err" "$out/b.err" || ! cmp -s "$out/a.rc" "$out/b.rc"; then
      differ=$((differ + 1))
      echo "DIFFERS: paramlens $command $input (exit $(cat "$out/a.rc") vs $(cat "$out/b.rc"))"
      diff <(cat "$out/a.out" "$out/a.err") <(cat "$out/b.out" "$out/b.err") | head -5 || true
    fi
  done
done
echo "native-check: ${#inputs[@]} inputs × ${#commands[@]} commands = $runs runs; $differ differ between the JIT and native builds"
[ "$differ" -eq 0 ]
