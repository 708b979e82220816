"""RReLU, gumbel_softmax, the in-place F activations, pdist, channel shuffling and nn.Buffer against torch
in float64 (values and gradients; the random draws are replayed from minigrad's seed)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import InvalidParameterError, ShapeError
from minigrad.nn import functional as F
from tests.helpers import assert_close, require_torch

torch = require_torch()
tf = torch.nn.functional


def _x(seed: int = 0, shape: tuple[int, ...] = (4, 5)) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=shape)
    x.flat[:3] = [0.0, -0.0, 1e-12]
    return x


@pytest.mark.parametrize("bounds", [(), (0.1, 0.3), (0.2, 0.2)])
def test_rrelu_eval_matches_torch(bounds: tuple[float, ...]) -> None:
    ours, theirs = nn.RReLU(*bounds).eval(), torch.nn.RReLU(*bounds).eval()
    assert repr(ours) == repr(theirs)
    x = _x()
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    ty, my = theirs(tx), ours(mx)
    assert_close(my, ty)
    g = np.random.default_rng(1).normal(size=x.shape)
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    assert_close(mx.grad, tx.grad)
    assert_close(F.rrelu(mg.tensor(x), *bounds), tf.rrelu(torch.tensor(x), *bounds))


def test_rrelu_training_draws_slopes_from_the_seed_and_differentiates_through_them() -> None:
    x = _x(2, (50, 40))
    mg.manual_seed(5)
    mx = mg.tensor(x, requires_grad=True)
    y = F.rrelu(mx, 0.1, 0.3, training=True)
    torch.manual_seed(5)  # the same seed draws PyTorch's slopes
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.rrelu(tx, 0.1, 0.3, training=True)
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    y.backward(mg.ones_like(y))
    ty.backward(torch.ones_like(ty))
    np.testing.assert_array_equal(mx.grad.numpy(), tx.grad.numpy())  # rrelu_with_noise backward: the noise
    neg = x < 0
    assert (y.detach().numpy()[neg] / x[neg]).min() >= 0.1 and (y.detach().numpy()[neg] / x[neg]).max() <= 0.3
    assert abs((y.detach().numpy()[neg] / x[neg]).mean() - 0.2) < 0.01
    # the module draws in training mode, and is the eval function in eval mode
    assert not np.array_equal(nn.RReLU()(mg.tensor(x)).numpy(), F.rrelu(mg.tensor(x)).numpy())
    with pytest.raises(InvalidParameterError, match="lower"):
        F.rrelu(mg.tensor(x), 0.5, 0.1)


INPLACE: list[tuple[str, dict[str, Any]]] = [
    ("relu_", {}), ("elu_", {"alpha": 0.5}), ("celu_", {"alpha": 2.0}), ("selu_", {}),
    ("leaky_relu_", {"negative_slope": 0.2}), ("hardtanh_", {"min_val": -0.5, "max_val": 0.7}),
    ("threshold_", {"threshold": 0.1, "value": -3.0}), ("rrelu_", {"lower": 0.1, "upper": 0.2}),
]  # fmt: skip


@pytest.mark.parametrize(("fn", "kwargs"), INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_activations_write_into_their_input_like_torch(fn: str, kwargs: dict[str, Any]) -> None:
    x = _x(3)
    mx, tx = mg.tensor(x), torch.tensor(x)
    version = mx._version
    assert getattr(F, fn)(mx, **kwargs) is mx
    assert getattr(tf, fn)(tx, **kwargs) is tx
    assert_close(mx, tx)
    assert mx._version == version + 1  # a graph that saved the tensor sees it changed
    leaf = mg.tensor(x, requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        getattr(F, fn)(leaf, **kwargs)  # PyTorch: a leaf that requires grad used in an in-place operation
    with mg.no_grad():
        getattr(F, fn)(leaf, **kwargs)
    assert_close(leaf, tx)


def test_gumbel_softmax_is_softmax_of_gumbel_perturbed_logits() -> None:
    logits = np.random.default_rng(4).normal(size=(3, 6))
    for hard, tau, dim in ((False, 1.0, -1), (False, 0.5, 0), (True, 0.7, -1), (True, 2.0, 0)):
        mg.manual_seed(9)
        ml = mg.tensor(logits, requires_grad=True)
        y = F.gumbel_softmax(ml, tau=tau, hard=hard, dim=dim)
        torch.manual_seed(9)  # the same seed draws PyTorch's exponentials
        gumbels = -torch.empty(logits.shape, dtype=torch.float64).exponential_().log()
        tl = torch.tensor(logits, requires_grad=True)
        soft = ((tl + gumbels) / tau).softmax(dim)
        if hard:  # PyTorch's straight-through estimator
            index = soft.max(dim, keepdim=True)[1]
            one_hot = torch.zeros_like(soft).scatter_(dim, index, 1.0)
            soft = one_hot - soft.detach() + soft
            assert set(np.unique(y.detach().numpy())) == {0.0, 1.0}
        assert_close(y, soft)
        g = np.random.default_rng(5).normal(size=logits.shape)
        y.backward(mg.tensor(g))
        soft.backward(torch.tensor(g))
        assert_close(ml.grad, tl.grad)


def test_gumbel_softmax_hard_samples_follow_the_softmax() -> None:
    mg.manual_seed(0)
    logits = np.log(np.array([0.1, 0.2, 0.3, 0.4]))
    y = F.gumbel_softmax(mg.tensor(np.tile(logits, (20000, 1))), tau=0.3, hard=True)
    np.testing.assert_allclose(y.numpy().mean(0), [0.1, 0.2, 0.3, 0.4], atol=0.015)
    with pytest.warns(UserWarning, match="eps"):
        F.gumbel_softmax(mg.tensor(logits), eps=1e-5)


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5, float("inf"), 0.0])
def test_pdist_matches_torch(p: float) -> None:
    x = np.random.default_rng(6).normal(size=(5, 3))
    x[3] = x[1]  # a zero distance: gradient 0 there, as PyTorch
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    ty, my = tf.pdist(tx, p), F.pdist(mx, p)
    assert_close(my, ty)
    g = np.random.default_rng(7).normal(size=tuple(ty.shape))
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    assert_close(mx.grad, tx.grad)
    if p not in (0.5, 0.0, float("inf")):
        x[3] += 0.5  # gradcheck away from the kink at a zero distance
        assert mg.gradcheck(lambda v: F.pdist(v, p), (mg.tensor(x, requires_grad=True),))


def test_pdist_small_and_bad_inputs() -> None:
    assert F.pdist(mg.randn(1, 3)).shape == tf.pdist(torch.randn(1, 3)).shape == (0,)
    with pytest.raises(ShapeError, match="2D"):
        F.pdist(mg.randn(2, 3, 4))
    with pytest.raises(ValueError, match="non-negative p"):
        F.pdist(mg.randn(2, 3), -1.0)


@pytest.mark.parametrize(("shape", "groups"), [((2, 6, 3), 3), ((1, 4, 2, 3), 2), ((2, 8, 1, 2, 2), 4)])
def test_channel_shuffle_matches_torch(shape: tuple[int, ...], groups: int) -> None:
    x = np.random.default_rng(8).normal(size=shape)
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    ours, theirs = nn.ChannelShuffle(groups), torch.nn.ChannelShuffle(groups)
    assert repr(ours) == repr(theirs)
    ty, my = theirs(tx), ours(mx)
    assert_close(my, ty, rtol=0, atol=0)
    g = np.random.default_rng(9).normal(size=shape)
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    assert_close(mx.grad, tx.grad, rtol=0, atol=0)
    assert_close(F.channel_shuffle(mg.tensor(x), groups), tf.channel_shuffle(torch.tensor(x), groups), rtol=0)


def test_channel_shuffle_errors() -> None:
    with pytest.raises(ShapeError, match="divisible"):
        F.channel_shuffle(mg.randn(1, 5, 2), 2)
    with pytest.raises(InvalidParameterError, match="groups=0"):
        nn.ChannelShuffle(0)
    with pytest.raises(ShapeError, match="more than 2 dims"):
        F.channel_shuffle(mg.randn(2, 4), 2)


def test_buffer_assignment_registers_a_buffer_like_torch() -> None:
    def build(lib: Any, tensor: Any) -> Any:
        class Net(lib.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.lin = lib.nn.Linear(2, 2)
                self.scale = lib.nn.Buffer(tensor([1.0, 2.0]))
                self.cache = lib.nn.Buffer(tensor([3.0]), persistent=False)

        return Net()

    ours, theirs = build(mg, mg.tensor), build(torch, torch.tensor)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["scale", "lin.weight", "lin.bias"]
    names = [n for n, _ in ours.named_buffers()]
    assert names == [n for n, _ in theirs.named_buffers()] == ["scale", "cache"]
    assert isinstance(ours.scale, nn.Buffer) and not ours.scale.requires_grad
    assert [n for n, _ in ours.named_parameters()] == ["lin.weight", "lin.bias"]
    ours.double()
    assert ours.scale.dtype == mg.float64 and ours.cache.dtype == mg.float64
    ours.scale = nn.Buffer(mg.zeros(2), persistent=False)  # reassigning keeps the slot, takes the new flag
    assert list(ours.state_dict()) == ["lin.weight", "lin.bias"]
    shared = mg.ones(3)
    assert np.shares_memory(nn.Buffer(shared).numpy(), shared.numpy())
    with pytest.raises(TypeError, match="child module"):
        ours.lin = nn.Buffer(mg.ones(1))
    ours.plain = 1
    with pytest.raises(KeyError, match="already exists"):
        ours.plain = nn.Buffer(mg.ones(1))


def test_buffer_is_a_plain_tensor_and_register_buffer_keeps_its_own_flag_like_torch() -> None:
    # PyTorch's nn.Buffer(t) returns t.detach() flagged as a buffer (type Tensor, a plain repr), and
    # register_buffer(name, buf) takes its persistent argument, not the flag (only assignment reads it)
    for lib, tensor in ((mg, mg.tensor), (torch, torch.tensor)):
        src = tensor([1.0, 2.0], requires_grad=True)
        buf = lib.nn.Buffer(src, persistent=False)
        assert type(buf) is lib.Tensor and buf is not src and buf.requires_grad and buf.is_leaf
        assert isinstance(buf, lib.nn.Buffer) and not isinstance(src, lib.nn.Buffer)
        assert repr(lib.nn.Buffer(tensor([1.0, 2.0]))) == "tensor([1., 2.])"
        module = lib.nn.Module()
        module.register_buffer("kept", buf)
        module.dropped = lib.nn.Buffer(tensor([3.0]), persistent=False)
        assert list(module.state_dict()) == ["kept"], lib


def test_gradcheck_of_the_random_compositions_with_a_fixed_draw() -> None:
    def seeded(fn: Any) -> Any:
        def call(*xs: mg.Tensor) -> mg.Tensor:
            mg.manual_seed(4)  # the same draw for every evaluation
            return fn(*xs)

        return call

    x = mg.tensor(np.random.default_rng(10).normal(size=(3, 4)), requires_grad=True)
    assert mg.gradcheck(seeded(lambda v: F.rrelu(v, 0.1, 0.4, training=True)), (x,))
    assert mg.gradcheck(seeded(lambda v: F.gumbel_softmax(v, tau=0.5)), (x,))
    # (hard=True is a straight-through estimator: its gradient is the soft sample's by design, not the
    # derivative of its one-hot value, so it is checked against PyTorch's formula above instead)
    assert mg.gradgradcheck(seeded(lambda v: F.gumbel_softmax(v, tau=2.0)), (x,))
    y = mg.tensor(np.random.default_rng(11).normal(size=(2, 6, 2)), requires_grad=True)
    assert mg.gradcheck(lambda v: F.channel_shuffle(v, 2), (y,))
