"""Differences found while writing progs31's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _sparse_bag_step(lib: Any, mode: str, padding_idx: int | None) -> list[list[float]]:
    """An EmbeddingBag(sparse=True) trained one step with SparseAdam: the rows looked up (padding left
    out) move, the others stay."""
    weight = lib.arange(24, dtype=lib.float32).reshape(6, 4) / 10
    bag = lib.nn.EmbeddingBag(6, 4, mode=mode, sparse=True, padding_idx=padding_idx, _weight=weight)
    opt = lib.optim.SparseAdam(list(bag.parameters()), lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        out = bag(lib.tensor([1, 2, 4, 2, 4, 1, 2, 0]), lib.tensor([0, 3, 3, 6]))
        (out * lib.arange(4.0)).sum().backward()
        opt.step()
    return [[round(v, 5) for v in row] for row in bag.weight.tolist()]


@pytest.mark.parametrize(("mode", "padding_idx"), [("sum", None), ("mean", 2), ("sum", -4)])
def test_embedding_bag_sparse_grads_feed_sparse_adam(mode: str, padding_idx: int | None) -> None:
    assert _sparse_bag_step(mg, mode, padding_idx) == _sparse_bag_step(torch, mode, padding_idx)


def test_embedding_bag_sparse_refused_in_max_mode() -> None:
    for lib, cls in ((mg, ValueError), (torch, ValueError)):
        bag = lib.nn.EmbeddingBag(6, 4, mode="max", sparse=True)
        with pytest.raises(cls, match="max mode does not support sparse weights"):
            bag(lib.tensor([1, 2]), lib.tensor([0]))
        with pytest.raises(cls, match="max mode does not support sparse weights"):
            lib.nn.functional.embedding_bag(lib.tensor([[1, 2]]), bag.weight, mode="max", sparse=True)


def _packed_conversions(lib: Any) -> list[Any]:
    """PackedSequence's dtype shortcuts, is_pinned / pin_memory and cuda(), as a script calls them."""
    packed = lib.nn.utils.rnn.pack_sequence([lib.tensor([3.5, 2.0, 1.0]), lib.tensor([4.0, 5.0])])
    seen: list[Any] = []
    for name in ("byte", "char", "short", "int", "long", "half", "float", "double"):
        other = getattr(packed, name)()
        seen += [name, str(other.data.dtype).rsplit(".", 1)[-1], other.data.tolist(),
                 other.batch_sizes.tolist(), type(other).__name__]
    seen.append(packed.is_pinned())
    for method, cls in ((packed.pin_memory, RuntimeError), (packed.cuda, AssertionError)):  # (no accelerator)
        try:
            method()
        except cls:
            seen.append(cls.__name__)
    return seen


def test_packed_sequence_conversions() -> None:
    assert _packed_conversions(mg) == _packed_conversions(torch)


def _matmul_cdist(lib: Any, dtype: Any) -> tuple[list[list[float]], list[list[float]], str]:
    """cdist's matmul form (compute_mode, or past 25 rows) on points with coincident pairs: PyTorch
    clamps the squared distances at 0 (exact zeros, printed as such) and gives them no gradient."""
    base = lib.tensor([[1.0, 2.0], [1.0, 2.0], [0.0, 1.0], [3.0, -1.0]], dtype=dtype)
    a = lib.cat([base] * 8).requires_grad_()  # 32 rows: the default mode takes the matmul form too
    d = lib.cdist(a, a)
    weights = lib.arange(32 * 32, dtype=dtype).reshape(32, 32) / 100
    (d * weights).sum().backward()
    small = lib.cdist(base, base, compute_mode="use_mm_for_euclid_dist")
    return d.tolist(), a.grad.tolist(), str(small).split("\n", maxsplit=1)[0]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cdist_matmul_form_exact_zeros(dtype: str) -> None:
    got = _matmul_cdist(mg, getattr(mg, dtype))
    want = _matmul_cdist(torch, getattr(torch, dtype))
    assert got[2] == want[2]
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=0)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-4)


def _index_reduce_warnings(lib: Any) -> list[str]:
    """The warnings index_reduce gives (PyTorch: a beta warning, once per process)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = lib.ones(3).index_reduce_(0, lib.tensor([0, 2, 0]), lib.tensor([1.0, 2.0, 3.0]), "mean")
        lib.index_reduce(lib.ones(3), 0, lib.tensor([1]), lib.tensor([4.0]), "prod")
    return [*(str(w.message).split(" (Triggered")[0] for w in caught), str(out.tolist())]


def test_index_reduce_beta_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from minigrad import settings

    monkeypatch.setattr(settings, "_warned_once", set())
    got = _index_reduce_warnings(mg)
    torch.set_warn_always(True)  # (PyTorch's warn-once may have fired earlier in this process)
    try:
        want = _index_reduce_warnings(torch)
    finally:
        torch.set_warn_always(False)
    assert got == want[:1] + want[-1:]  # (warn_always repeats PyTorch's; minigrad's once)
    assert _index_reduce_warnings(mg) == want[-1:]


def _packed_from_lengths(lib: Any, lengths: Any, enforce_sorted: bool) -> list[Any]:
    """pack_padded_sequence with lengths as a script computes them (a float mask's sum, a list of floats)."""
    x = lib.arange(24.0).reshape(3, 4, 2)
    pack = lib.nn.utils.rnn.pack_padded_sequence
    packed = pack(x, lengths, batch_first=True, enforce_sorted=enforce_sorted)
    sorted_indices = packed.sorted_indices
    return [packed.data.tolist(), packed.batch_sizes.tolist(),
            None if sorted_indices is None else sorted_indices.tolist()]


@pytest.mark.parametrize(("lengths", "enforce_sorted"), [
    ("mask", False), ([4.0, 2.0, 3.0], False), ([4.0, 3.5, 1.2], True), ("int32", False)])
def test_pack_padded_sequence_float_lengths(lengths: Any, enforce_sorted: bool) -> None:
    def build(lib: Any) -> Any:
        if lengths == "mask":
            return (lib.tensor([[1, 1, 1, 1], [1, 1, 0, 0], [1, 1, 1, 0]]) > 0).float().sum(1)
        if lengths == "int32":
            return lib.tensor([4, 2, 3], dtype=lib.int32)
        return lengths

    got = _packed_from_lengths(mg, build(mg), enforce_sorted)
    assert got == _packed_from_lengths(torch, build(torch), enforce_sorted)


def _autocast_use(lib: Any) -> list[Any]:
    """``with torch.autocast(...) as ctx``; the warning on CUDA without CUDA (both run in full precision)."""
    seen: list[Any] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with lib.autocast(device_type="cuda") as ctx:
            seen += [type(ctx).__name__, ctx.device, (lib.ones(2, 2) @ lib.ones(2, 2)).dtype == lib.float32]
        with lib.autocast("cpu", enabled=False) as ctx:
            seen += [type(ctx).__name__, ctx.device]
        with lib.autocast("cuda", enabled=False):
            pass
    return [*seen, [(w.category.__name__, str(w.message)) for w in caught]]


def test_autocast_enter_and_cuda_warning() -> None:
    assert _autocast_use(mg) == _autocast_use(torch)


def _embedding_reset(lib: Any) -> list[Any]:
    """The k-fold idiom ``model.apply(reset)`` over layers that have ``reset_parameters``: an Embedding
    (padding row zeroed) draws again from the seeded stream, as PyTorch's."""
    model = lib.nn.Sequential(lib.nn.Embedding(5, 3, padding_idx=1), lib.nn.Flatten(), lib.nn.Linear(6, 2))
    lib.manual_seed(7)
    model.apply(lambda m: m.reset_parameters() if hasattr(m, "reset_parameters") else None)
    emb = model[0]
    with lib.no_grad():
        emb.weight.fill_(2.0)
    emb._fill_padding_idx_with_zero()
    return [lib.rand(1).item(), model[2].weight.sum().item(), emb.weight.tolist(),
            isinstance(emb.weight, lib.nn.Parameter), emb.weight.requires_grad]


def test_embedding_reset_parameters() -> None:
    got, want = _embedding_reset(mg), _embedding_reset(torch)
    assert got[2:] == want[2:]
    np.testing.assert_allclose(got[:2], want[:2], rtol=1e-6)


def test_embedding_reset_parameters_draws() -> None:
    def draw(lib: Any) -> list[list[float]]:
        emb = lib.nn.Embedding(4, 2, padding_idx=-1)
        lib.manual_seed(3)
        emb.reset_parameters()
        return emb.weight.tolist()

    np.testing.assert_allclose(draw(mg), draw(torch), rtol=1e-6)


def test_transformer_reset_and_bag_padding_helpers() -> None:
    def run(lib: Any) -> list[Any]:
        lib.manual_seed(0)
        model = lib.nn.Transformer(d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                                   dim_feedforward=8, batch_first=True)
        lib.manual_seed(1)
        model._reset_parameters()
        bag = lib.nn.EmbeddingBag(4, 2, padding_idx=2)
        with lib.no_grad():
            bag.weight.fill_(1.0)
        bag._fill_padding_idx_with_zero()
        return [round(model.encoder.layers[0].linear1.weight.sum().item(), 5),
                round(model.decoder.layers[0].self_attn.in_proj_weight.sum().item(), 5), lib.rand(1).item(),
                bag.weight.tolist()]

    assert run(mg) == run(torch)
