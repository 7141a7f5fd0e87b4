#!/usr/bin/env bash
# Installs what is missing, builds the widget in release mode and serves the standalone
# demo on 127.0.0.1 (PORT, default 8080) until interrupted.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
port="${PORT:-8080}"
echo "[demo] building; the demo will be at http://127.0.0.1:$port/"
exec trunk serve --port "$port"
