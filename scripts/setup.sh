#!/usr/bin/env bash
# Create or reuse .venv at the repository root and install the project into it.
# Idempotent: a stamp named after pyproject.toml's hash skips the install when nothing changed.
#   EXTRAS=test scripts/setup.sh   also installs the test tools
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${EXTRAS:-}"
python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-${extras:-base}"
if [ ! -f "$stamp" ]; then
  echo "[setup] installing into .venv (first run takes a few minutes)" >&2
  # torch first and pinned: the CPU build; an unpinned torch resolves a multi-GB CUDA build
  .venv/bin/pip install --disable-pip-version-check -q "torch==2.13.0"
  if [ -n "$extras" ]; then spec=".[${extras}]"; else spec="."; fi
  .venv/bin/pip install --disable-pip-version-check -q -e "$spec"
  touch "$stamp"
fi
