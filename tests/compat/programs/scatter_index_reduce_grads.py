"""Segment reductions as GNN tutorials write them without torch_scatter: scatter_reduce with every
reduce ('sum', 'prod', 'mean', 'amax', 'amin') and include_self True/False, on 1-D and 2-D, float and
int, with empty segments; index_reduce with each reduce and include_self; index_add with alpha,
index_copy, index_fill, index_put_ with accumulate and duplicate indices, put_/take, masked_scatter,
scatter_add and scatter with a value; then gradients of the float reductions (ties in amax split the
gradient as PyTorch does, prod with a zero), and a message-passing layer (mean and max aggregators)
trained for a few steps."""

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)

src = torch.tensor([1.0, 4.0, 2.0, 4.0, -3.0, 0.5])
idx = torch.tensor([0, 0, 2, 2, 2, 3])
base = torch.tensor([10.0, 20.0, 30.0, 40.0, 50.0])
for reduce in ["sum", "prod", "mean", "amax", "amin"]:
    for inc in [True, False]:
        out = base.scatter_reduce(0, idx, src, reduce=reduce, include_self=inc)
        print(f"scatter_reduce {reduce:4s} include_self={inc!s:5s}", out.tolist())
ib = torch.tensor([5, 6, 7, 8])
isrc = torch.tensor([3, 1, 4, 1, 5])
iidx = torch.tensor([1, 1, 3, 3, 3])
for reduce in ["sum", "prod", "mean", "amax", "amin"]:
    print("int scatter_reduce", reduce, ib.scatter_reduce(0, iidx, isrc, reduce, include_self=False).tolist(),
          ib.scatter_reduce(0, iidx, isrc, reduce).tolist())
m2 = torch.zeros(2, 4)
i2 = torch.tensor([[0, 1, 1], [3, 3, 0]])
s2 = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print("2-D scatter_reduce mean", m2.scatter_reduce(1, i2, s2, "mean", include_self=False))
print("2-D scatter_reduce amax", torch.full((2, 4), -1.0).scatter_reduce(1, i2, s2, "amax"))

x = torch.ones(4, 2)
ridx = torch.tensor([0, 2, 0])
rsrc = torch.tensor([[2.0, 3.0], [4.0, 5.0], [6.0, 7.0]])
for reduce in ["prod", "mean", "amax", "amin"]:
    for inc in [True, False]:
        print(f"index_reduce {reduce} include_self={inc}", x.index_reduce(0, ridx, rsrc, reduce, include_self=inc).tolist())
print("index_reduce dim1", torch.zeros(2, 3).index_reduce_(1, torch.tensor([2, 2]), torch.tensor([[1.0, 5.0], [7.0, 2.0]]),
                                                             "amax", include_self=False))
print("index_add alpha", torch.zeros(3, 2).index_add(0, torch.tensor([0, 0, 2]), rsrc, alpha=0.5))
print("index_add int", torch.zeros(3, dtype=torch.long).index_add_(0, torch.tensor([1, 1]), torch.tensor([2, 3]), alpha=2))
print("index_copy", torch.zeros(4, 2).index_copy(0, torch.tensor([3, 1]), rsrc[:2]))
print("index_fill", torch.arange(6.0).view(2, 3).index_fill(1, torch.tensor([0, 2]), -1.0))
t = torch.zeros(3, 3)
t.index_put_((torch.tensor([0, 0, 2]), torch.tensor([1, 1, 2])), torch.tensor([1.0, 2.0, 3.0]), accumulate=True)
print("index_put_ accumulate", t)
t2 = torch.zeros(3)
t2[torch.tensor([1, 1, 1])] += 1.0
print("fancy += with duplicates", t2)
print("put_ accumulate", torch.zeros(2, 3).put_(torch.tensor([0, 5, 5, -1]), torch.tensor([1.0, 2.0, 3.0, 4.0]), accumulate=True))
print("take", torch.take(torch.arange(6.0).view(2, 3), torch.tensor([[0, 5], [-1, 2]])))
mask = torch.tensor([[True, False, True], [False, True, True]])
print("masked_scatter", torch.zeros(2, 3).masked_scatter(mask, torch.arange(10.0, 20.0)))
print("scatter value", torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), 7.5))
print("scatter_add 2-D", torch.zeros(3, 3).scatter_add(0, torch.tensor([[0, 1, 2], [0, 0, 0]]), torch.ones(2, 3)))

# gradients
v = torch.tensor([1.0, 4.0, 4.0, 2.0, 0.0, 3.0], requires_grad=True)
seg = torch.tensor([0, 0, 0, 1, 1, 1])
for reduce in ["sum", "mean", "amax", "amin", "prod"]:
    v.grad = None
    out = torch.zeros(2).scatter_reduce(0, seg, v, reduce, include_self=False)
    (out * torch.tensor([1.0, 10.0])).sum().backward()
    print("grad", reduce, out.tolist(), v.grad.tolist())
w = torch.tensor([[2.0, 3.0], [2.0, 1.0], [5.0, 0.0]], requires_grad=True)
out = torch.ones(2, 2).index_reduce(0, torch.tensor([0, 0, 1]), w, "amax", include_self=False)
out.sum().backward()
print("index_reduce amax grad", out.tolist(), w.grad.tolist())
w.grad = None
torch.ones(2, 2).index_reduce(0, torch.tensor([0, 0, 1]), w, "mean").sum().backward()
print("index_reduce mean grad", w.grad.tolist())
w.grad = None
torch.full((2, 2), 2.0).index_reduce(0, torch.tensor([0, 0, 1]), w, "prod").sum().backward()
print("index_reduce prod grad", w.grad.tolist())
q = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
torch.zeros(4).index_add(0, torch.tensor([1, 1, 3]), q, alpha=3.0).pow(2).sum().backward()
print("index_add grad", q.grad.tolist())


# message passing with mean and max aggregation
class SAGE(nn.Module):
    def __init__(self, d_in, d_out, aggr):
        super().__init__()
        self.lin_self = nn.Linear(d_in, d_out)
        self.lin_nbr = nn.Linear(d_in, d_out, bias=False)
        self.aggr = aggr

    def forward(self, h, edge_index):
        src_, dst = edge_index
        agg = torch.zeros(h.shape[0], h.shape[1]).scatter_reduce(
            0, dst.view(-1, 1).expand(-1, h.shape[1]), h[src_], reduce=self.aggr, include_self=False)
        return self.lin_self(h) + self.lin_nbr(agg)


edges = torch.tensor([[0, 1, 1, 2, 3, 4, 4, 5], [1, 0, 2, 1, 4, 3, 5, 4]])
feats = torch.randn(6, 4)
labels = torch.tensor([0, 0, 0, 1, 1, 1])
for aggr in ["mean", "amax"]:
    torch.manual_seed(2)
    layer1, layer2 = SAGE(4, 8, aggr), SAGE(8, 2, aggr)
    opt = torch.optim.Adam(list(layer1.parameters()) + list(layer2.parameters()), lr=0.05)
    for step in range(6):
        opt.zero_grad()
        logits = layer2(torch.relu(layer1(feats, edges)), edges)
        loss = nn.functional.cross_entropy(logits, labels)
        loss.backward()
        opt.step()
        print(f"sage {aggr} step {step} loss {loss.item():.6f}")
    print(aggr, "grad norm", f"{layer1.lin_nbr.weight.grad.norm().item():.6f}")
