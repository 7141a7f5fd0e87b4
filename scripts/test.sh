#!/usr/bin/env bash
# Every test: installs what is missing, then lints, runs the native tests, the browser tests
# in headless Chromium, and the release build with its size check.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }

step "lint (clippy, native and wasm32)"
cargo clippy --offline --workspace --all-targets -- -D warnings
cargo clippy --offline --target wasm32-unknown-unknown --all-targets -- -D warnings

step "native tests: core, backend adapter, reducer, server-side rendering"
cargo test --offline --workspace

step "browser tests: wasm-bindgen-test in headless Chromium"
cargo test --offline --target wasm32-unknown-unknown --test web

step "release build (trunk) and size budget"
trunk build
scripts/size-check.sh dist
