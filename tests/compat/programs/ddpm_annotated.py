"""DDPM as The Annotated Diffusion Model (Hugging Face blog) writes it, at toy
size: cosine / linear / quadratic / sigmoid beta schedules, alphas_cumprod with
F.pad(alphas_cumprod[:-1], (1, 0), value=1.0), the extract(a, t, x_shape)
helper (a.gather(-1, t) then reshape(batch_size, *((1,) * (len(x_shape) - 1)))),
q_sample, SinusoidalPositionEmbeddings (torch.exp(torch.arange(half) * -emb),
cat of sin and cos), a small conv denoiser (weight-standardized convolutions initialized
through nn.init._calculate_fan_in_and_fan_out) with the time embedding added per
channel via rearrange-style view and GroupNorm, p_losses with l1 / l2 / huber,
training on 8x8 synthetic images with torch.randint timesteps, and the
p_sample / p_sample_loop ancestral sampler under torch.no_grad with
torch.randn_like and the posterior variance. Seeded, so every number agrees
with PyTorch."""

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.optim import Adam

torch.set_num_threads(1)
torch.manual_seed(0)


def cosine_beta_schedule(timesteps, s=0.008):
    steps = timesteps + 1
    x = torch.linspace(0, timesteps, steps)
    alphas_cumprod = torch.cos(((x / timesteps) + s) / (1 + s) * torch.pi * 0.5) ** 2
    alphas_cumprod = alphas_cumprod / alphas_cumprod[0]
    betas = 1 - (alphas_cumprod[1:] / alphas_cumprod[:-1])
    return torch.clip(betas, 0.0001, 0.9999)


def linear_beta_schedule(timesteps):
    beta_start = 0.0001
    beta_end = 0.02
    return torch.linspace(beta_start, beta_end, timesteps)


def quadratic_beta_schedule(timesteps):
    beta_start = 0.0001
    beta_end = 0.02
    return torch.linspace(beta_start ** 0.5, beta_end ** 0.5, timesteps) ** 2


def sigmoid_beta_schedule(timesteps):
    beta_start = 0.0001
    beta_end = 0.02
    betas = torch.linspace(-6, 6, timesteps)
    return torch.sigmoid(betas) * (beta_end - beta_start) + beta_start


timesteps = 50
for name, fn in [("cosine", cosine_beta_schedule), ("linear", linear_beta_schedule),
                 ("quadratic", quadratic_beta_schedule), ("sigmoid", sigmoid_beta_schedule)]:
    b = fn(timesteps)
    print(f"{name} betas first {b[0].item():.6f} mid {b[timesteps // 2].item():.6f} last {b[-1].item():.6f}")

betas = linear_beta_schedule(timesteps=timesteps)
alphas = 1.0 - betas
alphas_cumprod = torch.cumprod(alphas, axis=0)
alphas_cumprod_prev = F.pad(alphas_cumprod[:-1], (1, 0), value=1.0)
sqrt_recip_alphas = torch.sqrt(1.0 / alphas)
sqrt_alphas_cumprod = torch.sqrt(alphas_cumprod)
sqrt_one_minus_alphas_cumprod = torch.sqrt(1.0 - alphas_cumprod)
posterior_variance = betas * (1.0 - alphas_cumprod_prev) / (1.0 - alphas_cumprod)
print(f"alphas_cumprod last {alphas_cumprod[-1].item():.6f} prev[0] {alphas_cumprod_prev[0].item():.1f} "
      f"posterior_variance[1] {posterior_variance[1].item():.8f}")


def extract(a, t, x_shape):
    batch_size = t.shape[0]
    out = a.gather(-1, t.cpu())
    return out.reshape(batch_size, *((1,) * (len(x_shape) - 1))).to(t.device)


def q_sample(x_start, t, noise=None):
    if noise is None:
        noise = torch.randn_like(x_start)
    sqrt_alphas_cumprod_t = extract(sqrt_alphas_cumprod, t, x_start.shape)
    sqrt_one_minus_alphas_cumprod_t = extract(sqrt_one_minus_alphas_cumprod, t, x_start.shape)
    return sqrt_alphas_cumprod_t * x_start + sqrt_one_minus_alphas_cumprod_t * noise


class SinusoidalPositionEmbeddings(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, time):
        device = time.device
        half_dim = self.dim // 2
        embeddings = math.log(10000) / (half_dim - 1)
        embeddings = torch.exp(torch.arange(half_dim, device=device) * -embeddings)
        embeddings = time[:, None] * embeddings[None, :]
        embeddings = torch.cat((embeddings.sin(), embeddings.cos()), dim=-1)
        return embeddings


class WeightStandardizedConv2d(nn.Conv2d):
    """https://arxiv.org/abs/1903.10520: weight standardization works with group normalization."""

    def reset_parameters(self):
        # a custom init reading the fans as nn.Conv2d's own reset_parameters does
        fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(self.weight)
        nn.init.uniform_(self.weight, -math.sqrt(3.0 / fan_in), math.sqrt(3.0 / fan_in))
        if self.bias is not None:
            nn.init.uniform_(self.bias, -1 / math.sqrt(fan_out), 1 / math.sqrt(fan_out))

    def forward(self, x):
        eps = 1e-5 if x.dtype == torch.float32 else 1e-3
        weight = self.weight
        mean = weight.mean(dim=(1, 2, 3), keepdim=True)
        var = torch.var(weight, dim=(1, 2, 3), keepdim=True, unbiased=False)
        normalized_weight = (weight - mean) * (var + eps).rsqrt()
        return F.conv2d(x, normalized_weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Block(nn.Module):
    def __init__(self, dim, dim_out, groups=4):
        super().__init__()
        self.proj = WeightStandardizedConv2d(dim, dim_out, 3, padding=1)
        self.norm = nn.GroupNorm(groups, dim_out)
        self.act = nn.SiLU()

    def forward(self, x, scale_shift=None):
        x = self.proj(x)
        x = self.norm(x)
        if scale_shift is not None:
            scale, shift = scale_shift
            x = x * (scale + 1) + shift
        return self.act(x)


class ResnetBlock(nn.Module):
    def __init__(self, dim, dim_out, *, time_emb_dim=None, groups=4):
        super().__init__()
        self.mlp = nn.Sequential(nn.SiLU(), nn.Linear(time_emb_dim, dim_out * 2)) if time_emb_dim else None
        self.block1 = Block(dim, dim_out, groups=groups)
        self.block2 = Block(dim_out, dim_out, groups=groups)
        self.res_conv = nn.Conv2d(dim, dim_out, 1) if dim != dim_out else nn.Identity()

    def forward(self, x, time_emb=None):
        scale_shift = None
        if self.mlp is not None and time_emb is not None:
            time_emb = self.mlp(time_emb)
            time_emb = time_emb.view(*time_emb.shape, 1, 1)  # rearrange "b c -> b c 1 1"
            scale_shift = time_emb.chunk(2, dim=1)
        h = self.block1(x, scale_shift=scale_shift)
        h = self.block2(h)
        return h + self.res_conv(x)


class Denoiser(nn.Module):
    def __init__(self, dim=8, channels=1):
        super().__init__()
        self.channels = channels
        time_dim = dim * 4
        self.time_mlp = nn.Sequential(SinusoidalPositionEmbeddings(dim), nn.Linear(dim, time_dim), nn.GELU(),
                                      nn.Linear(time_dim, time_dim))
        self.init_conv = nn.Conv2d(channels, dim, 1, padding=0)
        self.down = ResnetBlock(dim, dim, time_emb_dim=time_dim)
        self.downsample = nn.Conv2d(dim, dim * 2, 4, 2, 1)
        self.mid = ResnetBlock(dim * 2, dim * 2, time_emb_dim=time_dim)
        self.upsample = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(dim * 2, dim, 3,
                                                                                                  padding=1))
        self.up = ResnetBlock(dim * 2, dim, time_emb_dim=time_dim)
        self.final_conv = nn.Conv2d(dim, channels, 1)

    def forward(self, x, time):
        x = self.init_conv(x)
        t = self.time_mlp(time)
        h = self.down(x, t)
        m = self.mid(self.downsample(h), t)
        u = self.upsample(m)
        u = self.up(torch.cat((u, h), dim=1), t)
        return self.final_conv(u)


def p_losses(denoise_model, x_start, t, noise=None, loss_type="l1"):
    if noise is None:
        noise = torch.randn_like(x_start)
    x_noisy = q_sample(x_start=x_start, t=t, noise=noise)
    predicted_noise = denoise_model(x_noisy, t)
    if loss_type == "l1":
        loss = F.l1_loss(noise, predicted_noise)
    elif loss_type == "l2":
        loss = F.mse_loss(noise, predicted_noise)
    elif loss_type == "huber":
        loss = F.smooth_l1_loss(noise, predicted_noise)
    else:
        raise NotImplementedError()
    return loss


@torch.no_grad()
def p_sample(model, x, t, t_index):
    betas_t = extract(betas, t, x.shape)
    sqrt_one_minus_alphas_cumprod_t = extract(sqrt_one_minus_alphas_cumprod, t, x.shape)
    sqrt_recip_alphas_t = extract(sqrt_recip_alphas, t, x.shape)
    model_mean = sqrt_recip_alphas_t * (x - betas_t * model(x, t) / sqrt_one_minus_alphas_cumprod_t)
    if t_index == 0:
        return model_mean
    posterior_variance_t = extract(posterior_variance, t, x.shape)
    noise = torch.randn_like(x)
    return model_mean + torch.sqrt(posterior_variance_t) * noise


@torch.no_grad()
def p_sample_loop(model, shape):
    device = next(model.parameters()).device
    b = shape[0]
    img = torch.randn(shape, device=device)
    imgs = []
    for i in reversed(range(0, timesteps)):
        img = p_sample(model, img, torch.full((b,), i, device=device, dtype=torch.long), i)
        imgs.append(img.cpu().numpy())
    return imgs


@torch.no_grad()
def sample(model, image_size, batch_size=16, channels=3):
    return p_sample_loop(model, shape=(batch_size, channels, image_size, image_size))


# extract and q_sample on a fixed image
t = torch.tensor([0, 10, 49])
e = extract(sqrt_alphas_cumprod, t, (3, 1, 8, 8))
print("extract", tuple(e.shape), [round(v, 6) for v in e.flatten().tolist()])
emb = SinusoidalPositionEmbeddings(8)(torch.tensor([0.0, 1.0, 25.0]))
print("time embedding", tuple(emb.shape), [round(v, 5) for v in emb[2].tolist()])

# data: bright squares / crosses on 8x8, in [-1, 1] as the blog's transforms do (x * 2 - 1)
image_size, channels = 8, 1
yy, xx = torch.meshgrid(torch.arange(8), torch.arange(8), indexing="ij")
square = ((yy >= 2) & (yy <= 5) & (xx >= 2) & (xx <= 5)).float()
cross = ((yy == 3) | (yy == 4) | (xx == 3) | (xx == 4)).float()
data = torch.stack([square, cross] * 16).unsqueeze(1) * 2 - 1
x_noisy = q_sample(data[:3], t, noise=torch.zeros_like(data[:3]) + 0.5)
print("q_sample", [round(v, 5) for v in x_noisy.mean((1, 2, 3)).tolist()])

model = Denoiser(dim=8, channels=channels)
print("params", sum(p.numel() for p in model.parameters()))
optimizer = Adam(model.parameters(), lr=2e-3)
epochs, batch_size = 3, 8
for epoch in range(epochs):
    perm = torch.randperm(len(data))
    for step in range(len(data) // batch_size):
        optimizer.zero_grad()
        batch = data[perm[step * batch_size:(step + 1) * batch_size]]
        t = torch.randint(0, timesteps, (batch_size,), device="cpu").long()
        loss = p_losses(model, batch, t, loss_type="huber")
        if step % 2 == 0:
            print(f"epoch {epoch} step {step} loss {loss.item():.6f}")
        loss.backward()
        optimizer.step()
with torch.no_grad():
    t = torch.full((32,), 5, dtype=torch.long)
    noise = torch.randn_like(data)
    print(f"l1 {p_losses(model, data, t, noise, 'l1').item():.6f} "
          f"l2 {p_losses(model, data, t, noise, 'l2').item():.6f}")

model.eval()
samples = sample(model, image_size=image_size, batch_size=4, channels=channels)
print("sample steps", len(samples), samples[-1].shape)
final = torch.from_numpy(samples[-1])
print(f"samples mean {final.mean().item():.5f} std {final.std().item():.5f} "
      f"first step std {float(samples[0].std()):.5f}")
