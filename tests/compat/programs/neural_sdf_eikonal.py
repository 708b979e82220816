"""A neural signed distance function, as the implicit-geometry tutorials (IGR, SIREN-SDF) write it: an MLP
with Softplus(beta=100) fitted to points on a 2-D shape with normals, the eikonal term |grad f| = 1 at
random points through torch.autograd.grad(create_graph=True), a normal-alignment loss, geometric (sphere)
initialisation of the last layer, sphere tracing of rays against the learned field with a fixed step
budget under torch.no_grad, surface normals by autograd at the hit points, and the Chamfer distance
between the traced hits and the true shape from torch.cdist."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)  # (Softplus(beta=100) is sharp: float32 rounding grows over the steps)
gen = torch.Generator().manual_seed(0)


def shape_points(n):
    # a rounded square: the superellipse |x|^4 + |y|^4 = 0.5^4, points and outward normals
    t = torch.linspace(0, 2 * math.pi, n + 1)[:-1]
    c, s = torch.cos(t), torch.sin(t)
    r = 0.5 / (c.abs() ** 4 + s.abs() ** 4) ** 0.25
    p = torch.stack([r * c, r * s], 1)
    g = torch.stack([4 * p[:, 0] ** 3, 4 * p[:, 1] ** 3], 1)
    return p, F.normalize(g, dim=1)


class SDF(nn.Module):
    def __init__(self, hidden=32, radius=0.5):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, 1)])
        self.act = nn.Softplus(beta=100)
        for lin in self.layers[:-1]:
            nn.init.normal_(lin.weight, 0.0, math.sqrt(2) / math.sqrt(lin.out_features))
            nn.init.zeros_(lin.bias)
        last = self.layers[-1]
        nn.init.normal_(last.weight, mean=math.sqrt(math.pi) / math.sqrt(hidden), std=1e-4)
        nn.init.constant_(last.bias, -radius)

    def forward(self, x):
        for lin in self.layers[:-1]:
            x = self.act(lin(x))
        return self.layers[-1](x).squeeze(-1)


def gradient(f, x):
    return torch.autograd.grad(f.sum(), x, create_graph=True)[0]


surface, normals = shape_points(64)
model = SDF()
with torch.no_grad():
    probe = torch.tensor([[0.0, 0.0], [0.9, 0.0], [0.0, 0.45]])
    print("geometric init values", [round(v, 4) for v in model(probe).tolist()])
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
for step in range(60):
    x_surf = surface.clone().requires_grad_(True)
    f_surf = model(x_surf)
    g_surf = gradient(f_surf, x_surf)
    x_rand = (torch.rand(64, 2, generator=gen) * 2.4 - 1.2).requires_grad_(True)
    g_rand = gradient(model(x_rand), x_rand)
    loss_surf = f_surf.abs().mean()
    loss_normal = (1 - F.cosine_similarity(g_surf, normals, dim=1)).mean()
    loss_eik = ((g_rand.norm(dim=1) - 1) ** 2).mean()
    loss = 3 * loss_surf + loss_normal + 0.1 * loss_eik
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 20 == 19:
        print(f"step {step + 1} | surface {loss_surf.item():.6f} | normal {loss_normal.item():.6f} | "
              f"eikonal {loss_eik.item():.6f}")

with torch.no_grad():
    inside = model(torch.tensor([[0.0, 0.0], [0.2, -0.1]]))
    outside = model(torch.tensor([[1.0, 1.0], [-0.9, 0.2]]))
    print("signs inside", (inside < 0).tolist(), "outside", (outside > 0).tolist())

# sphere tracing from a ring of cameras towards the origin
angles = torch.linspace(0, 2 * math.pi, 25)[:-1]
origins = 1.5 * torch.stack([torch.cos(angles), torch.sin(angles)], 1)
dirs = -F.normalize(origins, dim=1)
with torch.no_grad():
    t = torch.zeros(len(origins))
    for it in range(30):
        d = model(origins + t.unsqueeze(1) * dirs)
        t = t + d.clamp(min=0.0)
    hits = origins + t.unsqueeze(1) * dirs
    residual = model(hits).abs()
print(f"traced {len(hits)} rays | max residual {residual.max().item():.6f} | mean depth {t.mean().item():.5f}")
chamfer = torch.cdist(hits, surface).min(1).values.mean() + torch.cdist(surface, hits).min(1).values.mean()
print(f"chamfer distance {chamfer.item():.6f}")
x_hit = hits.clone().requires_grad_(True)
n_hit = F.normalize(gradient(model(x_hit), x_hit), dim=1)
agree = F.cosine_similarity(n_hit, F.normalize(hits, dim=1), dim=1)
print(f"normals vs radial direction: min cos {agree.min().item():.5f} mean cos {agree.mean().item():.5f}")
hess = torch.autograd.functional.hessian(lambda p: model(p.unsqueeze(0)).sum(), hits[0])
print("hessian at a hit", [[round(v, 4) for v in r] for r in hess.tolist()])
