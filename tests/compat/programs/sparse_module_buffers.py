"""A GCN module holding its normalized adjacency as a sparse buffer: register_buffer, state_dict and
load_state_dict into a fresh model, copy.deepcopy, .double() and .to() of the module, torch.no_grad
evaluation, a sparse input batch made with torch.cat of dense rows then to_sparse, and
torch.sparse.mm(adj, x) inside nn.Sequential-like stacks trained with Adam."""
import copy
import warnings
import torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(0)
warnings.filterwarnings("ignore", "Sparse invariant checks")
N = 10
ring = torch.arange(N)
row = torch.cat([ring, ring, ring])
col = torch.cat([ring, (ring + 1) % N, (ring - 1) % N])
A = torch.sparse_coo_tensor(torch.stack([row, col]), torch.ones(3 * N), (N, N)).coalesce()
deg = torch.sparse.sum(A, 1).to_dense()
An = torch.sparse_coo_tensor(A.indices(), A.values() / deg[A.indices()[0]], (N, N)).coalesce()


class GCN(nn.Module):
    def __init__(self, adj):
        super().__init__()
        self.register_buffer("adj", adj)
        self.l1 = nn.Linear(4, 8)
        self.l2 = nn.Linear(8, 2)

    def forward(self, x):
        h = F.relu(torch.sparse.mm(self.adj, self.l1(x)))
        return torch.sparse.mm(self.adj, self.l2(h))


model = GCN(An)
print(model.adj.is_sparse, [k for k, _ in model.named_buffers()])
x = torch.randn(N, 4)
y = (torch.arange(N) % 2)
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for step in range(15):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    if step % 5 == 4:
        print(step, "%.6f" % loss.item())
sd = model.state_dict()
print(list(sd), sd["adj"].is_sparse, sd["adj"]._nnz())
fresh = GCN(torch.sparse_coo_tensor(torch.zeros(2, 0, dtype=torch.long), torch.zeros(0), (N, N)))
print(fresh.load_state_dict(sd))
print(fresh.adj.is_sparse, fresh.adj._nnz())
with torch.no_grad():
    print(torch.allclose(fresh(x), model(x)))
twin = copy.deepcopy(model)
print(twin.adj.is_sparse, twin.adj._nnz(), torch.equal(twin.adj.to_dense(), model.adj.to_dense()))
d = copy.deepcopy(model).double()
print(d.adj.dtype, d.adj.is_sparse, d.l1.weight.dtype, d(x.double()).dtype)
print(model.to("cpu").adj.is_sparse)
sp = copy.deepcopy(An)
print(sp.is_sparse, sp.is_coalesced())
print(An.to_dense().sum(1))
