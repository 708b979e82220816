"""``sys.modules["torch"] = minigrad`` by hand: one copy of every module, and the compat hook's behaviour.

Each test runs a script in a subprocess, as the import hook changes the
process's import system (and this process may have the real PyTorch loaded).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import minigrad

ROOT = Path(minigrad.__file__).resolve().parent.parent


def _run(code: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_submodules_of_a_hand_made_alias_are_minigrads_own() -> None:
    out = _run("""
        import sys
        import minigrad
        sys.modules["torch"] = minigrad
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.distributions as D
        import torch.nn.attention
        from torch.utils.data import DataLoader
        print(nn is minigrad.nn, sys.modules["torch.nn"] is minigrad.nn, F is minigrad.nn.functional,
              D is minigrad.distributions, DataLoader is minigrad.utils.data.DataLoader,
              sys.modules["torch.nn.attention"] is sys.modules["minigrad.nn.attention"],
              minigrad.nn is sys.modules["minigrad.nn"], torch.Tensor([1, 2]).dtype)
    """)
    assert out == ["True"] * 7 + ["torch.float32"]  # (the hook shows PyTorch's dtype objects)


def test_a_script_reaching_everything_as_attributes_gets_pytorchs_rules_from_its_first_call() -> None:
    # no `import torch.X`: the hook is installed by the first torch.Tensor(...), seed or Module
    out = _run("""
        import sys
        import minigrad
        sys.modules["torch"] = minigrad
        import torch
        first = torch.Tensor([1, 2]).dtype
        torch.manual_seed(0)
        print(first, torch.nn.Dropout(0.5)(torch.ones(8)).tolist())
    """)
    # PyTorch 2.13's mask for Dropout(0.5) on 8 elements right after manual_seed(0) (the fast stream differs)
    assert out[0] == "torch.float32"
    assert " ".join(out[1:]) == "[0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 2.0, 2.0]"


def test_the_hook_runs_a_lazily_imported_module_once() -> None:
    out = _run("""
        import sys
        import minigrad.compat
        minigrad.compat.install()
        import torch.nn.parallel as P
        print(P is sys.modules["minigrad.nn.parallel"], sys.modules["torch.nn.parallel"] is P)
    """)
    assert out == ["True", "True"]


def test_the_hook_a_hand_made_alias_installed_comes_off_with_the_alias() -> None:
    # a harness that aliases torch for one script, then restores it: minigrad's own rules come back
    out = _run("""
        import sys
        import minigrad
        sys.modules["torch"] = minigrad
        import torch
        during = torch.Tensor([1, 2]).dtype
        del sys.modules["torch"]
        print(during, minigrad.Tensor([1, 2]).dtype, repr(minigrad.Size([2])), minigrad.compat.installed())
    """)
    assert out == ["torch.float32", "int64", "minigrad.Size([2])", "False"]


def test_a_tensor_of_a_dtype_without_a_torch_name_shows_its_numpy_dtype() -> None:
    # (from_numpy of a uint16 array raised KeyError at .dtype under the alias: found by progs34 and ops34)
    out = _run("""
        import sys
        import numpy as np
        import minigrad
        sys.modules["torch"] = minigrad
        import torch.nn
        t = minigrad.from_numpy(np.arange(3, dtype=np.uint16))
        print(t.dtype, (t + 1).tolist(), t.float().dtype)
    """)
    assert out == ["uint16", "[1,", "2,", "3]", "torch.float32"]
