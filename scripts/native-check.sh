#!/usr/bin/env bash
# Publishes the CLI twice — JIT and native (NativeAOT) — and runs both on every model of ../shared/corpus in every
# output format (scripts/compare-outputs.sh), comparing stdout, stderr and the exit status.
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

scripts/compare-outputs.sh "$out/jit/paramlens" "$out/native/paramlens" "$corpus"
