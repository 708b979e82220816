"""The suite works without PyTorch: every module collects, and the parity tests skip.

PyTorch is only the oracle of the parity tests (``pip install -e ".[parity]"``);
``python -m pytest`` on an install without it must still run everything else.
A test module that imports torch at its top without ``require_torch()`` or
``pytest.importorskip("torch")`` would break that, and fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# ``None`` in sys.modules makes ``import torch`` raise ImportError, as on an install without it.
_COLLECT = """
import sys
sys.modules["torch"] = None
import pytest
sys.exit(pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", "-n", "0", "tests"]))
"""


def test_every_module_collects_without_torch() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MINIGRAD_REQUIRE_TORCH"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    run = subprocess.run([sys.executable, "-c", _COLLECT], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    report = run.stdout[-4000:] + run.stderr
    assert run.returncode == 0, f"collecting the suite without torch failed:\n{report}"
    assert "skipped" in run.stdout.lower(), f"without torch the parity modules should skip:\n{report}"
