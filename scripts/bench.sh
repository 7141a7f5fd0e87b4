#!/usr/bin/env bash
# The widget against static HTML of the same content, in headless Chromium on loopback:
# bytes, time to the article (also with the CPU slowed 4×, and on slow 4G), the same for the
# widget rendered by the server into its page (with the takeover's layout shift and the time
# to a usable comment form), threads of 100 to 10,000 comments, a thread of 5,000 comments in
# one answer read through a mapping, posting.
# Installs what is missing, builds the npm package and the reference server in release
# mode, then runs bench/run.mjs, which prints the tables and writes bench/results.json.
# About 10 minutes on 2 cores (7 of them the runs, 2 the ssr case); not part of test.sh.
#   AW_BENCH_RUNS=5               runs per case (median and min–max are reported)
#   AW_BENCH_THREADS=100,1000,10000  thread sizes, in comments
#   AW_BENCH_CASES=one-answer     only these cases (of bytes,article,ssr,threads,one-answer,posting)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
scripts/package.sh
cargo build --offline --release -p article-widget-server
node bench/run.mjs
