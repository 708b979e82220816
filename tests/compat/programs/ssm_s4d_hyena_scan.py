"""State-space and long-convolution sequence layers in real arithmetic, as the S4D-Real, LRU and Hyena
reference notebooks write them without FFTs: an S4D-Real kernel (log_dt and log_A_real Parameters with
register_buffer for frozen ones, discretized by ZOH: dtA = dt * A, K = C * (exp(dtA) - 1) / A contracted
with exp(dtA * arange(L)) by einsum), the causal long convolution computed by F.conv1d on a flipped,
left-padded kernel with groups=H and checked against the recurrence unrolled in a Python loop; a real
diagonal linear recurrence h_t = a_t h_{t-1} + b_t by a log-space parallel scan (torch.cumsum of log a,
torch.logcumsumexp for the sum, sign handling through exp/abs) agreeing with the loop; a Hyena operator
(short depthwise Conv1d, implicit filters from a positional-encoding MLP with sin activations and an
exponential decay window, gating by elementwise products, dropout 0); and a small model of each trained
on a delayed-copy task with AdamW, separate param groups giving the SSM parameters no weight decay."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


class S4DReal(nn.Module):
    def __init__(self, d_model, N=8, dt_min=0.01, dt_max=0.1, lr=None):
        super().__init__()
        H = d_model
        log_dt = torch.rand(H) * (math.log(dt_max) - math.log(dt_min)) + math.log(dt_min)
        self.C = nn.Parameter(torch.randn(H, N) * 0.5)
        self.register("log_dt", log_dt, lr)
        log_A_real = torch.log(0.5 * torch.ones(H, N)) + torch.log(torch.arange(1, N + 1).float())[None]
        self.register("log_A_real", log_A_real, lr)
        self.D = nn.Parameter(torch.randn(H))

    def register(self, name, tensor, lr=None):
        if lr == 0.0:
            self.register_buffer(name, tensor)
        else:
            self.register_parameter(name, nn.Parameter(tensor))
            optim = {"weight_decay": 0.0}
            if lr is not None:
                optim["lr"] = lr
            getattr(self, name)._optim = optim

    def kernel(self, L):
        dt = torch.exp(self.log_dt)
        A = -torch.exp(self.log_A_real)
        dtA = A * dt.unsqueeze(-1)
        K = dtA.unsqueeze(-1) * torch.arange(L, device=A.device)
        C = self.C * (torch.exp(dtA) - 1.0) / A
        return torch.einsum("hn, hnl -> hl", C, torch.exp(K))

    def forward(self, u):  # u: (B, H, L)
        L = u.size(-1)
        k = self.kernel(L)
        y = F.conv1d(F.pad(u, (L - 1, 0)), k.flip(-1).unsqueeze(1), groups=u.size(1))
        return y + u * self.D.unsqueeze(-1)


def recurrent_s4d(layer, u):
    dt = torch.exp(layer.log_dt)
    A = -torch.exp(layer.log_A_real)
    dA = torch.exp(A * dt[:, None])
    dB = (dA - 1.0) / A
    h = torch.zeros(u.shape[0], *A.shape)
    ys = []
    for t in range(u.shape[-1]):
        h = dA * h + dB * u[:, :, t, None]
        ys.append((h * layer.C).sum(-1) + layer.D * u[:, :, t])
    return torch.stack(ys, -1)


layer = S4DReal(4)
u = torch.randn(2, 4, 16)
with torch.no_grad():
    conv_y, rec_y = layer(u), recurrent_s4d(layer, u)
print("kernel", tuple(layer.kernel(16).shape), f"k[0,:4] {[round(v, 6) for v in layer.kernel(16)[0, :4].tolist()]}")
print(f"conv == recurrence: {torch.allclose(conv_y, rec_y, atol=1e-5)}", f"y mean {conv_y.mean().item():.6f}")
print("param names", [n for n, _ in layer.named_parameters()], "_optim", layer.log_dt._optim)
frozen = S4DReal(4, lr=0.0)
print("frozen buffers", [n for n, _ in frozen.named_buffers()], "params", [n for n, _ in frozen.named_parameters()])


def scan_loop(a, b):
    h = torch.zeros_like(b[..., 0])
    out = []
    for t in range(a.shape[-1]):
        h = a[..., t] * h + b[..., t]
        out.append(h)
    return torch.stack(out, -1)


def scan_log(a, b):
    # h_t = sum_{s<=t} (prod_{s<r<=t} a_r) b_s, for a in (0, 1) and b of any sign
    log_a_star = torch.cumsum(torch.log(a), dim=-1)
    log_pos = torch.logcumsumexp(torch.log(b.clamp(min=0) + 1e-30) - log_a_star, dim=-1)
    log_neg = torch.logcumsumexp(torch.log((-b).clamp(min=0) + 1e-30) - log_a_star, dim=-1)
    return torch.exp(log_a_star + log_pos) - torch.exp(log_a_star + log_neg)


a = torch.sigmoid(torch.randn(3, 5, 20)) * 0.9 + 0.05
b = torch.randn(3, 5, 20)
hl, hs = scan_loop(a, b), scan_log(a, b)
print(f"log-space scan == loop: {torch.allclose(hl, hs, atol=1e-4)}", f"h[-1] mean {hl[..., -1].mean().item():.6f}")
print("logcumsumexp", [round(v, 6) for v in torch.logcumsumexp(torch.tensor([0.0, 1.0, -1.0, 2.0]), 0).tolist()])


class Sin(nn.Module):
    def __init__(self, dim, w=10):
        super().__init__()
        self.freq = nn.Parameter(w * torch.ones(1, dim))

    def forward(self, x):
        return torch.sin(self.freq * x)


class HyenaFilter(nn.Module):
    def __init__(self, d_model, emb_dim=5, order=16, seq_len=32, fast_decay_pct=0.3, slow_decay_pct=1.5,
                 target=1e-2):
        super().__init__()
        t = torch.linspace(0, 1, seq_len)[None, :, None]
        bands = (emb_dim - 1) // 2
        t_rescaled = torch.linspace(0, seq_len - 1, seq_len)[None, :, None]
        w = 2 * math.pi * t_rescaled / seq_len
        f = torch.linspace(1e-4, bands - 1, bands)[None, None]
        # (the reference's complex exp(-1j * f * w) as its real and imaginary parts)
        self.register_buffer("z", torch.cat([t, torch.cos(f * w), -torch.sin(f * w)], dim=-1))
        self.implicit_filter = nn.Sequential(nn.Linear(emb_dim, order), Sin(order), nn.Linear(order, order),
                                             Sin(order), nn.Linear(order, d_model, bias=False))
        max_decay = math.log(target) / fast_decay_pct
        min_decay = math.log(target) / slow_decay_pct
        deltas = torch.linspace(min_decay, max_decay, d_model)[None, None]
        self.register_buffer("deltas", deltas)
        self.register_buffer("t", t)
        self.bias = nn.Parameter(torch.randn(d_model))

    def filter(self, L):
        h = self.implicit_filter(self.z[:, :L])
        return h * torch.exp(-self.t[:, :L] * self.deltas.abs())


class HyenaOperator(nn.Module):
    def __init__(self, d_model, l_max=32):
        super().__init__()
        self.in_proj = nn.Linear(d_model, 3 * d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        self.short_filter = nn.Conv1d(3 * d_model, 3 * d_model, 3, padding=2, groups=3 * d_model)
        self.filter_fn = HyenaFilter(d_model, seq_len=l_max)

    def forward(self, u):
        L = u.size(-2)
        u = self.in_proj(u).transpose(1, 2)
        uc = self.short_filter(u)[..., :L]
        x0, x1, v = uc.split(u.size(1) // 3, dim=1)
        k = self.filter_fn.filter(L)[0].transpose(0, 1)
        v = v * x1
        y = F.conv1d(F.pad(v, (L - 1, 0)), k.flip(-1).unsqueeze(1), groups=v.size(1))
        y = y + v * self.filter_fn.bias[:, None]
        return self.out_proj((y * x0).transpose(1, 2))


class SeqModel(nn.Module):
    def __init__(self, kind, vocab=8, d=16):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.kind = kind
        self.mixer = S4DReal(d) if kind == "s4d" else HyenaOperator(d)
        self.norm = nn.LayerNorm(d)
        self.out = nn.Linear(d, vocab)

    def forward(self, x):
        h = self.emb(x)
        z = self.mixer(h.transpose(1, 2)).transpose(1, 2) if self.kind == "s4d" else self.mixer(h)
        return self.out(self.norm(h + F.gelu(z)))


data_g = torch.Generator().manual_seed(1)
seqs = torch.randint(1, 8, (128, 32), generator=data_g)
DELAY = 3
targets = torch.cat([torch.zeros(128, DELAY, dtype=torch.long), seqs[:, :-DELAY]], dim=1)
for kind in ["s4d", "hyena"]:
    torch.manual_seed(2)
    model = SeqModel(kind)
    special = [p for p in model.parameters() if hasattr(p, "_optim")]
    normal = [p for p in model.parameters() if not hasattr(p, "_optim")]
    opt = torch.optim.AdamW([{"params": normal}, {"params": special, "weight_decay": 0.0}], lr=4e-3,
                            weight_decay=0.05)
    print(f"{kind} params {sum(p.numel() for p in model.parameters())} groups {[len(g['params']) for g in opt.param_groups]}")
    for step in range(80):
        i = (step * 16) % 128
        logits = model(seqs[i:i + 16])
        loss = F.cross_entropy(logits.reshape(-1, 8), targets[i:i + 16].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 20 == 0 or step == 79:
            print(f"  step {step} loss {loss.item():.5f}")
    with torch.no_grad():
        acc = (model(seqs).argmax(-1)[:, DELAY:] == targets[:, DELAY:]).float().mean().item()
    print(f"  delayed copy accuracy {acc:.4f}")
