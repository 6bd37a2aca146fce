"""What reading text takes, shared by strict and lenient parsing (package-internal).

The steps, in order: :func:`source_text` turns the input into a ``str`` that a UTF-8 file can
hold; :func:`prepare` folds the facts of the whole document (byte order mark, line ends, final
newline) out of the text; :func:`detect` names the format; :func:`parser` runs its grammar;
:func:`translate` turns what went wrong into a :class:`~newswiki.ParseError` in the format's
words; :func:`with_document` puts the facts back onto the object.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import cache
from typing import Any, NoReturn

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedToken
from lark.grammar import Rule
from lark.lexer import ContextualLexer, LexerThread, Token
from lark.parsers.lalr_analysis import Shift
from lark.parsers.lalr_parser_state import ParseConf, ParserState

from newswiki.build import ArticleBuilder, BuildError, EventBuilder, replaced
from newswiki.errors import DecodeError, ParseError
from newswiki.grammar import build_parser, terminal_patterns
from newswiki.layout import PLAIN_DOCUMENT, DocumentLayout

__all__ = [
    "BLANK_LINES",
    "EXPECTED_WORDS",
    "decode",
    "detect",
    "error_at",
    "expected_at",
    "found_at",
    "looks_utf16",
    "parse_prepared",
    "parser",
    "prepare",
    "source_text",
    "translate",
    "unencodable",
    "unknown_format",
    "utf16_error",
    "with_document",
]

#: Blank lines: spaces, tabs and stray carriage returns only, as the grammars read them.
BLANK_LINES = re.compile(r"(?:[ \t\r\n]*\n)?")
_FORMAT_WORDS = {
    "event": "an event's date line `### [YYYY-MM-DD](PATH)`",
    "article": "an article's title line `= TITLE =`",
}
#: What each terminal means to someone who writes these files (never Lark's own names).
EXPECTED_WORDS: dict[str, tuple[str, ...]] = {
    "DATE_LINE": ("a date line `### [YYYY-MM-DD](PATH)`",),
    "HEADLINE": ("a headline `# TEXT`",),
    "TITLE_LINE": ("a title line `= TITLE =`",),
    "INFOBOX": ("an `Infobox` line",),
    "FIELDS": ("an infobox field `- KEY: VALUE`",),
    "INFOBOX_END": ("a blank line closing the infobox",),
    "PARAGRAPHS": ("a paragraph",),
    "BODY": (
        "a paragraph",
        "a list item `- TEXT`",
        "a heading `==TITLE==` (2 to 6 `=` on both sides)",
    ),
    "SOURCES": ("a `### Source:` line",),
    "SOURCE_ITEMS": ("a source line `N. [NAME](URL)`",),
    "RELATED": ("a `### Related:` line",),
    "RELATED_ITEMS": ("a related line `N. [TITLE](PATH) _Context: TAGS_`",),
    "END_GAP": ("the end of the file",),
    "$END": ("the end of the file",),
}
_ORDER = list(EXPECTED_WORDS)
# The rules a line breaks when it starts like a line of its kind and still is not one: the
# words say why, for such lines only.
_RULES = {
    "DATE_LINE": ("### [", "the date in digits, YYYY-MM-DD; a PATH without spaces or tabs"),
    "SOURCE_ITEMS": ("link", "a URL without spaces or `](`, and at most eight `]`"),
    "RELATED_ITEMS": (
        "link",
        "a PATH without spaces or `](`, TAGS without `](`, each with at most eight `]`",
    ),
}
_LINK_LINE = re.compile(r"[0-9]+\. \[")
# The rules above by how a line starts: made once, as lenient mode asks once per bad line.
_LOOKS = {
    start: frozenset(name for name, (begins, _) in _RULES.items() if begins == start)
    for start, _ in _RULES.values()
}
_LOOKS_LIKE_NOTHING: frozenset[str] = frozenset()


@cache
def parser(kind: str) -> lark.Lark:
    """The parser for ``kind``, built on first use and kept for the life of the process."""
    builder = EventBuilder() if kind == "event" else ArticleBuilder()
    built = build_parser(kind, transformer=builder, cache=True)
    builder.patterns = terminal_patterns(built)
    return built


class _StrictParser:
    """Lark's LALR parser for one grammar, driven for strict reading with less work per text,
    per token and per reduction than ``Lark.parse``.

    What a text needs is made once per grammar here (Lark makes it at every parse): for each
    state of the parser, the one pattern of the terminals its contextual lexer accepts there,
    and its actions from Lark's parse table.  Lexing counts no columns, as every token starts a
    line (every terminal of newswiki's grammars ends with a newline, and :func:`prepare` makes
    the text end with one); no terminal is ignored or has a callback in either grammar, so a
    match is a token.  Where no terminal matches, Lark's own lexer of the state raises the
    error Lark raises, without the second look of its contextual lexer, which matches the rest
    of the text against every terminal only to choose the kind of exception (newswiki words
    both kinds the same way, see :func:`translate`).
    """

    def __init__(self, built: lark.Lark) -> None:
        frontend = built.parser
        lexer = frontend.lexer
        assert isinstance(lexer, ContextualLexer), type(lexer)  # parser="lalr" builds this one
        lalr = frontend.parser.parser
        callbacks = lalr.callbacks
        assert all(isinstance(key, Rule) for key in callbacks)  # no terminal has a callback
        self._configuration = ParseConf(lalr.parse_table, callbacks, "start")
        self._end = self._configuration.end_state
        table = self._configuration.states
        # Lark's one table, split as the textbooks do: what to do on a terminal, and where
        # to go when a rule has made a nonterminal (always a shift).
        self._actions = {
            state: {
                symbol: _action(action, argument, callbacks)
                for symbol, (action, argument) in row.items()
                if symbol.isupper()
            }
            for state, row in table.items()
        }
        self._gotos = {
            state: {symbol: target for symbol, (_, target) in row.items() if not symbol.isupper()}
            for state, row in table.items()
        }
        self._lexers = lexer.lexers
        self._patterns = _Patterns(lexer.lexers)

    def parse(self, text: str) -> Any:
        """The object the builder makes of prepared ``text``; Lark's exceptions otherwise.

        Each token is matched in the state the parser is in and fed to it, as Lark's
        ``parse_from_state`` feeds what its lexer yields; the end of the text is the token
        ``$END``."""
        states: list[int] = [self._configuration.start_state]  # the state is on top
        values: list[Any] = []  # one per state above the start state
        patterns = self._patterns
        position, line, size = 0, 1, len(text)
        while position < size:
            match = patterns[states[-1]](text, position)
            if match is None:
                self._refuse(text, position, line, states, values)
            value = match.group()
            end, end_line = match.end(), line + value.count("\n")
            # Every alternative of the pattern is a terminal's named group: lastgroup is its name.
            kind: str = match.lastgroup  # type: ignore[assignment]
            self._feed(_new_token(kind, value, position, line, 1, end_line, 1, end), states, values)
            position, line = end, end_line
        self._feed(_new_token("$END", "", size, line, 1, line, 1, size), states, values)
        return values[-1]

    def _feed(self, token: Token, states: list[int], values: list[Any]) -> None:
        """What Lark's ``feed_token`` does: reduce by every rule that ends before ``token``,
        then shift it; the end of the text (``$END``) is reduced to the start rule instead."""
        actions, kind = self._actions, token.type
        while True:
            action = actions[states[-1]].get(kind)
            if action is None:
                state = ParserState(self._configuration, None, states, values)  # type: ignore[arg-type]
                raise UnexpectedToken(token, set(actions[states[-1]]), state=state)  # type: ignore[no-untyped-call]
            if isinstance(action, int):
                states.append(action)
                values.append(token)
                return
            size, callback, origin = action
            start = len(values) - size
            value = callback(values[start:])
            del states[start + 1 :], values[start:]
            states.append(self._gotos[states[-1]][origin])
            values.append(value)
            if states[-1] == self._end:
                return

    def _refuse(
        self, text: str, position: int, line: int, states: list[int], values: list[Any]
    ) -> NoReturn:
        """Raise Lark's error for ``text`` at ``position``, where no terminal matches."""
        lexer = self._lexers[states[-1]]
        lexer_state = LexerThread.from_text(lexer, text).state
        assert lexer_state is not None  # made from the text
        counter = lexer_state.line_ctr
        counter.char_pos = counter.line_start_pos = position
        counter.line = line
        parser_state = ParserState(self._configuration, None, states, values)  # type: ignore[arg-type]
        lexer.next_token(lexer_state, parser_state)
        raise AssertionError("Lark's lexer matched where its own pattern did not")


# What the parser does with a symbol in a state: shift it, going to the state given, or
# reduce by a rule (its size, its callback, the name of the symbol it makes).
_Action = int | tuple[int, Callable[[list[Any]], Any], str]


def _action(action: Any, argument: Any, callbacks: dict[Any, Any]) -> _Action:
    """An action of Lark's parse table as :class:`_StrictParser` takes it: a reduction looked
    up once per grammar, as hashing a ``Rule`` runs its Python ``__hash__``."""
    if action is Shift:
        state: int = argument
        return state
    rule: Rule = argument
    return len(rule.expansion), callbacks[rule], rule.origin.name


# Lark's ``Token(...)`` passes through a Python ``__new__`` that only looks for a deprecated
# keyword before it calls the constructor that makes the token: calling that one directly
# takes a third off each token (of which an article has half a dozen).
_new_token: Callable[..., Token] = Token._future_new


def _nothing(text: str, position: int) -> None:
    """The ``match`` of a state that takes no terminal (only the end of the text)."""


class _Patterns(dict[int, Callable[[str, int], "re.Match[str] | None"]]):
    """By state of the parser, the ``match`` of the one pattern of the terminals its lexer
    accepts, as Lark's scanner compiles it (each terminal a named group, in Lark's order).
    Made when the state is first met, as Lark does: compiling all of them would slow the
    first read of a process."""

    def __init__(self, lexers: dict[int, Any]) -> None:
        super().__init__()
        self.lexers = lexers

    def __missing__(self, state: int) -> Callable[[str, int], re.Match[str] | None]:
        lexer = self.lexers[state]
        patterns = lexer.scanner._mres  # made on first use, with lexer.callback
        assert len(patterns) <= 1, len(patterns)  # a scanner splits only past 100 groups
        assert not lexer.callback  # a match is a token
        assert not lexer.ignore_types
        match: Callable[[str, int], re.Match[str] | None] = (
            patterns[0].match if patterns else _nothing
        )
        self[state] = match
        return match


@cache
def _strict(built: lark.Lark) -> _StrictParser:
    """The strict driver of the parser ``built``, made once per parser."""
    return _StrictParser(built)


def prepare(text: str) -> tuple[str, DocumentLayout]:
    """Fold the facts of the whole document out of the text, for the grammar to see only "\\n"."""
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    newline = "\n"
    # "\r\n" is the line end only when every line ends so; otherwise "\r" is text.  Looking
    # for "\r" alone first is some 50 times faster than for "\r\n" on text without any.
    if "\r" in text and "\r\n" in text and text.count("\n") == text.count("\r\n"):
        newline = "\r\n"
        text = text.replace("\r\n", "\n")
    final_newline = text.endswith("\n")
    if not final_newline:
        text += "\n"
    elif not bom and newline == "\n":
        return text, PLAIN_DOCUMENT
    return text, DocumentLayout(bom=bom, newline=newline, final_newline=final_newline)


def detect(text: str) -> str | None:
    """The format of prepared ``text``, from its first non-blank line, or ``None``."""
    first = BLANK_LINES.match(text).end()  # type: ignore[union-attr]
    if text.startswith("#", first):
        return "event"
    if text.startswith(("=", "Infobox"), first):
        return "article"
    return None


def looks_utf16(data: bytes) -> bool:
    """A UTF-16 byte order mark, or the first characters spelled as ASCII in UTF-16: a zero
    in every other byte and in no byte between (``=\x00=\n`` is UTF-8 with a NUL).

    Only a hint: such bytes may be UTF-8 text with NUL characters too (``dump`` writes them
    for a title ``"\x00A\x00B"``), so they are refused as UTF-16 only when they are not
    UTF-8, or do not parse (:func:`newswiki.loads`)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:8]
    if len(data) % 2 or not head:
        return False
    even, odd = head[0::2], head[1::2]
    return (odd.count(0) == len(odd) and 0 not in even) or (
        even.count(0) == len(even) and 0 not in odd
    )


def utf16_error() -> DecodeError:
    """The error for bytes that are UTF-16 (see :func:`looks_utf16`)."""
    return DecodeError(
        "UTF-8 text, found UTF-16 (decode it, e.g. data.decode('utf-16'), and pass the str)",
        offset=0,
        line=1,
        column=1,
        encoding="UTF-16",
    )


def decode(data: bytes) -> str:
    """``data`` as UTF-8 text, or a :class:`~newswiki.DecodeError` that says where it is not
    (or that it is UTF-16: a byte order mark is never UTF-8)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        start = error.start
    if looks_utf16(data):
        raise utf16_error()
    # Raised outside the handler, as every ParseError: plain, with no context to pickle.
    before = data[:start].decode("utf-8")
    line = before.count("\n") + 1
    line_start = before.rfind("\n") + 1
    shown = data[start : start + 4]
    raise DecodeError(
        f"UTF-8 text, found the byte {data[start]:#04x} at offset {start} ({shown!r} is not UTF-8)",
        offset=start,
        line=line,
        column=len(before) - line_start + 1,
        source_line=before[line_start:],
    )


def unencodable(text: str) -> ParseError | None:
    """The error for a ``str`` holding a lone surrogate (no UTF-8 file can hold one), if any."""
    if text.isascii():
        return None
    try:
        # UTF-16 refuses a lone surrogate at the same place as UTF-8, and encodes text in two
        # thirds of the time (beyond Latin-1) or a tenth of it (Latin-1 only).
        text.encode("utf-16")
    except UnicodeEncodeError as error:
        offset = error.start
        refused = error_at(
            text, offset, "text that UTF-8 can hold", f"a lone surrogate {text[offset]!r}"
        )
    else:
        return None
    # The line is shown with the surrogate escaped, so that the message can be printed.
    shown = refused.source_line.encode("utf-8", "backslashreplace").decode("utf-8")
    return ParseError(
        refused.expected,
        line=refused.line,
        column=refused.column,
        found=refused.found,
        source_line=shown,
    )


def source_text(text: str | bytes) -> str:
    """The ``str`` to read: ``bytes`` decoded as UTF-8; anything else but a ``str`` refused."""
    if isinstance(text, bytes):
        return decode(text)
    if not isinstance(text, str):
        raise TypeError(f"newswiki reads str or bytes, not {type(text).__name__}")
    return text


def _position(text: str, offset: int) -> tuple[int, int, str]:
    """1-based line and column of ``offset``, and that line's text."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return (
        line,
        offset - start + 1,
        text[start : end if end >= 0 else None],
    )


def expected_at(terminals: Collection[str], text: str = "", offset: int = 0) -> str:
    """What ``terminals`` mean, in words, and the rules the line at ``offset`` of ``text``
    breaks if it starts like one of them (the same ``str`` for every such line)."""
    return _words_for(frozenset(terminals), _looks_like(text, offset))


def _looks_like(text: str, offset: int) -> frozenset[str]:
    """The terminals of :data:`_RULES` whose lines start as the line at ``offset`` does (a
    line starts as one kind of line at most)."""
    if _LINK_LINE.match(text, offset):
        return _LOOKS["link"]
    for start, names in _LOOKS.items():
        if start != "link" and text.startswith(start, offset):
            return names
    return _LOOKS_LIKE_NOTHING


@cache
def _words_for(terminals: frozenset[str], looks: frozenset[str]) -> str:
    """What ``terminals`` mean, in words (a parser meets few distinct sets; lenient mode asks
    once per bad line)."""
    ranked = sorted((t for t in terminals if t in EXPECTED_WORDS), key=_ORDER.index)
    words = list(
        dict.fromkeys(
            f"{word} ({_RULES[t][1]})" if t in looks else word
            for t in ranked
            for word in EXPECTED_WORDS[t]
        )
    )
    if not words:
        return "nothing more"
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def found_at(text: str, offset: int) -> str:
    """What is at ``offset`` of the prepared ``text``: the start of the rest of its line,
    quoted, or the end of the file."""
    if offset >= len(text):
        return "the end of the file"
    end = text.find("\n", offset, offset + _SHOWN + 1)
    return _show(text[offset : end if end >= 0 else offset + _SHOWN + 1])


def error_at(text: str, offset: int, expected: str, found: str | None = None) -> ParseError:
    """A :class:`ParseError` at ``offset`` of the prepared ``text``."""
    line, column, source_line = _position(text, offset)
    if found is None:
        found = found_at(text, offset)
    return ParseError(expected, line=line, column=column, found=found, source_line=source_line)


def unknown_format(text: str) -> ParseError:
    """The error for prepared ``text`` that is in neither format (or empty)."""
    expected = " or ".join(_FORMAT_WORDS.values())
    if BLANK_LINES.match(text).end() == len(text):  # type: ignore[union-attr]
        return ParseError(expected, line=1, column=1, found="an empty file")
    return error_at(text, _line_start(text, 0), expected)


#: The most characters of a line an error quotes.
_SHOWN = 40


def _show(text: str) -> str:
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "...")


def _line_start(text: str, offset: int) -> int:
    """Where the line that is wrong starts: tokens begin with the blank lines before them."""
    return BLANK_LINES.match(text, offset).end()  # type: ignore[union-attr]


def translate(error: Exception, text: str) -> ParseError:
    """Turn what Lark (or a builder) raised into a :class:`ParseError` that speaks the format."""
    if isinstance(error, BuildError):
        return error_at(text, error.offset, error.expected, error.found)
    if isinstance(error, UnexpectedCharacters):
        offset = _line_start(text, error.pos_in_stream or 0)
        return error_at(text, offset, expected_at(error.allowed, text, offset))
    if isinstance(error, UnexpectedToken):
        token = error.token
        offset = len(text) if token.type == "$END" else _line_start(text, token.start_pos)
        return error_at(text, offset, expected_at(error.expected, text, offset))
    # Lark raises UnexpectedEOF from its Earley parser only: the LALR parser reads the end of
    # the text as the token $END, and fails on it with UnexpectedToken, as on any token.
    raise error  # pragma: no cover - the LALR parser raises nothing else


def parse_prepared(kind: str, text: str, document: DocumentLayout) -> Any:
    """Read prepared ``text`` as ``kind`` in strict mode: an object, or a :class:`ParseError`."""
    try:
        obj = _strict(parser(kind)).parse(text)
    except (lark.exceptions.UnexpectedInput, BuildError) as error:
        failure = translate(error, text)
    else:
        return with_document(obj, document)
    # Raised out here, the error holds no Lark exception (which holds the parser) as its
    # context: it pickles, to other processes too, even where tblib pickles the context.
    raise failure


def with_document(obj: Any, document: DocumentLayout) -> Any:
    """Put the facts read before the grammar ran onto the object's layout."""
    if document is PLAIN_DOCUMENT:
        return obj
    document = replaced(document, end_gap=obj.layout.document.end_gap)
    return replaced(obj, layout=replaced(obj.layout, document=document))
