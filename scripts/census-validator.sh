#!/usr/bin/env bash
# Installs data-to-insight's CIN census validator (csc-validator-be-cin, MIT) into .venv-cin/, a venv of its
# own: it pins pandas below 2 and needs numpy below 2, which docgen's own venv must not be held to. The tests
# of `docgen export census` run the DfE's validation rules with it. Does nothing when the right version is there.
set -euo pipefail
VERSION="${CIN_VALIDATOR_VERSION:-0.1.13}"
PYTHON="${PYTHON:-python3}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="$repo/.venv-cin"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('csc-validator-be-cin') != '$VERSION')" 2>/dev/null; then
  exit 0
fi
"$PYTHON" -m venv "$venv"
# its command-line entry point imports pytest, so pytest comes too
"$venv/bin/pip" install --quiet --disable-pip-version-check "csc-validator-be-cin==$VERSION" 'numpy<2' pytest
echo "CIN census validator $VERSION -> $venv"
