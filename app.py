"""The web UI creditors and lawyers work in: a thin Gradio shell over `assistant`.

The panels are laid out by assistant.ui.panels and their handlers live in assistant.ui.handlers, which
call only `assistant.api` (advise / check), the audit store, the shared views and the Word export.
Every message, advice version, draft, check and contact is written to the store before the user sees
an answer: in a dispute, the record of lawful conduct protects the creditor.

    python app.py            # http://127.0.0.1:7860 (DEBT_HOST / DEBT_PORT / DEBT_USERS / DEBT_DATA_DIR)

With DEBT_USERS set, every call acts as the logged-in user: a case is visible only to its owner and
the users it is shared with. Files the app hands out (Word drafts, JSON exports, Gradio's uploads and
copies) stay under DEBT_DATA_DIR/tmp, readable by this user only, and are swept after download.
"""

from __future__ import annotations

import os

from assistant.settings import get_settings

# No analytics, no hub look-ups: nothing of a case leaves this machine. Set before gradio is imported.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Gradio's copies of served files stay in the data directory, never in the host's shared temp folder
os.environ["GRADIO_TEMP_DIR"] = str(get_settings().data_dir / "tmp" / "gradio")
os.umask(0o077)  # every file the app writes is readable by its own user only

import ipaddress  # noqa: E402
import logging  # noqa: E402

import gradio as gr  # noqa: E402

from assistant import api  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402
from assistant.store.trail import Store  # noqa: E402
from assistant.text.masking import install_log_masking  # noqa: E402
from assistant.ui.handlers import wire  # noqa: E402
from assistant.ui.login import LoginThrottle, parse_users  # noqa: E402
from assistant.ui.panels import layout  # noqa: E402
from assistant.ui.shell import FILE_LIFETIME_S, NOT_ANSWERED, VIEW_OUTPUT_NAMES  # noqa: E402

__all__ = ["NOT_ANSWERED", "VIEW_OUTPUT_NAMES", "build_app", "is_loopback", "main", "parse_users"]

log = logging.getLogger("assistant.app")
THEME_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "sans-serif"]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: assume it is reachable from elsewhere


def build_app(store: Store | None = None) -> gr.Blocks:
    store = store or Store()
    # Gradio's own copies of served files are deleted every FILE_LIFETIME_S once that old
    with gr.Blocks(title="合法催收助手 / Lawful debt-collection assistant",
                   delete_cache=(FILE_LIFETIME_S, FILE_LIFETIME_S)) as app:
        wire(app, store, layout(), api)
    return app


def main() -> None:
    install_log_masking()
    settings = get_settings()
    try:
        users = parse_users(settings.users)
        store = Store()  # DEBT_DATABASE_URL, or audit.db in DEBT_DATA_DIR; migrated to the current schema
        store.register_users({name: role for name, _, role in users})
    except AssistantError as exc:  # a start-up problem is one clear line, not a traceback
        raise SystemExit(exc.user_message) from None
    if not is_loopback(settings.host) and not users:
        raise SystemExit(
            f"拒绝在 {settings.host} 上无登录启动：请设置 DEBT_USERS=user:password / refusing to listen on "
            f"{settings.host} without a login: set DEBT_USERS=user:password"
        )
    log.info("audit trail at %s", store.location)
    app = build_app(store).queue(default_concurrency_limit=2)
    app.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=LoginThrottle({name: password for name, password, _ in users}) if users else None,
        auth_message="合法催收助手 · 请登录 / please log in",
        ssr_mode=False,
        show_error=False,
        footer_links=["api"],
        theme=gr.themes.Soft(font=THEME_FONTS, font_mono=["Noto Sans Mono CJK SC", "monospace"]),
        prevent_thread_lock=True,
    )
    # the web server's loggers have their own handlers (created at launch) and do not propagate to root
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        install_log_masking(logging.getLogger(name))
    app.block_thread()


if __name__ == "__main__":
    main()
