"""Every test runs in its own data directory; nothing a test does reaches the real var/.

The heavy, read-mostly artefacts (the converted embedding model, the law index, the trained checker model,
the prototype cache, the local GGUF models) are built once per session in a session directory, seeded
from var/ when the README's commands already made them there, and linked into each test's directory.
The audit database, exports and anything else a test writes stay in its own tmp_path.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
VAR = REPO_ROOT / "var"
SESSION_DATA = Path(tempfile.mkdtemp(prefix="debt-tests-"))
# read-only for tests: linked from var/ (the converted embedding model, the GGUF files)
LINKED = ("models", "llm")
# written by tests (index builds, caches): a session copy, so var/ is never touched
COPIED = ("chroma", "checker_model", "assess_model", "cache")

for name in LINKED:
    if (VAR / name).is_dir():
        (SESSION_DATA / name).symlink_to(VAR / name, target_is_directory=True)
    else:
        (SESSION_DATA / name).mkdir()  # made once this session (e.g. the model converted on first use)
for name in COPIED:
    if (VAR / name).is_dir():
        shutil.copytree(VAR / name, SESSION_DATA / name, ignore=shutil.ignore_patterns("*.lock"))
    else:
        (SESSION_DATA / name).mkdir()
# before any assistant import reads the settings
os.environ["DEBT_DATA_DIR"] = str(SESSION_DATA)
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.settings import reload_settings  # noqa: E402  (after the environment above)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(SESSION_DATA, ignore_errors=True)


def linked_data_dir(directory: Path) -> Path:
    """A data directory of its own, with the session's shared artefacts linked in (also for app subprocesses)."""
    directory.mkdir(parents=True, exist_ok=True)
    for entry in SESSION_DATA.iterdir():
        (directory / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
    return directory


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path_factory, monkeypatch) -> Path:
    """This test's own DEBT_DATA_DIR, with the session's shared artefacts linked in."""
    directory = linked_data_dir(tmp_path_factory.mktemp("data"))
    monkeypatch.setenv("DEBT_DATA_DIR", str(directory))
    reload_settings()
    yield directory
    monkeypatch.undo()
    reload_settings()


@pytest.fixture
def shared_data_dir() -> Path:
    """The session directory that holds the shared artefacts (for tests that build their own data dir)."""
    return SESSION_DATA
