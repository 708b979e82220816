"""The wider torch.distributions as RL, VAE and Bayesian scripts use it: a Gumbel-softmax (Concrete)
bottleneck trained through RelaxedOneHotCategorical.rsample, a robust regression with a Student-t
likelihood, variational inference with a reparameterized Gamma posterior (implicit gradients), a
low-rank Gaussian fit, a Kumaraswamy relaxation, constrained parameters by biject_to, KL divergences
between many pairs, and seeded draws from the discrete, heavy-tailed and matrix families."""

import torch
import torch.distributions as D
from torch.distributions import constraints

torch.manual_seed(0)

# 1. a Gumbel-softmax bottleneck: logits -> relaxed one-hot -> linear decoder
enc = torch.nn.Linear(4, 3)
dec = torch.nn.Linear(3, 4)
opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=0.05)
x = torch.eye(4)[[0, 1, 2, 3, 0, 1]]
for step in range(30):
    q = D.RelaxedOneHotCategorical(torch.tensor(0.5), logits=enc(x))
    z = q.rsample()
    recon = dec(z)
    prior = D.OneHotCategorical(logits=torch.zeros(3))
    kl = D.kl_divergence(D.OneHotCategorical(logits=enc(x)), prior).mean()
    loss = ((recon - x) ** 2).sum(-1).mean() + 0.1 * kl
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"concrete step {step} | loss {loss.item():.5f} | kl {kl.item():.5f}")
st = D.OneHotCategoricalStraightThrough(logits=enc(x))
print("straight-through", st.rsample().sum(0).tolist(), f"{st.entropy().sum().item():.5f}")

# 2. robust regression: a Student-t likelihood with learned df, location line and scale
xs = torch.linspace(-2, 2, 40)
ys = 1.5 * xs - 0.5 + 0.2 * torch.sin(7 * xs)
ys[::9] += 4.0  # outliers
params = torch.zeros(4, requires_grad=True)  # slope, intercept, log scale, log df
opt = torch.optim.Adam([params], lr=0.1)
for step in range(40):
    lik = D.StudentT(params[3].exp() + 1, params[0] * xs + params[1], params[2].exp())
    nll = -lik.log_prob(ys).mean()
    opt.zero_grad()
    nll.backward()
    opt.step()
    if step % 10 == 9:
        print(f"student-t step {step} | nll {nll.item():.5f}")
print("student-t fit", [round(v, 4) for v in params.tolist()], f"entropy {lik.entropy().mean().item():.5f}")

# 3. variational inference for a Poisson rate with a reparameterized Gamma posterior
counts = torch.tensor([3.0, 5.0, 4.0, 6.0, 2.0, 5.0])
log_a = torch.tensor(0.0, requires_grad=True)
log_b = torch.tensor(0.0, requires_grad=True)
opt = torch.optim.Adam([log_a, log_b], lr=0.1)
prior = D.Gamma(torch.tensor(2.0), torch.tensor(0.5))
for step in range(30):
    post = D.Gamma(log_a.exp(), log_b.exp())
    rate = post.rsample((16,))
    elbo = D.Poisson(rate.unsqueeze(-1)).log_prob(counts).sum(-1).mean() - D.kl_divergence(post, prior)
    opt.zero_grad()
    (-elbo).backward()
    opt.step()
    if step % 10 == 9:
        print(f"gamma vi step {step} | elbo {elbo.item():.4f}")
print(f"gamma posterior {log_a.exp().item():.4f} {log_b.exp().item():.4f}")

# 4. a low-rank plus diagonal Gaussian fitted to correlated data
data = torch.randn(64, 2) @ torch.tensor([[1.0, 0.8, 0.1], [0.0, 0.6, 1.0]])
loc = torch.zeros(3, requires_grad=True)
factor = torch.full((3, 1), 0.1, requires_grad=True)
log_diag = torch.zeros(3, requires_grad=True)
opt = torch.optim.Adam([loc, factor, log_diag], lr=0.05)
for step in range(40):
    mvn = D.LowRankMultivariateNormal(loc, factor, log_diag.exp())
    nll = -mvn.log_prob(data).mean()
    opt.zero_grad()
    nll.backward()
    opt.step()
print(f"lowrank nll {nll.item():.5f} | entropy {mvn.entropy().item():.5f}")
print("lowrank variance", [round(v, 4) for v in mvn.variance.tolist()])

# 5. constrained parameters through biject_to, a Kumaraswamy relaxation, a squashed Gaussian
raw = torch.tensor([0.3, -0.2], requires_grad=True)
conc = D.biject_to(constraints.positive)(raw)
kuma = D.Kumaraswamy(conc[0] + 1, conc[1] + 2)
draw = kuma.rsample((5,))
(draw.mean() + kuma.entropy()).backward()
print("kumaraswamy", [round(v, 5) for v in draw.tolist()], [round(v, 5) for v in raw.grad.tolist()])
squash = D.TransformedDistribution(D.Normal(torch.zeros(2), torch.ones(2)), [D.TanhTransform(cache_size=1)])
a = squash.rsample()
print("squashed", [round(v, 5) for v in a.tolist()], [round(v, 5) for v in squash.log_prob(a).tolist()])
simplex = D.transform_to(constraints.simplex)(torch.tensor([0.5, -1.0, 2.0]))
stick = D.biject_to(constraints.simplex)(torch.tensor([0.5, -1.0]))
print("simplex", [round(v, 5) for v in simplex.tolist()], [round(v, 5) for v in stick.tolist()])

# 6. KL divergences between pairs of families
pairs = [
    (D.Beta(torch.tensor(2.0), torch.tensor(3.0)), D.Beta(torch.tensor(1.0), torch.tensor(1.0))),
    (D.Dirichlet(torch.tensor([1.0, 2.0, 3.0])), D.Dirichlet(torch.ones(3))),
    (D.Gumbel(torch.tensor(0.0), torch.tensor(1.0)), D.Gumbel(torch.tensor(1.0), torch.tensor(2.0))),
    (D.Laplace(torch.tensor(0.0), torch.tensor(1.0)), D.Laplace(torch.tensor(0.5), torch.tensor(2.0))),
    (D.Normal(torch.tensor(0.0), torch.tensor(1.0)), D.Laplace(torch.tensor(0.5), torch.tensor(2.0))),
    (D.Geometric(torch.tensor(0.3)), D.Geometric(torch.tensor(0.6))),
    (D.Pareto(torch.tensor(1.0), torch.tensor(3.0)), D.Pareto(torch.tensor(0.5), torch.tensor(2.0))),
    (D.HalfNormal(torch.tensor(1.0)), D.HalfNormal(torch.tensor(2.0))),
    (D.Cauchy(torch.tensor(0.0), torch.tensor(1.0)), D.Cauchy(torch.tensor(1.0), torch.tensor(2.0))),
    (D.ContinuousBernoulli(torch.tensor(0.3)), D.ContinuousBernoulli(torch.tensor(0.8))),
]
print("kl", [round(D.kl_divergence(p, q).item(), 5) for p, q in pairs])

# 7. seeded draws and densities
torch.manual_seed(1)
print("geometric", D.Geometric(torch.tensor([0.2, 0.7])).sample((4,)).tolist())
print("binomial", D.Binomial(5, torch.tensor([0.3, 0.6])).sample((3,)).tolist())
print("multinomial", D.Multinomial(8, torch.tensor([0.2, 0.3, 0.5])).sample((2,)).tolist())
print("negative binomial", D.NegativeBinomial(3.0, torch.tensor([0.4, 0.7])).sample((3,)).tolist())
print("cauchy", [round(v, 4) for v in D.HalfCauchy(torch.tensor([1.0, 2.0])).sample((3,)).flatten().tolist()])
print("weibull", [round(v, 4) for v in D.Weibull(torch.tensor(1.0), torch.tensor(1.5)).sample((4,)).tolist()])
print("chi2", [round(v, 4) for v in D.Chi2(torch.tensor([3.0, 6.0])).sample((2,)).flatten().tolist()])
print("von mises", [round(v, 4) for v in D.VonMises(torch.tensor(0.5), torch.tensor(3.0)).sample((4,)).tolist()])
lkj = D.LKJCholesky(3, torch.tensor(2.0))
L = lkj.sample()
print("lkj", [round(v, 4) for v in L.flatten().tolist()], f"{lkj.log_prob(L).item():.5f}")
w = D.Wishart(torch.tensor(5.0), covariance_matrix=torch.eye(2) * 2)
print(f"wishart log_prob {w.log_prob(torch.eye(2) * 8).item():.5f} entropy {w.entropy().item():.5f}")
print("shapes", tuple(D.Gumbel(torch.zeros(3), 1.0).expand((2, 3)).sample((4,)).shape),
      tuple(D.LogisticNormal(torch.zeros(2), torch.ones(2)).sample((5,)).shape))
