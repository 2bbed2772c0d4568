#!/usr/bin/env bash
# What the browser tests (tests/browser/) need besides Python packages, installed from the machine's own package
# managers: Debian's Chromium at /usr/bin/chromium (apt-get) and axe-core (npm ci, pinned in package-lock.json).
# It never downloads a browser build of its own: Playwright only drives the Chromium that Debian ships.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/debian.sh
source scripts/debian.sh
need /usr/bin/chromium chromium fonts-dejavu-core
need npm nodejs npm

# npm ci only when the lock file changed since the last install (npm writes node_modules/.package-lock.json).
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
