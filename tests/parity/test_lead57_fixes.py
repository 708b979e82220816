"""Lead session 57: MultiheadAttention and TransformerEncoderLayer give PyTorch's numbers where a query row
has no key to attend to (NaN with ``need_weights=True`` and on PyTorch's inference fast path, zeros on its
SDPA path), and follow that fast path's reading of masks and ``is_causal``; off it ``is_causal`` without a
mask raises, as PyTorch's (minigrad built the mask); each compared with PyTorch."""

# ruff: noqa: NPY002  (PyTorch's workers seed numpy's legacy global generator: the one compared here)
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import errors_of_both, require_torch, same_as_torch

# key 0 of batch 1, and every key of batch 0 for query... : batch 0 padded everywhere
_KPM = [[True, True, True], [False, True, False]]


def _mha(lib: Any, heads: int = 2, batch_first: bool = True, train: bool = False) -> Any:
    lib.manual_seed(0)
    m = lib.nn.MultiheadAttention(4, heads, batch_first=batch_first, dtype=lib.float64)
    m.train(train)
    return m


def _x(lib: Any, batch_first: bool = True) -> Any:
    x = lib.arange(24, dtype=lib.float64).reshape(2, 3, 4).sin()
    return x if batch_first else x.transpose(0, 1)


@pytest.mark.parametrize("part", ["out", "weights", "grad"])
def test_need_weights_gives_nan_for_a_row_with_no_key(part: str) -> None:
    def run(lib: Any) -> Any:
        m, x = _mha(lib, train=True), _x(lib).requires_grad_()
        out, w = m(x, x, x, key_padding_mask=lib.tensor(_KPM), need_weights=True)
        if part == "grad":
            out.sum().backward()
            return x.grad
        return out if part == "out" else w
    same_as_torch(run)


def test_sdpa_path_still_gives_zeros() -> None:
    def run(lib: Any) -> Any:
        m, x = _mha(lib, train=True), _x(lib)
        return m(x, x, x, key_padding_mask=lib.tensor(_KPM), need_weights=False)[0]
    same_as_torch(run)
    out = run(mg)
    assert (out[0] == 0).all() and not out.isnan().any()


_FAST: list[tuple[str, Callable[[Any], Any]]] = [
    ("fast", lambda lib: _mha(lib)),
    ("odd heads", lambda lib: _mha(lib, heads=1)),
    ("seq first", lambda lib: _mha(lib, batch_first=False)),
    ("training", lambda lib: _mha(lib, train=True)),
]


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize(("name", "make"), _FAST, ids=[n for n, _ in _FAST])
def test_inference_fast_path_is_nan_only_where_pytorch_takes_it(name: str, make: Callable[[Any], Any],
                                                                 grad: bool) -> None:
    def run(lib: Any) -> Any:
        m = make(lib)
        x = _x(lib, m.batch_first)
        with lib.set_grad_enabled(grad):
            return m(x, x, x, key_padding_mask=lib.tensor(_KPM), need_weights=False)[0].detach()
    same_as_torch(run)
    nan = bool(run(mg).isnan().any())
    assert nan == (name == "fast" and not grad)


def test_fast_path_switch_and_float_masks() -> None:
    def run(lib: Any, enabled: bool, float_mask: bool) -> Any:
        m, x = _mha(lib), _x(lib)
        kpm = lib.tensor(_KPM)
        if float_mask:  # a float mask keeps PyTorch off the fast path
            kpm = lib.zeros(2, 3, dtype=lib.float64).masked_fill(kpm, float("-inf"))
        was = lib.backends.mha.get_fastpath_enabled()
        lib.backends.mha.set_fastpath_enabled(enabled)
        try:
            with lib.no_grad():
                return m(x, x, x, key_padding_mask=kpm, need_weights=False)[0]
        finally:
            lib.backends.mha.set_fastpath_enabled(was)
    for enabled, float_mask in ((False, False), (True, True)):
        same_as_torch(lambda lib: run(lib, enabled, float_mask))  # noqa: B023
        assert not run(mg, enabled, float_mask).isnan().any()
    assert mg.backends.mha.get_fastpath_enabled()


def test_fast_path_ignores_is_causal_without_a_mask() -> None:
    def run(lib: Any, causal: bool) -> Any:
        m, x = _mha(lib), _x(lib)
        with lib.no_grad():
            return m(x, x, x, need_weights=False, is_causal=causal)[0]
    same_as_torch(lambda lib: run(lib, True))
    np.testing.assert_array_equal(run(mg, True).numpy(), run(mg, False).numpy())


def _layer(lib: Any, **kw: Any) -> Any:
    lib.manual_seed(0)
    return lib.nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True, dtype=lib.float64,
                                          **kw).eval()


_LAYER_CASES: list[tuple[str, Callable[[Any], Any]]] = [
    ("padded everywhere", lambda lib: {"src_key_padding_mask": lib.tensor(_KPM)}),
    # the fused layer reads a float mask as a bool one: 0.5 masks as -inf would
    ("float mask", lambda lib: {"src_mask": lib.tensor([[0.0, 0.5, 0.0], [0.0, 0.0, -2.0], [0.0] * 3],
                                                       dtype=lib.float64)}),
    ("float padding", lambda lib: {"src_key_padding_mask": lib.tensor([[0.0, 0.0, -1.0], [0.0] * 3],
                                                                      dtype=lib.float64)}),
    ("is_causal alone", lambda lib: {"is_causal": True}),
]


# (off the fast path is_causal without a mask raises in both)
_LAYER_RUNS = [(n, m, g) for n, m in _LAYER_CASES for g in (False, True)]


@pytest.mark.parametrize(("name", "masks", "grad"), _LAYER_RUNS, ids=[f"{n}-{g}" for n, _, g in _LAYER_RUNS])
def test_encoder_layer_fast_path(name: str, masks: Callable[[Any], Any], grad: bool) -> None:
    def run(lib: Any) -> Any:
        layer, x = _layer(lib), _x(lib)
        with lib.set_grad_enabled(grad):
            return layer(x, **masks(lib)).detach()
    same_as_torch(run)


def test_encoder_layer_with_hooks_leaves_the_fast_path() -> None:
    def run(lib: Any) -> Any:
        layer, x = _layer(lib), _x(lib)
        layer.linear1.register_forward_hook(lambda *a: None)
        with lib.no_grad():
            return layer(x, src_key_padding_mask=lib.tensor(_KPM))
    same_as_torch(run)
    assert not run(mg).isnan().any()


def test_encoder_padding_every_position_raises_on_the_nested_path() -> None:
    def run(lib: Any) -> Any:
        enc = lib.nn.TransformerEncoder(_layer(lib), 2)
        with lib.no_grad():
            return enc(_x(lib), src_key_padding_mask=lib.ones(2, 3, dtype=lib.bool))
    errors_of_both(run)

    def with_grad(lib: Any) -> Any:  # off the nested path: zeros from the attention, then the layers' biases
        enc = lib.nn.TransformerEncoder(_layer(lib), 2)
        return enc(_x(lib), src_key_padding_mask=lib.ones(2, 3, dtype=lib.bool)).detach()
    same_as_torch(with_grad)


def _worker_draws(lib: Any, persistent: bool) -> list[Any]:
    """Batches of a dataset that draws from torch, ``random`` and numpy and reports its worker, through a
    2-worker loader whose worker_init_fn reseeds numpy from the worker's torch seed; then the main streams."""
    import random
    import warnings

    class Noisy(lib.utils.data.Dataset):  # type: ignore[name-defined,misc]
        def __len__(self) -> int:
            return 5  # (three batches a pass: a persistent worker 0 starts the next pass again)

        def __getitem__(self, i: int) -> Any:
            info = lib.utils.data.get_worker_info()
            return lib.tensor([float(i), lib.rand(()).item(), random.random(), float(np.random.rand()),
                               -1.0 if info is None else info.id + 10 * info.num_workers])

    def init(w: int) -> None:
        np.random.seed((lib.initial_seed() + w) % 2**32)

    lib.manual_seed(3)
    random.seed(3)
    np.random.seed(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # minigrad's one-time note that it loads in the main process
        loader = lib.utils.data.DataLoader(Noisy(), batch_size=2, shuffle=True, num_workers=2,
                                           worker_init_fn=init, persistent_workers=persistent)
        out: list[Any] = [[b.tolist() for b in loader] for _ in range(2)]
    out.append([lib.rand(()).item(), random.random(), float(np.random.rand())])
    out.append(lib.utils.data.get_worker_info())
    return out


@pytest.mark.parametrize("persistent", [False, True])
def test_loader_workers_draw_pytorchs_numbers(persistent: bool) -> None:
    # batch k is worker k % 2's: its torch, random and numpy streams seeded as PyTorch's workers seed them,
    # worker_init_fn and get_worker_info() inside; the main process's streams untouched
    torch = require_torch()
    theirs, ours = _worker_draws(torch, persistent), _worker_draws(mg, persistent)
    assert [len(p) for p in ours[:2]] == [len(p) for p in theirs[:2]]
    for mine, torchs in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        np.testing.assert_allclose(mine, torchs, rtol=1e-6)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)
    assert ours[3] is None and theirs[3] is None


def test_numpy_seed_words_are_pytorchs() -> None:
    require_torch()
    from torch.utils.data._utils.worker import _generate_state

    from minigrad.utils.data._workers import numpy_seed

    for base, w in ((0, 0), (12345678901234, 3), (2**63 - 1, 7), (987654321, 0)):
        assert numpy_seed(base, w) == _generate_state(base, w)


def _iterable_batches(lib: Any, shard: bool, workers: int, batch_size: int | None, drop_last: bool) -> Any:
    import math
    import warnings

    class Stream(lib.utils.data.IterableDataset):  # type: ignore[name-defined,misc]
        def __iter__(self) -> Any:
            info = lib.utils.data.get_worker_info()
            lo, hi = 0, 7
            if info is not None and shard:  # the split PyTorch's docs show
                per = math.ceil(7 / info.num_workers)
                lo, hi = info.id * per, min(info.id * per + per, 7)
            for i in range(lo, hi):
                yield lib.tensor([float(i), lib.rand(()).item(), -1.0 if info is None else float(info.id)])

    lib.manual_seed(4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loader = lib.utils.data.DataLoader(Stream(), batch_size=batch_size, num_workers=workers,
                                           drop_last=drop_last)
        return [b.tolist() for b in loader], lib.rand(()).item()


@pytest.mark.parametrize(("shard", "workers", "batch_size", "drop_last"),
                         [(True, 2, 3, False), (True, 3, 2, True), (False, 2, 3, False),
                          (False, 2, None, False)])
def test_iterable_dataset_is_read_by_each_worker_in_turn(shard: bool, workers: int, batch_size: int | None,
                                                         drop_last: bool) -> None:
    # each worker iterates its own copy (split by get_worker_info, or all of it: PyTorch's duplicates),
    # chunks it itself (drop_last per worker), and the batches come from the workers in turn
    torch = require_torch()
    (theirs, t_next), (ours, m_next) = (_iterable_batches(lib, shard, workers, batch_size, drop_last)
                                        for lib in (torch, mg))
    assert [np.shape(b) for b in ours] == [np.shape(b) for b in theirs]
    for mine, torchs in zip(ours, theirs):
        np.testing.assert_allclose(mine, torchs, rtol=1e-6)
    assert m_next == pytest.approx(t_next, rel=1e-6)
