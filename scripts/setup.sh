#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks for CAPS, then builds it.
#   scripts/setup.sh [build|test|run]   (default build)
# Sourced by scripts/run and scripts/test; safe to run again: it installs only what is missing.
set -euo pipefail

CAPS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CAPS_BUILD="${CAPS_BUILD:-$CAPS_ROOT/build}"
export CAPS_ROOT CAPS_BUILD

# Debian packages: the compiler and Qt 6.4 for every purpose (Qt6Charts' CMake package needs
# Qt6OpenGL's, a mere Recommends of qt6-charts-dev that --no-install-recommends leaves out); Node
# (with npm) for the interop tests' real socket.io peers and the official protocol suites;
# python3-socketio with python3-websocket (WebSocket) and python3-requests (long-polling, which
# Debian's python3-engineio needs without depending on it) as the Python world's Socket.IO
# client; clang and its fuzzer runtime for the fuzz targets; clang-format and clang-tidy for the
# format and tidy checks (scripts/check-format, scripts/check-tidy); openssl to make test
# certificates; tmux for the four-pane terminal demo. Node (npm) is a build dependency too: `npm ci`
# in web/ fetches the socket.io-client browser bundle and the Admin UI that caps-hub embeds.
# Chromium runs the browser tests (tests/browser, driven by puppeteer-core). The windows'
# translations: lupdate/lrelease (qt6-l10n-tools) and their CMake package Qt6LinguistTools
# (qt6-tools-dev, for qt_add_translations), and Qt's own translations of its dialogs
# (qt6-translations-l10n). Qt's PostgreSQL driver (libqt6sql6-psql) for caps-hub
# --db postgresql://... (a cluster of hubs); the PostgreSQL server itself (postgresql) for the
# tests, which start a private one, and HAProxy (haproxy) for scripts/cluster's one address in
# front of several hubs.
BUILD_PACKAGES=(g++ cmake ninja-build qt6-base-dev qt6-websockets-dev libqt6sql6-sqlite libqt6sql6-psql qt6-charts-dev
                libqt6opengl6-dev libqt6svg6 qt6-qpa-plugins nodejs qt6-l10n-tools qt6-tools-dev
                qt6-translations-l10n)
TEST_PACKAGES=(nodejs openssl clang libclang-rt-14-dev clang-format clang-tidy python3 python3-socketio python3-websocket
               python3-requests chromium postgresql haproxy)
RUN_PACKAGES=(tmux)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
    done
    # Node may come from elsewhere than Debian's nodejs package; a working node with npm will do.
    if [[ " ${missing[*]-} " == *" nodejs "* ]] && command -v node >/dev/null && command -v npm >/dev/null; then
        missing=("${missing[@]/nodejs}")
    fi
    local wanted=()
    for p in "${missing[@]-}"; do [ -n "$p" ] && wanted+=("$p"); done
    [ ${#wanted[@]} -eq 0 ] && return 0
    # Debian's nodejs package comes without npm.
    [[ " ${wanted[*]} " == *" nodejs "* ]] && wanted+=(npm)
    echo "caps: installing ${wanted[*]}" >&2
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${wanted[@]}"
}

npm_ci() {
    local dir="$1"
    # Reinstall when the lock file changed since the last install.
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        echo "caps: npm ci in ${dir#"$CAPS_ROOT"/}" >&2
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}

# build [target...]: configure once (CMakePresets.json's "release", in $CAPS_BUILD), then build
# those targets (everything when none).
build() {
    local preset=() targets=()
    [ -f "$CAPS_BUILD/CMakeCache.txt" ] || preset=(--preset release)
    (cd "$CAPS_ROOT" && cmake "${preset[@]}" -S "$CAPS_ROOT" -B "$CAPS_BUILD" >/dev/null)
    [ $# -gt 0 ] && targets=(--target "$@")
    cmake --build "$CAPS_BUILD" -j"$(nproc)" "${targets[@]}"
}

caps_setup() {
    local purpose="${1:-build}"
    install_missing "${BUILD_PACKAGES[@]}"
    # Before configuring: CMake embeds files from web/node_modules in caps-hub.
    npm_ci "$CAPS_ROOT/web"
    case "$purpose" in
        test) install_missing "${TEST_PACKAGES[@]}"
              npm_ci "$CAPS_ROOT/tests/interop"
              npm_ci "$CAPS_ROOT/bench/node-hub" ;;
        run)  install_missing "${RUN_PACKAGES[@]}"
              echo "caps: building the programs in ${CAPS_BUILD} (log: ${CAPS_BUILD}.log)" >&2
              mkdir -p "$CAPS_BUILD"
              build caps-hub caps-vendor caps-driver caps-customer >"${CAPS_BUILD}.log" 2>&1 \
                  || { tail -30 "${CAPS_BUILD}.log" >&2; return 1; }
              return 0 ;;
    esac
    build
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    caps_setup "${1:-build}"
fi
