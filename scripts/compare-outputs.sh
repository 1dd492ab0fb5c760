#!/usr/bin/env bash
# Runs two paramlens binaries on every model of the corpus in every output format and compares stdout, stderr and the
# exit status. Prints one line per difference and a closing count; exits 1 when anything differs.
# usage: scripts/compare-outputs.sh PARAMLENS_A PARAMLENS_B [CORPUS_DIR]
set -uo pipefail
a="$1" b="$2"
corpus="${3:-$(dirname "$0")/../../shared/corpus}"
[ -d "$corpus" ] || { echo "compare-outputs: no corpus at $corpus" >&2; exit 2; }
corpus=$(cd "$corpus" && pwd) # each run starts in its input's folder, as a user running a program beside its files would
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Every model input of the corpus: model files, printed tables, program sources and notebooks.
mapfile -t inputs < <(
  find "$corpus" -path '*/printed-summaries/*' -type f -name '*.txt'
  find "$corpus" -path '*/programs/*' -type f \( -name '*.py' -o -name '*.ipynb' \)
  find "$corpus" -type f \( -name '*.h5' -o -name '*.hdf5' -o -name '*.keras' -o -name '*.json' \) \
    ! -name expected.json ! -name '*.expected.json' ! -name 'manifest-*.json' ! -name case.json ! -name index.json \
    ! -path '*/programs/*' ! -path '*/printed-summaries/*'
)
commands=(
  "summary" "summary --style keras2" "summary --format json" "summary --show-trainable --expand-nested"
  "explain" "explain --format markdown" "explain --format json" "verify"
)
runs=0 differ=0
for input in "${inputs[@]}"; do
  for command in "${commands[@]}"; do
    runs=$((runs + 1))
    for side in a b; do
      (cd "$(dirname "$input")" && COLUMNS=80 timeout 120 "${!side}" $command "$input" >"$out/$side.out" 2>"$out/$side.err"; echo $? >"$out/$side.rc")
    done
    if ! cmp -s "$out/a.out" "$out/b.out" || ! cmp -s "$out/a.err" "$out/b.err" || ! cmp -s "$out/a.rc" "$out/b.rc"; then
      differ=$((differ + 1))
      echo "DIFFERS: paramlens $command $input (exit $(cat "$out/a.rc") vs $(cat "$out/b.rc"))"
      diff <(cat "$out/a.out" "$out/a.err") <(cat "$out/b.out" "$out/b.err") | head -6
    fi
  done
done
echo "compare-outputs: ${#inputs[@]} inputs × ${#commands[@]} commands = $runs runs; $differ differ"
[ "$differ" -eq 0 ]
