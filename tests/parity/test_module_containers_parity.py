"""Sequential/ModuleList/ModuleDict/ParameterList operators and errors against torch (+, +=, *, *=, pop,
insert, tensor indices, update forms), and nn.utils.fusion / skip_init numerically."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _layers(lib: Any) -> list[Any]:
    return [lib.nn.ReLU(), lib.nn.Tanh(), lib.nn.Sigmoid()]


def _names(seq: Any) -> list[tuple[str, str]]:
    return [(n, type(m).__name__) for n, m in seq.named_children()]


OPS: dict[str, Callable[[Any, list[Any]], Any]] = {
    "add": lambda lib, ls: lib.nn.Sequential(*ls[:2]) + lib.nn.Sequential(ls[2]),
    "iadd": lambda lib, ls: _iadd(lib.nn.Sequential(ls[0]), lib.nn.Sequential(*ls[1:])),
    "mul": lambda lib, ls: lib.nn.Sequential(*ls[:2]) * 2,
    "rmul": lambda lib, ls: 3 * lib.nn.Sequential(ls[0]),
    "imul": lambda lib, ls: _imul(lib.nn.Sequential(*ls[:2]), 2),
    "pop": lambda lib, ls: _pop(lib.nn.Sequential(*ls), 1),
    "insert negative": lambda lib, ls: lib.nn.Sequential(*ls[:2]).insert(-1, ls[2]),
    "tensor index": lambda lib, ls: lib.nn.Sequential(*ls)[lib.tensor(2)],
    "extend": lambda lib, ls: lib.nn.Sequential(ls[0]).extend(ls[1:]),
    "list add": lambda lib, ls: lib.nn.ModuleList(ls[:1]) + lib.nn.ModuleList(ls[1:]),
    "list pop": lambda lib, ls: _pop(lib.nn.ModuleList(ls), -1),
    "dict update pairs": lambda lib, ls: _update(lib.nn.ModuleDict(), [("a", ls[0]), ["b", ls[1]]]),
    "dict update dict": lambda lib, ls: _update(lib.nn.ModuleDict(), lib.nn.ModuleDict({"z": ls[2]})),
}


def _iadd(a: Any, b: Any) -> Any:
    a += b
    return a


def _imul(a: Any, k: int) -> Any:
    a *= k
    return a


def _pop(c: Any, i: int) -> Any:
    return c, c.pop(i)


def _update(d: Any, other: Any) -> Any:
    d.update(other)
    return d


def _shape(res: Any) -> Any:
    if isinstance(res, tuple):
        return tuple(_shape(r) for r in res)
    return _names(res) if hasattr(res, "named_children") and len(res._modules) else type(res).__name__


@pytest.mark.parametrize("op", list(OPS))
def test_container_operators_match_torch(op: str) -> None:
    assert _shape(OPS[op](mg, _layers(mg))) == _shape(OPS[op](torch, _layers(torch)))


ERRORS: dict[str, Callable[[Any], Any]] = {
    "add non-Sequential": lambda lib: lib.nn.Sequential() + lib.nn.ModuleList(),
    "mul by float": lambda lib: lib.nn.Sequential(lib.nn.ReLU()) * 1.5,
    "mul by zero": lambda lib: lib.nn.Sequential(lib.nn.ReLU()) * 0,
    "insert a list": lambda lib: lib.nn.Sequential(lib.nn.ReLU()).insert(0, [lib.nn.ReLU()]),
    "insert out of range": lambda lib: lib.nn.Sequential(lib.nn.ReLU()).insert(3, lib.nn.ReLU()),
    "index out of range": lambda lib: lib.nn.ModuleList([lib.nn.ReLU()])[1],
    "extend a module": lambda lib: lib.nn.ModuleList().extend(lib.nn.ReLU()),
    "dict update int": lambda lib: lib.nn.ModuleDict().update(1),
    "dict update bad pair": lambda lib: lib.nn.ModuleDict().update([("a", lib.nn.ReLU(), 3)]),
    "dict update non-pair": lambda lib: lib.nn.ModuleDict().update([1]),
    "param dict update tensor": lambda lib: lib.nn.ParameterDict().update(lib.nn.Parameter(lib.ones(3, 3))),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_container_errors_match_torch(case: str) -> None:
    with pytest.raises(Exception) as want:
        ERRORS[case](torch)
    with pytest.raises(Exception) as got:
        ERRORS[case](mg)
    assert issubclass(got.type, want.type)
    if case not in ("add non-Sequential", "mul by float", "mul by zero", "insert a list"):  # (class names)
        assert str(got.value) == str(want.value)


def test_parameter_list_takes_tensor_indices() -> None:
    for lib in (torch, mg):
        pl = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(1)), lib.nn.Parameter(lib.zeros(1))])
        p = lib.nn.Parameter(lib.full((1,), 5.0))
        pl[lib.tensor(1, dtype=lib.int16)] = p
        assert pl[lib.tensor(1)] is p


def _bn(lib: Any, cls: str, c: int, affine: bool) -> Any:
    bn = getattr(lib.nn, cls)(c, affine=affine, dtype=lib.float64).eval()
    rng = np.random.default_rng(0)
    with lib.no_grad():
        bn.running_mean.copy_(lib.tensor(rng.normal(size=c)))
        bn.running_var.copy_(lib.tensor(rng.uniform(0.5, 2.0, size=c)))
        if affine:
            bn.weight.copy_(lib.tensor(rng.normal(size=c)))
            bn.bias.copy_(lib.tensor(rng.normal(size=c)))
    return bn


@pytest.mark.parametrize("affine", [True, False])
def test_fusion_matches_torch_and_the_unfused_pair(affine: bool) -> None:
    x = np.random.default_rng(1).normal(size=(2, 3, 6, 6))
    outs = []
    weights: dict[str, Any] = {}
    for lib in (torch, mg):
        conv = lib.nn.Conv2d(3, 4, 3, bias=affine, dtype=lib.float64).eval()
        lin = lib.nn.Linear(3, 4, dtype=lib.float64).eval()
        if lib is mg:  # the same weights as torch's
            conv.load_state_dict(weights["conv"])
            lin.load_state_dict(weights["lin"])
        else:
            weights.update(conv=conv.state_dict(), lin=lin.state_dict())
        bn2, bn1 = _bn(lib, "BatchNorm2d", 4, affine), _bn(lib, "BatchNorm1d", 4, affine)
        fused = lib.nn.utils.fusion.fuse_conv_bn_eval(conv, bn2)
        xt = lib.tensor(x)
        np.testing.assert_allclose(fused(xt).detach().numpy(), bn2(conv(xt)).detach().numpy(), atol=1e-12)
        if affine:
            flin = lib.nn.utils.fusion.fuse_linear_bn_eval(lin, bn1)
            rows = lib.tensor(x[0, :, 0, :].T.copy())
            outs.append(flin(rows).detach().numpy())
        outs.append(fused(xt).detach().numpy())
        w, b = lib.nn.utils.fusion.fuse_conv_bn_weights(conv.weight, conv.bias, bn2.running_mean,
                                                        bn2.running_var, bn2.eps, bn2.weight, bn2.bias)
        assert isinstance(w, lib.nn.Parameter) and w.requires_grad and b.requires_grad == affine
        with pytest.raises(AssertionError, match="Fusion only for eval!"):
            lib.nn.utils.fusion.fuse_linear_bn_eval(lin.train(), bn1)
    half = len(outs) // 2
    for a, b in zip(outs[half:], outs[:half]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_skip_init_builds_without_drawing() -> None:
    mg.manual_seed(3)
    ref = mg.nn.Linear(4, 2)
    mg.manual_seed(3)
    skipped = mg.nn.utils.skip_init(mg.nn.Linear, 4, 2, device="cpu")
    assert skipped.weight.shape == (2, 4) and not mg.allclose(ref.weight, skipped.weight)
    after = mg.nn.Linear(4, 2)  # the random stream did not move, as a meta-device build draws nothing
    np.testing.assert_array_equal(after.weight.detach().numpy(), ref.weight.detach().numpy())
    with pytest.raises(RuntimeError, match="Module must support a 'device' arg"):
        mg.nn.utils.skip_init(mg.nn.ReLU)


def test_subclass_slices_and_named_members_with_a_function() -> None:
    for lib in (torch, mg):
        class Seq(lib.nn.Sequential):
            pass

        class Lst(lib.nn.ModuleList):
            pass

        assert type(Seq(lib.nn.ReLU(), lib.nn.Tanh())[:1]) is Seq and type(Lst([lib.nn.ReLU()])[:1]) is Lst
        net = lib.nn.Sequential(lib.nn.Linear(1, 2), lib.nn.BatchNorm1d(2))
        got = [n for n, _ in net._named_members(lambda m: m._buffers.items())]
        assert got == ["1.running_mean", "1.running_var", "1.num_batches_tracked"]
