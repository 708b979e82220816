"""Numeric-utility idioms from real code bases, printed whole: torch.where chains (nested, with scalar
branches and mixed dtypes), clamp/clip with tensor bounds (broadcast, min > max), bucketize (right,
out_int32, boundaries with repeats), searchsorted (side='right', sorter=, scalar values, 2-d rows),
histc (min=max=0 auto range, out-of-range values), cdist (p=1, 2, inf, 0 and batched), topk with
largest=False/sorted, kthvalue/mode/median/nanmedian along dims with keepdim, unique (sorted,
return_inverse, return_counts, dim=0), unique_consecutive with counts, diff (n=2, prepend/append,
bool and int inputs), cumsum with dtype, cumprod, cummax/cummin indices with ties, logcumsumexp,
tril_indices/triu_indices with offsets and rectangular shapes, meshgrid with both indexing modes,
cartesian_prod/combinations, and aminmax, count_nonzero, nan_to_num, isclose with equal_nan, signbit,
copysign, heaviside, float_power, floor_divide/remainder/fmod on negative ints. Every line verbatim."""

import torch

torch.set_num_threads(1)
torch.manual_seed(0)

x = torch.tensor([-2.5, -0.5, 0.0, 0.7, 1.5, 3.0])
print(torch.where(x < 0, -1, torch.where(x < 1, 0, 1)))
print(torch.where(x > 0, x, 0.0), torch.where(x > 0, x.long(), -1).dtype, torch.where(x > 1, 1.5, 2).dtype)
label = torch.where(x < -1, torch.tensor(0), torch.where(x < 0.5, torch.tensor(1), torch.tensor(2)))
print(label, torch.where(torch.tensor([True, False, True])))
print(torch.clamp(x, min=torch.tensor(-1.0), max=torch.tensor([0.0, 0.0, 0.5, 0.5, 1.0, 1.0])))
print(torch.clamp(x, min=torch.zeros(6), max=torch.full((6,), -1.0)), x.clip(max=1.0), x.clamp(-1))
print(torch.clamp(torch.arange(6).reshape(2, 3), torch.tensor([[1], [4]]), torch.tensor([3, 4, 4])))
print(torch.clamp(torch.tensor([1, 5, 9]), 2.5, 7.5), torch.clamp(torch.tensor([1, 5, 9]), max=6).dtype)

bounds = torch.tensor([0.0, 1.0, 1.0, 2.5])
v = torch.tensor([[-1.0, 0.0, 1.0], [1.2, 2.5, 9.0]])
print(torch.bucketize(v, bounds), torch.bucketize(v, bounds, right=True), torch.bucketize(v, bounds, out_int32=True).dtype)
seq = torch.tensor([1, 3, 5, 7, 9])
print(torch.searchsorted(seq, torch.tensor([3, 6, 9])), torch.searchsorted(seq, torch.tensor([3, 6, 9]), side="right"))
print(torch.searchsorted(seq, 4), torch.searchsorted(seq, torch.tensor([[0, 10]]), right=True))
unsorted = torch.tensor([5, 1, 9, 3, 7])
print(torch.searchsorted(unsorted, torch.tensor([4, 8]), sorter=torch.argsort(unsorted)))
rows = torch.tensor([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]])
print(torch.searchsorted(rows, torch.tensor([[2.5], [5.0]])), torch.searchsorted(rows, torch.tensor([[2.0, 30.0], [25.0, 1.0]])))

h = torch.tensor([1.0, 2.0, 1.0, 4.0, 2.5, 7.0, -3.0])
print(torch.histc(h, bins=4), torch.histc(h, bins=4, min=0, max=4), torch.histc(h.double(), bins=3, min=1, max=2))
print(torch.histc(torch.tensor([2.0, 2.0]), bins=3))

a = torch.tensor([[0.0, 0.0], [1.0, 1.0], [3.0, -1.0]])
b = torch.tensor([[1.0, 0.0], [-2.0, 2.0]])
for p in [1.0, 2.0, float("inf"), 0.0, 3.0]:
    print(p, torch.cdist(a, b, p=p))
print(torch.cdist(a.unsqueeze(0).repeat(2, 1, 1), b.unsqueeze(0)).shape)

m = torch.tensor([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3], [5, 8, 9, 7, 9]])
print(torch.topk(m, 2), torch.topk(m, 2, dim=0, largest=False))
print(m.float().topk(3, sorted=True).values, torch.topk(m, 1, dim=1).indices.squeeze(1))
print(torch.kthvalue(m, 2, dim=1), torch.kthvalue(m, 1, dim=0, keepdim=True))
print(torch.mode(m, dim=1), torch.mode(torch.tensor([[1, 1, 2, 2], [3, 3, 3, 0]]), dim=-1))
print(torch.median(m), torch.median(m, dim=1), torch.median(m.float(), dim=0, keepdim=True).values)
nm = torch.tensor([[1.0, float("nan"), 3.0, 2.0], [float("nan"), float("nan"), 1.0, 0.0]])
print(torch.nanmedian(nm), torch.nanmedian(nm, dim=1), torch.median(nm, dim=1))

u = torch.tensor([3, 1, 3, 2, 1, 3, 0])
print(torch.unique(u), torch.unique(u, return_inverse=True), torch.unique(u, return_counts=True))
print(torch.unique(u, sorted=True, return_inverse=True, return_counts=True))
pairs = torch.tensor([[1, 2], [3, 4], [1, 2], [0, 9]])
print(torch.unique(pairs, dim=0, return_inverse=True, return_counts=True))
print(torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 2, 1, 3, 3]), return_counts=True, return_inverse=True))
print(torch.unique(torch.tensor([2.0, float("nan"), 1.0, 2.0])))

d = torch.tensor([1, 4, 9, 16, 25])
print(torch.diff(d), torch.diff(d, n=2), torch.diff(d, prepend=torch.tensor([0]), append=torch.tensor([30, 40])))
print(torch.diff(torch.tensor([True, False, False, True])), torch.diff(torch.arange(12).reshape(3, 4), dim=0))
print(torch.diff(torch.tensor([[1.0, 3.0], [6.0, 10.0]]), dim=-1, n=1), torch.diff(d.float(), n=0))

c = torch.tensor([1, 2, 3, 4], dtype=torch.int32)
print(torch.cumsum(c, 0), torch.cumsum(c, 0).dtype, torch.cumsum(c, 0, dtype=torch.float64), c.cumprod(0))
print(torch.cumsum(torch.tensor([True, True, False]), 0), torch.tensor([0.5, 0.5, 0.5]).cumprod(0))
t = torch.tensor([1.0, 3.0, 2.0, 3.0, 5.0, 0.0, 5.0])
print(torch.cummax(t, 0), torch.cummin(t, 0))
print(torch.cummax(torch.tensor([[1, 5], [3, 2], [3, 7]]), dim=0))
print(torch.logcumsumexp(torch.tensor([0.0, 1.0, -1.0, float("-inf")]), 0))

print(torch.tril_indices(3, 3), torch.tril_indices(3, 4, offset=1), torch.triu_indices(4, 3, offset=-1))
print(torch.triu_indices(3, 3, 1), torch.tril_indices(2, 5, -1), torch.tril_indices(0, 0).shape)
gx, gy = torch.meshgrid(torch.arange(3), torch.arange(2), indexing="ij")
print(gx, gy)
gx, gy = torch.meshgrid(torch.arange(3), torch.arange(2), indexing="xy")
print(gx, gy, gx.shape)
print(torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4, 5])))
print(torch.combinations(torch.tensor([1, 2, 3])), torch.combinations(torch.tensor([1, 2, 3]), r=2, with_replacement=True))

print(torch.aminmax(m), torch.aminmax(m, dim=0), torch.count_nonzero(m - 5, dim=1))
z = torch.tensor([float("nan"), float("inf"), -float("inf"), 1.5])
print(torch.nan_to_num(z), torch.nan_to_num(z, nan=0.0, posinf=1e6, neginf=-1e6))
print(torch.isclose(z, z), torch.isclose(z, z, equal_nan=True), torch.isclose(torch.tensor([1.0]), torch.tensor([1.0 + 1e-9])))
print(torch.signbit(torch.tensor([-0.0, 0.0, -1.0, 2.0])), torch.copysign(torch.tensor([1.0, 2.0]), torch.tensor([-0.0, 3.0])))
print(torch.heaviside(torch.tensor([-1.0, 0.0, 2.0]), torch.tensor([0.5])), torch.float_power(torch.tensor([2, 3]), 2))
n_ = torch.tensor([-7, -3, 3, 7])
print(torch.floor_divide(n_, 2), torch.remainder(n_, 3), torch.fmod(n_, 3), n_ // -2, n_ % -3)
print(torch.div(n_, 2, rounding_mode="trunc"), torch.div(n_, 2, rounding_mode="floor"), torch.div(n_, 2))
