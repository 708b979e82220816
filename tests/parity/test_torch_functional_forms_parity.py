"""The torch.* forms of nn.functional (minigrad/functional_forms.py) against PyTorch's: each case calls
``torch.<name>(*args)`` and ``mg.<name>(*args)`` on the same float64 data; values and gradients agree.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = require_torch()
TF = torch.nn.functional


@dataclass(frozen=True)
class Arr:
    """An array argument: float64 leaf requiring grad unless ``grad=False``; ``post`` maps the leaf
    (on both sides, by method name) before the call, e.g. 'log_softmax' for log-probabilities."""

    shape: tuple[int, ...]
    kind: str = "normal"  # normal | positive | unit (in (0, 1))
    grad: bool = True
    post: str | None = None


@dataclass(frozen=True)
class Ints:
    """An int64 tensor argument."""

    values: Any


@dataclass(frozen=True)
class Consts:
    """A float64 tensor of fixed values, not requiring grad."""

    values: Any


def _array(spec: Arr, rng: np.random.Generator) -> np.ndarray:
    if spec.kind == "positive":
        return rng.uniform(0.5, 2.0, spec.shape)
    if spec.kind == "unit":
        return rng.uniform(0.05, 0.95, spec.shape)
    return rng.standard_normal(spec.shape)


def G(*shape: int, **kw: Any) -> Arr:
    """A float64 array argument of this shape (see :class:`Arr`)."""
    return Arr(shape, **kw)


CASES: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("adaptive_avg_pool1d", (G(2, 3, 7), 3), {}),
    ("adaptive_max_pool1d", (G(2, 3, 7), 3), {}),
    ("alpha_dropout", (G(3, 4), 0.3, False), {}),
    ("feature_alpha_dropout", (G(2, 3, 4), 0.3, False), {}),
    ("feature_dropout", (G(2, 3, 4), 0.3, False), {}),
    ("dropout", (G(3, 4), 0.3, False), {}),
    ("dropout", (G(3, 4), 0.0, True), {}),
    ("avg_pool1d", (G(2, 3, 8), 3), {}),
    ("avg_pool1d", (G(2, 3, 8), 3, 2, 1, True, False), {}),
    ("batch_norm", (G(4, 3, 5), G(3), G(3), G(3, grad=False), G(3, kind="positive", grad=False),
                    True, 0.1, 1e-5, False), {}),
    ("batch_norm", (G(4, 3), G(3), None, G(3, grad=False), G(3, kind="positive", grad=False),
                    False, 0.1, 1e-5, True), {}),
    ("bilinear", (G(4, 3), G(4, 5), G(2, 3, 5), G(2)), {}),
    ("binary_cross_entropy_with_logits", (G(4, 3), G(4, 3, kind="unit", grad=False)), {}),
    ("binary_cross_entropy_with_logits", (G(4, 3), G(4, 3, kind="unit", grad=False), G(4, 3, grad=False),
                                          G(3, kind="positive", grad=False), 2), {}),
    # (alpha a power of 2: PyTorch's kernel takes 1/alpha in single precision, off by ~1e-8 for 0.7)
    ("celu", (G(3, 4), 0.5), {}),
    ("selu", (G(3, 4),), {}),
    ("channel_shuffle", (G(2, 6, 3), 3), {}),
    ("native_channel_shuffle", (G(2, 6, 3, grad=False), 2), {}),  # no derivative in PyTorch
    ("conv1d", (G(2, 3, 9), G(4, 3, 3), G(4), 2, 1), {}),
    ("conv1d", (G(2, 3, 9), G(4, 3, 3), None, 1, "same", 2), {}),
    ("conv2d", (G(2, 2, 6, 6), G(4, 1, 3, 3), G(4), 1, 1, 1, 2), {}),
    ("conv3d", (G(1, 2, 4, 4, 4), G(3, 2, 2, 2, 2), G(3)), {"stride": 2}),
    ("conv_tbc", (G(7, 2, 3), G(3, 3, 4), G(4), 1), {}),
    ("conv_transpose1d", (G(2, 3, 5), G(3, 2, 3), G(2), 2, 1, 1), {}),
    ("conv_transpose2d", (G(1, 2, 4, 4), G(2, 3, 3, 3), None, 2), {}),
    ("conv_transpose3d", (G(1, 2, 3, 3, 3), G(2, 2, 2, 2, 2)), {}),
    ("cosine_embedding_loss", (G(4, 5), G(4, 5), Ints([1, -1, 1, -1]), 0.2), {}),
    ("cosine_embedding_loss", (G(4, 5), G(4, 5), Ints([1, -1, 1, -1]), 0.0, 0), {}),
    ("ctc_loss", (G(6, 2, 4, post="log_softmax"), Ints([[1, 2], [3, 1]]), [6, 5], [2, 2]), {}),
    ("ctc_loss", (G(6, 2, 4, post="log_softmax"), Ints([[1, 2], [3, 1]]), Ints([6, 5]), Ints([2, 1]),
                  0, 2, True), {}),
    ("embedding", (G(5, 3), Ints([[0, 2], [4, 2]])), {}),
    ("embedding", (G(5, 3), Ints([0, 2, 2, 4]), 2), {}),
    ("group_norm", (G(2, 4, 3), 2, G(4), G(4), 1e-5), {}),
    ("hardshrink", (G(3, 4), 0.3), {}),
    ("hinge_embedding_loss", (G(6), Ints([1, -1, 1, -1, -1, 1]), 1.0, 2), {}),
    ("instance_norm", (G(2, 3, 5), G(3), G(3), None, None, True, 0.1, 1e-5, False), {}),
    ("kl_div", (G(3, 4, post="log_softmax"), G(3, 4, kind="unit", grad=False)), {}),
    ("kl_div", (G(3, 4, post="log_softmax"), G(3, 4, post="log_softmax"), 2), {"log_target": True}),
    ("kl_div", (G(3, 4, post="log_softmax"), G(3, 4, kind="unit"), 0), {}),
    ("layer_norm", (G(2, 3, 4), [3, 4], G(3, 4), G(3, 4), 1e-5), {}),
    ("layer_norm", (G(2, 3, 4), (4,)), {}),
    ("native_layer_norm", (G(2, 3, 4), [4], G(4), G(4), 1e-5), {}),
    ("native_layer_norm", (G(2, 3, 4), [3, 4], None, None, 1e-3), {}),
    ("margin_ranking_loss", (G(5), G(5), Consts([1.0, -1.0, 1.0, 1.0, -1.0]), 0.1), {}),
    ("max_pool1d", (G(2, 3, 9), 3), {}),
    ("max_pool1d", (G(2, 3, 9), 3, 2, 1, 1, True), {}),
    ("max_pool1d_with_indices", (G(2, 3, 9), 2, ()), {}),
    ("max_pool2d", (G(1, 2, 6, 6), 2), {}),
    ("max_pool2d", (G(1, 2, 7, 7), 3, 2, 1, 2), {}),
    ("max_pool3d", (G(1, 1, 4, 4, 4), 2), {}),
    ("pixel_shuffle", (G(1, 8, 2, 3), 2), {}),
    ("pixel_unshuffle", (G(1, 2, 4, 6), 2), {}),
    ("poisson_nll_loss", (G(4, 3), G(4, 3, kind="positive", grad=False), True, False, 1e-8, 1), {}),
    ("poisson_nll_loss", (G(4, 3, kind="positive"), G(4, 3, kind="positive", grad=False), False, True,
                          1e-8, 2), {}),
    ("prelu", (G(2, 3, 4), G(3)), {}),
    ("rms_norm", (G(2, 3, 4), [4], G(4), 1e-6), {}),
    ("rms_norm", (G(2, 3, 4), [3, 4]), {}),
    ("rrelu", (G(3, 4), 0.1, 0.3, False), {}),
    ("threshold", (G(3, 4), 0.1, -2.0), {}),
    ("triplet_margin_loss", (G(4, 5), G(4, 5), G(4, 5), 1.0, 2, 1e-6, True, 0), {}),
    ("triplet_margin_loss", (G(4, 5), G(4, 5), G(4, 5)), {"reduction": 2, "p": 1.0}),
]


def _build(spec: Any, rng: np.random.Generator, leaves: list[tuple[Any, Any]]) -> tuple[Any, Any]:
    """The same argument for torch and for minigrad; leaves collects (torch, minigrad) grad leaves."""
    if isinstance(spec, Arr):
        a = _array(spec, rng)
        t = torch.tensor(a, requires_grad=spec.grad)
        m = mg.tensor(a, requires_grad=spec.grad)
        if spec.grad:
            leaves.append((t, m))
        if spec.post is not None:
            t, m = getattr(t, spec.post)(-1), getattr(m, spec.post)(-1)
        return t, m
    if isinstance(spec, Ints):
        return torch.tensor(spec.values), mg.tensor(spec.values)
    if isinstance(spec, Consts):
        return torch.tensor(spec.values, dtype=torch.float64), mg.tensor(spec.values, dtype=mg.float64)
    return spec, spec


def _outputs(out: Any) -> list[Any]:
    return list(out) if isinstance(out, tuple) else [out]


def _compare(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], seed: int) -> None:
    rng = np.random.default_rng(seed)
    leaves: list[tuple[Any, Any]] = []
    built = [_build(a, rng, leaves) for a in args]
    t_out = _outputs(getattr(torch, name)(*[b[0] for b in built], **kwargs))
    m_out = _outputs(getattr(mg, name)(*[b[1] for b in built], **kwargs))
    assert len(m_out) == len(t_out), f"{name}: {len(m_out)} outputs vs {len(t_out)}"
    for m, t in zip(m_out, t_out, strict=True):
        assert str(m.dtype).rpartition(".")[2] == str(t.dtype).rpartition(".")[2], f"{name}: dtype"
        assert_close(m.detach().numpy(), t.detach().numpy())
    for b in built:  # running statistics updated in place
        if isinstance(b[0], torch.Tensor) and not b[0].requires_grad and b[0].is_floating_point():
            assert_close(b[1].numpy(), b[0].numpy())
    diff = [(m, t) for m, t in zip(m_out, t_out, strict=True) if t.requires_grad]
    if not leaves or not diff:
        return
    cot = [rng.standard_normal(t.shape) for _, t in diff]
    t_loss = sum((t * torch.tensor(c)).sum() for (_, t), c in zip(diff, cot, strict=True))
    m_loss = sum((m * mg.tensor(c)).sum() for (m, _), c in zip(diff, cot, strict=True))
    t_grads = torch.autograd.grad(t_loss, [t for t, _ in leaves], allow_unused=True)
    m_grads = mg.autograd.grad(m_loss, [m for _, m in leaves], allow_unused=True)
    for i, (mgr, tgr) in enumerate(zip(m_grads, t_grads, strict=True)):
        if tgr is None:
            assert mgr is None or not np.any(mgr.numpy()), f"{name}: grad {i} where PyTorch has none"
            continue
        assert mgr is not None, f"{name}: no grad {i}"
        assert_close(mgr.numpy(), tgr.numpy())


@pytest.mark.parametrize(("name", "args", "kwargs"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_value_and_grad_match_torch(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    assert hasattr(torch, name), f"torch.{name} is not a PyTorch function: drop the case"
    _compare(name, args, kwargs, seed=len(name) + len(args))


def test_every_torch_form_of_functional_exists() -> None:
    """Every public torch.* function that nn.functional also has is a minigrad top-level function
    (embedding_bag's ATen form, with its bookkeeping tensors, too: test_surface26_fixes.py)."""
    names = {n for n in dir(torch) if n in dir(TF) and not n.startswith("_")
             and callable(getattr(torch, n)) and not inspect.isclass(getattr(torch, n))}
    assert sorted(n for n in names if not hasattr(mg, n)) == []


def test_signatures_follow_aten() -> None:
    """Positional order as PyTorch's top level: torch.batch_norm's cudnn_enabled, torch.embedding's
    (weight, indices), torch.dropout's required train."""
    assert list(inspect.signature(mg.batch_norm).parameters) == [
        "input", "weight", "bias", "running_mean", "running_var", "training", "momentum", "eps",
        "cudnn_enabled"]
    assert list(inspect.signature(mg.embedding).parameters)[:2] == ["weight", "indices"]
    with pytest.raises(TypeError):
        mg.dropout(mg.ones(3), 0.5)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        torch.dropout(torch.ones(3), 0.5)
    with pytest.raises(TypeError):
        mg.kl_div(mg.ones(3), mg.ones(3), "mean")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        torch.kl_div(torch.ones(3), torch.ones(3), "mean")


@pytest.mark.parametrize("name", ["dropout", "feature_dropout", "alpha_dropout", "feature_alpha_dropout"])
def test_training_dropout_draws(name: str) -> None:
    """train=True drops about p of the entries (the feature forms: of the (sample, channel) rows, whole).
    dropout scales the kept values by 1/(1-p); alpha dropout gives the dropped entries one shared
    value and keeps a standard normal input's mean ~0 and variance ~1."""
    mg.manual_seed(0)
    x = mg.randn(64, 32, 16, dtype=mg.float64)
    y = getattr(mg, name)(x, 0.25, True).numpy()
    xs = x.numpy()
    if "alpha" in name:
        values, counts = np.unique(y, return_counts=True)
        dropped = y == values[np.argmax(counts)]
        assert abs(y.mean()) < 0.05 and abs(y.var() - 1) < 0.1
    else:
        dropped = y == 0
        assert_close(y[~dropped], xs[~dropped] / 0.75)
    assert 0.2 < dropped.mean() < 0.3
    if name.startswith("feature"):
        assert (dropped.all(-1) == dropped.any(-1)).all()


INPLACE: list[tuple[str, tuple[Any, ...]]] = [
    ("relu_", ()), ("celu_", (0.5,)), ("selu_", ()), ("threshold_", (0.2, -1.0)),
    ("rrelu_", (0.1, 0.3, False)), ("dropout_", (0.3, False)), ("alpha_dropout_", (0.3, False)),
    ("feature_dropout_", (0.3, False)), ("feature_alpha_dropout_", (0.3, False)),
]


@pytest.mark.parametrize(("name", "args"), INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_forms_write_into_input(name: str, args: tuple[Any, ...]) -> None:
    a = np.random.default_rng(3).standard_normal((2, 3, 4))
    t, m = torch.tensor(a), mg.tensor(a)
    t_out, m_out = getattr(torch, name)(t, *args), getattr(mg, name)(m, *args)
    assert m_out is m and t_out is t
    assert_close(m.numpy(), t.numpy())


def test_out_and_tensor_methods() -> None:
    a = np.random.default_rng(4).standard_normal((2, 3, 4))
    w = np.array([0.1, -0.5, 2.0])
    t, m = torch.tensor(a), mg.tensor(a)
    assert_close(m.prelu(mg.tensor(w)), t.prelu(torch.tensor(w)))
    assert_close(m.hardshrink(0.4), t.hardshrink(0.4))
    assert_close(m.hardshrink(), t.hardshrink())
    t_dst, m_dst = torch.empty(2, 3, 4, dtype=torch.float64), mg.empty(2, 3, 4, dtype=mg.float64)
    torch.threshold(t, 0.0, 5.0, out=t_dst)
    assert mg.threshold(m, 0.0, 5.0, out=m_dst) is m_dst
    assert_close(m_dst, t_dst)
    torch.hardshrink(t, 0.2, out=t_dst)
    mg.hardshrink(m, 0.2, out=m_dst)
    assert_close(m_dst, t_dst)

