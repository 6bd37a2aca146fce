"""Lenient parsing: what cannot be placed is kept as :class:`~newswiki.Unparsed` lines.

Lark's lexer is swapped, for one parse, for one that sets aside the lines which no terminal of
the parser's state can start (with the blank lines before them), and goes on with the next
line.  The parser never sees a bad line, so a bad line costs what reading it costs, not an
exception unwound through the parser and a parse resumed; and a run of bad lines, with
nothing read between them, is one block with one diagnostic (its first line's), as a compiler
reports one error, not the cascade after it.  The writer puts the lines back where they were,
so ``dumps`` still gives the input back.  When nothing sensible remains (no date line, no
headline, a 30 February, a lone surrogate), the whole text becomes an
:class:`~newswiki.UnparsedDocument`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from lark.exceptions import UnexpectedCharacters, UnexpectedToken
from lark.lexer import AbstractBasicLexer, ContextualLexer, LexerState, Token

from newswiki.build import BuildError, _unchecked, replaced
from newswiki.errors import ParseError
from newswiki.model import Diagnostic, Document, Unparsed, UnparsedDocument
from newswiki.reader import (
    BLANK_LINES,
    detect,
    expected_at,
    found_at,
    parser,
    prepare,
    translate,
    unencodable,
    unknown_format,
    with_document,
)

if TYPE_CHECKING:
    from lark.parsers.lalr_parser_state import ParserState

__all__ = ["parse_lenient"]

# The parser's own blocks and diagnostics hold what the grammar read: nothing to check again.
_Unparsed = _unchecked(Unparsed)
_Diagnostic = _unchecked(Diagnostic)


def _diagnostic(error: ParseError) -> Diagnostic:
    return _Diagnostic(error.line, error.column, error.expected, error.found)


def _after_line(text: str, offset: int) -> int:
    """Where the line holding ``offset`` of the prepared ``text`` ends, its newline included."""
    return text.find("\n", offset) + 1 or len(text)


class _Recovery:
    """The lexer of one lenient parse: Lark's contextual lexer, except that it sets aside the
    lines no terminal of the parser's state can start, instead of raising."""

    def __init__(self, text: str, lexer: ContextualLexer) -> None:
        self.text = text
        self.lexers = lexer.lexers
        #: The blocks set aside so far, in line order.
        self.blocks: list[Unparsed] = []

    def lex(self, lexer_state: LexerState, parser_state: ParserState[Any]) -> Iterator[Token]:
        """Lark's contextual lexer's loop, with :meth:`set_aside` where it would raise."""
        lexers = self.lexers
        while True:
            lexer = lexers[parser_state.position]
            try:
                token = lexer.next_token(lexer_state, parser_state)
            except EOFError:
                return
            except UnexpectedCharacters as error:
                self.set_aside(lexer, lexer_state, error.allowed)
                continue
            yield token

    def set_aside(
        self, lexer: AbstractBasicLexer, lexer_state: LexerState, expected: set[str]
    ) -> None:
        """Set aside the line ``lexer`` cannot start, with the blank lines before it and the
        run of bad lines after it, and move on to the next line it can start."""
        text = self.text
        counter = lexer_state.line_ctr
        start, line = counter.char_pos, counter.line  # every token ends a line: a line start
        bad = BLANK_LINES.match(text, start).end()  # type: ignore[union-attr]
        end = _after_line(text, bad)
        # The next lines that no terminal can start either: the parser, in the same state,
        # would fail on each the same way, so they are the same problem, told once.
        starts = lexer.match  # type: ignore[attr-defined]
        while end < len(text) and starts(lexer_state.text, end) is None:
            end = _after_line(text, BLANK_LINES.match(text, end).end())  # type: ignore[union-attr]
        bad_line = line + text.count("\n", start, bad) if bad > start else line
        diagnostic = _Diagnostic(bad_line, 1, expected_at(expected, text, bad), found_at(text, bad))
        self.blocks.append(_Unparsed(line, text[start : end - 1], diagnostic))
        counter.line = line + text.count("\n", start, end)
        counter.char_pos = counter.line_start_pos = end
        counter.column = 1


def parse_lenient(source: str, kind: str | None) -> Document:
    """Read ``source`` (as ``kind``, or detected) without raising for any text."""
    text, document = prepare(source)
    kind = kind or detect(text)
    if kind is None:
        return UnparsedDocument(source, [_diagnostic(unknown_format(text))])
    refused = unencodable(text)
    if refused is not None:
        return UnparsedDocument(source, [_diagnostic(refused)])
    session = parser(kind).parse_interactive(text)
    lexer = session.lexer_thread.lexer
    assert isinstance(lexer, ContextualLexer), type(lexer)  # parser="lalr" builds this one
    recovery = _Recovery(text, lexer)
    session.lexer_thread.lexer = recovery  # type: ignore[assignment]
    try:
        obj: Any = session.resume_parse()  # type: ignore[no-untyped-call]
    except (UnexpectedToken, BuildError) as error:
        # The text ended where more was needed (a date line alone), or holds an impossible
        # value (a 30 February).  The contextual lexer reads only tokens the parser can take
        # where it stands (a test walks every configuration of both grammars' parsers), so
        # the one token it cannot take is the end of the text.
        return _unparsed_document(source, text, recovery, error)
    if recovery.blocks:
        obj = replaced(obj, unparsed=tuple(recovery.blocks))
    return with_document(obj, document)  # type: ignore[no-any-return]


def _unparsed_document(
    source: str, text: str, recovery: _Recovery, error: Exception
) -> UnparsedDocument:
    """The whole ``source``, with the problems met before ``error`` and ``error`` itself."""
    diagnostics = [block.diagnostic for block in recovery.blocks if block.diagnostic is not None]
    diagnostics.append(_diagnostic(translate(error, text)))
    return UnparsedDocument(source, diagnostics)
