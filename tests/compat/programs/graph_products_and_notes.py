"""A small graph-learning script's sparse side and the errors it can meet: the once-per-process notes of
the sparse constructors and products (caught and counted), products of two sparse adjacency matrices (two
hops: sparse, with every entry the patterns meet at), the invariant-check switch, a tiny GCN trained with
Adam, Tensor.dot's shape rule and the version error after an optimizer step under a saved weight.t()."""
import warnings
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)


def caught(fn):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = fn()
    return out, [str(w.message).split(".")[0] for w in seen]


n = 7
src = torch.tensor([0, 1, 2, 3, 4, 5, 6, 0, 2])
dst = torch.tensor([1, 2, 3, 4, 5, 6, 0, 3, 5])
edges = torch.stack([torch.cat([src, dst]), torch.cat([dst, src])])
adj, notes = caught(lambda: torch.sparse_coo_tensor(edges, torch.ones(edges.shape[1]), (n, n)))
print("first build notes:", notes)
again, notes = caught(lambda: torch.sparse_coo_tensor(edges, torch.ones(edges.shape[1]), (n, n)))
print("second build notes:", notes, torch.equal(adj.to_dense(), again.to_dense()))
with torch.sparse.check_sparse_tensor_invariants():
    print("checks on inside:", torch.sparse.check_sparse_tensor_invariants.is_enabled())
print("checks after:", torch.sparse.check_sparse_tensor_invariants.is_enabled())

adj = adj.coalesce()
deg = torch.sparse.sum(adj, dim=1).to_dense() + 1
norm = deg.pow(-0.5)
vals = norm[adj.indices()[0]] * adj.values() * norm[adj.indices()[1]]
a_hat = torch.sparse_coo_tensor(adj.indices(), vals, (n, n)).coalesce()
two_hop, notes = caught(lambda: a_hat @ a_hat)
print("two-hop notes:", notes)
print(two_hop.layout, two_hop.is_coalesced(), two_hop._nnz())
print(two_hop.indices().tolist())
print([round(v, 5) for v in two_hop.values().tolist()])
dense = adj.to_dense() @ adj.to_dense()
for name, prod in (("mm", torch.mm(adj, adj)), ("method", adj.mm(adj)), ("sparse.mm", torch.sparse.mm(adj, adj))):
    print(name, prod.layout, prod._nnz(), torch.allclose(prod.to_dense(), dense))
left = torch.sparse_coo_tensor([[0, 0], [0, 1]], [2.0, -2.0], (1, 2))
right = torch.sparse_coo_tensor([[0, 1], [0, 0]], [1.0, 1.0], (2, 1))
cancel = left @ right
print("cancelled entry kept:", cancel._nnz(), cancel.values().tolist())

feats = torch.randn(n, 4)
labels = torch.tensor([0, 1, 0, 1, 1, 0, 1])
w1 = nn.Linear(4, 8)
w2 = nn.Linear(8, 2)
opt = torch.optim.Adam(list(w1.parameters()) + list(w2.parameters()), lr=0.05)
for step in range(6):
    h = F.relu(torch.sparse.mm(a_hat, w1(feats)))
    out = torch.sparse.mm(a_hat, w2(h))
    loss = F.cross_entropy(out, labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.5f}")

for shapes in (((3,), (3,)), ((2, 2), (2, 2)), ((3,), (4,))):
    a, b = (torch.arange(float(s[0] * (s[1] if len(s) > 1 else 1))).reshape(s) for s in shapes)
    try:
        print("dot", shapes, a.dot(b).item())
    except RuntimeError as e:
        print("dot", shapes, isinstance(e, RuntimeError), str(e).split("(")[0].strip())

lin = nn.Linear(3, 1)
x = torch.randn(5, 3, requires_grad=True)
y = lin(x).sum()
y.backward(retain_graph=True)
torch.optim.SGD(lin.parameters(), lr=0.1).step()
try:
    y.backward()
except RuntimeError as e:
    print(str(e).split(" Hint")[0])
