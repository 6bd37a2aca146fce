"""Lenient parsing: what cannot be placed is kept as :class:`~newswiki.Unparsed` lines.

Lark's LALR parser calls back on each error; the callback sets the offending line (with the
blank lines before it) aside and lets the parser resume after it, so recovery costs one pass.
The writer puts the lines back where they were, so ``dumps`` still gives the input back.
When nothing sensible remains (no date line, no headline, a 30 February), the whole text
becomes an :class:`~newswiki.UnparsedDocument`.
"""

from __future__ import annotations

from typing import Any

import attrs
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from newswiki.build import BuildError
from newswiki.errors import ParseError
from newswiki.model import Diagnostic, Document, Unparsed, UnparsedDocument
from newswiki.parse import (
    _BLANK_LINES,
    LineIndex,
    _detect,
    _parse,
    _parser,
    _prepare,
    _with_document,
    translate,
    unknown_format,
)

__all__ = ["parse_lenient"]


def _diagnostic(error: ParseError) -> Diagnostic:
    return Diagnostic(error.line, error.column, error.message)


def parse_lenient(source: str, kind: str | None) -> Document:
    """Read ``source`` (as ``kind``, or detected) without raising for any text."""
    text, document = _prepare(source)
    kind = kind or _detect(text)
    if kind is None:
        return UnparsedDocument(source, [_diagnostic(unknown_format(text))])
    try:
        return _parse(kind, source, (text, document))  # type: ignore[no-any-return]
    except ParseError:
        pass

    set_aside: list[Unparsed] = []
    index = LineIndex(text)

    def skip(error: UnexpectedInput) -> bool:
        if isinstance(error, UnexpectedToken) and error.token.type == "$END":
            return False
        if not isinstance(error, (UnexpectedToken, UnexpectedCharacters)):  # pragma: no cover
            return False  # LALR reports only the two kinds above
        state = error.interactive_parser.lexer_thread.state
        assert state is not None  # the parser was running
        # Set aside only the first non-blank line (and the blank lines before it): the lexer
        # may have read more lines into the unexpected token, and those may be fine.
        start = (
            error.token.start_pos if isinstance(error, UnexpectedToken) else state.line_ctr.char_pos
        )
        bad_line = _BLANK_LINES.match(text, start).end()  # type: ignore[union-attr]
        end = text.find("\n", bad_line) + 1 or len(text)
        line = index.line_of(start)
        counter = state.line_ctr
        counter.char_pos = counter.line_start_pos = end
        counter.line = index.line_of(end)
        counter.column = 1
        diagnostic = _diagnostic(translate(error, text, index))
        set_aside.append(Unparsed(line, text[start : end - 1], diagnostic))
        return True

    try:
        obj: Any = _parser(kind).parse(text, on_error=skip)
    except (UnexpectedInput, BuildError) as error:
        diagnostics = [u.diagnostic for u in set_aside if u.diagnostic is not None]
        diagnostics.append(_diagnostic(translate(error, text, index)))
        return UnparsedDocument(source, diagnostics)
    return _with_document(attrs.evolve(obj, unparsed=tuple(set_aside)), document)  # type: ignore[no-any-return]
