"""Run the Python examples of every ``docs/*.md`` page, so the documentation cannot rot.

Each page's fenced ```python blocks are executed in order in one namespace per
page (later blocks may use names from earlier ones), in a temporary working
directory. A failing block reports the page, the block's first line number and
the exception. Every block must run as written: a page's first block sets up
whatever the later ones use.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, source) of each ```python block."""
    return [(text.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in FENCE.finditer(text)]


def test_block_extraction() -> None:
    page = "intro\n```python\nx = 1\n```\ntext\n```\nnot python\n```\n```python\ny = x + 1\n```\n"
    assert python_blocks(page) == [(3, "x = 1\n"), (10, "y = x + 1\n")]


PAGES = sorted(DOCS.glob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_doc_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # examples that save files write them here, not into the repository
    blocks = python_blocks(page.read_text(encoding="utf-8"))
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for line, source in blocks:
        code = compile(source, f"{page.name}:{line}", "exec")
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(code, namespace)
            except Exception as e:
                pytest.fail(f"{page.name}, block at line {line}: {type(e).__name__}: {e}")


def test_normalization_page_exists_with_examples() -> None:
    page = DOCS / "normalization.md"
    assert len(python_blocks(page.read_text(encoding="utf-8"))) >= 5
