"""Against torch: the older spectral_norm's state-dict versions (metadata, loading a version-None
checkpoint), parametrizations.weight_norm loading an old weight_norm checkpoint, parametrized modules
refusing pickle, transfer_parametrizations_and_params, the right_inverse checks of a chained
parametrization; Module._apply, Module.to's errors, named-tuple outputs through backward hooks."""

from __future__ import annotations

import copy
import pickle
import warnings
from collections import namedtuple
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

X = np.random.default_rng(0).normal(size=(2, 3))


def _linear(lib: Any) -> Any:
    m = lib.nn.Linear(3, 5, dtype=lib.float64)
    with lib.no_grad():
        m.weight.copy_(lib.tensor(np.random.default_rng(1).normal(size=(5, 3))))
        m.bias.copy_(lib.tensor(np.arange(5.0)))
    return m


def _spectral(lib: Any) -> Any:
    snm = lib.nn.utils.spectral_norm(_linear(lib))
    with lib.no_grad():  # the same start vectors in both
        snm.weight_u.copy_(lib.tensor(np.random.default_rng(2).normal(size=5)))
        snm.weight_v.copy_(lib.tensor(np.random.default_rng(3).normal(size=3)))
    for _ in range(3):
        snm(lib.tensor(X))
    return snm


def test_spectral_norm_metadata_and_version_none_checkpoint() -> None:
    outs = []
    for lib in (torch, mg):
        snm = _spectral(lib)
        sd = copy.deepcopy(snm.state_dict())
        assert sd._metadata[""]["spectral_norm"] == {"weight.version": 1}
        old = copy.deepcopy(sd)  # the form before version 1: the weight saved, v not
        del old._metadata[""]["spectral_norm"]
        del old["weight_v"]
        old["weight"] = snm.weight.detach().clone()
        fresh = lib.nn.utils.spectral_norm(lib.nn.utils.remove_spectral_norm(snm))
        fresh.load_state_dict(old)
        with lib.no_grad():
            fresh.eval()
            outs.append((fresh(lib.tensor(X)).numpy().copy(), fresh.weight_v.numpy().copy()))
        assert "spectral_norm" not in lib.nn.utils.remove_spectral_norm(fresh).state_dict()._metadata[""]
    np.testing.assert_allclose(outs[1][0], outs[0][0], rtol=1e-9)
    np.testing.assert_allclose(outs[1][1], outs[0][1], rtol=1e-7)


def test_weight_norm_loads_the_older_form_and_parametrized_modules_refuse_pickle() -> None:
    outs = []
    for lib in (torch, mg):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # PyTorch deprecates the older form
            old = lib.nn.utils.weight_norm(_linear(lib))
        new = lib.nn.utils.parametrizations.weight_norm(lib.nn.Linear(3, 5, dtype=lib.float64))
        new.load_state_dict(old.state_dict())
        outs.append((old(lib.tensor(X)).detach().numpy(), new(lib.tensor(X)).detach().numpy()))
        with pytest.raises(RuntimeError, match="only supported through state_dict"):
            pickle.dumps(new)
        copy.deepcopy(new)  # deepcopy still works
    for a, b in outs:
        np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(outs[1][1], outs[0][1], rtol=1e-12)


def test_transfer_parametrizations_and_chained_right_inverse_checks() -> None:
    for lib in (torch, mg):
        P = lib.nn.utils.parametrize

        class Double(lib.nn.Module):
            def forward(self, x: Any) -> Any:
                return 2 * x

            def right_inverse(self, x: Any) -> Any:
                return x / 2

        class Pair(lib.nn.Module):
            def forward(self, x: Any) -> Any:
                return x

            def right_inverse(self, x: Any) -> Any:
                return x, x

        src = _linear(lib)
        P.register_parametrization(src, "weight", Double())
        dst = P.transfer_parametrizations_and_params(src, lib.nn.Linear(3, 5, dtype=lib.float64))
        assert P.is_parametrized(dst, "weight")
        assert dst.parametrizations.weight[0] is src.parametrizations.weight[0]
        np.testing.assert_array_equal(dst.weight.detach().numpy(), src.weight.detach().numpy())
        with pytest.raises(ValueError, match=r"right_inverse must return a tensor\. Got: tuple"):
            P.register_parametrization(src, "weight", Pair())
        assert len(src.parametrizations.weight) == 1


def test_apply_and_to_errors_as_torch() -> None:
    for lib in (torch, mg):
        m = lib.nn.Linear(2, 2)
        w = m.weight
        version = w._version
        assert m._apply(lambda t: t.add_(1.0)) is m and m.weight is w and w._version > version
        m.weight.grad = lib.ones(2, 2)
        m._apply(lambda t: t * 0)
        assert float(m.weight.grad.sum()) == 0.0 and float(m.weight.detach().abs().sum()) == 0.0
        with pytest.raises(RuntimeError, match="does not accept copy argument"):
            m.to("cpu", copy=True)
        with pytest.raises(TypeError, match="only accepts floating point or complex dtypes"):
            m.to(lib.long)
        for bad in [(lib.device("cpu"), True), (None, True), ([],)]:
            with pytest.raises(TypeError):
                m.to(*bad)


def test_named_tuple_output_through_backward_hooks() -> None:
    Out = namedtuple("Out", "a b")
    for lib in (torch, mg):
        class Net(lib.nn.Module):
            def forward(self, x: Any) -> Any:
                return Out(x * 2, x * 3)

        net = Net()
        seen: list[Any] = []
        net.register_full_backward_hook(lambda m, gi, go, seen=seen: seen.append(len(go)))
        out = net(lib.ones(2, requires_grad=True))
        assert type(out) is Out
        (out.a.sum() + out.b.sum()).backward()
        assert seen == [2]


def test_type_to_empty_share_memory_and_train_message_as_torch() -> None:
    for lib in (torch, mg):
        m = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3))
        assert m.type(lib.float64) is m and m[0].weight.dtype == lib.float64
        assert m[1].num_batches_tracked.dtype == lib.float64  # type() casts every tensor, as PyTorch
        w = m[0].weight
        assert m.to_empty(device="cpu") is m and m[0].weight is w and m[0].weight.shape == (3, 2)
        assert m.share_memory() is m
        with pytest.raises(ValueError, match="training mode is expected to be boolean"):
            m.train("yes")
