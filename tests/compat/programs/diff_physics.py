"""Differentiable simulation as the DiffTaichi-style and "learning to throw"
tutorials write it in plain torch: a projectile with quadratic drag
integrated by semi-implicit Euler, the launch velocity optimised through the
unrolled simulator to hit a target (gradient from backward through 100
steps, Adam), the same solved by Newton's method on the two-dimensional
miss vector with torch.autograd.functional.jacobian; a mass-spring chain
(springs as index pairs, forces assembled with index_add) whose rest
lengths are fitted so the chain settles to a target shape; a bouncing ball
with a differentiable soft contact (softplus penetration penalty) and the
gradient of the final height with respect to the restitution stiffness,
checked against central finite differences in float64; and a pendulum's
period found by bisection on the sign change of the angle (torch.sign).
Float64, seeded; every number agrees."""

import math

import torch

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

g = torch.tensor([0.0, -9.81])
target = torch.tensor([12.0, 3.0])


def fly(v0, drag=0.05, dt=0.01, steps=100):
    x = torch.zeros(2)
    v = v0
    for _ in range(steps):
        v = v + dt * (g - drag * v.norm() * v)
        x = x + dt * v
    return x


v0 = torch.tensor([8.0, 8.0], requires_grad=True)
opt = torch.optim.Adam([v0], lr=0.5)
for it in range(30):
    miss = fly(v0) - target
    loss = (miss ** 2).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 10 == 0 or it == 29:
        print(f"adam it {it:2d} | miss {loss.item():.8f} | v0 {[round(v, 5) for v in v0.tolist()]}")

v = torch.tensor([8.0, 8.0])
for it in range(4):
    J = torch.autograd.functional.jacobian(lambda u: fly(u), v)
    miss = fly(v) - target
    v = v - torch.linalg.solve(J, miss)
    print(f"newton it {it} | |miss| {miss.norm().item():.3e} | v0 {[round(t, 8) for t in v.tolist()]}")
print("jacobian", [[round(t, 6) for t in row] for row in J.tolist()])

# mass-spring chain: fit rest lengths so the hanging chain matches a target shape
n = 8
springs = torch.tensor([[i, i + 1] for i in range(n - 1)] + [[i, i + 2] for i in range(n - 2)])
target_shape = torch.stack([torch.linspace(0, 3, n), -0.3 * torch.sin(torch.linspace(0, math.pi, n))], 1)


free = torch.ones(n, 1)
free[0] = free[-1] = 0.0


def settle(rest, k=60.0, steps=80, dt=0.03):
    x = torch.stack([torch.linspace(0, 3, n), torch.zeros(n)], 1)
    v = torch.zeros(n, 2)
    for _ in range(steps):
        d = x[springs[:, 1]] - x[springs[:, 0]]
        length = d.norm(dim=1, keepdim=True)
        f = k * (length - rest[:, None]) * d / length
        force = torch.zeros(n, 2).index_add(0, springs[:, 0], f).index_add(0, springs[:, 1], -f)
        force = (force + torch.tensor([0.0, -1.0]) - 2.0 * v) * free  # pinned ends feel no force
        v = v + dt * force
        x = x + dt * v
    return x


rest = (target_shape[springs[:, 1]] - target_shape[springs[:, 0]]).norm(dim=1).clone().requires_grad_(True)
print("initial rest lengths", [round(t, 5) for t in rest.tolist()])
opt = torch.optim.Adam([rest], lr=0.02)
for it in range(15):
    loss = ((settle(rest) - target_shape) ** 2).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 5 == 0 or it == 14:
        print(f"chain it {it:2d} | shape error {loss.item():.8f} | grad norm {rest.grad.norm().item():.6f}")


# bouncing ball with soft contact
def bounce(stiff, steps=200, dt=0.005):
    y, vy = torch.tensor(1.0), torch.tensor(0.0)
    for _ in range(steps):
        contact = stiff * torch.nn.functional.softplus(-y * 50) / 50
        vy = vy + dt * (-9.81 + contact - 0.5 * vy * (y < 0).double())
        y = y + dt * vy
    return y


k = torch.tensor(400.0, requires_grad=True)
h = bounce(k)
h.backward()
eps = 1e-3
fd = (bounce(torch.tensor(400.0 + eps)) - bounce(torch.tensor(400.0 - eps))) / (2 * eps)
print("final height", round(h.item(), 8), "d/dk autograd", round(k.grad.item(), 8), "finite diff", round(fd.item(), 6))


# pendulum period by bisection on the first sign change of the angle
def angle_at(T, theta0=1.0, dt=5e-3):
    th, om = torch.tensor(theta0), torch.tensor(0.0)
    for _ in range(int(T / dt)):
        om = om - dt * 9.81 * torch.sin(th)
        th = th + dt * om
    return th


lo, hi = 0.2, 0.8
for _ in range(12):
    mid = 0.5 * (lo + hi)
    if torch.sign(angle_at(mid)) > 0:
        lo = mid
    else:
        hi = mid
quarter = 0.5 * (lo + hi)
small = 2 * math.pi * math.sqrt(1 / 9.81)
print("period", round(4 * quarter, 4), "small-angle", round(small, 6), "ratio", round(4 * quarter / small, 4))
