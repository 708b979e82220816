"""Module registration against torch: the errors (class and words) of register_parameter/register_buffer/
add_module/attribute assignment misuse, get_/set_submodule, global registration hooks, Module.__init__'s
arguments and call_super_init, tagging a Parameter with attributes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import minigrad.nn.modules.module
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _raised(fn: Callable[[], Any]) -> tuple[type[BaseException], str]:
    with pytest.raises(Exception) as info:
        fn()
    return info.type, str(info.value)


def _same_error(make: Callable[[Any], Callable[[], Any]]) -> None:
    """``make(lib)`` gives a call that must raise the same exception class and message in both."""
    want, got = _raised(make(torch)), _raised(make(mg))
    assert issubclass(got[0], want[0]), (got, want)
    assert got[1] == want[1]


CASES: dict[str, Callable[[Any], Callable[[], Any]]] = {
    "buffer name not str": lambda lib: lambda: lib.nn.Module().register_buffer(1, lib.zeros(1)),
    "buffer name with dot": lambda lib: lambda: lib.nn.Module().register_buffer("a.b", lib.zeros(1)),
    "buffer name empty": lambda lib: lambda: lib.nn.Module().register_buffer("", lib.zeros(1)),
    "buffer not a tensor": lambda lib: lambda: lib.nn.Module().register_buffer("b", 3),
    "buffer over a parameter": lambda lib: lambda: lib.nn.Linear(1, 1).register_buffer(
        "weight", lib.zeros(1)),
    "parameter name not str": lambda lib: lambda: lib.nn.Module().register_parameter(2, None),
    "parameter name with dot": lambda lib: lambda: lib.nn.Module().register_parameter("a.b", None),
    "parameter name empty": lambda lib: lambda: lib.nn.Module().register_parameter("", None),
    "parameter not a Parameter": lambda lib: lambda: lib.nn.Module().register_parameter("p", 3),
    "parameter over a buffer": lambda lib: lambda: lib.nn.BatchNorm1d(2).register_parameter(
        "running_mean", None),
    "module not a Module": lambda lib: lambda: lib.nn.Module().add_module("m", 3),
    "module name not str": lambda lib: lambda: lib.nn.Module().add_module(3, lib.nn.ReLU()),
    "module name with dot": lambda lib: lambda: lib.nn.Module().add_module("a.b", lib.nn.ReLU()),
    "module name empty": lambda lib: lambda: lib.nn.Module().add_module("", lib.nn.ReLU()),
    "module over a parameter": lambda lib: lambda: lib.nn.Linear(1, 1).add_module("weight", lib.nn.ReLU()),
    "int assigned to a parameter": lambda lib: lambda: setattr(lib.nn.Linear(1, 1), "weight", 3),
    "int assigned to a child": lambda lib: lambda: setattr(lib.nn.Sequential(lib.nn.ReLU()), "0", 3),
    "int assigned to a buffer": lambda lib: lambda: setattr(lib.nn.BatchNorm1d(1), "running_mean", 3),
    "unexpected init kwarg": lambda lib: lambda: lib.nn.Module(foo=1),
    "unexpected init arg": lambda lib: lambda: lib.nn.Module(1),
    "get_submodule missing": lambda lib: lambda: lib.nn.Sequential(lib.nn.ReLU()).get_submodule("0.x"),
    "get_submodule not a module": lambda lib: lambda: lib.nn.Sequential(lib.nn.Linear(1, 1)).get_submodule(
        "0.weight"),
    "get_parameter missing": lambda lib: lambda: lib.nn.Sequential(lib.nn.ReLU()).get_parameter("0.w"),
    "set_submodule empty": lambda lib: lambda: lib.nn.Sequential(lib.nn.ReLU()).set_submodule(
        "", lib.nn.ReLU()),
    "set_submodule not a module": lambda lib: lambda: lib.nn.Sequential(lib.nn.ReLU()).set_submodule(
        "0", 3),
    "set_submodule over a parameter": lambda lib: lambda: lib.nn.Sequential(
        lib.nn.Linear(1, 1)).set_submodule("0.weight", lib.nn.ReLU()),
    "set_submodule strict": lambda lib: lambda: lib.nn.Sequential(lib.nn.ReLU()).set_submodule(
        "1", lib.nn.ReLU(), strict=True),
}


@pytest.mark.parametrize("case", list(CASES))
def test_registration_errors_match_torch(case: str) -> None:
    _same_error(CASES[case])


def test_set_submodule_and_assignment_replace_as_torch() -> None:
    for lib in (torch, mg):
        net = lib.nn.Sequential(lib.nn.Sequential(lib.nn.ReLU(), lib.nn.Tanh()))
        net.set_submodule("0.1", lib.nn.Sigmoid())
        net.set_submodule("0.2", lib.nn.Identity())
        assert [type(m).__name__ for m in net[0]] == ["ReLU", "Sigmoid", "Identity"]
        assert net.get_submodule("0.2") is net[0][2]
    m = mg.nn.Linear(2, 2)
    m.weight = None  # None may replace a parameter, as in PyTorch
    assert "weight" in m._parameters and m.weight is None
    m.register_buffer("extra", mg.nn.Parameter(mg.ones(1)))  # PyTorch takes a Parameter as a buffer
    assert [n for n, _ in m.named_buffers()] == ["extra"]


def test_global_registration_hooks_see_and_replace() -> None:
    for lib in (torch, mg):
        seen: list[tuple[str, str]] = []
        replacement = lib.nn.Parameter(lib.zeros(3))

        def on_param(module: Any, name: str, value: Any, seen: list[tuple[str, str]] = seen,
                     replacement: Any = replacement) -> Any:
            seen.append(("param", name))
            return replacement if name == "swap" else None

        def on_buffer(module: Any, name: str, value: Any, seen: list[tuple[str, str]] = seen) -> None:
            seen.append(("buffer", name))

        def on_module(module: Any, name: str, value: Any, seen: list[tuple[str, str]] = seen) -> None:
            seen.append(("module", name))

        mm = lib.nn.modules.module
        handles = [mm.register_module_parameter_registration_hook(on_param),
                   mm.register_module_buffer_registration_hook(on_buffer),
                   mm.register_module_module_registration_hook(on_module)]
        try:
            m = lib.nn.Module()
            m.swap = lib.nn.Parameter(lib.ones(1))
            m.register_buffer("b", lib.ones(1))
            m.child = lib.nn.ReLU()
            m.add_module("other", None)
            assert m.swap is replacement
        finally:
            for h in handles:
                h.remove()
        m.after = lib.nn.ReLU()
        if lib is torch:
            want = seen
        else:
            assert seen == want


def test_call_super_init_and_parameter_attributes() -> None:
    class Mixin:
        def __init__(self, *a: Any, **kw: Any) -> None:
            super().__init__(*a, **kw)
            self.mixed = True

    for lib in (torch, mg):
        after = type("After", (lib.nn.Module, Mixin), {})
        assert not hasattr(after(), "mixed")
        after.call_super_init = True
        assert after().mixed
    p = mg.nn.Parameter(mg.ones(2))
    p.no_decay = True  # scripts tag parameters; PyTorch's Parameter takes attributes
    assert p.no_decay and dir(mg.nn.Sequential(mg.nn.ReLU())).count("0") == 0
