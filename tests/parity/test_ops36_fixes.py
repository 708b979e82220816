"""Differences found by ops36: ``__torch_function__`` dispatch of the function forms, attribute reads and
Python protocols (call logs of a logging Tensor subclass and of a duck-typed tensor-like, compared with
PyTorch's), and PyTorch's TypeError for a Python number where a Tensor goes."""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


# ------------------------------------------------ a logging subclass: which calls reach __torch_function__


def _logging(lib: Any) -> tuple[list[str], Any]:
    """A log, and a Tensor subclass of ``lib`` whose ``__torch_function__`` logs each function's name."""
    log: list[str] = []

    class Logged(lib.Tensor):  # type: ignore[name-defined,misc]
        @classmethod
        def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
            log.append(getattr(func, "__name__", str(func)))
            return super().__torch_function__(func, types, args, kwargs or {})

    return log, Logged


def _logged(lib: Any, call: Callable[[Any, Any, Any], Any]) -> tuple[list[str], Any]:
    """The names of the functions a logging subclass's ``__torch_function__`` is handed during ``call``,
    and the result's class name (or of each item of a tuple or list result)."""
    log, Logged = _logging(lib)
    a = lib.arange(6.0).reshape(2, 3).as_subclass(Logged)
    b = lib.ones(2, 3)
    log.clear()
    out = call(lib, a, b)
    kinds = [type(o).__name__ for o in out] if isinstance(out, (tuple, list)) else type(out).__name__
    return log, kinds


_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "cat": lambda m, a, b: m.cat([a, b]),
    "cat plain first": lambda m, a, b: m.cat([b, a]),
    "stack": lambda m, a, b: m.stack([b, a]),
    "matmul": lambda m, a, b: m.matmul(a, b.T),
    "mm": lambda m, a, b: m.mm(b, a.T),
    "where": lambda m, a, b: m.where(b > 0, a, b),
    "zeros_like": lambda m, a, b: m.zeros_like(a),
    "full_like": lambda m, a, b: m.full_like(a, 2.0),
    "einsum": lambda m, a, b: m.einsum("ij,kj->ik", a, b),
    "clone": lambda m, a, b: m.clone(a),
    "gather": lambda m, a, b: m.gather(a, 1, m.tensor([[0], [1]])),
    "index_select": lambda m, a, b: m.index_select(a, 0, m.tensor([0])),
    "allclose": lambda m, a, b: m.allclose(a, b),
    "broadcast_tensors": lambda m, a, b: m.broadcast_tensors(a, b),
    "topk": lambda m, a, b: m.topk(a, 1),
    "sort": lambda m, a, b: m.sort(a),
    "norm": lambda m, a, b: m.norm(a),
    "linalg.vector_norm": lambda m, a, b: m.linalg.vector_norm(a),
    "linalg.norm": lambda m, a, b: m.linalg.norm(a),
    "special.expit": lambda m, a, b: m.special.expit(a),
    "tensordot": lambda m, a, b: m.tensordot(a, b.T, dims=1),
    "F.linear": lambda m, a, b: m.nn.functional.linear(a, m.ones(4, 3)),
    "F.linear weight": lambda m, a, b: m.nn.functional.linear(b, a),
    "F.mse_loss": lambda m, a, b: m.nn.functional.mse_loss(a, b),
    "F.l1_loss": lambda m, a, b: m.nn.functional.l1_loss(b, a),
    "F.cross_entropy": lambda m, a, b: m.nn.functional.cross_entropy(a, m.tensor([0, 1])),
    "F.nll_loss": lambda m, a, b: m.nn.functional.nll_loss(a, m.tensor([0, 1])),
    "F.layer_norm": lambda m, a, b: m.nn.functional.layer_norm(a, (3,)),
    "F.batch_norm": lambda m, a, b: m.nn.functional.batch_norm(a, m.zeros(3), m.ones(3)),
    "F.normalize": lambda m, a, b: m.nn.functional.normalize(a),
    "F.pad": lambda m, a, b: m.nn.functional.pad(a, (1, 1)),
    "F.dropout": lambda m, a, b: m.nn.functional.dropout(a, 0.0),
    "F.embedding": lambda m, a, b: m.nn.functional.embedding(m.tensor([1]), a),
    "F.hardswish": lambda m, a, b: m.nn.functional.hardswish(a),
    "F.sigmoid": lambda m, a, b: m.nn.functional.sigmoid(a),
    "F.cosine_similarity": lambda m, a, b: m.nn.functional.cosine_similarity(a, b),
    "F.relu_": lambda m, a, b: m.nn.functional.relu_(a.clone()),
    "abs_": lambda m, a, b: m.abs_(a.clone()),
    "nn.Linear": lambda m, a, b: m.nn.Linear(3, 2)(a),
    "nn.Sequential": lambda m, a, b: m.nn.Sequential(m.nn.Linear(3, 2), m.nn.ReLU())(a),
    "nn.CrossEntropyLoss": lambda m, a, b: m.nn.CrossEntropyLoss()(a, m.tensor([0, 1])),
    "autograd.grad": lambda m, a, b: m.autograd.grad((a.requires_grad_() * 2).sum(), a),
    "shape": lambda m, a, b: tuple(a.shape),
    "ndim": lambda m, a, b: a.ndim,
    "requires_grad": lambda m, a, b: a.requires_grad,
    "grad": lambda m, a, b: a.grad,
    "set requires_grad": lambda m, a, b: setattr(a, "requires_grad", True),
    "len": lambda m, a, b: len(a),
    "iter": lambda m, a, b: list(iter(a)),
    "bool": lambda m, a, b: bool(a[0, 1]),
    "float": lambda m, a, b: float(a[0, 1]),
    "int": lambda m, a, b: int(a[0, 1]),
    "contains": lambda m, a, b: 1.0 in a,
    "repr": lambda m, a, b: repr(a)[:0],
    "np.asarray": lambda m, a, b: np.asarray(a),
    "rtruediv": lambda m, a, b: 1 / a,
    "setitem of a plain tensor": lambda m, a, b: b.__setitem__(0, a[1]),
    "index by a subclass tensor": lambda m, a, b: b[a[0, :2].long()],
}


@pytest.mark.parametrize("name", list(_CALLS))
def test_a_logging_subclass_sees_the_calls_pytorch_hands_it(name: str) -> None:
    ours, theirs = _logged(mg, _CALLS[name]), _logged(torch, _CALLS[name])
    assert ours[0] == theirs[0], (ours, theirs)
    assert ours[1] == theirs[1], (ours, theirs)


def test_deepcopy_and_format_are_handed_over() -> None:
    for lib in (torch, mg):
        log, Logged = _logging(lib)

        x = lib.ones(2).as_subclass(Logged)
        with contextlib.suppress(RuntimeError):  # (PyTorch's refuses an as_subclass alias: handed over still)
            copy.deepcopy(x)
        with pytest.raises(TypeError, match=r"unsupported format string passed to Logged\.__format__"):
            format(x[0], ".1f")  # (a subclass's 0-d tensor formats as an object, as PyTorch's)
        assert f"{x[1]}" == str(x[1])
        assert log[:3] == ["__deepcopy__", "__getitem__", "__format__"], lib


def test_a_subclass_instance_stays_itself_through_a_model_step() -> None:
    """The function forms hand over first (F.linear, F.mse_loss): a training step logs what PyTorch's does."""
    runs = []
    for lib in (torch, mg):
        log, Logged = _logging(lib)

        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 1))
        x = lib.tensor(np.linspace(-1, 1, 15).reshape(5, 3), dtype=lib.float32).as_subclass(Logged)
        y = lib.tensor(np.linspace(0, 1, 5).reshape(5, 1), dtype=lib.float32)
        loss = lib.nn.functional.mse_loss(model(x), y)
        loss.backward()
        runs.append((log, type(loss).__name__))
    assert runs[0] == runs[1]


# ------------------------------------------------------------- tensor-likes that are no Tensor subclass


class _Duck:
    """A duck-typed tensor-like (PyTorch's "Extending torch" ScalarTensor pattern): it answers every call."""

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        return ("duck", func, tuple(t.__name__ for t in types), len(args), sorted(kwargs or {}))


class _Refuser:
    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        return NotImplemented


_DUCK_CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "abs": lambda m, d: (m.abs, m.abs(d)),
    "add": lambda m, d: (m.add, m.add(m.ones(1), d, alpha=2)),
    "cat": lambda m, d: (m.cat, m.cat([m.ones(1), d])),
    "mean": lambda m, d: (m.mean, m.mean(d)),
    "where": lambda m, d: (m.where, m.where(d, 1, 2)),
    "zeros_like": lambda m, d: (m.zeros_like, m.zeros_like(d)),
    "linalg.norm": lambda m, d: (m.linalg.norm, m.linalg.norm(d)),
    "F.linear": lambda m, d: (m.nn.functional.linear, m.nn.functional.linear(m.ones(1), d)),
    "F.mse_loss": lambda m, d: (m.nn.functional.mse_loss, m.nn.functional.mse_loss(d, d)),
}


@pytest.mark.parametrize("name", list(_DUCK_CALLS))
def test_a_tensor_like_object_takes_the_function_call(name: str) -> None:
    for lib in (torch, mg):
        func, (tag, handed, types, nargs, _) = _DUCK_CALLS[name](lib, _Duck())
        assert (tag, handed, types) == ("duck", func, ("_Duck",)), (lib, handed)
        assert nargs == (2 if name in ("add", "F.linear", "F.mse_loss") else 3 if name == "where" else 1)


def test_a_tensor_like_that_refuses_is_pytorchs_type_error() -> None:
    for lib in (torch, mg):  # (PyTorch's words for its C functions, and for those it writes in Python)
        words = r"Multiple dispatch failed for '\w+\.abs'; all __torch_function__ handlers returned Not"
        with pytest.raises(TypeError, match=words + r"Implemented:\n\n  - tensor subclass <class "):
            lib.abs(_Refuser())
        words = r"no implementation found for '[\w.]+\.functional\.mse_loss' on types that implement"
        with pytest.raises(TypeError, match=words + r" __torch_function__: \[<class "):
            lib.nn.functional.mse_loss(_Refuser(), _Refuser())


# ----------------------------------------------------- a Python number where a Tensor goes: a TypeError


_NUMBER_CALLS: dict[str, Callable[[Any], Any]] = {
    "abs_": lambda m: m.abs_(2.0),
    "clone": lambda m: m.clone(2.0),
    "flatten": lambda m: m.flatten(3),
    "t": lambda m: m.t(2.0),
    "squeeze": lambda m: m.squeeze(2.0),
    "zeros_like": lambda m: m.zeros_like(2.0),
    "ones_like": lambda m: m.ones_like(3),
    "rand_like": lambda m: m.rand_like(2.0),
    "detach": lambda m: m.detach(2.0),
    "unbind": lambda m: m.unbind(2.0),
    "matrix_exp": lambda m: m.matrix_exp(2.0),
    "matmul other": lambda m: m.matmul(m.ones(2), 2.0),
    "block_diag": lambda m: m.block_diag(2.0),
    "cartesian_prod": lambda m: m.cartesian_prod(2.0),
    "meshgrid": lambda m: m.meshgrid(2.0, indexing="ij"),
    "atleast_2d": lambda m: m.atleast_2d(2.0),
    "linalg.det": lambda m: m.linalg.det(2.0),
    "linalg.svdvals": lambda m: m.linalg.svdvals(3),
    "linalg.vector_norm": lambda m: m.linalg.vector_norm(2.0),
    "special.expit": lambda m: m.special.expit(2.0),
    "special.erf": lambda m: m.special.erf(3),
    "randperm": lambda m: m.randperm(2.0),
}


@pytest.mark.parametrize("name", list(_NUMBER_CALLS))
def test_a_number_for_a_tensor_is_pytorchs_type_error(name: str) -> None:
    with pytest.raises(TypeError) as theirs:
        _NUMBER_CALLS[name](torch)
    with pytest.raises(TypeError) as ours:
        _NUMBER_CALLS[name](mg)
    words = str(theirs.value)
    if " must be Tensor, not " in words:  # (PyTorch's parser: the function's name and the value's type)
        assert str(ours.value).split("(")[0] == words.split("(")[0]
        assert str(ours.value).endswith(words[words.index(" must be Tensor, not "):])
    elif words.startswith("expected Tensor as element"):
        assert str(ours.value) == words


@pytest.mark.parametrize("call", [
    lambda m: m.norm(2.0), lambda m: m.pca_lowrank(2.0), lambda m: m.svd_lowrank(3),
    lambda m: m.nn.functional.softmax(2.0, 0), lambda m: m.nn.functional.mse_loss(2.0, 2.0),
    lambda m: m.nn.functional.interpolate(2.0), lambda m: m.nn.functional.adaptive_avg_pool2d(2.0, 2),
    lambda m: m.nn.functional.normalize(3), lambda m: m.nn.functional.instance_norm(2.0),
])
def test_a_number_where_pytorchs_python_function_fails_is_also_its_attribute_error(call: Any) -> None:
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(Exception) as ours:
        call(mg)
    assert isinstance(ours.value, type(theirs.value)), (ours.value, theirs.value)
    assert isinstance(ours.value, TypeError)


@pytest.mark.parametrize("args", [("ij",), (2.0,), ("ij->i",)])
def test_einsum_of_a_lone_argument_is_pytorchs_value_error(args: tuple[Any, ...]) -> None:
    words = re.escape("einsum(): must specify the equation string and at least one operand")
    for lib in (torch, mg):
        with pytest.raises(ValueError, match=words):
            lib.einsum(*args)
    with pytest.raises(ValueError, match=words):
        mg.einsum(mg.ones(2))


def test_broadcast_shapes_refuses_a_float_with_pytorchs_runtime_error() -> None:
    for lib in (torch, mg):
        words = "Input shapes should be of type ints, a tuple of ints, or a list of ints, got 2.0"
        with pytest.raises(RuntimeError, match=words):
            lib.broadcast_shapes((2, 3), 2.0)
    assert tuple(mg.broadcast_shapes((2, 3), [1, 3], 3)) == (2, 3)


def test_public_forms_keep_their_names_signatures_and_pickle() -> None:
    import inspect
    import pickle

    assert mg.linalg.norm.__name__ == torch.linalg.norm.__name__ == "linalg_norm"
    assert mg.special.expit.__name__ == "special_expit"
    shown = str(inspect.signature(mg.nn.functional.relu))
    assert shown == "(input: 'Tensor', inplace: 'bool' = False) -> 'Tensor'"
    for f in (mg.clone, mg.nn.functional.relu, mg.linalg.det, mg.special.expit, mg.cat):
        assert pickle.loads(pickle.dumps(f)) is f
    for name in ("pdist", "pairwise_distance", "cosine_similarity"):  # (one function under both names)
        assert getattr(mg, name) is getattr(mg.nn.functional, name)
    assert mg.matrix_exp.__name__ == torch.matrix_exp.__name__ == "matrix_exp"
