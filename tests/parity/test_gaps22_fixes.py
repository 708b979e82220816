"""Gaps the last session listed against PyTorch 2.13, each compared with PyTorch itself.

A list or tuple operand of the named binary methods and functions (PyTorch's argument TypeError, where
minigrad made a tensor of it), ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _outcome(fn: Callable[[Any], Any], lib: Any) -> tuple[str, str]:
    """(class name, first line of the message) of what ``fn(lib)`` raises, or ("ok", repr)."""
    try:
        out = fn(lib)
    except Exception as e:  # (the class is what is compared)
        return type(e).__name__, str(e).splitlines()[0]
    return "ok", repr(out)


# ------------------------------------------------------------------ 1. list/tuple operands

_SEQUENCE_CALLS: list[tuple[str, Callable[[Any], Any]]] = [
    (f"{form}:{name}", call)
    for name in ("add", "sub", "mul", "div", "true_divide", "floor_divide", "remainder", "fmod", "copysign",
                 "xlogy", "eq", "ne", "lt", "le", "gt", "ge", "subtract", "matmul")
    for form, call in (
        ("method", lambda lib, n=name: getattr(lib.tensor([1.0, 2.0]), n)([1.0, 2.0])),
        ("method-tuple", lambda lib, n=name: getattr(lib.tensor([1.0, 2.0]), n)((1.0, 2.0))),
        ("function", lambda lib, n=name: getattr(lib, n)(lib.tensor([1.0, 2.0]), [1.0, 2.0])),
    )
] + [
    (f"inplace:{name}", lambda lib, n=name: getattr(lib.tensor([1.0, 2.0]), n)([1.0, 2.0]))
    for name in ("add_", "sub_", "mul_", "div_", "true_divide_", "remainder_", "fmod_", "eq_", "xlogy_")
] + [
    ("input-list:add", lambda lib: lib.add([1.0, 2.0], lib.tensor([1.0, 2.0]))),
    ("input-list:mul", lambda lib: lib.mul((1.0, 2.0), lib.tensor([1.0, 2.0]))),
    ("input-list:matmul", lambda lib: lib.matmul([1.0, 2.0], lib.tensor([1.0, 2.0]))),
    ("alpha", lambda lib: lib.tensor([1.0, 2.0]).add([1.0, 2.0], alpha=2)),
    ("rounding", lambda lib: lib.tensor([1.0, 2.0]).div([1.0, 2.0], rounding_mode="floor")),
    ("rounding-fn", lambda lib: lib.div(lib.tensor([1.0, 2.0]), [1.0, 2.0], rounding_mode="trunc")),
    ("rounding-inplace", lambda lib: lib.tensor([1.0, 2.0]).div_([1.0], rounding_mode="trunc")),
    ("dot", lambda lib: lib.tensor([1.0, 2.0]).dot([1.0, 2.0])),
]


@pytest.mark.parametrize("call", [c for _, c in _SEQUENCE_CALLS], ids=[k for k, _ in _SEQUENCE_CALLS])
def test_sequence_operand_is_pytorchs_type_error(call: Callable[[Any], Any]) -> None:
    assert _outcome(call, mg) == _outcome(call, torch)


_OPERATORS: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("==", lambda t, o: t == o), ("!=", lambda t, o: t != o), ("<", lambda t, o: t < o),
    ("@", lambda t, o: t @ o), ("r@", lambda t, o: o @ t), ("+", lambda t, o: t + o),
    ("__iadd__", lambda t, o: t.__iadd__(o)), ("__imul__", lambda t, o: t.__imul__(o)),
    ("__isub__", lambda t, o: t.__isub__(o)), ("__itruediv__", lambda t, o: t.__itruediv__(o)),
]


def _augmented(t: Any, o: Any) -> Any:
    t += o
    return t


@pytest.mark.parametrize("op", [f for _, f in _OPERATORS] + [_augmented],
                         ids=[k for k, _ in _OPERATORS] + ["+="])
@pytest.mark.parametrize("other", [[1.0, 2.0], (1.0, 2.0)], ids=["list", "tuple"])
def test_sequence_operand_of_operators(op: Callable[[Any, Any], Any], other: Any) -> None:
    """The operators answer NotImplemented, so Python decides: == is False, += is its TypeError."""
    assert _outcome(lambda lib: op(lib.tensor([1.0, 2.0]), other), mg) == \
        _outcome(lambda lib: op(lib.tensor([1.0, 2.0]), other), torch)


# ------------------------------------------------------------------ 2. functions PyTorch removed

_REMOVED: list[tuple[str, Callable[[Any], Any], str]] = [
    ("solve", lambda lib: lib.solve(lib.eye(2), lib.eye(2)), "linalg.solve"),
    ("symeig", lambda lib: lib.symeig(lib.eye(2), eigenvectors=True), "linalg.eigh"),
    ("eig", lambda lib: lib.eig(lib.eye(2)), "linalg.eig"),
    ("lstsq", lambda lib: lib.lstsq(lib.eye(2), lib.eye(2)), "linalg.lstsq"),
    ("matrix_rank", lambda lib: lib.matrix_rank(lib.eye(2)), "linalg.matrix_rank"),
    ("Tensor.solve", lambda lib: lib.eye(2).solve(lib.eye(2)), "linalg.solve"),
    ("Tensor.symeig", lambda lib: lib.eye(2).symeig(), "linalg.eigvalsh"),
    ("Tensor.eig", lambda lib: lib.eye(2).eig(True), "linalg.eig"),
    ("Tensor.lstsq", lambda lib: lib.eye(2).lstsq(lib.eye(2)), "linalg.lstsq"),
]


@pytest.mark.parametrize(("call", "replacement"), [(c, r) for _, c, r in _REMOVED],
                         ids=[k for k, _, _ in _REMOVED])
def test_removed_function_raises_pytorchs_runtime_error(call: Callable[[Any], Any], replacement: str) -> None:
    with pytest.raises(RuntimeError) as theirs:
        call(torch)
    with pytest.raises(RuntimeError) as ours:
        call(mg)
    assert type(theirs.value) is RuntimeError and isinstance(ours.value, mg.MinigradError)
    first = "This function was deprecated since version 1.9 and is now removed."
    assert str(theirs.value).startswith(first) and str(ours.value).startswith(first)
    assert replacement in str(theirs.value) and replacement in str(ours.value)


@pytest.mark.parametrize("name", ["solve", "symeig", "eig", "lstsq", "matrix_rank"])
def test_removed_names_exist_where_pytorchs_do(name: str) -> None:
    """The functions all stay in PyTorch; of the methods, matrix_rank is gone (an AttributeError)."""
    assert hasattr(mg, name) == hasattr(torch, name)
    assert hasattr(mg.Tensor, name) == hasattr(torch.Tensor, name)
    assert callable(getattr(mg, name))


@pytest.mark.parametrize("name", ["gesv", "potrf", "potrs", "btrifact", "btrisolve", "trtrs", "gels", "rfft",
                                  "irfft", "ifft"])
def test_names_pytorch_dropped_entirely_are_absent(name: str) -> None:
    assert not hasattr(torch, name) and not hasattr(mg, name)
    assert not hasattr(torch.Tensor, name) and not hasattr(mg.Tensor, name)


def test_removed_function_argument_errors() -> None:
    """Called without their arguments they fail as Python functions do, in PyTorch too."""
    for name in ("solve", "lstsq", "eig", "matrix_rank"):
        with pytest.raises(TypeError):
            getattr(torch, name)()
        with pytest.raises(TypeError):
            getattr(mg, name)()


# ------------------------------------------------------------------ 3. Tensor.unfold is a view

_UNFOLDS = [((3, 7), 1, 3, 2), ((5, 3), 0, 2, 1), ((6,), 0, 2, 2), ((6,), 0, 3, 1), ((4,), 0, 2, 3),
            ((5,), 0, 5, 1), ((2, 3, 4), -1, 2, 1), ((2, 3), 1, 0, 1), ((), 0, 1, 1)]


@pytest.mark.parametrize(("shape", "dim", "size", "step"), _UNFOLDS)
@pytest.mark.parametrize("transposed", [False, True])
def test_unfold_is_a_view_with_pytorchs_strides(shape: tuple[int, ...], dim: int, size: int, step: int,
                                                 transposed: bool) -> None:
    def run(lib: Any) -> Any:
        x = lib.arange(float(max(1, int(np.prod(shape))))).reshape(shape)
        if transposed:
            if len(shape) < 2:
                return None
            x = x.t() if len(shape) == 2 else x.transpose(0, 2)
        u = x.unfold(dim, size, step)
        base = x._base if x._base is not None else x
        meta = (tuple(u.shape), u.stride(), u.is_contiguous(), u._base is base)
        if u.numel():
            u[(0,) * u.ndim] = -5.0  # writes through to x
        return meta, x.numpy().copy() if lib is mg else x.detach().numpy().copy()

    mine, theirs = run(mg), run(torch)
    if theirs is None:
        return
    assert mine[0] == theirs[0]
    np.testing.assert_array_equal(mine[1], theirs[1])


_GRADS = [((3, 7), 1, 3, 2), ((5, 3), 0, 2, 1), ((2, 6), 1, 3, 1), ((2, 3), 1, 0, 1), ((), 0, 1, 1)]


@pytest.mark.parametrize(("shape", "dim", "size", "step"), _GRADS)
def test_unfold_gradients(shape: tuple[int, ...], dim: int, size: int, step: int) -> None:
    x = mg.tensor(np.random.default_rng(3).standard_normal(shape), dtype=mg.float64, requires_grad=True)
    assert mg.autograd.gradcheck(lambda t: t.unfold(dim, size, step), (x,))
    assert mg.autograd.gradgradcheck(lambda t: t.unfold(dim, size, step).sin(), (x,))
    theirs = torch.ones(1, requires_grad=True).unfold(0, 1, 1).grad_fn.name()
    assert x.unfold(dim, size, step).grad_fn.name() == theirs


def test_unfold_in_place_through_the_view_of_a_non_leaf() -> None:
    """A change through the windows of an intermediate is differentiated as PyTorch's (its view+in-place
    rules), and the overlapping windows of an expanded tensor refuse in-place writes as PyTorch's do."""
    rng = np.random.default_rng(4)
    x0, w0 = rng.standard_normal((3, 4)), rng.standard_normal((3, 2, 2))

    def run(lib: Any) -> Any:
        x = lib.tensor(x0, requires_grad=True)
        y = x * 2
        y.unfold(1, 2, 2).mul_(lib.tensor(w0))
        (y**2).sum().backward()
        return x.grad.numpy()

    np.testing.assert_allclose(run(mg), run(torch), rtol=1e-12)
    for lib in (mg, torch):
        with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
            lib.arange(6.0).expand(2, 6).unfold(1, 2, 2).add_(1)


# ------------------------------------------------------------------ 4. what grad_fn shows it saved

_SAVED: list[tuple[str, str, Callable[[Any, Any, Any], Any]]] = [
    (op, attr, f) for op, attrs, f in [
        ("exp", ("_saved_result",), lambda lib, a, b: a.exp()),
        ("tanh", ("_saved_result",), lambda lib, a, b: a.tanh()),
        ("sigmoid", ("_saved_result",), lambda lib, a, b: a.sigmoid()),
        ("sqrt", ("_saved_result",), lambda lib, a, b: a.abs().sqrt()),
        ("rsqrt", ("_saved_result",), lambda lib, a, b: a.abs().rsqrt()),
        ("relu", ("_saved_result",), lambda lib, a, b: a.relu()),
        ("reciprocal", ("_saved_result",), lambda lib, a, b: a.reciprocal()),
        ("softmax", ("_saved_result",), lambda lib, a, b: a.softmax(1)),
        ("log_softmax", ("_saved_result",), lambda lib, a, b: a.log_softmax(1)),
        ("pow-scalar", ("_saved_exponent", "_saved_self"), lambda lib, a, b: a**2),
        ("pow-float", ("_saved_exponent",), lambda lib, a, b: a.pow(2.5)),
        ("square", ("_saved_exponent",), lambda lib, a, b: a.square()),
        ("pow-tensor", ("_saved_exponent", "_saved_self", "_saved_result"), lambda lib, a, b: a.abs() ** b),
        ("rpow", ("_saved_exponent", "_saved_result"), lambda lib, a, b: 2.5**a),
        ("mul", ("_saved_self", "_saved_other"), lambda lib, a, b: a * b),
        ("mul-number", ("_saved_self", "_saved_other"), lambda lib, a, b: a * 3.0),
        ("mul-constant", ("_saved_self", "_saved_other"), lambda lib, a, b: a * b.detach()),
        ("div-number", ("_saved_self", "_saved_other"), lambda lib, a, b: a / 3.0),
        ("div-constant", ("_saved_self", "_saved_other"), lambda lib, a, b: b.detach() / a),
        ("add", ("_saved_alpha",), lambda lib, a, b: a + b),
        ("sub", ("_saved_alpha",), lambda lib, a, b: a - b),
        ("sin", ("_saved_self",), lambda lib, a, b: a.sin()),
    ] for attr in attrs
]


def _shown(value: Any) -> Any:
    if hasattr(value, "detach"):
        return ("tensor", tuple(value.shape), np.asarray(value.detach().numpy()).round(12).tolist())
    return value


@pytest.mark.parametrize(("attr", "build"), [(a, f) for _, a, f in _SAVED],
                         ids=[f"{o}{a}" for o, a, _ in _SAVED])
def test_saved_attributes_equal_pytorchs(attr: str, build: Callable[[Any, Any, Any], Any]) -> None:
    rng = np.random.default_rng(5)
    a0, b0 = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))

    def run(lib: Any) -> Any:
        a = lib.tensor(a0, requires_grad=True)
        b = lib.tensor(b0, requires_grad=True)
        y = build(lib, a, b)
        return _shown(getattr(y.grad_fn, attr))

    assert run(mg) == run(torch)


def test_saved_result_after_backward_and_after_a_change() -> None:
    """Freed by a backward: PyTorch's RuntimeError; changed in place: its version error, in both."""
    for lib in (mg, torch):
        y = lib.ones(3, requires_grad=True).exp()
        y.sum().backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            _ = y.grad_fn._saved_result
        z = lib.ones(3, requires_grad=True).exp()
        with lib.no_grad():
            z.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            _ = z.grad_fn._saved_result


# ------------------------------------------------------------------ 5. autograd.grad and the functional API

def test_grad_after_a_backward_freed_the_graph() -> None:
    for lib in (mg, torch):
        x = lib.ones(3, requires_grad=True)
        h = x * 2
        loss = (h**2).sum()
        loss.backward()
        for wrt in (h, x):
            with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
                lib.autograd.grad(loss, wrt)


_FORWARD_JACOBIANS: list[tuple[str, Callable[[Any, Any, Any], Any]]] = [
    ("sin", lambda lib, x, c: lib.autograd.functional.jacobian(lambda a: a.sin(), x, strategy="forward-mode",
                                                               vectorize=True)),
    ("add", lambda lib, x, c: lib.autograd.functional.jacobian(lambda a: a + 1, x, strategy="forward-mode",
                                                               vectorize=True)),
    ("constant", lambda lib, x, c: lib.autograd.functional.jacobian(lambda a: c * 2, x,
                                                                    strategy="forward-mode", vectorize=True)),
    ("two-inputs", lambda lib, x, c: lib.autograd.functional.jacobian(
        lambda a, b: (a.exp() * b, a + b), (x, c), strategy="forward-mode", vectorize=True)),
    ("hessian-forward", lambda lib, x, c: lib.autograd.functional.hessian(
        lambda a: (a**3).sum(), x, vectorize=True, outer_jacobian_strategy="forward-mode")),
    ("hessian-forward-constant-input", lambda lib, x, c: lib.autograd.functional.hessian(
        lambda a: (a**3).sum(), c, vectorize=True, outer_jacobian_strategy="forward-mode")),
    ("hessian-reverse", lambda lib, x, c: lib.autograd.functional.hessian(lambda a: (a**3).sum(), x)),
    ("jacobian-create-graph", lambda lib, x, c: lib.autograd.functional.jacobian(lambda a: a.sin(), x,
                                                                                 create_graph=True)),
]


def _flags(res: Any) -> Any:
    """The result's container types and each tensor's (requires_grad, has a grad_fn), values rounded."""
    if isinstance(res, (list, tuple)):
        return type(res).__name__, [_flags(r) for r in res]
    return res.requires_grad, res.grad_fn is not None, np.round(res.detach().numpy(), 10).tolist()


# (PyTorch's forward mode runs torch.jit.script inside, which warns that it is deprecated)
@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
@pytest.mark.parametrize("call", [c for _, c in _FORWARD_JACOBIANS], ids=[k for k, _ in _FORWARD_JACOBIANS])
def test_functional_results_require_grad_as_pytorchs(call: Callable[[Any, Any, Any], Any]) -> None:
    """Forward mode keeps its graph to the inputs that require grad (a Jacobian of sin requires grad, of
    x + 1 not), answers in lists for a tuple of inputs, and hessian's forward-over-reverse keeps it all."""
    x0, c0 = [0.5, -1.0, 2.0], [1.5, 0.25, -0.5]
    mine = call(mg, mg.tensor(x0, dtype=mg.float64, requires_grad=True), mg.tensor(c0, dtype=mg.float64))
    theirs = call(torch, torch.tensor(x0, dtype=torch.float64, requires_grad=True),
                  torch.tensor(c0, dtype=torch.float64))
    assert _flags(mine) == _flags(theirs)


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
def test_forward_mode_jacobian_gradient_reaches_the_input() -> None:
    def run(lib: Any) -> Any:
        x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        jac = lib.autograd.functional.jacobian(lambda a: a.sin(), x, strategy="forward-mode", vectorize=True)
        jac.sum().backward()
        return x.grad.numpy()

    np.testing.assert_allclose(run(mg), run(torch), rtol=1e-12)
    for lib in (mg, torch):
        with pytest.raises(NotImplementedError):
            lib.autograd.functional.jacobian(lambda a: a.sin(), lib.ones(2, requires_grad=True),
                                             strategy="forward-mode", vectorize=True, create_graph=True)


# ------------------------------------------------------------------ 6. grad_fn's class names

_NODES: list[tuple[str, Callable[[Any, Any, Any, Any], Any]]] = [
    ("add", lambda lib, a, b, m: a + b), ("sub", lambda lib, a, b, m: a - b),
    ("mul", lambda lib, a, b, m: a * b),
    ("div", lambda lib, a, b, m: a / b), ("neg", lambda lib, a, b, m: -a), ("pow", lambda lib, a, b, m: a**2),
    ("rpow", lambda lib, a, b, m: 2**a), ("exp", lambda lib, a, b, m: a.exp()),
    ("log", lambda lib, a, b, m: a.abs().log()), ("sqrt", lambda lib, a, b, m: a.abs().sqrt()),
    ("tanh", lambda lib, a, b, m: a.tanh()), ("sigmoid", lambda lib, a, b, m: a.sigmoid()),
    ("relu", lambda lib, a, b, m: a.relu()), ("clamp", lambda lib, a, b, m: a.clamp(-0.5, 0.5)),
    ("sum", lambda lib, a, b, m: a.sum()), ("sum-dim", lambda lib, a, b, m: a.sum(1)),
    ("mean", lambda lib, a, b, m: a.mean()), ("max", lambda lib, a, b, m: a.max()),
    ("max-dim", lambda lib, a, b, m: a.max(1)[0]), ("norm", lambda lib, a, b, m: a.norm()),
    ("logsumexp", lambda lib, a, b, m: a.logsumexp(1)), ("softmax", lambda lib, a, b, m: a.softmax(1)),
    ("mm", lambda lib, a, b, m: a @ m), ("t", lambda lib, a, b, m: a.t()),
    ("transpose", lambda lib, a, b, m: a.transpose(0, 1)), ("view", lambda lib, a, b, m: a.view(4, 3)),
    ("unsqueeze", lambda lib, a, b, m: a.unsqueeze(0)), ("expand", lambda lib, a, b, m: a[:1].expand(3, 4)),
    ("select", lambda lib, a, b, m: a[0]), ("slice", lambda lib, a, b, m: a[:, 1:]),
    ("cat", lambda lib, a, b, m: lib.cat([a, b])), ("stack", lambda lib, a, b, m: lib.stack([a, b])),
    ("where", lambda lib, a, b, m: lib.where(a > 0, a, b)),
    ("linear", lambda lib, a, b, m: lib.nn.functional.linear(a, m)),
    ("mse", lambda lib, a, b, m: lib.nn.functional.mse_loss(a, b)),
    ("gelu", lambda lib, a, b, m: lib.nn.functional.gelu(a)),
    ("silu", lambda lib, a, b, m: lib.nn.functional.silu(a)), ("clone", lambda lib, a, b, m: a.clone()),
    ("float", lambda lib, a, b, m: a.float()), ("mul_", lambda lib, a, b, m: (a * 1).mul_(2)),
    ("unfold", lambda lib, a, b, m: a.unfold(1, 2, 1)),
]


#: minigrad composes these: their nodes' inputs are its own intermediates (next_functions differ)
_COMPOSED = frozenset({"norm", "logsumexp", "linear", "silu"})


@pytest.mark.parametrize(("op", "build"), _NODES, ids=[k for k, _ in _NODES])
def test_grad_fn_class_names_are_pytorchs(op: str, build: Callable[[Any, Any, Any, Any], Any]) -> None:
    def run(lib: Any) -> Any:
        a = lib.tensor(np.linspace(-1.0, 1.0, 12).reshape(3, 4), requires_grad=True)
        b = lib.tensor(np.linspace(0.5, 2.0, 12).reshape(3, 4), requires_grad=True)
        m = lib.tensor(np.linspace(-2.0, 2.0, 16).reshape(4, 4), requires_grad=True)
        fn = build(lib, a, b, m).grad_fn
        nexts = [type(f).__name__ for f, _ in fn.next_functions if f is not None and op not in _COMPOSED]
        return type(fn).__name__, fn.name(), repr(fn).split(" object")[0], nexts

    assert run(mg) == run(torch)


def test_renamed_nodes_keep_working() -> None:
    """The renamed class is the primitive's subclass: backward, saved tensors and Node checks as before."""
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    y = a * a.detach()
    fn = y.grad_fn
    assert type(fn).__name__ == "MulBackward0" and isinstance(fn, mg.autograd.graph.Node)
    assert fn._saved_self is None and fn._saved_other.equal(a.detach()) and y.grad_fn is fn
    y.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 2.0])
