"""F.ctc_loss / nn.CTCLoss against torch in float64: losses for padded and concatenated targets,
unbatched input, repeated labels, blank elsewhere, impossible alignments (inf, or 0 with zero_infinity),
every reduction, and the gradients both at log_probs and through a log_softmax."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import InvalidParameterError, ShapeError
from tests.helpers import assert_close, require_torch

torch = require_torch()
torch.set_num_threads(1)

LOGITS = np.random.default_rng(0).normal(size=(7, 4, 5))
TARGETS = np.array([[1, 2, 2], [3, 0, 0], [1, 1, 4], [2, 3, 1]])
IN_LEN, TGT_LEN = np.array([7, 5, 2, 6]), np.array([3, 1, 3, 0])  # sample 2 cannot align: inf


def _run(lib: Any, reduction: str, zero_infinity: bool, through_softmax: bool,
         concatenated: bool = False, blank: int = 0) -> list[np.ndarray]:
    logits = lib.tensor(LOGITS, requires_grad=True)
    lp = logits.log_softmax(2) if through_softmax else logits
    targets = (lib.tensor(np.concatenate([r[:n] for r, n in zip(TARGETS, TGT_LEN)])) if concatenated
               else lib.tensor(TARGETS))
    if blank:
        targets = lib.where(targets == blank, lib.zeros_like(targets), targets)
    loss = lib.nn.CTCLoss(blank=blank, reduction=reduction, zero_infinity=zero_infinity)(
        lp, targets, lib.tensor(IN_LEN), lib.tensor(TGT_LEN))
    w = lib.tensor(np.cos(np.arange(loss.numel())).reshape(tuple(loss.shape)))
    out = [np.array(loss.detach().numpy())]
    if zero_infinity:  # (PyTorch's gradient of an inf loss is nan: compare only finite cases)
        (loss * w).sum().backward()
        out.append(np.array(logits.grad.numpy()))
    return out


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("through_softmax", [False, True])
def test_ctc_loss_matches_torch(reduction: str, zero_infinity: bool, through_softmax: bool) -> None:
    for got, want in zip(_run(mg, reduction, zero_infinity, through_softmax),
                         _run(torch, reduction, zero_infinity, through_softmax)):
        assert_close(got, want, rtol=1e-10)


@pytest.mark.parametrize(("concatenated", "blank"), [(True, 0), (False, 4)])
def test_concatenated_targets_and_other_blank_match_torch(concatenated: bool, blank: int) -> None:
    for got, want in zip(_run(mg, "none", True, True, concatenated, blank),
                         _run(torch, "none", True, True, concatenated, blank)):
        assert_close(got, want, rtol=1e-10)


def test_unbatched_and_empty_inputs_match_torch() -> None:
    res = []
    for lib in (mg, torch):
        lp = lib.tensor(LOGITS[:, 0]).log_softmax(1)
        one = lib.nn.functional.ctc_loss(lp, lib.tensor([1, 2, 2]), lib.tensor(7), lib.tensor(3))
        none = lib.nn.functional.ctc_loss(lp, lib.tensor([1, 2, 2]), lib.tensor(7), lib.tensor(3),
                                          reduction="none")
        lp3 = lib.tensor(LOGITS[:, :2]).log_softmax(2)
        empty = lib.nn.functional.ctc_loss(lp3, lib.tensor([[1], [1]]), lib.tensor([0, 0]),
                                           lib.tensor([0, 1]), reduction="none")
        res.append([one.item(), tuple(none.shape), empty.tolist()])
    assert res[0][1] == res[1][1] == ()
    assert res[0][2] == res[1][2]
    assert_close(np.array(res[0][0]), np.array(res[1][0]), rtol=1e-10)


def test_errors() -> None:
    lp = mg.tensor(LOGITS).log_softmax(2)
    with pytest.raises(InvalidParameterError, match="blank"):
        mg.nn.functional.ctc_loss(lp, mg.tensor(TARGETS), mg.tensor(IN_LEN), mg.tensor(TGT_LEN), blank=5)
    with pytest.raises(ShapeError, match="input_lengths"):
        mg.nn.functional.ctc_loss(lp, mg.tensor(TARGETS), mg.tensor([7, 7]), mg.tensor(TGT_LEN))
    with pytest.raises(ShapeError):
        mg.nn.functional.ctc_loss(lp, mg.tensor(TARGETS), mg.tensor([9, 7, 7, 7]), mg.tensor(TGT_LEN))
