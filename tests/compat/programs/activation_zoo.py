"""The less common activations, as a tour notebook prints them: functional and module forms of
celu, selu, glu, hardtanh, relu6, rrelu (eval), softmin, softshrink, hardshrink, tanhshrink,
threshold, softsign, mish, prelu, logsigmoid, hardswish, hardsigmoid, silu, elu; their in-place
variants, gradients at and around the kinks, module reprs, and a small MLP trained with each."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

x = torch.tensor([-3.0, -1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 3.0, 7.0])


def show(name, t):
    print(f"{name:12s}", " ".join(f"{v:.5f}" for v in t.tolist()))


show("celu", F.celu(x, alpha=0.5))
show("selu", F.selu(x))
show("elu", F.elu(x, alpha=1.5))
show("hardtanh", F.hardtanh(x, min_val=-0.75, max_val=2.0))
show("relu6", F.relu6(x))
show("softshrink", F.softshrink(x, lambd=0.5))
show("hardshrink", F.hardshrink(x, lambd=0.5))
show("tanhshrink", F.tanhshrink(x))
show("threshold", F.threshold(x, 0.4, -2.0))
show("softsign", F.softsign(x))
show("mish", F.mish(x))
show("logsigmoid", F.logsigmoid(x))
show("hardswish", F.hardswish(x))
show("hardsigmoid", F.hardsigmoid(x))
show("silu", F.silu(x))
show("softplus", F.softplus(x, beta=2.0, threshold=3.0))
show("leaky", F.leaky_relu(x, 0.2))
show("rrelu eval", F.rrelu(x, training=False))
show("softmin", F.softmin(x[:4], dim=0))
show("glu", F.glu(torch.arange(8.0).reshape(2, 4) / 4 - 0.5, dim=-1).flatten())
show("prelu", F.prelu(x, torch.tensor([0.25])))
print("prelu channels", F.prelu(torch.arange(-4.0, 4.0).reshape(2, 2, 2), torch.tensor([0.1, 0.3])).tolist())

for name, fn, kw in [("celu", F.celu, {}), ("selu", F.selu, {}), ("hardtanh", F.hardtanh, {}),
                     ("softshrink", F.softshrink, {"lambd": 0.5}), ("hardshrink", F.hardshrink, {"lambd": 0.5}),
                     ("threshold", F.threshold, {"threshold": 0.5, "value": 0.0}), ("relu6", F.relu6, {}),
                     ("mish", F.mish, {}), ("hardswish", F.hardswish, {}), ("hardsigmoid", F.hardsigmoid, {}),
                     ("softsign", F.softsign, {}), ("tanhshrink", F.tanhshrink, {}),
                     ("logsigmoid", F.logsigmoid, {}), ("elu", F.elu, {}), ("leaky_relu", F.leaky_relu, {})]:
    pts = torch.tensor([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0], requires_grad=True)
    if fn is F.threshold:
        y = fn(pts, kw["threshold"], kw["value"])
    else:
        y = fn(pts, **kw)
    y.sum().backward()
    print(f"grad {name:12s}", " ".join(f"{g:.4f}" for g in pts.grad.tolist()), y.grad_fn is not None)

# in-place variants return the same tensor
t = x.clone()
r = F.hardtanh_(t, -1.0, 1.0)
print("hardtanh_ same", r is t, t.tolist())
t = x.clone()
F.celu_(t, 2.0)
show("celu_", t)
t = x.clone()
F.selu_(t)
show("selu_", t)
t = x.clone()
F.threshold_(t, 1.0, 9.0)
show("threshold_", t)
t = x.clone()
F.elu_(t)
show("elu_", t)
t = x.clone()
F.leaky_relu_(t, 0.3)
show("leaky_relu_", t)
t = x.clone()
F.rrelu_(t, training=False)
show("rrelu_", t)
t = x.clone()
torch.relu_(t)
show("relu_", t)
print(nn.Hardtanh(-2, 2, inplace=True), nn.Threshold(0.1, 20), nn.ReLU6(inplace=True))

modules = [nn.CELU(0.8), nn.SELU(), nn.GLU(), nn.Hardtanh(-0.5, 0.5), nn.RReLU(0.1, 0.3), nn.Softmin(dim=1),
           nn.Softshrink(0.3), nn.Hardshrink(), nn.Tanhshrink(), nn.Threshold(0.1, -1.0), nn.Softsign(),
           nn.Mish(), nn.PReLU(num_parameters=3, init=0.1), nn.LogSigmoid(), nn.Hardswish(), nn.Hardsigmoid(),
           nn.SiLU(), nn.ELU(alpha=0.7), nn.LeakyReLU(0.05), nn.Softplus(beta=2), nn.Softmax2d(), nn.LogSoftmax(1)]
for m in modules:
    print(repr(m))
print("prelu params", [(n, tuple(p.shape), p.tolist()) for n, p in modules[12].named_parameters()])

rr = nn.RReLU(0.1, 0.3)
rr.eval()
show("RReLU eval", rr(x))


def fixed_(module):
    for name, p in module.named_parameters():
        with torch.no_grad():
            p.copy_(torch.linspace(-0.5, 0.5, p.numel()).reshape(p.shape).flip(0)
                    * (1.0 if "weight" in name else 0.2) + 0.01 * torch.arange(p.numel()).reshape(p.shape) % 0.07)


xs = torch.linspace(-2, 2, 32).reshape(16, 2)
ys = (torch.sin(2 * xs[:, :1]) * xs[:, 1:]).squeeze(1)
for act in [nn.CELU(), nn.SELU(), nn.Mish(), nn.Softsign(), nn.Hardswish(), nn.Tanhshrink(), nn.PReLU(),
            nn.Softshrink(0.1)]:
    net = nn.Sequential(nn.Linear(2, 8), act, nn.Linear(8, 8), type(act)() if not isinstance(act, nn.Softshrink)
                        else nn.Softshrink(0.1), nn.Linear(8, 1))
    fixed_(net)
    opt = torch.optim.Adam(net.parameters(), lr=0.02)
    for _ in range(30):
        opt.zero_grad()
        loss = F.mse_loss(net(xs).squeeze(1), ys)
        loss.backward()
        opt.step()
    print(f"{type(act).__name__:10s} final mse {loss.item():.6f}")
