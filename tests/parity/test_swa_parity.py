"""optim.swa_utils against torch: AveragedModel (SWA and EMA), SWALR and update_bn, in float64."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.optim import swa_utils
from tests.helpers import require_torch

torch = require_torch()


def _models() -> tuple[nn.Module, Any]:
    mg.manual_seed(0)
    ours = nn.Sequential(nn.Linear(4, 6, dtype=mg.float64), nn.BatchNorm1d(6, dtype=mg.float64), nn.Tanh(),
                         nn.Linear(6, 2, dtype=mg.float64))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6), torch.nn.Tanh(),
                                 torch.nn.Linear(6, 2)).double()
    theirs.load_state_dict({k: torch.tensor(np.array(v)) for k, v in ours.state_dict().items()})
    return ours, theirs


def _assert_same_model(ours: nn.Module, theirs: Any, where: str) -> None:
    want = theirs.state_dict()
    got = ours.state_dict()
    assert sorted(got) == sorted(want), where
    for k, v in want.items():
        np.testing.assert_allclose(np.asarray(got[k]), v.numpy(), rtol=1e-12, atol=1e-14,
                                   err_msg=f"{where}: {k}")


AVERAGING: dict[str, tuple[dict[str, Any], Any]] = {
    "swa": ({}, lambda sw: {}),
    "swa-buffers": ({"use_buffers": True}, lambda sw: {}),
    "ema-multi": ({"use_buffers": True}, lambda sw: {"multi_avg_fn": sw.get_ema_multi_avg_fn(0.9)}),
    "ema-avg_fn": ({}, lambda sw: {"avg_fn": sw.get_ema_avg_fn(0.8)}),
    "swa-multi": ({}, lambda sw: {"multi_avg_fn": sw.get_swa_multi_avg_fn()}),
    "swa-avg_fn": ({"use_buffers": True}, lambda sw: {"avg_fn": sw.get_swa_avg_fn()}),
}


@pytest.mark.parametrize("case", list(AVERAGING))
def test_averaged_model_follows_torch_while_training(case: str) -> None:
    kw, fns = AVERAGING[case]
    ours, theirs = _models()
    avg = swa_utils.AveragedModel(ours, **kw, **fns(swa_utils))
    tavg = torch.optim.swa_utils.AveragedModel(theirs, **kw, **fns(torch.optim.swa_utils))
    opt = optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    topt = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(0)
    for step in range(6):
        x, y = rng.standard_normal((8, 4)), rng.standard_normal((8, 2))
        for model, o, lib in ((ours, opt, mg), (theirs, topt, torch)):
            o.zero_grad()
            ((model(lib.tensor(x)) - lib.tensor(y)) ** 2).mean().backward()
            o.step()
        avg.update_parameters(ours)
        tavg.update_parameters(theirs)
        _assert_same_model(avg, tavg, f"{case} update {step}")
    assert int(avg.n_averaged.item()) == 6
    x = rng.standard_normal((5, 4))
    avg.eval()
    tavg.eval()
    np.testing.assert_allclose(avg(mg.tensor(x)).detach().numpy(),
                               tavg(torch.tensor(x)).detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("kw", [{"anneal_epochs": 3}, {"anneal_epochs": 0, "anneal_strategy": "linear"},
                                {"swa_lr": [0.05, 0.01], "anneal_epochs": 5, "anneal_strategy": "linear"}])
def test_swalr_matches_torch(kw: dict[str, Any]) -> None:
    kw = {"swa_lr": 0.05, **kw}
    ps = [mg.zeros(2, requires_grad=True) for _ in range(2)]
    tps = [torch.zeros(2, requires_grad=True) for _ in range(2)]
    opt = optim.SGD([{"params": [ps[0]], "lr": 0.5}, {"params": [ps[1]], "lr": 0.2}])
    topt = torch.optim.SGD([{"params": [tps[0]], "lr": 0.5}, {"params": [tps[1]], "lr": 0.2}])
    sched, tsched = swa_utils.SWALR(opt, **kw), torch.optim.swa_utils.SWALR(topt, **kw)
    assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-12)
    for step in range(8):
        opt.step()
        topt.step()
        sched.step()
        tsched.step()
        assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-12), f"step {step}"
    saved = sched.state_dict()
    assert "optimizer" not in saved and saved["_anneal_strategy"] == kw.get("anneal_strategy", "cos")


def test_update_bn_recomputes_running_statistics_like_torch() -> None:
    ours, theirs = _models()
    rng = np.random.default_rng(1)
    batches = [rng.standard_normal((8, 4)) * 3 + 1 for _ in range(4)]
    ours.eval()
    theirs.eval()
    # plain batches, then (inputs, targets) pairs
    for lib, model, update_bn in ((mg, ours, swa_utils.update_bn),
                                  (torch, theirs, torch.optim.swa_utils.update_bn)):
        update_bn([lib.tensor(b) for b in batches[:2]] + [(lib.tensor(b), None) for b in batches[2:]], model)
    _assert_same_model(ours, theirs, "after update_bn")
    assert not ours.training and ours[1].momentum == 0.1
    swa_utils.update_bn([mg.tensor(batches[0])], nn.Linear(4, 2))  # no batch norm: nothing to do


def test_invalid_arguments() -> None:
    model = nn.Linear(2, 2)
    with pytest.raises(mg.InvalidParameterError, match=r"decay.*1.5"):
        swa_utils.get_ema_multi_avg_fn(1.5)
    with pytest.raises(mg.InvalidParameterError, match=r"decay.*-0.1"):
        swa_utils.get_ema_avg_fn(-0.1)
    with pytest.raises(mg.InvalidParameterError, match="Only one of avg_fn and multi_avg_fn"):
        swa_utils.AveragedModel(model, avg_fn=swa_utils.get_swa_avg_fn(),
                                multi_avg_fn=swa_utils.get_swa_multi_avg_fn())
    with pytest.raises(mg.InvalidParameterError, match="CPU"):
        swa_utils.AveragedModel(model, device="cuda")
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(mg.InvalidParameterError, match=r"anneal_strategy.*instead got cosine$"):
        swa_utils.SWALR(opt, 0.05, anneal_strategy="cosine")
    with pytest.raises(mg.InvalidParameterError, match=r"anneal_epochs.*-1"):
        swa_utils.SWALR(opt, 0.05, anneal_epochs=-1)
    with pytest.raises(mg.InvalidParameterError, match=r"swa_lr.*3 values"):
        swa_utils.SWALR(opt, [0.1, 0.2, 0.3])
