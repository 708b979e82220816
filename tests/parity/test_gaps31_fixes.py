"""gaps31: small differences from PyTorch left by earlier sweeps (padding layers' short tuples, Embedding's
and Unfold's error classes, GroupNorm, attention masks, Upsample reprs), each compared with real torch."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

_PAD_LAYERS = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
               "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d", "CircularPad2d",
               "CircularPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d"]


def _pad_layer(lib: Any, name: str, padding: Any) -> Any:
    cls = getattr(lib.nn, name)
    return cls(padding, 0.5) if name.startswith("Constant") else cls(padding)


@pytest.mark.parametrize("name", _PAD_LAYERS)
@pytest.mark.parametrize("padding", [(1, 2), (1,), (1, 2, 1, 0), (1, 1, 1), [2, 0]])
def test_padding_layer_keeps_a_tuple_of_any_length_as_pytorch(name: str, padding: Any) -> None:
    """PyTorch's padding layers keep a tuple as given (ZeroPad2d((1, 2)) pads the last dim only) and F.pad
    judges its length at call time; minigrad refused a tuple of another length than 2 * dims when built
    (and stretched a 1-tuple to every side)."""
    torch = require_torch()
    nd = int(name[-2])
    x = np.arange(float(3 * 4 * 5 * 6)).reshape(1, 3, 4, 5, 6)[(0,) * (3 - nd)]
    theirs, ours = _pad_layer(torch, name, padding), _pad_layer(mg, name, padding)
    assert repr(ours) == repr(theirs)
    try:
        want = theirs(torch.tensor(x)).numpy()
    except (RuntimeError, NotImplementedError) as e:
        with pytest.raises(type(e)) as got:
            ours(mg.tensor(x))
        assert isinstance(got.value, mg.MinigradError)
        assert str(got.value).startswith(str(e).split("\n")[0])
        return
    np.testing.assert_array_equal(ours(mg.tensor(x)).numpy(), want)


def _raises_like_torch(run: Any, also: Any = None, upto: str = "\n\n") -> None:
    """``run(lib)`` raises under both libraries: minigrad's error is an instance of PyTorch's class (and of
    ``also``) and its message starts with PyTorch's first line (its text before ``upto``)."""
    torch = require_torch()
    with pytest.raises(Exception) as theirs:
        run(torch)
    with pytest.raises(Exception) as ours:
        run(mg)
    assert isinstance(ours.value, type(theirs.value)), (type(ours.value).__mro__, type(theirs.value))
    assert isinstance(ours.value, mg.MinigradError)
    if also is not None:
        assert isinstance(ours.value, also)
    words = str(theirs.value).split("\n")[0].split(upto)[0]
    assert str(ours.value).startswith(words), (str(ours.value), str(theirs.value))


_BAD = mg.InvalidParameterError


@pytest.mark.parametrize(("case", "also"), [
    (lambda t: t.nn.Embedding(0, 3, padding_idx=0), _BAD),  # PyTorch's IndexError zeroing the missing row
    (lambda t: t.nn.EmbeddingBag(0, 3, padding_idx=0), _BAD),
    (lambda t: t.nn.Embedding(0, 3, padding_idx=-1), _BAD),
    (lambda t: t.nn.Embedding(3, 2, padding_idx=3), _BAD),
    (lambda t: t.nn.Embedding(3, 2, padding_idx=-4), _BAD),
    (lambda t: t.nn.EmbeddingBag(3, 2, padding_idx=3), _BAD),
    (lambda t: t.nn.EmbeddingBag(3, 2, padding_idx=-4), _BAD),
    (lambda t: t.nn.Embedding(3, 2, _weight=t.ones(2, 2)), mg.ShapeError),
    (lambda t: t.nn.EmbeddingBag(3, 2, _weight=t.ones(2, 2)), mg.ShapeError),
    (lambda t: t.nn.Embedding.from_pretrained(t.ones(3)), mg.ShapeError),
    (lambda t: t.nn.EmbeddingBag.from_pretrained(t.ones(3)), mg.ShapeError),
])
def test_embedding_constructor_errors_are_pytorchs(case: Any, also: Any) -> None:
    """Embedding(0, d, padding_idx=0) is PyTorch's IndexError (minigrad: AssertionError); the asserted
    checks' messages now start with PyTorch's words (EmbeddingBag's bad _weight was no AssertionError)."""
    _raises_like_torch(case, also)


def test_empty_embedding_with_padding_row_given_a_weight_is_built() -> None:
    """With ``_weight`` PyTorch zeroes no row, so a 0-row table with padding_idx=0 is built."""
    torch = require_torch()
    theirs = torch.nn.Embedding(0, 3, padding_idx=0, _weight=torch.ones(0, 3))
    ours = mg.nn.Embedding(0, 3, padding_idx=0, _weight=mg.ones(0, 3))
    assert (ours.padding_idx, tuple(ours.weight.shape)) == (theirs.padding_idx, tuple(theirs.weight.shape))


@pytest.mark.parametrize("case", [
    lambda t: t.nn.Unfold(2)(t.ones(3, 4)),  # PyTorch's IndexError (it reads a dim the input lacks)
    lambda t: t.nn.Unfold(2)(t.ones(4)),
    lambda t: t.nn.functional.unfold(t.tensor(1.0), 2),
    lambda t: t.nn.Unfold(2)(t.ones(1, 1, 1, 3, 4)),
    lambda t: t.nn.Fold(3, 2)(t.ones(4)),
    lambda t: t.nn.Fold(3, 2)(t.ones(1, 4, 4, 1)),
])
def test_unfold_and_fold_of_the_wrong_rank_raise_pytorchs_class(case: Any) -> None:
    """Unfold of a 1-D or 2-D input is PyTorch's IndexError (minigrad's ShapeError was no IndexError); the
    messages start with PyTorch's words."""
    _raises_like_torch(case, mg.ShapeError)


@pytest.mark.parametrize(("groups", "channels", "shape"),
                         [(1, 6, (2, 1, 4)), (2, 6, (2, 4, 3)), (3, 3, (2, 6))])
def test_group_norm_without_affine_normalizes_any_channel_count_its_groups_divide(
        groups: int, channels: int, shape: tuple[int, ...]) -> None:
    """GroupNorm(1, 6, affine=False) on a 1-channel input: PyTorch normalizes it (without weights it checks
    only that num_groups divides C); minigrad refused any C but num_channels."""
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal(shape)
    want = torch.nn.GroupNorm(groups, channels, affine=False)(torch.tensor(x)).numpy()
    np.testing.assert_allclose(mg.nn.GroupNorm(groups, channels, affine=False)(mg.tensor(x)).numpy(), want,
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("case", [
    lambda t: t.nn.GroupNorm(1, 6)(t.ones(2, 1, 4)),
    lambda t: t.nn.GroupNorm(2, 6, affine=False)(t.ones(2, 3, 4)),
    lambda t: t.nn.GroupNorm(1, 6, affine=False)(t.ones(6)),
    lambda t: t.nn.functional.group_norm(t.ones(2, 3, 4), 2),
])
def test_group_norm_errors_start_with_pytorchs_words(case: Any) -> None:
    """F.group_norm's errors began "group_norm: "; the layer's without affine was its own shape check."""
    _raises_like_torch(case, mg.ShapeError)


@pytest.mark.parametrize(("q", "mask"), [
    ((2, 3, 4), (5, 5)), ((2, 3, 4), (2, 5)), ((2, 3, 4), (4, 3, 3)), ((2, 3, 4), (2, 1, 5)),
    ((2, 3, 4), (1, 2, 3, 3)), ((2, 3, 4), (3, 2, 3, 3)),  # (a mask that would grow the scores)
    ((2, 2, 3, 4), (3, 2, 3, 3)), ((2, 2, 3, 4), (2, 3, 3, 3)),
])
def test_sdpa_mask_that_does_not_fit_is_pytorchs_runtime_error(q: tuple[int, ...], mask: tuple[int, ...]
                                                               ) -> None:
    """A mask that does not broadcast to the scores is PyTorch's RuntimeError with its broadcasting words;
    one with more dims than the scores (which PyTorch adds in place) is its error too, where minigrad grew
    the output."""
    _raises_like_torch(lambda t: t.nn.functional.scaled_dot_product_attention(
        t.ones(*q), t.ones(*q), t.ones(*q), attn_mask=t.ones(*mask)), mg.ShapeError)


_UPSAMPLES = [
    lambda t: t.nn.Upsample(scale_factor=0.0), lambda t: t.nn.Upsample(scale_factor=0),
    lambda t: t.nn.Upsample(size=[3, 4]), lambda t: t.nn.Upsample(scale_factor=t.tensor(2.0)),
    lambda t: t.nn.Upsample(scale_factor=(0.0, 2.0)), lambda t: t.nn.Upsample(size=(3,)),
    lambda t: t.nn.Upsample(scale_factor=2, mode="foo"),
    lambda t: t.nn.Upsample(scale_factor=2, mode="linear"),
    lambda t: t.nn.Upsample(scale_factor=2, mode="bilinear"), lambda t: t.nn.Upsample(scale_factor=0.1),
    lambda t: t.nn.UpsamplingNearest2d(scale_factor=2.5), lambda t: t.nn.UpsamplingBilinear2d(size=5),
]


@pytest.mark.parametrize("make", _UPSAMPLES)
@pytest.mark.parametrize("shape", [(1, 1, 2), (1, 1, 2, 2), (2, 2)])
def test_upsample_repr_and_call_as_pytorch(make: Any, shape: tuple[int, ...]) -> None:
    """PyTorch reads a zero scale_factor as none given (repr ``size=None``, then its "either size or
    scale_factor" error), keeps a list size as a list, takes a one-element tensor as scale_factor, and words
    a wrong-rank input "Got 4D input, but linear mode needs 3D input"; minigrad printed scale_factor=0.0,
    converted the list, refused the tensor and used its own words."""
    torch = require_torch()
    theirs, ours = make(torch), make(mg)
    assert repr(ours) == repr(theirs)
    try:
        want = theirs(torch.ones(*shape)).numpy()
    except Exception as e:  # (each class PyTorch raises here)
        with pytest.raises(type(e)) as got:
            ours(mg.ones(*shape))
        assert str(got.value).startswith(str(e).split("\n")[0]), (str(got.value), str(e))
        return
    np.testing.assert_allclose(ours(mg.ones(*shape)).numpy(), want)


def _bag(t: Any, *args: Any, **kwargs: Any) -> Any:
    return t.nn.functional.embedding_bag(*args, **kwargs)


@pytest.mark.parametrize("case", [
    lambda t: _bag(t, t.tensor([1, 2]), t.ones(3, 2)),
    lambda t: _bag(t, t.tensor([[1, 2]]), t.ones(3, 2), t.tensor([0])),
    lambda t: _bag(t, t.zeros(1, 1, 1, dtype=t.long), t.ones(3, 2)),
    lambda t: _bag(t, t.tensor([1, 2]), t.ones(3, 2), t.tensor([1])),
    lambda t: _bag(t, t.tensor([1, 2]), t.ones(3, 2), t.tensor([[0]])),
    lambda t: _bag(t, t.tensor([1, 2]), t.ones(3, 2), t.tensor([0, 5])),
    lambda t: _bag(t, t.tensor([1, 2]), t.ones(3), t.tensor([0])),
])
def test_embedding_bag_call_errors_start_with_pytorchs_words(case: Any) -> None:
    """embedding_bag's input and offsets checks had minigrad's own words; PyTorch's come first now (up to
    the offsets' class name, minigrad's own)."""
    _raises_like_torch(case, upto="<class")


@pytest.mark.parametrize("case", [
    lambda t: t.nn.Conv2d(3, 4, 3, groups=2), lambda t: t.nn.Conv2d(4, 3, 3, groups=2),
    lambda t: t.nn.Conv2d(2, 4, 3, padding="foo"), lambda t: t.nn.Conv2d(2, 4, 3, stride=2, padding="same"),
    lambda t: t.nn.Conv2d(2, 4, 3, padding_mode="x"),
    lambda t: t.nn.ConvTranspose2d(2, 4, 3, padding_mode="reflect"),
    lambda t: t.nn.Conv1d(2, 4, 3, groups=0),
])
def test_conv_constructor_errors_start_with_pytorchs_words(case: Any) -> None:
    """Found by the module sweep: the conv layers' constructor errors had minigrad's words first (PyTorch
    prints a set of strings, its order the process's string hashing: compared up to it)."""
    _raises_like_torch(case, mg.InvalidParameterError, upto="{")


@pytest.mark.parametrize("case", [
    lambda t: t.nn.EmbeddingBag(3, 2, mode="max", sparse=True)(t.tensor([[0]])),  # (minigrad ran it)
    lambda t: _bag(t, t.tensor([[0]]), t.ones(3, 2), mode="max", sparse=True),
    lambda t: t.nn.EmbeddingBag(-1, 2), lambda t: t.nn.EmbeddingBag(3, -2),
])
def test_embedding_bag_refuses_what_pytorch_refuses(case: Any) -> None:
    """Max mode with sparse=True is PyTorch's ValueError (minigrad computed it); a negative size is
    torch.empty's RuntimeError, its words first (EmbeddingBag had only minigrad's)."""
    _raises_like_torch(case, mg.InvalidParameterError)


def _quiet(layer: Any, x: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (both warn first that a 1-D input to dropout2d is deprecated)
        return layer(x)


@pytest.mark.parametrize("case", [
    lambda t: t.nn.ZeroPad2d(1)(t.ones(3)), lambda t: t.nn.ReplicationPad2d(1)(t.ones(4)),
    lambda t: t.nn.MaxPool2d(3)(t.ones(1, 1, 2, 2)), lambda t: t.nn.AvgPool2d(2)(t.ones(1, 1, 1, 1)),
    lambda t: _quiet(t.nn.Dropout2d(), t.ones(3)), lambda t: t.nn.Unflatten(1, (2, 3))(t.ones(2, 5)),
    lambda t: t.nn.PReLU(3)(t.ones(2, 4)), lambda t: t.nn.InstanceNorm2d(3, affine=True)(t.ones(1, 2, 4, 4)),
])
def test_layer_call_errors_start_with_pytorchs_words(case: Any) -> None:
    """Found sweeping layers' call-time errors against PyTorch: the classes matched, but these messages began
    with minigrad's words (a function name, or its own sentence)."""
    _raises_like_torch(case)
