"""Variational Bayesian regression as the Bayes-by-Backprop blog posts write it
(Blundell et al. on the toy x**3 + noise problem): a BayesianLinear whose
weight and bias posteriors are (mu, rho) parameters with sigma =
log1p(exp(rho)) / F.softplus(rho), weights drawn by mu + sigma *
torch.randn_like(sigma), a scale-mixture prior whose log-density is a
logsumexp of two Normal.log_prob's, the Monte-Carlo KL (log q - log p of the
sampled weights) averaged over several samples in the ELBO, the closed-form
KL by torch.distributions.kl_divergence for a Gaussian prior, a Gaussian
likelihood with a learned log-noise; then predictive mean/std from sampled
networks, the same for an MC-dropout net (dropout left on at test time),
and the coverage of the +-2 sigma band. Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence

torch.manual_seed(0)
torch.set_num_threads(1)

N = 64
x = torch.empty(N, 1).uniform_(-4, 4)
y = x ** 3 / 20 + 0.3 * torch.randn(N, 1)
x_test = torch.linspace(-6, 6, 25).unsqueeze(1)
y_test = x_test ** 3 / 20


class ScaleMixturePrior:
    def __init__(self, pi=0.5, sigma1=1.0, sigma2=math.exp(-3)):  # noqa: B008
        self.pi = pi
        self.n1 = Normal(0.0, sigma1)
        self.n2 = Normal(0.0, sigma2)

    def log_prob(self, w):
        lp1 = math.log(self.pi) + self.n1.log_prob(w)
        lp2 = math.log(1 - self.pi) + self.n2.log_prob(w)
        return torch.logsumexp(torch.stack([lp1, lp2]), dim=0).sum()


class BayesianLinear(nn.Module):
    def __init__(self, in_features, out_features, prior):
        super().__init__()
        self.w_mu = nn.Parameter(torch.empty(out_features, in_features).uniform_(-0.2, 0.2))
        self.w_rho = nn.Parameter(torch.empty(out_features, in_features).uniform_(-5, -4))
        self.b_mu = nn.Parameter(torch.empty(out_features).uniform_(-0.2, 0.2))
        self.b_rho = nn.Parameter(torch.empty(out_features).uniform_(-5, -4))
        self.prior = prior
        self.log_prior = 0.0
        self.log_variational_posterior = 0.0

    def forward(self, x, sample=True):
        w_sigma = torch.log1p(torch.exp(self.w_rho))
        b_sigma = F.softplus(self.b_rho)
        if sample:
            w = self.w_mu + w_sigma * torch.randn_like(w_sigma)
            b = self.b_mu + b_sigma * torch.randn_like(b_sigma)
        else:
            w, b = self.w_mu, self.b_mu
        if self.training:
            self.log_prior = self.prior.log_prob(w) + self.prior.log_prob(b)
            self.log_variational_posterior = (Normal(self.w_mu, w_sigma).log_prob(w).sum()
                                              + Normal(self.b_mu, b_sigma).log_prob(b).sum())
        return F.linear(x, w, b)

    def analytic_kl(self, prior_sigma=1.0):
        q = Normal(torch.cat([self.w_mu.flatten(), self.b_mu]),
                   F.softplus(torch.cat([self.w_rho.flatten(), self.b_rho])))
        p = Normal(torch.zeros_like(q.loc), prior_sigma * torch.ones_like(q.scale))
        return kl_divergence(q, p).sum()


class BayesianNetwork(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        prior = ScaleMixturePrior()
        self.l1 = BayesianLinear(1, hidden, prior)
        self.l2 = BayesianLinear(hidden, 1, prior)
        self.log_noise = nn.Parameter(torch.tensor(-1.0))

    def forward(self, x, sample=True):
        return self.l2(torch.relu(self.l1(x, sample)), sample)

    def log_prior(self):
        return self.l1.log_prior + self.l2.log_prior

    def log_variational_posterior(self):
        return self.l1.log_variational_posterior + self.l2.log_variational_posterior

    def sample_elbo(self, x, y, samples=3, kl_weight=1.0):
        log_priors, log_posts, log_liks = [], [], []
        for _ in range(samples):
            out = self(x)
            log_priors.append(self.log_prior())
            log_posts.append(self.log_variational_posterior())
            log_liks.append(Normal(out, self.log_noise.exp()).log_prob(y).sum())
        log_prior = torch.stack(log_priors).mean()
        log_post = torch.stack(log_posts).mean()
        nll = -torch.stack(log_liks).mean()
        loss = kl_weight * (log_post - log_prior) + nll
        return loss, log_prior, log_post, nll


net = BayesianNetwork()
opt = torch.optim.Adam(net.parameters(), lr=0.03)
for epoch in range(1, 151):
    net.train()
    loss, lp, lq, nll = net.sample_elbo(x, y, samples=3, kl_weight=1.0 / 10)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 50 == 0:
        print("epoch %3d | elbo loss %.4f | log prior %.4f | log q %.4f | nll %.4f | noise %.4f"
              % (epoch, loss.item(), lp.item(), lq.item(), nll.item(), net.log_noise.exp().item()))
print("closed-form KL to N(0,1): %.4f" % (net.l1.analytic_kl() + net.l2.analytic_kl()).item())

net.eval()
with torch.no_grad():
    preds = torch.stack([net(x_test) for _ in range(50)])  # (S, N, 1)
    mean, std = preds.mean(0).squeeze(1), preds.std(0).squeeze(1)
    point = net(x_test, sample=False).squeeze(1)
print("bbb mean  " + " ".join("%.3f" % v for v in mean[::4].tolist()))
print("bbb std   " + " ".join("%.3f" % v for v in std[::4].tolist()))
print("bbb point-vs-mean max gap %.4f" % (point - mean).abs().max().item())
inside = ((x_test.abs() <= 4).squeeze(1))
print("bbb std in-range %.4f out-of-range %.4f" % (std[inside].mean().item(), std[~inside].mean().item()))
covered = ((y_test.squeeze(1) - mean).abs() <= 2 * std)[inside].float().mean()
print("bbb 2-sigma coverage in range %.3f" % covered.item())

# MC dropout: a plain net with dropout kept on at test time
mc = nn.Sequential(nn.Linear(1, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 64), nn.ReLU(),
                   nn.Dropout(0.1), nn.Linear(64, 1))
opt = torch.optim.Adam(mc.parameters(), lr=0.01, weight_decay=1e-4)
for epoch in range(150):
    mc.train()
    loss = F.mse_loss(mc(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
print("mc dropout final mse %.5f" % loss.item())
mc.eval()
for m in mc.modules():
    if isinstance(m, nn.Dropout):
        m.train()
with torch.no_grad():
    samples = torch.stack([mc(x_test) for _ in range(40)]).squeeze(-1)
mc_mean, mc_std = samples.mean(0), samples.std(0, unbiased=True)
print("mc mean   " + " ".join("%.3f" % v for v in mc_mean[::4].tolist()))
print("mc std    " + " ".join("%.3f" % v for v in mc_std[::4].tolist()))
tau = 1.0 / (2 * 64 * 1e-4 / (0.9 * 1.0))  # Gal's precision from weight decay, p and the length scale
total_std = torch.sqrt(mc_std ** 2 + 1.0 / tau)
print("mc total std mean %.4f rmse %.4f" % (total_std.mean().item(),
                                             torch.sqrt(F.mse_loss(mc_mean, y_test.squeeze(1))).item()))
