"""How unit tests of models compare tensors: torch.testing.assert_close passing and failing (the
failure's exception class and message are printed), its rtol/atol/equal_nan/check_dtype/check_device
options and dtype-dependent default tolerances, torch.allclose / isclose / equal, plus the numerical
helpers test files lean on: torch.gradient (spacing, edge_order, dim), trapezoid and
cumulative_trapezoid, renorm, fill_diagonal_ with wrap, torch.cross, logical ops, atleast_1d/2d/3d
and a finite-difference check of a model's gradient."""

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)


def try_close(name, a, b, **kw):
    try:
        torch.testing.assert_close(a, b, **kw)
        print(name, "ok")
    except Exception as e:  # noqa: BLE001 - the test prints the class and message
        print(name, type(e).__name__)
        print(str(e))


a = torch.tensor([1.0, 2.0, 3.0])
try_close("equal", a, a.clone())
try_close("tiny diff", a, a + 1e-7)
try_close("big diff", a, torch.tensor([1.0, 2.5, 3.0]))
try_close("two mismatches", torch.arange(6.0).view(2, 3), torch.arange(6.0).view(2, 3) * 1.01)
try_close("atol", a, a + 0.05, atol=0.1, rtol=0.0)
try_close("nan default", torch.tensor([float("nan"), 1.0]), torch.tensor([float("nan"), 1.0]))
try_close("nan equal_nan", torch.tensor([float("nan"), 1.0]), torch.tensor([float("nan"), 1.0]), equal_nan=True)
try_close("dtype", a, a.double())
try_close("dtype unchecked", a, a.double(), check_dtype=False)
try_close("shape", a, a.view(3, 1))
try_close("ints", torch.tensor([1, 2, 3]), torch.tensor([1, 2, 4]))
try_close("float64 default tol", torch.tensor([1.0], dtype=torch.float64),
          torch.tensor([1.0 + 1e-9], dtype=torch.float64))
try_close("scalars", 1.0, 1.0 + 1e-9)
try_close("lists", [a, torch.ones(2)], [a.clone(), torch.ones(2)])

print("allclose", torch.allclose(a, a + 1e-6), torch.allclose(a, a + 1e-3), torch.allclose(a, a + 1e-3, atol=1e-2))
print("isclose", torch.isclose(torch.tensor([1.0, float("nan"), float("inf")]),
                               torch.tensor([1.0 + 1e-9, float("nan"), float("inf")])).tolist())
print("isclose equal_nan", torch.isclose(torch.tensor([float("nan")]), torch.tensor([float("nan")]), equal_nan=True).tolist())
print("equal", torch.equal(a, a.clone()), torch.equal(a, a.view(3, 1)))

x = torch.linspace(0, 2, 9)
y = x ** 3
print("gradient", [round(v, 4) for v in torch.gradient(y, spacing=0.25)[0].tolist()])
print("gradient edge2", [round(v, 4) for v in torch.gradient(y, spacing=0.25, edge_order=2)[0].tolist()])
print("gradient coords", [round(v, 4) for v in torch.gradient(y, spacing=(x,))[0].tolist()])
g = torch.arange(12.0).view(3, 4) ** 2
gy, gx = torch.gradient(g)
print("gradient 2d", gy.tolist(), gx.tolist())
print("gradient dim=1", torch.gradient(g, dim=1, spacing=2.0)[0].tolist())
print("trapezoid", round(torch.trapezoid(y, x).item(), 5), round(torch.trapezoid(y, dx=0.25).item(), 5))
print("cumulative_trapezoid", [round(v, 5) for v in torch.cumulative_trapezoid(y, x).tolist()])
w = torch.arange(1.0, 13.0).view(3, 4)
print("renorm p2 dim0 max5", [[round(v, 4) for v in r] for r in torch.renorm(w, 2, 0, 5.0).tolist()])
print("renorm p1 dim1 max6", [[round(v, 4) for v in r] for r in w.renorm(1, 1, 6.0).tolist()])
m = torch.zeros(7, 3)
m.fill_diagonal_(5.0, wrap=True)
print("fill_diagonal wrap\n", m)
m2 = torch.zeros(3, 5)
print("fill_diagonal wide\n", m2.fill_diagonal_(-1.0))
u, v = torch.tensor([[1.0, 0, 0], [0, 1.0, 0]]), torch.tensor([[0, 1.0, 0], [0, 0, 1.0]])
print("cross", torch.cross(u, v, dim=1).tolist(), torch.linalg.cross(u, v).tolist())
p, q = torch.tensor([True, False, True, False]), torch.tensor([1, 1, 0, 0])
print("logical", torch.logical_and(p, q).tolist(), torch.logical_or(p, q).tolist(),
      torch.logical_xor(p, q).tolist(), torch.logical_not(q).tolist())
print("atleast", [tuple(t.shape) for t in torch.atleast_1d(torch.tensor(1.0), torch.ones(2))],
      tuple(torch.atleast_2d(torch.ones(3)).shape), tuple(torch.atleast_3d(torch.ones(2, 3)).shape),
      tuple(torch.atleast_3d(torch.ones(3)).shape))

# central finite differences against autograd, in float64
model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).double()
inp = torch.randn(5, 3, dtype=torch.float64)
loss = model(inp).pow(2).mean()
loss.backward()
W = model[0].weight
num = torch.zeros_like(W)
eps = 1e-6
with torch.no_grad():
    for i in range(W.shape[0]):
        for j in range(W.shape[1]):
            W[i, j] += eps
            lp = model(inp).pow(2).mean()
            W[i, j] -= 2 * eps
            lm = model(inp).pow(2).mean()
            W[i, j] += eps
            num[i, j] = (lp - lm) / (2 * eps)
try_close("finite differences", W.grad, num, rtol=1e-5, atol=1e-7)
print("max fd error < 1e-8", bool((W.grad - num).abs().max() < 1e-8))
print("gradcheck", torch.autograd.gradcheck(lambda t: model(t).sum(), (inp.clone().requires_grad_(),)))
