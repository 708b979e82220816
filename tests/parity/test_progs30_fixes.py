"""Differences found while writing progs30's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

from typing import Any

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _compiled_module(lib: Any) -> list[Any]:
    """What a script sees of torch.compile(model) (the eager backend: PyTorch compiles nothing then)."""
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
    compiled = lib.compile(model, backend="eager")
    seen: list[Any] = [type(compiled).__name__, list(compiled.state_dict()), compiled._orig_mod is model,
                       repr(compiled), [n for n, _ in compiled.named_parameters()],
                       isinstance(compiled, lib.nn.Sequential), len(compiled)]
    out = compiled(lib.ones(2, 3))
    seen += [out.grad_fn.name(), out.tolist()]
    compiled.eval()
    seen += [model.training, compiled.training]
    compiled.extra = 5  # (an attribute set on the wrapper is the module's)
    seen += [model.extra]
    plain = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
    try:
        plain.load_state_dict(compiled.state_dict())
    except RuntimeError as e:
        seen.append(str(e).splitlines()[1].strip())
    plain.load_state_dict({k.removeprefix("_orig_mod."): v for k, v in compiled.state_dict().items()})
    model.compile(backend="eager")  # (Module.compile(): in place, no wrapper)
    seen += [list(model.state_dict()), type(model).__name__]
    return seen


def test_torch_compile_of_a_module_returns_the_optimized_module_wrapper() -> None:
    assert _compiled_module(mg) == _compiled_module(torch)


def _compiled_calls(lib: Any) -> list[Any]:
    """The module compiled stays eager itself; its hooks run on every call through the wrapper."""
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh())
    seen: list[Any] = []
    model.register_forward_hook(lambda m, i, o: seen.append(tuple(o.shape)))
    compiled = lib.compile(model, backend="aot_eager")
    for k in range(3):
        compiled(lib.full((2, 3), float(k))).sum().backward()
    seen += [model(lib.ones(1, 3)).grad_fn.name(), compiled(lib.ones(1, 3)).grad_fn.name()]
    seen += [round(float(p.grad.sum()), 4) for p in model.parameters()]
    return seen


def test_compiled_module_hooks_and_the_eager_original() -> None:
    assert _compiled_calls(mg) == _compiled_calls(torch)


def _compiled_names(lib: Any) -> list[str]:
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh())

    def f(x: Any) -> Any:
        return (x * 2).sin()

    eager_f = lib.compile(f, backend="eager")
    return [lib.compile(model, backend="aot_eager")(lib.ones(1, 3)).grad_fn.name(),
            type(eager_f).__name__, eager_f(lib.ones(2, requires_grad=True)).grad_fn.name()]


def test_compiled_graph_node_names() -> None:
    # the default backend's node is CompiledFunctionBackward (aot_eager: the same, without inductor's
    # C++ compile); the eager backend keeps the eager ops' nodes and returns a plain function
    assert _compiled_names(mg) == _compiled_names(torch)
