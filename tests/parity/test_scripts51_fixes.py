"""Cases found by running public PyTorch learning material with ``torch`` aliased to minigrad (scripts51).

Each test runs the same code on both libraries and compares the results. The
material: rasbt/LLMs-from-scratch (chapters 2-7, appendices A, D, E and their
tests) and d2l-ai/d2l-en's PyTorch chapters (with d2l/torch.py).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize("size", [lambda lib: lib.tensor([2, 3, 1]).max() + 1, lambda lib: lib.tensor([4]),
                                  lambda lib: lib.tensor([[4]], dtype=lib.int32)])
def test_layer_sizes_take_one_element_integer_tensors(size: Any) -> None:
    # LLMs-from-scratch ch02 (embeddings-and-linear-layers) builds `Embedding(idx.max() + 1, out_dim)`:
    # PyTorch's sizes go through __index__, so a one-element integer tensor is its int
    shapes = []
    for lib in (mg, torch):
        lib.manual_seed(123)
        emb = lib.nn.Embedding(size(lib), 5)
        lin = lib.nn.Linear(size(lib), 3)
        conv = lib.nn.Conv1d(size(lib), 2, 3)
        shapes.append((tuple(emb.weight.shape), tuple(lin.weight.shape), tuple(conv.weight.shape),
                       emb.weight.detach().numpy().copy()))
    assert shapes[0][:3] == shapes[1][:3]
    np.testing.assert_array_equal(shapes[0][3], shapes[1][3])


@pytest.mark.parametrize("bad", [lambda lib: lib.tensor(2.0), lambda lib: lib.tensor([1, 2])])
def test_layer_sizes_refuse_other_tensors_with_a_type_error(bad: Any) -> None:
    for lib in (mg, torch):
        with pytest.raises(TypeError):
            lib.nn.Linear(bad(lib), 3)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "float16"])
def test_setitem_with_a_float16_number_warns_nothing(dtype: str) -> None:
    # d2l's minibatch-SGD chapter assigns numpy scalars into a tensor; a numpy float16 one compared
    # itself with the target type's range in float16 (an overflow RuntimeWarning, an error under -W error)
    t = mg.zeros(3, dtype=getattr(mg, dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t[0] = np.float16(1.5)
        t[1:] = np.float16(-2.5)
        u = mg.full((2,), np.float16(3.0), dtype=getattr(mg, dtype))
    ref = torch.zeros(3, dtype=getattr(torch, dtype))
    ref[0], ref[1:] = 1.5, -2.5
    np.testing.assert_array_equal(t.numpy(), ref.numpy())
    assert u.tolist() == [3, 3]


@pytest.mark.parametrize("name", ["Event", "Stream"])
def test_cuda_event_and_stream_raise_pytorchs_runtime_error(name: str) -> None:
    # LLMs-from-scratch's mha-implementations notebook times with torch.cuda.Event(enable_timing=True): on a
    # CPU build that is a RuntimeError, which the notebook's cell reports, not an AttributeError
    for lib in (mg, torch):
        with pytest.raises(RuntimeError):
            getattr(lib.cuda, name)(enable_timing=True) if name == "Event" else getattr(lib.cuda, name)()
    assert not isinstance(object(), mg.cuda.Event)
