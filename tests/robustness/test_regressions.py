"""One deterministic test per bug the robustness fuzzers found in the core (each fixed).

The fuzzers (``test_fuzz_*.py``) draw their cases at random; these pin the
exact inputs that failed, with PyTorch's answer where it has one.
"""

from __future__ import annotations

import operator
import warnings

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()
nan, inf = float("nan"), float("inf")


def _quiet_torch(fn):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


# ------------------------------------------------------------------ silently wrong results


def test_bitwise_and_or_on_ints_are_bitwise() -> None:
    """2 & 1 was logical_and (True); PyTorch gives 0 and 2 | 1 gives 3."""
    a, b = mg.tensor([2, 6]), mg.tensor([1, 3])
    assert (a & b).tolist() == [0, 2] and (a & b).dtype == mg.int64
    assert (a | b).tolist() == [3, 7]
    assert (mg.tensor([True, False]) & mg.tensor([True, True])).tolist() == [True, False]
    with pytest.raises(NotImplementedError, match="not implemented for 'Float'"):  # PyTorch's class
        _ = mg.ones(2) & mg.ones(2)


def test_comparison_with_none_or_str_is_pythons_business() -> None:
    """t == None gave an elementwise array; t & None an object tensor. PyTorch: False / TypeError."""
    t = mg.ones(2)
    assert (t == None) is False  # noqa: E711 - the operator is what is tested
    assert (t != None) is True  # noqa: E711
    with pytest.raises(TypeError):
        _ = t < "a"
    with pytest.raises(TypeError):
        _ = t & None


@pytest.mark.parametrize("fn", ["sum", "mean", "var", "std", "amax"])
def test_empty_dim_tuple_reduces_every_dim(fn: str) -> None:
    """sum(dim=()) reduced nothing; PyTorch reduces every dim."""
    x = np.arange(6.0).reshape(2, 3)
    got = getattr(mg.tensor(x), fn)(dim=())
    want = getattr(torch.tensor(x), fn)(dim=())
    assert got.shape == tuple(want.shape)
    np.testing.assert_allclose(got.numpy(), want.numpy())


def test_dim_as_string_is_a_type_error() -> None:
    """var(dim='') reduced nothing (a str is iterable); it is a TypeError."""
    with pytest.raises(TypeError, match="dim"):
        mg.ones(2, 3).var(dim="")


def test_masked_fill_keeps_the_dtype() -> None:
    """An int tensor filled with -1.5 became float32; PyTorch keeps int64 and truncates."""
    out = mg.tensor([4, 5]).masked_fill(mg.tensor([True, False]), -1.5)
    assert out.dtype == mg.int64 and out.tolist() == [-1, 5]
    assert mg.tensor([True, False]).masked_fill(mg.tensor([False, True]), 0).dtype == mg.bool_


def test_clamp_of_bool_is_int64() -> None:
    assert mg.tensor([True, False]).clamp(0).dtype == mg.int64


def test_short_bool_mask_is_refused() -> None:
    """x[mask] with a mask shorter than the dim silently selected a prefix; PyTorch raises."""
    with pytest.raises(mg.DimensionError, match="shape of the mask"):
        mg.ones(3)[mg.tensor([True, False])]
    with pytest.raises(mg.DimensionError):
        mg.ones(2, 3)[..., mg.tensor([True, False])]
    assert mg.ones(2, 3)[..., mg.tensor([True, False, True])].shape == (2, 2)
    assert mg.ones(0)[mg.tensor(np.zeros(0, bool))].shape == (0,)


def test_setitem_none_is_refused() -> None:
    """t[0] = None stored nan; PyTorch raises TypeError."""
    t = mg.ones(2)
    with pytest.raises(TypeError):
        t[0] = None
    assert t.tolist() == [1.0, 1.0]


def test_int_tensor_to_negative_power_raises() -> None:
    """int ** -1 gave floats (0.5); PyTorch raises for a Python exponent.

    With a tensor exponent PyTorch computes in integers (1 ** -n = 1, (-1) ** -n = +-1,
    else 0), where numpy raised a bare ValueError.
    """
    with pytest.raises(mg.InvalidParameterError, match="negative"):
        mg.tensor([2]) ** -1
    got = mg.tensor([2, 1, -1, -1, 0]) ** mg.tensor([-1, -3, -3, -2, -1])
    assert got.tolist() == [0, 1, -1, 1, 0] and got.dtype == mg.int64


def test_matmul_of_bools_is_refused() -> None:
    """numpy's logical matrix product is not PyTorch's (which refuses bool)."""
    b = mg.tensor([[True, True]])
    with pytest.raises(TypeError, match="bool"):
        b @ b.T


def test_gradcheck_never_passes_vacuously() -> None:
    with pytest.raises(mg.InvalidParameterError, match="requires_grad"):
        mg.gradcheck(lambda x: x * 2, (mg.ones(2, dtype=mg.float64),))
    with pytest.raises(mg.InvalidParameterError, match="floating-point"):
        mg.gradcheck(lambda x: "x", (mg.ones(2, dtype=mg.float64, requires_grad=True),))


def test_empty_split_and_chunk_give_pieces_like_pytorch() -> None:
    assert [p.shape for p in mg.zeros(0, 2).split(1)] == [(0, 2)]
    assert len(mg.zeros(0).chunk(3)) == len(torch.zeros(0).chunk(3)) == 3


def test_softmax_dim_is_checked_on_0d() -> None:
    for fn in ("softmax", "log_softmax"):
        with pytest.raises(mg.DimensionError):
            getattr(mg.tensor(1.0), fn)(1)
    with pytest.raises(mg.DimensionError):
        mg.tensor(1.0).flatten(1)
    with pytest.raises(mg.DimensionError):
        mg.tensor(1.0).size(0)  # was a bare IndexError


# ------------------------------------------------------------------ NaN and inf like PyTorch


def test_sign_and_abs_gradient_at_nan_are_zero() -> None:
    x = mg.tensor([nan, -2.0, 0.0], requires_grad=True)
    assert np.array_equal(x.sign().detach().numpy(), [0.0, -1.0, 0.0])
    x.abs().sum().backward()
    assert np.array_equal(x.grad.numpy(), [0.0, -1.0, 0.0])


def test_relu_passes_the_gradient_of_nan() -> None:
    x = mg.tensor([nan, 1.0, -1.0], requires_grad=True)
    x.relu().sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 0.0]


@pytest.mark.parametrize(("call", "vals"), [
    ("max()", [nan, 1.0, 0.0]), ("amax(0)", [nan, 1.0, nan]), ("max(0)", [1.0, nan, nan]),
    ("min()", [nan, 1.0]),
])  # fmt: skip
def test_max_min_gradients_at_nan(call: str, vals: list[float]) -> None:
    x = mg.tensor(vals, requires_grad=True)
    t = torch.tensor(vals, requires_grad=True)
    got = eval(f"x.{call}")
    (got.values if isinstance(got, tuple) else got).backward()
    out = eval(f"t.{call}")
    (out.values if isinstance(out, tuple) else out).backward()
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())


def test_negative_infinity_to_a_negative_fractional_power_is_nan() -> None:
    x = mg.tensor([-inf, 4.0], requires_grad=True)
    np.testing.assert_array_equal((x**-0.5).detach().numpy(), [nan, 0.5])
    (x**0.5).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), torch.tensor([-inf, 4.0]).pow(0.5 - 1).mul(0.5).numpy())


@pytest.mark.parametrize("expr", [
    "x - x", "x + (-x)", "x * 0", "x * x * x", "x.sin()", "x.cos()", "x.gelu()", "x.gelu('tanh')", "x.var()",
    "x.std()", "x.float()", "x.square()",
])  # fmt: skip
def test_float_errors_are_silent(expr: str) -> None:
    """inf - inf, 3e38 * 3e38, sin(inf), ... give nan/inf without numpy's RuntimeWarning (an error here)."""
    x = mg.tensor([inf, -inf, 3e38, 1.0])  # noqa: F841 - used by eval
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eval(expr)
    mg.tensor([1e300, -1e300])  # float32 overflow on construction: inf, silently
    assert mg.ones(2, dtype=mg.float64).float().dtype == mg.float32


def test_float_scalar_beyond_float32_is_inf_in_arithmetic() -> None:
    assert (mg.ones(1) * 1e300).tolist() == [inf]
    assert (mg.ones(1) + -1e39).tolist() == [-inf]


@pytest.mark.parametrize("call", [
    lambda: mg.full((2,), 1e39), lambda: mg.ones(2).clamp(max=1e39), lambda: mg.ones(2).__setitem__(0, 1e39),
    lambda: mg.ones(2).masked_fill(mg.tensor([True, False]), -1e39),
    lambda: mg.where(mg.ones(1) > 0, mg.ones(1), 1e39),
    lambda: mg.tensor([1, 2]).masked_fill(mg.tensor([True, False]), nan),
])  # fmt: skip
def test_fill_values_that_overflow_raise_like_pytorch(call) -> None:  # type: ignore[no-untyped-def]
    """PyTorch: "value cannot be converted to type float without overflow"."""
    with pytest.raises(mg.InvalidParameterError, match="overflow"):
        call()


# ------------------------------------------------------------------ bare numpy errors that escaped


@pytest.mark.parametrize(("call", "error"), [
    (lambda: mg.ones(1) + 2**70, mg.InvalidParameterError),  # OverflowError
    (lambda: mg.tensor([1]) < 2**70, mg.InvalidParameterError),
    (lambda: mg.ones(2) ** 2**70, mg.InvalidParameterError),
    (lambda: operator.iadd(mg.ones(2), "a"), TypeError),  # (the dunder answers NotImplemented, as PyTorch's)
    (lambda: mg.ones(2).__setitem__(5, 1.0), mg.DimensionError),  # IndexError
    (lambda: mg.ones(2).__setitem__(slice(None), mg.ones(3)), mg.ShapeError),  # ValueError
    (lambda: mg.ones(2).__setitem__(0, "a"), TypeError),  # ValueError
    (lambda: mg.ones(2)[::0], mg.InvalidParameterError),  # ValueError
    (lambda: mg.ones(1, 3).expand(-3, 3), mg.ShapeError),  # ValueError
    (lambda: mg.ones(1).expand(-3), mg.ShapeError),
    (lambda: mg.cat([mg.ones(2), [1.0]]), TypeError),  # AttributeError
    (lambda: mg.stack([mg.ones(2), 1.0]), TypeError),
    (lambda: mg.cat([mg.tensor(1.0), mg.tensor(2.0)]), mg.ShapeError),  # ValueError
    (lambda: mg.ones(0).softmax(0).shape == (0,) or 1 / 0, None),  # ValueError (max of empty)
    (lambda: mg.ones(2).clamp("a"), TypeError),  # ValueError
    (lambda: mg.ones(2).clamp(1j), TypeError),
    (lambda: mg.full((2,), "a"), TypeError),  # ValueError
    (lambda: mg.full("", 5), TypeError),  # gave a 0-d tensor
    (lambda: mg.zeros(2**63), mg.InvalidParameterError),  # ValueError
    (lambda: mg.arange(float("nan")), mg.InvalidParameterError),  # ValueError
    (lambda: mg.arange(0, 1, 1e-70), mg.InvalidParameterError),  # ValueError
    (lambda: mg.arange(0, 10, -1), mg.InvalidParameterError),  # gave an empty tensor
    (lambda: mg.randint(0.5, 5, (2,)), TypeError),  # gave values
    (lambda: mg.randint(1e-90, None, (2,)), TypeError),  # ValueError
    (lambda: mg.rand(2, dtype=mg.int64), mg.InvalidParameterError),  # numpy's TypeError
    (lambda: mg.Generator(-1).np, None),  # ValueError; negative seeds are fine (PyTorch)
    (lambda: mg.Generator(1.5), mg.InvalidParameterError),  # numpy's TypeError
    (lambda: mg.Generator("a"), mg.errors.DeviceError),  # a string is the device, as PyTorch's argument
    (lambda: mg.tensor([True]) ** mg.tensor([True]), TypeError),  # numpy's int8
])  # fmt: skip
def test_no_bare_numpy_error(call, error) -> None:  # type: ignore[no-untyped-def]
    if error is None:
        call()
        return
    with pytest.raises(error):
        call()


def test_empty_sum_over_leading_dims() -> None:
    """The BLAS fast path of Sum reshaped (0, -1): ValueError on empty tensors."""
    for shape, dims in (((0, 3), 0), ((3, 0), 1), ((0, 0), 0), ((2, 0, 3), (0, 1))):
        x = mg.zeros(*shape, requires_grad=True)
        y = x.sum(dims)
        np.testing.assert_array_equal(y.detach().numpy(), torch.zeros(*shape).sum(dims).detach().numpy())
        y.sum().backward()
        assert x.grad.shape == shape


# ------------------------------------------------------------------ nn (found by test_fuzz_nn.py)


@pytest.mark.parametrize("build", [
    lambda nn: nn.Linear(3, 2), lambda nn: nn.ReLU(), lambda nn: nn.BatchNorm1d(3),
    lambda nn: nn.LayerNorm(3), lambda nn: nn.Flatten(), lambda nn: nn.Softmax(dim=1), lambda nn: nn.GELU(),
    lambda nn: nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, batch_first=True),
])  # fmt: skip
@pytest.mark.parametrize("bad", [None, "x", 3.0])
def test_layers_refuse_non_tensors_with_a_type_error(build, bad) -> None:  # type: ignore[no-untyped-def]
    """Was an AttributeError ('NoneType' object has no attribute 'ndim'); PyTorch: TypeError."""
    import minigrad.nn

    with pytest.raises(TypeError, match="Tensor"):
        build(minigrad.nn)(bad)


def test_functionals_refuse_non_tensors() -> None:
    import minigrad.nn.functional as F

    with pytest.raises(TypeError, match="weight"):
        F.linear(mg.ones(2, 3), None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        F.relu([1.0])  # type: ignore[arg-type]
    import minigrad.nn

    with pytest.raises(TypeError, match="query"):
        minigrad.nn.MultiheadAttention(4, 2)(None, mg.ones(1, 2, 4), mg.ones(1, 2, 4))


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"d_model": 0}, "d_model"), ({"nhead": 0}, "nhead"), ({"nhead": 3}, "nhead"),
    ({"layer_norm_eps": 0.0}, "layer_norm_eps"),
])  # fmt: skip
def test_transformer_layer_errors_name_its_own_arguments(kwargs, name) -> None:  # type: ignore[no-untyped-def]
    import minigrad.nn

    args = {"d_model": 4, "nhead": 2, **kwargs}
    with pytest.raises(mg.InvalidParameterError, match=name):
        minigrad.nn.TransformerEncoderLayer(**args)


@pytest.mark.parametrize("shape", [2.5, None])
def test_layer_norm_shape_of_the_wrong_type_is_named(shape) -> None:  # type: ignore[no-untyped-def]
    import minigrad.nn

    with pytest.raises(mg.InvalidParameterError, match="normalized_shape"):
        minigrad.nn.LayerNorm(shape)


def test_cross_entropy_refuses_like_pytorch() -> None:
    import minigrad.nn.functional as F

    with pytest.raises(mg.InvalidParameterError, match="ignore_index"):  # silently ignored before
        F.cross_entropy(mg.ones(2, 3), mg.ones(2, 3) / 3, ignore_index=0)
    with pytest.raises(mg.ShapeError):  # a bare IndexError before
        F.cross_entropy(mg.tensor(1.0), mg.tensor(0))
    with pytest.raises(mg.ShapeError):  # a (C,) input with a (1,) target
        F.cross_entropy(mg.ones(3), mg.tensor([0]))
    # no classes: PyTorch sums probability targets over none (its mean 0 / 0), an index is out of bounds
    assert np.isnan(F.cross_entropy(mg.ones(0), mg.ones(0)).item())
    assert np.isnan(torch.nn.functional.cross_entropy(torch.ones(0), torch.ones(0)).item())
    with pytest.raises(IndexError, match="out of bounds"):
        F.cross_entropy(mg.ones(2, 0), mg.tensor([0, 0]))


def test_ignored_rows_add_exactly_zero() -> None:
    """Ignored rows with inf/nan logits made the loss nan (x * 0); every target ignored gave nan gradients."""
    import minigrad.nn.functional as F

    x = np.array([[np.inf, 1.0], [1.0, 2.0]], np.float32)
    for smoothing in (0.0, 0.1):
        got = F.cross_entropy(mg.tensor(x), mg.tensor([-100, 1]), reduction="none", label_smoothing=smoothing)
        want = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor([-100, 1]), reduction="none",
                                                 label_smoothing=smoothing)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    xm = mg.tensor([[1.0, 2.0]], requires_grad=True)
    loss = F.cross_entropy(xm, mg.tensor([-100]))
    assert np.isnan(loss.item())
    loss.backward()
    assert xm.grad.tolist() == [[0.0, 0.0]]  # PyTorch's too


def test_bce_with_infinite_logits() -> None:
    """softplus(-inf) was -inf * 0 = nan, so bce(inf, 0.5) was nan; PyTorch gives inf."""
    import minigrad.nn.functional as F

    x = np.array([np.inf, -np.inf, np.inf, 3.0], np.float32)
    y = np.array([0.5, 0.5, 1.0, 0.0], np.float32)
    got = F.binary_cross_entropy_with_logits(mg.tensor(x), mg.tensor(y), reduction="none")
    tf = torch.nn.functional
    want = tf.binary_cross_entropy_with_logits(torch.tensor(x), torch.tensor(y), reduction="none")
    np.testing.assert_array_equal(got.numpy(), want.numpy())


# ------------------------------------------------------------------ optim (found by test_fuzz_optim.py)


def test_adam_beta_errors_name_betas() -> None:
    import minigrad.optim

    with pytest.raises(mg.InvalidParameterError, match=r"betas\[1\]"):
        minigrad.optim.Adam([mg.ones(2, requires_grad=True)], betas=(0.9, 1.5))


def test_int_gradient_is_refused_at_step() -> None:
    """An int .grad was silently used (PyTorch refuses it on assignment)."""
    import minigrad.optim
    from minigrad.tensor import store_grad

    p = mg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="dtype 'long int' to a tensor with grad_dtype 'Float'"):
        p.grad = mg.tensor([1, 2, 3])  # refused on assignment now, as PyTorch refuses it
    store_grad(p, mg.tensor([1, 2, 3]))  # (past the setter's check: the step's own check still holds)
    with pytest.raises(TypeError, match="int64"):
        minigrad.optim.AdamW([p]).step()
    assert p.tolist() == [1.0, 1.0, 1.0]


def test_clip_with_a_max_norm_beyond_float32_is_silent() -> None:
    import minigrad.nn.utils

    p = mg.ones(3, requires_grad=True)
    p.grad = mg.ones(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        minigrad.nn.utils.clip_grad_norm_([p], 1e200)
    assert p.grad.tolist() == [1.0, 1.0, 1.0]


def test_addcmul_primitive_refuses_unbroadcastable_shapes_and_bools() -> None:
    """The Addcmul primitive (behind the norm layers' x_hat * weight + bias) let numpy's bare ValueError out
    for shapes that do not broadcast, and added bools as a logical or (True + True * True was True);
    PyTorch raises a RuntimeError for the shapes and NotImplementedError for bools (found at 250 examples)."""
    from minigrad import ops

    shapes = [(0,), (0, 1), (0, 2, 1)]
    with pytest.raises(RuntimeError):
        torch.addcmul(*(torch.zeros(s) for s in shapes))
    with pytest.raises(mg.ShapeError, match=r"\(0, 1\) and \(0, 2, 1\) cannot be broadcast"):
        ops.Addcmul.apply(*(mg.zeros(*s) for s in shapes))
    t = torch.tensor(True)
    with pytest.raises(NotImplementedError, match="not implemented for 'Bool'"):
        torch.addcmul(t, t, t)
    b = mg.tensor(True)
    with pytest.raises(NotImplementedError, match="not implemented for 'Bool'"):  # PyTorch's class
        ops.Addcmul.apply(b, b, b)
    got = ops.Addcmul.apply(mg.ones(3), mg.full((2, 3), 2.0), mg.full((3,), 3.0))  # (the layers' case)
    assert got.tolist() == [[7.0] * 3] * 2
