"""What a triage run hands back: an XLSX (one row an account, a summary, the row errors), the checked
documents as .docx in a zip with an index sheet (withheld ones listed, never shipped), and PNG charts.

Everything here is rebuilt from the ledger, so a resumed run's outputs cover every account once.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on a server or a Ray worker

import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
import pandas as pd  # noqa: E402

from assistant.bulk.portfolio import RowError  # noqa: E402
from assistant.bulk.triage import AccountResult  # noqa: E402
from assistant.models import Model, Stage  # noqa: E402

__all__ = ["TriageOutputs", "account_table", "write_triage_outputs"]

STAGE_ORDER = [s.value for s in Stage]


class TriageOutputs(Model):
    workbook: Path
    documents_zip: Path
    charts: list[Path]
    shipped: int
    withheld: int


def _ranked(results: list[AccountResult]) -> list[AccountResult]:
    return sorted(results, key=lambda r: (*r.priority.sort_key(), r.row))


def account_table(results: list[AccountResult]) -> pd.DataFrame:
    """One row an account, in priority order (limitation within 90 days first, then by points)."""
    rows = []
    for rank, r in enumerate(_ranked(results), start=1):
        parts = {p.part: p.points for p in r.priority.parts}
        rows.append({
            "rank": rank, "urgent": r.priority.urgent, "account": r.account, "row": r.row, "debtor": r.debtor,
            "category": r.category, "confidence": r.confidence, "stage": r.stage.value,
            "recoverable": float(r.recoverable), "outstanding": float(r.outstanding or 0),
            "limitation_deadline": r.limitation_deadline.isoformat() if r.limitation_deadline else "",
            "days_left": r.days_left, "expired": r.expired, "payment_order_eligible": r.payment_order_eligible,
            "route_fee": float(r.route_fee), "priority": r.priority.score,
            "priority_amount": parts.get("amount"), "priority_limitation": parts.get("limitation"),
            "priority_category": parts.get("category"), "priority_cost": parts.get("cost"),
            "priority_reasons": "; ".join(p.reason for p in r.priority.parts),
            "documents": ", ".join(d.file for d in r.documents if d.shipped),
            "withheld": ", ".join(f"{d.kind} ({'/'.join(d.codes)})" for d in r.documents if not d.shipped),
            "stage_reason": r.stage_reason,
        })
    return pd.DataFrame(rows)


def _summary(results: list[AccountResult], errors: list[RowError]) -> pd.DataFrame:
    lines: list[tuple[str, object]] = [
        ("accounts triaged", len(results)),
        ("rows with errors", len(errors)),
        ("limitation within 90 days (urgent)", sum(r.priority.urgent for r in results)),
        ("limitation expired", sum(bool(r.expired) for r in results)),
        ("recoverable total (yuan)", float(sum((r.recoverable for r in results), Decimal(0)))),
        ("documents shipped", sum(d.shipped for r in results for d in r.documents)),
        ("documents withheld by the checker", sum(not d.shipped for r in results for d in r.documents)),
    ]
    stages = Counter(r.stage.value for r in results)
    lines += [(f"stage: {s}", stages[s]) for s in STAGE_ORDER if stages[s]]
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for r in results:
        amounts[r.category] += r.recoverable
    categories = Counter(r.category for r in results)
    lines += [(f"category: {c}", categories[c]) for c in sorted(categories)]
    lines += [(f"recoverable, {c} (yuan)", float(amounts[c])) for c in sorted(amounts)]
    return pd.DataFrame(lines, columns=["measure", "value"])


def _errors_frame(errors: list[RowError]) -> pd.DataFrame:
    return pd.DataFrame([e.model_dump() for e in errors], columns=["row", "account", "message"])


def _index_frame(results: list[AccountResult]) -> pd.DataFrame:
    rows = [{"account": r.account, "row": r.row, "debtor": r.debtor, "stage": r.stage.value, "document": d.kind,
             "title": d.title, "status": "shipped" if d.shipped else "withheld", "file": d.file,
             "checker_codes": ", ".join(d.codes)}
            for r in _ranked(results) for d in r.documents]
    return pd.DataFrame(rows, columns=["account", "row", "debtor", "stage", "document", "title", "status", "file", "checker_codes"])


def _charts(results: list[AccountResult], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []

    stages = Counter(r.stage.value for r in results)
    fig, ax = plt.subplots(figsize=(7, 4))
    names = [s for s in STAGE_ORDER if stages[s]]
    ax.bar(names, [stages[s] for s in names], color="#4c72b0")
    ax.set_title("Stage mix")
    ax.set_ylabel("accounts")
    ax.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    paths.append(directory / "stage_mix.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)

    days = [r.days_left for r in results if r.days_left is not None and not r.expired]
    expired = sum(bool(r.expired) for r in results)
    fig, ax = plt.subplots(figsize=(7, 4))
    if days:
        ax.hist([d / 30.4 for d in days], bins=range(0, 38), color="#55a868")
    ax.axvline(90 / 30.4, color="#c44e52", linestyle="--", label="90 days")
    ax.set_title(f"Limitation timeline (expired: {expired})")
    ax.set_xlabel("months until the limitation deadline")
    ax.set_ylabel("accounts")
    ax.legend()
    fig.tight_layout()
    paths.append(directory / "limitation_timeline.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)

    amounts: dict[str, float] = defaultdict(float)
    for r in results:
        amounts[r.category] += float(r.recoverable)
    fig, ax = plt.subplots(figsize=(7, 4))
    cats = sorted(amounts)
    ax.bar(cats, [amounts[c] / 10_000 for c in cats], color="#8172b2")
    ax.set_title("Recoverable amount by debtor category")
    ax.set_ylabel("10,000 yuan")
    fig.tight_layout()
    paths.append(directory / "amounts_by_category.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)
    return paths


def write_triage_outputs(output_dir: Path, results: list[AccountResult], errors: list[RowError], documents_dir: Path) -> TriageOutputs:
    workbook = output_dir / "triage.xlsx"
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        account_table(results).to_excel(writer, sheet_name="accounts", index=False)
        _summary(results, errors).to_excel(writer, sheet_name="summary", index=False)
        _errors_frame(errors).to_excel(writer, sheet_name="row_errors", index=False)

    index = _index_frame(results)
    documents_zip = output_dir / "documents.zip"
    with zipfile.ZipFile(documents_zip.with_suffix(".zip.part"), "w", zipfile.ZIP_DEFLATED) as archive:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            index.to_excel(writer, sheet_name="index", index=False)
        archive.writestr("index.xlsx", buffer.getvalue())
        for name in index.loc[index["status"] == "shipped", "file"]:
            archive.write(documents_dir / name, arcname=name)
    documents_zip.with_suffix(".zip.part").replace(documents_zip)

    return TriageOutputs(
        workbook=workbook, documents_zip=documents_zip, charts=_charts(results, output_dir / "charts"),
        shipped=int((index["status"] == "shipped").sum()), withheld=int((index["status"] == "withheld").sum()),
    )
