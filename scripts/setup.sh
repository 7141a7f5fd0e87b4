#!/usr/bin/env bash
# Installs everything the build and the tests need, and nothing from outside the package
# registries: the pinned Rust release under its name (rust-toolchain.toml), Debian's chromium
# and chromedriver, the wasm32 target, rust-src and clippy, the pinned cargo tools
# (built from crates.io into a cache outside the repo, cargo-fuzz among them) and wasm-opt
# from npm's binaryen.
# Each step is skipped when the pinned version is already there, so a rerun takes seconds.
# Source it (`. scripts/setup.sh`) to get PATH and CHROMEDRIVER set in the calling shell.
set -euo pipefail

AW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AW_CACHE="${AW_CACHE:-$HOME/.cache/article-widget}"
AW_TOOLS="$AW_CACHE/tools"
AW_NODE="$AW_CACHE/node"

TRUNK_VERSION=0.21.14
WASM_PACK_VERSION=0.15.1
CARGO_FUZZ_VERSION=0.13.2
BINARYEN_VERSION=132.0.0
PLAYWRIGHT_VERSION=1.65.1
AXE_PLAYWRIGHT_VERSION=4.14.0
ALTCHA_LIB_VERSION=2.8.0
TERSER_VERSION=5.51.4
# wasm-bindgen-cli must equal the library version in Cargo.lock, or the generated glue breaks.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$AW_ROOT/Cargo.lock")"

if ! grep -qx "wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" "$AW_ROOT/Trunk.toml"; then
  echo "[setup] Trunk.toml's [tools] wasm_bindgen must equal Cargo.lock's wasm-bindgen $WASM_BINDGEN_VERSION" >&2
  exit 1
fi

log() { printf '[setup] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=()
command -v chromium >/dev/null || apt_packages+=(chromium)
command -v chromedriver >/dev/null || apt_packages+=(chromium-driver)
command -v brotli >/dev/null || apt_packages+=(brotli)
[ -d /usr/share/fonts/truetype/liberation ] || apt_packages+=(fonts-liberation)
command -v npm >/dev/null || apt_packages+=(nodejs npm)
# libfuzzer-sys (fuzz/) compiles libFuzzer, which is C++.
command -v c++ >/dev/null || apt_packages+=(g++)
# A real SMTP server for the mail tests (server/tests/common/aiosmtpd.rs), run by Debian's
# own interpreter, which sees Debian's Python packages.
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || apt_packages+=(python3-aiosmtpd)
# A real PostgreSQL for the server's tests on it (server/src/store/postgres/throwaway.rs), which
# runs Debian's binaries of 15 or later in a cluster of its own.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || apt_packages+=(postgresql)
if [ "${#apt_packages[@]}" -gt 0 ]; then
  log "apt: ${apt_packages[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
    --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

# The compiler pinned by rust-toolchain.toml, which every cargo and rustc run in the repository
# uses. Without it, a stable toolchain of that very release serves: it is linked under the
# pinned name, as `rustup toolchain link` links (which refuses a release's name), and nothing is
# downloaded. RUSTUP_AUTO_INSTALL=0: asking for a missing toolchain must not download it.
PINNED_RUST="$(sed -n 's/^channel = "\(.*\)"$/\1/p' "$AW_ROOT/rust-toolchain.toml")"
# rust_release TOOLCHAIN: the release its rustc reports (1.95.0), or nothing.
rust_release() { RUSTUP_AUTO_INSTALL=0 rustc "+$1" --version 2>/dev/null | awk '{ print $2 }' || true; }
stable_release="$(rust_release stable)"
if [ -z "$(rust_release "$PINNED_RUST")" ] && [ "$stable_release" = "$PINNED_RUST" ]; then
  pinned_dir="${RUSTUP_HOME:-$HOME/.rustup}/toolchains/$PINNED_RUST-$(rustc +stable -vV | sed -n 's/^host: //p')"
  if [ -e "$pinned_dir" ] && [ ! -L "$pinned_dir" ]; then
    echo "[setup] $pinned_dir is there but does not run: remove it, or reinstall Rust $PINNED_RUST" >&2
    exit 1
  fi
  log "Rust $PINNED_RUST (rust-toolchain.toml): linked to stable, the same release"
  ln -sfn "$(rustc +stable --print sysroot)" "$pinned_dir"
fi
pinned_release="$(rust_release "$PINNED_RUST")"
if [ "$pinned_release" != "$PINNED_RUST" ]; then
  echo "[setup] rust-toolchain.toml pins Rust $PINNED_RUST, but toolchain $PINNED_RUST runs ${pinned_release:-nothing (not installed)} and stable is ${stable_release:-not installed}: install Rust $PINNED_RUST (\`rustup toolchain install $PINNED_RUST\`)" >&2
  exit 1
fi
# The wasm32 target, rust-src (the npm package's build rebuilds the standard library for size,
# scripts/package.sh) and clippy, added to the toolchain the pinned one is: rustup manages the
# components of a linked toolchain only under its real name (stable's, for the link above).
components_toolchain="$(basename "$(rustc "+$PINNED_RUST" --print sysroot)")"
rustup target list --installed --toolchain "$components_toolchain" | grep -qx wasm32-unknown-unknown ||
  rustup target add --toolchain "$components_toolchain" wasm32-unknown-unknown
for component in rust-src clippy; do
  rustup component list --installed --toolchain "$components_toolchain" | grep -q "^$component" ||
    rustup component add --toolchain "$components_toolchain" "$component"
done

# cargo_tool CRATE VERSION BINARY [cargo install flags]: builds CRATE@VERSION into the cache
# unless BINARY there already reports that version.
cargo_tool() {
  local crate=$1 version=$2 binary=$3; shift 3
  if "$AW_TOOLS/bin/$binary" --version 2>/dev/null | grep -qF " $version"; then return; fi
  log "cargo install $crate $version (a few minutes, once)"
  cargo install --quiet --force --root "$AW_TOOLS" "$crate" --version "$version" "$@"
}
# wasm-bindgen-cli is built without --locked: its lock file names a crate the registry lacks.
cargo_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen
cargo_tool trunk "$TRUNK_VERSION" trunk --locked
cargo_tool wasm-pack "$WASM_PACK_VERSION" wasm-pack --locked
cargo_tool cargo-fuzz "$CARGO_FUZZ_VERSION" cargo-fuzz --locked

# npm: wasm-opt (only npm's binaryen parses today's Rust wasm; Debian's and crates.io's are
# too old), terser for the generated bindings, Playwright's client with axe for the
# end-to-end tests, and altcha-lib, the proof of work's other side in the interoperability tests. Playwright drives Debian's chromium: its own browser download is never run.
npm_packages=("binaryen@$BINARYEN_VERSION" "terser@$TERSER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" "@axe-core/playwright@$AXE_PLAYWRIGHT_VERSION" "altcha-lib@$ALTCHA_LIB_VERSION")
npm_installed() { node -e 'const [name, version] = process.argv[1].split(/(?<=.)@/);
  process.exit(require(process.argv[2] + "/node_modules/" + name + "/package.json").version === version ? 0 : 1)' "$1" "$AW_NODE" 2>/dev/null; }
missing_npm=()
for package in "${npm_packages[@]}"; do npm_installed "$package" || missing_npm+=("$package"); done
if [ "${#missing_npm[@]}" -gt 0 ]; then
  log "npm ${missing_npm[*]}"
  mkdir -p "$AW_NODE"
  (cd "$AW_NODE" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --silent --no-audit --no-fund "${npm_packages[@]}" >/dev/null)
fi
export AW_NODE_MODULES="$AW_NODE/node_modules"

export PATH="$AW_TOOLS/bin:$AW_NODE/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
# Everything after this point builds offline: the dependencies are fetched once, here.
(cd "$AW_ROOT" && cargo fetch --quiet && cargo fetch --quiet --manifest-path fuzz/Cargo.toml)
log "ready: $(wasm-bindgen --version), $(trunk --version), $(wasm-pack --version), $(cargo-fuzz --version), wasm-opt $(wasm-opt --version | awk '{print $3}'), $(chromedriver --version | cut -d' ' -f1-2)"
