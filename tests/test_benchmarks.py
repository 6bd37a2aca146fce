"""Smoke runs of the benchmark scripts, so they never rot (no timing is asserted).

Each script runs with ``--quick`` in a fresh interpreter, as CI and users run it, and must
print every row of its report.  The corpus generator must make valid documents: each one
parses and is written back byte for byte.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import newswiki

# Each runs a script in a fresh interpreter: seconds apiece, so in the slow run (CI has it).
pytestmark = pytest.mark.slow

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location("newswiki_bench_corpus", BENCHMARKS / "corpus.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = _corpus()


def _run(script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--quick", *args],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _rows(output: str) -> dict[str, list[str]]:
    """The table rows of a report, by their first cell."""
    rows = {}
    for line in output.splitlines():
        if line.startswith("| ") and not line.startswith("|-"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


def test_corpus_is_valid_and_round_trips() -> None:
    events, articles = corpus.mixed_corpus(30, 15, seed=3)
    for text in events + articles:
        obj = newswiki.loads(text)
        assert newswiki.dumps(obj) == text
    assert all(isinstance(newswiki.loads(text), newswiki.Event) for text in events)
    assert all(isinstance(newswiki.loads(text), newswiki.Article) for text in articles)
    related = [len(newswiki.loads(text).related) for text in events]
    assert min(related) >= 5
    assert max(related) <= 15
    sections = [len(newswiki.loads(text).sections) for text in articles]
    assert min(sections) >= 5
    assert max(sections) <= 20


@pytest.mark.parametrize("kind", list(corpus.LADDER_KINDS))
def test_ladder_documents_are_valid_and_round_trip(kind: str) -> None:
    generator = corpus.Generator(seed=5)
    text = corpus.LADDER_KINDS[kind](generator, 20_000)
    assert corpus.utf8_size(text) >= 20_000
    strict = kind not in corpus.LENIENT_KINDS
    obj = newswiki.loads(text, strict=strict)
    assert newswiki.dumps(obj) == text
    if strict:
        assert not obj.unparsed
    else:
        assert obj.unparsed
        assert isinstance(obj, newswiki.Article)
        with pytest.raises(newswiki.ParseError):
            newswiki.loads(text)


def test_event_with_related_items() -> None:
    text = corpus.Generator(seed=1).event_with_related(300)
    event = newswiki.loads(text)
    assert len(event.related) == 300
    assert newswiki.dumps(event) == text


def _has_rows(output: str, names: list[str]) -> dict[str, list[str]]:
    """The rows of ``output``, after checking that every one of ``names`` is there."""
    rows = _rows(output)
    missing = [name for name in names if name not in rows]
    assert not missing, f"missing rows {missing} in:\n{output}"
    return rows


def test_bench_speed_quick() -> None:
    output = _run("bench_speed.py")
    loads = ["newswiki loads, events", "newswiki loads, articles"]
    dumps = ["newswiki dumps, events", "newswiki dumps, articles"]
    ladder = [f"loads, {kind}" for kind in corpus.LADDER_KINDS] + ["dumps, article"]
    ladder.append(f"baseline: one copy of the text ({corpus.BASELINE_LADDER})")
    ladder.append(f"comparison: {corpus.COLLECTOR_LADDER}, garbage collector off")
    ladder.append(f"baseline: json.loads, the same sections as JSON ({corpus.COLLECTOR_LADDER})")
    ratios = ["newswiki dumps, events / newswiki loads, events"]
    rows = _has_rows(output, loads + dumps + ladder + ratios)
    assert all(float(rows[name][0]) > 0 for name in loads + dumps)  # MB/s
    peers = {
        "markdown-it-py parse, events": "markdown_it",
        "mwparserfromhell parse, articles": "mwparserfromhell",
    }
    for name, module in peers.items():
        assert (name in rows) == (importlib.util.find_spec(module) is not None), output
    assert "100 KB / 10 KB (< 1.5)" in output
    assert "1,000 items" in output
    # The corpus table, then the same contenders on the real samples.
    assert "## The real samples" in output
    assert len(re.findall(r"^\| newswiki loads, articles +\|", output, re.MULTILINE)) == 2, output
    # Every reading target on files of real size, each with its ratio and target.
    reading = [
        "the article sample (3.1 KB)",
        "articles of the samples' size (2-5 KB)",
        "short articles (1.9 KB, 8 headings)",
        "the corpus's articles (21 KB)",
        "the event sample (4.3 KB)",
        "the corpus's events (5.1 KB)",
        "a one-line article",
    ]
    if all(importlib.util.find_spec(module) for module in peers.values()):
        rows = _has_rows(output, reading)
        assert all(rows[name][2].endswith("x") for name in reading), output
        assert all(rows[name][3].startswith(">= ") for name in reading), output


def test_bench_footprint_quick() -> None:
    output = _run("bench_footprint.py")
    starts = ["import lark", "import newswiki", "import newswiki; loads(event sample)"]
    memory = ["loads, article", "loads, event (related items)", "loads, broken lines (lenient)"]
    first = ["same, event, no parser cache", "same, event, no parser cache, no interegular"]
    rows = _has_rows(output, [*starts, "import newswiki; loads(article sample)", *first, *memory])
    assert all(rows[name][-2].endswith("x") for name in memory)  # peak / input


def test_profile_hotspots_quick() -> None:
    output = _run("profile_hotspots.py")
    _has_rows(output, ["newswiki.loads", "Lark contextual lexer alone"])
    assert output.count("## cProfile, dumps") == 2, output


def test_bench_why_quick() -> None:
    output = _run("bench_why.py")
    readers = ["newswiki", "hand-written regex"]
    assert len(re.findall(r"^\| newswiki +\|", output, re.MULTILINE)) == 2, output
    assert "| broken copy " in output
    rows = _has_rows(output, [*readers, "markdown-it-py", "mwparserfromhell"])
    # newswiki's row is measured like the others, not written in: it must notice every broken
    # copy, on its line, and write the sample back exactly.
    assert rows["newswiki"][1] == rows["newswiki"][2], output
    assert rows["newswiki"][3].startswith("line "), output  # where a value was read
    assert rows["newswiki"][5] == "exact", output


def _chart(path: Path) -> str:
    """The text of an SVG chart a benchmark drew, checked for what every chart holds."""
    svg = path.read_text(encoding="utf-8")
    assert svg.startswith("<?xml")
    assert "</svg>" in svg
    assert newswiki.__version__ in svg  # the caption says what was measured
    return svg


def test_bench_speed_draws_its_charts(tmp_path: Path) -> None:
    output = _run("bench_speed.py", "--charts", str(tmp_path))
    assert "Charts written" in output
    assert "markdown-it-py" in _chart(tmp_path / "throughput.svg")
    _chart(tmp_path / "ladder.svg")


def test_bench_parallel_quick(tmp_path: Path) -> None:
    output = _run("bench_parallel.py", "--charts", str(tmp_path))
    names = ["check", "convert --to parquet", "convert --to jsonl"]
    names += ["Corpus.map (a number per file)", "map_batches (packed counters)"]
    names.append("Corpus iteration (documents)")
    rows = _has_rows(output, names)
    assert all(rows[name][2].endswith("x") for name in names)  # the speed-up of -j 2
    assert "load average at the end" in output
    svg = _chart(tmp_path / "parallel.svg")
    # Every row's bar is labelled with the speed-up the table printed, targets where set.
    for name in names:
        assert f"{rows[name][2][:-1]}×" in svg, name
    assert svg.count("(target 1.7×)") == 2


@pytest.mark.slow
def test_bench_index_quick() -> None:
    output = _run("bench_index.py")
    rows = _has_rows(output, ["100", "200", "400"])
    assert all(float(rows[name][2]) > 0 for name in rows if name.isdigit())  # the ratio
    assert "bytes without topics" in output
    assert "topic links in" in output


def test_bench_write_quick(tmp_path: Path) -> None:
    output = _run("bench_write.py", "--charts", str(tmp_path))
    names = ["fmt: plain loop", "newswiki fmt -j 1", "bulk edit: plain loop"]
    names += ["bulk edit, WriteBatch (durable)", "bulk edit, WriteBatch (durability none)"]
    names.append("bulk edit, dump(document, path) per file")
    rows = _has_rows(output, names)
    assert all(rows[name][2].endswith("x") for name in names)  # the time over the plain loop
    assert all(rows[name][3].endswith("x") for name in names)  # the CPU time over it
    assert rows["fmt: plain loop"][2] == "1.00x"
    assert "load average at the end" in output
    svg = _chart(tmp_path / "write.svg")
    for name in names[1:2] + names[3:]:  # the safe ways, not the plain loops
        assert f"{rows[name][2][:-1]}×" in svg, name
    assert svg.count("(target 1.3×)") == 2


def test_bench_write_calls_quick() -> None:
    output = _run("bench_write_calls.py")
    rows = _has_rows(output, ["open the file (emptied)", "create the temporary file", "rename"])
    assert float(rows["open the file (emptied)"][0]) > 0  # the plain way's column
    assert rows["open the file (emptied)"][1:] == ["", "", ""]
    assert rows["rename"][0] == ""
    assert all(float(cell) > 0 for cell in rows["rename"][1:])  # every safe way renames
    assert rows["syncfs (the data)"][:2] == ["", ""]  # not plain, not durability none
    assert rows["close the old file (frees it)"][:3] == ["", "", ""]
    assert all(float(cell) > 0 for cell in rows["total"])


def test_bench_diff_quick() -> None:
    output = _run("bench_diff.py")
    rows = _has_rows(output, ["0.025 MB", "0.05 MB", "0.1 MB"])
    assert rows["0.05 MB"][1].endswith("x")  # the time over the time of half the size


def test_bench_recovery_quick() -> None:
    # Every kind of breakage, each value of its files read back or on a broken line.
    output = _run("bench_recovery.py")
    rows = _has_rows(output, ["a date that is no day", "#Headline", "a truncated file", "all"])
    assert len(rows) == 14, output  # the header, twelve kinds and "all"
    for name, cells in rows.items():
        if name != "breakage":
            files, values, recovered, on_broken_lines, elsewhere = cells
            assert int(files) == (48 if name == "all" else 4), output
            assert elsewhere == "0", output
            total = int(values.replace(",", ""))
            lost = int(on_broken_lines.replace(",", ""))
            assert int(recovered.replace(",", "")) + lost == total, output
    # The almost-right lines lose nothing: their values are read as what they almost spell.
    for name in ("a date without its zeros", "#Headline", "a title written as a heading"):
        assert rows[name][3] == "0", output
    assert "written back byte for byte: 48 of 48" in output


def test_bench_adversarial_lenient_rows_quick() -> None:
    output = _run("bench_adversarial.py", "--match", "lenient", "--cpu")
    assert "median CPU time" in output
    rows = _has_rows(output, ["lenient: every line bad (source section)"])
    assert all(name.startswith("lenient: ") for name in rows if name != "shape"), output
    # Every lenient shape is read and written: two tables of five rows.
    assert len(re.findall(r"^\| lenient: ", output, re.MULTILINE)) == 10, output


def test_bench_ab_quick() -> None:
    # The old side is this very tree, given as a directory: no git needed (CI tests an
    # archive of the tree); the CI smoke run takes the default, a git revision.
    output = _run("bench_ab.py", "--base", str(BENCHMARKS.parent))
    groups = ["events (20)", "articles (8)", "seed-size articles (8)", "short articles (8)"]
    groups += ["event sample (10)", "article sample (10)"]
    rows = _has_rows(output, groups)
    for name in groups:
        times, ratios = rows[name][:4], rows[name][4:]
        assert all(float(cell) > 0 for cell in times), output
        assert all(0 < float(ratio) < 100 for ratio in ratios), output
    assert "load average" in output


def test_bench_ab_counts_instructions_exactly_or_says_what_it_needs() -> None:
    # The same tree on both sides: counted instructions repeat to the instruction, so every
    # ratio is exactly 1.  Without valgrind (CI), the script says what to install.
    command = [sys.executable, str(BENCHMARKS / "bench_ab.py"), "--quick", "--instructions"]
    command += ["--base", str(BENCHMARKS.parent)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    if shutil.which("valgrind") is None:
        assert result.returncode != 0
        assert "--instructions needs valgrind" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    groups = ["events (20)", "articles (8)", "seed-size articles (8)", "short articles (8)"]
    groups += ["event sample (10)", "article sample (10)"]
    rows = _has_rows(result.stdout, groups)
    for name in groups:
        counts, ratios = rows[name][:4], rows[name][4:]
        assert all(float(cell) > 0.1 for cell in counts), result.stdout
        assert ratios == ["1.000", "1.000"], result.stdout
    assert "millions of instructions" in result.stdout
