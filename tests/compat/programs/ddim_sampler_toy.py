"""A toy DDPM trained on a 2-D two-moons-like distribution, then sampled with DDIM as the diffusion
tutorials write it: a cosine beta schedule clipped with torch.clip, alphas_cumprod via cumprod, buffers
registered in float64 and cast, sinusoidal timestep embeddings, epsilon prediction, DDIM sampling on a
strided subsequence of timesteps with eta in {0, 1} (eta=0 deterministic: same noise, same samples),
x0 clipping, and the DDPM ancestral sampler for comparison."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def cosine_beta_schedule(timesteps, s=0.008):
    steps = timesteps + 1
    x = torch.linspace(0, timesteps, steps, dtype=torch.float64)
    alphas_cumprod = torch.cos(((x / timesteps) + s) / (1 + s) * math.pi * 0.5) ** 2
    alphas_cumprod = alphas_cumprod / alphas_cumprod[0]
    betas = 1 - (alphas_cumprod[1:] / alphas_cumprod[:-1])
    return torch.clip(betas, 0, 0.999)


def timestep_embedding(t, dim, max_period=10000):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(start=0, end=half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


def extract(a, t, x_shape):
    b, *_ = t.shape
    out = a.gather(-1, t)
    return out.reshape(b, *((1,) * (len(x_shape) - 1)))


class Diffusion(nn.Module):
    def __init__(self, model, timesteps=100):
        super().__init__()
        self.model = model
        self.num_timesteps = timesteps
        betas = cosine_beta_schedule(timesteps)
        alphas = 1.0 - betas
        alphas_cumprod = torch.cumprod(alphas, dim=0)
        alphas_cumprod_prev = F.pad(alphas_cumprod[:-1], (1, 0), value=1.0)
        register = lambda name, val: self.register_buffer(name, val.to(torch.float32))
        register("betas", betas)
        register("alphas_cumprod", alphas_cumprod)
        register("alphas_cumprod_prev", alphas_cumprod_prev)
        register("sqrt_alphas_cumprod", torch.sqrt(alphas_cumprod))
        register("sqrt_one_minus_alphas_cumprod", torch.sqrt(1.0 - alphas_cumprod))
        posterior_variance = betas * (1.0 - alphas_cumprod_prev) / (1.0 - alphas_cumprod)
        register("posterior_variance", posterior_variance)
        register("posterior_log_variance_clipped", torch.log(posterior_variance.clamp(min=1e-20)))

    def q_sample(self, x0, t, noise):
        return extract(self.sqrt_alphas_cumprod, t, x0.shape) * x0 + extract(self.sqrt_one_minus_alphas_cumprod, t, x0.shape) * noise

    def loss(self, x0):
        t = torch.randint(0, self.num_timesteps, (x0.shape[0],)).long()
        noise = torch.randn_like(x0)
        return F.mse_loss(self.model(self.q_sample(x0, t, noise), t), noise)

    @torch.no_grad()
    def ddpm_sample(self, n, gen):
        x = torch.randn(n, 2, generator=gen)
        for i in reversed(range(self.num_timesteps)):
            t = torch.full((n,), i, dtype=torch.long)
            eps = self.model(x, t)
            ac = extract(self.alphas_cumprod, t, x.shape)
            x0 = ((x - (1 - ac).sqrt() * eps) / ac.sqrt()).clamp(-3, 3)
            acp = extract(self.alphas_cumprod_prev, t, x.shape)
            b = extract(self.betas, t, x.shape)
            mean = (acp.sqrt() * b / (1 - ac)) * x0 + ((1 - b).sqrt() * (1 - acp) / (1 - ac)) * x
            noise = torch.randn(x.shape, generator=gen) if i > 0 else torch.zeros_like(x)
            x = mean + (0.5 * extract(self.posterior_log_variance_clipped, t, x.shape)).exp() * noise
        return x

    @torch.no_grad()
    def ddim_sample(self, n, steps, eta, gen):
        times = torch.linspace(-1, self.num_timesteps - 1, steps=steps + 1).int().tolist()[::-1]
        pairs = list(zip(times[:-1], times[1:]))
        x = torch.randn(n, 2, generator=gen)
        for time, time_next in pairs:
            t = torch.full((n,), time, dtype=torch.long)
            eps = self.model(x, t)
            alpha = self.alphas_cumprod[time]
            x0 = ((x - (1 - alpha).sqrt() * eps) / alpha.sqrt()).clamp(-3, 3)
            if time_next < 0:
                x = x0
                continue
            alpha_next = self.alphas_cumprod[time_next]
            sigma = eta * ((1 - alpha / alpha_next) * (1 - alpha_next) / (1 - alpha)).sqrt()
            c = (1 - alpha_next - sigma ** 2).sqrt()
            x = x0 * alpha_next.sqrt() + c * eps + sigma * torch.randn(x.shape, generator=gen)
        return x, pairs


class EpsNet(nn.Module):
    def __init__(self, d=64):
        super().__init__()
        self.t_mlp = nn.Sequential(nn.Linear(16, d), nn.SiLU(), nn.Linear(d, d))
        self.inp = nn.Linear(2, d)
        self.net = nn.Sequential(nn.SiLU(), nn.Linear(d, d), nn.SiLU(), nn.Linear(d, 2))

    def forward(self, x, t):
        return self.net(self.inp(x) + self.t_mlp(timestep_embedding(t, 16)))


def moons(n, gen):
    t = torch.rand(n, generator=gen) * math.pi
    upper = torch.rand(n, generator=gen) > 0.5
    x = torch.where(upper, torch.cos(t), 1 - torch.cos(t))
    y = torch.where(upper, torch.sin(t), 0.5 - torch.sin(t))
    return torch.stack([x, y], 1) * 1.5 - torch.tensor([0.75, 0.3]) + 0.05 * torch.randn(n, 2, generator=gen)


diff = Diffusion(EpsNet())
print("betas", diff.betas.dtype, [f"{v:.6f}" for v in diff.betas[[0, 1, 50, 98, 99]].tolist()])
print("alphas_cumprod[-1]", f"{diff.alphas_cumprod[-1].item():.3e}", "buffers", [n for n, _ in diff.named_buffers()][:4])
print("embedding", tuple(timestep_embedding(torch.tensor([0, 5, 99]), 16).shape),
      [f"{v:.4f}" for v in timestep_embedding(torch.tensor([7]), 8)[0].tolist()])

data = moons(2000, torch.Generator().manual_seed(1))
opt = torch.optim.Adam(diff.parameters(), lr=2e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=400)
for step in range(400):
    idx = torch.randint(0, len(data), (128,))
    loss = diff.loss(data[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if step % 100 == 0 or step == 399:
        print(f"step {step:3d} loss {loss.item():.4f}")

diff.eval()
for eta in (0.0, 1.0):
    s1, pairs = diff.ddim_sample(256, 20, eta, torch.Generator().manual_seed(5))
    s2, _ = diff.ddim_sample(256, 20, eta, torch.Generator().manual_seed(5))
    print(f"ddim eta={eta} mean {[round(v, 4) for v in s1.mean(0).tolist()]} std {[round(v, 4) for v in s1.std(0).tolist()]}"
          f" repeatable {torch.equal(s1, s2)}")
print("ddim pairs", pairs[:3], "...", pairs[-2:])
s = diff.ddpm_sample(256, torch.Generator().manual_seed(5))
print("ddpm mean", [round(v, 4) for v in s.mean(0).tolist()], "std", [round(v, 4) for v in s.std(0).tolist()])
print("data mean", [round(v, 4) for v in data.mean(0).tolist()], "std", [round(v, 4) for v in data.std(0).tolist()])
