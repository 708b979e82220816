"""Module, Parameter and the containers: registration, traversal, modes, state, dtype, repr."""

from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.bn = nn.BatchNorm1d(4)
        self.scale = nn.Parameter(mg.ones(1))
        self.register_buffer("steps", mg.zeros((), dtype=mg.int64))
        self.register_buffer("scratch", mg.zeros(2), persistent=False)
        self.register_buffer("absent", None)

    def forward(self, x: mg.Tensor) -> mg.Tensor:
        return self.bn(self.fc(x)) * self.scale


def test_parameters_have_dotted_names_in_registration_order() -> None:
    m = nn.Sequential(Block(), nn.ReLU(), nn.Linear(4, 2))
    names = [n for n, _ in m.named_parameters()]
    assert names == ["0.scale", "0.fc.weight", "0.fc.bias", "0.bn.weight", "0.bn.bias", "2.weight", "2.bias"]
    shapes = [p.shape for p in m.parameters()]
    assert shapes == [(1,), (4, 3), (4,), (4,), (4,), (2, 4), (2,)]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad and p.is_leaf for p in m.parameters())


def test_shared_parameters_and_modules_listed_once() -> None:
    shared = nn.Linear(2, 2)
    m = nn.Sequential(shared, nn.ReLU(), shared)
    assert [n for n, _ in m.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(m.modules())) == 3  # Sequential, Linear, ReLU
    tied = nn.Module()
    tied.a = nn.Linear(2, 2)
    tied.b = nn.Linear(2, 2)
    tied.b.weight = tied.a.weight
    assert [n for n, _ in tied.named_parameters()] == ["a.weight", "a.bias", "b.bias"]
    # state_dict lists a tied tensor under every name, as PyTorch does
    assert list(tied.state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias"]


def test_buffers_including_none_and_non_persistent() -> None:
    b = Block()
    assert [n for n, _ in b.named_buffers()] == [
        "steps", "scratch", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked",
    ]
    assert b.absent is None
    assert "scratch" not in b.state_dict() and "absent" not in b.state_dict()
    assert list(b.state_dict()) == [
        "scale", "steps", "fc.weight", "fc.bias", "bn.weight", "bn.bias",
        "bn.running_mean", "bn.running_var", "bn.num_batches_tracked",
    ]
    no_track = nn.BatchNorm1d(3, track_running_stats=False)
    assert no_track.running_mean is None and no_track.num_batches_tracked is None
    assert list(no_track.buffers()) == []
    assert list(no_track.state_dict()) == ["weight", "bias"]


def test_children_and_named_modules() -> None:
    m = nn.Sequential(Block(), nn.ReLU())
    assert [n for n, _ in m.named_children()] == ["0", "1"]
    assert [n for n, _ in m.named_modules()] == ["", "0", "0.fc", "0.bn", "1"]
    assert isinstance(next(iter(m.children())), Block)


def test_train_eval_propagate() -> None:
    m = nn.Sequential(Block(), nn.Dropout(0.3), nn.ModuleList([nn.BatchNorm1d(2)]))
    assert all(mod.training for mod in m.modules())
    assert m.eval() is m
    assert not any(mod.training for mod in m.modules())
    m.train()
    assert all(mod.training for mod in m.modules())
    m.train(False)
    assert not any(mod.training for mod in m.modules())
    with pytest.raises(mg.InvalidParameterError, match="mode"):
        m.train("yes")  # type: ignore[arg-type]


def test_zero_grad_sets_none() -> None:
    m = nn.Linear(3, 2)
    m(mg.randn(4, 3)).sum().backward()
    assert m.weight.grad is not None and np.abs(m.weight.grad.numpy()).sum() > 0
    m.zero_grad()
    assert m.weight.grad is None and m.bias is not None and m.bias.grad is None
    m(mg.randn(4, 3)).sum().backward()
    m.zero_grad(set_to_none=False)
    assert m.weight.grad is not None and np.all(m.weight.grad.numpy() == 0)


def test_zero_grad_false_zeroes_in_place_as_pytorch() -> None:
    """set_to_none=False keeps each gradient tensor (zeroed), so references held elsewhere see zeros."""
    m = nn.Linear(3, 2)
    m(mg.randn(4, 3)).sum().backward()
    held = m.weight.grad
    m.zero_grad(set_to_none=False)
    assert m.weight.grad is held and held is not None and not np.any(held.numpy())
    # a gradient built with create_graph is detached from its graph first, then zeroed
    x = mg.randn(4, 3, requires_grad=True)
    (gx,) = mg.grad((m(x) ** 2).sum(), [x], create_graph=True)
    (gx**2).sum().backward()
    assert m.weight.grad is not None and m.weight.grad.grad_fn is None
    m.weight.grad = m.weight.grad * 1.0 + (gx**2).sum()  # a grad with a graph, as create_graph leaves
    assert m.weight.grad.grad_fn is not None
    m.zero_grad(set_to_none=False)
    g = m.weight.grad
    assert g is not None and g.grad_fn is None and not g.requires_grad and not np.any(g.numpy())


def test_state_dict_shares_memory_with_the_module_as_pytorch() -> None:
    # PyTorch's state_dict() values alias the parameters (its docs: deepcopy to snapshot);
    # numpy arrays per API.md, so numpy code sees plain arrays
    m = nn.Linear(2, 2)
    sd = m.state_dict()
    assert all(isinstance(v, np.ndarray) for v in sd.values())
    snapshot = sd["weight"].clone()
    sd["weight"][...] = 123.0
    assert np.all(m.weight.detach().numpy() == 123.0)
    assert not np.any(snapshot == 123.0)


def test_state_dict_prints_as_pytorch_under_the_torch_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    # tutorials print(model.state_dict()): under python -m minigrad.compat PyTorch's tensors show (ints
    # without a point); as minigrad the values are numpy arrays and print as such (API.md)
    torch = pytest.importorskip("torch")
    from minigrad import _format

    m = nn.BatchNorm1d(2)
    with mg.no_grad():
        m.weight.copy_(mg.tensor([0.5, -1.25]))
    t = torch.nn.BatchNorm1d(2)
    with torch.no_grad():
        t.weight.copy_(torch.tensor([0.5, -1.25]))
    weight = m.state_dict()["weight"]
    assert repr(weight).startswith("array(") and str(weight) == "[ 0.5  -1.25]"
    monkeypatch.setattr(_format, "NAMESPACE", "torch")
    assert repr(m.state_dict()) == repr(t.state_dict())
    count = m.state_dict()["num_batches_tracked"]
    assert str(count) == str(t.state_dict()["num_batches_tracked"]) == "tensor(0)"
    ours, theirs = m.state_dict(), t.state_dict()
    assert repr(ours["weight"].shape) == repr(theirs["weight"].shape) == "torch.Size([2])"
    assert repr(ours["weight"][1]) == repr(theirs["weight"][1]) == "tensor(-1.2500)"
    assert ours["weight"][1].item() == -1.25 and ours["weight"].shape == (2,)
    assert type(np.asarray(m.state_dict()["weight"]) * 2) is np.ndarray  # still an array to numpy


def test_load_state_dict_round_trip_and_buffers() -> None:
    mg.manual_seed(0)
    a = Block()
    a(mg.randn(5, 3))
    b = Block()
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    for k, v in a.state_dict().items():
        np.testing.assert_array_equal(b.state_dict()[k], v)
    assert int(b.bn.num_batches_tracked.item()) == 1
    # the same Parameter objects, new values
    w = b.fc.weight
    b.load_state_dict(Block().state_dict())
    assert b.fc.weight is w


def test_load_state_dict_strict_reports_every_problem_and_changes_nothing() -> None:
    m = Block()
    before = m.state_dict()
    bad = dict(before)
    del bad["fc.bias"]
    bad["extra.weight"] = np.zeros(3)
    bad["bn.running_mean"] = np.zeros(5)  # wrong shape
    bad["fc.weight"] = np.full((4, 3), 7.0)  # valid: must not be applied either
    with pytest.raises(mg.MinigradError) as info:
        m.load_state_dict(bad)
    msg = str(info.value)
    assert "Missing key(s)" in msg and '"fc.bias"' in msg
    assert "Unexpected key(s)" in msg and '"extra.weight"' in msg
    assert "bn.running_mean" in msg and "(5,)" in msg and "(4,)" in msg
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_load_state_dict_non_strict() -> None:
    m = Block()
    partial = {"fc.weight": np.full((4, 3), 2.0), "nope": np.zeros(1)}
    result = m.load_state_dict(partial, strict=False)
    assert result.unexpected_keys == ["nope"]
    assert "fc.bias" in result.missing_keys and "fc.weight" not in result.missing_keys
    assert np.all(m.fc.weight.detach().numpy() == 2.0)
    assert repr(result) == str(result) == (
        f"_IncompatibleKeys(missing_keys={result.missing_keys}, unexpected_keys=['nope'])"
    )
    assert repr(m.load_state_dict(m.state_dict())) == "<All keys matched successfully>"  # PyTorch's text
    # a shape mismatch is an error even when not strict, and nothing is copied
    with pytest.raises(mg.MinigradError, match=r"size mismatch for fc\.bias"):
        m.load_state_dict({"fc.weight": np.zeros((4, 3)), "fc.bias": np.zeros(3)}, strict=False)
    assert np.all(m.fc.weight.detach().numpy() == 2.0)


def test_load_state_dict_converts_dtype_into_existing_arrays() -> None:
    m = nn.Linear(2, 3)
    w = m.weight.detach().numpy()
    m.load_state_dict({"weight": np.ones((3, 2), dtype=np.float64), "bias": [1, 2, 3]})
    assert m.weight.detach().numpy() is w and m.weight.dtype == np.float32
    np.testing.assert_array_equal(m.bias.detach().numpy(), [1.0, 2.0, 3.0])


def test_attribute_assignment_registers_and_replaces() -> None:
    m = nn.Module()
    m.w = nn.Parameter(mg.zeros(2))
    m.sub = nn.Linear(1, 1)
    assert [n for n, _ in m.named_parameters()] == ["w", "sub.weight", "sub.bias"]
    m.w = nn.Parameter(mg.ones(3))
    assert m.w.shape == (3,) and len(list(m.parameters())) == 3
    m.sub = None
    assert m.sub is None and [n for n, _ in m.named_parameters()] == ["w"]
    m.w = None
    assert m.w is None and list(m.parameters()) == []
    # a Module cannot take a Parameter's place (PyTorch's TypeError; minigrad moved registries before),
    # a Parameter replaces a Module of the same name
    m.x = nn.Parameter(mg.zeros(1))
    with pytest.raises(TypeError, match="as parameter 'x'"):
        m.x = nn.Identity()
    assert "x" in dict(m.named_parameters())
    del m.x
    m.x = nn.Identity()
    m.x = nn.Parameter(mg.zeros(1))
    assert "x" in dict(m.named_parameters()) and "x" not in dict(m.named_children())
    with pytest.raises(TypeError):
        m.w = mg.zeros(2)  # a plain Tensor cannot take a parameter's place
    m.register_buffer("buf", mg.zeros(1))
    m.buf = mg.ones(1)
    assert m.state_dict()["buf"][0] == 1.0
    m.plain = 5
    assert m.plain == 5 and "plain" not in m.state_dict()
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        _ = m.missing
    del m.buf
    assert "buf" not in m.state_dict()


def test_register_parameter_and_buffer_validation() -> None:
    m = nn.Module()
    m.register_parameter("p", nn.Parameter(mg.ones(2)))
    m.register_parameter("q", None)
    assert [n for n, _ in m.named_parameters()] == ["p"]
    with pytest.raises(TypeError):
        m.register_parameter("r", mg.ones(2))  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        m.register_buffer("a.b", mg.ones(1))
    with pytest.raises(TypeError):
        m.register_buffer("c", np.ones(1))  # type: ignore[arg-type]
    m.attr = 1
    with pytest.raises(KeyError):
        m.register_buffer("attr", mg.ones(1))


def test_apply_visits_children_first() -> None:
    m = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    seen: list[str] = []
    assert m.apply(lambda mod: seen.append(type(mod).__name__)) is m
    assert seen == ["Linear", "ReLU", "Sequential", "Sequential"]

    def zero(mod: nn.Module) -> None:
        if isinstance(mod, nn.Linear):
            nn.init.zeros_(mod.weight)

    m.apply(zero)
    assert np.all(m[0].weight.detach().numpy() == 0)


def test_to_double_float_keep_parameter_objects() -> None:
    m = Block()
    params = list(m.parameters())
    m(mg.randn(4, 3)).sum().backward()
    assert m.double() is m
    assert [p is q for p, q in zip(params, m.parameters(), strict=True)] == [True] * len(params)
    assert all(p.dtype == np.float64 for p in m.parameters())
    assert all(p.grad is None or p.grad.dtype == np.float64 for p in m.parameters())
    assert m.bn.running_var.dtype == np.float64 and m.scratch.dtype == np.float64
    assert m.bn.num_batches_tracked.dtype == np.int64 and m.steps.dtype == np.int64
    y = m(mg.randn(4, 3, dtype=mg.float64))
    assert y.dtype == np.float64
    m.float()
    assert all(p.dtype == np.float32 for p in m.parameters())
    m.to(mg.float64)
    assert m.fc.weight.dtype == np.float64
    with pytest.raises(mg.InvalidParameterError, match="int64"):
        m.to(mg.int64)


def test_repr_like_pytorch() -> None:
    m = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(64), nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Tanh()]))
    assert repr(m) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): BatchNorm1d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n"
        "  (2): ModuleList(\n"
        "    (0-1): 2 x ReLU()\n"
        "    (2): Tanh()\n"
        "  )\n"
        ")"
    )
    assert repr(nn.Parameter(mg.ones(2))).startswith("Parameter containing:\ntensor(")


def test_batchnorm_repr_is_pytorch_2_13s_under_the_compat_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    # PyTorch code run on minigrad prints as PyTorch 2.13, which shows bias= always (False without affine)
    from minigrad import _format

    monkeypatch.setattr(_format, "NAMESPACE", "torch")
    assert repr(nn.BatchNorm1d(4)) == ("BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                                       "track_running_stats=True)")
    assert repr(nn.InstanceNorm1d(3)) == ("InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, "
                                          "bias=False, track_running_stats=False)")


def test_forward_missing_raises() -> None:
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(1)


def test_sequential_container() -> None:
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    s = nn.Sequential(a, b)
    assert len(s) == 2 and s[0] is a and s[-1] is b and list(s) == [a, b]
    s.append(c)
    assert len(s) == 3 and s[2] is c
    head = s[:2]
    assert isinstance(head, nn.Sequential) and list(head) == [a, b]
    x = mg.randn(4, 2)
    np.testing.assert_allclose(s(x).detach().numpy(), c(b(a(x))).detach().numpy())
    s[1] = nn.Tanh()
    assert isinstance(s[1], nn.Tanh)
    del s[1]
    assert len(s) == 2 and s[1] is c and [n for n, _ in s.named_children()] == ["0", "1"]
    with pytest.raises(IndexError):
        s[5]
    named = nn.Sequential(OrderedDict(first=a, act=b))  # (a plain dict: PyTorch's TypeError, not a Module)
    assert [n for n, _ in named.named_parameters()] == ["first.weight", "first.bias"]
    assert named.first is a


def test_sequential_insert_and_delete_keep_numbering() -> None:
    a, b, c = nn.Linear(2, 2), nn.ReLU(), nn.Tanh()
    s = nn.Sequential(a, c)
    assert s.insert(1, b) is s and list(s) == [a, b, c]
    s.insert(-1, nn.Identity())
    assert [n for n, _ in s.named_children()] == ["0", "1", "2", "3"] and isinstance(s[2], nn.Identity)
    del s[0:2]
    assert [n for n, _ in s.named_children()] == ["0", "1"] and s[1] is c
    named = nn.Sequential(OrderedDict([("first", a), ("act", b)]))
    del named[0]
    assert [n for n, _ in named.named_children()] == ["0"]  # PyTorch renumbers given names too


def test_modulelist_and_moduledict() -> None:
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(layers) == 3 and [n for n, _ in layers.named_parameters()][:2] == ["0.weight", "0.bias"]
    layers.append(nn.ReLU())
    layers.extend([nn.Tanh()])
    assert len(layers) == 5 and isinstance(layers[-1], nn.Tanh)
    assert isinstance(layers[1:3], nn.ModuleList) and len(layers[1:3]) == 2
    del layers[0]
    assert [n for n, _ in layers.named_children()] == ["0", "1", "2", "3"]
    layers.insert(0, nn.Identity())
    assert isinstance(layers[0], nn.Identity)
    holder = nn.Module()
    holder.layers = layers
    assert len(list(holder.parameters())) == 4

    d = nn.ModuleDict({"enc": nn.Linear(2, 2), "act": nn.ReLU()})
    d["dec"] = nn.Linear(2, 1)
    assert list(d) == ["enc", "act", "dec"] and "enc" in d and len(d) == 3
    assert [k for k, _ in d.items()] == list(d.keys())
    assert [n for n, _ in d.named_parameters()] == ["enc.weight", "enc.bias", "dec.weight", "dec.bias"]
    popped = d.pop("act")
    assert isinstance(popped, nn.ReLU) and "act" not in d
    d.clear()
    assert len(d) == 0


def test_deepcopy_is_independent() -> None:
    m = Block()
    c = copy.deepcopy(m)
    c.fc.weight.detach().numpy()[...] = 0
    assert not np.all(m.fc.weight.detach().numpy() == 0)
    assert [n for n, _ in c.named_parameters()] == [n for n, _ in m.named_parameters()]


def test_parameter_shares_tensor_data() -> None:
    t = mg.randn(3)
    p = nn.Parameter(t)
    assert p.detach().numpy() is t.detach().numpy() and p.requires_grad
    frozen = nn.Parameter(np.ones(2), requires_grad=False)
    assert not frozen.requires_grad and frozen.dtype == np.float64
