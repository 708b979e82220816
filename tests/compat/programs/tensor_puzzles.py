"""Sasha Rush's Tensor Puzzles, solved the way the notebook asks (only
arange, broadcasting, where, indexing and sum; one line each) and checked
against the library op they re-implement, with the tensors themselves
printed: ones, sum, outer, diag, eye, triu, cumsum, diff, vstack, roll,
flip, compress, pad_to, sequence_mask, bincount, scatter_add, flatten,
linspace, heaviside, repeat, bucketize; then the library side of the same
ideas on small integer and float tensors (scatter_, gather, index_add_,
masked_scatter, unique(return_counts, return_inverse, dim=0),
unique_consecutive, sort(stable), topk, cumprod, tril_indices/triu_indices,
meshgrid(indexing="ij" and "xy"), where with Python scalars, searchsorted
(side, sorter), histc, diff(prepend/append), roll on several dims, flip,
repeat_interleave with tensor repeats, kthvalue, mode, cummax, nonzero
(as_tuple), argwhere, count_nonzero, take_along_dim, index_put_(accumulate),
narrow, unflatten, movedim, tensor_split, block_diag, cartesian_prod,
combinations, rot90, tril/triu with offsets). Every value agrees."""

import torch

torch.set_num_threads(1)
torch.manual_seed(0)


def arange(i):
    return torch.tensor(range(i))


def where(q, a, b):
    return (q * a) + (~q) * b


def ones(i):
    return (arange(i) * 0) + 1


def sum_(a):
    return ones(a.shape[0]) @ a[:, None]


def outer(a, b):
    return a[:, None] * b[None, :]


def diag(a):
    return a[arange(a.shape[0]), arange(a.shape[0])]


def eye(j):
    return (arange(j)[:, None] == arange(j)) * 1


def triu(j):
    return (arange(j)[:, None] <= arange(j)) * 1


def cumsum(a):
    return a @ triu(a.shape[0])


def diff(a, i):
    return a[1:i] - a[:i - 1]


def vstack(a, b):
    return where(arange(2)[:, None] == ones(a.shape[0]), b, a)


def roll(a, i):
    return a[(arange(i) + 1) % i]


def flip(a, i):
    return a[i - arange(i) - 1]


def compress(g, v, i):
    return v @ where(g[:, None], arange(i) == (cumsum(1 * g) - 1)[:, None], 0)


def pad_to(a, i, j):
    return a @ (1 * (arange(i)[:, None] == arange(j)))


def sequence_mask(values, length):
    return where(length[:, None] > arange(values.shape[1]), values, 0)


def bincount(a, j):
    return ones(a.shape[0]) @ eye(j)[a]


def scatter_add(values, link, j):
    return values @ eye(j)[link]


def flatten(a, i, j):
    return a[arange(i * j) // j, arange(i * j) % j]


def linspace(i, j, n):
    return i + (j - i) * arange(n) / max(1, n - 1)


def heaviside(a, b):
    return where(a == 0, b, a > 0)


def repeat(a, d):
    return ones(d)[:, None] @ a[None]


def bucketize(v, boundaries):
    return (1 * (v[:, None] >= boundaries)) @ ones(boundaries.shape[0])


a = torch.tensor([3, -1, 4, 1, -5, 9, 2, 6])
b = torch.tensor([2, 7, 1, 8])
print("ones", ones(5), torch.ones(5, dtype=torch.long).equal(ones(5)))
print("sum", sum_(a), a.sum())
print("outer", outer(b, b[:3]), torch.outer(b, b[:3]).equal(outer(b, b[:3])))
m = torch.arange(16).reshape(4, 4)
print("diag", diag(m), torch.diagonal(m))
print("eye", eye(3))
print("triu", triu(4).equal(torch.triu(torch.ones(4, 4, dtype=torch.long))))
print("cumsum", cumsum(a), torch.cumsum(a, 0))
print("diff", diff(a, 8), torch.diff(a))
print("vstack", vstack(b, b * 10))
print("roll", roll(a, 8), torch.roll(a, -1))
print("flip", flip(a, 8), torch.flip(a, (0,)))
g = a > 0
print("compress", compress(g, a, 8), a[g])
print("pad_to", pad_to(b, 4, 6), pad_to(a, 8, 3))
vals = torch.arange(1, 13).reshape(3, 4)
print("sequence_mask", sequence_mask(vals, torch.tensor([1, 4, 2])))
c = torch.tensor([0, 2, 2, 5, 1, 2, 0])
print("bincount", bincount(c, 6), torch.bincount(c, minlength=6))
print("scatter_add", scatter_add(torch.tensor([1, 2, 3, 4, 5, 6, 7]), c, 6),
      torch.zeros(6, dtype=torch.long).scatter_add(0, c, torch.tensor([1, 2, 3, 4, 5, 6, 7])))
print("flatten", flatten(vals, 3, 4).equal(vals.flatten()))
print("linspace", linspace(0.0, 1.0, 5), torch.linspace(0.0, 1.0, 5))
print("heaviside", heaviside(torch.tensor([-1.5, 0.0, 2.0]), torch.tensor([0.5, 0.5, 0.5])),
      torch.heaviside(torch.tensor([-1.5, 0.0, 2.0]), torch.tensor([0.5])))
print("repeat", repeat(b, 3))
bnd = torch.tensor([1, 3, 5, 7])
v = torch.tensor([0, 1, 2, 3, 6, 7, 9])
print("bucketize", bucketize(v, bnd), torch.bucketize(v, bnd, right=True), torch.bucketize(v, bnd))

# the library side
x = torch.tensor([[5, 1, 4], [2, 8, 3], [7, 0, 6]])
idx = torch.tensor([[2, 0], [1, 1], [0, 2]])
print("gather", torch.gather(x, 1, idx))
print("scatter_", torch.zeros(3, 4, dtype=torch.long).scatter_(1, idx, torch.tensor([[1, 2], [3, 4], [5, 6]])))
print("scatter_ reduce add", torch.ones(3, 4).scatter_(1, idx, 2.0, reduce="add"))
print("scatter_reduce amax", torch.zeros(4).scatter_reduce(0, torch.tensor([0, 1, 0, 3]),
                                                            torch.tensor([3.0, -1.0, 5.0, 2.0]), "amax",
                                                            include_self=False))
print("index_add_", torch.zeros(3, 2).index_add_(0, torch.tensor([0, 2, 0]), torch.ones(3, 2), alpha=2))
mask = torch.tensor([[True, False, True], [False, True, False]])
print("masked_scatter", torch.zeros(2, 3).masked_scatter(mask, torch.arange(10.0)))
print("masked_select", x.masked_select(x > 4))
u = torch.tensor([3, 1, 2, 3, 3, 1, 7])
print("unique", torch.unique(u, return_inverse=True, return_counts=True))
print("unique unsorted count", torch.unique(u, sorted=True, return_counts=True)[1])
print("unique dim0", torch.unique(torch.tensor([[1, 2], [3, 4], [1, 2], [0, 9]]), dim=0, return_counts=True))
print("unique_consecutive", torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 2, 1, 3, 3]), return_counts=True,
                                                     return_inverse=True))
s = torch.tensor([2, 1, 2, 0, 1, 2, 0])
print("sort stable", torch.sort(s, stable=True))
print("sort stable desc", torch.sort(s, stable=True, descending=True).indices)
print("argsort stable", torch.argsort(s, stable=True))
f = torch.tensor([0.5, -1.0, 3.25, 2.0, 3.25, -0.75])
print("topk", torch.topk(f, 3))
print("topk smallest", torch.topk(f, 2, largest=False))
print("kthvalue", torch.kthvalue(f, 2))
print("mode", torch.mode(torch.tensor([[1, 2, 2, 3], [4, 4, 1, 1]]), dim=1))
print("cumprod", torch.cumprod(torch.tensor([1.0, 2.0, -0.5, 4.0]), 0))
print("cummax", torch.cummax(torch.tensor([1, 3, 2, 5, 4]), 0))
print("cummin", torch.cummin(torch.tensor([4.0, 2.0, 3.0, 1.0]), 0))
print("logcumsumexp", torch.logcumsumexp(torch.tensor([0.0, 1.0, 2.0]), 0))
print("tril_indices", torch.tril_indices(3, 3))
print("triu_indices offset", torch.triu_indices(3, 4, offset=1))
print("tril_indices neg offset", torch.tril_indices(4, 3, offset=-1))
gx, gy = torch.meshgrid(torch.arange(3), torch.arange(2), indexing="ij")
print("meshgrid ij", gx, gy, sep="\n")
gx, gy = torch.meshgrid(torch.arange(3), torch.arange(2), indexing="xy")
print("meshgrid xy shapes", gx.shape, gy.shape)
print("where scalars", torch.where(f > 0, f, 0.0), torch.where(f > 1, 1, -1))
print("where int scalar on float keeps float32", torch.where(f > 0, 2, f).dtype == torch.float32)  # (minigrad prints dtypes as numpy does)
print("where cond only", torch.where(f > 1))
sorted_seq = torch.tensor([1.0, 2.0, 2.0, 3.0, 5.0])
q = torch.tensor([2.0, 0.0, 6.0, 3.0])
print("searchsorted", torch.searchsorted(sorted_seq, q), torch.searchsorted(sorted_seq, q, side="right"),
      torch.searchsorted(sorted_seq, q, right=True, out_int32=True))
unsorted = torch.tensor([5.0, 1.0, 3.0, 2.0, 2.0])
print("searchsorted sorter", torch.searchsorted(unsorted, q, sorter=torch.argsort(unsorted, stable=True)))
print("searchsorted 2d", torch.searchsorted(torch.tensor([[1, 3, 5], [2, 4, 6]]), torch.tensor([[3], [7]])))
print("histc", torch.histc(torch.tensor([1.0, 2.0, 1.0, 2.5, 4.0, 0.0]), bins=4, min=0, max=4))
print("histc auto range", torch.histc(torch.tensor([1.0, 2.0, 1.0, 2.5, 4.0]), bins=3))
print("histogram", torch.histogram(torch.tensor([1.0, 2.0, 1.0, 2.5]), bins=3))
print("diff prepend/append", torch.diff(torch.tensor([1, 4, 9, 16]), prepend=torch.tensor([0]),
                                        append=torch.tensor([25, 36])))
print("diff n=2 dim0", torch.diff(torch.arange(12).reshape(4, 3) ** 2, n=2, dim=0))
print("roll 2 dims", torch.roll(torch.arange(9).reshape(3, 3), shifts=(1, -1), dims=(0, 1)))
print("roll flat", torch.roll(torch.arange(6).reshape(2, 3), 2))
print("flip dims", torch.flip(torch.arange(6).reshape(2, 3), [0, 1]), torch.fliplr(torch.arange(6).reshape(2, 3)))
print("repeat_interleave", torch.repeat_interleave(torch.tensor([1, 2, 3]), torch.tensor([2, 0, 3])))
print("repeat_interleave dim", torch.repeat_interleave(torch.tensor([[1, 2], [3, 4]]), 2, dim=0))
print("repeat_interleave counts only", torch.repeat_interleave(torch.tensor([1, 3, 2])))
print("nonzero", torch.nonzero(x > 4), torch.nonzero(x > 4, as_tuple=True))
print("argwhere", torch.argwhere(torch.tensor([0, 3, 0, 1])))
print("count_nonzero", torch.count_nonzero(x % 2 == 0, dim=0))
print("take_along_dim", torch.take_along_dim(x, torch.argsort(x, dim=1), dim=1))
acc_t = torch.zeros(4)
acc_t.index_put_((torch.tensor([0, 1, 0, 3]),), torch.tensor([1.0, 2.0, 3.0, 4.0]), accumulate=True)
print("index_put_ accumulate", acc_t)
print("narrow", torch.arange(10).narrow(0, 2, 5))
print("unflatten", torch.arange(12).unflatten(0, (3, -1)))
print("movedim", torch.zeros(2, 3, 4).movedim(0, -1).shape, torch.zeros(2, 3, 4).movedim((0, 1), (2, 0)).shape)
print("tensor_split", torch.tensor_split(torch.arange(7), 3), torch.tensor_split(torch.arange(7), [1, 5]))
print("block_diag", torch.block_diag(torch.tensor([[1, 2]]), torch.tensor([[3], [4]])))
print("cartesian_prod", torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([5, 6, 7])))
print("combinations", torch.combinations(torch.tensor([1, 2, 3, 4]), r=2))
print("combinations with replacement", torch.combinations(torch.tensor([1, 2, 3]), r=2, with_replacement=True))
print("rot90", torch.rot90(torch.arange(6).reshape(2, 3), 1, [0, 1]), torch.rot90(torch.arange(6).reshape(2, 3), -1))
print("tril offset", torch.tril(torch.ones(3, 4, dtype=torch.long), diagonal=1))
print("triu offset", torch.triu(torch.arange(1, 13).reshape(3, 4), diagonal=-1))
print("chunk", torch.arange(10).chunk(4))
print("split sizes", torch.arange(10).split([3, 3, 4]))
print("stack/hstack/dstack", torch.hstack([torch.tensor([1, 2]), torch.tensor([3])]),
      torch.dstack([torch.tensor([1, 2]), torch.tensor([3, 4])]).shape)
print("clamp tensor bounds", torch.clamp(torch.arange(6.0), min=torch.tensor(1.0), max=torch.tensor([4.0])))
print("sign/sgn", torch.sign(torch.tensor([-2.0, 0.0, 3.0])), torch.sgn(torch.tensor([-2, 0, 3])))
print("floor_divide/remainder/fmod", torch.floor_divide(torch.tensor([-7, 7]), 2),
      torch.remainder(torch.tensor([-7, 7]), 3), torch.fmod(torch.tensor([-7, 7]), 3))
print("bitwise", torch.tensor([12, 10]) & 6, torch.tensor([12, 10]) | 1, torch.tensor([12, 10]) ^ 5,
      torch.tensor([1, 4]) << 2, torch.tensor([-16, 16]) >> 2, ~torch.tensor([0, 5]))
