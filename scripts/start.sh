#!/usr/bin/env bash
# Set everything up and start the web app on its offline default (rules + retrieval + templates, no LLM).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/python -m assistant index build   # no-op when the index is current
exec .venv/bin/python app.py "$@"
