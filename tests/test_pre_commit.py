"""The hooks of ``.pre-commit-hooks.yaml`` work as a user's pre-commit runs them.

``pre-commit try-repo`` takes a git repository holding the hook file, installs it into an
environment of its own (``language: python``: ``pip install`` of the repository, from the
package index pip is configured with) and runs the hooks on the files of another repository:
here a small archive with a broken file and a day page.  Slow: pre-commit builds the
environment, and every run starts processes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "event-almaty-2016-07-18.md"
# What pip needs to install newswiki from a checkout, and the hook file.
PACKAGE = ["pyproject.toml", "README.md", "LICENSE", "src", "grammars", ".pre-commit-hooks.yaml"]
BROKEN = "### [2016-02-30](/x)\n\n# Hello\n"

pytestmark = pytest.mark.slow


def _git(folder: Path, *args: str) -> None:
    identity = ["-c", "user.name=newswiki tests", "-c", "user.email=tests@newswiki.invalid"]
    subprocess.run(["git", *identity, *args], cwd=folder, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository of this checkout's package and hook file, committed (try-repo reads
    the hook file of a commit)."""
    folder = tmp_path_factory.mktemp("hooks")
    for name in PACKAGE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, folder / name)
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "hooks")
    return folder


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive in git: the sample event (not in the canonical layout: it has stray spaces),
    a file with an impossible date, and a day page, which is in neither format."""
    folder = tmp_path / "archive"
    day = folder / "news" / "2016" / "07" / "18"
    day.mkdir(parents=True)
    shutil.copy(SAMPLE, day / "event.md")
    (day / "bad.md").write_text(BROKEN, encoding="utf-8")
    (day / "index.md").write_text("* [An event](event.md)\n", encoding="utf-8")
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "archive")
    return folder


def _try_repo(hooks: Path, archive: Path, hook: str) -> tuple[int, str]:
    # The hooks must run the newswiki pre-commit installed, not this checkout's src/.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PRE_COMMIT_HOME"] = str(hooks.parent / "pre-commit-home")
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), hook, "--all-files"],
        cwd=archive,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.returncode, done.stdout + done.stderr


def test_check_hook_reports_broken_files_and_skips_day_pages(hooks: Path, archive: Path) -> None:
    status, output = _try_repo(hooks, archive, "newswiki-check")
    assert status == 1, output
    bad = "news/2016/07/18/bad.md:1:6: expected a real calendar date YYYY-MM-DD, found '2016-02-30'"
    assert bad in output.split("\n"), output
    assert "Checked 2 files: 1 error." in output, output  # event.md and bad.md, not index.md

    _git(archive, "rm", "-q", "news/2016/07/18/bad.md")
    status, output = _try_repo(hooks, archive, "newswiki-check")
    assert status == 0, output
    assert "Passed" in output, output


def test_fmt_hook_rewrites_files_in_the_canonical_layout(hooks: Path, archive: Path) -> None:
    event = archive / "news" / "2016" / "07" / "18" / "event.md"
    before = event.read_text(encoding="utf-8")
    assert "still at large. \n" in before  # the sample's headline ends in a stray space

    status, output = _try_repo(hooks, archive, "newswiki-fmt")
    assert status == 1, output
    assert "files were modified by this hook" in output, output
    bad = "news/2016/07/18/bad.md:1:6: expected a real calendar date YYYY-MM-DD, found '2016-02-30'"
    assert f"{bad} (left unchanged)" in output.split("\n"), output
    after = event.read_text(encoding="utf-8")
    assert after == before.replace(" \n", "\n").replace(". ](", ".](").replace("[ 2016", "[2016")
    assert (event.parent / "bad.md").read_text(encoding="utf-8") == BROKEN
