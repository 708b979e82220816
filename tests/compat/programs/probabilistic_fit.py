"""Probabilistic models as tutorials and course notebooks write them: a variational Bayesian
regression (Normal posterior, kl_divergence, reparameterized draws from fixed noise), a Gaussian
mixture fitted by maximum likelihood with MixtureSameFamily, a multivariate normal's density and
entropy, a few other families' densities; and a network whose layers are reparameterized with
nn.utils.parametrize (a symmetric matrix, as in the parametrizations tutorial) and weight_norm."""

import torch
import torch.distributions as D
import torch.nn as nn
import torch.nn.utils.parametrize as P

torch.manual_seed(0)

# 1. variational linear regression: q(w) = N(mu, sigma), prior N(0, 1)
x = torch.linspace(-1, 1, 50).unsqueeze(1)
y = 2 * x + 0.3 * torch.sin(9 * x)
mu = torch.zeros(2, requires_grad=True)
log_sigma = torch.full((2,), -1.0, requires_grad=True)
prior = D.Normal(torch.zeros(2), torch.ones(2))
opt = torch.optim.Adam([mu, log_sigma], lr=0.05)
eps = torch.cos(torch.arange(20 * 2, dtype=torch.float32)).reshape(20, 2)  # fixed "noise"
for step in range(60):
    q = D.Normal(mu, log_sigma.exp())
    w = mu + log_sigma.exp() * eps
    pred = x * w[:, :1].T + w[:, 1:].T
    ll = D.Normal(pred, 0.3).log_prob(y).sum(0).mean()
    kl = D.kl_divergence(q, prior).sum()
    loss = -(ll - kl)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 20 == 19:
        print(f"vi step {step} | elbo {-loss.item():.4f} | kl {kl.item():.6f}")
print("posterior mean", [round(v, 4) for v in mu.tolist()], "sigma", [round(v, 4) for v in log_sigma.exp().tolist()])
q = D.Normal(mu.detach(), log_sigma.exp().detach())
print("interval", [round(v, 4) for v in q.icdf(torch.tensor([0.025, 0.975]).unsqueeze(1)).flatten().tolist()])
print("shapes", tuple(q.batch_shape), tuple(q.event_shape), tuple(q.sample((7,)).shape))

# 2. a 1-D Gaussian mixture fitted by maximum likelihood
data = torch.cat([torch.linspace(-3, -1, 40), torch.linspace(1, 4, 60)])
logits = torch.zeros(3, requires_grad=True)
locs = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
log_scales = torch.zeros(3, requires_grad=True)
opt = torch.optim.Adam([logits, locs, log_scales], lr=0.1)
for step in range(80):
    gmm = D.MixtureSameFamily(D.Categorical(logits=logits), D.Normal(locs, log_scales.exp()))
    nll = -gmm.log_prob(data).mean()
    opt.zero_grad()
    nll.backward()
    opt.step()
    if step % 20 == 19:
        print(f"gmm step {step} | nll {nll.item():.5f}")
print("gmm mean", round(gmm.mean.item(), 5), "variance", round(gmm.variance.item(), 5),
      "cdf(0)", round(gmm.cdf(torch.tensor(0.0)).item(), 5))
print("gmm sample shape", tuple(gmm.sample((5,)).shape))

# 3. a multivariate normal: density, entropy, Mahalanobis distances
cov = torch.tensor([[2.0, 0.6, 0.0], [0.6, 1.0, 0.3], [0.0, 0.3, 0.5]])
mvn = D.MultivariateNormal(torch.tensor([0.5, -1.0, 0.0]), covariance_matrix=cov)
pts = torch.tensor([[0.0, 0.0, 0.0], [1.0, -1.0, 0.5], [2.0, 1.0, -1.0]])
print("mvn log_prob", [round(v, 5) for v in mvn.log_prob(pts).tolist()], "entropy", round(mvn.entropy().item(), 5))
print("mvn scale_tril diag", [round(v, 5) for v in mvn.scale_tril.diagonal().tolist()],
      "variance", [round(v, 5) for v in mvn.variance.tolist()])
prec = D.MultivariateNormal(torch.zeros(3), precision_matrix=torch.linalg.inv(cov))
print("precision form agrees", torch.allclose(prec.log_prob(pts), D.MultivariateNormal(torch.zeros(3), cov).log_prob(pts), atol=1e-5))
diag = D.Independent(D.Normal(torch.zeros(3), torch.ones(3)), 1)
print("diag vs mvn", round((diag.log_prob(pts) - D.MultivariateNormal(torch.zeros(3), torch.eye(3)).log_prob(pts)).abs().max().item(), 6))

# 4. other families
lap, ex, ln, po = D.Laplace(0.0, 2.0), D.Exponential(torch.tensor([0.5, 2.0])), D.LogNormal(0.0, 0.5), D.Poisson(3.0)
print("laplace", round(lap.log_prob(torch.tensor(1.5)).item(), 6), round(lap.cdf(torch.tensor(-1.0)).item(), 6),
      round(lap.icdf(torch.tensor(0.9)).item(), 6), round(lap.entropy().item(), 6))
print("exponential", [round(v, 6) for v in ex.log_prob(torch.tensor(1.0)).tolist()],
      [round(v, 6) for v in ex.icdf(torch.tensor(0.5)).tolist()], [round(v, 6) for v in ex.mean.tolist()])
print("lognormal", round(ln.log_prob(torch.tensor(1.3)).item(), 6), round(ln.mean.item(), 6), round(ln.variance.item(), 6))
print("poisson", [round(v, 6) for v in po.log_prob(torch.arange(5.0)).tolist()])

# 5. parametrized layers: a symmetric weight and weight normalization, trained together


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)

    def right_inverse(self, A):
        return A.triu()


net = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 2))
with torch.no_grad():
    for i, p in enumerate(net.parameters()):
        p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float32) * (1.1 + i)).reshape(p.shape) * 0.5)
P.register_parametrization(net[0], "weight", Symmetric())
nn.utils.parametrizations.weight_norm(net[2])
print("parametrized", type(net[0]).__name__, P.is_parametrized(net[0], "weight"),
      sorted(n for n, _ in net.named_parameters()))
print("symmetric", torch.equal(net[0].weight, net[0].weight.T), "g", [round(v, 5) for v in
      net[2].parametrizations.weight.original0.flatten().tolist()])
inputs = torch.cos(torch.arange(32, dtype=torch.float32)).reshape(8, 4)
targets = torch.tensor([0, 1, 1, 0, 1, 0, 0, 1])
opt = torch.optim.SGD(net.parameters(), lr=0.5)
for step in range(30):
    loss = nn.functional.cross_entropy(net(inputs), targets)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"param step {step} | loss {loss.item():.6f}")
print("still symmetric", torch.allclose(net[0].weight, net[0].weight.T))
sym = torch.eye(4) + 0.1
net[0].weight = sym  # goes through right_inverse
print("assigned", torch.allclose(net[0].weight, sym))
with P.cached():
    out = net(inputs)
print("cached forward", round(out.sum().item(), 5))
P.remove_parametrizations(net[0], "weight")
print("removed", type(net[0]).__name__, type(net[0].weight).__name__, list(net.state_dict())[:3])
