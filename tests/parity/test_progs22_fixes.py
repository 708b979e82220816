"""What the progs22 batch of compat programs (tests/compat/programs: lwpe_polynomial_variants,
state_dict_surgery_assign, ...) needed: each fix checked against torch on its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

_CASES: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("add", lambda lib, a: a + 1), ("sub", lambda lib, a: a - 1), ("rsub", lambda lib, a: 1 - a),
    ("mul", lambda lib, a: a * 2), ("sum", lambda lib, a: a.sum()), ("sum_dim", lambda lib, a: a.sum(0)),
    ("exp", lambda lib, a: a.exp()), ("select", lambda lib, a: a[0]), ("view", lambda lib, a: a.view(2)),
    ("relu", lambda lib, a: lib.nn.functional.relu(a)), ("pow_scalar", lambda lib, a: 2 ** a),
    ("mse", lambda lib, a: lib.nn.functional.mse_loss(a, lib.zeros(2))), ("max", lambda lib, a: a.max()),
    ("amax", lambda lib, a: a.amax(0)),
]


def _type_names(lib: Any, build: Callable[[Any, Any], Any]) -> tuple[str, str, str, list[str]]:
    a = lib.tensor([0.5, -1.5], requires_grad=True)
    y = build(lib, a)
    fn = y.grad_fn
    return (type(fn).__name__, fn.name(), repr(type(fn)), [repr(type(f)) for f, _ in fn.next_functions])


@pytest.mark.parametrize(("case", "build"), _CASES, ids=[c for c, _ in _CASES])
def test_grad_fn_class_is_named_as_pytorch(case: str, build: Callable[[Any, Any], Any]) -> None:
    """Before progs22 ``type(y.grad_fn).__name__`` was minigrad's primitive ("Add", "GetItem") where
    PyTorch's is "AddBackward0" (the tutorial's printouts, torchviz's node labels): now the class a
    script sees carries PyTorch's name, the name() and next_functions' classes too."""
    del case
    assert _type_names(mg, build) == _type_names(torch, build)


def test_grad_fn_class_name_through_a_chain_and_backward() -> None:
    """The nodes reached by next_functions are named too, and a renamed graph still runs backward
    (the same node objects: identity and hooks kept)."""
    got = []
    for lib in (torch, mg):
        a = lib.tensor([0.25, 2.0], requires_grad=True)
        z = (a * 2).exp().sum()
        inner = z.grad_fn.next_functions[0][0]
        names = [type(z.grad_fn).__name__, type(inner).__name__,
                 type(inner.next_functions[0][0]).__name__]
        assert z.grad_fn.next_functions[0][0] is inner
        z.backward()
        got.append((names, a.grad.tolist(), isinstance(z.grad_fn, lib.autograd.graph.Node)))
    assert got[0] == got[1]


def _assign_case(lib: Any) -> tuple[bool, bool, list[float]]:
    lib.manual_seed(0)
    net = lib.nn.Linear(3, 2)
    sd = net.state_dict()
    assigned = lib.nn.Linear(3, 2)
    assigned.load_state_dict(sd, assign=True)
    shares = assigned.weight.data_ptr() == sd["weight"].data_ptr()
    copied = lib.nn.Linear(3, 2)  # PyTorch's assign flag stays in the dict's _metadata: this load assigns too
    copied.load_state_dict(sd)
    copy_shares = copied.weight.data_ptr() == sd["weight"].data_ptr()
    with lib.no_grad():
        net.weight.mul_(2)  # the loaded models see it through the shared memory
    return shares, copy_shares, assigned.weight.flatten().tolist()


def test_load_state_dict_assign_shares_the_state_dicts_memory() -> None:
    """Before progs22 load_state_dict(assign=True) of a state_dict() copied the arrays: the module did
    not take the checkpoint's tensors as PyTorch's does (a change to the source model was not seen), and
    a later plain load of the same dict did not assign as PyTorch's (its flag left in _metadata) does."""
    assert _assign_case(mg) == pytest.approx(_assign_case(torch))


def _tf32_case(lib: Any) -> list[tuple[bool, str]]:
    seen = []
    try:
        for precision in ("high", "medium", "highest"):
            lib.set_float32_matmul_precision(precision)
            seen.append((lib.backends.cuda.matmul.allow_tf32, lib.get_float32_matmul_precision()))
        for flag in (True, False):
            lib.backends.cuda.matmul.allow_tf32 = flag
            seen.append((lib.backends.cuda.matmul.allow_tf32, lib.get_float32_matmul_precision()))
    finally:
        lib.set_float32_matmul_precision("highest")
    return seen


def test_allow_tf32_follows_the_float32_matmul_precision() -> None:
    """Before progs22 torch.backends.cuda.matmul.allow_tf32 stayed False after
    set_float32_matmul_precision('high') (nanoGPT-style setup code prints both); in PyTorch the flag is
    the precision seen another way, and setting it sets the precision."""
    assert _tf32_case(mg) == _tf32_case(torch)


def _deepcopy_case(lib: Any) -> tuple[Any, ...]:
    import copy

    lib.manual_seed(0)
    net = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.Tanh(), lib.nn.Linear(2, 1))
    net(lib.ones(4, 3)).sum().backward()
    net[0].weight.no_decay = True
    clone = copy.deepcopy(net)
    grads = [p.grad is None for p in clone.parameters()]
    lib.optim.SGD(clone.parameters(), lr=1.0).step()  # no gradients: PyTorch's step leaves the copy alone
    same = [bool(lib.equal(a, b)) for a, b in zip(clone.parameters(), net.parameters())]
    tagged = hasattr(clone[0].weight, "no_decay")
    kinds = [type(p).__name__ for p in clone.parameters()]
    return grads, same, tagged, kinds, clone[0].weight.requires_grad, clone[0].weight.is_leaf


def test_deepcopy_of_a_parameter_drops_grad_and_tags_as_pytorch() -> None:
    """Before progs22 a deepcopied model's Parameters kept their .grad (and attributes scripts set on
    them): an optimizer built on the copy (MAML's and Lookahead's clones, an EMA model) then stepped with
    the original's stale gradients. PyTorch's Parameter.__deepcopy__ copies the data only."""
    assert _deepcopy_case(mg) == _deepcopy_case(torch)
