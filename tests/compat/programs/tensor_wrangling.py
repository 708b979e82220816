"""Tensor wrangling from data-processing notebooks, every result printed as PyTorch prints it: unique
(sorted, return_inverse, return_counts, dim), unique_consecutive, sort (stable, descending) and argsort,
topk (largest=False, sorted), kthvalue, mode, median (with indices), bincount (weights, minlength),
histc, bucketize / searchsorted (right), cumsum / cumprod / cummax / logcumsumexp, diff, masked_select,
nonzero (as_tuple), argwhere, where (one and three arguments), scatter / scatter_add_ / scatter_reduce_,
index_add_ / index_copy_ / index_fill_ / index_put_ (accumulate), gather, take / take_along_dim,
masked_scatter_, repeat_interleave, tile, roll, flip, rot90, chunk / split (sizes) / tensor_split /
unbind, stack / hstack / vstack / dstack / column_stack, meshgrid (ij and xy), cartesian_prod,
combinations, broadcast_tensors / broadcast_to, expand, tril_indices, diag / diag_embed / diagonal,
einsum, bmm / baddbmm / addmm / addcmul, outer, kron, cross, cdist, norm variants, allclose / isclose,
count_nonzero, any / all with dims, amax / aminmax, clamp with tensors, nan_to_num, nanmean, and
the error types scripts catch. (Ties are avoided where PyTorch's order is its sort's accident.)"""

import torch

x = torch.tensor([3, 1, 2, 3, 1, 5, 2, 2])
print(torch.unique(x))
print(torch.unique(x, sorted=True, return_inverse=True, return_counts=True))
print(torch.unique(torch.tensor([[1, 2], [1, 2], [0, 3]]), dim=0, return_counts=True))
print(torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 3, 1, 1]), return_counts=True, return_inverse=True))
v = torch.tensor([0.5, -1.0, 0.5, 2.0, -1.0, 0.25])
print(torch.sort(v, stable=True))
print(torch.sort(v, descending=True, stable=True))
print(v.argsort(), v.argsort(descending=True))
print(torch.topk(v.unique(), 3, sorted=True), torch.topk(torch.tensor([0.1, 0.9, 0.3, 0.7]), 2))
print(torch.topk(v, 2, largest=False))
print(v.kthvalue(2), torch.tensor([[1, 2, 2], [3, 3, 1]]).mode(dim=1))
print(torch.median(v), torch.tensor([[4.0, 1.0, 3.0, 2.0]]).median(dim=1))
print(torch.bincount(x), torch.bincount(x, minlength=8), torch.bincount(torch.tensor([0, 1, 1]),
                                                                           weights=torch.tensor([0.5, 1.0, 2.0])))
print(torch.histc(v, bins=4, min=-1, max=2))
bounds = torch.tensor([-1.0, 0.0, 0.5, 1.0])
print(torch.bucketize(v, bounds), torch.bucketize(v, bounds, right=True))
print(torch.searchsorted(bounds, torch.tensor([0.5, 3.0, -2.0])), torch.searchsorted(bounds, 0.5, right=True))
print(torch.cumsum(x, 0), torch.cumprod(torch.tensor([1.0, 2.0, 3.0]), 0), torch.cummax(v, 0))
print(torch.logcumsumexp(torch.tensor([0.0, 1.0, 2.0]), 0), torch.diff(x), torch.diff(x, n=2, prepend=x[:1]))
m = v > 0
print(torch.masked_select(v, m), m.nonzero(), torch.nonzero(m, as_tuple=True), torch.argwhere(m))
print(torch.where(m), torch.where(m, v, torch.zeros_like(v)), torch.where(m, v, -1.0))
src = torch.arange(1.0, 7.0).reshape(2, 3)
idx = torch.tensor([[0, 1, 0], [1, 0, 1]])
print(torch.zeros(2, 3).scatter(1, torch.tensor([[2, 0, 1], [0, 2, 1]]), src))
print(torch.zeros(3, 3).scatter_add_(0, idx, src))
print(torch.zeros(2, 3).scatter(0, idx, 7.0))
print(torch.full((2,), 10.0).scatter_reduce_(0, torch.tensor([0, 1, 0, 1]), torch.tensor([1.0, 2, 3, 4]),
                                             reduce="amax", include_self=False))
print(torch.ones(3).scatter_reduce(0, torch.tensor([0, 0, 2]), torch.tensor([2.0, 3.0, 4.0]), reduce="mean"))
print(torch.zeros(3, 2).index_add_(0, torch.tensor([0, 2, 0]), torch.ones(3, 2), alpha=2))
print(torch.zeros(3, 2).index_copy_(0, torch.tensor([2, 0]), torch.tensor([[1.0, 2], [3, 4]])))
print(torch.zeros(2, 4).index_fill_(1, torch.tensor([1, 3]), -1))
print(torch.zeros(4).index_put_((torch.tensor([0, 0, 2]),), torch.tensor([1.0, 2.0, 3.0]), accumulate=True))
print(torch.gather(src, 1, torch.tensor([[2, 0], [1, 1]])), torch.take(src, torch.tensor([0, 5, 2])))
print(torch.take_along_dim(src, src.argmax(1, keepdim=True), dim=1))
print(torch.zeros(2, 3).masked_scatter_(torch.tensor([[True, False, True], [False, True, False]]), src))
print(torch.repeat_interleave(torch.tensor([1, 2, 3]), torch.tensor([2, 0, 1])), x[:3].repeat_interleave(2))
print(torch.tile(torch.tensor([1, 2]), (2, 2)), torch.roll(x, 2), torch.roll(src, shifts=(1, 1), dims=(0, 1)))
print(torch.flip(src, [0, 1]), torch.rot90(src, 1, [0, 1]), torch.fliplr(src))
print(torch.arange(7).chunk(3), torch.arange(7).split([2, 5]), torch.arange(7).tensor_split(3))
print(torch.arange(6).tensor_split([1, 4]), src.unbind(1))
a, b = torch.tensor([1, 2]), torch.tensor([3, 4])
print(torch.stack([a, b], 1), torch.hstack([a, b]), torch.vstack([a, b]), torch.dstack([a, b]).shape,
      torch.column_stack([a, b]))
gx, gy = torch.meshgrid(torch.arange(3), torch.arange(2), indexing="ij")
print(gx, gy)
print(torch.meshgrid(torch.arange(3), torch.arange(2), indexing="xy"))
print(torch.cartesian_prod(a, b), torch.combinations(torch.tensor([1, 2, 3]), r=2),
      torch.combinations(torch.tensor([1, 2]), with_replacement=True))
print(torch.broadcast_tensors(torch.ones(2, 1), torch.zeros(3)), torch.broadcast_to(a, (2, 2)))
print(a.expand(3, -1), torch.tril_indices(3, 3), torch.triu_indices(3, 4, offset=1))
print(torch.diag(torch.tensor([1, 2])), torch.diag(src), torch.diag_embed(src).shape, src.diagonal(offset=1))
A = torch.arange(12.0).reshape(2, 2, 3)
B = torch.arange(6.0).reshape(2, 3, 1)
print(torch.einsum("bij,bjk->bik", A, B), torch.einsum("ii->i", torch.eye(2) * 3), torch.einsum("i,j->ij", a, b))
print(torch.bmm(A, B), torch.baddbmm(torch.ones(2, 2, 1), A, B, beta=0.5, alpha=2))
print(torch.addmm(torch.ones(2), src, torch.ones(3, 2)), torch.addcmul(torch.ones(3), v[:3], v[3:], value=0.5))
print(torch.outer(a, b), torch.kron(torch.eye(2), torch.ones(2, 2)),
      torch.linalg.cross(torch.tensor([1.0, 0, 0]), torch.tensor([0.0, 1, 0])))
print(torch.cdist(src, src + 1), torch.cdist(src, src, p=1))
print(src.norm(), src.norm(dim=1), src.norm(p=1), torch.linalg.norm(src, ord="fro"),
      torch.linalg.vector_norm(src, ord=float("inf")), torch.linalg.matrix_norm(src[:, :2], ord=2))
print(torch.allclose(v, v + 1e-9), torch.isclose(v, v + 1e-3, atol=1e-2), torch.count_nonzero(src > 2, dim=0))
print(m.any(), m.all(), (src > 2).any(dim=1), (src > 0).all(dim=0, keepdim=True))
print(src.amax(dim=0), torch.aminmax(v), v.clamp(min=torch.zeros(6), max=torch.full((6,), 0.4)))
nanny = torch.tensor([1.0, float("nan"), float("inf"), -float("inf")])
print(torch.nan_to_num(nanny), torch.nan_to_num(nanny, nan=0.0, posinf=9.0, neginf=-9.0), nanny[:2].nanmean())
print(torch.isnan(nanny), torch.isinf(nanny), torch.isfinite(nanny))

for name, bad, catch in [
    ("matmul shapes", lambda: torch.ones(2, 3) @ torch.ones(2, 3), RuntimeError),
    ("index out of range", lambda: torch.ones(3)[5], IndexError),
    ("bad dim", lambda: torch.ones(3).sum(dim=2), IndexError),
    ("cat shapes", lambda: torch.cat([torch.ones(2, 2), torch.ones(3, 3)]), RuntimeError),
    ("reshape size", lambda: torch.ones(6).reshape(4, 2), RuntimeError),
    ("item of many", lambda: torch.ones(2).item(), RuntimeError),
    ("backward twice", lambda: [(y := (torch.ones(2, requires_grad=True) * 2).sum()).backward(), y.backward()],
     RuntimeError),
    ("grad of non-scalar", lambda: (torch.ones(2, requires_grad=True) * 2).backward(), RuntimeError),
    ("no grad_fn", lambda: torch.ones(2).sum().backward(), RuntimeError),
    ("in-place on leaf", lambda: torch.ones(2, requires_grad=True).add_(1), RuntimeError),
    ("broadcast", lambda: torch.ones(2, 3) + torch.ones(4), RuntimeError),
    ("gather index dtype", lambda: torch.gather(src, 1, torch.tensor([[0.0]])), RuntimeError),
    ("cross entropy target", lambda: torch.nn.functional.cross_entropy(torch.ones(2, 3), torch.tensor([0, 3])),
     IndexError),
    ("linear in features", lambda: torch.nn.Linear(3, 2)(torch.ones(4, 2)), RuntimeError),
    ("embedding index", lambda: torch.nn.Embedding(3, 2)(torch.tensor([3])), IndexError),
    ("stack sizes", lambda: torch.stack([torch.ones(2), torch.ones(3)]), RuntimeError),
    ("squeeze int dim", lambda: torch.ones(2, 1).squeeze(3), IndexError),
    ("conv2d channels", lambda: torch.nn.Conv2d(3, 4, 3)(torch.ones(1, 2, 5, 5)), RuntimeError),
    ("bce range", lambda: torch.nn.functional.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0])),
     RuntimeError),
    ("load_state_dict strict", lambda: torch.nn.Linear(2, 2).load_state_dict({"weight": torch.ones(2, 2)}),
     RuntimeError),
]:
    try:
        bad()
        print(f"{name}: no error")
    except catch as e:
        print(f"{name}: {catch.__name__} {isinstance(e, catch)}")
