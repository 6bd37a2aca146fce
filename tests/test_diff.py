"""newswiki.diff: unified diffs that apply, match difflib's format, and stay linear."""

from __future__ import annotations

import difflib
import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from newswiki.diff import lines, matching_blocks, unified_diff

# Few distinct lines, so that lines repeat and anchors are scarce: the hard cases.
TEXTS = st.lists(
    st.sampled_from(["a\n", "b\n", "c\n", "\n", "a b\n", " \n", "x"]), max_size=40
).map("".join)
_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n")


def patch(old: str, diff: str) -> str:
    """Apply a unified diff to ``old``, as ``patch`` would (an independent reader of hunks)."""
    source = lines(old)
    parts = lines(diff)[2:]  # the --- and +++ headers
    out: list[str] = []
    taken = 0
    index = 0
    while index < len(parts):
        hunk = _HUNK.fullmatch(parts[index])
        assert hunk is not None, parts[index]
        index += 1
        start = int(hunk[1]) - (1 if hunk[2] != "0" else 0)
        out.extend(source[taken:start])
        taken = start
        while index < len(parts) and not parts[index].startswith("@@"):
            line = parts[index]
            index += 1
            if index < len(parts) and parts[index] == "\\ No newline at end of file\n":
                line = line[:-1]
                index += 1
            if line[0] in " -":
                assert source[taken] == line[1:]
                taken += 1
            if line[0] in " +":
                out.append(line[1:])
    return "".join(out + source[taken:])


@given(TEXTS, TEXTS)
def test_a_diff_applies_and_its_blocks_match(old: str, new: str) -> None:
    diff = unified_diff(old, new, "x.md")
    assert patch(old, diff) == new
    assert (diff == "") == (old == new)
    a, b = lines(old), lines(new)
    blocks = matching_blocks(a, b)
    assert blocks[-1] == (len(a), len(b), 0)
    for (i, j, n), (i2, j2, _) in itertools.pairwise(blocks):
        assert a[i : i + n] == b[j : j + n]
        assert i + n <= i2
        assert j + n <= j2


@given(TEXTS, TEXTS)
def test_the_format_is_difflibs(old: str, new: str) -> None:
    # Where the matching is the same, every line of the output is the same as difflib's.
    ours = unified_diff(old, new, "x.md")
    reference = "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
        for line in difflib.unified_diff(lines(old), lines(new), "x.md", "x.md")
    )
    if matching_blocks(lines(old), lines(new)) == [
        tuple(block)
        for block in difflib.SequenceMatcher(None, lines(old), lines(new)).get_matching_blocks()
    ]:
        assert ours == reference


def test_alternating_changes_are_exact() -> None:
    # Every other line changed: difflib's quadratic case, here one pass.
    old = "".join(f"{n}. [Link {n}{' ' * (n % 2)}](/x{n}.md)\n" for n in range(1, 2001))
    new = old.replace(" ](", "](")
    diff = unified_diff(old, new, "x.md")
    assert patch(old, diff) == new
    assert diff == "".join(difflib.unified_diff(lines(old), lines(new), "x.md", "x.md"))
