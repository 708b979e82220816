"""Weight initialisation the way courses demonstrate it: each nn.init function on
a fresh weight with its mean/std/min/max printed, calculate_gain values, small
weights printed whole, fan-in/fan-out modes, activations' std through a deep
tanh/ReLU stack under different inits, and re-initialising a model's layers."""

import math

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(2024)


def stats(name, t):
    print(f"{name:>16}: mean {t.mean().item():+.4f} std {t.std().item():.4f} "
          f"min {t.min().item():+.4f} max {t.max().item():+.4f}")


for nl in ["linear", "conv2d", "sigmoid", "tanh", "relu", "selu"]:
    print(nl, nn.init.calculate_gain(nl))
print("leaky_relu", nn.init.calculate_gain("leaky_relu", 0.2))

w = torch.empty(64, 128)
stats("uniform_", nn.init.uniform_(w, a=-0.5, b=0.5))
stats("normal_", nn.init.normal_(w, mean=1.0, std=0.02))
stats("constant_", nn.init.constant_(w, 0.3))
stats("xavier_uniform", nn.init.xavier_uniform_(w))
print("xavier bound", math.sqrt(6 / (64 + 128)))
stats("xavier_normal", nn.init.xavier_normal_(w, gain=nn.init.calculate_gain("tanh")))
stats("kaiming_uniform", nn.init.kaiming_uniform_(w, a=math.sqrt(5)))
stats("kaiming_normal", nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu"))
stats("kaiming_fan_in", nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="relu"))
stats("trunc_normal", nn.init.trunc_normal_(w, std=0.02, a=-0.04, b=0.04))
stats("orthogonal", nn.init.orthogonal_(w))
q = nn.init.orthogonal_(torch.empty(4, 6))
print("orthogonal rows", torch.allclose(q @ q.T, torch.eye(4), atol=1e-5))
s = nn.init.sparse_(torch.empty(10, 6), sparsity=0.5)
print("sparse zeros per column", (s == 0).sum(0))

small = torch.empty(3, 4)
print(nn.init.uniform_(small))
print(nn.init.normal_(small, std=0.1))
print(nn.init.ones_(small))
print(nn.init.zeros_(small))
print(nn.init.eye_(torch.empty(3, 4)))
print(nn.init.dirac_(torch.empty(2, 2, 3)))
print(nn.init.xavier_uniform_(torch.empty(2, 3)))
print(nn.init.kaiming_uniform_(torch.empty(3, 2), nonlinearity="relu"))

lin = nn.Linear(100, 50)
bound = 1 / math.sqrt(100)
print("default linear within bound", bool(lin.weight.abs().max() <= bound), bool(lin.bias.abs().max() <= bound))
conv = nn.Conv2d(3, 8, 3)
stats("default conv", conv.weight)
print("conv fan_in bound", 1 / math.sqrt(3 * 9))

x = torch.randn(256, 100)
for init_name in ["default", "xavier", "kaiming"]:
    torch.manual_seed(0)
    layers = []
    for _ in range(6):
        l = nn.Linear(100, 100)
        if init_name == "xavier":
            nn.init.xavier_normal_(l.weight)
            nn.init.zeros_(l.bias)
        elif init_name == "kaiming":
            nn.init.kaiming_normal_(l.weight, nonlinearity="relu")
            nn.init.zeros_(l.bias)
        layers += [l, nn.ReLU()]
    net = nn.Sequential(*layers)
    h = x
    stds = []
    with torch.no_grad():
        for m in net:
            h = m(h)
            if isinstance(m, nn.ReLU):
                stds.append(round(h.std().item(), 3))
    print(f"{init_name:>8} activation stds {stds}")


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


torch.manual_seed(1)
netG = nn.Sequential(nn.ConvTranspose2d(8, 4, 4, 2, 1, bias=False), nn.BatchNorm2d(4), nn.ReLU(True),
                     nn.Conv2d(4, 1, 3, padding=1))
netG.apply(weights_init)
stats("convT weight", netG[0].weight)
print(netG[1].weight, netG[1].bias)
stats("conv weight", netG[3].weight)
with torch.no_grad():
    out = netG(torch.randn(2, 8, 3, 3))
print(out.shape, f"{out.mean().item():.6f} {out.std().item():.6f}")
emb = nn.Embedding(5, 3, padding_idx=0)
print(emb.weight[0], emb.weight.shape)
nn.init.uniform_(emb.weight, -0.1, 0.1)
print(emb.weight)
