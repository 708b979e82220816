"""errors54: bad input raises PyTorch's exception class (and minigrad's own class where the project's rule
asks for one), found by driving the same bad call through PyTorch and minigrad: constructors of every layer,
optimizer and scheduler, module forwards, tensor ops, autograd and the random seed.

Each case runs under real torch and under minigrad (the same lambda, given the library): minigrad's error
must be an instance of PyTorch's class, and of the minigrad class named with the case.
"""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from tests.helpers import errors_of_both, require_torch


def _sgd(t: Any) -> Any:
    return t.optim.SGD([t.nn.Parameter(t.ones(2))], lr=0.1, momentum=0.9)


_BAD = mg.InvalidParameterError

# case: (what raises, the minigrad class it must also be)
_CASES: dict[str, tuple[Any, Any]] = {
    # a bad last_epoch for a fresh optimizer: PyTorch looks for 'initial_lr' first (its KeyError)
    "StepLR last_epoch=1.5": (lambda t: t.optim.lr_scheduler.StepLR(_sgd(t), 2, last_epoch=1.5), _BAD),
    "StepLR last_epoch=None": (lambda t: t.optim.lr_scheduler.StepLR(_sgd(t), 2, last_epoch=None), _BAD),
    "ExponentialLR last_epoch=-5": (lambda t: t.optim.lr_scheduler.ExponentialLR(_sgd(t), 0.5, last_epoch=-5),
                                    _BAD),
    # linear with a weight over 2-D: t()'s error (minigrad took weight.T and warned)
    "linear 3-D weight": (lambda t: t.nn.functional.linear(t.ones(2, 3), t.ones(4, 3, 1)), mg.ShapeError),
    # the seed: PyTorch's int(seed) and its classes where that fails
    "manual_seed(None)": (lambda t: t.manual_seed(None), _BAD),
    "manual_seed(inf)": (lambda t: t.manual_seed(float("inf")), _BAD),
    # a gradient that is no Tensor: PyTorch's TypeError (minigrad made a tensor of it)
    "backward(list)": (lambda t: (t.ones(2, requires_grad=True) * 2).backward([1.0, 3.0]), _BAD),
    "backward(float)": (lambda t: (t.ones(2, requires_grad=True) * 2).sum().backward(2.0), _BAD),
    # the gradients are checked before whether the output requires grad (PyTorch's _make_grads, then its
    # engine): a list for a tensor that needs no grad is the TypeError too, not the engine's RuntimeError
    "backward(list) of a constant": (lambda t: t.ones(2).backward([1.0, 3.0]), _BAD),
    "backward(shape) of a constant": (lambda t: t.ones(3).backward(t.ones(2)), mg.ShapeError),
    "autograd.grad grad_outputs=[float]": (
        lambda t: (lambda x: t.autograd.grad((x * 2).sum(), x, grad_outputs=[2.0]))(
            t.ones(2, requires_grad=True)), _BAD),
    "autograd.backward grad_tensors=[list]": (
        lambda t: t.autograd.backward(t.ones(2, requires_grad=True) * 2, grad_tensors=[[1.0, 2.0]]), _BAD),
    # nn.init.normal_ with a negative (or NaN) std: Tensor.normal_'s RuntimeError (minigrad drew with it)
    "init.normal_ std=-1": (lambda t: t.nn.init.normal_(t.ones(3), std=-1.0), _BAD),
    "init.normal_ std=nan": (lambda t: t.nn.init.normal_(t.ones(3), std=float("nan")), _BAD),
    # TensorDataset: PyTorch reads tensor.size(0) (an AttributeError of a list, an IndexError of a 0-d tensor)
    "TensorDataset(list)": (lambda t: t.utils.data.TensorDataset([1.0, 2.0]), TypeError),
    "TensorDataset(0-d)": (lambda t: t.utils.data.TensorDataset(t.ones(3), t.tensor(1.0)), mg.ShapeError),
    # random_split with float counts that are not fractions: PyTorch's randperm TypeError (minigrad split)
    "random_split [5.0, 5.0]": (lambda t: t.utils.data.random_split(range(10), [5.0, 5.0]), _BAD),
    # a float or bool size to the attention layers: PyTorch's assert on embed_dim // num_heads first
    "MultiheadAttention(2.5, 4)": (lambda t: t.nn.MultiheadAttention(2.5, 4), _BAD),
    "MultiheadAttention(4, 2.5)": (lambda t: t.nn.MultiheadAttention(4, 2.5), _BAD),
    "MultiheadAttention(True, 4)": (lambda t: t.nn.MultiheadAttention(True, 4), _BAD),
    "TransformerEncoderLayer(4, 2.5)": (lambda t: t.nn.TransformerEncoderLayer(4, 2.5), _BAD),
    "TransformerDecoderLayer(1.5, 2)": (lambda t: t.nn.TransformerDecoderLayer(1.5, 2), _BAD),
    "Transformer(d_model=nan)": (lambda t: t.nn.Transformer(d_model=float("nan"), nhead=2), _BAD),
    # index_copy with a source that does not fit: PyTorch's IndexError (count, rank) and RuntimeError (a 0-d
    # source for a whole slice, which minigrad broadcast)
    "index_copy count": (lambda t: t.zeros(3, 2).index_copy(0, t.tensor([0]), t.ones(2, 2)), mg.ShapeError),
    "index_copy_ count dim 1": (lambda t: t.zeros(3, 2).index_copy_(1, t.tensor([0]), t.ones(3, 2)),
                                mg.ShapeError),
    "index_copy rank": (lambda t: t.zeros(3, 2).index_copy(0, t.tensor([0]), t.ones(1, 2, 1)), mg.ShapeError),
    "index_copy 1-D source, 0-d index": (lambda t: t.zeros(3, 2).index_copy(0, t.tensor(0), t.ones(2)),
                                         mg.ShapeError),
    "index_copy 0-d source": (lambda t: t.zeros(3, 2).index_copy(0, t.tensor([0]), t.tensor(1.0)),
                              mg.ShapeError),
    # scaled_dot_product_attention's scale of the wrong type: its argument parser's TypeError
    "sdpa scale='a'": (lambda t: t.nn.functional.scaled_dot_product_attention(
        t.ones(1, 2, 3), t.ones(1, 2, 3), t.ones(1, 2, 3), scale="a"), _BAD),
    "sdpa scale=[1.0]": (lambda t: t.nn.functional.scaled_dot_product_attention(
        t.ones(1, 2, 3), t.ones(1, 2, 3), t.ones(1, 2, 3), scale=[1.0]), _BAD),
    # a name the module has no parameter under: PyTorch's KeyError of module._parameters[name]
    "spectral_norm name='foo'": (lambda t: t.nn.utils.spectral_norm(t.nn.Linear(2, 2), name="foo"), _BAD),
    # a key a ParameterDict does not hold: PyTorch reads it as an attribute (its AttributeError)
    "ParameterDict missing key": (lambda t: t.nn.ParameterDict({"b": t.nn.Parameter(t.ones(1))})["a"],
                                  KeyError),
    # norm's p of the wrong type: PyTorch's argument-parser TypeError (minigrad's was a ValueError)
    "norm(p=[0])": (lambda t: t.ones(2, 3).norm([0]), _BAD),
    "norm(p=(1,))": (lambda t: t.ones(2, 3).norm((1,)), _BAD),
}


@pytest.mark.parametrize("case", sorted(_CASES))
def test_bad_input_raises_pytorchs_class(case: str) -> None:
    run, also = _CASES[case]
    _, ours = errors_of_both(run)
    assert isinstance(ours, also), type(ours).__mro__


_ACCEPTED: dict[str, Any] = {
    # PyTorch seeds with int(seed): minigrad refused these
    "manual_seed('3')": lambda t: t.manual_seed("3"),
    "manual_seed(2.0)": lambda t: t.manual_seed(2.0),
    "manual_seed(tensor(3))": lambda t: t.manual_seed(t.tensor(3)),
}


def test_norm_takes_a_bool_or_a_one_element_tensor_as_p() -> None:
    """PyTorch's Number argument takes True (p=1) and a one-element tensor; minigrad refused them."""
    torch = require_torch()
    for p in (True, 2.0):
        ours = mg.ones(2, 3).norm(p if p is True else mg.tensor(p))
        theirs = torch.ones(2, 3).norm(p if p is True else torch.tensor(p))
        assert float(ours) == pytest.approx(float(theirs))


def test_multistep_lr_takes_no_milestones() -> None:
    """PyTorch's MultiStepLR keeps Counter(milestones): None is none (minigrad's list(None) failed)."""
    torch = require_torch()
    lrs = []
    for lib in (torch, mg):
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(2))], lr=0.1)
        sched = lib.optim.lr_scheduler.MultiStepLR(opt, None)
        for _ in range(3):
            opt.step()
            sched.step()
        lrs.append(sched.get_last_lr())
    assert lrs[0] == lrs[1]


@pytest.mark.parametrize("case", sorted(_ACCEPTED))
def test_pytorch_accepts_so_does_minigrad(case: str) -> None:
    torch = require_torch()
    _ACCEPTED[case](torch)
    _ACCEPTED[case](mg)
    assert mg.initial_seed() == torch.initial_seed()
