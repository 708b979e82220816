"""F.ctc_loss and nn.CTCLoss against torch in float64: values, gradients, target forms, edge cases, errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from tests.helpers import assert_close, require_torch

torch = require_torch()
TF = torch.nn.functional

RTOL, ATOL = 1e-10, 1e-12
T, N, C = 9, 4, 6


def _batch(seed: int, impossible: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Logits (T, N, C), padded targets (N, S) with repeats, input and target lengths."""
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((T, N, C)) * 2
    targets = rng.integers(1, C, (N, 4))
    targets[0, 1] = targets[0, 0]  # a repeated label needs a blank between the two
    target_lengths = np.array([4, 3, 1, 0])
    input_lengths = np.array([9, 7, 2, 5])
    if impossible:
        targets[1, :3] = 2  # three equal labels need 5 frames
        input_lengths[1] = 4
    return logits, targets, input_lengths, target_lengths


def _concat(targets: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    return np.concatenate([row[:k] for row, k in zip(targets, lengths, strict=True)])


CASES = list(itertools.product(["mean", "sum", "none"], [False, True], ["padded", "concatenated"], [0, 3]))


@pytest.mark.parametrize(("reduction", "zero_infinity", "form", "blank"), CASES)
def test_values_and_gradients_match_torch(reduction: str, zero_infinity: bool, form: str, blank: int) -> None:
    """Through log_softmax (the gradient w.r.t. the logits) and at the log-probabilities themselves."""
    logits, targets, il, tl = _batch(blank)
    targets[targets == blank] = 1 if blank != 1 else 2
    if form == "concatenated":
        targets = _concat(targets, tl)
    tx, mx = torch.tensor(logits, requires_grad=True), mg.tensor(logits, requires_grad=True)
    tlp, mlp = tx.log_softmax(-1), mx.log_softmax(-1)
    tlp.retain_grad()
    mlp.retain_grad()
    want = TF.ctc_loss(tlp, torch.tensor(targets), torch.tensor(il), torch.tensor(tl), blank=blank,
                       reduction=reduction, zero_infinity=zero_infinity)
    got = F.ctc_loss(mlp, mg.tensor(targets), mg.tensor(il), mg.tensor(tl), blank=blank, reduction=reduction,
                     zero_infinity=zero_infinity)
    assert got.shape == tuple(want.shape)
    assert_close(got, want, rtol=RTOL, atol=ATOL)
    up = np.random.default_rng(1).standard_normal(tuple(want.shape))
    want.backward(torch.tensor(up))
    got.backward(mg.tensor(up))
    assert_close(mlp.grad, tlp.grad, rtol=RTOL, atol=ATOL)
    assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)
    assert np.abs(mx.grad.numpy()).max() > 1e-3


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_impossible_alignment_is_infinite_or_zeroed_like_torch(reduction: str) -> None:
    logits, targets, il, tl = _batch(2, impossible=True)
    tlp = torch.tensor(logits).log_softmax(-1).requires_grad_()
    mlp = mg.tensor(logits).log_softmax(-1).detach().requires_grad_()
    args = (torch.tensor(targets), torch.tensor(il), torch.tensor(tl))
    margs = (mg.tensor(targets), mg.tensor(il), mg.tensor(tl))
    assert_close(F.ctc_loss(mlp, *margs, reduction=reduction), TF.ctc_loss(tlp, *args, reduction=reduction),
                 rtol=RTOL, atol=ATOL)
    want = TF.ctc_loss(tlp, *args, reduction=reduction, zero_infinity=True)
    got = F.ctc_loss(mlp, *margs, reduction=reduction, zero_infinity=True)
    assert_close(got, want, rtol=RTOL, atol=ATOL)
    want.sum().backward()
    got.sum().backward()
    assert_close(mlp.grad, tlp.grad, rtol=RTOL, atol=ATOL)
    assert not mlp.grad.numpy()[:, 1].any()  # the impossible sample's gradient is zero


def test_unbatched_and_float32_match_torch() -> None:
    logits, targets, _, _ = _batch(4)
    tx, mx = torch.tensor(logits[:, 0], requires_grad=True), mg.tensor(logits[:, 0], requires_grad=True)
    want = TF.ctc_loss(tx.log_softmax(-1), torch.tensor(targets[0, :3]), torch.tensor(8), torch.tensor(3),
                       reduction="none")
    got = F.ctc_loss(mx.log_softmax(-1), mg.tensor(targets[0, :3]), mg.tensor(8), mg.tensor(3),
                     reduction="none")
    assert got.shape == ()
    assert_close(got, want, rtol=RTOL, atol=ATOL)
    want.backward()
    got.backward()
    assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)
    logits, targets, il, tl = _batch(5)
    x32 = logits.astype(np.float32)
    want = TF.ctc_loss(torch.tensor(x32).log_softmax(-1), torch.tensor(targets), tuple(il), tuple(tl))
    got = F.ctc_loss(mg.tensor(x32).log_softmax(-1), mg.tensor(targets), tuple(il), tuple(tl))
    assert got.dtype == np.float32
    assert_close(got, want, rtol=1e-5, atol=1e-6)


def test_gradient_through_log_softmax_passes_gradcheck() -> None:
    rng = np.random.default_rng(6)
    x = mg.tensor(rng.standard_normal((5, 2, 4)), requires_grad=True)
    targets, il, tl = mg.tensor([[1, 1], [2, 3]]), mg.tensor([5, 4]), mg.tensor([2, 1])
    assert mg.gradcheck(lambda v: F.ctc_loss(v.log_softmax(-1), targets, il, tl, reduction="sum"), (x,))


def test_module_matches_functional_and_torchs_repr() -> None:
    logits, targets, il, tl = _batch(7)
    lp = mg.tensor(logits).log_softmax(-1)
    loss = nn.CTCLoss(blank=0, reduction="sum", zero_infinity=True)
    assert repr(loss) == repr(torch.nn.CTCLoss()) == "CTCLoss()"
    assert (loss.blank, loss.reduction, loss.zero_infinity) == (0, "sum", True)
    assert_close(loss(lp, mg.tensor(targets), mg.tensor(il), mg.tensor(tl)),
                 torch.nn.CTCLoss(reduction="sum", zero_infinity=True)(
                     torch.tensor(logits).log_softmax(-1), torch.tensor(targets), torch.tensor(il),
                     torch.tensor(tl)), rtol=RTOL, atol=ATOL)
    with pytest.raises(ValueError):
        nn.CTCLoss(reduction="avg")


@pytest.mark.parametrize(("change", "torch_error"), [
    ({"blank": 6}, RuntimeError),
    ({"blank": -1}, RuntimeError),
    ({"reduction": "avg"}, ValueError),
    ({"input_lengths": [10, 7, 2, 5]}, RuntimeError),
    ({"input_lengths": [9, 7, 2]}, RuntimeError),
    ({"target_lengths": [5, 3, 1, 0]}, RuntimeError),
    ({"target_lengths": [-1, 3, 1, 0]}, RuntimeError),
    ({"targets": [1, 2, 3, 4, 5, 1, 2, 3, 4]}, RuntimeError),  # concatenated: one label too many
])
def test_bad_arguments_raise_torchs_error_classes(change: dict[str, object],
                                                  torch_error: type[Exception]) -> None:
    logits, targets, il, tl = _batch(8)
    kw: dict[str, object] = {"input_lengths": il.tolist(), "target_lengths": tl.tolist(), **change}
    targets = np.asarray(kw.pop("targets", targets))
    with pytest.raises(torch_error):
        lengths = {k: torch.tensor(kw[k]) for k in ("input_lengths", "target_lengths")}
        TF.ctc_loss(torch.tensor(logits).log_softmax(-1), torch.tensor(targets),
                    **{**kw, **lengths})
    with pytest.raises(torch_error) as info:
        lengths = {k: mg.tensor(kw[k]) for k in ("input_lengths", "target_lengths")}
        F.ctc_loss(mg.tensor(logits).log_softmax(-1), mg.tensor(targets),
                   **{**kw, **lengths})
    assert isinstance(info.value, mg.MinigradError)
