"""F.scaled_dot_product_attention(enable_gqa=True) against PyTorch: key/value heads shared by query groups."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = pytest.importorskip("torch")


@pytest.mark.parametrize(("q_heads", "kv_heads", "kwargs"), [
    (6, 2, {"is_causal": True}),
    (4, 4, {}),
    (3, 1, {"scale": 0.3}),
    (4, 2, {"mask": True}),
])
def test_grouped_query_attention_matches_torch(q_heads: int, kv_heads: int,
                                               kwargs: dict[str, object]) -> None:
    require_torch()
    rng = np.random.default_rng(q_heads * 10 + kv_heads)
    arrays = [rng.standard_normal((2, q_heads, 5, 4)), rng.standard_normal((2, kv_heads, 3, 4)),
              rng.standard_normal((2, kv_heads, 3, 6))]
    ours = [mg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    extra: dict[str, object] = {k: v for k, v in kwargs.items() if k != "mask"}
    mine, ref = dict(extra), dict(extra)
    if kwargs.get("mask"):
        mask = rng.random((5, 3)) > 0.3
        mask[:, 0] = True
        mine["attn_mask"], ref["attn_mask"] = mg.tensor(mask), torch.tensor(mask)
    y = mg.nn.functional.scaled_dot_product_attention(*ours, enable_gqa=True, **mine)
    ty = torch.nn.functional.scaled_dot_product_attention(*theirs, enable_gqa=True, **ref)
    assert_close(y, ty)
    g = rng.standard_normal(tuple(ty.shape))
    y.backward(mg.tensor(g))
    ty.backward(torch.tensor(g))
    for m, t in zip(ours, theirs, strict=True):
        assert_close(m.grad, t.grad)


def test_grouped_query_attention_needs_a_multiple_of_the_heads() -> None:
    q, kv = mg.zeros(1, 4, 2, 3), mg.zeros(1, 3, 2, 3)
    with pytest.raises(mg.ShapeError, match=r"multiple of key's"):
        mg.nn.functional.scaled_dot_product_attention(q, kv, kv, enable_gqa=True)
