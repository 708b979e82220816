"""Layer invariants: inputs untouched, dtypes kept, buffers updated without a graph, no aliasing."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F


def _layers() -> list[nn.Module]:
    return [nn.BatchNorm1d(4), nn.BatchNorm1d(4, momentum=None, affine=False), nn.LayerNorm(4),
            nn.Dropout(0.3), nn.Linear(4, 3), nn.GELU(), nn.Softmax(-1)]


@pytest.mark.parametrize("layer", _layers(), ids=lambda m: type(m).__name__)
def test_input_not_mutated_and_dtype_kept(layer: nn.Module) -> None:
    for dtype in (mg.float32, mg.float64):
        layer.to(dtype)
        x = mg.randn(6, 4, dtype=dtype, requires_grad=True)
        before = x.detach().numpy().copy()
        y = layer(x)
        assert y.dtype == dtype
        g = mg.randn(*y.shape, dtype=dtype)
        g_before = g.numpy().copy()
        y.backward(g)
        np.testing.assert_array_equal(x.detach().numpy(), before)
        np.testing.assert_array_equal(g.numpy(), g_before)
        assert x.grad is not None and x.grad.dtype == dtype
        assert not np.shares_memory(x.grad.numpy(), g.numpy())


def test_running_stats_updated_without_graph() -> None:
    bn = nn.BatchNorm1d(3)
    x = mg.randn(5, 3, requires_grad=True)
    bn(x).sum().backward()
    for buf in bn.buffers():
        assert not buf.requires_grad and buf.grad_fn is None
    assert bn.running_mean is not None
    np.testing.assert_allclose(bn.running_mean.detach().numpy(),
                               0.1 * x.detach().numpy().mean(0), rtol=1e-5, atol=1e-7)
    # the buffers stay the same objects (optimizers or references held elsewhere see the update)
    rm = bn.running_mean
    bn(x)
    assert bn.running_mean is rm
    # in eval the buffers do not move
    bn.eval()
    frozen = rm.numpy().copy()
    bn(x)
    np.testing.assert_array_equal(rm.numpy(), frozen)
    assert bn.num_batches_tracked is not None and bn.num_batches_tracked.item() == 2


def test_momentum_none_is_cumulative_average() -> None:
    bn = nn.BatchNorm1d(2, momentum=None, dtype=mg.float64)
    batches = [mg.randn(4, 2, dtype=mg.float64) * (i + 1) + i for i in range(5)]
    for b in batches:
        bn(b)
    assert bn.running_mean is not None and bn.running_var is not None
    np.testing.assert_allclose(bn.running_mean.numpy(), np.mean([b.numpy().mean(0) for b in batches], axis=0),
                               rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(),
                               np.mean([b.numpy().var(0, ddof=1) for b in batches], axis=0),
                               rtol=1e-12)


def test_running_var_uses_unbiased_variance_over_n_times_l() -> None:
    bn = nn.BatchNorm1d(2, momentum=1.0, dtype=mg.float64)
    x = mg.randn(3, 2, 5, dtype=mg.float64)
    bn(x)
    per_channel = x.numpy().transpose(1, 0, 2).reshape(2, -1)
    assert bn.running_var is not None
    np.testing.assert_allclose(bn.running_var.numpy(), per_channel.var(1, ddof=1), rtol=1e-12)


def test_track_running_stats_false_uses_batch_stats_in_eval() -> None:
    bn = nn.BatchNorm1d(3, track_running_stats=False, dtype=mg.float64).eval()
    x = mg.randn(8, 3, dtype=mg.float64) + 5
    y = bn(x).detach().numpy()
    np.testing.assert_allclose(y.mean(0), 0.0, atol=1e-12)


def test_batchnorm_checkpoint_without_num_batches_tracked_loads_like_torch() -> None:
    bn = nn.BatchNorm1d(3)
    bn(mg.randn(4, 3))
    sd = bn.state_dict()
    del sd["num_batches_tracked"]
    # PyTorch fills the counter in only for a checkpoint of version < 2 or without versions (a plain dict,
    # as mg.load returns); state_dict()'s own _metadata says version 2, so there the key is missing
    with pytest.raises(mg.MinigradError, match=r'Missing key.*"num_batches_tracked"'):
        nn.BatchNorm1d(3).load_state_dict(sd)
    sd = dict(sd)
    fresh = nn.BatchNorm1d(3)
    assert fresh.load_state_dict(sd).missing_keys == []
    assert fresh.num_batches_tracked is not None and fresh.num_batches_tracked.item() == 0
    np.testing.assert_array_equal(fresh.running_mean.numpy(), sd["running_mean"])  # type: ignore[union-attr]
    wrapped = nn.Sequential(nn.BatchNorm1d(3))
    with pytest.raises(mg.MinigradError, match=r"0\.running_var"):
        wrapped.load_state_dict({"0." + k: v for k, v in sd.items() if k != "running_var"})


def test_layer_norm_is_per_sample() -> None:
    ln = nn.LayerNorm(5, elementwise_affine=False)
    a, b = mg.randn(1, 5), mg.randn(1, 5) * 100
    both = ln(mg.cat([a, b]))
    np.testing.assert_allclose(both.numpy()[:1], ln(a).numpy(), rtol=1e-6, atol=1e-6)


def test_flatten_and_identity() -> None:
    x = mg.randn(2, 3, 4)
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    assert nn.Identity(54, unused="x")(x) is x


def test_linear_dtype_and_no_bias() -> None:
    lin = nn.Linear(3, 2, bias=False, dtype=mg.float64)
    assert lin.bias is None and [n for n, _ in lin.named_parameters()] == ["weight"]
    x = mg.randn(5, 3, dtype=mg.float64)
    np.testing.assert_allclose(lin(x).detach().numpy(),
                               x.detach().numpy() @ lin.weight.detach().numpy().T, rtol=1e-14)
    with pytest.warns(UserWarning, match="zero-element"):  # PyTorch's warning from kaiming_uniform_
        empty = nn.Linear(0, 2)
    assert empty(mg.zeros(1, 0)).shape == (1, 2)


def test_functional_forms_match_modules() -> None:
    x = mg.randn(6, 4)
    ln = nn.LayerNorm(4)
    np.testing.assert_array_equal(ln(x).detach().numpy(),
                                  F.layer_norm(x, (4,), ln.weight, ln.bias).detach().numpy())
    bn = nn.BatchNorm1d(4)
    rm, rv = mg.zeros(4), mg.ones(4)
    expected = F.batch_norm(x, rm, rv, bn.weight, bn.bias, training=True)
    np.testing.assert_array_equal(bn(x).detach().numpy(), expected.detach().numpy())
    assert bn.running_mean is not None
    np.testing.assert_array_equal(bn.running_mean.numpy(), rm.numpy())


def test_losses_accept_array_targets() -> None:
    logits = mg.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 3.0]])
    ref = F.cross_entropy(logits, mg.tensor([0, 2])).item()
    assert F.cross_entropy(logits, np.array([0, 2])).item() == ref
    assert F.cross_entropy(logits, [0, 2]).item() == ref  # type: ignore[arg-type]
    assert F.nll_loss(logits.log_softmax(1), np.array([0, 2])).item() == pytest.approx(ref)
    assert F.mse_loss(logits, np.zeros((2, 3), dtype=np.float32)).item() == pytest.approx(
        float(np.mean(logits.numpy()**2)))
