#!/usr/bin/env bash
# Builds dist/, the folder the reference server serves with --static (scripts/demo.sh, the
# end-to-end tests): the standalone demo (Trunk, from index.html; the npm package in pkg/ must
# be built first, scripts/package.sh), then the moderation page into dist/moderation/ (Trunk,
# from moderation/index.html), in that order, as the demo's build empties dist/.
# Run with scripts/setup.sh's PATH (Trunk, wasm-bindgen and wasm-opt of the pinned versions).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
trunk build
trunk build --config moderation/Trunk.toml
