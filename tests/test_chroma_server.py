"""Server mode: the retriever works against a real `chroma run` server started by the test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.law.corpus import build_units
from assistant.law.index import build_index, index_status
from assistant.settings import get_settings

pytestmark = [pytest.mark.server, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"chroma server on port {port} did not start")


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        chroma = Path(shutil.which("chroma") or "chroma")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_search_through_a_chroma_server(chroma_server, tmp_path):
    from assistant.law.retrieval import Retriever

    shared_models = get_settings().data_dir / "models"
    shared_models.mkdir(parents=True, exist_ok=True)
    (tmp_path / "models").symlink_to(shared_models, target_is_directory=True)
    settings = get_settings().model_copy(
        update={"data_dir": tmp_path, "chroma_mode": "server", "chroma_host": "127.0.0.1", "chroma_port": chroma_server}
    )
    units = [u for u in build_units(settings) if u.law == "中华人民共和国刑法"]
    status = build_index(settings, units=units)
    assert status.built and status.mode == "server"
    assert index_status(settings, units=units).fresh
    assert not (tmp_path / "chroma").exists()  # nothing was written to the embedded store

    retriever = Retriever(settings, units=units)  # same search code, restricted to the criminal-law units
    top3 = [(c.law, c.article) for c in retriever.search("把欠钱的人关起来逼他还钱", k=3)]
    assert ("中华人民共和国刑法", "第二百三十八条") in top3, top3
