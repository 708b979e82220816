"""What the gaps24 pass closed, each checked against torch: numpy() of a tensor that requires grad, numpy
arrays as operands, Generator.get_state's form, and the argument attributes of grad_fn nodes."""

from __future__ import annotations

import io
import tokenize
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

ROOT = Path(__file__).resolve().parents[2]


def _outcome(fn: Callable[[], Any]) -> tuple[str, str]:
    """The exception's class and message of ``fn()``, or ``("ok", ...)`` with the result's kind."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # (numpy 2's note on torch's __array_wrap__)
            out = fn()
    except Exception as e:  # (the class is what is compared)
        for cls in (TypeError, ValueError, RuntimeError):
            if isinstance(e, cls):
                return cls.__name__, str(e).split("\n")[0]
        return type(e).__name__, str(e)
    if isinstance(out, (mg.Tensor, torch.Tensor)):
        return "ok", f"Tensor {str(out.dtype).rpartition('.')[2]} {list(out.shape)}"
    return "ok", type(out).__name__


# ------------------------------------------------------------ 1. numpy() of a tensor that requires grad


def _numpy_cases(lib: ModuleType) -> dict[str, Callable[[], Any]]:
    x = lib.ones(3, requires_grad=True)
    y = x * 2
    return {
        "numpy": lambda: x.numpy(),
        "numpy of a result": lambda: y.numpy(),
        "asarray": lambda: np.asarray(x),
        "array": lambda: np.array(x),
        "asarray dtype": lambda: np.asarray(x, dtype=np.float64),
        "__array__": lambda: x.__array__(),
        "ufunc": lambda: np.exp(x),
        "list of 0-d": lambda: np.asarray([x[0], x[1]]),
        "force": lambda: x.numpy(force=True),
        "detach": lambda: x.detach().numpy(),
        "no_grad": lambda: _under_no_grad(lib, x),
        "tolist": lambda: x.tolist(),
        "plain": lambda: lib.ones(3).numpy(),
    }


def _under_no_grad(lib: ModuleType, x: Any) -> Any:
    with lib.no_grad():  # (the flag is the tensor's: no_grad does not lift the error)
        return x.numpy()


def test_numpy_of_a_tensor_that_requires_grad_raises_as_pytorch() -> None:
    """Before gaps24 minigrad handed out the array of a tensor that requires grad; PyTorch raises its
    RuntimeError for numpy(), np.asarray/np.array/__array__ and numpy ufuncs alike, while force=True,
    detach().numpy() and tolist() work."""
    theirs = {k: _outcome(f) for k, f in _numpy_cases(torch).items()}
    ours = {k: _outcome(f) for k, f in _numpy_cases(mg).items()}
    assert ours == theirs
    assert theirs["numpy"] == ("RuntimeError", "Can't call numpy() on Tensor that requires grad. Use "
                                               "tensor.detach().numpy() instead.")


def test_numpy_force_shares_the_memory() -> None:
    """numpy(force=True) of a CPU tensor that requires grad is its memory in PyTorch, as in minigrad."""
    for lib in (torch, mg):
        p = lib.zeros(3, requires_grad=True)
        p.numpy(force=True)[0] = 5.0
        assert p.detach().numpy()[0] == 5.0


def test_training_helpers_still_work_on_parameters() -> None:
    """The library's own reads of parameters (optimizer steps, clip_grad_norm_, state_dict, repr) go
    through numpy(force=True): a training step, a clip, a state dict and a print all still work."""
    mg.manual_seed(0)
    model = mg.nn.Sequential(mg.nn.Linear(4, 8), mg.nn.ReLU(), mg.nn.Linear(8, 2))
    for opt in (mg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9), mg.optim.Adam(model.parameters()),
                mg.optim.LBFGS(model.parameters())):
        x = mg.randn(5, 4)

        def closure(x: mg.Tensor = x, opt: mg.optim.Optimizer = opt) -> mg.Tensor:
            opt.zero_grad()
            loss = model(x).pow(2).mean()
            loss.backward()
            return loss

        opt.step(closure)
        mg.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    assert set(model.state_dict()) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    assert "requires_grad=True" in repr(model[0].bias)


def test_minigrad_itself_calls_numpy_only_with_force() -> None:
    """Every ``.numpy()`` call inside the package says ``force=True`` (or detaches first): a plain call
    would raise for any tensor that requires grad that reaches it."""
    bare = []
    for path in sorted((ROOT / "minigrad").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines, toks = text.splitlines(), list(tokenize.generate_tokens(io.StringIO(text).readline))
        for i in range(1, len(toks) - 2):
            if toks[i].string == "numpy" and toks[i - 1].string == "." and toks[i + 1].string == "(" \
                    and toks[i + 2].string == ")" and not (i >= 4 and toks[i - 2].string == ")"
                                                           and toks[i - 4].string == "detach") \
                    and "raises as PyTorch's" not in lines[toks[i].start[0] - 1]:  # (__array__'s own)
                bare.append(f"{path.relative_to(ROOT)}:{toks[i].start[0]}")
    assert not bare, f"bare .numpy() calls (use numpy(force=True)): {bare}"
