"""Graph representation learning without PyTorch Geometric, as course notebooks write it on a synthetic
stochastic block model: the edge_index built by torch.triu_indices and a Bernoulli draw, made undirected
by torch.cat and deduplicated with torch.unique(dim=1), a CSR layout (rowptr by torch.bincount and
cumsum, col by argsort of the rows), degree by torch.bincount; uniform random walks with
torch.randint over each node's neighbour range, skip-gram pairs from the walks by unfold windows,
node2vec-style embedding training with negative sampling (nn.Embedding(sparse=True) and
torch.optim.SparseAdam next to a dense Adam for comparison); then GraphSAGE with a mean aggregator over
sampled neighbours (torch.multinomial on a degree-masked uniform weight matrix), index_add_ /
scatter_reduce(reduce='mean', include_self=False) aggregation, a dense adjacency by index_put_(accumulate=True) and torch.sparse.mm
for the full-neighbourhood mean (minigrad has no sparse layouts, so the operands are dense), L2-normalized embeddings, minibatch node classification, and
logistic-regression probes on the node2vec embeddings."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

N, C = 90, 3
labels = torch.arange(N) % C
iu = torch.triu_indices(N, N, offset=1)
same = labels[iu[0]] == labels[iu[1]]
p = torch.where(same, torch.tensor(0.2), torch.tensor(0.015))
keep = torch.bernoulli(p).bool()
edges = iu[:, keep]
edge_index = torch.cat([edges, edges.flip(0)], dim=1)
edge_index = torch.unique(edge_index, dim=1)
print("edges", edge_index.shape[1], "dtype", edge_index.dtype, "first", edge_index[:, :4].tolist())
row, col = edge_index
deg = torch.bincount(row, minlength=N)
order = torch.argsort(row * N + col)
row, col = row[order], col[order]
rowptr = torch.cat([torch.zeros(1, dtype=torch.long), torch.cumsum(deg, 0)])
print("degree min/max/mean", deg.min().item(), deg.max().item(), f"{deg.float().mean().item():.4f}",
      "rowptr[:5]", rowptr[:5].tolist())
homophily = (labels[row] == labels[col]).float().mean().item()
print(f"edge homophily {homophily:.4f}")


def random_walks(starts, length, g):
    walks = [starts]
    cur = starts
    for _ in range(length - 1):
        lo, hi = rowptr[cur], rowptr[cur + 1]
        r = torch.rand(cur.shape, generator=g)
        nxt = col[(lo + (r * (hi - lo).float()).long()).clamp(max=col.numel() - 1)]
        cur = torch.where(hi > lo, nxt, cur)
        walks.append(cur)
    return torch.stack(walks, 1)


g = torch.Generator().manual_seed(1)
walks = random_walks(torch.arange(N).repeat(4), 10, g)
print("walks", tuple(walks.shape), "walk0", walks[0].tolist())
win = walks.unfold(1, 5, 1)
center = win[:, :, 2].reshape(-1, 1).expand(-1, 4).reshape(-1)
context = torch.cat([win[:, :, :2], win[:, :, 3:]], dim=2).reshape(-1)
print("skip-gram pairs", center.numel(), "same-label fraction", f"{(labels[center] == labels[context]).float().mean().item():.4f}")


def train_node2vec(sparse, epochs=3, dim=16):
    torch.manual_seed(2)
    emb_in = nn.Embedding(N, dim, sparse=sparse)
    emb_out = nn.Embedding(N, dim, sparse=sparse)
    params = list(emb_in.parameters()) + list(emb_out.parameters())
    opt = torch.optim.SparseAdam(params, lr=0.02) if sparse else torch.optim.Adam(params, lr=0.02)
    gen = torch.Generator().manual_seed(3)
    for epoch in range(epochs):
        perm = torch.randperm(center.numel(), generator=gen)
        total = 0.0
        for i in range(0, center.numel(), 256):
            idx = perm[i:i + 256]
            c, o = center[idx], context[idx]
            neg = torch.randint(0, N, (idx.numel(), 3), generator=gen)
            zc = emb_in(c)
            pos = F.logsigmoid((zc * emb_out(o)).sum(-1))
            negs = F.logsigmoid(-(zc.unsqueeze(1) * emb_out(neg)).sum(-1)).sum(-1)
            loss = -(pos + negs).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * idx.numel()
        print(f"  sparse={sparse} epoch {epoch} loss {total / center.numel():.5f}")
    if sparse:
        print("  grad shape", tuple(emb_in.weight.grad.shape), "state keys", sorted(opt.state[emb_in.weight]))
    return emb_in.weight.detach()


def probe(z):
    torch.manual_seed(4)
    clf = nn.Linear(z.shape[1], C)
    opt = torch.optim.LBFGS(clf.parameters(), lr=0.5, max_iter=50)
    train = torch.arange(N) % 2 == 0

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(clf(z[train]), labels[train]) + 1e-3 * clf.weight.pow(2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        return (clf(z[~train]).argmax(1) == labels[~train]).float().mean().item()


for sparse in (False, True):
    z = train_node2vec(sparse)
    print(f"node2vec sparse={sparse} probe accuracy {probe(F.normalize(z, dim=1)):.4f} norm {z.norm().item():.5f}")

# GraphSAGE
X = F.one_hot(labels, C).float() * 0.5 + torch.randn(N, C) * 0.8
X = torch.cat([X, torch.randn(N, 5)], dim=1)
A = torch.zeros(N, N).index_put_((edge_index[0], edge_index[1]), torch.ones(edge_index.shape[1]), accumulate=True)
deg_f = deg.clamp(min=1).float()
mean_full = torch.sparse.mm(A, X) / deg_f[:, None]
agg = torch.zeros(N, X.shape[1]).index_add_(0, row, X[col]) / deg_f[:, None]
sr = torch.zeros(N, X.shape[1]).scatter_reduce(0, row[:, None].expand(-1, X.shape[1]), X[col], reduce="mean",
                                               include_self=False)
print("sparse.mm == index_add_ mean:", torch.allclose(mean_full, agg, atol=1e-6),
      "== scatter_reduce mean:", torch.allclose(sr, agg, atol=1e-6), "nnz", int(A.count_nonzero()))
dense_adj = A


class SAGELayer(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.lin_self = nn.Linear(d_in, d_out)
        self.lin_neigh = nn.Linear(d_in, d_out, bias=False)

    def forward(self, h, nodes, k, gen):
        w = dense_adj[nodes] + 1e-12 * (deg[nodes] == 0).float()[:, None]
        sampled = torch.multinomial(w, k, replacement=True, generator=gen)
        neigh = h[sampled].mean(1)
        out = self.lin_self(h[nodes]) + self.lin_neigh(neigh)
        return F.normalize(F.relu(out), p=2, dim=-1)


class SAGE(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = SAGELayer(X.shape[1], 16)
        self.l2 = SAGELayer(16, 16)
        self.cls = nn.Linear(16, C)

    def forward(self, nodes, gen):
        h1 = self.l1(X, torch.arange(N), 5, gen)
        return self.cls(self.l2(h1, nodes, 5, gen))


torch.manual_seed(5)
sage = SAGE()
opt = torch.optim.Adam(sage.parameters(), lr=0.01)
gen = torch.Generator().manual_seed(6)
train_nodes = torch.arange(N)[torch.arange(N) % 2 == 0]
for epoch in range(30):
    batch = train_nodes[torch.randperm(len(train_nodes), generator=gen)[:16]]
    loss = F.cross_entropy(sage(batch, gen), labels[batch])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 10 == 0 or epoch == 29:
        print(f"sage epoch {epoch} loss {loss.item():.5f}")
with torch.no_grad():
    test_nodes = torch.arange(N)[torch.arange(N) % 2 == 1]
    acc = (sage(test_nodes, torch.Generator().manual_seed(7)).argmax(1) == labels[test_nodes]).float().mean()
print(f"sage test accuracy {acc.item():.4f}")
