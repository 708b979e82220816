"""Optimizer hooks against torch: step pre/post hooks (own and global), state_dict and load_state_dict hooks.

Each scenario registers the same hooks on minigrad's and torch's optimizer,
makes the same calls and compares what the hooks saw and did: the order in
which they ran, the arguments they got, the values they changed, and that a
removed hook runs no more.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

OPTIMIZERS = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "LBFGS"]


def _make(lib: Any, name: str) -> tuple[Any, Any, Callable[[], Any] | None]:
    p = lib.tensor([1.0, -2.0], requires_grad=True)
    opt = getattr(lib.optim, name)([p], lr=0.1)

    def closure() -> Any:
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    if name != "LBFGS":
        closure()
    return opt, p, closure if name == "LBFGS" else None


def _step_hooks(lib: Any, name: str) -> tuple[list[Any], list[float]]:
    opt, p, closure = _make(lib, name)
    other = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=0.1)
    seen: list[Any] = []

    def tag(label: str) -> Callable[[Any, tuple[Any, ...], dict[str, Any]], None]:
        def hook(o: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            seen.append((label, o is opt, len(args), args[0] is o, sorted(kwargs)))
        return hook

    module = importlib.import_module(f"{lib.__name__}.optim.optimizer")
    handles = [module.register_optimizer_step_pre_hook(tag("global-pre")),
               module.register_optimizer_step_post_hook(tag("global-post")),
               opt.register_step_pre_hook(tag("pre")), opt.register_step_post_hook(tag("post")),
               other.register_step_pre_hook(tag("other-pre"))]
    try:
        opt.step(closure) if closure else opt.step()
        other.step()
        opt.step(closure=closure)
    finally:
        for handle in handles:
            handle.remove()
    opt.step(closure) if closure else opt.step()
    other.step()
    return seen, p.detach().tolist()


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_step_hooks_run_in_torchs_order_with_its_arguments(name: str) -> None:
    ours, theirs = _step_hooks(mg, name), _step_hooks(torch, name)
    assert ours[0] == theirs[0]
    assert ours[1] == pytest.approx(theirs[1], rel=1e-5)


def _replacing_pre_hook(lib: Any) -> tuple[float, str]:
    opt, p, _ = _make(lib, "LBFGS")
    calls = []

    def closure() -> Any:
        calls.append(1)
        opt.zero_grad()
        loss = ((p - 3.0) ** 2).sum()
        loss.backward()
        return loss

    opt.register_step_pre_hook(lambda o, args, kwargs: ((o,), {"closure": closure}))
    loss = opt.step(lambda: 1 / 0)  # the hook swaps in the real closure
    sgd = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=0.1)
    sgd.register_step_pre_hook(lambda o, args, kwargs: "not a pair")
    with pytest.raises(RuntimeError) as info:
        sgd.step()
    return float(loss.detach()), str(info.value).split(" must ")[1]


def test_a_pre_hook_replaces_the_step_arguments_or_raises_like_torch() -> None:
    ours, theirs = _replacing_pre_hook(mg), _replacing_pre_hook(torch)
    assert ours[0] == pytest.approx(theirs[0], rel=1e-6)
    assert ours[1] == theirs[1]


def _state_dict_hooks(lib: Any) -> list[Any]:
    opt, _, _ = _make(lib, "SGD")
    out: list[Any] = []

    def pre(o: Any) -> None:
        o.state["note"] = 1

    def post(o: Any, sd: dict[str, Any]) -> dict[str, Any]:
        sd["saw_note"] = sd["state"].pop("note", None) == 1
        return sd

    opt.register_state_dict_pre_hook(pre)
    opt.register_state_dict_post_hook(post)
    opt.register_state_dict_post_hook(lambda o, sd: out.append(("first", sorted(sd))), prepend=True)
    sd = opt.state_dict()
    out.append((sorted(sd), sd["saw_note"], sorted(map(str, sd["state"]))))

    def load_pre_1(o: Any, sd: dict[str, Any]) -> None:
        sd["param_groups"][0]["lr"] = 0.002

    def load_pre_2(o: Any, sd: dict[str, Any]) -> dict[str, Any]:
        mine = copy.deepcopy(sd)
        mine["param_groups"][0]["lr"] = 0.003
        return mine

    def load_post(o: Any) -> None:
        out.append(("loaded", o.param_groups[0]["lr"]))

    saved = opt.state_dict()
    saved.pop("saw_note")
    opt.register_load_state_dict_pre_hook(load_pre_1)
    opt.register_load_state_dict_post_hook(load_post)
    opt.load_state_dict(saved)
    handle = opt.register_load_state_dict_pre_hook(load_pre_2, prepend=True)
    opt.load_state_dict(saved)
    handle.remove()
    opt.register_load_state_dict_pre_hook(load_pre_2)
    opt.load_state_dict(saved)
    out.append(("given dict untouched", saved["param_groups"][0]["lr"]))
    clone = copy.deepcopy(opt)
    clone.load_state_dict(saved)  # hooks are not copied
    out.append(("copy", clone.param_groups[0]["lr"]))
    return out


def test_state_dict_and_load_state_dict_hooks_match_torch() -> None:
    assert _state_dict_hooks(mg) == _state_dict_hooks(torch)
