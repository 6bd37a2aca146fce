"""Plain, JSON-ready data from model objects and back, through a :mod:`cattrs` converter."""

from __future__ import annotations

from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.preconf.json import make_converter
from cattrs.v import format_exception

from newswiki.model import (
    Article,
    Block,
    BulletList,
    Diagnostic,
    Document,
    Event,
    UndatedEvent,
    UnparsedDocument,
)
from newswiki.utf8 import escaped

T = TypeVar("T")

__all__ = ["KINDS", "converter", "from_dict", "structure", "to_dict"]

#: The ``"kind"`` key of :func:`~newswiki.to_dict`'s result, and the class it stands for.
KINDS: dict[str, type[Any]] = {
    "event": Event,
    "article": Article,
    "undated": UndatedEvent,
    "unparsed": UnparsedDocument,
}
_KIND_OF = {cls: kind for kind, cls in KINDS.items()}

#: The :mod:`cattrs` converter behind :func:`~newswiki.to_dict` and :func:`~newswiki.from_dict`:
#: ISO dates, layout omitted, unknown keys rejected.  Use it to (un)structure single parts,
#: e.g. ``converter.unstructure(section, Section)`` for a :class:`~newswiki.Section`.
converter = make_converter(forbid_extra_keys=True)


def _has_layout(cls: Any) -> bool:
    return attrs.has(cls) and any(a.name == "layout" for a in attrs.fields(cls))


# Factories, not hooks per class: nested classes (a Section's subsections) are resolved when
# first used, so every class with a layout loses it, however deep it sits.
converter.register_unstructure_hook_factory(
    _has_layout,
    lambda cls: make_dict_unstructure_fn(cls, converter, layout=override(omit=True)),
)
converter.register_structure_hook_factory(
    _has_layout,
    lambda cls: make_dict_structure_fn(
        cls, converter, layout=override(omit=True), _cattrs_forbid_extra_keys=True
    ),
)


def _structure_block(data: Any, _: Any) -> Block:
    if isinstance(data, str):
        return data
    if isinstance(data, dict):
        return converter.structure(data, BulletList)
    raise ValueError(
        f"a block is a paragraph (a string) or a list ({{'items': [...]}}), not {data!r}"
    )


converter.register_structure_hook_func(lambda t: t == Block, _structure_block)
converter.register_unstructure_hook_func(
    lambda t: t == Block, lambda block: converter.unstructure(block, type(block))
)

_structure_diagnostic_parts = make_dict_structure_fn(
    Diagnostic, converter, _cattrs_forbid_extra_keys=True
)


def _structure_diagnostic(data: Any, _: Any) -> Diagnostic:
    """A diagnostic from its parts, or from the one ``message`` that version 0.1.0 wrote
    (``"expected X, found Y"``; the format's words for X never hold ``", found "``)."""
    if isinstance(data, dict) and "message" in data and "expected" not in data:
        legacy = {key: value for key, value in data.items() if key != "message"}
        message = data["message"]
        if isinstance(message, str):
            expected, _, found = message.removeprefix("expected ").partition(", found ")
            legacy.update(expected=expected, found=found)
        data = legacy
    return _structure_diagnostic_parts(data, Diagnostic)


converter.register_structure_hook(Diagnostic, _structure_diagnostic)


def to_dict(obj: Document) -> dict[str, Any]:
    """:func:`newswiki.to_dict`, for code that imports this module (and so cattrs) anyway."""
    kind = _KIND_OF.get(type(obj))
    if kind is None:
        raise TypeError(
            "to_dict() takes an Event, Article, UndatedEvent or UnparsedDocument,"
            f" not {type(obj).__name__}"
        )
    data: dict[str, Any] = converter.unstructure(obj, type(obj))
    if kind == "unparsed":  # the one text that may hold a lone surrogate
        data["text"] = escaped(data["text"])
    return {"kind": kind, **data}


def _describe(error: BaseException, type_: Any) -> str:
    # The model's validators say precisely what is wrong; keep their words.
    if isinstance(error, ValueError) and str(error):
        return str(error)
    return format_exception(error, type_)


def structure(data: Any, cls: type[T], using: cattrs.Converter | None = None) -> T:
    """``data`` structured into ``cls`` by ``using`` (default :data:`converter`).

    Raises :class:`ValueError` naming every problem, in the model's own words where a
    validator refused a value.
    """
    try:
        return (using or converter).structure(data, cls)
    except cattrs.BaseValidationError as error:
        messages = cattrs.transform_error(error, format_exception=_describe)
        raise ValueError("; ".join(messages)) from error
    except (TypeError, ValueError) as error:
        raise ValueError(str(error)) from error


def from_dict(data: dict[str, Any]) -> Document:
    """:func:`newswiki.from_dict`, for code that imports this module (and so cattrs) anyway."""
    if not isinstance(data, dict) or data.get("kind") not in KINDS:
        raise ValueError(f"expected a dict with 'kind' one of {sorted(KINDS)}")
    fields = {key: value for key, value in data.items() if key != "kind"}
    result: Document = structure(fields, KINDS[data["kind"]])
    return result
