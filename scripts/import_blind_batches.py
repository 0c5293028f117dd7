"""Copy batches written blind (outside the repository) into their split folders and record them in evals/batches.yaml.

Used once per delivery of new batches; the split of a batch is decided here, by batch, never by item:
    python scripts/import_blind_batches.py /path/to/out SPLITS.yaml
SPLITS.yaml maps each file name to {kind, split, writer, voice}. Files keep their content byte for byte.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"train": ROOT / "knowledge" / "training", "dev": ROOT / "evals" / "dev", "sealed": ROOT / "evals" / "sealed"}
MANIFEST = ROOT / "evals" / "batches.yaml"


def main(source: Path, splits_file: Path) -> int:
    splits = yaml.safe_load(splits_file.read_text(encoding="utf-8"))
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.exists() else {"batches": []}
    known = {b["file"] for b in manifest["batches"]}
    for name, spec in splits.items():
        target = FOLDERS[spec["split"]] / spec["kind"] / name
        rel = str(target.relative_to(ROOT))
        if rel in known:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, target)
        items = sum(1 for line in target.read_text(encoding="utf-8").splitlines() if line.strip())
        for line in target.read_text(encoding="utf-8").splitlines():
            if line.strip():
                json.loads(line)  # every line must be JSON
        manifest["batches"].append({"file": rel, "kind": spec["kind"], "split": spec["split"], "items": items,
                                    "writer": spec["writer"], "voice": spec["voice"],
                                    "written": spec.get("written", date.today().isoformat())})
    MANIFEST.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2])))
