"""Tensor manipulation as people write it in notebooks, printing the tensors
themselves (their repr must read as PyTorch's does): einsum, gather /
scatter_ / scatter_add_ / index_add_ / index_select, masked_fill, where,
topk, sort / argsort, unique(return_counts=True), bincount, cumsum / cumprod,
broadcasting, boolean-mask assignment, in-place ops, view / permute /
contiguous / expand / repeat, stack / cat / chunk / split, dtype conversions
and torch.Size. (Where minigrad differs in text only -- a dtype prints as
numpy's name, grad_fn names lack PyTorch's overload number -- the program
compares instead of printing.)"""

import numpy as np
import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4)

x = torch.arange(12).view(3, 4)
print(x)
print(x.shape, x.size(1), x.dtype == torch.int64, x.stride())
print(x.t().is_contiguous(), x.t().contiguous().is_contiguous())
print(x.permute(1, 0).reshape(2, 6))
print(x.float() / 3)
print(x.to(torch.float64).mean(dim=1))
print(x.sum(0), x.sum(), x.prod(1))
print((x > 5).sum().item(), (x % 2 == 0).nonzero())

a = torch.tensor(np.linspace(-2.0, 2.0, 10), dtype=torch.float32)
print(a)
print(a.clamp(-1, 1), a.abs().argmax())
print(torch.where(a > 0, a, torch.zeros_like(a)))
print(a.masked_fill(a < 0, float("-inf")).softmax(0))
b = a.clone()
b[b < 0] = 0.0
b[::3] += 10
print(b)

# einsum: batched matmul, outer product, trace, bilinear
A = torch.tensor(np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10)
B = torch.tensor(np.arange(40, dtype=np.float32).reshape(2, 4, 5) / 20)
print(torch.einsum("bij,bjk->bik", A, B))
print(torch.allclose(torch.einsum("bij,bjk->bik", A, B), A @ B))
v = torch.tensor([1.0, 2.0, 3.0])
print(torch.einsum("i,j->ij", v, v))
print(torch.einsum("ii", torch.eye(3) * 2), torch.einsum("bij->b", A))

# gather / scatter
logits = torch.tensor([[0.1, 0.5, 0.4], [0.9, 0.05, 0.05], [0.2, 0.2, 0.6]])
targets = torch.tensor([1, 0, 2])
print(logits.gather(1, targets.unsqueeze(1)).squeeze(1))
onehot = torch.zeros(3, 4).scatter_(1, targets.unsqueeze(1), 1.0)
print(onehot)
counts = torch.zeros(5, dtype=torch.long).scatter_add_(0, torch.tensor([0, 1, 1, 3, 3, 3]), torch.ones(6, dtype=torch.long))
print(counts)
acc = torch.zeros(3, 2)
acc.index_add_(0, torch.tensor([0, 2, 0]), torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
print(acc)
print(torch.index_select(x, 1, torch.tensor([3, 0])))

# topk / sort / unique / bincount
scores = torch.tensor([3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0])
vals, idx = scores.topk(3)
print(vals, idx)
print(torch.topk(scores, 2, largest=False))
s, order = torch.sort(scores, descending=True)
print(s, order, scores.argsort())
labels = torch.tensor([2, 0, 2, 1, 2, 0, 3])
uniq, cnt = torch.unique(labels, return_counts=True)
print(uniq, cnt)
u, inv = labels.unique(sorted=True, return_inverse=True)
print(inv)
print(torch.bincount(labels), torch.bincount(labels, minlength=6))
print(labels.float().histc(bins=4, min=0, max=3))

# cumulative ops and broadcasting tricks
print(torch.cumsum(torch.arange(1, 6), dim=0), torch.cumprod(torch.tensor([1.0, 2.0, 3.0, 4.0]), 0))
pts = torch.tensor([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0]])
d = ((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1).sqrt()
print(d)
print(torch.cdist(pts, pts))
row = torch.arange(4).unsqueeze(0)
col = torch.arange(4).unsqueeze(1)
print(row >= col)
print(torch.triu(torch.ones(4, 4), diagonal=1).bool())
print(torch.tril(torch.full((3, 3), 2.5)))

# expand / repeat / stack / cat / chunk / split
c = torch.tensor([[1], [2], [3]])
print(c.expand(3, 4), c.expand(-1, 2).shape)
print(c.repeat(2, 3).shape, torch.tensor([1, 2]).repeat_interleave(3))
print(torch.stack([v, v * 2], dim=1))
print(torch.cat([x, x[:1]], dim=0).shape)
for chunk in torch.arange(10).chunk(3):
    print(chunk)
print([t.tolist() for t in torch.arange(10).split([2, 3, 5])])
print(torch.arange(10).split(4))

# dtype conversions and printing of other dtypes
f = torch.tensor([1.7, -2.3, 0.5])
print(f.long(), f.int(), f.round(), f.floor(), f.ceil(), f.trunc())
print(f.to(torch.float64), f.double().dtype == torch.float64, f.half().float())
print(f > 0, (f > 0).float(), (f > 0).any(), (f > 0).all())
print(torch.tensor([True, False]).long(), torch.tensor(3), torch.tensor(2.5), torch.tensor([]))
print(torch.zeros(2, 3, dtype=torch.int32), torch.ones(2, dtype=torch.uint8))
print(torch.tensor([1e-5, 1.0, 1e5]), torch.tensor([1e10, 1.0]), torch.tensor([0.1, 12345.678]))
print(torch.tensor([float("nan"), float("inf"), -float("inf"), 1.0]))
print(torch.randn(2, 3).shape == torch.Size([2, 3]), torch.Size([2, 3]).numel())
print(torch.tensor([[1.5, 2.25], [3.0, 4.125]], requires_grad=True))
w = torch.tensor([1.0, 2.0], requires_grad=True)
y = (w ** 2).sum()
print((w * 2).detach(), y.item(), y.requires_grad, y.grad_fn is not None, w.grad_fn)
print(torch.linspace(0, 1, 5), torch.logspace(0, 2, 3))

# in-place ops
z = torch.ones(2, 3)
z.mul_(3).add_(1).div_(2)
z[0].zero_()
z[:, 1].fill_(7)
z.clamp_(max=5)
print(z)
m = torch.eye(3)
m.masked_fill_(m == 0, -1)
print(m, m.diag(), m.diagonal().sum())
print(torch.max(x, dim=1), torch.min(x, 0).indices)
print(x.max(dim=1).values, torch.argmax(x, dim=0))
