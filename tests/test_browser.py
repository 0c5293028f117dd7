"""A creditor's session in a real browser: type a Chinese case, see the stage and a draft, download Word.

Drives Debian's Chromium through the PyPI `playwright` package (never `playwright install`);
`scripts/install_browser.sh` installs both. Saves docs/screenshot.png for the README.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import linked_data_dir
from test_app_e2e import CASE, free_port, start_app, stop_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshot.png"
ANALYSIS_TIMEOUT_MS = 600_000  # the first analysis loads the embedding model on a shared 2-core machine

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent: run scripts/install_browser.sh"),
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    data_dir = linked_data_dir(tmp_path_factory.mktemp("browser-data"))
    port = free_port()
    process = start_app(data_dir, port)
    yield f"http://127.0.0.1:{port}/"
    stop_app(process)


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: run scripts/install_browser.sh")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_a_creditor_types_a_chinese_case_and_gets_a_stage_a_draft_and_a_word_file(browser, app_url, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="zh-CN", accept_downloads=True)
    outside = []  # nothing of a case may leave the machine: no fonts, analytics or CDN requests either
    page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else outside.append(r.url))
    page.goto(app_url)
    page.locator("#message textarea").fill(CASE)
    page.locator("#send").click()

    stage = page.locator("#stage")
    stage.get_by_text("建议阶段").wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    assert "建议阶段" in stage.inner_text()
    assert CASE[:10] in page.locator("#chat").inner_text()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.get_by_role("tab", name="文书 Drafts").click()
    draft = page.locator("#draft_text textarea").input_value()
    assert len(draft) > 20, "no draft shown"

    with page.expect_download(timeout=60_000) as download_info:
        page.locator("#docx").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.suffix == ".docx"
    with zipfile.ZipFile(saved) as docx:
        assert "word/document.xml" in docx.namelist()
    page.screenshot(path=str(tmp_path / "drafts.png"), full_page=True)
    page.close()
    assert outside == [], f"requests left the machine: {outside}"


def test_the_check_box_highlights_an_unlawful_message(browser, app_url):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page.goto(app_url)
    page.get_by_role("tab", name="消息审查 Check").click()
    page.locator("#check_text textarea").fill("三天内不还钱，就把你欠钱的事发到你们公司群里，让你全家都知道。")
    page.get_by_role("button", name="审查 / Check").click()
    page.locator("#check_report").get_by_text("不合法").wait_for(timeout=120_000)
    assert page.locator("#check_marks").inner_text().strip()
    page.close()

