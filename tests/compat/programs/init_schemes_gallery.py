"""An initialization study in the style of "Delving deep into rectifiers" re-implementation blog posts:
calculate_gain for every nonlinearity (leaky_relu with a slope, selu, the linear family), fan_in vs
fan_out for Linear/Conv weights, kaiming_uniform_/kaiming_normal_ with mode and nonlinearity and a,
xavier_* with a gain, trunc_normal_ with bounds, orthogonal_ with a gain on tall and wide matrices,
sparse_, dirac_ with groups, eye_, uniform_/normal_/constant_/ones_/zeros_ with a generator, then the
activation std through a 20-layer ReLU / tanh / SELU net per scheme (the numbers the post plots), and
the default init of common layers recomputed by hand."""

import math

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)

for nl in ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose2d", "sigmoid", "tanh", "relu", "selu"]:
    print("gain", nl, f"{nn.init.calculate_gain(nl):.6f}")
print("gain leaky_relu", f"{nn.init.calculate_gain('leaky_relu'):.6f}", f"{nn.init.calculate_gain('leaky_relu', 0.2):.6f}",
      f"{nn.init.calculate_gain('leaky_relu', 1):.6f}")
for bad in [("leaky_relu", "x"), ("swish", None)]:
    try:
        nn.init.calculate_gain(*bad)
    except ValueError as e:
        print("gain error:", e)

w = torch.empty(64, 32, 3, 3)
fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(w)
print("conv fans", fan_in, fan_out)
g = torch.Generator().manual_seed(7)
for mode in ["fan_in", "fan_out"]:
    for nl, a in [("relu", 0), ("leaky_relu", 0.1), ("tanh", 0)]:
        nn.init.kaiming_normal_(w, a=a, mode=mode, nonlinearity=nl, generator=g)
        std_n = w.std().item()
        nn.init.kaiming_uniform_(w, a=a, mode=mode, nonlinearity=nl, generator=g)
        print(f"kaiming {mode} {nl} a={a}: normal std {std_n:.5f} uniform max {w.abs().max().item():.5f}")
lin = torch.empty(100, 50)
nn.init.xavier_uniform_(lin, gain=nn.init.calculate_gain("tanh"), generator=g)
print("xavier uniform bound", f"{lin.abs().max().item():.5f}", f"{math.sqrt(6 / 150) * 5 / 3:.5f}")
nn.init.xavier_normal_(lin, gain=2.0, generator=g)
print("xavier normal std", f"{lin.std().item():.5f}")
t = torch.empty(2000)
nn.init.trunc_normal_(t, mean=1.0, std=2.0, a=-1.0, b=2.0, generator=g)
print("trunc normal", f"{t.min().item():.5f}", f"{t.max().item():.5f}", f"{t.mean().item():.5f}")
for shape in [(6, 3), (3, 6), (4, 2, 3)]:
    q = torch.empty(*shape)
    nn.init.orthogonal_(q, gain=1.5, generator=g)
    flat = q.reshape(shape[0], -1)
    gram = flat @ flat.T if shape[0] <= flat.shape[1] else flat.T @ flat
    print("orthogonal", shape, torch.allclose(gram, 2.25 * torch.eye(gram.shape[0]), atol=1e-5), f"{q.sum().item():.5f}")
sp = torch.empty(10, 4)
nn.init.sparse_(sp, sparsity=0.3, std=0.5, generator=g)
print("sparse zeros per column", (sp == 0).sum(0).tolist())
d = torch.empty(4, 2, 3, 3)
nn.init.dirac_(d, groups=2)
print("dirac groups", d[:, :, 1, 1].tolist(), d.sum().item())
print("eye", nn.init.eye_(torch.empty(2, 3)).tolist())
print("fills", nn.init.constant_(torch.empty(3), 0.25).tolist(), nn.init.ones_(torch.empty(2)).tolist(),
      nn.init.zeros_(torch.empty(2)).tolist())
print("uniform gen", nn.init.uniform_(torch.empty(3), -2, 2, generator=torch.Generator().manual_seed(1)).tolist())
print("normal gen", nn.init.normal_(torch.empty(3), 5, 0.1, generator=torch.Generator().manual_seed(1)).tolist())


def depth_probe(init, act, depth=20, width=128):
    torch.manual_seed(3)
    h = torch.randn(256, width)
    stds = []
    for _ in range(depth):
        layer = nn.Linear(width, width, bias=False)
        init(layer.weight)
        h = act(layer(h))
        stds.append(h.std().item())
    return stds


schemes = {
    "default": lambda w: None,
    "xavier": lambda w: nn.init.xavier_normal_(w),
    "kaiming": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "selu": lambda w: nn.init.kaiming_normal_(w, nonlinearity="linear"),
}
for name, init in schemes.items():
    for act_name, act in [("relu", torch.relu), ("tanh", torch.tanh), ("selu", torch.selu)]:
        stds = depth_probe(init, act)
        print(f"{name:8s} {act_name:5s} std@5 {stds[4]:.5f} std@20 {stds[-1]:.6f}")

torch.manual_seed(4)
lin = nn.Linear(30, 10)
bound = 1 / math.sqrt(30)
print("Linear default within bound", lin.weight.abs().max().item() <= bound, lin.bias.abs().max().item() <= bound)
conv = nn.Conv2d(3, 8, 5)
print("Conv default bound", f"{conv.weight.abs().max().item():.5f}", f"{1 / math.sqrt(75):.5f}")
emb = nn.Embedding(1000, 16)
print("Embedding std", f"{emb.weight.std().item():.4f}")
rnn = nn.GRU(4, 10)
print("GRU bound", f"{max(p.abs().max().item() for p in rnn.parameters()):.5f}", f"{1 / math.sqrt(10):.5f}")
