#!/usr/bin/env bash
# Every test: installs what is missing, then lints, runs the native tests (core, widget,
# server over HTTP), the browser tests in headless Chromium, the release builds with their
# size check, and the end-to-end journeys in Chromium against the reference server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }

step "lint (clippy, native and wasm32)"
cargo clippy --offline --workspace --all-targets -- -D warnings
cargo clippy --offline --target wasm32-unknown-unknown --all-targets -- -D warnings

step "native tests: core, backend adapter, reducer, server-side rendering, reference server"
cargo test --offline --workspace

step "browser tests: wasm-bindgen-test in headless Chromium"
cargo test --offline --target wasm32-unknown-unknown --test web

step "release builds (npm package, trunk demo) and size budget"
scripts/package.sh
scripts/size-check.sh pkg
trunk build

step "end-to-end: whole journeys in chromium against the reference server"
cargo build --offline -p article-widget-server
node --test --test-reporter=spec tests/e2e/
