"""Respell a remembered line with new values: keep its layout parts, put the values in.

A remembered line (:attr:`LineLayout.text <newswiki.LineLayout.text>`) is split into its
values and the parts around them: the list number, the padding inside ``[ ... ]``, a
heading's marks and inner spaces, the spaces around an infobox line's ``:``, the spaces around
and between tags, trailing spaces.  The new values go between the kept parts, and the line is
read again: it is used only when it reads back as exactly those values, so a remembered
spelling (parsed or built by hand) can never change what the file says.

The patterns read one line (without its newline) as the grammars' terminals read it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

__all__ = ["canonical_tags", "read_tags", "reads", "respell"]

_PADDING = " \t\r"
# LINK_TARGET of grammars/event.lark: a target without spaces or "](".
_TAIL = r"\]\(([^ \t\n\]]*(?:\]+[^ \t\n\](][^ \t\n\]]*)*\]*)\)"
_EOL = r"([ \t\r]*)\Z"


def read_tags(raw: str) -> tuple[str, ...]:
    """The tags of a ``_Context: ..._`` text: split at ``", "``, padding and empty tags dropped."""
    if len(raw) > _KEPT_CONTEXT:
        return _split_tags(raw)
    return _kept_tags(raw)


def _split_tags(raw: str) -> tuple[str, ...]:
    return tuple(filter(None, [part.strip(_PADDING) for part in raw.split(", ")]))


# The same contexts come back line after line and file after file (an archive's topics): the
# last thousand short ones are split once, which costs a tenth of splitting them again.  Only
# short ones, so that what is kept stays small whatever the files hold.
_KEPT_CONTEXT = 100
_kept_tags = functools.lru_cache(maxsize=1024)(_split_tags)


def canonical_tags(tags: tuple[str, ...]) -> str:
    """The canonical spelling of ``tags``: joined by ``", "``."""
    return ", ".join(tags)


def _pads(raw: str) -> tuple[str, str]:
    """The padding before and after the value in ``raw``.  A blank ``raw`` keeps one padding
    character before the new value and the rest after it: all of it before would join a
    value ending in ``=`` to a title's closing ``=`` (``=  = `` edited to ``=`` is
    ``= = = ``)."""
    value = raw.strip(_PADDING)
    if not value:
        return raw[:1], raw[1:]
    return raw[: len(raw) - len(raw.lstrip(_PADDING))], raw[len(raw.rstrip(_PADDING)) :]


def _padded(raw: str, value: str) -> str:
    before, after = _pads(raw)
    return f"{before}{value}{after}"


def _tags(raw: str | None, tags: tuple[str, ...]) -> str:
    """The `` _Context: ..._`` part for ``tags``, in the spelling of ``raw`` where it fits."""
    if raw is None:
        return f" _Context: {canonical_tags(tags)}_" if tags else ""
    parts = raw.split(", ")
    filled = [i for i, part in enumerate(parts) if part.strip(_PADDING)]
    if not tags:
        return "" if filled else f" _Context: {raw}_"
    if len(filled) == len(tags):
        for index, tag in zip(filled, tags, strict=True):
            parts[index] = _padded(parts[index], tag)
        spelled = ", ".join(parts)
    else:  # another number of tags: keep the spaces at the ends only
        before, _ = _pads(parts[0])
        _, after = _pads(parts[-1])
        spelled = f"{before}{canonical_tags(tags)}{after}"
    if read_tags(spelled) != tags:  # a tag ending in "," before a kept space: ", " again
        spelled = canonical_tags(tags)
    return f" _Context: {spelled}_"


# The groups of a match, and the values of a line (of the types its model fields hold).
Groups = tuple[Any, ...]
Values = tuple[Any, ...]


class _Shape:
    """One kind of line: its pattern, how it reads, and how it takes new values."""

    __slots__ = ("pattern", "read", "write")

    def __init__(
        self,
        pattern: str,
        read: Callable[[Groups], Values],
        write: Callable[[Groups, Values, str | None], str],
    ) -> None:
        self.pattern = re.compile(pattern)
        self.read = read
        self.write = write


def _strip(value: str | None) -> str:
    return (value or "").strip(_PADDING)


def _field(groups: Groups, values: Values, _: str | None) -> str:
    raw_key, raw_value, end = groups
    key, value = values
    if raw_value is not None:
        tail = f": {_padded(raw_value, value)}"
    else:
        tail = f": {value}" if value else ":"
    return f"- {_padded(raw_key, key)}{tail}{end}"


def _related(groups: Groups, values: Values, number: str | None) -> str:
    old_number, raw, _, context, end = groups
    title, path, tags = values
    link = f"{number or old_number}. [{_padded(raw, title)}]({path})"
    return f"{link}{_tags(context, tags)}{end}"


_SHAPES: dict[str, _Shape] = {
    "date": _Shape(
        r"### \[([0-9]{4}-[0-9]{2}-[0-9]{2})\]\(([^ \t\n]*)\)" + _EOL,
        lambda g: (g[0], g[1]),
        lambda g, v, _: f"### [{v[0]}]({v[1]}){g[2]}",
    ),
    "headline": _Shape(
        r"# ([^\n]*)\Z",
        lambda g: (_strip(g[0]),),
        lambda g, v, _: f"# {_padded(g[0], v[0])}",
    ),
    "title": _Shape(
        r"=([^=\n](?:[^\n]*[^=\n])?)=" + _EOL,
        lambda g: (_strip(g[0]),),
        lambda g, v, _: f"={_padded(g[0], v[0])}={g[1]}",
    ),
    "heading": _Shape(
        r"(={2,6})([ \t\r]*)([^ \t\r\n=](?:.*[^ \t\r\n=])?)([ \t\r]*)\1" + _EOL,
        lambda g: (len(g[0]), g[2]),
        lambda g, v, _: f"{'=' * v[0]}{g[1]}{v[1]}{g[3]}{'=' * v[0]}{g[4]}",
    ),
    "source": _Shape(
        r"([0-9]+)\. \[(.*)" + _TAIL + _EOL,
        lambda g: (_strip(g[1]), g[2]),
        lambda g, v, n: f"{n or g[0]}. [{_padded(g[1], v[0])}]({v[1]}){g[3]}",
    ),
    "related": _Shape(
        r"([0-9]+)\. \[(.*)" + _TAIL + r"(?: _Context: (.*)_)?" + _EOL,
        lambda g: (_strip(g[1]), g[2], () if g[3] is None else read_tags(g[3])),
        _related,
    ),
    "field": _Shape(
        r"- (.*?)(?:: (.*)|:)" + _EOL,
        lambda g: (_strip(g[0]), _strip(g[1])),
        _field,
    ),
    "item": _Shape(
        r"([-*]) ([^\n]*)\Z",
        lambda g: (_strip(g[1]),),
        lambda g, v, _: f"{g[0]} {_padded(g[1], v[0])}",
    ),
}


def reads(kind: str, text: str) -> Values | None:
    """The values ``text``, a line of ``kind``, reads as; ``None`` when it is no such line.

    >>> reads("field", "- Key :  value ")
    ('Key', 'value')
    """
    shape = _SHAPES[kind]
    match = shape.pattern.match(text)
    return None if match is None else shape.read(match.groups())


def respell(kind: str, text: str, values: Values, number: str | None = None) -> str | None:
    """``text``, a line of ``kind``, with ``values`` put in its value parts; ``None`` when
    ``text`` is not such a line or the result would not read back as ``values``.

    ``number`` replaces a list line's number; ``None`` keeps it.

    >>> respell("related", "3. [ Old ](/a.md) _Context:  A,  B _ ", ("New", "/a.md", ("a", "b")))
    '3. [ New ](/a.md) _Context:  a,  b _ '
    """
    shape = _SHAPES[kind]
    match = shape.pattern.match(text)
    if match is None:
        return None
    line = shape.write(match.groups(), values, number)
    again = shape.pattern.match(line)
    if again is None or shape.read(again.groups()) != values:
        return None
    return line
