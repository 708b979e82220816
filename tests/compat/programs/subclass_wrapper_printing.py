"""Tensor subclasses as small scripts write them: the default printing of a subclass (its class name,
grad_fn, requires_grad), a wrapper that unwraps with as_subclass(torch.Tensor) and rewraps, conv2d,
cross_entropy, embedding and layer_norm on subclass inputs, torch.no_grad and in-place methods on a
subclass, torch.Tensor.__torch_function__ called directly, and reductions returning named tuples."""
import torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(0)


class Plain(torch.Tensor):
    pass


p = torch.arange(6.0).view(2, 3).as_subclass(Plain)
print(p)
print(p.requires_grad_())
q = p * 2
print(q)
print(repr(q.sum()), q.detach())


class Wrapped(torch.Tensor):
    calls = 0

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        cls.calls += 1
        kwargs = kwargs or {}
        unwrap = [a.as_subclass(torch.Tensor) if isinstance(a, Wrapped) else a for a in args]
        out = func(*unwrap, **kwargs)
        return out.as_subclass(Wrapped) if type(out) is torch.Tensor else out


x = torch.randn(2, 3, 6, 6).as_subclass(Wrapped)
conv = nn.Conv2d(3, 4, 3)
y = conv(x)
print(type(y).__name__, y.shape, Wrapped.calls > 0)
logits = torch.randn(4, 5).as_subclass(Wrapped)
t = torch.tensor([0, 1, 2, 3])
ce = F.cross_entropy(logits, t)
print(type(ce).__name__, "%.6f" % ce.item())
emb = nn.Embedding(10, 3)
e = emb(torch.tensor([1, 2, 3]).as_subclass(Wrapped))
print(type(e).__name__, e.shape)
ln = F.layer_norm(logits, (5,))
print(type(ln).__name__, ln.mean(-1).abs().max().item() < 1e-6)
with torch.no_grad():
    z = logits * 3
print(type(z).__name__, z.requires_grad)
w = torch.zeros(3).as_subclass(Plain)
w.add_(1).mul_(2)
print(type(w).__name__, w)
mx = p.max(dim=1)
print(type(mx).__name__, type(mx.values).__name__, type(mx.indices).__name__, mx.indices)
srt = torch.sort(p.detach(), dim=1, descending=True)
print(type(srt.values).__name__, srt.indices)
r = torch.Tensor.__torch_function__(torch.add, (Plain,), (p.detach(), 1), {"alpha": 2})
print(type(r).__name__, r)
print(type(torch.Tensor.__torch_function__(torch.Tensor.tolist, (Plain,), (p.detach(),))).__name__)
ch = p.detach().chunk(3, dim=1)
print([type(c).__name__ for c in ch], type(p.detach().unbind(0)).__name__)
print(type(p.detach().numpy()).__name__, type(p.detach()[0, 0].item()).__name__, bool(p.detach().any()))
