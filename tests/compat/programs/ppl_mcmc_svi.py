"""Probabilistic programming without Pyro, as blog posts and course notebooks write it with
torch.distributions: a Beta-Bernoulli coin with its conjugate posterior (Beta.mean/variance,
icdf-free credible interval from samples), random-walk Metropolis-Hastings on the log joint with
acceptance counting, Hamiltonian Monte Carlo with leapfrog steps and autograd gradients of the
log density, importance sampling with self-normalised weights (logsumexp) and the effective sample
size, stochastic variational inference for Bayesian logistic regression (a mean-field Normal guide
with softplus scales, rsample, the ELBO with Independent/kl_divergence, Adam), a Gaussian mixture
log-likelihood by MixtureSameFamily against an explicit logsumexp, the posterior predictive by
averaging sigmoid over guide samples, and Categorical/Dirichlet enumeration of a discrete latent.
Seeded: every printed number agrees."""

import math

import torch
import torch.distributions as dist
from torch.distributions import constraints

torch.set_num_threads(1)
torch.manual_seed(0)

# ---- Beta-Bernoulli ----
flips = torch.tensor([1., 1., 0., 1., 0., 1., 1., 1., 0., 1.])
prior = dist.Beta(torch.tensor(2.0), torch.tensor(2.0))
post = dist.Beta(prior.concentration1 + flips.sum(), prior.concentration0 + (1 - flips).sum())
print("posterior", post.concentration1, post.concentration0, post.mean, post.variance)
draws = post.sample((4000,))
lo, hi = torch.quantile(draws, torch.tensor([0.05, 0.95]))
print(f"90% interval {lo:.4f} {hi:.4f} mode {((post.concentration1 - 1) / (post.concentration1 + post.concentration0 - 2)):.4f}")
print("log marginal terms", dist.Bernoulli(probs=torch.tensor(0.7)).log_prob(flips).sum(), post.entropy())
print(constraints.unit_interval.check(draws[:3]), post.support, prior.has_rsample, dist.Bernoulli.has_enumerate_support)


# ---- Metropolis-Hastings on a 2-d banana-shaped density ----
def log_target(z):
    x, y = z[..., 0], z[..., 1]
    return dist.Normal(0.0, 2.0).log_prob(x) + dist.Normal(0.25 * x ** 2, 1.0).log_prob(y)


z = torch.zeros(2)
samples, accepted = [], 0
proposal_scale = 0.8
for i in range(1500):
    prop = z + proposal_scale * torch.randn(2)
    log_alpha = log_target(prop) - log_target(z)
    if torch.log(torch.rand(())) < log_alpha:
        z, accepted = prop, accepted + 1
    samples.append(z)
chain = torch.stack(samples[300:])
print(f"MH acceptance {accepted / 1500:.4f} mean {chain.mean(0)} std {chain.std(0)}")


# ---- HMC ----
def grad_log_target(z):
    z = z.detach().requires_grad_(True)
    lp = log_target(z)
    (g,) = torch.autograd.grad(lp, z)
    return lp.detach(), g


def hmc_step(z, step_size=0.2, n_leapfrog=10):
    p0 = torch.randn_like(z)
    lp0, g = grad_log_target(z)
    znew, p = z.clone(), p0 + 0.5 * step_size * g
    for i in range(n_leapfrog):
        znew = znew + step_size * p
        lp, g = grad_log_target(znew)
        if i != n_leapfrog - 1:
            p = p + step_size * g
    p = p + 0.5 * step_size * g
    log_accept = (lp - 0.5 * (p ** 2).sum()) - (lp0 - 0.5 * (p0 ** 2).sum())
    if torch.rand(()).log() < log_accept:
        return znew, True
    return z, False


z, hmc_samples, acc = torch.tensor([1.0, 1.0]), [], 0
for i in range(200):
    z, a = hmc_step(z)
    acc += int(a)
    hmc_samples.append(z)
hmc_chain = torch.stack(hmc_samples[50:])
print(f"HMC acceptance {acc / 200:.4f} mean {hmc_chain.mean(0)} std {hmc_chain.std(0)}")

# ---- importance sampling of E[x^2] under the banana's x marginal with a wide Normal proposal ----
q = dist.Normal(torch.tensor(0.0), torch.tensor(3.0))
xs = q.sample((5000,))
log_w = dist.Normal(0.0, 2.0).log_prob(xs) - q.log_prob(xs)
w = torch.softmax(log_w, dim=0)
ess = 1.0 / (w ** 2).sum()
print(f"IS E[x^2] {(w * xs ** 2).sum():.4f} (exact 4) ess {ess:.1f} log Z {torch.logsumexp(log_w, 0) - math.log(5000):.5f}")

# ---- SVI for Bayesian logistic regression ----
n, d = 200, 3
X = torch.randn(n, d)
true_w = torch.tensor([2.0, -1.0, 0.5])
y = torch.bernoulli(torch.sigmoid(X @ true_w + 0.3))
print("labels", y.sum().item(), y[:10])

loc = torch.zeros(d + 1, requires_grad=True)
raw_scale = torch.full((d + 1,), -2.0, requires_grad=True)
w_prior = dist.Independent(dist.Normal(torch.zeros(d + 1), torch.ones(d + 1)), 1)
optimizer = torch.optim.Adam([loc, raw_scale], lr=0.05)
for step in range(201):
    guide = dist.Independent(dist.Normal(loc, torch.nn.functional.softplus(raw_scale)), 1)
    theta = guide.rsample((8,))
    logits = X @ theta[:, :d].T + theta[:, d]
    log_lik = dist.Bernoulli(logits=logits.T).log_prob(y).sum(-1)
    elbo = log_lik.mean() - dist.kl_divergence(guide, w_prior)
    loss = -elbo
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 100 == 0:
        print(f"svi step {step} elbo {elbo.item():.4f}")
scale = torch.nn.functional.softplus(raw_scale)
print("posterior loc", loc.detach(), "scale", scale.detach())
with torch.no_grad():
    guide = dist.Independent(dist.Normal(loc, scale), 1)
    theta = guide.sample((500,))
    probs = torch.sigmoid(X[:5] @ theta[:, :d].T + theta[:, d]).mean(1)
print("predictive", probs, guide.batch_shape, guide.event_shape, guide.log_prob(loc.detach()))

# ---- mixtures and discrete latents ----
mix = dist.Categorical(torch.tensor([0.3, 0.7]))
comp = dist.Normal(torch.tensor([-2.0, 1.5]), torch.tensor([0.5, 1.0]))
gmm = dist.MixtureSameFamily(mix, comp)
data = torch.tensor([-2.1, -1.7, 0.9, 1.4, 2.8])
explicit = torch.logsumexp(comp.log_prob(data.unsqueeze(-1)) + mix.logits, dim=-1)
print("gmm", gmm.log_prob(data), torch.allclose(gmm.log_prob(data), explicit), gmm.mean, gmm.variance)
resp = torch.softmax(comp.log_prob(data.unsqueeze(-1)) + torch.log(mix.probs), dim=-1)
print("responsibilities", resp)
support = mix.enumerate_support()
print("enumerate", support, mix.enumerate_support(expand=False).shape)
alpha = torch.tensor([1.0, 2.0, 3.0])
dirichlet = dist.Dirichlet(alpha)
counts = torch.tensor([4.0, 0.0, 6.0])
dpost = dist.Dirichlet(alpha + counts)
print("dirichlet", dpost.mean, dpost.variance, dirichlet.log_prob(torch.tensor([0.2, 0.3, 0.5])))
dm = dist.Multinomial(10, probs=dpost.mean)
print("multinomial", dm.log_prob(counts), dm.mean, dist.Categorical(probs=dpost.mean).entropy())
