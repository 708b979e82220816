"""Graph neural networks in plain PyTorch, as the GCN/GAT tutorials write them
without a graph library: a synthetic two-community graph, a GCN on the dense
normalized adjacency D^-1/2 (A + I) D^-1/2, the same layer by message passing
with index_add_ / scatter_add_ over an edge list (and torch.sparse.mm), and a
GAT layer (LeakyReLU attention scores, masked_fill with -inf, softmax over
neighbours, multi-head concat). Graph, features and weights are fixed, so
every number agrees."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)

# a stochastic block model drawn by numpy: two communities of 30 nodes
rng = np.random.default_rng(0)
n, n_feat, n_class = 60, 8, 2
labels_np = np.repeat([0, 1], n // 2)
p = np.where(labels_np[:, None] == labels_np[None, :], 0.2, 0.02)
upper = np.triu(rng.random((n, n)) < p, 1)
adj_np = (upper | upper.T).astype(np.float32)
feats_np = (rng.normal(size=(n, n_feat)) + 0.6 * labels_np[:, None]).astype(np.float32)

A = torch.from_numpy(adj_np)
X = torch.from_numpy(feats_np)
y = torch.from_numpy(labels_np)
edge_index = A.nonzero().t().contiguous()
print("nodes", n, "edges", edge_index.shape[1], "edge_index", tuple(edge_index.shape),
      edge_index.dtype == torch.int64)
train_mask = torch.zeros(n, dtype=torch.bool)
train_mask[torch.tensor([0, 1, 2, 3, 4, 30, 31, 32, 33, 34])] = True
test_mask = ~train_mask

# dense symmetric normalization
A_hat = A + torch.eye(n)
deg = A_hat.sum(1)
d_inv_sqrt = deg.pow(-0.5)
d_inv_sqrt[torch.isinf(d_inv_sqrt)] = 0.0
A_norm = d_inv_sqrt.unsqueeze(1) * A_hat * d_inv_sqrt.unsqueeze(0)
print("degree range", deg.min().item(), deg.max().item(), "norm symmetric", torch.allclose(A_norm, A_norm.t()))


def fix(module, scale=1.0):
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            fan_in = p.shape[-1] if p.dim() > 1 else p.numel()
            p.copy_(scale * torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 0.83 + i).reshape(p.shape)
                    / fan_in ** 0.5)


class GCNLayer(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)

    def forward(self, x, adj):
        return adj @ self.linear(x)


class MessagePassingGCN(nn.Module):
    """The same layer, aggregating x_j * norm_ij into node i along the edges."""

    def __init__(self, in_features, out_features):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)

    def forward(self, x, edge_index):
        loops = torch.arange(x.size(0))
        row = torch.cat([edge_index[0], loops])
        col = torch.cat([edge_index[1], loops])
        deg = torch.zeros(x.size(0)).index_add_(0, row, torch.ones(row.numel()))
        norm = deg[row].rsqrt() * deg[col].rsqrt()
        h = self.linear(x)
        out = torch.zeros_like(h).index_add_(0, row, h[col] * norm.unsqueeze(1))
        return out


class GCN(nn.Module):
    def __init__(self, layer, hidden=16):
        super().__init__()
        self.conv1 = layer(n_feat, hidden)
        self.conv2 = layer(hidden, n_class)

    def forward(self, x, graph):
        x = F.relu(self.conv1(x, graph))
        x = F.dropout(x, p=0.5, training=False)
        return F.log_softmax(self.conv2(x, graph), dim=1)


class GATLayer(nn.Module):
    def __init__(self, in_features, out_features, heads, concat=True, alpha=0.2):
        super().__init__()
        self.heads, self.out_features, self.concat = heads, out_features, concat
        self.W = nn.Linear(in_features, heads * out_features, bias=False)
        self.a_src = nn.Parameter(torch.empty(heads, out_features))
        self.a_dst = nn.Parameter(torch.empty(heads, out_features))
        self.leakyrelu = nn.LeakyReLU(alpha)
        nn.init.xavier_uniform_(self.a_src, gain=1.414)
        nn.init.xavier_uniform_(self.a_dst, gain=1.414)

    def forward(self, x, adj):
        h = self.W(x).view(-1, self.heads, self.out_features)           # (N, H, F)
        e_src = (h * self.a_src).sum(-1)                                  # (N, H)
        e_dst = (h * self.a_dst).sum(-1)
        e = self.leakyrelu(e_src.unsqueeze(1) + e_dst.unsqueeze(0))       # (N, N, H): i attends to j
        mask = (adj + torch.eye(adj.size(0))) == 0
        e = e.masked_fill(mask.unsqueeze(-1), float("-inf"))
        attention = torch.softmax(e, dim=1)
        attention = F.dropout(attention, 0.0, training=self.training)
        out = torch.einsum("ijh,jhf->ihf", attention, h)
        self.last_attention = attention
        return F.elu(out.reshape(x.size(0), -1)) if self.concat else out.mean(1)


class GAT(nn.Module):
    def __init__(self, hidden=8, heads=4):
        super().__init__()
        self.gat1 = GATLayer(n_feat, hidden, heads)
        self.gat2 = GATLayer(hidden * heads, n_class, 1, concat=False)

    def forward(self, x, adj):
        return F.log_softmax(self.gat2(self.gat1(x, adj), adj), dim=1)


def accuracy(out, mask):
    return (out[mask].argmax(1) == y[mask]).float().mean().item()


def train(name, model, graph, epochs=60, lr=0.01, weight_decay=5e-4):
    fix(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    for epoch in range(epochs):
        model.train()
        optimizer.zero_grad()
        out = model(X, graph)
        loss = F.nll_loss(out[train_mask], y[train_mask])
        loss.backward()
        optimizer.step()
        if epoch % 20 == 0 or epoch == epochs - 1:
            model.eval()
            with torch.no_grad():
                out = model(X, graph)
            print(f"{name} epoch {epoch:3d} | loss {loss.item():.6f} | train acc {accuracy(out, train_mask):.4f}"
                  f" | test acc {accuracy(out, test_mask):.4f}")
    return model


dense = train("gcn dense", GCN(GCNLayer), A_norm)
mp = train("gcn message passing", GCN(MessagePassingGCN), edge_index)
with torch.no_grad():
    same = torch.allclose(dense(X, A_norm), mp(X, edge_index), atol=1e-5)
print("dense == message passing", same)

# scatter forms of the neighbourhood mean and max
src, dst = edge_index
counts = torch.zeros(n).scatter_add_(0, dst, torch.ones(dst.numel()))
summed = torch.zeros(n, n_feat).scatter_add_(0, dst.unsqueeze(1).expand(-1, n_feat), X[src])
mean_agg = summed / counts.clamp(min=1).unsqueeze(1)
max_agg = torch.full((n, n_feat), float("-inf")).scatter_reduce(
    0, dst.unsqueeze(1).expand(-1, n_feat), X[src], reduce="amax", include_self=True)
print("mean agg", [round(v, 5) for v in mean_agg[0, :4].tolist()], "equals A@X/deg",
      torch.allclose(mean_agg, (A @ X) / A.sum(1, keepdim=True).clamp(min=1), atol=1e-6))
print("max agg", [round(v, 5) for v in max_agg[5, :4].tolist()],
      "scatter_reduce mean", round(torch.zeros(n).scatter_reduce(0, dst, X[src, 0], reduce="mean",
                                                                  include_self=False)[0].item(), 5))

# the adjacency as (row, col, value) triples, multiplied by gathering and index_add_
rows, cols = A_hat.nonzero(as_tuple=True)
values = A_norm[rows, cols]
spmm = torch.zeros(n, n_feat).index_add_(0, rows, values.unsqueeze(1) * X[cols])
print("nnz", values.numel(), "triples @ X == dense", torch.allclose(spmm, A_norm @ X, atol=1e-6))

gat = GAT()
train("gat", gat, A, epochs=40, lr=0.02)
att = gat.gat1.last_attention
print("attention rows sum to one", torch.allclose(att.sum(1), torch.ones(n, 4)),
      "zero off the graph", bool((att[(A + torch.eye(n)) == 0] == 0).all()),
      "max weight", round(att.max().item(), 5))
