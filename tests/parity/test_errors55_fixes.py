"""errors55: bad input raises PyTorch's exception class, found by driving the same bad call through PyTorch
and minigrad: Module API misuse, state_dict loading, hooks, parametrizations, rnn utilities, distributions,
optimizers' and schedulers' misuse, in-place and version-counter errors, autograd.Function misuse.

Each case runs under real torch and under minigrad (the same lambda, given the library): minigrad's error
must be an instance of PyTorch's class, and of the minigrad class named with the case.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import errors_of_both, require_torch

_BAD = mg.InvalidParameterError


def _fn(t: Any, forward: Callable[..., Any], backward: Callable[..., Any]) -> Any:
    """An autograd.Function subclass of ``t`` with these staticmethods."""
    methods = {"forward": staticmethod(forward), "backward": staticmethod(backward)}
    return type("F", (t.autograd.Function,), methods)

# case: (what raises, the class minigrad's error must also be)
_CASES: dict[str, tuple[Callable[[Any], Any], Any]] = {
    # a plain dict is no OrderedDict: PyTorch's Sequential registers it as a module, its TypeError
    "Sequential(dict)": (lambda t: t.nn.Sequential({"a": t.nn.ReLU()}), TypeError),
    # Parameter's requires_grad goes through _make_subclass's parser: a bool only
    "Parameter(requires_grad='x')": (lambda t: t.nn.Parameter(t.ones(2), requires_grad="x"), TypeError),
    "Parameter(requires_grad=None)": (lambda t: t.nn.Parameter(t.ones(2), requires_grad=None), TypeError),
    "Parameter(requires_grad=1)": (lambda t: t.nn.Parameter(t.ones(2), requires_grad=1), TypeError),
    # autograd.Function misuse, checked by PyTorch's custom_function.cpp (minigrad ignored or converted it)
    "Function grad for a non-tensor input": (lambda t: _fn(
        t, lambda ctx, x, k: x * k, lambda ctx, g: (g, g)).apply(t.ones(3, requires_grad=True), 2).sum()
        .backward(), mg.MinigradError),
    "Function grad an int": (lambda t: _fn(t, lambda ctx, x: x * 2, lambda ctx, g: 3).apply(
        t.ones(3, requires_grad=True)).sum().backward(), mg.MinigradError),
    "Function mark_dirty not returned": (lambda t: _fn(t, lambda ctx, x: (ctx.mark_dirty(x), x * 2)[1],
                                                       lambda ctx, g: g).apply(t.ones(3)), mg.MinigradError),
    "Function mark_dirty(3)": (lambda t: _fn(t, lambda ctx, x: (ctx.mark_dirty(3), x * 2)[1],
                                             lambda ctx, g: g).apply(t.ones(3, requires_grad=True) * 1),
                               mg.MinigradError),
    "Function mark_non_differentiable(None)": (lambda t: _fn(
        t, lambda ctx, x: (ctx.mark_non_differentiable(None), x * 2)[1], lambda ctx, g: g).apply(t.ones(3)),
        mg.MinigradError),
    "Function set_materialize_grads('x')": (lambda t: _fn(
        t, lambda ctx, x: (ctx.set_materialize_grads("x"), x * 2)[1], lambda ctx, g: g).apply(t.ones(3)),
        TypeError),
    # Optimizer.load_state_dict of what is no optimizer state: PyTorch's classes (state_dict.copy(),
    # g["params"], state.items(), Adam's state["step"]); minigrad's were ValueErrors
    "optim load_state_dict(None)": (lambda t: _sgd(t).load_state_dict(None), AttributeError),
    "optim load_state_dict(3)": (lambda t: _sgd(t).load_state_dict(3), _BAD),
    "optim load_state_dict group not dict": (
        lambda t: _sgd(t).load_state_dict({"state": {}, "param_groups": [3]}), _BAD),
    "optim load_state_dict group without params": (
        lambda t: _sgd(t).load_state_dict({"state": {}, "param_groups": [{"lr": 0.1}]}), _BAD),
    "optim load_state_dict state not dict": (
        lambda t: _sgd(t).load_state_dict({"state": 3, "param_groups": [{"params": [0], "lr": 0.1}]}), _BAD),
    "Adam load_state_dict without step": (lambda t: t.optim.Adam([t.nn.Parameter(t.ones(2))]).load_state_dict(
        {"state": {0: {"exp_avg": t.ones(2)}}, "param_groups": [{"params": [0], "lr": 0.1}]}), _BAD),
    "Adam load_state_dict of SGD's": (lambda t: _adam_from_sgd(t), _BAD),
    # AveragedModel fed a model of other sizes: copy_'s RuntimeError (minigrad's was numpy's ValueError)
    "AveragedModel.update_parameters(other sizes)": (
        lambda t: t.optim.swa_utils.AveragedModel(t.nn.Linear(2, 2)).update_parameters(t.nn.Linear(3, 3)),
        mg.ShapeError),
    # nn.init of what is no Tensor: PyTorch calls a Tensor method on it (its AttributeError; minigrad filled a
    # numpy array in place, and failed inside numpy on a list or None)
    "init.uniform_(ndarray)": (lambda t: t.nn.init.uniform_(np.ones(3)), TypeError),
    "init.kaiming_uniform_(ndarray)": (lambda t: t.nn.init.kaiming_uniform_(np.ones((3, 3))), TypeError),
    "init.zeros_(None)": (lambda t: t.nn.init.zeros_(None), TypeError),
    "init.constant_(list)": (lambda t: t.nn.init.constant_([1.0, 2.0], 0.5), TypeError),
    # bounds no float holds: PyTorch's check_uniform_bounds (minigrad drew inf and nan)
    "init.uniform_(0, inf)": (lambda t: t.nn.init.uniform_(t.ones(3), 0, float("inf")), _BAD),
    "Tensor.uniform_(-inf, 0)": (lambda t: t.ones(3).uniform_(float("-inf"), 0), _BAD),
    "Tensor.uniform_(0, 1e39)": (lambda t: t.ones(3).uniform_(0, 1e39), _BAD),
    "Tensor.uniform_ float16 (0, 1e5)": (lambda t: t.ones(3, dtype=t.float16).uniform_(0, 1e5), _BAD),
    "Tensor.uniform_(-3e38, 3e38)": (lambda t: t.ones(3).uniform_(-3e38, 3e38), _BAD),
    # a mean or bound that is no number: the parser's TypeError (minigrad's came from inside numpy)
    "init.normal_(mean='x')": (lambda t: t.nn.init.normal_(t.ones(3), "x"), TypeError),
    "Tensor.normal_(mean='x')": (lambda t: t.ones(3).normal_("x"), TypeError),
    "init.uniform_(a='x')": (lambda t: t.nn.init.uniform_(t.ones(3), "x"), TypeError),
    # a generator that is no Generator: PyTorch's TypeError (minigrad read an attribute off it)
    "init.uniform_(generator=3)": (lambda t: t.nn.init.uniform_(t.ones(3), generator=3), TypeError),
    # groups=0: PyTorch's size(0) % groups, a ZeroDivisionError
    "init.dirac_(groups=0)": (lambda t: t.nn.init.dirac_(t.ones(4, 3, 3), groups=0), _BAD),
    # LSTM/LSTMCell given other than two hidden states: PyTorch's RuntimeError (IndexError for one)
    "LSTM hx of 3": (lambda t: t.nn.LSTM(1, 2)(t.ones(3, 2, 1), (t.zeros(1, 2, 2),) * 3), mg.MinigradError),
    "LSTM hx of 1": (lambda t: t.nn.LSTM(1, 2)(t.ones(3, 2, 1), (t.zeros(1, 2, 2),)), _BAD),
    "LSTMCell hx of 1": (lambda t: t.nn.LSTMCell(1, 2)(t.ones(2, 1), (t.ones(2, 2),)), mg.MinigradError),
    # rnn utilities: the parser's TypeError for a padding value that is no number (minigrad's numpy
    # ValueError), the IndexError of input.size(1), what is no PackedSequence (its AttributeError; minigrad
    # failed unpacking it), lengths that are no ints
    "pad_sequence(padding_value='x')": (lambda t: t.nn.utils.rnn.pad_sequence(
        [t.ones(2), t.ones(3)], padding_value="x"), TypeError),
    "pad_packed_sequence(padding_value='x')": (lambda t: t.nn.utils.rnn.pad_packed_sequence(
        t.nn.utils.rnn.pack_sequence([t.ones(3), t.ones(2)]), padding_value="x"), TypeError),
    "pack_padded_sequence 1-D input": (lambda t: t.nn.utils.rnn.pack_padded_sequence(t.ones(3), [3]),
                                       mg.ShapeError),
    "pack_padded_sequence lengths=None": (lambda t: t.nn.utils.rnn.pack_padded_sequence(t.ones(3, 2), None),
                                          _BAD),
    "pack_padded_sequence lengths='ab'": (lambda t: t.nn.utils.rnn.pack_padded_sequence(t.ones(3, 2), "ab"),
                                          _BAD),
    "pad_packed_sequence(Tensor)": (lambda t: t.nn.utils.rnn.pad_packed_sequence(t.ones(3, 2)), TypeError),
    "unpack_sequence(Tensor)": (lambda t: t.nn.utils.rnn.unpack_sequence(t.ones(3, 2)), TypeError),
    # clip_grad_* of what is no Tensor: PyTorch reads p.grad off it (its AttributeError; minigrad's TypeError)
    "clip_grad_norm_([1, 2])": (lambda t: t.nn.utils.clip_grad_norm_([1, 2], 1.0), TypeError),
    "get_total_norm([1, 2])": (lambda t: t.nn.utils.get_total_norm([1, 2]), TypeError),
    # distributions: a parameter neither Tensor nor number is broadcast_all's ValueError (minigrad made a
    # tensor of a list, and failed inside its tensor conversion on a string); a validating log_prob/cdf takes
    # only a Tensor (minigrad converted numbers and lists)
    "Normal(loc=[0.0])": (lambda t: t.distributions.Normal([0.0], [1.0]), _BAD),
    "Normal(loc='a')": (lambda t: t.distributions.Normal("a", 1.0), _BAD),
    "Uniform(low=None)": (lambda t: t.distributions.Uniform(None, 1.0), _BAD),
    "Normal.log_prob(0.5)": (lambda t: t.distributions.Normal(0.0, 1.0, validate_args=True).log_prob(0.5),
                             _BAD),
    "Normal.log_prob([0.5])": (lambda t: t.distributions.Normal(0.0, 1.0, validate_args=True).log_prob([0.5]),
                               _BAD),
    "Normal.cdf('a')": (lambda t: t.distributions.Normal(0.0, 1.0, validate_args=True).cdf("a"), _BAD),
    # a negative sample size: PyTorch's RuntimeError (minigrad's was numpy's bare ValueError)
    "Normal.sample((-1,))": (lambda t: t.distributions.Normal(0.0, 1.0).sample((-1,)), _BAD),
    "Categorical.sample((2, -1))": (lambda t: t.distributions.Categorical(t.ones(3)).sample((2, -1)), _BAD),
    # DataLoader's multiprocessing_context: PyTorch checks it (no workers, an unknown start method); minigrad
    # took anything
    "DataLoader(multiprocessing_context='spawn') without workers": (
        lambda t: t.utils.data.DataLoader(range(4), multiprocessing_context="spawn"), _BAD),
    "DataLoader(num_workers=1, multiprocessing_context=3)": (
        lambda t: t.utils.data.DataLoader(range(4), num_workers=1, multiprocessing_context=3), TypeError),
    # WeightedRandomSampler of strings or None: the tensor conversion's TypeError (numpy's ValueError, or nan)
    "WeightedRandomSampler('ab')": (lambda t: t.utils.data.WeightedRandomSampler("ab", 2), _BAD),
    "WeightedRandomSampler([None, 1.0])": (lambda t: t.utils.data.WeightedRandomSampler([None, 1.0], 2),
                                           _BAD),
    # torch.func's argnums that is no int or tuple of ints: its RuntimeError (minigrad compared it with ints)
    "func.grad(argnums='a')": (lambda t: t.func.grad(lambda x: x.sum(), argnums="a")(t.ones(2)),
                               mg.MinigradError),
    "func.grad(argnums=[0])": (lambda t: t.func.grad(lambda x: x.sum(), argnums=[0])(t.ones(2)),
                               mg.MinigradError),
    # jacobian's strategy: PyTorch asserts it (its AssertionError; minigrad's ValueError)
    "autograd.functional.jacobian(strategy='x')": (lambda t: t.autograd.functional.jacobian(
        lambda x: x * 2, t.ones(2), strategy="x"), _BAD),
    # checkpoint_sequential with 0 segments: PyTorch divides by it first (its ZeroDivisionError)
    "checkpoint_sequential(segments=0)": (lambda t: t.utils.checkpoint.checkpoint_sequential(
        t.nn.Sequential(t.nn.ReLU()), 0, t.ones(2, requires_grad=True), use_reentrant=False), _BAD),
    # dist's p is a Number: 'fro' or None is its parser's TypeError (norm takes them; minigrad's dist did)
    "dist(p='fro')": (lambda t: t.ones(3).dist(t.ones(3), "fro"), _BAD),
    "dist(p=None)": (lambda t: t.dist(t.ones(3), t.ones(3), None), _BAD),
}


def _sgd(t: Any) -> Any:
    return t.optim.SGD([t.nn.Parameter(t.ones(2))], lr=0.1)


def _adam_from_sgd(t: Any) -> Any:
    p = t.nn.Parameter(t.ones(2))
    p.grad = t.ones(2)
    sgd = t.optim.SGD([p], lr=0.1, momentum=0.9)
    sgd.step()
    return t.optim.Adam([p], lr=0.1).load_state_dict(sgd.state_dict())


def _sparse_step(t: Any, name: str, **kw: Any) -> Any:
    p = t.nn.Parameter(t.ones(2))
    p.grad = t.ones(2).to_sparse()
    return getattr(t.optim, name)([p], lr=0.1, **kw).step()


# a sparse tensor assigned to .grad: the optimizers without a sparse update refuse it (minigrad densified it)
for _name in ("Adam", "AdamW", "RMSprop", "Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop"):
    _CASES[f"{_name} step, sparse .grad"] = ((lambda n: lambda t: _sparse_step(t, n))(_name),
                                             mg.MinigradError)
_CASES["SGD step, sparse .grad, weight_decay"] = (lambda t: _sparse_step(t, "SGD", weight_decay=0.1),
                                                  mg.MinigradError)
_CASES["Adagrad step, sparse .grad, weight_decay"] = (lambda t: _sparse_step(t, "Adagrad", weight_decay=0.1),
                                                      mg.MinigradError)


@pytest.mark.parametrize("case", sorted(_CASES))
def test_bad_input_raises_pytorchs_class(case: str) -> None:
    run, also = _CASES[case]
    theirs, ours = errors_of_both(run)
    assert isinstance(ours, also), type(ours).__mro__
    if "load_state_dict" in case or any(kind in case for kind in (
            "(ndarray)", "(None)", "(list)", "(Tensor)", "([1, 2])", "lengths=", "1-D input", "hx of 1",
            "sample(", "WeightedRandomSampler")):
        return  # (PyTorch's words there are Python's, about its internals: minigrad's say what is wrong)
    # PyTorch's words first (their first four)
    assert str(ours).split()[:4] == str(theirs).split()[:4], (str(ours), str(theirs))


def test_mark_dirty_of_a_tensor_that_is_no_input_warns() -> None:
    """PyTorch warns when a recorded call marks dirty a tensor forward made; minigrad said nothing."""
    torch = require_torch()
    for lib in (torch, mg):
        fn = _fn(lib, lambda ctx, x: (lambda y: (ctx.mark_dirty(y), y)[1])(x * 2), lambda ctx, g: g)
        with pytest.warns(UserWarning, match="received a tensor that was not an input"):
            fn.apply(lib.ones(3, requires_grad=True) * 1)


def test_a_distribution_subclass_without_arg_constraints_warns() -> None:
    """PyTorch's Distribution warns, when it validates, about a subclass that sets no arg_constraints (its
    base raises NotImplementedError there); minigrad's base held an empty dict and said nothing. Its own
    parameterless wrappers (Independent, ...) set their own and do not warn."""
    torch = require_torch()
    for lib in (torch, mg):
        class Custom(lib.distributions.Distribution):  # type: ignore[misc,name-defined]
            def __init__(self) -> None:
                super().__init__(validate_args=True)

        with pytest.warns(UserWarning, match="does not define `arg_constraints`"):
            Custom()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            lib.distributions.Independent(lib.distributions.Normal(lib.zeros(2), lib.ones(2)), 1)
            Custom.arg_constraints = {}
            Custom()
