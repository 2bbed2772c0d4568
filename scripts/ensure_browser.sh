#!/usr/bin/env bash
# What the browser tests (tests/browser/) need besides Python packages, installed from the machine's own package
# managers: Debian's Chromium at /usr/bin/chromium (apt-get) and axe-core (npm ci, pinned in package-lock.json).
# It never downloads a browser build of its own: Playwright only drives the Chromium that Debian ships.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=/usr/bin/chromium

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        echo "*** Installing $* needs root: run this script as root or install it by hand." >&2
        exit 1
    fi
}

if [ ! -x "$CHROMIUM" ]; then
    echo "Installing Debian's chromium (the browser tests drive $CHROMIUM)…"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
fi

if ! command -v npm >/dev/null; then
    echo "Installing Debian's nodejs and npm (for axe-core)…"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
fi

# npm ci only when the lock file changed since the last install (npm writes node_modules/.package-lock.json).
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
