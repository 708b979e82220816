"""mamba-minimal's selective state-space model as its single-file script writes
it: in_proj split into x and the residual gate, a depthwise causal Conv1d
(groups=d_inner, padding=d_conv-1, cropped to the length), F.softplus on the
delta projection, A stored as A_log (torch.log of arange repeated), the
selective scan by torch.einsum and a Python loop over the sequence, RMSNorm,
dt_proj's bias initialized with the inverse softplus (torch.expm1) and tied
embeddings; then minGRU / minLSTM ("Were RNNs all we needed?") trained in
parallel with the log-space Heinsen scan (F.pad of a cumsum, torch.logcumsumexp)
and checked against their sequential form, and Mamba-2's segsum (masked_fill of
a tril mask with -inf). Seeded: every number agrees."""

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import text

torch.manual_seed(0)


@dataclass
class ModelArgs:
    d_model: int
    n_layer: int
    vocab_size: int
    d_state: int = 8
    expand: int = 2
    dt_rank: int | str = "auto"
    d_conv: int = 4
    pad_vocab_size_multiple: int = 8
    conv_bias: bool = True
    bias: bool = False

    def __post_init__(self):
        self.d_inner = int(self.expand * self.d_model)
        if self.dt_rank == "auto":
            self.dt_rank = math.ceil(self.d_model / 16)
        if self.vocab_size % self.pad_vocab_size_multiple != 0:
            self.vocab_size += (self.pad_vocab_size_multiple - self.vocab_size % self.pad_vocab_size_multiple)


class RMSNorm(nn.Module):
    def __init__(self, d_model: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d_model))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class MambaBlock(nn.Module):
    def __init__(self, args: ModelArgs):
        super().__init__()
        self.args = args
        self.in_proj = nn.Linear(args.d_model, args.d_inner * 2, bias=args.bias)
        self.conv1d = nn.Conv1d(in_channels=args.d_inner, out_channels=args.d_inner, bias=args.conv_bias,
                                kernel_size=args.d_conv, groups=args.d_inner, padding=args.d_conv - 1)
        self.x_proj = nn.Linear(args.d_inner, args.dt_rank + args.d_state * 2, bias=False)
        self.dt_proj = nn.Linear(args.dt_rank, args.d_inner, bias=True)
        dt = torch.exp(torch.rand(args.d_inner) * (math.log(0.1) - math.log(0.001)) + math.log(0.001))
        dt = dt.clamp(min=1e-4)
        inv_dt = dt + torch.log(-torch.expm1(-dt))
        with torch.no_grad():
            self.dt_proj.bias.copy_(inv_dt)
        A = torch.arange(1, args.d_state + 1, dtype=torch.float32).repeat(args.d_inner, 1)
        self.A_log = nn.Parameter(torch.log(A))
        self.D = nn.Parameter(torch.ones(args.d_inner))
        self.out_proj = nn.Linear(args.d_inner, args.d_model, bias=args.bias)

    def forward(self, x):
        (b, l, d) = x.shape
        x_and_res = self.in_proj(x)
        (x, res) = x_and_res.split(split_size=[self.args.d_inner, self.args.d_inner], dim=-1)
        x = x.permute(0, 2, 1)
        x = self.conv1d(x)[:, :, :l]
        x = x.permute(0, 2, 1)
        x = F.silu(x)
        y = self.ssm(x)
        y = y * F.silu(res)
        return self.out_proj(y)

    def ssm(self, x):
        (d_in, n) = self.A_log.shape
        A = -torch.exp(self.A_log.float())
        D = self.D.float()
        x_dbl = self.x_proj(x)
        (delta, B, C) = x_dbl.split(split_size=[self.args.dt_rank, n, n], dim=-1)
        delta = F.softplus(self.dt_proj(delta))
        return self.selective_scan(x, delta, A, B, C, D)

    def selective_scan(self, u, delta, A, B, C, D):
        (b, l, d_in) = u.shape
        n = A.shape[1]
        deltaA = torch.exp(torch.einsum("bld,dn->bldn", delta, A))
        deltaB_u = torch.einsum("bld,bln,bld->bldn", delta, B, u)
        x = torch.zeros((b, d_in, n), device=deltaA.device)
        ys = []
        for i in range(l):
            x = deltaA[:, i] * x + deltaB_u[:, i]
            y = torch.einsum("bdn,bn->bd", x, C[:, i, :])
            ys.append(y)
        y = torch.stack(ys, dim=1)
        return y + u * D


class ResidualBlock(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.mixer = MambaBlock(args)
        self.norm = RMSNorm(args.d_model)

    def forward(self, x):
        return self.mixer(self.norm(x)) + x


class Mamba(nn.Module):
    def __init__(self, args: ModelArgs):
        super().__init__()
        self.args = args
        self.embedding = nn.Embedding(args.vocab_size, args.d_model)
        self.layers = nn.ModuleList([ResidualBlock(args) for _ in range(args.n_layer)])
        self.norm_f = RMSNorm(args.d_model)
        self.lm_head = nn.Linear(args.d_model, args.vocab_size, bias=False)
        self.lm_head.weight = self.embedding.weight

    def forward(self, input_ids):
        x = self.embedding(input_ids)
        for layer in self.layers:
            x = layer(x)
        x = self.norm_f(x)
        return self.lm_head(x)


raw = text(8_000)
chars = sorted(set(raw))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in raw])
args = ModelArgs(d_model=16, n_layer=2, vocab_size=len(chars))
model = Mamba(args)
print("vocab padded", len(chars), "->", args.vocab_size, "| dt_rank", args.dt_rank, "| d_inner", args.d_inner)
print("params", sum(p.numel() for p in model.parameters()))
print("dt_proj.bias[:3]", [f"{v:.5f}" for v in model.layers[0].mixer.dt_proj.bias[:3].tolist()])
print("softplus(bias) in range", bool(((F.softplus(model.layers[0].mixer.dt_proj.bias) >= 1e-4)
                                       & (F.softplus(model.layers[0].mixer.dt_proj.bias) <= 0.1 + 1e-6)).all()))
print(model.layers[0].mixer.conv1d)

# causality: changing a later token leaves earlier logits unchanged
probe = data[:12].unsqueeze(0).clone()
with torch.no_grad():
    out1 = model(probe)
    probe[0, 8] = (probe[0, 8] + 1) % len(chars)
    out2 = model(probe)
print("causal", torch.equal(out1[:, :8], out2[:, :8]), "changed after", not torch.equal(out1[:, 8:], out2[:, 8:]))

opt = torch.optim.AdamW(model.parameters(), lr=4e-3)
g = torch.Generator().manual_seed(3)
for step in range(16):
    ix = torch.randint(0, len(data) - 17, (4,), generator=g)
    xb = torch.stack([data[i:i + 16] for i in ix])
    yb = torch.stack([data[i + 1:i + 17] for i in ix])
    logits = model(xb)
    loss = F.cross_entropy(logits.view(-1, logits.size(-1)), yb.view(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 5 == 0 or step == 15:
        print(f"mamba step {step:2d} | loss {loss.item():.5f} | A_log grad {model.layers[0].mixer.A_log.grad.abs().sum():.6f}")


# -- minGRU / minLSTM in log space ---------------------------------------------
def g_fn(x):
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def log_g(x):
    return torch.where(x >= 0, (F.relu(x) + 0.5).log(), -F.softplus(-x))


def heinsen_associative_scan_log(log_coeffs, log_values):
    a_star = log_coeffs.cumsum(dim=1)
    log_h0_plus_b_star = (log_values - a_star).logcumsumexp(dim=1)
    log_h = a_star + log_h0_plus_b_star
    return log_h.exp()


class MinGRU(nn.Module):
    def __init__(self, dim, expansion_factor=1.0):
        super().__init__()
        dim_inner = int(dim * expansion_factor)
        self.to_hidden_and_gate = nn.Linear(dim, dim_inner * 2, bias=False)
        self.to_out = nn.Linear(dim_inner, dim, bias=False) if expansion_factor != 1.0 else nn.Identity()

    def forward(self, x, prev_hidden=None, return_next_prev_hidden=False):
        seq_len = x.shape[1]
        hidden, gate = self.to_hidden_and_gate(x).chunk(2, dim=-1)
        if seq_len == 1:
            hidden = g_fn(hidden)
            gate = gate.sigmoid()
            out = torch.lerp(prev_hidden, hidden, gate) if prev_hidden is not None else (hidden * gate)
        else:
            log_coeffs = -F.softplus(gate)
            log_z = -F.softplus(-gate)
            log_tilde_h = log_g(hidden)
            log_values = log_z + log_tilde_h
            if prev_hidden is not None:
                log_values = torch.cat((prev_hidden.log(), log_values), dim=1)
                log_coeffs = F.pad(log_coeffs, (0, 0, 1, 0))
            out = heinsen_associative_scan_log(log_coeffs, log_values)
            out = out[:, -seq_len:]
        next_prev_hidden = out[:, -1:]
        out = self.to_out(out)
        if not return_next_prev_hidden:
            return out
        return out, next_prev_hidden


class MinLSTMCell(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.linear_f = nn.Linear(dim, dim)
        self.linear_i = nn.Linear(dim, dim)
        self.linear_h = nn.Linear(dim, dim)

    def parallel(self, x_t, h_0):
        diff = F.softplus(-self.linear_f(x_t)) - F.softplus(-self.linear_i(x_t))
        log_f = -F.softplus(diff)
        log_i = -F.softplus(-diff)
        log_h_0 = h_0.log()
        log_tilde_h = log_g(self.linear_h(x_t))
        h = heinsen_associative_scan_log(F.pad(log_f, (0, 0, 1, 0)), torch.cat([log_h_0, log_i + log_tilde_h], dim=1))
        return h[:, 1:]

    def sequential(self, x_t, h_prev):
        f_t = torch.sigmoid(self.linear_f(x_t))
        i_t = torch.sigmoid(self.linear_i(x_t))
        tilde_h_t = g_fn(self.linear_h(x_t))
        f_prime_t = f_t / (f_t + i_t)
        i_prime_t = i_t / (f_t + i_t)
        return f_prime_t * h_prev + i_prime_t * tilde_h_t


torch.manual_seed(1)
gru = MinGRU(8, expansion_factor=1.5)
xs = torch.randn(2, 10, 8)
parallel_out = gru(xs)
h = None
seq_outs = []
for t in range(10):
    o, h = gru(xs[:, t:t + 1], prev_hidden=h, return_next_prev_hidden=True)
    seq_outs.append(o)
print("minGRU parallel == sequential", torch.allclose(parallel_out, torch.cat(seq_outs, dim=1), atol=1e-5),
      f"{parallel_out.sum().item():.5f}")
first, hid = gru(xs[:, :6], return_next_prev_hidden=True)
rest = gru(xs[:, 6:], prev_hidden=hid)
print("minGRU resumed == whole", torch.allclose(torch.cat([first, rest], dim=1), parallel_out, atol=1e-5))

cell = MinLSTMCell(8)
h0 = torch.rand(2, 1, 8) + 0.1
hp = cell.parallel(xs, h0)
hs, hprev = [], h0[:, 0]
for t in range(10):
    hprev = cell.sequential(xs[:, t], hprev)
    hs.append(hprev)
print("minLSTM parallel == sequential", torch.allclose(hp, torch.stack(hs, dim=1), atol=1e-5),
      f"{hp.mean().item():.6f}")

# train the minGRU as a tiny character model
emb = nn.Embedding(len(chars), 16)
layers = nn.ModuleList([MinGRU(16, 2.0), MinGRU(16, 2.0)])
head = nn.Linear(16, len(chars))
params = list(emb.parameters()) + list(layers.parameters()) + list(head.parameters())
opt = torch.optim.Adam(params, lr=1e-2)
for step in range(12):
    ix = torch.randint(0, len(data) - 33, (4,), generator=g)
    xb = torch.stack([data[i:i + 32] for i in ix])
    yb = torch.stack([data[i + 1:i + 33] for i in ix])
    hdn = emb(xb)
    for layer in layers:
        hdn = hdn + layer(hdn)
    loss = F.cross_entropy(head(hdn).transpose(1, 2), yb)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 4 == 3:
        print(f"mingru step {step:2d} | loss {loss.item():.5f}")


# -- Mamba-2's segsum ------------------------------------------------------------
def segsum(x):
    T = x.size(-1)
    x = x[..., None].repeat(*([1] * x.dim()), T)
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool), diagonal=-1)
    x = x.masked_fill(~mask, 0)
    x_segsum = torch.cumsum(x, dim=-2)
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool), diagonal=0)
    return x_segsum.masked_fill(~mask, -torch.inf)


a = torch.linspace(-1.0, -0.1, 5)
L = torch.exp(segsum(a))
naive = torch.exp(a.cumsum(0)[:, None] - a.cumsum(0)[None, :]).tril()
print("segsum L row 4", [f"{v:.5f}" for v in L[4].tolist()], "matches", torch.allclose(L, naive, atol=1e-6))
print("segsum upper", segsum(a)[0, 1].item())
