"""The typing client runs, and the types it states are those of the real calls.

Its static half, ``mypy --strict tests/typing_client.py``, is a CI step (it checks the installed
package, as a downstream project sees it, and takes longer than a unit test should).  Here each
``assert_type(value, T)`` of the client also checks at run time that ``value`` is a ``T``, as far
as ``isinstance`` can tell (the outer class of a generic, each member of a union, a dict for a
TypedDict).
"""

from __future__ import annotations

import subprocess
import sys
import types
import typing
from pathlib import Path
from typing import Any

import pytest

from tests import typing_client


def _classes(expected: Any) -> tuple[type, ...]:
    """The classes a value of type ``expected`` is an instance of one of."""
    origin = typing.get_origin(expected)
    if origin in (typing.Union, types.UnionType):
        return tuple(cls for member in typing.get_args(expected) for cls in _classes(member))
    if typing.is_typeddict(expected):
        return (dict,)
    if isinstance(origin, type):
        return (origin,)
    if expected is None:
        return (type(None),)
    assert isinstance(expected, type), f"cannot check {expected!r}"
    return (expected,)


def _checked_assert_type(value: Any, expected: Any) -> Any:
    if typing.get_origin(expected) is typing.Literal:
        assert value in typing.get_args(expected), f"{value!r} is not one of {expected}"
    elif expected is not Any:
        assert isinstance(value, _classes(expected)), f"{value!r} is not a {expected}"
    return value


def test_the_run_time_check_has_teeth() -> None:
    assert _checked_assert_type((1,), tuple[int, ...]) == (1,)
    assert _checked_assert_type(None, int | None) is None
    with pytest.raises(AssertionError, match="is not a"):
        _checked_assert_type("1", int | None)
    with pytest.raises(AssertionError, match="is not a"):
        _checked_assert_type([1], tuple[int, ...])
    assert _checked_assert_type("parse", typing.Literal["parse", "io"]) == "parse"
    with pytest.raises(AssertionError, match="is not one of"):
        _checked_assert_type("pasre", typing.Literal["parse", "io"])


def test_typing_client_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []

    def check(value: Any, expected: Any) -> Any:
        calls.append(expected)
        return _checked_assert_type(value, expected)

    monkeypatch.setattr(typing_client, "assert_type", check)
    typing_client.main()
    assert len(calls) > 60


@pytest.mark.slow
def test_mypy_accepts_the_client_and_needs_every_ignore() -> None:
    # The client's mistakes are lines with a ``type: ignore[CODE]``: mypy --strict reports an
    # ignore that is not needed, so this passes only while mypy catches every mistake.
    client = Path(typing_client.__file__)
    assert client.read_text(encoding="utf-8").count("# type: ignore[") >= 14
    for version in ([], ["--python-version", "3.10"]):
        done = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *version, str(client)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout


def test_every_table_is_named_once_and_typed_everywhere() -> None:
    # A table added to the Table literal needs its Rows key, row type and schema, in the order
    # DatasetWriter writes them: this fails until all are there.
    from newswiki import tabular

    assert typing.get_args(tabular.Table) == tabular.TABLES
    assert tuple(typing.get_type_hints(tabular.Rows)) == tabular.TABLES
    assert tabular.Rows.__optional_keys__ == frozenset(tabular.TABLES)  # a document adds some
    for table in tabular.TABLES:
        assert tabular.schema(table).metadata[b"newswiki.table"] == table.encode()
        (item,) = typing.get_args(typing.get_type_hints(tabular.Rows)[table])
        for row_type in typing.get_args(item) or (item,):  # events: dated and undated rows
            assert row_type in typing.get_args(tabular.Row)
            assert list(typing.get_type_hints(row_type)) == tabular.schema(table).names
    kinds = typing.get_type_hints(tabular.ErrorRow)["kind"]
    assert kinds is typing.get_type_hints(tabular.FileError)["kind"]
