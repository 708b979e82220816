"""Recommender-system code as tutorials and RecBole-like repositories write
it, on synthetic implicit feedback: matrix factorization with user/item
nn.Embedding and biases (weights by normal_(std=0.01), zero_() biases),
explicit ratings with MSE plus L2 on the looked-up rows only, BPR with
negatives from torch.randint rejected against a seen-set by torch.isin,
F.logsigmoid(pos - neg), NeuMF (GMF and MLP towers concatenated), a
factorization machine with the (sum^2 - sum of squares) trick over field
embeddings and EmbeddingBag(mode="sum", per_sample_weights=...) for
multi-hot genres with offsets, and full ranking evaluation: scores for all
items, seen items masked by index_put_ with -inf, topk, hit@10 / recall@10 /
NDCG@10 / MRR by gather and log2 discounts. Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
N_USERS, N_ITEMS, DIM = 40, 60, 8
true_u = torch.randn(N_USERS, 4)
true_i = torch.randn(N_ITEMS, 4)
affinity = true_u @ true_i.T + 0.5 * torch.randn(N_USERS, N_ITEMS)
k_per_user = 12
top = affinity.topk(k_per_user, dim=1).indices
interactions = torch.stack([torch.arange(N_USERS).repeat_interleave(k_per_user), top.reshape(-1)], dim=1)
perm = torch.randperm(len(interactions))
interactions = interactions[perm]
# leave-one-out: each user's last interaction (in shuffled order) is the test item
is_last = torch.zeros(len(interactions), dtype=torch.bool)
seen_user = set()
for idx in range(len(interactions) - 1, -1, -1):
    u = interactions[idx, 0].item()
    if u not in seen_user:
        seen_user.add(u)
        is_last[idx] = True
train, test = interactions[~is_last], interactions[is_last]
test = test[test[:, 0].argsort()]
print("train", tuple(train.shape), "test", tuple(test.shape), "density", f"{len(train) / (N_USERS * N_ITEMS):.4f}")
ratings = (affinity[train[:, 0], train[:, 1]] - affinity.mean()) / affinity.std() + 3.0
ratings = ratings.clamp(1, 5)
print(f"ratings mean {ratings.mean().item():.5f} std {ratings.std().item():.5f}")


class MF(nn.Module):
    def __init__(self, n_users, n_items, dim):
        super().__init__()
        self.user_emb = nn.Embedding(n_users, dim)
        self.item_emb = nn.Embedding(n_items, dim)
        self.user_bias = nn.Embedding(n_users, 1)
        self.item_bias = nn.Embedding(n_items, 1)
        self.global_bias = nn.Parameter(torch.zeros(1))
        self.user_emb.weight.data.normal_(std=0.1)
        self.item_emb.weight.data.normal_(std=0.1)
        self.user_bias.weight.data.zero_()
        self.item_bias.weight.data.zero_()

    def forward(self, users, items):
        u, i = self.user_emb(users), self.item_emb(items)
        dot = (u * i).sum(dim=1)
        return dot + self.user_bias(users).squeeze(-1) + self.item_bias(items).squeeze(-1) + self.global_bias

    def full_scores(self, users):
        return (self.user_emb(users) @ self.item_emb.weight.T + self.user_bias(users)
                + self.item_bias.weight.T + self.global_bias)


seen = torch.zeros(N_USERS, N_ITEMS, dtype=torch.bool)
seen[train[:, 0], train[:, 1]] = True


@torch.no_grad()
def evaluate(score_fn, k=10):
    users = test[:, 0]
    scores = score_fn(users).clone()
    mask_u, mask_i = seen[users].nonzero(as_tuple=True)
    scores.index_put_((mask_u, mask_i), torch.tensor(float("-inf")))
    topk = scores.topk(k, dim=1).indices
    hits = topk == test[:, 1:2]
    hit_rate = hits.any(dim=1).float().mean()
    ranks = hits.float().argmax(dim=1)
    ndcg = (hits.any(dim=1).float() / torch.log2(ranks.float() + 2)).mean()
    target_scores = scores.gather(1, test[:, 1:2])
    full_rank = (scores > target_scores).sum(dim=1) + 1
    mrr = (1.0 / full_rank.float()).mean()
    return hit_rate.item(), ndcg.item(), mrr.item()


# explicit ratings with MSE and L2 on the looked-up rows
torch.manual_seed(1)
mf = MF(N_USERS, N_ITEMS, DIM)
opt = torch.optim.Adam(mf.parameters(), lr=0.02)
g = torch.Generator().manual_seed(2)
for epoch in range(8):
    order = torch.randperm(len(train), generator=g)
    total = 0.0
    for b in range(0, len(train), 64):
        idx = order[b:b + 64]
        users, items, r = train[idx, 0], train[idx, 1], ratings[idx]
        pred = mf(users, items)
        l2 = 1e-3 * (mf.user_emb(users).pow(2).sum() + mf.item_emb(items).pow(2).sum()) / len(idx)
        loss = F.mse_loss(pred, r) + l2
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += F.mse_loss(pred, r, reduction="sum").item()
    if epoch % 2 == 1:
        print(f"mf epoch {epoch} | rmse {math.sqrt(total / len(train)):.6f} | hit/ndcg/mrr "
              f"{[round(v, 5) for v in evaluate(mf.full_scores)]}")


# BPR with rejected negatives
def sample_negatives(users, generator):
    neg = torch.randint(0, N_ITEMS, users.shape, generator=generator)
    bad = seen[users, neg]
    while bad.any():
        neg[bad] = torch.randint(0, N_ITEMS, (int(bad.sum()),), generator=generator)
        bad = seen[users, neg]
    return neg


users = torch.tensor([0, 0, 1])
negs = sample_negatives(users, torch.Generator().manual_seed(3))
print("negatives", negs.tolist(), "user 0's not in its history",
      not torch.isin(negs[:2], train[train[:, 0] == 0, 1]).any().item(), "none seen", not seen[users, negs].any().item())
torch.manual_seed(4)
bpr = MF(N_USERS, N_ITEMS, DIM)
opt = torch.optim.SGD(bpr.parameters(), lr=0.5, momentum=0.9)
for epoch in range(8):
    order = torch.randperm(len(train), generator=g)
    total = 0.0
    for b in range(0, len(train), 64):
        idx = order[b:b + 64]
        u, pos = train[idx, 0], train[idx, 1]
        neg = sample_negatives(u, g)
        x_uij = bpr(u, pos) - bpr(u, neg)
        reg = 1e-4 * (bpr.user_emb(u).norm(dim=1).pow(2) + bpr.item_emb(pos).norm(dim=1).pow(2)
                      + bpr.item_emb(neg).norm(dim=1).pow(2)).mean()
        loss = -F.logsigmoid(x_uij).mean() + reg
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    if epoch % 2 == 1:
        print(f"bpr epoch {epoch} | loss {total / len(train):.6f} | hit/ndcg/mrr "
              f"{[round(v, 5) for v in evaluate(bpr.full_scores)]}")


class NeuMF(nn.Module):
    def __init__(self, n_users, n_items, gmf_dim=8, mlp_dims=(16, 8)):
        super().__init__()
        self.gmf_user = nn.Embedding(n_users, gmf_dim)
        self.gmf_item = nn.Embedding(n_items, gmf_dim)
        self.mlp_user = nn.Embedding(n_users, mlp_dims[0] // 2)
        self.mlp_item = nn.Embedding(n_items, mlp_dims[0] // 2)
        layers = []
        for a, b in zip(mlp_dims[:-1], mlp_dims[1:]):
            layers += [nn.Linear(a, b), nn.ReLU()]
        self.mlp = nn.Sequential(*layers)
        self.predict = nn.Linear(gmf_dim + mlp_dims[-1], 1)
        for m in self.modules():
            if isinstance(m, nn.Embedding):
                nn.init.normal_(m.weight, std=0.01)
            elif isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                m.bias.data.zero_()
        nn.init.kaiming_uniform_(self.predict.weight, a=1, nonlinearity="sigmoid")

    def forward(self, users, items):
        gmf = self.gmf_user(users) * self.gmf_item(items)
        mlp = self.mlp(torch.cat([self.mlp_user(users), self.mlp_item(items)], dim=-1))
        return self.predict(torch.cat([gmf, mlp], dim=-1)).squeeze(-1)

    def full_scores(self, users):
        items = torch.arange(N_ITEMS)
        uu = users.repeat_interleave(N_ITEMS)
        ii = items.repeat(len(users))
        return self(uu, ii).view(len(users), N_ITEMS)


torch.manual_seed(5)
ncf = NeuMF(N_USERS, N_ITEMS)
opt = torch.optim.Adam(ncf.parameters(), lr=0.01)
for epoch in range(6):
    order = torch.randperm(len(train), generator=g)
    for b in range(0, len(train), 64):
        idx = order[b:b + 64]
        u, pos = train[idx, 0], train[idx, 1]
        u4 = u.repeat_interleave(4)
        neg = sample_negatives(u4, g)
        users_all = torch.cat([u, u4])
        items_all = torch.cat([pos, neg])
        labels = torch.cat([torch.ones(len(u)), torch.zeros(len(u4))])
        loss = F.binary_cross_entropy_with_logits(ncf(users_all, items_all), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 2 == 1:
        print(f"neumf epoch {epoch} | bce {loss.item():.6f} | hit/ndcg/mrr "
              f"{[round(v, 5) for v in evaluate(ncf.full_scores)]}")


# factorization machine over fields with a multi-hot genre bag
class FM(nn.Module):
    def __init__(self, field_dims, n_genres, dim=6):
        super().__init__()
        self.offsets = torch.tensor((0, *torch.tensor(field_dims).cumsum(0)[:-1].tolist()), dtype=torch.long)
        self.embedding = nn.Embedding(sum(field_dims), dim)
        self.linear = nn.Embedding(sum(field_dims), 1)
        self.genre_bag = nn.EmbeddingBag(n_genres, dim, mode="sum")
        self.genre_linear = nn.EmbeddingBag(n_genres, 1, mode="sum")
        self.bias = nn.Parameter(torch.zeros((1,)))
        nn.init.xavier_uniform_(self.embedding.weight.data)

    def forward(self, x, genres, genre_offsets, genre_weights):
        x = x + self.offsets.unsqueeze(0)
        emb = self.embedding(x)
        bag = self.genre_bag(genres, genre_offsets, per_sample_weights=genre_weights).unsqueeze(1)
        fields = torch.cat([emb, bag], dim=1)
        square_of_sum = torch.sum(fields, dim=1) ** 2
        sum_of_square = torch.sum(fields ** 2, dim=1)
        interaction = 0.5 * torch.sum(square_of_sum - sum_of_square, dim=1)
        linear = self.linear(x).sum(dim=(1, 2)) + self.genre_linear(genres, genre_offsets,
                                                                      per_sample_weights=genre_weights).squeeze(1)
        return linear + interaction + self.bias


N_GENRES = 5
item_genres = [torch.nonzero(true_i[i, :3] > 0.3).flatten() + (i % 2) * 2 for i in range(N_ITEMS)]
item_genres = [gs if len(gs) else torch.tensor([4]) for gs in item_genres]


def genre_batch(items):
    lists = [item_genres[i] for i in items.tolist()]
    lengths = torch.tensor([len(x) for x in lists])
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), lengths.cumsum(0)[:-1]])
    weights = torch.cat([torch.full((len(x),), 1.0 / len(x)) for x in lists])
    return torch.cat(lists), offsets, weights


gen_flat, gen_off, gen_w = genre_batch(torch.tensor([0, 1, 2]))
print("genre bag input", gen_flat.tolist(), gen_off.tolist(), [round(v, 4) for v in gen_w.tolist()])
torch.manual_seed(6)
fm = FM([N_USERS, N_ITEMS, 3], N_GENRES)
print("fm offsets", fm.offsets.tolist())
opt = torch.optim.Adagrad(fm.parameters(), lr=0.1)
for epoch in range(6):
    order = torch.randperm(len(train), generator=g)
    total = 0.0
    for b in range(0, len(train), 64):
        idx = order[b:b + 64]
        u, i = train[idx, 0], train[idx, 1]
        x = torch.stack([u, i, i % 3], dim=1)
        gf, go, gw = genre_batch(i)
        pred = fm(x, gf, go, gw)
        loss = F.mse_loss(pred, ratings[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    if epoch % 2 == 1:
        print(f"fm epoch {epoch} | mse {total / len(train):.6f} | genre weight norm "
              f"{fm.genre_bag.weight.norm().item():.6f}")
