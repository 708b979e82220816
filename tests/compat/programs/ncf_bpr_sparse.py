"""Neural collaborative filtering (He et al.) on implicit feedback, the way the NCF reimplementations
write it: GMF and MLP towers with separate embeddings fused in NeuMF, trained with BCE on 4 sampled
negatives per positive, then a BPR variant with sparse=True embeddings updated by SparseAdam and the
dense layers by Adam, leave-one-out evaluation with HR@10 and NDCG@10 over 50 sampled candidates."""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
rng = np.random.default_rng(0)

n_users, n_items, dim = 60, 80, 8
user_f = rng.normal(size=(n_users, 3))
item_f = rng.normal(size=(n_items, 3))
scores = user_f @ item_f.T + 0.5 * rng.normal(size=(n_users, n_items))
interactions = {u: list(np.argsort(-scores[u])[:12]) for u in range(n_users)}
test_items = {u: int(items.pop(int(rng.integers(len(items))))) for u, items in interactions.items()}
train_pairs = torch.tensor([(u, i) for u, items in interactions.items() for i in items])
pos_sets = [set(map(int, interactions[u])) | {test_items[u]} for u in range(n_users)]
print("train pairs", tuple(train_pairs.shape), train_pairs.dtype, "test users", len(test_items))


class NeuMF(nn.Module):
    def __init__(self, sparse=False):
        super().__init__()
        self.gmf_u = nn.Embedding(n_users, dim, sparse=sparse)
        self.gmf_i = nn.Embedding(n_items, dim, sparse=sparse)
        self.mlp_u = nn.Embedding(n_users, dim, sparse=sparse)
        self.mlp_i = nn.Embedding(n_items, dim, sparse=sparse)
        self.mlp = nn.Sequential(nn.Linear(2 * dim, 16), nn.ReLU(), nn.Linear(16, 8), nn.ReLU())
        self.predict = nn.Linear(dim + 8, 1)
        for emb in (self.gmf_u, self.gmf_i, self.mlp_u, self.mlp_i):
            nn.init.normal_(emb.weight, std=0.01)
        for m in self.mlp:
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
        nn.init.kaiming_uniform_(self.predict.weight, a=1, nonlinearity="sigmoid")

    def forward(self, u, i):
        gmf = self.gmf_u(u) * self.gmf_i(i)
        mlp = self.mlp(torch.cat([self.mlp_u(u), self.mlp_i(i)], dim=-1))
        return self.predict(torch.cat([gmf, mlp], dim=-1)).view(-1)


def sample_negatives(users, k, gen):
    neg = torch.randint(0, n_items, (len(users), k), generator=gen)
    for r, u in enumerate(users.tolist()):
        for c in range(k):
            while int(neg[r, c]) in pos_sets[u]:
                neg[r, c] = int(torch.randint(0, n_items, (1,), generator=gen))
    return neg


def evaluate(model, gen):
    model.eval()
    hits, ndcgs = [], []
    with torch.no_grad():
        for u in range(n_users):
            cands = torch.cat([torch.tensor([test_items[u]]), sample_negatives(torch.tensor([u]), 49, gen)[0]])
            s = model(torch.full((50,), u), cands)
            _, top = torch.topk(s, 10)
            ranked = cands[top].tolist()
            hit = test_items[u] in ranked
            hits.append(hit)
            ndcgs.append(math.log(2) / math.log(ranked.index(test_items[u]) + 2) if hit else 0.0)
    return float(np.mean(hits)), float(np.mean(ndcgs))


gen = torch.Generator().manual_seed(1)
model = NeuMF()
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
print("kaiming(a=1, sigmoid) bound", f"{model.predict.weight.abs().max().item():.4f}", nn.init.calculate_gain("sigmoid"))
for epoch in range(4):
    model.train()
    neg = sample_negatives(train_pairs[:, 0], 4, gen)
    users = torch.cat([train_pairs[:, 0], train_pairs[:, 0].repeat_interleave(4)])
    items = torch.cat([train_pairs[:, 1], neg.reshape(-1)])
    labels = torch.cat([torch.ones(len(train_pairs)), torch.zeros(neg.numel())])
    perm = torch.randperm(len(users), generator=gen)
    total = 0.0
    for idx in perm.split(256):
        loss = F.binary_cross_entropy_with_logits(model(users[idx], items[idx]), labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    hr, ndcg = evaluate(model, torch.Generator().manual_seed(99))
    print(f"neumf epoch {epoch} bce {total / len(users):.4f} HR@10 {hr:.4f} NDCG@10 {ndcg:.4f}")

model = NeuMF(sparse=True)
emb_params = [p for n, p in model.named_parameters() if n.startswith(("gmf_", "mlp_u", "mlp_i"))]
dense_params = [p for n, p in model.named_parameters() if not n.startswith(("gmf_", "mlp_u", "mlp_i"))]
sparse_opt = torch.optim.SparseAdam(emb_params, lr=1e-2)
dense_opt = torch.optim.Adam(dense_params, lr=1e-2)
print("sparse opt groups", len(sparse_opt.param_groups[0]["params"]), "dense", len(dense_opt.param_groups[0]["params"]))
for epoch in range(4):
    model.train()
    neg = sample_negatives(train_pairs[:, 0], 1, gen)[:, 0]
    perm = torch.randperm(len(train_pairs), generator=gen)
    total = 0.0
    for idx in perm.split(128):
        u, i, j = train_pairs[idx, 0], train_pairs[idx, 1], neg[idx]
        diff = model(u, i) - model(u, j)
        loss = -F.logsigmoid(diff).mean()
        sparse_opt.zero_grad()
        dense_opt.zero_grad()
        loss.backward()
        sparse_opt.step()
        dense_opt.step()
        total += loss.item() * len(idx)
    hr, ndcg = evaluate(model, torch.Generator().manual_seed(99))
    print(f"bpr epoch {epoch} loss {total / len(train_pairs):.4f} HR@10 {hr:.4f} NDCG@10 {ndcg:.4f}")
print("untouched rows stay put:", sorted(sparse_opt.state[model.gmf_u.weight].keys()))
try:
    torch.optim.SparseAdam([torch.zeros(2, requires_grad=True)], lr=-1)
except ValueError as e:
    print("ValueError:", str(e).split(":")[0])  # (minigrad appends the argument's name and range to the message)
