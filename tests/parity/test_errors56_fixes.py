"""errors56: bad input raises PyTorch's exception class, found by driving the same bad call through PyTorch
and minigrad (a sweep of tensor creation, tensor methods, nn.functional, module forwards, backward misuse,
save/load and autograd.grad arguments).

Each case runs under real torch and under minigrad (the same lambda, given the library): minigrad's error
must be an instance of PyTorch's class, and of the minigrad class named with the case.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import errors_of_both, require_torch

_BAD = mg.InvalidParameterError


def _x(t: Any) -> Any:
    return t.ones(3, requires_grad=True)


def _grad_of(t: Any, inputs: Callable[[Any], Any]) -> Any:
    """autograd.grad of (2x).sum() with respect to ``inputs(x)``."""
    x = _x(t)
    return t.autograd.grad((x * 2).sum(), inputs(x))


# case: (what raises, the class minigrad's error must also be)
_CASES: dict[str, tuple[Callable[[Any], Any], Any]] = {
    # autograd.grad's inputs that are neither Tensors nor GradientEdges: PyTorch's RuntimeError (minigrad read
    # .node off them: an AttributeError)
    "grad inputs [[x]]": (lambda t: _grad_of(t, lambda x: [[x]]), mg.MinigradError),
    "grad inputs [x, 3]": (lambda t: _grad_of(t, lambda x: [x, 3]), mg.MinigradError),
    "grad inputs [x, None]": (lambda t: _grad_of(t, lambda x: [x, None]), mg.MinigradError),
    # outputs that are no Tensors: PyTorch's assert in _make_grads (minigrad read .requires_grad off them)
    "grad outputs [y, None]": (lambda t: (lambda x: t.autograd.grad([(x * 2).sum(), None], x))(_x(t)), _BAD),
    "grad outputs [y, 3.0]": (lambda t: (lambda x: t.autograd.grad([(x * 2).sum(), 3.0], x))(_x(t)), _BAD),
    "backward tensors [y, None]": (lambda t: t.autograd.backward([(_x(t) * 2).sum(), None]), _BAD),
    # an empty checkpoint: PyTorch's unpickler runs out of input (its EOFError)
    "load(empty file)": (lambda t: t.load(io.BytesIO(b"")), mg.MinigradError),
    # a generator of tensors: PyTorch's argument parser's TypeError (minigrad consumed it checking the
    # elements, then said the list was empty)
    "cat(generator)": (lambda t: t.cat(a for a in [t.ones(2), t.ones(2)]), TypeError),
    "stack(generator)": (lambda t: t.stack(a for a in [t.ones(2), t.ones(2)]), TypeError),
    "cat(iter)": (lambda t: t.cat(iter([t.ones(2)])), TypeError),
    # an index that is a list: PyTorch's argument parser's TypeError (minigrad made an array of it)
    "index_select(list)": (lambda t: t.ones(2, 3).index_select(1, [0]), TypeError),
    "gather(list)": (lambda t: t.ones(2, 3).gather(1, [[0], [1]]), TypeError),
    "scatter(list)": (lambda t: t.zeros(2, 3).scatter(1, [[0], [1]], 1.0), TypeError),
    "embedding(list)": (lambda t: t.nn.functional.embedding([1], t.ones(5, 3)), TypeError),
    "Embedding()(list)": (lambda t: t.nn.Embedding(5, 3)([1, 2]), TypeError),
    "one_hot(list)": (lambda t: t.nn.functional.one_hot([1], 3), TypeError),
    # a float number of classes: the parser's TypeError (minigrad's was a ValueError)
    "one_hot(num_classes=3.0)": (lambda t: t.nn.functional.one_hot(t.tensor([1]), 3.0), TypeError),
    # PyTorch's parser names the indices input (its documentation says tensor): tensor= is its TypeError
    # F.gelu's approximate is keyword-only in PyTorch: positionally its TypeError (minigrad took it)
    "F.gelu(x, 'tanh')": (lambda t: t.nn.functional.gelu(t.ones(2), "tanh"), TypeError),
    "one_hot(tensor=)": (lambda t: t.nn.functional.one_hot(tensor=t.tensor([1]), num_classes=3), TypeError),
    # bincount's weights of another length: PyTorch's RuntimeError (numpy's ValueError before)
    "bincount(weights longer)": (lambda t: t.tensor([1, 2]).bincount(t.ones(3)), mg.ShapeError),
    "bincount(weights float64 shorter)": (lambda t: t.tensor([1, 2]).bincount(t.ones(1, dtype=t.float64)),
                                          mg.ShapeError),
    # a fill value that is a tensor of one or more dims: the parser's TypeError (a 0-d one is a Number)
    "full(fill_value=1-d tensor)": (lambda t: t.full((2,), t.tensor([2.0])), TypeError),
}


@pytest.mark.parametrize("case", sorted(_CASES))
def test_bad_input_raises_pytorchs_class(case: str) -> None:
    run, also = _CASES[case]
    theirs, ours = errors_of_both(run)
    assert isinstance(ours, also), type(ours).__mro__
    if case.startswith(("grad inputs", "cat(g", "stack(g", "one_hot(num", "bincount")):
        # PyTorch's words first
        assert str(ours).split()[:4] == str(theirs).split()[:4], (str(ours), str(theirs))


_ONCE_WARNINGS: dict[str, Callable[[Any], Any]] = {
    "x.T of 3 dims": lambda t: t.ones(2, 3, 4).T,
    "x.T of 0 dims": lambda t: t.tensor(1.0).T,
    "x.mT of 0 dims": lambda t: t.tensor(1.0).mT,
    "x.mH of 0 dims": lambda t: t.tensor(1.0).mH,
    "float(x requiring grad)": lambda t: float(t.ones(1, requires_grad=True)),
    "tensor([x requiring grad])": lambda t: t.tensor([t.ones((), requires_grad=True)]),
    "meshgrid without indexing": lambda t: t.meshgrid(t.ones(2), t.ones(2)),
    "rms_norm of a float64 weight": lambda t: t.nn.functional.rms_norm(t.ones(2, 3), (3,),
                                                                       weight=t.ones(3, dtype=t.float64)),
    "index_reduce (beta)": lambda t: t.zeros(3).index_reduce(0, t.tensor([0]), t.ones(1), "prod"),
    "scatter(reduce=) of a tensor": lambda t: t.zeros(3).scatter(0, t.tensor([0]), t.ones(1), reduce="add"),
    "addcmul(value first)": lambda t: t.addcmul(t.ones(2), 0.5, t.ones(2), t.ones(2)),
    "asarray of a tensor requiring grad": lambda t: t.asarray(t.ones(2, requires_grad=True)),
}


@pytest.mark.parametrize("case", sorted(_ONCE_WARNINGS))
@pytest.mark.usefixtures("warn_always")
def test_once_per_process_warnings_repeat_under_set_warn_always(case: str) -> None:
    """PyTorch's TORCH_WARN_ONCE warns on every call under set_warn_always; minigrad's once-flags ignored it
    (one warning per process, whatever the setting)."""
    torch = require_torch()
    for lib in (torch, mg):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            for _ in range(3):
                _ONCE_WARNINGS[case](lib)
        assert len([w for w in seen if issubclass(w.category, UserWarning)]) == 3, (lib.__name__, seen)


@pytest.mark.usefixtures("warn_always")
def test_where_takes_a_uint8_condition_and_warns() -> None:
    """PyTorch's where reads a uint8 condition as a mask, with a deprecation warning (minigrad raised)."""
    torch = require_torch()
    results = []
    for lib in (torch, mg):
        cond = lib.tensor([2, 0, 1], dtype=lib.uint8)
        with pytest.warns(UserWarning, match="where received a uint8 condition tensor"):
            results.append(lib.where(cond, lib.arange(3.0), lib.zeros(3)).tolist())
        with pytest.warns(UserWarning, match="where received a uint8 condition tensor"):
            results.append(lib.arange(3.0).where(cond, -1.0).tolist())
    assert results[:2] == results[2:]


@pytest.mark.parametrize("shape, dim", [((0, 3), 1), ((2, 0), 0), ((0, 3), None)])
def test_var_std_of_an_empty_tensor_warn_of_no_degrees_of_freedom(shape: tuple[int, ...], dim: Any) -> None:
    """PyTorch's reduction factor is input numel / output numel, 0 for an empty input, so var and std of one
    warn of no degrees of freedom whatever the reduced dims' sizes (minigrad counted the reduced dims)."""
    torch = require_torch()
    for lib in (torch, mg):
        for fn in ("var", "std"):
            with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
                getattr(lib.ones(*shape), fn)(dim)


def test_one_hot_takes_input_as_a_keyword() -> None:
    """F.one_hot(input=...) works in PyTorch (minigrad's parameter was named tensor)."""
    torch = require_torch()
    ours = mg.nn.functional.one_hot(input=mg.tensor([1, 0]), num_classes=3)
    assert ours.tolist() == torch.nn.functional.one_hot(input=torch.tensor([1, 0]), num_classes=3).tolist()
