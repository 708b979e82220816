"""An E(n)-equivariant graph neural network (EGNN, Satorras et al.) as its minimal PyTorch code writes it:
fully connected edges from torch.combinations / meshgrid, messages from squared distances, coordinate
updates x_i += mean_j (x_i - x_j) phi_x(m_ij) aggregated with index_add_ (unsorted_segment_sum), node
updates with residuals; equivariance checked under a random rotation (QR of a Gaussian, det fixed to +1)
and translation; trained to predict a rotation-invariant property (the radius of gyration)."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def unsorted_segment_sum(data, segment_ids, num_segments):
    result = data.new_full((num_segments, data.size(1)), 0)
    segment_ids = segment_ids.unsqueeze(-1).expand(-1, data.size(1))
    result.scatter_add_(0, segment_ids, data)
    return result


def unsorted_segment_mean(data, segment_ids, num_segments):
    result = data.new_full((num_segments, data.size(1)), 0).index_add_(0, segment_ids, data)
    count = data.new_full((num_segments, data.size(1)), 0).index_add_(0, segment_ids, torch.ones_like(data))
    return result / count.clamp(min=1)


class EGCL(nn.Module):
    def __init__(self, h, tanh=True, coords_range=3.0):
        super().__init__()
        self.edge_mlp = nn.Sequential(nn.Linear(2 * h + 1, h), nn.SiLU(), nn.Linear(h, h), nn.SiLU())
        self.node_mlp = nn.Sequential(nn.Linear(2 * h, h), nn.SiLU(), nn.Linear(h, h))
        layer = nn.Linear(h, 1, bias=False)
        nn.init.xavier_uniform_(layer.weight, gain=0.001)
        self.coord_mlp = nn.Sequential(nn.Linear(h, h), nn.SiLU(), layer)
        self.tanh, self.coords_range = tanh, coords_range

    def forward(self, h, x, row, col):
        diff = x[row] - x[col]
        radial = (diff ** 2).sum(1, keepdim=True)
        m = self.edge_mlp(torch.cat([h[row], h[col], radial], dim=1))
        trans = diff * (torch.tanh(self.coord_mlp(m)) * self.coords_range if self.tanh else self.coord_mlp(m))
        x = x + unsorted_segment_mean(trans, row, x.size(0))
        agg = unsorted_segment_sum(m, row, h.size(0))
        h = h + self.node_mlp(torch.cat([h, agg], dim=1))
        return h, x


class EGNN(nn.Module):
    def __init__(self, in_nf, h=32, layers=3):
        super().__init__()
        self.emb = nn.Linear(in_nf, h)
        self.layers = nn.ModuleList(EGCL(h) for _ in range(layers))
        self.out = nn.Sequential(nn.Linear(h, h), nn.SiLU(), nn.Linear(h, 1))

    def forward(self, h, x, row, col, batch, n_graphs):
        h = self.emb(h)
        for layer in self.layers:
            h, x = layer(h, x, row, col)
        pooled = torch.zeros(n_graphs, h.size(1)).index_add_(0, batch, h)
        return self.out(pooled).squeeze(-1), x


def full_edges(n, offset=0):
    pairs = torch.combinations(torch.arange(n), r=2)
    both = torch.cat([pairs, pairs.flip(1)], 0) + offset
    return both[:, 0], both[:, 1]


def random_rotation(gen):
    q, r = torch.linalg.qr(torch.randn(3, 3, generator=gen))
    q = q * torch.sign(torch.diagonal(r)).unsqueeze(0)
    if torch.det(q) < 0:
        q[:, 0] = -q[:, 0]
    return q


row, col = full_edges(5)
print("edges", row.shape[0], "first pairs", list(zip(row[:4].tolist(), col[:4].tolist())))
ii, jj = torch.meshgrid(torch.arange(5), torch.arange(5), indexing="ij")
mask = ii != jj
print("meshgrid edges", int(mask.sum()), "same set:", sorted(zip(ii[mask].tolist(), jj[mask].tolist())) == sorted(zip(row.tolist(), col.tolist())))

gen = torch.Generator().manual_seed(1)
R = random_rotation(gen)
print("rotation orthogonal:", torch.allclose(R @ R.T, torch.eye(3), atol=1e-5), f"det {torch.det(R).item():.4f}")

model = EGNN(in_nf=2)
h0 = torch.randn(5, 2)
x0 = torch.randn(5, 3)
t = torch.tensor([1.0, -2.0, 0.5])
batch = torch.zeros(5, dtype=torch.long)
y1, x1 = model(h0, x0, row, col, batch, 1)
y2, x2 = model(h0, x0 @ R.T + t, row, col, batch, 1)
print(f"invariant output: {torch.allclose(y1, y2, atol=1e-4)} equivariant coords: {torch.allclose(x1 @ R.T + t, x2, atol=1e-4)}")
print("out", f"{y1.item():.5f}", "coord shift", f"{(x1 - x0).abs().max().item():.5f}")


def make_dataset(n_graphs, gen):
    hs, xs, rows, cols, batches, ys = [], [], [], [], [], []
    offset = 0
    for gi in range(n_graphs):
        n = int(torch.randint(3, 7, (1,), generator=gen))
        x = torch.randn(n, 3, generator=gen) * (0.5 + torch.rand(1, generator=gen))
        h = F.one_hot(torch.randint(0, 2, (n,), generator=gen), 2).float()
        r, c = full_edges(n, offset)
        hs.append(h), xs.append(x), rows.append(r), cols.append(c)
        batches.append(torch.full((n,), gi, dtype=torch.long))
        ys.append(((x - x.mean(0)) ** 2).sum(1).mean().sqrt())
        offset += n
    return torch.cat(hs), torch.cat(xs), torch.cat(rows), torch.cat(cols), torch.cat(batches), torch.stack(ys)


H, X, ROW, COL, BATCH, Y = make_dataset(64, gen)
print("dataset nodes", H.shape[0], "edges", ROW.shape[0], f"target mean {Y.mean().item():.4f}")
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
for step in range(60):
    pred, _ = model(H, X, ROW, COL, BATCH, 64)
    loss = F.l1_loss(pred, Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 15 == 0 or step == 59:
        print(f"step {step:2d} l1 {loss.item():.4f}")
Rb = random_rotation(gen)
with torch.no_grad():
    p1, _ = model(H, X, ROW, COL, BATCH, 64)
    p2, _ = model(H, X @ Rb.T, ROW, COL, BATCH, 64)
print("trained model invariant:", torch.allclose(p1, p2, atol=1e-3), "max diff < 1e-3")
