#!/usr/bin/env bash
# A real WordPress for the tests: Debian's package (6.1) on MariaDB, served by PHP's built-in
# server on 127.0.0.1, with the test content of scripts/wordpress/seed.php.
#
#   scripts/wordpress.sh [start]  installs what is missing (apt), starts MariaDB and the site,
#                                 installs WordPress and its content once, prints the site's URL
#   scripts/wordpress.sh stop     stops the site and MariaDB
#   scripts/wordpress.sh reset    stops them and forgets the database: the next start makes the
#                                 site anew, with the same ids and dates
#   scripts/wordpress.sh record   makes the site anew and records its answers to the widget's
#                                 requests in core/tests/fixtures/wordpress-real/ (record.mjs)
#
# Idempotent and quiet (logs in the state folder); runs as root (through sudo otherwise).
# Everything it writes is in AW_WORDPRESS_STATE (/tmp/aw-wordpress), but Debian's site
# configuration, which the package reads from /etc/wordpress/config-127.0.0.1.php. The site
# listens on AW_WORDPRESS_PORT (8790). No systemd: the servers are started here, and left
# running for the next start to find.
set -euo pipefail

AW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${AW_WORDPRESS_STATE:-/tmp/aw-wordpress}"
PORT="${AW_WORDPRESS_PORT:-8790}"
HOST=127.0.0.1
URL="http://$HOST:$PORT"
DATA="$STATE/mysql"
SOCKET="$DATA/mysqld.sock"
CONFIG="/etc/wordpress/config-$HOST.php"
# The PHP of the site runs with these, and so does the seeding (scripts/wordpress/*.php).
export AW_WORDPRESS_URL="$URL" AW_WORDPRESS_UPLOADS="$STATE/uploads" AW_ROOT

log() { printf '[wordpress] %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }
# Root installs the packages, writes Debian's configuration and starts MariaDB as its own user.
if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=AW_WORDPRESS_STATE,AW_WORDPRESS_PORT "$0" "$@"
fi

# pid_alive FILE: whether the process whose id FILE holds is running.
pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
database_answers() { mariadb-admin --no-defaults --socket="$SOCKET" --user=root ping >/dev/null 2>&1; }
site_answers() { curl -fsS -o /dev/null --max-time 10 "$URL/wp-json/"; }

# wait_for WHAT COMMAND...: polls COMMAND for up to 30 s.
wait_for() {
  local what=$1; shift
  for _ in $(seq 150); do "$@" && return; sleep 0.2; done
  fail "$what did not answer within 30 s (logs in $STATE)"
}

install_packages() {
  local missing=()
  for package in wordpress mariadb-server php-cli php-mysql curl; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  [ "${#missing[@]}" -eq 0 ] && return
  log "apt: ${missing[*]}"
  apt-get update -qq
  # Debian's packages try to start their services; without an init system they only say so.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends \
    "${missing[@]}" >"$STATE/apt.log" 2>&1 || { cat "$STATE/apt.log" >&2; fail "apt-get install failed"; }
}

# MariaDB of its own, on a socket in the state folder and no TCP port, so that it neither
# meets nor needs the system's.
start_database() {
  database_answers && return
  if [ ! -d "$DATA/mysql" ]; then
    install -d -o mysql -g mysql "$DATA"
    mariadb-install-db --no-defaults --user=mysql --datadir="$DATA" --auth-root-authentication-method=socket \
      --skip-test-db >"$STATE/mariadb-install-db.log" 2>&1 || { cat "$STATE/mariadb-install-db.log" >&2; fail "mariadb-install-db failed"; }
  fi
  setsid mariadbd --no-defaults --user=mysql --datadir="$DATA" --socket="$SOCKET" --pid-file="$DATA/mariadbd.pid" \
    --skip-networking --log-error="$DATA/error.log" </dev/null >/dev/null 2>&1 &
  wait_for MariaDB database_answers
  mariadb --no-defaults --socket="$SOCKET" --user=root <<'SQL'
CREATE DATABASE IF NOT EXISTS wordpress CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS 'wordpress'@'localhost' IDENTIFIED BY 'wordpress';
GRANT ALL PRIVILEGES ON wordpress.* TO 'wordpress'@'localhost';
SQL
}

# Debian's wp-config.php reads /etc/wordpress/config-<host>.php, by the request's host.
write_config() {
  install -d "$STATE/mu-plugins" "$STATE/uploads"
  cp "$AW_ROOT/scripts/wordpress/article-widget-tests.php" "$STATE/mu-plugins/"
  cat >"$CONFIG.new" <<PHP
<?php
// The article widget's test site (scripts/wordpress.sh writes this file at each start).
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', 'wordpress');
define('DB_HOST', 'localhost:$SOCKET');
define('WP_HOME', '$URL');
define('WP_SITEURL', '$URL');
// The test site's own must-use plugin (anonymous comments through the REST API).
define('WPMU_PLUGIN_DIR', '$STATE/mu-plugins');
// No network: no update checks, no cron requests to itself, no outgoing HTTP at all.
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
PHP
  mv "$CONFIG.new" "$CONFIG"
}

start_site() {
  # PHP_CLI_SERVER_WORKERS: the widget asks for the related posts and the comments at once.
  if ! pid_alive "$STATE/php.pid"; then
    PHP_CLI_SERVER_WORKERS=4 setsid php -S "$HOST:$PORT" -t /usr/share/wordpress "$AW_ROOT/scripts/wordpress/router.php" \
      </dev/null >"$STATE/php.log" 2>&1 &
    echo $! >"$STATE/php.pid"
  fi
  wait_for "PHP's server on $URL" curl -fs -o /dev/null --max-time 10 "$URL/wp-includes/images/blank.gif"
}

start() {
  mkdir -p "$STATE"
  install_packages
  start_database
  write_config
  # Installing and seeding run in PHP's command line, on the same configuration as the site.
  php "$AW_ROOT/scripts/wordpress/install.php" >"$STATE/install.log" 2>&1 || { cat "$STATE/install.log" >&2; fail "installing WordPress failed"; }
  php "$AW_ROOT/scripts/wordpress/seed.php" >"$STATE/seed.log" 2>&1 || { cat "$STATE/seed.log" >&2; fail "seeding failed"; }
  start_site
  site_answers || fail "$URL/wp-json/ does not answer (logs in $STATE)"
  echo "$URL"
}

stop() {
  if pid_alive "$STATE/php.pid"; then
    # The workers are the server's children, in the process group setsid gave it.
    kill -- "-$(cat "$STATE/php.pid")" 2>/dev/null || true
  fi
  rm -f "$STATE/php.pid"
  if database_answers; then
    mariadb-admin --no-defaults --socket="$SOCKET" --user=root shutdown
  fi
}

reset() {
  stop
  rm -rf "$DATA" "$STATE/uploads"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  reset) reset ;;
  record)
    reset
    start >/dev/null
    node "$AW_ROOT/scripts/wordpress/record.mjs" "$URL" "$AW_ROOT/core/tests/fixtures/wordpress-real"
    ;;
  *) fail "usage: scripts/wordpress.sh [start|stop|reset|record]" ;;
esac
