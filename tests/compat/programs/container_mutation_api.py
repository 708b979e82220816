"""The container API a model-surgery notebook uses: Sequential slicing, negative and out-of-range indexing,
append/insert/extend/pop/del, + and * of Sequentials, OrderedDict names; ModuleList insert/pop/extend/+/
slices/assignment and its missing forward; ModuleDict order, update, pop, clear and a bad key; ParameterList
and ParameterDict (plain tensors wrapped as Parameters, setdefault, fromkeys, |, update) and their reprs;
nested and empty containers' reprs, repeated-block summaries, and Module attribute errors."""

import torch
import collections
import torch.nn as nn
from _show import show


torch.manual_seed(0)
s = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
show("slice", lambda: s[1:])
show("slice type", lambda: type(s[::2]).__name__)
show("neg", lambda: s[-1])
show("oob", lambda: s[5])
show("append", lambda: s.append(nn.Sigmoid()))
show("insert", lambda: s.insert(1, nn.Dropout(0.2)))
show("extend", lambda: s.extend([nn.Identity()]))
show("pop", lambda: s.pop(1))
show("del", lambda: (s.__delitem__(0), s)[1])
show("len in", lambda: (len(s), s[0] in s, nn.ReLU() in s))
show("add", lambda: nn.Sequential(nn.ReLU()) + nn.Sequential(nn.Tanh()))
show("mul", lambda: nn.Sequential(nn.ReLU()) * 2)
show("rmul", lambda: 2 * nn.Sequential(nn.ReLU()))
show("iadd", lambda: (lambda q: (q.__iadd__(nn.Sequential(nn.Tanh())), q)[1])(nn.Sequential(nn.ReLU())))
show("setitem", lambda: (lambda q: (q.__setitem__(0, nn.GELU()), q)[1])(nn.Sequential(nn.ReLU(), nn.Tanh())))
show(
    "od keys",
    lambda: list(
        nn.Sequential(collections.OrderedDict([("a", nn.ReLU()), ("b", nn.Tanh())]))._modules.keys()
    ),
)
show("od getitem str", lambda: nn.Sequential(collections.OrderedDict([("a", nn.ReLU())]))["a"])
ml = nn.ModuleList([nn.Linear(1, 1), nn.ReLU()])
show("ml insert", lambda: (ml.insert(0, nn.Tanh()), ml)[1])
show("ml pop", lambda: ml.pop(-1))
show("ml extend", lambda: ml.extend([nn.ELU()]) is ml)
show("ml add", lambda: type(ml + nn.ModuleList([nn.ReLU()])).__name__)
show("ml slice", lambda: ml[1:])
show("ml setitem", lambda: (ml.__setitem__(0, nn.SiLU()), ml)[1])
show("ml call", lambda: ml(torch.ones(1)))
show("ml del", lambda: (ml.__delitem__(slice(0, 1)), ml)[1])
md = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Tanh()})
show("md order", lambda: list(md.keys()))
show("md update", lambda: (md.update([("c", nn.ELU())]), list(md))[1])
show("md pop", lambda: md.pop("b"))
show("md items", lambda: [(k, type(v).__name__) for k, v in md.items()])
show("md contains", lambda: ("a" in md, len(md)))
show("md clear", lambda: (md.clear(), md)[1])
show("md bad key", lambda: md["zz"])
pl = nn.ParameterList([nn.Parameter(torch.ones(2)), torch.zeros(3)])
show("pl types", lambda: [type(p).__name__ for p in pl])
show("pl append", lambda: pl.append(nn.Parameter(torch.ones(1))))
show("pl extend", lambda: (pl.extend([torch.ones(4)]), len(pl))[1])
show("pl repr", lambda: pl)
pd = nn.ParameterDict({"w": torch.ones(2), "s": nn.Parameter(torch.zeros(1))})
show("pd repr", lambda: pd)
show("pd keys", lambda: list(pd.keys()))
show("pd setdefault", lambda: pd.setdefault("z", torch.ones(1)).shape)
show("pd pop", lambda: pd.pop("w"))
show("pd get", lambda: pd.get("nope", 5))
show("pd copy", lambda: type(pd.copy()).__name__)
show("pd fromkeys", lambda: list(pd.fromkeys(["q", "r"], torch.ones(1)).keys()))
show("pd |", lambda: list((pd | nn.ParameterDict({"k": torch.ones(1)})).keys()))
show("pd update", lambda: (pd.update({"m": torch.ones(1)}), sorted(pd.keys()))[1])
show("nested", lambda: nn.ModuleDict({"enc": nn.ModuleList([nn.Linear(2, 2)] * 2), "head": nn.Sequential()}))
show(
    "empty seq repr",
    lambda: (nn.Sequential(), nn.ModuleList(), nn.ModuleDict(), nn.ParameterList(), nn.ParameterDict()),
)
show("empty seq call", lambda: nn.Sequential()(torch.ones(2)))


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
        self.act = nn.ReLU()


show("repeated repr", lambda: M())
show(
    "repeated repr 2",
    lambda: nn.Sequential(*[nn.Sequential(nn.Linear(2, 2), nn.ReLU()) for _ in range(3)], nn.Linear(2, 1)),
)
show("module __dir__", lambda: [a for a in dir(nn.Linear(1, 1)) if a in ("weight", "bias", "in_features")])
show("modules count", lambda: len(list(M().modules())))
show("parameters count", lambda: sum(p.numel() for p in M().parameters()))
show("zero_grad", lambda: M().zero_grad())
show("apply", lambda: [type(m).__name__ for m in []] or M().apply(lambda m: None).act)
show("cpu/cuda", lambda: nn.Linear(1, 1).cpu().weight.device)
show("type double", lambda: nn.Linear(1, 1).type(torch.float64).weight.dtype)
show("share_memory", lambda: type(nn.Linear(1, 1).share_memory()).__name__)
show("__call__ kwargs", lambda: nn.Linear(1, 1)(input=torch.ones(1)).shape)
show("forward missing", lambda: nn.Module()(torch.ones(1)))
show("getattr missing", lambda: nn.Linear(1, 1).nope)
