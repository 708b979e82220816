"""utils.checkpoint against torch.utils.checkpoint: the same gradients, warnings and argument rules."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = require_torch()


def _models() -> tuple[Any, Any]:
    torch.manual_seed(0)
    t_model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)).double()
    m_model = mg.nn.Sequential(mg.nn.Linear(4, 6), mg.nn.Tanh(), mg.nn.Linear(6, 3)).double()
    m_model.load_state_dict({k: v.detach().numpy() for k, v in t_model.state_dict().items()})
    return t_model, m_model


@pytest.mark.parametrize("use_reentrant", [True, False])
def test_gradients_equal_pytorchs(use_reentrant: bool) -> None:
    t_model, m_model = _models()
    x = np.random.default_rng(1).standard_normal((5, 4))
    xt = torch.tensor(x, requires_grad=True)
    xm = mg.tensor(x, dtype=mg.float64, requires_grad=True)
    yt = torch.utils.checkpoint.checkpoint(t_model, xt * 2, use_reentrant=use_reentrant)
    ym = mg.utils.checkpoint.checkpoint(m_model, xm * 2, use_reentrant=use_reentrant)
    (yt * yt).sum().backward()
    (ym * ym).sum().backward()
    assert_close(ym, yt)
    assert_close(xm.grad, xt.grad)
    for tp, mp in zip(t_model.parameters(), m_model.parameters(), strict=True):
        assert_close(mp.grad, tp.grad)


def test_sequential_equals_pytorchs() -> None:
    t_model, m_model = _models()
    x = np.random.default_rng(2).standard_normal((3, 4))
    xt, xm = torch.tensor(x, requires_grad=True), mg.tensor(x, dtype=mg.float64, requires_grad=True)
    torch.utils.checkpoint.checkpoint_sequential(t_model, 2, xt, use_reentrant=False).sum().backward()
    mg.utils.checkpoint.checkpoint_sequential(m_model, 2, xm, use_reentrant=False).sum().backward()
    assert_close(xm.grad, xt.grad)


def test_warnings_and_argument_rules_as_pytorch() -> None:
    def warned(lib: Any, *args: Any, **kwargs: Any) -> list[str]:
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            lib.utils.checkpoint.checkpoint(*args, **kwargs)
        return [str(r.message).split(".")[0].replace("torch.", "") for r in record]

    lin_t, lin_m = torch.nn.Linear(2, 2), mg.nn.Linear(2, 2)
    assert warned(mg, lin_m, mg.ones(1, 2)) == warned(torch, lin_t, torch.ones(1, 2))
    assert warned(mg, lin_m, mg.ones(1, 2), use_reentrant=False) == []
    for lib in (torch, mg):
        with pytest.raises(ValueError, match="Unexpected keyword arguments"):
            lib.utils.checkpoint.checkpoint(lambda t, s: t * s, lib.ones(1, 2), use_reentrant=True, s=2.0)


@pytest.mark.parametrize("early_stop", [True, False])
def test_nested_checkpoints_under_set_checkpoint_early_stop_equal_pytorchs(early_stop: bool) -> None:
    got = []
    for lib in (mg, torch):
        def f(x: Any) -> Any:
            return x.sin().exp().sin()

        def ckpt(fn: Any, lib: Any = lib) -> Any:
            return lambda x: lib.utils.checkpoint.checkpoint(fn, x, use_reentrant=False)

        def grad(fn: Any, lib: Any = lib) -> Any:
            def wrapper(x: Any) -> Any:
                out = fn(x).sum()
                return lib.autograd.grad(out, x, create_graph=True)[0]
            return wrapper

        inp = lib.tensor([0.3, -1.1, 2.0], dtype=lib.float64, requires_grad=True)
        with lib.utils.checkpoint.set_checkpoint_early_stop(early_stop):
            second = grad(ckpt(grad(ckpt(f))))(inp)
            third = grad(grad(ckpt(grad(ckpt(f)))))(inp)
        got.append((second.detach().numpy(), third.detach().numpy()))
    for m, t in zip(*got):
        np.testing.assert_allclose(m, t, rtol=1e-10)


def test_an_accumulate_grad_node_keeps_metadata() -> None:
    for lib in (mg, torch):
        x = lib.ones(2, requires_grad=True)
        node = (x * 2).grad_fn.next_functions[0][0]
        assert node.metadata == {}
        node.metadata["k"] = 1
        assert node.metadata == {"k": 1}
