"""In-place edits and boolean-mask indexing during training, as pruning, masking and data-cleaning
code does them: weight slices zeroed under no_grad after each step (a fixed sparsity mask), a frozen
slice of an embedding restored in place, bool-mask reads and writes (x[mask] = v, x[mask] *= c),
index_put_ with accumulate, masked_fill_ / masked_scatter_ on activations, in-place ops on slices of a
non-leaf inside the graph (clone first), a leaf refusing an in-place write, and the version counter
error when a saved tensor is modified."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_printoptions(precision=5)

x = torch.arange(12.).view(3, 4)
mask = x % 3 == 0
print("mask read", x[mask])
x[mask] = -1.0
x[x > 8] *= 10
x[:, 1][x[:, 1] > 0] = 0.5
print("after writes\n", x)
rows = torch.tensor([0, 2, 0])
cols = torch.tensor([1, 3, 1])
x.index_put_((rows, cols), torch.tensor([1.0, 2.0, 3.0]), accumulate=True)
print("accumulated", x[0, 1].item(), x[2, 3].item())
x[[0, 1], [2, 2]] = torch.tensor([7.0, 8.0])
print("fancy write", x[:2, 2])
x.masked_fill_(x < 0, 0.0)
x.masked_scatter_(x == 0, torch.arange(100., 112.))
print("masked fill/scatter\n", x)
x[..., -1] = x[..., 0]
x[1:, :2] += torch.tensor([[1.0, 2.0]])
print("broadcast slice add\n", x)

# a network whose first layer keeps a fixed sparsity pattern
net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
prune = torch.rand(16, 8) < 0.5
with torch.no_grad():
    net[0].weight[prune] = 0.0
emb = nn.Embedding(10, 4)
frozen = emb.weight[:3].detach().clone()
opt = torch.optim.SGD(list(net.parameters()) + list(emb.parameters()), lr=0.1, momentum=0.9)
X = torch.randn(40, 8)
ids = torch.randint(0, 10, (40,))
Y = (X[:, 0] + X[:, 1] > 0).long()
for step in range(6):
    feats = X.clone()
    feats[:, :4] += emb(ids)  # in-place on a slice of a non-leaf: autograd records it
    h = net[1](net[0](feats))
    h = h.clone()
    h[h > 2.0] = 2.0  # clip activations in place
    logits = net[2](h)
    loss = F.cross_entropy(logits, Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    with torch.no_grad():
        net[0].weight.masked_fill_(prune, 0.0)
        emb.weight[:3] = frozen
    print(f"step {step} loss {loss.item():.6f} zeros kept {int((net[0].weight[prune] == 0).all())} "
          f"emb grad rows {int((emb.weight.grad.abs().sum(1) > 0).sum())}")
print("sparsity", f"{(net[0].weight == 0).float().mean().item():.4f}", "frozen rows equal", torch.equal(emb.weight[:3], frozen))

leaf = torch.zeros(3, requires_grad=True)
try:
    leaf[0] = 1.0
except RuntimeError as e:
    print("leaf refuses:", "a leaf Variable that requires grad" in str(e))
a = torch.randn(4, requires_grad=True)
b = a.sigmoid()
c = b * 2
b.add_(1)
try:
    c.sum().backward()
    (b * b).sum().backward()
except RuntimeError as e:
    print("version error:", "modified by an inplace operation" in str(e))
a2 = torch.randn(4, requires_grad=True)
y = a2 * 3
y2 = y[1:3]
y2.mul_(2)
y.sum().backward()
print("grad through in-place view", a2.grad)
print("versions", y._version, a2._version)
