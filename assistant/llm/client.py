"""Optional LLM backends through langchain: better extraction and prose, never a weaker gate.

Backends (``DEBT_LLM_BACKEND``): ``none`` (default: templates only), ``openai`` (any
OpenAI-compatible endpoint: DeepSeek, Qwen, vLLM, Ollama…), ``llamacpp`` (a local GGUF served by
``llama_cpp.server`` on 127.0.0.1 and spoken to through the same OpenAI-compatible path).

Nothing an LLM writes reaches a user unchecked: every draft goes through ``checker.check`` plus a
grounding check (amounts, language, the mandatory parts of the template); failures are fed back as
fix instructions for a bounded number of tries, then the template draft is used.
"""

from __future__ import annotations

import atexit
import json
import logging
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from string import Template
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import LLMError, MissingVariableError, TemplateError
from assistant.models import Case, CheckedDraft, ContactStatus, Fact, LegalityReport, Span
from assistant.settings import PROMPTS_DIR, get_settings
from assistant.text.datafiles import read_yaml

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- prompts


@dataclass(frozen=True)
class Prompt:
    name: str
    variables: tuple[str, ...]
    system: str
    user: str

    def render(self, **values: str) -> tuple[str, str]:
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise MissingVariableError(f"llm/{self.name}", missing)
        return Template(self.system).safe_substitute(values), Template(self.user).safe_substitute(values)


def load_prompt(name: str) -> Prompt:
    path = PROMPTS_DIR / "llm" / f"{name}.yaml"
    data = read_yaml(path, error=TemplateError)
    try:
        return Prompt(name, tuple(data["variables"]), data.get("system") or "", data["user"])
    except (KeyError, TypeError) as exc:
        raise TemplateError(f"提示词文件无效 / bad prompt file {path}: {exc}") from exc


# --------------------------------------------------------------------------- backends


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalLlamaServer:
    """``python -m llama_cpp.server`` on 127.0.0.1, started and stopped by us."""

    def __init__(self, model_path: Path, *, port: int | None = None, n_ctx: int = 8192, n_threads: int | None = None) -> None:
        self.model_path = Path(model_path)
        self.port = port or _free_port()
        self.n_ctx = n_ctx
        # None keeps llama_cpp.server's default (half the cores): on 2 shared cores, both threads starved the
        # other work and a CI call timed out
        self.n_threads = n_threads
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout_s: float = 120) -> LocalLlamaServer:
        if not self.model_path.exists():
            raise LLMError(f"找不到模型文件 / model file not found: {self.model_path}")
        cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model_path), "--host", "127.0.0.1",
               "--port", str(self.port), "--n_ctx", str(self.n_ctx)]
        if self.n_threads:
            cmd += ["--n_threads", str(self.n_threads)]
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LLMError(f"llama_cpp.server 退出 / exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2):
                    return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise LLMError("llama_cpp.server 启动超时 / did not become ready in time")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def __enter__(self) -> LocalLlamaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


_local_server: LocalLlamaServer | None = None
_local_lock = threading.Lock()


def chat_model(base_url: str | None = None, model: str | None = None) -> Any:
    """The configured langchain chat model, or None when no LLM is configured."""
    settings = get_settings()
    if base_url is None:
        if settings.llm_backend == "none":
            return None
        if settings.llm_backend == "llamacpp":
            base_url = _ensure_local_server().base_url
        else:
            if not settings.llm_base_url:
                raise LLMError("未设置 DEBT_LLM_BASE_URL / DEBT_LLM_BASE_URL is not set")
            base_url = settings.llm_base_url
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=base_url,
        model=model or settings.llm_model,
        api_key=settings.llm_api_key,
        timeout=settings.llm_timeout_s,
        max_retries=1,
        temperature=0,
        # sent as max_tokens: langchain's own field goes out as max_completion_tokens, which
        # llama.cpp's server ignores (a base model then writes until its context is full)
        extra_body={"max_tokens": 700},
    )


def _ensure_local_server() -> LocalLlamaServer:
    global _local_server
    settings = get_settings()
    with _local_lock:
        if _local_server is None:
            if settings.llm_gguf_path is None:
                raise LLMError("未设置 DEBT_LLM_GGUF_PATH / DEBT_LLM_GGUF_PATH is not set")
            _local_server = LocalLlamaServer(settings.llm_gguf_path).start()
            atexit.register(_local_server.stop)
        return _local_server


def _invoke(model: Any, messages: list[tuple[str, str]]) -> str:
    try:
        reply = model.invoke(messages)
    except Exception as exc:  # connection refused, timeout, HTTP 5xx: all mean "no LLM now"
        raise LLMError(f"LLM 调用失败 / LLM call failed: {type(exc).__name__}: {exc}") from exc
    content = reply.content
    if isinstance(content, list):  # content parts
        content = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return str(content).strip()


# --------------------------------------------------------------------------- extraction


class LLMCaseFacts(BaseModel):
    """Flat schema that small models fill reliably; every value comes with the words it was read from.

    Short keys: on two cores a 1.5B model writes a few tokens a second, so every key costs time.
    A name is its own quote.
    """

    model_config = ConfigDict(extra="ignore")

    principal: float | None = Field(default=None, description="借款本金（元）")
    principal_q: str | None = Field(default=None, max_length=40)
    repaid: float | None = Field(default=None, description="已还金额（元）")
    repaid_q: str | None = Field(default=None, max_length=40)
    loan_date: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD")
    loan_date_q: str | None = Field(default=None, max_length=40)
    due_date: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD")
    due_date_q: str | None = Field(default=None, max_length=40)
    debtor_name: str | None = Field(default=None, max_length=20, description="姓名或称呼，不是代词")
    disputed: bool | None = Field(default=None, description="债务人否认借款或对金额有异议")
    disputed_q: str | None = Field(default=None, max_length=40)
    contact: Literal["reachable", "evasive", "unreachable"] | None = None
    contact_q: str | None = Field(default=None, max_length=40)


def _span(narrative: str, quote: str | None) -> Span | None:
    if not quote:
        return None
    start = narrative.find(quote)
    return Span(start=start, end=start + len(quote), text=quote) if start >= 0 else None


def facts_to_case(facts: LLMCaseFacts, narrative: str, today: date) -> Case:
    """Turn the model's answer into a Case. Values whose quote is not in the narrative keep no source,
    and ``intake.merge_cases`` drops them: an LLM fact must be grounded in the user's words."""

    def money(value: float | None, quote: str | None) -> Fact[Decimal] | None:
        if value is None or value <= 0:
            return None
        try:
            return Fact[Decimal](value=Decimal(str(value)), source=_span(narrative, quote), origin="llm")
        except InvalidOperation:
            return None

    def day(value: str | None, quote: str | None) -> Fact[date] | None:
        try:
            return Fact[date](value=date.fromisoformat(value), source=_span(narrative, quote), origin="llm") if value else None
        except ValueError:
            return None

    case = Case(narrative=narrative, today=today)
    case.principal = money(facts.principal, facts.principal_q)
    case.repaid = money(facts.repaid, facts.repaid_q)
    case.loan_date = day(facts.loan_date, facts.loan_date_q)
    case.due_date = day(facts.due_date, facts.due_date_q)
    if facts.debtor_name:
        # kept even when unfounded: intake.merge_cases refuses it with its reason, for all to see
        case.debtor.name = facts.debtor_name.strip()
        case.debtor.source = _span(narrative, case.debtor.name)
    if facts.disputed is not None:
        case.disputed = Fact[bool](value=facts.disputed, source=_span(narrative, facts.disputed_q), origin="llm")
    if facts.contact:
        case.contact_status = Fact[ContactStatus](
            value=ContactStatus(facts.contact), source=_span(narrative, facts.contact_q), origin="llm"
        )
    return case


def _lenient_date(value: str | None) -> str | None:
    """Small models write 2025-3-1; accept it, normalise it, reject anything else."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", value or "")
    return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}" if match else None


def extract_with_llm(narrative: str, *, today: date, model: Any = None) -> Case:
    """Structured extraction. JSON mode with the schema (works on llama.cpp's server and hosted
    OpenAI-compatible endpoints alike); a reply that is not valid JSON is an LLMError."""
    model = model or chat_model()
    if model is None:
        raise LLMError("未配置 LLM / no LLM configured")
    system, user = load_prompt("extract").render(today=today.isoformat(), narrative=narrative)
    schema = LLMCaseFacts.model_json_schema()
    # every key required (null allowed): with optional keys a small grammar-constrained model skips
    # straight to the last ones and reads nothing (measured: 3 keys, all wrong, on the issue-17 case)
    schema["required"] = list(schema["properties"])
    bound = model.bind(response_format={"type": "json_object", "schema": schema}, extra_body={"max_tokens": 220})
    raw = _invoke(bound, [("system", system), ("user", user)])
    try:
        data = json.loads(raw[raw.find("{") : raw.rfind("}") + 1])
        for key in ("loan_date", "due_date"):
            if isinstance(data.get(key), str):
                data[key] = _lenient_date(data[key])
        facts = LLMCaseFacts.model_validate(data)
    except (ValueError, ValidationError) as exc:
        raise LLMError(f"LLM 返回的不是有效的 JSON / LLM reply was not valid JSON: {exc}") from exc
    return facts_to_case(facts, narrative, today)


# --------------------------------------------------------------------------- gated drafting

# money in a draft: a currency sign before or a unit after; years, days and article numbers are not money
_AMOUNT = re.compile(
    r"(?:[¥￥]|RMB\s?|CNY\s?)(?P<a>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<ac>\d{1,2}))?"
    r"|(?P<b>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<bc>\d{1,2}))?\s*(?P<unit>万元|万|元|yuan)"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
KIND_LABELS = {
    "sms_reminder": "短信/微信提醒", "email": "电子邮件", "demand_letter": "催款函", "lawyer_letter": "律师函",
    "repayment_agreement": "还款协议", "instalment_agreement": "分期还款协议",
    "payment_order_application": "支付令申请书", "complaint": "民事起诉状",
}
TONE_LABELS = {"gentle": "温和、体谅", "firm": "坚定、正式", "formal": "正式、规范"}


def _numbers(text: str) -> set[Decimal]:
    found = set()
    for m in _AMOUNT.finditer(text):
        whole, cents = (m["a"], m["ac"]) if m["a"] else (m["b"], m["bc"])
        value = Decimal(whole.replace(",", "") + (f".{cents}" if cents else ""))
        if m["unit"] in ("万元", "万"):
            value *= 10_000
        found.add(value.quantize(Decimal("0.01")))
    return found


def grounding_problems(text: str, template: CheckedDraft) -> list[str]:
    """What makes an LLM draft unusable even when it breaks no law: it must stay a draft of *this* case."""
    problems: list[str] = []
    if len(text) < max(20, len(template.text) // 4):
        problems.append("文书过短，缺少必要内容（当事人、金额、期限、付款方式、联系方式）。")
    if len(text) > 4 * len(template.text) + 400:
        problems.append("文书过长，请精简到与模板相当的篇幅。")
    if template.language == "zh" and len(_CJK.findall(text)) < 0.3 * len(text):
        problems.append("请用中文书写。")
    allowed = _numbers(template.text)
    invented = sorted(f"{n:,.2f}" for n in _numbers(text) - allowed)
    if invented:
        problems.append(f"出现了模板中没有的金额：{', '.join(invented)}。只能使用模板中的金额。")
    missing = sorted(f"{n:,.2f}" for n in allowed - _numbers(text))
    if missing:
        problems.append(f"遗漏了必要的金额：{', '.join(missing)}。")
    for blank in re.findall(r"【[^】]{1,30}】", template.text):
        if blank not in text:
            problems.append(f"请保留空白处 {blank} 原样。")
    if len(set(text)) < 0.08 * len(text):
        problems.append("文本大量重复，不是一份可用的文书。")
    return problems


@dataclass
class DraftAttempts:
    kind: str
    attempts: int = 0
    first_try_passed: bool = False
    used_llm: bool = False
    seconds: float = 0.0
    call_seconds: list[float] = field(default_factory=list)  # one entry per LLM call (first try and each fix)
    problems: list[list[str]] = field(default_factory=list)


def _problems_from(report: LegalityReport) -> list[str]:
    return [f"[{v.code.value}] 「{v.matched}」：{v.explanation} 修改建议：{v.fix}" for v in report.violations]


Checker = Callable[[str, Case | None], LegalityReport]


def draft_with_llm(template: CheckedDraft, case: Case, *, law: list[str], check: Checker,
                   model: Any = None) -> tuple[CheckedDraft, DraftAttempts]:  # fmt: skip
    """Improve a checked template draft with the LLM; return the template itself if no try passes.

    `check` is the legality checker, passed in by the caller: the LLM layer judges nothing itself.
    """
    model = model or chat_model()
    stats = DraftAttempts(kind=template.kind.value)
    if model is None:
        return template, stats
    facts = "\n".join(f"- {line}" for line in _fact_lines(case, template))
    system, user = load_prompt("draft").render(
        kind_label=KIND_LABELS.get(template.kind.value, template.kind.value),
        tone_label=TONE_LABELS[template.tone.value],
        language_label="中文" if template.language == "zh" else "English",
        facts=facts or "- （见模板）",
        law="\n".join(f"- {item}" for item in law) or "- （不引用条文）",
        template_text=template.text,
        narrative=case.narrative[:2000],
    )
    started = time.perf_counter()
    feedback: list[tuple[str, str]] = []
    for attempt in range(1 + get_settings().llm_max_fix_attempts):
        stats.attempts = attempt + 1
        call_started = time.perf_counter()
        try:
            text = _invoke(model, [("system", system), ("user", user), *feedback])
        except LLMError:
            if attempt == 0:
                raise  # the endpoint is down: the caller tells the user and keeps the template
            break  # a later failure (e.g. context exhausted) ends the tries: the template stays
        stats.call_seconds.append(time.perf_counter() - call_started)
        report = check(text, case) if text.strip() else None
        problems = (_problems_from(report) if report else ["没有输出任何内容。"]) + grounding_problems(text, template)
        stats.problems.append(problems)
        if not problems:
            stats.first_try_passed = attempt == 0
            stats.used_llm = True
            stats.seconds = time.perf_counter() - started
            # the report was computed on exactly this text and case, and found it lawful
            fields = template.model_dump(exclude={"text", "origin", "report"})
            return CheckedDraft(**fields, text=text, origin="llm", report=report), stats
        # only the latest failed draft and its problems go back: the context of a small model is short
        feedback = [("assistant", text[:1500]), ("user", load_prompt("fix").render(problems="\n".join(problems[:8]))[1])]
    stats.seconds = time.perf_counter() - started
    log.info("LLM draft for %s failed %d tries; the template draft is used", template.kind.value, stats.attempts)
    return template, stats


def _fact_lines(case: Case, template: CheckedDraft) -> list[str]:
    lines = []
    if case.outstanding is not None:
        lines.append(f"尚欠本金：{case.outstanding} 元")
    if case.debtor.name:
        lines.append(f"债务人：{case.debtor.name}")
    if case.due_date:
        lines.append(f"约定还款日：{case.due_date.value.isoformat()}")
    return lines
