#!/usr/bin/env bash
# Builds the npm package in pkg/ with wasm-pack (--target web): two builds of the widget,
# each wasm optimised with the wasm-opt on PATH, the proof-of-work solver they share
# (pkg/pow-worker/, scripts/pow-worker.sh), and the custom-element entry point that picks
# one, its types and the publishers' README. Expects the tools of scripts/setup.sh on PATH (run
# through demo.sh or test.sh). AW_SHORTEN_NAMES=0 keeps wasm-bindgen's names (see build()).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/release-options.sh

# build OUT_DIR [cargo options]: one build of the widget into OUT_DIR, its wasm optimised and
# its bindings minified (9.2 KB -> 6.7 KB gzip).
# --mode no-install: use the wasm-bindgen on PATH, never download one.
build() {
  local out=$1; shift
  RUSTC_BOOTSTRAP=1 RUSTFLAGS="$RELEASE_RUSTFLAGS" \
    wasm-pack --quiet build --release --target web --mode no-install --out-dir "$out" --out-name article_widget --no-pack . \
    -- "${RELEASE_CARGO_OPTIONS[@]}" "$@"
  # wasm-opt is told that the low 1 KiB of memory is unused (release-options.sh), which holds
  # only with the stack first in memory: checked on the linked wasm, or the build fails.
  node scripts/check-stack-first.mjs "$out/article_widget_bg.wasm"
  # --converge repeats -Oz while it still gains (0.6 KB gzip); the producers and target
  # features sections only describe the build.
  wasm-opt -Oz --converge --strip-producers --strip-target-features "${WASM_FEATURES[@]}" "${WASM_OPT_OPTIONS[@]}" \
    "$out/article_widget_bg.wasm" -o "$out/article_widget_bg.wasm"
  terser "$out/article_widget.js" --module --compress --mangle --output "$out/article_widget.js"
  # Import and shim names without their hashes (4.6 KB gzip less). AW_SHORTEN_NAMES=0 keeps
  # wasm-bindgen's names: to read them in a browser's stack traces, or to tell a fault of the
  # renaming from one of the build (the size budget then fails by those 4.6 KB).
  if [ "${AW_SHORTEN_NAMES:-1}" != 0 ]; then
    node scripts/shorten-names.mjs "$out"
  fi
}
# Two builds: the widget's own API only (what most pages load), and with the mapping language
# and the safe-HTML converter, which the entry loads for a widget that sets `mapping`.
rm -rf pkg
build pkg --no-default-features
build pkg/mappings
rm -f pkg/mappings/.gitignore pkg/mappings/*.d.ts
# The proof-of-work solver, one copy that both builds load from pkg/pow-worker/ (the entry
# names it from its own URL): its wasm, the modules that run it and its Web Worker,
# downloaded only by a reader who comes to the form of a server that asks for proof of work.
scripts/pow-worker.sh pkg/pow-worker
cp www/package/article-widget.js www/package/article-widget.d.ts www/package/README.md pkg/

# The package's entry is the custom-element module, which loads the generated bindings.
node - <<'JS'
const fs = require("fs");
const manifest = {
  name: "article-widget",
  version: require("child_process").execSync("cargo pkgid -p article-widget").toString().trim().split(/[#@]/).pop(),
  description: "Embeddable article and comments widget (Rust, WebAssembly) for any JSON backend",
  license: "MIT OR Apache-2.0",
  type: "module",
  main: "article-widget.js",
  module: "article-widget.js",
  types: "article-widget.d.ts",
  exports: { ".": { types: "./article-widget.d.ts", default: "./article-widget.js" } },
  files: ["article-widget.js", "article-widget.d.ts", "article_widget.js", "article_widget.d.ts", "article_widget_bg.wasm",
    "mappings/article_widget.js", "mappings/article_widget_bg.wasm", "pow-worker/search.js", "pow-worker/worker.js", "pow-worker/solve.js", "pow-worker/pow_worker.wasm", "README.md"],
  sideEffects: ["./article-widget.js"],
};
fs.writeFileSync("pkg/package.json", JSON.stringify(manifest, null, 2) + "\n");
JS
echo "[package] pkg/: $(cd pkg && find . -type f | sort | tr '\n' ' ')"
