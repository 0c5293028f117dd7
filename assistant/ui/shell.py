"""What the web shell needs besides its panels: the worked examples, the view's output names, and the
parsing of what a request carries (case ids, indexes, the logged-in user, dates), the case list, and the
private folder where handed-out files live until they are swept.
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.drafting.docx import draft_to_docx
from assistant.errors import InputError
from assistant.settings import get_settings
from assistant.store.trail import MAX_ID, CaseRecord, Store
from assistant.ui.render import STAGE_LABELS

log = logging.getLogger("assistant.app")

EXAMPLES = [
    "2024年6月，朋友李明向我借了10万元，写了借条，约定2024年12月31日前还清，月息1分。到期后他一直拖，"
    "说生意亏了，现在电话也不太接，可我看他朋友圈还在国外旅游。",
    "同事王芳2025年3月10日借了我3万元给母亲看病，有微信转账记录，说好年底还。她后来失业了，主动跟我说明情况，"
    "已经还了5000元，说每个月最多能还2000元。",
    "2023年5月我借给张某20万元，借条写年利率36%，当时先扣了2万元利息，实际转账18万元，约定一年后还本。"
    "到期后他只还了3万元，之后把我微信拉黑，搬家了也不知道去哪了。",
    "2022年1月10日我借给开小饭店的赵强5万元周转，约定2022年7月10日还款，有借条和银行转账记录。"
    "之后我一直没催过他，最近听说他又开了一家新店。",
    "In March 2025 I lent my former colleague Chen Wei 50,000 yuan by bank transfer; he signed an IOU promising "
    "to repay by 30 September 2025. He has repaid nothing, stopped answering my calls in October, and I heard he "
    "just bought a new car.",
]

CONTACT_CHANNELS = ["电话 phone", "微信 WeChat", "短信 SMS", "邮件 email", "信函 letter", "上门 visit", "律师函 lawyer letter"]
GENERIC_FAILURE = "系统内部错误，已记录日志，请稍后重试 / internal error (logged): please try again"
NOT_ANSWERED = "⚠️ 此消息未得到回复，请重新发送 / not answered, send again"
FILE_LIFETIME_S = 600  # files handed out are swept this long after they were made (the download is done by then)

# The order of the outputs every case view fills; tests read results by these names.
VIEW_OUTPUT_NAMES = [
    "chat", "case", "facts", "assessment", "signals", "position", "stage", "timeline",
    "citation_choice", "citation", "draft_choice", "draft_text", "draft_marks", "draft_report", "docx",
    "contacts", "status",
]



def parse_case_id(value: Any) -> int | None:
    """The case dropdown's value: a positive int, a string of digits from an API client, or nothing."""
    if value is None or value == "" or value == []:
        return None
    return parse_positive(value, "案件编号 / case id")


def parse_positive(value: Any, what: str, *, upper: int = MAX_ID) -> int:
    """True, -1, 2.5 and 10**30 are not ids: an id is a whole number from 1 (or an index from 0) up to `upper`."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or isinstance(value, str) and not value.strip().isdigit():
        raise InputError(f"无效的{what} / invalid {what}: {value!r}")
    number = int(value)
    if not 0 < number <= upper:
        raise InputError(f"无效的{what} / invalid {what}: {value!r}")
    return number


def parse_index(value: Any, count: int, what: str) -> int:
    """A 0-based position in a list of `count` items (a negative index would silently pick from the end)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < count:
        raise InputError(f"无效的{what} / invalid {what}: {value!r}")
    return value


def request_user(request: gr.Request | None) -> str | None:
    """The logged-in user, or None on a single-user instance without logins."""
    return getattr(request, "username", None) or None


def private_dir(name: str) -> Path:
    folder = get_settings().data_dir / "tmp" / name
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def sweep_old_files(folder: Path, max_age_s: float = FILE_LIFETIME_S) -> None:
    """Remove handed-out files older than `max_age_s` (the copy Gradio served is swept by its delete_cache)."""
    cutoff = time.time() - max_age_s
    for path in folder.glob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def case_choices(store: Store, user: str | None = None) -> list[tuple[str, int]]:
    choices = []
    for s in store.list_cases(user=user):
        stage = STAGE_LABELS[s.stage.value].split(" / ")[0] if s.stage else "未分析"
        choices.append((f"#{s.case_id} {s.title[:24]} · {stage} · v{s.advice_versions}", s.case_id))
    return choices


def docx_path(record: CaseRecord, index: int) -> str | None:
    """Write the Word file of one draft of the latest advice (in the private exports folder); None without drafts."""
    if record.latest_advice is None or not 0 <= index < len(record.latest_drafts):
        return None
    draft = record.latest_drafts[index]
    folder = private_dir("exports")
    sweep_old_files(folder)
    target = folder / f"case-{record.case_id}-v{record.latest_advice.version}-{index + 1}-{draft.kind.value}.docx"
    return str(draft_to_docx(draft, record.latest_advice.advice.case, target))




def parse_when(text: str) -> datetime | date:
    value = (text or "").strip().replace("/", "-").replace("T", " ")
    if not value:
        raise InputError("请填写联系时间 / please give the time of contact")
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M") if " " in value else date.fromisoformat(value)
    except ValueError:
        raise InputError(f"时间格式应为 YYYY-MM-DD HH:MM / expected YYYY-MM-DD HH:MM, got {text!r}") from None

