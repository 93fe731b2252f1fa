#!/usr/bin/env bash
# Runs before `npm test`: the browser tests drive Debian's Chromium (never a downloaded
# browser). If it is missing, install it with apt (as root, or with passwordless sudo);
# otherwise say how to provide it. CHROMIUM_PATH points the tests at another Chromium.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo"; else
    echo "Chromium not found at /usr/bin/chromium: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null; then
  echo "Chromium not found and apt-get is not available: install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi
echo "installing Debian's chromium for the browser tests..." >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
