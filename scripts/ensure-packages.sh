#!/usr/bin/env bash
# Installs the Debian packages the agent builds and runs with, when missing. As root it runs apt-get;
# otherwise it prints the exact command to run and stops. `--test` adds what the test suite drives:
# curl, headless Chromium with its WebDriver for the customer proof page, systemd-analyze for the unit
# file checks, and PostgreSQL's server for the store contract tests; `--bench` adds wrk; `--cluster` adds
# PostgreSQL's server for `make run-cluster`.
set -euo pipefail

packages=(
  pkg-config libsqlite3-dev
  libpoppler-glib-dev libcairo2-dev libqpdf-dev libinotifytools0-dev libcurl4-openssl-dev libtiff-dev
  liblcms2-dev libgs-common zlib1g-dev
  poppler-utils qpdf inotify-tools
)
case "${1:-}" in
  --test) packages+=(curl chromium chromium-driver systemd python3 python3-venv postgresql openssl) ;;
  --bench) packages+=(wrk ghostscript postgresql openssl) ;;
  --cluster) packages+=(postgresql openssl python3) ;;
esac

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    echo "==> installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "Missing Debian packages. Run this as root, then run make again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "Swift is installed at /opt/swift but not on PATH: export PATH=/opt/swift/usr/bin:\$PATH" >&2
  else
    echo "Swift 6 is not installed: get the Debian 12 toolchain from swift.org and put its usr/bin on PATH." >&2
  fi
  exit 1
fi
