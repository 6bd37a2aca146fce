"""``newswiki fmt --diff`` on growing files: the time of each doubling, against difflib.

The file is an event with N related links, every other one with a stray space before ``](``
(as the real archive writes many), so that formatting changes every other line: the case that
makes :func:`difflib.unified_diff` quadratic (each of its searches finds one line).  For each
size the report gives the seconds of :func:`newswiki.diff.unified_diff` and, up to
``--difflib-up-to`` MB, of difflib, and the ratio of each time to the time of half the size:
about 2 is linear, about 4 quadratic.  It asserts nothing about time.  Run from the
repository root::

    python benchmarks/bench_diff.py            # 0.25 MB to 4 MB
    python benchmarks/bench_diff.py --quick    # small sizes (CI smoke run)
"""

from __future__ import annotations

import argparse
import difflib
import functools

import harness

import newswiki
from newswiki.diff import lines, unified_diff

__all__ = ["main"]


def event_text(size: int) -> str:
    """An event of about ``size`` bytes, every other related link with a stray space."""
    head = "### [2016-06-05](/news/2016/06/5/index.md)\n\n# Headline\n\nBody.\n\n\n### Related:\n\n"
    items = []
    total = len(head)
    number = 1
    while total < size:
        space = " " if number % 2 else ""  # every other line changes: difflib's worst case
        item = f"{number}. [Link number {number}{space}](/news/2016/06/7/x{number % 97}.md)\n"
        items.append(item)
        total += len(item)
        number += 1
    return head + "".join(items)


def _newswiki(old: str, new: str) -> str:
    return unified_diff(old, new, "x.md")


def _difflib(old: str, new: str) -> str:
    return "".join(difflib.unified_diff(lines(old), lines(new), "x.md", "x.md"))


def main(argv: list[str] | None = None) -> None:
    """The command line: the largest size, and how far difflib is timed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--up-to", type=float, default=4.0, help="largest file, in MB")
    parser.add_argument("--difflib-up-to", type=float, default=1.0, help="difflib's largest, MB")
    args = harness.command_line(parser, argv, {"up_to": 0.1, "difflib_up_to": 0.05})
    print(f"fmt --diff of events with every related line changed; {harness.machine()}")
    print(harness.subject())
    print()
    rows = []
    previous: dict[str, float] = {}
    size = 0.25 if not args.quick else 0.025
    while size <= args.up_to + 1e-9:
        old = event_text(int(size * harness.MB))
        new = newswiki.dumps(newswiki.canonical(newswiki.loads(old)))
        row = [f"{size:g} MB"]
        contenders = {"newswiki": _newswiki, "difflib": _difflib}
        for name, diff in contenders.items():
            if name == "difflib" and size > args.difflib_up_to + 1e-9:
                row += ["", ""]
                continue
            seconds = harness.timed(functools.partial(diff, old, new))
            growth = f"{seconds / previous[name]:.1f}x" if name in previous else ""
            previous[name] = seconds
            row += [f"{seconds:.3f}", growth]
        rows.append(row)
        size *= 2
    header = ["size", "newswiki s", "vs half", "difflib s", "vs half"]
    harness.print_table(header, rows)
    print()
    print("vs half: the time over the time of half the size (2x linear, 4x quadratic).")


if __name__ == "__main__":
    main()
