"""The typing client runs, and the types it states are those of the real calls.

Its static half, ``mypy --strict tests/typing_client.py``, is a CI step (it checks the installed
package, as a downstream project sees it, and takes longer than a unit test should).  Here each
``assert_type(value, T)`` of the client also checks at run time that ``value`` is a ``T``, as far
as ``isinstance`` can tell (the outer class of a generic, each member of a union, a dict for a
TypedDict).
"""

from __future__ import annotations

import types
import typing
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
    if expected is not Any:
        assert isinstance(value, _classes(expected)), f"{value!r} is not a {expected}"
    return value


def test_the_run_time_check_has_teeth() -> None:
    assert _checked_assert_type((1,), tuple[int, ...]) == (1,)
    assert _checked_assert_type(None, int | None) is None
    with pytest.raises(AssertionError, match="is not a"):
        _checked_assert_type("1", int | None)
    with pytest.raises(AssertionError, match="is not a"):
        _checked_assert_type([1], tuple[int, ...])


def test_typing_client_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []

    def check(value: Any, expected: Any) -> Any:
        calls.append(expected)
        return _checked_assert_type(value, expected)

    monkeypatch.setattr(typing_client, "assert_type", check)
    typing_client.main()
    assert len(calls) > 60
