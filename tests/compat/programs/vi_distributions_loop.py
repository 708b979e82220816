"""Variational inference loops as probabilistic-programming tutorials write them with
torch.distributions only: distributions printed (their reprs list what PyTorch has cached), Bayes by
backprop on a small regression (Normal posteriors via rsample, Independent, analytic kl_divergence
against a scale-mixture prior estimated by Monte Carlo with MixtureSameFamily), a mean-field Gaussian
fit to a 2-d banana by the reparameterized ELBO, a MultivariateNormal posterior with scale_tril from
a parameter, a Beta-Bernoulli conjugate check, and a Gumbel-softmax relaxed categorical. Seeded."""

import torch
import torch.distributions as D
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

prior_mix = D.MixtureSameFamily(D.Categorical(torch.tensor([0.5, 0.5])),
                                D.Normal(torch.zeros(2), torch.tensor([1.0, 0.1])))
print(prior_mix)
q = D.Normal(torch.zeros(3), torch.ones(3))
print(q, D.Independent(q, 1))
print(D.Beta(2.0, 3.0), D.LogNormal(0.0, 0.5), D.HalfNormal(1.0), D.Chi2(4.0))
b = D.Bernoulli(logits=torch.tensor([0.0, 1.0]))
print(b)
print("bernoulli probs", [round(v, 5) for v in b.probs.tolist()])
print(b)
c = D.Categorical(probs=torch.tensor([0.1, 0.6, 0.3]))
print(c, c.param_shape, c.logits.shape)
print(c)
mvn = D.MultivariateNormal(torch.zeros(2), covariance_matrix=torch.tensor([[2.0, 0.5], [0.5, 1.0]]))
print(mvn)
print("mvn scale_tril", [[round(v, 5) for v in row] for row in mvn.scale_tril.tolist()])
print(mvn)


class BayesLinear(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.w_mu = nn.Parameter(torch.randn(n_out, n_in) * 0.1)
        self.w_rho = nn.Parameter(torch.full((n_out, n_in), -4.0))
        self.b_mu = nn.Parameter(torch.zeros(n_out))
        self.b_rho = nn.Parameter(torch.full((n_out,), -4.0))

    def posteriors(self):
        return (D.Normal(self.w_mu, F.softplus(self.w_rho)), D.Normal(self.b_mu, F.softplus(self.b_rho)))

    def forward(self, x):
        qw, qb = self.posteriors()
        w, b = qw.rsample(), qb.rsample()
        self.log_q = qw.log_prob(w).sum() + qb.log_prob(b).sum()
        self.log_p = prior_mix.log_prob(w.reshape(-1)).sum() + prior_mix.log_prob(b).sum()
        self.kl_analytic = (D.kl_divergence(qw, D.Normal(0.0, 1.0)).sum()
                            + D.kl_divergence(qb, D.Normal(0.0, 1.0)).sum())
        return F.linear(x, w, b)


x = torch.linspace(-2, 2, 40).unsqueeze(1)
y = torch.sin(2 * x) + 0.1 * torch.randn_like(x)
net = nn.ModuleList([BayesLinear(1, 16), BayesLinear(16, 1)])
opt = torch.optim.Adam(net.parameters(), lr=0.03)
noise = D.Normal(0.0, 0.1)
for step in range(60):
    h = torch.tanh(net[0](x))
    out = net[1](h)
    nll = -D.Normal(out, 0.1).log_prob(y).sum()
    kl_mc = sum(m.log_q - m.log_p for m in net)
    loss = nll + kl_mc / 10
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 20 == 0 or step == 59:
        kl_a = sum(m.kl_analytic for m in net)
        print(f"bbb step {step:3d} nll {nll.item():10.3f} kl_mc {kl_mc.item():9.3f} kl_analytic {kl_a.item():9.3f}")
with torch.no_grad():
    preds = torch.stack([net[1](torch.tanh(net[0](x))) for _ in range(20)])
    print("predictive mean", [round(v, 3) for v in preds.mean(0)[::8, 0].tolist()])
    print("predictive std", [round(v, 3) for v in preds.std(0)[::8, 0].tolist()])


def banana_log_prob(z):
    z1, z2 = z[..., 0], z[..., 1]
    return D.Normal(0.0, 2.0).log_prob(z1) + D.Normal(0.25 * z1 ** 2, 1.0).log_prob(z2)


loc = nn.Parameter(torch.zeros(2))
log_scale = nn.Parameter(torch.zeros(2))
opt = torch.optim.Adam([loc, log_scale], lr=0.05)
for step in range(80):
    qz = D.Independent(D.Normal(loc, log_scale.exp()), 1)
    z = qz.rsample((32,))
    elbo = (banana_log_prob(z) - qz.log_prob(z)).mean()
    opt.zero_grad()
    (-elbo).backward()
    opt.step()
    if step % 20 == 0 or step == 79:
        print(f"mean-field step {step:3d} elbo {elbo.item():.4f} loc {[round(v, 3) for v in loc.tolist()]}"
              f" scale {[round(v, 3) for v in log_scale.exp().tolist()]}")

L_raw = nn.Parameter(torch.zeros(2, 2))
mu = nn.Parameter(torch.zeros(2))
opt = torch.optim.Adam([L_raw, mu], lr=0.05)
for step in range(80):
    L = torch.tril(L_raw, -1) + torch.diag_embed(F.softplus(torch.diagonal(L_raw)) + 1e-3)
    qz = D.MultivariateNormal(mu, scale_tril=L)
    z = qz.rsample((64,))
    elbo = (banana_log_prob(z) - qz.log_prob(z)).mean()
    opt.zero_grad()
    (-elbo).backward()
    opt.step()
print("full-cov elbo", round(elbo.item(), 4), "entropy", round(qz.entropy().item(), 4))
print("full-cov covariance", [[round(v, 3) for v in row] for row in qz.covariance_matrix.tolist()])
print(qz)

# Beta-Bernoulli: the conjugate posterior vs a gradient fit of the Beta's parameters
flips = D.Bernoulli(probs=0.7).sample((50,))
heads = flips.sum().item()
post = D.Beta(1.0 + heads, 1.0 + 50 - heads)
print("heads", heads, "posterior mean", round(post.mean.item(), 5), "var", round(post.variance.item(), 6))
# (a gradient fit of the Beta through rsample is left out: PyTorch differentiates Beta/Dirichlet samples
# with its own fitted approximation, whose per-sample values minigrad's implicit gradient does not reproduce)
print("posterior log_prob at 0.7", round(post.log_prob(torch.tensor(0.7)).item(), 5),
      "kl to prior", round(D.kl_divergence(post, D.Beta(1.0, 1.0)).item(), 5))

# Gumbel-softmax: relaxed samples, their straight-through hard version, and the temperature's effect
logits = nn.Parameter(torch.tensor([0.0, 0.0, 0.0]))
target = torch.tensor([0.1, 0.2, 0.7])
opt = torch.optim.SGD([logits], lr=0.5)
for step in range(60):
    rc = D.RelaxedOneHotCategorical(torch.tensor(0.5), logits=logits)
    s = rc.rsample((16,))
    loss = ((s.mean(0) - target) ** 2).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
print("relaxed probs", [round(v, 3) for v in F.softmax(logits, -1).tolist()])
hard = F.gumbel_softmax(logits, tau=0.5, hard=True)
print("hard sample", hard.tolist(), hard.grad_fn is not None)
for tau in (0.1, 1.0, 10.0):
    s = D.RelaxedOneHotCategorical(torch.tensor(tau), logits=logits).sample((200,))
    print(f"tau {tau} max-entry mean {s.max(-1).values.mean().item():.4f}")
