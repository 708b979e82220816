"""The ``torch.*`` forms of the in-place Tensor methods: ``torch.exp_(x)`` is ``x.exp_()``, and
``torch.clamp_(x, min=0)`` is ``x.clamp_(min=0)``: the tensor changes and is returned, recorded in the
graph as the method's change is (the method holds the math and the rules)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minigrad.tensor import Tensor


def _form(name: str) -> Callable[..., Tensor]:
    """``torch.<name>(input, *args, **kwargs)``: ``input.<name>(*args, **kwargs)``."""

    def fn(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:  # noqa: A002 - PyTorch's name
        out: Tensor = getattr(input, name)(*args, **kwargs)
        return out

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"In place: ``input.{name}(...)`` (see :meth:`Tensor.{name}`); returns input."
    return fn


abs_ = _form("abs_")
acos_ = _form("acos_")
acosh_ = _form("acosh_")
addmv_ = _form("addmv_")
arccos_ = _form("arccos_")
arccosh_ = _form("arccosh_")
arcsin_ = _form("arcsin_")
arcsinh_ = _form("arcsinh_")
arctan_ = _form("arctan_")
arctanh_ = _form("arctanh_")
asin_ = _form("asin_")
asinh_ = _form("asinh_")
atan_ = _form("atan_")
atanh_ = _form("atanh_")
ceil_ = _form("ceil_")
clamp_ = _form("clamp_")
clamp_max_ = _form("clamp_max_")
clamp_min_ = _form("clamp_min_")
clip_ = _form("clip_")
cos_ = _form("cos_")
cosh_ = _form("cosh_")
deg2rad_ = _form("deg2rad_")
detach_ = _form("detach_")
erf_ = _form("erf_")
erfc_ = _form("erfc_")
exp2_ = _form("exp2_")
exp_ = _form("exp_")
expm1_ = _form("expm1_")
fix_ = _form("fix_")
floor_ = _form("floor_")
frac_ = _form("frac_")
gcd_ = _form("gcd_")
i0_ = _form("i0_")
lcm_ = _form("lcm_")
ldexp_ = _form("ldexp_")
log10_ = _form("log10_")
log1p_ = _form("log1p_")
log2_ = _form("log2_")
log_ = _form("log_")
logit_ = _form("logit_")
nan_to_num_ = _form("nan_to_num_")
neg_ = _form("neg_")
negative_ = _form("negative_")
rad2deg_ = _form("rad2deg_")
reciprocal_ = _form("reciprocal_")
round_ = _form("round_")
rsqrt_ = _form("rsqrt_")
sigmoid_ = _form("sigmoid_")
sinc_ = _form("sinc_")
sin_ = _form("sin_")
sinh_ = _form("sinh_")
sqrt_ = _form("sqrt_")
square_ = _form("square_")
tan_ = _form("tan_")
tanh_ = _form("tanh_")
trunc_ = _form("trunc_")
xlogy_ = _form("xlogy_")

__all__ = [name for name in list(globals()) if name.endswith("_") and not name.startswith("_")]
