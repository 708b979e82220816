"""Sorting, ranking and counting the way evaluation and data-prep code does it: stable sort and argsort
with ties (descending too), topk on ties, kthvalue / median / mode / quantile, unique (sorted, inverse,
counts, dim=0) and unique_consecutive for run-length encoding, bincount with weights and minlength,
histc and histogram, searchsorted / bucketize for binning, cumsum-based ranks, torch.where with
scalars, integer and bool arithmetic (true division, floor division and remainder of negatives,
bool sums, int8 / uint8 overflow), and a mean reciprocal rank / NDCG computed from argsort."""

import torch

torch.manual_seed(0)

scores = torch.tensor([0.3, 0.9, 0.3, 0.1, 0.9, 0.5, 0.3])
print("sort stable", torch.sort(scores, stable=True))
print("sort desc stable", torch.sort(scores, descending=True, stable=True))
print("argsort desc stable", scores.argsort(descending=True, stable=True).tolist())
print("topk", scores.topk(3), scores.topk(2, largest=False))
print("kthvalue", scores.kthvalue(3), "median", scores.median(), "nanmedian", torch.tensor([1.0, float("nan"), 3.0]).nanmedian())
print("mode", torch.tensor([2, 1, 2, 3, 1, 1, 2]).mode())
print("quantiles", torch.quantile(scores, torch.tensor([0.1, 0.5, 0.9])), torch.quantile(scores, 0.5, interpolation="lower"),
      torch.quantile(scores, 0.25, interpolation="midpoint"), torch.quantile(scores, 0.75, interpolation="nearest"))
ranks = torch.empty_like(scores, dtype=torch.long)
ranks[scores.argsort(stable=True)] = torch.arange(len(scores))
print("ranks", ranks.tolist())
m = torch.tensor([[3, 1, 2], [1, 3, 3], [3, 1, 2]])
print("sort rows", m.sort(dim=1), m.sort(dim=0, descending=True).indices)

tokens = torch.tensor([4, 4, 4, 1, 1, 7, 4, 4, 9, 9, 9, 9])
vals, inv, counts = torch.unique(tokens, return_inverse=True, return_counts=True)
print("unique", vals.tolist(), inv.tolist(), counts.tolist())
print("unique unsorted size", torch.unique(tokens, sorted=False).numel())
run_vals, run_counts = torch.unique_consecutive(tokens, return_counts=True)
print("run-length", list(zip(run_vals.tolist(), run_counts.tolist())))
rows, rinv = torch.unique(m, dim=0, return_inverse=True)
print("unique rows", rows.tolist(), rinv.tolist())
print("bincount", torch.bincount(tokens), torch.bincount(tokens, minlength=12).shape)
print("weighted bincount", torch.bincount(torch.tensor([0, 1, 1, 3]), weights=torch.tensor([0.5, 0.25, 0.25, 2.0])))
x = torch.randn(200)
print("histc", torch.histc(x, bins=6, min=-3, max=3))
hist, edges = torch.histogram(x, bins=5)
print("histogram", hist, edges)
boundaries = torch.tensor([-1.0, 0.0, 1.0])
print("bucketize", torch.bucketize(torch.tensor([-2.0, -1.0, 0.5, 1.0, 3.0]), boundaries),
      torch.bucketize(torch.tensor([-1.0, 1.0]), boundaries, right=True))
sorted_seq = torch.tensor([[1, 3, 5, 7], [2, 4, 6, 8]])
print("searchsorted", torch.searchsorted(sorted_seq, torch.tensor([[3, 6], [1, 9]])),
      torch.searchsorted(sorted_seq, torch.tensor([[3, 6], [1, 9]]), side="right"))
print("searchsorted sorter", torch.searchsorted(torch.tensor([5, 1, 3]), torch.tensor([2, 4]), sorter=torch.tensor([1, 2, 0])))

# where with scalars, and int / bool arithmetic
t = torch.tensor([-7, -2, 0, 3, 8])
print("where scalar", torch.where(t > 0, t, 0), torch.where(t > 0, 1.0, -1.0), torch.where(t > 0, t, 0.5))
print("true div", t / 2, "floor div", t // 3, torch.div(t, 3, rounding_mode="trunc"), "remainder", t % 3,
      "fmod", torch.fmod(t, 3))
print("bool sum", (t > 0).sum(), (t > 0).float().mean(), (t > 0).any(), (t > 0).all(), (t != 0).nonzero().flatten())
print("bool ops", (t > 0) & (t < 5), (t > 0) | (t < -5), (t > 0) ^ (t > 2), ~(t > 0))
u = torch.tensor([250, 3], dtype=torch.uint8)
i8 = torch.tensor([120, -120], dtype=torch.int8)
print("uint8 wrap", u + 10, u - 5, u * 2, "int8 wrap", i8 + 10, i8 - 10)
print("int promote", t * 1.5, t + torch.tensor(0.5, dtype=torch.float64), (t + True), t.float().pow(2).sum())
print("clamp int", t.clamp(-3, 3), t.abs().max(), t.sign(), t.cumsum(0), t.cumprod(0))
for bad in (lambda: t.add_(0.5), lambda: (t > 0).add_(1), lambda: u.div_(2)):
    try:
        bad()
    except RuntimeError as e:
        print("in-place cast refused:", e)
print("argmax ties", torch.tensor([1, 3, 3, 2]).argmax(), torch.tensor([[1, 5], [5, 1]]).argmax(dim=0))

# retrieval metrics from argsort
torch.manual_seed(1)
qs = torch.randn(5, 12)
relevant = torch.zeros(5, 12, dtype=torch.bool)
relevant[torch.arange(5), torch.randint(0, 12, (5,))] = True
order = qs.argsort(dim=1, descending=True)
hit_rank = (relevant.gather(1, order).float().argmax(1) + 1).float()
print("ranks of hits", hit_rank.tolist(), "MRR", f"{(1 / hit_rank).mean().item():.6f}")
gains = torch.rand(5, 12).gather(1, order)
disc = torch.log2(torch.arange(2, 14).float())
dcg = (gains / disc).sum(1)
ideal = (gains.sort(dim=1, descending=True).values / disc).sum(1)
print("NDCG", (dcg / ideal))
print("recall@3", relevant.gather(1, order[:, :3]).any(1).float().mean().item())
