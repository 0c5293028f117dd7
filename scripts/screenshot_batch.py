"""Take docs/batch_tab.png: the Batch tab on a page of its own, after a triage of a small synthetic portfolio.

    .venv/bin/python scripts/screenshot_batch.py          # needs /usr/bin/chromium (scripts/install_browser.sh)

app.py places `batch_panel()` in its tabs; this script builds the same components alone, so the picture
needs no chat case. Data goes to a temporary directory, never var/.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from assistant.bulk.synthetic import portfolio  # noqa: E402
from assistant.ui.batch import batch_panel  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="batch-shot-"))
    source = work / "accounts.xlsx"
    portfolio(60, bad_rows=2).to_excel(source, index=False)
    with gr.Blocks(title="合法催收助手 / Batch") as page, gr.Tabs():
        with gr.Tab("批量 Batch"):
            batch_panel()
    port = _free_port()
    page.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, allowed_paths=[str(work)])
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            view = browser.new_page(viewport={"width": 1280, "height": 1100})
            view.goto(f"http://127.0.0.1:{port}/")
            view.locator("input[type=file]").first.set_input_files(str(source))
            view.wait_for_timeout(1500)
            view.get_by_role("button", name="开始 / Run").click()
            view.get_by_text("withheld by the checker", exact=False).first.wait_for(timeout=600_000)
            view.wait_for_timeout(3000)
            out = ROOT / "docs" / "batch_tab.png"
            view.screenshot(path=str(out), full_page=True)
            browser.close()
            print(out)
    finally:
        page.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
