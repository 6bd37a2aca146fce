"""Lenient parsing: what cannot be placed is kept as :class:`~newswiki.Unparsed` lines.

Lark's LALR parser calls back on each error; the callback sets the offending line (with the
blank lines before it) aside and lets the parser resume after it.  Each failure costs time
for the failing line only (the lexer does not look past it: see :mod:`newswiki.reader`), so
recovery costs one pass whatever the number and place of bad lines.  The writer puts the lines
back where they were, so ``dumps`` still gives the input back.  When nothing sensible remains
(no date line, no headline, a 30 February, a lone surrogate), the whole text becomes an
:class:`~newswiki.UnparsedDocument`.
"""

from __future__ import annotations

from typing import Any

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from newswiki.build import BuildError, replaced
from newswiki.errors import ParseError
from newswiki.model import Diagnostic, Document, Unparsed, UnparsedDocument
from newswiki.reader import (
    BLANK_LINES,
    LineIndex,
    detect,
    parse_prepared,
    parser,
    prepare,
    translate,
    unencodable,
    unknown_format,
    with_document,
)

__all__ = ["parse_lenient"]


def _diagnostic(error: ParseError) -> Diagnostic:
    return Diagnostic(error.line, error.column, error.message)


def parse_lenient(source: str, kind: str | None) -> Document:
    """Read ``source`` (as ``kind``, or detected) without raising for any text."""
    text, document = prepare(source)
    kind = kind or detect(text)
    if kind is None:
        return UnparsedDocument(source, [_diagnostic(unknown_format(text))])
    refused = unencodable(text)
    if refused is not None:
        return UnparsedDocument(source, [_diagnostic(refused)])
    try:
        return parse_prepared(kind, text, document)  # type: ignore[no-any-return]
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
        bad_line = BLANK_LINES.match(text, start).end()  # type: ignore[union-attr]
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
        obj: Any = parser(kind).parse(text, on_error=skip)
    except (UnexpectedInput, BuildError) as error:
        diagnostics = [u.diagnostic for u in set_aside if u.diagnostic is not None]
        diagnostics.append(_diagnostic(translate(error, text, index)))
        return UnparsedDocument(source, diagnostics)
    return with_document(replaced(obj, unparsed=tuple(set_aside)), document)  # type: ignore[no-any-return]
