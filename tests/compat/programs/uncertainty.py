"""Uncertainty-estimation code as blog posts and papers' repositories write it,
on the bundled digits: MC dropout (model.eval() then only the Dropout modules
switched back by a modules() loop on __class__.__name__, T stochastic passes
stacked), Bayes by Backprop (a BayesianLinear with mu/rho parameters,
softplus sigma, weights sampled by torch.randn_like in forward and fed to
F.linear, the closed-form Gaussian KL, an ELBO with the KL scaled by the
number of batches), a deep ensemble (a ModuleList of members, mean of
softmaxes), predictive entropy / expected entropy / mutual information,
temperature scaling (Guo et al.: one temperature parameter fitted with LBFGS
on validation NLL through a closure), and the ECE before and after by
bucketize-free bin loops. Seeded: every number agrees."""


import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

pixels, labels = digits()
X = torch.tensor(pixels, dtype=torch.float32) / 16.0
X = X + 0.02 * torch.rand(X.shape, generator=torch.Generator().manual_seed(11))
Y = torch.tensor(labels)
X_tr, Y_tr = X[:700], Y[:700]
X_va, Y_va = X[700:900], Y[700:900]
X_te, Y_te = X[900:1100], Y[900:1100]
loader = DataLoader(TensorDataset(X_tr, Y_tr), batch_size=70, shuffle=True,
                    generator=torch.Generator().manual_seed(0))


class MLP(nn.Module):
    def __init__(self, p=0.3):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Dropout(p), nn.Linear(64, 32), nn.ReLU(),
                                 nn.Dropout(p), nn.Linear(32, 10))

    def forward(self, x):
        return self.net(x)


def fit(model, epochs, lr=3e-3, extra_loss=None):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        model.train()
        for xb, yb in loader:
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            if extra_loss is not None:
                loss = loss + extra_loss(model)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return loss.item()


def enable_dropout(model):
    for m in model.modules():
        if m.__class__.__name__.startswith("Dropout"):
            m.train()


def ece_score(probs, labels, n_bins=10):
    confidences, predictions = torch.max(probs, 1)
    accuracies = predictions.eq(labels)
    ece = torch.zeros(1)
    bin_boundaries = torch.linspace(0, 1, n_bins + 1)
    for bin_lower, bin_upper in zip(bin_boundaries[:-1], bin_boundaries[1:]):
        in_bin = confidences.gt(bin_lower.item()) * confidences.le(bin_upper.item())
        prop_in_bin = in_bin.float().mean()
        if prop_in_bin.item() > 0:
            accuracy_in_bin = accuracies[in_bin].float().mean()
            avg_confidence_in_bin = confidences[in_bin].mean()
            ece += torch.abs(avg_confidence_in_bin - accuracy_in_bin) * prop_in_bin
    return ece.item()


def uncertainty(prob_samples):
    mean = prob_samples.mean(0)
    predictive_entropy = -(mean * torch.log(mean + 1e-12)).sum(-1)
    expected_entropy = -(prob_samples * torch.log(prob_samples + 1e-12)).sum(-1).mean(0)
    return mean, predictive_entropy, predictive_entropy - expected_entropy


# ------------------------------------------------------------------ MC dropout
torch.manual_seed(1)
mlp = MLP()
print(f"mlp final batch loss {fit(mlp, 5):.6f}")
mlp.eval()
with torch.no_grad():
    det_probs = F.softmax(mlp(X_te), dim=1)
enable_dropout(mlp)
print("modes", [m.training for m in mlp.modules()])
torch.manual_seed(2)
with torch.no_grad():
    mc = torch.stack([F.softmax(mlp(X_te), dim=1) for _ in range(20)])
mean, pe, mi = uncertainty(mc)
print(f"mc dropout | det acc {(det_probs.argmax(1) == Y_te).float().mean().item():.4f} | mc acc "
      f"{(mean.argmax(1) == Y_te).float().mean().item():.4f} | entropy {pe.mean().item():.6f} | mi {mi.mean().item():.6f}")
wrong = mean.argmax(1) != Y_te
print(f"entropy wrong {pe[wrong].mean().item():.6f} vs right {pe[~wrong].mean().item():.6f} | "
      f"ece det {ece_score(det_probs, Y_te):.6f} mc {ece_score(mean, Y_te):.6f}")


# ------------------------------------------------------------------ Bayes by Backprop
class BayesianLinear(nn.Module):
    def __init__(self, in_features, out_features, prior_sigma=1.0):
        super().__init__()
        self.weight_mu = nn.Parameter(torch.Tensor(out_features, in_features).uniform_(-0.2, 0.2))
        self.weight_rho = nn.Parameter(torch.Tensor(out_features, in_features).uniform_(-5, -4))
        self.bias_mu = nn.Parameter(torch.Tensor(out_features).uniform_(-0.2, 0.2))
        self.bias_rho = nn.Parameter(torch.Tensor(out_features).uniform_(-5, -4))
        self.prior_sigma = prior_sigma
        self.kl = 0

    def forward(self, input, sample=True):
        weight_sigma = F.softplus(self.weight_rho)
        bias_sigma = F.softplus(self.bias_rho)
        if self.training or sample:
            weight = self.weight_mu + weight_sigma * torch.randn_like(weight_sigma)
            bias = self.bias_mu + bias_sigma * torch.randn_like(bias_sigma)
        else:
            weight, bias = self.weight_mu, self.bias_mu
        self.kl = self._kl(self.weight_mu, weight_sigma) + self._kl(self.bias_mu, bias_sigma)
        return F.linear(input, weight, bias)

    def _kl(self, mu, sigma):
        prior = self.prior_sigma
        return (torch.log(prior / sigma) + (sigma ** 2 + mu ** 2) / (2 * prior ** 2) - 0.5).sum()


class BayesMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = BayesianLinear(64, 48)
        self.l2 = BayesianLinear(48, 10)

    def forward(self, x, sample=True):
        return self.l2(F.relu(self.l1(x, sample)), sample)

    def kl(self):
        return sum(m.kl for m in self.modules() if isinstance(m, BayesianLinear))


torch.manual_seed(3)
bnn = BayesMLP()
num_batches = len(loader)
opt = torch.optim.Adam(bnn.parameters(), lr=5e-3)
for epoch in range(6):
    bnn.train()
    total_nll, total_kl = 0.0, 0.0
    for xb, yb in loader:
        out = bnn(xb)
        nll = F.cross_entropy(out, yb, reduction="sum")
        kl = bnn.kl()
        loss = (nll + kl / num_batches) / len(xb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total_nll += nll.item()
        total_kl += kl.item()
    if epoch % 2 == 1:
        print(f"bbb epoch {epoch} | nll {total_nll / len(X_tr):.6f} | kl {total_kl / num_batches:.3f} | "
              f"sigma mean {F.softplus(bnn.l1.weight_rho).mean().item():.6f}")
bnn.eval()
torch.manual_seed(4)
with torch.no_grad():
    samples = torch.stack([F.softmax(bnn(X_te), dim=1) for _ in range(10)])
    mean_only = F.softmax(bnn(X_te, sample=False), dim=1)
mean, pe, mi = uncertainty(samples)
print(f"bbb | acc {(mean.argmax(1) == Y_te).float().mean().item():.4f} | mean-weights acc "
      f"{(mean_only.argmax(1) == Y_te).float().mean().item():.4f} | entropy {pe.mean().item():.6f} | "
      f"mi {mi.mean().item():.6f}")

# ------------------------------------------------------------------ deep ensemble
members = nn.ModuleList()
for seed in range(3):
    torch.manual_seed(10 + seed)
    m = MLP(p=0.1)
    fit(m, 3)
    members.append(m.eval())
with torch.no_grad():
    probs = torch.stack([F.softmax(m(X_te), dim=1) for m in members])
mean, pe, mi = uncertainty(probs)
accs = [(p.argmax(1) == Y_te).float().mean().item() for p in probs]
print(f"ensemble | members {[round(a, 4) for a in accs]} | ensemble acc "
      f"{(mean.argmax(1) == Y_te).float().mean().item():.4f} | disagreement mi {mi.mean().item():.6f} | "
      f"nll {F.nll_loss(torch.log(mean), Y_te).item():.6f}")


# ------------------------------------------------------------------ temperature scaling
class ModelWithTemperature(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model
        self.temperature = nn.Parameter(torch.ones(1) * 1.5)

    def forward(self, input):
        return self.temperature_scale(self.model(input))

    def temperature_scale(self, logits):
        temperature = self.temperature.unsqueeze(1).expand(logits.size(0), logits.size(1))
        return logits / temperature

    def set_temperature(self, x_valid, y_valid):
        nll_criterion = nn.CrossEntropyLoss()
        with torch.no_grad():
            logits = self.model(x_valid)
        before_temperature_nll = nll_criterion(logits, y_valid).item()
        before_temperature_ece = ece_score(F.softmax(logits, 1), y_valid)
        print("Before temperature - NLL: %.4f, ECE: %.4f" % (before_temperature_nll, before_temperature_ece))
        optimizer = torch.optim.LBFGS([self.temperature], lr=0.01, max_iter=50)

        def eval():
            optimizer.zero_grad()
            loss = nll_criterion(self.temperature_scale(logits), y_valid)
            loss.backward()
            return loss
        optimizer.step(eval)
        after_temperature_nll = nll_criterion(self.temperature_scale(logits), y_valid).item()
        after_temperature_ece = ece_score(F.softmax(self.temperature_scale(logits), 1), y_valid)
        print("Optimal temperature: %.4f" % self.temperature.item())
        print("After temperature - NLL: %.4f, ECE: %.4f" % (after_temperature_nll, after_temperature_ece))
        return self


torch.manual_seed(5)
over = MLP(p=0.0)
fit(over, 12, lr=1e-2)  # overconfident: long training at a high rate
over.eval()
scaled = ModelWithTemperature(over).set_temperature(X_va, Y_va)
with torch.no_grad():
    before = F.softmax(over(X_te), 1)
    after = F.softmax(scaled(X_te), 1)
print(f"test ece {ece_score(before, Y_te):.6f} -> {ece_score(after, Y_te):.6f} | same argmax "
      f"{torch.equal(before.argmax(1), after.argmax(1))}")
