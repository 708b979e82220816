"""Behaviours PyTorch's own test/test_torch.py checks, compared with PyTorch itself.

Each test runs the same code on both libraries (a function taking the library)
and compares values, strides and errors: repeat always copying, the layout of a
copy of an expanded tensor, attributes scripts put on tensors, and the other
fixes the test_torch.py probe (/work/helpers/torch_probe) led to.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _np(t: Any) -> Any:
    return np.asarray(t.detach().numpy())


def _both(fn: Any) -> tuple[Any, Any]:
    return fn(mg), fn(torch)


@pytest.mark.parametrize("src, reps", [([2.0], (4, 4)), ([[3.0], [1.0]], (1, 2)), ([1.0, 2.0], (1,)),
                                       ([[1.0, 2.0, 3.0]], (2, 1, 1))])
def test_repeat_result_owns_its_memory(src: list[Any], reps: tuple[int, ...]) -> None:
    def run(lib: Any) -> Any:
        x = lib.tensor(src)
        y = x.repeat(*reps)
        y.view(-1)[0] = 5.0  # one element: a view over x would change every copy (and x)
        return y, x, y.stride()

    (my, mx, ms), (ty, tx, ts) = _both(run)
    np.testing.assert_array_equal(_np(my), _np(ty))
    np.testing.assert_array_equal(_np(mx), _np(tx))
    assert ms == ts


def test_scatter_reduce_into_a_repeated_tensor() -> None:
    def run(lib: Any) -> Any:
        x = lib.tensor([2.0]).repeat(4, 4)
        x.scatter_(0, lib.tensor([[1], [2]]), 2.0, reduce="multiply")
        return x

    m, t = _both(run)
    np.testing.assert_array_equal(_np(m), _np(t))


@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([1.0, 2.0]).expand(3, 2),
    lambda lib: lib.arange(6.0).reshape(2, 3).expand(2, 2, 3),
    lambda lib: lib.arange(6.0).reshape(2, 1, 3).expand(2, 4, 3),
    lambda lib: lib.arange(24.0).reshape(2, 3, 4)[:, :, ::2],
    lambda lib: lib.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1)[::2],
    lambda lib: lib.arange(6.0).reshape(2, 3).t(),
])
def test_clone_of_a_tensor_with_gaps_or_overlap_keeps_pytorch_layout(make: Any) -> None:
    m, t = _both(lambda lib: make(lib).clone())
    assert m.stride() == t.stride()
    np.testing.assert_array_equal(_np(m), _np(t))


def test_plain_tensors_take_attributes() -> None:
    for lib in (mg, torch):
        x = lib.empty(2)
        x.foo = 2
        y = lib.empty(2)
        y.grad = x
        del x
        assert y.grad.foo == 2
        assert lib.nn.Parameter(lib.ones(1)).__dict__ == {}


def _outcome(fn: Any, lib: Any) -> Any:
    """The value fn(lib) gives (a list, dtype name, shape) or the error it raises (builtin class, text)."""
    try:
        r = fn(lib)
    except Exception as e:
        return ("error", type(e), str(e))
    if isinstance(r, (mg.Tensor, torch.Tensor)):
        return ("value", _np(r).tolist(), str(r.dtype).replace("torch.", ""), tuple(r.shape))
    if isinstance(r, (tuple, list)):
        return ("seq", [_outcome(lambda _lib, v=v: v, lib) for v in r])
    return ("value", r)


def _same(fn: Any, text: bool = True) -> None:
    """fn(minigrad) and fn(torch) give the same values (float ones to 1e-6), dtype and shape, or raise the
    same builtin class (with PyTorch's message in minigrad's, if ``text``)."""
    m, t = _outcome(fn, mg), _outcome(fn, torch)
    if m[0] == "error" and t[0] == "error":
        builtin = next(c for c in t[1].__mro__ if c.__module__ == "builtins")  # PyTorch's class
        assert issubclass(m[1], builtin), (m, t)
        theirs = re.sub(r" \(Triggered internally at [^)]*\)$", "", t[2])  # (where C++ raised it)
        assert not text or theirs in m[2], (m, t)
    elif m[0] == t[0] == "value" and len(m) == 4:
        assert m[2:] == t[2:], (m, t)
        np.testing.assert_allclose(np.asarray(m[1], dtype=float), np.asarray(t[1], dtype=float), rtol=1e-6)
    else:
        assert m == t


INF, NAN = float("inf"), float("nan")
SAME = {
    # torch.gradient with a number as spacing: plain central differences (inf samples stay inf)
    "gradient inf": lambda t: t.gradient(t.tensor([2, -2, INF, INF, -INF, -INF, INF, 3, -INF, 2, 3]))[0],
    "gradient edge 2": lambda t: t.gradient(t.tensor([1.0, 4.0, 9.0, 16.0, 30.0]), spacing=2.0,
                                            edge_order=2)[0],
    "gradient float64 coordinates promote": lambda t: t.gradient(
        t.tensor([1.0, 4.0, 9.0, 16.0]), spacing=[t.tensor([0.0, 1.0, 1.5, 3.0], dtype=t.float64)])[0],
    "gradient int coordinates": lambda t: t.gradient(
        t.tensor([1.0, 4.0, 9.0, 16.0]), spacing=[t.tensor([0, 1, 3, 4])])[0],
    # masks of another dtype: PyTorch's RuntimeErrors and words
    "masked_select uint8 mask": lambda t: t.ones(3).masked_select(t.ones(3, dtype=t.uint8)),
    "masked_fill uint8 mask": lambda t: t.ones(3).masked_fill(t.ones(3, dtype=t.uint8), 1.0),
    "masked_fill int64 mask": lambda t: t.ones(3).masked_fill(t.ones(3, dtype=t.int64), 1.0),
    # out= whose dtype must be the result's
    "cummax out dtype": lambda t: t.cummax(t.ones(3), 0, out=(t.empty(3, dtype=t.int16),
                                                               t.empty(3, dtype=t.int64))),
    "logcumsumexp out dtype": lambda t: t.logcumsumexp(t.ones(3, dtype=t.float64), 0, out=t.empty(3)),
    # empty indices: nothing scattered, no shape checks
    "scatter empty index": lambda t: t.arange(4.0).scatter(0, t.zeros((0, 4), dtype=t.int64),
                                                           t.zeros((0, 4))),
    "scatter value empty index": lambda t: t.arange(4.0).scatter(0, t.zeros((0, 4), dtype=t.int64), 1.0),
    "scatter_add empty index": lambda t: t.arange(4.0).scatter_add(0, t.zeros((0, 4), dtype=t.int64),
                                                                   t.zeros((0, 4))),
    "scatter_reduce empty index": lambda t: t.arange(4.0).scatter_reduce(
        0, t.zeros((0, 4), dtype=t.int64), t.zeros((0, 4)), "sum"),
    "gather empty index": lambda t: t.arange(4.0).gather(0, t.zeros((0, 4), dtype=t.int64)),
    "index_copy into 0-d": lambda t: t.tensor(1.0).index_copy_(0, t.tensor([0]), t.tensor([5.0])),
    "index_add into 0-d needs 0-d": lambda t: t.tensor(1.0).index_add_(0, t.tensor([0]), t.tensor([5.0])),
    # split_size 0
    "split 0 of empty dim": lambda t: t.split(t.ones(0, 1, 3, 0), 0, dim=0),
    "split 0 of non-empty dim": lambda t: t.split(t.ones(0, 1, 3, 0), 0, dim=2),
    "split negative": lambda t: t.ones(3).split(-1),
    # samplers
    "multinomial of no rows": lambda t: t.multinomial(t.ones(0, 3), 2),
    "normal shapes clash": lambda t: t.normal(t.rand(120), t.rand(2, 3, 4, 5)),
    "normal shapes clash 2": lambda t: t.normal(t.rand(2, 3, 4, 5), t.rand(4)),
    "normal negative std": lambda t: t.normal(t.zeros(2), -t.ones(2)),
    "binary op shapes clash": lambda t: t.ones(3) + t.ones(2, 4),
    # Tensor methods PyTorch has
    "eq_": lambda t: t.tensor([1.0, 2.0, 3.0]).eq_(t.tensor([1.0, 0.0, 3.0])),
    "gt_ int": lambda t: t.tensor([1, 2, 3]).gt_(2),
    "not_equal_": lambda t: t.tensor([1.0, 2.0]).not_equal_(1.0),
    "cumprod_": lambda t: t.tensor([1.0, 2.0, 3.0]).cumprod_(0),
    "addmm_": lambda t: t.ones(2, 2).addmm_(t.ones(2, 3), t.ones(3, 2), beta=2),
    "baddbmm": lambda t: t.ones(2, 2, 2).baddbmm(t.ones(2, 2, 3), t.ones(2, 3, 2), alpha=0.5),
    "heaviside": lambda t: t.tensor([-1.0, 0.0, 2.0]).heaviside(t.tensor([0.5])),
    "kron": lambda t: t.tensor([1, 2]).kron(t.tensor([1, 10])),
    "ger": lambda t: t.tensor([1.0, 2.0]).ger(t.tensor([1.0, 10.0])),
    "vdot": lambda t: t.tensor([1.0, 2.0]).vdot(t.tensor([1.0, 10.0])),
    "narrow_copy": lambda t: t.arange(6).narrow_copy(0, 1, 3),
    "unsafe_split": lambda t: t.arange(6).unsafe_split(4),
    "unsafe_chunk": lambda t: t.arange(6).unsafe_chunk(4),
    "is_nonzero": lambda t: [t.tensor([[0]]).is_nonzero(), t.tensor(0.1).is_nonzero()],
    "is_nonzero of two": lambda t: t.tensor([0, 0]).is_nonzero(),
    "is_same_size": lambda t: [t.ones(2, 3).is_same_size(t.ones(2, 3)),
                               t.ones(2, 3).is_same_size(t.ones(3, 2))],
    "reversed": lambda t: reversed(t.arange(1, 10).view(3, 3)),
    "reversed 0-d": lambda t: reversed(t.tensor(42)),
    "apply_": lambda t: t.arange(1, 6).apply_(lambda k: k + k),
    "apply_ float": lambda t: t.tensor([1.5, 2.0]).apply_(lambda k: k * 3),
    "map_": lambda t: t.ones(2, 3).map_(t.arange(3.0), lambda a, b: a + b),
    "map_ not callable": lambda t: t.ones(2, 3).map_(t.arange(3.0), "str"),
    "map_ does not grow self": lambda t: t.ones(3).map_(t.ones(2, 3), lambda a, b: a),
    "map2_": lambda t: t.ones(2, 3).map2_(t.arange(3.0), t.full((2, 1), 2.0), lambda a, b, c: a + b * c),
    "map2_ requires grad": lambda t: t.ones(2, 3).map2_(t.arange(3.0),
                                                        t.full((2, 1), 2.0, requires_grad=True),
                                                        lambda a, b, c: a + b * c),
    # torch._check and kin
    "_check_tensor_all not a tensor": lambda t: t._check_tensor_all(True),
    "_check_tensor_all float": lambda t: t._check_tensor_all(t.ones(2)),
    "_check_tensor_all false": lambda t: t._check_tensor_all(t.tensor([True, False])),
    "_check_tensor_all true": lambda t: t._check_tensor_all(t.tensor([True, True])),
    "_assert_async zero": lambda t: t._assert_async(t.tensor(0.0)),
    "_assert_async empty": lambda t: t._assert_async(t.tensor([])),
    "_assert_async ok": lambda t: t._assert_async(t.tensor(2)),
    # torch.tensor of lists holding 0-d tensors or numpy scalars: their dtypes promoted with the numbers'
    "tensor of uint8 0-d tensors": lambda t: t.tensor([t.tensor(3, dtype=t.uint8),
                                                       t.tensor(4, dtype=t.uint8)]),
    "tensor of int32 0-d tensor": lambda t: t.tensor([[t.tensor(3, dtype=t.int32)]]),
    "tensor of int16 tensor and int": lambda t: t.tensor([t.tensor(1, dtype=t.int16), 3]),
    "tensor of int32 tensor and float": lambda t: t.tensor([t.tensor(3, dtype=t.int32), 2.5]),
    "tensor of float64 tensor and int": lambda t: t.tensor([t.tensor(3.5, dtype=t.float64), 2]),
    "tensor of bool tensors": lambda t: t.tensor([t.tensor(True), t.tensor(False)]),
    "tensor of bool tensor and int": lambda t: t.tensor([t.tensor(True), 3]),
    "tensor of numbers": lambda t: t.tensor([1.5, 2]),
    "tensor of numpy int32": lambda t: t.tensor([np.int32(3), np.int32(4)]),
    "tensor of numpy float32 and int": lambda t: t.tensor([np.float32(0.5), 1]),
    # bernoulli draws into an out= of any dtype
    "bernoulli into uint8": lambda t: t.bernoulli(t.zeros(3, 3), out=t.empty(3, 3, dtype=t.uint8)),
    "bernoulli into bool": lambda t: t.bernoulli(t.ones(3, 3, dtype=t.float64),
                                                 out=t.empty(3, 3, dtype=t.bool)),
    # PyTorch's messages
    "diff prepend shape": lambda t: t.ones(2, 3).diff(dim=0, prepend=t.tensor([[0, 1]])),
    "diff prepend dims": lambda t: t.ones(2, 3).diff(dim=0, prepend=t.tensor([1, 2, 3])),
    "index_select from an empty dim": lambda t: t.index_select(t.randn(0, 3), 0, t.tensor([0, 1])),
    "index_select out of range": lambda t: t.index_select(t.randn(2, 3), 0, t.tensor([0, 5])),
    "index_select empty input out of range": lambda t: t.index_select(t.randn(0, 3), 1, t.tensor([0, 5])),
    "index_select 0-d with no index": lambda t: t.index_select(t.randn([]), 0, t.tensor([], dtype=t.int64)),
    "index_select 0-d with two indices": lambda t: t.ones([]).index_select(0, t.tensor([0, 0])),
    # empty's memory_format
    "empty channels_last": lambda t: t.empty(2, 3, 4, 5, memory_format=t.channels_last).stride(),
    "empty contiguous": lambda t: t.empty((2, 3, 4, 5), memory_format=t.contiguous_format).stride(),
    "empty channels_last of 2-D": lambda t: t.empty((2, 3), memory_format=t.channels_last),
    "empty preserve": lambda t: t.empty((2, 3), memory_format=t.preserve_format),
    # a 0-d integer tensor where a dim goes
    "cumsum dim tensor": lambda t: t.cumsum(t.ones(2, 2), t.tensor(0)),
    "sum dim tensor": lambda t: t.ones(2, 3).sum(t.tensor(1)),
    "sizes as tensors": lambda t: t.ones(t.tensor(3), t.tensor(4)).shape,
    "cumsum float dim tensor": lambda t: t.cumsum(t.ones(2, 2), t.tensor(0.0)),
    # cov with weights and a correction beyond the degrees of freedom: PyTorch divides by +0
    "cov weighted dof <= 0": lambda t: t.cov(t.tensor([-5, -8], dtype=t.int32), correction=2,
                                             aweights=t.tensor([7.1292, 4.6690])),
    "cov weighted dof <= 0 2-D": lambda t: t.cov(t.tensor([[1.0, 2.0], [3.0, 3.0]]), correction=5,
                                                 aweights=t.tensor([7.1292, 4.6690])),
    # copy_ never grows its tensor (numpy would drop the source's leading 1s)
    "copy_ from more dims": lambda t: t.randn(7, 1).copy_(t.randn(1, 1, 1, 1)),
    "copy_ from more dims 2": lambda t: t.randn(8, 8).copy_(t.randn(1, 1, 8)),
    "copy_ broadcast": lambda t: t.zeros(2, 3).copy_(t.ones(3)),
    # the torch.<op>_ function forms and small helpers
    "relu_": lambda t: t.relu_(t.tensor([-1.0, 2.0])),
    "exp_": lambda t: t.exp_(t.tensor([0.0, 1.0])),
    "clamp_": lambda t: t.clamp_(t.tensor([-3.0, 0.5, 3.0]), min=-1, max=1),
    "xlogy_": lambda t: t.xlogy_(t.tensor([0.0, 2.0]), t.tensor([3.0, 4.0])),
    "nan_to_num_": lambda t: t.nan_to_num_(t.tensor([NAN, INF, 1.0]), posinf=9.0),
    "detach": lambda t: t.detach(t.ones(2, requires_grad=True)),
    "is_signed": lambda t: [t.is_signed(t.ones(1, dtype=t.uint8)), t.is_signed(t.ones(1))],
    "get_device": lambda t: t.get_device(t.ones(1)),
    "typename": lambda t: [t.typename(t.ones(2)), t.typename(t.ones(2, dtype=t.long)), t.typename(3)],
    "range": lambda t: [t.range(1, 4), t.range(0, 1, 0.25), t.range(1, 4, dtype=t.long)],
    "range bad step": lambda t: t.range(0, 1, -1),
    "frombuffer": lambda t: t.frombuffer(bytearray(b"\x01\x02\x03\x04"), dtype=t.uint8),
    "frombuffer count offset": lambda t: t.frombuffer(bytearray(8), dtype=t.int32, count=1, offset=4),
    "frombuffer bad length": lambda t: t.frombuffer(bytearray(7), dtype=t.int32),
    # PyTorch's words in minigrad's errors
    "LongTensor with sizes after data": lambda t: t.LongTensor((6, 0), 1, 1, 0),
    "conv2d dtypes": lambda t: t.nn.functional.conv2d(t.ones(1, 1, 3, 3, dtype=t.long),
                                                      t.ones(1, 1, 2, 2, dtype=t.double)),
    "nll_loss weight": lambda t: t.nn.functional.nll_loss(t.randn(2, 3), t.tensor([0, 1]), weight=t.ones(4)),
    "cross_entropy weight": lambda t: t.nn.functional.cross_entropy(t.randn(2, 3), t.tensor([0, 1]),
                                                                    weight=t.ones(4)),
}


# the error class is PyTorch's, the words minigrad's own
OWN_WORDS = {"index_add into 0-d needs 0-d", "map_ does not grow self", "cumsum float dim tensor",
             "LongTensor with sizes after data"}


@pytest.mark.parametrize("name", list(SAME))
def test_same_outcome_as_pytorch(name: str) -> None:
    _same(SAME[name], text=name not in OWN_WORDS)


@pytest.mark.parametrize("fn", ["_check", "_check_index", "_check_value", "_check_type",
                                "_check_not_implemented"])
@pytest.mark.parametrize("args", [(True,), (False,), (False, lambda: "message 7"), ("wrong type",),
                                  ("tensor",)])
def test_check_family(fn: str, args: tuple[Any, ...]) -> None:
    def run(lib: Any) -> Any:
        a = (lib.tensor(True),) if args == ("tensor",) else args
        return getattr(lib, fn)(*a)

    _same(run)


def test_sampler_out_arguments_are_written() -> None:
    for lib in (mg, torch):
        p = lib.rand(5, 5)
        assert lib.bernoulli(lib.rand_like(p), out=p) is p
        assert set(_np(p).ravel().tolist()) <= {0.0, 1.0}
        o = lib.zeros(2, 3)
        assert lib.normal(lib.zeros(2, 3), lib.ones(2, 3), out=o) is o
        assert float(o.abs().sum()) > 0


def test_rng_state_is_pytorchs_bytes() -> None:
    """get_rng_state() is a uint8 tensor whose first 5,056 bytes are PyTorch's for the same draws, and
    PyTorch's state restores minigrad's stream (a checkpoint's saved state resumes the same draws)."""
    for lib in (mg, torch):
        lib.manual_seed(5)
        lib.randn(7)
        lib.rand(3)
        lib.randn(1)  # leaves a cached normal
    m, t = mg.get_rng_state(), torch.get_rng_state()
    assert m.dtype == mg.uint8 and m.shape == (5088,)
    np.testing.assert_array_equal(_np(m)[:5056], _np(t))
    mg.set_rng_state(mg.from_numpy(_np(t).copy()))
    np.testing.assert_array_equal(_np(mg.randn(4)), _np(torch.randn(4)))
    saved = mg.get_rng_state().clone()
    first = (mg.randn(3), mg.nn.functional.dropout(mg.ones(20), 0.5))
    mg.set_rng_state(saved)
    again = (mg.randn(3), mg.nn.functional.dropout(mg.ones(20), 0.5))
    for a, b in zip(first, again):
        np.testing.assert_array_equal(_np(a), _np(b))
    for lib in (mg, torch):  # (a float tensor is PyTorch's TypeError, a wrong size its RuntimeError)
        with pytest.raises(TypeError, match=r"RNG state must be a torch\.ByteTensor"):
            lib.set_rng_state(lib.ones(3))
        with pytest.raises(RuntimeError, match="Expected a CPUGeneratorImplState of size 5056"):
            lib.set_rng_state(lib.ones(3, dtype=lib.uint8))


def test_generator_forks_the_global_stream_from_its_state_tensor() -> None:
    for lib in (mg, torch):
        lib.manual_seed(3)
        gen = lib.Generator()
        gen.set_state(lib.get_rng_state())
        target = lib.rand(50)
        lib.rand(1000)
        np.testing.assert_array_equal(_np(lib.rand(50, generator=gen)), _np(target))


@pytest.mark.parametrize("name", ["tanh", "cat", "sigmoid", "where"])
def test_torch_functions_pickle_as_themselves(name: str) -> None:
    import pickle

    fn = getattr(mg, name)
    assert pickle.loads(pickle.dumps(fn)) is fn


def test_config_reports_are_text() -> None:
    for lib in (mg, torch):
        assert isinstance(lib.__config__.show(), str) and lib.__config__.show()
        assert isinstance(lib.__config__.parallel_info(), str)
        assert isinstance(lib.__config__._cxx_flags(), str)


CUDA_CALLS = {
    "current_device": lambda t: t.cuda.current_device(),
    "tensor on cuda": lambda t: t.tensor([1], device="cuda"),
    "Tensor.cuda": lambda t: t.tensor([1]).cuda(),
    "to cuda": lambda t: t.tensor([1]).to(device="cuda"),
    "cuda.FloatTensor()": lambda t: t.cuda.FloatTensor(),
    "default type cuda": lambda t: t.set_default_tensor_type(t.cuda.FloatTensor),
}


@pytest.mark.parametrize("name", list(CUDA_CALLS))
def test_no_cuda_errors_say_pytorchs_words(name: str) -> None:
    """On a machine without CUDA, PyTorch's class (AssertionError or TypeError) and its sentence."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same(CUDA_CALLS[name])


def test_no_tensor_is_a_cuda_tensor() -> None:
    for lib in (mg, torch):
        assert not isinstance(lib.ones(2), lib.cuda.FloatTensor)
        assert not isinstance(lib.ones(2, dtype=lib.long), lib.cuda.LongTensor)


def test_a_number_as_dtype_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="is not a dtype"):
        mg.ones(2, dtype=3)
    with pytest.raises(mg.InvalidParameterError):  # (still minigrad's own class)
        mg.tensor([1.0], dtype="float31")


def test_frombuffer_shares_the_buffers_memory() -> None:
    for lib in (mg, torch):
        buf = bytearray(4)
        t = lib.frombuffer(buf, dtype=lib.uint8)
        t[1] = 7
        assert buf[1] == 7
