"""Multi-task learning as the MTL survey repos (LibMTL, pytorch-pcgrad,
GradNorm re-implementations) write it: a shared trunk with a regression
head and a classification head, equal weighting as the baseline, Kendall's
homoscedastic-uncertainty weighting (learned log-variances in the loss),
GradNorm (per-task gradient norms of the last shared layer by
torch.autograd.grad with create_graph, an L1 loss on the norms, weights
renormalised to sum to the task count), PCGrad (per-task gradients flattened
by torch.cat of p.grad views, projection away from conflicting directions
in a shuffled order, the summed surgery gradient written back), MGDA's
two-task min-norm weight in closed form, and gradient cosine similarity
between the tasks logged during training. Seeded; every number agrees."""

import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
random.seed(0)

n, d = 256, 10
X = torch.randn(n, d)
w_reg = torch.randn(d)
y_reg = X @ w_reg * 3.0 + 0.1 * torch.randn(n)
y_cls = ((X[:, :3].sum(1) - X @ w_reg * 0.3) > 0).long()
print("reg target std", round(y_reg.std().item(), 5), "class balance", y_cls.float().mean().item())


class MTLNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(d, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU())
        self.reg = nn.Linear(32, 1)
        self.cls = nn.Linear(32, 2)

    def forward(self, x):
        h = self.trunk(x)
        return self.reg(h).squeeze(1), self.cls(h)


def task_losses(model, idx):
    r, c = model(X[idx])
    return torch.stack([F.mse_loss(r, y_reg[idx]), F.cross_entropy(c, y_cls[idx])])


def shared_params(model):
    return list(model.trunk.parameters())


def flat_grad(params):
    return torch.cat([(p.grad if p.grad is not None else torch.zeros_like(p)).reshape(-1) for p in params])


def evaluate(model):
    with torch.no_grad():
        r, c = model(X)
        return F.mse_loss(r, y_reg).item(), (c.argmax(1) == y_cls).float().mean().item()


def cos_between_tasks(model, losses):
    g = [torch.cat([t.reshape(-1) for t in torch.autograd.grad(l, shared_params(model), retain_graph=True)])
         for l in losses]
    return F.cosine_similarity(g[0], g[1], dim=0).item()


def run(method, steps=80):
    torch.manual_seed(1)
    model = MTLNet()
    log_vars = torch.zeros(2, requires_grad=True)
    weights = torch.ones(2, requires_grad=True)
    params = list(model.parameters()) + ([log_vars] if method == "uncertainty" else [])
    opt = torch.optim.Adam(params, lr=5e-3)
    wopt = torch.optim.Adam([weights], lr=0.025)
    L0 = None
    g = torch.Generator().manual_seed(2)
    for step in range(steps):
        idx = torch.randperm(n, generator=g)[:64]
        losses = task_losses(model, idx)
        if L0 is None:
            L0 = losses.detach()
        if step % 20 == 0:
            cs = cos_between_tasks(model, losses)
        opt.zero_grad()
        if method == "equal":
            losses.sum().backward()
        elif method == "uncertainty":
            (torch.exp(-log_vars) * losses + log_vars).sum().backward()
        elif method == "gradnorm":
            W = model.trunk[2].weight
            norms = torch.stack([torch.autograd.grad(weights[i] * losses[i], W, retain_graph=True,
                                                     create_graph=True)[0].norm() for i in range(2)])
            ratio = losses.detach() / L0
            r = ratio / ratio.mean()
            target = (norms.mean() * r ** 1.5).detach()
            gn_loss = (norms - target).abs().sum()
            wopt.zero_grad()
            weights.grad = torch.autograd.grad(gn_loss, weights, retain_graph=True)[0]
            (weights.detach() * losses).sum().backward()
            wopt.step()
            with torch.no_grad():
                weights.data = weights.clamp_min(1e-3)
                weights.data = 2 * weights / weights.sum()
        elif method == "pcgrad":
            grads = []
            for i in range(2):
                opt.zero_grad()
                losses[i].backward(retain_graph=True)
                grads.append(flat_grad(model.parameters()).clone())
            pc = [gr.clone() for gr in grads]
            for i in range(2):
                order = list(range(2))
                random.shuffle(order)
                for j in order:
                    if i == j:
                        continue
                    dot = pc[i] @ grads[j]
                    if dot < 0:
                        pc[i] -= dot * grads[j] / grads[j].norm() ** 2
            merged = pc[0] + pc[1]
            offset = 0
            for p in model.parameters():
                k = p.numel()
                p.grad = merged[offset:offset + k].view_as(p).clone()
                offset += k
        elif method == "mgda":
            g1 = torch.cat([t.reshape(-1) for t in torch.autograd.grad(losses[0], shared_params(model), retain_graph=True)])
            g2 = torch.cat([t.reshape(-1) for t in torch.autograd.grad(losses[1], shared_params(model), retain_graph=True)])
            alpha = ((g2 - g1) @ g2 / (g1 - g2).pow(2).sum().clamp_min(1e-12)).clamp(0, 1)
            (alpha * losses[0] + (1 - alpha) * losses[1]).backward()
        opt.step()
        if step % 20 == 0:
            extra = ""
            if method == "uncertainty":
                extra = f" | sigma^2 {[round(v, 4) for v in torch.exp(log_vars).tolist()]}"
            if method == "gradnorm":
                extra = f" | weights {[round(v, 4) for v in weights.tolist()]}"
            if method == "mgda":
                extra = f" | alpha {alpha.item():.4f}"
            print(f"{method:11s} step {step:2d} | losses {[round(v, 5) for v in losses.tolist()]} | cos {cs:.5f}{extra}")
    mse, acc = evaluate(model)
    print(f"{method:11s} final mse {mse:.5f} acc {acc:.5f}")


for m in ["equal", "uncertainty", "gradnorm", "pcgrad", "mgda"]:
    run(m)
