"""d2l.ai's "Mathematics for Deep Learning" appendix in its PyTorch tab, as readers run the cells:
geometry (angles with torch.acos of normalized dots, cosine similarity, hyperplane classification of
two digit classes by their means), eigendecompositions (torch.linalg.eigh of a symmetric matrix and
the Gershgorin discs, power iteration normalizing by the norm, the eigenvalue growth of random
products), single-variable calculus (finite differences of log/x^2 at shrinking h, Taylor polynomials
with torch.lgamma-based factorials), integral calculus (trapezoid sums with torch.trapezoid), random
variables (pdf/cdf of the normal via torch.erf, the covariance of a sampled pair, torch.distributions
as a check), maximum likelihood of a coin with autograd on the NLL, naive Bayes on binarized 8x8
digits (smoothed per-class pixel probabilities, log-space prediction with the log-sum of
torch.log(P) + ...), statistics (bias/variance of estimators over bootstraps, a t-style interval),
and information theory (self-information, entropy with nansum, joint/conditional entropy, mutual
information, KL divergence against F.kl_div, cross entropy and NLL of predictions)."""

import math

import numpy as np
import torch
import torch.nn.functional as F
from _data import digits

torch.set_num_threads(1)
torch.manual_seed(8675309)

# geometry
def angle(v, w):
    return torch.acos(v.dot(w) / (torch.norm(v) * torch.norm(w)))


print(angle(torch.tensor([0, 1, 2], dtype=torch.float32), torch.tensor([2.0, 3, 4])))
print(F.cosine_similarity(torch.tensor([[1.0, 2.0, 2.0]]), torch.tensor([[2.0, 1.0, -2.0]])))
X, y = digits()
X = torch.tensor(X, dtype=torch.float32) / 16
y = torch.tensor(y)
zeros, ones = X[y == 0], X[y == 1]
ave_0, ave_1 = zeros.mean(0), ones.mean(0)
w = (ave_1 - ave_0).T
predictions = X[(y == 0) | (y == 1)] @ w > (ave_1 @ w + ave_0 @ w) / 2
labels = y[(y == 0) | (y == 1)] == 1
print("hyperplane accuracy", torch.mean((predictions.type(labels.dtype) == labels).float(), dtype=torch.float64))
print("angle between class means", angle(ave_0, ave_1))
M = torch.tensor([[1, 2], [3, 4]], dtype=torch.float32)
M_inv = torch.tensor([[2, -1], [-0.5, 0.5]])
print(M_inv @ M, torch.det(torch.tensor([[1, -1], [2, 3]], dtype=torch.float32)))
B = torch.tensor([[2, 4], [-1, -3]], dtype=torch.float32)
A = torch.tensor([[1, 2], [0, 1]], dtype=torch.float32)
v = torch.tensor([1, -1], dtype=torch.float32)
print(B @ v, torch.mm(A, B), torch.einsum("ij, j -> i", B, v))

# eigendecompositions
S = torch.tensor([[2, 1], [1, 2]], dtype=torch.float64)
evals, evecs = torch.linalg.eigh(S)
print(evals, evecs.abs())
Aa = torch.tensor([[1.0, 0.1, 0.1, 0.1], [0.1, 3.0, 0.2, 0.3], [0.1, 0.2, 5.0, 0.5], [0.1, 0.3, 0.5, 9.0]])
print(torch.linalg.eigvalsh(Aa))
radii = Aa.abs().sum(1) - Aa.diagonal().abs()
print("gershgorin centers", Aa.diagonal(), "radii", radii)
torch.manual_seed(42)
k = 5
A = torch.randn(k, k, dtype=torch.float64)
v_in = torch.randn(k, 1, dtype=torch.float64)
norm_list = [torch.norm(v_in).item()]
for i in range(1, 100):
    v_in = A @ v_in
    norm_list.append(torch.norm(v_in).item())
ratios = [norm_list[i] / norm_list[i - 1] for i in range(1, 100)]
sym = A @ A.T
evs = torch.linalg.eigvalsh(sym)
print("norm growth ratio", round(ratios[-1], 6), "largest |eigenvalue| estimate",
      round(ratios[-1], 4))
v_in = torch.randn(k, 1, dtype=torch.float64)
for i in range(60):
    v_in = sym @ v_in
    v_in = v_in / torch.norm(v_in)
print("power iteration", (v_in.T @ sym @ v_in).item(), evs.max().item())

# single variable calculus
def f(x):
    return torch.log(x) if isinstance(x, torch.Tensor) else math.log(x)


for h in 10.0 ** np.arange(-1, -6, -1):
    x0 = torch.tensor(1.0, dtype=torch.float64)
    print(f"h={h:.0e} => {(f(x0 + h) - f(x0)) / h:.8f}")
x = torch.linspace(0, 3, 31)
P1 = 1 + x
P2 = 1 + x + x ** 2 / 2
P5 = sum(x ** k / torch.exp(torch.lgamma(torch.tensor(k + 1.0))) for k in range(6))
print("taylor errors", (P1 - torch.exp(x)).abs().max(), (P2 - torch.exp(x)).abs().max(),
      (P5 - torch.exp(x)).abs().max())

# integral calculus
epsilon = 0.05
a, b = 0, 2
x = torch.arange(a, b, epsilon)
f = x / (1 + x ** 2)
approx = torch.sum(epsilon * f)
true = torch.log(torch.tensor([5.])) / 2
print(f"approximation: {approx}, truth: {true}")
xs = torch.linspace(0, 2, 101)
print("trapezoid", torch.trapezoid(xs / (1 + xs ** 2), xs), torch.trapezoid(torch.ones(5)))
grid = torch.linspace(-2, 2, 101)
X2, Y2 = torch.meshgrid(grid, grid, indexing="ij")
Z = torch.exp(-X2 ** 2 - Y2 ** 2)
print("2d integral", (Z.sum() * (4 / 100) ** 2).item(), math.pi)

# random variables
mu, sigma = 1.0, 2.0


def phi(x):
    return (1.0 + torch.erf((x - mu) / (sigma * torch.sqrt(torch.tensor(2.0))))) / 2.0


def p(x):
    return 1 / torch.sqrt(torch.tensor(2 * math.pi * sigma ** 2)) * torch.exp(-(x - mu) ** 2 / (2 * sigma ** 2))


xs = torch.tensor([-1.0, 0.0, 1.0, 3.0])
print("normal pdf", p(xs), "cdf", phi(xs))
nd = torch.distributions.Normal(mu, sigma)
print("check", torch.allclose(nd.log_prob(xs).exp(), p(xs)), torch.allclose(nd.cdf(xs), phi(xs)))
torch.manual_seed(0)
xs = torch.randn(5000)
ys = 0.5 * xs + 0.3 * torch.randn(5000)
cov = torch.mean((xs - xs.mean()) * (ys - ys.mean()))
print(f"cov {cov:.4f} corr {cov / (xs.std() * ys.std()):.4f}", torch.cov(torch.stack([xs, ys])))
print("bernoulli mean/var", torch.distributions.Bernoulli(0.3).mean, torch.distributions.Bernoulli(0.3).variance)
print("binomial pmf", torch.distributions.Binomial(10, 0.2).log_prob(torch.arange(4.)).exp())
print("poisson pmf", torch.distributions.Poisson(5).log_prob(torch.arange(4.)).exp())

# maximum likelihood of a coin
n_H, n_T = 8675, 25624
theta = torch.tensor(0.5, requires_grad=True)
lr = 1e-6
for iter in range(100):
    loss = -(n_H * torch.log(theta) + n_T * torch.log(1 - theta))
    loss.backward()
    with torch.no_grad():
        theta -= lr * theta.grad
    theta.grad.zero_()
print(f"theta {theta.item():.6f} vs n_H / (n_H + n_T) {n_H / (n_H + n_T):.6f}")

# naive Bayes on binarized digits
Xb = (X > 0.5).float()
train_X, train_y, test_X, test_y = Xb[:1400], y[:1400], Xb[1400:], y[1400:]
n_y = torch.zeros(10)
for i in range(10):
    n_y[i] = (train_y == i).sum()
P_y = n_y / n_y.sum()
print("P_y", P_y)
n_x = torch.zeros((10, 64))
for yy in range(10):
    n_x[yy] = torch.tensor(train_X.numpy()[train_y.numpy() == yy].sum(axis=0))
P_xy = (n_x + 1) / (n_y + 2).reshape(10, 1)
print("P_xy[0] head", P_xy[0, :8])
log_P_xy = torch.log(P_xy)
log_P_xy_neg = torch.log(1 - P_xy)
log_P_y = torch.log(P_y)


def bayes_pred_stable(x):
    x = x.unsqueeze(0)
    p_xy = log_P_xy * x + log_P_xy_neg * (1 - x)
    p_xy = p_xy.reshape(10, -1).sum(axis=1)
    return p_xy + log_P_y


py = bayes_pred_stable(test_X[0])
print("log posterior", py, "pred", py.argmax(dim=0), "label", test_y[0])


def predict(X):
    return [bayes_pred_stable(x).argmax(dim=0).type(torch.int32).item() for x in X]


preds = torch.tensor(predict(test_X), dtype=torch.int32)
print("naive bayes accuracy", float((preds == test_y).sum()) / len(test_y))
print("unstable product underflows", torch.prod(P_xy[0] ** 0 * 0.01))

# statistics
torch.manual_seed(8675309)
sample = torch.normal(0.0, 1.0, size=(1000,)) + 2.0
print(f"mean {sample.mean():.5f} std {sample.std():.5f} biased var {sample.var(unbiased=False):.5f}")
num_boot = 200
means = torch.stack([sample[torch.randint(0, 1000, (1000,))].mean() for _ in range(num_boot)])
print(f"bootstrap std of the mean {means.std():.5f}, ideal {sample.std() / math.sqrt(1000):.5f}")
bias = torch.stack([torch.normal(0.0, 1.0, size=(10,)).var(unbiased=False) for _ in range(500)]).mean() - 1
print(f"biased variance estimator bias {bias:.4f}")
t_star = 1.96
lo = sample.mean() - t_star * sample.std() / math.sqrt(1000)
hi = sample.mean() + t_star * sample.std() / math.sqrt(1000)
print(f"interval ({lo:.4f}, {hi:.4f})")

# information theory
def self_information(p):
    return -torch.log2(torch.tensor(p)).item()


print(self_information(1 / 64))


def nansum(x):
    return x[~torch.isnan(x)].sum()


def entropy(p):
    entropy = -p * torch.log2(p)
    out = nansum(entropy)
    return out


print(entropy(torch.tensor([0.1, 0.5, 0.1, 0.3])), entropy(torch.tensor([0.5, 0.5, 0.0])))
print(torch.nansum(torch.tensor([0.0, float("nan"), 2.0])), torch.tensor([0.0]) * torch.log2(torch.tensor([0.0])))


def joint_entropy(p_xy):
    joint_ent = -p_xy * torch.log2(p_xy)
    out = nansum(joint_ent)
    return out


print(joint_entropy(torch.tensor([[0.1, 0.5], [0.1, 0.3]])))


def conditional_entropy(p_xy, p_x):
    p_y_given_x = p_xy / p_x
    cond_ent = -p_xy * torch.log2(p_y_given_x)
    out = nansum(cond_ent)
    return out


print(conditional_entropy(torch.tensor([[0.1, 0.5], [0.2, 0.3]]), torch.tensor([0.2, 0.8])))


def mutual_information(p_xy, p_x, p_y):
    p = p_xy / (p_x * p_y)
    mutual = p_xy * torch.log2(p)
    out = nansum(mutual)
    return out


print(mutual_information(torch.tensor([[0.1, 0.5], [0.1, 0.3]]), torch.tensor([0.2, 0.8]),
                         torch.tensor([[0.75, 0.25]])))


def kl_divergence(p, q):
    kl = p * torch.log2(p / q)
    out = nansum(kl)
    return out.abs().item()


torch.manual_seed(1)
tensor_len = 10000
p = torch.normal(0, 1, (tensor_len,))
q1 = torch.normal(-1, 1, (tensor_len,))
q2 = torch.normal(1, 1, (tensor_len,))
p = torch.sort(p)[0]
q1 = torch.sort(q1)[0]
q2 = torch.sort(q2)[0]
kl_pq1 = kl_divergence(p, q1)
kl_pq2 = kl_divergence(p, q2)
similar_percentage = abs(kl_pq1 - kl_pq2) / ((kl_pq1 + kl_pq2) / 2) * 100
print(f"{kl_pq1:.4f} {kl_pq2:.4f} {similar_percentage:.4f}")
pp = torch.tensor([0.1, 0.4, 0.5])
qq = torch.tensor([0.3, 0.3, 0.4])
print("kl", (pp * torch.log(pp / qq)).sum(), F.kl_div(qq.log(), pp, reduction="sum"),
      torch.distributions.kl_divergence(torch.distributions.Categorical(pp), torch.distributions.Categorical(qq)))


def cross_entropy(y_hat, y):
    ce = -torch.log(y_hat[range(len(y_hat)), y])
    return ce.mean()


labels = torch.tensor([0, 2])
preds = torch.tensor([[0.3, 0.6, 0.1], [0.2, 0.3, 0.5]])
print(cross_entropy(preds, labels))
nll_loss = torch.nn.NLLLoss()
loss = nll_loss(torch.log(preds), labels)
print(loss, F.cross_entropy(torch.log(preds), labels))
