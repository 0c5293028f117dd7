"""Move a blind batch to another split, by batch, and record the move in evals/batches.yaml.

When a sealed figure disappoints, new examples go into train and a new sealed batch is written; the old sealed
batch becomes dev (and the old dev batch may become train). This script does the move and keeps the record:
    python scripts/move_batch.py evals/sealed/messages/msg_bank_c.jsonl dev "new sealed batch msg_mixed_e"
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"train": Path("knowledge/training"), "dev": Path("evals/dev"), "sealed": Path("evals/sealed")}
MANIFEST = ROOT / "evals" / "batches.yaml"


def main(file: str, split: str, reason: str) -> int:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    batch = next((b for b in manifest["batches"] if b["file"] == file), None)
    if batch is None:
        raise SystemExit(f"{file}: not in {MANIFEST.name}")
    target = FOLDERS[split] / batch["kind"] / Path(file).name
    if batch["split"] == split:
        return 0
    (ROOT / target).parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "mv", file, str(target)], cwd=ROOT, check=True)
    batch.setdefault("moves", []).append({"from": batch["split"], "to": split, "on": date.today().isoformat(), "why": reason})
    batch["file"], batch["split"] = str(target), split
    MANIFEST.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
