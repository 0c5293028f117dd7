#!/usr/bin/env bash
# Installs what tests/test_browser.py needs: Debian's Chromium, CJK fonts (or Chinese renders as
# boxes), an emoji font (the ✅/❌/⚠️ verdict marks) and the PyPI `playwright` package in .venv. Never `playwright install`: that downloads a
# browser build from outside the package registries. Idempotent: a second run only checks.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$REPO_ROOT/.venv/bin/python}"
PLAYWRIGHT_SPEC="${PLAYWRIGHT_SPEC:-playwright>=1.50,<2}"

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
for font in fonts-noto-cjk fonts-noto-color-emoji; do
  dpkg -s "$font" >/dev/null 2>&1 || need_apt+=("$font")
done

if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
else
  echo "chromium and fonts already installed"
fi

if "$PYTHON" -c "import playwright" >/dev/null 2>&1; then
  echo "playwright already installed in $("$PYTHON" -c 'import sys; print(sys.prefix)')"
else
  "$PYTHON" -m pip install --quiet "$PLAYWRIGHT_SPEC"
fi

/usr/bin/chromium --version 2>/dev/null
