"""Index, scatter and split utilities printed whole, as a tensor-manipulation cheat sheet does:
index_reduce (prod/mean/amax/amin, include_self), index_copy/index_fill/index_add with alpha,
put_/take with accumulate, select_scatter/slice_scatter/diagonal_scatter, scatter_reduce,
masked_scatter, unravel_index, nonzero_static, msort/nanmedian/argsort stable, hsplit/vsplit/dsplit,
split_with_sizes, tensor_split by indices, sum_to_size, and the gradients of the scatters."""

import torch

torch.set_num_threads(1)

base = torch.arange(1.0, 13.0).reshape(4, 3)
idx = torch.tensor([0, 2, 0, 3])
src = torch.tensor([[2.0, 3.0, 4.0], [5.0, 6.0, 7.0], [-1.0, 0.5, 2.0], [10.0, 0.0, -3.0]])
for reduce in ["prod", "mean", "amax", "amin"]:
    for include_self in [True, False]:
        out = base.index_reduce(0, idx, src, reduce, include_self=include_self)
        print(f"index_reduce {reduce} include_self={include_self}", out.tolist())
print("index_copy", base.index_copy(0, torch.tensor([3, 1]), src[:2]).tolist())
print("index_fill", base.index_fill(1, torch.tensor([0, 2]), -1.0).tolist())
print("index_add alpha", base.index_add(0, idx, src, alpha=0.5).tolist())
t = torch.zeros(2, 3)
t.put_(torch.tensor([0, 4, 0]), torch.tensor([1.0, 2.0, 3.0]), accumulate=True)
print("put_ accumulate", t.tolist())
t.put_(torch.tensor([5, 1]), torch.tensor([9.0, 8.0]))
print("put_", t.tolist(), "take", torch.take(base, torch.tensor([[0, 11], [5, 6]])).tolist())
print("put", base.put(torch.tensor([-1]), torch.tensor([100.0])).tolist()[-1])

z = torch.zeros(3, 4)
print("select_scatter", torch.select_scatter(z, torch.ones(4), 0, 1).tolist())
print("slice_scatter", torch.slice_scatter(z, torch.ones(3, 2), dim=1, start=1, step=2).tolist())
print("diagonal_scatter", torch.diagonal_scatter(z, torch.tensor([5.0, 6.0, 7.0]), offset=1).tolist())
print("diagonal_scatter neg", torch.diagonal_scatter(z, torch.tensor([5.0, 6.0]), offset=-1).tolist())

vals = torch.tensor([1.0, 5.0, 2.0, 8.0, 3.0, 4.0])
grp = torch.tensor([0, 1, 0, 1, 2, 0])
for reduce in ["sum", "prod", "mean", "amax", "amin"]:
    out = torch.full((4,), 10.0).scatter_reduce(0, grp, vals, reduce=reduce, include_self=False)
    out2 = torch.full((4,), 10.0).scatter_reduce(0, grp, vals, reduce=reduce)
    print(f"scatter_reduce {reduce}", out.tolist(), out2.tolist())
print("scatter reduce=add", torch.zeros(3).scatter(0, torch.tensor([0, 0, 2]), torch.tensor([1.0, 2.0, 3.0]), reduce="add").tolist())
print("scatter value multiply", torch.ones(2, 3).scatter(1, torch.tensor([[0], [2]]), 4.0, reduce="multiply").tolist())
ms = torch.zeros(2, 4)
mask = torch.tensor([[True, False, True, False], [False, True, True, True]])
print("masked_scatter", ms.masked_scatter(mask, torch.arange(10.0, 20.0)).tolist())
print("masked_select", base.masked_select(base > 8).tolist())

flat = torch.tensor([0, 5, 11, 7])
print("unravel_index", [u.tolist() for u in torch.unravel_index(flat, (3, 4))])
print("unravel tuple", torch.unravel_index(torch.tensor(22), (2, 3, 4)))
print("nonzero_static", torch.nonzero_static(torch.tensor([0, 3, 0, 4, 5]), size=4, fill_value=-1).tolist())
print("nonzero as_tuple", [n.tolist() for n in torch.nonzero(torch.eye(3)[:, :2], as_tuple=True)])
print("argwhere", torch.argwhere(torch.tensor([[0, 1], [2, 0]])).tolist())
print("msort", torch.msort(torch.tensor([[3.0, 1.0], [1.0, 2.0], [2.0, 0.0]])).tolist())
nm = torch.tensor([[1.0, float("nan"), 3.0, 2.0], [float("nan"), float("nan"), 1.0, 5.0]])
print("nanmedian", torch.nanmedian(nm), torch.nanmedian(nm, dim=1))
print("median with nan", torch.median(nm, dim=1).values.tolist())
ties = torch.tensor([2, 1, 2, 1, 0, 2, 1])
print("argsort stable", torch.argsort(ties, stable=True).tolist(), torch.sort(ties, descending=True, stable=True).indices.tolist())
print("sort stable kw", torch.sort(ties, stable=True, dim=0).values.tolist())

g = torch.arange(24).reshape(2, 3, 4)
print("hsplit", [tuple(p.shape) for p in torch.hsplit(g, 3)], [tuple(p.shape) for p in torch.hsplit(g, [1, 2])])
print("vsplit", [p.tolist() for p in torch.vsplit(torch.arange(8).reshape(4, 2), [1, 3])])
print("dsplit", [tuple(p.shape) for p in torch.dsplit(g, 2)], [p[0, 0].tolist() for p in torch.dsplit(g, [1, 3])])
print("hsplit 1d", [p.tolist() for p in torch.hsplit(torch.arange(6), 3)])
print("split_with_sizes", [p.tolist() for p in torch.arange(6).split_with_sizes([1, 2, 3])])
print("tensor_split idx", [p.tolist() for p in torch.tensor_split(torch.arange(7), [1, 5])])
print("tensor_split tensor", [p.tolist() for p in torch.tensor_split(torch.arange(7), torch.tensor(3))])
print("tensor_split dim1", [tuple(p.shape) for p in torch.tensor_split(g, 3, dim=2)])
print("sum_to_size", torch.ones(2, 3, 4).sum_to_size(3, 1).tolist(), torch.ones(2, 3).sum_to_size((1, 3)).tolist())
print("unsafe_chunk", [tuple(c.shape) for c in torch.arange(10).unsafe_chunk(4)])
print("swapaxes", tuple(g.swapaxes(0, 2).shape), tuple(torch.moveaxis(g, [0, 1], [2, 0]).shape),
      tuple(g.swapdims(1, 2).shape))

x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
s = torch.tensor([[0.5, -1.0], [2.0, 3.0]], requires_grad=True)
out = x.index_reduce(0, torch.tensor([0, 0]), s, "prod") * torch.tensor([[1.0], [2.0], [3.0]])
out = out + torch.select_scatter(x, s[0], 0, 2) + torch.slice_scatter(x, s, dim=0, start=1)
out.pow(2).sum().backward()
print("grad x", x.grad.tolist())
print("grad s", s.grad.tolist())
v = torch.tensor([1.0, 5.0, 2.0, 8.0, 3.0, 4.0], requires_grad=True)
for reduce in ["sum", "prod", "mean", "amax"]:
    v.grad = None
    torch.full((3,), 2.0).scatter_reduce(0, grp, v, reduce=reduce, include_self=False).pow(2).sum().backward()
    print(f"scatter_reduce {reduce} grad", v.grad.tolist())
d = torch.zeros(3, 3, requires_grad=True)
torch.diagonal_scatter(d, torch.ones(3), 0).mul(torch.arange(9.0).reshape(3, 3)).sum().backward()
print("diagonal_scatter grad", d.grad.tolist())
