"""The minGPT / timm way of splitting parameters into weight-decay and no-decay groups by walking
named_modules and named_parameters, buffers that count and average (persistent and not), an EMA of
the flat parameter vector by parameters_to_vector, and gradient-clipping statistics per step
(total norm before clipping, clip ratio, per-layer norms, inf-norm and value clipping)."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters

torch.manual_seed(3)
torch.set_num_threads(1)


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ln = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.proj = nn.Linear(4 * d, d)
        self.register_buffer("calls", torch.zeros((), dtype=torch.long))
        self.register_buffer("act_mean", torch.zeros(4 * d), persistent=False)

    def forward(self, x):
        h = F.gelu(self.fc(self.ln(x)))
        if self.training:
            self.calls += 1
            self.act_mean.mul_(0.9).add_(h.detach().mean(dim=(0, 1)), alpha=0.1)
        return x + self.proj(h)


class Tiny(nn.Module):
    def __init__(self, vocab=11, d=8, n=2):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.zeros(1, 6, d))
        self.blocks = nn.ModuleList([Block(d) for _ in range(n)])
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.register_buffer("mask", torch.tril(torch.ones(6, 6)).bool(), persistent=False)

    def forward(self, idx):
        x = self.emb(idx) + self.pos[:, : idx.size(1)]
        for b in self.blocks:
            x = b(x)
        return self.head(self.ln_f(x))


model = Tiny()
decay, no_decay = set(), set()
for mn, m in model.named_modules():
    for pn, p in m.named_parameters(recurse=False):
        fpn = f"{mn}.{pn}" if mn else pn
        if pn.endswith("bias") or isinstance(m, (nn.LayerNorm, nn.Embedding)) or pn == "pos":
            no_decay.add(fpn)
        elif pn.endswith("weight") and isinstance(m, nn.Linear):
            decay.add(fpn)
params = dict(model.named_parameters())
print("decay", sorted(decay))
print("no_decay", sorted(no_decay))
print("all covered", len(decay & no_decay) == 0 and decay | no_decay == set(params))
groups = [
    {"params": [params[n] for n in sorted(decay)], "weight_decay": 0.1},
    {"params": [params[n] for n in sorted(no_decay)], "weight_decay": 0.0},
]
opt = torch.optim.AdamW(groups, lr=3e-3, betas=(0.9, 0.95))
print("group sizes", [sum(p.numel() for p in g["params"]) for g in opt.param_groups])
print("decays", [g["weight_decay"] for g in opt.param_groups])

print("state_dict keys", [k for k in model.state_dict() if "calls" in k or "mask" in k or "act" in k])
print("buffers", [(n, tuple(b.shape), str(b.dtype)) for n, b in model.named_buffers()])

data = torch.randint(0, 11, (32, 6))
targets = torch.roll(data, -1, dims=1)
vec = parameters_to_vector(model.parameters())
ema = vec.clone()
print("num params", vec.numel(), "init norm", round(vec.norm().item(), 5))
for step in range(12):
    logits = model(data)
    loss = F.cross_entropy(logits.view(-1, 11), targets.view(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    norms = {n: p.grad.norm().item() for n, p in model.named_parameters()}
    total = clip_grad_norm_(model.parameters(), max_norm=0.25)
    after = math.sqrt(sum(p.grad.pow(2).sum().item() for p in model.parameters()))
    top = max(norms, key=norms.get)
    opt.step()
    with torch.no_grad():
        ema.mul_(0.8).add_(parameters_to_vector(model.parameters()), alpha=0.2)
    print(f"step {step:2d} loss {loss.item():.5f} total {total.item():.5f} ratio {min(1.0, 0.25 / total.item()):.4f} "
          f"after {after:.5f} top {top} {norms[top]:.5f}")

print("calls", [b.calls.item() for b in model.blocks], "act_mean", round(model.blocks[0].act_mean.sum().item(), 5))
loss = F.cross_entropy(model(data).view(-1, 11), targets.view(-1))
opt.zero_grad()
loss.backward()
inf_norm = clip_grad_norm_(model.parameters(), max_norm=0.01, norm_type=float("inf"))
print("inf norm", round(inf_norm.item(), 6), "max after", round(max(p.grad.abs().max().item() for p in model.parameters()), 6))
clip_grad_value_(model.parameters(), clip_value=0.004)
print("value clipped max", round(max(p.grad.abs().max().item() for p in model.parameters()), 6))
grads = torch.cat([p.grad.flatten() for p in model.parameters()])
print("at clip", (grads.abs() == 0.004).sum().item(), "of", grads.numel())

# swap in the EMA weights and back
current = parameters_to_vector(model.parameters()).clone()
vector_to_parameters(ema, model.parameters())
model.eval()
with torch.no_grad():
    ema_loss = F.cross_entropy(model(data).view(-1, 11), targets.view(-1)).item()
vector_to_parameters(current, model.parameters())
with torch.no_grad():
    cur_loss = F.cross_entropy(model(data).view(-1, 11), targets.view(-1)).item()
print(f"ema loss {ema_loss:.5f} current loss {cur_loss:.5f} dist {torch.dist(ema, current).item():.5f}")
print("calls unchanged in eval", [b.calls.item() for b in model.blocks])
print("is leaf", model.head.weight.is_leaf, model.head.weight.requires_grad)
sd = model.state_dict()
print("persistent buffer in sd", "blocks.0.calls" in sd, sd["blocks.1.calls"].dtype, "non-persistent", "mask" in sd)
model.double()
print("after double", model.mask.dtype, model.blocks[0].calls.dtype, model.blocks[0].act_mean.dtype, model.pos.dtype)
