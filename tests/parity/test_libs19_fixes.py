"""Regressions found by running third-party libraries written against the torch API on minigrad
(einops, torchdiffeq, torch_optimizer with pytorch_ranger, lion_pytorch, ema_pytorch,
rotary_embedding_torch) and comparing with real torch. The libraries are not needed here: each test
reproduces the torch-API behaviour the library relied on and compares it with torch."""

from __future__ import annotations

import warnings
from collections import OrderedDict, defaultdict, deque, namedtuple
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import settings
from minigrad.utils import _pytree
from tests.helpers import require_torch

A = np.array([1.0, -2.0, 0.5], dtype=np.float32)
B = np.array([0.25, 3.0, -1.5], dtype=np.float32)
C = np.array([2.0, 0.5, 4.0], dtype=np.float32)

# pytorch_ranger and old optimizer code: exp_avg.mul_(beta1).add_(1 - beta1, grad), addcmul_(v, g, g)
SCALAR_FIRST: dict[str, Callable[[Any, Any, Any, Any], Any]] = {
    "add_": lambda lib, a, b, c: a.clone().add_(0.5, b),
    "sub_": lambda lib, a, b, c: a.clone().sub_(0.5, b),
    "add": lambda lib, a, b, c: a.add(-2, b),
    "sub": lambda lib, a, b, c: a.sub(3, b),
    "torch.add": lambda lib, a, b, c: lib.add(a, 0.5, b),
    "torch.sub": lambda lib, a, b, c: lib.sub(a, 0.5, b),
    "addcmul_": lambda lib, a, b, c: a.clone().addcmul_(0.1, b, c),
    "addcdiv_": lambda lib, a, b, c: a.clone().addcdiv_(-0.1, b, c),
    "addcmul": lambda lib, a, b, c: a.addcmul(0.1, b, c),
    "addcdiv": lambda lib, a, b, c: a.addcdiv(0.1, b, c),
    "torch.addcmul": lambda lib, a, b, c: lib.addcmul(a, 0.1, b, c),
    "torch.addcdiv": lambda lib, a, b, c: lib.addcdiv(a, 0.1, b, c),
    "0-d alpha": lambda lib, a, b, c: a.clone().add_(lib.tensor(2.0), b),
    "two numbers": lambda lib, a, b, c: a.clone().add_(2, 3),
}


@pytest.mark.parametrize("name", list(SCALAR_FIRST))
def test_deprecated_scalar_first_overloads_compute_as_torch(name: str) -> None:
    """x.add_(alpha, other) and addcmul_(value, t1, t2) raised 'Boolean value of Tensor ... ambiguous' or a
    TypeError; PyTorch still accepts its deprecated scalar-first overloads (pytorch_ranger uses them)."""
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        theirs = SCALAR_FIRST[name](torch, *(torch.tensor(x) for x in (A, B, C)))
        ours = SCALAR_FIRST[name](mg, *(mg.tensor(x) for x in (A, B, C)))
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_deprecated_overload_warns_once_per_process_in_torch_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """PyTorch warns of the deprecated overloads once per process (TORCH_WARN_ONCE), naming the form."""
    monkeypatch.setattr(settings, "_warned_once", set())
    a, b = mg.tensor(A), mg.tensor(B)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a.add_(0.5, b)
        a.addcmul_(0.5, b, b)
    assert [str(w.message) for w in caught] == [
        "This overload of add_ is deprecated:\n\tadd_(Number alpha, Tensor other)\nConsider using one of the "
        "following signatures instead:\n\tadd_(Tensor other, *, Number alpha = 1)"]
    monkeypatch.setattr(settings, "_warned_once", set())
    with pytest.warns(UserWarning, match=r"addcmul\(Tensor input, Number value, Tensor tensor1, Tensor "
                                         r"tensor2, \*, Tensor out = None\)"):
        mg.addcmul(a, 0.5, b, b)


WRONG_FORMS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "add_ alpha positional": lambda lib, a, b: a.clone().add_(b, 2),
    "add alpha positional": lambda lib, a, b: a.add(b, 2),
    "torch.add alpha positional": lambda lib, a, b: lib.add(a, b, 2),
    "addcmul value last": lambda lib, a, b: a.addcmul(b, b, 2),
    "addcmul_ value in the middle": lambda lib, a, b: a.clone().addcmul_(b, 2, b),
    "subtract has no such overload": lambda lib, a, b: lib.subtract(a, 2, b),
    "Tensor.subtract has none either": lambda lib, a, b: a.subtract(2, b),
}


@pytest.mark.parametrize("name", list(WRONG_FORMS))
def test_other_extra_positionals_raise_type_error_as_torch(name: str) -> None:
    """Only the scalar-first form is accepted: alpha and value stay keyword-only, as in PyTorch."""
    torch = require_torch()
    with pytest.raises(TypeError):
        WRONG_FORMS[name](torch, torch.tensor(A), torch.tensor(B))
    with pytest.raises(TypeError):
        WRONG_FORMS[name](mg, mg.tensor(A), mg.tensor(B))


def _weight_grad_after_create_graph(lib: Any) -> Any:
    lib.manual_seed(0)
    layer = lib.nn.Linear(2, 3)
    with lib.no_grad():
        layer.weight.copy_(lib.tensor(np.arange(6, dtype=np.float32).reshape(3, 2) / 7))
    x = lib.tensor(np.array([[1.0, -1.0], [0.5, 2.0]], dtype=np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # (PyTorch's reference-cycle warning)
        layer(x).pow(2).sum().backward(create_graph=True)
    return layer.weight.grad


def test_grad_stored_by_backward_with_create_graph_is_a_copy() -> None:
    """torch_optimizer's Adahessian calls p.grad.detach_() after backward(create_graph=True): minigrad
    stored the gradient itself, for a Linear weight a transposed view, and detach_() raised 'Can't detach
    views in-place'. PyTorch stores a copy in the parameter's layout (grad_fn CopyBackwards)."""
    torch = require_torch()
    theirs, ours = _weight_grad_after_create_graph(torch), _weight_grad_after_create_graph(mg)
    assert ours.grad_fn.name().rpartition("::")[2] == theirs.grad_fn.name().rpartition("::")[2]
    assert ours.requires_grad and theirs.requires_grad
    assert ours.is_contiguous() and ours.stride() == theirs.stride()
    ours.detach_()
    theirs.detach_()
    assert ours.grad_fn is None and not ours.requires_grad
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_create_graph_grad_does_not_alias_the_given_gradient() -> None:
    """backward(gradient=v, create_graph=True) on a leaf: .grad is a copy, v stays untouched when .grad
    is later changed in place (PyTorch's clone on accumulation)."""
    torch = require_torch()
    for lib in (torch, mg):
        x = lib.ones(3, requires_grad=True)
        v = lib.tensor([1.0, 2.0, 3.0])
        with warnings.catch_warnings():  # (PyTorch's once-per-process cycle warning)
            warnings.filterwarnings("ignore", "Using backward\\(\\) with create_graph=True", UserWarning)
            x.backward(v, create_graph=True)
        assert x.grad is not v
        x.grad.data.mul_(10)
        assert v.tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("exponent", [-2 / 3, 0.75, 1 / 3, -1.7, 0.1, 2.5])
@pytest.mark.parametrize("n", [0, 1, 6, 15])
def test_float32_pow_of_a_small_tensor_rounds_as_torch(exponent: float, n: int) -> None:
    """ema_pytorch's decay 1 - (1 + step) ** -power (a 0-d float32 tensor) differed in the last bit:
    PyTorch keeps a Python exponent a double, and a tensor under 16 elements takes std::pow(float,
    double); numpy's float32 power rounded the exponent to float32 first (1000 ** (-2/3) was 2 ulps off)."""
    torch = require_torch()
    x = np.array([6.0, 3.0, 0.5, 7.0, 1e3, 2.5, 9.0, 0.01, 11.0, 12.5, 13.0, 14.0, 15.0, 0.3, 17.0],
                 dtype=np.float32)
    base = x[0] if n == 0 else x[:n]
    theirs = (torch.tensor(base) ** exponent).numpy()
    ours = (mg.tensor(base) ** exponent).numpy()
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


def test_float32_pow_gradient_of_a_small_tensor_matches_torch() -> None:
    """The gradient's x ** (p - 1) goes through the same kernel."""
    torch = require_torch()
    grads = []
    for lib in (torch, mg):
        x = lib.tensor(np.array([6.0, 1e3, 2.5], dtype=np.float32), requires_grad=True)
        (x ** (-2 / 3)).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[1], grads[0])


NT = namedtuple("NT", "a b")  # a plain namedtuple, as user code writes one


def _trees(lib: Any) -> dict[str, Any]:
    return {
        "nested": {"b": [1, (2, None)], "a": NT(3, 4.5), "o": OrderedDict(z=1, y=2), "d": deque([5, 6]),
                   "e": defaultdict(list, k=[7]), "f": (), "g": {}},
        "tensors": [lib.ones(2), {"w": lib.zeros(1)}],
        "leaf": 5,
        "none": None,
    }


@pytest.mark.parametrize("name", ["nested", "tensors", "leaf", "none"])
def test_pytree_flatten_unflatten_as_torch(name: str) -> None:
    """ema_pytorch imports torch.utils._pytree (EMAPytree flattens with tree_flatten): minigrad had no
    such module, so `import ema_pytorch` failed."""
    torch = require_torch()
    from torch.utils import _pytree as theirs_mod

    theirs_tree, ours_tree = _trees(torch)[name], _trees(mg)[name]
    theirs_leaves, theirs_spec = theirs_mod.tree_flatten(theirs_tree)
    ours_leaves, ours_spec = _pytree.tree_flatten(ours_tree)
    assert [type(x).__name__ for x in ours_leaves] == [type(x).__name__ for x in theirs_leaves]
    assert repr(ours_spec) == repr(theirs_spec)
    assert ours_spec.num_leaves == theirs_spec.num_leaves
    numbered = list(range(len(ours_leaves)))
    assert repr(_pytree.tree_unflatten(numbered, ours_spec)) == repr(theirs_mod.tree_unflatten(numbered,
                                                                                                theirs_spec))
    assert _pytree.tree_structure(ours_tree) == ours_spec


MAPS: dict[str, Callable[[Any], Any]] = {
    "two trees": lambda p: p.tree_map(lambda a, b: a + b, [1, (2, 3)], [3, (4, 5)]),
    "deeper rest": lambda p: p.tree_map(lambda a, b: (a, b), [1, 2], [1, [2, 3]]),
    "dicts by keys": lambda p: p.tree_map(lambda a, b: a + b, {"a": 1, "b": 2}, OrderedDict(b=3, a=4)),
    "only ints": lambda p: p.tree_map_only(int, lambda x: -x, [1, 2.0, "s"]),
    "all any": lambda p: (p.tree_all(lambda x: x > 0, [1, [2]]), p.tree_any(lambda x: x > 1, {"a": 1})),
    "leaves is_leaf": lambda p: p.tree_leaves([1, [2, [3]]], is_leaf=lambda x: x == [2, [3]]),
    "type mismatch": lambda p: p.tree_map(lambda a, b: a, [1], (1,)),
    "arity mismatch": lambda p: p.tree_map(lambda a, b: a, [1], [1, 2]),
    "keys mismatch": lambda p: p.tree_map(lambda a, b: a, {"a": 1}, {"b": 1}),
    "leaf for a node": lambda p: p.tree_map(lambda a, b: a, [1, [2]], [1, 2]),
    "leaf count": lambda p: p.tree_unflatten([1], p.tree_structure([1, 2])),
    "not a spec": lambda p: p.tree_unflatten([1], 3),
}


@pytest.mark.parametrize("name", list(MAPS))
def test_pytree_maps_and_errors_as_torch(name: str) -> None:
    """tree_map flattens the other trees up to the first one's leaves, with PyTorch's errors."""
    require_torch()
    from torch.utils import _pytree as theirs_mod

    def outcome(module: Any) -> str:
        try:
            return repr(MAPS[name](module))
        except (TypeError, ValueError) as e:
            return f"{type(e).__name__}: {e}"

    assert outcome(_pytree) == outcome(theirs_mod)


def test_pytree_register_node() -> None:
    """A registered class flattens through its functions; registering twice is PyTorch's ValueError."""

    class Pair:
        def __init__(self, x: Any, y: Any) -> None:
            self.x, self.y = x, y

    _pytree.register_pytree_node(Pair, lambda o: ([o.x, o.y], None), lambda v, c: Pair(*v))
    try:
        leaves, spec = _pytree.tree_flatten([Pair(1, Pair(2, 3))])
        assert leaves == [1, 2, 3]
        rebuilt = _pytree.tree_unflatten([4, 5, 6], spec)
        assert (rebuilt[0].x, rebuilt[0].y.x, rebuilt[0].y.y) == (4, 5, 6)
        with pytest.raises(ValueError, match="already registered"):
            _pytree.register_pytree_node(Pair, lambda o: ([], None), lambda v, c: Pair(0, 0))
    finally:
        del _pytree.SUPPORTED_NODES[Pair]


def test_dynamo_config_switches_read_and_set_as_torch() -> None:
    """einops' tests set torch._dynamo.config.verbose (and scripts suppress_errors, cache_size_limit):
    torch._dynamo was not in minigrad. The settings have PyTorch's defaults, keep what is set, and an
    unknown name is PyTorch's AttributeError."""
    require_torch()
    import torch._dynamo as theirs

    from minigrad import _dynamo

    for name in ("suppress_errors", "verbose", "cache_size_limit", "recompile_limit", "optimize_ddp",
                 "capture_scalar_outputs", "automatic_dynamic_shapes", "assume_static_by_default"):
        assert getattr(_dynamo.config, name) == getattr(theirs.config, name), name
    for config in (_dynamo.config, theirs.config):
        with config.patch(verbose=True, cache_size_limit=64):
            assert config.verbose is True and config.cache_size_limit == 64
        assert config.verbose is False and config.cache_size_limit == 8
        with pytest.raises(AttributeError, match=r"torch._dynamo.config.no_such_switch does not exist"):
            config.no_such_switch = 1
        with pytest.raises(AttributeError, match=r"torch._dynamo.config.no_such_switch does not exist"):
            _ = config.no_such_switch
    assert not _dynamo.is_compiling()
    _dynamo.reset()
    assert _dynamo.disable(len) is len and _dynamo.allow_in_graph(len) is len


def test_dynamo_reached_as_an_attribute_under_the_alias() -> None:
    """`torch._dynamo.config.verbose = True` with no `import torch._dynamo` (PyTorch loads it lazily)."""
    assert mg._dynamo.config.verbose is False


def test_distributed_nn_imports_and_refuses_clearly() -> None:
    """vector_quantize_pytorch does `from torch.distributed import nn as dist_nn` at import (calling it only
    when a process group is initialized): minigrad.distributed had no nn, so the library failed to import."""
    require_torch()
    from torch.distributed import nn as theirs

    from minigrad.distributed import nn as ours

    assert set(ours.__all__) <= set(dir(theirs))
    with pytest.raises(mg.UnsupportedError, match=r"torch.distributed.nn.all_reduce\(\): minigrad does not"):
        ours.all_reduce(mg.ones(2))


def _containers_with_none(lib: Any) -> list[Any]:
    ml = lib.nn.ModuleList([None, lib.nn.Linear(1, 1), None])
    seq = lib.nn.Sequential(lib.nn.ReLU(), lib.nn.Tanh())
    seq.register_module("2", None)
    shown = [len(ml), ml[0], ml[-1], type(ml[1]).__name__, [type(m).__name__ for m in ml],
             [type(m).__name__ for m in ml[1:]], repr(ml), len(seq), [type(m).__name__ for m in seq], seq[-1]]
    ml.append(None)
    del ml[0]
    ml.insert(0, None)
    shown += [[type(m).__name__ for m in ml], len(ml + lib.nn.ModuleList([None])), len(list(ml.children()))]
    try:
        seq(lib.ones(1))
    except TypeError as e:
        shown.append(str(e))
    return shown


def test_module_list_keeps_none_entries_as_torch() -> None:
    """x-transformers keeps None placeholders in ModuleLists it indexes per layer: minigrad's ModuleList
    and Sequential dropped None from len-checked indexing and iteration (IndexError: index 1 is out of
    range). PyTorch indexes and iterates them as None; Sequential calling a None entry is its TypeError."""
    torch = require_torch()
    assert _containers_with_none(mg) == _containers_with_none(torch)


def test_torch_c_linalg_error_is_the_linalg_error() -> None:
    """torchdiffeq's implicit solvers do `except torch._C._LinAlgError:` around linalg.solve: the name was
    missing, so a singular Jacobian ended the solve with an AttributeError instead of being caught."""
    torch = require_torch()
    from minigrad import _torch_c

    assert torch._C._LinAlgError is torch.linalg.LinAlgError
    assert _torch_c._LinAlgError is mg.linalg.LinAlgError
    for lib, error in ((torch, torch._C._LinAlgError), (mg, _torch_c._LinAlgError)):
        with pytest.raises(error):
            lib.linalg.solve(lib.zeros(2, 2), lib.ones(2))


def test_checkpoint_with_float_dict_keys_round_trips_as_torch(tmp_path: Any) -> None:
    """torch_optimizer's AggMo keeps state['momentum_buffer'] = {beta: tensor} with float betas: mg.save
    refused the optimizer's state_dict ('key 0.0 ... is neither a string nor an int'); torch.save keeps
    any key."""
    torch = require_torch()
    for lib in (torch, mg):
        buffers = {0.0: lib.ones(2), 0.9: lib.zeros(2), 0.99: lib.full((2,), 3.0)}
        state = {"state": {0: {"momentum_buffer": buffers}},
                 "param_groups": [{"betas": [0.0, 0.9, 0.99], "params": [0]}]}
        path = tmp_path / f"{lib.__name__}.pt"
        lib.save(state, path)
        loaded = lib.load(path)
        buffers = loaded["state"][0]["momentum_buffer"]
        assert list(buffers) == [0.0, 0.9, 0.99] and all(type(k) is float for k in buffers)
        assert [b.tolist() for b in buffers.values()] == [[1.0, 1.0], [0.0, 0.0], [3.0, 3.0]]


AS_STRIDED_INPUTS: dict[str, Callable[[Any], Any]] = {
    "transposed": lambda x: x.transpose(0, 2),
    "permuted": lambda x: x.permute(1, 2, 0),
    "strided slice": lambda x: x[:, :, ::2],
    "row of a transpose": lambda x: x[1].t(),
}


@pytest.mark.parametrize("name", list(AS_STRIDED_INPUTS))
def test_as_strided_of_a_non_contiguous_tensor_reads_its_memory_as_torch(name: str) -> None:
    """torchdiffeq's adjoint does `torch.as_strided(y, (), ())` (a PyTorch bug workaround) on a y that is a
    strided slice: minigrad refused any non-contiguous input. Reads that land on the input's own elements
    now follow its strides, as PyTorch's; gradients flow back to those elements."""
    torch = require_torch()
    results = []
    for lib in (torch, mg):
        base = lib.arange(24.0).reshape(2, 3, 4).requires_grad_(True)
        x = AS_STRIDED_INPUTS[name](base)
        first = lib.as_strided(x, (), ())
        windows = lib.as_strided(x, (2, 2), (x.stride(-1), x.stride(0))) if name != "strided slice" else first
        (first + windows.sum()).backward()
        results.append((first.item(), windows.tolist(), base.grad.tolist()))
    assert results[1] == results[0]


def test_as_strided_reading_between_elements_still_refuses() -> None:
    """A read of memory between a strided slice's elements reads its base there, as PyTorch (suites26:
    it was an error); an expanded input stays one."""
    torch = require_torch()
    for size, stride, offset in (((2,), (1,), None), ((3, 2), (2, 3), 5)):
        theirs = torch.as_strided(torch.arange(24.0).reshape(2, 3, 4)[:, :, ::2], size, stride, offset)
        ours = mg.as_strided(mg.arange(24.0).reshape(2, 3, 4)[:, :, ::2], size, stride, offset)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    with pytest.raises(mg.MinigradError, match="overlaps itself"):
        mg.as_strided(mg.ones(3).expand(2, 3), (2,), (1,))


ZERO_D_INT_ARGS: dict[str, Callable[[Any], Any]] = {
    "linspace steps": lambda lib: lib.linspace(-0.5, 0.5, lib.tensor(3)),
    "logspace steps": lambda lib: lib.logspace(0, 1, lib.tensor(3)),
    "eye n": lambda lib: lib.eye(lib.tensor(2)),
    "topk k": lambda lib: lib.tensor([3.0, 1.0, 2.0]).topk(lib.tensor(2)).values,
    "one_hot num_classes": lambda lib: lib.nn.functional.one_hot(lib.tensor([1]), lib.tensor(3)),
    "roll shifts": lambda lib: lib.arange(4.0).roll(lib.tensor(1)),
    "linspace float steps": lambda lib: lib.linspace(0, 1, lib.tensor(3.0)),
    "pad widths": lambda lib: lib.nn.functional.pad(lib.ones(2, 3), (lib.tensor(2), 0), value=-1.0),
}


@pytest.mark.parametrize("name", list(ZERO_D_INT_ARGS))
def test_zero_d_integer_tensor_where_an_int_goes_as_torch(name: str) -> None:
    """vector_quantize_pytorch's LatentQuantize calls torch.linspace(-0.5, 0.5, level) with a 0-d int
    tensor, x-transformers F.pad(t, (n, 0)) with n a 0-d tensor: minigrad's int checks refused them,
    PyTorch's argument parser takes them as ints."""
    torch = require_torch()
    try:
        theirs = ZERO_D_INT_ARGS[name](torch)
    except TypeError:
        with pytest.raises(TypeError):
            ZERO_D_INT_ARGS[name](mg)
        return
    ours = ZERO_D_INT_ARGS[name](mg)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
