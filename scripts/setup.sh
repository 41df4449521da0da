#!/usr/bin/env bash
# Idempotent set-up used by `make setup`, `make run` and `make test`.
#   1. system packages WeasyPrint needs (pango, harfbuzz, a font) and poppler-utils for PDF tests,
#      installed with apt when missing and when running as root;
#      and chromium for the browser tests with --with-browser (`make test`);
#   2. .venv with the locked dependencies (uv sync --frozen), redone only when uv.lock changes.
# The second run does nothing but a few checks.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
UV_VERSION="0.13.9"
APT_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils zbar-tools)
# `make test` walks the pages in Debian's chromium (Playwright drives it; nothing is downloaded).
if [ "${1:-}" = "--with-browser" ] && [ -z "${CHROMIUM_PATH:-}" ]; then
  APT_PACKAGES+=(chromium)
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  missing+=(python3.11 python3.11-venv)
elif ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then
  missing+=(python3.11-venv)
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "!! Missing system packages: ${missing[*]}" >&2
    echo "   Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

lock_hash="$(sha1sum uv.lock pyproject.toml | sha1sum | cut -c1-16)"
stamp=".venv/.synced-${lock_hash}"
if [ ! -f "$stamp" ]; then
  echo "==> Creating .venv and installing locked dependencies"
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  if [ ! -x .venv/bin/uv ] || ! .venv/bin/uv --version 2>/dev/null | grep -q "$UV_VERSION"; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==${UV_VERSION}"
  fi
  UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=.venv .venv/bin/uv sync --frozen --python .venv/bin/python --quiet
  rm -f .venv/.synced-*
  touch "$stamp"
fi
mkdir -p var/staticfiles
