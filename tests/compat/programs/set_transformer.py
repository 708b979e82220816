"""Permutation-invariant set models as the Deep Sets and Set Transformer
repositories write them: variable-size sets of scalars (pad_sequence with
a boolean padding mask), a Deep Sets phi/rho network with masked sum and
mean pooling (masked_fill, sum / count), the Set Transformer's MAB / SAB /
ISAB (inducing points as an nn.Parameter with xavier_uniform_) / PMA
(a learned seed) built on nn.MultiheadAttention(batch_first=True) with
key_padding_mask, need_weights and average_attn_weights=False, trained to
predict each set's maximum and its number of distinct values
(torch.unique per set for the labels); permutation invariance checked by
torch.randperm on the set dimension, the attention weights on padding
(zero), and the models' generalization to larger sets. Seeded: every
number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(0)
torch.set_num_threads(1)


def make_sets(n, min_size=3, max_size=10, vocab=10):
    sizes = torch.randint(min_size, max_size + 1, (n,))
    sets = [torch.randint(0, vocab, (int(s),)).float() / vocab for s in sizes]
    x = pad_sequence(sets, batch_first=True).unsqueeze(-1)  # [B, N, 1]
    mask = pad_sequence([torch.ones(len(s), dtype=torch.bool) for s in sets], batch_first=True)
    y_max = torch.stack([s.max() for s in sets])
    y_distinct = torch.tensor([float(len(torch.unique(s))) for s in sets])
    return x, mask, torch.stack([y_max, y_distinct], dim=1)


x_train, m_train, y_train = make_sets(256)
x_test, m_test, y_test = make_sets(64)
x_big, m_big, y_big = make_sets(32, min_size=14, max_size=20)
print("train", tuple(x_train.shape), "set sizes", m_train.sum(1)[:8].tolist(),
      "targets", [[round(v, 2) for v in r] for r in y_train[:3].tolist()])


class DeepSets(nn.Module):
    def __init__(self, dim_hidden=32):
        super().__init__()
        self.phi = nn.Sequential(nn.Linear(1, dim_hidden), nn.ReLU(), nn.Linear(dim_hidden, dim_hidden), nn.ReLU())
        self.rho = nn.Sequential(nn.Linear(2 * dim_hidden, dim_hidden), nn.ReLU(), nn.Linear(dim_hidden, 2))

    def forward(self, x, mask):
        h = self.phi(x).masked_fill(~mask.unsqueeze(-1), 0.0)
        summed = h.sum(dim=1)
        mean = summed / mask.sum(dim=1, keepdim=True).clamp(min=1)
        return self.rho(torch.cat([summed, mean], dim=-1))


class MAB(nn.Module):
    def __init__(self, dim, num_heads, ln=True):
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, num_heads, batch_first=True)
        self.ln0 = nn.LayerNorm(dim) if ln else nn.Identity()
        self.ln1 = nn.LayerNorm(dim) if ln else nn.Identity()
        self.ff = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, dim))

    def forward(self, q, k, key_padding_mask=None, return_weights=False):
        h, w = self.attn(q, k, k, key_padding_mask=key_padding_mask, need_weights=return_weights,
                         average_attn_weights=False)
        h = self.ln0(q + h)
        h = self.ln1(h + self.ff(h))
        return (h, w) if return_weights else h


class SAB(nn.Module):
    def __init__(self, dim, num_heads):
        super().__init__()
        self.mab = MAB(dim, num_heads)

    def forward(self, x, key_padding_mask=None):
        return self.mab(x, x, key_padding_mask)


class ISAB(nn.Module):
    def __init__(self, dim, num_heads, num_inds):
        super().__init__()
        self.I = nn.Parameter(torch.empty(1, num_inds, dim))
        nn.init.xavier_uniform_(self.I)
        self.mab0 = MAB(dim, num_heads)
        self.mab1 = MAB(dim, num_heads)

    def forward(self, x, key_padding_mask=None):
        h = self.mab0(self.I.repeat(x.size(0), 1, 1), x, key_padding_mask)
        return self.mab1(x, h)


class PMA(nn.Module):
    def __init__(self, dim, num_heads, num_seeds):
        super().__init__()
        self.S = nn.Parameter(torch.empty(1, num_seeds, dim))
        nn.init.xavier_uniform_(self.S)
        self.mab = MAB(dim, num_heads)

    def forward(self, x, key_padding_mask=None, return_weights=False):
        return self.mab(self.S.repeat(x.size(0), 1, 1), x, key_padding_mask, return_weights)


class SetTransformer(nn.Module):
    def __init__(self, dim=32, num_heads=4, num_inds=6):
        super().__init__()
        self.embed = nn.Linear(1, dim)
        self.enc1 = ISAB(dim, num_heads, num_inds)
        self.enc2 = SAB(dim, num_heads)
        self.pool = PMA(dim, num_heads, num_seeds=1)
        self.dec = nn.Linear(dim, 2)

    def forward(self, x, mask, return_weights=False):
        pad = ~mask  # True where padded, as key_padding_mask wants
        h = self.enc1(self.embed(x), pad)
        h = self.enc2(h, pad)
        pooled, w = self.pool(h, pad, return_weights=True)
        out = self.dec(pooled.squeeze(1))
        return (out, w) if return_weights else out


def evaluate(model, x, m, y):
    model.eval()
    with torch.no_grad():
        pred = model(x, m)
        mae = (pred - y).abs().mean(0)
    model.train()
    return mae


for name, model in (("deepsets", DeepSets()), ("settransformer", SetTransformer())):
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    print(name, "params", sum(p.numel() for p in model.parameters()))
    for epoch in range(12):
        perm = torch.randperm(len(x_train))
        total = 0.0
        for i in range(0, len(perm), 32):
            idx = perm[i:i + 32]
            pred = model(x_train[idx], m_train[idx])
            loss = F.smooth_l1_loss(pred, y_train[idx])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item() * len(idx)
        if epoch % 4 == 3:
            mae = evaluate(model, x_test, m_test, y_test)
            print(f"{name} epoch {epoch:2d} | loss {total / len(perm):.5f} | test mae max {mae[0].item():.5f} "
                  f"distinct {mae[1].item():.5f}")
    big = evaluate(model, x_big, m_big, y_big)
    print(f"{name} larger sets mae max {big[0].item():.5f} distinct {big[1].item():.5f}")
    model.eval()
    with torch.no_grad():
        shuffled = torch.randperm(x_test.size(1))
        a = model(x_test, m_test)
        b = model(x_test[:, shuffled], m_test[:, shuffled])
        print(f"{name} permutation invariant: {torch.allclose(a, b, atol=1e-5)}")
        if name == "settransformer":
            out, w = model(x_test[:2], m_test[:2], return_weights=True)
            print("pma weights", tuple(w.shape), "on padding", w.masked_select(~m_test[:2, None, None, :]).sum().item(),
                  "head 0 of set 0", [round(v, 4) for v in w[0, 0, 0].tolist()])
            print("prediction", [[round(v, 4) for v in r] for r in out.tolist()], "truth", y_test[:2].tolist())
