"""The walkthrough's committed pictures and notebook are current, and the notebook runs."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_walkthrough", ROOT / "docs" / "build_walkthrough.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_pictures_and_notebook_are_current() -> None:
    build = build_script()
    files = build.expected()
    assert {p.name for p in files} == {"scalar.svg", "mlp.svg", "batchnorm.svg", "walkthrough.ipynb"}
    page = (ROOT / "docs" / "walkthrough.md").read_text(encoding="utf-8")
    for path, text in files.items():
        assert path.exists(), f"{path} is missing: run python docs/build_walkthrough.py"
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: python docs/build_walkthrough.py"
        if path.suffix == ".svg":
            assert f"](img/{path.name})" in page and text.startswith("<svg")
    assert build.main(["--check"]) == 0


def test_the_pictures_show_what_the_page_says() -> None:
    svg = (ROOT / "docs" / "img" / "mlp.svg").read_text(encoding="utf-8")
    for label in ("Sequential", "0: Linear", "1: BatchNorm1d", "2: ReLU", "3: Linear", "0.weight", "3.bias",
                  "LogSoftmaxBackward0", "grad (8, 4)"):
        assert f">{label}<" in svg, label
    assert svg.count('class="cluster"') == 5


def test_notebook_cells_are_the_page(tmp_path: Path) -> None:
    nb = json.loads((ROOT / "docs" / "walkthrough.ipynb").read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    page = (ROOT / "docs" / "walkthrough.md").read_text(encoding="utf-8")
    assert len(code) == page.count("```python") and all(block in page for block in code)
    assert not any("](img/" in "".join(c["source"]) for c in nb["cells"])  # live pictures instead


def test_notebook_executes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    nb = nbformat.read(ROOT / "docs" / "walkthrough.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    pictures = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                if "image/svg+xml" in o.get("data", {})]
    assert len(pictures) == 3
    assert all(o["data"]["image/svg+xml"].lstrip().startswith(("<svg", "<?xml")) for o in pictures)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not any(o.get("output_type") == "error" for o in outputs)
