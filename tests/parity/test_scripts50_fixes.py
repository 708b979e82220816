"""Cases found by running public PyTorch training scripts with ``torch`` aliased to minigrad (scripts50).

Each test runs the same code on both libraries and compares the numbers. The
scripts: pytorch/tutorials' spatial transformer tutorial (affine_grid).
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size", [(16, 1, 28, 28), (3, 2, 7, 5), (2, 1, 4, 5, 6), (2, 1, 1, 5),
                                  (2, 3, 9, 1, 4)])
@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_is_pytorchs_to_the_last_bit(dtype: type, size: tuple[int, ...],
                                                 align_corners: bool) -> None:
    # The spatial transformer tutorial starts its theta at the identity, so many sampling positions sit on
    # pixel centres, where grid_sample's gradient jumps: a grid one ulp off (the base positions from a float64
    # linspace, the product with theta as a matmul) took a different side of the jump than PyTorch.
    rng = np.random.default_rng(0)
    nd = len(size) - 2
    theta = rng.standard_normal((size[0], nd, nd + 1)).astype(dtype)
    up = rng.standard_normal((size[0], *size[2:], nd)).astype(dtype)
    out = []
    for lib in (mg, torch):
        t = lib.tensor(theta, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (align_corners with a size-1 dim warns in both)
            grid = lib.nn.functional.affine_grid(t, size, align_corners=align_corners)
        (grid * lib.tensor(up)).sum().backward()
        out.append((grid.detach().numpy(), t.grad.numpy(), grid.grad_fn.name()))
    (mgrid, mgrad, mname), (tgrid, tgrad, tname) = out
    np.testing.assert_array_equal(mgrid, tgrid)
    np.testing.assert_allclose(mgrad, tgrad, rtol=1e-5, atol=1e-5 * np.abs(tgrad).max())  # (long sums)
    assert mname == tname


def test_affine_grid_identity_lands_on_pixel_centres_as_pytorch() -> None:
    # The tutorial's first step: theta exactly the identity, so grid_sample reads the input back unchanged
    # and the gradient with respect to the grid takes the same one-sided difference as PyTorch's.
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 1, 28, 28)).astype(np.float32)
    up = rng.standard_normal((2, 1, 28, 28)).astype(np.float32)
    theta = np.tile(np.array([[1, 0, 0], [0, 1, 0]], np.float32), (2, 1, 1))
    out = []
    for lib in (mg, torch):
        t = lib.tensor(theta, requires_grad=True)
        xx = lib.tensor(x, requires_grad=True)
        grid = lib.nn.functional.affine_grid(t, (2, 1, 28, 28), align_corners=False)
        y = lib.nn.functional.grid_sample(xx, grid, align_corners=False)
        (y * lib.tensor(up)).sum().backward()
        out.append((y.detach().numpy(), t.grad.numpy(), xx.grad.numpy()))
    for m, t in zip(*out):
        np.testing.assert_allclose(m, t, rtol=1e-5, atol=1e-5)


def _exp_jvp_only(lib: Any) -> Any:
    class Fn(lib.autograd.Function):  # the forward-mode tutorial's Function: a jvp and no backward
        @staticmethod
        def forward(ctx: Any, foo: Any) -> Any:
            result = lib.exp(foo)
            ctx.result = result
            return result

        @staticmethod
        def jvp(ctx: Any, g: Any) -> Any:
            out = g * ctx.result
            del ctx.result
            return out

    return Fn


def _pair_function(lib: Any) -> Any:
    class Pair(lib.autograd.Function):  # two outputs, a number argument, tensors saved for forward
        @staticmethod
        def forward(ctx: Any, a: Any, b: Any, k: float) -> Any:
            ctx.save_for_forward(a, b)
            ctx.k = k
            return a * b * k, a + b

        @staticmethod
        def backward(ctx: Any, g1: Any, g2: Any) -> Any:
            raise AssertionError("forward mode must not run backward")

        @staticmethod
        def jvp(ctx: Any, ta: Any, tb: Any, tk: Any) -> Any:
            assert tk is None
            a, b = ctx.saved_tensors
            return 3 * (ta * b + a * tb) * ctx.k, ta + tb  # (3x: the jvp, not backward, is what counts)

    return Pair


def test_custom_function_jvp_gives_forward_mode_tangents() -> None:
    # pytorch/tutorials' forward_ad_usage.py: a custom Function with only a jvp, under forward AD
    rng = np.random.default_rng(2)
    p, t = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    a, b, ta = (rng.standard_normal(5).astype(np.float32) for _ in range(3))
    out = []
    for lib in (mg, torch):
        with warnings.catch_warnings():  # (PyTorch's forward AD imports torch.jit.script, which warns)
            warnings.simplefilter("ignore", DeprecationWarning)
            fwad = lib.autograd.forward_ad
            with fwad.dual_level():
                x = fwad.make_dual(lib.tensor(p, requires_grad=True), lib.tensor(t))
                y = _exp_jvp_only(lib).apply(x)
                z = (y * x).sum()  # the product rule: the jvp's tangent and the dual's own
                got = [fwad.unpack_dual(y).tangent, fwad.unpack_dual(z).tangent]
                d = fwad.make_dual(lib.tensor(a), lib.tensor(ta))
                o1, o2 = _pair_function(lib).apply(d, lib.tensor(b), 2.0)  # (b has no tangent: zeros)
                w = (o1 * o1).sum() + d.sum() + o2.mean()
                got += [fwad.unpack_dual(v).tangent for v in (o1, o2, w)]
        out.append([g.detach().numpy() for g in got])
    for m, t_ in zip(*out):
        np.testing.assert_allclose(m, t_, rtol=1e-5, atol=1e-6)


def test_gradcheck_forward_mode_only() -> None:
    # the tutorial's check: check_backward_ad=False checks the jvp alone (the Function has no backward)
    x = np.random.default_rng(3).standard_normal((3, 3))
    kw = {"check_forward_ad": True, "check_backward_ad": False, "check_undefined_grad": False,
          "check_batched_grad": False}
    for lib in (mg, torch):
        with warnings.catch_warnings():  # (PyTorch's forward AD imports torch.jit.script, which warns)
            warnings.simplefilter("ignore", DeprecationWarning)
            fn = _exp_jvp_only(lib).apply
            assert lib.autograd.gradcheck(fn, (lib.tensor(x, requires_grad=True),), **kw)
    for bad in ({"check_backward_ad": False},
                {"check_backward_ad": False, "check_forward_ad": True, "check_batched_grad": True}):
        msgs = []
        for lib in (mg, torch):
            with pytest.raises(AssertionError) as e:
                lib.autograd.gradcheck(lib.exp, (lib.tensor(x, requires_grad=True),), **bad)
            msgs.append(str(e.value))
        assert msgs[0] == msgs[1]


def test_dynamo_config_inline_inbuilt_nn_modules() -> None:
    # pytorch/tutorials' neural_tangent_kernels.py sets it before torch.compile: a setting PyTorch keeps
    # but ignores, with a FutureWarning the first time it is read or written (so each run is a fresh process)
    code = ("import warnings; warnings.simplefilter('always'); import {0}._dynamo as d\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    warnings.simplefilter('always')\n"
            "    d.config.inline_inbuilt_nn_modules = 0\n"
            "    first = d.config.inline_inbuilt_nn_modules\n"
            "    with d.config.patch(inline_inbuilt_nn_modules=False):\n"
            "        inside = d.config.inline_inbuilt_nn_modules\n"
            "print(first, inside, d.config.inline_inbuilt_nn_modules,\n"
            "      [(x.category.__name__, str(x.message), x.lineno) for x in w])\n")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    outs = [subprocess.run([sys.executable, "-c", code.format(lib)], capture_output=True, text=True,
                           check=True, env=env, timeout=120).stdout for lib in ("minigrad", "torch")]
    assert outs[0] == outs[1]
    assert "FutureWarning" in outs[0]


def test_vmap_in_compiled_function_stays_compiled() -> None:
    # pytorch/tutorials' neural_tangent_kernels.py: vmap(jacrev(...)) inside @torch.compile. vmap's check
    # for random draws (randomness="error") read the generator's state, which made mg.compile fall back to
    # eager with a RuntimeWarning (an error under pytest) that PyTorch does not give.
    x = np.arange(6.0).reshape(3, 2)

    def jac(lib: Any) -> Any:
        def f(r: Any) -> Any:
            return (r.sin() * 2).sum()
        return lib.func.vmap(lib.func.jacrev(f))

    compiled = mg.compile(jac(mg))
    got = [compiled(mg.tensor(x + k)).numpy() for k in range(3)]
    want = [jac(torch)(torch.tensor(x + k)).numpy() for k in range(3)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6)

    def draws(r: Any) -> Any:
        return r + mg.rand(2)

    random_inside = mg.compile(lambda t: mg.func.vmap(draws)(t))
    mg.manual_seed(0)
    for _ in range(2):  # still PyTorch's error, and the generator does not move
        with pytest.raises(RuntimeError, match="randomness error mode"):
            random_inside(mg.tensor(x))
    after = mg.rand(3).numpy()
    mg.manual_seed(0)
    np.testing.assert_array_equal(after, mg.rand(3).numpy())
