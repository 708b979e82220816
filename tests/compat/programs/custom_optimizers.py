"""Optimizers written as subclasses of torch.optim.Optimizer, the way the Lion
and Muon reference implementations write them: defaults dicts, param_groups,
per-parameter self.state filled lazily, @torch.no_grad() step(closure) with
torch.enable_grad() around the closure, in-place updates (mul_, add_ with
alpha, lerp_, sign_, addcmul_); Muon's Newton-Schulz orthogonalization (X @
X.mT, norms over dim=(-2, -1)) checked against torch.optim.Muon, a hybrid
Muon + AdamW setup split by p.ndim with a use_muon flag in the param groups,
an Adam-mini-like optimizer with per-row second moments, an AdamW with
Kahan-compensated updates; their state_dict/load_state_dict roundtrip
(resuming gives the same next step) and add_param_group. Training a small
MLP on the bundled digits. Seeded: every number agrees."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim import Optimizer

from _data import digits


class Lion(Optimizer):
    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        assert lr > 0.0
        assert all([0.0 <= beta <= 1.0 for beta in betas])
        defaults = dict(lr=lr, betas=betas, weight_decay=weight_decay)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in filter(lambda p: p.grad is not None, group["params"]):
                grad, lr, wd, beta1, beta2, state = p.grad, group["lr"], group["weight_decay"], *group["betas"], self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p)
                exp_avg = state["exp_avg"]
                p.data.mul_(1.0 - lr * wd)
                update = exp_avg.clone().mul_(beta1).add(grad, alpha=1.0 - beta1).sign_()
                p.add_(update, alpha=-lr)
                exp_avg.mul_(beta2).add_(grad, alpha=1.0 - beta2)
        return loss


def zeropower_via_newtonschulz5(G, steps=5, eps=1e-7):
    assert G.ndim >= 2
    a, b, c = (3.4445, -4.7750, 2.0315)
    X = G.float()
    if G.size(-2) > G.size(-1):
        X = X.mT
    X = X / (X.norm(dim=(-2, -1), keepdim=True) + eps)
    for _ in range(steps):
        A = X @ X.mT
        B = b * A + c * A @ A
        X = a * X + B @ X
    if G.size(-2) > G.size(-1):
        X = X.mT
    return X


def muon_update(grad, momentum, beta=0.95, ns_steps=5, nesterov=True):
    momentum.lerp_(grad, 1 - beta)
    update = grad.lerp_(momentum, beta) if nesterov else momentum
    if update.ndim == 4:
        update = update.view(len(update), -1)
    update = zeropower_via_newtonschulz5(update, steps=ns_steps)
    update *= max(1, grad.size(-2) / grad.size(-1)) ** 0.5
    return update


def adam_update(grad, buf1, buf2, step, betas, eps):
    buf1.lerp_(grad, 1 - betas[0])
    buf2.lerp_(grad.square(), 1 - betas[1])
    buf1c = buf1 / (1 - betas[0] ** step)
    buf2c = buf2 / (1 - betas[1] ** step)
    return buf1c / (buf2c.sqrt() + eps)


class MuonWithAuxAdam(torch.optim.Optimizer):
    def __init__(self, param_groups):
        for group in param_groups:
            assert "use_muon" in group
            if group["use_muon"]:
                group["lr"] = group.get("lr", 0.02)
                group["momentum"] = group.get("momentum", 0.95)
                group["weight_decay"] = group.get("weight_decay", 0)
                assert set(group.keys()) == set(["params", "lr", "momentum", "weight_decay", "use_muon"])
            else:
                group["lr"] = group.get("lr", 3e-4)
                group["betas"] = group.get("betas", (0.9, 0.95))
                group["eps"] = group.get("eps", 1e-10)
                group["weight_decay"] = group.get("weight_decay", 0)
                assert set(group.keys()) == set(["params", "lr", "betas", "eps", "weight_decay", "use_muon"])
        super().__init__(param_groups, dict())

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            if group["use_muon"]:
                for p in group["params"]:
                    if p.grad is None:
                        p.grad = torch.zeros_like(p)
                    state = self.state[p]
                    if len(state) == 0:
                        state["momentum_buffer"] = torch.zeros_like(p)
                    update = muon_update(p.grad, state["momentum_buffer"], beta=group["momentum"])
                    p.mul_(1 - group["lr"] * group["weight_decay"])
                    p.add_(update.reshape(p.shape), alpha=-group["lr"])
            else:
                for p in group["params"]:
                    if p.grad is None:
                        p.grad = torch.zeros_like(p)
                    state = self.state[p]
                    if len(state) == 0:
                        state["exp_avg"] = torch.zeros_like(p)
                        state["exp_avg_sq"] = torch.zeros_like(p)
                        state["step"] = 0
                    state["step"] += 1
                    update = adam_update(p.grad, state["exp_avg"], state["exp_avg_sq"],
                                         state["step"], group["betas"], group["eps"])
                    p.mul_(1 - group["lr"] * group["weight_decay"])
                    p.add_(update, alpha=-group["lr"])
        return loss


class AdamMiniLike(Optimizer):
    """Adam with one second moment per output row (a block-wise learning rate)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    state["m"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["v"] = torch.zeros(p.shape[0], *([1] * (p.dim() - 1)))
                state["step"] += 1
                g = p.grad
                state["m"].mul_(beta1).add_(g, alpha=1 - beta1)
                row_sq = g.pow(2).mean(dim=tuple(range(1, g.dim())), keepdim=True) if g.dim() > 1 else g.pow(2)
                state["v"].mul_(beta2).add_(row_sq, alpha=1 - beta2)
                step = state["step"].item()
                denom = (state["v"] / (1 - beta2 ** step)).sqrt().add_(group["eps"])
                p.addcdiv_(state["m"], denom, value=-group["lr"] / (1 - beta1 ** step))
        return loss


class KahanAdamW(Optimizer):
    """AdamW whose parameter updates carry a compensation buffer (Kahan summation)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                if len(st) == 0:
                    st["step"] = 0
                    st["exp_avg"] = torch.zeros_like(p)
                    st["exp_avg_sq"] = torch.zeros_like(p)
                    st["comp"] = torch.zeros_like(p)
                st["step"] += 1
                b1, b2 = group["betas"]
                st["exp_avg"].mul_(b1).add_(p.grad, alpha=1 - b1)
                st["exp_avg_sq"].mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                bc1, bc2 = 1 - b1 ** st["step"], 1 - b2 ** st["step"]
                update = -group["lr"] * (st["exp_avg"] / bc1) / ((st["exp_avg_sq"] / bc2).sqrt() + group["eps"])
                update = update - group["lr"] * group["weight_decay"] * p
                y = update - st["comp"]
                t = p + y
                st["comp"].copy_((t - p) - y)
                p.copy_(t)
        return loss


pixels, labels = digits()
X = torch.tensor(pixels[:512], dtype=torch.float32) / 16.0
Y = torch.tensor(labels[:512])


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 48), nn.ReLU(), nn.Linear(48, 32), nn.ReLU(), nn.Linear(32, 10))


def train(model, opt, steps=12, tag=""):
    for step in range(steps):
        idx = torch.arange(step * 32, step * 32 + 64) % len(X)

        def closure(idx=idx):
            opt.zero_grad()
            loss = F.cross_entropy(model(X[idx]), Y[idx])
            loss.backward()
            return loss

        loss = opt.step(closure)
        if step % 4 == 3:
            with torch.no_grad():
                acc = (model(X).argmax(1) == Y).float().mean().item()
            print(f"{tag} step {step:2d} | loss {loss.item():.5f} | acc {acc:.4f}")
    return model


# Newton-Schulz: singular values pushed toward 1
torch.manual_seed(3)
G = torch.randn(16, 24)
O = zeropower_via_newtonschulz5(G)
sv = torch.linalg.svdvals(O)
print("NS singular values", f"{sv.min().item():.4f}..{sv.max().item():.4f}", "shape", tuple(O.shape))

m = make_model()
train(m, Lion(m.parameters(), lr=3e-4, weight_decay=0.1), tag="lion")

# hand-written Muon against torch.optim.Muon on the weight matrices
m1, m2 = make_model(), make_model()
hidden1 = [p for p in m1.parameters() if p.ndim >= 2]
hidden2 = [p for p in m2.parameters() if p.ndim >= 2]
opt1 = MuonWithAuxAdam([
    dict(params=hidden1, use_muon=True, lr=0.02, weight_decay=0.01),
    dict(params=[p for p in m1.parameters() if p.ndim < 2], use_muon=False, lr=3e-3, betas=(0.9, 0.95), eps=1e-8),
])
print("muon groups", [(g["use_muon"], len(g["params"]), g["lr"]) for g in opt1.param_groups])
opt2 = torch.optim.Muon(hidden2, lr=0.02, weight_decay=0.01, momentum=0.95, nesterov=True)
for step in range(6):
    for model, o in [(m1, opt1), (m2, opt2)]:
        o.zero_grad()
        F.cross_entropy(model(X[:128]), Y[:128]).backward()
        o.step()
# (the two differ: torch.optim.Muon keeps B = mu B + g, the hand version lerps; the biases of m2 stay put)
print(f"hand muon {m1[0].weight.norm().item():.5f} | torch.optim.Muon {m2[0].weight.norm().item():.5f}"
      f" | adam biases {m1[0].bias.norm().item():.5f} | frozen {m2[0].bias.norm().item():.5f}")

m = make_model()
train(m, AdamMiniLike(m.parameters(), lr=3e-3), tag="adam-mini")
m = make_model()
opt = KahanAdamW(m.parameters(), lr=3e-3)
train(m, opt, steps=8, tag="kahan")

# resume: a copy that reloads the state_dict takes the same next step
snapshot = copy.deepcopy(m.state_dict())
state = copy.deepcopy(opt.state_dict())
print("state keys", sorted(state["state"][0].keys()), "groups", [sorted(k for k in g if k != "params") for g in state["param_groups"]])
m_resumed = make_model()
m_resumed.load_state_dict(snapshot)
opt_resumed = KahanAdamW(m_resumed.parameters(), lr=1.0)
opt_resumed.load_state_dict(state)
print("lr restored", opt_resumed.param_groups[0]["lr"], "step restored", opt_resumed.state[m_resumed[0].weight]["step"])
for model, o in [(m, opt), (m_resumed, opt_resumed)]:
    o.zero_grad()
    F.cross_entropy(model(X[:64]), Y[:64]).backward()
    o.step()
print("resumed step identical", all(torch.equal(a, b) for a, b in zip(m.parameters(), m_resumed.parameters())))

extra = nn.Parameter(torch.ones(3))
opt.add_param_group({"params": [extra], "lr": 0.5, "weight_decay": 0.0})
extra.grad = torch.tensor([1.0, -2.0, 0.5])
opt.step()
print("added group", len(opt.param_groups), [f"{v:.5f}" for v in extra.tolist()], opt.param_groups[1]["betas"])
