"""Regressions found by running PyTorch tutorial and training scripts (Udacity's deep-learning-v2-pytorch,
aladdinpersson's Machine-Learning-Collection, L1aoXingyu's pytorch-beginner, labml.ai's annotated
implementations, ...) under ``python -m minigrad.compat`` and diffing their output with real torch: each
test makes the same calls on both libraries and compares values, warnings, or error classes and words."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()
torch.set_num_threads(1)


def _warning_words(call: Any) -> list[str]:
    """The messages of the warnings ``call()`` gives under the 'always' filter."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in seen]


@pytest.mark.parametrize(("fn", "shape"), [("dropout2d", (2, 3, 4)), ("dropout2d", (2, 3)),
                                           ("dropout2d", (1, 2, 3, 4, 5)), ("dropout3d", (2, 3, 4)),
                                           ("dropout3d", (1, 2, 3, 4, 5, 6))])
def test_channel_dropout_rank_warnings_say_torchs_words(fn: str, shape: tuple[int, ...]) -> None:
    """A seeded script calling F.dropout2d on an (N, C, L) batch printed minigrad's shortened warning
    ('...; use dropout1d for that') where PyTorch's says what will change and what to switch to; the
    deprecated-rank warnings of dropout2d/dropout3d were shortened too."""
    got = _warning_words(lambda: getattr(mg.nn.functional, fn)(mg.ones(*shape), 0.5))
    want = _warning_words(lambda: getattr(torch.nn.functional, fn)(torch.ones(*shape), 0.5))
    assert got == want and want


def _strip_internal(words: list[str]) -> list[str]:
    """PyTorch's C++ warnings end with where they were raised: not part of what minigrad says."""
    return [w.split(" (Triggered internally at ")[0] for w in words]


# once-per-process warnings (PyTorch's TORCH_WARN_ONCE), each given again by a second call under
# set_warn_always: a script turning it on (or a notebook cell run twice) saw minigrad's once only
_ONCE: dict[str, Any] = {
    "cholesky": lambda t: t.cholesky(t.eye(2)),
    "triangular_solve": lambda t: t.triangular_solve(t.ones(2, 1), t.eye(2)),
    "lu": lambda t: t.lu(t.eye(2)),
    "scalar-first overload": lambda t: t.ones(2).add(2, t.ones(2)),
    "x.T of 3 dims": lambda t: t.ones(2, 2, 2).T,
    "x.T of 0 dims": lambda t: t.ones(()).T,
    "x.mT of 0 dims": lambda t: t.ones(()).mT,
    "x.mH of 0 dims": lambda t: t.ones(()).mH,
    "float of a grad tensor": lambda t: float(t.ones(1, requires_grad=True)),
    "tensor of grad tensors": lambda t: t.tensor([t.ones(1, requires_grad=True)]),
    "asarray requires_grad": lambda t: t.asarray(t.ones(1, requires_grad=True)),
    "rms_norm mixed dtypes": lambda t: t.nn.functional.rms_norm(t.ones(2, 2), (2,),
                                                                t.ones(2, dtype=t.float64)),
    "scatter reduce=": lambda t: t.zeros(3).scatter(0, t.tensor([0, 1]), t.ones(2), reduce="add"),
    "index_reduce": lambda t: t.zeros(3).index_reduce_(0, t.tensor([0, 1]), t.ones(2), "prod"),
    "meshgrid": lambda t: t.meshgrid(t.ones(2), t.ones(3)),
    "sparse invariants": lambda t: t.sparse_coo_tensor([[0], [1]], [1.0], (2, 2)),
    "where uint8": lambda t: t.where(t.tensor([1, 0], dtype=t.uint8), t.ones(2), t.zeros(2)),
}


@pytest.mark.usefixtures("warn_always")
@pytest.mark.parametrize("name", list(_ONCE))
def test_once_per_process_warnings_repeat_under_set_warn_always(name: str) -> None:
    """minigrad kept several of PyTorch's once-per-process warnings in flags of their own that ignored
    ``set_warn_always`` (cholesky, lu, x.T, float(t), the deprecated scalar-first overloads, ...); they now
    share one helper (settings.warn_once_due), as PyTorch's TORCH_WARN_ONCE. torch.cholesky's deprecation
    also says PyTorch's words now (minigrad's was a summary)."""
    call = _ONCE[name]
    got = _warning_words(lambda: (call(mg), call(mg)))
    want = _strip_internal(_warning_words(lambda: (call(torch), call(torch))))
    assert got == want and len(want) == 2


def test_where_takes_a_uint8_condition_as_torch() -> None:
    """PyTorch's where still takes a uint8 condition (deprecated: a once-per-process warning); minigrad
    raised its bool-condition error, so an older script masking with a ByteTensor stopped there."""
    def run(t: Any) -> tuple[list[float], list[float], list[float], str]:
        x = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = t.tensor([-1.0, -2.0, -3.0], requires_grad=True)
        cond = t.tensor([1, 0, 2], dtype=t.uint8)
        out = t.where(cond, x * 2, y)
        out.sum().backward()
        assert x.grad is not None and y.grad is not None
        return out.tolist(), x.grad.tolist(), y.grad.tolist(), str(x.where(cond, 0.0).dtype)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # (the deprecation: checked above)
        got, want = run(mg), run(torch)
    assert got[:3] == want[:3] and got[3].split(".")[-1] == want[3].split(".")[-1]
    for t in (mg, torch):  # other integer conditions are still refused
        with pytest.raises(RuntimeError, match="where expected condition to be a boolean tensor"):
            t.where(t.tensor([1, 0]), t.ones(2), t.zeros(2))


def test_weights_only_load_takes_counter_bytearray_and_complex_as_torch(tmp_path: Any) -> None:
    """PyTorch's weights-only unpickler allows collections.Counter, bytearray and complex: an NLP script
    saving its vocabulary's Counter beside the weights loaded under PyTorch's default torch.load and was
    refused (UnsafeCheckpointError) under the alias."""
    import collections

    payload = {"vocab": collections.Counter(["a", "b", "a"]), "raw": bytearray(b"ab"), "z": 1 + 2j}
    path = str(tmp_path / "ckpt.pt")
    torch.save({**payload, "w": torch.ones(2)}, path)
    got = mg.load(path)
    assert {k: got[k] for k in payload} == payload and got["w"].tolist() == [1.0, 1.0]
    mg.save({**payload, "w": mg.ones(2)}, path)
    back = torch.load(path)
    assert {k: back[k] for k in payload} == payload


def test_tensor_backward_goes_through_the_patchable_autograd_backward() -> None:
    """PyTorch's Tensor.backward calls ``torch.autograd.backward``: Udacity's tv-script-generation unit test
    patches it (``patch.object(torch.autograd, 'backward', wraps=torch.autograd.backward)``) and asserts the
    student's ``loss.backward()`` called it. minigrad's Tensor.backward called its engine directly, so the
    test failed under the alias."""
    from unittest.mock import patch

    for lib in (torch, mg):
        x = lib.ones(3, requires_grad=True)
        with patch.object(lib.autograd, "backward", wraps=lib.autograd.backward) as seen:
            (x * x).sum().backward()
            (x * 2).backward(lib.ones(3))
        assert seen.call_count == 2, lib
        assert x.grad is not None and x.grad.tolist() == [4.0, 4.0, 4.0]
