"""BatchNorm2d/3d, InstanceNorm1d/2d/3d, GroupNorm, RMSNorm and LocalResponseNorm against torch.nn in
float64: outputs, input and parameter gradients, running statistics over training steps and in eval,
state_dict keys and reprs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from tests.helpers import assert_close, require_torch

RTOL = 1e-10
ATOL = 1e-12

# (id, builder taking the nn namespace, input shape)
LAYERS: list[tuple[str, Callable[[Any], Any], tuple[int, ...]]] = [
    ("BatchNorm2d", lambda nn: nn.BatchNorm2d(3), (4, 3, 5, 2)),
    ("BatchNorm2d-cma-noaffine", lambda nn: nn.BatchNorm2d(3, momentum=None, affine=False), (4, 3, 2, 2)),
    ("BatchNorm2d-nostats", lambda nn: nn.BatchNorm2d(3, track_running_stats=False), (2, 3, 2, 3)),
    ("BatchNorm3d", lambda nn: nn.BatchNorm3d(2, eps=1e-3, momentum=0.3), (2, 2, 3, 2, 2)),
    ("InstanceNorm1d", lambda nn: nn.InstanceNorm1d(3), (4, 3, 5)),
    ("InstanceNorm1d-unbatched", lambda nn: nn.InstanceNorm1d(3, affine=True), (3, 5)),
    ("InstanceNorm1d-tracked", lambda nn: nn.InstanceNorm1d(3, affine=True, track_running_stats=True),
     (4, 3, 5)),
    ("InstanceNorm2d", lambda nn: nn.InstanceNorm2d(3, affine=True), (2, 3, 4, 3)),
    ("InstanceNorm2d-tracked-cma", lambda nn: nn.InstanceNorm2d(3, momentum=None, track_running_stats=True),
     (2, 3, 2, 3)),
    ("InstanceNorm3d", lambda nn: nn.InstanceNorm3d(2, affine=True), (2, 2, 2, 3, 2)),
    ("GroupNorm", lambda nn: nn.GroupNorm(2, 4), (3, 4, 5)),
    ("GroupNorm-1group-4d", lambda nn: nn.GroupNorm(1, 4, eps=1e-3), (2, 4, 2, 3)),
    ("GroupNorm-per-channel-2d", lambda nn: nn.GroupNorm(4, 4, affine=False), (3, 4)),
    ("GroupNorm-nobias", lambda nn: nn.GroupNorm(2, 4, bias=False), (3, 4, 2)),
    ("RMSNorm", lambda nn: nn.RMSNorm(5), (3, 4, 5)),
    ("RMSNorm-2d-eps", lambda nn: nn.RMSNorm([4, 5], eps=1e-3), (3, 4, 5)),
    ("RMSNorm-noaffine", lambda nn: nn.RMSNorm(5, elementwise_affine=False), (2, 5)),
    ("LocalResponseNorm", lambda nn: nn.LocalResponseNorm(3), (2, 5, 4)),
    ("LocalResponseNorm-even-4d", lambda nn: nn.LocalResponseNorm(4, alpha=0.1, beta=0.5, k=2.0),
     (2, 6, 3, 2)),
]  # fmt: skip


def _pair(build: Callable[[Any], Any]) -> tuple[Any, nn.Module]:
    torch = require_torch()
    theirs = build(torch.nn).double()
    ours = build(nn).double()
    rng = np.random.default_rng(7)
    with torch.no_grad():  # non-trivial affine parameters, so their gradients are exercised
        for p in theirs.parameters():
            p.copy_(torch.tensor(rng.normal(size=tuple(p.shape))))
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    return theirs, ours


@pytest.mark.parametrize(("build", "shape"), [c[1:] for c in LAYERS], ids=[c[0] for c in LAYERS])
def test_norm_layer_matches_torch_over_steps(build: Callable[[Any], Any], shape: tuple[int, ...]) -> None:
    torch = require_torch()
    theirs, ours = _pair(build)
    assert repr(ours) == repr(theirs).replace("bias=True, ", "").replace("bias=False, ", "")
    assert list(ours.state_dict()) == list(theirs.state_dict())
    rng = np.random.default_rng(0)
    for step, training in enumerate([True, True, False, True, False]):
        theirs.train(training)
        ours.train(training)
        x = rng.normal(loc=step, scale=2.0, size=shape)
        tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
        ty, my = theirs(tx), ours(mx)
        assert_close(my, ty, rtol=RTOL, atol=ATOL)
        g = rng.normal(size=shape)
        ty.backward(torch.tensor(g))
        my.backward(mg.tensor(g))
        assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)
        for p, tp in zip(ours.parameters(), theirs.parameters()):
            assert_close(p.grad, tp.grad, rtol=RTOL, atol=ATOL)
        ours.zero_grad()
        theirs.zero_grad()
        for k, v in theirs.state_dict().items():
            assert_close(ours.state_dict()[k], v.numpy(), rtol=RTOL, atol=ATOL)


def test_rms_norm_default_eps_is_the_dtypes_machine_epsilon() -> None:
    torch = require_torch()
    for dt, tdt in ((np.float64, torch.float64), (np.float32, torch.float32)):
        x = np.full((2, 3), 1e-9, dtype=dt)  # mean square far below eps: the eps decides the value
        ours = F.rms_norm(mg.tensor(x), (3,))
        theirs = torch.nn.functional.rms_norm(torch.tensor(x, dtype=tdt), (3,))
        assert ours.dtype == dt
        assert_close(ours, theirs, rtol=1e-6 if dt == np.float32 else RTOL)
    assert nn.RMSNorm(3).eps is None and "eps=None" in repr(nn.RMSNorm(3))


def test_functional_forms_match_torch() -> None:
    torch = require_torch()
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 4, 3, 2))
    w, b = rng.normal(size=4), rng.normal(size=4)
    TF = torch.nn.functional
    assert_close(F.group_norm(mg.tensor(x), 2, mg.tensor(w), mg.tensor(b)),
                 TF.group_norm(torch.tensor(x), 2, torch.tensor(w), torch.tensor(b)), rtol=RTOL, atol=ATOL)
    rm, rv = rng.normal(size=4), rng.uniform(0.5, 2.0, size=4)
    mrm, mrv, trm, trv = mg.tensor(rm), mg.tensor(rv), torch.tensor(rm), torch.tensor(rv)
    assert_close(F.instance_norm(mg.tensor(x), mrm, mrv, mg.tensor(w), mg.tensor(b), momentum=0.2),
                 TF.instance_norm(torch.tensor(x), trm, trv, torch.tensor(w), torch.tensor(b), momentum=0.2),
                 rtol=RTOL, atol=ATOL)
    assert_close(mrm, trm, rtol=RTOL, atol=ATOL)
    assert_close(mrv, trv, rtol=RTOL, atol=ATOL)
    assert_close(F.instance_norm(mg.tensor(x), mrm, mrv, use_input_stats=False),
                 TF.instance_norm(torch.tensor(x), trm, trv, use_input_stats=False), rtol=RTOL, atol=ATOL)
    assert_close(F.local_response_norm(mg.tensor(x), 2), TF.local_response_norm(torch.tensor(x), 2),
                 rtol=RTOL, atol=ATOL)


def test_batchnorm2d_eval_single_sample_and_checkpoint_from_torch() -> None:
    torch = require_torch()
    theirs, ours = _pair(lambda nn: nn.BatchNorm2d(3))
    x = np.random.default_rng(4).normal(size=(6, 3, 2, 2))
    theirs(torch.tensor(x))
    ours(mg.tensor(x))
    theirs.eval()
    ours.eval()
    one = x[:1, :, :1, :1]  # one value per channel: fine in eval, where the running statistics are used
    assert_close(ours(mg.tensor(one)), theirs(torch.tensor(one)), rtol=RTOL, atol=ATOL)
    fresh = nn.BatchNorm2d(3).double()
    fresh.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert_close(fresh.eval()(mg.tensor(x)), theirs(torch.tensor(x)), rtol=RTOL, atol=ATOL)
