"""The documentation runs, and says what the code does.

- Every ``pycon`` block of every page in ``docs/`` runs as a doctest, and every ``python`` block
  runs as a script; the blocks of one page share their names, like a tutorial read top to
  bottom.  Inside a ``pycon`` block a blank line is output (no ``<BLANKLINE>`` needed), so
  examples in one block follow each other without blank lines.
- Every ``console`` block is a shell session: ``$ COMMAND`` lines and what they print.  The
  sessions of a page run in order, in one temporary folder that holds a copy of ``examples/``,
  with ``newswiki`` and ``python`` on the ``PATH`` (this interpreter); each command's output
  (standard output and error, in the order written) must match the lines below it, where
  ``...`` stands for any text (a time, a temporary path).  A file block, a
  ``{code-block} python`` with ``:caption: NAME``, is written to ``NAME`` in that folder where
  it stands, so that a session can run it as a script in a fresh process (``python NAME``):
  how the Dask examples, which start worker processes, are run.  Commands that must not run
  here (installing, a cluster) go in ``sh`` blocks, which are shown only.
- The README's quickstart runs, and each ``print(...)  # OUTPUT`` prints what its comment says.
- The doctests in the docstrings of every module of the imported ``newswiki`` package run
  (the installed copy, so a non-editable install never imports a second one from ``src/``).
- Every public name has a docstring (data: a ``#:`` comment; attrs fields: the ``Attributes:``
  section of their class docstring, or a ``#:`` comment) and an entry in the API reference,
  ``docs/api.md``.

Examples run from the repository root, where ``examples/`` holds the sample files.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import io
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tokenize
import traceback
import types
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any, NamedTuple

import attrs
import pytest

import newswiki

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
API = DOCS / "api.md"

OPTIONS = doctest.ELLIPSIS
# Fenced blocks: ``pycon`` and ``python`` run in this process, ``console`` sessions in a shell
# (slow: a process per command); the others are shown, never run.
RUN = {"pycon", "python"}
SESSION = "console"
FILE = "{code-block}"  # with ``:caption: NAME``: a file the sessions of the page can run
SHOWN = {"text", "lark", "toml", "yaml", "json", "csv", "bash", "sh", "shell", "none", ""}
PROMPT = "$ "
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)\n"
    r"(?P<body>.*?)^[ \t]*(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
# Modules whose names are for newswiki itself: their public names are re-exported by
# ``newswiki`` (and documented there), or they serve the command line, documented as commands.
INTERNAL_MODULES = {
    "newswiki.build",
    "newswiki.grammar",
    "newswiki.lenient",
    "newswiki.reader",
    "newswiki.cli",
    "newswiki.spelling",
    # Its names are re-exported by newswiki itself.
    "newswiki.titles",
    # The rooms of newswiki.corpus, which re-exports their public names.
    "newswiki.graph",
    "newswiki.parallel",
    "newswiki.walk",
}
NOT_IMPORTED = {"newswiki.__main__"}  # importing it would run the command line


class Block(NamedTuple):
    language: str
    body: str
    line: int  # 0-based line of the block's first body line


def blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page, with their languages."""
    text = path.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        info = match["info"].strip()
        language = info.split()[0] if info else ""
        indent = len(match["indent"])
        body = "".join(line[indent:] for line in match["body"].splitlines(keepends=True))
        found.append(Block(language, body, text.count("\n", 0, match.start("body"))))
    return found


def file_name(block: Block) -> str | None:
    """The name of a file block (``{code-block} python`` with ``:caption: NAME``), or None."""
    first = block.body.split("\n", 1)[0]
    if block.language != FILE or not first.startswith(":caption: "):
        return None
    return first.removeprefix(":caption: ").strip()


def file_text(block: Block) -> str:
    """A file block's code: its body after the options and the blank line that ends them."""
    return block.body.split("\n\n", 1)[1]


def mark_blank_output(body: str) -> str:
    """Write doctest's ``<BLANKLINE>`` for the blank lines of a ``pycon`` block: all are output."""
    lines = body.rstrip("\n").split("\n")
    return "\n".join("<BLANKLINE>" if not line.strip() else line for line in lines) + "\n"


def run_page(path: Path) -> tuple[int, int, str]:
    """Run a page's code blocks in order; return (examples, failures, report).

    The blocks run in a module of their own, registered while they run, so that the functions
    they define can be pickled (as worker processes need).
    """
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    report: list[str] = []
    module = types.ModuleType(f"newswiki_docs_{path.stem}")
    module.__file__ = str(path)
    globs = module.__dict__
    examples = 0
    sys.modules[module.__name__] = module
    try:
        for block in blocks(path):
            name = f"{path.name}:{block.line + 1}"
            if block.language == "pycon":
                text = mark_blank_output(block.body)
                test = parser.get_doctest(text, globs, name, str(path), block.line)
                examples += len(test.examples)
                runner.run(test, out=report.append, clear_globs=False)
                globs.update(test.globs)
            elif block.language == "python":
                examples += 1
                code = compile("\n" * block.line + block.body, str(path), "exec")
                try:
                    exec(code, globs)
                except Exception as error:  # a broken example is a failure, reported with its line
                    report.append(f"{name}:\n{''.join(traceback.format_exception(error))}")
                    runner.failures += 1
    finally:
        del sys.modules[module.__name__]
    return examples, runner.failures, "".join(report)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_pages_exist() -> None:
    names = {page.stem for page in PAGES}
    assert {"index", "quickstart", "formats", "roundtrip", "errors", "testing", "api"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_code_blocks_are_runnable_or_shown(page: Path) -> None:
    for block in blocks(page):
        assert block.language in RUN | SHOWN | {SESSION} or block.language.startswith("{"), (
            f"{page.name}:{block.line}: unknown code block language {block.language!r};"
            " write pycon or python for code (it is run), console for a shell session"
            " (it is run), sh or text for the rest"
        )
        assert file_name(block) or block.language not in {FILE, "{code}", "{doctest}"}, (
            f"{page.name}:{block.line}: write code as a pycon or python block, so it is run,"
            " or as a file block ({code-block} python with :caption: NAME)"
        )
        assert block.language != SESSION or block.body.startswith(PROMPT), (
            f"{page.name}:{block.line}: a console block is a session that is run: start it"
            " with a `$ ` command, or write commands that must not run here in an sh block"
        )


@pytest.mark.parametrize(
    "page", [p for p in PAGES if any(b.language in RUN for b in blocks(p))], ids=lambda p: p.name
)
def test_page_examples(page: Path) -> None:
    examples, failures, report = run_page(page)
    assert examples > 0
    assert failures == 0, f"{failures} of {examples} examples in {page.name} failed:\n{report}"


class Step(NamedTuple):
    command: str
    expected: str
    line: int  # 1-based line of the command in the page


def session(block: Block) -> list[Step]:
    """The commands of a ``console`` block, each with the output shown below it."""
    steps: list[Step] = []
    for number, line in enumerate(block.body.rstrip("\n").split("\n")):
        if line.startswith(PROMPT):
            steps.append(Step(line.removeprefix(PROMPT), "", block.line + number + 1))
        else:
            command, expected, at = steps[-1]
            steps[-1] = Step(command, expected + line + "\n", at)
    return steps


def _shell_environment(folder: Path) -> dict[str, str]:
    """The environment of a session: ``newswiki`` and ``python`` are this interpreter, output
    is written in the order it is made, and no progress bar is drawn (``CI``)."""
    bin_folder = folder / ".bin"
    bin_folder.mkdir()
    for name, args in (("python", ""), ("newswiki", " -m newswiki")):
        script = bin_folder / name
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}"{args} "$@"\n', encoding="utf-8")
        script.chmod(0o755)
    path = f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}"
    # The copy of newswiki this test imported, not a second one from src/.
    imported = str(Path(newswiki.__file__).resolve().parents[1])
    pythonpath = os.pathsep.join(p for p in (imported, os.environ.get("PYTHONPATH", "")) if p)
    return {
        **os.environ,
        "PATH": path,
        "PYTHONPATH": pythonpath,
        "PYTHONUNBUFFERED": "1",
        "CI": "1",
        "LC_ALL": "C.UTF-8",
    }


def run_sessions(page: Path, folder: Path) -> list[str]:
    """Run the ``console`` sessions and write the file blocks of a page, in order, in
    ``folder``; return a report of each command whose output differs."""
    shutil.copytree(ROOT / "examples", folder / "examples")
    env = _shell_environment(folder)
    checker = doctest.OutputChecker()
    failures = []
    for block in blocks(page):
        name = file_name(block)
        if name is not None:
            (folder / name).write_text(file_text(block), encoding="utf-8")
            continue
        if block.language != SESSION:
            continue
        status = 0
        for step in session(block):
            done = subprocess.run(
                ["bash", "-c", f"(exit {status}); {step.command}"],
                cwd=folder,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=300,
            )
            status = done.returncode
            got = done.stdout.rstrip("\n") + "\n"
            want = step.expected.rstrip("\n") + "\n"
            if not checker.check_output(want, got, OPTIONS):
                failures.append(
                    f"{page.name}:{step.line}: $ {step.command}\n"
                    f"--- shown\n{want}--- printed\n{got}"
                )
    return failures


def _pages_with_sessions() -> list[Path]:
    return [p for p in PAGES if any(b.language == SESSION for b in blocks(p))]


@pytest.mark.slow
@pytest.mark.parametrize("page", _pages_with_sessions(), ids=lambda page: page.name)
def test_console_sessions(page: Path, tmp_path: Path) -> None:
    failures = run_sessions(page, tmp_path)
    assert not failures, "\n".join(failures)


def test_session_reading() -> None:
    block = Block(SESSION, "$ newswiki check x\nx:1:1: bad\nChecked 1 file.\n$ echo $?\n1\n", 9)
    assert session(block) == [
        Step("newswiki check x", "x:1:1: bad\nChecked 1 file.\n", 10),
        Step("echo $?", "1\n", 13),
    ]
    script = Block(FILE, ":caption: job.py\n\nimport dask\n\nprint(1)\n", 0)
    assert (file_name(script), file_text(script)) == ("job.py", "import dask\n\nprint(1)\n")
    assert file_name(Block(FILE, "print(1)\n", 0)) is None


def test_blank_lines_in_output_need_no_marker() -> None:
    body = '>>> print("a\\n\\nb")\na\n\nb\n>>> for x in "ab":\n...     print(x)\na\nb\n'
    marked = mark_blank_output(body)
    assert marked.split("\n")[2] == "<BLANKLINE>"
    test = doctest.DocTestParser().get_doctest(marked, {}, "t", "t", 0)
    runner = doctest.DocTestRunner()
    runner.run(test, out=lambda _: None)
    assert (runner.tries, runner.failures) == (2, 0)
    wrong = doctest.DocTestParser().get_doctest(marked.replace("b\n>>>", "c\n>>>"), {}, "t", "t", 0)
    runner.run(wrong, out=lambda _: None)
    assert runner.failures == 1


# --- README ----------------------------------------------------------------------------------


def _readme_examples() -> list[Block]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Quickstart")
    found = [b for b in blocks(ROOT / "README.md") if b.language == "python"]
    assert found, "the README has a quickstart"
    assert text.count("\n", 0, start) < found[0].line, "the quickstart is the first python block"
    return found


def test_readme_examples() -> None:
    """Every python block of the README runs, in order, sharing names; each ``print``
    followed by a comment prints what the comment says."""
    globs: dict[str, Any] = {"__name__": "README"}
    compared = 0
    for block in _readme_examples():
        compared += _run_readme_block(block.body, block.line, globs)
    assert compared >= 1


def _run_readme_block(code: str, offset: int, globs: dict[str, Any]) -> int:
    comments = {
        token.start[0]: token.string.lstrip("#").strip()
        for token in tokenize.generate_tokens(io.StringIO(code).readline)
        if token.type == tokenize.COMMENT
    }
    compared = 0
    for statement in ast.parse(code).body:
        expected = comments.get(statement.end_lineno or statement.lineno)
        line = offset + statement.lineno
        module = ast.increment_lineno(ast.Module(body=[statement], type_ignores=[]), offset)
        output = io.StringIO()
        with redirect_stdout(output):
            exec(compile(module, str(ROOT / "README.md"), "exec"), globs)
        is_print = (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and getattr(statement.value.func, "id", None) == "print"
        )
        if is_print and expected is not None:
            assert output.getvalue().rstrip("\n") == expected, f"README.md line {line}"
            compared += 1
    return compared


# The modules each extra brings that a README example could import (through newswiki).
EXTRA_MODULES = {"fix": {"ftfy"}, "parquet": {"pyarrow"}, "dask": {"dask", "pyarrow"}}
_INSTALL_EXTRA = re.compile(r"pip install '\.\[([\w,]+)\]'")
_BLOCKER = """
import importlib.abc, sys
class Blocker(importlib.abc.MetaPathFinder):
    blocked = set()
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.blocked:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Blocker())
"""


def test_readme_examples_need_only_what_was_installed_before_them() -> None:
    """Each python block of the README runs with the extras its install lines named before
    it, and no other: in a fresh interpreter where the other extras cannot be imported."""
    installed: set[str] = set()
    script = [_BLOCKER]
    for block in blocks(ROOT / "README.md"):
        if block.language == "console":
            for match in _INSTALL_EXTRA.finditer(block.body):
                installed.update(match[1].split(","))
        elif block.language == "python":
            missing = set().union(*(m for e, m in EXTRA_MODULES.items() if e not in installed))
            allowed = set().union(*(m for e, m in EXTRA_MODULES.items() if e in installed))
            script.append(f"Blocker.blocked = {sorted(missing - allowed)!r}")
            script.append(block.body)
    assert "fix" in installed, "the README installs the fix extra before fix_mojibake"
    done = subprocess.run(
        [sys.executable, "-c", "\n".join(script)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def _fresh_machine_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.count("\n", 0, text.index("## On a fresh machine"))
    end = text.count("\n", 0, text.index("\n## ", text.index("## On a fresh machine")))
    shown = [b for b in blocks(ROOT / "README.md") if start < b.line < end]
    return [line for b in shown if b.language == "console" for line in b.body.splitlines()]


def test_ci_runs_the_readme_fresh_machine_commands() -> None:
    """CI installs and tests exactly as a newcomer following the README would."""
    commands = _fresh_machine_commands()
    assert len(commands) >= 3
    assert commands[0] == "python3 -m venv .venv && . .venv/bin/activate"
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").split("\n")]
    # CI may send output to a file and choose the interpreter ($PYTHON, python3 by default).
    ci = [line.replace('"$PYTHON" -m venv', "python3 -m venv") for line in ci]
    missing = [c for c in commands if not any(line.split(" > ")[0] == c for line in ci)]
    assert not missing, f"CI does not run these README commands: {missing}"


# --- docstrings ------------------------------------------------------------------------------

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(newswiki.__path__, "newswiki.")
    if info.name not in NOT_IMPORTED
)


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:  # an optional dependency (an extra) is not installed
        if (error.name or "").split(".")[0] == "newswiki":
            raise
        pytest.skip(f"{name} needs {error.name}, from one of newswiki's extras")


@pytest.mark.parametrize("name", ["newswiki", *MODULES])
def test_docstring_examples(name: str) -> None:
    module = _import(name)
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    report: list[str] = []
    for test in doctest.DocTestFinder().find(module, name):
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


def test_docstrings_have_examples() -> None:
    finder = doctest.DocTestFinder()
    count = sum(
        len(test.examples)
        for name in ["newswiki", *MODULES]
        for test in finder.find(importlib.import_module(name), name)
    )
    assert count >= 10


# --- the API reference covers every public name ----------------------------------------------

_DOCUMENTED = re.compile(
    r"^\s*(?:\.\. (?:auto)?(?:class|function|exception|data|module|py:\w+)::"
    r"|```\{(?:py:\w+|auto\w+)\})\s+([\w.]+)",
    re.MULTILINE,
)


def _public_names() -> list[tuple[str, str, Any]]:
    """``(module, name, object)`` for every name in the ``__all__`` of a public module."""
    names = [("newswiki", name, getattr(newswiki, name)) for name in newswiki.__all__]
    for module_name in MODULES:
        if module_name in INTERNAL_MODULES:
            continue
        module = _import(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if getattr(newswiki, name, None) is not obj:  # not re-exported at the top
                names.append((module_name, name, obj))
    return names


def _reference_entries() -> set[str]:
    return set(_DOCUMENTED.findall(API.read_text(encoding="utf-8")))


def _module_sources() -> list[list[str]]:
    return [
        inspect.getsource(importlib.import_module(name)).split("\n")
        for name in ["newswiki", *MODULES]
    ]


def _has_doc_comment(lines: list[str], definition: re.Pattern[str]) -> bool:
    """A ``#:`` comment stands right above a line that matches ``definition``."""
    return any(
        definition.match(line) and index > 0 and lines[index - 1].strip().startswith("#:")
        for index, line in enumerate(lines)
    )


def test_public_names_are_in_the_api_reference() -> None:
    entries = _reference_entries()
    missing = [f"{module}.{name}" for module, name, _ in _public_names()]
    missing = [name for name in missing if name not in entries]
    assert not missing, f"add these to docs/api.md: {missing}"


def test_public_names_have_docstrings() -> None:
    sources = _module_sources()
    reference = API.read_text(encoding="utf-8")
    undocumented = []
    for module, name, obj in _public_names():
        if inspect.isclass(obj) or inspect.isroutine(obj):
            own = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
            documented = bool(own and own.strip())
        else:  # data: a ``#:`` comment above its assignment, or a hand-written entry
            assignment = re.compile(rf"^{re.escape(name)}\s*(?::[^=]*)?=")
            hand_written = re.search(
                rf"```\{{py:data\}} {re.escape(module)}\.{re.escape(name)}\n(?::\w+:.*\n)*\n\S",
                reference,
            )
            documented = hand_written is not None or any(
                _has_doc_comment(lines, assignment) for lines in sources
            )
        if not documented:
            undocumented.append(f"{module}.{name}")
    assert not undocumented, f"write docstrings (or #: comments) for: {undocumented}"


def _attributes_section(cls: type) -> list[str]:
    """The names the ``Attributes:`` section of ``cls``'s own docstring describes, in order."""
    doc = inspect.cleandoc(cls.__dict__.get("__doc__") or "")
    section = re.search(r"^Attributes:\n((?:(?:    .*)?\n?)*)", doc, re.MULTILINE)
    return re.findall(r"^    (\w+):", section.group(1), re.MULTILINE) if section else []


def test_the_attributes_section_reader_has_teeth() -> None:
    @attrs.frozen
    class Point:
        """A point.

        Attributes:
            x: Across,
                over two lines.
            y: Up.

        After the section.
        """

        x: int
        y: int

    assert _attributes_section(Point) == ["x", "y"]
    assert _attributes_section(int) == []


def test_attrs_fields_are_documented_once() -> None:
    """Each field of a public attrs class is described once: in the ``Attributes:`` section of
    its class docstring, which ``help()`` and the API page both show (napoleon makes each an
    attribute entry), or by a ``#:`` comment above it, which only Sphinx reads.  The model's
    classes, which users build and ``help()``, use the docstring."""
    problems = []
    for _, _, cls in _public_names():
        if not (inspect.isclass(cls) and attrs.has(cls)):
            continue
        described = _attributes_section(cls)
        lines = inspect.getsource(cls).split("\n")
        names = [field.name for field in attrs.fields(cls)]
        for name in names:
            commented = _has_doc_comment(lines, re.compile(rf"^\s+{name}\s*:"))
            places = described.count(name) + commented
            if places != 1:
                problems.append(f"{cls.__name__}.{name} is described {places} times")
            elif commented and cls.__module__ == "newswiki.model":
                problems.append(f"{cls.__name__}.{name}: describe it in the docstring")
        problems += [
            f"{cls.__name__} has no field {name}" for name in described if name not in names
        ]
    assert not problems, problems
