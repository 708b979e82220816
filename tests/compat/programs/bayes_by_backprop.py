"""Bayes by Backprop (Blundell et al.) for a 1-D regression with uncertainty, as the blog-post
implementations write it: Bayesian linear layers with (mu, rho) parameters and sigma = log1p(exp(rho)),
a scale-mixture prior, the KL estimated from samples (log q - log p) or in closed form with
torch.distributions.kl_divergence, the local reparameterisation trick variant, minibatch KL weighting,
predictive mean/std from 50 forward passes, and the reprs of the distributions and layers."""


import torch
import torch.distributions as D
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


class ScaleMixturePrior:
    def __init__(self, pi=0.5, s1=1.0, s2=0.0025):
        self.pi = pi
        self.n1, self.n2 = D.Normal(0, s1), D.Normal(0, s2)

    def log_prob(self, w):
        p1 = torch.exp(self.n1.log_prob(w))
        p2 = torch.exp(self.n2.log_prob(w))
        return torch.log(self.pi * p1 + (1 - self.pi) * p2 + 1e-30).sum()


class BayesLinear(nn.Module):
    def __init__(self, n_in, n_out, local_reparam=False, prior=None):
        super().__init__()
        self.w_mu = nn.Parameter(torch.empty(n_out, n_in).uniform_(-0.2, 0.2))
        self.w_rho = nn.Parameter(torch.empty(n_out, n_in).uniform_(-5, -4))
        self.b_mu = nn.Parameter(torch.empty(n_out).uniform_(-0.2, 0.2))
        self.b_rho = nn.Parameter(torch.empty(n_out).uniform_(-5, -4))
        self.local_reparam = local_reparam
        self.prior = prior or ScaleMixturePrior()
        self.kl = torch.tensor(0.0)

    def extra_repr(self):
        return f"in={self.w_mu.shape[1]}, out={self.w_mu.shape[0]}, local_reparam={self.local_reparam}"

    def forward(self, x, sample=True):
        w_sigma = torch.log1p(torch.exp(self.w_rho))
        b_sigma = F.softplus(self.b_rho)
        if not sample:
            return F.linear(x, self.w_mu, self.b_mu)
        if self.local_reparam:
            act_mu = F.linear(x, self.w_mu, self.b_mu)
            act_var = F.linear(x ** 2, w_sigma ** 2, b_sigma ** 2)
            out = act_mu + act_var.sqrt() * torch.randn_like(act_mu)
            q = D.Normal(self.w_mu, w_sigma)
            self.kl = D.kl_divergence(q, D.Normal(torch.zeros_like(self.w_mu), torch.ones_like(w_sigma))).sum() + \
                D.kl_divergence(D.Normal(self.b_mu, b_sigma), D.Normal(0.0, 1.0)).sum()
            return out
        w = self.w_mu + w_sigma * torch.randn_like(w_sigma)
        b = self.b_mu + b_sigma * torch.randn_like(b_sigma)
        log_q = D.Normal(self.w_mu, w_sigma).log_prob(w).sum() + D.Normal(self.b_mu, b_sigma).log_prob(b).sum()
        log_p = self.prior.log_prob(w) + self.prior.log_prob(b)
        self.kl = log_q - log_p
        return F.linear(x, w, b)


class BNN(nn.Module):
    def __init__(self, local_reparam=False):
        super().__init__()
        self.l1 = BayesLinear(1, 32, local_reparam)
        self.l2 = BayesLinear(32, 1, local_reparam)

    def forward(self, x, sample=True):
        return self.l2(torch.relu(self.l1(x, sample)), sample)

    def kl(self):
        return self.l1.kl + self.l2.kl


g = torch.Generator().manual_seed(1)
x = torch.cat([torch.rand(60, 1, generator=g) * 1.5 - 2.0, torch.rand(60, 1, generator=g) * 1.5 + 0.5])
y = torch.sin(2 * x) + 0.1 * torch.randn(120, 1, generator=g)
x_test = torch.linspace(-3, 3, 13).unsqueeze(1)

prior = ScaleMixturePrior()
print("prior logp of zeros(3)", f"{prior.log_prob(torch.zeros(3)).item():.4f}", prior.n1, prior.n2)
print(D.Normal(torch.zeros(2), torch.ones(2)), D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 2.0)))

for local in (False, True):
    torch.manual_seed(2)
    model = BNN(local)
    if not local:
        print(model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    n_batches = 2
    for epoch in range(60):
        perm = torch.randperm(120)
        for i, idx in enumerate(perm.split(60)):
            pred = model(x[idx])
            nll = -D.Normal(pred, 0.1).log_prob(y[idx]).sum()
            weight = 2 ** (n_batches - i - 1) / (2 ** n_batches - 1)  # Blundell's minibatch weighting
            loss = nll + weight * model.kl()
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 20 == 0 or epoch == 59:
            print(f"local={local} epoch {epoch:3d} nll {nll.item():.3f} kl {model.kl().item():.3f}")
    with torch.no_grad():
        preds = torch.stack([model(x_test) for _ in range(50)])
        mean, std = preds.mean(0).squeeze(1), preds.std(0).squeeze(1)
        det = model(x_test, sample=False).squeeze(1)
    print(f"local={local} predictive std", [f"{v:.3f}" for v in std.tolist()])
    print(f"local={local} mean at 0 {mean[6].item():.3f} det at 0 {det[6].item():.3f} std ratio out/in {(std[[0, 12]].mean() / std[[3, 9]].mean()).item():.3f}")
    sig = F.softplus(model.l1.w_rho)
    print(f"local={local} sigma range [{sig.min().item():.4f}, {sig.max().item():.4f}] snr>1 frac {(model.l1.w_mu.abs() / sig > 1).float().mean().item():.3f}")
