"""Sharpness-aware minimisation (Foret et al.) as the popular SAM/ASAM optimizer class writes it: a
torch.optim.Optimizer subclass wrapping a base optimizer built from its param_groups, first_step /
second_step under torch.no_grad keeping e(w) in self.state, the adaptive variant's |w|-scaled norm, a
closure-based step, its repr and state_dict, and a comparison of SAM and plain SGD on a noisy two-moons
classification (sharpness measured by random weight perturbations)."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


class SAM(torch.optim.Optimizer):
    def __init__(self, params, base_optimizer, rho=0.05, adaptive=False, **kwargs):
        if rho < 0.0:
            raise ValueError(f"Invalid rho, should be non-negative: {rho}")
        defaults = dict(rho=rho, adaptive=adaptive, **kwargs)
        super().__init__(params, defaults)
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
        return torch.norm(torch.stack([
            ((torch.abs(p) if group["adaptive"] else 1.0) * p.grad).norm(p=2)
            for group in self.param_groups for p in group["params"] if p.grad is not None]), p=2)

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        self.base_optimizer.param_groups = self.param_groups


def two_moons(n, gen, noise=0.2):
    t = torch.rand(n, generator=gen) * math.pi
    label = torch.randint(0, 2, (n,), generator=gen)
    x = torch.stack([torch.cos(t), torch.sin(t)], 1)
    x = torch.where(label.unsqueeze(1) == 1, torch.stack([1 - x[:, 0], 0.5 - x[:, 1]], 1), x)
    return x + noise * torch.randn(n, 2, generator=gen), label


def make_model():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 2))


gen = torch.Generator().manual_seed(0)
x_train, y_train = two_moons(80, gen)
x_test, y_test = two_moons(200, gen)

sam_model = make_model()
opt = SAM(sam_model.parameters(), torch.optim.SGD, rho=0.1, lr=0.1, momentum=0.9)
print(opt)
print("defaults", sorted(opt.defaults))

try:
    SAM(sam_model.parameters(), torch.optim.SGD, rho=-1.0, lr=0.1)
except ValueError as e:
    print("ValueError:", e)


def sharpness(model, n=20, sigma=0.05):
    g = torch.Generator().manual_seed(123)
    base = F.cross_entropy(model(x_train), y_train).item()
    rises = []
    with torch.no_grad():
        params = list(model.parameters())
        saved = [p.clone() for p in params]
        for _ in range(n):
            for p in params:
                p.add_(sigma * torch.randn(p.shape, generator=g))
            rises.append(F.cross_entropy(model(x_train), y_train).item() - base)
            for p, s in zip(params, saved):
                p.copy_(s)
    return sum(rises) / n


sgd_model = make_model()
sgd = torch.optim.SGD(sgd_model.parameters(), lr=0.1, momentum=0.9)
for epoch in range(30):
    perm = torch.randperm(80, generator=gen)
    for k in range(0, 80, 20):
        idx = perm[k: k + 20]

        def closure(idx=idx):
            loss = F.cross_entropy(sam_model(x_train[idx]), y_train[idx])
            loss.backward()
            return loss

        loss = closure()
        opt.step(closure)
        opt.zero_grad()
        sgd.zero_grad()
        sgd_loss = F.cross_entropy(sgd_model(x_train[idx]), y_train[idx])
        sgd_loss.backward()
        sgd.step()
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1} | sam loss {loss.item():.5f} | sgd loss {sgd_loss.item():.5f}")

for name, model in [("sam", sam_model), ("sgd", sgd_model)]:
    with torch.no_grad():
        acc = (model(x_test).argmax(1) == y_test).float().mean().item()
        train_loss = F.cross_entropy(model(x_train), y_train).item()
    print(f"{name} | train loss {train_loss:.5f} | test acc {acc:.4f} | sharpness {sharpness(model):.5f}")

sd = opt.state_dict()
print("state keys", sorted(sd), "groups", len(sd["param_groups"]), sorted(sd["param_groups"][0]))
print("per-param state", sorted(sd["state"][0]), "old_p shape", tuple(sd["state"][0]["old_p"].shape))
asam_model = make_model()
asam = SAM(asam_model.parameters(), torch.optim.SGD, rho=0.5, adaptive=True, lr=0.1)
asam.load_state_dict(asam.state_dict())
loss = F.cross_entropy(asam_model(x_train), y_train)
loss.backward()
asam.first_step(zero_grad=True)
perturbed = F.cross_entropy(asam_model(x_train), y_train)
perturbed.backward()
asam.second_step(zero_grad=True)
print(f"asam loss {loss.item():.5f} perturbed {perturbed.item():.5f} after "
      f"{F.cross_entropy(asam_model(x_train), y_train).item():.5f}")
