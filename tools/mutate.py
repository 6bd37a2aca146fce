"""Mutation testing: does the test suite notice a broken parser?

Two kinds of mutant, each a small, deliberate break:

- **Python mutants**, made from the syntax tree of each module in ``MODULES``: an operator
  swapped (``+``/``-``, ``==``/``!=``, ``<``/``<=``, ``in``/``not in``, ``and``/``or``), a
  constant changed (a number plus one, a string emptied, ``True``/``False``), a ``not`` dropped,
  a ``return`` made to return ``None``, a slice bound dropped.
- **Grammar mutants**, written by hand in ``tools/grammar_mutants.py``: each one a precise edit
  of ``grammars/*.lark``; an edit whose text is not found exactly once is an error, so a
  grammar change can never turn a mutant into a silent copy of the original.

Each mutant runs against the quick test subset in a forked child, with a timeout: only the
tests that execute the mutated lines (found by a coverage run of the unmutated code), fastest
first, stopping at the first failure.  A mutant is *killed* when a test fails (or the run
times out), *survives* when every test passes, and is *not covered* when no test runs its
lines.  Survivors judged equivalent (no test can tell them apart from the original) are
listed with a reason in ``tools/equivalent_mutants.py``; they are counted apart.

The mutated code and the tests run in a scratch copy of ``src/``, ``grammars/`` and
``tests/``, taken at the start: the working tree is never changed, and may change during a
run.  One worker by default: the machine is often shared (``--jobs N`` forks N at once).

    python tools/mutate.py                       # every mutant, report per module
    python tools/mutate.py --modules model.py    # one module's mutants
    python tools/mutate.py --grammar             # grammar mutants only
    python tools/mutate.py --match _check_tags   # mutants whose id holds the text
    python tools/mutate.py --list                # the mutants, without running them
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from equivalent_mutants import EQUIVALENT  # noqa: E402
from grammar_mutants import GRAMMAR_MUTANTS  # noqa: E402

#: The modules whose Python mutants are made: reading (``reader.py``, ``parse.py``,
#: ``lenient.py``, ``build.py``), the error it reports (``errors.py``), the model
#: (``model.py``, ``layout.py``) and writing (``write.py``, ``spelling.py``); the parser
#: cache of ``grammar.py`` (what it trusts runs code when unpickled); and what a corpus is
#: read and joined with: walking folders (``walk.py``), the topics of a headline
#: (``text.py``), titles compared as a wiki does (``titles.py``) and the links between
#: files (``graph.py``), and the tables they are written to (``tabular.py``: the ``topics``
#: table resolves topics in parts of its own), and how files are written back (``files.py``:
#: what a crash or a planted file may leave).  Left out: ``convert.py`` (what is done with
#: the values once read), and the command line, corpus and dask front ends.
MODULES = (
    "build.py",
    "write.py",
    "parse.py",
    "reader.py",
    "errors.py",
    "model.py",
    "layout.py",
    "lenient.py",
    "spelling.py",
    "grammar.py",
    "walk.py",
    "text.py",
    "titles.py",
    "graph.py",
    "tabular.py",
    "files.py",
)

#: The test files of the quick subset, and the tests left out of it (with why).
TEST_FILES = (
    "tests/test_model.py",
    "tests/test_validators.py",
    "tests/test_errors.py",
    "tests/test_io.py",
    "tests/test_lenient.py",
    "tests/test_roundtrip.py",
    "tests/test_samples.py",
    "tests/test_readings.py",
    "tests/test_edits.py",
    "tests/test_positions.py",
    "tests/test_grammar.py",
    "tests/test_edges.py",
    "tests/test_hostile.py",
    "tests/test_cache.py",
    "tests/test_corpus.py",
    "tests/test_text.py",
    "tests/test_graph.py",
    "tests/test_tabular.py",
    "tests/test_files.py",
)
LEFT_OUT = {
    # Concurrency, not logic: every line it runs, the one-thread tests run too (15-40 s).
    "test_threads_share_the_parsers",
    # Checks that one edit of the grammar collides (60-150 s); its own edit is checked to apply.
    "test_strict_build_would_catch_the_one_deliberate_overlap",
    # Compares the schemas with docs/cli.md, which the scratch copy does not hold.
    "test_every_column_is_documented",
}
#: Run after the others for grammar mutants only: Lark's collision check of the grammar text,
#: which no Python mutant can change (10-30 s).
GRAMMAR_ONLY = {"test_grammar_builds_strict_without_terminal_collisions"}
#: Seconds allowed for the tests of GRAMMAR_ONLY, which the baseline run does not time.
GRAMMAR_ONLY_SECONDS = 120
#: Hypothesis profile of the runs (tests/conftest.py): fewer examples, derandomized, so a
#: mutant meets the same examples as the baseline run.
PROFILE = "mutation"

SWAPS: dict[type, type] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.Div: ast.Mult,
    ast.Mod: ast.FloorDiv,
    ast.BitOr: ast.BitAnd,
    ast.BitAnd: ast.BitOr,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.And: ast.Or,
    ast.Or: ast.And,
}


@dataclass
class Mutant:
    """One break of one file: its id, where it is and the file's whole mutated text."""

    id: str
    kind: str  # "python" or "grammar"
    file: str  # relative to the repository: src/newswiki/model.py, grammars/event.lark
    lines: tuple[int, int]  # first and last line of the statement it changes (1-based)
    text: str
    original: str  # the file's text before the change, to put back after the run
    # Inside a lambda: its lines run when it is called, not when it is defined at import.
    in_lambda: bool = False
    status: str = "pending"
    tests_run: int = 0
    seconds: float = 0.0


# --- Python mutants ------------------------------------------------------------------------


def _short(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 3] + "..."


class _Finder(ast.NodeVisitor):
    """Walk a module and propose ``(node, statement, replacement, function name)``."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.statement: ast.stmt | None = None
        self.in_lambda: ast.Lambda | None = None
        self.found: list[tuple[ast.AST, ast.stmt | ast.Lambda, ast.AST | str, str]] = []

    def qualname(self) -> str:
        return ".".join(self.names) or "<module>"

    def propose(self, node: ast.AST, new: ast.AST | str) -> None:
        assert self.statement is not None
        self.found.append((node, self.in_lambda or self.statement, new, self.qualname()))

    def visit_scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        if any(_is_overload(decorator) for decorator in node.decorator_list):
            return  # a signature for mypy, replaced at once by the function it describes
        for decorator in node.decorator_list:
            self.visit(decorator)
        if not isinstance(node, ast.ClassDef):
            for default in (*node.args.defaults, *node.args.kw_defaults):
                if default is not None:
                    self.visit(default)
        self.names.append(node.name)
        self.visit_body(node.body)
        self.names.pop()

    def visit_body(self, body: list[ast.stmt]) -> None:
        for index, statement in enumerate(body):
            is_docstring = (
                index == 0
                and isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            )
            if is_docstring:
                continue
            outer, self.statement = self.statement, statement
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.visit_scope(statement)
            else:
                self.visit_statement(statement)
            self.statement = outer

    def visit_Module(self, node: ast.Module) -> None:
        self.visit_body(node.body)

    def visit_statement(self, node: ast.stmt) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return  # an import that breaks fails every test: nothing to learn
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return
        if isinstance(node, ast.AnnAssign):  # the annotation is for mypy
            if node.value is not None:
                self.visit(node.value)
            return
        if isinstance(node, ast.AugAssign):
            swap = SWAPS.get(type(node.op))
            if swap is not None:
                self.propose(node, ast.AugAssign(node.target, swap(), node.value))
        value = getattr(node, "value", None)
        returns_none = isinstance(value, ast.Constant) and value.value is None
        if isinstance(node, ast.Return) and value is not None and not returns_none:
            self.propose(node, "return None")
        for name, value in ast.iter_fields(node):
            if name in ("body", "orelse", "finalbody"):
                self.visit_body(value)
            elif name == "handlers":
                for handler in value:
                    if handler.type is not None:
                        self.visit(handler.type)
                    self.visit_body(handler.body)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def visit_arguments(self, node: ast.arguments) -> None:
        return  # annotations and defaults (defaults are visited with their function)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        outer, self.in_lambda = self.in_lambda, node
        self.visit(node.body)
        self.in_lambda = outer

    def visit_BinOp(self, node: ast.BinOp) -> None:
        swap = SWAPS.get(type(node.op))
        if swap is not None:
            self.propose(node, ast.BinOp(node.left, swap(), node.right))
        super().generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        for index, op in enumerate(node.ops):
            swap = SWAPS.get(type(op))
            if swap is not None:
                ops = [*node.ops]
                ops[index] = swap()
                self.propose(node, ast.Compare(node.left, ops, node.comparators))
        super().generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        self.propose(node, ast.BoolOp(SWAPS[type(node.op)](), node.values))
        super().generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self.propose(node, node.operand)
        super().generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self.propose(node, ast.Constant(not value))
        elif isinstance(value, int):
            self.propose(node, ast.Constant(value + 1))
        elif isinstance(value, str):
            self.propose(node, ast.Constant("" if value else "X"))

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        # An f-string is a message or a line being written: empty it whole.
        self.propose(node, ast.Constant(""))

    def visit_Slice(self, node: ast.Slice) -> None:
        if node.lower is not None:
            self.propose(node, ast.Slice(None, node.upper, node.step))
        if node.upper is not None:
            self.propose(node, ast.Slice(node.lower, None, node.step))
        super().generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Load) and _is_type_expression(node):
            return  # tuple[str, ...] in a cast or a TypeVar: typing, not behaviour
        super().generic_visit(node)


def _is_overload(decorator: ast.expr) -> bool:
    name = decorator.attr if isinstance(decorator, ast.Attribute) else getattr(decorator, "id", "")
    return name == "overload"


def _is_type_expression(node: ast.Subscript) -> bool:
    return isinstance(node.value, ast.Name) and node.value.id in {
        "tuple",
        "list",
        "dict",
        "Callable",
        "Iterator",
        "type",
        "IO",
    }


class _Offsets:
    """Turn ast positions (line, UTF-8 byte column) into offsets of the text's bytes."""

    def __init__(self, data: bytes) -> None:
        self.starts = [0]
        for line in data.split(b"\n"):
            self.starts.append(self.starts[-1] + len(line) + 1)

    def __call__(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column


def python_mutants(relative: str, source: str) -> Iterator[Mutant]:
    """Every mutant of one module's source, each a whole mutated text that compiles."""
    tree = ast.parse(source)
    finder = _Finder()
    finder.visit(tree)
    data = source.encode("utf-8")
    offset = _Offsets(data)
    module = Path(relative).name
    seen: dict[str, int] = {}
    for node, statement, new, qualname in finder.found:
        start = offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        original = data[start:end].decode("utf-8")
        if isinstance(new, str):
            replacement = new
        elif isinstance(node, (ast.Slice, ast.stmt)):
            replacement = ast.unparse(new)
        else:
            replacement = f"({ast.unparse(new)})"
        mutated = (data[:start] + replacement.encode("utf-8") + data[end:]).decode("utf-8")
        try:
            compile(mutated, relative, "exec")
        except SyntaxError:
            continue  # e.g. a constant inside a pattern that must stay a literal
        if ast.dump(ast.parse(mutated)) == ast.dump(tree):
            continue
        label = f"{module} {qualname}: `{_short(original)}` -> `{_short(replacement)}`"
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} #{seen[label]}"
        lines = (statement.lineno, statement.end_lineno or statement.lineno)
        if isinstance(statement, (ast.If, ast.While, ast.For, ast.With, ast.Try)):
            lines = (statement.lineno, _header_end(statement))
        in_lambda = isinstance(statement, ast.Lambda)
        yield Mutant(label, "python", relative, lines, mutated, source, in_lambda=in_lambda)


def _header_end(statement: ast.stmt) -> int:
    """The last line of a compound statement's header (its body has statements of its own)."""
    body = getattr(statement, "body", None)
    return max(statement.lineno, body[0].lineno - 1) if body else statement.lineno


# --- Grammar mutants -----------------------------------------------------------------------


class MutantDidNotApply(Exception):
    """A hand-written grammar edit whose text is not in the grammar exactly once."""


def grammar_mutants() -> Iterator[Mutant]:
    """The hand-written grammar edits, each checked to apply exactly once."""
    for number, (name, old, new, why) in enumerate(GRAMMAR_MUTANTS, 1):
        relative = f"grammars/{name}.lark"
        text = (ROOT / relative).read_text(encoding="utf-8")
        count = text.count(old)
        if count != 1:
            raise MutantDidNotApply(
                f"grammar mutant {number} ({why}): {old!r} occurs {count} times in {relative}"
            )
        mutated = text.replace(old, new)
        assert mutated != text, why
        line = text[: text.index(old)].count("\n") + 1
        yield Mutant(
            f"{name}.lark #{number:02d}: {why}", "grammar", relative, (line, line), mutated, text
        )


# --- Running -------------------------------------------------------------------------------


@dataclass
class Baseline:
    """What the unmutated code's run of the subset found: tests, their durations and lines."""

    tests: list[str]  # node ids, fastest first
    seconds: dict[str, float]
    # file -> line -> the tests that ran it; "" marks lines run at import time.
    covered: dict[str, dict[int, list[str]]] = field(default_factory=dict)

    def tests_for(self, mutant: Mutant) -> list[str] | None:
        """The tests to run for ``mutant``, fastest first: ``[]`` when none runs its lines,
        ``None`` for every test (the grammar, or code run at import)."""
        if mutant.kind == "grammar":
            return None
        lines = self.covered.get(mutant.file, {})
        found: set[str] = set()
        for number in range(mutant.lines[0], mutant.lines[1] + 1):
            found.update(lines.get(number, ()))
        if mutant.in_lambda:  # its lines ran at import only to define it: only calls count
            found.discard("")
        elif "" in found:
            return None
        return [t for t in self.tests if t in found]


class _Select:
    """A pytest plugin: keep the given tests in the given order (all when ``None``), then the
    tests named in ``last``."""

    def __init__(self, order: list[str] | None, last: set[str]) -> None:
        self.order = order
        self.last = last

    def pytest_collection_modifyitems(self, config: Any, items: list[Any]) -> None:
        def name(item: Any) -> str:
            return str(item.originalname or item.name)

        candidates = [i for i in items if name(i) not in LEFT_OUT | GRAMMAR_ONLY]
        if self.order is not None:
            rank = {node: index for index, node in enumerate(self.order)}
            candidates = sorted(
                (i for i in candidates if i.nodeid in rank), key=lambda i: rank[i.nodeid]
            )
        keep = candidates + [i for i in items if name(i) in self.last]
        dropped = [item for item in items if item not in keep]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = keep


class _Record:
    """A pytest plugin for the baseline run: durations, outcomes and lines run per test."""

    def __init__(self, coverage: Any) -> None:
        self.coverage = coverage
        self.seconds: dict[str, float] = {}
        self.failed: list[str] = []

    def pytest_runtest_logreport(self, report: Any) -> None:
        self.seconds[report.nodeid] = self.seconds.get(report.nodeid, 0.0) + report.duration
        if report.failed:
            self.failed.append(report.nodeid)

    def pytest_runtest_setup(self, item: Any) -> None:
        self.coverage.switch_context(item.nodeid)

    def pytest_runtest_teardown(self, item: Any) -> None:
        self.coverage.switch_context("")


def _pytest_args(order: list[str] | None, grammar: bool = False) -> list[str]:
    files = TEST_FILES
    if order is not None:  # only the files holding the chosen tests: fewer imports
        holding = {test.split("::")[0] for test in order}
        files = tuple(f for f in TEST_FILES if f in holding or (grammar and "grammar" in f))
    # Plain asserts: rewriting the test modules in every child costs a second, and a mutant
    # run needs only to know whether a test failed.
    args = [*files, "-q", "-p", "no:cacheprovider", "-o", "addopts=", "-m", "not fuzz"]
    args += ["--no-header", "--assert=plain", "-W", "ignore::DeprecationWarning"]
    return args if order is None else [*args, "-x"]


def _child_setup(tree: Path, cache: Path, log: Path) -> None:
    """In a forked child: its own process group, output to ``log``, the scratch tree first."""
    os.setpgid(0, 0)
    descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    os.environ["NEWSWIKI_CACHE_DIR"] = str(cache)
    os.environ["NEWSWIKI_HYPOTHESIS_PROFILE"] = PROFILE
    # No plugins from other packages (pytest-benchmark and the like): a second per child.
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    sys.path.insert(0, str(tree / "src"))
    # Tests that start a Python of their own must meet the mutant there too.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(tree / "src"), os.environ.get("PYTHONPATH")])
    )
    os.chdir(tree)


def _preload() -> None:
    """Import what every child imports and no mutant changes, once, before the forks."""
    import attrs  # noqa: F401
    import cattrs  # noqa: F401
    import hypothesis.extra.lark
    import hypothesis.strategies  # noqa: F401
    import lark  # noqa: F401
    import pytest  # noqa: F401


def _fingerprint(tree: Path) -> str:
    """A digest of everything the baseline run depends on: code, grammars, tests, this tool.

    Taken from the scratch copy the baseline runs on, not from the working tree: a test
    edited there after the copy must not name a baseline that never ran it."""
    digest = hashlib.sha256()
    digest.update(b"tools/mutate.py\0" + Path(__file__).read_bytes())
    for folder in ("src/newswiki", "grammars", "tests"):
        paths = sorted(p for p in (tree / folder).rglob("*") if "__pycache__" not in p.parts)
        for path in paths:
            if path.is_file():
                digest.update(str(path.relative_to(tree)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def _baseline_cache(tree: Path) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newswiki-mutate" / f"baseline-{_fingerprint(tree)}.json"


def run_baseline(tree: Path, cache: Path, workdir: Path) -> Baseline:
    """Run the subset on the unmutated copy, with coverage per test (in a child process).

    The result is kept in the user's cache directory, under a digest of the code, grammars,
    tests and this tool: a second run on the same code skips the baseline.
    """
    kept = _baseline_cache(tree)
    result = workdir / "baseline.json"
    log = workdir / "baseline.log"
    if kept.exists():
        return _read_baseline(kept)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 3
        try:
            _child_setup(tree, cache, log)
            import coverage
            import pytest

            cov = coverage.Coverage(
                data_file=None, include=[str(tree / "src" / "newswiki" / "*.py")]
            )
            cov.start()
            record = _Record(cov)
            code = pytest.main(_pytest_args(None), plugins=[_Select(None, set()), record])
            cov.stop()
            data = cov.get_data()
            covered: dict[str, dict[int, list[str]]] = {}
            for measured in data.measured_files():
                relative = str(Path(measured).relative_to(tree))
                covered[relative] = {
                    line: sorted(contexts)
                    for line, contexts in data.contexts_by_lineno(measured).items()
                }
            result.write_text(
                json.dumps({"seconds": record.seconds, "failed": record.failed, "covered": covered})
            )
        except BaseException:  # e.g. coverage not installed: say so in the log shown
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(int(code))
    _, status = os.waitpid(pid, 0)
    if not result.exists() or os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"the unmutated code fails its tests:\n{log.read_text()[-3000:]}")
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(result, kept)
    return _read_baseline(kept)


def _read_baseline(path: Path) -> Baseline:
    found = json.loads(path.read_text())
    seconds = found["seconds"]
    tests = sorted(seconds, key=seconds.get)
    covered = {
        file: {int(line): contexts for line, contexts in lines.items()}
        for file, lines in found["covered"].items()
    }
    return Baseline(tests, seconds, covered)


@dataclass
class _Worker:
    tree: Path
    mutant: Mutant | None = None
    pid: int = 0
    started: float = 0.0
    deadline: float = 0.0


def _start(worker: _Worker, mutant: Mutant, tests: list[str] | None, cache: Path, limit: float):
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 3
        try:
            _child_setup(worker.tree, cache, worker.tree / "run.log")
            (worker.tree / mutant.file).write_text(mutant.text, encoding="utf-8")
            import pytest

            last = GRAMMAR_ONLY if mutant.kind == "grammar" else set()
            code = pytest.main(_pytest_args(tests, bool(last)), plugins=[_Select(tests, last)])
        finally:
            os._exit(int(code))
    worker.mutant, worker.pid = mutant, pid
    worker.started = time.monotonic()
    worker.deadline = worker.started + limit


def _finish(worker: _Worker, status: int | None) -> Mutant:
    mutant = worker.mutant
    assert mutant is not None
    mutant.seconds = time.monotonic() - worker.started
    if status is None:
        mutant.status = "timeout"
    else:
        code = os.waitstatus_to_exitcode(status)
        # pytest: 0 all passed, 1 a test failed, 2 interrupted (an import or collection
        # error), 5 nothing collected; a negative code is a signal (a crash).
        mutant.status = {0: "survived", 5: "error"}.get(code, "killed")
    # Put the original back in the scratch copy for the next mutant.
    (worker.tree / mutant.file).write_text(mutant.original, encoding="utf-8")
    worker.mutant = None
    return mutant


def run_mutants(
    mutants: list[Mutant],
    baseline: Baseline,
    trees: list[Path],
    cache: Path,
    report: Callable[[Mutant], None],
) -> None:
    """Run every mutant that some test covers, ``len(trees)`` at a time."""
    queue: list[tuple[Mutant, list[str]]] = []
    for mutant in mutants:
        tests = baseline.tests_for(mutant)
        if tests == []:
            mutant.status = "not covered"
            report(mutant)
            continue
        queue.append((mutant, baseline.tests if tests is None else tests))
    workers = [_Worker(tree) for tree in trees]
    while queue or any(w.mutant for w in workers):
        for worker in workers:
            if worker.mutant is None and queue:
                mutant, chosen = queue.pop(0)
                mutant.tests_run = len(chosen)
                budget = sum(baseline.seconds[t] for t in chosen)
                if mutant.kind == "grammar":
                    budget += GRAMMAR_ONLY_SECONDS
                _start(worker, mutant, chosen, cache, limit=30 + 4 * budget)
        time.sleep(0.02)
        for worker in workers:
            if worker.mutant is None:
                continue
            pid, status = os.waitpid(worker.pid, os.WNOHANG)
            if pid:
                report(_finish(worker, status))
            elif time.monotonic() > worker.deadline:
                os.killpg(worker.pid, signal.SIGKILL)
                os.waitpid(worker.pid, 0)
                report(_finish(worker, None))


# --- Reporting -----------------------------------------------------------------------------

KILLED = ("killed", "timeout")


def summary(mutants: list[Mutant]) -> str:
    """A Markdown table per file: kills, survivors, equivalents and the score."""
    rows = [
        "| file | mutants | killed | equivalent | survived | not covered | score |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    files = sorted({m.file for m in mutants}, key=lambda f: (f.startswith("grammars"), f))
    groups = [(Path(f).name, [m for m in mutants if m.file == f]) for f in files]
    for kind in ("python", "grammar"):
        chosen = [m for m in mutants if m.kind == kind]
        if chosen:
            groups.append((f"**all {kind}**", chosen))
    for name, group in groups:
        killed = sum(m.status in KILLED for m in group)
        equivalent = sum(m.status == "equivalent" for m in group)
        survived = sum(m.status == "survived" for m in group)
        uncovered = sum(m.status == "not covered" for m in group)
        judged = len(group) - equivalent
        score = f"{100 * killed / judged:.1f} %" if judged else "-"
        rows.append(
            f"| {name} | {len(group)} | {killed} | {equivalent} | {survived} | {uncovered}"
            f" | {score} |"
        )
    return "\n".join(rows)


def _sample(mutants: list[Mutant], size: int) -> list[Mutant]:
    """``size`` of the Python mutants (and every grammar mutant), spread over the modules in
    proportion to their mutants, each module's chosen by a digest of the ids: the same
    mutants while their code stays the same."""
    python = [m for m in mutants if m.kind == "python"]
    if size >= len(python):
        return mutants
    chosen: set[str] = set()
    for file in sorted({m.file for m in python}):
        own = [m for m in python if m.file == file]
        share = round(size * len(own) / len(python))
        own.sort(key=lambda m: hashlib.sha256(m.id.encode()).hexdigest())
        chosen.update(m.id for m in own[:share])
    return [m for m in mutants if m.kind == "grammar" or m.id in chosen]


def _write_json(path: Path, mutants: list[Mutant]) -> None:
    results = [
        {
            "id": m.id,
            "file": m.file,
            "line": m.lines[0],
            "status": m.status,
            "tests": m.tests_run,
            "seconds": round(m.seconds, 2),
        }
        for m in mutants
    ]
    # Written beside and renamed over: whoever reads it during a run reads it whole.
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(results, indent=1))
    os.replace(partial, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", nargs="+", choices=MODULES, default=MODULES)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--python", action="store_true", help="Python mutants only")
    only.add_argument("--grammar", action="store_true", help="grammar mutants only")
    parser.add_argument("--match", default="", help="only mutants whose id holds this text")
    parser.add_argument(
        "--sample", type=int, help="this many Python mutants, chosen by a digest of their ids"
    )
    parser.add_argument(
        "--survivors-of",
        type=Path,
        metavar="JSON",
        help="only the mutants that survived in a --json result and are not listed as equivalent",
    )
    parser.add_argument("--jobs", type=int, default=1, help="children at once (default 1)")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--json", type=Path, help="write every mutant's result here")
    args = parser.parse_args(argv)

    mutants: list[Mutant] = []
    if not args.grammar:
        for module in args.modules:
            relative = f"src/newswiki/{module}"
            source = (ROOT / relative).read_text(encoding="utf-8")
            mutants += python_mutants(relative, source)
    if not args.python:
        try:
            mutants += grammar_mutants()
        except MutantDidNotApply as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    mutants = [m for m in mutants if args.match in m.id]
    if args.survivors_of is not None:
        earlier = json.loads(args.survivors_of.read_text())
        alive = {m["id"] for m in earlier if m["status"] == "survived"} - set(EQUIVALENT)
        mutants = [m for m in mutants if m.id in alive]
    if args.sample is not None:
        mutants = _sample(mutants, args.sample)
    stale = set(EQUIVALENT) - {m.id for m in mutants}
    if args.list:
        for mutant in mutants:
            print(f"{mutant.file}:{mutant.lines[0]}: {mutant.id}")
        return 0

    load = os.getloadavg()[0]
    print(f"{len(mutants)} mutants; load average {load:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="newswiki-mutate-") as scratch:
        work = Path(scratch)
        cache = work / "cache"
        cache.mkdir(mode=0o700)
        trees = []
        for index in range(max(1, args.jobs)):
            tree = work / f"tree{index}"
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(ROOT / "src", tree / "src", ignore=ignore)
            shutil.copytree(ROOT / "grammars", tree / "grammars")
            shutil.copytree(ROOT / "tests", tree / "tests", ignore=ignore)
            shutil.copyfile(ROOT / "pyproject.toml", tree / "pyproject.toml")
            trees.append(tree)
        sys.dont_write_bytecode = True  # a mutant of the same size must never meet a stale .pyc
        _preload()
        started = time.monotonic()
        baseline = run_baseline(trees[0], cache, work)
        total = sum(baseline.seconds.values())
        print(f"baseline: {len(baseline.tests)} tests pass in {total:.1f} s; slowest:")
        for test in baseline.tests[-5:]:
            print(f"  {baseline.seconds[test]:6.1f} s {test}")

        done: list[Mutant] = []

        def report(mutant: Mutant) -> None:
            done.append(mutant)
            if mutant.status in ("survived", "not covered") and mutant.id in EQUIVALENT:
                mutant.status = "equivalent"
            if mutant.status not in KILLED:
                print(f"[{len(done)}/{len(mutants)}] {mutant.status}: {mutant.id}", flush=True)
            if args.json:  # after every mutant: a run stopped half way keeps what it found
                _write_json(args.json, done)

        run_mutants(mutants, baseline, trees, cache, report)
        elapsed = time.monotonic() - started
    print()
    print(summary(mutants))
    print()
    print(f"{elapsed:.0f} s in all; load average at the end {os.getloadavg()[0]:.2f}")
    killed_equivalent = [m.id for m in mutants if m.id in EQUIVALENT and m.status in KILLED]
    for name in killed_equivalent:
        print(f"listed as equivalent but killed: {name}")
    whole = args.sample is None and args.survivors_of is None and not args.match
    if whole and args.modules == MODULES and not args.python and not args.grammar:
        for name in sorted(stale):
            print(f"listed as equivalent but no such mutant: {name}")
    if args.json:
        _write_json(args.json, mutants)
    errors = [m for m in mutants if m.status == "error"]
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
