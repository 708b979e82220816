"""Under the compat hook a script sees PyTorch's dtype objects: ``print(x.dtype)`` prints ``torch.float32``
(tutorials print it: "Datatype of tensor: torch.float32"), and ``dtype.is_floating_point`` exists. Outside
the hook minigrad's dtypes stay numpy's (API.md: ``.dtype`` is a numpy dtype). Classes show PyTorch's
modules too: ``type(x)`` prints ``<class 'torch.Tensor'>``.

The script runs under the real PyTorch and under ``python -m minigrad.compat``; the outputs must be equal.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

import minigrad as mg
from minigrad.compat import hook
from tests.helpers import require_torch

ROOT = Path(mg.__file__).resolve().parent.parent

SCRIPT = """
import copy, pickle
import torch

x = torch.ones(2, 3)
print(x.dtype, torch.float32, torch.long, torch.bool, torch.half, torch.double, torch.uint8, torch.bfloat16)
print(f"Datatype of tensor: {x.dtype}", repr(x.long().dtype), str(x.int().dtype), [x.dtype], {"d": x.dtype})
print(x.dtype is torch.float32, x.dtype == torch.float, x.double().dtype is torch.float64,
      x.dtype != torch.int64)
print(torch.get_default_dtype(), torch.promote_types(torch.int32, torch.float16), torch.result_type(x, 1))
for dt in (torch.float16, torch.float32, torch.float64, torch.uint8, torch.int8, torch.int16, torch.int32,
           torch.int64, torch.bool):
    print(dt, dt.is_floating_point, dt.is_signed, dt.is_complex, dt.itemsize, dt.to_real())
sizes = {torch.float32: "single", torch.float64: "double", torch.int64: "long"}
print(sizes[x.dtype], sizes[x.double().dtype], sizes.get(x.long().dtype), x.dtype in sizes,
      torch.int8 in sizes)
print(isinstance(x.dtype, torch.dtype), type(x.dtype) is torch.dtype, type(torch.int64).__name__)
print(copy.deepcopy(torch.float32) is torch.float32, pickle.loads(pickle.dumps(x.dtype)) is torch.float32)
print(torch.zeros(2, dtype=torch.float64).dtype, x.to(torch.int32).dtype, torch.tensor([1, 2]).dtype,
      torch.arange(3.0).dtype, torch.tensor([x[0, 0], x[0, 1]]).dtype,
      x.new_zeros(2, dtype=torch.int16).dtype)
print(torch.nn.Linear(2, 2, dtype=torch.float64).weight.dtype, torch.finfo(x.dtype).eps,
      torch.iinfo(torch.int8).max)
print(str(x.dtype).split(".")[-1], x.numpy().dtype, torch.from_numpy(x.numpy().astype("float64")).dtype)
print(torch.empty(0, dtype=x.dtype).dtype, x.dtype == x.double().dtype, hash(x.dtype) == hash(torch.float32))
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
print(type(x), type(nn.Parameter(x)), type(x.shape), type(x.device), type(x.dtype), torch.Tensor, nn.Module)
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.BatchNorm1d(4), nn.Embedding(3, 2), nn.LSTM(2, 2),
                      nn.CrossEntropyLoss(), nn.MultiheadAttention(4, 2), nn.Conv2d(1, 1, 1))
print(type(model), [type(m) for m in model])
opt = torch.optim.AdamW(model.parameters())
print(type(opt), type(torch.optim.SGD(model.parameters(), lr=0.1)),
      type(torch.optim.Adam(model.parameters())))
print(type(torch.optim.lr_scheduler.StepLR(opt, 1)), type(torch.no_grad()), type(torch.finfo(torch.float32)))
print(type(TensorDataset(x)), type(DataLoader(TensorDataset(x))), type(torch.distributions.Normal(0.0, 1.0)))
from torch.optim.adamw import AdamW
print(type(torch.Generator()), pickle.loads(pickle.dumps(torch.Generator)) is torch.Generator)
print(type(x.max(0)), pickle.loads(pickle.dumps(nn.Linear)) is nn.Linear, AdamW is torch.optim.AdamW)
print(pickle.loads(pickle.dumps(torch.Tensor)) is torch.Tensor,
      pickle.loads(pickle.dumps(type(opt))) is AdamW)
states = {**nn.Linear(2, 2).state_dict(), **nn.BatchNorm1d(2).state_dict()}  # (EMA code tests these dtypes)
print([(k, v.dtype, v.dtype.is_floating_point) for k, v in states.items()], states["weight"].float().dtype)
torch.set_default_dtype(torch.float64)
print(torch.get_default_dtype(), torch.tensor([0.5]).dtype, torch.randn(2).dtype)
"""


def _run(args: list[str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_scripts_see_pytorchs_dtypes(tmp_path: Path) -> None:
    require_torch()
    script = tmp_path / "dtypes_script.py"
    script.write_text(textwrap.dedent(SCRIPT))
    ours = _run(["-m", "minigrad.compat", str(script)])
    assert ours == _run([str(script)])
    assert "Datatype of tensor: torch.float32" in ours and "<class 'torch.Tensor'>" in ours


def test_outside_the_hook_dtypes_are_numpys() -> None:
    assert not hook.installed()
    assert mg.float32 is np.dtype(np.float32) and mg.ones(2).dtype is np.dtype(np.float32)
    assert isinstance(mg.ones(2).dtype, np.dtype) and str(mg.ones(2).long().dtype) == "int64"
    assert repr(mg.bfloat16) == "minigrad.bfloat16" and mg.get_default_dtype() is np.dtype(np.float32)
    assert mg.Tensor.__module__ == "minigrad.tensor" and mg.nn.Linear.__module__ == "minigrad.nn.linear"


def test_a_torch_style_dtype_is_taken_wherever_minigrad_takes_a_dtype() -> None:
    f64 = mg.dtypes.torch_style(np.float64)
    assert f64 is mg.dtypes.torch_style(mg.float64) and repr(f64) == "torch.float64"
    assert f64 == np.float64 and np.dtype(np.float64) == f64 and hash(f64) == hash(np.dtype(np.float64))
    assert mg.zeros(2, dtype=f64).dtype is np.dtype(np.float64)
    assert mg.ones(2).to(f64).dtype == np.float64 and np.zeros(1, f64).dtype == np.float64
    assert mg.finfo(f64).eps == np.finfo(np.float64).eps and f64.kind == "f"
