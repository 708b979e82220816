"""A tiny NeRF as the "NeRF from scratch" notebooks (tiny_nerf, nerf-pytorch)
write it: camera rays from a pinhole model (torch.meshgrid with
indexing="xy", directions rotated by a camera-to-world matrix built from
look-at vectors with torch.linalg.cross / F.normalize), stratified sampling
along rays (linspace + uniform jitter), NeRF's positional encoding of
points and view directions, an MLP with a skip connection predicting
density (relu) and colour (sigmoid), volume rendering (deltas with a 1e10
last interval, alpha = 1 - exp(-sigma * delta), transmittance by an
exclusive cumprod via torch.cat + cumprod, weights, rgb / depth / acc maps),
hierarchical sampling from the coarse weights by inverse-transform sampling
(cumsum pdf, torch.searchsorted, gather), and training on rays rendered
from an analytic scene (a coloured sphere), with PSNR. Float64, seeded; every number
agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
# float64: the last interval's 1e10 length makes its alpha 0 or 1 by the sign of a density just at relu's
# kink, so float32 rounding flips whole samples (measured: 2e-4 apart by iteration 10)
torch.set_default_dtype(torch.float64)

H = W = 16
focal = 18.0


def look_at(eye, target=None, up=None):
    target = torch.zeros(3) if target is None else target
    up = torch.tensor([0.0, 0.0, 1.0]) if up is None else up
    fwd = F.normalize(target - eye, dim=0)
    right = F.normalize(torch.linalg.cross(fwd, up), dim=0)
    true_up = torch.linalg.cross(right, fwd)
    c2w = torch.eye(4)
    c2w[:3, 0], c2w[:3, 1], c2w[:3, 2], c2w[:3, 3] = right, true_up, -fwd, eye
    return c2w


def get_rays(c2w):
    i, j = torch.meshgrid(torch.arange(W, dtype=torch.float64), torch.arange(H, dtype=torch.float64), indexing="xy")
    dirs = torch.stack([(i - W * 0.5) / focal, -(j - H * 0.5) / focal, -torch.ones_like(i)], -1)
    rays_d = torch.sum(dirs[..., None, :] * c2w[:3, :3], -1)
    rays_o = c2w[:3, -1].expand(rays_d.shape)
    return rays_o, rays_d


def scene(pts):
    """Analytic ground truth: a sphere of radius 1 with a colour gradient; density 8 inside."""
    inside = (pts.norm(dim=-1) < 1.0).float()
    rgb = torch.stack([0.5 + 0.5 * pts[..., 0].clamp(-1, 1), 0.5 + 0.5 * pts[..., 1].clamp(-1, 1),
                       torch.full_like(pts[..., 0], 0.3)], -1)
    return rgb, 8.0 * inside


def posenc(x, L):
    out = [x]
    for k in range(L):
        out += [torch.sin(2.0 ** k * x), torch.cos(2.0 ** k * x)]
    return torch.cat(out, -1)


def render(raw_fn, rays_o, rays_d, near=2.0, far=6.0, n_samples=24, rand=True, z_vals=None):
    if z_vals is None:
        t = torch.linspace(0.0, 1.0, n_samples)
        z_vals = (near * (1 - t) + far * t).expand(*rays_o.shape[:-1], n_samples)
        if rand:
            mids = 0.5 * (z_vals[..., 1:] + z_vals[..., :-1])
            upper = torch.cat([mids, z_vals[..., -1:]], -1)
            lower = torch.cat([z_vals[..., :1], mids], -1)
            z_vals = lower + (upper - lower) * torch.rand(z_vals.shape)
    pts = rays_o[..., None, :] + rays_d[..., None, :] * z_vals[..., :, None]
    rgb, sigma = raw_fn(pts, rays_d)
    dists = torch.cat([z_vals[..., 1:] - z_vals[..., :-1], torch.full_like(z_vals[..., :1], 1e10)], -1)
    dists = dists * rays_d[..., None, :].norm(dim=-1)
    alpha = 1.0 - torch.exp(-sigma * dists)
    trans = torch.cumprod(torch.cat([torch.ones_like(alpha[..., :1]), 1.0 - alpha + 1e-10], -1), -1)[..., :-1]
    weights = alpha * trans
    rgb_map = (weights[..., None] * rgb).sum(-2)
    depth_map = (weights * z_vals).sum(-1)
    acc_map = weights.sum(-1)
    return rgb_map, depth_map, acc_map, weights, z_vals


def sample_pdf(bins, weights, n, det=False):
    weights = weights + 1e-5
    pdf = weights / weights.sum(-1, keepdim=True)
    cdf = torch.cat([torch.zeros_like(pdf[..., :1]), torch.cumsum(pdf, -1)], -1)
    u = torch.linspace(0.0, 1.0, n).expand(*cdf.shape[:-1], n) if det else torch.rand(*cdf.shape[:-1], n)
    u = u.contiguous()
    inds = torch.searchsorted(cdf, u, right=True)
    below = (inds - 1).clamp_min(0)
    above = inds.clamp_max(cdf.shape[-1] - 1)
    g = torch.stack([below, above], -1)
    shape = [*g.shape[:-1], cdf.shape[-1]]
    cdf_g = torch.gather(cdf[..., None, :].expand(shape), -1, g)
    bins_g = torch.gather(bins[..., None, :].expand(shape), -1, g)
    denom = cdf_g[..., 1] - cdf_g[..., 0]
    denom = torch.where(denom < 1e-5, torch.ones_like(denom), denom)
    t = (u - cdf_g[..., 0]) / denom
    return bins_g[..., 0] + t * (bins_g[..., 1] - bins_g[..., 0])


class NeRF(nn.Module):
    def __init__(self, Lx=4, Ld=2, width=48):
        super().__init__()
        self.Lx, self.Ld = Lx, Ld
        dx, dd = 3 + 6 * Lx, 3 + 6 * Ld
        self.l1 = nn.Linear(dx, width)
        self.l2 = nn.Linear(width, width)
        self.l3 = nn.Linear(width + dx, width)  # skip connection
        self.sigma = nn.Linear(width, 1)
        self.feat = nn.Linear(width, width)
        self.rgb = nn.Sequential(nn.Linear(width + dd, width // 2), nn.ReLU(), nn.Linear(width // 2, 3))

    def forward(self, pts, dirs):
        x = posenc(pts, self.Lx)
        d = posenc(F.normalize(dirs, dim=-1), self.Ld)[..., None, :].expand(*pts.shape[:-1], -1)
        h = F.relu(self.l2(F.relu(self.l1(x))))
        h = F.relu(self.l3(torch.cat([h, x], -1)))
        sigma = F.relu(self.sigma(h).squeeze(-1))
        rgb = torch.sigmoid(self.rgb(torch.cat([self.feat(h), d], -1)))
        return rgb, sigma


poses = [look_at(torch.tensor([4.0 * math.cos(a), 4.0 * math.sin(a), 1.0])) for a in torch.linspace(0, 2 * math.pi, 7)[:-1].tolist()]
targets = []
for c2w in poses:
    o, d = get_rays(c2w)
    rgb, depth, acc, _, _ = render(lambda p, _d: scene(p), o, d, n_samples=64, rand=False)
    targets.append((o, d, rgb))
print("c2w[0]", [[round(v, 5) for v in row] for row in poses[0][:3].tolist()])
print("target image mean", round(targets[0][2].mean().item(), 6), "acc max", round(acc.max().item(), 6),
      "depth center", round(depth[H // 2, W // 2].item(), 5))

coarse, fine = NeRF(), NeRF()
opt = torch.optim.Adam(list(coarse.parameters()) + list(fine.parameters()), lr=5e-3)
for it in range(30):
    o, d, target = targets[it % 5]
    sel = torch.randperm(H * W)[:64]
    o, d, target = o.reshape(-1, 3)[sel], d.reshape(-1, 3)[sel], target.reshape(-1, 3)[sel]
    rgb_c, _, _, w_c, z_c = render(coarse, o, d, n_samples=16)
    z_mid = 0.5 * (z_c[..., 1:] + z_c[..., :-1])
    z_f = sample_pdf(z_mid, w_c[..., 1:-1].detach(), 16)
    z_all, _ = torch.sort(torch.cat([z_c, z_f.detach()], -1), -1)
    rgb_f, depth_f, acc_f, _, _ = render(fine, o, d, z_vals=z_all)
    loss = F.mse_loss(rgb_c, target) + F.mse_loss(rgb_f, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 10 == 0 or it == 29:
        psnr = -10 * torch.log10(F.mse_loss(rgb_f, target))
        print(f"iter {it:2d} | loss {loss.item():.6f} | psnr {psnr.item():.4f} | acc {acc_f.mean().item():.5f}")

with torch.no_grad():
    o, d, target = targets[5]
    rgb, depth, acc, w, z = render(coarse, o, d, n_samples=16, rand=False)
    print("held-out view psnr (coarse)", round((-10 * torch.log10(F.mse_loss(rgb, target))).item(), 4))
    zs = sample_pdf(0.5 * (z[..., 1:] + z[..., :-1]), w[..., 1:-1], 8, det=True)
    print("importance samples center ray", [round(v, 4) for v in zs[H // 2, W // 2].tolist()])
