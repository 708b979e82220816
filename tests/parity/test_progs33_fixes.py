"""Differences found while writing progs33's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()
mg_tensor = sys.modules["minigrad.tensor"]  # (the package's ``tensor`` attribute is the function)


@pytest.fixture
def warn_always(warn_always: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parity conftest's ``warn_always``, with minigrad's array-list warning not yet spent."""
    monkeypatch.setattr(mg_tensor, "_array_list_warned", False)


def _messages(make: Callable[[], Any]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make()
    return [str(w.message) for w in caught]


_ARRAY_LISTS: list[Callable[[Any], Any]] = [
    lambda lib: lib.tensor([np.zeros(2), np.ones(2)]),
    lambda lib: lib.tensor((np.zeros(2), np.ones(2)), dtype=lib.float64),
    lambda lib: lib.tensor([[np.zeros(2)], [np.ones(2)]]),
    lambda lib: lib.tensor([[0.0, 0.0], np.ones(2)]),  # (not only the first item)
    lambda lib: lib.Tensor([np.zeros(3)]),
    lambda lib: lib.FloatTensor([np.zeros(3)]),
    lambda lib: lib.as_tensor([np.zeros(3)]),
    lambda lib: lib.zeros(1).new_tensor([np.zeros(2)]),
    lambda lib: lib.tensor([np.float32(1.0), 2.0]),  # numpy scalars: no warning
    lambda lib: lib.tensor([[1.0, 2.0], [3.0, 4.0]]),
    lambda lib: lib.tensor(np.zeros((2, 2))),
]


@pytest.mark.parametrize("make", _ARRAY_LISTS)
@pytest.mark.usefixtures("warn_always")
def test_list_of_ndarrays_warns_as_pytorch(make: Callable[[Any], Any]) -> None:
    # (sentdex_pytorch_series.py, lapan_cem_cartpole.py: torch.Tensor([i[0] for i in data]) and
    # torch.FloatTensor([obs]) warn that a list of arrays is slow; minigrad said nothing)
    want = _messages(lambda: make(torch))
    got = _messages(lambda: make(mg))
    assert [m.split(" (Triggered")[0] for m in want] == got


def test_list_of_ndarrays_warning_is_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mg_tensor, "_array_list_warned", False)
    assert len(_messages(lambda: mg.tensor([np.zeros(2)]))) == 1
    assert _messages(lambda: mg.tensor([np.zeros(2)])) == []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mg.tensor([np.zeros(2)])
    assert caught == []


_SVD_USERS: list[Callable[[Any, Any], Any]] = [
    lambda lib, a: lib.linalg.svd(a, full_matrices=False),
    lambda lib, a: lib.linalg.svdvals(a),
    lambda lib, a: lib.linalg.pinv(a),
    lambda lib, a: lib.linalg.matrix_rank(a),
    lambda lib, a: lib.linalg.matrix_norm(a, ord=2),
]


@pytest.mark.parametrize("shape", [(3, 3), (5, 2), (2, 5), (3, 4, 2)])
@pytest.mark.parametrize("use", _SVD_USERS)
def test_svd_of_nan_raises_pytorchs_words(shape: tuple[int, ...], use: Callable[[Any, Any], Any]) -> None:
    # (neuromatch_linear_dl_regularization.py: a diverged deep linear net's svd; minigrad's message was its
    # own, lower-case, with the shape after it, and pinv's named linalg.pinv where PyTorch's names linalg.svd)
    a = np.arange(float(np.prod(shape)), dtype=np.float32).reshape(shape) / 7
    a.reshape(-1)[-1] = np.nan  # (in the last batch element)
    with pytest.raises(torch.linalg.LinAlgError) as want:
        use(torch, torch.tensor(a))
    with pytest.raises(RuntimeError) as got:
        use(mg, mg.tensor(a))
    assert isinstance(got.value, mg.linalg.LinAlgError)
    assert str(got.value) == str(want.value)


def _first_line(lib: Any, make: Callable[[Any], Any]) -> tuple[type[BaseException], str]:
    try:
        make(lib)
    except Exception as e:  # (the error is the result)
        return type(e), str(e).strip().splitlines()[0]
    raise AssertionError("no error")


# error_clinic_messages.py: each mistake's error must be PyTorch's class and start with PyTorch's words
# (minigrad's details may follow them); these were minigrad's own words first
_MISTAKES: dict[str, Callable[[Any], Any]] = {
    "inv singular": lambda lib: lib.linalg.inv(lib.zeros(2, 2)),
    "inv singular 2": lambda lib: lib.linalg.inv(lib.tensor([[1.0, 2.0], [2.0, 4.0]])),
    "inv singular batch": lambda lib: lib.inverse(lib.stack([lib.eye(2), lib.zeros(2, 2)])),
    "solve singular": lambda lib: lib.linalg.solve(lib.zeros(2, 2), lib.ones(2)),
    "det not square": lambda lib: lib.det(lib.ones(2, 3)),
    "det 1-d": lambda lib: lib.det(lib.ones(3)),
    "inv batch not square": lambda lib: lib.linalg.inv(lib.ones(4, 2, 3)),
    "eigvalsh not square": lambda lib: lib.linalg.eigvalsh(lib.ones(2, 3)),
    "cholesky 1-d": lambda lib: lib.linalg.cholesky(lib.ones(3)),
    "logdet not square": lambda lib: lib.logdet(lib.ones(2, 3)),
    "matrix_exp not square": lambda lib: lib.linalg.matrix_exp(lib.ones(2, 3)),
    "matrix_power 1-d": lambda lib: lib.linalg.matrix_power(lib.ones(3), 2),
    "solve_triangular not square": lambda lib: lib.linalg.solve_triangular(lib.ones(2, 3), lib.ones(2, 1),
                                                                           upper=True),
    "svd 1-d": lambda lib: lib.linalg.svd(lib.ones(3)),
    "qr 1-d": lambda lib: lib.linalg.qr(lib.ones(3)),
    "matrix_norm 1-d": lambda lib: lib.linalg.matrix_norm(lib.ones(3)),
    "cond 1-d": lambda lib: lib.linalg.cond(lib.ones(3)),
    "matrix_rank 1-d": lambda lib: lib.linalg.matrix_rank(lib.ones(3)),
    "matrix_rank hermitian not square": lambda lib: lib.linalg.matrix_rank(lib.ones(2, 3), hermitian=True),
    "pinv 1-d": lambda lib: lib.linalg.pinv(lib.ones(3)),
    "pinv hermitian not square": lambda lib: lib.linalg.pinv(lib.ones(2, 3), hermitian=True),
    "lu 1-d": lambda lib: lib.linalg.lu(lib.ones(3)),
    "lu_factor 1-d": lambda lib: lib.linalg.lu_factor(lib.ones(3)),
    "tensorinv": lambda lib: lib.linalg.tensorinv(lib.ones(2, 3)),
    "zeros negative": lambda lib: lib.zeros(2, -3),
    "Tensor negative": lambda lib: lib.Tensor(2, -1),
    "FloatTensor negative": lambda lib: lib.FloatTensor(-1),
    "eye negative": lambda lib: lib.eye(-1),
    "eye m negative": lambda lib: lib.eye(2, -3),
    "arange step 0": lambda lib: lib.arange(0, 10, 0),
    "linspace steps": lambda lib: lib.linspace(0, 1, -1),
    "logspace steps": lambda lib: lib.logspace(0, 1, -1),
    "from_numpy list": lambda lib: lib.from_numpy([1, 2]),
    "max of empty": lambda lib: lib.tensor([]).max(),
    "min of empty 2-d": lambda lib: lib.zeros(0, 3).min(),
    "amax of empty": lambda lib: lib.tensor([]).amax(),
    "argmax of empty": lambda lib: lib.tensor([]).argmax(),
    "argmin of empty": lambda lib: lib.zeros(3, 0).argmin(),
    "max over empty dim": lambda lib: lib.zeros(3, 0).max(dim=1),
    "amax over empty dims": lambda lib: lib.zeros(3, 0).amax(dim=(0, 1)),
    "argmax over empty dim": lambda lib: lib.zeros(0, 3).argmax(0),
    "gather dims": lambda lib: lib.zeros(3, 4).gather(1, lib.tensor([0])),
    "gather out of range": lambda lib: lib.zeros(3, 4).gather(1, lib.tensor([[7]])),
    "gather size": lambda lib: lib.zeros(3, 4).gather(1, lib.zeros(4, 1, dtype=lib.long)),
    "scatter out of range": lambda lib: lib.zeros(3, 4).scatter_(1, lib.tensor([[5]]), 1.0),
    "scatter dims": lambda lib: lib.zeros(3, 4).scatter_(1, lib.tensor([0]), 1.0),
    "scatter size": lambda lib: lib.zeros(3, 4).scatter_(1, lib.zeros(4, 1, dtype=lib.long), 1.0),
    "scatter_add out of range": lambda lib: lib.zeros(3, 4).scatter_add_(1, lib.tensor([[5]]),
                                                                          lib.ones(1, 1)),
    "scatter_add dims": lambda lib: lib.zeros(3, 4).scatter_add_(1, lib.tensor([0]), lib.ones(1)),
    "scatter_reduce out of range": lambda lib: lib.zeros(3, 4).scatter_reduce_(1, lib.tensor([[5]]),
                                                                                lib.ones(1, 1), "sum"),
    "index_select 2-d dim 1": lambda lib: lib.zeros(3, 4).index_select(1, lib.tensor([5])),
    "index_select dim 0": lambda lib: lib.zeros(3, 4).index_select(0, lib.tensor([5])),
    "index_select long": lambda lib: lib.zeros(3, 4, dtype=lib.long).index_select(1, lib.tensor([5])),
    "index_select 3-d": lambda lib: lib.zeros(3, 4, 5).index_select(2, lib.tensor([-1])),
    "index_add out of range": lambda lib: lib.zeros(3, 4).index_add_(1, lib.tensor([5]), lib.ones(3, 1)),
    "index_copy out of range": lambda lib: lib.zeros(3, 4).index_copy_(1, lib.tensor([5]), lib.ones(3, 1)),
    "index_fill out of range": lambda lib: lib.zeros(3, 4).index_fill_(1, lib.tensor([5]), 1.0),
    "index_put out of range": lambda lib: lib.zeros(3, 4).index_put_((lib.tensor([5]),), lib.tensor(1.0)),
    "take out of range": lambda lib: lib.zeros(3, 4).take(lib.tensor([20])),
    "put out of range": lambda lib: lib.zeros(3, 4).put_(lib.tensor([-13]), lib.tensor([1.0])),
    "take_along_dim broadcast": lambda lib: lib.take_along_dim(lib.zeros(3, 4), lib.tensor([[0, 1]]), 0),
    "mask dim 0": lambda lib: lib.zeros(3, 2)[lib.tensor([True, False])],
    "mask dim 1": lambda lib: lib.zeros(3, 2)[:, lib.tensor([True, False, True])],
    "mask 2-d": lambda lib: lib.zeros(3, 2, 4)[lib.ones(3, 3, dtype=lib.bool)],
    "mask after ellipsis": lambda lib: lib.zeros(3, 2, 4)[..., lib.ones(3, dtype=lib.bool)],
    "mask too many dims": lambda lib: lib.zeros(3, 2)[lib.ones(3, 2, 2, dtype=lib.bool)],
    "cross_entropy float target shape": lambda lib: lib.nn.functional.cross_entropy(lib.zeros(4, 3),
                                                                                   lib.zeros(4, 2)),
    "lstm tensor hx": lambda lib: lib.nn.LSTM(3, 4)(lib.zeros(5, 2, 3), lib.zeros(1, 2, 4)),
    "lstm tensor hx of two": lambda lib: lib.nn.LSTM(3, 4)(lib.zeros(5, 2, 3), lib.zeros(2, 2, 4)),
    "embedding float indices": lambda lib: lib.nn.functional.embedding(lib.tensor([1.0]), lib.zeros(4, 3)),
    "embedding bool indices": lambda lib: lib.nn.Embedding(4, 3)(lib.tensor([True])),
    # error_clinic_modules_optim.py
    "mha key_padding_mask length": lambda lib: lib.nn.MultiheadAttention(8, 2, batch_first=True)(
        *[lib.zeros(2, 4, 8)] * 3, key_padding_mask=lib.zeros(2, 5, dtype=lib.bool)),
    "mha key_padding_mask batch": lambda lib: lib.nn.MultiheadAttention(8, 2)(
        *[lib.zeros(4, 2, 8)] * 3, key_padding_mask=lib.zeros(3, 4, dtype=lib.bool)),
    "mha key_padding_mask dims": lambda lib: lib.nn.MultiheadAttention(8, 2)(
        *[lib.zeros(4, 2, 8)] * 3, key_padding_mask=lib.zeros(2, 4, 1, dtype=lib.bool)),
    "mha attn_mask 2-d": lambda lib: lib.nn.MultiheadAttention(8, 2)(*[lib.zeros(4, 2, 8)] * 3,
                                                                    attn_mask=lib.zeros(3, 3)),
    "mha attn_mask 3-d": lambda lib: lib.nn.MultiheadAttention(8, 2)(*[lib.zeros(4, 2, 8)] * 3,
                                                                    attn_mask=lib.zeros(2, 4, 4)),
    "mha attn_mask 4-d": lambda lib: lib.nn.MultiheadAttention(8, 2)(*[lib.zeros(4, 2, 8)] * 3,
                                                                    attn_mask=lib.zeros(1, 1, 4, 4)),
    "mha unbatched attn_mask 4-d": lambda lib: lib.nn.MultiheadAttention(8, 2)(
        *[lib.zeros(4, 8)] * 3, attn_mask=lib.zeros(1, 1, 4, 4)),
    "encoder layer heads": lambda lib: lib.nn.TransformerEncoderLayer(d_model=8, nhead=3),
    "transformer batch": lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16)(lib.zeros(5, 2, 8),
                                                                        lib.zeros(5, 3, 8)),
    "transformer d_model": lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16)(lib.zeros(5, 2, 8),
                                                                          lib.zeros(5, 2, 6)),
    "sdpa key dim": lambda lib: lib.nn.functional.scaled_dot_product_attention(
        lib.zeros(2, 3, 4, 8), lib.zeros(2, 3, 5, 6), lib.zeros(2, 3, 5, 8)),
    "sdpa value length": lambda lib: lib.nn.functional.scaled_dot_product_attention(
        lib.zeros(2, 4, 8), lib.zeros(2, 5, 8), lib.zeros(2, 4, 8)),
    "sdpa 2-d": lambda lib: lib.nn.functional.scaled_dot_product_attention(lib.zeros(4, 8),
                                                                          lib.zeros(4, 6), lib.zeros(4, 8)),
    "ce weight size": lambda lib: lib.nn.functional.cross_entropy(
        lib.zeros(4, 3), lib.zeros(4, dtype=lib.long), weight=lib.ones(2)),
    "bce weight shape": lambda lib: lib.nn.functional.binary_cross_entropy(
        lib.full((4, 3), 0.5), lib.zeros(4, 3), weight=lib.ones(2)),
    "einsum fewer operands": lambda lib: lib.einsum("ij,jk->ik", lib.zeros(2, 3)),
    "einsum more operands": lambda lib: lib.einsum("ij->i", lib.zeros(2, 3), lib.zeros(2, 3)),
    "einsum sizes": lambda lib: lib.einsum("ij,jk->ik", lib.zeros(2, 3), lib.zeros(4, 2)),
    "unflatten sizes": lambda lib: lib.zeros(2, 6).unflatten(1, (4, 2)),
    "unflatten -1": lambda lib: lib.zeros(2, 6).unflatten(1, (4, -1)),
    "stack empty": lambda lib: lib.stack([]),
    "clamp no bounds": lambda lib: lib.zeros(2).clamp(),
    "randperm negative": lambda lib: lib.randperm(-1),
    "pad mode": lambda lib: lib.nn.functional.pad(lib.zeros(1, 2, 3), (1, 1), mode="mirror"),
    "sequential str index": lambda lib: lib.nn.Sequential(lib.nn.ReLU())["0"],
    "modulelist float index": lambda lib: lib.nn.ModuleList([lib.nn.ReLU()])[1.0],
    "collate uneven lists": lambda lib: lib.utils.data.default_collate([[1, 2], [3]]),
    "optimizer list param": lambda lib: lib.optim.SGD([[lib.nn.Parameter(lib.zeros(1))]], lr=0.1),
    "optimizer None param": lambda lib: lib.optim.SGD([None], lr=0.1),
    "plateau factor": lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(
        lib.optim.SGD([lib.nn.Parameter(lib.zeros(1))], lr=0.1), factor=1.0),
    "pack unsorted": lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.zeros(3, 2, 1),
                                                                      lib.tensor([1, 3])),
    "cuda tensor": lambda lib: lib.zeros(2, device="cuda"),
    "to cuda": lambda lib: lib.zeros(2).to("cuda:1"),
    "weighted sampler negative": lambda lib: list(lib.utils.data.WeightedRandomSampler([-1.0, 1.0], 2)),
    "weighted sampler zeros": lambda lib: list(lib.utils.data.WeightedRandomSampler([0.0, 0.0], 2)),
    "hook changes size": lambda lib: _hooked(lib, lambda g: g[:2]),
    "hook changes dtype": lambda lib: _hooked(lib, lambda g: g.double()),
    "hook returns a number": lambda lib: _hooked(lib, lambda g: 5),
}


def _hooked(lib: Any, hook: Callable[[Any], Any]) -> None:
    x = lib.randn(3, requires_grad=True)
    x.register_hook(hook)
    (x * 1).sum().backward()


@pytest.mark.filterwarnings("ignore:index_reduce")
@pytest.mark.parametrize("name", sorted(_MISTAKES))
def test_mistake_raises_pytorchs_class_and_words(name: str) -> None:
    want_class, want = _first_line(torch, _MISTAKES[name])
    got_class, got = _first_line(mg, _MISTAKES[name])
    builtin = next(c for c in want_class.__mro__ if c.__module__ == "builtins")
    assert issubclass(got_class, builtin), (got_class, want_class)
    assert got.startswith(want), (got, want)


def test_index_reduce_out_of_range_words() -> None:
    def make(lib: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return lib.zeros(3, 4).index_reduce_(1, lib.tensor([5]), lib.ones(3, 1), "prod")

    (want_class, want), (got_class, got) = _first_line(torch, make), _first_line(mg, make)
    assert issubclass(got_class, IndexError) and issubclass(want_class, IndexError)
    assert got.startswith(want)


def test_multinomial_without_replacement_takes_zero_weights_last() -> None:
    # (error_clinic_modules_optim.py: minigrad refused more draws than non-zero weights; PyTorch's CPU
    # kernel draws them, the zero-weight categories last)
    for lib in (torch, mg):
        lib.manual_seed(0)
    want = torch.multinomial(torch.tensor([0.5, 0.5, 0.0]), 3)
    got = mg.multinomial(mg.tensor([0.5, 0.5, 0.0]), 3)
    assert got.tolist() == want.tolist()


def test_weighted_sampler_checks_its_weights_when_drawing() -> None:
    for lib in (torch, mg):
        sampler = lib.utils.data.WeightedRandomSampler([0.0, 1.0, 0.0, 2.0], 2, replacement=False)
        assert len(sampler) == 2 and sorted(sampler) == [1, 3]
        lib.utils.data.WeightedRandomSampler([-1.0, 1.0], 2)  # (built; drawing raises)


@pytest.mark.parametrize("n", [16, 17, 40, 257])
@pytest.mark.parametrize("dtype", ["int64", "float32", "float64", "bool"])
def test_unstable_sort_orders_ties_as_pytorch(n: int, dtype: str) -> None:
    # (std::sort's order of equal values: argsort of labels grouped them in another order than PyTorch)
    rng = np.random.default_rng(n)
    a = rng.integers(0, 3, (2, n, 3)).astype(dtype)
    for dim in (0, 1, 2):
        for descending in (False, True):
            want = torch.from_numpy(a).sort(dim=dim, descending=descending).indices.numpy()
            got = mg.tensor(a).sort(dim=dim, descending=descending).indices.numpy()
            np.testing.assert_array_equal(got, want)
    flat = a.reshape(-1)
    np.testing.assert_array_equal(mg.tensor(flat).argsort().numpy(), torch.from_numpy(flat).argsort().numpy())


def test_long_integer_sort_is_stable_as_pytorchs_radix_sort() -> None:
    a = np.random.default_rng(0).integers(-4, 4, 32768)
    for conv in (torch.from_numpy, mg.tensor):
        np.testing.assert_array_equal(conv(a).argsort().numpy(), np.argsort(a, kind="stable"))
    # below the radix sort's threshold PyTorch's order is std::sort's: replayed up to REPLAY_LIMIT tied
    # elements (lead45: the replay costs ~2 us an element), stable beyond
    from minigrad.reductions import REPLAY_LIMIT
    short = a[:REPLAY_LIMIT]
    want = torch.from_numpy(short).argsort().numpy()
    np.testing.assert_array_equal(mg.tensor(short).argsort().numpy(), want)
    longer = a[:32767]
    np.testing.assert_array_equal(mg.tensor(longer).argsort().numpy(), np.argsort(longer, kind="stable"))


def test_load_state_dict_result_is_named_as_pytorchs() -> None:
    for lib in (torch, mg):
        keys = lib.nn.Linear(2, 2).load_state_dict({"weight": lib.zeros(2, 2)}, strict=False)
        assert type(keys).__name__ == "_IncompatibleKeys"
        assert repr(keys) == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])"


@pytest.mark.parametrize(("n", "k"), [(10, 3), (10, 9), (100, 5), (5, 5), (300, 4), (20, 3)])
def test_topk_unsorted_order_is_pytorchs(n: int, k: int) -> None:
    # (topk(sorted=False) leaves C++'s nth_element arrangement where PyTorch takes no partial_sort)
    a = np.random.default_rng(n + k).standard_normal((3, n)).astype(np.float32)
    for largest in (True, False):
        want = torch.from_numpy(a).topk(k, largest=largest, sorted=False).indices.numpy()
        got = mg.tensor(a).topk(k, largest=largest, sorted=False).indices.numpy()
        np.testing.assert_array_equal(got, want)
