"""The documentation runs, and says what the code does.

- Every ``pycon`` block of every page in ``docs/`` runs as a doctest, and every ``python`` block
  runs as a script; the blocks of one page share their names, like a tutorial read top to
  bottom.  Inside a ``pycon`` block a blank line is output (no ``<BLANKLINE>`` needed), so
  examples in one block follow each other without blank lines.
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
import pkgutil
import re
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
# Fenced blocks: ``pycon`` and ``python`` run; the others are shown, never run.
RUN = {"pycon", "python"}
SHOWN = {"console", "text", "lark", "toml", "json", "csv", "bash", "sh", "shell", "none", ""}
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
        assert block.language in RUN | SHOWN or block.language.startswith("{"), (
            f"{page.name}:{block.line}: unknown code block language {block.language!r};"
            " write pycon or python for code (it is run), console or text for the rest"
        )
        assert block.language not in {"{code-block}", "{code}", "{doctest}", "{testcode}"}, (
            f"{page.name}:{block.line}: write code as a pycon or python block, so it is run"
        )


@pytest.mark.parametrize(
    "page", [p for p in PAGES if any(b.language in RUN for b in blocks(p))], ids=lambda p: p.name
)
def test_page_examples(page: Path) -> None:
    examples, failures, report = run_page(page)
    assert examples > 0
    assert failures == 0, f"{failures} of {examples} examples in {page.name} failed:\n{report}"


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
