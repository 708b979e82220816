"""Regenerate the walkthrough's pictures (docs/img/*.svg) and its notebook (docs/walkthrough.ipynb).

    python docs/build_walkthrough.py            # rewrite them from docs/walkthrough.md
    python docs/build_walkthrough.py --check    # exit 1 if any is out of date (what the tests do)

The pictures come from running the page's own code: every ```python block runs
in order, in one namespace (in a temporary directory), and a block followed by
an image reference ``![...](img/NAME.svg)`` must end with an expression whose
value is an ``mg.viz.Graph``; its SVG, drawn by minigrad's built-in layout
(the same bytes on every machine, Graphviz or not), is written to
``docs/img/NAME.svg``. In the notebook those image references are left out:
the same expression shows the live picture there.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
PAGE = DOCS / "walkthrough.md"
NOTEBOOK = DOCS / "walkthrough.ipynb"
IMAGES = DOCS / "img"
if str(DOCS.parent) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(DOCS.parent))

FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*\n", re.DOTALL | re.MULTILINE)
IMAGE = re.compile(r"^!\[[^\]]*\]\(img/([\w-]+\.svg)\)[ \t]*\n?", re.MULTILINE)


def split(text: str) -> list[tuple[str, str]]:
    """The page as ("markdown", text) and ("python", source) pieces, in order."""
    pieces: list[tuple[str, str]] = []
    pos = 0
    for m in FENCE.finditer(text):
        pieces.append(("markdown", text[pos:m.start()]))
        pieces.append(("python", m.group(1)))
        pos = m.end()
    pieces.append(("markdown", text[pos:]))
    return pieces


def _run_block(source: str, namespace: dict[str, Any], where: str) -> Any:
    """Run a block as a notebook cell would: the value of its last line if that is an expression."""
    tree = ast.parse(source, filename=where)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(tree, where, "exec"), namespace)
        if last is None:
            return None
        return eval(compile(ast.Expression(last.value), where, "eval"), namespace)


def images(text: str) -> dict[str, str]:
    """Name -> SVG text of every picture the page refers to, from running its code."""
    out: dict[str, str] = {}
    namespace: dict[str, Any] = {"__name__": "walkthrough"}
    value: Any = None
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            for kind, body in split(text):
                if kind == "python":
                    value = _run_block(body, namespace, PAGE.name)
                    continue
                for name in IMAGE.findall(body):
                    if not hasattr(value, "svg"):
                        raise SystemExit(f"{PAGE.name}: the block before img/{name} does not end with a "
                                         "graph (an mg.viz.Graph expression)")
                    out[name] = value.svg(engine="python")
                    value = None
        finally:
            os.chdir(cwd)
    return out


def notebook(text: str) -> str:
    """The page as a Jupyter notebook (nbformat 4.5, not executed), as JSON text."""
    cells = []
    for kind, body in split(text):
        if kind == "markdown":
            body = IMAGE.sub("", body).strip("\n")
            if not body:
                continue
            cell: dict[str, Any] = {"cell_type": "markdown", "metadata": {}}
        else:
            body = body.rstrip("\n")
            cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
        cell["id"] = f"cell-{len(cells)}"
        cell["source"] = body.splitlines(keepends=True)
        cells.append(cell)
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def expected() -> dict[Path, str]:
    """Every generated file and the text it should have."""
    text = PAGE.read_text(encoding="utf-8")
    files = {IMAGES / name: svg for name, svg in images(text).items()}
    files[NOTEBOOK] = notebook(text)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that are out of date")
    args = parser.parse_args(argv)
    stale = []
    for path, text in expected().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{'out of date' if args.check else 'wrote'}: {path.relative_to(DOCS.parent)}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
