"""Knowledge-graph embeddings as the TransE / DistMult / ComplEx reference
implementations write them: a synthetic graph of 40 entities and 4 relations
(successor, predecessor, member-of-group (N-to-1), a symmetric "partner"), head/tail
corruption by torch.randint with Bernoulli head-vs-tail choice (the "bern"
trick from per-relation tails-per-head statistics), TransE with
nn.Embedding(max_norm=1) for entities and weight.data.renorm_ for
relations, scored by the L1 norm of h + r - t (torch.norm(p=1)) and trained
by nn.MarginRankingLoss with SGD; DistMult and ComplEx (torch.chunk of the
embedding into real/imaginary parts) trained by softplus loss with N3
regularization and Adagrad (initial_accumulator_value); evaluation by
scoring every entity, filtering known triples by index_put_ of -inf, rank
by (scores > target).sum() + 1, MRR and Hits@{1,3,10}. Seeded: every number
agrees."""

from collections import defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

n_ent, n_rel, groups = 40, 4, 5
triples = []
for e in range(n_ent):
    triples.append((e, 0, (e + 1) % n_ent))  # successor
    triples.append(((e + 1) % n_ent, 1, e))  # predecessor
    if e >= groups:
        triples.append((e, 2, e % groups))  # member -> its group's leader (N-to-1)
    if e % 2 == 0:
        triples.append((e, 3, e + 1))  # partner, symmetric
        triples.append((e + 1, 3, e))
triples = torch.tensor(triples)
perm = torch.randperm(len(triples))
train, test = triples[perm[:-20]], triples[perm[-20:]]
known = {tuple(t) for t in triples.tolist()}
print("triples", len(triples), "train", len(train), "test", len(test))

# the "bern" corruption probabilities: tails per head and heads per tail for each relation
tph, hpt = torch.zeros(n_rel), torch.zeros(n_rel)
for r in range(n_rel):
    sub = train[train[:, 1] == r]
    heads, tails = defaultdict(set), defaultdict(set)
    for h, _, t in sub.tolist():
        heads[h].add(t)
        tails[t].add(h)
    tph[r] = sum(len(v) for v in heads.values()) / len(heads)
    hpt[r] = sum(len(v) for v in tails.values()) / len(tails)
head_prob = tph / (tph + hpt)
print("corrupt-head probability", [round(v, 5) for v in head_prob.tolist()])


def corrupt(batch):
    corrupted = batch.clone()
    replace_head = torch.rand(len(batch)) < head_prob[batch[:, 1]]
    random_ent = torch.randint(0, n_ent, (len(batch),))
    corrupted[replace_head, 0] = random_ent[replace_head]
    corrupted[~replace_head, 2] = random_ent[~replace_head]
    return corrupted


class TransE(nn.Module):
    def __init__(self, dim=16, norm=1):
        super().__init__()
        self.norm = norm
        self.entities = nn.Embedding(n_ent, dim, max_norm=1)
        self.relations = nn.Embedding(n_rel, dim)
        bound = 6 / dim ** 0.5
        nn.init.uniform_(self.entities.weight, -bound, bound)
        nn.init.uniform_(self.relations.weight, -bound, bound)
        self.relations.weight.data = F.normalize(self.relations.weight.data, p=1, dim=1)

    def score(self, h, r, t):
        return -torch.norm(self.entities(h) + self.relations(r) - self.entities(t), p=self.norm, dim=-1)

    def forward(self, triples):
        return self.score(triples[:, 0], triples[:, 1], triples[:, 2])

    def score_all_tails(self, h, r):
        hr = self.entities(h) + self.relations(r)
        return -torch.cdist(hr, self.entities.weight, p=self.norm)


class DistMult(nn.Module):
    def __init__(self, dim=32):
        super().__init__()
        self.entities = nn.Embedding(n_ent, dim)
        self.relations = nn.Embedding(n_rel, dim)
        nn.init.xavier_uniform_(self.entities.weight)
        nn.init.xavier_uniform_(self.relations.weight)

    def forward(self, triples):
        h, r, t = (self.entities(triples[:, 0]), self.relations(triples[:, 1]), self.entities(triples[:, 2]))
        return (h * r * t).sum(-1)

    def score_all_tails(self, h, r):
        return (self.entities(h) * self.relations(r)) @ self.entities.weight.t()

    def regularizer(self, triples):
        return sum(e.abs().pow(3).sum() for e in (self.entities(triples[:, 0]), self.relations(triples[:, 1]),
                                                   self.entities(triples[:, 2]))) / len(triples)


class ComplEx(DistMult):
    def __init__(self, dim=16):
        super().__init__(2 * dim)
        with torch.no_grad():
            self.entities.weight.mul_(2.0)
            self.relations.weight.mul_(2.0)

    def forward(self, triples):
        h_re, h_im = torch.chunk(self.entities(triples[:, 0]), 2, dim=-1)
        r_re, r_im = torch.chunk(self.relations(triples[:, 1]), 2, dim=-1)
        t_re, t_im = torch.chunk(self.entities(triples[:, 2]), 2, dim=-1)
        return (h_re * r_re * t_re + h_im * r_re * t_im + h_re * r_im * t_im - h_im * r_im * t_re).sum(-1)

    def score_all_tails(self, h, r):
        h_re, h_im = torch.chunk(self.entities(h), 2, dim=-1)
        r_re, r_im = torch.chunk(self.relations(r), 2, dim=-1)
        e_re, e_im = torch.chunk(self.entities.weight, 2, dim=-1)
        return (h_re * r_re - h_im * r_im) @ e_re.t() + (h_re * r_im + h_im * r_re) @ e_im.t()


@torch.no_grad()
def evaluate(model, triples):
    model.eval()
    scores = model.score_all_tails(triples[:, 0], triples[:, 1])
    target = scores[torch.arange(len(triples)), triples[:, 2]].clone()
    rows, cols = [], []
    for i, (h, r, t) in enumerate(triples.tolist()):
        for e in range(n_ent):
            if e != t and (h, r, e) in known:
                rows.append(i)
                cols.append(e)
    scores.index_put_((torch.tensor(rows, dtype=torch.long), torch.tensor(cols, dtype=torch.long)),
                      torch.tensor(float("-inf")))
    ranks = (scores > target[:, None]).sum(dim=1) + 1
    model.train()
    return {"mrr": (1.0 / ranks.float()).mean().item(),
            **{f"hits@{k}": (ranks <= k).float().mean().item() for k in (1, 3, 10)}}, ranks


def fmt(metrics):
    return " ".join(f"{k} {v:.4f}" for k, v in metrics.items())


transe = TransE()
print("entity norms before", round(transe.entities.weight.norm(dim=1).max().item(), 5))
criterion = nn.MarginRankingLoss(margin=1.0)
opt = torch.optim.SGD(transe.parameters(), lr=0.05)
for epoch in range(60):
    transe.relations.weight.data.renorm_(p=2, dim=0, maxnorm=1)
    idx = torch.randperm(len(train))
    total = 0.0
    for b in range(0, len(train), 32):
        pos = train[idx[b:b + 32]]
        neg = corrupt(pos)
        loss = criterion(transe(pos), transe(neg), torch.ones(len(pos)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(pos)
    if epoch % 20 == 19:
        metrics, _ = evaluate(transe, test)
        print(f"transe epoch {epoch} | loss {total / len(train):.5f} | {fmt(metrics)}")
print("entity norms after (max_norm renormalizes rows when looked up)",
      round(transe.entities.weight.norm(dim=1).max().item(), 5),
      "relation norms", [round(v, 5) for v in transe.relations.weight.norm(dim=1).tolist()])

for name, model in (("distmult", DistMult()), ("complex", ComplEx())):
    opt = torch.optim.Adagrad(model.parameters(), lr=0.3, initial_accumulator_value=0.1)
    for epoch in range(60):
        idx = torch.randperm(len(train))
        total = 0.0
        for b in range(0, len(train), 32):
            pos = train[idx[b:b + 32]]
            negs = torch.cat([corrupt(pos) for _ in range(4)])
            loss = F.softplus(-model(pos)).mean() + F.softplus(model(negs)).mean() + 1e-3 * model.regularizer(pos)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(pos)
        if epoch % 20 == 19:
            metrics, ranks = evaluate(model, test)
            print(f"{name} epoch {epoch} | loss {total / len(train):.5f} | {fmt(metrics)}")
    print(f"{name} test ranks", ranks.tolist())
    sym = model(torch.tensor([[0, 3, 1], [1, 3, 0], [0, 0, 1], [1, 0, 0]]))
    print(f"{name} partner(0,1) {sym[0].item():.4f} partner(1,0) {sym[1].item():.4f} "
          f"succ(0,1) {sym[2].item():.4f} succ(1,0) {sym[3].item():.4f}")
