"""Ordinal regression three ways, as the coral-pytorch tutorials write them: CORAL (one shared weight
vector, K-1 learned biases, binary cross-entropy on the extended "y > k" labels via logsigmoid), CORN
(conditional training on the subset with y > k-1, probabilities as cumulative products), and a
cumulative-link (ordered logit) model with ordered cut points built from a cumsum of softplus gaps;
MAE and RMSE of the predicted ranks, the rank-monotonicity of the probabilities, and the cross-entropy
baseline for comparison."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
K = 5


def make(n, gen):
    x = torch.randn(n, 4, generator=gen)
    score = x @ torch.tensor([1.2, -0.8, 0.5, 0.0]) + 0.3 * torch.randn(n, generator=gen)
    y = torch.bucketize(score, torch.tensor([-1.5, -0.5, 0.5, 1.5]))
    return x, y


def levels_from_labels(y, k=K):
    return (torch.arange(k - 1).unsqueeze(0) < y.unsqueeze(1)).float()


class CoralLayer(nn.Module):
    def __init__(self, size_in, num_classes):
        super().__init__()
        self.coral_weights = nn.Linear(size_in, 1, bias=False)
        self.coral_bias = nn.Parameter(torch.arange(num_classes - 1, 0, -1).float() / (num_classes - 1))

    def forward(self, x):
        return self.coral_weights(x) + self.coral_bias


def coral_loss(logits, levels):
    term = F.logsigmoid(logits) * levels + (F.logsigmoid(logits) - logits) * (1 - levels)
    return (-term.sum(dim=1)).mean()


def corn_loss(logits, y, k=K):
    losses, count = 0.0, 0
    for i in range(k - 1):
        sel = y > i - 1
        if sel.sum() == 0:
            continue
        target = (y[sel] > i).float()
        pred = logits[sel, i]
        losses = losses + F.binary_cross_entropy_with_logits(pred, target, reduction="sum")
        count += int(sel.sum())
    return losses / count


class CumulativeLink(nn.Module):
    def __init__(self, size_in, k=K):
        super().__init__()
        self.f = nn.Linear(size_in, 1)
        self.first = nn.Parameter(torch.tensor(-1.0))
        self.gaps = nn.Parameter(torch.zeros(k - 2))

    def cutpoints(self):
        return torch.cat([self.first.view(1), self.first + torch.cumsum(F.softplus(self.gaps) + 1e-3, 0)])

    def forward(self, x):
        cdf = torch.sigmoid(self.cutpoints() - self.f(x))  # P(y <= k)
        cdf = torch.cat([torch.zeros(x.shape[0], 1), cdf, torch.ones(x.shape[0], 1)], 1)
        return cdf[:, 1:] - cdf[:, :-1]


gen = torch.Generator().manual_seed(0)
x_train, y_train = make(200, gen)
x_test, y_test = make(200, gen)
print("class counts", torch.bincount(y_train, minlength=K).tolist())
print("levels of [0, 2, 4]", levels_from_labels(torch.tensor([0, 2, 4])).tolist())

results = {}
for name in ("coral", "corn", "cumlink", "xent"):
    torch.manual_seed(1)
    body = nn.Sequential(nn.Linear(4, 16), nn.ReLU())
    if name == "coral":
        head = CoralLayer(16, K)
    elif name == "cumlink":
        head = CumulativeLink(16)
    else:
        head = nn.Linear(16, K - 1 if name == "corn" else K)
    model = nn.Sequential(body, head)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(40):
        perm = torch.randperm(200, generator=gen)
        for k in range(0, 200, 50):
            idx = perm[k: k + 50]
            out = model(x_train[idx])
            if name == "coral":
                loss = coral_loss(out, levels_from_labels(y_train[idx]))
            elif name == "corn":
                loss = corn_loss(out, y_train[idx])
            elif name == "cumlink":
                loss = F.nll_loss(torch.log(out.clamp_min(1e-8)), y_train[idx])
            else:
                loss = F.cross_entropy(out, y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        out = model(x_test)
        if name == "coral":
            probas = torch.sigmoid(out)
            pred = (probas > 0.5).sum(1)
            monotone = bool((probas[:, :-1] >= probas[:, 1:]).all())
        elif name == "corn":
            probas = torch.cumprod(torch.sigmoid(out), dim=1)
            pred = (probas > 0.5).sum(1)
            monotone = bool((probas[:, :-1] >= probas[:, 1:]).all())
        elif name == "cumlink":
            pred = out.argmax(1)
            monotone = bool((head.cutpoints().diff() > 0).all())
        else:
            pred = out.argmax(1)
            monotone = None
        mae = (pred - y_test).abs().float().mean().item()
        rmse = ((pred - y_test).float() ** 2).mean().sqrt().item()
    results[name] = mae
    print(f"{name} | last loss {loss.item():.5f} | test mae {mae:.4f} | rmse {rmse:.4f} | monotone {monotone}")

print("best by mae", min(results, key=results.get))
