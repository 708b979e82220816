"""GNN-style sparse adjacency: symmetric degree normalization D^-1/2 (A+I) D^-1/2 built from COO,
two-hop adjacency by sparse @ dense, SGC features A^k X, a small SGC trained on them, and sparse
attention scores through torch.sparse.softmax with gradients to the edge logits."""
import warnings
import torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(0)
warnings.filterwarnings("ignore", "Sparse invariant checks")  # (PyTorch's notice on construction)
N = 8
src = torch.tensor([0, 1, 2, 3, 4, 5, 6, 0, 2, 4])
dst = torch.tensor([1, 2, 3, 4, 5, 6, 7, 3, 6, 7])
row = torch.cat([src, dst, torch.arange(N)])
col = torch.cat([dst, src, torch.arange(N)])
A = torch.sparse_coo_tensor(torch.stack([row, col]), torch.ones(row.numel()), (N, N)).coalesce()
deg = torch.sparse.sum(A, dim=1).to_dense()
print("deg", deg)
dinv = deg.pow(-0.5)
idx = A.indices()
vals = dinv[idx[0]] * A.values() * dinv[idx[1]]
An = torch.sparse_coo_tensor(idx, vals, (N, N))
print(An)
A2 = torch.sparse.mm(An, An.to_dense())
print("A2 trace", A2.trace().item(), A2.sum(1))
X = torch.randn(N, 4)
H = X
for k in range(2):
    H = torch.sparse.mm(An, H)
print("SGC feats", H)
y = torch.tensor([0, 0, 1, 1, 0, 1, 1, 0])
lin = nn.Linear(4, 2)
opt = torch.optim.SGD(lin.parameters(), lr=0.5)
for step in range(20):
    opt.zero_grad()
    loss = F.cross_entropy(lin(H), y)
    loss.backward()
    opt.step()
    if step % 5 == 0:
        print("step", step, "loss %.6f" % loss.item())
q = nn.Linear(4, 3)
k = nn.Linear(4, 3)
Q, K = q(X), k(X)
logits = (Q[idx[0]] * K[idx[1]]).sum(-1)
att = torch.sparse_coo_tensor(idx, logits, (N, N))
p = torch.sparse.softmax(att, dim=1)
print(p.to_dense().sum(1))
out = torch.sparse.mm(p, X)
out.pow(2).mean().backward()
print("out", out)
print("q grad", q.weight.grad)
lp = torch.sparse.log_softmax(att, dim=1)
print(lp.coalesce().values()[:5])
