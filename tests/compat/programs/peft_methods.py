"""Parameter-efficient fine-tuning methods written from scratch on a small
pretrained-then-frozen MLP classifier of the bundled digits, as the PEFT
tutorials write them: LoRA as a torch.nn.utils.parametrize parametrization
(register_parametrization, the parametrizations.weight.original state_dict
keys, parametrize.cached(), toggling the adapter off, and
remove_parametrizations(leave_parametrized=True) to merge), DoRA (magnitude
times the column-normalized weight, norms by weight.norm(p=2, dim=0,
keepdim=True) with the norm detached as the paper advises), IA3 scaling
vectors, Houlsby bottleneck adapters inserted by wrapping a child module, and
prompt tuning of a tiny sequence model with learnable soft-prompt vectors
concatenated in front of the embeddings; each counts its trainable
parameters, trains with AdamW from the same frozen base, and reports its
accuracy. Seeded: every number agrees."""

import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.parametrize as parametrize

from _data import digits

torch.manual_seed(0)
pixels, labels = digits()
X = torch.tensor(pixels, dtype=torch.float32) / 16.0
Y = torch.tensor(labels)
# "pretraining" sees digits 0-4 only; fine-tuning adapts to all ten
pre = Y < 5
Xp, Yp = X[pre][:600], Y[pre][:600]
Xf, Yf, Xt, Yt = X[:400], Y[:400], X[1400:1700], Y[1400:1700]

base = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
opt = torch.optim.AdamW(base.parameters(), lr=3e-3)
for step in range(60):
    idx = torch.arange(step * 50, step * 50 + 100) % len(Xp)
    loss = F.cross_entropy(base(Xp[idx]), Yp[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"pretrained loss {loss.item():.5f}")


def accuracy(model):
    model.eval()
    with torch.no_grad():
        acc = (model(Xt).argmax(1) == Yt).float().mean().item()
    model.train()
    return acc


def trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def finetune(model, tag, steps=40, lr=1e-2):
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=0.0)
    for step in range(steps):
        idx = torch.arange(step * 40, step * 40 + 80) % len(Xf)
        loss = F.cross_entropy(model(Xf[idx]), Yf[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"{tag:8s} | trainable {trainable(model):5d} | loss {loss.item():.5f} | acc {accuracy(model):.4f}")
    return model


print(f"base acc {accuracy(base):.4f}")


# -- LoRA as a parametrization -------------------------------------------------------
class LoRAParametrization(nn.Module):
    def __init__(self, fan_in, fan_out, rank=4, alpha=8):
        super().__init__()
        self.lora_A = nn.Parameter(torch.zeros((rank, fan_in)))
        self.lora_B = nn.Parameter(torch.zeros((fan_out, rank)))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.scale = alpha / rank
        self.enabled = True

    def forward(self, original_weights):
        if self.enabled:
            return original_weights + torch.matmul(self.lora_B, self.lora_A).view(original_weights.shape) * self.scale
        return original_weights


lora = copy.deepcopy(base)
for p in lora.parameters():
    p.requires_grad_(False)
for layer in [lora[0], lora[2], lora[4]]:
    parametrize.register_parametrization(layer, "weight", LoRAParametrization(layer.in_features, layer.out_features))
print("lora keys", [k for k in lora.state_dict() if k.startswith("0.")])
print("is parametrized", parametrize.is_parametrized(lora[0]), parametrize.is_parametrized(lora[0], "bias"))
finetune(lora, "lora")
with parametrize.cached():
    cached_acc = accuracy(lora)
for layer in [lora[0], lora[2], lora[4]]:
    layer.parametrizations["weight"][0].enabled = False
print(f"adapters off acc {accuracy(lora):.4f} (base {accuracy(base):.4f}) | cached acc {cached_acc:.4f}")
for layer in [lora[0], lora[2], lora[4]]:
    layer.parametrizations["weight"][0].enabled = True
before = lora(Xt[:5])
for layer in [lora[0], lora[2], lora[4]]:
    parametrize.remove_parametrizations(layer, "weight", leave_parametrized=True)
print("merged keys", list(lora.state_dict())[:2], "same outputs", torch.allclose(before, lora(Xt[:5]), atol=1e-5))


# -- DoRA ---------------------------------------------------------------------------
class DoRALinear(nn.Module):
    def __init__(self, linear, rank=4, alpha=8):
        super().__init__()
        self.weight = linear.weight
        self.bias = linear.bias
        self.m = nn.Parameter(self.weight.norm(p=2, dim=0, keepdim=True).detach().clone())
        std_dev = 1 / torch.sqrt(torch.tensor(rank).float())
        self.A = nn.Parameter(torch.randn(linear.in_features, rank) * std_dev)
        self.B = nn.Parameter(torch.zeros(rank, linear.out_features))
        self.scale = alpha / rank

    def forward(self, x):
        lora = self.scale * (self.A @ self.B)
        numerator = self.weight + lora.T
        denominator = numerator.norm(p=2, dim=0, keepdim=True).detach()
        directional_component = numerator / denominator
        new_weight = self.m * directional_component
        return F.linear(x, new_weight, self.bias)


dora = copy.deepcopy(base).requires_grad_(False)
for i in [0, 2, 4]:
    dora[i] = DoRALinear(dora[i])
print("dora starts at base", torch.allclose(dora(Xt[:5]), base(Xt[:5]), atol=1e-5))
finetune(dora, "dora")


# -- IA3 ----------------------------------------------------------------------------
class IA3(nn.Module):
    def __init__(self, linear):
        super().__init__()
        self.linear = linear
        self.ia3_l = nn.Parameter(torch.ones(linear.out_features))

    def forward(self, x):
        return self.linear(x) * self.ia3_l


ia3 = copy.deepcopy(base).requires_grad_(False)
ia3[0], ia3[2] = IA3(ia3[0]), IA3(ia3[2])
ia3[4].bias.requires_grad_(True)
finetune(ia3, "ia3", lr=3e-2)


# -- Houlsby adapters ------------------------------------------------------------------
class Adapter(nn.Module):
    def __init__(self, dim, bottleneck=8):
        super().__init__()
        self.down = nn.Linear(dim, bottleneck)
        self.up = nn.Linear(bottleneck, dim)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x):
        return x + self.up(F.gelu(self.down(x)))


adapted = copy.deepcopy(base).requires_grad_(False)
adapted = nn.Sequential(adapted[0], adapted[1], Adapter(64), adapted[2], adapted[3], Adapter(64), adapted[4])
print("adapters start at base", torch.allclose(adapted(Xt[:5]), base(Xt[:5])))
finetune(adapted, "adapter")


# -- prompt tuning of a sequence model ------------------------------------------------
class RowModel(nn.Module):
    """Reads a digit as 8 rows of 8 pixels with a GRU."""

    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(8, 32)
        self.gru = nn.GRU(32, 32, batch_first=True)
        self.out = nn.Linear(32, 10)

    def forward(self, x, prefix=None):
        h = self.inp(x.view(-1, 8, 8))
        if prefix is not None:
            h = torch.cat([prefix.expand(h.size(0), -1, -1), h], dim=1)
        _, last = self.gru(h)
        return self.out(last[-1])


torch.manual_seed(1)
rows = RowModel()
opt = torch.optim.Adam(rows.parameters(), lr=5e-3)
for step in range(30):
    idx = torch.arange(step * 50, step * 50 + 100) % len(Xp)
    loss = F.cross_entropy(rows(Xp[idx]), Yp[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
rows.requires_grad_(False)


class SoftPrompt(nn.Module):
    def __init__(self, model, n_tokens=4):
        super().__init__()
        self.model = model
        self.prompt = nn.Parameter(torch.empty(1, n_tokens, 32).uniform_(-0.5, 0.5))

    def forward(self, x):
        return self.model(x, self.prompt)


tuned = SoftPrompt(rows)
print(f"gru base acc {accuracy(rows):.4f}")
finetune(tuned, "prompt", steps=30, lr=5e-2)
print("frozen gru untouched", rows.gru.weight_hh_l0.grad is None)
