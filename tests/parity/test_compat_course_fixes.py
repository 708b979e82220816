"""What the course-notebook compat programs (optimizer_zoo, print_dtypes, model_repr, ...) needed:
each fix checked against torch on its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from minigrad import _format, nn
from tests.helpers import require_torch

torch = require_torch()


def _message(fn: Callable[[], Any]) -> tuple[type[BaseException], str]:
    try:
        fn()
    except Exception as e:  # (the class is compared with PyTorch's)
        return type(e), str(e)
    raise AssertionError("no error raised")


def test_duplicate_param_group_message_is_pytorchs() -> None:
    lin, tlin = nn.Linear(2, 2), torch.nn.Linear(2, 2)
    ours = mg.optim.SGD(lin.parameters(), lr=0.1)
    theirs = torch.optim.SGD(tlin.parameters(), lr=0.1)
    cls, msg = _message(lambda: ours.add_param_group({"params": [lin.bias]}))
    tcls, tmsg = _message(lambda: theirs.add_param_group({"params": [tlin.bias]}))
    assert issubclass(cls, tcls) and msg == tmsg


@pytest.mark.parametrize("call", ["mean", "var", "std", "mean0"])
@pytest.mark.parametrize("values", [[1, 2], [True, False]])
def test_integer_mean_var_messages_are_pytorchs(call: str, values: list[Any]) -> None:
    def run(lib: Any) -> Callable[[], Any]:
        t = lib.tensor(values)
        return {"mean": t.mean, "var": t.var, "std": t.std, "mean0": lambda: t.mean(0)}[call]

    cls, msg = _message(run(mg))
    tcls, tmsg = _message(run(torch))
    assert issubclass(cls, tcls) and msg == tmsg


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_parameter_container_reprs_match_torch(dtype: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_format, "NAMESPACE", "torch")  # as under python -m minigrad.compat

    def build(lib: Any) -> tuple[Any, Any]:
        dt = getattr(lib, dtype)
        plist = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2, 3, dtype=dt)), lib.zeros(1, dtype=dt)])
        pdict = lib.nn.ParameterDict({"a": lib.nn.Parameter(lib.ones((), dtype=dt)),
                                      "b": lib.ones(4, dtype=dt)})
        return plist, pdict

    for ours, theirs in zip(build(mg), build(torch)):
        assert repr(ours) == repr(theirs)
