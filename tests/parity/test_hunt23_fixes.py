"""Sequence-model layers against PyTorch 2.13: MultiheadAttention, RNNs, Embedding (hunt23's fixes)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = pytest.importorskip("torch")


def test_mha_mask_errors_are_torch_assertion_errors() -> None:
    require_torch()
    x = np.zeros((3, 2, 4))
    theirs, ours = torch.nn.MultiheadAttention(4, 2), mg.nn.MultiheadAttention(4, 2)
    tx, mx = torch.tensor(x, dtype=torch.float32), mg.tensor(x, dtype=mg.float32)
    cases = [{"key_padding_mask": np.zeros((2, 4), dtype=bool)},
             {"attn_mask": np.zeros((3, 3), dtype=np.int64)},
             {"key_padding_mask": np.zeros((2, 3), dtype=np.int64)}]
    for kwargs in cases:
        with pytest.raises(AssertionError):
            theirs(tx, tx, tx, **{k: torch.tensor(v) for k, v in kwargs.items()})
        with pytest.raises(AssertionError):
            ours(mx, mx, mx, **{k: mg.tensor(v) for k, v in kwargs.items()})
    q = np.zeros((1, 2, 3, 4), dtype=np.float32)
    bad = np.zeros((3, 3), dtype=np.int64)
    with pytest.raises(RuntimeError):
        torch.nn.functional.scaled_dot_product_attention(*[torch.tensor(q)] * 3, attn_mask=torch.tensor(bad))
    with pytest.raises(RuntimeError):
        mg.nn.functional.scaled_dot_product_attention(*[mg.tensor(q)] * 3, attn_mask=mg.tensor(bad))


@pytest.mark.parametrize("name", ["Embedding", "EmbeddingBag"])
def test_from_pretrained_of_1d_embeddings_is_an_assertion_error(name: str) -> None:
    require_torch()
    with pytest.raises(AssertionError):
        getattr(torch.nn, name).from_pretrained(torch.zeros(5))
    with pytest.raises(AssertionError):
        getattr(mg.nn, name).from_pretrained(mg.zeros(5))


def test_attention_float_mask_of_another_dtype_is_a_runtime_error() -> None:
    # PyTorch does not cast a float64 mask to float32 queries (nor mixed q/k/v dtypes): RuntimeError
    require_torch()
    x = np.zeros((3, 2, 4), dtype=np.float32)
    mask = np.zeros((3, 3))
    theirs, ours = torch.nn.MultiheadAttention(4, 2), mg.nn.MultiheadAttention(4, 2)
    for need_weights in (True, False):
        with pytest.raises(RuntimeError):
            theirs(*[torch.tensor(x)] * 3, attn_mask=torch.tensor(mask), need_weights=need_weights)
        with pytest.raises(RuntimeError):
            ours(*[mg.tensor(x)] * 3, attn_mask=mg.tensor(mask), need_weights=need_weights)
    sdpa_t = torch.nn.functional.scaled_dot_product_attention
    sdpa_m = mg.nn.functional.scaled_dot_product_attention
    with pytest.raises(RuntimeError):
        sdpa_t(*[torch.tensor(x)] * 3, attn_mask=torch.tensor(mask))
    with pytest.raises(RuntimeError):
        sdpa_m(*[mg.tensor(x)] * 3, attn_mask=mg.tensor(mask))
    with pytest.raises(RuntimeError):
        sdpa_t(torch.tensor(x), torch.tensor(x, dtype=torch.float64), torch.tensor(x))
    with pytest.raises(RuntimeError):
        sdpa_m(mg.tensor(x), mg.tensor(x, dtype=mg.float64), mg.tensor(x))


def test_sdpa_with_empty_head_dim_averages_the_values() -> None:
    # PyTorch's default scale 1 / sqrt(0) is inf and the empty scores are 0: a uniform average
    require_torch()
    rng = np.random.default_rng(0)
    q, k, v = rng.standard_normal((2, 3, 0)), rng.standard_normal((2, 5, 0)), rng.standard_normal((2, 5, 4))
    want = torch.nn.functional.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v))
    got = mg.nn.functional.scaled_dot_product_attention(mg.tensor(q), mg.tensor(k), mg.tensor(v))
    assert_close(got, want)


def test_generate_square_subsequent_mask_as_bool() -> None:
    # PyTorch casts its -inf/0 mask to bool: True above the diagonal, usable as a bool attn_mask
    require_torch()
    for size in (0, 1, 4):
        want = torch.nn.Transformer.generate_square_subsequent_mask(size, dtype=torch.bool)
        got = mg.nn.Transformer.generate_square_subsequent_mask(size, dtype=mg.bool)
        assert got.dtype == mg.bool
        np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("layer", [False, True])
def test_is_causal_hint_replaces_attn_mask_without_weights_or_padding(layer: bool) -> None:
    # PyTorch trusts is_causal=True when neither weights nor a key_padding_mask are needed: the given
    # attn_mask (here all-False, "attend everywhere") is dropped for its own causal mask
    require_torch()
    torch.manual_seed(0)
    if layer:
        theirs = torch.nn.TransformerEncoderLayer(6, 2, 12, dropout=0.0, dtype=torch.float64)
        ours = mg.nn.TransformerEncoderLayer(6, 2, 12, dropout=0.0, dtype=mg.float64)
    else:
        theirs = torch.nn.MultiheadAttention(6, 2, dtype=torch.float64)
        ours = mg.nn.MultiheadAttention(6, 2, dtype=mg.float64)
    ours.load_state_dict({k: mg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 2, 6))
    mask = np.zeros((4, 4), dtype=bool)
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    if layer:
        want = theirs(tx, src_mask=torch.tensor(mask), is_causal=True)
        got = ours(mx, src_mask=mg.tensor(mask), is_causal=True)
    else:
        want = theirs(tx, tx, tx, attn_mask=torch.tensor(mask), is_causal=True, need_weights=False)[0]
        got = ours(mx, mx, mx, attn_mask=mg.tensor(mask), is_causal=True, need_weights=False)[0]
    assert_close(got, want)
    want.sum().backward()
    got.sum().backward()
    assert_close(mx.grad, tx.grad)
