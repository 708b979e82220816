"""Scientific-computing scripts that switch precision the way people do: torch.set_default_dtype(float64)
at the top then back, numpy float64 arrays fed to float32 models (the dtype error and the .float() /
.double() fixes), mixed float32/float64 arithmetic and its promotion (0-d tensors, Python scalars,
result_type/promote_types/can_cast), a damped oscillator fitted with an RK4 integrator in float64, the
autograd.functional jacobian/hessian/hvp/vhp (vectorize=True, forward-mode strategy), trapezoid and
cumulative_trapezoid, a float64 Newton solve, and a float32 copy of the float64 model compared with it.
Seeded: every printed number agrees."""

import math

import numpy as np
import torch
import torch.nn as nn
from torch.autograd.functional import hessian, hvp, jacobian, vhp

torch.set_num_threads(1)
torch.manual_seed(0)

torch.set_default_dtype(torch.float64)
print("default", torch.get_default_dtype(), torch.tensor([1.5]).dtype, torch.arange(3.0).dtype,
      torch.arange(3).dtype, torch.zeros(2).dtype, torch.tensor(2).dtype)
layer = nn.Linear(3, 2)
print("layer dtype", layer.weight.dtype, torch.randn(2).dtype, torch.empty(1).dtype, torch.linspace(0, 1, 3).dtype)
print("is floating", torch.get_default_dtype().is_floating_point, torch.tensor(1.0).is_floating_point())
torch.set_default_dtype(torch.float32)
print("back", torch.tensor([1.5]).dtype, layer.weight.dtype, nn.Linear(2, 2).weight.dtype)

# numpy float64 into a float32 model
model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
data = np.linspace(0, 1, 12).reshape(4, 3)
x64 = torch.from_numpy(data)
print("from_numpy", x64.dtype, torch.as_tensor(data, dtype=torch.float32).dtype, torch.tensor(data).dtype)
try:
    model(x64)
except RuntimeError as e:
    print("dtype error:", "mat1 and mat2 must have the same dtype" in str(e), "Double and Float" in str(e))
out32 = model(x64.float())
model64 = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
model64.load_state_dict(model.state_dict())
model64.double()
out64 = model64(x64)
print("float vs double", out32.dtype, out64.dtype, f"{(out32.double() - out64).abs().max().item():.3e}" if False else
      bool((out32.double() - out64).abs().max() < 1e-6))
print("state dict dtypes", sorted({str(v.dtype) for v in model64.state_dict().values()}))

# promotion
a32 = torch.tensor([1.0, 2.0])
a64 = torch.tensor([1.0, 2.0], dtype=torch.float64)
s64 = torch.tensor(3.0, dtype=torch.float64)
i64 = torch.tensor([1, 2])
print("32+64", (a32 + a64).dtype, "32*0d64", (a32 * s64).dtype, "int+0d64", (i64 + s64).dtype,
      "int*py float", (i64 * 2.5).dtype, "int/int", (i64 / i64).dtype, "int//int", (i64 // 2).dtype)
print("result_type", torch.result_type(a32, 2.0), torch.result_type(i64, s64), torch.result_type(a32, a64))
print("promote_types", torch.promote_types(torch.float32, torch.int64), torch.promote_types(torch.float16, torch.float64),
      torch.promote_types(torch.int8, torch.uint8))
print("can_cast", torch.can_cast(torch.float64, torch.float32), torch.can_cast(torch.float32, torch.int32),
      torch.can_cast(torch.int32, torch.float32))
try:
    a32.add_(a64)
    print("in-place 32 += 64 kept", a32.dtype, a32.tolist())
    i64.add_(a32)
except RuntimeError as e:
    print("in-place int += float:", str(e)[:60])
print("eps", torch.finfo(torch.float64).eps, torch.finfo(torch.float32).eps, torch.finfo().tiny)

# damped oscillator fit with RK4 in float64
dtype = torch.float64
t_grid = torch.linspace(0, 6, 61, dtype=dtype)
true_omega, true_zeta = 2.0, 0.15


def rhs(state, omega, zeta):
    x, v = state[..., 0], state[..., 1]
    return torch.stack([v, -2 * zeta * omega * v - omega ** 2 * x], dim=-1)


def rk4(y0, omega, zeta, ts):
    ys = [y0]
    y = y0
    for i in range(len(ts) - 1):
        h = ts[i + 1] - ts[i]
        k1 = rhs(y, omega, zeta)
        k2 = rhs(y + h / 2 * k1, omega, zeta)
        k3 = rhs(y + h / 2 * k2, omega, zeta)
        k4 = rhs(y + h * k3, omega, zeta)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        ys.append(y)
    return torch.stack(ys)


y0 = torch.tensor([1.0, 0.0], dtype=dtype)
with torch.no_grad():
    observed = rk4(y0, torch.tensor(true_omega, dtype=dtype), torch.tensor(true_zeta, dtype=dtype), t_grid)[:, 0]
    observed = observed + 0.01 * torch.randn(61, dtype=dtype)
omega = torch.tensor(1.5, dtype=dtype, requires_grad=True)
zeta = torch.tensor(0.3, dtype=dtype, requires_grad=True)
opt = torch.optim.LBFGS([omega, zeta], lr=0.5, max_iter=20, line_search_fn="strong_wolfe")


def closure():
    opt.zero_grad()
    loss = (rk4(y0, omega, zeta, t_grid)[:, 0] - observed).pow(2).mean()
    loss.backward()
    return loss


for it in range(3):
    loss = opt.step(closure)
    print(f"rk4 fit {it} loss {loss.item():.10f} omega {omega.item():.8f} zeta {zeta.item():.8f}")
print("float64 kept", omega.grad.dtype, opt.state[opt.param_groups[0]["params"][0]]["n_iter"])

# autograd.functional
def energy(q):
    return (q[0] ** 2 * q[1] + torch.sin(q[1]) * q[2] + q[2] ** 3 / 3).reshape(())


q = torch.tensor([0.5, -0.3, 1.2], dtype=dtype)
J = jacobian(lambda q: torch.stack([q.prod(), q.sum(), (q ** 2).sum()]), q, vectorize=True)
Jf = jacobian(lambda q: torch.stack([q.prod(), q.sum(), (q ** 2).sum()]), q, vectorize=True,
              strategy="forward-mode")
print("jacobian", [[f"{v:.10f}" for v in row] for row in J.tolist()], torch.allclose(J, Jf))
H = hessian(energy, q)
print("hessian", [[f"{v:.10f}" for v in row] for row in H.tolist()])
v = torch.tensor([1.0, 0.5, -1.0], dtype=dtype)
fv, hv = hvp(energy, q, v)
_, vh = vhp(energy, q, v)
print("hvp", f"{fv.item():.10f}", [f"{x:.10f}" for x in hv.tolist()], torch.allclose(hv, vh), torch.allclose(hv, H @ v))

# quadrature
xs = torch.linspace(0, math.pi, 101, dtype=dtype)
print("trapezoid sin", f"{torch.trapezoid(torch.sin(xs), xs).item():.12f}",
      "dx form", f"{torch.trapezoid(torch.sin(xs), dx=(math.pi / 100)).item():.12f}")
cum = torch.cumulative_trapezoid(torch.cos(xs), xs)
print("cumulative", tuple(cum.shape), f"{cum[49].item():.12f}", f"{cum[-1].item():.3e}" if False else
      bool(cum[-1].abs() < 1e-12))
print("float32 trapezoid", torch.trapezoid(torch.sin(xs.float()), xs.float()).dtype)

# Newton in float64 for x = cos(x) * y, y = x^2 + 0.1
z = torch.tensor([0.5, 0.5], dtype=dtype)
for it in range(6):
    F_val = torch.stack([z[0] - torch.cos(z[0]) * z[1], z[1] - z[0] ** 2 - 0.1])
    Jz = jacobian(lambda w: torch.stack([w[0] - torch.cos(w[0]) * w[1], w[1] - w[0] ** 2 - 0.1]), z)
    z = z - torch.linalg.solve(Jz, F_val)
    print(f"newton {it} |F| {F_val.norm().item():.3e}" if it < 3 else f"newton {it} converged {bool(F_val.norm() < 1e-10)}")
print("root", [f"{v:.12f}" for v in z.tolist()])
