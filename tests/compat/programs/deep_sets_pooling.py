"""Deep Sets (Zaheer et al.) on variable-size sets, as the tutorials write it: per-element encoder phi,
permutation-invariant pooling over padded batches with masks (sum, mean, masked max via -inf fill) and
over a flat element list with segment ids (index_add_, scatter_reduce amax/mean with include_self=False,
torch.segment_reduce-free), decoder rho; trained to predict the set's max and its sum of squares, with a
permutation-invariance check and equivariant layers (x - mean) as in the DeepSets equivariant layer."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def make_sets(n, gen):
    sizes = torch.randint(2, 10, (n,), generator=gen)
    sets = [torch.rand(int(s), generator=gen) * 10 - 5 for s in sizes]
    return sets, sizes


def pad(sets):
    lens = torch.tensor([len(s) for s in sets])
    x = nn.utils.rnn.pad_sequence(sets, batch_first=True, padding_value=0.0)
    mask = torch.arange(x.shape[1])[None, :] < lens[:, None]
    return x.unsqueeze(-1), mask


class EquivariantLayer(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.gamma = nn.Linear(d_in, d_out)
        self.lam = nn.Linear(d_in, d_out, bias=False)

    def forward(self, x, mask):
        m = mask.unsqueeze(-1).float()
        mean = (x * m).sum(1, keepdim=True) / m.sum(1, keepdim=True)
        return (self.gamma(x) - self.lam(mean)) * m


class DeepSet(nn.Module):
    def __init__(self, pool="sum", d=32):
        super().__init__()
        self.pool = pool
        self.eq = EquivariantLayer(1, d)
        self.phi = nn.Sequential(nn.ELU(), nn.Linear(d, d), nn.ELU())
        self.rho = nn.Sequential(nn.Linear(d, d), nn.ELU(), nn.Linear(d, 2))

    def forward(self, x, mask):
        h = self.phi(self.eq(x, mask))
        m = mask.unsqueeze(-1)
        if self.pool == "sum":
            z = (h * m).sum(1)
        elif self.pool == "mean":
            z = (h * m).sum(1) / m.sum(1)
        else:
            z = h.masked_fill(~m, float("-inf")).max(1).values
        return self.rho(z)


def flat_pool(values, seg, n_sets, how):
    out = torch.zeros(n_sets, values.shape[1])
    if how == "sum":
        return out.index_add_(0, seg, values)
    idx = seg.unsqueeze(1).expand_as(values)
    return out.scatter_reduce(0, idx, values, reduce=how, include_self=False)


gen = torch.Generator().manual_seed(1)
sets, sizes = make_sets(512, gen)
x, mask = pad(sets)
target = torch.stack([torch.stack([s.max(), (s ** 2).sum() / 10]) for s in sets])
print("padded", tuple(x.shape), mask.dtype, "sizes", sizes[:8].tolist(), "target[0]", [round(v, 4) for v in target[0].tolist()])

flat = torch.cat(sets).unsqueeze(1)
seg = torch.repeat_interleave(torch.arange(len(sets)), sizes)
for how in ("sum", "mean", "amax", "amin"):
    pooled = flat_pool(flat, seg, len(sets), how)
    print(f"flat {how:4s}", [round(v, 4) for v in pooled[:3, 0].tolist()])
print("padded max agrees:", torch.equal(flat_pool(flat, seg, len(sets), "amax")[:, 0], x.squeeze(-1).masked_fill(~mask, float("-inf")).max(1).values))

for pool in ("sum", "mean", "max"):
    torch.manual_seed(2)
    model = DeepSet(pool)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(6):
        perm = torch.randperm(len(sets))
        tot = 0.0
        for idx in perm.split(64):
            loss = F.smooth_l1_loss(model(x[idx], mask[idx]), target[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        pred = model(x, mask)
        err = (pred - target).abs().mean(0)
        # invariance: shuffle the elements inside every set (within its valid prefix)
        perm_x = x.clone()
        for b in range(len(sets)):
            n = int(sizes[b])
            perm_x[b, :n] = x[b, torch.randperm(n)]
        inv = (model(perm_x, mask) - pred).abs().max().item()
    print(f"{pool:4s} train loss {tot / len(sets):.4f} MAE max {err[0].item():.4f} sumsq {err[1].item():.4f} invariant {inv < 1e-4}")
try:
    flat.new_zeros(3, 1).scatter_reduce(0, seg[:4].unsqueeze(1), flat[:4], reduce="median")
except RuntimeError as e:
    print("RuntimeError:", e)
