"""Sorting, searching and reductions when the data has NaN, inf and ties, as a data-cleaning
notebook meets them: sort/argsort/topk/kthvalue/median/mode/cummax/max/argmax/amax/nanmean/
nansum/nanquantile, unique (sorted, dim, return_inverse/counts) and unique_consecutive,
searchsorted (side, sorter, out_int32) / bucketize, isin, clamp and where with NaN, and their
gradients."""

import torch

torch.set_num_threads(1)

nan, inf = float("nan"), float("inf")
x = torch.tensor([3.0, nan, -1.0, inf, 2.0, -inf, nan, 2.0, 0.0, -0.0])
print("sort", torch.sort(x))
print("sort desc", torch.sort(x, descending=True, stable=True))
print("argsort", torch.argsort(x, stable=True).tolist(), torch.argsort(x, descending=True, stable=True).tolist())
print("topk", torch.topk(x, 3), torch.topk(x, 3, largest=False))
print("kthvalue", torch.kthvalue(x, 2), torch.kthvalue(x, 9))
print("max", x.max(), x.min(), x.argmax(), x.argmin(), x.amax(), torch.aminmax(x))
print("median", x.median(), x.nanmedian(), torch.median(x, 0))
print("all-nan rows", torch.full((2, 5), nan).nanmedian(1), torch.mode(torch.full((2, 4), nan), 1).indices)
print("mode", torch.mode(torch.tensor([2.0, nan, 2.0, nan, nan, 1.0])))
print("cummax", torch.cummax(x, 0))
print("cummin", torch.cummin(x, 0))
print("nan reductions", torch.nansum(x[x.isfinite() | x.isnan()]), torch.nanmean(torch.tensor([1.0, nan, 3.0])),
      x.isnan().sum(), torch.nan_to_num(x, nan=0.0, posinf=9.0, neginf=-9.0))
print("sum with nan", x.sum(), x.prod(), x.mean(), x.std(), x.logsumexp(0))
print("nanquantile", torch.nanquantile(torch.tensor([1.0, nan, 3.0, 2.0]), torch.tensor([0.25, 0.5])),
      torch.quantile(torch.tensor([1.0, nan, 3.0]), 0.5))
m = torch.tensor([[1.0, nan, 3.0], [nan, nan, nan], [2.0, 0.5, inf]])
print("row max", m.max(1), m.nanmean(1), m.nansum(1), m.nanmedian(1))
print("maximum", torch.maximum(m, torch.ones(3)), torch.fmax(m, torch.ones(3)), torch.max(m, torch.zeros(3, 3)))
print("clamp", m.clamp(0.0, 2.0), torch.clamp(m, min=torch.tensor([0.0, 1.5, nan])))
print("where", torch.where(m.isnan(), -1.0, m), torch.where(m > 1, m, 0))
print("compare", (m > 1).tolist(), (m == m).tolist(), m.ne(m).sum().item())
print("relu/sigmoid nan", torch.relu(m[0]), torch.sigmoid(m[2]), torch.softmax(torch.tensor([1.0, inf]), 0),
      torch.softmax(torch.tensor([-inf, -inf]), 0), torch.log_softmax(torch.tensor([0.0, -inf]), 0))

u = torch.tensor([3, 1, 2, 3, 1, 1, 5])
print("unique", torch.unique(u), torch.unique(u, return_inverse=True, return_counts=True))
print("unique unsorted-flag", torch.unique(u, sorted=False).sort().values)
print("unique floats nan", torch.unique(torch.tensor([1.0, nan, 1.0, nan])))
rows = torch.tensor([[1, 2], [3, 4], [1, 2], [0, 9]])
print("unique dim0", torch.unique(rows, dim=0, return_inverse=True, return_counts=True))
print("unique dim1", torch.unique(torch.tensor([[1, 1, 2], [3, 3, 4]]), dim=1))
print("unique_consecutive", torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 3, 1, 1]), return_inverse=True,
                                                      return_counts=True))
print("unique_consecutive dim", torch.unique_consecutive(torch.tensor([[1, 1, 2], [1, 1, 3]]), dim=1))

edges = torch.tensor([-1.0, 0.0, 2.0, 2.0, 5.0])
q = torch.tensor([-3.0, 0.0, 2.0, 4.9, 5.0, 7.0, nan])
print("searchsorted", torch.searchsorted(edges, q), torch.searchsorted(edges, q, right=True),
      torch.searchsorted(edges, q, side="right", out_int32=True).dtype == torch.int32)
unsorted = torch.tensor([5.0, -1.0, 2.0, 0.0])
sorter = torch.argsort(unsorted)
print("sorter", torch.searchsorted(unsorted, torch.tensor([1.0, 2.0, 6.0]), sorter=sorter))
print("batched", torch.searchsorted(torch.tensor([[0.0, 1.0, 2.0], [1.0, 3.0, 5.0]]), torch.tensor([[1.5], [1.0]])))
print("scalar", torch.searchsorted(edges, 2.0), torch.bucketize(2.0, edges), torch.bucketize(q, edges, right=True))
print("isin", torch.isin(u, torch.tensor([1, 5])), torch.isin(u, torch.tensor([1, 5]), invert=True),
      torch.isin(torch.tensor([nan, 1.0]), torch.tensor([nan, 1.0])))

g = torch.tensor([1.0, 4.0, 4.0, -2.0, 3.0], requires_grad=True)
(g.max() + g.min() + g.amax() + g.median() + torch.topk(g, 2).values.sum() + torch.sort(g).values[-1]
 + g.kthvalue(2).values + torch.cummax(g, 0).values.sum() + g.norm(p=inf)).backward()
print("tie grads", g.grad)
h = torch.tensor([1.0, nan, 3.0], requires_grad=True)
(torch.nansum(h) + torch.nanmean(h) + torch.nan_to_num(h, nan=5.0).sum()).backward()
print("nan grads", h.grad)
c = torch.tensor([-1.0, 0.0, 1.0, 2.0], requires_grad=True)
(c.clamp(0.0, 1.0).sum() + torch.maximum(c, torch.zeros(4)).sum() + c.abs().sum() + torch.relu(c).sum()
 + torch.where(c > 0, c, 0.0).sum()).backward()
print("kink grads", c.grad)
