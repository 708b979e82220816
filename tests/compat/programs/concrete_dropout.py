"""Concrete dropout (Gal, Hron & Kendall), as its reference PyTorch port writes it: a wrapper layer whose
dropout probability is a learned logit, the relaxed Bernoulli mask from uniform noise through logs and a
sigmoid at temperature 0.1, the weight and dropout regularisers from the layer's input size, a
heteroscedastic regression head (mean and log variance) trained on 1-D data whose noise grows with x,
the learned p per layer, and MC-sampled predictive mean / epistemic and aleatoric variance."""

import math

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)


class ConcreteDropout(nn.Module):
    def __init__(self, weight_regularizer=1e-6, dropout_regularizer=1e-5, init_min=0.1, init_max=0.1):
        super().__init__()
        self.weight_regularizer = weight_regularizer
        self.dropout_regularizer = dropout_regularizer
        init_min = np.log(init_min) - np.log(1.0 - init_min)
        init_max = np.log(init_max) - np.log(1.0 - init_max)
        self.p_logit = nn.Parameter(torch.empty(1).uniform_(init_min, init_max))

    def forward(self, x, layer):
        p = torch.sigmoid(self.p_logit)
        out = layer(self._concrete_dropout(x, p))
        sum_of_square = sum(torch.sum(torch.pow(param, 2)) for param in layer.parameters())
        weights_regularizer = self.weight_regularizer * sum_of_square / (1 - p)
        dropout_regularizer = p * torch.log(p) + (1.0 - p) * torch.log(1.0 - p)
        input_dimensionality = x[0].numel()
        dropout_regularizer *= self.dropout_regularizer * input_dimensionality
        return out, weights_regularizer + dropout_regularizer

    def _concrete_dropout(self, x, p):
        eps, temp = 1e-7, 0.1
        unif_noise = torch.rand_like(x)
        drop_prob = (torch.log(p + eps) - torch.log(1 - p + eps) + torch.log(unif_noise + eps)
                     - torch.log(1 - unif_noise + eps))
        drop_prob = torch.sigmoid(drop_prob / temp)
        random_tensor = 1 - drop_prob
        retain_prob = 1 - p
        return torch.mul(x, random_tensor) / retain_prob


class Model(nn.Module):
    def __init__(self, wr, dr, hidden=32):
        super().__init__()
        self.linear1 = nn.Linear(1, hidden)
        self.linear2 = nn.Linear(hidden, hidden)
        self.linear_mu = nn.Linear(hidden, 1)
        self.linear_logvar = nn.Linear(hidden, 1)
        self.conc_drop1 = ConcreteDropout(weight_regularizer=wr, dropout_regularizer=dr)
        self.conc_drop2 = ConcreteDropout(weight_regularizer=wr, dropout_regularizer=dr)
        self.conc_drop_mu = ConcreteDropout(weight_regularizer=wr, dropout_regularizer=dr)
        self.conc_drop_logvar = ConcreteDropout(weight_regularizer=wr, dropout_regularizer=dr)
        self.relu = nn.ReLU()

    def forward(self, x):
        x1, r1 = self.conc_drop1(x, nn.Sequential(self.linear1, self.relu))
        x2, r2 = self.conc_drop2(x1, nn.Sequential(self.linear2, self.relu))
        mean, r3 = self.conc_drop_mu(x2, self.linear_mu)
        log_var, r4 = self.conc_drop_logvar(x2, self.linear_logvar)
        return mean, log_var, r1 + r2 + r3 + r4


def heteroscedastic_loss(true, mean, log_var):
    precision = torch.exp(-log_var)
    return torch.mean(torch.sum(precision * (true - mean) ** 2 + log_var, 1), 0)


gen = torch.Generator().manual_seed(0)
N = 128
x = torch.rand(N, 1, generator=gen) * 4 - 2
noise_std = 0.05 + 0.25 * (x + 2) / 4
y = torch.sin(2 * x) + noise_std * torch.randn(N, 1, generator=gen)
length_scale = 1e-4
wr = length_scale ** 2.0 / N
dr = 2.0 / N
model = Model(wr, dr)
print("initial p", [round(torch.sigmoid(m.p_logit).item(), 4) for m in model.modules()
                    if isinstance(m, ConcreteDropout)])
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(60):
    perm = torch.randperm(N, generator=gen)
    for k in range(0, N, 32):
        idx = perm[k: k + 32]
        mean, log_var, regularization = model(x[idx])
        loss = heteroscedastic_loss(y[idx], mean, log_var) + regularization
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 20 == 19:
        print(f"epoch {epoch + 1} | loss {loss.item():.5f} | reg {regularization.item():.6f}")

ps = [torch.sigmoid(m.p_logit).item() for m in model.modules() if hasattr(m, "p_logit")]
print("learned p", [round(p, 4) for p in ps])
x_test = torch.linspace(-2, 2, 5).unsqueeze(1)
with torch.no_grad():
    draws = [model(x_test) for _ in range(50)]
    means = torch.stack([d[0] for d in draws])
    log_vars = torch.stack([d[1] for d in draws])
    epistemic = means.var(0, unbiased=False).squeeze(1)
    aleatoric = log_vars.exp().mean(0).squeeze(1)
print("predictive mean", [round(v, 4) for v in means.mean(0).squeeze(1).tolist()])
print("epistemic var", [round(v, 5) for v in epistemic.tolist()])
print("aleatoric std", [round(math.sqrt(v), 4) for v in aleatoric.tolist()])
print("true noise std", [round(0.05 + 0.25 * (v + 2) / 4, 4) for v in x_test.squeeze(1).tolist()])
