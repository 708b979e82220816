"""Loss-landscape probes of a small trained network, as the "visualizing the loss landscape" and
mode-connectivity notebooks write them: the 1-D linear interpolation from initialisation to the trained
weights (parameters_to_vector / vector_to_parameters), filter-normalised random directions (each
output row of a weight rescaled to the trained row's norm, biases and BatchNorm zeroed), a 2-D grid of
losses around the minimum under torch.no_grad, the sharpness along each direction, and a quadratic
Bezier curve between two independently trained solutions whose bend point is trained with
torch.func.functional_call, compared with the straight line's barrier."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call
from torch.nn.utils import parameters_to_vector, vector_to_parameters

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)  # (Adam near a zero loss and the far grid points grow float32 rounding)
gen = torch.Generator().manual_seed(0)

x = torch.randn(160, 2, generator=gen)
y = ((x[:, 0] ** 2 + 0.5 * x[:, 1]) > 0.6).long()


def make(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 24), nn.ReLU(), nn.Linear(24, 24), nn.ReLU(), nn.Linear(24, 2))


def train(model, steps=150):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return model


def loss_at(model, vec):
    vector_to_parameters(vec, model.parameters())
    with torch.no_grad():
        out = model(x)
        return F.cross_entropy(out, y).item(), (out.argmax(1) == y).float().mean().item()


model = make(1)
theta0 = parameters_to_vector(model.parameters()).detach().clone()
train(model)
theta1 = parameters_to_vector(model.parameters()).detach().clone()
probe = copy.deepcopy(model)
print("params", theta1.numel(), "distance travelled", round((theta1 - theta0).norm().item(), 4))
for alpha in (0.0, 0.25, 0.5, 0.75, 1.0, 1.25):
    loss, acc = loss_at(probe, (1 - alpha) * theta0 + alpha * theta1)
    print(f"alpha {alpha:.2f} | loss {loss:.5f} | acc {acc:.4f}")


def filter_normalized_direction(net):
    parts = []
    for p in net.parameters():
        d = torch.randn(p.shape, generator=gen)
        if p.dim() <= 1:
            d.zero_()  # biases stay put, as the paper's "ignore biases" option
        else:
            d.mul_(p.norm(dim=1, keepdim=True) / (d.norm(dim=1, keepdim=True) + 1e-10))
        parts.append(d.reshape(-1))
    return torch.cat(parts)


d1, d2 = filter_normalized_direction(model), filter_normalized_direction(model)
print("direction cosine", round(F.cosine_similarity(d1, d2, dim=0).item(), 5))
coords = torch.linspace(-1, 1, 5)
grid = torch.zeros(5, 5)
for i, a in enumerate(coords):
    for j, b in enumerate(coords):
        grid[i, j] = loss_at(probe, theta1 + a * d1 + b * d2)[0]
print("grid centre", round(grid[2, 2].item(), 5), "corners", [round(v, 4) for v in grid[[0, 0, 4, 4], [0, 4, 0, 4]].tolist()])
print("grid min at", divmod(int(grid.argmin()), 5), "max", round(grid.max().item(), 4))
for name, d in (("d1", d1), ("d2", d2)):
    eps = 0.05
    plus, minus = loss_at(probe, theta1 + eps * d)[0], loss_at(probe, theta1 - eps * d)[0]
    print(f"curvature along {name} {(plus + minus - 2 * grid[2, 2].item()) / eps ** 2:.4f}")

other = train(make(2))
w_a = {n: p.detach() for n, p in model.named_parameters()}
w_b = {n: p.detach() for n, p in other.named_parameters()}
bend = {n: nn.Parameter((w_a[n] + w_b[n]) / 2) for n in w_a}
opt = torch.optim.Adam(bend.values(), lr=1e-2)


def curve_point(t):
    return {n: (1 - t) ** 2 * w_a[n] + 2 * t * (1 - t) * bend[n] + t ** 2 * w_b[n] for n in w_a}


for step in range(80):
    t = torch.rand(1, generator=gen).item()
    loss = F.cross_entropy(functional_call(model, curve_point(t), (x,)), y)
    opt.zero_grad()
    loss.backward()
    opt.step()

with torch.no_grad():
    ts = torch.linspace(0, 1, 6)
    line = [F.cross_entropy(functional_call(model, {n: (1 - t) * w_a[n] + t * w_b[n] for n in w_a}, (x,)), y).item()
            for t in ts]
    curve = [F.cross_entropy(functional_call(model, curve_point(t.item()), (x,)), y).item() for t in ts]
print("line losses", [round(v, 4) for v in line])
print("curve losses", [round(v, 4) for v in curve])
print(f"barrier line {max(line) - max(line[0], line[-1]):.4f} | curve {max(curve) - max(curve[0], curve[-1]):.4f}")
