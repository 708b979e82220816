"""A two-tower retrieval model on synthetic interactions, as recommender-system tutorials write it: a user
tower over the user's history as an EmbeddingBag with offsets (mean mode, per-sample weights by recency in
sum mode), an item tower with id and category embeddings, in-batch sampled softmax with the logQ
correction from item frequencies, a learnable temperature kept in range by clamping its log, hard negatives
mined with topk after masking the positives, a custom batch sampler grouping users by history length and a
collate_fn building the offsets, and recall@k / MRR evaluated with torch.isin and argsort."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, Sampler

torch.manual_seed(0)
torch.set_num_threads(1)
gen = torch.Generator().manual_seed(0)

N_USERS, N_ITEMS, N_CATS, D = 60, 40, 5, 16
item_cat = torch.randint(0, N_CATS, (N_ITEMS,), generator=gen)
user_pref = torch.randint(0, N_CATS, (N_USERS,), generator=gen)
popularity = torch.distributions.Dirichlet(torch.full((N_ITEMS,), 0.5)).sample()


def user_items(u, k):
    # mostly items of the preferred category, weighted by popularity
    w = popularity * torch.where(item_cat == user_pref[u], 5.0, 0.3)
    return torch.multinomial(w, k, replacement=False, generator=gen)


histories = [user_items(u, int(torch.randint(2, 7, (1,), generator=gen))) for u in range(N_USERS)]
targets = [user_items(u, 1).item() for u in range(N_USERS)]
freq = torch.bincount(torch.tensor(targets), minlength=N_ITEMS).float() + 1.0
log_q = torch.log(freq / freq.sum())
print("history lengths", torch.bincount(torch.tensor([len(h) for h in histories])).tolist(),
      "top items", freq.topk(3).indices.tolist())


class Interactions(Dataset):
    def __len__(self):
        return N_USERS

    def __getitem__(self, u):
        return histories[u], targets[u], u


class LengthBucketSampler(Sampler):
    def __init__(self, lengths, batch_size, generator):
        self.lengths, self.batch_size, self.generator = lengths, batch_size, generator

    def __iter__(self):
        order = torch.argsort(torch.tensor(self.lengths), stable=True)
        batches = list(order.split(self.batch_size))
        for i in torch.randperm(len(batches), generator=self.generator).tolist():
            yield batches[i].tolist()

    def __len__(self):
        return math.ceil(len(self.lengths) / self.batch_size)


def collate(batch):
    hist = [b[0] for b in batch]
    offsets = torch.tensor([0] + [len(h) for h in hist[:-1]]).cumsum(0)
    recency = torch.cat([torch.linspace(0.5, 1.0, len(h)) for h in hist])
    return torch.cat(hist), offsets, recency, torch.tensor([b[1] for b in batch]), torch.tensor([b[2] for b in batch])


class UserTower(nn.Module):
    def __init__(self):
        super().__init__()
        self.bag_mean = nn.EmbeddingBag(N_ITEMS, D, mode="mean")
        self.bag_recent = nn.EmbeddingBag(N_ITEMS, D, mode="sum")
        self.mlp = nn.Sequential(nn.Linear(2 * D, D), nn.ReLU(), nn.Linear(D, D))

    def forward(self, items, offsets, recency):
        a = self.bag_mean(items, offsets)
        b = self.bag_recent(items, offsets, per_sample_weights=recency)
        return F.normalize(self.mlp(torch.cat([a, b], 1)), dim=-1)


class ItemTower(nn.Module):
    def __init__(self):
        super().__init__()
        self.id = nn.Embedding(N_ITEMS, D)
        self.cat = nn.Embedding(N_CATS, D)
        self.proj = nn.Linear(D, D)

    def forward(self, items):
        return F.normalize(self.proj(self.id(items) + self.cat(item_cat[items])), dim=-1)


users, items_t = UserTower(), ItemTower()
log_temp = nn.Parameter(torch.tensor(math.log(0.2)))
params = list(users.parameters()) + list(items_t.parameters()) + [log_temp]
opt = torch.optim.Adam(params, lr=1e-2)
sampler = LengthBucketSampler([len(h) for h in histories], 12, gen)
loader = DataLoader(Interactions(), batch_sampler=sampler, collate_fn=collate)
first = next(iter(loader))
print("first batch", first[0].shape[0], "items, offsets", first[1].tolist()[:4], "users", first[4].tolist()[:4])
for epoch in range(8):
    total = 0.0
    for hist, offsets, recency, pos, _ in loader:
        u = users(hist, offsets, recency)
        v = items_t(pos)
        temp = log_temp.exp()
        logits = u @ v.T / temp - log_q[pos].unsqueeze(0)  # logQ correction of in-batch negatives
        same = pos.unsqueeze(0) == pos.unsqueeze(1)
        logits = logits.masked_fill(same & ~torch.eye(len(pos), dtype=torch.bool), float("-inf"))
        loss = F.cross_entropy(logits, torch.arange(len(pos)))
        # hard negatives from the whole catalogue, positives masked out
        with torch.no_grad():
            all_items = items_t(torch.arange(N_ITEMS))
            scores = (u @ all_items.T).scatter(1, pos.unsqueeze(1), float("-inf"))
            hard = scores.topk(3, dim=1).indices
        hard_logits = torch.einsum("bd,bkd->bk", u, items_t(hard)) / temp
        pos_logit = (u * v).sum(1, keepdim=True) / temp
        loss = loss + 0.5 * F.cross_entropy(torch.cat([pos_logit, hard_logits], 1), torch.zeros(len(pos), dtype=torch.long))
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            log_temp.clamp_(math.log(0.05), math.log(1.0))
        total += loss.item() * len(pos)
    if epoch % 2 == 1:
        print(f"epoch {epoch + 1} | loss {total / N_USERS:.5f} | temperature {log_temp.exp().item():.5f}")

with torch.no_grad():
    hist, offsets, recency, pos, uid = collate([Interactions()[u] for u in range(N_USERS)])
    scores = users(hist, offsets, recency) @ items_t(torch.arange(N_ITEMS)).T
    for u, h in enumerate(histories):
        scores[u, h] = float("-inf")  # do not recommend what was seen
    ranking = scores.argsort(dim=1, descending=True)
    for k in (1, 5, 10):
        hit = torch.stack([torch.isin(pos[i], ranking[i, :k]) for i in range(N_USERS)]).float().mean()
        print(f"recall@{k} {hit.item():.4f}")
    # (ranks by counting better scores: argsort orders tied scores, the masked -inf ones, as it likes)
    rank_of_pos = (scores > scores.gather(1, pos.unsqueeze(1))).sum(1) + 1
    print(f"mrr {(1.0 / rank_of_pos.float()).mean().item():.5f} median rank {rank_of_pos.median().item()}")
    pop_rank = freq.argsort(descending=True)
    print(f"popularity recall@5 {torch.isin(pos, pop_rank[:5]).float().mean().item():.4f}")
