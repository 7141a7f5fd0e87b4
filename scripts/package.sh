#!/usr/bin/env bash
# Builds the npm package in pkg/ with wasm-pack (--target web), optimises the wasm with the
# wasm-opt on PATH, and adds the custom-element entry point, its types and the publishers'
# README. Expects the tools of scripts/setup.sh on PATH (run through demo.sh or test.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# --mode no-install: use the wasm-bindgen on PATH, never download one.
# The standard library is rebuilt for size with panics that abort at once (no message
# formatting): 17 KB gzip less (README "Size"). These are unstable options of the pinned
# stable toolchain, enabled by RUSTC_BOOTSTRAP for this build only; tests run the usual std.
RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort" \
  wasm-pack --quiet build --release --target web --mode no-install --out-dir pkg --out-name article_widget --no-pack . \
  -- -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-mutable-globals \
  pkg/article_widget_bg.wasm -o pkg/article_widget_bg.wasm
# The generated bindings, minified: 9.2 KB -> 6.7 KB gzip.
terser pkg/article_widget.js --module --compress --mangle --output pkg/article_widget.js
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
  files: ["article-widget.js", "article-widget.d.ts", "article_widget.js", "article_widget.d.ts", "article_widget_bg.wasm", "README.md"],
  sideEffects: ["./article-widget.js"],
};
fs.writeFileSync("pkg/package.json", JSON.stringify(manifest, null, 2) + "\n");
JS
echo "[package] pkg/: $(ls pkg | tr '\n' ' ')"
