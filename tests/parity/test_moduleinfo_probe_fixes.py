"""What a full run of PyTorch's ModuleInfo database (module_db: every sample, both modes, float64 and
float32, pickle/deepcopy round trips and the error inputs' messages) found different, against torch."""

from __future__ import annotations

import copy
import pickle
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.helpers import assert_close, require_torch, torch_test_database

torch = require_torch()


def test_module_pickles_after_forward_made_aliases() -> None:
    """A loss whose weight forward viewed or detached pickles and deep-copies, as PyTorch's (the weak
    links to aliases were pickled and raised TypeError)."""
    w = np.array([8.5, 3.7, 0.7])
    rng = np.random.default_rng(0)
    x, target = rng.normal(size=(5, 3, 4, 2)), rng.uniform(size=(5, 3, 4, 2))  # class probabilities
    ours = nn.CrossEntropyLoss(weight=mg.tensor(w))
    theirs = torch.nn.CrossEntropyLoss(weight=torch.tensor(w))
    want = theirs(torch.tensor(x, requires_grad=True), torch.tensor(target))
    assert_close(ours(mg.tensor(x, requires_grad=True), mg.tensor(target)), want)
    for copied in (pickle.loads(pickle.dumps(ours)), copy.deepcopy(ours)):
        assert_close(copied(mg.tensor(x), mg.tensor(target)), want)
        assert repr(copied) == repr(theirs)


@pytest.mark.parametrize("make", [lambda t: t.detach(), lambda t: t[1:], lambda t: t.view(3, 2)])
def test_alias_pickles_with_its_values_and_attributes(make: object) -> None:
    """A detached tensor or a view pickles (the copy owns its memory), values and attributes kept."""
    base = mg.arange(6, dtype=mg.float64)
    alias = make(base)  # type: ignore[operator]
    alias.note = "kept"
    copied = pickle.loads(pickle.dumps(alias))
    t_alias = make(torch.arange(6, dtype=torch.float64))  # type: ignore[operator]
    t_copied = pickle.loads(pickle.dumps(t_alias))
    assert_close(copied, t_copied)
    assert copied.note == "kept" and copied.dtype == mg.float64
    base.add_(1)  # the copy is not an alias of the original's memory
    assert_close(copied, t_copied)


_cm = torch_test_database("common_modules", "ModuleInfo")
_BY_CLASS = {info.module_cls.__name__: info for info in _cm.module_db}
#: modules whose every ModuleInfo error input raises as test_modules.py's test_errors wants: at the same
#: stage (construction or forward), an instance of PyTorch's class, a message matching its regex
MESSAGE_MODULES = ("RNN", "GRU", "LSTM", "RNNCell", "GRUCell", "LSTMCell", "CrossEntropyLoss", "Embedding",
                   "GroupNorm", "MaxPool2d", "MultiMarginLoss", "CircularPad1d", "CircularPad2d",
                   "CircularPad3d")


def _error_cases(name: str) -> list[Any]:
    info = _BY_CLASS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = [e for dtype in (torch.float64, torch.float32)
                 for e in info.module_error_inputs_func(info, device="cpu", dtype=dtype, requires_grad=False,
                                                        training=True)]
    return [e for e in cases if not _refused_earlier(e.module_error_input.constructor_input)]


def _refused_earlier(ctor: Any) -> bool:
    """The error inputs minigrad refuses at construction where PyTorch accepts them and fails in forward
    (tests/nn/test_errors.py and test_rnn.py want these constructor checks): a cell's bias given the
    nonlinearity ('relu' in bias's place), BatchNorm's eps <= 0, CrossEntropyLoss's label_smoothing > 1."""
    return (any(isinstance(a, str) for a in ctor.args) or ctor.kwargs.get("eps", 1) <= 0
            or ctor.kwargs.get("label_smoothing", 0) > 1)


def _to_mg(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        return mg.tensor(x.detach().numpy().copy(), dtype=getattr(mg, str(x.dtype).removeprefix("torch.")))
    if isinstance(x, torch.dtype):
        return getattr(mg, str(x).removeprefix("torch."))
    if isinstance(x, (list, tuple)):
        return type(x)(_to_mg(v) for v in x)
    if isinstance(x, dict):
        return {k: _to_mg(v) for k, v in x.items()}
    return x


def _raise_as_test_errors(lib: Any, name: str, case: Any) -> None:
    """test_modules.py's test_errors for one error input, on ``lib`` (torch.nn or minigrad.nn)."""
    s = case.module_error_input
    c_args, c_kwargs = s.constructor_input.args, s.constructor_input.kwargs
    f_args, f_kwargs = (s.forward_input.args, s.forward_input.kwargs) if s.forward_input else ((), {})
    if lib is nn:
        c_args, c_kwargs, f_args, f_kwargs = _to_mg([c_args, c_kwargs, f_args, f_kwargs])
    cls = getattr(lib, name)
    if case.error_on == _cm.ModuleErrorEnum.CONSTRUCTION_ERROR:
        with pytest.raises(case.error_type, match=case.error_regex):
            cls(*c_args, **c_kwargs)
    else:
        m = cls(*c_args, **c_kwargs)
        with pytest.raises(case.error_type, match=case.error_regex):
            m(*f_args, **f_kwargs)


@pytest.mark.parametrize("name", MESSAGE_MODULES)
def test_error_inputs_raise_torch_messages_at_torch_stage(name: str) -> None:
    """Each error input raises where PyTorch does, PyTorch's class, a message its regex matches."""
    cases = _error_cases(name)
    assert cases
    for case in cases:
        _raise_as_test_errors(torch.nn, name, case)  # (the oracle agrees with the database)
        _raise_as_test_errors(nn, name, case)


#: calls beyond the database whose PyTorch message now begins minigrad's (which then says more):
#: (label, call(tensor library t, its functional module f, its nn n))
WORDS_FIRST: list[tuple[str, Any]] = [
    ("max_pool1d padding", lambda t, f, n: f.max_pool1d(t.randn(1, 1, 10), 3, padding=5)),
    ("max_pool3d padding", lambda t, f, n: f.max_pool3d(t.randn(1, 1, 6, 6, 6), 3, padding=2)),
    ("avg_pool2d padding", lambda t, f, n: f.avg_pool2d(t.randn(1, 1, 6, 6), (3, 2), padding=(1, 2))),
    ("max_pool3d rank", lambda t, f, n: f.max_pool3d(t.randn(3, 4), 2)),
    ("avg_pool3d rank", lambda t, f, n: f.avg_pool3d(t.randn(3, 4), 2)),
    ("nll_loss float target", lambda t, f, n: f.nll_loss(t.randn(2, 3), t.ones(2))),
    ("nll_loss batch", lambda t, f, n: f.nll_loss(t.randn(2, 3), t.zeros(3).long())),
    ("nll_loss 2-d target", lambda t, f, n: f.nll_loss(t.randn(2, 3), t.zeros(2, 3).long())),
    ("cross_entropy smoothing", lambda t, f, n: f.cross_entropy(t.randn(2, 3), t.zeros(2).long(),
                                                                label_smoothing=1.5)),
    ("multilabel_margin target",
     lambda t, f, n: f.multilabel_margin_loss(t.randn(5, 4), t.zeros(3, 4).long())),
    ("multi_margin unbatched", lambda t, f, n: f.multi_margin_loss(t.randn(4), t.zeros(3).long())),
    ("embedding index", lambda t, f, n: n.Embedding(4, 2)(t.tensor([1, 4]))),
    ("LSTMCell hx[1]", lambda t, f, n: n.LSTMCell(3, 4)(t.randn(2, 3), (t.zeros(2, 4), t.zeros(2, 3)))),
    ("GRUCell rank", lambda t, f, n: n.GRUCell(3, 4)(t.randn(1, 2, 3))),
]  # fmt: skip


@pytest.mark.parametrize("k", range(len(WORDS_FIRST)), ids=[w for w, _ in WORDS_FIRST])
def test_pytorch_words_begin_the_message(k: int) -> None:
    """Same exception class as PyTorch, whose message is the start of minigrad's."""
    _, call = WORDS_FIRST[k]
    with pytest.raises(Exception) as theirs:
        call(torch, torch.nn.functional, torch.nn)
    with pytest.raises(type(theirs.value)) as ours:
        call(mg, nn.functional, nn)
    assert str(ours.value).startswith(str(theirs.value).rstrip(".")), (str(ours.value), str(theirs.value))


def test_constructor_refusals_say_pytorch_words() -> None:
    """Where minigrad refuses at construction what PyTorch refuses in forward, the words still match."""
    with pytest.raises(ValueError, match="eps must be positive"):
        nn.BatchNorm2d(3, eps=0.0)
    with pytest.raises(RuntimeError,
                       match=r"label_smoothing must be between 0.0 and 1.0. Got: 1.5"):
        nn.CrossEntropyLoss(label_smoothing=1.5)


@pytest.mark.parametrize("layout", ["transposed", "strided", "channels_last"])
def test_float32_erf_and_gelu_of_non_contiguous_inputs(layout: str) -> None:
    """float32 erf (and exact GELU, built on it) of a transposed, strided or channels_last tensor: values
    and gradients as PyTorch's (its blocks were written to a copy, leaving garbage in the result)."""
    base = np.random.default_rng(1).normal(size=(2, 3, 4, 5)).astype(np.float32) * 3
    make = {
        "transposed": lambda lib, a: lib.tensor(a).transpose(1, 3),
        "strided": lambda lib, a: lib.repeat_interleave(lib.tensor(a), 2, dim=-1)[..., ::2],
        "channels_last": lambda lib, a: lib.tensor(a).contiguous(memory_format=lib.channels_last),
    }[layout]
    for ours_fn, theirs_fn in ((lambda t: t.erf(), torch.erf), (nn.GELU(), torch.nn.GELU())):
        x, tx = make(mg, base).detach().requires_grad_(), make(torch, base).detach().requires_grad_()
        assert not x.is_contiguous()
        y, ty = ours_fn(x), theirs_fn(tx)
        assert_close(y, ty, rtol=1e-6, atol=1e-6)
        g = np.random.default_rng(2).normal(size=tuple(ty.shape)).astype(np.float32)
        y.backward(mg.tensor(g))
        ty.backward(torch.tensor(g))
        assert_close(x.grad, tx.grad, rtol=1e-5, atol=1e-5)


def test_deepcopy_does_not_share_the_detach_version_counter() -> None:
    """A deep copy of a tensor that was detach()ed has its own version counter, as PyTorch's: writing into
    the copy (load_state_dict into a copied module) left the original's saved graph "modified in place"."""
    for lib in (torch, mg):
        w = lib.tensor([1.0, 2.0])
        w.detach()  # (shares w's version counter with the alias)
        x = lib.tensor([3.0, 4.0], requires_grad=True)
        y = (x * w).sum()
        copied = copy.deepcopy(w)
        copied.add_(1)
        assert w._version == 0 and copied.tolist() == [2.0, 3.0] and w.tolist() == [1.0, 2.0]
        y.backward()
        assert x.grad.tolist() == [1.0, 2.0]
