#!/usr/bin/env bash
# compare.sh [RUNS] — ParamLens (its native binary and its JIT build) and the TensorFlow.js oracle (a second Keras
# implementation) side by side, in one run, on the same big Keras configs: median wall time and peak memory per whole
# process, and the ratios of TensorFlow.js to the native binary.
#
# Needs node/npm (for the oracle, copied from ../shared/tools/tfjs-oracle to a temp folder) and /usr/bin/time.
# The configs are written by the oracle's make_big.js (ResNet50, VGG16, 2,000 Dense layers, a 24-block transformer);
# a 100-billion-parameter config is written here. Nothing is downloaded at run time beyond `npm ci` of the oracle.
set -euo pipefail
runs="${1:-5}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
shared="$(cd "$root/../shared" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || { echo "compare.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

cp -r "$shared/tools/tfjs-oracle" "$work/oracle"
(cd "$work/oracle" && npm ci --silent >/dev/null 2>&1)
node "$work/oracle/make_big.js" --out "$work/big" >/dev/null 2>&1
# 100 billion parameters in two layers: the same work for ParamLens as 10 parameters.
cat > "$work/big/dense_100b.json" <<'JSON'
{"class_name": "Sequential", "keras_version": "2.15.0", "config": {"name": "huge", "layers": [
 {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 100000], "name": "x"}},
 {"class_name": "Dense", "config": {"name": "wide", "units": 1000000}}]}}
JSON

dotnet build -c Release "$root/src/ParamLens.Cli" -o "$work/paramlens" >/dev/null
rid=$(dotnet --info | awk '/RID:/ { print $2; exit }')
dotnet publish -c Release -r "$rid" -p:PublishAot=true "$root/src/ParamLens.Cli" -o "$work/native" >/dev/null
measure() { # name, command... → prints median seconds and max RSS MB over $runs runs
  local name="$1"; shift
  local times=() rss=0 status=0
  for i in $(seq 1 "$runs"); do
    local start end
    start=$(date +%s%N) # wall time in ns: /usr/bin/time's 10 ms steps are too coarse for a native start
    if /usr/bin/time -f "%M" -o "$work/t" "$@" >/dev/null 2>"$work/err"; then :; else status=$?; fi
    end=$(date +%s%N)
    read -r kb < <(tail -n 1 "$work/t")
    times+=("$(awk -v ns=$((end - start)) 'BEGIN { printf "%.4f", ns / 1e9 }')"); (( kb > rss )) && rss=$kb
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-26s %-10s median %7.3f s  peak %6d MB  %s\n' "$name" "$tool" "$median" $((rss / 1024)) \
    "$([ "$status" = 0 ] && echo ok || echo "exit $status")"
  echo "$name $tool $median $rss $status" >> "$work/results"
}
for cfg in resnet50 vgg16_sequential deep_dense_2000 transformer_24 dense_100b; do
  f="$work/big/$cfg.json"
  tool=native measure "$cfg" "$work/native/paramlens" summary "$f" --style keras2
  tool=jit measure "$cfg" "$work/paramlens/paramlens" summary "$f" --style keras2
  tool=tfjs measure "$cfg" node --max-old-space-size=8192 "$work/oracle/oracle.js" "$f" --no-weights
done
# TensorFlow.js over the native binary, where both finished.
awk '{ t[$1 " " $2] = $3; m[$1 " " $2] = $4; ok[$1 " " $2] = ($5 == 0); cfgs[$1] = 1 }
     END { for (c in cfgs) if (ok[c " native"] && ok[c " tfjs"])
             printf "%-26s tfjs/native: %5.0fx time, %5.1fx memory\n", c, t[c " tfjs"] / t[c " native"], m[c " tfjs"] / m[c " native"] }' "$work/results"
# The timings only count if the answers are right: ParamLens' totals against the figures Keras reports.
for cfg in resnet50 vgg16_sequential deep_dense_2000 transformer_24; do
  "$work/paramlens/paramlens" summary "$work/big/$cfg.json" --format json > "$work/$cfg.out.json"
  node -e '
    const [out, expected, name] = process.argv.slice(1);
    const got = require(out), want = require(expected)[name];
    const same = got.total_params === want.total && got.trainable_params === want.trainable && got.non_trainable_params === want.non_trainable;
    console.log(`${name.padEnd(26)} totals ${got.total_params}/${got.trainable_params}/${got.non_trainable_params} ${same ? "agree with Keras" : "DIFFER from Keras " + JSON.stringify(want)}`);
    process.exitCode = same ? 0 : 1;' "$work/$cfg.out.json" "$work/big/expected_totals.json" "$cfg"
done
