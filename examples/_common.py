"""Shared helpers for the example scripts: imports, data paths, progress, timing, curves.

Not part of the library: each example imports this module by name, which works
because Python puts the running script's own folder (``examples/``) on
``sys.path``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent
REPO_ROOT = EXAMPLES_DIR.parent
DATA_DIR = EXAMPLES_DIR / "data"

# An example must run from a fresh clone without `pip install -e .` too, and
# from any working directory: fall back to the checkout this file sits in.
try:
    import minigrad  # noqa: F401
except ModuleNotFoundError:
    sys.path.insert(0, str(REPO_ROOT))


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Show each flag's default and keep the description's line breaks."""


def make_parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser whose ``--help`` shows the script's docstring and the defaults."""
    return argparse.ArgumentParser(description=doc, formatter_class=HelpFormatter)


def positive_int(text: str) -> int:
    """argparse type: an int >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {value}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a float > 0."""
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {value}")
    return value


def unit_float(text: str) -> float:
    """argparse type: a float in [0, 1)."""
    value = float(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {value}")
    return value


def fmt_time(seconds: float) -> str:
    """``4.2s``, ``3m07s`` or ``1h02m``: short enough for a progress line."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class Progress:
    """A one-line progress bar on a terminal; silent when output goes to a file or pipe.

    Logs and tests then see only the periodic lines the script prints itself,
    not hundreds of carriage returns.
    """

    def __init__(self, total: int, label: str = "", width: int = 24) -> None:
        self.total = max(total, 1)
        self.label = label
        self.width = width
        self.start = time.perf_counter()
        self.enabled = sys.stdout.isatty() and not os.environ.get("NO_PROGRESS")
        self._shown = False
        self._last_draw = 0.0

    def update(self, done: int, note: str = "") -> None:
        """Redraw the bar at ``done`` of ``total``, with an ETA and a short note."""
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self._last_draw < 0.1 and done < self.total:  # redraw at most ~10 times a second
            return
        self._last_draw = now
        frac = min(done / self.total, 1.0)
        filled = round(frac * self.width)
        elapsed = now - self.start
        eta = elapsed / frac * (1 - frac) if frac > 0 else 0.0
        bar = "#" * filled + "." * (self.width - filled)
        line = f"\r{self.label}[{bar}] {done}/{self.total} {fmt_time(elapsed)} eta {fmt_time(eta)} {note}"
        sys.stdout.write(line[:120].ljust(80))
        sys.stdout.flush()
        self._shown = True

    def clear(self) -> None:
        """Erase the bar so that an ordinary print starts on a clean line."""
        if self._shown:
            sys.stdout.write("\r" + " " * 120 + "\r")
            sys.stdout.flush()
            self._shown = False


def save_curves(out_dir: Path, stem: str, header: Sequence[str], rows: Sequence[Sequence[float]],
                plots: Sequence[tuple[str, Sequence[str]]]) -> list[Path]:
    """Write training curves: always a text table, plus a PNG when matplotlib is importable.

    ``rows`` hold one record per step/epoch, the first column being the x axis;
    ``plots`` name each panel's title and the columns (from ``header``) drawn on it.
    Returns the paths written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    table = out_dir / f"{stem}.tsv"
    with open(table, "w", encoding="utf-8") as f:
        f.write("\t".join(header) + "\n")
        for row in rows:
            f.write("\t".join(f"{v:.6g}" for v in row) + "\n")
    written = [table]
    try:
        import matplotlib  # type: ignore[import-not-found, unused-ignore]

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return written
    fig, axes = plt.subplots(1, len(plots), figsize=(5 * len(plots), 3.6), squeeze=False)
    xs = [row[0] for row in rows]
    for ax, (title, columns) in zip(axes[0], plots, strict=True):
        for name in columns:
            col = header.index(name)
            ax.plot(xs, [row[col] for row in rows], label=name, marker="." if len(rows) < 40 else None)
        ax.set_title(title)
        ax.set_xlabel(header[0])
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    png = out_dir / f"{stem}.png"
    fig.savefig(png, dpi=100)
    plt.close(fig)
    written.append(png)
    return written


def report_curves(paths: Sequence[Path]) -> None:
    """Print where :func:`save_curves` wrote the curves, and how to get a PNG if it could not draw one."""
    for path in paths:
        print(f"curves written to {path}")
    if not any(p.suffix == ".png" for p in paths):
        print("(install matplotlib for a PNG plot of the curves: pip install -e '.[examples]')")
