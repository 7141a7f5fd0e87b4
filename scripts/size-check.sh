#!/usr/bin/env bash
# Prints the raw, gzip -9 and brotli sizes of the widget's .wasm and .js in a build folder
# (default pkg/, the npm package publishers ship; dist/ holds the Trunk demo's build) and
# fails when the gzip total is over the budget. The proof-of-work solver in the folder's
# pow-worker/, if any, is listed after the total and not counted in it.
set -euo pipefail

# What a publisher's reader downloads for the widget, gzip -9, wasm + js (+ css, inside).
# The goal is 100 KB; the budget sits just above today's package (README, Figures: what was
# cut, where the bytes go), so that any growth is a decision.
BUDGET_GZIP_BYTES="${BUDGET_GZIP_BYTES:-176596}"

dir="${1:-pkg}"
shopt -s nullglob
# The stylesheet is compiled into the wasm (adopted in each widget's shadow root).
files=("$dir"/*.wasm "$dir"/*.js)
if [ "${#files[@]}" -eq 0 ]; then
  echo "size-check: no .wasm or .js in $dir: build first (scripts/package.sh, or trunk build for dist/)" >&2
  exit 1
fi

printf '%-44s %10s %10s %10s\n' file raw gzip-9 brotli
total_raw=0 total_gzip=0 total_brotli=0
for file in "${files[@]}"; do
  raw=$(stat -c %s "$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  br=$(brotli -q 11 -c "$file" | wc -c)
  printf '%-44s %10d %10d %10d\n' "$(basename "$file")" "$raw" "$gz" "$br"
  total_raw=$((total_raw + raw)) total_gzip=$((total_gzip + gz)) total_brotli=$((total_brotli + br))
done
printf '%-44s %10d %10d %10d\n' total "$total_raw" "$total_gzip" "$total_brotli"

# The proof-of-work solver (pkg/pow-worker/) is downloaded only by a reader who comes to the
# form of a server that asks for proof of work: reported apart, outside the widget's total.
solver=("$dir"/pow-worker/*)
if [ "${#solver[@]}" -gt 0 ]; then
  solver_gzip=0
  for file in "${solver[@]}"; do
    raw=$(stat -c %s "$file")
    gz=$(gzip -9 -c "$file" | wc -c)
    br=$(brotli -q 11 -c "$file" | wc -c)
    printf '%-44s %10d %10d %10d\n' "pow-worker/$(basename "$file")" "$raw" "$gz" "$br"
    solver_gzip=$((solver_gzip + gz))
  done
  echo "size-check: the proof-of-work solver, apart from the budget: $solver_gzip bytes gzip"
fi

if [ "$total_gzip" -gt "$BUDGET_GZIP_BYTES" ]; then
  echo "size-check: FAIL: $total_gzip bytes gzip is over the budget of $BUDGET_GZIP_BYTES" >&2
  exit 1
fi
echo "size-check: ok: $total_gzip bytes gzip, budget $BUDGET_GZIP_BYTES ($((100 * total_gzip / BUDGET_GZIP_BYTES))% used)"
