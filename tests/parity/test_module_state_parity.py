"""state_dict / load_state_dict built module by module, against torch: _metadata versions, the four
state-dict hooks, extra state, assign=True, the missing/unexpected keys and the error message, BatchNorm's
version-2 num_batches_tracked, consume_prefix_in_state_dict_if_present; and that a failed load changes
nothing (minigrad's all-or-nothing promise, kept on top of PyTorch's order)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.modules.utils
from tests.helpers import require_torch

torch = require_torch()


def _net(lib: Any) -> Any:
    net = lib.nn.Sequential(OrderedDict(
        fc=lib.nn.Linear(3, 4), bn=lib.nn.BatchNorm1d(4),
        block=lib.nn.Sequential(lib.nn.ReLU(), lib.nn.Linear(4, 2, bias=False)),
    ))
    net.add_module("empty", None)
    return net


def _values(sd: Any) -> dict[str, Any]:
    return {k: np.asarray(v.detach().numpy() if hasattr(v, "detach") else v) for k, v in sd.items()}


def test_state_dict_metadata_and_order_match_torch() -> None:
    ours, theirs = _net(mg).state_dict(), _net(torch).state_dict()
    assert list(ours) == list(theirs)
    assert ours._metadata == theirs._metadata  # {'': {'version': 1}, 'bn': {'version': 2}, ...}
    kept = _net(mg).state_dict(keep_vars=True)
    assert kept._metadata == theirs._metadata and isinstance(kept["fc.weight"], mg.nn.Parameter)


def test_missing_unexpected_and_message_match_torch() -> None:
    def attempt(lib: Any, strict: bool) -> Any:
        net = _net(lib)
        sd = net.state_dict()
        del sd["fc.bias"]
        sd["fc.weight.extra"] = lib.zeros(1)
        sd["block.5.weight"] = lib.zeros(1)
        sd["nothing"] = lib.zeros(1)
        return net.load_state_dict(sd, strict=strict)

    want, got = attempt(torch, False), attempt(mg, False)
    assert got.missing_keys == want.missing_keys and got.unexpected_keys == want.unexpected_keys
    assert repr(got) == repr(want) and str(got) == str(want)
    with pytest.raises(RuntimeError) as w:
        attempt(torch, True)
    with pytest.raises(RuntimeError) as g:
        attempt(mg, True)
    assert str(g.value) == str(w.value)
    for lib in (torch, mg):
        with pytest.raises(TypeError, match="Expected state_dict to be dict-like, got <class 'str'>"):
            lib.nn.Linear(1, 1).load_state_dict("")


def test_size_mismatch_message_and_nothing_changes() -> None:
    msgs = []
    for lib in (torch, mg):
        net = _net(lib)
        before = _values(net.state_dict())
        sd = {k: v * 0 + 7 for k, v in net.state_dict().items()}
        sd["bn.running_var"] = lib.ones(5)
        with pytest.raises(RuntimeError) as info:
            net.load_state_dict(sd, strict=False)
        msgs.append(str(info.value).replace("torch.Size(", "").replace("])", "]"))
        if lib is mg:  # PyTorch copies the good entries before raising; minigrad puts them back
            after = _values(net.state_dict())
            assert all(np.array_equal(after[k], before[k]) for k in before)
    assert msgs[1].replace("(5,)", "[5]").replace("(4,)", "[4]") == msgs[0]


def test_batchnorm_version_1_checkpoint_keeps_the_counter() -> None:
    for lib in (torch, mg):
        bn = lib.nn.BatchNorm2d(3)
        sd = bn.state_dict()
        del sd["num_batches_tracked"]
        sd._metadata[""]["version"] = 1
        bn.load_state_dict(sd)
        assert bn.num_batches_tracked.dtype == lib.long and bn.num_batches_tracked.item() == 0
        sd._metadata[""]["version"] = 2
        with pytest.raises(RuntimeError, match=r'Missing key.*"num_batches_tracked"'):
            bn.load_state_dict(sd)


def test_state_dict_hooks_run_as_torch() -> None:
    logs = []
    for lib in (torch, mg):
        log: list[Any] = []
        net = _net(lib)
        bn = net.bn
        bn.register_state_dict_pre_hook(lambda m, prefix, keep, log=log: log.append(("pre", prefix, keep)))

        def post(m: Any, sd: Any, prefix: str, meta: Any, log: list[Any] = log) -> None:
            log.append(("post", prefix, dict(meta), sorted(k for k in sd if k.startswith(prefix))))
            sd[prefix + "note"] = 1

        bn.register_state_dict_post_hook(post)
        net._register_state_dict_hook(lambda m, sd, prefix, meta: OrderedDict(only=1))
        assert net.state_dict() == OrderedDict(only=1)  # a private hook at the root replaces the dict

        def load_pre(m: Any, sd: Any, prefix: str, meta: Any, strict: bool, missing: list[str],
                     unexpected: list[str], errors: list[str], log: list[Any] = log) -> None:
            log.append(("load_pre", type(m).__name__, prefix, dict(meta), strict))
            sd.pop(prefix + "note", None)

        def load_post(m: Any, keys: Any, log: list[Any] = log) -> None:
            log.append(("load_post", type(m).__name__, list(keys.missing_keys), list(keys.unexpected_keys)))
            keys.missing_keys.clear()  # a post hook may excuse what is missing

        bn.register_load_state_dict_pre_hook(load_pre)
        net.register_load_state_dict_post_hook(load_post)
        sd = _net(lib).state_dict()
        sd["bn.note"] = 1
        del sd["fc.bias"]
        assert net.load_state_dict(sd).missing_keys == []
        logs.append(log)
    assert logs[1] == logs[0]
    with pytest.raises(RuntimeError, match="same function"):
        mg.nn.Linear(1, 1)._register_state_dict_hook(post)


def test_extra_state_round_trip_and_errors() -> None:
    def make(lib: Any, both: bool = True) -> Any:
        class WithState(lib.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.lin = lib.nn.Linear(1, 1)
                self.state = {"step": 0}

            def get_extra_state(self) -> Any:
                return self.state

        if both:
            WithState.set_extra_state = lambda self, s: setattr(self, "state", dict(s))
        return lib.nn.Sequential(WithState())

    for lib in (torch, mg):
        src, dst = make(lib), make(lib)
        src[0].state["step"] = 5
        sd = src.state_dict()
        assert list(sd) == ["0._extra_state", "0.lin.weight", "0.lin.bias"]  # own state, then children
        dst.load_state_dict(sd)
        assert dst[0].state == {"step": 5}
        with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "0._extra_state"'):
            dst.load_state_dict({k: v for k, v in sd.items() if "extra" not in k})
        with pytest.raises(RuntimeError, match=r'Unexpected key\(s\) in state_dict: "0._extra_state"'):
            lib.nn.Sequential(lib.nn.Sequential(lib.nn.Linear(1, 1))[0]).load_state_dict(
                {"0.weight": sd["0.lin.weight"], "0.bias": sd["0.lin.bias"], "0._extra_state": 1})


def test_assign_takes_the_tensors_and_keeps_requires_grad() -> None:
    for lib in (torch, mg):
        net = lib.nn.Linear(2, 3)
        net.bias.requires_grad_(False)
        w, b = lib.ones(3, 2), lib.zeros(3)
        net.register_buffer("buf", lib.zeros(2))
        buf = lib.full((2,), 4.0)
        net.load_state_dict({"weight": w, "bias": b, "buf": buf}, assign=True)
        assert isinstance(net.weight, lib.nn.Parameter) and net.weight.requires_grad
        assert not net.bias.requires_grad and net.buf is buf
        assert np.array_equal(net.weight.detach().numpy(), np.ones((3, 2)))
        with pytest.raises(RuntimeError, match="size mismatch for weight"):
            net.load_state_dict({"weight": lib.ones(2, 2)}, strict=False, assign=True)


def test_scalar_from_a_one_element_checkpoint_and_prefix_consumption() -> None:
    for lib in (torch, mg):
        m = lib.nn.Module()
        m.register_buffer("scale", lib.tensor(1.0))
        m.load_state_dict({"scale": lib.tensor([3.0])})
        assert m.scale.shape == () and m.scale.item() == 3.0
    sds = []
    for lib in (torch, mg):
        sd = _net(lib).state_dict()
        wrapped = OrderedDict(("module." + k, v) for k, v in sd.items())
        wrapped._metadata = OrderedDict(("module." + k if k else "module", v)
                                        for k, v in sd._metadata.items())
        lib.nn.modules.utils.consume_prefix_in_state_dict_if_present(wrapped, "module.")
        sds.append((list(wrapped), dict(wrapped._metadata)))
    assert sds[1] == sds[0]
