"""A "reductions cheat sheet" notebook: sum/prod/mean/nansum/nanmean with dtype=, out= and dim tuples,
keepdim, negative dims, std/var with correction= and unbiased=, var_mean/std_mean, amax/amin over
tuples, logsumexp over a tuple, norm with p and dims, linalg.vector_norm with dtype, count_nonzero over
a tuple, all/any with dim tuples, cumsum/cumprod with dtype, integer sums promoting to int64, bool sums,
median/nanmedian/mode values and indices, max/min with dim returning namedtuples (printed),
aminmax, and then a tiny standardization pipeline whose statistics use these."""

import torch

torch.set_num_threads(1)
torch.manual_seed(0)

x = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) / 7 - 1.5
print("x sum dims (0, 2)", x.sum(dim=(0, 2)))
print("x sum dims (-1, 0) keepdim", x.sum((-1, 0), keepdim=True).shape, x.sum((-1, 0), keepdim=True).flatten())
print("sum dtype float64", x.sum(dtype=torch.float64), x.sum(1, dtype=torch.float64).dtype)
print("mean dims", x.mean((1, 2)), x.mean(dim=[0, 1], keepdim=True).shape)
print("prod dim", x.prod(2), x.prod(dim=-1, keepdim=True).shape)
print("prod dtype", torch.prod(x[0], 1, dtype=torch.float64))
out = torch.empty(3)
torch.sum(x, dim=(0, 2), out=out)
print("sum out", out)
out2 = torch.empty(0)
torch.mean(x, 0, out=out2)
print("mean into empty out", out2.shape, out2[1])

i8 = torch.tensor([[100, 100, 100], [-100, 27, 1]], dtype=torch.int8)
print("int8 sum", i8.sum(), i8.sum().dtype, i8.sum(1), i8.sum(1).dtype)
print("int8 sum dtype=int8", i8.sum(1, dtype=torch.int8))
print("int8 prod", i8.prod(0), i8.prod().dtype, "cumsum dtype", i8.cumsum(1).dtype, i8.cumsum(1, dtype=torch.int16))
u8 = torch.tensor([200, 100, 50], dtype=torch.uint8)
print("uint8 sum", u8.sum(), u8.sum().dtype, "cumsum", u8.cumsum(0), u8.cumprod(0).dtype)
bl = torch.tensor([[True, False, True], [True, True, False]])
print("bool sum", bl.sum(), bl.sum(0), bl.sum(0).dtype, "mean float", bl.float().mean(1))
print("bool cumsum", bl.cumsum(1), bl.cumsum(1).dtype, "prod", bl.prod(1), bl.prod(1).dtype)
print("all/any tuple", bl.all(dim=(0, 1)), bl.any(dim=(0,)), torch.all(bl, 1, keepdim=True).shape)
print("int all", torch.tensor([1, 2, 0]).all(), torch.tensor([1, 2, 0]).any().dtype,
      torch.tensor([1.0, 2.0]).all().dtype, torch.tensor([0, 2], dtype=torch.uint8).all().dtype)

print("std correction", x.std(dim=2, correction=0), x.std(dim=2, correction=2))
print("var unbiased False", x.var(1, unbiased=False), x.var((0, 1), keepdim=True).shape)
print("var_mean", torch.var_mean(x, dim=(1, 2), correction=0))
sm = torch.std_mean(x, 2, keepdim=True)
print("std_mean keepdim", sm[0].shape, sm[1].shape, sm[0].flatten()[:3])
print("std of one element", torch.tensor([3.0]).std(correction=0))

print("amax tuple", x.amax(dim=(0, 2)), x.amin((1, 2), keepdim=True).flatten())
print("logsumexp tuple", torch.logsumexp(x, dim=(1, 2)), x.logsumexp(-1, keepdim=True).shape)
print("norm p", x.norm(p=1, dim=(1, 2)), x.norm(dim=2, p=3), x.norm(p="fro", dim=(1, 2)))
print("norm inf", x.norm(p=float("inf"), dim=1), x.norm(p=float("-inf")))
print("vector_norm dtype", torch.linalg.vector_norm(x, ord=2, dim=(0, 1), dtype=torch.float64))
print("vector_norm ord 0", torch.linalg.vector_norm(torch.tensor([0.0, 2.0, -1.0]), ord=0))
print("matrix_norm", torch.linalg.matrix_norm(x, ord=1), torch.linalg.matrix_norm(x + torch.eye(3, 4), ord=-2))
print("count_nonzero", torch.count_nonzero(x.round(), dim=(0, 2)), torch.count_nonzero(x.round()))

n = torch.tensor([[1.0, float("nan"), 3.0], [float("nan"), float("nan"), 6.0]])
print("nansum", n.nansum(), n.nansum(1), torch.nansum(n, dim=0, keepdim=True))
print("nanmean", n.nanmean(1), torch.nanmean(n, dim=(0, 1)), n.nanmean(0, dtype=torch.float64))
print("nanmedian", n.nanmedian(), n.nanmedian(1))
print("median with nan", n.median(), n.median(dim=1))
m = torch.tensor([[2, 1, 2, 3, 1], [4, 4, 0, 0, 5]])
print("mode", torch.mode(m, 1), m.mode(dim=0, keepdim=True).values)
mx = x.max(dim=1)
print("max namedtuple", mx)
print("min keepdim", x.min(-1, keepdim=True).indices.flatten())
print("aminmax", torch.aminmax(x), torch.aminmax(x, dim=1, keepdim=True).max.shape)
print("argmax flat", x.argmax(), x.argmin(dim=2, keepdim=True).flatten())
v, i = torch.sort(torch.tensor([3.0, 1.0, 2.0, 1.0]), stable=True, descending=True)
print("stable sort", v, i)
print("cummax", torch.cummax(torch.tensor([1.0, 3.0, 2.0, 3.0, 5.0]), 0))
print("cumprod dtype", torch.cumprod(torch.tensor([1, 2, 3]), 0, dtype=torch.float32))
print("logcumsumexp", torch.logcumsumexp(x[0], dim=1)[0])

# standardization pipeline: per-feature stats over (batch, time) like a speech front end
torch.manual_seed(3)
feats = torch.randn(8, 5, 4) * torch.tensor([1.0, 2.0, 0.5, 3.0]) + torch.tensor([0.0, 1.0, -2.0, 4.0])
mask = torch.rand(8, 5) > 0.3
denom = mask.sum(dim=(0, 1))
mu = (feats * mask[..., None]).sum(dim=(0, 1)) / denom
var = (((feats - mu) ** 2) * mask[..., None]).sum((0, 1)) / (denom - 1)
print("masked frames", denom.item(), "mu", mu, "std", var.sqrt())
full_var, full_mu = torch.var_mean(feats, dim=(0, 1), correction=1)
print("unmasked", full_mu, full_var.sqrt())
normed = (feats - full_mu) / full_var.sqrt()
print("normed stats", normed.mean((0, 1)).abs().max() < 1e-6, normed.std((0, 1)))
layer = torch.nn.Linear(4, 2)
y = layer(normed).sum(dim=(1,), dtype=torch.float64)
print("pooled", y.dtype, y[:2])
loss = y.float().pow(2).mean()
loss.backward()
print("grad", layer.weight.grad, layer.bias.grad)
