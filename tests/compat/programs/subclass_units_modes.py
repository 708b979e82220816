"""A units-carrying Tensor subclass (meters/seconds checked in add, combined in mul/div) used through
torch.* and F.* functions, DisableTorchFunctionSubclass, and
what subclass results survive: clone/detach/to/indexing, a subclass Parameter trained with
Adam."""
import torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(0)


class Quantity(torch.Tensor):
    @staticmethod
    def __new__(cls, data, unit=""):
        t = torch.Tensor._make_subclass(cls, torch.as_tensor(data), False)
        t.unit = unit
        return t

    def __repr__(self):
        return f"Quantity({self.tolist()}, unit={getattr(self, 'unit', '?')!r})"

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        units = [a.unit for a in args if isinstance(a, Quantity) and hasattr(a, "unit")]
        name = getattr(func, "__name__", "")
        if name in ("add", "sub", "__add__", "__sub__") and len(set(units)) > 1:
            raise ValueError(f"unit mismatch in {name}: {units}")
        with torch._C.DisableTorchFunctionSubclass():
            out = func(*args, **kwargs)
        if not isinstance(out, torch.Tensor):
            return out
        out = out.as_subclass(cls)
        if name in ("mul", "__mul__"):
            out.unit = "*".join(units)
        elif name in ("div", "__truediv__"):
            out.unit = "/".join(units) if len(units) == 2 else (units[0] if units else "")
        else:
            out.unit = units[0] if units else ""
        return out


d = Quantity([1.0, 2.0, 3.0], "m")
t = Quantity([2.0, 2.0, 4.0], "s")
print(d + d, d * t, d / t, d * 3, d.sum(), torch.mean(d))
try:
    d + t
except ValueError as e:
    print("ValueError:", e)
print(type(d.clone()).__name__, d.clone().unit, type(d.detach()).__name__, type(d[1:]).__name__, d[1:].unit)
print(type(d.to(torch.float64)).__name__, d.to(torch.float64).dtype)
print(F.relu(d - Quantity([2.0, 2.0, 2.0], "m")), torch.stack([d, d]).shape)
print(isinstance(d.tolist(), list), d.numel(), len(d), d.dim())


lin = nn.Linear(3, 2)
x = torch.randn(4, 3)


class Tracked(torch.Tensor):
    pass


w = nn.Parameter(torch.randn(3, 2).as_subclass(Tracked))
print(type(w).__name__, isinstance(w, nn.Parameter), isinstance(w, Tracked), w.requires_grad)
opt = torch.optim.Adam([w], lr=0.1)
for step in range(4):
    opt.zero_grad()
    loss = (x @ w).pow(2).mean()
    loss.backward()
    opt.step()
    print(step, "%.6f" % loss.item(), type(loss).__name__, type(w.grad).__name__)
print(type(w).__name__, w.data.__class__.__name__)
