"""A custom nn.Module tutorial: ModuleList, ModuleDict, ParameterList,
ParameterDict, Sequential from an OrderedDict, register_buffer, named_parameters
and state_dict key printing, parameter counts, children()/modules()/named_modules,
freezing with requires_grad_(False), apply() initialisation and print(model)."""

from collections import OrderedDict

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(5)


class MyBlock(nn.Module):
    def __init__(self, n_layers, width):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(width, width) for _ in range(n_layers)])
        self.acts = nn.ModuleDict({"relu": nn.ReLU(), "lrelu": nn.LeakyReLU(0.1)})
        self.scales = nn.ParameterList([nn.Parameter(torch.ones(width) * (i + 1)) for i in range(n_layers)])
        self.extra = nn.ParameterDict({"shift": nn.Parameter(torch.zeros(width))})
        self.register_buffer("steps", torch.zeros((), dtype=torch.long))
        self.register_buffer("scratch", torch.zeros(2), persistent=False)

    def forward(self, x, act="relu"):
        for layer, s in zip(self.layers, self.scales):
            x = self.acts[act](layer(x) * s)
        self.steps += 1
        return x + self.extra["shift"]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(OrderedDict([
            ("fc", nn.Linear(4, 6)),
            ("bn", nn.BatchNorm1d(6)),
            ("act", nn.ReLU()),
        ]))
        self.block = MyBlock(2, 6)
        self.head = nn.Linear(6, 2, bias=False)

    def forward(self, x):
        return self.head(self.block(self.stem(x), act="lrelu"))


net = Net()
print(net)
for name, p in net.named_parameters():
    print(name, tuple(p.shape), p.requires_grad)
print(list(net.state_dict().keys()))
print("params", sum(p.numel() for p in net.parameters()))
print("trainable", sum(p.numel() for p in net.parameters() if p.requires_grad))
print("buffers", [(n, tuple(b.shape)) for n, b in net.named_buffers()])
print("children", [n for n, _ in net.named_children()])
print("modules", len(list(net.modules())), [n for n, _ in net.named_modules()])
print(net.block.layers[1], len(net.block.layers), net.block.acts["lrelu"])
print(net.stem.fc is net.stem[0], net.stem[-1])
print(net.block.scales)
print(net.block.extra)

x = torch.randn(5, 4)
out = net(x)
print(out)
print("steps", net.block.steps, net.state_dict()["block.steps"])
out.sum().backward()
print(net.head.weight.grad)
print(net.block.scales[1].grad)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 0.1)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
        print("init", m)


net.apply(init_weights)
print(net.stem.fc.weight[0], net.head.weight)

for p in net.stem.parameters():
    p.requires_grad_(False)
print("trainable after freeze", sum(p.numel() for p in net.parameters() if p.requires_grad))
print([n for n, p in net.named_parameters() if not p.requires_grad])
opt = torch.optim.SGD(filter(lambda p: p.requires_grad, net.parameters()), lr=0.1)
print(len(opt.param_groups[0]["params"]))

net.block.layers.append(nn.Linear(6, 6))
net.block.acts["tanh"] = nn.Tanh()
net.block.scales.append(nn.Parameter(torch.full((6,), 0.5)))
print(len(net.block.layers), list(net.block.acts.keys()), len(net.block.scales))
print("params now", sum(p.numel() for p in net.parameters()))
net.eval()
print(net.training, net.block.training, net.stem.bn.training)
with torch.no_grad():
    print(net(x))
sd = net.state_dict()
print(sd["stem.bn.running_mean"], sd["stem.bn.num_batches_tracked"])
net2 = Net()
net2.block.layers.append(nn.Linear(6, 6))
net2.block.scales.append(nn.Parameter(torch.zeros(6)))
print(net2.load_state_dict(sd))
print(torch.equal(net2.block.scales[2], net.block.scales[2]))
res = net2.load_state_dict({k: v for k, v in sd.items() if not k.startswith("head")}, strict=False)
print(res.missing_keys, res.unexpected_keys)
seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
print(seq[0:2], len(seq))
seq.add_module("out", nn.Sigmoid())
print(seq)
print(nn.ModuleList([nn.Identity(), nn.Dropout(0.2)]))
