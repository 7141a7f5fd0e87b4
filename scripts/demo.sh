#!/usr/bin/env bash
# Installs what is missing, builds the widget in release mode (the Trunk demo and the npm
# package) and the reference server, then serves on 127.0.0.1 (PORT, default 8080):
#   /            the standalone demo (the seed article, its related stories, its comments)
#   /publisher/  a publisher's page: hostile CSS, strict CSP, two widgets, dark mode
#   /api/        the native JSON API, with its data in a SQLite file that survives restarts
#   /moderation/ the moderation page (moderators: `article-widget-server moderator add NAME
#                --database "$AW_CACHE/demo.sqlite3"`, README "The moderation page")
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
port="${PORT:-8080}"
scripts/package.sh
scripts/site.sh
node scripts/precompress.mjs dist
cargo build --offline --release -p article-widget-server
echo "[demo] standalone demo: http://127.0.0.1:$port/"
echo "[demo] publisher page:  http://127.0.0.1:$port/publisher/"
echo "[demo] moderation page: http://127.0.0.1:$port/moderation/"
echo "[demo] moderators are added with (password from stdin):"
echo "[demo]   target/release/article-widget-server moderator add NAME --database $AW_CACHE/demo.sqlite3"
exec target/release/article-widget-server --listen "127.0.0.1:$port" \
  --content www/demo-api/articles --static dist --database "$AW_CACHE/demo.sqlite3"
