"""Lenient parsing: what cannot be placed is kept as :class:`~newswiki.Unparsed` lines.

Lark's lexer is swapped, for one parse, for one that sets aside the lines which no terminal of
the parser's state can start (with the blank lines before them), and goes on with the next
line.  The parser never sees a bad line, so a bad line costs what reading it costs, not an
exception unwound through the parser and a parse resumed; and a run of bad lines, with
nothing read between them, is one block with one diagnostic (its first line's), as a compiler
reports one error, not the cascade after it.  The writer puts the lines back where they were,
so ``dumps`` still gives the input back.

The first lines say what a document is, so they are not given up so quickly.  A date line,
headline or title line that is almost right (a date without its zeros, ``#Headline``, a title
written as a heading) is read as the value it is almost the spelling of: the lexer hands the
parser that value's canonical line, and the object remembers the line as written (its layout),
so ``dumps`` still gives the input back and :attr:`~newswiki.Event.diagnostics` tells of it.
A date line that cannot be read as a date (a 30 February) is set aside like any bad line,
and the rest is read into an :class:`~newswiki.UndatedEvent`.  When nothing sensible remains
(no headline, no title, a lone surrogate), the whole text becomes an
:class:`~newswiki.UnparsedDocument`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from lark.exceptions import UnexpectedCharacters, UnexpectedToken
from lark.lexer import AbstractBasicLexer, ContextualLexer, LexerState, Token

from newswiki.build import _unchecked, replaced
from newswiki.errors import ParseError
from newswiki.grammar import terminal_patterns
from newswiki.layout import LineLayout, Span
from newswiki.model import (
    PADDING,
    Article,
    Diagnostic,
    Document,
    Event,
    UndatedEvent,
    Unparsed,
    UnparsedDocument,
)
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
from newswiki.spelling import reads

if TYPE_CHECKING:
    from lark.parsers.lalr_parser_state import ParserState

__all__ = ["parse_lenient", "respelled"]

# The parser's own blocks and diagnostics hold what the grammar read: nothing to check again.
_Unparsed = _unchecked(Unparsed)
_Diagnostic = _unchecked(Diagnostic)
_LineLayout = _unchecked(LineLayout)
_UndatedEvent = _unchecked(UndatedEvent)

# A date line's date with fields of one or two digits, after `###` and an optional space.
_LOOSE_DATE = re.compile(r"### ?\[([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\]")
_REAL_DATE = "a real calendar date YYYY-MM-DD"
# What the parser is handed for a date line that was set aside: the grammar wants one first.
# The event it makes loses its date and path (an UndatedEvent), so this date is never seen.
_NO_DATE = "### [0001-01-01]()\n"


def _padded_date(line: str) -> str | None:
    """A date line with the zeros of its date (and the space after ``###``) put in."""
    match = _LOOSE_DATE.match(line)
    if match is None:
        return None
    year, month, day = match.groups()
    return f"### [{year}-{int(month):02d}-{int(day):02d}]{line[match.end() :]}"


def _spaced_headline(line: str) -> str | None:
    """``#Headline`` with its space: a ``#`` followed by text that is no other marker."""
    rest = line[1:].lstrip(PADDING)
    if not line.startswith("#") or not rest or rest.startswith("#"):
        return None
    return f"# {rest}"


def _titled(line: str) -> str | None:
    """A title written as a heading (``== Title ==``), as a title."""
    heading = reads("heading", line)
    return None if heading is None else f"= {heading[1]} ="


#: For each first line of a document, how a line that is almost one is spelled as one.
_ALMOST: dict[str, Callable[[str], str | None]] = {
    "DATE_LINE": _padded_date,
    "HEADLINE": _spaced_headline,
    "TITLE_LINE": _titled,
}
#: How each of them is known to the writer (:func:`newswiki.spelling.reads`), and where its
#: layout is kept.
_KINDS = {"DATE_LINE": "date", "HEADLINE": "headline", "TITLE_LINE": "title"}
_LAYOUTS = {"DATE_LINE": "date_line", "HEADLINE": "headline", "TITLE_LINE": "title_line"}


@cache
def _patterns(kind: str) -> dict[str, re.Pattern[str]]:
    return terminal_patterns(parser(kind))


def _diagnostic(error: ParseError) -> Diagnostic:
    return _Diagnostic(error.line, error.column, error.expected, error.found)


def _after_line(text: str, offset: int) -> int:
    """Where the line holding ``offset`` of the prepared ``text`` ends, its newline included."""
    return text.find("\n", offset) + 1 or len(text)


def _next_line(text: str, start: int, end: int, line: int) -> int:
    """The number of the line at ``end``, where ``start`` is on ``line``."""
    return line + text.count("\n", start, end)


class _Recovery:
    """The lexer of one lenient parse: Lark's contextual lexer, except that where it would
    raise, it reads a first line that is almost right as the line it almost is, or sets aside
    the lines no terminal of the parser's state can start; and a date line that is no date is
    set aside too, the parser handed a placeholder."""

    def __init__(self, text: str, lexer: ContextualLexer, kind: str) -> None:
        self.text = text
        self.lexers = lexer.lexers
        self.patterns = _patterns(kind)
        #: The blocks set aside so far, in line order.
        self.blocks: list[Unparsed] = []
        #: The first lines read as the values they almost spell: terminal and line as written.
        self.almost: list[tuple[str, str]] = []
        #: Whether the date line was set aside.
        self.undated = False

    def lex(self, lexer_state: LexerState, parser_state: ParserState[Any]) -> Iterator[Token]:
        """Lark's contextual lexer's loop, with :meth:`almost_line` or :meth:`set_aside` where
        it would raise, and :meth:`without_date` for a date line whose date is no day."""
        lexers = self.lexers
        while True:
            lexer = lexers[parser_state.position]
            try:
                token = lexer.next_token(lexer_state, parser_state)
            except EOFError:
                return
            except UnexpectedCharacters as error:
                almost = self.almost_line(lexer, lexer_state, error.allowed)
                if almost is None:
                    self.set_aside(lexer, lexer_state, error.allowed)
                    continue
                token = almost
            else:
                if token.type == "DATE_LINE" and not self.dated(token):
                    token = self.without_date(token, lexer_state)
            yield token

    def _line_at(self, lexer_state: LexerState) -> tuple[int, int, int, int]:
        """Where the next line starts (its blank lines first), where its text starts and
        ends (after its newline), and its number."""
        text = self.text
        counter = lexer_state.line_ctr
        start = counter.char_pos
        bad = BLANK_LINES.match(text, start).end()  # type: ignore[union-attr]
        return start, bad, _after_line(text, bad), counter.line

    def almost_line(
        self, lexer: AbstractBasicLexer, lexer_state: LexerState, expected: set[str]
    ) -> Token | None:
        """The token of a first line that is almost right, read as its value; a placeholder
        date line where the date line cannot be read (and is set aside); else ``None``."""
        first_lines = expected & _ALMOST.keys()  # one at most: each is alone in its state
        if not first_lines:  # a line further down: set aside as it is
            return None
        text = self.text
        start, bad, end, line = self._line_at(lexer_state)
        written = text[bad : end - 1]
        for terminal in first_lines:
            spelled = _ALMOST[terminal](written)
            value = None if spelled is None else f"{text[start:bad]}{spelled}\n"
            if value is not None and self.patterns[terminal].fullmatch(value):
                after = _next_line(text, start, end, line)
                token = Token(terminal, value, start, line, 1, after, 1, end)
                if terminal == "DATE_LINE" and not self.dated(token):
                    return self.without_date(token, lexer_state)
                self.almost.append((terminal, written))
                self._move(lexer_state, end)
                return token
            if (
                terminal == "DATE_LINE"
                and not self._headline_at(start)
                and self._run_end(lexer, lexer_state, end) == len(text)
            ):
                # No date line follows, and no headline stands in its place: this line is
                # the date line, gone wrong.
                at = line + text.count("\n", start, bad)
                told = _Diagnostic(at, 1, expected_at(expected, text, bad), found_at(text, bad))
                return self._set_aside_date(lexer_state, start, end, line, told)
        return None

    def _headline_at(self, offset: int) -> bool:
        """Whether the line at ``offset`` (blank lines first) is a headline, or almost one."""
        text = self.text
        bad = BLANK_LINES.match(text, offset).end()  # type: ignore[union-attr]
        end = _after_line(text, bad)
        headline = self.patterns["HEADLINE"].fullmatch(text, offset, end)
        return headline is not None or _spaced_headline(text[bad : end - 1]) is not None

    def _run_end(self, lexer: AbstractBasicLexer, lexer_state: LexerState, end: int) -> int:
        """Where the run of lines from ``end`` on that ``lexer`` cannot start ends."""
        text = self.text
        starts = lexer.match  # type: ignore[attr-defined]
        while end < len(text) and starts(lexer_state.text, end) is None:
            end = _after_line(text, BLANK_LINES.match(text, end).end())  # type: ignore[union-attr]
        return end

    def dated(self, token: Token) -> bool:
        """Whether a date line's date is a day of the calendar."""
        iso = self.patterns["DATE_LINE"].match(token).group(2)  # type: ignore[union-attr]
        try:
            datetime.date.fromisoformat(iso)
        except ValueError:
            return False
        return True

    def without_date(self, token: Token, lexer_state: LexerState) -> Token:
        """Set aside a date line whose date is no day (``token``: the line, spelled with its
        zeros); the placeholder the parser takes instead."""
        text = self.text
        start: int = token.start_pos  # type: ignore[assignment]
        first: int = token.line  # type: ignore[assignment]
        bad = BLANK_LINES.match(text, start).end()  # type: ignore[union-attr]
        column = text.index("[", bad) - bad + 2
        date = text[bad + column - 1 : text.index("]", bad)]
        line = first + text.count("\n", start, bad)
        diagnostic = _Diagnostic(line, column, _REAL_DATE, repr(date))
        return self._set_aside_date(lexer_state, start, token.end_pos, first, diagnostic)  # type: ignore[arg-type]

    def _set_aside_date(
        self, lexer_state: LexerState, start: int, end: int, line: int, diagnostic: Diagnostic
    ) -> Token:
        """Set aside the date line from ``start`` (on ``line``) to ``end``, and the lines after
        it up to a headline (one problem, told once); the placeholder the parser takes."""
        self.undated = True
        text = self.text
        while end < len(text) and not self._headline_at(end):
            end = _after_line(text, BLANK_LINES.match(text, end).end())  # type: ignore[union-attr]
        self.blocks.append(_Unparsed(line, text[start : end - 1], diagnostic))
        lexer_state.line_ctr.char_pos = start  # the lexer may have read the line already
        lexer_state.line_ctr.line = line
        self._move(lexer_state, end)
        return Token(
            "DATE_LINE", _NO_DATE, start, line, 1, _next_line(text, start, end, line), 1, end
        )

    def _move(self, lexer_state: LexerState, end: int) -> None:
        """Go on reading at ``end``, the start of a line."""
        counter = lexer_state.line_ctr
        counter.line = _next_line(self.text, counter.char_pos, end, counter.line)
        counter.char_pos = counter.line_start_pos = end
        counter.column = 1

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
        end = self._run_end(lexer, lexer_state, end)
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
    recovery = _Recovery(text, lexer, kind)
    session.lexer_thread.lexer = recovery  # type: ignore[assignment]
    try:
        obj: Any = session.resume_parse()  # type: ignore[no-untyped-call]
    except UnexpectedToken as error:
        # The text ended where more was needed (a date line alone).  The contextual lexer
        # reads only tokens the parser can take where it stands (a test walks every
        # configuration of both grammars' parsers), so the one token it cannot take is the
        # end of the text.  (A date that is no day never reaches the parser: it is set aside.)
        return _unparsed_document(source, text, recovery, error)
    for terminal, written in recovery.almost:
        obj = _as_written(obj, terminal, written)
    if recovery.undated:
        obj = _undated(obj)
    if recovery.blocks:
        obj = replaced(obj, unparsed=tuple(recovery.blocks))
    return with_document(obj, document)  # type: ignore[no-any-return]


def _values(document: Event | UndatedEvent | Article, terminal: str) -> tuple[object, ...]:
    """What the first line read as ``terminal`` holds, as the writer compares it."""
    if isinstance(document, Article):
        return (document.title,)
    if isinstance(document, Event) and terminal == "DATE_LINE":
        return (document.date.isoformat(), document.path)
    return (document.headline,)


def _as_written(document: Any, terminal: str, written: str) -> Any:
    """``document`` remembering that the line it read as ``terminal`` was ``written``."""
    name = _LAYOUTS[terminal]
    layout = document.layout
    read: LineLayout = getattr(layout, name)
    line = _LineLayout(read.gap, written, read.line, _values(document, terminal))
    return replaced(document, layout=replaced(layout, **{name: line}))


def _undated(event: Event) -> UndatedEvent:
    """``event`` without the date and path of the placeholder it was read with."""
    layout = event.layout
    assert layout is not None  # the parser gives every object its layout, with every part
    span = Span(layout.headline.line, layout.span.last)  # type: ignore[union-attr,arg-type]
    layout = replaced(layout, date_line=None, span=span)
    return _UndatedEvent(
        event.headline, event.body, event.sources, event.related, event.unparsed, layout
    )


def respelled(document: object) -> list[Diagnostic]:
    """The diagnostics of the first lines of ``document`` that are read, and written, as they
    were spelled although the format spells them otherwise (``#Headline``)."""
    if not isinstance(document, (Event, UndatedEvent, Article)) or document.layout is None:
        return []
    names = ("TITLE_LINE",) if isinstance(document, Article) else ("DATE_LINE", "HEADLINE")
    told = []
    for terminal in names:
        line: LineLayout | None = getattr(document.layout, _LAYOUTS[terminal])
        if line is None or line.text is None or line.line is None:
            continue
        written = line.text
        if (
            line.reads_as == _values(document, terminal)
            and reads(_KINDS[terminal], written) is None
        ):
            shown = f"{written}\n"
            expected = expected_at({terminal}, shown)
            told.append(_Diagnostic(line.line, 1, expected, found_at(shown, 0)))
    return told


def _unparsed_document(
    source: str, text: str, recovery: _Recovery, error: Exception
) -> UnparsedDocument:
    """The whole ``source``, with the problems met before ``error`` and ``error`` itself."""
    diagnostics = [block.diagnostic for block in recovery.blocks if block.diagnostic is not None]
    diagnostics.append(_diagnostic(translate(error, text)))
    return UnparsedDocument(source, diagnostics)
