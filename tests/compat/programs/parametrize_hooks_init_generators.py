"""nn.init fills drawn from an explicit Generator (uniform, normal, xavier, kaiming, trunc_normal, orthogonal),
gains and fan errors; torch.nn.utils.parametrize: a symmetric weight, caching, right_inverse on assignment,
remove_parametrizations; parametrizations.weight_norm/spectral_norm/orthogonal and the legacy forms'
parameter names; forward pre-hooks and hooks with kwargs, full backward (pre-)hooks, prepend/always_call,
state_dict post hooks and load_state_dict pre/post hooks with strict and shape errors."""

import torch
import math
import torch.nn as nn
import torch.nn.utils.parametrize as P_
from torch.nn.utils.parametrizations import orthogonal, weight_norm as pwn, spectral_norm as psn
from _show import show


g = torch.Generator().manual_seed(5)
w = torch.empty(3, 4)
show("uniform g", lambda: nn.init.uniform_(w, -1, 1, generator=g))
show("normal g", lambda: nn.init.normal_(w, 0, 1, generator=g))
show("xavier g", lambda: nn.init.xavier_uniform_(w, gain=2.0, generator=g))
show("xavier n g", lambda: nn.init.xavier_normal_(w, generator=g))
show("kaiming g", lambda: nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=g))
show("kaiming n g", lambda: nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", generator=g))
show("trunc g", lambda: nn.init.trunc_normal_(w, std=0.5, a=-0.5, b=0.5, generator=g))
show("orth g", lambda: nn.init.orthogonal_(w, generator=g))
show(
    "gain",
    lambda: (
        [nn.init.calculate_gain(n) for n in ["linear", "tanh", "relu", "selu"]]
        + [nn.init.calculate_gain("leaky_relu", 0.2)]
    ),
)
show("gain bad", lambda: nn.init.calculate_gain("foo"))
show("fan empty", lambda: nn.init.xavier_uniform_(torch.empty(3)))


class Sym(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


torch.manual_seed(0)
lin = nn.Linear(3, 3)
P_.register_parametrization(lin, "weight", Sym())
print(lin)
show("param names", lambda: [n for n, _ in lin.named_parameters()])
show("sd keys", lambda: list(lin.state_dict().keys()))
show("is param", lambda: (P_.is_parametrized(lin), P_.is_parametrized(lin, "bias"), type(lin).__name__))
show("sym", lambda: torch.allclose(lin.weight, lin.weight.T))
with P_.cached():
    show("cached", lambda: lin.weight is lin.weight)
show("uncached", lambda: lin.weight is lin.weight)


class Pos(nn.Module):
    def forward(self, X):
        return X.exp()

    def right_inverse(self, Y):
        return Y.log()


lin2 = nn.Linear(2, 2)
P_.register_parametrization(lin2, "bias", Pos())
lin2.bias = torch.tensor([1.0, 2.0])
show("right inverse", lambda: (lin2.bias, lin2.parametrizations.bias.original))
P_.remove_parametrizations(lin, "weight", leave_parametrized=True)
show("removed", lambda: ([n for n, _ in lin.named_parameters()], type(lin).__name__))

torch.manual_seed(0)
l3 = pwn(nn.Linear(3, 2))
print(l3)
show("pwn keys", lambda: list(l3.state_dict().keys()))
show("pwn g", lambda: l3.parametrizations.weight.original0)
l4 = psn(nn.Linear(3, 2))
show("psn keys", lambda: list(l4.state_dict().keys()))
l5 = orthogonal(nn.Linear(3, 3))
show("orth", lambda: torch.allclose(l5.weight @ l5.weight.T, torch.eye(3), atol=1e-5))
show("orth keys", lambda: list(l5.state_dict().keys()))
old = nn.utils.weight_norm(nn.Linear(3, 2))
show("old wn", lambda: [n for n, _ in old.named_parameters()])
old2 = nn.utils.spectral_norm(nn.Linear(3, 2))
show("old sn", lambda: ([n for n, _ in old2.named_parameters()], [n for n, _ in old2.named_buffers()]))
# hooks
m = nn.Linear(2, 2)


def pre(mod, args, kwargs):
    print("pre kwargs", sorted(kwargs), len(args))
    return args, kwargs


h = m.register_forward_pre_hook(pre, with_kwargs=True)


def fwd(mod, args, kwargs, out):
    print("fwd kwargs", sorted(kwargs))
    return out * 2


h2 = m.register_forward_hook(fwd, with_kwargs=True)


class K(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(2, 2)

    def forward(self, x, scale=1.0):
        return self.l(x) * scale


k = K()
k.register_forward_pre_hook(pre, with_kwargs=True)
k.register_forward_hook(fwd, with_kwargs=True)
show("kw call", lambda: k(torch.ones(1, 2), scale=3.0).shape)


def bh(mod, gin, gout):
    print("bh", [None if g is None else tuple(g.shape) for g in gin], [tuple(g.shape) for g in gout])


k.register_full_backward_hook(bh)


def bph(mod, gout):
    print("bph", [tuple(g.shape) for g in gout])


k.register_full_backward_pre_hook(bph)
x = torch.ones(1, 2, requires_grad=True)
k(x, scale=2.0).sum().backward()
show("x grad", lambda: x.grad.shape)
show("prepend", lambda: m.register_forward_hook(lambda *a: None, prepend=True).id > h2.id)
show("always call", lambda: m.register_forward_hook(lambda *a: None, always_call=True) is not None)
sdh = m.register_state_dict_post_hook(
    lambda mod, sd, prefix, local: sd.update({prefix + "extra": torch.ones(1)})
)
show("sd post hook", lambda: list(m.state_dict().keys()))
show(
    "load pre hook",
    lambda: (
        m.register_load_state_dict_pre_hook(lambda mod, sd, prefix, *a: print("load pre", prefix, sorted(sd)))
        is not None
    ),
)
show("load", lambda: m.load_state_dict({"weight": torch.zeros(2, 2), "bias": torch.zeros(2)}, strict=False))
show("load strict", lambda: m.load_state_dict({"weight": torch.zeros(2, 2)}))
show("load shape", lambda: m.load_state_dict({"weight": torch.zeros(3, 2), "bias": torch.zeros(2)}))
show(
    "load post hook",
    lambda: (
        m.register_load_state_dict_post_hook(lambda mod, keys: keys.missing_keys.clear()),
        m.load_state_dict({"weight": torch.zeros(2, 2)}),
    )[1],
)
