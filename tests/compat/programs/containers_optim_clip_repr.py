"""A model assembled from an OrderedDict Sequential around a block holding a ParameterList, ParameterDict,
ModuleDict, a non-persistent buffer and a custom extra_repr: its print, state_dict keys, named_modules/
named_parameters with prefixes and remove_duplicate for a tied layer, get_submodule/get_parameter/
get_buffer; optimizer reprs (SGD, Adam with groups and amsgrad, AdamW, RMSprop, Adagrad), a few Adam steps,
its state_dict, add_param_group (and a duplicate), then clip_grad_norm_ with inf norm, error_if_nonfinite
and NaN gradients, clip_grad_value_, get_total_norm and parameters_to_vector."""

import torch
import collections
import torch.nn as nn
from _show import show


torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)
        self.register_buffer("steps", torch.zeros(()), persistent=False)
        self.register_buffer("scale", torch.ones(3))
        self.plist = nn.ParameterList([nn.Parameter(torch.ones(2)), nn.Parameter(torch.zeros(2, 2))])
        self.pdict = nn.ParameterDict({"a": nn.Parameter(torch.ones(1)), "b": nn.Parameter(torch.ones(2))})
        self.md = nn.ModuleDict({"act": nn.ReLU(), "drop": nn.Dropout(0.1)})

    def extra_repr(self):
        return "custom=1"

    def forward(self, x):
        return self.md["act"](self.lin(x)) * self.scale


m = nn.Sequential(
    collections.OrderedDict(
        [("blk", Block()), ("head", nn.Linear(3, 1)), ("seq", nn.Sequential(nn.Tanh(), nn.Identity()))]
    )
)
print(m)
show("sd keys", lambda: list(m.state_dict().keys()))
show("named_modules", lambda: [n for n, _ in m.named_modules(prefix="root")])
show("named_params", lambda: [n for n, _ in m.named_parameters(prefix="p", recurse=True)])
show("named_buffers", lambda: [n for n, _ in m.named_buffers()])
show("named_children", lambda: [n for n, _ in m.named_children()])
shared = nn.Linear(2, 2)
tied = nn.Sequential(shared, shared)
show("dup modules", lambda: [n for n, _ in tied.named_modules()])
show("dup modules no rm", lambda: [n for n, _ in tied.named_modules(remove_duplicate=False)])
show("dup params", lambda: [n for n, _ in tied.named_parameters(remove_duplicate=False)])
show("sd tied", lambda: list(tied.state_dict().keys()))
show("get_submodule", lambda: m.get_submodule("blk.md.act"))
show("get_parameter", lambda: m.get_parameter("blk.plist.1").shape)
show("get_buffer", lambda: m.get_buffer("blk.scale"))
show("get_submodule bad", lambda: m.get_submodule("blk.nope"))
opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
print(opt)
opt2 = torch.optim.Adam(
    [{"params": m[0].parameters()}, {"params": m[1].parameters(), "lr": 0.01}], lr=1e-3, amsgrad=True
)
print(opt2)
opt3 = torch.optim.AdamW(m.parameters(), foreach=False)
print(opt3)
print(torch.optim.RMSprop(m.parameters()))
print(torch.optim.Adagrad(m.parameters()))
x = torch.randn(4, 3)
for step in range(3):
    loss = m(x).pow(2).mean()
    loss.backward()
    opt2.step()
    opt2.zero_grad()
    print("step", step, loss.item())
sd = opt2.state_dict()
show("opt sd groups", lambda: sd["param_groups"])
show("opt sd state keys", lambda: list(sd["state"].keys()))
show("opt state entry", lambda: sorted(sd["state"][0].keys()))
show("opt state step", lambda: sd["state"][0]["step"])
opt2.add_param_group({"params": [nn.Parameter(torch.ones(2))], "lr": 0.5})
show("groups after add", lambda: [(g["lr"], len(g["params"]), g["amsgrad"]) for g in opt2.param_groups])
show("add dup", lambda: opt2.add_param_group({"params": m[1].parameters()}))
show(
    "clip inf",
    lambda: (m(x).sum().backward(), nn.utils.clip_grad_norm_(m.parameters(), 1.0, norm_type="inf"))[1],
)
show("clip 2", lambda: nn.utils.clip_grad_norm_(m.parameters(), 0.5))
show(
    "clip nonfinite",
    lambda: (
        setattr(m[1].weight, "grad", torch.full_like(m[1].weight, float("nan"))),
        nn.utils.clip_grad_norm_(m.parameters(), 1.0, error_if_nonfinite=True),
    )[1],
)
show("clip nonfinite quiet", lambda: nn.utils.clip_grad_norm_(m.parameters(), 1.0))
show("clip value", lambda: nn.utils.clip_grad_value_(m.parameters(), 0.1))
show("clip empty", lambda: nn.utils.clip_grad_norm_([], 1.0))
show("get_total_norm", lambda: nn.utils.get_total_norm([torch.ones(3), torch.ones(4)]))
show("p2v", lambda: nn.utils.parameters_to_vector(m[1].parameters()).shape)
