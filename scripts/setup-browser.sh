#!/usr/bin/env bash
# The browser for the web-app test: Debian's Chromium (Playwright drives it; no browser
# download). Needs root (CI runs as root); a no-op where chromium is already installed.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
chromium --version
