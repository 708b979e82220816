"""tkipf/pygcn's GCN with its sparse adjacency: the row-normalized adjacency built as pygcn's
sparse_mx_to_torch_sparse_tensor does (torch.sparse.FloatTensor(indices, values, shape), here from numpy
instead of scipy), GraphConvolution with torch.spmm(adj, support), Adam with weight decay; then degrees
by torch.sparse.sum(adj, dim=1).to_dense(), an edge-count COO tensor (coalesce, t(), a product with a
number), and a pyGAT-style sparse attention whose values (exp of edge scores) get gradients through
torch.sparse.mm."""
import math
import warnings
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
warnings.simplefilter("ignore")
torch.manual_seed(0)
rng = np.random.default_rng(0)
N, feats, classes = 60, 12, 3
labels_np = rng.integers(0, classes, N)
edges = [(a, b) for a in range(N) for b in range(N) if a < b and (rng.random() < (0.2 if labels_np[a] == labels_np[b] else 0.02))]
row = np.array([a for a, b in edges] + [b for a, b in edges] + list(range(N)))
col = np.array([b for a, b in edges] + [a for a, b in edges] + list(range(N)))
deg = np.bincount(row, minlength=N).astype(np.float32)
val = (1.0 / deg[row]).astype(np.float32)  # row-normalized, as pygcn's normalize()
adj = torch.sparse.FloatTensor(torch.from_numpy(np.vstack((row, col)).astype(np.int64)), torch.from_numpy(val), torch.Size([N, N]))
features = torch.FloatTensor(rng.standard_normal((N, feats)).astype(np.float32) + labels_np[:, None] * 0.5)
labels = torch.LongTensor(labels_np)
idx_train, idx_test = torch.arange(0, 30), torch.arange(30, N)

class GraphConvolution(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.FloatTensor(in_features, out_features))
        self.bias = nn.Parameter(torch.FloatTensor(out_features)) if bias else None
        stdv = 1. / math.sqrt(self.weight.size(1))
        self.weight.data.uniform_(-stdv, stdv)
        if self.bias is not None:
            self.bias.data.uniform_(-stdv, stdv)
    def forward(self, input, adj):
        support = torch.mm(input, self.weight)
        output = torch.spmm(adj, support)
        return output + self.bias if self.bias is not None else output

class GCN(nn.Module):
    def __init__(self, nfeat, nhid, nclass, dropout):
        super().__init__()
        self.gc1 = GraphConvolution(nfeat, nhid)
        self.gc2 = GraphConvolution(nhid, nclass)
        self.dropout = dropout
    def forward(self, x, adj):
        x = F.relu(self.gc1(x, adj))
        x = F.dropout(x, self.dropout, training=self.training)
        return F.log_softmax(self.gc2(x, adj), dim=1)

model = GCN(feats, 16, classes, 0.5)
opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
print(adj.is_sparse, adj._nnz(), adj.shape)
for epoch in range(30):
    model.train()
    opt.zero_grad()
    out = model(features, adj)
    loss = F.nll_loss(out[idx_train], labels[idx_train])
    loss.backward()
    opt.step()
    if epoch % 10 == 0:
        print(f"epoch {epoch} loss {loss.item():.5f}")
model.eval()
out = model(features, adj)
acc = (out[idx_test].argmax(1) == labels[idx_test]).float().mean()
print(f"test acc {acc.item():.4f} loss {F.nll_loss(out[idx_test], labels[idx_test]).item():.5f}")
degree = torch.sparse.sum(adj, dim=1).to_dense()
print(degree[:5])
e = torch.sparse_coo_tensor(torch.from_numpy(np.vstack((row, col))), torch.ones(len(row)), (N, N))
print(torch.sparse.sum(e).item(), e.coalesce().indices().shape, (e.t() * 2).to_dense().sum().item())
# GAT-style: attention values on the edges, a sparse product with gradients to the values
a = torch.randn(len(row), requires_grad=True)
att = torch.sparse_coo_tensor(torch.from_numpy(np.vstack((row, col))), torch.exp(a), (N, N))
rowsum = torch.sparse.mm(att, torch.ones(N, 1))
h = torch.sparse.mm(att, features) / rowsum
h.pow(2).sum().backward()
print(h.shape, a.grad[:4])
