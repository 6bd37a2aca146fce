"""The Lark grammars in ``grammars/``: finding them and building their parsers."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import lark

__all__ = ["FORMATS", "build_parser", "grammar_text", "terminal_patterns"]

#: The grammar files, by the name of the format they describe.
FORMATS = ("event", "article")


def grammar_text(name: str) -> str:
    """The text of ``grammars/<name>.lark``.

    Wheels carry the grammars inside the package (``newswiki/grammars``); an editable install
    reads them from the repository's top-level ``grammars/`` instead.
    """
    if name not in FORMATS:
        raise ValueError(f"no grammar for {name!r}; the formats are {FORMATS}")
    packaged = resources.files("newswiki") / "grammars" / f"{name}.lark"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    repository = Path(__file__).resolve().parents[2] / "grammars" / f"{name}.lark"
    return repository.read_text(encoding="utf-8")


class _UncheckedLark(lark.Lark):
    """Lark without the terminal checks it runs at every construction.

    With interegular installed, Lark compares every pair of terminals on each start, which
    costs more than the rest of building the parser.  The test suite builds each grammar with
    ``strict=True`` and runs those checks (and fails on any collision); a running program
    need not repeat them.
    """

    def _build_parser(self) -> Any:
        self.lexer_conf.skip_validation = True
        return super()._build_parser()


def build_parser(
    name: str, transformer: lark.Transformer[Any, Any] | None = None, *, strict: bool = False
) -> lark.Lark:
    """An LALR parser for ``name``; with ``transformer``, it builds objects while it parses.

    ``strict=True`` makes Lark check the grammar for terminal collisions (it needs
    ``lark[interegular]``); the default skips the checks, which the tests run.
    """
    cls = lark.Lark if strict else _UncheckedLark
    return cls(grammar_text(name), parser="lalr", transformer=transformer, strict=strict)


def terminal_patterns(parser: lark.Lark) -> dict[str, re.Pattern[str]]:
    """Every terminal the grammar defines, compiled on its own to read the groups of its text.

    This includes the one-line terminals that the coarse tokens are made of (``SOURCE_ITEM``
    inside ``SOURCE_ITEMS``): the rules do not use them, so Lark's lexer leaves them out.
    """
    names = {name for name, _ in parser.grammar.term_defs}
    terminals, _, _ = parser.grammar.compile(parser.options.start, names)
    return {t.name: re.compile(t.pattern.to_regexp()) for t in terminals}
