"""Optimizer wrappers and gradient transforms as their reference repositories
write them: SAM (first_step / second_step around a closure, the e_w perturbation
kept in self.state[p]["old_p"], the grad norm by torch.norm(torch.stack(...)),
adaptive SAM with |w|), Lookahead wrapping any optimizer (slow weights in
state, k-step sync with add_(alpha), its state_dict/load_state_dict with
the base optimizer's), adaptive gradient clipping (unitwise norms over all
but dim 0, max_norm = param_norm.clamp_min(eps) * clipping, torch.where),
LARS written as an Optimizer subclass with trust ratios and exclusion of
1-d parameters, gradient centralization inside a custom SGD, and annealed
Gaussian gradient noise added to p.grad from a Generator.
Everything seeded or fixed: every number agrees."""

from collections import OrderedDict, defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.optimizer import Optimizer


class SAM(torch.optim.Optimizer):
    def __init__(self, params, base_optimizer, rho=0.05, adaptive=False, **kwargs):
        assert rho >= 0.0, f"Invalid rho, should be non-negative: {rho}"
        defaults = dict(rho=rho, adaptive=adaptive, **kwargs)
        super(SAM, self).__init__(params, defaults)
        self.base_optimizer = base_optimizer(self.param_groups, **kwargs)
        self.param_groups = self.base_optimizer.param_groups
        self.defaults.update(self.base_optimizer.defaults)

    @torch.no_grad()
    def first_step(self, zero_grad=False):
        grad_norm = self._grad_norm()
        for group in self.param_groups:
            scale = group["rho"] / (grad_norm + 1e-12)
            for p in group["params"]:
                if p.grad is None:
                    continue
                self.state[p]["old_p"] = p.data.clone()
                e_w = (torch.pow(p, 2) if group["adaptive"] else 1.0) * p.grad * scale.to(p)
                p.add_(e_w)
        if zero_grad:
            self.zero_grad()

    @torch.no_grad()
    def second_step(self, zero_grad=False):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                p.data = self.state[p]["old_p"]
        self.base_optimizer.step()
        if zero_grad:
            self.zero_grad()

    @torch.no_grad()
    def step(self, closure=None):
        assert closure is not None, "Sharpness Aware Minimization requires closure, but it was not provided"
        closure = torch.enable_grad()(closure)
        self.first_step(zero_grad=True)
        closure()
        self.second_step()

    def _grad_norm(self):
        shared_device = self.param_groups[0]["params"][0].device
        norm = torch.norm(
            torch.stack([((torch.abs(p) if group["adaptive"] else 1.0) * p.grad).norm(p=2).to(shared_device)
                         for group in self.param_groups for p in group["params"] if p.grad is not None]),
            p=2)
        return norm

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        self.base_optimizer.param_groups = self.param_groups


class Lookahead(Optimizer):
    def __init__(self, base_optimizer, alpha=0.5, k=6):
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"Invalid slow update rate: {alpha}")
        if not 1 <= k:
            raise ValueError(f"Invalid lookahead steps: {k}")
        # NOTE super().__init__() not called on purpose (timm): the step wrapper still reads the hook dicts
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        defaults = dict(lookahead_alpha=alpha, lookahead_k=k, lookahead_step=0)
        self._base_optimizer = base_optimizer
        self.param_groups = base_optimizer.param_groups
        self.defaults = base_optimizer.defaults
        self.defaults.update(defaults)
        self.state = defaultdict(dict)
        for name, default in defaults.items():
            for group in self._base_optimizer.param_groups:
                group.setdefault(name, default)

    @torch.no_grad()
    def update_slow(self, group):
        for fast_p in group["params"]:
            if fast_p.grad is None:
                continue
            param_state = self._base_optimizer.state[fast_p]
            if "lookahead_slow_buff" not in param_state:
                param_state["lookahead_slow_buff"] = torch.empty_like(fast_p)
                param_state["lookahead_slow_buff"].copy_(fast_p)
            slow = param_state["lookahead_slow_buff"]
            slow.add_(fast_p - slow, alpha=group["lookahead_alpha"])
            fast_p.copy_(slow)

    def sync_lookahead(self):
        for group in self._base_optimizer.param_groups:
            self.update_slow(group)

    @torch.no_grad()
    def step(self, closure=None):
        loss = self._base_optimizer.step(closure)
        for group in self._base_optimizer.param_groups:
            group["lookahead_step"] += 1
            if group["lookahead_step"] % group["lookahead_k"] == 0:
                self.update_slow(group)
        return loss

    def state_dict(self):
        return self._base_optimizer.state_dict()

    def load_state_dict(self, state_dict):
        self._base_optimizer.load_state_dict(state_dict)
        self.param_groups = self._base_optimizer.param_groups


def unitwise_norm(x, norm_type=2.0):
    if x.ndim <= 1:
        return x.norm(norm_type)
    return x.norm(norm_type, dim=tuple(range(1, x.ndim)), keepdim=True)


def adaptive_clip_grad(parameters, clip_factor=0.01, eps=1e-3, norm_type=2.0):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    clipped = 0
    for p in parameters:
        if p.grad is None:
            continue
        p_data = p.detach()
        g_data = p.grad.detach()
        max_norm = unitwise_norm(p_data, norm_type=norm_type).clamp_(min=eps).mul_(clip_factor)
        grad_norm = unitwise_norm(g_data, norm_type=norm_type)
        clipped_grad = g_data * (max_norm / grad_norm.clamp(min=1e-6))
        new_grads = torch.where(grad_norm < max_norm, g_data, clipped_grad)
        clipped += int((grad_norm >= max_norm).sum())
        p.grad.detach().copy_(new_grads)
    return clipped


class LARS(Optimizer):
    def __init__(self, params, lr=0, weight_decay=0, momentum=0.9, trust_coefficient=0.001, eps=1e-8):
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, trust_coefficient=trust_coefficient,
                        eps=eps)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for g in self.param_groups:
            for p in g["params"]:
                dp = p.grad
                if dp is None:
                    continue
                if p.ndim > 1:
                    dp = dp.add(p, alpha=g["weight_decay"])
                    param_norm = torch.norm(p)
                    update_norm = torch.norm(dp)
                    one = torch.ones_like(param_norm)
                    q = torch.where(param_norm > 0.,
                                    torch.where(update_norm > 0, (g["trust_coefficient"] * param_norm / update_norm),
                                                one), one)
                    dp = dp.mul(q)
                param_state = self.state[p]
                if "mu" not in param_state:
                    param_state["mu"] = torch.zeros_like(p)
                mu = param_state["mu"]
                mu.mul_(g["momentum"]).add_(dp)
                p.add_(mu, alpha=-g["lr"])
        return loss


class SGD_GC(Optimizer):
    def __init__(self, params, lr=0.01, momentum=0.9, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                if group["weight_decay"] != 0:
                    d_p = d_p.add(p, alpha=group["weight_decay"])
                if d_p.dim() > 1:  # gradient centralization: remove the mean over all but the output dim
                    d_p = d_p - d_p.mean(dim=tuple(range(1, d_p.dim())), keepdim=True)
                state = self.state[p]
                if "momentum_buffer" not in state:
                    buf = state["momentum_buffer"] = torch.clone(d_p).detach()
                else:
                    buf = state["momentum_buffer"]
                    buf.mul_(group["momentum"]).add_(d_p)
                p.add_(buf, alpha=-group["lr"])


def make_model(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 6, 3), nn.ReLU(), nn.Flatten(), nn.Linear(6 * 4 * 4, 16), nn.Tanh(),
                         nn.Linear(16, 3))


g = torch.Generator().manual_seed(0)
X = torch.randn(96, 1, 6, 6, generator=g)
Y = (X.mean(dim=(1, 2, 3)) * 4 + X[:, 0, 0, 0]).mul(1.5).round().clamp(-1, 1).long() + 1
print("label counts", torch.bincount(Y).tolist())


def batches():
    for i in range(0, 96, 24):
        yield X[i:i + 24], Y[i:i + 24]


def evaluate(model):
    with torch.no_grad():
        out = model(X)
        return F.cross_entropy(out, Y).item(), (out.argmax(1) == Y).float().mean().item()


# SAM and ASAM
for adaptive in (False, True):
    model = make_model(1)
    optimizer = SAM(model.parameters(), torch.optim.SGD, rho=2.0 if adaptive else 0.05, adaptive=adaptive, lr=0.1,
                    momentum=0.9)
    for epoch in range(3):
        for xb, yb in batches():
            def closure():
                loss = F.cross_entropy(model(xb), yb)  # noqa: B023 - called within this iteration
                loss.backward()
                return loss
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step(closure)
            optimizer.zero_grad()
        print(f"{'asam' if adaptive else 'sam '} epoch {epoch} | batch loss {loss.item():.6f} | full "
              f"{evaluate(model)[0]:.6f} acc {evaluate(model)[1]:.4f}")
    print("sam groups", len(optimizer.param_groups), "shared with base", optimizer.param_groups is
          optimizer.base_optimizer.param_groups, "old_p kept", len([s for s in optimizer.state.values() if "old_p" in s]),
          "momentum buffers", len(optimizer.base_optimizer.state))

# SAM by hand with first_step / second_step (the README's loop)
model = make_model(1)
optimizer = SAM(model.parameters(), torch.optim.SGD, rho=0.05, lr=0.1, momentum=0.9)
for xb, yb in batches():
    F.cross_entropy(model(xb), yb).backward()
    optimizer.first_step(zero_grad=True)
    F.cross_entropy(model(xb), yb).backward()
    optimizer.second_step(zero_grad=True)
print(f"manual sam loss {evaluate(model)[0]:.6f}")

# Lookahead around Adam and around SGD
for base_name in ("adam", "sgd"):
    model = make_model(2)
    base = torch.optim.Adam(model.parameters(), lr=1e-2) if base_name == "adam" else \
        torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9, nesterov=True)
    optimizer = Lookahead(base, alpha=0.5, k=3)
    for epoch in range(3):
        for xb, yb in batches():
            optimizer.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            optimizer.step()
        print(f"lookahead({base_name}) epoch {epoch} | loss {evaluate(model)[0]:.6f}")
    sd = optimizer.state_dict()
    print("state keys", sorted(sd["state"][0].keys()), "group keys", sorted(k for k in sd["param_groups"][0]
                                                                            if k.startswith("lookahead")))
    fresh_model = make_model(3)
    fresh = Lookahead(torch.optim.Adam(fresh_model.parameters(), lr=1e-2) if base_name == "adam" else
                      torch.optim.SGD(fresh_model.parameters(), lr=0.2, momentum=0.9, nesterov=True))
    fresh.load_state_dict(sd)
    print("restored lookahead_step", fresh.param_groups[0]["lookahead_step"], "slow buffer norm",
          f"{fresh._base_optimizer.state[next(fresh_model.parameters())]['lookahead_slow_buff'].norm().item():.6f}")

# adaptive gradient clipping, LARS, gradient centralization, gradient noise
model = make_model(4)
optimizer = LARS(model.parameters(), lr=0.5, weight_decay=1e-4, momentum=0.9, trust_coefficient=0.02)
for epoch in range(3):
    clipped = 0
    for xb, yb in batches():
        optimizer.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        clipped += adaptive_clip_grad(model.parameters(), clip_factor=0.02)
        optimizer.step()
    print(f"lars+agc epoch {epoch} | loss {evaluate(model)[0]:.6f} | clipped units {clipped}")
w = torch.tensor([[3.0, 4.0], [0.0, 0.0]])
print("unitwise norms", unitwise_norm(w).flatten().tolist(), unitwise_norm(torch.tensor([3.0, 4.0])).item())

model = make_model(5)
optimizer = SGD_GC(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
noise_gen = torch.Generator().manual_seed(9)
for t in range(12):
    xb, yb = X[(t % 4) * 24:(t % 4 + 1) * 24], Y[(t % 4) * 24:(t % 4 + 1) * 24]
    optimizer.zero_grad()
    F.cross_entropy(model(xb), yb).backward()
    sigma = 0.01 / (1 + t) ** 0.55  # annealed gradient noise (Neelakantan et al.)
    for p in model.parameters():
        p.grad.add_(torch.randn(p.grad.shape, generator=noise_gen), alpha=sigma)
    optimizer.step()
    if t % 4 == 3:
        print(f"gc+noise step {t + 1} | loss {evaluate(model)[0]:.6f} | "
              f"conv grad norm {model[0].weight.grad.norm().item():.6f}")
buf = optimizer.state[model[3].weight]["momentum_buffer"]
print("centralized momentum rows", bool(buf.mean(dim=1).abs().max().item() < 1e-6))
