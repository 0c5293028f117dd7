#!/usr/bin/env bash
# Set everything up and run the tests. Extra arguments go to pytest.
#   SKIP_BROWSER_TESTS=1  do not install Chromium; skip the browser test
#   SKIP_LLM_TESTS=1      do not build llama.cpp or fetch the small models; skip the real-LLM tests
#   SKIP_POSTGRES_TESTS=1 do not install Debian's PostgreSQL server; skip the PostgreSQL runs of the store tests
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS=test bash scripts/setup.sh
export GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
markers=()
if [ "${SKIP_BROWSER_TESTS:-0}" = 1 ]; then markers+=("not browser"); else bash scripts/install_browser.sh; fi
if [ "${SKIP_LLM_TESTS:-0}" = 1 ]; then markers+=("not llm"); else bash scripts/install_llm.sh; fi
if [ "${SKIP_POSTGRES_TESTS:-0}" = 1 ]; then markers+=("not postgres"); else bash scripts/install_postgres.sh; fi
args=()
if [ ${#markers[@]} -gt 0 ]; then
  expr="${markers[0]}"; for m in "${markers[@]:1}"; do expr="$expr and $m"; done
  args=(-m "$expr")
fi
exec .venv/bin/python -m pytest "${args[@]}" "$@"
