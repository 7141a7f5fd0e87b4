#!/usr/bin/env bash
# Every test: installs what is missing, then lints, runs the native tests (core, widget,
# server over HTTP on SQLite, then again on PostgreSQL), a bounded fuzzing of the core's HTML
# converter, mappings and JSON reader, the browser tests in headless Chromium, the release
# builds with their size check, and the end-to-end journeys in Chromium against the reference
# server and a real WordPress.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }

# A clean run writes about 2.7 GiB of build output (measured on a fresh clone, README
# "Continuous integration"): warn up front rather than end in a compiler's "No space left on
# device" halfway through. CI reruns nothing, so it keeps no incremental caches.
MIN_FREE_GIB=4
[ -n "${CI:-}" ] && export CARGO_INCREMENTAL=0
free_kib=$(df -Pk . | awk 'NR == 2 { print $4 }')
if [ "$free_kib" -lt $((MIN_FREE_GIB * 1024 * 1024)) ]; then
  echo "test.sh: $((free_kib / 1024)) MiB free here; a clean run needs about $MIN_FREE_GIB GiB" >&2
fi

step "lint (clippy, native and wasm32, with and without the mapping language)"
cargo clippy --offline --workspace --all-targets -- -D warnings
cargo clippy --offline --target wasm32-unknown-unknown --all-targets -- -D warnings
cargo clippy --offline --target wasm32-unknown-unknown --lib --no-default-features -- -D warnings
cargo clippy --offline --target wasm32-unknown-unknown -p pow-worker -- -D warnings
cargo clippy --offline --target wasm32-unknown-unknown -p article-widget-moderation --all-targets -- -D warnings
cargo clippy --offline -p article-widget-core --lib --no-default-features -- -D warnings

step "native tests: core, backend adapter, reducer, server-side rendering, reference server"
cargo test --offline --workspace
# The configuration of the package's build for the widget's own API, which has no mappings.
cargo test --offline -p article-widget --lib --no-default-features config::

step "reference server over HTTP again, on PostgreSQL"
# The same tests (server/tests/), each site in a database of its own, in a throwaway cluster
# of Debian's PostgreSQL (server/src/store/postgres/throwaway.rs: a temporary folder, a free
# port, run as nobody when we are root); the run fails, saying why, if it cannot start. The
# unit tests ran above: they test PostgreSQL whatever the variable says.
ARTICLE_WIDGET_TEST_DATABASE=postgres cargo test --offline -p article-widget-server --test '*'

step "fuzzing (bounded): the safe-HTML converter 60 s, the built-in mappings 30 s, the JSON reader against serde_json 30 s"
# cargo fuzz needs nightly-only compiler flags (coverage instrumentation): RUSTC_BOOTSTRAP
# allows them on the pinned stable toolchain (rust-toolchain.toml, which fuzz/ is under). No
# sanitizer: the core has no unsafe code for one to watch, and AddressSanitizer runs the
# targets about five times slower. The corpus grows in fuzz/corpus/ (only the seeds are
# committed); the mapping target also reads the fixtures.
mkdir -p test-artifacts
fuzz() {
  local target=$1 seconds=$2 log="test-artifacts/fuzz-$1.log"; shift 2
  if ! RUSTC_BOOTSTRAP=1 CARGO_NET_OFFLINE=true cargo fuzz run -s none "$target" "fuzz/corpus/$target" "$@" -- \
    -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
    cat "$log"
    return 1
  fi
  echo "$target: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | sed 's/[[:space:]]\+/ /g')"
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$log"
}
fuzz safe_html 60
fuzz mapping 30 core/tests/fixtures
fuzz json_serde 30

step "browser tests: wasm-bindgen-test in headless Chromium"
# The proof-of-work solver the tests' widgets load from the package's folder (pkg/pow-worker/),
# first its module alone in node, on its wasm and altcha-lib's challenges.
scripts/pow-worker.sh
node --test --test-reporter=spec pow-worker/
cargo test --offline --target wasm32-unknown-unknown --test web
# The moderation page, on a fake of the admin API.
cargo test --offline --target wasm32-unknown-unknown -p article-widget-moderation --test web

step "release builds (npm package, trunk demo, moderation page) and size budgets"
# The package build's scripts on their fixture first: a fault there is then named as such.
node --test --test-reporter=spec scripts/
scripts/package.sh
# What most pages load: the entry and the build for the widget's own API; then the build a
# widget with a mapping loads instead.
scripts/size-check.sh pkg
BUDGET_GZIP_BYTES=241321 scripts/size-check.sh pkg/mappings
# The demo and the moderation page, into dist/ (the end-to-end tests' static folder). The
# moderation page is the moderators' download alone, never a reader's: its own budget.
scripts/site.sh
BUDGET_GZIP_BYTES=128440 scripts/size-check.sh dist/moderation

step "end-to-end: whole journeys in chromium against the reference server and a real WordPress"
cargo build --offline -p article-widget-server
# Debian's WordPress on MariaDB and PHP's server (tests/e2e/wordpress.test.mjs): installed with
# apt the first time (1 min 19 s measured), found running afterwards (1.5 s); `scripts/wordpress.sh
# stop` stops it.
scripts/wordpress.sh
node --test --test-reporter=spec tests/e2e/
