"""Uncertainty and calibration recipes on the bundled digits: a softmax MLP calibrated afterwards by
temperature scaling (gpleiss/temperature_scaling: a Parameter(torch.ones(1) * 1.5), LBFGS(lr=0.01,
max_iter=50) with a closure on the validation logits, the _ECELoss module with torch.linspace bin
boundaries, gt/le masks, in_bin.float().mean() and .item() checks), reliability bins by torch.bucketize,
classwise ECE, Brier score with one_hot; an evidential classifier (Sensoy et al.: softplus evidence,
alpha = evidence + 1, the Dirichlet-digamma loss with torch.digamma, the KL to the uniform Dirichlet
with torch.lgamma and an annealing coefficient min(1, epoch/10)), its vacuity K / S, the same KL
checked against torch.distributions.kl_divergence(Dirichlet, Dirichlet), Dirichlet.entropy and mean;
MC dropout (model.train() at test time under torch.no_grad, predictive entropy and mutual information
from stacked samples)."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Dirichlet, kl_divergence

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(0)

X, y = digits()
X = torch.tensor(X / 16.0, dtype=torch.float32)
y = torch.tensor(y)
perm = torch.randperm(len(X))
X, y = X[perm], y[perm]
Xtr, ytr, Xva, yva, Xte, yte = X[:1000], y[:1000], X[1000:1400], y[1000:1400], X[1400:], y[1400:]


def mlp(p_drop=0.0):
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Dropout(p_drop), nn.Linear(64, 10))


def train(model, loss_fn, epochs, lr=1e-2):
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    g = torch.Generator().manual_seed(1)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(Xtr), generator=g)
        for i in range(0, len(Xtr), 50):
            idx = order[i:i + 50]
            loss = loss_fn(model(Xtr[idx]), ytr[idx], epoch)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"  epoch {epoch} loss {loss.item():.5f}")
    return model


class _ECELoss(nn.Module):
    def __init__(self, n_bins=10):
        super().__init__()
        bin_boundaries = torch.linspace(0, 1, n_bins + 1)
        self.bin_lowers = bin_boundaries[:-1]
        self.bin_uppers = bin_boundaries[1:]

    def forward(self, logits, labels):
        softmaxes = F.softmax(logits, dim=1)
        confidences, predictions = torch.max(softmaxes, 1)
        accuracies = predictions.eq(labels)
        ece = torch.zeros(1, device=logits.device)
        for bin_lower, bin_upper in zip(self.bin_lowers, self.bin_uppers):
            in_bin = confidences.gt(bin_lower.item()) * confidences.le(bin_upper.item())
            prop_in_bin = in_bin.float().mean()
            if prop_in_bin.item() > 0:
                accuracy_in_bin = accuracies[in_bin].float().mean()
                avg_confidence_in_bin = confidences[in_bin].mean()
                ece += torch.abs(avg_confidence_in_bin - accuracy_in_bin) * prop_in_bin
        return ece


class ModelWithTemperature(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model
        self.temperature = nn.Parameter(torch.ones(1) * 1.5)

    def forward(self, x):
        return self.temperature_scale(self.model(x))

    def temperature_scale(self, logits):
        temperature = self.temperature.unsqueeze(1).expand(logits.size(0), logits.size(1))
        return logits / temperature

    def set_temperature(self, logits, labels):
        nll_criterion, ece_criterion = nn.CrossEntropyLoss(), _ECELoss()
        before_nll = nll_criterion(logits, labels).item()
        before_ece = ece_criterion(logits, labels).item()
        print("Before temperature - NLL: %.3f, ECE: %.3f" % (before_nll, before_ece))
        optimizer = torch.optim.LBFGS([self.temperature], lr=0.01, max_iter=50)

        def eval():
            optimizer.zero_grad()
            loss = nll_criterion(self.temperature_scale(logits), labels)
            loss.backward()
            return loss

        optimizer.step(eval)
        after_nll = nll_criterion(self.temperature_scale(logits), labels).item()
        after_ece = ece_criterion(self.temperature_scale(logits), labels).item()
        print("Optimal temperature: %.3f" % self.temperature.item())
        print("After temperature - NLL: %.3f, ECE: %.3f" % (after_nll, after_ece))
        return self


print("softmax model")
torch.manual_seed(2)
net = train(mlp(), lambda out, t, e: F.cross_entropy(out, t), 8, lr=0.1)
net.eval()
with torch.no_grad():
    val_logits = net(Xva)
    test_logits = net(Xte)
scaled = ModelWithTemperature(net).set_temperature(val_logits, yva)
with torch.no_grad():
    probs = F.softmax(scaled(Xte), 1)
conf, pred = probs.max(1)
bins = torch.bucketize(conf, torch.linspace(0, 1, 11)[1:-1])
print("bin counts", torch.bincount(bins, minlength=10).tolist())
for b in range(10):
    m = bins == b
    if m.any():
        print(f"  bin {b}: n={int(m.sum())} conf {conf[m].mean().item():.4f} acc {(pred[m] == yte[m]).float().mean().item():.4f}")
onehot = F.one_hot(yte, 10).float()
print(f"brier {((probs - onehot) ** 2).sum(1).mean().item():.5f}")
cw = torch.stack([(probs[:, k] - onehot[:, k]).abs().mean() for k in range(10)])
print(f"classwise abs gap mean {cw.mean().item():.5f} max class {cw.argmax().item()}")


def kl_to_uniform(alpha):
    K = alpha.shape[1]
    beta = torch.ones((1, K), dtype=torch.float32)
    S_alpha = torch.sum(alpha, dim=1, keepdim=True)
    S_beta = torch.sum(beta, dim=1, keepdim=True)
    lnB = torch.lgamma(S_alpha) - torch.sum(torch.lgamma(alpha), dim=1, keepdim=True)
    lnB_uni = torch.sum(torch.lgamma(beta), dim=1, keepdim=True) - torch.lgamma(S_beta)
    dg0 = torch.digamma(S_alpha)
    dg1 = torch.digamma(alpha)
    return torch.sum((alpha - beta) * (dg1 - dg0), dim=1, keepdim=True) + lnB + lnB_uni


def edl_digamma_loss(output, target, epoch, num_classes=10, annealing_step=10):
    evidence = F.softplus(output)
    alpha = evidence + 1
    y1 = F.one_hot(target, num_classes).float()
    S = torch.sum(alpha, dim=1, keepdim=True)
    A = torch.sum(y1 * (torch.digamma(S) - torch.digamma(alpha)), dim=1, keepdim=True)
    annealing_coef = torch.min(torch.tensor(1.0, dtype=torch.float32),
                               torch.tensor(epoch / annealing_step, dtype=torch.float32))
    kl_alpha = (alpha - 1) * (1 - y1) + 1
    return torch.mean(A + annealing_coef * kl_to_uniform(kl_alpha))


print("evidential model")
torch.manual_seed(3)
edl = train(mlp(), edl_digamma_loss, 8, lr=0.05)
edl.eval()
with torch.no_grad():
    alpha = F.softplus(edl(Xte)) + 1
S = alpha.sum(1, keepdim=True)
p_edl = alpha / S
vacuity = 10 / S.squeeze(1)
correct = p_edl.argmax(1) == yte
print(f"edl accuracy {correct.float().mean().item():.4f}")
print(f"vacuity correct {vacuity[correct].mean().item():.4f} wrong {vacuity[~correct].mean().item():.4f}")
noise = torch.rand(50, 64, generator=torch.Generator().manual_seed(4))
with torch.no_grad():
    a_noise = F.softplus(edl(noise)) + 1
print(f"vacuity on noise {(10 / a_noise.sum(1)).mean().item():.4f}")
d = Dirichlet(alpha[:5])
ref = kl_divergence(d, Dirichlet(torch.ones(5, 10))).tolist()
print("KL to uniform", [round(v, 4) for v in kl_to_uniform(alpha[:5]).squeeze(1).tolist()])
print("kl_divergence", [round(v, 4) for v in ref])
print("entropy", [round(v, 4) for v in d.entropy().tolist()], "mean row0", [round(v, 4) for v in d.mean[0].tolist()])
print("digamma(1), lgamma(0.5)", f"{torch.digamma(torch.tensor(1.0)).item():.6f}",
      f"{torch.lgamma(torch.tensor(0.5)).item():.6f}")

print("MC dropout model")
torch.manual_seed(5)
mc = train(mlp(0.3), lambda out, t, e: F.cross_entropy(out, t), 6, lr=0.1)
mc.train()
torch.manual_seed(6)
with torch.no_grad():
    samples = torch.stack([F.softmax(mc(Xte), 1) for _ in range(20)])
mean_p = samples.mean(0)
entropy = -(mean_p * torch.log(mean_p + 1e-12)).sum(1)
expected_entropy = -(samples * torch.log(samples + 1e-12)).sum(2).mean(0)
mi = entropy - expected_entropy
acc = (mean_p.argmax(1) == yte).float().mean().item()
print(f"mc accuracy {acc:.4f} entropy {entropy.mean().item():.5f} mutual info {mi.mean().item():.5f}")
print("most uncertain", mi.topk(3).indices.tolist(), "shape", tuple(samples.shape))
