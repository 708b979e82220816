"""Binning and searching as a data-analysis notebook writes it: torch.histc with min=max=0 (data
range), torch.histogram with an int bin count, with explicit bin edges, range=, weight= and
density=True, torch.bucketize with right= and out_int32=, searchsorted with side=, sorter= and a
scalar, a batch of sorted rows, quantile with every interpolation mode and dims, nanquantile,
unique with sorted/return_inverse/return_counts/dim, unique_consecutive with dim, bincount with
weights and minlength, and an equal-frequency discretizer + calibration table built from them."""

import torch

torch.set_num_threads(1)
torch.manual_seed(0)

x = torch.randn(200) * 2 + 1
print("histc default", torch.histc(x, bins=5))
print("histc range", torch.histc(x, bins=4, min=-2, max=2))
print("histc int-valued", torch.histc(torch.tensor([1.0, 2.0, 1.0, 4.0]), bins=4, min=0, max=3))
print("histc equal min max", torch.histc(torch.tensor([2.0, 2.0, 2.0]), bins=3))
h = torch.histogram(x, bins=6)
print("histogram", h.hist, h.bin_edges)
h2 = torch.histogram(x, bins=torch.tensor([-3.0, -1.0, 0.0, 0.5, 5.0]))
print("histogram edges", h2)
h3 = torch.histogram(x, bins=4, range=(0.0, 2.0), density=True)
print("histogram density", h3.hist, (h3.hist * h3.bin_edges.diff()).sum())
w = torch.linspace(0, 1, 200)
h4 = torch.histogram(x, bins=3, weight=w)
print("histogram weight", h4.hist)

edges = torch.tensor([0.0, 1.0, 2.5, 4.0])
v = torch.tensor([[-1.0, 0.0, 1.0], [2.5, 3.9, 4.0]])
print("bucketize", torch.bucketize(v, edges), torch.bucketize(v, edges, right=True))
print("bucketize int32", torch.bucketize(v, edges, out_int32=True).dtype, torch.bucketize(2.5, edges))
print("searchsorted", torch.searchsorted(edges, v), torch.searchsorted(edges, v, side="right"),
      torch.searchsorted(edges, v, right=True, out_int32=True))
unsorted = torch.tensor([4.0, 0.0, 2.5, 1.0])
sorter = torch.argsort(unsorted)
print("sorter", torch.searchsorted(unsorted, torch.tensor([1.5, 3.0]), sorter=sorter))
rows = torch.tensor([[1.0, 3.0, 5.0, 7.0], [2.0, 4.0, 6.0, 8.0]])
print("batched", torch.searchsorted(rows, torch.tensor([[3.0, 6.0], [1.0, 9.0]])))
print("scalar", torch.searchsorted(edges, torch.tensor(1.5)), torch.searchsorted(edges, 3.0))
iv = torch.tensor([1, 3, 3, 7])
print("int search", torch.searchsorted(iv, torch.tensor([3, 4, 8])), torch.searchsorted(iv, torch.tensor([3]), side="right"))

q = torch.tensor([0.1, 0.25, 0.5, 0.9])
data = torch.tensor([[1.0, 7.0, 3.0, 4.0, 2.0], [10.0, 0.0, 5.0, 5.0, 6.0]])
for mode in ["linear", "lower", "higher", "midpoint", "nearest"]:
    print("quantile", mode, torch.quantile(data, q, dim=1, interpolation=mode))
print("quantile keepdim", torch.quantile(data, 0.3, dim=0, keepdim=True), torch.quantile(data, q).shape)
print("quantile scalar", data.quantile(0.75), data.quantile(torch.tensor(0.75), dim=1, keepdim=True))
nd = data.clone()
nd[0, 1] = float("nan")
print("nanquantile", nd.nanquantile(0.5, dim=1), torch.quantile(nd, 0.5, dim=1))
print("nanquantile all nan row", torch.tensor([[float("nan")] * 3, [1.0, 2.0, 3.0]]).nanquantile(0.5, dim=1))

t = torch.tensor([3, 1, 2, 3, 3, 1, 5])
u, inv, cnt = torch.unique(t, return_inverse=True, return_counts=True)
print("unique", u, inv, cnt)
print("unique unsorted-flag", torch.unique(t, sorted=False).sort().values)
m = torch.tensor([[1, 2], [3, 4], [1, 2], [0, 9]])
print("unique dim0", torch.unique(m, dim=0, return_inverse=True, return_counts=True))
print("unique dim1", torch.unique(torch.tensor([[1, 1, 2], [3, 3, 4]]), dim=1))
print("unique_consecutive", torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 3, 1, 1]), return_counts=True,
                                                   return_inverse=True))
print("unique_consecutive dim", torch.unique_consecutive(torch.tensor([[1, 1, 2, 2], [0, 0, 3, 3]]), dim=1))
print("unique float", torch.unique(torch.tensor([0.5, -0.0, 0.0, 0.5, 2.0])))
print("bincount", torch.bincount(torch.tensor([0, 2, 2, 5])), torch.bincount(torch.tensor([1, 1]), minlength=4))
print("bincount weights", torch.bincount(torch.tensor([0, 2, 2]), weights=torch.tensor([0.5, 1.0, 2.0])),
      torch.bincount(torch.tensor([0, 1]), weights=torch.tensor([1, 2])).dtype,
      torch.bincount(torch.tensor([], dtype=torch.long)))

# equal-frequency discretizer (KBinsDiscretizer strategy='quantile') + reliability table
torch.manual_seed(1)
scores = torch.rand(500) ** 1.5
labels = (torch.rand(500) < scores).long()
qs = torch.linspace(0, 1, 6)
cuts = torch.quantile(scores, qs)
print("cuts", cuts)
bins = torch.bucketize(scores, cuts[1:-1])
print("bin sizes", torch.bincount(bins, minlength=5))
conf = torch.zeros(5).scatter_reduce(0, bins, scores, reduce="mean", include_self=False)
acc = torch.zeros(5).index_add(0, bins, labels.float()) / torch.bincount(bins, minlength=5)
print("confidence", conf, "accuracy", acc)
ece = (torch.bincount(bins, minlength=5).float() / len(scores) * (conf - acc).abs()).sum()
print("ece", ece.item())
fixed = torch.histc(scores, bins=10, min=0, max=1)
print("fixed-width counts", fixed.long().tolist())
