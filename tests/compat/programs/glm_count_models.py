"""Likelihood models fitted by hand, as statistics-in-PyTorch notebooks
write them: Gamma MLE for the shape by Newton's method on
log(k) - digamma(k) = log(mean) - mean(log x) (torch.digamma and
torch.polygamma(1, .)), the same fit by autograd through torch.lgamma;
Beta MLE by LBFGS on lgamma terms; Dirichlet MLE by Minka's fixed point with
an inverse digamma by Newton; Poisson and negative-binomial regression (NB2
log-likelihood via lgamma, dispersion by softplus) with offsets, a
zero-inflated Poisson by logsumexp of the two branches, Student-t
regression (robust to outliers, torch.special.gammaln), probit regression by
torch.special.ndtr and log_ndtr, deviance residuals with torch.special.xlogy,
entropy with torch.special.entr, and the special functions themselves at a
few points (erfinv, ndtri, i0/i0e/i1, zeta, multigammaln, gammainc,
xlog1py, sinc, logit, expit, polygamma orders). Float64, seeded; every
number agrees."""

import math

import torch
import torch.nn.functional as F
from torch.special import gammaln

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

# Gamma shape by Newton on the profile likelihood
x = torch.distributions.Gamma(torch.tensor(2.5), torch.tensor(1.5)).sample((400,))
s = torch.log(x.mean()) - torch.log(x).mean()
k = (3 - s + torch.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s)
for it in range(6):
    k = k - (torch.log(k) - torch.digamma(k) - s) / (1 / k - torch.polygamma(1, k))
    print(f"gamma newton {it} | k {k.item():.10f}")
print("gamma rate", round((k / x.mean()).item(), 8))
log_k = torch.tensor(0.0, requires_grad=True)
log_rate = torch.tensor(0.0, requires_grad=True)
opt = torch.optim.LBFGS([log_k, log_rate], lr=1, max_iter=50, line_search_fn="strong_wolfe")


def gamma_nll():
    opt.zero_grad()
    kk, rr = log_k.exp(), log_rate.exp()
    nll = -(kk * torch.log(rr) - torch.lgamma(kk) + (kk - 1) * torch.log(x) - rr * x).mean()
    nll.backward()
    return nll


opt.step(gamma_nll)
print("gamma lbfgs k", round(log_k.exp().item(), 6), "rate", round(log_rate.exp().item(), 6),
      "vs torch.distributions", round(-torch.distributions.Gamma(log_k.exp(), log_rate.exp()).log_prob(x).mean().item(), 8),
      round(gamma_nll().item(), 8))

# Beta MLE
xb = torch.distributions.Beta(torch.tensor(2.0), torch.tensor(5.0)).sample((300,))
ab = torch.zeros(2, requires_grad=True)
opt = torch.optim.LBFGS([ab], lr=1, max_iter=50, line_search_fn="strong_wolfe")


def beta_nll():
    opt.zero_grad()
    a, b = ab.exp()
    ll = (a - 1) * torch.log(xb) + (b - 1) * torch.log1p(-xb) - (gammaln(a) + gammaln(b) - gammaln(a + b))
    loss = -ll.mean()
    loss.backward()
    return loss


opt.step(beta_nll)
print("beta mle", [round(v, 6) for v in ab.exp().tolist()], "nll", round(beta_nll().item(), 8))

# Dirichlet MLE (Minka) with inverse digamma
alpha_true = torch.tensor([1.5, 4.0, 2.5])
P = torch.distributions.Dirichlet(alpha_true).sample((500,))
logp_bar = torch.log(P).mean(0)


def inv_digamma(y, iters=5):
    xg = torch.where(y >= -2.22, torch.exp(y) + 0.5, -1 / (y - torch.digamma(torch.tensor(1.0))))
    for _ in range(iters):
        xg = xg - (torch.digamma(xg) - y) / torch.polygamma(1, xg)
    return xg


alpha = torch.ones(3)
for it in range(30):
    alpha = inv_digamma(torch.digamma(alpha.sum()) + logp_bar)
print("dirichlet alpha", [round(v, 6) for v in alpha.tolist()],
      "loglik", round(torch.distributions.Dirichlet(alpha).log_prob(P).mean().item(), 8))

# count regressions
n, d = 400, 3
X = torch.cat([torch.ones(n, 1), torch.randn(n, d - 1)], 1)
beta = torch.tensor([0.5, 0.8, -0.4])
expo = torch.rand(n) * 2 + 0.5
mu = expo * torch.exp(X @ beta)
r_true = 2.0
y_nb = torch.poisson(torch.distributions.Gamma(r_true, r_true / mu).sample())
print("counts mean", round(y_nb.mean().item(), 5), "var", round(y_nb.var().item(), 5), "zeros", int((y_nb == 0).sum()))


def fit(nll_fn, n_params, steps=60):
    theta = torch.zeros(n_params, requires_grad=True)
    opt = torch.optim.LBFGS([theta], lr=1, max_iter=steps, line_search_fn="strong_wolfe", tolerance_grad=1e-10,
                            tolerance_change=1e-12)

    def closure():
        opt.zero_grad()
        l = nll_fn(theta)
        l.backward()
        return l

    opt.step(closure)
    return theta.detach(), nll_fn(theta).item()


def poisson_nll(th):
    eta = X @ th + torch.log(expo)
    return -(y_nb * eta - torch.exp(eta) - torch.lgamma(y_nb + 1)).mean()


def nb_nll(th):
    eta = X @ th[:d] + torch.log(expo)
    r = F.softplus(th[d]) + 1e-8
    m = torch.exp(eta)
    ll = (torch.lgamma(y_nb + r) - torch.lgamma(r) - torch.lgamma(y_nb + 1) + r * torch.log(r / (r + m))
          + y_nb * torch.log(m / (r + m)))
    return -ll.mean()


def zip_nll(th):
    eta = X @ th[:d] + torch.log(expo)
    logit_pi = th[d]
    lam = torch.exp(eta)
    log_pois = y_nb * eta - lam - torch.lgamma(y_nb + 1)
    zero = torch.logsumexp(torch.stack([F.logsigmoid(logit_pi).expand(n), F.logsigmoid(-logit_pi) - lam]), 0)
    return -torch.where(y_nb == 0, zero, F.logsigmoid(-logit_pi) + log_pois).mean()


for name, fn, k_ in [("poisson", poisson_nll, d), ("negbin", nb_nll, d + 1), ("zip", zip_nll, d + 1)]:
    th, nll = fit(fn, k_)
    aic = 2 * k_ + 2 * n * nll
    extra = f" r {F.softplus(th[d]).item():.5f}" if name == "negbin" else (f" pi {torch.sigmoid(th[d]).item():.5f}" if name == "zip" else "")
    print(f"{name:8s} coef {[round(v, 5) for v in th[:d].tolist()]} | nll {nll:.8f} | aic {aic:.4f}{extra}")

th_p, _ = fit(poisson_nll, d)
mu_hat = expo * torch.exp(X @ th_p)
dev = 2 * (torch.special.xlogy(y_nb, y_nb / mu_hat) - (y_nb - mu_hat))
print("poisson deviance", round(dev.sum().item(), 6), "pearson chi2/df", round((((y_nb - mu_hat) ** 2) / mu_hat).sum().item() / (n - d), 6))

# Student-t regression with outliers vs least squares
xr = torch.linspace(-2, 2, 80)
yr = 1.0 + 2.0 * xr + 0.3 * torch.randn(80)
yr[::13] += 6.0
A = torch.stack([torch.ones(80), xr], 1)
ls = torch.linalg.lstsq(A, yr[:, None]).solution.squeeze(1)


def t_nll(th):
    nu = F.softplus(th[2]) + 1
    sc = F.softplus(th[3])
    z = (yr - A @ th[:2]) / sc
    ll = (gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * torch.log(nu * math.pi) - torch.log(sc)
          - (nu + 1) / 2 * torch.log1p(z ** 2 / nu))
    return -ll.mean()


th_t, _ = fit(t_nll, 4)
print("least squares", [round(v, 5) for v in ls.tolist()], "student-t", [round(v, 5) for v in th_t[:2].tolist()],
      "nu", round((F.softplus(th_t[2]) + 1).item(), 4))
print("t log_prob check", round(-torch.distributions.StudentT(F.softplus(th_t[2]) + 1, A @ th_t[:2], F.softplus(th_t[3])).log_prob(yr).mean().item(), 8),
      round(t_nll(th_t).item(), 8))

# probit regression
yb = (X @ beta + torch.randn(n) > 0.3).double()


def probit_nll(th):
    eta = X @ th
    return -(yb * torch.special.log_ndtr(eta) + (1 - yb) * torch.special.log_ndtr(-eta)).mean()


th_pr, nll_pr = fit(probit_nll, d)
print("probit coef", [round(v, 5) for v in th_pr.tolist()], "nll", round(nll_pr, 8),
      "mean p", round(torch.special.ndtr(X @ th_pr).mean().item(), 6))

# the special functions themselves
v = torch.tensor([0.05, 0.3, 0.5, 0.9, 0.999])
print("erfinv", [round(t, 8) for t in torch.erfinv(2 * v - 1).tolist()])
print("ndtri", [round(t, 8) for t in torch.special.ndtri(v).tolist()])
print("logit", [round(t, 8) for t in torch.logit(v).tolist()], "eps", [round(t, 6) for t in torch.logit(v, eps=0.1).tolist()])
print("expit", [round(t, 8) for t in torch.special.expit(torch.tensor([-3.0, 0.0, 2.0])).tolist()])
w = torch.tensor([0.0, 0.5, 1.0, 3.0, 10.0])
print("i0", [round(t, 8) for t in torch.special.i0(w).tolist()])
print("i0e", [round(t, 8) for t in torch.special.i0e(w).tolist()], "i1", [round(t, 8) for t in torch.special.i1(w).tolist()])
print("i1e", [round(t, 8) for t in torch.special.i1e(w).tolist()])
print("zeta", [round(t, 8) for t in torch.special.zeta(torch.tensor([2.0, 3.0, 4.5]), torch.tensor([1.0, 2.0, 0.5])).tolist()])
print("multigammaln", [round(t, 8) for t in torch.special.multigammaln(torch.tensor([2.5, 4.0]), 3).tolist()])
print("gammainc", [round(t, 8) for t in torch.special.gammainc(torch.tensor([0.5, 2.0, 5.0]), torch.tensor([1.0, 2.0, 3.0])).tolist()],
      "gammaincc", [round(t, 8) for t in torch.special.gammaincc(torch.tensor([0.5, 2.0, 5.0]), torch.tensor([1.0, 2.0, 3.0])).tolist()])
print("xlog1py", [round(t, 8) for t in torch.special.xlog1py(torch.tensor([0.0, 2.0, 3.0]), torch.tensor([-1.0, 0.5, 2.0])).tolist()])
print("sinc", [round(t, 8) for t in torch.special.sinc(torch.tensor([0.0, 0.25, 1.5])).tolist()])
print("entr", [round(t, 8) for t in torch.special.entr(torch.tensor([0.0, 0.25, 1.0, 2.0])).tolist()],
      torch.special.entr(torch.tensor([-1.0])).item())
print("polygamma", [round(torch.polygamma(nn_, torch.tensor(1.7)).item(), 8) for nn_ in range(4)])
print("digamma/lgamma at negatives", [round(t, 8) for t in torch.digamma(torch.tensor([-0.5, -1.5, 0.25])).tolist()],
      [round(t, 8) for t in torch.lgamma(torch.tensor([-0.5, -1.5, 0.25])).tolist()])
print("erfcx/log1p/expm1", [round(t, 8) for t in torch.special.erfcx(torch.tensor([-1.0, 0.5, 5.0])).tolist()],
      round(torch.special.log1p(torch.tensor(1e-10)).item() * 1e10, 8), round(torch.special.expm1(torch.tensor(1e-10)).item() * 1e10, 8))
t_ = torch.tensor([0.3, 1.2, 2.5], requires_grad=True)
(torch.lgamma(t_).sum() + torch.digamma(t_).sum() + torch.special.i0(t_).sum() + torch.erfinv(t_ / 3).sum()).backward()
print("grads of lgamma+digamma+i0+erfinv", [round(g, 8) for g in t_.grad.tolist()])
