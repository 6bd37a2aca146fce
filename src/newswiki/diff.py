"""Unified diffs in time linear in practice, for ``newswiki fmt --diff``.

:mod:`difflib` compares every line with every other in the worst case: a 2 MB file took a
minute.  Formatting changes few lines and keeps their order, so this diff matches lines the
way "patience diff" does: the common head and tail first, then the lines that occur once on
each side as anchors (the longest run of them in the same order on both sides), then the same
again between the anchors.  :mod:`difflib` only ever sees the small gaps left between anchors,
and a large gap with no anchor is shown as replaced whole.  The hunks are those of
:func:`difflib.unified_diff` (three lines of context, the same headers).

>>> print(unified_diff("a\\nb\\nc\\n", "a\\nB\\nc\\n", "x.md"), end="")
--- x.md
+++ x.md
@@ -1,3 +1,3 @@
 a
-b
+B
 c
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Sequence

__all__ = ["lines", "matching_blocks", "unified_diff"]

# Gaps up to this many lines (both sides together) go to difflib, quadratic but small there.
_SMALL_GAP = 400
# Anchors are looked for again inside the gaps between anchors, this many levels deep.
_DEPTH = 4

Block = tuple[int, int, int]
Block4 = tuple[int, int, int, int]


def lines(text: str) -> list[str]:
    """The lines of ``text`` with their ends, split on ``"\\n"`` only (not on the other breaks
    :meth:`str.splitlines` knows, which real text holds inside its lines)."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _unique_pairs(a: Sequence[str], b: Sequence[str], ranges: Block4) -> list[tuple[int, int]]:
    """``(i, j)`` for the lines that occur exactly once in ``a[alo:ahi]`` and in
    ``b[blo:bhi]``, ordered by ``i``."""
    alo, ahi, blo, bhi = ranges
    seen: dict[str, int] = {}
    for i in range(alo, ahi):
        seen[a[i]] = -1 if a[i] in seen else i
    where: dict[str, int] = {}
    for j in range(blo, bhi):
        line = b[j]
        if seen.get(line, -1) >= 0:
            where[line] = -1 if line in where else j
    pairs = [(seen[line], j) for line, j in where.items() if j >= 0]
    pairs.sort()
    return pairs


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (ordered by ``i``) whose ``j`` increase too
    (patience sorting, n log n)."""
    tails: list[int] = []  # the smallest j ending a run of each length
    ends: list[int] = []  # the index in pairs of that j
    before = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        length = bisect.bisect_left(tails, j)
        if length == len(tails):
            tails.append(j)
            ends.append(index)
        else:
            tails[length] = j
            ends[length] = index
        before[index] = ends[length - 1] if length else -1
    run = []
    index = ends[-1] if ends else -1
    while index >= 0:
        run.append(pairs[index])
        index = before[index]
    run.reverse()
    return run


def matching_blocks(a: Sequence[str], b: Sequence[str]) -> list[Block]:
    """Blocks ``(i, j, n)`` with ``a[i:i+n] == b[j:j+n]``, increasing in ``i`` and ``j``,
    ending with ``(len(a), len(b), 0)``, as :meth:`difflib.SequenceMatcher.get_matching_blocks`
    gives them."""
    found: list[Block] = []
    work: list[tuple[Block4, int]] = [((0, len(a), 0, len(b)), 0)]
    while work:
        (alo, ahi, blo, bhi), depth = work.pop()
        head = 0
        while alo + head < ahi and blo + head < bhi and a[alo + head] == b[blo + head]:
            head += 1
        if head:
            found.append((alo, blo, head))
            alo, blo = alo + head, blo + head
        tail = 0
        while alo < ahi - tail and blo < bhi - tail and a[ahi - tail - 1] == b[bhi - tail - 1]:
            tail += 1
        if tail:
            found.append((ahi - tail, bhi - tail, tail))
            ahi, bhi = ahi - tail, bhi - tail
        if alo == ahi or blo == bhi:
            continue
        anchors = _longest_increasing(_unique_pairs(a, b, (alo, ahi, blo, bhi)))
        if anchors and depth < _DEPTH:
            starts = [(alo, blo)] + [(i + 1, j + 1) for i, j in anchors]
            stops = [*anchors, (ahi, bhi)]
            found.extend((i, j, 1) for i, j in anchors)
            for (i0, j0), (i1, j1) in zip(starts, stops, strict=True):
                work.append(((i0, i1, j0, j1), depth + 1))
        elif (ahi - alo) + (bhi - blo) <= _SMALL_GAP:
            matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            found.extend((alo + i, blo + j, n) for i, j, n in matcher.get_matching_blocks() if n)
    return _merged(sorted(found), len(a), len(b))


def _merged(blocks: list[Block], size_a: int, size_b: int) -> list[Block]:
    """Adjacent blocks joined into one, and the closing ``(len(a), len(b), 0)``."""
    merged: list[Block] = []
    for i, j, n in blocks:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + n)
        else:
            merged.append((i, j, n))
    merged.append((size_a, size_b, 0))
    return merged


class _Matched(difflib.SequenceMatcher):  # type: ignore[type-arg]
    """A :class:`difflib.SequenceMatcher` that takes its matching blocks as given, for its
    grouping of changes into hunks."""

    def __init__(self, a: list[str], b: list[str]) -> None:
        super().__init__(None, a, b, autojunk=False)
        self._blocks = [difflib.Match(i, j, n) for i, j, n in matching_blocks(a, b)]

    def get_matching_blocks(self) -> list[difflib.Match]:
        return self._blocks

    def set_seq2(self, b: Sequence[str]) -> None:
        # The base class indexes every line of b for its own search, which is not used here.
        self.b = b
        self.matching_blocks = self.opcodes = None


def _range(start: int, length: int) -> str:
    """A hunk header's range, as :func:`difflib.unified_diff` writes it."""
    first = start + 1 if length else start
    return str(first) if length == 1 else f"{first},{length}"


def _line(prefix: str, line: str) -> str:
    if line.endswith("\n"):
        return prefix + line
    return prefix + line + "\n\\ No newline at end of file\n"


def unified_diff(old: str, new: str, name: str, context: int = 3) -> str:
    """The unified diff from ``old`` to ``new``, both headed ``name``; ``""`` when equal.

    A last line without a line end is marked ``\\ No newline at end of file``, as
    ``diff -u`` does, so the diff applies with ``patch``.
    """
    a, b = lines(old), lines(new)
    out: list[str] = []
    for group in _Matched(a, b).get_grouped_opcodes(context):
        if not out:
            out.append(f"--- {name}\n+++ {name}\n")
        first, last = group[0], group[-1]
        old_range = _range(first[1], last[2] - first[1])
        new_range = _range(first[3], last[4] - first[3])
        out.append(f"@@ -{old_range} +{new_range} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(_line(" ", line) for line in a[i1:i2])
                continue
            out.extend(_line("-", line) for line in a[i1:i2])
            out.extend(_line("+", line) for line in b[j1:j2])
    return "".join(out)
