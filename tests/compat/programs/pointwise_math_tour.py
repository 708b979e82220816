"""Elementwise math a numerics notebook reaches for, printed whole: atan2/arctan2, hypot,
copysign, frexp/ldexp, logaddexp/logaddexp2, nextafter, float_power, fmax/fmin with NaN,
gcd/lcm, signbit, deg2rad/rad2deg, exp2, erfc, isposinf/isneginf/isreal, vander, xlogy,
igamma/igammac, mvlgamma, heaviside, and their gradients and in-place forms."""

import math

import torch

torch.set_num_threads(1)

y = torch.tensor([1.0, -1.0, 0.0, -0.0, 2.0, -3.0])
x = torch.tensor([1.0, 1.0, -1.0, -1.0, 0.0, -4.0])
print("atan2", torch.atan2(y, x))
print("arctan2", torch.arctan2(y, x).equal(torch.atan2(y, x)))
print("hypot", torch.hypot(y, x))
print("copysign", torch.copysign(torch.tensor([1.0, 2.0, 3.0, 0.0]), torch.tensor([-1.0, 0.0, -0.0, -2.0])))
print("copysign scalar", torch.copysign(torch.arange(-2, 3), -1.0))
m, e = torch.frexp(torch.tensor([8.0, 0.3, -5.5, 0.0, 1e-3]))
print("frexp", m, e)
print("ldexp", torch.ldexp(m, e), torch.ldexp(torch.tensor([1.0, 3.0]), torch.tensor([3, -2])))
print("logaddexp", torch.logaddexp(torch.tensor([0.0, -100.0, 50.0]), torch.tensor([0.0, -101.0, 1.0])))
print("logaddexp2", torch.logaddexp2(torch.tensor([1.0, 10.0]), torch.tensor([1.0, 2.0])))
print("nextafter", (torch.nextafter(torch.tensor([1.0, 0.0]), torch.tensor([2.0, -1.0])) - torch.tensor([1.0, 0.0])).tolist())
print("nextafter64", torch.nextafter(torch.tensor([1.0], dtype=torch.float64), torch.tensor([0.0], dtype=torch.float64)).item())
fp = torch.float_power(torch.tensor([2, 3, 4]), 2)
print("float_power", fp, fp.dtype == torch.float64, torch.float_power(torch.tensor([4.0]), -0.5))
nan = float("nan")
a = torch.tensor([1.0, nan, 3.0, nan])
b = torch.tensor([2.0, 0.5, nan, nan])
print("fmax", torch.fmax(a, b), "fmin", torch.fmin(a, b))
print("maximum", torch.maximum(a, b), "minimum", torch.minimum(a, b))
print("gcd", torch.gcd(torch.tensor([12, -18, 0, 7]), torch.tensor([8, 12, 5, 0])))
print("lcm", torch.lcm(torch.tensor([4, -6, 0, 7]), torch.tensor([6, 4, 3, 5])))
print("signbit", torch.signbit(torch.tensor([1.0, -1.0, 0.0, -0.0, -float("inf")])))
print("deg2rad", torch.deg2rad(torch.tensor([0.0, 90.0, 180.0, -45.0])))
print("rad2deg", torch.rad2deg(torch.tensor([math.pi, 1.0])))
print("exp2", torch.exp2(torch.tensor([0.0, 1.0, -2.0, 10.0])), torch.exp2(torch.tensor([3])))
print("erfc", torch.erfc(torch.tensor([-1.0, 0.0, 0.5, 3.0])))
inf = float("inf")
v = torch.tensor([inf, -inf, 1.0, nan])
print("isposinf", torch.isposinf(v), "isneginf", torch.isneginf(v), "isreal", torch.isreal(v))
print("isfinite", torch.isfinite(v), "isinf", torch.isinf(v), "isnan", torch.isnan(v))
print("vander", torch.vander(torch.tensor([1, 2, 3])))
print("vander N inc", torch.vander(torch.tensor([1.0, 2.0, 0.5]), N=4, increasing=True))
print("linalg vander", torch.linalg.vander(torch.tensor([2.0, 3.0]), N=3))
print("xlogy", torch.xlogy(torch.tensor([0.0, 1.0, 2.0, 0.0]), torch.tensor([0.0, 2.0, 3.0, nan])))
xl = torch.tensor([0.0, 2.0, 3.0])
xl.xlogy_(torch.tensor([5.0, 0.5, 1.0]))
print("xlogy_", xl)
print("igamma", torch.igamma(torch.tensor([1.0, 2.0, 0.5]), torch.tensor([1.0, 3.0, 2.0])))
print("igammac", torch.igammac(torch.tensor([1.0, 2.0, 0.5]), torch.tensor([1.0, 3.0, 2.0])))
print("mvlgamma", torch.mvlgamma(torch.tensor([2.5, 3.0, 10.0]), p=3))
print("heaviside", torch.heaviside(torch.tensor([-1.5, 0.0, 2.0]), torch.tensor([0.5])))
print("sinc", torch.sinc(torch.tensor([0.0, 0.5, 1.0, 1.5])))
print("logit eps", torch.logit(torch.tensor([0.0, 0.25, 1.0]), eps=1e-3))
print("frac", torch.frac(torch.tensor([1.5, -1.5, 2.25])), "trunc", torch.trunc(torch.tensor([-1.7, 1.7])))
print("round decimals", torch.round(torch.tensor([1.2345, -2.5, 0.5, 1.5]), decimals=2),
      torch.round(torch.tensor([-2.5, 0.5, 1.5, 2.5])))
print("round neg decimals", torch.round(torch.tensor([1234.5, 55.0]), decimals=-1))

# gradients of the binary functions
p = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
q = torch.tensor([1.5, 2.0, -0.5], requires_grad=True)
(torch.atan2(p, q).sum() + torch.hypot(p, q).sum() + torch.logaddexp(p, q).sum()
 + torch.logaddexp2(p, q).sum() + torch.copysign(p, q).sum()).backward()
print("grad p", [round(g, 6) for g in p.grad.tolist()])
print("grad q", [round(g, 6) for g in q.grad.tolist()])
p.grad = None
(torch.xlogy(p.abs(), q.abs()).sum() + torch.float_power(p.abs(), 1.5).sum().float() + torch.erfc(p).sum()
 + torch.exp2(p).sum() + torch.deg2rad(p).sum() + torch.ldexp(p, torch.tensor([1, 2, 3])).sum()).backward()
print("grad p2", [round(g, 6) for g in p.grad.tolist()])
r = torch.tensor([2.5, 4.0], requires_grad=True)
torch.mvlgamma(r, p=2).sum().backward()
print("mvlgamma grad", [round(g, 6) for g in r.grad.tolist()])
f = torch.tensor([1.0, nan, 3.0], requires_grad=True)
torch.fmax(f, torch.tensor([2.0, 1.0, nan])).sum().backward()
print("fmax grad", f.grad.tolist())

# in-place forms and the Tensor-method spellings
t = torch.tensor([1.0, -2.0, 3.0])
t.atan2_(torch.tensor([1.0, 1.0, -1.0]))
print("atan2_", t)
t = torch.tensor([3.0, 5.0])
t.hypot_(torch.tensor([4.0, 12.0]))
print("hypot_", t)
t = torch.tensor([1.0, 2.0])
t.copysign_(-1)
print("copysign_", t)
t = torch.tensor([1.0, 2.0])
t.ldexp_(torch.tensor([2, -1]))
print("ldexp_", t)
t = torch.tensor([12, 18])
t.gcd_(torch.tensor([8, 27]))
print("gcd_", t)
t = torch.tensor([1.0, 2.0])
t.nextafter_(torch.tensor([0.0, 3.0]))
print("nextafter_", t.tolist())
t = torch.tensor([30.0, 60.0])
t.deg2rad_()
print("deg2rad_", t, torch.tensor([2.0, 3.0]).exp2_(), torch.tensor([0.5]).erfc_())
print("method forms", torch.tensor([3.0]).hypot(torch.tensor([4.0])), torch.tensor([6]).lcm(torch.tensor([4])),
      torch.tensor([1.0, 2.0]).logaddexp(torch.tensor([1.0, 2.0])), torch.tensor([2.0]).igamma(torch.tensor([1.0])))
print("special", torch.special.erfcx(torch.tensor([0.5, 5.0])), torch.special.exp2(torch.tensor([3.0])),
      torch.special.gammainc(torch.tensor([2.0]), torch.tensor([1.0])), torch.special.log_ndtr(torch.tensor([-3.0, 0.0])))
print("special polys", torch.special.chebyshev_polynomial_t(torch.tensor([0.5, -0.3]), 3),
      torch.special.hermite_polynomial_h(torch.tensor([0.5, 1.0]), 4),
      torch.special.legendre_polynomial_p(torch.tensor([0.2]), torch.tensor([5])),
      torch.special.laguerre_polynomial_l(torch.tensor([1.5]), 2))
