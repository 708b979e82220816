"""A diffusion transformer (DiT) trained with DDPM on the bundled 8x8 digits, as
the DiT repository and diffusion-from-scratch notebooks write it: a Conv2d
patch embedding with stride, fixed 2-D sin-cos position embeddings (numpy,
then copy_ into a frozen Parameter), sinusoidal timestep embeddings
(torch.exp, torch.arange, torch.cat of cos and sin), label embedding with
classifier-free-guidance token dropping (torch.rand < p, torch.where),
adaLN-Zero modulation (chunk(6, dim=1), x * (1 + scale.unsqueeze(1)) +
shift.unsqueeze(1)) zero-initialized by nn.init.constant_, unpatchify by
torch.einsum; the DDPM schedule (torch.linspace, torch.cumprod, F.pad with
value=1.0, gather-based extract), q_sample, MSE on the noise, an EMA copy
(copy.deepcopy, requires_grad_(False), mul_/add_ with alpha), ancestral
sampling with classifier-free guidance under torch.no_grad, and timm's
position-embedding resize by F.interpolate(mode='bicubic'). Seeded: every
number agrees."""

import copy
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)


def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


class TimestepEmbedder(nn.Module):
    def __init__(self, hidden_size, frequency_embedding_size=32):
        super().__init__()
        self.mlp = nn.Sequential(
            nn.Linear(frequency_embedding_size, hidden_size, bias=True),
            nn.SiLU(),
            nn.Linear(hidden_size, hidden_size, bias=True),
        )
        self.frequency_embedding_size = frequency_embedding_size

    @staticmethod
    def timestep_embedding(t, dim, max_period=10000):
        half = dim // 2
        freqs = torch.exp(-math.log(max_period) * torch.arange(start=0, end=half, dtype=torch.float32) / half).to(
            device=t.device)
        args = t[:, None].float() * freqs[None]
        embedding = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
        if dim % 2:
            embedding = torch.cat([embedding, torch.zeros_like(embedding[:, :1])], dim=-1)
        return embedding

    def forward(self, t):
        t_freq = self.timestep_embedding(t, self.frequency_embedding_size)
        return self.mlp(t_freq)


class LabelEmbedder(nn.Module):
    def __init__(self, num_classes, hidden_size, dropout_prob):
        super().__init__()
        use_cfg_embedding = dropout_prob > 0
        self.embedding_table = nn.Embedding(num_classes + use_cfg_embedding, hidden_size)
        self.num_classes = num_classes
        self.dropout_prob = dropout_prob

    def token_drop(self, labels, force_drop_ids=None):
        if force_drop_ids is None:
            drop_ids = torch.rand(labels.shape[0], device=labels.device) < self.dropout_prob
        else:
            drop_ids = force_drop_ids == 1
        labels = torch.where(drop_ids, self.num_classes, labels)
        return labels

    def forward(self, labels, train, force_drop_ids=None):
        use_dropout = self.dropout_prob > 0
        if (train and use_dropout) or (force_drop_ids is not None):
            labels = self.token_drop(labels, force_drop_ids)
        return self.embedding_table(labels)


class Attention(nn.Module):
    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        attn = attn.softmax(dim=-1)
        x = attn @ v
        x = x.transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class DiTBlock(nn.Module):
    def __init__(self, hidden_size, num_heads, mlp_ratio=4.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(hidden_size, num_heads=num_heads)
        self.norm2 = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        mlp_hidden_dim = int(hidden_size * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(hidden_size, mlp_hidden_dim), nn.GELU(approximate="tanh"),
                                 nn.Linear(mlp_hidden_dim, hidden_size))
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden_size, 6 * hidden_size, bias=True))

    def forward(self, x, c):
        shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = self.adaLN_modulation(c).chunk(6, dim=1)
        x = x + gate_msa.unsqueeze(1) * self.attn(modulate(self.norm1(x), shift_msa, scale_msa))
        x = x + gate_mlp.unsqueeze(1) * self.mlp(modulate(self.norm2(x), shift_mlp, scale_mlp))
        return x


class FinalLayer(nn.Module):
    def __init__(self, hidden_size, patch_size, out_channels):
        super().__init__()
        self.norm_final = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.linear = nn.Linear(hidden_size, patch_size * patch_size * out_channels, bias=True)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden_size, 2 * hidden_size, bias=True))

    def forward(self, x, c):
        shift, scale = self.adaLN_modulation(c).chunk(2, dim=1)
        x = modulate(self.norm_final(x), shift, scale)
        return self.linear(x)


def get_2d_sincos_pos_embed(embed_dim, grid_size):
    grid_h = np.arange(grid_size, dtype=np.float32)
    grid_w = np.arange(grid_size, dtype=np.float32)
    grid = np.meshgrid(grid_w, grid_h)
    grid = np.stack(grid, axis=0).reshape([2, 1, grid_size, grid_size])
    emb_h = get_1d(embed_dim // 2, grid[0])
    emb_w = get_1d(embed_dim // 2, grid[1])
    return np.concatenate([emb_h, emb_w], axis=1)


def get_1d(embed_dim, pos):
    omega = np.arange(embed_dim // 2, dtype=np.float64)
    omega /= embed_dim / 2.
    omega = 1. / 10000 ** omega
    out = np.einsum("m,d->md", pos.reshape(-1), omega)
    return np.concatenate([np.sin(out), np.cos(out)], axis=1)


class DiT(nn.Module):
    def __init__(self, input_size=8, patch_size=2, in_channels=1, hidden_size=32, depth=2, num_heads=4,
                 class_dropout_prob=0.1, num_classes=10):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = in_channels
        self.patch_size = patch_size
        self.num_heads = num_heads
        self.x_embedder = nn.Conv2d(in_channels, hidden_size, kernel_size=patch_size, stride=patch_size, bias=True)
        self.t_embedder = TimestepEmbedder(hidden_size)
        self.y_embedder = LabelEmbedder(num_classes, hidden_size, class_dropout_prob)
        num_patches = (input_size // patch_size) ** 2
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches, hidden_size), requires_grad=False)
        self.blocks = nn.ModuleList([DiTBlock(hidden_size, num_heads) for _ in range(depth)])
        self.final_layer = FinalLayer(hidden_size, patch_size, self.out_channels)
        self.initialize_weights()

    def initialize_weights(self):
        def _basic_init(module):
            if isinstance(module, nn.Linear):
                torch.nn.init.xavier_uniform_(module.weight)
                if module.bias is not None:
                    nn.init.constant_(module.bias, 0)
        self.apply(_basic_init)
        pos_embed = get_2d_sincos_pos_embed(self.pos_embed.shape[-1], int(self.pos_embed.shape[1] ** 0.5))
        self.pos_embed.data.copy_(torch.from_numpy(pos_embed).float().unsqueeze(0))
        w = self.x_embedder.weight.data
        nn.init.xavier_uniform_(w.view([w.shape[0], -1]))
        nn.init.constant_(self.x_embedder.bias, 0)
        nn.init.normal_(self.y_embedder.embedding_table.weight, std=0.02)
        nn.init.normal_(self.t_embedder.mlp[0].weight, std=0.02)
        nn.init.normal_(self.t_embedder.mlp[2].weight, std=0.02)
        for block in self.blocks:
            nn.init.constant_(block.adaLN_modulation[-1].weight, 0)
            nn.init.constant_(block.adaLN_modulation[-1].bias, 0)
        # (DiT zeroes the final layer too; kept small but nonzero so the first steps move every weight)
        nn.init.normal_(self.final_layer.adaLN_modulation[-1].weight, std=0.01)
        nn.init.constant_(self.final_layer.adaLN_modulation[-1].bias, 0)
        nn.init.normal_(self.final_layer.linear.weight, std=0.01)
        nn.init.constant_(self.final_layer.linear.bias, 0)

    def unpatchify(self, x):
        c = self.out_channels
        p = self.patch_size
        h = w = int(x.shape[1] ** 0.5)
        assert h * w == x.shape[1]
        x = x.reshape(shape=(x.shape[0], h, w, p, p, c))
        x = torch.einsum("nhwpqc->nchpwq", x)
        return x.reshape(shape=(x.shape[0], c, h * p, h * p))

    def forward(self, x, t, y):
        x = self.x_embedder(x).flatten(2).transpose(1, 2) + self.pos_embed
        t = self.t_embedder(t)
        y = self.y_embedder(y, self.training)
        c = t + y
        for block in self.blocks:
            x = block(x, c)
        x = self.final_layer(x, c)
        return self.unpatchify(x)

    def forward_with_cfg(self, x, t, y, cfg_scale):
        half = x[: len(x) // 2]
        combined = torch.cat([half, half], dim=0)
        model_out = self.forward(combined, t, y)
        cond_eps, uncond_eps = torch.split(model_out, len(model_out) // 2, dim=0)
        half_eps = uncond_eps + cfg_scale * (cond_eps - uncond_eps)
        return torch.cat([half_eps, half_eps], dim=0)


T = 50
betas = torch.linspace(1e-4, 0.05, T, dtype=torch.float64)
alphas = 1.0 - betas
alphas_cumprod = torch.cumprod(alphas, dim=0)
alphas_cumprod_prev = F.pad(alphas_cumprod[:-1], (1, 0), value=1.0)
sqrt_alphas_cumprod = torch.sqrt(alphas_cumprod)
sqrt_one_minus_alphas_cumprod = torch.sqrt(1.0 - alphas_cumprod)
posterior_variance = betas * (1.0 - alphas_cumprod_prev) / (1.0 - alphas_cumprod)
print(f"alphas_cumprod[-1] {alphas_cumprod[-1].item():.8f} posterior_variance[1] {posterior_variance[1].item():.8e}")


def extract(a, t, x_shape):
    batch_size = t.shape[0]
    out = a.gather(-1, t.cpu())
    return out.reshape(batch_size, *((1,) * (len(x_shape) - 1))).float().to(t.device)


def q_sample(x_start, t, noise):
    return extract(sqrt_alphas_cumprod, t, x_start.shape) * x_start + \
        extract(sqrt_one_minus_alphas_cumprod, t, x_start.shape) * noise


pixels, labels = digits()
images = torch.tensor(pixels[:256], dtype=torch.float32).view(-1, 1, 8, 8) / 8.0 - 1.0
targets = torch.tensor(labels[:256])
model = DiT()
ema = copy.deepcopy(model).requires_grad_(False)
print("params", sum(p.numel() for p in model.parameters() if p.requires_grad),
      "frozen", sum(p.numel() for p in model.parameters() if not p.requires_grad))
print(f"pos_embed[0, 5, :4] {[round(v, 5) for v in model.pos_embed[0, 5, :4].tolist()]}")
temb = TimestepEmbedder.timestep_embedding(torch.tensor([0, 7, 49]), 9)
print("timestep embedding", tuple(temb.shape), f"{temb[1].sum().item():.5f}")

opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0)


@torch.no_grad()
def update_ema(ema_model, model, decay=0.99):
    ema_params = dict(ema_model.named_parameters())
    for name, param in model.named_parameters():
        ema_params[name].mul_(decay).add_(param.data, alpha=1 - decay)


model.train()
for step in range(30):
    idx = torch.randint(0, len(images), (32,))
    x0, y = images[idx], targets[idx]
    t = torch.randint(0, T, (x0.shape[0],))
    noise = torch.randn_like(x0)
    x_t = q_sample(x0, t, noise)
    pred = model(x_t, t, y)
    loss = F.mse_loss(pred, noise)
    opt.zero_grad()
    loss.backward()
    opt.step()
    update_ema(ema, model)
    if step % 6 == 0 or step == 29:
        print(f"step {step:2d} | loss {loss.item():.5f}")
print(f"ema distance {sum((a - b).pow(2).sum() for a, b in zip(ema.parameters(), model.parameters())).item():.6f}")
print(f"adaLN gate weight norm {model.blocks[0].adaLN_modulation[-1].weight.norm().item():.5f}")


@torch.no_grad()
def sample(net, ys, cfg_scale=2.0):
    net.eval()
    n = len(ys)
    x = torch.randn(n, 1, 8, 8)
    x = torch.cat([x, x], 0)
    y = torch.cat([ys, torch.full_like(ys, 10)], 0)
    for i in reversed(range(0, T)):
        t = torch.full((x.shape[0],), i, dtype=torch.long)
        eps = net.forward_with_cfg(x, t, y, cfg_scale)
        beta_t = extract(betas, t, x.shape)
        mean = (x - beta_t / extract(sqrt_one_minus_alphas_cumprod, t, x.shape) * eps) / torch.sqrt(
            extract(alphas, t, x.shape))
        if i > 0:
            x = mean + torch.sqrt(extract(posterior_variance, t, x.shape)) * torch.randn_like(x)
        else:
            x = mean
    return x[:n].clamp(-1, 1)


torch.manual_seed(5)
out = sample(ema, torch.tensor([0, 3, 7]))
print("samples", tuple(out.shape), f"mean {out.mean().item():.5f} std {out.std().item():.5f}")
print("sample row", [f"{v:.4f}" for v in out[1, 0, 3].tolist()])

# timm's resample_abs_pos_embed: the 4x4 grid to 6x6 by bicubic interpolation
pe = model.pos_embed.reshape(1, 4, 4, -1).permute(0, 3, 1, 2)
pe6 = F.interpolate(pe, size=(6, 6), mode="bicubic", antialias=False, align_corners=False)
pe6 = pe6.permute(0, 2, 3, 1).flatten(1, 2)
print("resized pos embed", tuple(pe6.shape), f"{pe6.sum().item():.5f} {pe6[0, 7, :3].tolist()[0]:.6f}")
big = DiT(input_size=12)
big.pos_embed.data.copy_(pe6)
with torch.no_grad():
    o = big(torch.randn(2, 1, 12, 12), torch.tensor([3, 4]), torch.tensor([1, 2]))
print("12x12 output", tuple(o.shape), f"{o.abs().mean().item():.6f}")
