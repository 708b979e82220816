"""Segment-style reductions the way graph and recommender code writes them without extension
libraries: scatter_reduce with every reduce ("sum", "prod", "mean", "amax", "amin") and
include_self True/False on float and integer tensors, its gradients (ties included), index_add_
with alpha, index_copy_, index_fill_, index_reduce_, masked_fill with a 0-d tensor value,
masked_scatter_, torch.where with scalars of each kind (dtypes printed via the result), put_ with
accumulate, segment softmax by scatter_reduce amax + scatter_add, and a mean-pool of a ragged batch
by index_add_ / bincount, trained a few steps."""

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)

src = torch.tensor([5.0, 1.0, 3.0, 3.0, -2.0, 7.0])
index = torch.tensor([0, 1, 0, 1, 2, 1])
for reduce in ("sum", "prod", "mean", "amax", "amin"):
    for include_self in (True, False):
        base = torch.tensor([1.0, 2.0, 10.0, -1.0])
        out = base.scatter_reduce(0, index, src, reduce=reduce, include_self=include_self)
        print(f"scatter_reduce {reduce:4s} include_self={include_self}", out.tolist())
isrc = torch.tensor([4, 9, 2, 7, 5, 6])
for reduce in ("sum", "prod", "mean", "amax", "amin"):
    out = torch.full((4,), 3).scatter_reduce(0, index, isrc, reduce=reduce, include_self=False)
    print(f"int scatter_reduce {reduce}", out.tolist(), out.dtype == torch.int64)
print("int mean include_self", torch.full((4,), 3).scatter_reduce(0, index, isrc, "mean").tolist())

m2 = torch.zeros(2, 3).scatter_reduce(1, torch.tensor([[0, 0, 2], [1, 1, 1]]), torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
                                      reduce="amax", include_self=False)
print("2d amax", m2.tolist())

for reduce in ("sum", "prod", "mean", "amax", "amin"):
    s = torch.tensor([2.0, 2.0, 3.0, -1.0, 4.0, 4.0], requires_grad=True)
    b = torch.tensor([1.0, 2.0, 0.5], requires_grad=True)
    idx = torch.tensor([0, 0, 1, 1, 2, 2])
    out = b.scatter_reduce(0, idx, s, reduce=reduce, include_self=False)
    (out * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    print(f"grad {reduce}", [round(v, 4) for v in s.grad.tolist()], [round(v, 4) for v in b.grad.tolist()])
s = torch.tensor([2.0, 2.0, 1.0], requires_grad=True)
b = torch.tensor([2.0, 0.0], requires_grad=True)
b.scatter_reduce(0, torch.tensor([0, 0, 1]), s, "amax", include_self=True).sum().backward()
print("amax ties with self", s.grad.tolist(), b.grad.tolist())

x = torch.zeros(5, 3)
x.index_add_(0, torch.tensor([0, 4, 2, 0]), torch.ones(4, 3), alpha=2.5)
print("index_add_ alpha", x.tolist())
print("index_add int", torch.zeros(3, dtype=torch.long).index_add(0, torch.tensor([0, 0, 2]), torch.tensor([1, 2, 3]), alpha=3).tolist())
y = torch.zeros(4, 2)
y.index_copy_(0, torch.tensor([3, 1]), torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
print("index_copy_", y.tolist())
print("index_fill_", torch.arange(6.0).view(2, 3).index_fill_(1, torch.tensor([0, 2]), -1.0).tolist())
print("index_fill tensor value", torch.arange(6.0).view(2, 3).index_fill(0, torch.tensor([1]), torch.tensor(9.0)).tolist())
z = torch.ones(3, 2)
z.index_reduce_(0, torch.tensor([0, 0, 2]), torch.tensor([[2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]), "prod")
print("index_reduce_ prod", z.tolist())
z2 = torch.ones(3, 2).index_reduce(0, torch.tensor([0, 0, 2]), torch.tensor([[2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]),
                                   "mean", include_self=False)
print("index_reduce mean", z2.tolist())

t = torch.arange(6.0).view(2, 3)
mask = t > 2
print("masked_fill 0-d", t.masked_fill(mask, torch.tensor(-5.0)).tolist())
print("masked_fill bcast", t.masked_fill(torch.tensor([True, False, True]), 0.5).tolist())
ms = torch.zeros(2, 3)
ms.masked_scatter_(mask, torch.tensor([10.0, 20.0, 30.0, 40.0]))
print("masked_scatter_", ms.tolist())
w1 = torch.where(mask, t, 0)
w2 = torch.where(mask, 1, 0)
w3 = torch.where(mask, 1.5, torch.tensor([1, 2, 3]))
w4 = torch.where(mask, torch.tensor(1, dtype=torch.int32), 2)
print("where", w1.tolist(), str(w1.dtype).split(".")[-1], w2.tolist(), str(w2.dtype).split(".")[-1],
      w3.tolist(), str(w3.dtype).split(".")[-1], w4.tolist(), str(w4.dtype).split(".")[-1])
print("where 1-arg", [v.tolist() for v in torch.where(mask)])
pt = torch.zeros(2, 3)
pt.put_(torch.tensor([0, 5, 0]), torch.tensor([1.0, 2.0, 3.0]), accumulate=True)
print("put_ accumulate", pt.tolist())
print("take", torch.take(t, torch.tensor([[0, 5], [2, 1]])).tolist())


def segment_softmax(scores, seg, n):
    mx = torch.full((n,), float("-inf")).scatter_reduce(0, seg, scores, "amax", include_self=True)
    e = (scores - mx[seg]).exp()
    den = torch.zeros(n).scatter_add(0, seg, e)
    return e / den[seg]


sc = torch.tensor([1.0, 2.0, 3.0, 0.5, 0.5, 10.0])
seg = torch.tensor([0, 0, 0, 1, 1, 2])
print("segment softmax", [round(v, 5) for v in segment_softmax(sc, seg, 3).tolist()])

# ragged mean-pooling classifier: node features pooled per graph
n_nodes = torch.randint(2, 6, (24,))
graph_of = torch.repeat_interleave(torch.arange(24), n_nodes)
feats = torch.randn(int(n_nodes.sum()), 5)
labels = (torch.zeros(24).index_add_(0, graph_of, feats[:, 0]) > 0).long()
print("nodes", int(n_nodes.sum()), "bincount", torch.bincount(graph_of)[:6].tolist(), "labels", labels[:10].tolist())
enc = nn.Linear(5, 8)
head = nn.Linear(8, 2)
opt = torch.optim.SGD(list(enc.parameters()) + list(head.parameters()), lr=0.5, momentum=0.9)
for step in range(30):
    h = torch.relu(enc(feats))
    pooled = torch.zeros(24, 8).index_add(0, graph_of, h) / torch.bincount(graph_of).unsqueeze(1)
    maxpool = torch.full((24, 8), float("-inf")).scatter_reduce(0, graph_of.unsqueeze(1).expand(-1, 8), h, "amax")
    logits = head(pooled + maxpool)
    loss = nn.functional.cross_entropy(logits, labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        acc = (logits.argmax(1) == labels).float().mean().item()
        print(f"step {step + 1} loss {loss.item():.4f} acc {acc:.3f}")
