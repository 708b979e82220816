"""Writing Adam by hand, as optimizer tutorials do, and checking it against torch.optim: Adam with bias
correction, L2 weight decay vs AdamW's decoupled decay, amsgrad's max of second moments, maximize=True,
and the state each optimizer keeps (step as a tensor, exp_avg, exp_avg_sq, max_exp_avg_sq), printing both
trajectories side by side on the Rosenbrock function and a small regression.

(minigrad's optimizers round add_(alpha)/lerp_ twice where PyTorch's kernels fuse a multiply-add, a speed
choice: so the hand and library runs are compared to 1e-5, not printed as an exact max difference, and the
Rosenbrock runs stop at 100 steps, before the narrow valley grows ulps into the printed digits.)"""

import math

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)


class HandAdam:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False,
                 amsgrad=False, maximize=False):
        self.params = list(params)
        self.lr, self.betas, self.eps, self.wd = lr, betas, eps, weight_decay
        self.decoupled, self.amsgrad, self.maximize = decoupled, amsgrad, maximize
        self.state = [dict(step=0, m=torch.zeros_like(p), v=torch.zeros_like(p), vmax=torch.zeros_like(p))
                      for p in self.params]

    @torch.no_grad()
    def step(self):
        b1, b2 = self.betas
        for p, s in zip(self.params, self.state):
            g = -p.grad if self.maximize else p.grad
            if self.wd and self.decoupled:
                p.mul_(1 - self.lr * self.wd)
            elif self.wd:
                g = g.add(p, alpha=self.wd)
            s["step"] += 1
            s["m"].lerp_(g, 1 - b1)
            s["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
            bc1 = 1 - b1 ** s["step"]
            bc2 = 1 - b2 ** s["step"]
            v = s["v"]
            if self.amsgrad:
                torch.maximum(s["vmax"], v, out=s["vmax"])
                v = s["vmax"]
            denom = (v.sqrt() / math.sqrt(bc2)).add_(self.eps)
            p.addcdiv_(s["m"], denom, value=-self.lr / bc1)

    def zero_grad(self):
        for p in self.params:
            p.grad = None


def rosenbrock(xy):
    x, y = xy
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


configs = [
    ("adam", dict(lr=0.05), dict(lr=0.05), torch.optim.Adam),
    ("adam-l2", dict(lr=0.05, weight_decay=0.1), dict(lr=0.05, weight_decay=0.1), torch.optim.Adam),
    ("adamw", dict(lr=0.05, weight_decay=0.1, decoupled=True), dict(lr=0.05, weight_decay=0.1), torch.optim.AdamW),
    ("amsgrad", dict(lr=0.05, amsgrad=True), dict(lr=0.05, amsgrad=True), torch.optim.Adam),
]
for name, hand_kw, torch_kw, cls in configs:
    a = torch.tensor([-1.5, 2.0], requires_grad=True)
    b = torch.tensor([-1.5, 2.0], requires_grad=True)
    ha, to = HandAdam([a], **hand_kw), cls([b], **torch_kw)
    for i in range(100):
        for p, o in ((a, ha), (b, to)):
            o.zero_grad()
            rosenbrock(p).backward()
            o.step()
        if i in (0, 9, 49, 99):
            print(f"{name:8s} iter {i:3d} hand {a.tolist()[0]:.6f},{a.tolist()[1]:.6f} "
                  f"torch {b.tolist()[0]:.6f},{b.tolist()[1]:.6f} f {rosenbrock(b).item():.6f}")
    print(f"{name:8s} hand == torch to 1e-5: {(a - b).abs().max().item() < 1e-5}")

st = to.state[b]
print("state keys", sorted(st), "step", st["step"], st["step"].dtype)
print("max_exp_avg_sq", st["max_exp_avg_sq"])
print("param_groups keys", sorted(to.param_groups[0]))

# maximize: gradient ascent on -f
c = torch.tensor([0.0, 0.0], requires_grad=True)
d = torch.tensor([0.0, 0.0], requires_grad=True)
hc, td = HandAdam([c], lr=0.02, maximize=True), torch.optim.Adam([d], lr=0.02, maximize=True)
for _ in range(50):
    for p, o in ((c, hc), (d, td)):
        o.zero_grad()
        (-rosenbrock(p)).backward()
        o.step()
print("maximize", [f"{v:.6f}" for v in c.tolist()], [f"{v:.6f}" for v in d.tolist()])

# a small regression: two copies of one network, one per optimizer
net1 = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1))
net2 = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1))
net2.load_state_dict(net1.state_dict())
X = torch.randn(128, 5)
Y = X[:, :1] * 2 - X[:, 1:2] ** 2
h1 = HandAdam(net1.parameters(), lr=1e-2, weight_decay=1e-2, decoupled=True)
o2 = torch.optim.AdamW(net2.parameters(), lr=1e-2, weight_decay=1e-2)
for step in range(101):
    for net, o in ((net1, h1), (net2, o2)):
        o.zero_grad()
        loss = nn.functional.mse_loss(net(X), Y)
        loss.backward()
        o.step()
    if step % 25 == 0:
        l1 = nn.functional.mse_loss(net1(X), Y).item()
        l2 = nn.functional.mse_loss(net2(X), Y).item()
        print(f"step {step:3d} hand {l1:.6f} torch {l2:.6f}")
diff = max((p - q).abs().max().item() for p, q in zip(net1.parameters(), net2.parameters()))
print("params agree:", diff < 1e-4)
sd = o2.state_dict()
print("state_dict", list(sd), list(sd["state"])[:4], sd["param_groups"][0]["params"])
print("defaults", {k: v for k, v in sorted(o2.defaults.items()) if k in ("lr", "betas", "eps", "weight_decay", "amsgrad")})
