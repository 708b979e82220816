"""Behaviours real public PyTorch scripts (run unmodified under minigrad.compat) showed to differ, compared
with PyTorch itself."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_rnn_dropout_warning_names_the_library_line(cls: str) -> None:
    # PyTorch's warning names its own subclass's super().__init__ line (stacklevel=2), so a script building
    # two one-layer recurrent layers with dropout sees it once under the default filter, not once per layer.
    names = []
    for lib in (mg, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            getattr(lib.nn, cls)(2, 3, dropout=0.5)
        assert len(caught) == 1 and caught[0].category is UserWarning
        names.append(os.path.basename(caught[0].filename))
    assert names == ["rnn.py", "rnn.py"]


_NOTES_PRELUDE = """
import warnings, torch
def run(label, f):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = f()
    print(label, [(str(w.message)[:50], w.category.__name__, w.lineno) for w in caught])
    return out
i, v = torch.tensor([[0, 1, 1], [1, 0, 1]]), torch.tensor([1.0, 2.0, 3.0])
"""

_NOTES_CASES = {
    # PyTorch notes once per process that the invariant checks are implicitly off: at the first constructor
    # called without check_invariants while the global switch was never set (pytorch/examples gcn)
    "once": "run('a', lambda: torch.sparse_coo_tensor(i, v, (2, 2)))\n"
            "run('b', lambda: torch.sparse_coo_tensor(i, v, (2, 2)))\n",
    "explicit_then_implicit":
        "run('a', lambda: torch.sparse_coo_tensor(i, v, (2, 2), check_invariants=False))\n"
        "run('b', lambda: torch.sparse_coo_tensor(i, v, (2, 2)))\n",
    "switch_set": "with torch.sparse.check_sparse_tensor_invariants(False):\n"
                  "    print(torch.sparse.check_sparse_tensor_invariants.is_enabled())\n"
                  "print(torch.sparse.check_sparse_tensor_invariants.is_enabled())\n"
                  "run('a', lambda: torch.sparse_coo_tensor(i, v, (2, 2)))\n"
                  "torch.sparse.check_sparse_tensor_invariants.enable()\n"
                  "print(torch.sparse.check_sparse_tensor_invariants.is_enabled())\n",
    "legacy_and_size_only": "run('a', lambda: torch.sparse.FloatTensor(i, v, torch.Size([2, 2])))\n"
                            "run('b', lambda: torch.sparse_coo_tensor((2, 3)))\n",
    # two sparse matrices multiply to a sparse one holding every entry their patterns meet at (a stored 0
    # too), with PyTorch's once-per-process note on its CSR support
    "products": "x = torch.sparse_coo_tensor(i, v, (2, 2), check_invariants=False)\n"
                "z = torch.sparse_coo_tensor([[0, 0], [0, 1]], [1.0, -1.0], (1, 2), check_invariants=False)\n"
                "w = torch.sparse_coo_tensor([[0, 1], [0, 0]], [1.0, 1.0], (2, 1), check_invariants=False)\n"
                "for name, f in [('op', lambda: x @ x), ('mm', lambda: torch.mm(x, x)), ('method', "
                "lambda: x.mm(x)), ('smm', lambda: torch.sparse.mm(x, x)), ('zero', lambda: z @ w)]:\n"
                "    r = run(name, f)\n"
                "    print(r.layout, r.is_coalesced(), r._nnz(), r.indices().tolist(), r.values().tolist())\n"
                "y = torch.sparse_coo_tensor(i, v, (2, 2), check_invariants=False).requires_grad_()\n"
                "r = y @ y\n"
                "print(r.grad_fn.name(), torch.sparse.mm(y, y).grad_fn.name())\n"
                "r.to_dense().sum().backward()\n"
                "print(y.grad.to_dense().tolist())\n",
}


@pytest.mark.parametrize("case", sorted(_NOTES_CASES))
def test_sparse_notes_and_products_as_pytorch(case: str, tmp_path: Any) -> None:
    script = tmp_path / "notes.py"
    script.write_text(_NOTES_PRELUDE + _NOTES_CASES[case])
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]), OMP_NUM_THREADS="1")
    commands = ([sys.executable, str(script)], [sys.executable, "-m", "minigrad.compat", str(script)])
    done = [subprocess.run(c, capture_output=True, text=True, timeout=120, env=env) for c in commands]
    assert done[0].returncode == 0, done[0].stderr
    assert done[1].stdout == done[0].stdout, done[1].stderr


@pytest.mark.parametrize("shapes", [((2, 2), (2, 2)), ((3,), (2, 3)), ((2,), (3,))])
def test_tensor_dot_method_checks_shapes_as_torch_dot(shapes: tuple[tuple[int, ...], ...]) -> None:
    # MorvanZhou 201_torch_numpy: tensor.dot(tensor) of 2-D tensors raised in PyTorch, returned a matmul here
    errors = []
    for lib in (mg, torch):
        a, b = (lib.ones(s) for s in shapes)
        with pytest.raises(RuntimeError) as info:
            a.dot(b)
        errors.append(str(info.value))
    assert errors[0].startswith(errors[1])


def test_tensor_dot_method_value_and_node() -> None:
    results = []
    for lib in (mg, torch):
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = a.dot(lib.tensor([4.0, 5.0, 6.0]))
        y.backward()
        results.append((y.item(), y.grad_fn.name(), a.grad.tolist()))
    assert results[0] == results[1]


def _weight_step(lib: Any, case: str) -> None:
    x = lib.ones(3, 4, requires_grad=True)
    if case == "linear_then_step":  # an optimizer's step between two backwards through Linear's weight.t()
        lin = lib.nn.Linear(4, 2)
        y = lin(x).sum()
        y.backward(retain_graph=True)
        lib.optim.SGD(lin.parameters(), lr=0.1).step()
    elif case == "no_grad_leaf":
        w = lib.ones(2, 4, requires_grad=True)
        y = (x @ w.t()).sum()
        with lib.no_grad():
            w.add_(1)
    elif case == "view_written":
        b = x * 2
        v = b.t()
        y = (v.sigmoid() * v).sum()
        v.mul_(2)
    else:  # a view of a base written in place with grad on
        b = x * 2
        v = b[0]
        y = (v * v).sum()
        b.add_(1)
    y.backward()


@pytest.mark.parametrize("case", ["linear_then_step", "no_grad_leaf", "view_written", "base_written"])
def test_saved_view_changed_in_place_is_named_as_strided(case: str) -> None:
    # MorvanZhou 406_conditional_GAN: PyTorch's version error names a saved view changed in place (the
    # weight.t() Linear saves, after opt_D.step()) "output 0 of AsStrided" (its regenerated node); this said T
    errors = []
    for lib in (mg, torch):
        with pytest.raises(RuntimeError) as info:
            _weight_step(lib, case)
        errors.append(str(info.value))
    assert errors[0] == errors[1]


def test_indexing_a_0_dim_tensor_message_is_pytorch_s() -> None:
    # eriklindernoren PyTorch-GAN began.py: loss.data[0] on a 0-d loss fails with PyTorch's words
    errors = []
    for lib in (mg, torch):
        with pytest.raises(IndexError) as info:
            lib.tensor(1.5)[0]
        errors.append(str(info.value))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("form", ["module", "functional"])
def test_legacy_size_average_warning_names_the_library_line(form: str) -> None:
    # L1aoXingyu pytorch-beginner Variational_autoencoder: nn.MSELoss(size_average=False) warns from inside
    # the library in PyTorch (loss.py): two such losses built on two lines warn once under the default filter
    names = []
    for lib in (mg, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if form == "module":
                lib.nn.MSELoss(size_average=False)
            else:
                lib.nn.functional.mse_loss(lib.ones(2), lib.zeros(2), size_average=False)
        assert len(caught) == 1 and "reduction='sum'" in str(caught[0].message)
        names.append(os.path.basename(caught[0].filename) != os.path.basename(__file__))
    assert names == [True, True]
