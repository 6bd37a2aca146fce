"""The one exception newswiki raises for text it cannot read."""

from __future__ import annotations

import unicodedata

__all__ = ["DecodeError", "ParseError"]

# A shown line longer than this is cut to a window of _WINDOW characters around the column.
_LONGEST = 100
_WINDOW = 80
_CUT = "..."


class ParseError(ValueError):
    """Text that breaks the format: where, what was expected, and the line itself.

    ``str(error)`` reads like a compiler message, so editors and CI logs can jump to it::

        event.md:3:1: expected a headline `# TEXT`, found 'Hello'
            3 | Hello
              | ^

    The line is shown as a terminal can show it: control characters (``\\r``, NUL, U+2028 ...)
    escaped, and a line longer than 100 characters cut to a window of 80 around the column;
    :attr:`source_line` keeps it whole.

    A subclass of :class:`ValueError`; errors pickle, with all their attributes.

    .. attribute:: line
       :type: int

       The 1-based line number of the offending line.

    .. attribute:: column
       :type: int

       The 1-based column number.

    .. attribute:: expected
       :type: str

       What the format allows there, in words: ``"a headline `# TEXT`"``.

    .. attribute:: found
       :type: str

       A short description of what is there instead: the start of the line, quoted, or
       ``"the end of the file"``.

    .. attribute:: source_line
       :type: str

       The offending line, without its line end.

    .. attribute:: filename
       :type: str | None

       The file's name when parsing from a path or a named file, else ``None``.
    """

    def __init__(
        self,
        expected: str,
        *,
        line: int,
        column: int,
        found: str = "",
        source_line: str = "",
        filename: str | None = None,
    ) -> None:
        self.expected = expected
        self.line = line
        self.column = column
        self.found = found
        self.source_line = source_line
        self.filename = filename
        super().__init__(str(self))

    @property
    def message(self) -> str:
        """The first line of ``str(error)`` without the location."""
        found = f", found {self.found}" if self.found else ""
        return f"expected {self.expected}{found}"

    def __str__(self) -> str:
        where = f"{printable(self.filename or '<string>')}:{self.line}:{self.column}"
        number = str(self.line)
        gutter = " " * len(number)
        shown, caret = _display(self.source_line, self.column)
        return f"{where}: {self.message}\n    {number} | {shown}\n    {gutter} | {' ' * caret}^"

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross process boundaries (parallel corpus parsing), so they must pickle.
        return (_rebuild, (type(self), self.__dict__))

    def with_filename(self, filename: str) -> ParseError:
        """This error, naming ``filename`` (used by :func:`newswiki.load` and the CLI)."""
        self.filename = filename
        self.args = (str(self),)
        return self


class DecodeError(ParseError):
    """Bytes that are not UTF-8 text (UTF-16 included).

    .. attribute:: offset
       :type: int

       The position of the first bad byte, counted from 0.

    .. attribute:: encoding
       :type: str | None

       The encoding the bytes are in, when it is recognized (``"UTF-16"``), else ``None``.
    """

    def __init__(
        self, expected: str, *, offset: int, encoding: str | None = None, **kwargs: object
    ) -> None:
        self.offset = offset
        self.encoding = encoding
        super().__init__(expected, **kwargs)  # type: ignore[arg-type]


def _display(line: str, column: int) -> tuple[str, int]:
    """``line`` as a terminal can show it, and the width before ``column``'s character.

    A tab is one space; a control or format character (``\\r``, NUL, U+2028, a byte order
    mark ...) is shown escaped, so that it can neither move the cursor nor end the line; a
    wide character takes two columns and a combining one none, so the caret stays under the
    character it points at.  A line longer than a screen is cut to a window around ``column``.
    """
    index = column - 1
    start, end = 0, len(line)
    if end > _LONGEST:
        start = max(0, min(index - _WINDOW // 2, end - _WINDOW))
        end = start + _WINDOW
    parts = [_CUT] if start else []
    caret = len(_CUT) if start else 0
    for at in range(start, end):
        shown, width = _glyph(line[at])
        parts.append(shown)
        if at < index:
            caret += width
    if end < len(line):
        parts.append(_CUT)
    return "".join(parts), caret


def _glyph(char: str) -> tuple[str, int]:
    """How one character is shown, and how many columns it takes."""
    if char == "\t":
        return " ", 1
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Zl", "Zp", "Cs"):
        shown = repr(char)[1:-1]
        return shown, len(shown)
    if category in ("Mn", "Me"):
        return char, 0
    return char, 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def printable(text: str) -> str:
    """A file name, or text read from a file, as a message shows it on a terminal's line.

    A control or format character (a newline, a tab, ESC, a right-to-left mark ...) is
    escaped as Python writes it (``\\n``, ``\\x1b``), so that no stranger's name or headline
    can end the line of its message or drive the terminal; a byte of a file name that is not
    UTF-8 (which Python reads as a lone surrogate) is shown ``\\xNN``, as the tables write it.

    >>> printable("news/new\\nline.md")
    'news/new\\\\nline.md'
    """
    if text.isprintable():
        return text
    return "".join(_printable_char(char) for char in text)


def _printable_char(char: str) -> str:
    if char.isprintable() or unicodedata.category(char) == "Zs":
        return char
    if "\udc80" <= char <= "\udcff":  # a byte that is not UTF-8, as os.fsdecode gives it
        return f"\\x{ord(char) - 0xDC00:02x}"
    return repr(char)[1:-1]


def _rebuild(cls: type[ParseError], state: dict[str, object]) -> ParseError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    error.args = (str(error),)
    return error
