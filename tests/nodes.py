"""Helpers over model objects shared by the tests."""

from __future__ import annotations

from typing import Any

import attrs


def rebuilt(obj: Any) -> Any:
    """``obj`` rebuilt through ``__init__``: every validator runs on every node."""
    if isinstance(obj, tuple):
        return tuple(rebuilt(item) for item in obj)
    if not attrs.has(type(obj)):
        return obj
    values = {a.name: rebuilt(getattr(obj, a.name)) for a in attrs.fields(type(obj)) if a.init}
    return type(obj)(**values)
