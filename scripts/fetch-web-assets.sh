#!/usr/bin/env bash
# Fetches GOV.UK Frontend (npm, MIT) into docgen/web/static/ (committed, so `pip install` alone serves the
# web app's styles) and axe-core (npm, MPL-2.0) into tests/web/vendor/ (tests only, never shipped).
# Run it again with another version to upgrade: GOVUK_FRONTEND_VERSION=6.6.0 AXE_CORE_VERSION=4.14.1.
set -euo pipefail
GOVUK_FRONTEND_VERSION="${GOVUK_FRONTEND_VERSION:-6.6.0}"
AXE_CORE_VERSION="${AXE_CORE_VERSION:-4.14.1}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
only="${1:-all}"   # "axe": only axe-core (what the tests need)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

if [ "$only" != "axe" ]; then
  npm pack --silent "govuk-frontend@${GOVUK_FRONTEND_VERSION}" >/dev/null
  mkdir govuk && tar -xzf "govuk-frontend-${GOVUK_FRONTEND_VERSION}.tgz" -C govuk
  dist="govuk/package/dist/govuk"
  static="$repo/docgen/web/static"
  rm -rf "$static/govuk" "$static/fonts" "$static/images"
  mkdir -p "$static/govuk"
  # the stylesheet asks for /assets/fonts/... and /assets/images/...: the app serves static/ at /assets
  cp "$dist/govuk-frontend.min.css" "$dist/govuk-frontend.min.js" "$static/govuk/"
  cp -r "$dist/assets/fonts" "$dist/assets/images" "$static/"
  cp "$dist/assets/manifest.json" "$static/manifest.json"
  cp govuk/package/LICENSE* "$static/govuk/LICENSE.txt" 2>/dev/null || printf 'govuk-frontend %s, MIT licence: https://github.com/alphagov/govuk-frontend/blob/main/LICENSE.txt\n' "$GOVUK_FRONTEND_VERSION" >"$static/govuk/LICENSE.txt"
  echo "$GOVUK_FRONTEND_VERSION" >"$static/govuk/VERSION"
  echo "GOV.UK Frontend $GOVUK_FRONTEND_VERSION -> $static"
fi

npm pack --silent "axe-core@${AXE_CORE_VERSION}" >/dev/null
mkdir axe && tar -xzf "axe-core-${AXE_CORE_VERSION}.tgz" -C axe
vendor="$repo/tests/web/vendor"
mkdir -p "$vendor"
cp axe/package/axe.min.js "$vendor/axe.min.js"
echo "axe-core $AXE_CORE_VERSION -> $vendor"
