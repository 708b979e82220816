"""A graph convolutional network written without torch_geometric, as blog posts do: the edge list
comes from numpy (int32 arrays, as np.loadtxt / pandas give; made int64), self-loops are added, degrees come from
bincount / scatter_add_, symmetric normalization D^-1/2 A D^-1/2 is applied to messages gathered with
index_select, aggregated with scatter_add / index_add_, plus a mean aggregator via scatter_reduce and a
max aggregator with include_self=False; two-layer GCN node classification with a train mask, and the
same propagation checked against a dense adjacency matrix."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_printoptions(precision=5)
rng = np.random.RandomState(0)

N_NODES, N_FEAT, N_CLASSES = 12, 5, 3
# two communities plus a few bridges
edges = [(i, j) for i in range(6) for j in range(i + 1, 6) if rng.rand() < 0.6]
edges += [(i, j) for i in range(6, 12) for j in range(i + 1, 12) if rng.rand() < 0.6]
edges += [(2, 8), (5, 11)]
edge_np = np.array(edges, dtype=np.int32).T
edge_index = torch.tensor(edge_np)
print("edge_index", edge_index.dtype == torch.int32, tuple(edge_index.shape))
edge_index = edge_index.long()  # (PyTorch's expanded-index scatter_add path wants int64)
edge_index = torch.cat([edge_index, edge_index.flip(0)], dim=1)  # undirected
loops = torch.arange(N_NODES).repeat(2, 1)
edge_index = torch.cat([edge_index, loops], dim=1)
src, dst = edge_index[0], edge_index[1]
deg = torch.zeros(N_NODES).scatter_add_(0, dst, torch.ones(dst.numel()))
print("degrees", deg.tolist(), "bincount agrees", torch.equal(torch.bincount(dst, minlength=N_NODES).float(), deg))
norm = deg[src].rsqrt() * deg[dst].rsqrt()

x = torch.randn(N_NODES, N_FEAT)
y = torch.tensor([0] * 6 + [1] * 6)
y[[0, 7]] = 2


def propagate(h):
    msg = h.index_select(0, src) * norm[:, None]
    return torch.zeros_like(h).scatter_add(0, dst[:, None].expand(-1, h.size(1)), msg)


A = torch.zeros(N_NODES, N_NODES)
A[dst, src] = 1.0
D = A.sum(1).rsqrt()
dense = D[:, None] * A * D[None, :]
print("sparse == dense propagation", torch.allclose(propagate(x), dense @ x, atol=1e-6))
mean_agg = torch.zeros(N_NODES, N_FEAT).scatter_reduce(0, dst[:, None].expand(-1, N_FEAT), x[src], reduce="mean", include_self=False)
max_agg = torch.zeros(N_NODES, N_FEAT).scatter_reduce(0, dst[:, None].expand(-1, N_FEAT), x[src], reduce="amax", include_self=False)
print("mean agg", mean_agg[0], "max agg", max_agg[0])
idx_add = torch.zeros(N_NODES, N_FEAT).index_add_(0, dst, x[src] * norm[:, None])
print("index_add agrees", torch.allclose(idx_add, propagate(x), atol=1e-6))


class GCN(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(N_FEAT, 16)
        self.l2 = nn.Linear(16, N_CLASSES)

    def forward(self, h):
        h = F.relu(propagate(self.l1(h)))
        h = F.dropout(h, 0.0, self.training)
        return propagate(self.l2(h))


model = GCN()
opt = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=5e-4)
train_mask = torch.zeros(N_NODES, dtype=torch.bool)
train_mask[torch.tensor(np.array([0, 1, 3, 6, 7, 9], dtype=np.int32))] = True
for epoch in range(10):
    model.train()
    out = model(x)
    loss = F.cross_entropy(out[train_mask], y[train_mask])
    opt.zero_grad()
    loss.backward()
    opt.step()
    model.eval()
    with torch.no_grad():
        pred = model(x).argmax(1)
    acc = (pred[~train_mask] == y[~train_mask]).float().mean().item()
    print(f"epoch {epoch} loss {loss.item():.5f} test acc {acc:.4f}")
print("predictions", pred.tolist())
print("l1 grad norm", f"{model.l1.weight.grad.norm().item():.6f}")
