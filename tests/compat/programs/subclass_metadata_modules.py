"""Tensor subclasses with __torch_function__: a metadata-carrying TaggedTensor fed through nn modules
and F.* functions, a logging subclass counting what reaches it, torch.overrides helpers."""
import collections
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.overrides import (is_tensor_method_or_property,
                             resolve_name, wrap_torch_function, has_torch_function)
torch.manual_seed(0)


class TaggedTensor(torch.Tensor):
    @staticmethod
    def __new__(cls, data, tag=None):
        t = torch.Tensor._make_subclass(cls, data, data.requires_grad)
        t.tag = tag
        return t

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        tags = [a.tag for a in args if isinstance(a, TaggedTensor) and hasattr(a, "tag")]
        out = super().__torch_function__(func, types, args, kwargs)
        if isinstance(out, TaggedTensor) and tags:
            out.tag = tags[0]
        return out


x = TaggedTensor(torch.randn(4, 3), tag="batch0")
print(type(x).__name__, x.tag, x.shape)
y = x * 2 + 1
print(type(y).__name__, getattr(y, "tag", None))
lin = nn.Linear(3, 2)
z = lin(x)
print(type(z).__name__, getattr(z, "tag", None), z.shape)
r = F.relu(z)
print(type(r).__name__, getattr(r, "tag", None))
sm = F.softmax(z, dim=-1)
print(type(sm).__name__, sm.sum(-1).tolist())
s = torch.stack([x, x])
print(type(s).__name__, s.shape, getattr(s, "tag", None))
parts = x.split(2)
print([type(p).__name__ for p in parts], [getattr(p, "tag", None) for p in parts])
print(type(x.max(dim=1)).__name__, type(x.max(dim=1).values).__name__)
print(type(x.tolist()).__name__, type(x.sum().item()).__name__)
print(type(x.shape).__name__, type(x.numel()).__name__)
plain = x.as_subclass(torch.Tensor)
print(type(plain).__name__, isinstance(x, torch.Tensor), torch.is_tensor(x))
seq = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.LayerNorm(8), nn.Linear(8, 1))
opt = torch.optim.SGD(seq.parameters(), lr=0.1)
target = torch.randn(4, 1)
for step in range(5):
    opt.zero_grad()
    out = seq(x)
    loss = F.mse_loss(out, target)
    loss.backward()
    opt.step()
    print(step, type(out).__name__, type(loss).__name__, "%.6f" % loss.item())
print(type(seq[0].weight.grad).__name__)

counts = collections.Counter()


class CountingTensor(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        counts[resolve_name(func) or getattr(func, "__name__", str(func))] += 1
        return super().__torch_function__(func, types, args, kwargs or {})


c = torch.randn(3, 3).as_subclass(CountingTensor)
_ = torch.matmul(c, c)
_ = F.gelu(c)
_ = c.mean(0)
_ = torch.where(c > 0, c, torch.zeros(3, 3))
_ = c.t().contiguous()
for k in sorted(counts):
    print(k, counts[k])
print(has_torch_function((c,)), has_torch_function((torch.ones(1),)))
print(is_tensor_method_or_property(torch.Tensor.add), is_tensor_method_or_property(torch.add))
print(resolve_name(torch.nn.functional.relu), resolve_name(torch.Tensor.sum), resolve_name(torch.cat))
print(resolve_name(torch.Tensor.shape.__get__), resolve_name(torch.zeros), resolve_name(torch.linalg.norm), resolve_name(print))
print(is_tensor_method_or_property(torch.Tensor.grad.__get__), is_tensor_method_or_property(F.relu))


@wrap_torch_function(lambda a, b: (a, b))
def my_add(a, b):
    return a + b


class Intercept:
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return "intercepted " + func.__name__


print(my_add(torch.ones(2), torch.ones(2)))
print(my_add(Intercept(), torch.ones(2)))
print(torch.add(Intercept(), 1))
