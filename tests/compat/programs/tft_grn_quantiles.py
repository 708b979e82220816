"""Temporal Fusion Transformer building blocks as the pytorch-forecasting / tutorial code writes them:
gated linear units (nn.GLU and F.glu), gated residual networks with an optional context vector and a
skip projection, a variable selection network (softmax weights over per-variable GRNs), an LSTM encoder,
interpretable multi-head attention (shared values, averaged heads) with a causal mask, and the quantile
(pinball) loss for the 10/50/90 percentiles; trained briefly on a seasonal series with a q-risk report."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


class GatedLinearUnit(nn.Module):
    def __init__(self, d_in, d_out, dropout=0.0):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(d_in, d_out * 2)
        self.glu = nn.GLU(dim=-1)

    def forward(self, x):
        return self.glu(self.fc(self.dropout(x)))


class GRN(nn.Module):
    def __init__(self, d_in, d_hidden, d_out, d_context=None):
        super().__init__()
        self.skip = nn.Linear(d_in, d_out) if d_in != d_out else nn.Identity()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.context = nn.Linear(d_context, d_hidden, bias=False) if d_context else None
        self.elu = nn.ELU()
        self.fc2 = nn.Linear(d_hidden, d_hidden)
        self.gate = GatedLinearUnit(d_hidden, d_out)
        self.norm = nn.LayerNorm(d_out)

    def forward(self, x, c=None):
        residual = self.skip(x)
        h = self.fc1(x)
        if c is not None:
            h = h + self.context(c).unsqueeze(-2) if h.dim() == 3 else h + self.context(c)
        h = self.fc2(self.elu(h))
        return self.norm(residual + self.gate(h))


class VariableSelection(nn.Module):
    def __init__(self, n_vars, d_model, d_context=None):
        super().__init__()
        self.embed = nn.ModuleList(nn.Linear(1, d_model) for _ in range(n_vars))
        self.flat_grn = GRN(n_vars * d_model, d_model, n_vars, d_context)
        self.var_grns = nn.ModuleList(GRN(d_model, d_model, d_model) for _ in range(n_vars))

    def forward(self, x, c=None):
        embs = [emb(x[..., i:i + 1]) for i, emb in enumerate(self.embed)]
        flat = torch.cat(embs, dim=-1)
        weights = torch.softmax(self.flat_grn(flat, c), dim=-1).unsqueeze(-1)
        processed = torch.stack([grn(e) for grn, e in zip(self.var_grns, embs)], dim=-2)
        return (weights * processed).sum(-2), weights.squeeze(-1)


class InterpretableMHA(nn.Module):
    def __init__(self, d_model, heads):
        super().__init__()
        self.heads, self.d_k = heads, d_model // heads
        self.q = nn.ModuleList(nn.Linear(d_model, self.d_k) for _ in range(heads))
        self.k = nn.ModuleList(nn.Linear(d_model, self.d_k) for _ in range(heads))
        self.v = nn.Linear(d_model, self.d_k)
        self.out = nn.Linear(self.d_k, d_model)

    def forward(self, q, k, v, mask):
        vs = self.v(v)
        heads, attns = [], []
        for i in range(self.heads):
            scores = self.q[i](q) @ self.k[i](k).transpose(1, 2) / math.sqrt(self.d_k)
            scores = scores.masked_fill(mask, -1e9)
            attn = F.softmax(scores, dim=-1)
            heads.append(attn @ vs)
            attns.append(attn)
        head = torch.stack(heads, dim=2).mean(dim=2)
        return self.out(head), torch.stack(attns, dim=2).mean(dim=2)


class MiniTFT(nn.Module):
    def __init__(self, n_vars=3, d=16, heads=4, horizon=4, quantiles=(0.1, 0.5, 0.9)):
        super().__init__()
        self.static = GRN(1, d, d)
        self.vsn = VariableSelection(n_vars, d, d_context=d)
        self.lstm = nn.LSTM(d, d, batch_first=True)
        self.post_lstm = GatedLinearUnit(d, d)
        self.norm = nn.LayerNorm(d)
        self.enrich = GRN(d, d, d, d_context=d)
        self.attn = InterpretableMHA(d, heads)
        self.post_attn = GatedLinearUnit(d, d)
        self.out = nn.Linear(d, len(quantiles))
        self.horizon = horizon

    def forward(self, x, static):
        c = self.static(static)
        h, w = self.vsn(x, c)
        lstm_out, _ = self.lstm(h, (c.unsqueeze(0), torch.zeros_like(c).unsqueeze(0)))
        h = self.norm(h + self.post_lstm(lstm_out))
        h = self.enrich(h, c)
        T = h.shape[1]
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        a, attn = self.attn(h, h, h, mask)
        h = h + self.post_attn(a)
        return self.out(h[:, -self.horizon:]), w, attn


def quantile_loss(pred, target, quantiles):
    losses = []
    for i, q in enumerate(quantiles):
        errors = target - pred[..., i]
        losses.append(torch.max((q - 1) * errors, q * errors).unsqueeze(-1))
    return torch.mean(torch.sum(torch.cat(losses, dim=-1), dim=-1))


x = torch.tensor([[1.0, -2.0, 0.5, 3.0]])
print("F.glu", F.glu(x), "nn.GLU(dim=-1)", nn.GLU(dim=-1))
try:
    F.glu(torch.randn(2, 3))
except RuntimeError as e:
    print("RuntimeError:", e)

quantiles = (0.1, 0.5, 0.9)
t = torch.arange(400, dtype=torch.float32)
series = torch.sin(2 * math.pi * t / 24) + 0.5 * torch.sin(2 * math.pi * t / 7) + 0.2 * torch.randn(400)
L, H = 20, 4
windows = series.unfold(0, L + H, 3)
feats = torch.stack([windows[:, :L], torch.sin(2 * math.pi * (torch.arange(L) % 24) / 24).expand(len(windows), L),
                     torch.randn(len(windows), L) * 0.1], dim=-1)
target = windows[:, L:]
static = windows[:, :L].std(1, keepdim=True)
print("windows", tuple(windows.shape), "feats", tuple(feats.shape), "target", tuple(target.shape))

model = MiniTFT(horizon=H)
print("params", sum(p.numel() for p in model.parameters()))
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
for epoch in range(4):
    perm = torch.randperm(len(windows))
    tot = 0.0
    for idx in perm.split(32):
        # inputs are the first L steps; the last H outputs of the encoder predict the next H values
        pred, w, attn = model(feats[idx], static[idx])
        loss = quantile_loss(pred, target[idx], quantiles)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        opt.step()
        tot += loss.item() * len(idx)
    print(f"epoch {epoch} quantile loss {tot / len(windows):.4f}")

model.eval()
with torch.no_grad():
    pred, w, attn = model(feats, static)
coverage = ((target >= pred[..., 0]) & (target <= pred[..., 2])).float().mean()
q_risk = [2 * quantile_loss(pred[..., i:i + 1], target, (q,)).item() / target.abs().sum().item() * target.numel()
          for i, q in enumerate(quantiles)]
print(f"80% interval coverage {coverage.item():.4f}", "q-risk", [f"{r:.4f}" for r in q_risk])
print("variable weights", [f"{v:.4f}" for v in w.mean((0, 1)).tolist()])
print("attn", tuple(attn.shape), "row sums ok", torch.allclose(attn.sum(-1), torch.ones(attn.shape[:2])),
      "future masked", attn[0, 0, 1:].abs().max().item())
print("torch.quantile of errors", [f"{v:.4f}" for v in torch.quantile(target - pred[..., 1], torch.tensor([0.1, 0.5, 0.9])).tolist()])
