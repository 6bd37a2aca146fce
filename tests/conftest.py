"""Hypothesis profiles: a quick one for every run, ``fuzz`` for long campaigns.

Choose with ``NEWSWIKI_HYPOTHESIS_PROFILE=fuzz``.  Tests marked ``fuzz`` are deselected by
default (``addopts`` in pyproject.toml) and run with ``pytest -m fuzz``.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck)
)
# tools/mutate.py: fewer examples, always the same ones (a mutant meets the examples of the
# baseline run), and no shrinking: a failure is all a mutant run needs to know.
settings.register_profile(
    "mutation",
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("NEWSWIKI_HYPOTHESIS_PROFILE", "default"))

DATA = Path(__file__).parent / "data"


def pytest_configure(config: pytest.Config) -> None:
    """Keep the session's parser cache out of the user's own cache directory."""
    if "NEWSWIKI_CACHE_DIR" not in os.environ:
        directory = tempfile.mkdtemp(prefix="newswiki-test-cache-")
        os.environ["NEWSWIKI_CACHE_DIR"] = directory
        config.add_cleanup(lambda: shutil.rmtree(directory, ignore_errors=True))


@pytest.fixture
def event_text() -> str:
    """The real event sample, exactly as on disk."""
    return (DATA / "event-almaty-2016-07-18.md").read_bytes().decode("utf-8")


@pytest.fixture
def article_text() -> str:
    """The real article sample, exactly as on disk."""
    return (DATA / "article-aktobe-shootings.txt").read_bytes().decode("utf-8")


@pytest.fixture
def secret_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders named ``secret`` cannot be listed (``PermissionError``), as for a user who may
    not read them: root may read every folder, so ``chmod 000`` would not do."""
    scandir = os.scandir

    def refusing(folder: str) -> object:
        if os.path.basename(folder) == "secret":
            raise PermissionError(13, "Permission denied", folder)
        return scandir(folder)

    monkeypatch.setattr(os, "scandir", refusing)


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail, instead of hanging the suite, when a test takes over a minute.

    With an ``AssertionError``, not a ``TimeoutError``: that is an ``OSError``, which code that
    goes on past a file it cannot open (the parser cache, a corpus's reader) would swallow."""

    def expire(*_: object) -> None:
        raise AssertionError("the test hung")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
