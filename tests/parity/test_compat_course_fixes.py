"""What the course-notebook compat programs (optimizer_zoo, print_dtypes, model_repr, ...) needed:
each fix checked against torch on its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import _format, nn
from tests.helpers import raised, require_torch

torch = require_torch()

_message = raised


def test_duplicate_param_group_message_is_pytorchs() -> None:
    lin, tlin = nn.Linear(2, 2), torch.nn.Linear(2, 2)
    ours = mg.optim.SGD(lin.parameters(), lr=0.1)
    theirs = torch.optim.SGD(tlin.parameters(), lr=0.1)
    cls, msg = _message(lambda: ours.add_param_group({"params": [lin.bias]}))
    tcls, tmsg = _message(lambda: theirs.add_param_group({"params": [tlin.bias]}))
    assert issubclass(cls, tcls) and msg == tmsg


@pytest.mark.parametrize("call", ["mean", "var", "std", "mean0"])
@pytest.mark.parametrize("values", [[1, 2], [True, False]])
def test_integer_mean_var_messages_are_pytorchs(call: str, values: list[Any]) -> None:
    def run(lib: Any) -> Callable[[], Any]:
        t = lib.tensor(values)
        return {"mean": t.mean, "var": t.var, "std": t.std, "mean0": lambda: t.mean(0)}[call]

    cls, msg = _message(run(mg))
    tcls, tmsg = _message(run(torch))
    assert issubclass(cls, tcls) and msg == tmsg


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_parameter_container_reprs_match_torch(dtype: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_format, "NAMESPACE", "torch")  # as under python -m minigrad.compat

    def build(lib: Any) -> tuple[Any, Any]:
        dt = getattr(lib, dtype)
        plist = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2, 3, dtype=dt)), lib.zeros(1, dtype=dt)])
        pdict = lib.nn.ParameterDict({"a": lib.nn.Parameter(lib.ones((), dtype=dt)),
                                      "b": lib.ones(4, dtype=dt)})
        return plist, pdict

    for ours, theirs in zip(build(mg), build(torch)):
        assert repr(ours) == repr(theirs)


def test_resuming_scheduler_without_initial_lr_prints_torchs_key_error() -> None:
    def raise_it(lib: Any) -> tuple[type[BaseException], str]:
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(2))], lr=0.1)
        return _message(lambda: lib.optim.lr_scheduler.StepLR(opt, step_size=2, last_epoch=3))

    (cls, msg), (tcls, tmsg) = raise_it(mg), raise_it(torch)
    assert issubclass(cls, tcls) and msg == tmsg


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "lanczos"])
@pytest.mark.parametrize(("shape", "size", "scale", "align_corners"), [
    ((2, 3, 9, 7), (3, 4), None, False), ((1, 2, 6, 6), (6, 2), None, False),
    ((1, 2, 5, 7), (9, 11), None, False), ((1, 2, 10, 9), (4, 4), None, True),
    ((1, 1, 9, 7), None, 0.45, False), ((1, 1, 9, 7), None, (0.3, 1.7), False),
])
def test_antialiased_interpolate_matches_torch(mode: str, shape: tuple[int, ...], size: Any, scale: Any,
                                               align_corners: bool) -> None:
    if mode == "lanczos" and align_corners:
        pytest.skip("lanczos refuses align_corners")
    rng = np.random.default_rng(0)
    x, g = rng.standard_normal(shape), None
    outs, grads = [], []
    for lib in (mg, torch):
        t = lib.tensor(x, requires_grad=True)
        y = lib.nn.functional.interpolate(t, size=size, scale_factor=scale, mode=mode,
                                          align_corners=align_corners, antialias=True)
        g = rng.standard_normal(tuple(y.shape)) if g is None else g
        y.backward(lib.tensor(g))
        outs.append(y.detach().numpy())
        grads.append(t.grad.numpy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10, atol=1e-12)
    x32 = x.astype(np.float32)
    ours = mg.nn.functional.interpolate(mg.tensor(x32), size=size, scale_factor=scale, mode=mode,
                                        align_corners=align_corners, antialias=True)
    theirs = torch.nn.functional.interpolate(torch.tensor(x32), size=size, scale_factor=scale, mode=mode,
                                             align_corners=align_corners, antialias=True)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kwargs", [
    {"mode": "lanczos"}, {"mode": "lanczos", "antialias": True, "align_corners": True},
    {"mode": "nearest", "antialias": True}, {"mode": "area", "antialias": True},
])
def test_antialias_argument_errors_match_torch(kwargs: dict[str, Any]) -> None:
    def resize(lib: Any) -> Callable[[], Any]:
        return lambda: lib.nn.functional.interpolate(lib.ones(1, 1, 4, 4), size=(2, 2), **kwargs)

    cls, msg = _message(resize(mg))
    tcls, tmsg = _message(resize(torch))
    assert issubclass(cls, tcls) and msg == tmsg


def test_truth_value_of_many_elements_message_is_pytorchs() -> None:
    cls, msg = _message(lambda: bool(mg.tensor([1, 2])))
    tcls, tmsg = _message(lambda: bool(torch.tensor([1, 2])))
    assert issubclass(cls, tcls) and msg == tmsg


def test_deepcopy_refuses_non_leaf_as_torch_and_copies_leaves() -> None:
    import copy

    def non_leaf(lib: Any) -> Callable[[], Any]:
        return lambda: copy.deepcopy(lib.ones(2, requires_grad=True) * 2)

    (cls, msg), (tcls, tmsg) = _message(non_leaf(mg)), _message(non_leaf(torch))
    assert issubclass(cls, tcls) and msg == tmsg
    with pytest.warns(FutureWarning):  # the message's case: a computed weight attribute
        weight_normed = nn.utils.weight_norm(nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(weight_normed)
    leaf = nn.Parameter(mg.tensor([1.0, -2.0]))
    leaf.grad = mg.tensor([0.5, 0.5])
    leaf.note = "kept"
    replica = copy.deepcopy(leaf)
    assert type(replica) is nn.Parameter and replica is not leaf
    assert replica.requires_grad and replica.is_leaf
    # a Parameter's copy, as PyTorch's Parameter.__deepcopy__ makes it, has no grad and no tags (progs22);
    # a plain leaf Tensor's copy keeps both (below)
    torch_leaf = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    torch_leaf.grad = torch.tensor([0.5, 0.5])
    torch_leaf.note = "kept"
    torch_replica = copy.deepcopy(torch_leaf)
    assert (replica.grad, hasattr(replica, "note")) == (torch_replica.grad, hasattr(torch_replica, "note"))
    plain = mg.tensor([1.0, -2.0], requires_grad=True)
    plain.grad = mg.tensor([0.5, 0.5])
    plain.note = "kept"
    plain_copy = copy.deepcopy(plain)
    assert plain_copy.note == "kept" and plain_copy.grad is not plain.grad
    assert plain_copy.grad.tolist() == [0.5, 0.5]
    replica.data.mul_(3)
    assert leaf.tolist() == [1.0, -2.0]
    assert copy.deepcopy(mg.ones(2, requires_grad=True)).requires_grad
    with mg.no_grad():
        assert copy.deepcopy(mg.ones(2, requires_grad=True) * 2).tolist() == [2.0, 2.0]


def test_deepcopy_of_a_module_whose_buffer_is_a_view() -> None:
    """The annotated transformer's ``register_buffer("pe", pe.unsqueeze(0))`` then ``copy.deepcopy(module)``:
    the copy owns its memory, as PyTorch's (the view's weak link to its base is not copied)."""
    import copy

    for lib in (mg, torch):
        m = lib.nn.Module()
        m.register_buffer("pe", lib.arange(6.0).reshape(3, 2).unsqueeze(0))
        replica = copy.deepcopy(m)
        with lib.no_grad():
            replica.pe.add_(1)
        assert m.pe.flatten().tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
        assert replica.pe.flatten().tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        assert not replica.pe._is_view()


@pytest.mark.parametrize("make", [
    lambda lib: [np.float64(1.0)], lambda lib: [np.float64(1.0), 2.0], lambda lib: [np.float32(1.0), 2.0],
    lambda lib: [[np.float64(1)], [2.0]], lambda lib: [np.int64(1), np.float32(2)], lambda lib: [1.0, 2.0],
    lambda lib: [lib.tensor(1.0, dtype=lib.float64), 2.0], lambda lib: [np.float64(1.0), lib.tensor(2.0)],
    lambda lib: [1, np.float64(2)], lambda lib: [True, 1.5], lambda lib: (0.5, np.float64(2)),
    lambda lib: 2.5,
])
def test_tensor_of_lists_infers_float64_from_items_as_torch(make: Callable[[Any], Any]) -> None:
    ours, theirs = mg.tensor(make(mg)), torch.tensor(make(torch))
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("persistent", [True, False])
def test_worker_loaders_draw_as_torch(persistent: bool) -> None:
    def orders(lib: Any) -> list[list[int]]:
        import warnings

        gen = lib.Generator().manual_seed(5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # minigrad's one-time note that it loads in the main process
            loader = lib.utils.data.DataLoader(list(range(10)), batch_size=10, shuffle=True, generator=gen,
                                               num_workers=2, persistent_workers=persistent)
            # whole passes, and single batches: the sampler runs prefetch_factor * num_workers batches ahead
            passes = [[b.tolist() for b in loader] for _ in range(3)]
            return passes + [next(iter(loader)).tolist() for _ in range(3)]

    assert orders(mg) == orders(torch)


def test_collate_fn_map_extension_point_matches_torch() -> None:
    def run(lib: Any) -> Any:
        from importlib import import_module

        utils = import_module(f"{lib.__name__}.utils.data._utils.collate")

        def pad(batch: Any, *, collate_fn_map: Any = None) -> Any:
            n = max(t.numel() for t in batch)
            return lib.stack([lib.cat([t, t.new_zeros(n - t.numel())]) for t in batch])

        samples = [{"seq": lib.arange(1, k + 1), "pair": (k, float(k) / 2, k > 1), "name": f"s{k}",
                    "arr": np.full(2, k, dtype=np.int32)} for k in (3, 1, 2)]
        batch = utils.collate(samples, collate_fn_map={**utils.default_collate_fn_map, lib.Tensor: pad})
        plain = utils.default_collate([s["pair"] for s in samples])
        return (batch["seq"].tolist(), [t.tolist() for t in batch["pair"]], batch["name"],
                batch["arr"].tolist(), [str(t.dtype).removeprefix("torch.") for t in plain],
                utils.default_convert([np.float32(1.5)]))

    ours, theirs = run(mg), run(torch)
    assert ours[:5] == theirs[:5]
    assert [float(t) for t in ours[5]] == [float(t) for t in theirs[5]]


_NAMED: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("mse", lambda lib, x: lib.nn.functional.mse_loss(x, lib.zeros(4, 3))),
    ("mse-none", lambda lib, x: lib.nn.functional.mse_loss(x, lib.zeros(4, 3), reduction="none")),
    ("ce", lambda lib, x: lib.nn.functional.cross_entropy(x, lib.tensor([0, 2, 1, 0]))),
    ("ce-weight-sum", lambda lib, x: lib.nn.functional.cross_entropy(x, lib.tensor([0, 2, 1, 0]),
                                                                     weight=lib.ones(3), reduction="sum")),
    ("ce-ignore", lambda lib, x: lib.nn.functional.cross_entropy(x, lib.tensor([0, 2, 1, 0]),
                                                                 ignore_index=1)),
    ("ce-smoothing", lambda lib, x: lib.nn.functional.cross_entropy(x, lib.tensor([0, 2, 1, 0]),
                                                                    label_smoothing=0.1)),
    ("nll", lambda lib, x: lib.nn.functional.nll_loss(x.log_softmax(1), lib.tensor([0, 2, 1, 0]))),
    ("bce", lambda lib, x: lib.nn.functional.binary_cross_entropy(x.sigmoid(), lib.ones(4, 3))),
    ("bce-logits", lambda lib, x: lib.nn.functional.binary_cross_entropy_with_logits(
        x, lib.ones(4, 3), pos_weight=lib.ones(3))),
    ("smooth-l1", lambda lib, x: lib.nn.functional.smooth_l1_loss(x, lib.zeros(4, 3), reduction="sum")),
    ("huber", lambda lib, x: lib.nn.functional.huber_loss(x, lib.zeros(4, 3), reduction="none")),
    ("l1", lambda lib, x: lib.nn.functional.l1_loss(x, lib.zeros(4, 3))),
    ("layer-norm", lambda lib, x: lib.nn.functional.layer_norm(x, (3,))),
    ("batch-norm", lambda lib, x: lib.nn.functional.batch_norm(x, None, None, training=True)),
    ("batch-norm-eval", lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(3), lib.ones(3))),
    ("group-norm", lambda lib, x: lib.nn.functional.group_norm(x.reshape(2, 2, 3), 1)),
    ("conv2d", lambda lib, x: lib.nn.functional.conv2d(x.reshape(1, 1, 4, 3), lib.ones(2, 1, 2, 2),
                                                       lib.ones(2))),
    ("conv2d-unbatched", lambda lib, x: lib.nn.functional.conv2d(x.reshape(1, 4, 3), lib.ones(2, 1, 2, 2))),
    ("conv1d", lambda lib, x: lib.nn.functional.conv1d(x.reshape(1, 4, 3), lib.ones(2, 4, 2))),
    ("max-pool2d", lambda lib, x: lib.nn.functional.max_pool2d(x.reshape(1, 1, 4, 3), 2)),
    ("max-pool1d", lambda lib, x: lib.nn.functional.max_pool1d(x.reshape(1, 4, 3), 2)),
    ("avg-pool2d", lambda lib, x: lib.nn.functional.avg_pool2d(x.reshape(1, 4, 3), 2)),
    ("embedding", lambda lib, x: lib.nn.functional.embedding(lib.tensor([[1, 2]]), x)),
    *[(name, lambda lib, x, name=name: getattr(lib.nn.functional, name)(x))
      for name in ("softplus", "leaky_relu", "elu", "selu", "celu", "silu", "mish", "hardswish",
                   "hardsigmoid", "hardtanh", "relu6", "logsigmoid", "hardshrink", "softshrink")],
    ("glu", lambda lib, x: lib.nn.functional.glu(x.reshape(3, 4))),
    ("threshold", lambda lib, x: lib.nn.functional.threshold(x, 0.1, 2.0)),
    ("prelu", lambda lib, x: lib.nn.functional.prelu(x, lib.tensor([0.25]))),
    ("log1p", lambda lib, x: (x * x).log1p()),
]


@pytest.mark.parametrize(("name", "make"), _NAMED, ids=[n for n, _ in _NAMED])
def test_composed_functionals_print_torchs_grad_fn(name: str, make: Callable[[Any, Any], Any]) -> None:
    x = np.linspace(-1.0, 1.0, 12, dtype=np.float32).reshape(4, 3)
    ours = make(mg, mg.tensor(x, requires_grad=True))
    theirs = make(torch, torch.tensor(x, requires_grad=True))
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    assert repr(ours).split("grad_fn=")[1] == repr(theirs).split("grad_fn=")[1]
    ours.sum().backward()  # the label changes nothing else
    assert ours.grad_fn.name() == theirs.grad_fn.name()


def test_label_never_renames_an_input_node() -> None:
    x = mg.tensor([[1.0, 2.0]], requires_grad=True) * 2
    assert nn.functional.layer_norm(x, (2,)).grad_fn.name() == "NativeLayerNormBackward0"
    assert x.grad_fn.name() == "MulBackward0"
    weighted = nn.functional.mse_loss(x, mg.zeros(1, 2), weight=mg.ones(1, 2))
    assert weighted.grad_fn.name() != "MseLossBackward0"
