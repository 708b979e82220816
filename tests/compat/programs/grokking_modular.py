"""Grokking modular addition, as Neel Nanda's "progress measures" notebook
and the original grokking repos set it up: all pairs (a, b) with an "="
token, a one-layer transformer written by hand (nn.Parameter embeddings
W_E / W_pos / W_U scaled by 1/sqrt(d), per-head einsum attention with a
causal mask by torch.tril and masked_fill, an MLP with ReLU, no LayerNorm),
full-batch AdamW with weight_decay=1.0 and betas (0.9, 0.98), a linear
warmup by LambdaLR, cross entropy computed by log_softmax in float64
(.to(torch.float64), gather of the correct logits), train/test accuracy, the
total L2 norm of the weights, then the mechanistic part: a discrete Fourier
basis built from cos/sin over the residues, the embedding's norm per
frequency, the key frequencies by topk, and the attention pattern from "="
to a and b. Float64, seeded; every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
# float64: in float32 an MLP pre-activation crosses relu's kink at a different epoch (92) under the two
# libraries' rounding, and from there the runs part by 1e-3
torch.set_default_dtype(torch.float64)

p = 23
d_model, n_heads, d_head, d_mlp = 32, 4, 8, 64
pairs = torch.cartesian_prod(torch.arange(p), torch.arange(p))
data = torch.cat([pairs, torch.full((p * p, 1), p)], 1)
labels = (pairs[:, 0] + pairs[:, 1]) % p
perm = torch.randperm(p * p)
n_train = int(0.4 * p * p)
tr, te = perm[:n_train], perm[n_train:]
print("train", n_train, "test", p * p - n_train, "first", data[tr[:3]].tolist(), labels[tr[:3]].tolist())


class OneLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.W_E = nn.Parameter(torch.randn(d_model, p + 1) / math.sqrt(d_model))
        self.W_pos = nn.Parameter(torch.randn(3, d_model) / math.sqrt(d_model))
        self.W_Q = nn.Parameter(torch.randn(n_heads, d_head, d_model) / math.sqrt(d_model))
        self.W_K = nn.Parameter(torch.randn(n_heads, d_head, d_model) / math.sqrt(d_model))
        self.W_V = nn.Parameter(torch.randn(n_heads, d_head, d_model) / math.sqrt(d_model))
        self.W_O = nn.Parameter(torch.randn(d_model, d_head * n_heads) / math.sqrt(d_model))
        self.W_in = nn.Parameter(torch.randn(d_mlp, d_model) / math.sqrt(d_model))
        self.b_in = nn.Parameter(torch.zeros(d_mlp))
        self.W_out = nn.Parameter(torch.randn(d_model, d_mlp) / math.sqrt(d_model))
        self.b_out = nn.Parameter(torch.zeros(d_model))
        self.W_U = nn.Parameter(torch.randn(d_model, p) / math.sqrt(p))
        self.register_buffer("mask", torch.tril(torch.ones(3, 3)))
        self.cache = {}

    def forward(self, x):
        resid = torch.einsum("dbp->bpd", self.W_E[:, x]) + self.W_pos
        k = torch.einsum("ihd,bpd->biph", self.W_K, resid)
        q = torch.einsum("ihd,bpd->biph", self.W_Q, resid)
        v = torch.einsum("ihd,bpd->biph", self.W_V, resid)
        scores = torch.einsum("biph,biqh->biqp", k, q)
        scores = scores.masked_fill(self.mask == 0, -1e10) / math.sqrt(d_head)
        attn = F.softmax(scores, dim=-1)
        self.cache["attn"] = attn.detach()
        z = torch.einsum("biph,biqp->biqh", v, attn)
        z_flat = z.permute(0, 2, 1, 3).reshape(x.shape[0], 3, n_heads * d_head)
        resid = resid + torch.einsum("df,bqf->bqd", self.W_O, z_flat)
        post = F.relu(torch.einsum("md,bpd->bpm", self.W_in, resid) + self.b_in)
        resid = resid + torch.einsum("dm,bpm->bpd", self.W_out, post) + self.b_out
        return resid @ self.W_U


def loss_fn(logits, y):
    logits = logits[:, -1].to(torch.float64)
    logp = logits.log_softmax(-1)
    return -logp.gather(-1, y[:, None]).mean()


model = OneLayer()
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1.0, betas=(0.9, 0.98))
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(s / 10, 1))
for epoch in range(200):
    logits = model(data[tr])
    loss = loss_fn(logits, labels[tr])
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if epoch % 40 == 0 or epoch == 199:
        with torch.no_grad():
            tl = model(data[te])
            test_loss = loss_fn(tl, labels[te])
            acc_tr = (logits[:, -1].argmax(-1) == labels[tr]).float().mean()
            acc_te = (tl[:, -1].argmax(-1) == labels[te]).float().mean()
            norm = torch.sqrt(sum((q ** 2).sum() for q in model.parameters()))
        print(f"epoch {epoch:3d} | train {loss.item():.6f} acc {acc_tr.item():.4f} | test {test_loss.item():.6f}"
              f" acc {acc_te.item():.4f} | weight norm {norm.item():.4f} | lr {sched.get_last_lr()[0]:.6f}")

# Fourier basis over the residues
x = torch.arange(p)
basis = [torch.ones(p)]
names = ["const"]
for f in range(1, p // 2 + 1):
    basis += [torch.cos(2 * math.pi * f * x / p), torch.sin(2 * math.pi * f * x / p)]
    names += [f"cos {f}", f"sin {f}"]
B = torch.stack(basis)
B = B / B.norm(dim=-1, keepdim=True)
print("basis orthonormal", bool(torch.allclose(B @ B.T, torch.eye(p), atol=1e-5)))
with torch.no_grad():
    We = model.W_E[:, :p]
    fourier = B @ We.T
    per_freq = fourier.pow(2).sum(-1)
    freq_norm = torch.stack([per_freq[0]] + [per_freq[2 * f - 1] + per_freq[2 * f] for f in range(1, p // 2 + 1)])
    top = freq_norm[1:].topk(3)
    print("embedding energy share of top-3 frequencies", round((top.values.sum() / freq_norm.sum()).item(), 5),
          "freqs", (top.indices + 1).tolist())
    print("frequency norms", [round(v, 4) for v in freq_norm.tolist()])
    model(data[:p])
    attn = model.cache["attn"]
    print("attention from '=' to (a, b, =), head means", [[round(v, 4) for v in attn[:, h, 2].mean(0).tolist()] for h in range(n_heads)])
