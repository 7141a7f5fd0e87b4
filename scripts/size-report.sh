#!/usr/bin/env bash
# Where the bytes of the package's wasm go: the release build of scripts/package.sh, its
# function names kept, dissected by twiggy and grouped by the part of the widget each
# function serves (scripts/size-report.mjs). Prints a Markdown table (README, "Size").
#   scripts/size-report.sh             the build for the widget's own API
#   scripts/size-report.sh mappings    the build with the mapping language
# Not part of test.sh; installs twiggy (crates.io) into the tools cache on first use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
. scripts/release-options.sh
cargo_tool twiggy 0.8.0 twiggy --locked

features=(--no-default-features)
[ "${1:-}" = mappings ] && features=()
target=target/size-report
out="$target/bindgen"
RUSTC_BOOTSTRAP=1 RUSTFLAGS="$RELEASE_RUSTFLAGS" CARGO_TARGET_DIR="$target" \
  cargo build --quiet --offline --release --lib --target wasm32-unknown-unknown "${features[@]}" "${RELEASE_CARGO_OPTIONS[@]}"
rm -rf "$out"
wasm-bindgen --target web --keep-debug --out-dir "$out" "$target/wasm32-unknown-unknown/release/article_widget.wasm"
# -g keeps the names through the same optimisation as the package's wasm.
wasm-opt -Oz -g "${WASM_FEATURES[@]}" "${WASM_OPT_OPTIONS[@]}" "$out/article_widget_bg.wasm" -o "$out/named.wasm"
twiggy top -n 1000000 --format csv "$out/named.wasm" > "$out/top.csv"
node scripts/size-report.mjs "$out/top.csv"
