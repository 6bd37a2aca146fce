"""Sphinx configuration for the newswiki documentation.

Build (the CI step; warnings and broken cross-references are errors)::

    pip install '.[docs]'
    python -m sphinx -W --keep-going -n -b html docs docs/_build/html

How the examples are tested: ``tests/test_docs.py``, collected by a plain ``pytest`` run from
the repository root, executes with the standard library's :mod:`doctest`

- every ``pycon`` and ``python`` code block of every page in ``docs/`` (``pycon`` output is
  compared; blocks of one page share their names, like a tutorial read top to bottom),
- every ``console`` block, a shell session, in a temporary copy of ``examples/`` (what each
  ``$`` command prints is compared; ``pytest -m slow``), and the scripts of the file blocks
  (``{code-block} python`` with ``:caption: NAME``) that those sessions run,
- the README's quickstart (each ``print`` is compared with its ``# ...`` comment),
- the doctests in the docstrings of every module of the *imported* ``newswiki`` package.

Why not ``sphinx.ext.doctest``, ``pytest --doctest-glob`` or sybil: the examples then run in the
ordinary test run with the ``test`` extra only (no Sphinx, no extra plugin); the docstrings
are read from the installed package, so a non-editable install in CI never imports a second
copy from ``src/``; and the test can read Markdown code fences itself, so an example's output
may hold blank lines without doctest's ``<BLANKLINE>`` marker, which readers would see.
"""

from __future__ import annotations

import datetime
import inspect
import re
import sys
from typing import Any, TypeVar, get_origin

from docutils import nodes
from sphinx.ext.napoleon import Config as NapoleonConfig
from sphinx.ext.napoleon.docstring import GoogleDocstring
from sphinx.pycode import ModuleAnalyzer

import newswiki

project = "newswiki"
author = "The newswiki developers"
copyright = f"2026-{max(2026, datetime.date.today().year)}, {author}"
release = newswiki.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx_copybutton",
]

root_doc = "index"
exclude_patterns = ["_build"]
nitpicky = True

# -- MyST (the prose pages are Markdown) ----------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]

# -- autodoc ----------------------------------------------------------------------------------
# Types go into the signatures; attrs fields are documented by the ``#:`` comment above each
# field and shown with their type.
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_typehints_format = "short"

# -- Copy buttons -----------------------------------------------------------------------------
# A block with prompts (``>>> ``, ``... ``, ``$ ``) copies the lines after the prompts only, so
# the output of a session is left out; a block without prompts (a script, commands in an
# ``sh`` block) is copied whole.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True

# -- HTML -------------------------------------------------------------------------------------
html_theme = "furo"
html_static_path = ["_static"]
html_css_files = ["newswiki.css"]  # long lines in code blocks wrap
html_title = f"newswiki {release}"
pygments_style = "sphinx"
pygments_dark_style = "monokai"

# -- Google-style sections ------------------------------------------------------------------
# Some docstrings use ``Args:``, ``Returns:`` and ``Raises:`` sections.  napoleon turns them into
# field lists, but only for functions, classes and modules: on the ``#:`` comments of fields it
# would read "TEXT: MORE" as "TYPE: DESCRIPTION", and attrs fields have their types already.
_NAPOLEON = NapoleonConfig(napoleon_numpy_docstring=False, napoleon_use_rtype=False)


def _google_sections(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    if what in {"function", "method", "class", "exception", "module"}:
        lines[:] = GoogleDocstring(lines, _NAPOLEON, app, what, name, obj, options).lines()


# -- Type aliases re-exported by the package --------------------------------------------------
# ``newswiki.Block`` is ``str | BulletList``, defined with its ``#:`` comment in newswiki.model.
# Documented at the name users import, autodoc looks for the comment in ``newswiki`` itself,
# finds none and shows the docstring of the alias' type ("Represent a PEP 604 union type").
# Take the comment from the newswiki module that defines the alias instead.
def _alias_comment(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    own = type(obj).__doc__  # a slot, not a str, on some types (a named tuple's fields)
    own = own.strip() if isinstance(own, str) else ""
    shown = "\n".join(lines).strip()
    # Nothing found, or the alias' type's docstring: a Literal re-exported by another module
    # (newswiki.corpus.ErrorKind) has no docstring of its own to show.
    if what != "data" or (shown and shown != inspect.cleandoc(own)):
        return
    short = name.rpartition(".")[2]
    for module_name in sorted(sys.modules):
        module = sys.modules[module_name]
        if not module_name.startswith("newswiki") or getattr(module, short, None) is not obj:
            continue
        comment = ModuleAnalyzer.for_module(module_name).find_attr_docs().get(("", short))
        if comment:
            lines[:] = list(comment)
            return


# -- Cross-references -------------------------------------------------------------------------
# No intersphinx: the build machine has no network.  References to other projects' objects
# resolve through this table to their documentation pages; every other unresolved reference
# stays an error (``-n -W``), so a typo in a docstring still fails the build.
_PY = "https://docs.python.org/3/library/"
_HYPOTHESIS = "https://hypothesis.readthedocs.io/en/latest/"
EXTERNAL = {
    "datetime.date": _PY + "datetime.html#datetime.date",
    "collections.abc.Mapping": _PY + "collections.abc.html#collections.abc.Mapping",
    "collections.abc.Iterator": _PY + "collections.abc.html#collections.abc.Iterator",
    "collections.abc.Iterable": _PY + "collections.abc.html#collections.abc.Iterable",
    "collections.abc.Sequence": _PY + "collections.abc.html#collections.abc.Sequence",
    "collections.abc.Callable": _PY + "collections.abc.html#collections.abc.Callable",
    "os.PathLike": _PY + "os.html#os.PathLike",
    "re.Pattern": _PY + "re.html#re.Pattern",
    "html.unescape": _PY + "html.html#html.unescape",
    "str.splitlines": _PY + "stdtypes.html#str.splitlines",
    "functools.partial": _PY + "functools.html#functools.partial",
    "difflib": _PY + "difflib.html",
    "difflib.unified_diff": _PY + "difflib.html#difflib.unified_diff",
    "difflib.SequenceMatcher.get_matching_blocks": _PY
    + "difflib.html#difflib.SequenceMatcher.get_matching_blocks",
    "json": _PY + "json.html",
    "tracemalloc": _PY + "tracemalloc.html",
    "cProfile": _PY + "profile.html#module-cProfile",
    "gc.freeze": _PY + "gc.html#gc.freeze",
    "gc.set_threshold": _PY + "gc.html#gc.set_threshold",
    "lark.Lark": "https://lark-parser.readthedocs.io/en/stable/classes.html#lark.Lark",
    "lark.lark.Lark": "https://lark-parser.readthedocs.io/en/stable/classes.html#lark.Lark",
    "lark.Transformer": "https://lark-parser.readthedocs.io/en/stable/visitors.html#transformer",
    "lark.visitors.Transformer": "https://lark-parser.readthedocs.io/en/stable/visitors.html#transformer",
    "attrs.evolve": "https://www.attrs.org/en/stable/api.html#attrs.evolve",
    "cattrs": "https://catt.rs/en/stable/",
    "cattrs.converters.Converter": "https://catt.rs/en/stable/cattrs.html#cattrs.Converter",
    "pyarrow.Schema": "https://arrow.apache.org/docs/python/generated/pyarrow.Schema.html",
    "pyarrow.Table": "https://arrow.apache.org/docs/python/generated/pyarrow.Table.html",
    "dask.bag.Bag": "https://docs.dask.org/en/stable/bag.html",
    "dask.dataframe.DataFrame": "https://docs.dask.org/en/stable/dataframe.html",
    "hypothesis.find": _HYPOTHESIS,
    "hypothesis.settings": _HYPOTHESIS,
    "hypothesis.strategies.SearchStrategy": _HYPOTHESIS,
    "st.SearchStrategy": _HYPOTHESIS,
}
# newswiki.model.Event and friends are documented where users import them: newswiki.Event.
_SUBMODULE = re.compile(r"^newswiki\.(?:model|layout|errors|parse|write|convert|text)\.(\w+)$")


def _typing_name(target: str) -> bool:
    """A type variable or a type alias of a newswiki module (``T``, ``OnError``): plain text."""
    module_name, _, name = target.rpartition(".")
    modules = [sys.modules.get(module_name)] if module_name else list(sys.modules.values())
    for module in modules:
        if module is None or not getattr(module, "__name__", "").startswith("newswiki"):
            continue
        obj = getattr(module, name, None)
        if isinstance(obj, TypeVar) or (obj is not None and get_origin(obj) is not None):
            return True
    return False


def _resolve(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve what the Python domain could not: public names by their submodule path, other
    projects' objects through :data:`EXTERNAL`, and newswiki's type variables and aliases."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    match = _SUBMODULE.match(target)
    if match and match.group(1) in newswiki.__all__:
        public = f"newswiki.{match.group(1)}"
        domain = env.get_domain("py")
        builder, kind = app.builder, node["reftype"]
        return domain.resolve_xref(env, node["refdoc"], builder, kind, public, node, contnode)
    if target in EXTERNAL:
        reference = nodes.reference("", "", internal=False, refuri=EXTERNAL[target])
        reference += contnode
        return reference
    if node.get("reftype") in {"class", "obj", "data"} and _typing_name(target):
        return contnode
    return None


def _signature(
    app: Any, what: str, name: str, obj: Any, options: Any, signature: Any, return_annotation: Any
) -> tuple[Any, Any]:
    """attrs writes a computed default (``Event.path``) as ``NOTHING``: show ``...`` instead."""
    if signature:
        signature = signature.replace("= NOTHING", "= ...").replace("=NOTHING", "=...")
    return signature, return_annotation


def setup(app: Any) -> None:
    app.connect("autodoc-process-docstring", _google_sections)
    app.connect("autodoc-process-docstring", _alias_comment)
    app.connect("missing-reference", _resolve)
    app.connect("autodoc-process-signature", _signature)
