"""Lazy modules and newer module conveniences as a model-building notebook uses them: LazyLinear,
LazyConv1d/2d/3d, LazyConvTranspose1d/2d, LazyBatchNorm1d/2d, LazyInstanceNorm2d (reprs before and
after the first call, parameter counts, state_dict, an optimizer built afterwards), nn.Buffer,
non-persistent buffers, get_submodule/get_parameter/get_buffer, and a custom RNN cell on
nn.RNNCellBase."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

net = nn.Sequential(nn.LazyConv2d(4, 3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU(), nn.LazyInstanceNorm2d(affine=True),
                    nn.Flatten(), nn.LazyLinear(5))
print(net)
print("has uninitialized", nn.parameter.is_lazy(net[0].weight), type(net[0].weight).__name__)
x = torch.linspace(-1, 1, 2 * 3 * 6 * 6).reshape(2, 3, 6, 6)
out = net(x)
print(net)
print("materialized", type(net[0].weight).__name__, tuple(net[0].weight.shape), tuple(net[5].weight.shape),
      nn.parameter.is_lazy(net[0].weight))
print("params", sum(p.numel() for p in net.parameters()), "out", tuple(out.shape))
print("state keys", list(net.state_dict().keys()))
print("bn running_mean", [round(v, 5) for v in net[1].running_mean.tolist()])

lazy1d = nn.LazyConv1d(6, kernel_size=3, stride=2)
lazy_t1 = nn.LazyConvTranspose1d(3, kernel_size=4, stride=2, padding=1)
lazy_t2 = nn.LazyConvTranspose2d(2, 3, stride=2, output_padding=1)
lazy3d = nn.LazyConv3d(2, 2)
lbn1 = nn.LazyBatchNorm1d()
print(lazy1d, lazy_t1, lazy_t2, lazy3d, lbn1, sep="\n")
s = torch.sin(torch.arange(2 * 4 * 11.0)).reshape(2, 4, 11)
print("conv1d", tuple(lazy1d(s).shape), "convT1d", tuple(lazy_t1(lazy1d(s)).shape), "bn1d", tuple(lbn1(s).shape))
print("convT2d", tuple(lazy_t2(x).shape), "conv3d", tuple(lazy3d(x.unsqueeze(0)).shape))
print(lazy1d, lazy_t1, lazy_t2, lazy3d, lbn1, sep="\n")
print("in_channels", lazy1d.in_channels, lazy_t1.in_channels, lazy_t2.weight.shape, lbn1.num_features)

torch.manual_seed(1)
model = nn.Sequential(nn.LazyLinear(8), nn.Tanh(), nn.LazyLinear(1))
data = torch.linspace(-2, 2, 40).reshape(20, 2)
target = (data[:, :1] * data[:, 1:]).sin()
model(data)  # materialize before the optimizer sees the parameters
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for step in range(40):
    opt.zero_grad()
    loss = F.mse_loss(model(data), target)
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"lazy mlp step {step + 1} | loss {loss.item():.6f}")


class Normalizer(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.mean = nn.Buffer(torch.zeros(n))
        self.scratch = nn.Buffer(torch.ones(n), persistent=False)
        self.register_buffer("count", torch.tensor(0))
        self.register_buffer("cache", None)

    def forward(self, v):
        if self.training:
            with torch.no_grad():
                self.count += 1
                self.mean.mul_(1 - 1 / self.count.item()).add_(v.mean(0) / self.count.item())
        return v - self.mean


norm = Normalizer(3)
print(norm, type(norm.mean).__name__, isinstance(norm.mean, torch.Tensor), norm.mean.requires_grad)
for k in range(3):
    norm(torch.arange(6.0).reshape(2, 3) * (k + 1))
print("buffers", [(n, b.tolist()) for n, b in norm.named_buffers()])
print("state_dict keys", list(norm.state_dict().keys()))
norm2 = Normalizer(3)
print("load", norm2.load_state_dict(norm.state_dict()), norm2.mean.tolist(), norm2.scratch.tolist())
holder = nn.Module()
holder.extra = nn.Buffer(torch.tensor([1.0, 2.0]))
print("plain module buffer", list(dict(holder.named_buffers()).keys()))

big = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3)))
print(big.get_submodule("1.0"), tuple(big.get_parameter("1.0.weight").shape),
      big.get_buffer("1.1.running_var").tolist())
try:
    big.get_submodule("1.5")
except AttributeError:
    print("missing submodule AttributeError")


class MinGRUCell(nn.RNNCellBase):
    def __init__(self, input_size, hidden_size):
        super().__init__(input_size, hidden_size, bias=True, num_chunks=2)

    def forward(self, inp, hx=None):
        if hx is None:
            hx = inp.new_zeros(inp.size(0), self.hidden_size)
        gates = F.linear(inp, self.weight_ih, self.bias_ih) + F.linear(hx, self.weight_hh, self.bias_hh)
        z, h_tilde = gates.chunk(2, 1)
        z = torch.sigmoid(z)
        return (1 - z) * hx + z * torch.tanh(h_tilde)


torch.manual_seed(2)
cell = MinGRUCell(3, 4)
print(cell, [(n, tuple(p.shape)) for n, p in cell.named_parameters()])
print("cell init std", f"{cell.weight_ih.std().item():.5f}", f"{cell.bias_hh.abs().max().item():.5f}")
h = None
seq = torch.cos(torch.arange(15.0)).reshape(5, 1, 3)
for t in range(5):
    h = cell(seq[t], h)
print("cell final h", [round(v, 5) for v in h[0].tolist()])
