"""How scripts mix tensors with plain Python and numpy: f-string formatting of 0-d tensors (f"{loss:.4f}",
f"{acc:5.1%}", format specs on ints and bools), str/repr inside lists and dicts, int()/float()/bool()/
round()/abs()/divmod on tensors, a 0-d tensor as a list index, range bound and slice bound (__index__),
len() and iteration over rows, `in`, builtins sum/max/min/sorted/any/all on tensors and lists of
tensors, truth values (and the error for many elements), comparisons with Python numbers, numpy
interop (np.array(t), np.asarray, t.numpy() sharing memory, from_numpy sharing, as_tensor, tensor()
copying, float64 preserved, numpy scalars on either side, np.float32 * tensor), torch.Size as a tuple
(indexing, unpacking, equality with tuples, numel, concatenation), shape arithmetic, x.size(-1),
x.dim(), x.stride() and is_contiguous after transpose, copy.deepcopy / copy.copy of tensors and
modules, tensors as dict keys (by identity), pickling-free hashing, and json of tolist()."""

import copy
import json

import numpy as np
import torch
import torch.nn as nn

loss = torch.tensor(0.123456)
acc = torch.tensor(0.875)
n = torch.tensor(7)
flag = torch.tensor(True)
print(f"loss {loss:.4f} | acc {acc:5.1%} | n {n:3d} | n {n} | flag {flag} | e {loss:.2e} | g {loss:g}")
print(f"{loss!r} {n!s} {loss.item():.3f} {float(loss):.6f}")
print("in list", [loss, n], {"k": acc})
print("int float bool", int(n), int(torch.tensor(3.9)), int(torch.tensor(-3.9)), float(n), bool(flag),
      bool(torch.tensor(0.0)), bool(torch.tensor([1])))
print("round", round(torch.tensor(2.567).item(), 2), round(float(torch.tensor(2.5))), abs(torch.tensor(-2.0)))
items = ["a", "b", "c", "d"]
print("index", items[torch.tensor(2)], items[n - 5], list(range(torch.tensor(3))), items[torch.tensor(1):n - 4])
m = torch.arange(12).reshape(3, 4)
print("len", len(m), [row.sum().item() for row in m], [int(v) for v in m[0]])
print("in", 5 in m, 20 in m, torch.tensor(3) in m)
print("sum builtin", sum(torch.tensor([1.0, 2.0, 3.0])), sum([torch.tensor(1.0), torch.tensor(2.5)]),
      max(torch.tensor([3, 9, 2])), min([torch.tensor(2.0), torch.tensor(-1.0)]))
print("sorted", sorted(torch.tensor([3, 1, 2])), any(torch.tensor([0, 0, 1])), all(torch.tensor([1, 1, 0])))
try:
    bool(torch.tensor([1, 2]))
except RuntimeError as e:
    print("ambiguous:", e)
print("compare", loss < 0.5, (loss < 0.5).item(), 0.1 < loss, loss == 0.123456, n >= 7, type(n > 3).__name__)
a = np.array([1.5, 2.5])
t = torch.from_numpy(a)
a[0] = 10.0
print("from_numpy shares", t.tolist(), t.dtype == torch.float64)
t2 = torch.tensor(a)
a[1] = -1.0
print("tensor copies", t2.tolist(), torch.as_tensor(a).tolist(), torch.as_tensor([1, 2]).dtype == torch.int64)
back = t.numpy()
back[1] = 99.0
print("numpy shares", t.tolist(), np.array(torch.ones(2)).dtype, np.asarray(torch.arange(3)).tolist())
print("numpy scalars", (torch.ones(2) * np.float32(2.0)).tolist(), (torch.ones(2) + np.int64(3)).tolist(),
      (np.float64(2.0) * torch.ones(2)).dtype == torch.float32, (torch.ones(2) * np.float64(0.5)).dtype == torch.float32)
print("float64 math", (torch.tensor([1.0], dtype=torch.float64) * 3).dtype == torch.float64,
      torch.tensor(np.float64(1.5)).dtype == torch.float64, torch.tensor(2.5).dtype == torch.float32,
      torch.tensor([np.float64(1.5), 2.0]).dtype == torch.float64, torch.tensor([np.float32(1), 2.0]).dtype == torch.float32)
print("np mean of tensor", float(np.mean(torch.arange(5.0).numpy())), np.float32(torch.tensor(1.5)))
s = m.shape
print("size", s, s[0], s[-1], tuple(s), s == (3, 4), s == torch.Size([3, 4]), list(s), s.numel(), len(s))
r, c = m.size()
print("unpack", r, c, m.size(-1), m.size(0), m.dim(), m.ndim, m.numel(), m.nelement(), s + (5,), s[1:])
print("new shape", torch.zeros(*s).shape, torch.zeros(s).shape, m.new_zeros(s[0], 2).shape, m.view(-1, 2).shape)
mt = m.t()
print("strides", m.stride(), mt.stride(), mt.is_contiguous(), mt.contiguous().is_contiguous(), m.stride(1),
      m[:, 1:].is_contiguous(), m.expand(2, 3, 4).stride())
w = torch.ones(2, requires_grad=True)
y = w * 3
print("deepcopy leaf", copy.deepcopy(w).requires_grad, copy.deepcopy(w).is_leaf)
try:
    copy.deepcopy(y)
except RuntimeError as e:
    print("deepcopy non-leaf:", str(e)[:80])
lin = nn.Linear(2, 2)
clone = copy.deepcopy(lin)
with torch.no_grad():
    clone.weight.add_(1)
print("deepcopy module independent", not torch.equal(clone.weight, lin.weight), copy.copy(lin).weight is lin.weight)
cache = {w: "weights", y: "output"}
print("dict keys by identity", cache[w], cache[y], len(cache), hash(w) == id(w))
print("json", json.dumps({"m": m[:2].tolist(), "x": torch.tensor([0.5, 0.25]).tolist(), "n": n.item()}))
print("item types", type(n.item()).__name__, type(loss.item()).__name__, type(flag.item()).__name__,
      type(m.tolist()[0][0]).__name__, type(torch.tensor([1.5]).tolist()[0]).__name__)
print("neg zero", torch.tensor(-0.0), -torch.tensor(0.0), torch.tensor([-0.0, 0.0]))
print("bool idx", m[m > 8], m[torch.tensor([True, False, True])].shape, m[[0, 2]].shape, m[..., 1], m[None].shape)
print("zero-dim idx", m[torch.tensor(1)], m[torch.tensor(1), torch.tensor(2)], m[1, -1].item())
