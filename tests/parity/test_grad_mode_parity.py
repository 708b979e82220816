"""Grad mode and inference mode against PyTorch: the same script observes the same states and errors.

Each scenario is written once, for a library ``lib`` (minigrad or torch), and
returns what it observed (grad mode, inference mode, whether an op on a leaf
that requires grad was recorded, ``is_inference()`` of tensors, and the class
of any error); the two libraries must observe the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _state(lib: Any) -> tuple[bool, bool, bool]:
    leaf = lib.ones(2, requires_grad=True)
    return lib.is_grad_enabled(), lib.is_inference_mode_enabled(), (leaf * 2).requires_grad


def nested_switches(lib: Any) -> list[Any]:
    seen = [_state(lib)]
    with lib.inference_mode():
        seen.append(_state(lib))
        with lib.inference_mode(False):
            seen.append(_state(lib))
        with lib.enable_grad():  # grad mode on, but inference mode still records nothing
            seen.append(_state(lib))
        with lib.set_grad_enabled(True):
            seen.append(_state(lib))
        seen.append(_state(lib))
    seen.append(_state(lib))
    with lib.no_grad():
        with lib.inference_mode(False):  # turns grad mode on, as PyTorch's C++ guard does
            seen.append(_state(lib))
        with lib.inference_mode():
            seen.append(_state(lib))
        seen.append(_state(lib))
    mode = lib.inference_mode(mode=False)
    seen.append(mode.mode)
    with mode:
        seen.append(_state(lib))
    return seen


def decorators(lib: Any) -> list[Any]:
    @lib.inference_mode
    def bare() -> Any:
        return _state(lib)

    @lib.inference_mode()
    def called() -> Any:
        return _state(lib)

    @lib.inference_mode(False)
    def off() -> Any:
        return _state(lib)

    @lib.no_grad
    def no_grad_bare() -> Any:
        return _state(lib)

    @lib.enable_grad
    def enable_grad_bare() -> Any:
        return _state(lib)

    @lib.set_grad_enabled(False)
    def grad_off() -> Any:
        return _state(lib)

    seen = [_state(lib), bare(), called(), off(), no_grad_bare(), grad_off(), _state(lib), bare.__name__]
    with lib.no_grad():
        seen.append(enable_grad_bare())
        seen.append(off())
    return seen


def set_grad_enabled_as_a_call(lib: Any) -> list[Any]:
    seen = []
    try:
        lib.set_grad_enabled(False)
        seen.append(_state(lib))
        with lib.set_grad_enabled(True):
            seen.append(_state(lib))
        seen.append(_state(lib))
    finally:
        lib.set_grad_enabled(True)
    seen.append(_state(lib))
    return seen


def inference_tensors(lib: Any) -> list[Any]:
    normal = lib.tensor(np.arange(6.0).reshape(2, 3))
    leaf = lib.ones(2, 3, requires_grad=True)
    with lib.inference_mode():
        made = {
            "factory": lib.zeros(3), "tensor": lib.tensor([1.0, 2.0]), "op": normal * 2,
            "op_of_leaf": leaf * 2,
            "from_numpy": lib.from_numpy(np.ones(2)), "slice": normal[0:1], "reshape": normal.reshape(3, 2),
            "transpose": normal.T, "expand": normal[0:1].expand(4, 3), "detach": normal.detach(),
            "data": normal.data, "fancy_index": normal[[0, 1]], "same_dtype": normal.double(),
            "cast": normal.float(), "copying_reshape": normal.T.reshape(6), "comparison": normal > 1,
        }
        made["view_of_inference"] = made["factory"][0:2]
        made["data_of_inference"] = made["factory"].data
        made["op_of_leaf_requires_grad"] = made["op_of_leaf"].requires_grad
    inference = made["factory"]
    after = {
        "op_after": inference * 2, "detach_after": inference.detach(), "data_after": inference.data,
        "normal": normal, "leaf": leaf,
    }
    return [(k, v if isinstance(v, bool) else v.is_inference()) for k, v in {**made, **after}.items()]


def _outcome(fn: Callable[[], Any]) -> str:
    try:
        fn()
    except Exception as e:  # the class is the observation
        return "RuntimeError" if isinstance(e, RuntimeError) else type(e).__name__
    return "ok"


def inference_tensor_rules(lib: Any) -> list[Any]:
    with lib.inference_mode():
        a = lib.ones(3)
        b = lib.ones(3)
        inside = [_outcome(lambda: a.add_(1)), _outcome(lambda: b.requires_grad_()), b.requires_grad]
    c = lib.ones(3)
    with lib.inference_mode():
        c.add_(1)  # a normal tensor may be changed inside
    outside = [
        _outcome(lambda: a.add_(1)), _outcome(lambda: a.mul_(2)), _outcome(lambda: a.copy_(lib.zeros(3))),
        _outcome(lambda: a.zero_()), _outcome(lambda: a.__setitem__(0, 5.0)),
        _outcome(lambda: a.requires_grad_()), _outcome(lambda: a.requires_grad_(False)),
        # aliases taken outside the block are inference tensors that may change in place
        a.detach().is_inference(), _outcome(lambda: a.detach().add_(1)), _outcome(lambda: a.data.add_(1)),
        _outcome(lambda: a.detach().requires_grad_()),
        # views taken outside the block are inference tensors that may not
        a[0:2].is_inference(), _outcome(lambda: a[0:2].add_(1)), a.reshape(3, 1).is_inference(),
        _outcome(lambda: a.reshape(3, 1).add_(1)), a.expand(2, 3).is_inference(), (a[[0, 1]]).is_inference(),
    ]
    # (a's values are not compared: PyTorch writes before it raises, minigrad refuses before writing)
    return [inside, outside, c.tolist()]


SCENARIOS = [
    nested_switches, decorators, set_grad_enabled_as_a_call, inference_tensors, inference_tensor_rules,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_same_observations_as_pytorch(scenario: Callable[[Any], list[Any]]) -> None:
    torch.set_num_threads(1)
    assert scenario(mg) == scenario(torch)
    assert mg.is_grad_enabled() and not mg.is_inference_mode_enabled()
