"""2-D Gaussian splatting fitted to a small target image, as the "gsplat from scratch" notebooks write it:
each Gaussian has a mean, a log-scale pair, a rotation angle, an opacity logit and a colour; covariances
built as R S S^T R^T, their inverses by torch.linalg.inv, per-pixel Mahalanobis weights, depth-sorted
front-to-back alpha compositing through an exclusive cumprod of (1 - alpha), an Adam fit with parameter
groups at different learning rates, densification by cloning the Gaussians with the largest positional
gradients, and PSNR."""

import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)  # (Adam on near-isotropic angles grows float32 rounding over the steps)
gen = torch.Generator().manual_seed(0)

H = W = 16
ys, xs = torch.meshgrid(torch.linspace(0, 1, H), torch.linspace(0, 1, W), indexing="ij")
pix = torch.stack([xs, ys], -1).view(-1, 2)
target = torch.stack([
    (((xs - 0.3) ** 2 + (ys - 0.4) ** 2) < 0.04).float(),
    ((xs > 0.5) & (ys > 0.55)).float() * 0.8,
    0.3 + 0.4 * xs * ys,
], -1)


def init(n):
    return {
        "mean": torch.rand(n, 2, generator=gen).requires_grad_(),
        "log_scale": (math.log(0.08) + 0.3 * torch.randn(n, 2, generator=gen)).requires_grad_(),
        "theta": (torch.rand(n, generator=gen) * math.pi).requires_grad_(),
        "opacity": torch.zeros(n).requires_grad_(),
        "color": torch.logit(torch.rand(n, 3, generator=gen).clamp(0.05, 0.95)).requires_grad_(),
        "depth": torch.rand(n, generator=gen),
    }


def render(g):
    c, s = torch.cos(g["theta"]), torch.sin(g["theta"])
    R = torch.stack([torch.stack([c, -s], -1), torch.stack([s, c], -1)], -2)
    S = torch.diag_embed(torch.exp(g["log_scale"]))
    cov = R @ S @ S.transpose(1, 2) @ R.transpose(1, 2)
    inv = torch.linalg.inv(cov)
    d = pix.unsqueeze(1) - g["mean"].unsqueeze(0)  # (P, N, 2)
    maha = torch.einsum("pni,nij,pnj->pn", d, inv, d)
    alpha = torch.sigmoid(g["opacity"]) * torch.exp(-0.5 * maha)
    order = torch.argsort(g["depth"])
    alpha = alpha[:, order].clamp(max=0.99)
    trans = torch.cumprod(torch.cat([torch.ones(alpha.shape[0], 1), 1 - alpha[:, :-1]], 1), 1)
    weights = alpha * trans
    img = weights @ torch.sigmoid(g["color"][order])
    return img.view(H, W, 3), weights.sum(1).view(H, W)


def psnr(a, b):
    return 10 * math.log10(1.0 / F.mse_loss(a, b).item())


g = init(24)
print("gaussians", g["mean"].shape[0], "initial psnr", round(psnr(render(g)[0].detach(), target), 4))
for round_ in range(2):
    opt = torch.optim.Adam([
        {"params": [g["mean"]], "lr": 1e-2},
        {"params": [g["log_scale"], g["theta"]], "lr": 3e-2},
        {"params": [g["opacity"], g["color"]], "lr": 5e-2},
    ])
    grad_accum = torch.zeros(g["mean"].shape[0])
    for step in range(40):
        img, acc = render(g)
        loss = F.l1_loss(img, target) * 0.8 + F.mse_loss(img, target) * 0.2
        opt.zero_grad()
        loss.backward()
        grad_accum += g["mean"].grad.norm(dim=1)
        opt.step()
        if step % 20 == 19:
            print(f"round {round_} step {step + 1} | loss {loss.item():.5f} | psnr {psnr(img.detach(), target):.4f} | "
                  f"coverage {acc.mean().item():.4f}")
    if round_ == 0:
        top = torch.topk(grad_accum, 8).indices
        with torch.no_grad():
            new = {k: torch.cat([v.detach(), v.detach()[top]]) for k, v in g.items()}
            new["mean"][-8:] += 0.02 * torch.randn(8, 2, generator=gen)
            new["log_scale"][-8:] -= math.log(1.6)
            new["depth"][-8:] = torch.rand(8, generator=gen)
        g = {k: (v.requires_grad_() if k != "depth" else v) for k, v in new.items()}
        print("densified to", g["mean"].shape[0], "clone ids", sorted(top.tolist()))

with torch.no_grad():
    img, acc = render(g)
    scales = torch.exp(g["log_scale"])
    print("final psnr", round(psnr(img, target), 4), "mean opacity", round(torch.sigmoid(g["opacity"]).mean().item(), 4))
    print("scale range", round(scales.min().item(), 5), round(scales.max().item(), 5),
          "anisotropy", round((scales.max(1).values / scales.min(1).values).max().item(), 4))
    print("channel means", [round(v, 4) for v in img.mean((0, 1)).tolist()], "target",
          [round(v, 4) for v in target.mean((0, 1)).tolist()])
