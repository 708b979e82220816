"""PyTorch's dtype names, promotion rules and conversions (issue 12, item 3), against PyTorch.

Every dtype numpy shares with PyTorch is a minigrad attribute under PyTorch's
names; results of mixed-dtype arithmetic follow ``torch.result_type``
(categories bool < integer < floating, a dimensioned tensor beats a 0-d one
within a category, Python numbers never widen a tensor); ``.type()``,
``.long()`` & co., ``.to(dtype)``, ``is_floating_point``, ``finfo``/``iinfo``
match. ``bfloat16`` exists as a name and using it says numpy has none.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

NAMES = ("float", "double", "half", "float16", "float32", "float64", "long", "int", "short", "int64", "int32",
         "int16", "int8", "uint8", "bool")  # fmt: skip
DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64")


def _name(torch_dtype: Any) -> str:
    return str(torch_dtype).removeprefix("torch.")


def test_dtype_names_are_attributes() -> None:
    torch = require_torch()
    for n in NAMES:
        d = getattr(mg, n)
        assert np.dtype(d).name == _name(getattr(torch, n)), n
        assert d == getattr(mg, _name(getattr(torch, n)))
    assert mg.bool_ == mg.bool and mg.float is mg.float32 and mg.long is mg.int64


def test_bfloat16_is_a_name_whose_use_says_numpy_has_none() -> None:
    table = {mg.float32: "f", mg.bfloat16: "bf"}  # scripts build such tables
    assert table[mg.bfloat16] == "bf"
    assert "bfloat16" in repr(mg.bfloat16)
    for use in (lambda: mg.zeros(2, dtype=mg.bfloat16), lambda: mg.tensor([1.0]).to(mg.bfloat16),
                lambda: mg.tensor([1.0], dtype=mg.bfloat16), lambda: mg.ones(1).type(mg.bfloat16)):
        with pytest.raises(TypeError, match="numpy has no bfloat16"):
            use()


@pytest.mark.parametrize("dt", DTYPES)
def test_tensors_of_every_dtype(dt: str) -> None:
    torch = require_torch()
    v = [[0, 1, 2], [3, 4, 5]]
    x, t = mg.tensor(v, dtype=getattr(mg, dt)), torch.tensor(v, dtype=getattr(torch, dt))
    assert x.dtype == getattr(mg, dt) and x.dtype.name == _name(t.dtype)
    np.testing.assert_array_equal(x.numpy(), t.numpy())
    for f in ("zeros", "ones"):
        assert getattr(mg, f)(2, dtype=getattr(mg, dt)).dtype.name == dt
    assert mg.full((2,), 1, dtype=getattr(mg, dt)).dtype.name == dt
    assert x.is_floating_point() == t.is_floating_point() == mg.is_floating_point(x)
    assert x.is_signed() == t.is_signed()
    assert (x + x).dtype.name == _name((t + t).dtype)
    assert x.sum().dtype.name == _name(t.sum().dtype)
    assert x.float().dtype == mg.float32


def _operand(torch: Any, dt: str, zero_d: bool) -> tuple[mg.Tensor, Any]:
    a = np.array(1 if zero_d else [1, 0]).astype(dt)
    return mg.tensor(a, dtype=getattr(mg, dt)), torch.tensor(a)  # (API.md: integer data becomes int64)


@pytest.mark.parametrize("op", ["add", "mul", "sub", "div", "maximum", "where", "eq", "floor_divide", "cat"])
def test_promotion_follows_torch_result_type(op: str) -> None:
    torch = require_torch()
    fns = {
        "add": lambda lib, a, b: a + b,
        "mul": lambda lib, a, b: a * b,
        "sub": lambda lib, a, b: a - b,
        "div": lambda lib, a, b: a / b,
        "maximum": lambda lib, a, b: lib.maximum(a, b),
        "where": lambda lib, a, b: lib.where(lib.tensor([True, False]), a, b),
        "eq": lambda lib, a, b: a == b,
        "floor_divide": lambda lib, a, b: a // (b * 0 + 1),
        "cat": lambda lib, a, b: lib.cat([a.reshape(-1), b.reshape(-1)]),
    }
    fn = fns[op]
    checked = 0
    for (da, za), (db, zb) in itertools.product(itertools.product(DTYPES, (False, True)), repeat=2):
        xa, ta = _operand(torch, da, za)
        xb, tb = _operand(torch, db, zb)
        try:
            want = fn(torch, ta, tb)
        except RuntimeError:
            continue  # bool - bool and such: PyTorch refuses
        got = fn(mg, xa, xb)
        assert got.dtype.name == _name(want.dtype), f"{da}{'(0-d)' * za} {op} {db}{'(0-d)' * zb}"
        np.testing.assert_allclose(got.numpy().astype(np.float64), want.double().numpy(), rtol=1e-3)
        checked += 1
    assert checked > 200


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("scalar", [True, 3, -2, 2.5])
def test_python_numbers_do_not_widen(dt: str, scalar: Any) -> None:
    torch = require_torch()
    x, t = _operand(torch, dt, False)
    for fn in (lambda a: a + scalar, lambda a: scalar * a, lambda a: a - scalar):
        try:
            want = fn(t)
        except RuntimeError:
            continue
        got = fn(x)
        assert got.dtype.name == _name(want.dtype), f"{dt} with {scalar!r}"
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_result_type_promote_types_can_cast() -> None:
    torch = require_torch()
    for da, db in itertools.product(DTYPES, repeat=2):
        ma, ta = getattr(mg, da), getattr(torch, da)
        mb, tb = getattr(mg, db), getattr(torch, db)
        assert mg.promote_types(ma, mb) == getattr(mg, _name(torch.promote_types(ta, tb)))
        assert mg.can_cast(ma, mb) == torch.can_cast(ta, tb), (da, db)
        xa, tta = _operand(torch, da, False)
        xb, ttb = _operand(torch, db, True)
        assert mg.result_type(xa, xb) == getattr(mg, _name(torch.result_type(tta, ttb)))
        assert mg.result_type(xa, 2.5) == getattr(mg, _name(torch.result_type(tta, 2.5)))


def test_small_integer_arithmetic_wraps_like_torch() -> None:
    torch = require_torch()
    cases = [("uint8", lambda a: a - 3), ("int8", lambda a: a * 100), ("int16", lambda a: a * 30000),
             ("uint8", lambda a: -a), ("int8", lambda a: a + 127)]
    for dt, fn in cases:
        v = [1, 2, 5]
        got, want = fn(mg.tensor(v, dtype=getattr(mg, dt))), fn(torch.tensor(v, dtype=getattr(torch, dt)))
        assert got.dtype.name == _name(want.dtype)
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_half_precision_arithmetic_close_to_torch() -> None:
    torch = require_torch()
    v = np.linspace(-2, 2, 9)
    x, t = mg.tensor(v, dtype=mg.half), torch.tensor(v, dtype=torch.half)
    for fn in (lambda a: a * 3 + 1, lambda a: a.exp(), lambda a: a.sum(), lambda a: (a * a).mean(),
               lambda a: a.softmax(0), lambda a: a @ a):
        got, want = fn(x), fn(t)
        assert got.dtype == mg.float16 and want.dtype == torch.float16
        np.testing.assert_allclose(got.numpy().astype(np.float64), want.double().numpy(), rtol=2e-3,
                                   atol=2e-3)


def test_conversions() -> None:
    torch = require_torch()
    v = [[1.7, -2.2], [0.0, 3.5]]
    x, t = mg.tensor(v), torch.tensor(v)
    for m in ("long", "int", "short", "char", "byte", "bool", "half", "float", "double"):
        got, want = getattr(x, m)(), getattr(t, m)()
        assert got.dtype.name == _name(want.dtype), m
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    for dt in DTYPES:
        assert x.type(getattr(mg, dt)).dtype.name == dt
        assert x.to(getattr(mg, dt)).dtype.name == dt
        assert x.to(dtype=getattr(mg, dt)).dtype.name == dt
    assert x.type(mg.float32) is x and x.to(mg.float32) is x  # no copy when nothing changes
    assert x.to(mg.float32, copy=True) is not x
    assert x.to(mg.zeros(1, dtype=mg.int32)).dtype == mg.int32  # .to(other): its dtype
    assert x.type() == t.type() == "torch.FloatTensor"
    assert x.long().type() == "torch.LongTensor" and x.double().type() == "torch.DoubleTensor"
    assert x.type("torch.DoubleTensor").dtype == mg.float64
    assert x.type(mg.int64).type() == "torch.LongTensor"


def test_to_dtype_is_differentiable_between_floats() -> None:
    torch = require_torch()
    x, t = mg.tensor([1.5, -2.0], requires_grad=True), torch.tensor([1.5, -2.0], requires_grad=True)
    y, ty = x.double() * x.to(mg.float64), t.double() * t.to(torch.float64)
    y.sum().backward()
    ty.sum().backward()
    assert x.grad is not None and x.grad.dtype == mg.float32
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy())
    assert x.half().requires_grad and not x.long().requires_grad


def test_finfo_and_iinfo_match_torch() -> None:
    torch = require_torch()
    for dt in ("float16", "float32", "float64"):
        f, tf = mg.finfo(getattr(mg, dt)), torch.finfo(getattr(torch, dt))
        for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"):
            assert getattr(f, attr) == getattr(tf, attr), (dt, attr)
        assert f.dtype == _name(tf.dtype)
    assert mg.finfo().eps == torch.finfo().eps  # the default dtype
    assert mg.finfo(mg.float).max == torch.finfo(torch.float).max
    for dt in ("uint8", "int8", "int16", "int32", "int64"):
        i, ti = mg.iinfo(getattr(mg, dt)), torch.iinfo(getattr(torch, dt))
        assert (i.bits, i.max, i.min) == (ti.bits, ti.max, ti.min), dt
    with pytest.raises(TypeError):
        mg.finfo(mg.int64)
    with pytest.raises(TypeError):
        mg.iinfo(mg.float32)


def test_integer_means_raise_and_default_dtypes_of_factories() -> None:
    torch = require_torch()
    with pytest.raises(RuntimeError):
        torch.tensor([1, 2]).mean()
    with pytest.raises(RuntimeError):
        mg.tensor([1, 2], dtype=mg.int32).mean()
    for make in (lambda lib: lib.arange(5), lambda lib: lib.arange(0.0, 2.0, 0.5), lambda lib: lib.tensor(3),
                 lambda lib: lib.tensor([True]), lambda lib: lib.tensor(2.5),
                 lambda lib: lib.linspace(0, 1, 3),
                 lambda lib: lib.eye(2)):
        assert make(mg).dtype.name == _name(make(torch).dtype)


@pytest.mark.parametrize(("data", "name"), [
    ([-1], "uint8"), ([-255], "uint8"), ([-256], "uint8"), ([-1.0], "uint8"), ([1.5], "int8"),
    ([127.9], "int8"),
    ([float("nan")], "int64"), ([2**63 - 1], "int64"), ([True, 300], "int16"), ([[1, 2], [3, 400]], "int8"),
    (5, "uint8"), (-3, "int8"), ([1e10], "int32"), (200, "int8"), ([-129], "int8"), ([], "int8"),
])
def test_python_numbers_into_an_integer_dtype_convert_or_overflow_as_in_pytorch(data: Any, name: str) -> None:
    """tensor(data, dtype=int type): PyTorch converts what fits (floats truncate, -1 is 255 in uint8)
    and raises on the rest instead of wrapping around as numpy would."""
    torch = require_torch()
    try:
        expected = torch.tensor(data, dtype=getattr(torch, name)).numpy()
    except RuntimeError:
        with pytest.raises(RuntimeError, match="without overflow"):
            mg.tensor(data, dtype=getattr(mg, name))
        return
    got = mg.tensor(data, dtype=getattr(mg, name)).numpy()
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


_INT_TO_FLOAT = {
    "pow(float)": lambda lib, i: i**0.5, "mg.pow": lambda lib, i: lib.pow(i, 1.5),
    "atan2": lambda lib, i: lib.atan2(i, i), "clamp(float)": lambda lib, i: i.clamp(0.5),
    "logit": lambda lib, i: i.logit(), "lgamma": lambda lib, i: i.lgamma(),
    "digamma": lambda lib, i: i.digamma(),
    "reciprocal": lambda lib, i: i.reciprocal(), "deg2rad": lambda lib, i: i.deg2rad(),
    "sinc": lambda lib, i: i.sinc(), "ndtr": lambda lib, i: lib.special.ndtr(i),
    "tan": lambda lib, i: i.tan(),
    "log1p": lambda lib, i: i.log1p(), "xlogy": lambda lib, i: i.xlogy(2),
    "copysign": lambda lib, i: lib.copysign(i, -1), "sqrt": lambda lib, i: i.sqrt(),
    "polygamma": lambda lib, i: lib.polygamma(1, i), "true_divide": lambda lib, i: i / 2,
}


@pytest.mark.parametrize("op", sorted(_INT_TO_FLOAT))
def test_integers_become_the_default_float_dtype(op: str) -> None:
    """An int tensor in a float op takes the default dtype (here float64), not float32 (tinygrad's suite)."""
    torch = require_torch()
    fn = _INT_TO_FLOAT[op]
    torch.set_default_dtype(torch.float64)
    mg.set_default_dtype(mg.float64)
    try:
        want, got = fn(torch, torch.tensor([1, 2, 3])), fn(mg, mg.tensor([1, 2, 3]))
    finally:
        torch.set_default_dtype(torch.float32)
        mg.set_default_dtype(mg.float32)
    assert got.dtype.name == _name(want.dtype) == "float64"
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-8)  # (PyTorch's trigamma: ~1e-9)


def test_hypot_and_logaddexp_of_integers_raise_as_in_pytorch() -> None:
    torch = require_torch()
    for name in ("hypot", "logaddexp", "logaddexp2"):
        with pytest.raises(NotImplementedError) as expected:
            getattr(torch, name)(torch.tensor([1, 2]), torch.tensor([3, 4]))
        with pytest.raises(type(expected.value), match="not implemented for 'Long'"):
            getattr(mg, name)(mg.tensor([1, 2]), mg.tensor([3, 4]))
