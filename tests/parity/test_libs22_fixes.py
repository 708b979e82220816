"""Regressions found by running small third-party PyTorch libraries (rotary-embedding-torch, ema-pytorch,
lion-pytorch, vector-quantize-pytorch, x-transformers, torch-optimizer, torchsde, ...) on minigrad and
comparing with real torch. The libraries are not needed here: each test reproduces the torch-API pattern
the library relied on and compares it with torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


@pytest.mark.parametrize("how", ["device", "str", "keyword", "none"])
def test_generator_takes_the_device_as_its_positional_argument(how: str) -> None:
    """torchsde's BrownianInterval: ``torch.Generator(device).manual_seed(seed)`` with a torch.device."""
    torch = require_torch()

    def draws(lib: Any) -> np.ndarray:
        arg = {"device": (lib.device("cpu"),), "str": ("cpu",), "none": (None,), "keyword": ()}[how]
        gen = lib.Generator(*arg, device="cpu") if how == "keyword" else lib.Generator(*arg)
        assert str(gen.device) == "cpu"
        assert gen.initial_seed() == 67280421310721  # PyTorch's default seed: the device is no seed
        gen.manual_seed(42)
        return np.asarray(lib.randn(2, 3, generator=gen).numpy())

    np.testing.assert_array_equal(draws(mg), draws(torch))


@pytest.mark.parametrize("dev", ["cuda", "meta"])
def test_generator_on_a_device_other_than_the_cpu_raises_runtime_error(dev: str) -> None:
    torch = require_torch()
    with pytest.raises(RuntimeError):
        torch.Generator(torch.device(dev))
    for arg in (mg.device(dev), dev):
        with pytest.raises(RuntimeError, match=f"device '{dev}'"):
            mg.Generator(arg)
    with pytest.raises(RuntimeError, match=f"device '{dev}'"):
        mg.Generator(device=dev)


def test_generator_still_takes_a_seed() -> None:
    """minigrad's own form, ``mg.Generator(seed)``, is unchanged."""
    torch = require_torch()
    gen = torch.Generator().manual_seed(9)
    expected = torch.randn(4, generator=gen).numpy()
    np.testing.assert_array_equal(mg.randn(4, generator=mg.Generator(9)).numpy(), expected)


@pytest.mark.parametrize(("shape", "dtype"), [((2, 3), None), ((5,), "float64"), ((), "float32")])
def test_standard_normal_helper_draws_as_torch(shape: tuple[int, ...], dtype: str | None) -> None:
    """gpytorch's MultivariateNormal: ``from torch.distributions.utils import _standard_normal``."""
    torch = require_torch()
    from torch.distributions.utils import _standard_normal as theirs

    from minigrad.distributions.utils import _standard_normal as ours
    mg.manual_seed(3)
    torch.manual_seed(3)
    a = ours(shape, None if dtype is None else getattr(mg, dtype), "cpu")
    b = theirs(shape, None if dtype is None else getattr(torch, dtype), "cpu")
    assert a.dtype.itemsize == b.dtype.itemsize and tuple(a.shape) == tuple(b.shape)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


A = np.array([[4.0, 1.0], [1.0, 3.0]], dtype=np.float32)


def test_linalg_cholesky_ex_takes_out_as_torch() -> None:
    """linear_operator's psd_safe_cholesky: ``torch.linalg.cholesky_ex(A, out=out)``, out None or a pair."""
    torch = require_torch()
    for lib in (mg, torch):
        L, info = lib.linalg.cholesky_ex(lib.tensor(A), out=None)
        np.testing.assert_allclose(L.numpy(), np.linalg.cholesky(A), rtol=1e-6)
        assert int(info) == 0
        pair = (lib.empty(2, 2), lib.empty((), dtype=lib.int32))
        result = lib.linalg.cholesky_ex(lib.tensor(A), out=pair)
        assert result[0] is pair[0] and result[1] is pair[1]
        assert result.L is pair[0] and int(result.info) == 0
        np.testing.assert_allclose(pair[0].numpy(), np.linalg.cholesky(A), rtol=1e-6)


@pytest.mark.parametrize("name", ["inv", "cholesky", "matrix_power", "pinv"])
def test_linalg_functions_write_into_out_as_torch(name: str) -> None:
    torch = require_torch()
    results = []
    for lib in (mg, torch):
        out = lib.empty(2, 2)
        args = (3,) if name == "matrix_power" else ()
        assert getattr(lib.linalg, name)(lib.tensor(A), *args, out=out) is out
        results.append(out.numpy())
        with pytest.raises(RuntimeError, match=r"out=\.\.\. arguments don.t support automatic"):
            getattr(lib.linalg, name)(lib.tensor(A, requires_grad=True), *args, out=lib.empty(2, 2))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["diagonal", "matrix_exp", "vander"])
def test_linalg_functions_without_out_refuse_it_as_torch(name: str) -> None:
    torch = require_torch()
    for lib in (mg, torch):
        with pytest.raises(TypeError, match="unexpected keyword argument 'out'"):
            getattr(lib.linalg, name)(lib.tensor(A), out=None)


def _cached_model(lib: Any) -> Any:
    """gpytorch's pattern: a module whose ``train`` override clears a cache filled in eval mode, nested
    two levels under the module the script calls ``train()`` / ``eval()`` on."""
    class Cached(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = lib.nn.Linear(2, 1)
            self.cache: Any = None
            self.calls: list[bool] = []

        def train(self, mode: bool = True) -> Any:
            self.calls.append(mode)
            if mode:
                self.cache = None
            return super().train(mode)

        def forward(self, x: Any) -> Any:
            if self.training:
                return self.lin(x)
            if self.cache is None:
                self.cache = self.lin(x).detach()
            return self.cache

    return lib.nn.Sequential(lib.nn.Sequential(Cached()))


def test_train_calls_each_childs_train_override_as_torch() -> None:
    """gpytorch's SVGP: ``model.train()`` must reach a nested module's own ``train`` (which clears the
    predictions cached in eval mode); minigrad set the flags directly and the stale cache was used."""
    torch = require_torch()
    x = np.array([[0.5, -1.0]], dtype=np.float32)
    results = []
    for lib in (mg, torch):
        lib.manual_seed(0)
        model = _cached_model(lib)
        model.eval()
        first = model(lib.tensor(x)).numpy().copy()
        model.train()
        with lib.no_grad():
            model[0][0].lin.weight.add_(1.0)
        model.eval()
        results.append((first, model(lib.tensor(x)).numpy(), model[0][0].calls, model.training))
    ours, theirs = results
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)
    assert ours[2] == theirs[2] == [False, True, False]
    assert ours[3] is theirs[3] is False


def _hessian_rows(lib: Any, vmap: Any) -> np.ndarray:
    """torchmin's ScalarFunction: the Hessian as ``_vmap(hvp)(I)``, an autograd.grad per row."""
    x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
    f = (x ** 3).sum() + x[0] * x[1] + (x[1] * x[2]).sin()
    (g,) = lib.autograd.grad(f, x, create_graph=True)

    def hvp(v: Any) -> Any:
        return lib.autograd.grad(g, x, v, retain_graph=True)[0]

    return np.asarray(vmap(hvp)(lib.eye(3, dtype=lib.float64)).detach().numpy())


def test_legacy_vmap_batches_hessian_vector_products_as_torch() -> None:
    """pytorch-minimize: ``from torch._vmap_internals import _vmap``."""
    torch = require_torch()
    from torch._vmap_internals import _vmap as theirs

    from minigrad._vmap_internals import _vmap as ours
    np.testing.assert_allclose(_hessian_rows(mg, ours), _hessian_rows(torch, theirs), rtol=1e-12)
    for lib, vmap in ((mg, ours), (torch, theirs)):
        pair = vmap(lambda a, b: (a * b, None), in_dims=(0, None), allow_none_pass_through=True)(
            lib.ones(2, 3), lib.arange(3.0))
        assert pair[1] is None
        np.testing.assert_array_equal(pair[0].numpy(), np.tile(np.arange(3.0), (2, 1)))
        summed = vmap(lambda a: a.sum(0), in_dims=1)(lib.arange(6.0).reshape(2, 3))
        np.testing.assert_array_equal(summed.numpy(), [3.0, 5.0, 7.0])


def test_autograd_functional_private_helpers_as_torch() -> None:
    """pytorch-minimize's ScipyMinimizer imports ``_construct_standard_basis_for``,
    ``_grad_postprocess``, ``_tuple_postprocess`` and ``_as_tuple`` from torch.autograd.functional."""
    torch = require_torch()
    import torch.autograd.functional as theirs

    import minigrad.autograd.functional as ours
    results = []
    for lib, mod in ((mg, ours), (torch, theirs)):
        ts = (lib.zeros(1), lib.zeros(2, 1, dtype=lib.float64), lib.zeros(1))
        basis = mod._construct_standard_basis_for(ts, (1, 2, 1))
        assert [str(b.dtype) for b in basis] == [str(t.dtype) for t in ts]
        is_tuple, items = mod._as_tuple(ts[0], "inputs", "jacobian")
        x = lib.ones(2, requires_grad=True)
        post = mod._grad_postprocess(((x * 2,), (x * 3,)), create_graph=False)
        assert not post[0][0].requires_grad and not post[1][0].requires_grad
        assert mod._grad_postprocess((x * 2,), create_graph=True)[0].requires_grad
        unpacked = mod._tuple_postprocess(((basis[0],),), (False, False))
        results.append(([b.numpy() for b in basis], is_tuple, len(items), unpacked.numpy()))
    for a, b in zip(results[0][0], results[1][0]):
        np.testing.assert_array_equal(a, b)
    assert results[0][1:3] == results[1][1:3]
    np.testing.assert_array_equal(results[0][3], results[1][3])


def test_prims_common_device_like_type_imports() -> None:
    """torch-pca: ``from torch._prims_common import DeviceLikeType`` (an annotation alias)."""
    require_torch()
    import torch._prims_common as theirs

    import minigrad._prims_common as ours
    names = ["str", "device", "int"]
    assert [a.__name__ for a in ours.DeviceLikeType.__args__] == names
    assert [a.__name__ for a in theirs.DeviceLikeType.__args__] == names


def test_checkpoint_device_states_of_cpu_tensors_as_torch() -> None:
    """Reversible layers (linformer, reformer): ``get_device_states(*args)`` saves nothing for CPU tensors
    and ``set_device_states([], [])`` restores nothing."""
    torch = require_torch()
    from torch.utils.checkpoint import get_device_states as theirs
    from torch.utils.checkpoint import set_device_states as set_theirs

    from minigrad.utils.checkpoint import get_device_states as ours
    from minigrad.utils.checkpoint import set_device_states as set_ours
    assert ours(mg.ones(2), 3, (mg.zeros(1),)) == theirs(torch.ones(2), 3, (torch.zeros(1),)) == ([], [])
    assert set_ours([], []) is None and set_theirs([], []) is None
    with pytest.raises(RuntimeError, match="CPU only"):
        set_ours([0], [mg.zeros(3)])


def test_copy_takes_non_blocking_as_torch() -> None:
    """pytorch-minimize's least_squares: ``x.copy_(src, non_blocking=True)``."""
    torch = require_torch()
    results = []
    for lib in (mg, torch):
        x = lib.zeros(2, 3)
        assert x.copy_(lib.arange(3.0), non_blocking=True) is x
        y = lib.zeros(3, dtype=lib.int64)
        y.copy_(lib.tensor([1.5, -2.5, 3.0]), True)
        results.append((x.numpy(), y.numpy()))
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def _line_search(lib: Any, dtype: str) -> tuple[Any, np.ndarray, float, int]:
    """torchmin's strong_wolfe: ``torch.optim.lbfgs._strong_wolfe(fun, x, t, d, f, g, gtd)``, flat tensors."""
    from importlib import import_module
    strong_wolfe = import_module(f"{lib.__name__}.optim.lbfgs")._strong_wolfe

    def rosen(x: Any) -> Any:
        return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()

    def fun(x: Any, t: Any, d: Any) -> tuple[float, Any]:
        z = (x + t * d).detach().requires_grad_(True)
        value = rosen(z)
        (grad,) = lib.autograd.grad(value, z)
        return float(value.detach()), grad

    x = lib.tensor([-1.2, 1.0, 0.5], dtype=getattr(lib, dtype))
    f, g = fun(x, 0.0, lib.zeros_like(x))
    d = -g
    gtd = g.dot(d)
    f_new, g_new, t, evals = strong_wolfe(fun, x, 1.0, d, f, g, gtd)
    return float(f_new), g_new.numpy(), float(t), int(evals)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_strong_wolfe_line_search_on_tensors_as_torch(dtype: str) -> None:
    """pytorch-minimize imports ``_strong_wolfe`` from torch.optim.lbfgs (PyTorch's signature)."""
    torch = require_torch()
    ours, theirs = _line_search(mg, dtype), _line_search(torch, dtype)
    # (float32: the step is a float32 0-d tensor in PyTorch's arithmetic, a numpy scalar in ours)
    rtol = 1e-10 if dtype == "float64" else 1e-4
    assert ours[3] == theirs[3]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=rtol)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=rtol)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=rtol)


def test_cuda_initialized_flag_reads_false_as_torch() -> None:
    """reformer-pytorch's reversible blocks: ``if torch.cuda._initialized:`` before saving GPU RNG states."""
    torch = require_torch()
    assert mg.cuda._initialized is torch.cuda._initialized is False
