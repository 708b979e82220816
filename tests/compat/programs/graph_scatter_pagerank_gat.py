"""Graph code written with scatter/index operations only, as in PyG-free tutorials: an edge_index
(2, E) with self-loops added and duplicates removed by torch.unique(dim=1), degrees by bincount and
index_add_, PageRank by power iteration with index_add_ (dangling nodes redistributed), connected
components by min-label propagation with scatter_reduce("amin", include_self=True), a GAT layer with
the edge softmax done by scatter_reduce("amax", include_self=False) and index_add_ of exp, a GIN layer
(sum aggregation + (1 + eps) x, eps a Parameter), global mean/max pooling per graph with
scatter_reduce("mean"/"amax") over a batch vector, and a small graph-classification run on synthetic
rings vs. stars. Seeded: every printed number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

edge_index = torch.tensor([[0, 1, 1, 2, 3, 4, 4, 5, 6, 6, 2],
                           [1, 0, 2, 1, 4, 3, 5, 4, 5, 5, 0]])
num_nodes = 8  # node 7 is isolated
print("edges", edge_index.shape, "unique", torch.unique(edge_index, dim=1).shape)
ei, counts = torch.unique(edge_index, dim=1, return_counts=True)
print(ei, counts)
loops = torch.arange(num_nodes).unsqueeze(0).repeat(2, 1)
ei_loop = torch.cat([ei, loops], dim=1)
src, dst = ei_loop
out_deg = torch.bincount(ei[0], minlength=num_nodes)
in_deg = torch.zeros(num_nodes, dtype=torch.long).index_add_(0, ei[1], torch.ones_like(ei[1]))
print("out", out_deg, "in", in_deg, torch.bincount(src, minlength=num_nodes).tolist())


def pagerank(edge_index, n, alpha=0.85, iters=60, tol=1e-10):
    src, dst = edge_index
    deg = torch.bincount(src, minlength=n).double()
    pr = torch.full((n,), 1.0 / n, dtype=torch.float64)
    for it in range(iters):
        contrib = pr[src] / deg[src]
        new = torch.zeros(n, dtype=torch.float64).index_add_(0, dst, contrib)
        dangling = pr[deg == 0].sum()
        new = alpha * (new + dangling / n) + (1 - alpha) / n
        delta = (new - pr).abs().sum()
        pr = new
        if delta < tol:
            break
    return pr, it


pr, iters = pagerank(ei, num_nodes)
print("pagerank", pr, "sum", round(pr.sum().item(), 12), "iters", iters)
print("ranking", torch.argsort(pr, descending=True, stable=True))


def connected_components(edge_index, n):
    labels = torch.arange(n)
    src, dst = torch.cat([edge_index, edge_index.flip(0)], dim=1)
    while True:
        new = labels.scatter_reduce(0, dst, labels[src], reduce="amin", include_self=True)
        if torch.equal(new, labels):
            return labels
        labels = new


comp = connected_components(ei, num_nodes)
print("components", comp, torch.unique(comp, return_inverse=True))


def edge_softmax(scores, index, n):
    # scores: (E, H) -> softmax over the edges sharing a destination
    H = scores.shape[1]
    idx = index.unsqueeze(-1).expand(-1, H)
    m = torch.full((n, H), float("-inf")).scatter_reduce(0, idx, scores, reduce="amax", include_self=False)
    e = torch.exp(scores - m[index])
    s = torch.zeros(n, H).index_add_(0, index, e)
    return e / s[index]


class GATLayer(nn.Module):
    def __init__(self, in_dim, out_dim, heads=2):
        super().__init__()
        self.heads, self.out_dim = heads, out_dim
        self.lin = nn.Linear(in_dim, heads * out_dim, bias=False)
        self.att_src = nn.Parameter(torch.empty(1, heads, out_dim))
        self.att_dst = nn.Parameter(torch.empty(1, heads, out_dim))
        self.bias = nn.Parameter(torch.zeros(heads * out_dim))
        nn.init.xavier_uniform_(self.att_src)
        nn.init.xavier_uniform_(self.att_dst)

    def forward(self, x, edge_index):
        n = x.shape[0]
        src, dst = edge_index
        h = self.lin(x).view(n, self.heads, self.out_dim)
        a_src = (h * self.att_src).sum(-1)
        a_dst = (h * self.att_dst).sum(-1)
        e = F.leaky_relu(a_src[src] + a_dst[dst], 0.2)
        alpha = edge_softmax(e, dst, n)
        msg = h[src] * alpha.unsqueeze(-1)
        out = torch.zeros_like(h).index_add_(0, dst, msg)
        return out.reshape(n, -1) + self.bias, alpha


x = torch.randn(num_nodes, 4)
gat = GATLayer(4, 3)
out, alpha = gat(x, ei_loop)
print("gat", out.shape, alpha.shape)
sums = torch.zeros(num_nodes, 2).index_add_(0, dst, alpha)
print("alpha sums to one", torch.allclose(sums, torch.ones(num_nodes, 2)), alpha[:4])
out.pow(2).sum().backward()
print("grads", gat.att_src.grad.flatten()[:3], gat.lin.weight.grad.abs().sum())


class GINLayer(nn.Module):
    def __init__(self, in_dim, out_dim):
        super().__init__()
        self.eps = nn.Parameter(torch.zeros(1))
        self.mlp = nn.Sequential(nn.Linear(in_dim, out_dim), nn.ReLU(), nn.Linear(out_dim, out_dim))

    def forward(self, x, edge_index):
        src, dst = edge_index
        agg = torch.zeros_like(x).index_add_(0, dst, x[src])
        return self.mlp((1 + self.eps) * x + agg)


def global_pool(x, batch, num_graphs):
    idx = batch.unsqueeze(-1).expand_as(x)
    mean = torch.zeros(num_graphs, x.shape[1]).scatter_reduce(0, idx, x, reduce="mean", include_self=False)
    mx = torch.zeros(num_graphs, x.shape[1]).scatter_reduce(0, idx, x, reduce="amax", include_self=False)
    return torch.cat([mean, mx], dim=1)


def ring(n):
    s = torch.arange(n)
    d = (s + 1) % n
    return torch.stack([torch.cat([s, d]), torch.cat([d, s])])


def star(n):
    leaves = torch.arange(1, n)
    hub = torch.zeros(n - 1, dtype=torch.long)
    return torch.stack([torch.cat([hub, leaves]), torch.cat([leaves, hub])])


graphs = []
for i in range(24):
    n = 4 + i % 5
    graphs.append((ring(n) if i % 2 == 0 else star(n), n, i % 2))


def collate(batch):
    edges, batch_vec, offset, ys = [], [], 0, []
    for e, n, y in batch:
        edges.append(e + offset)
        batch_vec.append(torch.full((n,), len(ys)))
        offset += n
        ys.append(y)
    ei = torch.cat(edges, dim=1)
    bv = torch.cat(batch_vec)
    deg = torch.bincount(ei[0], minlength=offset).float().unsqueeze(-1)
    feats = torch.cat([torch.ones(offset, 1), deg / 4], dim=1)
    return feats, ei, bv, torch.tensor(ys)


class GraphClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gin1 = GINLayer(2, 16)
        self.gin2 = GINLayer(16, 16)
        self.head = nn.Linear(32, 2)

    def forward(self, x, ei, batch, num_graphs):
        x = F.relu(self.gin1(x, ei))
        x = F.relu(self.gin2(x, ei))
        return self.head(global_pool(x, batch, num_graphs))


feats, big_ei, bv, ys = collate(graphs[:6])
print("batch", feats.shape, big_ei.shape, bv.tolist(), ys.tolist())
clf = GraphClassifier()
opt = torch.optim.Adam(clf.parameters(), lr=0.01)
for epoch in range(8):
    perm = torch.randperm(len(graphs)).tolist()
    total = 0.0
    for i in range(0, len(graphs), 8):
        feats, big_ei, bv, ys = collate([graphs[j] for j in perm[i:i + 8]])
        loss = F.cross_entropy(clf(feats, big_ei, bv, len(ys)), ys)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    if epoch % 2 == 1:
        print(f"epoch {epoch} loss {total / 3:.5f} eps {clf.gin1.eps.item():.5f}")
feats, big_ei, bv, ys = collate(graphs)
with torch.no_grad():
    pred = clf(feats, big_ei, bv, len(ys)).argmax(1)
print("accuracy", (pred == ys).float().mean().item(), pred.tolist())
