#!/usr/bin/env bash
# Records the answers of a real Isso (https://isso-comments.de, PyPI `isso`) into
# core/tests/fixtures/isso/: a thread with nested replies, a deleted comment that keeps its
# reply, and a comment held for moderation (`mode: 2`). Isso runs on 127.0.0.1 with a
# configuration written in a temporary folder, and every comment goes through its HTTP API.
#
#   python3 -m venv /tmp/isso && /tmp/isso/bin/pip install isso==0.14.0
#   PATH=/tmp/isso/bin:$PATH scripts/record-isso.sh
#
# Needs `isso`, `curl` and `jq` on PATH. ISSO_PORT (default 8089) is the port it listens on.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=core/tests/fixtures/isso
port=${ISSO_PORT:-8089}
api="http://127.0.0.1:$port"
# The thread: the page's path, as Isso's own client names a thread.
uri=/2024/10/11/putin-pezeshkian-ashgabat/
title="“New world order”? Putin and Pezeshkian meet in Ashgabat"
work=$(mktemp -d /tmp/record-isso.XXXXXX)
pid=

stop() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
  fi
}
trap 'stop; rm -rf "$work"' EXIT

# Isso with moderation on or off; the guard (rate limits, no reply to oneself) is off, so
# that one client can write the whole thread.
start() {
  cat >"$work/isso.cfg" <<EOF
[general]
dbpath = $work/comments.db
host = $api/
[moderation]
enabled = $1
[guard]
enabled = false
[server]
listen = $api/
EOF
  isso -c "$work/isso.cfg" run >>"$work/isso.log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do
    curl -sf "$api/config" >/dev/null && return
    sleep 0.2
  done
  cat "$work/isso.log" >&2
  exit 1
}

# POSTs a comment (JSON) to the thread; prints Isso's answer. Isso's cookie lets its author
# delete it for a while, as its own client does.
post() {
  curl -sS --fail-with-body -c "$work/cookies" -b "$work/cookies" \
    -H 'Content-Type: application/json' -d "$1" "$api/new?uri=$(jq -rn --arg u "$uri" '$u|@uri')"
}

comment() { # text author website parent
  jq -n --arg text "$1" --arg author "$2" --arg website "$3" --argjson parent "$4" --arg title "$title" \
    '{text: $text, author: (if $author == "" then null else $author end),
      website: (if $website == "" then null else $website end), parent: $parent, title: $title}'
}

id_of() { jq -r .id; }

mkdir -p "$out"
start false
marie=$(post "$(comment $'Very clear analysis, thank you.\n\nOne question: what about *China’s* role? See https://example.org/china' 'Marie Curie' 'https://marie.example' null)" | id_of)
jean=$(post "$(comment 'Thanks Marie — China was not at the forum.' 'Jean Delaunay' '' "$marie")" | id_of)
# A reply to a reply: Isso files it under the top-level comment, with that one as parent.
post "$(comment 'And Kazakhstan? Its president was there & spoke <b>first</b>.' 'Ada' '' "$jean")" | jq . >"$out/comment_created.json"
tom=$(post "$(comment 'Will this last?' 'Tom' '' null)" | id_of)
post "$(comment 'Probably not.' '' '' "$tom")" >/dev/null
# Deleted with a reply: Isso keeps it as a placeholder (mode 4, no text, no author).
curl -sS --fail-with-body -X DELETE -c "$work/cookies" -b "$work/cookies" "$api/id/$tom" >/dev/null
stop

start true
post "$(comment 'Is this comment held for moderation?' 'Zoé' '' null)" | jq . >"$out/comment_held.json"
curl -sS --fail-with-body "$api/?uri=$(jq -rn --arg u "$uri" '$u|@uri')" | jq . >"$out/comments.json"
curl -sS --fail-with-body "$api/?uri=$(jq -rn --arg u "$uri" '$u|@uri')&sort=newest" | jq . >"$out/comments_newest.json"
stop
echo "recorded into $out: $(cd "$out" && echo *.json) ($(isso --version))"
