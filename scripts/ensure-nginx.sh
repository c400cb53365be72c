#!/usr/bin/env bash
# The relay-cache test and bench put Debian's nginx in front of a relay (no downloads outside apt).
# Installs nginx-light when missing and we may (root, or passwordless sudo); otherwise says how.
# Only the binary is used: tests run their own nginx with `-p <tmp prefix> -c <conf>`, never the service.
set -euo pipefail
if [ -n "${NGINX_PATH:-}" ]; then
  [ -x "$NGINX_PATH" ] && exit 0
  echo "NGINX_PATH=$NGINX_PATH is not an executable nginx." >&2
  exit 1
fi
for bin in nginx /usr/sbin/nginx; do
  command -v "$bin" >/dev/null 2>&1 && exit 0
done
echo "nginx is missing; installing Debian's nginx-light package for the relay cache test…" >&2
install() {
  # A policy-rc.d answering 101 keeps the package from starting the system service (port 80);
  # one already there (Docker images ship one) is left as it is.
  local own=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    $1 sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
    own=1
  fi
  $1 apt-get update -qq
  $1 env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null || \
    $1 env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  if [ "$own" = 1 ]; then $1 rm -f /usr/sbin/policy-rc.d; fi
}
if [ "$(id -u)" = "0" ]; then
  install ""
elif sudo -n true 2>/dev/null; then
  install "sudo -n"
else
  echo "Cannot install it without root: run 'sudo apt-get install -y nginx-light' (or set NGINX_PATH to an nginx binary)." >&2
  exit 1
fi
