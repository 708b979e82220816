"""A Gaussian mixture fitted two ways, as statistics notebooks do: EM by hand (responsibilities with
logsumexp, weighted means and full covariances via einsum, Cholesky log-densities checked against
MultivariateNormal(scale_tril=...)), then the same model by gradient descent on the negative
log-likelihood of MixtureSameFamily with unconstrained parameters (softmax weights, a lower-triangular
factor with a softplus diagonal), BIC for k=1..3, hard assignments and a sample drawn from the fit."""

import math

import torch
import torch.distributions as D

torch.manual_seed(0)
torch.set_num_threads(1)
g = torch.Generator().manual_seed(4)
means = torch.tensor([[0.0, 0.0], [3.0, 3.0], [-3.0, 2.0]])
covs = torch.stack([torch.tensor([[1.0, 0.5], [0.5, 1.0]]), torch.eye(2) * 0.5, torch.tensor([[0.8, -0.3], [-0.3, 0.4]])])
counts = [120, 80, 100]
X = torch.cat([means[k] + torch.randn(n, 2, generator=g) @ torch.linalg.cholesky(covs[k]).T for k, n in enumerate(counts)])
N, d = X.shape
print("data", tuple(X.shape), [round(v, 4) for v in X.mean(0).tolist()])


def log_gauss(X, mu, cov):
    L = torch.linalg.cholesky(cov)
    diff = (X.unsqueeze(0) - mu.unsqueeze(1)).unsqueeze(-1)
    sol = torch.linalg.solve_triangular(L.unsqueeze(1), diff, upper=False).squeeze(-1)
    maha = sol.pow(2).sum(-1)
    logdet = 2 * torch.log(torch.diagonal(L, dim1=-2, dim2=-1)).sum(-1)
    return -0.5 * (maha + logdet.unsqueeze(1) + d * math.log(2 * math.pi))


def em(X, k, iters=25):
    idx = torch.randperm(N, generator=torch.Generator().manual_seed(k))[:k]
    mu, cov, pi = X[idx].clone(), torch.eye(d).repeat(k, 1, 1), torch.full((k,), 1.0 / k)
    for _ in range(iters):
        logp = log_gauss(X, mu, cov) + pi.log().unsqueeze(1)
        ll = torch.logsumexp(logp, 0)
        resp = (logp - ll).exp()
        nk = resp.sum(1)
        pi = nk / N
        mu = resp @ X / nk.unsqueeze(1)
        diff = X.unsqueeze(0) - mu.unsqueeze(1)
        cov = torch.einsum("kn,kni,knj->kij", resp, diff, diff) / nk.view(k, 1, 1) + 1e-6 * torch.eye(d)
    # a fixed number of steps: a stopping threshold on the change would sit at float32's resolution
    return mu, cov, pi, ll.sum().item()


for k in (1, 2, 3):
    mu, cov, pi, ll = em(X, k)
    n_params = k * (d + d * (d + 1) // 2) + (k - 1)
    bic = -2 * ll + n_params * math.log(N)
    print(f"k={k} loglik {ll:.3f} bic {bic:.3f}")
order = mu[:, 0].argsort()
mu, cov, pi = mu[order], cov[order], pi[order]
print("em weights", [round(v, 4) for v in pi.tolist()])
print("em means", [[round(v, 3) for v in row] for row in mu.tolist()])
mvn = D.MultivariateNormal(mu, scale_tril=torch.linalg.cholesky(cov))
mine = log_gauss(X[:4], mu, cov).T
print("log_prob matches MultivariateNormal:", torch.allclose(mvn.log_prob(X[:4].unsqueeze(1)), mine, atol=1e-4))
print("mvn batch", mvn.batch_shape, mvn.event_shape, [round(v, 4) for v in mvn.entropy().tolist()])

K = 3
logits = torch.zeros(K, requires_grad=True)
loc = X[torch.randperm(N, generator=torch.Generator().manual_seed(3))[:K]].clone().requires_grad_(True)
raw_diag = torch.zeros(K, d, requires_grad=True)
off = torch.zeros(K, requires_grad=True)
opt = torch.optim.Adam([logits, loc, raw_diag, off], lr=0.05)


def build():
    tril = torch.diag_embed(torch.nn.functional.softplus(raw_diag) + 1e-3)
    tril = tril + torch.zeros(K, d, d).index_put((torch.arange(K), torch.ones(K, dtype=torch.long), torch.zeros(K, dtype=torch.long)), off)
    comp = D.MultivariateNormal(loc, scale_tril=tril)
    return D.MixtureSameFamily(D.Categorical(logits=logits), comp)


for step in range(100):
    gmm = build()
    nll = -gmm.log_prob(X).mean()
    opt.zero_grad()
    nll.backward()
    opt.step()
    if step % 50 == 0 or step == 99:
        print(f"gd step {step} nll {nll.item():.4f} grad norm {loc.grad.norm().item():.4f}")
gmm = build()
print("gd weights", sorted(round(v, 3) for v in gmm.mixture_distribution.probs.tolist()))
print("gd loglik", round(gmm.log_prob(X).sum().item(), 3), "vs em", round(ll, 3))
with torch.no_grad():
    post = gmm.component_distribution.log_prob(X.unsqueeze(1)) + gmm.mixture_distribution.logits
    hard = post.argmax(1)
    print("cluster sizes", torch.bincount(hard, minlength=K).sort().values.tolist())
    s = gmm.sample((5,))
    print("sample", tuple(s.shape), gmm.batch_shape, gmm.event_shape, [round(v, 4) for v in gmm.mean.tolist()])
    print("variance", [round(v, 4) for v in gmm.variance.tolist()])
