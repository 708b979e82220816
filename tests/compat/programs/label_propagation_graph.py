"""Label propagation (Zhou et al.) and a two-layer GCN on a stochastic block model graph, as graph-learning
notebooks write them without torch_geometric: an edge list made symmetric and deduplicated with
torch.unique(dim=1), a dense adjacency filled by index_put_ and multiplied by torch.sparse.mm, symmetric
normalisation D^-1/2 A D^-1/2 with an inf-safe pow, the closed form (I - alpha S)^-1 Y by
torch.linalg.solve against the iterative propagation, then a GCN trained on the same labelled nodes and a
correct-and-smooth step.

(Adapted: the script built a sparse COO adjacency with torch.sparse_coo_tensor/coalesce; here the
adjacency is dense, so torch.sparse.mm gets dense operands.)"""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

n_per, k = 20, 3
N = n_per * k
labels = torch.arange(k).repeat_interleave(n_per)
p_in, p_out = 0.3, 0.03
probs = torch.where(labels[:, None] == labels[None, :], torch.tensor(p_in), torch.tensor(p_out))
upper = torch.triu(torch.bernoulli(probs), diagonal=1)
edge_index = upper.nonzero().t()
edge_index = torch.cat([edge_index, edge_index.flip(0)], dim=1)
edge_index = torch.cat([edge_index, edge_index[:, :5]], dim=1)  # duplicates, as messy edge lists have
print("edges with duplicates", edge_index.shape[1])
edge_index = torch.unique(edge_index, dim=1)
print("unique edges", edge_index.shape[1], "first", edge_index[:, :4].tolist(), edge_index.dtype)

A = torch.zeros(N, N).index_put_((edge_index[0], edge_index[1]), torch.ones(edge_index.shape[1]), accumulate=True)
print("adjacency", A.layout, A.is_sparse, int(A.count_nonzero()), A.max().item(), tuple(A.nonzero().t().shape))
deg = A.sum(dim=1)
isolated = int((deg == 0).sum())
d_inv_sqrt = deg.pow(-0.5)
d_inv_sqrt[torch.isinf(d_inv_sqrt)] = 0.0
print("degree min/max", deg.min().item(), deg.max().item(), "isolated", isolated)
S = d_inv_sqrt[:, None] * A * d_inv_sqrt[None, :]
S_dense = S.to_dense()
print("S symmetric", torch.allclose(S_dense, S_dense.t()), f"spectral radius {torch.linalg.eigvalsh(S_dense).abs().max().item():.4f}")

train_mask = torch.zeros(N, dtype=torch.bool)
train_mask[torch.arange(0, N, 10)] = True
Y = torch.zeros(N, k)
Y[train_mask] = F.one_hot(labels[train_mask], k).float()
print("labelled", int(train_mask.sum()), "per class", torch.bincount(labels[train_mask]).tolist())

alpha = 0.9
F_closed = torch.linalg.solve(torch.eye(N) - alpha * S_dense, Y)
F_iter = Y.clone()
for it in range(200):
    F_new = alpha * torch.sparse.mm(S, F_iter) + (1 - alpha) * Y
    delta = (F_new - F_iter).abs().max()
    F_iter = F_new
    if delta < 1e-6:
        break
print(f"iterations {it + 1} closed == iterative: {(F_closed * (1 - alpha) - F_iter).abs().max().item() < 1e-5}")
pred = F_closed.argmax(1)
acc = (pred[~train_mask] == labels[~train_mask]).float().mean()
print(f"label propagation test acc {acc.item():.4f}")


class GCN(nn.Module):
    def __init__(self, d_in, d_hid, d_out):
        super().__init__()
        self.w1 = nn.Linear(d_in, d_hid)
        self.w2 = nn.Linear(d_hid, d_out)

    def forward(self, x, adj):
        h = F.relu(torch.sparse.mm(adj, self.w1(x)))
        h = F.dropout(h, 0.5, self.training)
        return torch.sparse.mm(adj, self.w2(h))


A_hat = A + torch.eye(N)
deg_hat = A_hat.sum(1)
A_norm = A_hat / (deg_hat[:, None] * deg_hat[None, :]).sqrt()
X = torch.randn(N, 8) + F.one_hot(labels, k).float().repeat(1, 3)[:, :8] * 0.5
model = GCN(8, 16, k)
opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
for epoch in range(60):
    model.train()
    out = model(X, A_norm)
    loss = F.cross_entropy(out[train_mask], labels[train_mask])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 15 == 0 or epoch == 59:
        model.eval()
        with torch.no_grad():
            acc = (model(X, A_norm).argmax(1)[~train_mask] == labels[~train_mask]).float().mean()
        print(f"epoch {epoch:2d} loss {loss.item():.4f} test acc {acc.item():.4f}")

# correct and smooth: propagate the residual errors of the base prediction
model.eval()
with torch.no_grad():
    base = model(X, A_norm).softmax(1)
E = torch.zeros(N, k)
E[train_mask] = Y[train_mask] - base[train_mask]
for _ in range(20):
    E = 0.8 * torch.sparse.mm(S, E) + 0.2 * E * train_mask[:, None]
corrected = base + E
acc = (corrected.argmax(1)[~train_mask] == labels[~train_mask]).float().mean()
print(f"corrected acc {acc.item():.4f} residual norm {E.norm().item():.4f}")
print("S row 0 nonzeros", S[0].nonzero().flatten().tolist(), [f"{v:.4f}" for v in S[0][S[0] > 0].tolist()])
