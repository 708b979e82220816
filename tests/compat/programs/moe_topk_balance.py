"""A sparsely-gated mixture-of-experts layer as in the Shazeer et al. / Switch Transformer minimal
implementations: noisy top-k gating (softplus noise std, a seeded generator), the importance and load
cv-squared balancing losses, expert capacity via cumsum over one_hot, dispatch with index_select and
combine with index_add_, the Switch auxiliary loss (fraction routed times mean router probability), and a
short training loop on a piecewise regression task with per-expert token counts."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def cv_squared(x):
    eps = 1e-10
    if x.shape[0] == 1:
        return torch.tensor([0], device=x.device, dtype=x.dtype)
    return x.float().var() / (x.float().mean() ** 2 + eps)


class Expert(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d, h), nn.GELU(approximate="tanh"), nn.Linear(h, d))

    def forward(self, x):
        return self.net(x)


class NoisyTopKMoE(nn.Module):
    def __init__(self, d, n_experts=4, k=2, hidden=16, capacity_factor=1.25):
        super().__init__()
        self.k, self.n, self.capacity_factor = k, n_experts, capacity_factor
        self.experts = nn.ModuleList(Expert(d, hidden) for _ in range(n_experts))
        self.w_gate = nn.Parameter(torch.zeros(d, n_experts))
        self.w_noise = nn.Parameter(torch.zeros(d, n_experts))
        nn.init.normal_(self.w_gate, std=0.1)

    def forward(self, x, gen=None):
        clean = x @ self.w_gate
        if self.training:
            noise_std = F.softplus(x @ self.w_noise) + 1e-2
            logits = clean + torch.randn(clean.shape, generator=gen) * noise_std
        else:
            logits = clean
        top_logits, top_idx = logits.topk(min(self.k + 1, self.n), dim=1)
        top_k_logits, top_k_idx = top_logits[:, : self.k], top_idx[:, : self.k]
        top_k_gates = F.softmax(top_k_logits, dim=1)
        zeros = torch.zeros_like(logits, requires_grad=True)
        gates = zeros.scatter(1, top_k_idx, top_k_gates)
        importance = gates.sum(0)
        load = (gates > 0).sum(0)
        balance = cv_squared(importance) + cv_squared(load)

        # capacity: each expert keeps its first `cap` tokens (in order), the rest are dropped
        tokens = x.shape[0]
        cap = int(self.capacity_factor * tokens * self.k / self.n)
        mask = (gates > 0).long()
        position = torch.cumsum(mask, dim=0) * mask
        keep = (position > 0) & (position <= cap)
        dropped = int((mask.bool() & ~keep).sum())
        gates = gates * keep

        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            idx = keep[:, e].nonzero(as_tuple=True)[0]
            if idx.numel() == 0:
                continue
            y = expert(x.index_select(0, idx)) * gates[idx, e].unsqueeze(1)
            out = out.index_add(0, idx, y)

        probs = F.softmax(clean, dim=1)
        frac = F.one_hot(top_k_idx[:, 0], self.n).float().mean(0)
        switch_aux = self.n * (frac * probs.mean(0)).sum()
        return out, balance, switch_aux, load, dropped


torch.manual_seed(0)
moe = NoisyTopKMoE(4)
x = torch.randn(6, 4)
moe.eval()
out, balance, aux, load, dropped = moe(x)
print("eval out", tuple(out.shape), f"{out.abs().sum().item():.5f}", "load", load.tolist(), "dropped", dropped)
print(f"balance {balance.item():.5f} switch aux {aux.item():.5f}")
print("cv single", cv_squared(torch.tensor([3.0])))

X = torch.rand(512, 4) * 4 - 2
region = (X[:, 0] > 0).long() * 2 + (X[:, 1] > 0).long()
W = torch.randn(4, 4, 4)
Y = torch.einsum("nd,nde->ne", X, W[region])
print("regions", torch.bincount(region).tolist())


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(4, 4)
        self.moe = NoisyTopKMoE(4, n_experts=4, k=2)
        self.out = nn.Linear(4, 4)

    def forward(self, x, gen=None):
        h = self.inp(x)
        m, bal, aux, load, dropped = self.moe(h, gen)
        return self.out(h + m), bal, aux, load, dropped


model = Model()
opt = torch.optim.AdamW(model.parameters(), lr=5e-3)
gen = torch.Generator().manual_seed(7)
for epoch in range(5):
    model.train()
    totals = torch.zeros(4, dtype=torch.long)
    total_loss, total_drop = 0.0, 0
    for idx in torch.randperm(512).split(64):
        pred, bal, aux, load, dropped = model(X[idx], gen)
        mse = F.mse_loss(pred, Y[idx])
        loss = mse + 1e-2 * bal + 1e-2 * aux
        opt.zero_grad()
        loss.backward()
        opt.step()
        totals += load
        total_loss += mse.item()
        total_drop += dropped
    print(f"epoch {epoch} mse {total_loss / 8:.4f} load {totals.tolist()} dropped {total_drop} aux {aux.item():.4f}")

model.eval()
with torch.no_grad():
    pred, bal, aux, load, _ = model(X)
    logits = model.inp(X) @ model.moe.w_gate
    top1 = logits.argmax(1)
    table = torch.zeros(4, 4, dtype=torch.long)
    table.index_put_((region, top1), torch.ones_like(region), accumulate=True)
print(f"eval mse {F.mse_loss(pred, Y).item():.4f}")
print("region x top-1 expert\n", table)
print("w_noise grad is None:", model.moe.w_noise.grad is None, "norm", f"{model.moe.w_noise.grad.norm().item():.6f}")
