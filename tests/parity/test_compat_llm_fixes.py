"""What the LLM / architecture-from-scratch compat programs (tests/compat/programs) needed:
each fix checked against torch on its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

_SHAPE_KEYWORDS: list[tuple[str, Callable[[Any, Any], Any]]] = [
    # DiT's unpatchify calls x.reshape(shape=(...)); the others are the same keyword spelled by PyTorch
    ("reshape", lambda lib, x: x.reshape(shape=(3, 2))),
    ("view", lambda lib, x: x.view(size=(3, 2))),
    ("permute", lambda lib, x: x.permute(dims=(1, 0))),
    ("expand", lambda lib, x: x[None].expand(size=(2, 2, 3))),
    ("repeat", lambda lib, x: x.repeat(repeats=(1, 2))),
    ("new_zeros", lambda lib, x: x.new_zeros(size=(4,))),
    ("new_ones", lambda lib, x: x.new_ones(size=(4,))),
    ("new_empty", lambda lib, x: x.new_empty(size=(4,)).zero_()),
    ("full", lambda lib, x: lib.full(size=(2, 3), fill_value=1.5)),
    ("randn", lambda lib, x: lib.randn(size=(2, 3))),
    ("rand", lambda lib, x: lib.rand(size=(3,))),
]


@pytest.mark.parametrize(("name", "call"), _SHAPE_KEYWORDS, ids=[n for n, _ in _SHAPE_KEYWORDS])
def test_shape_keywords_match_torch(name: str, call: Callable[[Any, Any], Any]) -> None:
    data = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    mg.manual_seed(0)
    ours = call(mg, mg.tensor(data)).numpy()
    torch.manual_seed(0)
    theirs = call(torch, torch.tensor(data)).numpy()
    assert ours.shape == theirs.shape, name
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def _sdp_flags(lib: Any) -> tuple[bool, ...]:
    c = lib.backends.cuda
    return (c.flash_sdp_enabled(), c.mem_efficient_sdp_enabled(), c.math_sdp_enabled(), c.cudnn_sdp_enabled())


def test_sdpa_kernel_switches_the_backend_flags_as_torch() -> None:
    from torch.nn.attention import SDPBackend as TorchBackend
    from torch.nn.attention import sdpa_kernel as tk

    from minigrad.nn.attention import SDPBackend
    from minigrad.nn.attention import sdpa_kernel as mk

    for b in SDPBackend:
        assert int(b) == int(getattr(TorchBackend, b.name))
    assert _sdp_flags(mg) == _sdp_flags(torch)
    q = np.random.default_rng(0).standard_normal((1, 2, 3, 4)).astype(np.float32)
    pairs: list[tuple[Any, Any]] = [
        (SDPBackend.MATH, TorchBackend.MATH),
        ([SDPBackend.FLASH_ATTENTION, SDPBackend.MATH], [TorchBackend.FLASH_ATTENTION, TorchBackend.MATH]),
    ]
    for ours, theirs in pairs:
        with mk(ours), tk(theirs):
            assert _sdp_flags(mg) == _sdp_flags(torch)
            a = mg.nn.functional.scaled_dot_product_attention(*(mg.tensor(q),) * 3, is_causal=True)
            b = torch.nn.functional.scaled_dot_product_attention(*(torch.tensor(q),) * 3, is_causal=True)
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
        assert _sdp_flags(mg) == _sdp_flags(torch)
    mg.backends.cuda.enable_flash_sdp(False)
    torch.backends.cuda.enable_flash_sdp(False)
    try:
        assert _sdp_flags(mg) == _sdp_flags(torch)
    finally:
        mg.backends.cuda.enable_flash_sdp(True)
        torch.backends.cuda.enable_flash_sdp(True)
    with pytest.raises(TypeError), mk("math"):  # type: ignore[arg-type]
        pass


def test_the_deprecated_sdp_kernel_switches_the_flags_as_torch() -> None:
    for lib in (mg, torch):
        switch = lib.backends.cuda.sdp_kernel
        with pytest.warns(FutureWarning, match="sdp_kernel"), switch(enable_flash=False):
            flags_inside = _sdp_flags(lib)
        assert flags_inside == (False, True, True, True)
        assert _sdp_flags(lib) == (True, True, True, True)


def test_compiler_questions_and_disable_as_torch() -> None:
    assert mg.compiler.is_compiling() is torch.compiler.is_compiling() is False

    def f(x: Any) -> Any:
        return x * 2

    assert mg.compiler.disable(f) is f
    assert mg.compiler.disable()(f) is f
    ours, theirs = mg.compiler.disable(f)(mg.tensor(1.5)), torch.compiler.disable(f)(torch.tensor(1.5))
    assert float(ours) == float(theirs)


@pytest.mark.parametrize("dim", [None, (1, 2, 3), 1])
def test_var_of_many_quantized_float32_values_is_as_accurate_as_torch(dim: Any) -> None:
    # a VQ-VAE normalizes by the data variance of 20k pixels in 17 levels: einsum's running sums were off
    # by 7e-6 there, PyTorch's cascaded sum by 4e-8
    levels = np.random.default_rng(0).integers(0, 17, size=(5, 8, 32, 32))
    x = (levels / 16.0).astype(np.float32)
    exact = np.var(x.astype(np.float64), axis=dim, ddof=1)
    ours = mg.tensor(x).var(dim=dim).numpy()
    theirs = torch.tensor(x).var(dim=dim).numpy()
    np.testing.assert_allclose(theirs, exact, rtol=2e-7)
    np.testing.assert_allclose(ours, exact, rtol=2e-7)


def _counting_optimizer(lib: Any) -> Any:
    class Counting(lib.optim.Optimizer):  # type: ignore[misc, name-defined]
        """A script's own optimizer that counts its steps in a Python int."""

        def __init__(self, params: Any) -> None:
            super().__init__(params, {"lr": 0.1})

        def step(self, closure: Any = None) -> None:
            for group in self.param_groups:
                for p in group["params"]:
                    st = self.state[p]
                    st["step"] = st.get("step", 0) + 1
                    with lib.no_grad():
                        p.mul_(1 - group["lr"] / st["step"])

    return Counting


@pytest.mark.parametrize("which", ["custom", "Adam", "SparseAdam"])
def test_a_loaded_step_count_keeps_its_type_as_in_torch(which: str) -> None:
    # a custom optimizer's int step stays an int on loading (bias corrections in Python floats); the
    # built-in optimizers that count in a tensor turn a number into one, as their __setstate__ does
    kinds = []
    for lib in (mg, torch):
        p = lib.nn.Parameter(lib.ones(3))
        make = {"custom": _counting_optimizer(lib), "Adam": lib.optim.Adam,
                "SparseAdam": lib.optim.SparseAdam}[which]
        opt = make([p])
        state = {"state": {0: {"step": 3, "exp_avg": lib.zeros(3), "exp_avg_sq": lib.zeros(3)}},
                 "param_groups": [dict(opt.state_dict()["param_groups"][0])]}
        opt.load_state_dict(state)
        step = opt.state[p]["step"]
        is_tensor = isinstance(step, lib.Tensor)
        kinds.append(("tensor" if is_tensor else type(step).__name__, float(step),
                      str(step.dtype).replace("torch.", "") if is_tensor else None))
    assert kinds[0] == kinds[1]


@pytest.mark.parametrize("largest", [True, False])
def test_topk_orders_ties_as_torch(largest: bool) -> None:
    # beam search / top-k sampling over tied scores: which tied index comes first, and which makes the
    # cut, follows PyTorch's C++ selection (nth_element + sort, or partial_sort when 64 k <= n)
    rng = np.random.default_rng(1)
    for trial in range(60):
        n = int(rng.integers(1, 200))
        k = int(rng.integers(0, n + 1)) if trial % 3 else int(rng.integers(0, n // 64 + 1))
        a = rng.integers(0, 1 + trial % 5, size=(2, n)).astype(np.float32)
        if trial % 4 == 0:
            a[1, rng.integers(0, n, size=max(1, n // 4))] = np.nan
        ours = mg.topk(mg.tensor(a), k, largest=largest)
        theirs = torch.topk(torch.tensor(a), k, largest=largest)
        assert ours.indices.tolist() == theirs.indices.tolist(), (n, k, a.tolist())
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    x = np.array([[1.0, 3.0, 3.0, 0.0, 3.0, 1.0]], dtype=np.float32)
    ours_t, theirs_t = mg.tensor(x).t().topk(3, dim=0), torch.tensor(x).t().topk(3, dim=0)
    assert ours_t.indices.tolist() == theirs_t.indices.tolist()
    assert mg.tensor(x[0]).topk(2).indices.tolist() == torch.tensor(x[0]).topk(2).indices.tolist()
    cube = rng.integers(0, 3, size=(2, 5, 4)).astype(np.float32)
    ours_c, theirs_c = mg.tensor(cube).topk(3, dim=1), torch.tensor(cube).topk(3, dim=1)
    assert ours_c.indices.tolist() == theirs_c.indices.tolist()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_topk_of_long_rows_through_a_partition_matches_torch(dtype: type) -> None:
    # topk partitions first and sorts only the k + 1 best (the full sort made topk(x, 10) of (256, 1000)
    # 15x slower than PyTorch): values rounded to few digits, so the cut often falls in a tie, and -0.0
    rng = np.random.default_rng(7)
    for trial in range(40):
        shape = (int(rng.integers(1, 5)), int(rng.integers(20, 400)))
        dim = -1 if trial % 3 else 0
        k = int(rng.integers(0, min(shape[dim], 50)))
        a = np.round(rng.standard_normal(shape) * [1, 10, 1000][trial % 3]).astype(dtype)
        a[a == 0] = -0.0 if trial % 2 else 0.0
        for largest in (True, False):
            ours = mg.topk(mg.tensor(a), k, dim=dim, largest=largest)
            theirs = torch.topk(torch.tensor(a), k, dim=dim, largest=largest)
            assert ours.indices.tolist() == theirs.indices.tolist(), (trial, largest)
            assert _bits_equal(ours.values.numpy(), theirs.values.numpy())


def _bits_equal(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.tobytes() == b.tobytes()


def test_kthvalue_and_mode_pick_the_tied_index_torch_picks() -> None:
    # k-NN voting by torch.mode and kthvalue over tied values report the index PyTorch's quickselect /
    # std::sort leaves there, not the first or last occurrence
    rng = np.random.default_rng(2)
    for trial in range(80):
        n = int(rng.integers(1, 50))
        k = int(rng.integers(1, n + 1))
        a = rng.integers(0, 1 + trial % 4, size=(3, n)).astype(np.float32)
        if trial % 5 == 0:
            a[2, rng.integers(0, n, size=max(1, n // 4))] = np.nan
        ours, theirs = mg.tensor(a), torch.tensor(a)
        kth_ours, kth_theirs = ours.kthvalue(k, -1), theirs.kthvalue(k, -1)
        assert kth_ours.indices.tolist() == kth_theirs.indices.tolist(), (k, a.tolist())
        assert ours[:2].mode(-1).indices.tolist() == theirs[:2].mode(-1).indices.tolist(), a.tolist()
        assert ours[:2].mode(-1).values.tolist() == theirs[:2].mode(-1).values.tolist()
    cube = rng.integers(0, 3, size=(2, 7, 3)).astype(np.float32)
    for dim in (0, 1, 2):
        ok = mg.tensor(cube).kthvalue(2, dim, keepdim=True).indices.tolist()
        assert ok == torch.tensor(cube).kthvalue(2, dim, keepdim=True).indices.tolist()
        assert mg.tensor(cube).mode(dim).indices.tolist() == torch.tensor(cube).mode(dim).indices.tolist()


def test_mode_of_rows_with_nan_as_torch() -> None:
    # (progs15) a row holding nan raised IndexError; PyTorch's std::sort by < (which nan fails both ways)
    # decides the order, and mode reports the last of the longest run of equal values in it
    torch = require_torch()
    rng = np.random.default_rng(0)
    rows = [np.array([2.0, np.nan, 2.0, np.nan, np.nan, 1.0], dtype=np.float32),
            np.full(5, np.nan, np.float32)]
    for n in (3, 7, 16, 17, 40, 100):
        for _ in range(4):
            a = rng.integers(0, 4, n).astype(np.float32)
            a[rng.random(n) < 0.3] = np.nan
            rows.append(a)
    for a in rows:
        want, got = torch.mode(torch.tensor(a)), mg.mode(mg.tensor(a))
        assert int(got.indices) == int(want.indices), a
        np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())
    batch = np.stack([rows[0], np.array([1, 1, 2, np.nan, 3, 3], dtype=np.float32)])
    want_batch = torch.mode(torch.tensor(batch), 1).indices.tolist()
    assert mg.mode(mg.tensor(batch), 1).indices.tolist() == want_batch


def test_unique_keeps_each_nan_as_torch() -> None:
    # (progs15) numpy's unique merged the nans (tensor([1., nan])); PyTorch keeps each one
    # (tensor([1., nan, nan]))
    torch = require_torch()
    a = np.array([1.0, np.nan, 1.0, np.nan, 0.5], dtype=np.float32)
    want = torch.unique(torch.tensor(a), return_inverse=True, return_counts=True)
    got = mg.unique(mg.tensor(a), return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(got[0].numpy(), want[0].numpy())
    assert got[1].tolist() == want[1].tolist() and got[2].tolist() == want[2].tolist()
    assert mg.tensor(a).unique().shape == (4,)


def test_nanmedian_of_an_all_nan_row_reports_torchs_index() -> None:
    # (progs15) a row of nans only reported index 0; PyTorch's std::nth_element leaves another one there
    # (2 for 4 or 5 nans, 6 for 8), a function of the row length only
    torch = require_torch()
    for n in (1, 2, 3, 4, 5, 8, 17, 33, 64):
        a = np.full((2, n), np.nan, dtype=np.float32)
        a[1, ::3] = 1.0
        want, got = torch.tensor(a).nanmedian(1), mg.tensor(a).nanmedian(1)
        assert got.indices.tolist() == want.indices.tolist(), n
        np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())
