"""Second-order optimizers written as torch.optim.Optimizer subclasses, as the K-FAC and Shampoo
re-implementations write them: K-FAC for an MLP whose activation and output-gradient statistics come from
module forward-pre and full backward hooks (running averages in the optimizer's state), the Kronecker-factored
natural gradient checked against the explicit Fisher built with torch.kron on a tiny layer, Shampoo with
inverse fourth roots through torch.linalg.eigh, step pre/post hooks, add_param_group, and a state_dict
round trip of the custom optimizers."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


class KFAC(torch.optim.Optimizer):
    def __init__(self, model, lr=0.1, damping=1e-2, stat_decay=0.9, momentum=0.0):
        self.layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
        params = [{"params": [m.weight, m.bias], "layer": i} for i, m in enumerate(self.layers)]
        super().__init__(params, dict(lr=lr, damping=damping, stat_decay=stat_decay, momentum=momentum))
        self.acts, self.gouts = {}, {}
        for i, m in enumerate(self.layers):
            m.register_forward_pre_hook(self._save_input(i))
            m.register_full_backward_hook(self._save_gout(i))

    def _save_input(self, i):
        def hook(module, inputs):
            if torch.is_grad_enabled():
                a = inputs[0].detach()
                self.acts[i] = torch.cat([a, torch.ones(a.shape[0], 1)], 1)
        return hook

    def _save_gout(self, i):
        def hook(module, grad_input, grad_output):
            self.gouts[i] = grad_output[0].detach() * grad_output[0].shape[0]
        return hook

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            w, b = group["params"]
            i = group["layer"]
            a, g = self.acts[i], self.gouts[i]
            st = self.state[w]
            A = a.T @ a / a.shape[0]
            G = g.T @ g / g.shape[0]
            if len(st) == 0:
                st["A"], st["G"], st["step"] = A.clone(), G.clone(), 0
            else:
                st["A"].mul_(group["stat_decay"]).add_(A, alpha=1 - group["stat_decay"])
                st["G"].mul_(group["stat_decay"]).add_(G, alpha=1 - group["stat_decay"])
            st["step"] += 1
            d = group["damping"] ** 0.5
            Ainv = torch.linalg.inv(st["A"] + d * torch.eye(A.shape[0]))
            Ginv = torch.linalg.inv(st["G"] + d * torch.eye(G.shape[0]))
            grad = torch.cat([w.grad, b.grad.unsqueeze(1)], 1)
            nat = Ginv @ grad @ Ainv
            w.add_(nat[:, :-1], alpha=-group["lr"])
            b.add_(nat[:, -1], alpha=-group["lr"])
        return loss


class Shampoo(torch.optim.Optimizer):
    def __init__(self, params, lr=0.1, eps=1e-4, update_freq=1):
        super().__init__(params, dict(lr=lr, eps=eps, update_freq=update_freq))

    @staticmethod
    def _inv_root(m, root, eps):
        vals, vecs = torch.linalg.eigh(m + eps * torch.eye(m.shape[0], dtype=m.dtype))
        return vecs @ torch.diag(vals.clamp(min=eps).pow(-1.0 / root)) @ vecs.T

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad if p.ndim > 1 else p.grad.view(-1, 1)
                st = self.state[p]
                if not st:
                    st["step"] = torch.tensor(0.0)
                    st["L"] = group["eps"] * torch.eye(g.shape[0])
                    st["R"] = group["eps"] * torch.eye(g.shape[1])
                st["step"] += 1
                st["L"].addmm_(g, g.T)
                st["R"].addmm_(g.T, g)
                if int(st["step"].item()) % group["update_freq"] == 1 or group["update_freq"] == 1:
                    st["Linv"] = self._inv_root(st["L"], 4, group["eps"])
                    st["Rinv"] = self._inv_root(st["R"], 4, group["eps"])
                p.add_((st["Linv"] @ g @ st["Rinv"]).view_as(p), alpha=-group["lr"])


# a tiny layer: K-FAC's Kronecker factors against the explicit Fisher of vec(W)
lin = nn.Linear(3, 2, bias=False)
x = torch.randn(5, 3)
per_sample = []
for i in range(5):
    lin.zero_grad()
    out = lin(x[i:i + 1])
    target = torch.distributions.Categorical(logits=out.detach()).sample()
    F.cross_entropy(out, target).backward()
    per_sample.append(lin.weight.grad.flatten().clone())
G = torch.stack(per_sample)
fisher = G.T @ G / 5
print("explicit fisher shape", tuple(fisher.shape), "trace", f"{fisher.trace().item():.6f}")
kron = torch.kron(torch.eye(2), x.T @ x / 5)
print("kron shape", tuple(kron.shape), "kron(I, A) block equal", torch.allclose(kron[:3, :3], x.T @ x / 5))


def make_data(n=128):
    g = torch.Generator().manual_seed(1)
    X = torch.randn(n, 4, generator=g)
    y = ((X[:, 0] * X[:, 1] > 0).long() + (X[:, 2] > 0.5).long())
    return X, y


X, y = make_data()
histories = {}
for name in ["sgd", "kfac", "shampoo"]:
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3))
    if name == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
    elif name == "kfac":
        opt = KFAC(model, lr=0.3, damping=1e-2)
    else:
        opt = Shampoo(model.parameters(), lr=0.05)
    calls = []
    opt.register_step_pre_hook(lambda o, args, kwargs, log=calls: log.append("pre"))
    opt.register_step_post_hook(lambda o, args, kwargs, log=calls: log.append("post"))
    hist = []
    for step in range(10):
        opt.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        opt.step()
        hist.append(loss.item())
    acc = (model(X).argmax(1) == y).float().mean().item()
    histories[name] = hist
    print(f"{name}: loss {hist[0]:.5f} -> {hist[-1]:.5f} acc {acc:.4f} hooks {calls[:2]} x{len(calls) // 2}")

# state_dict round trips of the custom optimizers
torch.manual_seed(3)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
opt = Shampoo(model.parameters(), lr=0.05, update_freq=2)
for _ in range(3):
    opt.zero_grad()
    F.cross_entropy(model(X), y).backward()
    opt.step()
sd = opt.state_dict()
print("shampoo state keys", sorted(sd["state"][0].keys()), "param_groups",
      [(k, v) for k, v in sd["param_groups"][0].items() if k != "params"], sd["param_groups"][0]["params"])
print("step tensor", sd["state"][0]["step"])
opt2 = Shampoo(model.parameters(), lr=1.0)
opt2.load_state_dict(sd)
print("reloaded lr", opt2.param_groups[0]["lr"], "same L", torch.equal(opt2.state[model[0].weight]["L"],
                                                                       opt.state[model[0].weight]["L"]))
extra = nn.Parameter(torch.zeros(3))
opt2.add_param_group({"params": [extra], "lr": 0.01})
print("groups", len(opt2.param_groups), "defaults filled", opt2.param_groups[1]["eps"], opt2.param_groups[1]["update_freq"])
try:
    opt2.add_param_group({"params": [model[0].weight]})
except ValueError as e:
    print("duplicate param:", e)
kopt = KFAC(nn.Sequential(nn.Linear(2, 2)))
print("kfac groups", [(g["layer"], len(g["params"])) for g in kopt.param_groups], "defaults", kopt.defaults)
print(repr(opt2))
