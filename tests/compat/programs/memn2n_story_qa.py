"""End-to-end memory networks on synthetic bAbI-style stories, as the MemN2N re-implementations write them
(Sukhbaatar et al. 2015): bag-of-words sentences with position encoding, learned temporal encoding,
adjacent weight tying across three hops, a nil word kept at zero by a gradient hook on the embedding
weights plus re-zeroing after each step, linear start (the softmax removed for the first epochs and then
inserted by swapping a module), gradient clipping at norm 40 and halving the learning rate through
optimizer.param_groups."""

import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
rng = random.Random(0)

people = ["mary", "john", "sandra", "daniel"]
places = ["kitchen", "garden", "office", "hallway", "bathroom"]
verbs = ["went", "moved", "travelled", "journeyed"]
words = ["<nil>", "to", "the", "where", "is"] + people + places + verbs
w2i = {w: i for i, w in enumerate(words)}
V, MEM, SENT = len(words), 6, 4


def make_story():
    where, story = {}, []
    for _ in range(rng.randint(2, MEM)):
        p, loc = rng.choice(people), rng.choice(places)
        where[p] = loc
        story.append([p, rng.choice(verbs), "to", "the", loc])
    q = rng.choice(sorted(where))
    return story, ["where", "is", q], where[q]


def encode(sentence):
    ids = [w2i[w] for w in sentence][:SENT + 1]
    return ids + [0] * (SENT + 1 - len(ids))


def batchify(samples):
    S = torch.zeros(len(samples), MEM, SENT + 1, dtype=torch.long)
    Q = torch.zeros(len(samples), SENT + 1, dtype=torch.long)
    A = torch.zeros(len(samples), dtype=torch.long)
    for b, (story, q, a) in enumerate(samples):
        # the most recent sentence first, as the temporal encoding counts back from the question
        for i, sent in enumerate(reversed(story[-MEM:])):
            S[b, i] = torch.tensor(encode(sent))
        Q[b] = torch.tensor(encode(q))
        A[b] = w2i[a]
    return S, Q, A


def position_encoding(J, d):
    j = torch.arange(1, J + 1, dtype=torch.float32).unsqueeze(1)
    k = torch.arange(1, d + 1, dtype=torch.float32).unsqueeze(0)
    return (1 - j / J) - (k / d) * (1 - 2 * j / J)


class MemN2N(nn.Module):
    def __init__(self, d=20, hops=3):
        super().__init__()
        self.hops = hops
        self.C = nn.ModuleList([nn.Embedding(V, d, padding_idx=0) for _ in range(hops + 1)])
        for emb in self.C:
            nn.init.normal_(emb.weight, std=0.1)
            emb.weight.register_hook(lambda g: g.index_fill(0, torch.tensor([0]), 0.0))
        self.TA = nn.Parameter(torch.randn(hops + 1, MEM, d) * 0.1)
        self.register_buffer("pe", position_encoding(SENT + 1, d))
        self.attend = nn.Identity()

    def forward(self, S, Q):
        u = (self.C[0](Q) * self.pe).sum(1)
        for k in range(self.hops):
            m = (self.C[k](S) * self.pe).sum(2) + self.TA[k]
            c = (self.C[k + 1](S) * self.pe).sum(2) + self.TA[k + 1]
            p = self.attend(torch.einsum("bmd,bd->bm", m, u))
            u = u + torch.bmm(p.unsqueeze(1), c).squeeze(1)
        return F.linear(u, self.C[-1].weight)


train = batchify([make_story() for _ in range(160)])
test = batchify([make_story() for _ in range(60)])
print("stories", tuple(train[0].shape), "vocab", V, "answer counts", torch.bincount(train[2], minlength=V)[-9:-4].tolist())
print("position encoding row 0", [round(v, 4) for v in position_encoding(SENT + 1, 4)[0].tolist()])

model = MemN2N()
opt = torch.optim.SGD(model.parameters(), lr=0.005)
print("linear start: attend is", type(model.attend).__name__)
for epoch in range(12):
    if epoch == 4:
        model.attend = nn.Softmax(dim=1)
        print("softmax inserted:", model.attend)
    if epoch and epoch % 5 == 0:
        for g in opt.param_groups:
            g["lr"] /= 2
    perm = torch.randperm(len(train[0]))
    total, correct = 0.0, 0
    for idx in perm.split(32):
        S, Q, A = train[0][idx], train[1][idx], train[2][idx]
        logits = model(S, Q)
        loss = F.cross_entropy(logits, A, reduction="sum")
        opt.zero_grad()
        loss.backward()
        nil_grad = model.C[0].weight.grad[0].abs().sum().item()
        norm = nn.utils.clip_grad_norm_(model.parameters(), 40.0)
        opt.step()
        with torch.no_grad():
            for emb in model.C:
                emb.weight[0].zero_()
        total += loss.item()
        correct += (logits.argmax(1) == A).sum().item()
    if epoch % 3 == 2 or epoch == 11:
        print(f"epoch {epoch:2d} | lr {opt.param_groups[0]['lr']:.4f} | loss {total / len(perm):.5f} | "
              f"acc {correct / len(perm):.4f} | last norm {norm.item():.4f} | nil grad {nil_grad}")

model.eval()
with torch.no_grad():
    logits = model(test[0], test[1])
    acc = (logits.argmax(1) == test[2]).float().mean().item()
    u = (model.C[0](test[1][:1]) * model.pe).sum(1)
    m = (model.C[0](test[0][:1]) * model.pe).sum(2) + model.TA[0]
    att = F.softmax(torch.einsum("bmd,bd->bm", m, u), 1)
print(f"test acc {acc:.4f} | first-hop attention {[round(v, 4) for v in att[0].tolist()]}")
print("nil rows zero", all(bool((emb.weight[0] == 0).all()) for emb in model.C))
