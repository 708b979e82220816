"""A small SNGAN-style recipe on the bundled 8x8 digits: a discriminator with
torch.nn.utils.parametrizations.spectral_norm on every conv/linear, the hinge loss, two time-scale
Adam (betas=(0, 0.9)), an R1 penalty on real images every few steps (autograd.grad with
create_graph=True), a translation augmentation applied to real and fake alike (torch.roll with
random shifts), an EMA copy of the generator through swa_utils.AveragedModel with
get_ema_multi_avg_fn (buffers included), and a Frechet distance between feature statistics of a
fixed random encoder (matrix square roots by eigh)."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from _data import digits

torch.manual_seed(3)
torch.set_num_threads(1)

pixels, _ = digits()
real_all = torch.from_numpy(pixels[:512]).float().div(8.0).sub(1.0).reshape(-1, 1, 8, 8)
print("real", tuple(real_all.shape), f"range {real_all.min().item():.1f} {real_all.max().item():.1f}")
Z = 16


class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(Z, 32 * 2 * 2)
        self.net = nn.Sequential(
            nn.BatchNorm2d(32), nn.ReLU(), nn.Upsample(scale_factor=2), nn.Conv2d(32, 16, 3, padding=1),
            nn.BatchNorm2d(16), nn.ReLU(), nn.Upsample(scale_factor=2), nn.Conv2d(16, 1, 3, padding=1), nn.Tanh())

    def forward(self, z):
        return self.net(self.fc(z).view(-1, 32, 2, 2))


class D(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            spectral_norm(nn.Conv2d(1, 16, 3, padding=1)), nn.LeakyReLU(0.1),
            spectral_norm(nn.Conv2d(16, 32, 4, stride=2, padding=1)), nn.LeakyReLU(0.1),
            nn.Flatten(), spectral_norm(nn.Linear(32 * 4 * 4, 1)))

    def forward(self, x):
        return self.net(x).squeeze(1)


g, d = G(), D()
ema = AveragedModel(g, multi_avg_fn=get_ema_multi_avg_fn(0.95), use_buffers=True)
print("d params", sorted({n.split(".", 2)[-1] for n, _ in d.named_parameters()}))
print("d buffers", sorted({n.split(".", 2)[-1] for n, _ in d.named_buffers()}))
opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.0, 0.9))
opt_d = torch.optim.Adam(d.parameters(), lr=4e-4, betas=(0.0, 0.9))
aug_g = torch.Generator().manual_seed(5)


def augment(x):
    dx, dy = torch.randint(-1, 2, (2,), generator=aug_g).tolist()
    return torch.roll(x, shifts=(dy, dx), dims=(2, 3))


batch, r1_every, gamma = 64, 4, 1.0
for step in range(24):
    idx = torch.randint(0, len(real_all), (batch,), generator=aug_g)
    real = real_all[idx]
    z = torch.randn(batch, Z)
    fake = g(z)
    d_real = d(augment(real))
    d_fake = d(augment(fake.detach()))
    loss_d = F.relu(1 - d_real).mean() + F.relu(1 + d_fake).mean()
    if step % r1_every == 0:
        real_req = real.clone().requires_grad_(True)
        (grad_real,) = torch.autograd.grad(d(real_req).sum(), real_req, create_graph=True)
        r1 = grad_real.pow(2).flatten(1).sum(1).mean()
        loss_d = loss_d + gamma / 2 * r1 * r1_every
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()

    loss_g = -d(augment(g(torch.randn(batch, Z)))).mean()
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    ema.update_parameters(g)
    if step % 8 == 0:
        sigma = torch.linalg.matrix_norm(d.net[2].weight.flatten(1), ord=2).item()
        print(f"step {step:2d} loss_d {loss_d.item():.4f} loss_g {loss_g.item():.4f} r1 {r1.item():.4f} "
              f"sigma {sigma:.4f}")

print("ema n_averaged", ema.n_averaged.item(), "bn buffers averaged",
      torch.allclose(ema.module.net[0].running_mean, g.net[0].running_mean))
encoder = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(2), nn.Flatten())
for p in encoder.parameters():
    p.requires_grad_(False)


def stats(x):
    f = encoder(x).double()
    return f.mean(0), torch.cov(f.T)


def sqrtm_psd(a):
    vals, vecs = torch.linalg.eigh(a)
    return vecs @ torch.diag(vals.clamp(min=0).sqrt()) @ vecs.T


def frechet(x, y):
    m1, c1 = stats(x)
    m2, c2 = stats(y)
    s1 = sqrtm_psd(c1)
    cross = sqrtm_psd(s1 @ c2 @ s1)
    return ((m1 - m2).pow(2).sum() + torch.trace(c1 + c2 - 2 * cross)).item()


g.eval()
ema.eval()
with torch.no_grad():
    z = torch.randn(256, Z)
    fd_g, fd_ema = frechet(real_all[:256], g(z)), frechet(real_all[:256], ema(z))
    fd_noise = frechet(real_all[:256], torch.rand(256, 1, 8, 8) * 2 - 1)
print(f"frechet generator {fd_g:.4f} ema {fd_ema:.4f} noise {fd_noise:.4f} real halves "
      f"{frechet(real_all[:256], real_all[256:]):.4f}")
# (a GAN grows float32 rounding fastest in its samples: agreement to the printed digits, in float64 exact)
print(f"ema sample mean {ema(z).mean().item():.3f} std {ema(z).std().item():.3f}")
