"""GAN training loops on the 8-Gaussians ring, as GAN repositories write
them: a conditional generator/discriminator (label nn.Embedding concatenated,
a projection discriminator by (emb * h).sum(1)), the old
torch.nn.utils.spectral_norm on every Linear of D, requires_grad toggling
of D during the G step, four objectives in turn (non-saturating BCE with
label smoothing, hinge, WGAN-GP with torch.rand(b, 1) interpolation and
autograd.grad(create_graph=True), least squares), the R1 penalty on real
data, Adam with betas=(0.0, 0.9) and n_critic steps, an EMA generator updated
by lerp_ under no_grad, and a mode-coverage metric by torch.cdist/argmin/
unique; everything in float64 by torch.set_default_dtype. Seeded: every
number agrees."""

import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm

# GAN dynamics (Adam with beta1 = 0, no momentum to damp them) grow float32 rounding by ~10x an iteration
# in the WGAN-GP run; in float64 thirty iterations stay far below the printed digits
torch.set_default_dtype(torch.float64)
N_MODES = 8


def sample_ring(n, generator, radius=2.0, std=0.05):
    labels = torch.randint(0, N_MODES, (n,), generator=generator)
    angles = labels.float() * 2 * math.pi / N_MODES
    centers = torch.stack([torch.cos(angles), torch.sin(angles)], dim=1) * radius
    return centers + std * torch.randn(n, 2, generator=generator), labels


class Generator(nn.Module):
    def __init__(self, z_dim=8, n_classes=N_MODES, hidden=64):
        super().__init__()
        self.embed = nn.Embedding(n_classes, 8)
        self.net = nn.Sequential(nn.Linear(z_dim + 8, hidden), nn.LeakyReLU(0.2, inplace=True),
                                 nn.Linear(hidden, hidden), nn.LeakyReLU(0.2, inplace=True), nn.Linear(hidden, 2))

    def forward(self, z, y):
        return self.net(torch.cat([z, self.embed(y)], dim=1))


class Discriminator(nn.Module):
    def __init__(self, n_classes=N_MODES, hidden=64, sn=True):
        super().__init__()
        wrap = spectral_norm if sn else (lambda m: m)
        self.body = nn.Sequential(wrap(nn.Linear(2, hidden)), nn.LeakyReLU(0.2),
                                  wrap(nn.Linear(hidden, hidden)), nn.LeakyReLU(0.2))
        self.out = wrap(nn.Linear(hidden, 1))
        self.embed = wrap(nn.Embedding(n_classes, hidden))

    def forward(self, x, y):
        h = self.body(x)
        return self.out(h).squeeze(1) + (self.embed(y) * h).sum(dim=1)


def toggle_grad(model, flag=True):
    for p in model.parameters():
        p.requires_grad_(flag)


def gradient_penalty(D, real, fake, y, generator):
    alpha = torch.rand(real.size(0), 1, generator=generator)
    interpolates = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    d_interpolates = D(interpolates, y)
    gradients = torch.autograd.grad(outputs=d_interpolates, inputs=interpolates,
                                    grad_outputs=torch.ones_like(d_interpolates), create_graph=True,
                                    retain_graph=True, only_inputs=True)[0]
    return ((gradients.norm(2, dim=1) - 1) ** 2).mean()


def r1_penalty(D, real, y):
    real = real.detach().requires_grad_(True)
    out = D(real, y)
    grad_real, = torch.autograd.grad(outputs=out.sum(), inputs=real, create_graph=True)
    return grad_real.pow(2).reshape(grad_real.shape[0], -1).sum(1).mean()


def d_loss_fn(kind, d_real, d_fake):
    if kind == "bce":
        real_t = torch.full_like(d_real, 0.9)  # one-sided label smoothing
        return F.binary_cross_entropy_with_logits(d_real, real_t) + \
            F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))
    if kind == "hinge":
        return F.relu(1.0 - d_real).mean() + F.relu(1.0 + d_fake).mean()
    if kind == "wgan-gp":
        return d_fake.mean() - d_real.mean()
    if kind == "lsgan":
        return 0.5 * F.mse_loss(d_real, torch.ones_like(d_real)) + 0.5 * F.mse_loss(d_fake, torch.zeros_like(d_fake))
    raise ValueError(kind)


def g_loss_fn(kind, d_fake):
    if kind == "bce":
        return F.binary_cross_entropy_with_logits(d_fake, torch.ones_like(d_fake))
    if kind in ("hinge", "wgan-gp"):
        return -d_fake.mean()
    return 0.5 * F.mse_loss(d_fake, torch.ones_like(d_fake))


@torch.no_grad()
def update_ema(ema, model, decay):
    for p_ema, p in zip(ema.parameters(), model.parameters()):
        p_ema.lerp_(p, 1 - decay)
    for b_ema, b in zip(ema.buffers(), model.buffers()):
        b_ema.copy_(b)


@torch.no_grad()
def mode_coverage(G, generator, n=400):
    z = torch.randn(n, 8, generator=generator)
    y = torch.arange(n) % N_MODES
    x = G(z, y)
    angles = torch.arange(N_MODES).float() * 2 * math.pi / N_MODES
    centers = torch.stack([torch.cos(angles), torch.sin(angles)], dim=1) * 2.0
    try:  # .float() is float32 whatever the default dtype, and cdist does not promote
        d = torch.cdist(x, centers)
    except RuntimeError as e:
        print("cdist:", e)
        d = torch.cdist(x, centers.to(x))
    dist, nearest = d.min(dim=1)
    good = dist < 0.5
    covered = torch.unique(nearest[good]).numel()
    label_acc = (nearest[good] == y[good]).float().mean().item() if good.any() else 0.0
    return covered, good.float().mean().item(), label_acc, x.std(dim=0)


print("spectral_norm attrs", sorted(n for n, _ in spectral_norm(nn.Linear(2, 3)).named_parameters()),
      sorted(n for n, _ in spectral_norm(nn.Linear(2, 3)).named_buffers()))
for kind in ("bce", "hinge", "wgan-gp", "lsgan"):
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    G, D = Generator(), Discriminator(sn=kind != "wgan-gp")
    G_ema = copy.deepcopy(G).eval()
    toggle_grad(G_ema, False)
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.0, 0.9))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.0, 0.9))
    n_critic = 2 if kind == "wgan-gp" else 1
    for it in range(30):
        toggle_grad(D, True)
        for _ in range(n_critic):
            real, y = sample_ring(64, g)
            z = torch.randn(64, 8, generator=g)
            with torch.no_grad():
                fake = G(z, y)
            d_real, d_fake = D(real, y), D(fake, y)
            loss_d = d_loss_fn(kind, d_real, d_fake)
            if kind == "wgan-gp":
                loss_d = loss_d + 10.0 * gradient_penalty(D, real, fake, y, g)
            elif it % 4 == 0:
                loss_d = loss_d + 0.5 * r1_penalty(D, real, y)  # lazy R1
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
        toggle_grad(D, False)
        z = torch.randn(64, 8, generator=g)
        y = torch.randint(0, N_MODES, (64,), generator=g)
        loss_g = g_loss_fn(kind, D(G(z, y), y))
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        update_ema(G_ema, G, decay=0.9)
        if it % 15 == 14:
            print(f"{kind:8s} iter {it + 1} | loss_d {loss_d.item():.6f} | loss_g {loss_g.item():.6f}")
    grads_off = all(p.grad is None or not p.requires_grad for p in D.parameters())
    covered, frac, acc, std = mode_coverage(G_ema, torch.Generator().manual_seed(2))
    sigma = D.body[0].weight_orig.flatten().norm().item() if kind != "wgan-gp" else 0.0
    print(f"{kind:8s} | modes {covered} | near {frac:.4f} | label acc {acc:.4f} | std "
          f"{[round(v, 5) for v in std.tolist()]} | D frozen {grads_off} | w_orig norm {sigma:.5f}")
    if kind != "wgan-gp":
        W = D.body[2].weight
        print(f"{kind:8s} | top singular value of the normalized weight {torch.linalg.matrix_norm(W, ord=2).item():.5f}"
              f" | u norm {D.body[2].weight_u.norm().item():.5f}")
