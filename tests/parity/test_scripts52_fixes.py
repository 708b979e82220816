"""Cases found by running public PyTorch learning material with ``torch`` aliased to minigrad (scripts52).

Each test runs the same code on both libraries and compares the results. The
material: hunkim/PyTorchZeroToAll, vinhkhuc/PyTorch-Mini-Tutorials, spro/practical-pytorch,
Atcold/NYU-DLSP20, GunhoChoi/PyTorch-FastCampus and omarsar/pytorch_notebooks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _error(fn: Any, *args: Any) -> tuple[type[BaseException], str]:
    with pytest.raises(Exception) as info:
        fn(*args)
    return info.type, str(info.value)


@pytest.mark.parametrize("fn", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("shape", [(1, 128), (3, 5), (3, 5, 2), (0, 5)])
def test_class_loss_of_a_zero_dim_target_names_batch_size_zero(fn: str, shape: tuple[int, ...]) -> None:
    # PyTorchZeroToAll 13_3_char_rnn / 14_1_seq2seq call CrossEntropyLoss(output (1, 128), target tensor(5)):
    # PyTorch reads a 0-dim target's batch size as 0 (a ValueError naming both sizes)
    got = {}
    for lib in (mg, torch):
        lib.manual_seed(0)
        x = lib.randn(*shape)
        got[lib] = _error(getattr(lib.nn.functional, fn), x, lib.tensor(1))
    assert issubclass(got[mg][0], got[torch][0])
    assert got[mg][1].startswith(got[torch][1])


ALIASES = [lambda lib, t: lib.Tensor(t), lambda lib, t: t.new(t), lambda lib, t: lib.FloatTensor(t)]


@pytest.mark.parametrize("make", ALIASES)
def test_legacy_constructors_of_a_tensor_alias_it(make: Any, torch_rules: None) -> None:
    # NYU-DLSP20 01-tensor_tutorial: `r = torch.Tensor(t); r.resize_(3, 8); r.zero_()` then shows t zeroed
    got = []
    for lib in (mg, torch):
        t = lib.arange(6.0).view(2, 3)
        r = make(lib, t)
        r.zero_()
        w = lib.ones(2, requires_grad=True)
        a = make(lib, w)
        (a * lib.tensor([2.0, 3.0])).sum().backward()
        assert w.grad is not None
        got.append((t.tolist(), r is t, r._base is t, type(r).__name__, a.requires_grad, a.is_leaf,
                    type(a.grad_fn).__name__, w.grad.tolist(), t._version))
    assert got[0] == got[1]


def test_torch_tensor_of_an_int_tensor_aliases_it_keeping_its_dtype(torch_rules: None) -> None:
    got = []
    for lib in (mg, torch):
        t = lib.arange(3)
        r = lib.Tensor(t)
        r.add_(1)
        p = lib.nn.Parameter(lib.ones(2))
        got.append((str(r.dtype).removeprefix("torch."), t.tolist(), type(lib.Tensor(p)).__name__,
                    type(p.new(p)).__name__))
    assert got[0] == got[1]


def test_new_of_a_tensor_of_another_dtype_is_a_type_error() -> None:
    for lib in (mg, torch):
        with pytest.raises(TypeError):
            lib.ones(2).new(lib.arange(3))


def test_minigrads_own_tensor_constructor_still_copies() -> None:
    t = mg.arange(3.0)
    r = mg.Tensor(t)
    r.zero_()
    np.testing.assert_array_equal(t.numpy(), [0.0, 1.0, 2.0])


RESIZES = [
    lambda lib: (lib.arange(24.0), lambda t: t.view(2, 3, 4), (3, 8)),
    lambda lib: (lib.arange(24.0), lambda t: t[:12], (3, 4)),
    lambda lib: (lib.arange(24.0), lambda t: t[5:9], (2, 3)),
    lambda lib: (lib.arange(24.0), lambda t: t[5:9], (10,)),
    lambda lib: (lib.arange(24.0).view(2, 3, 4), lambda t: t.transpose(0, 1), (24,)),
    lambda lib: (lib.arange(6).view(2, 3), lambda t: t.t(), (6,)),
    lambda lib: (lib.arange(6, dtype=lib.int32), lambda t: t.view(lib.float32), (2,)),
]


@pytest.mark.parametrize("case", RESIZES)
def test_resize_within_the_memory_keeps_sharing_it(case: Any) -> None:
    # NYU-DLSP20 01-tensor_tutorial: r.resize_(3, 8) of an alias of t, then r.zero_(), zeroes t
    got = []
    for lib in (mg, torch):
        base, view, shape = case(lib)
        v = view(base)
        v.resize_(*shape)
        first = v.tolist()
        v.fill_(7)
        got.append((first, tuple(v.shape), v.stride(), v.storage_offset(), base.tolist(), v.is_contiguous()))
    assert got[0] == got[1]


def test_resize_past_the_memory_keeps_the_offset_and_the_first_values() -> None:
    got = []
    for lib in (mg, torch):
        v = lib.arange(24.0)[5:9]
        v.resize_(30)
        got.append((v.storage_offset(), tuple(v.shape), v[:19].tolist()))
    assert got[0] == got[1]


@pytest.mark.parametrize("move", ["cuda", "xpu", "ipu", "mtia", "bfloat16", "to_cuda"])
def test_moving_a_module_without_tensors_returns_it(move: str) -> None:
    # NYU-DLSP20 06-convnet prints dir(model): PyTorch's Module has ipu, mtia, dump_patches, T_destination;
    # a module holding no tensor (nn.ReLU, a loss without weight) moves anywhere, as PyTorch's _apply
    def run(m: Any) -> Any:
        return m.to("cuda") if move == "to_cuda" else getattr(m, move)()

    for lib in (torch, mg):
        for m in (lib.nn.ReLU(), lib.nn.CrossEntropyLoss(), lib.nn.Sequential(lib.nn.Tanh())):
            assert run(m) is m
    if move != "bfloat16":
        want, _ = _error(run, torch.nn.Linear(2, 2))
        got, _ = _error(run, mg.nn.Linear(2, 2))
        assert issubclass(got, want)
    ints = mg.nn.Module()
    ints.register_buffer("count", mg.zeros(2, dtype=mg.int64))
    assert ints.bfloat16() is ints  # (only floating tensors convert)
    with pytest.raises(TypeError):
        mg.nn.Linear(2, 2).bfloat16()  # (numpy has no bfloat16)


def test_module_class_attributes_of_pytorch() -> None:
    assert mg.nn.Module.dump_patches is torch.nn.Module.dump_patches is False
    assert repr(mg.nn.Module.T_destination) == repr(torch.nn.Module.T_destination)
    assert {n for n in dir(torch.nn.Module) if not n.startswith("_")} <= set(dir(mg.nn.Module))


def _stderr_counts(code: str, needle: str) -> list[int]:
    """How often ``needle`` is in the stderr of ``code`` run by a fresh Python, with minigrad then torch as
    ``lib`` (default warning filters)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PYTHONWARNINGS": ""}
    counts = []
    for lib in ("minigrad", "torch"):
        out = subprocess.run([sys.executable, "-c", code.format(lib=lib)], capture_output=True, text=True,
                             check=True, env=env)
        counts.append(out.stderr.count(needle))
    return counts


def test_non_full_backward_hook_warning_shows_once_for_two_call_sites() -> None:
    # PyTorch-FastCampus Module_Hook_Practice: PyTorch's FutureWarning names a line of its module.py, so the
    # default filter shows it once however many lines call the module; minigrad's named each caller
    code = ("import {lib} as t\nm = t.nn.Sequential(t.nn.Linear(2, 2), t.nn.ReLU())\n"
            "m.register_backward_hook(lambda *a: None)\nx = t.ones(1, 2, requires_grad=True)\n"
            "m(x).sum().backward()\nm(x).sum().backward()\n")
    assert _stderr_counts(code, "FutureWarning: Using a non-full") == [1, 1]


def test_pin_memory_warning_shows_once_for_two_loaders() -> None:
    # NYU-DLSP20 11-VAE iterates a train and a test DataLoader(pin_memory=True): PyTorch's warning names a
    # line of its own iterator, so the default filter shows it once; minigrad's named each loop, so twice
    code = ("from {lib}.utils.data import DataLoader\n"
            "for _ in DataLoader([1, 2], pin_memory=True): pass\n"
            "for _ in DataLoader([3], pin_memory=True): pass\n")
    assert _stderr_counts(code, "UserWarning: 'pin_memory' argument") == [1, 1]



PRODUCTS = [((2, 3), "float32", (3,), "float64"), ((2, 3), "float64", (3,), "float32"),
            ((4, 2, 3), "float64", (3,), "float32"), ((2, 3), "float16", (3,), "float64"),
            ((2, 3), "float32", (3,), "int64"), ((3,), "float32", (3, 2), "float64"),
            ((2, 3), "float32", (3, 2), "float64"), ((4, 2, 3), "float32", (3, 2), "float64"),
            ((2, 3), "float32", (4, 3, 2), "float64"), ((3,), "float64", (4, 3, 2), "float32"),
            ((4, 2, 3), "float64", (4, 3, 2), "float32"), ((5, 4, 2, 3), "float32", (5, 4, 3, 2), "float64"),
            ((4, 2, 3), "float32", (4, 3, 2), "int32"), ((3,), "float32", (3,), "float64")]


@pytest.mark.parametrize(("sa", "da", "sb", "db"), PRODUCTS)
def test_mixed_dtype_products_raise_the_words_of_pytorchs_kernel(sa: Any, da: str, sb: Any, db: str) -> None:
    # NYU-DLSP20 extra/optimization: A @ torch.tensor([np.float64, np.float64]) (a float32 matrix times a
    # float64 vector) raises PyTorch's addmv words; batched products word it as bmm, matrices as mm
    got = {}
    for lib in (mg, torch):
        a, b = lib.ones(sa, dtype=getattr(lib, da)), lib.ones(sb, dtype=getattr(lib, db))
        got[lib] = _error(lib.matmul, a, b)
    assert issubclass(got[mg][0], got[torch][0])
    assert got[mg][1].startswith(got[torch][1])


@pytest.mark.parametrize("workers", [0, 2])
def test_dataloader_iterator_class_and_length(workers: int) -> None:
    # omarsar/pytorch_notebooks: `iter(trainloader).next()` (num_workers=2) fails naming PyTorch's iterator
    # class; minigrad's was a generator (no len(), another name in the AttributeError)
    got = []
    for lib in (mg, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (minigrad's once-per-process note on workers)
            loader = lib.utils.data.DataLoader(list(range(10)), batch_size=3, num_workers=workers)
            it = iter(loader)
            got.append((type(it).__name__, len(it), [b.tolist() for b in it]))
    assert got[0] == got[1]


def test_volatile_is_false_with_pytorchs_warnings() -> None:
    # GunhoChoi/PyTorch-FastCampus 0_Variable_Autograd prints x.volatile of a Variable(..., volatile=True)
    got = []
    for lib in (mg, torch):
        x = lib.autograd.Variable(lib.ones(2), requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            flag = x.volatile
            x.volatile = True
        got.append((flag, [str(w.message) for w in caught],
                    [w.category for w in caught]))
    assert got[0] == got[1]


def test_tensor_cuda_leads_with_pytorchs_words() -> None:
    want = _error(torch.ones(2).cuda)
    got = _error(mg.ones(2).cuda)
    assert issubclass(got[0], want[0]) and got[1].startswith(want[1])


def test_requires_grad_takes_pytorchs_keyword() -> None:
    # Dive-into-DL-PyTorch 3.2 / 3.6: w.requires_grad_(requires_grad=True) (PyTorch's argument name)
    for lib in (mg, torch):
        w = lib.zeros(2)
        assert w.requires_grad_(requires_grad=True) is w and w.requires_grad
        assert not lib.zeros(2).requires_grad_(requires_grad=False).requires_grad
        with pytest.raises(TypeError):
            lib.zeros(2).requires_grad_(requires_grad=1)


def test_tensor_methods_take_pytorchs_keywords() -> None:
    # a scan of Tensor methods' keyword names against PyTorch's (after requires_grad_): swapaxes_ takes
    # axis0/axis1 (it was transpose_ itself, dim0/dim1) and cpu takes memory_format
    got = []
    for lib in (mg, torch):
        t = lib.ones(2, 3)
        s = t.clone().swapaxes_(axis0=0, axis1=1)
        x = lib.ones(1, 2, 3, 4)
        cl = x.cpu(memory_format=lib.channels_last)
        got.append((tuple(s.shape), t.cpu(memory_format=lib.preserve_format) is t, cl.stride(), cl is x))
    assert got[0] == got[1]


CUDA_CALLS = [lambda lib: lib.ones(2).cuda(0), lambda lib: lib.ones(2).cuda(),
              lambda lib: lib.ones(2).cuda("cuda:0"),
              lambda lib: lib.nn.Linear(2, 2).cuda(0), lambda lib: lib.nn.Linear(2, 2).cuda()]


@pytest.mark.parametrize("call", CUDA_CALLS)
def test_cuda_words_of_pytorchs_cpu_build(call: Any) -> None:
    # Dive-into-DL-PyTorch 4.6 (use-gpu): x.cuda(0) says "Cannot access accelerator device when none is
    # available.", x.cuda() "Torch not compiled with CUDA enabled"
    want = _error(call, torch)
    got = _error(call, mg)
    assert issubclass(got[0], want[0]) and got[1].startswith(want[1])
