"""Linear-attention transformers as the Performer / "Transformers are RNNs"
reference code writes them: FAVOR+ positive random features (an orthogonal
random projection from blocks of torch.linalg.qr of Gaussian matrices,
rows rescaled by chi-distributed norms, redrawn by a torch.Generator with
a manual seed), softmax_kernel with the data normalizer, the max-stabilizer
and the diag term, ELU+1 feature maps (Katharopoulos), non-causal linear
attention by einsum ("...nd,...ne->...de" and the normalizer), causal
linear attention by cumsum over outer products, the exact softmax
attention they approximate (the approximation error as features grow), and
a tiny classifier trained with each attention on sequences whose label is
whether a marker token occurs in the first half. Seeded: every number
agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def orthogonal_matrix_chunk(cols, generator):
    unstructured = torch.randn((cols, cols), generator=generator)
    q, r = torch.linalg.qr(unstructured, mode="reduced")
    return q.t()


def gaussian_orthogonal_random_matrix(nb_rows, nb_columns, generator, scaling=0):
    nb_full_blocks = nb_rows // nb_columns
    blocks = [orthogonal_matrix_chunk(nb_columns, generator) for _ in range(nb_full_blocks)]
    remaining = nb_rows - nb_full_blocks * nb_columns
    if remaining > 0:
        blocks.append(orthogonal_matrix_chunk(nb_columns, generator)[:remaining])
    final = torch.cat(blocks)
    if scaling == 0:
        multiplier = torch.randn((nb_rows, nb_columns), generator=generator).norm(dim=1)
    else:
        multiplier = math.sqrt(float(nb_columns)) * torch.ones((nb_rows,))
    return torch.diag(multiplier) @ final


def softmax_kernel(data, projection_matrix, is_query, normalize_data=True, eps=1e-4):
    b, h, *_ = data.shape
    data_normalizer = (data.shape[-1] ** -0.25) if normalize_data else 1.0
    ratio = projection_matrix.shape[0] ** -0.5
    projection = projection_matrix.expand(b, h, *projection_matrix.shape)
    data_dash = torch.einsum("...id,...jd->...ij", (data_normalizer * data), projection)
    diag_data = (data ** 2).sum(dim=-1) / 2.0 * (data_normalizer ** 2)
    diag_data = diag_data.unsqueeze(dim=-1)
    if is_query:
        data_dash = ratio * (torch.exp(data_dash - diag_data - torch.amax(data_dash, dim=-1, keepdim=True)) + eps)
    else:
        data_dash = ratio * (torch.exp(data_dash - diag_data - torch.amax(data_dash, dim=(-1, -2), keepdim=True))
                             + eps)
    return data_dash


def linear_attention(q, k, v):
    k_cumsum = k.sum(dim=-2)
    D_inv = 1.0 / torch.einsum("...nd,...d->...n", q, k_cumsum.type_as(q))
    context = torch.einsum("...nd,...ne->...de", k, v)
    return torch.einsum("...de,...nd,...n->...ne", context, q, D_inv)


def causal_linear_attention(q, k, v, eps=1e-6):
    k_cumsum = k.cumsum(dim=-2) + eps
    D_inv = 1.0 / torch.einsum("...nd,...nd->...n", q, k_cumsum.type_as(q))
    context = torch.einsum("...nd,...ne->...nde", k, v).cumsum(dim=-3)
    return torch.einsum("...nde,...nd,...n->...ne", context, q, D_inv)


def exact_attention(q, k, v, causal=False):
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if causal:
        n = q.shape[-2]
        scores = scores.masked_fill(torch.triu(torch.ones(n, n, dtype=torch.bool), 1), float("-inf"))
    return scores.softmax(-1) @ v


def elu_feature_map(x):
    return F.elu(x) + 1


g = torch.Generator().manual_seed(42)
proj = gaussian_orthogonal_random_matrix(16, 8, g)
print("projection", tuple(proj.shape), "row norms", [round(v, 4) for v in proj.norm(dim=1)[:4].tolist()])
blk = proj[:8] / proj[:8].norm(dim=1, keepdim=True)
print("orthogonal block:", torch.allclose(blk @ blk.t(), torch.eye(8), atol=1e-5))

q, k, v = torch.randn(3, 1, 2, 32, 8).mul(0.5).unbind(0)
exact = exact_attention(q, k, v)
for m in (8, 32, 128):
    gm = torch.Generator().manual_seed(7)
    P = gaussian_orthogonal_random_matrix(m, 8, gm)
    approx = linear_attention(softmax_kernel(q, P, True), softmax_kernel(k, P, False), v)
    print(f"features {m:3d} | mean abs error vs softmax attention {(approx - exact).abs().mean().item():.6f}")
qe, ke = elu_feature_map(q), elu_feature_map(k)
causal = causal_linear_attention(qe, ke, v)
loop = torch.stack([linear_attention(qe[..., : i + 1, :], ke[..., : i + 1, :], v[..., : i + 1, :])[..., -1, :]
                    for i in range(q.shape[-2])], dim=-2)
print("causal cumsum == prefix loop:", torch.allclose(causal, loop, atol=1e-5),
      f"max diff {(causal - loop).abs().max().item() < 1e-5}")


class LinearSelfAttention(nn.Module):
    def __init__(self, dim, heads, kind, nb_features=32):
        super().__init__()
        self.heads, self.kind = heads, kind
        self.to_qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.to_out = nn.Linear(dim, dim)
        gen = torch.Generator().manual_seed(123)
        self.register_buffer("projection_matrix",
                             gaussian_orthogonal_random_matrix(nb_features, dim // heads, gen))

    def forward(self, x):
        b, n, d = x.shape
        q, k, v = self.to_qkv(x).chunk(3, dim=-1)
        q, k, v = (t.view(b, n, self.heads, -1).transpose(1, 2) for t in (q, k, v))
        if self.kind == "performer":
            out = linear_attention(softmax_kernel(q, self.projection_matrix, True),
                                   softmax_kernel(k, self.projection_matrix, False), v)
        elif self.kind == "elu":
            out = linear_attention(elu_feature_map(q), elu_feature_map(k), v)
        else:
            out = exact_attention(q, k, v)
        return self.to_out(out.transpose(1, 2).reshape(b, n, d))


class Classifier(nn.Module):
    def __init__(self, kind, vocab=12, dim=32, seq=24):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.randn(1, seq, dim) * 0.02)
        self.attn = LinearSelfAttention(dim, 4, kind)
        self.norm = nn.LayerNorm(dim)
        self.ff = nn.Sequential(nn.Linear(dim, 64), nn.GELU(), nn.Linear(64, dim))
        self.head = nn.Linear(dim, 2)

    def forward(self, tokens):
        h = self.emb(tokens) + self.pos
        h = h + self.attn(self.norm(h))
        h = h + self.ff(self.norm(h))
        return self.head(h.mean(1))


tokens = torch.randint(1, 12, (384, 24))
label = (tokens[:, :12] == 11).any(1).long()
print("positives", int(label.sum()), "of", len(label))
for kind in ("softmax", "performer", "elu"):
    torch.manual_seed(5)
    model = Classifier(kind)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    for epoch in range(6):
        perm = torch.randperm(320)
        for i in range(0, 320, 32):
            idx = perm[i:i + 32]
            loss = F.cross_entropy(model(tokens[idx]), label[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 2 == 1:
            with torch.no_grad():
                acc = (model(tokens[320:]).argmax(1) == label[320:]).float().mean().item()
            print(f"{kind:9s} epoch {epoch} | loss {loss.item():.5f} | held-out acc {acc:.4f}")
