"""nn.utils.prune against torch.nn.utils.prune: masks, names, values and gradients, in float64.

The deterministic methods (L1, Ln-structured, custom masks, global L1,
identity) must give torch's masks exactly on copied weights (random weights:
no ties in magnitude); parameter, buffer and state_dict names and order must
be torch's after pruning and after ``remove``. The random methods draw from
minigrad's generator, so they are checked for the count and shape of what
they prune and for determinism under ``mg.manual_seed``, not for torch's picks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn.utils import prune
from tests.helpers import require_torch

torch = require_torch()
import torch.nn.utils.prune as tprune  # noqa: E402  (after require_torch)

RTOL = 1e-12


class _Net:
    """A Linear(5, 4) and a Conv2d(2, 3, 2) with the same weights in both libraries."""

    @staticmethod
    def pair(seed: int = 0) -> tuple[Any, Any]:
        torch.manual_seed(seed)
        theirs = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3)).double()
        ours = mg.nn.Sequential(mg.nn.Linear(5, 4), mg.nn.Tanh(), mg.nn.Linear(4, 3)).double()
        ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
        return ours, theirs


def _names(model: Any) -> tuple[list[str], list[str], list[str]]:
    return ([k for k, _ in model.named_parameters()], [k for k, _ in model.named_buffers()],
            list(model.state_dict()))


def _check_same(ours: Any, theirs: Any, where: str) -> None:
    """Names, state values, outputs and gradients of every parameter agree."""
    assert _names(ours) == _names(theirs), where
    for (k, a), b in zip(ours.state_dict().items(), theirs.state_dict().values(), strict=True):
        np.testing.assert_allclose(np.asarray(a), b.numpy(), rtol=RTOL, atol=0, err_msg=f"{where}: {k}")
    x = np.random.default_rng(1).standard_normal((6, 5))
    coef = np.random.default_rng(2).standard_normal((6, 3))
    out, tout = ours(mg.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=RTOL, err_msg=where)
    (out * mg.tensor(coef)).sum().backward()
    (tout * torch.tensor(coef)).sum().backward()
    for (k, p), tp in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-10, atol=1e-14,
                                   err_msg=f"{where}: grad of {k}")


def _steps_l1_twice(p: Any, m: Any) -> None:
    p.l1_unstructured(m[0], "weight", amount=0.3)
    p.l1_unstructured(m[0], "weight", amount=4)  # a container: 4 more among the 14 left
    p.l1_unstructured(m[2], "bias", amount=1)


def _steps_structured(p: Any, m: Any) -> None:
    p.ln_structured(m[0], "weight", amount=1, n=2, dim=0)
    p.ln_structured(m[0], "weight", amount=0.5, n=1, dim=1)  # rounds 2.5 to 2, as Python's round
    p.l1_unstructured(m[0], "weight", amount=3)
    p.ln_structured(m[2], "weight", amount=0.34, n=float("inf"), dim=-1)


def _steps_custom(p: Any, m: Any) -> None:
    lib = mg if p is prune else torch
    p.identity(m[2], "weight")
    p.custom_from_mask(m[0], "bias", mask=lib.tensor([1.0, 0.0, 1.0, 0.0]))
    p.l1_unstructured(m[0], "weight", amount=2, importance_scores=m[0].weight.detach().flip(0))


def _steps_global(p: Any, m: Any) -> None:
    p.l1_unstructured(m[0], "weight", amount=2)
    p.global_unstructured([(m[0], "weight"), (m[2], "weight"), (m[2], "bias")],
                          pruning_method=p.L1Unstructured, amount=0.4)


STEPS: list[Callable[[Any, Any], None]] = [_steps_l1_twice, _steps_structured, _steps_custom, _steps_global]


@pytest.mark.parametrize("steps", STEPS, ids=[f.__name__ for f in STEPS])
def test_pruning_matches_torch_then_remove_makes_it_permanent(steps: Callable[[Any, Any], None]) -> None:
    ours, theirs = _Net.pair()
    steps(prune, ours)
    steps(tprune, theirs)
    assert prune.is_pruned(ours) and tprune.is_pruned(theirs)
    _check_same(ours, theirs, "pruned")
    kept = ours[0].weight_orig
    for i, name in [(0, "weight"), (0, "bias"), (2, "weight"), (2, "bias")]:
        if hasattr(theirs[i], name + "_mask"):
            prune.remove(ours[i], name)
            tprune.remove(theirs[i], name)
    assert ours[0].weight is kept  # the same Parameter object, now holding the pruned values
    assert not prune.is_pruned(ours) and not tprune.is_pruned(theirs)
    ours.zero_grad()
    theirs.zero_grad()
    _check_same(ours, theirs, "removed")


def test_pruned_training_step_keeps_pruned_entries_at_zero_like_torch() -> None:
    ours, theirs = _Net.pair()
    for p, m in ((prune, ours), (tprune, theirs)):
        p.l1_unstructured(m[0], "weight", amount=0.5)
    opt, topt = mg.optim.SGD(ours.parameters(), lr=0.1), torch.optim.SGD(theirs.parameters(), lr=0.1)
    for _ in range(3):
        _check_same(ours, theirs, "training")
        opt.step()
        topt.step()
        opt.zero_grad()
        topt.zero_grad()
    _check_same(ours, theirs, "after training")
    pruned = ours[0].weight_mask.numpy() == 0
    assert pruned.sum() == 10 and not ours[0].weight.detach().numpy()[pruned].any()
    assert not ours[0].weight_orig.grad.numpy()[pruned].any()


def test_random_methods_are_seeded_and_prune_torchs_counts() -> None:
    def run(lib: Any, p: Any, seed: int) -> list[np.ndarray]:
        lib.manual_seed(seed)
        m = lib.nn.Conv2d(4, 6, 3)
        p.random_unstructured(m, "weight", amount=0.3)
        p.random_structured(m, "weight", amount=2, dim=0)
        p.random_unstructured(m, "bias", 2)
        return [m.weight_mask.numpy().copy(), m.bias_mask.numpy().copy()]

    first, again, other = run(mg, prune, 3), run(mg, prune, 3), run(mg, prune, 4)
    theirs = run(torch, tprune, 3)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert any((a != b).any() for a, b in zip(first, other, strict=True))
    for a, b in zip(first, theirs, strict=True):
        assert a.shape == b.shape and a.sum() == b.sum()
    # two whole output channels pruned, the rest keep 70% of the first pruning
    assert (first[0].reshape(6, -1).sum(1) == 0).sum() == (theirs[0].reshape(6, -1).sum(1) == 0).sum() >= 2


def test_prune_method_and_container_objects_like_torch() -> None:
    t = np.random.default_rng(5).standard_normal((3, 4))
    for p, lib in ((prune, mg), (tprune, torch)):
        method = p.L1Unstructured.apply(lib.nn.Linear(4, 3), "weight", amount=2)
        assert type(method).__name__ == "L1Unstructured" and method.PRUNING_TYPE == "unstructured"
    pruned = prune.LnStructured(amount=1, n=2, dim=0).prune(mg.tensor(t))
    want = tprune.LnStructured(amount=1, n=2, dim=0).prune(torch.tensor(t))
    np.testing.assert_array_equal(pruned.numpy(), want.numpy())
    m, tm = mg.nn.Linear(4, 3), torch.nn.Linear(4, 3)
    for p, mod in ((prune, m), (tprune, tm)):
        p.l1_unstructured(mod, "weight", 1)
        p.random_unstructured(mod, "weight", 1)
    hooks = list(m._forward_pre_hooks.values())
    assert len(hooks) == 1 and isinstance(hooks[0], prune.PruningContainer) and len(hooks[0]) == 2
    assert [type(h).__name__ for h in hooks[0]] == ["L1Unstructured", "RandomUnstructured"]
    assert m.weight_mask.numpy().sum() == tm.weight_mask.numpy().sum() == 10


@pytest.mark.parametrize(("call", "error"), [
    (lambda p, lib: p.l1_unstructured(lib.nn.Linear(3, 2), "weight", amount=1.5), ValueError),
    (lambda p, lib: p.l1_unstructured(lib.nn.Linear(3, 2), "weight", amount=-1), ValueError),
    (lambda p, lib: p.l1_unstructured(lib.nn.Linear(3, 2), "weight", amount="a"), TypeError),
    (lambda p, lib: p.l1_unstructured(lib.nn.Linear(3, 2), "weight", amount=7), ValueError),
    (lambda p, lib: p.ln_structured(lib.nn.Linear(3, 2), "bias", amount=1, n=2, dim=0), ValueError),
    (lambda p, lib: p.ln_structured(lib.nn.Linear(3, 2), "weight", amount=1, n=2, dim=2), IndexError),
    (lambda p, lib: p.remove(lib.nn.Linear(3, 2), "weight"), ValueError),
    (lambda p, lib: p.l1_unstructured(lib.nn.Linear(3, 2), "weight", 1, importance_scores=lib.ones(3)),
     AssertionError),
    (lambda p, lib: p.custom_from_mask(lib.nn.Linear(3, 2), "weight", mask=lib.ones(3)), AssertionError),
    (lambda p, lib: p.global_unstructured([(lib.nn.Linear(3, 2), "weight")], p.RandomStructured, amount=1),
     TypeError),
])
def test_errors_are_torchs_classes(call: Callable[[Any, Any], Any], error: type[Exception]) -> None:
    for p, lib in ((prune, mg), (tprune, torch)):
        with pytest.raises(error):
            call(p, lib)


def test_failed_pruning_leaves_the_parameter_in_place_like_torch() -> None:
    names = []
    for p, lib in ((prune, mg), (tprune, torch)):
        m = lib.nn.Linear(3, 2)
        with pytest.raises(ValueError):
            p.l1_unstructured(m, "weight", amount=10)
        assert not p.is_pruned(m) and not hasattr(m, "weight_orig") and not hasattr(m, "weight_mask")
        names.append([k for k, _ in m.named_parameters()])
    assert names[0] == names[1] == ["bias", "weight"]  # put back last, as torch does
