"""minigrad.version: versions compare as versions; under the compat hook torch.__version__ is the
PyTorch release minigrad follows, so a script's feature checks take the modern path; no CUDA build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import minigrad as mg
from minigrad.version import Version, as_torch

REPO = Path(__file__).resolve().parents[1]


def test_versions_compare_by_release_numbers() -> None:
    v = Version("2.13.0+minigrad.0.1.0")
    assert v >= "2.0" and v > "2.9" and v < "2.14" and v >= (1, 10) and v < (3,) and v == (2, 13, 0)
    assert not v < "2.13" and v <= "2.13.0" and v != "2.13.0" and v == "2.13.0+minigrad.0.1.0"
    assert Version("1.9") < "1.10"  # (as text, "1.9" > "1.10")
    assert isinstance(v, str) and str(v) == "2.13.0+minigrad.0.1.0" and hash(v) == hash(str(v))
    with pytest.raises(TypeError):
        _ = v < 2.0
    assert mg.__version__ == "0.1.0" and mg.__version__ >= (0, 1) and mg.version.cuda is None
    assert as_torch() == f"{mg.version.pytorch}+minigrad.{mg.version.minigrad_release}"


def test_torch_version_under_the_compat_hook(tmp_path: Path) -> None:
    script = (
        "import torch\n"
        "from packaging.version import parse\n"
        "print(torch.__version__, torch.version.__version__, torch.version.cuda, torch.version.hip)\n"
        "v = torch.__version__\n"
        "print(v >= '2.0', v >= (1, 10), parse(v) >= parse('2.1'))\n"
        "import minigrad.compat.hook as hook\n"
        "hook.uninstall()\n"
        "import minigrad\n"
        "print(minigrad.__version__)\n"
    )
    program = tmp_path / "versions.py"
    program.write_text(script)
    out = subprocess.run([sys.executable, "-m", "minigrad.compat", str(program)], capture_output=True,
                         text=True, cwd=REPO, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == ["2.13.0+minigrad.0.1.0 2.13.0+minigrad.0.1.0 None None",
                                          "True True True", "0.1.0"]
