#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright (no browser downloads, ever).
# Installs it when missing and we may (root, or passwordless sudo); otherwise says how.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] && exit 0
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable Chromium." >&2
  exit 1
fi
for bin in chromium chromium-browser; do
  command -v "$bin" >/dev/null 2>&1 && exit 0
done
echo "Chromium is missing; installing Debian's chromium package for the browser tests…" >&2
if [ "$(id -u)" = "0" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Cannot install it without root: run 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH to a Chromium binary)." >&2
  exit 1
fi
