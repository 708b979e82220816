"""Module bookkeeping as library code and notebooks do it, printed: a module holding ModuleDict,
ParameterList, ParameterDict, persistent and non-persistent buffers and None registrations, then
edited in place (ModuleDict update/pop, ParameterList append/extend, ParameterDict set/pop, ModuleList
insert/append/del/slice, Sequential add_module/append/del/insert/pop with given names), state_dict
keys, load_state_dict(strict=False) reports, buffer deletion and re-registration by assignment, a
tied embedding/output pair, named_modules/children, and a short training run of the edited model
whose state_dict round-trips into a fresh copy."""

import copy
from collections import OrderedDict

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleDict({"a": nn.Linear(2, 3), "b": nn.ReLU()})
        self.plist = nn.ParameterList([nn.Parameter(torch.ones(2)), nn.Parameter(torch.zeros(3))])
        self.pdict = nn.ParameterDict({"s": nn.Parameter(torch.tensor(1.0))})
        self.register_buffer("running", torch.zeros(2))
        self.register_buffer("tmp", torch.ones(1), persistent=False)
        self.register_parameter("extra", None)
        self.register_buffer("nothing", None)
net = Net()
print(net)
print(list(net.state_dict().keys()))
print([n for n, _ in net.named_buffers()], [n for n, _ in net.named_parameters()])
net.blocks["c"] = nn.Tanh()
net.blocks.update({"d": nn.Linear(3, 1)})
print(net.blocks.pop("b"), list(net.blocks.keys()))
net.plist.append(nn.Parameter(torch.full((1,), 2.0)))
net.plist.extend([nn.Parameter(torch.ones(1))])
print(len(net.plist), net.plist[-2], net.plist)
net.pdict["t"] = nn.Parameter(torch.ones(2, 2))
print(net.pdict, list(net.pdict.keys()), net.pdict.pop("s"))
print(net)
ml = nn.ModuleList([nn.Linear(1, 1) for _ in range(3)])
ml.insert(1, nn.ReLU())
ml.append(nn.Sigmoid())
del ml[0]
print(ml, ml[1:3], len(ml))
ml[0] = nn.GELU()
print(ml)
seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
seq.add_module("out", nn.Linear(2, 1))
seq.append(nn.Sigmoid())
print(seq, seq[-1], seq[:2], seq.fc)
del seq[1]
print(seq)
seq.insert(1, nn.Tanh())
print(seq, len(seq))
print(seq.pop(0))
print(seq)
res = net.load_state_dict({"running": torch.ones(2)}, strict=False)
print(res)
print(res.missing_keys[:3], res.unexpected_keys)
sd = net.state_dict()
print(type(sd).__name__, sd["running"], "tmp" in sd)
net.tmp += 1
print(net.tmp, net.get_buffer("running"), net.get_parameter("plist.0"))
delattr(net, "running")
print([n for n, _ in net.named_buffers()])
net.running = torch.zeros(3)
print([n for n, _ in net.named_buffers()], "running" in net.state_dict())
tied = nn.Sequential(nn.Embedding(5, 3), nn.Linear(3, 5, bias=False))
tied[1].weight = tied[0].weight
print(len(list(tied.parameters())), len(list(tied.named_parameters(remove_duplicate=False))), list(tied.state_dict().keys()))
print(sum(p.numel() for p in tied.parameters()))
print([n for n, m in net.named_modules()], [n for n, m in net.named_children()])
print(net.extra, net.nothing)
print(net.extra_repr(), nn.Linear(2, 3).extra_repr())
net.requires_grad_(False)
print([p.requires_grad for p in net.parameters()][:2])
net.zero_grad()
print(net.training, net.eval().training)
print(nn.ModuleDict({"x": nn.Linear(1, 1)}).items())
print(nn.ParameterList([torch.ones(2)])[0].__class__.__name__)

# a short training run through the edited containers, then a state_dict round trip
torch.manual_seed(1)
model = nn.Module()
model.body = nn.ModuleDict({"inp": nn.Linear(4, 8), "act": nn.Tanh()})
model.heads = nn.ModuleList([nn.Linear(8, 1) for _ in range(2)])
model.scales = nn.ParameterList([nn.Parameter(torch.ones(1)) for _ in range(2)])
model.register_buffer("step_count", torch.zeros((), dtype=torch.long))
model.register_buffer("scratch", torch.zeros(4), persistent=False)
model.heads.append(nn.Linear(8, 1))
model.scales.append(nn.Parameter(torch.ones(1)))
X = torch.randn(32, 4)
Y = X.sum(1, keepdim=True)


def run(m, x):
    h = m.body["act"](m.body["inp"](x))
    return sum(s * head(h) for s, head in zip(m.scales, m.heads)) / len(m.heads)


opt = torch.optim.Adam(model.parameters(), lr=0.05)
for step in range(40):
    loss = (run(model, X) - Y).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    model.step_count += 1
    if step % 10 == 9:
        print(f"step {step + 1} loss {loss.item():.5f}")
sd = model.state_dict()
print(list(sd.keys()))
clone = copy.deepcopy(model)
for p in clone.parameters():
    p.data.zero_()
print(clone.load_state_dict(sd))
print("clone agrees", torch.equal(run(clone, X), run(model, X)), clone.step_count.item())
