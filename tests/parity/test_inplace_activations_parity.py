"""``inplace=True`` against PyTorch: the activations (functional, ``F.*_`` and layers), the dropouts and the
``torch.dropout_`` forms write into their input and return it (``y is x``), with PyTorch's values, version
count, grad_fn name and gradient on a non-leaf; a leaf that requires grad raises (fine under no_grad), and
PyTorch's quirks hold (backward of an in-place leaky_relu / elu / celu / rrelu with a negative slope raises,
the alpha dropout layers ignore the flag, the unbatched channel dropouts count three versions)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = require_torch()
torch.set_num_threads(1)

X = np.array([[-3.5, -1.0, -0.0, 0.0, 0.5, 2.0, 3.0, 7.0], [-7.0, -2.5, -0.25, 1e-12, 1.0, 2.9, 6.0, 9.0]])
WEIGHTS = np.arange(1.0, 17.0).reshape(2, 8)

Fn = Callable[[Any, Any], Any]

#: (id, fn(lib, x)): each writes into x and returns it in PyTorch
ACTIVATIONS: list[tuple[str, Fn]] = [
    ("relu", lambda lib, x: lib.nn.functional.relu(x, inplace=True)),
    ("relu_", lambda lib, x: lib.nn.functional.relu_(x)),
    ("torch.relu_", lambda lib, x: lib.relu_(x)),
    ("leaky_relu", lambda lib, x: lib.nn.functional.leaky_relu(x, 0.1, inplace=True)),
    ("leaky_relu_", lambda lib, x: lib.nn.functional.leaky_relu_(x, 0.2)),
    ("elu", lambda lib, x: lib.nn.functional.elu(x, 0.5, inplace=True)),
    ("elu_", lambda lib, x: lib.nn.functional.elu_(x)),
    ("celu", lambda lib, x: lib.nn.functional.celu(x, 2.0, inplace=True)),
    ("celu_", lambda lib, x: lib.nn.functional.celu_(x, 0.5)),
    ("selu", lambda lib, x: lib.nn.functional.selu(x, inplace=True)),
    ("selu_", lambda lib, x: lib.nn.functional.selu_(x)),
    ("silu", lambda lib, x: lib.nn.functional.silu(x, inplace=True)),
    ("mish", lambda lib, x: lib.nn.functional.mish(x, inplace=True)),
    ("hardtanh", lambda lib, x: lib.nn.functional.hardtanh(x, -0.5, 2.0, inplace=True)),
    ("hardtanh_", lambda lib, x: lib.nn.functional.hardtanh_(x, -0.5, 2.0)),
    ("relu6", lambda lib, x: lib.nn.functional.relu6(x, inplace=True)),
    ("hardsigmoid", lambda lib, x: lib.nn.functional.hardsigmoid(x, inplace=True)),
    ("hardswish", lambda lib, x: lib.nn.functional.hardswish(x, inplace=True)),
    ("threshold", lambda lib, x: lib.nn.functional.threshold(x, 0.4, -2.0, inplace=True)),
    ("threshold_", lambda lib, x: lib.nn.functional.threshold_(x, 0.4, -2.0)),
    ("rrelu", lambda lib, x: lib.nn.functional.rrelu(x, 0.1, 0.3, inplace=True)),
    ("rrelu_", lambda lib, x: lib.nn.functional.rrelu_(x, 0.1, 0.3)),
    ("rrelu_training", lambda lib, x: lib.nn.functional.rrelu(x, 0.1, 0.3, training=True, inplace=True)),
    ("ReLU", lambda lib, x: lib.nn.ReLU(inplace=True)(x)),
    ("LeakyReLU", lambda lib, x: lib.nn.LeakyReLU(0.1, inplace=True)(x)),
    ("ELU", lambda lib, x: lib.nn.ELU(inplace=True)(x)),
    ("CELU", lambda lib, x: lib.nn.CELU(1.5, inplace=True)(x)),
    ("SELU", lambda lib, x: lib.nn.SELU(inplace=True)(x)),
    ("Hardtanh", lambda lib, x: lib.nn.Hardtanh(inplace=True)(x)),
    ("ReLU6", lambda lib, x: lib.nn.ReLU6(inplace=True)(x)),
    ("Hardswish", lambda lib, x: lib.nn.Hardswish(inplace=True)(x)),
    ("Hardsigmoid", lambda lib, x: lib.nn.Hardsigmoid(inplace=True)(x)),
    ("SiLU", lambda lib, x: lib.nn.SiLU(inplace=True)(x)),
    ("Mish", lambda lib, x: lib.nn.Mish(inplace=True)(x)),
    ("Threshold", lambda lib, x: lib.nn.Threshold(0.4, -2.0, inplace=True)(x)),
    ("RReLU_eval", lambda lib, x: lib.nn.RReLU(inplace=True).eval()(x)),
    ("RReLU_training", lambda lib, x: lib.nn.RReLU(0.1, 0.3, inplace=True)(x)),
]  # fmt: skip

def _quietly(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` without its warnings (dropout2d's for a 2-D input: both libraries warn)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


#: in training, with the masks PyTorch draws (use_pytorch_dropout_masks) from the same seed
DROPOUTS: list[tuple[str, Fn]] = [
    ("dropout", lambda lib, x: lib.nn.functional.dropout(x, 0.5, inplace=True)),
    ("dropout_p1", lambda lib, x: lib.nn.functional.dropout(x, 1.0, inplace=True)),
    ("Dropout", lambda lib, x: lib.nn.Dropout(0.3, inplace=True)(x)),
    ("torch.dropout_", lambda lib, x: lib.dropout_(x, 0.5, True)),
    ("alpha_dropout", lambda lib, x: lib.nn.functional.alpha_dropout(x, 0.5, training=True, inplace=True)),
    ("torch.alpha_dropout_", lambda lib, x: lib.alpha_dropout_(x, 0.5, True)),
    ("feature_alpha_dropout", lambda lib, x: lib.nn.functional.feature_alpha_dropout(x, 0.5, True, True)),
    ("dropout1d_unbatched", lambda lib, x: lib.nn.functional.dropout1d(x, 0.5, inplace=True)),
    ("dropout1d_eval_unbatched", lambda lib, x: lib.nn.functional.dropout1d(x, 0.5, False, inplace=True)),
    ("dropout2d", lambda lib, x: _quietly(lib.nn.functional.dropout2d, x, 0.5, inplace=True)),
    ("Dropout1d", lambda lib, x: lib.nn.Dropout1d(inplace=True)(x)),
    ("torch.feature_dropout_", lambda lib, x: lib.feature_dropout_(x, 0.5, True)),
    ("dropout_eval", lambda lib, x: lib.nn.functional.dropout(x, 0.5, training=False, inplace=True)),
    ("Dropout_eval", lambda lib, x: lib.nn.Dropout(inplace=True).eval()(x)),
]  # fmt: skip


@contextmanager
def _pytorch_masks() -> Iterator[None]:
    mg.random.use_pytorch_dropout_masks()
    try:
        yield
    finally:
        mg.random.use_pytorch_dropout_masks(False)


def _grad_fn_name(t: Any) -> str | None:
    return None if t.grad_fn is None else t.grad_fn.name()


def _run(lib: Any, fn: Fn, requires_grad: bool) -> tuple[Any, Any, Any, int]:
    """(the leaf a, x = a * 1 or a plain tensor, fn's result, x's version change)."""
    lib.manual_seed(3)
    a = lib.tensor(X, requires_grad=requires_grad)
    x = a * 1.0 if requires_grad else a
    version = x._version
    y = fn(lib, x)
    return a, x, y, x._version - version


def _check_like_torch(fn: Fn) -> None:
    for requires_grad in (False, True):
        ta, tx, ty, tdv = _run(torch, fn, requires_grad)
        ma, mx, my, mdv = _run(mg, fn, requires_grad)
        assert (my is mx) == (ty is tx)
        assert mdv == tdv, (mdv, tdv)
        assert_close(my, ty)
        if my is mx:
            assert_close(mx, tx)  # the input holds the result
        if requires_grad:
            assert _grad_fn_name(my) == _grad_fn_name(ty)
            (ty * torch.tensor(WEIGHTS).reshape(ty.shape)).sum().backward()
            (my * mg.tensor(WEIGHTS).reshape(my.shape)).sum().backward()
            assert_close(ma.grad, ta.grad)


@pytest.mark.parametrize("fn", [c[1] for c in ACTIVATIONS], ids=[c[0] for c in ACTIVATIONS])
def test_inplace_activation_writes_into_its_input_like_torch(fn: Fn) -> None:
    _check_like_torch(fn)


@pytest.mark.parametrize("fn", [c[1] for c in DROPOUTS], ids=[c[0] for c in DROPOUTS])
def test_inplace_dropout_writes_into_its_input_like_torch(fn: Fn) -> None:
    with _pytorch_masks():
        _check_like_torch(fn)


@pytest.mark.parametrize("fn", [c[1] for c in ACTIVATIONS + DROPOUTS[:8]],
                         ids=[c[0] for c in ACTIVATIONS + DROPOUTS[:8]])
def test_inplace_on_a_leaf_that_requires_grad_raises_and_is_fine_under_no_grad(fn: Fn) -> None:
    errors, versions = [], []
    for lib in (torch, mg):
        lib.manual_seed(0)
        leaf = lib.tensor(X, requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            fn(lib, leaf)
        errors.append(info.value)
        with lib.no_grad():
            y = fn(lib, leaf)
        assert y is leaf and leaf.requires_grad and leaf.is_leaf
        versions.append(leaf._version)
    assert versions[0] == versions[1] > 0
    theirs, ours = errors
    assert isinstance(ours, type(theirs))
    assert str(ours).startswith(str(theirs))  # (minigrad adds how to update parameters)


NEGATIVE: list[tuple[str, Fn]] = [
    ("leaky_relu_", lambda lib, x: lib.nn.functional.leaky_relu_(x, -0.1)),
    ("LeakyReLU", lambda lib, x: lib.nn.LeakyReLU(-0.5, inplace=True)(x)),
    ("elu_", lambda lib, x: lib.nn.functional.elu_(x, -1.0)),
    ("ELU", lambda lib, x: lib.nn.ELU(-0.5, inplace=True)(x)),
    ("celu_", lambda lib, x: lib.nn.functional.celu_(x, -1.0)),
    ("rrelu_", lambda lib, x: lib.nn.functional.rrelu_(x, -0.3, -0.1)),
]  # fmt: skip


@pytest.mark.parametrize("fn", [c[1] for c in NEGATIVE], ids=[c[0] for c in NEGATIVE])
def test_backward_of_an_inplace_activation_with_a_negative_slope_raises_as_torch(fn: Fn) -> None:
    errors = []
    for lib in (torch, mg):
        a = lib.tensor(X, requires_grad=True)
        y = fn(lib, a * 1.0)  # (the forward is fine)
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
        errors.append(info.value)
    theirs, ours = errors
    assert isinstance(ours, type(theirs)) and str(ours) == str(theirs)


@pytest.mark.parametrize("fn", [lambda lib, x: lib.nn.functional.leaky_relu_(x, 0.0),
                                lambda lib, x: lib.nn.functional.elu_(x, 0.0),
                                lambda lib, x: lib.nn.functional.rrelu_(x, -0.3, -0.1, True)],
                         ids=["leaky_relu_0", "elu_0", "rrelu_training_negative"])
def test_a_zero_slope_or_random_slopes_backprop_in_place_as_torch(fn: Fn) -> None:
    _check_like_torch(fn)


@pytest.mark.parametrize("layer", ["AlphaDropout", "FeatureAlphaDropout"])
def test_the_alpha_dropout_layers_ignore_inplace_as_torch(layer: str) -> None:
    for lib in (torch, mg):
        x = lib.tensor(X)
        y = getattr(lib.nn, layer)(0.5, inplace=True)(x)
        assert y is not x and x._version == 0 and np.array_equal(x.numpy(), X)


@pytest.mark.parametrize("fn", [lambda lib, t: lib.nn.functional.relu(t, inplace=True),
                                lambda lib, t: lib.nn.SiLU(inplace=True)(t),
                                lambda lib, t: lib.nn.functional.hardtanh_(t)],
                         ids=["relu", "SiLU", "hardtanh_"])
def test_an_inplace_activation_of_a_saved_tensor_fails_backward_as_torch(fn: Fn) -> None:
    errors = []
    for lib in (torch, mg):
        a = lib.tensor(X, requires_grad=True)
        s = (a * 2).sigmoid()  # sigmoid saves its result, which the activation then changes
        fn(lib, s)
        with pytest.raises(RuntimeError) as info:
            s.sum().backward()
        errors.append(info.value)
    theirs, ours = errors
    assert isinstance(ours, type(theirs))
    assert str(theirs).split(":")[0] in str(ours)  # "one of the variables needed for gradient ..."


def test_an_inplace_activation_through_a_view_reaches_the_base_as_torch() -> None:
    grads = []
    for lib in (torch, mg):
        a = lib.tensor(X, requires_grad=True)
        x = a * 1.0
        lib.nn.functional.elu(x[1, 4:], inplace=True)  # part of the second row of x, in place
        (x * lib.tensor(WEIGHTS)).sum().backward()
        grads.append((x, a.grad))
    (tx, tg), (mx, mgrad) = grads
    assert_close(mx, tx)
    assert_close(mgrad, tg)
    for lib in (torch, mg):  # a second view's write moves the counter ReLU's saved result shares: an error
        x = lib.tensor(X, requires_grad=True) * 1.0
        lib.nn.functional.relu(x[0], inplace=True)
        lib.nn.functional.elu(x[1, 4:], inplace=True)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            x.sum().backward()


def test_inplace_false_leaves_the_input_unchanged() -> None:
    for name in ("relu", "elu", "silu", "hardtanh", "selu"):
        x = mg.tensor(X)
        y = getattr(mg.nn.functional, name)(x)
        assert y is not x and np.array_equal(x.numpy(), X) and x._version == 0
    x = mg.tensor(X)
    assert mg.nn.functional.dropout(x, 0.5) is not x and np.array_equal(x.numpy(), X)


VIEW_CASES: list[tuple[str, Fn]] = [
    ("view.relu_", lambda lib, a: (a * 1 - 2).view(6).relu_()),
    ("row.exp_", lambda lib, a: (lambda x: (x[0].exp_(), x * 2)[1])(a * 1)),
    ("view.sigmoid_", lambda lib, a: (a * 1).view(6).sigmoid_() * 2),
    ("linear3d-ReLU", lambda lib, a: lib.nn.ReLU(inplace=True)(lib.nn.functional.linear(a[None], a))),
]  # fmt: skip


@pytest.mark.parametrize("fn", [c[1] for c in VIEW_CASES], ids=[c[0] for c in VIEW_CASES])
def test_an_op_that_saves_its_result_in_place_on_a_view_backprops_as_torch(fn: Fn) -> None:
    # the base's CopySlices write moved the view's version once more than the op recorded (minigrad raised
    # "modified by an inplace operation" where PyTorch's shared counter moves once): nn.ReLU(inplace=True)
    # after a batched matmul or Linear, whose 3-D result is a view of a 2-D product
    grads = []
    for lib in (torch, mg):
        a = lib.tensor(np.arange(6.0).reshape(2, 3) - 2.5, requires_grad=True)
        out = fn(lib, a)
        (out * lib.arange(1.0, out.numel() + 1, dtype=lib.float64).reshape(out.shape)).sum().backward()
        grads.append(a.grad)
    assert_close(grads[1], grads[0])
