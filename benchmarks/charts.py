"""SVG charts of the benchmark figures, for the documentation's performance page.

The benchmark scripts call these with the figures they have just measured (``--charts DIR``);
nothing here measures.  Charts show ratios taken in one process (a speed against a peer's on
the same inputs, a cost per MB against the same document's 1 MB step), which a shared machine
disturbs far less than absolute figures.  Needs matplotlib (the ``bench`` extra).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["bars", "lines", "multiples"]

# newswiki's colour and the peers' grey: one meaning per colour on every chart.
OURS = "#2a6f97"
PEER = "#9a9a9a"
LIMIT = "#c0392b"


def _pyplot() -> ModuleType:
    import matplotlib

    matplotlib.use("svg")
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: small files, searchable, themable
            "svg.hashsalt": "newswiki",  # stable element ids: a re-run changes only figures
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    import matplotlib.pyplot as plt

    return plt


def _finish(figure: Figure, title: str, path: Path, caption: str) -> None:
    """Title the chart, write it to ``path`` as SVG with ``caption`` under it, and close it."""
    figure.axes[0].set_title(title, loc="left", fontsize=11)
    figure.tight_layout(rect=(0, 0.1, 1, 1))
    # Wrapped to the figure's width (about 14 characters an inch at this size): the run's
    # machine line is long, and a browser shows nothing past the edge of an SVG.
    wrapped = textwrap.fill(caption, width=int(figure.get_figwidth() * 14))
    figure.text(0.01, 0.01, wrapped, fontsize=8, color="#555555")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="svg", metadata={"Date": None})
    _pyplot().close(figure)


def bars(
    path: Path, title: str, rows: Sequence[tuple[str, float, str, float]], caption: str
) -> None:
    """A pair of bars per ``(label, ratio, peer, target)``: newswiki's speed as a multiple of
    the peer's (``ratio``), beside the peer's own (1 by construction); a mark at ``target``."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(9.0, 0.8 * len(rows) + 1.4))
    height = 0.38
    positions = list(range(len(rows)))
    ratios = [ratio for _, ratio, _, _ in rows]
    axes.barh([p - height / 2 for p in positions], ratios, height, color=OURS)
    axes.barh([p + height / 2 for p in positions], [1.0] * len(rows), height, color=PEER)
    for position, (_, ratio, peer, target) in zip(positions, rows, strict=True):
        axes.vlines(target, position - height, position, color=LIMIT, linewidth=1.5)
        end = max(ratio, target)
        label = f" newswiki {ratio:.2g}× (target {target:g}×)"
        axes.text(end, position - height / 2, label, va="center")
        axes.text(1.0, position + height / 2, f" {peer} 1×", va="center", color="#444444")
    axes.set_yticks(positions, [label for label, _, _, _ in rows])
    axes.invert_yaxis()
    axes.set_xlabel("speed as a multiple of the peer's, on the same inputs (higher is faster)")
    axes.set_xlim(0, max(max(ratios), *(target for _, _, _, target in rows)) * 1.45)
    _finish(figure, title, path, caption)


def lines(
    path: Path,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    limit: float,
    base: str,
    caption: str,
) -> None:
    """One line per ``(name, values)`` over the steps ``labels``, each value a cost per MB as a
    multiple of the ``base`` step's; ``None`` leaves a gap.  A dashed line marks ``limit``."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(9.0, 4.2))
    steps = list(range(len(labels)))
    for index, (name, values) in enumerate(series):
        shown = [(s, v) for s, v in zip(steps, values, strict=True) if v is not None]
        axes.plot(
            [s for s, _ in shown],
            [v for _, v in shown],
            marker="o",
            linewidth=1.6,
            color=plt.get_cmap("tab10")(index),
            label=name,
        )
    axes.axhline(limit, color=LIMIT, linestyle="--", linewidth=1, label=f"limit ({limit:g})")
    axes.axhline(1.0, color="#cccccc", linewidth=1, zorder=0)
    axes.set_xticks(steps, labels)
    axes.set_xlabel("document size")
    axes.set_ylabel(f"cost per MB, as a multiple of the {base} step's")
    axes.set_ylim(0, max(limit * 1.25, *(v for _, vs in series for v in vs if v is not None)))
    # Beside the axes, not on them: the lines cross the whole width and any corner.
    axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _finish(figure, title, path, caption)


def multiples(
    path: Path,
    title: str,
    rows: Sequence[tuple[str, float, float | None]],
    axis: str,
    references: Sequence[tuple[float, str]],
    caption: str,
) -> None:
    """A bar per ``(label, multiple, target)``: a time or speed as a multiple of a baseline's
    measured in the same rounds, with a mark at ``target`` (``None``: no target); each of
    ``references`` is a ``(value, name)`` drawn as a line across the rows (the baseline at 1,
    a ceiling)."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(9.0, 0.55 * len(rows) + 1.6))
    positions = list(range(len(rows)))
    height = 0.6
    axes.barh(positions, [value for _, value, _ in rows], height, color=OURS)
    for position, (_, value, target) in zip(positions, rows, strict=True):
        label = f" {value:.2f}×" + ("" if target is None else f" (target {target:g}×)")
        if target is not None:
            axes.vlines(target, position - height / 2, position + height / 2, color=LIMIT)
        axes.text(max(value, target or 0.0), position, label, va="center")
    for value, name in references:
        axes.axvline(value, color=PEER, linestyle="--", linewidth=1, zorder=0)
        axes.text(value, -0.75, f" {name}", color="#444444", fontsize=8, va="bottom")
    axes.set_yticks(positions, [label for label, _, _ in rows])
    axes.set_ylim(len(rows) - 0.5, -1.1)
    axes.set_xlabel(axis)
    largest = max(
        *(v for _, v, _ in rows), *(t for _, _, t in rows if t), *(v for v, _ in references)
    )
    axes.set_xlim(0, largest * 1.35)
    _finish(figure, title, path, caption)
