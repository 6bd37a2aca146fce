"""Lone surrogates on the way out: the one rule for every output that must be UTF-8.

A Python ``str`` can hold a lone surrogate (U+D800 to U+DFFF not in a pair); no UTF-8 file
can.  Strict reading refuses them; a lenient reading keeps such a text whole, in an
:class:`~newswiki.UnparsedDocument`, so that :func:`~newswiki.dumps` gives it back.  Everywhere
newswiki writes text that must be UTF-8 or JSON (:func:`~newswiki.dump`,
:func:`~newswiki.to_dict`, JSON Lines, Parquet), each lone surrogate is written as its escape,
the six characters ``\\udXXX`` (as Python's ``backslashreplace`` writes it, and as error
messages show it): the output always encodes, and it reads back as that text.  (JSON's own
``\\udXXX`` escape is not used: it reads back as the surrogate, but two in a row read back as
one other character.)
"""

from __future__ import annotations

__all__ = ["encoded", "escaped"]


def escaped(text: str) -> str:
    """``text`` with each lone surrogate written as its escape ``\\udXXX``."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def encoded(text: str) -> bytes:
    """``text`` as UTF-8, each lone surrogate written as its escape ``\\udXXX``."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace")
