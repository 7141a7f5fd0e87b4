#!/usr/bin/env bash
# Builds the proof-of-work solver into OUT_DIR (default pkg/pow-worker): pow_worker.wasm
# (crate pow-worker, profile pow-worker: optimised for speed, then wasm-opt -O3), solve.js,
# the module that runs it, worker.js, its Web Worker, and search.js, which the widget imports
# from the folder that its package's entry names (www/package/article-widget.js: pow-worker/
# beside it; one copy for both builds) and which runs the worker, or solve.js on the page.
# Expects the tools of scripts/setup.sh on PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/release-options.sh

out="${1:-pkg/pow-worker}"
cargo build --offline --quiet -p pow-worker --target wasm32-unknown-unknown --profile pow-worker
mkdir -p "$out"
# The same features as the widget's wasm; speed, not size, is what -O3 optimises.
wasm-opt -O3 --strip-debug --strip-producers --strip-target-features "${WASM_FEATURES[@]}" \
  target/wasm32-unknown-unknown/pow-worker/pow_worker.wasm -o "$out/pow_worker.wasm"
for module in search.js solve.js worker.js; do
  terser "pow-worker/$module" --module --compress --mangle --output "$out/$module"
done
