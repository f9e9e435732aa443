#!/usr/bin/env bash
# Installs the Debian packages docgen uses: LibreOffice Writer (docx -> PDF), its Python-UNO bridge (the warm
# converter, unoserver, drives LibreOffice through it) and fonts, for production (`make system`);
# with --test also what only the tests use: poppler (PDF -> PNG checks) and Chromium (web app tests), for `make test`.
set -euo pipefail
tests=no
[ "${1:-}" = "--test" ] && tests=yes
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
[ -e /usr/lib/python3/dist-packages/uno.py ] || need+=(python3-uno)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [ "$tests" = yes ]; then
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  # the web app's browser tests drive Debian's own Chromium (never a browser Playwright downloads)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "docgen: please install ${need[*]} (Debian/Ubuntu: sudo apt-get install ${need[*]}); PDF output and its tests need them." >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
