"""Continual and federated learning loops as the EWC tutorials and the
"FedAvg from scratch" notebooks write them: two permuted-digits tasks,
naive fine-tuning (forgetting measured on task A), Elastic Weight
Consolidation (diagonal Fisher from per-sample squared gradients over a
loader, the old parameters copied by {n: p.detach().clone()}, the
quadratic penalty), a small replay buffer (reservoir sampling with Python's
random), then FedAvg over non-IID client splits (copy.deepcopy of the global
model, local SGD epochs, the weighted average of state_dicts by client
size), FedProx's proximal term, and a model soup (uniform average of
fine-tuned copies' state_dicts via load_state_dict). Seeded; every number
agrees."""

import copy
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)
random.seed(0)

pix, lab = digits()
X = torch.tensor(pix[:1000], dtype=torch.float32) / 16.0
Y = torch.tensor(lab[:1000])
perm = torch.randperm(64)
tasks = {"A": X, "B": X[:, perm]}
tr, te = slice(0, 700), slice(700, 1000)


def make():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(64, 48), nn.ReLU(), nn.Linear(48, 10))


def acc(model, t):
    with torch.no_grad():
        return (model(tasks[t][te]).argmax(1) == Y[te]).float().mean().item()


def train(model, t, epochs=3, penalty=None, replay=None, lr=0.1):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loader = DataLoader(TensorDataset(tasks[t][tr], Y[tr]), batch_size=50, shuffle=True,
                        generator=torch.Generator().manual_seed(3))
    for _ in range(epochs):
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            if replay:
                rx, ry = zip(*random.sample(replay, 20))
                loss = loss + F.cross_entropy(model(torch.stack(rx)), torch.stack(ry))
            if penalty is not None:
                loss = loss + penalty(model)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return loss.item()


def fisher_diag(model, t, n=200):
    fisher = {n_: torch.zeros_like(p) for n_, p in model.named_parameters()}
    model.eval()
    for i in range(n):
        model.zero_grad()
        out = model(tasks[t][i:i + 1])
        label = out.argmax(1)
        F.nll_loss(F.log_softmax(out, 1), label).backward()
        for n_, p in model.named_parameters():
            fisher[n_] += p.grad.detach() ** 2 / n
    model.train()
    return fisher


base = make()
print("task A loss", round(train(base, "A"), 6), "acc A", acc(base, "A"), "acc B", acc(base, "B"))
naive = copy.deepcopy(base)
train(naive, "B")
print("naive fine-tune: acc A", acc(naive, "A"), "acc B", acc(naive, "B"))

fisher = fisher_diag(base, "A")
print("fisher sums", {k: round(v.sum().item(), 6) for k, v in fisher.items()})
star = {n_: p.detach().clone() for n_, p in base.named_parameters()}
for lam in [10.0, 100.0]:
    ewc = copy.deepcopy(base)

    def penalty(m, lam=lam):
        return lam / 2 * sum((fisher[n_] * (p - star[n_]) ** 2).sum() for n_, p in m.named_parameters())

    last = train(ewc, "B", penalty=penalty)
    print(f"ewc lambda {lam:5.1f}: loss {last:.6f} acc A {acc(ewc, 'A'):.6f} acc B {acc(ewc, 'B'):.6f}"
          f" penalty {penalty(ewc).item():.6f}")

buffer, seen = [], 0
for xb, yb in zip(tasks["A"][tr], Y[tr]):
    seen += 1
    if len(buffer) < 60:
        buffer.append((xb, yb))
    else:
        j = random.randint(0, seen - 1)
        if j < 60:
            buffer[j] = (xb, yb)
print("buffer label counts", torch.bincount(torch.stack([b[1] for b in buffer]), minlength=10).tolist())
rep = copy.deepcopy(base)
train(rep, "B", replay=buffer)
print("replay: acc A", acc(rep, "A"), "acc B", acc(rep, "B"))

# federated averaging on label-skewed clients
order = torch.argsort(Y[tr], stable=True)
shards = order.chunk(10)
clients = [torch.cat([shards[i], shards[(i + 3) % 10]]) for i in range(0, 10, 2)]
print("client sizes", [len(c) for c in clients], "client labels",
      [sorted(set(Y[tr][c].tolist())) for c in clients[:2]])
for mu in [0.0, 0.1]:
    glob = make()
    for rnd in range(5):
        states, sizes = [], []
        for ci, idx in enumerate(clients):
            local = copy.deepcopy(glob)
            g0 = [p.detach().clone() for p in glob.parameters()]
            opt = torch.optim.SGD(local.parameters(), lr=0.1)
            gen = torch.Generator().manual_seed(100 * rnd + ci)
            for _ in range(2):
                for b in torch.randperm(len(idx), generator=gen).split(32):
                    loss = F.cross_entropy(local(X[tr][idx[b]]), Y[tr][idx[b]])
                    if mu > 0:
                        loss = loss + mu / 2 * sum(((p - q) ** 2).sum() for p, q in zip(local.parameters(), g0))
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
            states.append(local.state_dict())
            sizes.append(len(idx))
        total = sum(sizes)
        new = {k: sum(s[k] * (w / total) for s, w in zip(states, sizes)) for k in states[0]}
        glob.load_state_dict(new)
        print(f"fedavg mu {mu} round {rnd} | acc {acc(glob, 'A'):.6f} | w norm {glob[0].weight.norm().item():.5f}")

# model soup
ingredients = []
for seed, lr in [(5, 0.05), (6, 0.1), (7, 0.2)]:
    m = copy.deepcopy(base)
    torch.manual_seed(seed)
    train(m, "A", epochs=1, lr=lr)
    ingredients.append(m)
    print(f"ingredient lr {lr}: acc {acc(m, 'A'):.6f}")
soup = copy.deepcopy(base)
sd = {k: torch.stack([m.state_dict()[k] for m in ingredients]).mean(0) for k in soup.state_dict()}
print(soup.load_state_dict(sd))
print("uniform soup acc", acc(soup, "A"))
