"""What the gaps25 pass closed, each checked against torch: non-bools in bool parameters (PyTorch's parser
refuses them), AccumulateGrad's hooks, negative dims in grad_fn attributes, and the other gaps listed."""

from __future__ import annotations

import collections
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as MF
from tests.helpers import require_torch

torch = require_torch()
TF = torch.nn.functional


def _outcome(fn: Callable[[], Any]) -> tuple[str, str]:
    """``("TypeError", message)`` for a TypeError (the class compared; RuntimeError likewise), another
    class's name for another error, ``("ok", "")`` when ``fn()`` returns."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn()
    except Exception as e:  # (the class is what is compared)
        for cls in (TypeError, RuntimeError):
            if isinstance(e, cls):
                return cls.__name__, str(e).split("\n")[0]
        return type(e).__name__, str(e)
    return "ok", ""


# ------------------------------------------------------------ 1. non-bools in bool parameters

#: a value of each kind a script might pass for a flag; PyTorch's parser takes only True and False
_NOT_BOOLS = [0, 1, np.bool_(True), np.int64(1), None, "x", 1.0]

#: (label, call(lib, F, flag)) for a public op whose bool parameter PyTorch's argument parser checks
_FLAG_CALLS: list[tuple[str, Callable[[Any, Any, Any], Any]]] = [
    ("sum keepdim", lambda lib, nnf, v: lib.ones(3, 4).sum(0, keepdim=v)),
    ("sum keepdim positional", lambda lib, nnf, v: lib.ones(3, 4).sum(0, v)),
    ("mean keepdim", lambda lib, nnf, v: lib.ones(3, 4).mean(-1, keepdim=v)),
    ("torch.sum keepdim", lambda lib, nnf, v: lib.sum(lib.ones(3, 4), 1, keepdim=v)),
    ("torch.max keepdim", lambda lib, nnf, v: lib.max(lib.ones(3, 4), 0, keepdim=v)),
    ("amax keepdim", lambda lib, nnf, v: lib.ones(3, 4).amax(0, keepdim=v)),
    ("argmax keepdim", lambda lib, nnf, v: lib.ones(3, 4).argmax(1, keepdim=v)),
    ("any keepdim", lambda lib, nnf, v: lib.ones(3, 4).any(1, keepdim=v)),
    ("logsumexp keepdim", lambda lib, nnf, v: lib.ones(3, 4).logsumexp(1, keepdim=v)),
    ("prod keepdim", lambda lib, nnf, v: lib.ones(3, 4).prod(1, keepdim=v)),
    ("median keepdim", lambda lib, nnf, v: lib.ones(3, 4).median(1, keepdim=v)),
    # (std(dim, None): minigrad's default for unbiased, which PyTorch's parser refuses; left alone)
    ("std unbiased", lambda lib, nnf, v: lib.ones(3, 4).std(0, v if v is not None else 1)),
    ("var keepdim", lambda lib, nnf, v: lib.ones(3, 4).var(0, keepdim=v)),
    ("norm keepdim", lambda lib, nnf, v: lib.linalg.vector_norm(lib.ones(3, 4), dim=1, keepdim=v)),
    ("sort descending", lambda lib, nnf, v: lib.ones(3, 4).sort(descending=v)),
    ("topk largest", lambda lib, nnf, v: lib.ones(3, 4).topk(2, largest=v)),
    ("unique return_counts", lambda lib, nnf, v: lib.unique(lib.ones(3), return_counts=v)),
    ("searchsorted right", lambda lib, nnf, v: lib.searchsorted(lib.arange(4.0), lib.ones(2), right=v)),
    ("isclose equal_nan", lambda lib, nnf, v: lib.isclose(lib.ones(2), lib.ones(2), equal_nan=v)),
    ("nonzero as_tuple", lambda lib, nnf, v: lib.ones(2).nonzero(as_tuple=v)),
    ("tensor requires_grad", lambda lib, nnf, v: lib.tensor([1.0], requires_grad=v)),
    ("zeros requires_grad", lambda lib, nnf, v: lib.zeros(2, requires_grad=v)),
    ("zeros_like requires_grad", lambda lib, nnf, v: lib.zeros_like(lib.ones(2), requires_grad=v)),
    ("requires_grad_", lambda lib, nnf, v: lib.zeros(2).requires_grad_(v)),
    ("numpy force", lambda lib, nnf, v: lib.zeros(2).numpy(force=v)),
    ("copy_ non_blocking", lambda lib, nnf, v: lib.zeros(2).copy_(lib.ones(2), non_blocking=v)),
    ("linalg.cholesky upper", lambda lib, nnf, v: lib.linalg.cholesky(lib.eye(2), upper=v)),
    ("linalg.svd full_matrices", lambda lib, nnf, v: lib.linalg.svd(lib.eye(2), full_matrices=v)),
    ("max_pool2d ceil_mode", lambda lib, nnf, v: nnf.max_pool2d(lib.ones(1, 1, 4, 4), 2, ceil_mode=v)),
    ("avg_pool2d count_include_pad",
     lambda lib, nnf, v: nnf.avg_pool2d(lib.ones(1, 1, 4, 4), 2, count_include_pad=v)),
    ("dropout training", lambda lib, nnf, v: nnf.dropout(lib.ones(3), training=v)),
    ("embedding sparse", lambda lib, nnf, v: nnf.embedding(lib.tensor([0]), lib.ones(2, 2), sparse=v)),
    ("kl_div log_target", lambda lib, nnf, v: nnf.kl_div(lib.ones(2), lib.ones(2), log_target=v)),
    ("pairwise_distance keepdim",
     lambda lib, nnf, v: nnf.pairwise_distance(lib.ones(2, 3), lib.ones(2, 3), keepdim=v)),
    ("rrelu training", lambda lib, nnf, v: nnf.rrelu(lib.ones(3), training=v)),
    ("triplet_margin_loss swap", lambda lib, nnf, v: nnf.triplet_margin_loss(lib.ones(2, 3), lib.ones(2, 3),
                                                                       lib.ones(2, 3), swap=v)),
    ("triplet_margin_with_distance_loss swap (Python's truth)",
     lambda lib, nnf, v: nnf.triplet_margin_with_distance_loss(lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 3),
                                                               swap=v)),
    ("MaxPool2d ceil_mode", lambda lib, nnf, v: lib.nn.MaxPool2d(2, ceil_mode=v)(lib.ones(1, 1, 4, 4))),
]

#: PyTorch's ``bool?`` parameters, which also take None (``sort(stable=None)``), and factories' requires_grad
_NONE_OK = [
    ("sort stable", lambda lib, nnf, v: lib.ones(3).sort(stable=v)),
    ("zeros requires_grad", lambda lib, nnf, v: lib.zeros(2, requires_grad=v)),
    ("asarray copy", lambda lib, nnf, v: lib.asarray([1.0], copy=v)),
    ("std unbiased", lambda lib, nnf, v: lib.ones(3, 4).std(0, unbiased=v) if v is not None
     else lib.ones(2).std()),
]


@pytest.mark.parametrize(("label", "call"), _FLAG_CALLS, ids=[label for label, _ in _FLAG_CALLS])
@pytest.mark.parametrize("value", _NOT_BOOLS, ids=repr)
def test_a_non_bool_flag_is_refused_where_pytorch_refuses_it(label: str, call: Callable[..., Any],
                                                             value: Any) -> None:
    want, got = _outcome(lambda: call(torch, TF, value)), _outcome(lambda: call(mg, MF, value))
    assert got[0] == want[0], (label, value, want, got)
    if want[0] == "TypeError" and "must be bool, not" in want[1]:  # (one overload: PyTorch names the type)
        assert "must be bool, not " + want[1].rpartition(" not ")[2] in got[1], (want, got)


@pytest.mark.parametrize(("label", "call"), _NONE_OK, ids=[label for label, _ in _NONE_OK])
def test_none_where_pytorch_takes_an_optional_bool(label: str, call: Callable[..., Any]) -> None:
    assert _outcome(lambda: call(mg, MF, None)) == _outcome(lambda: call(torch, TF, None)) == ("ok", "")
    assert _outcome(lambda: call(mg, MF, True))[0] == _outcome(lambda: call(torch, TF, True))[0] == "ok"
    assert _outcome(lambda: call(mg, MF, 1))[0] == _outcome(lambda: call(torch, TF, 1))[0] == "TypeError"


def test_empty_pin_memory_takes_none_refuses_an_int() -> None:
    # (pin_memory=True itself: PyTorch's CPU build raises for want of an accelerator, as minigrad: lead56)
    assert _outcome(lambda: mg.empty(2, pin_memory=None)) == _outcome(lambda: torch.empty(2, pin_memory=None))
    assert _outcome(lambda: mg.empty(2, pin_memory=1)) == _outcome(lambda: torch.empty(2, pin_memory=1))


def test_bool_flags_still_compute() -> None:
    x = np.arange(12.0).reshape(3, 4)
    m, t = mg.tensor(x), torch.tensor(x)
    np.testing.assert_allclose(m.sum(0, True).numpy(), t.sum(0, True).numpy())
    np.testing.assert_allclose(m.std(1, False, True).numpy(), t.std(1, False, True).numpy())
    np.testing.assert_array_equal(m.sort(1, True)[1].numpy(), t.sort(1, True)[1].numpy())
    assert m.var(False).item() == pytest.approx(t.var(False).item())  # (a bool first: unbiased, as PyTorch)


# ------------------------------------------------------------ 2. AccumulateGrad's hooks


def _accumulator_log(lib: Any) -> list[Any]:
    """What a leaf's AccumulateGrad hooks see and do, in order, through backward, backward(inputs=),
    autograd.grad and handle.remove()."""
    w = lib.ones(3, requires_grad=True)
    y = (w * 2).sum()
    acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
    log: list[Any] = []

    def pre(go: tuple[Any, ...]) -> tuple[Any, ...]:
        log.append(("pre", [g.tolist() for g in go], w.grad))
        return (go[0] * 10,)

    def post(gi: tuple[Any, ...], go: tuple[Any, ...]) -> None:
        log.append(("post", gi, [g.tolist() for g in go], w.grad.tolist()))

    w.register_hook(lambda g: log.append(("tensor hook", g.tolist())))
    h_pre, h_post = acc.register_prehook(pre), acc.register_hook(post)
    w.register_post_accumulate_grad_hook(lambda t: log.append(("post-accumulate", t.grad.tolist())))
    y.backward(retain_graph=True)
    h_pre.remove()
    y.backward(retain_graph=True)
    y.backward(inputs=[w], retain_graph=True)
    log.append("autograd.grad")
    lib.autograd.grad(y, w, retain_graph=True)
    h_post.remove()
    y.backward(retain_graph=True)
    log.append(w.grad.tolist())
    return log


def test_accumulate_grad_hooks_run_as_pytorchs() -> None:
    assert _accumulator_log(mg) == _accumulator_log(torch)


def _accumulator_errors(lib: Any) -> list[tuple[str, str]]:
    w = lib.ones(2, requires_grad=True)
    y = (w * 3).sum()
    acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
    out = []

    def two(go: tuple[Any, ...]) -> tuple[Any, ...]:
        return (go[0], go[0])

    for fn, pre in [(two, True), (lambda go: go[0], True), (lambda go: [go[0]], True),
                    (lambda go: (None,), True), (lambda gi, go: (lib.zeros(2),), False),
                    (lambda gi, go: (), False)]:
        handle = acc.register_prehook(fn) if pre else acc.register_hook(fn)
        w.grad = None
        out.append(_outcome(lambda: y.backward(retain_graph=True)))
        out.append(("grad", str(w.grad is None)))
        handle.remove()
    return out


def test_accumulate_grad_hook_results_checked_as_pytorchs() -> None:
    assert _accumulator_errors(mg) == _accumulator_errors(torch)


def test_an_accumulate_grad_hook_lives_with_the_graph_not_the_caller_reference() -> None:
    def run(lib: Any) -> list[str]:
        v = lib.ones(2, requires_grad=True)
        y = (v * 3).sum()
        log: list[str] = []
        y.grad_fn.next_functions[0][0].next_functions[0][0].register_hook(lambda gi, go: log.append("ran"))
        y.backward()
        return log

    assert run(mg) == run(torch) == ["ran"]


# ------------------------------------------------------------ 4. torch.where's operands

_WHERE_CALLS: list[tuple[str, Callable[[Any], Any]]] = [
    ("ndarray other", lambda lib: lib.where(lib.tensor([True, False]), lib.ones(2), np.zeros(2))),
    ("ndarray input", lambda lib: lib.where(lib.tensor([True, False]), np.zeros(2), lib.ones(2))),
    ("0-d ndarray", lambda lib: lib.where(lib.tensor([True, False]), lib.ones(2), np.array(0.0))),
    ("ndarray condition", lambda lib: lib.where(np.array([True, False]), lib.ones(2), lib.ones(2))),
    ("list other", lambda lib: lib.where(lib.tensor([True, False]), lib.ones(2), [0.0, 1.0])),
    ("list condition", lambda lib: lib.where([True, False], lib.ones(2), lib.ones(2))),
    ("None other", lambda lib: lib.where(lib.tensor([True, False]), lib.ones(2), None)),
    ("condition alone, ndarray", lambda lib: lib.where(np.array([True, False]))),
    ("method, ndarray", lambda lib: lib.ones(2).where(lib.tensor([True, False]), np.zeros(2))),
    ("method, list", lambda lib: lib.ones(2).where(lib.tensor([True, False]), [0.0, 1.0])),
    ("numbers", lambda lib: lib.where(lib.tensor([True, False]), 1.0, np.float64(2.0))),
    ("condition alone", lambda lib: lib.where(lib.tensor([True, False]))),
    ("method, number", lambda lib: lib.ones(2).where(lib.tensor([True, False]), 0)),
]


@pytest.mark.parametrize(("label", "call"), _WHERE_CALLS, ids=[label for label, _ in _WHERE_CALLS])
def test_where_refuses_operands_as_pytorch(label: str, call: Callable[[Any], Any]) -> None:
    assert _outcome(lambda: call(mg)) == _outcome(lambda: call(torch)), label


def test_where_error_lists_pytorchs_overloads() -> None:
    def message(lib: Any) -> list[str]:
        try:
            lib.where(lib.tensor([True]), lib.ones(1), np.zeros(1))
        except TypeError as e:
            return [line for line in str(e).splitlines() if not line.startswith("      didn't match")]
        raise AssertionError("no TypeError")

    assert message(mg) == message(torch)


# ------------------------------------------------------------ 3. negative dims in grad_fn's attributes

_SAVED_DIMS: list[tuple[str, Callable[[Any, Any], Any], str]] = [
    ("sum(-1)", lambda lib, x: x.sum(-1), "_saved_dim"),
    ("sum(-1, keepdim)", lambda lib, x: x.sum(-1, keepdim=True), "_saved_dim"),
    ("sum((2, 0))", lambda lib, x: x.sum((2, 0)), "_saved_dim"),
    ("sum([-1, 0])", lambda lib, x: x.sum([-1, 0]), "_saved_dim"),
    ("sum(np.int64(-2))", lambda lib, x: x.sum(np.int64(-2)), "_saved_dim"),
    ("sum(1)", lambda lib, x: x.sum(1), "_saved_dim"),
    ("mean((0, -1))", lambda lib, x: x.mean((0, -1)), "_saved_dim"),
    ("mean(-2)", lambda lib, x: x.mean(-2), "_saved_dim"),
    ("cat(-1)", lambda lib, x: lib.cat([x, x], -1), "_saved_dim"),
    ("cat(-3)", lambda lib, x: lib.cat([x, x], -3), "_saved_dim"),
    ("stack(-1)", lambda lib, x: lib.stack([x, x], -1), "_saved_dim"),
    ("stack(1)", lambda lib, x: lib.stack([x, x], 1), "_saved_dim"),
    ("transpose(0, -1) dim1", lambda lib, x: x.transpose(0, -1), "_saved_dim1"),
    ("transpose(-1, 0) dim0", lambda lib, x: x.transpose(-1, 0), "_saved_dim0"),
    ("transpose(2, 0) dim0", lambda lib, x: x.transpose(2, 0), "_saved_dim0"),
    ("transpose(2, 0) dim1", lambda lib, x: x.transpose(2, 0), "_saved_dim1"),
    ("transpose(0, 1) dim1", lambda lib, x: x.transpose(0, 1), "_saved_dim1"),
]


@pytest.mark.parametrize(("label", "call", "name"), _SAVED_DIMS, ids=[label for label, _, _ in _SAVED_DIMS])
def test_saved_dims_are_shown_as_given(label: str, call: Callable[[Any, Any], Any], name: str) -> None:
    def saved(lib: Any) -> Any:
        return getattr(call(lib, lib.ones(2, 3, 4, requires_grad=True)).grad_fn, name)

    assert saved(mg) == saved(torch), label


# ------------------------------------------------------------ 5. embedding_bag's scale_grad_by_freq


def _bag_grads(lib: Any, flat: Any, offsets: Any, num: int, mode: str, pad: int | None, weighted: bool,
               upstream: Any) -> tuple[Any, Any]:
    weight = lib.tensor(np.linspace(-1.0, 1.0, num * 3).reshape(num, 3), requires_grad=True)
    kw: dict[str, Any] = {"mode": mode, "scale_grad_by_freq": True, "padding_idx": pad}
    if weighted:
        kw["per_sample_weights"] = lib.tensor(np.linspace(0.5, 2.0, len(flat)))
    out = lib.nn.functional.embedding_bag(lib.tensor(flat), weight, lib.tensor(offsets), **kw)
    (out * lib.tensor(upstream[: out.shape[0]])).sum().backward()
    return out.detach().numpy(), weight.grad.numpy()


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_scales_gradients_by_frequency_as_pytorch(seed: int, mode: str) -> None:
    rng = np.random.default_rng(seed)
    num = int(rng.integers(2, 7))
    flat = rng.integers(0, num, int(rng.integers(1, 12)))
    offsets = np.sort(rng.integers(0, flat.size, int(rng.integers(1, 4))))
    offsets[0] = 0
    pad = None if seed % 3 == 0 else int(rng.integers(0, num))
    weighted = mode == "sum" and seed % 2 == 1
    upstream = rng.standard_normal((4, 3))
    want = _bag_grads(torch, flat, offsets, num, mode, pad, weighted, upstream)
    got = _bag_grads(mg, flat, offsets, num, mode, pad, weighted, upstream)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6, atol=1e-9)  # the values are unchanged
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6, atol=1e-9)


def test_embedding_bag_module_scale_grad_by_freq_and_max_mode() -> None:
    def run(lib: Any) -> tuple[str, list[list[float]], tuple[str, str]]:
        bag = lib.nn.EmbeddingBag.from_pretrained(lib.tensor(np.arange(18.0).reshape(6, 3)), freeze=False,
                                                  scale_grad_by_freq=True, mode="mean")
        bag(lib.tensor([[1, 1, 2], [3, 1, 5]])).sum().backward()
        maxed = lib.nn.EmbeddingBag(6, 3, mode="max", scale_grad_by_freq=True)
        refused = _outcome(lambda: maxed(lib.tensor([[1, 2]])))
        return repr(bag), np.round(bag.weight.grad.numpy(), 6).tolist(), refused

    got, want = run(mg), run(torch)
    assert got[:2] == want[:2]
    assert got[2][1] == want[2][1] and want[2][0] == "ValueError"


# ------------------------------------------------------------ 6. CrossEntropyLoss's label_smoothing


@pytest.mark.parametrize("smoothing", [-0.1, -1.0, 0.0, 0.25, 1.0, True, np.float64(0.1)], ids=repr)
def test_cross_entropy_loss_takes_label_smoothing_as_pytorch(smoothing: Any) -> None:
    x, y = np.linspace(-1.0, 1.0, 12).reshape(3, 4), np.array([0, 2, 3])

    def losses(lib: Any) -> list[float]:
        module = lib.nn.CrossEntropyLoss(label_smoothing=smoothing)(lib.tensor(x), lib.tensor(y))
        function = lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor(y), label_smoothing=smoothing)
        return [float(module), float(function)]

    np.testing.assert_allclose(losses(mg), losses(torch), rtol=1e-12)


@pytest.mark.parametrize("smoothing", [1.5, "0.1", None], ids=repr)
def test_cross_entropy_label_smoothing_refusals_are_pytorchs_classes(smoothing: Any) -> None:
    x, y = np.zeros((2, 3)), np.array([0, 1])
    want = _outcome(lambda: torch.nn.CrossEntropyLoss(label_smoothing=smoothing)(torch.tensor(x),
                                                                                  torch.tensor(y)))
    # (minigrad's layer refuses at construction what PyTorch's forward refuses)
    got = _outcome(lambda: mg.nn.CrossEntropyLoss(label_smoothing=smoothing))
    assert got[0] == want[0] and got[1].startswith(want[1]), (got, want)
    assert _outcome(lambda: mg.nn.functional.cross_entropy(mg.tensor(x), mg.tensor(y),
                                                           label_smoothing=smoothing))[0] == want[0]


# ------------------------------------------------------------ 7. a namedtuple (or any non-number) as operand

_Pair = collections.namedtuple("_Pair", "a b")


class _Items(list):  # type: ignore[type-arg]
    """A list subclass, as a Python class: PyTorch names it bare (``_Items``), a C type with its module."""


_OPERAND_CALLS: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("x.add(P)", lambda lib, v: lib.ones(2).add(v)),
    ("x.mul(P)", lambda lib, v: lib.ones(2).mul(v)),
    ("x.div(P)", lambda lib, v: lib.ones(2).div(v)),
    ("x.atan2(P)", lambda lib, v: lib.ones(2).atan2(v)),
    ("x.maximum(P)", lambda lib, v: lib.ones(2).maximum(v)),
    ("x.remainder(P)", lambda lib, v: lib.ones(2).remainder(v)),
    ("x.floor_divide(P)", lambda lib, v: lib.ones(2).floor_divide(v)),
    ("x.pow(P)", lambda lib, v: lib.ones(2).pow(v)),
    ("x.eq(P)", lambda lib, v: lib.ones(2).eq(v)),
    ("x.add_(P)", lambda lib, v: lib.ones(2).add_(v)),
    ("x.mul_(P)", lambda lib, v: lib.ones(2).mul_(v)),
    ("torch.add(x, P)", lambda lib, v: lib.add(lib.ones(2), v)),
    ("torch.add(P, x)", lambda lib, v: lib.add(v, lib.ones(2))),
    ("torch.atan2(x, P)", lambda lib, v: lib.atan2(lib.ones(2), v)),
    ("x + P", lambda lib, v: lib.ones(2) + v),
    ("x - P", lambda lib, v: lib.ones(2) - v),
    ("x // P", lambda lib, v: lib.ones(2) // v),
    ("x % P", lambda lib, v: lib.ones(2) % v),
    ("x ** P", lambda lib, v: lib.ones(2) ** v),
    ("x @ P", lambda lib, v: lib.ones(2) @ v),
    ("b & P", lambda lib, v: lib.ones(2, dtype=lib.bool) & v),
    ("x += P", lambda lib, v: lib.ones(2).__iadd__(v)),
    ("x < P", lambda lib, v: lib.ones(2) < v),
]


def _operand_outcome(fn: Callable[[], Any]) -> tuple[str, str]:
    """``_outcome``, with NotImplemented (an operator's dunder declining) as its own result."""
    results: list[Any] = []
    kind, text = _outcome(lambda: results.append(fn()))
    return ("NotImplemented", "") if results and results[0] is NotImplemented else (kind, text)


@pytest.mark.parametrize("value", [_Pair(1, 2), _Items([1, 2]), "a", None, object()],
                         ids=["namedtuple", "list subclass", "str", "None", "object"])
@pytest.mark.parametrize(("label", "call"), _OPERAND_CALLS, ids=[label for label, _ in _OPERAND_CALLS])
def test_non_number_operands_raise_as_pytorchs(label: str, call: Callable[[Any, Any], Any],
                                                value: Any) -> None:
    want = _operand_outcome(lambda: call(torch, value))
    got = _operand_outcome(lambda: call(mg, value))
    assert got == want, (label, value)


def test_python_type_names_as_pytorchs_parser() -> None:
    from minigrad.errors import python_type_name

    for value in [_Pair(1, 2), _Items(), np.zeros(1), np.float32(1), np.bool_(True), None, 1, "a",
                  np.ma.array([1])]:
        try:
            torch.ones(1).add(value)  # type: ignore[arg-type]
        except TypeError as e:
            assert str(e).endswith(f"not {python_type_name(value)}"), (value, str(e))
        else:
            assert isinstance(value, (np.generic, int))  # (a Number: taken)


# ------------------------------------------------------------ more: keyword-only parameters

_KEYWORD_ONLY: list[tuple[str, Callable[[Any], Any]]] = [
    ("x.sort(0, False, True)", lambda lib: lib.ones(3).sort(0, False, True)),
    ("torch.sort(x, 0, False, True)", lambda lib: lib.sort(lib.ones(3), 0, False, True)),
    ("x.argsort(0, False, True)", lambda lib: lib.ones(3).argsort(0, False, True)),
    ("torch.sort(x, stable=True)", lambda lib: lib.sort(lib.ones(3), stable=True)),
]


@pytest.mark.parametrize(("label", "call"), _KEYWORD_ONLY, ids=[label for label, _ in _KEYWORD_ONLY])
def test_stable_is_keyword_only_as_pytorchs(label: str, call: Callable[[Any], Any]) -> None:
    assert _outcome(lambda: call(mg))[0] == _outcome(lambda: call(torch))[0], label
